//! Deterministic degradations for robustness tests: the distortions a recording suffers between
//! the original master and what a model was trained on or a user uploads.
//!
//! All functions are pure: they take a mono buffer and return a new one, and the same arguments
//! (including `seed`) always give the same output. Out-of-range parameters are clamped or make
//! the function return the input unchanged, as documented per function, so that a sweep over
//! parameters can never panic.

use crate::fftconv::convolve;
use crate::rng::Rng;

/// Multiplies by `10^(db/20)`. `db` is clamped to ±200 dB; NaN returns the input unchanged.
pub fn gain_db(samples: &[f32], db: f32) -> Vec<f32> {
    if db.is_nan() {
        return samples.to_vec();
    }
    let g = 10f64.powf(db.clamp(-200.0, 200.0) as f64 / 20.0) as f32;
    samples.iter().map(|&x| x * g).collect()
}

fn rms(x: &[f32]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|&v| v as f64 * v as f64).sum::<f64>() / x.len() as f64).sqrt()
}

/// Adds `noise` scaled so that signal RMS / noise RMS is exactly `snr_db`.
/// The noise is normalised by its *measured* RMS, so the achieved SNR is exact rather than
/// right on average. Silent input or a non-finite SNR returns the input unchanged.
fn add_scaled(samples: &[f32], noise: &[f64], snr_db: f32) -> Vec<f32> {
    let sig = rms(samples);
    let n_rms = (noise.iter().map(|v| v * v).sum::<f64>() / noise.len().max(1) as f64).sqrt();
    if !snr_db.is_finite() || sig == 0.0 || n_rms == 0.0 {
        return samples.to_vec();
    }
    let scale = sig / 10f64.powf(snr_db as f64 / 20.0) / n_rms;
    samples
        .iter()
        .zip(noise)
        .map(|(&x, &n)| (x as f64 + n * scale) as f32)
        .collect()
}

/// Adds Gaussian white noise at `snr_db` (signal RMS over noise RMS, in dB).
///
/// Silent input or a non-finite SNR returns the input unchanged.
pub fn add_white_noise(samples: &[f32], snr_db: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let noise: Vec<f64> = (0..samples.len()).map(|_| rng.gaussian()).collect();
    add_scaled(samples, &noise, snr_db)
}

/// Adds pink (1/f) noise at `snr_db`, made with Paul Kellet's refined filter on white noise
/// (accurate to ±0.05 dB above 9.2 Hz at 44.1 kHz, good enough at any rate for tests).
///
/// Silent input or a non-finite SNR returns the input unchanged.
pub fn add_pink_noise(samples: &[f32], snr_db: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut b = [0.0f64; 7];
    let noise: Vec<f64> = (0..samples.len())
        .map(|_| {
            let w = rng.gaussian();
            b[0] = 0.99886 * b[0] + w * 0.0555179;
            b[1] = 0.99332 * b[1] + w * 0.0750759;
            b[2] = 0.96900 * b[2] + w * 0.1538520;
            b[3] = 0.86650 * b[3] + w * 0.3104856;
            b[4] = 0.55000 * b[4] + w * 0.5329522;
            b[5] = -0.7616 * b[5] - w * 0.0168980;
            let p = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
            b[6] = w * 0.115926;
            p
        })
        .collect();
    add_scaled(samples, &noise, snr_db)
}

/// Band-pass filter keeping `low_hz..high_hz` (e.g. 300–3400 Hz for a telephone line).
///
/// A linear-phase windowed-sinc FIR (Blackman window, ~150 Hz transition bands, > 70 dB stop
/// band) applied by FFT convolution, with its delay removed so the output is time-aligned with
/// the input. Chosen over cascaded biquads because a telephone channel's edges are steep: a
/// 4th-order IIR leaves a tone only 15 % above the cut-off almost untouched. `low_hz <= 0` makes
/// it a low-pass, `high_hz >= rate / 2` a high-pass; an empty or inverted band (or `rate == 0`)
/// gives silence.
pub fn band_pass(samples: &[f32], rate: u32, low_hz: f32, high_hz: f32) -> Vec<f32> {
    if rate == 0 || samples.is_empty() {
        return vec![0.0; samples.len()];
    }
    let nyq = rate as f64 / 2.0;
    let low = if low_hz.is_finite() {
        (low_hz as f64).max(0.0)
    } else {
        0.0
    };
    let high = if high_hz.is_nan() {
        nyq
    } else {
        (high_hz as f64).min(nyq)
    };
    if high <= low {
        return vec![0.0; samples.len()];
    }
    // Blackman main lobe ≈ 5.5 / taps of the sample rate; aim for ~150 Hz transition bands.
    let half = ((5.5 * rate as f64 / 150.0) as usize / 2).clamp(16, 1 << 14);
    let taps = 2 * half + 1;
    let (fl, fh) = (low / rate as f64, high / rate as f64);
    let sinc_lp = |f: f64, k: f64| {
        if k == 0.0 {
            2.0 * f
        } else {
            (std::f64::consts::TAU * f * k).sin() / (std::f64::consts::PI * k)
        }
    };
    let h: Vec<f32> = (0..taps)
        .map(|n| {
            let k = n as f64 - half as f64;
            let w = 0.42 - 0.5 * (std::f64::consts::TAU * n as f64 / (taps - 1) as f64).cos()
                + 0.08 * (2.0 * std::f64::consts::TAU * n as f64 / (taps - 1) as f64).cos();
            let upper = if high >= nyq {
                if k == 0.0 { 1.0 } else { 0.0 }
            } else {
                sinc_lp(fh, k)
            };
            let lower = if low <= 0.0 { 0.0 } else { sinc_lp(fl, k) };
            ((upper - lower) * w) as f32
        })
        .collect();
    let full = convolve(samples, &h);
    full[half..half + samples.len()].to_vec()
}

/// Room reverb: the input convolved with a synthetic impulse response of exponentially decaying
/// Gaussian noise that falls by 60 dB after `rt60_s` seconds, mixed `wet` (0..1) with the dry
/// signal. The IR has unit energy so the wet part keeps roughly the input's loudness. Output
/// length equals input length (the tail past the end is cut, keeping alignment).
///
/// `rt60_s` is clamped to 0.01–10 s and `wet` to 0–1; NaN parameters or `rate == 0` return the
/// input unchanged.
pub fn reverb(samples: &[f32], rate: u32, rt60_s: f32, wet: f32, seed: u64) -> Vec<f32> {
    if rate == 0 || rt60_s.is_nan() || wet.is_nan() || samples.is_empty() {
        return samples.to_vec();
    }
    let rt60 = rt60_s.clamp(0.01, 10.0) as f64;
    let wet = wet.clamp(0.0, 1.0);
    let len = ((rt60 * rate as f64) as usize).max(1);
    let mut rng = Rng::new(seed);
    // ln(1000) = 6.9078: amplitude falls 60 dB at t = rt60.
    let k = 6.907_755_278_982_137 / (rt60 * rate as f64);
    let mut ir: Vec<f64> = (0..len)
        .map(|n| rng.gaussian() * (-k * n as f64).exp())
        .collect();
    let energy = ir.iter().map(|v| v * v).sum::<f64>().sqrt();
    if energy > 0.0 {
        ir.iter_mut().for_each(|v| *v /= energy);
    }
    let ir: Vec<f32> = ir.into_iter().map(|v| v as f32).collect();
    let wet_sig = convolve(samples, &ir);
    samples
        .iter()
        .zip(&wet_sig)
        .map(|(&d, &w)| (1.0 - wet) * d + wet * w)
        .collect()
}

/// The part of `samples` from `start_s` lasting `len_s` seconds, clamped to the buffer: a start
/// past the end gives an empty vector, a length past the end stops at the end, negative or NaN
/// values count as 0.
pub fn excerpt(samples: &[f32], rate: u32, start_s: f64, len_s: f64) -> Vec<f32> {
    // `as usize` saturates and maps NaN to 0, which is exactly the clamping wanted here.
    let start = ((start_s * rate as f64).round() as usize).min(samples.len());
    let n = ((len_s * rate as f64).round() as usize).min(samples.len() - start);
    samples[start..start + n].to_vec()
}

/// Plays the audio `factor` times faster, changing pitch and tempo together like a tape or
/// turntable (1.05 = 5 % faster and a bit under a semitone higher; output length
/// `len / factor`). Uses Catmull–Rom cubic interpolation. `factor` is clamped to 0.1–10;
/// NaN or non-positive values return the input unchanged.
pub fn speed(samples: &[f32], factor: f64) -> Vec<f32> {
    if factor.is_nan() || factor <= 0.0 || samples.is_empty() {
        return samples.to_vec();
    }
    let factor = factor.clamp(0.1, 10.0);
    let out_len = (samples.len() as f64 / factor).floor() as usize;
    let last = samples.len() as isize - 1;
    let at = |i: isize| samples[i.clamp(0, last) as usize];
    (0..out_len)
        .map(|i| {
            let pos = i as f64 * factor;
            let i1 = pos.floor() as isize;
            let t = (pos - i1 as f64) as f32;
            let (p0, p1, p2, p3) = (at(i1 - 1), at(i1), at(i1 + 1), at(i1 + 2));
            let a = -0.5 * p0 + 1.5 * p1 - 1.5 * p2 + 0.5 * p3;
            let b = p0 - 2.5 * p1 + 2.0 * p2 - 0.5 * p3;
            let c = -0.5 * p0 + 0.5 * p2;
            ((a * t + b) * t + c) * t + p1
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f32, rate: u32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| 0.5 * (std::f32::consts::TAU * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    fn snr_db(clean: &[f32], noisy: &[f32]) -> f64 {
        let noise: Vec<f32> = noisy.iter().zip(clean).map(|(a, b)| a - b).collect();
        20.0 * (rms(clean) / rms(&noise)).log10()
    }

    /// Attenuation in dB of the middle half (filter edges excluded).
    fn atten_db(input: &[f32], output: &[f32]) -> f64 {
        let m = input.len() / 4;
        20.0 * (rms(&output[m..3 * m]) / rms(&input[m..3 * m])).log10()
    }

    #[test]
    fn gain_is_exact() {
        let x = tone(440.0, 8000, 0.1);
        let y = gain_db(&x, -6.0);
        let g = 10f64.powf(-6.0 / 20.0) as f32;
        assert!(
            x.iter()
                .zip(&y)
                .all(|(a, b)| (a * g - b).abs() <= f32::EPSILON)
        );
        assert_eq!(gain_db(&x, 0.0), x);
        assert_eq!(gain_db(&x, f32::NAN), x);
    }

    #[test]
    fn noise_hits_requested_snr() {
        let x = crate::synth::track(5, 3.0, 8000);
        for snr in [-5.0f32, 0.0, 10.0, 25.0] {
            let w = add_white_noise(&x, snr, 1);
            let p = add_pink_noise(&x, snr, 1);
            assert!((snr_db(&x, &w) - snr as f64).abs() < 0.5, "white {snr}");
            assert!((snr_db(&x, &p) - snr as f64).abs() < 0.5, "pink {snr}");
        }
        assert_eq!(add_white_noise(&x, 10.0, 9), add_white_noise(&x, 10.0, 9));
        assert_ne!(add_white_noise(&x, 10.0, 9), add_white_noise(&x, 10.0, 10));
        assert_eq!(add_white_noise(&[0.0; 10], 10.0, 1), vec![0.0; 10]);
    }

    #[test]
    fn pink_noise_slopes_down() {
        // Pink: power per octave constant, so a low band holds much more power per Hz.
        let silence_ref = tone(1000.0, 16000, 4.0);
        let p = add_pink_noise(&silence_ref, 0.0, 4);
        let noise: Vec<f32> = p.iter().zip(&silence_ref).map(|(a, b)| a - b).collect();
        let low = rms(&band_pass(&noise, 16000, 100.0, 400.0));
        let high = rms(&band_pass(&noise, 16000, 3200.0, 6400.0));
        // Bands of 300 Hz and 3200 Hz width: for pink, equal-ratio bands carry equal power.
        let per_hz_ratio = (low * low / 300.0) / (high * high / 3200.0);
        assert!(per_hz_ratio > 5.0, "ratio {per_hz_ratio}");
    }

    #[test]
    fn telephone_band() {
        let passed = band_pass(&tone(1000.0, 8000, 1.0), 8000, 300.0, 3400.0);
        assert!(atten_db(&tone(1000.0, 8000, 1.0), &passed).abs() < 1.0);
        let low_in = tone(100.0, 8000, 1.0);
        let low = band_pass(&low_in, 8000, 300.0, 3400.0);
        assert!(
            atten_db(&low_in, &low) < -40.0,
            "100 Hz: {}",
            atten_db(&low_in, &low)
        );
        let hi_in = tone(3900.0, 16000, 1.0);
        let hi = band_pass(&hi_in, 16000, 300.0, 3400.0);
        assert!(
            atten_db(&hi_in, &hi) < -40.0,
            "3900 Hz: {}",
            atten_db(&hi_in, &hi)
        );
        let k_in = tone(1000.0, 16000, 1.0);
        assert!(atten_db(&k_in, &band_pass(&k_in, 16000, 300.0, 3400.0)).abs() < 1.0);
        // Degenerate bands never panic.
        assert_eq!(band_pass(&k_in, 16000, 500.0, 100.0), vec![0.0; k_in.len()]);
        assert_eq!(band_pass(&k_in, 0, 300.0, 3400.0).len(), k_in.len());
        let lp = band_pass(&k_in, 16000, f32::NAN, f32::INFINITY);
        assert!(atten_db(&k_in, &lp).abs() < 0.1);
    }

    #[test]
    fn reverb_smears_but_keeps_level_and_length() {
        let x = crate::synth::track(2, 4.0, 8000);
        let y = reverb(&x, 8000, 1.2, 0.5, 7);
        assert_eq!(y.len(), x.len());
        assert!(y.iter().all(|v| v.is_finite()));
        let ratio = rms(&y) / rms(&x);
        assert!((0.4..1.6).contains(&ratio), "level ratio {ratio}");
        assert_ne!(y, x);
        assert_eq!(y, reverb(&x, 8000, 1.2, 0.5, 7));
        assert_eq!(reverb(&x, 8000, 1.2, 0.0, 7), x);
        // A click's energy must persist well after it when reverberated.
        let mut click = vec![0.0f32; 8000];
        click[100] = 1.0;
        let tail = reverb(&click, 8000, 0.5, 1.0, 1);
        assert!(rms(&tail[1000..2000]) > 1e-4);
    }

    #[test]
    fn excerpt_clamps() {
        let x: Vec<f32> = (0..100).map(|i| i as f32).collect();
        assert_eq!(excerpt(&x, 10, 1.0, 2.0), x[10..30].to_vec());
        assert_eq!(excerpt(&x, 10, 9.0, 5.0), x[90..].to_vec());
        assert!(excerpt(&x, 10, 50.0, 5.0).is_empty());
        assert_eq!(excerpt(&x, 10, -3.0, 1.0), x[..10].to_vec());
        assert!(excerpt(&x, 10, f64::NAN, f64::NAN).is_empty());
        assert_eq!(excerpt(&x, 10, 0.0, f64::INFINITY), x);
    }

    #[test]
    fn speed_changes_length_and_pitch() {
        let x = tone(440.0, 8000, 2.0);
        let y = speed(&x, 1.05);
        let want = x.len() as f64 / 1.05;
        assert!((y.len() as f64 - want).abs() <= 1.0);
        // Pitch rises by the same factor: count zero crossings.
        let zc = |s: &[f32]| s.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count() as f64;
        let f = zc(&y) / (y.len() as f64 / 8000.0);
        assert!((f - 440.0 * 1.05).abs() < 3.0, "freq {f}");
        assert_eq!(speed(&x, 1.0), x);
        assert_eq!(speed(&x, f64::NAN), x);
        assert_eq!(speed(&x, -1.0), x);
        assert!(speed(&[], 1.5).is_empty());
    }
}
