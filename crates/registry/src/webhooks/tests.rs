use super::*;
use crate::audit::Clock;
use crate::fixtures::isrc;
use crate::market_ops::RequestDraft;
use crate::model::{Decision, Isrc, Money, PartyKind, Territory, Use};
use crate::notices::NoticeDraft;
use crate::registry::{LicenceGrant, PolicyChange};
use crate::{LineStatus, UsageDraft};

/// label-a holds work 1 alone and work 2 with pub-b; both ask a licence for training.
fn setup() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = crate::fixtures::two_holders(
        &dir.path().join("r.sqlite"),
        Clock::fixed("2030-01-01T10:00:00Z").unwrap(),
    );
    r.add_party("audit-co", PartyKind::Auditor, "Audit Co", "cli")
        .unwrap();
    for h in ["label-a", "pub-b"] {
        r.set_policy(
            PolicyChange::new(h, None, Use::TrainGenai, Decision::LicenceRequired),
            h,
        )
        .unwrap();
    }
    (dir, r)
}

fn at(r: &mut Registry, when: &str) {
    r.set_clock(Clock::fixed(when).unwrap());
}

fn body(d: &Delivery) -> serde_json::Value {
    serde_json::from_str(&d.body).unwrap()
}

/// Every delivery made so far, oldest first.
fn all(r: &mut Registry) -> Vec<Delivery> {
    let mut out = Vec::new();
    for e in r.webhooks(None).unwrap() {
        out.extend(r.webhook_deliveries(&e.id, None, 1000).unwrap());
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn ask(r: &mut Registry, works: Vec<Isrc>) -> LicenceRequest {
    r.request_licences(
        RequestDraft {
            developer: "dev".into(),
            use_: Use::TrainGenai,
            model: "m1".into(),
            territories: vec![],
            valid_from: "2030-01-01".into(),
            valid_to: Some("2030-12-31".into()),
            term_months: None,
            works,
            scan: None,
        },
        "dev",
    )
    .unwrap()
}

#[test]
fn urls_are_https_or_loopback_http_and_bounded() {
    for ok in [
        "https://hooks.example.org/fermata",
        "https://hooks.example.org:8443/a?b=c",
        "http://127.0.0.1:9000/hook",
        "http://127.8.9.10/",
        "http://localhost:8080/x",
        "http://[::1]:8080/x",
    ] {
        assert!(validate_webhook_url(ok).is_ok(), "{ok}");
    }
    for (bad, why) in [
        ("http://hooks.example.org/x", "use https"),
        ("http://10.0.0.1/x", "use https"),
        ("http://[::2]/x", "use https"),
        ("ftp://example.org/x", "scheme must be https"),
        ("file:///etc/passwd", "scheme must be https"),
        ("https://user:pw@example.org/x", "no user name"),
        ("https://example.org/x#frag", "fragment"),
        ("not a url", "not a URL"),
        ("", "not a URL"),
    ] {
        let err = validate_webhook_url(bad).unwrap_err().to_string();
        assert!(err.contains(why), "{bad}: {err}");
    }
    let long = format!("https://example.org/{}", "a".repeat(MAX_URL_CHARS));
    let err = validate_webhook_url(&long).unwrap_err().to_string();
    assert!(err.contains("at most 2048"), "{err}");
    // And the registry refuses them too, recording nothing.
    let (_d, mut r) = setup();
    let before = r.history(None).unwrap().len();
    assert!(
        r.add_webhook("dev", "http://example.org/x", &[], "dev")
            .is_err()
    );
    assert_eq!(r.history(None).unwrap().len(), before);
}

#[test]
fn signatures_are_hmac_sha256_over_timestamp_dot_body() {
    // Computed independently (Python's hmac module).
    assert_eq!(
        sign("whsec_test", 1_700_000_000, r#"{"a":1}"#),
        "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
    );
    let header = signature_header("whsec_test", 1_700_000_000, r#"{"a":1}"#);
    assert!(header.starts_with("t=1700000000,v1=3887"));
    assert!(verify_signature("whsec_test", &header, r#"{"a":1}"#, 1_700_000_100, 300).is_ok());
    // Another body, another secret, an old timestamp: refused.
    assert!(verify_signature("whsec_test", &header, r#"{"a":2}"#, 1_700_000_100, 300).is_err());
    assert!(verify_signature("whsec_other", &header, r#"{"a":1}"#, 1_700_000_100, 300).is_err());
    let err =
        verify_signature("whsec_test", &header, r#"{"a":1}"#, 1_700_000_301, 300).unwrap_err();
    assert!(err.contains("timestamp"), "{err}");
    assert!(verify_signature("whsec_test", "v1=00", "{}", 0, 300).is_err());
}

#[test]
fn each_party_gets_only_what_it_may_see() {
    let (_d, mut r) = setup();
    let a = r
        .add_webhook("label-a", "https://a.example/h", &[], "label-a")
        .unwrap();
    let b = r
        .add_webhook("pub-b", "https://b.example/h", &[], "pub-b")
        .unwrap();
    let dev = r
        .add_webhook("dev", "https://dev.example/h", &[], "dev")
        .unwrap();
    assert!(a.secret.starts_with("whsec_") && a.secret.len() > 60);
    // An auditor has no webhooks: they are for the parties records concern.
    assert!(matches!(
        r.add_webhook("audit-co", "https://x.example/h", &[], "cli"),
        Err(RegistryError::NotAllowed(_))
    ));

    // Work 1: label-a's line; work 2: a line for each holder.
    let req = ask(&mut r, vec![isrc(1), isrc(2)]);
    assert_eq!(req.lines.len(), 3);
    let report = r.enqueue_webhook_deliveries().unwrap();
    assert_eq!(report.deliveries, 2, "{report:?}");
    let made = all(&mut r);
    let to = |party: &str| -> Vec<&Delivery> { made.iter().filter(|d| d.party == party).collect() };
    // Each holder sees only its own lines; the developer is not told of its own request.
    let lines_of = |d: &Delivery| -> Vec<(String, String)> {
        body(d)["data"]["request"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["holder"].as_str().unwrap().to_string(),
                    l["isrc"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let for_a = to("label-a");
    assert_eq!(for_a.len(), 1);
    assert_eq!(for_a[0].event_type, EventType::RequestReceived);
    assert_eq!(for_a[0].endpoint, a.endpoint.id);
    assert_eq!(
        lines_of(for_a[0]),
        vec![
            ("label-a".into(), isrc(1).to_string()),
            ("label-a".into(), isrc(2).to_string())
        ]
    );
    let for_b = to("pub-b");
    assert_eq!(
        lines_of(for_b[0]),
        vec![("pub-b".into(), isrc(2).to_string())]
    );
    assert!(
        !for_b[0].body.contains(isrc(1).as_str()),
        "{}",
        for_b[0].body
    );
    assert!(to("dev").is_empty());
    let envelope = body(for_b[0]);
    assert_eq!(envelope["id"], for_b[0].id.as_str());
    assert_eq!(envelope["type"], "request.received");
    assert_eq!(envelope["party"], "pub-b");
    assert!(envelope["event"].as_u64().unwrap() > b.endpoint.after_seq);

    // Nothing new: nothing more, however often it runs.
    assert_eq!(r.enqueue_webhook_deliveries().unwrap().deliveries, 0);

    // pub-b approves its line: the developer is told of the decision; both of the licence.
    r.decide(&req.id, 3, "pub-b", true, None, "pub-b").unwrap();
    r.enqueue_webhook_deliveries().unwrap();
    let made = all(&mut r);
    let kinds = |party: &str| -> Vec<EventType> {
        made.iter()
            .filter(|d| d.party == party)
            .map(|d| d.event_type)
            .collect()
    };
    assert_eq!(
        kinds("dev"),
        vec![EventType::LicenceGranted, EventType::RequestDecided]
    );
    assert_eq!(
        kinds("pub-b"),
        vec![EventType::RequestReceived, EventType::LicenceGranted]
    );
    assert_eq!(kinds("label-a"), vec![EventType::RequestReceived]);
    let decided = made
        .iter()
        .find(|d| d.event_type == EventType::RequestDecided)
        .unwrap();
    assert_eq!(body(decided)["data"]["line"]["status"], "approved");
    assert_eq!(body(decided)["data"]["request"], req.id.as_str());
    assert_eq!(dev.endpoint.party, "dev");

    // label-a approves its lines too; a usage report and a statement follow: the developer
    // sees the statement whole, each holder only its own part.
    r.decide_lines(&req.id, &[], "label-a", true, None, "label-a")
        .unwrap();
    r.report_usage(
        UsageDraft {
            developer: "dev".into(),
            model: "m1".into(),
            run: "run-1".into(),
            scan: None,
            manifest: None,
            territory: Territory::world(),
            date: Some("2030-01-01".into()),
            use_: Some(Use::TrainGenai),
            works: vec![(isrc(1), 60.0), (isrc(2), 60.0)],
        },
        "dev",
    )
    .unwrap();
    let pool = Money {
        amount_minor: 1000,
        currency: "EUR".into(),
    };
    let s = r
        .issue_statement("dev", "2030-01-01", "2030-01-31", pool, "dev")
        .unwrap();
    r.enqueue_webhook_deliveries().unwrap();
    let made = all(&mut r);
    let st: Vec<&Delivery> = made
        .iter()
        .filter(|d| d.event_type == EventType::StatementIssued)
        .collect();
    let holders: Vec<&str> = s.totals.iter().map(|t| t.holder.as_str()).collect();
    assert_eq!(holders, vec!["label-a", "pub-b"]);
    assert_eq!(st.len(), 3);
    for d in st {
        let statement = &body(d)["data"]["statement"];
        let seen = |key: &str| -> Vec<String> {
            let mut v: Vec<String> = statement[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["holder"].as_str().unwrap().to_string())
                .collect();
            v.dedup();
            v
        };
        if d.party == "dev" {
            assert_eq!(seen("totals"), holders);
        } else {
            assert_eq!(seen("totals"), vec![d.party.clone()]);
            assert_eq!(seen("lines"), vec![d.party.clone()]);
        }
    }

    // A notice that names pub-b reaches pub-b only.
    r.report_misuse(NoticeDraft {
        subject: "a fake".into(),
        details: "sounds like our artist".into(),
        holders: vec!["pub-b".into()],
        ..Default::default()
    })
    .unwrap();
    r.enqueue_webhook_deliveries().unwrap();
    let notices: Vec<String> = all(&mut r)
        .into_iter()
        .filter(|d| d.event_type == EventType::NoticeReceived)
        .map(|d| d.party)
        .collect();
    assert_eq!(notices, vec!["pub-b".to_string()]);

    // No secret ever reaches the audit log, and the chain still verifies.
    let log = r.history(None).unwrap();
    for s in [&a.secret, &b.secret, &dev.secret] {
        assert!(log.iter().all(|e| !e.payload.contains(s.as_str())));
    }
    assert!(log.iter().any(|e| e.action == "webhook.added"));
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
}

#[test]
fn an_endpoint_hears_of_later_events_of_the_types_it_chose() {
    let (_d, mut r) = setup();
    r.grant_licence(
        LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2030-01-01"),
        "label-a",
    )
    .unwrap();
    let only_revoked = r
        .add_webhook(
            "dev",
            "https://dev.example/h",
            &[EventType::LicenceRevoked],
            "dev",
        )
        .unwrap();
    // The grant came before it: not delivered.
    assert_eq!(r.enqueue_webhook_deliveries().unwrap().deliveries, 0);
    let l = r
        .grant_licence(
            LicenceGrant {
                works: vec![isrc(1)],
                ..LicenceGrant::new("label-a", "dev", Use::TrainAi, "2030-01-01")
            },
            "label-a",
        )
        .unwrap();
    r.revoke_licence(&l.id, Some("ended"), "label-a").unwrap();
    assert_eq!(r.enqueue_webhook_deliveries().unwrap().deliveries, 1);
    let d = &all(&mut r)[0];
    assert_eq!(d.endpoint, only_revoked.endpoint.id);
    assert_eq!(d.event_type, EventType::LicenceRevoked);
    assert_eq!(body(d)["data"]["licence"]["id"], l.id.as_str());
    assert_eq!(body(d)["data"]["licence"]["revoke_reason"], "ended");
    assert_eq!(
        parse_event_types("licence.revoked, license.granted,licence.revoked").unwrap(),
        vec![EventType::LicenceRevoked, EventType::LicenceGranted]
    );
    assert!(parse_event_types("licence.exploded").is_err());
}

#[test]
fn failed_attempts_back_off_then_succeed_and_give_up_after_the_last() {
    let (_d, mut r) = setup();
    let hook = r
        .add_webhook("dev", "http://127.0.0.1:9/h", &[], "dev")
        .unwrap();
    let ping = r.ping_webhook(&hook.endpoint.id, Some("dev")).unwrap();
    let due = r.claim_webhook_deliveries(10).unwrap();
    assert_eq!(due.len(), 1);
    let header = |d: &DueDelivery, name: &str| {
        d.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(header(&due[0], "Fermata-Delivery"), ping.id);
    assert_eq!(header(&due[0], "Fermata-Event"), "ping");
    let unix = 1_893_492_000; // 2030-01-01T10:00:00Z
    assert!(
        verify_signature(
            &hook.secret,
            &header(&due[0], "Fermata-Signature"),
            &due[0].delivery.body,
            unix,
            300
        )
        .is_ok()
    );
    // Claimed: not handed out again while the sender holds it.
    assert!(r.claim_webhook_deliveries(10).unwrap().is_empty());
    let fail = AttemptResult {
        status_code: Some(500),
        error: Some("HTTP 500: oops\n".into()),
        duration_ms: 3,
    };
    let d = r.record_webhook_attempt(&ping.id, &fail).unwrap();
    assert_eq!(d.status, DeliveryStatus::Pending);
    assert_eq!(d.next_attempt_at.as_deref(), Some("2030-01-01T10:00:10Z"));
    assert_eq!(d.last_error.as_deref(), Some("HTTP 500: oops "));
    // Not before its time.
    at(&mut r, "2030-01-01T10:00:09Z");
    assert!(r.claim_webhook_deliveries(10).unwrap().is_empty());
    at(&mut r, "2030-01-01T10:00:10Z");
    assert_eq!(r.claim_webhook_deliveries(10).unwrap().len(), 1);
    let d = r.record_webhook_attempt(&ping.id, &fail).unwrap();
    assert_eq!(d.next_attempt_at.as_deref(), Some("2030-01-01T10:01:10Z"));
    at(&mut r, "2030-01-01T10:01:10Z");
    assert_eq!(r.claim_webhook_deliveries(10).unwrap().len(), 1);
    let ok = AttemptResult {
        status_code: Some(204),
        error: None,
        duration_ms: 2,
    };
    let d = r.record_webhook_attempt(&ping.id, &ok).unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.attempts, 3);
    assert_eq!(d.delivered_at.as_deref(), Some("2030-01-01T10:01:10Z"));
    let (_, attempts) = r.webhook_delivery(&ping.id, Some("dev")).unwrap();
    let codes: Vec<Option<u16>> = attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, vec![Some(500), Some(500), Some(204)]);

    // A receiver that never answers: retried on the schedule, then given up.
    let ping = r.ping_webhook(&hook.endpoint.id, None).unwrap();
    let mut clock = time::OffsetDateTime::parse(
        "2030-01-01T10:01:10Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let none = AttemptResult {
        status_code: None,
        error: Some("connection refused".into()),
        duration_ms: 1,
    };
    for n in 1..=MAX_ATTEMPTS {
        let due = r.claim_webhook_deliveries(10).unwrap();
        assert_eq!(due.len(), 1, "attempt {n}");
        let d = r.record_webhook_attempt(&ping.id, &none).unwrap();
        if n < MAX_ATTEMPTS {
            assert_eq!(d.status, DeliveryStatus::Pending);
            clock += time::Duration::seconds(RETRY_DELAYS_S[n as usize - 1]);
            r.set_clock(Clock::Fixed(clock));
        } else {
            assert_eq!(d.status, DeliveryStatus::Failed);
            assert_eq!(d.next_attempt_at, None);
        }
    }
    clock += time::Duration::days(30);
    r.set_clock(Clock::Fixed(clock));
    assert!(r.claim_webhook_deliveries(10).unwrap().is_empty());
    // A replay sends it again, at once, under the same id.
    let replayed = r.replay_webhook_delivery(&ping.id, Some("dev")).unwrap();
    assert_eq!(replayed.status, DeliveryStatus::Pending);
    let due = r.claim_webhook_deliveries(10).unwrap();
    assert_eq!(due[0].delivery.id, ping.id);
    // Another party cannot see, replay or ping it.
    assert!(matches!(
        r.replay_webhook_delivery(&ping.id, Some("label-a")),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(matches!(
        r.webhook_delivery(&ping.id, Some("label-a")),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(matches!(
        r.ping_webhook(&hook.endpoint.id, Some("label-a")),
        Err(RegistryError::NotFound { .. })
    ));
}

#[test]
fn gone_disables_the_endpoint_and_removal_ends_its_deliveries() {
    let (_d, mut r) = setup();
    let hook = r
        .add_webhook("label-a", "https://a.example/h", &[], "label-a")
        .unwrap();
    let first = r.ping_webhook(&hook.endpoint.id, None).unwrap();
    let second = r.ping_webhook(&hook.endpoint.id, None).unwrap();
    assert_eq!(r.claim_webhook_deliveries(1).unwrap().len(), 1);
    let gone = AttemptResult {
        status_code: Some(410),
        error: Some("HTTP 410".into()),
        duration_ms: 1,
    };
    let d = r.record_webhook_attempt(&first.id, &gone).unwrap();
    assert_eq!(d.status, DeliveryStatus::Failed);
    let e = r.webhook(&hook.endpoint.id, Some("label-a")).unwrap();
    assert!(e.disabled_at.is_some() && !e.is_live());
    assert!(
        r.history(None)
            .unwrap()
            .iter()
            .any(|e| e.action == "webhook.disabled")
    );
    // Its other delivery fails when claimed; a disabled endpoint takes no ping or replay.
    assert!(r.claim_webhook_deliveries(10).unwrap().is_empty());
    let (d, _) = r.webhook_delivery(&second.id, None).unwrap();
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert!(matches!(
        r.ping_webhook(&hook.endpoint.id, None),
        Err(RegistryError::Conflict(_))
    ));
    assert!(matches!(
        r.replay_webhook_delivery(&first.id, None),
        Err(RegistryError::Conflict(_))
    ));

    // Removal: by its own party only; then it is gone from every list.
    let other = r
        .add_webhook("label-a", "https://a2.example/h", &[], "label-a")
        .unwrap();
    let pending = r.ping_webhook(&other.endpoint.id, None).unwrap();
    assert!(matches!(
        r.remove_webhook(&other.endpoint.id, Some("pub-b"), "pub-b"),
        Err(RegistryError::NotFound { .. })
    ));
    r.remove_webhook(&other.endpoint.id, Some("label-a"), "label-a")
        .unwrap();
    assert!(
        r.webhooks(Some("label-a"))
            .unwrap()
            .iter()
            .all(|e| e.id != other.endpoint.id)
    );
    // Still found by its id, marked removed, and nothing more is sent or removed again.
    assert!(
        r.webhook(&other.endpoint.id, None)
            .unwrap()
            .removed_at
            .is_some()
    );
    assert!(matches!(
        r.ping_webhook(&other.endpoint.id, None),
        Err(RegistryError::Conflict(_))
    ));
    assert!(matches!(
        r.remove_webhook(&other.endpoint.id, None, "label-a"),
        Err(RegistryError::Conflict(_))
    ));
    assert!(r.claim_webhook_deliveries(10).unwrap().is_empty());
    // Its delivery log stays readable; what was pending failed.
    let (gone, _) = r.webhook_delivery(&pending.id, None).unwrap();
    assert_eq!(gone.status, DeliveryStatus::Failed);
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
    // Ten live endpoints at most.
    for n in 0..MAX_ENDPOINTS_PER_PARTY - 1 {
        r.add_webhook("dev", &format!("https://d{n}.example/h"), &[], "dev")
            .unwrap();
    }
    r.add_webhook("dev", "https://last.example/h", &[], "dev")
        .unwrap();
    assert!(matches!(
        r.add_webhook("dev", "https://one-more.example/h", &[], "dev"),
        Err(RegistryError::Conflict(_))
    ));
}

#[test]
fn licence_expiring_fires_once_per_end_date() {
    let (_d, mut r) = setup();
    r.add_webhook(
        "dev",
        "https://dev.example/h",
        &[EventType::LicenceExpiring],
        "dev",
    )
    .unwrap();
    r.add_webhook(
        "label-a",
        "https://a.example/h",
        &[EventType::LicenceExpiring],
        "label-a",
    )
    .unwrap();
    let grant = |works: Vec<Isrc>, use_: Use, to: &str| LicenceGrant {
        works,
        valid_to: Some(to.into()),
        ..LicenceGrant::new("label-a", "dev", use_, "2029-01-01")
    };
    let soon = r
        .grant_licence(
            grant(vec![isrc(1)], Use::TrainGenai, "2030-01-31"),
            "label-a",
        )
        .unwrap();
    let later = r
        .grant_licence(grant(vec![isrc(1)], Use::TrainAi, "2030-03-01"), "label-a")
        .unwrap();
    let revoked = r
        .grant_licence(
            grant(vec![isrc(2)], Use::TrainGenai, "2030-01-15"),
            "label-a",
        )
        .unwrap();
    r.revoke_licence(&revoked.id, None, "label-a").unwrap();
    let noted = r.note_expiring_licences().unwrap();
    assert_eq!(
        noted.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        vec![soon.id.as_str()]
    );
    assert!(r.note_expiring_licences().unwrap().is_empty());
    at(&mut r, "2030-01-20T00:00:00Z");
    assert!(r.note_expiring_licences().unwrap().is_empty());
    // A month later the other one is within 30 days; the first has ended.
    at(&mut r, "2030-02-05T00:00:00Z");
    let noted = r.note_expiring_licences().unwrap();
    assert_eq!(
        noted.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        vec![later.id.as_str()]
    );
    r.enqueue_webhook_deliveries().unwrap();
    let made = all(&mut r);
    assert_eq!(made.len(), 4, "{made:?}");
    assert!(
        made.iter()
            .all(|d| d.event_type == EventType::LicenceExpiring)
    );
    let first = made.iter().find(|d| d.party == "dev").unwrap();
    assert_eq!(body(first)["data"]["licence"]["id"], soon.id.as_str());
    assert_eq!(body(first)["data"]["days_left"], 30);
    assert_eq!(
        r.history(None)
            .unwrap()
            .iter()
            .filter(|e| e.action == "licence.expiring")
            .count(),
        2
    );
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
}

#[test]
fn the_cursor_moves_with_the_deliveries_or_not_at_all() {
    let (_d, mut r) = setup();
    r.add_webhook("dev", "https://dev.example/h", &[], "dev")
        .unwrap();
    for n in 0..3 {
        r.grant_licence(
            LicenceGrant {
                works: vec![isrc(1)],
                valid_to: Some(format!("2030-0{}-28", n + 1)),
                ..LicenceGrant::new("label-a", "dev", Use::ALL[n], "2030-01-01")
            },
            "label-a",
        )
        .unwrap();
    }
    let first = r.enqueue_webhook_deliveries().unwrap();
    assert_eq!(first.deliveries, 3);
    // The cursor is at the end: the same events never make a second delivery.
    assert_eq!(r.enqueue_webhook_deliveries().unwrap().deliveries, 0);
    let ids: Vec<(Option<u64>, EventType)> = all(&mut r)
        .iter()
        .map(|d| (d.event_seq, d.event_type))
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique);
    assert_eq!(r.history(None).unwrap().last().unwrap().seq, first.cursor);
    // The lines of a request refused at once by policy are still the holder's news, and an
    // unrelated event (a policy) tells nobody.
    r.set_policy(
        PolicyChange::new("pub-b", None, Use::TrainAi, Decision::Deny),
        "pub-b",
    )
    .unwrap();
    assert_eq!(r.enqueue_webhook_deliveries().unwrap().deliveries, 0);
    assert_eq!(LineStatus::Pending.as_str(), "pending");
}
