//! fermata's HTTP API: the registry and the licensing marketplace over JSON, for rights holders,
//! AI developers and auditors, each with their own API keys.
//!
//! Handlers hold no domain logic: each checks the caller's role, then makes one call into
//! `fermata-registry` (the same calls as the CLI) on a blocking thread. Errors have one JSON
//! shape, `{"error": {"code", "message"}}`, also for the answers the HTTP layer writes by
//! itself (malformed requests, over-long URIs and headers, a full server); internal details
//! are logged, never returned.
//!
//! # Limits
//!
//! Every wait and every size has a bound, each a documented constant here:
//!
//! - connections: [`MAX_CONNECTIONS`], [`HEADER_READ_TIMEOUT`] (also the idle keep-alive
//!   timeout), [`BODY_READ_TIMEOUT`], [`WRITE_TIMEOUT`] (the first three can be set with
//!   [`ServeConfig`] and on `fermata serve`); see [`serve`] for what a client gets at each;
//! - requests: [`MAX_URI_BYTES`], [`MAX_HEADER_BYTES`], [`MAX_HEADERS`], [`MAX_BODY_BYTES`];
//! - text in a request: [`MAX_NAME_CHARS`] for names, models, ids and dates,
//!   [`MAX_TEXT_CHARS`] for reasons;
//! - lists: every list endpoint returns one page of at most [`MAX_PAGE`] items
//!   ([`DEFAULT_PAGE`] unless `?limit=` says otherwise), from `?offset=` on, and links the next
//!   page in a `Link: <…>; rel="next"` header when there is one.
//!
//! # Example
//!
//! ```
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let registry = fermata_registry::Registry::create(&dir.path().join("registry.sqlite"))?;
//! let app = fermata_server::app(fermata_server::AppState::new(registry));
//! let health = app.clone().oneshot(Request::get("/v1/health").body(Body::empty())?).await?;
//! assert_eq!(health.status(), StatusCode::OK);
//! // Everything else needs an API key.
//! let works = app.oneshot(Request::get("/v1/works").body(Body::empty())?).await?;
//! assert_eq!(works.status(), StatusCode::UNAUTHORIZED);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod api;
mod conn;
mod doc;
mod error;
mod tls;

pub use api::{ApiDoc, DEFAULT_PAGE, MAX_PAGE};
pub use conn::{
    BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_HEADERS,
    MAX_URI_BYTES, ServeConfig, WRITE_TIMEOUT,
};
pub use error::AppError;
pub use tls::tls_config;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fermata_registry::{ApiKey, Created, IdempotencyRecord, Registry, RegistryError, Role};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How long requests in flight may take to finish once a shutdown is asked for.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Most characters in a name-like text field of a request: models, runs, ids, dates, audit
/// subjects (422 past it). The registry's own bound, so the API and the library agree.
pub const MAX_NAME_CHARS: usize = fermata_registry::MAX_NAME_CHARS;

/// Most characters in a free-text field of a request: reasons (422 past it).
pub const MAX_TEXT_CHARS: usize = fermata_registry::MAX_TEXT_CHARS;

/// What every handler shares: the registry (one SQLite connection, used from blocking threads
/// one call at a time; SQLite serialises writers anyway).
#[derive(Clone)]
pub struct AppState {
    registry: Arc<Mutex<Registry>>,
    body_read_timeout: std::time::Duration,
    home: Option<Arc<PathBuf>>,
}

impl AppState {
    /// Serves `registry`.
    pub fn new(registry: Registry) -> AppState {
        AppState {
            registry: Arc::new(Mutex::new(registry)),
            body_read_timeout: BODY_READ_TIMEOUT,
            home: None,
        }
    }

    /// Sets the fermata home the registry belongs to (see [`ServeConfig::home`]).
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> AppState {
        self.home = Some(Arc::new(home.into()));
        self
    }

    /// The fermata home, when the server was given one; 503 otherwise.
    pub(crate) fn home(&self) -> Result<PathBuf, AppError> {
        self.home.as_deref().cloned().ok_or_else(|| {
            AppError::Unavailable(
                "this server was started without its fermata home: run it with `fermata serve`"
                    .into(),
            )
        })
    }

    /// Opens the registry at `path` (it must exist).
    pub fn open(path: &std::path::Path) -> Result<AppState, RegistryError> {
        Ok(AppState::new(Registry::open(path)?))
    }

    /// Sets how long a request body may take to arrive whole (default [`BODY_READ_TIMEOUT`]).
    pub fn with_body_read_timeout(mut self, timeout: std::time::Duration) -> AppState {
        self.body_read_timeout = timeout;
        self
    }

    /// Runs `f` on the registry on a blocking thread.
    pub async fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Registry) -> Result<R, AppError> + Send + 'static,
    ) -> Result<R, AppError> {
        let registry = self.registry.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = registry
                .lock()
                .map_err(|_| AppError::Internal("the registry lock is poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| AppError::Internal(format!("a registry task failed: {e}")))?
    }
}

/// The authenticated caller: the live API key from `Authorization: Bearer KEY`.
#[derive(Clone, Debug)]
pub struct Caller(pub ApiKey);

impl Caller {
    /// The caller's party.
    pub fn party(&self) -> &str {
        &self.0.party
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.0.role
    }

    /// Whose records the caller reads: its own party's, or every party's (None) for an auditor
    /// ([`ApiKey::reads_for`]).
    pub fn reads_for(&self) -> Option<String> {
        self.0.reads_for().map(str::to_string)
    }

    /// Refuses (403) unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            let wanted: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!(
                "this needs a key with role {}; this key is {}",
                wanted.join(" or "),
                self.0.role
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "send an API key as `Authorization: Bearer KEY` (made by `fermata key create`)"
                        .into(),
                )
            })?;
        let secret = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 256)
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must be `Bearer KEY`".into())
            })?
            .to_string();
        let key = state.with(move |r| Ok(r.authenticate(&secret)?)).await?;
        key.map(Caller)
            .ok_or_else(|| AppError::Unauthorized("unknown or revoked API key".into()))
    }
}

/// `Path` with its rejection in the API's error shape.
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| AppError::Invalid {
                status: axum::http::StatusCode::BAD_REQUEST,
                message: format!("path: {}", e.body_text()),
            })
    }
}

/// `Query` with its rejection in the API's error shape.
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| AppError::Invalid {
                status: axum::http::StatusCode::BAD_REQUEST,
                message: format!("query: {}", e.body_text()),
            })
    }
}

/// A strict JSON body: read whole within the state's body timeout (408 past it) and up to
/// [`MAX_BODY_BYTES`] (413 past it); not JSON is 400; a JSON value that is not an object, an
/// unknown field, a wrong value or text over its bound is 422. The raw bytes are kept: an
/// `Idempotency-Key` is bound to them. Handlers take it after `Caller`, so a body is only read
/// for a caller with a valid key. An empty body reads as `{}` when `T` is `Option<_>`-like:
/// see [`OptionalBody`].
pub(crate) struct JsonBody<T> {
    pub(crate) value: T,
    pub(crate) raw: Bytes,
}

/// A body that may be left out: an empty body is `None`.
pub(crate) struct OptionalBody<T>(pub(crate) Option<T>);

async fn read_body(req: Request, state: &AppState) -> Result<Bytes, AppError> {
    let timeout = state.body_read_timeout;
    match tokio::time::timeout(timeout, Bytes::from_request(req, state)).await {
        Err(_) => Err(AppError::Timeout(format!(
            "the request body did not arrive within {:.1} s",
            timeout.as_secs_f64()
        ))),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(AppError::TooLarge(MAX_BODY_BYTES))
        }
        Ok(Err(e)) => Err(AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            message: format!("cannot read the request body: {e}"),
        }),
    }
}

impl<T: serde::de::DeserializeOwned + Bounded> FromRequest<AppState> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let raw = read_body(req, state).await?;
        Ok(JsonBody {
            value: parse_body(&raw)?,
            raw,
        })
    }
}

impl<T: serde::de::DeserializeOwned + Bounded> FromRequest<AppState> for OptionalBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let raw = read_body(req, state).await?;
        if raw.is_empty() {
            return Ok(OptionalBody(None));
        }
        Ok(OptionalBody(Some(parse_body(&raw)?)))
    }
}

/// The `Idempotency-Key` header, when given: 1 to [`MAX_IDEMPOTENCY_KEY_CHARS`] visible
/// ASCII characters, no spaces (422 otherwise; the document's pattern `^[!-~]+$`).
pub(crate) struct IdempotencyKey(pub(crate) Option<String>);

/// Longest `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

impl FromRequestParts<AppState> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let k = v.as_bytes();
        if k.is_empty()
            || k.len() > MAX_IDEMPOTENCY_KEY_CHARS
            || !k.iter().all(u8::is_ascii_graphic)
        {
            return Err(AppError::invalid(format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} visible ASCII characters, no spaces"
            )));
        }
        Ok(IdempotencyKey(Some(
            String::from_utf8_lossy(k).into_owned(),
        )))
    }
}

/// Refuses (422) text longer than `max` characters; the one check of every caller-given text
/// field, with [`MAX_NAME_CHARS`] or [`MAX_TEXT_CHARS`].
pub(crate) fn bounded(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(AppError::invalid(format!(
            "{field} is {chars} characters long; at most {max} are allowed"
        )));
    }
    Ok(())
}

/// [`bounded`] for an optional field.
pub(crate) fn bounded_opt(field: &str, value: Option<&str>, max: usize) -> Result<(), AppError> {
    value.map_or(Ok(()), |v| bounded(field, v, max))
}

/// A request body or query whose text fields are checked against their bounds.
pub(crate) trait Bounded {
    /// Refuses the first field over its bound.
    fn check_bounds(&self) -> Result<(), AppError>;
}

/// Parses a JSON body strictly: it must be an object (serde would otherwise take an array as
/// the fields in order), unknown fields are refused by the types' serde attributes, and text
/// fields must be within their bounds.
fn parse_body<T: serde::de::DeserializeOwned + Bounded>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            message: format!("request body: {e}"),
        })?;
    if !value.is_object() {
        return Err(AppError::invalid("the request body must be a JSON object"));
    }
    let parsed: T = serde_json::from_value(whole_numbers_as_integers(value))
        .map_err(|e| AppError::invalid(format!("request body: {e}")))?;
    parsed.check_bounds()?;
    Ok(parsed)
}

/// `2.0` as `2`: JSON Schema counts a number with no fraction as an integer, and so does the
/// API (serde would refuse it for an integer field). Other numbers are left as they are.
fn whole_numbers_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Value::Number(serde_json::Number::from(f as i64))
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_numbers_as_integers).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_numbers_as_integers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Refuses (414) a request URI over [`MAX_URI_BYTES`]. Longer ones, past the header limit,
/// are refused by the HTTP layer with 431.
async fn limit_uri(req: Request, next: Next) -> Response {
    let len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if len > MAX_URI_BYTES {
        return AppError::UriTooLong(MAX_URI_BYTES).into_response();
    }
    next.run(req).await
}

/// Runs a create operation once per `Idempotency-Key`: the first response is stored, a repeat
/// of the same request gets it again, and the same key with a different request is refused
/// (409). The operation and the stored response are one registry transaction
/// ([`Registry::create_once`]), so a failure cannot leave a created record with no response
/// stored for its key. `respond` makes the response from what the operation returned, both
/// the first time and on a replay.
pub(crate) async fn idempotent_create<T, R>(
    state: &AppState,
    caller: &Caller,
    key: IdempotencyKey,
    scope: &str,
    body: &[u8],
    op: impl FnOnce(&mut Registry) -> Result<T, RegistryError> + Send + 'static,
    respond: impl FnOnce(T) -> Result<R, AppError> + Send + 'static,
) -> Result<Response, AppError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + 'static,
    R: serde::Serialize,
{
    // The same key on another endpoint or another path (another line, say) is another request.
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    let record = key.0.map(|key| IdempotencyRecord {
        party: caller.party().to_string(),
        key,
        request_digest: hex::encode(hasher.finalize()),
    });
    let created = state.with(move |r| Ok(r.create_once(record, op)?)).await?;
    let made = match created {
        Created::New(made) => made,
        Created::Replayed(stored) => serde_json::from_str(&stored.body)
            .map_err(|e| AppError::Internal(format!("a stored response does not decode: {e}")))?,
    };
    Ok((StatusCode::CREATED, axum::Json(respond(made)?)).into_response())
}

/// The router: every endpoint under `/v1`, with limits on the URI and the body, and request
/// tracing. There is no per-request timeout: a request's work is bounded by the limits on what
/// it may ask (body size, works per request, page size), and an abandoned request whose work
/// then commits would tell its client the opposite of what happened.
pub fn app(state: AppState) -> Router {
    api::routes()
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(limit_uri))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `registry` on `listen` until `shutdown` completes; requests in flight then finish.
///
/// Connections are held and timed out as `config` says (HTTP/1.1 only):
///
/// - the request line and headers must arrive within `header_read_timeout`
///   ([`HEADER_READ_TIMEOUT`]); the same timer runs while a kept-alive connection waits for its
///   next request, so it is also the idle keep-alive timeout. The connection is then closed
///   without an answer;
/// - the request line and headers may be at most [`MAX_HEADER_BYTES`] with at most
///   [`MAX_HEADERS`] headers (431), the URI at most [`MAX_URI_BYTES`] (414), and a request that
///   is not HTTP gets a 400; all three in the error shape, and the first and last close the
///   connection;
/// - a body must arrive whole within `body_read_timeout` ([`BODY_READ_TIMEOUT`]) of its being
///   read, which is after the API key is checked (408);
/// - a response the client leaves unread for `write_timeout` ([`WRITE_TIMEOUT`]) closes the
///   connection;
/// - at most `max_connections` ([`MAX_CONNECTIONS`]) connections are held. At the cap, a new
///   connection displaces the oldest one with no request in progress (one still sending its
///   request head, or kept alive and waiting), which is closed; if every connection has a
///   request in progress, the new one is answered 503 in the error shape and closed;
/// - with `tls` ([`tls_config`]), each connection must complete its TLS handshake within
///   `header_read_timeout`, counted against `max_connections`, or is closed without an answer;
///   a new connection over the cap with every connection busy is closed without a 503.
pub async fn serve(
    registry: Registry,
    listen: SocketAddr,
    config: &ServeConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    serve_with(registry, listen, config, shutdown, on_ready, app).await
}

/// [`serve`] with the router that `routes` makes from the shared state: the web app serves its
/// pages beside the API this way, over one registry.
pub async fn serve_with(
    registry: Registry,
    listen: SocketAddr,
    config: &ServeConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(SocketAddr),
    routes: impl FnOnce(AppState) -> Router,
) -> Result<(), ServeError> {
    let mut state = AppState::new(registry).with_body_read_timeout(config.body_read_timeout);
    if let Some(home) = &config.home {
        state = state.with_home(home.clone());
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ServeError::Bind {
            addr: listen,
            source: e,
        })?;
    let addr = listener.local_addr().map_err(|e| ServeError::Bind {
        addr: listen,
        source: e,
    })?;
    tracing::info!(%addr, "listening");
    on_ready(addr);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let server = conn::run(listener, routes(state), config.clone(), stop_rx.clone());
    let mut deadline = stop_rx;
    tokio::select! {
        () = server => {}
        _ = async move {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!("requests still in flight after {} s; stopping anyway", SHUTDOWN_GRACE.as_secs()),
    }
    tracing::info!("stopped");
    Ok(())
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound.
    #[error(
        "cannot listen on {addr}: {source} (is another server using it? pick another with --listen)"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("server failed: {0}")]
    Io(std::io::Error),
    /// The TLS certificate file could not be read or holds no certificate.
    #[error(
        "cannot use {path} as the TLS certificate: {detail}; give a PEM file with the server's \
         certificate first and then any intermediates (e.g. Let's Encrypt's fullchain.pem)"
    )]
    TlsCert {
        /// The certificate file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The TLS private key file could not be read or holds no key.
    #[error(
        "cannot use {path} as the TLS private key: {detail}; give the certificate's private key \
         as an unencrypted PEM file (PKCS#8, PKCS#1 or SEC1; e.g. Let's Encrypt's privkey.pem)"
    )]
    TlsKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The certificate and key were read but TLS cannot be set up with them.
    #[error(
        "cannot serve TLS with the certificate {cert} and the key {key}: {detail}; check that \
         the key is the one the certificate was issued for"
    )]
    TlsConfig {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// rustls's reason.
        detail: String,
    },
}
