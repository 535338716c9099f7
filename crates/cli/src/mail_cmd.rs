//! `fermata mail`: a test mail through the configured SMTP server, and the mail queue. The
//! queue is the registry's (`fermata_registry` mail operations); composing and sending is
//! `fermata_mail`'s. `fermata serve --smtp-url` sends the queue.

use crate::OutputArgs;
use crate::registry_cmd::open_home;
use crate::table::Table;
use anyhow::{Context, Result};
use clap::Subcommand;
use fermata_registry::DeliveryStatus;
use std::path::Path;
use std::process::ExitCode;

/// The SMTP options shared by `fermata serve` and `fermata mail test`.
#[derive(clap::Args, Clone, Default)]
pub(crate) struct SmtpArgs {
    /// Send e-mail through this SMTP server: smtp://user:pass@host:port (STARTTLS required;
    /// plain only to a loopback host) or smtps://user:pass@host:port (TLS). The password is
    /// never shown.
    #[arg(
        long,
        env = "FERMATA_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) smtp_url: Option<String>,
    /// The sender of fermata's e-mail, e.g. "fermata <fermata@example.org>".
    #[arg(long, env = "FERMATA_MAIL_FROM", value_name = "ADDR")]
    pub(crate) mail_from: Option<String>,
}

impl SmtpArgs {
    /// The SMTP configuration, when --smtp-url is given (then --mail-from is needed).
    pub(crate) fn config(&self) -> Result<Option<fermata_mail::SmtpConfig>> {
        let Some(url) = &self.smtp_url else {
            return Ok(None);
        };
        let from = self
            .mail_from
            .as_deref()
            .context("--smtp-url needs --mail-from (or FERMATA_MAIL_FROM): the sender address")?;
        Ok(Some(fermata_mail::SmtpConfig::parse(url, from)?))
    }
}

#[derive(Subcommand)]
pub(crate) enum MailCommand {
    /// Sends one test e-mail through the SMTP server, to check the settings.
    #[command(
        after_help = "Examples:\n  fermata mail test --to ops@example.org --smtp-url smtp://fermata:PASS@mail.example.org:587 --mail-from fermata@example.org\n  \
        FERMATA_SMTP_URL=smtps://fermata:PASS@mail.example.org FERMATA_MAIL_FROM=fermata@example.org fermata mail test --to ops@example.org --locale fr"
    )]
    Test {
        /// Where to send it.
        #[arg(long, value_name = "ADDR")]
        to: String,
        /// Its language: en, es, fr, ko or pt.
        #[arg(long, default_value = "en", value_name = "LOCALE")]
        locale: String,
        /// The web app's address for the link in the mail.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
        #[command(flatten)]
        smtp: SmtpArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists the mail queue: pending and failed mail (--all: sent mail too), newest first.
    #[command(
        after_help = "Examples:\n  fermata mail queue\n  fermata mail queue --status failed --json"
    )]
    Queue {
        /// Only mail in this state: pending, delivered (sent) or failed.
        #[arg(long, value_name = "STATUS")]
        status: Option<DeliveryStatus>,
        /// Sent mail too.
        #[arg(long)]
        all: bool,
        /// At most this many.
        #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000))]
        limit: u64,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_mail(home: Option<&Path>, cmd: MailCommand) -> Result<ExitCode> {
    match cmd {
        MailCommand::Test {
            to,
            locale,
            public_url,
            smtp,
            output,
        } => {
            let config = smtp.config()?.context(
                "no SMTP server: give --smtp-url and --mail-from (or FERMATA_SMTP_URL and FERMATA_MAIL_FROM)",
            )?;
            let to = fermata_registry::normalise_email(&to)?;
            if !fermata_registry::LOCALES.contains(&locale.as_str()) {
                anyhow::bail!(
                    "--locale {}: one of {}",
                    locale.chars().take(16).collect::<String>(),
                    fermata_registry::LOCALES.join(", ")
                );
            }
            let mailer = fermata_mail::Mailer::new(&config, &public_url)?;
            let started = std::time::Instant::now();
            let sent = mailer.send_test(&to, &locale);
            let ms = started.elapsed().as_millis();
            if output.json {
                println!(
                    "{}",
                    serde_json::json!({"to": to, "server": mailer.describe(), "sent": sent.is_ok(),
                        "error": sent.as_ref().err().map(|e| e.to_string()), "duration_ms": ms})
                );
            } else {
                let mut t = Table::new(&["TO", "SERVER", "RESULT", "MS"]);
                t.row(vec![
                    to.clone(),
                    mailer.describe().to_string(),
                    match &sent {
                        Ok(()) => "sent".to_string(),
                        Err(e) => e.to_string(),
                    },
                    ms.to_string(),
                ]);
                print!("{}", t.render());
            }
            Ok(if sent.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        MailCommand::Queue {
            status,
            all,
            limit,
            output,
        } => {
            let (_home, mut registry) = open_home(home)?;
            let mut mails = registry.mail_queue(status, limit as usize)?;
            if status.is_none() && !all {
                mails.retain(|m| m.status != DeliveryStatus::Delivered);
            }
            if output.json {
                println!("{}", serde_json::to_string(&mails)?);
            } else {
                let mut t = Table::new(&[
                    "ID",
                    "TO",
                    "EVENT",
                    "STATUS",
                    "ATTEMPTS",
                    "NEXT",
                    "LAST ERROR",
                ]);
                for m in &mails {
                    t.row(vec![
                        m.id.clone(),
                        m.to.clone(),
                        m.event_type.to_string(),
                        m.status.to_string(),
                        m.attempts.to_string(),
                        m.next_attempt_at.clone().unwrap_or_default(),
                        m.last_error.clone().unwrap_or_default(),
                    ]);
                }
                print!("{}", t.render());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
