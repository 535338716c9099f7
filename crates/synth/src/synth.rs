//! Deterministic generated "music", so demos and tests need no shipped audio files.
//!
//! Each seed picks its own tempo, key, scale, chord progression, instrument timbres, melody and
//! drum pattern, and these change every few bars, so the spectrogram peak constellations of two
//! seeds have nothing systematic in common — which is what a fingerprinting test needs.

use std::f64::consts::TAU;

use crate::rng::Rng;

/// A harmonic instrument: partial amplitudes and an envelope.
#[derive(Debug, Clone)]
struct Voice {
    partials: Vec<f64>,
    /// Relative frequency stretch per partial (piano-like inharmonicity).
    stretch: f64,
    attack: f64,
    /// Time constant of the decay from peak towards `sustain`.
    decay: f64,
    sustain: f64,
    release: f64,
}

impl Voice {
    fn random(rng: &mut Rng, min_partials: usize, max_partials: usize, plucky: bool) -> Voice {
        let count = min_partials + rng.below(max_partials - min_partials + 1);
        let tilt = rng.range(0.6, 2.2);
        let odd_only = rng.chance(0.25);
        let partials = (1..=count)
            .map(|k| {
                if odd_only && k % 2 == 0 {
                    0.0
                } else {
                    rng.range(0.5, 1.0) / (k as f64).powf(tilt)
                }
            })
            .collect();
        Voice {
            partials,
            stretch: rng.range(0.0, 0.002),
            attack: rng.range(0.003, if plucky { 0.015 } else { 0.08 }),
            decay: rng.range(0.08, 0.6),
            sustain: if plucky {
                rng.range(0.0, 0.2)
            } else {
                rng.range(0.4, 0.9)
            },
            release: rng.range(0.04, 0.25),
        }
    }
}

fn midi_hz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

/// Adds one note to `out`. `env` is scratch space reused between notes.
#[allow(clippy::too_many_arguments)]
fn render_note(
    out: &mut [f32],
    env: &mut Vec<f64>,
    rate: f64,
    start_s: f64,
    dur_s: f64,
    freq: f64,
    amp: f64,
    v: &Voice,
) {
    let start = (start_s * rate) as usize;
    if start >= out.len() {
        return;
    }
    let len = (((dur_s + v.release) * rate) as usize).min(out.len() - start);
    env.clear();
    env.extend((0..len).map(|i| {
        let t = i as f64 / rate;
        let held = |t: f64| {
            if t < v.attack {
                t / v.attack
            } else {
                v.sustain + (1.0 - v.sustain) * (-(t - v.attack) / v.decay).exp()
            }
        };
        if t < dur_s {
            held(t)
        } else {
            held(dur_s) * (1.0 - (t - dur_s) / v.release).max(0.0)
        }
    }));
    let region = &mut out[start..start + len];
    for (k, &a) in v.partials.iter().enumerate() {
        let kf = (k + 1) as f64;
        let f = freq * kf * (1.0 + v.stretch * kf * kf);
        if a == 0.0 || f >= 0.45 * rate {
            continue;
        }
        // Phasor rotation instead of sin() per sample: one complex multiply per sample.
        let w = TAU * f / rate;
        let (rc, rs) = (w.cos(), w.sin());
        let (mut c, mut s) = (1.0f64, 0.0f64);
        let g = amp * a;
        for (o, &e) in region.iter_mut().zip(env.iter()) {
            *o += (g * e * s) as f32;
            let nc = c * rc - s * rs;
            s = c * rs + s * rc;
            c = nc;
        }
    }
}

/// Noise burst with exponential decay, smoothed by a one-pole low-pass (`tone` 0..1, 1 = bright)
/// and optionally high-passed, for snares and hats.
#[allow(clippy::too_many_arguments)]
fn render_noise(
    out: &mut [f32],
    rng: &mut Rng,
    rate: f64,
    start_s: f64,
    decay_s: f64,
    amp: f64,
    tone: f64,
    highpass: bool,
) {
    let start = (start_s * rate) as usize;
    if start >= out.len() {
        return;
    }
    let len = ((decay_s * 6.0 * rate) as usize).min(out.len() - start);
    let (mut lp, mut prev) = (0.0f64, 0.0f64);
    for (i, o) in out[start..start + len].iter_mut().enumerate() {
        let t = i as f64 / rate;
        lp += tone * (rng.gaussian() - lp);
        let x = if highpass {
            let d = lp - prev;
            prev = lp;
            d
        } else {
            lp
        };
        *o += (amp * x * (-t / decay_s).exp()) as f32;
    }
}

/// Kick drum: a sine swept down from ~120 Hz with a fast decay.
fn render_kick(out: &mut [f32], rate: f64, start_s: f64, amp: f64, pitch: f64) {
    let start = (start_s * rate) as usize;
    if start >= out.len() {
        return;
    }
    let len = ((0.4 * rate) as usize).min(out.len() - start);
    let mut phase = 0.0f64;
    for (i, o) in out[start..start + len].iter_mut().enumerate() {
        let t = i as f64 / rate;
        let f = pitch * 0.4 + pitch * 0.6 * (-t / 0.04).exp();
        phase += TAU * f / rate;
        *o += (amp * phase.sin() * (-t / 0.12).exp()) as f32;
    }
}

const SCALES: &[&[i32]] = &[
    &[0, 2, 4, 5, 7, 9, 11], // major
    &[0, 2, 3, 5, 7, 8, 10], // natural minor
    &[0, 2, 3, 5, 7, 9, 10], // dorian
    &[0, 2, 4, 5, 7, 9, 10], // mixolydian
    &[0, 2, 3, 5, 7, 8, 11], // harmonic minor
    &[0, 2, 4, 7, 9],        // major pentatonic
    &[0, 3, 5, 7, 10],       // minor pentatonic
];

/// Semitone offset of scale degree `d` (any integer; wraps into octaves).
fn degree(scale: &[i32], d: i32) -> i32 {
    let n = scale.len() as i32;
    scale[d.rem_euclid(n) as usize] + 12 * d.div_euclid(n)
}

/// A distinct piece of music for each seed: melody, bass and chords of harmonic tones with
/// envelopes, drum hits, varying note lengths, tempo changing between sections.
///
/// `seconds` of mono audio at `rate` Hz, peak amplitude 0.5 (unless silent). Non-positive or
/// NaN `seconds`, or `rate == 0`, give an empty vector. Same seed, same samples.
pub fn track(seed: u64, seconds: f32, rate: u32) -> Vec<f32> {
    let n = (seconds.max(0.0) as f64 * rate as f64) as usize; // NaN → 0
    let mut out = vec![0.0f32; n];
    if n == 0 {
        return out;
    }
    let rate_f = rate as f64;
    let total_s = n as f64 / rate_f;
    // Mix the seed so adjacent seeds start from unrelated generator states.
    let mut rng = Rng::new(seed ^ 0x5EED_F0E1_7A11_0000);
    let mut env = Vec::new();

    let base_bpm = rng.range(72.0, 150.0);
    let mut root = 43 + rng.below(14) as i32; // bass-register tonic, G2..G#3
    let mut scale = SCALES[rng.below(SCALES.len())];
    let plucky_lead = rng.chance(0.5);
    let lead = Voice::random(&mut rng, 3, 9, plucky_lead);
    let bass = Voice::random(&mut rng, 2, 4, true);
    let pad = Voice::random(&mut rng, 3, 6, false);
    let drum_pitch = rng.range(90.0, 140.0);
    let hat_tone = rng.range(0.5, 0.95);

    let mut t = 0.0f64;
    let mut melody_deg: i32 = rng.below(5) as i32;
    while t < total_s {
        // A section: 4–8 bars with its own tempo, progression, rhythm and drum pattern.
        let bpm = base_bpm * rng.range(0.9, 1.1);
        let beat = 60.0 / bpm;
        let bars = 4 + rng.below(5);
        if rng.chance(0.3) {
            root += [-5, -2, 2, 5, 7][rng.below(5)]; // key change
            root = root.clamp(38, 60);
            if rng.chance(0.5) {
                scale = SCALES[rng.below(SCALES.len())];
            }
        }
        let progression: Vec<i32> = (0..4)
            .map(|_| [0, 3, 4, 5, 1, 2, 6][rng.below(7)])
            .collect();
        let kick_steps: Vec<bool> = (0..16).map(|s| s % 8 == 0 || rng.chance(0.15)).collect();
        let snare_steps: Vec<bool> = (0..16).map(|s| s % 8 == 4 || rng.chance(0.06)).collect();
        let hat_every = [2usize, 2, 4, 1][rng.below(4)];
        let bass_steps: Vec<bool> = (0..8).map(|s| s == 0 || rng.chance(0.45)).collect();
        let durations: [f64; 8] = [0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 1.5, 2.0];

        for bar in 0..bars {
            let bar_start = t + bar as f64 * 4.0 * beat;
            if bar_start >= total_s {
                break;
            }
            let chord = progression[bar % progression.len()];
            // Pad: triad held for the bar.
            for (i, d) in [0, 2, 4].iter().enumerate() {
                let note = root + 12 + degree(scale, chord + d);
                render_note(
                    &mut out,
                    &mut env,
                    rate_f,
                    bar_start,
                    4.0 * beat * 0.95,
                    midi_hz(note as f64),
                    0.10 - 0.01 * i as f64,
                    &pad,
                );
            }
            // Bass on eighth notes.
            for (s, &on) in bass_steps.iter().enumerate() {
                if on {
                    let note = root + degree(scale, chord) + if s % 4 == 3 { 7 } else { 0 };
                    render_note(
                        &mut out,
                        &mut env,
                        rate_f,
                        bar_start + s as f64 * beat / 2.0,
                        beat / 2.0 * 0.9,
                        midi_hz(note as f64),
                        0.35,
                        &bass,
                    );
                }
            }
            // Drums on sixteenths.
            for s in 0..16 {
                let at = bar_start + s as f64 * beat / 4.0;
                if kick_steps[s] {
                    render_kick(&mut out, rate_f, at, 0.6, drum_pitch);
                }
                if snare_steps[s] {
                    render_noise(&mut out, &mut rng, rate_f, at, 0.05, 0.25, 0.6, false);
                }
                if s % hat_every == 0 {
                    render_noise(&mut out, &mut rng, rate_f, at, 0.012, 0.12, hat_tone, true);
                }
            }
            // Melody: a random walk over the scale, leaning on chord tones on strong beats.
            let mut b = 0.0;
            while b < 4.0 {
                let dur = durations[rng.below(durations.len())].min(4.0 - b);
                if !rng.chance(0.15) {
                    melody_deg += [-2, -1, -1, 0, 1, 1, 2, 3, -3][rng.below(9)];
                    if b == 0.0 || b == 2.0 {
                        melody_deg = chord + [0, 2, 4][rng.below(3)] + 7 * melody_deg.div_euclid(7);
                    }
                    melody_deg = melody_deg.clamp(-3, 12);
                    let note = root + 24 + degree(scale, melody_deg);
                    let vel = rng.range(0.18, 0.3);
                    render_note(
                        &mut out,
                        &mut env,
                        rate_f,
                        bar_start + b * beat,
                        dur * beat * 0.9,
                        midi_hz(note as f64),
                        vel,
                        &lead,
                    );
                }
                b += dur;
            }
        }
        t += bars as f64 * 4.0 * beat;
    }

    let peak = out.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
    if peak > 0.0 && peak.is_finite() {
        let g = 0.5 / peak;
        out.iter_mut().for_each(|v| *v *= g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_distinct_and_bounded() {
        let a = track(1, 5.0, 8000);
        let b = track(1, 5.0, 8000);
        let c = track(2, 5.0, 8000);
        assert_eq!(a.len(), 40_000);
        assert_eq!(a, b);
        assert_ne!(a, c);
        for x in [&a, &c] {
            assert!(x.iter().all(|v| v.is_finite()));
            let peak = x.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
            assert!((0.49..=0.5001).contains(&peak), "peak {peak}");
        }
        // Different seeds are essentially uncorrelated, not just slightly different.
        let dot: f64 = a.iter().zip(&c).map(|(x, y)| *x as f64 * *y as f64).sum();
        let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        let nc: f64 = c.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        assert!((dot / (na * nc)).abs() < 0.3);
    }

    #[test]
    fn degenerate_arguments() {
        assert!(track(1, 0.0, 8000).is_empty());
        assert!(track(1, -1.0, 8000).is_empty());
        assert!(track(1, f32::NAN, 8000).is_empty());
        assert!(track(1, 1.0, 0).is_empty());
        assert_eq!(track(1, 0.001, 44100).len(), 44);
    }

    #[test]
    fn many_seeds_are_sane() {
        for seed in 0..40 {
            let x = track(seed, 2.0, 16000);
            assert!(
                x.iter().all(|v| v.is_finite() && v.abs() <= 0.5001),
                "seed {seed}"
            );
            let energy: f64 = x.iter().map(|v| (*v as f64).powi(2)).sum();
            assert!(energy > 0.0, "seed {seed} silent");
        }
    }
}
