//! An AI developer's attribution of generated outputs (issue 15): upload several outputs of a
//! model, and fermata identifies the registered recordings in each and records for how many
//! milliseconds each work is heard (`fermata output attribute`, `POST /v1/attributions`: the
//! same call, [`fermata_clearance::attribute_outputs`]); the reports made before are listed.
//! Also the "Issue certificate" button of a model's transparency page
//! ([`fermata_certificate::issue_from_home`], as `fermata certificate issue` and
//! `POST /v1/models/{model}/certificates`).

use super::see_other;
use crate::auth::{CsrfForm, CsrfMultipart, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fermata_registry::{AttributionReport, RegistryError};
use std::collections::{BTreeMap, BTreeSet};

/// Largest attribution upload form: the outputs and room for the form around them.
pub const MAX_ATTRIBUTION_FORM_BYTES: usize =
    fermata_clearance::MAX_UPLOAD_BYTES as usize + (1 << 20);

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/attribution",
            get(attribution_page)
                .post(attribute)
                .layer(axum::extract::DefaultBodyLimit::max(
                    MAX_ATTRIBUTION_FORM_BYTES,
                )),
        )
        .route("/attribution/{id}", get(report_page))
        .route("/transparency/{model}/certificates", post(issue))
}

#[derive(Template)]
#[template(path = "attribution.html")]
struct AttributionTpl {
    c: Chrome,
    available: bool,
    rows: Vec<ReportRow>,
    models: Vec<String>,
    today: String,
    max_files: usize,
}

struct ReportRow {
    id: String,
    model: String,
    date: String,
    outputs: String,
    works: String,
    found: String,
}

fn found_ms(r: &AttributionReport) -> u64 {
    r.outputs
        .iter()
        .flat_map(|o| o.found.iter())
        .fold(0u64, |a, f| a.saturating_add(f.milliseconds))
}

async fn attribution_page(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let party = ctx.developer()?.party.clone();
    let (reports, models, today) = state
        .registry(move |r| {
            let models: BTreeSet<String> = r
                .scans()?
                .into_iter()
                .filter(|s| s.developer == party)
                .map(|s| s.model)
                .collect();
            Ok((r.attribution_reports(Some(&party))?, models, r.now().date))
        })
        .await?;
    let t = &ctx.tr;
    let rows = reports
        .iter()
        .rev()
        .map(|a| ReportRow {
            id: a.id.clone(),
            model: a.model.clone(),
            date: t.date(&a.date),
            outputs: t.num(a.outputs.len() as i64),
            works: t.num(
                a.outputs
                    .iter()
                    .flat_map(|o| o.found.iter().map(|f| &f.isrc))
                    .collect::<BTreeSet<_>>()
                    .len() as i64,
            ),
            found: t.num(i64::try_from(found_ms(a)).unwrap_or(i64::MAX)),
        })
        .collect();
    Ok(render(&AttributionTpl {
        available: state.config.home.is_some(),
        rows,
        models: models.into_iter().collect(),
        today,
        max_files: fermata_clearance::MAX_UPLOAD_OUTPUTS,
        c: Chrome::new(&ctx, "attribution-title"),
    }))
}

/// Attributes the uploaded outputs and shows the report made.
async fn attribute(
    State(state): State<WebState>,
    form: CsrfMultipart,
) -> Result<Response, WebError> {
    let person = form.ctx.developer()?.clone();
    let t = &form.ctx.tr;
    let Some(home_dir) = state.config.home.clone() else {
        return Err(WebError::Invalid(t.get("attribution-unavailable")));
    };
    let outputs: Vec<(&str, &[u8])> = form.files("files").collect();
    if outputs.is_empty() {
        return Err(WebError::Invalid(t.get("attribution-no-files")));
    }
    if outputs.len() > fermata_clearance::MAX_UPLOAD_OUTPUTS {
        return Err(WebError::Invalid(t.arg(
            "attribution-too-many",
            "count",
            fermata_clearance::MAX_UPLOAD_OUTPUTS,
        )));
    }
    let mut total = 0u64;
    for (_, bytes) in &outputs {
        total += bytes.len() as u64;
        if bytes.len() as u64 > fermata_clearance::MAX_UPLOAD_OUTPUT_BYTES
            || total > fermata_clearance::MAX_UPLOAD_BYTES
        {
            return Err(WebError::Invalid(t.get("attribution-too-large")));
        }
    }
    let home =
        fermata_clearance::Home::open(&home_dir).map_err(|e| WebError::Internal(e.to_string()))?;
    let dir =
        fermata_clearance::upload_dir(&home).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut files = Vec::new();
    for (i, (name, bytes)) in outputs.iter().enumerate() {
        let safe = fermata_clearance::safe_file_name(name).unwrap_or_else(|| "output".into());
        let path = dir.path().join(format!("{:02}-{safe}", i + 1));
        std::fs::write(&path, bytes).map_err(|e| WebError::Internal(e.to_string()))?;
        files.push(path);
    }
    let model = form.get("model").trim().to_string();
    let date = form.opt("date");
    let developer = person.party.clone();
    let report = state
        .registry(move |r| {
            let made = fermata_clearance::attribute_outputs(
                &home,
                r,
                &developer,
                &model,
                date.as_deref(),
                &files,
            );
            drop(dir);
            match made {
                Ok((report, _)) => Ok(report),
                Err(fermata_clearance::ClearanceError::Registry(e)) => Err(e),
                Err(other) => Err(RegistryError::Internal(other.to_string())),
            }
        })
        .await?;
    Ok(see_other(&format!("/attribution/{}", report.id), vec![]))
}

#[derive(Template)]
#[template(path = "attribution_report.html")]
struct ReportTpl {
    c: Chrome,
    model: String,
    date: String,
    reported: String,
    outputs: Vec<OutputRow>,
    totals: Vec<(String, String, String)>,
}

struct OutputRow {
    name: String,
    duration: String,
    found: Vec<(String, String, String)>,
}

async fn report_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let party = ctx.developer()?.party.clone();
    let (report, titles) = state
        .registry(move |r| {
            let report = r
                .attribution_reports(Some(&party))?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or(RegistryError::NotFound {
                    what: "attribution",
                    id,
                    hint: "see /attribution",
                })?;
            let mut titles = BTreeMap::new();
            for o in &report.outputs {
                for f in &o.found {
                    if !titles.contains_key(&f.isrc) {
                        let w = r.work(&f.isrc)?;
                        titles.insert(f.isrc.clone(), format!("{} — {}", w.title, w.artist));
                    }
                }
            }
            Ok((report, titles))
        })
        .await?;
    let t = &ctx.tr;
    let ms = |v: u64| t.num(i64::try_from(v).unwrap_or(i64::MAX));
    let title = |i: &fermata_registry::Isrc| titles.get(i).cloned().unwrap_or_default();
    let mut totals: BTreeMap<fermata_registry::Isrc, u64> = BTreeMap::new();
    for o in &report.outputs {
        for f in &o.found {
            let e = totals.entry(f.isrc.clone()).or_default();
            *e = e.saturating_add(f.milliseconds);
        }
    }
    Ok(render(&ReportTpl {
        model: report.model.clone(),
        date: t.date(&report.date),
        reported: t.datetime(&report.reported_at),
        outputs: report
            .outputs
            .iter()
            .map(|o| OutputRow {
                name: o.name.clone(),
                duration: ms(o.duration_ms),
                found: o
                    .found
                    .iter()
                    .map(|f| (f.isrc.to_string(), title(&f.isrc), ms(f.milliseconds)))
                    .collect(),
            })
            .collect(),
        totals: totals
            .iter()
            .map(|(i, v)| (i.to_string(), title(i), ms(*v)))
            .collect(),
        c: Chrome::titled(
            &ctx,
            t.arg("attribution-report-title", "id", report.id.as_str()),
        ),
    }))
}

#[derive(Template)]
#[template(path = "certificate_refused.html")]
struct RefusedTpl {
    c: Chrome,
    model: String,
    problems: Vec<fermata_certificate::Unlicensed>,
}

/// Issues a certificate for the signed-in developer's model, or shows why it cannot.
async fn issue(
    State(state): State<WebState>,
    Path(model): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    use fermata_certificate::CertificateError as E;
    let person = form.ctx.developer()?.clone();
    let t = &form.ctx.tr;
    let Some(home) = state.config.home.clone() else {
        return Err(WebError::Invalid(t.get("cert-issue-unavailable")));
    };
    let (m, developer, actor) = (model.clone(), person.party.clone(), person.actor());
    let issued = state
        .registry(move |r| {
            Ok(fermata_certificate::issue_from_home(
                r,
                &home,
                &m,
                Some(&developer),
                fermata_certificate::DEFAULT_ISSUER,
                &actor,
            ))
        })
        .await?;
    match issued {
        Ok(_) => Ok(see_other(
            &format!("/transparency/{}", path_segment(&model)),
            vec![],
        )),
        Err(E::Refused { problems, .. }) => {
            let page = render(&RefusedTpl {
                c: Chrome::titled(
                    &form.ctx,
                    t.arg("cert-refused-title", "model", model.as_str()),
                ),
                model,
                problems,
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(E::Registry(e)) => Err(e.into()),
        Err(E::NoScans(_)) => Err(WebError::NotFound),
        Err(E::NoManifest(_)) => Err(WebError::Invalid(t.get("cert-issue-no-manifest"))),
        Err(E::NoUsage(_)) => Err(WebError::Invalid(t.get("cert-issue-no-usage"))),
        Err(other) => Err(WebError::Internal(other.to_string())),
    }
}

/// `text` as one URL path segment (RFC 3986 unreserved characters kept, the rest %-encoded).
fn path_segment(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
