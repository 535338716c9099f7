//! The real server over HTTPS on a loopback port, with a throwaway self-signed certificate and
//! a rustls client that trusts it: requests are served, plain HTTP is not answered, and a
//! client that never finishes its handshake is closed without holding up anyone else.

mod common;

use fermata_registry::Registry;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A throwaway self-signed certificate, written as PEM into a directory of its own.
struct Cert {
    made: fermata_testkit::TlsCert,
    cert: PathBuf,
    key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Cert {
    fn new() -> Cert {
        let dir = tempfile::tempdir().unwrap();
        let made = fermata_testkit::TlsCert::new();
        let (cert, key) = made.write_to(dir.path());
        Cert {
            made,
            cert,
            key,
            _dir: dir,
        }
    }

    /// An HTTPS client that trusts this certificate only.
    fn client(&self) -> ureq::Agent {
        ureq::AgentBuilder::new()
            .tls_config(self.made.client_config())
            .timeout(Duration::from_secs(10))
            .build()
    }
}

/// An HTTPS server over an empty registry with this certificate, holding at most
/// `max_connections` with `header_read_timeout`.
fn start(
    cert: &Cert,
    max_connections: usize,
    header_read_timeout: Duration,
) -> (common::Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::create(&common::registry_file(dir.path())).unwrap();
    let config = fermata_server::ServeConfig {
        tls: Some(fermata_server::tls_config(&cert.cert, &cert.key).unwrap()),
        max_connections,
        header_read_timeout,
        ..Default::default()
    };
    (common::Server::start(registry, config), dir)
}

fn health(client: &ureq::Agent, server: &common::Server) -> u16 {
    let url = format!("https://127.0.0.1:{}/v1/health", server.addr.port());
    client.get(&url).call().map(|r| r.status()).unwrap()
}

/// A raw TCP connection with 10 s timeouts.
fn connect(server: &common::Server) -> TcpStream {
    let s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Reads until the server closes (or 10 s pass); returns what came and when it ended.
fn read_to_close(s: &mut TcpStream) -> (Vec<u8>, Instant) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    (out, Instant::now())
}

#[test]
fn https_requests_are_served_and_plain_http_is_not() {
    let cert = Cert::new();
    let (server, _dir) = start(
        &cert,
        fermata_server::MAX_CONNECTIONS,
        fermata_server::HEADER_READ_TIMEOUT,
    );
    let client = cert.client();
    assert_eq!(health(&client, &server), 200);
    // Kept alive: a second request on the same client is served too.
    let body = client
        .get(&format!(
            "https://localhost:{}/v1/health",
            server.addr.port()
        ))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(body.contains("ok"), "{body}");

    // Plain HTTP to the TLS port gets no HTTP answer (at most a TLS alert), then the close.
    let mut plain = connect(&server);
    plain
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (answer, _) = read_to_close(&mut plain);
    assert!(
        !answer.starts_with(b"HTTP/"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // A client that does not trust the certificate is refused by its own side.
    let stranger = Cert::new().client();
    let url = format!("https://127.0.0.1:{}/v1/health", server.addr.port());
    assert!(stranger.get(&url).call().is_err());
    assert_eq!(health(&client, &server), 200);
}

#[test]
fn a_handshake_never_completed_is_closed_after_the_header_timeout() {
    let cert = Cert::new();
    let (server, _dir) = start(
        &cert,
        fermata_server::MAX_CONNECTIONS,
        Duration::from_secs(1),
    );
    let opened = Instant::now();
    // One says nothing; the other starts a TLS record (a handshake, 255 bytes long) and stops.
    let mut silent = connect(&server);
    let mut partial = connect(&server);
    partial
        .write_all(&[0x16, 0x03, 0x01, 0x00, 0xff, 0x01])
        .unwrap();
    // Meanwhile everyone else is served.
    let client = cert.client();
    assert_eq!(health(&client, &server), 200);
    for s in [&mut silent, &mut partial] {
        let (answer, closed) = read_to_close(s);
        let held = closed - opened;
        assert!(
            held >= Duration::from_millis(900) && held < Duration::from_secs(8),
            "closed after {held:?}"
        );
        assert!(!answer.starts_with(b"HTTP/"));
    }
    assert_eq!(health(&client, &server), 200);
}

#[test]
fn a_connection_in_its_handshake_counts_against_the_cap_and_gives_way() {
    let cert = Cert::new();
    let (server, _dir) = start(&cert, 1, Duration::from_secs(30));
    let mut stalled = connect(&server);
    // Give the server time to take it into its one slot.
    std::thread::sleep(Duration::from_millis(200));
    let opened = Instant::now();
    // The newcomer displaces it (nothing is in progress on it) and is served.
    assert_eq!(health(&cert.client(), &server), 200);
    let (_, closed) = read_to_close(&mut stalled);
    assert!(
        closed - opened < Duration::from_secs(8),
        "held for {:?}",
        closed - opened
    );
}
