//! `fermata`: the command-line door onto fermata's libraries. Parsing, printing and exit codes
//! live here; everything else is a call into `fermata-engine` and `fermata-index`.

mod demo;
mod index_cmd;
mod table;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by Ctrl-C: long jobs stop starting new work, save what is done, and exit.
pub(crate) static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[derive(Parser)]
#[command(
    name = "fermata",
    version,
    about = "Permission-first music identification for AI training data",
    long_about = "fermata identifies registered sound recordings by their sound alone, so that \
                  nothing of a work goes into AI training without its rights holder's permission.",
    after_help = "Examples:\n  fermata demo\n  fermata index add --index ./idx ~/catalogue\n  \
                  fermata identify --index ./idx clip.mp3"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds an index from generated example recordings and identifies degraded excerpts.
    #[command(after_help = "Example:\n  fermata demo            # in a temporary directory\n  \
                            fermata demo --dir ./demo --json")]
    Demo(demo::DemoArgs),
    /// Builds and inspects a fingerprint index.
    #[command(subcommand)]
    Index(index_cmd::IndexCommand),
    /// Finds registered recordings in audio files, with where they occur.
    #[command(after_help = "Examples:\n  fermata identify --index ./idx clip.mp3 mix.ogg\n  \
                            fermata identify --index ./idx --json clips/*.wav > matches.ndjson\n\n\
                            Exit status: 0 when every file was read (matched or not), 1 when any \
                            file could not be read.")]
    Identify(index_cmd::IdentifyArgs),
}

/// Options shared by the commands that print results.
#[derive(clap::Args, Clone, Copy)]
pub(crate) struct OutputArgs {
    /// Print JSON for machines instead of a table for people.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The `--index DIR` argument.
#[derive(clap::Args, Clone)]
pub(crate) struct IndexDir {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub(crate) index: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The first Ctrl-C asks the running job to stop cleanly; a second one ends the process.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: finishing the files in progress and saving; press Ctrl-C again to abort");
    });
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Index(cmd) => index_cmd::run_index(cmd),
        Command::Identify(args) => index_cmd::run_identify(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
