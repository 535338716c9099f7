//! Whole-track comparison with Chromaprint's `fpcalc`, where a whole-file fingerprint fits: each
//! recording re-encoded in full to MP3 64 kbit/s, identified against the registered originals.
//!
//! `fpcalc -raw -json` gives one 32-bit sub-fingerprint per ~0.124 s of the first 120 s (its
//! default). Two fingerprints are compared the way AcoustID compares them: slide one over the
//! other (±10 items here, as re-encoding barely shifts audio), count differing bits, and take the
//! best alignment's share of equal bits. A query is answered with the registered recording of
//! highest similarity if that is at least `MATCH_SIMILARITY`.

use crate::corpus::Split;
use anyhow::{Context, Result};
use fermata_index::{Index, MatchOptions};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Equal-bit share needed to call two fingerprints the same recording. Unrelated audio gives
/// about 0.5; re-encodes of the same audio above 0.9.
pub const MATCH_SIMILARITY: f64 = 0.75;
const MAX_SHIFT: i64 = 10;

#[derive(Debug, Serialize)]
pub struct WholeTrackResult {
    pub fpcalc_version: String,
    pub registered_queries: usize,
    pub unregistered_queries: usize,
    pub fpcalc_correct: usize,
    pub fpcalc_false_positives: usize,
    pub fermata_correct: usize,
    pub fermata_false_positives: usize,
    pub fpcalc_seconds: f64,
    pub fermata_seconds: f64,
}

fn fpcalc(path: &Path) -> Result<Vec<u32>> {
    let out = Command::new("fpcalc")
        .args(["-raw", "-json"])
        .arg(path)
        .output()
        .context("running fpcalc")?;
    // Debian's fpcalc 1.5.1 exits 3 after printing a complete fingerprint when it reaches the
    // end of a file (chromaprint issues 122 and 137): the JSON decides, not the status.
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "fpcalc gave no fingerprint for {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok(value["fingerprint"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_u64())
        .map(|v| v as u32)
        .collect())
}

fn similarity(a: &[u32], b: &[u32]) -> f64 {
    (-MAX_SHIFT..=MAX_SHIFT)
        .map(|shift| {
            let pairs = a.iter().enumerate().filter_map(|(i, &x)| {
                let j = i as i64 + shift;
                (j >= 0 && (j as usize) < b.len()).then(|| (x, b[j as usize]))
            });
            let (mut same, mut total) = (0u64, 0u64);
            for (x, y) in pairs {
                same += 32 - (x ^ y).count_ones() as u64;
                total += 32;
            }
            if total < 32 * 40 {
                0.0
            } else {
                same as f64 / total as f64
            }
        })
        .fold(0.0, f64::max)
}

pub fn available() -> Option<String> {
    let out = Command::new("fpcalc").arg("-version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs the comparison; `index` is fermata's index of the registered recordings.
pub fn run(split: &Split, index: &Index, version: String, work: &Path) -> Result<WholeTrackResult> {
    let dir = work.join("whole-tracks");
    std::fs::create_dir_all(&dir)?;
    let sources: Vec<(PathBuf, bool)> = split
        .registered
        .iter()
        .map(|t| (t.path.clone(), true))
        .chain(split.unregistered.iter().map(|t| (t.path.clone(), false)))
        .collect();
    let queries: Vec<(PathBuf, PathBuf, bool)> = sources
        .par_iter()
        .enumerate()
        .map(|(i, (source, registered))| {
            let out = dir.join(format!("{i:03}.mp3"));
            let status = Command::new("ffmpeg")
                .args(["-nostdin", "-v", "error", "-y", "-i"])
                .arg(source)
                .args(["-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k"])
                .arg(&out)
                .status()?;
            anyhow::ensure!(
                status.success(),
                "ffmpeg could not re-encode {}",
                source.display()
            );
            Ok((source.clone(), out, *registered))
        })
        .collect::<Result<_>>()?;

    let t = std::time::Instant::now();
    let references: Vec<(PathBuf, Vec<u32>)> = split
        .registered
        .iter()
        .map(|r| fpcalc(&r.path).map(|fp| (r.path.clone(), fp)))
        .collect::<Result<_>>()?;
    let mut result = WholeTrackResult {
        fpcalc_version: version,
        registered_queries: queries.iter().filter(|q| q.2).count(),
        unregistered_queries: queries.iter().filter(|q| !q.2).count(),
        fpcalc_correct: 0,
        fpcalc_false_positives: 0,
        fermata_correct: 0,
        fermata_false_positives: 0,
        fpcalc_seconds: 0.0,
        fermata_seconds: 0.0,
    };
    for (source, query, registered) in &queries {
        let fp = fpcalc(query)?;
        let best = references
            .iter()
            .map(|(path, r)| (similarity(&fp, r), path))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(s, _)| *s >= MATCH_SIMILARITY);
        match (registered, best) {
            (true, Some((_, path))) if path == source => result.fpcalc_correct += 1,
            (false, Some(_)) => result.fpcalc_false_positives += 1,
            _ => {}
        }
    }
    result.fpcalc_seconds = t.elapsed().as_secs_f64();

    let t = std::time::Instant::now();
    for (source, query, registered) in &queries {
        let found = fermata_engine::identify_file(index, query, &MatchOptions::default())?;
        let best = found.matches.iter().max_by_key(|m| m.score);
        match (registered, best) {
            (true, Some(m)) if Path::new(&m.track_id) == source => result.fermata_correct += 1,
            (false, Some(_)) => result.fermata_false_positives += 1,
            _ => {}
        }
    }
    result.fermata_seconds = t.elapsed().as_secs_f64();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_finds_the_shift() {
        let a: Vec<u32> = (0..200u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
        let b: Vec<u32> = a[3..].to_vec();
        assert!((similarity(&a, &b) - 1.0).abs() < 1e-12);
        let c: Vec<u32> = (0..200u32)
            .map(|i| i.wrapping_mul(40_503).rotate_left(7))
            .collect();
        assert!(similarity(&a, &c) < 0.7);
    }
}
