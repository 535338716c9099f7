//! Webhooks: a party's endpoints, and the deliveries that tell them what happened.
//!
//! Deliveries are derived from the audit log. Every state change already appends an event;
//! [`Registry::enqueue_webhook_deliveries`] reads the events after a stored cursor, maps each
//! to the event types and parties it concerns (each party gets the record as *it* may see it:
//! a holder only its own request lines and statement lines), inserts one delivery per
//! subscribed endpoint and advances the cursor, all in one transaction: a crash loses nothing
//! and duplicates nothing. The deliveries are then claimed, signed and sent by a worker (see
//! `fermata_clearance::webhooks`), which reports each attempt back with
//! [`Registry::record_webhook_attempt`]: a 2xx is delivered, a 410 disables the endpoint,
//! anything else is retried after [`RETRY_DELAYS_S`] until [`MAX_ATTEMPTS`].
//!
//! Endpoints are documents (`DocKind::Webhook`, covered by the audit chain; adding, removing
//! and disabling one are events, which never carry the secret). Deliveries, their attempts and
//! the cursor are operational rows, not covered (like a scan's progress rows).
//!
//! The signature: `Fermata-Signature: t=UNIX,v1=HEX`, where HEX is HMAC-SHA256, keyed with the
//! endpoint's secret (its UTF-8 bytes, `whsec_` prefix included), over `"{UNIX}.{body}"`.

use crate::RegistryError;
use crate::audit::{self, Event, Now};
use crate::market::{LicenceRequest, RequestLine, Statement, decode_doc};
use crate::model::{Licence, invalid, string_enum};
use crate::notices::Notice;
use crate::registry::{Registry, append, need_party};
use crate::store::{DocKind, Tx};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Longest endpoint URL accepted, in bytes.
pub const MAX_URL_CHARS: usize = 2_048;
/// Most live endpoints one party may have.
pub const MAX_ENDPOINTS_PER_PARTY: usize = 10;
/// Attempts before a delivery is given up (`failed`).
pub const MAX_ATTEMPTS: u32 = 8;
/// Seconds to wait after the 1st, 2nd, … failed attempt: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h,
/// 24 h (the last attempt, the 8th, is about 33 hours after the first).
pub const RETRY_DELAYS_S: [i64; 7] = [10, 60, 300, 1_800, 7_200, 21_600, 86_400];
/// Seconds a claimed delivery is held by the worker that claimed it: longer than a send can
/// take (connect, write and read timeouts), so two workers never send it at once; a worker that
/// dies holding it lets it go after this.
pub const CLAIM_LEASE_S: i64 = 120;
/// Days before its last day that a licence is announced as expiring.
pub const EXPIRING_DAYS: i64 = 30;
/// Most deliveries listed at once.
pub const MAX_DELIVERIES_LISTED: usize = 1_000;
/// How many events one enqueueing transaction reads.
const ENQUEUE_BATCH: usize = 500;
/// The cursor's name in the store.
const CURSOR: &str = "webhooks";
/// Longest error text kept for an attempt.
const MAX_ERROR_CHARS: usize = 500;

string_enum!(
    /// What a delivery tells its party.
    EventType, "event type", {
        /// New request lines for a holder (the request as the holder sees it: its lines only).
        RequestReceived = "request.received",
        /// A holder decided a line of the developer's request (to the developer).
        RequestDecided = "request.decided",
        /// A licence was granted (to its holder and developer).
        LicenceGranted = "licence.granted",
        /// A licence was revoked (to its holder and developer).
        LicenceRevoked = "licence.revoked",
        /// A licence ends within 30 days (once per end date; to its holder and developer).
        LicenceExpiring = "licence.expiring",
        /// A misuse notice concerns the holder.
        NoticeReceived = "notice.received",
        /// A statement was issued (to its developer, and to each holder as it sees it).
        StatementIssued = "statement.issued",
        /// The developer's scan finished.
        ScanFinished = "scan.finished",
        /// A test delivery (`fermata webhook test`).
        Ping = "ping",
    }
);

string_enum!(
    /// Where a delivery stands.
    DeliveryStatus, "delivery status", {
        /// Waiting to be sent (again).
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Given up: too many attempts, the endpoint answered 410 Gone, or it was removed.
        Failed = "failed",
    }
);

/// A party's webhook endpoint (never with its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpoint {
    /// Its id, e.g. `wh-000001`.
    pub id: String,
    /// The party it tells.
    pub party: String,
    /// Where deliveries are POSTed (https; http only to a loopback address).
    pub url: String,
    /// The event types it wants; empty: every type.
    pub events: Vec<EventType>,
    /// When it was added.
    pub created_at: String,
    /// Who added it.
    pub created_by: String,
    /// The audit event it was added in: it is told only of later events.
    pub after_seq: u64,
    /// When it was disabled (it answered 410 Gone), if it was.
    pub disabled_at: Option<String>,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When it was removed, if it was (a removed endpoint is gone from every list, still found
    /// by its id with its delivery log, and sends nothing).
    pub removed_at: Option<String>,
}

impl WebhookEndpoint {
    /// True when it is neither removed nor disabled.
    pub fn is_live(&self) -> bool {
        self.removed_at.is_none() && self.disabled_at.is_none()
    }

    /// True when it wants deliveries of `t` (a ping always).
    pub fn wants(&self, t: EventType) -> bool {
        t == EventType::Ping || self.events.is_empty() || self.events.contains(&t)
    }
}

/// The stored form: the endpoint and the secret that signs its deliveries.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredEndpoint {
    endpoint: WebhookEndpoint,
    secret: String,
}

/// An endpoint just added: the record and its signing secret, shown once.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    /// The record.
    pub endpoint: WebhookEndpoint,
    /// The secret that signs its deliveries (`Fermata-Signature`). Not shown again.
    pub secret: String,
}

/// One delivery of one event to one endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Its id, e.g. `whd-00000001`: the `Fermata-Delivery` header, the same on every attempt.
    pub id: String,
    /// The endpoint.
    pub endpoint: String,
    /// The endpoint's party.
    pub party: String,
    /// The audit event it tells of (none for a ping).
    pub event_seq: Option<u64>,
    /// Its type: the `Fermata-Event` header.
    pub event_type: EventType,
    /// The JSON body, exactly as signed and sent.
    pub body: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made since it was (re)queued.
    pub attempts: u32,
    /// When it is next sent (pending only).
    pub next_attempt_at: Option<String>,
    /// The last HTTP status the endpoint answered, if it answered.
    pub last_status_code: Option<u16>,
    /// The last error (no answer, or the start of a non-2xx answer's body).
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When the endpoint answered 2xx.
    pub delivered_at: Option<String>,
}

/// One attempt to send a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    /// The delivery.
    pub delivery: String,
    /// Its number, from 1 (replays go on counting).
    pub attempt: u32,
    /// When it was recorded.
    pub at: String,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// A delivery claimed for sending, with everything the sender needs.
#[derive(Clone, Debug, PartialEq)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// Where to POST it.
    pub url: String,
    /// The headers to send with it (`Fermata-Signature`, `Fermata-Delivery`, `Fermata-Event`,
    /// `Content-Type`).
    pub headers: Vec<(&'static str, String)>,
}

/// What one attempt to send came to.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AttemptResult {
    /// The HTTP status answered, if the endpoint answered.
    pub status_code: Option<u16>,
    /// What went wrong (no answer; or the start of a non-2xx answer's body).
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// What one enqueueing pass did.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct EnqueueReport {
    /// Audit events read.
    pub events: u64,
    /// Deliveries made.
    pub deliveries: u64,
    /// The cursor after the pass (the last event read).
    pub cursor: u64,
}

/// Checks an endpoint URL: at most [`MAX_URL_CHARS`], `https`, or `http` only to a loopback
/// address (`localhost`, `127.0.0.0/8`, `::1`: for tests and a local relay); no user name or
/// password, no fragment. Returns it normalised.
pub fn validate_webhook_url(raw: &str) -> Result<String, RegistryError> {
    let bad = |reason: &str| RegistryError::Invalid {
        field: "url",
        value: raw.chars().take(80).collect(),
        reason: reason.into(),
    };
    if raw.len() > MAX_URL_CHARS {
        return Err(bad(&format!(
            "{} bytes; at most {MAX_URL_CHARS}",
            raw.len()
        )));
    }
    let url = url::Url::parse(raw.trim())
        .map_err(|e| bad(&format!("not a URL ({e}); e.g. https://example.org/hooks")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(bad(&format!(
            "the scheme must be https, not {}",
            url.scheme()
        )));
    }
    let host = url
        .host()
        .ok_or_else(|| bad("a webhook URL needs a host"))?;
    let loopback = match &host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                "deliveries are signed but not encrypted over http: use https (http is accepted only to a loopback address)",
            ));
        }
        other => return Err(bad(&format!("the scheme must be https, not {other}"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "no user name or password in the URL: deliveries are authenticated by their signature",
        ));
    }
    if url.fragment().is_some() {
        return Err(bad("no #fragment in a webhook URL"));
    }
    let out = url.to_string();
    if out.len() > MAX_URL_CHARS {
        return Err(bad(&format!(
            "longer than {MAX_URL_CHARS} bytes once normalised"
        )));
    }
    Ok(out)
}

/// Parses a comma-separated list of event types (empty: every type).
pub fn parse_event_types(list: &str) -> Result<Vec<EventType>, RegistryError> {
    let mut out: Vec<EventType> = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let t: EventType = item.parse()?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// The hex HMAC-SHA256 of `"{timestamp}.{body}"` keyed with `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `Fermata-Signature` header value: `t=UNIX,v1=HEX`.
pub fn signature_header(secret: &str, timestamp: i64, body: &str) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Checks a `Fermata-Signature` header as a receiver should: the HMAC matches (compared in
/// constant time) and the timestamp is within `tolerance_s` seconds of `now_unix`.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &str,
    now_unix: i64,
    tolerance_s: i64,
) -> Result<(), String> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or("no timestamp t=")?;
    if (now_unix - t).abs() > tolerance_s {
        return Err(format!(
            "timestamp {t} is more than {tolerance_s} s from now"
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(format!("{t}.").as_bytes());
    mac.update(body.as_bytes());
    for s in sigs {
        if let Ok(bytes) = hex::decode(&s)
            && mac.clone().verify_slice(&bytes).is_ok()
        {
            return Ok(());
        }
    }
    Err("no v1 signature matches".into())
}

pub(crate) fn parse_at(at: &str) -> Result<time::OffsetDateTime, RegistryError> {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map_err(|e| RegistryError::Internal(format!("a stored time '{at}' does not parse: {e}")))
}

pub(crate) fn format_at(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `now` plus `seconds`, as RFC 3339 UTC.
pub(crate) fn later(now: &Now, seconds: i64) -> Result<String, RegistryError> {
    Ok(format_at(
        parse_at(&now.at)? + time::Duration::seconds(seconds),
    ))
}

/// The delay after the `attempts`-th failed attempt; None once [`MAX_ATTEMPTS`] are spent.
pub fn retry_delay(attempts: u32) -> Option<i64> {
    if attempts == 0 || attempts >= MAX_ATTEMPTS {
        return None;
    }
    RETRY_DELAYS_S
        .get(attempts as usize - 1)
        .copied()
        .or(RETRY_DELAYS_S.last().copied())
}

/// Days from `from` to `to` (both YYYY-MM-DD).
fn days_between(from: &str, to: &str) -> Option<i64> {
    let a = crate::model::parse_day("date", from).ok()?;
    let b = crate::model::parse_day("date", to).ok()?;
    Some((b - a).whole_days())
}

pub(crate) fn clip(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > max {
        let mut out: String = clean.chars().take(max).collect();
        out.push('…');
        out
    } else {
        clean
    }
}

fn encode<T: Serialize>(v: &T) -> Result<String, RegistryError> {
    serde_json::to_string(v)
        .map_err(|e| RegistryError::Internal(format!("cannot encode a record: {e}")))
}

fn not_found(id: &str) -> RegistryError {
    RegistryError::NotFound {
        what: "webhook",
        id: id.chars().take(80).collect(),
        hint: "see `fermata webhook list`",
    }
}

fn load_endpoint(tx: &mut dyn Tx, id: &str) -> Result<Option<StoredEndpoint>, RegistryError> {
    tx.doc(DocKind::Webhook, id)?
        .map(|j| decode_doc::<StoredEndpoint>(&j))
        .transpose()
}

/// The endpoint `id` as `party` may see it (None: any party): a removed endpoint, or another
/// party's, is not found.
fn visible_endpoint(
    tx: &mut dyn Tx,
    id: &str,
    party: Option<&str>,
) -> Result<StoredEndpoint, RegistryError> {
    load_endpoint(tx, id)?
        .filter(|s| party.is_none_or(|p| s.endpoint.party == p))
        .ok_or_else(|| not_found(id))
}

/// Refuses (409) to send to an endpoint that was removed or disabled, saying which.
fn not_live(e: &WebhookEndpoint) -> Result<(), RegistryError> {
    if let Some(at) = &e.removed_at {
        return Err(RegistryError::Conflict(format!(
            "webhook {} was removed at {at}: add a new endpoint",
            e.id
        )));
    }
    if e.disabled_at.is_some() {
        return Err(RegistryError::Conflict(format!(
            "webhook {} is disabled ({}): remove it and add it again",
            e.id,
            e.disabled_reason.as_deref().unwrap_or("no reason given")
        )));
    }
    Ok(())
}

fn put_endpoint(tx: &mut dyn Tx, stored: &StoredEndpoint) -> Result<(), RegistryError> {
    tx.put_doc(
        DocKind::Webhook,
        &stored.endpoint.id,
        &stored.endpoint.party,
        &encode(stored)?,
    )
}

fn subject<'a>(event: &'a Event, kind: &str) -> Option<&'a str> {
    event
        .subjects
        .split(' ')
        .find_map(|s| s.strip_prefix(kind)?.strip_prefix(':'))
}

/// Who an audit event concerns, as which event type, and what each of them may see of it. The
/// one rule of what a webhook tells whom: a holder gets only its own request and statement
/// lines (`seen_by`), a developer its own requests, scans and statements.
pub(crate) fn recipients(
    tx: &mut dyn Tx,
    event: &Event,
) -> Result<Vec<(String, EventType, serde_json::Value)>, RegistryError> {
    use serde_json::json;
    let payload: serde_json::Value = match serde_json::from_str(&event.payload) {
        Ok(v) => v,
        Err(_) => return Ok(vec![]),
    };
    let id_in = |key: &str| payload.get(key).and_then(|v| v.as_str()).map(String::from);
    let mut out = Vec::new();
    match event.action.as_str() {
        "request.made" => {
            let Ok(request) = serde_json::from_value::<LicenceRequest>(payload.clone()) else {
                return Ok(out);
            };
            let mut holders: Vec<&String> = request.lines.iter().map(|l| &l.holder).collect();
            holders.sort();
            holders.dedup();
            for h in holders {
                if let Some(seen) = request.clone().seen_by(h) {
                    out.push((
                        h.clone(),
                        EventType::RequestReceived,
                        json!({ "request": seen }),
                    ));
                }
            }
        }
        "request.approved" | "request.refused" => {
            let (Ok(line), Some(id)) = (
                serde_json::from_value::<RequestLine>(payload.clone()),
                subject(event, "request"),
            ) else {
                return Ok(out);
            };
            let Some(doc) = tx.doc(DocKind::Request, id)? else {
                return Ok(out);
            };
            let request: LicenceRequest = decode_doc(&doc)?;
            out.push((
                request.developer.clone(),
                EventType::RequestDecided,
                json!({ "request": request.id, "model": request.model, "use": request.use_, "line": line }),
            ));
        }
        "licence.granted" | "licence.revoked" | "licence.expiring" => {
            let Some(id) = id_in("id") else {
                return Ok(out);
            };
            let Some(licence) = tx.licence(&id)? else {
                return Ok(out);
            };
            let (t, data) = match event.action.as_str() {
                "licence.granted" => (EventType::LicenceGranted, json!({ "licence": licence })),
                "licence.revoked" => (EventType::LicenceRevoked, json!({ "licence": licence })),
                _ => (
                    EventType::LicenceExpiring,
                    json!({ "licence": licence, "valid_to": payload.get("valid_to"), "days_left": payload.get("days_left") }),
                ),
            };
            out.push((licence.holder.clone(), t, data.clone()));
            out.push((licence.developer.clone(), t, data));
        }
        "notice.received" => {
            let Some(id) = id_in("id") else {
                return Ok(out);
            };
            let Some(doc) = tx.doc(DocKind::Notice, &id)? else {
                return Ok(out);
            };
            let notice: Notice = decode_doc(&doc)?;
            for h in &notice.holders {
                out.push((
                    h.clone(),
                    EventType::NoticeReceived,
                    json!({ "notice": notice }),
                ));
            }
        }
        "statement.issued" => {
            let Ok(statement) = serde_json::from_value::<Statement>(payload.clone()) else {
                return Ok(out);
            };
            let mut parties = vec![statement.developer.clone()];
            parties.extend(statement.totals.iter().map(|t| t.holder.clone()));
            parties.dedup();
            for p in parties {
                if let Some(seen) = statement.clone().seen_by(&p) {
                    out.push((p, EventType::StatementIssued, json!({ "statement": seen })));
                }
            }
        }
        "scan.finished" => {
            let Some(id) = id_in("scan") else {
                return Ok(out);
            };
            let Some(scan) = tx.scan(&id)? else {
                return Ok(out);
            };
            out.push((
                scan.developer.clone(),
                EventType::ScanFinished,
                json!({ "scan": payload }),
            ));
        }
        _ => {}
    }
    Ok(out)
}

/// The JSON body of a delivery: an envelope around what the party may see.
fn body(
    id: &str,
    t: EventType,
    party: &str,
    event: Option<&Event>,
    at: &str,
    data: serde_json::Value,
) -> Result<String, RegistryError> {
    encode(&serde_json::json!({
        "id": id,
        "type": t,
        "party": party,
        "event": event.map(|e| e.seq),
        "created_at": event.map_or(at, |e| e.at.as_str()),
        "data": data,
    }))
}

fn new_delivery(
    tx: &mut dyn Tx,
    now: &Now,
    endpoint: &WebhookEndpoint,
    t: EventType,
    event: Option<&Event>,
    data: serde_json::Value,
) -> Result<Delivery, RegistryError> {
    let id = format!("whd-{:08}", tx.next_number("webhook-delivery")?);
    let body = body(&id, t, &endpoint.party, event, &now.at, data)?;
    Ok(Delivery {
        id,
        endpoint: endpoint.id.clone(),
        party: endpoint.party.clone(),
        event_seq: event.map(|e| e.seq),
        event_type: t,
        body,
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: Some(now.at.clone()),
        last_status_code: None,
        last_error: None,
        created_at: now.at.clone(),
        updated_at: now.at.clone(),
        delivered_at: None,
    })
}

/// The delivery `id` as `party` may see it (None: any party).
fn visible_delivery(
    tx: &mut dyn Tx,
    id: &str,
    party: Option<&str>,
) -> Result<Delivery, RegistryError> {
    let d = tx
        .delivery(id)?
        .filter(|d| party.is_none_or(|p| d.party == p))
        .ok_or_else(|| RegistryError::NotFound {
            what: "webhook delivery",
            id: id.chars().take(80).collect(),
            hint: "see `fermata webhook deliveries ENDPOINT`",
        })?;
    // A removed endpoint's delivery log stays readable (its secret is gone).
    visible_endpoint(tx, &d.endpoint, party)?;
    Ok(d)
}

impl Registry {
    /// Adds a webhook endpoint for `party` (a rights holder or a developer), told of `events`
    /// (empty: every type) from now on. The secret that signs its deliveries is in the result
    /// and, apart from the stored endpoint, nowhere else: never in an audit event.
    pub fn add_webhook(
        &mut self,
        party: &str,
        url: &str,
        events: &[EventType],
        actor: &str,
    ) -> Result<NewWebhook, RegistryError> {
        let url = validate_webhook_url(url)?;
        let secret = format!("whsec_{}", crate::people::random_secret()?);
        // An `Idempotency-Key` stores the answer, secret included, so that a retried create
        // gets the secret it missed (the stored endpoint holds it anyway).
        self.write_created(
            |made: &NewWebhook| Some(made),
            |tx, now| {
                let p = need_party(tx, party)?;
                if !(p.kind.holds_rights() || p.kind == crate::model::PartyKind::Developer) {
                    return Err(RegistryError::NotAllowed(format!(
                        "'{party}' is a {}: webhooks are for rights holders and developers",
                        p.kind
                    )));
                }
                let live = tx
                    .stored_docs(DocKind::Webhook)?
                    .iter()
                    .filter(|d| d.owner == party)
                    .map(|d| decode_doc::<StoredEndpoint>(&d.json))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|s| s.endpoint.removed_at.is_none())
                    .count();
                if live >= MAX_ENDPOINTS_PER_PARTY {
                    return Err(RegistryError::Conflict(format!(
                        "'{party}' already has {live} webhooks, the most allowed: remove one first"
                    )));
                }
                let mut events = events.to_vec();
                events.sort();
                events.dedup();
                let endpoint = WebhookEndpoint {
                    id: format!("wh-{:06}", tx.next_number("webhook")?),
                    party: party.into(),
                    url: url.clone(),
                    events,
                    created_at: now.at.clone(),
                    created_by: actor.into(),
                    after_seq: tx.last_event()?.map_or(0, |e| e.seq),
                    disabled_at: None,
                    disabled_reason: None,
                    removed_at: None,
                };
                put_endpoint(
                    tx,
                    &StoredEndpoint {
                        endpoint: endpoint.clone(),
                        secret: secret.clone(),
                    },
                )?;
                append(
                    tx,
                    now,
                    actor,
                    "webhook.added",
                    format!("webhook:{} party:{party}", endpoint.id),
                    audit::payload(&endpoint)?,
                )?;
                Ok(NewWebhook {
                    endpoint,
                    secret: secret.clone(),
                })
            },
        )
    }

    /// The live and disabled endpoints of `party` (every party's when None), by id.
    pub fn webhooks(&mut self, party: Option<&str>) -> Result<Vec<WebhookEndpoint>, RegistryError> {
        self.read(|tx| {
            let mut out = Vec::new();
            for d in tx.stored_docs(DocKind::Webhook)? {
                if party.is_some_and(|p| d.owner != p) {
                    continue;
                }
                let s: StoredEndpoint = decode_doc(&d.json)?;
                if s.endpoint.removed_at.is_none() {
                    out.push(s.endpoint);
                }
            }
            Ok(out)
        })
    }

    /// One endpoint, as `party` may see it (None: any party): another party's is not found.
    pub fn webhook(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<WebhookEndpoint, RegistryError> {
        self.read(|tx| Ok(visible_endpoint(tx, id, party)?.endpoint))
    }

    /// Removes an endpoint of `party` (None: any party): its secret is forgotten, it is gone
    /// from every list, and its pending deliveries fail.
    pub fn remove_webhook(
        &mut self,
        id: &str,
        party: Option<&str>,
        actor: &str,
    ) -> Result<WebhookEndpoint, RegistryError> {
        self.write(|tx, now| {
            let mut stored = visible_endpoint(tx, id, party)?;
            if let Some(at) = &stored.endpoint.removed_at {
                return Err(RegistryError::Conflict(format!(
                    "webhook {id} was removed at {at}"
                )));
            }
            stored.endpoint.removed_at = Some(now.at.clone());
            stored.secret = String::new();
            put_endpoint(tx, &stored)?;
            // Its pending deliveries fail when next claimed (`claim_webhook_deliveries`).
            let e = &stored.endpoint;
            append(
                tx,
                now,
                actor,
                "webhook.removed",
                format!("webhook:{} party:{}", e.id, e.party),
                audit::payload(&serde_json::json!({"id": e.id, "url": e.url}))?,
            )?;
            Ok(stored.endpoint)
        })
    }

    /// An endpoint's deliveries, newest first (at most `limit`, itself at most
    /// [`MAX_DELIVERIES_LISTED`]), as `party` may see them (None: any party).
    pub fn webhook_deliveries(
        &mut self,
        endpoint: &str,
        party: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, RegistryError> {
        self.read(|tx| {
            visible_endpoint(tx, endpoint, party)?;
            tx.deliveries_of(endpoint, limit.min(MAX_DELIVERIES_LISTED))
        })
    }

    /// One delivery with its attempts, as `party` may see it (None: any party).
    pub fn webhook_delivery(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<(Delivery, Vec<DeliveryAttempt>), RegistryError> {
        self.read(|tx| {
            let d = visible_delivery(tx, id, party)?;
            let attempts = tx.delivery_attempts(&d.id)?;
            Ok((d, attempts))
        })
    }

    /// Queues a delivery again, to be sent at once with a fresh round of attempts (same id and
    /// body: a receiver that already has it ignores it). The endpoint must be live.
    pub fn replay_webhook_delivery(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<Delivery, RegistryError> {
        self.write(|tx, now| {
            let mut d = visible_delivery(tx, id, party)?;
            let e = visible_endpoint(tx, &d.endpoint, party)?.endpoint;
            not_live(&e)?;
            d.status = DeliveryStatus::Pending;
            d.attempts = 0;
            d.next_attempt_at = Some(now.at.clone());
            d.updated_at = now.at.clone();
            tx.put_delivery(&d)?;
            Ok(d)
        })
    }

    /// Queues a `ping` to an endpoint of `party` (None: any party), due at once.
    pub fn ping_webhook(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<Delivery, RegistryError> {
        self.write(|tx, now| {
            let e = visible_endpoint(tx, id, party)?.endpoint;
            not_live(&e)?;
            let data = serde_json::json!({"webhook": e.id, "url": e.url});
            let d = new_delivery(tx, now, &e, EventType::Ping, None, data)?;
            tx.put_delivery(&d)?;
            Ok(d)
        })
    }

    /// Appends one `licence.expiring` event for each licence, not revoked, whose last day is
    /// within [`EXPIRING_DAYS`] days of today (the registry's clock) and not yet announced for
    /// that last day. Returns the licences announced. Run it as often as you like: it announces
    /// each end date once.
    pub fn note_expiring_licences(&mut self) -> Result<Vec<Licence>, RegistryError> {
        self.write(|tx, now| {
            let mut noted = Vec::new();
            for l in tx.licences()? {
                let Some(to) = l.valid_to.as_deref() else {
                    continue;
                };
                if l.revoked_at.is_some() {
                    continue;
                }
                let Some(days_left) = days_between(&now.date, to) else {
                    continue;
                };
                if !(0..=EXPIRING_DAYS).contains(&days_left) {
                    continue;
                }
                let subject = format!("licence:{}", l.id);
                let already = tx.events_about(&subject)?.iter().any(|e| {
                    e.action == "licence.expiring"
                        && serde_json::from_str::<serde_json::Value>(&e.payload)
                            .ok()
                            .and_then(|p| p.get("valid_to")?.as_str().map(|s| s == to))
                            .unwrap_or(false)
                });
                if already {
                    continue;
                }
                let mut subjects = format!("{subject} party:{} party:{}", l.holder, l.developer);
                for isrc in &l.works {
                    subjects.push_str(&format!(" work:{isrc}"));
                }
                let payload = audit::payload(&serde_json::json!({
                    "id": l.id, "holder": l.holder, "developer": l.developer,
                    "valid_to": to, "days_left": days_left,
                }))?;
                append(tx, now, "fermata", "licence.expiring", subjects, payload)?;
                noted.push(l);
            }
            Ok(noted)
        })
    }

    /// Reads the audit events after the webhook cursor and makes a delivery for each
    /// (event, party it concerns, endpoint of that party that wants its type and was added
    /// before it), advancing the cursor in the same transaction, batch by batch, until the
    /// log is read.
    pub fn enqueue_webhook_deliveries(&mut self) -> Result<EnqueueReport, RegistryError> {
        let mut report = EnqueueReport::default();
        // Nothing new since the last pass (the usual case, every few seconds): read only, so
        // that an idle worker never takes the write lock.
        let (cursor, last) =
            self.read(|tx| Ok((tx.cursor(CURSOR)?, tx.last_event()?.map_or(0, |e| e.seq))))?;
        if last <= cursor {
            report.cursor = cursor;
            return Ok(report);
        }
        loop {
            let (events, made, cursor) = self.write(|tx, now| {
                let cursor = tx.cursor(CURSOR)?;
                let mut endpoints: BTreeMap<String, Vec<WebhookEndpoint>> = BTreeMap::new();
                for d in tx.stored_docs(DocKind::Webhook)? {
                    let s: StoredEndpoint = decode_doc(&d.json)?;
                    if s.endpoint.is_live() {
                        endpoints
                            .entry(s.endpoint.party.clone())
                            .or_default()
                            .push(s.endpoint);
                    }
                }
                if endpoints.is_empty() {
                    // Nobody listens: skip to the end of the log.
                    let last = tx.last_event()?.map_or(cursor, |e| e.seq);
                    if last != cursor {
                        tx.set_cursor(CURSOR, last)?;
                    }
                    return Ok((last.saturating_sub(cursor), 0, last));
                }
                let batch = tx.events_after(cursor, ENQUEUE_BATCH)?;
                let mut made = 0;
                let mut last = cursor;
                for event in &batch {
                    last = event.seq;
                    for (party, t, data) in recipients(tx, event)? {
                        for e in endpoints.get(&party).into_iter().flatten() {
                            if e.after_seq < event.seq && e.wants(t) {
                                let d = new_delivery(tx, now, e, t, Some(event), data.clone())?;
                                tx.put_delivery(&d)?;
                                made += 1;
                            }
                        }
                    }
                }
                if last != cursor {
                    tx.set_cursor(CURSOR, last)?;
                }
                Ok((batch.len() as u64, made, last))
            })?;
            report.events += events;
            report.deliveries += made;
            report.cursor = cursor;
            if events < ENQUEUE_BATCH as u64 {
                return Ok(report);
            }
        }
    }

    /// Claims up to `limit` due deliveries for sending: each is held for [`CLAIM_LEASE_S`]
    /// seconds (another worker does not take it meanwhile) and comes with its URL and signed
    /// headers. A delivery whose endpoint is gone or disabled fails here instead.
    pub fn claim_webhook_deliveries(
        &mut self,
        limit: usize,
    ) -> Result<Vec<DueDelivery>, RegistryError> {
        self.write(|tx, now| {
            let unix = parse_at(&now.at)?.unix_timestamp();
            let lease = later(now, CLAIM_LEASE_S)?;
            let mut out = Vec::new();
            for mut d in tx.due_deliveries(&now.at, limit.min(MAX_DELIVERIES_LISTED))? {
                let stored = load_endpoint(tx, &d.endpoint)?;
                let live = stored.as_ref().filter(|s| s.endpoint.is_live());
                d.updated_at = now.at.clone();
                let Some(s) = live else {
                    d.status = DeliveryStatus::Failed;
                    d.next_attempt_at = None;
                    d.last_error = Some("the endpoint was removed or disabled".into());
                    tx.put_delivery(&d)?;
                    continue;
                };
                d.next_attempt_at = Some(lease.clone());
                tx.put_delivery(&d)?;
                let headers = vec![
                    ("Content-Type", "application/json".to_string()),
                    (
                        "Fermata-Signature",
                        signature_header(&s.secret, unix, &d.body),
                    ),
                    ("Fermata-Delivery", d.id.clone()),
                    ("Fermata-Event", d.event_type.as_str().to_string()),
                ];
                out.push(DueDelivery {
                    url: s.endpoint.url.clone(),
                    headers,
                    delivery: d,
                });
            }
            Ok(out)
        })
    }

    /// Records one attempt to send a delivery and decides what follows: a 2xx is delivered; a
    /// 410 Gone fails it and disables the endpoint (an audit event); anything else is retried
    /// after [`retry_delay`] or, after [`MAX_ATTEMPTS`], failed.
    pub fn record_webhook_attempt(
        &mut self,
        id: &str,
        result: &AttemptResult,
    ) -> Result<Delivery, RegistryError> {
        self.write(|tx, now| {
            let mut d = tx.delivery(id)?.ok_or_else(|| RegistryError::NotFound {
                what: "webhook delivery",
                id: id.chars().take(80).collect(),
                hint: "see `fermata webhook deliveries ENDPOINT`",
            })?;
            let error = result.error.as_deref().map(|e| clip(e, MAX_ERROR_CHARS));
            let number = tx.delivery_attempts(id)?.len() as u32 + 1;
            tx.put_delivery_attempt(&DeliveryAttempt {
                delivery: d.id.clone(),
                attempt: number,
                at: now.at.clone(),
                status_code: result.status_code,
                error: error.clone(),
                duration_ms: result.duration_ms,
            })?;
            if d.status != DeliveryStatus::Pending {
                // Removed (or replayed and sent by another worker) meanwhile: keep what it is.
                return Ok(d);
            }
            d.attempts += 1;
            d.last_status_code = result.status_code;
            d.last_error = error;
            d.updated_at = now.at.clone();
            match result.status_code {
                Some(code) if (200..300).contains(&code) => {
                    d.status = DeliveryStatus::Delivered;
                    d.delivered_at = Some(now.at.clone());
                    d.next_attempt_at = None;
                }
                Some(410) => {
                    d.status = DeliveryStatus::Failed;
                    d.next_attempt_at = None;
                    if let Some(mut s) = load_endpoint(tx, &d.endpoint)?
                        && s.endpoint.is_live()
                    {
                        let reason = format!("it answered 410 Gone to delivery {}", d.id);
                        s.endpoint.disabled_at = Some(now.at.clone());
                        s.endpoint.disabled_reason = Some(reason.clone());
                        put_endpoint(tx, &s)?;
                        append(
                            tx,
                            now,
                            "fermata",
                            "webhook.disabled",
                            format!("webhook:{} party:{}", s.endpoint.id, s.endpoint.party),
                            audit::payload(
                                &serde_json::json!({"id": s.endpoint.id, "reason": reason}),
                            )?,
                        )?;
                    }
                }
                _ => match retry_delay(d.attempts) {
                    Some(delay) => d.next_attempt_at = Some(later(now, delay)?),
                    None => {
                        d.status = DeliveryStatus::Failed;
                        d.next_attempt_at = None;
                    }
                },
            }
            tx.put_delivery(&d)?;
            Ok(d)
        })
    }
}

#[cfg(test)]
mod tests;
