//! Helpers shared by the end-to-end tests: run the real `fermata` binary, make audio files.

#![allow(dead_code)]

pub mod env;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const RATE: u32 = 22_050;

pub fn fermata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fermata"))
}

/// Runs `fermata ARGS` and returns its output.
pub fn run(args: &[&str]) -> Output {
    fermata()
        .args(args)
        .output()
        .expect("the fermata binary runs")
}

/// Starts `cmd`, a `fermata serve`, and returns it with the base URL it prints (`http://…` or
/// `https://…`); its logs are drained on a thread of their own so that it never blocks on a
/// full pipe.
pub fn spawn_server(mut cmd: Command) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fermata serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .unwrap();
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses NDJSON output.
pub fn ndjson(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Writes generated music for `seed` as a WAV file at [`RATE`].
pub fn write_track(path: &Path, seed: u64, seconds: f32) -> Vec<f32> {
    fermata_testkit::write_track(path, seed, seconds, RATE)
}

/// ffmpeg on PATH, or None; under CI=true a missing ffmpeg fails the test instead of skipping.
pub fn ffmpeg() -> Option<&'static str> {
    fermata_testkit::have_ffmpeg().then_some("ffmpeg")
}

/// Encodes `input` with ffmpeg using `args` (e.g. ["-b:a", "128k"]) into `output`.
pub fn encode(input: &Path, output: &Path, args: &[&str]) {
    fermata_testkit::ffmpeg_encode(input, output, args)
}

/// Checks that `matches` (the JSON array of one identify result) contains `track` aligned so
/// that query time 0 is `offset_s` into the track, within a second.
pub fn has_match(matches: &serde_json::Value, track: &str, offset_s: f64) -> bool {
    matches.as_array().is_some_and(|ms| {
        ms.iter().any(|m| {
            m["track_id"] == track
                && ((m["reference_start_s"].as_f64().unwrap_or(-99.0)
                    - m["query_start_s"].as_f64().unwrap_or(0.0))
                    - offset_s)
                    .abs()
                    <= 1.0
        })
    })
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

pub fn join(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
