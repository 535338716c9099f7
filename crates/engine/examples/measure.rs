//! Measures the engine's stages on real files, single-threaded, for BENCHMARKS.md.
//!
//! ```text
//! cargo run --release -p fermata-engine --example measure -- fp FILE...
//! cargo run --release -p fermata-engine --example measure -- query INDEX_DIR FILE...
//! ```
//!
//! `fp` decodes each file to the analysis rate and fingerprints it, timing the two stages apart,
//! and prints both as multiples of real time on one core. `query` times, per file, the whole
//! identification (decode, fingerprint, search) and the search alone, and prints medians and
//! 99th percentiles.

use fermata_fp::{Fingerprinter, Params};
use fermata_index::{Index, MatchOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("fp") => fingerprint_speed(args[1..].iter().map(PathBuf::from).collect()),
        Some("query") if args.len() > 2 => query_latency(
            PathBuf::from(&args[1]),
            args[2..].iter().map(PathBuf::from).collect(),
        ),
        _ => Err("usage: measure fp FILE... | measure query INDEX_DIR FILE...".into()),
    }
}

fn fingerprint_speed(files: Vec<PathBuf>) -> Result<(), Box<dyn std::error::Error>> {
    let params = Params::default();
    let (mut audio_s, mut decode_s, mut fp_s, mut landmarks) = (0.0, 0.0, 0.0, 0usize);
    for file in &files {
        let t = Instant::now();
        let (samples, info) = fermata_audio::decode_to_vec(file, params.sample_rate)?;
        decode_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut fp = Fingerprinter::new(params.clone())?;
        fp.push(&samples);
        landmarks += fp.finish().landmarks.len();
        fp_s += t.elapsed().as_secs_f64();
        audio_s += info.duration_s();
    }
    println!(
        "files {}  audio {:.1} h  landmarks/s {:.1}",
        files.len(),
        audio_s / 3600.0,
        landmarks as f64 / audio_s
    );
    println!(
        "decode+resample  {:8.0}x real time (one core)",
        audio_s / decode_s
    );
    println!(
        "fingerprint      {:8.0}x real time (one core)",
        audio_s / fp_s
    );
    println!(
        "both             {:8.0}x real time (one core)",
        audio_s / (decode_s + fp_s)
    );
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn query_latency(
    index_dir: PathBuf,
    files: Vec<PathBuf>,
) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let index = Index::open(&index_dir)?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let options = MatchOptions::default();
    let (mut total, mut search) = (Vec::new(), Vec::new());
    for file in &files {
        let t = Instant::now();
        let fp = fermata_engine::fingerprint_file(file, index.params())?;
        let s = Instant::now();
        let matches = index.search(&fp.landmarks, &options);
        search.push(s.elapsed().as_secs_f64() * 1e3);
        total.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(matches);
    }
    total.sort_by(f64::total_cmp);
    search.sort_by(f64::total_cmp);
    println!("index open {open_ms:.1} ms, {} queries", files.len());
    println!(
        "identify (decode+fingerprint+search)  median {:.2} ms  p99 {:.2} ms",
        percentile(&total, 0.5),
        percentile(&total, 0.99)
    );
    println!(
        "search alone                          median {:.2} ms  p99 {:.2} ms",
        percentile(&search, 0.5),
        percentile(&search, 0.99)
    );
    Ok(())
}
