//! Five languages: the Project Fluent messages (`locales/*.ftl`, compiled into the binary), the
//! choice of a request's locale, and locale-aware numbers, money and dates (ICU4X, with its
//! compiled CLDR data).
//!
//! A request's locale is, in order: the locale a signed-in person chose (remembered in the
//! registry), the `fermata_lang` cookie set by the language switcher, the browser's
//! `Accept-Language`, then English. Money stays integer minor units until it is shown: the
//! amount is formatted as a decimal for the locale, followed by its ISO 4217 code (the code is
//! unambiguous across borders, where `$` is not).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{Date, DateTime, Time};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use std::sync::Arc;
use unic_langid::LanguageIdentifier;

/// The locales, in the order the switcher lists them. English is the fallback.
pub const LOCALES: [&str; 5] = fermata_registry::LOCALES;

/// Each locale's name in its own language, for the switcher.
pub const LOCALE_NAMES: [(&str, &str); 5] = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ko", "한국어"),
    ("pt", "Português"),
];

/// The message files, compiled in.
pub const FTL: [(&str, &str); 5] = [
    ("en", include_str!("../locales/en.ftl")),
    ("es", include_str!("../locales/es.ftl")),
    ("fr", include_str!("../locales/fr.ftl")),
    ("ko", include_str!("../locales/ko.ftl")),
    ("pt", include_str!("../locales/pt.ftl")),
];

type Gregorian = icu_calendar::Gregorian;

struct Locale {
    code: &'static str,
    bundle: FluentBundle<FluentResource>,
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    datetime: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
}

/// Every locale's messages and formatters, made once at start-up.
pub struct I18n {
    locales: Vec<Locale>,
}

/// Why the messages could not be loaded (a broken `.ftl` file: a bug caught by the tests).
#[derive(Debug, thiserror::Error)]
#[error("locale {locale}: {reason}")]
pub struct I18nError {
    locale: &'static str,
    reason: String,
}

impl I18n {
    /// Parses every `.ftl` file and makes the formatters.
    pub fn load() -> Result<I18n, I18nError> {
        let mut locales = Vec::new();
        for (code, text) in FTL {
            let err = |reason: String| I18nError {
                locale: code,
                reason,
            };
            let resource = FluentResource::try_new(text.to_string())
                .map_err(|(_, errors)| err(format!("the .ftl file does not parse: {errors:?}")))?;
            let langid: LanguageIdentifier = code
                .parse()
                .map_err(|e| err(format!("not a language id: {e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // No Unicode isolation marks around arguments: none of the five is written right to
            // left, and the marks would show up in copied text and in titles.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| err(format!("duplicate messages: {errors:?}")))?;
            let loc: icu_locale_core::Locale = code
                .parse()
                .map_err(|e| err(format!("not an ICU locale: {e:?}")))?;
            let decimal = DecimalFormatter::try_new(loc.clone().into(), Default::default())
                .map_err(|e| err(format!("no number data: {e:?}")))?;
            let date = FixedCalendarDateTimeFormatter::try_new(loc.clone().into(), YMD::medium())
                .map_err(|e| err(format!("no date data: {e:?}")))?;
            let datetime =
                FixedCalendarDateTimeFormatter::try_new(loc.into(), YMD::medium().with_time_hm())
                    .map_err(|e| err(format!("no date data: {e:?}")))?;
            locales.push(Locale {
                code,
                bundle,
                decimal,
                date,
                datetime,
            });
        }
        Ok(I18n { locales })
    }

    /// The index of a supported locale code.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.locales.iter().position(|l| l.code == code)
    }

    /// The best supported locale for an `Accept-Language` header (English when none fits).
    pub fn negotiate(&self, accept_language: &str) -> usize {
        let requested = fluent_langneg::accepted_languages::parse(accept_language);
        let available: Vec<LanguageIdentifier> =
            LOCALES.iter().filter_map(|l| l.parse().ok()).collect();
        let default: LanguageIdentifier = "en".parse().unwrap_or_default();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|l| self.index_of(l.language.as_str()))
            .unwrap_or(0)
    }

    /// Every message id of a locale.
    pub fn message_ids(&self, code: &str) -> Vec<String> {
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
}

/// One request's translator: the messages and formatters of its locale.
#[derive(Clone)]
pub struct Tr {
    i18n: Arc<I18n>,
    index: usize,
}

impl Tr {
    /// The translator for locale number `index` of `i18n`.
    pub fn new(i18n: Arc<I18n>, index: usize) -> Tr {
        let index = index.min(i18n.locales.len().saturating_sub(1));
        Tr { i18n, index }
    }

    /// The locale code (`en`, `es`, …).
    pub fn lang(&self) -> &'static str {
        self.i18n.locales[self.index].code
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let try_in = |i: usize| -> Option<String> {
            let bundle = &self.i18n.locales[i].bundle;
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = vec![];
            let out = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(
                    key,
                    locale = self.lang(),
                    ?errors,
                    "a message did not format"
                );
            }
            Some(out.into_owned())
        };
        try_in(self.index)
            .or_else(|| {
                tracing::warn!(
                    key,
                    locale = self.lang(),
                    "a message is missing; showing English"
                );
                try_in(0)
            })
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key`.
    pub fn get(&self, key: impl AsRef<str>) -> String {
        self.format(key.as_ref(), None)
    }

    /// The message `key` with one argument.
    pub fn arg(&self, key: impl AsRef<str>, name: &str, value: impl ArgValue) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_string(), value.fluent());
        self.format(key.as_ref(), Some(&args))
    }

    /// The message `key` with two arguments.
    pub fn args2(
        &self,
        key: impl AsRef<str>,
        a: &str,
        av: impl ArgValue,
        b: &str,
        bv: impl ArgValue,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(a.to_string(), av.fluent());
        args.set(b.to_string(), bv.fluent());
        self.format(key.as_ref(), Some(&args))
    }

    /// The message `key` as a template for the page's script: each argument becomes the
    /// placeholder `{name}` that the script fills in (proof.js reads them from `data-msg-*`).
    pub fn script_template(&self, key: impl AsRef<str>) -> String {
        let mut args = FluentArgs::new();
        for name in ["isrc", "model", "developer", "manifest"] {
            args.set(name, FluentValue::String(format!("{{{name}}}").into()));
        }
        self.format(key.as_ref(), Some(&args))
    }

    /// A whole number with the locale's grouping (`1,234` / `1.234` / `1 234`).
    pub fn num(&self, n: impl Into<i64>) -> String {
        self.i18n.locales[self.index]
            .decimal
            .format(&Decimal::from(n.into()))
            .to_string()
    }

    /// Hours with one decimal.
    pub fn hours(&self, h: f64) -> String {
        let tenths = (h * 10.0).round() as i64;
        let mut d = Decimal::from(tenths);
        d.multiply_pow10(-1);
        self.i18n.locales[self.index].decimal.format(&d).to_string()
    }

    /// Money in minor units of `currency`, formatted for the locale, then the ISO code.
    pub fn money(&self, amount_minor: i64, currency: &str) -> String {
        let decimals = fermata_registry::currency_decimals(currency);
        let mut d = Decimal::from(amount_minor);
        d.multiply_pow10(-(decimals as i16));
        d.pad_end(-(decimals as i16));
        format!(
            "{}\u{a0}{currency}",
            self.i18n.locales[self.index].decimal.format(&d)
        )
    }

    /// A day (`YYYY-MM-DD`, or the day of an RFC 3339 time) in the locale's medium form; text
    /// that is not a date is shown as it is.
    pub fn date(&self, s: &str) -> String {
        match parse_ymd(s) {
            Some(d) => self.i18n.locales[self.index].date.format(&d).to_string(),
            None => s.to_string(),
        }
    }

    /// An RFC 3339 UTC time in the locale's medium form with hours and minutes, then `UTC`.
    pub fn datetime(&self, s: &str) -> String {
        let (Some(date), Some(time)) = (parse_ymd(s), parse_hm(s)) else {
            return self.date(s);
        };
        let dt = DateTime { date, time };
        format!("{} UTC", self.i18n.locales[self.index].datetime.format(&dt))
    }
}

fn parse_ymd(s: &str) -> Option<Date<Gregorian>> {
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u8 = s.get(5..7)?.parse().ok()?;
    let d: u8 = s.get(8..10)?.parse().ok()?;
    if s.get(4..5)? != "-" || s.get(7..8)? != "-" {
        return None;
    }
    Date::try_new_gregorian(y, m, d).ok()
}

fn parse_hm(s: &str) -> Option<Time> {
    if s.get(10..11)? != "T" {
        return None;
    }
    let h: u8 = s.get(11..13)?.parse().ok()?;
    let m: u8 = s.get(14..16)?.parse().ok()?;
    Time::try_new(h, m, 0, 0).ok()
}

/// A value a message argument can take.
pub trait ArgValue {
    /// As Fluent's value.
    fn fluent(&self) -> FluentValue<'static>;
}

impl ArgValue for str {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::String(self.to_string().into())
    }
}
impl ArgValue for String {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::String(self.clone().into())
    }
}
impl<T: ArgValue + ?Sized> ArgValue for &T {
    fn fluent(&self) -> FluentValue<'static> {
        (**self).fluent()
    }
}
impl ArgValue for usize {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}
impl ArgValue for u64 {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}
impl ArgValue for u32 {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}
impl ArgValue for i64 {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i18n() -> Arc<I18n> {
        Arc::new(I18n::load().expect("every .ftl file loads"))
    }

    #[test]
    fn the_browser_language_picks_the_locale() {
        let i = i18n();
        let code = |h: &str| LOCALES[i.negotiate(h)];
        assert_eq!(code("ko-KR,ko;q=0.9,en;q=0.8"), "ko");
        assert_eq!(code("pt-BR"), "pt");
        assert_eq!(code("fr-CA,fr;q=0.9"), "fr");
        assert_eq!(code("es-MX"), "es");
        assert_eq!(code("de-DE,de;q=0.9"), "en");
        assert_eq!(code(""), "en");
        assert_eq!(code("de;q=0.9,pt;q=0.5"), "pt");
    }

    #[test]
    fn numbers_money_and_dates_follow_the_locale() {
        let i = i18n();
        let tr = |c: &str| Tr::new(i.clone(), i.index_of(c).expect("locale"));
        assert_eq!(tr("en").num(1234567), "1,234,567");
        assert_eq!(tr("es").money(123456, "EUR"), "1234,56\u{a0}EUR");
        assert_eq!(tr("en").money(123456, "EUR"), "1,234.56\u{a0}EUR");
        assert_eq!(tr("fr").money(5, "EUR"), "0,05\u{a0}EUR");
        assert_eq!(tr("en").money(1500, "JPY"), "1,500\u{a0}JPY");
        assert_eq!(tr("pt").money(1234567, "BRL"), "12.345,67\u{a0}BRL");
        assert_eq!(tr("en").date("2026-11-30"), "Nov 30, 2026");
        assert_eq!(tr("ko").date("2026-11-30T10:00:00Z"), "2026/11/30");
        assert_eq!(tr("fr").date("2026-11-30"), "30 nov. 2026");
        assert_eq!(tr("fr").date("not a date"), "not a date");
        let en = tr("en").datetime("2026-11-30T10:05:00Z");
        assert!(
            en.starts_with("Nov 30, 2026") && en.contains("10:05") && en.ends_with("AM UTC"),
            "{en}"
        );
    }
}
