//! The mail queue: e-mail to the people of a party about the same events its webhooks tell.
//!
//! Mail is made from the audit log exactly as webhook deliveries are, by the same rule of who
//! is told what (`webhooks::recipients`): [`Registry::enqueue_mail`] reads the events after its
//! own cursor (`mail`), and for each (event, party, what that party may see) queues one mail per
//! person of the party who can sign in and has not turned mail off
//! ([`Registry::set_mail_notifications`]); the mail rows and the cursor move in one transaction.
//! A sender (`fermata_mail`) claims due mail with a lease ([`MAIL_CLAIM_LEASE_S`]), composes it
//! in the person's language, sends it and reports back with [`Registry::record_mail_attempt`]:
//! sent, or retried after [`MAIL_RETRY_DELAYS_S`] until [`MAIL_MAX_ATTEMPTS`], then failed.
//!
//! Bounds: events older than [`MAIL_MAX_EVENT_AGE_H`] hours are not mailed (a server that ran
//! without SMTP for a month does not send a month of mail when SMTP is configured); sent and
//! failed rows are deleted after [`MAIL_KEEP_DAYS`] days. Rows are operational, like webhook
//! deliveries: not covered by the audit chain. They hold the address, never a secret.

use crate::RegistryError;
use crate::audit::Now;
use crate::people::{Person, people_of, person_in};
use crate::registry::Registry;
use crate::webhooks::{DeliveryStatus, EventType, clip, format_at, later, parse_at, recipients};
use serde::{Deserialize, Serialize};

/// Attempts before a mail is given up (`failed`).
pub const MAIL_MAX_ATTEMPTS: u32 = 6;
/// Seconds to wait after the 1st, 2nd, … failed attempt: 10 s, 1 min, 5 min, 30 min, 2 h.
pub const MAIL_RETRY_DELAYS_S: [i64; 5] = [10, 60, 300, 1_800, 7_200];
/// Seconds a claimed mail is held by its sender (longer than one SMTP conversation may take).
pub const MAIL_CLAIM_LEASE_S: i64 = 120;
/// Events older than this (hours) when first read are not mailed.
pub const MAIL_MAX_EVENT_AGE_H: i64 = 48;
/// Days a sent or failed mail row is kept (for `fermata mail queue`) before it is deleted.
pub const MAIL_KEEP_DAYS: i64 = 30;
/// Most mail rows listed or claimed at once.
pub const MAX_MAIL_LISTED: usize = 1_000;
/// The mail cursor's name.
const CURSOR: &str = "mail";
/// Events read by one enqueueing transaction.
const ENQUEUE_BATCH: usize = 500;
/// Longest error text kept with a mail.
const MAX_ERROR_CHARS: usize = 500;

/// One e-mail to one person about one event (what it says is composed when it is sent, in the
/// person's language of that moment).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    /// Its id, e.g. `mail-00000001`.
    pub id: String,
    /// The person it goes to.
    pub person: String,
    /// Their address when it was queued.
    pub to: String,
    /// What it tells.
    pub event_type: EventType,
    /// The audit event it tells of.
    pub event_seq: Option<u64>,
    /// What the person's party may see of the event (JSON, as a webhook's `data`).
    pub data: String,
    /// pending, delivered (sent) or failed.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When it is next tried (while pending).
    pub next_attempt_at: Option<String>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When the SMTP server accepted it.
    pub sent_at: Option<String>,
}

/// A mail claimed for sending, with its person as they are now.
#[derive(Clone, Debug)]
pub struct DueMail {
    /// The row.
    pub mail: Mail,
    /// The person (their address and locale now).
    pub person: Person,
}

/// What one enqueueing pass did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MailEnqueueReport {
    /// Audit events read.
    pub events: u64,
    /// Mails queued from them.
    pub mails: usize,
    /// Old sent or failed rows deleted.
    pub pruned: usize,
    /// The cursor after the pass.
    pub cursor: u64,
}

/// The delay after the `attempts`-th failed attempt; None once [`MAIL_MAX_ATTEMPTS`] are spent.
pub fn mail_retry_delay(attempts: u32) -> Option<i64> {
    if attempts == 0 || attempts >= MAIL_MAX_ATTEMPTS {
        return None;
    }
    MAIL_RETRY_DELAYS_S
        .get(attempts as usize - 1)
        .copied()
        .or(MAIL_RETRY_DELAYS_S.last().copied())
}

fn too_old(event_at: &str, now: &Now) -> bool {
    match (parse_at(event_at), parse_at(&now.at)) {
        (Ok(e), Ok(n)) => n - e > time::Duration::hours(MAIL_MAX_EVENT_AGE_H),
        _ => true,
    }
}

fn not_found(id: &str) -> RegistryError {
    RegistryError::NotFound {
        what: "mail",
        id: id.chars().take(80).collect(),
        hint: "see `fermata mail queue`",
    }
}

impl Registry {
    /// Reads the audit events after the mail cursor and queues a mail for each (event, party it
    /// concerns, person of that party who has set a password and not turned mail off),
    /// advancing the cursor in the same transaction, batch by batch; then deletes sent and
    /// failed rows older than [`MAIL_KEEP_DAYS`].
    pub fn enqueue_mail(&mut self) -> Result<MailEnqueueReport, RegistryError> {
        let mut report = MailEnqueueReport::default();
        let (cursor, last) =
            self.read(|tx| Ok((tx.cursor(CURSOR)?, tx.last_event()?.map_or(0, |e| e.seq))))?;
        report.cursor = cursor;
        if last > cursor {
            loop {
                let (events, made, cursor) = self.write(|tx, now| {
                    let cursor = tx.cursor(CURSOR)?;
                    let batch = tx.events_after(cursor, ENQUEUE_BATCH)?;
                    let mut made = 0;
                    let mut last = cursor;
                    for event in &batch {
                        last = event.seq;
                        if too_old(&event.at, now) {
                            continue;
                        }
                        for (party, t, data) in recipients(tx, event)? {
                            let data = serde_json::to_string(&data).map_err(|e| {
                                RegistryError::Internal(format!("cannot encode a mail: {e}"))
                            })?;
                            for p in people_of(tx, &party)? {
                                if p.mail_off || p.password_set_at.is_none() {
                                    continue;
                                }
                                let mail = Mail {
                                    id: format!("mail-{:08}", tx.next_number("mail")?),
                                    person: p.id.clone(),
                                    to: p.email.clone(),
                                    event_type: t,
                                    event_seq: Some(event.seq),
                                    data: data.clone(),
                                    status: DeliveryStatus::Pending,
                                    attempts: 0,
                                    next_attempt_at: Some(now.at.clone()),
                                    last_error: None,
                                    created_at: now.at.clone(),
                                    updated_at: now.at.clone(),
                                    sent_at: None,
                                };
                                tx.put_mail(&mail)?;
                                made += 1;
                            }
                        }
                    }
                    if last != cursor {
                        tx.set_cursor(CURSOR, last)?;
                    }
                    Ok((batch.len() as u64, made, last))
                })?;
                report.events += events;
                report.mails += made;
                report.cursor = cursor;
                if events < ENQUEUE_BATCH as u64 {
                    break;
                }
            }
        }
        report.pruned = self.write(|tx, now| {
            let before = format_at(parse_at(&now.at)? - time::Duration::days(MAIL_KEEP_DAYS));
            tx.prune_mail(&before)
        })?;
        Ok(report)
    }

    /// Claims up to `limit` due mails: each is held for [`MAIL_CLAIM_LEASE_S`] seconds and comes
    /// with its person as they are now. A mail whose person is gone or has turned mail off fails
    /// here instead (it is never sent).
    pub fn claim_mail(&mut self, limit: usize) -> Result<Vec<DueMail>, RegistryError> {
        self.write(|tx, now| {
            let lease = later(now, MAIL_CLAIM_LEASE_S)?;
            let mut out = Vec::new();
            for mut m in tx.due_mail(&now.at, limit.min(MAX_MAIL_LISTED))? {
                m.updated_at = now.at.clone();
                let person = person_in(tx, &m.person)?;
                let Some(person) = person.filter(|p| !p.mail_off) else {
                    m.status = DeliveryStatus::Failed;
                    m.next_attempt_at = None;
                    m.last_error = Some("not sent: the person is gone or turned e-mail off".into());
                    tx.put_mail(&m)?;
                    continue;
                };
                m.next_attempt_at = Some(lease.clone());
                tx.put_mail(&m)?;
                out.push(DueMail { mail: m, person });
            }
            Ok(out)
        })
    }

    /// Records one attempt to send a mail: `Ok` is sent; an error (the SMTP server refused it,
    /// or could not be reached) is retried after [`mail_retry_delay`] or, after
    /// [`MAIL_MAX_ATTEMPTS`], failed.
    pub fn record_mail_attempt(
        &mut self,
        id: &str,
        result: Result<(), &str>,
    ) -> Result<Mail, RegistryError> {
        self.write(|tx, now| {
            let mut m = tx.mail(id)?.ok_or_else(|| not_found(id))?;
            if m.status != DeliveryStatus::Pending {
                return Ok(m);
            }
            m.attempts += 1;
            m.updated_at = now.at.clone();
            match result {
                Ok(()) => {
                    m.status = DeliveryStatus::Delivered;
                    m.sent_at = Some(now.at.clone());
                    m.next_attempt_at = None;
                    m.last_error = None;
                }
                Err(e) => {
                    m.last_error = Some(clip(e, MAX_ERROR_CHARS));
                    match mail_retry_delay(m.attempts) {
                        Some(d) => m.next_attempt_at = Some(later(now, d)?),
                        None => {
                            m.status = DeliveryStatus::Failed;
                            m.next_attempt_at = None;
                        }
                    }
                }
            }
            tx.put_mail(&m)?;
            Ok(m)
        })
    }

    /// The mail queue, newest first, at most `limit` (itself at most [`MAX_MAIL_LISTED`]):
    /// with `status`, only mails in that state.
    pub fn mail_queue(
        &mut self,
        status: Option<DeliveryStatus>,
        limit: usize,
    ) -> Result<Vec<Mail>, RegistryError> {
        self.read(|tx| tx.mail_list(status, limit.min(MAX_MAIL_LISTED)))
    }

    /// One mail.
    pub fn mail(&mut self, id: &str) -> Result<Mail, RegistryError> {
        self.read(|tx| tx.mail(id)?.ok_or_else(|| not_found(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Clock;
    use crate::market::Role;
    use crate::market_ops::RequestDraft;
    use crate::model::{Decision, Isrc, PartyKind, Use, Work, parse_shares};
    use crate::registry::PolicyChange;

    const PW: &str = "correct horse battery staple";

    fn at(r: &mut Registry, when: &str) {
        r.set_clock(Clock::fixed(when).unwrap());
    }

    /// label-a (two people who can sign in, one who cannot yet) holds work 1; dev asks for it.
    fn setup() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::create(&dir.path().join("r.sqlite")).unwrap();
        at(&mut r, "2030-01-01T10:00:00Z");
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .unwrap();
        r.add_party("dev", PartyKind::Developer, "Dev", "cli")
            .unwrap();
        let isrc: Isrc = "GBAAA2600001".parse().unwrap();
        r.register_works(
            "label-a",
            vec![Work {
                isrc,
                title: "Song".into(),
                artist: "A".into(),
                duration_s: None,
                iswc: None,
                registrant: "label-a".into(),
                credits: vec![],
                shares: parse_shares("label-a=100").unwrap(),
                tracks: vec![],
            }],
            "cli",
        )
        .unwrap();
        r.set_policy(
            PolicyChange::new("label-a", None, Use::TrainGenai, Decision::LicenceRequired),
            "label-a",
        )
        .unwrap();
        r.add_person(
            "label-a",
            "ko@a.example",
            "Ko",
            Role::HolderAdmin,
            Some(PW),
            "cli",
        )
        .unwrap();
        r.add_person(
            "label-a",
            "en@a.example",
            "En",
            Role::HolderViewer,
            Some(PW),
            "cli",
        )
        .unwrap();
        r.add_person(
            "label-a",
            "new@a.example",
            "New",
            Role::HolderViewer,
            None,
            "cli",
        )
        .unwrap();
        r.add_person(
            "dev",
            "dev@d.example",
            "Dev",
            Role::Developer,
            Some(PW),
            "cli",
        )
        .unwrap();
        (dir, r)
    }

    fn ask(r: &mut Registry) -> String {
        r.request_licences(
            RequestDraft {
                developer: "dev".into(),
                use_: Use::TrainGenai,
                model: "m1".into(),
                territories: vec![],
                valid_from: "2030-01-01".into(),
                valid_to: Some("2030-12-31".into()),
                term_months: None,
                works: vec!["GBAAA2600001".parse().unwrap()],
                scan: None,
            },
            "dev",
        )
        .unwrap()
        .id
    }

    #[test]
    fn a_request_is_mailed_once_to_each_person_of_the_holder_who_can_sign_in() {
        let (_d, mut r) = setup();
        ask(&mut r);
        let report = r.enqueue_mail().unwrap();
        assert_eq!(report.mails, 2, "{report:?}");
        // Nothing new: nothing more, however often it runs.
        assert_eq!(r.enqueue_mail().unwrap().mails, 0);
        let q = r.mail_queue(None, 100).unwrap();
        let mut to: Vec<&str> = q.iter().map(|m| m.to.as_str()).collect();
        to.sort();
        assert_eq!(to, ["en@a.example", "ko@a.example"]);
        for m in &q {
            assert_eq!(m.event_type, EventType::RequestReceived);
            assert_eq!(m.status, DeliveryStatus::Pending);
            let data: serde_json::Value = serde_json::from_str(&m.data).unwrap();
            assert_eq!(data["request"]["developer"], "dev");
        }
        // The chain still verifies with the mail rows and the preference events.
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn claims_are_leased_attempts_retried_then_failed_and_mail_off_is_respected() {
        let (_d, mut r) = setup();
        let ko = r.people(Some("label-a")).unwrap()[0].clone();
        assert_eq!(ko.email, "ko@a.example");
        ask(&mut r);
        r.enqueue_mail().unwrap();
        let claimed = r.claim_mail(10).unwrap();
        assert_eq!(claimed.len(), 2);
        // Leased: a second sender finds nothing due.
        assert!(r.claim_mail(10).unwrap().is_empty());
        let (a, b) = (&claimed[0].mail.id, &claimed[1].mail.id);
        let sent = r.record_mail_attempt(a, Ok(())).unwrap();
        assert_eq!(sent.status, DeliveryStatus::Delivered);
        assert!(sent.sent_at.is_some());
        let mut m = r.record_mail_attempt(b, Err("451 try later")).unwrap();
        assert_eq!((m.status, m.attempts), (DeliveryStatus::Pending, 1));
        assert_eq!(m.next_attempt_at.as_deref(), Some("2030-01-01T10:00:10Z"));
        // Recording again after it is sent changes nothing.
        assert_eq!(r.record_mail_attempt(a, Err("late")).unwrap(), sent);
        let mut clock = 10;
        while m.status == DeliveryStatus::Pending {
            // Past the longest delay each time.
            clock += 8_000;
            let t = parse_at("2030-01-01T10:00:00Z").unwrap() + time::Duration::seconds(clock);
            r.set_clock(Clock::fixed(&format_at(t)).unwrap());
            let due = r.claim_mail(10).unwrap();
            assert_eq!(due.len(), 1);
            m = r.record_mail_attempt(b, Err("550 no")).unwrap();
        }
        assert_eq!(
            (m.status, m.attempts),
            (DeliveryStatus::Failed, MAIL_MAX_ATTEMPTS)
        );
        assert_eq!(m.last_error.as_deref(), Some("550 no"));
        assert!(r.mail("mail-99999999").is_err());

        // Mail off: nothing queued for that person; pending mail for them fails unsent.
        let p = r.set_mail_notifications(&ko.id, false).unwrap();
        assert!(p.mail_off);
        ask(&mut r);
        r.enqueue_mail().unwrap();
        let due = r.claim_mail(10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].person.email, "en@a.example");
        let log = r.history(None).unwrap();
        assert!(log.iter().any(|e| e.action == "person.mail-set"));
        assert!(r.set_mail_notifications(&ko.id, true).is_ok());
        assert!(!r.person(&ko.id).unwrap().mail_off);
        assert!(r.set_mail_notifications("person-999999", true).is_err());
    }

    #[test]
    fn old_events_are_not_mailed_and_old_rows_are_pruned() {
        let (_d, mut r) = setup();
        ask(&mut r);
        // First read three days later: too old to mail.
        at(&mut r, "2030-01-04T10:00:00Z");
        let report = r.enqueue_mail().unwrap();
        assert_eq!((report.mails, report.events > 0), (0, true));
        ask(&mut r);
        r.enqueue_mail().unwrap();
        for d in r.claim_mail(10).unwrap() {
            r.record_mail_attempt(&d.mail.id, Ok(())).unwrap();
        }
        assert_eq!(
            r.mail_queue(Some(DeliveryStatus::Delivered), 10)
                .unwrap()
                .len(),
            2
        );
        at(&mut r, "2030-02-10T10:00:00Z");
        assert_eq!(r.enqueue_mail().unwrap().pruned, 2);
        assert!(r.mail_queue(None, 10).unwrap().is_empty());
    }
}
