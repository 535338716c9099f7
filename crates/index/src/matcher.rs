//! The matcher: finds registered recordings in a query by time-offset consistency.
//!
//! Every query landmark is looked up; each posting gives a candidate (track, offset) where
//! offset = reference time - query time. A recording really present in the query makes many
//! landmarks agree on one offset; chance collisions spread over all offsets. Per track, the
//! matcher finds the offsets with the most agreeing landmarks, splits the agreeing landmarks into
//! runs that are contiguous in the query (so a mix reports each part with its range), and keeps a
//! run only if it has at least [`MIN_ALIGNED_LANDMARKS`]. Anything weaker is *no match*: a wrong
//! identification costs more than a missed one.

use crate::segment::{Posting, Segment};
use fermata_fp::{Landmark, Params};
use serde::Serialize;

/// The fewest query landmarks that must agree on one track and one offset before the matcher
/// reports a match. Set from measured wrong answers (BENCHMARKS.md): over 3,000 benchmark queries
/// (1,200 of unregistered music) under 25 conditions, every wrong answer — unregistered audio
/// matched, or a registered query given another recording — scored 16 or 17, while right answers
/// of clean and codec queries scored 66 or more (5 s Opus 32 kbit/s) and 218 or more at 10 s.
/// 20 leaves a margin over the highest wrong score. It is the floor: `Index::search` raises the
/// threshold as the index grows, so that the false-match probability stays at most
/// [`crate::MAX_FALSE_MATCH_P`] (see the `calibration` module).
pub const MIN_ALIGNED_LANDMARKS: u32 = 20;

/// How the matcher searches.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchOptions {
    /// The fewest aligned landmarks for a match (default [`MIN_ALIGNED_LANDMARKS`]).
    pub min_aligned: u32,
    /// The largest false-match probability a match may have (default
    /// [`crate::MAX_FALSE_MATCH_P`]): `Index::search` raises `min_aligned` as the index grows so
    /// that chance stays this rare (see the `calibration` module). 1 turns it off.
    pub max_false_match_p: f64,
    /// Hashes with more postings than this in a segment are skipped as uninformative.
    pub max_postings_per_hash: usize,
    /// At most this many postings are read per query, rarest hashes first: the bound on a
    /// query's cost as the index grows (see BENCHMARKS.md, scale).
    pub max_postings_per_query: usize,
    /// Offsets within this many frames count as the same alignment (frame jitter).
    pub offset_tolerance_frames: u32,
    /// Aligned landmarks further apart than this in the query start a new run (seconds).
    pub max_gap_s: f64,
    /// At most this many candidate offsets are examined per track.
    pub max_offsets_per_track: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            min_aligned: MIN_ALIGNED_LANDMARKS,
            max_false_match_p: crate::MAX_FALSE_MATCH_P,
            max_postings_per_hash: 20_000,
            max_postings_per_query: 300_000,
            offset_tolerance_frames: 1,
            max_gap_s: 6.0,
            max_offsets_per_track: 8,
        }
    }
}

/// A registered recording found in the query.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The track's id in the index.
    pub track_id: String,
    /// Query landmarks aligned with the track at one offset.
    pub score: u32,
    /// The share of the registered recording's landmarks over the matched range that the query
    /// reproduced (0 to 1): near 1 for a clean copy, lower as noise and codecs remove peaks.
    pub confidence: f64,
    /// Where the match starts in the query (seconds).
    pub query_start_s: f64,
    /// Where it ends in the query (seconds).
    pub query_end_s: f64,
    /// The time in the registered recording that corresponds to `query_start_s`.
    pub reference_start_s: f64,
}

#[derive(Clone, Copy)]
struct Hit {
    segment: u32,
    track: u32,
    offset: i64,
    query_landmark: u32,
}

pub(crate) fn search(
    segments: &[Segment],
    params: &Params,
    query: &[Landmark],
    options: &MatchOptions,
) -> Vec<Match> {
    // Plan: every (segment, landmark) lookup with its posting-list length, rarest first. Rare
    // hashes tell tracks apart; common ones cost the most and tell the least. Reading stops at
    // the posting budget, which bounds a query's cost however large the index grows.
    let mut lookups: Vec<(u64, u32, u32, std::ops::Range<u64>)> = Vec::new();
    for (si, seg) in segments.iter().enumerate() {
        for (qi, l) in query.iter().enumerate() {
            let range = seg.range(l.hash);
            let len = range.end - range.start;
            if len > 0 && len <= options.max_postings_per_hash as u64 {
                lookups.push((len, si as u32, qi as u32, range));
            }
        }
    }
    lookups.sort_unstable_by_key(|l| (l.0, l.1, l.2));
    let mut budget = options.max_postings_per_query as u64;
    lookups.retain(|l| {
        let keep = l.0 <= budget;
        budget = budget.saturating_sub(l.0);
        keep
    });
    lookups.sort_unstable_by_key(|l| (l.1, l.2));

    let mut hits = Vec::new();
    let mut postings: Vec<(Posting, u32)> = Vec::new();
    let mut one: Vec<Posting> = Vec::new();
    let mut per_track: Vec<u32> = Vec::new();
    for segment_lookups in lookups.chunk_by(|a, b| a.1 == b.1) {
        let si = segment_lookups[0].1;
        let seg = &segments[si as usize];
        // First pass: the postings, counted per track. Most tracks collect a few chance hits;
        // only tracks with at least `min_aligned` hits in all can hold a match, so only their
        // hits are kept and sorted.
        postings.clear();
        per_track.clear();
        per_track.resize(seg.n_tracks() as usize, 0);
        for (_, _, qi, range) in segment_lookups {
            one.clear();
            seg.read(range.clone(), &mut one);
            for p in &one {
                if let Some(c) = per_track.get_mut(p.track as usize) {
                    *c += 1;
                }
            }
            postings.extend(one.iter().map(|&p| (p, *qi)));
        }
        hits.extend(
            postings
                .iter()
                .filter(|(p, _)| {
                    per_track
                        .get(p.track as usize)
                        .is_some_and(|&c| c >= options.min_aligned)
                })
                .map(|&(p, qi)| Hit {
                    segment: si,
                    track: p.track,
                    offset: p.time as i64 - query[qi as usize].time as i64,
                    query_landmark: qi,
                }),
        );
    }
    hits.sort_unstable_by_key(|h| (h.segment, h.track, h.offset, h.query_landmark));

    let frame_s = params.frame_seconds();
    let max_gap = (options.max_gap_s / frame_s).ceil() as u32;
    let neighbourhood = (1.0 / frame_s).ceil() as u32;
    let mut matches: Vec<Match> = Vec::new();
    for group in hits.chunk_by(|a, b| a.segment == b.segment && a.track == b.track) {
        if (group.len() as u32) < options.min_aligned {
            continue;
        }
        let track = segments[group[0].segment as usize].track(group[0].track);
        let track_density = track.landmarks as f64 / track.duration_s.max(1e-9);
        let track_id = track.id;
        let mut found: Vec<Match> = Vec::new();
        for window in best_offsets(group, options) {
            let mut times: Vec<(u32, u32)> = window
                .iter()
                .map(|h| (query[h.query_landmark as usize].time, h.query_landmark))
                .collect();
            times.sort_unstable();
            times.dedup_by_key(|t| t.1);
            let offset = window[window.len() / 2].offset;
            for run in times.chunk_by(|a, b| b.0 - a.0 <= max_gap) {
                let run = trim_isolated_ends(run, neighbourhood, options.min_aligned as usize);
                let score = run.len() as u32;
                if score < options.min_aligned {
                    continue;
                }
                let (start, end) = (run[0].0, run[run.len() - 1].0);
                // The matched audio reaches the later peak of each aligned pair, and half a
                // window beyond it.
                let end_frame = run
                    .iter()
                    .map(|&(t, qi)| t + params.pair_frames(query[qi as usize].hash))
                    .max()
                    .unwrap_or(end) as f64
                    + params.fft_size as f64 / 2.0 / params.hop as f64;
                let candidate = Match {
                    track_id: track_id.clone(),
                    score,
                    confidence: (score as f64
                        / (track_density * (end_frame - start as f64) * frame_s).max(1.0))
                    .min(1.0),
                    query_start_s: start as f64 * frame_s,
                    query_end_s: end_frame * frame_s,
                    reference_start_s: (start as i64 + offset).max(0) as f64 * frame_s,
                };
                // A repeated passage (a chorus) aligns at several offsets over the same part of
                // the query: keep only the strongest of overlapping matches of one track.
                if !found.iter().any(|m| overlap(m, &candidate) > 0.5) {
                    found.push(candidate);
                }
            }
        }
        matches.extend(found);
    }
    matches.sort_by(|a, b| {
        a.query_start_s
            .total_cmp(&b.query_start_s)
            .then(b.score.cmp(&a.score))
            .then(a.track_id.cmp(&b.track_id))
    });
    matches
}

/// The windows of near-equal offsets with the most hits, best first, not overlapping.
fn best_offsets<'a>(group: &'a [Hit], options: &MatchOptions) -> Vec<&'a [Hit]> {
    let width = 2 * options.offset_tolerance_frames as i64;
    // For each start, the window [offset, offset + width]; sorted by hit count.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    let mut end = 0;
    for start in 0..group.len() {
        if start > 0 && group[start].offset == group[start - 1].offset {
            continue;
        }
        end = end.max(start);
        while end < group.len() && group[end].offset - group[start].offset <= width {
            end += 1;
        }
        if (end - start) as u32 >= options.min_aligned {
            windows.push((start, end));
        }
    }
    windows.sort_by_key(|&(s, e)| (std::cmp::Reverse(e - s), s));
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for (s, e) in windows {
        if chosen.len() == options.max_offsets_per_track {
            break;
        }
        if chosen.iter().all(|&(cs, ce)| e <= cs || s >= ce) {
            chosen.push((s, e));
        }
    }
    chosen.into_iter().map(|(s, e)| &group[s..e]).collect()
}

/// Drops aligned landmarks at either end of a run that have fewer than two others within
/// `radius` frames: chance alignments just outside a real match would otherwise stretch its
/// range (a mix's first part would appear to run into the second). Never trims below `floor`.
fn trim_isolated_ends(run: &[(u32, u32)], radius: u32, floor: usize) -> &[(u32, u32)] {
    let supported = |run: &[(u32, u32)], i: usize| {
        let t = run[i].0;
        let lo = run.partition_point(|x| x.0 + radius < t);
        let hi = run.partition_point(|x| x.0 <= t + radius);
        hi - lo > 2
    };
    let (mut lo, mut hi) = (0, run.len());
    while hi - lo > floor && !supported(run, lo) {
        lo += 1;
    }
    while hi - lo > floor && !supported(run, hi - 1) {
        hi -= 1;
    }
    &run[lo..hi]
}

/// The share of the shorter match's query range that the two ranges share.
fn overlap(a: &Match, b: &Match) -> f64 {
    let shared = a.query_end_s.min(b.query_end_s) - a.query_start_s.max(b.query_start_s);
    let shorter = (a.query_end_s - a.query_start_s).min(b.query_end_s - b.query_start_s);
    if shorter <= 0.0 {
        0.0
    } else {
        (shared / shorter).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(offset: i64, q: u32) -> Hit {
        Hit {
            segment: 0,
            track: 0,
            offset,
            query_landmark: q,
        }
    }

    #[test]
    fn isolated_ends_are_trimmed() {
        let mut run: Vec<(u32, u32)> = (0..30).map(|i| (100 + i * 5, i)).collect();
        run.insert(0, (10, 99));
        run.push((400, 98));
        let trimmed = trim_isolated_ends(&run, 62, 16);
        assert_eq!(trimmed.first().unwrap().0, 100);
        assert_eq!(trimmed.last().unwrap().0, 245);
        assert_eq!(
            trim_isolated_ends(&run, 62, 31).len(),
            31,
            "never below the floor"
        );
    }

    #[test]
    fn best_offsets_prefers_the_densest_window() {
        let mut group: Vec<Hit> = (0..20).map(|q| hit(100, q)).collect();
        group.extend((0..13).map(|q| hit(500 + (q % 2) as i64, q)));
        group.extend((0..5).map(|q| hit(900, q)));
        group.sort_by_key(|h| (h.offset, h.query_landmark));
        let options = MatchOptions {
            min_aligned: 10,
            ..MatchOptions::default()
        };
        let windows = best_offsets(&group, &options);
        assert_eq!(windows.len(), 2);
        assert_eq!(windows[0].len(), 20);
        assert_eq!(windows[1].len(), 13);
        assert_eq!(windows[1][0].offset, 500);
    }
}
