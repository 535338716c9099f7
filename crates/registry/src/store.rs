//! The storage interface. The registry's rules (validation, clearance, the audit chain and the
//! record digests it carries) live above it, so a PostgreSQL backend needs to implement only
//! these record operations.

use crate::RegistryError;
use crate::answer::{ManifestRecord, Scan, ScanFile};
use crate::audit::Event;
use crate::market::ApiKey;
use crate::model::{Isrc, Licence, Party, Policy, Use, Work, WorkSummary};
use crate::people::SessionRow;
use crate::webhooks::{Delivery, DeliveryAttempt};

/// A store of registry records.
pub trait Store {
    /// Starts a transaction. Everything done through it is kept only if it is committed; a
    /// transaction dropped without `commit` (an error, a crash) leaves no trace.
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, RegistryError>;

    /// Starts a transaction that only reads: it must not block writers or other readers.
    fn begin_read(&mut self) -> Result<Box<dyn Tx + '_>, RegistryError> {
        self.begin()
    }
}

/// Records kept as JSON documents keyed by id, with the party that owns them: they are read
/// whole and filtered by the rules above the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    /// Offers (owner: the holder).
    Offer,
    /// Licence requests with their lines (owner: the developer).
    Request,
    /// Usage reports (owner: the developer).
    Usage,
    /// Remuneration statements (owner: the developer).
    Statement,
    /// Proposed changes to a work's shares that wait for the holders they reduce (owner: the
    /// proposing registrant).
    ShareChange,
    /// People who sign in to the web app, with their password hashes (owner: their party).
    Person,
    /// One-time links: invitations and password resets (owner: the party).
    Link,
    /// Misuse notices (owner: the first holder concerned; every holder concerned reads it).
    Notice,
    /// Requests to join, with the first administrator's password hash (owner: the operator).
    Signup,
    /// The declared sources of a scan's unidentified files (id: the scan; owner: its developer).
    Declaration,
    /// Certificates of clean training (owner: the developer of the model).
    Certificate,
    /// The certificate issuer's public keys (id: the key id; owner: the developer of the first
    /// certificate it signed, since a document belongs to a party).
    CertificateKey,
    /// Webhook endpoints, with the secret that signs their deliveries (owner: their party).
    Webhook,
    /// Attribution reports: registered recordings found in a developer's generated outputs
    /// (owner: the developer).
    Attribution,
}

impl DocKind {
    /// The kind's name in storage and in audit record keys.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Offer => "offer",
            DocKind::Request => "request",
            DocKind::Usage => "usage",
            DocKind::Statement => "statement",
            DocKind::ShareChange => "share-change",
            DocKind::Person => "person",
            DocKind::Link => "link",
            DocKind::Notice => "notice",
            DocKind::Signup => "signup",
            DocKind::Declaration => "declaration",
            DocKind::Certificate => "certificate",
            DocKind::CertificateKey => "certificate-key",
            DocKind::Webhook => "webhook",
            DocKind::Attribution => "attribution",
        }
    }
}

/// A document as stored: its id, its owner and its JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDoc {
    /// Its id.
    pub id: String,
    /// The party that owns it (what `docs(kind, Some(owner))` selects on).
    pub owner: String,
    /// The JSON, exactly as stored.
    pub json: String,
}

/// A stored answer to a create request, replayed when the same `Idempotency-Key` comes again.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotentResponse {
    /// SHA-256 of the request that produced it; the same key with another request is refused.
    pub request_digest: String,
    /// HTTP status.
    pub status: u16,
    /// Response body.
    pub body: String,
}

/// The record operations of one transaction.
///
/// Every record that the audit chain covers can be read back one by one and listed in full
/// (see the `audit` module): that is how the registry records what each change left behind and
/// checks the whole state against the chain.
pub trait Tx {
    /// Makes the transaction's changes durable.
    fn commit(self: Box<Self>) -> Result<(), RegistryError>;

    /// Adds a party; its id must be new.
    fn insert_party(&mut self, party: &Party) -> Result<(), RegistryError>;
    /// One party.
    fn party(&mut self, id: &str) -> Result<Option<Party>, RegistryError>;
    /// Every party, by id.
    fn parties(&mut self) -> Result<Vec<Party>, RegistryError>;

    /// One work with its credits, shares and tracks.
    fn work(&mut self, isrc: &Isrc) -> Result<Option<Work>, RegistryError>;
    /// Inserts or replaces a work and everything that belongs to it.
    fn put_work(&mut self, work: &Work) -> Result<(), RegistryError>;
    /// Works registered by `holder` or in which it holds a share (every work when None), by ISRC.
    fn works(&mut self, holder: Option<&str>) -> Result<Vec<Work>, RegistryError>;
    /// The head of every work registered by `holder` or in which it holds a share (every work
    /// when None), by ISRC: one query, for lists.
    fn work_summaries(&mut self, holder: Option<&str>) -> Result<Vec<WorkSummary>, RegistryError>;
    /// The works linked to an index track.
    fn works_for_track(&mut self, track_id: &str) -> Result<Vec<Isrc>, RegistryError>;

    /// Inserts or replaces the policy of (holder, work or catalogue, use).
    fn put_policy(&mut self, policy: &Policy) -> Result<(), RegistryError>;
    /// Every policy set by `holder`.
    fn policies(&mut self, holder: &str) -> Result<Vec<Policy>, RegistryError>;
    /// The policy of (holder, work or catalogue, use).
    fn policy(
        &mut self,
        holder: &str,
        isrc: Option<&Isrc>,
        use_: Use,
    ) -> Result<Option<Policy>, RegistryError>;
    /// Every policy, by holder, work (catalogue first) and use.
    fn all_policies(&mut self) -> Result<Vec<Policy>, RegistryError>;

    /// The next number of a named sequence (licences, scans, manifests), starting at 1.
    fn next_number(&mut self, sequence: &str) -> Result<u64, RegistryError>;

    /// Inserts or replaces a licence.
    fn put_licence(&mut self, licence: &Licence) -> Result<(), RegistryError>;
    /// One licence.
    fn licence(&mut self, id: &str) -> Result<Option<Licence>, RegistryError>;
    /// Every licence, by id.
    fn licences(&mut self) -> Result<Vec<Licence>, RegistryError>;

    /// Inserts or replaces a scan.
    fn put_scan(&mut self, scan: &Scan) -> Result<(), RegistryError>;
    /// One scan.
    fn scan(&mut self, id: &str) -> Result<Option<Scan>, RegistryError>;
    /// Every scan, by id.
    fn scans(&mut self) -> Result<Vec<Scan>, RegistryError>;
    /// Inserts or replaces one file's result in a scan.
    fn put_scan_file(&mut self, scan_id: &str, file: &ScanFile) -> Result<(), RegistryError>;
    /// A scan's file results, by path.
    fn scan_files(&mut self, scan_id: &str) -> Result<Vec<ScanFile>, RegistryError>;

    /// Records a built manifest.
    fn put_manifest(&mut self, manifest: &ManifestRecord) -> Result<(), RegistryError>;
    /// One manifest.
    fn manifest(&mut self, id: &str) -> Result<Option<ManifestRecord>, RegistryError>;
    /// Every manifest, by id.
    fn manifests(&mut self) -> Result<Vec<ManifestRecord>, RegistryError>;

    /// Inserts or replaces a document.
    fn put_doc(
        &mut self,
        kind: DocKind,
        id: &str,
        owner: &str,
        json: &str,
    ) -> Result<(), RegistryError>;
    /// One document's JSON.
    fn doc(&mut self, kind: DocKind, id: &str) -> Result<Option<String>, RegistryError>;
    /// Every document of a kind (optionally only one owner's), by id.
    fn docs(&mut self, kind: DocKind, owner: Option<&str>) -> Result<Vec<String>, RegistryError>;
    /// One document with its id and owner.
    fn stored_doc(&mut self, kind: DocKind, id: &str) -> Result<Option<StoredDoc>, RegistryError>;
    /// Every document of a kind with its id and owner, by id.
    fn stored_docs(&mut self, kind: DocKind) -> Result<Vec<StoredDoc>, RegistryError>;

    /// Stores an API key with the SHA-256 of its secret.
    fn put_key(&mut self, key: &ApiKey, secret_sha256: &str) -> Result<(), RegistryError>;
    /// The key whose secret hashes to `secret_sha256`.
    fn key_by_hash(&mut self, secret_sha256: &str) -> Result<Option<ApiKey>, RegistryError>;
    /// Every key, by id.
    fn keys(&mut self) -> Result<Vec<ApiKey>, RegistryError>;
    /// Marks a key revoked.
    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, RegistryError>;
    /// One key with the SHA-256 of its secret.
    fn stored_key(&mut self, id: &str) -> Result<Option<(ApiKey, String)>, RegistryError>;
    /// Every key with the SHA-256 of its secret, by id.
    fn stored_keys(&mut self) -> Result<Vec<(ApiKey, String)>, RegistryError>;

    /// The stored response for (party, idempotency key).
    fn idempotent(
        &mut self,
        party: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, RegistryError>;
    /// Stores the response for (party, idempotency key).
    fn put_idempotent(
        &mut self,
        party: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<(), RegistryError>;

    /// Stores a new session.
    fn put_session(&mut self, session: &SessionRow) -> Result<(), RegistryError>;
    /// The session whose cookie secret hashes to `secret_sha256`.
    fn session(&mut self, secret_sha256: &str) -> Result<Option<SessionRow>, RegistryError>;
    /// Ends one session; false when there was none.
    fn delete_session(&mut self, secret_sha256: &str) -> Result<bool, RegistryError>;
    /// Ends every session of a person; how many there were.
    fn delete_sessions_of(&mut self, person: &str) -> Result<u64, RegistryError>;
    /// Forgets the sessions that ended at or before `at` (RFC 3339 UTC).
    fn delete_expired_sessions(&mut self, at: &str) -> Result<u64, RegistryError>;

    /// Appends an audit event (its sequence number must follow the last one).
    fn append_event(&mut self, event: &Event) -> Result<(), RegistryError>;
    /// The last audit event.
    fn last_event(&mut self) -> Result<Option<Event>, RegistryError>;
    /// Every audit event in the order stored (by sequence number).
    fn events(&mut self) -> Result<Vec<Event>, RegistryError>;
    /// The events whose subjects name `subject` (e.g. `work:GBAYE6900531`), in order.
    fn events_about(&mut self, subject: &str) -> Result<Vec<Event>, RegistryError>;

    // Webhook deliveries: operational rows, not covered by the audit chain (see the `audit`
    // module); the endpoints themselves are documents (`DocKind::Webhook`).

    /// The events after sequence number `after`, in order, at most `limit`.
    fn events_after(&mut self, after: u64, limit: usize) -> Result<Vec<Event>, RegistryError>;
    /// A named cursor into the audit log (0 when never set).
    fn cursor(&mut self, name: &str) -> Result<u64, RegistryError>;
    /// Sets a named cursor.
    fn set_cursor(&mut self, name: &str, seq: u64) -> Result<(), RegistryError>;
    /// Inserts or replaces a webhook delivery.
    fn put_delivery(&mut self, delivery: &Delivery) -> Result<(), RegistryError>;
    /// One webhook delivery.
    fn delivery(&mut self, id: &str) -> Result<Option<Delivery>, RegistryError>;
    /// An endpoint's deliveries, newest first, at most `limit`.
    fn deliveries_of(
        &mut self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, RegistryError>;
    /// Pending deliveries whose next attempt is at or before `at` (RFC 3339 UTC), oldest first,
    /// at most `limit`.
    fn due_deliveries(&mut self, at: &str, limit: usize) -> Result<Vec<Delivery>, RegistryError>;
    /// Records one attempt to send a delivery.
    fn put_delivery_attempt(&mut self, attempt: &DeliveryAttempt) -> Result<(), RegistryError>;
    /// A delivery's attempts, in order.
    fn delivery_attempts(&mut self, delivery: &str) -> Result<Vec<DeliveryAttempt>, RegistryError>;

    // The mail queue: operational rows like webhook deliveries (see the `mail` module).

    /// Inserts or replaces a mail.
    fn put_mail(&mut self, mail: &crate::mail::Mail) -> Result<(), RegistryError>;
    /// One mail.
    fn mail(&mut self, id: &str) -> Result<Option<crate::mail::Mail>, RegistryError>;
    /// Pending mail whose next attempt is at or before `at`, oldest first, at most `limit`.
    fn due_mail(&mut self, at: &str, limit: usize)
    -> Result<Vec<crate::mail::Mail>, RegistryError>;
    /// Mail (in `status`, when given), newest first, at most `limit`.
    fn mail_list(
        &mut self,
        status: Option<crate::webhooks::DeliveryStatus>,
        limit: usize,
    ) -> Result<Vec<crate::mail::Mail>, RegistryError>;
    /// Deletes sent and failed mail last changed before `before`; returns how many.
    fn prune_mail(&mut self, before: &str) -> Result<usize, RegistryError>;
}
