//! fermata's rights registry: who holds which recordings, what each holder says to each kind of
//! AI use, the licences granted, the clearance scans run, and a hash-chained audit log of every
//! change.
//!
//! The rules live in [`Registry`]; records are kept by a [`Store`] ([`SqliteStore`] is the
//! embedded one). Every operation is one transaction that also appends its audit event, so a
//! failure leaves neither a half-made change nor a change without its event.
//!
//! # Example
//!
//! ```
//! use fermata_registry::{Decision, LicenceGrant, PartyKind, PolicyChange, Registry, Use, Verdict, Work};
//!
//! let home = tempfile::tempdir()?;
//! let mut registry = Registry::create(&home.path().join("registry.sqlite"))?;
//! registry.add_party("indie-records", PartyKind::Label, "Indie Records", "cli")?;
//! registry.add_party("acme-ai", PartyKind::Developer, "Acme AI", "cli")?;
//! let work = Work {
//!     isrc: "GBAYE6900531".parse()?,
//!     title: "First Song".into(),
//!     artist: "The Band".into(),
//!     duration_s: Some(201.0),
//!     iswc: None,
//!     registrant: "indie-records".into(),
//!     credits: vec![],
//!     shares: fermata_registry::parse_shares("indie-records=100")?,
//!     tracks: vec!["GBAYE6900531".into()],
//! };
//! registry.register_works("indie-records", vec![work], "cli")?;
//!
//! // Nothing set: the answer is no.
//! let de = "DE".parse()?;
//! let isrc = "GBAYE6900531".parse()?;
//! assert_eq!(registry.clear(&isrc, "acme-ai", Use::TrainGenai, &de)?.verdict, Verdict::Denied);
//!
//! registry.set_policy(PolicyChange::new("indie-records", None, Use::TrainGenai, Decision::LicenceRequired), "indie-records")?;
//! assert_eq!(registry.clear(&isrc, "acme-ai", Use::TrainGenai, &de)?.verdict, Verdict::LicenceRequired);
//!
//! registry.grant_licence(LicenceGrant::new("indie-records", "acme-ai", Use::TrainGenai, "2026-01-01"), "indie-records")?;
//! assert_eq!(registry.clear(&isrc, "acme-ai", Use::TrainGenai, &de)?.verdict, Verdict::Cleared);
//! assert!(registry.verify_audit()?.first_bad.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod answer;
pub mod audit;
mod certificates;
mod declarations;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod mail;
mod market;
mod market_ops;
mod model;
mod notices;
#[cfg(feature = "openapi")]
pub mod openapi;
mod people;
mod registry;
mod remuneration;
mod signups;
mod sqlite;
mod state;
mod store;
mod webhooks;

pub use answer::{
    AnswerSource, FileError, FileMatch, FileVerdict, HolderClearance, ManifestRecord, OfferedTerms,
    Question, Scan, ScanFile, SourceCheck, Verdict, WorkClearance, clear_work, holder_answer,
};
pub use audit::{AuditReport, BadEvent, Clock, Event, Now};
pub use certificates::{
    CertificateKey, CertificateRecord, DatedClearance, MAX_CERTIFICATE_BYTES,
    MAX_CERTIFICATE_DATES, MAX_CERTIFICATE_WORKS,
};
pub use declarations::{
    Declaration, DeclarationProblem, DeclaredFile, DeclaredSource, MAX_DECLARATIONS,
    MAX_REFERENCE_CHARS, parse_declarations_csv,
};
pub use mail::{
    DueMail, MAIL_CLAIM_LEASE_S, MAIL_KEEP_DAYS, MAIL_MAX_ATTEMPTS, MAIL_MAX_EVENT_AGE_H,
    MAIL_RETRY_DELAYS_S, MAX_MAIL_LISTED, Mail, MailEnqueueReport, mail_retry_delay,
};
pub use market::{
    ApiKey, DSR_MESSAGE_VERSION, DSR_PROFILE, FeeLine, HolderTotal, LeftOut, LicenceRequest,
    LineStatus, NewKey, Offer, RequestLine, Role, Statement, StatementLine, UsageLine, UsageReport,
    compute_statement, overlapping, seconds_to_ms, split_largest_remainder,
};
pub use market_ops::{
    MAX_REQUEST_WORKS, MAX_TERM_MONTHS, MAX_USAGE_WORKS, OfferDraft, RequestDraft, UsageDraft,
    parse_usage_csv, parse_usage_work, term_end, validate_term_months,
};
pub use model::{
    Credit, Decision, Isrc, Iswc, Licence, MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_TEXT_CHARS,
    MAX_TITLE_CHARS, Money, Party, PartyKind, Policy, Price, PriceModel, Share, Territory, Use,
    Work, WorkSummary, bounded, currency_decimals, format_money, parse_percent, parse_shares,
    parse_territories, percent, shares_to_string, territories_to_string, validate_currency,
    validate_date, validate_party_id, validate_shares,
};
pub use notices::{
    FoundRecording, MAX_NOTICE_HOLDERS, MAX_NOTICE_WORKS, Notice, NoticeDraft, NoticeKind,
    NoticeState, NoticeStep,
};
pub use people::{
    INVITE_DAYS, LOCALES, LinkPurpose, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
    NewLink, NewSession, OneTimeLink, Person, RESET_HOURS, SESSION_HOURS, Session, SessionRow,
    check_password, hash_password, normalise_email, random_token, verify_password,
};
pub use registry::{
    Created, IdempotencyRecord, ImportReport, LicenceGrant, PolicyChange, Registry, ShareChange,
    ShareChangeStatus, UseAnswer, WorkConflict, reduced_holders,
};
pub use remuneration::{
    AttributionDraft, AttributionFind, AttributionOutput, AttributionOutputDraft,
    AttributionReport, ChargedFee, MAX_ATTRIBUTION_OUTPUTS, RemunerationModel, StatementFormat,
    StatementInput, StatementParts, compute_statement_parts, licence_terms, next_day,
};
pub use signups::{Signup, SignupDraft, SignupState};
pub use sqlite::{SCHEMA_VERSION, SqliteStore};
pub use store::{DocKind, IdempotentResponse, Store, StoredDoc, Tx};
pub use webhooks::{
    AttemptResult, CLAIM_LEASE_S, Delivery, DeliveryAttempt, DeliveryStatus, DueDelivery,
    EXPIRING_DAYS, EnqueueReport, EventType, MAX_ATTEMPTS, MAX_DELIVERIES_LISTED,
    MAX_ENDPOINTS_PER_PARTY, MAX_URL_CHARS, NewWebhook, RETRY_DELAYS_S, WebhookEndpoint,
    parse_event_types, retry_delay, sign, signature_header, validate_webhook_url, verify_signature,
};

use std::path::PathBuf;

/// Everything that can go wrong in the registry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A value does not have the form its field needs.
    #[error("invalid {field} '{value}': {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// The value given.
        value: String,
        /// What a valid value looks like.
        reason: String,
    },
    /// A record that was named does not exist.
    #[error("no {what} '{id}' in the registry ({hint})")]
    NotFound {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: String,
        /// How to find or create one.
        hint: &'static str,
    },
    /// A record with this id already exists.
    #[error("{what} '{id}' already exists")]
    AlreadyExists {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The operation breaks a rule of the registry (e.g. a holder licensing a work it holds no share in).
    #[error("{0}")]
    NotAllowed(String),
    /// The operation clashes with the current state (a line already decided, an overlapping
    /// licence, an idempotency key reused for another request).
    #[error("{0}")]
    Conflict(String),
    /// There is no registry at this path.
    #[error(
        "no registry at {path}: run `fermata init` first (or pass --home / set FERMATA_HOME to the right directory)"
    )]
    NotInitialised {
        /// The database path looked for.
        path: PathBuf,
    },
    /// The database was written by a newer fermata.
    #[error(
        "{path} has schema version {found}, newer than the {supported} this fermata reads: upgrade fermata"
    )]
    NewerSchema {
        /// The database.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// SQLite failed (including a record that no longer decodes because the file was edited).
    #[error("database {path}: {message}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's message.
        message: String,
    },
    /// Declared sources of scan files were refused: every problem, with its line. Nothing was
    /// recorded.
    #[error("{}", declaration_problems(.0))]
    Declarations(Vec<DeclarationProblem>),
    /// A bug: an invariant of the code does not hold.
    #[error("internal error: {0}")]
    Internal(String),
}

fn declaration_problems(problems: &[DeclarationProblem]) -> String {
    let mut out = format!(
        "{} problem(s) in the declarations; nothing was recorded:",
        problems.len()
    );
    for p in problems {
        if p.line == 0 {
            out.push_str(&format!("\n  {}", p.reason));
        } else {
            out.push_str(&format!("\n  line {}: {}", p.line, p.reason));
        }
    }
    out
}
