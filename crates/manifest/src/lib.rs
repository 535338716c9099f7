//! fermata's cleared-data manifest and its proofs.
//!
//! A manifest lists the files of a scanned dataset that are cleared for one developer, model,
//! use and territory: for each work found in each cleared file, one entry (ISRC, the file's
//! SHA-256, the licences or policies that clear it, the work's holders, the file's path and the
//! work's title). One published root commits to all of it: the developer publishes that hash;
//! anyone holding a proof can then check that a work is in the cleared set, or that it is not,
//! and for which developer, model, use and territory, without the manifest or fermata's
//! database.
//!
//! # Encoding (format version 3)
//!
//! Every field is encoded without separators that could be confused with its contents:
//!
//! ```text
//! u64(n)      = n as 8 bytes, big-endian
//! str(s)      = u64(number of UTF-8 bytes of s) || UTF-8 bytes of s
//! list(xs)    = u64(number of items) || str(x) for each item, in the order written
//!
//! leaf data   = str(isrc) || str(sha256) || list(clearance) || list(holders) || str(path) || str(title)
//! leaf hash   = SHA-256(0x00 || leaf data)
//! leaf range  = (isrc, isrc)
//! node hash   = SHA-256(0x04 || left || right
//!                       || str(left.min) || str(left.max) || str(right.min) || str(right.max))
//! node range  = (left.min, right.max); a node is valid only when
//!               left.min <= left.max <= right.min <= right.max     (byte order)
//! tree root   = root of the tree over the leaves in leaf order, RFC 9162 §2.1.1 shape
//!               (SHA-256 of no bytes if empty)
//!
//! header data = str("fermata-cleared-manifest") || u64(version)
//!               || str(id) || str(created_at)
//!               || str(scan.id) || str(scan.developer) || str(scan.model) || str(scan.use)
//!               || str(scan.territory) || str(scan.dataset) || str(scan.finished_at)
//!               || str(declared root)
//! declared root = hex SHA-256(0x05 || u64(number of declared files)
//!               || str(path) || str(sha256) || str(source) || str(reference) for each, in path order)
//! header hash = SHA-256(0x02 || header data)
//! root        = SHA-256(0x03 || header hash || u64(tree size) || tree root)
//! ```
//!
//! `root` is the published root (`merkle.root`); `merkle.tree_root` is the tree's. The one-byte
//! prefixes keep leaves (0x00), version 2 nodes (0x01), headers (0x02), roots (0x03), version
//! 3 nodes (0x04) and declared-file lists (0x05) apart. The header is a fixed sequence of length-prefixed fields after the
//! format name and version: a later version adds its fields at the end (and says so by its
//! version number), so the fields before keep their bytes. Entries, hence leaves, are sorted by
//! ISRC, then by leaf data (byte order), with no two alike; every ISRC is canonical (12
//! upper-case letters and digits), so the order is the ISRCs' first. Reading a version 2 or 3
//! manifest recomputes every hash and refuses it, naming the part, when anything differs.
//!
//! Each node commits to the ISRC range of both its children, so the tree itself commits to the
//! order of its leaves: a path whose nodes are out of order does not verify. An audit path's
//! entries are `{hash, min, max}`: the sibling's hash and range. The verifier recomputes every
//! node's hash and range up to the tree root and checks the order at each.
//!
//! The declared files are the files of the dataset no registered work was found in whose source
//! the developer declared (`own-recording`, `licensed-elsewhere` with a reference,
//! `public-domain`, `generated` by a named model): a category of their own, listed in
//! `declared` sorted by path (one per path), and not leaves: nothing about them is cleared. The
//! header commits to them through the declared root, which a proof carries in its header
//! (`declared_root`) and the manifest in `merkle.declared_root`.
//!
//! An inclusion proof gives each leaf of the work (its whole entry) with its audit path (RFC 9162
//! §2.1.3) to the tree root, and carries the header and the tree root, from which the verifier
//! recomputes the published root. A proof that a work is absent gives the two adjacent leaves
//! whose ISRCs bracket it, each with its audit path; at the ends of the list, the first or last
//! leaf alone. Because every node on a path commits to its children's ranges, the proof alone is
//! sound: no inclusion proof of the work can verify under the same root (docs/manifest.md has
//! the argument). A non-inclusion proof shows its two neighbouring entries in full.
//!
//! # Version 2
//!
//! Version 2 manifests and proofs are still read and verified. They differ only in the nodes:
//! `SHA-256(0x01 || left || right)`, no ranges, and an audit path is a list of hex hashes; the
//! header data has `u64(2)` and ends at `str(scan.finished_at)`: no declared files. A version 2 non-inclusion proof is sound only if the builder sorted
//! the leaves, which nothing in the proof shows.
//!
//! # Version 1
//!
//! Version 1 manifests and proofs are still read and verified. They committed to less: the leaf
//! data was `ISRC "|" SHA256 "|" CLEARANCE` (clearance joined by `,`), sorted by that data, the
//! nodes were version 2's, and the published root was the tree root itself; the header and each entry's path, title and
//! holders were not hashed. A version 1 proof can only verify against a version 1 root.
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
//! // The proof says whose manifest it is about, and that is proved too.
//! assert_eq!(present.manifest_header().map(|h| h.scan.developer.as_str()), Some("acme-ai"));
//! let absent = manifest.prove("GBAAA2600002")?;
//! assert!(matches!(absent, WorkProof::NotIncluded { .. }));
//! absent.verify(&root)?;
//! // A proof checked against another root fails.
//! assert!(absent.verify(&"00".repeat(32)).is_err());
//! # Ok::<(), fermata_manifest::ManifestError>(())
//! ```
#![deny(missing_docs)]

pub mod merkle;

use merkle::{
    Hash, RangeNode, RangePathError, RangeTree, Tree, empty_root, leaf_hash, range_root_from_path,
    root_from_path,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `format` field of every manifest.
pub const MANIFEST_FORMAT: &str = "fermata-cleared-manifest";
/// The version this build writes.
pub const MANIFEST_VERSION: u32 = 3;
/// The oldest version this build reads.
pub const OLDEST_READABLE_MANIFEST_VERSION: u32 = 1;
/// The `format` field of every proof.
pub const PROOF_FORMAT: &str = "fermata-manifest-proof";
/// The proof version this build writes (for a manifest of [`MANIFEST_VERSION`]).
pub const PROOF_VERSION: u32 = 3;
/// The oldest proof version this build reads.
pub const OLDEST_READABLE_PROOF_VERSION: u32 = 1;

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
    #[error(
        "{what} version {found} is not supported (this fermata reads {oldest} to {newest}): use a matching fermata"
    )]
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
    /// A version 1 manifest's entries do not hash to its root: it was edited.
    #[error(
        "the manifest's entries hash to {computed}, not to its root {stated}: it was changed after it was built"
    )]
    RootMismatch {
        /// Root in the file.
        stated: String,
        /// Root of the entries.
        computed: String,
    },
    /// A part of a version 2 or 3 manifest disagrees with its hashes: it was edited.
    #[error("the manifest's {part} {problem}: it was changed after it was built")]
    Changed {
        /// Which part disagrees: `entries`, `declared files`, `tree size`, `header (id,
        /// created_at, scan)` or `merkle description`.
        part: &'static str,
        /// How.
        problem: String,
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

/// Everything a manifest says besides its entries and hashes: the header its root commits to,
/// as a version 2 or 3 proof carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestHeader {
    /// The manifest's id.
    pub id: String,
    /// When it was built.
    pub created_at: String,
    /// The scan it lists.
    pub scan: ScanInfo,
    /// Hex root of the declared files (version 3; absent in versions 1 and 2): see
    /// [`declared_root`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_root: Option<String>,
}

impl ManifestHeader {
    /// The header data of the current version, [`MANIFEST_VERSION`]: see [`Self::data_of`].
    pub fn data(&self) -> Vec<u8> {
        self.data_of(MANIFEST_VERSION)
    }

    /// The header data of a version 2 or 3 manifest: `str(format) || u64(version) || str(id) ||
    /// str(created_at) || str(scan.id) || str(developer) || str(model) || str(use) ||
    /// str(territory) || str(dataset) || str(finished_at)`, and from version 3
    /// `|| str(declared root)` (empty when the header has none, which no version 3 proof
    /// verifies with). Fields a later version adds go at the end, after these, each
    /// length-prefixed.
    pub fn data_of(&self, version: u32) -> Vec<u8> {
        let s = &self.scan;
        let mut out = Vec::new();
        put_str(&mut out, MANIFEST_FORMAT);
        put_u64(&mut out, version.into());
        for field in [
            &self.id,
            &self.created_at,
            &s.id,
            &s.developer,
            &s.model,
            &s.use_,
            &s.territory,
            &s.dataset,
            &s.finished_at,
        ] {
            put_str(&mut out, field);
        }
        if version >= 3 {
            put_str(&mut out, self.declared_root.as_deref().unwrap_or_default());
        }
        out
    }

    /// SHA-256(0x02 || header data), of the current version.
    pub fn hash(&self) -> Hash {
        self.hash_of(MANIFEST_VERSION)
    }

    /// SHA-256(0x02 || header data of `version`).
    pub fn hash_of(&self, version: u32) -> Hash {
        let mut h = Sha256::new();
        h.update([2u8]);
        h.update(self.data_of(version));
        h.finalize().into()
    }
}

/// The published root of a manifest of the current version: see [`published_root_of`].
pub fn published_root(header: &ManifestHeader, tree_size: u64, tree_root: &Hash) -> Hash {
    published_root_of(MANIFEST_VERSION, header, tree_size, tree_root)
}

/// The published root of a version 2 or 3 manifest: SHA-256(0x03 || header hash ||
/// u64(tree size) || tree root), the header hashed with its version.
pub fn published_root_of(
    version: u32,
    header: &ManifestHeader,
    tree_size: u64,
    tree_root: &Hash,
) -> Hash {
    let mut h = Sha256::new();
    h.update([3u8]);
    h.update(header.hash_of(version));
    h.update(tree_size.to_be_bytes());
    h.update(tree_root);
    h.finalize().into()
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_be_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    put_u64(out, items.len() as u64);
    for item in items {
        put_str(out, item);
    }
}

/// One cleared (work, file) pair: one leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The work's ISRC.
    pub isrc: String,
    /// The work's title.
    pub title: String,
    /// The file, relative to the dataset.
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Licence ids and `policy:HOLDER` entries that clear it, sorted.
    pub clearance: Vec<String>,
    /// The work's holders in the scanned territory.
    pub holders: Vec<String>,
}

impl Entry {
    /// The leaf data of versions 2 and 3: `str(isrc) || str(sha256) || list(clearance) || list(holders) ||
    /// str(path) || str(title)`.
    pub fn leaf_data(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_str(&mut out, &self.isrc);
        put_str(&mut out, &self.sha256);
        put_list(&mut out, &self.clearance);
        put_list(&mut out, &self.holders);
        put_str(&mut out, &self.path);
        put_str(&mut out, &self.title);
        out
    }

    /// The version 1 leaf data: `ISRC|SHA256|CLEARANCE`.
    pub fn leaf_data_v1(&self) -> String {
        leaf_data_v1(&self.isrc, &self.sha256, &self.clearance)
    }

    /// The leaf order of versions 2 and 3: by ISRC, then by leaf data.
    fn order(&self, other: &Entry) -> std::cmp::Ordering {
        self.isrc
            .cmp(&other.isrc)
            .then_with(|| self.leaf_data().cmp(&other.leaf_data()))
    }
}

/// A file no registered work was found in, whose source the developer declared: listed in a
/// version 3 manifest as a category of its own, not a leaf and not cleared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Declared {
    /// The file, relative to the dataset.
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// `own-recording`, `licensed-elsewhere`, `public-domain` or `generated`.
    pub source: String,
    /// The licence reference or the generating model; empty when none.
    pub reference: String,
}

/// The declared root of declared files in path order: hex SHA-256(0x05 || u64(count) ||
/// str(path) || str(sha256) || str(source) || str(reference) for each).
pub fn declared_root(declared: &[Declared]) -> String {
    let mut out = vec![5u8];
    put_u64(&mut out, declared.len() as u64);
    for d in declared {
        for field in [&d.path, &d.sha256, &d.source, &d.reference] {
            put_str(&mut out, field);
        }
    }
    hex::encode(Sha256::digest(&out))
}

fn leaf_data_v1(isrc: &str, sha256: &str, clearance: &[String]) -> String {
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
    /// The header encoding, in words (versions 2 and 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// How the published root is made, in words (versions 2 and 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    /// The declared-file list's encoding, in words (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    /// Hex root of the declared files, which the header commits to (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_root: Option<String>,
    /// Number of leaves.
    pub tree_size: u64,
    /// Hex root of the tree over the leaves (versions 2 and 3; in version 1 it is the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree_root: Option<String>,
    /// Hex published root: what the developer publishes and proofs verify against.
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
    /// The files whose source the developer declared, by path (version 3): not leaves, not
    /// cleared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declared: Vec<Declared>,
}

const LEAF_RULE: &str = "SHA-256(0x00 || str(isrc) || str(sha256) || list(clearance) || list(holders) || str(path) || str(title)), \
    where str(s) = 8-byte big-endian length || UTF-8 bytes and list(xs) = 8-byte big-endian count || str of each; \
    leaves sorted by ISRC, then by that data";
const NODE_RULE: &str = "SHA-256(0x01 || left || right); tree shape of RFC 9162 section 2.1.1";
const NODE_RULE_V3: &str = "SHA-256(0x04 || left || right || str(left.min) || str(left.max) || str(right.min) || str(right.max)), \
    where a leaf's min and max are its ISRC and a node's min is its left child's min and its max its right child's max; \
    valid only when left.min <= left.max <= right.min <= right.max (byte order); tree shape of RFC 9162 section 2.1.1";
const HEADER_RULE: &str = "SHA-256(0x02 || str(format) || 8-byte big-endian version || str(id) || str(created_at) || str(scan.id) || \
    str(scan.developer) || str(scan.model) || str(scan.use) || str(scan.territory) || str(scan.dataset) || str(scan.finished_at))";
const HEADER_RULE_V3: &str = "SHA-256(0x02 || str(format) || 8-byte big-endian version || str(id) || str(created_at) || str(scan.id) || \
    str(scan.developer) || str(scan.model) || str(scan.use) || str(scan.territory) || str(scan.dataset) || str(scan.finished_at) || \
    str(declared_root))";
const DECLARED_RULE: &str = "declared_root = hex SHA-256(0x05 || 8-byte big-endian count || str(path) || str(sha256) || str(source) || str(reference) for each declared file), \
    declared files sorted by path, one per path";
const COMMITMENT_RULE: &str =
    "root = SHA-256(0x03 || header hash || 8-byte big-endian tree_size || tree_root)";

/// True for a canonical ISRC: 12 upper-case letters and digits.
fn canonical_isrc(isrc: &str) -> bool {
    isrc.len() == 12
        && isrc
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl Manifest {
    /// Builds a manifest of the current version ([`MANIFEST_VERSION`]): sorts the entries into
    /// leaf order, drops exact duplicates, and computes the tree root and the published root.
    /// The entries' ISRCs must be canonical (12 upper-case letters and digits) for the manifest
    /// to read back.
    pub fn build(id: &str, created_at: &str, scan: ScanInfo, entries: Vec<Entry>) -> Manifest {
        Self::build_declared(id, created_at, scan, entries, Vec::new())
    }

    /// [`Manifest::build`] with the files whose source the developer declared: sorted by path,
    /// one per path (the first of each in that order), listed apart from the entries.
    pub fn build_declared(
        id: &str,
        created_at: &str,
        scan: ScanInfo,
        entries: Vec<Entry>,
        declared: Vec<Declared>,
    ) -> Manifest {
        Self::build_version_declared(MANIFEST_VERSION, id, created_at, scan, entries, declared)
            .unwrap_or_else(|_| unreachable!("this build writes its own version"))
    }

    /// Builds a manifest as version 2 or 3 wrote it (for tests and for readers of older
    /// manifests; new manifests are [`Manifest::build`]'s).
    pub fn build_version(
        version: u32,
        id: &str,
        created_at: &str,
        scan: ScanInfo,
        entries: Vec<Entry>,
    ) -> Result<Manifest, ManifestError> {
        Self::build_version_declared(version, id, created_at, scan, entries, Vec::new())
    }

    /// [`Manifest::build_version`] with declared files, which version 3 lists and version 2
    /// cannot (a version 2 manifest with declared files is refused).
    pub fn build_version_declared(
        version: u32,
        id: &str,
        created_at: &str,
        scan: ScanInfo,
        mut entries: Vec<Entry>,
        mut declared: Vec<Declared>,
    ) -> Result<Manifest, ManifestError> {
        if version == 2 && !declared.is_empty() {
            return Err(ManifestError::Malformed {
                what: "manifest",
                reason: "a version 2 manifest lists no declared files".into(),
            });
        }
        if !(2..=MANIFEST_VERSION).contains(&version) {
            return Err(ManifestError::Version {
                what: "manifest",
                found: version,
                oldest: 2,
                newest: MANIFEST_VERSION,
            });
        }
        for e in &mut entries {
            e.clearance.sort();
            e.clearance.dedup();
        }
        entries.sort_by_cached_key(|e| (e.isrc.clone(), e.leaf_data()));
        entries.dedup();
        declared.sort();
        declared.dedup_by(|later, first| later.path == first.path);
        let declared_root = (version >= 3).then(|| declared_root(&declared));
        let header = ManifestHeader {
            id: id.into(),
            created_at: created_at.into(),
            scan,
            declared_root: declared_root.clone(),
        };
        let mut m = Manifest {
            format: MANIFEST_FORMAT.into(),
            version,
            id: header.id.clone(),
            created_at: header.created_at.clone(),
            scan: header.scan.clone(),
            merkle: MerkleInfo {
                hash: "sha256".into(),
                leaf: LEAF_RULE.into(),
                node: if version == 2 {
                    NODE_RULE
                } else {
                    NODE_RULE_V3
                }
                .into(),
                header: Some(
                    if version == 2 {
                        HEADER_RULE
                    } else {
                        HEADER_RULE_V3
                    }
                    .into(),
                ),
                commitment: Some(COMMITMENT_RULE.into()),
                declared: (version >= 3).then(|| DECLARED_RULE.into()),
                declared_root,
                tree_size: 0,
                tree_root: None,
                root: String::new(),
            },
            entries,
            declared,
        };
        let (size, tree_root) = m.tree().head();
        m.merkle.tree_size = size;
        m.merkle.tree_root = Some(hex::encode(tree_root));
        m.merkle.root = hex::encode(published_root_of(version, &header, size, &tree_root));
        Ok(m)
    }

    /// The header the published root commits to, besides the tree: from version 3 with the
    /// root of the declared files as listed.
    pub fn header(&self) -> ManifestHeader {
        ManifestHeader {
            id: self.id.clone(),
            created_at: self.created_at.clone(),
            scan: self.scan.clone(),
            declared_root: (self.version >= 3).then(|| declared_root(&self.declared)),
        }
    }

    /// Reads a manifest and checks that it hashes to its root: for versions 2 and 3, every field.
    pub fn from_json(text: &str) -> Result<Manifest, ManifestError> {
        let m: Manifest = serde_json::from_str(text).map_err(|e| ManifestError::Malformed {
            what: "manifest",
            reason: e.to_string(),
        })?;
        if m.format != MANIFEST_FORMAT {
            return Err(ManifestError::Malformed {
                what: "manifest",
                reason: format!("format is '{}', expected '{MANIFEST_FORMAT}'", m.format),
            });
        }
        match m.version {
            1 => m.check_v1()?,
            2 | 3 => m.check_v2_or_v3()?,
            found => {
                return Err(ManifestError::Version {
                    what: "manifest",
                    found,
                    oldest: OLDEST_READABLE_MANIFEST_VERSION,
                    newest: MANIFEST_VERSION,
                });
            }
        }
        Ok(m)
    }

    fn check_v1(&self) -> Result<(), ManifestError> {
        let g = &self.merkle;
        if g.header.is_some()
            || g.commitment.is_some()
            || g.tree_root.is_some()
            || g.declared.is_some()
            || g.declared_root.is_some()
            || !self.declared.is_empty()
        {
            return Err(ManifestError::Malformed {
                what: "manifest",
                reason: "a version 1 manifest has no merkle.header, merkle.commitment, merkle.tree_root or declared files".into(),
            });
        }
        let sorted = self
            .entries
            .windows(2)
            .all(|w| w[0].leaf_data_v1() < w[1].leaf_data_v1());
        let (size, root) = self.tree().head();
        let computed = hex::encode(root);
        if !sorted || computed != g.root || size != g.tree_size {
            return Err(ManifestError::RootMismatch {
                stated: g.root.clone(),
                computed,
            });
        }
        Ok(())
    }

    fn check_v2_or_v3(&self) -> Result<(), ManifestError> {
        let g = &self.merkle;
        let changed =
            |part: &'static str, problem: String| Err(ManifestError::Changed { part, problem });
        let v2 = self.version == 2;
        let (node_rule, header_rule, declared_rule) = if v2 {
            (NODE_RULE, HEADER_RULE, None)
        } else {
            (NODE_RULE_V3, HEADER_RULE_V3, Some(DECLARED_RULE))
        };
        let described = g.hash == "sha256"
            && g.leaf == LEAF_RULE
            && g.node == node_rule
            && g.header.as_deref() == Some(header_rule)
            && g.declared.as_deref() == declared_rule
            && g.commitment.as_deref() == Some(COMMITMENT_RULE);
        if !described {
            return changed(
                "merkle description",
                format!("is not the one version {} writes", self.version),
            );
        }
        if let Some((i, e)) = self
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| !canonical_isrc(&e.isrc))
        {
            return changed(
                "entries",
                format!(
                    "include entry {i}, whose ISRC '{}' is not canonical",
                    e.isrc
                ),
            );
        }
        if let Some(i) = self
            .entries
            .windows(2)
            .position(|w| w[0].order(&w[1]) != std::cmp::Ordering::Less)
        {
            return changed(
                "entries",
                format!("are not in leaf order, or repeat one, at entry {}", i + 1),
            );
        }
        if v2 && (g.declared_root.is_some() || !self.declared.is_empty()) {
            return changed(
                "declared files",
                "are listed, which version 2 cannot".into(),
            );
        }
        if let Some(i) = self
            .declared
            .windows(2)
            .position(|w| w[0].path >= w[1].path)
        {
            return changed(
                "declared files",
                format!("are not sorted by path, or repeat one, at file {}", i + 1),
            );
        }
        let header = self.header();
        if header.declared_root != g.declared_root {
            return changed(
                "declared files",
                format!(
                    "hash to {}, not to the stated declared root {}",
                    header.declared_root.as_deref().unwrap_or("(none)"),
                    g.declared_root.as_deref().unwrap_or("(none)")
                ),
            );
        }
        let (size, root) = self.tree().head();
        if size != g.tree_size {
            return changed(
                "tree size",
                format!("is {}, but there are {size} entries", g.tree_size),
            );
        }
        let tree_root = hex::encode(root);
        if g.tree_root.as_deref() != Some(tree_root.as_str()) {
            return changed(
                "entries",
                format!(
                    "hash to the tree root {tree_root}, not to {}",
                    g.tree_root.as_deref().unwrap_or("(none)")
                ),
            );
        }
        let root = hex::encode(published_root_of(self.version, &header, size, &root));
        if root != g.root {
            return changed(
                "header (id, created_at, scan)",
                format!(
                    "with its tree root and size gives the root {root}, not the stated {}",
                    g.root
                ),
            );
        }
        Ok(())
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn tree(&self) -> Trees {
        match self.version {
            1 => Trees::Plain(Tree::new(
                self.entries
                    .iter()
                    .map(|e| leaf_hash(e.leaf_data_v1().as_bytes()))
                    .collect(),
            )),
            2 => Trees::Plain(Tree::new(
                self.entries
                    .iter()
                    .map(|e| leaf_hash(&e.leaf_data()))
                    .collect(),
            )),
            _ => Trees::Ranged(RangeTree::new(
                self.entries
                    .iter()
                    .map(|e| RangeNode::leaf(leaf_hash(&e.leaf_data()), &e.isrc))
                    .collect(),
            )),
        }
    }

    /// A proof that the work `isrc` is in the manifest (every leaf of it) or that it is not,
    /// of the manifest's version.
    pub fn prove(&self, isrc: &str) -> Result<WorkProof, ManifestError> {
        let isrc = normalise_isrc(isrc)?;
        let tree = self.tree();
        let v1 = self.version == 1;
        let (tree_size, tree_root) = tree.head();
        let proof_of = |i: usize| {
            let e = &self.entries[i];
            LeafProof {
                leaf_index: i as u64,
                leaf: if v1 {
                    ProvedLeaf::V1 {
                        isrc: e.isrc.clone(),
                        sha256: e.sha256.clone(),
                        clearance: e.clearance.clone(),
                    }
                } else {
                    ProvedLeaf::Entry { entry: e.clone() }
                },
                path: tree.path(i),
            }
        };
        let root = self.merkle.root.clone();
        let version = self.version;
        let (manifest, tree_root) = if v1 {
            (None, None)
        } else {
            (Some(self.header()), Some(hex::encode(tree_root)))
        };
        let format = PROOF_FORMAT.to_string();
        let found: Vec<LeafProof> = (0..self.entries.len())
            .filter(|&i| self.entries[i].isrc == isrc)
            .map(proof_of)
            .collect();
        if !found.is_empty() {
            return Ok(WorkProof::Included {
                format,
                version,
                isrc,
                root,
                tree_size,
                manifest,
                tree_root,
                leaves: found,
            });
        }
        let after = self
            .entries
            .partition_point(|e| e.isrc.as_str() < isrc.as_str());
        Ok(WorkProof::NotIncluded {
            format,
            version,
            isrc,
            root,
            tree_size,
            manifest,
            tree_root,
            before: after.checked_sub(1).map(|i| Box::new(proof_of(i))),
            after: (after < self.entries.len()).then(|| Box::new(proof_of(after))),
        })
    }
}

/// A manifest's tree: RFC 9162's (versions 1 and 2) or range-committed (version 3).
enum Trees {
    Plain(Tree),
    Ranged(RangeTree),
}

impl Trees {
    /// The tree size and root.
    fn head(&self) -> (u64, Hash) {
        match self {
            Trees::Plain(t) => (t.size(), t.root()),
            Trees::Ranged(t) => (t.size(), t.root()),
        }
    }

    /// The audit path of leaf `i`, as a proof writes it.
    fn path(&self, i: usize) -> Vec<Sibling> {
        match self {
            Trees::Plain(t) => t
                .path(i)
                .iter()
                .map(|h| Sibling::Hash(hex::encode(h)))
                .collect(),
            Trees::Ranged(t) => t.path(i).into_iter().map(Sibling::from).collect(),
        }
    }
}

fn normalise_isrc(isrc: &str) -> Result<String, ManifestError> {
    let compact: String = isrc
        .trim()
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() != 12 || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ManifestError::BadIsrc(isrc.into()));
    }
    Ok(compact)
}

/// One step of an audit path: the sibling of the node reached so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Sibling {
    /// Versions 1 and 2: the sibling's hash (hex).
    Hash(String),
    /// Version 3: the sibling's hash (hex) and the ISRCs it spans.
    Ranged {
        /// Hex hash.
        hash: String,
        /// The smallest ISRC under the sibling.
        min: String,
        /// The largest ISRC under the sibling.
        max: String,
    },
}

impl From<RangeNode> for Sibling {
    fn from(n: RangeNode) -> Sibling {
        Sibling::Ranged {
            hash: hex::encode(n.hash),
            min: n.min,
            max: n.max,
        }
    }
}

/// What a proof says a leaf is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProvedLeaf {
    /// Versions 2 and 3: the manifest entry, every field of which the leaf commits to.
    Entry {
        /// The entry, as in the manifest.
        entry: Entry,
    },
    /// Version 1: the three fields the leaf commits to.
    V1 {
        /// The leaf's ISRC.
        isrc: String,
        /// The leaf's file hash.
        sha256: String,
        /// The leaf's clearance.
        clearance: Vec<String>,
    },
}

/// One leaf with its audit path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeafProof {
    /// Its position in the sorted leaves.
    pub leaf_index: u64,
    /// The leaf.
    #[serde(flatten)]
    pub leaf: ProvedLeaf,
    /// The siblings from the leaf up (RFC 9162 audit path): hex hashes (versions 1 and 2), or
    /// hashes with their ISRC ranges (version 3).
    pub path: Vec<Sibling>,
}

impl LeafProof {
    /// The leaf's ISRC.
    pub fn isrc(&self) -> &str {
        match &self.leaf {
            ProvedLeaf::Entry { entry } => &entry.isrc,
            ProvedLeaf::V1 { isrc, .. } => isrc,
        }
    }

    fn check(&self, version: u32, tree_size: u64, tree_root: &Hash) -> Result<(), ManifestError> {
        let miswritten = || {
            ManifestError::ProofInvalid(format!(
                "leaf {} is not written as a version {version} proof's leaves are",
                self.leaf_index
            ))
        };
        let leaf = match (&self.leaf, version) {
            (
                ProvedLeaf::V1 {
                    isrc,
                    sha256,
                    clearance,
                },
                1,
            ) => leaf_hash(leaf_data_v1(isrc, sha256, clearance).as_bytes()),
            (ProvedLeaf::Entry { entry }, 2 | 3) => leaf_hash(&entry.leaf_data()),
            _ => return Err(miswritten()),
        };
        let computed = if version == 3 {
            let path: Vec<RangeNode> = self
                .path
                .iter()
                .map(|s| match s {
                    Sibling::Ranged { hash, min, max } => Ok(RangeNode {
                        hash: parse_hash(hash)?,
                        min: min.clone(),
                        max: max.clone(),
                    }),
                    Sibling::Hash(_) => Err(miswritten()),
                })
                .collect::<Result<_, _>>()?;
            let leaf = RangeNode::leaf(leaf, self.isrc());
            match range_root_from_path(self.leaf_index, tree_size, leaf, &path) {
                Ok(top) => Some(top.hash),
                Err(RangePathError::Order) => {
                    return Err(ManifestError::ProofInvalid(format!(
                        "the path of leaf {} ({}) has a node whose children's ISRC ranges are out of order: the leaves are not sorted",
                        self.leaf_index,
                        self.isrc()
                    )));
                }
                Err(RangePathError::Shape) => None,
            }
        } else {
            let path: Vec<Hash> = self
                .path
                .iter()
                .map(|s| match s {
                    Sibling::Hash(h) => parse_hash(h),
                    Sibling::Ranged { .. } => Err(miswritten()),
                })
                .collect::<Result<_, _>>()?;
            root_from_path(self.leaf_index, tree_size, leaf, &path)
        };
        match computed {
            Some(r) if &r == tree_root => Ok(()),
            _ => Err(ManifestError::ProofInvalid(format!(
                "leaf {} ({}) does not lead to the {}",
                self.leaf_index,
                self.isrc(),
                if version == 1 { "root" } else { "tree root" }
            ))),
        }
    }
}

fn parse_hash(h: &str) -> Result<Hash, ManifestError> {
    let bytes = hex::decode(h)
        .map_err(|_| ManifestError::ProofInvalid(format!("'{h}' is not a hex hash")))?;
    bytes
        .try_into()
        .map_err(|_| ManifestError::ProofInvalid(format!("'{h}' is not 32 bytes")))
}

/// A proof about one work and one manifest root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum WorkProof {
    /// The work is in the manifest: each of its leaves with its path.
    Included {
        /// Always [`PROOF_FORMAT`].
        format: String,
        /// Proof format version: that of the manifest.
        version: u32,
        /// The work.
        isrc: String,
        /// The manifest's published root it proves against.
        root: String,
        /// The manifest's leaf count.
        tree_size: u64,
        /// The manifest's header (versions 2 and 3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manifest: Option<ManifestHeader>,
        /// The root of the manifest's tree (versions 2 and 3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tree_root: Option<String>,
        /// The work's leaves.
        leaves: Vec<LeafProof>,
    },
    /// The work is not in the manifest: the adjacent leaves that bracket it.
    NotIncluded {
        /// Always [`PROOF_FORMAT`].
        format: String,
        /// Proof format version: that of the manifest.
        version: u32,
        /// The work.
        isrc: String,
        /// The manifest's published root it proves against.
        root: String,
        /// The manifest's leaf count.
        tree_size: u64,
        /// The manifest's header (versions 2 and 3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manifest: Option<ManifestHeader>,
        /// The root of the manifest's tree (versions 2 and 3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tree_root: Option<String>,
        /// The last leaf before where the work would be (None at the start).
        before: Option<Box<LeafProof>>,
        /// The first leaf after it (None at the end).
        after: Option<Box<LeafProof>>,
    },
}

impl WorkProof {
    /// Reads a proof.
    pub fn from_json(text: &str) -> Result<WorkProof, ManifestError> {
        let p: WorkProof = serde_json::from_str(text).map_err(|e| ManifestError::Malformed {
            what: "proof",
            reason: e.to_string(),
        })?;
        let format = match &p {
            WorkProof::Included { format, .. } | WorkProof::NotIncluded { format, .. } => format,
        };
        if format != PROOF_FORMAT {
            return Err(ManifestError::Malformed {
                what: "proof",
                reason: format!("format is '{format}', expected '{PROOF_FORMAT}'"),
            });
        }
        let version = p.version();
        if !(OLDEST_READABLE_PROOF_VERSION..=PROOF_VERSION).contains(&version) {
            return Err(ManifestError::Version {
                what: "proof",
                found: version,
                oldest: OLDEST_READABLE_PROOF_VERSION,
                newest: PROOF_VERSION,
            });
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

    /// The proof's format version.
    pub fn version(&self) -> u32 {
        match self {
            WorkProof::Included { version, .. } | WorkProof::NotIncluded { version, .. } => {
                *version
            }
        }
    }

    /// The manifest size the proof claims.
    pub fn tree_size(&self) -> u64 {
        match self {
            WorkProof::Included { tree_size, .. } | WorkProof::NotIncluded { tree_size, .. } => {
                *tree_size
            }
        }
    }

    /// The manifest header a version 2 or 3 proof carries (id, created_at, and the scan: developer,
    /// model, use, territory...). Proved only once [`WorkProof::verify`] succeeds.
    pub fn manifest_header(&self) -> Option<&ManifestHeader> {
        match self {
            WorkProof::Included { manifest, .. } | WorkProof::NotIncluded { manifest, .. } => {
                manifest.as_ref()
            }
        }
    }

    /// Checks the proof against a published tree head: the root and the number of leaves.
    pub fn verify_tree_head(
        &self,
        published_root: &str,
        published_size: u64,
    ) -> Result<(), ManifestError> {
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
            return Err(ManifestError::ProofInvalid(format!(
                "the proof is about {}, not {wanted}",
                self.isrc()
            )));
        }
        self.verify(published_root)
    }

    /// The tree root the leaves must lead to: for versions 2 and 3, the proof's tree root once the
    /// header, tree size and tree root are checked to give the published root; for version 1,
    /// the published root itself.
    fn tree_root(&self, published: &Hash) -> Result<Hash, ManifestError> {
        let (manifest, tree_root) = match self {
            WorkProof::Included {
                manifest,
                tree_root,
                ..
            }
            | WorkProof::NotIncluded {
                manifest,
                tree_root,
                ..
            } => (manifest, tree_root),
        };
        match (self.version(), manifest, tree_root) {
            (1, None, None) => Ok(*published),
            (1, _, _) => Err(ManifestError::ProofInvalid(
                "a version 1 proof carries no manifest header or tree root".into(),
            )),
            (
                3,
                Some(ManifestHeader {
                    declared_root: None,
                    ..
                }),
                _,
            ) => Err(ManifestError::ProofInvalid(
                "a version 3 proof's header needs the declared root".into(),
            )),
            (2 | 3, Some(header), Some(tree_root)) => {
                let tree_root = parse_hash(tree_root)?;
                let computed =
                    published_root_of(self.version(), header, self.tree_size(), &tree_root);
                if &computed != published {
                    return Err(ManifestError::ProofInvalid(format!(
                        "the manifest header, tree size and tree root give the root {}, not the published {}",
                        hex::encode(computed),
                        hex::encode(published)
                    )));
                }
                Ok(tree_root)
            }
            (2 | 3, _, _) => Err(ManifestError::ProofInvalid(format!(
                "a version {} proof needs the manifest header and the tree root",
                self.version()
            ))),
            (found, _, _) => Err(ManifestError::Version {
                what: "proof",
                found,
                oldest: OLDEST_READABLE_PROOF_VERSION,
                newest: PROOF_VERSION,
            }),
        }
    }

    /// Checks the proof against a published root (hex). Uses nothing but the proof.
    ///
    /// The proof's ISRC must be in canonical form (12 upper-case letters and digits): leaves are
    /// ordered by that form, so a non-inclusion proof about another spelling would prove nothing.
    pub fn verify(&self, published_root: &str) -> Result<(), ManifestError> {
        let published = parse_hash(published_root.trim())?;
        if !canonical_isrc(self.isrc()) {
            return Err(ManifestError::ProofInvalid(format!(
                "'{}' is not a canonical ISRC (12 upper-case letters and digits, no hyphens)",
                self.isrc()
            )));
        }
        let root = self.tree_root(&published)?;
        let version = self.version();
        match self {
            WorkProof::Included {
                isrc,
                tree_size,
                leaves,
                ..
            } => {
                if leaves.is_empty() {
                    return Err(ManifestError::ProofInvalid(
                        "an inclusion proof needs at least one leaf".into(),
                    ));
                }
                for leaf in leaves {
                    if leaf.isrc() != isrc {
                        return Err(ManifestError::ProofInvalid(format!(
                            "leaf {} is about {}, not {isrc}",
                            leaf.leaf_index,
                            leaf.isrc()
                        )));
                    }
                    leaf.check(version, *tree_size, &root)?;
                }
                Ok(())
            }
            WorkProof::NotIncluded {
                isrc,
                tree_size,
                before,
                after,
                ..
            } => {
                if *tree_size == 0 {
                    return if root == empty_root() && before.is_none() && after.is_none() {
                        Ok(())
                    } else {
                        Err(ManifestError::ProofInvalid(
                            "the root is not that of an empty manifest".into(),
                        ))
                    };
                }
                if let Some(b) = before {
                    b.check(version, *tree_size, &root)?;
                    if b.isrc() >= isrc.as_str() {
                        return Err(ManifestError::ProofInvalid(format!(
                            "the leaf before is {}, not below {isrc}",
                            b.isrc()
                        )));
                    }
                }
                if let Some(a) = after {
                    a.check(version, *tree_size, &root)?;
                    if a.isrc() <= isrc.as_str() {
                        return Err(ManifestError::ProofInvalid(format!(
                            "the leaf after is {}, not above {isrc}",
                            a.isrc()
                        )));
                    }
                }
                let adjacent = match (before, after) {
                    (Some(b), Some(a)) => b.leaf_index.checked_add(1) == Some(a.leaf_index),
                    (None, Some(a)) => a.leaf_index == 0,
                    (Some(b), None) => b.leaf_index.checked_add(1) == Some(*tree_size),
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
        let m = Manifest::build(
            "manifest-000001",
            "t",
            scan(),
            (0..5).map(|n| entry(n * 2)).collect(),
        );
        assert!(Manifest::from_json(&m.to_json()).is_ok());
        let mut edited = m.clone();
        edited.entries[1].clearance = vec!["lic-999999".into()];
        assert!(matches!(
            Manifest::from_json(&edited.to_json()),
            Err(ManifestError::Changed {
                part: "entries",
                ..
            })
        ));
        let mut newer = m.clone();
        newer.version = 99;
        assert!(matches!(
            Manifest::from_json(&newer.to_json()),
            Err(ManifestError::Version { .. })
        ));
        assert!(Manifest::from_json("{").is_err());
    }

    fn declared(path: &str, source: &str, reference: &str) -> Declared {
        Declared {
            path: path.into(),
            sha256: hex::encode([7u8; 32]),
            source: source.into(),
            reference: reference.into(),
        }
    }

    #[test]
    fn declared_files_are_committed_to_and_an_edited_list_is_refused() {
        let m = Manifest::build_declared(
            "manifest-000001",
            "t",
            scan(),
            (0..3).map(entry).collect(),
            vec![
                declared("z.wav", "public-domain", ""),
                declared("a.wav", "licensed-elsewhere", "contract 12"),
                declared("a.wav", "own-recording", ""),
            ],
        );
        // Sorted by path, one per path; not leaves.
        let paths: Vec<&str> = m.declared.iter().map(|d| d.path.as_str()).collect();
        assert_eq!((paths, m.merkle.tree_size), (vec!["a.wav", "z.wav"], 3));
        assert_eq!(
            m.merkle.declared_root.as_deref(),
            Some(declared_root(&m.declared).as_str())
        );
        let reread = Manifest::from_json(&m.to_json()).unwrap();
        assert_eq!(reread, m);
        // The proofs carry the declared root in their header, and it is proved.
        let proof = m.prove("GBAAA2600001").unwrap();
        assert_eq!(
            proof.manifest_header().unwrap().declared_root,
            m.merkle.declared_root
        );
        proof.verify(&m.merkle.root).unwrap();
        let with_root = |root: Option<String>| {
            let mut forged = proof.clone();
            if let WorkProof::Included {
                manifest: Some(h), ..
            } = &mut forged
            {
                h.declared_root = root;
            }
            forged
        };
        assert!(
            with_root(Some(declared_root(&[])))
                .verify(&m.merkle.root)
                .is_err()
        );
        assert!(with_root(None).verify(&m.merkle.root).is_err());
        // Any edit of the list: a source, a reference, a file dropped or added, the order.
        let edits: [&dyn Fn(&mut Manifest); 5] = [
            &|m| m.declared[0].source = "own-recording".into(),
            &|m| m.declared[0].reference = "contract 13".into(),
            &|m| drop(m.declared.pop()),
            &|m| m.declared.push(declared("zz.wav", "generated", "model-x")),
            &|m| m.declared.reverse(),
        ];
        for edit in edits {
            let mut edited = m.clone();
            edit(&mut edited);
            assert!(matches!(
                Manifest::from_json(&edited.to_json()),
                Err(ManifestError::Changed {
                    part: "declared files",
                    ..
                })
            ));
        }
        // Declared root and list changed together: the published root no longer follows.
        let mut both = m.clone();
        both.declared.pop();
        both.merkle.declared_root = Some(declared_root(&both.declared));
        assert!(Manifest::from_json(&both.to_json()).is_err());
        // Version 2 lists none.
        assert!(
            Manifest::build_version_declared(2, "m", "t", scan(), vec![], m.declared.clone())
                .is_err()
        );
        let mut v2 = Manifest::build_version(2, "m", "t", scan(), vec![]).unwrap();
        v2.declared = m.declared.clone();
        assert!(Manifest::from_json(&v2.to_json()).is_err());
    }

    #[test]
    fn forged_non_inclusion_proofs_fail() {
        let m = Manifest::build(
            "manifest-000001",
            "t",
            scan(),
            (0..6).map(|n| entry(n * 2)).collect(),
        );
        let root = m.merkle.root.clone();
        // Claim entry 4 is absent by bracketing it with leaves 1 and 3 (not adjacent).
        let WorkProof::NotIncluded { before, .. } = m.prove("GBAAA2600003").unwrap() else {
            panic!()
        };
        let WorkProof::NotIncluded {
            format,
            version,
            root: r,
            tree_size,
            manifest,
            tree_root,
            after,
            ..
        } = m.prove("GBAAA2600005").unwrap()
        else {
            panic!()
        };
        let forged = WorkProof::NotIncluded {
            format,
            version,
            isrc: "GBAAA2600004".into(),
            root: r,
            tree_size,
            manifest,
            tree_root,
            before,
            after,
        };
        assert!(forged.verify(&root).is_err());
        // An inclusion proof with its leaf altered fails.
        let mut altered = m.prove("GBAAA2600004").unwrap();
        let WorkProof::Included { leaves, .. } = &mut altered else {
            panic!()
        };
        let ProvedLeaf::Entry { entry } = &mut leaves[0].leaf else {
            panic!()
        };
        entry.clearance = vec!["lic-000002".into()];
        assert!(altered.verify(&root).is_err());
    }

    #[test]
    fn a_non_canonical_isrc_cannot_claim_absence() {
        let m = Manifest::build("manifest-000001", "t", scan(), (0..4).map(entry).collect());
        let root = m.merkle.root.clone();
        let absent = m.prove("ZZZZZ9999999").unwrap();
        absent.verify(&root).unwrap();
        for spelling in ["gbaaa2600001", "GB-AAA-26-00001"] {
            let mut forged = absent.clone();
            let WorkProof::NotIncluded { isrc, .. } = &mut forged else {
                panic!()
            };
            *isrc = spelling.into();
            assert!(forged.verify(&root).is_err(), "{spelling}");
        }
        let real = m.prove("gb-aaa-26-00001").unwrap();
        real.verify_for("GBAAA2600001", &root).unwrap();
        assert!(real.verify_for("GBAAA2600002", &root).is_err());
    }

    #[test]
    fn a_proof_of_one_version_cannot_pass_as_the_other() {
        let m = Manifest::build("manifest-000001", "t", scan(), (0..4).map(entry).collect());
        let root = m.merkle.root.clone();
        let proof = m.prove("GBAAA2600001").unwrap();
        proof.verify(&root).unwrap();
        // Relabelled version 1: its leaves and header are not version 1's.
        let mut v1 = proof.clone();
        let WorkProof::Included { version, .. } = &mut v1 else {
            panic!()
        };
        *version = 1;
        assert!(v1.verify(&root).is_err());
        // Without its header, or checked against the tree root as if that were published.
        let mut bare = proof.clone();
        let WorkProof::Included {
            manifest,
            tree_root,
            ..
        } = &mut bare
        else {
            panic!()
        };
        let tree = tree_root.clone().unwrap();
        *manifest = None;
        assert!(bare.verify(&root).is_err());
        assert!(proof.verify(&tree).is_err());
        // A version 2 proof of the same entries: relabelled version 3 it fails, and the other
        // way round.
        let v2 = Manifest::build_version(
            2,
            "manifest-000001",
            "t",
            scan(),
            (0..4).map(entry).collect(),
        )
        .unwrap();
        let old = v2.prove("GBAAA2600001").unwrap();
        old.verify(&v2.merkle.root).unwrap();
        let up = WorkProof::from_json(&old.to_json().replace("\"version\": 2", "\"version\": 3"))
            .unwrap();
        assert!(up.verify(&v2.merkle.root).is_err() && up.verify(&root).is_err());
        let down =
            WorkProof::from_json(&proof.to_json().replace("\"version\": 3", "\"version\": 2"))
                .unwrap();
        assert!(down.verify(&root).is_err() && down.verify(&v2.merkle.root).is_err());
        // A version 4 proof is refused on reading.
        let newer = proof.to_json().replace("\"version\": 3", "\"version\": 4");
        assert!(matches!(
            WorkProof::from_json(&newer),
            Err(ManifestError::Version { .. })
        ));
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

        #[test]
        fn works_in_several_files_get_every_leaf_and_absent_works_a_bracket(
            files in proptest::collection::btree_set((0u32..30, 0u8..3), 0..30),
            probe in 0u32..31,
        ) {
            // The same work in several files (other paths, titles, holders) is several leaves.
            let entries: Vec<Entry> = files.iter().map(|&(n, f)| Entry {
                path: format!("dir-{f}/f{n}.wav"),
                title: format!("Song {n} take {f}"),
                holders: (0..=f).map(|h| format!("holder-{h}")).collect(),
                ..entry(n)
            }).collect();
            let m = Manifest::build("manifest-000001", "t", scan(), entries);
            let reread = Manifest::from_json(&m.to_json()).unwrap();
            prop_assert_eq!(&reread, &m);
            let proof = WorkProof::from_json(&m.prove(&format!("GBAAA26{probe:05}")).unwrap().to_json()).unwrap();
            let copies = files.iter().filter(|(n, _)| *n == probe).count();
            match &proof {
                WorkProof::Included { leaves, .. } => prop_assert_eq!(leaves.len(), copies),
                WorkProof::NotIncluded { .. } => prop_assert_eq!(copies, 0),
            }
            prop_assert!(proof.verify(&m.merkle.root).is_ok());
        }
    }
}
