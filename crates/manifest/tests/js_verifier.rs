//! crates/web/assets/proof.js, the checker the public web page runs in the browser, agrees with
//! this crate: on genuine proofs of all three versions (manifests of 0 to 33 entries, titles, paths,
//! holders and clearance in non-ASCII UTF-8; works present, absent before the first, between two
//! and after the last) it says what the proof proves, and on edited ones it refuses exactly when
//! `WorkProof::from_json(..)` with `verify` / `verify_for` does, for the same kind of reason.
//!
//! It also refuses, as the crate does, version 3 proofs over a hand-built unsorted tree that
//! claim a present work is absent, and ones whose siblings' ranges lie.
//!
//! All cases run in one `node` process; without node the test is skipped (failed under CI=true).

mod support;

use fermata_manifest::merkle::{Tree, leaf_hash};
use fermata_manifest::{Declared, Entry, Manifest, ManifestError, ScanInfo, WorkProof};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Reads the cases (JSON: [{proof, root, work}]) and prints verifyProof's answers (JSON).
const RUNNER: &str = r#"
const { verifyProof } = require(process.argv[2]);
const cases = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
(async () => {
  const out = [];
  for (const c of cases) out.push(await verifyProof(c.proof, c.root, c.work));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

fn asset() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/assets/proof.js")
}

/// A fresh directory for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fermata-js-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `script` with node (as a file in `dir`), with `args`; its stdout as JSON.
fn node(dir: &Path, script: &str, args: &[&Path]) -> Value {
    let file = dir.join("runner.js");
    std::fs::write(&file, script).unwrap();
    let out = Command::new("node").arg(&file).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn scan() -> ScanInfo {
    ScanInfo {
        id: "scan-000007".into(),
        developer: "Ärzte AI ☕".into(),
        model: "modèle-노래-1".into(),
        use_: "train-genai".into(),
        territory: "DE".into(),
        dataset: "/data/música".into(),
        finished_at: "2026-03-01T00:00:00Z".into(),
    }
}

/// The `ISRC` of work `n`: even numbers are in the manifests, odd ones are not.
fn isrc(n: u32) -> String {
    format!("GBAAA26{n:05}")
}

/// `size` entries over works 2, 4, 6...; every third work is in a second file as well.
fn entries(size: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut n = 0u32;
    while out.len() < size {
        n += 2;
        let copies = if n.is_multiple_of(6) { 2 } else { 1 };
        for copy in 0..copies {
            if out.len() == size {
                break;
            }
            out.push(Entry {
                isrc: isrc(n),
                title: format!("Canção ☕ 노래 {n}"),
                path: format!("música/{copy}/{n} ☕.flac"),
                sha256: hex::encode([(n as u8).wrapping_add(copy); 32]),
                clearance: vec!["lic-000001".into(), format!("policy:édition-{copy}")],
                holders: vec!["édition-ü".into(), format!("노래-{copy}")],
            });
        }
    }
    out
}

/// The version 1 manifest of the same entries: leaves `ISRC|SHA256|CLEARANCE`, sorted by
/// that, the tree root as the root, no header committed to.
fn version_1(v2: &Manifest) -> Manifest {
    let mut m = v2.clone();
    m.version = 1;
    m.entries.sort_by_key(Entry::leaf_data_v1);
    let tree = Tree::new(
        m.entries
            .iter()
            .map(|e| leaf_hash(e.leaf_data_v1().as_bytes()))
            .collect(),
    );
    m.merkle.header = None;
    m.merkle.commitment = None;
    m.merkle.tree_root = None;
    m.merkle.tree_size = tree.size();
    m.merkle.root = hex::encode(tree.root());
    Manifest::from_json(&m.to_json()).expect("the version 1 manifest reads")
}

/// What the crate says of a proof: the proof, or the error.
fn rust_says(proof: &str, root: &str, work: &str) -> Result<WorkProof, ManifestError> {
    let p = WorkProof::from_json(proof)?;
    if work.is_empty() {
        p.verify(root)?;
    } else {
        p.verify_for(work, root)?;
    }
    Ok(p)
}

struct Case {
    what: String,
    proof: String,
    root: String,
    work: String,
    /// Whether the crate must accept it (genuine) or refuse it (an edit that must fail);
    /// None for edits it may do either with (the JS must simply agree).
    must: Option<bool>,
    /// The reason the JS must give, where it is certain.
    reason: Option<&'static str>,
}

/// Changes the last hex digit of a hash.
fn flip(hash: &str) -> String {
    let mut s = hash.to_string();
    let last = if s.ends_with('0') { '1' } else { '0' };
    s.pop();
    s.push(last);
    s
}

/// The hash of a path step: the step itself, or its `hash` (version 3).
fn step_hash(step: &mut Value) -> &mut Value {
    if step.is_object() {
        &mut step["hash"]
    } else {
        step
    }
}

/// The leaves of a proof (JSON), as pointers.
fn leaf_pointers(proof: &Value) -> Vec<String> {
    match proof["leaves"].as_array() {
        Some(leaves) => (0..leaves.len()).map(|i| format!("/leaves/{i}")).collect(),
        None => ["/before", "/after"]
            .into_iter()
            .filter(|p| !proof.pointer(p).unwrap_or(&Value::Null).is_null())
            .map(String::from)
            .collect(),
    }
}

/// The genuine proof of `work` in `m`, and edits of it.
fn cases_for(m: &Manifest, label: &str, work: &str, other_root: &str) -> Vec<Case> {
    let proof = m.prove(work).unwrap();
    let text = proof.to_json();
    let root = m.merkle.root.clone();
    let what = format!(
        "{label}, {work} ({})",
        if proof.is_inclusion() { "in" } else { "absent" }
    );
    let case = |edit: &str, proof: String, root: &str, w: &str, must: Option<bool>| Case {
        what: format!("{what}: {edit}"),
        proof,
        root: root.into(),
        work: w.into(),
        must,
        reason: None,
    };
    let mut out = vec![
        case("genuine", text.clone(), &root, "", Some(true)),
        case(
            "genuine, for its work",
            text.clone(),
            &root,
            work,
            Some(true),
        ),
        case(
            "genuine, work spelt loosely",
            text.clone(),
            &root,
            &format!(" {}-{} ", &work[..5].to_lowercase(), &work[5..]),
            Some(true),
        ),
        case(
            "genuine, root upper-case and spaced",
            text.clone(),
            &format!(" {}\n", root.to_uppercase()),
            "",
            Some(true),
        ),
        case("wrong root", text.clone(), other_root, "", Some(false)),
        case("root not hex", text.clone(), "xyz", "", Some(false)),
        case("root short", text.clone(), &root[..62], "", Some(false)),
        case(
            "wrong expected work",
            text.clone(),
            &root,
            "GBAAA2699999",
            Some(false),
        ),
        case(
            "expected work not an ISRC",
            text.clone(),
            &root,
            "GBAAA26",
            Some(false),
        ),
        case(
            "malformed JSON",
            text.chars().take(text.chars().count() / 2).collect(),
            &root,
            "",
            Some(false),
        ),
        case("not JSON at all", "proof".into(), &root, "", Some(false)),
        case(
            "version written 2.0",
            text.replacen(
                &format!("\"version\": {}", proof.version()),
                &format!("\"version\": {}.0", proof.version()),
                1,
            ),
            &root,
            "",
            Some(false),
        ),
        case(
            "version repeated",
            text.replacen(
                "\"isrc\"",
                &format!("\"version\": {},\n  \"isrc\"", proof.version()),
                1,
            ),
            &root,
            "",
            Some(false),
        ),
    ];
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut edit = |name: &str, must: Option<bool>, change: &dyn Fn(&mut Value)| {
        let mut p = v.clone();
        change(&mut p);
        out.push(case(name, p.to_string(), &root, "", must));
    };
    edit("version 99", Some(false), &|p| p["version"] = json!(99));
    edit("version 0", Some(false), &|p| p["version"] = json!(0));
    edit("version 2^32", Some(false), &|p| {
        p["version"] = json!(1u64 << 32)
    });
    edit("version -1", Some(false), &|p| p["version"] = json!(-1));
    edit("other format", Some(false), &|p| {
        p["format"] = json!("fermata-proof")
    });
    edit("other result", Some(false), &|p| {
        p["result"] = json!("maybe")
    });
    edit("no root field", Some(false), &|p| {
        drop(p.as_object_mut().unwrap().remove("root"))
    });
    edit("root field changed", Some(true), &|p| {
        p["root"] = json!("not even hex")
    });
    edit("unknown field", Some(true), &|p| {
        p["note"] = json!({"x": [1.5, null, "ü"]})
    });
    edit("isrc lower-case", Some(false), &|p| {
        p["isrc"] = json!(p["isrc"].as_str().unwrap().to_lowercase())
    });
    edit("isrc another work", None, &|p| {
        p["isrc"] = json!("GBAAA2600001")
    });
    // Version 1 did not commit to the tree size (hence `verify_tree_head`).
    let v2_refuses = (proof.version() >= 2).then_some(false);
    edit("tree_size + 1", v2_refuses, &|p| {
        p["tree_size"] = json!(p["tree_size"].as_u64().unwrap() + 1)
    });
    edit("tree_size - 1", None, &|p| {
        p["tree_size"] = json!(p["tree_size"].as_u64().unwrap().saturating_sub(1))
    });
    edit("tree_size u64::MAX", Some(false), &|p| {
        p["tree_size"] = json!(u64::MAX)
    });
    edit("tree_size a string", Some(false), &|p| {
        p["tree_size"] = json!("4")
    });
    let other_version = if proof.version() == 2 { 1 } else { 2 };
    edit("relabelled as the other version", Some(false), &|p| {
        p["version"] = json!(other_version)
    });
    if proof.version() >= 2 {
        edit("header model", Some(false), &|p| {
            p["manifest"]["scan"]["model"] = json!("model-2")
        });
        edit("header id", Some(false), &|p| {
            p["manifest"]["id"] = json!("manifest-000002")
        });
        edit("header dropped", Some(false), &|p| {
            p["manifest"] = Value::Null
        });
        edit("header territory missing", Some(false), &|p| {
            drop(
                p["manifest"]["scan"]
                    .as_object_mut()
                    .unwrap()
                    .remove("territory"),
            )
        });
        if proof.version() >= 3 {
            edit("header declared root flipped", Some(false), &|p| {
                p["manifest"]["declared_root"] =
                    json!(flip(p["manifest"]["declared_root"].as_str().unwrap()))
            });
            edit("header declared root dropped", Some(false), &|p| {
                drop(
                    p["manifest"]
                        .as_object_mut()
                        .unwrap()
                        .remove("declared_root"),
                )
            });
            edit("header declared root null", Some(false), &|p| {
                p["manifest"]["declared_root"] = Value::Null
            });
            edit("header declared root a number", Some(false), &|p| {
                p["manifest"]["declared_root"] = json!(5)
            });
        }
        edit("tree root flipped", Some(false), &|p| {
            p["tree_root"] = json!(flip(p["tree_root"].as_str().unwrap()))
        });
        edit("tree root dropped", Some(false), &|p| {
            drop(p.as_object_mut().unwrap().remove("tree_root"))
        });
    } else {
        edit(
            "a header added",
            Some(false),
            &|p| p["manifest"] = json!({"id": "m", "created_at": "t", "scan": {"id": "s", "developer": "d", "model": "m", "use": "u", "territory": "t", "dataset": "d", "finished_at": "f"}}),
        );
        edit("a tree root added", Some(false), &|p| {
            p["tree_root"] = json!(m.merkle.root)
        });
    }
    for leaf in leaf_pointers(&v) {
        let title = if proof.version() >= 2 {
            format!("{leaf}/entry/title")
        } else {
            format!("{leaf}/clearance/0")
        };
        let isrc = if proof.version() >= 2 {
            format!("{leaf}/entry/isrc")
        } else {
            format!("{leaf}/isrc")
        };
        edit(
            &format!("{leaf}: title (v1: clearance) changed"),
            Some(false),
            &|p| {
                let s = p.pointer_mut(&title).unwrap();
                *s = json!(format!("{}!", s.as_str().unwrap()));
            },
        );
        edit(&format!("{leaf}: isrc changed"), Some(false), &|p| {
            *p.pointer_mut(&isrc).unwrap() = json!("GBAAA2600003")
        });
        edit(&format!("{leaf}: path hash flipped"), None, &|p| {
            if let Some(step) = p.pointer_mut(&format!("{leaf}/path/0")) {
                let h = step_hash(step);
                *h = json!(flip(h.as_str().unwrap()));
            }
        });
        edit(&format!("{leaf}: path hash upper-case"), Some(true), &|p| {
            for step in p
                .pointer_mut(&format!("{leaf}/path"))
                .unwrap()
                .as_array_mut()
                .unwrap()
            {
                let h = step_hash(step);
                *h = json!(h.as_str().unwrap().to_uppercase());
            }
        });
        let zero = "00".repeat(32);
        let (ranged, bare) = (json!({"hash": zero, "min": "A", "max": "Z"}), json!(zero));
        let (extra, other_kind) = if proof.version() == 3 {
            (ranged, bare)
        } else {
            (bare, ranged)
        };
        edit(&format!("{leaf}: path hash added"), Some(false), &|p| {
            p.pointer_mut(&format!("{leaf}/path"))
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(extra.clone());
        });
        // A step written as the other kind: a bare hash in version 3, {hash, min, max} before.
        edit(
            &format!("{leaf}: a path step of the other version's kind"),
            Some(false),
            &|p| {
                p.pointer_mut(&format!("{leaf}/path"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .insert(0, other_kind.clone());
            },
        );
        if proof.version() == 3 && v.pointer(&format!("{leaf}/path/0")).is_some() {
            // Every range is committed to: a sibling's range cannot be moved, not even to one
            // that is still in order.
            for (end, value) in [("min", "AAAAA0000000"), ("max", "ZZZZZ9999999")] {
                edit(
                    &format!("{leaf}: a sibling's {end} changed"),
                    Some(false),
                    &|p| {
                        *p.pointer_mut(&format!("{leaf}/path/0/{end}")).unwrap() = json!(value);
                    },
                );
            }
            edit(
                &format!("{leaf}: a sibling's min and max swapped"),
                None,
                &|p| {
                    let step = p.pointer_mut(&format!("{leaf}/path/0")).unwrap();
                    let (min, max) = (step["min"].clone(), step["max"].clone());
                    step["min"] = max;
                    step["max"] = min;
                },
            );
            edit(
                &format!("{leaf}: a step as a list of its fields"),
                Some(false),
                &|p| {
                    let step = p.pointer_mut(&format!("{leaf}/path/0")).unwrap();
                    *step = json!([step["hash"], step["min"], step["max"]]);
                },
            );
            edit(
                &format!("{leaf}: a step with a field more"),
                Some(true),
                &|p| {
                    p.pointer_mut(&format!("{leaf}/path/0")).unwrap()["note"] = json!(1);
                },
            );
            edit(
                &format!("{leaf}: a step's min a number"),
                Some(false),
                &|p| {
                    p.pointer_mut(&format!("{leaf}/path/0")).unwrap()["min"] = json!(1);
                },
            );
            edit(
                &format!("{leaf}: a step's max missing"),
                Some(false),
                &|p| {
                    let step = p.pointer_mut(&format!("{leaf}/path/0")).unwrap();
                    drop(step.as_object_mut().unwrap().remove("max"));
                },
            );
        }
        edit(&format!("{leaf}: path hash dropped"), None, &|p| {
            drop(
                p.pointer_mut(&format!("{leaf}/path"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .pop(),
            )
        });
        edit(&format!("{leaf}: index + 1"), Some(false), &|p| {
            let i = p.pointer_mut(&format!("{leaf}/leaf_index")).unwrap();
            *i = json!(i.as_u64().unwrap() + 1);
        });
        edit(&format!("{leaf}: index 1.0"), Some(false), &|p| {
            let i = p.pointer_mut(&format!("{leaf}/leaf_index")).unwrap();
            *i = json!(i.as_u64().unwrap() as f64);
        });
        edit(
            &format!("{leaf}: written as the other version's"),
            Some(false),
            &|p| {
                let l = p.pointer_mut(&leaf).unwrap().as_object_mut().unwrap();
                match l.remove("entry") {
                    Some(e) => {
                        for f in ["isrc", "sha256", "clearance"] {
                            l.insert(f.into(), e[f].clone());
                        }
                    }
                    None => {
                        let e = json!({"isrc": l["isrc"], "sha256": l["sha256"], "clearance": l["clearance"], "title": "", "path": "", "holders": []});
                        l.insert("entry".into(), e);
                    }
                }
            },
        );
    }
    match &proof {
        WorkProof::Included { leaves, .. } => {
            edit("no leaves", Some(false), &|p| p["leaves"] = json!([]));
            if leaves.len() > 1 {
                edit("a leaf dropped", None, &|p| {
                    drop(p["leaves"].as_array_mut().unwrap().pop())
                });
                edit("a leaf repeated", None, &|p| {
                    let first = p["leaves"][0].clone();
                    p["leaves"].as_array_mut().unwrap().push(first);
                });
            }
            edit("leaves not a list", Some(false), &|p| {
                p["leaves"] = json!({})
            });
        }
        WorkProof::NotIncluded { before, after, .. } => {
            edit(
                "before and after swapped",
                Some(before.is_none() && after.is_none()),
                &|p| {
                    let o = p.as_object_mut().unwrap();
                    let (b, a) = (o.remove("before"), o.remove("after"));
                    o.insert("before".into(), a.unwrap_or(Value::Null));
                    o.insert("after".into(), b.unwrap_or(Value::Null));
                },
            );
            if before.is_some() {
                edit("the leaf before dropped", Some(false), &|p| {
                    p["before"] = Value::Null
                });
            }
            if after.is_some() {
                edit("the leaf after dropped", Some(false), &|p| {
                    drop(p.as_object_mut().unwrap().remove("after"))
                });
            }
            // The bracket is genuine but the work is one of its ends: present, not absent.
            for (end, leaf) in [("before", before), ("after", after)] {
                if let Some(leaf) = leaf {
                    edit(&format!("about the leaf {end}'s work"), Some(false), &|p| {
                        p["isrc"] = json!(leaf.isrc())
                    });
                }
            }
            edit("claimed as included", Some(false), &|p| {
                p["result"] = json!("included")
            });
        }
    }
    for c in &mut out {
        c.reason = match c.what.rsplit(": ").next() {
            Some("root not hex" | "root short") => Some("root"),
            // Version 1's root is the tree root: a leaf just does not lead to it.
            Some("wrong root" | "header model") if proof.version() >= 2 => Some("root"),
            Some("wrong expected work" | "expected work not an ISRC") => Some("wrong-work"),
            Some("version 99" | "version 0") => Some("version"),
            _ => None,
        }
    }
    out
}

#[test]
fn the_javascript_checker_agrees_with_the_crate() {
    if !fermata_testkit::have_tool("node", "--version") {
        return;
    }
    let mut cases = Vec::new();
    let mut manifests = Vec::new();
    for size in [0, 1, 2, 3, 7, 8, 33] {
        let (id, at) = ("manifest-000007", "2026-03-02T00:00:00Z");
        // Some with files whose source was declared: the header commits to them.
        let declared = (0..size % 3)
            .map(|n| Declared {
                path: format!("own/{n}.wav"),
                sha256: hex::encode([n as u8; 32]),
                source: "own-recording".into(),
                reference: String::new(),
            })
            .collect();
        let v3 = Manifest::build_declared(id, at, scan(), entries(size), declared);
        assert_eq!((v3.entries.len(), v3.version), (size, 3));
        let v2 = Manifest::build_version(2, id, at, scan(), entries(size)).unwrap();
        if [3, 33].contains(&size) {
            manifests.push((format!("v1, {size} entries"), version_1(&v2)));
        }
        if [1, 3, 8, 33].contains(&size) {
            manifests.push((format!("v2, {size} entries"), v2));
        }
        manifests.push((format!("v3, {size} entries"), v3));
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["manifest-v1.json", "manifest-v2.json", "manifest-v3.json"] {
        let text = std::fs::read_to_string(fixtures.join(name)).unwrap();
        manifests.push((name.to_string(), Manifest::from_json(&text).unwrap()));
    }
    for (n, (label, m)) in manifests.iter().enumerate() {
        let other_root = &manifests[(n + 1) % manifests.len()].1.merkle.root;
        let present: Vec<&str> = m.entries.iter().map(|e| e.isrc.as_str()).collect();
        let mut works: Vec<String> = ["AAAAA0000000", "ZZZZZ9999999", "GBAAA2600003"]
            .map(String::from)
            .into();
        if let (Some(first), Some(last)) = (present.first(), present.last()) {
            works.extend([first, present[present.len() / 2], last].map(String::from));
            // Just before the first and just after the last, in ISRC order.
            works.push(format!("{}0", &first[..11]));
            works.push(format!("{}Z", &last[..11]));
        }
        works.sort();
        works.dedup();
        for work in works {
            cases.extend(cases_for(m, label, &work, other_root));
        }
    }
    // The frozen proofs, made by earlier builds.
    let frozen_root = |back: usize| manifests[manifests.len() - back].1.merkle.root.clone();
    for (file, root) in [
        ("proof-v1-included.json", frozen_root(3)),
        ("proof-v1-not-included.json", frozen_root(3)),
        ("proof-v2-included.json", frozen_root(2)),
        ("proof-v2-not-included.json", frozen_root(2)),
        ("proof-v3-included.json", frozen_root(1)),
        ("proof-v3-not-included.json", frozen_root(1)),
    ] {
        let proof = std::fs::read_to_string(fixtures.join(file)).unwrap();
        cases.push(Case {
            what: format!("frozen {file}"),
            proof,
            root,
            work: String::new(),
            must: Some(true),
            reason: None,
        });
    }
    // Hand-built trees: the unsorted-tree attack verifies in version 2 (its hole), and is
    // refused in version 3, as is the same proof with its siblings' ranges lying.
    for (what, (tree, proof), must) in [
        ("v2 unsorted tree", support::unsorted_attack(2), true),
        ("v3 unsorted tree", support::unsorted_attack(3), false),
        ("v3 lying ranges", support::lying_range_attack(), false),
    ] {
        cases.push(Case {
            what: format!("{what}: a present work claimed absent"),
            proof: proof.to_json(),
            root: tree.root.clone(),
            work: String::new(),
            must: Some(must),
            reason: None,
        });
    }
    // JSON as serde_json reads it: written forms of numbers, escapes, repeated keys, depth.
    let frozen = std::fs::read_to_string(fixtures.join("proof-v2-included.json")).unwrap();
    let nested = |depth: usize| format!("\"x\": {}{},", "[".repeat(depth), "]".repeat(depth));
    let mut texts: Vec<(String, String)> = [
        "\"x\": \"\\ud800\",",
        "\"x\": \"\\udc00\\ud800\",",
        "\"x\": \"\\ud83d\\ude00 \\u00e7\\/\\n\",",
        "\"x\": \"\\x\",",
        "\"x\": 1e400,",
        "\"x\": -1e-400,",
        "\"x\": 12345678901234567890123,",
        "\"x\": 01,",
        "\"x\": 1, \"x\": true,",
        "\"result\": \"included\",",
        "\"tree_size\": 4,",
    ]
    .iter()
    .map(|insert| {
        (
            insert.to_string(),
            frozen.replacen('{', &format!("{{{insert}"), 1),
        )
    })
    .collect();
    for depth in [125, 126, 127] {
        texts.push((
            format!("nested {depth}"),
            frozen.replacen('{', &format!("{{{}", nested(depth)), 1),
        ));
    }
    for number in ["4.0", "4e0", "-0", "-4", "04", "18446744073709551616", "4 "] {
        let text = frozen.replacen("\"tree_size\": 4", &format!("\"tree_size\": {number}"), 1);
        texts.push((format!("tree_size {number}"), text));
    }
    texts.push(("a byte-order mark".into(), format!("\u{feff}{frozen}")));
    texts.push(("trailing text".into(), format!("{frozen} x")));
    texts.push(("trailing space".into(), format!("{frozen} \r\n\t")));
    for (what, proof) in texts {
        cases.push(Case {
            what: format!("frozen proof-v2-included.json, {what}"),
            proof,
            root: frozen_root(2),
            work: String::new(),
            must: None,
            reason: None,
        });
    }

    let dir = scratch("verifier");
    let input = dir.join("cases.json");
    let wire: Vec<Value> = cases
        .iter()
        .map(|c| json!({"proof": c.proof, "root": c.root, "work": c.work}))
        .collect();
    std::fs::write(&input, Value::Array(wire).to_string()).unwrap();
    let said = node(&dir, RUNNER, &[&asset(), &input]);
    let said = said.as_array().unwrap();
    assert_eq!(said.len(), cases.len());

    let mut disagreements = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for (case, js) in cases.iter().zip(said) {
        let rust = rust_says(&case.proof, &case.root, &case.work);
        if case.reason.is_some_and(|r| js["reason"] != r) {
            disagreements.push(format!("{}: JS {js}, not {:?}", case.what, case.reason));
        }
        if case.must.is_some_and(|must| rust.is_ok() != must) {
            disagreements.push(format!(
                "{}: the crate itself says {:?}",
                case.what,
                rust.as_ref().err()
            ));
        }
        let agrees = match &rust {
            Ok(p) => {
                accepted += 1;
                let header = p.manifest_header();
                let leaves = match p {
                    WorkProof::Included { leaves, .. } => leaves.len(),
                    WorkProof::NotIncluded { before, after, .. } => {
                        usize::from(before.is_some()) + usize::from(after.is_some())
                    }
                };
                *js == json!({
                    "ok": true,
                    "result": if p.is_inclusion() { "included" } else { "not-included" },
                    "isrc": p.isrc(),
                    "version": p.version(),
                    "manifest": header.map(|h| json!({
                        "id": h.id, "developer": h.scan.developer, "model": h.scan.model,
                        "use": h.scan.use_, "territory": h.scan.territory, "created_at": h.created_at,
                    })),
                    "leaves": leaves,
                })
            }
            Err(e) => {
                refused += 1;
                let reason = js["reason"].as_str().unwrap_or("");
                js["ok"] == json!(false)
                    && js["detail"].is_string()
                    && match e {
                        ManifestError::Malformed { .. } => reason == "malformed",
                        ManifestError::Version { .. } => reason == "version",
                        ManifestError::BadIsrc(_) => reason == "wrong-work",
                        _ => ["invalid", "root", "wrong-work"].contains(&reason),
                    }
            }
        };
        if !agrees {
            disagreements.push(format!("{}: crate {:?}, JS {js}", case.what, rust.err()));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    println!(
        "{} cases: {accepted} accepted, {refused} refused",
        cases.len()
    );
    assert!(
        accepted > 100 && refused > 500,
        "{accepted} accepted, {refused} refused"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stand-in for the page's DOM: the elements proof.js looks up, where writing HTML throws.
/// Loads proof.js, fires DOMContentLoaded, chooses a file, submits the form for each case
/// (JSON: [{root, work}]) and prints what #proof-result shows after each.
const PAGE: &str = r#"
const fs = require('fs');
const [asset, proofFile, casesFile] = process.argv.slice(2);
function element(id, attributes = {}) {
  const listeners = {};
  const attrs = new Map(Object.entries(attributes));
  const classes = new Set();
  return {
    id, value: '', textContent: '', files: null, listeners,
    set innerHTML(_) { throw new Error('innerHTML written'); },
    addEventListener(type, fn) { listeners[type] = fn; },
    getAttribute(name) { return attrs.has(name) ? attrs.get(name) : null; },
    setAttribute(name, v) { attrs.set(name, String(v)); },
    removeAttribute(name) { attrs.delete(name); },
    classList: { add: (...c) => c.forEach((x) => classes.add(x)), remove: (...c) => c.forEach((x) => classes.delete(x)) },
    attrs, classes,
  };
}
const result = element('proof-result', {
  role: 'status', 'aria-live': 'polite',
  'data-msg-included': 'Ja: {isrc} steht in {manifest} für {developer} ({model}) <b>',
  'data-msg-not-included': 'Nein: {isrc} fehlt in {manifest}',
  'data-msg-root': 'Falsche Wurzel für {isrc}',
  'data-msg-wrong-work': 'Anderes Werk als {isrc}',
  'data-msg-busy': 'Prüfe…',
});
const els = Object.fromEntries([
  element('proof-form'), element('proof-text'), element('proof-file'),
  element('proof-root'), element('proof-work'), result,
].map((e) => [e.id, e]));
const loaded = [];
globalThis.document = {
  readyState: 'loading',
  getElementById: (id) => els[id] || null,
  addEventListener: (type, fn) => { if (type === 'DOMContentLoaded') loaded.push(fn); },
};
require(asset);
loaded.forEach((fn) => fn());
(async () => {
  const proof = fs.readFileSync(proofFile, 'utf8');
  els['proof-file'].files = [{ text: async () => proof }];
  await els['proof-file'].listeners.change();
  const out = [{ filled: els['proof-text'].value === proof }];
  for (const c of JSON.parse(fs.readFileSync(casesFile, 'utf8'))) {
    els['proof-root'].value = c.root;
    els['proof-work'].value = c.work;
    let prevented = false;
    const submitted = els['proof-form'].listeners.submit({ preventDefault: () => { prevented = true; } });
    const busy = result.textContent;
    await submitted;
    out.push({
      prevented, busy, text: result.textContent,
      outcome: result.getAttribute('data-outcome'), reason: result.getAttribute('data-reason'),
      classes: [...result.classes],
    });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

#[test]
fn the_page_shows_the_verdict_as_localized_text() {
    if !fermata_testkit::have_tool("node", "--version") {
        return;
    }
    let m = Manifest::build(
        "manifest-000007",
        "2026-03-02T00:00:00Z",
        scan(),
        entries(7),
    );
    let root = &m.merkle.root;
    let dir = scratch("page");
    let proof = dir.join("proof.json");
    std::fs::write(&proof, m.prove(&isrc(4)).unwrap().to_json()).unwrap();
    let cases = dir.join("cases.json");
    let wrong_root = "00".repeat(32);
    let submit = json!([
        {"root": root, "work": ""},
        {"root": wrong_root, "work": ""},
        {"root": root, "work": "gb-aaa-26-00006"},
    ]);
    std::fs::write(&cases, submit.to_string()).unwrap();
    let said = node(&dir, PAGE, &[&asset(), &proof, &cases]);
    let shown = |outcome: &str, class: &str, reason: &str, text: String| {
        json!({"prevented": true, "busy": "Prüfe…", "text": text, "outcome": outcome,
               "reason": reason, "classes": [class]})
    };
    assert_eq!(
        said,
        json!([
            {"filled": true},
            shown("valid", "ok", "included", format!(
                "Ja: {} steht in manifest-000007 für Ärzte AI ☕ (modèle-노래-1) <b>",
                isrc(4)
            )),
            // A refusal's {isrc} is the work typed in, if any; markup in a template stays text.
            shown("invalid", "bad", "root", "Falsche Wurzel für ".into()),
            shown("invalid", "bad", "wrong-work", "Anderes Werk als gb-aaa-26-00006".into()),
        ])
    );
    let _ = std::fs::remove_dir_all(&dir);
}
