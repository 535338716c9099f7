//! `fermata-bench`: identification quality and speed, measured reproducibly, with peers side by
//! side on the same queries. See BENCHMARKS.md for how to run it and the latest figures.

mod calibrate;
mod chromaprint;
mod corpus;
mod peers;
mod queries;
mod report;
mod scale;
mod systems;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "fermata-bench",
    about = "Measures fermata's identification accuracy, speed and scale"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Accuracy and speed on a directory of music, under degradations, beside peers.
    #[command(
        after_help = "Examples:\n  fermata-bench run --music corpus/music --out target/bench\n  \
                            fermata-bench run --music corpus/music --conditions clean,mp3-64 --lengths 10 --no-peers"
    )]
    Run(Args),
    /// Query latency and memory on indexes of synthetic tracks with measured real statistics.
    #[command(
        after_help = "Example:\n  fermata-bench scale --music corpus/music --tracks 10000,30000,100000"
    )]
    Scale(ScaleArgs),
    /// Writes a synthetic catalogue (CSV and WAV audio) to time `fermata catalog import` on.
    #[command(
        after_help = "Example:\n  fermata-bench catalogue --works 10000 --seconds 6 --out target/cat10k\n  \
                            fermata --home target/h init && fermata --home target/h party add label-a --kind label --name A\n  \
                            fermata --home target/h party add pub-b --kind publisher --name B\n  \
                            time fermata --home target/h catalog import --holder label-a target/cat10k/catalogue.csv --audio target/cat10k/audio"
    )]
    Catalogue {
        /// Number of works.
        #[arg(long, default_value_t = 10_000)]
        works: usize,
        /// Seconds of generated music per work.
        #[arg(long, default_value_t = 6.0)]
        seconds: f32,
        /// Number of the first work (its ISRC and its music's seed), to make a disjoint set.
        #[arg(long, default_value_t = 0)]
        first: usize,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Makes a registry home for load-testing the web app: one label with WORKS works and a
    /// person who signs in, one developer with a request of LINES lines waiting for the label.
    #[command(
        after_help = "Example:\n  fermata-bench web-fixture --works 10000 --lines 1000 --home target/web10k\n  \
                            fermata --home target/web10k serve --listen 127.0.0.1:18282\n  \
                            (sign in as ana@label.example with the password `web fixture password`, then load the pages with wrk)"
    )]
    WebFixture {
        /// Works of the label.
        #[arg(long, default_value_t = 10_000)]
        works: usize,
        /// Request lines waiting for the label.
        #[arg(long, default_value_t = 1_000)]
        lines: usize,
        /// The fermata home to create (must not exist).
        #[arg(long)]
        home: PathBuf,
    },
    /// How high chance scores go: unregistered music queried against an index of registered
    /// music with the match threshold lowered, the best score of each query counted, and the
    /// tail fitted to give the false-match probability of a score at any index size.
    #[command(
        after_help = "Example:\n  fermata-bench calibrate --music corpus/music --unregistered-music corpus-unregistered/music --out target/calibrate"
    )]
    Calibrate(calibrate::CalibrateArgs),
    /// (internal) The query half of `scale`, run in its own process to measure its memory.
    #[command(hide = true)]
    ScaleQuery {
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        queries: PathBuf,
    },
}

#[derive(clap::Args)]
struct ScaleArgs {
    /// Real music to measure landmark statistics on and to cut unregistered queries from.
    #[arg(long, value_name = "DIR")]
    music: PathBuf,
    /// Index sizes (tracks) to measure at, in increasing order.
    #[arg(long, value_delimiter = ',', default_value = "10000,30000,100000")]
    tracks: Vec<u64>,
    /// Where the index and results go.
    #[arg(long, value_name = "DIR", default_value = "target/bench-scale")]
    out: PathBuf,
    /// Tracks per published batch.
    #[arg(long, default_value_t = 5000)]
    batch: u64,
    /// Real 10 s queries cut from each music file.
    #[arg(long, default_value_t = 10)]
    queries_per_file: usize,
}

#[derive(clap::Args)]
struct Args {
    /// Directory of music (walked recursively).
    #[arg(long, value_name = "DIR")]
    music: PathBuf,
    /// Where queries, indexes and results go.
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    out: PathBuf,
    /// Seed of the split, the offsets and the noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of recordings that are registered (indexed); the rest only give unknown queries.
    #[arg(long, default_value_t = 0.6)]
    registered_fraction: f64,
    /// Query lengths in seconds.
    #[arg(long, value_delimiter = ',', default_value = "5,10,20")]
    lengths: Vec<f64>,
    /// Conditions (comma-separated names, or "all").
    #[arg(long, default_value = "all")]
    conditions: String,
    /// Registered queries per condition and length.
    #[arg(long, default_value_t = 24)]
    per_cell: usize,
    /// Unregistered queries per condition and length.
    #[arg(long, default_value_t = 16)]
    unregistered_per_cell: usize,
    /// More music that nobody registers (walked recursively): added to the unregistered side,
    /// for false positives on real music (e.g. `scripts/fetch-corpus.sh --unregistered DIR`).
    #[arg(long, value_name = "DIR")]
    unregistered_music: Option<PathBuf>,
    /// Also query every unregistered recording whole, as it is (the "whole" rows).
    #[arg(long)]
    whole_unregistered: bool,
    /// Ignore recordings shorter than this (seconds).
    #[arg(long, default_value_t = 30.0)]
    min_seconds: f64,
    /// Olaf's `olaf` binary (default: found on PATH).
    #[arg(long, value_name = "PATH")]
    olaf: Option<PathBuf>,
    /// audfprint's `audfprint.py` (default: `audfprint` on PATH).
    #[arg(long, value_name = "PATH")]
    audfprint: Option<PathBuf>,
    /// Python interpreter for audfprint.
    #[arg(long, default_value = "python3")]
    python: String,
    /// Fingerprint parameters for fermata as a JSON file (default: the built-in defaults); for tuning.
    #[arg(long, value_name = "FILE")]
    fp_params: Option<PathBuf>,
    /// Run fermata only.
    #[arg(long)]
    no_peers: bool,
    /// Print the JSON summary instead of the Markdown table.
    #[arg(long)]
    json: bool,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Run(args) => run(args),
        Command::Scale(args) => {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            let checkpoints = scale::run(
                &args.music,
                &args.tracks,
                &args.out,
                args.batch.max(1),
                args.queries_per_file,
            )?;
            let text = serde_json::to_string_pretty(&checkpoints)?;
            std::fs::write(args.out.join("scale.json"), &text)?;
            println!("{text}");
            Ok(())
        }
        Command::Calibrate(args) => calibrate::run(args),
        Command::ScaleQuery { index, queries } => scale::query_process(&index, &queries),
        Command::Catalogue {
            works,
            seconds,
            first,
            out,
        } => catalogue(first..first + works, seconds, &out),
        Command::WebFixture { works, lines, home } => web_fixture(works, lines, &home),
    }
}

/// See `fermata-bench web-fixture --help`.
fn web_fixture(works: usize, lines: usize, home: &std::path::Path) -> Result<()> {
    use fermata_registry::{PartyKind, PolicyChange, RequestDraft, Role, Use, Work, parse_shares};
    anyhow::ensure!(lines <= works, "--lines must not exceed --works");
    let home = fermata_clearance::Home::init(home)?;
    let mut r = home.registry()?;
    r.add_party("label-a", PartyKind::Label, "Label A", "bench")?;
    r.add_party("dev-a", PartyKind::Developer, "Dev A", "bench")?;
    let isrc = |n: usize| format!("ZZWEB{:07}", n + 1);
    for chunk in (0..works).collect::<Vec<_>>().chunks(1000) {
        let batch = chunk
            .iter()
            .map(|&n| {
                Ok(Work {
                    isrc: isrc(n).parse()?,
                    title: format!("Load Song {n}"),
                    artist: format!("Artist {}", n % 97),
                    duration_s: Some(180.0 + (n % 120) as f64),
                    iswc: None,
                    registrant: "label-a".into(),
                    credits: vec![],
                    shares: parse_shares("label-a=100")?,
                    tracks: vec![],
                })
            })
            .collect::<Result<Vec<_>>>()?;
        r.register_works("label-a", batch, "bench")?;
    }
    r.set_policy(
        PolicyChange::new(
            "label-a",
            None,
            Use::TrainGenai,
            fermata_registry::Decision::LicenceRequired,
        ),
        "bench",
    )?;
    // Requests of at most 1,000 works each (the registry's bound per request).
    for start in (0..lines).step_by(1000) {
        let end = (start + 1000).min(lines);
        r.request_licences(
            RequestDraft {
                developer: "dev-a".into(),
                use_: Use::TrainGenai,
                model: "load-model".into(),
                territories: vec![],
                valid_from: "2026-01-01".into(),
                valid_to: None,
                term_months: Some(12),
                works: (start..end)
                    .map(|n| isrc(n).parse())
                    .collect::<Result<_, _>>()?,
                scan: None,
            },
            "bench",
        )?;
    }
    r.add_person(
        "label-a",
        "ana@label.example",
        "Ana",
        Role::HolderAdmin,
        Some("web fixture password"),
        "bench",
    )?;
    println!("{}", home.dir().display());
    Ok(())
}

fn run(args: Args) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = args.out.canonicalize()?;
    let conditions = queries::select(&args.conditions)?;
    let started = std::time::Instant::now();

    eprintln!("listing and de-duplicating {}", args.music.display());
    let files = corpus::list(&args.music)?;
    let mut split = corpus::split(
        &files,
        args.registered_fraction,
        args.min_seconds,
        args.seed,
        &out,
    )?;
    if let Some(dir) = &args.unregistered_music {
        eprintln!("adding the unregistered music of {}", dir.display());
        split
            .unregistered
            .extend(corpus::tracks(&corpus::list(dir)?, args.min_seconds)?);
    }
    eprintln!(
        "{} registered, {} unregistered recordings; {} duplicate groups",
        split.registered.len(),
        split.unregistered.len(),
        split.duplicate_groups.len()
    );
    let query_dir = out.join("queries");
    let _ = std::fs::remove_dir_all(&query_dir);
    let mut queries = queries::generate(
        &split,
        &conditions,
        &args.lengths,
        args.per_cell,
        args.unregistered_per_cell,
        args.seed,
        &query_dir,
    )?;
    if args.whole_unregistered {
        queries.extend(split.unregistered.iter().map(|t| queries::Query {
            file: t.path.clone(),
            condition: "whole".into(),
            length_s: 0.0,
            truth: None,
            second: None,
        }));
    }
    eprintln!(
        "{} queries made in {:.0} s",
        queries.len(),
        started.elapsed().as_secs_f64()
    );

    let registered: Vec<PathBuf> = split.registered.iter().map(|t| t.path.clone()).collect();
    let audio_seconds: f64 = split.registered.iter().map(|t| t.seconds).sum();
    let params = match &args.fp_params {
        Some(file) => serde_json::from_slice(
            &std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?,
        )
        .with_context(|| format!("{} is not a fingerprint parameter set", file.display()))?,
        None => fermata_fp::Params::default(),
    };
    let mut runs = vec![systems::run_fermata(
        &params,
        &registered,
        audio_seconds,
        &queries,
        &out,
        &fermata_index::MatchOptions::default(),
    )?];
    let mut notes = Vec::new();
    if !args.no_peers {
        for peer in peers::available(&args.olaf, &args.audfprint, &args.python, &mut notes) {
            eprintln!("running {}", peer.name());
            match peer.run(&registered, audio_seconds, &queries, &out) {
                Ok(run) => runs.push(run),
                Err(e) => notes.push(format!("{} failed: {e:#}", peer.name())),
            }
        }
    }
    let whole_tracks = match (args.no_peers, chromaprint::available()) {
        (false, Some(version)) => {
            eprintln!("whole tracks: fermata and Chromaprint's fpcalc");
            let index = fermata_index::Index::open(&out.join("fermata-index"))?;
            match chromaprint::run(&split, &index, version, &out) {
                Ok(r) => Some(r),
                Err(e) => {
                    notes.push(format!("Chromaprint comparison failed: {e:#}"));
                    None
                }
            }
        }
        (false, None) => {
            notes.push(
                "Chromaprint skipped: no `fpcalc` on PATH (Debian: libchromaprint-tools)".into(),
            );
            None
        }
        _ => None,
    };
    let summaries: Vec<report::SystemSummary> = runs
        .iter()
        .map(|r| report::summarise(r, &queries))
        .collect();
    let header = format!(
        "Registered: {} recordings ({:.2} h); unregistered: {}; duplicate groups: {}; {} queries \
         ({} registered, {} unregistered); seed {}; lengths {:?} s.{}",
        split.registered.len(),
        audio_seconds / 3600.0,
        split.unregistered.len(),
        split.duplicate_groups.len(),
        queries.len(),
        queries.iter().filter(|q| q.truth.is_some()).count(),
        queries.iter().filter(|q| q.truth.is_none()).count(),
        args.seed,
        args.lengths,
        notes
            .iter()
            .map(|n| format!("\nNote: {n}"))
            .collect::<String>()
    );
    let mut markdown = report::markdown(&summaries, &header);
    if let Some(w) = &whole_tracks {
        markdown.push_str(&format!(
            "\nWhole recordings re-encoded to MP3 64 kbit/s ({} registered, {} unregistered), where a whole-file \
             fingerprint fits:\n\n| system | right recording | false positives | seconds |\n| --- | ---: | ---: | ---: |\n\
             | fermata | {} of {} | {} of {} | {:.1} |\n| Chromaprint fpcalc ({}, similarity ≥ {}) | {} of {} | {} of {} | {:.1} |\n",
            w.registered_queries,
            w.unregistered_queries,
            w.fermata_correct,
            w.registered_queries,
            w.fermata_false_positives,
            w.unregistered_queries,
            w.fermata_seconds,
            w.fpcalc_version,
            chromaprint::MATCH_SIMILARITY,
            w.fpcalc_correct,
            w.registered_queries,
            w.fpcalc_false_positives,
            w.unregistered_queries,
            w.fpcalc_seconds,
        ));
    }
    let result = serde_json::json!({
        "split": split,
        "summaries": summaries,
        "whole_tracks": whole_tracks,
        "notes": notes,
        "queries": queries,
        "answers": runs.iter().map(|r| serde_json::json!({"system": r.name, "answers": r.answers, "latencies_ms": r.latencies_ms})).collect::<Vec<_>>(),
    });
    std::fs::write(
        out.join("results.json"),
        serde_json::to_vec_pretty(&result)?,
    )?;
    std::fs::write(out.join("results.md"), &markdown)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"summaries": summaries, "notes": notes})
            )?
        );
    } else {
        println!("{markdown}");
    }
    eprintln!(
        "results in {} and {}",
        out.join("results.md").display(),
        out.join("results.json").display()
    );
    Ok(())
}

/// Writes `works` generated recordings and a CSV catalogue for holder `label-a`; every third
/// work is co-owned with `pub-b`, so the shares path is exercised too.
fn catalogue(works: std::ops::Range<usize>, seconds: f32, out: &std::path::Path) -> Result<()> {
    use rayon::prelude::*;
    let audio = out.join("audio");
    std::fs::create_dir_all(&audio)
        .with_context(|| format!("cannot create {}", audio.display()))?;
    let rate = 8_000;
    let isrc = |i: usize| format!("ZZBEN{:02}{:05}", 26 + i / 100_000, i % 100_000);
    works
        .clone()
        .into_par_iter()
        .try_for_each(|i| -> Result<()> {
            let path = audio.join(format!("{}.wav", isrc(i)));
            if !path.exists() {
                let music = fermata_synth::synth::track(1_000_000 + i as u64, seconds, rate);
                fermata_audio::write_wav(&path, &music, rate)?;
            }
            Ok(())
        })?;
    let mut csv = String::from("isrc,title,artist,duration,audio,shares,credits\n");
    for i in works.clone() {
        let shares = if i % 3 == 0 {
            "label-a=70;pub-b=30"
        } else {
            ""
        };
        csv.push_str(&format!(
            "{id},Generated Work {i},Artist {a},{seconds},{id}.wav,{shares},performer=Performer {a};composer=Composer {c}\n",
            id = isrc(i),
            a = i % 997,
            c = i % 331
        ));
    }
    std::fs::write(out.join("catalogue.csv"), csv)?;
    eprintln!(
        "wrote {} works of {seconds} s to {}",
        works.len(),
        out.display()
    );
    Ok(())
}
