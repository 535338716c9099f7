//! Labels written with a throwaway certificate chain, read back, and refused once tampered.

use fermata_label::{Label, label_file, verify_file};
use fermata_testkit::{SigningChain, ffmpeg_encode, have_ffmpeg, write_track};

/// A throwaway chain meeting the C2PA profile; returns (chain PEM, key PEM).
fn throwaway_chain() -> (Vec<u8>, Vec<u8>) {
    let c = SigningChain::new();
    (c.chain_pem, c.key_pem)
}

#[test]
fn a_labelled_wav_verifies_and_a_tampered_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("generated.wav");
    write_track(&input, 11, 8.0, 22_050);
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
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("generated.wav");
    write_track(&wav, 12, 6.0, 22_050);
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
        ffmpeg_encode(&wav, &input, &args);
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
