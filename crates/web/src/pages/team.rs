//! A party's people, invitations and API keys, managed by its administrators.

use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::Role;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/team", get(team))
        .route("/team/invite", post(invite))
        .route("/team/keys", post(create_key))
        .route("/team/keys/{id}/revoke", post(revoke_key))
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamTpl {
    c: Chrome,
    is_admin: bool,
    people: Vec<(String, String, String, String)>,
    links: Vec<(String, String, String, String)>,
    keys: Vec<(String, String, String, String, bool)>,
    roles: Vec<(&'static str, String)>,
    shown_once: Option<(String, String)>,
}

async fn page(
    state: &WebState,
    ctx: &Ctx,
    shown_once: Option<(String, String)>,
) -> Result<Response, WebError> {
    let person = ctx.person()?.clone();
    let party = person.party.clone();
    let (people, links, keys, kind) = state
        .registry(move |r| {
            let kind = r.party(&party)?.kind;
            let keys: Vec<_> = r.keys()?.into_iter().filter(|k| k.party == party).collect();
            Ok((r.people(Some(&party))?, r.links(&party)?, keys, kind))
        })
        .await?;
    let t = &ctx.tr;
    let is_admin = person.role.administers();
    let roles = Role::ALL
        .iter()
        .filter(|r| r.fits(kind))
        .map(|r| (r.as_str(), t.get(format!("role-{}", r.as_str()))))
        .collect();
    Ok(render(&TeamTpl {
        is_admin,
        people: people
            .into_iter()
            .map(|p| {
                (
                    p.name,
                    p.email,
                    t.get(format!("role-{}", p.role.as_str())),
                    t.datetime(&p.created_at),
                )
            })
            .collect(),
        links: links
            .into_iter()
            .filter(|l| l.purpose == fermata_registry::LinkPurpose::Invite)
            .map(|l| {
                (
                    l.email.unwrap_or_default(),
                    t.get(format!("role-{}", l.role.map_or("public", |r| r.as_str()))),
                    t.datetime(&l.expires_at),
                    match l.used_at {
                        Some(at) => t.arg("invite-used", "at", t.datetime(&at)),
                        None => t.get("invite-open"),
                    },
                )
            })
            .collect(),
        keys: keys
            .into_iter()
            .rev()
            .map(|k| {
                let live = k.revoked_at.is_none();
                (
                    k.id,
                    t.get(format!("role-{}", k.role.as_str())),
                    t.datetime(&k.created_at),
                    k.revoked_at.map(|r| t.datetime(&r)).unwrap_or_default(),
                    live && is_admin,
                )
            })
            .collect(),
        roles,
        shown_once,
        c: Chrome::new(ctx, "team-title"),
    }))
}

async fn team(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    page(&state, &ctx, None).await
}

fn base_url(state: &WebState) -> String {
    state
        .config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string()
}

async fn invite(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.person()?.clone();
    let role: Role = form.get("role").parse().map_err(|_| WebError::BadForm)?;
    let email = form.opt("email");
    let link = state
        .registry(move |r| r.invite(&person, role, email.as_deref()))
        .await?;
    let url = format!("{}/invite/{}", base_url(&state), link.secret);
    let note = form.ctx.tr.get("invite-made");
    page(&state, &form.ctx, Some((note, url))).await
}

async fn create_key(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.person()?.clone();
    let role: Role = form.get("role").parse().map_err(|_| WebError::BadForm)?;
    let key = state
        .registry(move |r| r.create_key_as(&person, role))
        .await?;
    let note = form.ctx.tr.arg("key-made", "id", key.key.id.as_str());
    page(&state, &form.ctx, Some((note, key.secret))).await
}

async fn revoke_key(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.person()?.clone();
    state
        .registry(move |r| r.revoke_key_as(&person, &id))
        .await?;
    Ok(see_other("/team", vec![]))
}
