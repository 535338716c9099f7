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
}

async fn model(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(model): Path<String>,
) -> Result<Response, WebError> {
    let m = model.clone();
    let (record, scan, scans, counts) = state
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
            Ok((record, scan, scans, counts))
        })
        .await?;
    let t = &ctx.tr;
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
    };
    Ok(render(&ModelTpl {
        c: Chrome::titled(&ctx, t.arg("model-title", "model", f.model.as_str())),
        f,
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
