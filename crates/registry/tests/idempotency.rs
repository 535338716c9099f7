//! `Registry::create_once`: a create and its `Idempotency-Key`'s stored response are one
//! transaction, a repeat is replayed, and the key is refused for another request.

use fermata_registry::{Created, IdempotencyRecord, OfferDraft, PartyKind, Registry, Use};
use std::path::PathBuf;

fn setup() -> (tempfile::TempDir, PathBuf, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite");
    let mut r = Registry::create(&path).unwrap();
    r.add_party("label-a", PartyKind::Label, "Label A", "cli")
        .unwrap();
    (dir, path, r)
}

fn draft() -> OfferDraft {
    OfferDraft {
        holder: "label-a".into(),
        works: vec![],
        use_: Use::TdmResearch,
        territories: vec![],
        price: "per-hour:5:EUR".parse().unwrap(),
        term_months: None,
        auto_accept: false,
        remuneration: Default::default(),
    }
}

fn record(digest: &str) -> Option<IdempotencyRecord> {
    Some(IdempotencyRecord {
        party: "label-a".into(),
        key: "k-1".into(),
        request_digest: digest.into(),
    })
}

#[test]
fn a_repeat_is_replayed_and_the_key_is_refused_for_another_request() {
    let (_dir, _path, mut r) = setup();
    let first = r
        .create_once(record("d1"), |r| r.publish_offer(draft(), "label-a"))
        .unwrap();
    let Created::New(offer) = first else {
        panic!("the first call creates: {first:?}")
    };
    let again = r
        .create_once(record("d1"), |r| r.publish_offer(draft(), "label-a"))
        .unwrap();
    let Created::Replayed(stored) = again else {
        panic!("the repeat is replayed: {again:?}")
    };
    assert_eq!(stored.body, serde_json::to_string(&offer).unwrap());
    assert_eq!(r.offers(None, true).unwrap().len(), 1, "made once");
    let other = r.create_once(record("d2"), |r| r.publish_offer(draft(), "label-a"));
    assert!(
        matches!(other, Err(fermata_registry::RegistryError::Conflict(_))),
        "{other:?}"
    );
    assert_eq!(r.offers(None, true).unwrap().len(), 1);
}

#[test]
fn a_key_that_cannot_be_stored_leaves_nothing_created() {
    let (_dir, path, mut r) = setup();
    // Storing the key's response fails inside the create's transaction (as a full disk or
    // a crash between the two writes would).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_keys BEFORE INSERT ON idempotency BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    drop(conn);
    let failed = r.create_once(record("d1"), |r| r.publish_offer(draft(), "label-a"));
    assert!(failed.is_err(), "{failed:?}");
    assert!(
        r.offers(None, true).unwrap().is_empty(),
        "the offer is rolled back with its key, so a retry cannot create it twice"
    );
    assert!(r.verify_audit().unwrap().first_bad.is_none());
    // Without a key nothing is stored, and the same create goes through.
    let made = r.create_once(None, |r| r.publish_offer(draft(), "label-a"));
    assert!(matches!(made, Ok(Created::New(_))), "{made:?}");
}

#[test]
fn an_operation_that_makes_no_record_is_refused_a_key() {
    let (_dir, _path, mut r) = setup();
    let out = r.create_once(record("d1"), |r| r.offers(None, true));
    assert!(out.is_err(), "{out:?}");
}
