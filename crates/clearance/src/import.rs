//! Catalogue import: parse, check against the registry, fingerprint, register.

use crate::{ClearanceError, Home, io};
use fermata_catalog::{CatalogRecord, MAX_CATALOGUE_BYTES, Parsed, Problem, parse_ddex, read_csv};
use fermata_engine::{AddEvent, AddOptions, FileStatus, InputFile, add_files};
use fermata_index::IndexWriter;
use fermata_registry::{ImportReport, Registry, Share, Territory, Work, WorkConflict};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The catalogue formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CatalogFormat {
    /// CSV with a header row.
    Csv,
    /// DDEX ERN 4.x XML.
    Ddex,
}

impl CatalogFormat {
    /// Decides by extension (`.csv`, `.xml`), else by the first non-blank byte (`<` is XML).
    pub fn detect(path: &Path, bytes: &[u8]) -> CatalogFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xml") => CatalogFormat::Ddex,
            Some("csv") => CatalogFormat::Csv,
            _ if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') => {
                CatalogFormat::Ddex
            }
            _ => CatalogFormat::Csv,
        }
    }
}

/// Progress of an import.
#[derive(Debug)]
pub enum ImportEvent<'a> {
    /// The catalogue is valid; this many audio files are to be fingerprinted.
    Fingerprinting {
        /// Files to decode (unchanged ones are skipped).
        files: usize,
    },
    /// One audio file is done.
    Fingerprinted {
        /// The recording.
        isrc: &'a str,
        /// True when it failed.
        failed: bool,
    },
}

/// What a completed import did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportSummary {
    /// The format read.
    pub format: CatalogFormat,
    /// Records in the file.
    pub records: usize,
    /// What the registry did.
    pub registry: ImportReport,
    /// Audio files fingerprinted into the index.
    pub tracks_added: usize,
    /// Audio files already in the index (unchanged, or the same audio).
    pub tracks_already_indexed: usize,
    /// Seconds of audio decoded.
    pub audio_seconds: f64,
    /// Notices about the file that did not stop the import (a column ignored, a 0 % share left
    /// out), with line, field and what was done: show them to the user.
    pub notes: Vec<Problem>,
}

/// The result of an import.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum ImportOutcome {
    /// The catalogue was imported (conflicting works excepted, see the report).
    Imported(ImportSummary),
    /// The catalogue has problems; nothing was registered.
    Rejected {
        /// The format read.
        format: CatalogFormat,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// Interrupted while fingerprinting; nothing was registered, and a rerun skips the audio
    /// already fingerprinted.
    Interrupted {
        /// Files fingerprinted before the interruption.
        fingerprinted: usize,
    },
}

/// A file whose matched span covers at least this share of its length is taken to be the
/// matched recording itself (re-encoded, trimmed, quietened), not new music that samples it.
pub const SAME_RECORDING_SHARE: f64 = 0.6;

/// Imports the catalogue at `file` for `holder`, with audio files relative to `audio_dir`.
///
/// In order: the file is parsed (every malformed row or element reported, nothing imported);
/// share holders and audio files are checked (likewise); works already registered by another
/// holder are set aside as conflicts; the remaining recordings' audio is fingerprinted into
/// the index (in parallel; unchanged files are skipped); and the works are registered in one
/// transaction. Rerunning the same import changes nothing.
pub fn import_catalog(
    home: &Home,
    registry: &mut Registry,
    holder: &str,
    file: &Path,
    audio_dir: &Path,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(ImportEvent<'_>),
) -> Result<ImportOutcome, ClearanceError> {
    let holder_party = registry.party(holder)?;
    if !holder_party.kind.holds_rights() {
        return Err(ClearanceError::Invalid(format!(
            "'{holder}' is a {}, not a rights holder",
            holder_party.kind
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .map_err(io(file))?
        .take(MAX_CATALOGUE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io(file))?;
    let format = CatalogFormat::detect(file, &bytes);
    let parties = registry.parties()?;
    let parsed = match format {
        CatalogFormat::Csv => read_csv(&bytes),
        CatalogFormat::Ddex => parse_ddex(&bytes, &parties).map(|records| Parsed {
            records,
            notes: Vec::new(),
        }),
    };
    let Parsed { records, notes } = match parsed {
        Ok(r) => r,
        Err(problems) => return Ok(ImportOutcome::Rejected { format, problems }),
    };
    // Every audio path is resolved inside this directory (see `confine_audio`).
    let audio_root = audio_dir.canonicalize().map_err(|e| {
        ClearanceError::Invalid(format!(
            "--audio {}: {e}; give the directory the catalogue's audio paths are relative to",
            audio_dir.display()
        ))
    })?;
    let mut audio_of: HashMap<&str, PathBuf> = HashMap::new();
    let mut problems = Vec::new();
    let known: HashMap<&str, bool> = parties
        .iter()
        .map(|p| (p.id.as_str(), p.kind.holds_rights()))
        .collect();
    for r in &records {
        for s in &r.shares {
            match known.get(s.holder.as_str()) {
                None => problems.push(Problem {
                    line: r.line,
                    field: "shares".into(),
                    reason: format!(
                        "'{}' is not a registered party: add it with `fermata party add`",
                        s.holder
                    ),
                }),
                Some(false) => problems.push(Problem {
                    line: r.line,
                    field: "shares".into(),
                    reason: format!("'{}' is an AI developer, not a rights holder", s.holder),
                }),
                Some(true) => {}
            }
        }
        match confine_audio(&audio_root, audio_dir, &r.audio) {
            Ok(path) => {
                audio_of.insert(r.isrc.as_str(), path);
            }
            Err(reason) => problems.push(Problem {
                line: r.line,
                field: "audio".into(),
                reason,
            }),
        }
    }
    if !problems.is_empty() {
        return Ok(ImportOutcome::Rejected { format, problems });
    }

    // Works another holder registered are conflicts: not fingerprinted, not changed.
    let mut conflicts = Vec::new();
    let mut todo: Vec<&CatalogRecord> = Vec::new();
    for r in &records {
        match registry.work(&r.isrc) {
            Ok(existing) if existing.registrant != holder => conflicts.push(WorkConflict {
                isrc: r.isrc.clone(),
                registered_title: existing.title,
                registered_by: existing.registrant,
                imported_title: r.title.clone(),
                same_audio_as: None,
            }),
            Ok(_) | Err(fermata_registry::RegistryError::NotFound { .. }) => todo.push(r),
            Err(e) => return Err(e.into()),
        }
    }

    // The same recording registered twice is a conflict between holders, not a second work: a
    // newcomer's ISRC on another holder's audio would otherwise give it a say over that
    // recording. Each file is identified against the index first; one that is mostly (by
    // time) a recording another holder registered under another ISRC is set aside and the
    // clash recorded for both. (A short excerpt inside new music is a sample, not the same
    // recording: a scan then needs both holders, as for any mix.)
    let index_exists = home.index_dir().join(fermata_index::INDEX_FILE).is_file();
    if index_exists && !todo.is_empty() {
        let index = fermata_index::Index::open(&home.index_dir())?;
        // (row, matches, duration in seconds) per row with audio, or why it was refused.
        type Identified = Result<(usize, Vec<fermata_index::Match>, f64), Problem>;
        let identified: Vec<Identified> = todo
            .par_iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let path = audio_of.get(r.isrc.as_str())?;
                // A file that cannot be identified cannot be shown not to be someone else's
                // recording: the row is refused, never registered unchecked.
                Some(
                    match fermata_engine::identify_file(
                        &index,
                        path,
                        &fermata_index::MatchOptions::default(),
                    ) {
                        Ok(id) => Ok((i, id.matches, id.duration_s)),
                        Err(e) => Err(Problem {
                            line: r.line,
                            field: "audio".into(),
                            reason: format!("{}: {e}", path.display()),
                        }),
                    },
                )
            })
            .collect();
        let mut found = Vec::new();
        let mut unreadable = Vec::new();
        for x in identified {
            match x {
                Ok(f) => found.push(f),
                Err(p) => unreadable.push(p),
            }
        }
        if !unreadable.is_empty() {
            unreadable.sort_by_key(|p| p.line);
            return Ok(ImportOutcome::Rejected {
                format,
                problems: unreadable,
            });
        }
        let mut clashing = std::collections::BTreeSet::new();
        for (i, matches, duration_s) in found {
            let r = todo[i];
            for m in matches {
                let span = m.query_end_s - m.query_start_s;
                if duration_s <= 0.0 || span < SAME_RECORDING_SHARE * duration_s {
                    continue;
                }
                for other in registry.works_for_track(&m.track_id)? {
                    if other == r.isrc {
                        continue;
                    }
                    let existing = registry.work(&other)?;
                    // Another holder's say is at stake when it registered the recording or holds
                    // any share of it: the importer's own co-owned work counts too.
                    let others_hold = existing.registrant != holder
                        || existing.shares.iter().any(|s| s.holder != holder);
                    if others_hold && clashing.insert(i) {
                        conflicts.push(WorkConflict {
                            isrc: r.isrc.clone(),
                            registered_title: existing.title.clone(),
                            registered_by: existing.registrant.clone(),
                            imported_title: r.title.clone(),
                            same_audio_as: Some(other.clone()),
                        });
                    }
                }
            }
        }
        let same_audio: Vec<WorkConflict> = conflicts
            .iter()
            .filter(|c| c.same_audio_as.is_some())
            .cloned()
            .collect();
        if !same_audio.is_empty() {
            registry.record_audio_conflicts(holder, &same_audio, holder)?;
        }
        todo = todo
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !clashing.contains(i))
            .map(|(_, r)| r)
            .collect();
    }

    // A track's id is the ISRC and the start of the audio file's SHA-256: the same file is the
    // same track on every run (so a rerun is free), and different audio delivered for the same
    // ISRC (a corrected or remastered file) becomes another track of the work instead of a clash.
    let hashed: Vec<Result<(String, String, std::path::PathBuf), Problem>> = todo
        .par_iter()
        .map(|r| {
            let Some(path) = audio_of.get(r.isrc.as_str()).cloned() else {
                return Err(Problem {
                    line: r.line,
                    field: "audio".into(),
                    reason: format!("{}: not checked", r.audio),
                });
            };
            match crate::scan::sha256_file(&path) {
                Ok(h) => Ok((r.isrc.to_string(), format!("{}#{}", r.isrc, &h[..16]), path)),
                Err(e) => Err(Problem {
                    line: r.line,
                    field: "audio".into(),
                    reason: format!("{}: {e}", path.display()),
                }),
            }
        })
        .collect();
    let mut inputs = Vec::new();
    let mut isrc_of_track: HashMap<String, String> = HashMap::new();
    let mut failures = Vec::new();
    // The same audio file under two ISRCs of one catalogue is one recording registered twice.
    let mut first_with_audio: HashMap<String, (String, u64)> = HashMap::new();
    let line_of_isrc: HashMap<String, u64> =
        todo.iter().map(|r| (r.isrc.to_string(), r.line)).collect();
    for (isrc, id, _) in hashed.iter().flatten() {
        let digest = id
            .split_once('#')
            .map_or(id.as_str(), |(_, d)| d)
            .to_string();
        let line = line_of_isrc.get(isrc).copied().unwrap_or(0);
        match first_with_audio.get(&digest) {
            Some((other, other_line)) => failures.push(Problem {
                line,
                field: "audio".into(),
                reason: format!("the same audio file as {other} on line {other_line}: one recording cannot be registered under two ISRCs"),
            }),
            None => {
                first_with_audio.insert(digest, (isrc.clone(), line));
            }
        }
    }
    for h in hashed {
        match h {
            Ok((isrc, id, path)) => {
                isrc_of_track.insert(id.clone(), isrc);
                inputs.push(InputFile { path, id });
            }
            Err(p) => failures.push(p),
        }
    }
    if !failures.is_empty() {
        return Ok(ImportOutcome::Rejected {
            format,
            problems: failures,
        });
    }
    let mut writer =
        IndexWriter::open_or_create(&home.index_dir(), &fermata_fp::Params::default())?;
    let mut track_of: HashMap<String, String> = HashMap::new();
    let line_of: HashMap<String, u64> = todo.iter().map(|r| (r.isrc.to_string(), r.line)).collect();
    let summary = add_files(
        &mut writer,
        inputs,
        &AddOptions::default(),
        cancel,
        &mut |event| match event {
            AddEvent::Planned { to_decode, .. } => {
                on_event(ImportEvent::Fingerprinting { files: to_decode })
            }
            AddEvent::File { input, status } => {
                let isrc = isrc_of_track.get(&input.id).cloned().unwrap_or_default();
                let failed = matches!(status, FileStatus::Failed(_) | FileStatus::IdConflict);
                match status {
                    FileStatus::DuplicateOf(other) => {
                        track_of.insert(isrc.clone(), other.clone());
                    }
                    FileStatus::Failed(e) => failures.push(Problem {
                        line: line_of.get(&isrc).copied().unwrap_or(0),
                        field: "audio".into(),
                        reason: e.to_string(),
                    }),
                    FileStatus::IdConflict => failures.push(Problem {
                        line: line_of.get(&isrc).copied().unwrap_or(0),
                        field: "audio".into(),
                        reason: format!(
                            "{}: the index holds other audio under track id {}; rebuild the index",
                            input.path.display(),
                            input.id
                        ),
                    }),
                    _ => {
                        track_of.insert(isrc.clone(), input.id.clone());
                    }
                }
                on_event(ImportEvent::Fingerprinted {
                    isrc: &isrc,
                    failed,
                });
            }
        },
    )?;
    drop(writer);
    if summary.not_started > 0 {
        return Ok(ImportOutcome::Interrupted {
            fingerprinted: summary.added + summary.already_indexed,
        });
    }
    if !failures.is_empty() {
        failures.sort_by_key(|p| p.line);
        return Ok(ImportOutcome::Rejected {
            format,
            problems: failures,
        });
    }

    let works: Vec<Work> = todo
        .iter()
        .map(|r| Work {
            isrc: r.isrc.clone(),
            title: r.title.clone(),
            artist: r.artist.clone(),
            duration_s: r.duration_s,
            iswc: r.iswc.clone(),
            registrant: holder.to_string(),
            credits: r.credits.clone(),
            shares: if r.shares.is_empty() {
                vec![Share {
                    territory: Territory::world(),
                    holder: holder.to_string(),
                    basis_points: 10_000,
                }]
            } else {
                r.shares.clone()
            },
            tracks: track_of.get(r.isrc.as_str()).cloned().into_iter().collect(),
        })
        .collect();
    let mut report = registry.register_works(holder, works, holder)?;
    report.conflicts.extend(conflicts);
    report.conflicts.sort_by(|a, b| a.isrc.cmp(&b.isrc));
    Ok(ImportOutcome::Imported(ImportSummary {
        format,
        records: records.len(),
        registry: report,
        tracks_added: summary.added,
        tracks_already_indexed: summary.already_indexed + summary.duplicates,
        audio_seconds: summary.audio_seconds,
        notes,
    }))
}

/// The audio file a catalogue row names, resolved inside the audio directory (`root` is its
/// canonical form, `audio_dir` as given, for messages). The name must be relative, and once
/// `..` and symbolic links are resolved the file must still be inside the directory: a
/// catalogue cannot make the import open `../../etc/passwd`, `/home/someone/.ssh/id_rsa`, or a
/// link to either. Returns the resolved path (the one to open), or the problem.
fn confine_audio(root: &Path, audio_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = audio_dir.display();
    let relative = Path::new(name);
    if relative.has_root()
        || relative
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(format!(
            "'{name}' is an absolute path: write it relative to --audio {dir}"
        ));
    }
    // `..` past the top is refused before looking at the disk, whether or not the file exists.
    let mut depth = 0usize;
    for component in relative.components() {
        match component {
            Component::ParentDir if depth == 0 => {
                return Err(format!(
                    "'{name}' goes outside --audio {dir}: audio files must be inside that directory"
                ));
            }
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    let path = root.join(relative);
    let resolved = path.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "{} does not exist (audio paths are relative to --audio {dir})",
            path.display()
        ),
        _ => format!("{}: {e}", path.display()),
    })?;
    if !resolved.starts_with(root) {
        return Err(format!(
            "'{name}' leads to {} (through a symbolic link), outside --audio {dir}: audio files must be inside that directory",
            resolved.display()
        ));
    }
    if !resolved.is_file() {
        return Err(format!(
            "{} is not a file (audio paths are relative to --audio {dir})",
            path.display()
        ));
    }
    Ok(resolved)
}
