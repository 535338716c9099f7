//! Where a dataset's files came from, and whether those sources reserved their rights: the
//! TDMRep file of the origin (`/.well-known/tdmrep.json`), its robots.txt `Content-Usage` rules,
//! and the headers of the URL itself, read as a crawler would.

use crate::ClearanceError;
use fermata_report::reservations::{self, Finding};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The product token fermata reads robots.txt groups for.
pub const AGENT: &str = "fermata";

/// Reads a sources file: CSV with a header row `path,url` (path relative to the dataset).
pub fn read_sources(file: &Path) -> Result<HashMap<String, String>, ClearanceError> {
    let text = std::fs::read_to_string(file).map_err(crate::io(file))?;
    let bad = |line: Option<u64>, reason: String| ClearanceError::SourcesFile {
        path: file.to_path_buf(),
        line,
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad(None, e.to_string()))?
        .clone();
    if headers.iter().collect::<Vec<_>>() != ["path", "url"] {
        return Err(bad(None, "the header row must be `path,url`".into()));
    }
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.position().map(|p| p.line()), e.to_string()))?;
        let line = row.position().map(|p| p.line());
        let (path, url) = (row.get(0).unwrap_or(""), row.get(1).unwrap_or(""));
        if !is_http_url(url) {
            return Err(bad(line, format!("'{url}' is not an http(s) URL")));
        }
        out.insert(path.trim_start_matches("./").to_string(), url.to_string());
    }
    Ok(out)
}

/// Is `target` an http(s) URL (fetched) rather than a file (read)?
pub fn is_http_url(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://")
}

/// What one reservation source says, read as a crawler would ([`check`]).
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Checked {
    /// A URL: its origin's tdmrep.json and robots.txt, and its own response headers.
    Url {
        /// The URL.
        url: String,
        /// Why AI training is reserved there, or None.
        reason: Option<String>,
    },
    /// A file: a tdmrep.json, robots.txt, HTML page, or HTTP header lines.
    File {
        /// The file as named.
        file: String,
        /// What it states, one finding per rule.
        findings: Vec<Finding>,
    },
}

impl Checked {
    /// Does the source reserve AI training?
    pub fn reserves_training(&self) -> bool {
        match self {
            Checked::Url { reason, .. } => reason.is_some(),
            Checked::File { findings, .. } => findings.iter().any(Finding::reserves_training),
        }
    }
}

/// Reads one reservation source, `target`: an http(s) URL (its origin's
/// `/.well-known/tdmrep.json` and `/robots.txt`, and its own headers, fetched by `fetcher`) or a
/// file (at most [`reservations::MAX_DOCUMENT`] bytes; `robots.txt` is read for `agent`'s
/// groups, any other file by its name or content). The CLI's `reservations check` and the scan's
/// `--sources` both read sources here.
pub fn check(target: &str, agent: &str, fetcher: &mut Fetcher) -> Result<Checked, ClearanceError> {
    if is_http_url(target) {
        return Ok(Checked::Url {
            url: target.into(),
            reason: fetcher.reserved(target)?,
        });
    }
    let path = Path::new(target);
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(reservations::MAX_DOCUMENT as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(crate::io(path))?;
    if bytes.len() > reservations::MAX_DOCUMENT {
        return Err(ClearanceError::Invalid(format!(
            "{target}: larger than {} KiB, which no reservation document needs",
            reservations::MAX_DOCUMENT >> 10
        )));
    }
    let text = String::from_utf8_lossy(&bytes);
    let findings = reservations::parse_any(target, &text, agent)?;
    Ok(Checked::File {
        file: target.into(),
        findings,
    })
}

/// What an origin's `/.well-known/tdmrep.json` and `/robots.txt` said (or why they could not be
/// read), fetched once per origin.
type OriginFindings = (
    Result<Vec<Finding>, ClearanceError>,
    Result<Vec<Finding>, ClearanceError>,
);

/// Fetches documents with limits: 10 s per request, 2 MiB per body, redirects followed.
pub struct Fetcher {
    agent: ureq::Agent,
    origins: HashMap<String, OriginFindings>,
}

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher {
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(10))
                .user_agent(concat!(
                    "fermata/",
                    env!("CARGO_PKG_VERSION"),
                    " (rights reservation check)"
                ))
                .build(),
            origins: HashMap::new(),
        }
    }
}

fn origin_and_path(url: &str) -> Option<(String, String)> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let path_start = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let path = rest[path_start..].split(['?', '#']).next().unwrap_or("");
    Some((
        url[..scheme_end + path_start].to_string(),
        if path.is_empty() {
            "/".into()
        } else {
            path.to_string()
        },
    ))
}

/// Does a TDMRep location pattern (`*` matches anything) cover `path`?
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == path;
    }
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return part.is_empty() || rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

impl Fetcher {
    fn get(&self, url: &str) -> Result<(Vec<(String, String)>, String), ClearanceError> {
        let response = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(404, _)) => return Ok((Vec::new(), String::new())),
            Err(ureq::Error::Status(code, r)) => {
                return Ok((headers_of(&r), format!("\u{0}status {code}")));
            }
            Err(e) => return Err(fetch_error(url, e)),
        };
        let headers = headers_of(&response);
        let mut body = Vec::new();
        response
            .into_reader()
            .take(reservations::MAX_DOCUMENT as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| fetch_error(url, e))?;
        Ok((headers, String::from_utf8_lossy(&body).into_owned()))
    }

    /// The response headers of `url`, from a HEAD request: the file itself (often audio, and
    /// already in the dataset) is not downloaded again. A server that refuses HEAD gets a GET.
    fn head(&self, url: &str) -> Result<Vec<(String, String)>, ClearanceError> {
        match self.agent.head(url).call() {
            Ok(r) => Ok(headers_of(&r)),
            Err(ureq::Error::Status(405 | 501, _)) => self.get(url).map(|(h, _)| h),
            Err(ureq::Error::Status(_, r)) => Ok(headers_of(&r)),
            Err(e) => Err(fetch_error(url, e)),
        }
    }

    /// What the source at `url` says about AI training: the reason it is reserved, or None.
    /// A source that cannot be read is not taken as reserving anything, and says so.
    pub fn reserved(&mut self, url: &str) -> Result<Option<String>, ClearanceError> {
        let (origin, path) = origin_and_path(url)
            .ok_or_else(|| ClearanceError::Invalid(format!("'{url}' is not a URL")))?;
        if !self.origins.contains_key(&origin) {
            let tdmrep = self
                .get(&format!("{origin}/.well-known/tdmrep.json"))
                .and_then(|(_, body)| {
                    if body.is_empty() || body.starts_with('\u{0}') {
                        Ok(Vec::new())
                    } else {
                        Ok(reservations::parse_tdmrep_json(&body)?)
                    }
                });
            let robots = self
                .get(&format!("{origin}/robots.txt"))
                .and_then(|(_, body)| {
                    if body.starts_with('\u{0}') {
                        Ok(Vec::new())
                    } else {
                        Ok(reservations::parse_robots(&body, AGENT)?)
                    }
                });
            self.origins.insert(origin.clone(), (tdmrep, robots));
        }
        let (tdmrep, robots) = &self.origins[&origin];
        if let Ok(rules) = tdmrep
            && let Some(rule) = rules.iter().find(|r| pattern_matches(&r.location, &path))
            && rule.tdm_reserved == Some(true)
        {
            return Ok(Some(format!(
                "{origin}/.well-known/tdmrep.json reserves {} (TDMRep)",
                rule.location
            )));
        }
        if let Ok(rules) = robots {
            let best = rules
                .iter()
                .filter(|r| path.starts_with(&r.location))
                .max_by_key(|r| r.location.len());
            if let Some(rule) = best
                && rule.ai_training_reserved == Some(true)
            {
                return Ok(Some(format!(
                    "{origin}/robots.txt: Content-Usage train-ai=n for {}",
                    rule.location
                )));
            }
        }
        let headers = self.head(url)?;
        let text: String = headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        if let Ok(found) = reservations::parse_headers(&text)
            && found.iter().any(Finding::reserves_training)
        {
            return Ok(Some(format!(
                "{url}: its response headers reserve AI training"
            )));
        }
        Ok(None)
    }
}

fn fetch_error(url: &str, e: impl std::fmt::Display) -> ClearanceError {
    ClearanceError::Fetch {
        url: url.into(),
        reason: e.to_string(),
    }
}

fn headers_of(r: &ureq::Response) -> Vec<(String, String)> {
    r.headers_names()
        .into_iter()
        .filter_map(|n| r.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_origin_and_path() {
        assert_eq!(
            origin_and_path("https://a.example/music/x.mp3?dl=1"),
            Some(("https://a.example".into(), "/music/x.mp3".into()))
        );
        assert_eq!(
            origin_and_path("http://a.example"),
            Some(("http://a.example".into(), "/".into()))
        );
        assert_eq!(origin_and_path("nope"), None);
    }

    #[test]
    fn tdmrep_patterns() {
        assert!(pattern_matches("/*", "/anything"));
        assert!(pattern_matches("/music/*", "/music/a.mp3"));
        assert!(!pattern_matches("/music/*", "/video/a.mp4"));
        assert!(pattern_matches("/*.mp3", "/x/y.mp3"));
        assert!(pattern_matches("/exact", "/exact"));
        assert!(!pattern_matches("/exact", "/exact/more"));
    }

    #[test]
    fn files_are_read_by_kind_with_limits_and_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p.to_string_lossy().into_owned()
        };
        let mut fetcher = Fetcher::default();
        let robots = write(
            "robots.txt",
            "User-Agent: fermata\nContent-Usage: train-ai=n\n\nUser-Agent: *\nContent-Usage: train-ai=y\n",
        );
        // robots.txt is read for the agent's own group.
        assert!(
            check(&robots, "fermata", &mut fetcher)
                .unwrap()
                .reserves_training()
        );
        assert!(
            !check(&robots, "other-bot", &mut fetcher)
                .unwrap()
                .reserves_training()
        );
        let tdmrep = write(
            "tdmrep.json",
            r#"[{"location": "/*", "tdm-reservation": 1}]"#,
        );
        assert!(
            check(&tdmrep, "*", &mut fetcher)
                .unwrap()
                .reserves_training()
        );
        let headers = write("h.txt", "HTTP/1.1 200 OK\nContent-Usage: train-ai=y\n");
        let Checked::File { findings, .. } = check(&headers, "*", &mut fetcher).unwrap() else {
            panic!("a file is read as a file");
        };
        assert_eq!(findings[0].ai_training_reserved, Some(false));
        // Malformed, missing and oversized files are typed errors, never "not reserved".
        let broken = write("tdmrep.json.bad.json", "[{\"location\": 1}]");
        assert!(matches!(
            check(&broken, "*", &mut fetcher),
            Err(ClearanceError::Report(_))
        ));
        assert!(matches!(
            check(
                &format!("{}/missing.txt", dir.path().display()),
                "*",
                &mut fetcher
            ),
            Err(ClearanceError::Io { .. })
        ));
        let huge = write("big.txt", &"x".repeat(reservations::MAX_DOCUMENT + 1));
        assert!(matches!(
            check(&huge, "*", &mut fetcher),
            Err(ClearanceError::Invalid(_))
        ));
    }

    #[test]
    fn a_sources_file_names_the_line_at_fault() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sources.csv");
        std::fs::write(
            &p,
            "path,url\na.mp3,https://a.example/a.mp3\nb.mp3,ftp://b\n",
        )
        .unwrap();
        let err = read_sources(&p).unwrap_err();
        assert!(matches!(
            err,
            ClearanceError::SourcesFile { line: Some(3), .. }
        ));
        assert!(
            err.to_string()
                .contains("line 3: 'ftp://b' is not an http(s) URL"),
            "{err}"
        );
        std::fs::write(&p, "file,link\n").unwrap();
        assert!(
            read_sources(&p)
                .unwrap_err()
                .to_string()
                .contains("`path,url`")
        );
        std::fs::write(&p, "path,url\n./a.mp3,https://a.example/a.mp3\n").unwrap();
        assert_eq!(
            read_sources(&p).unwrap()["a.mp3"],
            "https://a.example/a.mp3"
        );
    }
}
