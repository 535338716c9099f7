//! The issuer key in a registry's home directory, and the two operations every door (the CLI,
//! the API, the web app) runs on it: publish the key, and issue a certificate signed with it.
//!
//! The key is `HOME/certificate-key.pem` (PKCS#8 PEM, mode 0600), made once: by `fermata
//! certificate key init`, or on the first certificate issued by any door (the CLI, or `fermata
//! serve` for the API and the web app). Its public key is recorded in the registry (event
//! `certificate.key`) as soon as it exists, so the published key answers before the first
//! certificate.

use crate::{CertificateError, Issued, IssuerKey, issue};
use fermata_registry::Registry;
use std::path::{Path, PathBuf};

/// The issuer's private key file in the home.
pub const KEY_FILE: &str = "certificate-key.pem";

/// The issuer's name signed into a certificate issued from the API or the web app (the CLI's
/// default too; `fermata certificate issue --issuer` names another).
pub const DEFAULT_ISSUER: &str = "fermata registry";

/// Where the issuer key of the home `home_dir` is.
pub fn key_path(home_dir: &Path) -> PathBuf {
    home_dir.join(KEY_FILE)
}

fn key_error(path: &Path, what: &str, e: impl std::fmt::Display) -> CertificateError {
    CertificateError::Key(format!("{what} {}: {e}", path.display()))
}

/// Reads the issuer key at `path`.
pub fn read_key(path: &Path) -> Result<IssuerKey, CertificateError> {
    let meta = std::fs::metadata(path).map_err(|e| key_error(path, "cannot read", e))?;
    if meta.len() > crate::MAX_KEY_BYTES as u64 {
        return Err(key_error(path, "cannot read", "larger than any key"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| key_error(path, "cannot read", e))?;
    IssuerKey::from_pem(&text).map_err(|e| key_error(path, "cannot use", e))
}

/// Makes a new key at `path` with mode 0600, never over an existing file (refuses then).
pub fn create_key(path: &Path) -> Result<IssuerKey, CertificateError> {
    use std::io::Write;
    let key = IssuerKey::generate()?;
    let pem = key.to_pem()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| key_error(path, "cannot create", e))?;
    file.write_all(pem.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| key_error(path, "cannot write", e))?;
    Ok(key)
}

/// The home's issuer key, made (mode 0600) when there is none; true when it was made now.
pub fn load_or_create_key(home_dir: &Path) -> Result<(IssuerKey, bool), CertificateError> {
    let path = key_path(home_dir);
    if path.exists() {
        return Ok((read_key(&path)?, false));
    }
    match create_key(&path) {
        Ok(key) => Ok((key, true)),
        // Made by another door in the meantime: use that one.
        Err(_) if path.exists() => Ok((read_key(&path)?, false)),
        Err(e) => Err(e),
    }
}

/// What [`publish_key`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPublished {
    /// The key was recorded now (event `certificate.key`).
    Recorded,
    /// It was already recorded.
    AlreadyRecorded,
    /// The registry has no party to file it under yet: it is recorded with the first
    /// certificate it signs, or at the next start of `fermata serve`.
    NoPartyYet,
}

/// Records `key`'s public key in the registry
/// ([`Registry::publish_certificate_key`]), so `GET /v1/certificates/key` and the web's
/// `/certificate-key.pem` answer before any certificate.
pub fn publish_key(
    registry: &mut Registry,
    key: &IssuerKey,
    actor: &str,
) -> Result<KeyPublished, CertificateError> {
    let public = key.public();
    Ok(
        match registry.publish_certificate_key(&public.kid(), &public.x(), actor)? {
            Some(true) => KeyPublished::Recorded,
            Some(false) => KeyPublished::AlreadyRecorded,
            None => KeyPublished::NoPartyYet,
        },
    )
}

/// Publishes the home's key when it has one (what `fermata serve` does at start); None when
/// there is no key file.
pub fn publish_home_key(
    registry: &mut Registry,
    home_dir: &Path,
    actor: &str,
) -> Result<Option<KeyPublished>, CertificateError> {
    let path = key_path(home_dir);
    if !path.exists() {
        return Ok(None);
    }
    publish_key(registry, &read_key(&path)?, actor).map(Some)
}

/// A certificate issued from a home, and whether its key was made for it.
#[derive(Clone, Debug)]
pub struct HomeIssued {
    /// The certificate, its JWS and its record.
    pub issued: Issued,
    /// True when the issuer key did not exist and was made (mode 0600) for this certificate.
    pub made_key: bool,
}

/// Issues a certificate for `model` with the home's issuer key and records it: the one
/// operation behind `fermata certificate issue`, `POST /v1/models/{model}/certificates` and the
/// web's "Issue certificate" button. The key is made when there is none
/// ([`load_or_create_key`]); the rule, the refusal and the records are [`issue`]'s. The
/// caller keeps the JWS wherever it wants (it is also in the record).
pub fn issue_from_home(
    registry: &mut Registry,
    home_dir: &Path,
    model: &str,
    developer: Option<&str>,
    issuer: &str,
    actor: &str,
) -> Result<HomeIssued, CertificateError> {
    // Refuse before making a key: a refused or impossible certificate leaves no file behind
    // (the rule is asked twice only on the first certificate of a home).
    if !key_path(home_dir).exists() {
        crate::gather(registry, model, developer)?;
    }
    let (key, made_key) = load_or_create_key(home_dir)?;
    let issued = issue(registry, model, developer, issuer, &key, actor)?;
    Ok(HomeIssued { issued, made_key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (key, made) = load_or_create_key(dir.path()).expect("make");
        assert!(made);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(dir.path()))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, made) = load_or_create_key(dir.path()).expect("read");
        assert!(!made);
        assert_eq!(again.public().kid(), key.public().kid());
        assert!(create_key(&key_path(dir.path())).is_err());
        std::fs::write(key_path(dir.path()), "not a key").expect("write");
        assert!(read_key(&key_path(dir.path())).is_err());
    }

    #[test]
    fn the_key_is_published_once_there_is_a_party() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut r = Registry::create(&dir.path().join("registry.sqlite")).expect("registry");
        assert_eq!(
            publish_home_key(&mut r, dir.path(), "t").expect("no key"),
            None
        );
        let (key, _) = load_or_create_key(dir.path()).expect("key");
        assert_eq!(
            publish_key(&mut r, &key, "t").expect("no party"),
            KeyPublished::NoPartyYet
        );
        r.add_party(
            "acme-ai",
            fermata_registry::PartyKind::Developer,
            "Acme",
            "t",
        )
        .expect("party");
        assert_eq!(
            publish_home_key(&mut r, dir.path(), "t").expect("publish"),
            Some(KeyPublished::Recorded)
        );
        assert_eq!(
            publish_key(&mut r, &key, "t").expect("again"),
            KeyPublished::AlreadyRecorded
        );
        let keys = r.certificate_keys().expect("keys");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid, key.public().kid());
        // No scan: refused before any key is made.
        let other = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            issue_from_home(&mut r, other.path(), "m1", None, DEFAULT_ISSUER, "t"),
            Err(CertificateError::NoScans(_))
        ));
        assert!(!key_path(other.path()).exists());
    }
}
