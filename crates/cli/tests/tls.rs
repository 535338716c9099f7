//! End-to-end: `fermata serve --tls-cert --tls-key` serves the web app and the API over HTTPS
//! with a throwaway self-signed certificate, and marks the web app's cookies `Secure`.

mod common;

use common::env::*;
use common::*;
use std::time::Duration;

#[test]
fn serve_with_a_certificate_speaks_https_with_secure_cookies() {
    let env = Env::new();
    let made = fermata_testkit::TlsCert::new();
    let (cert, key) = made.write_to(env.dir.path());

    // Both or neither.
    let alone = env.run(&["serve", "--listen", "127.0.0.1:0", "--tls-cert", "cert.pem"]);
    assert!(!alone.status.success());
    assert!(stderr(&alone).contains("--tls-key"), "{}", stderr(&alone));
    // A file that is not a certificate is named, with what to give instead.
    let wrong = env.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        key.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("key.pem") && stderr(&wrong).contains("PEM"),
        "{}",
        stderr(&wrong)
    );

    let mut cmd = fermata();
    cmd.arg("--home")
        .arg(env.home())
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key);
    let (child, base) = spawn_server(cmd);
    let guard = KillOnDrop(child);

    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let client = ureq::AgentBuilder::new()
        .tls_config(made.client_config())
        .redirects(0)
        .timeout(Duration::from_secs(10))
        .build();

    let health = client.get(&format!("{base}/v1/health")).call().unwrap();
    assert_eq!(health.status(), 200);
    let page = match client.get(&format!("{base}/")).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET /: {e}"),
    };
    let cookies = page.all("set-cookie").join("\n");
    let csrf = cookies
        .lines()
        .find(|c| c.starts_with("fermata_csrf="))
        .unwrap_or_else(|| panic!("no fermata_csrf cookie in {cookies:?}"));
    assert!(csrf.contains("; Secure"), "{csrf}");
    assert!(
        page.content_type().starts_with("text/html"),
        "{}",
        page.content_type()
    );
    drop(guard);
}

/// Kills the server when the test ends, passed or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
