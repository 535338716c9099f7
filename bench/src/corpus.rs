//! The music under test: listing, duplicate detection, and the registered/unregistered split.

use anyhow::{Context, Result, bail};
use fermata_engine::{FileFingerprint, fingerprint_file};
use fermata_fp::Params;
use fermata_index::{IndexWriter, MatchOptions, NewTrack};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A source recording.
#[derive(Clone, Debug, Serialize)]
pub struct Track {
    pub path: PathBuf,
    pub seconds: f64,
}

/// The split: which tracks are indexed, which are only ever queried as unknown.
#[derive(Clone, Debug, Serialize)]
pub struct Split {
    pub registered: Vec<Track>,
    pub unregistered: Vec<Track>,
    /// Groups of files found to hold the same recording (kept on one side of the split).
    pub duplicate_groups: Vec<Vec<PathBuf>>,
}

/// Lists the audio files of `dir` (recursively), shortest-name-first order made stable by sorting.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let inputs = fermata_engine::collect_inputs(&[dir.to_path_buf()], None)?;
    if inputs.is_empty() {
        bail!(
            "no audio files under {}; give a directory of music (e.g. the dev corpus's music/)",
            dir.display()
        );
    }
    Ok(inputs.into_iter().map(|i| i.path).collect())
}

/// A small deterministic generator (SplitMix64), so a seed always gives the same benchmark.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Fingerprints every file, finds files that hold the same recording (identical audio, or a
/// 30 s stretch of one matching another strongly), and splits the groups with `seed`.
pub fn split(
    files: &[PathBuf],
    registered_fraction: f64,
    min_seconds: f64,
    seed: u64,
    work: &Path,
) -> Result<Split> {
    let params = Params::default();
    let fps: Vec<(PathBuf, FileFingerprint)> = files
        .par_iter()
        .map(|f| {
            fingerprint_file(f, &params)
                .map(|fp| (f.clone(), fp))
                .with_context(|| format!("fingerprinting {}", f.display()))
        })
        .collect::<Result<_>>()?;
    let fps: Vec<(PathBuf, FileFingerprint)> = fps
        .into_iter()
        .filter(|(_, fp)| fp.info.duration_s() >= min_seconds)
        .collect();
    if fps.len() < 4 {
        bail!(
            "only {} tracks of {min_seconds} s or more: the benchmark needs at least 4",
            fps.len()
        );
    }

    // One index of everything, with each file's position as its id, to find twins.
    let dir = work.join("dedup-index");
    let _ = std::fs::remove_dir_all(&dir);
    let mut writer = IndexWriter::open_or_create(&dir, &params)?;
    let tracks: Vec<NewTrack> = fps
        .iter()
        .enumerate()
        .map(|(i, (_, fp))| {
            NewTrack::new(
                i.to_string(),
                fp.content_hash,
                fp.info.duration_s(),
                None,
                fp.landmarks.clone(),
            )
        })
        .collect();
    let outcomes = writer.add_batch(tracks)?;
    let mut parent: Vec<usize> = (0..fps.len()).collect();
    fn root(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        p[i] = r;
        r
    }
    for (i, outcome) in outcomes.iter().enumerate() {
        if let fermata_index::AddOutcome::DuplicateOf(other) = outcome {
            let j: usize = other.parse()?;
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        }
    }
    let frame_s = params.frame_seconds();
    let strict = MatchOptions {
        min_aligned: 4 * fermata_index::MIN_ALIGNED_LANDMARKS,
        ..MatchOptions::default()
    };
    for (i, (_, fp)) in fps.iter().enumerate() {
        // The middle 30 s of the track, as a query against all others.
        let mid = fp.info.duration_s() / 2.0;
        let (lo, hi) = (
            ((mid - 15.0) / frame_s) as u32,
            ((mid + 15.0) / frame_s) as u32,
        );
        let window: Vec<_> = fp
            .landmarks
            .iter()
            .filter(|l| l.time >= lo && l.time < hi)
            .copied()
            .collect();
        for m in writer.index().search(&window, &strict) {
            let j: usize = m.track_id.parse()?;
            if j != i {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    drop(writer);
    let _ = std::fs::remove_dir_all(&dir);

    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..fps.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    let mut rng = Rng::new(seed);
    rng.shuffle(&mut groups);
    let n_registered =
        ((groups.len() as f64 * registered_fraction).round() as usize).clamp(1, groups.len() - 1);
    let track = |i: usize| Track {
        path: fps[i].0.clone(),
        seconds: fps[i].1.info.duration_s(),
    };
    let duplicate_groups = groups
        .iter()
        .filter(|g| g.len() > 1)
        .map(|g| g.iter().map(|&i| fps[i].0.clone()).collect())
        .collect();
    // A group is one recording: only its first file is used, on either side, so that no query
    // comes from an unregistered twin of a registered track and no query has two right answers.
    let registered = groups[..n_registered].iter().map(|g| track(g[0])).collect();
    let unregistered = groups[n_registered..].iter().map(|g| track(g[0])).collect();
    Ok(Split {
        registered,
        unregistered,
        duplicate_groups,
    })
}

/// The recordings among `files` at least `min_seconds` long, with their durations (decoded once,
/// in parallel).
pub fn tracks(files: &[PathBuf], min_seconds: f64) -> Result<Vec<Track>> {
    let all = files
        .par_iter()
        .map(|path| {
            let info = fermata_audio::decode_stream(path, 8000, &mut |_| {})
                .with_context(|| format!("decoding {}", path.display()))?;
            Ok(Track {
                path: path.clone(),
                seconds: info.duration_s(),
            })
        })
        .collect::<Result<Vec<Track>>>()?;
    Ok(all
        .into_iter()
        .filter(|t| t.seconds >= min_seconds)
        .collect())
}
