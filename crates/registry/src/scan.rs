//! Clearance: what a holder's policies and licences say to one use of one work, how the
//! answers for the works in one file combine into the file's verdict, and the records of a scan.

use crate::market::Offer;
use crate::model::{Decision, Isrc, Licence, Policy, Price, Territory, Use, Work};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The answer for a file, a work, or one holder's share of a work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// May be used: every holder licensed or allowed it.
    Cleared,
    /// A holder offers a licence; until one is granted, it may not be used.
    LicenceRequired,
    /// A holder reserved the use (or set nothing, which means no).
    Denied,
    /// No registered recording was found. Never counted as cleared.
    Unidentified,
    /// The file could not be read.
    Error,
}

impl Verdict {
    /// Every verdict, in the order tables list them.
    pub const ALL: [Verdict; 5] =
        [Verdict::Cleared, Verdict::LicenceRequired, Verdict::Denied, Verdict::Unidentified, Verdict::Error];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Cleared => "cleared",
            Verdict::LicenceRequired => "licence-required",
            Verdict::Denied => "denied",
            Verdict::Unidentified => "unidentified",
            Verdict::Error => "error",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Terms a holder offers for a `licence-required` use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferedTerms {
    /// The published offer these terms come from (None: from a licence-required policy).
    pub offer: Option<String>,
    /// Requests under it are approved at once.
    pub auto_accept: bool,
    /// The price on offer.
    pub price: Option<Price>,
    /// The term on offer, in months.
    pub term_months: Option<u32>,
    /// Where the offer holds (empty: everywhere).
    pub territories: Vec<Territory>,
}

/// One holder's answer for its share of a work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderClearance {
    /// The holder.
    pub holder: String,
    /// Its share in the scanned territory, in basis points.
    pub basis_points: u32,
    /// Its answer: cleared, licence-required or denied.
    pub verdict: Verdict,
    /// The licence that clears it, if one does.
    pub licence: Option<String>,
    /// Why, in words.
    pub reason: String,
    /// What it offers, when a licence is required.
    pub offer: Option<OfferedTerms>,
}

/// The answer for one work: cleared only when every holder of a share clears it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkClearance {
    /// The work.
    pub isrc: Isrc,
    /// Its title.
    pub title: String,
    /// The combined answer.
    pub verdict: Verdict,
    /// Each holder's answer.
    pub holders: Vec<HolderClearance>,
}

/// Decides whether `developer` may make `use_` of `work` in `territory` on `date` (YYYY-MM-DD).
///
/// For each holder of a share in that territory: a licence that covers the use clears it;
/// otherwise its policy for this work, or else its catalogue-wide policy, answers; with no
/// policy the answer is `denied`. A policy limited to some territories answers `denied`
/// elsewhere. Uses are independent: a policy or licence for one use says nothing about another.
pub fn clear_work(
    work: &Work,
    developer: &str,
    use_: Use,
    territory: &Territory,
    date: &str,
    policies_of: &mut dyn FnMut(&str) -> Vec<Policy>,
    licences: &[Licence],
    offers: &[Offer],
) -> WorkClearance {
    let mut holders = Vec::new();
    for share in work.shares_in(territory) {
        let licence = licences.iter().find(|l| l.holder == share.holder && l.covers(developer, use_, &work.isrc, territory, date));
        let mut answer = HolderClearance {
            holder: share.holder.clone(),
            basis_points: share.basis_points,
            verdict: Verdict::Denied,
            licence: None,
            reason: String::new(),
            offer: None,
        };
        if let Some(l) = licence {
            answer.verdict = Verdict::Cleared;
            answer.licence = Some(l.id.clone());
            answer.reason = format!("licence {}", l.id);
            holders.push(answer);
            continue;
        }
        // The most specific answer wins: an offer naming the work, the work's policy, an offer
        // for the whole catalogue, the catalogue policy; at each level an offer (standing terms
        // published later for trade) comes before a policy.
        let holder_offers: Vec<&Offer> =
            offers.iter().filter(|o| o.holder == share.holder && o.covers(&work.isrc, use_, territory)).collect();
        let policies = policies_of(&share.holder);
        let for_work = policies.iter().find(|p| p.use_ == use_ && p.isrc.as_ref() == Some(&work.isrc));
        let default = policies.iter().find(|p| p.use_ == use_ && p.isrc.is_none());
        let offer_for_work = holder_offers.iter().find(|o| o.names(&work.isrc));
        let offer_for_catalogue = holder_offers.iter().find(|o| o.works.is_empty());
        let offer = match (offer_for_work, for_work, offer_for_catalogue) {
            (Some(o), _, _) => Some(*o),
            (None, None, Some(o)) => Some(*o),
            _ => None,
        };
        if let Some(o) = offer {
            answer.verdict = Verdict::LicenceRequired;
            answer.reason = format!("offer {} stands for {use_}", o.id);
            answer.offer = Some(OfferedTerms {
                offer: Some(o.id.clone()),
                auto_accept: o.auto_accept,
                price: Some(o.price.clone()),
                term_months: o.term_months,
                territories: o.territories.clone(),
            });
            holders.push(answer);
            continue;
        }
        let (policy, scope) = match (for_work, default) {
            (Some(p), _) => (Some(p), "its policy for this work"),
            (None, Some(p)) => (Some(p), "its catalogue policy"),
            (None, None) => (None, ""),
        };
        match policy {
            None => answer.reason = format!("no policy for {use_}: the default is deny"),
            Some(p) if !territory.covered_by(&p.territories) => {
                answer.reason = format!(
                    "{scope} for {use_} applies only in {}",
                    crate::model::territories_to_string(&p.territories)
                );
            }
            Some(p) => match p.decision {
                Decision::Deny => answer.reason = format!("{scope} reserves {use_}"),
                Decision::LicenceRequired => {
                    answer.verdict = Verdict::LicenceRequired;
                    answer.reason = format!("{scope} offers a licence for {use_}");
                    answer.offer = Some(OfferedTerms {
                        offer: None,
                        auto_accept: false,
                        price: p.price.clone(),
                        term_months: p.term_months,
                        territories: p.territories.clone(),
                    });
                }
                Decision::Allow => {
                    answer.verdict = Verdict::Cleared;
                    answer.reason = match &p.conditions {
                        Some(c) => format!("{scope} allows {use_} on condition: {c}"),
                        None => format!("{scope} allows {use_}"),
                    };
                }
            },
        }
        holders.push(answer);
    }
    let verdict = if holders.is_empty() {
        // A work always has shares; none in this territory means nobody there said yes.
        Verdict::Denied
    } else {
        holders.iter().map(|h| h.verdict).max().unwrap_or(Verdict::Denied)
    };
    WorkClearance { isrc: work.isrc.clone(), title: work.title.clone(), verdict, holders }
}

/// A registered recording found in a scanned file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileMatch {
    /// The index track that matched.
    pub track_id: String,
    /// Where it occurs in the file, in seconds.
    pub start_s: f64,
    /// Where it ends in the file.
    pub end_s: f64,
    /// Where the file's excerpt starts in the recording.
    pub reference_start_s: f64,
    /// Aligned landmarks.
    pub score: u32,
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileError {
    /// A stable kind (`corrupt`, `not-audio`, ...).
    pub kind: String,
    /// The message, naming the file.
    pub message: String,
}

/// The verdict for one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileVerdict {
    /// The combined answer.
    pub verdict: Verdict,
    /// Why, in words.
    pub reason: String,
    /// The answer for each registered work found in the file.
    pub works: Vec<WorkClearance>,
}

impl FileVerdict {
    /// Combines the answers for the works found in a file: a file that holds several works (a
    /// mix) is cleared only when all of them are, denied when any is, and otherwise needs a
    /// licence. A file with no registered work is `unidentified`.
    pub fn combine(works: Vec<WorkClearance>) -> FileVerdict {
        let Some(verdict) = works.iter().map(|w| w.verdict).max() else {
            return FileVerdict {
                verdict: Verdict::Unidentified,
                reason: "no registered recording found".into(),
                works,
            };
        };
        let listed = |v: Verdict| works.iter().filter(|w| w.verdict == v).map(|w| w.isrc.to_string()).collect::<Vec<_>>().join(", ");
        let reason = match verdict {
            Verdict::Cleared => {
                let basis: Vec<String> = works
                    .iter()
                    .flat_map(|w| w.holders.iter().map(|h| h.licence.clone().unwrap_or_else(|| format!("{} policy", h.holder))))
                    .collect();
                format!("cleared by {}", dedup(basis).join(", "))
            }
            Verdict::LicenceRequired => format!("a licence is required for {}", listed(Verdict::LicenceRequired)),
            _ => format!("reserved by a rights holder: {}", listed(Verdict::Denied)),
        };
        FileVerdict { verdict, reason, works }
    }

    /// The verdict of a file that could not be read.
    pub fn error(error: &FileError) -> FileVerdict {
        FileVerdict { verdict: Verdict::Error, reason: error.message.clone(), works: Vec::new() }
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

/// A clearance scan of a dataset for one developer, model, use and territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scan {
    /// Its id, e.g. `scan-000001`.
    pub id: String,
    /// The developer it is for.
    pub developer: String,
    /// The model the data is for.
    pub model: String,
    /// The use asked about.
    #[serde(rename = "use")]
    pub use_: Use,
    /// The territory asked about.
    pub territory: Territory,
    /// The dataset directory, as given.
    pub dataset: String,
    /// When it started.
    pub started_at: String,
    /// When its verdicts were last decided; None while files remain to identify.
    pub finished_at: Option<String>,
}

/// One file of a scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanFile {
    /// Path relative to the dataset directory, with forward slashes.
    pub path: String,
    /// Size in bytes when scanned.
    pub size: u64,
    /// Modification time (ns since the epoch) when scanned: a changed file is scanned again.
    pub mtime_ns: i64,
    /// Hex SHA-256 of the file's bytes (None if it could not be read).
    pub sha256: Option<String>,
    /// Seconds of audio.
    pub duration_s: f64,
    /// The registered recordings found.
    pub matches: Vec<FileMatch>,
    /// Why it could not be read, if it could not.
    pub error: Option<FileError>,
    /// The verdict, decided when the scan finishes.
    pub verdict: Option<FileVerdict>,
    /// Where the file came from and what that source says about AI training, when known.
    #[serde(default)]
    pub source: Option<SourceCheck>,
}

/// A file's source URL and its rights reservation, as read when the file was scanned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceCheck {
    /// The URL the file was obtained from.
    pub url: String,
    /// Why the source reserves AI training (TDMRep, robots.txt Content-Usage, headers), if it does.
    pub reserved: Option<String>,
    /// Why the source's signals could not be read, if they could not.
    pub error: Option<String>,
}

/// A cleared manifest built from a scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManifestRecord {
    /// Its id, e.g. `manifest-000001`.
    pub id: String,
    /// The scan it lists the cleared files of.
    pub scan_id: String,
    /// Hex Merkle root.
    pub root: String,
    /// Number of leaves.
    pub leaves: u64,
    /// Where the manifest file was written.
    pub path: String,
    /// When.
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_shares, Decision};

    fn work(shares: &str) -> Work {
        Work {
            isrc: "GBAYE6900531".parse().unwrap(),
            title: "Song".into(),
            artist: "Artist".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: parse_shares(shares).unwrap(),
            tracks: vec![],
        }
    }

    fn policy(holder: &str, isrc: Option<&str>, use_: Use, decision: Decision, territories: &str) -> Policy {
        Policy {
            holder: holder.into(),
            isrc: isrc.map(|i| i.parse().unwrap()),
            use_,
            decision,
            territories: crate::model::parse_territories(territories).unwrap(),
            price: None,
            term_months: None,
            conditions: None,
            updated_at: String::new(),
        }
    }

    fn licence(holder: &str, use_: Use, from: &str, to: Option<&str>) -> Licence {
        Licence {
            id: "lic-000001".into(),
            holder: holder.into(),
            developer: "dev".into(),
            use_,
            works: vec![],
            territories: vec![],
            valid_from: from.into(),
            valid_to: to.map(Into::into),
            price: None,
            terms: None,
            granted_at: String::new(),
            revoked_at: None,
            revoke_reason: None,
        }
    }

    fn decide(w: &Work, policies: &[Policy], licences: &[Licence], use_: Use, territory: &str) -> WorkClearance {
        let mut lookup = |h: &str| policies.iter().filter(|p| p.holder == h).cloned().collect();
        clear_work(w, "dev", use_, &territory.parse().unwrap(), "2026-06-01", &mut lookup, licences, &[])
    }

    #[test]
    fn no_policy_means_no() {
        let w = work("label-a=100");
        let c = decide(&w, &[], &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Denied);
        assert!(c.holders[0].reason.contains("default is deny"));
    }

    #[test]
    fn work_policy_overrides_catalogue_policy_and_uses_are_independent() {
        let w = work("label-a=100");
        let policies = [
            policy("label-a", None, Use::TrainGenai, Decision::Allow, ""),
            policy("label-a", Some("GBAYE6900531"), Use::TrainGenai, Decision::LicenceRequired, ""),
            policy("label-a", None, Use::TrainAi, Decision::Allow, ""),
        ];
        assert_eq!(decide(&w, &policies, &[], Use::TrainGenai, "DE").verdict, Verdict::LicenceRequired);
        assert_eq!(decide(&w, &policies, &[], Use::TrainAi, "DE").verdict, Verdict::Cleared);
        // Allowing every kind of training still says nothing about voice likeness.
        assert_eq!(decide(&w, &policies, &[], Use::VoiceLikeness, "DE").verdict, Verdict::Denied);
    }

    #[test]
    fn policy_territories_limit_the_answer() {
        let w = work("label-a=100");
        let policies = [policy("label-a", None, Use::TrainGenai, Decision::Allow, "FR")];
        assert_eq!(decide(&w, &policies, &[], Use::TrainGenai, "FR").verdict, Verdict::Cleared);
        let c = decide(&w, &policies, &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Denied);
        assert!(c.holders[0].reason.contains("only in FR"));
    }

    #[test]
    fn every_holder_must_clear_a_co_owned_work() {
        let w = work("label-a=50;pub-b=50");
        let policies = [
            policy("label-a", None, Use::TrainGenai, Decision::Allow, ""),
            policy("pub-b", None, Use::TrainGenai, Decision::LicenceRequired, ""),
        ];
        let c = decide(&w, &policies, &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::LicenceRequired);
        let granted = [licence("pub-b", Use::TrainGenai, "2026-01-01", Some("2026-12-31"))];
        let c = decide(&w, &policies, &granted, Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Cleared);
        assert_eq!(c.holders[1].licence.as_deref(), Some("lic-000001"));
    }

    #[test]
    fn licences_apply_only_in_their_period_and_until_revoked() {
        let w = work("label-a=100");
        let expired = [licence("label-a", Use::TrainGenai, "2025-01-01", Some("2025-12-31"))];
        assert_eq!(decide(&w, &[], &expired, Use::TrainGenai, "DE").verdict, Verdict::Denied);
        let mut revoked = licence("label-a", Use::TrainGenai, "2026-01-01", None);
        revoked.revoked_at = Some("2026-05-01T00:00:00Z".into());
        assert_eq!(decide(&w, &[], &[revoked], Use::TrainGenai, "DE").verdict, Verdict::Denied);
        let other_use = [licence("label-a", Use::TrainAi, "2026-01-01", None)];
        assert_eq!(decide(&w, &[], &other_use, Use::TrainGenai, "DE").verdict, Verdict::Denied);
    }

    #[test]
    fn a_mix_is_cleared_only_if_every_work_is() {
        let w = work("label-a=100");
        let cleared = decide(&w, &[policy("label-a", None, Use::TrainGenai, Decision::Allow, "")], &[], Use::TrainGenai, "DE");
        let denied = decide(&w, &[], &[], Use::TrainGenai, "DE");
        assert_eq!(FileVerdict::combine(vec![cleared.clone()]).verdict, Verdict::Cleared);
        assert_eq!(FileVerdict::combine(vec![cleared, denied]).verdict, Verdict::Denied);
        assert_eq!(FileVerdict::combine(vec![]).verdict, Verdict::Unidentified);
    }
}
