//! fermata's cleared-data manifest and its proofs.
//!
//! A manifest lists the files of a scanned dataset that are cleared for one developer, model,
//! use and territory: for each work found in each cleared file, one entry (ISRC, the file's
//! SHA-256, the licences or policies that clear it). A Merkle root over the entries lets the
//! developer publish one hash; anyone holding a proof can then check that a work is in the
//! cleared set, or that it is not, without the manifest or fermata's database.
//!
//! # Leaf and node encoding
//!
//! ```text
//! leaf data  = ISRC "|" SHA256 "|" CLEARANCE        (UTF-8, no trailing newline)
//!   ISRC      12 upper-case characters, e.g. GBAYE6900531
//!   SHA256    64 lower-case hex digits: SHA-256 of the file's bytes
//!   CLEARANCE what clears it: licence ids and "policy:HOLDER" entries, sorted, joined by ","
//! leaf hash  = SHA-256(0x00 || leaf data)
//! node hash  = SHA-256(0x01 || left || right)
//! ```
//!
//! Leaves are sorted by their leaf data (byte order), so by ISRC first; the tree is RFC 9162's
//! (§2.1.1) and an inclusion proof is its audit path (§2.1.3). A proof that a work is absent
//! gives the two adjacent leaves whose ISRCs bracket it, each with its inclusion proof; at the
//! ends of the list, the first or last leaf alone.
//!
//! # Example
//!
//! ```
//! use fermata_manifest::{Entry, Manifest, ScanInfo, WorkProof};
//!
//! let entry = |isrc: &str, byte: u8| Entry {
//!     isrc: isrc.into(),
//!     title: "A song".into(),
//!     path: format!("{isrc}.flac"),
//!     sha256: hex::encode([byte; 32]),
//!     clearance: vec!["lic-000001".into()],
//!     holders: vec!["indie-records".into()],
//! };
//! let scan = ScanInfo { id: "scan-000001".into(), developer: "acme-ai".into(), model: "m1".into(),
//!     use_: "train-genai".into(), territory: "DE".into(), dataset: "/data".into(), finished_at: "2026-01-01T00:00:00Z".into() };
//! let manifest = Manifest::build("manifest-000001", "2026-01-01T00:00:00Z", scan, vec![entry("GBAAA2600003", 3), entry("GBAAA2600001", 1)]);
//! let root = manifest.merkle.root.clone();
//!
//! let present = manifest.prove("GBAAA2600001")?;
//! assert!(matches!(present, WorkProof::Included { .. }));
//! present.verify(&root)?;
//! let absent = manifest.prove("GBAAA2600002")?;
//! assert!(matches!(absent, WorkProof::NotIncluded { .. }));
//! absent.verify(&root)?;
//! // A proof checked against another root fails.
//! assert!(absent.verify(&"00".repeat(32)).is_err());
//! # Ok::<(), fermata_manifest::ManifestError>(())
//! ```
#![deny(missing_docs)]

pub mod merkle;

use merkle::{leaf_hash, root_from_path, Hash, Tree};
use serde::{Deserialize, Serialize};

/// The `format` field of every manifest.
pub const MANIFEST_FORMAT: &str = "fermata-cleared-manifest";
/// The version this build writes.
pub const MANIFEST_VERSION: u32 = 1;
/// The oldest version this build reads.
pub const OLDEST_READABLE_MANIFEST_VERSION: u32 = 1;
/// The `format` field of every proof.
pub const PROOF_FORMAT: &str = "fermata-manifest-proof";

/// Everything that can go wrong reading manifests and checking proofs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The text is not a manifest or proof of this format.
    #[error("not a valid {what}: {reason}")]
    Malformed {
        /// `manifest` or `proof`.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Made by a newer fermata, or older than this one reads.
    #[error("{what} version {found} is not supported (this fermata reads {oldest} to {newest}): use a matching fermata")]
    Version {
        /// `manifest` or `proof`.
        what: &'static str,
        /// Its version.
        found: u32,
        /// Oldest readable.
        oldest: u32,
        /// Newest readable.
        newest: u32,
    },
    /// The manifest's entries do not hash to its root: it was edited.
    #[error("the manifest's entries hash to {computed}, not to its root {stated}: it was changed after it was built")]
    RootMismatch {
        /// Root in the file.
        stated: String,
        /// Root of the entries.
        computed: String,
    },
    /// A proof does not check out.
    #[error("the proof does not verify: {0}")]
    ProofInvalid(String),
    /// The ISRC asked about is not well-formed.
    #[error("'{0}' is not an ISRC (12 characters, e.g. GBAYE6900531)")]
    BadIsrc(String),
}

/// The scan a manifest comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanInfo {
    /// Scan id.
    pub id: String,
    /// The developer.
    pub developer: String,
    /// The model.
    pub model: String,
    /// The use cleared.
    #[serde(rename = "use")]
    pub use_: String,
    /// The territory cleared.
    pub territory: String,
    /// The dataset directory.
    pub dataset: String,
    /// When its verdicts were decided.
    pub finished_at: String,
}

/// One cleared (work, file) pair: one leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The work's ISRC.
    pub isrc: String,
    /// The work's title (not hashed).
    pub title: String,
    /// The file, relative to the dataset (not hashed: the content hash identifies it).
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Licence ids and `policy:HOLDER` entries that clear it, sorted.
    pub clearance: Vec<String>,
    /// The work's holders in the scanned territory (not hashed).
    pub holders: Vec<String>,
}

impl Entry {
    /// The leaf data: `ISRC|SHA256|CLEARANCE`.
    pub fn leaf_data(&self) -> String {
        leaf_data(&self.isrc, &self.sha256, &self.clearance)
    }
}

fn leaf_data(isrc: &str, sha256: &str, clearance: &[String]) -> String {
    format!("{isrc}|{sha256}|{}", clearance.join(","))
}

/// The Merkle commitment of a manifest, with how to recompute it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MerkleInfo {
    /// `sha256`.
    pub hash: String,
    /// The leaf encoding, in words.
    pub leaf: String,
    /// The node encoding, in words.
    pub node: String,
    /// Number of leaves.
    pub tree_size: u64,
    /// Hex root hash.
    pub root: String,
}

/// A cleared manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Format version.
    pub version: u32,
    /// Its id in the registry that made it.
    pub id: String,
    /// When it was built.
    pub created_at: String,
    /// The scan it lists.
    pub scan: ScanInfo,
    /// The root and how it is computed.
    pub merkle: MerkleInfo,
    /// The leaves, in tree order.
    pub entries: Vec<Entry>,
}

const LEAF_RULE: &str = "SHA-256(0x00 || UTF-8 of ISRC '|' SHA256 '|' CLEARANCE joined by ','); leaves sorted by that data";
const NODE_RULE: &str = "SHA-256(0x01 || left || right); tree shape of RFC 9162 section 2.1.1";

impl Manifest {
    /// Builds a manifest: sorts the entries into leaf order, drops exact duplicates, and
    /// computes the root.
    pub fn build(id: &str, created_at: &str, scan: ScanInfo, mut entries: Vec<Entry>) -> Manifest {
        for e in &mut entries {
            e.clearance.sort();
            e.clearance.dedup();
        }
        entries.sort_by(|a, b| a.leaf_data().cmp(&b.leaf_data()).then_with(|| a.path.cmp(&b.path)));
        entries.dedup_by(|a, b| a.leaf_data() == b.leaf_data());
        let tree = Tree::new(entries.iter().map(|e| leaf_hash(e.leaf_data().as_bytes())).collect());
        Manifest {
            format: MANIFEST_FORMAT.into(),
            version: MANIFEST_VERSION,
            id: id.into(),
            created_at: created_at.into(),
            scan,
            merkle: MerkleInfo {
                hash: "sha256".into(),
                leaf: LEAF_RULE.into(),
                node: NODE_RULE.into(),
                tree_size: tree.size(),
                root: hex::encode(tree.root()),
            },
            entries,
        }
    }

    /// Reads a manifest and checks that its entries hash to its root.
    pub fn from_json(text: &str) -> Result<Manifest, ManifestError> {
        let m: Manifest = serde_json::from_str(text)
            .map_err(|e| ManifestError::Malformed { what: "manifest", reason: e.to_string() })?;
        if m.format != MANIFEST_FORMAT {
            return Err(ManifestError::Malformed {
                what: "manifest",
                reason: format!("format is '{}', expected '{MANIFEST_FORMAT}'", m.format),
            });
        }
        if !(OLDEST_READABLE_MANIFEST_VERSION..=MANIFEST_VERSION).contains(&m.version) {
            return Err(ManifestError::Version {
                what: "manifest",
                found: m.version,
                oldest: OLDEST_READABLE_MANIFEST_VERSION,
                newest: MANIFEST_VERSION,
            });
        }
        let sorted = m.entries.windows(2).all(|w| w[0].leaf_data() < w[1].leaf_data());
        let tree = m.tree();
        let computed = hex::encode(tree.root());
        if !sorted || computed != m.merkle.root || tree.size() != m.merkle.tree_size {
            return Err(ManifestError::RootMismatch { stated: m.merkle.root.clone(), computed });
        }
        Ok(m)
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn tree(&self) -> Tree {
        Tree::new(self.entries.iter().map(|e| leaf_hash(e.leaf_data().as_bytes())).collect())
    }

    /// A proof that the work `isrc` is in the manifest (every leaf of it) or that it is not.
    pub fn prove(&self, isrc: &str) -> Result<WorkProof, ManifestError> {
        let isrc = normalise_isrc(isrc)?;
        let tree = self.tree();
        let proof_of = |i: usize| {
            let e = &self.entries[i];
            LeafProof {
                leaf_index: i as u64,
                isrc: e.isrc.clone(),
                sha256: e.sha256.clone(),
                clearance: e.clearance.clone(),
                path: tree.path(i).iter().map(hex::encode).collect(),
            }
        };
        let (root, tree_size) = (self.merkle.root.clone(), tree.size());
        let found: Vec<LeafProof> = (0..self.entries.len()).filter(|&i| self.entries[i].isrc == isrc).map(proof_of).collect();
        if !found.is_empty() {
            return Ok(WorkProof::Included { format: PROOF_FORMAT.into(), version: 1, isrc, root, tree_size, leaves: found });
        }
        let after = self.entries.partition_point(|e| e.isrc.as_str() < isrc.as_str());
        Ok(WorkProof::NotIncluded {
            format: PROOF_FORMAT.into(),
            version: 1,
            isrc,
            root,
            tree_size,
            before: after.checked_sub(1).map(proof_of),
            after: (after < self.entries.len()).then(|| proof_of(after)),
        })
    }
}

fn normalise_isrc(isrc: &str) -> Result<String, ManifestError> {
    let compact: String = isrc.trim().chars().filter(|c| *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    if compact.len() != 12 || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ManifestError::BadIsrc(isrc.into()));
    }
    Ok(compact)
}

/// One leaf with its audit path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeafProof {
    /// Its position in the sorted leaves.
    pub leaf_index: u64,
    /// The leaf's ISRC.
    pub isrc: String,
    /// The leaf's file hash.
    pub sha256: String,
    /// The leaf's clearance.
    pub clearance: Vec<String>,
    /// Hex sibling hashes from the leaf up (RFC 9162 audit path).
    pub path: Vec<String>,
}

impl LeafProof {
    fn check(&self, tree_size: u64, root: &Hash) -> Result<(), ManifestError> {
        let path: Vec<Hash> = self
            .path
            .iter()
            .map(|h| parse_hash(h))
            .collect::<Result<_, _>>()?;
        let leaf = leaf_hash(leaf_data(&self.isrc, &self.sha256, &self.clearance).as_bytes());
        match root_from_path(self.leaf_index, tree_size, leaf, &path) {
            Some(r) if &r == root => Ok(()),
            _ => Err(ManifestError::ProofInvalid(format!(
                "leaf {} ({}) does not lead to the root",
                self.leaf_index, self.isrc
            ))),
        }
    }
}

fn parse_hash(h: &str) -> Result<Hash, ManifestError> {
    let bytes = hex::decode(h).map_err(|_| ManifestError::ProofInvalid(format!("'{h}' is not a hex hash")))?;
    bytes.try_into().map_err(|_| ManifestError::ProofInvalid(format!("'{h}' is not 32 bytes")))
}

/// A proof about one work and one manifest root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum WorkProof {
    /// The work is in the manifest: each of its leaves with its path.
    Included {
        /// Always [`PROOF_FORMAT`].
        format: String,
        /// Proof format version.
        version: u32,
        /// The work.
        isrc: String,
        /// The manifest root it proves against.
        root: String,
        /// The manifest's leaf count.
        tree_size: u64,
        /// The work's leaves.
        leaves: Vec<LeafProof>,
    },
    /// The work is not in the manifest: the adjacent leaves that bracket it.
    NotIncluded {
        /// Always [`PROOF_FORMAT`].
        format: String,
        /// Proof format version.
        version: u32,
        /// The work.
        isrc: String,
        /// The manifest root it proves against.
        root: String,
        /// The manifest's leaf count.
        tree_size: u64,
        /// The last leaf before where the work would be (None at the start).
        before: Option<LeafProof>,
        /// The first leaf after it (None at the end).
        after: Option<LeafProof>,
    },
}

impl WorkProof {
    /// Reads a proof.
    pub fn from_json(text: &str) -> Result<WorkProof, ManifestError> {
        let p: WorkProof =
            serde_json::from_str(text).map_err(|e| ManifestError::Malformed { what: "proof", reason: e.to_string() })?;
        let (format, version) = match &p {
            WorkProof::Included { format, version, .. } | WorkProof::NotIncluded { format, version, .. } => (format, *version),
        };
        if format != PROOF_FORMAT {
            return Err(ManifestError::Malformed { what: "proof", reason: format!("format is '{format}', expected '{PROOF_FORMAT}'") });
        }
        if version != 1 {
            return Err(ManifestError::Version { what: "proof", found: version, oldest: 1, newest: 1 });
        }
        Ok(p)
    }

    /// The proof as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// True for a proof of inclusion.
    pub fn is_inclusion(&self) -> bool {
        matches!(self, WorkProof::Included { .. })
    }

    /// The manifest size the proof claims.
    pub fn tree_size(&self) -> u64 {
        match self {
            WorkProof::Included { tree_size, .. } | WorkProof::NotIncluded { tree_size, .. } => *tree_size,
        }
    }

    /// Checks the proof against a published tree head: the root and the number of leaves.
    pub fn verify_tree_head(&self, published_root: &str, published_size: u64) -> Result<(), ManifestError> {
        if self.tree_size() != published_size {
            return Err(ManifestError::ProofInvalid(format!(
                "the proof is for a manifest of {} leaves, the published one has {published_size}",
                self.tree_size()
            )));
        }
        self.verify(published_root)
    }

    /// The work the proof is about, as written in it.
    pub fn isrc(&self) -> &str {
        match self {
            WorkProof::Included { isrc, .. } | WorkProof::NotIncluded { isrc, .. } => isrc,
        }
    }

    /// Checks the proof against a published root and says it is about `work` (any spelling of
    /// an ISRC: hyphens and case are normalised before comparing).
    pub fn verify_for(&self, work: &str, published_root: &str) -> Result<(), ManifestError> {
        let wanted = normalise_isrc(work)?;
        if wanted != self.isrc() {
            return Err(ManifestError::ProofInvalid(format!("the proof is about {}, not {wanted}", self.isrc())));
        }
        self.verify(published_root)
    }

    /// Checks the proof against a published root (hex). Uses nothing but the proof.
    ///
    /// The proof's ISRC must be in canonical form (12 upper-case letters and digits): leaves are
    /// ordered by that form, so a non-inclusion proof about another spelling would prove nothing.
    pub fn verify(&self, published_root: &str) -> Result<(), ManifestError> {
        let root = parse_hash(published_root.trim())?;
        let canonical = |i: &str| i.len() == 12 && i.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !canonical(self.isrc()) {
            return Err(ManifestError::ProofInvalid(format!(
                "'{}' is not a canonical ISRC (12 upper-case letters and digits, no hyphens)",
                self.isrc()
            )));
        }
        match self {
            WorkProof::Included { isrc, tree_size, leaves, .. } => {
                if leaves.is_empty() {
                    return Err(ManifestError::ProofInvalid("an inclusion proof needs at least one leaf".into()));
                }
                for leaf in leaves {
                    if &leaf.isrc != isrc {
                        return Err(ManifestError::ProofInvalid(format!("leaf {} is about {}, not {isrc}", leaf.leaf_index, leaf.isrc)));
                    }
                    leaf.check(*tree_size, &root)?;
                }
                Ok(())
            }
            WorkProof::NotIncluded { isrc, tree_size, before, after, .. } => {
                if *tree_size == 0 {
                    return if root == merkle::empty_root() && before.is_none() && after.is_none() {
                        Ok(())
                    } else {
                        Err(ManifestError::ProofInvalid("the root is not that of an empty manifest".into()))
                    };
                }
                if let Some(b) = before {
                    b.check(*tree_size, &root)?;
                    if b.isrc.as_str() >= isrc.as_str() {
                        return Err(ManifestError::ProofInvalid(format!("the leaf before is {}, not below {isrc}", b.isrc)));
                    }
                }
                if let Some(a) = after {
                    a.check(*tree_size, &root)?;
                    if a.isrc.as_str() <= isrc.as_str() {
                        return Err(ManifestError::ProofInvalid(format!("the leaf after is {}, not above {isrc}", a.isrc)));
                    }
                }
                let adjacent = match (before, after) {
                    (Some(b), Some(a)) => a.leaf_index == b.leaf_index + 1,
                    (None, Some(a)) => a.leaf_index == 0,
                    (Some(b), None) => b.leaf_index + 1 == *tree_size,
                    (None, None) => false,
                };
                if adjacent {
                    Ok(())
                } else {
                    Err(ManifestError::ProofInvalid(
                        "the bracketing leaves are not adjacent (or not at the ends), so the work could lie between them".into(),
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scan() -> ScanInfo {
        ScanInfo {
            id: "scan-000001".into(),
            developer: "dev".into(),
            model: "m".into(),
            use_: "train-genai".into(),
            territory: "DE".into(),
            dataset: "/d".into(),
            finished_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn entry(n: u32) -> Entry {
        Entry {
            isrc: format!("GBAAA26{n:05}"),
            title: format!("Song {n}"),
            path: format!("f{n}.wav"),
            sha256: hex::encode(sha2::Sha256::digest(n.to_be_bytes())),
            clearance: vec!["lic-000001".into()],
            holders: vec!["label-a".into()],
        }
    }

    use sha2::Digest;

    #[test]
    fn an_edited_manifest_is_refused() {
        let m = Manifest::build("manifest-000001", "t", scan(), (0..5).map(|n| entry(n * 2)).collect());
        assert!(Manifest::from_json(&m.to_json()).is_ok());
        let mut edited = m.clone();
        edited.entries[1].clearance = vec!["lic-999999".into()];
        assert!(matches!(Manifest::from_json(&edited.to_json()), Err(ManifestError::RootMismatch { .. })));
        let mut newer = m.clone();
        newer.version = 99;
        assert!(matches!(Manifest::from_json(&newer.to_json()), Err(ManifestError::Version { .. })));
        assert!(Manifest::from_json("{").is_err());
    }

    #[test]
    fn forged_non_inclusion_proofs_fail() {
        let m = Manifest::build("manifest-000001", "t", scan(), (0..6).map(|n| entry(n * 2)).collect());
        let root = m.merkle.root.clone();
        // Claim entry 4 is absent by bracketing it with leaves 1 and 3 (not adjacent).
        let WorkProof::NotIncluded { before, .. } = m.prove("GBAAA2600003").unwrap() else { panic!() };
        let WorkProof::NotIncluded { after, .. } = m.prove("GBAAA2600005").unwrap() else { panic!() };
        let forged = WorkProof::NotIncluded {
            format: PROOF_FORMAT.into(),
            version: 1,
            isrc: "GBAAA2600004".into(),
            root: root.clone(),
            tree_size: 6,
            before,
            after,
        };
        assert!(forged.verify(&root).is_err());
        // An inclusion proof with its leaf altered fails.
        let WorkProof::Included { mut leaves, format, version, isrc, tree_size, .. } = m.prove("GBAAA2600004").unwrap() else {
            panic!()
        };
        leaves[0].clearance = vec!["lic-000002".into()];
        let altered = WorkProof::Included { format, version, isrc, root: root.clone(), tree_size, leaves };
        assert!(altered.verify(&root).is_err());
    }

    #[test]
    fn a_non_canonical_isrc_cannot_claim_absence() {
        let m = Manifest::build("manifest-000001", "t", scan(), (0..4).map(entry).collect());
        let WorkProof::NotIncluded { format, version, root, tree_size, before, after, .. } = m.prove("ZZZZZ9999999").unwrap() else {
            panic!()
        };
        for spelling in ["gbaaa2600001", "GB-AAA-26-00001"] {
            let forged = WorkProof::NotIncluded {
                format: format.clone(),
                version,
                isrc: spelling.into(),
                root: root.clone(),
                tree_size,
                before: before.clone(),
                after: after.clone(),
            };
            assert!(forged.verify(&root).is_err(), "{spelling}");
        }
        let real = m.prove("gb-aaa-26-00001").unwrap();
        real.verify_for("GBAAA2600001", &root).unwrap();
        assert!(real.verify_for("GBAAA2600002", &root).is_err());
    }

    #[test]
    fn an_empty_manifest_proves_absence() {
        let m = Manifest::build("manifest-000001", "t", scan(), vec![]);
        let p = m.prove("GBAAA2600001").unwrap();
        p.verify(&m.merkle.root).unwrap();
        assert!(WorkProof::from_json(&p.to_json()).is_ok());
    }

    proptest! {
        #[test]
        fn every_work_gets_a_proof_that_verifies(present in proptest::collection::btree_set(0u32..60, 0..25), probe in 0u32..61) {
            let m = Manifest::build("manifest-000001", "t", scan(), present.iter().map(|&n| entry(n)).collect());
            let proof = m.prove(&format!("GBAAA26{probe:05}")).unwrap();
            prop_assert_eq!(proof.is_inclusion(), present.contains(&probe));
            let reread = WorkProof::from_json(&proof.to_json()).unwrap();
            prop_assert!(reread.verify(&m.merkle.root).is_ok());
        }
    }
}
