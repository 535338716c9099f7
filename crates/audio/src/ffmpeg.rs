//! Fallback decoding through an external `ffmpeg` binary, for codecs symphonia lacks (Opus,
//! WavPack, WMA, …). ffmpeg does the decode, downmix and resampling itself and streams raw
//! little-endian f32 mono to us, so memory stays bounded by a few read buffers.
//!
//! Every child process (ffmpeg, ffprobe) runs under a deadline (see [`timeout_for`]): a child
//! still running at its deadline is killed, with everything it started, and the file gets
//! [`AudioError::Timeout`], so one hung decoder cannot hang a scan.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::{AudioError, AudioInfo};

/// Only this much of ffmpeg's error output is kept for messages; the rest is drained and dropped.
const STDERR_KEEP: usize = 4096;

/// Shortest time limit for one ffmpeg run, whatever the file's size.
pub(crate) const TIMEOUT_FLOOR: Duration = Duration::from_secs(60);
/// Extra time allowed per MiB of input: ffmpeg decodes a MiB of compressed audio (a minute or
/// more of music) in well under a second; the rest is headroom for a slow sink and a loaded
/// machine, since the clock also runs while the caller processes the delivered audio.
pub(crate) const TIMEOUT_PER_MIB: Duration = Duration::from_secs(10);
/// Longest time limit for one ffmpeg run, however large the file.
pub(crate) const TIMEOUT_CEILING: Duration = Duration::from_secs(30 * 60);
/// Environment variable that replaces the size-based limit with a fixed number of seconds.
pub(crate) const TIMEOUT_ENV: &str = "FERMATA_FFMPEG_TIMEOUT_SECS";
/// Time limit for the ffprobe call that labels a decoded file (it reads only headers).
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// The time limit for decoding a file of `bytes` bytes through ffmpeg:
/// `$FERMATA_FFMPEG_TIMEOUT_SECS` seconds if set to a positive whole number, otherwise
/// 60 s + 10 s per MiB, at most 30 minutes.
pub(crate) fn timeout_for(bytes: u64) -> Duration {
    if let Some(secs) = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
    {
        return Duration::from_secs(secs);
    }
    let per_mib = TIMEOUT_PER_MIB.as_secs_f64() * bytes as f64 / (1024.0 * 1024.0);
    (TIMEOUT_FLOOR + Duration::from_secs_f64(per_mib.min(TIMEOUT_CEILING.as_secs_f64())))
        .min(TIMEOUT_CEILING)
}

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
    let mut cmd = Command::new(ffprobe);
    cmd.args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args([
            "stream=codec_name,sample_rate,channels",
            "-of",
            "default=nw=1",
        ])
        .arg(file_url(path))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    own_process_group(&mut cmd);
    let mut guard = ChildGuard(Some(cmd.spawn().ok()?));
    let mut stdout = guard.0.as_mut()?.stdout.take()?;
    let (tx, rx) = mpsc::channel();
    // The output is a few short lines; more than 4 KiB is not ffprobe's answer.
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout).take(4096).read_to_end(&mut out);
        let _ = tx.send(out);
    });
    let out = rx.recv_timeout(PROBE_TIMEOUT).ok()?;
    drop(guard); // reaps ffprobe, or stops it if it is still running
    let text = String::from_utf8_lossy(&out);
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

/// Starts the child in a process group of its own, so that on timeout everything it started
/// (a wrapper script's real decoder, say) can be stopped with it.
fn own_process_group(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

/// Kills `child` and, on Unix, the process group it leads (see [`own_process_group`]).
fn kill_all(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) has no memory-safety preconditions. The group id is our own child's
        // pid, which cannot be reused before we reap the child below.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Kills and reaps the child if we leave early (error, timeout or a panicking sink), so no
/// zombie or runaway decoder outlives the call.
struct ChildGuard(Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            if !matches!(c.try_wait(), Ok(Some(_))) {
                kill_all(&mut c);
            }
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

/// Decodes `path` through `ffmpeg` into `sink` (mono f32 at `rate`), stopping ffmpeg and
/// returning [`AudioError::Timeout`] if it has not finished after `timeout`.
pub(crate) fn decode(
    ffmpeg: &Path,
    path: &Path,
    rate: u32,
    known: &Known,
    sink: &mut dyn FnMut(&[f32]),
    timeout: Duration,
) -> Result<AudioInfo, FfmpegFailure> {
    let deadline = Instant::now() + timeout;
    let fail = |detail: String, delivered: bool| FfmpegFailure {
        error: AudioError::Ffmpeg {
            path: path.to_path_buf(),
            detail,
        },
        delivered,
    };
    let timed_out = |delivered: bool| FfmpegFailure {
        error: AudioError::Timeout {
            path: path.to_path_buf(),
            seconds: timeout.as_secs_f64().ceil() as u64,
        },
        delivered,
    };
    let mut cmd = Command::new(ffmpeg);
    cmd.args(["-nostdin", "-hide_banner", "-v", "error", "-i"])
        .arg(file_url(path))
        .args([
            "-map", "0:a:0", "-vn", "-sn", "-dn", "-f", "f32le", "-ac", "1", "-ar",
        ])
        .arg(rate.to_string())
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_process_group(&mut cmd);
    let child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run {}: {e}", ffmpeg.display()), false))?;
    let mut guard = ChildGuard(Some(child));
    let (Some(stdout), Some(stderr)) = (
        guard.0.as_mut().and_then(|c| c.stdout.take()),
        guard.0.as_mut().and_then(|c| c.stderr.take()),
    ) else {
        return Err(fail("ffmpeg's pipes were not set up".into(), false));
    };
    // stderr is drained on its own thread: if ffmpeg filled the stderr pipe while we wait on
    // stdout, both processes would wait on each other forever.
    let (err_tx, err_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut stderr = stderr;
        let _ = (&mut stderr)
            .take(STDERR_KEEP as u64)
            .read_to_end(&mut kept);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        let _ = err_tx.send(String::from_utf8_lossy(&kept).trim().to_string());
    });
    // stdout is read on another thread so that waiting for it can be bounded by the deadline.
    // A small bounded channel keeps ffmpeg at most a few buffers ahead of the sink.
    let (out_tx, out_rx) = mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
    std::thread::spawn(move || {
        let mut stdout = stdout;
        loop {
            let mut buf = vec![0u8; 64 * 1024];
            match stdout.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if out_tx.send(Ok(buf)).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = out_tx.send(Err(e));
                    break;
                }
            }
        }
    });

    let mut carry: Vec<u8> = Vec::with_capacity(4); // bytes of an incomplete f32
    let mut samples: Vec<f32> = Vec::new();
    let mut total: u64 = 0;
    let mut read_error = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let bytes = match out_rx.recv_timeout(left) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => {
                read_error = Some(e);
                break;
            }
            Err(RecvTimeoutError::Disconnected) => break,
            // The guard kills ffmpeg (and its process group) as we return.
            Err(RecvTimeoutError::Timeout) => return Err(timed_out(total > 0)),
        };
        carry.extend_from_slice(&bytes);
        let whole = carry.len() / 4 * 4;
        samples.clear();
        samples.extend(
            carry[..whole]
                .chunks_exact(4)
                .map(|b| crate::decode::sanitize(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        );
        carry.drain(..whole);
        if !samples.is_empty() {
            sink(&samples);
            total += samples.len() as u64;
        }
    }
    drop(out_rx);
    // ffmpeg closed its output; it must still exit before the deadline.
    let status = loop {
        let Some(child) = guard.0.as_mut() else {
            break None;
        };
        match child.try_wait() {
            Ok(Some(s)) => break Some(Ok(s)),
            Ok(None) if Instant::now() >= deadline => return Err(timed_out(total > 0)),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Some(Err(e)),
        }
    };
    // Anything it started may still hold stderr open: do not wait past the deadline for it.
    let left = deadline.saturating_duration_since(Instant::now());
    let stderr_text = err_rx
        .recv_timeout(left.max(Duration::from_millis(100)))
        .unwrap_or_default();
    let delivered = total > 0;
    if let Some(e) = read_error {
        return Err(fail(
            format!("reading ffmpeg's output failed: {e}"),
            delivered,
        ));
    }
    // ffmpeg stops reading an input at a read error, prints `<url>: <error>` and still exits
    // with status 0, e.g. at a chained Ogg stream of another codec ("Invalid argument"): the
    // rest of the file was never decoded.
    let url = file_url(path);
    let prefix = format!("{}: ", url.to_string_lossy());
    if let Some(line) = stderr_text.lines().find(|l| l.starts_with(&prefix)) {
        return Err(fail(
            format!(
                "ffmpeg stopped reading part way through ({}), so only part of the file was \
                 decoded",
                line.trim()
            ),
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
