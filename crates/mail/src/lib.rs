//! fermata's e-mail: the SMTP configuration (`--smtp-url`, `--mail-from`), the texts of every
//! mail in five languages (Project Fluent, `locales/*.ftl`, compiled in), and the sender of the
//! registry's mail queue.
//!
//! The registry decides who is told what and keeps the queue (`fermata_registry`'s `mail`
//! operations: the same events and recipients as webhooks); this crate composes each mail in
//! its person's language when it is sent, sends it over SMTP with bounded waits, and reports the
//! attempt back. [`Worker`] runs passes on a thread (`fermata serve --smtp-url`).

mod compose;
mod config;
mod worker;

pub use compose::{Composed, Texts};
pub use config::{Security, SmtpConfig};
pub use worker::{MailPassReport, Worker, run_pass};

use lettre::Transport;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use std::time::Duration;

/// How long one SMTP conversation may wait for the server at each step (connect, each reply).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// What can go wrong with e-mail.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL or the sender address is not usable.
    #[error("{what}: {reason}")]
    Config {
        /// Which setting.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A message could not be built (a bad address).
    #[error("cannot build the message: {0}")]
    Message(String),
    /// The SMTP server could not be reached or refused the message.
    #[error("SMTP: {0}")]
    Smtp(String),
    /// The mail texts do not load or a message is missing (a bug the tests catch).
    #[error("mail texts: {0}")]
    Texts(String),
    /// The registry failed.
    #[error(transparent)]
    Registry(#[from] fermata_registry::RegistryError),
}

/// Sends mail: an SMTP transport, the sender, the web app's address for links, and the texts.
pub struct Mailer {
    transport: lettre::SmtpTransport,
    from: Mailbox,
    base_url: String,
    texts: Texts,
    described: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mailer({})", self.described)
    }
}

impl Mailer {
    /// A mailer over `config`; links in mail point under `base_url` (the web app's public
    /// address, e.g. `https://fermata.example.org`).
    pub fn new(config: &SmtpConfig, base_url: &str) -> Result<Mailer, MailError> {
        Ok(Mailer {
            transport: config.transport()?,
            from: config.from.clone(),
            base_url: base_url.trim_end_matches('/').to_string(),
            texts: Texts::load()?,
            described: config.describe(),
        })
    }

    /// The server, as it may be shown (never the password).
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// The web app's address used in links.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The texts.
    pub fn texts(&self) -> &Texts {
        &self.texts
    }

    /// Sends one composed mail to `to`.
    pub fn send(&self, to: &str, mail: &Composed) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Message(format!("recipient: {e}")))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| MailError::Smtp(e.to_string()))
    }

    /// Sends a test mail to `to` in `locale`.
    pub fn send_test(&self, to: &str, locale: &str) -> Result<(), MailError> {
        let mail = self.texts.test(locale, &self.base_url)?;
        self.send(to, &mail)
    }

    /// Sends a password-reset link to `to` in `locale` (the link is not kept anywhere else).
    pub fn send_reset(&self, to: &str, locale: &str, link: &str) -> Result<(), MailError> {
        let mail = self.texts.reset(locale, link, &self.base_url)?;
        self.send(to, &mail)
    }
}
