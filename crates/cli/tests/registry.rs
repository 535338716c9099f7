//! End-to-end tests of the registry and clearance commands: the real `fermata` binary on a
//! real SQLite file, with generated music.

mod common;

use common::env::*;
use common::*;
use fermata_testkit::python3 as python;
use serde_json::{Value, json};

fn verdict_of<'a>(scan: &'a Value, file: &str) -> &'a str {
    let files = scan["files"].as_array().expect("files");
    let f = files
        .iter()
        .find(|f| f["path"] == file)
        .unwrap_or_else(|| panic!("{file} is in the scan: {scan}"));
    f["verdict"]["verdict"].as_str().expect("a verdict")
}

#[test]
fn the_whole_flow_from_import_to_verified_proofs() {
    let (env, tracks) = registered(7);
    // label-a: train-genai needs a licence, except work 3 which it reserves; pub-b allows.
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--use",
        "train-genai",
        "--decision",
        "licence-required",
        "--price",
        "per-work:100:EUR",
    ]);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--work",
        &isrc(3),
        "--use",
        "train-genai",
        "--decision",
        "deny",
    ]);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "pub-b",
        "--use",
        "train-genai",
        "--decision",
        "allow",
        "--conditions",
        "credit",
    ]);
    // Allowing training says nothing about voice likeness.
    let shown = env.json(&["policy", "show", "--holder", "pub-b"]);
    let voice = shown["effective"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["use"] == "voice-likeness")
        .unwrap();
    assert_eq!(voice["verdict"], "denied");
    assert_eq!(voice["source"], "no-policy");
    // The work-level deny is what `policy show` reports for work 3, whatever the catalogue says.
    let shown = env.json(&["policy", "show", "--holder", "label-a", "--work", &isrc(3)]);
    let genai = shown["effective"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["use"] == "train-genai")
        .unwrap();
    assert_eq!(
        (genai["verdict"].as_str(), genai["source"].as_str()),
        (Some("denied"), Some("work-policy")),
        "{shown}"
    );
    let lic = env.json(&[
        "licence",
        "grant",
        "--holder",
        "label-a",
        "--developer",
        "dev-x",
        "--use",
        "train-genai",
        "--work",
        &isrc(1),
        "--work",
        &isrc(5),
        "--from",
        "2020-01-01",
    ]);
    assert_eq!(lic["id"], "lic-000001");

    let data = env.path("dataset");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    let cut = |t: usize, start: f64, len: f64| {
        fermata_synth::degrade::excerpt(&tracks[t], RATE, start, len)
    };
    fermata_audio::write_wav(&data.join("w1.wav"), &cut(0, 10.0, 15.0), RATE).unwrap(); // licensed
    fermata_audio::write_wav(&data.join("w2.wav"), &cut(1, 5.0, 15.0), RATE).unwrap(); // licence required
    fermata_audio::write_wav(&data.join("sub/w3.wav"), &cut(2, 5.0, 15.0), RATE).unwrap(); // reserved
    fermata_audio::write_wav(&data.join("w5.wav"), &cut(4, 5.0, 15.0), RATE).unwrap(); // co-owned: licence + allow
    fermata_audio::write_wav(&data.join("w6.wav"), &cut(5, 5.0, 15.0), RATE).unwrap(); // publisher allows
    let mut mix = cut(0, 20.0, 10.0);
    mix.extend(cut(2, 20.0, 10.0));
    fermata_audio::write_wav(&data.join("mix-1-3.wav"), &mix, RATE).unwrap(); // cleared + denied
    let mut mix = cut(0, 2.0, 10.0);
    mix.extend(cut(6, 2.0, 10.0));
    fermata_audio::write_wav(&data.join("mix-1-7.wav"), &mix, RATE).unwrap(); // cleared + cleared
    write_track(&data.join("unknown.wav"), 999, 15.0);
    std::fs::write(
        data.join("broken.mp3"),
        b"ID3\x04\x00\x00\x00\x00\x00\x00not really mp3",
    )
    .unwrap();
    let reencoded = ffmpeg().is_some();
    if reencoded {
        fermata_audio::write_wav(&env.path("w7-src.wav"), &cut(6, 12.0, 12.0), RATE).unwrap();
        encode(
            &env.path("w7-src.wav"),
            &data.join("w7.mp3"),
            &["-b:a", "96k"],
        );
    }

    let out = env.run(&[
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m1",
        "--use",
        "train-genai",
        "--territory",
        "DE",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file could not be read, so the exit status is 1: {}",
        stderr(&out)
    );
    let scan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(verdict_of(&scan, "w1.wav"), "cleared");
    assert_eq!(verdict_of(&scan, "w2.wav"), "licence-required");
    assert_eq!(verdict_of(&scan, "sub/w3.wav"), "denied");
    assert_eq!(verdict_of(&scan, "w5.wav"), "cleared");
    assert_eq!(verdict_of(&scan, "w6.wav"), "cleared");
    assert_eq!(verdict_of(&scan, "mix-1-3.wav"), "denied");
    assert_eq!(verdict_of(&scan, "mix-1-7.wav"), "cleared");
    assert_eq!(verdict_of(&scan, "unknown.wav"), "unidentified");
    assert_eq!(verdict_of(&scan, "broken.mp3"), "error");
    if reencoded {
        assert_eq!(verdict_of(&scan, "w7.mp3"), "cleared");
    }
    // The licence-required verdict names the holder and its offer.
    let w2 = scan["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "w2.wav")
        .unwrap();
    let holder = &w2["verdict"]["works"][0]["holders"][0];
    assert_eq!(holder["holder"], "label-a");
    assert_eq!(holder["offer"]["price"]["amount_minor"], 10_000);
    // The mix reports both works.
    let mix = scan["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "mix-1-3.wav")
        .unwrap();
    assert_eq!(mix["verdict"]["works"].as_array().unwrap().len(), 2);
    // Every match carries its chance of being a false match, stored with the scan.
    for m in mix["matches"].as_array().unwrap() {
        let p = m["false_match_p"].as_f64().unwrap();
        assert!((0.0..1e-6).contains(&p), "{m}");
    }
    let scan_id = scan["scan"]["id"].as_str().unwrap().to_string();
    let table = env.run(&["scan", "--show", &scan_id]);
    assert!(stdout(&table).contains("chance"), "{}", stdout(&table));
    assert_eq!(
        table.status.code(),
        Some(1),
        "the unreadable file sets the exit status"
    );
    assert!(
        stdout(&table).contains("unidentified"),
        "{}",
        stdout(&table)
    );

    let manifest_path = env.path("cleared.json");
    let built = env.json(&[
        "manifest",
        "build",
        "--scan",
        &scan_id,
        "--out",
        path_str(&manifest_path),
    ]);
    let root = built["root"].as_str().unwrap().to_string();
    let tree_size = built["tree_size"].as_u64().unwrap();
    // Leaves: w1, w5, w6, both works of mix-1-7, and w7.mp3 when re-encoding was possible.
    assert_eq!(tree_size, if reencoded { 6 } else { 5 });

    for (work, included) in [
        (isrc(1), true),
        (isrc(3), false),
        (isrc(2), false),
        ("AAAAA0000000".to_string(), false),
        ("ZZZZZ9999999".to_string(), false),
    ] {
        let proof_path = env.path(&format!("proof-{work}.json"));
        env.ok(&[
            "manifest",
            "prove",
            "--manifest",
            path_str(&manifest_path),
            "--work",
            &work,
            "--out",
            path_str(&proof_path),
        ]);
        let proof: Value =
            serde_json::from_str(&std::fs::read_to_string(&proof_path).unwrap()).unwrap();
        assert_eq!(proof["result"] == "included", included, "{work}: {proof}");
        // The binary's verifier ...
        let checked = env.json(&[
            "manifest",
            "verify-proof",
            "--proof",
            path_str(&proof_path),
            "--work",
            &work,
            "--root",
            &root,
            "--tree-size",
            &tree_size.to_string(),
        ]);
        assert_eq!(checked["valid"], true, "{work}: {checked}");
        // ... which says whose manifest it is: the root commits to that too.
        assert_eq!(
            (
                checked["manifest"]["scan"]["developer"].as_str(),
                checked["manifest"]["scan"]["model"].as_str()
            ),
            (Some("dev-x"), Some("m1")),
            "{checked}"
        );
        // ... and an independent one written from the documented encoding.
        assert!(
            independent::verify(&proof, &root),
            "{work}: the independent verifier rejects {proof}"
        );
        // A wrong root fails both.
        let wrong = "ab".repeat(32);
        let out = env.run(&[
            "manifest",
            "verify-proof",
            "--proof",
            path_str(&proof_path),
            "--root",
            &wrong,
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!independent::verify(&proof, &wrong));
    }

    // A genuine proof of absence with the ISRC respelt must not pass for the present work 1.
    let mut forged: Value = serde_json::from_str(
        &std::fs::read_to_string(env.path(&format!("proof-{}.json", isrc(3)))).unwrap(),
    )
    .unwrap();
    forged["isrc"] = Value::String(isrc(1).to_lowercase());
    std::fs::write(env.path("forged.json"), forged.to_string()).unwrap();
    let out = env.run(&[
        "manifest",
        "verify-proof",
        "--proof",
        path_str(&env.path("forged.json")),
        "--root",
        &root,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(!independent::verify(&forged, &root));

    // A tampered manifest is refused, whichever field was changed, and the part is named.
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    for (pointer, value, part) in [
        (
            "/entries/0/clearance",
            serde_json::json!(["lic-999999"]),
            "entries",
        ),
        (
            "/entries/0/title",
            serde_json::json!("Another title"),
            "entries",
        ),
        (
            "/entries/0/path",
            serde_json::json!("elsewhere.wav"),
            "entries",
        ),
        (
            "/entries/0/holders",
            serde_json::json!(["someone-else"]),
            "entries",
        ),
        ("/scan/developer", serde_json::json!("dev-y"), "header"),
        ("/scan/model", serde_json::json!("m2"), "header"),
        ("/scan/use", serde_json::json!("voice-likeness"), "header"),
        ("/scan/territory", serde_json::json!("WORLD"), "header"),
    ] {
        let mut m = original.clone();
        *m.pointer_mut(pointer).unwrap() = value;
        std::fs::write(env.path("tampered.json"), m.to_string()).unwrap();
        let out = env.run(&[
            "manifest",
            "prove",
            "--manifest",
            path_str(&env.path("tampered.json")),
            "--work",
            &isrc(1),
        ]);
        assert_eq!(out.status.code(), Some(2), "{pointer}");
        assert!(
            stderr(&out).contains("changed after it was built") && stderr(&out).contains(part),
            "{pointer}: {}",
            stderr(&out)
        );
    }

    // Revoking the licence: a new scan no longer clears w1.
    env.ok(&["licence", "revoke", "lic-000001", "--reason", "ended"]);
    let out = env.run(&[
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m1",
        "--use",
        "train-genai",
        "--territory",
        "DE",
        "--json",
    ]);
    let rescan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_ne!(rescan["scan"]["id"], scan_id);
    assert_eq!(verdict_of(&rescan, "w1.wav"), "licence-required");
    // Judged again, not identified again: every readable file came from the identification
    // cache (broken.mp3 failed, and failures are not cached).
    let all = rescan["files"].as_array().unwrap();
    let files = all.iter().filter(|f| f["error"].is_null()).count() as u64;
    assert_eq!(files + 1, all.len() as u64);
    assert_eq!(
        (
            rescan["identified_now"].as_u64(),
            rescan["from_cache"].as_u64()
        ),
        (Some(files + 1), Some(files)),
        "{}",
        rescan["from_cache"]
    );
    let scan_args = [
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m1",
        "--use",
        "train-genai",
        "--territory",
        "DE",
    ];
    let table = env.run(&scan_args);
    assert!(
        stdout(&table).contains(&format!(
            "identified now: {} file(s), {files} of them from the identification cache",
            files + 1
        )),
        "{}",
        stdout(&table)
    );
    let mut uncached = scan_args.to_vec();
    uncached.extend(["--no-cache", "--json"]);
    let uncached: Value = serde_json::from_str(&stdout(&env.run(&uncached))).unwrap();
    assert_eq!(uncached["from_cache"].as_u64(), Some(0));
    assert_eq!(verdict_of(&uncached, "w1.wav"), "licence-required");

    // The history of work 1 tells the story; the chain is intact.
    let log = env.json(&["audit", "log", "--work", &isrc(1)]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "work.registered",
        "licence.granted",
        "scan.finished",
        "licence.revoked",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let verified = env.json(&["audit", "verify"]);
    assert!(verified["first_bad"].is_null(), "{verified}");
}

#[test]
fn import_is_idempotent_and_conflicts_are_reported() {
    let (env, _) = registered(7);
    let before = env.json(&["audit", "verify"])["events"].as_u64().unwrap();
    let again = env.json(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&label_csv(&env)),
        "--audio",
        path_str(&env.path("audio")),
    ]);
    assert_eq!(
        again["outcome"]["registry"]["added"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(again["outcome"]["registry"]["unchanged"], 5);
    assert_eq!(again["outcome"]["tracks_added"], 0);
    assert_eq!(
        env.json(&["audit", "verify"])["events"].as_u64().unwrap(),
        before,
        "a rerun records nothing"
    );

    // Another label claims work 1: reported, not merged.
    env.ok(&[
        "party", "add", "label-c", "--kind", "label", "--name", "Label C",
    ]);
    std::fs::write(
        env.path("c.csv"),
        format!(
            "isrc,title,artist,audio\n{},Other Title,Other,{}.wav\n",
            isrc(1),
            isrc(1)
        ),
    )
    .unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-c",
        path_str(&env.path("c.csv")),
        "--audio",
        path_str(&env.path("audio")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("label-a") && stdout(&out).contains("conflict"),
        "{}",
        stdout(&out)
    );
    let work = env.json(&["work", "show", &isrc(1)]);
    assert_eq!(work["work"]["registrant"], "label-a");
    assert_eq!(work["work"]["title"], "Song 1");
    let listed = env.json(&["work", "list", "--holder", "label-c"]);
    assert_eq!(listed.as_array().unwrap().len(), 0);
    // The co-owned work is listed for both holders.
    let pub_works = env.json(&["work", "list", "--holder", "pub-b"]);
    let isrcs: Vec<&str> = pub_works
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["isrc"].as_str().unwrap())
        .collect();
    assert_eq!(isrcs, vec![isrc(5), isrc(6), isrc(7)]);
}

#[test]
fn malformed_catalogues_are_rejected_with_line_numbers_and_nothing_imported() {
    let env = Env::new();
    recordings(&env, 3);
    parties(&env);
    let audio = env.path("audio");
    let csv = format!(
        "isrc,title,artist,audio,shares\n{},One,Band,{}.wav,\nNOT-AN-ISRC,Two,Band,x.wav,\n{},,Band,{}.wav,label-a=70\n{},Four,Band,missing.wav,\n",
        isrc(1),
        isrc(1),
        isrc(2),
        isrc(2),
        isrc(3)
    );
    std::fs::write(env.path("bad.csv"), csv).unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&env.path("bad.csv")),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["outcome"]["result"], "rejected");
    let problems: Vec<(u64, String)> = report["outcome"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "isrc".into()),
            (4, "title".into()),
            (4, "shares".into())
        ]
    );
    assert_eq!(env.json(&["work", "list"]).as_array().unwrap().len(), 0);

    // Once the rows parse, a missing audio file is reported by line too.
    let csv = format!(
        "isrc,title,artist,audio\n{},One,Band,{}.wav\n{},Four,Band,missing.wav\n",
        isrc(1),
        isrc(1),
        isrc(3)
    );
    std::fs::write(env.path("bad2.csv"), csv).unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&env.path("bad2.csv")),
        "--audio",
        path_str(&audio),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missing.wav"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("nothing was imported"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.json(&["work", "list"]).as_array().unwrap().len(), 0);

    // DDEX: bad elements are reported with their lines; unknown controllers name the fix.
    let xml = std::fs::read_to_string(publisher_ddex(&env))
        .unwrap()
        .replace(&isrc(6), "ZZTST2600X06")
        .replace("Publisher B", "Nobody");
    std::fs::write(env.path("bad.xml"), xml).unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "pub-b",
        path_str(&env.path("bad.xml")),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let problems = report["outcome"]["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["field"] == "ISRC" && p["line"] == 5),
        "{report}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["reason"].as_str().unwrap().contains("fermata party add")),
        "{report}"
    );
    std::fs::write(
        env.path("broken.xml"),
        "<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\">\n<ResourceList>\n</Oops>",
    )
    .unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "pub-b",
        path_str(&env.path("broken.xml")),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["outcome"]["problems"][0]["line"], 3, "{report}");
    assert_eq!(env.json(&["work", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn registry_commands_refuse_bad_input_with_a_clear_message() {
    let env = Env::new();
    parties(&env);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "party", "add", "label-a", "--kind", "label", "--name", "Again",
            ],
            "already exists",
        ),
        (
            &["party", "add", "Bad Id", "--kind", "label", "--name", "X"],
            "lower-case",
        ),
        (
            &[
                "policy",
                "set",
                "--holder",
                "dev-x",
                "--use",
                "train-genai",
                "--decision",
                "allow",
            ],
            "not a rights holder",
        ),
        (
            &[
                "policy",
                "set",
                "--holder",
                "label-a",
                "--use",
                "train-genai",
                "--decision",
                "deny",
                "--price",
                "per-work:1:EUR",
            ],
            "licence-required",
        ),
        (
            &[
                "policy",
                "set",
                "--holder",
                "label-a",
                "--use",
                "train-genai",
                "--decision",
                "allow",
                "--territories",
                "XX",
            ],
            "ISO 3166",
        ),
        (
            &[
                "licence",
                "grant",
                "--holder",
                "label-a",
                "--developer",
                "pub-b",
                "--use",
                "train-genai",
                "--all-works",
            ],
            "not an AI developer",
        ),
        (
            &[
                "licence",
                "grant",
                "--holder",
                "label-a",
                "--developer",
                "dev-x",
                "--use",
                "train-genai",
                "--work",
                "ZZTST2600001",
            ],
            "no work",
        ),
        (
            &[
                "licence",
                "grant",
                "--holder",
                "label-a",
                "--developer",
                "dev-x",
                "--use",
                "train-genai",
                "--all-works",
                "--from",
                "2026-02-01",
                "--to",
                "2026-01-01",
            ],
            "end before it starts",
        ),
        (&["licence", "revoke", "lic-000042"], "no licence"),
        (&["work", "show", "ZZTST2600001"], "fermata catalog import"),
        (&["scan", "--show", "scan-000009"], "no scan"),
    ];
    for (args, wanted) in cases {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(wanted), "{args:?}: {}", stderr(&out));
    }
    // Bad values are refused by the parser with the accepted ones listed.
    let out = env.run(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--use",
        "train-everything",
        "--decision",
        "allow",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("train-genai"), "{}", stderr(&out));
    // A home that does not exist says to run init.
    let out = fermata()
        .args(["--home", path_str(&env.path("nowhere")), "party", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fermata init"), "{}", stderr(&out));
    // FERMATA_HOME works as --home does.
    let out = fermata()
        .env("FERMATA_HOME", env.home())
        .args(["party", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// Copies the home, applies `tamper` to the copy's database, and returns `audit verify`.
fn verify_after(env: &Env, name: &str, tamper: &str) -> (Option<i32>, Value) {
    let copy = env.path(name);
    std::fs::create_dir_all(&copy).unwrap();
    // Checkpoint so that the copy holds everything (the WAL is folded into the main file).
    env.db()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    std::fs::copy(
        env.home().join("registry.sqlite"),
        copy.join("registry.sqlite"),
    )
    .unwrap();
    let db = rusqlite::Connection::open(copy.join("registry.sqlite")).unwrap();
    db.execute_batch(tamper).unwrap();
    drop(db);
    let out = fermata()
        .args(["--home", path_str(&copy), "audit", "verify", "--json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_str(&stdout(&out)).unwrap(),
    )
}

#[test]
fn audit_tampering_is_caught_and_the_first_bad_event_named() {
    let env = Env::new();
    parties(&env);
    env.ok(&[
        "party", "add", "label-d", "--kind", "label", "--name", "Label D",
    ]);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--use",
        "train-genai",
        "--decision",
        "deny",
    ]);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "pub-b",
        "--use",
        "train-ai",
        "--decision",
        "allow",
    ]);
    let intact = env.json(&["audit", "verify"]);
    assert_eq!(intact["events"], 6);
    assert!(intact["first_bad"].is_null());

    // Edited: event 3's payload changed.
    let (code, r) = verify_after(
        &env,
        "edited",
        "UPDATE audit SET payload = replace(payload, 'Developer X', 'Someone') WHERE seq = 3;",
    );
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 3);
    assert!(
        r["first_bad"]["reason"]
            .as_str()
            .unwrap()
            .contains("edited"),
        "{r}"
    );

    // Deleted: event 3 removed.
    let (code, r) = verify_after(&env, "deleted", "DELETE FROM audit WHERE seq = 3;");
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 4);
    assert!(
        r["first_bad"]["reason"]
            .as_str()
            .unwrap()
            .contains("deleted"),
        "{r}"
    );

    // Inserted: a forged event squeezed in as 3, the rest renumbered.
    let (code, r) = verify_after(
        &env,
        "inserted",
        "UPDATE audit SET seq = seq + 100 WHERE seq >= 3; UPDATE audit SET seq = seq - 99 WHERE seq >= 103;
         INSERT INTO audit (seq, at, actor, action, subjects, payload, prev_hash, hash)
         SELECT 3, at, 'mallory', 'licence.granted', 'licence:lic-666666', '{}', hash, hash FROM audit WHERE seq = 2;",
    );
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 3, "{r}");

    // Reordered: events 4 and 5 swapped.
    let (code, r) = verify_after(
        &env,
        "reordered",
        "UPDATE audit SET seq = 100 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 100;",
    );
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 4, "{r}");

    // A row edited, not an event: label-a's deny flipped to allow. Event 5 recorded the policy.
    let (code, r) = verify_after(
        &env,
        "flipped",
        "UPDATE policies SET decision = 'allow' WHERE holder = 'label-a';",
    );
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 5, "{r}");
    assert_eq!(
        r["first_bad"]["record"], "policy:label-a/*/train-genai",
        "{r}"
    );
    let out = fermata()
        .args(["--home", path_str(&env.path("flipped")), "audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "BROKEN at event 5: policy label-a/*/train-genai differs from what event #5 recorded"
        ),
        "{}",
        stdout(&out)
    );

    // A row inserted with no event: a policy no one set.
    let (code, r) = verify_after(
        &env,
        "slipped-in",
        "INSERT INTO policies (holder, isrc, use, decision, territories, updated_at)
         VALUES ('label-d', '', 'train-genai', 'allow', '', '2026-01-01T00:00:00Z');",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        r["first_bad"]["record"], "policy:label-d/*/train-genai",
        "{r}"
    );
    assert!(
        r["first_bad"]["reason"]
            .as_str()
            .unwrap()
            .contains("not recorded by any event"),
        "{r}"
    );

    // A party's row deleted (the foreign keys of the file do not stop a direct edit).
    let (code, r) = verify_after(
        &env,
        "party-gone",
        "PRAGMA foreign_keys = OFF; DELETE FROM parties WHERE id = 'label-d';",
    );
    assert_eq!(code, Some(1));
    assert_eq!(r["first_bad"]["seq"], 4, "{r}");
    assert!(
        r["first_bad"]["reason"]
            .as_str()
            .unwrap()
            .contains("party label-d is missing"),
        "{r}"
    );

    // The original is untouched.
    assert!(env.json(&["audit", "verify"])["first_bad"].is_null());
}

#[test]
fn a_killed_scan_resumes_without_redoing_finished_files() {
    let (env, tracks) = registered(7);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--use",
        "train-genai",
        "--decision",
        "allow",
    ]);
    let data = env.path("big-dataset");
    std::fs::create_dir_all(&data).unwrap();
    let files = 90;
    for i in 0..files {
        let t = i % tracks.len();
        let clip = fermata_synth::degrade::excerpt(&tracks[t], RATE, (i % 20) as f64, 20.0);
        fermata_audio::write_wav(&data.join(format!("clip-{i:03}.wav")), &clip, RATE).unwrap();
    }
    let args = [
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--use",
        "train-genai",
        "--territory",
        "FR",
        "--save-every",
        "1",
    ];
    let mut child = fermata()
        .arg("--home")
        .arg(env.home())
        .args(args)
        .arg("--json")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as a few files are saved.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let saved: i64 = env
            .db()
            .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
            .unwrap_or(0);
        if saved >= 5 || child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the scan saved nothing in time"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let saved: i64 = env
        .db()
        .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
        .unwrap();
    assert!(
        saved >= 5 && saved < files as i64,
        "killed mid-scan with {saved} of {files} saved"
    );

    let out = env.run(&[&args[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("resuming"), "{}", stderr(&out));
    let scan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(scan["resumed"], true);
    assert_eq!(scan["already_done"].as_i64().unwrap(), saved);
    assert_eq!(
        scan["identified_now"].as_i64().unwrap(),
        files as i64 - saved
    );
    assert_eq!(scan["files"].as_array().unwrap().len(), files);
    let cleared = scan["summary"]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["verdict"] == "cleared")
        .unwrap();
    // Works 1-4 belong to label-a alone (allowed); work 5 is co-owned with pub-b (no policy: denied);
    // works 6 and 7 are pub-b's (denied).
    let expected_cleared = (0..files).filter(|i| i % tracks.len() < 4).count();
    assert_eq!(
        cleared["files"].as_u64().unwrap() as usize,
        expected_cleared,
        "{}",
        scan["summary"]
    );
    // Only one scan was made.
    assert_eq!(env.json(&["scan", "--list"]).as_array().unwrap().len(), 1);
}

#[test]
fn ctrl_c_during_a_scan_saves_and_the_rerun_finishes() {
    let (env, tracks) = registered(7);
    let data = env.path("dataset");
    std::fs::create_dir_all(&data).unwrap();
    for i in 0..60 {
        let clip = fermata_synth::degrade::excerpt(&tracks[i % 7], RATE, 3.0, 25.0);
        fermata_audio::write_wav(&data.join(format!("c{i:02}.wav")), &clip, RATE).unwrap();
    }
    let args = [
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--use",
        "train-ai",
        "--territory",
        "US",
        "--save-every",
        "1",
    ];
    let child = fermata()
        .arg("--home")
        .arg(env.home())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while env
        .db()
        .query_row("SELECT count(*) FROM scan_files", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_or(0)
        < 3
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the scan saved nothing in time"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: sending SIGINT to our own child process.
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    if out.status.code() == Some(130) {
        assert!(
            stderr(&out).contains("run the same command to resume"),
            "{}",
            stderr(&out)
        );
        let rerun = env.run(&[&args[..], &["--json"]].concat());
        assert!(rerun.status.success(), "{}", stderr(&rerun));
        let scan: Value = serde_json::from_str(&stdout(&rerun)).unwrap();
        assert_eq!(scan["resumed"], true);
        assert_eq!(scan["files"].as_array().unwrap().len(), 60);
    } else {
        // The scan finished before the signal arrived; it must then be complete.
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// A verifier written from docs/manifest.md, sharing no code with `fermata_manifest`.
/// Version 3: leaf = SHA-256(0x00 || str(isrc) || str(sha256) || list(clearance) ||
/// list(holders) || str(path) || str(title)) with the range (isrc, isrc), node = SHA-256(0x04 ||
/// left || right || str(left.min) || str(left.max) || str(right.min) || str(right.max)) with the
/// range (left.min, right.max), valid when left.min <= left.max <= right.min <= right.max, path
/// steps {hash, min, max}; header = SHA-256(0x02 || header data with u64(version)), root =
/// SHA-256(0x03 || header || u64(tree_size) || tree_root), str and list length-prefixed with
/// 8-byte big-endian counts. Version 2: node = SHA-256(0x01 || left || right), path steps are
/// hashes. Version 1: leaf = SHA-256(0x00 || "ISRC|SHA256|CLEARANCE"), version 2's nodes, and
/// the root is the tree root. RFC 9162 audit paths.
mod independent {
    use serde_json::Value;
    use sha2::{Digest, Sha256};

    fn h(prefix: u8, parts: &[&[u8]]) -> [u8; 32] {
        let mut s = Sha256::new();
        s.update([prefix]);
        for p in parts {
            s.update(p);
        }
        s.finalize().into()
    }

    fn put_str(out: &mut Vec<u8>, v: &Value) -> Option<()> {
        let s = v.as_str()?;
        out.extend((s.len() as u64).to_be_bytes());
        out.extend(s.as_bytes());
        Some(())
    }

    fn put_list(out: &mut Vec<u8>, v: &Value) -> Option<()> {
        let items = v.as_array()?;
        out.extend((items.len() as u64).to_be_bytes());
        items.iter().try_for_each(|i| put_str(out, i))
    }

    fn leaf_data(leaf: &Value, version: u64) -> Option<Vec<u8>> {
        if version == 1 {
            let clearance: Vec<&str> = leaf["clearance"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            return Some(
                format!(
                    "{}|{}|{}",
                    leaf["isrc"].as_str()?,
                    leaf["sha256"].as_str()?,
                    clearance.join(",")
                )
                .into_bytes(),
            );
        }
        let e = &leaf["entry"];
        let mut out = Vec::new();
        put_str(&mut out, &e["isrc"])?;
        put_str(&mut out, &e["sha256"])?;
        put_list(&mut out, &e["clearance"])?;
        put_list(&mut out, &e["holders"])?;
        put_str(&mut out, &e["path"])?;
        put_str(&mut out, &e["title"])?;
        Some(out)
    }

    fn leaf_isrc(leaf: &Value, version: u64) -> Option<&str> {
        if version == 1 {
            leaf["isrc"].as_str()
        } else {
            leaf["entry"]["isrc"].as_str()
        }
    }

    /// A node of the walk: its hash and (version 3) its ISRC range.
    type Node = ([u8; 32], String, String);

    /// The parent of two nodes: version 3 checks their order and hashes their ranges in.
    fn join(l: &Node, r: &Node, version: u64) -> Option<Node> {
        if version < 3 {
            return Some((h(1, &[&l.0, &r.0]), String::new(), String::new()));
        }
        if !(l.1 <= l.2 && l.2 <= r.1 && r.1 <= r.2) {
            return None;
        }
        let mut keys = Vec::new();
        for k in [&l.1, &l.2, &r.1, &r.2] {
            put_str(&mut keys, &Value::from(k.as_str()))?;
        }
        Some((h(4, &[&l.0, &r.0, &keys]), l.1.clone(), r.2.clone()))
    }

    fn leaf_root(leaf: &Value, size: u64, version: u64) -> Option<[u8; 32]> {
        let isrc = leaf_isrc(leaf, version)?.to_string();
        let mut r: Node = (h(0, &[&leaf_data(leaf, version)?]), isrc.clone(), isrc);
        let (mut f, mut s) = (leaf["leaf_index"].as_u64()?, size.checked_sub(1)?);
        if f > s {
            return None;
        }
        for p in leaf["path"].as_array()? {
            let (hash, min, max) = if version == 3 {
                (&p["hash"], p["min"].as_str()?, p["max"].as_str()?)
            } else {
                (p, "", "")
            };
            let hash: [u8; 32] = hex::decode(hash.as_str()?).ok()?.try_into().ok()?;
            let p: Node = (hash, min.to_string(), max.to_string());
            if s == 0 {
                return None;
            }
            if f % 2 == 1 || f == s {
                r = join(&p, &r, version)?;
                while f % 2 == 0 && f != 0 {
                    f /= 2;
                    s /= 2;
                }
            } else {
                r = join(&r, &p, version)?;
            }
            f /= 2;
            s /= 2;
        }
        (s == 0).then_some(r.0)
    }

    /// The root the leaves must lead to: for versions 2 and 3, the proof's tree root, once its
    /// header, tree size and tree root give the published root.
    fn tree_root(proof: &Value, published: &[u8], version: u64) -> Option<Vec<u8>> {
        if version == 1 {
            return Some(published.to_vec());
        }
        let m = &proof["manifest"];
        let mut header = Vec::new();
        put_str(&mut header, &Value::from("fermata-cleared-manifest"))?;
        header.extend(version.to_be_bytes());
        for f in [&m["id"], &m["created_at"]] {
            put_str(&mut header, f)?;
        }
        for f in [
            "id",
            "developer",
            "model",
            "use",
            "territory",
            "dataset",
            "finished_at",
        ] {
            put_str(&mut header, &m["scan"][f])?;
        }
        // Version 3 appends the root of the declared files.
        if version >= 3 {
            put_str(&mut header, &m["declared_root"])?;
        }
        let tree_root = hex::decode(proof["tree_root"].as_str()?).ok()?;
        let size = proof["tree_size"].as_u64()?.to_be_bytes();
        let root = h(3, &[&h(2, &[&header]), &size, &tree_root]);
        (root[..] == *published).then_some(tree_root)
    }

    pub fn verify(proof: &Value, root_hex: &str) -> bool {
        let Ok(published) = hex::decode(root_hex) else {
            return false;
        };
        let size = proof["tree_size"].as_u64().unwrap_or(0);
        let isrc = proof["isrc"].as_str().unwrap_or_default();
        let version = proof["version"].as_u64().unwrap_or(0);
        // Leaves are ordered by the canonical ISRC; any other spelling proves nothing.
        if isrc.len() != 12
            || !isrc
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            || !(1..=3).contains(&version)
        {
            return false;
        }
        let Some(root) = tree_root(proof, &published, version) else {
            return false;
        };
        let ok_leaf = |l: &Value| leaf_root(l, size, version).is_some_and(|r| r[..] == root[..]);
        match proof["result"].as_str() {
            Some("included") => {
                let leaves = proof["leaves"].as_array().cloned().unwrap_or_default();
                !leaves.is_empty()
                    && leaves
                        .iter()
                        .all(|l| leaf_isrc(l, version) == Some(isrc) && ok_leaf(l))
            }
            Some("not-included") => {
                let (b, a) = (&proof["before"], &proof["after"]);
                let below =
                    b.is_null() || (ok_leaf(b) && leaf_isrc(b, version).unwrap_or("~") < isrc);
                let above =
                    a.is_null() || (ok_leaf(a) && leaf_isrc(a, version).unwrap_or("") > isrc);
                let idx = |v: &Value| v["leaf_index"].as_u64();
                let adjacent =
                    match (b.is_null(), a.is_null()) {
                        (false, false) => idx(a) == idx(b).map(|i| i + 1),
                        (true, false) => idx(a) == Some(0),
                        (false, true) => idx(b) == Some(size.saturating_sub(1)),
                        (true, true) => size == 0
                            && root == hex::decode(
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                            )
                            .unwrap_or_default(),
                    };
                below && above && adjacent
            }
            _ => false,
        }
    }
}

#[test]
fn a_holders_proof_report_verifies_with_the_python_script_in_docs() {
    let dir = tempdir();
    let demo = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let report: Value = serde_json::from_str(&stdout(&demo)).unwrap();
    let (root, size) = (
        report["manifest"]["root"].as_str().unwrap().to_string(),
        report["manifest"]["tree_size"].to_string(),
    );
    let home = dir.path().join("home");
    let out = dir.path().join("proofs");
    let made = fermata()
        .args([
            "--home",
            path_str(&home),
            "report",
            "proof",
            "--holder",
            "indie-records",
            "--model",
            "demo-model-1",
            "--out",
            path_str(&out),
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let bundle: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("proofs.json")).unwrap()).unwrap();
    // indie-records holds works 1-6; 1, 2 and 6 were cleared (6 co-owned with the publisher).
    assert_eq!(
        (bundle["included"].as_u64(), bundle["not_included"].as_u64()),
        (Some(3), Some(3)),
        "{bundle}"
    );
    let explanation = std::fs::read_to_string(out.join("HOW-TO-VERIFY.md")).unwrap();
    assert!(explanation.contains(&root) && explanation.contains("RFC 9162"));
    let Some(python) = python() else { return };
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/verify_proof.py");
    let checked = std::process::Command::new(python)
        .arg(&script)
        .arg(out.join("proofs.json"))
        .args([&root, &size])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}\n{}",
        stdout(&checked),
        stderr(&checked)
    );
    assert_eq!(
        stdout(&checked)
            .lines()
            .filter(|l| l.starts_with("valid"))
            .count(),
        6,
        "{}",
        stdout(&checked)
    );
    // The script says whose manifest each proof is about.
    assert!(
        stdout(&checked)
            .lines()
            .all(|l| l.contains("model demo-model-1 of acme-ai, train-genai, DE")),
        "{}",
        stdout(&checked)
    );
    // A proof with an altered leaf or header, a wrong root and a wrong size all fail.
    let mut tampered = bundle.clone();
    tampered["proofs"][0]["leaves"][0]["entry"]["clearance"] = serde_json::json!(["lic-999999"]);
    std::fs::write(dir.path().join("tampered.json"), tampered.to_string()).unwrap();
    let mut other_model = bundle.clone();
    other_model["proofs"][0]["manifest"]["scan"]["model"] = serde_json::json!("another-model");
    std::fs::write(dir.path().join("other-model.json"), other_model.to_string()).unwrap();
    for (file, r, n) in [
        ("tampered.json", root.clone(), size.clone()),
        ("other-model.json", root.clone(), size.clone()),
        ("proofs/proofs.json", "00".repeat(32), size.clone()),
        ("proofs/proofs.json", root.clone(), "99".into()),
    ] {
        let bad = std::process::Command::new(python)
            .arg(&script)
            .arg(dir.path().join(file))
            .args([&r, &n])
            .output()
            .unwrap();
        assert_eq!(
            bad.status.code(),
            Some(1),
            "{file} {r} {n}: {}",
            stdout(&bad)
        );
    }
}

#[test]
fn report_proof_finds_a_manifest_built_with_a_relative_path_from_another_directory() {
    let dir = tempdir();
    let demo = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let scan_id = serde_json::from_str::<Value>(&stdout(&demo)).unwrap()["scan"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let home = dir.path().join("home");
    let (developer_dir, elsewhere) = (dir.path().join("developer"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&developer_dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    // The developer builds the manifest into its working directory, by a relative path ...
    let built = fermata()
        .current_dir(&developer_dir)
        .args([
            "--home",
            path_str(&home),
            "manifest",
            "build",
            "--scan",
            &scan_id,
            "--out",
            "cleared.json",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let built: Value = serde_json::from_str(&stdout(&built)).unwrap();
    assert!(developer_dir.join("cleared.json").is_file());
    // ... and a holder's report, run from elsewhere, finds it.
    let made = fermata()
        .current_dir(&elsewhere)
        .args([
            "--home",
            path_str(&home),
            "report",
            "proof",
            "--holder",
            "indie-records",
            "--model",
            "demo-model-1",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let bundle: Value = serde_json::from_str(&stdout(&made)).unwrap();
    assert_eq!(
        (&bundle["manifest"], &bundle["root"]),
        (&built["id"], &built["root"]),
        "{bundle}"
    );
}

#[test]
fn output_check_catches_a_registered_recording_mixed_into_generated_audio() {
    let (env, tracks) = registered(7);
    let generated = env.path("generated");
    std::fs::create_dir_all(&generated).unwrap();
    // "Generated" music: new material with 12 s of work 2 laid over it, under noise.
    let mut mixed = fermata_synth::synth::track(4242, 30.0, RATE);
    let copied = fermata_synth::degrade::excerpt(&tracks[1], RATE, 10.0, 12.0);
    let at = 8 * RATE as usize;
    for (i, s) in copied.iter().enumerate() {
        mixed[at + i] = 0.35 * mixed[at + i] + 0.65 * s;
    }
    let mixed = fermata_synth::degrade::add_white_noise(&mixed, 10.0, 7);
    fermata_audio::write_wav(&generated.join("copycat.wav"), &mixed, RATE).unwrap();
    write_track(&generated.join("original.wav"), 4343, 20.0);

    let out = env.run(&[
        "output",
        "check",
        "--json",
        path_str(&generated.join("copycat.wav")),
        path_str(&generated.join("original.wav")),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a copy was found: {}",
        stderr(&out)
    );
    let results = ndjson(&out);
    let m = &results[0]["matches"];
    assert_eq!(m.as_array().unwrap().len(), 1, "{}", results[0]);
    assert_eq!(m[0]["isrc"], isrc(2));
    assert_eq!(m[0]["holders"], serde_json::json!(["label-a"]));
    let (start, ref_start) = (
        m[0]["start_s"].as_f64().unwrap(),
        m[0]["reference_start_s"].as_f64().unwrap(),
    );
    assert!(
        (ref_start - start - 2.0).abs() < 1.0,
        "aligned: file 8 s = recording 10 s ({start}, {ref_start})"
    );
    assert!(
        results[1]["matches"].as_array().unwrap().is_empty(),
        "{}",
        results[1]
    );
    let clean = env.run(&["output", "check", path_str(&generated.join("original.wav"))]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("no registered recording"));
}

#[test]
fn reservations_export_and_read_back_through_the_binary() {
    let env = Env::new();
    parties(&env);
    env.ok(&[
        "offer",
        "publish",
        "--holder",
        "label-a",
        "--use",
        "train-genai",
        "--price",
        "per-work:250.00:EUR",
    ]);
    let out = env.path("well-known");
    env.ok(&[
        "reservations",
        "export",
        "--holder",
        "label-a",
        "--location",
        "/music/*",
        "--policy-url",
        "https://a.example/p.json",
        "--contact",
        "licensing@a.example",
        "--out",
        path_str(&out),
    ]);
    for f in [
        "tdmrep.json",
        "headers.txt",
        "meta.html",
        "robots.txt",
        "content-usage.txt",
        "tdm-policy.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let check = env.run(&[
        "reservations",
        "check",
        "--json",
        path_str(&out.join("tdmrep.json")),
        path_str(&out.join("robots.txt")),
        path_str(&out.join("headers.txt")),
    ]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "training is reserved: {}",
        stderr(&check)
    );
    let lines = ndjson(&check);
    assert_eq!(lines[0]["findings"][0]["tdm_reserved"], true);
    assert_eq!(
        lines[0]["findings"][0]["tdm_policy"],
        "https://a.example/p.json"
    );
    assert_eq!(lines[1]["findings"][0]["ai_training_reserved"], true);
    // Each exported file, read back for a path under the location, gives the holder's answer;
    // outside it, tdmrep.json and robots.txt reserve nothing.
    for (path, reserved) in [("/music/a.mp3", true), ("/video/b.mp4", false)] {
        for f in ["tdmrep.json", "robots.txt"] {
            let c = env.run(&[
                "reservations",
                "check",
                "--path",
                path,
                "--json",
                path_str(&out.join(f)),
            ]);
            assert_eq!(
                c.status.code(),
                Some(if reserved { 1 } else { 0 }),
                "{f} {path}: {}",
                stdout(&c)
            );
            assert_eq!(
                ndjson(&c)[0]["resolved"]["ai_training_reserved"]
                    .as_bool()
                    .or(ndjson(&c)[0]["resolved"]["tdm_reserved"].as_bool())
                    .unwrap_or(false),
                reserved,
                "{f} {path}"
            );
        }
    }
    for f in ["headers.txt", "meta.html"] {
        let c = env.run(&[
            "reservations",
            "check",
            "--path",
            "/music/a.mp3",
            path_str(&out.join(f)),
        ]);
        assert_eq!(c.status.code(), Some(1), "{f}: {}", stdout(&c));
    }
    // Lines appended to a robots.txt that closes the site keep it closed and are read back.
    let existing = env.path("site-robots");
    std::fs::create_dir_all(&existing).unwrap();
    let merged = format!(
        "User-agent: *\nDisallow: /\n\n{}",
        std::fs::read_to_string(out.join("robots.txt")).unwrap()
    );
    assert!(
        !merged
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("allow"))
    );
    std::fs::write(existing.join("robots.txt"), merged).unwrap();
    let c = env.run(&[
        "reservations",
        "check",
        "--path",
        "/music/a.mp3",
        path_str(&existing.join("robots.txt")),
    ]);
    assert_eq!(c.status.code(), Some(1), "{}", stdout(&c));
    // A policy needs a contact.
    let no_contact = env.run(&[
        "reservations",
        "export",
        "--holder",
        "label-a",
        "--policy-url",
        "https://a.example/p.json",
    ]);
    assert_eq!(no_contact.status.code(), Some(2));
    assert!(
        stderr(&no_contact).contains("contact"),
        "{}",
        stderr(&no_contact)
    );
    // A bad rule is reported and ignored; the rest of the file still counts.
    std::fs::write(
        env.path("bad-tdmrep.json"),
        "[{\"location\": 3}, {\"location\": \"/\", \"tdm-reservation\": 1}]",
    )
    .unwrap();
    let bad = env.run(&[
        "reservations",
        "check",
        "--json",
        path_str(&env.path("bad-tdmrep.json")),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let findings = &ndjson(&bad)[0]["findings"];
    assert!(
        findings[0]["problems"][0]
            .as_str()
            .unwrap()
            .contains("location"),
        "{findings}"
    );
    assert_eq!(findings[1]["tdm_reserved"], true);
    // A file that is not a tdmrep.json at all is an error naming it, not a guess.
    std::fs::write(env.path("broken-tdmrep.json"), "[{").unwrap();
    let broken = env.run(&[
        "reservations",
        "check",
        "--json",
        path_str(&env.path("broken-tdmrep.json")),
    ]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        ndjson(&broken)[0]["error"]
            .as_str()
            .unwrap()
            .contains("not JSON")
    );
    // A holder that allows training publishes no reservation.
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "pub-b",
        "--use",
        "train-genai",
        "--decision",
        "allow",
    ]);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "pub-b",
        "--use",
        "train-ai",
        "--decision",
        "allow",
    ]);
    let open = env.path("open");
    env.ok(&[
        "reservations",
        "export",
        "--holder",
        "pub-b",
        "--out",
        path_str(&open),
    ]);
    let check = env.run(&[
        "reservations",
        "check",
        path_str(&open.join("tdmrep.json")),
        path_str(&open.join("robots.txt")),
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

/// `fermata report eu-summary` of the demo's model with `input`, and `extra` arguments.
fn eu_summary(
    home: &std::path::Path,
    extra: &[&str],
    input: &std::path::Path,
) -> std::process::Output {
    fermata()
        .args([
            "--home",
            path_str(home),
            "report",
            "eu-summary",
            "--model",
            "demo-model-1",
        ])
        .args(extra)
        .arg("--input")
        .arg(input)
        .output()
        .unwrap()
}

#[test]
fn the_eu_summary_has_every_section_and_the_records_figures() {
    let dir = tempdir();
    let demo = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let input =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/eu-summary-input.json");
    let home = dir.path().join("home");
    let md = eu_summary(&home, &[], &input);
    assert!(md.status.success(), "{}", stderr(&md));
    let md = stdout(&md);
    for n in [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.2.1", "2.2.2", "2.3", "2.4", "2.5", "2.6", "3.1",
        "3.2", "3.3",
    ] {
        assert!(md.contains(&format!(" {n} ")), "section {n}:\n{md}");
    }
    // The demo's scan: 4 cleared, 1 licence-required, 2 denied, 1 unidentified, 1 unreadable;
    // cleared works: 1, 2, 6 of indie-records, 6 and 7 of north-publishing.
    // Only indie-records granted a licence: north-publishing's policy merely allows the use,
    // which does not make it a licensor (2.2.1).
    for wanted in [
        "indie-records: 3 work(s)",
        "2 file(s) whose rightsholders or sources reserved",
        "1 file(s) needing a licence",
        "1 file(s) with no registered recording whose source was not declared",
        "1 unreadable",
        "Version of the Summary: 1.0",
        "Are you a Signatory to the Code of Practice",
    ] {
        assert!(md.contains(wanted), "{wanted}:\n{md}");
    }
    assert!(!md.contains("north-publishing: "), "{md}");
    let json = eu_summary(&home, &["--format", "json"], &input);
    let v: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["records"]["files_by_verdict"]["cleared"], 4);
    // A provider file with a field missing is refused, naming it.
    let partial = dir.path().join("partial.json");
    let text = std::fs::read_to_string(&input)
        .unwrap()
        .replace("\"sme\": false,", "");
    std::fs::write(&partial, text).unwrap();
    let bad = eu_summary(&home, &[], &partial);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("sme"), "{}", stderr(&bad));

    // The unidentified file is declared the provider's own recording: its own category in the
    // scan, and 2.6 of the summary, which must then be answered Yes.
    let scans: Value = serde_json::from_str(&stdout(&run(&[
        "--home",
        path_str(&home),
        "scan",
        "--list",
        "--json",
    ])))
    .unwrap();
    let scan = scans[0]["id"].as_str().unwrap().to_string();
    let shown: Value = serde_json::from_str(&stdout(&run(&[
        "--home",
        path_str(&home),
        "scan",
        "--show",
        &scan,
        "--json",
    ])))
    .unwrap();
    let file = shown["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["verdict"]["verdict"] == "unidentified")
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_string();
    let csv = dir.path().join("declare.csv");
    let declare = |line: String| {
        std::fs::write(&csv, format!("path,source,reference\n{line}\n")).unwrap();
        run(&[
            "--home",
            path_str(&home),
            "scan",
            "declare",
            "--scan",
            &scan,
            path_str(&csv),
        ])
    };
    let refused = declare(format!("{file},generated,"));
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stdout(&refused).contains("the model that generated it"),
        "{}",
        stdout(&refused)
    );
    let declared = declare(format!("{file},own-recording,"));
    assert!(declared.status.success(), "{}", stderr(&declared));
    let table = stdout(&run(&["--home", path_str(&home), "scan", "--show", &scan]));
    assert!(table.contains("declared own-recording"), "{table}");
    // The manifest lists it among its declared files, apart from the cleared entries, and still
    // reads and proves.
    let cleared_json = dir.path().join("declared-manifest.json");
    let built = run(&[
        "--home",
        path_str(&home),
        "manifest",
        "build",
        "--scan",
        &scan,
        "--out",
        path_str(&cleared_json),
    ]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(
        stdout(&built).contains("1 declared file(s)"),
        "{}",
        stdout(&built)
    );
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&cleared_json).unwrap()).unwrap();
    assert_eq!(m["version"], 3);
    let listed = m["declared"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{m}");
    assert_eq!(
        (
            &listed[0]["path"],
            &listed[0]["source"],
            &listed[0]["reference"]
        ),
        (&json!(file), &json!("own-recording"), &json!(""))
    );
    assert!(listed[0]["sha256"].as_str().is_some_and(|h| h.len() == 64));
    let entries = m["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["path"] != json!(file)), "{m}");
    assert_eq!(m["merkle"]["tree_size"], json!(entries.len()));
    let work = entries[0]["isrc"].as_str().unwrap();
    let proof_file = dir.path().join("declared-proof.json");
    let proved = run(&[
        "--home",
        path_str(&home),
        "manifest",
        "prove",
        "--manifest",
        path_str(&cleared_json),
        "--work",
        work,
        "--out",
        path_str(&proof_file),
    ]);
    assert!(proved.status.success(), "{}", stderr(&proved));
    let root = m["merkle"]["root"].as_str().unwrap();
    let size = m["merkle"]["tree_size"].to_string();
    let checked = run(&[
        "--home",
        path_str(&home),
        "manifest",
        "verify-proof",
        "--proof",
        path_str(&proof_file),
        "--root",
        root,
        "--tree-size",
        &size,
        "--work",
        work,
    ]);
    assert!(checked.status.success(), "{}", stdout(&checked));
    let proof: Value =
        serde_json::from_str(&std::fs::read_to_string(&proof_file).unwrap()).unwrap();
    assert_eq!(
        proof["manifest"]["declared_root"],
        m["merkle"]["declared_root"]
    );
    // An edited declaration is refused when the manifest is read.
    let edited = dir.path().join("declared-edited.json");
    std::fs::write(
        &edited,
        std::fs::read_to_string(&cleared_json)
            .unwrap()
            .replace("\"own-recording\"", "\"public-domain\""),
    )
    .unwrap();
    let refused = run(&[
        "--home",
        path_str(&home),
        "manifest",
        "prove",
        "--manifest",
        path_str(&edited),
        "--work",
        work,
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("declared files"),
        "{}",
        stderr(&refused)
    );
    let contradicts = eu_summary(&home, &[], &input);
    assert!(!contradicts.status.success());
    assert!(
        stderr(&contradicts).contains("other_sources.used"),
        "{}",
        stderr(&contradicts)
    );
    let answered = dir.path().join("answered.json");
    let text = std::fs::read_to_string(&input).unwrap().replace(
        "\"other_sources\": {\"used\": false}",
        "\"other_sources\": {\"used\": true, \"modalities\": [\"audio\"], \"description\": \"Studio sessions.\"}",
    );
    std::fs::write(&answered, text).unwrap();
    let md = eu_summary(&home, &[], &answered);
    assert!(md.status.success(), "{}", stderr(&md));
    assert!(
        stdout(&md)
            .contains("The provider's own recordings, declared in fermata's scans: 1 file(s)"),
        "{}",
        stdout(&md)
    );
}

/// Scans `data` for dev-x with a sources file; the scan's JSON.
fn scan_with_sources(env: &Env, data: &std::path::Path, sources: &std::path::Path) -> Value {
    let out = env.run(&[
        "scan",
        path_str(data),
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--use",
        "train-genai",
        "--territory",
        "DE",
        "--sources",
        path_str(sources),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// Each named file's verdict, and a word its reason must contain.
fn assert_verdicts(scan: &Value, expected: &[(&str, &str, &str)]) {
    for (name, verdict, why) in expected {
        let f = scan["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == *name)
            .unwrap();
        assert_eq!(f["verdict"]["verdict"], *verdict, "{name}: {f}");
        assert!(
            f["verdict"]["reason"].as_str().unwrap().contains(why),
            "{name}: {f}"
        );
    }
}

/// A minimal HTTP/1.1 server on loopback serving fixed (path → headers, body) answers.
fn static_site(pages: Vec<(&'static str, &'static str, &'static str)>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line.split(' ').nth(1).unwrap_or("/").to_string();
            let answer = match pages.iter().find(|(p, _, _)| *p == path) {
                // Headers that start with a status line give that status.
                Some((_, headers, body)) if headers.starts_with("HTTP/") => format!(
                    "{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                ),
                Some((_, headers, body)) => format!(
                    "HTTP/1.1 200 OK\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string(),
            };
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_scan_denies_unregistered_files_whose_sources_reserved_their_rights() {
    let (env, _) = registered(7);
    let site = static_site(vec![
        (
            "/.well-known/tdmrep.json",
            "Content-Type: application/json\r\n",
            r#"[{"location": "/reserved/*", "tdm-reservation": 1}, {"location": "/*", "tdm-reservation": 0}]"#,
        ),
        (
            "/robots.txt",
            "",
            "User-Agent: *\nAllow: /\nContent-Usage: /ai-no/ train-ai=n\n",
        ),
        ("/hdr/c.wav", "tdm-reservation: 1\r\n", "RIFF"),
        ("/free/d.wav", "", "RIFF"),
    ]);
    let data = env.path("crawled");
    std::fs::create_dir_all(&data).unwrap();
    for (i, name) in ["a.wav", "b.wav", "c.wav", "d.wav", "e.wav"]
        .iter()
        .enumerate()
    {
        write_track(&data.join(name), 7000 + i as u64, 12.0);
    }
    let sources = env.path("sources.csv");
    std::fs::write(
        &sources,
        format!("path,url\na.wav,{site}/reserved/a.wav\nb.wav,{site}/ai-no/b.wav\nc.wav,{site}/hdr/c.wav\nd.wav,{site}/free/d.wav\n"),
    )
    .unwrap();
    let scan = scan_with_sources(&env, &data, &sources);
    assert_verdicts(
        &scan,
        &[
            ("a.wav", "denied", "tdmrep.json"),
            ("b.wav", "denied", "robots.txt"),
            ("c.wav", "denied", "headers"),
            ("d.wav", "unidentified", ""),
            ("e.wav", "unidentified", ""),
        ],
    );
    // The same signals, read directly for a URL.
    let url_check = env.run(&[
        "reservations",
        "check",
        "--json",
        &format!("{site}/reserved/a.wav"),
        &format!("{site}/free/d.wav"),
    ]);
    assert_eq!(url_check.status.code(), Some(1));
    let lines = ndjson(&url_check);
    assert_eq!(
        (
            lines[0]["reserved"].as_bool(),
            lines[1]["reserved"].as_bool()
        ),
        (Some(true), Some(false)),
        "{lines:?}"
    );
    // A sources file that is not `path,url` is refused before scanning.
    std::fs::write(env.path("bad.csv"), "file,link\na.wav,x\n").unwrap();
    let bad = env.run(&[
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m2",
        "--use",
        "train-genai",
        "--territory",
        "DE",
        "--sources",
        path_str(&env.path("bad.csv")),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("path,url"), "{}", stderr(&bad));
}

/// The TDMRep examples, a tdmrep.json the server cannot give, robots.txt groups that combine, and
/// a header sent on two lines, read by a scan over loopback HTTP as a crawler must read them.
#[test]
fn a_scan_reads_reservations_as_the_specs_write_them_and_never_guesses() {
    let (env, _) = registered(7);
    // TDMRep final report, its first example: the whole site.
    let whole = static_site(vec![(
        "/.well-known/tdmrep.json",
        "Content-Type: application/json\r\n",
        r#"[{"location": "/", "tdm-reservation": 1}]"#,
    )]);
    // Its second example, three rules.
    let three = static_site(vec![(
        "/.well-known/tdmrep.json",
        "",
        r#"[{"location": "/directory-a/", "tdm-reservation": 1},
            {"location": "/directory-b/html/", "tdm-reservation": 1, "tdm-policy": "https://provider.com/policies/policy.json"},
            {"location": "/directory-b/images/*.jpg", "tdm-reservation": 0}]"#,
    )]);
    let failing = static_site(vec![(
        "/.well-known/tdmrep.json",
        "HTTP/1.1 503 Service Unavailable\r\n",
        "try later",
    )]);
    let robots = static_site(vec![
        (
            "/robots.txt",
            "",
            "User-agent: fermata\nContent-Usage: /a/ train-ai=y\n\nUser-agent: *\nContent-Usage: train-ai=n\n\nUser-agent: FERMATA\nContent-Usage: /b/ train-ai=n\n",
        ),
        (
            "/h/g.wav",
            "Content-Usage: search=y\r\nContent-Usage: train-ai=n\r\n",
            "RIFF",
        ),
    ]);
    let data = env.path("crawled");
    std::fs::create_dir_all(&data).unwrap();
    let files = [
        (
            "a.wav",
            format!("{whole}/any/where/a.wav"),
            "denied",
            "tdmrep.json rule /",
        ),
        (
            "b.wav",
            format!("{three}/directory-a/b.wav"),
            "denied",
            "/directory-a/",
        ),
        (
            "c.wav",
            format!("{three}/directory-b/images/c.jpg"),
            "unidentified",
            "",
        ),
        ("d.wav", format!("{failing}/d.wav"), "error", "503"),
        ("e.wav", format!("{robots}/b/e.wav"), "denied", "robots.txt"),
        ("f.wav", format!("{robots}/a/f.wav"), "unidentified", ""),
        (
            "g.wav",
            format!("{robots}/h/g.wav"),
            "denied",
            "Content-Usage header",
        ),
    ];
    let mut csv = String::from("path,url\n");
    for (i, (name, url, _, _)) in files.iter().enumerate() {
        write_track(&data.join(name), 8000 + i as u64, 12.0);
        csv.push_str(&format!("{name},{url}\n"));
    }
    let sources = env.path("sources.csv");
    std::fs::write(&sources, csv).unwrap();
    let scan = scan_with_sources(&env, &data, &sources);
    let expected: Vec<(&str, &str, &str)> = files.iter().map(|(n, _, v, w)| (*n, *v, *w)).collect();
    assert_verdicts(&scan, &expected);
    // The same reading for a URL, directly: a server that cannot answer is an error.
    let c = env.run(&[
        "reservations",
        "check",
        "--json",
        &format!("{failing}/d.wav"),
    ]);
    assert_eq!(c.status.code(), Some(1));
    assert!(
        ndjson(&c)[0]["error"].as_str().unwrap().contains("503"),
        "{}",
        stdout(&c)
    );
}

/// A throwaway CA and C2PA-conformant signing certificate; writes chain.pem, key.pem and the
/// CA's ca.pem.
fn throwaway_signer(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let chain = fermata_testkit::SigningChain::new();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &chain.ca_pem).unwrap();
    let (cert, key) = chain.write_to(dir);
    (cert, key, ca)
}

#[test]
fn generated_audio_is_labelled_and_the_label_checked() {
    let dir = tempdir();
    let demo = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let root = serde_json::from_str::<Value>(&stdout(&demo)).unwrap()["manifest"]["root"]
        .as_str()
        .unwrap()
        .to_string();
    let manifest = dir.path().join("home/manifests/manifest-000001.json");
    let (chain, key, ca) = throwaway_signer(dir.path());
    let generated = dir.path().join("generated.wav");
    write_track(&generated, 777, 10.0);
    let labelled = dir.path().join("labelled.wav");
    let fermata = || {
        let mut cmd = fermata();
        cmd.env("FERMATA_HOME", dir.path().join("home"));
        cmd
    };
    let out = fermata()
        .args([
            "output",
            "label",
            path_str(&generated),
            "--model",
            "demo-model-1",
            "--model-version",
            "1.0",
            "--out",
            path_str(&labelled),
        ])
        .args([
            "--cert",
            path_str(&chain),
            "--key",
            path_str(&key),
            "--training-manifest",
            path_str(&manifest),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let verify = |anchors: Option<&std::path::Path>| {
        let mut cmd = fermata();
        cmd.args(["output", "verify", "--json", path_str(&labelled)]);
        if let Some(a) = anchors {
            cmd.args(["--trust-anchors", path_str(a)]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", stdout(&out));
        ndjson(&out).remove(0)
    };
    let report = verify(Some(&ca));
    assert_eq!(
        (report["valid"].as_bool(), report["ai_generated"].as_bool()),
        (Some(true), Some(true)),
        "{report}"
    );
    assert_eq!(
        (&report["state"], &report["trusted"]),
        (&"Trusted".into(), &true.into())
    );
    assert_eq!(report["model"], "demo-model-1");
    assert_eq!(report["model_version"], "1.0");
    assert_eq!(report["training_root"], root.as_str());
    // Without a trust list the signature holds but the signer is not trusted.
    let report = verify(None);
    assert_eq!(
        (&report["state"], &report["trusted"]),
        (&"Valid".into(), &false.into())
    );
    let table = fermata()
        .args([
            "output",
            "verify",
            path_str(&labelled),
            "--trust-anchors",
            path_str(&ca),
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&table).contains("Trusted")
            && stdout(&table).contains("fermata test signer (trusted)"),
        "{}",
        stdout(&table)
    );
    // Tampered audio, and a file with no label, fail.
    let mut bytes = std::fs::read(&labelled).unwrap();
    for b in &mut bytes[4000..5000] {
        *b ^= 0x33;
    }
    let tampered = dir.path().join("tampered.wav");
    std::fs::write(&tampered, bytes).unwrap();
    let unrelated = dir.path().join("unrelated.wav");
    write_track(&unrelated, 778, 10.0);
    for f in [&tampered, &unrelated] {
        let bad = fermata()
            .args([
                "output",
                "verify",
                path_str(f),
                "--trust-anchors",
                path_str(&ca),
            ])
            .output()
            .unwrap();
        assert_eq!(
            bad.status.code(),
            Some(1),
            "{}: {}",
            f.display(),
            stdout(&bad)
        );
    }
    // The unlabelled original is the labelled sound: found by soft binding.
    let found = fermata()
        .args(["output", "verify", "--json", path_str(&generated)])
        .output()
        .unwrap();
    assert!(found.status.success(), "{}", stdout(&found));
    assert_eq!(ndjson(&found)[0]["found_by"], "soft-binding");
}

/// Soft binding end to end: a labelled output re-encoded to MP3, and a 20 s excerpt of it, have
/// lost the embedded manifest; `output verify` finds the label by their sound, with the span.
#[test]
fn a_label_survives_re_encoding_and_cutting_by_soft_binding() {
    let Some(ffmpeg) = ffmpeg() else {
        eprintln!("skipped: ffmpeg is not on PATH (CI has it)");
        return;
    };
    let dir = tempdir();
    let home = dir.path().join("home");
    let fermata = || {
        let mut cmd = fermata();
        cmd.env("FERMATA_HOME", &home);
        cmd
    };
    let (chain, key, _ca) = throwaway_signer(dir.path());
    let generated = dir.path().join("generated.wav");
    write_track(&generated, 4242, 40.0);
    let labelled = dir.path().join("labelled.wav");
    let out = fermata()
        .args(["output", "label", path_str(&generated), "--model", "gen-7"])
        .args(["--out", path_str(&labelled), "--cert", path_str(&chain)])
        .args(["--key", path_str(&key)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The embedded manifest names the soft binding.
    let embedded = fermata()
        .args(["output", "verify", "--json", path_str(&labelled)])
        .output()
        .unwrap();
    let embedded = ndjson(&embedded).remove(0);
    assert_eq!(embedded["found_by"], "embedded");
    assert_eq!(embedded["soft_binding"]["alg"], "org.fermata.landmarks.1");
    let label_id = embedded["soft_binding"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(label_id.starts_with("lbl-"), "{embedded}");

    let mp3 = dir.path().join("copy.mp3");
    encode(&labelled, &mp3, &["-b:a", "128k"]);
    let excerpt = dir.path().join("excerpt.wav");
    let cut = std::process::Command::new(ffmpeg)
        .args([
            "-nostdin", "-v", "error", "-y", "-ss", "12", "-t", "20", "-i",
        ])
        .arg(&mp3)
        .arg(&excerpt)
        .status()
        .unwrap();
    assert!(cut.success());
    for (file, start) in [(&mp3, 0.0), (&excerpt, 12.0)] {
        let out = fermata()
            .args(["output", "verify", "--json", path_str(file)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", file.display(), stdout(&out));
        let v = ndjson(&out).remove(0);
        assert_eq!(v["found_by"], "soft-binding", "{v}");
        let m = &v["labels"][0];
        assert_eq!(m["label"]["label_id"], label_id.as_str(), "{v}");
        assert_eq!(m["label"]["report"]["model"], "gen-7", "{v}");
        assert_eq!(m["manifest_intact"], true);
        // The span: the file's sound is the labelled output from `start` on.
        let offset = m["reference_start_s"].as_f64().unwrap() - m["start_s"].as_f64().unwrap();
        assert!((offset - start).abs() < 1.0, "{file:?}: {v}");
        assert!(
            m["end_s"].as_f64().unwrap() - m["start_s"].as_f64().unwrap() > 10.0,
            "{v}"
        );
        let table = fermata()
            .args(["output", "verify", path_str(file)])
            .output()
            .unwrap();
        assert!(
            stdout(&table).contains("found by soft binding") && stdout(&table).contains("gen-7"),
            "{}",
            stdout(&table)
        );
    }
    // An unrelated file: no label, exit 1.
    let unrelated = dir.path().join("unrelated.mp3");
    let other = dir.path().join("other.wav");
    write_track(&other, 4243, 20.0);
    encode(&other, &unrelated, &["-b:a", "128k"]);
    let out = fermata()
        .args(["output", "verify", "--json", path_str(&unrelated)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v = ndjson(&out).remove(0);
    assert_eq!(
        (&v["found_by"], &v["valid"]),
        (&"none".into(), &false.into())
    );
    let table = fermata()
        .args(["output", "verify", path_str(&unrelated)])
        .output()
        .unwrap();
    assert!(stdout(&table).contains("no label"), "{}", stdout(&table));
    // A stored manifest altered in the store is reported as such and not counted as a label.
    let track_dir = home
        .join("labels/labels")
        .read_dir()
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let manifest = track_dir.join(format!("{label_id}.c2pa"));
    let mut bytes = std::fs::read(&manifest).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&manifest, bytes).unwrap();
    let out = fermata()
        .args(["output", "verify", "--json", path_str(&mp3)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v = ndjson(&out).remove(0);
    assert_eq!(v["labels"][0]["manifest_intact"], false, "{v}");
}

#[test]
fn a_usage_work_that_is_not_isrc_and_seconds_is_refused_with_the_shared_reason() {
    let env = Env::new();
    let report = |work: &str| {
        let out = env.run(&[
            "usage",
            "report",
            "--developer",
            "dev-x",
            "--model",
            "m",
            "--run",
            "r1",
            "--territory",
            "DE",
            "--work",
            work,
        ]);
        assert!(!out.status.success(), "{work}");
        stderr(&out)
    };
    assert!(report(&isrc(1)).contains("ISRC,SECONDS"));
    assert!(report(&format!("{}=lots", isrc(1))).contains("not a number"));
    assert!(report(&format!("{}=-5", isrc(1))).contains("non-negative"));
}
