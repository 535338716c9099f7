//! Cheap look at a file's first bytes: what container/codec it claims to be, and whether its
//! header declares absurd channel counts or sample rates (see [`check_format`] for the limits).
//!
//! Sniffing lets errors say *why* a file failed (an Opus or WavPack file is "unsupported codec",
//! a damaged WAV is "corrupt", a text file is "not audio") and decides when the ffmpeg fallback is
//! worth trying. The header check runs before symphonia sees the file, so a hostile header is
//! refused before any decoder sizes buffers from it.

use crate::{MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_FILE_SAMPLE_RATE};

/// How many leading bytes are read for sniffing (headers of interest sit well inside this).
pub(crate) const SNIFF_LEN: usize = 64 * 1024;

/// What the leading bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// A container symphonia reads (value: short name).
    Native(&'static str),
    /// An audio format symphonia does not decode (value: codec name), e.g. Opus, WavPack.
    Foreign(&'static str),
    /// Nothing recognised.
    Unknown,
}

impl Sniff {
    pub(crate) fn name(self) -> Option<&'static str> {
        match self {
            Sniff::Native(n) | Sniff::Foreign(n) => Some(n),
            Sniff::Unknown => None,
        }
    }
}

pub(crate) fn sniff(head: &[u8]) -> Sniff {
    let at = |off: usize, magic: &[u8]| head.get(off..off + magic.len()) == Some(magic);
    if (at(0, b"RIFF") || at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") {
        return Sniff::Native("wav");
    }
    if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        return Sniff::Native("aiff");
    }
    if at(0, b"fLaC") {
        return Sniff::Native("flac");
    }
    if at(0, b"OggS") {
        return sniff_ogg(head);
    }
    if at(0, b"ID3") {
        return Sniff::Native("mp3");
    }
    if at(4, b"ftyp") {
        return Sniff::Native("mp4");
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Sniff::Foreign("matroska");
    }
    if at(0, b"caff") {
        return Sniff::Foreign("caf");
    }
    let foreign: &[(&[u8], &'static str)] = &[
        (b"wvpk", "wavpack"),
        (b"MAC ", "ape"),
        (&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11], "wma"),
        (b"#!AMR", "amr"),
        (b"MPCK", "musepack"),
        (b"MP+", "musepack"),
        (b"TTA1", "tta"),
        (b".snd", "au"),
        (b"DSD ", "dsd"),
        (b"FRM8", "dsd"),
        (&[0x0B, 0x77], "ac3"),
    ];
    for (magic, name) in foreign {
        if at(0, magic) {
            return Sniff::Foreign(name);
        }
    }
    // Raw MPEG audio / ADTS frame sync (11 or 12 set bits). Checked last: two bytes are weak
    // evidence, so it is only used to label errors, never to accept a file.
    if let [0xFF, b1, ..] = head {
        if b1 & 0xF6 == 0xF0 {
            return Sniff::Native("aac");
        }
        if b1 & 0xE0 == 0xE0 && b1 & 0x06 != 0 {
            return Sniff::Native("mp3");
        }
    }
    Sniff::Unknown
}

/// Ogg is a container for several codecs; the first packet of the first page names the codec.
fn sniff_ogg(head: &[u8]) -> Sniff {
    let Some(&nsegs) = head.get(26) else {
        return Sniff::Native("ogg");
    };
    let start = 27 + nsegs as usize;
    let packet = head.get(start..).unwrap_or(&[]);
    if packet.starts_with(b"OpusHead") {
        Sniff::Foreign("opus")
    } else if packet.starts_with(b"\x01vorbis") {
        Sniff::Native("vorbis")
    } else if packet.starts_with(b"\x7fFLAC") {
        Sniff::Native("flac")
    } else if packet.starts_with(b"Speex   ") {
        Sniff::Foreign("speex")
    } else {
        // Unknown or truncated first page: let symphonia have a go and judge from its result.
        Sniff::Native("ogg")
    }
}

/// Common audio file extensions; a file with one of these is worth handing to ffmpeg even when
/// its magic bytes are unrecognised.
pub(crate) fn audio_extension(path: &std::path::Path) -> bool {
    const EXTS: &[&str] = &[
        "mp3", "mp2", "mp1", "mpga", "m4a", "m4b", "mp4", "aac", "adts", "flac", "ogg", "oga",
        "opus", "spx", "wav", "wave", "aif", "aiff", "aifc", "wma", "asf", "wv", "ape", "mka",
        "webm", "caf", "amr", "ac3", "eac3", "dts", "mpc", "tta", "au", "snd", "dsf", "dff", "3gp",
        "alac",
    ];
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Checks the channel count and sample rate declared by a WAV or AIFF header.
/// Returns a description of the offending value, or `None` when fine or not applicable.
pub(crate) fn hostile_header(head: &[u8]) -> Option<String> {
    let (channels, rate) = match sniff(head) {
        Sniff::Native("wav") => wav_format(head)?,
        Sniff::Native("aiff") => aiff_format(head)?,
        _ => return None,
    };
    check_format(channels as u64, rate)
}

/// Describes what is wrong with a (channels, rate) pair, if anything: channels must be
/// 1..=[`MAX_CHANNELS`] and the rate [`MIN_FILE_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`] Hz.
pub(crate) fn check_format(channels: u64, rate: f64) -> Option<String> {
    if channels == 0 || channels > MAX_CHANNELS as u64 {
        return Some(format!("{channels} channels"));
    }
    if !(rate >= MIN_FILE_SAMPLE_RATE as f64 && rate <= MAX_SAMPLE_RATE as f64) {
        return Some(format!("a sample rate of {rate} Hz"));
    }
    None
}

fn u16le(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}
fn u32le(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
fn u32be(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

/// (channels, sample rate) from the `fmt ` chunk, if it lies within `head`.
fn wav_format(head: &[u8]) -> Option<(u16, f64)> {
    let mut pos = 12usize;
    // Bounded walk: every step advances by at least 8 bytes within a 64 KiB buffer.
    while pos + 8 <= head.len() {
        let id = head.get(pos..pos + 4)?;
        let size = u32le(head, pos + 4)? as usize;
        if id == b"fmt " {
            let channels = u16le(head, pos + 10)?;
            let rate = u32le(head, pos + 12)?;
            return Some((channels, rate as f64));
        }
        if id == b"data" {
            return None;
        }
        pos = pos
            .checked_add(8)?
            .checked_add(size)?
            .checked_add(size & 1)?;
    }
    None
}

/// (channels, sample rate) from the `COMM` chunk, if it lies within `head`.
fn aiff_format(head: &[u8]) -> Option<(u16, f64)> {
    let mut pos = 12usize;
    while pos + 8 <= head.len() {
        let id = head.get(pos..pos + 4)?;
        let size = u32be(head, pos + 4)? as usize;
        if id == b"COMM" {
            let c = pos + 8;
            let channels = i16::from_be_bytes(head.get(c..c + 2)?.try_into().ok()?);
            let rate = extended_to_f64(head.get(c + 8..c + 18)?.try_into().ok()?);
            // A negative channel count maps to 0, which check_format rejects.
            return Some((channels.max(0) as u16, rate));
        }
        pos = pos
            .checked_add(8)?
            .checked_add(size)?
            .checked_add(size & 1)?;
    }
    None
}

/// IEEE 754 80-bit extended (AIFF sample rate) to f64; NaN/inf for special encodings.
fn extended_to_f64(b: [u8; 10]) -> f64 {
    let sign = if b[0] & 0x80 != 0 { -1.0 } else { 1.0 };
    let exp = (((b[0] & 0x7F) as i32) << 8) | b[1] as i32;
    let mant = u64::from_be_bytes([b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]]);
    if exp == 0x7FFF {
        return f64::NAN;
    }
    if mant == 0 {
        return 0.0;
    }
    // powi with an i32 exponent saturates to 0/inf for out-of-range values: no panic.
    sign * mant as f64 * 2f64.powi(exp - 16383 - 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_header(channels: u16, rate: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&36u32.to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate.wrapping_mul(2)).to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&0u32.to_le_bytes());
        h
    }

    #[test]
    fn wav_limits() {
        assert_eq!(sniff(&wav_header(2, 44100)), Sniff::Native("wav"));
        assert_eq!(hostile_header(&wav_header(2, 44100)), None);
        assert!(
            hostile_header(&wav_header(65535, 44100))
                .unwrap()
                .contains("65535 channels")
        );
        assert!(hostile_header(&wav_header(0, 44100)).is_some());
        assert!(hostile_header(&wav_header(2, 0)).is_some());
        assert!(hostile_header(&wav_header(1, 1)).is_some());
        assert!(hostile_header(&wav_header(1, 3_999)).is_some());
        assert_eq!(hostile_header(&wav_header(1, 4_000)), None);
        assert!(hostile_header(&wav_header(2, 5_000_000)).is_some());
        // Truncated header: nothing to judge, no panic.
        let h = wav_header(65535, 44100);
        for n in 0..h.len() {
            let _ = hostile_header(&h[..n]);
        }
    }

    #[test]
    fn aiff_rate_decoding() {
        // 44100 Hz as 80-bit extended: 0x400E AC44000000000000.
        let r = extended_to_f64([0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]);
        assert_eq!(r, 44100.0);
        assert!(extended_to_f64([0x7F, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]).is_nan());
    }

    #[test]
    fn magic_bytes() {
        let mut ogg = b"OggS".to_vec();
        ogg.resize(26, 0);
        ogg.push(1); // one segment
        ogg.push(19);
        ogg.extend_from_slice(b"OpusHead\x01\x02");
        assert_eq!(sniff(&ogg), Sniff::Foreign("opus"));
        assert_eq!(sniff(b"ID3\x04"), Sniff::Native("mp3"));
        assert_eq!(sniff(b"hello world"), Sniff::Unknown);
        assert_eq!(sniff(b""), Sniff::Unknown);
        assert_eq!(sniff(b"wvpk...."), Sniff::Foreign("wavpack"));
        assert!(audio_extension(std::path::Path::new("a/B.MP3")));
        assert!(!audio_extension(std::path::Path::new("a/b.txt")));
    }
}
