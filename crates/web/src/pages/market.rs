//! Requests, licences and statements: what a holder and a developer each see of them, and the
//! holder's decisions.

use super::holder::{LicenceRow, licence_row};
use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{LineStatus, Role};
use std::collections::BTreeMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/requests", get(requests))
        .route("/requests/decide", post(decide))
        .route("/licences", get(licences))
        .route("/licences/{id}/revoke", post(revoke))
        .route("/licences/{id}/renew", post(renew))
        .route("/statements", get(statements))
        .route("/statements/{id}", get(statement))
        .route("/statements/{id}/csv", get(statement_csv))
        .route("/statements/{id}/json", get(statement_json))
        .route("/statements/{id}/dsr", get(statement_dsr))
}

/// Most request lines listed on one page of the inbox.
pub(crate) const MAX_LINES_SHOWN: usize = 2_000;

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsTpl {
    c: Chrome,
    holder_view: bool,
    can_decide: bool,
    pending: Vec<LineRow>,
    decided: Vec<LineRow>,
    more: bool,
}

struct LineRow {
    key: String,
    request: String,
    line: u32,
    isrc: String,
    title: String,
    holder: String,
    developer: String,
    model: String,
    use_key: String,
    territories: String,
    term: String,
    price: String,
    status_key: String,
    status: &'static str,
    reason: String,
    decided_by: String,
    licence: String,
}

async fn requests(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx
        .with_role(&[Role::HolderAdmin, Role::HolderViewer, Role::Developer])?
        .clone();
    let holder_view = person.role.is_holder();
    let party = person.party.clone();
    let (requests, offers, titles) = state
        .registry(move |r| {
            let requests = r.requests_visible_to(Some(&party), None)?;
            let offers = r.offers(None, true)?;
            let titles: BTreeMap<String, String> = r
                .work_summaries(None)?
                .into_iter()
                .map(|w| (w.isrc.to_string(), w.title))
                .collect();
            Ok((requests, offers, titles))
        })
        .await?;
    let t = &ctx.tr;
    let mut pending = Vec::new();
    let mut decided = Vec::new();
    let mut more = false;
    for q in requests.iter().rev() {
        for l in &q.lines {
            if holder_view && l.holder != person.party {
                continue;
            }
            if pending.len() + decided.len() >= MAX_LINES_SHOWN {
                more = true;
                break;
            }
            let price = l
                .offer
                .as_ref()
                .and_then(|o| offers.iter().find(|x| &x.id == o))
                .map(|o| {
                    format!(
                        "{} ({})",
                        t.money(o.price.amount_minor, &o.price.currency),
                        t.get(format!("price-{}", o.price.model.as_str()))
                    )
                })
                .unwrap_or_default();
            let row = LineRow {
                key: format!("{}:{}", q.id, l.line),
                request: q.id.clone(),
                line: l.line,
                isrc: l.isrc.to_string(),
                title: titles.get(l.isrc.as_str()).cloned().unwrap_or_default(),
                holder: l.holder.clone(),
                developer: q.developer.clone(),
                model: q.model.clone(),
                use_key: format!("use-{}", q.use_.as_str()),
                territories: if q.territories.is_empty() {
                    t.get("territory-world")
                } else {
                    fermata_registry::territories_to_string(&q.territories)
                },
                term: match &q.valid_to {
                    Some(to) => format!("{} – {}", t.date(&q.valid_from), t.date(to)),
                    None => t.arg("term-from", "from", t.date(&q.valid_from)),
                },
                price,
                status_key: format!("line-{}", l.status.as_str()),
                status: l.status.as_str(),
                reason: l.reason.clone().unwrap_or_default(),
                decided_by: l.decided_by.clone().unwrap_or_default(),
                licence: l.licence.clone().unwrap_or_default(),
            };
            if l.status == LineStatus::Pending {
                pending.push(row);
            } else {
                decided.push(row);
            }
        }
    }
    Ok(render(&RequestsTpl {
        holder_view,
        can_decide: person.role == Role::HolderAdmin,
        pending,
        decided,
        more,
        c: Chrome::new(&ctx, "requests-title"),
    }))
}

/// Approves or refuses the ticked lines (`line` = `REQUEST:LINE`, once per box), each request's
/// lines in one decision recorded under the person's name.
async fn decide(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let approve = match form.get("decision") {
        "approve" => true,
        "refuse" => false,
        _ => return Err(WebError::BadForm),
    };
    let reason = form.opt("reason");
    let mut by_request: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for key in form.all("line") {
        let (id, line) = key.rsplit_once(':').ok_or(WebError::BadForm)?;
        let line: u32 = line.parse().map_err(|_| WebError::BadForm)?;
        by_request.entry(id.to_string()).or_default().push(line);
    }
    if by_request.is_empty() {
        return Err(WebError::Invalid(form.ctx.tr.get("requests-none-selected")));
    }
    let (party, actor) = (person.party.clone(), person.actor());
    let decided = state
        .registry(move |r| {
            let mut n = 0usize;
            for (id, lines) in by_request {
                n += lines.len();
                r.decide_lines(&id, &lines, &party, approve, reason.as_deref(), &actor)?;
            }
            Ok(n)
        })
        .await?;
    let _ = decided;
    Ok(see_other("/requests", vec![]))
}

#[derive(Template)]
#[template(path = "licences.html")]
struct LicencesTpl {
    c: Chrome,
    rows: Vec<(LicenceRow, String, String, bool, bool)>,
    holder_view: bool,
    developer_view: bool,
}

async fn licences(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.person()?.clone();
    let reads_for = person.reads_for().map(str::to_string);
    let (all, today) = state
        .registry(move |r| Ok((r.licences(reads_for.as_deref())?, r.now().date)))
        .await?;
    let t = &ctx.tr;
    let can_revoke = person.role == Role::HolderAdmin;
    let rows = all
        .iter()
        .rev()
        .map(|l| {
            let works = if l.works.is_empty() {
                t.get("licence-all-works")
            } else {
                t.arg("licence-n-works", "count", l.works.len())
            };
            let revocable = can_revoke && l.holder == person.party && l.revoked_at.is_none();
            // A licence with an end and named works can be asked for again (renewed).
            let renewable = person.role == Role::Developer
                && l.developer == person.party
                && l.valid_to.is_some()
                && !l.works.is_empty();
            (
                licence_row(t, l, &today),
                l.holder.clone(),
                works,
                revocable,
                renewable,
            )
        })
        .collect();
    Ok(render(&LicencesTpl {
        rows,
        holder_view: person.role.is_holder(),
        developer_view: person.role == Role::Developer,
        c: Chrome::new(&ctx, "licences-title"),
    }))
}

async fn renew(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.developer()?.clone();
    let (party, actor) = (person.party.clone(), person.actor());
    state
        .registry(move |r| r.renew_licence(&id, &party, &actor))
        .await?;
    Ok(see_other("/requests", vec![]))
}

async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let reason = form.opt("reason");
    let party = person.party.clone();
    state
        .registry(move |r| r.revoke_licence(&id, reason.as_deref(), &party))
        .await?;
    Ok(see_other("/licences", vec![]))
}

#[derive(Template)]
#[template(path = "statements.html")]
struct StatementsTpl {
    c: Chrome,
    rows: Vec<(String, String, String, String, String)>,
}

async fn statements(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.person()?.clone();
    let reads_for = person.reads_for().map(str::to_string);
    let all = state
        .registry(move |r| r.statements_visible_to(reads_for.as_deref()))
        .await?;
    let t = &ctx.tr;
    let rows = all
        .iter()
        .rev()
        .map(|s| {
            (
                s.id.clone(),
                s.developer.clone(),
                format!("{} – {}", t.date(&s.from), t.date(&s.to)),
                t.money(
                    s.totals.iter().map(|x| x.amount_minor).sum(),
                    &s.pool.currency,
                ),
                t.datetime(&s.issued_at),
            )
        })
        .collect();
    Ok(render(&StatementsTpl {
        rows,
        c: Chrome::new(&ctx, "statements-title"),
    }))
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementTpl {
    c: Chrome,
    id: String,
    developer: String,
    period: String,
    pool: String,
    lines: Vec<(String, String, String, String, String, String)>,
    totals: Vec<(String, String, String, String)>,
    fees: Vec<FeeRow>,
}

struct FeeRow {
    holder: String,
    isrc: String,
    price: String,
    licence: String,
    offer: String,
    term_from: String,
    hours: String,
    amount: String,
    included: bool,
}

async fn visible_statement(
    state: &WebState,
    ctx: &Ctx,
    id: String,
) -> Result<fermata_registry::Statement, WebError> {
    let person = ctx.person()?.clone();
    let reads_for = person.reads_for().map(str::to_string);
    state
        .registry(move |r| r.statement_visible_to(&id, reads_for.as_deref()))
        .await
}

async fn statement(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let s = visible_statement(&state, &ctx, id).await?;
    let t = &ctx.tr;
    let cur = s.pool.currency.clone();
    Ok(render(&StatementTpl {
        c: Chrome::titled(&ctx, t.arg("statement-title", "id", s.id.as_str())),
        id: s.id.clone(),
        developer: s.developer.clone(),
        period: format!("{} – {}", t.date(&s.from), t.date(&s.to)),
        pool: t.money(s.pool.amount_minor, &cur),
        lines: s
            .lines
            .iter()
            .map(|l| {
                (
                    l.holder.clone(),
                    l.isrc.to_string(),
                    t.hours(l.milliseconds as f64 / 3_600_000.0),
                    fermata_registry::percent(l.basis_points),
                    format!("remuneration-{}", l.model.as_str()),
                    t.money(l.amount_minor, &cur),
                )
            })
            .collect(),
        totals: s
            .totals
            .iter()
            .map(|x| {
                (
                    x.holder.clone(),
                    t.money(x.fees_minor, &cur),
                    t.money(x.amount_minor - x.fees_minor, &cur),
                    t.money(x.amount_minor, &cur),
                )
            })
            .collect(),
        fees: s
            .fees
            .iter()
            .map(|f| (f, true))
            .chain(s.fees_not_included.iter().map(|f| (f, false)))
            .map(|(f, included)| FeeRow {
                holder: f.holder.clone(),
                isrc: f.isrc.to_string(),
                price: format!(
                    "{} ({})",
                    t.money(f.price.amount_minor, &f.price.currency),
                    t.get(format!("price-{}", f.price.model.as_str()))
                ),
                licence: f.licence.clone(),
                offer: f.offer.clone().unwrap_or_default(),
                term_from: f
                    .term_from
                    .as_deref()
                    .map(|d| t.date(d))
                    .unwrap_or_default(),
                hours: t.hours(f.milliseconds as f64 / 3_600_000.0),
                amount: t.money(f.amount_minor, &f.price.currency),
                included,
            })
            .collect(),
    }))
}

async fn statement_csv(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    statement_export(state, ctx, id, fermata_registry::StatementFormat::Csv).await
}

async fn statement_json(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    statement_export(state, ctx, id, fermata_registry::StatementFormat::Json).await
}

async fn statement_dsr(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    statement_export(state, ctx, id, fermata_registry::StatementFormat::Dsr).await
}

/// A statement, as its reader may see it, in one export format as a download.
async fn statement_export(
    state: WebState,
    ctx: Ctx,
    id: String,
    format: fermata_registry::StatementFormat,
) -> Result<Response, WebError> {
    let s = visible_statement(&state, &ctx, id).await?;
    let name = format!("{}.{}", s.id, format.extension());
    let text = state
        .registry(move |r| r.export_statement(&s, format))
        .await?;
    Ok(super::download(&name, format.media_type(), text))
}
