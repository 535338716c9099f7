//! End-to-end tests of the real `fermata` binary on generated music.

mod common;

use common::*;
use std::time::{Duration, Instant};

#[test]
fn demo_runs_the_whole_flow_and_every_verdict_is_right() {
    let dir = tempdir();
    let out = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    assert!(
        out.status.success(),
        "demo failed: {}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["all_ok"], true, "{report}");
    let verdicts: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    for kind in [
        "cleared",
        "licence-required",
        "denied",
        "unidentified",
        "error",
    ] {
        assert!(
            verdicts.contains(&kind),
            "the demo shows a {kind} file: {verdicts:?}"
        );
    }
    assert_eq!(report["manifest"]["tree_size"], 4);
    // A second run starts from a fresh registry and comes to the same tree of leaves (the leaves
    // do not depend on when it ran); the published root also commits to when the manifest was
    // made, so it differs unless both ran in the same second.
    let again = run(&["demo", "--dir", path_str(dir.path()), "--json"]);
    let second: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(second["all_ok"], true);
    assert!(report["manifest"]["tree_root"].is_string(), "{report}");
    assert_eq!(
        second["manifest"]["tree_root"],
        report["manifest"]["tree_root"]
    );
    // The human form names where the files are.
    let human = run(&["demo", "--dir", path_str(dir.path())]);
    assert!(
        stdout(&human).contains("Everything is in"),
        "{}",
        stdout(&human)
    );
}

/// Indexes three generated tracks; returns the temp dir, the index path and the tracks' audio.
fn small_catalogue() -> (tempfile::TempDir, String, Vec<Vec<f32>>) {
    let dir = tempdir();
    let music = dir.path().join("music");
    std::fs::create_dir_all(music.join("album")).unwrap();
    let tracks = vec![
        write_track(&music.join("one.wav"), 21, 40.0),
        write_track(&music.join("album/two.wav"), 22, 40.0),
        write_track(&music.join("album/three.wav"), 23, 40.0),
    ];
    let index = dir.path().join("idx");
    let out = run(&[
        "index",
        "add",
        "--index",
        path_str(&index),
        path_str(&music),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("added 3"), "{}", stdout(&out));
    (dir, index.to_str().unwrap().to_string(), tracks)
}

#[test]
fn excerpts_mixes_and_unknown_audio() {
    let (dir, index, tracks) = small_catalogue();
    let q = dir.path().join("q");
    std::fs::create_dir_all(&q).unwrap();
    let excerpt = |t: usize, start: f64, len: f64| {
        fermata_synth::degrade::excerpt(&tracks[t], RATE, start, len)
    };
    fermata_audio::write_wav(&q.join("clean.wav"), &excerpt(1, 17.3, 10.0), RATE).unwrap();
    let mut mix = excerpt(0, 4.0, 9.0);
    mix.extend(excerpt(2, 25.0, 9.0));
    fermata_audio::write_wav(&q.join("mix.wav"), &mix, RATE).unwrap();
    let unknown = fermata_synth::synth::track(999, 15.0, RATE);
    fermata_audio::write_wav(&q.join("unknown.wav"), &unknown, RATE).unwrap();
    let mut files = vec![
        q.join("clean.wav"),
        q.join("mix.wav"),
        q.join("unknown.wav"),
    ];
    if ffmpeg().is_some() {
        encode(
            &q.join("clean.wav"),
            &q.join("clean.mp3"),
            &["-b:a", "128k"],
        );
        files.push(q.join("clean.mp3"));
    }
    let mut args = vec!["identify", "--index", &index, "--json"];
    args.extend(files.iter().map(|f| path_str(f)));
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = ndjson(&out);
    assert_eq!(results.len(), files.len());
    assert!(
        has_match(&results[0]["matches"], "album/two.wav", 17.3),
        "{}",
        results[0]
    );
    assert_eq!(results[0]["matches"].as_array().unwrap().len(), 1);
    assert_eq!(results[0]["error"], serde_json::Value::Null);
    // Each match says how likely chance alone is to score as high: tiny for a clean copy, and
    // larger for a weaker match in the same index.
    let chance = |m: &serde_json::Value| m["false_match_p"].as_f64().unwrap();
    let clean = &results[0]["matches"][0];
    assert!(chance(clean) < 1e-9, "{clean}");
    let weaker = results
        .iter()
        .flat_map(|r| r["matches"].as_array().unwrap())
        .min_by_key(|m| m["score"].as_u64().unwrap())
        .unwrap();
    assert!(chance(weaker) >= chance(clean), "{weaker} vs {clean}");

    let mix = results[1]["matches"].as_array().unwrap();
    assert_eq!(mix.len(), 2, "{}", results[1]);
    assert_eq!(mix[0]["track_id"], "one.wav");
    assert_eq!(mix[1]["track_id"], "album/three.wav");
    assert!(has_match(&results[1]["matches"], "one.wav", 4.0));
    assert!(has_match(
        &results[1]["matches"],
        "album/three.wav",
        25.0 - 9.0
    ));
    // Each part's range lies where it is in the query (within a second).
    assert!(mix[0]["query_start_s"].as_f64().unwrap() < 1.0);
    assert!(
        (mix[0]["query_end_s"].as_f64().unwrap() - 9.0).abs() < 1.5,
        "{}",
        mix[0]
    );
    assert!(
        (mix[1]["query_start_s"].as_f64().unwrap() - 9.0).abs() < 1.0,
        "{}",
        mix[1]
    );
    assert!(
        (mix[1]["query_end_s"].as_f64().unwrap() - 18.0).abs() < 1.0,
        "{}",
        mix[1]
    );

    assert_eq!(
        results[2]["matches"],
        serde_json::json!([]),
        "unregistered audio must not match"
    );
    if files.len() == 4 {
        assert!(
            has_match(&results[3]["matches"], "album/two.wav", 17.3),
            "mp3: {}",
            results[3]
        );
    }

    // The table for people names the tracks.
    let table = run(&[
        "identify",
        "--index",
        &index,
        path_str(&files[1]),
        path_str(&files[2]),
    ]);
    let text = stdout(&table);
    assert!(
        text.contains("one.wav") && text.contains("album/three.wav") && text.contains("no match"),
        "{text}"
    );
    assert!(text.contains("CHANCE"), "{text}");
}

#[test]
fn bad_inputs_get_typed_errors_and_the_run_goes_on() {
    let (dir, index, tracks) = small_catalogue();
    let q = dir.path().join("bad");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("empty.wav"), b"").unwrap();
    std::fs::write(
        q.join("text.mp3"),
        b"this is not audio at all, just some words\n".repeat(50),
    )
    .unwrap();
    let good = q.join("good.wav");
    fermata_audio::write_wav(
        &good,
        &fermata_synth::degrade::excerpt(&tracks[0], RATE, 3.0, 10.0),
        RATE,
    )
    .unwrap();
    let mut truncated = std::fs::read(&good).unwrap();
    truncated.truncate(30);
    std::fs::write(q.join("cut-header.wav"), &truncated).unwrap();
    let missing = q.join("missing.wav");
    let files = [
        q.join("empty.wav"),
        q.join("text.mp3"),
        good.clone(),
        q.join("cut-header.wav"),
        missing,
    ];
    let mut args = vec!["identify", "--index", &index, "--json"];
    args.extend(files.iter().map(|f| path_str(f)));
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "any failed file makes the exit status non-zero"
    );
    let results = ndjson(&out);
    let kinds: Vec<&str> = results
        .iter()
        .map(|r| r["error"]["kind"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(
        kinds,
        vec!["empty", "not_audio", "none", "corrupt", "not_found"],
        "{results:?}"
    );
    for r in &results {
        if let Some(message) = r["error"]["message"].as_str() {
            let file = r["file"].as_str().unwrap();
            assert!(
                message.contains(file),
                "the message names the file: {message}"
            );
        }
    }
    assert!(has_match(&results[2]["matches"], "one.wav", 3.0));

    // Adding bad files reports them and keeps the good ones.
    let out = run(&["index", "add", "--index", &index, "--json", path_str(&q)]);
    assert_eq!(out.status.code(), Some(1));
    let lines = ndjson(&out);
    let failed = lines.iter().filter(|l| l["status"] == "failed").count();
    assert_eq!(failed, 3, "{lines:?}");
    let dup = lines.iter().find(|l| l["track_id"] == "good.wav").unwrap();
    assert_eq!(dup["status"], "added", "an excerpt is new audio: {dup}");
}

#[test]
fn rerun_is_idempotent_and_ids_can_be_set() {
    let (dir, index, _) = small_catalogue();
    let music = dir.path().join("music");
    let again = run(&[
        "index",
        "add",
        "--index",
        &index,
        "--json",
        path_str(&music),
    ]);
    assert!(again.status.success());
    let summary = ndjson(&again).pop().unwrap();
    assert_eq!(summary["summary"]["added"], 0);
    assert_eq!(summary["summary"]["already_indexed"], 3);

    let copy = dir.path().join("copy.wav");
    std::fs::copy(music.join("one.wav"), &copy).unwrap();
    let out = run(&[
        "index",
        "add",
        "--index",
        &index,
        "--id",
        "ISRC-XX0000000001",
        "--json",
        path_str(&copy),
    ]);
    let lines = ndjson(&out);
    assert_eq!(
        lines[0]["status"], "duplicate",
        "the same audio is stored once: {lines:?}"
    );
    let other = dir.path().join("other.wav");
    write_track(&other, 77, 20.0);
    let out = run(&[
        "index",
        "add",
        "--index",
        &index,
        "--id",
        "one.wav",
        "--json",
        path_str(&other),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(ndjson(&out)[0]["status"], "id-conflict");

    let stats = run(&["index", "stats", "--index", &index, "--json", "--verify"]);
    assert!(stats.status.success());
    let s: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(s["stats"]["tracks"], 3);
    assert!(s["stats"]["hours"].as_f64().unwrap() > 0.03);
    assert_eq!(s["damaged_segments"], serde_json::json!([]));
}

#[test]
fn version_and_parameter_mismatches_are_refused() {
    let (_dir, index, _) = small_catalogue();
    let manifest = std::path::Path::new(&index).join("fermata-index.json");
    let text = std::fs::read_to_string(&manifest).unwrap();

    std::fs::write(
        &manifest,
        text.replace("\"format_version\": 1", "\"format_version\": 9"),
    )
    .unwrap();
    let out = run(&["index", "stats", "--index", &index]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("format version 9"),
        "{}",
        stderr(&out)
    );

    // An index made by another fingerprint algorithm would never match: refused, with why.
    std::fs::write(
        &manifest,
        text.replace("\"algorithm\": 1", "\"algorithm\": 0"),
    )
    .unwrap();
    let out = run(&["index", "add", "--index", &index, path_str(&manifest)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fingerprint algorithm: index has 0"),
        "{}",
        stderr(&out)
    );

    // Asking for other parameters than the index was built with is refused, naming them.
    std::fs::write(&manifest, &text).unwrap();
    let other = fermata_fp::Params {
        hop: 256,
        ..fermata_fp::Params::default()
    };
    let err = fermata_index::IndexWriter::open_or_create(std::path::Path::new(&index), &other)
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("hop: index has 128, requested 256"),
        "{err}"
    );

    let seg_dir = std::path::Path::new(&index).join("segments");
    let seg = std::fs::read_dir(&seg_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[8] = 42;
    std::fs::write(&seg, &bytes).unwrap();
    let out = run(&["identify", "--index", &index, path_str(&seg)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("format version 42"),
        "{}",
        stderr(&out)
    );
}

/// Generated music in `music/` and an `index add` of it running in the background with
/// `batch`, returned once its first segment is published (so it has work left to lose).
struct RunningAdd {
    dir: tempfile::TempDir,
    child: std::process::Child,
}

impl RunningAdd {
    fn start(tracks: u64, seed: u64, batch: &str) -> RunningAdd {
        let dir = tempdir();
        let music = dir.path().join("music");
        std::fs::create_dir_all(&music).unwrap();
        for i in 0..tracks {
            write_track(&music.join(format!("t{i:02}.wav")), seed + i, 30.0);
        }
        let index = dir.path().join("idx");
        let child = fermata()
            .args([
                "index",
                "add",
                "--batch",
                batch,
                "--index",
                path_str(&index),
                path_str(&music),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let manifest = index.join("fermata-index.json");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("seg-"))
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        RunningAdd { dir, child }
    }
    fn music(&self) -> std::path::PathBuf {
        self.dir.path().join("music")
    }
    fn index(&self) -> std::path::PathBuf {
        self.dir.path().join("idx")
    }
}

#[test]
fn killed_add_leaves_a_usable_index_and_a_rerun_completes_it() {
    let n = 24;
    let RunningAdd { dir, mut child } = RunningAdd::start(n, 500, "1");
    let (music, index) = (dir.path().join("music"), dir.path().join("idx"));
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();

    let stats = run(&["index", "stats", "--index", path_str(&index), "--json"]);
    assert!(
        stats.status.success(),
        "the index opens after a kill: {}",
        stderr(&stats)
    );
    let s: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    let kept = s["stats"]["tracks"].as_u64().unwrap();
    assert!(kept >= 1, "published tracks survive");
    if !finished_early {
        assert!(kept < n, "the kill came before the end ({kept} tracks)");
    }
    // Every track the index lists is complete and identifiable.
    let idx = fermata_index::Index::open(&index).unwrap();
    let listed: Vec<String> = idx.tracks().map(|t| t.id).collect();
    drop(idx);
    let probe = music.join(&listed[0]);
    let out = run(&[
        "identify",
        "--index",
        path_str(&index),
        "--json",
        path_str(&probe),
    ]);
    assert!(has_match(&ndjson(&out)[0]["matches"], &listed[0], 0.0));

    let rerun = run(&[
        "index",
        "add",
        "--index",
        path_str(&index),
        "--json",
        path_str(&music),
    ]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let summary = ndjson(&rerun).pop().unwrap();
    assert_eq!(summary["summary"]["added"].as_u64().unwrap() + kept, n);
    assert_eq!(
        summary["summary"]["already_indexed"].as_u64().unwrap(),
        kept
    );
    let idx = fermata_index::Index::open(&index).unwrap();
    assert_eq!(idx.stats().tracks, n);
    assert!(idx.verify().is_empty());
}

#[test]
fn ctrl_c_stops_cleanly_and_a_rerun_resumes() {
    let n = 40;
    let add = RunningAdd::start(n, 900, "2");
    let (music, index, child) = (add.music(), add.index(), add.child);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let idx = fermata_index::Index::open(&index).unwrap();
    let kept = idx.stats().tracks;
    drop(idx);
    if out.status.code() == Some(130) {
        assert!(
            err.contains("run the same command again to resume"),
            "{err}"
        );
    } else {
        // The run was already finishing when the signal came: it must then have completed.
        assert!(out.status.success(), "{err}");
        assert_eq!(kept, n);
    }
    let rerun = run(&[
        "index",
        "add",
        "--index",
        path_str(&index),
        "--json",
        path_str(&music),
    ]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let summary = ndjson(&rerun).pop().unwrap();
    assert_eq!(
        summary["summary"]["already_indexed"].as_u64().unwrap(),
        kept,
        "finished files are not redone"
    );
    assert_eq!(summary["summary"]["added"].as_u64().unwrap() + kept, n);
    assert!(
        fermata_index::Index::open(&index)
            .unwrap()
            .verify()
            .is_empty()
    );
}

#[test]
fn a_second_writer_is_refused_while_the_first_runs() {
    let dir = tempdir();
    let index = dir.path().join("idx");
    let _writer =
        fermata_index::IndexWriter::open_or_create(&index, &fermata_fp::Params::default()).unwrap();
    let file = dir.path().join("a.wav");
    write_track(&file, 5, 5.0);
    let out = run(&["index", "add", "--index", path_str(&index), path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("being written by another process"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in [
        &["demo"][..],
        &["index", "add"],
        &["index", "stats"],
        &["index", "merge"],
        &["identify"],
        &["init"],
        &["party", "add"],
        &["catalog", "import"],
        &["work", "list"],
        &["work", "show"],
        &["policy", "set"],
        &["policy", "show"],
        &["licence", "grant"],
        &["licence", "revoke"],
        &["license", "list"],
        &["scan"],
        &["manifest", "build"],
        &["manifest", "prove"],
        &["manifest", "verify-proof"],
        &["audit", "verify"],
        &["audit", "log"],
        &["serve"],
        &["key", "create"],
        &["key", "list"],
        &["key", "revoke"],
        &["offer", "publish"],
        &["offer", "list"],
        &["offer", "withdraw"],
        &["request", "create"],
        &["request", "list"],
        &["decide"],
        &["usage", "report"],
        &["usage", "list"],
        &["statement", "issue"],
        &["statement", "show"],
        &["statement", "list"],
        &["report", "proof"],
        &["report", "eu-summary"],
        &["output", "check"],
        &["output", "label"],
        &["output", "verify"],
        &["reservations", "export"],
        &["reservations", "check"],
        &["certificate", "issue"],
        &["certificate", "verify"],
        &["certificate", "list"],
        &["certificate", "key", "init"],
        &["certificate", "key", "show"],
        &["webhook", "add"],
        &["webhook", "list"],
        &["webhook", "remove"],
        &["webhook", "deliveries"],
        &["webhook", "replay"],
        &["webhook", "test"],
        &["webhook", "deliver"],
        &["licence", "renew"],
        &["output", "attribute"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = run(&args);
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(
            text.contains("Example"),
            "{cmd:?} --help has an example:\n{text}"
        );
    }
}
