//! A party's webhook endpoints: its administrators (a holder admin, a developer) add and remove
//! them, see the signing secret once, test them, read the delivery log and send a delivery
//! again; a holder viewer reads. Another party's endpoint is not found.

use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{DeliveryStatus, EventType, Person, Role};

/// The roles that read their party's webhooks.
const READERS: &[Role] = &[Role::HolderAdmin, Role::HolderViewer, Role::Developer];
/// The roles that manage them.
const ADMINS: &[Role] = &[Role::HolderAdmin, Role::Developer];

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/webhooks", get(list).post(add))
        .route("/webhooks/{id}", get(log))
        .route("/webhooks/{id}/remove", post(remove))
        .route("/webhooks/{id}/test", post(test))
        .route("/webhooks/{id}/deliveries/{delivery}/replay", post(replay))
}

/// The message of an event type.
fn event_key(t: EventType) -> &'static str {
    match t {
        EventType::RequestReceived => "webhook-event-request-received",
        EventType::RequestDecided => "webhook-event-request-decided",
        EventType::LicenceGranted => "webhook-event-licence-granted",
        EventType::LicenceRevoked => "webhook-event-licence-revoked",
        EventType::LicenceExpiring => "webhook-event-licence-expiring",
        EventType::NoticeReceived => "webhook-event-notice-received",
        EventType::StatementIssued => "webhook-event-statement-issued",
        EventType::ScanFinished => "webhook-event-scan-finished",
        EventType::Ping => "webhook-event-ping",
    }
}

/// The message of a delivery's status.
fn status_key(s: DeliveryStatus) -> &'static str {
    match s {
        DeliveryStatus::Pending => "webhook-delivery-pending",
        DeliveryStatus::Delivered => "webhook-delivery-delivered",
        DeliveryStatus::Failed => "webhook-delivery-failed",
    }
}

/// One endpoint as listed: id, URL, events, status.
type EndpointRow = (String, String, String, String);

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListTpl {
    c: Chrome,
    is_admin: bool,
    endpoints: Vec<EndpointRow>,
    events: Vec<(&'static str, String)>,
    shown_once: Option<(String, String)>,
}

async fn list_page(
    state: &WebState,
    ctx: &Ctx,
    shown_once: Option<(String, String)>,
) -> Result<Response, WebError> {
    let person = ctx.with_role(READERS)?.clone();
    let party = person.party.clone();
    let endpoints = state.registry(move |r| r.webhooks(Some(&party))).await?;
    let t = &ctx.tr;
    let rows = endpoints
        .into_iter()
        .map(|e| {
            let events = if e.events.is_empty() {
                t.get("webhook-all-events")
            } else {
                e.events
                    .iter()
                    .map(|ev| t.get(event_key(*ev)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let status = match &e.disabled_at {
                Some(at) => t.arg("webhook-disabled", "at", t.datetime(at)),
                None => t.get("webhook-active"),
            };
            (e.id, e.url, events, status)
        })
        .collect();
    let events = EventType::ALL
        .iter()
        .filter(|e| **e != EventType::Ping)
        .map(|e| (e.as_str(), t.get(event_key(*e))))
        .collect();
    Ok(render(&ListTpl {
        is_admin: ADMINS.contains(&person.role),
        endpoints: rows,
        events,
        shown_once,
        c: Chrome::new(ctx, "webhooks-title"),
    }))
}

async fn list(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    list_page(&state, &ctx, None).await
}

fn admin(ctx: &Ctx) -> Result<Person, WebError> {
    Ok(ctx.with_role(ADMINS)?.clone())
}

async fn add(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = admin(&form.ctx)?;
    let url = form.get("url").to_string();
    let mut events = Vec::new();
    for e in form.all("events") {
        events.push(e.parse::<EventType>().map_err(|_| WebError::BadForm)?);
    }
    let made = state
        .registry(move |r| r.add_webhook(&person.party, &url, &events, &person.actor()))
        .await?;
    let note = form
        .ctx
        .tr
        .arg("webhook-made", "id", made.endpoint.id.as_str());
    list_page(&state, &form.ctx, Some((note, made.secret))).await
}

async fn remove(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = admin(&form.ctx)?;
    state
        .registry(move |r| r.remove_webhook(&id, Some(&person.party), &person.actor()))
        .await?;
    Ok(see_other("/webhooks", vec![]))
}

async fn test(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = admin(&form.ctx)?;
    let to = format!("/webhooks/{id}");
    state
        .registry(move |r| r.ping_webhook(&id, Some(&person.party)))
        .await?;
    Ok(see_other(&to, vec![]))
}

async fn replay(
    State(state): State<WebState>,
    Path((id, delivery)): Path<(String, String)>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = admin(&form.ctx)?;
    let to = format!("/webhooks/{id}");
    state
        .registry(move |r| {
            let (d, _) = r.webhook_delivery(&delivery, Some(&person.party))?;
            if d.endpoint != id {
                return Err(fermata_registry::RegistryError::NotFound {
                    what: "webhook delivery",
                    id: delivery,
                    hint: "see the endpoint's delivery log",
                });
            }
            r.replay_webhook_delivery(&delivery, Some(&person.party))
        })
        .await?;
    Ok(see_other(&to, vec![]))
}

/// One delivery as listed: id, event, status, attempts, next attempt, last answer, created,
/// replayable.
type DeliveryRow = (String, String, String, u32, String, String, String, bool);

#[derive(Template)]
#[template(path = "webhook_log.html")]
struct LogTpl {
    c: Chrome,
    is_admin: bool,
    id: String,
    url: String,
    live: bool,
    deliveries: Vec<DeliveryRow>,
}

async fn log(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let person = ctx.with_role(READERS)?.clone();
    let party = person.party.clone();
    let key = id.clone();
    let (endpoint, deliveries) = state
        .registry(move |r| {
            let e = r.webhook(&key, Some(&party))?;
            let d = r.webhook_deliveries(&key, Some(&party), 200)?;
            Ok((e, d))
        })
        .await?;
    let t = &ctx.tr;
    let is_admin = ADMINS.contains(&person.role);
    let live = endpoint.is_live();
    let rows = deliveries
        .into_iter()
        .map(|d| {
            let last = match (d.last_status_code, &d.last_error) {
                (Some(c), None) => c.to_string(),
                (_, Some(e)) => e.clone(),
                (None, None) => String::new(),
            };
            (
                d.id,
                t.get(event_key(d.event_type)),
                t.get(status_key(d.status)),
                d.attempts,
                d.next_attempt_at
                    .map(|a| t.datetime(&a))
                    .unwrap_or_default(),
                last,
                t.datetime(&d.created_at),
                is_admin && live,
            )
        })
        .collect();
    let title = t.arg("webhook-log-title", "id", id.as_str());
    Ok(render(&LogTpl {
        is_admin,
        url: endpoint.url,
        live,
        id,
        deliveries: rows,
        c: Chrome::titled(&ctx, title),
    }))
}
