//! The systems under test: fermata itself (in process, through the same library calls as the
//! CLI) and peers run as their own command-line programs.

use crate::queries::Query;
use anyhow::{Context, Result};
use fermata_engine::{AddOptions, InputFile, add_files, identify_file};
use fermata_index::{IndexWriter, MatchOptions};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// A system's best answer to one query.
#[derive(Clone, Debug, Serialize)]
pub struct Answer {
    /// The registered file it named.
    pub track: PathBuf,
    /// Where in that file the query starts, in seconds.
    pub offset_s: f64,
    pub score: f64,
}

/// Everything measured of one system in one run.
#[derive(Clone, Debug, Serialize)]
pub struct SystemRun {
    pub name: String,
    pub version: String,
    pub settings: String,
    pub audio_seconds_indexed: f64,
    pub index_wall_s: f64,
    /// CPU seconds spent indexing (all threads and child processes), when known.
    pub index_cpu_s: Option<f64>,
    pub index_bytes: u64,
    /// One entry per query, in query order: the top answer, or None for "no match".
    pub answers: Vec<Option<Answer>>,
    /// Per query, every recording reported (best first), for systems that report more than
    /// one; empty when only the top answer is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<Vec<Answer>>,
    /// Per-query wall-clock latency in milliseconds.
    pub latencies_ms: Vec<f64>,
    /// Peak resident memory while querying, when known.
    pub query_peak_rss_bytes: Option<u64>,
    /// Queries the system failed on (errors, not "no match").
    pub errors: usize,
}

/// CPU seconds (user + system) from /proc/self/stat (Linux): of this process, or with
/// `children` of its finished, waited-for child processes.
pub fn cpu_s(children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: utime, stime are the 12th and 13th,
    // cutime, cstime the 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let first = if children { 13 } else { 11 };
    let ticks: f64 =
        fields.get(first)?.parse::<f64>().ok()? + fields.get(first + 1)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU seconds of this process.
pub fn process_cpu_s() -> Option<f64> {
    cpu_s(false)
}

/// Resets the kernel's peak-RSS counter of this process (Linux), so that a later reading
/// covers only what follows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory of this process in bytes (VmHWM).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn dir_bytes(dir: &Path) -> u64 {
    fn walk(p: &Path) -> u64 {
        match std::fs::read_dir(p) {
            Ok(entries) => entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => walk(&e.path()),
                    Ok(_) => e.metadata().map_or(0, |m| m.len()),
                    Err(_) => 0,
                })
                .sum(),
            Err(_) => std::fs::metadata(p).map_or(0, |m| m.len()),
        }
    }
    walk(dir)
}

/// Runs fermata: index `registered` into a fresh index under `work`, then identify every query.
pub fn run_fermata(
    params: &fermata_fp::Params,
    registered: &[PathBuf],
    audio_seconds: f64,
    queries: &[Query],
    work: &Path,
    options: &MatchOptions,
) -> Result<SystemRun> {
    let dir = work.join("fermata-index");
    let _ = std::fs::remove_dir_all(&dir);
    let inputs: Vec<InputFile> = registered
        .iter()
        .map(|p| InputFile {
            path: p.clone(),
            id: p.to_string_lossy().into_owned(),
        })
        .collect();
    let cpu0 = process_cpu_s();
    let t = Instant::now();
    let mut writer = IndexWriter::open_or_create(&dir, params)?;
    let summary = add_files(
        &mut writer,
        inputs,
        &AddOptions::default(),
        &AtomicBool::new(false),
        &mut |_| {},
    )?;
    writer.merge_all()?;
    let index_wall_s = t.elapsed().as_secs_f64();
    let index_cpu_s = cpu0.and_then(|c0| process_cpu_s().map(|c1| c1 - c0));
    anyhow::ensure!(
        summary.failed == 0,
        "fermata failed to index {} registered files",
        summary.failed
    );
    drop(writer);

    reset_peak_rss();
    let index = fermata_index::Index::open(&dir)?;
    let mut answers = Vec::with_capacity(queries.len());
    let mut reported = Vec::with_capacity(queries.len());
    let mut latencies_ms = Vec::with_capacity(queries.len());
    let mut errors = 0;
    for q in queries {
        let t = Instant::now();
        let result = identify_file(&index, &q.file, options);
        latencies_ms.push(t.elapsed().as_secs_f64() * 1e3);
        match result {
            Ok(found) => {
                let mut all: Vec<&fermata_index::Match> = found.matches.iter().collect();
                all.sort_by_key(|m| std::cmp::Reverse(m.score));
                reported.push(
                    all.iter()
                        .map(|m| Answer {
                            track: PathBuf::from(&m.track_id),
                            offset_s: m.reference_start_s - m.query_start_s,
                            score: m.score as f64,
                        })
                        .collect(),
                );
                answers.push(
                    found
                        .matches
                        .iter()
                        .max_by_key(|m| m.score)
                        .map(|m| Answer {
                            track: PathBuf::from(&m.track_id),
                            offset_s: m.reference_start_s - m.query_start_s,
                            score: m.score as f64,
                        }),
                )
            }
            Err(e) => {
                eprintln!("fermata: {e}");
                errors += 1;
                answers.push(None);
                reported.push(Vec::new());
            }
        }
    }
    Ok(SystemRun {
        name: "fermata".into(),
        version: format!(
            "{} (fingerprint algorithm {})",
            env!("CARGO_PKG_VERSION"),
            fermata_fp::ALGORITHM_VERSION
        ),
        settings: if *params == fermata_fp::Params::default() {
            "defaults".into()
        } else {
            serde_json::to_string(params)?
        },
        audio_seconds_indexed: audio_seconds,
        index_wall_s,
        index_cpu_s,
        index_bytes: index.stats().bytes,
        answers,
        reported,
        latencies_ms,
        query_peak_rss_bytes: peak_rss_bytes(),
        errors,
    })
}

/// Runs `cmd` with `args` and the files, returning its standard output.
pub fn capture(
    program: &str,
    args: &[&str],
    files: &[PathBuf],
    envs: &[(&str, &Path)],
) -> Result<String> {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).args(files);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().with_context(|| format!("running {program}"))?;
    anyhow::ensure!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
