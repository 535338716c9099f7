//! "A no that holds": the attacks by which a holder's refusal once became a yes, replayed
//! against the real `fermata` binary on a real SQLite file. Each of these failed before the fix
//! it names.

mod common;

use common::env::*;
use common::*;
use serde_json::Value;

fn verdict_of(scan: &Value, file: &str) -> String {
    let files = scan["files"].as_array().expect("files");
    let f = files
        .iter()
        .find(|f| f["path"] == file)
        .unwrap_or_else(|| panic!("{file} is in the scan: {scan}"));
    f["verdict"]["verdict"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Work 3 is reserved; a catalogue-wide auto-accept offer for the same use must not reach it,
/// through the request, the scan, or `policy show`.
#[test]
fn an_auto_accept_catalogue_offer_does_not_override_a_work_level_deny() {
    let (env, tracks) = registered(7);
    let w3 = isrc(3);
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "label-a",
        "--work",
        &w3,
        "--use",
        "train-genai",
        "--decision",
        "deny",
    ]);
    env.ok(&[
        "offer",
        "publish",
        "--holder",
        "label-a",
        "--use",
        "train-genai",
        "--price",
        "per-work:1.00:EUR",
        "--auto-accept",
    ]);

    // The request is refused at once, with the reason, and grants nothing.
    let req = env.json(&[
        "request",
        "create",
        "--developer",
        "dev-x",
        "--work",
        &w3,
        "--use",
        "train-genai",
        "--model",
        "m",
        "--term-months",
        "12",
    ]);
    let lines = req["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 1, "{req}");
    assert_eq!(lines[0]["status"], "refused", "{req}");
    assert_eq!(lines[0]["decided_by"], "policy", "{req}");
    assert!(
        lines[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("reserves train-genai"),
        "{req}"
    );
    assert!(lines[0]["licence"].is_null());
    assert_eq!(
        env.json(&["licence", "list"]).as_array().map(Vec::len),
        Some(0)
    );

    // Work 1 has no work policy: the catalogue offer answers and auto-accepts.
    let req = env.json(&[
        "request",
        "create",
        "--developer",
        "dev-x",
        "--work",
        &isrc(1),
        "--use",
        "train-genai",
        "--model",
        "m",
        "--term-months",
        "12",
    ]);
    assert_eq!(req["lines"][0]["status"], "approved", "{req}");

    // The scan agrees: work 3 is denied, work 1 cleared.
    let data = env.path("dataset");
    std::fs::create_dir_all(&data).unwrap();
    for (name, t) in [("w1.wav", 0usize), ("w3.wav", 2)] {
        let clip = fermata_synth::degrade::excerpt(&tracks[t], RATE, 5.0, 20.0);
        fermata_audio::write_wav(&data.join(name), &clip, RATE).unwrap();
    }
    let scan = env.json(&[
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--use",
        "train-genai",
        "--territory",
        "DE",
    ]);
    assert_eq!(verdict_of(&scan, "w1.wav"), "cleared", "{scan}");
    assert_eq!(verdict_of(&scan, "w3.wav"), "denied", "{scan}");

    // And `policy show` gives the same answers, offers included.
    let show = env.json(&["policy", "show", "--holder", "label-a", "--work", &w3]);
    let genai = show["effective"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["use"] == "train-genai")
        .unwrap()
        .clone();
    assert_eq!(genai["verdict"], "denied", "{show}");
    assert_eq!(genai["source"], "work-policy", "{show}");
    let show = env.json(&["policy", "show", "--holder", "label-a"]);
    let genai = show["effective"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["use"] == "train-genai")
        .unwrap()
        .clone();
    assert_eq!(genai["verdict"], "licence-required", "{show}");
    assert_eq!(genai["source"], "catalogue-offer", "{show}");
}

/// A co-owner that set nothing is named as not having answered, not as "a rights holder".
#[test]
fn a_silent_co_owner_is_named_in_the_verdict() {
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
    let data = env.path("dataset");
    std::fs::create_dir_all(&data).unwrap();
    let clip = fermata_synth::degrade::excerpt(&tracks[4], RATE, 5.0, 20.0);
    fermata_audio::write_wav(&data.join("w5.wav"), &clip, RATE).unwrap();
    let scan = env.json(&[
        "scan",
        path_str(&data),
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--use",
        "train-genai",
        "--territory",
        "DE",
    ]);
    assert_eq!(verdict_of(&scan, "w5.wav"), "denied", "{scan}");
    let reason = scan["files"][0]["verdict"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("pub-b has not answered") && reason.contains("default deny"),
        "{reason}"
    );
}

/// A file whose bytes changed after it was identified (same size, modification time put back)
/// is identified again when the scan resumes.
#[test]
fn a_resumed_scan_notices_changed_content_behind_an_unchanged_size_and_mtime() {
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
    let data = env.path("dataset");
    std::fs::create_dir_all(&data).unwrap();
    let files = 40;
    for i in 0..files {
        // Works 1-4 only: label-a's alone, all allowed.
        let clip = fermata_synth::degrade::excerpt(&tracks[i % 4], RATE, (i % 10) as f64, 20.0);
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
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let saved: i64 = env
            .db()
            .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
            .unwrap_or(0);
        if saved >= 3 || child.try_wait().unwrap().is_some() {
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
    let done: String = env
        .db()
        .query_row(
            "SELECT path FROM scan_files ORDER BY path LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let saved: i64 = env
        .db()
        .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
        .unwrap();
    assert!(
        saved < files as i64,
        "the scan was not interrupted ({saved} saved)"
    );

    // Swap in work 6 (pub-b's, which said nothing: denied): same length, same size, same mtime.
    let path = data.join(&done);
    let before = std::fs::metadata(&path).unwrap();
    let swapped = fermata_synth::degrade::excerpt(&tracks[5], RATE, 3.0, 20.0);
    fermata_audio::write_wav(&path, &swapped, RATE).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (after.len(), after.modified().unwrap()),
        (before.len(), before.modified().unwrap())
    );

    let out = env.run(&[&args[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let scan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(scan["resumed"], true, "{scan}");
    assert_eq!(
        verdict_of(&scan, &done),
        "denied",
        "{done} now holds work 6: {scan}"
    );
}

/// Another holder's recording imported under a new ISRC is a conflict reported to both, not a
/// second work that gives the newcomer a say over it.
#[test]
fn the_same_audio_under_a_second_isrc_from_another_holder_is_a_conflict() {
    let (env, tracks) = registered(7);
    let audio = env.path("copies");
    std::fs::create_dir_all(&audio).unwrap();
    // Work 1 (label-a's) under noise and at a lower level, and a fresh recording.
    let copy = fermata_synth::degrade::add_white_noise(
        &fermata_synth::degrade::gain_db(&tracks[0], -6.0),
        20.0,
        9,
    );
    fermata_audio::write_wav(&audio.join("copy.wav"), &copy, RATE).unwrap();
    write_track(&audio.join("fresh.wav"), 999, 30.0);
    let csv = env.path("pub.csv");
    std::fs::write(
        &csv,
        format!("isrc,title,artist,duration,iswc,audio,shares,credits\n{},Copied,Someone,0:40,,copy.wav,,\n{},Fresh,Someone,0:30,,fresh.wav,,\n", isrc(90), isrc(91)),
    )
    .unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "pub-b",
        path_str(&csv),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a conflict needs attention: {}",
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let conflicts = report["outcome"]["registry"]["conflicts"]
        .as_array()
        .expect("conflicts")
        .clone();
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["isrc"], isrc(90));
    assert_eq!(conflicts[0]["same_audio_as"], isrc(1));
    assert_eq!(conflicts[0]["registered_by"], "label-a");
    // The fresh recording is registered; the copy is not.
    assert_eq!(
        report["outcome"]["registry"]["added"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{report}"
    );
    assert_eq!(env.run(&["work", "show", &isrc(90)]).status.code(), Some(2));
    // Both holders see the clash in their history.
    for party in ["label-a", "pub-b"] {
        let log = env.json(&["audit", "log", "--party", party]);
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "work.audio-conflict"),
            "{party}: {log}"
        );
    }
}

/// A re-import that cuts a co-owner out changes nothing until the co-owner agrees.
#[test]
fn a_reimport_does_not_remove_a_co_owner() {
    let (env, _tracks) = registered(7);
    // Work 5 is 60/40 label-a/pub-b; pub-b reserves it.
    env.ok(&[
        "policy",
        "set",
        "--holder",
        "pub-b",
        "--use",
        "train-genai",
        "--decision",
        "deny",
    ]);
    let csv = env.path("label.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("label-a=60;pub-b=40", "label-a=100");
    let cut = env.path("label-cut.csv");
    std::fs::write(&cut, text).unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&cut),
        "--audio",
        path_str(&env.path("audio")),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let waiting = report["outcome"]["registry"]["awaiting_agreement"]
        .as_array()
        .expect("awaiting")
        .clone();
    assert_eq!(waiting.len(), 1, "{report}");
    assert_eq!(waiting[0]["affected"], serde_json::json!(["pub-b"]));
    let work = env.json(&["work", "show", &isrc(5)]);
    assert_eq!(
        work["work"]["shares"].as_array().map(Vec::len),
        Some(2),
        "{work}"
    );
    let log = env.json(&["audit", "log", "--party", "pub-b"]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "work.share-change-proposed"),
        "{log}"
    );
    // pub-b refuses: still two holders.
    let id = waiting[0]["id"].as_str().unwrap().to_string();
    env.ok(&[
        "work",
        "agree",
        &id,
        "--holder",
        "pub-b",
        "--refuse",
        "--reason",
        "we hold 40 %",
    ]);
    let work = env.json(&["work", "show", &isrc(5)]);
    assert_eq!(
        work["work"]["shares"].as_array().map(Vec::len),
        Some(2),
        "{work}"
    );
}

/// A holder cannot shed a co-owner by registering the co-owned recording again under a new ISRC,
/// nor register one file twice in one catalogue.
#[test]
fn a_co_owned_recording_cannot_be_registered_again_alone() {
    let (env, tracks) = registered(7);
    let audio = env.path("again");
    std::fs::create_dir_all(&audio).unwrap();
    // Work 5 is label-a's and pub-b's (60/40).
    fermata_audio::write_wav(
        &audio.join("w5-again.wav"),
        &fermata_synth::degrade::gain_db(&tracks[4], -3.0),
        RATE,
    )
    .unwrap();
    let csv = env.path("again.csv");
    std::fs::write(&csv, format!("isrc,title,artist,duration,iswc,audio,shares,credits\n{},Again,Band,0:40,,w5-again.wav,,\n", isrc(80))).unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&csv),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let conflicts = report["outcome"]["registry"]["conflicts"]
        .as_array()
        .expect("conflicts")
        .clone();
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["same_audio_as"], isrc(5), "{report}");

    // One file under two ISRCs of one catalogue: refused on the second row, nothing imported.
    write_track(&audio.join("new.wav"), 4242, 20.0);
    let twice = env.path("twice.csv");
    std::fs::write(
        &twice,
        format!("isrc,title,artist,duration,iswc,audio,shares,credits\n{},A,B,0:20,,new.wav,,\n{},A again,B,0:20,,new.wav,,\n", isrc(81), isrc(82)),
    )
    .unwrap();
    let out = env.run(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&twice),
        "--audio",
        path_str(&audio),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let problems = report["outcome"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .clone();
    assert!(
        problems.iter().any(|p| p["line"] == 3
            && p["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("same audio file")),
        "{report}"
    );
    assert_eq!(env.run(&["work", "show", &isrc(81)]).status.code(), Some(2));
}
