//! Landmark audio fingerprints, in the family of Wang (2003), Olaf and Panako.
//!
//! A fingerprint is a list of [`Landmark`]s: each is a 32-bit hash of a pair of spectral peaks
//! (the anchor's frequency, the frequency difference to a later peak, and the time between them)
//! together with the anchor's time in frames. Two recordings of the same audio share many
//! landmarks whose time differences are constant, which is what the matcher in `fermata-index`
//! looks for. The hash is made of *relative* quantities (frequency and time differences) and of
//! peaks chosen by local rank, so gain changes, codecs, band-limiting and additive noise leave a
//! large share of landmarks intact.
//!
//! Everything here is a pure function of samples and [`Params`]: no I/O, no global state. The
//! [`Fingerprinter`] is streaming, so hours of audio are fingerprinted with a few hundred
//! kilobytes of working memory besides the landmarks themselves.
//!
//! # Example
//!
//! ```
//! use fermata_fp::{fingerprint, Params};
//!
//! let params = Params::default();
//! // Two seconds of a tone that glides upwards, at the analysis rate.
//! let rate = params.sample_rate as f32;
//! let samples: Vec<f32> = (0..2 * params.sample_rate)
//!     .map(|i| {
//!         let t = i as f32 / rate;
//!         (2.0 * std::f32::consts::PI * (400.0 + 300.0 * t) * t).sin() * 0.5
//!     })
//!     .collect();
//! let fp = fingerprint(&samples, &params).unwrap();
//! assert!(fp.frames > 100);
//! for landmark in &fp.landmarks {
//!     assert!(landmark.hash < 1 << params.hash_bits());
//! }
//! ```
#![deny(missing_docs)]

mod params;
mod peaks;
mod stft;

pub use params::{ALGORITHM_VERSION, Params};
pub use peaks::Peak;

use peaks::{PairMaker, PeakPicker, RankFilter};
use stft::Stft;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FpError {
    /// The parameters cannot be used together; the message says which and why.
    #[error("invalid fingerprint parameters: {0}; use the defaults or fix that value")]
    InvalidParams(String),
}

/// One landmark: a hash of a peak pair and the time of its anchor peak, in frames of
/// [`Params::hop`] samples from the start of the audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Landmark {
    /// The pair's hash: `Params::hash_bits()` significant bits.
    pub hash: u32,
    /// The anchor peak's frame.
    pub time: u32,
}

/// The fingerprint of a whole signal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fingerprint {
    /// Landmarks in order of anchor time.
    pub landmarks: Vec<Landmark>,
    /// How many spectrogram frames the signal gave.
    pub frames: u32,
    /// How many peaks were kept (each anchors up to `fan_out` landmarks).
    pub peaks: u32,
}

/// A streaming fingerprinter: [`push`](Self::push) samples at `params.sample_rate` in chunks of
/// any size, then [`finish`](Self::finish). Gives exactly the same result as [`fingerprint`] on
/// the concatenated samples.
pub struct Fingerprinter {
    stft: Stft,
    picker: PeakPicker,
    ranker: RankFilter,
    pairs: PairMaker,
    landmarks: Vec<Landmark>,
    kept_peaks: u32,
    scratch_frames: Vec<(u32, Vec<f32>)>,
    scratch_peaks: Vec<Peak>,
    scratch_kept: Vec<Peak>,
    /// Frames given directly as spectra (see [`fingerprint_at_speed`]).
    spectral_frames: u32,
}

impl Fingerprinter {
    /// A fingerprinter for `params`, which are checked first.
    pub fn new(params: Params) -> Result<Self, FpError> {
        params.validate()?;
        Ok(Fingerprinter {
            stft: Stft::new(&params),
            picker: PeakPicker::new(&params),
            ranker: RankFilter::new(&params),
            pairs: PairMaker::new(&params),
            landmarks: Vec::new(),
            kept_peaks: 0,
            scratch_frames: Vec::new(),
            scratch_peaks: Vec::new(),
            scratch_kept: Vec::new(),
            spectral_frames: 0,
        })
    }

    /// Feeds more samples. Non-finite samples are treated as silence.
    pub fn push(&mut self, samples: &[f32]) {
        // Bounded chunks keep the pending spectrogram frames small however long the input is.
        for chunk in samples.chunks(1 << 15) {
            let mut frames = std::mem::take(&mut self.scratch_frames);
            self.stft.push(chunk, &mut frames);
            for (time, spectrum) in frames.drain(..) {
                self.picker
                    .push_frame(time, spectrum, &mut self.scratch_peaks);
            }
            self.scratch_frames = frames;
            self.forward_peaks(false);
        }
    }

    /// Flushes the last frames and returns the fingerprint.
    pub fn finish(mut self) -> Fingerprint {
        self.picker.finish(&mut self.scratch_peaks);
        self.forward_peaks(true);
        let frames = self.stft.frames().max(self.spectral_frames);
        Fingerprint {
            landmarks: self.landmarks,
            frames,
            peaks: self.kept_peaks,
        }
    }

    /// Moves peaks through density control and pairing, as far as the watermarks allow; at the
    /// end everything is final.
    fn forward_peaks(&mut self, at_end: bool) {
        let watermark = if at_end {
            u32::MAX
        } else {
            self.picker.watermark()
        };
        let kept_watermark =
            self.ranker
                .push(&mut self.scratch_peaks, watermark, &mut self.scratch_kept);
        self.kept_peaks += self.scratch_kept.len() as u32;
        self.pairs
            .push(&mut self.scratch_kept, kept_watermark, &mut self.landmarks);
    }
}

/// A log-power spectrogram (dB) of a signal over FFT bins `first_bin..first_bin + width`,
/// kept so that the signal can be fingerprinted at other speeds without another FFT.
#[derive(Clone, Debug)]
pub struct Spectrogram {
    frames: Vec<Vec<f32>>,
    first_bin: usize,
}

/// How far beyond the peak band a [`Spectrogram`] reaches, as a ratio: enough for speed
/// changes of up to 6 %.
const SPEED_MARGIN: f64 = 1.06;

/// The spectrogram of `samples` (at `params.sample_rate`) over the peak band widened by 6 % on
/// each side, for [`fingerprint_at_speed`].
pub fn spectrogram(samples: &[f32], params: &Params) -> Result<Spectrogram, FpError> {
    params.validate()?;
    let (lo, hi) = params.bin_range();
    let first_bin = (lo as f64 / SPEED_MARGIN).floor() as usize;
    let end_bin = (hi as f64 * SPEED_MARGIN).ceil() as usize;
    let mut stft = Stft::with_bins(params, (first_bin, end_bin));
    let mut frames = Vec::new();
    for chunk in samples.chunks(1 << 15) {
        let mut out = Vec::new();
        stft.push(chunk, &mut out);
        frames.extend(out.into_iter().map(|(_, f)| f));
    }
    Ok(Spectrogram { frames, first_bin })
}

/// The fingerprint the signal would have if played `speed` times as fast (pitch and tempo
/// together: frequencies times `speed`, durations divided by it), computed from its spectrogram
/// by interpolating it along both axes instead of resampling the audio and transforming again.
/// Within the ±6 % the spectrogram covers, it finds what resampling would, at a fraction of the
/// cost; a speed search over twenty speeds does one FFT pass instead of twenty.
pub fn fingerprint_at_speed(
    spectrogram: &Spectrogram,
    params: &Params,
    speed: f64,
) -> Result<Fingerprint, FpError> {
    let mut fp = Fingerprinter::new(params.clone())?;
    if !(speed.is_finite() && speed > 0.0) || spectrogram.frames.is_empty() {
        return Ok(fp.finish());
    }
    let (lo, hi) = params.bin_range();
    let source = &spectrogram.frames;
    let width = source[0].len();
    let out_frames = ((source.len() - 1) as f64 / speed).floor() as usize + 1;
    let at = |frame: &[f32], bin: f64| -> f32 {
        let x = bin - spectrogram.first_bin as f64;
        if x < 0.0 || x > (width - 1) as f64 {
            return stft::SILENCE_DB - 30.0;
        }
        let i = x.floor() as usize;
        let j = (i + 1).min(width - 1);
        let w = (x - i as f64) as f32;
        frame[i] * (1.0 - w) + frame[j] * w
    };
    for k in 0..out_frames {
        let t = k as f64 * speed;
        let i = (t.floor() as usize).min(source.len() - 1);
        let j = (i + 1).min(source.len() - 1);
        let w = (t - i as f64) as f32;
        let spectrum: Vec<f32> = (lo..hi)
            .map(|b| {
                let src_bin = b as f64 / speed;
                at(&source[i], src_bin) * (1.0 - w) + at(&source[j], src_bin) * w
            })
            .collect();
        fp.picker
            .push_frame(k as u32, spectrum, &mut fp.scratch_peaks);
        fp.spectral_frames = k as u32 + 1;
        fp.forward_peaks(false);
    }
    Ok(fp.finish())
}

/// Fingerprints a whole in-memory signal sampled at `params.sample_rate`.
pub fn fingerprint(samples: &[f32], params: &Params) -> Result<Fingerprint, FpError> {
    let mut fp = Fingerprinter::new(params.clone())?;
    fp.push(samples);
    Ok(fp.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic test signal with changing spectral content: random notes with harmonics.
    pub(crate) fn notes(seed: u64, seconds: f32, rate: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let n = (seconds * rate as f32) as usize;
        let mut out = vec![0.0f32; n];
        let mut start = 0usize;
        while start < n {
            let len = (rate as usize / 8) + (next() % (rate as u64 / 3)) as usize;
            let freq = 200.0 * 2f32.powf((next() % 36) as f32 / 12.0);
            for (i, s) in out[start..(start + len).min(n)].iter_mut().enumerate() {
                let t = i as f32 / rate as f32;
                let env = (-t * 3.0).exp();
                for h in 1..4 {
                    *s += env / h as f32
                        * (2.0 * std::f32::consts::PI * freq * h as f32 * t).sin()
                        * 0.3;
                }
            }
            start += len;
        }
        out
    }

    #[test]
    fn streaming_equals_whole() {
        let params = Params::default();
        let signal = notes(7, 12.0, params.sample_rate);
        let whole = fingerprint(&signal, &params).unwrap();
        let mut fp = Fingerprinter::new(params.clone()).unwrap();
        for chunk in signal.chunks(777) {
            fp.push(chunk);
        }
        assert_eq!(fp.finish(), whole);
        assert!(
            whole.landmarks.len() > 100,
            "{} landmarks",
            whole.landmarks.len()
        );
    }

    #[test]
    fn silence_and_empty_give_no_landmarks() {
        let params = Params::default();
        assert!(fingerprint(&[], &params).unwrap().landmarks.is_empty());
        let silence = vec![0.0; 5 * params.sample_rate as usize];
        assert!(fingerprint(&silence, &params).unwrap().landmarks.is_empty());
        let nan = vec![f32::NAN; 3 * params.sample_rate as usize];
        assert!(fingerprint(&nan, &params).unwrap().landmarks.is_empty());
    }

    #[test]
    fn gain_keeps_landmarks() {
        let params = Params::default();
        let signal = notes(3, 10.0, params.sample_rate);
        let quiet: Vec<f32> = signal.iter().map(|s| s * 0.25).collect();
        let a = fingerprint(&signal, &params).unwrap();
        let b = fingerprint(&quiet, &params).unwrap();
        let set: std::collections::HashSet<_> = a.landmarks.iter().collect();
        let shared = b.landmarks.iter().filter(|l| set.contains(l)).count();
        assert!(
            shared * 10 >= a.landmarks.len() * 9,
            "{shared} of {}",
            a.landmarks.len()
        );
    }

    #[test]
    fn offset_excerpt_shares_landmarks_at_constant_delta() {
        let params = Params::default();
        let signal = notes(11, 20.0, params.sample_rate);
        let hop = params.hop;
        let skip_frames = 250usize;
        let excerpt =
            &signal[skip_frames * hop..skip_frames * hop + 8 * params.sample_rate as usize];
        let a = fingerprint(&signal, &params).unwrap();
        let b = fingerprint(excerpt, &params).unwrap();
        let reference: std::collections::HashSet<(u32, u32)> =
            a.landmarks.iter().map(|l| (l.hash, l.time)).collect();
        let aligned = b
            .landmarks
            .iter()
            .filter(|l| reference.contains(&(l.hash, l.time + skip_frames as u32)))
            .count();
        assert!(
            aligned * 2 > b.landmarks.len(),
            "{aligned} of {}",
            b.landmarks.len()
        );
    }

    #[test]
    fn speed_from_the_spectrogram_matches_speed_from_resampling() {
        // A copy played 4 % fast, fingerprinted at 1/1.04 speed from its spectrogram, shares
        // most landmarks with the original at a constant offset; at its own speed it shares few.
        let params = Params::default();
        let rate = params.sample_rate;
        let original = notes(21, 12.0, rate);
        let n = (original.len() as f64 / 1.04) as usize;
        let fast: Vec<f32> = (0..n)
            .map(|i| {
                let x = i as f64 * 1.04;
                let k = x.floor() as usize;
                let w = (x - k as f64) as f32;
                original[k] * (1.0 - w) + original.get(k + 1).copied().unwrap_or(0.0) * w
            })
            .collect();
        let reference: std::collections::HashSet<u32> = fingerprint(&original, &params)
            .unwrap()
            .landmarks
            .iter()
            .map(|l| l.hash)
            .collect();
        let shared = |fp: &Fingerprint| {
            fp.landmarks
                .iter()
                .filter(|l| reference.contains(&l.hash))
                .count() as f64
                / fp.landmarks.len().max(1) as f64
        };
        let spec = spectrogram(&fast, &params).unwrap();
        let restored = fingerprint_at_speed(&spec, &params, 1.0 / 1.04).unwrap();
        let as_is = fingerprint(&fast, &params).unwrap();
        assert!(
            shared(&restored) > 2.0 * shared(&as_is),
            "{} vs {}",
            shared(&restored),
            shared(&as_is)
        );
        assert!(shared(&restored) > 0.3, "{}", shared(&restored));
        // Speed 1 reproduces the plain fingerprint's landmarks.
        let same =
            fingerprint_at_speed(&spectrogram(&original, &params).unwrap(), &params, 1.0).unwrap();
        assert_eq!(
            same.landmarks,
            fingerprint(&original, &params).unwrap().landmarks
        );
    }

    #[test]
    fn bad_params_are_refused() {
        let params = Params {
            fft_size: 1000,
            ..Params::default()
        };
        assert!(matches!(
            Fingerprinter::new(params),
            Err(FpError::InvalidParams(_))
        ));
        let params = Params {
            hop: 0,
            ..Params::default()
        };
        assert!(Fingerprinter::new(params).is_err());
        let params = Params {
            max_hz: 9000.0,
            ..Params::default()
        };
        assert!(Fingerprinter::new(params).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Any chunking of any signal gives the same landmarks as one call, and every hash
        /// fits the declared width.
        #[test]
        fn chunking_never_changes_the_result(seed in 0u64..1000, chunk in 1usize..5000) {
            let params = Params::default();
            let signal = notes(seed, 3.0, params.sample_rate);
            let whole = fingerprint(&signal, &params).unwrap();
            let mut fp = Fingerprinter::new(params.clone()).unwrap();
            for part in signal.chunks(chunk) {
                fp.push(part);
            }
            let streamed = fp.finish();
            proptest::prop_assert_eq!(&streamed, &whole);
            for l in &whole.landmarks {
                proptest::prop_assert!(l.hash < 1 << params.hash_bits());
            }
        }
    }
}
