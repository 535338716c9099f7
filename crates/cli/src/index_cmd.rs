//! `fermata index ...` and `fermata identify`.

use crate::table::{Table, clock};
use crate::{INTERRUPTED, IndexDir, OutputArgs};
use anyhow::{Context, Result};
use clap::Subcommand;
use fermata_engine::{AddEvent, AddOptions, FileStatus};
use fermata_index::{Index, IndexWriter, MatchOptions};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub(crate) enum IndexCommand {
    /// Fingerprints audio files and adds them to an index (created if missing).
    #[command(
        after_help = "Directories are walked recursively (following symbolic links) for audio \
        files; a track's id is its path relative to the directory given.\n\
        Interrupt with Ctrl-C at any time: finished files are kept and a rerun resumes,\n\
        skipping files already indexed.\n\nExamples:\n  fermata index add --index ./idx ~/catalogue\n  \
        fermata index add --index ./idx --id ISRC-USRC17607839 master.flac"
    )]
    Add(AddArgs),
    /// Shows tracks, hours of audio, landmarks and bytes on disk.
    #[command(after_help = "Example:\n  fermata index stats --index ./idx --verify")]
    Stats(StatsArgs),
    /// Merges all segments into one, for the fastest queries.
    #[command(after_help = "Example:\n  fermata index merge --index ./idx")]
    Merge {
        #[command(flatten)]
        index: IndexDir,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(clap::Args)]
pub(crate) struct AddArgs {
    #[command(flatten)]
    index: IndexDir,
    /// Audio files or directories.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The track id for a single file (default: its path relative to the argument).
    #[arg(long)]
    id: Option<String>,
    /// Publish the finished tracks after this many (a crash loses at most one batch).
    #[arg(long, default_value_t = 256, value_name = "N")]
    batch: usize,
    /// ... or after this many seconds, whichever comes first.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    commit_every: f64,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    index: IndexDir,
    /// Also recompute every segment's checksum.
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args)]
pub(crate) struct IdentifyArgs {
    #[command(flatten)]
    index: IndexDir,
    /// Audio files to identify.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Advanced: the fewest aligned landmarks for a match. By default the threshold keeps the
    /// false-match probability below 1 in 100,000 for the index's size (it rises as the index
    /// grows); a value given here is used as it is, and a low one admits wrong identifications.
    #[arg(long, value_name = "N")]
    min_score: Option<u32>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run_index(cmd: IndexCommand) -> Result<ExitCode> {
    match cmd {
        IndexCommand::Add(args) => add(args),
        IndexCommand::Stats(args) => stats(args),
        IndexCommand::Merge { index, output } => {
            let mut writer = open_writer(&index.index, false)?;
            let report = writer.merge_all()?;
            if output.json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("merged {} segments into {}", report.before, report.after);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the index in `dir` for writing with the parameters it was built with; a missing
/// index is created with the default parameters when `create` is true.
pub(crate) fn open_writer(dir: &std::path::Path, create: bool) -> Result<IndexWriter> {
    let params = match Index::open(dir) {
        Ok(existing) => existing.params().clone(),
        Err(fermata_index::IndexError::NotAnIndex { .. }) if create => {
            fermata_fp::Params::default()
        }
        Err(e) => return Err(e.into()),
    };
    Ok(IndexWriter::open_or_create(dir, &params)?)
}

fn add(args: AddArgs) -> Result<ExitCode> {
    let inputs = fermata_engine::collect_inputs(&args.paths, args.id.as_deref())?;
    let mut writer = open_writer(&args.index.index, true)?;
    let options = AddOptions {
        batch_tracks: args.batch.max(1),
        commit_interval: Duration::from_secs_f64(args.commit_every.clamp(0.0, 86_400.0)),
    };
    let json = args.output.json;
    let bar = ProgressBar::new(inputs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files, eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let stdout = std::io::stdout();
    let summary = fermata_engine::add_files(
        &mut writer,
        inputs,
        &options,
        &INTERRUPTED,
        &mut |event| {
            let AddEvent::File { input, status } = event else {
                return;
            };
            bar.inc(1);
            let (word, detail) = match status {
                FileStatus::Added {
                    duration_s,
                    landmarks,
                } => (
                    "added",
                    format!("{} landmarks, {}", landmarks, clock(*duration_s)),
                ),
                FileStatus::Unchanged => ("unchanged", String::new()),
                FileStatus::AlreadyIndexed => ("already-indexed", String::new()),
                FileStatus::DuplicateOf(other) => ("duplicate", format!("same audio as {other}")),
                FileStatus::IdConflict => (
                    "id-conflict",
                    "the id is taken by other audio; use --id".into(),
                ),
                FileStatus::Failed(e) => ("failed", e.to_string()),
            };
            if json {
                let error = match status {
                    FileStatus::Failed(e) => json!({"kind": e.kind(), "message": e.to_string()}),
                    _ => serde_json::Value::Null,
                };
                let line = json!({"file": input.path, "track_id": input.id, "status": word, "detail": detail, "error": error});
                let _ = writeln!(stdout.lock(), "{line}");
            } else if matches!(
                status,
                FileStatus::Failed(_) | FileStatus::IdConflict | FileStatus::DuplicateOf(_)
            ) {
                bar.suspend(|| eprintln!("{word}: {}: {detail}", input.path.display()));
            }
        },
    )?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if json {
        println!("{}", json!({"summary": summary, "elapsed_s": elapsed}));
    } else {
        println!(
            "added {}, already indexed {}, duplicates {}, id conflicts {}, failed {}{} ({} of audio in {:.1} s, {:.0}x real time)",
            summary.added,
            summary.already_indexed,
            summary.duplicates,
            summary.conflicts,
            summary.failed,
            if summary.not_started > 0 {
                format!(", not started {}", summary.not_started)
            } else {
                String::new()
            },
            clock(summary.audio_seconds),
            elapsed,
            summary.audio_seconds / elapsed.max(1e-9),
        );
    }
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        eprintln!(
            "interrupted: the finished files are saved; run the same command again to resume"
        );
        return Ok(ExitCode::from(130));
    }
    Ok(if summary.failed > 0 || summary.conflicts > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn stats(args: StatsArgs) -> Result<ExitCode> {
    let index = Index::open(&args.index.index)?;
    let stats = index.stats();
    let damaged = if args.verify {
        Some(index.verify())
    } else {
        None
    };
    if args.output.json {
        println!(
            "{}",
            json!({"stats": stats, "params": index.params(), "damaged_segments": damaged})
        );
    } else {
        let mut t = Table::new(&["MEASURE", ">VALUE"]);
        t.row(vec!["tracks".into(), stats.tracks.to_string()]);
        t.row(vec!["hours of audio".into(), format!("{:.2}", stats.hours)]);
        t.row(vec!["landmarks".into(), stats.landmarks.to_string()]);
        t.row(vec!["segments".into(), stats.segments.to_string()]);
        t.row(vec!["bytes on disk".into(), stats.bytes.to_string()]);
        t.row(vec![
            "bytes per hour".into(),
            format!("{:.0}", stats.bytes_per_hour),
        ]);
        t.row(vec![
            "format version".into(),
            stats.format_version.to_string(),
        ]);
        if let Some(d) = &damaged {
            t.row(vec![
                "damaged segments".into(),
                if d.is_empty() {
                    "none".into()
                } else {
                    d.join(", ")
                },
            ]);
        }
        print!("{}", t.render());
    }
    Ok(if damaged.is_some_and(|d| !d.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn run_identify(args: IdentifyArgs) -> Result<ExitCode> {
    let index = Index::open(&args.index.index)
        .with_context(|| format!("cannot open index {}", args.index.index.display()))?;
    let options = match args.min_score {
        Some(n) => MatchOptions {
            min_aligned: n.max(1),
            max_false_match_p: 1.0,
            ..MatchOptions::default()
        },
        None => MatchOptions::default(),
    };
    let mut failed = 0;
    let mut table = Table::new(&[
        "FILE",
        "TRACK",
        ">SCORE",
        ">CONFIDENCE",
        ">CHANCE",
        "IN QUERY",
        "IN TRACK",
    ]);
    let stdout = std::io::stdout();
    for path in &args.paths {
        let result = fermata_engine::identify_file(&index, path, &options);
        if args.output.json {
            let line = match &result {
                Ok(found) => {
                    // Each match with the probability that chance alone scores as high here.
                    let matches: Vec<serde_json::Value> = found
                        .matches
                        .iter()
                        .map(|m| {
                            let mut v = json!(m);
                            v["false_match_p"] = json!(index.false_match_probability(m.score));
                            v
                        })
                        .collect();
                    json!({"file": path, "matches": matches, "error": null})
                }
                Err(e) => {
                    json!({"file": path, "matches": [], "error": {"kind": e.kind(), "message": e.to_string()}})
                }
            };
            let _ = writeln!(stdout.lock(), "{line}");
        }
        let name = path.display().to_string();
        match result {
            Ok(found) if found.matches.is_empty() => {
                table.row(vec![
                    name,
                    "no match".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            Ok(found) => {
                for m in found.matches {
                    table.row(vec![
                        name.clone(),
                        m.track_id,
                        m.score.to_string(),
                        format!("{:.2}", m.confidence),
                        fermata_index::chance_label(index.false_match_probability(m.score)),
                        format!("{}-{}", clock(m.query_start_s), clock(m.query_end_s)),
                        clock(m.reference_start_s),
                    ]);
                }
            }
            Err(e) => {
                failed += 1;
                table.row(vec![
                    name,
                    format!("error: {}", e.kind()),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                if !args.output.json {
                    eprintln!("error: {e}");
                }
            }
        }
        if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
    }
    if !args.output.json {
        print!("{}", table.render());
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
