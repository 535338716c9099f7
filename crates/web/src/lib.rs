//! fermata's web app: server-rendered pages for rights holders, AI developers, auditors and the
//! public, in English, Spanish, French, Korean and Portuguese, served at `/` beside the API at
//! `/v1` by the same process over the same registry.
//!
//! Pages hold no rules. A handler reads its input, checks that a person is signed in and what
//! their role lets them do, makes the same `fermata-registry` (or `fermata-report`) call as the
//! CLI and the API, and renders the result with a compiled template (askama; every value is
//! HTML-escaped unless a template says otherwise, and none does).
//!
//! # Security
//!
//! - Sessions: the `fermata_session` cookie holds a random secret whose SHA-256 the registry
//!   keeps; it is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when served over TLS
//!   (or when [`WebConfig::secure_cookies`] says a TLS proxy is in front).
//! - Forms: every form carries a token, and [`CsrfForm`] is the only way a handler reads one:
//!   it refuses (403) a form whose token is not the session's (signed in) or the
//!   `fermata_csrf` cookie's (signed out: the double-submit pattern).
//! - Sign-in attempts are limited per client address and per e-mail ([`limit`]).
//! - Every answer carries a strict Content-Security-Policy with no inline script or style,
//!   `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` (one-time links carry secrets in
//!   their path) and `X-Content-Type-Options: nosniff`.
//! - A record another party owns answers 404, as in the API.
//!
//! Architecture Invariant: every page works with JavaScript off, except the proof checker,
//! whose point is that the browser checks the proof itself.

#![deny(missing_docs)]

mod assets;
mod auth;
mod error;
pub mod i18n;
pub mod limit;
mod pages;
mod view;

pub use auth::{CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
pub use error::WebError;

use axum::Router;
use axum::http::{HeaderValue, header};
use fermata_server::AppState;
use std::sync::Arc;

/// Largest form body the web app reads (uploads have their own limit).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// The Content-Security-Policy of every answer: nothing but this origin's own files, no inline
/// script or style, no framing, forms only to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// How the web app is served.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure`: the app is served over HTTPS (by `--tls-cert`, or by a TLS proxy
    /// in front).
    pub secure_cookies: bool,
    /// The address people reach the app at (e.g. `https://fermata.example.org`), for the
    /// one-time links shown to administrators; when None, links are shown relative to the
    /// address the administrator is using.
    pub public_url: Option<String>,
    /// The fermata home (registry and index), for identifying the recordings in a file a misuse
    /// report carries; None leaves uploaded files unidentified.
    pub home: Option<std::path::PathBuf>,
    /// The mailer when SMTP is configured (`--smtp-url`): the "forgot your password" page
    /// e-mails reset links with it; None: the page tells people to ask the operator.
    pub mailer: Option<Arc<fermata_mail::Mailer>>,
}

/// What every page handler shares.
#[derive(Clone)]
pub struct WebState {
    api: AppState,
    config: Arc<WebConfig>,
    i18n: Arc<i18n::I18n>,
    sign_in_limit: Arc<limit::Limiter>,
    report_limit: Arc<limit::Limiter>,
    forgot_limit: Arc<limit::Limiter>,
    jobs: Arc<pages::import::Jobs>,
}

impl WebState {
    /// The web app's state over the API's state (one registry for both), with the messages
    /// loaded by [`i18n::I18n::load`].
    pub fn new(api: AppState, config: WebConfig, i18n: Arc<i18n::I18n>) -> WebState {
        WebState {
            api,
            config: Arc::new(config),
            i18n,
            sign_in_limit: Arc::new(limit::Limiter::sign_in()),
            report_limit: Arc::new(limit::Limiter::reports()),
            forgot_limit: Arc::new(limit::Limiter::forgot()),
            jobs: pages::import::jobs(),
        }
    }

    /// Runs `f` on the registry on a blocking thread.
    pub(crate) async fn registry<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut fermata_registry::Registry) -> Result<R, fermata_registry::RegistryError>
        + Send
        + 'static,
    ) -> Result<R, WebError> {
        self.run(f).await
    }

    /// Runs `f`, a `fermata-report` call over the registry, on a blocking thread.
    pub(crate) async fn report<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut fermata_registry::Registry) -> Result<R, fermata_report::ReportError>
        + Send
        + 'static,
    ) -> Result<R, WebError> {
        self.run(f).await
    }

    async fn run<R: Send + 'static, E: Send + 'static>(
        &self,
        f: impl FnOnce(&mut fermata_registry::Registry) -> Result<R, E> + Send + 'static,
    ) -> Result<R, WebError>
    where
        WebError: From<E>,
    {
        self.api
            .with(move |r| Ok(f(r)))
            .await
            .map_err(|e| WebError::Internal(format!("{e:?}")))?
            .map_err(WebError::from)
    }
}

/// The web app's routes with their security headers (without the API).
pub fn pages(state: WebState) -> Router {
    let secure = auth::SecureCookies(state.config.secure_cookies);
    pages::routes()
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::localize,
        ))
        .layer(axum::middleware::from_fn(auth::anonymous_csrf_cookie))
        .layer(axum::Extension(secure))
        .with_state(state)
        .merge(assets::routes())
        .layer(axum::middleware::from_fn(security_headers))
}

/// The API at `/v1` and the web app at `/`, over one registry: what `fermata serve` serves.
///
/// Paths under `/v1` go to the API (its own errors, in JSON); every other path to the web app
/// (its own not-found page, in the visitor's language).
pub fn app(api: AppState, config: WebConfig, i18n: Arc<i18n::I18n>) -> Router {
    use tower::ServiceExt;
    let web = pages(WebState::new(api.clone(), config, i18n));
    let api = fermata_server::app(api);
    Router::new().fallback_service(tower::service_fn(move |req: axum::extract::Request| {
        let path = req.uri().path();
        let to_api = path == "/v1" || path.starts_with("/v1/");
        let (api, web) = (api.clone(), web.clone());
        async move {
            if to_api {
                api.oneshot(req).await
            } else {
                web.oneshot(req).await
            }
        }
    }))
}

async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}
