//! Short-time Fourier transform into log-power frames over the peak band.

use crate::Params;
use realfft::num_complex::Complex32;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Power below this (in dB relative to a full-scale sine) counts as silence. 16-bit audio's
/// dither floor lies near -100 dB, so this keeps digital silence and fade tails out.
pub(crate) const SILENCE_DB: f32 = -90.0;

pub(crate) struct Stft {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    pending: Vec<f32>,
    input: Vec<f32>,
    output: Vec<Complex32>,
    scratch: Vec<Complex32>,
    hop: usize,
    bins: (usize, usize),
    /// Converts |X|^2 to dB relative to a full-scale sine's peak bin.
    norm_db: f32,
    frames: u32,
}

impl Stft {
    pub(crate) fn new(params: &Params) -> Self {
        Self::with_bins(params, params.bin_range())
    }

    /// An STFT that keeps FFT bins `bins.0..bins.1` (clamped to the spectrum).
    pub(crate) fn with_bins(params: &Params, bins: (usize, usize)) -> Self {
        let n = params.fft_size;
        let bins = (
            bins.0.min(n / 2 + 1),
            bins.1.clamp(bins.0.min(n / 2 + 1), n / 2 + 1),
        );
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
        // Hann window: low side lobes keep a loud partial from creating false peaks nearby.
        let window: Vec<f32> = (0..n)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
            .collect();
        let sum: f32 = window.iter().sum();
        let norm_db = -20.0 * (sum / 2.0).log10();
        Stft {
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
            pending: Vec::with_capacity(2 * n),
            hop: params.hop,
            bins,
            norm_db,
            frames: 0,
        }
    }

    /// Number of frames produced so far.
    pub(crate) fn frames(&self) -> u32 {
        self.frames
    }

    /// Appends samples; every complete frame is pushed to `out` as (frame index, dB spectrum of
    /// the peak band).
    pub(crate) fn push(&mut self, samples: &[f32], out: &mut Vec<(u32, Vec<f32>)>) {
        let n = self.window.len();
        let mut rest = samples;
        while !rest.is_empty() {
            let take = rest
                .len()
                .min(n.saturating_sub(self.pending.len()).max(self.hop));
            self.pending.extend(
                rest[..take]
                    .iter()
                    .map(|s| if s.is_finite() { *s } else { 0.0 }),
            );
            rest = &rest[take..];
            while self.pending.len() >= n {
                out.push((self.frames, self.frame()));
                self.frames += 1;
                self.pending.drain(..self.hop);
            }
        }
    }

    fn frame(&mut self) -> Vec<f32> {
        for ((dst, s), w) in self.input.iter_mut().zip(&self.pending).zip(&self.window) {
            *dst = s * w;
        }
        // The lengths are fixed by the planner, so process_with_scratch cannot fail here.
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            return vec![SILENCE_DB - 10.0; self.bins.1 - self.bins.0];
        }
        self.output[self.bins.0..self.bins.1]
            .iter()
            .map(|c| 10.0 * (c.norm_sqr() + 1e-20).log10() + self.norm_db)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_scale_sine_peaks_near_zero_db_at_its_bin() {
        let params = Params::default();
        let mut stft = Stft::new(&params);
        let f = 1000.0;
        let samples: Vec<f32> = (0..params.fft_size * 2)
            .map(|i| (2.0 * std::f32::consts::PI * f * i as f32 / params.sample_rate as f32).sin())
            .collect();
        let mut frames = Vec::new();
        stft.push(&samples, &mut frames);
        assert_eq!(frames.len(), 1 + params.fft_size / params.hop);
        let (lo, _) = params.bin_range();
        let spectrum = &frames[0].1;
        let (argmax, max) = spectrum
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
        assert_eq!(argmax + lo, 128);
        assert!(max.abs() < 1.0, "peak at {max} dB");
    }
}
