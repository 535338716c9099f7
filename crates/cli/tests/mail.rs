//! End-to-end: e-mail from the real `fermata serve --smtp-url` to a loopback SMTP receiver. A
//! licence request is mailed to the holder's people, each in their language (Korean for the
//! person who chose it), not to the person who turned mail off; a receiver that refuses gets
//! the mail again later, even across a server killed with SIGKILL; "forgot your password"
//! mails a reset link that works once and answers the same for an unknown address; and the
//! `fermata mail test` and `fermata mail queue` commands.

mod common;

use common::env::*;
use common::*;
use fermata_testkit::smtp::{Received, SmtpReceiver};
use serde_json::Value;
use std::process::Child;
use std::time::{Duration, Instant};

const PW: &str = "correct horse battery staple";
const FROM: &str = "fermata <fermata@registry.example>";

fn serve(env: &Env, smtp: &SmtpReceiver) -> (Child, String) {
    let mut cmd = fermata();
    cmd.arg("--home").arg(env.home()).args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--mail-interval",
        "1",
        "--public-url",
        "https://fermata.example.org",
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        FROM,
    ]);
    spawn_server(cmd)
}

fn wait_for(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn to(m: &Received, addr: &str) -> bool {
    m.to.iter().any(|t| t == addr)
}

fn add_person(env: &Env, party: &str, email: &str, role: &str) {
    let mut cmd = fermata();
    cmd.arg("--home").arg(env.home()).args([
        "user",
        "add",
        "--party",
        party,
        "--email",
        email,
        "--name",
        email,
        "--role",
        role,
        "--password-stdin",
    ]);
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PW.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "user add {email}");
}

/// A browser without redirects, keeping cookies.
struct Browser {
    base: String,
    agent: ureq::Agent,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

impl Page {
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form token")
            + 19;
        self.body[at..].split('"').next().unwrap().to_string()
    }
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            cookies: Vec::new(),
        }
    }

    fn keep(&mut self, r: &ureq::Response) -> Page {
        for c in r.all("set-cookie") {
            let pair = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != k);
                if !v.is_empty() {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
        Page {
            status: r.status(),
            location: r.header("location").unwrap_or_default().to_string(),
            body: String::new(),
        }
    }

    fn answer(&mut self, r: Result<ureq::Response, ureq::Error>) -> Page {
        let r = match r {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        let mut page = self.keep(&r);
        page.body = r.into_string().unwrap_or_default();
        page
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&mut self, path: &str) -> Page {
        let r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie_header())
            .call();
        self.answer(r)
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie_header())
            .send_form(form);
        self.answer(r)
    }

    fn sign_in(&mut self, email: &str, password: &str) {
        let token = self.get("/sign-in").csrf();
        let a = self.post(
            "/sign-in",
            &[
                ("csrf", &token),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ],
        );
        assert_eq!(a.status, 303, "sign in {email}: {}", a.body);
    }
}

fn queue(env: &Env) -> Vec<Value> {
    env.json(&["mail", "queue", "--all"])
        .as_array()
        .unwrap()
        .clone()
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

#[test]
fn mail_goes_to_the_holders_people_in_their_language_survives_refusals_and_resets_passwords() {
    let (env, _) = registered(0);
    add_person(&env, "label-a", "ko@a.example", "holder-admin");
    add_person(&env, "label-a", "en@a.example", "holder-viewer");
    add_person(&env, "label-a", "off@a.example", "holder-admin");
    add_person(&env, "dev-x", "dev@x.example", "developer");
    let smtp = SmtpReceiver::start();
    let (mut server, base) = serve(&env, &smtp);

    // One person chooses Korean, another turns mail off (and on and off again), in the web app.
    let mut ko = Browser::new(&base);
    ko.sign_in("ko@a.example", PW);
    let token = ko.get("/account").csrf();
    let a = ko.post(
        "/locale",
        &[("csrf", &token), ("lang", "ko"), ("back", "/")],
    );
    assert_eq!(a.status, 303, "{}", a.body);
    let mut off = Browser::new(&base);
    off.sign_in("off@a.example", PW);
    let page = off.get("/account");
    assert!(
        page.body.contains("action=\"/account/mail\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"off\""));
    let token = page.csrf();
    for v in ["off", "on", "off"] {
        let a = off.post("/account/mail", &[("csrf", &token), ("mail", v)]);
        assert_eq!((a.status, a.location.as_str()), (303, "/account"));
    }
    assert!(
        off.get("/account").body.contains("value=\"on\""),
        "the page offers to turn it on"
    );
    let bad = off.post("/account/mail", &[("csrf", &token), ("mail", "maybe")]);
    assert_eq!(bad.status, 400);
    let no_token = off.post("/account/mail", &[("mail", "on")]);
    assert!(no_token.status >= 400);
    let log = stdout(&env.ok(&["audit", "log", "--json"]));
    assert_eq!(
        log.matches("person.mail-set").count(),
        3,
        "one audit event per change"
    );

    // A developer asks label-a for a licence: its people get the news, each in their language.
    let request = env.json(&[
        "request",
        "create",
        "--developer",
        "dev-x",
        "--use",
        "train-genai",
        "--model",
        "m1",
        "--from",
        "2030-01-01",
        "--to",
        "2030-12-31",
        "--work",
        &isrc(1),
    ]);
    let req = request["id"].as_str().unwrap().to_string();
    let got_ko = smtp
        .wait_for(Duration::from_secs(30), |m| to(m, "ko@a.example"))
        .expect("the Korean-speaking holder admin gets mail");
    let subject = got_ko.subject();
    assert!(
        subject.chars().any(is_hangul),
        "a Korean subject: {subject}"
    );
    assert!(
        subject.contains(&req) && subject.contains("dev-x"),
        "{subject}"
    );
    let text = got_ko.text();
    assert!(
        text.contains("https://fermata.example.org/requests"),
        "{text}"
    );
    assert!(
        text.contains("https://fermata.example.org/account"),
        "{text}"
    );
    assert!(
        got_ko
            .header("from")
            .unwrap()
            .contains("fermata@registry.example")
    );
    let got_en = smtp
        .wait_for(Duration::from_secs(10), |m| to(m, "en@a.example"))
        .expect("the viewer gets mail too");
    assert_eq!(
        got_en.subject(),
        format!("New licence request {req} from dev-x")
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        !smtp.messages().iter().any(|m| to(m, "off@a.example")),
        "a person who turned mail off gets none"
    );
    assert!(
        !smtp.messages().iter().any(|m| to(m, "dev@x.example")),
        "the developer is not told of its own request"
    );
    let q = queue(&env);
    assert!(q.iter().all(|m| m["to"] != "off@a.example"), "{q:?}");
    assert!(
        q.iter()
            .any(|m| m["to"] == "ko@a.example" && m["status"] == "delivered")
    );

    // The receiver refuses: the attempt is recorded and the mail stays pending.
    smtp.refuse(Some(451));
    env.ok(&[
        "decide",
        &req,
        "--line",
        "1",
        "--holder",
        "label-a",
        "--approve",
    ]);
    wait_for(30, "refused attempts", || {
        queue(&env).iter().any(|m| {
            m["to"] == "dev@x.example"
                && m["status"] == "pending"
                && m["attempts"].as_u64() >= Some(1)
                && m["last_error"].as_str().is_some_and(|e| e.contains("451"))
        })
    });
    assert!(smtp.refused() >= 1);
    let table = stdout(&env.ok(&["mail", "queue"]));
    assert!(
        table.contains("dev@x.example") && table.contains("pending"),
        "{table}"
    );
    // Killed with mail pending; the receiver takes mail again; a new server sends it.
    server.kill().unwrap();
    server.wait().unwrap();
    smtp.refuse(None);
    let (mut server, base) = serve(&env, &smtp);
    // A mail the killed server had claimed but not yet tried is held by its lease
    // (MAIL_CLAIM_LEASE_S, 120 s) and then sent: wait past the lease and the first retry.
    let after_restart = Duration::from_secs(fermata_registry::MAIL_CLAIM_LEASE_S as u64 + 60);
    let granted = smtp
        .wait_for(after_restart, |m| {
            to(m, "dev@x.example") && m.subject().contains("lic-")
        })
        .expect("the licence mail arrives after the restart");
    assert!(
        granted
            .text()
            .contains("https://fermata.example.org/licences")
    );
    smtp.wait_for(after_restart, |m| {
        to(m, "dev@x.example") && m.subject().contains(&req)
    })
    .expect("the decision arrives too");
    std::thread::sleep(Duration::from_secs(2));
    let mut ids: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| to(m, "dev@x.example"))
        .map(|m| m.subject())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no mail twice: {ids:?}");

    // Forgot your password: the same answer for a known and an unknown address; the link
    // arrives, works once.
    let mut anon = Browser::new(&base);
    let page = anon.get("/sign-in");
    assert!(page.body.contains("href=\"/forgot\""));
    let token = anon.get("/forgot").csrf();
    let known = anon.post("/forgot", &[("csrf", &token), ("email", "en@a.example")]);
    let unknown = anon.post(
        "/forgot",
        &[("csrf", &token), ("email", "nobody@a.example")],
    );
    assert_eq!((known.status, unknown.status), (200, 200));
    let strip = |b: &str| b.replace(&token, "");
    assert_eq!(
        strip(&known.body),
        strip(&unknown.body),
        "no account enumeration"
    );
    let reset = smtp
        .wait_for(Duration::from_secs(30), |m| {
            to(m, "en@a.example") && m.subject() == "Reset your fermata password"
        })
        .expect("the reset mail");
    let text = reset.text();
    let prefix = "https://fermata.example.org/reset/";
    let at = text.find(prefix).expect("a link") + prefix.len();
    let secret: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(secret.len(), 64, "{text}");
    let form = anon.get(&format!("/reset/{secret}"));
    assert_eq!(form.status, 200);
    let new_pw = "a brand new passphrase here";
    let token = form.csrf();
    let done = anon.post(
        &format!("/reset/{secret}"),
        &[("csrf", &token), ("password", new_pw), ("repeat", new_pw)],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let again = anon.post(
        &format!("/reset/{secret}"),
        &[("csrf", &token), ("password", new_pw), ("repeat", new_pw)],
    );
    assert!(again.status >= 400, "a link works once");
    let mut en = Browser::new(&base);
    en.sign_in("en@a.example", new_pw);
    std::thread::sleep(Duration::from_secs(1));
    assert!(!smtp.messages().iter().any(|m| to(m, "nobody@a.example")));
    // Rate-limited like sign-in: the sixth request within the hour from one address is refused.
    let mut last = 0;
    for i in 0..6 {
        last = anon
            .post(
                "/forgot",
                &[("csrf", &token), ("email", &format!("x{i}@a.example"))],
            )
            .status;
    }
    assert_eq!(last, 429);

    // `fermata mail test` through the same receiver, and its bad inputs.
    let sent = env.json(&[
        "mail",
        "test",
        "--to",
        "ops@x.example",
        "--locale",
        "fr",
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        FROM,
    ]);
    assert_eq!(sent["sent"], true, "{sent}");
    let test = smtp
        .wait_for(Duration::from_secs(10), |m| to(m, "ops@x.example"))
        .expect("the test mail");
    assert_eq!(test.subject(), "Courriel de test de fermata");
    let table = stdout(&env.ok(&[
        "mail",
        "test",
        "--to",
        "ops@x.example",
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        FROM,
    ]));
    assert!(
        table.contains("sent") && table.contains("no TLS, loopback"),
        "{table}"
    );
    smtp.refuse(Some(550));
    let refused = env.run(&[
        "mail",
        "test",
        "--to",
        "ops@x.example",
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        FROM,
        "--json",
    ]);
    assert!(!refused.status.success());
    let v: Value = serde_json::from_str(stdout(&refused).trim()).unwrap();
    assert!(v["error"].as_str().unwrap().contains("550"), "{v}");
    let no_smtp = env.run(&["mail", "test", "--to", "ops@x.example"]);
    assert!(!no_smtp.status.success() && stderr(&no_smtp).contains("--smtp-url"));
    let bad_url = env.run(&[
        "mail",
        "test",
        "--to",
        "ops@x.example",
        "--smtp-url",
        "http://u:hunter2hunter2@mail.example.org",
        "--mail-from",
        FROM,
    ]);
    assert!(!bad_url.status.success());
    assert!(
        !stderr(&bad_url).contains("hunter2"),
        "{}",
        stderr(&bad_url)
    );
    let bad_to = env.run(&[
        "mail",
        "test",
        "--to",
        "not-an-address",
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        FROM,
    ]);
    assert!(!bad_to.status.success());
    let bad_status = env.run(&["mail", "queue", "--status", "lost"]);
    assert!(!bad_status.status.success());

    server.kill().unwrap();
    server.wait().unwrap();
    // The audit chain is intact with the new records and events.
    let verified = env.json(&["audit", "verify"]);
    assert!(verified["first_bad"].is_null(), "{verified}");
}
