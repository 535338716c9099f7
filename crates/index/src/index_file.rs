//! The index file: the one file whose atomic replacement publishes a new state of the index.

use crate::IndexError;
use fermata_fp::Params;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The index file's name inside an index directory (`fermata-index.json`, unchanged since format 1).
pub const INDEX_FILE: &str = "fermata-index.json";
/// The index format this build writes.
pub const INDEX_FORMAT_VERSION: u32 = 1;
/// The oldest index format this build still reads.
pub const OLDEST_READABLE_INDEX_VERSION: u32 = 1;
const FORMAT_NAME: &str = "fermata-index";

/// One live segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SegmentEntry {
    pub(crate) name: String,
    pub(crate) tracks: u32,
    pub(crate) entries: u64,
    pub(crate) bytes: u64,
    /// BLAKE3 of the segment's body, as in its footer.
    pub(crate) checksum: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexFile {
    pub(crate) format: String,
    pub(crate) format_version: u32,
    pub(crate) params: Params,
    /// Incremented by every published change.
    pub(crate) generation: u64,
    pub(crate) next_segment: u64,
    pub(crate) segments: Vec<SegmentEntry>,
}

pub(crate) fn segments_dir(dir: &Path) -> PathBuf {
    dir.join("segments")
}

impl IndexFile {
    pub(crate) fn new(params: Params) -> IndexFile {
        IndexFile {
            format: FORMAT_NAME.into(),
            format_version: INDEX_FORMAT_VERSION,
            params,
            generation: 0,
            next_segment: 1,
            segments: Vec::new(),
        }
    }

    pub(crate) fn load(dir: &Path) -> Result<IndexFile, IndexError> {
        let path = dir.join(INDEX_FILE);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IndexError::NotAnIndex {
                    path: dir.to_path_buf(),
                });
            }
            Err(source) => return Err(IndexError::Io { path, source }),
        };
        // Read the version before the rest, so that a newer format is reported as such and not
        // as damage.
        #[derive(Deserialize)]
        struct Version {
            format: String,
            format_version: u32,
        }
        let corrupt = |why: String| IndexError::CorruptIndexFile {
            path: path.clone(),
            why,
        };
        let version: Version = serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))?;
        if version.format != FORMAT_NAME {
            return Err(corrupt(format!(
                "format is {:?}, not {FORMAT_NAME:?}",
                version.format
            )));
        }
        if !(OLDEST_READABLE_INDEX_VERSION..=INDEX_FORMAT_VERSION).contains(&version.format_version)
        {
            return Err(IndexError::UnsupportedVersion {
                path,
                found: version.format_version,
                oldest: OLDEST_READABLE_INDEX_VERSION,
                newest: INDEX_FORMAT_VERSION,
            });
        }
        let state: IndexFile = serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))?;
        if state.params.algorithm != fermata_fp::ALGORITHM_VERSION {
            return Err(IndexError::ParamsMismatch {
                path: dir.to_path_buf(),
                differences: format!(
                    "fingerprint algorithm: index has {}, this build computes {}",
                    state.params.algorithm,
                    fermata_fp::ALGORITHM_VERSION
                ),
            });
        }
        state
            .params
            .validate()
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(state)
    }

    /// Replaces the index file atomically: write a temporary file, sync it, rename it over the
    /// old one, sync the directory. A crash leaves either the old or the new index file.
    pub(crate) fn store(&self, dir: &Path) -> Result<(), IndexError> {
        let path = dir.join(INDEX_FILE);
        let tmp = dir.join(format!("{INDEX_FILE}.tmp"));
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| IndexError::Io { path: p, source }
        };
        let text =
            serde_json::to_vec_pretty(self).map_err(|e| IndexError::Internal(e.to_string()))?;
        let mut f = File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(&text).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        sync_dir(dir)
    }
}

/// Makes a rename or creation inside `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// Refuses parameters that differ from the stored ones, naming each difference.
pub(crate) fn check_params(
    dir: &Path,
    stored: &Params,
    requested: &Params,
) -> Result<(), IndexError> {
    if stored == requested {
        return Ok(());
    }
    let as_map = |p: &Params| match serde_json::to_value(p) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (a, b) = (as_map(stored), as_map(requested));
    let differences: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, v)| {
            format!(
                "{k}: index has {v}, requested {}",
                b.get(k).cloned().unwrap_or_default()
            )
        })
        .collect();
    Err(IndexError::ParamsMismatch {
        path: dir.to_path_buf(),
        differences: differences.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            IndexFile::load(dir.path()),
            Err(IndexError::NotAnIndex { .. })
        ));
        let m = IndexFile::new(Params::default());
        m.store(dir.path()).unwrap();
        assert_eq!(IndexFile::load(dir.path()).unwrap(), m);

        let path = dir.path().join(INDEX_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("\"format_version\": 1", "\"format_version\": 7"),
        )
        .unwrap();
        assert!(matches!(
            IndexFile::load(dir.path()),
            Err(IndexError::UnsupportedVersion { found: 7, .. })
        ));
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        assert!(matches!(
            IndexFile::load(dir.path()),
            Err(IndexError::CorruptIndexFile { .. })
        ));
        std::fs::write(&path, text.replace("\"hop\": 128", "\"hop\": 0")).unwrap();
        assert!(matches!(
            IndexFile::load(dir.path()),
            Err(IndexError::CorruptIndexFile { .. })
        ));
        std::fs::write(&path, text.replace("\"algorithm\": 1", "\"algorithm\": 0")).unwrap();
        assert!(matches!(
            IndexFile::load(dir.path()),
            Err(IndexError::ParamsMismatch { .. })
        ));
    }

    #[test]
    fn parameter_differences_are_named() {
        let a = Params::default();
        let b = Params {
            hop: 256,
            fan_out: 3,
            ..Params::default()
        };
        let err = check_params(Path::new("/x"), &a, &b)
            .unwrap_err()
            .to_string();
        assert!(err.contains("hop: index has 128, requested 256"), "{err}");
        assert!(err.contains("fan_out"), "{err}");
        check_params(Path::new("/x"), &a, &a.clone()).unwrap();
    }
}
