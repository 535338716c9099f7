//! The marketplace's operations on the registry: keys, offers, requests and decisions, usage
//! reports and statements. Each is one transaction with its audit event, like the rest.

use crate::audit;
use crate::market::*;
use crate::model::{validate_date, Isrc, Money, PartyKind, Price, PriceModel, Territory, Use};
use crate::registry::{append, grant_in, load_offers, need_developer, need_holder, need_party, need_work, LicenceGrant, Registry};
use crate::scan::Verdict;
use crate::store::{DocKind, IdempotentResponse, Tx};
use crate::RegistryError;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// An offer to publish.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferDraft {
    /// The holder.
    pub holder: String,
    /// The works (empty: the whole catalogue).
    pub works: Vec<Isrc>,
    /// The use.
    pub use_: Use,
    /// Where (empty: everywhere).
    pub territories: Vec<Territory>,
    /// The price.
    pub price: Price,
    /// The term in months.
    pub term_months: Option<u32>,
    /// Approve requests at once.
    pub auto_accept: bool,
}

/// A licence request to make: explicit works, or the licence-required works of a scan.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestDraft {
    /// The developer.
    pub developer: String,
    /// The use.
    pub use_: Use,
    /// The model.
    pub model: String,
    /// Where (empty: everywhere).
    pub territories: Vec<Territory>,
    /// First day.
    pub valid_from: String,
    /// Last day (or give `term_months`).
    pub valid_to: Option<String>,
    /// Length in months from `valid_from`, when `valid_to` is not given.
    pub term_months: Option<u32>,
    /// The works asked for.
    pub works: Vec<Isrc>,
    /// Or: a finished scan whose licence-required works are asked for.
    pub scan: Option<String>,
}

/// A usage report to record.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageDraft {
    /// The developer.
    pub developer: String,
    /// The model.
    pub model: String,
    /// The training run.
    pub run: String,
    /// The scan that cleared the data.
    pub scan: Option<String>,
    /// The manifest of the cleared data.
    pub manifest: Option<String>,
    /// Where the training took place.
    pub territory: Territory,
    /// Day of the run (default today).
    pub date: Option<String>,
    /// Works and seconds of each used.
    pub works: Vec<(Isrc, f64)>,
}

/// Most works one licence request may name (a request's lines are decided, and auto-accepted
/// ones granted, in one transaction).
pub const MAX_REQUEST_WORKS: usize = 1_000;
/// Most works one usage report may list.
pub const MAX_USAGE_WORKS: usize = 10_000;

fn not_found(what: &'static str, id: &str, hint: &'static str) -> RegistryError {
    RegistryError::NotFound { what, id: id.to_string(), hint }
}

fn encode<T: serde::Serialize>(v: &T) -> Result<String, RegistryError> {
    serde_json::to_string(v).map_err(|e| RegistryError::Internal(format!("cannot encode a record: {e}")))
}

fn load_request(tx: &mut dyn Tx, id: &str) -> Result<LicenceRequest, RegistryError> {
    let json = tx.doc(DocKind::Request, id)?.ok_or_else(|| not_found("request", id, "see `fermata request list`"))?;
    decode_doc(&json)
}

/// `from` plus `months` months, minus a day: the last day of a term that starts on `from`.
pub fn term_end(from: &str, months: u32) -> Result<String, RegistryError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let start = time::Date::parse(from, &format)
        .map_err(|_| RegistryError::Invalid { field: "valid-from", value: from.into(), reason: "write a date as YYYY-MM-DD".into() })?;
    let total = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).map_err(|e| RegistryError::Internal(e.to_string()))?;
    let day = start.day().min(month.length(year));
    let end = time::Date::from_calendar_date(year, month, day)
        .ok()
        .and_then(|d| d.previous_day())
        .ok_or_else(|| RegistryError::Invalid { field: "term", value: months.to_string(), reason: "the term ends out of range".into() })?;
    Ok(format!("{:04}-{:02}-{:02}", end.year(), u8::from(end.month()), end.day()))
}

/// Approves one pending line inside a transaction: grants the licence and records the decision.
fn approve_line(
    tx: &mut dyn Tx,
    request: &mut LicenceRequest,
    index: usize,
    offers: &[Offer],
    decided_by: &str,
    actor: &str,
) -> Result<(), RegistryError> {
    let line = request.lines[index].clone();
    let offer = line.offer.as_ref().and_then(|id| offers.iter().find(|o| &o.id == id));
    let grant = LicenceGrant {
        holder: line.holder.clone(),
        developer: request.developer.clone(),
        use_: request.use_,
        works: vec![line.isrc.clone()],
        territories: request.territories.clone(),
        valid_from: request.valid_from.clone(),
        valid_to: request.valid_to.clone(),
        price: offer.map(|o| o.price.clone()),
        terms: Some(format!("request {} line {} for model {}", request.id, line.line, request.model)),
    };
    let licence = grant_in(tx, &grant, actor)?;
    let l = &mut request.lines[index];
    l.status = LineStatus::Approved;
    l.licence = Some(licence.id);
    l.decided_at = Some(audit::now());
    l.decided_by = Some(decided_by.to_string());
    Ok(())
}

impl Registry {
    /// Makes an API key for `party` with `role`; the secret is in the result and nowhere else.
    /// Holder roles go to rights holders, `developer` to developers, `auditor` to auditors.
    pub fn create_key(&mut self, party: &str, role: Role, actor: &str) -> Result<NewKey, RegistryError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| RegistryError::Internal(format!("no randomness for a key: {e}")))?;
        let secret = format!("fmk_{}", hex::encode(bytes));
        let digest = hex::encode(Sha256::digest(secret.as_bytes()));
        self.write(|tx| {
            let p = need_party(tx, party)?;
            let fits = match role {
                Role::HolderAdmin | Role::HolderViewer => p.kind.holds_rights(),
                Role::Developer => p.kind == PartyKind::Developer,
                Role::Auditor => p.kind == PartyKind::Auditor,
            };
            if !fits {
                return Err(RegistryError::NotAllowed(format!("a {} party cannot have a {role} key", p.kind)));
            }
            let key = ApiKey { id: format!("key-{:06}", tx.next_number("key")?), party: party.into(), role, created_at: audit::now(), revoked_at: None };
            tx.put_key(&key, &digest)?;
            append(tx, actor, "key.created", format!("key:{} party:{party}", key.id), encode(&key)?)?;
            Ok(NewKey { key, secret })
        })
    }

    /// Revokes a key at once.
    pub fn revoke_key(&mut self, id: &str, actor: &str) -> Result<ApiKey, RegistryError> {
        self.write(|tx| {
            let key = tx.keys()?.into_iter().find(|k| k.id == id).ok_or_else(|| not_found("key", id, "see `fermata key list`"))?;
            let at = audit::now();
            if !tx.revoke_key(id, &at)? {
                return Err(RegistryError::Conflict(format!("key {id} is already revoked")));
            }
            append(tx, actor, "key.revoked", format!("key:{id} party:{}", key.party), encode(&serde_json::json!({"id": id, "at": at}))?)?;
            Ok(ApiKey { revoked_at: Some(at), ..key })
        })
    }

    /// Every key (never the secrets).
    pub fn keys(&mut self) -> Result<Vec<ApiKey>, RegistryError> {
        self.read(|tx| tx.keys())
    }

    /// The live key whose secret this is; None for an unknown or revoked key.
    pub fn authenticate(&mut self, secret: &str) -> Result<Option<ApiKey>, RegistryError> {
        let digest = hex::encode(Sha256::digest(secret.as_bytes()));
        self.read(|tx| Ok(tx.key_by_hash(&digest)?.filter(|k| k.revoked_at.is_none())))
    }

    /// Publishes an offer. The holder must hold a share in every work named.
    pub fn publish_offer(&mut self, draft: OfferDraft, actor: &str) -> Result<Offer, RegistryError> {
        self.write(|tx| {
            need_holder(tx, &draft.holder)?;
            for isrc in &draft.works {
                let work = need_work(tx, isrc)?;
                if !work.shares.iter().any(|s| s.holder == draft.holder) {
                    return Err(RegistryError::NotAllowed(format!("'{}' holds no share in {isrc}, so it cannot offer it", draft.holder)));
                }
            }
            if draft.price.model != PriceModel::PoolShare && draft.price.amount_minor == 0 {
                return Err(RegistryError::Invalid {
                    field: "price",
                    value: draft.price.to_string(),
                    reason: "a per-work or per-hour price needs an amount (use pool-share for a share of a pool)".into(),
                });
            }
            let offer = Offer {
                id: format!("off-{:06}", tx.next_number("offer")?),
                holder: draft.holder.clone(),
                works: draft.works.clone(),
                use_: draft.use_,
                territories: draft.territories.clone(),
                price: draft.price.clone(),
                term_months: draft.term_months,
                auto_accept: draft.auto_accept,
                created_at: audit::now(),
                withdrawn_at: None,
            };
            tx.put_doc(DocKind::Offer, &offer.id, &offer.holder, &encode(&offer)?)?;
            let mut subjects = format!("offer:{} party:{}", offer.id, offer.holder);
            for w in &offer.works {
                subjects.push_str(&format!(" work:{w}"));
            }
            append(tx, actor, "offer.published", subjects, encode(&offer)?)?;
            Ok(offer)
        })
    }

    /// Withdraws `holder`'s offer (requests already made keep their lines).
    pub fn withdraw_offer(&mut self, id: &str, holder: &str, actor: &str) -> Result<Offer, RegistryError> {
        self.write(|tx| {
            let json = tx.doc(DocKind::Offer, id)?.ok_or_else(|| not_found("offer", id, "see `fermata offer list`"))?;
            let mut offer: Offer = decode_doc(&json)?;
            if offer.holder != holder {
                return Err(not_found("offer", id, "see `fermata offer list`"));
            }
            if offer.withdrawn_at.is_some() {
                return Err(RegistryError::Conflict(format!("offer {id} is already withdrawn")));
            }
            offer.withdrawn_at = Some(audit::now());
            tx.put_doc(DocKind::Offer, id, holder, &encode(&offer)?)?;
            append(tx, actor, "offer.withdrawn", format!("offer:{id} party:{holder}"), encode(&offer)?)?;
            Ok(offer)
        })
    }

    /// Offers, of one holder or all; withdrawn ones only when asked.
    pub fn offers(&mut self, holder: Option<&str>, include_withdrawn: bool) -> Result<Vec<Offer>, RegistryError> {
        self.read(|tx| {
            Ok(load_offers(tx)?
                .into_iter()
                .filter(|o| holder.is_none_or(|h| o.holder == h) && (include_withdrawn || o.withdrawn_at.is_none()))
                .collect())
        })
    }

    /// Makes a licence request: one line per (work, holder) not already licensed. Lines under an
    /// auto-accept offer are approved at once; the others wait for the holder.
    pub fn request_licences(&mut self, draft: RequestDraft, actor: &str) -> Result<LicenceRequest, RegistryError> {
        let mut draft = draft;
        draft.valid_from = validate_date("valid-from", &draft.valid_from)?;
        let valid_to = match (&draft.valid_to, draft.term_months) {
            (Some(to), _) => Some(validate_date("valid-to", to)?),
            (None, Some(m)) => Some(term_end(&draft.valid_from, m)?),
            (None, None) => None,
        };
        if valid_to.as_deref().is_some_and(|to| to < draft.valid_from.as_str()) {
            return Err(RegistryError::Invalid {
                field: "valid-to",
                value: valid_to.unwrap_or_default(),
                reason: "the licence would end before it starts".into(),
            });
        }
        if draft.model.trim().is_empty() {
            return Err(RegistryError::Invalid { field: "model", value: String::new(), reason: "name the model".into() });
        }
        draft.works.sort();
        draft.works.dedup();
        draft.territories.sort();
        draft.territories.dedup();
        if draft.works.len() > MAX_REQUEST_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: draft.works.len().to_string(),
                reason: format!("ask for at most {MAX_REQUEST_WORKS} works in one request; split it"),
            });
        }
        let today = audit::today();
        self.write(|tx| {
            need_developer(tx, &draft.developer)?;
            // (work, holder, offer) wanted.
            let mut wanted: Vec<(Isrc, String, Option<String>)> = Vec::new();
            if let Some(scan_id) = &draft.scan {
                let scan = tx.scan(scan_id)?.filter(|s| s.developer == draft.developer).ok_or_else(|| not_found("scan", scan_id, "see `fermata scan --list`"))?;
                if scan.finished_at.is_none() {
                    return Err(RegistryError::NotAllowed(format!("scan {scan_id} is not finished: run it again to complete it")));
                }
                if scan.use_ != draft.use_ {
                    return Err(RegistryError::NotAllowed(format!("scan {scan_id} was for {}, not {}", scan.use_, draft.use_)));
                }
                for file in tx.scan_files(scan_id)? {
                    let Some(v) = file.verdict else { continue };
                    for w in v.works.iter().filter(|w| w.verdict == Verdict::LicenceRequired) {
                        for h in w.holders.iter().filter(|h| h.verdict == Verdict::LicenceRequired) {
                            let offer = h.offer.as_ref().and_then(|o| o.offer.clone());
                            if !wanted.iter().any(|(i, hh, _)| i == &w.isrc && hh == &h.holder) {
                                wanted.push((w.isrc.clone(), h.holder.clone(), offer));
                            }
                        }
                    }
                }
            }
            let offers = load_offers(tx)?;
            let licences = tx.licences()?;
            let territories: Vec<Territory> = if draft.territories.is_empty() { vec![Territory::world()] } else { draft.territories.clone() };
            for isrc in &draft.works {
                let work = need_work(tx, isrc)?;
                let mut holders = BTreeSet::new();
                for t in &territories {
                    if t.is_world() {
                        holders.extend(work.shares.iter().map(|s| s.holder.clone()));
                    } else {
                        holders.extend(work.shares_in(t).into_iter().map(|s| s.holder.clone()));
                    }
                }
                for holder in holders {
                    let offer = offers
                        .iter()
                        .filter(|o| o.holder == holder)
                        .find(|o| territories.iter().all(|t| o.covers(isrc, draft.use_, t)))
                        .map(|o| o.id.clone());
                    if !wanted.iter().any(|(i, h, _)| i == isrc && h == &holder) {
                        wanted.push((isrc.clone(), holder, offer));
                    }
                }
            }
            // An offer found by the scan holds for the scan's territory; keep it only if it covers
            // every territory asked for now.
            for (isrc, holder, offer) in &mut wanted {
                let covers_all = offer
                    .as_ref()
                    .and_then(|id| offers.iter().find(|o| &o.id == id))
                    .is_some_and(|o| &o.holder == holder && territories.iter().all(|t| o.covers(isrc, draft.use_, t)));
                if !covers_all {
                    *offer = None;
                }
            }
            // Drop what a licence already covers everywhere asked, from the first day asked.
            let date = draft.valid_from.as_str().max(today.as_str()).to_string();
            wanted.retain(|(isrc, holder, _)| {
                !territories.iter().all(|t| licences.iter().any(|l| &l.holder == holder && l.covers(&draft.developer, draft.use_, isrc, t, &date)))
            });
            if wanted.is_empty() {
                return Err(RegistryError::NotAllowed(
                    "nothing to request: name works with a share holder, or a scan with licence-required results not already licensed".into(),
                ));
            }
            let mut request = LicenceRequest {
                id: format!("req-{:06}", tx.next_number("request")?),
                developer: draft.developer.clone(),
                use_: draft.use_,
                model: draft.model.clone(),
                territories: draft.territories.clone(),
                valid_from: draft.valid_from.clone(),
                valid_to,
                scan: draft.scan.clone(),
                created_at: audit::now(),
                lines: wanted
                    .into_iter()
                    .enumerate()
                    .map(|(i, (isrc, holder, offer))| RequestLine {
                        line: i as u32 + 1,
                        isrc,
                        holder,
                        offer,
                        status: LineStatus::Pending,
                        reason: None,
                        decided_at: None,
                        decided_by: None,
                        licence: None,
                    })
                    .collect(),
            };
            let mut subjects = format!("request:{} party:{}", request.id, request.developer);
            for h in request.lines.iter().map(|l| &l.holder).collect::<BTreeSet<_>>() {
                subjects.push_str(&format!(" party:{h}"));
            }
            for l in &request.lines {
                subjects.push_str(&format!(" work:{}", l.isrc));
            }
            append(tx, actor, "request.made", subjects, encode(&request)?)?;
            for i in 0..request.lines.len() {
                // Auto-accept only what the offer itself grants: its territories (checked above),
                // from today on (no back-dating), and within its term.
                let within_offer = |o: &Offer| {
                    o.auto_accept
                        && o.withdrawn_at.is_none()
                        && request.valid_from.as_str() >= today.as_str()
                        && match o.term_months {
                            None => true,
                            Some(m) => term_end(&request.valid_from, m)
                                .is_ok_and(|end| request.valid_to.as_deref().is_some_and(|to| to <= end.as_str())),
                        }
                };
                let auto = request.lines[i].offer.as_ref().and_then(|id| offers.iter().find(|o| &o.id == id)).is_some_and(within_offer);
                if auto {
                    approve_line(tx, &mut request, i, &offers, "auto-accept", actor)?;
                    let l = &request.lines[i];
                    append(tx, "auto-accept", "request.approved", format!("request:{} party:{} work:{}", request.id, l.holder, l.isrc), encode(l)?)?;
                }
            }
            tx.put_doc(DocKind::Request, &request.id, &request.developer, &encode(&request)?)?;
            Ok(request)
        })
    }

    /// The holder decides one line of a request: approval grants the licence. A line is decided
    /// once; a second decision (even at the same moment) is refused.
    pub fn decide(&mut self, request_id: &str, line: u32, holder: &str, approve: bool, reason: Option<&str>, actor: &str) -> Result<LicenceRequest, RegistryError> {
        self.write(|tx| {
            let mut request = load_request(tx, request_id)?;
            let index = request
                .lines
                .iter()
                .position(|l| l.line == line && l.holder == holder)
                .ok_or_else(|| not_found("request line", &format!("{request_id}/{line}"), "see `fermata request list`"))?;
            if request.lines[index].status != LineStatus::Pending {
                return Err(RegistryError::Conflict(format!(
                    "line {line} of {request_id} was already {} by {}",
                    request.lines[index].status,
                    request.lines[index].decided_by.as_deref().unwrap_or("someone")
                )));
            }
            let offers = load_offers(tx)?;
            if approve {
                approve_line(tx, &mut request, index, &offers, holder, actor)?;
            } else {
                let l = &mut request.lines[index];
                l.status = LineStatus::Refused;
                l.decided_at = Some(audit::now());
                l.decided_by = Some(holder.to_string());
            }
            request.lines[index].reason = reason.map(Into::into);
            let l = &request.lines[index];
            let action = if approve { "request.approved" } else { "request.refused" };
            append(tx, actor, action, format!("request:{request_id} party:{} party:{holder} work:{}", request.developer, l.isrc), encode(l)?)?;
            tx.put_doc(DocKind::Request, &request.id, &request.developer, &encode(&request)?)?;
            Ok(request)
        })
    }

    /// One request.
    pub fn request(&mut self, id: &str) -> Result<LicenceRequest, RegistryError> {
        self.read(|tx| load_request(tx, id))
    }

    /// Every request, by id.
    pub fn requests(&mut self) -> Result<Vec<LicenceRequest>, RegistryError> {
        self.read(|tx| tx.docs(DocKind::Request, None)?.iter().map(|j| decode_doc(j)).collect())
    }

    /// Records what a training run used. Each work's shares in the report's territory are kept
    /// with it, so statements can be recomputed from the log alone.
    pub fn report_usage(&mut self, draft: UsageDraft, actor: &str) -> Result<UsageReport, RegistryError> {
        let date = match &draft.date {
            Some(d) => validate_date("date", d)?,
            None => audit::today(),
        };
        if draft.works.is_empty() {
            return Err(RegistryError::Invalid { field: "works", value: String::new(), reason: "list the works used and the seconds of each".into() });
        }
        if draft.model.trim().is_empty() || draft.run.trim().is_empty() {
            return Err(RegistryError::Invalid { field: "model/run", value: String::new(), reason: "name the model and the training run".into() });
        }
        if draft.works.len() > MAX_USAGE_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: draft.works.len().to_string(),
                reason: format!("report at most {MAX_USAGE_WORKS} works at once; split the report"),
            });
        }
        let mut lines = Vec::new();
        for (isrc, seconds) in &draft.works {
            lines.push((isrc.clone(), seconds_to_ms(*seconds)?));
        }
        self.write(|tx| {
            need_developer(tx, &draft.developer)?;
            if let Some(scan_id) = &draft.scan {
                tx.scan(scan_id)?.filter(|s| s.developer == draft.developer).ok_or_else(|| not_found("scan", scan_id, "see `fermata scan --list`"))?;
            }
            if let Some(m) = &draft.manifest {
                let mut own = None;
                for r in tx.manifests()?.into_iter().filter(|r| &r.id == m) {
                    if tx.scan(&r.scan_id)?.is_some_and(|s| s.developer == draft.developer) {
                        own = Some(r);
                    }
                }
                let record = own.ok_or_else(|| not_found("manifest", m, "see the manifests of your scans"))?;
                if draft.scan.as_ref().is_some_and(|s| s != &record.scan_id) {
                    return Err(RegistryError::NotAllowed(format!("manifest {m} was built from {}, not from the scan given", record.scan_id)));
                }
            }
            let mut usage = Vec::new();
            for (isrc, ms) in lines {
                let work = need_work(tx, &isrc)?;
                let shares = work.shares_in(&draft.territory).into_iter().cloned().collect();
                match usage.iter_mut().find(|l: &&mut UsageLine| l.isrc == isrc) {
                    Some(l) => {
                        l.milliseconds = l.milliseconds.checked_add(ms).ok_or_else(|| RegistryError::Invalid {
                            field: "seconds",
                            value: isrc.to_string(),
                            reason: "the usage of this work is too large".into(),
                        })?
                    }
                    None => usage.push(UsageLine { isrc, milliseconds: ms, shares }),
                }
            }
            let report = UsageReport {
                id: format!("use-{:06}", tx.next_number("usage")?),
                developer: draft.developer.clone(),
                model: draft.model.clone(),
                run: draft.run.clone(),
                scan: draft.scan.clone(),
                manifest: draft.manifest.clone(),
                territory: draft.territory.clone(),
                date,
                reported_at: audit::now(),
                lines: usage,
            };
            tx.put_doc(DocKind::Usage, &report.id, &report.developer, &encode(&report)?)?;
            let mut subjects = format!("usage:{} party:{}", report.id, report.developer);
            for l in &report.lines {
                subjects.push_str(&format!(" work:{}", l.isrc));
            }
            append(tx, actor, "usage.reported", subjects, encode(&report)?)?;
            Ok(report)
        })
    }

    /// Usage reports of one developer, or all.
    pub fn usage_reports(&mut self, developer: Option<&str>) -> Result<Vec<UsageReport>, RegistryError> {
        self.read(|tx| tx.docs(DocKind::Usage, developer)?.iter().map(|j| decode_doc(j)).collect())
    }

    /// Splits `pool` over `developer`'s usage reported for days `from`..=`to`: pro rata by
    /// milliseconds used, then by each work's shares; largest-remainder rounding, so the lines sum
    /// exactly to the pool.
    pub fn issue_statement(&mut self, developer: &str, from: &str, to: &str, pool: Money, actor: &str) -> Result<Statement, RegistryError> {
        let from = &validate_date("from", from)?;
        let to = &validate_date("to", to)?;
        if to < from {
            return Err(RegistryError::Invalid { field: "to", value: to.into(), reason: format!("the period ends before it starts ({from})") });
        }
        self.write(|tx| {
            need_developer(tx, developer)?;
            let reports: Vec<UsageReport> = tx
                .docs(DocKind::Usage, Some(developer))?
                .iter()
                .map(|j| decode_doc::<UsageReport>(j))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|r| r.date.as_str() >= from && r.date.as_str() <= to)
                .collect();
            let (lines, totals) = compute_statement(&pool, &reports)?;
            let statement = Statement {
                id: format!("stm-{:06}", tx.next_number("statement")?),
                developer: developer.into(),
                from: from.into(),
                to: to.into(),
                pool,
                reports: reports.iter().map(|r| r.id.clone()).collect(),
                lines,
                totals,
                issued_at: audit::now(),
            };
            tx.put_doc(DocKind::Statement, &statement.id, developer, &encode(&statement)?)?;
            let mut subjects = format!("statement:{} party:{developer}", statement.id);
            for t in &statement.totals {
                subjects.push_str(&format!(" party:{}", t.holder));
            }
            append(tx, actor, "statement.issued", subjects, encode(&statement)?)?;
            Ok(statement)
        })
    }

    /// One statement.
    pub fn statement(&mut self, id: &str) -> Result<Statement, RegistryError> {
        self.read(|tx| {
            let json = tx.doc(DocKind::Statement, id)?.ok_or_else(|| not_found("statement", id, "see `fermata statement list`"))?;
            decode_doc(&json)
        })
    }

    /// Every statement, by id.
    pub fn statements(&mut self) -> Result<Vec<Statement>, RegistryError> {
        self.read(|tx| tx.docs(DocKind::Statement, None)?.iter().map(|j| decode_doc(j)).collect())
    }

    /// Recomputes a statement from the usage reports in the audit log (not from the stored
    /// statement) and says whether it matches what was issued.
    pub fn recompute_statement(&mut self, id: &str) -> Result<bool, RegistryError> {
        let statement = self.statement(id)?;
        let events = self.history(Some(&format!("party:{}", statement.developer)))?;
        let reports: Vec<UsageReport> = events
            .iter()
            .filter(|e| e.action == "usage.reported")
            .map(|e| decode_doc::<UsageReport>(&e.payload))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|r| statement.reports.contains(&r.id))
            .collect();
        let (lines, totals) = compute_statement(&statement.pool, &reports)?;
        Ok(lines == statement.lines && totals == statement.totals)
    }

    /// The stored response for a repeated `Idempotency-Key`.
    pub fn idempotent_response(&mut self, party: &str, key: &str) -> Result<Option<IdempotentResponse>, RegistryError> {
        self.read(|tx| tx.idempotent(party, key))
    }

    /// Stores the response to a create request under its `Idempotency-Key` (first one wins).
    pub fn store_idempotent_response(&mut self, party: &str, key: &str, response: &IdempotentResponse) -> Result<(), RegistryError> {
        self.write(|tx| {
            if tx.idempotent(party, key)?.is_none() {
                tx.put_idempotent(party, key, response)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_shares, Decision, Work};
    use crate::registry::PolicyChange;

    #[test]
    fn term_end_is_the_day_before_the_anniversary() {
        assert_eq!(term_end("2026-01-01", 12).unwrap(), "2026-12-31");
        assert_eq!(term_end("2026-01-31", 1).unwrap(), "2026-02-27");
        assert_eq!(term_end("2026-03-15", 0).unwrap(), "2026-03-14");
    }

    fn setup() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::create(&dir.path().join("r.sqlite")).unwrap();
        r.add_party("label-a", PartyKind::Label, "Label A", "cli").unwrap();
        r.add_party("pub-b", PartyKind::Publisher, "Publisher B", "cli").unwrap();
        r.add_party("dev", PartyKind::Developer, "Dev", "cli").unwrap();
        let work = |n: u32, shares: &str| Work {
            isrc: format!("GBAAA26{n:05}").parse().unwrap(),
            title: format!("Song {n}"),
            artist: "A".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: parse_shares(shares).unwrap(),
            tracks: vec![],
        };
        r.register_works("label-a", vec![work(1, "label-a=100"), work(2, "label-a=50;pub-b=50")], "cli").unwrap();
        (dir, r)
    }

    fn isrc(n: u32) -> Isrc {
        format!("GBAAA26{n:05}").parse().unwrap()
    }

    #[test]
    fn offers_make_works_licence_required_and_auto_accept_grants_at_once() {
        let (_d, mut r) = setup();
        let de: Territory = "DE".parse().unwrap();
        assert_eq!(r.clear(&isrc(1), "dev", Use::TrainGenai, &de).unwrap().verdict, Verdict::Denied);
        let offer = r
            .publish_offer(
                OfferDraft {
                    holder: "label-a".into(),
                    works: vec![],
                    use_: Use::TrainGenai,
                    territories: vec![],
                    price: "per-work:10:EUR".parse().unwrap(),
                    term_months: Some(12),
                    auto_accept: false,
                },
                "label-a",
            )
            .unwrap();
        let c = r.clear(&isrc(1), "dev", Use::TrainGenai, &de).unwrap();
        assert_eq!(c.verdict, Verdict::LicenceRequired);
        assert_eq!(c.holders[0].offer.as_ref().unwrap().offer.as_deref(), Some(offer.id.as_str()));
        // A work-level deny beats a catalogue offer.
        r.set_policy(PolicyChange::new("label-a", Some(isrc(1)), Use::TrainGenai, Decision::Deny), "label-a").unwrap();
        assert_eq!(r.clear(&isrc(1), "dev", Use::TrainGenai, &de).unwrap().verdict, Verdict::Denied);

        r.publish_offer(
            OfferDraft {
                holder: "pub-b".into(),
                works: vec![isrc(2)],
                use_: Use::TrainGenai,
                territories: vec![de.clone()],
                price: "pool-share:0:EUR".parse().unwrap(),
                term_months: Some(12),
                auto_accept: true,
            },
            "pub-b",
        )
        .unwrap();
        let today = audit::today();
        let ask = |from: &str, months: u32, territories: Vec<Territory>| RequestDraft {
            developer: "dev".into(),
            use_: Use::TrainGenai,
            model: "m".into(),
            territories,
            valid_from: from.into(),
            valid_to: None,
            term_months: Some(months),
            works: vec![isrc(2)],
            scan: None,
        };
        // Beyond the offer (back-dated, longer than its term, or outside its territory): a person decides.
        for draft in [ask("2020-01-01", 12, vec![de.clone()]), ask(&today, 24, vec![de.clone()]), ask(&today, 12, vec!["FR".parse().unwrap()])] {
            let req = r.request_licences(draft, "dev").unwrap();
            assert!(req.lines.iter().all(|l| l.status == LineStatus::Pending), "{req:?}");
        }
        let req = r.request_licences(ask(&today, 12, vec![de.clone()]), "dev").unwrap();
        assert_eq!(req.valid_to, Some(term_end(&today, 12).unwrap()));
        let status: Vec<(&str, LineStatus)> = req.lines.iter().map(|l| (l.holder.as_str(), l.status)).collect();
        assert_eq!(status, vec![("label-a", LineStatus::Pending), ("pub-b", LineStatus::Approved)]);
        // Only the line's holder decides it, and only once.
        assert!(matches!(r.decide(&req.id, 1, "pub-b", true, None, "pub-b"), Err(RegistryError::NotFound { .. })));
        let decided = r.decide(&req.id, 1, "label-a", true, Some("welcome"), "label-a").unwrap();
        assert_eq!(decided.lines[0].status, LineStatus::Approved);
        assert!(matches!(r.decide(&req.id, 1, "label-a", false, None, "label-a"), Err(RegistryError::Conflict(_))));
        assert_eq!(r.clear(&isrc(2), "dev", Use::TrainGenai, &de).unwrap().verdict, Verdict::Cleared);
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn statements_sum_to_the_pool_and_reproduce_from_the_log() {
        let (_d, mut r) = setup();
        let usage = |works: Vec<(Isrc, f64)>| UsageDraft {
            developer: "dev".into(),
            model: "m".into(),
            run: "run-1".into(),
            scan: None,
            manifest: None,
            territory: "DE".parse().unwrap(),
            date: Some("2026-03-01".into()),
            works,
        };
        r.report_usage(usage(vec![(isrc(1), 3600.0), (isrc(2), 1800.0)]), "dev").unwrap();
        r.report_usage(usage(vec![(isrc(2), 1800.5)]), "dev").unwrap();
        assert!(r.report_usage(usage(vec![(isrc(1), -1.0)]), "dev").is_err());
        for pool in [100_000, 99_999, 1, 7, 123_457] {
            let s = r.issue_statement("dev", "2026-01-01", "2026-12-31", Money { amount_minor: pool, currency: "EUR".into() }, "dev").unwrap();
            assert_eq!(s.totals.iter().map(|t| t.amount_minor).sum::<i64>(), pool);
            assert_eq!(s.lines.iter().map(|t| t.amount_minor).sum::<i64>(), pool);
            assert!(r.recompute_statement(&s.id).unwrap());
        }
        assert!(r.issue_statement("dev", "2025-01-01", "2025-12-31", "10:EUR".parse().unwrap(), "dev").is_err());
    }

    #[test]
    fn keys_authenticate_until_revoked_and_fit_their_party() {
        let (_d, mut r) = setup();
        assert!(r.create_key("dev", Role::HolderAdmin, "cli").is_err());
        let k = r.create_key("label-a", Role::HolderAdmin, "cli").unwrap();
        assert!(k.secret.starts_with("fmk_"));
        assert_eq!(r.authenticate(&k.secret).unwrap().unwrap().party, "label-a");
        assert!(r.authenticate("fmk_wrong").unwrap().is_none());
        r.revoke_key(&k.key.id, "cli").unwrap();
        assert!(r.authenticate(&k.secret).unwrap().is_none());
    }
}
