//! Machine-readable rights reservations, out and in.
//!
//! Out: from a holder's catalogue policies and offers, the W3C TDMRep files (community group
//! final report: `/.well-known/tdmrep.json`, the `tdm-reservation` / `tdm-policy` HTTP headers,
//! an ODRL policy with the TDMRep profile) and the IETF AI-preferences signals: the
//! `Content-Usage` header and robots.txt rule of draft-ietf-aipref-attach with the vocabulary of
//! draft-ietf-aipref-vocab-08 (labels `train-ai`, "AI model training", i.e. models that generate
//! content, and `search`; working-group copy of 2026-08-19).
//!
//! In: the same signals parsed as a crawler reads them, strictly, reporting per location
//! whether text-and-data mining and AI training are reserved.

use crate::ReportError;
use crate::sfv::{Item, parse_dictionary};
use fermata_registry::{Decision, Offer, Party, Policy, PriceModel, Use};
use serde::Serialize;

/// The AI-preferences drafts implemented.
pub const AIPREF_DRAFTS: &str =
    "draft-ietf-aipref-vocab-08, draft-ietf-aipref-attach (WG copy 2026-08-19)";
/// Longest header line or robots.txt line read; longer ones are refused.
pub const MAX_LINE: usize = 8 * 1024;
/// Largest document read.
pub const MAX_DOCUMENT: usize = 2 << 20;

/// Everything a holder publishes.
#[derive(Clone, Debug, Serialize)]
pub struct ReservationFiles {
    /// `/.well-known/tdmrep.json`.
    pub tdmrep_json: String,
    /// HTTP response header lines for its audio.
    pub http_headers: String,
    /// The `Content-Usage` value alone.
    pub content_usage: String,
    /// Lines for `/robots.txt`.
    pub robots_txt: String,
    /// The TDMRep ODRL policy (when a licence is on offer and a policy URL is given).
    pub odrl_policy: Option<String>,
}

fn catalogue_decision(policies: &[Policy], use_: Use) -> Decision {
    policies
        .iter()
        .find(|p| p.isrc.is_none() && p.use_ == use_ && p.territories.is_empty())
        .map_or(Decision::Deny, |p| p.decision)
}

/// Builds the files from the holder's catalogue-wide policies (nothing set: reserved) and its
/// standing offers. `location` is the TDMRep path pattern they cover (e.g. `/music/*`);
/// `policy_url` is where the ODRL policy will be published.
pub fn export(
    holder: &Party,
    policies: &[Policy],
    offers: &[Offer],
    location: &str,
    policy_url: Option<&str>,
) -> ReservationFiles {
    let genai = catalogue_decision(policies, Use::TrainGenai);
    let ai = catalogue_decision(policies, Use::TrainAi);
    let offers: Vec<&Offer> = offers
        .iter()
        .filter(|o| o.withdrawn_at.is_none() && matches!(o.use_, Use::TrainGenai | Use::TrainAi))
        .collect();
    let on_offer =
        !offers.is_empty() || genai == Decision::LicenceRequired || ai == Decision::LicenceRequired;
    // TDM for scientific research cannot be reserved under EU law; commercial mining and
    // training can, and are reserved unless the holder allows both.
    let reserved = !(genai == Decision::Allow && ai == Decision::Allow);
    let policy = policy_url.filter(|_| reserved && on_offer);
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
    let content_usage = format!(
        "train-ai={}",
        if genai == Decision::Allow { "y" } else { "n" }
    );
    let mut http_headers = format!("tdm-reservation: {}\r\n", u8::from(reserved));
    if let Some(url) = policy {
        http_headers.push_str(&format!("tdm-policy: {url}\r\n"));
    }
    http_headers.push_str(&format!("Content-Usage: {content_usage}\r\n"));
    let robots_txt = format!(
        "# AI usage preferences of {} ({AIPREF_DRAFTS})\nUser-Agent: *\nAllow: /\nContent-Usage: {content_usage}\n",
        holder.name
    );
    let odrl_policy = policy.map(|url| {
        let permissions: Vec<serde_json::Value> = offers
            .iter()
            .map(|o| {
                let mut duty = serde_json::json!({"action": "compensate"});
                if o.price.model != PriceModel::PoolShare {
                    duty["constraint"] = serde_json::json!([{
                        "leftOperand": "payAmount",
                        "operator": "eq",
                        "rightOperand": {"@value": fermata_registry::format_money(o.price.amount_minor, &o.price.currency).split(' ').next().unwrap_or("0").to_string(), "@type": "xsd:decimal"},
                        "unit": format!("http://cvx.iptc.org/iso4217a/{}", o.price.currency),
                    }]);
                }
                serde_json::json!({
                    "target": format!("{url}#{}", o.id),
                    "action": "tdm:mine",
                    "purpose": o.use_.as_str(),
                    "duty": [duty],
                })
            })
            .collect();
        let permissions = if permissions.is_empty() {
            vec![serde_json::json!({"target": url, "action": "tdm:mine", "duty": [{"action": "compensate"}]})]
        } else {
            permissions
        };
        serde_json::to_string_pretty(&serde_json::json!({
            "@context": ["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}],
            "@type": "Offer",
            "profile": "http://www.w3.org/ns/tdmrep",
            "uid": url,
            "assigner": {"uid": format!("fermata:party:{}", holder.id), "vcard:fn": holder.name},
            "permission": permissions,
        }))
        .unwrap_or_default()
    });
    ReservationFiles {
        tdmrep_json,
        http_headers,
        content_usage,
        robots_txt,
        odrl_policy,
    }
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

/// Reads a TDMRep `tdmrep.json`: an array of rules with `location` (string), `tdm-reservation`
/// (0 or 1) and, with a reservation, an optional `tdm-policy` URL.
pub fn parse_tdmrep_json(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(TDMREP, text)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(TDMREP, format!("not JSON: {e}")))?;
    let rules = value
        .as_array()
        .ok_or_else(|| bad(TDMREP, "tdmrep.json must be a JSON array of rules".into()))?;
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let obj = rule
            .as_object()
            .ok_or_else(|| bad(TDMREP, format!("rule {i} is not an object")))?;
        let location = obj
            .get("location")
            .and_then(|l| l.as_str())
            .ok_or_else(|| bad(TDMREP, format!("rule {i} has no \"location\" string")))?;
        let reserved = match obj.get("tdm-reservation").and_then(|r| r.as_u64()) {
            Some(0) => false,
            Some(1) => true,
            _ => {
                return Err(bad(
                    TDMREP,
                    format!("rule {i}: \"tdm-reservation\" must be 0 or 1"),
                ));
            }
        };
        let policy = match obj.get("tdm-policy") {
            None => None,
            Some(serde_json::Value::String(u))
                if u.starts_with("http://") || u.starts_with("https://") =>
            {
                Some(u.clone())
            }
            Some(_) => {
                return Err(bad(
                    TDMREP,
                    format!("rule {i}: \"tdm-policy\" must be an http(s) URL"),
                ));
            }
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "location" | "tdm-reservation" | "tdm-policy"))
        {
            return Err(bad(TDMREP, format!("rule {i}: unknown member \"{k}\"")));
        }
        let mut f = finding(Source::TdmrepJson, location);
        f.tdm_reserved = Some(reserved);
        f.tdm_policy = policy;
        out.push(f);
    }
    Ok(out)
}

/// Reads HTTP header lines (`Name: value`, one per line, e.g. from `curl -I`).
pub fn parse_headers(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(HEADERS, text)?;
    let mut f = finding(Source::Header, "*");
    for (n, line) in text.lines().enumerate() {
        if line.len() > MAX_LINE {
            return Err(bad(
                HEADERS,
                format!("line {}: a header longer than {MAX_LINE} bytes", n + 1),
            ));
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "tdm-reservation" => {
                f.tdm_reserved = match value {
                    "1" => Some(true),
                    "0" => Some(false),
                    other => {
                        return Err(bad(
                            HEADERS,
                            format!(
                                "line {}: tdm-reservation must be 0 or 1, not '{other}'",
                                n + 1
                            ),
                        ));
                    }
                }
            }
            "tdm-policy" => f.tdm_policy = Some(value.to_string()),
            "content-usage" => f.ai_training_reserved = content_usage_reserves_training(value),
            _ => {}
        }
    }
    Ok(vec![f])
}

/// Reads `<meta name="tdm-reservation" content="1">` and `<meta name="tdm-policy" ...>` from HTML.
pub fn parse_html_meta(text: &str) -> Result<Vec<Finding>, ReportError> {
    check_size(HTML, text)?;
    let mut f = finding(Source::HtmlMeta, "*");
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("<meta") {
        let start = from + pos;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &text[start..end];
        let attr = |name: &str| attribute(tag, name);
        if let (Some(name), Some(content)) = (attr("name"), attr("content")) {
            match name.to_ascii_lowercase().as_str() {
                "tdm-reservation" => {
                    f.tdm_reserved = match content.trim() {
                        "1" => Some(true),
                        "0" => Some(false),
                        other => {
                            return Err(bad(
                                HTML,
                                format!("meta tdm-reservation must be 0 or 1, not '{other}'"),
                            ));
                        }
                    }
                }
                "tdm-policy" => f.tdm_policy = Some(content.trim().to_string()),
                _ => {}
            }
        }
        from = end;
    }
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

/// Reads robots.txt as a crawler named `agent` would: the group for `agent` (else `*`), and its
/// `Content-Usage` rules, one finding per rule. Unknown lines are ignored, as the Robots
/// Exclusion Protocol (RFC 9309) requires; over-long lines are an error.
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
                if let Some(g) = groups.last_mut() {
                    g.1.push(value.to_string());
                }
            }
            _ => in_agents = false,
        }
    }
    let agent = agent.to_ascii_lowercase();
    let group = groups
        .iter()
        .find(|g| g.0.iter().any(|a| a == &agent))
        .or_else(|| groups.iter().find(|g| g.0.iter().any(|a| a == "*")));
    let Some((_, rules)) = group else {
        return Ok(Vec::new());
    };
    Ok(rules
        .iter()
        .map(|value| {
            let (path, pref) = if value.starts_with('/') {
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
    {
        parse_html_meta(text)
    } else {
        parse_headers(text)
    }
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
        }
    }

    #[test]
    fn nothing_set_exports_a_reservation_and_parses_back() {
        let files = export(
            &party(),
            &[],
            &[],
            "/*",
            Some("https://indie.example/tdm-policy.json"),
        );
        assert_eq!(files.content_usage, "train-ai=n");
        let back = parse_tdmrep_json(&files.tdmrep_json).unwrap();
        assert_eq!(back[0].tdm_reserved, Some(true));
        assert_eq!(back[0].tdm_policy, None, "no offer: no policy to point to");
        let headers = parse_headers(&files.http_headers).unwrap();
        assert!(headers[0].reserves_training());
        let robots = parse_robots(&files.robots_txt, "SomeBot").unwrap();
        assert_eq!(robots[0].ai_training_reserved, Some(true));
    }

    #[test]
    fn an_offer_points_to_its_odrl_policy() {
        let files = export(
            &party(),
            &[policy(Use::TrainGenai, Decision::LicenceRequired)],
            &[offer()],
            "/music/*",
            Some("https://indie.example/p.json"),
        );
        let back = parse_tdmrep_json(&files.tdmrep_json).unwrap();
        assert_eq!(
            (
                back[0].location.as_str(),
                back[0].tdm_reserved,
                back[0].tdm_policy.as_deref()
            ),
            ("/music/*", Some(true), Some("https://indie.example/p.json"))
        );
        let odrl: serde_json::Value =
            serde_json::from_str(files.odrl_policy.as_deref().unwrap()).unwrap();
        assert_eq!(odrl["profile"], "http://www.w3.org/ns/tdmrep");
        assert_eq!(odrl["permission"][0]["action"], "tdm:mine");
        assert_eq!(
            odrl["permission"][0]["duty"][0]["constraint"][0]["rightOperand"]["@value"],
            "250.00"
        );
    }

    /// The exported files, byte for byte, against expected files written by hand from the
    /// TDMRep final report (JSON rule and header names) and draft-ietf-aipref-attach (the
    /// `Content-Usage` header and robots.txt rule).
    #[test]
    fn exports_match_the_hand_written_expected_files() {
        let files = export(
            &party(),
            &[policy(Use::TrainGenai, Decision::LicenceRequired)],
            &[offer()],
            "/music/*",
            Some("https://indie.example/p.json"),
        );
        let expected_tdmrep = "[\n  {\n    \"location\": \"/music/*\",\n    \"tdm-reservation\": 1,\n    \"tdm-policy\": \"https://indie.example/p.json\"\n  }\n]";
        assert_eq!(files.tdmrep_json, expected_tdmrep);
        assert_eq!(
            files.http_headers,
            "tdm-reservation: 1\r\ntdm-policy: https://indie.example/p.json\r\nContent-Usage: train-ai=n\r\n"
        );
        assert_eq!(
            files.robots_txt,
            format!(
                "# AI usage preferences of Indie Records ({AIPREF_DRAFTS})\nUser-Agent: *\nAllow: /\nContent-Usage: train-ai=n\n"
            )
        );
        assert_eq!(files.content_usage, "train-ai=n");
    }

    #[test]
    fn allowing_training_lifts_both_reservations() {
        let files = export(
            &party(),
            &[
                policy(Use::TrainGenai, Decision::Allow),
                policy(Use::TrainAi, Decision::Allow),
            ],
            &[],
            "/*",
            None,
        );
        assert_eq!(files.content_usage, "train-ai=y");
        assert_eq!(
            parse_tdmrep_json(&files.tdmrep_json).unwrap()[0].tdm_reserved,
            Some(false)
        );
    }

    #[test]
    fn the_specs_examples_read_as_the_specs_say() {
        // TDMRep final report, section on the JSON file (shape of its example).
        let tdmrep = r#"[{"location": "/*", "tdm-reservation": 1, "tdm-policy": "https://provider.com/policies/policy.json"},
                         {"location": "/research/*", "tdm-reservation": 0}]"#;
        let f = parse_tdmrep_json(tdmrep).unwrap();
        assert_eq!(
            (f[0].tdm_reserved, f[1].tdm_reserved),
            (Some(true), Some(false))
        );
        // draft-ietf-aipref-attach's robots.txt example.
        let robots = "User-Agent: *\nAllow: /\nDisallow: /never/\nContent-Usage: train-ai=n\nContent-Usage: /ai-ok/ train-ai=y\n\nUser-Agent: ExampleBot\nAllow: /\nContent-Usage: train-ai=y\n";
        let star = parse_robots(robots, "OtherBot").unwrap();
        assert_eq!(
            star.iter()
                .map(|f| (f.location.as_str(), f.ai_training_reserved))
                .collect::<Vec<_>>(),
            vec![("/", Some(true)), ("/ai-ok/", Some(false))]
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
        assert!(
            parse_tdmrep_json(r#"[{"location": "/", "tdm-reservation": 2}]"#)
                .unwrap_err()
                .to_string()
                .contains("0 or 1")
        );
        assert!(
            parse_tdmrep_json(r#"[{"location": "/", "tdm-reservation": 1, "extra": true}]"#)
                .unwrap_err()
                .to_string()
                .contains("unknown member")
        );
        assert!(
            parse_headers("tdm-reservation: yes\n")
                .unwrap_err()
                .to_string()
                .contains("0 or 1")
        );
        let huge = format!("Content-Usage: {}\n", "a".repeat(MAX_LINE + 1));
        assert!(
            parse_headers(&huge)
                .unwrap_err()
                .to_string()
                .contains("longer than")
        );
        // Garbage lines in robots.txt are skipped, as crawlers do.
        let robots =
            "%%%garbage\n\u{0}\u{1}\nUser-Agent: *\nnonsense here\nContent-Usage: train-ai=n\n";
        assert_eq!(
            parse_robots(robots, "x").unwrap()[0].ai_training_reserved,
            Some(true)
        );
        assert!(parse_robots(&"x".repeat(MAX_DOCUMENT + 1), "x").is_err());
    }
}
