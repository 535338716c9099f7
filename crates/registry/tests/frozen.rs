//! A registry written by schema version 1 (the demo's, dumped as SQL), frozen: every later
//! version must open it (migrating forward), read its records, and find its audit chain intact.

use fermata_registry::{Registry, RegistryError, SqliteStore, Use, Verdict, SCHEMA_VERSION};

fn load_v1(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("registry.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/registry-v1.sql")).unwrap();
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
    assert_eq!(report.events, 18);
    assert_eq!(registry.works(None).unwrap().len(), 8);
    let clearance = registry.clear(&"ZZDEM2600003".parse().unwrap(), "acme-ai", Use::TrainGenai, &"DE".parse().unwrap()).unwrap();
    assert_eq!(clearance.verdict, Verdict::Denied);
    assert_eq!(SqliteStore::open(&path, false).unwrap().schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_newer_schema_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = load_v1(dir.path());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    match Registry::open(&path) {
        Err(e @ RegistryError::NewerSchema { .. }) => assert!(e.to_string().contains("upgrade fermata")),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
    assert!(matches!(Registry::open(&dir.path().join("missing.sqlite")), Err(RegistryError::NotInitialised { .. })));
}
