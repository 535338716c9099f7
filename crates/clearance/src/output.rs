//! Checking generated audio against the registry: which registered recordings a model's
//! output reproduces, where, and whose they are.

use crate::{ClearanceError, Home};
use fermata_engine::identify_file;
use fermata_index::{Index, MatchOptions};
use fermata_registry::{Registry, Territory};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A registered recording heard in a generated file.
#[derive(Clone, Debug, Serialize)]
pub struct OutputMatch {
    /// The work.
    pub isrc: String,
    /// Its title.
    pub title: String,
    /// Its display artist.
    pub artist: String,
    /// Who holds it (every holder of every territory).
    pub holders: Vec<String>,
    /// Where it is heard in the file, in seconds.
    pub start_s: f64,
    /// Where it stops.
    pub end_s: f64,
    /// Where in the recording the copied part starts.
    pub reference_start_s: f64,
    /// Aligned landmarks (how strong the evidence is).
    pub score: u32,
}

/// The result for one file.
#[derive(Clone, Debug, Serialize)]
pub struct OutputCheck {
    /// The file.
    pub file: PathBuf,
    /// Seconds of audio.
    pub duration_s: f64,
    /// The registered recordings found, in order of where they start.
    pub matches: Vec<OutputMatch>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}

/// Identifies registered recordings inside each file (e.g. a model's generated audio) and names
/// the works and their holders. A match to an indexed track that no registered work links to is
/// left out: it has no holder to report.
pub fn check_outputs(
    home: &Home,
    registry: &mut Registry,
    files: &[PathBuf],
) -> Result<Vec<OutputCheck>, ClearanceError> {
    let index = Index::open(&home.index_dir())?;
    let mut out = Vec::new();
    for file in files {
        out.push(check_one(&index, registry, file)?);
    }
    Ok(out)
}

fn check_one(
    index: &Index,
    registry: &mut Registry,
    file: &Path,
) -> Result<OutputCheck, ClearanceError> {
    let found = match identify_file(index, file, &MatchOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            return Ok(OutputCheck {
                file: file.to_path_buf(),
                duration_s: 0.0,
                matches: vec![],
                error: Some(e.to_string()),
            });
        }
    };
    let mut matches = Vec::new();
    for m in found.matches {
        for isrc in registry.works_for_track(&m.track_id)? {
            let work = registry.work(&isrc)?;
            let mut holders: Vec<String> = work
                .shares_in(&Territory::world())
                .iter()
                .map(|s| s.holder.clone())
                .collect();
            holders.sort();
            matches.push(OutputMatch {
                isrc: isrc.to_string(),
                title: work.title,
                artist: work.artist,
                holders,
                start_s: m.query_start_s,
                end_s: m.query_end_s,
                reference_start_s: m.reference_start_s,
                score: m.score,
            });
        }
    }
    Ok(OutputCheck {
        file: file.to_path_buf(),
        duration_s: found.duration_s,
        matches,
        error: None,
    })
}

/// The milliseconds of a file covered by `intervals` (seconds), overlaps counted once.
pub fn covered_ms(intervals: &[(f64, f64)]) -> u64 {
    let mut spans: Vec<(u64, u64)> = intervals
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite() && b > a)
        .map(|(a, b)| {
            (
                (a.max(0.0) * 1000.0).round() as u64,
                (b.max(0.0) * 1000.0).round() as u64,
            )
        })
        .collect();
    spans.sort_unstable();
    let mut total = 0u64;
    let mut current: Option<(u64, u64)> = None;
    for (a, b) in spans {
        match current {
            Some((s, e)) if a <= e => current = Some((s, e.max(b))),
            Some((s, e)) => {
                total += e - s;
                current = Some((a, b));
            }
            None => current = Some((a, b)),
        }
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total
}

/// Identifies the registered recordings in a model's generated outputs (as
/// [`check_outputs`] does) and records what was found as an attribution report for
/// `developer`: per output, the milliseconds in which each work was found. How a statement
/// weighs those milliseconds is the registry's rule (the `attribution` remuneration model).
/// A file that cannot be read is an error: an attribution must not silently leave one out.
pub fn attribute_outputs(
    home: &Home,
    registry: &mut Registry,
    developer: &str,
    model: &str,
    date: Option<&str>,
    files: &[PathBuf],
) -> Result<(fermata_registry::AttributionReport, Vec<OutputCheck>), ClearanceError> {
    use sha2::{Digest, Sha256};
    if !home.index_dir().exists() {
        // A state of the registry the caller is told about (409 at the API), not a failure.
        return Err(ClearanceError::Registry(
            fermata_registry::RegistryError::Conflict(
                "no recording has been registered with its audio yet, so outputs cannot be matched: holders import works with their audio first".into(),
            ),
        ));
    }
    let checks = check_outputs(home, registry, files)?;
    let mut outputs = Vec::new();
    for c in &checks {
        if let Some(e) = &c.error {
            return Err(ClearanceError::Registry(
                fermata_registry::RegistryError::Invalid {
                    field: "file",
                    value: c.file.display().to_string(),
                    reason: format!("cannot be read, so nothing was recorded: {e}"),
                },
            ));
        }
        let mut by_work: std::collections::BTreeMap<&str, Vec<(f64, f64)>> = Default::default();
        for m in &c.matches {
            by_work
                .entry(&m.isrc)
                .or_default()
                .push((m.start_s, m.end_s));
        }
        let mut found = Vec::new();
        for (isrc, spans) in by_work {
            let isrc: fermata_registry::Isrc = isrc.parse()?;
            found.push((isrc, covered_ms(&spans)));
        }
        let sha256 = std::fs::read(&c.file)
            .ok()
            .map(|b| hex::encode(Sha256::digest(&b)));
        outputs.push(fermata_registry::AttributionOutputDraft {
            name: c.file.file_name().map_or_else(
                || c.file.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            sha256,
            duration_ms: (c.duration_s.max(0.0) * 1000.0).round() as u64,
            found,
        });
    }
    let report = registry.record_attribution(
        fermata_registry::AttributionDraft {
            developer: developer.into(),
            model: model.into(),
            date: date.map(Into::into),
            outputs,
        },
        developer,
    )?;
    Ok((report, checks))
}

/// Most outputs one upload for attribution may carry (`POST /v1/attributions`, the web's
/// Attribution page); the CLI takes any number of files.
pub const MAX_UPLOAD_OUTPUTS: usize = 20;
/// Largest output file in an upload (bytes).
pub const MAX_UPLOAD_OUTPUT_BYTES: u64 = 64 << 20;
/// Largest upload of outputs, all files together (bytes).
pub const MAX_UPLOAD_BYTES: u64 = 256 << 20;

/// An uploaded file's name reduced to its last component, with nothing that could leave the
/// directory it is written to (the pattern of the web's catalogue import); None when nothing
/// usable is left.
pub fn safe_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let ok = !base.is_empty()
        && base != "."
        && base != ".."
        && base.len() <= 255
        && !base.chars().any(|c| c.is_control());
    ok.then(|| base.to_string())
}

/// A new private directory under the home for uploaded outputs while they are attributed
/// (removed when dropped); the home, not the system's temporary directory, so the files stay
/// on the registry's disk and under its permissions.
pub fn upload_dir(home: &Home) -> Result<tempfile::TempDir, ClearanceError> {
    tempfile::Builder::new()
        .prefix(".upload-")
        .tempdir_in(home.dir())
        .map_err(|source| ClearanceError::Io {
            path: home.dir().to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod covered_tests {
    use super::covered_ms;

    #[test]
    fn uploaded_names_cannot_leave_the_directory() {
        use super::safe_file_name;
        assert_eq!(safe_file_name("a/b/../out.wav").as_deref(), Some("out.wav"));
        assert_eq!(safe_file_name("C:\\x\\y.wav").as_deref(), Some("y.wav"));
        assert_eq!(safe_file_name(".."), None);
        assert_eq!(safe_file_name("dir/"), None);
        assert_eq!(safe_file_name("a\nb"), None);
    }

    #[test]
    fn overlapping_matches_count_once() {
        assert_eq!(
            covered_ms(&[(0.0, 10.0), (5.0, 12.0), (20.0, 21.5)]),
            13_500
        );
        assert_eq!(covered_ms(&[(3.0, 1.0), (f64::NAN, 2.0)]), 0);
        assert_eq!(covered_ms(&[]), 0);
    }
}
