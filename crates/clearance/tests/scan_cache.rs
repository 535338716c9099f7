//! Rescans and the identification cache: a rescan of unchanged files judges them again from
//! today's policies without identifying them again; changed bytes, a changed index and a
//! damaged cache entry are identified afresh.

use fermata_clearance::cache::IdentifyCache;
use fermata_clearance::{Home, ImportOutcome, ScanOutcome, ScanRequest, import_catalog, run_scan};
use fermata_registry::{Decision, PartyKind, PolicyChange, Registry, Use, Verdict};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::atomic::AtomicBool;

const RATE: u32 = 22_050;

fn import(home: &Home, registry: &mut Registry, root: &Path, csv: &str) {
    std::fs::write(root.join("catalogue.csv"), csv).unwrap();
    let outcome = import_catalog(
        home,
        registry,
        "indie-records",
        &root.join("catalogue.csv"),
        &root.join("audio"),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(_)), "{outcome:?}");
}

fn scan(home: &Home, registry: &mut Registry, root: &Path, use_cache: bool) -> ScanOutcome {
    let request = ScanRequest {
        dataset: root.join("dataset"),
        developer: "acme-ai".into(),
        model: "m1".into(),
        use_: Use::TrainGenai,
        territory: "DE".parse().unwrap(),
        save_every: 64,
        sources: Default::default(),
        use_cache,
    };
    let outcome = run_scan(
        home,
        registry,
        &request,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(!outcome.interrupted && !outcome.resumed);
    outcome
}

fn verdict(outcome: &ScanOutcome, path: &str) -> Verdict {
    let file = outcome.files.iter().find(|f| f.path == path).unwrap();
    file.verdict.as_ref().unwrap().verdict
}

fn matched(outcome: &ScanOutcome, path: &str) -> Vec<String> {
    let file = outcome.files.iter().find(|f| f.path == path).unwrap();
    // Track ids are `ISRC#content`: the ISRC is what matters here.
    file.matches
        .iter()
        .map(|m| m.track_id.split('#').next().unwrap_or_default().to_string())
        .collect()
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn a_rescan_rejudges_from_the_cache_and_identifies_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["audio", "dataset"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    fermata_testkit::write_track(&root.join("audio/one.wav"), 1, 12.0, RATE);
    fermata_testkit::write_track(&root.join("audio/two.wav"), 2, 12.0, RATE);
    std::fs::copy(root.join("audio/one.wav"), root.join("dataset/a.wav")).unwrap();
    std::fs::copy(root.join("audio/two.wav"), root.join("dataset/b.wav")).unwrap();
    fermata_testkit::write_track(&root.join("dataset/c.wav"), 3, 12.0, RATE);

    let home = Home::init(&root.join("home")).unwrap();
    let mut registry = home.registry().unwrap();
    registry
        .add_party("indie-records", PartyKind::Label, "Indie Records", "test")
        .unwrap();
    registry
        .add_party("acme-ai", PartyKind::Developer, "Acme AI", "test")
        .unwrap();
    import(
        &home,
        &mut registry,
        root,
        "isrc,title,artist,audio\nGBAYE2600001,One,Band,one.wav\nGBAYE2600002,Two,Band,two.wav\n",
    );

    // First scan: everything identified, nothing from the cache; default deny.
    let first = scan(&home, &mut registry, root, true);
    assert_eq!((first.identified_now, first.from_cache), (3, 0));
    assert_eq!(matched(&first, "a.wav"), ["GBAYE2600001"]);
    assert_eq!(matched(&first, "b.wav"), ["GBAYE2600002"]);
    assert!(matched(&first, "c.wav").is_empty());
    assert_eq!(verdict(&first, "a.wav"), Verdict::Denied);

    // The holder allows the use: a rescan judges again (cleared) without identifying again.
    registry
        .set_policy(
            PolicyChange::new("indie-records", None, Use::TrainGenai, Decision::Allow),
            "indie-records",
        )
        .unwrap();
    let second = scan(&home, &mut registry, root, true);
    assert_ne!(second.scan.id, first.scan.id);
    assert_eq!((second.identified_now, second.from_cache), (3, 3));
    assert_eq!(verdict(&second, "a.wav"), Verdict::Cleared);
    assert_eq!(verdict(&second, "b.wav"), Verdict::Cleared);
    // The same answers; the false-match probability, a float that went through JSON on
    // either side, to 10 significant digits.
    let answers = |f: &fermata_registry::ScanFile| {
        let matches: Vec<_> = f
            .matches
            .iter()
            .map(|m| {
                let mut m = m.clone();
                let p = m.false_match_p.map(|p| format!("{p:.9e}"));
                m.false_match_p = None;
                (m, p)
            })
            .collect();
        (f.path.clone(), matches, f.duration_s)
    };
    for (a, b) in first.files.iter().zip(&second.files) {
        assert_eq!(answers(a), answers(b));
    }

    // New bytes under an old name are identified again; the others are hits.
    // (An excerpt of recording one: bytes no file had before.)
    let one = fermata_synth::synth::track(1, 12.0, RATE);
    fermata_audio::write_wav(&root.join("dataset/c.wav"), &one[RATE as usize * 2..], RATE).unwrap();
    let third = scan(&home, &mut registry, root, true);
    assert_eq!(third.from_cache, 2);
    assert_eq!(matched(&third, "c.wav"), ["GBAYE2600001"]);

    // A damaged entry is ignored, not trusted: b.wav is identified again, correctly.
    let index = fermata_index::Index::open(&home.index_dir()).unwrap();
    let cache =
        IdentifyCache::open(&home, &index, &fermata_index::MatchOptions::default()).unwrap();
    let b_sha = sha256(&root.join("dataset/b.wav"));
    let entry = cache.dir().join(&b_sha[..2]).join(format!("{b_sha}.json"));
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("GBAYE2600002", "GBAYE2600001")).unwrap();
    let fourth = scan(&home, &mut registry, root, true);
    assert_eq!(fourth.from_cache, 2, "a.wav and c.wav only");
    assert_eq!(matched(&fourth, "b.wav"), ["GBAYE2600002"]);

    // Without the cache everything is identified.
    let uncached = scan(&home, &mut registry, root, false);
    assert_eq!((uncached.identified_now, uncached.from_cache), (3, 0));

    // The index changes (a work is registered): no entry of the old index is used.
    fermata_testkit::write_track(&root.join("audio/three.wav"), 3, 12.0, RATE);
    import(
        &home,
        &mut registry,
        root,
        "isrc,title,artist,audio\nGBAYE2600003,Three,Band,three.wav\n",
    );
    fermata_testkit::write_track(&root.join("dataset/d.wav"), 3, 12.0, RATE);
    let fifth = scan(&home, &mut registry, root, true);
    assert_eq!((fifth.identified_now, fifth.from_cache), (4, 0));
    assert_eq!(matched(&fifth, "d.wav"), ["GBAYE2600003"]);
    assert!(!cache.dir().exists(), "the old index's entries are removed");
    let sixth = scan(&home, &mut registry, root, true);
    assert_eq!(sixth.from_cache, 4);
}
