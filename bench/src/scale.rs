//! The scale test: an index of hundreds of thousands of synthetic tracks whose landmark
//! statistics are measured on real music, queried with real music.
//!
//! Real audio of that size is not available here, so each synthetic track is a stream of
//! landmarks drawn from distributions measured on the corpus: landmarks per second, the anchor
//! frequency field's distribution, and the joint distribution of the (frequency difference, time
//! difference) fields; durations are drawn from the corpus's durations. Queries are real music
//! fingerprinted with the query profile (none of it is in the index, so every answer must be "no
//! match", and the best chance score shows how the threshold holds at scale), plus synthetic
//! queries cut from indexed tracks with half their landmarks replaced (every one must be found).

use crate::corpus::Rng;
use crate::systems::{peak_rss_bytes, process_cpu_s};
use anyhow::{Result, bail};
use fermata_fp::{Landmark, Params};
use fermata_index::{Index, IndexWriter, MatchOptions, NewTrack};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Low bits of a hash holding the (frequency difference, time difference) fields.
const PAIR_BITS: u32 = 14;

/// Distributions measured on real music.
struct Model {
    landmarks_per_second: f64,
    durations_s: Vec<f64>,
    /// Cumulative counts of the anchor field and of the pair field.
    anchor_cdf: Vec<u64>,
    pair_cdf: Vec<u64>,
    frame_s: f64,
}

fn cdf(counts: &[u64]) -> Vec<u64> {
    let mut acc = 0;
    counts
        .iter()
        .map(|c| {
            acc += c;
            acc
        })
        .collect()
}

fn draw(cdf: &[u64], rng: &mut Rng) -> u32 {
    let total = *cdf.last().unwrap_or(&1);
    let x = rng.next_u64() % total.max(1);
    cdf.partition_point(|&c| c <= x) as u32
}

impl Model {
    fn measure(files: &[PathBuf], params: &Params) -> Result<Model> {
        let fps: Vec<(f64, Vec<Landmark>)> = files
            .par_iter()
            .map(|f| {
                fermata_engine::fingerprint_file(f, params)
                    .map(|fp| (fp.info.duration_s(), fp.landmarks))
            })
            .collect::<Result<_, _>>()?;
        let mut anchor = vec![0u64; 1 << (params.hash_bits() - PAIR_BITS)];
        let mut pair = vec![0u64; 1 << PAIR_BITS];
        let (mut seconds, mut count) = (0.0, 0usize);
        for (d, landmarks) in &fps {
            seconds += d;
            count += landmarks.len();
            for l in landmarks {
                anchor[(l.hash >> PAIR_BITS) as usize] += 1;
                pair[(l.hash & ((1 << PAIR_BITS) - 1)) as usize] += 1;
            }
        }
        if count == 0 {
            bail!("the music gave no landmarks to measure");
        }
        Ok(Model {
            landmarks_per_second: count as f64 / seconds,
            durations_s: fps.iter().map(|(d, _)| *d).collect(),
            anchor_cdf: cdf(&anchor),
            pair_cdf: cdf(&pair),
            frame_s: params.frame_seconds(),
        })
    }

    fn track(&self, number: u64) -> NewTrack {
        let mut rng = Rng::new(number.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xABCD);
        let duration_s = self.durations_s[rng.below(self.durations_s.len())];
        let frames = (duration_s / self.frame_s) as u64;
        let n = (duration_s * self.landmarks_per_second) as usize;
        let mut landmarks: Vec<Landmark> = (0..n)
            .map(|_| Landmark {
                hash: (draw(&self.anchor_cdf, &mut rng) << PAIR_BITS)
                    | draw(&self.pair_cdf, &mut rng),
                time: (rng.next_u64() % frames.max(1)) as u32,
            })
            .collect();
        landmarks.sort_by_key(|l| l.time);
        let id = format!("synthetic-{number:08}");
        let content = synthetic_content_key(&id);
        NewTrack::new(id, content, duration_s, None, landmarks)
    }
}

/// A content key for a synthetic track (it has no audio): its id, spread over 32 bytes.
fn synthetic_content_key(id: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut rng = Rng::new(
        id.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(b as u64)),
    );
    for chunk in out.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
    }
    out
}

/// Figures at one index size.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub tracks: u64,
    pub segments: usize,
    pub landmarks: u64,
    pub index_bytes: u64,
    pub bytes_per_hour: f64,
    pub open_ms: f64,
    pub search_median_ms: f64,
    pub search_p99_ms: f64,
    pub real_queries: usize,
    pub real_false_positives: usize,
    pub best_chance_score: u32,
    pub synthetic_queries: usize,
    pub synthetic_found: usize,
    pub peak_rss_mib_while_querying: f64,
    /// Of the resident memory at the end: the process's own (heap) and the mapped index pages
    /// (page cache the kernel may reclaim).
    #[serde(default)]
    pub rss_anon_mib: f64,
    #[serde(default)]
    pub rss_file_mib: f64,
    pub build_cpu_s: f64,
}

fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Grows an index to each size in `sizes` (tracks) and measures it there.
pub fn run(
    music: &Path,
    sizes: &[u64],
    out: &Path,
    batch: u64,
    queries_per_track: usize,
) -> Result<Vec<Checkpoint>> {
    let params = Params::default();
    let files = crate::corpus::list(music)?;
    eprintln!("measuring landmark statistics on {} files", files.len());
    let model = Model::measure(&files, &params)?;
    eprintln!(
        "{:.1} landmarks per second; making real queries",
        model.landmarks_per_second
    );
    let query_params = params.query_profile();
    let real: Vec<Vec<Landmark>> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| -> Result<Vec<Vec<Landmark>>> {
            let (samples, _) = fermata_audio::decode_to_vec(f, params.sample_rate)?;
            let mut rng = Rng::new(i as u64 + 77);
            let len = 10 * params.sample_rate as usize;
            Ok((0..queries_per_track)
                .filter(|_| samples.len() > len)
                .map(|_| {
                    let start = rng.below(samples.len() - len);
                    fermata_fp::fingerprint(&samples[start..start + len], &query_params)
                        .map(|f| f.landmarks)
                        .unwrap_or_default()
                })
                .collect())
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();

    let dir = out.join("scale-index");
    let _ = std::fs::remove_dir_all(&dir);
    let mut writer = IndexWriter::open_or_create(&dir, &params)?;
    let mut made = 0u64;
    let mut checkpoints = Vec::new();
    let cpu0 = process_cpu_s().unwrap_or(0.0);
    for &size in sizes {
        while made < size {
            let n = batch.min(size - made);
            let t = Instant::now();
            let tracks: Vec<NewTrack> = (made..made + n)
                .into_par_iter()
                .map(|i| model.track(i))
                .collect();
            writer.add_batch(tracks)?;
            made += n;
            eprintln!(
                "{made} tracks ({:.0} s for the batch)",
                t.elapsed().as_secs_f64()
            );
        }
        writer.merge_all()?;
        let build_cpu_s = process_cpu_s().unwrap_or(0.0) - cpu0;
        checkpoints.push(measure(&dir, &model, &real, made, build_cpu_s)?);
        eprintln!(
            "{}",
            serde_json::to_string(checkpoints.last().expect("just pushed"))?
        );
    }
    Ok(checkpoints)
}

/// The queries of one checkpoint, handed to a child process so that its peak memory is the
/// memory of querying alone.
#[derive(Serialize, serde::Deserialize)]
pub struct QuerySet {
    real: Vec<Vec<(u32, u32)>>,
    synthetic: Vec<(String, Vec<(u32, u32)>)>,
}

fn pairs(landmarks: &[Landmark]) -> Vec<(u32, u32)> {
    landmarks.iter().map(|l| (l.hash, l.time)).collect()
}

fn unpairs(pairs: &[(u32, u32)]) -> Vec<Landmark> {
    pairs
        .iter()
        .map(|&(hash, time)| Landmark { hash, time })
        .collect()
}

fn measure(
    dir: &Path,
    model: &Model,
    real: &[Vec<Landmark>],
    tracks: u64,
    build_cpu_s: f64,
) -> Result<Checkpoint> {
    // Synthetic registered queries: 10 s of an indexed track with half of its landmarks replaced
    // by random ones, as degradation would.
    let mut rng = Rng::new(tracks);
    let frames = (10.0 / model.frame_s) as u32;
    let synthetic = (0..100)
        .map(|_| {
            let track = model.track(rng.next_u64() % tracks);
            let max_start = track
                .landmarks
                .last()
                .map_or(0, |l| l.time)
                .saturating_sub(frames);
            let start = (rng.next_u64() % (max_start as u64 + 1)) as u32;
            let query: Vec<(u32, u32)> = track
                .landmarks
                .iter()
                .filter(|l| l.time >= start && l.time < start + frames)
                .map(|l| {
                    let hash = if rng.unit() < 0.5 {
                        l.hash
                    } else {
                        (rng.next_u64() as u32) & ((1 << 23) - 1)
                    };
                    (hash, l.time - start)
                })
                .collect();
            (track.meta.id, query)
        })
        .collect();
    let set = QuerySet {
        real: real.iter().map(|q| pairs(q)).collect(),
        synthetic,
    };
    let file = dir.with_extension("queries.json");
    std::fs::write(&file, serde_json::to_vec(&set)?)?;
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("scale-query")
        .arg("--index")
        .arg(dir)
        .arg("--queries")
        .arg(&file)
        .output()?;
    if !out.status.success() {
        bail!(
            "the query process failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut checkpoint: Checkpoint = serde_json::from_slice(&out.stdout)?;
    checkpoint.tracks = tracks;
    checkpoint.build_cpu_s = build_cpu_s;
    Ok(checkpoint)
}

/// The child process: opens the index, runs the queries, prints a checkpoint as JSON.
pub fn query_process(dir: &Path, queries: &Path) -> Result<()> {
    let set: QuerySet = serde_json::from_slice(&std::fs::read(queries)?)?;
    let t = Instant::now();
    let index = Index::open(dir)?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let stats = index.stats();
    let options = MatchOptions::default();
    let probe = MatchOptions {
        min_aligned: 2,
        max_false_match_p: 1.0,
        ..MatchOptions::default()
    };
    let mut times = Vec::new();
    let (mut false_positives, mut best_chance) = (0, 0);
    for q in &set.real {
        let q = unpairs(q);
        let t = Instant::now();
        let found = index.search(&q, &options);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        false_positives += !found.is_empty() as usize;
        best_chance = best_chance.max(
            index
                .search(&q, &probe)
                .iter()
                .map(|m| m.score)
                .max()
                .unwrap_or(0),
        );
    }
    let mut found = 0;
    for (id, q) in &set.synthetic {
        let q = unpairs(q);
        let t = Instant::now();
        let matches = index.search(&q, &options);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        found += matches.first().is_some_and(|m| &m.track_id == id) as usize;
    }
    let checkpoint = Checkpoint {
        tracks: stats.tracks,
        segments: stats.segments,
        landmarks: stats.landmarks,
        index_bytes: stats.bytes,
        bytes_per_hour: stats.bytes_per_hour,
        open_ms,
        search_median_ms: crate::report::percentile(&times, 0.5),
        search_p99_ms: crate::report::percentile(&times, 0.99),
        real_queries: set.real.len(),
        real_false_positives: false_positives,
        best_chance_score: best_chance,
        synthetic_queries: set.synthetic.len(),
        synthetic_found: found,
        peak_rss_mib_while_querying: peak_rss_bytes().unwrap_or(0) as f64 / (1024.0 * 1024.0),
        rss_anon_mib: status_mib("RssAnon:"),
        rss_file_mib: status_mib("RssFile:"),
        build_cpu_s: 0.0,
    };
    println!("{}", serde_json::to_string(&checkpoint)?);
    Ok(())
}
