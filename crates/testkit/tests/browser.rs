//! The browser harness (fermata_testkit::browser) against small pages served on loopback by the
//! test itself, every one with the strict Content-Security-Policy the app will send. Skips
//! without chromium, chromedriver or axe-core, except under CI=true.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Duration;

use fermata_testkit::browser::Browser;

/// The CSP the app will send: no inline script, no eval.
const CSP: &str = "default-src 'self'; script-src 'self'";

/// Serves the test pages on a loopback port, one thread per connection; returns the base URL.
fn serve() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
    let base = format!(
        "http://{}",
        listener.local_addr().expect("the listener's address")
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || handle(stream));
        }
    });
    base
}

/// A page with a title, `lang` and a `<main>`, around `body`.
fn page(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8>\
         <meta name=viewport content='width=device-width, initial-scale=1'>\
         <title>{title}</title>{head}</head><body><main>{body}</main></body></html>"
    )
}

fn handle(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return; // a preconnect that sent nothing
    }
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let mut extra = String::new();
    let html = match path {
        "/form" => {
            extra.push_str("Set-Cookie: session=s3cret; Path=/; HttpOnly; SameSite=Strict\r\n");
            page(
                "Form",
                // Blocked by the CSP: the title stays "Form".
                "<script>document.title = 'inline script ran'</script>",
                "<h1>Tell us</h1>\
                 <form method=post action=/done enctype=multipart/form-data>\
                 <label for=name>Name</label> <input id=name name=name value=old required>\
                 <label for=colour>Colour</label> <select id=colour name=colour>\
                 <option value=red>Red</option><option value=green>Green</option></select>\
                 <input type=checkbox id=agree name=agree value=yes><label for=agree>Agree</label>\
                 <label for=file>File</label> <input type=file id=file name=file>\
                 <button id=send type=submit>Send</button></form>",
            )
        }
        "/done" => {
            let fields = multipart_fields(&headers, &body);
            page(
                "Done",
                "",
                &format!(
                    "<h1>Thanks</h1><ul>{}</ul><p id=lang>{}</p>",
                    fields
                        .iter()
                        .map(|f| format!("<li>{}</li>", escape(f)))
                        .collect::<String>(),
                    escape(headers.get("accept-language").map_or("", |s| s)),
                ),
            )
        }
        "/good" => page(
            "Accessible",
            "",
            "<h1>Fine</h1><img src=/none.png alt='A logo' width=10 height=10>\
             <label for=q>Search</label> <input id=q name=q>",
        ),
        "/bad" => page(
            "Broken",
            "",
            "<h1>Broken</h1><img src=/none.png width=10 height=10><input name=q>",
        ),
        // The CSP blocks style attributes too: the boxes are styled by /style.css.
        "/overflow" => page(
            "Overflow",
            "<link rel=stylesheet href=/style.css>",
            "<h1>Boxes</h1>\
             <div id=tight class=box>이 문장은 상자보다 훨씬 깁니다 and it does not fit at all</div>\
             <div id=fine class=box>Short</div>\
             <span class=sr-only>screen-reader-only text that is long</span>",
        ),
        "/style.css" => {
            let css = ".box { width: 80px; overflow: hidden; white-space: nowrap }\n\
                       #fine { width: 300px }\n\
                       .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; \
                       clip: rect(0, 0, 0, 0); white-space: nowrap }\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{css}",
                css.len()
            );
            return;
        }
        "/lang" => page(
            "Lang",
            "",
            &format!(
                "<p id=lang>{}</p>",
                escape(headers.get("accept-language").map_or("", |s| s))
            ),
        ),
        _ => {
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Security-Policy: {CSP}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{html}",
        html.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// `name=value` (or `name=filename:contents`) for each part of a multipart/form-data body.
fn multipart_fields(headers: &HashMap<String, String>, body: &[u8]) -> Vec<String> {
    let body = String::from_utf8_lossy(body);
    let Some(boundary) = headers
        .get("content-type")
        .and_then(|t| t.split("boundary=").nth(1))
    else {
        return vec![format!("not multipart: {body}")];
    };
    body.split(&format!("--{boundary}"))
        .filter_map(|part| {
            let (head, value) = part.split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?;
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            Some(match head.split("filename=\"").nth(1) {
                Some(f) => format!("{name}={}:{value}", f.split('"').next().unwrap_or("")),
                None => format!("{name}={value}"),
            })
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

#[test]
fn fills_and_submits_a_form_and_reads_cookies() {
    let Some(browser) = Browser::start_with_lang("ko-KR,ko,en") else {
        return;
    };
    let base = serve();
    browser.goto(&format!("{base}/form"));
    assert_eq!(browser.title(), "Form", "the CSP blocks the inline script");
    assert!(browser.exists("form") && !browser.exists("#nothing"));

    let cookies = browser.cookies();
    let session = cookies
        .iter()
        .find(|c| c.name == "session")
        .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"));
    assert_eq!(session.value, "s3cret");
    assert!(session.http_only && !session.secure, "{session:?}");
    assert_eq!(session.same_site.as_deref(), Some("Strict"));
    let seen_by_page = browser.execute("return document.cookie;", &[]);
    assert_eq!(seen_by_page, "", "HttpOnly hides the cookie from scripts");

    let dir = tempfile::tempdir().expect("temp dir");
    let upload = dir.path().join("hello.txt");
    std::fs::write(&upload, "hello upload").expect("write the upload");
    browser.fill("#name", "Ada Lovelace");
    browser.select("#colour", "green");
    browser.check("#agree");
    browser.check("#agree"); // stays checked
    browser.upload("#file", &upload);
    browser.submit("#send");

    assert_eq!(browser.title(), "Done");
    assert!(browser.current_url().ends_with("/done"));
    assert_eq!(
        browser.texts("li"),
        [
            "name=Ada Lovelace",
            "colour=green",
            "agree=yes",
            "file=hello.txt:hello upload"
        ]
    );
    assert!(
        browser.text("#lang").starts_with("ko-KR"),
        "Accept-Language"
    );
    assert!(browser.page_source().contains("<h1>Thanks</h1>"));

    // Submitting the form element itself (requestSubmit) works too.
    browser.goto(&format!("{base}/form"));
    browser.submit("form");
    browser.wait_for("li", Duration::from_secs(5));
    assert_eq!(browser.texts("li")[0], "name=old");

    browser.delete_cookies();
    assert!(browser.cookies().is_empty());
}

#[test]
fn axe_runs_under_a_strict_csp_and_finds_violations() {
    let Some(browser) = Browser::start() else {
        return;
    };
    if fermata_testkit::browser::axe_core_path().is_none() {
        return;
    }
    let base = serve();
    browser.goto(&format!("{base}/good"));
    browser.assert_no_serious_axe_violations("the accessible page");

    browser.goto(&format!("{base}/bad"));
    let violations = browser.axe();
    let ids: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
    assert!(
        ids.contains(&"image-alt") && ids.contains(&"label"),
        "{violations:#?}"
    );
    let image_alt = violations
        .iter()
        .find(|v| v.id == "image-alt")
        .expect("image-alt is there");
    assert!(image_alt.is_serious() && image_alt.nodes[0].html.starts_with("<img"));
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        browser.assert_no_serious_axe_violations("the broken page")
    }));
    let message = failed.expect_err("the broken page fails the check");
    let message = message
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(
        message.contains("the broken page") && message.contains("image-alt"),
        "{message}"
    );
}

#[test]
fn finds_overflow_and_takes_screenshots() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let base = serve();
    browser.goto(&format!("{base}/overflow"));
    let found = browser.overflowing();
    assert!(
        found.len() == 1 && found[0].starts_with("div#tight"),
        "{found:#?}"
    );

    // A page wider than a phone's viewport.
    browser.execute(
        "const d = document.createElement('div'); d.id = 'wide'; d.style.width = '900px'; \
         d.textContent = 'wide'; document.querySelector('main').append(d);",
        &[],
    );
    browser.set_window_size(400, 800);
    let found = browser.overflowing();
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("page scrolls horizontally"))
            && found.iter().any(|f| f.starts_with("div#wide")),
        "{found:#?}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("page.png");
    browser.screenshot(&png);
    let bytes = std::fs::read(&png).expect("read the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
}
