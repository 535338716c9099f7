//! End-to-end: webhook deliveries from the real `fermata serve`, killed with SIGKILL while the
//! receiver is down and restarted: every delivery arrives, signed, exactly once; and the
//! `fermata webhook` commands (add, list, deliveries, test, replay, remove, deliver).

mod common;

use common::env::*;
use common::*;
use fermata_testkit::webhook::{WebhookReceiver, check_signature};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::process::Child;
use std::time::{Duration, Instant};

fn serve(env: &Env) -> Child {
    let mut cmd = fermata();
    cmd.arg("--home").arg(env.home()).args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--webhook-interval",
        "1",
        "--webhook-allow-private",
    ]);
    spawn_server(cmd).0
}

/// Waits until `done` holds, or fails after `secs` seconds.
fn wait_for(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn deliveries(env: &Env, endpoint: &str) -> Vec<Value> {
    env.json(&["webhook", "deliveries", endpoint])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_killed_server_resumes_its_deliveries_and_each_arrives_once() {
    let env = Env::new();
    env.ok(&[
        "party", "add", "label-a", "--kind", "label", "--name", "Label A",
    ]);
    env.ok(&[
        "party",
        "add",
        "dev",
        "--kind",
        "developer",
        "--name",
        "Dev",
    ]);
    // The receiver's port, with nothing listening on it yet.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = |who: &str| format!("http://127.0.0.1:{port}/{who}");
    let holder = env.json(&["webhook", "add", "--party", "label-a", "--url", &url("a")]);
    let dev = env.json(&[
        "webhook",
        "add",
        "--party",
        "dev",
        "--url",
        &url("dev"),
        "--events",
        "licence.granted,licence.revoked",
    ]);
    let secret = |v: &Value| v["secret"].as_str().unwrap().to_string();
    let (holder_id, dev_id) = (
        holder["endpoint"]["id"].as_str().unwrap().to_string(),
        dev["endpoint"]["id"].as_str().unwrap().to_string(),
    );
    let secrets: BTreeMap<String, String> = [
        (holder_id.clone(), secret(&holder)),
        (dev_id.clone(), secret(&dev)),
    ]
    .into();
    // The secret is shown once: never in a list, never in the audit log.
    let list = stdout(&env.ok(&["webhook", "list"]));
    assert!(list.contains(&holder_id) && list.contains("licence.granted,licence.revoked"));
    let log = stdout(&env.ok(&["audit", "log", "--json"]));
    for s in secrets.values() {
        assert!(!list.contains(s.as_str()) && !log.contains(s.as_str()));
    }

    // The server runs while the receiver is down: its attempts fail and are scheduled again.
    let mut server = serve(&env);
    for use_ in ["train-genai", "train-ai"] {
        env.ok(&[
            "licence",
            "grant",
            "--holder",
            "label-a",
            "--developer",
            "dev",
            "--use",
            use_,
            "--all-works",
        ]);
    }
    wait_for(30, "the first attempts", || {
        let all: Vec<Value> = [&holder_id, &dev_id]
            .iter()
            .flat_map(|e| deliveries(&env, e))
            .collect();
        all.len() == 4 && all.iter().all(|d| d["attempts"].as_u64() == Some(1))
    });
    for d in deliveries(&env, &dev_id) {
        assert_eq!(d["status"], "pending");
        assert!(
            d["last_error"].as_str().is_some_and(|e| !e.is_empty()),
            "{d}"
        );
    }
    // Killed without warning; meanwhile a licence is revoked (an event no delivery is made
    // for yet).
    server.kill().unwrap();
    server.wait().unwrap();
    env.ok(&["licence", "revoke", "lic-000001", "--reason", "ended"]);

    // The receiver comes up, the server comes back: everything arrives.
    let got = WebhookReceiver::on_port(port);
    let mut server = serve(&env);
    got.wait_for(6, 90);
    // A moment more, to see that nothing arrives twice.
    std::thread::sleep(Duration::from_secs(3));
    let received = got.got();
    let mut ids = BTreeSet::new();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &received {
        let id = r.headers["fermata-delivery"].clone();
        assert!(ids.insert(id.clone()), "{id} arrived twice");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        let endpoint = if body["party"] == "dev" {
            &dev_id
        } else {
            &holder_id
        };
        check_signature(&secrets[endpoint], r);
        assert_eq!(body["id"], id.as_str());
        seen.entry(body["party"].as_str().unwrap().to_string())
            .or_default()
            .push(r.headers["fermata-event"].clone());
    }
    for events in seen.values_mut() {
        events.sort();
    }
    let expected = vec![
        "licence.granted".to_string(),
        "licence.granted".into(),
        "licence.revoked".into(),
    ];
    assert_eq!(seen["dev"], expected);
    assert_eq!(seen["label-a"], expected);
    // The registry says the same: every delivery delivered, each id the one received.
    let recorded: BTreeSet<String> = [&holder_id, &dev_id]
        .iter()
        .flat_map(|e| deliveries(&env, e))
        .map(|d| {
            assert_eq!(d["status"], "delivered", "{d}");
            d["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(recorded, ids);

    // A test ping and a replay go through the running server's sender or the CLI's own.
    // By default a sender reaches public addresses only: the loopback receiver is refused
    // before any connection is made, and the ping waits for a retry.
    let out = fermata()
        .arg("--home")
        .arg(env.home())
        .args(["webhook", "test", &holder_id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("not a public address") && stdout(&out).contains("pending"),
        "{}",
        stdout(&out)
    );
    let out = env.ok(&["webhook", "test", &holder_id, "--allow-private"]);
    assert!(stdout(&out).contains("delivered"), "{}", stdout(&out));
    let first = ids.iter().next().unwrap().clone();
    env.ok(&["webhook", "replay", &first]);
    wait_for(30, "the replay", || {
        got.got()
            .iter()
            .filter(|r| r.headers["fermata-delivery"] == first)
            .count()
            == 2
    });
    let one = env.json(&["webhook", "deliveries", &first]);
    assert_eq!(one["delivery"]["status"], "delivered");
    assert!(one["attempts"].as_array().unwrap().len() >= 3, "{one}");

    // Removed: gone from the list, and the chain still verifies.
    env.ok(&["webhook", "remove", &dev_id]);
    assert!(!stdout(&env.ok(&["webhook", "list"])).contains(&dev_id));
    let pass = env.json(&["webhook", "deliver", "--allow-private"]);
    assert_eq!(pass["attempted"], 0, "{pass}");
    env.ok(&["audit", "verify"]);
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(s) = server.try_wait().unwrap() {
            assert!(
                s.success(),
                "the server (and its delivery worker) stop cleanly: {s}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn bad_webhook_urls_and_parties_are_refused() {
    let env = Env::new();
    env.ok(&[
        "party", "add", "label-a", "--kind", "label", "--name", "Label A",
    ]);
    env.ok(&[
        "party", "add", "aud", "--kind", "auditor", "--name", "Auditor",
    ]);
    for (url, why) in [
        ("http://hooks.example.org/x", "use https"),
        ("ftp://hooks.example.org/x", "scheme must be https"),
        ("https://me:pw@hooks.example.org/x", "no user name"),
        ("hooks.example.org/x", "not a URL"),
    ] {
        let out = env.run(&["webhook", "add", "--party", "label-a", "--url", url]);
        assert!(!out.status.success(), "{url}");
        assert!(stderr(&out).contains(why), "{url}: {}", stderr(&out));
    }
    let long = format!("https://hooks.example.org/{}", "x".repeat(3000));
    let out = env.run(&["webhook", "add", "--party", "label-a", "--url", &long]);
    assert!(stderr(&out).contains("at most 2048"), "{}", stderr(&out));
    let out = env.run(&[
        "webhook",
        "add",
        "--party",
        "label-a",
        "--url",
        "https://h.example/x",
        "--events",
        "licence.exploded",
    ]);
    assert!(stderr(&out).contains("expected one of"), "{}", stderr(&out));
    let out = env.run(&[
        "webhook",
        "add",
        "--party",
        "aud",
        "--url",
        "https://h.example/x",
    ]);
    assert!(
        stderr(&out).contains("rights holders and developers"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["webhook", "remove", "wh-000404"]);
    assert!(stderr(&out).contains("no webhook"), "{}", stderr(&out));
    assert_eq!(env.json(&["webhook", "list"]), serde_json::json!([]));
}
