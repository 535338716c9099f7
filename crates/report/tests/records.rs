//! The report rules that read the registry: the EU summary's recorded facts and a model's
//! latest cleared manifest, checked against a real SQLite registry.

use fermata_manifest::{Entry, Manifest, ScanInfo};
use fermata_registry::{
    Decision, FileMatch, ManifestRecord, PartyKind, PolicyChange, Registry, ScanFile, Territory,
    Use, Work, parse_shares,
};
use fermata_report::ReportError;
use fermata_report::eu_summary::RecordedFacts;

/// One hour-long work registered by label-a, with these shares.
fn work(shares: &str) -> Work {
    Work {
        isrc: "GBAAA2600001".parse().unwrap(),
        title: "Song".into(),
        artist: "Artist".into(),
        duration_s: Some(3600.0),
        iswc: None,
        registrant: "label-a".into(),
        credits: vec![],
        shares: parse_shares(shares).unwrap(),
        tracks: vec!["t1".into()],
    }
}

fn registry_with_a_finished_scan(dir: &std::path::Path) -> (Registry, String) {
    let mut r = Registry::create(&dir.join("r.sqlite")).unwrap();
    r.add_party("label-a", PartyKind::Label, "Label A", "op")
        .unwrap();
    r.add_party("dev", PartyKind::Developer, "Dev", "op")
        .unwrap();
    let work = work("label-a=100");
    r.register_works("label-a", vec![work], "label-a").unwrap();
    r.set_policy(
        PolicyChange::new("label-a", None, Use::TrainGenai, Decision::Allow),
        "label-a",
    )
    .unwrap();
    let de: Territory = "DE".parse().unwrap();
    let (scan, _) = r
        .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
        .unwrap();
    let file = |path: &str, matches: Vec<FileMatch>| ScanFile {
        path: path.into(),
        size: 1,
        mtime_ns: 0,
        sha256: None,
        duration_s: 1800.0,
        matches,
        error: None,
        verdict: None,
        source: None,
    };
    let hit = FileMatch {
        track_id: "t1".into(),
        start_s: 0.0,
        end_s: 1800.0,
        reference_start_s: 0.0,
        score: 500,
        false_match_p: None,
    };
    r.record_scan_files(
        &scan.id,
        &[file("song.wav", vec![hit]), file("other.wav", vec![])],
    )
    .unwrap();
    r.finish_scan(&scan.id, None).unwrap();
    (r, scan.id)
}

#[test]
fn recorded_facts_come_from_the_latest_finished_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, scan_id) = registry_with_a_finished_scan(dir.path());
    let facts = RecordedFacts::of_model(&mut r, "m1").unwrap();
    assert_eq!(facts.developer, "dev");
    assert_eq!(facts.scans, vec![scan_id.clone()]);
    assert_eq!(facts.files_by_verdict.get("cleared"), Some(&1));
    assert_eq!(facts.files_by_verdict.get("unidentified"), Some(&1));
    assert!((facts.cleared_hours - 0.5).abs() < 1e-9);
    // The holder's policy allows the use: it granted no licence, so it is no licensor (2.2.1).
    assert!(facts.licensed.is_empty());
    // No modification time recorded: the month the scan started.
    let started = r.scan(&scan_id).unwrap().started_at;
    assert_eq!(
        facts.latest_acquisition,
        Some(format!("{}/{}", &started[5..7], &started[..4]))
    );
    assert!(facts.manifests.is_empty());
    assert!(matches!(
        RecordedFacts::of_model(&mut r, "never-scanned"),
        Err(ReportError::NoScans(m)) if m == "never-scanned"
    ));
}

#[test]
fn the_latest_manifest_is_read_and_checked_against_its_recorded_root() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, scan_id) = registry_with_a_finished_scan(dir.path());
    assert!(matches!(
        fermata_report::latest_manifest(&mut r, "m1"),
        Err(ReportError::NoManifest(_))
    ));
    let info = ScanInfo {
        id: scan_id.clone(),
        developer: "dev".into(),
        model: "m1".into(),
        use_: "train-genai".into(),
        territory: "DE".into(),
        dataset: "/data".into(),
        finished_at: "2026-01-01T00:00:00Z".into(),
    };
    let entry = |title: &str| Entry {
        isrc: "GBAAA2600001".into(),
        title: title.into(),
        path: "song.wav".into(),
        sha256: "00".repeat(32),
        clearance: vec!["policy".into()],
        holders: vec!["label-a".into()],
    };
    let manifest = Manifest::build(
        "manifest-000001",
        "2026-01-01T00:00:00Z",
        info.clone(),
        vec![entry("Song")],
    );
    let path = dir.path().join("manifest-000001.json");
    std::fs::write(&path, manifest.to_json()).unwrap();
    r.record_manifest(
        &ManifestRecord {
            id: manifest.id.clone(),
            scan_id: scan_id.clone(),
            root: manifest.merkle.root.clone(),
            leaves: manifest.merkle.tree_size,
            path: path.display().to_string(),
            created_at: "2026-01-01T00:00:00Z".into(),
        },
        "dev",
    )
    .unwrap();
    let (record, read) = fermata_report::latest_manifest(&mut r, "m1").unwrap();
    assert_eq!(record.id, "manifest-000001");
    assert_eq!(read.merkle.root, manifest.merkle.root);
    assert!(matches!(
        fermata_report::latest_manifest(&mut r, "m2"),
        Err(ReportError::NoManifest(_))
    ));

    // A file swapped for another manifest is refused, never reported on.
    let other = Manifest::build(
        "manifest-000001",
        "2026-01-01T00:00:00Z",
        info,
        vec![entry("Another title")],
    );
    std::fs::write(&path, other.to_json()).unwrap();
    let err = fermata_report::latest_manifest(&mut r, "m1").unwrap_err();
    assert!(matches!(err, ReportError::ManifestReplaced { .. }));
    assert!(err.to_string().contains("the file was replaced"), "{err}");
    std::fs::write(&path, "{not a manifest").unwrap();
    assert!(matches!(
        fermata_report::latest_manifest(&mut r, "m1"),
        Err(ReportError::ManifestInvalid { .. })
    ));
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(
        fermata_report::latest_manifest(&mut r, "m1"),
        Err(ReportError::ManifestUnreadable { .. })
    ));
}

#[test]
fn licensors_declared_files_and_domains_come_from_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Registry::create(&dir.path().join("r.sqlite")).unwrap();
    for (id, kind) in [
        ("label-a", PartyKind::Label),
        ("pub-b", PartyKind::Publisher),
        ("dev", PartyKind::Developer),
    ] {
        r.add_party(id, kind, id, "op").unwrap();
    }
    let work = work("label-a=50;pub-b=50");
    r.register_works("label-a", vec![work], "label-a").unwrap();
    for holder in ["label-a", "pub-b"] {
        let grant =
            fermata_registry::LicenceGrant::new(holder, "dev", Use::TrainGenai, "2026-01-01");
        r.grant_licence(grant, holder).unwrap();
    }
    let de: Territory = "DE".parse().unwrap();
    let (scan, _) = r
        .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
        .unwrap();
    let song = ScanFile {
        path: "song.wav".into(),
        size: 10,
        // 2026-05-13
        mtime_ns: 1_778_630_400_000_000_000,
        sha256: Some("aa".repeat(32)),
        duration_s: 1800.0,
        matches: vec![FileMatch {
            track_id: "t1".into(),
            start_s: 0.0,
            end_s: 1800.0,
            reference_start_s: 0.0,
            score: 500,
            false_match_p: None,
        }],
        error: None,
        verdict: None,
        source: None,
    };
    let mine = ScanFile {
        path: "mine.wav".into(),
        size: 100,
        mtime_ns: 0,
        sha256: Some("bb".repeat(32)),
        duration_s: 900.0,
        matches: vec![],
        error: None,
        verdict: None,
        source: Some(fermata_registry::SourceCheck {
            url: "https://Music.example/mine.wav".into(),
            reserved: None,
            error: None,
        }),
    };
    r.record_scan_files(&scan.id, &[song, mine]).unwrap();
    r.finish_scan(&scan.id, None).unwrap();
    let lines = fermata_registry::parse_declarations_csv(
        "path,source,reference\nmine.wav,own-recording,\n",
    )
    .unwrap();
    r.declare_sources(&scan.id, "dev", "dev", lines).unwrap();
    let facts = RecordedFacts::of_model(&mut r, "m1").unwrap();
    // Both co-owners granted a licence: each is a licensor of the half hour, counted once.
    assert_eq!(facts.licensed.len(), 2);
    assert!(facts.licensed.iter().all(|l| (l.hours - 0.5).abs() < 1e-9));
    assert!((facts.licensed_hours - 0.5).abs() < 1e-9);
    assert!((facts.audio_hours() - 0.75).abs() < 1e-9);
    assert_eq!(facts.declared["own-recording"].files, 1);
    assert_eq!(facts.domains.get("music.example"), Some(&100));
    assert_eq!(facts.opt_outs.sources_checked, 1);
    // The later of the song's modification month and the declared file's scan start.
    let started = r.scan(&scan.id).unwrap().started_at;
    let scan_month = format!("{}/{}", &started[5..7], &started[..4]);
    assert_eq!(
        facts.latest_acquisition,
        Some(if (&started[..7]) > "2026-05" {
            scan_month
        } else {
            "05/2026".into()
        })
    );
}
