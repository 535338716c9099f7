//! Issue 15's doors through the real binary: the certificate key published from `certificate
//! key init` (and by `serve` at start) before any certificate; a certificate issued and refused
//! through `POST /v1/models/{model}/certificates`; outputs attributed through
//! `POST /v1/attributions`, with bad uploads refused.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Output};

fn at(home: &Path, args: &[&str]) -> Output {
    fermata()
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("fermata runs")
}

fn ok_json(home: &Path, args: &[&str]) -> Value {
    let out = at(home, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

struct Served(Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(home: &Path) -> Served {
    let mut cmd = fermata();
    cmd.arg("--home")
        .arg(home)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let (child, base) = spawn_server(cmd);
    Served(child, base)
}

/// (status, body as JSON or as text).
fn answer(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let resp = match r {
        Ok(resp) => resp,
        Err(ureq::Error::Status(_, resp)) => resp,
        Err(e) => panic!("transport: {e}"),
    };
    let status = resp.status();
    let text = resp.into_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn get(base: &str, path: &str, key: &str) -> (u16, Value) {
    let mut req = ureq::get(&format!("{base}{path}"));
    if !key.is_empty() {
        req = req.set("authorization", &format!("Bearer {key}"));
    }
    answer(req.call())
}

fn post_json(base: &str, path: &str, key: &str, body: Option<Value>) -> (u16, Value) {
    let req = ureq::post(&format!("{base}{path}")).set("authorization", &format!("Bearer {key}"));
    match body {
        Some(b) => answer(
            req.set("content-type", "application/json")
                .send_string(&b.to_string()),
        ),
        None => answer(req.call()),
    }
}

const BOUNDARY: &str = "fermata-test-boundary-7d1c";

/// A multipart/form-data body: text fields, then files (name, bytes) in field `files`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(base: &str, key: &str, body: &[u8]) -> (u16, Value) {
    answer(
        ureq::post(&format!("{base}/v1/attributions"))
            .set("authorization", &format!("Bearer {key}"))
            .set(
                "content-type",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .send_bytes(body),
    )
}

#[test]
fn key_init_publishes_the_key_before_any_certificate() {
    let dir = tempdir();
    let home = dir.path().join("home");
    assert!(at(&home, &["init"]).status.success());
    assert!(
        at(
            &home,
            &[
                "party",
                "add",
                "acme-ai",
                "--kind",
                "developer",
                "--name",
                "Acme"
            ]
        )
        .status
        .success()
    );
    let key = ok_json(&home, &["certificate", "key", "init", "--json"]);
    assert_eq!(key["published"], true, "{key}");
    let kid = key["kid"].as_str().expect("kid").to_string();
    let s = serve(&home);
    let (status, published) = get(&s.1, "/v1/certificates/key", "");
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["kid"], kid.as_str());
    assert_eq!(published["pem"], key["pem"]);
    let (status, pem) = get(&s.1, "/certificate-key.pem", "");
    assert_eq!(status, 200);
    assert_eq!(pem.as_str(), key["pem"].as_str());
    let (_, certificates) = get(&s.1, "/v1/models/m1/certificates", "");
    assert_eq!(certificates, serde_json::json!([]));
    drop(s);
    assert!(at(&home, &["audit", "verify"]).status.success());

    // A registry with no party yet: the key is made, published by `serve` once a party exists.
    let bare = dir.path().join("bare");
    assert!(at(&bare, &["init"]).status.success());
    let key = ok_json(&bare, &["certificate", "key", "init", "--json"]);
    assert_eq!(key["published"], false, "{key}");
    let s = serve(&bare);
    assert_eq!(get(&s.1, "/v1/certificates/key", "").0, 404);
    drop(s);
    assert!(
        at(
            &bare,
            &[
                "party",
                "add",
                "acme-ai",
                "--kind",
                "developer",
                "--name",
                "Acme"
            ]
        )
        .status
        .success()
    );
    let s = serve(&bare);
    let (status, published) = get(&s.1, "/v1/certificates/key", "");
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["kid"], key["kid"]);
}

#[test]
fn certificates_and_attributions_through_the_api() {
    let dir = tempdir();
    let out = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(out.status.success(), "demo failed: {}", stderr(&out));
    let home = dir.path().join("home");
    let h = |args: &[&str]| at(&home, args);
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("manifests/manifest-000001.json")).expect("manifest"),
    )
    .expect("json");
    let work = manifest["entries"][0]["isrc"]
        .as_str()
        .expect("isrc")
        .to_string();
    assert!(
        h(&[
            "usage",
            "report",
            "--developer",
            "acme-ai",
            "--model",
            "demo-model-1",
            "--run",
            "run-1",
            "--territory",
            "DE",
            "--manifest",
            "manifest-000001",
            "--work",
            &format!("{work}=30"),
        ])
        .status
        .success()
    );
    assert!(
        h(&[
            "party",
            "add",
            "other-ai",
            "--kind",
            "developer",
            "--name",
            "Other"
        ])
        .status
        .success()
    );
    let key_of = |party: &str, role: &str| -> String {
        let k = ok_json(
            &home,
            &["key", "create", "--party", party, "--role", role, "--json"],
        );
        k["secret"].as_str().expect("secret").to_string()
    };
    let dev = key_of("acme-ai", "developer");
    let other = key_of("other-ai", "developer");
    let s = serve(&home);
    let base = s.1.clone();

    // Another developer's model is not found; a holder may not issue.
    let path = "/v1/models/demo-model-1/certificates";
    assert_eq!(post_json(&base, path, &other, None).0, 404);
    let (status, body) = post_json(
        &base,
        path,
        &dev,
        Some(serde_json::json!({"developer": "other-ai"})),
    );
    assert_eq!(status, 403, "{body}");
    // Issued, with the key made on first use and published; replayed by Idempotency-Key.
    assert!(!home.join("certificate-key.pem").exists());
    let issue = |idem: &str| {
        answer(
            ureq::post(&format!("{base}{path}"))
                .set("authorization", &format!("Bearer {dev}"))
                .set("idempotency-key", idem)
                .call(),
        )
    };
    let (status, cert) = issue("k1");
    assert_eq!(status, 201, "{cert}");
    assert_eq!(cert["model"], "demo-model-1");
    assert_eq!(cert["developer"], "acme-ai");
    assert!(home.join("certificate-key.pem").exists());
    let (status, again) = issue("k1");
    assert_eq!(status, 201);
    assert_eq!(again["id"], cert["id"]);
    let (status, published) = get(&base, "/v1/certificates/key", "");
    assert_eq!(status, 200);
    assert_eq!(published["kid"], cert["kid"]);
    let (_, checked) = post_json(
        &base,
        "/v1/certificates/verify",
        &dev,
        Some(serde_json::json!({"jws": cert["jws"]})),
    );
    assert_eq!(checked["valid"], true, "{checked}");

    // The licence that cleared the work revoked today (the training date): refused, 422, with
    // the entries to fix.
    let full = ok_json(
        &home,
        &["certificate", "list", "--model", "demo-model-1", "--json"],
    );
    assert_eq!(full.as_array().map(Vec::len), Some(1));
    let licences = ok_json(&home, &["licence", "list", "--json"]);
    let licence = licences
        .as_array()
        .expect("licences")
        .iter()
        .find(|l| l["developer"] == "acme-ai")
        .and_then(|l| l["id"].as_str())
        .expect("a licence of acme-ai")
        .to_string();
    assert!(
        h(&["licence", "revoke", &licence, "--reason", "ended"])
            .status
            .success()
    );
    let (status, refused) = issue("k2");
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "refused");
    let problems = refused["error"]["problems"].as_array().expect("problems");
    assert!(!problems.is_empty());
    assert!(
        problems
            .iter()
            .all(|p| p["work"].is_string() && p["holder"].is_string() && p["why"].is_string())
    );
    assert!(
        problems.iter().any(|p| p["work"] == work.as_str()),
        "{refused}"
    );

    // Attribution: one registered recording and one silence, as outputs of the model.
    let recording = std::fs::read(dir.path().join(format!("catalogue/audio/{work}.wav")))
        .or_else(|_| {
            let audio = dir.path().join("catalogue/audio");
            let first = std::fs::read_dir(&audio)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "wav"))
                .ok_or_else(|| std::io::Error::other("no wav"))?;
            std::fs::read(first)
        })
        .expect("a catalogue recording");
    let quiet = dir.path().join("quiet.wav");
    write_track(&quiet, 999, 5.0);
    let quiet = std::fs::read(&quiet).expect("quiet");
    let body = multipart(
        &[("model", "demo-model-1"), ("date", "2030-01-15")],
        &[("copy.wav", &recording), ("fresh.wav", &quiet)],
    );
    let (status, report) = upload(&base, &dev, &body);
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["model"], "demo-model-1");
    assert_eq!(report["date"], "2030-01-15");
    let outputs = report["outputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), 2);
    assert_eq!(outputs[0]["name"], "01-copy.wav");
    let found = outputs[0]["found"].as_array().expect("found");
    assert!(!found.is_empty(), "{report}");
    assert!(
        found[0]["milliseconds"].as_u64().unwrap_or(0) > 10_000,
        "{report}"
    );
    assert!(!report["totals"].as_array().expect("totals").is_empty());
    let id = report["id"].as_str().expect("id").to_string();
    // Nothing of the upload is left in the home.
    let left: Vec<_> = std::fs::read_dir(&home)
        .expect("home")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".upload-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Bad uploads.
    let no_files = multipart(&[("model", "demo-model-1")], &[]);
    assert_eq!(upload(&base, &dev, &no_files).0, 422);
    let no_model = multipart(&[], &[("copy.wav", &recording)]);
    assert_eq!(upload(&base, &dev, &no_model).0, 422);
    let not_audio = multipart(
        &[("model", "demo-model-1")],
        &[("notes.wav", b"this is not audio at all")],
    );
    let (status, why) = upload(&base, &dev, &not_audio);
    assert_eq!(status, 422, "{why}");
    let many: Vec<(&str, &[u8])> = (0..21).map(|_| ("q.wav", quiet.as_slice())).collect();
    assert_eq!(
        upload(&base, &dev, &multipart(&[("model", "m")], &many)).0,
        422
    );
    // A file over 64 MiB: 413 (the server may answer and close before the client has sent it
    // all, which the client sees as the connection reset while writing).
    let huge = vec![0u8; (64 << 20) + 1];
    let sent = ureq::post(&format!("{base}/v1/attributions"))
        .set("authorization", &format!("Bearer {dev}"))
        .set(
            "content-type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .send_bytes(&multipart(&[("model", "m")], &[("big.wav", &huge)]));
    match sent {
        Err(ureq::Error::Status(code, _)) => assert_eq!(code, 413),
        Err(ureq::Error::Transport(t)) => assert_eq!(
            t.kind(),
            ureq::ErrorKind::Io,
            "only a connection closed while sending: {t}"
        ),
        Ok(r) => panic!("a file over the limit was taken: {}", r.status()),
    }
    let (status, _) = answer(
        ureq::post(&format!("{base}/v1/attributions"))
            .set("authorization", &format!("Bearer {dev}"))
            .set("content-type", "application/json")
            .send_string(r#"{"model": "m"}"#),
    );
    assert_eq!(status, 400);

    // Listed and read by its developer only.
    let (status, list) = get(&base, "/v1/attributions", &dev);
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(get(&base, &format!("/v1/attributions/{id}"), &dev).0, 200);
    assert_eq!(get(&base, &format!("/v1/attributions/{id}"), &other).0, 404);
    assert_eq!(
        get(&base, "/v1/attributions", &other).1,
        serde_json::json!([])
    );
    drop(s);
    assert!(h(&["audit", "verify"]).status.success());
}
