//! Decoding through the public API: round trips and every kind of bad input.

use std::path::{Path, PathBuf};

use fermata_audio::{AudioError, decode_stream, decode_to_vec, resample, write_wav};
use fermata_synth::synth;

fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

/// A canonical 16-bit PCM WAV header followed by `data`.
fn wav_bytes(channels: u16, rate: u32, data: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&rate.wrapping_mul(2 * channels as u32).to_le_bytes());
    h.extend_from_slice(&channels.wrapping_mul(2).to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data.len() as u32).to_le_bytes());
    h.extend_from_slice(data);
    h
}

#[test]
fn round_trip_44100_and_48000() {
    let dir = tmp();
    for (seed, rate) in [(11u64, 44_100u32), (12, 48_000)] {
        let music = synth::track(seed, 20.0, rate);
        let path = dir.path().join(format!("s{rate}.wav"));
        write_wav(&path, &music, rate).unwrap();

        let mut got = Vec::new();
        let mut chunks = 0;
        let info = decode_stream(&path, 8000, &mut |c: &[f32]| {
            chunks += 1;
            got.extend_from_slice(c);
        })
        .unwrap();
        let direct = resample(&music, rate, 8000).unwrap();
        let expected = music.len() as f64 * 8000.0 / rate as f64;
        assert!(
            ((got.len() as f64 - expected) / expected).abs() < 0.001,
            "{rate}: {}",
            got.len()
        );
        assert_eq!(info.output_samples, got.len() as u64);
        assert_eq!(info.source_rate, rate);
        assert_eq!(info.channels, 1);
        assert_eq!(info.output_rate, 8000);
        assert_eq!(info.codec, "pcm_s16le");
        assert!(chunks > 10, "decoded in {chunks} chunks: not streaming");
        let c = correlation(&got, &direct);
        assert!(c > 0.999, "{rate}: correlation {c}");
    }
}

#[test]
fn stereo_is_averaged_and_same_rate_passes_through() {
    // Left = +x, right = -x/2 → mono = x/4.
    let x = synth::track(3, 1.0, 8000);
    let mut data = Vec::new();
    for &v in &x {
        let l = (v * 32767.0).round() as i16;
        let r = (-v * 16383.5).round() as i16;
        data.extend_from_slice(&l.to_le_bytes());
        data.extend_from_slice(&r.to_le_bytes());
    }
    let dir = tmp();
    let p = write_bytes(dir.path(), "st.wav", &wav_bytes(2, 8000, &data));
    let (mono, info) = decode_to_vec(&p, 8000).unwrap();
    assert_eq!(info.channels, 2);
    assert_eq!(mono.len(), x.len());
    let err = mono
        .iter()
        .zip(&x)
        .map(|(m, v)| (m - v / 4.0).abs())
        .fold(0.0, f32::max);
    assert!(err < 1e-3, "max error {err}");
}

#[test]
fn missing_file() {
    let e = decode_to_vec(Path::new("/nonexistent/dir/song.flac"), 8000).unwrap_err();
    assert!(matches!(e, AudioError::Open { .. }), "{e}");
    assert!(e.to_string().contains("/nonexistent/dir/song.flac"));
}

#[test]
fn directory_is_not_a_file() {
    let dir = tmp();
    let e = decode_to_vec(dir.path(), 8000).unwrap_err();
    assert!(matches!(e, AudioError::Open { .. }), "{e}");
}

#[test]
fn zero_length_file() {
    let dir = tmp();
    let p = write_bytes(dir.path(), "empty.mp3", b"");
    let e = decode_to_vec(&p, 8000).unwrap_err();
    assert!(matches!(e, AudioError::Empty { .. }), "{e}");
    assert!(e.to_string().contains("empty.mp3"));
}

#[test]
fn random_bytes_are_not_audio() {
    let dir = tmp();
    // Deterministic pseudo-random bytes (xorshift) with no extension hint.
    let mut s = 0x1234_5678_9abc_def0u64;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 32) as u8
        })
        .collect();
    let p = write_bytes(dir.path(), "noise.bin", &bytes);
    let e = decode_to_vec(&p, 8000).unwrap_err();
    assert!(matches!(e, AudioError::NotAudio { .. }), "{e}");
}

#[test]
fn text_named_mp3_is_not_audio() {
    let dir = tmp();
    let text = "This is not an MP3 file, just some text with a misleading name.\n".repeat(50);
    let p = write_bytes(dir.path(), "song.mp3", text.as_bytes());
    let e = decode_to_vec(&p, 8000).unwrap_err();
    assert!(matches!(e, AudioError::NotAudio { .. }), "{e}");
    assert!(e.to_string().contains("song.mp3"));
}

#[test]
fn wav_truncated_in_header_is_corrupt() {
    let dir = tmp();
    let full = wav_bytes(1, 8000, &[0u8; 1600]);
    for cut in [12, 20, 30, 40] {
        let p = write_bytes(dir.path(), &format!("h{cut}.wav"), &full[..cut]);
        let e = decode_to_vec(&p, 8000).unwrap_err();
        assert!(matches!(e, AudioError::Corrupt { .. }), "cut at {cut}: {e}");
    }
}

#[test]
fn wav_truncated_mid_data_decodes_what_is_there() {
    let dir = tmp();
    let music = synth::track(4, 4.0, 16_000);
    let full = dir.path().join("full.wav");
    write_wav(&full, &music, 16_000).unwrap();
    let bytes = std::fs::read(&full).unwrap();
    // Cut in the middle of a sample, halfway through the data.
    let cut = 44 + bytes.len() / 2 + 1;
    let p = write_bytes(dir.path(), "cut.wav", &bytes[..cut]);
    let (mono, info) = decode_to_vec(&p, 8000).unwrap();
    let want = (cut - 44) as f64 / 2.0 / 2.0; // samples at 16 kHz, halved for 8 kHz
    assert!(
        (mono.len() as f64 - want).abs() < 0.01 * want,
        "{} vs {want}",
        mono.len()
    );
    assert!((info.duration_s() - 2.0).abs() < 0.05);
}

#[test]
fn hostile_wav_headers() {
    let dir = tmp();
    for (name, channels, rate) in [
        ("ch.wav", 65535u16, 44_100u32),
        ("r0.wav", 2, 0),
        ("rhuge.wav", 2, 4_000_000_000),
        ("ch0.wav", 0, 8000),
        // Rates no music uses: a 1 Hz file would be upsampled 8000 times over.
        ("r1.wav", 1, 1),
        ("r3999.wav", 2, 3_999),
        ("r768001.wav", 2, 768_001),
    ] {
        let p = write_bytes(dir.path(), name, &wav_bytes(channels, rate, &[0u8; 4096]));
        let e = decode_to_vec(&p, 8000).map(|(_, info)| info).unwrap_err();
        assert!(matches!(e, AudioError::HostileHeader { .. }), "{name}: {e}");
        assert!(e.to_string().contains(name));
    }
}

#[test]
fn invalid_target_rate() {
    let dir = tmp();
    let p = dir.path().join("ok.wav");
    write_wav(&p, &[0.0; 100], 8000).unwrap();
    assert!(matches!(
        decode_to_vec(&p, 0),
        Err(AudioError::InvalidRate { .. })
    ));
}

#[test]
fn every_prefix_of_a_wav_is_handled() {
    // Any truncation point must give Ok or a typed error, never a panic.
    let dir = tmp();
    let full = dir.path().join("full.wav");
    write_wav(&full, &synth::track(9, 0.05, 8000), 8000).unwrap();
    let bytes = std::fs::read(&full).unwrap();
    for cut in 1..bytes.len().min(200) {
        let p = write_bytes(dir.path(), "p.wav", &bytes[..cut]);
        let _ = decode_to_vec(&p, 8000);
    }
}

#[test]
fn bit_flips_never_panic() {
    let dir = tmp();
    let full = dir.path().join("full.wav");
    write_wav(&full, &synth::track(10, 0.2, 8000), 8000).unwrap();
    let bytes = std::fs::read(&full).unwrap();
    for i in 0..64 {
        let mut b = bytes.clone();
        b[i % 44] ^= 1 << (i % 8);
        let p = write_bytes(dir.path(), "f.wav", &b);
        let _ = decode_to_vec(&p, 8000);
    }
}

#[test]
fn float_wav_with_huge_and_non_finite_values_decodes_finite() {
    // Found by fuzzing: 32-bit float PCM may hold 1e38, inf or NaN; none may reach the output.
    let specials = [
        1e38f32,
        -1e38,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.5,
        -0.5,
        3e30,
    ];
    let mut data = Vec::new();
    for i in 0..20_000 {
        data.extend_from_slice(&specials[i % specials.len()].to_le_bytes());
    }
    let (channels, rate) = (2u16, 8153u32);
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&3u16.to_le_bytes()); // WAVE_FORMAT_IEEE_FLOAT
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * 8).to_le_bytes());
    h.extend_from_slice(&8u16.to_le_bytes());
    h.extend_from_slice(&32u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data.len() as u32).to_le_bytes());
    h.extend_from_slice(&data);
    let dir = tmp();
    let p = write_bytes(dir.path(), "float.wav", &h);
    let (mono, info) = decode_to_vec(&p, 8000).unwrap();
    assert_eq!(info.codec, "pcm_f32le");
    assert!(!mono.is_empty());
    assert!(mono.iter().all(|v| v.is_finite()), "non-finite output");
}

#[test]
fn tiny_hostile_wav_headers_stay_small_and_fast() {
    // (format tag, channels, rate, bits, block align, declared data length): each a 20 KB file
    // whose header lies. Each must be refused or decoded quickly to at most what its bytes
    // hold at the lowest accepted rate, never blown up into huge buffers.
    let data = vec![0x41u8; 20_000];
    let cases: &[(u16, u16, u32, u16, u16, u32)] = &[
        (1, 1, 1, 16, 2, 20_000),
        (1, 2, 4_000, 0, 4, 20_000),
        (1, 2, 44_100, 65_535, 65_535, 20_000),
        (1, 32, 768_000, 32, 0, 20_000),
        (1, 2, 44_100, 16, 0, 20_000),
        (1, 2, 44_100, 16, 4, u32::MAX),
        (3, 2, 44_100, 16, 4, 20_000),
        (3, 32, 4_000, 64, 256, 20_000),
        (6, 1, 4_000, 8, 1, 20_000),
        (1, 1, u32::MAX, 8, 1, 20_000),
    ];
    let dir = tmp();
    for (i, &(tag, channels, rate, bits, align, declared)) in cases.iter().enumerate() {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&tag.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&rate.wrapping_mul(align as u32).to_le_bytes());
        h.extend_from_slice(&align.to_le_bytes());
        h.extend_from_slice(&bits.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&declared.to_le_bytes());
        h.extend_from_slice(&data);
        let p = write_bytes(dir.path(), &format!("h{i}.wav"), &h);
        let started = std::time::Instant::now();
        let mut n = 0u64;
        let r = decode_stream(&p, 8000, &mut |c: &[f32]| n += c.len() as u64);
        let took = started.elapsed();
        assert!(took.as_secs_f64() < 3.0, "case {i}: took {took:?}");
        let most = data.len() as f64 / fermata_audio::MIN_FILE_SAMPLE_RATE as f64 * 8000.0;
        assert!(
            (n as f64) <= most + 8000.0,
            "case {i}: {n} samples from 20 KB"
        );
        if let Ok(info) = r {
            let r = info.source_rate;
            assert!(
                r == 0 || r >= fermata_audio::MIN_FILE_SAMPLE_RATE,
                "case {i}: {info:?}"
            );
        }
    }
}
