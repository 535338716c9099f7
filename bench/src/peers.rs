//! Peers, run as their own programs with their defaults. None of their code is part of this
//! repository: they are installed separately (BENCHMARKS.md says how and at which commit) and
//! found on PATH or by a flag; a missing peer is skipped with a note.

use crate::queries::Query;
use crate::systems::{Answer, SystemRun, capture, dir_bytes};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub trait Peer {
    fn name(&self) -> &'static str;
    fn run(
        &self,
        registered: &[PathBuf],
        audio_seconds: f64,
        queries: &[Query],
        work: &Path,
    ) -> Result<SystemRun>;
}

/// The peers that can be found, with a note for each one that cannot.
pub fn available(
    olaf: &Option<PathBuf>,
    audfprint: &Option<PathBuf>,
    python: &str,
    notes: &mut Vec<String>,
) -> Vec<Box<dyn Peer>> {
    let mut peers: Vec<Box<dyn Peer>> = Vec::new();
    let olaf = olaf.clone().or_else(|| which("olaf"));
    match olaf {
        Some(bin) => peers.push(Box::new(Olaf { bin })),
        None => notes.push("Olaf skipped: no `olaf` on PATH and no --olaf".into()),
    }
    let audfprint = audfprint
        .clone()
        .or_else(|| which("audfprint.py"))
        .or_else(|| which("audfprint"));
    match audfprint {
        Some(script) => peers.push(Box::new(Audfprint {
            script,
            python: python.to_string(),
        })),
        None => {
            notes.push("audfprint skipped: no `audfprint.py` on PATH and no --audfprint".into())
        }
    }
    peers
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// CPU seconds used by this process's finished children.
fn children_cpu_s() -> Option<f64> {
    crate::systems::cpu_s(true)
}

/// Queries are given to a peer in batches of this many files: one process per query would
/// charge a peer its start-up (audfprint loads its whole table) on every query.
const BATCH: usize = 100;

/// What a run reports about the peer itself.
struct PeerInfo<'a> {
    name: &'a str,
    version: String,
    settings: String,
    audio_seconds: f64,
}

/// Turns a peer's output for a batch of query files into one answer per file.
type ParseAnswers = dyn Fn(&str, &[PathBuf]) -> Vec<Option<Answer>>;

/// Runs `store` over the registered files and `query` over the query files in batches, times
/// both, and turns `parse(stdout, batch)` into answers. Latency is each batch's wall time
/// divided by its size (the same for every query of a batch).
fn run_peer(
    peer: PeerInfo<'_>,
    queries: &[Query],
    db: &Path,
    store: &mut dyn FnMut() -> Result<()>,
    query: &mut dyn FnMut(&[PathBuf]) -> Result<String>,
    parse: &ParseAnswers,
) -> Result<SystemRun> {
    let PeerInfo {
        name,
        version,
        settings,
        audio_seconds,
    } = peer;
    let cpu0 = children_cpu_s();
    let t = Instant::now();
    store()?;
    let index_wall_s = t.elapsed().as_secs_f64();
    let index_cpu_s = cpu0.and_then(|c0| children_cpu_s().map(|c1| c1 - c0));
    let (mut answers, mut latencies_ms, mut errors) = (Vec::new(), Vec::new(), 0);
    for chunk in queries.chunks(BATCH) {
        let files: Vec<PathBuf> = chunk.iter().map(|q| q.file.clone()).collect();
        let t = Instant::now();
        let result = query(&files);
        let per_query = t.elapsed().as_secs_f64() * 1e3 / files.len() as f64;
        latencies_ms.extend(std::iter::repeat_n(per_query, files.len()));
        match result {
            Ok(out) => answers.extend(parse(&out, &files)),
            Err(_) => {
                // One file a peer cannot read fails its whole batch: ask again one by one, so
                // that only the unreadable files count as errors.
                for file in &files {
                    let one = std::slice::from_ref(file);
                    match query(one) {
                        Ok(out) => answers.extend(parse(&out, one)),
                        Err(e) => {
                            if errors < 3 {
                                eprintln!("{name}: {e:#}");
                            }
                            errors += 1;
                            answers.push(None);
                        }
                    }
                }
            }
        }
    }
    Ok(SystemRun {
        name: name.into(),
        version,
        settings,
        audio_seconds_indexed: audio_seconds,
        index_wall_s,
        index_cpu_s,
        index_bytes: dir_bytes(db),
        answers,
        reported: Vec::new(),
        latencies_ms,
        query_peak_rss_bytes: None,
        errors,
    })
}

fn git_commit_near(bin: &Path) -> String {
    // Peers built from a git checkout: name the commit, so BENCHMARKS.md can record it.
    let mut dir = bin.parent();
    while let Some(d) = dir {
        if d.join(".git").exists()
            && let Ok(out) = std::process::Command::new("git")
                .arg("-C")
                .arg(d)
                .args(["rev-parse", "--short", "HEAD"])
                .output()
        {
            return format!("commit {}", String::from_utf8_lossy(&out.stdout).trim());
        }
        dir = d.parent();
    }
    "unknown commit".into()
}

/// Olaf (JorenSix/Olaf): `olaf store FILES`, `olaf query --format json FILES`. Olaf reads its
/// database location only from `$HOME/.olaf/olaf_config.json`, so each run gets its own HOME.
struct Olaf {
    bin: PathBuf,
}

impl Peer for Olaf {
    fn name(&self) -> &'static str {
        "Olaf"
    }
    fn run(
        &self,
        registered: &[PathBuf],
        audio_seconds: f64,
        queries: &[Query],
        work: &Path,
    ) -> Result<SystemRun> {
        let home = work.join("olaf-home");
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(home.join(".olaf"))?;
        let db = home.join("db");
        let config = serde_json::json!({
            "db_folder": format!("{}/", db.display()),
            "cache_folder": format!("{}/", home.join("cache").display()),
        });
        std::fs::write(home.join(".olaf/olaf_config.json"), config.to_string())?;
        let env = [("HOME", home.as_path())];
        let bin = self.bin.to_string_lossy().into_owned();
        run_peer(
            PeerInfo {
                name: "Olaf",
                version: git_commit_near(&self.bin),
                settings: "defaults (single thread)".into(),
                audio_seconds,
            },
            queries,
            &db,
            &mut || capture(&bin, &["store"], registered, &env).map(|_| ()),
            &mut |files| capture(&bin, &["query", "--format", "json"], files, &env),
            &|out, files| parse_olaf(out, files),
        )
    }
}

/// Olaf prints one JSON object per query, concatenated; the best match is the one with the most
/// aligned fingerprints; the query starts at reference_start - query_start in the reference.
fn parse_olaf(out: &str, files: &[PathBuf]) -> Vec<Option<Answer>> {
    let mut by_query: std::collections::HashMap<String, Option<Answer>> = Default::default();
    for value in serde_json::Deserializer::from_str(out)
        .into_iter::<serde_json::Value>()
        .flatten()
    {
        let query = value["query_path"].as_str().unwrap_or_default().to_string();
        let best = value["matches"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["match_count"].as_f64().unwrap_or(0.0) > 0.0)
            .max_by(|a, b| {
                a["match_count"]
                    .as_f64()
                    .unwrap_or(0.0)
                    .total_cmp(&b["match_count"].as_f64().unwrap_or(0.0))
            });
        let answer = best.map(|m| Answer {
            track: PathBuf::from(m["path"].as_str().unwrap_or_default()),
            offset_s: m["reference_start"].as_f64().unwrap_or(0.0)
                - m["query_start"].as_f64().unwrap_or(0.0),
            score: m["match_count"].as_f64().unwrap_or(0.0),
        });
        by_query.entry(query).or_insert(answer);
    }
    files
        .iter()
        .map(|f| by_query.remove(&*f.to_string_lossy()).flatten())
        .collect()
}

/// audfprint (dpwe/audfprint): `audfprint.py new|match --dbase DB --list LIST`.
struct Audfprint {
    script: PathBuf,
    python: String,
}

impl Peer for Audfprint {
    fn name(&self) -> &'static str {
        "audfprint"
    }
    fn run(
        &self,
        registered: &[PathBuf],
        audio_seconds: f64,
        queries: &[Query],
        work: &Path,
    ) -> Result<SystemRun> {
        let dir = work.join("audfprint");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let db = dir.join("db.pklz");
        let script = self.script.to_string_lossy().into_owned();
        let db_arg = db.to_string_lossy().into_owned();
        let list = |name: &str, files: &[PathBuf]| -> Result<PathBuf> {
            let path = dir.join(name);
            let text: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
            std::fs::write(&path, text)?;
            Ok(path)
        };
        let store_list = list("store.txt", registered)?;
        run_peer(
            PeerInfo {
                name: "audfprint",
                version: git_commit_near(&self.script),
                settings: "defaults (density 20, one core)".into(),
                audio_seconds,
            },
            queries,
            &db,
            &mut || {
                capture(
                    &self.python,
                    &[&script, "new", "--dbase", &db_arg, "--list"],
                    std::slice::from_ref(&store_list),
                    &[],
                )
                .map(|_| ())
            },
            &mut |files| {
                let l = list("query.txt", files)?;
                capture(
                    &self.python,
                    &[&script, "match", "--dbase", &db_arg, "--list"],
                    &[l],
                    &[],
                )
            },
            &|out, files| parse_audfprint(out, files),
        )
    }
}

/// audfprint prints, per query, `Matched Q D sec N raw hashes as REF at T s with A of C common
/// hashes at rank R` or `NOMATCH Q ...`; T is where the query starts in REF, A the aligned hashes.
fn parse_audfprint(out: &str, files: &[PathBuf]) -> Vec<Option<Answer>> {
    let mut by_query: std::collections::HashMap<String, Option<Answer>> = Default::default();
    for line in out.lines() {
        if let Some(body) = line.strip_prefix("Matched ") {
            // Query paths may contain spaces: match the known paths, longest first.
            let Some(q) = files
                .iter()
                .map(|f| f.to_string_lossy())
                .filter(|q| body.starts_with(&format!("{q} ")))
                .max_by_key(|q| q.len())
            else {
                continue;
            };
            let tail = &body[q.len() + 1..];
            let Some((_, after_as)) = tail.split_once(" raw hashes as ") else {
                continue;
            };
            // "REF at T s with A of C common hashes at rank R": REF may contain " at ".
            let Some((head, counts)) = after_as.rsplit_once(" s with ") else {
                continue;
            };
            let Some((reference, time)) = head.rsplit_once(" at ") else {
                continue;
            };
            let offset_s: f64 = time.trim().parse().unwrap_or(f64::NAN);
            let score: f64 = counts
                .split_whitespace()
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0.0);
            by_query.entry(q.into_owned()).or_insert(Some(Answer {
                track: PathBuf::from(reference),
                offset_s,
                score,
            }));
        } else if let Some(body) = line.strip_prefix("NOMATCH ")
            && let Some(q) = files
                .iter()
                .map(|f| f.to_string_lossy())
                .filter(|q| body.starts_with(&format!("{q} ")))
                .max_by_key(|q| q.len())
        {
            by_query.entry(q.into_owned()).or_insert(None);
        }
    }
    files
        .iter()
        .map(|f| by_query.remove(&*f.to_string_lossy()).flatten())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audfprint_lines_parse() {
        let files = vec![PathBuf::from("/q/a b.mp3"), PathBuf::from("/q/c.mp3")];
        let out = "Wed log line\nMatched /q/a b.mp3 9.3 sec 809 raw hashes as /m/x at y.mp3 at   37.5 s with   206 of  1350 common hashes at rank  0\nNOMATCH /q/c.mp3 9.9 sec 2217 raw hashes\n";
        let answers = parse_audfprint(out, &files);
        let a = answers[0].as_ref().unwrap();
        assert_eq!(a.track, PathBuf::from("/m/x at y.mp3"));
        assert_eq!((a.offset_s, a.score), (37.5, 206.0));
        assert!(answers[1].is_none());
    }

    #[test]
    fn olaf_json_parses() {
        let files = vec![PathBuf::from("/q/a.mp3"), PathBuf::from("/q/n.mp3")];
        let out = r#"{"query_path":"/q/a.mp3","matches":[{"match_count":29,"query_start":0.264,"path":"/m/r.mp3","reference_start":37.76},{"match_count":9,"query_start":7.8,"path":"/m/r.mp3","reference_start":101.3}]}
{"query_path":"/q/n.mp3","matches":[]}"#;
        let answers = parse_olaf(out, &files);
        let a = answers[0].as_ref().unwrap();
        assert_eq!(a.track, PathBuf::from("/m/r.mp3"));
        assert!((a.offset_s - 37.496).abs() < 1e-9);
        assert!(answers[1].is_none());
    }
}
