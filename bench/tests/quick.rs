//! The benchmark's pipeline end to end on a few generated recordings: split, queries under
//! codec, noise and speed conditions, indexing, identification, scoring and both reports. It
//! checks that every stage ran and the report is complete, not the figures.

use std::process::Command;

use fermata_testkit::{have_ffmpeg, have_tool, write_track};

#[test]
fn quick_benchmark_runs_end_to_end() {
    // The benchmark needs ffmpeg and sox.
    if !have_ffmpeg() || !have_tool("sox", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    std::fs::create_dir_all(&music).unwrap();
    for seed in 0..6 {
        write_track(
            &music.join(format!("song{seed}.wav")),
            300 + seed,
            25.0,
            22_050,
        );
    }
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_fermata-bench"))
        .args([
            "run",
            "--music",
            music.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--lengths",
            "5",
            "--per-cell",
            "3",
            "--unregistered-per-cell",
            "2",
            "--min-seconds",
            "10",
        ])
        .args([
            "--conditions",
            "clean,mp3-64,white-10dB,speed+5%",
            "--no-peers",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let fermata = &printed["summaries"][0];
    assert_eq!(fermata["name"], "fermata");
    let cells = fermata["cells"].as_array().unwrap();
    let names: Vec<&str> = cells
        .iter()
        .map(|c| c["condition"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["clean", "mp3-64", "white-10dB", "speed+5%"]);
    for c in cells {
        assert_eq!(c["counts"]["registered"], 3, "{c}");
        assert_eq!(c["counts"]["unregistered"], 2, "{c}");
    }
    assert!(fermata["index_bytes_per_hour"].as_f64().unwrap() > 0.0);
    assert!(fermata["latency_median_ms"].as_f64().unwrap() > 0.0);
    let markdown = std::fs::read_to_string(out.join("results.md")).unwrap();
    assert!(markdown.contains("| speed+5% | 5 s |"), "{markdown}");
    let full: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(full["queries"].as_array().unwrap().len(), 20);
    for q in full["queries"].as_array().unwrap() {
        assert!(
            std::path::Path::new(q["file"].as_str().unwrap()).is_file(),
            "{q}"
        );
    }
}
