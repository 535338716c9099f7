//! `fermata webhook`: a party's webhook endpoints, their delivery log, replays, test pings,
//! and one delivery pass for cron. The rules are the registry's; the sending is
//! `fermata_clearance::webhooks`.

use crate::registry_cmd::open_home;
use crate::table::Table;
use crate::{INTERRUPTED, OutputArgs};
use anyhow::Result;
use clap::Subcommand;
use fermata_registry::{Delivery, WebhookEndpoint, parse_event_types};
use std::path::Path;
use std::process::ExitCode;

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum WebhookCommand {
    /// Adds an endpoint for a party and prints its signing secret once.
    #[command(
        after_help = "Event types: request.received, request.decided, licence.granted, \
        licence.revoked, licence.expiring, notice.received, statement.issued, scan.finished (default: all). \
        The URL must be https (http only to a loopback address). Deliveries are POSTed as JSON with the \
        headers Fermata-Signature, Fermata-Delivery and Fermata-Event: see docs/webhooks.md.\n\n\
        Examples:\n  fermata webhook add --party indie-records --url https://hooks.indie.example/fermata\n  \
        fermata webhook add --party acme-ai --url https://ci.acme.example/hook --events licence.granted,scan.finished"
    )]
    Add {
        /// The party it tells.
        #[arg(long, value_name = "ID")]
        party: String,
        /// Where deliveries are POSTed.
        #[arg(long, value_name = "URL")]
        url: String,
        /// The event types wanted, comma-separated (default: all).
        #[arg(long, value_name = "LIST")]
        events: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists endpoints (never their secrets).
    #[command(after_help = "Example:\n  fermata webhook list --party indie-records")]
    List {
        /// Only this party's.
        #[arg(long, value_name = "ID")]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Removes an endpoint: nothing more is sent to it.
    #[command(after_help = "Example:\n  fermata webhook remove wh-000001")]
    Remove {
        /// The endpoint.
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The delivery log of an endpoint, newest first, or one delivery with its attempts.
    #[command(after_help = "Examples:\n  fermata webhook deliveries wh-000001\n  \
        fermata webhook deliveries whd-00000042     # one delivery, every attempt")]
    Deliveries {
        /// The endpoint (wh-…) or one delivery (whd-…).
        id: String,
        /// Most deliveries listed.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=1000))]
        limit: u64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Queues a delivery again, to be sent at once (same id: a receiver that has it ignores it).
    #[command(after_help = "Example:\n  fermata webhook replay whd-00000042")]
    Replay {
        /// The delivery.
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Sends a `ping` to an endpoint now and shows what it answered.
    #[command(after_help = "Example:\n  fermata webhook test wh-000001")]
    Test {
        /// The endpoint.
        id: String,
        /// Also deliver to loopback and private-network addresses (receivers inside your own
        /// network, a local relay); by default only public addresses are reached.
        #[arg(long)]
        allow_private: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One delivery pass: announce expiring licences, queue deliveries for new events, send what
    /// is due. `fermata serve` does this every few seconds; run this from cron otherwise.
    #[command(
        after_help = "Example (cron, every minute):\n  * * * * * fermata --home /srv/fermata webhook deliver"
    )]
    Deliver {
        /// Also deliver to loopback and private-network addresses (receivers inside your own
        /// network, a local relay); by default only public addresses are reached.
        #[arg(long)]
        allow_private: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// The addresses a sender may reach: `--allow-private` adds loopback and private networks.
pub(crate) fn reach(allow_private: bool) -> fermata_clearance::webhooks::Reach {
    if allow_private {
        fermata_clearance::webhooks::Reach::PrivateToo
    } else {
        fermata_clearance::webhooks::Reach::Public
    }
}

fn endpoint_table(list: &[WebhookEndpoint]) -> Table {
    let mut t = Table::new(&["ID", "PARTY", "URL", "EVENTS", "CREATED", "STATUS"]);
    for e in list {
        let events = if e.events.is_empty() {
            "all".to_string()
        } else {
            e.events
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let status = match &e.disabled_at {
            Some(at) => format!(
                "disabled {at}: {}",
                e.disabled_reason.as_deref().unwrap_or("")
            ),
            None => "active".into(),
        };
        t.row(vec![
            e.id.clone(),
            e.party.clone(),
            e.url.clone(),
            events,
            e.created_at.clone(),
            status,
        ]);
    }
    t
}

fn delivery_table(list: &[Delivery]) -> Table {
    let mut t = Table::new(&[
        "ID",
        "EVENT",
        ">SEQ",
        "STATUS",
        ">ATTEMPTS",
        "NEXT",
        "LAST",
        "CREATED",
    ]);
    for d in list {
        let last = match (d.last_status_code, &d.last_error) {
            (_, Some(e)) => e.clone(),
            (Some(c), None) => c.to_string(),
            (None, None) => String::new(),
        };
        t.row(vec![
            d.id.clone(),
            d.event_type.to_string(),
            d.event_seq.map(|s| s.to_string()).unwrap_or_default(),
            d.status.to_string(),
            d.attempts.to_string(),
            d.next_attempt_at.clone().unwrap_or_default(),
            last,
            d.created_at.clone(),
        ]);
    }
    t
}

pub(crate) fn run_webhook(home: Option<&Path>, cmd: WebhookCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        WebhookCommand::Add {
            party,
            url,
            events,
            output,
        } => {
            let events = parse_event_types(events.as_deref().unwrap_or(""))?;
            let made = registry.add_webhook(&party, &url, &events, "cli")?;
            if output.json {
                print_json(&made)?;
            } else {
                println!("{}", made.secret);
                eprintln!(
                    "{} for {party} at {}. This signing secret is shown once: keep it with the receiver, \
                     which checks Fermata-Signature with it (docs/webhooks.md).",
                    made.endpoint.id, made.endpoint.url
                );
            }
        }
        WebhookCommand::List { party, output } => {
            let list = registry.webhooks(party.as_deref())?;
            if output.json {
                print_json(&list)?;
            } else {
                print!("{}", endpoint_table(&list).render());
            }
        }
        WebhookCommand::Remove { id, output } => {
            let e = registry.remove_webhook(&id, None, "cli")?;
            if output.json {
                print_json(&e)?;
            } else {
                println!("removed {} ({} at {})", e.id, e.party, e.url);
            }
        }
        WebhookCommand::Deliveries { id, limit, output } => {
            if id.starts_with("whd-") {
                let (d, attempts) = registry.webhook_delivery(&id, None)?;
                if output.json {
                    print_json(&serde_json::json!({"delivery": d, "attempts": attempts}))?;
                } else {
                    print!("{}", delivery_table(std::slice::from_ref(&d)).render());
                    println!();
                    let mut t = Table::new(&[">ATTEMPT", "AT", ">STATUS", ">MS", "ERROR"]);
                    for a in &attempts {
                        t.row(vec![
                            a.attempt.to_string(),
                            a.at.clone(),
                            a.status_code.map(|c| c.to_string()).unwrap_or_default(),
                            a.duration_ms.to_string(),
                            a.error.clone().unwrap_or_default(),
                        ]);
                    }
                    print!("{}", t.render());
                }
            } else {
                let list = registry.webhook_deliveries(
                    &id,
                    None,
                    usize::try_from(limit).unwrap_or(1000),
                )?;
                if output.json {
                    print_json(&list)?;
                } else {
                    print!("{}", delivery_table(&list).render());
                }
            }
        }
        WebhookCommand::Replay { id, output } => {
            let d = registry.replay_webhook_delivery(&id, None)?;
            if output.json {
                print_json(&d)?;
            } else {
                println!(
                    "{} queued again: `fermata serve` sends it within seconds (or run `fermata webhook deliver`)",
                    d.id
                );
            }
        }
        WebhookCommand::Test {
            id,
            allow_private,
            output,
        } => {
            let ping = registry.ping_webhook(&id, None)?;
            let agent = fermata_clearance::webhooks::agent(reach(allow_private));
            fermata_clearance::webhooks::send_due(
                &mut registry,
                &agent,
                fermata_clearance::webhooks::PASS_LIMIT,
                &INTERRUPTED,
            )?;
            let (d, attempts) = registry.webhook_delivery(&ping.id, None)?;
            if output.json {
                print_json(&serde_json::json!({"delivery": d, "attempts": attempts}))?;
            } else {
                let answer = match (d.last_status_code, &d.last_error) {
                    (Some(c), None) => format!("it answered {c}"),
                    (_, Some(e)) => e.clone(),
                    (None, None) => "not sent yet (another sender holds it)".into(),
                };
                println!("ping {} to {id}: {} ({answer})", d.id, d.status);
            }
            if d.status != fermata_registry::DeliveryStatus::Delivered {
                return Ok(ExitCode::from(1));
            }
        }
        WebhookCommand::Deliver {
            allow_private,
            output,
        } => {
            let agent = fermata_clearance::webhooks::agent(reach(allow_private));
            let report =
                fermata_clearance::webhooks::run_pass(&mut registry, &agent, true, &INTERRUPTED)?;
            if output.json {
                print_json(&report)?;
            } else {
                println!(
                    "{} licence(s) announced as expiring; {} event(s) read, {} delivery(ies) queued; {} attempt(s), {} delivered",
                    report.expiring,
                    report.enqueued.events,
                    report.enqueued.deliveries,
                    report.attempted,
                    report.delivered
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
