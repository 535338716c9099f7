//! Every file of the development corpus (`../shared/corpus/dev-corpus.sh`, found through
//! `FERMATA_CORPUS` as set by scripts/test.sh) decodes without error: in particular the
//! undecoded-data check must not flag real music, including files whose last frame is cut short.
//! Outside CI a missing corpus skips this test with a message; under CI=true it fails it.

use std::path::PathBuf;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("FERMATA_CORPUS").map(PathBuf::from);
    let text = root
        .as_ref()
        .and_then(|r| std::fs::read_to_string(r.join("tracks.tsv")).ok());
    let Some(text) = text else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the development corpus is required under CI=true: set FERMATA_CORPUS \
             (scripts/test.sh fetches it)"
        );
        eprintln!(
            "SKIPPED every_corpus_file_decodes: no development corpus (run scripts/test.sh, or \
             set FERMATA_CORPUS)"
        );
        return None;
    };
    let files: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    assert!(!files.is_empty(), "the corpus lists no tracks");
    Some(files)
}

#[test]
fn every_corpus_file_decodes() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut failures = Vec::new();
    let mut seconds = 0.0;
    for f in &files {
        match fermata_audio::decode_stream(f, fermata_audio::ANALYSIS_RATE, &mut |_| {}) {
            Ok(info) => seconds += info.duration_s(),
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} corpus files, {:.0} s of audio, all decoded",
        files.len(),
        seconds
    );
}
