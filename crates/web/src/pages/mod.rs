//! The pages: routes and handlers. Each handler checks who is asking, makes its registry calls
//! in one blocking task, and renders a template; none holds a rule of its own.

mod account;
mod attribution;
mod developer;
mod eu_summary;
mod holder;
pub(crate) mod import;
mod mail;
mod market;
mod misuse;
mod offers;
mod operator;
mod public;
mod team;
mod usage;
mod webhooks;

use crate::auth::{CSRF_COOKIE, CsrfForm, Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use crate::error::ErrorPage;
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fermata_registry::Role;
use std::collections::HashMap;

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route(
            "/sign-in",
            get(account::sign_in_page).post(account::sign_in),
        )
        .route("/sign-out", post(account::sign_out))
        .route("/locale", post(switch_locale))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::change_password))
        .route(
            "/invite/{secret}",
            get(account::invite_page).post(account::accept_invite),
        )
        .route(
            "/reset/{secret}",
            get(account::reset_page).post(account::reset),
        )
        .merge(mail::routes())
        .merge(holder::routes())
        .merge(market::routes())
        .merge(import::routes())
        .merge(developer::routes())
        .merge(usage::routes())
        .merge(attribution::routes())
        .merge(eu_summary::routes())
        .merge(team::routes())
        .merge(public::routes())
        .merge(misuse::routes())
        .merge(operator::routes())
        .merge(offers::routes())
        .merge(webhooks::routes())
        .fallback(not_found)
}

/// Any other address: the not-found page, in the visitor's language.
async fn not_found() -> WebError {
    WebError::NotFound
}

/// Renders the error page of a [`WebError`] response in the visitor's language.
pub(crate) async fn localize(
    State(state): State<WebState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let (headers, uri) = (parts.headers.clone(), parts.uri.clone());
    let extensions = parts.extensions.clone();
    let res = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    let Some(page) = res.extensions().get::<ErrorPage>().cloned() else {
        return res;
    };
    let mut req = axum::http::Request::new(());
    *req.headers_mut() = headers;
    *req.uri_mut() = uri;
    *req.extensions_mut() = extensions;
    let (mut parts, ()) = req.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        Err(_) => return res,
    };
    #[derive(Template)]
    #[template(path = "error.html")]
    struct ErrorTpl {
        c: Chrome,
        detail: Option<String>,
        signed_in: bool,
    }
    let tpl = ErrorTpl {
        c: Chrome::new(&ctx, page.key),
        detail: page.detail,
        signed_in: ctx.person.is_some(),
    };
    let mut out = render(&tpl);
    *out.status_mut() = page.status;
    for (name, value) in res.headers() {
        if name == header::SET_COOKIE {
            out.headers_mut().append(name, value.clone());
        }
    }
    out
}

/// A path on this site to go back to: starts with one `/`, no scheme or host, no controls;
/// anything else is `/`.
pub(crate) fn local_path(s: &str) -> String {
    let ok = s.starts_with('/')
        && !s.starts_with("//")
        && !s.starts_with("/\\")
        && s.len() <= 1024
        && !s.chars().any(|c| c.is_control() || c == '\\');
    if ok { s.to_string() } else { "/".into() }
}

/// 303 See Other to `to`, with extra `Set-Cookie` values.
pub(crate) fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut res = Redirect::to(to).into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

async fn home(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    match ctx.person.as_ref().map(|p| p.role) {
        Some(Role::HolderAdmin | Role::HolderViewer) => holder::dashboard(state, ctx).await,
        Some(Role::Developer) => developer::dashboard(state, ctx).await,
        Some(Role::Auditor) => Ok(Redirect::to("/licences").into_response()),
        Some(Role::Operator) => Ok(Redirect::to("/operator").into_response()),
        None => {
            #[derive(Template)]
            #[template(path = "home.html")]
            struct HomeTpl {
                c: Chrome,
            }
            Ok(render(&HomeTpl {
                c: Chrome::new(&ctx, "home-title"),
            }))
        }
    }
}

/// The language switcher: remembers the choice in a cookie, and for a person signed in, in the
/// registry; then goes back to the page.
async fn switch_locale(
    State(state): State<WebState>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let lang = form.get("lang").to_string();
    if state.i18n.index_of(&lang).is_none() {
        return Err(WebError::BadForm);
    }
    if let Some(p) = &form.ctx.person {
        let (id, l) = (p.id.clone(), lang.clone());
        state.registry(move |r| r.set_locale(&id, Some(&l))).await?;
    }
    let back = local_path(form.get("back"));
    let year = 365 * 24 * 3600;
    Ok(see_other(
        &back,
        vec![set_cookie(
            LANG_COOKIE,
            &lang,
            Some(year),
            state.config.secure_cookies,
        )],
    ))
}

/// `?page=` and friends.
pub(crate) type Params = Query<HashMap<String, String>>;

/// Page `n` (1-based) of `items`, `per` to a page: the slice, the page number and the count of
/// pages.
pub(crate) fn page_of<T: Clone>(items: &[T], n: usize, per: usize) -> (Vec<T>, usize, usize) {
    let pages = items.len().div_ceil(per).max(1);
    let n = n.clamp(1, pages);
    let start = (n - 1) * per;
    (
        items[start.min(items.len())..(start + per).min(items.len())].to_vec(),
        n,
        pages,
    )
}

/// The page number asked for (`?page=`), 1 when absent or not a number.
pub(crate) fn page_param(q: &HashMap<String, String>) -> usize {
    q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

/// The session cookie set, and the anonymous form token forgotten.
pub(crate) fn session_cookies(secret: &str, secure: bool) -> Vec<HeaderValue> {
    vec![
        set_cookie(
            SESSION_COOKIE,
            secret,
            Some(fermata_registry::SESSION_HOURS as u64 * 3600),
            secure,
        ),
        set_cookie(CSRF_COOKIE, "", Some(0), secure),
    ]
}

/// The key an attempt limit counts a client under: `prefix:` and its address.
pub(crate) fn client_key(
    prefix: &str,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
) -> String {
    let addr = peer.map_or_else(|| "unknown".into(), |p| p.0.0.ip().to_string());
    format!("{prefix}:{addr}")
}

/// An answer to save as file `name`, of type `kind`.
pub(crate) fn download(name: &str, kind: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
