//! Soft binding: a local manifest store of labelled outputs, found again by their sound.
//!
//! An embedded C2PA manifest is lost when a file is re-encoded or cut. C2PA's answer is a
//! *soft binding* (specification, "Soft binding"): the manifest carries a `c2pa.soft-binding`
//! assertion naming an algorithm (`alg`) and a value, and a manifest repository finds the
//! manifest again from the content itself (a watermark or, here, a fingerprint). fermata's
//! algorithm is [`SOFT_BINDING_ALG`]: fermata's landmark fingerprint, looked up in a fermata
//! index of the store's own; the value is the label's id in the store.
//!
//! ```text
//! DIR/index/                         a fermata index of the labelled outputs' audio
//! DIR/labels/TRACK/LABEL.json        what each label said when it was made (its LabelReport)
//! DIR/labels/TRACK/LABEL.c2pa        the signed C2PA manifest store itself
//! ```
//!
//! `TRACK` is the id of the audio in the index: the same audio labelled twice (two models,
//! two versions) is indexed once and holds both labels. The CLI keeps the store in
//! `HOME/labels`.
//!
//! Identification is `fermata_engine::identify_file` against the store's index, the same
//! matcher as every other identification: a re-encoded copy, or an excerpt, is found with the
//! span it covers.

use crate::{Label, LabelError, LabelReport, Signing, label_file_with, verify_file};
use fermata_engine::{AddEvent, AddOptions, FileStatus, collect_inputs, identify_file};
use fermata_index::{Index, IndexWriter, MatchOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The soft-binding algorithm named in the `c2pa.soft-binding` assertion: fermata's landmark
/// fingerprint (reverse-domain name, as the C2PA soft binding algorithm list asks of names not
/// on it), version 1.
pub const SOFT_BINDING_ALG: &str = "org.fermata.landmarks.1";
/// Largest label record read from the store (bytes).
const MAX_RECORD_BYTES: u64 = 1 << 20;
/// Largest stored manifest read from the store (bytes).
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// At most this many labels are reported for one file.
pub const MAX_FOUND: usize = 32;

/// A label as stored: what was labelled, under which ids, and what the label said.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredLabel {
    /// The label's id: the soft binding's value in its manifest.
    pub label_id: String,
    /// The audio's id in the store's index.
    pub track_id: String,
    /// The labelled output's file name.
    pub file: String,
    /// SHA-256 of the labelled output's bytes.
    pub sha256: String,
    /// SHA-256 of the stored manifest (`LABEL.c2pa`).
    pub manifest_sha256: String,
    /// The label read back from the output just after signing.
    pub report: LabelReport,
}

/// A label found by sound in a file without an embedded manifest.
#[derive(Clone, Debug, Serialize)]
pub struct SoftMatch {
    /// The label.
    pub label: StoredLabel,
    /// False when the stored manifest no longer has the digest recorded (the store was altered).
    pub manifest_intact: bool,
    /// Where the labelled audio starts in the file (seconds).
    pub start_s: f64,
    /// Where it ends in the file (seconds).
    pub end_s: f64,
    /// The time in the labelled output that corresponds to `start_s`.
    pub reference_start_s: f64,
    /// Aligned landmarks.
    pub score: u32,
}

/// How a file's label was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundBy {
    /// A manifest embedded in the file.
    Embedded,
    /// No embedded manifest; the file's sound matched labelled outputs in the store.
    SoftBinding,
    /// No label: no embedded manifest and no match in the store.
    None,
}

/// The answer of [`verify_or_find`].
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// The file.
    pub file: String,
    /// How the label was found.
    pub found_by: FoundBy,
    /// The embedded label, when there is one.
    pub embedded: Option<LabelReport>,
    /// Labels found by soft binding, best first.
    pub soft: Vec<SoftMatch>,
    /// Why no embedded manifest was read, when none was.
    pub error: Option<String>,
}

impl Verification {
    /// True when the file carries a valid embedded label, or its sound was found in the store
    /// with an intact manifest.
    pub fn labelled(&self) -> bool {
        match self.found_by {
            FoundBy::Embedded => self.embedded.as_ref().is_some_and(|r| r.valid),
            FoundBy::SoftBinding => self.soft.iter().any(|m| m.manifest_intact),
            FoundBy::None => false,
        }
    }
}

fn store_err(path: &Path) -> impl FnOnce(std::io::Error) -> LabelError + '_ {
    move |e| LabelError::Store(format!("{}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Ids are made here, but read back from paths and manifests: only these characters pass.
fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !id.starts_with('.')
}

/// A store of labelled outputs (see the module doc).
#[derive(Clone, Debug)]
pub struct LabelStore {
    dir: PathBuf,
}

impl LabelStore {
    /// Opens the store in `dir`, creating it (and its empty index) if needed.
    pub fn open(dir: &Path) -> Result<LabelStore, LabelError> {
        std::fs::create_dir_all(dir.join("labels")).map_err(store_err(dir))?;
        let store = LabelStore {
            dir: dir.to_path_buf(),
        };
        if !store.index_dir().join(fermata_index::INDEX_FILE).exists() {
            IndexWriter::open_or_create(&store.index_dir(), &fermata_fp::Params::default())
                .map_err(|e| LabelError::Store(e.to_string()))?;
        }
        Ok(store)
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn index_dir(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// Labels `input` into `output` (as [`crate::label_file`]) with a `c2pa.soft-binding`
    /// assertion, then registers the output's fingerprint and its manifest in the store, so
    /// that a re-encoded or cut copy is found by [`verify_or_find`].
    pub fn label_and_register(
        &self,
        input: &Path,
        output: &Path,
        label: &Label,
        signing: &Signing,
    ) -> Result<StoredLabel, LabelError> {
        let input_bytes = std::fs::read(input).map_err(store_err(input))?;
        let mut h = Sha256::new();
        h.update(&input_bytes);
        h.update(serde_json::to_vec(label).unwrap_or_default());
        // The signing time, so that labelling the same file again makes a new label.
        h.update(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
                .to_le_bytes(),
        );
        let label_id = format!("lbl-{}", &hex::encode(h.finalize())[..32]);
        let manifest = label_file_with(input, output, label, signing, Some(&label_id))?;
        let report = verify_file(output, None)?;
        let output_bytes = std::fs::read(output).map_err(store_err(output))?;

        let mut writer =
            IndexWriter::open_or_create(&self.index_dir(), &fermata_fp::Params::default())
                .map_err(|e| LabelError::Store(e.to_string()))?;
        let inputs = collect_inputs(&[output.to_path_buf()], Some(&label_id))
            .map_err(|e| LabelError::Store(e.to_string()))?;
        let mut track_id: Result<String, String> = Err("not indexed".into());
        fermata_engine::add_files(
            &mut writer,
            inputs,
            &AddOptions::default(),
            &AtomicBool::new(false),
            &mut |event| {
                if let AddEvent::File { status, .. } = event {
                    track_id = match status {
                        FileStatus::Added { .. }
                        | FileStatus::Unchanged
                        | FileStatus::AlreadyIndexed => Ok(label_id.clone()),
                        FileStatus::DuplicateOf(other) => Ok(other.clone()),
                        FileStatus::IdConflict => Err("its id is taken by other audio".into()),
                        FileStatus::Failed(e) => Err(e.to_string()),
                    };
                }
            },
        )
        .map_err(|e| LabelError::Store(e.to_string()))?;
        drop(writer);
        let track_id = track_id.map_err(|why| {
            LabelError::Store(format!(
                "{} is labelled, but its fingerprint was not stored: {why}",
                output.display()
            ))
        })?;
        if !safe_id(&track_id) {
            return Err(LabelError::Store(format!(
                "the store's index holds an unusable id {track_id:?}"
            )));
        }
        let stored = StoredLabel {
            label_id: label_id.clone(),
            track_id: track_id.clone(),
            file: output
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            sha256: sha256_hex(&output_bytes),
            manifest_sha256: sha256_hex(&manifest),
            report,
        };
        let dir = self.dir.join("labels").join(&track_id);
        std::fs::create_dir_all(&dir).map_err(store_err(&dir))?;
        write_atomic(&dir.join(format!("{label_id}.c2pa")), &manifest)?;
        let record =
            serde_json::to_vec_pretty(&stored).map_err(|e| LabelError::Store(e.to_string()))?;
        write_atomic(&dir.join(format!("{label_id}.json")), &record)?;
        Ok(stored)
    }

    /// The labels whose outputs' sound is in `file`, best match first (at most [`MAX_FOUND`]).
    pub fn find(&self, file: &Path) -> Result<Vec<SoftMatch>, LabelError> {
        let index = Index::open(&self.index_dir()).map_err(|e| LabelError::Store(e.to_string()))?;
        let found = identify_file(&index, file, &MatchOptions::default()).map_err(|e| {
            LabelError::Identify {
                path: file.display().to_string(),
                message: e.to_string(),
            }
        })?;
        let mut matches = found.matches;
        matches.sort_by_key(|m| std::cmp::Reverse(m.score));
        let mut out = Vec::new();
        for m in matches {
            if !safe_id(&m.track_id) {
                continue;
            }
            for label in self.labels_of(&m.track_id) {
                out.push(SoftMatch {
                    manifest_intact: self.manifest_intact(&label),
                    label,
                    start_s: m.query_start_s,
                    end_s: m.query_end_s,
                    reference_start_s: m.reference_start_s,
                    score: m.score,
                });
                if out.len() >= MAX_FOUND {
                    return Ok(out);
                }
            }
        }
        Ok(out)
    }

    /// The records of one indexed audio, newest label id order; unreadable ones are skipped.
    fn labels_of(&self, track_id: &str) -> Vec<StoredLabel> {
        let dir = self.dir.join("labels").join(track_id);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut labels: Vec<StoredLabel> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_RECORD_BYTES))
            .filter_map(|p| std::fs::read(&p).ok())
            .filter_map(|b| serde_json::from_slice::<StoredLabel>(&b).ok())
            .filter(|l| l.track_id == track_id && safe_id(&l.label_id))
            .collect();
        labels.sort_by(|a, b| a.label_id.cmp(&b.label_id));
        labels.truncate(MAX_FOUND);
        labels
    }

    fn manifest_intact(&self, label: &StoredLabel) -> bool {
        let path = self
            .dir
            .join("labels")
            .join(&label.track_id)
            .join(format!("{}.c2pa", label.label_id));
        std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_MANIFEST_BYTES)
            && std::fs::read(&path).is_ok_and(|b| sha256_hex(&b) == label.manifest_sha256)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LabelError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(store_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(store_err(path))
}

/// Reads the embedded label of `path` ([`verify_file`]); when the file has none (re-encoded,
/// cut, stripped), looks its sound up in `store`. A file that matches nothing has no label.
pub fn verify_or_find(
    path: &Path,
    trust_anchors: Option<&[u8]>,
    store: Option<&LabelStore>,
) -> Result<Verification, LabelError> {
    let error = match verify_file(path, trust_anchors) {
        Ok(report) => {
            return Ok(Verification {
                file: path.display().to_string(),
                found_by: FoundBy::Embedded,
                embedded: Some(report),
                soft: Vec::new(),
                error: None,
            });
        }
        Err(e @ LabelError::TrustAnchors(_)) => return Err(e),
        Err(e) => e.to_string(),
    };
    let soft = match store {
        Some(store) => store.find(path)?,
        None => Vec::new(),
    };
    Ok(Verification {
        file: path.display().to_string(),
        found_by: if soft.is_empty() {
            FoundBy::None
        } else {
            FoundBy::SoftBinding
        },
        embedded: None,
        soft,
        error: Some(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_are_confined() {
        assert!(safe_id("lbl-0123abcd"));
        assert!(safe_id("song.wav"));
        for bad in ["", "..", "../x", "a/b", ".hidden", "a\\b", "é"] {
            assert!(!safe_id(bad), "{bad}");
        }
        assert!(!safe_id(&"a".repeat(129)));
    }
}
