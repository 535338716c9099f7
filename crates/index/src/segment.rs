//! The segment file: one immutable, memory-mapped slice of the index.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header   96 bytes   magic "FERMSEG1", format version, bit widths, counts, section offsets
//! entries             bit-packed postings, sorted by (hash, track, time); each is
//!                     (hash without its bucket bits | local track | anchor frame) in
//!                     rest_bits + track_bits + time_bits bits; 16 zero bytes of padding
//! directory           (2^bucket_bits + 1) u32: index of the first entry of each hash bucket
//! tracks              n_tracks records of 72 bytes (content hash, duration, counts, source, name)
//! names               UTF-8 track ids, concatenated
//! footer   48 bytes   BLAKE3 of everything before it, format version, reserved, magic "FERMEND1"
//! ```
//!
//! A lookup reads one directory pair and binary-searches a bucket of at most 32 entries, so a query
//! touches a handful of pages per hash however large the segment is.

use crate::IndexError;
use memmap2::Mmap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"FERMSEG1";
const FOOTER_MAGIC: &[u8; 8] = b"FERMEND1";
const HEADER_LEN: usize = 96;
const FOOTER_LEN: usize = 48;
const TRACK_RECORD_LEN: usize = 72;
/// Bytes after the packed entries so that every entry can be read with one 16-byte load.
const ENTRY_PADDING: usize = 16;

/// The segment format this build writes.
pub const SEGMENT_FORMAT_VERSION: u32 = 1;
/// The oldest segment format this build still reads.
pub const OLDEST_READABLE_SEGMENT_VERSION: u32 = 1;

/// What is recorded of each indexed track.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackMeta {
    /// The caller's identifier (by default the file's path relative to what was added).
    pub id: String,
    /// BLAKE3 of the decoded audio at the analysis rate: equal content is stored once.
    pub content_hash: [u8; 32],
    /// Duration of the decoded audio in seconds.
    pub duration_s: f64,
    /// How many landmarks the track has in the index.
    pub landmarks: u32,
    /// Size and modification time of the source file when it was added, so that a rerun can
    /// skip it without decoding it again.
    pub source: Option<SourceStamp>,
}

/// A source file's size and modification time (nanoseconds since the Unix epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceStamp {
    /// File size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

#[derive(Clone, Copy, Debug)]
struct Header {
    version: u32,
    hash_bits: u32,
    bucket_bits: u32,
    track_bits: u32,
    time_bits: u32,
    n_tracks: u32,
    n_entries: u64,
    entries_offset: u64,
    entries_len: u64,
    dir_offset: u64,
    tracks_offset: u64,
    tracks_len: u64,
    names_offset: u64,
    names_len: u64,
}

impl Header {
    fn rest_bits(&self) -> u32 {
        self.hash_bits - self.bucket_bits
    }
    fn entry_bits(&self) -> u32 {
        self.rest_bits() + self.track_bits + self.time_bits
    }
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..8].copy_from_slice(MAGIC);
        let u32s = [
            self.version,
            self.hash_bits,
            self.bucket_bits,
            self.track_bits,
            self.time_bits,
            self.n_tracks,
        ];
        for (i, v) in u32s.iter().enumerate() {
            b[8 + 4 * i..12 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        let u64s = [
            self.n_entries,
            self.entries_offset,
            self.entries_len,
            self.dir_offset,
            self.tracks_offset,
            self.tracks_len,
            self.names_offset,
            self.names_len,
        ];
        for (i, v) in u64s.iter().enumerate() {
            b[32 + 8 * i..40 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        b
    }
    fn decode(b: &[u8]) -> Header {
        let u = |i: usize| u32_at(b, 8 + 4 * i);
        let w = |i: usize| u64_at(b, 32 + 8 * i);
        Header {
            version: u(0),
            hash_bits: u(1),
            bucket_bits: u(2),
            track_bits: u(3),
            time_bits: u(4),
            n_tracks: u(5),
            n_entries: w(0),
            entries_offset: w(1),
            entries_len: w(2),
            dir_offset: w(3),
            tracks_offset: w(4),
            tracks_len: w(5),
            names_offset: w(6),
            names_len: w(7),
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// Bits needed to store every value in `0..=max`.
fn bits_for(max: u64) -> u32 {
    (64 - max.leading_zeros()).max(1)
}

/// A posting: which track of the segment, and the anchor frame in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Posting {
    pub(crate) track: u32,
    pub(crate) time: u32,
}

/// An open, memory-mapped segment.
pub(crate) struct Segment {
    pub(crate) name: String,
    map: Mmap,
    h: Header,
}

impl Segment {
    pub(crate) fn open(
        path: &Path,
        name: &str,
        expected_hash_bits: u32,
    ) -> Result<Segment, IndexError> {
        let corrupt = |why: String| IndexError::CorruptSegment {
            path: path.to_path_buf(),
            why,
        };
        let file = File::open(path).map_err(|source| IndexError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        // SAFETY: segments are immutable once published (written under a temporary name and
        // renamed into place); fermata never modifies or truncates a published segment, and
        // deletes it only by unlinking, which leaves existing mappings valid.
        let map = unsafe { Mmap::map(&file) }.map_err(|source| IndexError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        // Lookups jump around the file: read-ahead would only pull in pages nobody asked for.
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Random);
        if map.len() < HEADER_LEN + FOOTER_LEN || &map[0..8] != MAGIC {
            return Err(corrupt(
                "not a fermata segment (bad magic or too short)".into(),
            ));
        }
        let h = Header::decode(&map[..HEADER_LEN]);
        if !(OLDEST_READABLE_SEGMENT_VERSION..=SEGMENT_FORMAT_VERSION).contains(&h.version) {
            return Err(IndexError::UnsupportedVersion {
                path: path.to_path_buf(),
                found: h.version,
                oldest: OLDEST_READABLE_SEGMENT_VERSION,
                newest: SEGMENT_FORMAT_VERSION,
            });
        }
        let footer = &map[map.len() - FOOTER_LEN..];
        if &footer[40..48] != FOOTER_MAGIC {
            return Err(corrupt(
                "the footer is missing: the file was cut short".into(),
            ));
        }
        if h.hash_bits != expected_hash_bits || h.bucket_bits > h.hash_bits || h.bucket_bits > 30 {
            return Err(corrupt(format!(
                "hash widths {}/{} do not match the index",
                h.hash_bits, h.bucket_bits
            )));
        }
        if h.track_bits > 32 || h.time_bits > 32 || h.n_entries > u32::MAX as u64 {
            return Err(corrupt("field widths out of range".into()));
        }
        let body = (map.len() - FOOTER_LEN) as u64;
        let need_entries = (h.n_entries * h.entry_bits() as u64).div_ceil(8) + ENTRY_PADDING as u64;
        let sections = [
            (h.entries_offset, h.entries_len),
            (h.dir_offset, ((1u64 << h.bucket_bits) + 1) * 4),
            (h.tracks_offset, h.tracks_len),
            (h.names_offset, h.names_len),
        ];
        let in_bounds = sections
            .iter()
            .all(|&(o, l)| o >= HEADER_LEN as u64 && o.checked_add(l).is_some_and(|e| e <= body));
        if !in_bounds
            || h.entries_len < need_entries
            || h.tracks_len < h.n_tracks as u64 * TRACK_RECORD_LEN as u64
        {
            return Err(corrupt("a section lies outside the file".into()));
        }
        Ok(Segment {
            name: name.to_string(),
            map,
            h,
        })
    }

    pub(crate) fn n_tracks(&self) -> u32 {
        self.h.n_tracks
    }

    pub(crate) fn n_entries(&self) -> u64 {
        self.h.n_entries
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.map.len() as u64
    }

    /// Recomputes the checksum over the whole file and compares it with the footer's.
    pub(crate) fn verify_checksum(&self) -> bool {
        let body = self.map.len() - FOOTER_LEN;
        blake3::hash(&self.map[..body]).as_bytes() == &self.map[body..body + 32]
    }

    fn dir(&self, bucket: u64) -> u64 {
        (u32_at(&self.map, (self.h.dir_offset + 4 * bucket) as usize) as u64).min(self.h.n_entries)
    }

    /// Reads packed entry `i` (a bounds-checked 16-byte load: corrupt data gives wrong values,
    /// never a crash).
    fn entry(&self, i: u64) -> u128 {
        let bits = self.h.entry_bits() as u64;
        let bit = i * bits;
        let at = (self.h.entries_offset + bit / 8) as usize;
        let Some(bytes) = self.map.get(at..at + 16) else {
            return 0;
        };
        let mut a = [0u8; 16];
        a.copy_from_slice(bytes);
        let mask = if bits >= 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        (u128::from_le_bytes(a) >> (bit % 8)) & mask
    }

    fn split(&self, v: u128) -> (u32, Posting) {
        let h = &self.h;
        let time = (v & ((1u128 << h.time_bits) - 1)) as u32;
        let track = ((v >> h.time_bits) & ((1u128 << h.track_bits) - 1)) as u32;
        let rest = (v >> (h.time_bits + h.track_bits)) as u32;
        (rest, Posting { track, time })
    }

    /// The entries holding `hash`: two binary searches in its bucket, nothing decoded beyond
    /// them, so the length of a posting list is known before it is read.
    pub(crate) fn range(&self, hash: u32) -> std::ops::Range<u64> {
        let rest_bits = self.h.rest_bits();
        let bucket = (hash >> rest_bits) as u64;
        if bucket >= 1 << self.h.bucket_bits {
            return 0..0;
        }
        let rest = hash & ((1u32 << rest_bits) - 1);
        let (start, end) = (self.dir(bucket), self.dir(bucket + 1));
        let bound = |strictly_above: bool| {
            let (mut lo, mut hi) = (start, end.max(start));
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                let r = self.split(self.entry(mid)).0;
                if r < rest || (strictly_above && r == rest) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        bound(false)..bound(true)
    }

    /// Appends the postings in `range` (from [`range`](Self::range)) to `out`.
    pub(crate) fn read(&self, range: std::ops::Range<u64>, out: &mut Vec<Posting>) {
        out.extend(range.map(|i| self.split(self.entry(i)).1));
    }

    /// Appends the postings of `hash` to `out`, unless there are more than `cap` of them, in
    /// which case nothing is appended and `false` is returned.
    #[cfg(test)]
    pub(crate) fn postings(&self, hash: u32, cap: usize, out: &mut Vec<Posting>) -> bool {
        let range = self.range(hash);
        if range.end - range.start > cap as u64 {
            return false;
        }
        self.read(range, out);
        true
    }

    /// Every entry as (hash, local track, time), in stored order (used by merging).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        let rest_bits = self.h.rest_bits();
        let buckets = 1u64 << self.h.bucket_bits;
        (0..buckets).flat_map(move |b| {
            (self.dir(b)..self.dir(b + 1).max(self.dir(b))).map(move |i| {
                let (rest, p) = self.split(self.entry(i));
                (((b as u32) << rest_bits) | rest, p.track, p.time)
            })
        })
    }

    /// The metadata of local track `i`.
    pub(crate) fn track(&self, i: u32) -> TrackMeta {
        let at = self.h.tracks_offset as usize + i as usize * TRACK_RECORD_LEN;
        let rec = self
            .map
            .get(at..at + TRACK_RECORD_LEN)
            .unwrap_or(&[0u8; TRACK_RECORD_LEN]);
        let mut content_hash = [0u8; 32];
        content_hash.copy_from_slice(&rec[0..32]);
        let duration_s = f64::from_bits(u64_at(rec, 32));
        let landmarks = u32_at(rec, 40);
        let size = u64_at(rec, 44);
        let mtime_ns = u64_at(rec, 52) as i64;
        let has_source = u32_at(rec, 60) != 0;
        let name_off = u32_at(rec, 64) as u64;
        let name_len = u32_at(rec, 68) as u64;
        let start = (self.h.names_offset + name_off.min(self.h.names_len)) as usize;
        let end = (self.h.names_offset + (name_off + name_len).min(self.h.names_len)) as usize;
        let id = String::from_utf8_lossy(self.map.get(start..end).unwrap_or(&[])).into_owned();
        TrackMeta {
            id,
            content_hash,
            duration_s,
            landmarks,
            source: has_source.then_some(SourceStamp { size, mtime_ns }),
        }
    }
}

/// Writes `data` to `inner` and hashes it on the way, for the footer's checksum.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Packs fixed-width values into little-endian bytes.
struct BitPacker {
    acc: u128,
    bits: u32,
}

impl BitPacker {
    fn push<W: Write>(&mut self, value: u128, width: u32, out: &mut W) -> std::io::Result<()> {
        // width <= 96 and bits < 8 after every flush, so the accumulator never overflows.
        self.acc |= value << self.bits;
        self.bits += width;
        while self.bits >= 8 {
            out.write_all(&[self.acc as u8])?;
            self.acc >>= 8;
            self.bits -= 8;
        }
        Ok(())
    }
    fn finish<W: Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        if self.bits > 0 {
            out.write_all(&[self.acc as u8])?;
        }
        out.write_all(&[0u8; ENTRY_PADDING])
    }
}

/// What a segment writer needs to know before the first entry.
pub(crate) struct SegmentPlan<'a> {
    pub(crate) hash_bits: u32,
    pub(crate) tracks: &'a [TrackMeta],
    pub(crate) n_entries: u64,
    pub(crate) max_time: u32,
}

/// Writes a complete segment to `path` (which must not be visible to readers yet) from entries
/// sorted by (hash, track, time), then syncs it to disk. Returns the file's size and checksum.
pub(crate) fn write_segment(
    path: &Path,
    plan: &SegmentPlan<'_>,
    entries: impl Iterator<Item = (u32, u32, u32)>,
) -> Result<(u64, String), IndexError> {
    let io = |source: std::io::Error| IndexError::Io {
        path: path.to_path_buf(),
        source,
    };
    if plan.n_entries > u32::MAX as u64 || plan.tracks.len() > u32::MAX as usize {
        return Err(IndexError::SegmentTooLarge {
            entries: plan.n_entries,
        });
    }
    // 16 to 32 entries per bucket. Each directory word costs 32 bits per bucket, each bucket bit
    // moved into the entries costs one bit per entry: 32/E + log2(E) is smallest near E = 22.
    // A lookup then binary-searches at most 32 entries (5 probes).
    let bucket_bits = bits_for(plan.n_entries / 32).min(plan.hash_bits).min(26);
    let mut names = Vec::new();
    let mut records = Vec::with_capacity(plan.tracks.len() * TRACK_RECORD_LEN);
    for t in plan.tracks {
        records.extend_from_slice(&t.content_hash);
        records.extend_from_slice(&t.duration_s.to_bits().to_le_bytes());
        records.extend_from_slice(&t.landmarks.to_le_bytes());
        let s = t.source.unwrap_or(SourceStamp {
            size: 0,
            mtime_ns: 0,
        });
        records.extend_from_slice(&s.size.to_le_bytes());
        records.extend_from_slice(&(s.mtime_ns as u64).to_le_bytes());
        records.extend_from_slice(&(t.source.is_some() as u32).to_le_bytes());
        records.extend_from_slice(&(names.len() as u32).to_le_bytes());
        records.extend_from_slice(&(t.id.len() as u32).to_le_bytes());
        names.extend_from_slice(t.id.as_bytes());
    }
    let mut h = Header {
        version: SEGMENT_FORMAT_VERSION,
        hash_bits: plan.hash_bits,
        bucket_bits,
        track_bits: bits_for(plan.tracks.len().saturating_sub(1) as u64),
        time_bits: bits_for(plan.max_time as u64),
        n_tracks: plan.tracks.len() as u32,
        n_entries: plan.n_entries,
        entries_offset: HEADER_LEN as u64,
        entries_len: 0,
        dir_offset: 0,
        tracks_offset: 0,
        tracks_len: records.len() as u64,
        names_offset: 0,
        names_len: names.len() as u64,
    };
    h.entries_len = (h.n_entries * h.entry_bits() as u64).div_ceil(8) + ENTRY_PADDING as u64;
    h.dir_offset = h.entries_offset + h.entries_len;
    h.tracks_offset = h.dir_offset + ((1u64 << bucket_bits) + 1) * 4;
    h.names_offset = h.tracks_offset + h.tracks_len;

    let file = File::create(path).map_err(io)?;
    let mut w = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        hasher: blake3::Hasher::new(),
    };
    w.write_all(&h.encode()).map_err(io)?;
    let rest_bits = h.rest_bits();
    let mut packer = BitPacker { acc: 0, bits: 0 };
    let mut dir = vec![0u32; (1usize << bucket_bits) + 1];
    let mut written = 0u64;
    let mut previous = None;
    for (hash, track, time) in entries {
        let key = (hash, track, time);
        if previous.is_some_and(|p| p > key) || hash >> plan.hash_bits != 0 || time > plan.max_time
        {
            return Err(IndexError::Internal(format!(
                "segment entries out of order or range at {key:?}"
            )));
        }
        previous = Some(key);
        let bucket = (hash >> rest_bits) as usize;
        dir[bucket + 1] += 1;
        let value = ((((hash & ((1 << rest_bits) - 1)) as u128) << h.track_bits | track as u128)
            << h.time_bits)
            | time as u128;
        packer.push(value, h.entry_bits(), &mut w).map_err(io)?;
        written += 1;
    }
    if written != plan.n_entries {
        return Err(IndexError::Internal(format!(
            "planned {} entries, got {written}",
            plan.n_entries
        )));
    }
    packer.finish(&mut w).map_err(io)?;
    for i in 1..dir.len() {
        dir[i] += dir[i - 1];
    }
    for d in &dir {
        w.write_all(&d.to_le_bytes()).map_err(io)?;
    }
    w.write_all(&records).map_err(io)?;
    w.write_all(&names).map_err(io)?;
    let checksum = *w.hasher.finalize().as_bytes();
    let mut footer = [0u8; FOOTER_LEN];
    footer[..32].copy_from_slice(&checksum);
    footer[32..36].copy_from_slice(&SEGMENT_FORMAT_VERSION.to_le_bytes());
    footer[40..48].copy_from_slice(FOOTER_MAGIC);
    let mut inner = w.inner;
    inner.write_all(&footer).map_err(io)?;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    Ok((size, blake3::Hash::from(checksum).to_hex().to_string()))
}

/// The segment file name for a number.
pub(crate) fn segment_file_name(number: u64) -> String {
    format!("seg-{number:08}.fseg")
}

/// The temporary name a segment is written under before it is published.
pub(crate) fn temporary_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> TrackMeta {
        TrackMeta {
            id: id.into(),
            content_hash: *blake3::hash(id.as_bytes()).as_bytes(),
            duration_s: 12.5,
            landmarks: 3,
            source: Some(SourceStamp {
                size: 99,
                mtime_ns: -5,
            }),
        }
    }

    fn write(entries: &mut [(u32, u32, u32)], tracks: &[TrackMeta], dir: &Path) -> Segment {
        entries.sort();
        let path = dir.join("s.fseg");
        let max_time = entries.iter().map(|e| e.2).max().unwrap_or(0);
        let plan = SegmentPlan {
            hash_bits: 23,
            tracks,
            n_entries: entries.len() as u64,
            max_time,
        };
        write_segment(&path, &plan, entries.iter().copied()).unwrap();
        Segment::open(&path, "s", 23).unwrap()
    }

    #[test]
    fn round_trip_lookups_and_tracks() {
        let dir = tempfile::tempdir().unwrap();
        let tracks = vec![meta("a"), meta("b/ü.ogg"), meta("c")];
        let mut entries: Vec<(u32, u32, u32)> = (0..5000u32)
            .map(|i| ((i * 7919) % (1 << 23), i % 3, i * 13 % 100_000))
            .collect();
        entries.push((5, 1, 7));
        entries.push((5, 0, 9));
        let seg = write(&mut entries, &tracks, dir.path());
        assert!(seg.verify_checksum());
        for i in 0..3 {
            assert_eq!(seg.track(i), tracks[i as usize]);
        }
        let all: Vec<_> = seg.entries().collect();
        assert_eq!(all, entries);
        let mut out = Vec::new();
        for &(hash, _, _) in entries.iter().step_by(97) {
            out.clear();
            assert!(seg.postings(hash, 1000, &mut out));
            let expected: Vec<Posting> = entries
                .iter()
                .filter(|e| e.0 == hash)
                .map(|e| Posting {
                    track: e.1,
                    time: e.2,
                })
                .collect();
            assert_eq!(out, expected);
        }
        out.clear();
        assert!(
            !seg.postings(5, 1, &mut out),
            "a list longer than the cap is skipped"
        );
        assert!(out.is_empty());
        out.clear();
        assert!(seg.postings(4, 10, &mut out) && out.is_empty());
    }

    #[test]
    fn empty_segment_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let seg = write(&mut Vec::new(), &[meta("only")], dir.path());
        assert_eq!(seg.entries().count(), 0);
        let mut out = Vec::new();
        assert!(seg.postings(123, 10, &mut out) && out.is_empty());
    }

    #[test]
    fn truncated_or_flipped_files_are_refused_or_detected() {
        let dir = tempfile::tempdir().unwrap();
        let mut entries: Vec<(u32, u32, u32)> = (0..300).map(|i| (i * 31, 0, i)).collect();
        write(&mut entries, &[meta("x")], dir.path());
        let path = dir.path().join("s.fseg");
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 10, HEADER_LEN, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(
                matches!(
                    Segment::open(&path, "s", 23),
                    Err(IndexError::CorruptSegment { .. })
                ),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.clone();
        flipped[HEADER_LEN + 3] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        let seg = Segment::open(&path, "s", 23).unwrap();
        assert!(!seg.verify_checksum());
        let mut version = bytes.clone();
        version[8] = 99;
        std::fs::write(&path, &version).unwrap();
        assert!(matches!(
            Segment::open(&path, "s", 23),
            Err(IndexError::UnsupportedVersion { found: 99, .. })
        ));
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            Segment::open(&path, "s", 20),
            Err(IndexError::CorruptSegment { .. })
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        /// Every stored entry is found by its hash, whatever the widths.
        #[test]
        fn every_entry_is_found(raw in proptest::collection::vec((0u32..(1 << 23), 0u32..40, 0u32..2_000_000), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let tracks: Vec<TrackMeta> = (0..40).map(|i| meta(&i.to_string())).collect();
            let mut entries = raw.clone();
            let seg = write(&mut entries, &tracks, dir.path());
            let mut out = Vec::new();
            for e in &entries {
                out.clear();
                seg.postings(e.0, usize::MAX, &mut out);
                let wanted = Posting { track: e.1, time: e.2 };
                proptest::prop_assert!(out.contains(&wanted));
            }
            proptest::prop_assert_eq!(seg.entries().collect::<Vec<_>>(), entries);
        }
    }
}
