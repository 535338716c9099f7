//! Joining fermata from the web app, and the registry operator's page: sign-ups to decide,
//! and every party, person and API key.

use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{PartyKind, Role, SignupDraft, SignupState};
use std::net::SocketAddr;
use std::time::Instant;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-up", get(sign_up_page).post(sign_up))
        .route("/operator", get(operator))
        .route("/operator/signups/{id}", post(decide))
}

/// The kinds of party that can sign up.
const KINDS: [PartyKind; 5] = [
    PartyKind::Label,
    PartyKind::Publisher,
    PartyKind::Artist,
    PartyKind::Society,
    PartyKind::Developer,
];

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpTpl {
    c: Chrome,
    kinds: Vec<(&'static str, String)>,
    min: usize,
}

async fn sign_up_page(ctx: Ctx) -> Response {
    let t = &ctx.tr;
    render(&SignUpTpl {
        kinds: KINDS
            .iter()
            .map(|k| (k.as_str(), t.get(format!("kind-{}", k.as_str()))))
            .collect(),
        min: fermata_registry::MIN_PASSWORD_CHARS,
        c: Chrome::new(&ctx, "sign-up-title"),
    })
}

#[derive(Template)]
#[template(path = "signed_up.html")]
struct SignedUpTpl {
    c: Chrome,
    email: String,
}

async fn sign_up(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let key = super::client_key("signup", peer);
    if !state.report_limit.attempt(&key, Instant::now()) {
        return Err(WebError::TooMany);
    }
    let password = form.new_password("password", "repeat")?;
    let kind: PartyKind = form.get("kind").parse().map_err(|_| WebError::BadForm)?;
    let draft = SignupDraft {
        party: form.get("party").to_string(),
        kind: Some(kind),
        party_name: form.get("party_name").to_string(),
        name: form.get("name").to_string(),
        email: form.get("email").to_string(),
        password,
        about: form.get("about").to_string(),
    };
    let signup = state.registry(move |r| r.sign_up(draft)).await?;
    Ok(render(&SignedUpTpl {
        email: signup.email,
        c: Chrome::new(&form.ctx, "sign-up-received-title"),
    }))
}

#[derive(Template)]
#[template(path = "operator.html")]
struct OperatorTpl {
    c: Chrome,
    pending: Vec<SignupRow>,
    decided: Vec<SignupRow>,
    parties: Vec<(String, String, String, String)>,
    people: Vec<(String, String, String, String, String)>,
    keys: Vec<(String, String, String, String, String)>,
}

struct SignupRow {
    id: String,
    party: String,
    kind: String,
    party_name: String,
    name: String,
    email: String,
    about: String,
    created: String,
    state_key: String,
    decided_by: String,
    reason: String,
}

async fn operator(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.with_role(&[Role::Operator])?;
    let (signups, parties, people, keys) = state
        .registry(|r| Ok((r.signups()?, r.parties()?, r.people(None)?, r.keys()?)))
        .await?;
    let t = &ctx.tr;
    let row = |s: fermata_registry::Signup| SignupRow {
        kind: t.get(format!("kind-{}", s.kind.as_str())),
        created: t.datetime(&s.created_at),
        state_key: format!("signup-{}", s.state.as_str()),
        decided_by: s.decided_by.unwrap_or_default(),
        reason: s.reason.unwrap_or_default(),
        id: s.id,
        party: s.party,
        party_name: s.party_name,
        name: s.name,
        email: s.email,
        about: s.about,
    };
    let (pending, decided): (Vec<_>, Vec<_>) = signups
        .into_iter()
        .partition(|s| s.state == SignupState::Pending);
    Ok(render(&OperatorTpl {
        pending: pending.into_iter().map(row).collect(),
        decided: decided.into_iter().map(row).collect(),
        parties: parties
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    t.get(format!("kind-{}", p.kind.as_str())),
                    p.name,
                    t.datetime(&p.created_at),
                )
            })
            .collect(),
        people: people
            .into_iter()
            .map(|p| {
                (
                    p.party,
                    p.name,
                    p.email,
                    t.get(format!("role-{}", p.role.as_str())),
                    t.datetime(&p.created_at),
                )
            })
            .collect(),
        keys: keys
            .into_iter()
            .map(|k| {
                (
                    k.id,
                    k.party,
                    t.get(format!("role-{}", k.role.as_str())),
                    t.datetime(&k.created_at),
                    k.revoked_at.map(|r| t.datetime(&r)).unwrap_or_default(),
                )
            })
            .collect(),
        c: Chrome::new(&ctx, "operator-title"),
    }))
}

async fn decide(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.with_role(&[Role::Operator])?.clone();
    let approve = match form.get("decision") {
        "approve" => true,
        "refuse" => false,
        _ => return Err(WebError::BadForm),
    };
    let reason = form.opt("reason");
    state
        .registry(move |r| r.decide_signup(&id, &person, approve, reason.as_deref()))
        .await?;
    Ok(see_other("/operator", vec![]))
}
