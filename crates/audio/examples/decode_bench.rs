//! Measures decode + downmix + resample speed to 8 kHz on one thread, in × real time.
//!
//! ```text
//! cargo run -p fermata-audio --release --example decode_bench -- [FILE...]
//! ```
//! With no arguments it uses the first few files under /work/corpus/music, or, if there are
//! none, a 10-minute synthetic 44.1 kHz WAV written to a temporary directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use fermata_audio::{ANALYSIS_RATE, decode_stream, write_wav};
use fermata_synth::synth;

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            corpus_files(&p, out);
        } else if p.extension().is_some_and(|e| {
            ["mp3", "ogg", "flac", "wav", "m4a", "opus", "aiff"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            out.push(p);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let _keep;
    if files.is_empty() {
        corpus_files(Path::new("/work/corpus/music"), &mut files);
        files.truncate(8);
    }
    if files.is_empty() {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("synth-10min.wav");
        eprintln!("no corpus: writing a 10-minute synthetic WAV");
        write_wav(&p, &synth::track(1, 600.0, 44_100), 44_100)?;
        files.push(p);
        _keep = dir;
    }
    let (mut audio_s, mut wall_s) = (0.0, 0.0);
    for f in &files {
        let t = Instant::now();
        let mut energy = 0.0f64;
        match decode_stream(f, ANALYSIS_RATE, &mut |c: &[f32]| {
            energy += c.iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
        }) {
            Ok(info) => {
                let dt = t.elapsed().as_secs_f64();
                audio_s += info.duration_s();
                wall_s += dt;
                println!(
                    "{:>8.1}x  {:7.1}s audio  {:<10} {:>6} Hz {} ch  {}",
                    info.duration_s() / dt,
                    info.duration_s(),
                    info.codec,
                    info.source_rate,
                    info.channels,
                    f.display()
                );
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
    if wall_s > 0.0 {
        println!(
            "total: {audio_s:.1} s of audio in {wall_s:.2} s = {:.0}x real time (1 thread)",
            audio_s / wall_s
        );
    }
    Ok(())
}
