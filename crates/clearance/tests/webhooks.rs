//! Webhook deliveries to a real receiver on loopback: signatures and timestamps checked
//! independently (HMAC-SHA256 in fermata-testkit, not the registry's own function), retries with backoff on
//! the registry's clock, and a party hearing only of its own lines.

use fermata_clearance::webhooks::{Reach, agent, run_pass, send_due};
use fermata_registry::fixtures::isrc;
use fermata_registry::{
    Clock, Decision, DeliveryStatus, EventType, LicenceGrant, NoticeDraft, PolicyChange, Registry,
    RequestDraft, Use,
};
use fermata_testkit::webhook::{WebhookReceiver, check_signature};
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A registry whose clock is fixed at the system's now (so that timestamps are checked
/// against the real time), with two holders of work 2 and a developer.
fn registry(dir: &std::path::Path) -> (Registry, time::OffsetDateTime) {
    let start = time::OffsetDateTime::from_unix_timestamp(now_unix()).unwrap();
    let mut r = fermata_registry::fixtures::two_holders(&dir.join("r.sqlite"), Clock::Fixed(start));
    for h in ["label-a", "pub-b"] {
        r.set_policy(
            PolicyChange::new(h, None, Use::TrainGenai, Decision::LicenceRequired),
            h,
        )
        .unwrap();
    }
    (r, start)
}

#[test]
fn deliveries_of_several_types_arrive_signed_to_the_right_party_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, _) = registry(dir.path());
    let (a_rx, b_rx, dev_rx) = (
        WebhookReceiver::start(),
        WebhookReceiver::start(),
        WebhookReceiver::start(),
    );
    let a = r
        .add_webhook("label-a", &format!("{}/a", a_rx.url()), &[], "label-a")
        .unwrap();
    let b = r
        .add_webhook("pub-b", &format!("{}/b", b_rx.url()), &[], "pub-b")
        .unwrap();
    let dev = r
        .add_webhook("dev", &format!("{}/dev", dev_rx.url()), &[], "dev")
        .unwrap();

    let today = r.now().date;
    let req = r
        .request_licences(
            RequestDraft {
                developer: "dev".into(),
                use_: Use::TrainGenai,
                model: "m1".into(),
                territories: vec![],
                valid_from: today.clone(),
                valid_to: None,
                term_months: Some(12),
                works: vec![isrc(1), isrc(2)],
                scan: None,
            },
            "dev",
        )
        .unwrap();
    let decided = r
        .decide_lines(&req.id, &[], "pub-b", true, Some("welcome"), "pub-b")
        .unwrap();
    let licence = decided.lines[2].licence.clone().unwrap();
    r.revoke_licence(&licence, Some("changed our mind"), "pub-b")
        .unwrap();
    r.report_misuse(NoticeDraft {
        subject: "a fake".into(),
        details: "sounds like our singer".into(),
        holders: vec!["label-a".into()],
        ..Default::default()
    })
    .unwrap();
    r.ping_webhook(&dev.endpoint.id, Some("dev")).unwrap();

    let never = AtomicBool::new(false);
    let report = run_pass(&mut r, &agent(Reach::PrivateToo), true, &never).unwrap();
    assert_eq!(report.attempted, report.delivered, "{report:?}");
    let types = |rx: &WebhookReceiver, secret: &str| -> Vec<String> {
        let got = rx.got();
        for g in &got {
            check_signature(secret, g);
        }
        let mut t: Vec<String> = got
            .iter()
            .map(|g| g.headers["fermata-event"].clone())
            .collect();
        t.sort();
        t
    };
    assert_eq!(
        types(&a_rx, &a.secret),
        vec!["notice.received", "request.received"]
    );
    assert_eq!(
        types(&b_rx, &b.secret),
        vec!["licence.granted", "licence.revoked", "request.received"]
    );
    assert_eq!(
        types(&dev_rx, &dev.secret),
        vec![
            "licence.granted",
            "licence.revoked",
            "ping",
            "request.decided"
        ]
    );
    assert!(a_rx.got().iter().all(|g| g.path == "/a"));
    // pub-b's request lines are its own only: it never sees work 1, which is label-a's alone.
    let b_request = b_rx
        .got()
        .into_iter()
        .find(|g| g.headers["fermata-event"] == "request.received")
        .unwrap();
    assert!(
        !b_request.body.contains(isrc(1).as_str()),
        "{}",
        b_request.body
    );
    assert!(b_request.body.contains(isrc(2).as_str()));
    // A signature made with another party's secret does not verify.
    check_signature(&b.secret, &b_request);
    let other = b_request.clone();
    let secret = a.secret.clone();
    assert!(std::panic::catch_unwind(move || check_signature(&secret, &other)).is_err());
    // Everything is delivered: a second pass sends nothing again.
    let again = run_pass(&mut r, &agent(Reach::PrivateToo), true, &never).unwrap();
    assert_eq!((again.attempted, again.enqueued.deliveries), (0, 0));
    assert_eq!(a_rx.got().len() + b_rx.got().len() + dev_rx.got().len(), 9);
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
}

#[test]
fn a_failing_receiver_gets_retries_with_backoff_then_the_delivery_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, start) = registry(dir.path());
    let rx = WebhookReceiver::start();
    let hook = r
        .add_webhook(
            "dev",
            &format!("{}/hook", rx.url()),
            &[EventType::LicenceGranted],
            "dev",
        )
        .unwrap();
    rx.answer(&[500, 503]);
    r.grant_licence(
        LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2026-01-01"),
        "label-a",
    )
    .unwrap();
    let never = AtomicBool::new(false);
    let agent = agent(Reach::PrivateToo);
    let first = run_pass(&mut r, &agent, false, &never).unwrap();
    assert_eq!((first.attempted, first.delivered), (1, 0));
    let id = rx.got()[0].headers["fermata-delivery"].clone();
    let (d, _) = r.webhook_delivery(&id, Some("dev")).unwrap();
    assert_eq!(d.status, DeliveryStatus::Pending);
    assert_eq!(d.last_status_code, Some(500));
    assert_eq!(d.last_error.as_deref(), Some("HTTP 500: not now"));
    // Not retried before its time (10 s later), then retried once per step.
    let move_to = |r: &mut Registry, secs: i64| {
        r.set_clock(Clock::Fixed(start + time::Duration::seconds(secs)));
    };
    move_to(&mut r, 9);
    assert_eq!(send_due(&mut r, &agent, 10, &never).unwrap(), (0, 0));
    move_to(&mut r, 10);
    assert_eq!(send_due(&mut r, &agent, 10, &never).unwrap(), (1, 0));
    // The second retry waits a minute more.
    move_to(&mut r, 69);
    assert_eq!(send_due(&mut r, &agent, 10, &never).unwrap(), (0, 0));
    move_to(&mut r, 70);
    assert_eq!(send_due(&mut r, &agent, 10, &never).unwrap(), (1, 1));
    let got = rx.got();
    assert_eq!(got.len(), 3);
    // The same delivery each time: same id, same body, each attempt signed at its own time.
    assert!(got.iter().all(|g| g.headers["fermata-delivery"] == id));
    assert!(got.iter().all(|g| g.body == got[0].body));
    let stamps: Vec<i64> = got
        .iter()
        .map(|g| {
            g.headers["fermata-signature"][2..12]
                .trim_end_matches(',')
                .parse()
                .unwrap()
        })
        .collect();
    let t0 = start.unix_timestamp();
    assert_eq!(stamps, vec![t0, t0 + 10, t0 + 70]);
    for g in &got {
        check_signature(&hook.secret, g);
    }
    let (d, attempts) = r.webhook_delivery(&id, Some("dev")).unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    let codes: Vec<Option<u16>> = attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, vec![Some(500), Some(503), Some(200)]);
}

#[test]
fn a_receiver_that_is_gone_disables_its_endpoint_and_an_unreachable_one_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, _) = registry(dir.path());
    let rx = WebhookReceiver::start();
    let gone = r
        .add_webhook("dev", &format!("{}/gone", rx.url()), &[], "dev")
        .unwrap();
    rx.answer(&[410]);
    r.ping_webhook(&gone.endpoint.id, None).unwrap();
    // Nothing listens on this port (bound, then closed).
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = r
        .add_webhook("dev", &format!("http://127.0.0.1:{port}/x"), &[], "dev")
        .unwrap();
    let ping = r.ping_webhook(&down.endpoint.id, None).unwrap();
    let never = AtomicBool::new(false);
    let report = run_pass(&mut r, &agent(Reach::PrivateToo), false, &never).unwrap();
    assert_eq!((report.attempted, report.delivered), (2, 0));
    assert!(
        r.webhook(&gone.endpoint.id, None)
            .unwrap()
            .disabled_at
            .is_some()
    );
    let (d, attempts) = r.webhook_delivery(&ping.id, None).unwrap();
    assert_eq!(d.status, DeliveryStatus::Pending);
    assert_eq!(attempts[0].status_code, None);
    assert!(attempts[0].error.as_deref().is_some_and(|e| !e.is_empty()));
}

#[test]
fn a_public_only_sender_never_connects_to_a_private_address() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, _) = registry(dir.path());
    let rx = WebhookReceiver::start();
    let hook = r
        .add_webhook("dev", &format!("{}/inside", rx.url()), &[], "dev")
        .unwrap();
    let ping = r.ping_webhook(&hook.endpoint.id, None).unwrap();
    let never = AtomicBool::new(false);
    assert_eq!(
        send_due(&mut r, &agent(Reach::Public), 10, &never).unwrap(),
        (1, 0)
    );
    assert!(
        rx.got().is_empty(),
        "a request reached the loopback receiver"
    );
    let (d, attempts) = r.webhook_delivery(&ping.id, None).unwrap();
    assert_eq!(d.status, DeliveryStatus::Pending);
    let error = attempts[0].error.clone().unwrap();
    assert!(
        error.contains("not a public address") && error.contains("--webhook-allow-private"),
        "{error}"
    );
}

#[test]
fn public_addresses_are_told_from_the_server_s_own_and_private_ones() {
    use fermata_clearance::webhooks::is_public;
    for ip in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
    ] {
        assert!(!is_public(ip.parse().unwrap()), "{ip}");
    }
    for ip in [
        "93.184.216.34",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
    ] {
        assert!(is_public(ip.parse().unwrap()), "{ip}");
    }
}
