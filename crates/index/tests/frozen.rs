//! A frozen format-1 index (its `fermata-index.json` and one segment, holding two short
//! generated tracks) is read by the current code: its tracks, checksums and parameters, and a
//! query cut from the same generated audio finds the right track at the right place. A change
//! to the format that breaks reading what was written before fails here.
//!
//! To write the fixture again (only when the format-1 writer itself must change, which should
//! not happen: a new layout is a new format version with a fixture of its own):
//!
//! ```text
//! cargo test --release -p fermata-index --test frozen -- --ignored write_the_format_1_fixture
//! ```
//!
//! It replaces `tests/fixtures/index-format-1/` with a fresh index of the same tracks.

use fermata_fp::{Params, fingerprint};
use fermata_index::{
    ContentHasher, INDEX_FILE, INDEX_FORMAT_VERSION, Index, IndexWriter, MatchOptions, NewTrack,
};
use std::path::PathBuf;

/// The tracks of the fixture: (id, synth seed, seconds), generated at the analysis rate.
const TRACKS: [(&str, u64, f32); 2] = [("frozen-a", 101, 8.0), ("frozen-b", 202, 8.0)];

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/index-format-1")
}

fn audio(seed: u64, seconds: f32) -> Vec<f32> {
    fermata_synth::synth::track(seed, seconds, Params::default().sample_rate)
}

fn content_hash(samples: &[f32]) -> [u8; 32] {
    let mut h = ContentHasher::default();
    h.update(samples);
    h.finish()
}

#[test]
fn a_format_1_index_reads_back() {
    let dir = fixture_dir();
    assert!(dir.join(INDEX_FILE).is_file(), "the fixture is missing");
    let index = Index::open(&dir).expect("the frozen format-1 index opens");
    assert_eq!(index.params(), &Params::default());
    assert!(index.verify().is_empty(), "segment checksums hold");

    let stats = index.stats();
    assert_eq!(stats.format_version, 1);
    assert_eq!(stats.tracks, TRACKS.len() as u64);
    assert_eq!(stats.segments, 1);

    let mut tracks: Vec<_> = index.tracks().collect();
    tracks.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(tracks.len(), TRACKS.len());
    for (meta, (id, seed, seconds)) in tracks.iter().zip(TRACKS) {
        assert_eq!(meta.id, id);
        assert!((meta.duration_s - seconds as f64).abs() < 1e-9, "{id}");
        assert_eq!(
            meta.content_hash,
            content_hash(&audio(seed, seconds)),
            "{id}"
        );
        assert!(meta.landmarks > 100, "{id}: {} landmarks", meta.landmarks);
        assert_eq!(meta.source, None);
    }
    assert_eq!(
        stats.landmarks,
        tracks.iter().map(|t| t.landmarks as u64).sum::<u64>()
    );
}

#[test]
fn a_query_finds_its_track_in_the_format_1_index() {
    let index = Index::open(&fixture_dir()).expect("the frozen format-1 index opens");
    let params = index.params().clone();
    let rate = params.sample_rate as usize;
    for (id, seed, seconds) in TRACKS {
        // Five seconds from 2 s in, fingerprinted with the index's own parameters.
        let query = &audio(seed, seconds)[2 * rate..7 * rate];
        let fp = fingerprint(query, &params).expect("valid parameters");
        let matches = index.search(&fp.landmarks, &MatchOptions::default());
        let best = matches.first().unwrap_or_else(|| panic!("{id}: no match"));
        assert_eq!(best.track_id, id, "{matches:?}");
        let offset = best.reference_start_s - best.query_start_s;
        assert!((offset - 2.0).abs() < 0.1, "{id}: offset {offset}");
    }
}

/// Writes the fixture (see the module doc). Ignored: it replaces committed files.
#[test]
#[ignore = "writes tests/fixtures/index-format-1; run by hand to regenerate it"]
fn write_the_format_1_fixture() {
    assert_eq!(
        INDEX_FORMAT_VERSION, 1,
        "this build writes another format: make a fixture of its own instead of rewriting format 1's"
    );
    let dir = fixture_dir();
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the old fixture");
    }
    std::fs::create_dir_all(&dir).expect("create the fixture directory");
    let params = Params::default();
    let tracks = TRACKS
        .iter()
        .map(|&(id, seed, seconds)| {
            let samples = audio(seed, seconds);
            let fp = fingerprint(&samples, &params).expect("valid parameters");
            NewTrack::new(
                id,
                content_hash(&samples),
                seconds as f64,
                None,
                fp.landmarks,
            )
        })
        .collect();
    let mut writer = IndexWriter::open_or_create(&dir, &params).expect("create the index");
    writer.add_batch(tracks).expect("add the tracks");
    drop(writer);
    // The lock file is the writer's, not part of the format.
    std::fs::remove_file(dir.join("LOCK")).expect("remove LOCK");
}
