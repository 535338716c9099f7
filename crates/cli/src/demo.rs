//! `fermata demo`: the whole identification path on generated music, with no setup.

use crate::table::{clock, Table};
use crate::OutputArgs;
use anyhow::{Context, Result};
use fermata_audio::{degrade, synth, write_wav};
use fermata_engine::{add_files, collect_inputs, identify_file, AddOptions};
use fermata_index::{IndexWriter, MatchOptions};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Keep the demo's files in this directory (default: a new temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Sample rate of the generated "catalogue" files (decoding resamples them to 8 kHz).
const FILE_RATE: u32 = 22_050;
const REGISTERED: u64 = 8;
const TRACK_SECONDS: f32 = 45.0;

struct Query {
    file: String,
    condition: &'static str,
    /// Expected (track id, where the query's audio starts in that track, where it starts in the query).
    expected: Vec<(String, f64, f64)>,
}

fn track_name(seed: u64) -> String {
    format!("track-{seed:02}.wav")
}

pub(crate) fn run(args: DemoArgs) -> Result<ExitCode> {
    let (dir, _temp) = match args.dir {
        Some(d) => (d, None),
        None => {
            let t = std::env::temp_dir().join(format!("fermata-demo-{}", std::process::id()));
            (t.clone(), Some(t))
        }
    };
    let catalogue = dir.join("catalogue");
    let queries = dir.join("queries");
    std::fs::create_dir_all(&catalogue).with_context(|| format!("cannot create {}", catalogue.display()))?;
    std::fs::create_dir_all(&queries).with_context(|| format!("cannot create {}", queries.display()))?;
    let say = |s: String| {
        if !args.output.json {
            eprintln!("{s}");
        }
    };

    say(format!("generating {REGISTERED} example recordings of {TRACK_SECONDS} s in {}", catalogue.display()));
    let tracks: Vec<Vec<f32>> = (1..=REGISTERED).map(|seed| synth::track(seed, TRACK_SECONDS, FILE_RATE)).collect();
    for (i, audio) in tracks.iter().enumerate() {
        write_wav(&catalogue.join(track_name(i as u64 + 1)), audio, FILE_RATE)?;
    }

    let index_dir = dir.join("index");
    let mut writer = IndexWriter::open_or_create(&index_dir, &fermata_fp::Params::default())?;
    let inputs = collect_inputs(std::slice::from_ref(&catalogue), None)?;
    let summary = add_files(&mut writer, inputs, &AddOptions::default(), &crate::INTERRUPTED, &mut |_| {})?;
    let stats = writer.index().stats();
    say(format!(
        "indexed {} recordings ({} already there): {} landmarks, {} bytes",
        summary.added, summary.already_indexed, stats.landmarks, stats.bytes
    ));

    let made = make_queries(&tracks, &queries)?;
    say(format!("made {} degraded queries in {}", made.len(), queries.display()));

    let mut table = Table::new(&["QUERY", "CONDITION", "EXPECTED", "FOUND", "IN QUERY", "IN TRACK", "RESULT"]);
    let mut rows = Vec::new();
    let mut all_ok = true;
    for q in &made {
        let found = identify_file(writer.index(), &queries.join(&q.file), &MatchOptions::default())?;
        // Right when every expected recording is found at the right place (within 1 s) and
        // nothing else is reported.
        let hit = |(id, track_at, query_at): &(String, f64, f64)| {
            found.matches.iter().any(|m| {
                &m.track_id == id && ((m.reference_start_s - m.query_start_s) - (track_at - query_at)).abs() <= 1.0
            })
        };
        let ok = q.expected.iter().all(hit) && found.matches.len() == q.expected.len();
        all_ok &= ok;
        let expected = if q.expected.is_empty() {
            "no match".to_string()
        } else {
            q.expected.iter().map(|e| e.0.clone()).collect::<Vec<_>>().join(" + ")
        };
        let verdict = if ok { "ok" } else { "WRONG" };
        if found.matches.is_empty() {
            table.row(vec![q.file.clone(), q.condition.into(), expected.clone(), "no match".into(), String::new(), String::new(), verdict.into()]);
        }
        for (i, m) in found.matches.iter().enumerate() {
            let first = i == 0;
            table.row(vec![
                if first { q.file.clone() } else { String::new() },
                if first { q.condition.into() } else { String::new() },
                if first { expected.clone() } else { String::new() },
                m.track_id.clone(),
                format!("{}-{}", clock(m.query_start_s), clock(m.query_end_s)),
                clock(m.reference_start_s),
                if first { verdict.into() } else { String::new() },
            ]);
        }
        rows.push(json!({"query": q.file, "condition": q.condition, "expected": expected, "matches": found.matches, "ok": ok}));
    }
    if args.output.json {
        println!("{}", json!({"dir": dir, "index": stats, "queries": rows, "all_ok": all_ok}));
    } else {
        print!("{}", table.render());
        println!(
            "\n{} of {} queries identified correctly. Files are in {} (index in {}).",
            rows.iter().filter(|r| r["ok"] == true).count(),
            rows.len(),
            dir.display(),
            index_dir.display()
        );
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Writes the degraded queries and says what each should find.
fn make_queries(tracks: &[Vec<f32>], out: &Path) -> Result<Vec<Query>> {
    let rate = FILE_RATE;
    let cut = |track: usize, start: f64, len: f64| degrade::excerpt(&tracks[track], rate, start, len);
    let name = |i: usize| track_name(i as u64 + 1);
    let mut made = Vec::new();
    let mut add = |file: &str, condition: &'static str, audio: Vec<f32>, expected: Vec<(String, f64, f64)>| -> Result<()> {
        write_wav(&out.join(file), &audio, rate)?;
        made.push(Query { file: file.into(), condition, expected });
        Ok(())
    };
    add("q1-clean.wav", "10 s excerpt", cut(0, 12.0, 10.0), vec![(name(0), 12.0, 0.0)])?;
    add("q2-noise.wav", "white noise, 5 dB SNR", degrade::add_white_noise(&cut(1, 20.0, 10.0), 5.0, 2), vec![(name(1), 20.0, 0.0)])?;
    add(
        "q3-phone.wav",
        "telephone band 300-3400 Hz",
        degrade::band_pass(&cut(2, 3.0, 10.0), rate, 300.0, 3400.0),
        vec![(name(2), 3.0, 0.0)],
    )?;
    add(
        "q4-reverb.wav",
        "gain -12 dB + room reverb",
        degrade::reverb(&degrade::gain_db(&cut(3, 30.0, 10.0), -12.0), rate, 0.6, 0.4, 4),
        vec![(name(3), 30.0, 0.0)],
    )?;
    add("q5-pink.wav", "pink noise, 0 dB SNR", degrade::add_pink_noise(&cut(4, 15.0, 10.0), 0.0, 5), vec![(name(4), 15.0, 0.0)])?;
    let mut mix = cut(5, 5.0, 8.0);
    mix.extend(cut(6, 22.0, 8.0));
    add("q6-mix.wav", "8 s of one, then 8 s of another", mix, vec![(name(5), 5.0, 0.0), (name(6), 22.0, 8.0)])?;
    let unregistered = synth::track(1000, 20.0, rate);
    add("q7-unknown.wav", "a recording not in the index", degrade::excerpt(&unregistered, rate, 5.0, 10.0), vec![])?;
    // A real codec when ffmpeg is there; the demo needs nothing but Rust, so it is optional.
    let clip = out.join("q8-source.wav");
    write_wav(&clip, &cut(7, 25.0, 10.0), rate)?;
    let mp3 = out.join("q8-mp3.mp3");
    let encoded = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&clip)
        .args(["-b:a", "128k"])
        .arg(&mp3)
        .status()
        .is_ok_and(|s| s.success());
    let _ = std::fs::remove_file(&clip);
    if encoded {
        made.push(Query { file: "q8-mp3.mp3".into(), condition: "MP3 128 kbit/s (ffmpeg)", expected: vec![(name(7), 25.0, 0.0)] });
    }
    Ok(made)
}
