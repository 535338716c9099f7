//! The web app in a real browser (headless Chromium through WebDriver), against the real
//! `fermata demo --serve` on loopback: what a holder, a developer and the public do with it,
//! and every page in every language checked with axe-core (no serious or critical WCAG 2.1 AA
//! violation) and for text overflowing its box.
//!
//! `FERMATA_SCREENSHOTS=DIR` saves screenshots of the main pages there (docs/screenshots).

mod common;

use common::{fermata, write_track};
use fermata_testkit::browser::Browser;
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

/// `fermata demo --serve` on a free port, stopped when dropped.
struct Demo {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    fn start() -> Demo {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = fermata()
            .args(["demo", "--dir"])
            .arg(dir.path())
            .args(["--serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("fermata demo runs");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(at) = line.find("served at http://") {
                    let addr: String = line[at + 17..].chars().take_while(|c| *c != '/').collect();
                    let _ = tx.send(format!("http://{addr}"));
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(600))
            .expect("the demo serves within 10 minutes");
        Demo { child, base, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A JSON API call with a key.
    fn api(&self, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
        let req = ureq::request(method, &self.url(path))
            .set("Authorization", &format!("Bearer {key}"))
            .set("Content-Type", "application/json");
        let res = if body.is_null() {
            req.call()
        } else {
            req.send_string(&body.to_string())
        };
        let (code, r) = match res {
            Ok(r) => (r.status(), r),
            Err(ureq::Error::Status(code, r)) => (code, r),
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let text = r.into_string().expect("body");
        (
            code,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A page fetched with the browser's session (for downloads, which a headless browser saves
    /// instead of showing).
    fn fetch_as(&self, b: &Browser, path: &str) -> String {
        let cookie: Vec<String> = b
            .cookies()
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        ureq::get(&self.url(path))
            .set("Cookie", &cookie.join("; "))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .into_string()
            .expect("text")
    }
}

fn sign_in(b: &Browser, demo: &Demo, email: &str, password: &str) {
    b.delete_cookies();
    b.goto(&demo.url("/sign-in"));
    b.fill("#email", email);
    b.fill("#password", password);
    b.submit("form[action='/sign-in'] button");
    assert!(
        b.exists("a[href='/account']"),
        "{email} is signed in: {}",
        b.current_url()
    );
}

fn shot(b: &Browser, name: &str) {
    if let Some(dir) = std::env::var_os("FERMATA_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        b.screenshot(&dir.join(format!("{name}.png")));
    }
}

/// Two new recordings and the CSV that registers them for indie-records.
fn new_catalogue(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let mut audio = Vec::new();
    let mut csv = String::from("isrc,title,artist,duration,audio,shares,credits\n");
    for n in 1..=2u64 {
        let isrc = format!("ZZWEB26{n:05}");
        let path = dir.join(format!("{isrc}.wav"));
        write_track(&path, 900 + n, 30.0);
        csv.push_str(&format!(
            "{isrc},Web Song {n},The Web Band,0:30,{isrc}.wav,indie-records=100,performer=Lea Web\n"
        ));
        audio.push(path);
    }
    let file = dir.join("web-catalogue.csv");
    std::fs::write(&file, csv).expect("csv");
    (file, audio)
}

#[test]
fn people_use_fermata_in_a_browser() {
    let Some(b) = Browser::start() else { return };
    let demo = Demo::start();
    let today = fermata_registry::audit::today();

    // The public start page.
    b.goto(&demo.url("/"));
    assert!(b.exists("a[href='/proof']"));
    shot(&b, "home-en");

    // 1. A holder's administrator invites a colleague, who accepts and imports a catalogue.
    sign_in(&b, &demo, "ana@indie.example", "demo-indie-2026");
    b.goto(&demo.url("/team"));
    b.fill("#invite-email", "lea@indie.example");
    b.select("#invite-role", "holder-admin");
    b.submit("form[action='/team/invite'] button");
    let link = b.text("#shown-once");
    assert!(link.starts_with("/invite/"), "{link}");
    b.delete_cookies();
    b.goto(&demo.url(&link));
    b.fill("#name", "Lea Web");
    b.fill("#password", "lea's long password");
    b.fill("#repeat", "lea's long password");
    b.submit("form[action^='/invite/'] button");
    assert!(
        b.exists("a[href='/account']"),
        "Lea is signed in after accepting"
    );

    let files = tempfile::tempdir().expect("temp dir");
    let (csv, audio) = new_catalogue(files.path());
    b.goto(&demo.url("/import"));
    b.upload("#catalogue", &csv);
    for a in &audio {
        b.upload("#audio", a);
    }
    b.submit("form[action='/import'] button");
    b.wait_for("#import-status[data-state='imported']", WAIT);
    b.goto(&demo.url("/works?q=web+song"));
    assert_eq!(
        b.texts("tbody tr").len(),
        2,
        "the two imported works are listed"
    );

    // Lea asks a licence for training generative AI, for the whole catalogue.
    b.goto(&demo.url("/policies"));
    b.select("#use", "train-genai");
    b.select("#decision", "licence-required");
    b.fill("#amount", "120.00");
    b.submit("form[action='/policies'] button");
    assert!(b.page_source().contains("d-licence-required"));

    // 2. The developer makes an API key in the web app and asks for the two works by API.
    sign_in(&b, &demo, "dev@acme.example", "demo-acme-2026");
    b.goto(&demo.url("/team"));
    b.select("#key-role", "developer");
    b.submit("form[action='/team/keys'] button");
    let key = b.text("#shown-once");
    let (s, request) = demo.api(
        "POST",
        "/v1/requests",
        &key,
        json!({"use": "train-genai", "model": "web-model", "territories": ["DE"], "valid_from": today, "works": ["ZZWEB2600001", "ZZWEB2600002"]}),
    );
    assert_eq!(s, 201, "{request}");

    // 3. Lea approves both lines at once; the decision carries her name.
    sign_in(&b, &demo, "lea@indie.example", "lea's long password");
    b.goto(&demo.url("/requests"));
    // Lea reads her inbox in Korean (the choice is remembered for her).
    b.select("#lang-select", "ko");
    b.wait_for("html[lang='ko']", WAIT);
    shot(&b, "requests-ko");
    b.click("#select-all");
    b.fill("#reason", "welcome");
    b.submit("button[value='approve']");
    let decided = b.page_source();
    assert!(
        decided.contains("lea@indie.example (indie-records)"),
        "the person who decided is recorded: {decided}"
    );
    assert_eq!(decided.matches("s-approved").count(), 2);

    // 4. The developer reports usage and issues a statement; the holder sees it.
    let (s, usage) = demo.api(
        "POST",
        "/v1/usage",
        &key,
        json!({"model": "demo-model-1", "run": "run-1", "scan": "scan-000001", "territory": "DE", "date": today, "works": [{"isrc": "ZZDEM2600001", "seconds": 3600}]}),
    );
    assert_eq!(s, 201, "{usage}");
    let (s, statement) = demo.api(
        "POST",
        "/v1/statements",
        &key,
        json!({"from": "2026-01-01", "to": "2030-12-31", "pool": {"amount_minor": 100000, "currency": "EUR"}}),
    );
    // The work used is licensed per work, so it is paid by its fee and a pool has nothing to
    // be split by: the statement is refused, and issued with the fees alone (no pool).
    assert_eq!(s, 422, "{statement}");
    assert!(
        statement.to_string().contains("paid by its fee"),
        "{statement}"
    );
    let (s, statement) = demo.api(
        "POST",
        "/v1/statements",
        &key,
        json!({"from": "2026-01-01", "to": "2030-12-31", "pool": {"amount_minor": 0, "currency": "EUR"}}),
    );
    assert_eq!(s, 201, "{statement}");
    b.goto(&demo.url("/statements"));
    b.click("tbody a[href^='/statements/stm-']");
    let page = b.page_source();
    assert!(
        page.contains("250.00"),
        "the per-work fee, formatted: {page}"
    );
    assert!(
        page.contains("lic-000001"),
        "the fee names its licence: {page}"
    );

    // 5. The developer opens the scan, requests every licence-required work in one action and
    // downloads the manifest.
    sign_in(&b, &demo, "dev@acme.example", "demo-acme-2026");
    b.goto(&demo.url("/scans/scan-000001?verdict=licence-required"));
    assert!(!b.texts("tbody tr").is_empty());
    shot(&b, "scan-en");
    b.submit("form[action='/scans/scan-000001/request'] button");
    assert!(b.current_url().ends_with("/requests"));
    assert!(b.page_source().contains("s-pending") || b.exists("tbody tr"));
    b.goto(&demo.url("/manifests"));
    let manifest: Value =
        serde_json::from_str(&demo.fetch_as(&b, "/manifests/manifest-000001/download"))
            .expect("manifest JSON");
    let root = manifest["merkle"]["root"]
        .as_str()
        .expect("root")
        .to_string();
    let proof = demo.fetch_as(&b, "/manifests/manifest-000001/proof?isrc=ZZDEM2600001");

    // 6. Anyone checks the proof in the browser; a tampered one is refused.
    b.delete_cookies();
    b.goto(&demo.url(&format!("/proof?root={root}")));
    b.fill("#proof-text", &proof);
    b.click("#proof-form button");
    b.wait_for("#proof-result[data-outcome='valid']", WAIT);
    assert!(b.text("#proof-result").contains("ZZDEM2600001"));
    shot(&b, "proof-en");
    let tampered = proof.replacen(
        "ZZDEM2600001\",\n      \"title\": \"",
        "ZZDEM2600001\",\n      \"title\": \"X",
        1,
    );
    let tampered = if tampered == proof {
        proof.replacen("\"path\": [\n", "\"path\": [\n        \"00\",\n", 1)
    } else {
        tampered
    };
    assert_ne!(tampered, proof, "the proof was changed");
    b.fill("#proof-text", &tampered);
    b.click("#proof-form button");
    b.wait_for("#proof-result[data-outcome='invalid']", WAIT);

    // 7. A fan reports a file; the recordings in it are found and the holder is told.
    b.goto(&demo.url("/report-misuse"));
    b.select("#kind", "generated-track");
    b.fill("#subject", "The Example Band");
    b.upload(
        "#file",
        &demo.dir.path().join("dataset/reserved-reverb.wav"),
    );
    b.fill(
        "#details",
        "This generated track is their song with reverb.",
    );
    b.submit("form[action='/report-misuse'] button");
    let filed = b.page_source();
    assert!(
        filed.contains("ZZDEM2600003"),
        "the reserved recording is found in the file"
    );
    sign_in(&b, &demo, "ana@indie.example", "demo-indie-2026");
    b.goto(&demo.url("/notices"));
    assert!(
        b.page_source()
            .contains("This generated track is their song with reverb.")
    );
    assert!(b.text(".found").contains("ZZDEM2600003"));
}

#[test]
fn every_page_in_every_language_is_accessible_and_fits() {
    let Some(b) = Browser::start() else { return };
    let demo = Demo::start();
    let public = [
        "/",
        "/sign-in",
        "/proof",
        "/transparency",
        "/transparency/demo-model-1",
        "/report-misuse",
        "/sign-up",
        "/holders/indie-records/reservations",
        "/certificates/verify",
    ];
    let holder = [
        "/",
        "/works",
        "/works/ZZDEM2600001",
        "/import",
        "/policies",
        "/offers",
        "/requests",
        "/licences",
        "/statements",
        "/reservations",
        "/notices",
        "/team",
        "/webhooks",
        "/account",
    ];
    let developer = [
        "/",
        "/scans",
        "/scans/scan-000001",
        "/requests",
        "/licences",
        "/manifests",
        "/usage",
        "/attribution",
        "/transparency/demo-model-1",
        "/eu-summary",
        "/webhooks",
    ];
    let shots = [
        ("es", "/", "holder-dashboard-es"),
        ("fr", "/works/ZZDEM2600001", "work-fr"),
        ("pt", "/policies", "policies-pt"),
        ("ko", "/scans/scan-000001", "scan-ko"),
    ];
    let mut problems = Vec::new();
    for lang in ["en", "es", "fr", "ko", "pt"] {
        for (who, paths) in [
            (None, &public[..]),
            (Some(("ana@indie.example", "demo-indie-2026")), &holder[..]),
            (Some(("dev@acme.example", "demo-acme-2026")), &developer[..]),
            (
                Some(("op@fermata.example", "demo-operator-2026")),
                &["/operator", "/team"][..],
            ),
        ] {
            match who {
                Some((email, pw)) => sign_in(&b, &demo, email, pw),
                None => b.delete_cookies(),
            }
            // The switcher: the choice is kept in a cookie, and for a person in the registry.
            // (enhance.js submits the switcher's form as soon as a language is chosen.)
            b.goto(&demo.url("/"));
            b.select("#lang-select", lang);
            b.wait_for(&format!("html[lang='{lang}']"), WAIT);
            for path in paths {
                b.goto(&demo.url(path));
                assert!(
                    b.page_source().contains(&format!("<html lang=\"{lang}\">")),
                    "{lang} {path}"
                );
                for v in b.axe().into_iter().filter(|v| v.is_serious()) {
                    problems.push(format!("{lang} {path}: {v}"));
                }
                for o in b.overflowing() {
                    problems.push(format!("{lang} {path}: overflow {o}"));
                }
                let signed_in = who.is_some();
                for (l, p, name) in shots {
                    if l == lang && p == *path && (signed_in || *path != "/") {
                        shot(&b, name);
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
