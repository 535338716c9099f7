//! fermata's transparency reports, made from its records.
//!
//! [`holder_proofs`]: for a rights holder and a model's cleared manifest, one proof per work of
//! the holder that it is, or is not, in the manifest, bundled in one file with a Markdown
//! explanation of how to check them independently (`docs/verify_proof.py` does it in Python with
//! nothing but its standard library).
//!
//! [`eu_summary`]: the public summary of a model's training content (AI Act Art. 53(1)(d)) in the
//! AI Office template's structure, from fermata's records and the provider's declarations.
//!
//! [`reservations`]: a holder's rights reservations written out as TDMRep and IETF
//! AI-preferences signals, and those signals read back strictly, as a crawler would.
//!
//! # Example
//!
//! ```
//! use fermata_manifest::{Entry, Manifest, ScanInfo};
//! use fermata_report::holder_proofs;
//!
//! let scan = ScanInfo { id: "scan-000001".into(), developer: "acme-ai".into(), model: "m1".into(),
//!     use_: "train-genai".into(), territory: "DE".into(), dataset: "/data".into(), finished_at: "t".into() };
//! let entry = Entry { isrc: "GBAAA2600001".into(), title: "A".into(), path: "a.wav".into(),
//!     sha256: "00".repeat(32), clearance: vec!["lic-000001".into()], holders: vec!["label-a".into()] };
//! let manifest = Manifest::build("manifest-000001", "t", scan, vec![entry]);
//! let works = ["GBAAA2600001".to_string(), "GBAAA2600002".to_string()];
//! let bundle = holder_proofs(&manifest, "label-a", &works)?;
//! assert_eq!(bundle.included, 1);
//! assert_eq!(bundle.not_included, 1);
//! assert!(bundle.proofs.iter().all(|p| p.verify(&manifest.merkle.root).is_ok()));
//! # Ok::<(), fermata_report::ReportError>(())
//! ```
#![deny(missing_docs)]

pub mod eu_summary;
pub mod reservations;
mod sfv;

use fermata_manifest::{Manifest, ScanInfo, WorkProof};
use serde::{Deserialize, Serialize};

/// The `format` field of a holder's proof bundle.
pub const HOLDER_PROOFS_FORMAT: &str = "fermata-holder-proofs";

/// Everything that can go wrong making a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A proof could not be made.
    #[error(transparent)]
    Manifest(#[from] fermata_manifest::ManifestError),
    /// The holder has no works to report on.
    #[error("'{0}' holds no registered works: there is nothing to prove")]
    NoWorks(String),
    /// A reservation signal (tdmrep.json, robots.txt, HTTP headers, HTML) is malformed.
    #[error("{reason}")]
    Reservation {
        /// Which kind of document: `tdmrep.json`, `robots.txt`, `headers`, `html`,
        /// `structured field`.
        document: &'static str,
        /// What is wrong, and where.
        reason: String,
    },
    /// The provider's declarations for the EU summary are incomplete or malformed.
    #[error("provider input: {0}")]
    ProviderInput(String),
    /// The registry refused or failed.
    #[error(transparent)]
    Registry(#[from] fermata_registry::RegistryError),
    /// The model has no finished scan to report on.
    #[error(
        "no finished scan for model '{0}': the summary is made from the scans of its training data"
    )]
    NoScans(String),
    /// The model has no cleared manifest.
    #[error(
        "no cleared manifest for model '{0}': the developer builds one with `fermata manifest build --scan SCAN_ID`"
    )]
    NoManifest(String),
    /// A recorded manifest file cannot be read.
    #[error("cannot read the manifest {path}{hint}: {source}")]
    ManifestUnreadable {
        /// The path the registry recorded.
        path: String,
        /// What to do about it.
        hint: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A recorded manifest file is not a manifest.
    #[error("{path} is not a usable manifest: {source}")]
    ManifestInvalid {
        /// The file.
        path: String,
        /// Why.
        source: fermata_manifest::ManifestError,
    },
    /// A recorded manifest file is not the manifest the registry recorded.
    #[error(
        "{path} has root {found}, but the registry recorded {recorded} for {id}: the file was replaced"
    )]
    ManifestReplaced {
        /// The file.
        path: String,
        /// The root it has.
        found: String,
        /// The root the registry recorded.
        recorded: String,
        /// The manifest's id.
        id: String,
    },
}

/// The latest cleared manifest of `model` (the last one built from one of its scans), read from
/// the file the registry recorded and checked against the recorded Merkle root, so a replaced
/// file is refused, never reported on.
pub fn latest_manifest(
    registry: &mut fermata_registry::Registry,
    model: &str,
) -> Result<(fermata_registry::ManifestRecord, Manifest), ReportError> {
    let mut latest = None;
    for record in registry.manifests()? {
        if registry.scan(&record.scan_id)?.model == model {
            latest = Some(record);
        }
    }
    let record = latest.ok_or_else(|| ReportError::NoManifest(model.into()))?;
    let manifest = read_recorded(&record)?;
    Ok((record, manifest))
}

/// The manifest `id`, read from the file the registry recorded and checked against the recorded
/// Merkle root, as [`latest_manifest`] does.
pub fn recorded_manifest(
    registry: &mut fermata_registry::Registry,
    id: &str,
) -> Result<(fermata_registry::ManifestRecord, Manifest), ReportError> {
    let record = registry
        .manifests()?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| ReportError::NoManifest(id.into()))?;
    let manifest = read_recorded(&record)?;
    Ok((record, manifest))
}

/// Reads a recorded manifest's file and refuses it unless its root is the recorded one.
fn read_recorded(record: &fermata_registry::ManifestRecord) -> Result<Manifest, ReportError> {
    let text =
        std::fs::read_to_string(&record.path).map_err(|source| ReportError::ManifestUnreadable {
            hint: if std::path::Path::new(&record.path).is_relative() {
                // Recorded by an older fermata, relative to where `manifest build` ran.
                format!(
                    " (recorded relative to where it was built: run this from that directory, or rebuild it with `fermata manifest build --scan {}`)",
                    record.scan_id
                )
            } else {
                String::new()
            },
            path: record.path.clone(),
            source,
        })?;
    let manifest = Manifest::from_json(&text).map_err(|source| ReportError::ManifestInvalid {
        path: record.path.clone(),
        source,
    })?;
    if manifest.merkle.root != record.root {
        return Err(ReportError::ManifestReplaced {
            path: record.path.clone(),
            found: manifest.merkle.root.clone(),
            recorded: record.root.clone(),
            id: record.id.clone(),
        });
    }
    Ok(manifest)
}

/// One file for a rights holder: every one of its works, in or not in a model's manifest.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HolderProofs {
    /// Always [`HOLDER_PROOFS_FORMAT`].
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// The rights holder.
    pub holder: String,
    /// The manifest the proofs are against.
    pub manifest: String,
    /// Its scan: developer, model, use, territory.
    pub scan: ScanInfo,
    /// The published commitment: the root ...
    pub root: String,
    /// ... and the number of leaves.
    pub tree_size: u64,
    /// Works proved to be in it.
    pub included: usize,
    /// Works proved not to be in it.
    pub not_included: usize,
    /// One proof per work, in ISRC order.
    pub proofs: Vec<WorkProof>,
}

/// Proves, for each of `works` (the holder's ISRCs), whether it is in `manifest`.
pub fn holder_proofs(
    manifest: &Manifest,
    holder: &str,
    works: &[String],
) -> Result<HolderProofs, ReportError> {
    if works.is_empty() {
        return Err(ReportError::NoWorks(holder.into()));
    }
    let mut sorted = works.to_vec();
    sorted.sort();
    sorted.dedup();
    let proofs: Vec<WorkProof> = sorted
        .iter()
        .map(|w| manifest.prove(w))
        .collect::<Result<_, _>>()?;
    let included = proofs.iter().filter(|p| p.is_inclusion()).count();
    Ok(HolderProofs {
        format: HOLDER_PROOFS_FORMAT.into(),
        version: 1,
        holder: holder.into(),
        manifest: manifest.id.clone(),
        scan: manifest.scan.clone(),
        root: manifest.merkle.root.clone(),
        tree_size: manifest.merkle.tree_size,
        included,
        not_included: proofs.len() - included,
        proofs,
    })
}

impl HolderProofs {
    /// The short Markdown explanation that goes with the file.
    pub fn explanation(&self, file_name: &str) -> String {
        let mut out = format!(
            "# Proofs for {holder}: model {model} ({manifest})\n\n\
             `{file}` holds one proof for each of the {n} registered works of **{holder}**: \
             {inc} are in the cleared training manifest `{manifest}` of model **{model}** by \
             **{dev}** ({use_}, {territory}), {not} are not.\n\n\
             The manifest's published commitment is:\n\n\
             - root: `{root}`\n- leaves: {size}\n\n\
             Check that these are the values the developer published, then check each proof \
             against them. Nothing else is needed: not the manifest, not fermata.\n\n\
             ## How to check\n\n\
             With fermata: `fermata manifest verify-proof --proof ONE_PROOF.json --work ISRC --root {root} --tree-size {size}`.\n\n\
             With Python 3 and nothing else: `python3 verify_proof.py {file} {root} {size}` \
             (the script is `docs/verify_proof.py` in fermata's repository; it checks every proof in the file).\n\n\
             With your own code:\n\n\
             1. Each proof carries the manifest's header (id, created_at, and the scan: developer, model, \
             use, territory, dataset, finished_at) and its tree root. Recompute \
             `SHA-256(0x03 || header hash || tree size || tree root)` and check it is the published root: \
             the proof is then about that developer's model, use and territory.\n\
             2. A leaf is `SHA-256(0x00 || leaf data)`, the leaf data being the entry's ISRC, SHA256, \
             clearance, holders, path and title, each length-prefixed; its ISRC range is (ISRC, ISRC). \
             In a version 3 proof a node is `SHA-256(0x04 || left || right || left min || left max || \
             right min || right max)` (the ISRC range ends length-prefixed), valid only when \
             left min <= left max <= right min <= right max; each step of an audit path gives the \
             sibling's hash and ISRC range. (Version 2: `SHA-256(0x01 || left || right)`, no ranges.) \
             An *included* proof gives each of the work's leaves with its index and audit path: recompute \
             the tree root with the algorithm of RFC 9162 section 2.1.3.2, checking the order at every \
             node, and compare.\n\
             3. A *not-included* proof gives the two adjacent leaves whose ISRCs bracket the work \
             (or the first or last leaf alone, at the ends): both must lead to the tree root, their \
             indexes must be consecutive, and the work's ISRC must sort strictly between them. Because \
             every node commits to its children's ISRC ranges and is checked to be in order, this \
             holds without trusting that the developer sorted the manifest.\n\n\
             ## What these proofs disclose\n\n\
             A *not-included* proof shows the two works next to yours in ISRC order in full: their \
             ISRC, file hash, file path, title, clearance and holders. A version 3 proof also shows, for each \
             step of its audit paths, the smallest and largest ISRC under that part of the manifest. \
             Treat the file as you would the manifest's entries it quotes.\n\n\
             The exact bytes are in fermata's `docs/manifest.md`.\n\n## The works\n\n| ISRC | in the manifest |\n| --- | --- |\n",
            holder = self.holder,
            model = self.scan.model,
            manifest = self.manifest,
            file = file_name,
            n = self.proofs.len(),
            inc = self.included,
            not = self.not_included,
            dev = self.scan.developer,
            use_ = self.scan.use_,
            territory = self.scan.territory,
            root = self.root,
            size = self.tree_size,
        );
        for p in &self.proofs {
            out.push_str(&format!(
                "| {} | {} |\n",
                p.isrc(),
                if p.is_inclusion() { "yes" } else { "no" }
            ));
        }
        out
    }
}
