//! `fermata report`: transparency reports made from the registry's records.

use crate::registry_cmd::open_home;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use fermata_manifest::Manifest;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// For a rights holder: a proof for each of its works that it is, or is not, in a model's
    /// latest cleared manifest, in one file, with how to verify them.
    #[command(after_help = "Writes DIR/proofs.json (every proof) and DIR/HOW-TO-VERIFY.md; without --out, \
        prints the JSON.\nEach proof can be checked with `fermata manifest verify-proof` or with \
        docs/verify_proof.py (Python 3, standard library only).\n\nExample:\n  \
        fermata report proof --holder indie-records --model demo-model-1 --out ./proofs")]
    Proof {
        /// The rights holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The model: its latest manifest is used.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// Write the proofs and the explanation into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

pub(crate) fn run_report(home: Option<&Path>, cmd: ReportCommand) -> Result<ExitCode> {
    let ReportCommand::Proof { holder, model, out } = cmd;
    let (_home, mut registry) = open_home(home)?;
    registry.party(&holder)?;
    let mut latest = None;
    for record in registry.manifests()? {
        if registry.scan(&record.scan_id)?.model == model {
            latest = Some(record);
        }
    }
    let Some(record) = latest else {
        bail!("no cleared manifest for model '{model}': the developer builds one with `fermata manifest build --scan SCAN_ID`");
    };
    let text = std::fs::read_to_string(&record.path).with_context(|| format!("cannot read the manifest {}", record.path))?;
    let manifest = Manifest::from_json(&text).with_context(|| format!("{} is not a usable manifest", record.path))?;
    if manifest.merkle.root != record.root {
        bail!("{} has root {}, but the registry recorded {} for {}: the file was replaced", record.path, manifest.merkle.root, record.root, record.id);
    }
    let works: Vec<String> = registry.works(Some(&holder))?.into_iter().map(|w| w.isrc.to_string()).collect();
    let bundle = fermata_report::holder_proofs(&manifest, &holder, &works)?;
    let json = serde_json::to_string_pretty(&bundle)?;
    match out {
        None => println!("{json}"),
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            std::fs::write(dir.join("proofs.json"), &json).with_context(|| format!("cannot write into {}", dir.display()))?;
            std::fs::write(dir.join("HOW-TO-VERIFY.md"), bundle.explanation("proofs.json"))
                .with_context(|| format!("cannot write into {}", dir.display()))?;
            eprintln!(
                "{holder}: {} work(s) in {} of model {model}, {} not; wrote {} and HOW-TO-VERIFY.md",
                bundle.included,
                bundle.manifest,
                bundle.not_included,
                dir.join("proofs.json").display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum OutputCommand {
    /// Finds registered recordings inside generated audio: which work, where, whose.
    #[command(after_help = "Exit status: 0 when no registered recording was found in any file, 1 when one \
        was (or a file could not be read), 2 when the command could not run.\n\nExamples:\n  \
        fermata output check generated/*.wav\n  fermata output check --json song.mp3")]
    Check {
        /// Generated audio files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
}

pub(crate) fn run_output(home: Option<&Path>, cmd: OutputCommand) -> Result<ExitCode> {
    let OutputCommand::Check { files, output } = cmd;
    let (home, mut registry) = open_home(home)?;
    let checks = fermata_clearance::check_outputs(&home, &mut registry, &files)?;
    let flagged = checks.iter().any(|c| !c.matches.is_empty() || c.error.is_some());
    if output.json {
        for c in &checks {
            println!("{}", serde_json::to_string(c)?);
        }
    } else {
        let mut t = crate::table::Table::new(&["FILE", "WORK", "TITLE", "HOLDERS", "IN FILE", "IN RECORDING", ">SCORE"]);
        for c in &checks {
            let file = c.file.display().to_string();
            if let Some(e) = &c.error {
                t.row(vec![file.clone(), "error".into(), e.clone(), String::new(), String::new(), String::new(), String::new()]);
            } else if c.matches.is_empty() {
                t.row(vec![file.clone(), "no registered recording".into(), String::new(), String::new(), String::new(), String::new(), String::new()]);
            }
            for m in &c.matches {
                t.row(vec![
                    file.clone(),
                    m.isrc.clone(),
                    format!("{} — {}", m.title, m.artist),
                    m.holders.join(", "),
                    format!("{}-{}", crate::table::clock(m.start_s), crate::table::clock(m.end_s)),
                    crate::table::clock(m.reference_start_s),
                    m.score.to_string(),
                ]);
            }
        }
        print!("{}", t.render());
    }
    Ok(if flagged { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
