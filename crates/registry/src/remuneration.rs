//! What a statement owes, as agreed: the fees of a developer's priced licences (per work, per
//! hour) and the pool split under each holder's remuneration model. Pure functions; the rules
//! are written out in `docs/remuneration.md`, and [`compute_statement_parts`] is the one
//! implementation that issuing and recomputing a statement both call.

use crate::RegistryError;
use crate::market::{FeeLine, HolderTotal, StatementLine, UsageReport, split_largest_remainder};
use crate::market_ops::term_end;
use crate::model::{Isrc, Licence, Money, PriceModel, invalid, string_enum};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

string_enum!(
    /// How a pool is divided among the works that take part in it.
    #[derive(Default)]
    RemunerationModel, "remuneration model", {
        /// In proportion to the milliseconds of each work used, then by shares (the default).
        #[default]
        ProRata = "pro-rata",
        /// Equally across the works used in the period, then by shares.
        EqualSplit = "equal-split",
        /// By the milliseconds of each work found in the developer's generated outputs
        /// (attribution reports in the period), then by shares.
        Attribution = "attribution",
    }
);

/// A work found in one generated output, and its shares when found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributionFind {
    /// The work.
    pub isrc: Isrc,
    /// Milliseconds of the output in which it was found (overlaps counted once).
    pub milliseconds: u64,
    /// The work's worldwide shares when the report was made.
    pub shares: Vec<crate::model::Share>,
}

/// One generated output and the registered recordings found in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributionOutput {
    /// The output's name (its file name).
    pub name: String,
    /// Hex SHA-256 of its bytes, when read.
    pub sha256: Option<String>,
    /// Its length in milliseconds.
    pub duration_ms: u64,
    /// The works found in it.
    pub found: Vec<AttributionFind>,
}

/// A developer's attribution report: what of the registered recordings was found in outputs
/// one of its models generated (`fermata output attribute`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributionReport {
    /// Its id, e.g. `att-000001`.
    pub id: String,
    /// The developer.
    pub developer: String,
    /// The model that generated the outputs.
    pub model: String,
    /// The day it counts for (YYYY-MM-DD); statements select reports by it.
    pub date: String,
    /// When it was recorded.
    pub reported_at: String,
    /// The outputs examined.
    pub outputs: Vec<AttributionOutput>,
}

/// An attribution report to record: per output, its name, digest, length and the
/// milliseconds found of each work.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AttributionDraft {
    /// The developer.
    pub developer: String,
    /// The model.
    pub model: String,
    /// The day (default today).
    pub date: Option<String>,
    /// The outputs.
    pub outputs: Vec<AttributionOutputDraft>,
}

/// One output of an [`AttributionDraft`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AttributionOutputDraft {
    /// Its name.
    pub name: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: Option<String>,
    /// Its length in milliseconds.
    pub duration_ms: u64,
    /// Each work found and the milliseconds of the output it was found in.
    pub found: Vec<(Isrc, u64)>,
}

/// Most outputs one attribution report may list.
pub const MAX_ATTRIBUTION_OUTPUTS: usize = 10_000;

string_enum!(
    /// A statement's export formats.
    StatementFormat, "statement format", {
        /// Comma-separated values ([`crate::Statement::to_csv`]).
        Csv = "csv",
        /// The statement record as JSON.
        Json = "json",
        /// A DDEX DSR flat file ([`crate::Statement::to_dsr`]).
        Dsr = "dsr",
    }
);

impl StatementFormat {
    /// The media type of the export.
    pub fn media_type(self) -> &'static str {
        match self {
            StatementFormat::Csv => "text/csv; charset=utf-8",
            StatementFormat::Json => "application/json",
            StatementFormat::Dsr => "text/tab-separated-values; charset=utf-8",
        }
    }

    /// The file name extension of the export.
    pub fn extension(self) -> &'static str {
        match self {
            StatementFormat::Csv => "csv",
            StatementFormat::Json => "json",
            StatementFormat::Dsr => "tsv",
        }
    }
}

/// Milliseconds in an hour times basis points in a whole: the divisor of a per-hour fee.
const MS_BP_PER_HOUR: u128 = 3_600_000 * 10_000;

/// A per-work fee already charged: (licence, work, first day of the term).
pub type ChargedFee = (String, Isrc, String);

/// Everything a statement is computed from; gathered from the store when it is issued and from
/// the audit log when it is recomputed.
#[derive(Clone, Debug)]
pub struct StatementInput<'a> {
    /// The developer.
    pub developer: &'a str,
    /// First day of the period.
    pub from: &'a str,
    /// Last day of the period.
    pub to: &'a str,
    /// The pool, and the statement's currency.
    pub pool: &'a Money,
    /// The model for works whose holder's offer names none (the issuer's choice).
    pub model: RemunerationModel,
    /// The developer's usage reports dated in the period.
    pub reports: &'a [UsageReport],
    /// The developer's licences as they stood when the statement was issued.
    pub licences: &'a [Licence],
    /// The offer each licence came from (licence id → offer id), where known.
    pub licence_offers: &'a BTreeMap<String, String>,
    /// The remuneration model of each offer.
    pub offer_models: &'a BTreeMap<String, RemunerationModel>,
    /// Per-work fees charged on earlier statements: never charged again.
    pub charged: &'a BTreeSet<ChargedFee>,
    /// The developer's attribution reports dated in the period (for the attribution model).
    pub attributions: &'a [AttributionReport],
}

/// A statement's computed parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementParts {
    /// The pool split, per (model, holder, work).
    pub lines: Vec<StatementLine>,
    /// Fees in the statement's currency, included in the totals.
    pub fees: Vec<FeeLine>,
    /// Fees due in another currency: listed, not included, not marked charged.
    pub fees_not_included: Vec<FeeLine>,
    /// Per holder: fees plus pool part.
    pub totals: Vec<HolderTotal>,
}

/// The terms of a licence: its whole validity when it ends; twelve-month terms from its first
/// day when it does not. Terms that start after `until` are not listed.
pub fn licence_terms(
    licence: &Licence,
    until: &str,
) -> Result<Vec<(String, String)>, RegistryError> {
    if let Some(to) = &licence.valid_to {
        return Ok(vec![(licence.valid_from.clone(), to.clone())]);
    }
    let mut terms = Vec::new();
    let mut start = licence.valid_from.clone();
    while start.as_str() <= until && terms.len() < 1_200 {
        let end = term_end(&start, 12)?;
        let next = next_day(&end)?;
        terms.push((start, end));
        start = next;
    }
    Ok(terms)
}

/// The day after `date` (YYYY-MM-DD).
pub fn next_day(date: &str) -> Result<String, RegistryError> {
    let n = crate::model::parse_day("date", date)?
        .next_day()
        .ok_or_else(|| invalid("date", date, "the date is out of range"))?;
    Ok(crate::model::format_day(n))
}

/// The day part (YYYY-MM-DD) of an RFC 3339 time.
fn day_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// True when `licence` covers the usage of `isrc` by its holder in `report`.
fn licence_covers_usage(licence: &Licence, report: &UsageReport, isrc: &Isrc) -> bool {
    licence.developer == report.developer
        && report.use_.is_none_or(|u| u == licence.use_)
        && (licence.works.is_empty() || licence.works.contains(isrc))
        && report.territory.covered_by(&licence.territories)
        && licence.valid_from.as_str() <= report.date.as_str()
        && licence
            .valid_to
            .as_deref()
            .is_none_or(|to| report.date.as_str() <= to)
        && licence
            .revoked_at
            .as_deref()
            .is_none_or(|at| report.date.as_str() <= day_of(at))
}

/// `a × b / c` rounded half up (c > 0).
fn div_round_half_up(num: u128, den: u128) -> u128 {
    (num + den / 2) / den
}

fn to_minor(v: u128, what: &str) -> Result<i64, RegistryError> {
    i64::try_from(v).map_err(|_| invalid("amount", &v.to_string(), format!("{what} is too large")))
}

/// Computes a statement: fees under the developer's priced licences, then the pool split under
/// each holder's remuneration model, then the totals (fees plus pool part) per holder.
///
/// - A usage line's (holder, work) is *covered* by the first (by id) of the holder's priced
///   licences that covers the report's developer, use, work, territory and day (and was not
///   revoked before that day).
/// - per-hour: price × Σ(ms × holder's basis points) / (3,600,000 × 10,000), summed over the
///   period per (licence, work) and then rounded half up to the minor unit, once.
/// - per-work: the price, once per (licence, work, term): due for a term that overlaps the
///   period and began before the licence was revoked, unless an earlier statement charged it.
///   A licence naming works owes it for each work named; a catalogue-wide licence for each
///   distinct work of its holder used under it in the period.
/// - Usage covered by a per-work or per-hour licence is paid by that fee and takes no part in
///   the pool; every other usage (pool-share licences, allow policies, licences without price)
///   takes part in the pool.
/// - Fees in another currency than the pool's are listed in `fees_not_included`.
pub fn compute_statement_parts(
    input: &StatementInput<'_>,
) -> Result<StatementParts, RegistryError> {
    let currency = &input.pool.currency;
    let mut licences: Vec<&Licence> = input
        .licences
        .iter()
        .filter(|l| l.developer == input.developer)
        .collect();
    licences.sort_by(|a, b| a.id.cmp(&b.id));
    // Per-hour fees: (licence, work) → (ms, Σ ms × bp, reports).
    let mut hourly: BTreeMap<(String, Isrc), (u64, u128, BTreeSet<String>)> = BTreeMap::new();
    // Works used under each per-work licence in the period: (licence, work) → (days, reports).
    let mut per_work_used: BTreeMap<(String, Isrc), (BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    // Pool entries: (model, holder, work) → (ms, Σ ms × bp).
    let mut pool: BTreeMap<(RemunerationModel, String, Isrc), (u64, u128)> = BTreeMap::new();
    for report in input.reports {
        for line in &report.lines {
            for share in &line.shares {
                let covering = licences.iter().find(|l| {
                    l.holder == share.holder
                        && l.price.is_some()
                        && licence_covers_usage(l, report, &line.isrc)
                });
                let weight = u128::from(line.milliseconds) * u128::from(share.basis_points);
                let price_model = covering.and_then(|l| l.price.as_ref()).map(|p| p.model);
                match (covering, price_model) {
                    (Some(l), Some(PriceModel::PerHour)) => {
                        let e = hourly.entry((l.id.clone(), line.isrc.clone())).or_default();
                        e.0 = e.0.saturating_add(line.milliseconds);
                        e.1 += weight;
                        e.2.insert(report.id.clone());
                    }
                    (Some(l), Some(PriceModel::PerWork)) => {
                        let e = per_work_used
                            .entry((l.id.clone(), line.isrc.clone()))
                            .or_default();
                        e.0.insert(report.date.clone());
                        e.1.insert(report.id.clone());
                    }
                    _ => {
                        let model = covering
                            .and_then(|l| input.licence_offers.get(&l.id))
                            .and_then(|o| input.offer_models.get(o))
                            .copied()
                            .unwrap_or(input.model);
                        let e = pool
                            .entry((model, share.holder.clone(), line.isrc.clone()))
                            .or_insert((0, 0));
                        e.0 = e.0.saturating_add(line.milliseconds);
                        e.1 += weight;
                    }
                }
            }
        }
    }

    let mut fees: Vec<FeeLine> = Vec::new();
    let mut foreign: Vec<FeeLine> = Vec::new();
    let offer_of = |l: &Licence| input.licence_offers.get(&l.id).cloned();
    for l in &licences {
        let Some(price) = &l.price else { continue };
        match price.model {
            PriceModel::PerHour => {
                for ((lic, isrc), (ms, weight, reports)) in &hourly {
                    if lic != &l.id {
                        continue;
                    }
                    let exact = u128::try_from(price.amount_minor).unwrap_or(0) * weight;
                    let amount =
                        to_minor(div_round_half_up(exact, MS_BP_PER_HOUR), "a per-hour fee")?;
                    let fee = FeeLine {
                        holder: l.holder.clone(),
                        licence: l.id.clone(),
                        offer: offer_of(l),
                        price: price.clone(),
                        isrc: isrc.clone(),
                        term_from: None,
                        milliseconds: *ms,
                        basis_points: if *ms == 0 {
                            0
                        } else {
                            (weight / u128::from(*ms)) as u32
                        },
                        reports: reports.iter().cloned().collect(),
                        amount_minor: amount,
                    };
                    if &price.currency == currency {
                        fees.push(fee)
                    } else {
                        foreign.push(fee)
                    }
                }
            }
            PriceModel::PerWork => {
                for (start, end) in licence_terms(l, input.to)? {
                    let overlaps = start.as_str() <= input.to && input.from <= end.as_str();
                    let revoked_before = l
                        .revoked_at
                        .as_deref()
                        .is_some_and(|at| day_of(at) < start.as_str());
                    if !overlaps || revoked_before {
                        continue;
                    }
                    // The works: those named, or those of the holder used under it in this term.
                    let mut works: Vec<(Isrc, Vec<String>)> = Vec::new();
                    for ((lic, isrc), (days, reports)) in &per_work_used {
                        if lic == &l.id
                            && days
                                .iter()
                                .any(|d| start.as_str() <= d.as_str() && d.as_str() <= end.as_str())
                        {
                            works.push((isrc.clone(), reports.iter().cloned().collect()));
                        }
                    }
                    if !l.works.is_empty() {
                        works = l
                            .works
                            .iter()
                            .map(|w| {
                                let reports = works
                                    .iter()
                                    .find(|(i, _)| i == w)
                                    .map(|(_, r)| r.clone())
                                    .unwrap_or_default();
                                (w.clone(), reports)
                            })
                            .collect();
                    }
                    for (isrc, reports) in works {
                        if input
                            .charged
                            .contains(&(l.id.clone(), isrc.clone(), start.clone()))
                        {
                            continue;
                        }
                        let fee = FeeLine {
                            holder: l.holder.clone(),
                            licence: l.id.clone(),
                            offer: offer_of(l),
                            price: price.clone(),
                            isrc,
                            term_from: Some(start.clone()),
                            milliseconds: 0,
                            basis_points: 0,
                            reports,
                            amount_minor: price.amount_minor,
                        };
                        if &price.currency == currency {
                            fees.push(fee)
                        } else {
                            foreign.push(fee)
                        }
                    }
                }
            }
            PriceModel::PoolShare => {}
        }
    }

    // The pool: each (model, holder, work) weighs its model's fraction of the pool times the
    // holder's share, brought to one denominator (the product of the denominators of the
    // models in use) so that models can mix; one model alone keeps its own weights.
    let keys: Vec<(RemunerationModel, String, Isrc)> = pool.keys().cloned().collect();
    let works: BTreeSet<&Isrc> = keys.iter().map(|(_, _, i)| i).collect();
    let n = works.len() as u128;
    let mut total_ms: u128 = 0;
    for report in input.reports {
        for line in &report.lines {
            if works.contains(&line.isrc) {
                total_ms += u128::from(line.milliseconds);
            }
        }
    }
    // Attribution: per (holder, work) Σ ms found × basis points; in all, Σ ms found.
    let mut found: BTreeMap<(String, Isrc), u128> = BTreeMap::new();
    let mut total_found: u128 = 0;
    for report in input.attributions {
        for output in &report.outputs {
            for f in output.found.iter().filter(|f| works.contains(&f.isrc)) {
                total_found += u128::from(f.milliseconds);
                for s in &f.shares {
                    *found.entry((s.holder.clone(), f.isrc.clone())).or_default() +=
                        u128::from(f.milliseconds) * u128::from(s.basis_points);
                }
            }
        }
    }
    let used: BTreeSet<RemunerationModel> = keys.iter().map(|(m, _, _)| *m).collect();
    let den = |m: RemunerationModel| -> u128 {
        match m {
            RemunerationModel::ProRata => total_ms,
            RemunerationModel::EqualSplit => n,
            RemunerationModel::Attribution => total_found,
        }
        .max(1)
    };
    let too_large = || {
        RegistryError::NotAllowed(
            "the usage is too large to divide one pool under several remuneration models; issue statements for shorter periods".into(),
        )
    };
    let common = used
        .iter()
        .try_fold(1u128, |acc, &m| acc.checked_mul(den(m)))
        .ok_or_else(too_large)?;
    let mut weights: Vec<u128> = Vec::with_capacity(pool.len());
    for ((model, holder, isrc), (ms, weight)) in &pool {
        let num = match model {
            RemunerationModel::ProRata => *weight,
            RemunerationModel::EqualSplit => {
                if *ms == 0 {
                    0
                } else {
                    weight / u128::from(*ms)
                }
            }
            RemunerationModel::Attribution => found
                .get(&(holder.clone(), isrc.clone()))
                .copied()
                .unwrap_or(0),
        };
        weights.push(
            num.checked_mul(common / den(*model))
                .ok_or_else(too_large)?,
        );
    }
    let amount = u64::try_from(input.pool.amount_minor).map_err(|_| {
        invalid(
            "pool",
            &input.pool.amount_minor.to_string(),
            "money is never negative",
        )
    })?;
    if amount > 0 && weights.iter().all(|&w| w == 0) {
        return Err(RegistryError::NotAllowed(
            "no usage that takes part in the pool was reported in that period, so there is nothing to split the pool by (usage under per-work and per-hour licences is paid by its fee)".into(),
        ));
    }
    let parts = split_largest_remainder(amount, &weights);
    let mut lines = Vec::new();
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (((model, holder, isrc), (ms, weight)), part) in
        keys.into_iter().zip(pool.values()).zip(parts)
    {
        totals.entry(holder.clone()).or_default().0 += part as i64;
        lines.push(StatementLine {
            holder,
            isrc,
            milliseconds: *ms,
            basis_points: if *ms == 0 {
                0
            } else {
                (weight / u128::from(*ms)) as u32
            },
            amount_minor: part as i64,
            model,
        });
    }
    for f in &fees {
        let t = totals.entry(f.holder.clone()).or_default();
        t.0 += f.amount_minor;
        t.1 += f.amount_minor;
    }
    Ok(StatementParts {
        lines,
        fees,
        fees_not_included: foreign,
        totals: totals
            .into_iter()
            .map(|(holder, (amount_minor, fees_minor))| HolderTotal {
                holder,
                amount_minor,
                fees_minor,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::UsageLine;
    use crate::model::{Price, Share, Territory, Use};
    use proptest::prelude::*;

    const W1: &str = "GBAAA2600001";
    const W2: &str = "GBAAA2600002";
    const W3: &str = "GBAAA2600003";

    fn share(holder: &str, bp: u32) -> Share {
        Share {
            territory: Territory::world(),
            holder: holder.into(),
            basis_points: bp,
        }
    }

    fn report(id: &str, date: &str, lines: Vec<(&str, u64, Vec<Share>)>) -> UsageReport {
        UsageReport {
            id: id.into(),
            developer: "dev".into(),
            model: "m".into(),
            run: "r".into(),
            scan: None,
            manifest: None,
            territory: "DE".parse().unwrap(),
            date: date.into(),
            reported_at: String::new(),
            lines: lines
                .into_iter()
                .map(|(i, ms, shares)| UsageLine {
                    isrc: i.parse().unwrap(),
                    milliseconds: ms,
                    shares,
                })
                .collect(),
            use_: Some(Use::TrainGenai),
        }
    }

    fn licence(id: &str, holder: &str, works: &[&str], price: &str, to: Option<&str>) -> Licence {
        Licence {
            id: id.into(),
            holder: holder.into(),
            developer: "dev".into(),
            use_: Use::TrainGenai,
            works: works.iter().map(|w| w.parse().unwrap()).collect(),
            territories: vec![],
            valid_from: "2026-01-01".into(),
            valid_to: to.map(Into::into),
            price: Some(price.parse::<Price>().unwrap()),
            terms: None,
            granted_at: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
            revoke_reason: None,
        }
    }

    fn eur(minor: i64) -> Money {
        Money {
            amount_minor: minor,
            currency: "EUR".into(),
        }
    }

    struct Case {
        pool: Money,
        model: RemunerationModel,
        reports: Vec<UsageReport>,
        licences: Vec<Licence>,
        licence_offers: BTreeMap<String, String>,
        offer_models: BTreeMap<String, RemunerationModel>,
        charged: BTreeSet<ChargedFee>,
        attributions: Vec<AttributionReport>,
        from: &'static str,
        to: &'static str,
    }

    impl Case {
        fn new(pool: i64, reports: Vec<UsageReport>, licences: Vec<Licence>) -> Case {
            Case {
                pool: eur(pool),
                model: RemunerationModel::ProRata,
                reports,
                licences,
                licence_offers: BTreeMap::new(),
                offer_models: BTreeMap::new(),
                charged: BTreeSet::new(),
                attributions: vec![],
                from: "2026-06-01",
                to: "2026-06-30",
            }
        }

        fn run(&self) -> Result<StatementParts, RegistryError> {
            compute_statement_parts(&StatementInput {
                developer: "dev",
                from: self.from,
                to: self.to,
                pool: &self.pool,
                model: self.model,
                reports: &self.reports,
                licences: &self.licences,
                licence_offers: &self.licence_offers,
                offer_models: &self.offer_models,
                charged: &self.charged,
                attributions: &self.attributions,
            })
        }
    }

    fn total(p: &StatementParts, holder: &str) -> (i64, i64) {
        p.totals
            .iter()
            .find(|t| t.holder == holder)
            .map_or((0, 0), |t| (t.amount_minor, t.fees_minor))
    }

    #[test]
    fn per_hour_fees_weigh_the_holders_share_and_round_half_up_once() {
        // W1: 1.5 h, aa alone, 40.00/h → 60.00. W2: 1000 s held 60/40 by aa and bb; aa's
        // per-hour licence pays 40.00 × 1000/3600 × 60 % = 6.666… → 6.67; bb's 40 % takes part
        // in the pool (no priced licence), and so does W3 (bb alone).
        let r = report(
            "use-1",
            "2026-06-10",
            vec![
                (W1, 5_400_000, vec![share("aa", 10_000)]),
                (W2, 1_000_000, vec![share("aa", 6000), share("bb", 4000)]),
                (W3, 500, vec![share("bb", 10_000)]),
            ],
        );
        let mut case = Case::new(
            1000,
            vec![r],
            vec![licence("lic-1", "aa", &[W1, W2], "per-hour:40:EUR", None)],
        );
        case.licence_offers.insert("lic-1".into(), "off-1".into());
        let p = case.run().unwrap();
        let fees: Vec<(String, i64, u32, Option<String>)> = p
            .fees
            .iter()
            .map(|f| {
                (
                    f.isrc.to_string(),
                    f.amount_minor,
                    f.basis_points,
                    f.offer.clone(),
                )
            })
            .collect();
        assert_eq!(
            fees,
            vec![
                (W1.into(), 6000, 10_000, Some("off-1".into())),
                (W2.into(), 667, 6000, Some("off-1".into()))
            ]
        );
        assert_eq!(p.fees[0].reports, vec!["use-1".to_string()]);
        assert_eq!(total(&p, "aa"), (6667, 6667));
        assert_eq!(total(&p, "bb"), (1000, 0));
        // aa is paid by its fee: it has no pool line.
        assert!(p.lines.iter().all(|l| l.holder == "bb"));
        // 1 ms at 1.00/h is 0.000277… of a cent: rounds to nothing; 1800 s at 0.01/h is half
        // a cent: rounds up.
        let tiny = Case::new(
            0,
            vec![report(
                "use-2",
                "2026-06-10",
                vec![(W1, 1, vec![share("aa", 10_000)])],
            )],
            vec![licence("lic-1", "aa", &[W1], "per-hour:1:EUR", None)],
        );
        assert_eq!(tiny.run().unwrap().fees[0].amount_minor, 0);
        let half = Case::new(
            0,
            vec![report(
                "use-2",
                "2026-06-10",
                vec![(W1, 1_800_000, vec![share("aa", 10_000)])],
            )],
            vec![licence("lic-1", "aa", &[W1], "per-hour:0.01:EUR", None)],
        );
        assert_eq!(half.run().unwrap().fees[0].amount_minor, 1);
    }

    #[test]
    fn per_work_fees_fall_due_once_per_term_and_never_twice() {
        let used = report(
            "use-1",
            "2026-06-10",
            vec![(W1, 1000, vec![share("aa", 10_000)])],
        );
        // A licence naming two works, one year: both fees fall due on the first statement whose
        // period meets the term, even with no usage of W2.
        let named = licence(
            "lic-1",
            "aa",
            &[W1, W2],
            "per-work:250:EUR",
            Some("2026-12-31"),
        );
        let case = Case::new(0, vec![used.clone()], vec![named.clone()]);
        let p = case.run().unwrap();
        assert_eq!(p.fees.len(), 2);
        assert!(
            p.fees
                .iter()
                .all(|f| f.amount_minor == 25_000 && f.term_from.as_deref() == Some("2026-01-01"))
        );
        assert_eq!(total(&p, "aa"), (50_000, 50_000));
        // Charged once: the next statement skips them.
        let mut again = Case::new(0, vec![used.clone()], vec![named.clone()]);
        again.charged = p
            .fees
            .iter()
            .map(|f| {
                (
                    f.licence.clone(),
                    f.isrc.clone(),
                    f.term_from.clone().unwrap(),
                )
            })
            .collect();
        assert!(again.run().unwrap().fees.is_empty());
        // A licence with no end owes again in each twelve-month term.
        let open = licence("lic-2", "aa", &[W1], "per-work:100:EUR", None);
        let mut next_year = Case::new(0, vec![], vec![open.clone()]);
        next_year.from = "2027-01-01";
        next_year.to = "2027-01-31";
        let p = next_year.run().unwrap();
        assert_eq!(p.fees.len(), 1);
        assert_eq!(p.fees[0].term_from.as_deref(), Some("2027-01-01"));
        // A licence revoked before a term began owes nothing for it.
        let mut revoked = open;
        revoked.revoked_at = Some("2026-11-30T10:00:00Z".into());
        next_year.licences = vec![revoked];
        assert!(next_year.run().unwrap().fees.is_empty());
        // A catalogue-wide per-work licence owes for each distinct work used in the period.
        let catalogue = licence("lic-3", "aa", &[], "per-work:10:EUR", None);
        let two = report(
            "use-3",
            "2026-06-11",
            vec![
                (W1, 1000, vec![share("aa", 10_000)]),
                (W3, 5, vec![share("aa", 10_000)]),
            ],
        );
        let case = Case::new(0, vec![used, two], vec![catalogue]);
        let p = case.run().unwrap();
        let works: Vec<String> = p.fees.iter().map(|f| f.isrc.to_string()).collect();
        assert_eq!(works, vec![W1.to_string(), W3.to_string()]);
        assert_eq!(
            p.fees[0].reports,
            vec!["use-1".to_string(), "use-3".to_string()]
        );
    }

    #[test]
    fn fees_in_another_currency_are_listed_not_included() {
        let r = report(
            "use-1",
            "2026-06-10",
            vec![(W1, 3_600_000, vec![share("aa", 10_000)])],
        );
        let case = Case::new(
            0,
            vec![r],
            vec![licence("lic-1", "aa", &[W1], "per-hour:5:USD", None)],
        );
        let p = case.run().unwrap();
        assert!(p.fees.is_empty());
        assert_eq!(p.fees_not_included.len(), 1);
        assert_eq!(p.fees_not_included[0].amount_minor, 500);
        assert!(p.totals.is_empty());
    }

    #[test]
    fn equal_split_divides_the_pool_by_works_then_by_shares() {
        // W1 used 3 h by aa alone; W2 used 1 s, held 50/50 by aa and bb. Pro rata, W1 takes
        // nearly everything; equal split, each work half, then W2's half by shares.
        let r = report(
            "use-1",
            "2026-06-10",
            vec![
                (W1, 10_800_000, vec![share("aa", 10_000)]),
                (W2, 1000, vec![share("aa", 5000), share("bb", 5000)]),
            ],
        );
        let mut case = Case::new(10_000, vec![r], vec![]);
        let pro = case.run().unwrap();
        assert_eq!(total(&pro, "bb").0, 0);
        case.model = RemunerationModel::EqualSplit;
        let equal = case.run().unwrap();
        assert_eq!(total(&equal, "aa").0, 7500);
        assert_eq!(total(&equal, "bb").0, 2500);
        assert!(
            equal
                .lines
                .iter()
                .all(|l| l.model == RemunerationModel::EqualSplit)
        );
        // A holder's offer names its own model: bb's pool-share licence under an equal-split
        // offer, aa's works pro rata (the issuer's default).
        let r = report(
            "use-1",
            "2026-06-10",
            vec![
                (W1, 3_000_000, vec![share("aa", 10_000)]),
                (W3, 1_000_000, vec![share("bb", 10_000)]),
            ],
        );
        let mut mixed = Case::new(
            1000,
            vec![r],
            vec![licence("lic-9", "bb", &[W3], "pool-share:0:EUR", None)],
        );
        mixed.licence_offers.insert("lic-9".into(), "off-9".into());
        mixed
            .offer_models
            .insert("off-9".into(), RemunerationModel::EqualSplit);
        let p = mixed.run().unwrap();
        // aa: pro rata 3/4 of the time; bb: equal split 1/2 of the works; normalised 3:2.
        assert_eq!((total(&p, "aa").0, total(&p, "bb").0), (600, 400));
        let models: Vec<RemunerationModel> = p.lines.iter().map(|l| l.model).collect();
        assert!(models.contains(&RemunerationModel::ProRata));
        assert!(models.contains(&RemunerationModel::EqualSplit));
    }

    #[test]
    fn attribution_weighs_what_is_found_in_outputs_by_shares() {
        // Both works used for an hour; in the outputs W1 (aa 100 %) is found 30 s and W2 (aa
        // 50 %, bb 50 %) 10 s: aa gets 30 + 5 of 40 parts, bb 5.
        let r = report(
            "use-1",
            "2026-06-10",
            vec![
                (W1, 3_600_000, vec![share("aa", 10_000)]),
                (W2, 3_600_000, vec![share("aa", 5000), share("bb", 5000)]),
            ],
        );
        let find = |isrc: &str, ms: u64, shares: Vec<Share>| AttributionFind {
            isrc: isrc.parse().unwrap(),
            milliseconds: ms,
            shares,
        };
        let attribution = AttributionReport {
            id: "att-1".into(),
            developer: "dev".into(),
            model: "m".into(),
            date: "2026-06-20".into(),
            reported_at: String::new(),
            outputs: vec![
                AttributionOutput {
                    name: "a.wav".into(),
                    sha256: None,
                    duration_ms: 60_000,
                    found: vec![find(W1, 30_000, vec![share("aa", 10_000)])],
                },
                AttributionOutput {
                    name: "b.wav".into(),
                    sha256: None,
                    duration_ms: 60_000,
                    found: vec![
                        find(W2, 10_000, vec![share("aa", 5000), share("bb", 5000)]),
                        // A work not used in training takes no part.
                        find(W3, 50_000, vec![share("cc", 10_000)]),
                    ],
                },
            ],
        };
        let mut case = Case::new(8000, vec![r], vec![]);
        case.model = RemunerationModel::Attribution;
        case.attributions = vec![attribution];
        let p = case.run().unwrap();
        assert_eq!((total(&p, "aa").0, total(&p, "bb").0), (7000, 1000));
        assert_eq!(total(&p, "cc"), (0, 0));
        // Nothing found: nothing to split by.
        case.attributions.clear();
        assert!(case.run().is_err());
    }

    #[test]
    fn a_pool_with_nothing_to_split_it_by_is_refused_unless_it_is_zero() {
        let r = report(
            "use-1",
            "2026-06-10",
            vec![(W1, 1000, vec![share("aa", 10_000)])],
        );
        let fee_only = vec![licence("lic-1", "aa", &[W1], "per-hour:1:EUR", None)];
        assert!(
            Case::new(100, vec![r.clone()], fee_only.clone())
                .run()
                .is_err()
        );
        assert!(Case::new(0, vec![r], fee_only).run().is_ok());
    }

    #[test]
    fn terms_of_an_open_licence_are_yearly() {
        let l = licence("lic-1", "aa", &[W1], "per-work:1:EUR", None);
        let terms = licence_terms(&l, "2027-06-01").unwrap();
        assert_eq!(
            terms,
            vec![
                ("2026-01-01".to_string(), "2026-12-31".to_string()),
                ("2027-01-01".to_string(), "2027-12-31".to_string())
            ]
        );
        assert_eq!(next_day("2028-02-28").unwrap(), "2028-02-29");
        assert!(next_day("2028-02-30").is_err());
    }

    proptest! {
        #[test]
        fn lines_sum_to_totals_and_totals_to_pool_plus_fees(
            pool in 0i64..10_000_000,
            usage in proptest::collection::vec((0usize..3, 0u64..20_000_000, 1u32..10_000), 1..12),
            prices in proptest::collection::vec((0usize..3, 0i64..100_000), 0..3),
            equal in any::<bool>(),
        ) {
            let works = [W1, W2, W3];
            let holders = ["aa", "bb", "cc"];
            let lines: Vec<(&str, u64, Vec<Share>)> = usage
                .iter()
                .map(|&(w, ms, bp)| (works[w], ms, vec![share(holders[w], bp), share("zz", 10_000 - bp)]))
                .collect();
            let r = report("use-1", "2026-06-10", lines);
            let licences: Vec<Licence> = prices
                .iter()
                .enumerate()
                .map(|(i, &(h, amount))| {
                    let model = if i % 2 == 0 { "per-hour" } else { "per-work" };
                    licence(&format!("lic-{i}"), holders[h], &[works[h]], &format!("{model}:{}:EUR", amount as f64 / 100.0), None)
                })
                .collect();
            let mut case = Case::new(pool, vec![r], licences);
            if equal {
                case.model = RemunerationModel::EqualSplit;
            }
            // W2's holder under an attribution offer, found in one output.
            case.licences.push(licence("lic-att", "bb", &[W2], "pool-share:0:EUR", None));
            case.licence_offers.insert("lic-att".into(), "off-att".into());
            case.offer_models.insert("off-att".into(), RemunerationModel::Attribution);
            case.attributions = vec![AttributionReport {
                id: "att-1".into(),
                developer: "dev".into(),
                model: "m".into(),
                date: "2026-06-10".into(),
                reported_at: String::new(),
                outputs: vec![AttributionOutput {
                    name: "o.wav".into(),
                    sha256: None,
                    duration_ms: 1000,
                    found: vec![AttributionFind {
                        isrc: W2.parse().unwrap(),
                        milliseconds: 700,
                        shares: vec![share("bb", 10_000)],
                    }],
                }],
            }];
            let Ok(p) = case.run() else {
                // Only when nothing takes part in the pool.
                prop_assert!(pool > 0);
                return Ok(());
            };
            let pool_sum: i64 = p.lines.iter().map(|l| l.amount_minor).sum();
            let fee_sum: i64 = p.fees.iter().map(|f| f.amount_minor).sum();
            let total_sum: i64 = p.totals.iter().map(|t| t.amount_minor).sum();
            let total_fees: i64 = p.totals.iter().map(|t| t.fees_minor).sum();
            prop_assert_eq!(pool_sum, pool);
            prop_assert_eq!(total_sum, pool + fee_sum);
            prop_assert_eq!(total_fees, fee_sum);
            for t in &p.totals {
                let lines: i64 = p.lines.iter().filter(|l| l.holder == t.holder).map(|l| l.amount_minor).sum();
                let fees: i64 = p.fees.iter().filter(|f| f.holder == t.holder).map(|f| f.amount_minor).sum();
                prop_assert_eq!(t.amount_minor, lines + fees);
            }
        }
    }
}
