//! How likely a score is to come from chance: the false-match probability of a match.
//!
//! A query of music nobody registered still shares a few landmarks with registered recordings,
//! and now and then several of them happen to agree on one offset. `fermata-bench calibrate`
//! measures how high these chance scores go: every recording of the development corpus is
//! registered, thousands of excerpts of music nobody registered (plain, MP3, noise, reverb,
//! tempo and speed changed) are queried with the threshold lowered, and the best score of each
//! query is counted. The share of queries whose best chance score reaches `s`, divided by the
//! number of registered recordings, estimates q(s): the chance that one given recording reaches
//! `s` with a query it is not in. Its tail falls geometrically, so it is fitted as
//! `log10 q(s) = log10_at_zero + log10_per_point · s` ([`CHANCE`], with the measurement in
//! BENCHMARKS.md). For an index of N recordings, the probability that chance alone gives some
//! recording a score of at least `s` is `1 − (1 − q(s))^N`: that is the false-match probability
//! reported with each match, and it grows with the index as it should.
//!
//! The model extrapolates beyond the scores seen (a chance score of 20 was never observed, so its
//! probability is an extrapolation of the fitted tail, not a count); BENCHMARKS.md says how far.

use serde::{Deserialize, Serialize};

/// A fitted tail of chance scores against one recording.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChanceModel {
    /// log10 q(0): the fitted line's intercept.
    pub log10_at_zero: f64,
    /// How much log10 q(s) changes per point of score (negative).
    pub log10_per_point: f64,
}

/// The model measured on the development corpus against unregistered music (BENCHMARKS.md,
/// "False-match probability": 1,800 excerpts of 78 unregistered recordings, 5 to 20 s, plain,
/// MP3, pink noise, reverb, tempo and speed changed, against 47 registered recordings; the
/// highest chance score seen was 17).
pub const CHANCE: ChanceModel = ChanceModel {
    log10_at_zero: -0.414,
    log10_per_point: -0.2484,
};

/// The false-match probability a reported match may have at most, whatever the index size:
/// one query in 100,000 of music that is not registered may be matched by chance.
pub const MAX_FALSE_MATCH_P: f64 = 1e-5;

impl ChanceModel {
    /// q(s): the chance that one recording not in a query reaches `score` with it (at most 1).
    pub fn per_recording(&self, score: u32) -> f64 {
        10f64
            .powf(self.log10_at_zero + self.log10_per_point * score as f64)
            .min(1.0)
    }

    /// The probability that chance alone gives some recording of an index of `recordings` a
    /// score of at least `score`.
    pub fn false_match_probability(&self, score: u32, recordings: u64) -> f64 {
        let q = self.per_recording(score);
        // 1 − (1 − q)^N, computed without cancellation for tiny q.
        let p = -(recordings as f64 * (-q).ln_1p()).exp_m1();
        p.clamp(0.0, 1.0)
    }
}

impl ChanceModel {
    /// The lowest score whose false-match probability in an index of `recordings` is at most
    /// `max_p`: the threshold that keeps chance matches that rare as the index grows.
    pub fn min_score(&self, recordings: u64, max_p: f64) -> u32 {
        (0..=10_000)
            .find(|&s| self.false_match_probability(s, recordings) <= max_p)
            .unwrap_or(10_000)
    }
}

/// A false-match probability written short for tables: `<1e-12`, `3e-7`, `0.042`.
pub fn chance_label(p: f64) -> String {
    if p.is_nan() || p < 1e-12 {
        "<1e-12".into()
    } else if p < 1e-3 {
        format!("{p:.0e}")
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_grows_with_the_index_and_falls_with_the_score() {
        let m = CHANCE;
        let p = |s, n| m.false_match_probability(s, n);
        assert!(p(20, 1_000_000) > p(20, 1_000));
        assert!(p(30, 1_000) < p(20, 1_000));
        assert!((0.0..=1.0).contains(&p(0, u64::MAX)));
        assert!(p(0, 1_000) > 0.999);
        // For small q, 1 − (1 − q)^N ≈ N·q.
        let q = m.per_recording(40);
        assert!((p(40, 1000) / (1000.0 * q) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn the_threshold_rises_with_the_index() {
        let s = |n| CHANCE.min_score(n, MAX_FALSE_MATCH_P);
        assert!(s(30) <= 26, "{}", s(30));
        assert!(s(1_000_000) > s(1_000));
        for n in [1, 30, 1_000, 1_000_000] {
            let t = s(n);
            assert!(CHANCE.false_match_probability(t, n) <= MAX_FALSE_MATCH_P);
            assert!(t == 0 || CHANCE.false_match_probability(t - 1, n) > MAX_FALSE_MATCH_P);
        }
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(chance_label(0.0), "<1e-12");
        assert_eq!(chance_label(f64::NAN), "<1e-12");
        assert_eq!(chance_label(3.2e-7), "3e-7");
        assert_eq!(chance_label(0.0421), "0.042");
        assert_eq!(chance_label(1.0), "1.000");
    }
}
