//! The issuing rule against a real SQLite registry: a certificate is issued when every work of
//! the model's cleared manifests was licensed or allowed on each training date, and refused,
//! naming the work, holder and date, when it was not.

use fermata_certificate::{CertificateError, IssuerKey, gather, issue, verify};
use fermata_manifest::{Entry, Manifest, ScanInfo};
use fermata_registry::{
    Clock, Decision, FileMatch, LicenceGrant, ManifestRecord, PartyKind, PolicyChange, Registry,
    ScanFile, Territory, UsageDraft, Use, Verdict, Work, parse_shares,
};

const A: &str = "GBAAA2600001";
const B: &str = "GBBBB2600002";

fn work(isrc: &str, holder: &str, track: &str) -> Work {
    Work {
        isrc: isrc.parse().expect("isrc"),
        title: format!("Song {isrc}"),
        artist: "Artist".into(),
        duration_s: Some(60.0),
        iswc: None,
        registrant: holder.into(),
        credits: vec![],
        shares: parse_shares(&format!("{holder}=100")).expect("shares"),
        tracks: vec![track.into()],
    }
}

fn at(r: &mut Registry, when: &str) {
    r.set_clock(Clock::fixed(when).expect("clock"));
}

fn usage(
    r: &mut Registry,
    date: &str,
    works: &[&str],
) -> Result<(), fermata_registry::RegistryError> {
    r.report_usage(
        UsageDraft {
            developer: "dev".into(),
            model: "m1".into(),
            run: format!("run-{date}"),
            scan: None,
            manifest: None,
            use_: Some(Use::TrainGenai),
            territory: "DE".parse().expect("territory"),
            date: Some(date.into()),
            works: works
                .iter()
                .map(|w| (w.parse().expect("isrc"), 30.0))
                .collect(),
        },
        "dev",
    )
    .map(|_| ())
}

/// Work A (label-a: licence required, licensed to dev from 2030-01-01) and work B (label-b:
/// catalogue allows), scanned for m1, its manifest built, and a usage report of both on
/// 2030-02-01.
fn setup(dir: &std::path::Path) -> (Registry, String) {
    let mut r = Registry::create(&dir.join("r.sqlite")).expect("registry");
    at(&mut r, "2030-01-01T00:00:00Z");
    for (id, kind) in [
        ("label-a", PartyKind::Label),
        ("label-b", PartyKind::Label),
        ("dev", PartyKind::Developer),
    ] {
        r.add_party(id, kind, id, "op").expect("party");
    }
    r.register_works("label-a", vec![work(A, "label-a", "ta")], "label-a")
        .expect("a");
    r.register_works("label-b", vec![work(B, "label-b", "tb")], "label-b")
        .expect("b");
    r.set_policy(
        PolicyChange::new("label-a", None, Use::TrainGenai, Decision::LicenceRequired),
        "label-a",
    )
    .expect("p");
    r.set_policy(
        PolicyChange::new("label-b", None, Use::TrainGenai, Decision::Allow),
        "label-b",
    )
    .expect("p");
    let licence = r
        .grant_licence(
            LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2030-01-01"),
            "label-a",
        )
        .expect("licence");
    let de: Territory = "DE".parse().expect("de");
    let (scan, _) = r
        .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
        .expect("scan");
    let file = |path: &str, track: &str| ScanFile {
        path: path.into(),
        size: 1,
        mtime_ns: 0,
        sha256: Some("11".repeat(32)),
        duration_s: 60.0,
        matches: vec![FileMatch {
            track_id: track.into(),
            start_s: 0.0,
            end_s: 60.0,
            reference_start_s: 0.0,
            score: 500,
            false_match_p: None,
        }],
        error: None,
        verdict: None,
        source: None,
    };
    r.record_scan_files(&scan.id, &[file("a.wav", "ta"), file("b.wav", "tb")])
        .expect("files");
    let (scan, files) = r.finish_scan(&scan.id, None).expect("finish");
    assert!(files.iter().all(|f| {
        f.verdict
            .as_ref()
            .is_some_and(|v| v.verdict == Verdict::Cleared)
    }));
    let info = ScanInfo {
        id: scan.id.clone(),
        developer: "dev".into(),
        model: "m1".into(),
        use_: "train-genai".into(),
        territory: "DE".into(),
        dataset: "/data".into(),
        finished_at: scan.finished_at.clone().expect("finished"),
    };
    let entry = |isrc: &str, path: &str, clearance: &str, holder: &str| Entry {
        isrc: isrc.into(),
        title: format!("Song {isrc}"),
        path: path.into(),
        sha256: "11".repeat(32),
        clearance: vec![clearance.into()],
        holders: vec![holder.into()],
    };
    let manifest = Manifest::build(
        "manifest-000001",
        "2030-01-01T00:00:00Z",
        info,
        vec![
            entry(A, "a.wav", &licence.id, "label-a"),
            entry(B, "b.wav", "policy:label-b", "label-b"),
        ],
    );
    let path = dir.join("manifest-000001.json");
    std::fs::write(&path, manifest.to_json()).expect("write");
    r.record_manifest(
        &ManifestRecord {
            id: manifest.id.clone(),
            scan_id: scan.id.clone(),
            root: manifest.merkle.root.clone(),
            leaves: manifest.merkle.tree_size,
            path: path.display().to_string(),
            created_at: "2030-01-01T00:00:00Z".into(),
        },
        "dev",
    )
    .expect("manifest");
    at(&mut r, "2030-02-01T10:00:00Z");
    usage(&mut r, "2030-02-01", &[A, B]).expect("usage");
    (r, licence.id)
}

#[test]
fn issues_a_certificate_that_binds_the_records_and_verifies() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut r, licence) = setup(dir.path());
    at(&mut r, "2030-03-01T00:00:00Z");
    let key = IssuerKey::from_seed(&[9; 32]);
    let issued = issue(&mut r, "m1", None, "Fermata Registry", &key, "operator").expect("issue");
    let c = &issued.certificate;
    assert_eq!(
        (c.id.as_str(), c.developer.as_str(), c.issued_at.as_str()),
        ("cert-000001", "dev", "2030-03-01T00:00:00Z")
    );
    assert_eq!(c.training_dates, ["2030-02-01"]);
    assert_eq!(c.works, 2);
    assert_eq!(c.scans.len(), 1);
    assert_eq!(c.scans[0].manifest.id, "manifest-000001");
    assert_eq!(c.scans[0].manifest.version, 3);
    assert_eq!(c.licences.len(), 1);
    assert_eq!(c.licences[0].id, licence);
    assert_eq!(c.licences[0].works, ["catalogue"]);
    assert_eq!(c.policies.len(), 1);
    assert_eq!(
        (
            c.policies[0].holder.as_str(),
            c.policies[0].work.as_str(),
            c.policies[0].decision.as_str()
        ),
        ("label-b", "catalogue", "allow")
    );
    assert_eq!(c.usage_reports.len(), 1);
    assert_eq!(c.usage_reports[0].sha256.len(), 64);
    let v = verify(&issued.jws, &key.public()).expect("verify");
    assert_eq!(&v.certificate, c);
    assert_eq!(v.jws_sha256, issued.record.jws_sha256);
    assert!(verify(&issued.jws, &IssuerKey::from_seed(&[8; 32]).public()).is_err());
    // Recorded, keyed, and covered by the audit chain.
    assert_eq!(r.certificates(Some("m1")).expect("list").len(), 1);
    assert_eq!(
        r.certificate_keys().expect("keys")[0].kid,
        key.public().kid()
    );
    assert!(r.verify_audit().expect("audit").first_bad.is_none());
    // The model's developer, named, must be the scans'.
    assert!(matches!(
        gather(&mut r, "m1", Some("label-a")),
        Err(CertificateError::NoScans(_))
    ));
}

#[test]
fn a_licence_revoked_after_the_training_date_keeps_it_licensed_one_revoked_before_does_not() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut r, licence) = setup(dir.path());
    at(&mut r, "2030-04-01T09:00:00Z");
    r.revoke_licence(&licence, Some("ended"), "label-a")
        .expect("revoke");
    // Trained on 2030-02-01; revoked on 2030-04-01: it was in force.
    let c = gather(&mut r, "m1", Some("dev")).expect("issue after a later revocation");
    assert_eq!(
        c.licences[0].revoked_at.as_deref(),
        Some("2030-04-01T09:00:00Z")
    );

    // Trained again on 2030-05-01 (B only reported: report_usage checks the works listed), after
    // the revocation: A, in the manifest, was no longer licensed that day.
    at(&mut r, "2030-05-01T00:00:00Z");
    usage(&mut r, "2030-05-01", &[B]).expect("usage of B");
    match gather(&mut r, "m1", None) {
        Err(CertificateError::Refused { model, problems }) => {
            assert_eq!(model, "m1");
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(
                (
                    problems[0].work.as_str(),
                    problems[0].holder.as_str(),
                    problems[0].date.as_str()
                ),
                (A, "label-a", "2030-05-01")
            );
            assert!(
                problems[0].why.starts_with("licence-required"),
                "{}",
                problems[0].why
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let key = IssuerKey::from_seed(&[9; 32]);
    let err = issue(&mut r, "m1", None, "Fermata", &key, "operator").expect_err("refused");
    assert!(
        err.to_string()
            .contains(&format!("{A} (holder label-a, 2030-05-01)")),
        "{err}"
    );
    assert!(
        r.certificates(None).expect("list").is_empty(),
        "nothing recorded on refusal"
    );
}

#[test]
fn a_policy_is_judged_as_it_stood_on_the_training_date() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut r, _) = setup(dir.path());
    let as_set = |c: &fermata_certificate::Certificate| {
        c.policies
            .iter()
            .map(|p| (p.holder.clone(), p.decision.clone(), p.updated_at.clone()))
            .collect::<Vec<_>>()
    };
    let january = vec![(
        "label-b".to_string(),
        "allow".to_string(),
        "2030-01-01T00:00:00Z".to_string(),
    )];
    // Re-set after the training date: the certificate states the policy of the day, not
    // today's.
    at(&mut r, "2030-06-01T00:00:00Z");
    let mut change = PolicyChange::new("label-b", None, Use::TrainGenai, Decision::Allow);
    change.conditions = Some("credit the artist".into());
    r.set_policy(change, "label-b").expect("policy");
    assert_eq!(
        as_set(&gather(&mut r, "m1", None).expect("issued")),
        january
    );
    // A "no" said after the training date does not undo what was allowed on it.
    at(&mut r, "2030-06-02T00:00:00Z");
    r.set_policy(
        PolicyChange::new("label-b", None, Use::TrainGenai, Decision::Deny),
        "label-b",
    )
    .expect("deny");
    assert_eq!(
        as_set(&gather(&mut r, "m1", None).expect("issued")),
        january
    );
    // A training run after it cannot even be reported: the "no" holds from its moment on.
    at(&mut r, "2030-07-01T00:00:00Z");
    assert!(usage(&mut r, "2030-07-01", &[B]).is_err());
    assert_eq!(
        as_set(&gather(&mut r, "m1", None).expect("issued")),
        january
    );
}

#[test]
fn an_allow_given_after_the_training_date_does_not_clear_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut r, _) = setup(dir.path());
    // label-b reserved the use before the training date and allowed it only later.
    at(&mut r, "2030-01-15T00:00:00Z");
    r.set_policy(
        PolicyChange::new("label-b", None, Use::TrainGenai, Decision::Deny),
        "label-b",
    )
    .expect("deny");
    at(&mut r, "2030-03-01T00:00:00Z");
    r.set_policy(
        PolicyChange::new("label-b", None, Use::TrainGenai, Decision::Allow),
        "label-b",
    )
    .expect("allow");
    let Err(CertificateError::Refused { problems, .. }) = gather(&mut r, "m1", None) else {
        panic!("an allow given after the training date must not certify it");
    };
    assert_eq!(
        (problems[0].work.as_str(), problems[0].date.as_str()),
        (B, "2030-02-01")
    );
    assert!(problems[0].why.starts_with("denied"), "{}", problems[0].why);
}

#[test]
fn refuses_without_scans_manifests_or_usage_reports() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut r, _) = setup(dir.path());
    assert!(
        matches!(gather(&mut r, "never", None), Err(CertificateError::NoScans(m)) if m == "never")
    );
    // A finished scan of m2 without a manifest.
    let de: Territory = "DE".parse().expect("de");
    let (scan, _) = r
        .open_scan("dev", "m2", Use::TrainGenai, &de, "/other")
        .expect("scan");
    r.finish_scan(&scan.id, None).expect("finish");
    assert!(matches!(
        gather(&mut r, "m2", None),
        Err(CertificateError::NoManifest(_))
    ));
    // A manifest file replaced after it was recorded is refused, never certified.
    let path = dir.path().join("manifest-000001.json");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("Song GBAAA2600001", "Song X")).expect("write");
    assert!(gather(&mut r, "m1", None).is_err());
    std::fs::write(&path, text).expect("restore");
    assert!(gather(&mut r, "m1", None).is_ok());
    // Another developer's model, no usage: refused.
    r.add_party("dev2", PartyKind::Developer, "dev2", "op")
        .expect("dev2");
    let (scan, _) = r
        .open_scan("dev2", "m1", Use::TrainGenai, &de, "/d2")
        .expect("scan");
    r.finish_scan(&scan.id, None).expect("finish");
    assert!(matches!(
        gather(&mut r, "m1", None),
        Err(CertificateError::AmbiguousDeveloper { .. })
    ));
    assert!(matches!(
        gather(&mut r, "m1", Some("dev2")),
        Err(CertificateError::NoManifest(_))
    ));
}
