//! The registry's domain types and the rules that validate them. Nothing here touches storage.

use crate::RegistryError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub(crate) fn invalid(
    field: &'static str,
    value: &str,
    reason: impl Into<String>,
) -> RegistryError {
    RegistryError::Invalid {
        field,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// An International Standard Recording Code, stored in its compact form (`CCXXXYYNNNNN`).
///
/// Accepts the hyphenated form (`GB-AYE-69-00531`) and lower case; the country part is two
/// letters, the registrant three letters or digits, then two digits of year and five of
/// designation (ISO 3901).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Isrc(String);

impl Isrc {
    /// The compact code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Isrc {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, RegistryError> {
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = compact.as_bytes();
        let ok = b.len() == 12
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2..5].iter().all(u8::is_ascii_alphanumeric)
            && b[5..].iter().all(u8::is_ascii_digit);
        if !ok {
            return Err(invalid(
                "isrc",
                s,
                "an ISRC is 12 characters: 2-letter country, 3-character registrant, 2-digit year, \
                 5-digit designation (e.g. GBAYE6900531)",
            ));
        }
        Ok(Isrc(compact))
    }
}

impl TryFrom<String> for Isrc {
    type Error = RegistryError;
    fn try_from(s: String) -> Result<Self, RegistryError> {
        s.parse()
    }
}

impl From<Isrc> for String {
    fn from(i: Isrc) -> String {
        i.0
    }
}

impl fmt::Display for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An International Standard Musical Work Code (the underlying composition), stored as
/// `T` followed by ten digits, the last a check digit (ISO 15707).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Iswc(String);

impl Iswc {
    /// The compact code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Iswc {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, RegistryError> {
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '.' | ' '))
            .collect::<String>()
            .to_uppercase();
        let digits: Vec<u32> = compact
            .chars()
            .skip(1)
            .filter_map(|c| c.to_digit(10))
            .collect();
        if !compact.starts_with('T') || compact.len() != 11 || digits.len() != 10 {
            return Err(invalid(
                "iswc",
                s,
                "an ISWC is T followed by 10 digits (e.g. T-034.524.680-1)",
            ));
        }
        let weighted: u32 = 1 + digits[..9]
            .iter()
            .enumerate()
            .map(|(i, d)| (i as u32 + 1) * d)
            .sum::<u32>();
        let check = (10 - weighted % 10) % 10;
        if check != digits[9] {
            return Err(invalid(
                "iswc",
                s,
                format!("the check digit should be {check}"),
            ));
        }
        Ok(Iswc(compact))
    }
}

impl TryFrom<String> for Iswc {
    type Error = RegistryError;
    fn try_from(s: String) -> Result<Self, RegistryError> {
        s.parse()
    }
}

impl From<Iswc> for String {
    fn from(i: Iswc) -> String {
        i.0
    }
}

impl fmt::Display for Iswc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a share, policy or licence applies: an ISO 3166-1 alpha-2 country, or `WORLD`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Territory(String);

impl Territory {
    /// Everywhere.
    pub fn world() -> Territory {
        Territory("WORLD".into())
    }

    /// True for `WORLD`.
    pub fn is_world(&self) -> bool {
        self.0 == "WORLD"
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `list` covers this territory (an empty list or `WORLD` covers every one).
    pub fn covered_by(&self, list: &[Territory]) -> bool {
        list.is_empty() || list.iter().any(|t| t.is_world() || t == self)
    }
}

impl FromStr for Territory {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, RegistryError> {
        let code = s.trim().to_ascii_uppercase();
        if code == "WORLD" || isocountry::CountryCode::for_alpha2(&code).is_ok() {
            Ok(Territory(code))
        } else {
            Err(invalid(
                "territory",
                s,
                "use an ISO 3166-1 alpha-2 country code (DE, FR, US, ...) or WORLD",
            ))
        }
    }
}

impl TryFrom<String> for Territory {
    type Error = RegistryError;
    fn try_from(s: String) -> Result<Self, RegistryError> {
        s.parse()
    }
}

impl From<Territory> for String {
    fn from(t: Territory) -> String {
        t.0
    }
}

impl fmt::Display for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a comma-separated territory list (`DE,FR` or `WORLD`).
pub fn parse_territories(s: &str) -> Result<Vec<Territory>, RegistryError> {
    let mut out: Vec<Territory> = s
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Writes a territory list as `DE,FR` (`WORLD` when empty).
pub fn territories_to_string(list: &[Territory]) -> String {
    if list.is_empty() {
        return "WORLD".into();
    }
    list.iter()
        .map(Territory::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// A party's id: lower-case letters, digits and `-`, 2 to 64 characters (e.g. `indie-records`).
pub fn validate_party_id(id: &str) -> Result<(), RegistryError> {
    let ok = (2..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "party id",
            id,
            "use 2-64 lower-case letters, digits and '-', e.g. indie-records",
        ))
    }
}

macro_rules! string_enum {
    // `$text` is a `tt`, not a `literal`: a `literal` fragment reaches derive macros wrapped in an
    // invisible group, which serde reads but utoipa does not, so the OpenAPI enums showed the
    // Rust names (`TrainGenai`) instead of the wire names (`train-genai`).
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used on the command line, in JSON and in storage.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = RegistryError;
            fn from_str(s: &str) -> Result<Self, RegistryError> {
                let wanted = s.trim().to_ascii_lowercase();
                // "licence" and "license" are both accepted wherever the word appears.
                let wanted = wanted.replace("license", "licence");
                $name::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    invalid($field, s, format!("expected one of: {}", names.join(", ")))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use string_enum;

string_enum!(
    /// What kind of party this is.
    PartyKind, "party kind", {
        /// A record label (rights holder).
        Label = "label",
        /// A music publisher (rights holder).
        Publisher = "publisher",
        /// An artist holding their own rights.
        Artist = "artist",
        /// A collecting society.
        Society = "society",
        /// An AI developer, who scans datasets and asks for licences.
        Developer = "developer",
        /// An auditor, who reads the audit log and published records and changes nothing.
        Auditor = "auditor",
        /// The registry's operator: approves new parties, sees parties, people and keys.
        Operator = "operator",
    }
);

impl PartyKind {
    /// True for the kinds that hold rights in works.
    pub fn holds_rights(self) -> bool {
        !matches!(
            self,
            PartyKind::Developer | PartyKind::Auditor | PartyKind::Operator
        )
    }
}

string_enum!(
    /// A kind of AI use that a policy or licence is about. Each is decided on its own: no
    /// permission implies another, and in particular nothing implies `voice-likeness`.
    Use, "use", {
        /// Training generative models (music, audio or voice generation).
        TrainGenai = "train-genai",
        /// Training non-generative models (tagging, classification, recommendation).
        TrainAi = "train-ai",
        /// Text and data mining for scientific research.
        TdmResearch = "tdm-research",
        /// Imitating a performer's voice or likeness.
        VoiceLikeness = "voice-likeness",
        /// Using the recording as a prompt or reference at generation time.
        InferenceInput = "inference-input",
    }
);

string_enum!(
    /// What a holder says to a use.
    Decision, "decision", {
        /// No. This is what holds when nothing is set.
        Deny = "deny",
        /// Only under a licence; the policy says what terms are on offer.
        LicenceRequired = "licence-required",
        /// Yes, under the policy's conditions, without asking.
        Allow = "allow",
    }
);

string_enum!(
    /// How a price is counted.
    PriceModel, "price model", {
        /// A flat fee for each work.
        PerWork = "per-work",
        /// A fee for each hour of audio used.
        PerHour = "per-hour",
        /// A share of a pool, split by reported usage in statements (the amount is not used).
        PoolShare = "pool-share",
    }
);

/// A price: integer minor units (cents) of an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "PriceFields", deny_unknown_fields)]
pub struct Price {
    /// How the amount is counted.
    pub model: PriceModel,
    /// Amount in minor units; never negative.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub amount_minor: i64,
    /// Three-letter ISO 4217 code.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::currency))]
    pub currency: String,
}

/// The fields of a price as they arrive, checked by `TryFrom` (a negative amount or a
/// malformed currency never becomes a `Price`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFields {
    model: PriceModel,
    amount_minor: i64,
    currency: String,
}

impl TryFrom<PriceFields> for Price {
    type Error = RegistryError;
    fn try_from(f: PriceFields) -> Result<Price, RegistryError> {
        if f.amount_minor < 0 {
            return Err(invalid(
                "amount_minor",
                &f.amount_minor.to_string(),
                "money is never negative",
            ));
        }
        Ok(Price {
            model: f.model,
            amount_minor: f.amount_minor,
            currency: validate_currency(&f.currency)?,
        })
    }
}

/// Checks an ISO 4217 currency code (upper-cased) against the standard's list.
pub fn validate_currency(code: &str) -> Result<String, RegistryError> {
    let c = code.trim().to_ascii_uppercase();
    match iso_currency::Currency::from_code(&c) {
        // Codes with no minor unit are not money: XXX (no currency), XTS (testing), precious
        // metals (XAU, XAG, XPT, XPD), SDRs and bond units.
        Some(cur) if cur.exponent().is_none() => Err(invalid(
            "currency",
            code,
            "not a currency money is paid in (XXX, XTS, metals and units of account are not); use e.g. EUR, USD, JPY",
        )),
        Some(_) => Ok(c),
        None => Err(invalid(
            "currency",
            code,
            "not an ISO 4217 currency code (e.g. EUR, USD, JPY)",
        )),
    }
}

/// Most characters in a name: of a party, a model, a training run.
pub const MAX_NAME_CHARS: usize = 200;
/// Most characters in a work's title, artist or a credited name.
pub const MAX_TITLE_CHARS: usize = 500;
/// Most characters in free text: a reason, conditions, terms.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most characters in a reason given with a decision.
pub const MAX_REASON_CHARS: usize = MAX_TEXT_CHARS;

/// Refuses text longer than `max` characters (every outside text is bounded, so that no caller
/// can make another's lists or statements huge).
pub fn bounded(field: &'static str, value: &str, max: usize) -> Result<(), RegistryError> {
    let n = value.chars().count();
    if n > max {
        let head: String = value.chars().take(40).collect();
        return Err(RegistryError::Invalid {
            field,
            value: format!("{head}…"),
            reason: format!("{n} characters; at most {max} are kept"),
        });
    }
    Ok(())
}

/// How many decimals a currency's minor unit has (EUR 2, JPY 0, KWD 3).
pub fn currency_decimals(code: &str) -> u32 {
    iso_currency::Currency::from_code(code)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// An amount written in major units (`1000`, `1000.5`) as minor units of `currency`.
fn parse_amount(amount: &str, currency: &str) -> Option<i64> {
    let decimals = currency_decimals(currency) as usize;
    let s = amount.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > decimals
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if decimals == 0 {
        0
    } else {
        format!("{frac:0<decimals$}").parse().ok()?
    };
    whole
        .checked_mul(10i64.checked_pow(decimals as u32)?)?
        .checked_add(frac)
}

/// Minor units as major units with the currency's decimals (`250.00 EUR`, `1000 JPY`).
pub fn format_money(amount_minor: i64, currency: &str) -> String {
    let d = currency_decimals(currency);
    if d == 0 {
        return format!("{amount_minor} {currency}");
    }
    let unit = 10i64.pow(d);
    format!(
        "{}.{:0width$} {currency}",
        amount_minor / unit,
        amount_minor % unit,
        width = d as usize
    )
}

/// An amount of money: integer minor units of an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "MoneyFields", deny_unknown_fields)]
pub struct Money {
    /// Minor units (cents); never negative.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub amount_minor: i64,
    /// Three-letter ISO 4217 code.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::currency))]
    pub currency: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyFields {
    amount_minor: i64,
    currency: String,
}

impl TryFrom<MoneyFields> for Money {
    type Error = RegistryError;
    fn try_from(f: MoneyFields) -> Result<Money, RegistryError> {
        if f.amount_minor < 0 {
            return Err(invalid(
                "amount_minor",
                &f.amount_minor.to_string(),
                "money is never negative",
            ));
        }
        Ok(Money {
            amount_minor: f.amount_minor,
            currency: validate_currency(&f.currency)?,
        })
    }
}

impl FromStr for Money {
    type Err = RegistryError;
    /// Parses `1000.00:EUR`.
    fn from_str(s: &str) -> Result<Money, RegistryError> {
        let (amount, currency) = s
            .split_once(':')
            .ok_or_else(|| invalid("money", s, "write AMOUNT:CURRENCY, e.g. 1000.00:EUR"))?;
        let currency = validate_currency(currency)?;
        let amount_minor = parse_amount(amount, &currency).ok_or_else(|| {
            invalid(
                "money",
                s,
                format!(
                    "the amount is a non-negative number with at most {} decimals in {currency}",
                    currency_decimals(&currency)
                ),
            )
        })?;
        Ok(Money {
            amount_minor,
            currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_money(self.amount_minor, &self.currency))
    }
}

impl FromStr for Price {
    type Err = RegistryError;
    /// Parses `per-work:250.00:EUR` or `per-hour:40:USD`.
    fn from_str(s: &str) -> Result<Self, RegistryError> {
        let parts: Vec<&str> = s.split(':').collect();
        let [model, amount, currency] = parts[..] else {
            return Err(invalid(
                "price",
                s,
                "write MODEL:AMOUNT:CURRENCY, e.g. per-work:250.00:EUR",
            ));
        };
        let model: PriceModel = model.parse()?;
        let currency = validate_currency(currency)
            .map_err(|_| invalid("price", s, "the currency is an ISO 4217 code, e.g. EUR"))?;
        let amount_minor = parse_amount(amount, &currency).ok_or_else(|| {
            invalid(
                "price",
                s,
                format!(
                    "the amount is a non-negative number with at most {} decimals in {currency}",
                    currency_decimals(&currency)
                ),
            )
        })?;
        Ok(Price {
            model,
            amount_minor,
            currency,
        })
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.model,
            format_money(self.amount_minor, &self.currency)
        )
    }
}

/// A percentage with at most two decimals (`8.7`, `33.33`, `100`) as basis points, 1 to 10,000.
pub fn parse_percent(s: &str) -> Option<u32> {
    parse_minor_units(s.trim().trim_end_matches('%'))
        .filter(|bp| (1..=10_000).contains(bp))
        .map(|bp| bp as u32)
}

/// `12`, `12.5`, `12.50` → 1250; negative, more than two decimals or junk → None.
fn parse_minor_units(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// A work's own fields without its credits, shares and tracks: what a list shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkSummary {
    /// The ISRC.
    pub isrc: Isrc,
    /// Title.
    pub title: String,
    /// Display artist.
    pub artist: String,
    /// Duration in seconds.
    pub duration_s: Option<f64>,
    /// The holder that registered it.
    pub registrant: String,
}

/// A party: a rights holder or an AI developer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// Stable id, e.g. `indie-records`.
    pub id: String,
    /// Kind of party.
    pub kind: PartyKind,
    /// Display name.
    pub name: String,
    /// When it was added (RFC 3339, UTC).
    pub created_at: String,
}

/// One holder's part of a work in a territory, in basis points (10,000 = 100 %).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// Where this split applies (`WORLD` for everywhere not listed).
    pub territory: Territory,
    /// The rights holder.
    pub holder: String,
    /// Basis points: 5,000 is 50 %.
    pub basis_points: u32,
}

/// A person credited on a recording.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Credit {
    /// What they did: performer, composer, lyricist, producer, ...
    pub role: String,
    /// Their name.
    pub name: String,
}

/// A sound recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Work {
    /// Its ISRC, the key.
    pub isrc: Isrc,
    /// Title.
    pub title: String,
    /// Display artist.
    pub artist: String,
    /// Duration in seconds, when known.
    pub duration_s: Option<f64>,
    /// The underlying composition.
    pub iswc: Option<Iswc>,
    /// The holder that registered it (and alone may change it).
    pub registrant: String,
    /// The human authors and performers.
    pub credits: Vec<Credit>,
    /// Who holds it where, summing to 100 % in each territory.
    pub shares: Vec<Share>,
    /// The fingerprinted tracks (index ids) of its audio.
    pub tracks: Vec<String>,
}

impl Work {
    /// Checks the fields that are not checked by their types: title and artist present, the
    /// shares of each territory summing to exactly 100 %, no holder twice in one territory.
    pub fn validate(&self) -> Result<(), RegistryError> {
        if self.title.trim().is_empty() {
            return Err(invalid("title", &self.title, "a work needs a title"));
        }
        if self.artist.trim().is_empty() {
            return Err(invalid(
                "artist",
                &self.artist,
                "a work needs a display artist",
            ));
        }
        bounded("title", &self.title, MAX_TITLE_CHARS)?;
        bounded("artist", &self.artist, MAX_TITLE_CHARS)?;
        for c in &self.credits {
            bounded("credits", &c.name, MAX_TITLE_CHARS)?;
            bounded("credits", &c.role, MAX_TITLE_CHARS)?;
        }
        if self.credits.len() > 1_000 || self.tracks.len() > 10_000 || self.shares.len() > 10_000 {
            return Err(invalid(
                "credits/tracks/shares",
                &self.isrc.to_string(),
                "too many for one work (at most 1,000 credits, 10,000 tracks and shares)",
            ));
        }
        if let Some(d) = self.duration_s
            && !(d.is_finite() && d > 0.0)
        {
            return Err(invalid(
                "duration",
                &d.to_string(),
                "a duration is a positive number of seconds",
            ));
        }
        validate_shares(&self.shares)
    }

    /// The shares that apply in `territory`: its own, or else `WORLD`'s. For `WORLD` itself
    /// (a use everywhere), every holder of every territory: each must agree.
    pub fn shares_in(&self, territory: &Territory) -> Vec<&Share> {
        shares_in(&self.shares, territory)
    }
}

/// The shares of a list that apply in `territory` (see [`Work::shares_in`]).
pub fn shares_in<'a>(shares: &'a [Share], territory: &Territory) -> Vec<&'a Share> {
    {
        if territory.is_world() {
            let mut all: Vec<&Share> = Vec::new();
            for s in shares {
                match all.iter_mut().find(|a| a.holder == s.holder) {
                    Some(a) if a.territory.is_world() => {}
                    Some(a) if s.territory.is_world() => *a = s,
                    Some(_) => {}
                    None => all.push(s),
                }
            }
            return all;
        }
        let own: Vec<&Share> = shares
            .iter()
            .filter(|s| &s.territory == territory)
            .collect();
        if !own.is_empty() {
            return own;
        }
        shares.iter().filter(|s| s.territory.is_world()).collect()
    }
}

/// Checks a share list: at least one share, each territory's shares summing to exactly 100 %,
/// no holder twice in one territory.
pub fn validate_shares(shares: &[Share]) -> Result<(), RegistryError> {
    if shares.is_empty() {
        return Err(invalid("shares", "", "a work needs at least one share"));
    }
    let mut territories: Vec<&Territory> = shares.iter().map(|s| &s.territory).collect();
    territories.sort();
    territories.dedup();
    for territory in territories {
        let in_territory: Vec<&Share> = shares
            .iter()
            .filter(|s| &s.territory == territory)
            .collect();
        let sum: u32 = in_territory.iter().map(|s| s.basis_points).sum();
        if sum != 10_000 {
            return Err(invalid(
                "shares",
                &shares_to_string(shares),
                format!(
                    "the shares in {territory} sum to {}, not 100%",
                    percent(sum)
                ),
            ));
        }
        let mut holders: Vec<&str> = in_territory.iter().map(|s| s.holder.as_str()).collect();
        holders.sort();
        if holders.windows(2).any(|w| w[0] == w[1]) {
            return Err(invalid(
                "shares",
                &shares_to_string(shares),
                format!("a holder appears twice in {territory}"),
            ));
        }
    }
    Ok(())
}

/// Basis points as a percentage: 5000 → `50%`, 3333 → `33.33%`.
pub fn percent(basis_points: u32) -> String {
    if basis_points.is_multiple_of(100) {
        format!("{}%", basis_points / 100)
    } else {
        format!("{}.{:02}%", basis_points / 100, basis_points % 100)
    }
}

/// Parses a share list: `holder=60;other=40` (WORLD) or `DE:holder=100;WORLD:holder=50;WORLD:other=50`.
pub fn parse_shares(s: &str) -> Result<Vec<Share>, RegistryError> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (left, pct) = part.split_once('=').ok_or_else(|| {
            invalid(
                "shares",
                s,
                "write [TERRITORY:]HOLDER=PERCENT;..., e.g. WORLD:indie-records=100",
            )
        })?;
        let (territory, holder) = match left.split_once(':') {
            Some((t, h)) => (t.parse()?, h.trim()),
            None => (Territory::world(), left.trim()),
        };
        validate_party_id(holder)?;
        let basis_points = parse_percent(pct).ok_or_else(|| {
            invalid(
                "shares",
                s,
                format!("'{pct}' is not a percentage between 0.01 and 100"),
            )
        })?;
        out.push(Share {
            territory,
            holder: holder.to_string(),
            basis_points,
        });
    }
    out.sort();
    Ok(out)
}

/// Writes shares in the form `parse_shares` reads.
pub fn shares_to_string(shares: &[Share]) -> String {
    shares
        .iter()
        .map(|s| {
            format!(
                "{}:{}={}",
                s.territory,
                s.holder,
                percent(s.basis_points).trim_end_matches('%')
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A holder's answer to one use, for one work or (with no ISRC) for its whole catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Policy {
    /// The holder that set it.
    pub holder: String,
    /// The work, or None for the holder's catalogue-wide default.
    pub isrc: Option<Isrc>,
    /// The use it answers.
    #[serde(rename = "use")]
    pub use_: Use,
    /// The answer.
    pub decision: Decision,
    /// Where the answer holds (empty: everywhere). Elsewhere the answer is `deny`.
    pub territories: Vec<Territory>,
    /// For `licence-required`: the price on offer.
    pub price: Option<Price>,
    /// For `licence-required`: the licence term on offer, in months.
    pub term_months: Option<u32>,
    /// For `allow`: the conditions attached (e.g. attribution); for others, a note.
    pub conditions: Option<String>,
    /// When it was last set (RFC 3339, UTC).
    pub updated_at: String,
}

/// A licence: one holder's permission for one developer to make one use of some works.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Licence {
    /// Its id, e.g. `lic-000001`.
    pub id: String,
    /// The holder granting it.
    pub holder: String,
    /// The developer receiving it.
    pub developer: String,
    /// The use it permits.
    #[serde(rename = "use")]
    pub use_: Use,
    /// The works it covers; empty means every work the holder has a share in.
    pub works: Vec<Isrc>,
    /// Where it applies (empty: everywhere).
    pub territories: Vec<Territory>,
    /// First day it applies (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day it applies, if it ends.
    pub valid_to: Option<String>,
    /// The agreed price, if any.
    pub price: Option<Price>,
    /// Free-text terms or reference to a contract.
    pub terms: Option<String>,
    /// When it was granted.
    pub granted_at: String,
    /// When it was revoked, if it was; it stops applying from that moment.
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
}

impl Licence {
    /// Where the licence stands on `date` (YYYY-MM-DD): `revoked`, `scheduled` (starts later),
    /// `expired` (ended before) or `active`.
    pub fn status_on(&self, date: &str) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.valid_from.as_str() > date {
            "scheduled"
        } else if self.valid_to.as_deref().is_some_and(|to| to < date) {
            "expired"
        } else {
            "active"
        }
    }

    /// True when the licence covers `isrc` for `developer`'s `use_` in `territory` on `date`
    /// (YYYY-MM-DD) and is not revoked.
    pub fn covers(
        &self,
        developer: &str,
        use_: Use,
        isrc: &Isrc,
        territory: &Territory,
        date: &str,
    ) -> bool {
        self.revoked_at.is_none()
            && self.developer == developer
            && self.use_ == use_
            && (self.works.is_empty() || self.works.contains(isrc))
            && territory.covered_by(&self.territories)
            && self.valid_from.as_str() <= date
            && self.valid_to.as_deref().is_none_or(|to| date <= to)
    }
}

/// Reads a `YYYY-MM-DD` day; `field` names it in the error.
pub fn parse_day(field: &'static str, s: &str) -> Result<time::Date, RegistryError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &format).map_err(|_| invalid(field, s, "write a date as YYYY-MM-DD"))
}

/// Writes a day as `YYYY-MM-DD`, the form dates are stored and compared in.
pub fn format_day(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Checks a `YYYY-MM-DD` date.
///
/// Returns the date in exactly that form: dates are stored and compared as such strings, so
/// anything else (a sign, spaces, a five-digit year) is refused rather than stored.
pub fn validate_date(field: &'static str, s: &str) -> Result<String, RegistryError> {
    let d = s.trim();
    let b = d.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    match parse_day(field, d) {
        Ok(_) if shaped => Ok(d.to_string()),
        _ => Err(invalid(field, s, "write a date as YYYY-MM-DD")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isrcs_are_normalised_and_checked() {
        assert_eq!(
            "gb-aye-69-00531".parse::<Isrc>().unwrap().as_str(),
            "GBAYE6900531"
        );
        for bad in [
            "",
            "GBAYE690053",
            "GBAYE69005311",
            "1BAYE6900531",
            "GBAYE6A00531",
            "GB_YE6900531",
        ] {
            let e = bad.parse::<Isrc>().unwrap_err().to_string();
            assert!(e.contains("12 characters"), "{bad}: {e}");
        }
    }

    #[test]
    fn iswc_check_digit() {
        assert_eq!(
            "T-034.524.680-1".parse::<Iswc>().unwrap().as_str(),
            "T0345246801"
        );
        assert!(
            "T-034.524.680-2"
                .parse::<Iswc>()
                .unwrap_err()
                .to_string()
                .contains("check digit should be 1")
        );
        assert!("034524680".parse::<Iswc>().is_err());
    }

    #[test]
    fn territories_are_iso_codes_or_world() {
        assert_eq!(parse_territories("fr, DE,world").unwrap().len(), 3);
        assert!("XX".parse::<Territory>().is_err());
        assert!("DEU".parse::<Territory>().is_err());
        let de: Territory = "DE".parse().unwrap();
        assert!(de.covered_by(&[]));
        assert!(de.covered_by(&parse_territories("FR,DE").unwrap()));
        assert!(!de.covered_by(&parse_territories("FR").unwrap()));
    }

    #[test]
    fn shares_must_sum_to_100_in_each_territory() {
        let mut work = Work {
            isrc: "GBAYE6900531".parse().unwrap(),
            title: "t".into(),
            artist: "a".into(),
            duration_s: Some(200.0),
            iswc: None,
            registrant: "a-label".into(),
            credits: vec![],
            shares: parse_shares("a-label=60;b-pub=40;DE:a-label=100").unwrap(),
            tracks: vec![],
        };
        work.validate().unwrap();
        let de: Territory = "DE".parse().unwrap();
        assert_eq!(work.shares_in(&de).len(), 1);
        assert_eq!(work.shares_in(&"FR".parse().unwrap()).len(), 2);
        work.shares = parse_shares("a-label=60;b-pub=33.33").unwrap();
        assert!(
            work.validate()
                .unwrap_err()
                .to_string()
                .contains("sum to 93.33%")
        );
        assert!(parse_shares("a-label=0").is_err());
        assert!(parse_shares("a-label=100.001").is_err());
        assert!(parse_shares("a-label").is_err());
        assert_eq!(
            shares_to_string(&parse_shares("bb=33.33;aa=66.67").unwrap()),
            "WORLD:aa=66.67;WORLD:bb=33.33"
        );
    }

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert_eq!(validate_date("d", " 2030-01-01 ").unwrap(), "2030-01-01");
        for bad in [
            "+2030-01-01",
            "2030-1-01",
            "20300-01-01",
            "2030-02-30",
            "2030/01/01",
            "",
        ] {
            assert!(validate_date("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_use_everywhere_needs_every_holder_of_every_territory() {
        let work = Work {
            isrc: "GBAYE6900531".parse().unwrap(),
            title: "t".into(),
            artist: "a".into(),
            duration_s: None,
            iswc: None,
            registrant: "aa".into(),
            credits: vec![],
            shares: parse_shares("aa=100;DE:dd=100").unwrap(),
            tracks: vec![],
        };
        let holders: Vec<&str> = work
            .shares_in(&Territory::world())
            .iter()
            .map(|s| s.holder.as_str())
            .collect();
        assert_eq!(holders, vec!["dd", "aa"]);
        assert_eq!(parse_percent("8.7"), Some(870));
        assert_eq!(parse_percent("0"), None);
    }

    #[test]
    fn prices_are_minor_units() {
        let p: Price = "per-work:250.5:eur".parse().unwrap();
        assert_eq!((p.amount_minor, p.currency.as_str()), (25050, "EUR"));
        assert_eq!(p.to_string(), "per-work 250.50 EUR");
        for bad in [
            "per-work:-1:EUR",
            "per-work:1.234:EUR",
            "per-song:1:EUR",
            "per-work:1:EURO",
            "1:EUR",
            "per-work:1:ABC",
            "per-work:1.5:JPY",
        ] {
            assert!(bad.parse::<Price>().is_err(), "{bad}");
        }
        let yen: Money = "1000:jpy".parse().unwrap();
        assert_eq!(
            (yen.amount_minor, yen.to_string().as_str()),
            (1000, "1000 JPY")
        );
        let dinar: Money = "1.5:KWD".parse().unwrap();
        assert_eq!(
            (dinar.amount_minor, dinar.to_string().as_str()),
            (1500, "1.500 KWD")
        );
    }

    #[test]
    fn enums_accept_both_spellings_of_licence() {
        assert_eq!(
            "license-required".parse::<Decision>().unwrap(),
            Decision::LicenceRequired
        );
        assert!(
            "maybe"
                .parse::<Decision>()
                .unwrap_err()
                .to_string()
                .contains("deny, licence-required, allow")
        );
    }

    #[test]
    fn only_money_is_a_currency() {
        for code in ["EUR", "usd", "JPY", "KWD"] {
            assert!(validate_currency(code).is_ok(), "{code}");
        }
        for code in ["XXX", "XAU", "XAG", "XTS", "XDR", "ABC"] {
            assert!(validate_currency(code).is_err(), "{code} is not money");
        }
    }

    #[test]
    fn outside_text_is_bounded() {
        assert!(bounded("model", &"m".repeat(MAX_NAME_CHARS), MAX_NAME_CHARS).is_ok());
        let err = bounded("model", &"m".repeat(255_000), MAX_NAME_CHARS)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("255000 characters") && err.len() < 400,
            "{err}"
        );
        let mut w = Work {
            isrc: "GBAYE6900531".parse().unwrap(),
            title: "t".repeat(MAX_TITLE_CHARS + 1),
            artist: "A".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: parse_shares("label-a=100").unwrap(),
            tracks: vec![],
        };
        assert!(w.validate().is_err());
        w.title = "A title".into();
        assert!(w.validate().is_ok());
    }
}
