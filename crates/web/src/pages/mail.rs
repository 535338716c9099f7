//! E-mail in the web app: a person turns their e-mail notifications on or off (account page),
//! and "forgot your password" e-mails a one-time reset link when SMTP is configured.

use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::time::Instant;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/forgot", get(forgot_page).post(forgot))
        .route("/account/mail", post(set_mail))
}

/// Turns the signed-in person's e-mail notifications on (`mail=on`) or off.
async fn set_mail(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.person()?.clone();
    let on = match form.get("mail") {
        "on" => true,
        "off" => false,
        _ => return Err(WebError::BadForm),
    };
    state
        .registry(move |r| r.set_mail_notifications(&person.id, on))
        .await?;
    Ok(see_other("/account", vec![]))
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotTpl {
    c: Chrome,
    /// SMTP is configured: the form can send a link.
    can_mail: bool,
    /// The message shown after a request (or why it was not taken).
    said: Option<String>,
}

async fn forgot_page(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(&ForgotTpl {
        c: Chrome::new(&ctx, "forgot-title"),
        can_mail: state.config.mailer.is_some(),
        said: None,
    })
}

/// Sends a reset link to the address when an account has it. The answer is the same whether
/// or not it does (no account enumeration): the link is made and mailed on another thread, so
/// the answer does not wait for the SMTP server either.
async fn forgot(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let email = form.get("email").trim().to_lowercase();
    let ctx = &form.ctx;
    let page = |key: &str, status: StatusCode| {
        let mut res = render(&ForgotTpl {
            c: Chrome::new(ctx, "forgot-title"),
            can_mail: state.config.mailer.is_some(),
            said: Some(ctx.tr.get(key)),
        });
        *res.status_mut() = status;
        res
    };
    let Some(mailer) = state.config.mailer.clone() else {
        return Ok(page("forgot-no-mail", StatusCode::OK));
    };
    let now = Instant::now();
    let limiter = state.forgot_limit.clone();
    let ip_key = super::client_key("forgot-ip", peer);
    let email_key = format!(
        "forgot-email:{}",
        email.chars().take(254).collect::<String>()
    );
    if !limiter.attempt(&ip_key, now) || !limiter.attempt(&email_key, now) {
        return Ok(page("forgot-too-many", StatusCode::TOO_MANY_REQUESTS));
    }
    if let Ok(email) = fermata_registry::normalise_email(&email) {
        let api = state.clone();
        tokio::spawn(async move {
            let made = api
                .registry(move |r| {
                    let link = match r.reset_link(&email, "web (forgot password)") {
                        Ok(l) => l,
                        Err(fermata_registry::RegistryError::NotFound { .. }) => return Ok(None),
                        Err(e) => return Err(e),
                    };
                    let person = r.person(link.link.person.as_deref().unwrap_or_default())?;
                    Ok(Some((person, link.secret)))
                })
                .await;
            match made {
                Ok(Some((person, secret))) => {
                    let locale = fermata_mail::Texts::locale_for(person.locale.as_deref());
                    let link = format!("{}/reset/{secret}", mailer.base_url());
                    let sent = tokio::task::spawn_blocking(move || {
                        mailer.send_reset(&person.email, locale, &link)
                    })
                    .await;
                    match sent {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::warn!("password-reset mail not sent: {e}"),
                        Err(e) => tracing::warn!("password-reset mail: {e}"),
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!("password-reset link not made: {e:?}"),
            }
        });
    }
    Ok(page("forgot-sent", StatusCode::OK))
}
