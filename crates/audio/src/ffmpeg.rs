//! Fallback decoding through an external `ffmpeg` binary, for codecs symphonia lacks (Opus,
//! WavPack, WMA, …). ffmpeg does the decode, downmix and resampling itself and streams raw
//! little-endian f32 mono to us, so memory stays bounded by one read buffer.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::{AudioError, AudioInfo};

/// Only this much of ffmpeg's error output is kept for messages; the rest is drained and dropped.
const STDERR_KEEP: usize = 4096;

/// Finds an executable named `ffmpeg` on `PATH`.
pub(crate) fn find_ffmpeg() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join("ffmpeg"))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// What ffprobe says about the first audio stream: (codec, sample rate, channels).
fn probe(ffmpeg: &Path, path: &Path) -> Option<(String, u32, u16)> {
    let ffprobe = ffmpeg.with_file_name("ffprobe");
    if !is_executable(&ffprobe) {
        return None;
    }
    let out = Command::new(ffprobe)
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args([
            "stream=codec_name,sample_rate,channels",
            "-of",
            "default=nw=1",
        ])
        .arg(file_url(path))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (mut codec, mut rate, mut channels) = (None, 0u32, 0u16);
    for line in text.lines() {
        match line.split_once('=') {
            Some(("codec_name", v)) => codec = Some(v.trim().to_string()),
            Some(("sample_rate", v)) => rate = v.trim().parse().unwrap_or(0),
            Some(("channels", v)) => channels = v.trim().parse().unwrap_or(0),
            _ => {}
        }
    }
    Some((codec?, rate, channels))
}

/// `file:` forces ffmpeg's file protocol, so a local file whose name happens to look like a URL
/// or a protocol spec (`concat:…`, `http://…`) is never interpreted as one.
fn file_url(path: &Path) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from("file:");
    s.push(path.as_os_str());
    s
}

/// Kills and reaps ffmpeg if we leave early (error or a panicking sink), so no zombie or
/// runaway decoder outlives the call.
struct ChildGuard(Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Why the fallback failed, and whether any audio had already reached the sink.
pub(crate) struct FfmpegFailure {
    pub(crate) error: AudioError,
    pub(crate) delivered: bool,
}

/// Known facts about the file from an earlier symphonia probe, used to fill [`AudioInfo`]
/// when ffprobe is unavailable.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    pub(crate) codec: Option<String>,
    pub(crate) rate: Option<u32>,
    pub(crate) channels: Option<u16>,
}

pub(crate) fn decode(
    ffmpeg: &Path,
    path: &Path,
    rate: u32,
    known: &Known,
    sink: &mut dyn FnMut(&[f32]),
) -> Result<AudioInfo, FfmpegFailure> {
    let fail = |detail: String, delivered: bool| FfmpegFailure {
        error: AudioError::Ffmpeg {
            path: path.to_path_buf(),
            detail,
        },
        delivered,
    };
    let child = Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-v", "error", "-i"])
        .arg(file_url(path))
        .args([
            "-map", "0:a:0", "-vn", "-sn", "-dn", "-f", "f32le", "-ac", "1", "-ar",
        ])
        .arg(rate.to_string())
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run {}: {e}", ffmpeg.display()), false))?;
    let mut guard = ChildGuard(Some(child));
    let (Some(mut stdout), Some(stderr)) = (
        guard.0.as_mut().and_then(|c| c.stdout.take()),
        guard.0.as_mut().and_then(|c| c.stderr.take()),
    ) else {
        return Err(fail("ffmpeg's pipes were not set up".into(), false));
    };
    // stderr is drained on its own thread: if ffmpeg filled the stderr pipe while we block on
    // stdout, both processes would wait on each other forever.
    let stderr_thread = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut stderr = stderr;
        let _ = (&mut stderr)
            .take(STDERR_KEEP as u64)
            .read_to_end(&mut kept);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        String::from_utf8_lossy(&kept).trim().to_string()
    });

    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0usize; // bytes of an incomplete f32 left at the start of `buf`
    let mut samples: Vec<f32> = Vec::with_capacity(buf.len() / 4);
    let mut total: u64 = 0;
    let mut read_error = None;
    loop {
        match stdout.read(&mut buf[carry..]) {
            Ok(0) => break,
            Ok(n) => {
                let avail = carry + n;
                let whole = avail / 4 * 4;
                samples.clear();
                samples.extend(buf[..whole].chunks_exact(4).map(|b| {
                    crate::decode::sanitize(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                }));
                if !samples.is_empty() {
                    sink(&samples);
                    total += samples.len() as u64;
                }
                buf.copy_within(whole..avail, 0);
                carry = avail - whole;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    drop(stdout);
    let status = guard.0.take().map(|mut c| c.wait());
    let stderr_text = stderr_thread.join().unwrap_or_default();
    let delivered = total > 0;
    if let Some(e) = read_error {
        return Err(fail(
            format!("reading ffmpeg's output failed: {e}"),
            delivered,
        ));
    }
    match status {
        Some(Ok(s)) if s.success() => {}
        Some(Ok(s)) => return Err(fail(format!("{s}: {stderr_text}"), delivered)),
        Some(Err(e)) => return Err(fail(format!("waiting for ffmpeg failed: {e}"), delivered)),
        None => return Err(fail("ffmpeg process lost".into(), delivered)),
    }
    if total == 0 {
        return Err(fail(
            format!("ffmpeg produced no audio. {stderr_text}"),
            false,
        ));
    }
    let probed = probe(ffmpeg, path);
    let codec = probed
        .as_ref()
        .map(|p| p.0.clone())
        .or_else(|| known.codec.clone())
        .unwrap_or_else(|| "unknown".into());
    Ok(AudioInfo {
        codec: format!("ffmpeg:{codec}"),
        source_rate: probed
            .as_ref()
            .map(|p| p.1)
            .filter(|&r| r > 0)
            .or(known.rate)
            .unwrap_or(0),
        channels: probed
            .as_ref()
            .map(|p| p.2)
            .filter(|&c| c > 0)
            .or(known.channels)
            .unwrap_or(0),
        output_rate: rate,
        output_samples: total,
    })
}
