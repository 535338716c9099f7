//! Labels written with a throwaway certificate chain, read back, and refused once tampered.

use fermata_label::{Label, label_file, verify_file};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};

/// A CA and an end-entity certificate meeting the C2PA profile; returns (chain PEM, key PEM).
fn throwaway_chain() -> (Vec<u8>, Vec<u8>) {
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(DnType::CommonName, "fermata test CA");
    ca.distinguished_name
        .push(DnType::OrganizationName, "fermata tests");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf = CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "fermata test signer");
    leaf.distinguished_name
        .push(DnType::OrganizationName, "fermata tests");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
    // C2PA requires the authority key identifier on the signing certificate.
    leaf.use_authority_key_identifier_extension = true;
    let issuer = rcgen::Issuer::from_params(&ca, &ca_key);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let chain = format!("{}{}", leaf_cert.pem(), ca_cert.pem());
    (chain.into_bytes(), leaf_key.serialize_pem().into_bytes())
}

#[test]
fn a_labelled_wav_verifies_and_a_tampered_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("generated.wav");
    fermata_audio::write_wav(
        &input,
        &fermata_audio::synth::track(11, 8.0, 22_050),
        22_050,
    )
    .unwrap();
    let (chain, key) = throwaway_chain();
    let label = Label {
        model: "acme-music-1".into(),
        training_root: Some("22a4eb30".into()),
        generator: "fermata tests".into(),
    };
    let output = dir.path().join("labelled.wav");
    label_file(&input, &output, &label, &chain, &key).unwrap();

    let report = verify_file(&output).unwrap();
    assert!(report.valid, "{report:?}");
    assert!(report.ai_generated);
    assert_eq!(report.model.as_deref(), Some("acme-music-1"));
    assert_eq!(report.training_root.as_deref(), Some("22a4eb30"));

    // Change audio samples (the RIFF data chunk comes before the manifest): the hash no longer holds.
    let mut bytes = std::fs::read(&output).unwrap();
    for b in &mut bytes[2000..3000] {
        *b ^= 0x5a;
    }
    let tampered = dir.path().join("tampered.wav");
    std::fs::write(&tampered, bytes).unwrap();
    let bad = verify_file(&tampered);
    assert!(bad.as_ref().map_or(true, |r| !r.valid), "{bad:?}");

    // A file never labelled has no manifest to read; other formats are refused up front.
    assert!(verify_file(&input).is_err());
    assert!(
        label_file(&input, &dir.path().join("x.ogg"), &label, &chain, &key)
            .unwrap_err()
            .to_string()
            .contains("WAV, MP3, FLAC and M4A")
    );
    assert!(
        label_file(
            &input,
            &dir.path().join("y.wav"),
            &label,
            b"not a cert",
            &key
        )
        .is_err()
    );
}

#[test]
fn mp3_flac_and_m4a_are_labelled_too() {
    let has_ffmpeg = std::process::Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_ffmpeg {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "ffmpeg is required under CI=true"
        );
        eprintln!("skipping: ffmpeg is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("generated.wav");
    fermata_audio::write_wav(&wav, &fermata_audio::synth::track(12, 6.0, 22_050), 22_050).unwrap();
    let (chain, key) = throwaway_chain();
    let label = Label {
        model: "acme-music-1".into(),
        training_root: None,
        generator: "fermata tests".into(),
    };
    for (ext, args) in [
        ("mp3", vec!["-b:a", "128k"]),
        ("flac", vec![]),
        ("m4a", vec!["-c:a", "aac", "-b:a", "128k"]),
    ] {
        let input = dir.path().join(format!("generated.{ext}"));
        let status = std::process::Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(&wav)
            .args(&args)
            .arg(&input)
            .status()
            .unwrap();
        assert!(status.success(), "ffmpeg made {ext}");
        let output = dir.path().join(format!("labelled.{ext}"));
        label_file(&input, &output, &label, &chain, &key).unwrap_or_else(|e| panic!("{ext}: {e}"));
        let report = verify_file(&output).unwrap();
        assert!(report.valid && report.ai_generated, "{ext}: {report:?}");
        // The labelled file is still audio that decodes.
        assert!(
            fermata_audio::decode_to_vec(&output, 8_000).is_ok(),
            "{ext} still decodes"
        );
    }
}
