//! The web app's rules of access, end to end through `app()` with a real registry: sign-in and
//! its limits, sessions, form tokens, another party's pages, escaping, headers, and every
//! page in every locale.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use fermata_registry::{LicenceGrant, PartyKind, Registry, Role, Use, Work, parse_shares};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

const PW: &str = "correct horse battery";

struct Site {
    app: Router,
    _dir: tempfile::TempDir,
    /// With [`Site::certified`]: acme-model's certificate and the issuer key.
    certificate: Option<(String, fermata_certificate::PublicKey)>,
}

/// A browser of sorts: keeps cookies, sends forms with the page's token.
#[derive(Clone, Default)]
struct Client {
    cookies: Vec<(String, String)>,
    lang: Option<&'static str>,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form token on the page");
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').expect("closing quote")].to_string()
    }
    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ascii").to_string())
            .collect()
    }
}

impl Site {
    fn new() -> Site {
        Site::build(false, false)
    }

    /// The site with a manifest for acme-model's scan and a certificate of clean training for it.
    fn certified() -> Site {
        Site::build(true, false)
    }

    /// The site (no manifest) served with its fermata home (attribution and issuing available).
    fn at_home() -> Site {
        Site::build(false, true)
    }

    fn build(certified: bool, at_home: bool) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Registry::create(&dir.path().join("registry.sqlite")).expect("registry");
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .expect("party");
        r.add_party("label-b", PartyKind::Label, "Label B", "cli")
            .expect("party");
        r.add_party("acme-ai", PartyKind::Developer, "Acme AI", "cli")
            .expect("party");
        r.add_party("other-ai", PartyKind::Developer, "Other AI", "cli")
            .expect("party");
        let work = |isrc: &str, title: &str, holder: &str| Work {
            isrc: isrc.parse().expect("isrc"),
            title: title.into(),
            artist: "Band".into(),
            duration_s: Some(180.0),
            iswc: None,
            registrant: holder.into(),
            credits: vec![],
            shares: parse_shares(&format!("{holder}=100")).expect("shares"),
            tracks: vec![],
        };
        r.register_works(
            "label-a",
            vec![work(
                "ZZAAA2600001",
                "<script>alert('x')</script> Song",
                "label-a",
            )],
            "cli",
        )
        .expect("works");
        r.register_works(
            "label-b",
            vec![work("ZZBBB2600001", "B's song", "label-b")],
            "cli",
        )
        .expect("works");
        r.add_person(
            "label-a",
            "ana@a.example",
            "Ana",
            Role::HolderAdmin,
            Some(PW),
            "cli",
        )
        .expect("person");
        r.add_person(
            "label-a",
            "vi@a.example",
            "Vi",
            Role::HolderViewer,
            Some(PW),
            "cli",
        )
        .expect("person");
        r.add_person(
            "label-b",
            "bo@b.example",
            "Bo",
            Role::HolderAdmin,
            Some(PW),
            "cli",
        )
        .expect("person");
        r.add_person(
            "acme-ai",
            "dev@acme.example",
            "Dev",
            Role::Developer,
            Some(PW),
            "cli",
        )
        .expect("person");
        r.add_party("operator", PartyKind::Operator, "Operator", "cli")
            .expect("party");
        r.add_person(
            "operator",
            "op@registry.example",
            "Op",
            Role::Operator,
            Some(PW),
            "cli",
        )
        .expect("person");
        // Label A licenses its catalogue to Acme for training; each developer has a finished
        // scan of its own model.
        r.grant_licence(
            LicenceGrant::new("label-a", "acme-ai", Use::TrainAi, "2026-01-01"),
            "label-a",
        )
        .expect("licence");
        for (developer, model) in [("acme-ai", "acme-model"), ("other-ai", "other-model")] {
            let (scan, _) = r
                .open_scan(
                    developer,
                    model,
                    Use::TrainAi,
                    &"DE".parse().expect("territory"),
                    "/data",
                )
                .expect("scan");
            r.finish_scan(&scan.id, None).expect("finished");
        }
        // An attribution report of acme-ai's: ZZAAA2600001 heard for 1500 ms in one output.
        r.record_attribution(
            fermata_registry::AttributionDraft {
                developer: "acme-ai".into(),
                model: "acme-model".into(),
                date: Some("2026-02-01".into()),
                outputs: vec![fermata_registry::AttributionOutputDraft {
                    name: "take-1.wav".into(),
                    sha256: None,
                    duration_ms: 4_000,
                    found: vec![("ZZAAA2600001".parse().expect("isrc"), 1_500)],
                }],
            },
            "acme-ai",
        )
        .expect("attribution");
        let mut certificate = None;
        if certified {
            r.record_manifest(
                &fermata_registry::ManifestRecord {
                    id: "manifest-000001".into(),
                    scan_id: "scan-000001".into(),
                    root: "ab".repeat(32),
                    leaves: 1,
                    path: "/nonexistent/manifest.json".into(),
                    created_at: "2026-01-02T00:00:00Z".into(),
                },
                "acme-ai",
            )
            .expect("manifest");
            let key = fermata_certificate::IssuerKey::from_seed(&[21; 32]);
            let public = key.public();
            r.record_certificate_key(&public.kid(), &public.x(), "acme-ai", "operator")
                .expect("key");
            let mut cert = fermata_certificate::Certificate::empty("acme-model", "acme-ai");
            cert.id = "cert-000001".into();
            cert.kid = public.kid();
            cert.issuer = "Registry".into();
            cert.issued_at = "2026-01-03T00:00:00Z".into();
            cert.training_dates = vec!["2026-01-02".into()];
            cert.works = 1;
            let jws = fermata_certificate::sign(&cert, &key).expect("sign");
            r.record_certificate(
                &fermata_registry::CertificateRecord {
                    id: cert.id.clone(),
                    model: cert.model.clone(),
                    developer: cert.developer.clone(),
                    issuer: cert.issuer.clone(),
                    kid: cert.kid.clone(),
                    issued_at: cert.issued_at.clone(),
                    jws_sha256: fermata_certificate::sha256_hex(jws.as_bytes()),
                    jws: jws.clone(),
                },
                "operator",
            )
            .expect("certificate");
            certificate = Some((jws, public));
        }
        let i18n = Arc::new(fermata_web::i18n::I18n::load().expect("messages"));
        let app = fermata_web::app(
            fermata_server::AppState::new(r),
            fermata_web::WebConfig {
                home: at_home.then(|| dir.path().to_path_buf()),
                ..Default::default()
            },
            i18n,
        );
        Site {
            app,
            _dir: dir,
            certificate,
        }
    }

    async fn send(&self, c: &mut Client, req: Request<Body>) -> Answer {
        let (mut parts, body) = req.into_parts();
        if !c.cookies.is_empty() {
            let v: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts
                .headers
                .insert(header::COOKIE, v.join("; ").parse().expect("cookie"));
        }
        if let Some(l) = c.lang {
            parts
                .headers
                .insert(header::ACCEPT_LANGUAGE, l.parse().expect("lang"));
        }
        let res = self
            .app
            .clone()
            .oneshot(Request::from_parts(parts, body))
            .await
            .expect("answer");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.expect("body").to_bytes();
        let a = Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        for sc in a.set_cookies() {
            let kv = sc.split(';').next().unwrap_or("");
            if let Some((k, v)) = kv.split_once('=') {
                c.cookies.retain(|(n, _)| n != k);
                if !v.is_empty() && !sc.contains("Max-Age=0") {
                    c.cookies.push((k.into(), v.into()));
                }
            }
        }
        a
    }

    async fn get(&self, c: &mut Client, path: &str) -> Answer {
        self.send(c, Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    async fn post(&self, c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(c, req).await
    }

    /// A multipart form (`fields`, then `files` as (field, file name, content)).
    async fn multipart(
        &self,
        c: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str)],
    ) -> Answer {
        let boundary = "XfermataX";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        for (k, name, v) in files {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let req = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(c, req).await
    }

    async fn sign_in(&self, email: &str) -> Client {
        let mut c = Client::default();
        let page = self.get(&mut c, "/sign-in").await;
        let a = self
            .post(
                &mut c,
                "/sign-in",
                &[
                    ("csrf", &page.csrf()),
                    ("email", email),
                    ("password", PW),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::SEE_OTHER,
            "{email} signs in: {}",
            a.body
        );
        c
    }
}

#[tokio::test]
async fn sign_in_sets_a_locked_down_session_cookie_and_sign_out_ends_it() {
    let site = Site::new();
    let mut c = Client::default();
    let page = site.get(&mut c, "/sign-in").await;
    let anon = page.set_cookies();
    assert!(anon.iter().any(|s| s.starts_with("fermata_csrf=")
        && s.contains("HttpOnly")
        && s.contains("SameSite=Strict")));
    let a = site
        .post(
            &mut c,
            "/sign-in",
            &[
                ("csrf", &page.csrf()),
                ("email", "ana@a.example"),
                ("password", PW),
                ("next", "/works"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], "/works");
    let session = a
        .set_cookies()
        .into_iter()
        .find(|s| s.starts_with("fermata_session="))
        .expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(session.contains(flag), "{flag} in {session}");
    }
    assert!(
        !session.contains("Secure"),
        "not Secure over plain HTTP unless configured"
    );
    let works = site.get(&mut c, "/works").await;
    assert_eq!(works.status, StatusCode::OK);
    let token = works.csrf();
    site.post(&mut c, "/sign-out", &[("csrf", &token)]).await;
    let after = site.get(&mut c, "/works").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "signed out: back to sign-in"
    );
    assert!(
        after.headers[header::LOCATION]
            .to_str()
            .expect("ascii")
            .starts_with("/sign-in?next=")
    );
}

#[tokio::test]
async fn an_open_redirect_after_sign_in_is_refused() {
    let site = Site::new();
    let mut c = Client::default();
    let page = site.get(&mut c, "/sign-in").await;
    let a = site
        .post(
            &mut c,
            "/sign-in",
            &[
                ("csrf", &page.csrf()),
                ("email", "ana@a.example"),
                ("password", PW),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(a.headers[header::LOCATION], "/");
}

#[tokio::test]
async fn a_form_without_its_token_or_with_another_sessions_is_refused() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let mut bo = site.sign_in("bo@b.example").await;
    let bos_token = site.get(&mut bo, "/policies").await.csrf();
    for fields in [
        vec![("use", "train-genai"), ("decision", "allow")],
        vec![("csrf", ""), ("use", "train-genai"), ("decision", "allow")],
        vec![
            ("csrf", bos_token.as_str()),
            ("use", "train-genai"),
            ("decision", "allow"),
        ],
    ] {
        let a = site.post(&mut ana, "/policies", &fields).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{fields:?}");
    }
    // Every form the app has is refused without its token.
    for path in [
        "/sign-in",
        "/sign-out",
        "/locale",
        "/account/password",
        "/policies",
        "/requests/decide",
        "/licences/lic-000001/revoke",
        "/licences/lic-000001/renew",
        "/team/invite",
        "/team/keys",
        "/team/keys/key-000001/revoke",
        "/scans/scan-000001/request",
        "/eu-summary",
        "/notices/notice-000001/state",
        "/invite/abc",
        "/reset/abc",
        "/sign-up",
        "/operator/signups/signup-000001",
        "/offers",
        "/offers/off-000001/withdraw",
        "/certificates/verify",
        "/webhooks",
        "/webhooks/wh-000001/remove",
        "/webhooks/wh-000001/test",
        "/webhooks/wh-000001/deliveries/whd-00000001/replay",
    ] {
        let a = site.post(&mut ana, path, &[("x", "y")]).await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "POST {path} without a token"
        );
    }
    // The usage form is multipart: without its token, refused all the same.
    let mut dev = site.sign_in("dev@acme.example").await;
    let a = site
        .multipart(
            &mut dev,
            "/usage",
            &[("model", "acme-model"), ("works", "ZZAAA2600001,1")],
            &[],
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "POST /usage without a token"
    );
    let token = site.get(&mut ana, "/policies").await.csrf();
    let ok = site
        .post(
            &mut ana,
            "/policies",
            &[
                ("csrf", &token),
                ("use", "train-genai"),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

#[tokio::test]
async fn another_partys_work_is_not_found_and_roles_are_kept() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    assert_eq!(
        site.get(&mut ana, "/works/ZZAAA2600001").await.status,
        StatusCode::OK
    );
    assert_eq!(
        site.get(&mut ana, "/works/ZZBBB2600001").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&mut ana, "/works/not-an-isrc").await.status,
        StatusCode::NOT_FOUND
    );
    // A developer has no holder pages; a viewer decides nothing.
    let mut dev = site.sign_in("dev@acme.example").await;
    assert_eq!(
        site.get(&mut dev, "/works").await.status,
        StatusCode::FORBIDDEN
    );
    let mut vi = site.sign_in("vi@a.example").await;
    let token = site.get(&mut vi, "/policies").await.csrf();
    let a = site
        .post(
            &mut vi,
            "/policies",
            &[
                ("csrf", &token),
                ("use", "train-genai"),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // A holder cannot see a scan.
    assert_eq!(
        site.get(&mut ana, "/scans").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_title_with_markup_is_shown_as_text() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    for path in ["/works", "/works/ZZAAA2600001"] {
        let page = site.get(&mut ana, path).await;
        assert!(
            !page.body.contains("<script>alert"),
            "{path} must escape the title"
        );
        assert!(
            page.body
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Song")
                || page.body.contains("&#60;script&#62;"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn sign_in_is_limited_per_address_and_per_email() {
    let site = Site::new();
    let mut c = Client::default();
    let token = site.get(&mut c, "/sign-in").await.csrf();
    for i in 0..10 {
        let a = site
            .post(
                &mut c,
                "/sign-in",
                &[
                    ("csrf", &token),
                    ("email", "ana@a.example"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let a = site
        .post(
            &mut c,
            "/sign-in",
            &[
                ("csrf", &token),
                ("email", "ana@a.example"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
}

#[tokio::test]
async fn every_answer_carries_a_strict_policy_and_no_page_has_inline_script_or_style() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let mut dev = site.sign_in("dev@acme.example").await;
    let mut anon = Client::default();
    let mut checked = 0;
    for (who, paths) in [
        (
            &mut anon,
            vec![
                "/",
                "/sign-in",
                "/sign-up",
                "/proof",
                "/transparency",
                "/certificates/verify",
                "/report-misuse",
                "/holders/label-a/reservations",
                "/nope",
            ],
        ),
        (
            &mut ana,
            vec![
                "/",
                "/works",
                "/works/ZZAAA2600001",
                "/import",
                "/policies",
                "/offers",
                "/requests",
                "/licences",
                "/statements",
                "/reservations",
                "/notices",
                "/webhooks",
                "/team",
                "/account",
            ],
        ),
        (
            &mut dev,
            vec![
                "/",
                "/scans",
                "/requests",
                "/licences",
                "/manifests",
                "/usage",
                "/eu-summary",
                "/statements",
                "/webhooks",
                "/team",
                "/account",
            ],
        ),
    ] {
        for path in paths {
            let a = site.get(who, path).await;
            let csp = a.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ascii");
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                "{path}"
            );
            assert_eq!(a.headers[header::X_FRAME_OPTIONS], "DENY");
            assert_eq!(a.headers["referrer-policy"], "no-referrer");
            if a.headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
            {
                let body = a.body.to_lowercase();
                assert!(
                    !body.contains("<script>")
                        && !body.contains(" style=")
                        && !body.contains("<style"),
                    "{path} has inline script or style"
                );
                assert!(
                    !body.contains(" onclick=") && !body.contains("javascript:"),
                    "{path}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 25, "{checked} pages checked");
}

#[tokio::test]
async fn pages_in_other_languages_show_no_english_fallback() {
    let site = Site::new();
    let en: std::collections::BTreeMap<String, String> = messages("en");
    for lang in ["es", "fr", "ko", "pt"] {
        let ours = messages(lang);
        // The English texts that this locale words differently (a word spelt the same in both,
        // like "Catalogue" in French, proves nothing).
        let english_only: Vec<&String> = en
            .iter()
            .filter(|(k, v)| {
                ours.get(*k).is_some_and(|o| o != *v) && !v.contains('{') && v.len() > 12
            })
            .map(|(_, v)| v)
            .collect();
        let mut ana = site.sign_in("ana@a.example").await;
        ana.lang = Some(match lang {
            "es" => "es-ES",
            "fr" => "fr-FR",
            "ko" => "ko-KR",
            _ => "pt-BR",
        });
        let mut anon = Client {
            lang: ana.lang,
            ..Client::default()
        };
        let mut dev = site.sign_in("dev@acme.example").await;
        dev.lang = ana.lang;
        for (who, path) in [
            (0, "/"),
            (0, "/proof"),
            (0, "/report-misuse"),
            (1, "/"),
            (1, "/works"),
            (1, "/policies"),
            (1, "/requests"),
            (1, "/team"),
            (1, "/webhooks"),
            (1, "/account"),
            (1, "/import"),
            (2, "/usage"),
            (2, "/eu-summary"),
        ] {
            let who = match who {
                0 => &mut anon,
                1 => &mut ana,
                _ => &mut dev,
            };
            let page = site.get(who, path).await;
            assert_eq!(page.status, StatusCode::OK, "{lang} {path}");
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            for text in &english_only {
                let escaped = text.replace('\'', "&#39;").replace('"', "&#34;");
                assert!(
                    !page.body.contains(text.as_str()) && !page.body.contains(&escaped),
                    "{lang} {path} shows English: {text}"
                );
            }
        }
    }
}

/// A locale's messages, from its `.ftl` file (simple `id = value` lines).
fn messages(lang: &str) -> std::collections::BTreeMap<String, String> {
    let text = fermata_web::i18n::FTL
        .iter()
        .find(|(l, _)| *l == lang)
        .expect("locale")
        .1;
    text.lines()
        .filter_map(|l| l.split_once(" = "))
        .filter(|(k, _)| !k.starts_with(' ') && !k.starts_with('#'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[tokio::test]
async fn the_language_switch_is_remembered_for_the_person() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let token = site.get(&mut ana, "/works").await.csrf();
    let a = site
        .post(
            &mut ana,
            "/locale",
            &[("csrf", &token), ("lang", "ko"), ("back", "/works")],
        )
        .await;
    assert_eq!(a.headers[header::LOCATION], "/works");
    // A new browser, no cookie: the person's choice still holds once signed in.
    let mut fresh = site.sign_in("ana@a.example").await;
    fresh.cookies.retain(|(k, _)| k != "fermata_lang");
    let page = site.get(&mut fresh, "/works").await;
    assert!(page.body.contains("<html lang=\"ko\">"));
    let bad = site
        .post(
            &mut ana,
            "/locale",
            &[("csrf", &token), ("lang", "xx"), ("back", "/")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_invitation_makes_a_person_of_the_inviters_party_once() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let token = site.get(&mut ana, "/team").await.csrf();
    let page = site
        .post(
            &mut ana,
            "/team/invite",
            &[("csrf", &token), ("role", "holder-viewer"), ("email", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let at = page.body.find("/invite/").expect("the link is shown once");
    let link: String = page.body[at..].chars().take_while(|c| *c != '<').collect();
    let mut guest = Client::default();
    let form = site.get(&mut guest, &link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let a = site
        .post(
            &mut guest,
            &link,
            &[
                ("csrf", &form.csrf()),
                ("name", "Cy"),
                ("email", "cy@a.example"),
                ("password", PW),
                ("repeat", PW),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let team = site.get(&mut guest, "/team").await;
    assert!(team.body.contains("cy@a.example") && team.body.contains("ana@a.example"));
    let again = site.get(&mut Client::default(), &link).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a link works once");
}

#[tokio::test]
async fn a_misuse_report_reaches_the_holders_concerned_only() {
    let site = Site::new();
    let mut anon = Client::default();
    let form = site.get(&mut anon, "/report-misuse").await;
    let boundary = "XfermataX";
    let mut body = String::new();
    for (k, v) in [
        ("csrf", form.csrf()),
        ("kind", "voice-imitation".into()),
        ("subject", "Band".into()),
        ("holder", "".into()),
        ("isrc", "ZZAAA2600001".into()),
        ("link", "https://example.org/fake".into()),
        ("details", "A cloned voice".into()),
        ("email", "".into()),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let multipart = |body: String| {
        Request::post("/report-misuse")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request")
    };
    // Without its token, a file form is refused like any other.
    let tokenless = body.replacen(&form.csrf(), "", 1);
    let refused = site.send(&mut anon, multipart(tokenless)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let a = site.send(&mut anon, multipart(body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("notice-000001") && a.body.contains("label-a"));
    let mut ana = site.sign_in("ana@a.example").await;
    let inbox = site.get(&mut ana, "/notices").await;
    assert!(inbox.body.contains("A cloned voice"));
    let mut bo = site.sign_in("bo@b.example").await;
    assert!(
        !site
            .get(&mut bo, "/notices")
            .await
            .body
            .contains("A cloned voice")
    );
    let token = inbox.csrf();
    let moved = site
        .post(
            &mut ana,
            "/notices/notice-000001/state",
            &[("csrf", &token), ("state", "acknowledged"), ("note", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let bos_token = site.get(&mut bo, "/notices").await.csrf();
    let not_theirs = site
        .post(
            &mut bo,
            "/notices/notice-000001/state",
            &[("csrf", &bos_token), ("state", "closed"), ("note", "x")],
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_partys_administrator_manages_its_webhooks_and_no_one_elses() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let page = site.get(&mut ana, "/webhooks").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = page.csrf();
    // A plain-http address elsewhere than loopback is refused, with the registry's reason.
    let bad = site
        .post(
            &mut ana,
            "/webhooks",
            &[("csrf", &token), ("url", "http://hooks.example.org/x")],
        )
        .await;
    assert!(bad.status.is_client_error(), "{}", bad.status);
    assert!(bad.body.contains("use https"), "{}", bad.body);
    let made = site
        .post(
            &mut ana,
            "/webhooks",
            &[
                ("csrf", &token),
                ("url", "https://hooks.label-a.example/in"),
                ("events", "licence.granted"),
                ("events", "notice.received"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    // The secret is shown once, on this answer only.
    let at = made.body.find("whsec_").expect("the secret is shown");
    let secret: String = made.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert!(secret.len() > 60);
    let list = site.get(&mut ana, "/webhooks").await;
    assert!(list.body.contains("wh-000001") && list.body.contains("hooks.label-a.example"));
    assert!(!list.body.contains(&secret));
    // A test goes to the delivery log, where it can be sent again.
    let tested = site
        .post(&mut ana, "/webhooks/wh-000001/test", &[("csrf", &token)])
        .await;
    assert_eq!(tested.status, StatusCode::SEE_OTHER);
    let log = site.get(&mut ana, "/webhooks/wh-000001").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("whd-00000001"), "{}", log.body);
    let replayed = site
        .post(
            &mut ana,
            "/webhooks/wh-000001/deliveries/whd-00000001/replay",
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER);
    // A viewer of the same party reads but does not manage; another party sees nothing.
    let mut vi = site.sign_in("vi@a.example").await;
    let seen = site.get(&mut vi, "/webhooks").await;
    assert!(seen.body.contains("wh-000001") && !seen.body.contains("/webhooks/wh-000001/remove"));
    let vis_token = seen.csrf();
    let refused = site
        .post(
            &mut vi,
            "/webhooks/wh-000001/remove",
            &[("csrf", &vis_token)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut bo = site.sign_in("bo@b.example").await;
    assert!(
        !site
            .get(&mut bo, "/webhooks")
            .await
            .body
            .contains("wh-000001")
    );
    assert_eq!(
        site.get(&mut bo, "/webhooks/wh-000001").await.status,
        StatusCode::NOT_FOUND
    );
    let bos_token = site.get(&mut bo, "/webhooks").await.csrf();
    for path in [
        "/webhooks/wh-000001/remove",
        "/webhooks/wh-000001/test",
        "/webhooks/wh-000001/deliveries/whd-00000001/replay",
    ] {
        let a = site.post(&mut bo, path, &[("csrf", &bos_token)]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
    }
    let removed = site
        .post(&mut ana, "/webhooks/wh-000001/remove", &[("csrf", &token)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        !site
            .get(&mut ana, "/webhooks")
            .await
            .body
            .contains("wh-000001")
    );
}

#[test]
fn every_locale_has_every_message_and_every_message_is_used() {
    let ids = |lang: &str| -> std::collections::BTreeSet<String> {
        let text = fermata_web::i18n::FTL
            .iter()
            .find(|(l, _)| *l == lang)
            .expect("locale")
            .1;
        text.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" ="))
            .map(|(k, _)| k.trim().to_string())
            .collect()
    };
    let en = ids("en");
    assert!(en.len() > 250, "{} messages", en.len());
    for lang in ["es", "fr", "ko", "pt"] {
        let ours = ids(lang);
        let missing: Vec<_> = en.difference(&ours).collect();
        let extra: Vec<_> = ours.difference(&en).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, unknown {extra:?}"
        );
    }
    // Used: named in a template or in the code, or one of a family whose members the code
    // names by value (`use-train-genai` is `format!("use-{}", use_.as_str())`).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = String::new();
    for dir in ["templates", "src", "src/pages"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                sources.push_str(&std::fs::read_to_string(&path).expect("read"));
            }
        }
    }
    let families = [
        "use-",
        "decision-",
        "verdict-",
        "role-",
        "licence-",
        "line-",
        "price-",
        "notice-kind-",
        "notice-state-",
        "kind-",
        "signup-",
        "remuneration-",
    ];
    let unused: Vec<_> = en
        .iter()
        .filter(|k| !sources.contains(&format!("\"{k}\"")))
        .filter(|k| !families.iter().any(|f| k.starts_with(f)))
        .collect();
    assert!(unused.is_empty(), "messages no page uses: {unused:?}");
}

#[tokio::test]
async fn a_new_party_signs_up_and_the_operator_lets_it_in() {
    let site = Site::new();
    let mut nia = Client::default();
    let form = site.get(&mut nia, "/sign-up").await;
    let a = site
        .post(
            &mut nia,
            "/sign-up",
            &[
                ("csrf", &form.csrf()),
                ("kind", "artist"),
                ("party_name", "Nia Sings"),
                ("party", "nia-sings"),
                ("name", "Nia"),
                ("email", "nia@sings.example"),
                ("password", PW),
                ("repeat", PW),
                ("about", "https://nia.example"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // Not before the operator says yes.
    let token = site.get(&mut nia, "/sign-in").await.csrf();
    let early = site
        .post(
            &mut nia,
            "/sign-in",
            &[
                ("csrf", &token),
                ("email", "nia@sings.example"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNAUTHORIZED);
    let mut ana = site.sign_in("ana@a.example").await;
    assert_eq!(
        site.get(&mut ana, "/operator").await.status,
        StatusCode::FORBIDDEN
    );
    let mut op = site.sign_in("op@registry.example").await;
    let page = site.get(&mut op, "/operator").await;
    assert!(page.body.contains("nia@sings.example") && page.body.contains("https://nia.example"));
    let decided = site
        .post(
            &mut op,
            "/operator/signups/signup-000001",
            &[("csrf", &page.csrf()), ("decision", "approve")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let mut nia = site.sign_in("nia@sings.example").await;
    let team = site.get(&mut nia, "/team").await;
    assert!(team.body.contains("nia@sings.example"));
}

/// A usage report sent through the form: (run, lines typed in, files sent as (field, name,
/// content), recorded?, what the answer shows).
type UsageCase<'a> = (
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str, &'a str)],
    bool,
    &'a str,
);

/// The usage form's fields, with the works typed in.
fn usage_fields<'a>(token: &'a str, run: &'a str, works: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("model", "acme-model"),
        ("run", run),
        ("scan", ""),
        ("manifest", ""),
        ("use", "train-ai"),
        ("territory", "DE"),
        ("date", ""),
        ("works", works),
    ]
}

#[tokio::test]
async fn a_developer_reports_usage_from_lines_or_a_csv_file_and_sees_it_listed() {
    let site = Site::new();
    let mut dev = site.sign_in("dev@acme.example").await;
    let page = site.get(&mut dev, "/usage").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("scan-000001"),
        "the finished scan to cite"
    );
    assert!(
        !page.body.contains("scan-000002"),
        "not another developer's"
    );
    let token = page.csrf();
    // (run, lines typed in, CSV file, reported?, what the answer shows): a file, when chosen,
    // is read instead of the lines; a work not cleared for Acme is refused with the registry's
    // reason; a bad line is named.
    let csv = [("file", "usage.csv", "isrc,seconds\nZZAAA2600001,30.5\n")];
    let cases: [UsageCase; 4] = [
        ("run-typed", "ZZAAA2600001,90\n", &[], true, ""),
        ("run-file", "", &csv, true, ""),
        ("run-b", "ZZBBB2600001,10", &[], false, "ZZBBB2600001"),
        (
            "run-c",
            "ZZAAA2600001,1\nZZAAA2600001,lots",
            &[],
            false,
            "line 2",
        ),
    ];
    for (run, works, files, reported, shows) in cases {
        let a = site
            .multipart(&mut dev, "/usage", &usage_fields(&token, run, works), files)
            .await;
        if reported {
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{run}: {}", a.body);
        } else {
            assert!(a.status.is_client_error(), "{run}: {}", a.status);
        }
        assert!(a.body.contains(shows), "{run}: {}", a.body);
    }
    let list = site.get(&mut dev, "/usage").await;
    for text in ["use-000001", "run-typed", "use-000002", "run-file"] {
        assert!(list.body.contains(text), "{text} listed");
    }
    let after = site.get(&mut dev, "/usage").await;
    assert!(!after.body.contains("run-b") && !after.body.contains("use-000003"));
}

#[tokio::test]
async fn a_holder_has_no_usage_or_eu_summary_pages() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    for path in ["/usage", "/eu-summary"] {
        assert_eq!(
            site.get(&mut ana, path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

/// The EU summary form sent for `model` with the provider's part filled in.
async fn eu_summary(site: &Site, c: &mut Client, token: &str, model: &str, format: &str) -> Answer {
    site.post(c, "/eu-summary", &provider_fields(token, model, format))
        .await
}

/// The provider's part of the EU summary, filled in.
fn provider_fields<'a>(token: &'a str, model: &'a str, format: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("csrf", token), ("model", model), ("format", format)];
    for (k, v) in [
        ("summary_version", "1.0"),
        ("last_update", "2026-09-01"),
        ("provider_name", "Acme AI"),
        ("provider_contact", "legal@acme.example"),
        ("authorised_representative", "none"),
        ("sme", "no"),
        ("model_version", "1.0"),
        ("placed_on_market", "2026-09-01"),
        ("model_dependencies", "none"),
        (
            "other_modalities",
            "text; Less than 1 billion tokens; song metadata",
        ),
        ("linguistic_characteristics", "lyrics in English"),
        ("other_characteristics", "none"),
        ("public_datasets.used", "yes"),
        ("public_datasets.modalities", "audio"),
        (
            "public_datasets.large",
            "Free Music Archive https://example.org/fma",
        ),
        ("other_private_datasets.used", "no"),
        ("crawling.used", "no"),
        ("user_data.from_model_interactions", "no"),
        ("user_data.from_other_services", "no"),
        ("synthetic_data.used", "no"),
        ("other_sources.used", "no"),
        ("code_of_practice_signatory", "yes"),
        ("reservation_measures", "none"),
        (
            "illegal_content_measures",
            "licensed catalogue recordings only",
        ),
        ("other_information", ""),
    ] {
        f.push((k, v));
    }
    f
}

#[tokio::test]
async fn the_eu_summary_is_previewed_and_downloaded_for_the_developers_own_models_only() {
    let site = Site::new();
    let mut dev = site.sign_in("dev@acme.example").await;
    let page = site.get(&mut dev, "/eu-summary").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("acme-model") && !page.body.contains("other-model"));
    let token = page.csrf();
    let theirs = eu_summary(&site, &mut dev, &token, "other-model", "md").await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let preview = eu_summary(&site, &mut dev, &token, "acme-model", "").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Free Music Archive"));
    assert!(preview.body.contains("name=\"format\" value=\"md\""));
    let body = preview.body.to_lowercase();
    assert!(!body.contains("<style") && !body.contains("<script>"));
    let md = eu_summary(&site, &mut dev, &token, "acme-model", "md").await;
    assert_eq!(md.status, StatusCode::OK, "{}", md.body);
    let disposition = md.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(md.body.contains("acme-model") && md.body.starts_with("# "));
    let html = eu_summary(&site, &mut dev, &token, "acme-model", "html").await;
    assert!(
        html.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert!(html.body.starts_with("<!doctype html>") && !html.body.contains("<script"));
    let json = eu_summary(&site, &mut dev, &token, "acme-model", "json").await;
    let v: serde_json::Value = serde_json::from_str(&json.body).expect("json");
    assert_eq!(v["records"]["model"], "acme-model");
    assert!(
        json.body
            .contains("Were crawlers used by the provider or on behalf of?")
    );
    // A required field left empty is refused with its name; so is a Yes without its sub-fields.
    let mut missing = provider_fields(&token, "acme-model", "");
    missing.retain(|(k, _)| *k != "summary_version");
    let a = site.post(&mut dev, "/eu-summary", &missing).await;
    assert!(a.status.is_client_error());
    assert!(a.body.contains("summary_version"), "{}", a.body);
    let mut yes = provider_fields(&token, "acme-model", "");
    yes.retain(|(k, _)| *k != "crawling.used");
    yes.push(("crawling.used", "yes"));
    let a = site.post(&mut dev, "/eu-summary", &yes).await;
    assert!(a.status.is_client_error());
    assert!(a.body.contains("crawling.crawler_names"), "{}", a.body);
}

#[tokio::test]
async fn anyone_checks_a_certificate_and_finds_it_on_the_models_page() {
    let site = Site::certified();
    let (jws, public) = site.certificate.clone().expect("certificate");
    let mut anon = Client::default();
    // The model's page lists it, with its download and the key.
    let page = site.get(&mut anon, "/transparency/acme-model").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("cert-000001") && page.body.contains("2026-01-02"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("/transparency/acme-model/certificates/cert-000001.jws")
    );
    assert!(page.body.contains("href=\"/certificate-key.pem\""));
    let file = site
        .get(
            &mut anon,
            "/transparency/acme-model/certificates/cert-000001.jws",
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body.trim(), jws);
    // Another model's address does not serve it.
    let wrong = site
        .get(
            &mut anon,
            "/transparency/other-model/certificates/cert-000001.jws",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let key = site.get(&mut anon, "/certificate-key.pem").await;
    assert_eq!(key.status, StatusCode::OK);
    assert_eq!(
        fermata_certificate::PublicKey::parse(&key.body).expect("pem"),
        public
    );

    // The form: genuine, then tampered, then junk; checked on the server.
    let form = site.get(&mut anon, "/certificates/verify").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf();
    let ok = site
        .post(
            &mut anon,
            "/certificates/verify",
            &[("csrf", &token), ("jws", &jws)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("data-valid=\"true\""), "{}", ok.body);
    assert!(ok.body.contains("acme-model") && ok.body.contains(&public.kid()));
    let dot = jws.find('.').expect("dot");
    let mut bytes = jws.clone().into_bytes();
    bytes[dot + 5] = if bytes[dot + 5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    for bad in [tampered.as_str(), "not a certificate", ""] {
        let a = site
            .post(
                &mut anon,
                "/certificates/verify",
                &[("csrf", &token), ("jws", bad)],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("data-valid=\"false\""), "{bad}: {}", a.body);
        assert!(!a.body.contains("data-valid=\"true\""));
    }
    // In another language, the verdict is in that language.
    let mut fr = Client {
        lang: Some("fr-FR"),
        ..Client::default()
    };
    let token = site.get(&mut fr, "/certificates/verify").await.csrf();
    let a = site
        .post(
            &mut fr,
            "/certificates/verify",
            &[("csrf", &token), ("jws", &jws)],
        )
        .await;
    assert!(a.body.contains("Valide : signé avec la clé"), "{}", a.body);
}

#[tokio::test]
async fn a_statement_shows_its_fees_and_downloads_as_csv_json_and_dsr_and_a_licence_renews() {
    let site = Site::new();
    {
        // A priced licence that ends, usage under both licences, and a statement.
        let mut r = Registry::open(&site._dir.path().join("registry.sqlite")).expect("registry");
        r.grant_licence(
            LicenceGrant {
                works: vec!["ZZAAA2600001".parse().expect("isrc")],
                valid_to: Some("2026-12-31".into()),
                price: Some("per-hour:10:EUR".parse().expect("price")),
                ..LicenceGrant::new("label-a", "acme-ai", Use::InferenceInput, "2026-01-01")
            },
            "label-a",
        )
        .expect("licence");
        for (use_, seconds) in [(Use::TrainAi, 1800.0), (Use::InferenceInput, 3600.0)] {
            r.report_usage(
                fermata_registry::UsageDraft {
                    developer: "acme-ai".into(),
                    model: "acme-model".into(),
                    run: format!("run-{use_}"),
                    scan: None,
                    manifest: None,
                    use_: Some(use_),
                    territory: "DE".parse().expect("territory"),
                    date: Some("2026-06-01".into()),
                    works: vec![("ZZAAA2600001".parse().expect("isrc"), seconds)],
                },
                "acme-ai",
            )
            .expect("usage");
        }
        r.issue_statement(
            "acme-ai",
            "2026-01-01",
            "2026-12-31",
            "5.00:EUR".parse().expect("money"),
            "acme-ai",
        )
        .expect("statement");
    }
    let mut dev = site.sign_in("dev@acme.example").await;
    let page = site.get(&mut dev, "/statements/stm-000001").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for shown in ["lic-000002", "/statements/stm-000001/dsr", "10.00", "15.00"] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    let dsr = site.get(&mut dev, "/statements/stm-000001/dsr").await;
    assert_eq!(dsr.status, StatusCode::OK);
    assert!(
        dsr.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/tab-separated-values")
    );
    assert!(
        dsr.body.starts_with("HEAD\t") && dsr.body.contains("\tper-hour\t"),
        "{}",
        dsr.body
    );
    let json = site.get(&mut dev, "/statements/stm-000001/json").await;
    let v: serde_json::Value = serde_json::from_str(&json.body).expect("json");
    assert_eq!(v["fees"][0]["amount_minor"], 1000, "{v}");
    let csv = site.get(&mut dev, "/statements/stm-000001/csv").await;
    assert!(
        csv.body.contains(
            "stm-000001,label-a,ZZAAA2600001,3600000,10000,1000,EUR,per-hour,,lic-000002,"
        ),
        "{}",
        csv.body
    );
    // Another party's statement is not found, in any format.
    let mut bo = site.sign_in("bo@b.example").await;
    assert_eq!(
        site.get(&mut bo, "/statements/stm-000001/dsr").await.status,
        StatusCode::NOT_FOUND
    );
    // The developer renews the licence that ends: a request for the next year.
    let licences = site.get(&mut dev, "/licences").await;
    assert!(
        licences.body.contains("/licences/lic-000002/renew"),
        "{}",
        licences.body
    );
    assert!(
        !licences.body.contains("/licences/lic-000001/renew"),
        "no end: nothing to renew"
    );
    let token = licences.csrf();
    let a = site
        .post(
            &mut dev,
            "/licences/lic-000002/renew",
            &[("csrf", token.as_str())],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let requests = site.get(&mut dev, "/requests").await;
    assert!(requests.body.contains("req-000001"), "{}", requests.body);
}

#[tokio::test]
async fn a_developer_attributes_outputs_and_issues_certificates_from_the_web() {
    let site = Site::certified();
    let mut dev = site.sign_in("dev@acme.example").await;
    // The Attribution page: linked, its past reports listed; this server has no home.
    let page = site.get(&mut dev, "/attribution").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("href=\"/attribution\""));
    assert!(page.body.contains("att-000001"), "{}", page.body);
    assert!(page.body.contains("1,500"), "{}", page.body);
    let token = page.csrf();
    // A form without its token is refused; with it, no home: said so.
    let refused = site
        .multipart(
            &mut dev,
            "/attribution",
            &[("model", "acme-model")],
            &[("files", "a.wav", "RIFF")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unavailable = site
        .multipart(
            &mut dev,
            "/attribution",
            &[("csrf", &token), ("model", "acme-model")],
            &[("files", "a.wav", "RIFF")],
        )
        .await;
    assert!(
        unavailable.status.is_client_error(),
        "{}",
        unavailable.status
    );
    assert!(
        unavailable.body.contains("Attribution is not available"),
        "{}",
        unavailable.body
    );
    // The report: per output, and totals per work.
    let report = site.get(&mut dev, "/attribution/att-000001").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("take-1.wav"));
    assert!(report.body.contains("ZZAAA2600001"));
    assert!(report.body.contains("Totals per work"));
    assert_eq!(
        site.get(&mut dev, "/attribution/att-000099").await.status,
        StatusCode::NOT_FOUND
    );
    // In Korean, the same page in Korean.
    let mut ko = dev.clone();
    ko.lang = Some("ko");
    let page = site.get(&mut ko, "/attribution/att-000001").await;
    assert!(page.body.contains("작품별 합계"), "{}", page.body);

    // A holder has neither page nor button.
    let mut ana = site.sign_in("ana@a.example").await;
    assert_eq!(
        site.get(&mut ana, "/attribution").await.status,
        StatusCode::FORBIDDEN
    );
    let model = site.get(&mut ana, "/transparency/acme-model").await;
    assert!(
        !model
            .body
            .contains("/transparency/acme-model/certificates\"")
    );
    let ana_token = model.csrf();
    assert_eq!(
        site.post(
            &mut ana,
            "/transparency/acme-model/certificates",
            &[("csrf", &ana_token)]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // The developer's model page has the button; without the token it is refused.
    let model = site.get(&mut dev, "/transparency/acme-model").await;
    assert!(
        model
            .body
            .contains("action=\"/transparency/acme-model/certificates\""),
        "{}",
        model.body
    );
    let token = model.csrf();
    assert_eq!(
        site.post(&mut dev, "/transparency/acme-model/certificates", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let no_home = site
        .post(
            &mut dev,
            "/transparency/acme-model/certificates",
            &[("csrf", &token)],
        )
        .await;
    assert!(
        no_home.body.contains("Certificates cannot be issued"),
        "{}",
        no_home.body
    );

    // Served at home: other-model is not acme-ai's (not found); acme-model has no manifest
    // yet, said in the person's language.
    let site = Site::at_home();
    let mut dev = site.sign_in("dev@acme.example").await;
    dev.lang = Some("fr");
    let token = site.get(&mut dev, "/attribution").await.csrf();
    assert_eq!(
        site.post(
            &mut dev,
            "/transparency/other-model/certificates",
            &[("csrf", &token)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let no_manifest = site
        .post(
            &mut dev,
            "/transparency/acme-model/certificates",
            &[("csrf", &token)],
        )
        .await;
    assert!(
        no_manifest
            .body
            .contains("pas encore de manifeste autorisé"),
        "{}",
        no_manifest.body
    );
    // No file chosen: said so, in French.
    let token = site.get(&mut dev, "/attribution").await.csrf();
    let none = site
        .multipart(
            &mut dev,
            "/attribution",
            &[("csrf", &token), ("model", "acme-model")],
            &[],
        )
        .await;
    assert!(none.body.contains("au moins un fichier"), "{}", none.body);
}

#[tokio::test]
async fn without_smtp_forgot_password_says_to_ask_the_operator_in_every_language() {
    let site = Site::new();
    for lang in ["en", "es", "fr", "ko", "pt"] {
        let mut anon = Client {
            lang: Some(lang),
            ..Client::default()
        };
        let sign_in = site.get(&mut anon, "/sign-in").await;
        assert!(sign_in.body.contains("href=\"/forgot\""), "{lang}");
        let token = sign_in.csrf();
        let page = site.get(&mut anon, "/forgot").await;
        assert_eq!(page.status, StatusCode::OK);
        let no_mail = messages(lang)["forgot-no-mail"]
            .replace('&', "&amp;")
            .replace('\'', "&#39;");
        assert!(
            page.body.contains(no_mail.as_str()),
            "{lang}: {}",
            page.body
        );
        assert!(
            !page.body.contains("action=\"/forgot\""),
            "no form without SMTP"
        );
        let a = site
            .post(
                &mut anon,
                "/forgot",
                &[("csrf", &token), ("email", "ana@a.example")],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains(no_mail.as_str()), "{lang}");
        let no_token = site
            .post(&mut anon, "/forgot", &[("email", "ana@a.example")])
            .await;
        assert!(no_token.status.is_client_error());
    }
}

#[tokio::test]
async fn a_person_turns_mail_off_and_on_and_the_account_page_shows_it() {
    let site = Site::new();
    let mut ana = site.sign_in("ana@a.example").await;
    let page = site.get(&mut ana, "/account").await;
    let en = messages("en");
    assert!(page.body.contains(en["account-mail-on"].as_str()));
    let token = page.csrf();
    let a = site
        .post(
            &mut ana,
            "/account/mail",
            &[("csrf", &token), ("mail", "off")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = site.get(&mut ana, "/account").await;
    assert!(page.body.contains(en["account-mail-off"].as_str()));
    assert!(page.body.contains(en["account-mail-turn-on"].as_str()));
    let bad = site
        .post(
            &mut ana,
            "/account/mail",
            &[("csrf", &token), ("mail", "sometimes")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let mut nobody = Client::default();
    let t = site.get(&mut nobody, "/sign-in").await.csrf();
    let anon = site
        .post(
            &mut nobody,
            "/account/mail",
            &[("csrf", &t), ("mail", "off")],
        )
        .await;
    // Not signed in: sent to sign in, nothing changed.
    let to = anon
        .headers
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap_or_default());
    assert!(
        to.is_some_and(|l| l.starts_with("/sign-in")),
        "{:?}",
        anon.headers
    );
}
