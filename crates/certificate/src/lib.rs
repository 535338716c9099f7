//! fermata's certificates of clean training.
//!
//! A certificate is a signed statement by the registry's operator: *fermata's records, at the
//! moment of issue, show every work in this model's cleared manifests licensed or allowed, for
//! the scans' use and territory, on each day the developer reported training it.* It binds the
//! model and developer to the scans, each scan's latest cleared manifest (id, format version,
//! Merkle root), the licences and policies that cleared the works, and the usage reports (with a
//! SHA-256 of each) that give the training dates.
//!
//! The encoding is a JWS in compact serialisation (RFC 7515) signed with EdDSA over Ed25519
//! (RFC 8037): `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)`, the header
//! `{"alg":"EdDSA","kid":KID,"typ":"fermata-certificate+jws"}`, the payload the JSON of
//! [`Certificate`]. The key id is the RFC 7638 thumbprint of the public key's JWK. Keys are
//! PKCS#8 (private) and SPKI (public) PEM; a public key is also read as a JWK or as its raw 32
//! bytes in base64url. `docs/certificate.md` describes the format and how to check it by hand.
//!
//! [`issue`] is the issuing rule (it refuses, naming every work, holder and date, when the
//! records do not clear a work); [`sign`] and [`verify`] need no registry at all.
//!
//! # Example
//!
//! ```
//! use fermata_certificate::{IssuerKey, sign, verify, Certificate};
//!
//! let key = IssuerKey::from_seed(&[7; 32]);
//! let mut cert = Certificate::empty("m1", "acme-ai");
//! cert.kid = key.public().kid();
//! let jws = sign(&cert, &key)?;
//! let checked = verify(&jws, &key.public())?;
//! assert_eq!(checked.certificate.model, "m1");
//! assert!(verify(&jws, &IssuerKey::from_seed(&[8; 32]).public()).is_err());
//! # Ok::<(), fermata_certificate::CertificateError>(())
//! ```
#![deny(missing_docs)]

mod home;
mod issue;

pub use home::{
    DEFAULT_ISSUER, HomeIssued, KEY_FILE, KeyPublished, create_key, issue_from_home, key_path,
    load_or_create_key, publish_home_key, publish_key, read_key,
};
pub use issue::{Issued, Unlicensed, gather, issue};

use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The payload's `format` field.
pub const CERTIFICATE_FORMAT: &str = "fermata-certificate";
/// The payload's `version` field.
pub const CERTIFICATE_VERSION: u32 = 1;
/// The JWS header's `typ`.
pub const JWS_TYPE: &str = "fermata-certificate+jws";
/// The JWS header's `alg`.
pub const JWS_ALG: &str = "EdDSA";
/// Largest JWS [`verify`] reads (bytes).
pub const MAX_JWS_BYTES: usize = fermata_registry::MAX_CERTIFICATE_BYTES;
/// Largest key text [`PublicKey::parse`] and [`IssuerKey::from_pem`] read.
pub const MAX_KEY_BYTES: usize = 4096;

/// Everything that can go wrong issuing or checking a certificate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The registry refused or failed.
    #[error(transparent)]
    Registry(#[from] fermata_registry::RegistryError),
    /// A recorded manifest could not be read or is not the recorded one.
    #[error(transparent)]
    Report(#[from] fermata_report::ReportError),
    /// The model has no finished scan.
    #[error(
        "no finished scan for model '{0}': a certificate covers the cleared data of the model's scans (run `fermata scan` to the end first)"
    )]
    NoScans(String),
    /// The model's finished scans have no cleared manifest.
    #[error(
        "no cleared manifest for model '{0}': build one from each finished scan with `fermata manifest build --scan SCAN_ID`"
    )]
    NoManifest(String),
    /// No usage report gives a training date.
    #[error(
        "no usage report for model '{0}': the training dates are those of its usage reports (`fermata usage report`)"
    )]
    NoUsage(String),
    /// The model's scans belong to several developers.
    #[error(
        "model '{model}' has scans by several developers ({developers}): name one with --developer"
    )]
    AmbiguousDeveloper {
        /// The model.
        model: String,
        /// Its developers, comma-separated.
        developers: String,
    },
    /// The records do not clear every work on every training date.
    #[error("{}", refusal(.model, .problems))]
    Refused {
        /// The model.
        model: String,
        /// Every (work, holder, date) not cleared, and why.
        problems: Vec<Unlicensed>,
    },
    /// A key could not be read or written.
    #[error("key: {0}")]
    Key(String),
    /// The text is not a JWS of a certificate.
    #[error("not a fermata certificate: {0}")]
    Malformed(String),
    /// The signature does not verify with the key given.
    #[error(
        "the signature does not verify with key {kid}: the certificate was altered, or signed by another key (it names {named})"
    )]
    BadSignature {
        /// The key tried.
        kid: String,
        /// The key the header names.
        named: String,
    },
}

fn refusal(model: &str, problems: &[Unlicensed]) -> String {
    let mut out = format!(
        "no certificate for model '{model}': {} work(s) on a training date lack a licence or a policy that allowed them:",
        problems.len()
    );
    for p in problems.iter().take(20) {
        out.push_str(&format!(
            "\n  {} (holder {}, {}): {}",
            p.work, p.holder, p.date, p.why
        ));
    }
    if problems.len() > 20 {
        out.push_str(&format!("\n  ... and {} more", problems.len() - 20));
    }
    out
}

/// A scan the certificate covers, with its latest cleared manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertScan {
    /// The scan's id.
    pub id: String,
    /// The dataset directory scanned.
    pub dataset: String,
    /// The use cleared.
    #[serde(rename = "use")]
    pub use_: String,
    /// The territory cleared.
    pub territory: String,
    /// When its verdicts were decided.
    pub finished_at: String,
    /// Its latest cleared manifest.
    pub manifest: CertManifest,
}

/// A cleared manifest, by its published commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertManifest {
    /// Its id.
    pub id: String,
    /// Its format version.
    pub version: u32,
    /// Hex Merkle root (RFC 9162 shape, `docs/manifest.md`).
    pub root: String,
    /// Number of leaves (cleared entries).
    pub tree_size: u64,
    /// Distinct works among its entries.
    pub works: u64,
    /// Files whose source the developer declared (version 3): not cleared, not covered.
    pub declared: u64,
}

/// A licence that cleared works on a training date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertLicence {
    /// Its id.
    pub id: String,
    /// The holder that granted it.
    pub holder: String,
    /// The use.
    #[serde(rename = "use")]
    pub use_: String,
    /// Its works, or `["catalogue"]` for the holder's whole catalogue.
    pub works: Vec<String>,
    /// Where it applies (empty: everywhere).
    pub territories: Vec<String>,
    /// First day.
    pub valid_from: String,
    /// Last day, if it ends.
    pub valid_to: Option<String>,
    /// When it was revoked, if it was (after the training dates it covers).
    pub revoked_at: Option<String>,
}

/// A holder's policy that allowed use where no licence was needed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CertPolicy {
    /// The holder.
    pub holder: String,
    /// The work's ISRC, or `catalogue`.
    pub work: String,
    /// The use.
    #[serde(rename = "use")]
    pub use_: String,
    /// The decision (`allow`).
    pub decision: String,
    /// Where it holds (empty: everywhere).
    pub territories: Vec<String>,
    /// When it was last set.
    pub updated_at: String,
}

/// A usage report giving a training date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertUsage {
    /// Its id.
    pub id: String,
    /// The day of the run.
    pub date: String,
    /// The run's name.
    pub run: String,
    /// Hex SHA-256 of the report's JSON as the registry stores it and the `usage.reported`
    /// event's payload carries it.
    pub sha256: String,
}

/// The signed payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Always [`CERTIFICATE_FORMAT`].
    pub format: String,
    /// [`CERTIFICATE_VERSION`].
    pub version: u32,
    /// Its id in the registry that issued it.
    pub id: String,
    /// Who issued it.
    pub issuer: String,
    /// The signing key's id (RFC 7638 thumbprint).
    pub kid: String,
    /// When (RFC 3339 UTC).
    pub issued_at: String,
    /// What it states, in words.
    pub statement: String,
    /// The model.
    pub model: String,
    /// Its developer.
    pub developer: String,
    /// The days the model was trained (its usage reports' dates), ascending.
    pub training_dates: Vec<String>,
    /// The scans of its training data, each with its latest cleared manifest.
    pub scans: Vec<CertScan>,
    /// The licences that cleared works on a training date.
    pub licences: Vec<CertLicence>,
    /// The policies that allowed works where no licence was needed.
    pub policies: Vec<CertPolicy>,
    /// The usage reports.
    pub usage_reports: Vec<CertUsage>,
    /// Distinct works across the manifests.
    pub works: u64,
}

impl Certificate {
    /// A certificate binding nothing yet (for tests and examples).
    pub fn empty(model: &str, developer: &str) -> Certificate {
        Certificate {
            format: CERTIFICATE_FORMAT.into(),
            version: CERTIFICATE_VERSION,
            id: String::new(),
            issuer: String::new(),
            kid: String::new(),
            issued_at: String::new(),
            statement: String::new(),
            model: model.into(),
            developer: developer.into(),
            training_dates: vec![],
            scans: vec![],
            licences: vec![],
            policies: vec![],
            usage_reports: vec![],
            works: 0,
        }
    }
}

/// The JWS protected header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `EdDSA`.
    pub alg: String,
    /// The key id.
    pub kid: String,
    /// `fermata-certificate+jws`.
    pub typ: String,
}

/// A certificate whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The header.
    pub header: Header,
    /// The payload.
    pub certificate: Certificate,
    /// Hex SHA-256 of the JWS text.
    pub jws_sha256: String,
}

/// The issuer's signing key (Ed25519).
pub struct IssuerKey {
    signing: SigningKey,
}

impl IssuerKey {
    /// A new random key (from the operating system's generator).
    pub fn generate() -> Result<IssuerKey, CertificateError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| CertificateError::Key(format!("no randomness for a new key: {e}")))?;
        Ok(IssuerKey::from_seed(&seed))
    }

    /// The key whose RFC 8032 secret (seed) is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> IssuerKey {
        IssuerKey {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(text: &str) -> Result<IssuerKey, CertificateError> {
        if text.len() > MAX_KEY_BYTES {
            return Err(CertificateError::Key("the key file is too large".into()));
        }
        let signing = SigningKey::from_pkcs8_pem(text).map_err(|e| {
            CertificateError::Key(format!("not a PKCS#8 PEM Ed25519 private key ({e})"))
        })?;
        Ok(IssuerKey { signing })
    }

    /// The key as PKCS#8 PEM.
    pub fn to_pem(&self) -> Result<String, CertificateError> {
        let pem = self
            .signing
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| CertificateError::Key(format!("cannot encode the key: {e}")))?;
        Ok(pem.as_str().to_string())
    }

    /// Its public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }
}

/// An issuer's public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a public key given as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as a JWK
    /// (`{"kty":"OKP","crv":"Ed25519","x":...}`), or as its raw 32 bytes in base64url or hex.
    pub fn parse(text: &str) -> Result<PublicKey, CertificateError> {
        let text = text.trim();
        if text.len() > MAX_KEY_BYTES {
            return Err(CertificateError::Key("the key text is too large".into()));
        }
        if text.starts_with("-----BEGIN") {
            // Only the PEM block: `fermata certificate key show` prints the JWK after it.
            const END: &str = "-----END PUBLIC KEY-----";
            let text = text.find(END).map_or(text, |at| &text[..at + END.len()]);
            return VerifyingKey::from_public_key_pem(text)
                .map(PublicKey)
                .map_err(|e| {
                    CertificateError::Key(format!("not an SPKI PEM Ed25519 public key ({e})"))
                });
        }
        if text.starts_with('{') {
            let jwk: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| CertificateError::Key(format!("not a JWK: {e}")))?;
            if jwk["kty"] != "OKP" || jwk["crv"] != "Ed25519" {
                return Err(CertificateError::Key(
                    "the JWK is not an Ed25519 key (kty OKP, crv Ed25519)".into(),
                ));
            }
            let x = jwk["x"]
                .as_str()
                .ok_or_else(|| CertificateError::Key("the JWK has no x".into()))?;
            return PublicKey::from_raw(x);
        }
        PublicKey::from_raw(text)
    }

    fn from_raw(text: &str) -> Result<PublicKey, CertificateError> {
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            Base64UrlUnpadded::decode_vec(text).ok()
        };
        let bytes: [u8; 32] = bytes.and_then(|b| b.try_into().ok()).ok_or_else(|| {
            CertificateError::Key(
                "a raw public key is 32 bytes in base64url (43 characters) or hex (64)".into(),
            )
        })?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|e| CertificateError::Key(format!("not an Ed25519 public key: {e}")))
    }

    /// The raw key in base64url (a JWK's `x`).
    pub fn x(&self) -> String {
        Base64UrlUnpadded::encode_string(self.0.as_bytes())
    }

    /// The key as SPKI PEM.
    pub fn to_pem(&self) -> Result<String, CertificateError> {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| CertificateError::Key(format!("cannot encode the key: {e}")))
    }

    /// The key as a JWK (RFC 8037), with its `kid`, `alg` and `use`.
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": self.x(),
            "kid": self.kid(), "alg": JWS_ALG, "use": "sig",
        })
    }

    /// The key id: the RFC 7638 thumbprint, base64url of SHA-256 over
    /// `{"crv":"Ed25519","kty":"OKP","x":X}` (the required members in lexicographic order, no
    /// white space).
    pub fn kid(&self) -> String {
        let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, self.x());
        Base64UrlUnpadded::encode_string(&Sha256::digest(canonical.as_bytes()))
    }
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Signs `certificate` with `key`: the JWS compact serialisation. The header names the key's
/// id, whatever the payload's `kid` says; [`verify`] refuses a payload whose `kid` differs.
pub fn sign(certificate: &Certificate, key: &IssuerKey) -> Result<String, CertificateError> {
    let header = Header {
        alg: JWS_ALG.into(),
        kid: key.public().kid(),
        typ: JWS_TYPE.into(),
    };
    let header = serde_json::to_vec(&header)
        .map_err(|e| CertificateError::Malformed(format!("cannot encode the header: {e}")))?;
    let payload = serde_json::to_vec(certificate)
        .map_err(|e| CertificateError::Malformed(format!("cannot encode the payload: {e}")))?;
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(&header),
        Base64UrlUnpadded::encode_string(&payload)
    );
    let signature = key.signing.sign(input.as_bytes());
    Ok(format!(
        "{input}.{}",
        Base64UrlUnpadded::encode_string(&signature.to_bytes())
    ))
}

fn part(text: &str, what: &str) -> Result<Vec<u8>, CertificateError> {
    Base64UrlUnpadded::decode_vec(text)
        .map_err(|_| CertificateError::Malformed(format!("the {what} is not base64url")))
}

/// The header and payload of a JWS, read without checking the signature (to say what a
/// certificate claims before or after [`verify`] refuses it). Never trust what this returns.
pub fn decode_unverified(jws: &str) -> Result<(Header, Certificate), CertificateError> {
    let jws = jws.trim();
    if jws.len() > MAX_JWS_BYTES {
        return Err(CertificateError::Malformed(format!(
            "longer than {MAX_JWS_BYTES} bytes"
        )));
    }
    let parts: Vec<&str> = jws.split('.').collect();
    let [h, p, _s] = parts[..] else {
        return Err(CertificateError::Malformed(
            "a JWS in compact serialisation has three parts separated by '.'".into(),
        ));
    };
    let header: Header = serde_json::from_slice(&part(h, "header")?)
        .map_err(|e| CertificateError::Malformed(format!("the header: {e}")))?;
    let certificate: Certificate = serde_json::from_slice(&part(p, "payload")?)
        .map_err(|e| CertificateError::Malformed(format!("the payload: {e}")))?;
    Ok((header, certificate))
}

/// Checks a JWS with the issuer's public key: the header (`alg` EdDSA, `typ`), the Ed25519
/// signature over `header "." payload` (RFC 8032, strict: non-canonical signatures and weak keys
/// refused), then the payload (format, version, `kid` the header's and the key's).
pub fn verify(jws: &str, key: &PublicKey) -> Result<Verified, CertificateError> {
    let jws = jws.trim();
    if jws.len() > MAX_JWS_BYTES {
        return Err(CertificateError::Malformed(format!(
            "longer than {MAX_JWS_BYTES} bytes"
        )));
    }
    let parts: Vec<&str> = jws.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(CertificateError::Malformed(
            "a JWS in compact serialisation has three parts separated by '.'".into(),
        ));
    };
    let header: Header = serde_json::from_slice(&part(h, "header")?)
        .map_err(|e| CertificateError::Malformed(format!("the header: {e}")))?;
    if header.alg != JWS_ALG {
        return Err(CertificateError::Malformed(format!(
            "alg is '{}', not {JWS_ALG}",
            header.alg
        )));
    }
    if header.typ != JWS_TYPE {
        return Err(CertificateError::Malformed(format!(
            "typ is '{}', not {JWS_TYPE}",
            header.typ
        )));
    }
    let sig: [u8; 64] = part(s, "signature")?
        .try_into()
        .map_err(|_| CertificateError::Malformed("the signature is not 64 bytes".into()))?;
    let input_len = h.len() + 1 + p.len();
    key.0
        .verify_strict(&jws.as_bytes()[..input_len], &Signature::from_bytes(&sig))
        .map_err(|_| CertificateError::BadSignature {
            kid: key.kid(),
            named: header.kid.chars().take(64).collect(),
        })?;
    let certificate: Certificate = serde_json::from_slice(&part(p, "payload")?)
        .map_err(|e| CertificateError::Malformed(format!("the payload: {e}")))?;
    if certificate.format != CERTIFICATE_FORMAT || certificate.version != CERTIFICATE_VERSION {
        return Err(CertificateError::Malformed(format!(
            "format '{}' version {}, not {CERTIFICATE_FORMAT} version {CERTIFICATE_VERSION}",
            certificate.format, certificate.version
        )));
    }
    if header.kid != key.kid() || certificate.kid != header.kid {
        return Err(CertificateError::Malformed(format!(
            "the key ids differ: header {}, payload {}, key {}",
            header.kid,
            certificate.kid,
            key.kid()
        )));
    }
    Ok(Verified {
        header,
        certificate,
        jws_sha256: sha256_hex(jws.as_bytes()),
    })
}

/// Checks a JWS against the issuer keys a registry published (`Registry::certificate_keys`):
/// the key its header names, then [`verify`]. A key the registry never published is refused.
/// This is what the API's `POST /v1/certificates/verify` and the web page's form call.
pub fn verify_with_keys(
    jws: &str,
    keys: &[fermata_registry::CertificateKey],
) -> Result<Verified, CertificateError> {
    let (header, _) = decode_unverified(jws)?;
    let key = keys.iter().find(|k| k.kid == header.kid).ok_or_else(|| {
        CertificateError::Malformed(format!(
            "it names key {}, which this registry never published",
            header.kid.chars().take(64).collect::<String>()
        ))
    })?;
    verify(jws, &PublicKey::parse(&key.x)?)
}

/// The published issuer keys as a JWK Set (RFC 7517), oldest first, and the current key (the
/// last one recorded) as SPKI PEM; None when no key was published.
pub fn published_keys(
    keys: &[fermata_registry::CertificateKey],
) -> Result<Option<(serde_json::Value, String)>, CertificateError> {
    let Some(current) = keys.last() else {
        return Ok(None);
    };
    let jwks = keys
        .iter()
        .map(|k| PublicKey::parse(&k.x).map(|p| p.jwk()))
        .collect::<Result<Vec<_>, _>>()?;
    let pem = PublicKey::parse(&current.x)?.to_pem()?;
    Ok(Some((serde_json::json!({ "keys": jwks }), pem)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("hex")
    }

    /// RFC 8032 section 7.1, TEST 1-3: secret key, public key, message, signature.
    pub(crate) const RFC8032: [(&str, &str, &str, &str); 3] = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];

    #[test]
    fn rfc8032_test_vectors() {
        for (sk, pk, msg, sig) in RFC8032 {
            let seed: [u8; 32] = unhex(sk).try_into().expect("32");
            let key = IssuerKey::from_seed(&seed);
            assert_eq!(key.public().0.as_bytes().to_vec(), unhex(pk));
            let s = key.signing.sign(&unhex(msg));
            assert_eq!(s.to_bytes().to_vec(), unhex(sig));
            let raw = PublicKey::parse(pk).expect("hex key");
            let sig64: [u8; 64] = unhex(sig).try_into().expect("64");
            assert!(
                raw.0
                    .verify_strict(&unhex(msg), &Signature::from_bytes(&sig64))
                    .is_ok()
            );
            let mut bad = sig64;
            bad[0] ^= 1;
            assert!(
                raw.0
                    .verify_strict(&unhex(msg), &Signature::from_bytes(&bad))
                    .is_err()
            );
        }
    }

    fn cert(key: &IssuerKey) -> Certificate {
        let mut c = Certificate::empty("m1", "acme-ai");
        c.kid = key.public().kid();
        c.training_dates = vec!["2030-01-02".into()];
        c.usage_reports = vec![CertUsage {
            id: "use-000001".into(),
            date: "2030-01-02".into(),
            run: "r1".into(),
            sha256: "00".repeat(32),
        }];
        c
    }

    #[test]
    fn signs_and_verifies_and_refuses_any_change() {
        let key = IssuerKey::from_seed(&[1; 32]);
        let c = cert(&key);
        let jws = sign(&c, &key).expect("sign");
        let v = verify(&jws, &key.public()).expect("verify");
        assert_eq!(v.certificate, c);
        assert_eq!(v.header.alg, "EdDSA");
        assert_eq!(v.jws_sha256, sha256_hex(jws.as_bytes()));
        // Every byte of the three parts matters.
        let bytes = jws.as_bytes();
        for i in (0..bytes.len()).step_by(7) {
            if bytes[i] == b'.' {
                continue;
            }
            let mut t = bytes.to_vec();
            t[i] = if t[i] == b'A' { b'B' } else { b'A' };
            let t = String::from_utf8(t).expect("ascii");
            assert!(
                verify(&t, &key.public()).is_err(),
                "byte {i} changed and it verified"
            );
        }
        // Another key, a wrong kid, a truncated JWS, junk.
        let other = IssuerKey::from_seed(&[2; 32]);
        assert!(matches!(
            verify(&jws, &other.public()),
            Err(CertificateError::BadSignature { .. })
        ));
        assert!(verify(&jws[..jws.len() - 3], &key.public()).is_err());
        assert!(verify("a.b", &key.public()).is_err());
        assert!(verify("", &key.public()).is_err());
        assert!(verify("a.b.c.d", &key.public()).is_err());
        let mut liar = c.clone();
        liar.kid = other.public().kid();
        let signed = sign(&liar, &key).expect("sign");
        assert!(matches!(
            verify(&signed, &key.public()),
            Err(CertificateError::Malformed(_))
        ));
        // alg none is refused, not skipped.
        let parts: Vec<&str> = jws.split('.').collect();
        let none = Base64UrlUnpadded::encode_string(
            br#"{"alg":"none","kid":"x","typ":"fermata-certificate+jws"}"#,
        );
        assert!(verify(&format!("{none}.{}.", parts[1]), &key.public()).is_err());
        let (h, p) = decode_unverified(&jws).expect("decode");
        assert_eq!(h.kid, key.public().kid());
        assert_eq!(p, c);
    }

    #[test]
    fn keys_round_trip_in_every_encoding() {
        let key = IssuerKey::from_seed(&[3; 32]);
        let pem = key.to_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let back = IssuerKey::from_pem(&pem).expect("read");
        assert_eq!(back.public(), key.public());
        let public = key.public();
        let spki = public.to_pem().expect("spki");
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(PublicKey::parse(&spki).expect("spki"), public);
        // As `key show` prints it: the PEM, then the JWK.
        let shown = format!("{spki}{}\n", public.jwk());
        assert_eq!(PublicKey::parse(&shown).expect("shown"), public);
        assert_eq!(
            PublicKey::parse(&public.jwk().to_string()).expect("jwk"),
            public
        );
        assert_eq!(PublicKey::parse(&public.x()).expect("raw"), public);
        assert_eq!(public.x().len(), 43);
        assert_eq!(public.kid().len(), 43);
        assert!(PublicKey::parse("not a key").is_err());
        assert!(
            PublicKey::parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err()
        );
        assert!(PublicKey::parse(r#"{"kty":"RSA","n":"x"}"#).is_err());
        assert!(IssuerKey::from_pem(&spki).is_err());
        assert!(PublicKey::parse(&"A".repeat(MAX_KEY_BYTES + 1)).is_err());
    }

    #[test]
    fn verifies_against_the_published_keys_only() {
        let key = IssuerKey::from_seed(&[4; 32]);
        let jws = sign(&cert(&key), &key).expect("sign");
        let published = |k: &IssuerKey| fermata_registry::CertificateKey {
            kid: k.public().kid(),
            x: k.public().x(),
            recorded_at: "2030-01-01T00:00:00Z".into(),
        };
        let other = IssuerKey::from_seed(&[5; 32]);
        assert!(verify_with_keys(&jws, &[published(&other), published(&key)]).is_ok());
        assert!(verify_with_keys(&jws, &[published(&other)]).is_err());
        assert!(verify_with_keys(&jws, &[]).is_err());
        // A published kid with another key's bytes does not verify.
        let mut liar = published(&key);
        liar.x = other.public().x();
        assert!(verify_with_keys(&jws, &[liar]).is_err());
        let (jwks, pem) = published_keys(&[published(&other), published(&key)])
            .expect("keys")
            .expect("some");
        assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(2));
        assert_eq!(PublicKey::parse(&pem).expect("pem"), key.public());
        assert!(published_keys(&[]).expect("none").is_none());
    }

    #[test]
    fn rfc7638_thumbprint_of_the_rfc8037_example_key() {
        // RFC 8037 appendix A.3: the thumbprint of the A.2 public key.
        let key = PublicKey::parse("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").expect("key");
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }
}
