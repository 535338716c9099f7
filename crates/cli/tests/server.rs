//! End-to-end: the real `fermata serve` on a loopback port over a real SQLite registry, the
//! whole marketplace flow over HTTP, with scans run by the real CLI beside it.

mod common;

use common::env::*;
use common::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::process::Child;

/// A running server; stopped with SIGINT when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(env: &Env) -> Server {
        let mut cmd = fermata();
        cmd.arg("--home")
            .arg(env.home())
            .args(["serve", "--listen", "127.0.0.1:0"]);
        let (child, base) = spawn_server(cmd);
        Server { child, base }
    }

    fn call(&self, method: &str, path: &str, key: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = ureq::request(method, &format!("{}{path}", self.base));
        if !key.is_empty() {
            req = req.set("Authorization", &format!("Bearer {key}"));
        }
        let result = match body {
            Some(b) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        let (status, text) = match result {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("{method} {path}: {e}"),
        };
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Sends SIGINT and waits for a clean exit.
    fn stop(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not stop on SIGINT"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn key(env: &Env, party: &str, role: &str) -> String {
    env.json(&["key", "create", "--party", party, "--role", role])["secret"]
        .as_str()
        .unwrap()
        .to_string()
}

fn scan(env: &Env, data: &std::path::Path) -> Value {
    let out = env.run(&[
        "scan",
        path_str(data),
        "--developer",
        "dev-x",
        "--model",
        "m1",
        "--use",
        "train-genai",
        "--territory",
        "DE",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn verdicts(scan: &Value) -> Vec<(String, String)> {
    scan["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["verdict"]["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_marketplace_flow_over_http() {
    let (env, tracks) = registered(7);
    let label = key(&env, "label-a", "holder-admin");
    let publisher = key(&env, "pub-b", "holder-admin");
    let dev = key(&env, "dev-x", "developer");
    let server = Server::start(&env);
    assert_eq!(server.call("GET", "/v1/health", "", None).0, 200);

    // Both holders publish standing terms for train-genai over their catalogues.
    let (s, offer) = server.call("POST", "/v1/offers", &label, Some(json!({"use": "train-genai", "price": {"model": "per-work", "amount_minor": 10000, "currency": "EUR"}, "term_months": 12})));
    assert_eq!(s, 201, "{offer}");
    let (s, _) = server.call("POST", "/v1/offers", &publisher, Some(json!({"use": "train-genai", "price": {"model": "pool-share", "amount_minor": 0, "currency": "EUR"}})));
    assert_eq!(s, 201);

    // The developer scans: everything registered needs a licence.
    let data = env.path("dataset");
    std::fs::create_dir_all(&data).unwrap();
    for (i, t) in tracks.iter().enumerate().take(7) {
        fermata_audio::write_wav(
            &data.join(format!("w{}.wav", i + 1)),
            &fermata_synth::degrade::excerpt(t, RATE, 8.0, 15.0),
            RATE,
        )
        .unwrap();
    }
    let first = scan(&env, &data);
    assert!(
        verdicts(&first)
            .iter()
            .all(|(_, v)| v == "licence-required"),
        "{:?}",
        verdicts(&first)
    );
    let scan_id = first["scan"]["id"].as_str().unwrap().to_string();

    // ... and asks for all of them in one call.
    let (s, request) = server.call("POST", "/v1/requests", &dev, Some(json!({"use": "train-genai", "model": "m1", "territories": ["DE"], "valid_from": "2026-01-01", "scan": scan_id})));
    assert_eq!(s, 201, "{request}");
    let lines: Vec<(u64, String, String)> = request["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["isrc"].as_str().unwrap().to_string(),
                l["holder"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines.len(),
        8,
        "works 1-5 from label-a, 5-7 from pub-b: {lines:?}"
    );
    let rid = request["id"].as_str().unwrap().to_string();
    let line_of = |work: u32, holder: &str| {
        lines
            .iter()
            .find(|(_, i, h)| i == &isrc(work) && h == holder)
            .unwrap()
            .0
    };
    let decide = |k: &str, work: u32, holder: &str, approve: bool| {
        let uri = format!(
            "/v1/requests/{rid}/lines/{}/decision",
            line_of(work, holder)
        );
        let (s, body) = server.call("POST", &uri, k, Some(json!({"approve": approve, "reason": if approve { "ok" } else { "not for this model" }})));
        assert_eq!(s, 201, "{body}");
    };
    // The holders see only their own lines.
    let (_, seen) = server.call("GET", &format!("/v1/requests/{rid}"), &publisher, None);
    assert_eq!(seen["lines"].as_array().unwrap().len(), 3);
    // A holder cannot decide another holder's line.
    let (s, _) = server.call(
        "POST",
        &format!(
            "/v1/requests/{rid}/lines/{}/decision",
            line_of(1, "label-a")
        ),
        &publisher,
        Some(json!({"approve": true})),
    );
    assert_eq!(s, 404);
    decide(&label, 1, "label-a", true);
    decide(&label, 2, "label-a", true);
    decide(&label, 3, "label-a", false);
    decide(&label, 5, "label-a", true);
    decide(&publisher, 5, "pub-b", true);
    decide(&publisher, 6, "pub-b", true);
    decide(&publisher, 7, "pub-b", false);
    // Work 4 stays pending. The developer sees the outcome.
    let (_, outcome) = server.call("GET", &format!("/v1/requests/{rid}"), &dev, None);
    let refused = outcome["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "refused")
        .count();
    assert_eq!(refused, 2);
    assert!(
        outcome["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["reason"] == "not for this model")
    );

    // Rescan: the approved works are cleared, the rest still need a licence.
    let second = scan(&env, &data);
    let v = verdicts(&second);
    let want: Vec<(String, String)> = [
        ("w1.wav", "cleared"),
        ("w2.wav", "cleared"),
        ("w3.wav", "licence-required"),
        ("w4.wav", "licence-required"),
        ("w5.wav", "cleared"),
        ("w6.wav", "cleared"),
        ("w7.wav", "licence-required"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(v, want);
    let second_id = second["scan"]["id"].as_str().unwrap().to_string();
    let (s, scan_view) = server.call("GET", &format!("/v1/scans/{second_id}"), &dev, None);
    assert_eq!(s, 200);
    assert_eq!(scan_view["files"].as_array().unwrap().len(), 7);

    // Usage: work 1 one hour, 2 half an hour, 5 (60/40 label-a/pub-b) 20 min, 6 (pub-b) 10 min.
    let (s, usage) = server.call(
        "POST",
        "/v1/usage",
        &dev,
        Some(json!({"model": "m1", "run": "run-1", "scan": second_id, "territory": "DE", "date": "2026-06-01",
                    "works": [{"isrc": isrc(1), "seconds": 3600}, {"isrc": isrc(2), "seconds": 1800},
                              {"isrc": isrc(5), "seconds": 1200}, {"isrc": isrc(6), "seconds": 600}]})),
    );
    assert_eq!(s, 201, "{usage}");

    // Statements: label-a's offer is priced per work (100.00 a work a term), so it is owed
    // 3 × 100.00 in fees, once in the term, and takes no part in the pool; pub-b's pool share
    // takes the pool, pro rata: work 5 (1200 s × 40 %) and work 6 (600 s), 4/9 and 5/9.
    for (pool, want_label, want_pub) in [
        (10_000_000i64, Some(30_000i64), 10_000_000i64),
        (100_001, None, 100_001),
        (7, None, 7),
        (0, None, 0),
    ] {
        let (s, st) = server.call("POST", "/v1/statements", &dev, Some(json!({"from": "2026-01-01", "to": "2026-12-31", "pool": {"amount_minor": pool, "currency": "EUR"}})));
        assert_eq!(s, 201, "{st}");
        let total = |h: &str| {
            st["totals"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["holder"] == h)
                .map(|t| t["amount_minor"].as_i64().unwrap())
        };
        assert_eq!(
            (total("label-a"), total("pub-b")),
            (want_label, Some(want_pub)),
            "pool {pool}: {st}"
        );
        let sum: i64 = st["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount_minor"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, pool);
        let fees = st["fees"].as_array().unwrap();
        assert_eq!(fees.len(), if want_label.is_some() { 3 } else { 0 }, "{st}");
        assert!(
            fees.iter()
                .all(|f| f["offer"] == offer["id"] && f["amount_minor"] == 10_000),
            "{st}"
        );
    }
    // A holder sees its own part only, also as CSV.
    let (_, mine) = server.call("GET", "/v1/statements/stm-000001", &publisher, None);
    assert_eq!(mine["totals"].as_array().unwrap().len(), 1);
    let csv = ureq::get(&format!(
        "{}/v1/statements/stm-000001?format=csv",
        server.base
    ))
    .set("Authorization", &format!("Bearer {label}"))
    .call()
    .unwrap();
    assert!(csv.content_type().starts_with("text/csv"));
    let csv = csv.into_string().unwrap();
    assert!(
        csv.contains("label-a,TOTAL,,,30000,EUR") && !csv.contains("pub-b"),
        "{csv}"
    );
    // And as a DDEX DSR flat file: the holder's own blocks only.
    let dsr = ureq::get(&format!(
        "{}/v1/statements/stm-000001?format=dsr",
        server.base
    ))
    .set("Authorization", &format!("Bearer {label}"))
    .call()
    .unwrap();
    assert!(dsr.content_type().starts_with("text/tab-separated-values"));
    let dsr = dsr.into_string().unwrap();
    assert!(
        dsr.starts_with("HEAD\tdsrf/") && dsr.contains("\tlabel-a\tper-work\t"),
        "{dsr}"
    );
    assert!(
        !dsr.contains("pub-b") && dsr.lines().last().unwrap().starts_with("FOOT\t"),
        "{dsr}"
    );
    // The CLI reproduces it from the log.
    let shown = env.json(&["statement", "show", "stm-000002"]);
    assert_eq!(shown["reproduced_from_log"], true);

    // Every step is in the audit log, and the chain holds.
    let log = env.json(&["audit", "log", "--party", "pub-b"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "offer.published",
        "request.made",
        "request.approved",
        "request.refused",
        "statement.issued",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(env.json(&["audit", "verify"])["first_bad"].is_null());

    // A revoked key is refused at once.
    let keys = env.json(&["key", "list"]);
    let dev_key = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["party"] == "dev-x")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&["key", "revoke", &dev_key]);
    assert_eq!(server.call("GET", "/v1/me", &dev, None).0, 401);

    assert!(
        server.stop().success(),
        "the server exits cleanly on SIGINT"
    );
}

#[test]
fn the_server_survives_malformed_and_slow_clients() {
    let env = Env::new();
    let server = Server::start(&env);
    // A client that sends half a request and waits.
    let mut slow = std::net::TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Garbage instead of HTTP gets a 400 and the connection closed.
    let mut junk = std::net::TcpStream::connect(server.addr()).unwrap();
    junk.write_all(b"\x00\x01NOT HTTP AT ALL\r\n\r\n").unwrap();
    junk.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = junk.read_to_end(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A request claiming a huge body is refused without reading it.
    let mut big = std::net::TcpStream::connect(server.addr()).unwrap();
    big.write_all(b"POST /v1/offers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\nContent-Length: 100000000\r\n\r\n").unwrap();
    // Meanwhile everyone else is served.
    for _ in 0..20 {
        assert_eq!(server.call("GET", "/v1/health", "", None).0, 200);
    }
    let (s, body) = server.call("GET", "/v1/works", "fmk_not_a_key", None);
    assert_eq!(s, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    drop(slow);
    drop(big);
    assert!(server.stop().success());
}
