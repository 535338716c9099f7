//! Misuse reports: anyone files one (with a link or the file itself), the holders concerned
//! find it in their inbox and move it through its states.

use super::see_other;
use crate::auth::{CsrfForm, CsrfMultipart, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{FoundRecording, NoticeDraft, NoticeKind, NoticeState, Party};
use std::net::SocketAddr;
use std::time::Instant;

/// Largest file a misuse report may carry.
pub const MAX_REPORT_FILE_BYTES: usize = 50 * 1024 * 1024;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/report-misuse",
            get(form_page)
                .post(file_report)
                .layer(axum::extract::DefaultBodyLimit::max(
                    MAX_REPORT_FILE_BYTES + 64 * 1024,
                )),
        )
        .route("/notices", get(inbox))
        .route("/notices/{id}/state", post(advance))
}

#[derive(Template)]
#[template(path = "report_misuse.html")]
struct FormTpl {
    c: Chrome,
    holders: Vec<Party>,
    kinds: Vec<(&'static str, String)>,
    max_mb: usize,
}

async fn form_page(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let holders = state
        .registry(|r| {
            Ok(r.parties()?
                .into_iter()
                .filter(|p| p.kind.holds_rights())
                .collect::<Vec<_>>())
        })
        .await?;
    let t = &ctx.tr;
    Ok(render(&FormTpl {
        holders,
        kinds: NoticeKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(format!("notice-kind-{}", k.as_str()))))
            .collect(),
        max_mb: MAX_REPORT_FILE_BYTES / (1024 * 1024),
        c: Chrome::new(&ctx, "misuse-title"),
    }))
}

#[derive(Template)]
#[template(path = "report_filed.html")]
struct FiledTpl {
    c: Chrome,
    id: String,
    holders: String,
    found: Vec<(String, String, String, String)>,
    checked_file: bool,
}

/// Identifies the registered recordings in an uploaded file, on its own registry connection so
/// that the server's other requests go on meanwhile.
async fn identify(
    state: &WebState,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Vec<FoundRecording>, WebError> {
    let Some(home) = state.config.home.clone() else {
        return Ok(Vec::new());
    };
    let ext: String = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    tokio::task::spawn_blocking(move || -> Result<Vec<FoundRecording>, WebError> {
        let dir = tempfile::tempdir().map_err(|e| WebError::Internal(e.to_string()))?;
        let path = dir.path().join(format!("upload{ext}"));
        std::fs::write(&path, &bytes).map_err(|e| WebError::Internal(e.to_string()))?;
        let home =
            fermata_clearance::Home::open(&home).map_err(|e| WebError::Internal(e.to_string()))?;
        let mut registry = home
            .registry()
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let checks = fermata_clearance::check_outputs(&home, &mut registry, &[path])
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let mut found = Vec::new();
        for check in checks {
            if let Some(e) = check.error {
                return Err(WebError::Invalid(e));
            }
            for m in check.matches {
                found.push(FoundRecording {
                    isrc: m
                        .isrc
                        .parse()
                        .map_err(|e: fermata_registry::RegistryError| {
                            WebError::Internal(e.to_string())
                        })?,
                    title: m.title,
                    holders: m.holders,
                    start_s: m.start_s,
                    end_s: m.end_s,
                });
            }
        }
        Ok(found)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
}

async fn file_report(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    form: CsrfMultipart,
) -> Result<Response, WebError> {
    let key = super::client_key("report", peer);
    if !state.report_limit.attempt(&key, Instant::now()) {
        return Err(WebError::TooMany);
    }
    let kind: NoticeKind = form.get("kind").parse().map_err(|_| WebError::BadForm)?;
    let mut draft =
        NoticeDraft {
            kind: Some(kind),
            link: form.opt("link"),
            subject: form.get("subject").to_string(),
            details: form.get("details").to_string(),
            reporter_email: form.opt("email"),
            holders: form.opt("holder").into_iter().collect(),
            works: match form.opt("isrc") {
                Some(i) => vec![i.parse().map_err(|e: fermata_registry::RegistryError| {
                    WebError::Invalid(e.to_string())
                })?],
                None => vec![],
            },
            ..Default::default()
        };
    let mut checked_file = false;
    if let Some((name, bytes)) = form.file("file") {
        use sha2::Digest;
        draft.file_sha256 = Some(hex::encode(sha2::Sha256::digest(bytes)));
        draft.file_name = Some(name.chars().take(200).collect());
        draft.found = identify(&state, name, bytes.to_vec()).await?;
        checked_file = state.config.home.is_some();
    }
    let notice = state.registry(move |r| r.report_misuse(draft)).await?;
    let ctx = &form.ctx;
    Ok(render(&FiledTpl {
        c: Chrome::new(ctx, "misuse-filed-title"),
        id: notice.id,
        holders: notice.holders.join(", "),
        found: notice
            .found
            .iter()
            .map(|f| {
                (
                    f.isrc.to_string(),
                    f.title.clone(),
                    f.holders.join(", "),
                    format!("{:.1}–{:.1} s", f.start_s, f.end_s),
                )
            })
            .collect(),
        checked_file,
    }))
}

#[derive(Template)]
#[template(path = "notices.html")]
struct InboxTpl {
    c: Chrome,
    notices: Vec<NoticeRow>,
    can_act: bool,
    states: Vec<(&'static str, String)>,
}

struct NoticeRow {
    id: String,
    kind_key: String,
    state_key: String,
    state: &'static str,
    received: String,
    subject: String,
    details: String,
    link: String,
    email: String,
    file: String,
    found: String,
    steps: Vec<(String, String, String, String)>,
    open: bool,
}

async fn inbox(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let party = person.party.clone();
    let notices = state
        .registry(move |r| r.notices_visible_to(Some(&party)))
        .await?;
    let t = &ctx.tr;
    Ok(render(&InboxTpl {
        notices: notices
            .into_iter()
            .map(|n| NoticeRow {
                id: n.id,
                kind_key: format!("notice-kind-{}", n.kind.as_str()),
                state_key: format!("notice-state-{}", n.state.as_str()),
                state: n.state.as_str(),
                received: t.datetime(&n.received_at),
                subject: n.subject,
                details: n.details,
                link: n.link.unwrap_or_default(),
                email: n.reporter_email.unwrap_or_default(),
                file: n.file_name.unwrap_or_default(),
                found: n
                    .found
                    .iter()
                    .map(|f| format!("{} {}", f.isrc, f.title))
                    .collect::<Vec<_>>()
                    .join("; "),
                steps: n
                    .steps
                    .iter()
                    .map(|s| {
                        (
                            t.datetime(&s.at),
                            s.by.clone(),
                            t.get(format!("notice-state-{}", s.state.as_str())),
                            s.note.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
                open: n.state != NoticeState::Closed,
            })
            .collect(),
        can_act: person.role == fermata_registry::Role::HolderAdmin,
        states: NoticeState::ALL
            .iter()
            .filter(|s| **s != NoticeState::Received)
            .map(|s| (s.as_str(), t.get(format!("notice-state-{}", s.as_str()))))
            .collect(),
        c: Chrome::new(&ctx, "notices-title"),
    }))
}

async fn advance(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let to: NoticeState = form.get("state").parse().map_err(|_| WebError::BadForm)?;
    let note = form.opt("note");
    state
        .registry(move |r| {
            r.advance_notice(
                &id,
                &person.party,
                person.role,
                &person.actor(),
                to,
                note.as_deref(),
            )
        })
        .await?;
    Ok(see_other("/notices", vec![]))
}
