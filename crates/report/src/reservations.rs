//! Machine-readable rights reservations, out and in.
//!
//! Out: from a holder's catalogue policies and offers, the W3C TDMRep files (community group
//! final report: `/.well-known/tdmrep.json`, the `tdm-reservation` / `tdm-policy` HTTP headers,
//! an ODRL policy with the TDMRep profile) and the IETF AI-preferences signals: the
//! `Content-Usage` header and robots.txt rule of draft-ietf-aipref-attach with the vocabulary of
//! draft-ietf-aipref-vocab-08 (labels `train-ai`, "AI model training", i.e. models that generate
//! content, and `search`; working-group copy of 2026-08-19).
//!
//! Out, one answer in every form ([`holder_reserves`]): never `tdm-reservation: 1` beside
//! `Content-Usage: train-ai=y`; robots.txt lines for the holder's path with no `Allow` line; the
//! HTML `<meta>` form; the ODRL policy in the TDMRep profile (its `@context`, `purpose`
//! constraints, `compensate` refined by `payAmount`, the assigner's contact).
//!
//! In: the same signals parsed as a crawler reads them, reporting per rule what each states and
//! what was wrong with it; [`resolve`] then gives the answer for one path: TDMRep locations as
//! path patterns (prefix, `*`, `$`; first match wins; headers, then meta, supersede the file),
//! repeated header lines as one field (RFC 9110 §5.3), robots.txt groups for one crawler combined
//! (RFC 9309 §2.2.1) with the most specific rule winning and the stricter of two conflicting
//! preferences holding.

use crate::ReportError;
use crate::sfv::{Item, parse_dictionary};
use fermata_registry::{Decision, Offer, Party, Policy, PriceModel, Use};
use serde::Serialize;
use std::collections::BTreeSet;

/// The AI-preferences drafts implemented.
pub const AIPREF_DRAFTS: &str =
    "draft-ietf-aipref-vocab-08, draft-ietf-aipref-attach (WG copy 2026-08-19)";
/// Longest header line or robots.txt line read; longer ones are refused.
pub const MAX_LINE: usize = 8 * 1024;
/// Largest document read.
pub const MAX_DOCUMENT: usize = 2 << 20;

/// Most rules read from one tdmrep.json or robots.txt; further ones are ignored, and the
/// findings say so.
pub const MAX_RULES: usize = 10_000;

/// Everything a holder publishes. Every file is derived from one decision, [`holder_reserves`]:
/// they never disagree (no `tdm-reservation: 1` beside `Content-Usage: train-ai=y`).
#[derive(Clone, Debug, Serialize)]
pub struct ReservationFiles {
    /// The one decision the files state: AI training and commercial mining reserved.
    pub reserved: bool,
    /// `/.well-known/tdmrep.json`.
    pub tdmrep_json: String,
    /// HTTP response header lines for its audio.
    pub http_headers: String,
    /// The `Content-Usage` value alone.
    pub content_usage: String,
    /// Lines for `/robots.txt`, with how to merge them into an existing file.
    pub robots_txt: String,
    /// HTML `<meta>` elements (TDMRep "TDM Metadata in HTML Content") for the holder's pages.
    pub html_meta: String,
    /// The TDMRep ODRL policy (when a licence is on offer and a policy URL is given).
    pub odrl_policy: Option<String>,
}

fn catalogue_decision(policies: &[Policy], use_: Use) -> Decision {
    policies
        .iter()
        .find(|p| p.isrc.is_none() && p.use_ == use_ && p.territories.is_empty())
        .map_or(Decision::Deny, |p| p.decision)
}

/// The holder's one answer that every exported file states: AI training (and so commercial text
/// and data mining) is reserved unless the holder's catalogue-wide policies allow both kinds of
/// training without a licence. TDMRep has one switch for all mining, and the AI-preferences
/// `train-ai` label covers all model training, so a holder who allows one kind and not the
/// other is exported as reserving both: the stricter reading, never the looser one.
pub fn holder_reserves(policies: &[Policy]) -> bool {
    !(catalogue_decision(policies, Use::TrainGenai) == Decision::Allow
        && catalogue_decision(policies, Use::TrainAi) == Decision::Allow)
}

/// The holder's contact for the ODRL policy's assigner: an e-mail address (`mailto:` optional)
/// or an http(s) URL of a page about licensing.
fn assigner(holder: &Party, contact: &str) -> Result<serde_json::Value, ReportError> {
    let contact = contact.trim();
    let mut assigner =
        serde_json::json!({"uid": format!("fermata:party:{}", holder.id), "vcard:fn": holder.name});
    if contact.starts_with("https://") || contact.starts_with("http://") {
        assigner["vcard:hasURL"] = contact.into();
    } else {
        let address = contact.strip_prefix("mailto:").unwrap_or(contact);
        let plausible = address.len() <= 254
            && address.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
            })
            && !address.chars().any(|c| c.is_whitespace() || c.is_control());
        if !plausible {
            return Err(bad(
                "ODRL policy",
                format!(
                    "the contact '{contact}' is neither an e-mail address nor an http(s) URL: give where developers can ask for a licence, e.g. licensing@label.example"
                ),
            ));
        }
        assigner["vcard:hasEmail"] = format!("mailto:{address}").into();
    }
    Ok(assigner)
}

/// The robots.txt path of a TDMRep location: a trailing `*` adds nothing to a prefix match.
fn robots_path(location: &str) -> &str {
    let trimmed = location.trim_end_matches('*');
    if trimmed.is_empty() { "/" } else { trimmed }
}

/// Builds the files from the holder's catalogue-wide policies (nothing set: reserved) and its
/// standing offers. `location` is the TDMRep path pattern they cover (e.g. `/music/*`);
/// `policy_url` is where the ODRL policy will be published and `contact` where developers ask
/// for a licence (an e-mail address or URL), which the policy's assigner carries.
pub fn export(
    holder: &Party,
    policies: &[Policy],
    offers: &[Offer],
    location: &str,
    policy_url: Option<&str>,
    contact: Option<&str>,
) -> Result<ReservationFiles, ReportError> {
    if !(location.starts_with('/') || location.starts_with('*'))
        || location.len() > 512
        || location
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '#')
    {
        return Err(bad(
            "location",
            format!("'{location}' is not a path pattern: start it with '/', e.g. /music/*"),
        ));
    }
    let genai = catalogue_decision(policies, Use::TrainGenai);
    let ai = catalogue_decision(policies, Use::TrainAi);
    let offers: Vec<&Offer> = offers
        .iter()
        .filter(|o| o.withdrawn_at.is_none() && matches!(o.use_, Use::TrainGenai | Use::TrainAi))
        .collect();
    let on_offer =
        !offers.is_empty() || genai == Decision::LicenceRequired || ai == Decision::LicenceRequired;
    // TDM for scientific research cannot be reserved under EU law (DSM Directive Art. 3);
    // commercial mining and training can (Art. 4), and are reserved unless the holder allows both.
    let reserved = holder_reserves(policies);
    let policy = policy_url.filter(|_| reserved && on_offer);
    let assigner = match (policy, contact) {
        (Some(_), Some(contact)) => Some(assigner(holder, contact)?),
        (Some(_), None) => {
            return Err(bad(
                "ODRL policy",
                "a TDMRep policy names who to ask: give the holder's contact (an e-mail address or licensing page URL)".into(),
            ));
        }
        (None, _) => None,
    };
    // A struct, not a JSON map, so that the members come out in the TDMRep examples' order
    // whatever map type serde_json was built with.
    #[derive(Serialize)]
    struct Rule<'a> {
        location: &'a str,
        #[serde(rename = "tdm-reservation")]
        tdm_reservation: u8,
        #[serde(rename = "tdm-policy", skip_serializing_if = "Option::is_none")]
        tdm_policy: Option<&'a str>,
    }
    let rule = Rule {
        location,
        tdm_reservation: u8::from(reserved),
        tdm_policy: policy,
    };
    let tdmrep_json = serde_json::to_string_pretty(&[rule]).unwrap_or_default();
    let content_usage = format!("train-ai={}", if reserved { "n" } else { "y" });
    let mut http_headers = format!("tdm-reservation: {}\r\n", u8::from(reserved));
    let mut html_meta = format!(
        "<meta name=\"tdm-reservation\" content=\"{}\">\n",
        u8::from(reserved)
    );
    if let Some(url) = policy {
        http_headers.push_str(&format!("tdm-policy: {url}\r\n"));
        html_meta.push_str(&format!(
            "<meta name=\"tdm-policy\" content=\"{}\">\n",
            url.replace('&', "&amp;").replace('"', "&quot;")
        ));
    }
    http_headers.push_str(&format!("Content-Usage: {content_usage}\r\n"));
    // No Allow or Disallow line: appended to a robots.txt that closes the site, an `Allow: /`
    // would open it again (RFC 9309 §2.2.2 prefers allow between equal matches).
    let robots_txt = format!(
        "# AI usage preferences of {name} ({AIPREF_DRAFTS}).\n\
         # To merge into an existing robots.txt: add the Content-Usage line to each group whose\n\
         # crawlers it must reach. A crawler reads only the groups naming it, or the `*` groups\n\
         # when none does (RFC 9309 §2.2.1). The line changes no Allow or Disallow rule.\n\
         User-Agent: *\n\
         Content-Usage: {path} {content_usage}\n",
        name = holder.name.replace(['\n', '\r'], " "),
        path = robots_path(location),
    );
    let odrl_policy = policy.map(|url| {
        let consent = |o: Option<&Offer>| o.is_none_or(|o| !o.auto_accept);
        let permission = |target: String, offer: Option<&Offer>| {
            let mut compensate = serde_json::json!({"action": "compensate"});
            if let Some(o) = offer.filter(|o| o.price.model != PriceModel::PoolShare) {
                let amount = fermata_registry::format_money(o.price.amount_minor, &o.price.currency);
                let per = match o.price.model {
                    PriceModel::PerWork => "per work",
                    _ => "per hour of audio",
                };
                // ODRL 2.2 §2.6.4: a refinement narrows the action; payAmount with its currency.
                compensate = serde_json::json!({"action": [{
                    "rdf:value": {"@id": "odrl:compensate"},
                    "refinement": [{
                        "leftOperand": "payAmount",
                        "operator": "eq",
                        "rightOperand": {"@value": amount.split(' ').next().unwrap_or("0"), "@type": "xsd:decimal"},
                        "unit": format!("http://cvx.iptc.org/iso4217a/{}", o.price.currency),
                    }],
                    "rdfs:comment": format!("{amount} {per}"),
                }]});
            }
            let mut duty = vec![compensate];
            if consent(offer) {
                duty.insert(0, serde_json::json!({"action": "obtainConsent"}));
            }
            let use_ = offer.map_or("train-genai", |o| o.use_.as_str());
            serde_json::json!({
                "target": target,
                "action": "tdm:mine",
                // TDMRep §"Expressing a constraint on the type of usage": the purpose; and the
                // AI use, in fermata's vocabulary, as a second purpose constraint.
                "constraint": [
                    {"leftOperand": "purpose", "operator": "eq", "rightOperand": "tdm:non-research"},
                    {"leftOperand": "purpose", "operator": "eq", "rightOperand": {"@value": use_, "@type": "xsd:string"}},
                ],
                "duty": duty,
            })
        };
        let mut permissions: Vec<serde_json::Value> = offers
            .iter()
            .map(|o| permission(format!("{url}#{}", o.id), Some(o)))
            .collect();
        if permissions.is_empty() {
            permissions.push(permission(url.to_string(), None));
        }
        serde_json::to_string_pretty(&serde_json::json!({
            // TDMRep §"JSON-LD context and identifier of a Policy".
            "@context": ["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}],
            "@type": "Offer",
            "profile": "http://www.w3.org/ns/tdmrep",
            "uid": url,
            "assigner": assigner,
            "permission": permissions,
        }))
        .unwrap_or_default()
    });
    Ok(ReservationFiles {
        reserved,
        tdmrep_json,
        http_headers,
        content_usage,
        robots_txt,
        html_meta,
        odrl_policy,
    })
}

/// Where a signal came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `/.well-known/tdmrep.json`.
    TdmrepJson,
    /// HTTP headers.
    Header,
    /// HTML `<meta>` elements.
    HtmlMeta,
    /// robots.txt `Content-Usage` rules.
    RobotsTxt,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::TdmrepJson => "tdmrep.json",
            Source::Header => "headers",
            Source::HtmlMeta => "HTML meta",
            Source::RobotsTxt => "robots.txt",
        }
    }
}

/// What one signal says about one location.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The signal's source.
    pub source: Source,
    /// The path or pattern it covers (`*` for the whole response).
    pub location: String,
    /// TDMRep: true reserved, false not reserved, None not stated.
    pub tdm_reserved: Option<bool>,
    /// AI-preferences `train-ai`: true means training is disallowed, false allowed, None unknown.
    pub ai_training_reserved: Option<bool>,
    /// The TDMRep policy URL, if given.
    pub tdm_policy: Option<String>,
    /// What was wrong with this rule and was ignored (the rest of the document still counts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl Finding {
    /// True when either vocabulary reserves AI training here.
    pub fn reserves_training(&self) -> bool {
        self.tdm_reserved == Some(true) || self.ai_training_reserved == Some(true)
    }
}

fn finding(source: Source, location: &str) -> Finding {
    Finding {
        source,
        location: location.into(),
        tdm_reserved: None,
        ai_training_reserved: None,
        tdm_policy: None,
        problems: Vec::new(),
    }
}

fn check_size(document: &'static str, text: &str) -> Result<(), ReportError> {
    if text.len() > MAX_DOCUMENT {
        return Err(bad(
            document,
            format!("larger than {} KiB", MAX_DOCUMENT >> 10),
        ));
    }
    Ok(())
}

fn bad(document: &'static str, reason: String) -> ReportError {
    ReportError::Reservation { document, reason }
}

/// The `train-ai` preference of a `Content-Usage` value: a dictionary that does not parse, or a
/// value other than the tokens `y`/`n`, is unknown (the vocabulary's processing rules).
pub fn content_usage_reserves_training(value: &str) -> Option<bool> {
    let dict = parse_dictionary(value.trim()).ok()?;
    match dict.iter().find(|(k, _)| k == "train-ai").map(|(_, v)| v) {
        Some(Item::Token(t)) if t == "y" => Some(false),
        Some(Item::Token(t)) if t == "n" => Some(true),
        _ => None,
    }
}

const TDMREP: &str = "tdmrep.json";
const HEADERS: &str = "headers";
const HTML: &str = "html";
const ROBOTS: &str = "robots.txt";

/// Decodes `%XX` escapes of unreserved characters (RFC 3986 §2.3) and writes the hex of the
/// others in upper case, so that two spellings of one path compare equal (TDMRep, "TDM File on
/// the Origin Server"; RFC 9309 §2.2.2).
fn normalise_path(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            let hex = &path[i + 1..i + 3];
            let byte = u8::from_str_radix(hex, 16).unwrap_or(0);
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(byte));
            } else {
                out.push('%');
                out.push_str(&hex.to_ascii_uppercase());
            }
            i += 3;
            continue;
        }
        let ch = path[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// Does a path pattern cover `path`? The syntax TDMRep borrows from robots.txt (TDMRep "Use of
/// regular expressions"; RFC 9309 §2.2.3): a pattern matches as a prefix, `*` stands for any
/// run of characters, a final `$` anchors the end; a literal `$` or `*` is written `%24` / `%2A`.
/// Matching is case-sensitive, after decoding escaped unreserved characters.
pub fn path_pattern_matches(pattern: &str, path: &str) -> bool {
    let pattern = normalise_path(pattern);
    let path = normalise_path(path);
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern.as_str(), false),
    };
    let (p, s) = (pat.as_bytes(), path.as_bytes());
    let (mut pi, mut si) = (0, 0);
    // The last `*` seen and where in the path it was tried from: on a mismatch it takes one
    // more character (the usual linear wildcard match with one backtracking point).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi == p.len() {
            if !anchored || si == s.len() {
                return true;
            }
        } else if p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
            continue;
        } else if si < s.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
            continue;
        }
        match star {
            Some((sp, ss)) if ss < s.len() => {
                star = Some((sp, ss + 1));
                pi = sp + 1;
                si = ss + 1;
            }
            _ => return false,
        }
    }
}

/// How specific a path pattern is: its length in octets (RFC 9309 §2.2.2).
fn specificity(pattern: &str) -> usize {
    normalise_path(pattern).len()
}

/// Reads a TDMRep `tdmrep.json`: an array of rules with `location` (a path pattern),
/// `tdm-reservation` (0 or 1) and, with a reservation, an optional `tdm-policy` URL.
///
/// Only a document that is not a JSON array of at most [`MAX_DOCUMENT`] bytes is an error. A bad
/// rule is kept as a finding that states nothing, with its problem (TDMRep: any other value is a
/// protocol error, and the value is unset); an unknown member or a bad policy URL is ignored and
/// the rule still counts.
pub fn parse_tdmrep_json(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(TDMREP, text)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(TDMREP, format!("not JSON: {e}")))?;
    let rules = value
        .as_array()
        .ok_or_else(|| bad(TDMREP, "tdmrep.json must be a JSON array of rules".into()))?;
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if i == MAX_RULES {
            let mut f = finding(Source::TdmrepJson, "-");
            f.problems.push(format!(
                "{} rules after the first {MAX_RULES} ignored",
                rules.len() - MAX_RULES
            ));
            out.push(f);
            break;
        }
        let Some(obj) = rule.as_object() else {
            let mut f = finding(Source::TdmrepJson, "-");
            f.problems
                .push(format!("rule {i} is not an object: rule ignored"));
            out.push(f);
            continue;
        };
        let location = obj.get("location").and_then(|l| l.as_str());
        let mut f = finding(Source::TdmrepJson, location.unwrap_or("-"));
        match location {
            Some(l) if (l.starts_with('/') || l.starts_with('*')) && l.len() <= MAX_LINE => {}
            _ => {
                f.problems.push(format!(
                    "rule {i}: \"location\" must be a path pattern starting with '/': rule ignored"
                ));
                out.push(f);
                continue;
            }
        }
        f.tdm_reserved = match obj.get("tdm-reservation").and_then(|r| r.as_u64()) {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => {
                f.problems.push(format!(
                    "rule {i}: \"tdm-reservation\" must be 0 or 1 (TDMRep: any other value is unset): rule ignored"
                ));
                None
            }
        };
        match obj.get("tdm-policy") {
            None => {}
            Some(serde_json::Value::String(u))
                if u.starts_with("http://") || u.starts_with("https://") =>
            {
                // TDMRep: a policy goes with a reservation; beside a 0 it is not processed.
                f.tdm_policy = (f.tdm_reserved == Some(true)).then(|| u.clone());
            }
            Some(_) => f.problems.push(format!(
                "rule {i}: \"tdm-policy\" is not an http(s) URL: policy ignored"
            )),
        }
        for k in obj
            .keys()
            .filter(|k| !matches!(k.as_str(), "location" | "tdm-reservation" | "tdm-policy"))
            .take(8)
        {
            let k: String = k.chars().take(64).collect();
            f.problems
                .push(format!("rule {i}: unknown member \"{k}\" ignored"));
        }
        out.push(f);
    }
    Ok(out)
}

/// One field's value from all its lines, combined as RFC 9110 §5.3 says: in order, joined by
/// commas.
fn combined(fields: &[(String, &str)], name: &str) -> Option<String> {
    let values: Vec<&str> = fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// A TDMRep value (`0`/`1`) from a header or meta element that may have been given several
/// times: members that all agree give the value; anything else is a protocol error, so unset.
fn tdm_value(value: &str, f: &mut Finding, what: &str) -> Option<bool> {
    let members: Vec<&str> = value.split(',').map(str::trim).collect();
    match members.first().copied() {
        Some(first @ ("0" | "1")) if members.iter().all(|m| *m == first) => Some(first == "1"),
        _ => {
            let shown: String = value.chars().take(64).collect();
            f.problems.push(format!(
                "{what} '{shown}' is not one value 0 or 1 (TDMRep: a protocol error, so unset)"
            ));
            None
        }
    }
}

/// A TDMRep policy URL that may have been given several times: one http(s) URL, else ignored.
fn tdm_policy_value(value: &str, f: &mut Finding, what: &str) {
    let members: BTreeSet<&str> = value.split(", ").map(str::trim).collect();
    match members.iter().next() {
        Some(u)
            if members.len() == 1 && (u.starts_with("https://") || u.starts_with("http://")) =>
        {
            if f.tdm_reserved == Some(true) {
                f.tdm_policy = Some((*u).to_string());
            }
        }
        _ => f
            .problems
            .push(format!("{what} is not one http(s) URL: policy ignored")),
    }
}

/// Reads HTTP header lines (`Name: value`, one per line, e.g. from `curl -I`). A field given on
/// several lines is one field whose value is the lines' values joined by commas (RFC 9110 §5.3):
/// `Content-Usage` is then read as one structured-field dictionary (RFC 9651: of a repeated key,
/// the last counts), and repeated `tdm-reservation` lines must agree.
pub fn parse_headers(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(HEADERS, text)?;
    let mut fields: Vec<(String, &str)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.len() > MAX_LINE {
            return Err(bad(
                HEADERS,
                format!("line {}: a header longer than {MAX_LINE} bytes", n + 1),
            ));
        }
        if let Some((name, value)) = line.split_once(':')
            && !name.is_empty()
            && !name.contains([' ', '\t'])
        {
            fields.push((name.to_ascii_lowercase(), value.trim()));
        }
    }
    Ok(vec![signals(
        Source::Header,
        &fields,
        "the tdm-reservation header",
        "the tdm-policy header",
    )])
}

/// The finding of one response's fields (headers, or HTML meta names with their contents).
fn signals(source: Source, fields: &[(String, &str)], reservation: &str, policy: &str) -> Finding {
    let mut f = finding(source, "*");
    if let Some(v) = combined(fields, "tdm-reservation") {
        f.tdm_reserved = tdm_value(&v, &mut f, reservation);
    }
    if let Some(v) = combined(fields, "tdm-policy") {
        tdm_policy_value(&v, &mut f, policy);
    }
    if let Some(v) = combined(fields, "content-usage") {
        f.ai_training_reserved = content_usage_reserves_training(&v);
    }
    f
}

/// Reads `<meta name="tdm-reservation" content="1">` and `<meta name="tdm-policy" ...>` from HTML.
pub fn parse_html_meta(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(HTML, text)?;
    let lower = text.to_ascii_lowercase();
    let mut metas: Vec<(String, String)> = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("<meta") {
        let start = from + pos;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &text[start..end];
        if let (Some(name), Some(content)) = (attribute(tag, "name"), attribute(tag, "content"))
            && metas.len() < MAX_RULES
        {
            metas.push((name.to_ascii_lowercase(), content.trim().to_string()));
        }
        from = end;
    }
    let fields: Vec<(String, &str)> = metas.iter().map(|(n, c)| (n.clone(), c.as_str())).collect();
    let mut f = signals(
        Source::HtmlMeta,
        &fields,
        "meta tdm-reservation",
        "meta tdm-policy",
    );
    // Content-Usage is an HTTP header and a robots.txt rule; a meta element of that name is not
    // one of the AI-preferences attachments.
    f.ai_training_reserved = None;
    Ok(vec![f])
}

/// The value of `name="..."` (or single quotes) inside one tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[at + name.len()..].trim_start();
        if before_ok && rest.starts_with('=') {
            let offset = tag.len() - rest.len() + 1;
            let value = tag[offset..].trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let inner = &value[1..];
                return inner.find(quote).map(|e| inner[..e].to_string());
            }
            return Some(
                value
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_string(),
            );
        }
        from = at + name.len();
    }
    None
}

/// Reads robots.txt as a crawler named `agent` would (RFC 9309 §2.2.1): every group whose
/// user-agent matches the product token (case-insensitively) combined into one, or, when none
/// does, every `*` group combined; their `Content-Usage` rules (draft-ietf-aipref-attach), one
/// finding per rule, with its path (`/` when the rule names none). Unknown lines are ignored, as
/// the protocol requires; over-long lines and files are errors.
pub fn parse_robots(text: &str, agent: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(ROBOTS, text)?;
    // Groups: (user agents, Content-Usage rule values).
    let mut groups: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut in_agents = false;
    for (n, raw) in text.lines().enumerate() {
        if raw.len() > MAX_LINE {
            return Err(bad(
                ROBOTS,
                format!("line {}: longer than {MAX_LINE} bytes", n + 1),
            ));
        }
        let line = raw.split('#').next().unwrap_or("");
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        match key.as_str() {
            "user-agent" => {
                if !in_agents {
                    groups.push((Vec::new(), Vec::new()));
                    in_agents = true;
                }
                if let Some(g) = groups.last_mut() {
                    g.0.push(value.to_ascii_lowercase());
                }
            }
            "content-usage" => {
                in_agents = false;
                if let Some(g) = groups.last_mut()
                    && g.1.len() < MAX_RULES
                {
                    g.1.push(value.to_string());
                }
            }
            // Allow, Disallow and other records end the user-agent lines of a group too.
            _ if !key.is_empty() && !key.contains(' ') => in_agents = false,
            _ => {}
        }
    }
    let agent = agent.trim().to_ascii_lowercase();
    let named: Vec<&(Vec<String>, Vec<String>)> = groups
        .iter()
        .filter(|g| agent != "*" && g.0.iter().any(|a| a == &agent))
        .collect();
    let chosen = if named.is_empty() {
        groups
            .iter()
            .filter(|g| g.0.iter().any(|a| a == "*"))
            .collect()
    } else {
        named
    };
    Ok(chosen
        .iter()
        .flat_map(|(_, rules)| rules.iter())
        .map(|value| {
            let (path, pref) = if value.starts_with('/') || value.starts_with('*') {
                match value.find([' ', '\t']) {
                    Some(i) => (&value[..i], &value[i..]),
                    None => (value.as_str(), ""),
                }
            } else {
                ("/", value.as_str())
            };
            let mut f = finding(Source::RobotsTxt, path);
            f.ai_training_reserved = content_usage_reserves_training(pref);
            f
        })
        .collect())
}

/// Reads any of the four, chosen by file name or content; a robots.txt is read for `agent`'s
/// groups ([`parse_robots`]).
pub fn parse_any(name: &str, text: &str, agent: &str) -> Result<Vec<Finding>, ReportError> {
    let lower = name.to_ascii_lowercase();
    let trimmed = text.trim_start();
    if lower.ends_with("tdmrep.json") || (lower.ends_with(".json") && trimmed.starts_with('[')) {
        parse_tdmrep_json(text)
    } else if lower.ends_with("robots.txt") {
        parse_robots(text, agent)
    } else if lower.ends_with(".html")
        || lower.ends_with(".htm")
        || trimmed.to_ascii_lowercase().starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || trimmed.starts_with("<meta")
    {
        parse_html_meta(text)
    } else {
        parse_headers(text)
    }
}

/// What the signals read say about one path, resolved as a crawler must.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Resolved {
    /// TDMRep: true reserved, false not reserved, None unset.
    pub tdm_reserved: Option<bool>,
    /// The TDMRep policy that goes with a reservation.
    pub tdm_policy: Option<String>,
    /// AI preferences `train-ai`: true disallowed, false allowed, None unknown.
    pub ai_training_reserved: Option<bool>,
    /// Which signals decided, in words.
    pub because: Vec<String>,
}

impl Resolved {
    /// True when either vocabulary reserves AI training for the path.
    pub fn reserves_training(&self) -> bool {
        self.tdm_reserved == Some(true) || self.ai_training_reserved == Some(true)
    }
}

/// Resolves the findings of a site's documents for one `path`:
///
/// - TDMRep: of the tdmrep.json rules, the first whose location matches the path (the spec's
///   "most specific match is the first in sequence"), skipping rules that state nothing; then
///   the response's headers, then its HTML meta elements, each superseding what came before
///   when it states a value ("Processing priority": an absent value resets nothing).
/// - AI preferences: of the robots.txt rules that match the path and state `train-ai`, the most
///   specific (longest pattern, as RFC 9309 chooses between rules); between equally specific
///   rules, and between robots.txt and the `Content-Usage` header, the most restrictive
///   (aipref-vocab: where preferences conflict, the one that disallows holds).
pub fn resolve(findings: &[Finding], path: &str) -> Resolved {
    let mut out = Resolved::default();
    if let Some(rule) = findings.iter().find(|f| {
        f.source == Source::TdmrepJson
            && f.tdm_reserved.is_some()
            && path_pattern_matches(&f.location, path)
    }) {
        out.tdm_reserved = rule.tdm_reserved;
        out.tdm_policy = rule.tdm_policy.clone();
        out.because.push(format!(
            "tdmrep.json rule {} (tdm-reservation {})",
            rule.location,
            u8::from(rule.tdm_reserved == Some(true))
        ));
    }
    for source in [Source::Header, Source::HtmlMeta] {
        for f in findings.iter().filter(|f| f.source == source) {
            if let Some(r) = f.tdm_reserved {
                out.tdm_reserved = Some(r);
                out.tdm_policy = f.tdm_policy.clone();
                out.because
                    .push(format!("{} tdm-reservation {}", source.name(), u8::from(r)));
            }
        }
    }
    let robots: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.source == Source::RobotsTxt
                && f.ai_training_reserved.is_some()
                && path_pattern_matches(&f.location, path)
        })
        .collect();
    let most_specific = robots.iter().map(|f| specificity(&f.location)).max();
    let mut prefs: Vec<(String, bool)> = robots
        .iter()
        .filter(|f| Some(specificity(&f.location)) == most_specific)
        .filter_map(|f| {
            f.ai_training_reserved
                .map(|r| (format!("robots.txt Content-Usage for {}", f.location), r))
        })
        .collect();
    prefs.extend(
        findings
            .iter()
            .filter(|f| f.source == Source::Header)
            .filter_map(|f| {
                f.ai_training_reserved
                    .map(|r| ("the Content-Usage header".to_string(), r))
            }),
    );
    if let Some((why, r)) = prefs.iter().find(|(_, r)| *r).or_else(|| prefs.first()) {
        out.ai_training_reserved = Some(*r);
        out.because
            .push(format!("{why}: train-ai={}", if *r { "n" } else { "y" }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fermata_registry::{Price, Territory};

    fn party() -> Party {
        Party {
            id: "indie-records".into(),
            kind: fermata_registry::PartyKind::Label,
            name: "Indie Records".into(),
            created_at: String::new(),
        }
    }

    fn policy(use_: Use, decision: Decision) -> Policy {
        Policy {
            holder: "indie-records".into(),
            isrc: None,
            use_,
            decision,
            territories: vec![],
            price: None,
            term_months: None,
            conditions: None,
            updated_at: String::new(),
        }
    }

    fn offer() -> Offer {
        Offer {
            id: "off-000001".into(),
            holder: "indie-records".into(),
            works: vec![],
            use_: Use::TrainGenai,
            territories: vec![Territory::world()],
            price: "per-work:250.00:EUR".parse::<Price>().unwrap(),
            term_months: Some(12),
            auto_accept: false,
            created_at: String::new(),
            withdrawn_at: None,
            remuneration: Default::default(),
        }
    }

    fn files(policies: &[Policy], offers: &[Offer], location: &str) -> ReservationFiles {
        export(
            &party(),
            policies,
            offers,
            location,
            Some("https://indie.example/p.json"),
            Some("licensing@indie.example"),
        )
        .unwrap()
    }

    /// Every exported form, read back as a crawler reads it, for paths inside and outside the
    /// location.
    fn read_back(files: &ReservationFiles, inside: &str) -> Vec<(&'static str, Resolved)> {
        let mut out = Vec::new();
        for (name, findings) in [
            (
                "tdmrep.json",
                parse_tdmrep_json(&files.tdmrep_json).unwrap(),
            ),
            ("headers", parse_headers(&files.http_headers).unwrap()),
            ("html", parse_html_meta(&files.html_meta).unwrap()),
            (
                "robots.txt",
                parse_robots(&files.robots_txt, "SomeBot").unwrap(),
            ),
        ] {
            out.push((name, resolve(&findings, inside)));
        }
        out
    }

    #[test]
    fn every_exported_form_reads_back_as_the_holders_one_answer() {
        let cases: Vec<(Vec<Policy>, bool)> = vec![
            (vec![], true),
            (
                vec![policy(Use::TrainGenai, Decision::LicenceRequired)],
                true,
            ),
            // Generative training allowed, other training not: one switch can only say "reserved".
            (vec![policy(Use::TrainGenai, Decision::Allow)], true),
            (vec![policy(Use::TrainAi, Decision::Allow)], true),
            (
                vec![
                    policy(Use::TrainGenai, Decision::Allow),
                    policy(Use::TrainAi, Decision::Allow),
                ],
                false,
            ),
        ];
        for (policies, reserved) in cases {
            for location in ["/", "/*", "/music/*", "/music/"] {
                let f = files(&policies, &[offer()], location);
                assert_eq!(f.reserved, reserved);
                assert_eq!(holder_reserves(&policies), reserved);
                assert!(
                    !(f.http_headers.contains("tdm-reservation: 1")
                        && f.content_usage.contains("train-ai=y")),
                    "{f:?}"
                );
                for (name, r) in read_back(&f, "/music/track.mp3") {
                    assert_eq!(r.reserves_training(), reserved, "{name} {location}: {r:?}");
                    if name != "robots.txt" && name != "html" {
                        assert_eq!(r.tdm_reserved, Some(reserved), "{name} {location}");
                    }
                }
                if location.starts_with("/music") {
                    for (name, r) in read_back(&f, "/video/clip.mp4") {
                        if name == "tdmrep.json" || name == "robots.txt" {
                            assert!(
                                !r.reserves_training(),
                                "{name} {location}: outside the location"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_offer_points_to_its_odrl_policy() {
        let f = files(
            &[policy(Use::TrainGenai, Decision::LicenceRequired)],
            &[offer()],
            "/music/*",
        );
        let back = parse_tdmrep_json(&f.tdmrep_json).unwrap();
        assert_eq!(
            (
                back[0].location.as_str(),
                back[0].tdm_reserved,
                back[0].tdm_policy.as_deref()
            ),
            ("/music/*", Some(true), Some("https://indie.example/p.json"))
        );
        let odrl: serde_json::Value =
            serde_json::from_str(f.odrl_policy.as_deref().unwrap()).unwrap();
        // TDMRep "Specification of the TDM Policy": context, type, profile, assigner, permission.
        assert_eq!(
            odrl["@context"],
            serde_json::json!(["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}])
        );
        assert_eq!(odrl["@type"], "Offer");
        assert_eq!(odrl["profile"], "http://www.w3.org/ns/tdmrep");
        assert_eq!(odrl["assigner"]["vcard:fn"], "Indie Records");
        assert_eq!(
            odrl["assigner"]["vcard:hasEmail"],
            "mailto:licensing@indie.example"
        );
        let permission = &odrl["permission"][0];
        assert_eq!(permission["action"], "tdm:mine");
        assert_eq!(permission["constraint"][0]["leftOperand"], "purpose");
        assert_eq!(
            permission["constraint"][0]["rightOperand"],
            "tdm:non-research"
        );
        assert_eq!(
            permission["constraint"][1]["rightOperand"]["@value"],
            "train-genai"
        );
        assert_eq!(permission["duty"][0]["action"], "obtainConsent");
        let compensate = &permission["duty"][1]["action"][0];
        assert_eq!(compensate["rdf:value"]["@id"], "odrl:compensate");
        assert_eq!(compensate["refinement"][0]["leftOperand"], "payAmount");
        assert_eq!(
            compensate["refinement"][0]["rightOperand"]["@value"],
            "250.00"
        );
        assert_eq!(
            compensate["refinement"][0]["unit"],
            "http://cvx.iptc.org/iso4217a/EUR"
        );
        // A URL contact goes in hasURL; no contact, or nonsense, is refused.
        let with_url = export(
            &party(),
            &[],
            &[offer()],
            "/",
            Some("https://indie.example/p.json"),
            Some("https://indie.example/licensing"),
        )
        .unwrap();
        assert!(
            with_url
                .odrl_policy
                .unwrap()
                .contains("\"vcard:hasURL\": \"https://indie.example/licensing\"")
        );
        for contact in [None, Some("not a contact")] {
            assert!(
                export(
                    &party(),
                    &[],
                    &[offer()],
                    "/",
                    Some("https://indie.example/p.json"),
                    contact
                )
                .is_err()
            );
        }
        assert!(
            export(&party(), &[], &[], "music", None, None).is_err(),
            "a location is a path"
        );
    }

    /// The exported files, byte for byte, against expected files written by hand from the
    /// TDMRep final report (JSON rule, header and meta names) and draft-ietf-aipref-attach (the
    /// `Content-Usage` header and robots.txt rule).
    #[test]
    fn exports_match_the_hand_written_expected_files() {
        let f = files(
            &[policy(Use::TrainGenai, Decision::LicenceRequired)],
            &[offer()],
            "/music/*",
        );
        let expected_tdmrep = "[\n  {\n    \"location\": \"/music/*\",\n    \"tdm-reservation\": 1,\n    \"tdm-policy\": \"https://indie.example/p.json\"\n  }\n]";
        assert_eq!(f.tdmrep_json, expected_tdmrep);
        assert_eq!(
            f.http_headers,
            "tdm-reservation: 1\r\ntdm-policy: https://indie.example/p.json\r\nContent-Usage: train-ai=n\r\n"
        );
        assert_eq!(
            f.html_meta,
            "<meta name=\"tdm-reservation\" content=\"1\">\n<meta name=\"tdm-policy\" content=\"https://indie.example/p.json\">\n"
        );
        assert!(
            f.robots_txt
                .ends_with("User-Agent: *\nContent-Usage: /music/ train-ai=n\n"),
            "{}",
            f.robots_txt
        );
        assert!(
            !f.robots_txt
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("allow")),
            "never an Allow line"
        );
        assert_eq!(f.content_usage, "train-ai=n");
    }

    #[test]
    fn exported_robots_lines_appended_to_a_closed_site_keep_it_closed_and_read_back() {
        let f = files(&[], &[], "/music/*");
        let existing = "User-agent: *\nDisallow: /\n\nUser-agent: GoodBot\nDisallow: /private/\n";
        let merged = format!("{existing}\n{}", f.robots_txt);
        let findings = parse_robots(&merged, "AnyBot").unwrap();
        assert!(resolve(&findings, "/music/a.mp3").reserves_training());
        // A crawler with a group of its own reads only that group: the merge note says to add
        // the line there too.
        assert!(
            f.robots_txt
                .contains("add the Content-Usage line to each group")
        );
        let own = merged.replace(
            "User-agent: GoodBot\nDisallow: /private/\n",
            "User-agent: GoodBot\nDisallow: /private/\nContent-Usage: /music/ train-ai=n\n",
        );
        assert!(
            resolve(&parse_robots(&own, "GoodBot").unwrap(), "/music/a.mp3").reserves_training()
        );
    }

    #[test]
    fn path_patterns_match_as_tdmrep_and_robots_txt_say() {
        // TDMRep's examples: "/" and "/directory-a/" cover what is under them.
        for (pattern, path, expected) in [
            ("/", "/anything/at/all.mp3", true),
            ("/directory-a/", "/directory-a/", true),
            ("/directory-a/", "/directory-a/b/c.pdf", true),
            ("/directory-a/", "/directory-b/c.pdf", false),
            (
                "/directory-b/images/*.jpg",
                "/directory-b/images/x.jpg",
                true,
            ),
            (
                "/directory-b/images/*.jpg",
                "/directory-b/images/x.jpg.html",
                true,
            ),
            (
                "/directory-b/images/*.jpg$",
                "/directory-b/images/x.jpg.html",
                false,
            ),
            (
                "/directory-b/images/*.jpg$",
                "/directory-b/images/a/x.jpg",
                true,
            ),
            ("/this/path/exactly$", "/this/path/exactly", true),
            ("/this/path/exactly$", "/this/path/exactly/more", false),
            ("/this/*/then", "/this/a/b/then/more", true),
            ("/this/*/then", "/this/then", false),
            ("/*", "/", true),
            ("*", "/x", true),
            ("/Music/", "/music/a", false),
            // Escaped unreserved characters compare decoded; %24 is a literal "$".
            ("/%7Euser/", "/~user/a", true),
            ("/a%2db/", "/a-b/", true),
            ("/path/foo-%24", "/path/foo-%24", true),
            ("/path/foo-%24", "/path/foo-", false),
            ("/a*b*c$", "/aXXbYYc", true),
            ("/a*b*c$", "/aXXbYYcZ", false),
        ] {
            assert_eq!(
                path_pattern_matches(pattern, path),
                expected,
                "{pattern} {path}"
            );
        }
    }

    #[test]
    fn the_specs_examples_read_as_the_specs_say() {
        // TDMRep final report, "TDM File on the Origin Server", its two examples.
        let all = parse_tdmrep_json(r#"[{"location": "/", "tdm-reservation": 1}]"#).unwrap();
        assert!(resolve(&all, "/songs/a.mp3").reserves_training());
        let three = r#"[
            {"location": "/directory-a/", "tdm-reservation": 1},
            {"location": "/directory-b/html/", "tdm-reservation": 1, "tdm-policy": "https://provider.com/policies/policy.json"},
            {"location": "/directory-b/images/*.jpg", "tdm-reservation": 0}
        ]"#;
        let f = parse_tdmrep_json(three).unwrap();
        assert_eq!(
            resolve(&f, "/directory-a/paper.pdf").tdm_reserved,
            Some(true)
        );
        let html = resolve(&f, "/directory-b/html/page.html");
        assert_eq!(
            (html.tdm_reserved, html.tdm_policy.as_deref()),
            (
                Some(true),
                Some("https://provider.com/policies/policy.json")
            )
        );
        assert_eq!(
            resolve(&f, "/directory-b/images/cat.jpg").tdm_reserved,
            Some(false)
        );
        assert_eq!(resolve(&f, "/elsewhere").tdm_reserved, None);
        // The first matching rule wins, even when a later one is longer.
        let order = parse_tdmrep_json(r#"[{"location": "/*", "tdm-reservation": 0}, {"location": "/music/", "tdm-reservation": 1}]"#).unwrap();
        assert_eq!(resolve(&order, "/music/a").tdm_reserved, Some(false));
        // draft-ietf-aipref-attach's robots.txt example.
        let robots = "User-Agent: *\nAllow: /\nDisallow: /never/\nContent-Usage: train-ai=n\nContent-Usage: /ai-ok/ train-ai=y\n\nUser-Agent: ExampleBot\nAllow: /\nContent-Usage: train-ai=y\n";
        let star = parse_robots(robots, "OtherBot").unwrap();
        assert_eq!(
            star.iter()
                .map(|f| (f.location.as_str(), f.ai_training_reserved))
                .collect::<Vec<_>>(),
            vec![("/", Some(true)), ("/ai-ok/", Some(false))]
        );
        assert!(resolve(&star, "/songs/a.mp3").reserves_training());
        assert!(
            !resolve(&star, "/ai-ok/a.mp3").reserves_training(),
            "the most specific rule wins"
        );
        assert_eq!(
            parse_robots(robots, "ExampleBot").unwrap()[0].ai_training_reserved,
            Some(false)
        );
        // The vocabulary's duplicate-key example: the last value is not a token, so unknown.
        assert_eq!(
            content_usage_reserves_training("train-ai=y, train-ai, search=n, search=\"n\""),
            None
        );
        assert_eq!(
            content_usage_reserves_training("TRAIN-AI=n"),
            None,
            "case sensitive: fails to parse"
        );
        let html = r#"<html><head><META name="tdm-reservation" content="1"><meta content='https://x.example/p' name='tdm-policy'></head></html>"#;
        let m = parse_html_meta(html).unwrap();
        assert_eq!(
            (m[0].tdm_reserved, m[0].tdm_policy.as_deref()),
            (Some(true), Some("https://x.example/p"))
        );
    }

    #[test]
    fn robots_groups_for_one_agent_combine_and_conflicts_resolve_to_the_strictest() {
        // RFC 9309 §2.2.1: two groups naming the crawler are one group.
        let robots = "User-agent: fermata\nContent-Usage: /a/ train-ai=y\n\nUser-agent: other\nContent-Usage: train-ai=y\n\nUser-agent: FERMATA\nContent-Usage: /b/ train-ai=n\n\nUser-agent: *\nContent-Usage: train-ai=n\n";
        let f = parse_robots(robots, "fermata").unwrap();
        assert_eq!(f.len(), 2, "the named groups only, not *: {f:?}");
        assert!(!resolve(&f, "/a/x").reserves_training());
        assert!(resolve(&f, "/b/x").reserves_training());
        // Equally specific rules that disagree: the one that disallows holds.
        let conflict = parse_robots(
            "User-agent: *\nContent-Usage: /m/ train-ai=y\nContent-Usage: /m/ train-ai=n\n",
            "x",
        )
        .unwrap();
        assert!(resolve(&conflict, "/m/1").reserves_training());
        // A more specific rule that says nothing about training does not lift a reservation.
        let silent = parse_robots(
            "User-agent: *\nContent-Usage: train-ai=n\nContent-Usage: /m/ search=y\n",
            "x",
        )
        .unwrap();
        assert!(resolve(&silent, "/m/1").reserves_training());
        // robots.txt and the header disagree: the stricter holds.
        let mut both = parse_robots("User-agent: *\nContent-Usage: train-ai=y\n", "x").unwrap();
        both.extend(parse_headers("Content-Usage: train-ai=n\n").unwrap());
        assert!(resolve(&both, "/m/1").reserves_training());
    }

    #[test]
    fn repeated_header_lines_are_one_field() {
        // RFC 9110 §5.3: the lines join with commas; in the dictionary the last key counts.
        let f = parse_headers("Content-Usage: search=y\nContent-Usage: train-ai=n\n").unwrap();
        assert_eq!(f[0].ai_training_reserved, Some(true));
        let f = parse_headers("Content-Usage: train-ai=n\ncontent-usage: train-ai=y\n").unwrap();
        assert_eq!(f[0].ai_training_reserved, Some(false));
        let f = parse_headers("tdm-reservation: 1\ntdm-reservation: 1\n").unwrap();
        assert_eq!(f[0].tdm_reserved, Some(true));
        let f = parse_headers("tdm-reservation: 1\nTDM-Reservation: 0\n").unwrap();
        assert_eq!(
            f[0].tdm_reserved, None,
            "disagreeing lines are a protocol error: unset"
        );
        assert!(f[0].problems[0].contains("protocol error"), "{f:?}");
        // TDMRep processing priority: the header supersedes the file, the meta the header.
        let mut all = parse_tdmrep_json(r#"[{"location": "/", "tdm-reservation": 1}]"#).unwrap();
        all.extend(parse_headers("tdm-reservation: 0\n").unwrap());
        assert_eq!(resolve(&all, "/x").tdm_reserved, Some(false));
        all.extend(parse_html_meta("<meta name=\"tdm-reservation\" content=\"1\">").unwrap());
        assert_eq!(resolve(&all, "/x").tdm_reserved, Some(true));
        // An absent value resets nothing.
        all.extend(parse_headers("Content-Type: audio/mpeg\n").unwrap());
        assert_eq!(resolve(&all, "/x").tdm_reserved, Some(true));
    }

    #[test]
    fn a_bad_rule_is_ignored_and_the_rest_of_the_file_still_counts() {
        let text = r#"[
            {"location": 3, "tdm-reservation": 1},
            "not a rule",
            {"location": "/a/", "tdm-reservation": 2},
            {"location": "/a/", "tdm-reservation": 1, "tdm-policy": "ftp://x", "future-member": true},
            {"location": "/", "tdm-reservation": 0}
        ]"#;
        let f = parse_tdmrep_json(text).unwrap();
        assert_eq!(f.len(), 5);
        assert!(f[0].problems[0].contains("location"), "{f:?}");
        assert!(f[1].problems[0].contains("not an object"));
        assert!(f[2].problems[0].contains("0 or 1"));
        assert_eq!(f[3].tdm_reserved, Some(true));
        assert_eq!(f[3].tdm_policy, None);
        assert!(f[3].problems.iter().any(|p| p.contains("policy ignored")));
        assert!(
            f[3].problems
                .iter()
                .any(|p| p.contains("unknown member \"future-member\" ignored"))
        );
        let r = resolve(&f, "/a/song.mp3");
        assert_eq!(
            r.tdm_reserved,
            Some(true),
            "the bad rule before it is skipped: {r:?}"
        );
        assert_eq!(resolve(&f, "/b").tdm_reserved, Some(false));
    }

    #[test]
    fn bad_inputs_get_clear_errors() {
        assert!(
            parse_tdmrep_json("{")
                .unwrap_err()
                .to_string()
                .contains("not JSON")
        );
        assert!(
            parse_tdmrep_json(r#"{"location": "/"}"#)
                .unwrap_err()
                .to_string()
                .contains("array")
        );
        let huge = format!("Content-Usage: {}\n", "a".repeat(MAX_LINE + 1));
        assert!(
            parse_headers(&huge)
                .unwrap_err()
                .to_string()
                .contains("longer than")
        );
        let f = parse_headers("tdm-reservation: yes\n").unwrap();
        assert_eq!(f[0].tdm_reserved, None);
        assert!(f[0].problems[0].contains("0 or 1"));
        // Garbage lines in robots.txt are skipped, as crawlers do.
        let robots =
            "%%%garbage\n\u{0}\u{1}\nUser-Agent: *\nnonsense here\nContent-Usage: train-ai=n\n";
        assert_eq!(
            parse_robots(robots, "x").unwrap()[0].ai_training_reserved,
            Some(true)
        );
        assert!(parse_robots(&"x".repeat(MAX_DOCUMENT + 1), "x").is_err());
        let many: String = format!(
            "[{}]",
            vec![r#"{"location":"/","tdm-reservation":1}"#; MAX_RULES + 5].join(",")
        );
        let f = parse_tdmrep_json(&many).unwrap();
        assert_eq!(f.len(), MAX_RULES + 1);
        assert!(f[MAX_RULES].problems[0].contains("5 rules after"));
    }
}
