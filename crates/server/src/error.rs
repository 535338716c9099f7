//! The one error type of the API and its JSON shape: `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fermata_registry::RegistryError;
use serde::Serialize;

/// An error as a client sees it. Internal failures are logged with their detail and answered
/// with a generic message, so nothing about the server's files or database leaks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// No key, an unknown key or a revoked key (401).
    #[error("{0}")]
    Unauthorized(String),
    /// The key's role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such record, or not one the caller may see (404). The message is the same for both,
    /// and names no id, so that it tells nothing about records of others: build it with
    /// [`AppError::not_found`].
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed: bad JSON, unknown fields, bad values (400 / 422).
    #[error("{message}")]
    Invalid {
        /// 400 for unparseable bodies, 422 for well-formed ones with bad values.
        status: StatusCode,
        /// What is wrong.
        message: String,
    },
    /// A well-formed request the registry's rule refuses, with the entries that made it refuse
    /// (422, code `refused`; the entries in the error's `problems`): a certificate when works
    /// lack a licence or policy on a training date.
    #[error("{message}")]
    Refused {
        /// What is wrong, for a person.
        message: String,
        /// The entries to fix, each an object.
        problems: Vec<serde_json::Value>,
    },
    /// The request clashes with the current state (409).
    #[error("{0}")]
    Conflict(String),
    /// The endpoint exists but not with this method (405).
    #[error("this endpoint does not take that method: see /v1/openapi.json")]
    MethodNotAllowed,
    /// The body is larger than the limit (413).
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// The request did not arrive in time (408).
    #[error("{0}")]
    Timeout(String),
    /// The request URI is longer than the limit (414).
    #[error("the request URI is longer than {0} bytes")]
    UriTooLong(usize),
    /// The request line and headers are larger than the limits (431).
    #[error(
        "the request line and headers are larger than {} bytes, or there are more than {} headers",
        crate::MAX_HEADER_BYTES,
        crate::MAX_HEADERS
    )]
    HeadersTooLarge,
    /// The server cannot take the request now (503).
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside the server (500); the detail is logged, not returned.
    #[error("internal error")]
    Internal(String),
}

/// The one shape of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail<'a> {
    /// Stable and machine-readable: `unauthorized`, `forbidden`, `not_found`, `bad_request`,
    /// `invalid`, `refused`, `conflict`, `method_not_allowed`, `payload_too_large`, `request_timeout`,
    /// `uri_too_long`, `headers_too_large`, `unavailable` or `internal`.
    code: &'a str,
    /// For a person.
    message: String,
    /// With code `refused`: the entries that made the registry refuse, each an object (for a
    /// certificate: `work`, `holder`, `date`, `why`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    problems: Option<Vec<serde_json::Value>>,
}

impl AppError {
    /// The HTTP status and the stable machine-readable code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Invalid { status, .. } if *status == StatusCode::BAD_REQUEST => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::Refused { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            AppError::UriTooLong(_) => (StatusCode::URI_TOO_LONG, "uri_too_long"),
            AppError::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
        }
    }

    /// The one answer for a record that does not exist and for one the caller may not see:
    /// the same status and the same text for both, naming the kind of record but not the id.
    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("no such {what}, or not one that this key may see"))
    }

    /// The status and the JSON body.
    fn parts(&self) -> (StatusCode, String) {
        let (status, code) = self.status_and_code();
        let message = match self {
            AppError::Internal(detail) => {
                tracing::error!(detail = %detail, "internal error");
                "the server failed to handle this request; it has been logged".to_string()
            }
            other => other.to_string(),
        };
        let problems = match self {
            AppError::Refused { problems, .. } => Some(problems.clone()),
            _ => None,
        };
        let body = serde_json::to_string(&ErrorBody {
            error: ErrorDetail {
                code,
                message,
                problems,
            },
        })
        .unwrap_or_else(|_| {
            r#"{"error":{"code":"internal","message":"internal error"}}"#.to_string()
        });
        (status, body)
    }

    /// The whole HTTP/1.1 response, for answers written straight to a socket (outside the
    /// router); the connection is closed after it.
    pub(crate) fn to_http1(&self) -> Vec<u8> {
        let (status, body) = self.parts();
        format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

impl From<RegistryError> for AppError {
    fn from(e: RegistryError) -> AppError {
        match e {
            RegistryError::Invalid { .. } => AppError::invalid(e.to_string()),
            RegistryError::NotFound { what, .. } => AppError::not_found(what),
            RegistryError::AlreadyExists { .. } | RegistryError::Conflict(_) => {
                AppError::Conflict(e.to_string())
            }
            RegistryError::NotAllowed(m) => AppError::invalid(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}
