//! A registry written by schema version 1 (the demo's, dumped as SQL), frozen: every later
//! version must open it (migrating forward), read its records, and find its audit chain intact.

use fermata_registry::{Registry, RegistryError, SCHEMA_VERSION, SqliteStore, Use, Verdict};

fn load_v1(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("registry.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/registry-v1.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    path
}

#[test]
fn a_version_1_registry_opens_and_its_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = load_v1(dir.path());
    let mut registry = Registry::open(&path).expect("a v1 registry opens");
    let report = registry.verify_audit().unwrap();
    assert_eq!(report.first_bad, None);
    // The 18 events of version 1, and the checkpoint that records every record as migrated.
    assert_eq!(report.events, 19);
    let events = registry.history(None).unwrap();
    assert!(
        events[..18]
            .iter()
            .all(|e| e.layout == 1 && e.records.is_empty())
    );
    assert_eq!(
        (events[18].action.as_str(), events[18].layout),
        ("audit.checkpoint", 2)
    );
    assert_eq!(registry.works(None).unwrap().len(), 8);
    let clearance = registry
        .clear(
            &"ZZDEM2600003".parse().unwrap(),
            "acme-ai",
            Use::TrainGenai,
            &"DE".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(clearance.verdict, Verdict::Denied);
    assert_eq!(
        SqliteStore::open(&path, false)
            .unwrap()
            .schema_version()
            .unwrap(),
        SCHEMA_VERSION
    );
}

#[test]
fn a_migrated_registry_is_checkpointed_once_and_later_edits_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = load_v1(dir.path());
    drop(Registry::open(&path).unwrap());
    // Opened again: no second checkpoint.
    let mut registry = Registry::open(&path).unwrap();
    assert_eq!(registry.verify_audit().unwrap().events, 19);
    registry
        .add_party(
            "label-z",
            fermata_registry::PartyKind::Label,
            "Label Z",
            "cli",
        )
        .unwrap();
    assert_eq!(registry.verify_audit().unwrap().first_bad, None);
    drop(registry);
    // A policy of version 1 flipped after the migration: the checkpoint recorded it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(
        conn.execute(
            "UPDATE policies SET decision = 'allow' WHERE decision = 'deny'",
            []
        )
        .unwrap(),
        1
    );
    drop(conn);
    let bad = Registry::open(&path)
        .unwrap()
        .verify_audit()
        .unwrap()
        .first_bad
        .expect("the edit is caught");
    assert_eq!(bad.seq, 19, "{bad:?}");
    assert!(
        bad.record
            .as_deref()
            .is_some_and(|r| r.starts_with("policy:")),
        "{bad:?}"
    );
    assert!(
        bad.reason.contains("differs from what event #19 recorded"),
        "{}",
        bad.reason
    );
}

#[test]
fn a_newer_schema_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = load_v1(dir.path());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    match Registry::open(&path) {
        Err(e @ RegistryError::NewerSchema { .. }) => {
            assert!(e.to_string().contains("upgrade fermata"))
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
    assert!(matches!(
        Registry::open(&dir.path().join("missing.sqlite")),
        Err(RegistryError::NotInitialised { .. })
    ));
}
