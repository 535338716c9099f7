//! The audit log: every state change appends an event that carries the hash of the one before,
//! so an edited, deleted, inserted or reordered event breaks the chain where it happened; and
//! every event carries the digests of the records its change left behind, so a record edited,
//! deleted or inserted behind fermata's back no longer matches what the chain says it should be.
//!
//! # The event hash
//!
//! An event's hash is SHA-256 over, in order:
//!
//! ```text
//! prev_hash (32 bytes; 32 zero bytes for the first event)
//! seq       (u64, big-endian)
//! at, actor, action, subjects, payload: each as u32 big-endian byte length, then UTF-8 bytes
//! records   (layout 2 only): u32 big-endian byte length, then UTF-8 bytes
//! ```
//!
//! `subjects` is a space-separated list such as `work:GBAYE6900531 party:indie-records`, which is
//! what `fermata audit log --work` searches; `payload` is the change as JSON.
//!
//! The `layout` column says which of the two forms an event was hashed with. Layout 1 (events
//! written before schema version 4) stops after `payload`; layout 2 adds `records`. The two can
//! never hash the same bytes (the fields before `records` are length-prefixed, so a layout-1
//! input always ends where a layout-2 input goes on), and the layout can only go up along the
//! chain: a layout-1 event after a layout-2 one is reported.
//!
//! # Record digests
//!
//! `records` is a JSON array of `[kind, id, sha256]` triples, sorted by kind and id: for each
//! record the event's transaction wrote, the hex SHA-256 of the record's canonical encoding as
//! read back from the store once the change was made (`null` when the record is gone). All the
//! records a transaction wrote are attributed to its events: to the first event appended after
//! the write, or to the transaction's last event for writes made after it. The kinds and their
//! ids are:
//!
//! | kind | id | what |
//! |------|----|------|
//! | `party` | party id | a party |
//! | `work` | ISRC | a work's own fields (title, artist, duration, ISWC, registrant) |
//! | `credits`, `shares`, `tracks` | ISRC | a work's credits, share rows and linked tracks, each as a whole |
//! | `policy` | `HOLDER/ISRC/USE` (`*` for the whole catalogue) | a policy |
//! | `licence`, `scan`, `manifest` | its id | a licence, a scan's parameters and finish time, a manifest |
//! | `offer`, `request`, `usage`, `statement`, `share-change`, `person`, `link`, `notice`, `signup`, `declaration`, `certificate`, `certificate-key`, `webhook`, `attribution` | its id | a document, with its owner (a person's document holds their password hash; a link's, the SHA-256 of its secret; a webhook's, the secret that signs its deliveries) |
//! | `key` | key id | an API key, with the SHA-256 of its secret |
//!
//! A record's canonical encoding is its kind and then each field in a fixed order, each as a
//! byte 0 (absent) or a byte 1, a u32 big-endian byte length and the UTF-8 text (numbers in
//! decimal); a list is its u32 big-endian length and then its items' fields (see `state.rs`).
//! A field added to a record later is encoded, at the end, only when it is not absent, so the
//! digests recorded before it still match.
//!
//! Not covered: a scan's per-file progress (`scan_files`, written while a scan runs and
//! summarised by its `scan.finished` event), the id sequences, the stored idempotent
//! responses and the web app's sessions (each opened and ended by an event of its own), and
//! the webhook deliveries with their attempts and the audit-log cursor they are made from
//! (derived from the events themselves; adding, removing and disabling an endpoint are events).
//! They are bookkeeping, not rights decisions.
//!
//! [`verify_state`] folds the events' digests, oldest first, into what each record should hash
//! to now, and compares that with every record in the store. Registries written before record
//! digests get one `audit.checkpoint` event when first opened by a fermata that has them: it
//! records every record as it stands then, so the state at that moment is trusted, and any
//! later edit is caught.
//!
//! Like the chain itself, this proves nothing against someone who rewrites the log to match
//! their edits: publish the head hash, and a later `verify` that reaches the same head proves
//! that neither the events before it nor the records they describe changed since.

use crate::RegistryError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The event hash layout this build writes (see the module documentation).
pub const LAYOUT: u32 = 2;

fn layout_1() -> u32 {
    1
}

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
    /// Which hash layout the event was written with: 1 (no record digests) or 2.
    #[serde(default = "layout_1")]
    pub layout: u32,
    /// The digests of the records the change left behind, as a JSON array of
    /// `[kind, id, sha256 or null]` (empty in layout 1).
    #[serde(default)]
    pub records: String,
    /// Hex SHA-256 of the previous event (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this event, as defined in the module documentation.
    pub hash: String,
}

/// The previous-hash of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn hash_fields(prev_hash: &str, seq: u64, fields: &[&str]) -> String {
    let mut h = Sha256::new();
    let prev = hex::decode(prev_hash).unwrap_or_default();
    let mut prev_bytes = [0u8; 32];
    if prev.len() == 32 {
        prev_bytes.copy_from_slice(&prev);
    }
    h.update(prev_bytes);
    h.update(seq.to_be_bytes());
    for field in fields {
        h.update((field.len() as u32).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Computes a layout-1 event's hash from its fields and the previous hash.
pub fn event_hash(
    prev_hash: &str,
    seq: u64,
    at: &str,
    actor: &str,
    action: &str,
    subjects: &str,
    payload: &str,
) -> String {
    hash_fields(prev_hash, seq, &[at, actor, action, subjects, payload])
}

impl Event {
    /// The event that follows `prev` (or starts the log), with no record digests yet, hashed in
    /// this build's layout.
    pub fn next(
        prev: Option<&Event>,
        at: String,
        actor: &str,
        action: &str,
        subjects: String,
        payload: String,
    ) -> Event {
        let (seq, prev_hash) = match prev {
            Some(p) => (p.seq + 1, p.hash.clone()),
            None => (1, GENESIS_HASH.to_string()),
        };
        let mut event = Event {
            seq,
            at,
            actor: actor.to_string(),
            action: action.to_string(),
            subjects,
            payload,
            layout: LAYOUT,
            records: String::new(),
            prev_hash,
            hash: String::new(),
        };
        event.hash = event.compute_hash().unwrap_or_default();
        event
    }

    /// The same event carrying `records` (see [`encode_records`]), hashed again.
    pub fn with_records(mut self, records: String) -> Event {
        self.records = records;
        self.hash = self.compute_hash().unwrap_or_default();
        self
    }

    /// The hash the event's fields give in its layout; None for a layout this build does not know.
    pub fn compute_hash(&self) -> Option<String> {
        let common = [
            self.at.as_str(),
            &self.actor,
            &self.action,
            &self.subjects,
            &self.payload,
        ];
        match self.layout {
            1 => Some(hash_fields(&self.prev_hash, self.seq, &common)),
            2 => {
                let [a, b, c, d, e] = common;
                Some(hash_fields(
                    &self.prev_hash,
                    self.seq,
                    &[a, b, c, d, e, &self.records],
                ))
            }
            _ => None,
        }
    }

    /// True when the event names `subject` (e.g. `work:GBAYE6900531`).
    pub fn is_about(&self, subject: &str) -> bool {
        self.subjects.split(' ').any(|s| s == subject)
    }

    /// The record digests the event carries.
    pub fn record_digests(&self) -> Result<Vec<(String, String, Option<String>)>, String> {
        if self.records.is_empty() {
            return Ok(Vec::new());
        }
        serde_json::from_str(&self.records).map_err(|e| e.to_string())
    }
}

/// Record digests keyed by (kind, id); None means the record is gone.
pub type Digests = BTreeMap<(String, String), Option<String>>;

/// The `records` text of an event: a JSON array of `[kind, id, sha256 or null]`, sorted.
pub fn encode_records(digests: &Digests) -> Result<String, RegistryError> {
    if digests.is_empty() {
        return Ok(String::new());
    }
    let list: Vec<(&str, &str, Option<&str>)> = digests
        .iter()
        .map(|((k, i), h)| (k.as_str(), i.as_str(), h.as_deref()))
        .collect();
    payload(&list)
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

/// Where and how the chain, or the state it describes, is broken.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadEvent {
    /// Sequence number of the first event that does not check out; for a record that differs
    /// from the chain, the event that recorded it (the last event when none did).
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
    /// The record that differs from what the chain recorded, as `kind:id`
    /// (e.g. `licence:lic-000003`); None when the chain itself is broken.
    pub record: Option<String>,
}

/// Walks the events in stored order and reports the first one that breaks the chain.
pub fn verify(events: &[Event]) -> AuditReport {
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut layout = 1;
    for (expected_seq, event) in (1u64..).zip(events) {
        let bad = |reason: String| AuditReport {
            events: events.len() as u64,
            head: events.last().map(|e| e.hash.clone()).unwrap_or_default(),
            first_bad: Some(BadEvent {
                seq: event.seq,
                reason,
                record: None,
            }),
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
        match event.compute_hash() {
            None => {
                return bad(format!(
                    "it has hash layout {}, which this fermata does not know: it was edited",
                    event.layout
                ));
            }
            Some(h) if h != event.hash => {
                return bad("its content does not match its hash: it was edited".to_string());
            }
            Some(_) => {}
        }
        if event.layout < layout {
            return bad(format!(
                "it has hash layout {} after events of layout {layout}: it was forged in the old layout, which records no digests",
                event.layout
            ));
        }
        if event.layout == 1 && !event.records.is_empty() {
            return bad("a layout-1 event carries record digests: it was edited".to_string());
        }
        layout = event.layout;
        prev_hash = event.hash.clone();
    }
    AuditReport {
        events: events.len() as u64,
        head: prev_hash,
        first_bad: None,
    }
}

/// How a record is named in a report: `licence lic-000003`, `the shares of work GB…`.
fn describe(kind: &str, id: &str) -> String {
    match kind {
        "credits" | "shares" | "tracks" => format!("the {kind} of work {id}"),
        "usage" => format!("usage report {id}"),
        "key" => format!("API key {id}"),
        _ => format!("{kind} {id}"),
    }
}

/// Checks the chain as [`verify`] does, then that `current` (every record in the store, by
/// (kind, id), with the hex SHA-256 of its canonical encoding) is exactly what the events'
/// record digests add up to, and names the first record that is not: the one recorded by the
/// earliest event, or one that no event recorded.
pub fn verify_state(events: &[Event], current: &BTreeMap<(String, String), String>) -> AuditReport {
    let mut report = verify(events);
    if report.first_bad.is_some() {
        return report;
    }
    let head = events.last().map_or(0, |e| e.seq);
    let bad = |seq: u64, reason: String, record: Option<String>| {
        Some(BadEvent {
            seq,
            reason,
            record,
        })
    };
    if events.last().is_some_and(|e| e.layout < 2) {
        report.first_bad = bad(
            head,
            "the log ends before record digests begin: open the registry with this fermata so that it adds its checkpoint".into(),
            None,
        );
        return report;
    }
    // (kind, id) -> (event that last recorded it, its digest then).
    let mut expected: BTreeMap<(String, String), (u64, Option<String>)> = BTreeMap::new();
    for event in events {
        match event.record_digests() {
            Ok(digests) => {
                for (kind, id, digest) in digests {
                    expected.insert((kind, id), (event.seq, digest));
                }
            }
            Err(e) => {
                report.first_bad = bad(
                    event.seq,
                    format!("its record digests do not read ({e}): it was edited"),
                    None,
                );
                return report;
            }
        }
    }
    let mut problems: Vec<(u64, String, String, String)> = Vec::new();
    for ((kind, id), (seq, digest)) in &expected {
        let what = describe(kind, id);
        let plural = matches!(kind.as_str(), "credits" | "shares" | "tracks");
        let reason = match (digest, current.get(&(kind.clone(), id.clone()))) {
            (Some(want), Some(have)) if want == have => continue,
            (None, None) => continue,
            (Some(_), Some(_)) => format!(
                "{what} {} from what event #{seq} recorded: {} changed outside fermata",
                if plural { "differ" } else { "differs" },
                if plural { "they were" } else { "it was" }
            ),
            (Some(_), None) => format!(
                "{what} is missing, though event #{seq} recorded it: it was deleted outside fermata"
            ),
            (None, Some(_)) => format!(
                "{what} is present, though event #{seq} recorded its removal: it was written outside fermata"
            ),
        };
        problems.push((*seq, kind.clone(), id.clone(), reason));
    }
    for (kind, id) in current.keys() {
        if !expected.contains_key(&(kind.clone(), id.clone())) {
            let reason = format!(
                "{} is not recorded by any event: it was written outside fermata",
                describe(kind, id)
            );
            problems.push((head, kind.clone(), id.clone(), reason));
        }
    }
    if let Some((seq, kind, id, reason)) = problems.into_iter().min() {
        report.first_bad = bad(seq, reason, Some(format!("{kind}:{id}")));
    }
    report
}

/// The registry's clock: the system's, or one fixed instant (tests, and questions such as "what
/// would this scan have said on that day"). Every operation reads it once, at its start, and
/// hands that [`Now`] to the rules it runs, so one operation never sees two different times and
/// every rule is a function of the time it is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system's UTC clock.
    #[default]
    System,
    /// Always this instant (UTC).
    Fixed(time::OffsetDateTime),
}

impl Clock {
    /// A clock stopped at `at` (RFC 3339, e.g. `2027-01-31T12:00:00Z`).
    pub fn fixed(at: &str) -> Result<Clock, RegistryError> {
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .map(|t| Clock::Fixed(t.to_offset(time::UtcOffset::UTC)))
            .map_err(|e| RegistryError::Invalid {
                field: "clock",
                value: at.chars().take(64).collect(),
                reason: format!("not an RFC 3339 time ({e}), e.g. 2027-01-31T12:00:00Z"),
            })
    }

    /// Reads the clock once.
    pub fn read(&self) -> Now {
        let t = match self {
            Clock::System => time::OffsetDateTime::now_utc(),
            Clock::Fixed(t) => *t,
        };
        Now::of(t)
    }
}

/// One operation's "now": the instant (RFC 3339 UTC, whole seconds) that its records and audit
/// events carry, and the day (YYYY-MM-DD, UTC) its rules ask about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Now {
    /// RFC 3339 UTC with seconds, e.g. `2026-11-30T15:00:00Z`.
    pub at: String,
    /// The same instant's day, e.g. `2026-11-30`.
    pub date: String,
}

impl Now {
    fn of(t: time::OffsetDateTime) -> Now {
        let t = t.replace_nanosecond(0).unwrap_or(t);
        let d = t.date();
        Now {
            at: t
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| t.unix_timestamp().to_string()),
            date: crate::model::format_day(d),
        }
    }
}

/// The system's current time as RFC 3339 UTC with seconds (for the doors; operations use the
/// registry's [`Clock`]).
pub fn now() -> String {
    Clock::System.read().at
}

/// The system's current day as YYYY-MM-DD (UTC), for the doors' defaults.
pub fn today() -> String {
    Clock::System.read().date
}

/// Makes sure a JSON payload is well-formed before it is hashed into the log.
pub(crate) fn payload(value: &impl Serialize) -> Result<String, RegistryError> {
    serde_json::to_string(value)
        .map_err(|e| RegistryError::Internal(format!("cannot encode an audit payload: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for i in 0..n {
            let e = Event::next(
                out.last(),
                format!("2026-01-01T00:00:0{i}Z"),
                "cli",
                "test",
                format!("work:W{i}"),
                format!("{{\"i\":{i}}}"),
            );
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

    fn digests(list: &[(&str, &str, Option<&str>)]) -> String {
        let map: Digests = list
            .iter()
            .map(|(k, i, d)| ((k.to_string(), i.to_string()), d.map(str::to_string)))
            .collect();
        encode_records(&map).unwrap()
    }

    fn state(list: &[(&str, &str, &str)]) -> BTreeMap<(String, String), String> {
        list.iter()
            .map(|(k, i, d)| ((k.to_string(), i.to_string()), d.to_string()))
            .collect()
    }

    /// A log of layout-1 events (as written before record digests), then a checkpoint and two
    /// changes in layout 2.
    fn mixed() -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for i in 0..3 {
            let mut e = Event::next(
                out.last(),
                format!("2026-01-01T00:00:0{i}Z"),
                "cli",
                "old",
                String::new(),
                "{}".into(),
            );
            e.layout = 1;
            e.hash = event_hash(
                &e.prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.action,
                &e.subjects,
                &e.payload,
            );
            out.push(e);
        }
        let add = |out: &mut Vec<Event>, action: &str, records: String| {
            let e = Event::next(
                out.last(),
                "2026-01-02T00:00:00Z".into(),
                "cli",
                action,
                String::new(),
                "{}".into(),
            )
            .with_records(records);
            out.push(e);
        };
        add(
            &mut out,
            "audit.checkpoint",
            digests(&[("licence", "lic-1", Some("aa")), ("party", "p", Some("bb"))]),
        );
        add(
            &mut out,
            "licence.revoked",
            digests(&[("licence", "lic-1", Some("cc"))]),
        );
        add(
            &mut out,
            "policy.set",
            digests(&[("policy", "p/*/train-ai", Some("dd")), ("party", "q", None)]),
        );
        out
    }

    #[test]
    fn the_two_layouts_hash_as_documented() {
        // Layout 1 is the hash of version 1, unchanged; layout 2 appends the records.
        let mut e = Event::next(
            None,
            "2026-01-01T00:00:00Z".into(),
            "cli",
            "party.added",
            "party:p".into(),
            "{}".into(),
        );
        e.layout = 1;
        assert_eq!(
            e.compute_hash().unwrap(),
            event_hash(
                GENESIS_HASH,
                1,
                "2026-01-01T00:00:00Z",
                "cli",
                "party.added",
                "party:p",
                "{}"
            )
        );
        assert_eq!(
            e.compute_hash().unwrap(),
            "2f40a0d18ea71f2268ceae888236b6beada9c14b2aee00214f99f62be4d215b8"
        );
        let e = Event::next(
            None,
            "2026-01-01T00:00:00Z".into(),
            "cli",
            "party.added",
            "party:p".into(),
            "{}".into(),
        )
        .with_records(digests(&[("party", "p", Some("ab"))]));
        assert_eq!(e.records, r#"[["party","p","ab"]]"#);
        // Both computed independently from the module documentation's description.
        assert_eq!(
            e.hash,
            "0492a02cc92ac2b8b25c4188322ed5b4671a6c1d78cdf92a2f39b4b9d40c8b2b"
        );
        let mut unknown = e.clone();
        unknown.layout = 3;
        assert_eq!(unknown.compute_hash(), None);
    }

    #[test]
    fn layouts_only_go_up_and_old_events_carry_no_digests() {
        assert_eq!(verify(&mixed()).first_bad, None);
        // A layout-2 event rewritten in layout 1 (its digests dropped, its hash recomputed)
        // still breaks the link to the next event; and where it is the last, the downgrade is named.
        let mut downgraded = mixed();
        let last = downgraded.len() - 1;
        downgraded[last].layout = 1;
        downgraded[last].records.clear();
        downgraded[last].hash = downgraded[last].compute_hash().unwrap();
        let bad = verify(&downgraded).first_bad.unwrap();
        assert_eq!(bad.seq, 6);
        assert!(
            bad.reason.contains("layout 1 after events of layout 2"),
            "{}",
            bad.reason
        );
        // Digests slipped into a layout-1 event (whose hash does not cover them).
        let mut slipped = mixed();
        slipped[1].records = digests(&[("licence", "lic-9", Some("ee"))]);
        assert_eq!(verify(&slipped).first_bad.unwrap().seq, 2);
        // A layout that does not exist.
        let mut unknown = mixed();
        unknown[4].layout = 7;
        assert!(
            verify(&unknown)
                .first_bad
                .unwrap()
                .reason
                .contains("layout 7")
        );
    }

    #[test]
    fn the_state_must_be_what_the_events_recorded() {
        let events = mixed();
        let good = state(&[
            ("licence", "lic-1", "cc"),
            ("party", "p", "bb"),
            ("policy", "p/*/train-ai", "dd"),
        ]);
        assert_eq!(verify_state(&events, &good).first_bad, None);

        let check = |current: &[(&str, &str, &str)], seq: u64, record: &str, words: &str| {
            let bad = verify_state(&events, &state(current)).first_bad.unwrap();
            assert_eq!(
                (bad.seq, bad.record.as_deref()),
                (seq, Some(record)),
                "{bad:?}"
            );
            assert!(bad.reason.contains(words), "{}", bad.reason);
        };
        // Changed: the licence as the checkpoint had it, not as the revocation left it.
        check(
            &[
                ("licence", "lic-1", "aa"),
                ("party", "p", "bb"),
                ("policy", "p/*/train-ai", "dd"),
            ],
            5,
            "licence:lic-1",
            "licence lic-1 differs from what event #5 recorded",
        );
        // Missing.
        check(
            &[("licence", "lic-1", "cc"), ("party", "p", "bb")],
            6,
            "policy:p/*/train-ai",
            "missing",
        );
        // Present though recorded as removed.
        check(
            &[
                ("licence", "lic-1", "cc"),
                ("party", "p", "bb"),
                ("party", "q", "ff"),
                ("policy", "p/*/train-ai", "dd"),
            ],
            6,
            "party:q",
            "recorded its removal",
        );
        // Recorded by no event: named at the head.
        check(
            &[
                ("licence", "lic-1", "cc"),
                ("party", "p", "bb"),
                ("policy", "p/*/train-ai", "dd"),
                ("shares", "GB1", "00"),
            ],
            6,
            "shares:GB1",
            "the shares of work GB1 is not recorded",
        );
        // Several problems: the one recorded earliest comes first.
        check(
            &[("licence", "lic-1", "cc"), ("party", "p", "xx")],
            4,
            "party:p",
            "party p differs",
        );

        // A log that ends before digests began is not taken as proof of anything.
        let bad = verify_state(&events[..3], &good).first_bad.unwrap();
        assert!(bad.reason.contains("checkpoint"), "{}", bad.reason);
        // An empty log with records: none of them is recorded.
        assert_eq!(
            verify_state(&[], &good)
                .first_bad
                .unwrap()
                .record
                .as_deref(),
            Some("licence:lic-1")
        );
        // A chain problem comes before any record problem.
        let mut edited = mixed();
        edited[4].records = digests(&[("licence", "lic-1", Some("aa"))]);
        let bad = verify_state(&edited, &good).first_bad.unwrap();
        assert_eq!((bad.seq, bad.record), (5, None));
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
        let forged = Event::next(
            Some(&inserted[1]),
            "2026-01-01T00:00:09Z".into(),
            "x",
            "forged",
            String::new(),
            "{}".into(),
        );
        inserted.insert(2, forged);
        for (i, e) in inserted.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
        }
        assert_eq!(verify(&inserted).first_bad.unwrap().seq, 4);
    }
}
