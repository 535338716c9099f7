//! fermata's on-disk inverted index of landmark hashes, and the matcher that searches it.
//!
//! An index is a directory:
//!
//! ```text
//! fermata-index.json    the index file: format version, fingerprint parameters, the live segments
//! segments/seg-N.fseg   immutable, memory-mapped segments (see the `segment` module's layout)
//! LOCK                  held (flock) by the one writer
//! ```
//!
//! Writers add tracks in batches: each batch becomes a new segment, written under a temporary
//! name, synced, renamed, and only then made visible by atomically replacing the index file. A
//! process killed at any point leaves an index that opens and holds every batch that was
//! published. Small segments are merged into larger ones as they accumulate. Readers map the
//! segments listed in the index file and never see a half-written one.
//!
//! Adding is idempotent: tracks are keyed by a BLAKE3 hash of their decoded audio, so the same
//! content is stored once, and a track whose source file is unchanged is skipped.
//!
//! # Example
//!
//! ```
//! use fermata_fp::{fingerprint, Params};
//! use fermata_index::{ContentHasher, Index, IndexWriter, MatchOptions, NewTrack};
//!
//! let dir = tempfile::tempdir()?;
//! let params = Params::default();
//! // A stand-in for decoded music: a few seconds of gliding tones.
//! let rate = params.sample_rate as f32;
//! let audio: Vec<f32> = (0..20 * params.sample_rate)
//!     .map(|i| { let t = i as f32 / rate; ((300.0 + 40.0 * (t * 3.0).floor()) * t * 6.283).sin() })
//!     .collect();
//! let fp = fingerprint(&audio, &params)?;
//! let mut content = ContentHasher::default();
//! content.update(&audio);
//! let track = NewTrack::new("glide", content.finish(), 20.0, None, fp.landmarks.clone());
//! let mut writer = IndexWriter::open_or_create(dir.path(), &params)?;
//! writer.add_batch(vec![track])?;
//! drop(writer);
//!
//! let index = Index::open(dir.path())?;
//! let matches = index.search(&fp.landmarks, &MatchOptions::default());
//! assert_eq!(matches[0].track_id, "glide");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod calibration;
mod index_file;
mod matcher;
mod segment;
mod writer;

pub use calibration::{CHANCE, ChanceModel, MAX_FALSE_MATCH_P, chance_label};
pub use index_file::{INDEX_FILE, INDEX_FORMAT_VERSION, OLDEST_READABLE_INDEX_VERSION};
pub use matcher::{MIN_ALIGNED_LANDMARKS, Match, MatchOptions};
pub use segment::{
    OLDEST_READABLE_SEGMENT_VERSION, SEGMENT_FORMAT_VERSION, SourceStamp, TrackMeta,
};
pub use writer::{AddOutcome, ContentHasher, IndexWriter, MergeReport, NewTrack};

use fermata_fp::Params;
use index_file::IndexFile;
use segment::Segment;
use std::path::{Path, PathBuf};

/// Errors of the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// The directory holds no index file.
    #[error(
        "{path} is not a fermata index (no {INDEX_FILE}); create one with `fermata index add --index {path} FILES`"
    )]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
    },
    /// An I/O operation failed.
    #[error("cannot read or write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The index file cannot be parsed.
    #[error(
        "the index file {path} is damaged ({why}); restore it from a backup or rebuild the index"
    )]
    CorruptIndexFile {
        /// The index file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A segment file is damaged.
    #[error(
        "index segment {path} is damaged ({why}); restore it from a backup or rebuild the index"
    )]
    CorruptSegment {
        /// The segment file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// The index or a segment was written in a format this build cannot read.
    #[error(
        "{path} has format version {found}, but this build reads versions {oldest} to {newest}; use a matching fermata release or rebuild the index"
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u32,
        /// The oldest version this build reads.
        oldest: u32,
        /// The newest version this build reads.
        newest: u32,
    },
    /// The index was built with other fingerprint parameters.
    #[error(
        "the index at {path} was built with other fingerprint parameters ({differences}); its landmarks would never match: rebuild it into a new directory"
    )]
    ParamsMismatch {
        /// The index directory.
        path: PathBuf,
        /// Which parameters differ, stored versus requested.
        differences: String,
    },
    /// Another process is writing to the index.
    #[error(
        "the index at {path} is being written by another process (it holds {path}/LOCK); wait for it to finish and try again"
    )]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// A segment would exceed the format's limits.
    #[error(
        "a segment of {entries} entries exceeds the format's limit of 2^32; add in smaller batches"
    )]
    SegmentTooLarge {
        /// Entries the segment would hold.
        entries: u64,
    },
    /// A bug: an internal invariant did not hold.
    #[error("internal error in the index: {0}; please report it")]
    Internal(String),
}

/// Figures about an index.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct IndexStats {
    /// Tracks indexed.
    pub tracks: u64,
    /// Hours of audio indexed.
    pub hours: f64,
    /// Landmark postings stored.
    pub landmarks: u64,
    /// Live segments.
    pub segments: usize,
    /// Bytes on disk: segments plus index file.
    pub bytes: u64,
    /// Bytes per hour of audio.
    pub bytes_per_hour: f64,
    /// Index format version.
    pub format_version: u32,
}

/// A read-only view of an index: the segments that its index file listed when it was opened.
pub struct Index {
    dir: PathBuf,
    state: IndexFile,
    segments: Vec<Segment>,
}

impl Index {
    /// Opens the index in `dir` for searching.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        // A concurrent merge may delete a segment between our reading of the index file and our
        // opening of the segment: read the index file again in that case.
        let mut attempts = 0;
        loop {
            let state = IndexFile::load(dir)?;
            match Self::open_segments(dir, &state) {
                Ok(segments) => {
                    return Ok(Index {
                        dir: dir.to_path_buf(),
                        state,
                        segments,
                    });
                }
                Err(IndexError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound && attempts < 3 =>
                {
                    attempts += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Opens the index and checks that it was built with `params`.
    pub fn open_with_params(dir: &Path, params: &Params) -> Result<Index, IndexError> {
        let index = Self::open(dir)?;
        index_file::check_params(dir, &index.state.params, params)?;
        Ok(index)
    }

    fn open_segments(dir: &Path, state: &IndexFile) -> Result<Vec<Segment>, IndexError> {
        let hash_bits = state.params.hash_bits();
        state
            .segments
            .iter()
            .map(|s| {
                let path = index_file::segments_dir(dir).join(&s.name);
                let seg = Segment::open(&path, &s.name, hash_bits)?;
                if seg.bytes() != s.bytes {
                    return Err(IndexError::CorruptSegment {
                        path,
                        why: format!(
                            "it has {} bytes but the index file says {}",
                            seg.bytes(),
                            s.bytes
                        ),
                    });
                }
                Ok(seg)
            })
            .collect()
    }

    /// The fingerprint parameters the index was built with; queries must use the same.
    pub fn params(&self) -> &Params {
        &self.state.params
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A digest (BLAKE3, hex) of the state this view reads: format version, fingerprint
    /// parameters, generation and every live segment with its checksum. Any published change
    /// (tracks added, a merge, other parameters, a rebuilt index) gives another identity, so a
    /// result cached under it can never be read against another index.
    pub fn identity(&self) -> String {
        let encoded = serde_json::to_vec(&self.state)
            .unwrap_or_else(|_| format!("{:?}", self.state).into_bytes());
        blake3::hash(&encoded).to_hex().to_string()
    }

    /// Every indexed track.
    pub fn tracks(&self) -> impl Iterator<Item = TrackMeta> + '_ {
        self.segments
            .iter()
            .flat_map(|s| (0..s.n_tracks()).map(|i| s.track(i)))
    }

    /// Counts and sizes.
    pub fn stats(&self) -> IndexStats {
        let tracks = self.segments.iter().map(|s| s.n_tracks() as u64).sum();
        let hours = self.tracks().map(|t| t.duration_s).sum::<f64>() / 3600.0;
        let index_file_bytes = std::fs::metadata(self.dir.join(INDEX_FILE)).map_or(0, |m| m.len());
        let bytes = self.segments.iter().map(|s| s.bytes()).sum::<u64>() + index_file_bytes;
        IndexStats {
            tracks,
            hours,
            landmarks: self.segments.iter().map(|s| s.n_entries()).sum(),
            segments: self.segments.len(),
            bytes,
            bytes_per_hour: if hours > 0.0 {
                bytes as f64 / hours
            } else {
                0.0
            },
            format_version: self.state.format_version,
        }
    }

    /// Recomputes every segment's checksum; returns the names of damaged segments.
    pub fn verify(&self) -> Vec<String> {
        self.segments
            .iter()
            .filter(|s| !s.verify_checksum())
            .map(|s| s.name.clone())
            .collect()
    }

    /// The number of recordings indexed.
    pub fn track_count(&self) -> u64 {
        self.segments.iter().map(|s| s.n_tracks() as u64).sum()
    }

    /// The probability that chance alone gives some recording of this index a score of at
    /// least `score` with a query that holds none of them (see the `calibration` module).
    pub fn false_match_probability(&self, score: u32) -> f64 {
        CHANCE.false_match_probability(score, self.track_count())
    }

    /// The score a match needs in this index: the options' `min_aligned`, raised as the index
    /// grows so that chance reaches it with probability at most `max_false_match_p`.
    pub fn min_score(&self, options: &MatchOptions) -> u32 {
        options
            .min_aligned
            .max(CHANCE.min_score(self.track_count(), options.max_false_match_p))
    }

    /// Finds the registered recordings in a query's landmarks (see [`MatchOptions`]).
    pub fn search(&self, query: &[fermata_fp::Landmark], options: &MatchOptions) -> Vec<Match> {
        let options = MatchOptions {
            min_aligned: self.min_score(options),
            ..options.clone()
        };
        matcher::search(&self.segments, &self.state.params, query, &options)
    }
}
