//! fermata's permission workflows: the steps that join the rights registry to the
//! identification engine.
//!
//! - [`Home`]: the directory that holds a registry database, its fingerprint index and the
//!   manifests built from it.
//! - [`import_catalog`]: read a CSV or DDEX catalogue, fingerprint its audio into the index, and
//!   register the works; a malformed catalogue is reported in full and nothing is registered.
//! - [`run_scan`]: identify every file of a training dataset, in parallel and resumably, and
//!   give each a verdict from the holders' policies and licences.
//! - [`build_manifest`]: write the cleared files of a finished scan as a Merkle-rooted manifest.
//! - [`check_outputs`]: find registered recordings inside generated audio, with their holders.
//! - [`webhooks`]: send the registry's webhook deliveries (one pass, or a worker thread).
//!
//! # Example
//!
//! ```
//! use fermata_clearance::{build_manifest, import_catalog, run_scan, Home, ImportOutcome, ScanRequest};
//! use fermata_registry::{Decision, PartyKind, PolicyChange, Use, Verdict};
//! use std::sync::atomic::AtomicBool;
//!
//! let dir = tempfile::tempdir()?;
//! let rate = 22_050;
//! std::fs::create_dir_all(dir.path().join("audio"))?;
//! std::fs::create_dir_all(dir.path().join("dataset"))?;
//! let song = fermata_synth::synth::track(7, 30.0, rate);
//! fermata_audio::write_wav(&dir.path().join("audio/song.wav"), &song, rate)?;
//! fermata_audio::write_wav(&dir.path().join("dataset/copy.wav"), &song[rate as usize * 5..rate as usize * 20], rate)?;
//! std::fs::write(dir.path().join("catalogue.csv"), "isrc,title,artist,audio\nGBAYE2600001,Song,Band,song.wav\n")?;
//!
//! let home = Home::init(&dir.path().join("home"))?;
//! let mut registry = home.registry()?;
//! registry.add_party("indie-records", PartyKind::Label, "Indie Records", "cli")?;
//! registry.add_party("acme-ai", PartyKind::Developer, "Acme AI", "cli")?;
//! let never = AtomicBool::new(false);
//! let outcome = import_catalog(&home, &mut registry, "indie-records", &dir.path().join("catalogue.csv"), &dir.path().join("audio"), &never, &mut |_| {})?;
//! assert!(matches!(outcome, ImportOutcome::Imported(_)));
//! registry.set_policy(PolicyChange::new("indie-records", None, Use::TrainGenai, Decision::Allow), "indie-records")?;
//!
//! let request = ScanRequest { dataset: dir.path().join("dataset"), developer: "acme-ai".into(), model: "m1".into(),
//!                             use_: Use::TrainGenai, territory: "DE".parse()?, save_every: 64, sources: Default::default(), use_cache: true };
//! let scan = run_scan(&home, &mut registry, &request, &never, &mut |_| {})?;
//! assert_eq!(scan.files[0].verdict.as_ref().unwrap().verdict, Verdict::Cleared);
//! let (manifest, _path) = build_manifest(&home, &mut registry, &scan.scan.id, None, "acme-ai")?;
//! assert_eq!(manifest.entries.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod cache;
mod import;
mod output;
mod scan;
pub mod sources;
pub mod webhooks;

pub use import::{CatalogFormat, ImportEvent, ImportOutcome, ImportSummary, import_catalog};
pub use output::{
    MAX_UPLOAD_BYTES, MAX_UPLOAD_OUTPUT_BYTES, MAX_UPLOAD_OUTPUTS, OutputCheck, OutputMatch,
    attribute_outputs, check_outputs, covered_ms, safe_file_name, upload_dir,
};
pub use scan::{
    DEFAULT_SAVE_EVERY, HolderSummary, ScanEvent, ScanOutcome, ScanRequest, ScanSummary,
    VerdictCount, build_manifest, run_scan, summarise,
};

use fermata_registry::{Registry, RegistryError};
use std::path::{Path, PathBuf};

/// Everything that can go wrong in a workflow (problems in a catalogue are not errors: they
/// come back as [`ImportOutcome::Rejected`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClearanceError {
    /// The registry refused or failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The engine or index failed.
    #[error(transparent)]
    Engine(#[from] fermata_engine::EngineError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] fermata_index::IndexError),
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The request cannot be carried out as given.
    #[error("{0}")]
    Invalid(String),
    /// A dataset's sources file (`path,url` CSV) is malformed.
    #[error("{}{}: {reason}", path.display(), line.map(|l| format!(": line {l}")).unwrap_or_default())]
    SourcesFile {
        /// The file.
        path: PathBuf,
        /// The line, when one is at fault.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// A source URL could not be fetched.
    #[error("{url}: {reason}")]
    Fetch {
        /// The URL.
        url: String,
        /// Why (network, TLS, timeout).
        reason: String,
    },
    /// A reservation document is malformed.
    #[error(transparent)]
    Report(#[from] fermata_report::ReportError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ClearanceError + '_ {
    move |source| ClearanceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A registry home directory:
///
/// ```text
/// registry.sqlite   the registry (SQLite, WAL)
/// index/            the fingerprint index of the registered recordings
/// manifests/        cleared manifests built from scans
/// cache/identify/    scans' identification cache (derived; safe to delete: see [`cache`])
/// labels/           the label store of `fermata output label` (soft binding; `fermata-label`)
/// ```
#[derive(Clone, Debug)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// The database file name inside a home.
    pub const REGISTRY_FILE: &'static str = "registry.sqlite";

    /// Creates the home (or completes a partial one) and returns it. Safe to run again.
    pub fn init(dir: &Path) -> Result<Home, ClearanceError> {
        std::fs::create_dir_all(dir.join("manifests")).map_err(io(dir))?;
        let home = Home {
            dir: dir.to_path_buf(),
        };
        Registry::create(&home.registry_path())?;
        fermata_index::IndexWriter::open_or_create(
            &home.index_dir(),
            &fermata_fp::Params::default(),
        )?;
        Ok(home)
    }

    /// Opens an existing home; a missing one is an error that says to run `fermata init`.
    pub fn open(dir: &Path) -> Result<Home, ClearanceError> {
        let home = Home {
            dir: dir.to_path_buf(),
        };
        if !home.registry_path().exists() {
            return Err(RegistryError::NotInitialised {
                path: home.registry_path(),
            }
            .into());
        }
        Ok(home)
    }

    /// The home directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The registry database.
    pub fn registry_path(&self) -> PathBuf {
        self.dir.join(Self::REGISTRY_FILE)
    }

    /// The fingerprint index.
    pub fn index_dir(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// Where manifests are written by default.
    pub fn manifests_dir(&self) -> PathBuf {
        self.dir.join("manifests")
    }

    /// Opens the registry.
    pub fn registry(&self) -> Result<Registry, ClearanceError> {
        Ok(Registry::open(&self.registry_path())?)
    }
}
