//! A developer declares where a scan's unidentified files came from: only its own scan's
//! unidentified files, every line checked before anything is recorded, each batch an audit event.

use fermata_registry::{
    Declaration, DeclaredSource, FileError, PartyKind, Registry, RegistryError, ScanFile, Use,
    parse_declarations_csv,
};

fn file(path: &str) -> ScanFile {
    ScanFile {
        path: path.into(),
        size: 1000,
        mtime_ns: 1_780_000_000_000_000_000,
        sha256: Some(format!("{:0>64}", path.len())),
        duration_s: 60.0,
        matches: vec![],
        error: None,
        verdict: None,
        source: None,
    }
}

fn setup() -> (tempfile::TempDir, Registry, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Registry::create(&dir.path().join("registry.sqlite")).unwrap();
    r.add_party("dev", PartyKind::Developer, "Dev", "cli")
        .unwrap();
    r.add_party("other", PartyKind::Developer, "Other", "cli")
        .unwrap();
    let de = "DE".parse().unwrap();
    let (scan, _) = r
        .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
        .unwrap();
    r.record_scan_files(
        &scan.id,
        &[file("own.wav"), file("gen.wav"), file("err.wav")],
    )
    .unwrap();
    let mut broken = file("err.wav");
    broken.sha256 = None;
    broken.error = Some(FileError {
        kind: "corrupt".into(),
        message: "err.wav is corrupt".into(),
    });
    r.record_scan_files(&scan.id, &[broken]).unwrap();
    r.finish_scan(&scan.id, None).unwrap();
    (dir, r, scan.id)
}

#[test]
fn unidentified_files_are_declared_and_read_back_with_their_hash() {
    let (_dir, mut r, scan) = setup();
    let lines = parse_declarations_csv(
        "path,source,reference\nown.wav,own-recording,\n./gen.wav,generated,Acme Synth 2\n",
    )
    .unwrap();
    let made = r.declare_sources(&scan, "dev", "dev", lines).unwrap();
    assert_eq!(made.len(), 2);
    let all = r.declarations(&scan).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].path, "gen.wav");
    assert_eq!(all[0].source, DeclaredSource::Generated);
    assert_eq!(all[0].reference.as_deref(), Some("Acme Synth 2"));
    assert_eq!(all[1].source, DeclaredSource::OwnRecording);
    assert_eq!(all[1].sha256, format!("{:0>64}", 7));
    assert!(
        r.history(Some(&format!("scan:{scan}")))
            .unwrap()
            .iter()
            .any(|e| e.action == "scan.declared")
    );
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
    // Declared again: the new source replaces the old.
    let again = vec![Declaration {
        line: 1,
        path: "own.wav".into(),
        source: "public-domain".into(),
        reference: String::new(),
    }];
    r.declare_sources(&scan, "dev", "dev", again).unwrap();
    let all = r.declarations(&scan).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].source, DeclaredSource::PublicDomain);
    assert_eq!(r.verify_audit().unwrap().first_bad, None);
}

#[test]
fn a_bad_line_refuses_the_whole_file_naming_every_problem() {
    let (_dir, mut r, scan) = setup();
    let lines = parse_declarations_csv(
        "path,source,reference\nown.wav,own-recording,\ngen.wav,generated,\nerr.wav,public-domain,\nnone.wav,own-recording,\nown.wav,stolen,\n",
    )
    .unwrap();
    let Err(RegistryError::Declarations(problems)) = r.declare_sources(&scan, "dev", "dev", lines)
    else {
        panic!("refused")
    };
    let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{problems:?}");
    assert!(problems[0].reason.contains("the model that generated it"));
    assert!(
        problems[1].reason.contains("not unidentified"),
        "{}",
        problems[1].reason
    );
    assert!(problems[2].reason.contains("no file none.wav"));
    assert!(problems[3].reason.contains("declared twice"));
    assert!(
        r.declarations(&scan).unwrap().is_empty(),
        "nothing was recorded"
    );
    // Another developer's scan is not theirs to declare.
    let one = vec![Declaration {
        line: 1,
        path: "own.wav".into(),
        source: "own-recording".into(),
        reference: String::new(),
    }];
    assert!(matches!(
        r.declare_sources(&scan, "other", "other", one),
        Err(RegistryError::NotAllowed(_))
    ));
}
