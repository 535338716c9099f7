//! A real browser for end-to-end tests: headless Chromium driven through WebDriver
//! (chromedriver), with a synchronous API for plain `#[test]` functions, an accessibility check
//! with axe-core (WCAG 2.1 A and AA rules) and an overflow check for long or wide translations.
//!
//! **What it needs.** `chromedriver` and `chromium` (Debian's `chromium-driver` and `chromium`;
//! looked for in `/usr/bin`, then on `PATH`), and for [`Browser::axe`] the npm package
//! `axe-core`'s `axe.min.js` ([`axe_core_path`]). `fonts-noto-cjk` makes Korean, Japanese and
//! Chinese text render with real glyph widths, which the overflow check depends on.
//! scripts/test.sh installs all of them. When one is missing the usual skip rule applies
//! ([`crate::missing`]): [`Browser::start`] returns None (and [`Browser::axe`] returns no
//! violations) with a note on stderr, except under `CI=true`, where the test fails.
//!
//! **How it runs.** [`Browser::start`] starts chromedriver on a free loopback port as a child
//! process (killed when the [`Browser`] is dropped), waits up to 20 s for it to answer, and opens
//! a session with a fresh, throwaway profile directory. Chromium's flags, and why:
//!
//! - `--headless`: no display on test machines;
//! - `--no-sandbox`: Chromium's sandbox refuses to run as root, which test containers are;
//! - `--disable-gpu`, `--disable-dev-shm-usage`: no GPU, and a small `/dev/shm` in containers;
//! - `--disable-quic`, `--disable-background-networking`, `--disable-component-update`,
//!   `--disable-sync`, `--no-first-run`: no traffic of Chromium's own (the test machines have no
//!   network; a test talks to its own loopback server only) and no first-run pages;
//! - `--user-data-dir=<temp dir>`: no state shared between tests or runs;
//! - `--window-size=1280,900`: a fixed desktop layout ([`Browser::set_window_size`] changes it);
//! - `--lang=<lang>` and the `intl.accept_languages` preference: the UI language and the
//!   `Accept-Language` header the server sees ([`Browser::start_with_lang`]).
//!
//! Every method is synchronous and panics with a message naming what failed: a failed browser
//! step is a failed test.
//!
//! **Content-Security-Policy.** The app sends `script-src 'self'` with no inline script.
//! WebDriver's Execute Script is not subject to the page's CSP in Chromium (chromedriver runs it
//! through the DevTools protocol, outside the page's script loading), so [`Browser::axe`] and
//! [`Browser::overflowing`] inject their scripts into such pages unchanged; the harness's own
//! test (tests/browser.rs) checks this against a page served with
//! `default-src 'self'; script-src 'self'`: the page's own inline script is blocked, axe-core
//! 4.14 still loads and reports. (With Chromium 156 even `eval` inside an executed script is
//! allowed under this CSP; axe's source is sent as the script itself so as not to depend on
//! that.) Note for test pages: with `default-src 'self'` and no `style-src`, `style="…"`
//! attributes and `<style>` elements are blocked too; style them with a stylesheet served from
//! the same origin.

use std::fmt;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long [`Browser::start`] waits for chromedriver to answer, and [`Browser::submit`] for the
/// next page.
const STARTUP: Duration = Duration::from_secs(20);
/// How many nodes of each axe violation are kept.
const AXE_NODES: usize = 5;
/// The axe-core rule tags run: WCAG 2.0 and 2.1, levels A and AA.
const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// The `axe.min.js` of the npm package axe-core: `$FERMATA_AXE_CORE` when set, else
/// `$HOME/.cache/fermata-web-tools/node_modules/axe-core/axe.min.js` (where scripts/test.sh
/// installs it). None, with the skip rule ([`crate::missing`]), when the file is not there.
///
/// # Panics
/// Under `CI=true` without the file.
pub fn axe_core_path() -> Option<PathBuf> {
    let path = std::env::var_os("FERMATA_AXE_CORE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| {
                Path::new(&home).join(".cache/fermata-web-tools/node_modules/axe-core/axe.min.js")
            })
        });
    match path {
        Some(p) if p.is_file() => Some(p),
        _ => {
            crate::missing(
                "axe-core (axe.min.js)",
                "set FERMATA_AXE_CORE; scripts/test.sh installs it with npm",
            );
            None
        }
    }
}

/// `name` in `/usr/bin`, else the first on `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let usr_bin = Path::new("/usr/bin").join(name);
    if usr_bin.is_file() {
        return Some(usr_bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// One cookie of the current page, as the browser holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieInfo {
    /// The cookie's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Whether it is `HttpOnly` (hidden from the page's scripts).
    pub http_only: bool,
    /// Whether it is `Secure` (sent over https only).
    pub secure: bool,
    /// Its `SameSite` attribute (`Strict`, `Lax` or `None`), when the browser reports one.
    pub same_site: Option<String>,
}

/// One element an axe rule failed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxeNode {
    /// axe's CSS selector for the element (frames joined by ` >>> `).
    pub target: String,
    /// The element's opening HTML, as axe quotes it.
    pub html: String,
}

/// One failed axe-core rule on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxeViolation {
    /// The rule's id, e.g. `image-alt`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical` (None when axe gives none).
    pub impact: Option<String>,
    /// What the rule asks for, in a sentence.
    pub help: String,
    /// axe's page explaining the rule.
    pub help_url: String,
    /// How many elements fail it.
    pub node_count: usize,
    /// The first few of them.
    pub nodes: Vec<AxeNode>,
}

impl AxeViolation {
    /// Whether its impact is `serious` or `critical`.
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

impl fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {} element(s)): {} <{}>",
            self.id,
            self.impact.as_deref().unwrap_or("no impact"),
            self.node_count,
            self.help,
            self.help_url
        )?;
        for node in &self.nodes {
            write!(f, "\n    {}: {}", node.target, node.html)?;
        }
        Ok(())
    }
}

/// A headless Chromium session through chromedriver; see the module documentation. Dropping it
/// ends the session and stops chromedriver.
pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Client,
    driver: Child,
    driver_log: PathBuf,
    axe_source: std::sync::OnceLock<Option<String>>,
    // Last: removed after chromedriver and Chromium have stopped.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A browser with its language set to `en-US`; None, with the skip rule
    /// ([`crate::missing`]), when chromedriver or Chromium is missing.
    ///
    /// # Panics
    /// Under `CI=true` when one is missing; when chromedriver does not answer within 20 s or
    /// refuses the session.
    pub fn start() -> Option<Browser> {
        Browser::start_with_lang("en-US")
    }

    /// Like [`Browser::start`], with the UI language and the `Accept-Language` header set to
    /// `lang` (e.g. `ko`, `ko-KR,ko,en`: the first tag is the UI language).
    ///
    /// # Panics
    /// As [`Browser::start`].
    pub fn start_with_lang(lang: &str) -> Option<Browser> {
        let remedy = "scripts/test.sh installs Debian's chromium and chromium-driver";
        let Some(driver_path) = find_program("chromedriver") else {
            crate::missing("chromedriver", remedy);
            return None;
        };
        let Some(chromium) = find_program("chromium").or_else(|| find_program("chromium-browser"))
        else {
            crate::missing("chromium", remedy);
            return None;
        };

        let profile = tempfile::Builder::new()
            .prefix("fermata-browser-")
            .tempdir()
            .expect("create a temporary Chromium profile directory");
        let driver_log = profile.path().join("chromedriver.log");
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("find a free loopback port for chromedriver")
            .port();
        let log = std::fs::File::create(&driver_log).expect("create chromedriver's log file");
        let log_err = log
            .try_clone()
            .expect("clone chromedriver's log file handle");
        let mut driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", driver_log.display()))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", driver_path.display()));

        let deadline = Instant::now() + STARTUP;
        while !driver_ready(port) {
            if let Ok(Some(status)) = driver.try_wait() {
                panic!(
                    "chromedriver exited ({status}) before answering; its log:\n{}",
                    tail(&driver_log)
                );
            }
            if Instant::now() > deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!(
                    "chromedriver did not answer on port {port} within {STARTUP:?}; its log:\n{}",
                    tail(&driver_log)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }

        let ui_lang = lang.split(',').next().unwrap_or(lang).trim();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .into_iter()
        .map(String::from)
        .chain([
            format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ),
            format!("--lang={ui_lang}"),
        ])
        .collect::<Vec<_>>();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": { "intl.accept_languages": lang },
            },
            "timeouts": { "pageLoad": 30_000, "script": 30_000, "implicit": 0 },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object literal")
        };

        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build the browser harness's tokio runtime");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let session = rt.block_on(
            ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        );
        let client = match session {
            Ok(client) => client,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!(
                    "chromedriver refused a headless Chromium session ({}): {e}; its log:\n{}",
                    chromium.display(),
                    tail(&driver_log)
                );
            }
        };
        Some(Browser {
            rt,
            client,
            driver,
            driver_log,
            axe_source: std::sync::OnceLock::new(),
            _profile: profile,
        })
    }

    /// Runs one WebDriver command to completion, panicking with `what` and the error.
    fn run<T, E: fmt::Display>(
        &self,
        what: impl fmt::Display,
        command: impl Future<Output = Result<T, E>>,
    ) -> T {
        self.rt
            .block_on(command)
            .unwrap_or_else(|e| panic!("browser: {what}: {e}"))
    }

    /// The first element matching `css`.
    fn find(&self, css: &str) -> Element {
        match self.rt.block_on(self.client.find(Locator::Css(css))) {
            Ok(element) => element,
            Err(e) => panic!(
                "browser: no element matches `{css}` on {}: {e}",
                self.current_url()
            ),
        }
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.run(format!("opening {url}"), self.client.goto(url));
    }

    /// The address of the current page.
    pub fn current_url(&self) -> String {
        self.run("reading the current URL", self.client.current_url())
            .to_string()
    }

    /// The current page's `<title>`.
    pub fn title(&self) -> String {
        self.run("reading the title", self.client.title())
    }

    /// The rendered text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.run(format!("reading the text of `{css}`"), element.text())
    }

    /// The rendered text of every element matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let elements = self.run(
            format!("finding `{css}`"),
            self.client.find_all(Locator::Css(css)),
        );
        elements
            .iter()
            .map(|e| self.run(format!("reading the text of `{css}`"), e.text()))
            .collect()
    }

    /// Whether any element matches `css`.
    pub fn exists(&self, css: &str) -> bool {
        !self
            .run(
                format!("finding `{css}`"),
                self.client.find_all(Locator::Css(css)),
            )
            .is_empty()
    }

    /// Replaces the value of the input or textarea matching `css` with `value`, typed as keys.
    pub fn fill(&self, css: &str, value: &str) {
        let element = self.find(css);
        self.run(format!("clearing `{css}`"), element.clear());
        self.run(format!("typing into `{css}`"), element.send_keys(value));
    }

    /// Selects the `<option>` whose value is `value` in the `<select>` matching `css`.
    pub fn select(&self, css: &str, value: &str) {
        let element = self.find(css);
        self.run(
            format!("selecting the option {value:?} of `{css}`"),
            element.select_by_value(value),
        );
    }

    /// Makes sure the checkbox matching `css` is checked (clicks it if it is not).
    pub fn check(&self, css: &str) {
        let element = self.find(css);
        if !self.run(format!("reading `{css}`"), element.is_selected()) {
            self.run(format!("clicking `{css}`"), element.click());
        }
        assert!(
            self.run(format!("reading `{css}`"), element.is_selected()),
            "browser: clicking `{css}` did not check it"
        );
    }

    /// Clicks the element matching `css`.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.run(format!("clicking `{css}`"), element.click());
    }

    /// Submits a form and waits (up to 20 s) for the page it leads to: `css` names either the
    /// form (submitted with `requestSubmit()`, so validation runs as for a user) or a submit
    /// button (clicked).
    ///
    /// # Panics
    /// When no new page has loaded in time, e.g. because the browser's form validation
    /// stopped the submission.
    pub fn submit(&self, css: &str) {
        let element = self.find(css);
        self.execute("window.__fermataBeforeSubmit = true;", &[]);
        let tag = self.run(format!("reading `{css}`"), element.tag_name());
        if tag.eq_ignore_ascii_case("form") {
            let element = serde_json::to_value(&element).expect("an element reference is JSON");
            self.run(
                format!("submitting `{css}`"),
                self.client
                    .execute("arguments[0].requestSubmit();", vec![element]),
            );
        } else {
            self.run(format!("clicking `{css}`"), element.click());
        }
        let deadline = Instant::now() + STARTUP;
        loop {
            // Errors mean the old document is going away: not there yet.
            let loaded = self.rt.block_on(self.client.execute(
                "return !window.__fermataBeforeSubmit && document.readyState === 'complete';",
                vec![],
            ));
            if matches!(loaded, Ok(Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "browser: submitting `{css}` loaded no new page within {STARTUP:?} (still on {}; \
                 did form validation stop it?)",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Chooses the local file `path` in the `<input type=file>` matching `css`.
    pub fn upload(&self, css: &str, path: &Path) {
        let path = path
            .canonicalize()
            .unwrap_or_else(|e| panic!("browser: the file to upload, {}: {e}", path.display()));
        let path = path
            .to_str()
            .unwrap_or_else(|| panic!("browser: {} is not UTF-8", path.display()));
        let element = self.find(css);
        self.run(
            format!("choosing {path} in `{css}`"),
            element.send_keys(path),
        );
    }

    /// Runs `js` as the body of a function in the page, with `args` as `arguments`; returns what
    /// it returns.
    pub fn execute(&self, js: &str, args: &[Value]) -> Value {
        self.run("running a script", self.client.execute(js, args.to_vec()))
    }

    /// Waits until an element matches `css`, for at most `timeout`.
    ///
    /// # Panics
    /// When none does in time.
    pub fn wait_for(&self, css: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.exists(css) {
            assert!(
                Instant::now() < deadline,
                "browser: no element matched `{css}` within {timeout:?} on {}",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub fn screenshot(&self, path: &Path) {
        let png = self.run("taking a screenshot", self.client.screenshot());
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("browser: writing {}: {e}", path.display()));
    }

    /// Resizes the window to `width` × `height` CSS pixels.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.run(
            format!("resizing the window to {width}x{height}"),
            self.client.set_window_size(width, height),
        );
    }

    /// The cookies the browser holds for the current page.
    pub fn cookies(&self) -> Vec<CookieInfo> {
        self.run("reading cookies", self.client.get_all_cookies())
            .into_iter()
            .map(|c| CookieInfo {
                name: c.name().to_string(),
                value: c.value().to_string(),
                http_only: c.http_only().unwrap_or(false),
                secure: c.secure().unwrap_or(false),
                same_site: c.same_site().map(|s| s.to_string()),
            })
            .collect()
    }

    /// Deletes every cookie of the current page's site.
    pub fn delete_cookies(&self) {
        self.run("deleting cookies", self.client.delete_all_cookies());
    }

    /// The current page's HTML, as the browser serialises its DOM now.
    pub fn page_source(&self) -> String {
        self.run("reading the page source", self.client.source())
    }

    /// Runs axe-core's WCAG 2.0/2.1 level A and AA rules on the current page and returns what
    /// fails; no violations, with the skip rule ([`crate::missing`]), when axe-core is missing.
    /// axe is injected with Execute Script, which works under a strict CSP (module
    /// documentation).
    ///
    /// # Panics
    /// Under `CI=true` without axe-core; when axe cannot be loaded or fails.
    pub fn axe(&self) -> Vec<AxeViolation> {
        let source = self.axe_source.get_or_init(|| {
            axe_core_path().map(|p| {
                std::fs::read_to_string(&p)
                    .unwrap_or_else(|e| panic!("browser: reading {}: {e}", p.display()))
            })
        });
        let Some(source) = source else {
            return Vec::new();
        };
        // The source itself is the script (not eval'd from an argument, which would depend on
        // the page's CSP not applying to eval there); it sets window.axe.
        let has_axe =
            "return typeof window.axe === 'object' && typeof window.axe.run === 'function';";
        let mut loaded = self.execute(has_axe, &[]);
        if loaded != Value::Bool(true) {
            loaded = self.execute(&format!("{source}\n;{has_axe}"), &[]);
        }
        assert_eq!(
            loaded,
            Value::Bool(true),
            "browser: axe-core did not load into {}",
            self.current_url()
        );
        let script = r#"
            const done = arguments[arguments.length - 1];
            const keep = arguments[1];
            window.axe
              .run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
              .then(r => done({ violations: r.violations.map(v => ({
                id: v.id, impact: v.impact || null, help: v.help, helpUrl: v.helpUrl,
                nodeCount: v.nodes.length,
                nodes: v.nodes.slice(0, keep).map(n => ({
                  target: n.target.map(t => Array.isArray(t) ? t.join(' ') : String(t)).join(' >>> '),
                  html: n.html,
                })),
              })) }))
              .catch(e => done({ error: String(e && e.stack || e) }));
        "#;
        let result = self.run(
            format!("running axe on {}", self.current_url()),
            self.client
                .execute_async(script, vec![json!(AXE_TAGS), json!(AXE_NODES)]),
        );
        if let Some(error) = result.get("error") {
            panic!("browser: axe failed on {}: {error}", self.current_url());
        }
        let str_of = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
        result["violations"]
            .as_array()
            .unwrap_or_else(|| panic!("browser: axe returned no violations list: {result}"))
            .iter()
            .map(|v| AxeViolation {
                id: str_of(v, "id"),
                impact: v["impact"].as_str().map(String::from),
                help: str_of(v, "help"),
                help_url: str_of(v, "helpUrl"),
                node_count: v["nodeCount"]
                    .as_u64()
                    .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)),
                nodes: v["nodes"]
                    .as_array()
                    .map(|nodes| {
                        nodes
                            .iter()
                            .map(|n| AxeNode {
                                target: str_of(n, "target"),
                                html: str_of(n, "html"),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Runs [`Browser::axe`] and fails when a violation is serious or critical, listing them
    /// under `page_name` (a name for the page in the message, e.g. `"the upload form"`).
    ///
    /// # Panics
    /// On a serious or critical violation; as [`Browser::axe`].
    pub fn assert_no_serious_axe_violations(&self, page_name: &str) {
        let serious: Vec<String> = self
            .axe()
            .into_iter()
            .filter(AxeViolation::is_serious)
            .map(|v| format!("  - {v}"))
            .collect();
        assert!(
            serious.is_empty(),
            "{page_name} ({}) has {} serious or critical accessibility violation(s) \
             (axe-core, WCAG 2.1 AA):\n{}",
            self.current_url(),
            serious.len(),
            serious.join("\n")
        );
    }

    /// Elements of the current page whose content does not fit, as short descriptions (empty
    /// when everything fits): for checking that long or Korean translations do not break the
    /// layout at the current window size. Reported are
    ///
    /// - the page itself when it scrolls horizontally, and the outermost elements reaching past
    ///   the right edge of the viewport;
    /// - boxes that clip (`overflow: hidden` or `clip`) content wider or taller than they are;
    /// - boxes whose own text spills out of them (a fixed width or height too small for it).
    ///
    /// Scrolling boxes (`overflow: auto` or `scroll`) are meant to scroll and are not reported,
    /// nor are visually hidden elements (1 px or smaller, as screen-reader-only text is).
    pub fn overflowing(&self) -> Vec<String> {
        let found = self.execute(OVERFLOW_JS, &[]);
        found
            .as_array()
            .unwrap_or_else(|| panic!("browser: the overflow check returned {found}"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// The page script behind [`Browser::overflowing`].
const OVERFLOW_JS: &str = r#"
const out = [];
const root = document.documentElement;
const vw = root.clientWidth;
const name = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  else if (el.classList.length) s += '.' + Array.from(el.classList).join('.');
  return s;
};
const words = el => JSON.stringify((el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40));
if (root.scrollWidth > vw + 1) {
  out.push(`page scrolls horizontally: ${root.scrollWidth}px wide in a ${vw}px viewport`);
}
for (const el of document.body ? document.body.querySelectorAll('*') : []) {
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden' || cs.display === 'contents') continue;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) continue;
  if (r.right > vw + 1 && cs.position !== 'fixed') {
    const p = el.parentElement;
    if (!p || p === document.body || p.getBoundingClientRect().right <= vw + 1) {
      out.push(`${name(el)} ${words(el)}: reaches ${Math.round(r.right)}px, past the ${vw}px viewport`);
    }
  }
  if (el.clientWidth === 0 && el.clientHeight === 0) continue;
  const scrolls = v => v === 'auto' || v === 'scroll';
  const clips = v => v === 'hidden' || v === 'clip';
  const wide = el.scrollWidth > el.clientWidth + 1;
  const tall = el.scrollHeight > el.clientHeight + 1;
  const ownText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  const what = (w, t) => [w ? `${el.scrollWidth}px of content in ${el.clientWidth}px width` : '',
                          t ? `${el.scrollHeight}px of content in ${el.clientHeight}px height` : '']
                         .filter(Boolean).join(', ');
  const clipX = clips(cs.overflowX) && wide, clipY = clips(cs.overflowY) && tall;
  if (clipX || clipY) {
    out.push(`${name(el)} ${words(el)}: clipped, ${what(clipX, clipY)}`);
  } else if (ownText) {
    const spillX = wide && !scrolls(cs.overflowX), spillY = tall && !scrolls(cs.overflowY);
    if (spillX || spillY) out.push(`${name(el)} ${words(el)}: text spills out, ${what(spillX, spillY)}`);
  }
  if (out.length >= 50) break;
}
return out;
"#;

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session makes chromedriver quit Chromium; bounded, so that a hung browser
        // cannot hang the test run.
        let client = self.client.clone();
        let closed = self.rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), client.close()).await
        });
        if !matches!(closed, Ok(Ok(()))) {
            eprintln!(
                "browser: closing the session failed; chromedriver's log is {}",
                self.driver_log.display()
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether chromedriver answers `GET /status` on `port` with `"ready": true`.
fn driver_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    // chromedriver keeps the connection open: read until the answer says it, not to the end.
    let mut response = Vec::new();
    let mut chunk = [0; 1024];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        response.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&response).replace(' ', "");
        if text.contains("\"ready\":true") {
            return true;
        }
    }
    false
}

/// The last lines of the file at `path`, for panic messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
