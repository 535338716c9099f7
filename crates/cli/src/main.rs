//! `fermata`: the command-line door onto fermata's libraries. Parsing, printing and exit codes
//! live here; everything else is a call into `fermata-registry`, `fermata-clearance`,
//! `fermata-manifest`, `fermata-engine` and `fermata-index`.
//!
//! When whatever reads stdout goes away (`fermata work list | head`), the program stops
//! quietly with exit status 141, the status shells give a program killed by SIGPIPE (so
//! `set -o pipefail` scripts see the output was cut short, as with `yes | head`): no panic
//! message, no error line.

mod certificate_cmd;
mod clearance_cmd;
mod demo;
mod index_cmd;
mod mail_cmd;
mod market_cmd;
mod registry_cmd;
mod report_cmd;
mod table;
mod user_cmd;
mod webhook_cmd;

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
                  nothing of a work goes into AI training without its rights holder's permission.\n\n\
                  Rights holders register their catalogue and say, per work and per use, deny, \
                  licence-required or allow (nothing set means deny). AI developers scan a training \
                  dataset, get a verdict for every file, and publish a Merkle-rooted manifest of \
                  what was cleared. Every change is kept in a tamper-evident audit log.",
    after_help = "A label's first ten minutes:\n  \
                  fermata init                                     # creates the registry (see --home)\n  \
                  fermata party add indie-records --kind label --name \"Indie Records\"\n  \
                  fermata catalog import --holder indie-records catalogue.csv --audio ./masters\n  \
                  fermata policy set --holder indie-records --use train-genai --decision licence-required \\\n      \
                  --price per-work:250.00:EUR\n  \
                  fermata licence grant --holder indie-records --developer acme-ai --use train-genai --all-works\n  \
                  fermata audit log --work GBAYE6900531\n\n\
                  An AI developer:\n  \
                  fermata scan ./dataset --developer acme-ai --model my-model --use train-genai --territory DE\n  \
                  fermata manifest build --scan scan-000001\n\n\
                  Try it all on generated music: fermata demo\n\n\
                  Exit status 141: stdout was closed early (e.g. `fermata work list | head`); \
                  the output was cut short."
)]
struct Cli {
    /// The registry's home directory (holds registry.sqlite and the index). Default: the
    /// platform's data directory, e.g. ~/.local/share/fermata.
    #[arg(long, global = true, env = "FERMATA_HOME", value_name = "DIR")]
    home: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the whole flow on generated music: registry, catalogue, policies, scan, manifest.
    #[command(
        after_help = "Example:\n  fermata demo            # in a temporary directory\n  \
                            fermata demo --dir ./demo --json"
    )]
    Demo(demo::DemoArgs),
    /// Creates the registry home (database and index).
    #[command(after_help = "Examples:\n  fermata init\n  fermata --home ./registry init")]
    Init(registry_cmd::InitArgs),
    /// Adds and lists rights holders and AI developers.
    #[command(subcommand)]
    Party(registry_cmd::PartyCommand),
    /// Imports a holder's catalogue (CSV or DDEX ERN 4.x) with its audio.
    #[command(subcommand, visible_alias = "catalogue")]
    Catalog(clearance_cmd::CatalogCommand),
    /// Lists and shows registered works.
    #[command(subcommand)]
    Work(registry_cmd::WorkCommand),
    /// Sets and shows what holders say to each use of their works.
    #[command(subcommand)]
    Policy(registry_cmd::PolicyCommand),
    /// Grants, revokes and lists licences.
    #[command(subcommand, visible_alias = "license")]
    Licence(registry_cmd::LicenceCommand),
    /// Checks a training dataset: a verdict for every file (cleared, licence-required, denied, ...).
    #[command(
        after_help = "Verdicts: cleared (licence or allow policy), licence-required (with the \
        terms on offer),\ndenied (reserved, or nothing set), unidentified (no registered recording \
        found; never\ncounted as cleared), error (unreadable). A file holding several works is \
        cleared only if\nall of them are.\n\n\
        Interrupt with Ctrl-C at any time (or lose the process): the same command resumes the scan\n\
        without redoing finished files.\n\n\
        Examples:\n  fermata scan ./dataset --developer acme-ai --model my-model --use train-genai --territory DE\n  \
        fermata scan --list\n  fermata scan --show scan-000001 --json"
    )]
    Scan(clearance_cmd::ScanArgs),
    /// Builds cleared manifests and proves that a work is or is not in one.
    #[command(subcommand)]
    Manifest(clearance_cmd::ManifestCommand),
    /// Checks the tamper-evident audit log and shows the history of a work.
    #[command(subcommand)]
    Audit(registry_cmd::AuditCommand),
    /// Runs the HTTP API (JSON under /v1, OpenAPI at /v1/openapi.json) on the registry home.
    #[command(
        after_help = "Clients authenticate with keys from `fermata key create`.\n\nHTTPS: give a certificate and \
        its key with --tls-cert and --tls-key (PEM files; a free certificate for a public host name comes from \
        Let's Encrypt with an ACME client such as certbot: `certbot certonly --standalone -d fermata.example.org` \
        writes fullchain.pem and privkey.pem under /etc/letsencrypt/live/). The web app's cookies are then \
        marked Secure. Behind a reverse proxy that terminates TLS (Caddy, nginx), serve plain HTTP on loopback \
        instead and pass --secure-cookies and --public-url.\n\nExamples:\n  \
        fermata serve --listen 127.0.0.1:8080\n  fermata --home ./registry serve --listen 0.0.0.0:8443 --log-json\n  \
        fermata serve --listen 0.0.0.0:443 --tls-cert fullchain.pem --tls-key privkey.pem\n  \
        fermata serve --listen 127.0.0.1:8080 --secure-cookies --public-url https://fermata.example.org"
    )]
    Serve(market_cmd::ServeArgs),
    /// Makes, lists and revokes API keys for the HTTP API.
    #[command(subcommand)]
    Key(market_cmd::KeyCommand),
    /// Adds and lists the people who sign in to the web app; prints password-reset links.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// Publishes, lists and withdraws a holder's standing offers.
    #[command(subcommand)]
    Offer(market_cmd::OfferCommand),
    /// Asks holders for licences, and lists requests.
    #[command(subcommand)]
    Request(market_cmd::RequestCommand),
    /// Approves or refuses one line of a licence request (approval makes the licence).
    #[command(
        after_help = "Examples:\n  fermata decide req-000001 --line 2 --holder indie-records --approve\n  \
        fermata decide req-000001 --line 3 --holder indie-records --refuse --reason \"not for voice models\"\n  \
        fermata decide req-000001 --line 4,5,7 --holder indie-records --approve\n  \
        fermata decide req-000001 --all --holder indie-records --approve"
    )]
    Decide(market_cmd::DecideArgs),
    /// Reports what a training run used, and lists reports.
    #[command(subcommand)]
    Usage(market_cmd::UsageCommand),
    /// Splits a pool of money over reported usage: what each holder is owed, to the cent.
    #[command(subcommand)]
    Statement(market_cmd::StatementCommand),
    /// Transparency reports: proofs for a rights holder of what a model was trained on.
    #[command(subcommand)]
    Report(report_cmd::ReportCommand),
    /// Checks generated audio for registered recordings it copies.
    #[command(subcommand)]
    Output(report_cmd::OutputCommand),
    /// Writes a holder's reservations as TDMRep / AI-preferences files, and reads such files.
    #[command(subcommand)]
    Reservations(report_cmd::ReservationsCommand),
    /// Certificates of clean training: issues, verifies and lists them; the issuer's key.
    #[command(subcommand)]
    Certificate(certificate_cmd::CertificateCommand),
    /// Builds and inspects a fingerprint index.
    #[command(subcommand)]
    Index(index_cmd::IndexCommand),
    /// Finds registered recordings in audio files, with where they occur.
    #[command(
        after_help = "Examples:\n  fermata identify --index ./idx clip.mp3 mix.ogg\n  \
                            fermata identify --index ./idx --json clips/*.wav > matches.ndjson\n\n\
                            Exit status: 0 when every file was read (matched or not), 1 when any \
                            file could not be read."
    )]
    Identify(index_cmd::IdentifyArgs),
    /// Tells parties by webhook when something needs them: endpoints, delivery log, replays.
    #[command(subcommand)]
    Webhook(webhook_cmd::WebhookCommand),
    /// E-mail: a test mail through the SMTP server, and the mail queue (`serve --smtp-url` sends it).
    #[command(subcommand)]
    Mail(mail_cmd::MailCommand),
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

/// The exit status when stdout's reader has gone: 128 + SIGPIPE, as shells report it.
const CLOSED_PIPE_EXIT: i32 = 141;

/// True for the panic `println!` raises when stdout is a pipe whose reader has gone.
fn is_closed_stdout_panic(message: &str) -> bool {
    let Some(error) = message.strip_prefix("failed printing to stdout: ") else {
        return false;
    };
    // The message ends with the OS error's text; compare with the broken-pipe errors' own.
    #[cfg(unix)]
    const BROKEN_PIPE_CODES: &[i32] = &[32]; // EPIPE on Linux, macOS and the BSDs
    #[cfg(windows)]
    const BROKEN_PIPE_CODES: &[i32] = &[109, 232]; // ERROR_BROKEN_PIPE, ERROR_NO_DATA
    #[cfg(not(any(unix, windows)))]
    const BROKEN_PIPE_CODES: &[i32] = &[];
    BROKEN_PIPE_CODES
        .iter()
        .any(|&code| error == std::io::Error::from_raw_os_error(code).to_string())
}

/// Rust ignores SIGPIPE, so a write to a closed stdout fails with EPIPE and `println!` panics:
/// such a panic ends the process quietly with [`CLOSED_PIPE_EXIT`]; every other panic is
/// reported as before.
fn exit_quietly_on_closed_stdout() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied());
        if message.is_some_and(is_closed_stdout_panic) {
            std::process::exit(CLOSED_PIPE_EXIT);
        }
        report(info);
    }));
}

fn main() -> ExitCode {
    exit_quietly_on_closed_stdout();
    let cli = Cli::parse();
    // The first Ctrl-C asks the running job to stop cleanly; a second one ends the process.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupted: finishing the files in progress and saving; press Ctrl-C again to abort"
        );
    });
    let home = cli.home.as_deref();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Init(args) => registry_cmd::run_init(home, args),
        Command::Party(cmd) => registry_cmd::run_party(home, cmd),
        Command::Catalog(cmd) => clearance_cmd::run_catalog(home, cmd),
        Command::Work(cmd) => registry_cmd::run_work(home, cmd),
        Command::Policy(cmd) => registry_cmd::run_policy(home, cmd),
        Command::Licence(cmd) => registry_cmd::run_licence(home, cmd),
        Command::Scan(args) => clearance_cmd::run_scan_cmd(home, args),
        Command::Manifest(cmd) => clearance_cmd::run_manifest(home, cmd),
        Command::Audit(cmd) => registry_cmd::run_audit(home, cmd),
        Command::Serve(args) => market_cmd::run_serve(home, args),
        Command::Key(cmd) => market_cmd::run_key(home, cmd),
        Command::User(cmd) => user_cmd::run_user(home, cmd),
        Command::Offer(cmd) => market_cmd::run_offer(home, cmd),
        Command::Request(cmd) => market_cmd::run_request(home, cmd),
        Command::Decide(args) => market_cmd::run_decide(home, args),
        Command::Usage(cmd) => market_cmd::run_usage(home, cmd),
        Command::Statement(cmd) => market_cmd::run_statement(home, cmd),
        Command::Report(cmd) => report_cmd::run_report(home, cmd),
        Command::Output(cmd) => report_cmd::run_output(home, cmd),
        Command::Reservations(cmd) => report_cmd::run_reservations(home, cmd),
        Command::Certificate(cmd) => certificate_cmd::run_certificate(home, cmd),
        Command::Index(cmd) => index_cmd::run_index(cmd),
        Command::Identify(args) => index_cmd::run_identify(args),
        Command::Webhook(cmd) => webhook_cmd::run_webhook(home, cmd),
        Command::Mail(cmd) => mail_cmd::run_mail(home, cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
