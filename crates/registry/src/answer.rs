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
    pub const ALL: [Verdict; 5] = [
        Verdict::Cleared,
        Verdict::LicenceRequired,
        Verdict::Denied,
        Verdict::Unidentified,
        Verdict::Error,
    ];

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
    /// Which of the holder's statements gave the answer (None in verdicts recorded before it was kept).
    #[serde(default)]
    pub source: Option<AnswerSource>,
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

/// Which statement of the holder an answer comes from, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AnswerSource {
    /// A licence granted to this developer.
    Licence,
    /// An offer naming the work.
    WorkOffer,
    /// The holder's policy for the work.
    WorkPolicy,
    /// An offer for the holder's whole catalogue.
    CatalogueOffer,
    /// The holder's catalogue-wide policy.
    CataloguePolicy,
    /// Nothing: the holder has not answered, and no means no.
    NoPolicy,
}

/// The question put to a holder: may `developer` make `use_` of a work (or of the holder's
/// catalogue) in `territory` on `date`?
#[derive(Clone, Copy, Debug)]
pub struct Question<'a> {
    /// The developer asking; None when no developer is in view (no licence can then apply).
    pub developer: Option<&'a str>,
    /// The use.
    pub use_: Use,
    /// Where.
    pub territory: &'a Territory,
    /// On which day (YYYY-MM-DD).
    pub date: &'a str,
}

fn licence_applies(
    l: &Licence,
    developer: &str,
    use_: Use,
    work: Option<&Isrc>,
    territory: &Territory,
) -> bool {
    l.revoked_at.is_none()
        && l.developer == developer
        && l.use_ == use_
        && match work {
            Some(isrc) => l.works.is_empty() || l.works.contains(isrc),
            None => l.works.is_empty(),
        }
        && territory.covered_by(&l.territories)
}

/// What `holder` says to the question about `work` (None: its catalogue as a whole), and why.
///
/// This is the one answer every door gives — scans, licence requests and their auto-accept,
/// `policy show`, the API — so none of them can disagree. In order, the first that speaks wins:
/// a licence to the developer covering the use, work, territory and date; the holder's deny for
/// the work; an offer naming the work; the holder's policy for the work; its catalogue deny; an
/// offer for its whole catalogue; its catalogue policy; else `denied` (no means no). So a deny
/// is never overridden by the holder's own offer at the same or a broader level, whichever came
/// first. A policy or offer limited to some territories says
/// nothing elsewhere (a policy then answers `denied` there). An offer makes the answer
/// `licence-required` with its terms.
pub fn holder_answer(
    holder: &str,
    basis_points: u32,
    work: Option<&Isrc>,
    q: &Question<'_>,
    policies: &[Policy],
    licences: &[Licence],
    offers: &[Offer],
) -> HolderClearance {
    let use_ = q.use_;
    let territory = q.territory;
    let mut answer = HolderClearance {
        holder: holder.to_string(),
        basis_points,
        verdict: Verdict::Denied,
        licence: None,
        reason: String::new(),
        offer: None,
        source: None,
    };
    let mut licence_note = String::new();
    if let Some(developer) = q.developer {
        let applicable: Vec<&Licence> = licences
            .iter()
            .filter(|l| l.holder == holder && licence_applies(l, developer, use_, work, territory))
            .collect();
        if let Some(l) = applicable.iter().find(|l| {
            l.valid_from.as_str() <= q.date && l.valid_to.as_deref().is_none_or(|to| q.date <= to)
        }) {
            answer.verdict = Verdict::Cleared;
            answer.licence = Some(l.id.clone());
            answer.reason = format!("licence {}", l.id);
            answer.source = Some(AnswerSource::Licence);
            return answer;
        }
        // A licence that does not hold today is worth saying, so nobody mistakes it for one that does.
        if let Some(l) = applicable
            .iter()
            .filter(|l| l.valid_from.as_str() > q.date)
            .min_by(|a, b| a.valid_from.cmp(&b.valid_from))
        {
            licence_note = format!("; licence {} starts on {}", l.id, l.valid_from);
        } else if let Some(l) = applicable
            .iter()
            .filter(|l| l.valid_to.as_deref().is_some_and(|to| to < q.date))
            .max_by(|a, b| a.valid_to.cmp(&b.valid_to))
        {
            licence_note = format!(
                "; licence {} ended on {}",
                l.id,
                l.valid_to.as_deref().unwrap_or_default()
            );
        }
    }
    let standing = |o: &&Offer| {
        o.holder == holder
            && o.withdrawn_at.is_none()
            && o.use_ == use_
            && territory.covered_by(&o.territories)
    };
    let offer_for_work =
        work.and_then(|isrc| offers.iter().filter(standing).find(|o| o.names(isrc)));
    let offer_for_catalogue = offers.iter().filter(standing).find(|o| o.works.is_empty());
    let mine = |p: &&Policy| p.holder == holder && p.use_ == use_;
    let for_work = work.and_then(|isrc| {
        policies
            .iter()
            .filter(mine)
            .find(|p| p.isrc.as_ref() == Some(isrc))
    });
    let for_catalogue = policies.iter().filter(mine).find(|p| p.isrc.is_none());
    // A deny is never overridden by the holder's own offer at the same or a broader level, in
    // whatever order the two were made: a work's deny beats every offer; a catalogue deny beats
    // a catalogue offer (an offer naming the work is more specific and still answers for it).
    let denies = |p: &&Policy| p.decision == Decision::Deny && territory.covered_by(&p.territories);
    let work_denied = for_work.filter(denies).is_some();
    let catalogue_denied = for_catalogue.filter(denies).is_some();
    let offer = match (offer_for_work, for_work, offer_for_catalogue) {
        _ if work_denied => None,
        (Some(o), _, _) => Some((o, AnswerSource::WorkOffer)),
        (None, None, Some(o)) if !catalogue_denied => Some((o, AnswerSource::CatalogueOffer)),
        _ => None,
    };
    if let Some((o, source)) = offer {
        answer.verdict = Verdict::LicenceRequired;
        answer.reason = format!("{holder}'s offer {} stands for {use_}{licence_note}", o.id);
        answer.source = Some(source);
        answer.offer = Some(OfferedTerms {
            offer: Some(o.id.clone()),
            auto_accept: o.auto_accept,
            price: Some(o.price.clone()),
            term_months: o.term_months,
            territories: o.territories.clone(),
        });
        return answer;
    }
    let (policy, scope, source) = match (for_work, for_catalogue) {
        (Some(p), _) => (p, "policy for this work", AnswerSource::WorkPolicy),
        (None, Some(p)) => (p, "catalogue policy", AnswerSource::CataloguePolicy),
        (None, None) => {
            answer.source = Some(AnswerSource::NoPolicy);
            answer.reason = format!(
                "{holder} has not answered (no policy for {use_}): default deny{licence_note}"
            );
            return answer;
        }
    };
    answer.source = Some(source);
    if !territory.covered_by(&policy.territories) {
        answer.reason = format!(
            "{holder}'s {scope} for {use_} applies only in {}: deny here{licence_note}",
            crate::model::territories_to_string(&policy.territories)
        );
        return answer;
    }
    match policy.decision {
        Decision::Deny => {
            answer.reason = format!("{holder}'s {scope} reserves {use_}{licence_note}")
        }
        Decision::LicenceRequired => {
            answer.verdict = Verdict::LicenceRequired;
            answer.reason = format!("{holder}'s {scope} asks a licence for {use_}{licence_note}");
            answer.offer = Some(OfferedTerms {
                offer: None,
                auto_accept: false,
                price: policy.price.clone(),
                term_months: policy.term_months,
                territories: policy.territories.clone(),
            });
        }
        Decision::Allow => {
            answer.verdict = Verdict::Cleared;
            answer.reason = match &policy.conditions {
                Some(c) => format!("{holder}'s {scope} allows {use_} on condition: {c}"),
                None => format!("{holder}'s {scope} allows {use_}"),
            };
        }
    }
    answer
}

/// Decides whether `developer` may make `use_` of `work` in `territory` on `date` (YYYY-MM-DD):
/// [`holder_answer`] for each holder of a share there; the work is cleared only when every one
/// of them clears it.
#[allow(clippy::too_many_arguments)]
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
    let q = Question {
        developer: Some(developer),
        use_,
        territory,
        date,
    };
    let holders: Vec<HolderClearance> = work
        .shares_in(territory)
        .into_iter()
        .map(|share| {
            holder_answer(
                &share.holder,
                share.basis_points,
                Some(&work.isrc),
                &q,
                &policies_of(&share.holder),
                licences,
                offers,
            )
        })
        .collect();
    let verdict = if holders.is_empty() {
        // A work always has shares; none in this territory means nobody there said yes.
        Verdict::Denied
    } else {
        holders
            .iter()
            .map(|h| h.verdict)
            .max()
            .unwrap_or(Verdict::Denied)
    };
    WorkClearance {
        isrc: work.isrc.clone(),
        title: work.title.clone(),
        verdict,
        holders,
    }
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
    /// The probability that chance alone reaches this score in the index it was found in (0
    /// to 1): near 0 for a real match, larger for a weak one. Absent in scans made before it
    /// was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_match_p: Option<f64>,
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
        let listed = |v: Verdict| {
            works
                .iter()
                .filter(|w| w.verdict == v)
                .map(|w| w.isrc.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let reason = match verdict {
            Verdict::Cleared => {
                let basis: Vec<String> = works
                    .iter()
                    .flat_map(|w| {
                        w.holders.iter().map(|h| {
                            h.licence
                                .clone()
                                .unwrap_or_else(|| format!("{} policy", h.holder))
                        })
                    })
                    .collect();
                format!("cleared by {}", dedup(basis).join(", "))
            }
            Verdict::LicenceRequired => format!(
                "a licence is required for {}",
                listed(Verdict::LicenceRequired)
            ),
            _ => {
                // Name who said no, or who has not answered, for each work: "no policy" and an
                // explicit reservation are both a no, but they ask different things of a developer.
                let why: Vec<String> = works
                    .iter()
                    .filter(|w| w.verdict == Verdict::Denied)
                    .map(|w| {
                        let holders: Vec<&str> = w
                            .holders
                            .iter()
                            .filter(|h| h.verdict == Verdict::Denied)
                            .map(|h| h.reason.as_str())
                            .collect();
                        if holders.is_empty() {
                            format!("{}: no holder of a share here", w.isrc)
                        } else {
                            format!("{}: {}", w.isrc, holders.join("; "))
                        }
                    })
                    .collect();
                format!("denied: {}", why.join(" | "))
            }
        };
        FileVerdict {
            verdict,
            reason,
            works,
        }
    }

    /// The verdict of a file that could not be read.
    pub fn error(error: &FileError) -> FileVerdict {
        FileVerdict {
            verdict: Verdict::Error,
            reason: error.message.clone(),
            works: Vec::new(),
        }
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
    use crate::model::{Decision, parse_shares};

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

    fn policy(
        holder: &str,
        isrc: Option<&str>,
        use_: Use,
        decision: Decision,
        territories: &str,
    ) -> Policy {
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

    fn decide(
        w: &Work,
        policies: &[Policy],
        licences: &[Licence],
        use_: Use,
        territory: &str,
    ) -> WorkClearance {
        let mut lookup = |h: &str| policies.iter().filter(|p| p.holder == h).cloned().collect();
        clear_work(
            w,
            "dev",
            use_,
            &territory.parse().unwrap(),
            "2026-06-01",
            &mut lookup,
            licences,
            &[],
        )
    }

    #[test]
    fn no_policy_means_no() {
        let w = work("label-a=100");
        let c = decide(&w, &[], &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Denied);
        assert!(
            c.holders[0].reason.contains("label-a has not answered"),
            "{}",
            c.holders[0].reason
        );
        assert!(
            c.holders[0].reason.contains("default deny"),
            "{}",
            c.holders[0].reason
        );
    }

    #[test]
    fn work_policy_overrides_catalogue_policy_and_uses_are_independent() {
        let w = work("label-a=100");
        let policies = [
            policy("label-a", None, Use::TrainGenai, Decision::Allow, ""),
            policy(
                "label-a",
                Some("GBAYE6900531"),
                Use::TrainGenai,
                Decision::LicenceRequired,
                "",
            ),
            policy("label-a", None, Use::TrainAi, Decision::Allow, ""),
        ];
        assert_eq!(
            decide(&w, &policies, &[], Use::TrainGenai, "DE").verdict,
            Verdict::LicenceRequired
        );
        assert_eq!(
            decide(&w, &policies, &[], Use::TrainAi, "DE").verdict,
            Verdict::Cleared
        );
        // Allowing every kind of training still says nothing about voice likeness.
        assert_eq!(
            decide(&w, &policies, &[], Use::VoiceLikeness, "DE").verdict,
            Verdict::Denied
        );
    }

    #[test]
    fn policy_territories_limit_the_answer() {
        let w = work("label-a=100");
        let policies = [policy(
            "label-a",
            None,
            Use::TrainGenai,
            Decision::Allow,
            "FR",
        )];
        assert_eq!(
            decide(&w, &policies, &[], Use::TrainGenai, "FR").verdict,
            Verdict::Cleared
        );
        let c = decide(&w, &policies, &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Denied);
        assert!(c.holders[0].reason.contains("only in FR"));
    }

    #[test]
    fn every_holder_must_clear_a_co_owned_work() {
        let w = work("label-a=50;pub-b=50");
        let policies = [
            policy("label-a", None, Use::TrainGenai, Decision::Allow, ""),
            policy(
                "pub-b",
                None,
                Use::TrainGenai,
                Decision::LicenceRequired,
                "",
            ),
        ];
        let c = decide(&w, &policies, &[], Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::LicenceRequired);
        let granted = [licence(
            "pub-b",
            Use::TrainGenai,
            "2026-01-01",
            Some("2026-12-31"),
        )];
        let c = decide(&w, &policies, &granted, Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Cleared);
        assert_eq!(c.holders[1].licence.as_deref(), Some("lic-000001"));
    }

    #[test]
    fn licences_apply_only_in_their_period_and_until_revoked() {
        let w = work("label-a=100");
        let expired = [licence(
            "label-a",
            Use::TrainGenai,
            "2025-01-01",
            Some("2025-12-31"),
        )];
        assert_eq!(
            decide(&w, &[], &expired, Use::TrainGenai, "DE").verdict,
            Verdict::Denied
        );
        let mut revoked = licence("label-a", Use::TrainGenai, "2026-01-01", None);
        revoked.revoked_at = Some("2026-05-01T00:00:00Z".into());
        assert_eq!(
            decide(&w, &[], &[revoked], Use::TrainGenai, "DE").verdict,
            Verdict::Denied
        );
        let other_use = [licence("label-a", Use::TrainAi, "2026-01-01", None)];
        assert_eq!(
            decide(&w, &[], &other_use, Use::TrainGenai, "DE").verdict,
            Verdict::Denied
        );
    }

    #[test]
    fn a_licence_not_yet_started_or_ended_is_named_in_the_reason() {
        let w = work("label-a=100");
        let later = [licence("label-a", Use::TrainGenai, "2026-12-01", None)];
        let c = decide(&w, &[], &later, Use::TrainGenai, "DE");
        assert_eq!(c.verdict, Verdict::Denied);
        assert!(
            c.holders[0].reason.contains("starts on 2026-12-01"),
            "{}",
            c.holders[0].reason
        );
        assert_eq!(later[0].status_on("2026-06-01"), "scheduled");
        let ended = [licence(
            "label-a",
            Use::TrainGenai,
            "2025-01-01",
            Some("2025-12-31"),
        )];
        let c = decide(&w, &[], &ended, Use::TrainGenai, "DE");
        assert!(
            c.holders[0].reason.contains("ended on 2025-12-31"),
            "{}",
            c.holders[0].reason
        );
        assert_eq!(ended[0].status_on("2026-06-01"), "expired");
    }

    #[test]
    fn a_silent_holder_is_named_and_a_catalogue_offer_does_not_reach_a_reserved_work() {
        let w = work("label-a=50;pub-b=50");
        let policies = [policy(
            "label-a",
            Some("GBAYE6900531"),
            Use::TrainGenai,
            Decision::Deny,
            "",
        )];
        let offer = Offer {
            id: "off-000001".into(),
            holder: "label-a".into(),
            works: vec![],
            use_: Use::TrainGenai,
            territories: vec![],
            price: "per-work:1:EUR".parse().unwrap(),
            term_months: None,
            auto_accept: true,
            created_at: String::new(),
            withdrawn_at: None,
            remuneration: Default::default(),
        };
        let mut lookup = |h: &str| policies.iter().filter(|p| p.holder == h).cloned().collect();
        let c = clear_work(
            &w,
            "dev",
            Use::TrainGenai,
            &"DE".parse().unwrap(),
            "2026-06-01",
            &mut lookup,
            &[],
            std::slice::from_ref(&offer),
        );
        assert_eq!(c.holders[0].verdict, Verdict::Denied);
        assert_eq!(c.holders[0].source, Some(AnswerSource::WorkPolicy));
        assert_eq!(c.holders[1].source, Some(AnswerSource::NoPolicy));
        let file = FileVerdict::combine(vec![c]);
        assert!(
            file.reason
                .contains("label-a's policy for this work reserves train-genai"),
            "{}",
            file.reason
        );
        assert!(
            file.reason.contains("pub-b has not answered"),
            "{}",
            file.reason
        );
        // For the catalogue as a whole, the offer answers.
        let q = Question {
            developer: None,
            use_: Use::TrainGenai,
            territory: &"DE".parse().unwrap(),
            date: "2026-06-01",
        };
        let a = holder_answer(
            "label-a",
            0,
            None,
            &q,
            &policies,
            &[],
            std::slice::from_ref(&offer),
        );
        assert_eq!(
            (a.verdict, a.source),
            (Verdict::LicenceRequired, Some(AnswerSource::CatalogueOffer))
        );
    }

    #[test]
    fn a_deny_beats_the_holders_own_offer_whichever_came_first() {
        let w = work("label-a=100");
        let offer = |works: Vec<Isrc>| Offer {
            id: "off-000001".into(),
            holder: "label-a".into(),
            works,
            use_: Use::TrainGenai,
            territories: vec![],
            price: "per-work:1:EUR".parse().unwrap(),
            term_months: None,
            auto_accept: true,
            created_at: String::new(),
            withdrawn_at: None,
            remuneration: Default::default(),
        };
        let ask = |policies: &[Policy], offers: &[Offer], t: &str| {
            let mut lookup = |h: &str| policies.iter().filter(|p| p.holder == h).cloned().collect();
            clear_work(
                &w,
                "dev",
                Use::TrainGenai,
                &t.parse().unwrap(),
                "2026-06-01",
                &mut lookup,
                &[],
                offers,
            )
            .verdict
        };
        // An offer naming the work, then a deny of that work: the deny holds.
        let work_deny = [policy(
            "label-a",
            Some("GBAYE6900531"),
            Use::TrainGenai,
            Decision::Deny,
            "",
        )];
        assert_eq!(
            ask(&work_deny, &[offer(vec![w.isrc.clone()])], "DE"),
            Verdict::Denied
        );
        // A catalogue offer everywhere, then a catalogue deny in DE: denied in DE, offered in FR.
        let cat_deny_de = [policy(
            "label-a",
            None,
            Use::TrainGenai,
            Decision::Deny,
            "DE",
        )];
        assert_eq!(ask(&cat_deny_de, &[offer(vec![])], "DE"), Verdict::Denied);
        assert_eq!(
            ask(&cat_deny_de, &[offer(vec![])], "FR"),
            Verdict::LicenceRequired
        );
        // An offer naming the work is more specific than a catalogue deny.
        assert_eq!(
            ask(&cat_deny_de, &[offer(vec![w.isrc.clone()])], "DE"),
            Verdict::LicenceRequired
        );
    }

    #[test]
    fn a_mix_is_cleared_only_if_every_work_is() {
        let w = work("label-a=100");
        let cleared = decide(
            &w,
            &[policy(
                "label-a",
                None,
                Use::TrainGenai,
                Decision::Allow,
                "",
            )],
            &[],
            Use::TrainGenai,
            "DE",
        );
        let denied = decide(&w, &[], &[], Use::TrainGenai, "DE");
        assert_eq!(
            FileVerdict::combine(vec![cleared.clone()]).verdict,
            Verdict::Cleared
        );
        assert_eq!(
            FileVerdict::combine(vec![cleared, denied]).verdict,
            Verdict::Denied
        );
        assert_eq!(FileVerdict::combine(vec![]).verdict, Verdict::Unidentified);
    }
}
