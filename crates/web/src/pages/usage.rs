//! An AI developer's usage reports: what each training run used, listed and reported from the
//! browser (the works as `ISRC,seconds` lines typed in, or a CSV file), through the same
//! registry call and the same CSV reading as the CLI and the API.

use super::see_other;
use crate::auth::{CsrfMultipart, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use fermata_registry::{Territory, UsageDraft, Use, parse_usage_csv};

/// Largest usage report form (with its CSV file): room for [`fermata_registry::MAX_USAGE_WORKS`]
/// lines.
pub const MAX_USAGE_FORM_BYTES: usize = 1024 * 1024;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route(
        "/usage",
        get(usage_page)
            .post(report)
            .layer(axum::extract::DefaultBodyLimit::max(MAX_USAGE_FORM_BYTES)),
    )
}

#[derive(Template)]
#[template(path = "usage.html")]
struct UsageTpl {
    c: Chrome,
    rows: Vec<UsageRow>,
    scans: Vec<(String, String)>,
    manifests: Vec<(String, String)>,
    uses: Vec<(&'static str, String)>,
    today: String,
}

struct UsageRow {
    id: String,
    model: String,
    run: String,
    source: String,
    territory: String,
    date: String,
    works: String,
    hours: String,
}

async fn usage_page(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let party = person.party.clone();
    let (reports, scans, manifests, today) = state
        .registry(move |r| {
            let scans: Vec<_> = r
                .scans()?
                .into_iter()
                .filter(|s| s.developer == party && s.finished_at.is_some())
                .collect();
            let manifests: Vec<_> = r
                .manifests()?
                .into_iter()
                .filter_map(|m| {
                    let scan = scans.iter().find(|s| s.id == m.scan_id)?;
                    Some((m.id, scan.model.clone()))
                })
                .collect();
            Ok((
                r.usage_reports(Some(&party))?,
                scans,
                manifests,
                r.now().date,
            ))
        })
        .await?;
    let t = &ctx.tr;
    let rows = reports
        .iter()
        .rev()
        .map(|u| UsageRow {
            id: u.id.clone(),
            model: u.model.clone(),
            run: u.run.clone(),
            source: u
                .manifest
                .clone()
                .or_else(|| u.scan.clone())
                .unwrap_or_default(),
            territory: u.territory.to_string(),
            date: t.date(&u.date),
            works: t.num(u.lines.len() as i64),
            hours: t.hours(u.lines.iter().map(|l| l.milliseconds as f64).sum::<f64>() / 3.6e6),
        })
        .collect();
    Ok(render(&UsageTpl {
        rows,
        scans: scans
            .iter()
            .rev()
            .map(|s| {
                (
                    s.id.clone(),
                    format!("{} · {} · {}", s.id, s.model, s.dataset),
                )
            })
            .collect(),
        manifests: manifests
            .into_iter()
            .rev()
            .map(|(id, model)| (id.clone(), format!("{id} · {model}")))
            .collect(),
        uses: Use::ALL
            .iter()
            .map(|u| (u.as_str(), t.get(format!("use-{}", u.as_str()))))
            .collect(),
        today,
        c: Chrome::new(&ctx, "usage-title"),
    }))
}

/// Records a usage report: the works from the CSV file when one is chosen, otherwise from the
/// lines typed in.
async fn report(State(state): State<WebState>, form: CsrfMultipart) -> Result<Response, WebError> {
    let person = form.ctx.developer()?.clone();
    let invalid = |e: fermata_registry::RegistryError| WebError::Invalid(e.to_string());
    let works = match form.file("file") {
        Some((_, bytes)) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| WebError::Invalid(form.ctx.tr.get("usage-not-text")))?;
            parse_usage_csv(text)
        }
        None => parse_usage_csv(form.get("works")),
    }
    .map_err(invalid)?;
    let use_ = form
        .opt("use")
        .map(|u| u.parse::<Use>())
        .transpose()
        .map_err(|_| WebError::BadForm)?;
    let territory: Territory = form.get("territory").parse().map_err(invalid)?;
    let draft = UsageDraft {
        developer: person.party.clone(),
        model: form.get("model").trim().to_string(),
        run: form.get("run").trim().to_string(),
        scan: form.opt("scan"),
        manifest: form.opt("manifest"),
        use_,
        territory,
        date: form.opt("date"),
        works,
    };
    let actor = person.actor();
    state
        .registry(move |r| r.report_usage(draft, &actor))
        .await?;
    Ok(see_other("/usage", vec![]))
}
