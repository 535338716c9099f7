//! docs/verify_proof.py, written from docs/manifest.md with Python's standard library only,
//! agrees with this crate on the frozen proofs of all three versions, refuses edited ones (a
//! version 3 proof's declared root among them), and
//! refuses a version 3 proof that an unsorted, hand-built tree hides a present work.

mod support;

use fermata_manifest::WorkProof;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const ROOT_V1: &str = "22a4eb30ce1d73443db6d9a420bd68a8314ed47a40cf57ef936b8395299e9c2b";
const ROOT_V2: &str = "a7499e3768e4f8d11f827f527b61cfe5b72d18cb9607a9cd95b45d5163f0e620";
const ROOT_V3: &str = "72d7ae18ac81374a1d75f347a573a64a084e6a26ba572015bdc000a1025f4f72";

use fermata_testkit::python3 as python;

/// Runs the script on `proofs` (as one holder's bundle) against `root`: for each proof, true
/// when the script says it is valid.
fn script_says(python: &str, dir: &Path, proofs: &[Value], root: &str) -> Vec<bool> {
    let file = dir.join("bundle.json");
    let bundle = serde_json::json!({"format": "fermata-holder-proofs", "proofs": proofs});
    std::fs::write(&file, bundle.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/verify_proof.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(&file)
        .args([root, "4"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let said: Vec<bool> = text.lines().map(|l| l.starts_with("valid")).collect();
    assert_eq!(
        said.len(),
        proofs.len(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.success(), said.iter().all(|&v| v), "{text}");
    said
}

#[test]
fn the_python_verifier_checks_proofs_of_every_version() {
    let Some(python) = python() else { return };
    let dir = std::env::temp_dir().join(format!("fermata-manifest-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = |name: &str| -> Value {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let v1 = [
        fixture("proof-v1-included.json"),
        fixture("proof-v1-not-included.json"),
    ];
    let v2 = [
        fixture("proof-v2-included.json"),
        fixture("proof-v2-not-included.json"),
    ];
    let v3 = [
        fixture("proof-v3-included.json"),
        fixture("proof-v3-not-included.json"),
    ];
    // Each version's proofs hold against its own root only.
    let versions = [(&v1, ROOT_V1), (&v2, ROOT_V2), (&v3, ROOT_V3)];
    for (n, (proofs, root)) in versions.iter().enumerate() {
        assert_eq!(script_says(python, &dir, &proofs[..], root), [true, true]);
        let other = versions[(n + 1) % versions.len()].1;
        assert_eq!(
            script_says(python, &dir, &proofs[..], other),
            [false, false]
        );
    }
    // Any edit to a version 2 or 3 proof's header, leaf, tree root or (version 3) path ranges and
    // declared root is refused.
    let mut edited = Vec::new();
    let mut what = Vec::new();
    for proof in v2.iter().chain(&v3) {
        let root = if proof["version"] == 3 {
            ROOT_V3
        } else {
            ROOT_V2
        };
        let leaf = if proof["result"] == "included" {
            "/leaves/0/entry"
        } else {
            "/after/entry"
        };
        let header = [
            "id",
            "created_at",
            "scan/id",
            "scan/developer",
            "scan/model",
            "scan/use",
            "scan/territory",
            "scan/dataset",
            "scan/finished_at",
        ];
        let pointers = header
            .iter()
            .map(|f| format!("/manifest/{f}"))
            .chain(
                ["isrc", "sha256", "path", "title", "clearance", "holders"]
                    .iter()
                    .map(|f| format!("{leaf}/{f}")),
            )
            .chain(["/tree_root".to_string()]);
        let ranges = if proof["version"] == 3 {
            let leaf = leaf.trim_end_matches("/entry");
            ["/0/min", "/0/max", "/1/min", "/1/max"]
                .map(|step| format!("{leaf}/path{step}"))
                .into_iter()
                .chain(["/manifest/declared_root".to_string()])
                .collect()
        } else {
            Vec::new()
        };
        for pointer in pointers.chain(ranges) {
            let mut p = proof.clone();
            match p.pointer_mut(&pointer) {
                // Keep a hash a hash: change its last digit.
                Some(Value::String(s)) => {
                    let last = if s.ends_with('0') { '1' } else { '0' };
                    s.pop();
                    s.push(last);
                }
                Some(Value::Array(items)) => items.push(Value::String("someone-else".into())),
                other => panic!("{pointer}: {other:?}"),
            }
            edited.push((p, root));
            what.push(pointer);
        }
    }
    for root in [ROOT_V2, ROOT_V3] {
        let (proofs, pointers): (Vec<Value>, Vec<&String>) = edited
            .iter()
            .zip(&what)
            .filter(|((_, r), _)| *r == root)
            .map(|((p, _), w)| (p.clone(), w))
            .unzip();
        let said = script_says(python, &dir, &proofs, root);
        for (ok, pointer) in said.iter().zip(pointers) {
            assert!(!ok, "the script accepts a proof with {pointer} edited");
        }
    }
    // The crate and the script agree on hand-built trees: version 2 cannot see that the leaves
    // are unsorted and takes a present work for absent; version 3 refuses that proof, and the
    // same proof with its siblings' ranges lying.
    for (what, (tree, proof), holds) in [
        ("v2 unsorted", support::unsorted_attack(2), true),
        ("v3 unsorted", support::unsorted_attack(3), false),
        ("v3 lying ranges", support::lying_range_attack(), false),
    ] {
        assert_eq!(proof.verify(&tree.root).is_ok(), holds, "{what}: the crate");
        let json: Value = serde_json::from_str(&proof.to_json()).unwrap();
        assert!(WorkProof::from_json(&json.to_string()).is_ok());
        assert_eq!(
            script_says(python, &dir, &[json], &tree.root),
            [holds],
            "{what}: the script"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
