//! The issuing rule: gather a model's facts from the registry and refuse unless every work of
//! its cleared manifests was licensed or allowed on each training date.

use crate::{
    CERTIFICATE_FORMAT, CERTIFICATE_VERSION, CertLicence, CertManifest, CertPolicy, CertScan,
    CertUsage, Certificate, CertificateError, IssuerKey, sha256_hex, sign,
};
use fermata_registry::{
    AnswerSource, CertificateRecord, Isrc, Registry, Scan, UsageReport, Verdict,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One work not cleared on one training date, for one holder, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlicensed {
    /// The work's ISRC.
    pub work: String,
    /// The holder whose answer was not yes.
    pub holder: String,
    /// The training date.
    pub date: String,
    /// Why: the registry's answer, or the policy's change after the date.
    pub why: String,
}

/// A certificate issued and recorded.
#[derive(Clone, Debug)]
pub struct Issued {
    /// What it states.
    pub certificate: Certificate,
    /// The JWS.
    pub jws: String,
    /// The registry's record of it.
    pub record: CertificateRecord,
}

/// The model's finished scans by one developer (`developer`, or the only one there is).
fn scans_of(
    registry: &mut Registry,
    model: &str,
    developer: Option<&str>,
) -> Result<(String, Vec<Scan>), CertificateError> {
    let finished: Vec<Scan> = registry
        .scans()?
        .into_iter()
        .filter(|s| s.model == model && s.finished_at.is_some())
        .filter(|s| developer.is_none_or(|d| s.developer == d))
        .collect();
    let developers: BTreeSet<&str> = finished.iter().map(|s| s.developer.as_str()).collect();
    let developer = match (developer, developers.len()) {
        (_, 0) => return Err(CertificateError::NoScans(model.into())),
        (Some(d), _) => d.to_string(),
        (None, 1) => developers
            .iter()
            .next()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        (None, _) => {
            return Err(CertificateError::AmbiguousDeveloper {
                model: model.into(),
                developers: developers.into_iter().collect::<Vec<_>>().join(", "),
            });
        }
    };
    Ok((developer, finished))
}

/// A policy as the certificate states it.
fn cert_policy(p: &fermata_registry::Policy) -> CertPolicy {
    CertPolicy {
        holder: p.holder.clone(),
        work: p
            .isrc
            .as_ref()
            .map_or("catalogue".into(), |i| i.to_string()),
        use_: p.use_.to_string(),
        decision: p.decision.to_string(),
        territories: p.territories.iter().map(|t| t.to_string()).collect(),
        updated_at: p.updated_at.clone(),
    }
}

/// Gathers what a certificate for `model` would state, and applies the issuing rule: every
/// distinct work among the entries of each finished scan's latest cleared manifest must be
/// cleared — by [`Registry::clear_on_dates`], the registry's one answer with licences as they
/// stood on the day — for the scan's developer, use and territory on every training date (the
/// dates of the developer's usage reports for the model), with each holder's policies as they
/// stood on the date; the policies that cleared a work are stated as they were then. Refuses, naming every (work, holder, date,
/// why), when it is not; refuses a model with no finished scan, no cleared manifest or no usage
/// report. Returns the unsigned certificate (no id, issuer, key or date yet). Reads only.
pub fn gather(
    registry: &mut Registry,
    model: &str,
    developer: Option<&str>,
) -> Result<Certificate, CertificateError> {
    let (developer, scans) = scans_of(registry, model, developer)?;
    let manifests = registry.manifests()?;
    let mut covered = Vec::new();
    for scan in &scans {
        // The scan's latest manifest (ids grow with time).
        if let Some(record) = manifests.iter().rfind(|m| m.scan_id == scan.id) {
            let (_, manifest) = fermata_report::recorded_manifest(registry, &record.id)?;
            covered.push((scan.clone(), manifest));
        }
    }
    if covered.is_empty() {
        return Err(CertificateError::NoManifest(model.into()));
    }
    let mut reports: Vec<UsageReport> = registry
        .usage_reports(Some(&developer))?
        .into_iter()
        .filter(|r| r.model == model)
        .collect();
    if reports.is_empty() {
        return Err(CertificateError::NoUsage(model.into()));
    }
    reports.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    let dates: Vec<String> = reports
        .iter()
        .map(|r| r.date.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    let all_licences = registry.licences(None)?;
    let mut problems = Vec::new();
    let mut licence_ids = BTreeSet::new();
    let mut policies = BTreeSet::new();
    let mut cert_scans = Vec::new();
    let mut all_works = BTreeSet::new();
    for (scan, manifest) in &covered {
        let works: Vec<Isrc> = manifest
            .entries
            .iter()
            .map(|e| e.isrc.parse::<Isrc>())
            .collect::<Result<BTreeSet<_>, _>>()?
            .into_iter()
            .collect();
        all_works.extend(works.iter().cloned());
        let answers =
            registry.clear_on_dates(&works, &developer, scan.use_, &scan.territory, &dates)?;
        for (isrc, dated) in answers {
            for d in dated {
                for h in &d.clearance.holders {
                    if h.verdict != Verdict::Cleared {
                        problems.push(Unlicensed {
                            work: isrc.to_string(),
                            holder: h.holder.clone(),
                            date: d.date.clone(),
                            why: format!("{} ({})", h.verdict, h.reason),
                        });
                        continue;
                    }
                    match h.source {
                        Some(AnswerSource::Licence) => {
                            if let Some(id) = &h.licence {
                                licence_ids.insert(id.clone());
                            }
                        }
                        Some(AnswerSource::WorkPolicy | AnswerSource::CataloguePolicy) => {
                            // The policy as it stood on the date (the registry reads it from
                            // the audit log), not as it stands today.
                            let work =
                                (h.source == Some(AnswerSource::WorkPolicy)).then(|| isrc.clone());
                            match d
                                .policies
                                .iter()
                                .find(|p| p.holder == h.holder && p.isrc == work)
                            {
                                Some(p) => {
                                    policies.insert(cert_policy(p));
                                }
                                None => problems.push(Unlicensed {
                                    work: isrc.to_string(),
                                    holder: h.holder.clone(),
                                    date: d.date.clone(),
                                    why: "cleared by a policy the registry cannot name".into(),
                                }),
                            }
                        }
                        // Cleared by anything else (an answer recorded without its source)
                        // cannot be shown.
                        _ => problems.push(Unlicensed {
                            work: isrc.to_string(),
                            holder: h.holder.clone(),
                            date: d.date.clone(),
                            why: format!(
                                "cleared ({}) by a statement the certificate cannot name",
                                h.reason
                            ),
                        }),
                    }
                }
                if d.clearance.holders.is_empty() {
                    problems.push(Unlicensed {
                        work: isrc.to_string(),
                        holder: String::new(),
                        date: d.date.clone(),
                        why: format!("no holder has a share in {}", scan.territory),
                    });
                }
            }
        }
        cert_scans.push(CertScan {
            id: scan.id.clone(),
            dataset: scan.dataset.clone(),
            use_: scan.use_.to_string(),
            territory: scan.territory.to_string(),
            finished_at: scan.finished_at.clone().unwrap_or_default(),
            manifest: CertManifest {
                id: manifest.id.clone(),
                version: manifest.version,
                root: manifest.merkle.root.clone(),
                tree_size: manifest.merkle.tree_size,
                works: works.len() as u64,
                declared: manifest.declared.len() as u64,
            },
        });
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.work, &a.date, &a.holder).cmp(&(&b.work, &b.date, &b.holder)));
        problems.dedup();
        return Err(CertificateError::Refused {
            model: model.into(),
            problems,
        });
    }

    let licences = all_licences
        .iter()
        .filter(|l| licence_ids.contains(&l.id))
        .map(|l| CertLicence {
            id: l.id.clone(),
            holder: l.holder.clone(),
            use_: l.use_.to_string(),
            works: if l.works.is_empty() {
                vec!["catalogue".into()]
            } else {
                l.works.iter().map(|w| w.to_string()).collect()
            },
            territories: l.territories.iter().map(|t| t.to_string()).collect(),
            valid_from: l.valid_from.clone(),
            valid_to: l.valid_to.clone(),
            revoked_at: l.revoked_at.clone(),
        })
        .collect();
    let policies: Vec<CertPolicy> = policies.into_iter().collect();
    let usage_reports = reports
        .iter()
        .map(|r| {
            let json = serde_json::to_string(r).map_err(|e| {
                CertificateError::Malformed(format!("cannot encode usage report {}: {e}", r.id))
            })?;
            Ok(CertUsage {
                id: r.id.clone(),
                date: r.date.clone(),
                run: r.run.clone(),
                sha256: sha256_hex(json.as_bytes()),
            })
        })
        .collect::<Result<Vec<_>, CertificateError>>()?;
    Ok(Certificate {
        format: CERTIFICATE_FORMAT.into(),
        version: CERTIFICATE_VERSION,
        id: String::new(),
        issuer: String::new(),
        kid: String::new(),
        issued_at: String::new(),
        statement: format!(
            "The issuer's registry records, at issued_at, show every one of the {n} works in the cleared manifests of model {model} by {developer} licensed or allowed by every holder of a share, for the scans' use and territory, on each training date.",
            n = all_works.len(),
        ),
        model: model.into(),
        developer,
        training_dates: dates,
        scans: cert_scans,
        licences,
        policies,
        usage_reports,
        works: all_works.len() as u64,
    })
}

/// Issues a certificate for `model`: [`gather`] (the rule), then publishes the key in the
/// registry (`certificate.key`, once per key, filed under the developer), takes the next id, signs as `issuer` at the
/// registry's clock and records it (`certificate.issued`). The caller writes the JWS wherever it
/// wants; nothing here touches a file but the recorded manifests it reads.
pub fn issue(
    registry: &mut Registry,
    model: &str,
    developer: Option<&str>,
    issuer: &str,
    key: &IssuerKey,
    actor: &str,
) -> Result<Issued, CertificateError> {
    if issuer.trim().is_empty() || issuer.chars().count() > fermata_registry::MAX_NAME_CHARS {
        return Err(CertificateError::Key(format!(
            "the issuer's name must be 1 to {} characters",
            fermata_registry::MAX_NAME_CHARS
        )));
    }
    let mut certificate = gather(registry, model, developer)?;
    let public = key.public();
    registry.record_certificate_key(&public.kid(), &public.x(), &certificate.developer, actor)?;
    certificate.id = registry.next_certificate_id()?;
    certificate.issuer = issuer.into();
    certificate.kid = public.kid();
    certificate.issued_at = registry.now().at;
    let jws = sign(&certificate, key)?;
    let record = CertificateRecord {
        id: certificate.id.clone(),
        model: certificate.model.clone(),
        developer: certificate.developer.clone(),
        issuer: certificate.issuer.clone(),
        kid: certificate.kid.clone(),
        issued_at: certificate.issued_at.clone(),
        jws_sha256: sha256_hex(jws.as_bytes()),
        jws: jws.clone(),
    };
    registry.record_certificate(&record, actor)?;
    Ok(Issued {
        certificate,
        jws,
        record,
    })
}
