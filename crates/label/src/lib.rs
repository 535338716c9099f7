//! fermata's AI-output labelling: a C2PA manifest written into an audio file (WAV, MP3, FLAC,
//! M4A) saying that it was created by an AI model — action `c2pa.created` with digital source
//! type `trainedAlgorithmicMedia` — naming the model and, when given, the Merkle root of the
//! cleared manifest it was trained on; and the same read back and checked.
//!
//! Signing uses a certificate chain and private key the user supplies (PEM). The C2PA
//! specification (section 14.5) requires an end-entity certificate issued by a CA (not
//! self-signed) with basicConstraints CA:false, the digitalSignature key usage, an allowed
//! extended key usage such as emailProtection or documentSigning, and an authority key
//! identifier; `fermata_testkit::SigningChain` makes such a throwaway chain with rcgen for the tests.
//!
//! # Example
//!
//! ```no_run
//! let label = fermata_label::Label { model: "acme-music-1".into(), training_root: Some("22a4…".into()), generator: "acme".into() };
//! fermata_label::label_file("song.wav".as_ref(), "song-labelled.wav".as_ref(), &label,
//!     &std::fs::read("chain.pem")?, &std::fs::read("key.pem")?)?;
//! let read = fermata_label::verify_file("song-labelled.wav".as_ref())?;
//! assert!(read.valid && read.ai_generated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

use c2pa::{Builder, Context, Reader, SigningAlg, ValidationState};
use serde::Serialize;
use std::path::Path;

/// The label of fermata's own assertion in the manifest.
pub const TRAINING_ASSERTION: &str = "org.fermata.training";
/// IPTC digital source type for content made by a trained model.
pub const TRAINED_ALGORITHMIC_MEDIA: &str =
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

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
    /// The model that generated the audio.
    pub model: String,
    /// The Merkle root of the cleared training manifest, when known.
    pub training_root: Option<String>,
    /// Who ran the generation (the claim generator's name).
    pub generator: String,
}

/// What was read back from a file.
#[derive(Clone, Debug, Serialize)]
pub struct LabelReport {
    /// The file.
    pub file: String,
    /// True when a manifest is present and its signature and hashes check out (its certificate
    /// may still be one no trust list knows: see `trusted`).
    pub valid: bool,
    /// True when the signer's certificate chains to a trusted root.
    pub trusted: bool,
    /// True when it states `c2pa.created` with `trainedAlgorithmicMedia`.
    pub ai_generated: bool,
    /// The model named by fermata's assertion.
    pub model: Option<String>,
    /// The training manifest's Merkle root named by fermata's assertion.
    pub training_root: Option<String>,
    /// The C2PA validation state (`Invalid`, `Valid`, `Trusted`).
    pub state: String,
    /// Validation failures, if any.
    pub failures: Vec<String>,
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

/// Writes `input` to `output` with a signed C2PA manifest carrying `label`.
pub fn label_file(
    input: &Path,
    output: &Path,
    label: &Label,
    cert_chain_pem: &[u8],
    key_pem: &[u8],
) -> Result<(), LabelError> {
    let format = supported(input)?;
    supported(output)?;
    let signer = c2pa::create_signer::from_keys(cert_chain_pem, key_pem, SigningAlg::Es256, None)
        .map_err(|e| LabelError::Signer(e.to_string()))?;
    let mut training = serde_json::json!({"model": label.model});
    if let Some(root) = &label.training_root {
        training["training_manifest_root"] = serde_json::Value::String(root.clone());
    }
    let definition = serde_json::json!({
        "title": output.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        "format": format,
        "claim_generator_info": [{"name": label.generator, "version": env!("CARGO_PKG_VERSION")}],
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.created",
                "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                "softwareAgent": {"name": label.model},
            }]}},
            {"label": TRAINING_ASSERTION, "data": training},
        ],
    });
    let mut builder = Builder::from_context(Context::new())
        .with_definition(definition.to_string())
        .map_err(c2pa_err(output))?;
    if output.exists() {
        std::fs::remove_file(output).map_err(|e| LabelError::C2pa {
            path: output.display().to_string(),
            message: e.to_string(),
        })?;
    }
    builder
        .sign_file(signer.as_ref(), input, output)
        .map_err(c2pa_err(output))?;
    Ok(())
}

/// Reads and checks the label of `path`.
pub fn verify_file(path: &Path) -> Result<LabelReport, LabelError> {
    supported(path)?;
    let reader = Reader::from_context(Context::new())
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
        training_root: None,
        state: format!("{state:?}"),
        failures,
    };
    if let Some(m) = reader.active_manifest() {
        for a in m.assertions() {
            if a.label().starts_with("c2pa.actions") {
                let v: serde_json::Value = a.value().cloned().unwrap_or_default();
                report.ai_generated |= v["actions"].as_array().is_some_and(|acts| {
                    acts.iter().any(|x| {
                        x["action"] == "c2pa.created"
                            && x["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
                    })
                });
            }
            if a.label() == TRAINING_ASSERTION {
                let v: serde_json::Value = a.value().cloned().unwrap_or_default();
                report.model = v["model"].as_str().map(String::from);
                report.training_root = v["training_manifest_root"].as_str().map(String::from);
            }
        }
    }
    Ok(report)
}
