//! Peers, run as their own programs with their defaults. None of their code is part of this
//! repository: they are installed separately (BENCHMARKS.md says how and at which commit) and
//! found on PATH or by a flag; a missing peer is skipped with a note.

use crate::queries::Query;
use crate::systems::{capture, dir_bytes, Answer, SystemRun};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub trait Peer {
    fn name(&self) -> &'static str;
    fn run(&self, registered: &[PathBuf], audio_seconds: f64, queries: &[Query], work: &Path) -> Result<SystemRun>;
}

/// The peers that can be found, with a note for each one that cannot.
pub fn available(olaf: &Option<PathBuf>, audfprint: &Option<PathBuf>, python: &str, notes: &mut Vec<String>) -> Vec<Box<dyn Peer>> {
    let mut peers: Vec<Box<dyn Peer>> = Vec::new();
    let olaf = olaf.clone().or_else(|| which("olaf"));
    match olaf {
        Some(bin) => peers.push(Box::new(Olaf { bin })),
        None => notes.push("Olaf skipped: no `olaf` on PATH and no --olaf".into()),
    }
    let audfprint = audfprint.clone().or_else(|| which("audfprint.py")).or_else(|| which("audfprint"));
    match audfprint {
        Some(script) => peers.push(Box::new(Audfprint { script, python: python.to_string() })),
        None => notes.push("audfprint skipped: no `audfprint.py` on PATH and no --audfprint".into()),
    }
    peers
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

/// Runs a per-query command and times it.
#[allow(dead_code)]
fn timed_queries(queries: &[Query], mut one: impl FnMut(&Query) -> Result<Option<Answer>>) -> (Vec<Option<Answer>>, Vec<f64>, usize) {
    let (mut answers, mut latencies, mut errors) = (Vec::new(), Vec::new(), 0);
    for q in queries {
        let t = Instant::now();
        let answer = one(q);
        latencies.push(t.elapsed().as_secs_f64() * 1e3);
        match answer {
            Ok(a) => answers.push(a),
            Err(e) => {
                if errors < 3 {
                    eprintln!("peer error on {}: {e:#}", q.file.display());
                }
                errors += 1;
                answers.push(None);
            }
        }
    }
    (answers, latencies, errors)
}

struct Olaf {
    bin: PathBuf,
}

impl Peer for Olaf {
    fn name(&self) -> &'static str {
        "Olaf"
    }
    fn run(&self, _registered: &[PathBuf], _audio_seconds: f64, _queries: &[Query], _work: &Path) -> Result<SystemRun> {
        anyhow::bail!("the Olaf adapter is not wired yet ({})", self.bin.display())
    }
}

struct Audfprint {
    script: PathBuf,
    python: String,
}

impl Peer for Audfprint {
    fn name(&self) -> &'static str {
        "audfprint"
    }
    fn run(&self, _registered: &[PathBuf], _audio_seconds: f64, _queries: &[Query], _work: &Path) -> Result<SystemRun> {
        let _ = (&self.python, capture, dir_bytes);
        anyhow::bail!("the audfprint adapter is not wired yet ({})", self.script.display())
    }
}
