//! Every file of the development corpus (`../shared/corpus/dev-corpus.sh`, found through
//! `FERMATA_CORPUS` as set by scripts/test.sh) decodes without error: in particular the
//! undecoded-data check must not flag real music, including files whose last frame is cut short.
//! Outside CI a missing corpus skips this test with a message; under CI=true it fails it.

use std::path::PathBuf;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let tracks = fermata_testkit::corpus()?;
    Some(tracks.into_iter().map(|t| t.path).collect())
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
