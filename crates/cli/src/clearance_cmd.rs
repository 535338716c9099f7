//! `fermata catalog import`, `fermata scan` and `fermata manifest`: the workflows of
//! `fermata-clearance` and the proofs of `fermata-manifest`.

use crate::registry_cmd::open_home;
use crate::table::Table;
use crate::{INTERRUPTED, OutputArgs};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fermata_clearance::{
    ImportEvent, ImportOutcome, ScanEvent, ScanOutcome, ScanRequest, build_manifest,
    import_catalog, run_scan, summarise,
};
use fermata_manifest::{Manifest, WorkProof};
use fermata_registry::{DeclaredFile, DeclaredSource, ScanFile, Territory, Use, Verdict};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn bar(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {what} ({{per_sec}}, eta {{eta}})"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

#[derive(Subcommand)]
pub(crate) enum CatalogCommand {
    /// Registers a holder's works from a CSV or DDEX ERN 4.x file and fingerprints their audio.
    #[command(
        after_help = "CSV columns (header row, any order): isrc, title, artist, audio (required);\n\
        duration, iswc, shares ([TERRITORY:]HOLDER=PERCENT;...), credits (role=Name;...).\n\
        See docs/catalogue.md and examples/catalogue.csv.\n\n\
        A file with any malformed row is reported in full (line, field, reason) and nothing is\n\
        imported. Rerunning an import changes nothing. A work another holder registered is\n\
        reported as a conflict and left as it is.\n\nExamples:\n  \
        fermata catalog import --holder indie-records catalogue.csv --audio ./masters\n  \
        fermata catalog import --holder indie-records release.xml --audio ./release --json"
    )]
    Import {
        /// The importing rights holder (the registrant of the works).
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The catalogue: .csv, or .xml for DDEX ERN 4.x.
        file: PathBuf,
        /// The directory that the catalogue's audio paths are relative to.
        #[arg(long, value_name = "DIR")]
        audio: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_catalog(home: Option<&Path>, cmd: CatalogCommand) -> Result<ExitCode> {
    let CatalogCommand::Import {
        holder,
        file,
        audio,
        output,
    } = cmd;
    let (home, mut registry) = open_home(home)?;
    let started = std::time::Instant::now();
    let mut progress: Option<ProgressBar> = None;
    let outcome = import_catalog(
        &home,
        &mut registry,
        &holder,
        &file,
        &audio,
        &INTERRUPTED,
        &mut |event| match event {
            ImportEvent::Fingerprinting { files } => progress = Some(bar(files, "audio files")),
            ImportEvent::Fingerprinted { .. } => {
                if let Some(b) = &progress {
                    b.inc(1);
                }
            }
        },
    )?;
    if let Some(b) = progress {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64();
    if output.json {
        println!(
            "{}",
            json!({"file": file, "outcome": outcome, "elapsed_s": elapsed})
        );
    }
    match outcome {
        ImportOutcome::Rejected { problems, .. } => {
            if !output.json {
                let rows = problems
                    .iter()
                    .map(|p| vec![p.line.to_string(), p.field.clone(), p.reason.clone()]);
                print_problems(&[">LINE", "FIELD", "PROBLEM"], rows, &file, "imported");
            }
            Ok(ExitCode::from(1))
        }
        ImportOutcome::Interrupted { fingerprinted } => {
            eprintln!(
                "interrupted after fingerprinting {fingerprinted} file(s); nothing was registered yet. Run the same command to continue."
            );
            Ok(ExitCode::from(130))
        }
        ImportOutcome::Imported(summary) => {
            let r = &summary.registry;
            if !output.json {
                println!(
                    "{}: {} record(s): {} added, {} updated, {} unchanged, {} conflict(s)",
                    file.display(),
                    summary.records,
                    r.added.len(),
                    r.updated.len(),
                    r.unchanged,
                    r.conflicts.len()
                );
                println!(
                    "audio: {} fingerprinted ({:.1} min), {} already in the index; {:.1} s",
                    summary.tracks_added,
                    summary.audio_seconds / 60.0,
                    summary.tracks_already_indexed,
                    elapsed
                );
                if !summary.notes.is_empty() {
                    println!("\nnotes (nothing was refused for these):");
                    let mut t = Table::new(&[">LINE", "FIELD", "NOTE"]);
                    for n in &summary.notes {
                        t.row(vec![n.line.to_string(), n.field.clone(), n.reason.clone()]);
                    }
                    print!("{}", t.render());
                }
                if !r.conflicts.is_empty() {
                    println!(
                        "\nconflicts (registered by another holder, or the same audio registered by another holder under another ISRC; not changed — resolve with that holder):"
                    );
                    let mut t = Table::new(&[
                        "ISRC",
                        "REGISTERED BY",
                        "REGISTERED TITLE",
                        "TITLE HERE",
                        "SAME AUDIO AS",
                    ]);
                    for c in &r.conflicts {
                        t.row(vec![
                            c.isrc.to_string(),
                            c.registered_by.clone(),
                            c.registered_title.clone(),
                            c.imported_title.clone(),
                            c.same_audio_as
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                        ]);
                    }
                    print!("{}", t.render());
                }
                if !r.awaiting_agreement.is_empty() {
                    println!(
                        "\nnot changed: these remove or reduce another holder's share, which needs that holder's agreement \
                         (`fermata work agree ID --holder HOLDER`); until then the current shares stand:"
                    );
                    print!(
                        "{}",
                        crate::registry_cmd::share_change_table(&r.awaiting_agreement).render()
                    );
                }
            }
            Ok(
                if r.conflicts.is_empty() && r.awaiting_agreement.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                },
            )
        }
    }
}

/// The problems that refused a whole file, one a row, and what to do.
fn print_problems(
    columns: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    file: &Path,
    what: &str,
) {
    let mut t = Table::new(columns);
    let mut n = 0;
    for row in rows {
        t.row(row);
        n += 1;
    }
    print!("{}", t.render());
    eprintln!(
        "{}: {n} problem(s); nothing was {what}. Fix them and run the command again.",
        file.display()
    );
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct ScanArgs {
    #[command(subcommand)]
    command: Option<ScanCommand>,
    /// The training dataset's directory (walked recursively for audio files).
    #[arg(required_unless_present_any = ["list", "show"], value_name = "DATASET_DIR")]
    dataset: Option<PathBuf>,
    /// The AI developer the scan is for.
    #[arg(long, value_name = "ID", required_unless_present_any = ["list", "show"])]
    developer: Option<String>,
    /// The model the data is for.
    #[arg(long, value_name = "NAME", required_unless_present_any = ["list", "show"])]
    model: Option<String>,
    /// The use: train-genai, train-ai, tdm-research, voice-likeness or inference-input.
    #[arg(long = "use", value_name = "USE", required_unless_present_any = ["list", "show"])]
    use_: Option<Use>,
    /// Where the training happens (ISO 3166-1 alpha-2, e.g. DE).
    #[arg(long, value_name = "CODE", required_unless_present_any = ["list", "show"])]
    territory: Option<Territory>,
    /// List the scans instead.
    #[arg(long, conflicts_with = "show")]
    list: bool,
    /// Show a finished scan's results again.
    #[arg(long, value_name = "SCAN_ID")]
    show: Option<String>,
    /// Also list every file in the table output (default: only files that are not cleared).
    #[arg(long)]
    all_files: bool,
    /// Where the files came from: a CSV with a `path,url` header (paths relative to the
    /// dataset). A file whose source reserves AI training (its origin's tdmrep.json, robots.txt
    /// Content-Usage, or the URL's headers) is denied even when it holds no registered recording.
    #[arg(long, value_name = "CSV")]
    sources: Option<PathBuf>,
    /// Save identified files after this many (a crash loses at most this many, or 2 s of work).
    #[arg(long, default_value_t = fermata_clearance::DEFAULT_SAVE_EVERY, value_name = "N")]
    save_every: usize,
    /// Decode and fingerprint every file again, without reading or writing the identification
    /// cache (HOME/cache/identify: results by the file's SHA-256 and the index's state).
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Subcommand)]
pub(crate) enum ScanCommand {
    /// Declares where files of a finished scan that hold no registered recording came from:
    /// the developer's own recordings, data licensed outside fermata, public-domain audio, or
    /// audio generated by a model. Declared files are their own category in the scan's results
    /// and in the EU summary (2.2.2, 2.5, 2.6).
    #[command(
        after_help = "FILE is a CSV with the header row `path,source,reference`: path as the scan lists it \
        (`fermata scan --show SCAN_ID`), source one of own-recording, licensed-elsewhere (reference: the \
        licence or contract), public-domain, generated (reference: the model that generated it).\n\
        Only files the scan recorded as unidentified can be declared. A file with any bad line is \
        refused in full (every problem with its line) and nothing is recorded; a file declared again \
        takes its new source.\n\nExample:\n  fermata scan declare --scan scan-000001 sources.csv"
    )]
    Declare {
        /// The finished scan.
        #[arg(long, value_name = "SCAN_ID")]
        scan: String,
        /// The declarations (CSV).
        file: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn run_declare(
    home: Option<&Path>,
    scan_id: &str,
    file: &Path,
    json_out: bool,
) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let scan = registry.scan(scan_id)?;
    let result = fermata_registry::parse_declarations_csv(&text).and_then(|lines| {
        registry.declare_sources(scan_id, &scan.developer, &scan.developer, lines)
    });
    match result {
        Err(fermata_registry::RegistryError::Declarations(problems)) => {
            if json_out {
                println!("{}", json!({"file": file, "problems": problems}));
            } else {
                let rows = problems
                    .iter()
                    .map(|p| vec![p.line.to_string(), p.reason.clone()]);
                print_problems(&[">LINE", "PROBLEM"], rows, file, "declared");
            }
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
        Ok(made) => {
            if json_out {
                println!("{}", json!({"scan": scan_id, "declared": made}));
            } else {
                let mut t = Table::new(&["FILE", "SOURCE", "REFERENCE"]);
                for d in &made {
                    t.row(vec![
                        d.path.clone(),
                        d.source.to_string(),
                        d.reference.clone().unwrap_or_default(),
                    ]);
                }
                print!("{}", t.render());
                println!("{scan_id}: {} file(s) declared", made.len());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn run_scan_cmd(home: Option<&Path>, args: ScanArgs) -> Result<ExitCode> {
    if let Some(ScanCommand::Declare { scan, file, output }) = &args.command {
        return run_declare(home, scan, file, output.json);
    }
    let (home, mut registry) = open_home(home)?;
    if args.list {
        let scans = registry.scans()?;
        if args.output.json {
            println!("{}", serde_json::to_string(&scans)?);
        } else {
            let mut t = Table::new(&[
                "ID",
                "DEVELOPER",
                "MODEL",
                "USE",
                "TERRITORY",
                "STARTED",
                "STATUS",
                "DATASET",
            ]);
            for s in &scans {
                t.row(vec![
                    s.id.clone(),
                    s.developer.clone(),
                    s.model.clone(),
                    s.use_.to_string(),
                    s.territory.to_string(),
                    s.started_at.clone(),
                    if s.finished_at.is_some() {
                        "finished".into()
                    } else {
                        "unfinished".into()
                    },
                    s.dataset.clone(),
                ]);
            }
            print!("{}", t.render());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(id) = &args.show {
        let scan = registry.scan(id)?;
        if scan.finished_at.is_none() {
            bail!(
                "scan {id} is not finished: run the same `fermata scan` command again to complete it"
            );
        }
        let files = registry.scan_files(id)?;
        let summary = summarise(&files);
        let outcome = ScanOutcome {
            scan,
            resumed: false,
            interrupted: false,
            identified_now: 0,
            already_done: files.len(),
            from_cache: 0,
            files,
            summary: Some(summary),
        };
        let declared = registry.declarations(id)?;
        return print_scan(&outcome, &declared, &args, 0.0);
    }
    let (Some(dataset), Some(developer), Some(model), Some(use_), Some(territory)) = (
        args.dataset.clone(),
        args.developer.clone(),
        args.model.clone(),
        args.use_,
        args.territory.clone(),
    ) else {
        bail!("give DATASET_DIR, --developer, --model, --use and --territory");
    };
    let sources = match &args.sources {
        Some(f) => fermata_clearance::sources::read_sources(f)?,
        None => Default::default(),
    };
    let request = ScanRequest {
        dataset,
        developer,
        model,
        use_,
        territory,
        save_every: args.save_every,
        sources,
        use_cache: !args.no_cache,
    };
    let started = std::time::Instant::now();
    let mut progress: Option<ProgressBar> = None;
    let outcome = run_scan(
        &home,
        &mut registry,
        &request,
        &INTERRUPTED,
        &mut |event| match event {
            ScanEvent::Planned {
                to_identify,
                already_done,
                resumed,
                scan_id,
            } => {
                if resumed {
                    eprintln!(
                        "resuming {scan_id}: {already_done} file(s) already identified, {to_identify} to go"
                    );
                } else {
                    eprintln!("{scan_id}: {to_identify} file(s) to identify");
                }
                progress = Some(bar(to_identify, "files"));
            }
            ScanEvent::Identified { .. } => {
                if let Some(b) = &progress {
                    b.inc(1);
                }
            }
        },
    )?;
    if let Some(b) = progress {
        b.finish_and_clear();
    }
    if outcome.interrupted {
        eprintln!(
            "interrupted: {} file(s) identified and saved in {}; run the same command to resume",
            outcome.identified_now + outcome.already_done,
            outcome.scan.id
        );
        return Ok(ExitCode::from(130));
    }
    let declared = registry.declarations(&outcome.scan.id)?;
    print_scan(&outcome, &declared, &args, started.elapsed().as_secs_f64())
}

fn print_scan(
    outcome: &ScanOutcome,
    declared: &[DeclaredFile],
    args: &ScanArgs,
    elapsed_s: f64,
) -> Result<ExitCode> {
    // Declared files are their own category: counted under their source, not as unidentified.
    let unidentified: std::collections::BTreeSet<&str> = outcome
        .files
        .iter()
        .filter(|f| {
            f.verdict
                .as_ref()
                .is_some_and(|v| v.verdict == Verdict::Unidentified)
        })
        .map(|f| f.path.as_str())
        .collect();
    let declared: Vec<&DeclaredFile> = declared
        .iter()
        .filter(|d| unidentified.contains(d.path.as_str()))
        .collect();
    let declared_of = |path: &str| declared.iter().find(|d| d.path == path);
    let Some(summary) = &outcome.summary else {
        bail!("scan {} has no results", outcome.scan.id)
    };
    let any_error = outcome.files.iter().any(|f| f.error.is_some());
    if args.output.json {
        println!(
            "{}",
            json!({"scan": outcome.scan, "resumed": outcome.resumed, "identified_now": outcome.identified_now,
                   "from_cache": outcome.from_cache,
                   "already_done": outcome.already_done, "elapsed_s": elapsed_s, "summary": summary, "declared": declared,
                   "files": outcome.files})
        );
        return Ok(if any_error {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let s = &outcome.scan;
    println!(
        "{}: {} for model '{}' by {} in {} — {} file(s), {:.2} h",
        s.id, s.use_, s.model, s.developer, s.territory, summary.files, summary.hours
    );
    if outcome.identified_now > 0 {
        println!(
            "identified now: {} file(s), {} of them from the identification cache (not decoded again)",
            outcome.identified_now, outcome.from_cache
        );
    }
    let mut t = Table::new(&["VERDICT", ">FILES", ">HOURS"]);
    for v in &summary.verdicts {
        let (mut files, mut hours) = (v.files, v.hours);
        if v.verdict == Verdict::Unidentified {
            files -= declared.len() as u64;
            hours -= declared.iter().map(|d| d.duration_s / 3600.0).sum::<f64>();
        }
        t.row(vec![
            v.verdict.to_string(),
            files.to_string(),
            format!("{:.2}", hours.max(0.0)),
        ]);
    }
    for source in DeclaredSource::ALL {
        let of: Vec<&&DeclaredFile> = declared.iter().filter(|d| d.source == source).collect();
        if !of.is_empty() {
            t.row(vec![
                format!("declared {source}"),
                of.len().to_string(),
                format!(
                    "{:.2}",
                    of.iter().map(|d| d.duration_s / 3600.0).sum::<f64>()
                ),
            ]);
        }
    }
    print!("{}", t.render());
    if !summary.holders.is_empty() {
        println!("\nper rights holder (files holding its works, by its answer):");
        let mut t = Table::new(&[
            "HOLDER",
            ">WORKS",
            ">CLEARED",
            ">LICENCE-REQUIRED",
            ">DENIED",
        ]);
        for h in &summary.holders {
            let n = |k: &str| h.files.get(k).copied().unwrap_or(0).to_string();
            t.row(vec![
                h.holder.clone(),
                h.works.to_string(),
                n("cleared"),
                n("licence-required"),
                n("denied"),
            ]);
        }
        print!("{}", t.render());
    }
    let listed: Vec<&ScanFile> = outcome
        .files
        .iter()
        .filter(|f| {
            args.all_files
                || f.verdict
                    .as_ref()
                    .is_none_or(|v| v.verdict != Verdict::Cleared)
        })
        .collect();
    for verdict in Verdict::ALL {
        let files: Vec<&&ScanFile> = listed
            .iter()
            .filter(|f| f.verdict.as_ref().is_some_and(|v| v.verdict == verdict))
            .collect();
        if files.is_empty() {
            continue;
        }
        println!("\n{verdict} ({}):", files.len());
        let mut t = Table::new(&["FILE", "WORKS", "MATCHED (SCORE, CHANCE, SPAN)", "WHY"]);
        for f in files {
            let Some(v) = &f.verdict else { continue };
            let works = v
                .works
                .iter()
                .map(|w| format!("{} ({})", w.isrc, w.verdict))
                .collect::<Vec<_>>()
                .join(", ");
            let why = match verdict {
                Verdict::LicenceRequired => {
                    let offers: Vec<String> = v
                        .works
                        .iter()
                        .flat_map(|w| w.holders.iter())
                        .filter(|h| h.verdict == Verdict::LicenceRequired)
                        .map(|h| match h.offer.as_ref().and_then(|o| o.price.as_ref()) {
                            Some(p) => format!("{} offers {p}", h.holder),
                            None => format!("{} offers a licence", h.holder),
                        })
                        .collect();
                    offers.join("; ")
                }
                Verdict::Unidentified => match declared_of(&f.path) {
                    Some(d) => match &d.reference {
                        Some(r) => format!("declared {} ({r})", d.source),
                        None => format!("declared {}", d.source),
                    },
                    None => v.reason.clone(),
                },
                _ => v.reason.clone(),
            };
            // The strength and place of each match, so that a weak one looks weak.
            let matched = f
                .matches
                .iter()
                .map(|m| {
                    let chance = m
                        .false_match_p
                        .map(|p| format!(", chance {}", fermata_index::chance_label(p)))
                        .unwrap_or_default();
                    format!(
                        "{}{chance} at {}–{}",
                        m.score,
                        crate::table::clock(m.start_s),
                        crate::table::clock(m.end_s)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            t.row(vec![f.path.clone(), works, matched, why]);
        }
        print!("{}", t.render());
    }
    println!("\nnext: fermata manifest build --scan {}", s.id);
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Subcommand)]
pub(crate) enum ManifestCommand {
    /// Writes the cleared files of a finished scan as a manifest with a Merkle root.
    #[command(
        after_help = "Example:\n  fermata manifest build --scan scan-000001 --out cleared.json"
    )]
    Build {
        /// The scan.
        #[arg(long, value_name = "SCAN_ID")]
        scan: String,
        /// Where to write it (default: HOME/manifests/ID.json).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Writes a proof that a work is, or is not, in a manifest (needs only the manifest file).
    #[command(
        after_help = "Example:\n  fermata manifest prove --manifest cleared.json --work GBAYE6900531 --out proof.json"
    )]
    Prove {
        /// The manifest file.
        #[arg(long, value_name = "FILE")]
        manifest: PathBuf,
        /// The work's ISRC.
        #[arg(long, value_name = "ISRC")]
        work: String,
        /// Write the proof here (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Checks a proof against a published root, with no database and no manifest.
    #[command(
        after_help = "Exit status: 0 when the proof holds, 1 when it does not.\n\n\
        Example:\n  fermata manifest verify-proof --proof proof.json --work GBAYE6900531 --root 3f5a...e1 --tree-size 1200"
    )]
    VerifyProof {
        /// The proof file.
        #[arg(long, value_name = "FILE")]
        proof: PathBuf,
        /// The published Merkle root (hex).
        #[arg(long, value_name = "HEX")]
        root: String,
        /// The published number of leaves, if known (it is part of the commitment).
        #[arg(long, value_name = "N")]
        tree_size: Option<u64>,
        /// The work you are asking about: the proof must be about it (recommended).
        #[arg(long, value_name = "ISRC")]
        work: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_manifest(home: Option<&Path>, cmd: ManifestCommand) -> Result<ExitCode> {
    match cmd {
        ManifestCommand::Build { scan, out, output } => {
            let (home, mut registry) = open_home(home)?;
            let actor = registry.scan(&scan)?.developer;
            let (manifest, path) =
                build_manifest(&home, &mut registry, &scan, out.as_deref(), &actor)?;
            if output.json {
                println!(
                    "{}",
                    json!({"id": manifest.id, "path": path, "scan": scan, "tree_size": manifest.merkle.tree_size, "declared": manifest.declared.len(), "root": manifest.merkle.root})
                );
            } else {
                println!(
                    "{} from {scan}: {} cleared leaf/leaves",
                    manifest.id, manifest.merkle.tree_size
                );
                println!(
                    "  {} declared file(s): source declared by the developer, listed apart, not cleared",
                    manifest.declared.len()
                );
                println!("  root  {}", manifest.merkle.root);
                println!("  file  {}", path.display());
                println!(
                    "publish the root and leaf count; `fermata manifest prove` makes proofs against them"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ManifestCommand::Prove {
            manifest,
            work,
            out,
        } => {
            let text = std::fs::read_to_string(&manifest)
                .with_context(|| format!("cannot read {}", manifest.display()))?;
            let m = Manifest::from_json(&text)
                .with_context(|| format!("{} is not a usable manifest", manifest.display()))?;
            let proof = m.prove(&work)?;
            let verdict = if proof.is_inclusion() {
                "is in"
            } else {
                "is NOT in"
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, proof.to_json())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "{work} {verdict} {} (root {}); proof written to {}",
                        m.id,
                        m.merkle.root,
                        path.display()
                    );
                }
                None => {
                    println!("{}", proof.to_json());
                    eprintln!("{work} {verdict} {} (root {})", m.id, m.merkle.root);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ManifestCommand::VerifyProof {
            proof,
            root,
            tree_size,
            work,
            output,
        } => {
            let text = std::fs::read_to_string(&proof)
                .with_context(|| format!("cannot read {}", proof.display()))?;
            let p = WorkProof::from_json(&text)
                .with_context(|| format!("{} is not a proof", proof.display()))?;
            let result = match (tree_size, &work) {
                (Some(n), _) if n != p.tree_size() => p.verify_tree_head(&root, n),
                (_, Some(w)) => p.verify_for(w, &root),
                (_, None) => p.verify(&root),
            };
            let isrc = match &p {
                WorkProof::Included { isrc, .. } | WorkProof::NotIncluded { isrc, .. } => {
                    isrc.clone()
                }
            };
            let claim = if p.is_inclusion() {
                "included"
            } else {
                "not-included"
            };
            // A version 2 or 3 proof carries the manifest's header, which the root commits to.
            let header = p.manifest_header().filter(|_| result.is_ok());
            if output.json {
                println!(
                    "{}",
                    json!({"valid": result.is_ok(), "claim": claim, "isrc": isrc, "root": root, "manifest": header, "reason": result.as_ref().err().map(ToString::to_string)})
                );
            } else {
                let of = header
                    .map(|h| {
                        format!(
                            " {} (model {} of {}, {}, {})",
                            h.id, h.scan.model, h.scan.developer, h.scan.use_, h.scan.territory
                        )
                    })
                    .unwrap_or_default();
                match &result {
                    Ok(()) if p.is_inclusion() => {
                        println!("valid: {isrc} is in the manifest{of} with root {root}")
                    }
                    Ok(()) => println!("valid: {isrc} is not in the manifest{of} with root {root}"),
                    Err(e) => println!("INVALID: {e}"),
                }
            }
            Ok(if result.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
