//! An AI developer's pages: dashboard, scans and their files, requesting every licence a scan
//! needs, manifests with their proofs.

use super::holder::verdict_class;
use super::{Params, page_of, page_param, see_other};
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{LineStatus, RequestDraft, Scan, Verdict};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/scans", get(scans))
        .route("/scans/{id}", get(scan))
        .route("/scans/{id}/request", post(request_all))
        .route("/manifests", get(manifests))
        .route("/manifests/{id}/download", get(manifest_download))
        .route("/manifests/{id}/proof", get(manifest_proof))
}

/// Files listed per page of a scan.
pub(crate) const FILES_PER_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "developer_dashboard.html")]
struct DashboardTpl {
    c: Chrome,
    scans: String,
    pending: String,
    active: String,
    manifests: String,
    latest: Vec<ScanRow>,
}

#[derive(Clone)]
struct ScanRow {
    id: String,
    model: String,
    use_key: String,
    territory: String,
    dataset: String,
    started: String,
    finished: String,
}

fn scan_row(t: &crate::i18n::Tr, s: &Scan) -> ScanRow {
    ScanRow {
        id: s.id.clone(),
        model: s.model.clone(),
        use_key: format!("use-{}", s.use_.as_str()),
        territory: s.territory.to_string(),
        dataset: s.dataset.clone(),
        started: t.datetime(&s.started_at),
        finished: s
            .finished_at
            .as_deref()
            .map(|f| t.datetime(f))
            .unwrap_or_else(|| t.get("scan-running")),
    }
}

pub(super) async fn dashboard(state: WebState, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let party = person.party.clone();
    let (scans, pending, active, manifests) = state
        .registry(move |r| {
            let today = r.now().date;
            let scans: Vec<Scan> = r
                .scans()?
                .into_iter()
                .filter(|s| s.developer == party)
                .collect();
            let pending = r
                .requests_visible_to(Some(&party), Some(LineStatus::Pending))?
                .iter()
                .flat_map(|q| q.lines.iter())
                .filter(|l| l.status == LineStatus::Pending)
                .count();
            let active = r
                .licences(Some(&party))?
                .iter()
                .filter(|l| l.developer == party && l.status_on(&today) == "active")
                .count();
            let ids: Vec<String> = scans.iter().map(|s| s.id.clone()).collect();
            let manifests = r
                .manifests()?
                .iter()
                .filter(|m| ids.contains(&m.scan_id))
                .count();
            Ok((scans, pending, active, manifests))
        })
        .await?;
    let t = &ctx.tr;
    Ok(render(&DashboardTpl {
        scans: t.num(scans.len() as i64),
        pending: t.num(pending as i64),
        active: t.num(active as i64),
        manifests: t.num(manifests as i64),
        latest: scans.iter().rev().take(5).map(|s| scan_row(t, s)).collect(),
        c: Chrome::new(&ctx, "dashboard-title"),
    }))
}

#[derive(Template)]
#[template(path = "scans.html")]
struct ScansTpl {
    c: Chrome,
    rows: Vec<ScanRow>,
}

async fn scans(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let party = person.party.clone();
    let all = state
        .registry(move |r| {
            Ok(r.scans()?
                .into_iter()
                .filter(|s| s.developer == party)
                .collect::<Vec<_>>())
        })
        .await?;
    let t = &ctx.tr;
    Ok(render(&ScansTpl {
        rows: all.iter().rev().map(|s| scan_row(t, s)).collect(),
        c: Chrome::new(&ctx, "scans-title"),
    }))
}

/// The developer's own scan (another developer's answers 404).
async fn own_scan(state: &WebState, party: String, id: String) -> Result<Scan, WebError> {
    let scan = state.registry(move |r| r.scan(&id)).await?;
    if scan.developer != party {
        return Err(WebError::NotFound);
    }
    Ok(scan)
}

#[derive(Template)]
#[template(path = "scan.html")]
struct ScanTpl {
    c: Chrome,
    scan: ScanRow,
    filter: String,
    counts: Vec<(&'static str, String, String, bool)>,
    files: Vec<FileRow>,
    licence_required: usize,
    finished: bool,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    today: String,
}

#[derive(Clone)]
struct FileRow {
    path: String,
    verdict_key: String,
    verdict_class: &'static str,
    reason: String,
    works: String,
    /// Each match's score, chance and span, so that a weak match looks weak.
    matched: String,
}

async fn scan(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    q: Params,
) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let scan = own_scan(&state, person.party.clone(), id.clone()).await?;
    let (files, today) = state
        .registry(move |r| Ok((r.scan_files(&id)?, r.now().date)))
        .await?;
    let filter = q.get("verdict").cloned().unwrap_or_default();
    let verdict_of = |f: &fermata_registry::ScanFile| f.verdict.as_ref().map(|v| v.verdict);
    let t = &ctx.tr;
    let counts = Verdict::ALL
        .iter()
        .map(|v| {
            let n = files.iter().filter(|f| verdict_of(f) == Some(*v)).count();
            (
                v.as_str(),
                t.get(format!("verdict-{}", v.as_str())),
                t.num(n as i64),
                filter == v.as_str(),
            )
        })
        .collect();
    let licence_required = files
        .iter()
        .filter(|f| verdict_of(f) == Some(Verdict::LicenceRequired))
        .count();
    let rows: Vec<FileRow> = files
        .iter()
        .filter(|f| filter.is_empty() || verdict_of(f).is_some_and(|v| v.as_str() == filter))
        .map(|f| match &f.verdict {
            Some(v) => FileRow {
                path: f.path.clone(),
                verdict_key: format!("verdict-{}", v.verdict.as_str()),
                verdict_class: verdict_class(v.verdict),
                reason: v.reason.clone(),
                works: v
                    .works
                    .iter()
                    .map(|w| format!("{} {}", w.isrc, w.title))
                    .collect::<Vec<_>>()
                    .join("; "),
                matched: f
                    .matches
                    .iter()
                    .map(|m| {
                        let chance = m
                            .false_match_p
                            .map_or("—".to_string(), fermata_index::chance_label);
                        format!(
                            "{} · {:.1}–{:.1} s",
                            t.args2("scan-match", "score", m.score, "chance", chance),
                            m.start_s,
                            m.end_s
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            None => FileRow {
                path: f.path.clone(),
                verdict_key: "scan-file-pending".into(),
                verdict_class: "none",
                reason: f
                    .error
                    .as_ref()
                    .map(|e| e.message.clone())
                    .unwrap_or_default(),
                works: String::new(),
                matched: String::new(),
            },
        })
        .collect();
    let (files_page, page, pages) = page_of(&rows, page_param(&q), FILES_PER_PAGE);
    let link = |p: usize| format!("/scans/{}?verdict={}&page={p}", scan.id, filter);
    Ok(render(&ScanTpl {
        c: Chrome::titled(&ctx, t.arg("scan-title", "id", scan.id.as_str())),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        finished: scan.finished_at.is_some(),
        scan: scan_row(t, &scan),
        filter,
        counts,
        files: files_page,
        licence_required,
        page,
        pages,
        today,
    }))
}

/// Requests licences for every licence-required work of a finished scan, in one request.
async fn request_all(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.developer()?.clone();
    let scan = own_scan(&state, person.party.clone(), id.clone()).await?;
    let term_months = match form.opt("term") {
        Some(m) => Some(m.parse::<u32>().map_err(|_| WebError::BadForm)?),
        None => Some(12),
    };
    let valid_from = form.opt("from").unwrap_or_default();
    let draft = RequestDraft {
        developer: person.party.clone(),
        use_: scan.use_,
        model: scan.model.clone(),
        territories: if scan.territory.is_world() {
            vec![]
        } else {
            vec![scan.territory.clone()]
        },
        valid_from,
        valid_to: None,
        term_months,
        works: vec![],
        scan: Some(scan.id.clone()),
    };
    let actor = person.actor();
    state
        .registry(move |r| {
            let mut draft = draft;
            if draft.valid_from.is_empty() {
                draft.valid_from = r.now().date;
            }
            r.request_licences(draft, &actor)
        })
        .await?;
    Ok(see_other("/requests", vec![]))
}

#[derive(Template)]
#[template(path = "manifests.html")]
struct ManifestsTpl {
    c: Chrome,
    rows: Vec<(String, String, String, String, String, String)>,
}

async fn manifests(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let party = person.party.clone();
    let rows = state
        .registry(move |r| {
            let mut out = Vec::new();
            for m in r.manifests()? {
                let scan = r.scan(&m.scan_id)?;
                if scan.developer == party {
                    out.push((m, scan.model));
                }
            }
            Ok(out)
        })
        .await?;
    let t = &ctx.tr;
    Ok(render(&ManifestsTpl {
        rows: rows
            .into_iter()
            .rev()
            .map(|(m, model)| {
                (
                    m.id,
                    m.scan_id,
                    model,
                    m.root,
                    t.num(m.leaves as i64),
                    t.datetime(&m.created_at),
                )
            })
            .collect(),
        c: Chrome::new(&ctx, "manifests-title"),
    }))
}

/// The developer's own manifest, read and checked against its recorded root.
async fn own_manifest(
    state: &WebState,
    ctx: &Ctx,
    id: String,
) -> Result<fermata_registry::ManifestRecord, WebError> {
    let person = ctx.developer()?.clone();
    let party = person.party.clone();
    state
        .registry(move |r| {
            let record = r
                .manifests()?
                .into_iter()
                .find(|m| m.id == id)
                .ok_or_else(|| fermata_registry::RegistryError::NotFound {
                    what: "manifest",
                    id: id.clone(),
                    hint: "see the manifests page",
                })?;
            if r.scan(&record.scan_id)?.developer != party {
                return Err(fermata_registry::RegistryError::NotFound {
                    what: "manifest",
                    id,
                    hint: "see the manifests page",
                });
            }
            Ok(record)
        })
        .await
}

async fn read_manifest(
    state: &WebState,
    id: String,
) -> Result<fermata_manifest::Manifest, WebError> {
    let (_, manifest) = state
        .report(move |r| fermata_report::recorded_manifest(r, &id))
        .await?;
    Ok(manifest)
}

async fn manifest_download(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = own_manifest(&state, &ctx, id).await?;
    let manifest = read_manifest(&state, record.id.clone()).await?;
    Ok(json_download(
        &format!("{}.json", record.id),
        manifest.to_json(),
    ))
}

async fn manifest_proof(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    q: Params,
) -> Result<Response, WebError> {
    let record = own_manifest(&state, &ctx, id).await?;
    let isrc = q
        .get("isrc")
        .map_or("", |s| s.as_str())
        .trim()
        .to_uppercase();
    let manifest = read_manifest(&state, record.id.clone()).await?;
    let proof = manifest
        .prove(&isrc)
        .map_err(|e| WebError::Invalid(e.to_string()))?;
    Ok(json_download(
        &format!("{}-{}-proof.json", record.id, isrc),
        proof.to_json(),
    ))
}

pub(super) fn json_download(name: &str, body: String) -> Response {
    super::download(name, "application/json", body)
}
