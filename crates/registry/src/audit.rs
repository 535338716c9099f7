//! The audit log: every state change appends an event that carries the hash of the one before,
//! so an edited, deleted, inserted or reordered event breaks the chain where it happened.
//!
//! An event's hash is SHA-256 over, in order:
//!
//! ```text
//! prev_hash (32 bytes; 32 zero bytes for the first event)
//! seq       (u64, big-endian)
//! at, actor, action, subjects, payload: each as u32 big-endian byte length, then UTF-8 bytes
//! ```
//!
//! `subjects` is a space-separated list such as `work:GBAYE6900531 party:indie-records`, which is
//! what `fermata audit log --work` searches; `payload` is the change as JSON.

use crate::RegistryError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Position in the log, from 1 with no gaps.
    pub seq: u64,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    /// Who did it (a party id, or `cli` for local administration).
    pub actor: String,
    /// What happened, e.g. `work.registered`, `licence.granted`.
    pub action: String,
    /// What it is about, space-separated `kind:id` tags.
    pub subjects: String,
    /// The change itself, as JSON.
    pub payload: String,
    /// Hex SHA-256 of the previous event (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this event, as defined in the module documentation.
    pub hash: String,
}

/// The previous-hash of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Computes an event's hash from its fields and the previous hash.
pub fn event_hash(prev_hash: &str, seq: u64, at: &str, actor: &str, action: &str, subjects: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    let prev = hex::decode(prev_hash).unwrap_or_default();
    let mut prev_bytes = [0u8; 32];
    if prev.len() == 32 {
        prev_bytes.copy_from_slice(&prev);
    }
    h.update(prev_bytes);
    h.update(seq.to_be_bytes());
    for field in [at, actor, action, subjects, payload] {
        h.update((field.len() as u32).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Event {
    /// The event that follows `prev` (or starts the log), with its hash.
    pub fn next(prev: Option<&Event>, at: String, actor: &str, action: &str, subjects: String, payload: String) -> Event {
        let (seq, prev_hash) = match prev {
            Some(p) => (p.seq + 1, p.hash.clone()),
            None => (1, GENESIS_HASH.to_string()),
        };
        let hash = event_hash(&prev_hash, seq, &at, actor, action, &subjects, &payload);
        Event { seq, at, actor: actor.to_string(), action: action.to_string(), subjects, payload, prev_hash, hash }
    }

    /// True when the event names `subject` (e.g. `work:GBAYE6900531`).
    pub fn is_about(&self, subject: &str) -> bool {
        self.subjects.split(' ').any(|s| s == subject)
    }
}

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditReport {
    /// Events checked.
    pub events: u64,
    /// Hash of the last event: publish it, and a later `verify` proves nothing before it changed.
    pub head: String,
    /// The first problem found, if any.
    pub first_bad: Option<BadEvent>,
}

/// Where and how the chain is broken.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadEvent {
    /// Sequence number of the first event that does not check out.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// Walks the events in stored order and reports the first one that breaks the chain.
pub fn verify(events: &[Event]) -> AuditReport {
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut expected_seq = 1;
    for event in events {
        let bad = |reason: String| AuditReport {
            events: events.len() as u64,
            head: events.last().map(|e| e.hash.clone()).unwrap_or_default(),
            first_bad: Some(BadEvent { seq: event.seq, reason }),
        };
        if event.seq != expected_seq {
            return bad(format!(
                "expected event {expected_seq} here but found {}: event(s) {expected_seq}..{} were deleted or renumbered",
                event.seq,
                event.seq.saturating_sub(1).max(expected_seq)
            ));
        }
        if event.prev_hash != prev_hash {
            return bad(format!(
                "does not follow event {}: its previous-hash differs, so an event before it was inserted, deleted or moved",
                expected_seq - 1
            ));
        }
        let recomputed =
            event_hash(&event.prev_hash, event.seq, &event.at, &event.actor, &event.action, &event.subjects, &event.payload);
        if recomputed != event.hash {
            return bad("its content does not match its hash: it was edited".to_string());
        }
        prev_hash = event.hash.clone();
        expected_seq += 1;
    }
    AuditReport { events: events.len() as u64, head: prev_hash, first_bad: None }
}

/// Current time as RFC 3339 UTC with seconds.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// Today as YYYY-MM-DD (UTC).
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Makes sure a JSON payload is well-formed before it is hashed into the log.
pub(crate) fn payload(value: &impl Serialize) -> Result<String, RegistryError> {
    serde_json::to_string(value).map_err(|e| RegistryError::Internal(format!("cannot encode an audit payload: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for i in 0..n {
            let e = Event::next(out.last(), format!("2026-01-01T00:00:0{i}Z"), "cli", "test", format!("work:W{i}"), format!("{{\"i\":{i}}}"));
            out.push(e);
        }
        out
    }

    proptest::proptest! {
        /// Any single edit, deletion (but of the last event, which only a published head can
        /// reveal) or swap of two events is caught, at or before the first event it touched.
        #[test]
        fn any_single_tampering_is_caught(n in 2u64..24, a in 0usize..24, b in 0usize..24, kind in 0u8..5) {
            let mut events = chain(n);
            let (a, b) = (a % n as usize, b % n as usize);
            let first_touched = match kind {
                0 => { events[a].payload.push('x'); a }
                1 => { events[a].actor = "mallory".into(); a }
                2 => { events[a].at = "1999-01-01T00:00:00Z".into(); a }
                3 => {
                    let a = a.min(n as usize - 2);
                    events.remove(a);
                    a
                }
                _ => {
                    // Stored events are read in sequence order, so a reordering moves contents
                    // between sequence numbers.
                    let b = if a == b { (a + 1) % n as usize } else { b };
                    events.swap(a, b);
                    let (sa, sb) = (events[a].seq, events[b].seq);
                    events[a].seq = sb;
                    events[b].seq = sa;
                    a.min(b)
                }
            };
            let bad = verify(&events).first_bad;
            proptest::prop_assert!(bad.is_some());
            proptest::prop_assert!(bad.unwrap().seq <= first_touched as u64 + 2);
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let events = chain(5);
        let report = verify(&events);
        assert_eq!(report.first_bad, None);
        assert_eq!(report.head, events[4].hash);
        assert_eq!(verify(&[]).first_bad, None);
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_event() {
        let mut edited = chain(5);
        edited[2].payload = "{\"i\":99}".into();
        assert_eq!(verify(&edited).first_bad.unwrap().seq, 3);

        let mut deleted = chain(5);
        deleted.remove(2);
        let bad = verify(&deleted).first_bad.unwrap();
        assert_eq!(bad.seq, 4);
        assert!(bad.reason.contains("deleted"), "{}", bad.reason);

        let mut reordered = chain(5);
        reordered.swap(1, 2);
        let (a, b) = (reordered[1].seq, reordered[2].seq);
        reordered[1].seq = b;
        reordered[2].seq = a;
        assert_eq!(verify(&reordered).first_bad.unwrap().seq, 2);

        // An inserted event with a valid hash of its own still breaks the next link.
        let mut inserted = chain(5);
        let forged = Event::next(Some(&inserted[1]), "2026-01-01T00:00:09Z".into(), "x", "forged", String::new(), "{}".into());
        inserted.insert(2, forged);
        for (i, e) in inserted.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
        }
        assert_eq!(verify(&inserted).first_bad.unwrap().seq, 4);
    }
}
