//! The one error type of this crate.

use std::path::PathBuf;

/// Stand-in "path" for operations on in-memory buffers, so every error can still name its subject.
pub(crate) const MEMORY_PATH: &str = "<in-memory buffer>";

/// Everything that can go wrong while reading, resampling or writing audio.
///
/// Every variant names the file it concerns (in-memory operations use `<in-memory buffer>`) and its
/// message says what the user can do about it, because these messages reach people indexing
/// thousands of files who need to know which file to fix and how.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file could not be opened or read from the file system (missing, permissions, I/O error).
    #[error("cannot read {path}: {source}; check that the file exists and is readable")]
    Open {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// The file has zero bytes.
    #[error("{path} is empty (0 bytes); re-copy or re-download it")]
    Empty {
        /// The file concerned.
        path: PathBuf,
    },

    /// The file is not in any recognised audio format.
    #[error(
        "{path} is not a recognised audio file ({detail}); supported are WAV, AIFF, FLAC, MP3, \
         Ogg Vorbis, AAC/ALAC in MP4/M4A, and anything ffmpeg reads when ffmpeg is installed"
    )]
    NotAudio {
        /// The file concerned.
        path: PathBuf,
        /// Why it was not recognised.
        detail: String,
    },

    /// The file looks like audio but no audio could be decoded from it (truncated or damaged).
    #[error("{path} is corrupt or truncated: {detail}; re-encode or re-download the file")]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },

    /// The container is readable but its codec is not built in, and no ffmpeg is available.
    #[error(
        "{path} uses the {codec} codec, which fermata cannot decode by itself; install ffmpeg \
         (e.g. `apt-get install ffmpeg`) so it is on PATH, or convert the file to FLAC or WAV"
    )]
    UnsupportedCodec {
        /// The file concerned.
        path: PathBuf,
        /// The codec's name.
        codec: String,
    },

    /// The header declares values beyond sane limits (channel count, sample rate), so the file is
    /// refused before anything is allocated for it.
    #[error(
        "{path} declares {detail}, beyond the accepted limits (1 to {max_channels} channels, \
         {min_rate} Hz to {max_rate} Hz); the header is damaged or hostile: re-encode the file \
         with a standard tool",
        max_channels = crate::MAX_CHANNELS,
        min_rate = crate::MIN_FILE_SAMPLE_RATE,
        max_rate = crate::MAX_SAMPLE_RATE
    )]
    HostileHeader {
        /// The file concerned.
        path: PathBuf,
        /// The offending value.
        detail: String,
    },

    /// A requested sample rate is zero or too high.
    #[error(
        "cannot resample {path} from {from_rate} Hz to {to_rate} Hz: rates must be between 1 and \
         {max} Hz; pass a valid rate",
        max = crate::MAX_SAMPLE_RATE
    )]
    InvalidRate {
        /// The file concerned (or `<in-memory buffer>`).
        path: PathBuf,
        /// The source rate.
        from_rate: u32,
        /// The target rate.
        to_rate: u32,
    },

    /// The resampler failed.
    #[error("resampling {path} failed: {detail}; please report this as a bug with the file")]
    Resample {
        /// The file concerned (or `<in-memory buffer>`).
        path: PathBuf,
        /// The resampler's message.
        detail: String,
    },

    /// The external ffmpeg decoder failed on the file.
    #[error(
        "ffmpeg failed to decode {path}: {detail}; check the file plays with `ffmpeg -i`, or \
         re-encode it to FLAC"
    )]
    Ffmpeg {
        /// The file concerned.
        path: PathBuf,
        /// ffmpeg's exit status and error output.
        detail: String,
    },

    /// The external ffmpeg decoder did not finish within its time limit and was stopped.
    #[error(
        "ffmpeg did not finish decoding {path} within {seconds} s and was stopped; the file may be \
         damaged or hostile: check it plays with `ffmpeg -i`, or if the machine is only slow, \
         raise the limit with FERMATA_FFMPEG_TIMEOUT_SECS"
    )]
    Timeout {
        /// The file concerned.
        path: PathBuf,
        /// The time limit that was exceeded, in seconds.
        seconds: u64,
    },

    /// Much of the file could not be decoded although its audio ended without an error: bytes
    /// after or between the decoded frames that the decoder skipped (an appended or chained
    /// stream in a format the container's reader cannot follow, or large junk). Such bytes may
    /// hide another recording, so the file is refused rather than judged on part of it.
    #[error(
        "{path}: only {decoded_s:.1} s of audio could be decoded, but {undecoded_bytes} of its \
         {file_bytes} bytes were not decoded ({reason}), which at this file's bit rate would be \
         about {hidden_s:.1} s more; it may hide another recording, so it is not judged on part of \
         its audio: check what it holds with `ffprobe`, then re-encode it, or split it into one \
         file per recording"
    )]
    UndecodedData {
        /// The file concerned.
        path: PathBuf,
        /// Seconds of audio decoded.
        decoded_s: f64,
        /// Estimated seconds the undecoded bytes would hold at the decoded part's bit rate.
        hidden_s: f64,
        /// Bytes not accounted for by decoded audio or known metadata.
        undecoded_bytes: u64,
        /// The file's size.
        file_bytes: u64,
        /// Where the undecoded bytes are, or why they could not be decoded.
        reason: String,
    },

    /// Writing an output file failed.
    #[error("cannot write {path}: {detail}; check the directory exists, is writable and has space")]
    Write {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
}

impl AudioError {
    /// The file this error concerns.
    pub fn path(&self) -> &std::path::Path {
        match self {
            AudioError::Open { path, .. }
            | AudioError::Empty { path }
            | AudioError::NotAudio { path, .. }
            | AudioError::Corrupt { path, .. }
            | AudioError::UnsupportedCodec { path, .. }
            | AudioError::HostileHeader { path, .. }
            | AudioError::InvalidRate { path, .. }
            | AudioError::Resample { path, .. }
            | AudioError::Ffmpeg { path, .. }
            | AudioError::Timeout { path, .. }
            | AudioError::UndecodedData { path, .. }
            | AudioError::Write { path, .. } => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_a_remedy() {
        let e = AudioError::UnsupportedCodec {
            path: "a/b.opus".into(),
            codec: "opus".into(),
        };
        let m = e.to_string();
        assert!(m.contains("a/b.opus") && m.contains("opus") && m.contains("install ffmpeg"));
        assert_eq!(e.path(), std::path::Path::new("a/b.opus"));
        let e = AudioError::HostileHeader {
            path: "x.wav".into(),
            detail: "65535 channels".into(),
        };
        assert!(e.to_string().contains("x.wav") && e.to_string().contains("32 channels"));
    }
}
