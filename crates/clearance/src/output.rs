//! Checking generated audio against the registry: which registered recordings a model's
//! output reproduces, where, and whose they are.

use crate::{ClearanceError, Home};
use fermata_engine::identify_file;
use fermata_index::{Index, MatchOptions};
use fermata_registry::{Registry, Territory};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A registered recording heard in a generated file.
#[derive(Clone, Debug, Serialize)]
pub struct OutputMatch {
    /// The work.
    pub isrc: String,
    /// Its title.
    pub title: String,
    /// Its display artist.
    pub artist: String,
    /// Who holds it (every holder of every territory).
    pub holders: Vec<String>,
    /// Where it is heard in the file, in seconds.
    pub start_s: f64,
    /// Where it stops.
    pub end_s: f64,
    /// Where in the recording the copied part starts.
    pub reference_start_s: f64,
    /// Aligned landmarks (how strong the evidence is).
    pub score: u32,
}

/// The result for one file.
#[derive(Clone, Debug, Serialize)]
pub struct OutputCheck {
    /// The file.
    pub file: PathBuf,
    /// Seconds of audio.
    pub duration_s: f64,
    /// The registered recordings found, in order of where they start.
    pub matches: Vec<OutputMatch>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}

/// Identifies registered recordings inside each file (e.g. a model's generated audio) and names
/// the works and their holders. A match to an indexed track that no registered work links to is
/// left out: it has no holder to report.
pub fn check_outputs(
    home: &Home,
    registry: &mut Registry,
    files: &[PathBuf],
) -> Result<Vec<OutputCheck>, ClearanceError> {
    let index = Index::open(&home.index_dir())?;
    let mut out = Vec::new();
    for file in files {
        out.push(check_one(&index, registry, file)?);
    }
    Ok(out)
}

fn check_one(
    index: &Index,
    registry: &mut Registry,
    file: &Path,
) -> Result<OutputCheck, ClearanceError> {
    let found = match identify_file(index, file, &MatchOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            return Ok(OutputCheck {
                file: file.to_path_buf(),
                duration_s: 0.0,
                matches: vec![],
                error: Some(e.to_string()),
            });
        }
    };
    let mut matches = Vec::new();
    for m in found.matches {
        for isrc in registry.works_for_track(&m.track_id)? {
            let work = registry.work(&isrc)?;
            let mut holders: Vec<String> = work
                .shares_in(&Territory::world())
                .iter()
                .map(|s| s.holder.clone())
                .collect();
            holders.sort();
            matches.push(OutputMatch {
                isrc: isrc.to_string(),
                title: work.title,
                artist: work.artist,
                holders,
                start_s: m.query_start_s,
                end_s: m.query_end_s,
                reference_start_s: m.reference_start_s,
                score: m.score,
            });
        }
    }
    Ok(OutputCheck {
        file: file.to_path_buf(),
        duration_s: found.duration_s,
        matches,
        error: None,
    })
}
