//! What every page shows around its content: the title, the navigation for the person's role,
//! who is signed in, the language switcher, and a one-time notice.

use crate::auth::Ctx;
use crate::i18n::{LOCALE_NAMES, Tr};
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use fermata_registry::{Person, Role};

/// One navigation link.
pub(crate) struct NavItem {
    pub(crate) href: &'static str,
    pub(crate) label: String,
    pub(crate) current: bool,
}

/// The page frame.
pub(crate) struct Chrome {
    pub(crate) t: Tr,
    pub(crate) person: Option<Person>,
    pub(crate) csrf: String,
    pub(crate) path: String,
    pub(crate) nav: Vec<NavItem>,
    pub(crate) title: String,
    pub(crate) flash: Option<String>,
}

fn nav_for(person: Option<&Person>) -> &'static [(&'static str, &'static str)] {
    match person.map(|p| p.role) {
        Some(Role::HolderAdmin | Role::HolderViewer) => &[
            ("/", "nav-dashboard"),
            ("/works", "nav-works"),
            ("/import", "nav-import"),
            ("/policies", "nav-policies"),
            ("/offers", "nav-offers"),
            ("/requests", "nav-requests"),
            ("/licences", "nav-licences"),
            ("/statements", "nav-statements"),
            ("/reservations", "nav-reservations"),
            ("/notices", "nav-notices"),
            ("/webhooks", "nav-webhooks"),
            ("/team", "nav-team"),
        ],
        Some(Role::Developer) => &[
            ("/", "nav-dashboard"),
            ("/scans", "nav-scans"),
            ("/requests", "nav-requests"),
            ("/licences", "nav-licences"),
            ("/manifests", "nav-manifests"),
            ("/usage", "nav-usage"),
            ("/attribution", "nav-attribution"),
            ("/transparency", "nav-transparency"),
            ("/eu-summary", "nav-eu-summary"),
            ("/statements", "nav-statements"),
            ("/webhooks", "nav-webhooks"),
            ("/team", "nav-team"),
        ],
        Some(Role::Auditor) => &[
            ("/", "nav-dashboard"),
            ("/licences", "nav-licences"),
            ("/statements", "nav-statements"),
            ("/team", "nav-team"),
        ],
        Some(Role::Operator) => &[("/operator", "nav-operator"), ("/team", "nav-team")],
        None => &[
            ("/", "nav-home"),
            ("/sign-up", "nav-sign-up"),
            ("/proof", "nav-proof"),
            ("/transparency", "nav-transparency"),
            ("/report-misuse", "nav-misuse"),
        ],
    }
}

impl Chrome {
    /// The frame of a page titled by message `title_key`.
    pub(crate) fn new(ctx: &Ctx, title_key: &str) -> Chrome {
        let title = ctx.tr.get(title_key);
        Chrome::titled(ctx, title)
    }

    /// The frame of a page with a title already made.
    pub(crate) fn titled(ctx: &Ctx, title: String) -> Chrome {
        let path_only = ctx.path.split('?').next().unwrap_or("/");
        let items = nav_for(ctx.person.as_ref());
        // The current item is the longest link that the path starts with.
        let current = items
            .iter()
            .filter(|(href, _)| {
                path_only == *href || (*href != "/" && path_only.starts_with(&format!("{href}/")))
            })
            .map(|(href, _)| *href)
            .max_by_key(|h| h.len());
        let nav = items
            .iter()
            .map(|(href, key)| NavItem {
                href,
                label: ctx.tr.get(key),
                current: Some(*href) == current,
            })
            .collect();
        Chrome {
            t: ctx.tr.clone(),
            person: ctx.person.clone(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            nav,
            title,
            flash: None,
        }
    }

    /// The locales for the switcher.
    pub(crate) fn locales(&self) -> &'static [(&'static str, &'static str)] {
        &LOCALE_NAMES
    }

    /// The message id of the signed-in person's role.
    pub(crate) fn role_key(&self) -> String {
        self.person
            .as_ref()
            .map(|p| format!("role-{}", p.role.as_str()))
            .unwrap_or_else(|| "role-public".into())
    }
}

/// Renders a template as an HTML page.
pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::WebError::Internal(format!("a template failed: {e}")).into_response(),
    }
}
