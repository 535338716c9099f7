//! `fermata serve`, `key`, `offer`, `request`, `decide`, `usage` and `statement`: the
//! marketplace from the command line, calling the same registry functions as the HTTP API.

use crate::registry_cmd::open_home;
use crate::table::Table;
use crate::{INTERRUPTED, OutputArgs};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fermata_registry::{
    Isrc, LicenceRequest, Money, OfferDraft, Price, RemunerationModel, RequestDraft, Role,
    Statement, StatementFormat, Territory, UsageDraft, Use, parse_territories,
    territories_to_string,
};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: std::net::SocketAddr,
    /// Write logs as JSON lines (for log collectors) instead of text.
    #[arg(long)]
    log_json: bool,
    /// Most connections held at once; at the cap a new one displaces the oldest idle one.
    #[arg(long, default_value_t = fermata_server::MAX_CONNECTIONS as u64, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
    /// Seconds a client may take to send a request's headers; also how long a kept-alive
    /// connection may idle.
    #[arg(long, default_value_t = fermata_server::HEADER_READ_TIMEOUT.as_secs(), value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds a request body may take to arrive whole.
    #[arg(long, default_value_t = fermata_server::BODY_READ_TIMEOUT.as_secs(), value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout: u64,
    /// The address people reach the web app at (e.g. https://fermata.example.org), used in the
    /// one-time links shown to administrators.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Mark the web app's cookies `Secure`: set this when a TLS reverse proxy serves fermata
    /// over HTTPS (implied by --tls-cert).
    #[arg(long)]
    secure_cookies: bool,
    /// Serve HTTPS with this certificate chain: a PEM file with the server's certificate first,
    /// then any intermediates (e.g. Let's Encrypt's fullchain.pem). Needs --tls-key.
    #[arg(long, value_name = "CERT.pem", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert, as an unencrypted PEM file (e.g. Let's Encrypt's
    /// privkey.pem). Needs --tls-cert.
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Seconds between webhook delivery passes (queue deliveries for new events, send what is
    /// due; licences about to expire are announced hourly).
    #[arg(long, default_value_t = 5, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    webhook_interval: u64,
    /// Also deliver webhooks to loopback and private-network addresses (receivers inside your
    /// own network, a local relay); by default only public addresses are reached.
    #[arg(long)]
    webhook_allow_private: bool,
    #[command(flatten)]
    smtp: crate::mail_cmd::SmtpArgs,
    /// Seconds between mail passes (queue mail for new events, send what is due); only with
    /// --smtp-url.
    #[arg(long, default_value_t = 5, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    mail_interval: u64,
}

impl ServeArgs {
    /// The defaults, listening on `listen` (for `fermata demo --serve`).
    pub(crate) fn on(listen: std::net::SocketAddr) -> ServeArgs {
        ServeArgs {
            listen,
            log_json: false,
            max_connections: fermata_server::MAX_CONNECTIONS as u64,
            header_timeout: fermata_server::HEADER_READ_TIMEOUT.as_secs(),
            body_timeout: fermata_server::BODY_READ_TIMEOUT.as_secs(),
            public_url: None,
            secure_cookies: false,
            tls_cert: None,
            tls_key: None,
            webhook_interval: 5,
            webhook_allow_private: false,
            smtp: crate::mail_cmd::SmtpArgs::default(),
            mail_interval: 5,
        }
    }
}

pub(crate) fn run_serve(home: Option<&Path>, args: ServeArgs) -> Result<ExitCode> {
    let (home, registry) = open_home(home)?;
    let scheme = if args.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    serve_home(&home, registry, args, |addr| {
        eprintln!("listening on {scheme}://{addr} (web app at /, API at /v1)")
    })
}

/// Serves the API and the web app over `registry` until Ctrl-C or SIGTERM.
pub(crate) fn serve_home(
    home: &fermata_clearance::Home,
    registry: fermata_registry::Registry,
    args: ServeArgs,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> Result<ExitCode> {
    // The certificate issuer's key, when made but not yet recorded (made before the registry
    // had a party), is published before the first request: GET /v1/certificates/key answers.
    // With no key, the first certificate issued from the API or the web app makes it.
    // A key file that cannot be read does not stop the server: issuing says why when asked.
    match fermata_certificate::publish_home_key(&mut home.registry()?, home.dir(), "fermata serve")
    {
        Ok(Some(fermata_certificate::KeyPublished::Recorded)) => {
            eprintln!("published the certificate issuer key")
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: the certificate issuer key is not published: {e}"),
    }
    let i18n = std::sync::Arc::new(
        fermata_web::i18n::I18n::load().context("the web app's messages do not load")?,
    );
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(fermata_server::tls_config(cert, key)?),
        _ => None,
    };
    // E-mail, when --smtp-url is given: links in mail point at --public-url (or, without it,
    // at the listening address, which is right only for people on this machine).
    let mailer = match args.smtp.config()? {
        Some(config) => {
            let scheme = if tls.is_some() { "https" } else { "http" };
            let base = args
                .public_url
                .clone()
                .unwrap_or_else(|| format!("{scheme}://{}", args.listen));
            Some(std::sync::Arc::new(fermata_mail::Mailer::new(
                &config, &base,
            )?))
        }
        None => None,
    };
    let web_config = fermata_web::WebConfig {
        // Over HTTPS the browser sends Secure cookies back; over plain HTTP it would not.
        secure_cookies: args.secure_cookies || tls.is_some(),
        public_url: args.public_url.clone(),
        home: Some(home.dir().to_path_buf()),
        mailer: mailer.clone(),
    };
    let home_dir = home.dir().to_path_buf();
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false);
    if args.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Webhook deliveries: a thread with its own registry connection, stopped with the server.
    let webhooks = fermata_clearance::webhooks::Worker::spawn(
        home.registry()?,
        crate::webhook_cmd::reach(args.webhook_allow_private),
        std::time::Duration::from_secs(args.webhook_interval),
        std::time::Duration::from_secs(3600),
        |outcome| match outcome {
            Ok(r) => tracing::info!(
                expiring = r.expiring,
                queued = r.enqueued.deliveries,
                attempted = r.attempted,
                delivered = r.delivered,
                "webhook deliveries"
            ),
            Err(e) => tracing::warn!("webhook deliveries: {e}"),
        },
    )?;
    // Mail: a thread with its own registry connection, only when SMTP is configured (without
    // it nothing is queued: see docs/email.md).
    let mail = match &mailer {
        Some(m) => {
            tracing::info!(
                server = m.describe(),
                links = m.base_url(),
                "e-mail notifications on"
            );
            Some(fermata_mail::Worker::spawn(
                home.registry()?,
                m.clone(),
                std::time::Duration::from_secs(args.mail_interval),
                |outcome| match outcome {
                    Ok(r) => tracing::info!(
                        queued = r.enqueued.mails,
                        attempted = r.attempted,
                        sent = r.sent,
                        pruned = r.enqueued.pruned,
                        "mail"
                    ),
                    Err(e) => tracing::warn!("mail: {e}"),
                },
            )?)
        }
        None => None,
    };
    let served = runtime.block_on(async {
        let shutdown = async {
            #[cfg(unix)]
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            loop {
                #[cfg(unix)]
                if let Some(t) = term.as_mut() {
                    tokio::select! {
                        _ = t.recv() => break,
                        _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {}
                    }
                } else {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                #[cfg(not(unix))]
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                if INTERRUPTED.load(Ordering::SeqCst) {
                    break;
                }
            }
            tracing::info!("shutting down: finishing requests in flight");
        };
        let config = fermata_server::ServeConfig {
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            header_read_timeout: std::time::Duration::from_secs(args.header_timeout),
            body_read_timeout: std::time::Duration::from_secs(args.body_timeout),
            tls,
            home: Some(home_dir),
            ..Default::default()
        };
        fermata_server::serve_with(
            registry,
            args.listen,
            &config,
            shutdown,
            on_ready,
            |state| fermata_web::app(state, web_config, i18n),
        )
        .await
    });
    webhooks.stop();
    if let Some(m) = mail {
        m.stop();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum KeyCommand {
    /// Makes an API key for a party and prints its secret once (it is stored only hashed).
    #[command(
        after_help = "Roles: holder-admin (publish offers, decide requests, revoke licences), holder-viewer \
        (read only), developer (request licences, report usage, issue statements), auditor (read the audit log \
        and published records).\n\nExamples:\n  fermata key create --party indie-records --role holder-admin\n  \
        fermata key create --party acme-ai --role developer --json"
    )]
    Create {
        /// The party the key acts for.
        #[arg(long, value_name = "ID")]
        party: String,
        /// holder-admin, holder-viewer, developer or auditor.
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists keys (never their secrets).
    #[command(after_help = "Example:\n  fermata key list")]
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Revokes a key at once.
    #[command(after_help = "Example:\n  fermata key revoke key-000003")]
    Revoke {
        /// The key's id (from `fermata key list`).
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_key(home: Option<&Path>, cmd: KeyCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        KeyCommand::Create {
            party,
            role,
            output,
        } => {
            let made = registry.create_key(&party, role, "cli")?;
            if output.json {
                print_json(&made)?;
            } else {
                println!("{}", made.secret);
                eprintln!(
                    "{} for {party} ({role}). This secret is shown once; send it as `Authorization: Bearer SECRET`.",
                    made.key.id
                );
            }
        }
        KeyCommand::List { output } => {
            let keys = registry.keys()?;
            if output.json {
                print_json(&keys)?;
            } else {
                let mut t = Table::new(&["ID", "PARTY", "ROLE", "CREATED", "STATUS"]);
                for k in &keys {
                    let status = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    t.row(vec![
                        k.id.clone(),
                        k.party.clone(),
                        k.role.to_string(),
                        k.created_at.clone(),
                        status.into(),
                    ]);
                }
                print!("{}", t.render());
            }
        }
        KeyCommand::Revoke { id, output } => {
            let key = registry.revoke_key(&id, "cli")?;
            if output.json {
                print_json(&key)?;
            } else {
                println!("revoked {id} ({} {})", key.party, key.role);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum OfferCommand {
    /// Publishes standing terms for some works (or the whole catalogue), one use and territories.
    #[command(
        after_help = "Price: MODEL:AMOUNT:CURRENCY with MODEL per-work, per-hour or pool-share \
        (pool-share:0:EUR: paid from statement pools).\nWith --auto-accept, requests under the offer are approved \
        at once; otherwise a person decides each (fermata decide).\n\nExamples:\n  \
        fermata offer publish --holder indie-records --use train-genai --price per-work:250.00:EUR --term-months 12\n  \
        fermata offer publish --holder indie-records --work GBAYE6900531 --use train-ai --price pool-share:0:EUR --auto-accept"
    )]
    Publish {
        /// The holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// A work (repeatable; none: the whole catalogue).
        #[arg(long = "work", value_name = "ISRC")]
        works: Vec<Isrc>,
        /// The use.
        #[arg(long = "use", value_name = "USE")]
        use_: Use,
        /// Where, e.g. DE,FR (default: everywhere).
        #[arg(long, value_name = "LIST")]
        territories: Option<String>,
        /// The price.
        #[arg(long, value_name = "PRICE")]
        price: Price,
        /// The licence term in months.
        #[arg(long, value_name = "N")]
        term_months: Option<u32>,
        /// Approve requests under this offer at once.
        #[arg(long)]
        auto_accept: bool,
        /// How a pool-share price is divided in statements: pro-rata or equal-split.
        #[arg(long, value_name = "MODEL", default_value = "pro-rata")]
        remuneration: RemunerationModel,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists standing offers.
    #[command(after_help = "Example:\n  fermata offer list --holder indie-records --all")]
    List {
        /// Only this holder's.
        #[arg(long, value_name = "ID")]
        holder: Option<String>,
        /// Include withdrawn offers.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Withdraws an offer (requests made under it keep their lines).
    #[command(after_help = "Example:\n  fermata offer withdraw off-000001 --holder indie-records")]
    Withdraw {
        /// The offer.
        id: String,
        /// The holder that published it.
        #[arg(long, value_name = "ID")]
        holder: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn offer_table(offers: &[fermata_registry::Offer]) -> Table {
    let mut t = Table::new(&[
        "ID",
        "HOLDER",
        "WORKS",
        "USE",
        "TERRITORIES",
        "PRICE",
        "TERM",
        "AUTO",
        "STATUS",
        "REMUNERATION",
    ]);
    for o in offers {
        let works = if o.works.is_empty() {
            "catalogue".into()
        } else {
            o.works
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        t.row(vec![
            o.id.clone(),
            o.holder.clone(),
            works,
            o.use_.to_string(),
            territories_to_string(&o.territories),
            o.price.to_string(),
            o.term_months.map_or("-".into(), |m| format!("{m} months")),
            if o.auto_accept {
                "yes".into()
            } else {
                "no".into()
            },
            if o.withdrawn_at.is_some() {
                "withdrawn".into()
            } else {
                "standing".into()
            },
            o.remuneration.to_string(),
        ]);
    }
    t
}

pub(crate) fn run_offer(home: Option<&Path>, cmd: OfferCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        OfferCommand::Publish {
            holder,
            works,
            use_,
            territories,
            price,
            term_months,
            auto_accept,
            remuneration,
            output,
        } => {
            let territories = territories
                .as_deref()
                .map(parse_territories)
                .transpose()?
                .unwrap_or_default();
            let draft = OfferDraft {
                holder: holder.clone(),
                works,
                use_,
                territories,
                price,
                term_months,
                auto_accept,
                remuneration,
            };
            let offer = registry.publish_offer(draft, &holder)?;
            if output.json {
                print_json(&offer)?;
            } else {
                print!("{}", offer_table(std::slice::from_ref(&offer)).render());
            }
        }
        OfferCommand::List {
            holder,
            all,
            output,
        } => {
            let offers = registry.offers(holder.as_deref(), all)?;
            if output.json {
                print_json(&offers)?;
            } else {
                print!("{}", offer_table(&offers).render());
            }
        }
        OfferCommand::Withdraw { id, holder, output } => {
            let offer = registry.withdraw_offer(&id, &holder, &holder)?;
            if output.json {
                print_json(&offer)?;
            } else {
                println!("withdrew {id}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum RequestCommand {
    /// Asks holders for licences: for named works, or for a scan's licence-required results.
    #[command(
        after_help = "Examples:\n  fermata request create --developer acme-ai --scan scan-000001 --use train-genai \\\n      \
        --model my-model --territories DE --from 2026-01-01 --term-months 12\n  \
        fermata request create --developer acme-ai --work GBAYE6900531 --use train-ai --model tagger --from 2026-01-01"
    )]
    Create {
        /// The developer.
        #[arg(long, value_name = "ID")]
        developer: String,
        /// A work (repeatable).
        #[arg(long = "work", value_name = "ISRC")]
        works: Vec<Isrc>,
        /// Or: a finished scan whose licence-required works to ask for.
        #[arg(long, value_name = "SCAN_ID")]
        scan: Option<String>,
        /// The use.
        #[arg(long = "use", value_name = "USE")]
        use_: Use,
        /// The model the licences are for.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// Where, e.g. DE,FR (default: everywhere).
        #[arg(long, value_name = "LIST")]
        territories: Option<String>,
        /// First day (default today).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day.
        #[arg(long, value_name = "DATE", conflicts_with = "term_months")]
        to: Option<String>,
        /// Or the term in months.
        #[arg(long, value_name = "N")]
        term_months: Option<u32>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists requests (all, or those of one party: its own, or the lines it decides).
    #[command(
        after_help = "Examples:\n  fermata request list --party indie-records\n  fermata request list --party indie-records --status pending"
    )]
    List {
        /// Only this party's.
        #[arg(long, value_name = "ID")]
        party: Option<String>,
        /// Only lines in this state: pending, approved or refused.
        #[arg(long, value_name = "STATUS")]
        status: Option<fermata_registry::LineStatus>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn request_table(requests: &[LicenceRequest]) -> Table {
    let mut t = Table::new(&[
        "REQUEST",
        ">LINE",
        "DEVELOPER",
        "MODEL",
        "WORK",
        "HOLDER",
        "USE",
        "WHERE",
        "FROM",
        "TO",
        "OFFER",
        "STATUS",
        "LICENCE",
        "REASON",
    ]);
    for r in requests {
        let territories = if r.territories.is_empty() {
            "everywhere".to_string()
        } else {
            territories_to_string(&r.territories)
        };
        for l in &r.lines {
            t.row(vec![
                r.id.clone(),
                l.line.to_string(),
                r.developer.clone(),
                r.model.clone(),
                l.isrc.to_string(),
                l.holder.clone(),
                r.use_.to_string(),
                territories.clone(),
                r.valid_from.clone(),
                r.valid_to.clone().unwrap_or_else(|| "no end".into()),
                l.offer.clone().unwrap_or_default(),
                l.status.to_string(),
                l.licence.clone().unwrap_or_default(),
                l.reason.clone().unwrap_or_default(),
            ]);
        }
    }
    t
}

fn left_out_notes(request: &LicenceRequest) {
    for l in &request.left_out {
        eprintln!("left out: {} from {}: {}", l.isrc, l.holder, l.reason);
    }
}

pub(crate) fn run_request(home: Option<&Path>, cmd: RequestCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        RequestCommand::Create {
            developer,
            works,
            scan,
            use_,
            model,
            territories,
            from,
            to,
            term_months,
            output,
        } => {
            if works.is_empty() && scan.is_none() {
                bail!("name works with --work ISRC (repeatable) or a scan with --scan SCAN_ID");
            }
            let draft = RequestDraft {
                developer: developer.clone(),
                use_,
                model,
                territories: territories
                    .as_deref()
                    .map(parse_territories)
                    .transpose()?
                    .unwrap_or_default(),
                valid_from: from.unwrap_or_else(fermata_registry::audit::today),
                valid_to: to,
                term_months,
                works,
                scan,
            };
            let request = registry.request_licences(draft, &developer)?;
            if output.json {
                print_json(&request)?;
            } else {
                print!("{}", request_table(std::slice::from_ref(&request)).render());
                left_out_notes(&request);
                let count = |st: fermata_registry::LineStatus| {
                    request.lines.iter().filter(|l| l.status == st).count()
                };
                eprintln!(
                    "{}: {} line(s): {} waiting for the holders, {} approved, {} refused",
                    request.id,
                    request.lines.len(),
                    count(fermata_registry::LineStatus::Pending),
                    count(fermata_registry::LineStatus::Approved),
                    count(fermata_registry::LineStatus::Refused)
                );
            }
        }
        RequestCommand::List {
            party,
            status,
            output,
        } => {
            let requests = registry.requests_visible_to(party.as_deref(), status)?;
            if output.json {
                print_json(&requests)?;
            } else {
                print!("{}", request_table(&requests).render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub(crate) struct DecideArgs {
    /// The request.
    request: String,
    /// A line to decide (repeatable, or N,M,...).
    #[arg(
        long,
        value_name = "N",
        value_delimiter = ',',
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    line: Vec<u32>,
    /// Every line of the request still pending for this holder.
    #[arg(long)]
    all: bool,
    /// The holder deciding (the line's holder).
    #[arg(long, value_name = "ID")]
    holder: String,
    /// Approve: a licence is made.
    #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
    approve: bool,
    /// Refuse.
    #[arg(long)]
    refuse: bool,
    /// Why (shown to the developer).
    #[arg(long)]
    reason: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run_decide(home: Option<&Path>, args: DecideArgs) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    let request = registry.decide_lines(
        &args.request,
        &args.line,
        &args.holder,
        args.approve,
        args.reason.as_deref(),
        &args.holder,
    )?;
    if args.output.json {
        print_json(&request)?;
    } else {
        let mut shown = request.clone();
        shown.lines.retain(|l| {
            l.holder == args.holder && (args.line.is_empty() || args.line.contains(&l.line))
        });
        print!("{}", request_table(&[shown]).render());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum UsageCommand {
    /// Reports what a training run used: works and seconds of each.
    #[command(
        after_help = "Examples:\n  fermata usage report --developer acme-ai --model my-model --run run-7 --territory DE \\\n      \
        --scan scan-000001 --manifest manifest-000001 --work GBAYE6900531=3600 --work GBAYE6900532=1800.5"
    )]
    Report {
        /// The developer.
        #[arg(long, value_name = "ID")]
        developer: String,
        /// The model trained.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The training run.
        #[arg(long, value_name = "NAME")]
        run: String,
        /// Where the training took place.
        #[arg(long, value_name = "CODE")]
        territory: Territory,
        /// The scan that cleared the data.
        #[arg(long, value_name = "SCAN_ID")]
        scan: Option<String>,
        /// The manifest of the cleared data.
        #[arg(long, value_name = "ID")]
        manifest: Option<String>,
        /// The use made (default: the use of the scan or manifest given).
        #[arg(long = "use", value_name = "USE")]
        use_: Option<Use>,
        /// Day of the run (default today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// ISRC=SECONDS used (repeatable).
        #[arg(long = "work", value_name = "ISRC=SECONDS", required = true)]
        works: Vec<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists usage reports.
    #[command(after_help = "Example:\n  fermata usage list --developer acme-ai")]
    List {
        /// Only this developer's.
        #[arg(long, value_name = "ID")]
        developer: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_usage(home: Option<&Path>, cmd: UsageCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        UsageCommand::Report {
            developer,
            model,
            run,
            territory,
            scan,
            manifest,
            use_,
            date,
            works,
            output,
        } => {
            let used = works
                .iter()
                .map(|w| fermata_registry::parse_usage_work(w))
                .collect::<Result<Vec<_>, _>>()?;
            let draft = UsageDraft {
                developer: developer.clone(),
                model,
                run,
                scan,
                manifest,
                use_,
                territory,
                date,
                works: used,
            };
            let report = registry.report_usage(draft, &developer)?;
            if output.json {
                print_json(&report)?;
            } else {
                let hours: f64 = report
                    .lines
                    .iter()
                    .map(|l| l.milliseconds as f64 / 3.6e6)
                    .sum();
                println!(
                    "{}: {} work(s), {hours:.3} h reported for {} run {}",
                    report.id,
                    report.lines.len(),
                    report.model,
                    report.run
                );
            }
        }
        UsageCommand::List { developer, output } => {
            let reports = registry.usage_reports(developer.as_deref())?;
            if output.json {
                print_json(&reports)?;
            } else {
                let mut t = Table::new(&[
                    "ID",
                    "DEVELOPER",
                    "MODEL",
                    "RUN",
                    "DATE",
                    ">WORKS",
                    ">HOURS",
                ]);
                for r in &reports {
                    let hours: f64 = r.lines.iter().map(|l| l.milliseconds as f64 / 3.6e6).sum();
                    t.row(vec![
                        r.id.clone(),
                        r.developer.clone(),
                        r.model.clone(),
                        r.run.clone(),
                        r.date.clone(),
                        r.lines.len().to_string(),
                        format!("{hours:.3}"),
                    ]);
                }
                print!("{}", t.render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum StatementCommand {
    /// Splits a pool over a developer's reported usage in a period: what each holder is owed.
    #[command(
        after_help = "The pool is split pro rata by seconds used, then by each work's shares, in integer \
        minor units with largest-remainder rounding: the amounts sum exactly to the pool.\n\nExamples:\n  \
        fermata statement issue --developer acme-ai --from 2026-01-01 --to 2026-12-31 --pool 100000.00:EUR\n  \
        fermata statement issue --developer acme-ai --from 2026-01-01 --to 2026-03-31 --pool 999.99:EUR --csv out.csv"
    )]
    Issue {
        /// The developer whose usage and pool it is.
        #[arg(long, value_name = "ID")]
        developer: String,
        /// First day of the period.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last day of the period.
        #[arg(long, value_name = "DATE")]
        to: String,
        /// The pool: AMOUNT:CURRENCY.
        #[arg(long, value_name = "MONEY")]
        pool: Money,
        /// How the pool is divided for works whose holder's offer names no model: pro-rata or
        /// equal-split.
        #[arg(long, value_name = "MODEL", default_value = "pro-rata")]
        remuneration: RemunerationModel,
        /// Also write it as CSV here.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Shows a statement (optionally exported as CSV, JSON or a DDEX DSR flat file) and checks it
    /// against the audit log.
    #[command(
        after_help = "Examples:\n  fermata statement show stm-000001 --csv statement.csv\n  \
        fermata statement show stm-000001 --format dsr --out statement.tsv"
    )]
    Show {
        /// The statement.
        id: String,
        /// Write it as CSV here.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Export format for --out: csv, json or dsr (DDEX DSR flat file, tab-separated).
        #[arg(long, value_name = "FORMAT", default_value = "csv", requires = "out")]
        format: StatementFormat,
        /// Write the export here.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists statements (all, or as one party sees them: a developer its own, a holder only its
    /// own lines and total).
    #[command(
        after_help = "Examples:\n  fermata statement list\n  fermata statement list --party indie-records"
    )]
    List {
        /// As this party sees them.
        #[arg(long, value_name = "ID")]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn money(minor: i64, currency: &str) -> String {
    fermata_registry::format_money(minor, currency)
}

fn print_statement(s: &Statement) {
    println!(
        "{}: {} pool {} over {} to {} ({} usage report(s))",
        s.id,
        s.developer,
        s.pool,
        s.from,
        s.to,
        s.reports.len()
    );
    let mut t = Table::new(&["HOLDER", ">FEES", ">POOL PART", ">OWED"]);
    for total in &s.totals {
        t.row(vec![
            total.holder.clone(),
            money(total.fees_minor, &s.pool.currency),
            money(total.amount_minor - total.fees_minor, &s.pool.currency),
            money(total.amount_minor, &s.pool.currency),
        ]);
    }
    print!("{}", t.render());
    if !s.lines.is_empty() {
        let mut t = Table::new(&[
            "HOLDER",
            "WORK",
            "MODEL",
            ">SECONDS",
            ">SHARE",
            ">POOL PART",
        ]);
        for l in &s.lines {
            t.row(vec![
                l.holder.clone(),
                l.isrc.to_string(),
                l.model.to_string(),
                format!("{:.3}", l.milliseconds as f64 / 1000.0),
                fermata_registry::percent(l.basis_points),
                money(l.amount_minor, &s.pool.currency),
            ]);
        }
        print!("{}", t.render());
    }
    if !s.fees.is_empty() || !s.fees_not_included.is_empty() {
        let mut t = Table::new(&[
            "HOLDER",
            "WORK",
            "PRICE",
            "LICENCE",
            "OFFER",
            "TERM FROM",
            ">SECONDS",
            ">FEE",
            "INCLUDED",
        ]);
        for (f, included) in s
            .fees
            .iter()
            .map(|f| (f, true))
            .chain(s.fees_not_included.iter().map(|f| (f, false)))
        {
            t.row(vec![
                f.holder.clone(),
                f.isrc.to_string(),
                f.price.to_string(),
                f.licence.clone(),
                f.offer.clone().unwrap_or_else(|| "-".into()),
                f.term_from.clone().unwrap_or_else(|| "-".into()),
                format!("{:.3}", f.milliseconds as f64 / 1000.0),
                money(f.amount_minor, &f.price.currency),
                if included {
                    "yes".into()
                } else {
                    "no: other currency".into()
                },
            ]);
        }
        print!("{}", t.render());
    }
}

pub(crate) fn run_statement(home: Option<&Path>, cmd: StatementCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    let write_csv = |s: &Statement, path: &Option<PathBuf>| -> Result<()> {
        if let Some(p) = path {
            std::fs::write(p, s.to_csv())
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        Ok(())
    };
    match cmd {
        StatementCommand::Issue {
            developer,
            from,
            to,
            pool,
            remuneration,
            csv,
            output,
        } => {
            let s = registry.issue_statement_with(
                &developer,
                &from,
                &to,
                pool,
                remuneration,
                &developer,
            )?;
            write_csv(&s, &csv)?;
            if output.json {
                print_json(&s)?;
            } else {
                print_statement(&s);
            }
        }
        StatementCommand::Show {
            id,
            csv,
            format,
            out,
            output,
        } => {
            let s = registry.statement(&id)?;
            let reproduced = registry.recompute_statement(&id)?;
            write_csv(&s, &csv)?;
            if let Some(path) = &out {
                let text = registry.export_statement(&s, format)?;
                std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            if output.json {
                print_json(&json!({"statement": s, "reproduced_from_log": reproduced}))?;
            } else {
                print_statement(&s);
                println!(
                    "recomputed from the audit log: {}",
                    if reproduced { "identical" } else { "DIFFERENT" }
                );
            }
            if !reproduced {
                return Ok(ExitCode::from(1));
            }
        }
        StatementCommand::List { party, output } => {
            if let Some(p) = &party {
                registry.party(p)?;
            }
            let all = registry.statements_visible_to(party.as_deref())?;
            if output.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(&["ID", "DEVELOPER", "FROM", "TO", ">POOL", ">HOLDERS"]);
                for s in &all {
                    t.row(vec![
                        s.id.clone(),
                        s.developer.clone(),
                        s.from.clone(),
                        s.to.clone(),
                        s.pool.to_string(),
                        s.totals.len().to_string(),
                    ]);
                }
                print!("{}", t.render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
