//! Certificates of clean training, as the registry keeps them: the signed certificates issued
//! (`DocKind::Certificate`, event `certificate.issued`), the issuer's public keys
//! (`DocKind::CertificateKey`, event `certificate.key`), and the one clearance question a
//! certificate asks — what the records say to each work on each training date, with licences as
//! they stood on that date. The certificate itself (payload, signing, the issuing rule) is
//! `fermata-certificate`'s; the registry knows nothing of signatures.

use crate::RegistryError;
use crate::answer::{AnswerSource, WorkClearance, clear_work};
use crate::audit;
use crate::model::{Isrc, Licence, Policy, Territory, Use, validate_date};
use crate::registry::{Registry, append, load_offers, need_developer, need_work};
use crate::store::DocKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most works one certificate may cover (every entry of its manifests is asked about on every
/// training date).
pub const MAX_CERTIFICATE_WORKS: usize = 100_000;
/// Most training dates one certificate may cover.
pub const MAX_CERTIFICATE_DATES: usize = 1_000;
/// Largest JWS the registry records (bytes).
pub const MAX_CERTIFICATE_BYTES: usize = 16 * 1024 * 1024;

/// A certificate as recorded: who it is about, who signed it, and the signed text itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRecord {
    /// Its id, e.g. `cert-000001`.
    pub id: String,
    /// The model it is about.
    pub model: String,
    /// The developer of the model.
    pub developer: String,
    /// Who issued it (the registry operator's name).
    pub issuer: String,
    /// The id of the key that signed it (RFC 7638 thumbprint of its JWK).
    pub kid: String,
    /// When it was issued (RFC 3339 UTC).
    pub issued_at: String,
    /// Hex SHA-256 of the JWS text.
    pub jws_sha256: String,
    /// The JWS, compact serialisation.
    pub jws: String,
}

/// An issuer's public key, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateKey {
    /// Its id (RFC 7638 thumbprint of its JWK).
    pub kid: String,
    /// The raw 32-byte Ed25519 public key, base64url without padding (a JWK's `x`).
    pub x: String,
    /// When it was first recorded.
    pub recorded_at: String,
}

/// The answer for one work on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatedClearance {
    /// The day (YYYY-MM-DD).
    pub date: String,
    /// What the records say about the work on that day.
    pub clearance: WorkClearance,
    /// The policies, as they stood at the end of that day, that answered for a holder (each
    /// holder whose answer came from a work or catalogue policy), so that a certificate states
    /// what was in force then, not what is in force now.
    pub policies: Vec<Policy>,
}

/// A holder's policies as they were set over time: every `policy.set` event of the audit log,
/// in order, with its moment. Policies are never deleted, only set again, so the log holds each
/// one's whole history.
struct PolicyHistory(Vec<(String, Policy)>);

impl PolicyHistory {
    /// The policies in force at `instant` (RFC 3339 UTC with whole seconds, as events carry
    /// it): for each work (or the catalogue) and use, the last one set at or before then.
    fn at(&self, instant: &str) -> Vec<Policy> {
        let mut latest: BTreeMap<(Option<Isrc>, Use), &Policy> = BTreeMap::new();
        for (at, p) in &self.0 {
            if at.as_str() <= instant {
                latest.insert((p.isrc.clone(), p.use_), p);
            }
        }
        latest.into_values().cloned().collect()
    }
}

/// Reads `holder`'s policy history from the audit log. A payload that cannot be read is an
/// error, not a policy left out: leaving one out could turn a "no" into no answer at all.
fn policy_history(
    tx: &mut dyn crate::store::Tx,
    holder: &str,
) -> Result<PolicyHistory, RegistryError> {
    let mut out = Vec::new();
    for e in tx.events_about(&format!("party:{holder}"))? {
        if e.action != "policy.set" {
            continue;
        }
        let p: Policy = serde_json::from_str(&e.payload).map_err(|err| {
            RegistryError::Internal(format!(
                "audit event {} (policy.set) does not hold a policy: {err}",
                e.seq
            ))
        })?;
        if p.holder == holder {
            out.push((e.at, p));
        }
    }
    Ok(PolicyHistory(out))
}

/// The licence as it stood on `date`: one revoked on a later day was still in force then
/// (a revocation applies from its moment on); one revoked that day or before was not.
fn as_on(licence: &Licence, date: &str) -> Licence {
    let mut l = licence.clone();
    if l.revoked_at
        .as_deref()
        .is_some_and(|r| r.get(..10).is_some_and(|d| d > date))
    {
        l.revoked_at = None;
        l.revoke_reason = None;
    }
    l
}

fn itself<R>(made: &R) -> Option<&R> {
    Some(made)
}

fn encode<T: Serialize>(v: &T) -> Result<String, RegistryError> {
    audit::payload(v)
}

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, RegistryError> {
    crate::market::decode_doc(json)
}

impl Registry {
    /// What the records say to `developer` making `use_` of each of `works` in `territory` on
    /// each of `dates`: [`clear_work`], the one answer every door gives, with each licence as it
    /// stood on the date (a licence revoked after the date was in force on it) and each holder's
    /// policies as they stood at the end of that day (from the `policy.set` events of the audit
    /// log: an "allow" given that day covers it, a "no" said that day leaves it uncleared, the
    /// rule licences follow), and the current offers. One read transaction; the answers come work by work, date by date.
    pub fn clear_on_dates(
        &mut self,
        works: &[Isrc],
        developer: &str,
        use_: Use,
        territory: &Territory,
        dates: &[String],
    ) -> Result<Vec<(Isrc, Vec<DatedClearance>)>, RegistryError> {
        if works.len() > MAX_CERTIFICATE_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: works.len().to_string(),
                reason: format!("at most {MAX_CERTIFICATE_WORKS} works"),
            });
        }
        if dates.len() > MAX_CERTIFICATE_DATES {
            return Err(RegistryError::Invalid {
                field: "dates",
                value: dates.len().to_string(),
                reason: format!("at most {MAX_CERTIFICATE_DATES} dates"),
            });
        }
        let dates: Vec<String> = dates
            .iter()
            .map(|d| validate_date("date", d))
            .collect::<Result<_, _>>()?;
        self.read(|tx| {
            need_developer(tx, developer)?;
            let all = tx.licences()?;
            let offers = load_offers(tx)?;
            let by_date: Vec<Vec<Licence>> = dates
                .iter()
                .map(|d| all.iter().map(|l| as_on(l, d)).collect())
                .collect();
            let mut history: BTreeMap<String, PolicyHistory> = BTreeMap::new();
            let mut out = Vec::with_capacity(works.len());
            for isrc in works {
                let work = need_work(tx, isrc)?;
                for share in &work.shares {
                    if !history.contains_key(&share.holder) {
                        let h = policy_history(tx, &share.holder)?;
                        history.insert(share.holder.clone(), h);
                    }
                }
                let answers = dates
                    .iter()
                    .zip(&by_date)
                    .map(|(date, licences)| {
                        // The policies as they stood at the day's end, as a licence counts
                        // on a day when it was granted by then and not revoked by then: an
                        // "allow" given during the day covers it, a "no" said during it
                        // leaves it uncleared.
                        let end = format!("{date}T23:59:59Z");
                        let in_force =
                            |h: &str| history.get(h).map_or_else(Vec::new, |p| p.at(&end));
                        let clearance = clear_work(
                            &work,
                            developer,
                            use_,
                            territory,
                            date,
                            &mut |h: &str| in_force(h),
                            licences,
                            &offers,
                        );
                        let policies = clearance
                            .holders
                            .iter()
                            .filter_map(|h| {
                                let isrc = match h.source? {
                                    AnswerSource::WorkPolicy => Some(work.isrc.clone()),
                                    AnswerSource::CataloguePolicy => None,
                                    _ => return None,
                                };
                                in_force(&h.holder)
                                    .into_iter()
                                    .find(|p| p.isrc == isrc && p.use_ == use_)
                            })
                            .collect();
                        DatedClearance {
                            date: date.clone(),
                            clearance,
                            policies,
                        }
                    })
                    .collect();
                out.push((isrc.clone(), answers));
            }
            Ok(out)
        })
    }

    /// The next certificate id (`cert-NNNNNN`): taken before signing, since the id is signed.
    pub fn next_certificate_id(&mut self) -> Result<String, RegistryError> {
        self.write(|tx, _| Ok(format!("cert-{:06}", tx.next_number("certificate")?)))
    }

    /// Records an issued certificate, with its `certificate.issued` event (which carries its
    /// digest, so `audit verify` covers it). The developer must be a registered developer and
    /// the id new.
    pub fn record_certificate(
        &mut self,
        record: &CertificateRecord,
        actor: &str,
    ) -> Result<(), RegistryError> {
        if record.jws.len() > MAX_CERTIFICATE_BYTES {
            return Err(RegistryError::Invalid {
                field: "certificate",
                value: format!("{} bytes", record.jws.len()),
                reason: format!("at most {MAX_CERTIFICATE_BYTES} bytes"),
            });
        }
        // A create: with an `Idempotency-Key` ([`Registry::create_once`]) the record is the
        // stored response.
        self.write_created(itself, |tx, now| {
            need_developer(tx, &record.developer)?;
            if tx.doc(DocKind::Certificate, &record.id)?.is_some() {
                return Err(RegistryError::AlreadyExists {
                    what: "certificate",
                    id: record.id.clone(),
                });
            }
            tx.put_doc(
                DocKind::Certificate,
                &record.id,
                &record.developer,
                &encode(record)?,
            )?;
            let payload = serde_json::json!({
                "id": record.id, "model": record.model, "developer": record.developer,
                "issuer": record.issuer, "kid": record.kid, "issued_at": record.issued_at,
                "jws_sha256": record.jws_sha256,
            });
            append(
                tx,
                now,
                actor,
                "certificate.issued",
                format!("certificate:{} party:{}", record.id, record.developer),
                encode(&payload)?,
            )?;
            Ok(record.clone())
        })
        .map(drop)
    }

    /// Every certificate (of one model when given), by id.
    pub fn certificates(
        &mut self,
        model: Option<&str>,
    ) -> Result<Vec<CertificateRecord>, RegistryError> {
        self.read(|tx| {
            let mut out = Vec::new();
            for json in tx.docs(DocKind::Certificate, None)? {
                let c: CertificateRecord = decode(&json)?;
                if model.is_none_or(|m| c.model == m) {
                    out.push(c);
                }
            }
            Ok(out)
        })
    }

    /// One certificate.
    pub fn certificate(&mut self, id: &str) -> Result<CertificateRecord, RegistryError> {
        self.read(|tx| {
            let json =
                tx.doc(DocKind::Certificate, id)?
                    .ok_or_else(|| RegistryError::NotFound {
                        what: "certificate",
                        id: id.into(),
                        hint: "see `fermata certificate list`",
                    })?;
            decode(&json)
        })
    }

    /// Publishes an issuer key (event `certificate.key`); true when it is new, false when it was
    /// already recorded (nothing is written then). `owner` is a party the document is filed
    /// under (documents belong to a party): `issue` gives the developer of the first
    /// certificate the key signs.
    pub fn record_certificate_key(
        &mut self,
        kid: &str,
        x: &str,
        owner: &str,
        actor: &str,
    ) -> Result<bool, RegistryError> {
        for (field, value) in [("kid", kid), ("x", x)] {
            if value.is_empty()
                || value.len() > 64
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(RegistryError::Invalid {
                    field,
                    value: value.chars().take(80).collect(),
                    reason: "base64url, at most 64 characters".into(),
                });
            }
        }
        self.write(|tx, now| {
            crate::registry::need_party(tx, owner)?;
            if let Some(json) = tx.doc(DocKind::CertificateKey, kid)? {
                let known: CertificateKey = decode(&json)?;
                if known.x != x {
                    return Err(RegistryError::Conflict(format!(
                        "key {kid} is already recorded with another public key"
                    )));
                }
                return Ok(false);
            }
            let key = CertificateKey {
                kid: kid.into(),
                x: x.into(),
                recorded_at: now.at.clone(),
            };
            tx.put_doc(DocKind::CertificateKey, kid, owner, &encode(&key)?)?;
            append(
                tx,
                now,
                actor,
                "certificate.key",
                format!("certificate-key:{kid}"),
                encode(&key)?,
            )?;
            Ok(true)
        })
    }

    /// Publishes an issuer key before any certificate (`fermata certificate key init`, and
    /// `fermata serve` at start): as [`Registry::record_certificate_key`], filed under the
    /// registry's operator party, or, when it has none, under its first party by id (a document
    /// belongs to a party; a key is public whoever it is filed under). `Ok(None)` when the
    /// registry has no party yet: nothing is written, and the key is published with the first
    /// certificate it signs (or at the next start of `fermata serve`).
    pub fn publish_certificate_key(
        &mut self,
        kid: &str,
        x: &str,
        actor: &str,
    ) -> Result<Option<bool>, RegistryError> {
        let parties = self.parties()?;
        let owner = parties
            .iter()
            .find(|p| p.kind == crate::PartyKind::Operator)
            .or_else(|| parties.iter().min_by(|a, b| a.id.cmp(&b.id)))
            .map(|p| p.id.clone());
        match owner {
            Some(owner) => self.record_certificate_key(kid, x, &owner, actor).map(Some),
            None => Ok(None),
        }
    }

    /// The issuer keys published, oldest first (the last is the one in use).
    pub fn certificate_keys(&mut self) -> Result<Vec<CertificateKey>, RegistryError> {
        self.read(|tx| {
            let mut keys: Vec<CertificateKey> = tx
                .docs(DocKind::CertificateKey, None)?
                .iter()
                .map(|j| decode(j))
                .collect::<Result<_, _>>()?;
            keys.sort_by(|a, b| (&a.recorded_at, &a.kid).cmp(&(&b.recorded_at, &b.kid)));
            Ok(keys)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Clock, Decision, LicenceGrant, PartyKind, PolicyChange, Verdict, Work};

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut r = Registry::create(&dir.path().join("registry.sqlite")).expect("create");
        r.set_clock(Clock::fixed("2030-01-01T00:00:00Z").expect("clock"));
        r.add_party("label-a", PartyKind::Label, "Label A", "t")
            .expect("party");
        r.add_party("acme-ai", PartyKind::Developer, "Acme AI", "t")
            .expect("party");
        let work = Work {
            isrc: "GBAAA2600001".parse().expect("isrc"),
            title: "A".into(),
            artist: "B".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: crate::parse_shares("label-a=100").expect("shares"),
            tracks: vec![],
        };
        r.register_works("label-a", vec![work], "t").expect("works");
        r.set_policy(
            PolicyChange::new("label-a", None, Use::TrainGenai, Decision::LicenceRequired),
            "label-a",
        )
        .expect("policy");
        (dir, r)
    }

    #[test]
    fn a_licence_revoked_after_the_training_date_was_in_force_on_it() {
        let (_d, mut r) = registry();
        let lic = r
            .grant_licence(
                LicenceGrant::new("label-a", "acme-ai", Use::TrainGenai, "2030-01-01"),
                "label-a",
            )
            .expect("grant");
        r.set_clock(Clock::fixed("2030-03-01T12:00:00Z").expect("clock"));
        r.revoke_licence(&lic.id, None, "label-a").expect("revoke");
        let isrc: Isrc = "GBAAA2600001".parse().expect("isrc");
        let dates = vec![
            "2030-02-01".to_string(),
            "2030-03-01".to_string(),
            "2030-04-01".into(),
        ];
        let answers = r
            .clear_on_dates(
                &[isrc],
                "acme-ai",
                Use::TrainGenai,
                &"DE".parse().expect("t"),
                &dates,
            )
            .expect("clear");
        let verdicts: Vec<Verdict> = answers[0].1.iter().map(|a| a.clearance.verdict).collect();
        // Before the revocation's day: cleared; on that day and after: not.
        assert_eq!(
            verdicts,
            [
                Verdict::Cleared,
                Verdict::LicenceRequired,
                Verdict::LicenceRequired
            ]
        );
        // Today's answer (the scan's) is unchanged: the licence is revoked.
        let today = r
            .clear(
                &"GBAAA2600001".parse().expect("isrc"),
                "acme-ai",
                Use::TrainGenai,
                &"DE".parse().expect("t"),
            )
            .expect("clear");
        assert_eq!(today.verdict, Verdict::LicenceRequired);
    }

    /// The verdicts for work 1 on `dates`.
    fn verdicts_on(r: &mut Registry, dates: &[&str]) -> Vec<Verdict> {
        let dates: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
        r.clear_on_dates(
            &["GBAAA2600001".parse().expect("isrc")],
            "acme-ai",
            Use::TrainGenai,
            &"DE".parse().expect("t"),
            &dates,
        )
        .expect("clear")[0]
            .1
            .iter()
            .map(|a| a.clearance.verdict)
            .collect()
    }

    fn set(r: &mut Registry, at: &str, decision: Decision) {
        r.set_clock(Clock::fixed(at).expect("clock"));
        r.set_policy(
            PolicyChange::new("label-a", None, Use::TrainGenai, decision),
            "label-a",
        )
        .expect("policy");
    }

    #[test]
    fn policies_are_read_as_they_stood_on_each_training_date() {
        let (_d, mut r) = registry();
        // Licence required from 2030-01-01; allowed from 2030-02-10 (midday); reserved again
        // from 2030-03-01 (midday); allowed for a work of its own from 2030-04-01.
        set(&mut r, "2030-02-10T12:00:00Z", Decision::Allow);
        set(&mut r, "2030-03-01T12:00:00Z", Decision::Deny);
        let days = [
            "2030-01-15",
            "2030-02-10",
            "2030-02-11",
            "2030-02-28",
            "2030-03-01",
            "2030-03-02",
        ];
        let expected = [
            Verdict::LicenceRequired,
            // Allowed during the day: the day is covered, as by a licence granted that day.
            Verdict::Cleared,
            Verdict::Cleared,
            Verdict::Cleared,
            // Reserved during the day: not covered, as by a licence revoked that day.
            Verdict::Denied,
            Verdict::Denied,
        ];
        assert_eq!(verdicts_on(&mut r, &days), expected);
        // A later "allow" never clears a day that came before it.
        set(&mut r, "2030-04-01T00:00:00Z", Decision::Allow);
        assert_eq!(verdicts_on(&mut r, &days), expected);
        assert_eq!(
            verdicts_on(&mut r, &["2030-03-31", "2030-04-01"]),
            [Verdict::Denied, Verdict::Cleared]
        );
        // And a later "no" never un-clears a day that was allowed.
        set(&mut r, "2030-05-01T00:00:00Z", Decision::Deny);
        assert_eq!(verdicts_on(&mut r, &["2030-02-20"]), [Verdict::Cleared]);
        // A work-level policy overrides the catalogue's from its moment on.
        r.set_clock(Clock::fixed("2030-06-01T00:00:00Z").expect("clock"));
        r.set_policy(
            PolicyChange::new(
                "label-a",
                Some("GBAAA2600001".parse().expect("isrc")),
                Use::TrainGenai,
                Decision::Allow,
            ),
            "label-a",
        )
        .expect("policy");
        assert_eq!(
            verdicts_on(&mut r, &["2030-05-15", "2030-06-01"]),
            [Verdict::Denied, Verdict::Cleared]
        );
    }

    #[test]
    fn certificates_and_keys_are_recorded_and_covered_by_the_audit_chain() {
        let (_d, mut r) = registry();
        assert!(
            r.record_certificate_key("kid1", "x1", "acme-ai", "operator")
                .expect("key")
        );
        assert!(
            !r.record_certificate_key("kid1", "x1", "acme-ai", "operator")
                .expect("again")
        );
        assert!(
            r.record_certificate_key("kid1", "x2", "acme-ai", "operator")
                .is_err()
        );
        assert!(
            r.record_certificate_key("bad kid!", "x1", "acme-ai", "operator")
                .is_err()
        );
        assert!(
            r.record_certificate_key("kid2", "x1", "nobody", "operator")
                .is_err()
        );
        let id = r.next_certificate_id().expect("id");
        assert_eq!(id, "cert-000001");
        let record = CertificateRecord {
            id: id.clone(),
            model: "m1".into(),
            developer: "acme-ai".into(),
            issuer: "fermata".into(),
            kid: "kid1".into(),
            issued_at: "2030-01-01T00:00:00Z".into(),
            jws_sha256: "00".repeat(32),
            jws: "a.b.c".into(),
        };
        r.record_certificate(&record, "operator").expect("record");
        assert!(matches!(
            r.record_certificate(&record, "operator"),
            Err(RegistryError::AlreadyExists { .. })
        ));
        let mut not_dev = record.clone();
        not_dev.id = "cert-000009".into();
        not_dev.developer = "label-a".into();
        assert!(r.record_certificate(&not_dev, "operator").is_err());
        assert_eq!(
            r.certificates(Some("m1")).expect("list"),
            vec![record.clone()]
        );
        assert!(r.certificates(Some("m2")).expect("list").is_empty());
        assert_eq!(r.certificate(&id).expect("one"), record);
        assert_eq!(r.certificate_keys().expect("keys").len(), 1);
        let report = r.verify_audit().expect("verify");
        assert!(report.first_bad.is_none(), "{report:?}");
        let events = r
            .history(Some(&format!("certificate:{id}")))
            .expect("history");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "certificate.issued");
    }

    #[test]
    fn a_key_is_published_before_any_certificate_under_the_operator_or_the_first_party() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut r = Registry::create(&dir.path().join("registry.sqlite")).expect("create");
        // No party: nothing to file it under, nothing written.
        assert_eq!(
            r.publish_certificate_key("kid1", "x1", "operator")
                .expect("none"),
            None
        );
        assert!(r.certificate_keys().expect("keys").is_empty());
        r.add_party("zeta-ai", PartyKind::Developer, "Zeta", "t")
            .expect("party");
        r.add_party("beta-label", PartyKind::Label, "Beta", "t")
            .expect("party");
        assert_eq!(
            r.publish_certificate_key("kid1", "x1", "operator")
                .expect("first"),
            Some(true)
        );
        assert_eq!(
            r.publish_certificate_key("kid1", "x1", "operator")
                .expect("again"),
            Some(false)
        );
        let keys = r.certificate_keys().expect("keys");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid, "kid1");
        // With an operator party, a new key is filed under it.
        r.add_party("op", PartyKind::Operator, "Operator", "t")
            .expect("party");
        assert_eq!(
            r.publish_certificate_key("kid2", "x2", "operator")
                .expect("second"),
            Some(true)
        );
        let owners: Vec<String> = r
            .read(|tx| tx.stored_docs(DocKind::CertificateKey))
            .expect("docs")
            .into_iter()
            .map(|d| d.owner)
            .collect();
        assert_eq!(owners, ["beta-label", "op"]);
        let report = r.verify_audit().expect("verify");
        assert!(report.first_bad.is_none(), "{report:?}");
    }
}
