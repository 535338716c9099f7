//! Signing in and out, one's own account, accepting an invitation, resetting a password.

use super::{Params, local_path, see_other, session_cookies};
use crate::auth::{CsrfForm, Ctx, SESSION_COOKIE, set_cookie};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fermata_registry::{MIN_PASSWORD_CHARS, OneTimeLink, Person};
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInTpl {
    c: Chrome,
    next: String,
    email: String,
    problem: Option<String>,
}

pub(super) async fn sign_in_page(ctx: Ctx, q: Params) -> Response {
    let next = local_path(q.get("next").map_or("/", |s| s.as_str()));
    render(&SignInTpl {
        c: Chrome::new(&ctx, "sign-in-title"),
        next,
        email: String::new(),
        problem: None,
    })
}

pub(super) async fn sign_in(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let email = form.get("email").trim().to_lowercase();
    let password = form.get("password").to_string();
    let next = local_path(form.get("next"));
    let ip_key = super::client_key("ip", peer);
    let email_key = format!("email:{email}");
    let now = Instant::now();
    let limiter = state.sign_in_limit.clone();
    let again = |problem: &str, status: StatusCode| {
        let ctx = &form.ctx;
        let mut res = render(&SignInTpl {
            c: Chrome::new(ctx, "sign-in-title"),
            next: next.clone(),
            email: email.chars().take(254).collect(),
            problem: Some(ctx.tr.get(problem)),
        });
        *res.status_mut() = status;
        res
    };
    if !limiter.allowed(&ip_key, now) || !limiter.allowed(&email_key, now) {
        return Ok(again("sign-in-too-many", StatusCode::TOO_MANY_REQUESTS));
    }
    let (e, p) = (email.clone(), password);
    let session = state.registry(move |r| r.sign_in(&e, &p)).await?;
    let Some(session) = session else {
        limiter.hit(&ip_key, now);
        limiter.hit(&email_key, now);
        return Ok(again("sign-in-failed", StatusCode::UNAUTHORIZED));
    };
    limiter.clear(&email_key);
    let mut cookies = session_cookies(&session.secret, state.config.secure_cookies);
    if let Some(l) = &session.person.locale {
        cookies.push(set_cookie(
            crate::LANG_COOKIE,
            l,
            Some(365 * 24 * 3600),
            state.config.secure_cookies,
        ));
    }
    Ok(see_other(&next, cookies))
}

pub(super) async fn sign_out(
    State(state): State<WebState>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    if let Some(secret) = form.ctx.session_secret.clone() {
        state.registry(move |r| r.sign_out(&secret)).await?;
    }
    Ok(see_other(
        "/",
        vec![set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            state.config.secure_cookies,
        )],
    ))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTpl {
    c: Chrome,
    person: Person,
    min: usize,
}

pub(super) async fn account_page(ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.person()?.clone();
    Ok(render(&AccountTpl {
        c: Chrome::new(&ctx, "account-title"),
        person,
        min: MIN_PASSWORD_CHARS,
    }))
}

pub(super) async fn change_password(
    State(state): State<WebState>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.person()?.clone();
    let new = form.new_password("new", "repeat")?;
    let current = form.get("current").to_string();
    state
        .registry(move |r| r.change_password(&person.id, &current, &new))
        .await?;
    // Every session ended, this one too: sign in again with the new password.
    Ok(see_other(
        "/sign-in?changed=1",
        vec![set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            state.config.secure_cookies,
        )],
    ))
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InviteTpl {
    c: Chrome,
    link: OneTimeLink,
    role_key: String,
    secret: String,
    min: usize,
}

pub(super) async fn invite_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let s = secret.clone();
    let link = state.registry(move |r| r.invitation(&s)).await?;
    let role_key = format!("role-{}", link.role.map_or("public", |r| r.as_str()));
    Ok(render(&InviteTpl {
        c: Chrome::new(&ctx, "invite-title"),
        link,
        role_key,
        secret,
        min: MIN_PASSWORD_CHARS,
    }))
}

pub(super) async fn accept_invite(
    State(state): State<WebState>,
    Path(secret): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let password = form.new_password("password", "repeat")?;
    let (email, name) = (
        form.get("email").to_string(),
        form.get("name").trim().to_string(),
    );
    let session = state
        .registry(move |r| r.accept_invite(&secret, &email, &name, &password))
        .await?;
    Ok(see_other(
        "/",
        session_cookies(&session.secret, state.config.secure_cookies),
    ))
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetTpl {
    c: Chrome,
    email: String,
    secret: String,
    min: usize,
}

pub(super) async fn reset_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let s = secret.clone();
    let person = state.registry(move |r| r.reset_person(&s)).await?;
    Ok(render(&ResetTpl {
        c: Chrome::new(&ctx, "reset-title"),
        email: person.email,
        secret,
        min: MIN_PASSWORD_CHARS,
    }))
}

pub(super) async fn reset(
    State(state): State<WebState>,
    Path(secret): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let password = form.new_password("password", "repeat")?;
    state
        .registry(move |r| r.reset_password(&secret, &password))
        .await?;
    Ok(see_other("/sign-in?changed=1", vec![]).into_response())
}
