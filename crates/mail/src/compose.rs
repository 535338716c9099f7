//! The mail texts: a subject and a plain-text body per event type, in the person's locale
//! (English when they chose none, or one fermata does not have), from `locales/*.ftl`.
//!
//! Only what the recipient's party may see goes in (the queue holds exactly that), and of it
//! only ids, names and counts, each clipped: never a secret, and never free text someone else
//! wrote (a misuse notice's details, a refusal's reason stay in the web app).

use crate::MailError;
use fermata_registry::EventType;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde_json::Value;

/// The message files, compiled in.
pub const FTL: [(&str, &str); 5] = [
    ("en", include_str!("../locales/en.ftl")),
    ("es", include_str!("../locales/es.ftl")),
    ("fr", include_str!("../locales/fr.ftl")),
    ("ko", include_str!("../locales/ko.ftl")),
    ("pt", include_str!("../locales/pt.ftl")),
];

/// Longest value put into a text.
const MAX_VALUE_CHARS: usize = 120;

/// A mail ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
}

/// Every locale's mail messages.
pub struct Texts {
    bundles: Vec<(&'static str, FluentBundle<FluentResource>)>,
}

/// The message id stem for an event type (`mail-{stem}-subject`, `mail-{stem}-body`).
fn stem(t: EventType) -> &'static str {
    match t {
        EventType::RequestReceived => "request-received",
        EventType::RequestDecided => "request-decided",
        EventType::LicenceGranted => "licence-granted",
        EventType::LicenceRevoked => "licence-revoked",
        EventType::LicenceExpiring => "licence-expiring",
        EventType::NoticeReceived => "notice-received",
        EventType::StatementIssued => "statement-issued",
        EventType::ScanFinished => "scan-finished",
        EventType::Ping => "test",
    }
}

fn clip(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_VALUE_CHARS)
        .collect()
}

fn text_at(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => clip(s),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn count_at(v: &Value, path: &[&str]) -> i64 {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return 0,
        }
    }
    match cur {
        Value::Array(a) => a.len() as i64,
        Value::Number(n) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

/// Only letters, digits and `-`/`_`/`.` in an id that goes into a link path.
fn path_part(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(MAX_VALUE_CHARS)
        .collect()
}

impl Texts {
    /// Parses every locale's messages.
    pub fn load() -> Result<Texts, MailError> {
        let mut bundles = Vec::new();
        for (code, text) in FTL {
            let resource = FluentResource::try_new(text.to_string()).map_err(|(_, errors)| {
                MailError::Texts(format!("{code}.ftl does not parse: {errors:?}"))
            })?;
            let langid: unic_langid::LanguageIdentifier = code
                .parse()
                .map_err(|e| MailError::Texts(format!("{code}: {e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|e| MailError::Texts(format!("{code}: duplicate messages: {e:?}")))?;
            bundles.push((code, bundle));
        }
        Ok(Texts { bundles })
    }

    /// The locale used for `wanted` (None or unknown: English).
    pub fn locale_for(wanted: Option<&str>) -> &'static str {
        FTL.iter()
            .map(|(c, _)| *c)
            .find(|c| Some(*c) == wanted)
            .unwrap_or("en")
    }

    /// Every message id of a locale (for the tests that compare locales).
    pub fn message_ids(code: &str) -> Vec<String> {
        let Some((_, text)) = FTL.iter().find(|(c, _)| *c == code) else {
            return Vec::new();
        };
        match FluentResource::try_new(text.to_string()) {
            Ok(res) | Err((res, _)) => res
                .entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect(),
        }
    }

    fn message(&self, locale: &str, id: &str, args: &FluentArgs) -> Result<String, MailError> {
        let code = Self::locale_for(Some(locale));
        let (_, bundle) = self
            .bundles
            .iter()
            .find(|(c, _)| *c == code)
            .ok_or_else(|| MailError::Texts(format!("no locale {code}")))?;
        let pattern = bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(|| MailError::Texts(format!("{code}: no message {id}")))?;
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, Some(args), &mut errors);
        if !errors.is_empty() {
            return Err(MailError::Texts(format!("{code}: {id}: {errors:?}")));
        }
        Ok(out.into_owned())
    }

    fn compose(
        &self,
        locale: &str,
        stem: &str,
        args: &mut FluentArgs,
        base_url: &str,
    ) -> Result<Composed, MailError> {
        args.set("account", format!("{base_url}/account"));
        let subject = self.message(locale, &format!("mail-{stem}-subject"), args)?;
        let body = self.message(locale, &format!("mail-{stem}-body"), args)?;
        let footer = self.message(locale, "mail-footer", args)?;
        Ok(Composed {
            subject: subject.replace(['\r', '\n'], " "),
            text: format!("{body}\n\n-- \n{footer}\n"),
        })
    }

    /// The mail telling of `t` with `data` (what the person's party may see, as the webhook's
    /// `data`), in `locale`, with links under `base_url`.
    pub fn event(
        &self,
        t: EventType,
        data: &Value,
        locale: &str,
        base_url: &str,
    ) -> Result<Composed, MailError> {
        let mut args = FluentArgs::new();
        let link = match t {
            EventType::RequestReceived => {
                args.set("request", text_at(data, &["request", "id"]));
                args.set("developer", text_at(data, &["request", "developer"]));
                args.set("model", text_at(data, &["request", "model"]));
                args.set("use", text_at(data, &["request", "use"]));
                args.set("lines", count_at(data, &["request", "lines"]));
                "/requests".to_string()
            }
            EventType::RequestDecided => {
                args.set("request", text_at(data, &["request"]));
                args.set("model", text_at(data, &["model"]));
                args.set("line", text_at(data, &["line", "line"]));
                args.set("isrc", text_at(data, &["line", "isrc"]));
                args.set("holder", text_at(data, &["line", "holder"]));
                args.set("status", text_at(data, &["line", "status"]));
                "/requests".to_string()
            }
            EventType::LicenceGranted | EventType::LicenceRevoked | EventType::LicenceExpiring => {
                args.set("licence", text_at(data, &["licence", "id"]));
                args.set("holder", text_at(data, &["licence", "holder"]));
                args.set("developer", text_at(data, &["licence", "developer"]));
                args.set("use", text_at(data, &["licence", "use"]));
                args.set("works", count_at(data, &["licence", "works"]));
                args.set("valid_to", text_at(data, &["valid_to"]));
                args.set("days", count_at(data, &["days_left"]));
                "/licences".to_string()
            }
            EventType::NoticeReceived => {
                args.set("notice", text_at(data, &["notice", "id"]));
                args.set("kind", text_at(data, &["notice", "kind"]));
                "/notices".to_string()
            }
            EventType::StatementIssued => {
                let id = text_at(data, &["statement", "id"]);
                args.set("statement", id.clone());
                args.set("from", text_at(data, &["statement", "from"]));
                args.set("to", text_at(data, &["statement", "to"]));
                format!("/statements/{}", path_part(&id))
            }
            EventType::ScanFinished => {
                let id = text_at(data, &["scan", "scan"]);
                args.set("scan", id.clone());
                args.set("model", text_at(data, &["scan", "model"]));
                args.set("files", count_at(data, &["scan", "files"]));
                args.set("works", count_at(data, &["scan", "works_found"]));
                format!("/scans/{}", path_part(&id))
            }
            EventType::Ping => return self.test(locale, base_url),
        };
        args.set("link", format!("{base_url}{link}"));
        self.compose(locale, stem(t), &mut args, base_url)
    }

    /// The test mail (`fermata mail test`).
    pub fn test(&self, locale: &str, base_url: &str) -> Result<Composed, MailError> {
        let mut args = FluentArgs::new();
        args.set("link", base_url.to_string());
        self.compose(locale, "test", &mut args, base_url)
    }

    /// The password-reset mail carrying the one-time `link`.
    pub fn reset(&self, locale: &str, link: &str, base_url: &str) -> Result<Composed, MailError> {
        let mut args = FluentArgs::new();
        args.set("link", link.to_string());
        args.set(
            "hours",
            FluentValue::from(fermata_registry::RESET_HOURS as f64),
        );
        self.compose(locale, "reset", &mut args, base_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TYPES: [EventType; 9] = [
        EventType::RequestReceived,
        EventType::RequestDecided,
        EventType::LicenceGranted,
        EventType::LicenceRevoked,
        EventType::LicenceExpiring,
        EventType::NoticeReceived,
        EventType::StatementIssued,
        EventType::ScanFinished,
        EventType::Ping,
    ];

    fn sample(t: EventType) -> Value {
        let licence = json!({"id": "lic-000007", "holder": "indie-records", "developer": "acme-ai", "use": "train-genai", "works": ["GBAYE6900531"]});
        match t {
            EventType::RequestReceived => {
                json!({"request": {"id": "req-000001", "developer": "acme-ai", "model": "m1", "use": "train-genai", "lines": [{"line": 1}, {"line": 2}]}})
            }
            EventType::RequestDecided => {
                json!({"request": "req-000001", "model": "m1", "use": "train-genai", "line": {"line": 2, "isrc": "GBAYE6900531", "holder": "indie-records", "status": "refused", "reason": "SECRET-REASON"}})
            }
            EventType::LicenceExpiring => {
                json!({"licence": licence, "valid_to": "2027-01-01", "days_left": 12})
            }
            EventType::LicenceGranted | EventType::LicenceRevoked => json!({"licence": licence}),
            EventType::NoticeReceived => {
                json!({"notice": {"id": "notice-000003", "kind": "copy", "details": "SECRET-DETAILS"}})
            }
            EventType::StatementIssued => {
                json!({"statement": {"id": "stmt-000002", "from": "2026-01-01", "to": "2026-03-31"}})
            }
            EventType::ScanFinished => {
                json!({"scan": {"scan": "scan-000004", "model": "m1", "files": 40, "works_found": 3}})
            }
            EventType::Ping => json!({}),
        }
    }

    #[test]
    fn every_event_type_composes_in_every_locale_with_its_ids_and_link() {
        let texts = Texts::load().unwrap();
        for (locale, _) in FTL {
            for t in TYPES {
                let m = texts
                    .event(t, &sample(t), locale, "https://f.example")
                    .unwrap_or_else(|e| panic!("{locale} {t}: {e}"));
                assert!(!m.subject.trim().is_empty(), "{locale} {t}");
                assert!(!m.subject.contains('\n'));
                assert!(
                    m.text.contains("https://f.example/account"),
                    "{locale} {t}: {}",
                    m.text
                );
                let want = match t {
                    EventType::RequestReceived | EventType::RequestDecided => {
                        "https://f.example/requests"
                    }
                    EventType::NoticeReceived => "https://f.example/notices",
                    EventType::StatementIssued => "https://f.example/statements/stmt-000002",
                    EventType::ScanFinished => "https://f.example/scans/scan-000004",
                    EventType::Ping => "https://f.example",
                    _ => "https://f.example/licences",
                };
                assert!(m.text.contains(want), "{locale} {t}: {}", m.text);
                assert!(!m.text.contains("SECRET"), "{locale} {t}");
                assert!(
                    !m.text.contains("{$") && !m.text.contains("{ $"),
                    "{locale} {t}"
                );
            }
            let r = texts
                .reset(locale, "https://f.example/reset/abc", "https://f.example")
                .unwrap();
            assert!(r.text.contains("https://f.example/reset/abc"));
        }
        // The ids make it into the texts.
        let m = texts
            .event(
                EventType::LicenceGranted,
                &sample(EventType::LicenceGranted),
                "en",
                "x",
            )
            .unwrap();
        assert!(m.subject.contains("lic-000007"), "{}", m.subject);
    }

    #[test]
    fn the_locales_are_really_translated_and_fall_back_to_english() {
        let texts = Texts::load().unwrap();
        let t = EventType::RequestReceived;
        let en = texts.event(t, &sample(t), "en", "x").unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for (locale, _) in FTL {
            seen.insert(texts.event(t, &sample(t), locale, "x").unwrap().subject);
        }
        assert_eq!(seen.len(), 5, "each locale has its own subject: {seen:?}");
        let ko = texts.event(t, &sample(t), "ko", "x").unwrap();
        assert!(
            ko.subject
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        );
        assert_eq!(texts.event(t, &sample(t), "de", "x").unwrap(), en);
        assert_eq!(Texts::locale_for(None), "en");
    }

    #[test]
    fn every_locale_has_the_same_messages() {
        let mut en = Texts::message_ids("en");
        en.sort();
        assert!(en.len() >= 20);
        for (locale, _) in FTL {
            let mut ids = Texts::message_ids(locale);
            ids.sort();
            assert_eq!(ids, en, "{locale}");
        }
    }

    #[test]
    fn hostile_ids_do_not_break_links_or_headers() {
        let texts = Texts::load().unwrap();
        let data = json!({"statement": {"id": "stmt-1/../../x?y\r\nBcc: evil@example.org", "from": "a", "to": "b"}});
        let m = texts
            .event(EventType::StatementIssued, &data, "en", "https://f.example")
            .unwrap();
        assert!(
            m.text
                .contains("https://f.example/statements/stmt-1....xyBccevilexample.org"),
            "{}",
            m.text
        );
        assert!(!m.subject.contains('\n') && !m.subject.contains('\r'));
    }
}
