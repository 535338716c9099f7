//! Audio input and output for fermata: decode any common music file to mono at the analysis
//! rate, resample, write WAV. (Generated music and degradations live in `fermata-synth`.)
//!
//! Decoding uses [symphonia](https://docs.rs/symphonia) (WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC
//! and ALAC in MP4/M4A) and falls back to an `ffmpeg` binary on `PATH` for everything else
//! (Opus, WebM/MKV, ADPCM, WavPack, WMA, …). Decoding streams: memory use is a few hundred KiB
//! whatever the file's length. Every failure is an [`AudioError`] naming the file and a remedy;
//! hostile or damaged input gives an error, never a panic or hang.
//!
//! Limits on hostile input:
//! - channels: 1 to [`MAX_CHANNELS`]; file sample rates: [`MIN_FILE_SAMPLE_RATE`] to
//!   [`MAX_SAMPLE_RATE`] Hz, checked on the header before anything is allocated
//!   ([`AudioError::HostileHeader`]);
//! - undecoded bytes: at most 64 KiB of a file may go undecoded (after its last frame, skipped
//!   between frames, or in a chained stream that cannot be decoded), known trailing metadata
//!   aside; more is [`AudioError::UndecodedData`], since it could hide another recording.
//!   Concatenated MP3s and chained Ogg streams are decoded in full, not to the first header's
//!   frame count;
//! - the ffmpeg fallback: 60 s + 10 s per MiB of file, at most 30 minutes, or
//!   `$FERMATA_FFMPEG_TIMEOUT_SECS` seconds; then ffmpeg is killed ([`AudioError::Timeout`]);
//! - demuxer errors: at most 16 in a row; chained Ogg streams: at most 256.
//!
//! ```
//! use fermata_audio::{ANALYSIS_RATE, decode_stream, write_wav};
//! use fermata_synth::{degrade, synth};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("song.wav");
//! // Ten seconds of generated music at CD rate, written as 16-bit WAV.
//! write_wav(&path, &synth::track(42, 10.0, 44_100), 44_100)?;
//!
//! // Stream it back as mono at the fingerprinter's rate, chunk by chunk.
//! let mut n = 0;
//! let info = decode_stream(&path, ANALYSIS_RATE, &mut |chunk: &[f32]| n += chunk.len())?;
//! assert_eq!(info.codec, "pcm_s16le");
//! assert_eq!(info.output_samples, n as u64);
//! assert!((info.duration_s() - 10.0).abs() < 0.01);
//!
//! // A telephone-quality, noisy excerpt of it, as a query might arrive.
//! let (mono, _) = fermata_audio::decode_to_vec(&path, ANALYSIS_RATE)?;
//! let clip = degrade::excerpt(&mono, ANALYSIS_RATE, 2.0, 5.0);
//! let noisy = degrade::add_white_noise(&degrade::band_pass(&clip, ANALYSIS_RATE, 300.0, 3400.0), 10.0, 1);
//! assert_eq!(noisy.len(), 5 * ANALYSIS_RATE as usize);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod decode;
mod error;
mod ffmpeg;
mod resample;
mod sniff;

use std::path::Path;

pub use decode::{UNDECODED_LIMIT, decode_stream, decode_to_vec};
pub use error::AudioError;
pub use resample::resample;

/// The analysis sample rate the fingerprinter works at (Hz).
pub const ANALYSIS_RATE: u32 = 8000;

/// Most channels a file may declare. Beyond this a header is treated as hostile: real music has
/// at most 7.1/9.1.6-style layouts, and a bogus count would make decoders size huge buffers.
pub const MAX_CHANNELS: u16 = 32;

/// Highest sample rate accepted, for files and for resampling (DXD/PCM tops out at 768 kHz).
pub const MAX_SAMPLE_RATE: u32 = 768_000;

/// Lowest sample rate a file may declare. Below this a header is treated as hostile: no music
/// is stored under 4 kHz (telephone audio is 8 kHz), and upsampling a bogus 1 Hz stream to the
/// analysis rate would turn a few kilobytes into gigabytes of buffers. Requested output rates
/// are the caller's choice and may go lower (down to 1 Hz).
pub const MIN_FILE_SAMPLE_RATE: u32 = 4_000;

/// What was learned about a decoded file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AudioInfo {
    /// Codec name, e.g. "vorbis", "mp3", "pcm_s16le", "flac", "aac", "alac"; files decoded by
    /// the ffmpeg fallback are prefixed, e.g. "ffmpeg:opus".
    pub codec: String,
    /// The file's sample rate in Hz (0 if only ffmpeg read the file and ffprobe was absent).
    pub source_rate: u32,
    /// The file's channel count (0 if unknown, as for `source_rate`).
    pub channels: u16,
    /// The rate the samples were delivered at.
    pub output_rate: u32,
    /// How many mono samples were delivered.
    pub output_samples: u64,
}

impl AudioInfo {
    /// Length of the delivered audio in seconds (`output_samples / output_rate`).
    pub fn duration_s(&self) -> f64 {
        if self.output_rate == 0 {
            return 0.0;
        }
        self.output_samples as f64 / self.output_rate as f64
    }
}

/// Writes mono f32 samples as a 16-bit PCM WAV file.
///
/// Samples are clipped to [-1, 1] and rounded; NaN is written as silence. `rate` must be
/// 1 Hz..=768 kHz.
pub fn write_wav(path: &Path, samples: &[f32], rate: u32) -> Result<(), AudioError> {
    if !(1..=MAX_SAMPLE_RATE).contains(&rate) {
        return Err(AudioError::InvalidRate {
            path: path.to_path_buf(),
            from_rate: rate,
            to_rate: rate,
        });
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let err = |e: hound::Error| AudioError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(err)?;
    {
        // The i16 writer avoids per-sample dispatch: writing stays far faster than decoding.
        let mut iw = w.get_i16_writer(samples.len() as u32);
        for &x in samples {
            // `as` saturates and maps NaN to 0, so this cannot overflow.
            iw.write_sample((x.clamp(-1.0, 1.0) * 32767.0).round() as i16);
        }
        iw.flush().map_err(err)?;
    }
    w.finalize().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration() {
        let i = AudioInfo {
            codec: "x".into(),
            source_rate: 44100,
            channels: 2,
            output_rate: 8000,
            output_samples: 12000,
        };
        assert_eq!(i.duration_s(), 1.5);
        assert_eq!(
            AudioInfo {
                output_rate: 0,
                ..i
            }
            .duration_s(),
            0.0
        );
    }

    #[test]
    fn wav_write_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        write_wav(&p, &[0.0, 0.5, -1.5, f32::NAN], 8000).unwrap();
        let mut r = hound::WavReader::open(&p).unwrap();
        let s: Vec<i16> = r.samples::<i16>().map(|x| x.unwrap()).collect();
        assert_eq!(s, vec![0, 16384, -32767, 0]);
        assert!(matches!(
            write_wav(&p, &[0.0], 0),
            Err(AudioError::InvalidRate { .. })
        ));
        let bad = dir.path().join("no/such/dir/a.wav");
        assert!(matches!(
            write_wav(&bad, &[0.0], 8000),
            Err(AudioError::Write { .. })
        ));
    }
}
