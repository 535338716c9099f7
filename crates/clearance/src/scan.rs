//! Clearance scans of training datasets, and the manifests built from them.

use crate::cache::{CachedIdentification, IdentifyCache};
use crate::{ClearanceError, Home, io};
use fermata_engine::{InputFile, collect_inputs, identify_file};
use fermata_index::{Index, MatchOptions};
use fermata_manifest::{Declared, Entry, Manifest, ScanInfo};
use fermata_registry::{
    FileError, FileMatch, ManifestRecord, Registry, Scan, ScanFile, Territory, Use, Verdict,
};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What to scan and for whom.
#[derive(Clone, Debug)]
pub struct ScanRequest {
    /// The dataset directory (walked recursively for audio files).
    pub dataset: PathBuf,
    /// The developer asking.
    pub developer: String,
    /// The model the data is for.
    pub model: String,
    /// The use asked about.
    pub use_: Use,
    /// Where the use happens.
    pub territory: Territory,
    /// Save identified files after this many (a crash loses at most one batch, or 2 s of work).
    pub save_every: usize,
    /// Where files came from: path (relative to the dataset) → URL. A file whose source
    /// reserves AI training (TDMRep, robots.txt Content-Usage, response headers) is denied even
    /// when no registered recording is found in it.
    pub sources: std::collections::HashMap<String, String>,
    /// Reuse identifications of the same bytes against the same index from
    /// `HOME/cache/identify` (see [`crate::cache`]), and store new ones there. Off: every file
    /// is decoded and fingerprinted.
    pub use_cache: bool,
}

/// The default of [`ScanRequest::save_every`].
pub const DEFAULT_SAVE_EVERY: usize = 64;

/// Progress of a scan.
#[derive(Debug)]
pub enum ScanEvent<'a> {
    /// The plan: files to identify now, and files already identified by an earlier run.
    Planned {
        /// Files to identify.
        to_identify: usize,
        /// Files kept from an interrupted run.
        already_done: usize,
        /// True when an unfinished scan is being resumed.
        resumed: bool,
        /// The scan's id.
        scan_id: &'a str,
    },
    /// One file identified (saved shortly after, in a batch).
    Identified {
        /// Path relative to the dataset.
        path: &'a str,
        /// Seconds of audio.
        duration_s: f64,
    },
}

/// Files and hours with one verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerdictCount {
    /// The verdict.
    pub verdict: Verdict,
    /// Files.
    pub files: u64,
    /// Hours of audio.
    pub hours: f64,
}

/// One holder's part in a scan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HolderSummary {
    /// The holder.
    pub holder: String,
    /// Distinct works of the holder found.
    pub works: u64,
    /// Files holding those works, by the holder's own answer (cleared, licence-required, denied).
    pub files: BTreeMap<String, u64>,
}

/// The totals of a scan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanSummary {
    /// Files scanned.
    pub files: u64,
    /// Hours of audio.
    pub hours: f64,
    /// Per verdict, in the order of [`Verdict::ALL`].
    pub verdicts: Vec<VerdictCount>,
    /// Per holder whose works were found.
    pub holders: Vec<HolderSummary>,
}

/// The result of [`run_scan`].
#[derive(Clone, Debug, Serialize)]
pub struct ScanOutcome {
    /// The scan record.
    pub scan: Scan,
    /// True when an unfinished scan was resumed.
    pub resumed: bool,
    /// True when interrupted: the scan stays open and the same request resumes it.
    pub interrupted: bool,
    /// Files identified by this run.
    pub identified_now: usize,
    /// Files kept from an earlier run.
    pub already_done: usize,
    /// Of `identified_now`, files whose identification came from the identification cache
    /// (same bytes, same index, same options): not decoded nor fingerprinted again.
    pub from_cache: usize,
    /// Every file with its verdict (when finished).
    pub files: Vec<ScanFile>,
    /// Totals (when finished).
    pub summary: Option<ScanSummary>,
}

/// Save identified files at least this often, so an interruption or crash loses little.
const SAVE_EVERY: Duration = Duration::from_secs(2);

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn scan_one(
    index: &Index,
    cache: Option<&IdentifyCache>,
    input: &InputFile,
    hits: &std::sync::atomic::AtomicUsize,
) -> ScanFile {
    let mut file = ScanFile {
        path: input.id.clone(),
        size: 0,
        mtime_ns: 0,
        sha256: None,
        duration_s: 0.0,
        matches: Vec::new(),
        error: None,
        verdict: None,
        source: None,
    };
    let fail = |kind: &str, message: String| {
        Some(FileError {
            kind: kind.into(),
            message,
        })
    };
    match std::fs::metadata(&input.path) {
        Ok(meta) => {
            file.size = meta.len();
            file.mtime_ns = mtime_ns(&meta);
        }
        Err(e) => {
            file.error = fail("unreadable", format!("{}: {e}", input.path.display()));
            return file;
        }
    }
    match sha256_file(&input.path) {
        Ok(h) => file.sha256 = Some(h),
        Err(e) => {
            file.error = fail("unreadable", format!("{}: {e}", input.path.display()));
            return file;
        }
    }
    let sha256 = file.sha256.clone().unwrap_or_default();
    if let Some(cached) = cache.and_then(|c| c.get(&sha256)) {
        hits.fetch_add(1, Ordering::Relaxed);
        file.duration_s = cached.duration_s;
        file.matches = cached.matches;
        return file;
    }
    match identify_file(index, &input.path, &MatchOptions::default()) {
        Ok(found) => {
            file.duration_s = found.duration_s;
            file.matches = found
                .matches
                .into_iter()
                .map(|m| FileMatch {
                    track_id: m.track_id,
                    start_s: m.query_start_s,
                    end_s: m.query_end_s,
                    reference_start_s: m.reference_start_s,
                    false_match_p: Some(index.false_match_probability(m.score)),
                    score: m.score,
                })
                .collect();
            if let Some(cache) = cache {
                // A cache that cannot be written costs the next scan time, never a result.
                let _ = cache.put(
                    &sha256,
                    &CachedIdentification {
                        duration_s: file.duration_s,
                        matches: file.matches.clone(),
                    },
                );
            }
        }
        // Failures are not cached: the next scan tries the file again.
        Err(e) => file.error = fail(e.kind(), e.to_string()),
    }
    file
}

/// Scans `request.dataset`: every audio file is hashed and identified against the home's index
/// (in parallel), saved in batches, and once all are done each gets its verdict from today's
/// policies and licences.
///
/// Resumable: the same request on an unfinished scan (interrupted, or the process killed)
/// continues it, skipping files already identified whose content (SHA-256) is unchanged since. When `cancel` is
/// set, no new file is started, the finished ones are saved, and the outcome says
/// `interrupted`.
pub fn run_scan(
    home: &Home,
    registry: &mut Registry,
    request: &ScanRequest,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(ScanEvent<'_>),
) -> Result<ScanOutcome, ClearanceError> {
    if !request.dataset.is_dir() {
        return Err(ClearanceError::Invalid(format!(
            "{} is not a directory: give the dataset's top directory",
            request.dataset.display()
        )));
    }
    let dataset = std::fs::canonicalize(&request.dataset).map_err(io(&request.dataset))?;
    let inputs = collect_inputs(std::slice::from_ref(&dataset), None)?;
    let index = Index::open(&home.index_dir())?;
    // Keyed by this very view of the index, so a result is never reused under another one.
    let cache = if request.use_cache {
        Some(IdentifyCache::open(home, &index, &MatchOptions::default())?)
    } else {
        None
    };
    let (scan, resumed) = registry.open_scan(
        &request.developer,
        &request.model,
        request.use_,
        &request.territory,
        &dataset.to_string_lossy(),
    )?;
    // A file is skipped on resume only when its bytes are those identified before: its size and
    // modification time can be kept while its content changes, its SHA-256 cannot.
    let done: HashMap<String, (u64, String)> = registry
        .scan_files(&scan.id)?
        .into_iter()
        .filter_map(|f| Some((f.path, (f.size, f.sha256?))))
        .collect();
    let current: BTreeSet<String> = inputs.iter().map(|i| i.id.clone()).collect();
    let todo: Vec<InputFile> = inputs
        .into_par_iter()
        .filter(|i| {
            let Some((size, sha256)) = done.get(&i.id) else {
                return true;
            };
            let same_size = std::fs::metadata(&i.path).is_ok_and(|m| m.len() == *size);
            !(same_size && sha256_file(&i.path).is_ok_and(|h| &h == sha256))
        })
        .collect();
    let already_done = current.len() - todo.len();
    // Sources are read here, one origin at a time, before the parallel identification.
    let mut fetcher = crate::sources::Fetcher::default();
    let mut checked: HashMap<String, fermata_registry::SourceCheck> = HashMap::new();
    for input in &todo {
        if let Some(url) = request.sources.get(&input.id) {
            let check = match fetcher.reserved(url) {
                Ok(reserved) => fermata_registry::SourceCheck {
                    url: url.clone(),
                    reserved,
                    error: None,
                },
                Err(e) => fermata_registry::SourceCheck {
                    url: url.clone(),
                    reserved: None,
                    error: Some(e.to_string()),
                },
            };
            checked.insert(input.id.clone(), check);
        }
    }
    on_event(ScanEvent::Planned {
        to_identify: todo.len(),
        already_done,
        resumed,
        scan_id: &scan.id,
    });

    let started = std::sync::atomic::AtomicUsize::new(0);
    let hits = std::sync::atomic::AtomicUsize::new(0);
    // Set when saving fails, so the workers stop too.
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<ScanFile>(64);
    let mut identified_now = 0;
    let saved: Result<(), ClearanceError> = std::thread::scope(|s| {
        let (todo, index, started, stop, checked) = (&todo, &index, &started, &stop, &checked);
        let (cache, hits) = (cache.as_ref(), &hits);
        s.spawn(move || {
            todo.par_iter().for_each_with(tx, |tx, input| {
                if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                    return;
                }
                started.fetch_add(1, Ordering::Relaxed);
                let mut file = scan_one(index, cache, input, hits);
                file.source = checked.get(&input.id).cloned();
                let _ = tx.send(file);
            });
        });
        let mut pending: Vec<ScanFile> = Vec::new();
        let mut last_save = Instant::now();
        let mut result = Ok(());
        loop {
            let received = rx.recv_timeout(SAVE_EVERY.saturating_sub(last_save.elapsed()));
            let finished = matches!(received, Err(mpsc::RecvTimeoutError::Disconnected));
            if let Ok(file) = received {
                on_event(ScanEvent::Identified {
                    path: &file.path,
                    duration_s: file.duration_s,
                });
                identified_now += 1;
                pending.push(file);
            }
            if (finished
                || pending.len() >= request.save_every.max(1)
                || last_save.elapsed() >= SAVE_EVERY)
                && result.is_ok()
            {
                if !pending.is_empty() {
                    result = registry
                        .record_scan_files(&scan.id, &pending)
                        .map_err(ClearanceError::from);
                    pending.clear();
                }
                last_save = Instant::now();
            }
            if result.is_err() {
                // Stop the workers; keep draining so that they can finish.
                stop.store(true, Ordering::Relaxed);
            }
            if finished {
                break;
            }
        }
        result
    });
    saved?;
    let interrupted = started.load(Ordering::Relaxed) < todo.len();
    if interrupted {
        return Ok(ScanOutcome {
            scan,
            resumed,
            interrupted: true,
            identified_now,
            already_done,
            from_cache: hits.load(Ordering::Relaxed),
            files: Vec::new(),
            summary: None,
        });
    }
    let (scan, files) = registry.finish_scan(&scan.id, Some(&current))?;
    let summary = summarise(&files);
    Ok(ScanOutcome {
        scan,
        resumed,
        interrupted: false,
        identified_now,
        already_done,
        from_cache: hits.load(Ordering::Relaxed),
        files,
        summary: Some(summary),
    })
}

/// Totals of a finished scan's files.
pub fn summarise(files: &[ScanFile]) -> ScanSummary {
    let mut verdicts: Vec<VerdictCount> = Verdict::ALL
        .iter()
        .map(|&verdict| VerdictCount {
            verdict,
            files: 0,
            hours: 0.0,
        })
        .collect();
    let mut holders: BTreeMap<String, (BTreeSet<String>, BTreeMap<String, u64>)> = BTreeMap::new();
    let mut hours = 0.0;
    for f in files {
        hours += f.duration_s / 3600.0;
        let Some(v) = &f.verdict else { continue };
        if let Some(c) = verdicts.iter_mut().find(|c| c.verdict == v.verdict) {
            c.files += 1;
            c.hours += f.duration_s / 3600.0;
        }
        let mut counted: BTreeSet<(String, Verdict)> = BTreeSet::new();
        for w in &v.works {
            for h in &w.holders {
                let entry = holders.entry(h.holder.clone()).or_default();
                entry.0.insert(w.isrc.to_string());
                if counted.insert((h.holder.clone(), h.verdict)) {
                    *entry.1.entry(h.verdict.as_str().to_string()).or_default() += 1;
                }
            }
        }
    }
    ScanSummary {
        files: files.len() as u64,
        hours,
        verdicts,
        holders: holders
            .into_iter()
            .map(|(holder, (works, files))| HolderSummary {
                holder,
                works: works.len() as u64,
                files,
            })
            .collect(),
    }
}

/// Writes the manifest of a finished scan's cleared files to `out` (default: the home's
/// `manifests/ID.json`), atomically, and records it in the registry.
pub fn build_manifest(
    home: &Home,
    registry: &mut Registry,
    scan_id: &str,
    out: Option<&Path>,
    actor: &str,
) -> Result<(Manifest, PathBuf), ClearanceError> {
    let scan = registry.scan(scan_id)?;
    let Some(finished_at) = scan.finished_at.clone() else {
        return Err(ClearanceError::Invalid(format!(
            "scan {scan_id} is not finished: run the same `fermata scan` command again to complete it"
        )));
    };
    let mut entries = Vec::new();
    for file in registry.scan_files(scan_id)? {
        let (Some(verdict), Some(sha256)) = (&file.verdict, &file.sha256) else {
            continue;
        };
        if verdict.verdict != Verdict::Cleared {
            continue;
        }
        for work in &verdict.works {
            entries.push(Entry {
                isrc: work.isrc.to_string(),
                title: work.title.clone(),
                path: file.path.clone(),
                sha256: sha256.clone(),
                clearance: work
                    .holders
                    .iter()
                    .map(|h| {
                        h.licence
                            .clone()
                            .unwrap_or_else(|| format!("policy:{}", h.holder))
                    })
                    .collect(),
                holders: work.holders.iter().map(|h| h.holder.clone()).collect(),
            });
        }
    }
    let id = registry.next_manifest_id()?;
    let info = ScanInfo {
        id: scan.id.clone(),
        developer: scan.developer.clone(),
        model: scan.model.clone(),
        use_: scan.use_.to_string(),
        territory: scan.territory.to_string(),
        dataset: scan.dataset.clone(),
        finished_at,
    };
    // Files whose source the developer declared: a category of their own, listed apart from
    // the entries (leaves are registered works) and never counted as cleared.
    let declared = registry
        .declarations(scan_id)?
        .into_iter()
        .map(|d| Declared {
            path: d.path,
            sha256: d.sha256,
            source: d.source.as_str().to_string(),
            reference: d.reference.unwrap_or_default(),
        })
        .collect();
    let manifest = Manifest::build_declared(&id, &registry.now().at, info, entries, declared);
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => home.manifests_dir().join(format!("{id}.json")),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, manifest.to_json()).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    // Recorded absolute, so that the registry finds it from any working directory.
    let path = std::fs::canonicalize(&path).map_err(io(&path))?;
    registry.record_manifest(
        &ManifestRecord {
            id,
            scan_id: scan_id.into(),
            root: manifest.merkle.root.clone(),
            leaves: manifest.merkle.tree_size,
            path: path.to_string_lossy().into(),
            created_at: manifest.created_at.clone(),
        },
        actor,
    )?;
    Ok((manifest, path))
}
