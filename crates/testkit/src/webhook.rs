//! A webhook receiver on loopback: it records every request fermata sends and answers each with
//! the next scripted status, so that tests see deliveries, retries and signatures as a party's
//! server would. [`check_signature`] verifies a delivery the way `docs/webhooks.md` tells a
//! receiver to, with its own HMAC rather than fermata's code.

use hmac::{Hmac, Mac};
use sha2_010::Sha256;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request path, e.g. `/hook`.
    pub path: String,
    /// Headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body as text.
    pub body: String,
}

/// A receiver listening on 127.0.0.1 in a thread of its own, for the rest of the test.
pub struct WebhookReceiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

impl WebhookReceiver {
    /// Starts a receiver on a free port.
    pub fn start() -> WebhookReceiver {
        Self::on(TcpListener::bind("127.0.0.1:0").expect("bind a loopback port"))
    }

    /// Starts a receiver on `port` (one chosen earlier, e.g. to bring a receiver up late).
    pub fn on_port(port: u16) -> WebhookReceiver {
        Self::on(TcpListener::bind(("127.0.0.1", port)).expect("bind the receiver's port"))
    }

    fn on(listener: TcpListener) -> WebhookReceiver {
        let port = listener.local_addr().expect("a bound address").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let answers: Arc<Mutex<Vec<u16>>> = Arc::new(Mutex::new(Vec::new()));
        let (g, a) = (got.clone(), answers.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let status = {
                    let mut a = a.lock().expect("answers");
                    if a.is_empty() { 200 } else { a.remove(0) }
                };
                g.lock().expect("received").push(request);
                let reply = if status < 300 { "ok" } else { "not now" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        WebhookReceiver { port, got, answers }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers the next requests with these statuses, in order (200 once they are used up).
    pub fn answer(&self, statuses: &[u16]) {
        self.answers
            .lock()
            .expect("answers")
            .extend_from_slice(statuses);
    }

    /// Every request so far, in the order received.
    pub fn got(&self) -> Vec<Received> {
        self.got.lock().expect("received").clone()
    }

    /// Waits until at least `n` requests arrived, or fails after `secs` seconds.
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {n} webhook requests ({} arrived)",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Reads one HTTP/1.1 request: the request line, the headers, a Content-Length body.
fn read_request(stream: &std::net::TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split(' ').nth(1).unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers
        .get("content-length")
        .map_or(Some(0), |l| l.parse().ok())?;
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        path,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// Checks a delivery as `docs/webhooks.md` tells a receiver to: the `Fermata-Signature` header
/// `t=…,v1=…` is the HMAC-SHA256 of `"{t}.{body}"` with the endpoint's secret, its timestamp
/// is within 5 minutes of now, and the body's `id` and `type` match the `Fermata-Delivery` and
/// `Fermata-Event` headers.
///
/// # Panics
/// When any of that does not hold.
pub fn check_signature(secret: &str, r: &Received) {
    let header = &r.headers["fermata-signature"];
    let (t, v1) = header.split_once(',').expect("t=…,v1=…");
    let t: i64 = t
        .strip_prefix("t=")
        .and_then(|t| t.parse().ok())
        .expect("t=");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{}", r.body).as_bytes());
    let want: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1.strip_prefix("v1="), Some(want.as_str()), "{r:?}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    assert!((now - t).abs() <= 300, "timestamp {t}, now {now}");
    assert_eq!(r.headers["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("a JSON body");
    assert_eq!(body["id"], r.headers["fermata-delivery"].as_str());
    assert_eq!(body["type"], r.headers["fermata-event"].as_str());
}
