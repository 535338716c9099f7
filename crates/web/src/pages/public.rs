//! Pages for everyone, no sign-in: the proof checker, models' transparency pages, a holder's
//! published reservations.

use super::Params;
use super::holder::{download_reservation, location_param};
use crate::auth::Ctx;
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/proof", get(proof))
        .route("/transparency", get(transparency))
        .route("/transparency/{model}", get(model))
        .route("/holders/{party}/reservations", get(holder_reservations))
        .route(
            "/holders/{party}/reservations/{file}",
            get(holder_reservation_file),
        )
        .route(
            "/transparency/{model}/certificates/{file}",
            get(certificate_file),
        )
        .route("/certificate-key.pem", get(certificate_key_pem))
        .route("/certificates/verify", get(verify_page).post(verify_submit))
}

#[derive(Template)]
#[template(path = "proof.html")]
struct ProofTpl {
    c: Chrome,
    root: String,
}

async fn proof(ctx: Ctx, q: Params) -> Response {
    let root: String = q
        .get("root")
        .map_or("", |s| s.as_str())
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .take(64)
        .collect();
    render(&ProofTpl {
        c: Chrome::new(&ctx, "proof-title"),
        root,
    })
}

/// One model's published facts: its latest manifest and what its scans found.
struct ModelFacts {
    model: String,
    developer: String,
    manifest: String,
    root: String,
    entries: String,
    created: String,
    scans: String,
    files: Vec<(String, String)>,
    certificates: Vec<CertRow>,
}

/// One certificate of a model, as its transparency page lists it.
struct CertRow {
    id: String,
    issued: String,
    dates: String,
    works: String,
    manifests: String,
    valid: bool,
}

#[derive(Template)]
#[template(path = "transparency.html")]
struct TransparencyTpl {
    c: Chrome,
    models: Vec<(String, String, String, String)>,
}

async fn transparency(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let latest = state
        .registry(|r| {
            // The latest manifest of each model.
            let mut by_model: BTreeMap<String, (String, fermata_registry::ManifestRecord)> =
                BTreeMap::new();
            for m in r.manifests()? {
                let scan = r.scan(&m.scan_id)?;
                by_model.insert(scan.model, (scan.developer, m));
            }
            Ok(by_model)
        })
        .await?;
    let t = &ctx.tr;
    Ok(render(&TransparencyTpl {
        models: latest
            .into_iter()
            .map(|(model, (dev, m))| (model, dev, m.root, t.datetime(&m.created_at)))
            .collect(),
        c: Chrome::new(&ctx, "transparency-title"),
    }))
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelTpl {
    c: Chrome,
    f: ModelFacts,
    /// The signed-in person is a developer of the model's developer: show "Issue certificate".
    can_issue: bool,
}

async fn model(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(model): Path<String>,
) -> Result<Response, WebError> {
    let m = model.clone();
    let (record, scan, scans, counts, certificates, keys) = state
        .registry(move |r| {
            let mut latest = None;
            let mut scans = 0;
            for rec in r.manifests()? {
                let scan = r.scan(&rec.scan_id)?;
                if scan.model == m {
                    latest = Some((rec, scan));
                }
            }
            let Some((record, scan)) = latest else {
                return Err(fermata_registry::RegistryError::NotFound {
                    what: "model",
                    id: m,
                    hint: "see the transparency page",
                });
            };
            let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
            for s in r.scans()? {
                if s.model == m && s.developer == scan.developer && s.finished_at.is_some() {
                    scans += 1;
                }
            }
            for f in r.scan_files(&scan.id)? {
                if let Some(v) = f.verdict {
                    *counts.entry(v.verdict.as_str()).or_default() += 1;
                }
            }
            let certificates = r.certificates(Some(&m))?;
            let keys = r.certificate_keys()?;
            Ok((record, scan, scans, counts, certificates, keys))
        })
        .await?;
    let t = &ctx.tr;
    let can_issue = ctx
        .person
        .as_ref()
        .is_some_and(|p| p.role == fermata_registry::Role::Developer && p.party == scan.developer);
    let f = ModelFacts {
        model,
        developer: scan.developer,
        manifest: record.id,
        root: record.root,
        entries: t.num(record.leaves as i64),
        created: t.datetime(&record.created_at),
        scans: t.num(scans as i64),
        files: fermata_registry::Verdict::ALL
            .iter()
            .map(|v| {
                (
                    t.get(format!("verdict-{}", v.as_str())),
                    t.num(counts.get(v.as_str()).copied().unwrap_or(0) as i64),
                )
            })
            .collect(),
        certificates: certificates
            .iter()
            .map(|rec| {
                // Listed as recorded; marked valid only when it verifies with a published key.
                let verified = fermata_certificate::verify_with_keys(&rec.jws, &keys).ok();
                let cert = verified.as_ref().map(|v| &v.certificate);
                CertRow {
                    id: rec.id.clone(),
                    issued: t.datetime(&rec.issued_at),
                    dates: cert
                        .map(|c| c.training_dates.join(", "))
                        .unwrap_or_default(),
                    works: cert.map(|c| t.num(c.works as i64)).unwrap_or_default(),
                    manifests: cert
                        .map(|c| {
                            c.scans
                                .iter()
                                .map(|s| s.manifest.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default(),
                    valid: verified.is_some(),
                }
            })
            .collect(),
    };
    Ok(render(&ModelTpl {
        c: Chrome::titled(&ctx, t.arg("model-title", "model", f.model.as_str())),
        f,
        can_issue,
    }))
}

#[derive(Template)]
#[template(path = "public_reservations.html")]
struct PublicReservationsTpl {
    c: Chrome,
    party: String,
    files: fermata_report::reservations::ReservationFiles,
    location: String,
}

async fn public_files(
    state: &WebState,
    party: String,
    location: String,
) -> Result<fermata_report::reservations::ReservationFiles, WebError> {
    state
        .registry(move |r| {
            let holder = r.party(&party)?;
            if !holder.kind.holds_rights() {
                return Err(fermata_registry::RegistryError::NotFound {
                    what: "rights holder",
                    id: party,
                    hint: "check the address",
                });
            }
            let policies = r.policies(&party)?;
            let offers = r.offers(Some(&party), false)?;
            Ok((holder, policies, offers))
        })
        .await
        .and_then(|(holder, policies, offers)| {
            fermata_report::reservations::export(&holder, &policies, &offers, &location, None, None)
                .map_err(|e| WebError::Invalid(e.to_string()))
        })
}

async fn holder_reservations(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(party): Path<String>,
    q: Params,
) -> Result<Response, WebError> {
    let location = location_param(&q);
    let files = public_files(&state, party.clone(), location.clone()).await?;
    Ok(render(&PublicReservationsTpl {
        c: Chrome::titled(
            &ctx,
            ctx.tr
                .arg("public-reservations-title", "party", party.as_str()),
        ),
        party,
        files,
        location,
    }))
}

async fn holder_reservation_file(
    State(state): State<WebState>,
    Path((party, file)): Path<(String, String)>,
    q: Params,
) -> Result<Response, WebError> {
    let files = public_files(&state, party, location_param(&q)).await?;
    download_reservation(&files, &file)
}

/// A model's certificate, as the JWS text it was issued as.
async fn certificate_file(
    State(state): State<WebState>,
    Path((model, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = file
        .strip_suffix(".jws")
        .ok_or(WebError::NotFound)?
        .to_string();
    let record = state
        .registry(move |r| r.certificate(&id))
        .await
        .map_err(|_| WebError::NotFound)?;
    if record.model != model {
        return Err(WebError::NotFound);
    }
    Ok(super::download(
        &format!("{}.jws", record.id),
        "application/jose; charset=us-ascii",
        format!("{}\n", record.jws),
    ))
}

/// The issuer's current public key (SPKI PEM).
async fn certificate_key_pem(State(state): State<WebState>) -> Result<Response, WebError> {
    let keys = state.registry(|r| r.certificate_keys()).await?;
    let (_, pem) = fermata_certificate::published_keys(&keys)
        .map_err(|e| WebError::Internal(e.to_string()))?
        .ok_or(WebError::NotFound)?;
    Ok(super::download(
        "certificate-key.pem",
        "application/x-pem-file",
        pem,
    ))
}

/// What a checked certificate binds, for the page.
struct CheckedCert {
    valid: bool,
    kid: String,
    error: String,
    facts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "certificate_verify.html")]
struct VerifyTpl {
    c: Chrome,
    jws: String,
    result: Option<CheckedCert>,
}

async fn verify_page(ctx: Ctx) -> Response {
    render(&VerifyTpl {
        c: Chrome::new(&ctx, "cert-verify-title"),
        jws: String::new(),
        result: None,
    })
}

/// Checks a pasted certificate with the registry's published keys: the same library call as the
/// API's `POST /v1/certificates/verify`.
async fn verify_submit(
    State(state): State<WebState>,
    form: crate::auth::CsrfForm,
) -> Result<Response, WebError> {
    let jws = form.get("jws").trim().to_string();
    let keys = state.registry(|r| r.certificate_keys()).await?;
    let ctx = &form.ctx;
    let t = &ctx.tr;
    let result = match fermata_certificate::verify_with_keys(&jws, &keys) {
        Ok(v) => {
            let c = &v.certificate;
            let list = |items: Vec<String>| {
                if items.is_empty() {
                    "-".to_string()
                } else {
                    items.join(", ")
                }
            };
            CheckedCert {
                valid: true,
                kid: v.header.kid.clone(),
                error: String::new(),
                facts: vec![
                    (t.get("col-certificate"), c.id.clone()),
                    (t.get("col-model"), c.model.clone()),
                    (t.get("col-developer"), c.developer.clone()),
                    (t.get("cert-issuer"), c.issuer.clone()),
                    (t.get("col-issued"), t.datetime(&c.issued_at)),
                    (t.get("cert-training-dates"), list(c.training_dates.clone())),
                    (t.get("col-works"), t.num(c.works as i64)),
                    (
                        t.get("col-manifest"),
                        list(
                            c.scans
                                .iter()
                                .map(|s| {
                                    format!("{} ({}, {})", s.manifest.id, s.id, s.manifest.root)
                                })
                                .collect(),
                        ),
                    ),
                    (
                        t.get("cert-licences"),
                        list(
                            c.licences
                                .iter()
                                .map(|l| format!("{} ({})", l.id, l.holder))
                                .collect(),
                        ),
                    ),
                    (
                        t.get("cert-policies"),
                        list(
                            c.policies
                                .iter()
                                .map(|p| format!("{} ({}, {})", p.holder, p.work, p.decision))
                                .collect(),
                        ),
                    ),
                    (
                        t.get("cert-usage-reports"),
                        list(
                            c.usage_reports
                                .iter()
                                .map(|u| format!("{} ({})", u.id, u.date))
                                .collect(),
                        ),
                    ),
                    ("SHA-256".into(), v.jws_sha256.clone()),
                ],
            }
        }
        Err(e) => CheckedCert {
            valid: false,
            kid: String::new(),
            error: e.to_string(),
            facts: vec![],
        },
    };
    Ok(render(&VerifyTpl {
        c: Chrome::new(ctx, "cert-verify-title"),
        jws,
        result: Some(result),
    }))
}
