//! The real server over HTTPS on a loopback port, with a throwaway self-signed certificate and
//! a rustls client that trusts it: requests are served, plain HTTP is not answered, and a
//! client that never finishes its handshake is closed without holding up anyone else.

mod common;

use fermata_registry::Registry;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM into a directory of
/// its own.
struct Cert {
    cert: PathBuf,
    key: PathBuf,
    der: Vec<u8>,
    _dir: tempfile::TempDir,
}

impl Cert {
    fn new() -> Cert {
        let dir = tempfile::tempdir().unwrap();
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        Cert {
            cert,
            key,
            der: made.cert.der().to_vec(),
            _dir: dir,
        }
    }

    /// An HTTPS client that trusts this certificate only.
    fn client(&self) -> ureq::Agent {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.der.clone().into()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        ureq::AgentBuilder::new()
            .tls_config(Arc::new(config))
            .timeout(Duration::from_secs(10))
            .build()
    }
}

/// An HTTPS server over an empty registry, with `config` and this certificate.
fn start(cert: &Cert, config: fermata_server::ServeConfig) -> (common::Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::create(&common::registry_file(dir.path())).unwrap();
    let tls = fermata_server::tls_config(&cert.cert, &cert.key).unwrap();
    let config = fermata_server::ServeConfig {
        tls: Some(tls),
        ..config
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
    let (server, _dir) = start(&cert, fermata_server::ServeConfig::default());
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
        fermata_server::ServeConfig {
            header_read_timeout: Duration::from_secs(1),
            ..Default::default()
        },
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
    let (server, _dir) = start(
        &cert,
        fermata_server::ServeConfig {
            max_connections: 1,
            header_read_timeout: Duration::from_secs(30),
            ..Default::default()
        },
    );
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
