//! fermata's AI-output labelling: a C2PA manifest written into an audio file (WAV, MP3, FLAC,
//! M4A) saying that it was created by an AI model — action `c2pa.created` with digital source
//! type `trainedAlgorithmicMedia`, the model as the action's software agent — and, in fermata's
//! own `org.fermata.training` assertion, the model and the Merkle root of the cleared manifest
//! it was trained on; and the same read back and checked.
//!
//! Both assertions are *created* assertions (C2PA 2.x: attributed to the signer, listed in the
//! claim's `created_assertions`), not gathered ones. The claim generator is fermata itself
//! (`claim_generator_info`: name `fermata`, this crate's version); the model that made the audio
//! is named in the `c2pa.created` action's `softwareAgent`, with its version when given.
//!
//! Signing uses a certificate chain and private key the user supplies (PEM). The C2PA
//! specification (section 14.5) requires an end-entity certificate issued by a CA (not
//! self-signed) with basicConstraints CA:false, the digitalSignature key usage, an allowed
//! extended key usage such as emailProtection or documentSigning, and an authority key
//! identifier; `fermata_testkit::SigningChain` makes such a throwaway chain with rcgen for the tests.
//!
//! # Time-stamps
//!
//! With [`Signing::tsa_url`] the signature is sent to an RFC 3161 time-stamp authority and its
//! answer (a signed time) is stored with it (COSE `sigTst2`). Validators that trust the
//! authority (its root is among their trust anchors, as on the C2PA time-stamp trust list) then
//! check the signing certificate at that attested time, so the label stays valid after the
//! certificate expires; [`LabelReport::timestamped_at`] gives the time. Without one the
//! signature carries no trusted time: validators check the certificate at the moment they
//! validate, so the label is only valid while the certificate is — once it has expired they
//! report `signingCredential.expired` and the manifest as `Invalid`, although nothing in the
//! file changed. A time-stamp from an authority the validator does not trust is reported as
//! `timeStamp.untrusted` and counts as no time-stamp. An authority that cannot be reached or
//! gives no usable answer fails the labelling ([`LabelError::TimeStamp`]); nothing is written.
//!
//! # Validation states
//!
//! [`verify_file`] reports the C2PA validation state: `Invalid` (no valid signature, or the
//! file was changed since), `Valid` (signature and hashes hold, but the signer's certificate
//! chains to nothing the reader trusts; C2PA readers report `signingCredential.untrusted`),
//! `Trusted` (valid, and the certificate chains to one of the trust anchors given).
//!
//! # Example
//!
//! ```no_run
//! use fermata_label::{Label, Signing};
//! let label = Label { model: "acme-music-1".into(), model_version: Some("1.2".into()),
//!     training_root: Some("22a4…".into()) };
//! let signing = Signing { cert_chain_pem: std::fs::read("chain.pem")?,
//!     key_pem: std::fs::read("key.pem")?, tsa_url: Some("http://timestamp.example/".into()) };
//! fermata_label::label_file("song.wav".as_ref(), "song-labelled.wav".as_ref(), &label, &signing)?;
//! let anchors = std::fs::read("ca.pem")?;
//! let read = fermata_label::verify_file("song-labelled.wav".as_ref(), Some(&anchors))?;
//! assert!(read.trusted && read.ai_generated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod store;
pub use store::{
    FoundBy, LabelStore, SOFT_BINDING_ALG, SoftMatch, StoredLabel, Verification, verify_or_find,
};

use c2pa::{Builder, Context, Reader, SigningAlg, ValidationState};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;

/// The label of fermata's own assertion in the manifest.
pub const TRAINING_ASSERTION: &str = "org.fermata.training";
/// IPTC digital source type for content made by a trained model.
pub const TRAINED_ALGORITHMIC_MEDIA: &str =
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
/// The claim generator named in every label.
pub const CLAIM_GENERATOR: &str = "fermata";

/// Everything that can go wrong labelling or reading a label.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabelError {
    /// The file type cannot carry a C2PA manifest here.
    #[error(
        "{0}: C2PA labels are written into WAV, MP3, FLAC and M4A files; convert the file first"
    )]
    Unsupported(String),
    /// The certificate or key cannot sign.
    #[error(
        "cannot sign with the certificate and key given: {0} (they must be PEM: the end-entity certificate first, then its CA; an ES256 / P-256 key)"
    )]
    Signer(String),
    /// The time-stamp authority did not give a usable time-stamp.
    #[error(
        "the time-stamp authority at {url} gave no usable RFC 3161 time-stamp: {message} (check the URL, or leave the time-stamp authority out to sign without one)"
    )]
    TimeStamp {
        /// The authority's URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The trust anchors are not PEM certificates.
    #[error(
        "the trust anchors are not usable: {0} (give one or more PEM certificates, BEGIN CERTIFICATE)"
    )]
    TrustAnchors(String),
    /// The store of labelled outputs (soft binding) could not be read or written.
    #[error("the label store: {0}")]
    Store(String),
    /// A file could not be identified against the label store (not audio, unreadable).
    #[error("{path}: {message}")]
    Identify {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The C2PA library refused.
    #[error("{path}: {message}")]
    C2pa {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// What a label says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    /// The model that generated the audio (the `c2pa.created` action's software agent).
    pub model: String,
    /// The model's version, when known.
    pub model_version: Option<String>,
    /// The Merkle root of the cleared training manifest, when known.
    pub training_root: Option<String>,
}

/// How a label is signed.
#[derive(Clone, Debug, Default)]
pub struct Signing {
    /// The end-entity certificate then its CA(s), PEM.
    pub cert_chain_pem: Vec<u8>,
    /// The end-entity's ES256 (P-256) private key, PEM.
    pub key_pem: Vec<u8>,
    /// An RFC 3161 time-stamp authority to time-stamp the signature (see the crate doc).
    pub tsa_url: Option<String>,
}

/// A `c2pa.soft-binding` assertion as read back: the algorithm and the value of its first
/// block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SoftBindingInfo {
    /// The algorithm (fermata's is [`SOFT_BINDING_ALG`]).
    pub alg: String,
    /// The value (fermata's: the label's id in its store).
    pub value: String,
}

/// What was read back from a file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LabelReport {
    /// The file.
    pub file: String,
    /// True when a manifest is present and its signature and hashes check out (its certificate
    /// may still be one no trust list knows: see `trusted`).
    pub valid: bool,
    /// True when the signer's certificate chains to one of the trust anchors given.
    pub trusted: bool,
    /// True when it states `c2pa.created` with `trainedAlgorithmicMedia`.
    pub ai_generated: bool,
    /// The model named by fermata's assertion.
    pub model: Option<String>,
    /// The model's version, from the action's software agent.
    pub model_version: Option<String>,
    /// The training manifest's Merkle root named by fermata's assertion.
    pub training_root: Option<String>,
    /// The signer's certificate: its common name, or else its issuer.
    pub signer: Option<String>,
    /// The time a time-stamp authority attested for the signature, if it was time-stamped.
    pub timestamped_at: Option<String>,
    /// The C2PA validation state (`Invalid`, `Valid`, `Trusted`).
    pub state: String,
    /// Validation failures, if any.
    pub failures: Vec<String>,
    /// The manifest's soft binding, if it has one (see [`store`]).
    #[serde(default)]
    pub soft_binding: Option<SoftBindingInfo>,
}

fn c2pa_err(path: &Path) -> impl FnOnce(c2pa::Error) -> LabelError + '_ {
    move |e| LabelError::C2pa {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn supported(path: &Path) -> Result<&'static str, LabelError> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("wav") => Ok("audio/wav"),
        Some("mp3") => Ok("audio/mpeg"),
        Some("flac") => Ok("audio/flac"),
        Some("m4a") => Ok("audio/mp4"),
        _ => Err(LabelError::Unsupported(path.display().to_string())),
    }
}

/// c2pa's HTTP requests (here only the time-stamp request) through ureq: the c2pa crate is
/// built without HTTP clients of its own.
struct UreqResolver;

impl c2pa::http::SyncHttpResolver for UreqResolver {
    fn http_resolve(
        &self,
        request: c2pa::http::http::Request<Vec<u8>>,
    ) -> Result<c2pa::http::http::Response<Box<dyn std::io::Read>>, c2pa::http::HttpResolverError>
    {
        let agent = ureq::AgentBuilder::new()
            .timeout(std::time::Duration::from_secs(30))
            .build();
        let mut call = agent.request(request.method().as_str(), &request.uri().to_string());
        for (name, value) in request.headers() {
            if let Ok(value) = value.to_str() {
                call = call.set(name.as_str(), value);
            }
        }
        let response = match call.send_bytes(request.body()) {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(c2pa::http::HttpResolverError::Other(Box::new(e))),
        };
        let mut answer = c2pa::http::http::Response::builder().status(response.status());
        for name in response.headers_names() {
            if let Some(value) = response.header(&name) {
                answer = answer.header(name.as_str(), value);
            }
        }
        Ok(answer.body(Box::new(response.into_reader()) as Box<dyn std::io::Read>)?)
    }
}

/// A signer whose signature is time-stamped by `url`, over [`UreqResolver`]; the failure, if
/// any, is kept to be reported as [`LabelError::TimeStamp`].
struct Stamped {
    inner: c2pa::BoxedSigner,
    url: String,
    context: Context,
    failure: Mutex<Option<String>>,
}

impl c2pa::Signer for Stamped {
    fn sign(&self, data: &[u8]) -> c2pa::Result<Vec<u8>> {
        self.inner.sign(data)
    }

    fn alg(&self) -> SigningAlg {
        self.inner.alg()
    }

    fn certs(&self) -> c2pa::Result<Vec<Vec<u8>>> {
        self.inner.certs()
    }

    fn reserve_size(&self) -> usize {
        self.inner.reserve_size()
    }

    fn time_authority_url(&self) -> Option<String> {
        Some(self.url.clone())
    }

    fn ocsp_val(&self) -> Option<Vec<u8>> {
        self.inner.ocsp_val()
    }

    fn send_timestamp_request(&self, message: &[u8]) -> Option<c2pa::Result<Vec<u8>>> {
        let stamped = self.inner.timestamp_request_body(message).and_then(|body| {
            c2pa::crypto::time_stamp::default_rfc3161_request(
                &self.url,
                None,
                &body,
                message,
                &self.context,
            )
            .map_err(c2pa::Error::from)
        });
        if let Err(e) = &stamped
            && let Ok(mut failure) = self.failure.lock()
        {
            *failure = Some(e.to_string());
        }
        Some(stamped)
    }
}

/// The `c2pa.created` action: trainedAlgorithmicMedia, by the model.
fn created_action(label: &Label) -> serde_json::Value {
    let mut agent = serde_json::json!({"name": label.model});
    if let Some(version) = &label.model_version {
        agent["version"] = serde_json::Value::String(version.clone());
    }
    serde_json::json!({"actions": [{
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": agent,
    }]})
}

/// Writes `input` to `output` with a signed C2PA manifest carrying `label`, time-stamped when
/// `signing` names a time-stamp authority.
pub fn label_file(
    input: &Path,
    output: &Path,
    label: &Label,
    signing: &Signing,
) -> Result<(), LabelError> {
    label_file_with(input, output, label, signing, None).map(|_| ())
}

/// [`label_file`], with a `c2pa.soft-binding` assertion ([`SOFT_BINDING_ALG`], the value
/// given) when `soft_binding` is given; returns the signed manifest store (C2PA JUMBF bytes).
pub(crate) fn label_file_with(
    input: &Path,
    output: &Path,
    label: &Label,
    signing: &Signing,
    soft_binding: Option<&str>,
) -> Result<Vec<u8>, LabelError> {
    let format = supported(input)?;
    supported(output)?;
    let signer = c2pa::create_signer::from_keys(
        &signing.cert_chain_pem,
        &signing.key_pem,
        SigningAlg::Es256,
        signing.tsa_url.clone(),
    )
    .map_err(|e| LabelError::Signer(e.to_string()))?;
    if signer.certs().map_or(true, |c| c.is_empty()) {
        return Err(LabelError::Signer(
            "no certificate found in the chain".into(),
        ));
    }
    let mut training = serde_json::json!({"model": label.model});
    if let Some(root) = &label.training_root {
        training["training_manifest_root"] = serde_json::Value::String(root.clone());
    }
    let mut definition = serde_json::json!({
        "title": output.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        "format": format,
        "claim_generator_info": [{"name": CLAIM_GENERATOR, "version": env!("CARGO_PKG_VERSION")}],
        "assertions": [
            {"label": "c2pa.actions", "created": true, "data": created_action(label)},
            {"label": TRAINING_ASSERTION, "created": true, "data": training},
        ],
    });
    if let (Some(value), Some(assertions)) = (soft_binding, definition["assertions"].as_array_mut())
    {
        // The whole asset is the scope (an empty scope map).
        assertions.push(serde_json::json!({
            "label": "c2pa.soft-binding",
            "created": true,
            "data": {"alg": SOFT_BINDING_ALG, "blocks": [{"scope": {}, "value": value}]},
        }));
    }
    let mut builder = Builder::from_context(Context::new())
        .with_definition(definition.to_string())
        .map_err(c2pa_err(output))?;
    if output.exists() {
        std::fs::remove_file(output).map_err(|e| LabelError::C2pa {
            path: output.display().to_string(),
            message: e.to_string(),
        })?;
    }
    let signed = match &signing.tsa_url {
        None => builder
            .sign_file(signer.as_ref(), input, output)
            .map_err(c2pa_err(output)),
        Some(url) => {
            let stamped = Stamped {
                inner: signer,
                url: url.clone(),
                context: Context::new().with_resolver(UreqResolver),
                failure: Mutex::new(None),
            };
            builder.sign_file(&stamped, input, output).map_err(|e| {
                match stamped.failure.into_inner().ok().flatten() {
                    Some(message) => LabelError::TimeStamp {
                        url: url.clone(),
                        message,
                    },
                    None => c2pa_err(output)(e),
                }
            })
        }
    };
    if signed.is_err() && output.exists() {
        // Leave no half-written file behind; the error says why.
        let _ = std::fs::remove_file(output);
    }
    signed
}

/// The reader's context: C2PA's trust checks against `trust_anchors` (PEM), if given.
fn reader_context(trust_anchors: Option<&[u8]>) -> Result<Context, LabelError> {
    let Some(pem) = trust_anchors else {
        return Ok(Context::new());
    };
    let pem = std::str::from_utf8(pem)
        .ok()
        .filter(|p| p.contains("-----BEGIN CERTIFICATE-----"))
        .ok_or_else(|| LabelError::TrustAnchors("no PEM certificate in it".into()))?;
    Context::new()
        .with_settings(serde_json::json!({
            "trust": {"trust_anchors": pem},
            "verify": {"verify_trust": true},
        }))
        .map_err(|e| LabelError::TrustAnchors(e.to_string()))
}

/// Reads and checks the label of `path`; its signer is `Trusted` when its certificate chains to
/// one of `trust_anchors` (PEM certificates), else at best `Valid`.
pub fn verify_file(path: &Path, trust_anchors: Option<&[u8]>) -> Result<LabelReport, LabelError> {
    supported(path)?;
    let reader = Reader::from_context(reader_context(trust_anchors)?)
        .with_file(path)
        .map_err(c2pa_err(path))?;
    let state = reader.validation_state();
    let failures: Vec<String> = reader
        .validation_results()
        .and_then(|r| r.active_manifest())
        .map(|m| {
            m.failure()
                .iter()
                .map(|s| format!("{}: {}", s.code(), s.explanation().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let mut report = LabelReport {
        file: path.display().to_string(),
        valid: matches!(state, ValidationState::Valid | ValidationState::Trusted),
        trusted: matches!(state, ValidationState::Trusted),
        ai_generated: false,
        model: None,
        model_version: None,
        training_root: None,
        signer: None,
        timestamped_at: None,
        state: format!("{state:?}"),
        failures,
        soft_binding: None,
    };
    let Some(m) = reader.active_manifest() else {
        return Ok(report);
    };
    if let Some(info) = m.signature_info() {
        report.signer = info.common_name.clone().or_else(|| info.issuer.clone());
        report.timestamped_at = info.time.clone();
    }
    for a in m.assertions() {
        let v: serde_json::Value = a.value().cloned().unwrap_or_default();
        if a.label().starts_with("c2pa.actions") {
            let created = v["actions"].as_array().and_then(|acts| {
                acts.iter().find(|x| {
                    x["action"] == "c2pa.created"
                        && x["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
                })
            });
            if let Some(action) = created {
                report.ai_generated = true;
                report.model_version = action["softwareAgent"]["version"]
                    .as_str()
                    .map(String::from);
            }
        }
        if a.label().starts_with("c2pa.soft-binding") {
            report.soft_binding = Some(SoftBindingInfo {
                alg: v["alg"].as_str().unwrap_or_default().to_string(),
                value: v["blocks"][0]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            });
        }
        if a.label() == TRAINING_ASSERTION {
            report.model = v["model"].as_str().map(String::from);
            report.training_root = v["training_manifest_root"].as_str().map(String::from);
        }
    }
    Ok(report)
}
