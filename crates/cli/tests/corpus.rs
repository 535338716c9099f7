//! End-to-end tests on real music: the development corpus (`../shared/corpus/dev-corpus.sh`),
//! found through `FERMATA_CORPUS` (set by scripts/test.sh). Outside CI a missing corpus skips
//! these tests with a message; under CI=true it fails them.

mod common;

use common::*;
use std::path::{Path, PathBuf};

struct Track {
    path: PathBuf,
    seconds: f64,
}

fn corpus() -> Option<Vec<Track>> {
    let tracks: Vec<Track> = fermata_testkit::corpus()?
        .into_iter()
        .filter_map(|t| {
            Some(Track {
                path: t.path,
                seconds: t.seconds?,
            })
        })
        .filter(|t| t.seconds >= 40.0)
        .collect();
    assert!(
        tracks.len() >= 20,
        "the corpus lists only {} tracks of 40 s or more",
        tracks.len()
    );
    Some(tracks)
}

/// A reproducible offset in `0..max` for query `i`.
fn offset(i: usize, max: f64) -> f64 {
    let x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    (x as f64 / (1u64 << 53) as f64 * max * 10.0).round() / 10.0
}

/// Cuts 10 s of `source` from `at` seconds, re-encoded to MP3 at 128 kbit/s, into `out`.
fn excerpt_mp3(source: &Path, at: f64, out: &Path) {
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-ss",
            &at.to_string(),
            "-t",
            "10",
            "-i",
        ])
        .arg(source)
        .args(["-b:a", "128k"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg failed on {}", source.display());
}

fn link_dir(dir: &Path, tracks: &[&Track]) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ext = t.path.extension().and_then(|e| e.to_str()).unwrap_or("ogg");
            let name = format!("r{i:02}.{ext}");
            std::os::unix::fs::symlink(&t.path, dir.join(&name)).unwrap();
            name
        })
        .collect()
}

#[test]
fn real_music_excerpts_reencoded_unregistered_and_concatenated() {
    let Some(tracks) = corpus() else { return };
    let Some(_) = ffmpeg() else { return };
    // Every third track is registered, the next one is not.
    let registered: Vec<&Track> = tracks.iter().step_by(3).take(10).collect();
    let unregistered: Vec<&Track> = tracks.iter().skip(1).step_by(3).take(6).collect();
    let dir = tempdir();
    let music = dir.path().join("music");
    let ids = link_dir(&music, &registered);
    let index = dir.path().join("idx");
    let out = run(&[
        "index",
        "add",
        "--index",
        path_str(&index),
        path_str(&music),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    let q = dir.path().join("q");
    std::fs::create_dir_all(&q).unwrap();
    let mut queries = Vec::new();
    for (i, t) in registered.iter().enumerate() {
        let at = offset(i, t.seconds - 11.0);
        let file = q.join(format!("reg{i:02}.mp3"));
        excerpt_mp3(&t.path, at, &file);
        queries.push((file, Some((ids[i].clone(), at))));
    }
    for (i, t) in unregistered.iter().enumerate() {
        for k in 0..2 {
            let at = offset(100 + 2 * i + k, t.seconds - 11.0);
            let file = q.join(format!("unreg{i:02}-{k}.mp3"));
            excerpt_mp3(&t.path, at, &file);
            queries.push((file, None));
        }
    }
    let mut args = vec![
        "identify".to_string(),
        "--index".into(),
        path_str(&index).into(),
        "--json".into(),
    ];
    args.extend(queries.iter().map(|(f, _)| path_str(f).to_string()));
    let out = fermata().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let results = ndjson(&out);
    assert_eq!(results.len(), queries.len());
    for ((file, expected), result) in queries.iter().zip(&results) {
        match expected {
            Some((id, at)) => {
                assert!(
                    has_match(&result["matches"], id, *at),
                    "{} should be {id} at {at} s: {result}",
                    file.display()
                );
                assert_eq!(
                    result["matches"].as_array().unwrap().len(),
                    1,
                    "only the right track: {result}"
                );
            }
            None => assert_eq!(
                result["matches"],
                serde_json::json!([]),
                "{} is unregistered: {result}",
                file.display()
            ),
        }
    }

    // Two registered excerpts one after the other: both are reported, each with its range.
    let rate = 22_050;
    let (a, _) = fermata_audio::decode_to_vec(&registered[1].path, rate).unwrap();
    let (b, _) = fermata_audio::decode_to_vec(&registered[2].path, rate).unwrap();
    let (at_a, at_b) = (
        offset(7, registered[1].seconds - 13.0),
        offset(8, registered[2].seconds - 13.0),
    );
    let mut joined = fermata_synth::degrade::excerpt(&a, rate, at_a, 12.0);
    joined.extend(fermata_synth::degrade::excerpt(&b, rate, at_b, 12.0));
    let wav = q.join("joined.wav");
    fermata_audio::write_wav(&wav, &joined, rate).unwrap();
    let mp3 = q.join("joined.mp3");
    encode(&wav, &mp3, &["-b:a", "128k"]);
    let out = run(&[
        "identify",
        "--index",
        path_str(&index),
        "--json",
        path_str(&mp3),
    ]);
    let result = &ndjson(&out)[0];
    let matches = result["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 2, "{result}");
    assert!(has_match(&result["matches"], &ids[1], at_a), "{result}");
    assert!(
        has_match(&result["matches"], &ids[2], at_b - 12.0),
        "{result}"
    );
    assert!(
        matches[0]["query_start_s"].as_f64().unwrap() < 1.5,
        "{result}"
    );
    assert!(
        (matches[0]["query_end_s"].as_f64().unwrap() - 12.0).abs() < 1.5,
        "{result}"
    );
    assert!(
        (matches[1]["query_start_s"].as_f64().unwrap() - 12.0).abs() < 1.5,
        "{result}"
    );
    assert!(
        (matches[1]["query_end_s"].as_f64().unwrap() - 24.0).abs() < 1.0,
        "{result}"
    );
}
