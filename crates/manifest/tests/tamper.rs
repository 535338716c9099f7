//! Every field of a manifest is committed to by its published root: the scan header (developer,
//! model, use, territory, scan id, dataset, finished_at), the manifest's id and creation time,
//! and each entry's ISRC, file hash, clearance, holders, path and title.
//!
//! For each field, an edit (1) makes the manifest refused on reading, with the part that
//! disagrees named; (2) changes the published root when the manifest is rebuilt around the edit,
//! so proofs made before the edit fail against the edited manifest's root and proofs made from
//! the edited manifest fail against the published one; (3) made in a proof instead, makes the
//! proof fail against the published root. The tests work on the JSON, as an editor would.

use fermata_manifest::{Entry, Manifest, ScanInfo, WorkProof};
use serde_json::Value;

/// The work whose entry the entry edits touch (entry 1 in leaf order).
const EDITED_WORK: &str = "GBAAA2600002";

fn manifest() -> Manifest {
    let entry = |n: u32, path: &str, title: &str, holders: &[&str]| Entry {
        isrc: format!("GBAAA26{n:05}"),
        title: title.into(),
        path: path.into(),
        sha256: hex::encode([n as u8; 32]),
        clearance: holders.iter().map(|h| format!("policy:{h}")).collect(),
        holders: holders.iter().map(|h| h.to_string()).collect(),
    };
    let scan = ScanInfo {
        id: "scan-000001".into(),
        developer: "acme-ai".into(),
        model: "m1".into(),
        use_: "train-genai".into(),
        territory: "DE".into(),
        dataset: "/data/set".into(),
        finished_at: "2026-01-01T00:00:00Z".into(),
    };
    Manifest::build(
        "manifest-000001",
        "2026-01-02T00:00:00Z",
        scan,
        vec![
            entry(1, "a.wav", "First", &["label-a"]),
            entry(2, "sub/b.wav", "Second", &["label-a", "pub-b"]),
            entry(4, "d.flac", "Fourth", &["pub-b"]),
            entry(5, "e.mp3", "Fifth", &["label-a"]),
        ],
    )
}

/// The header fields, as JSON pointers into the manifest.
const HEADER: [&str; 9] = [
    "/scan/developer",
    "/scan/model",
    "/scan/use",
    "/scan/territory",
    "/scan/id",
    "/scan/dataset",
    "/scan/finished_at",
    "/id",
    "/created_at",
];
/// The fields of entry 1 (the work EDITED_WORK).
const ENTRY: [&str; 5] = [
    "/entries/1/path",
    "/entries/1/title",
    "/entries/1/holders",
    "/entries/1/sha256",
    "/entries/1/clearance",
];

/// Changes the value at `pointer`: a string gets a suffix, a list one more item.
fn edit(doc: &mut Value, pointer: &str) {
    match doc.pointer_mut(pointer) {
        Some(Value::String(s)) => s.push('x'),
        Some(Value::Array(items)) => items.push(Value::String("someone-else".into())),
        other => panic!("{pointer} is not a string or list: {other:?}"),
    }
}

fn json(m: &Manifest) -> Value {
    serde_json::from_str(&m.to_json()).unwrap()
}

#[test]
fn an_edit_to_any_field_makes_the_manifest_refused_and_names_the_part() {
    let m = manifest();
    Manifest::from_json(&m.to_json()).expect("the unedited manifest reads");
    for (fields, part) in [(&HEADER[..], "header"), (&ENTRY[..], "entries")] {
        for pointer in fields {
            let mut doc = json(&m);
            edit(&mut doc, pointer);
            match Manifest::from_json(&doc.to_string()) {
                Ok(_) => panic!("a manifest with {pointer} edited was read"),
                Err(e) => assert!(
                    e.to_string().contains(part),
                    "{pointer}: the error should name the {part}: {e}"
                ),
            }
        }
    }
}

#[test]
fn the_published_root_commits_to_every_field() {
    let m = manifest();
    let root = m.merkle.root.clone();
    for pointer in HEADER.iter().chain(&ENTRY) {
        let mut doc = json(&m);
        edit(&mut doc, pointer);
        // Whoever edits the file can rebuild it, so that it reads again ...
        let e: Manifest = serde_json::from_value(doc).unwrap();
        let rebuilt = Manifest::build(&e.id, &e.created_at, e.scan, e.entries);
        Manifest::from_json(&rebuilt.to_json()).expect("a rebuilt manifest reads");
        // ... but not keep its published root.
        assert_ne!(
            rebuilt.merkle.root, root,
            "{pointer} is not committed to by the root"
        );
        for work in [EDITED_WORK, "GBAAA2600003"] {
            let before = m.prove(work).unwrap();
            before.verify(&root).unwrap();
            assert!(
                before.verify(&rebuilt.merkle.root).is_err(),
                "{pointer}: a proof made before the edit holds after it"
            );
            let after = rebuilt.prove(work).unwrap();
            assert!(
                after.verify(&root).is_err(),
                "{pointer}: a proof from the edited manifest holds against the published root"
            );
        }
    }
}

#[test]
fn a_proof_with_an_edited_header_or_leaf_does_not_verify() {
    let m = manifest();
    let root = m.merkle.root.clone();
    for work in [EDITED_WORK, "GBAAA2600003"] {
        let proof: Value = serde_json::from_str(&m.prove(work).unwrap().to_json()).unwrap();
        WorkProof::from_json(&proof.to_string())
            .unwrap()
            .verify(&root)
            .unwrap();
        let leaf = if proof["result"] == "included" {
            "/leaves/0"
        } else {
            "/before"
        };
        let pointers: Vec<String> = HEADER
            .iter()
            .map(|p| format!("/manifest{p}"))
            .chain(
                ["path", "title", "holders", "sha256", "clearance"]
                    .iter()
                    .map(|f| format!("{leaf}/entry/{f}")),
            )
            .collect();
        for pointer in &pointers {
            let mut edited = proof.clone();
            edit(&mut edited, pointer);
            let read = WorkProof::from_json(&edited.to_string()).unwrap();
            assert!(
                read.verify(&root).is_err(),
                "{work}: a proof with {pointer} edited verifies"
            );
        }
    }
}
