//! Certificates of clean training through the real binary: issued on the demo's model, checked
//! offline by `fermata certificate verify` and by docs/verify_certificate.py (which must agree
//! on genuine and tampered certificates), and refused once a licence the model needed is revoked.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo_home(dir: &Path) -> PathBuf {
    let out = run(&["demo", "--dir", path_str(dir), "--json"]);
    assert!(out.status.success(), "demo failed: {}", stderr(&out));
    dir.join("home")
}

fn at(home: &Path, args: &[&str]) -> Output {
    fermata()
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("fermata runs")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", stdout(out), stderr(out)))
}

/// The Python verifier's exit status on (certificate, key).
fn python_says(python: &str, jws: &Path, key: &Path) -> (Option<i32>, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/verify_certificate.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(jws)
        .arg(key)
        .output()
        .expect("python runs");
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

/// Changes the character at `i` to another base64url character.
fn flip(text: &str, i: usize) -> String {
    let mut b = text.as_bytes().to_vec();
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).expect("ascii")
}

#[test]
fn a_certificate_is_issued_verified_offline_and_refused_once_a_licence_is_revoked() {
    let dir = tempdir();
    let home = demo_home(dir.path());
    let h = |args: &[&str]| at(&home, args);

    // No usage report yet: refused, and says why.
    let out = h(&["certificate", "issue", "--model", "demo-model-1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no usage report"), "{}", stderr(&out));
    // An unknown model.
    let out = h(&["certificate", "issue", "--model", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no finished scan"),
        "{}",
        stderr(&out)
    );

    // Report a training run of one cleared work.
    let manifest: Value = {
        let text = std::fs::read_to_string(home.join("manifests/manifest-000001.json"))
            .expect("the demo's manifest");
        serde_json::from_str(&text).expect("json")
    };
    let entries = manifest["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    let work = entries[0]["isrc"].as_str().expect("isrc").to_string();
    let out = h(&[
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
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Issue: the key is made on first use (mode 0600), the JWS written, the certificate listed.
    let jws_path = dir.path().join("cert.jws");
    let out = h(&[
        "certificate",
        "issue",
        "--model",
        "demo-model-1",
        "--out",
        path_str(&jws_path),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let issued = json_of(&out);
    assert_eq!(issued["issued"], true);
    let cert = &issued["certificate"];
    assert_eq!(cert["format"], "fermata-certificate");
    assert_eq!(cert["model"], "demo-model-1");
    assert_eq!(cert["developer"], "acme-ai");
    assert_eq!(
        cert["scans"][0]["manifest"]["root"],
        manifest["merkle"]["root"]
    );
    assert_eq!(cert["usage_reports"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        cert["works"].as_u64(),
        Some(
            entries
                .iter()
                .map(|e| e["isrc"].as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64
        )
    );
    assert!(
        !cert["licences"].as_array().expect("licences").is_empty(),
        "{cert}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.join("certificate-key.pem"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let list = json_of(&h(&["certificate", "list", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["jws_sha256"], issued["jws_sha256"]);
    let human = h(&["certificate", "list"]);
    assert!(stdout(&human).contains("cert-000001"));
    // The audit chain covers the certificate.
    assert!(h(&["audit", "verify"]).status.success());

    // The public key, published; key init refuses a second key.
    let shown = json_of(&h(&["certificate", "key", "show", "--json"]));
    let key_path = dir.path().join("issuer.pem");
    std::fs::write(&key_path, shown["pem"].as_str().expect("pem")).expect("write");
    let jwk_path = dir.path().join("issuer.jwk");
    std::fs::write(&jwk_path, shown["jwk"].to_string()).expect("write");
    assert_eq!(shown["kid"], cert["kid"]);
    let again = h(&["certificate", "key", "init"]);
    assert_eq!(again.status.code(), Some(2));

    // Verify offline: valid with the PEM and with the JWK, and the table shows what it binds.
    let out = run(&[
        "certificate",
        "verify",
        path_str(&jws_path),
        "--key",
        path_str(&key_path),
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("VALID"));
    assert!(stdout(&out).contains(manifest["merkle"]["root"].as_str().expect("root")));
    // `key show` as people read it (PEM, then the JWK) is itself a key file.
    let shown_path = dir.path().join("shown.pem");
    std::fs::write(&shown_path, stdout(&h(&["certificate", "key", "show"]))).expect("write");
    let out = run(&[
        "certificate",
        "verify",
        path_str(&jws_path),
        "--key",
        path_str(&shown_path),
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = run(&[
        "certificate",
        "verify",
        path_str(&jws_path),
        "--key",
        path_str(&jwk_path),
        "--json",
    ]);
    assert_eq!(json_of(&out)["valid"], true);
    assert_eq!(json_of(&out)["certificate"], *cert);

    // Another key.
    let other = dir.path().join("other");
    assert!(run(&["--home", path_str(&other), "init"]).status.success());
    let other_key = json_of(&at(&other, &["certificate", "key", "init", "--json"]));
    let other_path = dir.path().join("other.pem");
    std::fs::write(&other_path, other_key["pem"].as_str().expect("pem")).expect("write");

    // Tampered copies: a payload byte, a signature byte, the header; and the other key.
    let jws = std::fs::read_to_string(&jws_path)
        .expect("read")
        .trim()
        .to_string();
    let dots: Vec<usize> = jws.match_indices('.').map(|(i, _)| i).collect();
    let tampered = [
        ("payload", flip(&jws, (dots[0] + dots[1]) / 2)),
        ("signature", flip(&jws, dots[1] + 10)),
        ("header", flip(&jws, 5)),
        ("truncated", jws[..jws.len() - 4].to_string()),
    ];
    let python = fermata_testkit::python3();
    if let Some(py) = python {
        let out = Command::new(py)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/verify_certificate.py"))
            .arg("--self-test")
            .output()
            .expect("python");
        assert!(out.status.success(), "RFC 8032 vectors: {}", stdout(&out));
        assert_eq!(stdout(&out).matches(": ok").count(), 3);
        let (code, text) = python_says(py, &jws_path, &key_path);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("valid: cert-000001 for model demo-model-1"),
            "{text}"
        );
        let (code, text) = python_says(py, &jws_path, &jwk_path);
        assert_eq!(code, Some(0), "{text}");
        let (code, text) = python_says(py, &jws_path, &shown_path);
        assert_eq!(code, Some(0), "{text}");
        let (code, text) = python_says(py, &jws_path, &other_path);
        assert_eq!(code, Some(1), "{text}");
    }
    let out = run(&[
        "certificate",
        "verify",
        path_str(&jws_path),
        "--key",
        path_str(&other_path),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("INVALID"));
    for (what, text) in &tampered {
        let path = dir.path().join(format!("tampered-{what}.jws"));
        std::fs::write(&path, text).expect("write");
        let out = run(&[
            "certificate",
            "verify",
            path_str(&path),
            "--key",
            path_str(&key_path),
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stdout(&out));
        assert_eq!(json_of(&out)["valid"], false, "{what}");
        if let Some(py) = python {
            let (code, text) = python_says(py, &path, &key_path);
            assert_eq!(code, Some(1), "python on {what}: {text}");
        }
    }
    // A missing file or a bad key is an error, not a verdict.
    let out = run(&[
        "certificate",
        "verify",
        "/nonexistent.jws",
        "--key",
        path_str(&key_path),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "certificate",
        "verify",
        path_str(&jws_path),
        "--key",
        path_str(&jws_path),
    ]);
    assert_eq!(out.status.code(), Some(2));

    // The licence that cleared the work revoked today, the day of training: refused, naming it.
    let licence = cert["licences"][0]["id"]
        .as_str()
        .expect("licence id")
        .to_string();
    let licensed: Vec<String> = cert["licences"][0]["works"]
        .as_array()
        .expect("works")
        .iter()
        .filter_map(|w| w.as_str().map(String::from))
        .collect();
    assert!(
        h(&["licence", "revoke", &licence, "--reason", "ended"])
            .status
            .success()
    );
    let out = h(&["certificate", "issue", "--model", "demo-model-1", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let refusal = json_of(&out);
    assert_eq!(refusal["issued"], false);
    let refused = refusal["refused"].as_array().expect("refused");
    assert!(
        refused.iter().any(|p| p["holder"] == "indie-records"
            && p["date"].is_string()
            && (licensed == ["catalogue"] || licensed.iter().any(|w| p["work"] == w.as_str()))),
        "{refusal}"
    );
    assert!(
        stderr(&out).contains("lack a licence or a policy"),
        "{}",
        stderr(&out)
    );
    // Nothing recorded for the refusal.
    assert_eq!(
        json_of(&h(&["certificate", "list", "--json"]))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
