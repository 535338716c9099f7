//! The real server on a loopback port, spoken to over raw TCP: what hyper itself answers
//! (malformed requests, over-long URIs and headers) and how slow, idle and stalled clients are
//! treated. Every loop here is bounded and every socket has a read timeout.

mod common;

use fermata_registry::{PartyKind, Registry, Role};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A server on 127.0.0.1 in this process with a developer's key; stopped when dropped.
struct Server {
    addr: SocketAddr,
    /// A developer's API key.
    key: String,
    _server: common::Server,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(config: fermata_server::ServeConfig) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::create(&common::registry_file(dir.path())).unwrap();
        r.add_party("dev-x", PartyKind::Developer, "dev-x", "cli")
            .unwrap();
        let key = r
            .create_key("dev-x", Role::Developer, "cli")
            .unwrap()
            .secret;
        let server = common::Server::start(r, config);
        Server {
            addr: server.addr,
            key,
            _server: server,
            _dir: dir,
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Sends raw bytes (write errors ignored: the server may close before reading them all)
    /// and reads the answer until the server closes or 10 s pass.
    fn raw(&self, bytes: &[u8]) -> String {
        let mut s = self.connect();
        let _ = s.write_all(bytes);
        read_all(&mut s)
    }
}

fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One complete response read from a kept-alive connection (by its Content-Length).
fn read_response(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&out).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if out.len() >= end + 4 + len {
                return text;
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return text,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

fn status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// The status, and the body as JSON, of a response that must be in the API's error shape.
fn error_shape(response: &str) -> (u16, serde_json::Value) {
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {response:?}"));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "not JSON: {head}"
    );
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response:?}"));
    assert!(
        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
        "{v}"
    );
    (status(response), v)
}

#[test]
fn malformed_requests_long_uris_and_huge_headers_get_the_error_shape() {
    let server = Server::start(Default::default());
    // A malformed request line, and a header line without a colon: 400.
    for bad in [
        &b"GET /v1/health HTTX/1.1\r\nHost: x\r\n\r\n"[..],
        b"\x00\x01NOT HTTP AT ALL\r\n\r\n",
        b"GET /v1/health HTTP/1.1\r\nno colon here\r\n\r\n",
    ] {
        let (code, v) = error_shape(&server.raw(bad));
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{}: {v}",
            String::from_utf8_lossy(bad)
        );
    }
    // A URI over the limit, but within the header limit: 414.
    let uri = format!("/v1/works?q={}", "a".repeat(10_000));
    let (code, v) = error_shape(
        &server
            .raw(format!("GET {uri} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()),
    );
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (414, Some("uri_too_long")),
        "{v}"
    );
    // A huge header, many headers, and a URI beyond the header limit: 431.
    let huge = format!(
        "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let many = format!(
        "GET /v1/health HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    let longer = format!(
        "GET /v1/works?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100_000)
    );
    for req in [huge, many, longer] {
        let (code, v) = error_shape(&server.raw(req.as_bytes()));
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (431, Some("headers_too_large")),
            "{v}"
        );
    }
    // The server is fine afterwards.
    assert_eq!(
        status(&server.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
        200
    );
}

/// How many of `clients` the server still holds open (a read would block rather than see
/// the connection closed).
fn still_open(clients: &mut [TcpStream]) -> usize {
    let mut open = 0;
    for c in clients.iter_mut() {
        c.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 512];
        match c.read(&mut buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => open += 1,
            _ => {}
        }
    }
    open
}

#[test]
fn slow_and_idle_clients_are_closed_and_others_still_served() {
    let header_timeout = Duration::from_secs(2);
    let cap = 32;
    let server = Server::start(fermata_server::ServeConfig {
        max_connections: cap,
        header_read_timeout: header_timeout,
        ..Default::default()
    });
    // 300 clients send half a request head and stall.
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut s = server.connect();
            s.write_all(format!("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow-{i}: ").as_bytes())
                .unwrap();
            s
        })
        .collect();
    // Meanwhile a normal client is served at once, each time.
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let t = Instant::now();
        let answer = server.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert_eq!(status(&answer), 200, "{answer}");
        slowest = slowest.max(t.elapsed());
    }
    std::thread::sleep(Duration::from_millis(300));
    let held_during = still_open(&mut slow);
    eprintln!(
        "flood of {}: normal requests took at most {slowest:?}; {held_during} stalled connections held",
        slow.len()
    );
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    assert!(
        held_during <= cap,
        "{held_during} stalled connections held, over the cap of {cap}"
    );
    // After the header timeout every stalled connection, and the idle one, is closed.
    let deadline = started + header_timeout + Duration::from_secs(3);
    let mut held_after = still_open(&mut slow);
    while held_after > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        held_after = still_open(&mut slow);
    }
    eprintln!(
        "{held_after} stalled connections held {:?} after the flood began",
        started.elapsed()
    );
    assert_eq!(held_after, 0);
    // A kept-alive client makes one request and then idles: it is closed after the same time.
    let mut idle = server.connect();
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(status(&read_response(&mut idle)), 200);
    let t = Instant::now();
    let mut rest = [0u8; 16];
    let closed = idle.read(&mut rest);
    assert!(matches!(closed, Ok(0)), "{closed:?}");
    eprintln!(
        "the idle kept-alive connection was closed after {:?}",
        t.elapsed()
    );
    assert!(
        t.elapsed() >= header_timeout - Duration::from_millis(100)
            && t.elapsed() < header_timeout + Duration::from_secs(2),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        status(&server.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
        200
    );
}

#[test]
fn a_stalled_body_gets_408_and_a_full_server_refuses_with_503() {
    let cap = 4;
    let body_timeout = Duration::from_secs(2);
    let server = Server::start(fermata_server::ServeConfig {
        max_connections: cap,
        body_read_timeout: body_timeout,
        ..Default::default()
    });
    let post = |declared: usize, sent: &str| {
        let mut s = server.connect();
        let head = format!(
            "POST /v1/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n{sent}",
            server.key
        );
        s.write_all(head.as_bytes()).unwrap();
        s
    };
    // A body that stops halfway: 408 in the error shape after the body timeout.
    let t = Instant::now();
    let mut stalled = post(100, "{\"use\":");
    let (code, v) = error_shape(&read_all(&mut stalled));
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (408, Some("request_timeout")),
        "{v}"
    );
    assert!(
        t.elapsed() >= body_timeout && t.elapsed() < body_timeout + Duration::from_secs(3),
        "{:?}",
        t.elapsed()
    );
    // With every connection busy reading a body, one more is refused at once with a 503.
    let t = Instant::now();
    let mut busy: Vec<TcpStream> = (0..cap).map(|_| post(100, "{")).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = server.connect();
    let (code, v) = error_shape(&read_all(&mut extra));
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (503, Some("unavailable")),
        "{v}"
    );
    assert!(
        t.elapsed() < body_timeout,
        "refused at once, not after the busy ones time out: {:?}",
        t.elapsed()
    );
    // The busy ones get their 408, and then the server takes new connections again.
    for b in busy.iter_mut() {
        assert_eq!(status(&read_all(b)), 408);
    }
    assert_eq!(
        status(&server.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
        200
    );
}
