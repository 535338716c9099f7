//! fermata's identification engine: the calls that turn files into fingerprints, put them into
//! an index, and find registered recordings in other files. The CLI, the server and clearance
//! scans are all thin doors onto these functions.
//!
//! # Example
//!
//! ```
//! use fermata_engine::{add_files, collect_inputs, identify_file, AddOptions};
//! use fermata_index::{IndexWriter, MatchOptions};
//! use std::sync::atomic::AtomicBool;
//!
//! let dir = tempfile::tempdir()?;
//! let song = dir.path().join("song.wav");
//! let rate = 22_050;
//! fermata_audio::write_wav(&song, &fermata_synth::synth::track(1, 30.0, rate), rate)?;
//!
//! let index_dir = dir.path().join("index");
//! let params = fermata_fp::Params::default();
//! let mut writer = IndexWriter::open_or_create(&index_dir, &params)?;
//! let inputs = collect_inputs(&[song.clone()], None)?;
//! let summary = add_files(&mut writer, inputs, &AddOptions::default(), &AtomicBool::new(false), &mut |_| {})?;
//! assert_eq!(summary.added, 1);
//!
//! let found = identify_file(writer.index(), &song, &MatchOptions::default())?;
//! assert_eq!(found.matches[0].track_id, "song.wav");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

use fermata_audio::{AudioError, AudioInfo};
use fermata_fp::{Fingerprinter, FpError, Landmark, Params};
use fermata_index::{
    AddOutcome, ContentHasher, Index, IndexError, IndexWriter, Match, MatchOptions, NewTrack,
    SourceStamp,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// File extensions taken when a directory is walked (explicitly named files are always tried).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "opus", "m4a", "mp4", "aac", "aif", "aiff", "aifc",
    "caf", "mka", "webm",
];

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A file could not be decoded.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The fingerprint parameters are unusable.
    #[error(transparent)]
    Fingerprint(#[from] FpError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// An input path cannot be used.
    #[error("{path}: {why}")]
    Input {
        /// The path given.
        path: PathBuf,
        /// What is wrong and what to do.
        why: String,
    },
}

impl EngineError {
    /// A short, stable, machine-readable name for the kind of error (used in JSON output).
    pub fn kind(&self) -> &'static str {
        match self {
            EngineError::Audio(a) => match a {
                AudioError::Open { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    "not_found"
                }
                AudioError::Open { .. } => "unreadable",
                AudioError::Empty { .. } => "empty",
                AudioError::NotAudio { .. } => "not_audio",
                AudioError::Corrupt { .. } => "corrupt",
                AudioError::UnsupportedCodec { .. } => "unsupported_codec",
                AudioError::HostileHeader { .. } => "bad_header",
                AudioError::Ffmpeg { .. } => "ffmpeg_failed",
                _ => "audio",
            },
            EngineError::Fingerprint(_) => "fingerprint",
            EngineError::Index(_) => "index",
            EngineError::Input { .. } => "input",
        }
    }
}

/// A file's fingerprint and what was learned while decoding it.
#[derive(Clone, Debug)]
pub struct FileFingerprint {
    /// Landmarks in time order.
    pub landmarks: Vec<Landmark>,
    /// The canonical content hash of the decoded audio (see `fermata_index::ContentHasher`).
    pub content_hash: [u8; 32],
    /// Decoder facts: codec, rates, duration.
    pub info: AudioInfo,
}

/// Decodes `path` (streaming) and fingerprints it with `params`.
pub fn fingerprint_file(path: &Path, params: &Params) -> Result<FileFingerprint, EngineError> {
    let mut fingerprinter = Fingerprinter::new(params.clone())?;
    let mut content = ContentHasher::default();
    let info = fermata_audio::decode_stream(path, params.sample_rate, &mut |chunk| {
        fingerprinter.push(chunk);
        content.update(chunk);
    })?;
    Ok(FileFingerprint {
        landmarks: fingerprinter.finish().landmarks,
        content_hash: content.finish(),
        info,
    })
}

/// A file to add and the track id it gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Where the file is.
    pub path: PathBuf,
    /// Its track id.
    pub id: String,
}

/// Expands the paths given on a command line: files are taken as they are, directories are
/// walked recursively (following symbolic links) for files with an audio extension. A track id
/// is the path relative to the directory given, or the file name for a file given directly;
/// `id` overrides it when exactly one file is given.
pub fn collect_inputs(paths: &[PathBuf], id: Option<&str>) -> Result<Vec<InputFile>, EngineError> {
    let mut out = Vec::new();
    for arg in paths {
        let meta = std::fs::metadata(arg).map_err(|e| EngineError::Input {
            path: arg.clone(),
            why: format!("cannot be read ({e}); check the path"),
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(arg)
                .follow_links(true)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| EngineError::Input {
                    path: e.path().map_or_else(|| arg.clone(), Path::to_path_buf),
                    why: format!(
                        "cannot be walked ({e}); check permissions and symbolic-link loops"
                    ),
                })?;
                let is_audio = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                if entry.file_type().is_file() && is_audio {
                    let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
                    found.push(InputFile {
                        path: entry.path().to_path_buf(),
                        id: id_from_path(rel),
                    });
                }
            }
            out.extend(found);
        } else {
            let name = arg.file_name().map_or_else(
                || arg.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            out.push(InputFile {
                path: arg.clone(),
                id: name,
            });
        }
    }
    if let Some(id) = id {
        if out.len() != 1 {
            return Err(EngineError::Input {
                path: paths.first().cloned().unwrap_or_default(),
                why: format!(
                    "--id names one track but {} files were given; give exactly one file",
                    out.len()
                ),
            });
        }
        out[0].id = id.to_string();
    }
    Ok(out)
}

/// Track ids use forward slashes on every platform, so an index moves between systems.
fn id_from_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// How `add_files` batches its work.
#[derive(Clone, Debug)]
pub struct AddOptions {
    /// Publish a segment after this many new tracks ...
    pub batch_tracks: usize,
    /// ... or after this long, whichever comes first, so an interrupted run loses little work.
    pub commit_interval: Duration,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions {
            batch_tracks: 256,
            commit_interval: Duration::from_secs(10),
        }
    }
}

/// What happened to one input file.
#[derive(Debug)]
pub enum FileStatus {
    /// Fingerprinted and published in the index.
    Added {
        /// Seconds of audio.
        duration_s: f64,
        /// Landmarks stored.
        landmarks: usize,
    },
    /// Already indexed from the same unchanged file: not decoded again.
    Unchanged,
    /// The same id with the same audio is already indexed.
    AlreadyIndexed,
    /// The same audio is indexed under another id; it is stored once.
    DuplicateOf(String),
    /// The id is taken by different audio; nothing was added (use `--id` or remove the other).
    IdConflict,
    /// The file could not be read or decoded.
    Failed(EngineError),
}

/// Progress of `add_files`, reported as it happens.
#[derive(Debug)]
pub enum AddEvent<'a> {
    /// The work is known: this many files will be fingerprinted (the others are unchanged).
    Planned {
        /// Files to decode.
        to_decode: usize,
        /// Files skipped as unchanged.
        unchanged: usize,
    },
    /// One file is finished (for `Added`, only once it is published).
    File {
        /// The input.
        input: &'a InputFile,
        /// Its outcome.
        status: &'a FileStatus,
    },
}

/// Totals of an `add_files` run.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AddSummary {
    /// Tracks added.
    pub added: usize,
    /// Files skipped because they were already indexed (unchanged, or the same audio).
    pub already_indexed: usize,
    /// Files whose audio is already indexed under another id.
    pub duplicates: usize,
    /// Files whose id is taken by other audio.
    pub conflicts: usize,
    /// Files that could not be read.
    pub failed: usize,
    /// Files not processed because the run was interrupted.
    pub not_started: usize,
    /// Seconds of audio decoded and fingerprinted.
    pub audio_seconds: f64,
}

/// Fingerprints `inputs` in parallel and adds them to the index, publishing a segment every
/// `options.batch_tracks` tracks or `options.commit_interval`. When `cancel` becomes true, no
/// new file is started, the finished ones are published, and the summary counts the rest as
/// not started: a rerun picks them up and skips what is already indexed.
pub fn add_files(
    writer: &mut IndexWriter,
    inputs: Vec<InputFile>,
    options: &AddOptions,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(AddEvent<'_>),
) -> Result<AddSummary, EngineError> {
    let mut summary = AddSummary::default();
    let mut work = Vec::new();
    for input in inputs {
        let stamp = source_stamp(&input.path);
        if stamp.is_some_and(|s| writer.is_unchanged(&input.id, s)) {
            summary.already_indexed += 1;
            on_event(AddEvent::File {
                input: &input,
                status: &FileStatus::Unchanged,
            });
        } else {
            work.push((input, stamp));
        }
    }
    on_event(AddEvent::Planned {
        to_decode: work.len(),
        unchanged: summary.already_indexed,
    });
    let params = writer.index().params().clone();
    let stop = AtomicBool::new(false);
    let started = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Result<FileFingerprint, EngineError>)>(64);
    let outcome = std::thread::scope(|scope| {
        let work = &work;
        let (params, stop, started) = (&params, &stop, &started);
        scope.spawn(move || {
            (0..work.len()).into_par_iter().for_each_with(tx, |tx, i| {
                if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                    return;
                }
                started.fetch_add(1, Ordering::Relaxed);
                let result = fingerprint_file(&work[i].0.path, params);
                let _ = tx.send((i, result));
            });
        });
        let mut pending: Vec<(usize, NewTrack)> = Vec::new();
        let mut last_commit = Instant::now();
        let result = loop {
            let received = rx.recv_timeout(
                options
                    .commit_interval
                    .saturating_sub(last_commit.elapsed()),
            );
            let finished = match received {
                Ok((i, Ok(fp))) => {
                    let (input, stamp) = &work[i];
                    summary.audio_seconds += fp.info.duration_s();
                    let track = NewTrack::new(
                        input.id.clone(),
                        fp.content_hash,
                        fp.info.duration_s(),
                        *stamp,
                        fp.landmarks,
                    );
                    pending.push((i, track));
                    false
                }
                Ok((i, Err(e))) => {
                    summary.failed += 1;
                    on_event(AddEvent::File {
                        input: &work[i].0,
                        status: &FileStatus::Failed(e),
                    });
                    false
                }
                Err(mpsc::RecvTimeoutError::Timeout) => false,
                Err(mpsc::RecvTimeoutError::Disconnected) => true,
            };
            let due = pending.len() >= options.batch_tracks
                || last_commit.elapsed() >= options.commit_interval;
            if (due || finished)
                && !pending.is_empty()
                && let Err(e) = commit(writer, &mut pending, work, &mut summary, on_event)
            {
                break Err(e);
            }
            if due || finished {
                last_commit = Instant::now();
            }
            if finished {
                break Ok(());
            }
        };
        if result.is_err() {
            // Stop the workers and drain the channel so that they can finish.
            stop.store(true, Ordering::Relaxed);
            while rx.recv().is_ok() {}
        }
        result
    });
    outcome?;
    summary.not_started = work.len() - started.load(Ordering::Relaxed);
    Ok(summary)
}

fn commit(
    writer: &mut IndexWriter,
    pending: &mut Vec<(usize, NewTrack)>,
    work: &[(InputFile, Option<SourceStamp>)],
    summary: &mut AddSummary,
    on_event: &mut dyn FnMut(AddEvent<'_>),
) -> Result<(), EngineError> {
    let batch: Vec<(usize, NewTrack)> = std::mem::take(pending);
    let sizes: Vec<(usize, f64, usize)> = batch
        .iter()
        .map(|(i, t)| (*i, t.meta.duration_s, t.landmarks.len()))
        .collect();
    let outcomes = writer.add_batch(batch.into_iter().map(|(_, t)| t).collect())?;
    for ((i, duration_s, landmarks), outcome) in sizes.into_iter().zip(outcomes) {
        let status = match outcome {
            AddOutcome::Added => {
                summary.added += 1;
                FileStatus::Added {
                    duration_s,
                    landmarks,
                }
            }
            AddOutcome::AlreadyIndexed => {
                summary.already_indexed += 1;
                FileStatus::AlreadyIndexed
            }
            AddOutcome::DuplicateOf(other) => {
                summary.duplicates += 1;
                FileStatus::DuplicateOf(other)
            }
            AddOutcome::IdConflict => {
                summary.conflicts += 1;
                FileStatus::IdConflict
            }
        };
        on_event(AddEvent::File {
            input: &work[i].0,
            status: &status,
        });
    }
    Ok(())
}

fn source_stamp(path: &Path) -> Option<SourceStamp> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?;
    let mtime_ns = match mtime.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i64,
        Err(e) => -(e.duration().as_nanos() as i64),
    };
    Some(SourceStamp {
        size: meta.len(),
        mtime_ns,
    })
}

/// The result of identifying one file.
#[derive(Clone, Debug)]
pub struct Identification {
    /// Registered recordings found, in order of where they start in the file.
    pub matches: Vec<Match>,
    /// Duration of the file in seconds.
    pub duration_s: f64,
}

/// Speed factors (pitch and tempo together) tried, nearest first, when a query matches nothing
/// at its own speed: 0.5 % steps up to ±5 %. Landmark hashes are exact, so a copy played 3 %
/// fast matches only once the query is played 3 % slow again; half-percent steps leave at most
/// 0.25 % of residual change, which keeps enough peaks on their bins to clear the threshold
/// (1 % steps left 5 s and 20 s queries at ±5 % near it).
pub const SPEED_SEARCH: &[f64] = &[
    0.995, 1.005, 0.99, 1.01, 0.985, 1.015, 0.98, 1.02, 0.975, 1.025, 0.97, 1.03, 0.965, 1.035,
    0.96, 1.04, 0.955, 1.045, 0.95, 1.05,
];

/// Queries longer than this are not speed-searched: that would hold their samples in memory and
/// multiply their cost, and long files (mixes, sets) are searched at their own speed.
pub const SPEED_SEARCH_MAX_SECONDS: f64 = 60.0;

/// Identifies the registered recordings in the file at `path`, fingerprinted with the index's
/// query profile (denser than what is stored; see `Params::query_profile`). When nothing matches
/// at the file's own speed and it is short, it is searched again at each of [`SPEED_SEARCH`]'s
/// speeds.
pub fn identify_file(
    index: &Index,
    path: &Path,
    options: &MatchOptions,
) -> Result<Identification, EngineError> {
    let query_params = index.params().query_profile();
    let params = &query_params;
    let mut fingerprinter = Fingerprinter::new(params.clone())?;
    let keep_limit = (SPEED_SEARCH_MAX_SECONDS * params.sample_rate as f64) as usize;
    let mut kept: Option<Vec<f32>> = Some(Vec::new());
    let info = fermata_audio::decode_stream(path, params.sample_rate, &mut |chunk| {
        fingerprinter.push(chunk);
        if let Some(buffer) = &mut kept {
            if buffer.len() + chunk.len() > keep_limit {
                kept = None;
            } else {
                buffer.extend_from_slice(chunk);
            }
        }
    })?;
    let duration_s = info.duration_s();
    let mut matches = index.search(&fingerprinter.finish().landmarks, options);
    if let (true, Some(samples)) = (matches.is_empty(), kept) {
        let widened = MatchOptions {
            offset_tolerance_frames: options.offset_tolerance_frames.max(2),
            ..options.clone()
        };
        // One spectrogram, reinterpolated for each speed; the speeds are tried in parallel and
        // the nearest one that matches wins.
        let spectrogram = fermata_fp::spectrogram(&samples, params)?;
        let found = SPEED_SEARCH.par_iter().find_map_first(|&factor| {
            // Played at `factor` times the speed, query time t becomes t / factor.
            let landmarks = fermata_fp::fingerprint_at_speed(&spectrogram, params, factor)
                .ok()?
                .landmarks;
            let mut found = index.search(&landmarks, &widened);
            for m in &mut found {
                m.query_start_s *= factor;
                m.query_end_s *= factor;
            }
            (!found.is_empty()).then_some(found)
        });
        matches = found.unwrap_or_default();
    }
    // The matcher estimates where a match ends from its landmarks; the file's end bounds it.
    for m in &mut matches {
        m.query_end_s = m.query_end_s.min(duration_s);
    }
    Ok(Identification {
        matches,
        duration_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_walk_directories_and_name_tracks_relative_to_them() {
        let dir = tempfile::tempdir().unwrap();
        let music = dir.path().join("music");
        std::fs::create_dir_all(music.join("album")).unwrap();
        std::fs::write(music.join("album/b.ogg"), b"x").unwrap();
        std::fs::write(music.join("a.MP3"), b"x").unwrap();
        std::fs::write(music.join("cover.jpg"), b"x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(music.join("album"), music.join("linked")).unwrap();
        let found = collect_inputs(std::slice::from_ref(&music), None).unwrap();
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        #[cfg(unix)]
        assert_eq!(ids, vec!["a.MP3", "album/b.ogg", "linked/b.ogg"]);
        let one = collect_inputs(&[music.join("a.MP3")], Some("my-id")).unwrap();
        assert_eq!(one[0].id, "my-id");
        assert!(matches!(
            collect_inputs(std::slice::from_ref(&music), Some("x")),
            Err(EngineError::Input { .. })
        ));
        let missing = collect_inputs(&[dir.path().join("nope")], None).unwrap_err();
        assert!(missing.to_string().contains("nope"));
    }
}
