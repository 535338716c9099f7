//! The web app's one error type. A handler returns it; the response it makes carries the error
//! to [`localize`], which renders the error page in the visitor's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fermata_registry::RegistryError;

/// Why a page could not be shown or a form not acted on.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in: go to the sign-in page, then back to this path.
    #[error("sign in first")]
    SignIn(String),
    /// Signed in, but the role does not allow it.
    #[error("not allowed")]
    Forbidden,
    /// No such record, or not one this person may see (the same answer, as in the API).
    #[error("not found")]
    NotFound,
    /// A form without its token, or with another session's.
    #[error("the form's token is missing or wrong")]
    Csrf,
    /// A form that is not one.
    #[error("the form could not be read")]
    BadForm,
    /// Input the registry refused, with its reason.
    #[error("{0}")]
    Invalid(String),
    /// The request clashes with the current state (already decided, already used…).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("too many attempts")]
    TooMany,
    /// A bug or a failure of the machine; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<RegistryError> for WebError {
    fn from(e: RegistryError) -> WebError {
        match e {
            RegistryError::NotFound { .. } => WebError::NotFound,
            RegistryError::Invalid { .. } | RegistryError::NotAllowed(_) => {
                WebError::Invalid(e.to_string())
            }
            RegistryError::AlreadyExists { .. } | RegistryError::Conflict(_) => {
                WebError::Conflict(e.to_string())
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<fermata_report::ReportError> for WebError {
    fn from(e: fermata_report::ReportError) -> WebError {
        match e {
            fermata_report::ReportError::Registry(r) => WebError::from(r),
            fermata_report::ReportError::NoScans { .. }
            | fermata_report::ReportError::NoManifest { .. } => WebError::NotFound,
            other => WebError::Invalid(other.to_string()),
        }
    }
}

/// What [`localize`] needs to render an error page: the status, the message id of the
/// heading, and a detail (the registry's own words, for a refused input).
#[derive(Clone, Debug)]
pub(crate) struct ErrorPage {
    pub(crate) status: StatusCode,
    pub(crate) key: &'static str,
    pub(crate) detail: Option<String>,
}

impl WebError {
    pub(crate) fn page(&self) -> ErrorPage {
        let (status, key, detail) = match self {
            WebError::SignIn(_) => (StatusCode::UNAUTHORIZED, "error-sign-in", None),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden", None),
            WebError::NotFound => (StatusCode::NOT_FOUND, "error-not-found", None),
            WebError::Csrf => (StatusCode::FORBIDDEN, "error-csrf", None),
            WebError::BadForm => (StatusCode::BAD_REQUEST, "error-bad-form", None),
            WebError::Invalid(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-invalid",
                Some(m.clone()),
            ),
            WebError::Conflict(m) => (StatusCode::CONFLICT, "error-conflict", Some(m.clone())),
            WebError::TooMany => (StatusCode::TOO_MANY_REQUESTS, "error-too-many", None),
            WebError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal", None),
        };
        ErrorPage {
            status,
            key,
            detail,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignIn(next) = &self {
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            return Redirect::to(&format!("/sign-in?next={next}")).into_response();
        }
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "web request failed");
        }
        let page = self.page();
        let mut res = page.status.into_response();
        res.extensions_mut().insert(page);
        res
    }
}
