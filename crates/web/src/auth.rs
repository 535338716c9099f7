//! Who is asking: the session cookie, the locale, and the form token (CSRF).

use crate::WebState;
use crate::error::WebError;
use crate::i18n::Tr;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use fermata_registry::{Person, Role};
use subtle::ConstantTimeEq;

/// The session cookie.
pub const SESSION_COOKIE: &str = "fermata_session";
/// The form-token cookie of people not signed in (double submit).
pub const CSRF_COOKIE: &str = "fermata_csrf";
/// The language chosen with the switcher.
pub const LANG_COOKIE: &str = "fermata_lang";

/// The value of cookie `name` in a request's `Cookie` headers.
pub(crate) fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` when asked;
/// `max_age` None is a session cookie, Some(0) deletes it.
pub(crate) fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<u64>,
    secure: bool,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The anonymous form token made for a request that came without one.
#[derive(Clone)]
struct NewCsrf(String);

/// Gives every visitor without one a `fermata_csrf` cookie, which signed-out forms (sign-in,
/// accepting an invitation, a misuse report) must repeat.
pub(crate) async fn anonymous_csrf_cookie(
    mut req: Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let has = cookie(&parts, CSRF_COOKIE).is_some();
    let secure = parts.extensions.get::<SecureCookies>().is_some_and(|s| s.0);
    let made = if has {
        None
    } else {
        let token = fermata_registry::random_token();
        parts.extensions.insert(NewCsrf(token.clone()));
        Some(token)
    };
    req = Request::from_parts(parts, body);
    let mut res = next.run(req).await;
    if let Some(token) = made {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &token, None, secure),
        );
    }
    res
}

/// Whether cookies are marked `Secure` (put in the request by the router).
#[derive(Clone, Copy)]
pub(crate) struct SecureCookies(pub(crate) bool);

/// One request's context: the person signed in (if any), the translator, the form token and
/// the path asked for.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) tr: Tr,
    pub(crate) person: Option<Person>,
    pub(crate) csrf: String,
    pub(crate) path: String,
    pub(crate) session_secret: Option<String>,
}

impl Ctx {
    /// The person signed in, or a redirect to the sign-in page.
    pub(crate) fn person(&self) -> Result<&Person, WebError> {
        self.person
            .as_ref()
            .ok_or_else(|| WebError::SignIn(self.path.clone()))
    }

    /// The person, who must have one of `roles` (403 otherwise).
    pub(crate) fn with_role(&self, roles: &[Role]) -> Result<&Person, WebError> {
        let p = self.person()?;
        if roles.contains(&p.role) {
            Ok(p)
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// A rights holder (admin or viewer).
    pub(crate) fn holder(&self) -> Result<&Person, WebError> {
        self.with_role(&[Role::HolderAdmin, Role::HolderViewer])
    }

    /// A rights holder's administrator.
    pub(crate) fn holder_admin(&self) -> Result<&Person, WebError> {
        self.with_role(&[Role::HolderAdmin])
    }

    /// An AI developer.
    pub(crate) fn developer(&self) -> Result<&Person, WebError> {
        self.with_role(&[Role::Developer])
    }
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Ctx, WebError> {
        let session_secret = cookie(parts, SESSION_COOKIE);
        let session = match session_secret.clone() {
            Some(secret) => state.registry(move |r| r.session(&secret)).await?,
            None => None,
        };
        let i18n = state.i18n.clone();
        let index = session
            .as_ref()
            .and_then(|s| s.person.locale.as_deref())
            .and_then(|l| i18n.index_of(l))
            .or_else(|| cookie(parts, LANG_COOKIE).and_then(|l| i18n.index_of(&l)))
            .unwrap_or_else(|| {
                let accept = parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                i18n.negotiate(&accept.chars().take(256).collect::<String>())
            });
        let csrf = match &session {
            Some(s) => s.csrf.clone(),
            None => cookie(parts, CSRF_COOKIE)
                .or_else(|| parts.extensions.get::<NewCsrf>().map(|n| n.0.clone()))
                .unwrap_or_default(),
        };
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(Ctx {
            tr: Tr::new(i18n, index),
            person: session.map(|s| s.person),
            csrf,
            path,
            session_secret: session_secret.filter(|_| true),
        })
    }
}

/// A submitted form whose token was checked: the only way a handler reads a form. Fields keep
/// their order and repeats (a selection of lines sends `line` once per box ticked).
pub(crate) struct CsrfForm {
    pub(crate) ctx: Ctx,
    fields: Vec<(String, String)>,
}

impl CsrfForm {
    /// The first value of field `name` ("" when absent).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, or None when absent or blank.
    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// The new password of fields `name` and `repeat`, which must be the same.
    pub(crate) fn new_password(&self, name: &str, repeat: &str) -> Result<String, WebError> {
        if self.get(name) != self.get(repeat) {
            return Err(WebError::Invalid(self.ctx.tr.get("password-mismatch")));
        }
        Ok(self.get(name).to_string())
    }

    /// Every value of field `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Most fields one form may send.
const MAX_FIELDS: usize = 5_000;

impl FromRequest<WebState> for CsrfForm {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &WebState) -> Result<CsrfForm, WebError> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::BadForm);
        }
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::BadForm)?;
        let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .take(MAX_FIELDS + 1)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if fields.len() > MAX_FIELDS {
            return Err(WebError::BadForm);
        }
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if ctx.csrf.is_empty() || !bool::from(sent.as_bytes().ct_eq(ctx.csrf.as_bytes())) {
            return Err(WebError::Csrf);
        }
        Ok(CsrfForm { ctx, fields })
    }
}

/// A submitted multipart form (with files) whose token was checked, like [`CsrfForm`]. Text
/// fields are bounded by [`MAX_FIELDS`]; the body as a whole by the route's body limit.
pub(crate) struct CsrfMultipart {
    pub(crate) ctx: Ctx,
    fields: Vec<(String, String)>,
    files: Vec<(String, String, axum::body::Bytes)>,
}

impl CsrfMultipart {
    /// The first value of text field `name` ("" when absent).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, or None when absent or blank.
    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// Every file sent in field `name` (an `<input type=file multiple>`), with its name.
    pub(crate) fn files(&self, name: &str) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter(move |(k, f, b)| k == name && !(f.is_empty() && b.is_empty()))
            .map(|(_, f, b)| (f.as_str(), b.as_ref()))
    }

    /// The file sent in field `name` (its file name and bytes), when one was chosen.
    pub(crate) fn file(&self, name: &str) -> Option<(&str, &[u8])> {
        self.files
            .iter()
            .find(|(k, f, b)| k == name && !(f.is_empty() && b.is_empty()))
            .map(|(_, f, b)| (f.as_str(), b.as_ref()))
    }
}

/// Longest text field of a multipart form.
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

impl FromRequest<WebState> for CsrfMultipart {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &WebState) -> Result<CsrfMultipart, WebError> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let mut multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| WebError::BadForm)?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|_| WebError::BadForm)?
        {
            if fields.len() + files.len() >= MAX_FIELDS {
                return Err(WebError::BadForm);
            }
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|_| WebError::BadForm)?;
                    files.push((name, file_name, bytes));
                }
                None => {
                    let bytes = field.bytes().await.map_err(|_| WebError::BadForm)?;
                    if bytes.len() > MAX_TEXT_FIELD_BYTES {
                        return Err(WebError::BadForm);
                    }
                    let text = String::from_utf8(bytes.to_vec()).map_err(|_| WebError::BadForm)?;
                    fields.push((name, text));
                }
            }
        }
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if ctx.csrf.is_empty() || !bool::from(sent.as_bytes().ct_eq(ctx.csrf.as_bytes())) {
            return Err(WebError::Csrf);
        }
        Ok(CsrfMultipart { ctx, fields, files })
    }
}
