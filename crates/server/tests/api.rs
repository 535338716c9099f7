//! The API through its router (`app()` with `oneshot`): the authorisation matrix over every
//! endpoint of the OpenAPI document, idempotency, concurrent approvals, limits and error shape.

use axum::body::Body;
use axum::http::{Request, StatusCode};
mod common;

use common::{W1, registry_file};
use fermata_registry::{LicenceGrant, OfferDraft, Registry, Role, Use, Work};
use fermata_server::{AppState, app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// The callers of every cell, in column order.
const CALLERS: [&str; 8] = [
    "none",
    "revoked",
    "admin",
    "viewer",
    "developer",
    "auditor",
    "other-admin",
    "other-developer",
];

struct Fixture {
    template: PathBuf,
    secrets: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

/// A registry with two labels, two developers and an auditor, one work, and one of each record
/// (offer, request, licence, scan, usage report, statement), and a key per caller.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("home");
    std::fs::create_dir(&template).unwrap();
    let mut r = Registry::create(&registry_file(&template)).unwrap();
    common::populate(&mut r);
    // A misuse notice about W1 (label-a's), for the notice rows.
    r.report_misuse(fermata_registry::NoticeDraft {
        details: "a generated copy".into(),
        works: vec![W1.parse().unwrap()],
        ..Default::default()
    })
    .unwrap();
    // The certificate issuer's key, published, and one certificate of m1 signed with it.
    let issuer = fermata_certificate::IssuerKey::from_seed(&[11; 32]);
    let public = issuer.public();
    r.record_certificate_key(&public.kid(), &public.x(), "dev-x", "operator")
        .unwrap();
    let mut cert = fermata_certificate::Certificate::empty("m1", "dev-x");
    cert.id = "cert-000001".into();
    cert.kid = public.kid();
    let jws = fermata_certificate::sign(&cert, &issuer).unwrap();
    r.record_certificate(
        &fermata_registry::CertificateRecord {
            id: cert.id.clone(),
            model: "m1".into(),
            developer: "dev-x".into(),
            issuer: "op".into(),
            kid: public.kid(),
            issued_at: "2030-01-01T00:00:00Z".into(),
            jws_sha256: fermata_certificate::sha256_hex(jws.as_bytes()),
            jws: jws.clone(),
        },
        "operator",
    )
    .unwrap();
    std::fs::write(template.join("cert.jws"), &jws).unwrap();
    // An attribution report of dev-x's (W1 heard for 500 ms in one output), for its rows.
    r.record_attribution(
        fermata_registry::AttributionDraft {
            developer: "dev-x".into(),
            model: "m".into(),
            date: Some("2026-06-01".into()),
            outputs: vec![fermata_registry::AttributionOutputDraft {
                name: "o.wav".into(),
                sha256: None,
                duration_ms: 1_000,
                found: vec![(W1.parse().unwrap(), 500)],
            }],
        },
        "dev-x",
    )
    .unwrap();
    // A webhook of label-a's with one queued ping, and one of dev-x's, for the webhook rows.
    let hook = r
        .add_webhook("label-a", "https://hooks.label-a.example/h", &[], "cli")
        .unwrap();
    r.ping_webhook(&hook.endpoint.id, None).unwrap();
    r.add_webhook("dev-x", "https://hooks.dev-x.example/h", &[], "cli")
        .unwrap();
    let mut secrets = vec![("none".to_string(), String::new())];
    let revoked = r.create_key("label-a", Role::HolderAdmin, "cli").unwrap();
    r.revoke_key(&revoked.key.id, "cli").unwrap();
    secrets.push(("revoked".into(), revoked.secret));
    for (name, party, role) in [
        ("admin", "label-a", Role::HolderAdmin),
        ("viewer", "label-a", Role::HolderViewer),
        ("developer", "dev-x", Role::Developer),
        ("auditor", "aud", Role::Auditor),
        ("other-admin", "label-c", Role::HolderAdmin),
        ("other-developer", "dev-y", Role::Developer),
    ] {
        secrets.push((
            name.into(),
            r.create_key(party, role, "cli").unwrap().secret,
        ));
    }
    drop(r);
    // Fold the WAL into the file so that copies of it hold everything.
    rusqlite_checkpoint(&registry_file(&template));
    Fixture {
        template,
        secrets,
        _dir: dir,
    }
}

fn rusqlite_checkpoint(path: &Path) {
    let r = Registry::open(path).unwrap();
    drop(r);
}

/// A fresh copy of the fixture's home, so that each cell starts from the same state.
fn fresh(f: &Fixture) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&f.template).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let state = AppState::open(&registry_file(dir.path()))
        .unwrap()
        .with_home(dir.path());
    (dir, state)
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    secret: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if !secret.is_empty() {
        req = req.header("authorization", format!("Bearer {secret}"));
    }
    let body = match body {
        Some(b) => Body::from(b.to_string()),
        None => Body::empty(),
    };
    let resp = app(state.clone())
        .oneshot(
            req.header("content-type", "application/json")
                .body(body)
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

/// One row: an endpoint as the OpenAPI document names it, a concrete URI and body, and the
/// status each caller gets, in `CALLERS` order.
struct Row {
    method: &'static str,
    template: &'static str,
    uri: String,
    body: Option<Value>,
    expect: [u16; 8],
}

fn matrix() -> Vec<Row> {
    let row = |method, template, uri: &str, body: Option<Value>, expect| Row {
        method,
        template,
        uri: uri.into(),
        body,
        expect,
    };
    let w1 = format!("/v1/works/{W1}");
    vec![
        //                                                          none revoked admin viewer dev  aud  oadm odev
        row(
            "GET",
            "/v1/health",
            "/v1/health",
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/v1/openapi.json",
            "/v1/openapi.json",
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/v1/me",
            "/v1/me",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/v1/works",
            "/v1/works",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/v1/works/{isrc}",
            &w1,
            None,
            [401, 401, 200, 200, 200, 200, 404, 200],
        ),
        row(
            "GET",
            "/v1/offers",
            "/v1/offers",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/v1/offers",
            "/v1/offers",
            Some(
                json!({"use": "train-ai", "price": {"model": "per-work", "amount_minor": 100, "currency": "EUR"}}),
            ),
            [401, 401, 201, 403, 403, 403, 201, 403],
        ),
        row(
            "POST",
            "/v1/offers/{id}/withdraw",
            "/v1/offers/off-000001/withdraw",
            None,
            [401, 401, 200, 403, 403, 403, 404, 403],
        ),
        row(
            "GET",
            "/v1/requests",
            "/v1/requests",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/v1/requests",
            "/v1/requests",
            Some(
                json!({"use": "train-genai", "model": "m2", "valid_from": "2026-01-01", "works": [W1]}),
            ),
            [401, 401, 403, 403, 201, 403, 403, 201],
        ),
        row(
            "GET",
            "/v1/requests/{id}",
            "/v1/requests/req-000001",
            None,
            [401, 401, 200, 200, 200, 200, 404, 404],
        ),
        row(
            "POST",
            "/v1/requests/{id}/lines/{line}/decision",
            "/v1/requests/req-000001/lines/1/decision",
            Some(json!({"approve": true, "reason": "welcome"})),
            [401, 401, 201, 403, 403, 403, 404, 403],
        ),
        row(
            "GET",
            "/v1/licences",
            "/v1/licences",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/v1/licences/{id}/revoke",
            "/v1/licences/lic-000001/revoke",
            Some(json!({"reason": "ended"})),
            [401, 401, 200, 403, 403, 403, 404, 403],
        ),
        row(
            "POST",
            "/v1/licences/{id}/renew",
            "/v1/licences/lic-000002/renew",
            None,
            [401, 401, 403, 403, 201, 403, 403, 404],
        ),
        row(
            "GET",
            "/v1/scans/{id}",
            "/v1/scans/scan-000001",
            None,
            [401, 401, 403, 403, 200, 200, 403, 404],
        ),
        row(
            "GET",
            "/v1/usage",
            "/v1/usage",
            None,
            [401, 401, 403, 403, 200, 200, 403, 200],
        ),
        row(
            "POST",
            "/v1/usage",
            "/v1/usage",
            Some(
                json!({"model": "m", "run": "r2", "use": "train-ai", "territory": "DE", "date": "2026-06-02", "works": [{"isrc": W1, "seconds": 30}]}),
            ),
            // Another developer holds no licence for W1: its usage is refused (422), not paid.
            [401, 401, 403, 403, 201, 403, 403, 422],
        ),
        row(
            "GET",
            "/v1/statements",
            "/v1/statements",
            None,
            [401, 401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/v1/statements",
            "/v1/statements",
            Some(
                json!({"from": "2026-01-01", "to": "2026-12-31", "pool": {"amount_minor": 1000, "currency": "EUR"}}),
            ),
            // The other developer reported no usage: nothing to split (422).
            [401, 401, 403, 403, 201, 403, 403, 422],
        ),
        row(
            "GET",
            "/v1/statements/{id}",
            "/v1/statements/stm-000001",
            None,
            [401, 401, 200, 200, 200, 200, 404, 404],
        ),
        row(
            "GET",
            "/v1/notices",
            "/v1/notices",
            None,
            [401, 401, 200, 200, 403, 200, 200, 403],
        ),
        row(
            "POST",
            "/v1/notices",
            "/v1/notices",
            Some(json!({"kind": "voice-imitation", "details": "a cloned voice", "works": [W1]})),
            [401, 401, 201, 201, 201, 201, 201, 201],
        ),
        row(
            "POST",
            "/v1/notices/{id}/state",
            "/v1/notices/notice-000001/state",
            Some(json!({"state": "acknowledged"})),
            [401, 401, 200, 403, 403, 403, 404, 403],
        ),
        row(
            "GET",
            "/v1/audit",
            "/v1/audit",
            None,
            [401, 401, 403, 403, 403, 200, 403, 403],
        ),
        row(
            "GET",
            "/v1/audit/verify",
            "/v1/audit/verify",
            None,
            [401, 401, 403, 403, 403, 200, 403, 403],
        ),
        // Certificates are public: every caller, with or without a key, gets the same answer.
        row(
            "GET",
            "/v1/certificates/key",
            "/v1/certificates/key",
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/v1/models/{model}/certificates",
            "/v1/models/m1/certificates",
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/v1/certificates/verify",
            "/v1/certificates/verify",
            Some(json!({"jws": "a.b.c"})),
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Issuing a certificate: a developer for its own model (m has a finished scan of
        // dev-x's but no manifest: 422; dev-y has no scan of m: 404).
        row(
            "POST",
            "/v1/models/{model}/certificates",
            "/v1/models/m/certificates",
            None,
            [401, 401, 403, 403, 422, 403, 403, 404],
        ),
        // Attribution: developers upload (a JSON body is not the multipart form: 400) and read
        // their own; auditors read all; att-000001 is dev-x's.
        row(
            "POST",
            "/v1/attributions",
            "/v1/attributions",
            Some(json!({"model": "m"})),
            [401, 401, 403, 403, 400, 403, 403, 400],
        ),
        row(
            "GET",
            "/v1/attributions",
            "/v1/attributions",
            None,
            [401, 401, 403, 403, 200, 200, 403, 200],
        ),
        row(
            "GET",
            "/v1/attributions/{id}",
            "/v1/attributions/att-000001",
            None,
            [401, 401, 403, 403, 200, 200, 403, 404],
        ),
        // Webhooks: a party's own (holder admin and developer manage, holder viewer reads);
        // wh-000001 is label-a's, so everyone else gets 404; an auditor has none.
        row(
            "GET",
            "/v1/webhooks",
            "/v1/webhooks",
            None,
            [401, 401, 200, 200, 200, 403, 200, 200],
        ),
        row(
            "POST",
            "/v1/webhooks",
            "/v1/webhooks",
            Some(json!({"url": "https://hooks.example.org/x", "events": ["licence.granted"]})),
            [401, 401, 201, 403, 201, 403, 201, 201],
        ),
        row(
            "GET",
            "/v1/webhooks/{id}",
            "/v1/webhooks/wh-000001",
            None,
            [401, 401, 200, 200, 404, 403, 404, 404],
        ),
        row(
            "POST",
            "/v1/webhooks/{id}/remove",
            "/v1/webhooks/wh-000001/remove",
            None,
            [401, 401, 200, 403, 404, 403, 404, 404],
        ),
        row(
            "POST",
            "/v1/webhooks/{id}/test",
            "/v1/webhooks/wh-000001/test",
            None,
            [401, 401, 200, 403, 404, 403, 404, 404],
        ),
        row(
            "GET",
            "/v1/webhooks/{id}/deliveries",
            "/v1/webhooks/wh-000001/deliveries",
            None,
            [401, 401, 200, 200, 404, 403, 404, 404],
        ),
        row(
            "GET",
            "/v1/webhooks/{id}/deliveries/{delivery}",
            "/v1/webhooks/wh-000001/deliveries/whd-00000001",
            None,
            [401, 401, 200, 200, 404, 403, 404, 404],
        ),
        row(
            "POST",
            "/v1/webhooks/{id}/deliveries/{delivery}/replay",
            "/v1/webhooks/wh-000001/deliveries/whd-00000001/replay",
            None,
            [401, 401, 200, 403, 404, 403, 404, 404],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_are_published_and_verified_by_the_registry_keys() {
    let f = fixture();
    let (dir, state) = fresh(&f);
    let jws = std::fs::read_to_string(dir.path().join("cert.jws")).unwrap();
    let (status, key) = call(&state, "GET", "/v1/certificates/key", "", None).await;
    assert_eq!(status, StatusCode::OK);
    let public = fermata_certificate::PublicKey::parse(key["pem"].as_str().unwrap()).unwrap();
    assert_eq!(public.kid(), key["kid"].as_str().unwrap());
    assert_eq!(key["jwks"]["keys"][0]["kid"], key["kid"]);
    let (status, list) = call(&state, "GET", "/v1/models/m1/certificates", "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["jws"].as_str(), Some(jws.as_str()));
    let (_, none) = call(&state, "GET", "/v1/models/m2/certificates", "", None).await;
    assert_eq!(none, json!([]));
    let (status, ok) = call(
        &state,
        "POST",
        "/v1/certificates/verify",
        "",
        Some(json!({"jws": jws})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ok["valid"], true, "{ok}");
    assert_eq!(ok["certificate"]["model"], "m1");
    // A flipped payload byte, junk, and a certificate signed by a key never published.
    let dot = jws.find('.').unwrap();
    let mut bytes = jws.clone().into_bytes();
    bytes[dot + 3] = if bytes[dot + 3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let stranger = fermata_certificate::IssuerKey::from_seed(&[12; 32]);
    let mut c = fermata_certificate::Certificate::empty("m1", "dev-x");
    c.kid = stranger.public().kid();
    let forged = fermata_certificate::sign(&c, &stranger).unwrap();
    for bad in [tampered, "junk".to_string(), forged] {
        let (status, v) = call(
            &state,
            "POST",
            "/v1/certificates/verify",
            "",
            Some(json!({"jws": bad})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["valid"], false, "{v}");
        assert!(v["error"].is_string());
    }
    // Bad bodies are the caller's error.
    let (status, _) = call(
        &state,
        "POST",
        "/v1/certificates/verify",
        "",
        Some(json!({"jwt": "x"})),
    )
    .await;
    assert_eq!(status.as_u16(), 422);
    let (status, _) = call(
        &state,
        "POST",
        "/v1/certificates/verify",
        "",
        Some(json!({"jws": 5})),
    )
    .await;
    assert_eq!(status.as_u16(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_covers_every_documented_endpoint() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let (status, doc) = call(&state, "GET", "/v1/openapi.json", "", None).await;
    assert_eq!(status, StatusCode::OK);
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let rows = matrix();
    let tested: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    let missing: Vec<_> = documented.difference(&tested).collect();
    assert!(
        missing.is_empty(),
        "endpoints in the OpenAPI document without a row in the matrix: {missing:?}"
    );
    let stale: Vec<_> = tested.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for endpoints the document does not list: {stale:?}"
    );

    let mut failures = Vec::new();
    for row in &rows {
        for (i, (caller, secret)) in f.secrets.iter().enumerate() {
            assert_eq!(caller, CALLERS[i]);
            let (_d, state) = fresh(&f);
            let (status, body) = call(&state, row.method, &row.uri, secret, row.body.clone()).await;
            if status.as_u16() != row.expect[i] {
                failures.push(format!(
                    "{} {} as {caller}: got {status}, want {} — {body}",
                    row.method, row.uri, row.expect[i]
                ));
            }
            if !status.is_success() {
                // Every error has the one shape.
                assert!(
                    body["error"]["code"].is_string() && body["error"]["message"].is_string(),
                    "{} {}: {body}",
                    row.method,
                    row.uri
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn secret(f: &Fixture, name: &str) -> String {
    f.secrets.iter().find(|(n, _)| n == name).unwrap().1.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_of_one_line_make_one_licence() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let admin = secret(&f, "admin");
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (state, admin) = (state.clone(), admin.clone());
            tokio::spawn(async move {
                call(
                    &state,
                    "POST",
                    "/v1/requests/req-000001/lines/1/decision",
                    &admin,
                    Some(json!({"approve": true})),
                )
                .await
                .0
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap().as_u16());
    }
    assert_eq!(codes.iter().filter(|&&c| c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 409).count(), 15, "{codes:?}");
    let (_, licences) = call(&state, "GET", "/v1/licences", &admin, None).await;
    let genai = licences
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["use"] == "train-genai")
        .count();
    assert_eq!(genai, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_replay_and_refuse_reuse() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let admin = secret(&f, "admin");
    let body = json!({"use": "tdm-research", "price": {"model": "per-hour", "amount_minor": 500, "currency": "EUR"}});
    let post = |b: Value, key: &'static str| {
        let (state, admin) = (state.clone(), admin.clone());
        async move {
            let req = Request::post("/v1/offers")
                .header("authorization", format!("Bearer {admin}"))
                .header("idempotency-key", key)
                .body(Body::from(b.to_string()))
                .unwrap();
            let resp = app(state).oneshot(req).await.unwrap();
            let status = resp.status();
            (status, resp.into_body().collect().await.unwrap().to_bytes())
        }
    };
    let (s1, b1) = post(body.clone(), "k-1").await;
    let (s2, b2) = post(body.clone(), "k-1").await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(b1, b2, "the repeat gets the first answer");
    let (_, offers) = call(&state, "GET", "/v1/offers", &admin, None).await;
    assert_eq!(
        offers
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["use"] == "tdm-research")
            .count(),
        1
    );
    let (s3, _) = post(json!({"use": "train-ai", "price": {"model": "per-hour", "amount_minor": 5, "currency": "EUR"}}), "k-1").await;
    assert_eq!(s3, StatusCode::CONFLICT);
    // The same key and body on another path is another request, not a replay.
    let dev = secret(&f, "developer");
    let ask =
        json!({"use": "tdm-research", "model": "m", "valid_from": "2026-01-01", "works": [W1]});
    let req = |key: &'static str| {
        let (state, dev, ask) = (state.clone(), dev.clone(), ask.clone());
        async move {
            let r = Request::post("/v1/requests")
                .header("authorization", format!("Bearer {dev}"))
                .header("idempotency-key", key)
                .body(Body::from(ask.to_string()))
                .unwrap();
            app(state).oneshot(r).await.unwrap().status()
        }
    };
    assert_eq!(
        req("k-1").await,
        StatusCode::CREATED,
        "another party's key space"
    );
    let decide = |line: u32| {
        let (state, admin) = (state.clone(), admin.clone());
        async move {
            let r = Request::post(format!("/v1/requests/req-000001/lines/{line}/decision"))
                .header("authorization", format!("Bearer {admin}"))
                .header("idempotency-key", "d-1")
                .body(Body::from(json!({"approve": true}).to_string()))
                .unwrap();
            app(state).oneshot(r).await.unwrap().status()
        }
    };
    assert_eq!(decide(1).await, StatusCode::CREATED);
    assert_eq!(
        decide(2).await,
        StatusCode::CONFLICT,
        "the key belongs to the decision on line 1: refused, not replayed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_clear_4xx_errors() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let admin = secret(&f, "admin");
    let dev = secret(&f, "developer");
    let cases = [
        (
            &admin,
            "/v1/offers",
            json!({"use": "train-ai", "price": {"model": "per-work", "amount_minor": -1, "currency": "EUR"}}),
            422,
            "never negative",
        ),
        (
            &admin,
            "/v1/offers",
            json!({"use": "train-ai", "price": {"model": "per-work", "amount_minor": 1, "currency": "EUR"}, "extra": 1}),
            422,
            "unknown field",
        ),
        (
            &admin,
            "/v1/offers",
            json!({"use": "sing", "price": {"model": "per-work", "amount_minor": 1, "currency": "EUR"}}),
            422,
            "train-genai",
        ),
        (
            &dev,
            "/v1/requests",
            json!({"use": "train-genai", "model": "m", "valid_from": "2026-01-01", "works": ["NOT-AN-ISRC"]}),
            422,
            "ISRC",
        ),
        (
            &dev,
            "/v1/requests",
            json!({"use": "train-genai", "model": "m", "valid_from": "2026-13-01", "works": [W1]}),
            422,
            "YYYY-MM-DD",
        ),
        (
            &dev,
            "/v1/usage",
            json!({"model": "m", "run": "r", "territory": "DE", "works": [{"isrc": W1, "seconds": -5}]}),
            422,
            "non-negative",
        ),
        (
            &dev,
            "/v1/statements",
            json!({"from": "2026-01-01", "to": "2026-12-31", "pool": {"amount_minor": -100, "currency": "EUR"}}),
            422,
            "never negative",
        ),
        (
            &dev,
            "/v1/statements",
            json!({"from": "2026-01-01", "to": "2026-12-31", "pool": {"amount_minor": 100, "currency": "ABC"}}),
            422,
            "ISO 4217",
        ),
    ];
    for (key, uri, body, status, wanted) in cases {
        let (s, b) = call(&state, "POST", uri, key, Some(body.clone())).await;
        assert_eq!(s.as_u16(), status, "{uri} {body}: {b}");
        assert!(
            b["error"]["message"].as_str().unwrap().contains(wanted),
            "{uri} {body}: {b}"
        );
    }
    // Malformed JSON is a 400; a body over the limit is a 413; both in the error shape.
    let req = Request::post("/v1/offers")
        .header("authorization", format!("Bearer {admin}"))
        .body(Body::from("{not json"))
        .unwrap();
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let big = vec![b'x'; fermata_server::MAX_BODY_BYTES + 1];
    let req = Request::post("/v1/offers")
        .header("authorization", format!("Bearer {admin}"))
        .body(Body::from(big))
        .unwrap();
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");
    // An unknown endpoint, a wrong method, a bad path parameter and an unknown query field all
    // answer in the same shape.
    for (method, uri, status, code) in [
        ("GET", "/v1/nothing", StatusCode::NOT_FOUND, "not_found"),
        (
            "DELETE",
            "/v1/offers",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "POST",
            "/v1/requests/req-000001/lines/abc/decision",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/v1/statements/stm-000001?format=csv&x=1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ] {
        let (s, b) = call(&state, method, uri, &admin, None).await;
        assert_eq!(s, status, "{method} {uri}: {b}");
        assert_eq!(b["error"]["code"], code, "{method} {uri}: {b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlapping_licence_is_a_conflict() {
    let f = fixture();
    let (dir, state) = fresh(&f);
    let dev = secret(&f, "developer");
    let admin = secret(&f, "admin");
    // A licence for 2020 only; then a request for mid-2020 to mid-2021, whose approval would
    // overlap it.
    let mut r = Registry::open(&dir.path().join("registry.sqlite")).unwrap();
    let mut past = LicenceGrant::new("label-a", "dev-x", Use::TrainGenai, "2020-01-01");
    past.works = vec![W1.parse().unwrap()];
    past.valid_to = Some("2020-12-31".into());
    r.grant_licence(past, "label-a").unwrap();
    drop(r);
    let (s, req) = call(&state, "POST", "/v1/requests", &dev, Some(json!({"use": "train-genai", "model": "m", "valid_from": "2020-06-01", "valid_to": "2021-06-30", "works": [W1]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let uri = format!(
        "/v1/requests/{}/lines/1/decision",
        req["id"].as_str().unwrap()
    );
    let (s, b) = call(&state, "POST", &uri, &admin, Some(json!({"approve": true}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("overlapping period"),
        "{b}"
    );
    // The line is still pending: it can be refused instead.
    let (s, _) = call(
        &state,
        "POST",
        &uri,
        &admin,
        Some(json!({"approve": false, "reason": "already licensed"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_an_object_is_refused() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let admin = secret(&f, "admin");
    let dev = secret(&f, "developer");
    let cases = [
        // The fields in order, as an array: serde would take them positionally.
        (
            &admin,
            "/v1/requests/req-000001/lines/1/decision",
            json!([true, "ok"]),
        ),
        (
            &admin,
            "/v1/offers",
            json!([[], "train-ai", [], {"model": "per-work", "amount_minor": 1, "currency": "EUR"}, null, false]),
        ),
        (&admin, "/v1/licences/lic-000001/revoke", json!(["ended"])),
        (
            &dev,
            "/v1/requests",
            json!(["train-genai", "m", [], "2026-01-01", null, null, [W1], null]),
        ),
        (
            &dev,
            "/v1/statements",
            json!(["2026-01-01", "2026-12-31", {"amount_minor": 1000, "currency": "EUR"}]),
        ),
        (
            &dev,
            "/v1/usage",
            json!(["m", "r9", null, null, "DE", "2026-06-02", [{"isrc": W1, "seconds": 30}]]),
        ),
        // An array where a nested object is expected.
        (
            &dev,
            "/v1/usage",
            json!({"model": "m", "run": "r9", "territory": "DE", "date": "2026-06-02", "works": [[W1, 30]]}),
        ),
        // Other JSON values where the body must be an object.
        (
            &admin,
            "/v1/requests/req-000001/lines/1/decision",
            json!("approve"),
        ),
        (
            &admin,
            "/v1/requests/req-000001/lines/1/decision",
            json!(null),
        ),
        (&admin, "/v1/requests/req-000001/lines/1/decision", json!(1)),
    ];
    for (key, uri, body) in cases {
        let (s, b) = call(&state, "POST", uri, key, Some(body.clone())).await;
        assert!(
            s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST,
            "{uri} {body}: {s} {b}"
        );
        assert!(
            b["error"]["code"].is_string() && b["error"]["message"].is_string(),
            "{uri} {body}: {b}"
        );
    }
    // Nothing was decided, granted or reported on the way.
    let (_, req) = call(&state, "GET", "/v1/requests/req-000001", &admin, None).await;
    assert_eq!(req["lines"][0]["status"], "pending", "{req}");
    let (_, usage) = call(&state, "GET", "/v1/usage", &dev, None).await;
    assert_eq!(usage.as_array().unwrap().len(), 1, "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_and_foreign_records_get_the_same_404() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let other_admin = secret(&f, "other-admin");
    let other_dev = secret(&f, "other-developer");
    let admin = secret(&f, "admin");
    let missing_work = "ZZAPI2600099";
    // (caller, method, URI of a record that does not exist, URI of one that is someone else's, body)
    let cases: Vec<(&String, &str, String, String, Option<Value>)> = vec![
        (
            &other_admin,
            "GET",
            format!("/v1/works/{missing_work}"),
            format!("/v1/works/{W1}"),
            None,
        ),
        (
            &other_admin,
            "POST",
            "/v1/offers/off-000099/withdraw".into(),
            "/v1/offers/off-000001/withdraw".into(),
            None,
        ),
        (
            &other_dev,
            "GET",
            "/v1/requests/req-000099".into(),
            "/v1/requests/req-000001".into(),
            None,
        ),
        (
            &other_admin,
            "GET",
            "/v1/requests/req-000099".into(),
            "/v1/requests/req-000001".into(),
            None,
        ),
        (
            &other_admin,
            "POST",
            "/v1/requests/req-000099/lines/1/decision".into(),
            "/v1/requests/req-000001/lines/1/decision".into(),
            Some(json!({"approve": true})),
        ),
        (
            &admin,
            "POST",
            "/v1/requests/req-000001/lines/99/decision".into(),
            "/v1/requests/req-000001/lines/1/decision".into(),
            Some(json!({"approve": true})),
        ),
        (
            &other_admin,
            "POST",
            "/v1/licences/lic-000099/revoke".into(),
            "/v1/licences/lic-000001/revoke".into(),
            Some(json!({"reason": "x"})),
        ),
        (
            &other_dev,
            "GET",
            "/v1/scans/scan-000099".into(),
            "/v1/scans/scan-000001".into(),
            None,
        ),
        (
            &other_dev,
            "GET",
            "/v1/statements/stm-000099".into(),
            "/v1/statements/stm-000001".into(),
            None,
        ),
        (
            &other_admin,
            "GET",
            "/v1/statements/stm-000099".into(),
            "/v1/statements/stm-000001".into(),
            None,
        ),
        (
            &other_dev,
            "GET",
            "/v1/statements/stm-000099?format=csv".into(),
            "/v1/statements/stm-000001?format=csv".into(),
            None,
        ),
    ];
    for (key, method, missing, foreign, body) in cases {
        // The admin's own line 1 is theirs: compare its missing line 99 with the other admin's view.
        let foreign_key = if key == &admin { &other_admin } else { key };
        let (s1, b1) = call(&state, method, &missing, key, body.clone()).await;
        let (s2, b2) = call(&state, method, &foreign, foreign_key, body.clone()).await;
        assert_eq!(s1, StatusCode::NOT_FOUND, "{method} {missing}: {b1}");
        assert_eq!(
            (s1, &b1),
            (s2, &b2),
            "{method} {missing} and {foreign} must answer alike"
        );
    }
    // A scan named in a request or a usage report: someone else's is as unknown as a missing one.
    for (uri, with) in [
        (
            "/v1/requests",
            json!({"use": "train-genai", "model": "m", "valid_from": "2026-01-01"}),
        ),
        (
            "/v1/usage",
            json!({"model": "m", "run": "r5", "territory": "DE", "date": "2026-06-02", "works": [{"isrc": W1, "seconds": 1}]}),
        ),
    ] {
        let mut missing = with.clone();
        missing["scan"] = json!("scan-000099");
        let mut foreign = with.clone();
        foreign["scan"] = json!("scan-000001");
        let (s1, b1) = call(&state, "POST", uri, &other_dev, Some(missing)).await;
        let (s2, b2) = call(&state, "POST", uri, &other_dev, Some(foreign)).await;
        assert_eq!(s1, StatusCode::NOT_FOUND, "{uri}: {b1}");
        assert_eq!(
            (s1, &b1),
            (s2, &b2),
            "{uri}: a missing and a foreign scan must answer alike"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_paginated() {
    let f = fixture();
    let (dir, state) = fresh(&f);
    let dev = secret(&f, "developer");
    // 150 more works: 151 in all.
    let mut r = Registry::open(&dir.path().join("registry.sqlite")).unwrap();
    let works: Vec<Work> = (0..150)
        .map(|i| Work {
            title: format!("Song {i}"),
            ..common::work(&format!("ZZAPI27{i:05}"))
        })
        .collect();
    r.register_works("label-a", works, "cli").unwrap();
    drop(r);
    let get = |uri: String| {
        let (state, dev) = (state.clone(), dev.clone());
        async move {
            let req = Request::get(&uri)
                .header("authorization", format!("Bearer {dev}"))
                .body(Body::empty())
                .unwrap();
            let resp = app(state).oneshot(req).await.unwrap();
            let status = resp.status();
            let link = resp
                .headers()
                .get("link")
                .map(|v| v.to_str().unwrap().to_string());
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                link,
                serde_json::from_slice::<Value>(&bytes).unwrap(),
            )
        }
    };
    // The default page is 100, with a link to the next.
    let (s, link, first) = get("/v1/works".into()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first.as_array().unwrap().len(), 100);
    assert_eq!(
        link.as_deref(),
        Some("</v1/works?limit=100&offset=100>; rel=\"next\"")
    );
    // Following the links walks every work once.
    let mut seen = Vec::new();
    let mut next = Some("/v1/works?limit=40".to_string());
    let mut pages = 0;
    while let Some(uri) = next.take() {
        pages += 1;
        assert!(pages <= 10, "the links never end");
        let (s, link, page) = get(uri.clone()).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {page}");
        seen.extend(
            page.as_array()
                .unwrap()
                .iter()
                .map(|w| w["isrc"].as_str().unwrap().to_string()),
        );
        next = link.map(|l| {
            l.trim_start_matches('<')
                .split('>')
                .next()
                .unwrap()
                .to_string()
        });
    }
    assert_eq!(pages, 4);
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (151, 151));
    // Past the end: an empty page and no link.
    let (s, link, page) = get("/v1/works?offset=500".into()).await;
    assert_eq!((s, link, page), (StatusCode::OK, None, json!([])));
    // The limit is 1 to 1000.
    for bad in [
        "/v1/works?limit=0",
        "/v1/works?limit=1001",
        "/v1/works?limit=x",
        "/v1/works?offset=-1",
    ] {
        let (s, _, b) = get(bad.into()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {b}");
        assert_eq!(b["error"]["code"], "bad_request", "{bad}: {b}");
    }
    // Every list endpoint takes the same parameters, and the document says so.
    let (_, doc) = call(&state, "GET", "/v1/openapi.json", "", None).await;
    let auditor = secret(&f, "auditor");
    for list in [
        "/v1/works",
        "/v1/offers",
        "/v1/requests",
        "/v1/licences",
        "/v1/usage",
        "/v1/statements",
        "/v1/audit",
    ] {
        let (s, page) = call(
            &state,
            "GET",
            &format!("{list}?limit=1&offset=0"),
            &auditor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{list}: {page}");
        assert!(page.as_array().unwrap().len() <= 1, "{list}: {page}");
        let op = &doc["paths"][list]["get"];
        let params: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{list}: {op}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            params.contains(&"limit") && params.contains(&"offset"),
            "{list}: {params:?}"
        );
        assert!(
            op["responses"]["200"]["headers"]["link"].is_object(),
            "{list}: {}",
            op["responses"]["200"]
        );
    }
    // The audit log's link keeps its filter.
    let (_, events) = call(
        &state,
        "GET",
        "/v1/audit?subject=party%3Adev-x",
        &auditor,
        None,
    )
    .await;
    let n = events.as_array().unwrap().len();
    assert!(n >= 2, "{events}");
    let req = Request::get("/v1/audit?subject=party%3Adev-x&limit=1")
        .header("authorization", format!("Bearer {auditor}"))
        .body(Body::empty())
        .unwrap();
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(
        resp.headers()["link"],
        "</v1/audit?limit=1&offset=1&subject=party%3Adev-x>; rel=\"next\""
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_long_text_is_refused() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let admin = secret(&f, "admin");
    let dev = secret(&f, "developer");
    let auditor = secret(&f, "auditor");
    let name = |n: usize| "m".repeat(n);
    let text = |n: usize| "é".repeat(n);
    let cases = [
        (
            &dev,
            "POST",
            "/v1/requests",
            Some(
                json!({"use": "train-genai", "model": name(201), "valid_from": "2026-01-01", "works": [W1]}),
            ),
            "model",
        ),
        (
            &dev,
            "POST",
            "/v1/requests",
            Some(
                json!({"use": "train-genai", "model": "m", "valid_from": name(201), "works": [W1]}),
            ),
            "valid_from",
        ),
        (
            &dev,
            "POST",
            "/v1/requests",
            Some(
                json!({"use": "train-genai", "model": "m", "valid_from": "2026-01-01", "scan": name(201)}),
            ),
            "scan",
        ),
        (
            &dev,
            "POST",
            "/v1/usage",
            Some(
                json!({"model": name(201), "run": "r", "territory": "DE", "works": [{"isrc": W1, "seconds": 1}]}),
            ),
            "model",
        ),
        (
            &dev,
            "POST",
            "/v1/usage",
            Some(
                json!({"model": "m", "run": name(201), "territory": "DE", "works": [{"isrc": W1, "seconds": 1}]}),
            ),
            "run",
        ),
        (
            &dev,
            "POST",
            "/v1/usage",
            Some(
                json!({"model": "m", "run": "r", "manifest": name(201), "territory": "DE", "works": [{"isrc": W1, "seconds": 1}]}),
            ),
            "manifest",
        ),
        (
            &dev,
            "POST",
            "/v1/statements",
            Some(
                json!({"from": name(201), "to": "2026-12-31", "pool": {"amount_minor": 1, "currency": "EUR"}}),
            ),
            "from",
        ),
        (
            &admin,
            "POST",
            "/v1/requests/req-000001/lines/1/decision",
            Some(json!({"approve": false, "reason": text(2001)})),
            "reason",
        ),
        (
            &admin,
            "POST",
            "/v1/licences/lic-000001/revoke",
            Some(json!({"reason": text(2001)})),
            "reason",
        ),
        (
            &auditor,
            "GET",
            "/v1/audit?subject=PLACEHOLDER",
            None,
            "subject",
        ),
    ];
    for (key, method, uri, body, field) in cases {
        let uri = uri.replace("PLACEHOLDER", &name(201));
        let (s, b) = call(&state, method, &uri, key, body.clone()).await;
        assert!(
            s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST,
            "{method} {uri}: {s} {b}"
        );
        let message = b["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{b}"));
        assert!(
            message.contains(field) && (message.contains("200") || message.contains("2000")),
            "{method} {uri}: {message}"
        );
    }
    // At the limits, text is taken (counted in characters, not bytes).
    let (s, b) = call(&state, "POST", "/v1/requests", &dev, Some(json!({"use": "train-genai", "model": name(200), "valid_from": "2026-01-01", "works": [W1]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = call(
        &state,
        "POST",
        "/v1/requests/req-000001/lines/1/decision",
        &admin,
        Some(json!({"approve": false, "reason": text(2000)})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// Through the API door too: a work the holder reserves is refused at once, even under the
/// holder's catalogue-wide auto-accept offer, and no licence is made.
#[tokio::test]
async fn a_request_for_a_reserved_work_is_refused_at_once_despite_an_auto_accept_offer() {
    let f = fixture();
    let (dir, state) = fresh(&f);
    let mut r = Registry::open(&registry_file(dir.path())).unwrap();
    r.set_policy(
        fermata_registry::PolicyChange::new(
            "label-a",
            Some(W1.parse().unwrap()),
            Use::TrainGenai,
            fermata_registry::Decision::Deny,
        ),
        "label-a",
    )
    .unwrap();
    r.publish_offer(
        OfferDraft {
            holder: "label-a".into(),
            works: vec![],
            use_: Use::TrainGenai,
            territories: vec![],
            price: "per-work:1:EUR".parse().unwrap(),
            term_months: None,
            auto_accept: true,
            remuneration: Default::default(),
        },
        "label-a",
    )
    .unwrap();
    let dev = secret(&f, "developer");
    let today = fermata_registry::audit::today();
    let (s, b) = call(
        &state,
        "POST",
        "/v1/requests",
        &dev,
        Some(json!({"use": "train-genai", "model": "m", "valid_from": today, "works": [W1]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let line = &b["lines"][0];
    assert_eq!(
        (line["status"].as_str(), line["decided_by"].as_str()),
        (Some("refused"), Some("policy")),
        "{b}"
    );
    assert!(
        line["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("reserves train-genai"),
        "{b}"
    );
    assert!(line["licence"].is_null(), "{b}");
    let genai_licences = r
        .licences(Some("dev-x"))
        .unwrap()
        .into_iter()
        .filter(|l| l.use_ == Use::TrainGenai)
        .count();
    assert_eq!(genai_licences, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_shows_its_secret_once_and_refuses_bad_urls() {
    let f = fixture();
    let (_d, state) = fresh(&f);
    let dev = secret(&f, "developer");
    let (s, made) = call(
        &state,
        "POST",
        "/v1/webhooks",
        &dev,
        Some(json!({"url": "https://ci.dev-x.example/hook", "events": ["licence.granted", "scan.finished"]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let shown = made["secret"].as_str().unwrap().to_string();
    assert!(shown.starts_with("whsec_"));
    assert_eq!(made["endpoint"]["party"], "dev-x");
    let id = made["endpoint"]["id"].as_str().unwrap().to_string();
    let (_, one) = call(&state, "GET", &format!("/v1/webhooks/{id}"), &dev, None).await;
    let (_, all) = call(&state, "GET", "/v1/webhooks", &dev, None).await;
    assert_eq!(one["events"], json!(["licence.granted", "scan.finished"]));
    for v in [&one, &all] {
        assert!(!v.to_string().contains(&shown), "{v}");
    }
    for (body, why) in [
        (json!({"url": "http://ci.dev-x.example/hook"}), "use https"),
        (
            json!({"url": "https://u:p@ci.dev-x.example/hook"}),
            "no user name",
        ),
        (
            json!({"url": format!("https://x.example/{}", "a".repeat(2100))}),
            "600",
        ),
        (
            json!({"url": "https://x.example/h", "events": ["licence.exploded"]}),
            "",
        ),
        (json!({"url": "https://x.example/h", "secret": "mine"}), ""),
    ] {
        let (s, err) = call(&state, "POST", "/v1/webhooks", &dev, Some(body.clone())).await;
        assert!(s.is_client_error(), "{body}: {s}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(why),
            "{body}: {err}"
        );
    }
    // A test ping is queued for the delivery worker; another party's delivery log is 404.
    let (s, ping) = call(
        &state,
        "POST",
        &format!("/v1/webhooks/{id}/test"),
        &dev,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ping["event_type"], "ping");
    assert_eq!(ping["status"], "pending");
    let (_, log) = call(
        &state,
        "GET",
        &format!("/v1/webhooks/{id}/deliveries"),
        &dev,
        None,
    )
    .await;
    assert_eq!(log[0]["id"], ping["id"]);
    let other = secret(&f, "other-developer");
    let uri = format!(
        "/v1/webhooks/{id}/deliveries/{}",
        ping["id"].as_str().unwrap()
    );
    assert_eq!(
        call(&state, "GET", &uri, &other, None).await.0,
        StatusCode::NOT_FOUND
    );
    // A delivery named under another endpoint is not found either.
    let wrong = format!(
        "/v1/webhooks/wh-000001/deliveries/{}",
        ping["id"].as_str().unwrap()
    );
    let admin = secret(&f, "admin");
    assert_eq!(
        call(&state, "GET", &wrong, &admin, None).await.0,
        StatusCode::NOT_FOUND
    );
}
