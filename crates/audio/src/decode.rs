//! File decoding: symphonia first, ffmpeg as a fallback, streaming into a sink.

use std::cell::Cell;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::Path;
use std::time::Duration;

use symphonia::core::audio::conv::FromSample;
use symphonia::core::audio::sample::Sample;
use symphonia::core::audio::{Audio, AudioBuffer, GenericAudioBufferRef};
use symphonia::core::codecs::audio::well_known as ids;
use symphonia::core::codecs::audio::{AudioCodecId, AudioCodecParameters, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use crate::ffmpeg::{self, Known};
use crate::resample::{StreamResampler, check_rate};
use crate::sniff::{self, SNIFF_LEN, Sniff};
use crate::{AudioError, AudioInfo, MAX_CHANNELS};

/// Consecutive demuxer errors tolerated before the rest of the file is given up on. Readers
/// usually resynchronise after one bad page/frame; a reader stuck on the same error would
/// otherwise loop forever.
const MAX_DEMUX_ERROR_RUN: u32 = 16;

/// Streaming decode: decodes `path`, downmixes to mono (channel average), resamples to `rate`
/// (1 Hz..=768 kHz) and calls `sink` with consecutive chunks of mono f32 samples, never holding
/// the whole file in memory. Returns what was learned about the file at the end.
///
/// Formats symphonia reads (WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC/ALAC in MP4/M4A) are
/// decoded in-process; anything else that looks like audio goes to `ffmpeg` if it is on `PATH`
/// (the codec is then reported as `ffmpeg:<name>`), else [`AudioError::UnsupportedCodec`].
/// A truncated final frame ends the audio without error, and damaged packets are skipped, but
/// if more packets fail than decode, or nothing decodes, the result is
/// [`AudioError::Corrupt`]. Such damage may only show late in a file, after audio has already
/// reached `sink`: on any error, discard what the sink received.
///
/// Output length is `ceil(n_source * rate / source_rate)` samples. A panic inside `sink`
/// propagates to the caller unchanged.
pub fn decode_stream(
    path: &Path,
    rate: u32,
    sink: &mut dyn FnMut(&[f32]),
) -> Result<AudioInfo, AudioError> {
    decode_stream_with(path, rate, sink, ffmpeg::find_ffmpeg().as_deref(), None)
}

/// Why symphonia could not deliver, and whether the ffmpeg fallback may still be tried
/// (only while nothing has reached the sink, so the caller never sees audio twice).
enum Failure {
    BeforeOutput {
        error: AudioError,
        known: Known,
        try_ffmpeg: bool,
    },
    Final(AudioError),
}

/// [`decode_stream`] with the ffmpeg binary given explicitly (`None` = behave as if absent),
/// so tests can exercise both paths deterministically, and optionally ffmpeg's time limit
/// (`None` = [`ffmpeg::timeout_for`] the file's size).
pub(crate) fn decode_stream_with(
    path: &Path,
    rate: u32,
    sink: &mut dyn FnMut(&[f32]),
    ffmpeg_bin: Option<&Path>,
    ffmpeg_timeout: Option<Duration>,
) -> Result<AudioInfo, AudioError> {
    if check_rate(path, rate, rate).is_err() {
        return Err(AudioError::InvalidRate {
            path: path.to_path_buf(),
            from_rate: 0,
            to_rate: rate,
        });
    }
    let open_err = |source| AudioError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(open_err)?;
    let meta = file.metadata().map_err(open_err)?;
    if meta.is_dir() {
        return Err(open_err(std::io::Error::new(
            ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    if meta.len() == 0 {
        return Err(AudioError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut head = Vec::with_capacity(SNIFF_LEN.min(meta.len() as usize));
    (&mut file)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(open_err)?;
    let kind = sniff::sniff(&head);
    if let Some(detail) = sniff::hostile_header(&head) {
        return Err(AudioError::HostileHeader {
            path: path.to_path_buf(),
            detail,
        });
    }
    drop(head);
    // Reopen rather than seek so the media source starts clean at byte 0.
    let file = File::open(path).map_err(open_err)?;

    let delivered = Cell::new(false);
    let in_sink = Cell::new(false);
    let mut guarded = |x: &[f32]| {
        in_sink.set(true);
        sink(x);
        in_sink.set(false);
        delivered.set(true);
    };
    // Last line of defence: symphonia's demuxers and decoders are written for well-formed
    // media and some arithmetic on hostile streams can still panic (overflow, slice bounds).
    // Everything touched inside is dropped on unwind, so converting that panic into a typed
    // error for this one file is sound and keeps a batch run alive. Panics raised by the
    // caller's own sink are theirs and are re-raised unchanged.
    let outcome: Result<AudioInfo, Failure> = match catch_unwind(AssertUnwindSafe(|| {
        decode_symphonia(path, file, rate, kind, &mut guarded)
    })) {
        Ok(r) => r,
        Err(payload) if in_sink.get() => resume_unwind(payload),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let error = AudioError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("the decoder hit an internal error on this data ({msg})"),
            };
            Err(if delivered.get() {
                Failure::Final(error)
            } else {
                Failure::BeforeOutput {
                    error,
                    known: Known::default(),
                    try_ffmpeg: true,
                }
            })
        }
    };
    match outcome {
        Ok(info) => Ok(info),
        Err(Failure::Final(e)) => Err(e),
        Err(Failure::BeforeOutput {
            error,
            known,
            try_ffmpeg,
        }) => {
            let Some(bin) = ffmpeg_bin.filter(|_| try_ffmpeg) else {
                return Err(error);
            };
            let timeout = ffmpeg_timeout.unwrap_or_else(|| ffmpeg::timeout_for(meta.len()));
            match ffmpeg::decode(bin, path, rate, &known, sink, timeout) {
                Ok(info) => Ok(info),
                // Audio already went out: ffmpeg's own failure is the accurate report. So is a
                // timeout: whatever the file is, it stopped a decoder.
                Err(f) if f.delivered || matches!(f.error, AudioError::Timeout { .. }) => {
                    Err(f.error)
                }
                // ffmpeg could not read it either: the original diagnosis (not audio, corrupt)
                // is more useful, except for a codec only ffmpeg could have decoded.
                Err(f) => Err(match error {
                    AudioError::UnsupportedCodec { .. } => f.error,
                    AudioError::NotAudio { path, detail } => AudioError::NotAudio {
                        path,
                        detail: format!("{detail}; ffmpeg cannot read it either"),
                    },
                    AudioError::Corrupt { path, detail } => AudioError::Corrupt {
                        path,
                        detail: format!("{detail}; ffmpeg cannot read it either"),
                    },
                    other => other,
                }),
            }
        }
    }
}

/// A name for codecs that have no decoder registered here (for messages and ffmpeg labels).
fn codec_name(id: AudioCodecId) -> String {
    let known: &[(AudioCodecId, &str)] = &[
        (ids::CODEC_ID_OPUS, "opus"),
        (ids::CODEC_ID_ADPCM_MS, "adpcm_ms"),
        (ids::CODEC_ID_ADPCM_IMA_WAV, "adpcm_ima_wav"),
        (ids::CODEC_ID_ADPCM_IMA_QT, "adpcm_ima_qt"),
        (ids::CODEC_ID_PCM_ALAW, "pcm_alaw"),
        (ids::CODEC_ID_PCM_MULAW, "pcm_mulaw"),
        (ids::CODEC_ID_SPEEX, "speex"),
        (ids::CODEC_ID_MUSEPACK, "musepack"),
        (ids::CODEC_ID_AC3, "ac3"),
        (ids::CODEC_ID_EAC3, "eac3"),
        (ids::CODEC_ID_AC4, "ac4"),
        (ids::CODEC_ID_DCA, "dts"),
        (ids::CODEC_ID_WMA, "wma"),
        (ids::CODEC_ID_WAVPACK, "wavpack"),
        (ids::CODEC_ID_MONKEYS_AUDIO, "ape"),
        (ids::CODEC_ID_TTA, "tta"),
        (ids::CODEC_ID_TRUEHD, "truehd"),
        (ids::CODEC_ID_ATRAC3, "atrac3"),
        (ids::CODEC_ID_ATRAC3PLUS, "atrac3plus"),
        (ids::CODEC_ID_COOK, "cook"),
        (ids::CODEC_ID_SBC, "sbc"),
        (ids::CODEC_ID_APTX, "aptx"),
        (ids::CODEC_ID_LDAC, "ldac"),
        (ids::CODEC_ID_MP1, "mp1"),
        (ids::CODEC_ID_MP2, "mp2"),
        (ids::CODEC_ID_MP3, "mp3"),
        (ids::CODEC_ID_AAC, "aac"),
        (ids::CODEC_ID_VORBIS, "vorbis"),
        (ids::CODEC_ID_FLAC, "flac"),
        (ids::CODEC_ID_ALAC, "alac"),
    ];
    known
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("unknown codec {id}"))
}

fn classify_probe_error(path: &Path, err: SymError, kind: Sniff) -> Failure {
    let path_buf = path.to_path_buf();
    let eof = matches!(&err, SymError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof);
    let error = match (&err, kind) {
        (SymError::IoError(e), _) if !eof => AudioError::Open {
            path: path_buf,
            source: std::io::Error::new(e.kind(), e.to_string()),
        },
        (SymError::LimitError(m), _) => AudioError::HostileHeader {
            path: path_buf,
            detail: format!("a header over limits ({m})"),
        },
        (_, Sniff::Foreign(codec)) => AudioError::UnsupportedCodec {
            path: path_buf,
            codec: codec.to_string(),
        },
        (_, Sniff::Native(fmt)) => AudioError::Corrupt {
            path: path_buf,
            detail: if eof {
                format!("its {fmt} header is cut short")
            } else {
                format!("its {fmt} header could not be read ({err})")
            },
        },
        (_, Sniff::Unknown) => AudioError::NotAudio {
            path: path_buf,
            detail: "no known audio format signature was found".into(),
        },
    };
    let try_ffmpeg = match kind {
        Sniff::Native(_) | Sniff::Foreign(_) => !matches!(error, AudioError::HostileHeader { .. }),
        Sniff::Unknown => {
            matches!(error, AudioError::NotAudio { .. }) && sniff::audio_extension(path)
        }
    };
    let known = Known {
        codec: kind.name().map(String::from),
        ..Known::default()
    };
    Failure::BeforeOutput {
        error,
        known,
        try_ffmpeg,
    }
}

/// Validates a track's declared format before a decoder is built from it.
fn check_params(path: &Path, p: &AudioCodecParameters) -> Result<(), AudioError> {
    let channels = p.channels.as_ref().map(|c| c.count() as u64);
    let rate = p.sample_rate.map(f64::from);
    // Missing values are checked later on the decoded buffers instead.
    if let Some(detail) = sniff::check_format(channels.unwrap_or(1), rate.unwrap_or(8000.0)) {
        return Err(AudioError::HostileHeader {
            path: path.to_path_buf(),
            detail,
        });
    }
    Ok(())
}

fn decode_symphonia(
    path: &Path,
    file: File,
    rate: u32,
    kind: Sniff,
    sink: &mut dyn FnMut(&[f32]),
) -> Result<AudioInfo, Failure> {
    let before = |error: AudioError| Failure::BeforeOutput {
        error,
        known: Known::default(),
        try_ffmpeg: false,
    };
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probe = symphonia::default::get_probe();
    let mut format: Box<dyn FormatReader> = match probe.probe(
        &hint,
        mss,
        FormatOptions::default(),
        MetadataOptions::default(),
    ) {
        Ok(f) => f,
        Err(e) => return Err(classify_probe_error(path, e, kind)),
    };

    let Some(track) = format
        .default_track(TrackType::Audio)
        .or_else(|| format.first_track(TrackType::Audio))
    else {
        let error = match kind {
            Sniff::Foreign(codec) => AudioError::UnsupportedCodec {
                path: path.to_path_buf(),
                codec: codec.into(),
            },
            _ => AudioError::Corrupt {
                path: path.to_path_buf(),
                detail: "it contains no audio track".into(),
            },
        };
        return Err(Failure::BeforeOutput {
            error,
            known: Known::default(),
            try_ffmpeg: true,
        });
    };
    let track_id = track.id;
    let Some(params) = track.codec_params.as_ref().and_then(|p| p.audio()).cloned() else {
        return Err(Failure::BeforeOutput {
            error: AudioError::Corrupt {
                path: path.to_path_buf(),
                detail: "its audio track has no codec parameters".into(),
            },
            known: Known::default(),
            try_ffmpeg: true,
        });
    };
    check_params(path, &params).map_err(before)?;
    let known = Known {
        codec: Some(codec_name(params.codec)),
        rate: params.sample_rate,
        channels: params.channels.as_ref().map(|c| c.count() as u16),
    };
    let registry = symphonia::default::get_codecs();
    let unsupported = |codec: String, known: Known| Failure::BeforeOutput {
        error: AudioError::UnsupportedCodec {
            path: path.to_path_buf(),
            codec,
        },
        known,
        try_ffmpeg: true,
    };
    let Some(registered) = registry.get_audio_decoder(params.codec) else {
        return Err(unsupported(codec_name(params.codec), known));
    };
    let codec = registered.codec.info.short_name.to_string();
    let mut decoder = match registry.make_audio_decoder(&params, &AudioDecoderOptions::default()) {
        Ok(d) => d,
        Err(SymError::Unsupported(what)) => {
            return Err(unsupported(format!("{codec} ({what})"), known));
        }
        Err(e) => {
            return Err(Failure::BeforeOutput {
                error: AudioError::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("its {codec} setup data is invalid ({e})"),
                },
                known,
                try_ffmpeg: true,
            });
        }
    };

    let mut source_rate = params.sample_rate;
    let mut channels = known.channels;
    let mut resampler = match source_rate {
        Some(r) => Some(StreamResampler::new(path, r, rate).map_err(before)?),
        None => None,
    };
    let mut mono: Vec<f32> = Vec::new();
    let (mut ok_packets, mut bad_packets, mut demux_run) = (0u64, 0u64, 0u32);
    let mut first_unsupported: Option<&'static str> = None;
    let mut delivered = false;
    let resample_err = |detail: String| AudioError::Resample {
        path: path.to_path_buf(),
        detail,
    };

    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => {
                demux_run = 0;
                p
            }
            Ok(None) => break,
            // A truncated final frame or page: keep everything decoded so far, like players do.
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(SymError::IoError(e)) => {
                let error = AudioError::Open {
                    path: path.to_path_buf(),
                    source: e,
                };
                return Err(if delivered {
                    Failure::Final(error)
                } else {
                    before(error)
                });
            }
            // Chained Ogg streams signal a new logical stream; that (rare) case ends decoding
            // here rather than re-plumbing decoder and resampler mid-file.
            Err(SymError::ResetRequired) => break,
            Err(_) => {
                demux_run += 1;
                bad_packets += 1;
                if demux_run >= MAX_DEMUX_ERROR_RUN {
                    break;
                }
                continue;
            }
        };
        if packet.track_id != track_id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(buf) => buf,
            Err(SymError::Unsupported(what)) => {
                first_unsupported.get_or_insert(what);
                bad_packets += 1;
                continue;
            }
            Err(_) => {
                // Damaged packet: skip it, as every real decoder does.
                bad_packets += 1;
                continue;
            }
        };
        if buf.frames() == 0 {
            continue;
        }
        let spec_rate = buf.spec().rate();
        let spec_channels = buf.spec().channels().count();
        if spec_channels == 0 || spec_channels > MAX_CHANNELS as usize {
            bad_packets += 1;
            continue;
        }
        let rs = match resampler.as_mut() {
            Some(rs) => {
                if Some(spec_rate) != source_rate {
                    // A mid-stream rate change would need a new resampler; treat as damage.
                    bad_packets += 1;
                    continue;
                }
                rs
            }
            None => {
                if sniff::check_format(spec_channels as u64, spec_rate as f64).is_some() {
                    bad_packets += 1;
                    continue;
                }
                source_rate = Some(spec_rate);
                resampler.insert(StreamResampler::new(path, spec_rate, rate).map_err(before)?)
            }
        };
        channels.get_or_insert(spec_channels as u16);
        ok_packets += 1;
        downmix(&buf, &mut mono);
        let mut counting = |x: &[f32]| {
            delivered = true;
            sink(x)
        };
        rs.push(&mono, &mut counting)
            .map_err(|d| Failure::Final(resample_err(d)))?;
    }

    let out_total = match resampler.as_mut() {
        Some(rs) => {
            let mut counting = |x: &[f32]| {
                delivered = true;
                sink(x)
            };
            rs.finish(&mut counting)
                .map_err(|d| Failure::Final(resample_err(d)))?;
            rs.out_total()
        }
        None => 0,
    };
    let total = ok_packets + bad_packets;
    if out_total == 0 {
        if let (0, Some(what)) = (ok_packets, first_unsupported) {
            return Err(unsupported(format!("{codec} ({what})"), known));
        }
        let error = AudioError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("no audio could be decoded ({bad_packets} of {total} packets failed)"),
        };
        return Err(if delivered {
            Failure::Final(error)
        } else {
            Failure::BeforeOutput {
                error,
                known,
                try_ffmpeg: true,
            }
        });
    }
    if bad_packets > ok_packets {
        return Err(Failure::Final(AudioError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("{bad_packets} of {total} packets failed to decode"),
        }));
    }
    Ok(AudioInfo {
        codec,
        source_rate: source_rate.unwrap_or(0),
        channels: channels.unwrap_or(0),
        output_rate: rate,
        output_samples: out_total,
    })
}

/// Averages all channels of a decoded buffer into `out`. Float PCM files can hold any value:
/// non-finite samples become silence and huge ones are clipped to ±[`SAMPLE_LIMIT`], so they
/// cannot overflow into inf/NaN inside the resampler's FFTs or downstream.
fn downmix(buf: &GenericAudioBufferRef<'_>, out: &mut Vec<f32>) {
    match buf {
        GenericAudioBufferRef::U8(b) => downmix_typed(b, out),
        GenericAudioBufferRef::U16(b) => downmix_typed(b, out),
        GenericAudioBufferRef::U24(b) => downmix_typed(b, out),
        GenericAudioBufferRef::U32(b) => downmix_typed(b, out),
        GenericAudioBufferRef::S8(b) => downmix_typed(b, out),
        GenericAudioBufferRef::S16(b) => downmix_typed(b, out),
        GenericAudioBufferRef::S24(b) => downmix_typed(b, out),
        GenericAudioBufferRef::S32(b) => downmix_typed(b, out),
        GenericAudioBufferRef::F32(b) => downmix_typed(b, out),
        GenericAudioBufferRef::F64(b) => downmix_typed(b, out),
    }
}

/// Largest magnitude passed on (+36 dBFS): far above any real recording, far below overflow.
pub(crate) const SAMPLE_LIMIT: f32 = 64.0;

/// Non-finite → 0, otherwise clipped to ±[`SAMPLE_LIMIT`].
pub(crate) fn sanitize(v: f32) -> f32 {
    if v.is_finite() {
        v.clamp(-SAMPLE_LIMIT, SAMPLE_LIMIT)
    } else {
        0.0
    }
}

fn downmix_typed<S: Sample>(buf: &AudioBuffer<S>, out: &mut Vec<f32>)
where
    f32: FromSample<S>,
{
    let frames = buf.frames();
    out.clear();
    out.resize(frames, 0.0);
    let mut planes = 0usize;
    for plane in buf.iter_planes() {
        planes += 1;
        for (o, &s) in out.iter_mut().zip(plane) {
            *o += f32::from_sample(s);
        }
    }
    let scale = 1.0 / planes.max(1) as f32;
    for o in out.iter_mut() {
        *o = sanitize(*o * scale);
    }
}

/// Convenience: the whole file as one `Vec` at `rate` (for excerpts and tests); see
/// [`decode_stream`] for formats and errors. Uses memory proportional to the file's duration.
pub fn decode_to_vec(path: &Path, rate: u32) -> Result<(Vec<f32>, AudioInfo), AudioError> {
    let mut all = Vec::new();
    let info = decode_stream(path, rate, &mut |x| all.extend_from_slice(x))?;
    Ok((all, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ogg_crc(data: &[u8]) -> u32 {
        let mut crc = 0u32;
        for &b in data {
            crc ^= (b as u32) << 24;
            for _ in 0..8 {
                crc = if crc & 0x8000_0000 != 0 {
                    (crc << 1) ^ 0x04C1_1DB7
                } else {
                    crc << 1
                };
            }
        }
        crc
    }

    fn ogg_page(seq: u32, flags: u8, granule: u64, packet: &[u8]) -> Vec<u8> {
        let mut segs = vec![255u8; packet.len() / 255];
        segs.push((packet.len() % 255) as u8);
        let mut p = b"OggS\0".to_vec();
        p.push(flags);
        p.extend_from_slice(&granule.to_le_bytes());
        p.extend_from_slice(&0x1234u32.to_le_bytes());
        p.extend_from_slice(&seq.to_le_bytes());
        p.extend_from_slice(&[0; 4]);
        p.push(segs.len() as u8);
        p.extend_from_slice(&segs);
        p.extend_from_slice(packet);
        let crc = ogg_crc(&p);
        p[22..26].copy_from_slice(&crc.to_le_bytes());
        p
    }

    /// A structurally valid Ogg Opus stream (headers plus one silent frame), built by hand so
    /// the no-ffmpeg path is tested without any encoder.
    fn tiny_opus() -> Vec<u8> {
        let mut head = b"OpusHead".to_vec();
        head.extend_from_slice(&[1, 2]);
        head.extend_from_slice(&312u16.to_le_bytes());
        head.extend_from_slice(&48_000u32.to_le_bytes());
        head.extend_from_slice(&[0, 0, 0]);
        let mut tags = b"OpusTags".to_vec();
        tags.extend_from_slice(&4u32.to_le_bytes());
        tags.extend_from_slice(b"test");
        tags.extend_from_slice(&0u32.to_le_bytes());
        let mut f = ogg_page(0, 0x02, 0, &head);
        f.extend(ogg_page(1, 0x00, 0, &tags));
        // TOC 0xFC: CELT-only fullband 20 ms, stereo, one frame; a frame of silence.
        f.extend(ogg_page(2, 0x04, 960, &[0xFC, 0xFF, 0xFE]));
        f
    }

    #[test]
    fn opus_without_ffmpeg_is_unsupported_codec() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.opus");
        std::fs::write(&p, tiny_opus()).unwrap();
        let e = decode_stream_with(&p, 8000, &mut |_| {}, None, None).unwrap_err();
        match &e {
            AudioError::UnsupportedCodec { path, codec } => {
                assert_eq!(path, &p);
                assert_eq!(codec, "opus");
            }
            other => panic!("expected UnsupportedCodec, got {other}"),
        }
        let msg = e.to_string();
        assert!(
            msg.contains("x.opus") && msg.contains("install ffmpeg"),
            "{msg}"
        );
    }

    #[test]
    fn real_opus_with_and_without_ffmpeg() {
        let Some(ff) = ffmpeg::find_ffmpeg() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true needs ffmpeg"
            );
            eprintln!("SKIPPED real_opus_with_and_without_ffmpeg: no ffmpeg on PATH");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("s.wav");
        crate::write_wav(&wav, &crate::synth::track(5, 6.0, 48_000), 48_000).unwrap();
        let opus = dir.path().join("s.ogg"); // Ogg extension: detection must use the content
        let st = std::process::Command::new(&ff)
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(&wav)
            .args(["-c:a", "libopus"])
            .arg(&opus)
            .status()
            .unwrap();
        assert!(st.success());
        let e = decode_stream_with(&opus, 8000, &mut |_| {}, None, None).unwrap_err();
        assert!(
            matches!(e, AudioError::UnsupportedCodec { ref codec, .. } if codec == "opus"),
            "{e}"
        );
        let mut n = 0usize;
        let info = decode_stream_with(&opus, 8000, &mut |c| n += c.len(), Some(&ff), None).unwrap();
        assert_eq!(info.codec, "ffmpeg:opus");
        assert_eq!(info.source_rate, 48_000);
        assert_eq!(info.channels, 1);
        assert_eq!(info.output_samples, n as u64);
        assert!(
            (info.duration_s() - 6.0).abs() < 0.06,
            "{}",
            info.duration_s()
        );
    }

    #[test]
    fn broken_ffmpeg_binary_is_reported() {
        // /bin/false exits 1 without output: an Opus file then yields the Ffmpeg error.
        let fake = Path::new("/bin/false");
        if !fake.exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.opus");
        std::fs::write(&p, tiny_opus()).unwrap();
        let e = decode_stream_with(&p, 8000, &mut |_| {}, Some(fake), None).unwrap_err();
        assert!(matches!(e, AudioError::Ffmpeg { .. }), "{e}");
        // ...but a text file stays "not audio" even though ffmpeg was tried on it.
        let t = dir.path().join("t.mp3");
        std::fs::write(&t, "hello, not audio").unwrap();
        let e = decode_stream_with(&t, 8000, &mut |_| {}, Some(fake), None).unwrap_err();
        assert!(matches!(e, AudioError::NotAudio { .. }), "{e}");
    }

    /// A fake `ffmpeg` that never finishes: a shell script whose child (`sleep`) also holds the
    /// output pipes, as a wrapper script would.
    #[cfg(unix)]
    fn hanging_ffmpeg(dir: &Path) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let fake = dir.join("ffmpeg");
        std::fs::write(&fake, "#!/bin/sh\nsleep 1000\necho never\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        fake
    }

    #[cfg(unix)]
    #[test]
    fn hung_ffmpeg_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let fake = hanging_ffmpeg(dir.path());
        let p = dir.path().join("x.opus");
        std::fs::write(&p, tiny_opus()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (p2, fake2) = (p.clone(), fake.clone());
        std::thread::spawn(move || {
            let limit = Some(Duration::from_secs(1));
            let r = decode_stream_with(&p2, 8000, &mut |_| {}, Some(&fake2), limit);
            let _ = tx.send(r.map(|_| ()));
        });
        let started = std::time::Instant::now();
        let r = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("decoding did not return: the hung ffmpeg was not stopped");
        let e = r.unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "took {took:?}");
        assert!(matches!(e, AudioError::Timeout { seconds: 1, .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("x.opus") && msg.contains("FERMATA_FFMPEG_TIMEOUT_SECS"), "{msg}");
    }

    #[test]
    fn ffmpeg_time_limit_grows_with_size_within_bounds() {
        if std::env::var_os(ffmpeg::TIMEOUT_ENV).is_some() {
            return; // an operator's fixed limit replaces the size-based one
        }
        assert_eq!(ffmpeg::timeout_for(0), ffmpeg::TIMEOUT_FLOOR);
        assert_eq!(ffmpeg::timeout_for(6 << 20), Duration::from_secs(120));
        assert_eq!(ffmpeg::timeout_for(u64::MAX), ffmpeg::TIMEOUT_CEILING);
    }

    #[test]
    fn sink_panics_are_not_swallowed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.wav");
        crate::write_wav(&p, &[0.1; 20_000], 8000).unwrap();
        let r = std::panic::catch_unwind(|| {
            let _ = decode_stream_with(&p, 8000, &mut |_| panic!("sink boom"), None, None);
        });
        let payload = r.unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"sink boom"));
    }

    #[test]
    fn codec_names() {
        assert_eq!(codec_name(ids::CODEC_ID_OPUS), "opus");
        assert!(codec_name(AudioCodecId::default()).starts_with("unknown codec"));
    }
}
