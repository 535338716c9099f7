//! Importing a catalogue from the browser: a CSV or DDEX file with its audio (several files, or
//! one zip), fingerprinted in the background with progress, and the same all-or-nothing report
//! (line, field, reason) as `fermata catalog import`.
//!
//! The import runs on its own registry connection (SQLite serialises the writers), so the rest
//! of the server goes on answering while the audio is fingerprinted. Jobs live in this
//! process's memory; a restart forgets their pages, never their result, which is in the
//! registry (an interrupted import registers nothing, and a rerun skips the audio already
//! fingerprinted).

use crate::auth::{CsrfMultipart, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use fermata_clearance::{ImportEvent, ImportOutcome};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Largest upload (catalogue and audio together).
pub const MAX_IMPORT_BYTES: usize = 1 << 30;
/// Most files a zip may hold.
pub const MAX_ZIP_ENTRIES: usize = 20_000;
/// Most bytes a zip may unpack to.
pub const MAX_ZIP_BYTES: u64 = 4 << 30;
/// Import jobs remembered for their pages.
pub const MAX_JOBS: usize = 200;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/import",
            get(form_page)
                .post(start)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/import/{job}", get(job_page))
}

/// Where one import stands.
#[derive(Clone, Debug)]
pub(crate) enum JobState {
    Checking,
    Fingerprinting {
        done: usize,
        of: usize,
        failed: usize,
    },
    Imported(Box<fermata_clearance::ImportSummary>),
    Rejected(Vec<fermata_catalog::Problem>),
    Failed(String),
}

/// The import jobs of this process, by id.
#[derive(Default)]
pub(crate) struct Jobs {
    jobs: Mutex<BTreeMap<String, (String, JobState)>>,
}

impl Jobs {
    fn set(&self, id: &str, state: JobState) {
        if let Ok(mut jobs) = self.jobs.lock()
            && let Some(job) = jobs.get_mut(id)
        {
            job.1 = state;
        }
    }

    fn add(&self, id: &str, party: &str) {
        if let Ok(mut jobs) = self.jobs.lock() {
            while jobs.len() >= MAX_JOBS {
                let Some(oldest) = jobs.keys().next().cloned() else {
                    break;
                };
                jobs.remove(&oldest);
            }
            jobs.insert(id.into(), (party.into(), JobState::Checking));
        }
    }

    fn get(&self, id: &str, party: &str) -> Option<JobState> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(id)
            .filter(|(owner, _)| owner == party)
            .map(|(_, s)| s.clone())
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct FormTpl {
    c: Chrome,
    available: bool,
}

async fn form_page(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.holder_admin()?;
    Ok(render(&FormTpl {
        available: state.config.home.is_some(),
        c: Chrome::new(&ctx, "import-title"),
    }))
}

/// A file name reduced to its last component, with nothing that could leave the directory.
fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let ok = !base.is_empty()
        && base != "."
        && base != ".."
        && base.len() <= 255
        && !base.chars().any(|c| c.is_control());
    ok.then(|| base.to_string())
}

/// Unpacks the audio of a zip into `dir`, bounded in entries and bytes, keeping only each
/// entry's file name (the catalogue names audio files relative to one directory).
fn unzip(bytes: &[u8], dir: &std::path::Path) -> Result<usize, WebError> {
    let bad = |e: String| WebError::Invalid(format!("the zip file cannot be read: {e}"));
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(bad(format!("more than {MAX_ZIP_ENTRIES} files")));
    }
    let mut total = 0u64;
    let mut count = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let Some(name) = entry
            .enclosed_name()
            .and_then(|p| p.file_name().and_then(|n| n.to_str()).and_then(safe_name))
        else {
            continue;
        };
        let mut out = Vec::new();
        let left = MAX_ZIP_BYTES.saturating_sub(total);
        (&mut entry)
            .take(left + 1)
            .read_to_end(&mut out)
            .map_err(|e| bad(e.to_string()))?;
        total += out.len() as u64;
        if total > MAX_ZIP_BYTES {
            return Err(bad(format!(
                "it unpacks to more than {MAX_ZIP_BYTES} bytes"
            )));
        }
        std::fs::write(dir.join(&name), &out).map_err(|e| WebError::Internal(e.to_string()))?;
        count += 1;
    }
    Ok(count)
}

async fn start(State(state): State<WebState>, form: CsrfMultipart) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let Some(home) = state.config.home.clone() else {
        return Err(WebError::Invalid(form.ctx.tr.get("import-unavailable")));
    };
    let (catalogue_name, catalogue) = form
        .file("catalogue")
        .ok_or_else(|| WebError::Invalid(form.ctx.tr.get("import-no-catalogue")))?;
    let catalogue_name = safe_name(catalogue_name).unwrap_or_else(|| "catalogue.csv".into());
    let dir = tempfile::tempdir().map_err(|e| WebError::Internal(e.to_string()))?;
    let audio_dir = dir.path().join("audio");
    std::fs::create_dir(&audio_dir).map_err(|e| WebError::Internal(e.to_string()))?;
    let catalogue_path = dir.path().join(&catalogue_name);
    std::fs::write(&catalogue_path, catalogue).map_err(|e| WebError::Internal(e.to_string()))?;
    for (name, bytes) in form.files("audio") {
        if name.to_ascii_lowercase().ends_with(".zip") {
            unzip(bytes, &audio_dir)?;
        } else if let Some(n) = safe_name(name) {
            std::fs::write(audio_dir.join(n), bytes)
                .map_err(|e| WebError::Internal(e.to_string()))?;
        }
    }
    let id = fermata_registry::random_token()[..16].to_string();
    let jobs = state.jobs.clone();
    jobs.add(&id, &person.party);
    let job = id.clone();
    let actor = person.party.clone();
    std::thread::spawn(move || {
        let run = || -> Result<JobState, String> {
            let home = fermata_clearance::Home::open(&home).map_err(|e| e.to_string())?;
            let mut registry = home.registry().map_err(|e| e.to_string())?;
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let (mut done, mut of, mut failed) = (0, 0, 0);
            let outcome = fermata_clearance::import_catalog(
                &home,
                &mut registry,
                &actor,
                &catalogue_path,
                &audio_dir,
                &cancel,
                &mut |e| {
                    match e {
                        ImportEvent::Fingerprinting { files } => of = files,
                        ImportEvent::Fingerprinted { failed: f, .. } => {
                            done += 1;
                            failed += usize::from(f);
                        }
                    }
                    jobs.set(&job, JobState::Fingerprinting { done, of, failed });
                },
            )
            .map_err(|e| e.to_string())?;
            Ok(match outcome {
                ImportOutcome::Imported(s) => JobState::Imported(Box::new(s)),
                ImportOutcome::Rejected { problems, .. } => JobState::Rejected(problems),
                ImportOutcome::Interrupted { .. } => JobState::Failed("interrupted".into()),
            })
        };
        let end = run().unwrap_or_else(JobState::Failed);
        jobs.set(&job, end);
        drop(dir);
    });
    Ok(super::see_other(&format!("/import/{id}"), vec![]))
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobTpl {
    c: Chrome,
    running: bool,
    progress: String,
    problems: Vec<(u64, String, String)>,
    summary: Vec<(String, String)>,
    notes: Vec<(u64, String, String)>,
    failed: Option<String>,
}

async fn job_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(job): Path<String>,
) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let job = state
        .jobs
        .get(&job, &person.party)
        .ok_or(WebError::NotFound)?;
    let t = &ctx.tr;
    let mut tpl = JobTpl {
        c: Chrome::new(&ctx, "import-title"),
        running: false,
        progress: String::new(),
        problems: vec![],
        summary: vec![],
        notes: vec![],
        failed: None,
    };
    match job {
        JobState::Checking => {
            tpl.running = true;
            tpl.progress = t.get("import-checking");
        }
        JobState::Fingerprinting { done, of, failed } => {
            tpl.running = true;
            tpl.progress = t.args2("import-progress", "done", done, "of", of);
            if failed > 0 {
                tpl.progress.push_str(&format!(
                    " · {}",
                    t.arg("import-failed-files", "count", failed)
                ));
            }
        }
        JobState::Imported(s) => {
            let r = &s.registry;
            tpl.summary = vec![
                (t.get("import-records"), t.num(s.records as i64)),
                (t.get("import-added"), t.num(r.added.len() as i64)),
                (t.get("import-updated"), t.num(r.updated.len() as i64)),
                (t.get("import-unchanged"), t.num(r.unchanged as i64)),
                (t.get("import-conflicts"), t.num(r.conflicts.len() as i64)),
                (
                    t.get("import-awaiting"),
                    t.num(r.awaiting_agreement.len() as i64),
                ),
                (t.get("import-tracks"), t.num(s.tracks_added as i64)),
                (t.get("import-hours"), t.hours(s.audio_seconds / 3600.0)),
            ];
            tpl.notes = s
                .notes
                .iter()
                .map(|p| (p.line, p.field.clone(), p.reason.clone()))
                .collect();
        }
        JobState::Rejected(problems) => {
            tpl.problems = problems
                .into_iter()
                .map(|p| (p.line, p.field, p.reason))
                .collect();
        }
        JobState::Failed(e) => tpl.failed = Some(e),
    }
    Ok(render(&tpl))
}

/// Shared job table, made once per server.
pub(crate) fn jobs() -> Arc<Jobs> {
    Arc::new(Jobs::default())
}
