//! Files written by format version 1, frozen: every later version must still read them and
//! verify their proofs (tantivy's discipline for on-disk formats).

use fermata_manifest::{Manifest, WorkProof, OLDEST_READABLE_MANIFEST_VERSION};

const ROOT: &str = "22a4eb30ce1d73443db6d9a420bd68a8314ed47a40cf57ef936b8395299e9c2b";

#[test]
fn a_version_1_manifest_still_reads_and_proves() {
    assert!(OLDEST_READABLE_MANIFEST_VERSION <= 1, "version 1 manifests are published; they must stay readable");
    let m = Manifest::from_json(include_str!("fixtures/manifest-v1.json")).expect("the v1 manifest reads");
    assert_eq!((m.version, m.merkle.tree_size, m.merkle.root.as_str()), (1, 4, ROOT));
    // Proofs made now from the old manifest and proofs made then both verify.
    m.prove("ZZDEM2600001").unwrap().verify_tree_head(ROOT, 4).unwrap();
    for (file, included) in [
        (include_str!("fixtures/proof-v1-included.json"), true),
        (include_str!("fixtures/proof-v1-not-included.json"), false),
    ] {
        let p = WorkProof::from_json(file).expect("the v1 proof reads");
        assert_eq!(p.is_inclusion(), included);
        p.verify_tree_head(ROOT, 4).unwrap();
    }
}
