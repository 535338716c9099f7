//! Calibration of the false-match probability: how high a score chance alone reaches.
//!
//! Every recording of `--music` is registered; excerpts of `--unregistered-music` (which nobody
//! registered) are queried with the match threshold lowered to `--min-score`, so that chance
//! alignments are reported instead of dropped. The best score of each query is the highest
//! chance score against all T registered recordings. If a query's chance scores against
//! different recordings are independent, P(best over T ≥ s) ≈ T·q(s), where q(s) is the chance
//! that one recording reaches s; the tail of q is fitted as log10 q(s) = a − b·s by least
//! squares over the scores seen at least a few times. For an index of N recordings the
//! false-match probability of a score s is then 1 − (1 − q(s))^N.

use crate::corpus::{self, Split};
use crate::queries;
use crate::systems;
use anyhow::{Result, bail};
use fermata_index::{ChanceModel, MatchOptions};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CalibrateArgs {
    /// Music to register (walked recursively).
    #[arg(long, value_name = "DIR")]
    music: PathBuf,
    /// Music nobody registered, to query with (walked recursively).
    #[arg(long, value_name = "DIR")]
    unregistered_music: PathBuf,
    /// Where queries, the index and results go.
    #[arg(long, value_name = "DIR", default_value = "target/calibrate")]
    out: PathBuf,
    /// Seed of the offsets and the noise.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Query lengths in seconds.
    #[arg(long, value_delimiter = ',', default_value = "5,10,20")]
    lengths: Vec<f64>,
    /// Conditions (comma-separated names).
    #[arg(
        long,
        default_value = "clean,mp3-64,pink-10dB,reverb,tempo-5%,speed+5%"
    )]
    conditions: String,
    /// Queries per condition and length.
    #[arg(long, default_value_t = 100)]
    per_cell: usize,
    /// The lowered threshold: chance scores below it are not seen.
    #[arg(long, default_value_t = 5)]
    min_score: u32,
    /// Print JSON instead of Markdown.
    #[arg(long)]
    json: bool,
}

pub fn run(args: CalibrateArgs) -> Result<()> {
    std::fs::create_dir_all(&args.out)?;
    let out = args.out.canonicalize()?;
    let registered = corpus::tracks(&corpus::list(&args.music)?, 30.0)?;
    let unregistered = corpus::tracks(&corpus::list(&args.unregistered_music)?, 30.0)?;
    if registered.is_empty() || unregistered.is_empty() {
        bail!("both --music and --unregistered-music must hold recordings of 30 s or more");
    }
    let split = Split {
        registered,
        unregistered,
        duplicate_groups: Vec::new(),
    };
    let query_dir = out.join("queries");
    let _ = std::fs::remove_dir_all(&query_dir);
    let conditions = queries::select(&args.conditions)?;
    let queries = queries::generate(
        &split,
        &conditions,
        &args.lengths,
        0,
        args.per_cell,
        args.seed,
        &query_dir,
    )?;
    let files: Vec<PathBuf> = split.registered.iter().map(|t| t.path.clone()).collect();
    let seconds: f64 = split.registered.iter().map(|t| t.seconds).sum();
    let options = MatchOptions {
        min_aligned: args.min_score.max(1),
        max_false_match_p: 1.0,
        ..MatchOptions::default()
    };
    let run = systems::run_fermata(
        &fermata_fp::Params::default(),
        &files,
        seconds,
        &queries,
        &out,
        &options,
    )?;
    let best: Vec<u32> = run
        .answers
        .iter()
        .map(|a| a.as_ref().map_or(0, |a| a.score as u32))
        .collect();
    let tracks = files.len() as f64;
    let report = fit(&best, tracks, args.min_score);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", markdown(&report, queries.len(), files.len()));
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct Report {
    /// (score, queries whose best chance score is at least that).
    tail: Vec<(u32, usize)>,
    queries: usize,
    tracks: f64,
    model: Option<ChanceModel>,
    highest: u32,
}

/// Fits log10 q(s) = a − b·s on the scores reached by at least 3 queries.
fn fit(best: &[u32], tracks: f64, min_score: u32) -> Report {
    let highest = best.iter().copied().max().unwrap_or(0);
    let n = best.len();
    let tail: Vec<(u32, usize)> = (min_score..=highest)
        .map(|s| (s, best.iter().filter(|&&b| b >= s).count()))
        .collect();
    let points: Vec<(f64, f64)> = tail
        .iter()
        .filter(|(_, c)| *c >= 3)
        .map(|&(s, c)| (s as f64, (c as f64 / n as f64 / tracks).log10()))
        .collect();
    let model = (points.len() >= 2).then(|| {
        let k = points.len() as f64;
        let (sx, sy) = points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.0, y + p.1));
        let (mx, my) = (sx / k, sy / k);
        let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(a, b), p| {
            (a + (p.0 - mx) * (p.1 - my), b + (p.0 - mx).powi(2))
        });
        let slope = sxy / sxx;
        ChanceModel {
            log10_at_zero: my - slope * mx,
            log10_per_point: slope,
        }
    });
    Report {
        tail,
        queries: n,
        tracks,
        model,
        highest,
    }
}

fn markdown(r: &Report, queries: usize, tracks: usize) -> String {
    let mut out = format!(
        "{queries} unregistered queries against {tracks} registered recordings; highest chance score {}.\n\n\
         | score | queries with best ≥ score | per recording q(s) measured | fitted |\n| ---: | ---: | ---: | ---: |\n",
        r.highest
    );
    for &(s, c) in &r.tail {
        let measured = c as f64 / r.queries.max(1) as f64 / r.tracks;
        let fitted = r
            .model
            .as_ref()
            .map_or("—".into(), |m| format!("{:.2e}", m.per_recording(s)));
        out.push_str(&format!("| {s} | {c} | {measured:.2e} | {fitted} |\n"));
    }
    if let Some(m) = &r.model {
        out.push_str(&format!(
            "\nFit: log10 q(s) = {:.3} {:+.4}·s. False-match probability at the fixed threshold {}, \
             and the threshold that keeps it at most {:e}:\n\n\
             | recordings | P(false match) at {} | threshold for {:e} |\n| ---: | ---: | ---: |\n",
            m.log10_at_zero,
            m.log10_per_point,
            fermata_index::MIN_ALIGNED_LANDMARKS,
            fermata_index::MAX_FALSE_MATCH_P,
            fermata_index::MIN_ALIGNED_LANDMARKS,
            fermata_index::MAX_FALSE_MATCH_P,
        ));
        for n in [30u64, 1_000, 100_000, 1_000_000] {
            out.push_str(&format!(
                "| {n} | {:.2e} | {} |\n",
                m.false_match_probability(fermata_index::MIN_ALIGNED_LANDMARKS, n),
                m.min_score(n, fermata_index::MAX_FALSE_MATCH_P)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_recovers_a_geometric_tail() {
        // 10,000 queries against 10 recordings with q(s) = 10^(−0.5·s): the count reaching s
        // is n·T·q(s).
        let (n, t) = (10_000usize, 10.0);
        let mut best = Vec::new();
        let mut left = n;
        for s in (1..=8u32).rev() {
            let reach = (n as f64 * t * 10f64.powf(-0.5 * s as f64)).round() as usize;
            let already = n - left;
            let new = reach.saturating_sub(already).min(left);
            best.extend(std::iter::repeat_n(s, new));
            left -= new;
        }
        best.extend(std::iter::repeat_n(0, left));
        let r = fit(&best, t, 2);
        let m = r.model.unwrap();
        assert!(
            (m.log10_per_point + 0.5).abs() < 0.1,
            "{}",
            m.log10_per_point
        );
    }
}
