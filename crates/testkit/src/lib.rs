//! Test support shared by fermata's crates, written once: whether an outside tool or the
//! development corpus is there (and what a test does when it is not), a headless-Chromium
//! harness for end-to-end and accessibility tests ([`browser`]), a throwaway C2PA certificate
//! chain, a loopback RFC 3161 time-stamp authority ([`tsa`]), a loopback webhook receiver
//! ([`webhook`]), and fixture builders.
//!
//! **The skip rule.** A test that needs something outside the repository (ffmpeg, sox, python3,
//! the development corpus) skips itself with a note on stderr when it is missing, so that
//! `cargo test` works on a bare machine; under `CI=true` a missing tool is a broken test
//! environment, and the test fails instead (scripts/test.sh installs the tools and fetches the
//! corpus).
//!
//! This crate is only ever a dev-dependency. Its helpers panic with a message instead of
//! returning errors: a failed fixture is a failed test.

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod browser;
pub mod smtp;
pub mod tsa;
pub mod webhook;

pub use tsa::TimeStampAuthority;
pub use webhook::WebhookReceiver;

/// True when the environment says it is CI (`CI=true`), where nothing may be skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Says that `what` is missing: under `CI=true` fails the calling test, otherwise prints a
/// "skipping" note naming `remedy`. The caller then returns early.
///
/// # Panics
/// Under `CI=true`, always.
pub fn missing(what: &str, remedy: &str) {
    assert!(!under_ci(), "{what} is required under CI=true ({remedy})");
    eprintln!("skipping: {what} is missing ({remedy})");
}

/// Whether `tool` runs (`tool version_flag` exits with success). When it does not, applies the
/// skip rule ([`missing`]) and returns false.
pub fn have_tool(tool: &str, version_flag: &str) -> bool {
    let ok = Command::new(tool)
        .arg(version_flag)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        missing(tool, "scripts/test.sh installs it");
    }
    ok
}

/// Whether `ffmpeg` is on `PATH`, with the skip rule ([`have_tool`]).
pub fn have_ffmpeg() -> bool {
    have_tool("ffmpeg", "-version")
}

/// `python3` if it is on `PATH`, or None with the skip rule ([`have_tool`]).
pub fn python3() -> Option<&'static str> {
    have_tool("python3", "--version").then_some("python3")
}

/// Encodes `input` with ffmpeg into `output` with the codec arguments `args` (e.g.
/// `["-b:a", "128k"]`; the container follows `output`'s extension).
///
/// # Panics
/// When ffmpeg cannot run or fails.
pub fn ffmpeg_encode(input: &Path, output: &Path, args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(input)
        .args(args)
        .arg(output)
        .status()
        .expect("ffmpeg runs");
    assert!(
        status.success(),
        "ffmpeg {args:?} failed on {} -> {}",
        input.display(),
        output.display()
    );
}

/// One recording of the development corpus.
#[derive(Debug, Clone)]
pub struct CorpusTrack {
    /// The audio file.
    pub path: PathBuf,
    /// Its length in seconds, when the list gives one.
    pub seconds: Option<f64>,
}

/// The development corpus (`scripts/fetch-corpus.sh`), listed by `tracks.tsv` (path, collection,
/// seconds) under `$FERMATA_CORPUS`; None, with the skip rule ([`missing`]), when it is not there.
///
/// # Panics
/// Under `CI=true` without a corpus, or when the list names no track.
pub fn corpus() -> Option<Vec<CorpusTrack>> {
    let root = std::env::var_os("FERMATA_CORPUS").map(PathBuf::from);
    let text = root
        .as_ref()
        .and_then(|r| std::fs::read_to_string(r.join("tracks.tsv")).ok());
    let Some(text) = text else {
        missing(
            "the development corpus",
            "set FERMATA_CORPUS; scripts/test.sh fetches it",
        );
        return None;
    };
    let tracks: Vec<CorpusTrack> = text
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let path = cols.next().filter(|p| !p.is_empty())?;
            let seconds = cols.nth(1).and_then(|s| s.trim().parse().ok());
            Some(CorpusTrack {
                path: PathBuf::from(path),
                seconds,
            })
        })
        .collect();
    assert!(!tracks.is_empty(), "the corpus lists no tracks");
    Some(tracks)
}

/// Writes generated music for `seed` (`fermata_synth::synth::track`) as a 16-bit WAV file at
/// `rate`, and returns the samples.
///
/// # Panics
/// When the file cannot be written.
pub fn write_track(path: &Path, seed: u64, seconds: f32, rate: u32) -> Vec<f32> {
    let audio = fermata_synth::synth::track(seed, seconds, rate);
    fermata_audio::write_wav(path, &audio, rate)
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    audio
}

/// A throwaway certificate chain meeting the C2PA signing profile: a self-signed CA and a P-256
/// end-entity certificate (digital signature, email protection, authority key identifier).
pub struct SigningChain {
    /// The end-entity certificate then the CA's, as PEM.
    pub chain_pem: Vec<u8>,
    /// The end-entity's private key, as PKCS#8 PEM.
    pub key_pem: Vec<u8>,
    /// The CA's certificate alone, as PEM: the trust anchor for this chain.
    pub ca_pem: Vec<u8>,
}

impl SigningChain {
    /// Makes a new chain (fresh keys every call).
    ///
    /// # Panics
    /// When rcgen refuses the parameters (it does not for these).
    pub fn new() -> SigningChain {
        SigningChain::made(None)
    }

    /// Makes a chain whose signing certificate expires `seconds` from now (valid since an hour
    /// ago; its CA is valid as usual): for signatures that must outlive their certificate.
    ///
    /// # Panics
    /// As [`SigningChain::new`].
    pub fn expiring_in(seconds: u64) -> SigningChain {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("a clock after 1970")
            .as_secs() as i64;
        SigningChain::made(Some((now - 3600, now + seconds as i64)))
    }

    /// The signing certificate valid between the two times (seconds since the epoch) when
    /// given, for rcgen's default validity otherwise.
    fn made(validity: Option<(i64, i64)>) -> SigningChain {
        let made = Issued::new(
            "fermata test",
            "fermata test signer",
            rcgen::ExtendedKeyUsagePurpose::EmailProtection,
            validity,
        );
        SigningChain {
            chain_pem: format!("{}{}", made.cert.pem(), made.ca.pem()).into_bytes(),
            key_pem: made.key.serialize_pem().into_bytes(),
            ca_pem: made.ca.pem().into_bytes(),
        }
    }

    /// Writes `chain.pem` and `key.pem` into `dir`; returns their paths (chain, key).
    ///
    /// # Panics
    /// When a file cannot be written.
    pub fn write_to(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (chain, key) = (dir.join("chain.pem"), dir.join("key.pem"));
        std::fs::write(&chain, &self.chain_pem).expect("write chain.pem");
        std::fs::write(&key, &self.key_pem).expect("write key.pem");
        (chain, key)
    }
}

/// A throwaway CA and an end-entity certificate it issued, with its key: the C2PA profile for
/// signing and time-stamping certificates (CA:false, digitalSignature, one extended key usage,
/// an authority key identifier).
pub(crate) struct Issued {
    /// The CA's certificate (`{name} CA`).
    pub(crate) ca: rcgen::Certificate,
    /// The end-entity certificate.
    pub(crate) cert: rcgen::Certificate,
    /// The end-entity's key (P-256).
    pub(crate) key: rcgen::KeyPair,
}

impl Issued {
    /// `ca_name CA` issues `name` for `usage`, valid between the two times (seconds since the
    /// epoch) when given.
    pub(crate) fn new(
        ca_name: &str,
        name: &str,
        usage: rcgen::ExtendedKeyUsagePurpose,
        validity: Option<(i64, i64)>,
    ) -> Issued {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
            PKCS_ECDSA_P256_SHA256,
        };
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.distinguished_name
            .push(DnType::CommonName, format!("{ca_name} CA"));
        ca.distinguished_name
            .push(DnType::OrganizationName, "fermata tests");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("end-entity key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("end-entity params");
        params.distinguished_name.push(DnType::CommonName, name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "fermata tests");
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![usage];
        // C2PA requires the authority key identifier on signing certificates.
        params.use_authority_key_identifier_extension = true;
        if let Some((from, to)) = validity {
            let at = |t| time::OffsetDateTime::from_unix_timestamp(t).expect("a valid time");
            params.not_before = at(from);
            params.not_after = at(to);
        }
        let issuer = rcgen::Issuer::from_params(&ca, &ca_key);
        let cert = params
            .signed_by(&key, &issuer)
            .expect("end-entity certificate");
        Issued {
            ca: ca_cert,
            cert,
            key,
        }
    }
}

/// A throwaway self-signed server certificate for `127.0.0.1` and `localhost`, for serving
/// HTTPS in tests, and a client that trusts it alone.
pub struct TlsCert {
    /// The certificate, as PEM.
    pub cert_pem: String,
    /// Its private key, as PKCS#8 PEM.
    pub key_pem: String,
    der: rustls::pki_types::CertificateDer<'static>,
}

impl TlsCert {
    /// Makes a new certificate (a fresh key every call).
    ///
    /// # Panics
    /// When rcgen refuses the parameters (it does not for these).
    pub fn new() -> TlsCert {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("self-signed certificate");
        TlsCert {
            cert_pem: made.cert.pem(),
            key_pem: made.signing_key.serialize_pem(),
            der: made.cert.der().clone(),
        }
    }

    /// Writes `cert.pem` and `key.pem` into `dir`; returns their paths (certificate, key).
    ///
    /// # Panics
    /// When a file cannot be written.
    pub fn write_to(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, &self.cert_pem).expect("write cert.pem");
        std::fs::write(&key, &self.key_pem).expect("write key.pem");
        (cert, key)
    }

    /// A TLS client configuration (ring) that trusts this certificate and nothing else.
    ///
    /// # Panics
    /// When rustls refuses the certificate (it does not).
    pub fn client_config(&self) -> std::sync::Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.der.clone()).expect("a usable root");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring's protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        std::sync::Arc::new(config)
    }
}

impl Default for TlsCert {
    fn default() -> Self {
        TlsCert::new()
    }
}

impl Default for SigningChain {
    fn default() -> Self {
        SigningChain::new()
    }
}
