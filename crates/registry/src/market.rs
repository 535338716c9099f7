//! The licensing marketplace's records and its pure rules: API keys and roles, offers, licence
//! requests and their lines, usage reports, and remuneration statements split to the cent.

use crate::RegistryError;
use crate::model::{Isrc, Licence, Money, Price, Share, Territory, Use, invalid, string_enum};
use crate::remuneration::RemunerationModel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

string_enum!(
    /// What an API key may do.
    Role, "role", {
        /// A rights holder's administrator: publishes offers, decides requests, revokes licences.
        HolderAdmin = "holder-admin",
        /// A rights holder's viewer: reads its catalogue, requests, licences and statements.
        HolderViewer = "holder-viewer",
        /// An AI developer: requests licences, reports usage, issues statements for its pools.
        Developer = "developer",
        /// Reads the audit log and published records across parties; changes nothing.
        Auditor = "auditor",
        /// Runs the registry: approves new parties, sees parties, people and keys.
        Operator = "operator",
    }
);

impl Role {
    /// True when the role belongs to a rights holder.
    pub fn is_holder(self) -> bool {
        matches!(self, Role::HolderAdmin | Role::HolderViewer)
    }
}

/// An API key's record (the secret itself is never stored, only its SHA-256).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Its id, e.g. `key-000001` (shown in lists; not a secret).
    pub id: String,
    /// The party it acts for.
    pub party: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl ApiKey {
    /// Whose records this key reads: its own party's, or every party's (None) for an auditor.
    /// What a party sees of a shared record is then the record's own rule
    /// ([`LicenceRequest::seen_by`], [`Statement::seen_by`]).
    pub fn reads_for(&self) -> Option<&str> {
        match self.role {
            Role::Auditor | Role::Operator => None,
            Role::Developer | Role::HolderAdmin | Role::HolderViewer => Some(&self.party),
        }
    }
}

/// A key just made: the record and the secret, shown once.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewKey {
    /// The record.
    pub key: ApiKey,
    /// The secret to send as `Authorization: Bearer SECRET`. Not stored; not shown again.
    pub secret: String,
}

/// Standing terms a holder publishes for some works (or its whole catalogue), one use and some
/// territories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    /// Its id, e.g. `off-000001`.
    pub id: String,
    /// The holder offering.
    pub holder: String,
    /// The works; empty means every work the holder has a share in.
    pub works: Vec<Isrc>,
    /// The use offered.
    #[serde(rename = "use")]
    pub use_: Use,
    /// Where (empty: everywhere).
    pub territories: Vec<Territory>,
    /// The price.
    pub price: Price,
    /// The licence term in months, if limited.
    pub term_months: Option<u32>,
    /// Requests under this offer are approved at once, with no person deciding.
    pub auto_accept: bool,
    /// When it was published.
    pub created_at: String,
    /// When it was withdrawn, if it was (requests after that need a person again).
    pub withdrawn_at: Option<String>,
    /// How a pool-share price is divided among the works in a statement (default pro-rata).
    #[serde(default)]
    pub remuneration: RemunerationModel,
}

impl Offer {
    /// True when the offer stands for `use_` of `isrc` in `territory`.
    pub fn covers(&self, isrc: &Isrc, use_: Use, territory: &Territory) -> bool {
        self.withdrawn_at.is_none()
            && self.use_ == use_
            && (self.works.is_empty() || self.works.contains(isrc))
            && territory.covered_by(&self.territories)
    }

    /// True when the offer names works explicitly (it is then more specific than a catalogue policy).
    pub fn names(&self, isrc: &Isrc) -> bool {
        self.works.contains(isrc)
    }
}

string_enum!(
    /// Where a request line stands.
    LineStatus, "line status", {
        /// Waiting for the holder.
        Pending = "pending",
        /// Approved: a licence was made.
        Approved = "approved",
        /// Refused by the holder.
        Refused = "refused",
    }
);

/// One work and one holder of a licence request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestLine {
    /// Its number in the request, from 1.
    pub line: u32,
    /// The work.
    pub isrc: Isrc,
    /// The holder who decides it.
    pub holder: String,
    /// The offer it falls under, if any.
    pub offer: Option<String>,
    /// Where it stands.
    pub status: LineStatus,
    /// The holder's reason, if given.
    pub reason: Option<String>,
    /// When it was decided.
    pub decided_at: Option<String>,
    /// Who decided (a party id; `auto-accept` for an offer's automatic yes; `policy` for a
    /// request refused at once because the holder's policy reserves the use).
    pub decided_by: Option<String>,
    /// The licence made on approval.
    pub licence: Option<String>,
}

/// A developer's request for licences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceRequest {
    /// Its id, e.g. `req-000001`.
    pub id: String,
    /// The developer asking.
    pub developer: String,
    /// The use.
    #[serde(rename = "use")]
    pub use_: Use,
    /// The model the licences are for.
    pub model: String,
    /// Where.
    pub territories: Vec<Territory>,
    /// First day asked for.
    pub valid_from: String,
    /// Last day asked for, if any.
    pub valid_to: Option<String>,
    /// The scan whose licence-required works were asked for, if it came from one.
    pub scan: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// One line per (work, holder).
    pub lines: Vec<RequestLine>,
    /// What was asked for but made no line, and why (already cleared; another holder of the
    /// work reserves it).
    #[serde(default)]
    pub left_out: Vec<LeftOut>,
}

impl LicenceRequest {
    /// The request as `party` may see it: its developer sees it whole; a holder sees only the
    /// lines (and left-out notes) that are its own, and nothing when none are.
    pub fn seen_by(mut self, party: &str) -> Option<LicenceRequest> {
        if self.developer == party {
            return Some(self);
        }
        self.lines.retain(|l| l.holder == party);
        self.left_out.retain(|l| l.holder == party);
        (!self.lines.is_empty()).then_some(self)
    }
}

/// A (work, holder) a request asked about that became no line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOut {
    /// The work.
    pub isrc: Isrc,
    /// The holder.
    pub holder: String,
    /// Why no line was made.
    pub reason: String,
}

/// Seconds of one work used in a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageLine {
    /// The work.
    pub isrc: Isrc,
    /// Milliseconds of its audio used (integer, so that statements are exact).
    pub milliseconds: u64,
    /// The work's shares in the report's territory when it was reported: statements are
    /// computed from these, so they can be reproduced from the log.
    pub shares: Vec<Share>,
}

/// A developer's report of what one training run used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// Its id, e.g. `use-000001`.
    pub id: String,
    /// The developer.
    pub developer: String,
    /// The model trained.
    pub model: String,
    /// The training run's name.
    pub run: String,
    /// The scan the data was cleared by.
    pub scan: Option<String>,
    /// The manifest of the cleared data.
    pub manifest: Option<String>,
    /// Where the training took place.
    pub territory: Territory,
    /// The day of the run (YYYY-MM-DD); statements select reports by it.
    pub date: String,
    /// When it was reported.
    pub reported_at: String,
    /// The works used.
    pub lines: Vec<UsageLine>,
    /// The use made of the works (absent in reports made before it was recorded).
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<Use>,
}

/// One holder's amount for one work in a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementLine {
    /// The holder.
    pub holder: String,
    /// The work.
    pub isrc: Isrc,
    /// Milliseconds of the work used in the period.
    pub milliseconds: u64,
    /// The holder's share of the work in basis points, averaged over the usage by time.
    pub basis_points: u32,
    /// Amount owed, minor units.
    pub amount_minor: i64,
    /// The remuneration model that divided the pool for this line.
    #[serde(default)]
    pub model: RemunerationModel,
}

/// A fee owed under one priced licence for one work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLine {
    /// The holder owed.
    pub holder: String,
    /// The licence it is owed under.
    pub licence: String,
    /// The offer the licence came from, if it came from one.
    pub offer: Option<String>,
    /// The licence's price (per-work or per-hour).
    pub price: Price,
    /// The work.
    pub isrc: Isrc,
    /// For a per-work fee: the first day of the licence term it is charged for.
    pub term_from: Option<String>,
    /// For a per-hour fee: milliseconds of the work used under the licence in the period.
    pub milliseconds: u64,
    /// For a per-hour fee: the holder's share of the work in basis points, averaged by time.
    pub basis_points: u32,
    /// The usage reports it was computed from.
    pub reports: Vec<String>,
    /// Amount owed, minor units.
    pub amount_minor: i64,
}

/// What one holder is owed in a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderTotal {
    /// The holder.
    pub holder: String,
    /// Amount owed, minor units: fees plus pool part.
    pub amount_minor: i64,
    /// Of which fees (the rest is the holder's part of the pool).
    #[serde(default)]
    pub fees_minor: i64,
}

/// A remuneration statement: a pool split by a developer's reported usage in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statement {
    /// Its id, e.g. `stm-000001`.
    pub id: String,
    /// The developer whose usage and pool it is.
    pub developer: String,
    /// First day of the period.
    pub from: String,
    /// Last day of the period.
    pub to: String,
    /// The pool split.
    pub pool: Money,
    /// The usage reports it is computed from.
    pub reports: Vec<String>,
    /// Per (holder, work): the pool split.
    pub lines: Vec<StatementLine>,
    /// Per holder; sums exactly to the pool plus the fees.
    pub totals: Vec<HolderTotal>,
    /// When it was issued.
    pub issued_at: String,
    /// Fees owed under priced licences, included in the totals.
    #[serde(default)]
    pub fees: Vec<FeeLine>,
    /// Fees due in another currency than the pool's: listed, not included in the totals, and
    /// still due on a statement in their currency.
    #[serde(default)]
    pub fees_not_included: Vec<FeeLine>,
    /// The model that divides the pool for works whose holder's offer names none.
    #[serde(default)]
    pub remuneration: RemunerationModel,
    /// The attribution reports it weighed (for works under the attribution model).
    #[serde(default)]
    pub attributions: Vec<String>,
    /// The rules it was computed by: 1, a pool split pro rata by usage alone (statements issued
    /// before fees existed, which carry no such field); 2 ([`STATEMENT_RULES`]), fees under
    /// priced licences, and the pool by each offer's remuneration model. A statement is always
    /// recomputed by its own rules, so a change of rules never makes an old one `DIFFERENT`.
    #[serde(default = "statement_rules_v1")]
    pub rules: u32,
}

/// The rules a statement issued now is computed by (see [`Statement::rules`]).
pub const STATEMENT_RULES: u32 = 2;

fn statement_rules_v1() -> u32 {
    1
}

impl Statement {
    /// The statement as `party` may see it: its developer sees it whole; a holder sees only its
    /// own lines and total, and nothing when it has none.
    pub fn seen_by(mut self, party: &str) -> Option<Statement> {
        if self.developer == party {
            return Some(self);
        }
        self.lines.retain(|l| l.holder == party);
        self.totals.retain(|t| t.holder == party);
        self.fees.retain(|f| f.holder == party);
        self.fees_not_included.retain(|f| f.holder == party);
        (!self.totals.is_empty() || !self.fees_not_included.is_empty()).then_some(self)
    }

    /// The pool's total per-work and per-hour fees, minor units.
    pub fn fees_total(&self) -> i64 {
        self.fees.iter().map(|f| f.amount_minor).sum()
    }

    /// The statement as CSV: one row per pool line (kind `pool`), one per fee (kind `per-work`
    /// or `per-hour`), then one total row per holder. The first seven columns are those of the
    /// CSV before fees; fees in another currency are not in it.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "statement,holder,isrc,milliseconds,basis_points,amount_minor,currency,kind,model,licence,offer,term_from,reports\n",
        );
        for l in &self.lines {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},pool,{},,,,\n",
                self.id,
                l.holder,
                l.isrc,
                l.milliseconds,
                l.basis_points,
                l.amount_minor,
                self.pool.currency,
                l.model
            ));
        }
        for f in &self.fees {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},,{},{},{},{}\n",
                self.id,
                f.holder,
                f.isrc,
                f.milliseconds,
                f.basis_points,
                f.amount_minor,
                self.pool.currency,
                f.price.model,
                f.licence,
                f.offer.as_deref().unwrap_or(""),
                f.term_from.as_deref().unwrap_or(""),
                f.reports.join(" ")
            ));
        }
        for t in &self.totals {
            out.push_str(&format!(
                "{},{},TOTAL,,,{},{},total,,,,,\n",
                self.id, t.holder, t.amount_minor, self.pool.currency
            ));
        }
        out
    }
}

/// The DDEX DSR flat-file profile fermata writes: the Basic Audio Profile's Multi-Record Block
/// Variant (see `docs/remuneration.md` for what is approximated).
pub const DSR_PROFILE: &str = "BasicAudioProfile";
/// The message version written in the DSR header (Part 1 1.1.2, allowed values 1.6, record types 1.0).
pub const DSR_MESSAGE_VERSION: &str = "dsrf/1.1.2/1.6/1.0";

/// A cell of a DSR flat file: no tab, line break or multi-value delimiter inside.
fn dsr_cell(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Minor units as a decimal in major units (`12345` EUR → `123.45`), as DSR decimals are written.
pub fn decimal_amount(amount_minor: i64, currency: &str) -> String {
    let d = crate::model::currency_decimals(currency);
    if d == 0 {
        return amount_minor.to_string();
    }
    let unit = 10i64.pow(d);
    let sign = if amount_minor < 0 { "-" } else { "" };
    let a = amount_minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        a / unit.unsigned_abs(),
        a % unit.unsigned_abs(),
        width = d as usize
    )
}

impl Statement {
    /// The statement as a DDEX DSR flat file (tab-separated, one record a line): `HEAD`, one
    /// `SY01.03` summary record, one block per (holder, work) with an `AS02.04` resource record
    /// and one `SU01.03` record per pool line and per fee, then `FOOT`. `title` gives a work's
    /// title when known. The cells are listed in `docs/remuneration.md`.
    pub fn to_dsr(&self, title: &dyn Fn(&Isrc) -> Option<String>) -> String {
        let cur = &self.pool.currency;
        let mut rows: Vec<Vec<String>> = Vec::new();
        rows.push(vec![
            "HEAD".into(),
            DSR_MESSAGE_VERSION.into(),
            DSR_PROFILE.into(),
            "1.2".into(),
            dsr_cell(&self.id),
            dsr_cell(&self.issued_at),
            "1".into(),
            "1".into(),
            dsr_cell(&self.from),
            dsr_cell(&self.to),
            dsr_cell(&self.developer),
            String::new(),
        ]);
        let usage_ms: u64 = self.lines.iter().map(|l| l.milliseconds).sum();
        let total: i64 = self.totals.iter().map(|t| t.amount_minor).sum();
        rows.push(vec![
            "SY01.03".into(),
            "1".into(),
            dsr_cell(&self.developer),
            String::new(),
            "AiTraining".into(),
            "TrainingUse".into(),
            "Worldwide".into(),
            "fermata".into(),
            usage_ms.to_string(),
            decimal_amount(total, cur),
            cur.clone(),
        ]);
        // Blocks: one per (holder, work), in order.
        let mut blocks: BTreeMap<(String, Isrc), Vec<Vec<String>>> = BTreeMap::new();
        for l in &self.lines {
            blocks
                .entry((l.holder.clone(), l.isrc.clone()))
                .or_default()
                .push(vec![
                    "pool".into(),
                    l.model.to_string(),
                    l.milliseconds.to_string(),
                    l.basis_points.to_string(),
                    decimal_amount(l.amount_minor, cur),
                    String::new(),
                    String::new(),
                    String::new(),
                    self.reports.join("|"),
                ]);
        }
        for f in &self.fees {
            blocks
                .entry((f.holder.clone(), f.isrc.clone()))
                .or_default()
                .push(vec![
                    f.price.model.to_string(),
                    String::new(),
                    f.milliseconds.to_string(),
                    f.basis_points.to_string(),
                    decimal_amount(f.amount_minor, cur),
                    dsr_cell(&f.licence),
                    dsr_cell(f.offer.as_deref().unwrap_or("")),
                    dsr_cell(f.term_from.as_deref().unwrap_or("")),
                    f.reports
                        .iter()
                        .map(|r| dsr_cell(r))
                        .collect::<Vec<_>>()
                        .join("|"),
                ]);
        }
        let mut transaction = 0u64;
        for (block, ((holder, isrc), sales)) in blocks.iter().enumerate() {
            let block_id = (block + 1).to_string();
            rows.push(vec![
                "AS02.04".into(),
                block_id.clone(),
                "1".into(),
                isrc.to_string(),
                isrc.to_string(),
                dsr_cell(&title(isrc).unwrap_or_default()),
                dsr_cell(holder),
            ]);
            for sale in sales {
                transaction += 1;
                let mut row = vec![
                    "SU01.03".into(),
                    block_id.clone(),
                    "1".into(),
                    format!("{}-{transaction}", dsr_cell(&self.id)),
                    String::new(),
                    "1".into(),
                    "true".into(),
                    dsr_cell(holder),
                ];
                row.extend(sale.iter().cloned());
                row.push(cur.clone());
                rows.push(row);
            }
        }
        let lines = rows.len() + 1;
        rows.push(vec![
            "FOOT".into(),
            lines.to_string(),
            lines.to_string(),
            "1".into(),
            blocks.len().to_string(),
            blocks.len().to_string(),
        ]);
        let mut out = String::new();
        for r in rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        out
    }
}

/// Splits `pool` in proportion to `weights` with the largest-remainder method: each part is
/// the floor of its exact share, and the units left over go one each to the largest remainders
/// (ties to the earlier weight). The parts sum exactly to `pool`. All weights zero (or none)
/// gives all zeros, and the pool is not distributed: the caller must refuse that case.
pub fn split_largest_remainder(pool: u64, weights: &[u128]) -> Vec<u64> {
    let total: u128 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let pool = u128::from(pool);
    let mut parts: Vec<u64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        // pool < 2^63 and w ≤ total, so pool * w fits when total < 2^64; above that, scale down.
        let (num, den) = mul_div_parts(pool, w, total);
        parts.push(num as u64);
        remainders.push((den, i));
    }
    let given: u64 = parts.iter().sum();
    let mut left = pool as u64 - given;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// floor(a * b / c) and the remainder (a * b) mod c, without overflow for a < 2^64, b ≤ c.
fn mul_div_parts(a: u128, b: u128, c: u128) -> (u128, u128) {
    // Long multiplication in base 2^64 would be exact; the weights here are ms × basis points
    // summed over a period (< 2^100 for any real catalogue), and a < 2^63, so split b instead.
    let (q_b, r_b) = (b / c, b % c);
    // a * b / c = a * q_b + a * r_b / c, with r_b < c.
    let hi = a * q_b;
    let (q, r) = mul_div_small(a, r_b, c);
    (hi + q, r)
}

/// floor(a * r / c) and its remainder for r < c, exact even when a * r overflows u128.
fn mul_div_small(a: u128, r: u128, c: u128) -> (u128, u128) {
    if let Some(p) = a.checked_mul(r) {
        return (p / c, p % c);
    }
    // Binary long multiplication modulo c.
    let (mut q, mut rem) = (0u128, 0u128);
    for bit in (0..128).rev() {
        q <<= 1;
        rem <<= 1;
        if (a >> bit) & 1 == 1 {
            rem += r;
        }
        while rem >= c {
            rem -= c;
            q += 1;
        }
    }
    (q, rem)
}

/// Computes a statement's pool lines and totals from usage reports alone (no licences, so no
/// fees; every work pro rata): each (holder, work) weighs milliseconds × basis points of the
/// shares recorded with the report, the pool is split over those weights by largest remainder,
/// and each holder's total is the sum of its lines. See
/// [`crate::remuneration::compute_statement_parts`] for the whole rule.
pub fn compute_statement(
    pool: &Money,
    reports: &[UsageReport],
) -> Result<(Vec<StatementLine>, Vec<HolderTotal>), RegistryError> {
    let none = BTreeMap::new();
    let charged = std::collections::BTreeSet::new();
    let parts =
        crate::remuneration::compute_statement_parts(&crate::remuneration::StatementInput {
            developer: "",
            from: "0000-01-01",
            to: "9999-12-31",
            pool,
            model: RemunerationModel::ProRata,
            reports,
            licences: &[],
            licence_offers: &none,
            offer_models: &BTreeMap::new(),
            charged: &charged,
            attributions: &[],
        })?;
    if parts.lines.is_empty() {
        return Err(RegistryError::NotAllowed(
            "no usage was reported in that period, so there is nothing to split the pool by".into(),
        ));
    }
    Ok((parts.lines, parts.totals))
}

/// The active licence that `new` would overlap: same holder, developer and use, a work in
/// common (an all-works licence has every work in common), a territory in common and dates that
/// intersect.
pub fn overlapping<'a>(existing: &'a [Licence], new: &Licence) -> Option<&'a Licence> {
    let works_meet = |a: &Licence| {
        a.works.is_empty() || new.works.is_empty() || a.works.iter().any(|w| new.works.contains(w))
    };
    let territories_meet = |a: &Licence| {
        a.territories.is_empty()
            || new.territories.is_empty()
            || a.territories
                .iter()
                .any(|t| t.is_world() || new.territories.contains(t))
            || new.territories.iter().any(Territory::is_world)
    };
    let dates_meet = |a: &Licence| {
        let a_to = a.valid_to.as_deref().unwrap_or("9999-12-31");
        let n_to = new.valid_to.as_deref().unwrap_or("9999-12-31");
        a.valid_from.as_str() <= n_to && new.valid_from.as_str() <= a_to
    };
    existing.iter().find(|a| {
        a.revoked_at.is_none()
            && a.holder == new.holder
            && a.developer == new.developer
            && a.use_ == new.use_
            && works_meet(a)
            && territories_meet(a)
            && dates_meet(a)
    })
}

/// Decodes a stored document; one that does not decode was changed outside fermata.
pub(crate) fn decode_doc<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, RegistryError> {
    serde_json::from_str(json).map_err(|e| {
        RegistryError::Internal(format!(
            "a stored record does not decode ({e}); was the database edited by hand?"
        ))
    })
}

/// Seconds (up to three decimals) as whole milliseconds; negative, non-finite or absurd values
/// (more than 100 years) are refused.
pub fn seconds_to_ms(seconds: f64) -> Result<u64, RegistryError> {
    if !seconds.is_finite() || !(0.0..=100.0 * 365.25 * 86_400.0).contains(&seconds) {
        return Err(invalid(
            "seconds",
            &seconds.to_string(),
            "usage is a non-negative number of seconds",
        ));
    }
    Ok((seconds * 1000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_pool_that_does_not_divide_evenly_still_sums() {
        assert_eq!(split_largest_remainder(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(split_largest_remainder(10, &[2, 1]), vec![7, 3]);
        assert_eq!(split_largest_remainder(1, &[1, 1]), vec![1, 0]);
        assert_eq!(split_largest_remainder(0, &[5, 5]), vec![0, 0]);
        assert_eq!(split_largest_remainder(7, &[0, 0]), vec![0, 0]);
    }

    #[test]
    fn huge_weights_do_not_overflow() {
        let w = [u128::MAX / 8, u128::MAX / 8, 1];
        let parts = split_largest_remainder(u64::MAX / 2, &w);
        assert_eq!(parts.iter().sum::<u64>(), u64::MAX / 2);
    }

    proptest! {
        #[test]
        fn parts_sum_to_the_pool_and_each_is_within_one_unit_of_its_share(
            pool in 0u64..10_000_000_000,
            weights in proptest::collection::vec(0u128..1_000_000_000_000, 1..40),
        ) {
            let parts = split_largest_remainder(pool, &weights);
            let total: u128 = weights.iter().sum();
            if total == 0 {
                prop_assert!(parts.iter().all(|&p| p == 0));
            } else {
                prop_assert_eq!(parts.iter().sum::<u64>(), pool);
                for (p, w) in parts.iter().zip(&weights) {
                    let exact = u128::from(pool) * w;
                    let floor = exact.checked_div(total).unwrap_or(0) as u64;
                    prop_assert!(*p == floor || *p == floor + 1, "part {} vs floor {}", p, floor);
                }
            }
        }
    }

    fn share(holder: &str, bp: u32) -> Share {
        Share {
            territory: Territory::world(),
            holder: holder.into(),
            basis_points: bp,
        }
    }

    fn report(lines: Vec<(&str, u64, Vec<Share>)>) -> UsageReport {
        UsageReport {
            id: "use-000001".into(),
            developer: "dev".into(),
            model: "m".into(),
            run: "r".into(),
            scan: None,
            manifest: None,
            territory: Territory::world(),
            date: "2026-06-01".into(),
            reported_at: String::new(),
            use_: None,
            lines: lines
                .into_iter()
                .map(|(i, ms, shares)| UsageLine {
                    isrc: i.parse().unwrap(),
                    milliseconds: ms,
                    shares,
                })
                .collect(),
        }
    }

    #[test]
    fn co_owned_works_split_by_usage_then_by_shares() {
        // Work A: 2 h, held 60/40 by a and b; work B: 1 h, held by b alone. Pool 1000.00.
        let r = report(vec![
            (
                "GBAAA2600001",
                7_200_000,
                vec![share("aa", 6000), share("bb", 4000)],
            ),
            ("GBAAA2600002", 3_600_000, vec![share("bb", 10_000)]),
        ]);
        let pool = Money {
            amount_minor: 100_000,
            currency: "EUR".into(),
        };
        let (lines, totals) = compute_statement(&pool, &[r]).unwrap();
        assert_eq!(lines.iter().map(|l| l.amount_minor).sum::<i64>(), 100_000);
        // a: 2/3 × 60 % = 40 %; b: 2/3 × 40 % + 1/3 = 60 %.
        assert_eq!(
            totals,
            vec![
                HolderTotal {
                    holder: "aa".into(),
                    amount_minor: 40_000,
                    fees_minor: 0,
                },
                HolderTotal {
                    holder: "bb".into(),
                    amount_minor: 60_000,
                    fees_minor: 0,
                },
            ]
        );
        let odd = Money {
            amount_minor: 100_001,
            currency: "EUR".into(),
        };
        let (_, totals) = compute_statement(
            &odd,
            &[report(vec![(
                "GBAAA2600001",
                1000,
                vec![share("aa", 3333), share("bb", 3333), share("cc", 3334)],
            )])],
        )
        .unwrap();
        assert_eq!(totals.iter().map(|t| t.amount_minor).sum::<i64>(), 100_001);
        assert!(compute_statement(&pool, &[]).is_err());
    }

    #[test]
    fn shares_that_differ_between_reports_weigh_each_report() {
        // One hour in DE (aa 100 %), one hour elsewhere (aa 50 %, bb 50 %): aa 75 %, bb 25 %,
        // whatever the order of the reports.
        let de = report(vec![("GBAAA2600001", 3_600_000, vec![share("aa", 10_000)])]);
        let world = report(vec![(
            "GBAAA2600001",
            3_600_000,
            vec![share("aa", 5000), share("bb", 5000)],
        )]);
        let pool = Money {
            amount_minor: 10_000,
            currency: "EUR".into(),
        };
        for reports in [vec![de.clone(), world.clone()], vec![world, de]] {
            let (_, totals) = compute_statement(&pool, &reports).unwrap();
            assert_eq!(
                totals.iter().map(|t| t.amount_minor).collect::<Vec<_>>(),
                vec![7500, 2500]
            );
        }
    }

    #[test]
    fn overlap_needs_the_same_parties_use_work_territory_and_dates() {
        let base = Licence {
            id: "lic-1".into(),
            holder: "h".into(),
            developer: "d".into(),
            use_: Use::TrainGenai,
            works: vec!["GBAAA2600001".parse().unwrap()],
            territories: vec!["DE".parse().unwrap()],
            valid_from: "2026-01-01".into(),
            valid_to: Some("2026-06-30".into()),
            price: None,
            terms: None,
            granted_at: String::new(),
            revoked_at: None,
            revoke_reason: None,
        };
        let mut other = base.clone();
        assert!(overlapping(std::slice::from_ref(&base), &other).is_some());
        other.valid_from = "2026-07-01".into();
        other.valid_to = None;
        assert!(overlapping(std::slice::from_ref(&base), &other).is_none());
        other.valid_from = "2026-06-30".into();
        assert!(overlapping(std::slice::from_ref(&base), &other).is_some());
        other.territories = vec!["FR".parse().unwrap()];
        assert!(overlapping(std::slice::from_ref(&base), &other).is_none());
        other.territories = vec![];
        other.use_ = Use::TrainAi;
        assert!(overlapping(std::slice::from_ref(&base), &other).is_none());
    }

    #[test]
    fn seconds_become_whole_milliseconds() {
        assert_eq!(seconds_to_ms(1.2345).unwrap(), 1235);
        assert!(seconds_to_ms(-1.0).is_err());
        assert!(seconds_to_ms(f64::NAN).is_err());
    }
}
