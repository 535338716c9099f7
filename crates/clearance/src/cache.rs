//! The identification cache: a file's identification (its matches and duration), kept under
//! the home by the SHA-256 of its bytes, so that a rescan of unchanged files judges them again
//! without decoding and fingerprinting them again.
//!
//! ```text
//! HOME/cache/identify/KEY/ab/abcdef….json   one file's result (KEY: index + options + code)
//! ```
//!
//! `KEY` is a digest of everything an identification depends on besides the bytes: the index's
//! [`Index::identity`] (format, parameters, generation, every live segment and its checksum),
//! the [`MatchOptions`], this cache's format and the crate version (the matcher's code). Opening
//! the cache for one key removes the directories of every other key, so an entry made against
//! an older index is never read and does not stay on disk. An entry carries its key, the
//! file's SHA-256 and a digest of its own content; an entry that does not parse or check is
//! ignored (the file is identified again and the entry rewritten), never trusted.
//!
//! Why a directory under the home and not the registry: the cache is derived data, remade at
//! will from the files and the index, and tied to the index (which lives under the home too);
//! it is not a record anyone relies on, so it stays out of the registry's tables, its audit
//! chain and its backups, and deleting `HOME/cache` at any time is safe.

use crate::{ClearanceError, Home, io};
use fermata_index::{Index, MatchOptions};
use fermata_registry::FileMatch;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Version of the entry layout; part of the key.
pub const CACHE_FORMAT: u32 = 1;
/// Largest entry read (bytes): an entry holds a file's matches, far below this.
const MAX_ENTRY_BYTES: u64 = 1 << 20;

/// What is cached for one file content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedIdentification {
    /// Seconds of audio.
    pub duration_s: f64,
    /// The registered recordings found.
    pub matches: Vec<FileMatch>,
}

/// An entry's first line; the rest of the file is the result's JSON, exactly the bytes that
/// `check` digests (JSON numbers need not survive a parse and a print bit for bit, so the
/// digest is over the stored bytes, not a re-encoding).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: u32,
    key: String,
    sha256: String,
    /// SHA-256 of the key, the content's SHA-256 and the result's bytes.
    check: String,
}

fn entry_check(key: &str, sha256: &str, result: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update(b"\n");
    h.update(sha256.as_bytes());
    h.update(b"\n");
    h.update(result);
    hex::encode(h.finalize())
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The identification cache of one home, for one index state and one set of match options.
#[derive(Debug)]
pub struct IdentifyCache {
    dir: PathBuf,
    key: String,
}

impl IdentifyCache {
    /// The cache's top directory in a home.
    pub fn root(home: &Home) -> PathBuf {
        home.dir().join("cache").join("identify")
    }

    /// The key of results identified against `index` with `options`.
    pub fn key(index: &Index, options: &MatchOptions) -> String {
        let mut h = Sha256::new();
        h.update(format!(
            "fermata-identify-cache {CACHE_FORMAT}\n{}\n{}\n{options:?}\n",
            env!("CARGO_PKG_VERSION"),
            index.identity()
        ));
        hex::encode(h.finalize())
    }

    /// Opens (creating) the cache for `index` and `options`, and removes the entries of every
    /// other key: they were made against another index or with other options.
    pub fn open(
        home: &Home,
        index: &Index,
        options: &MatchOptions,
    ) -> Result<IdentifyCache, ClearanceError> {
        let root = Self::root(home);
        let key = Self::key(index, options);
        let dir = root.join(&key);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        for entry in std::fs::read_dir(&root).map_err(io(&root))?.flatten() {
            if entry.file_name().to_string_lossy() != key.as_str() {
                // Best effort: a directory another process is still writing is removed on
                // the next open; its key never matches this one either way.
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
        Ok(IdentifyCache { dir, key })
    }

    /// This cache's key.
    pub fn cache_key(&self) -> &str {
        &self.key
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256(sha256).then(|| self.dir.join(&sha256[..2]).join(format!("{sha256}.json")))
    }

    /// The cached identification of the content with this SHA-256 (lower-case hex), if there
    /// is one that checks out: a missing, unreadable, oversized, malformed or altered entry, or
    /// one made under another key or for other content, is `None`.
    pub fn get(&self, sha256: &str) -> Option<CachedIdentification> {
        let path = self.path(sha256)?;
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_ENTRY_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let split = bytes.iter().position(|&b| b == b'\n')?;
        let (header, body) = (&bytes[..split], &bytes[split + 1..]);
        let header: Header = serde_json::from_slice(header).ok()?;
        if header.format != CACHE_FORMAT
            || header.key != self.key
            || header.sha256 != sha256
            || header.check != entry_check(&self.key, sha256, body)
        {
            return None;
        }
        let result: CachedIdentification = serde_json::from_slice(body).ok()?;
        let sane = result.duration_s.is_finite()
            && result.duration_s >= 0.0
            && result
                .matches
                .iter()
                .all(|m| m.start_s.is_finite() && m.end_s.is_finite());
        sane.then_some(result)
    }

    /// Stores the identification of the content with this SHA-256, atomically (a temporary
    /// file renamed into place), so a reader sees the old entry, the new one or none.
    pub fn put(&self, sha256: &str, result: &CachedIdentification) -> Result<(), ClearanceError> {
        let Some(path) = self.path(sha256) else {
            return Err(ClearanceError::Invalid(format!(
                "{sha256:?} is not a SHA-256 in lower-case hex"
            )));
        };
        let parent = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let encode_err = |e: serde_json::Error| {
            ClearanceError::Invalid(format!("cannot encode a cache entry: {e}"))
        };
        let body = serde_json::to_vec(result).map_err(encode_err)?;
        let header = Header {
            format: CACHE_FORMAT,
            key: self.key.clone(),
            sha256: sha256.into(),
            check: entry_check(&self.key, sha256, &body),
        };
        let mut text = serde_json::to_vec(&header).map_err(encode_err)?;
        text.push(b'\n');
        text.extend_from_slice(&body);
        let mut tmp = tempfile::NamedTempFile::new_in(parent).map_err(io(parent))?;
        std::io::Write::write_all(&mut tmp, &text).map_err(io(tmp.path()))?;
        tmp.persist(&path)
            .map_err(|e| io(&path)(e.error))
            .map(|_| ())
    }

    /// The directory of this key's entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_bad_ones_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::init(&dir.path().join("home")).unwrap();
        let index = Index::open(&home.index_dir()).unwrap();
        let cache = IdentifyCache::open(&home, &index, &MatchOptions::default()).unwrap();
        let sha = "ab".repeat(32);
        assert_eq!(cache.get(&sha), None);
        let result = CachedIdentification {
            duration_s: 10.0,
            matches: vec![FileMatch {
                track_id: "GBAYE2600001".into(),
                // Values whose decimal form need not read back bit for bit.
                start_s: 0.1 + 0.2,
                end_s: 9.5 / 3.0,
                reference_start_s: std::f64::consts::PI * 7.0,
                score: 120,
                false_match_p: Some(1.0 / 3.0),
            }],
        };
        cache.put(&sha, &result).unwrap();
        assert_eq!(cache.get(&sha), Some(result.clone()));
        // Another content's hash does not read this entry, even if the file is copied there.
        let other = "cd".repeat(32);
        let path = cache.path(&sha).unwrap();
        let other_path = cache.path(&other).unwrap();
        std::fs::create_dir_all(other_path.parent().unwrap()).unwrap();
        std::fs::copy(&path, &other_path).unwrap();
        assert_eq!(cache.get(&other), None);
        // An edited entry (a match removed, the check left) is not trusted.
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace("\"score\":120", "\"score\":121");
        assert_ne!(text, edited);
        std::fs::write(&path, edited).unwrap();
        assert_eq!(cache.get(&sha), None);
        // Garbage and a truncated entry are ignored.
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        assert_eq!(cache.get(&sha), None);
        std::fs::write(&path, b"\xff\x00garbage").unwrap();
        assert_eq!(cache.get(&sha), None);
        // Rewriting repairs it.
        cache.put(&sha, &result).unwrap();
        assert_eq!(cache.get(&sha), Some(result));
        // Not a hash: no path, nothing read, nothing written outside the cache.
        assert_eq!(cache.get("../../registry"), None);
        assert!(
            cache
                .put(
                    "../x",
                    &CachedIdentification {
                        duration_s: 1.0,
                        matches: vec![]
                    }
                )
                .is_err()
        );
    }

    #[test]
    fn another_index_state_or_options_is_another_key_and_old_entries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::init(&dir.path().join("home")).unwrap();
        let index = Index::open(&home.index_dir()).unwrap();
        let options = MatchOptions::default();
        let cache = IdentifyCache::open(&home, &index, &options).unwrap();
        let sha = "ef".repeat(32);
        let result = CachedIdentification {
            duration_s: 3.0,
            matches: vec![],
        };
        cache.put(&sha, &result).unwrap();
        let stricter = MatchOptions {
            min_aligned: options.min_aligned + 5,
            ..options.clone()
        };
        assert_ne!(
            IdentifyCache::key(&index, &options),
            IdentifyCache::key(&index, &stricter)
        );
        // Add a track: a new index generation, a new key; the old entries go.
        let params = fermata_fp::Params::default();
        let song = dir.path().join("song.wav");
        let samples = fermata_synth::synth::track(7, 8.0, params.sample_rate);
        fermata_audio::write_wav(&song, &samples, params.sample_rate).unwrap();
        let mut writer =
            fermata_index::IndexWriter::open_or_create(&home.index_dir(), &params).unwrap();
        fermata_engine::add_files(
            &mut writer,
            fermata_engine::collect_inputs(std::slice::from_ref(&song), Some("song")).unwrap(),
            &fermata_engine::AddOptions::default(),
            &std::sync::atomic::AtomicBool::new(false),
            &mut |_| {},
        )
        .unwrap();
        drop(writer);
        let changed = Index::open(&home.index_dir()).unwrap();
        assert_ne!(index.identity(), changed.identity());
        let new_cache = IdentifyCache::open(&home, &changed, &options).unwrap();
        assert_ne!(new_cache.cache_key(), cache.cache_key());
        assert_eq!(new_cache.get(&sha), None);
        assert!(!cache.dir().exists(), "the old key's entries are removed");
    }
}
