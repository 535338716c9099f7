//! The single writer: adds batches of tracks as new segments and merges segments.

use crate::index_file::{self, IndexFile, SegmentEntry};
use crate::segment::{self, Segment, SegmentPlan, SourceStamp, TrackMeta};
use crate::{Index, IndexError};
use fermata_fp::{Landmark, Params};
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

/// When more segments than this are live, the smallest are merged.
const MAX_SEGMENTS: usize = 8;
/// How many segments one automatic merge combines.
const MERGE_FACTOR: usize = 4;

/// The canonical content hash of a track: BLAKE3 over its analysis-rate samples quantised to
/// 16-bit little-endian PCM (quantising makes it independent of float noise below 16 bits).
#[derive(Default)]
pub struct ContentHasher {
    hasher: blake3::Hasher,
    buffer: Vec<u8>,
}

impl ContentHasher {
    /// Hashes more samples.
    pub fn update(&mut self, samples: &[f32]) {
        self.buffer.clear();
        for s in samples {
            let q = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            self.buffer.extend_from_slice(&q.to_le_bytes());
        }
        self.hasher.update(&self.buffer);
    }

    /// The hash of everything given.
    pub fn finish(&self) -> [u8; 32] {
        *self.hasher.finalize().as_bytes()
    }
}

/// A track to add: its metadata and its landmarks.
#[derive(Clone, Debug)]
pub struct NewTrack {
    /// Metadata (the landmark count is filled in from `landmarks`).
    pub meta: TrackMeta,
    /// The landmarks, times in frames from the start of the track.
    pub landmarks: Vec<Landmark>,
}

impl NewTrack {
    /// A track with its id, content hash (see [`ContentHasher`]), duration, source stamp and
    /// landmarks.
    pub fn new(
        id: impl Into<String>,
        content_hash: [u8; 32],
        duration_s: f64,
        source: Option<SourceStamp>,
        landmarks: Vec<Landmark>,
    ) -> NewTrack {
        let meta = TrackMeta {
            id: id.into(),
            content_hash,
            duration_s,
            landmarks: landmarks.len() as u32,
            source,
        };
        NewTrack { meta, landmarks }
    }
}

/// What adding one track did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// The track is now in the index.
    Added,
    /// The same id with the same audio was already indexed: nothing changed.
    AlreadyIndexed,
    /// The same audio is already indexed under another id: it is stored once, under that id.
    DuplicateOf(String),
    /// The id is already used by different audio: nothing was added. Choose another id.
    IdConflict,
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    /// Segments before.
    pub before: usize,
    /// Segments after.
    pub after: usize,
}

struct Known {
    content_hash: [u8; 32],
    source: Option<SourceStamp>,
}

/// The one writer of an index. Holds the directory's lock until dropped.
pub struct IndexWriter {
    index: Index,
    _lock: File,
    by_id: HashMap<String, Known>,
    by_content: HashMap<[u8; 32], String>,
}

impl IndexWriter {
    /// Opens the index in `dir` for writing, creating it with `params` if there is none. An
    /// existing index must have been built with the same `params`.
    pub fn open_or_create(dir: &Path, params: &Params) -> Result<IndexWriter, IndexError> {
        params
            .validate()
            .map_err(|e| IndexError::Internal(e.to_string()))?;
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| IndexError::Io { path: p, source }
        };
        std::fs::create_dir_all(index_file::segments_dir(dir)).map_err(io(dir))?;
        let lock_path = dir.join("LOCK");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(IndexError::Locked {
                    path: dir.to_path_buf(),
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(IndexError::Io {
                    path: lock_path,
                    source,
                });
            }
        }
        if !dir.join(index_file::INDEX_FILE).exists() {
            IndexFile::new(params.clone()).store(dir)?;
        }
        let index = Index::open_with_params(dir, params)?;
        remove_unpublished(dir, &index.state)?;
        let mut writer = IndexWriter {
            index,
            _lock: lock,
            by_id: HashMap::new(),
            by_content: HashMap::new(),
        };
        for t in writer.index.tracks().collect::<Vec<_>>() {
            writer.remember(&t);
        }
        Ok(writer)
    }

    fn remember(&mut self, t: &TrackMeta) {
        self.by_content
            .entry(t.content_hash)
            .or_insert_with(|| t.id.clone());
        self.by_id.insert(
            t.id.clone(),
            Known {
                content_hash: t.content_hash,
                source: t.source,
            },
        );
    }

    /// The current state of the index (what readers opening it now would see).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// True when `id` is indexed from a source file with exactly this size and modification
    /// time: a rerun can skip the file without decoding it.
    pub fn is_unchanged(&self, id: &str, source: SourceStamp) -> bool {
        self.by_id.get(id).is_some_and(|k| k.source == Some(source))
    }

    /// What adding this track would do, without adding it.
    pub fn classify(&self, track: &TrackMeta) -> AddOutcome {
        match self.by_id.get(&track.id) {
            Some(k) if k.content_hash == track.content_hash => AddOutcome::AlreadyIndexed,
            Some(_) => AddOutcome::IdConflict,
            None => match self.by_content.get(&track.content_hash) {
                Some(existing) => AddOutcome::DuplicateOf(existing.clone()),
                None => AddOutcome::Added,
            },
        }
    }

    /// Adds a batch of tracks as one new segment and publishes it; returns each track's outcome
    /// in order. Either the whole batch becomes visible or (on error or crash) none of it.
    pub fn add_batch(&mut self, batch: Vec<NewTrack>) -> Result<Vec<AddOutcome>, IndexError> {
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut accepted: Vec<NewTrack> = Vec::new();
        let mut in_batch: HashMap<[u8; 32], String> = HashMap::new();
        let mut ids_in_batch: HashMap<String, [u8; 32]> = HashMap::new();
        for mut track in batch {
            track.meta.landmarks = track.landmarks.len() as u32;
            let outcome = match (self.classify(&track.meta), ids_in_batch.get(&track.meta.id)) {
                (AddOutcome::Added, Some(hash)) if *hash == track.meta.content_hash => {
                    AddOutcome::AlreadyIndexed
                }
                (AddOutcome::Added, Some(_)) => AddOutcome::IdConflict,
                (AddOutcome::Added, None) => match in_batch.get(&track.meta.content_hash) {
                    Some(id) => AddOutcome::DuplicateOf(id.clone()),
                    None => AddOutcome::Added,
                },
                (other, _) => other,
            };
            if outcome == AddOutcome::Added {
                in_batch.insert(track.meta.content_hash, track.meta.id.clone());
                ids_in_batch.insert(track.meta.id.clone(), track.meta.content_hash);
                accepted.push(track);
            }
            outcomes.push(outcome);
        }
        if accepted.is_empty() {
            return Ok(outcomes);
        }
        let metas: Vec<TrackMeta> = accepted.iter().map(|t| t.meta.clone()).collect();
        let mut entries: Vec<(u32, u32, u32)> =
            Vec::with_capacity(accepted.iter().map(|t| t.landmarks.len()).sum());
        for (local, t) in accepted.iter().enumerate() {
            entries.extend(t.landmarks.iter().map(|l| (l.hash, local as u32, l.time)));
        }
        entries.sort_unstable();
        entries.dedup();
        let max_time = entries.iter().map(|e| e.2).max().unwrap_or(0);
        let plan = SegmentPlan {
            hash_bits: self.index.state.params.hash_bits(),
            tracks: &metas,
            n_entries: entries.len() as u64,
            max_time,
        };
        let written = self.write_new_segment(&plan, entries.into_iter())?;
        self.commit(written, metas.len() as u32, plan.n_entries, &[])?;
        for m in &metas {
            self.remember(m);
        }
        if self.index.segments.len() > MAX_SEGMENTS {
            self.merge_smallest(MERGE_FACTOR)?;
        }
        Ok(outcomes)
    }

    /// Merges every segment into one (faster queries, fewer files).
    pub fn merge_all(&mut self) -> Result<MergeReport, IndexError> {
        let before = self.index.segments.len();
        if before > 1 {
            self.merge(&(0..before).collect::<Vec<_>>())?;
        }
        Ok(MergeReport {
            before,
            after: self.index.segments.len(),
        })
    }

    fn merge_smallest(&mut self, count: usize) -> Result<(), IndexError> {
        let mut order: Vec<usize> = (0..self.index.segments.len()).collect();
        order.sort_by_key(|&i| self.index.segments[i].n_entries());
        order.truncate(count);
        order.sort_unstable();
        // Entries of one segment are limited to 2^32: skip merging if the result would not fit.
        let total: u64 = order
            .iter()
            .map(|&i| self.index.segments[i].n_entries())
            .sum();
        if total > u32::MAX as u64 {
            return Ok(());
        }
        self.merge(&order)
    }

    /// Merges the segments at `which` (sorted positions) into one new segment.
    fn merge(&mut self, which: &[usize]) -> Result<(), IndexError> {
        let (written, metas, n_entries, removed) = {
            let segments: Vec<&Segment> = which.iter().map(|&i| &self.index.segments[i]).collect();
            let mut metas = Vec::new();
            let mut bases = Vec::new();
            for s in &segments {
                bases.push(metas.len() as u32);
                metas.extend((0..s.n_tracks()).map(|i| s.track(i)));
            }
            let n_entries: u64 = segments.iter().map(|s| s.n_entries()).sum();
            // An upper bound of the anchor times from the track durations; the segment writer
            // refuses any entry beyond it.
            let frame_s = self.index.state.params.frame_seconds();
            let max_time = metas
                .iter()
                .map(|m| (m.duration_s / frame_s).ceil() as u64 + 1)
                .max()
                .unwrap_or(0);
            let max_time = max_time.min(u32::MAX as u64) as u32;
            let merged = KWayMerge::new(
                segments
                    .iter()
                    .zip(&bases)
                    .map(|(s, &base)| s.entries().map(move |(h, t, time)| (h, t + base, time))),
            );
            let plan = SegmentPlan {
                hash_bits: self.index.state.params.hash_bits(),
                tracks: &metas,
                n_entries,
                max_time,
            };
            let written = self.write_new_segment(&plan, merged)?;
            let removed: Vec<String> = segments.iter().map(|s| s.name.clone()).collect();
            (written, metas.len(), n_entries, removed)
        };
        self.commit(written, metas as u32, n_entries, &removed)
    }

    /// Writes a segment under a temporary name and renames it to its final name, which no
    /// index file lists yet: readers cannot see it until [`commit`](Self::commit).
    fn write_new_segment(
        &self,
        plan: &SegmentPlan<'_>,
        entries: impl Iterator<Item = (u32, u32, u32)>,
    ) -> Result<Written, IndexError> {
        let seg_dir = index_file::segments_dir(&self.index.dir);
        let name = segment::segment_file_name(self.index.state.next_segment);
        let tmp = segment::temporary_path(&seg_dir, &name);
        let path = seg_dir.join(&name);
        let (bytes, checksum) = match segment::write_segment(&tmp, plan, entries) {
            Ok(done) => done,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        std::fs::rename(&tmp, &path).map_err(|source| IndexError::Io {
            path: path.clone(),
            source,
        })?;
        index_file::sync_dir(&seg_dir)?;
        Ok(Written {
            name,
            path,
            bytes,
            checksum,
        })
    }

    /// Publishes an index file that adds the written segment and drops `removed`, then deletes the
    /// removed files.
    fn commit(
        &mut self,
        written: Written,
        tracks: u32,
        entries: u64,
        removed: &[String],
    ) -> Result<(), IndexError> {
        let mut next = self.index.state.clone();
        next.next_segment += 1;
        next.generation += 1;
        next.segments.retain(|s| !removed.contains(&s.name));
        next.segments.push(SegmentEntry {
            name: written.name.clone(),
            tracks,
            entries,
            bytes: written.bytes,
            checksum: written.checksum,
        });
        next.store(&self.index.dir)?;
        let segment = Segment::open(&written.path, &written.name, next.params.hash_bits())?;
        self.index.segments.retain(|s| !removed.contains(&s.name));
        self.index.segments.push(segment);
        self.index.state = next;
        let seg_dir = index_file::segments_dir(&self.index.dir);
        for r in removed {
            // Readers that mapped the old file keep their mapping; new readers use the index file.
            let _ = std::fs::remove_file(seg_dir.join(r));
        }
        Ok(())
    }
}

/// A segment written to its final name but not yet published.
struct Written {
    name: String,
    path: PathBuf,
    bytes: u64,
    checksum: String,
}

/// Deletes segment files that no index file lists: left by a crash between writing a segment and
/// publishing the index file, or by a crash during a merge.
fn remove_unpublished(dir: &Path, state: &IndexFile) -> Result<(), IndexError> {
    let seg_dir = index_file::segments_dir(dir);
    let entries = std::fs::read_dir(&seg_dir).map_err(|source| IndexError::Io {
        path: seg_dir.clone(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !state.segments.iter().any(|s| s.name == name) {
            let path: PathBuf = entry.path();
            let _ = std::fs::remove_file(path);
        }
    }
    let _ = std::fs::remove_file(dir.join(format!("{}.tmp", index_file::INDEX_FILE)));
    Ok(())
}

/// One posting (hash, track, time) tagged with the index of the source it came from; the heap
/// is a min-heap on it.
type HeapEntry = std::cmp::Reverse<((u32, u32, u32), usize)>;

/// Merges sorted iterators into one sorted iterator.
struct KWayMerge<I: Iterator<Item = (u32, u32, u32)>> {
    sources: Vec<I>,
    heap: BinaryHeap<HeapEntry>,
}

impl<I: Iterator<Item = (u32, u32, u32)>> KWayMerge<I> {
    fn new(sources: impl Iterator<Item = I>) -> Self {
        let mut sources: Vec<I> = sources.collect();
        let mut heap = BinaryHeap::new();
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(e) = s.next() {
                heap.push(std::cmp::Reverse((e, i)));
            }
        }
        KWayMerge { sources, heap }
    }
}

impl<I: Iterator<Item = (u32, u32, u32)>> Iterator for KWayMerge<I> {
    type Item = (u32, u32, u32);
    fn next(&mut self) -> Option<Self::Item> {
        let std::cmp::Reverse((e, i)) = self.heap.pop()?;
        if let Some(n) = self.sources[i].next() {
            self.heap.push(std::cmp::Reverse((n, i)));
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::INDEX_FILE;

    fn track(id: &str, seed: u32, n: u32) -> NewTrack {
        let landmarks: Vec<Landmark> = (0..n)
            .map(|i| Landmark {
                hash: (i.wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40503)) & ((1 << 23) - 1),
                time: i * 3,
            })
            .collect();
        let content = *blake3::hash(format!("{seed}").as_bytes()).as_bytes();
        NewTrack::new(id, content, n as f64 * 3.0 * 0.016 + 1.0, None, landmarks)
    }

    #[test]
    fn idempotent_adds_duplicates_and_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default();
        let mut w = IndexWriter::open_or_create(dir.path(), &params).unwrap();
        let out = w
            .add_batch(vec![
                track("a", 1, 100),
                track("b", 2, 100),
                track("b2", 2, 100),
            ])
            .unwrap();
        assert_eq!(
            out,
            vec![
                AddOutcome::Added,
                AddOutcome::Added,
                AddOutcome::DuplicateOf("b".into())
            ]
        );
        let out = w
            .add_batch(vec![
                track("a", 1, 100),
                track("a", 9, 100),
                track("c", 1, 100),
            ])
            .unwrap();
        assert_eq!(
            out,
            vec![
                AddOutcome::AlreadyIndexed,
                AddOutcome::IdConflict,
                AddOutcome::DuplicateOf("a".into())
            ]
        );
        assert_eq!(
            w.index().stats().segments,
            1,
            "a batch with nothing new writes no segment"
        );
        drop(w);
        let index = Index::open(dir.path()).unwrap();
        assert_eq!(index.stats().tracks, 2);
        assert_eq!(index.stats().landmarks, 200);
    }

    #[test]
    fn second_writer_is_refused_and_params_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default();
        let w = IndexWriter::open_or_create(dir.path(), &params).unwrap();
        assert!(matches!(
            IndexWriter::open_or_create(dir.path(), &params),
            Err(IndexError::Locked { .. })
        ));
        drop(w);
        let other = Params {
            fan_out: 2,
            ..Params::default()
        };
        assert!(matches!(
            IndexWriter::open_or_create(dir.path(), &other),
            Err(IndexError::ParamsMismatch { .. })
        ));
        assert!(matches!(
            Index::open_with_params(dir.path(), &other),
            Err(IndexError::ParamsMismatch { .. })
        ));
    }

    #[test]
    fn merging_keeps_every_posting_and_track() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default();
        let mut w = IndexWriter::open_or_create(dir.path(), &params).unwrap();
        let tracks: Vec<NewTrack> = (0..20)
            .map(|i| track(&format!("t{i}"), i + 10, 50 + i * 7))
            .collect();
        for t in &tracks {
            w.add_batch(vec![t.clone()]).unwrap();
        }
        assert!(
            w.index().stats().segments <= MAX_SEGMENTS,
            "automatic merges bound the segment count"
        );
        let report = w.merge_all().unwrap();
        assert_eq!(report.after, 1);
        let files = std::fs::read_dir(dir.path().join("segments"))
            .unwrap()
            .count();
        assert_eq!(files, 1, "merged-away segments are deleted");
        drop(w);
        let index = Index::open(dir.path()).unwrap();
        assert!(index.verify().is_empty());
        let mut ids: Vec<String> = index.tracks().map(|t| t.id).collect();
        ids.sort();
        let mut expected: Vec<String> = tracks.iter().map(|t| t.meta.id.clone()).collect();
        expected.sort();
        assert_eq!(ids, expected);
        let seg = &index.segments[0];
        for t in &tracks {
            let local = (0..seg.n_tracks())
                .find(|&i| seg.track(i).id == t.meta.id)
                .unwrap();
            let mut out = Vec::new();
            for l in &t.landmarks {
                out.clear();
                seg.postings(l.hash, usize::MAX, &mut out);
                assert!(out.contains(&crate::segment::Posting {
                    track: local,
                    time: l.time
                }));
            }
        }
    }

    #[test]
    fn leftovers_of_a_crash_are_ignored_and_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default();
        let mut w = IndexWriter::open_or_create(dir.path(), &params).unwrap();
        w.add_batch(vec![track("a", 1, 40)]).unwrap();
        drop(w);
        let seg_dir = dir.path().join("segments");
        std::fs::write(seg_dir.join("seg-00000099.fseg"), b"half a segm").unwrap();
        std::fs::write(seg_dir.join("seg-00000002.fseg.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join(format!("{INDEX_FILE}.tmp")), b"{").unwrap();
        assert_eq!(Index::open(dir.path()).unwrap().stats().tracks, 1);
        let w = IndexWriter::open_or_create(dir.path(), &params).unwrap();
        assert_eq!(std::fs::read_dir(&seg_dir).unwrap().count(), 1);
        assert_eq!(w.index().stats().tracks, 1);
    }
}
