//! File decoding: symphonia first, ffmpeg as a fallback, streaming into a sink.
//!
//! The decode loop also accounts for the file's bytes (see `ByteAccount`): it records the
//! file position after each decoded frame, so bytes that were skipped between frames or never
//! reached after the last one are noticed, and a file that could hide a second recording in
//! them is refused instead of being judged on its first part.

use std::cell::Cell;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::io::{Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use symphonia::core::audio::conv::FromSample;
use symphonia::core::audio::sample::Sample;
use symphonia::core::audio::{Audio, AudioBuffer, GenericAudioBufferRef};
use symphonia::core::codecs::audio::well_known as ids;
use symphonia::core::codecs::audio::{AudioCodecId, AudioCodecParameters, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::Duration as UnitDuration;

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
/// Every frame in the bytes is decoded, whatever a header claims: concatenated MP3s (each with
/// its own Xing/Info frame count, possibly at different sample rates) and chained Ogg streams
/// (each with its own codec setup, rate and channels) decode to the sum of their parts, each
/// part resampled on its own; [`AudioInfo`]'s `source_rate` and `channels` are the first
/// part's. A file in which more than [`UNDECODED_LIMIT`] (64 KiB) of bytes were not decoded
/// (appended or chained data its reader cannot follow, large junk) is
/// [`AudioError::UndecodedData`] rather than a partial result, and the ffmpeg fallback stops
/// with [`AudioError::Timeout`] after its time limit (60 s + 10 s per MiB, at most 30 min,
/// or `$FERMATA_FFMPEG_TIMEOUT_SECS`). Files declaring fewer than
/// [`MIN_FILE_SAMPLE_RATE`](crate::MIN_FILE_SAMPLE_RATE) Hz are refused as hostile.
///
/// Output length is `ceil(n_source * rate / source_rate)` samples (summed over the parts of a
/// concatenated or chained file). A panic inside `sink` propagates to the caller unchanged.
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
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let pos = Arc::new(AtomicU64::new(0));
    let source = Tracked {
        file,
        pos: Arc::clone(&pos),
        len: file_len,
    };
    let mss = MediaSourceStream::new(Box::new(source), Default::default());
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

    let mut track_id = track_id;
    let is_mpeg = [ids::CODEC_ID_MP1, ids::CODEC_ID_MP2, ids::CODEC_ID_MP3].contains(&params.codec);
    let mut mpeg_key: Option<(u8, u8, bool)> = None;
    // One resampler per run of equal source rates: a new chained stream or an MPEG stream
    // whose rate changes mid-file (concatenated files) flushes the old one and starts anew.
    let mut resampler: Option<StreamResampler> = None;
    let mut out_done = 0u64; // output of resamplers already flushed
    let mut first_rate: Option<u32> = None;
    let mut channels = known.channels;
    let mut mono: Vec<f32> = Vec::new();
    let (mut ok_packets, mut bad_packets, mut demux_run) = (0u64, 0u64, 0u32);
    let mut first_unsupported: Option<&'static str> = None;
    let mut delivered = false;
    let mut chained = 0u32;
    let mut bytes = ByteAccount::new(kind);
    let resample_err = |detail: String| AudioError::Resample {
        path: path.to_path_buf(),
        detail,
    };

    loop {
        let mut packet = match format.next_packet() {
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
            // A chained Ogg file: the next logical stream starts here, with its own codec
            // setup, rate and channels. Decode it too, with a decoder made for it.
            Err(SymError::ResetRequired) => {
                bytes.end_run();
                chained += 1;
                let next = if chained > MAX_CHAINED_STREAMS {
                    Err(NextStream::Other(AudioError::Corrupt {
                        path: path.to_path_buf(),
                        detail: format!("it chains more than {MAX_CHAINED_STREAMS} streams"),
                    }))
                } else {
                    next_chained_decoder(path, format.as_ref())
                };
                match next {
                    Ok((id, dec)) => {
                        (track_id, decoder) = (id, dec);
                        continue;
                    }
                    Err(NextStream::Hostile(error)) | Err(NextStream::Other(error)) => {
                        return Err(Failure::Final(error));
                    }
                    Err(NextStream::Unsupported(what)) => {
                        let decoded = (out_done + resampler.as_ref().map_or(0, |r| r.out_total()))
                            as f64
                            / rate as f64;
                        let undecoded = file_len.saturating_sub(pos.load(Ordering::Relaxed));
                        return Err(Failure::Final(bytes.undecoded_error(
                            path,
                            decoded,
                            undecoded,
                            file_len,
                            format!("a chained {what} stream, which cannot be decoded in-process"),
                        )));
                    }
                }
            }
            Err(_) => {
                demux_run += 1;
                bad_packets += 1;
                if demux_run >= MAX_DEMUX_ERROR_RUN {
                    break;
                }
                continue;
            }
        };
        bytes.packet(packet.data.len());
        if packet.track_id != track_id {
            continue;
        }
        // Frames past the end a header declares (an MP3's Xing/Info frame count, an Ogg page's
        // granule position) arrive fully trimmed. Such headers only describe the first of
        // several concatenated files, so decode those frames: the bytes, not the header, say
        // what the file holds. (Partial trims, the encoder's padding, are kept.)
        // (The MPEG reader leaves `dur` whole and sets a `trim_end` of at least all of it; the
        // Ogg reader subtracts the trim from `dur`.)
        let past_end = packet.trim_end > UnitDuration::ZERO
            && (packet.dur == UnitDuration::ZERO || (is_mpeg && packet.trim_end >= packet.dur));
        if past_end {
            packet.trim_end = UnitDuration::ZERO;
        }
        // Concatenated MPEG files may change sample rate or channel mode at a file boundary;
        // symphonia's decoder keeps the first frame's and refuses others. A fresh decoder
        // takes on the new ones (its bit reservoir starts empty, as the new file's does).
        if is_mpeg {
            let key = mpeg_spec_key(&packet.data);
            if key.is_some()
                && mpeg_key.is_some()
                && key != mpeg_key
                && let Ok(fresh) =
                    registry.make_audio_decoder(&params, &AudioDecoderOptions::default())
            {
                decoder = fresh;
            }
            if key.is_some() {
                mpeg_key = key;
            }
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
        if sniff::check_format(spec_channels as u64, spec_rate as f64).is_some() {
            bad_packets += 1;
            continue;
        }
        if resampler.as_ref().map(|r| r.input_rate()) != Some(spec_rate) {
            if let Some(mut old) = resampler.take() {
                let mut counting = |x: &[f32]| {
                    delivered = true;
                    sink(x)
                };
                old.finish(&mut counting)
                    .map_err(|d| Failure::Final(resample_err(d)))?;
                out_done += old.out_total();
            }
            let fresh = StreamResampler::new(path, spec_rate, rate).map_err(|e| {
                if delivered {
                    Failure::Final(e)
                } else {
                    before(e)
                }
            })?;
            resampler = Some(fresh);
        }
        let Some(rs) = resampler.as_mut() else {
            continue;
        };
        first_rate.get_or_insert(spec_rate);
        channels.get_or_insert(spec_channels as u16);
        ok_packets += 1;
        bytes.good(pos.load(Ordering::Relaxed));
        downmix(&buf, &mut mono);
        let mut counting = |x: &[f32]| {
            delivered = true;
            sink(x)
        };
        rs.push(&mono, &mut counting)
            .map_err(|d| Failure::Final(resample_err(d)))?;
    }

    if let Some(rs) = resampler.as_mut() {
        let mut counting = |x: &[f32]| {
            delivered = true;
            sink(x)
        };
        rs.finish(&mut counting)
            .map_err(|d| Failure::Final(resample_err(d)))?;
        out_done += rs.out_total();
    }
    let out_total = out_done;
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
    bytes.end_run();
    let decoded_s = out_total as f64 / rate as f64;
    if let Some(error) = bytes.check(path, kind, decoded_s, file_len) {
        return Err(Failure::Final(error));
    }
    Ok(AudioInfo {
        codec,
        source_rate: first_rate.or(params.sample_rate).unwrap_or(0),
        channels: channels.unwrap_or(0),
        output_rate: rate,
        output_samples: out_total,
    })
}

/// What fixes an MPEG audio frame's output format: (version and layer bits, sample rate index,
/// mono), from its 4-byte header; `None` if `data` does not start with a frame header.
fn mpeg_spec_key(data: &[u8]) -> Option<(u8, u8, bool)> {
    match data {
        [0xFF, b1, b2, b3, ..] if b1 & 0xE0 == 0xE0 => {
            Some((b1 & 0x1E, (b2 >> 2) & 0x03, b3 >> 6 == 0x03))
        }
        _ => None,
    }
}

/// Most chained logical streams followed in one Ogg file (real chains are a few radio
/// programmes or album tracks; thousands would only cost a decoder setup each).
const MAX_CHAINED_STREAMS: u32 = 256;

/// Why the next stream of a chained file cannot be decoded here.
enum NextStream {
    Hostile(AudioError),
    Unsupported(String),
    Other(AudioError),
}

/// After [`SymError::ResetRequired`]: the new audio track and a decoder for it.
fn next_chained_decoder(
    path: &Path,
    format: &dyn FormatReader,
) -> Result<(u32, Box<dyn symphonia::core::codecs::audio::AudioDecoder>), NextStream> {
    let corrupt = |detail: &str| {
        NextStream::Other(AudioError::Corrupt {
            path: path.to_path_buf(),
            detail: detail.into(),
        })
    };
    let track = format
        .default_track(TrackType::Audio)
        .or_else(|| format.first_track(TrackType::Audio))
        .ok_or_else(|| corrupt("a chained stream contains no audio track"))?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| corrupt("a chained stream has no codec parameters"))?;
    check_params(path, params).map_err(NextStream::Hostile)?;
    let registry = symphonia::default::get_codecs();
    if registry.get_audio_decoder(params.codec).is_none() {
        return Err(NextStream::Unsupported(codec_name(params.codec)));
    }
    match registry.make_audio_decoder(params, &AudioDecoderOptions::default()) {
        Ok(d) => Ok((track.id, d)),
        Err(SymError::Unsupported(what)) => Err(NextStream::Unsupported(format!(
            "{} ({what})",
            codec_name(params.codec)
        ))),
        Err(e) => Err(NextStream::Other(AudioError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("a chained stream's setup data is invalid ({e})"),
        })),
    }
}

/// Undecoded bytes tolerated in a file whose audio otherwise decoded: at most this many bytes
/// after the last decoded frame, in gaps the demuxer skipped between frames, and in chained
/// streams that could not be decoded, all together (known trailing metadata excluded: ID3v1 and
/// APEv2 tags, MP4 boxes other than `mdat`, RIFF/AIFF chunks other than the audio data).
///
/// 64 KiB covers what real files carry: a truncated last frame or Ogg page (an Ogg page is at
/// most 65,307 bytes, typically 4-8 KB), Lyrics3 and other small tags, a few KB of junk. It is
/// too little to hide a recording worth identifying: 64 KiB is about 4 s at 128 kbit/s and
/// 16 s at 32 kbit/s, a low rate for music. On the development corpus (47 files, 2 h of MP3
/// and Ogg Vorbis) no file had any undecoded bytes beyond the 8 KiB measuring precision.
pub const UNDECODED_LIMIT: u64 = 64 * 1024;

/// Container framing tolerated between decoded frames, as a share of the bytes decoded. Ogg
/// page headers cost 27 bytes plus a lacing byte per packet (and per 255 bytes of it): 1.4-2.3 %
/// of the development corpus's Vorbis files including their setup headers, so 3 % for Ogg.
/// Other containers put (almost) nothing between frames: 1 %.
fn framing_share(kind: Sniff) -> f64 {
    match kind {
        Sniff::Native("vorbis" | "ogg" | "flac") => 0.03,
        _ => 0.01,
    }
}

/// Largest single read from the file. The media source stream reads ahead by up to one read,
/// so keeping reads small keeps "position after the last decoded frame" accurate to 8 KiB.
const READ_CAP: usize = 8 * 1024;

/// The file as symphonia's media source, recording the current read position so the decode
/// loop knows how far into the file each decoded frame ended.
struct Tracked {
    file: File,
    pos: Arc<AtomicU64>,
    len: u64,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(READ_CAP);
        let got = self.file.read(&mut buf[..n])?;
        self.pos.fetch_add(got as u64, Ordering::Relaxed);
        Ok(got)
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let at = self.file.seek(to)?;
        self.pos.store(at, Ordering::Relaxed);
        Ok(at)
    }
}

impl MediaSource for Tracked {
    fn is_seekable(&self) -> bool {
        true
    }
    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}

/// Where the decoded frames lie in the file, to find bytes that were never decoded.
///
/// A *run* is a stretch of frames of one logical stream. Within a run, the file position moves
/// by the sizes of the packets the demuxer returned, plus framing; anything more was skipped.
struct ByteAccount {
    /// See [`framing_share`].
    framing_share: f64,
    /// Bytes of all packets the demuxer returned so far (any track, decoded or not).
    packet_bytes: u64,
    /// (file position, packet bytes) at the first and latest decoded frame of the current run.
    run_first: Option<(u64, u64)>,
    run_last: (u64, u64),
    /// Bytes skipped inside finished runs, beyond the framing allowance.
    skipped: u64,
    /// Packet bytes decoded in finished runs (for the bit rate estimate).
    decoded_bytes: u64,
    /// File position after the last decoded frame.
    last_good_pos: u64,
}

impl ByteAccount {
    fn new(kind: Sniff) -> Self {
        ByteAccount {
            framing_share: framing_share(kind),
            packet_bytes: 0,
            run_first: None,
            run_last: (0, 0),
            skipped: 0,
            decoded_bytes: 0,
            last_good_pos: 0,
        }
    }

    fn packet(&mut self, len: usize) {
        self.packet_bytes += len as u64;
    }

    fn good(&mut self, pos: u64) {
        let now = (pos, self.packet_bytes);
        self.run_first.get_or_insert(now);
        self.run_last = now;
        self.last_good_pos = pos;
    }

    fn end_run(&mut self) {
        if let Some((pos0, bytes0)) = self.run_first.take() {
            let (pos1, bytes1) = self.run_last;
            let span = pos1.saturating_sub(pos0);
            let in_packets = bytes1.saturating_sub(bytes0);
            let framing = (in_packets as f64 * self.framing_share) as u64;
            self.skipped += span.saturating_sub(in_packets).saturating_sub(framing);
            self.decoded_bytes += in_packets;
        }
    }

    /// After the last run has ended: the error for a file holding too many undecoded bytes.
    fn check(&self, path: &Path, kind: Sniff, decoded_s: f64, file_len: u64) -> Option<AudioError> {
        let tail = file_len.saturating_sub(self.last_good_pos);
        let metadata = trailing_metadata(path, kind, self.last_good_pos, file_len);
        let tail = tail.saturating_sub(metadata);
        if self.skipped + tail <= UNDECODED_LIMIT {
            return None;
        }
        let reason = match (self.skipped > 0, tail > 0) {
            (true, true) => format!(
                "{} bytes skipped between frames and {tail} after the last decodable frame",
                self.skipped
            ),
            (true, false) => format!("{} bytes skipped between frames", self.skipped),
            _ => "after the last decodable frame".to_string(),
        };
        Some(self.undecoded_error(path, decoded_s, self.skipped + tail, file_len, reason))
    }

    fn undecoded_error(
        &self,
        path: &Path,
        decoded_s: f64,
        undecoded: u64,
        file_len: u64,
        reason: String,
    ) -> AudioError {
        let mut decoded_bytes = self.decoded_bytes;
        if let Some((_, b0)) = self.run_first {
            decoded_bytes += self.run_last.1.saturating_sub(b0);
        }
        let byte_rate = decoded_bytes as f64 / decoded_s.max(1e-3);
        let hidden_s = if byte_rate > 0.0 {
            undecoded as f64 / byte_rate
        } else {
            0.0
        };
        AudioError::UndecodedData {
            path: path.to_path_buf(),
            decoded_s,
            hidden_s,
            undecoded_bytes: undecoded,
            file_bytes: file_len,
            reason,
        }
    }
}

/// Most top-level boxes/chunks walked when looking for trailing metadata.
const MAX_BOXES: usize = 4096;

/// Bytes in `[from, len)` that are known metadata rather than audio: ID3v1 and APEv2 tags at
/// the end of any file, and for MP4, RIFF and AIFF files the boxes/chunks other than the
/// audio data that lie there (an MP4's `moov` index, cover art, `LIST`/`id3 ` chunks). Reads
/// only headers; any I/O problem counts as no metadata.
fn trailing_metadata(path: &Path, kind: Sniff, from: u64, len: u64) -> u64 {
    let Ok(mut f) = File::open(path) else {
        return 0;
    };
    let mut read_at = |at: u64, buf: &mut [u8]| -> bool {
        f.seek(SeekFrom::Start(at)).is_ok() && f.read_exact(buf).is_ok()
    };
    let overlap = |start: u64, end: u64| end.min(len).saturating_sub(start.max(from));
    let mut meta = 0u64;
    let mut end = len;
    // ID3v1: the last 128 bytes, "TAG".
    let mut tag = [0u8; 3];
    if len >= 128 && read_at(len - 128, &mut tag) && &tag == b"TAG" {
        meta += overlap(len - 128, len);
        end = len - 128;
    }
    // APEv2: a 32-byte footer "APETAGEX" whose size covers items and footer, plus an optional
    // 32-byte header.
    let mut footer = [0u8; 32];
    if end >= 32 && read_at(end - 32, &mut footer) && &footer[..8] == b"APETAGEX" {
        let size = u32::from_le_bytes([footer[12], footer[13], footer[14], footer[15]]) as u64;
        let flags = u32::from_le_bytes([footer[20], footer[21], footer[22], footer[23]]);
        let size = size + if flags & 0x8000_0000 != 0 { 32 } else { 0 };
        let start = end.saturating_sub(size);
        meta += overlap(start, end);
        end = start;
    }
    let (first, big_endian, size_includes_header, audio): (u64, bool, bool, &[u8; 4]) = match kind {
        Sniff::Native("mp4") => (0, true, true, b"mdat"),
        Sniff::Native("wav") => (12, false, false, b"data"),
        Sniff::Native("aiff") => (12, true, false, b"SSND"),
        _ => return meta,
    };
    // RIFF and AIFF chunks only count inside the size the file's header declares; bytes
    // appended after it are not metadata.
    if !size_includes_header {
        let mut h = [0u8; 8];
        if !read_at(0, &mut h) {
            return meta;
        }
        let b = [h[4], h[5], h[6], h[7]];
        let declared = if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        } as u64;
        end = end.min(declared.saturating_add(8));
    }
    // Top-level MP4 boxes that hold no audio; any other type ends the walk.
    const MP4_META: &[&[u8; 4]] = &[
        b"ftyp", b"moov", b"free", b"skip", b"udta", b"meta", b"uuid", b"wide", b"pdin", b"sidx",
        b"mfra", b"styp", b"prft",
    ];
    let mut at = first;
    for _ in 0..MAX_BOXES {
        let mut h = [0u8; 8];
        if at.saturating_add(8) > end || !read_at(at, &mut h) {
            break;
        }
        let b = [h[0], h[1], h[2], h[3]];
        let size = if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        } as u64;
        let box_end = match (size_includes_header, size) {
            // MP4: 0 = to the end of the file, 1 = a 64-bit size follows.
            (true, 0) => end,
            (true, 1) => {
                let mut large = [0u8; 8];
                if !read_at(at + 8, &mut large) {
                    break;
                }
                at.saturating_add(u64::from_be_bytes(large))
            }
            (true, n) => at.saturating_add(n),
            (false, n) => at.saturating_add(8).saturating_add(n).saturating_add(n & 1),
        };
        if box_end <= at + 7 {
            break; // a box smaller than its own header: stop rather than loop
        }
        let id = [h[4], h[5], h[6], h[7]];
        if size_includes_header && &id != audio && !MP4_META.contains(&&id) {
            break;
        }
        if &id != audio {
            meta += overlap(at, box_end.min(end));
        }
        at = box_end;
    }
    meta
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
            fermata_testkit::missing("ffmpeg", "scripts/test.sh installs it");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("s.wav");
        crate::write_wav(&wav, &fermata_synth::synth::track(5, 6.0, 48_000), 48_000).unwrap();
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
        assert!(
            msg.contains("x.opus") && msg.contains("FERMATA_FFMPEG_TIMEOUT_SECS"),
            "{msg}"
        );
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
