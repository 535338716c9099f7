//! Files written by earlier builds, frozen: every later version must still read them and
//! verify their proofs (tantivy's discipline for on-disk formats).
//!
//! `manifest-v1.json` and its proofs were written by format version 1. `manifest-v2.json` and
//! its proofs were written by format version 2 from the same scan and entries, and
//! `manifest-v3.json` and its proofs by format version 3, with two declared files
//! ([`declared`]). The version 3 files are written by the ignored test
//! `regenerate_the_version_3_fixtures`, run by hand only while version 3 is unreleased.

use fermata_manifest::{
    Declared, MANIFEST_VERSION, Manifest, OLDEST_READABLE_MANIFEST_VERSION, WorkProof,
};

// Version 1 manifests are published: they must stay readable.
const _: () = assert!(OLDEST_READABLE_MANIFEST_VERSION <= 1);

const ROOT: &str = "22a4eb30ce1d73443db6d9a420bd68a8314ed47a40cf57ef936b8395299e9c2b";
const ROOT_V2: &str = "a7499e3768e4f8d11f827f527b61cfe5b72d18cb9607a9cd95b45d5163f0e620";
const TREE_ROOT_V2: &str = "65d2ab210ef54db3972d082a57ee4393594785f5cbdd091288056ca5d676c48f";
const ROOT_V3: &str = "72d7ae18ac81374a1d75f347a573a64a084e6a26ba572015bdc000a1025f4f72";
const TREE_ROOT_V3: &str = "cc1592da9205470d4e8f4fad4e6760a8ed10c37cb289e7fb086cdf0b669e21e9";

/// The declared files of the version 3 fixture.
fn declared() -> Vec<Declared> {
    vec![
        Declared {
            path: "voice/take-1.wav".into(),
            sha256: "11".repeat(32),
            source: "own-recording".into(),
            reference: String::new(),
        },
        Declared {
            path: "pads/a.wav".into(),
            sha256: "22".repeat(32),
            source: "generated".into(),
            reference: "synth-model-2".into(),
        },
    ]
}

/// The version 3 manifest of the version 1 fixture's scan and entries, with [`declared`].
fn version_3() -> Manifest {
    let v1 = Manifest::from_json(include_str!("fixtures/manifest-v1.json")).unwrap();
    Manifest::build_version_declared(3, &v1.id, &v1.created_at, v1.scan, v1.entries, declared())
        .unwrap()
}

#[test]
#[ignore = "writes tests/fixtures/*-v3*.json; run by hand only while version 3 is unreleased"]
fn regenerate_the_version_3_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let m = version_3();
    std::fs::write(dir.join("manifest-v3.json"), m.to_json()).unwrap();
    for (file, isrc) in [
        ("proof-v3-included.json", "ZZDEM2600006"),
        ("proof-v3-not-included.json", "ZZDEM2600005"),
    ] {
        std::fs::write(dir.join(file), m.prove(isrc).unwrap().to_json()).unwrap();
    }
}

#[test]
fn a_version_1_manifest_still_reads_and_proves() {
    let m = Manifest::from_json(include_str!("fixtures/manifest-v1.json"))
        .expect("the v1 manifest reads");
    assert_eq!(
        (m.version, m.merkle.tree_size, m.merkle.root.as_str()),
        (1, 4, ROOT)
    );
    // Proofs made now from the old manifest and proofs made then both verify.
    let now = m.prove("ZZDEM2600001").unwrap();
    assert_eq!(
        now.version(),
        1,
        "a version 1 manifest gives version 1 proofs"
    );
    now.verify_tree_head(ROOT, 4).unwrap();
    for (file, included) in [
        (include_str!("fixtures/proof-v1-included.json"), true),
        (include_str!("fixtures/proof-v1-not-included.json"), false),
    ] {
        let p = WorkProof::from_json(file).expect("the v1 proof reads");
        assert_eq!(p.is_inclusion(), included);
        p.verify_tree_head(ROOT, 4).unwrap();
        // A version 1 proof cannot verify against the version 2 root of the same entries.
        assert!(p.verify(ROOT_V2).is_err());
    }
}

#[test]
fn a_version_2_manifest_still_reads_and_proves() {
    const _: () = assert!(OLDEST_READABLE_MANIFEST_VERSION <= 2 && MANIFEST_VERSION >= 2);
    let text = include_str!("fixtures/manifest-v2.json");
    let m = Manifest::from_json(text).expect("the v2 manifest reads");
    assert_eq!(
        (m.version, m.merkle.tree_size, m.merkle.root.as_str()),
        (2, 4, ROOT_V2)
    );
    assert_eq!(m.merkle.tree_root.as_deref(), Some(TREE_ROOT_V2));
    // The encoding has not moved: the same scan and entries build the same file today.
    let v1 = Manifest::from_json(include_str!("fixtures/manifest-v1.json")).unwrap();
    let rebuilt = Manifest::build_version(2, &v1.id, &v1.created_at, v1.scan, v1.entries).unwrap();
    assert_eq!(
        rebuilt.to_json(),
        text,
        "Manifest::build no longer writes what version 2 wrote"
    );
    let now = m.prove("ZZDEM2600001").unwrap();
    assert_eq!(now.version(), 2);
    now.verify_tree_head(ROOT_V2, 4).unwrap();
    for (file, included) in [
        (include_str!("fixtures/proof-v2-included.json"), true),
        (include_str!("fixtures/proof-v2-not-included.json"), false),
    ] {
        let p = WorkProof::from_json(file).expect("the v2 proof reads");
        assert_eq!(p.is_inclusion(), included);
        p.verify_tree_head(ROOT_V2, 4).unwrap();
        assert_eq!(
            p.manifest_header()
                .map(|h| (h.scan.developer.as_str(), h.scan.model.as_str())),
            Some(("acme-ai", "demo-model-1"))
        );
        // Neither the version 1 root nor the bare tree root will do.
        assert!(p.verify(ROOT).is_err() && p.verify(TREE_ROOT_V2).is_err());
    }
}

#[test]
fn a_version_3_manifest_still_reads_and_proves() {
    const _: () = assert!(OLDEST_READABLE_MANIFEST_VERSION <= 3 && MANIFEST_VERSION >= 3);
    let text = include_str!("fixtures/manifest-v3.json");
    let m = Manifest::from_json(text).expect("the v3 manifest reads");
    assert_eq!(
        (m.version, m.merkle.tree_size, m.merkle.root.as_str()),
        (3, 4, ROOT_V3)
    );
    assert_eq!(m.merkle.tree_root.as_deref(), Some(TREE_ROOT_V3));
    // The encoding has not moved: the same scan, entries and declared files build the same file
    // today.
    let mut sorted = declared();
    sorted.sort();
    assert_eq!(m.declared, sorted);
    assert_eq!(
        version_3().to_json(),
        text,
        "Manifest::build_version(3, ..) no longer writes what version 3 wrote"
    );
    let now = m.prove("ZZDEM2600001").unwrap();
    assert_eq!(now.version(), 3);
    now.verify_tree_head(ROOT_V3, 4).unwrap();
    for (file, included) in [
        (include_str!("fixtures/proof-v3-included.json"), true),
        (include_str!("fixtures/proof-v3-not-included.json"), false),
    ] {
        let p = WorkProof::from_json(file).expect("the v3 proof reads");
        assert_eq!(p.is_inclusion(), included);
        p.verify_tree_head(ROOT_V3, 4).unwrap();
        assert_eq!(
            p.manifest_header()
                .map(|h| (h.scan.developer.as_str(), h.scan.model.as_str())),
            Some(("acme-ai", "demo-model-1"))
        );
        assert_eq!(
            p.manifest_header().and_then(|h| h.declared_root.as_deref()),
            m.merkle.declared_root.as_deref()
        );
        // No other version's root, nor the bare tree root, will do.
        for other in [ROOT, ROOT_V2, TREE_ROOT_V3] {
            assert!(p.verify(other).is_err());
        }
    }
}
