//! Labels written with a throwaway certificate chain, read back, checked against trust anchors
//! by fermata and by the c2pa crate's own reader, and refused once tampered.

use fermata_label::{
    CLAIM_GENERATOR, Label, LabelError, Signing, TRAINED_ALGORITHMIC_MEDIA, TRAINING_ASSERTION,
    label_file, verify_file,
};
use fermata_testkit::{SigningChain, TimeStampAuthority, ffmpeg_encode, have_ffmpeg, write_track};
use std::path::{Path, PathBuf};

/// A temporary directory holding `generated.wav`, `seconds` of generated music.
fn generated(seed: u64, seconds: f32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("generated.wav");
    write_track(&input, seed, seconds, 22_050);
    (dir, input)
}

fn signing(chain: &SigningChain) -> Signing {
    Signing {
        cert_chain_pem: chain.chain_pem.clone(),
        key_pem: chain.key_pem.clone(),
        tsa_url: None,
    }
}

fn acme(model_version: Option<&str>, training_root: Option<&str>) -> Label {
    Label {
        model: "acme-music-1".into(),
        model_version: model_version.map(String::from),
        training_root: training_root.map(String::from),
    }
}

/// A copy of `file` with audio bytes changed (the RIFF data chunk comes before the manifest).
fn tampered(file: &Path, into: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    for b in &mut bytes[2000..3000] {
        *b ^= 0x5a;
    }
    std::fs::write(into, bytes).unwrap();
}

/// The c2pa crate's own reader, independent of fermata's report: `trust_anchors` as its trust
/// list when given.
fn c2pa_reader(file: &Path, trust_anchors: Option<&[u8]>) -> c2pa::Reader {
    let mut context = c2pa::Context::new();
    if let Some(pem) = trust_anchors {
        context = context
            .with_settings(serde_json::json!({
                "trust": {"trust_anchors": std::str::from_utf8(pem).unwrap()},
                "verify": {"verify_trust": true},
            }))
            .unwrap();
    }
    c2pa::Reader::from_context(context).with_file(file).unwrap()
}

#[test]
fn a_labelled_wav_verifies_and_a_tampered_one_does_not() {
    let (dir, input) = generated(11, 8.0);
    let chain = SigningChain::new();
    let label = acme(Some("1.2"), Some("22a4eb30"));
    let output = dir.path().join("labelled.wav");
    label_file(&input, &output, &label, &signing(&chain)).unwrap();

    let report = verify_file(&output, None).unwrap();
    assert!(report.valid && !report.trusted, "{report:?}");
    assert_eq!(report.state, "Valid");
    assert!(report.ai_generated);
    assert_eq!(report.model.as_deref(), Some("acme-music-1"));
    assert_eq!(report.model_version.as_deref(), Some("1.2"));
    assert_eq!(report.training_root.as_deref(), Some("22a4eb30"));
    assert_eq!(report.signer.as_deref(), Some("fermata test signer"));
    assert_eq!(report.timestamped_at, None, "no time-stamp authority given");

    let bad = dir.path().join("tampered.wav");
    tampered(&output, &bad);
    let bad = verify_file(&bad, None);
    assert!(
        bad.as_ref()
            .map_or(true, |r| !r.valid && r.state == "Invalid"),
        "{bad:?}"
    );

    // A file never labelled has no manifest to read; other formats are refused up front.
    assert!(verify_file(&input, None).is_err());
    assert!(
        label_file(&input, &dir.path().join("x.ogg"), &label, &signing(&chain))
            .unwrap_err()
            .to_string()
            .contains("WAV, MP3, FLAC and M4A")
    );
    let not_a_cert = Signing {
        cert_chain_pem: b"not a cert".to_vec(),
        ..signing(&chain)
    };
    let refused = label_file(&input, &dir.path().join("y.wav"), &label, &not_a_cert);
    assert!(matches!(refused, Err(LabelError::Signer(_))), "{refused:?}");
    assert!(matches!(
        verify_file(&output, Some(b"not a certificate")),
        Err(LabelError::TrustAnchors(_))
    ));
}

#[test]
fn the_assertions_are_created_by_the_signer_and_the_generator_is_fermata() {
    let (dir, input) = generated(13, 4.0);
    let chain = SigningChain::new();
    let output = dir.path().join("labelled.wav");
    label_file(&input, &output, &acme(Some("1.2"), None), &signing(&chain)).unwrap();

    let reader = c2pa_reader(&output, None);
    let manifest = reader.active_manifest().expect("a manifest");
    // C2PA 2.x: both assertions are attributed to the signer (created), not gathered.
    for label in ["c2pa.actions", TRAINING_ASSERTION] {
        let found: Vec<_> = manifest
            .assertions()
            .iter()
            .filter(|a| a.label().starts_with(label))
            .collect();
        assert_eq!(found.len(), 1, "{label}");
        assert!(found[0].created(), "{label} is a created assertion");
    }
    let actions = manifest
        .assertions()
        .iter()
        .find(|a| a.label().starts_with("c2pa.actions"))
        .unwrap()
        .value()
        .unwrap()
        .clone();
    let created = &actions["actions"][0];
    assert_eq!(created["action"], "c2pa.created");
    assert_eq!(created["digitalSourceType"], TRAINED_ALGORITHMIC_MEDIA);
    assert_eq!(
        created["softwareAgent"],
        serde_json::json!({"name": "acme-music-1", "version": "1.2"})
    );
    // The claim generator is fermata at this version; the model is not in it.
    let generator = serde_json::to_value(manifest.claim_generator_info.as_ref().unwrap()).unwrap();
    assert_eq!(generator[0]["name"], CLAIM_GENERATOR, "{generator}");
    assert_eq!(
        generator[0]["version"],
        env!("CARGO_PKG_VERSION"),
        "{generator}"
    );
    assert!(
        !generator.to_string().contains("acme-music-1"),
        "{generator}"
    );
}

#[test]
fn a_signer_is_trusted_only_under_its_own_ca() {
    let (dir, input) = generated(14, 4.0);
    let chain = SigningChain::new();
    let output = dir.path().join("labelled.wav");
    label_file(&input, &output, &acme(None, None), &signing(&chain)).unwrap();
    let other_ca = SigningChain::new().ca_pem;

    // The c2pa crate's own reader with a trust list: the independent verdict.
    use c2pa::ValidationState::{Invalid, Trusted, Valid};
    assert_eq!(
        c2pa_reader(&output, Some(&chain.ca_pem)).validation_state(),
        Trusted
    );
    assert_eq!(c2pa_reader(&output, None).validation_state(), Valid);
    assert_eq!(
        c2pa_reader(&output, Some(&other_ca)).validation_state(),
        Valid
    );

    // fermata's report says the same.
    for (anchors, state, trusted) in [
        (Some(chain.ca_pem.as_slice()), "Trusted", true),
        (None, "Valid", false),
        (Some(other_ca.as_slice()), "Valid", false),
    ] {
        let report = verify_file(&output, anchors).unwrap();
        assert_eq!((report.state.as_str(), report.trusted), (state, trusted));
        assert!(report.valid, "{report:?}");
    }

    // Tampered: Invalid, with or without the right anchor.
    let bad = dir.path().join("tampered.wav");
    tampered(&output, &bad);
    assert_eq!(
        c2pa_reader(&bad, Some(&chain.ca_pem)).validation_state(),
        Invalid
    );
    let report = verify_file(&bad, Some(&chain.ca_pem)).unwrap();
    assert_eq!((report.state.as_str(), report.valid), ("Invalid", false));
    assert!(!report.failures.is_empty(), "{report:?}");
}

/// Both trust anchors, the signer's CA then the time-stamp authority's, as one PEM bundle.
fn anchors(chain: &SigningChain, tsa: &TimeStampAuthority) -> Vec<u8> {
    [chain.ca_pem.as_slice(), tsa.ca_pem.as_slice()].concat()
}

#[test]
fn a_time_stamped_label_names_the_attested_time() {
    let (dir, input) = generated(15, 4.0);
    let chain = SigningChain::new();
    let tsa = TimeStampAuthority::start();
    let output = dir.path().join("labelled.wav");
    let stamped = Signing {
        tsa_url: Some(tsa.url.clone()),
        ..signing(&chain)
    };
    label_file(&input, &output, &acme(None, None), &stamped).unwrap();
    assert_eq!(tsa.content_types(), ["application/timestamp-query"]);

    let report = verify_file(&output, Some(&anchors(&chain, &tsa))).unwrap();
    assert_eq!(report.state, "Trusted", "{report:?}");
    assert!(report.timestamped_at.is_some(), "{report:?}");
    assert_eq!(
        c2pa_reader(&output, Some(&anchors(&chain, &tsa))).validation_state(),
        c2pa::ValidationState::Trusted
    );
}

#[test]
fn a_time_stamped_label_outlives_its_certificate_and_an_unstamped_one_does_not() {
    let (dir, input) = generated(16, 4.0);
    // A signing certificate that expires in three seconds, and labels signed while it is valid.
    let chain = SigningChain::expiring_in(3);
    let tsa = TimeStampAuthority::start();
    let trusted = anchors(&chain, &tsa);
    let stamped = dir.path().join("stamped.wav");
    let with_tsa = Signing {
        tsa_url: Some(tsa.url.clone()),
        ..signing(&chain)
    };
    label_file(&input, &stamped, &acme(None, None), &with_tsa).unwrap();
    let unstamped = dir.path().join("unstamped.wav");
    label_file(&input, &unstamped, &acme(None, None), &signing(&chain)).unwrap();
    assert_eq!(
        verify_file(&unstamped, Some(&trusted)).unwrap().state,
        "Trusted",
        "while the certificate is valid"
    );

    std::thread::sleep(std::time::Duration::from_secs(5));
    // The time-stamp attests a signing time inside the certificate's validity: still Trusted.
    let report = verify_file(&stamped, Some(&trusted)).unwrap();
    assert_eq!(report.state, "Trusted", "{report:?}");
    assert!(report.timestamped_at.is_some(), "{report:?}");
    assert_eq!(
        c2pa_reader(&stamped, Some(&trusted)).validation_state(),
        c2pa::ValidationState::Trusted
    );
    // Without one the certificate is checked at today's time: expired, Invalid.
    let report = verify_file(&unstamped, Some(&trusted)).unwrap();
    assert_eq!(report.state, "Invalid", "{report:?}");
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("signingCredential.expired")),
        "{report:?}"
    );
}

#[test]
fn a_time_stamp_authority_that_does_not_answer_is_a_clear_error() {
    let (dir, input) = generated(17, 2.0);
    // A loopback port nobody listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let output = dir.path().join("labelled.wav");
    let to_nowhere = Signing {
        tsa_url: Some(url.clone()),
        ..signing(&SigningChain::new())
    };
    let err = label_file(&input, &output, &acme(None, None), &to_nowhere).unwrap_err();
    assert!(
        matches!(&err, LabelError::TimeStamp { url: u, .. } if *u == url),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("leave the time-stamp authority out"),
        "{err}"
    );
    assert!(!output.exists(), "nothing half-written");
}

#[test]
fn mp3_flac_and_m4a_are_labelled_too() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("generated.wav");
    write_track(&wav, 12, 6.0, 22_050);
    let chain = SigningChain::new();
    let label = acme(None, None);
    for (ext, args) in [
        ("mp3", vec!["-b:a", "128k"]),
        ("flac", vec![]),
        ("m4a", vec!["-c:a", "aac", "-b:a", "128k"]),
    ] {
        let input = dir.path().join(format!("generated.{ext}"));
        ffmpeg_encode(&wav, &input, &args);
        let output = dir.path().join(format!("labelled.{ext}"));
        label_file(&input, &output, &label, &signing(&chain))
            .unwrap_or_else(|e| panic!("{ext}: {e}"));
        let report = verify_file(&output, Some(&chain.ca_pem)).unwrap();
        assert!(report.trusted && report.ai_generated, "{ext}: {report:?}");
        // The labelled file is still audio that decodes.
        assert!(
            fermata_audio::decode_to_vec(&output, 8_000).is_ok(),
            "{ext} still decodes"
        );
    }
}
