//! docs/verify_proof.py, written from docs/manifest.md with Python's standard library only,
//! agrees with this crate on the frozen proofs of both versions, and refuses edited ones.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const ROOT_V1: &str = "22a4eb30ce1d73443db6d9a420bd68a8314ed47a40cf57ef936b8395299e9c2b";
const ROOT_V2: &str = "a7499e3768e4f8d11f827f527b61cfe5b72d18cb9607a9cd95b45d5163f0e620";

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
fn the_python_verifier_checks_version_1_and_2_proofs() {
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
    // Each version's proofs hold against its own root only.
    assert_eq!(script_says(python, &dir, &v1, ROOT_V1), [true, true]);
    assert_eq!(script_says(python, &dir, &v2, ROOT_V2), [true, true]);
    assert_eq!(script_says(python, &dir, &v1, ROOT_V2), [false, false]);
    assert_eq!(script_says(python, &dir, &v2, ROOT_V1), [false, false]);
    // Any edit to a version 2 proof's header, leaf or tree root is refused.
    let mut edited = Vec::new();
    let mut what = Vec::new();
    for proof in &v2 {
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
        for pointer in pointers {
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
            edited.push(p);
            what.push(pointer);
        }
    }
    let said = script_says(python, &dir, &edited, ROOT_V2);
    for (ok, pointer) in said.iter().zip(&what) {
        assert!(!ok, "the script accepts a proof with {pointer} edited");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
