//! FFT overlap-add convolution, so reverb impulse responses of seconds and long band-pass FIRs
//! cost O(n log m) instead of O(n·m).

use realfft::RealFftPlanner;

/// Below this many taps a direct loop beats FFT setup.
const DIRECT_MAX_TAPS: usize = 32;

/// Full linear convolution of `x` and `h`: `x.len() + h.len() - 1` samples (empty if either is).
pub(crate) fn convolve(x: &[f32], h: &[f32]) -> Vec<f32> {
    if x.is_empty() || h.is_empty() {
        return Vec::new();
    }
    let out_len = x.len() + h.len() - 1;
    let mut out = vec![0.0f32; out_len];
    if h.len() <= DIRECT_MAX_TAPS {
        for (i, &xv) in x.iter().enumerate() {
            for (o, &hv) in out[i..i + h.len()].iter_mut().zip(h) {
                *o += xv * hv;
            }
        }
        return out;
    }
    // FFT size: at least twice the filter so each block carries a useful amount of new input.
    let n = (2 * h.len()).next_power_of_two().max(4096);
    let block = n - h.len() + 1;
    let mut planner = RealFftPlanner::<f32>::new();
    let fwd = planner.plan_fft_forward(n);
    let inv = planner.plan_fft_inverse(n);

    let mut time = fwd.make_input_vec();
    let mut h_spec = fwd.make_output_vec();
    time[..h.len()].copy_from_slice(h);
    // Lengths come from the plans themselves, so process() cannot fail on them.
    fwd.process(&mut time, &mut h_spec)
        .expect("buffers sized by the plan");
    let scale = 1.0 / n as f32;
    for c in h_spec.iter_mut() {
        *c *= scale;
    }

    let mut spec = fwd.make_output_vec();
    let mut result = inv.make_output_vec();
    for (b, chunk) in x.chunks(block).enumerate() {
        let start = b * block;
        time[..chunk.len()].copy_from_slice(chunk);
        time[chunk.len()..].fill(0.0);
        fwd.process(&mut time, &mut spec)
            .expect("buffers sized by the plan");
        for (s, hs) in spec.iter_mut().zip(&h_spec) {
            *s *= *hs;
        }
        // The DC and Nyquist bins of a real signal's spectrum are real; force rounding residue
        // to exactly zero, which the inverse transform insists on.
        if let Some(first) = spec.first_mut() {
            first.im = 0.0;
        }
        if let Some(last) = spec.last_mut() {
            last.im = 0.0;
        }
        inv.process(&mut spec, &mut result)
            .expect("buffers sized by the plan");
        let end = (start + n).min(out_len);
        for (o, r) in out[start..end].iter_mut().zip(&result) {
            *o += *r;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(x: &[f32], h: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; x.len() + h.len() - 1];
        for (i, &a) in x.iter().enumerate() {
            for (j, &b) in h.iter().enumerate() {
                out[i + j] += a * b;
            }
        }
        out
    }

    #[test]
    fn fft_matches_direct() {
        let mut r = crate::rng::Rng::new(3);
        let x: Vec<f32> = (0..10_000).map(|_| r.gaussian() as f32).collect();
        for taps in [1, 5, 33, 700, 5000] {
            let h: Vec<f32> = (0..taps).map(|_| r.gaussian() as f32 * 0.1).collect();
            let a = convolve(&x, &h);
            let b = direct(&x, &h);
            assert_eq!(a.len(), b.len());
            let err = a
                .iter()
                .zip(&b)
                .map(|(p, q)| (p - q).abs())
                .fold(0.0, f32::max);
            assert!(err < 1e-3, "taps {taps}: err {err}");
        }
        assert!(convolve(&[], &[1.0]).is_empty());
    }
}
