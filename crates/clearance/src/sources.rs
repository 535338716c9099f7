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
    /// Does the source reserve AI training (a file: anywhere it covers)?
    pub fn reserves_training(&self) -> bool {
        match self {
            Checked::Url { reason, .. } => reason.is_some(),
            Checked::File { findings, .. } => findings.iter().any(Finding::reserves_training),
        }
    }

    /// What a file's findings say for one path, resolved as a crawler must
    /// ([`reservations::resolve`]); None for a URL, whose answer is already for its own path.
    pub fn resolve(&self, path: &str) -> Option<reservations::Resolved> {
        match self {
            Checked::File { findings, .. } => Some(reservations::resolve(findings, path)),
            Checked::Url { .. } => None,
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

/// What an origin's `/.well-known/tdmrep.json` and `/robots.txt` said, or why they could not be
/// read (the document's URL and the reason), fetched once per origin.
type OriginFindings = Result<Vec<Finding>, (String, String)>;

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
                .redirects(5)
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
    // The query is part of what a pattern matches (RFC 9309 §2.2.2); the fragment is never sent.
    let path = rest[path_start..].split('#').next().unwrap_or("");
    Some((
        url[..scheme_end + path_start].to_string(),
        if path.is_empty() || path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_string()
        },
    ))
}

/// A document fetched, or known to be absent.
enum Fetched {
    /// No such document: a 4xx other than 429 (RFC 9309 §2.3.1.3 "unavailable"; TDMRep: the
    /// server does not implement the protocol).
    Absent,
    /// Its body.
    Body(String),
}

/// Reads one fetched site document with `parse`; what cannot be fetched or parsed is an error
/// naming the document.
fn read_document(
    fetched: Result<Fetched, ClearanceError>,
    url: &str,
    parse: impl Fn(&str) -> Result<Vec<Finding>, fermata_report::ReportError>,
) -> OriginFindings {
    match fetched {
        Ok(Fetched::Absent) => Ok(Vec::new()),
        Ok(Fetched::Body(body)) => parse(&body).map_err(|e| {
            (
                url.to_string(),
                format!("{e}; what it reserves is unknown, so nothing is assumed"),
            )
        }),
        Err(ClearanceError::Fetch { url, reason }) => Err((url, reason)),
        Err(e) => Err((url.to_string(), e.to_string())),
    }
}

impl Fetcher {
    /// GETs a site document. A server error, a 429, a timeout or a refused connection is an
    /// error: what the document says is then unknown, never "nothing reserved".
    fn get(&self, url: &str) -> Result<Fetched, ClearanceError> {
        let response = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(code, _)) if (400..500).contains(&code) && code != 429 => {
                return Ok(Fetched::Absent);
            }
            Err(ureq::Error::Status(code, _)) => {
                return Err(fetch_error(
                    url,
                    format!(
                        "the server answered {code}, so what it reserves is unknown; scan again when it answers"
                    ),
                ));
            }
            Err(e) => return Err(fetch_error(url, e)),
        };
        let mut body = Vec::new();
        response
            .into_reader()
            .take(reservations::MAX_DOCUMENT as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| fetch_error(url, e))?;
        Ok(Fetched::Body(String::from_utf8_lossy(&body).into_owned()))
    }

    /// The response header lines of `url`, from a HEAD request: the file itself (often audio,
    /// and already in the dataset) is not downloaded again. A server that refuses HEAD gets a
    /// GET. Every line of a repeated field is kept.
    fn head(&self, url: &str) -> Result<String, ClearanceError> {
        let response = match self.agent.head(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(405 | 501, _)) => match self.agent.get(url).call() {
                Ok(r) => r,
                Err(ureq::Error::Status(code, r)) if code < 500 && code != 429 => r,
                Err(e) => return Err(fetch_error(url, e)),
            },
            Err(ureq::Error::Status(code, r)) if code < 500 && code != 429 => r,
            Err(e) => return Err(fetch_error(url, e)),
        };
        Ok(header_lines(&response))
    }

    /// One origin's tdmrep.json and robots.txt findings, fetched once.
    fn origin(&mut self, origin: &str) -> Result<Vec<Finding>, ClearanceError> {
        if !self.origins.contains_key(origin) {
            let tdmrep_url = format!("{origin}/.well-known/tdmrep.json");
            let robots_url = format!("{origin}/robots.txt");
            let tdmrep = read_document(
                self.get(&tdmrep_url),
                &tdmrep_url,
                reservations::parse_tdmrep_json,
            );
            let found = tdmrep.and_then(|mut found| {
                let robots = read_document(self.get(&robots_url), &robots_url, |t| {
                    reservations::parse_robots(t, AGENT)
                })?;
                found.extend(robots);
                Ok(found)
            });
            self.origins.insert(origin.to_string(), found);
        }
        match &self.origins[origin] {
            Ok(findings) => Ok(findings.clone()),
            Err((url, reason)) => Err(ClearanceError::Fetch {
                url: url.clone(),
                reason: reason.clone(),
            }),
        }
    }

    /// What the source at `url` says about AI training: the reason it is reserved, or None.
    /// Its origin's `/.well-known/tdmrep.json` and `/robots.txt` (for the product token
    /// [`AGENT`]) and its own response headers are resolved for its path by
    /// [`reservations::resolve`]. A document that exists but cannot be read (a server error, a
    /// timeout, a malformed file) is an error, never "not reserved".
    pub fn reserved(&mut self, url: &str) -> Result<Option<String>, ClearanceError> {
        let (origin, path) = origin_and_path(url)
            .ok_or_else(|| ClearanceError::Invalid(format!("'{url}' is not a URL")))?;
        let mut findings = self.origin(&origin)?;
        findings.extend(reservations::parse_headers(&self.head(url)?)?);
        let resolved = reservations::resolve(&findings, &path);
        Ok(resolved
            .reserves_training()
            .then(|| format!("{origin}{path}: {}", resolved.because.join("; "))))
    }
}

fn fetch_error(url: &str, e: impl std::fmt::Display) -> ClearanceError {
    ClearanceError::Fetch {
        url: url.into(),
        reason: e.to_string(),
    }
}

/// A response's header lines, one per field line: a field sent on several lines keeps them all.
fn header_lines(r: &ureq::Response) -> String {
    let mut text = String::new();
    for name in r.headers_names() {
        for value in r.all(&name) {
            text.push_str(&format!("{name}: {value}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_origin_and_path() {
        assert_eq!(
            origin_and_path("https://a.example/music/x.mp3?dl=1#t=3"),
            Some(("https://a.example".into(), "/music/x.mp3?dl=1".into()))
        );
        assert_eq!(
            origin_and_path("https://a.example?x=1"),
            Some(("https://a.example".into(), "/?x=1".into()))
        );
        assert_eq!(
            origin_and_path("http://a.example"),
            Some(("http://a.example".into(), "/".into()))
        );
        assert_eq!(origin_and_path("nope"), None);
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
        // A bad rule is reported and ignored; the rest of the file still counts.
        let broken = write(
            "tdmrep.json",
            "[{\"location\": 1}, {\"location\": \"/\", \"tdm-reservation\": 1}]",
        );
        let Checked::File { findings, .. } = check(&broken, "*", &mut fetcher).unwrap() else {
            panic!("a file is read as a file");
        };
        assert!(findings[0].problems[0].contains("location"), "{findings:?}");
        assert_eq!(findings[1].tdm_reserved, Some(true));
        // Unreadable, missing and oversized files are typed errors, never "not reserved".
        let not_json = write("other-tdmrep.json", "[{");
        assert!(matches!(
            check(&not_json, "*", &mut fetcher),
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
