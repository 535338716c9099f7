//! Records edited directly in the SQLite file, behind fermata's back: `verify_audit` must find
//! that the state is no longer what the audit chain's events produced, and name the record.

use fermata_registry::{
    BadEvent, Credit, Decision, LicenceGrant, ManifestRecord, OfferDraft, PartyKind, PolicyChange,
    Registry, Role, Use, Work, parse_shares,
};
use std::path::{Path, PathBuf};

const W1: &str = "GBAAA2600001";
const W2: &str = "GBAAA2600002";

fn work(isrc: &str, shares: &str) -> Work {
    Work {
        isrc: isrc.parse().unwrap(),
        title: format!("Song {isrc}"),
        artist: "Artist".into(),
        duration_s: Some(180.0),
        iswc: None,
        registrant: "label-a".into(),
        credits: vec![Credit {
            role: "performer".into(),
            name: "Jane Doe".into(),
        }],
        shares: parse_shares(shares).unwrap(),
        tracks: vec![isrc.into()],
    }
}

/// A registry with one of each record, made through the registry's own operations.
fn setup(dir: &Path) -> PathBuf {
    let path = dir.join("registry.sqlite");
    let mut r = Registry::create(&path).unwrap();
    r.add_party("label-a", PartyKind::Label, "Label A", "cli")
        .unwrap();
    r.add_party("pub-b", PartyKind::Publisher, "Publisher B", "cli")
        .unwrap();
    r.add_party("dev", PartyKind::Developer, "Dev", "cli")
        .unwrap();
    r.register_works(
        "label-a",
        vec![work(W1, "label-a=60;pub-b=40"), work(W2, "label-a=100")],
        "cli",
    )
    .unwrap();
    r.set_policy(
        PolicyChange::new("label-a", None, Use::TrainGenai, Decision::Deny),
        "label-a",
    )
    .unwrap();
    let mut grant = LicenceGrant::new("label-a", "dev", Use::TrainAi, "2026-01-01");
    grant.valid_to = Some("2026-06-30".into());
    grant.territories = vec!["DE".parse().unwrap()];
    r.grant_licence(grant, "label-a").unwrap();
    r.publish_offer(
        OfferDraft {
            holder: "label-a".into(),
            works: vec![W2.parse().unwrap()],
            use_: Use::TrainGenai,
            territories: vec![],
            price: "per-work:10:EUR".parse().unwrap(),
            term_months: Some(12),
            auto_accept: false,
            remuneration: Default::default(),
        },
        "label-a",
    )
    .unwrap();
    r.create_key("label-a", Role::HolderAdmin, "cli").unwrap();
    let de = "DE".parse().unwrap();
    let (scan, _) = r
        .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
        .unwrap();
    r.finish_scan(&scan.id, None).unwrap();
    let id = r.next_manifest_id().unwrap();
    let manifest = ManifestRecord {
        id,
        scan_id: scan.id,
        root: "00".repeat(32),
        leaves: 0,
        path: "m.json".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    r.record_manifest(&manifest, "dev").unwrap();
    let report = r.verify_audit().unwrap();
    assert_eq!(report.first_bad, None, "the untouched registry verifies");
    path
}

/// The sequence number of the last event whose action is `action`.
fn event_of(path: &Path, action: &str) -> u64 {
    Registry::open(path)
        .unwrap()
        .history(None)
        .unwrap()
        .iter()
        .rev()
        .find(|e| e.action == action)
        .unwrap()
        .seq
}

/// Applies `sql` to the file directly and returns what `verify_audit` says.
fn tamper(path: &Path, sql: &str) -> BadEvent {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    let report = Registry::open(path).unwrap().verify_audit().unwrap();
    report.first_bad.expect("the edit was noticed")
}

fn check(bad: &BadEvent, record: &str, seq: u64, words: &[&str]) {
    assert_eq!(bad.record.as_deref(), Some(record), "{bad:?}");
    assert_eq!(bad.seq, seq, "{bad:?}");
    for w in words {
        assert!(bad.reason.contains(w), "'{w}' not in: {}", bad.reason);
    }
}

#[test]
fn a_licence_end_date_extended_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let granted = event_of(&path, "licence.granted");
    let bad = tamper(
        &path,
        "UPDATE licences SET valid_to = '2099-12-31' WHERE id = 'lic-000001';",
    );
    check(
        &bad,
        "licence:lic-000001",
        granted,
        &[
            "licence lic-000001",
            "differs from what event",
            &format!("#{granted}"),
        ],
    );
}

#[test]
fn licence_territories_changed_are_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let granted = event_of(&path, "licence.granted");
    let bad = tamper(
        &path,
        "UPDATE licences SET territories = '' WHERE id = 'lic-000001';",
    );
    check(
        &bad,
        "licence:lic-000001",
        granted,
        &["licence lic-000001", "differs"],
    );
}

#[test]
fn a_deleted_share_row_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let registered = Registry::open(&path)
        .unwrap()
        .history(Some(&format!("work:{W1}")))
        .unwrap()[0]
        .seq;
    let bad = tamper(
        &path,
        &format!("DELETE FROM shares WHERE isrc = '{W1}' AND holder = 'pub-b';"),
    );
    check(
        &bad,
        &format!("shares:{W1}"),
        registered,
        &[&format!("shares of work {W1}"), "differ"],
    );
}

#[test]
fn a_policy_flipped_from_deny_to_allow_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let set = event_of(&path, "policy.set");
    let bad = tamper(
        &path,
        "UPDATE policies SET decision = 'allow' WHERE holder = 'label-a';",
    );
    check(
        &bad,
        "policy:label-a/*/train-genai",
        set,
        &["policy label-a/*/train-genai", "differs"],
    );
}

#[test]
fn an_edited_document_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let published = event_of(&path, "offer.published");
    let bad = tamper(
        &path,
        "UPDATE documents SET json = replace(json, '\"auto_accept\":false', '\"auto_accept\":true') WHERE kind = 'offer';",
    );
    check(
        &bad,
        "offer:off-000001",
        published,
        &["offer off-000001", "differs"],
    );
    // Moving a document to another owner is a change too.
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let bad = tamper(
        &path,
        "UPDATE documents SET owner = 'pub-b' WHERE kind = 'offer';",
    );
    check(&bad, "offer:off-000001", published, &["differs"]);
}

#[test]
fn a_record_inserted_without_an_event_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let head = Registry::open(&path)
        .unwrap()
        .verify_audit()
        .unwrap()
        .events;
    let bad = tamper(
        &path,
        "INSERT INTO policies (holder, isrc, use, decision, territories, updated_at)
         VALUES ('pub-b', '', 'train-genai', 'allow', '', '2026-01-01T00:00:00Z');",
    );
    check(
        &bad,
        "policy:pub-b/*/train-genai",
        head,
        &["policy pub-b/*/train-genai", "not recorded by any event"],
    );
}

#[test]
fn deleted_records_and_other_edits_are_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let granted = event_of(&path, "licence.granted");
    let bad = tamper(&path, "DELETE FROM licences WHERE id = 'lic-000001';");
    check(
        &bad,
        "licence:lic-000001",
        granted,
        &["licence lic-000001", "missing"],
    );

    // A key's secret swapped for one the editor knows.
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let created = event_of(&path, "key.created");
    let bad = tamper(
        &path,
        &format!("UPDATE api_keys SET secret_sha256 = '{}';", "ab".repeat(32)),
    );
    check(
        &bad,
        "key:key-000001",
        created,
        &["API key key-000001", "differs"],
    );

    // A party renamed, a credit and a track edited, a work's title edited, a scan and a manifest edited.
    for (sql, record, words) in [
        (
            "UPDATE parties SET name = 'Someone Else' WHERE id = 'pub-b';",
            "party:pub-b".to_string(),
            "party pub-b",
        ),
        (
            &format!("UPDATE credits SET name = 'John Roe' WHERE isrc = '{W2}';") as &str,
            format!("credits:{W2}"),
            "credits of work",
        ),
        (
            &format!("INSERT INTO work_tracks (isrc, track_id) VALUES ('{W2}', 'other-track');"),
            format!("tracks:{W2}"),
            "tracks of work",
        ),
        (
            &format!("UPDATE works SET title = 'Renamed' WHERE isrc = '{W2}';"),
            format!("work:{W2}"),
            "work GBAAA2600002",
        ),
        (
            "UPDATE scans SET territory = 'FR';",
            "scan:scan-000001".to_string(),
            "scan scan-000001",
        ),
        (
            "UPDATE manifests SET root = 'ff';",
            "manifest:manifest-000001".to_string(),
            "manifest manifest-000001",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = setup(dir.path());
        let bad = tamper(&path, sql);
        assert_eq!(
            bad.record.as_deref(),
            Some(record.as_str()),
            "{sql}: {bad:?}"
        );
        assert!(
            bad.reason.contains(words) && bad.reason.contains("differ"),
            "{sql}: {}",
            bad.reason
        );
    }
}

#[test]
fn progress_and_bookkeeping_rows_are_outside_the_check() {
    // Scan progress, sequences and stored idempotent responses are not rights decisions: editing
    // them is not reported (see the audit module's documentation).
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("UPDATE sequences SET value = value + 5;")
        .unwrap();
    drop(conn);
    assert_eq!(
        Registry::open(&path)
            .unwrap()
            .verify_audit()
            .unwrap()
            .first_bad,
        None
    );
}

#[test]
fn the_first_disagreeing_record_is_named() {
    // Two edits: the one recorded by the earlier event is reported.
    let dir = tempfile::tempdir().unwrap();
    let path = setup(dir.path());
    let bad = tamper(
        &path,
        "UPDATE licences SET valid_to = NULL; UPDATE parties SET name = 'X' WHERE id = 'dev';",
    );
    assert_eq!(bad.record.as_deref(), Some("party:dev"), "{bad:?}");
}
