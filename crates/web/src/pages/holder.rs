//! A rights holder's pages: dashboard, catalogue, a work, policies, reservations.

use super::{Params, page_of, page_param, see_other};
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use fermata_registry::{
    Decision, Isrc, LineStatus, Person, Policy, PolicyChange, Price, Territory, Use, Verdict,
    percent,
};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/works", get(works))
        .route("/works/{isrc}", get(work))
        .route("/policies", get(policies).post(set_policy))
        .route("/reservations", get(reservations))
        .route("/reservations/{file}", get(reservation_file))
}

/// Works shown per page of the catalogue.
pub(crate) const WORKS_PER_PAGE: usize = 50;

#[derive(Template)]
#[template(path = "holder_dashboard.html")]
struct DashboardTpl {
    c: Chrome,
    works: String,
    pending: String,
    active: String,
    money: Vec<String>,
    scans: Vec<ScanHit>,
}

struct ScanHit {
    id: String,
    developer: String,
    model: String,
    finished: String,
    files: String,
}

pub(super) async fn dashboard(state: WebState, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let party = person.party.clone();
    let facts = state
        .registry(move |r| {
            let today = r.now().date;
            let year = today.get(0..4).unwrap_or("").to_string();
            let works = r.work_summaries(Some(&party))?.len();
            let pending = r
                .requests_visible_to(Some(&party), Some(LineStatus::Pending))?
                .iter()
                .flat_map(|q| q.lines.iter())
                .filter(|l| l.holder == party && l.status == LineStatus::Pending)
                .count();
            let active = r
                .licences(Some(&party))?
                .iter()
                .filter(|l| l.holder == party && l.status_on(&today) == "active")
                .count();
            let mut money: std::collections::BTreeMap<String, i64> = Default::default();
            for s in r.statements_visible_to(Some(&party))? {
                if !s.issued_at.starts_with(&year) {
                    continue;
                }
                for t in s.totals.iter().filter(|t| t.holder == party) {
                    *money.entry(s.pool.currency.clone()).or_default() += t.amount_minor;
                }
            }
            // The latest finished scans that found this holder's works.
            let mut scans: Vec<_> = r
                .scans()?
                .into_iter()
                .filter(|s| s.finished_at.is_some())
                .collect();
            scans.sort_by(|a, b| b.finished_at.cmp(&a.finished_at));
            let mut hits = Vec::new();
            for s in scans.into_iter().take(20) {
                let files = r
                    .scan_files(&s.id)?
                    .iter()
                    .filter(|f| {
                        f.verdict.as_ref().is_some_and(|v| {
                            v.works
                                .iter()
                                .any(|w| w.holders.iter().any(|h| h.holder == party))
                        })
                    })
                    .count();
                if files > 0 {
                    hits.push((s, files));
                }
                if hits.len() == 5 {
                    break;
                }
            }
            Ok((works, pending, active, money, hits))
        })
        .await?;
    let (works, pending, active, money, hits) = facts;
    let t = &ctx.tr;
    Ok(render(&DashboardTpl {
        works: t.num(works as i64),
        pending: t.num(pending as i64),
        active: t.num(active as i64),
        money: money
            .into_iter()
            .map(|(cur, amount)| t.money(amount, &cur))
            .collect(),
        scans: hits
            .into_iter()
            .map(|(s, n)| ScanHit {
                id: s.id,
                developer: s.developer,
                model: s.model,
                finished: t.datetime(s.finished_at.as_deref().unwrap_or("")),
                files: t.num(n as i64),
            })
            .collect(),
        c: Chrome::new(&ctx, "dashboard-title"),
    }))
}

#[derive(Template)]
#[template(path = "works.html")]
struct WorksTpl {
    c: Chrome,
    q: String,
    rows: Vec<WorkRow>,
    total: String,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Clone)]
struct WorkRow {
    isrc: String,
    title: String,
    artist: String,
    duration: String,
    holders: String,
}

fn page_link(q: &str, page: usize) -> String {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("/works?q={q}&page={page}")
}

async fn works(State(state): State<WebState>, ctx: Ctx, q: Params) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let needle: String = q
        .get("q")
        .map_or("", |s| s.as_str())
        .trim()
        .chars()
        .take(200)
        .collect();
    let lower = needle.to_lowercase();
    let n = page_param(&q);
    let party = person.party.clone();
    let all = state
        .registry(move |r| r.work_summaries(Some(&party)))
        .await?;
    let t = &ctx.tr;
    let matching: Vec<fermata_registry::WorkSummary> = all
        .into_iter()
        .filter(|w| {
            lower.is_empty()
                || w.title.to_lowercase().contains(&lower)
                || w.artist.to_lowercase().contains(&lower)
                || w.isrc.as_str().to_lowercase().contains(&lower)
        })
        .collect();
    let total = t.num(matching.len() as i64);
    let (shown, page, pages) = page_of(&matching, n, WORKS_PER_PAGE);
    // The holders of the works shown only.
    let isrcs: Vec<Isrc> = shown.iter().map(|w| w.isrc.clone()).collect();
    let works = state
        .registry(move |r| {
            isrcs
                .iter()
                .map(|i| r.work(i))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let rows: Vec<WorkRow> = works
        .into_iter()
        .map(|w| WorkRow {
            isrc: w.isrc.to_string(),
            holders: {
                let mut h: Vec<&str> = w.shares.iter().map(|s| s.holder.as_str()).collect();
                h.sort();
                h.dedup();
                h.join(", ")
            },
            duration: w.duration_s.map(duration).unwrap_or_default(),
            title: w.title,
            artist: w.artist,
        })
        .collect();
    Ok(render(&WorksTpl {
        prev: (page > 1).then(|| page_link(&needle, page - 1)),
        next: (page < pages).then(|| page_link(&needle, page + 1)),
        q: needle,
        rows,
        total,
        page,
        pages,
        c: Chrome::new(&ctx, "works-title"),
    }))
}

fn duration(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkTpl {
    c: Chrome,
    work: fermata_registry::Work,
    duration: String,
    shares: Vec<(String, String, String)>,
    answers: Vec<AnswerRow>,
    licences: Vec<LicenceRow>,
    history: Vec<EventRow>,
}

struct AnswerRow {
    use_key: String,
    verdict_key: String,
    verdict_class: &'static str,
    reason: String,
}

pub(super) struct LicenceRow {
    pub(super) id: String,
    pub(super) developer: String,
    pub(super) use_key: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) status_key: String,
}

struct EventRow {
    at: String,
    actor: String,
    action: String,
}

async fn work(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(isrc): Path<String>,
) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let isrc: Isrc = isrc.parse().map_err(|_| WebError::NotFound)?;
    let (party, role) = (person.party.clone(), person.role);
    let (work, answers, licences, history, today) = state
        .registry(move |r| {
            let work = r.work_visible_to(&isrc, Some((&party, role)))?;
            let today = r.now().date;
            let answers =
                r.holder_answers(&party, Some(&isrc), None, &Territory::world(), &today)?;
            let licences: Vec<_> = r
                .licences(Some(&party))?
                .into_iter()
                .filter(|l| l.holder == party && (l.works.is_empty() || l.works.contains(&isrc)))
                .collect();
            let history = r.history(Some(&format!("work:{isrc}")))?;
            Ok((work, answers, licences, history, today))
        })
        .await?;
    let t = &ctx.tr;
    let shares = work
        .shares
        .iter()
        .map(|s| {
            (
                s.territory.to_string(),
                s.holder.clone(),
                percent(s.basis_points),
            )
        })
        .collect();
    Ok(render(&WorkTpl {
        c: Chrome::titled(&ctx, work.title.clone()),
        duration: work.duration_s.map(duration).unwrap_or_default(),
        shares,
        answers: answers
            .into_iter()
            .map(|a| AnswerRow {
                use_key: format!("use-{}", a.use_.as_str()),
                verdict_key: format!("verdict-{}", a.answer.verdict.as_str()),
                verdict_class: verdict_class(a.answer.verdict),
                reason: a.answer.reason,
            })
            .collect(),
        licences: licences.iter().map(|l| licence_row(t, l, &today)).collect(),
        history: history
            .into_iter()
            .rev()
            .take(100)
            .map(|e| EventRow {
                at: t.datetime(&e.at),
                actor: e.actor,
                action: e.action,
            })
            .collect(),
        work,
    }))
}

pub(super) fn licence_row(
    t: &crate::i18n::Tr,
    l: &fermata_registry::Licence,
    today: &str,
) -> LicenceRow {
    LicenceRow {
        id: l.id.clone(),
        developer: l.developer.clone(),
        use_key: format!("use-{}", l.use_.as_str()),
        from: t.date(&l.valid_from),
        to: l.valid_to.as_deref().map(|d| t.date(d)).unwrap_or_default(),
        status_key: format!("licence-{}", l.status_on(today)),
    }
}

pub(super) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Cleared => "ok",
        Verdict::LicenceRequired => "warn",
        Verdict::Denied | Verdict::Error => "bad",
        Verdict::Unidentified => "none",
    }
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesTpl {
    c: Chrome,
    rows: Vec<PolicyRow>,
    exceptions: Vec<PolicyRow>,
    can_edit: bool,
    uses: Vec<(&'static str, String)>,
    decisions: Vec<(&'static str, String)>,
}

struct PolicyRow {
    isrc: String,
    use_key: String,
    decision: &'static str,
    decision_key: String,
    price: String,
    term: String,
    territories: String,
}

fn policy_row(t: &crate::i18n::Tr, p: &Policy) -> PolicyRow {
    PolicyRow {
        isrc: p.isrc.as_ref().map(|i| i.to_string()).unwrap_or_default(),
        use_key: format!("use-{}", p.use_.as_str()),
        decision: p.decision.as_str(),
        decision_key: format!("decision-{}", p.decision.as_str()),
        price: p
            .price
            .as_ref()
            .map(|pr| {
                format!(
                    "{} ({})",
                    t.money(pr.amount_minor, &pr.currency),
                    t.get(format!("price-{}", pr.model.as_str()))
                )
            })
            .unwrap_or_default(),
        term: p
            .term_months
            .map(|m| t.arg("term-months", "months", m))
            .unwrap_or_default(),
        territories: if p.territories.is_empty() {
            t.get("territory-world")
        } else {
            fermata_registry::territories_to_string(&p.territories)
        },
    }
}

async fn policies(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let party = person.party.clone();
    let all = state.registry(move |r| r.policies(&party)).await?;
    let t = &ctx.tr;
    // The matrix: one row per use, the catalogue-wide policy (nothing set: deny).
    let rows = Use::ALL
        .iter()
        .map(|u| {
            all.iter()
                .find(|p| p.isrc.is_none() && p.use_ == *u)
                .map(|p| policy_row(t, p))
                .unwrap_or_else(|| PolicyRow {
                    isrc: String::new(),
                    use_key: format!("use-{}", u.as_str()),
                    decision: "deny",
                    decision_key: "decision-deny-default".into(),
                    price: String::new(),
                    term: String::new(),
                    territories: t.get("territory-world"),
                })
        })
        .collect();
    let exceptions = all
        .iter()
        .filter(|p| p.isrc.is_some())
        .map(|p| policy_row(t, p))
        .collect();
    Ok(render(&PoliciesTpl {
        rows,
        exceptions,
        can_edit: person.role == fermata_registry::Role::HolderAdmin,
        uses: Use::ALL
            .iter()
            .map(|u| (u.as_str(), t.get(format!("use-{}", u.as_str()))))
            .collect(),
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), t.get(format!("decision-{}", d.as_str()))))
            .collect(),
        c: Chrome::new(&ctx, "policies-title"),
    }))
}

async fn set_policy(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person: Person = form.ctx.holder_admin()?.clone();
    let use_: Use = form.get("use").parse().map_err(|_| WebError::BadForm)?;
    let decision: Decision = form
        .get("decision")
        .parse()
        .map_err(|_| WebError::BadForm)?;
    let isrc: Option<Isrc> = form
        .opt("isrc")
        .map(|s| s.parse())
        .transpose()
        .map_err(|e: fermata_registry::RegistryError| WebError::Invalid(e.to_string()))?;
    let mut change = PolicyChange::new(&person.party, isrc, use_, decision);
    if let Some(terr) = form.opt("territories") {
        change.territories = fermata_registry::parse_territories(&terr)
            .map_err(|e| WebError::Invalid(e.to_string()))?;
    }
    if decision == Decision::LicenceRequired
        && let Some(amount) = form.opt("amount")
    {
        let currency = form.opt("currency").unwrap_or_else(|| "EUR".into());
        let price: Price = format!(
            "{}:{}:{}",
            form.get("model"),
            amount.replace(',', "."),
            currency
        )
        .parse()
        .map_err(|e: fermata_registry::RegistryError| WebError::Invalid(e.to_string()))?;
        change.price = Some(price);
    }
    if let Some(m) = form.opt("term") {
        change.term_months = Some(m.parse().map_err(|_| WebError::BadForm)?);
    }
    change.conditions = form.opt("conditions");
    let actor = person.actor();
    state
        .registry(move |r| r.set_policy(change, &actor))
        .await?;
    Ok(see_other("/policies", vec![]))
}

#[derive(Template)]
#[template(path = "reservations.html")]
struct ReservationsTpl {
    c: Chrome,
    files: fermata_report::reservations::ReservationFiles,
    location: String,
    public_link: String,
}

async fn reservation_files(
    state: &WebState,
    party: String,
    location: String,
) -> Result<fermata_report::reservations::ReservationFiles, WebError> {
    state
        .registry(move |r| {
            let holder = r.party(&party)?;
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

pub(super) fn location_param(q: &Params) -> String {
    let l = q.get("location").map_or("/", |s| s.as_str()).trim();
    let ok = l.starts_with('/')
        && l.len() <= 512
        && !l
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '#');
    if ok { l.to_string() } else { "/".into() }
}

async fn reservations(
    State(state): State<WebState>,
    ctx: Ctx,
    q: Params,
) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let location = location_param(&q);
    let files = reservation_files(&state, person.party.clone(), location.clone()).await?;
    Ok(render(&ReservationsTpl {
        files,
        location,
        public_link: format!("/holders/{}/reservations", person.party),
        c: Chrome::new(&ctx, "reservations-title"),
    }))
}

async fn reservation_file(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(file): Path<String>,
    q: Params,
) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let files = reservation_files(&state, person.party.clone(), location_param(&q)).await?;
    download_reservation(&files, &file)
}

/// One of the reservation files as a download.
pub(super) fn download_reservation(
    files: &fermata_report::reservations::ReservationFiles,
    file: &str,
) -> Result<Response, WebError> {
    let (body, kind) = match file {
        "tdmrep.json" => (files.tdmrep_json.clone(), "application/json"),
        "headers.txt" => (files.http_headers.clone(), "text/plain; charset=utf-8"),
        "robots.txt" => (files.robots_txt.clone(), "text/plain; charset=utf-8"),
        "meta.html" => (files.html_meta.clone(), "text/html; charset=utf-8"),
        _ => return Err(WebError::NotFound),
    };
    Ok(super::download(file, kind, body))
}
