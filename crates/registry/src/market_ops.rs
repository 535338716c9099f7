//! The marketplace's operations on the registry: keys, offers, requests and decisions, usage
//! reports and statements. Each is one transaction with its audit event, like the rest.

use crate::RegistryError;
use crate::answer::{AnswerSource, HolderClearance, Verdict, clear_work};
use crate::audit::Now;
use crate::market::*;
use crate::model::{
    Isrc, MAX_NAME_CHARS, MAX_REASON_CHARS, Money, Price, PriceModel, Territory, Use, bounded,
    validate_date,
};
use crate::registry::{Created, IdempotencyRecord};
use crate::registry::{
    LicenceGrant, Registry, append, cache_holder_policies, grant_in, load_offers, need_developer,
    need_holder, need_party, need_work,
};
use crate::remuneration::{
    AttributionDraft, AttributionFind, AttributionOutput, AttributionReport, ChargedFee,
    MAX_ATTRIBUTION_OUTPUTS, RemunerationModel, StatementInput, StatementParts,
    compute_statement_parts,
};
use crate::store::{DocKind, IdempotentResponse, Tx};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
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
    /// How a pool-share price is divided among the works in a statement.
    pub remuneration: RemunerationModel,
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
    /// The use made of the works (default: the use of the scan or manifest cited).
    pub use_: Option<Use>,
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

/// One work used and its seconds, written `ISRC=SECONDS` or `ISRC,SECONDS` (how the CLI's
/// `--work` and each line of a usage CSV name it). The seconds are checked as
/// [`seconds_to_ms`] checks them.
pub fn parse_usage_work(item: &str) -> Result<(Isrc, f64), RegistryError> {
    let (isrc, seconds) = item
        .split_once(['=', ','])
        .ok_or_else(|| RegistryError::Invalid {
            field: "works",
            value: item.chars().take(80).collect(),
            reason: "write ISRC,SECONDS (or ISRC=SECONDS)".into(),
        })?;
    let seconds: f64 = seconds.trim().parse().map_err(|_| RegistryError::Invalid {
        field: "seconds",
        value: seconds.trim().chars().take(80).collect(),
        reason: "the seconds are not a number".into(),
    })?;
    seconds_to_ms(seconds)?;
    Ok((isrc.trim().parse()?, seconds))
}

/// The works of a usage CSV: one `ISRC,SECONDS` a line, after an optional `isrc,seconds`
/// header; blank lines are skipped. At most [`MAX_USAGE_WORKS`] lines; an error names the
/// line (1-based) that is wrong.
pub fn parse_usage_csv(text: &str) -> Result<Vec<(Isrc, f64)>, RegistryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut works = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || (works.is_empty() && line.replace(' ', "").eq_ignore_ascii_case("isrc,seconds"))
        {
            continue;
        }
        if works.len() == MAX_USAGE_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: format!("line {}", i + 1),
                reason: format!("report at most {MAX_USAGE_WORKS} works at once; split the report"),
            });
        }
        let work = parse_usage_work(line).map_err(|e| match e {
            RegistryError::Invalid {
                field,
                value,
                reason,
            } => RegistryError::Invalid {
                field,
                value,
                reason: format!("line {}: {reason}", i + 1),
            },
            other => other,
        })?;
        works.push(work);
    }
    if works.is_empty() {
        return Err(RegistryError::Invalid {
            field: "works",
            value: String::new(),
            reason: "list the works used and the seconds of each".into(),
        });
    }
    Ok(works)
}

/// The whole result of a create, as the record it made (for `Registry::write_created`).
fn itself<R>(made: &R) -> Option<&R> {
    Some(made)
}

fn not_found(what: &'static str, id: &str, hint: &'static str) -> RegistryError {
    RegistryError::NotFound {
        what,
        id: id.to_string(),
        hint,
    }
}

fn encode<T: serde::Serialize>(v: &T) -> Result<String, RegistryError> {
    serde_json::to_string(v)
        .map_err(|e| RegistryError::Internal(format!("cannot encode a record: {e}")))
}

fn load_request(tx: &mut dyn Tx, id: &str) -> Result<LicenceRequest, RegistryError> {
    let json = tx
        .doc(DocKind::Request, id)?
        .ok_or_else(|| not_found("request", id, "see `fermata request list`"))?;
    decode_doc(&json)
}

/// `from` plus `months` months, minus a day: the last day of a term that starts on `from`.
pub fn term_end(from: &str, months: u32) -> Result<String, RegistryError> {
    validate_term_months(months)?;
    let start = crate::model::parse_day("valid-from", from)?;
    let total = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).map_err(|e| RegistryError::Internal(e.to_string()))?;
    let day = start.day().min(month.length(year));
    let end = time::Date::from_calendar_date(year, month, day)
        .ok()
        .and_then(|d| d.previous_day())
        .ok_or_else(|| RegistryError::Invalid {
            field: "term",
            value: months.to_string(),
            reason: "the term ends out of range".into(),
        })?;
    Ok(crate::model::format_day(end))
}

/// Longest term, in months, that an offer, a policy or a request may name (100 years).
pub const MAX_TERM_MONTHS: u32 = 1_200;

/// Checks a term in months: at least one, at most [`MAX_TERM_MONTHS`].
pub fn validate_term_months(months: u32) -> Result<(), RegistryError> {
    if months == 0 || months > MAX_TERM_MONTHS {
        return Err(RegistryError::Invalid {
            field: "term-months",
            value: months.to_string(),
            reason: format!("a term is 1 to {MAX_TERM_MONTHS} months; for no end, give no term"),
        });
    }
    Ok(())
}

/// Approves one pending line inside a transaction: grants the licence and records the decision.
fn approve_line(
    tx: &mut dyn Tx,
    now: &Now,
    request: &mut LicenceRequest,
    index: usize,
    offers: &[Offer],
    decided_by: &str,
    actor: &str,
) -> Result<(), RegistryError> {
    let line = request.lines[index].clone();
    let offer = line
        .offer
        .as_ref()
        .and_then(|id| offers.iter().find(|o| &o.id == id));
    // The licence covers only the territories asked where this holder holds a share of the work
    // (where it was asked): never a territory where it said nothing, which a later share there
    // would otherwise turn into a yes.
    let work = need_work(tx, &line.isrc)?;
    let territories: Vec<Territory> = if request.territories.is_empty() {
        Vec::new()
    } else {
        let held: Vec<Territory> = request
            .territories
            .iter()
            .filter(|t| work.shares_in(t).iter().any(|s| s.holder == line.holder))
            .cloned()
            .collect();
        if held.is_empty() {
            request.territories.clone()
        } else {
            held
        }
    };
    let grant = LicenceGrant {
        holder: line.holder.clone(),
        developer: request.developer.clone(),
        use_: request.use_,
        works: vec![line.isrc.clone()],
        territories,
        valid_from: request.valid_from.clone(),
        valid_to: request.valid_to.clone(),
        price: offer.map(|o| o.price.clone()),
        terms: Some(format!(
            "request {} line {} for model {}",
            request.id, line.line, request.model
        )),
    };
    let licence = grant_in(tx, now, &grant, actor)?;
    let l = &mut request.lines[index];
    l.status = LineStatus::Approved;
    l.licence = Some(licence.id);
    l.decided_at = Some(now.at.clone());
    l.decided_by = Some(decided_by.to_string());
    Ok(())
}

/// The per-work fees a statement charged: never charged again by a later statement.
fn charged_by(statement: &Statement) -> impl Iterator<Item = ChargedFee> + '_ {
    statement.fees.iter().filter_map(|f| {
        f.term_from
            .as_ref()
            .map(|t| (f.licence.clone(), f.isrc.clone(), t.clone()))
    })
}

impl Registry {
    /// Makes an API key for `party` with `role`; the secret is in the result and nowhere else.
    /// Holder roles go to rights holders, `developer` to developers, `auditor` to auditors.
    pub fn create_key(
        &mut self,
        party: &str,
        role: Role,
        actor: &str,
    ) -> Result<NewKey, RegistryError> {
        let secret = format!("fmk_{}", crate::people::random_secret()?);
        let digest = hex::encode(Sha256::digest(secret.as_bytes()));
        self.write(|tx, now| {
            let p = need_party(tx, party)?;
            if !role.fits(p.kind) {
                return Err(RegistryError::NotAllowed(format!(
                    "a {} party cannot have a {role} key",
                    p.kind
                )));
            }
            let key = ApiKey {
                id: format!("key-{:06}", tx.next_number("key")?),
                party: party.into(),
                role,
                created_at: now.at.clone(),
                revoked_at: None,
            };
            tx.put_key(&key, &digest)?;
            append(
                tx,
                now,
                actor,
                "key.created",
                format!("key:{} party:{party}", key.id),
                encode(&key)?,
            )?;
            Ok(NewKey { key, secret })
        })
    }

    /// Revokes a key at once.
    pub fn revoke_key(&mut self, id: &str, actor: &str) -> Result<ApiKey, RegistryError> {
        self.write(|tx, now| {
            let key = tx
                .keys()?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or_else(|| not_found("key", id, "see `fermata key list`"))?;
            let at = now.at.clone();
            if !tx.revoke_key(id, &at)? {
                return Err(RegistryError::Conflict(format!(
                    "key {id} is already revoked"
                )));
            }
            append(
                tx,
                now,
                actor,
                "key.revoked",
                format!("key:{id} party:{}", key.party),
                encode(&serde_json::json!({"id": id, "at": at}))?,
            )?;
            Ok(ApiKey {
                revoked_at: Some(at),
                ..key
            })
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
    pub fn publish_offer(
        &mut self,
        draft: OfferDraft,
        actor: &str,
    ) -> Result<Offer, RegistryError> {
        if let Some(m) = draft.term_months {
            validate_term_months(m)?;
        }
        if draft.works.len() > MAX_REQUEST_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: draft.works.len().to_string(),
                reason: format!(
                    "name at most {MAX_REQUEST_WORKS} works in one offer, or none for the whole catalogue"
                ),
            });
        }
        self.write_created(itself, |tx, now| {
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
                created_at: now.at.clone(),
                withdrawn_at: None,
                remuneration: draft.remuneration,
            };
            tx.put_doc(DocKind::Offer, &offer.id, &offer.holder, &encode(&offer)?)?;
            let mut subjects = format!("offer:{} party:{}", offer.id, offer.holder);
            for w in &offer.works {
                subjects.push_str(&format!(" work:{w}"));
            }
            append(tx, now, actor, "offer.published", subjects, encode(&offer)?)?;
            Ok(offer)
        })
    }

    /// Withdraws `holder`'s offer (requests already made keep their lines).
    pub fn withdraw_offer(
        &mut self,
        id: &str,
        holder: &str,
        actor: &str,
    ) -> Result<Offer, RegistryError> {
        self.write(|tx, now| {
            let json = tx
                .doc(DocKind::Offer, id)?
                .ok_or_else(|| not_found("offer", id, "see `fermata offer list`"))?;
            let mut offer: Offer = decode_doc(&json)?;
            if offer.holder != holder {
                return Err(not_found("offer", id, "see `fermata offer list`"));
            }
            if offer.withdrawn_at.is_some() {
                return Err(RegistryError::Conflict(format!(
                    "offer {id} is already withdrawn"
                )));
            }
            offer.withdrawn_at = Some(now.at.clone());
            tx.put_doc(DocKind::Offer, id, holder, &encode(&offer)?)?;
            append(
                tx,
                now,
                actor,
                "offer.withdrawn",
                format!("offer:{id} party:{holder}"),
                encode(&offer)?,
            )?;
            Ok(offer)
        })
    }

    /// Offers, of one holder or all; withdrawn ones only when asked.
    pub fn offers(
        &mut self,
        holder: Option<&str>,
        include_withdrawn: bool,
    ) -> Result<Vec<Offer>, RegistryError> {
        self.read(|tx| {
            Ok(load_offers(tx)?
                .into_iter()
                .filter(|o| {
                    holder.is_none_or(|h| o.holder == h)
                        && (include_withdrawn || o.withdrawn_at.is_none())
                })
                .collect())
        })
    }

    /// Makes a licence request: one line per (work, holder) whose answer is not already yes,
    /// asked exactly as a scan asks ([`crate::holder_answer`]) for every territory requested, from
    /// the first day requested. A holder whose policy reserves the use gets a line refused at
    /// once with that reason (and the work's other holders are left out, with why); a holder
    /// who has not answered gets a pending line; lines under an auto-accept offer that answers
    /// for every territory are approved at once; the others wait for the holder. Works already
    /// cleared are left out, with why.
    pub fn request_licences(
        &mut self,
        draft: RequestDraft,
        actor: &str,
    ) -> Result<LicenceRequest, RegistryError> {
        let mut draft = draft;
        draft.valid_from = validate_date("valid-from", &draft.valid_from)?;
        let valid_to = match (&draft.valid_to, draft.term_months) {
            (Some(to), _) => Some(validate_date("valid-to", to)?),
            (None, Some(m)) => Some(term_end(&draft.valid_from, m)?),
            (None, None) => None,
        };
        if valid_to
            .as_deref()
            .is_some_and(|to| to < draft.valid_from.as_str())
        {
            return Err(RegistryError::Invalid {
                field: "valid-to",
                value: valid_to.unwrap_or_default(),
                reason: "the licence would end before it starts".into(),
            });
        }
        if draft.model.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "model",
                value: String::new(),
                reason: "name the model".into(),
            });
        }
        bounded("model", &draft.model, MAX_NAME_CHARS)?;
        draft.works.sort();
        draft.works.dedup();
        draft.territories.sort();
        draft.territories.dedup();
        if draft.works.len() > MAX_REQUEST_WORKS {
            return Err(RegistryError::Invalid {
                field: "works",
                value: draft.works.len().to_string(),
                reason: format!(
                    "ask for at most {MAX_REQUEST_WORKS} works in one request; split it"
                ),
            });
        }
        self.write_created(itself, |tx, now| {
            let today = now.date.clone();
            need_developer(tx, &draft.developer)?;
            // The works asked about: those named, and a scan's works that are not cleared.
            let mut asked: Vec<Isrc> = draft.works.clone();
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
                    for w in v.works.iter().filter(|w| matches!(w.verdict, Verdict::LicenceRequired | Verdict::Denied)) {
                        if !asked.contains(&w.isrc) {
                            asked.push(w.isrc.clone());
                        }
                    }
                }
            }
            if asked.len() > MAX_REQUEST_WORKS {
                return Err(RegistryError::Invalid {
                    field: "works",
                    value: asked.len().to_string(),
                    reason: format!("ask for at most {MAX_REQUEST_WORKS} works in one request; split it"),
                });
            }
            let offers = load_offers(tx)?;
            let licences = tx.licences()?;
            let territories: Vec<Territory> = if draft.territories.is_empty() { vec![Territory::world()] } else { draft.territories.clone() };
            // Asked from the first day asked for (never before today).
            let date = draft.valid_from.as_str().max(today.as_str()).to_string();
            let mut lines: Vec<(Isrc, String, Option<String>, Option<String>)> = Vec::new(); // (work, holder, offer, refusal)
            let mut left_out: Vec<LeftOut> = Vec::new();
            let mut policies: std::collections::BTreeMap<String, Vec<crate::model::Policy>> = Default::default();
            for isrc in &asked {
                let work = need_work(tx, isrc)?;
                cache_holder_policies(tx, &work, &mut policies)?;
                let mut policies_of = |h: &str| policies.get(h).cloned().unwrap_or_default();
                // Each holder's answers, one per territory asked: the same answer a scan gives.
                let mut answers: Vec<(String, Vec<(Territory, HolderClearance)>)> = Vec::new();
                for t in &territories {
                    let c = clear_work(&work, &draft.developer, draft.use_, t, &date, &mut policies_of, &licences, &offers);
                    for h in c.holders {
                        match answers.iter_mut().find(|(holder, _)| holder == &h.holder) {
                            Some((_, list)) => list.push((t.clone(), h)),
                            None => answers.push((h.holder.clone(), vec![(t.clone(), h)])),
                        }
                    }
                }
                let where_ = |t: &Territory| if territories.len() > 1 { format!(" (in {t})") } else { String::new() };
                // A holder whose policy reserves the use is refused at once: the request cannot
                // turn a no into a yes, and the other holders of that work are not troubled.
                let refusals: Vec<(String, String)> = answers
                    .iter()
                    .filter_map(|(holder, list)| {
                        let no = list.iter().find(|(_, h)| h.verdict == Verdict::Denied && h.source != Some(AnswerSource::NoPolicy))?;
                        Some((holder.clone(), format!("{}{}", no.1.reason, where_(&no.0))))
                    })
                    .collect();
                for (holder, list) in answers {
                    if let Some((_, why)) = refusals.iter().find(|(h, _)| h == &holder) {
                        lines.push((isrc.clone(), holder, None, Some(why.clone())));
                    } else if !refusals.is_empty() {
                        let reason = format!("{} cannot be cleared: {}", isrc, refusals.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join("; "));
                        left_out.push(LeftOut { isrc: isrc.clone(), holder, reason });
                    } else if list.iter().all(|(_, h)| h.verdict == Verdict::Cleared) {
                        let reason = format!("already cleared: {}", list.iter().map(|(t, h)| format!("{}{}", h.reason, where_(t))).collect::<Vec<_>>().join("; "));
                        left_out.push(LeftOut { isrc: isrc.clone(), holder, reason });
                    } else {
                        // One offer answers for every territory asked, or a person decides.
                        let first = list.first().and_then(|(_, h)| h.offer.as_ref()).and_then(|o| o.offer.clone());
                        let offer = first.filter(|id| {
                            list.iter().all(|(_, h)| h.verdict == Verdict::LicenceRequired && h.offer.as_ref().and_then(|o| o.offer.as_ref()) == Some(id))
                        });
                        lines.push((isrc.clone(), holder, offer, None));
                    }
                }
            }
            if lines.is_empty() {
                let why: Vec<String> = left_out.iter().map(|l| format!("{} from {}: {}", l.isrc, l.holder, l.reason)).collect();
                return Err(RegistryError::NotAllowed(if why.is_empty() {
                    "nothing to request: name works with a share holder, or a scan with works that are not cleared".into()
                } else {
                    format!("nothing to request: {}", why.join(" | "))
                }));
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
                created_at: now.at.clone(),
                lines: lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, (isrc, holder, offer, refusal))| RequestLine {
                        line: i as u32 + 1,
                        isrc,
                        holder,
                        offer,
                        status: if refusal.is_some() { LineStatus::Refused } else { LineStatus::Pending },
                        decided_at: refusal.as_ref().map(|_| now.at.clone()),
                        decided_by: refusal.as_ref().map(|_| "policy".to_string()),
                        reason: refusal,
                        licence: None,
                    })
                    .collect(),
                left_out,
            };
            let mut subjects = format!("request:{} party:{}", request.id, request.developer);
            for h in request.lines.iter().map(|l| &l.holder).collect::<BTreeSet<_>>() {
                subjects.push_str(&format!(" party:{h}"));
            }
            for l in &request.lines {
                subjects.push_str(&format!(" work:{}", l.isrc));
            }
            append(tx, now, actor, "request.made", subjects, encode(&request)?)?;
            for l in request.lines.iter().filter(|l| l.status == LineStatus::Refused) {
                append(tx, now, "policy", "request.refused", format!("request:{} party:{} party:{} work:{}", request.id, request.developer, l.holder, l.isrc), encode(l)?)?;
            }
            for i in 0..request.lines.len() {
                if request.lines[i].status != LineStatus::Pending {
                    continue;
                }
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
                    approve_line(tx, now, &mut request, i, &offers, "auto-accept", actor)?;
                    let l = &request.lines[i];
                    append(tx, now, "auto-accept", "request.approved", format!("request:{} party:{} work:{}", request.id, l.holder, l.isrc), encode(l)?)?;
                }
            }
            tx.put_doc(DocKind::Request, &request.id, &request.developer, &encode(&request)?)?;
            Ok(request)
        })
    }

    /// Renews `developer`'s licence `id`: a licence request, through the normal request path
    /// ([`Registry::request_licences`]: the holders' current policies and offers answer, and an
    /// auto-accept offer approves at once), for the same works, use and territories, for a
    /// term of the same length (in months when it was a whole number of months, else in days)
    /// starting the day after the licence ends. The model named is that of the request the
    /// licence came from, when there was one.
    pub fn renew_licence(
        &mut self,
        id: &str,
        developer: &str,
        actor: &str,
    ) -> Result<LicenceRequest, RegistryError> {
        let (licence, model) = self.read(|tx| {
            let licence = tx
                .licence(id)?
                .filter(|l| l.developer == developer)
                .ok_or_else(|| not_found("licence", id, "see `fermata licence list --party DEVELOPER`: only the developer holding a licence renews it"))?;
            let mut model = None;
            for json in tx.docs(DocKind::Request, Some(developer))? {
                let r: LicenceRequest = decode_doc(&json)?;
                if r.lines.iter().any(|l| l.licence.as_deref() == Some(id)) {
                    model = Some(r.model);
                }
            }
            Ok((licence, model))
        })?;
        let Some(end) = licence.valid_to.clone() else {
            return Err(RegistryError::NotAllowed(format!(
                "licence {id} has no end, so there is nothing to renew"
            )));
        };
        if licence.works.is_empty() {
            return Err(RegistryError::NotAllowed(format!(
                "licence {id} covers the holder's whole catalogue; request the works you need by name (fermata request create --work ...)"
            )));
        }
        let valid_from = crate::remuneration::next_day(&end)?;
        let months = (1..=MAX_TERM_MONTHS)
            .find(|&m| term_end(&licence.valid_from, m).is_ok_and(|e| e == end));
        let valid_to = match months {
            Some(m) => term_end(&valid_from, m)?,
            None => {
                let parse = |d: &str| crate::model::parse_day("date", d);
                let days = (parse(&end)? - parse(&licence.valid_from)?).whole_days();
                crate::model::format_day(parse(&valid_from)? + time::Duration::days(days))
            }
        };
        self.request_licences(
            RequestDraft {
                developer: developer.into(),
                use_: licence.use_,
                model: model.unwrap_or_else(|| format!("renewal of {id}")),
                territories: licence.territories.clone(),
                valid_from,
                valid_to: Some(valid_to),
                term_months: None,
                works: licence.works.clone(),
                scan: None,
            },
            actor,
        )
    }

    /// The holder decides one line of a request: approval grants the licence. A line is decided
    /// once; a second decision (even at the same moment) is refused.
    pub fn decide(
        &mut self,
        request_id: &str,
        line: u32,
        holder: &str,
        approve: bool,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<LicenceRequest, RegistryError> {
        self.decide_lines(request_id, &[line], holder, approve, reason, actor)
    }

    /// The holder decides several lines of a request at once (`lines` empty: every line of the
    /// request still pending for it), in one transaction: all are decided or none. A line
    /// already decided is refused, naming it.
    pub fn decide_lines(
        &mut self,
        request_id: &str,
        lines: &[u32],
        holder: &str,
        approve: bool,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<LicenceRequest, RegistryError> {
        if let Some(r) = reason {
            bounded("reason", r, MAX_REASON_CHARS)?;
        }
        if lines.len() > MAX_REQUEST_WORKS * 10 {
            return Err(RegistryError::Invalid {
                field: "lines",
                value: lines.len().to_string(),
                reason: "too many lines named".into(),
            });
        }
        self.write_created(itself, |tx, now| {
            let mut request = load_request(tx, request_id)?;
            let indices: Vec<usize> = if lines.is_empty() {
                let pending: Vec<usize> =
                    (0..request.lines.len()).filter(|&i| request.lines[i].holder == holder && request.lines[i].status == LineStatus::Pending).collect();
                if pending.is_empty() {
                    return Err(not_found("pending request line", request_id, "see `fermata request list --status pending`"));
                }
                pending
            } else {
                let mut out = Vec::new();
                for &line in lines {
                    let index = request
                        .lines
                        .iter()
                        .position(|l| l.line == line && l.holder == holder)
                        .ok_or_else(|| not_found("request line", &format!("{request_id}/{line}"), "see `fermata request list`"))?;
                    if !out.contains(&index) {
                        out.push(index);
                    }
                }
                out
            };
            let offers = load_offers(tx)?;
            if approve && lines.is_empty() {
                // "Approve all" must not grant what the holder's own policy now reserves (a line
                // made before the policy changed): those are approved only when named.
                let policies = tx.policies(holder)?;
                let today = now.date.clone();
                let territories: Vec<Territory> =
                    if request.territories.is_empty() { vec![Territory::world()] } else { request.territories.clone() };
                let mut reserved = Vec::new();
                for &index in &indices {
                    let l = &request.lines[index];
                    for t in &territories {
                        let q = crate::answer::Question { developer: None, use_: request.use_, territory: t, date: &today };
                        let a = crate::answer::holder_answer(holder, 0, Some(&l.isrc), &q, &policies, &[], &offers);
                        if a.verdict == Verdict::Denied && a.source != Some(AnswerSource::NoPolicy) {
                            reserved.push(format!("line {} ({}): {}", l.line, l.isrc, a.reason));
                            break;
                        }
                    }
                }
                if !reserved.is_empty() {
                    return Err(RegistryError::Conflict(format!(
                        "not approving all: your policy now reserves {}; approve such a line by its number if you mean it",
                        reserved.join("; ")
                    )));
                }
            }
            for index in indices {
                let line = request.lines[index].line;
                if request.lines[index].status != LineStatus::Pending {
                    return Err(RegistryError::Conflict(format!(
                        "line {line} of {request_id} was already {} by {}",
                        request.lines[index].status,
                        request.lines[index].decided_by.as_deref().unwrap_or("someone")
                    )));
                }
                if approve {
                    approve_line(tx, now, &mut request, index, &offers, actor, actor)?;
                } else {
                    let l = &mut request.lines[index];
                    l.status = LineStatus::Refused;
                    l.decided_at = Some(now.at.clone());
                    l.decided_by = Some(actor.to_string());
                }
                request.lines[index].reason = reason.map(Into::into);
                let l = &request.lines[index];
                let action = if approve { "request.approved" } else { "request.refused" };
                append(tx, now, actor, action, format!("request:{request_id} party:{} party:{holder} work:{}", request.developer, l.isrc), encode(l)?)?;
            }
            tx.put_doc(DocKind::Request, &request.id, &request.developer, &encode(&request)?)?;
            Ok(request)
        })
    }

    /// The requests `party` may see, as it may see them: a developer its own requests whole; a
    /// holder the requests with lines it decides, with only those lines. `status` keeps only
    /// lines in that state (and requests with any left). None: every request, whole.
    pub fn requests_visible_to(
        &mut self,
        party: Option<&str>,
        status: Option<LineStatus>,
    ) -> Result<Vec<LicenceRequest>, RegistryError> {
        let mut requests = self.requests()?;
        if let Some(p) = party {
            requests = requests.into_iter().filter_map(|r| r.seen_by(p)).collect();
        }
        if let Some(st) = status {
            for r in &mut requests {
                r.lines.retain(|l| l.status == st);
            }
            requests.retain(|r| !r.lines.is_empty());
        }
        Ok(requests)
    }

    /// One request as `party` may see it ([`LicenceRequest::seen_by`]; None: whole). A request
    /// the party may not see is refused exactly as one that does not exist.
    pub fn request_visible_to(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<LicenceRequest, RegistryError> {
        let request = self.request(id)?;
        match party {
            None => Ok(request),
            Some(p) => request.seen_by(p).ok_or_else(|| {
                not_found("request", id, "see `fermata request list --party PARTY`")
            }),
        }
    }

    /// One request.
    pub fn request(&mut self, id: &str) -> Result<LicenceRequest, RegistryError> {
        self.read(|tx| load_request(tx, id))
    }

    /// Every request, by id.
    pub fn requests(&mut self) -> Result<Vec<LicenceRequest>, RegistryError> {
        self.read(|tx| {
            tx.docs(DocKind::Request, None)?
                .iter()
                .map(|j| decode_doc(j))
                .collect()
        })
    }

    /// Records what a training run used. Each work's shares in the report's territory are kept
    /// with it, so statements can be recomputed from the log alone.
    ///
    /// Only cleared works can be reported: each must be cleared for this developer, use,
    /// territory and day (the answer of [`crate::clear_work`]), and, when a scan or manifest is
    /// cited, be among the works that scan cleared for the same model. Otherwise nothing is
    /// recorded as used, the attempt is appended to the audit log under the holders of the works
    /// (`usage.refused`), and the error names each work and why.
    pub fn report_usage(
        &mut self,
        draft: UsageDraft,
        actor: &str,
    ) -> Result<UsageReport, RegistryError> {
        let now = self.now();
        let date = match &draft.date {
            Some(d) => validate_date("date", d)?,
            None => now.date.clone(),
        };
        if draft.works.is_empty() {
            return Err(RegistryError::Invalid {
                field: "works",
                value: String::new(),
                reason: "list the works used and the seconds of each".into(),
            });
        }
        if draft.model.trim().is_empty() || draft.run.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "model/run",
                value: String::new(),
                reason: "name the model and the training run".into(),
            });
        }
        bounded("model", &draft.model, MAX_NAME_CHARS)?;
        bounded("run", &draft.run, MAX_NAME_CHARS)?;
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

        self.write_created_at(
            &now,
            |made: &Result<UsageReport, RegistryError>| made.as_ref().ok(),
            |tx, now| {
            need_developer(tx, &draft.developer)?;
            let mut scan_id = None;
            if let Some(id) = &draft.scan {
                tx.scan(id)?.filter(|s| s.developer == draft.developer).ok_or_else(|| not_found("scan", id, "see `fermata scan --list`"))?;
                scan_id = Some(id.clone());
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
                scan_id = Some(record.scan_id.clone());
            }
            let scan = match &scan_id {
                Some(id) => tx.scan(id)?,
                None => None,
            };
            let use_ = match (draft.use_, &scan) {
                (Some(u), Some(s)) if u != s.use_ => {
                    return Err(RegistryError::NotAllowed(format!("scan {} cleared data for {}, not {u}", s.id, s.use_)));
                }
                (Some(u), _) => u,
                (None, Some(s)) => s.use_,
                (None, None) => {
                    return Err(RegistryError::Invalid { field: "use", value: String::new(), reason: "name the use made of the works, or cite the scan or manifest that cleared them".into() });
                }
            };
            if let Some(s) = &scan
                && s.model != draft.model {
                    return Err(RegistryError::NotAllowed(format!("scan {} cleared data for model {}, not {}", s.id, s.model, draft.model)));
                }
            // The works the cited scan cleared (its manifest lists exactly these).
            let cleared_in_scan: Option<BTreeSet<Isrc>> = match &scan {
                Some(s) => Some(
                    tx.scan_files(&s.id)?
                        .into_iter()
                        .filter_map(|f| f.verdict)
                        .filter(|v| v.verdict == Verdict::Cleared)
                        .flat_map(|v| v.works.into_iter().map(|w| w.isrc))
                        .collect(),
                ),
                None => None,
            };
            let offers = load_offers(tx)?;
            let licences = tx.licences()?;
            let mut usage = Vec::new();
            let mut refused: Vec<(Isrc, Vec<String>, String)> = Vec::new(); // (work, holders, why)
            let mut policies: std::collections::BTreeMap<String, Vec<crate::model::Policy>> = Default::default();
            for (isrc, ms) in lines {
                let work = need_work(tx, &isrc)?;
                // Usage is paid only for what was cleared: for this developer, use, territory
                // and day, by the one answer every door gives.
                cache_holder_policies(tx, &work, &mut policies)?;
                let mut policies_of = |h: &str| policies.get(h).cloned().unwrap_or_default();
                let c = clear_work(&work, &draft.developer, use_, &draft.territory, &date, &mut policies_of, &licences, &offers);
                let holders: Vec<String> = work.shares.iter().map(|s| s.holder.clone()).collect::<BTreeSet<_>>().into_iter().collect();
                if c.verdict != Verdict::Cleared {
                    let why: Vec<&str> = c.holders.iter().filter(|h| h.verdict != Verdict::Cleared).map(|h| h.reason.as_str()).collect();
                    refused.push((isrc.clone(), holders, format!("not cleared for {use_} in {} on {date}: {}", draft.territory, why.join("; "))));
                    continue;
                }
                if let (Some(set), Some(s)) = (&cleared_in_scan, &scan)
                    && !set.contains(&isrc) {
                        refused.push((isrc.clone(), holders, format!("not among the files scan {} cleared", s.id)));
                        continue;
                    }
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
            if !refused.is_empty() {
                // The attempt is recorded where each holder of the works sees it; nothing is paid.
                let mut subjects = format!("party:{}", draft.developer);
                for h in refused.iter().flat_map(|(_, hs, _)| hs).collect::<BTreeSet<_>>() {
                    subjects.push_str(&format!(" party:{h}"));
                }
                for (isrc, _, _) in &refused {
                    subjects.push_str(&format!(" work:{isrc}"));
                }
                let payload = serde_json::json!({
                    "developer": draft.developer, "model": draft.model, "run": draft.run, "use": use_,
                    "territory": draft.territory, "date": date,
                    "refused": refused.iter().map(|(i, _, why)| serde_json::json!({"isrc": i, "reason": why})).collect::<Vec<_>>(),
                });
                append(tx, now, actor, "usage.refused", subjects, encode(&payload)?)?;
                let why: Vec<String> = refused.iter().map(|(i, _, w)| format!("{i}: {w}")).collect();
                return Ok(Err(RegistryError::NotAllowed(format!(
                    "usage refused, nothing recorded as used (the attempt is in the audit log): {}",
                    why.join(" | ")
                ))));
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
                reported_at: now.at.clone(),
                lines: usage,
                use_: Some(use_),
            };
            tx.put_doc(DocKind::Usage, &report.id, &report.developer, &encode(&report)?)?;
            let mut subjects = format!("usage:{} party:{}", report.id, report.developer);
            for l in &report.lines {
                subjects.push_str(&format!(" work:{}", l.isrc));
            }
            append(tx, now, actor, "usage.reported", subjects, encode(&report)?)?;
            Ok(Ok(report))
        })?
    }

    /// Usage reports of one developer, or all.
    pub fn usage_reports(
        &mut self,
        developer: Option<&str>,
    ) -> Result<Vec<UsageReport>, RegistryError> {
        self.read(|tx| {
            tx.docs(DocKind::Usage, developer)?
                .iter()
                .map(|j| decode_doc(j))
                .collect()
        })
    }

    /// Issues `developer`'s statement for days `from`..=`to` with the pro-rata model for works
    /// whose holder's offer names none ([`Registry::issue_statement_with`]).
    pub fn issue_statement(
        &mut self,
        developer: &str,
        from: &str,
        to: &str,
        pool: Money,
        actor: &str,
    ) -> Result<Statement, RegistryError> {
        self.issue_statement_with(developer, from, to, pool, RemunerationModel::ProRata, actor)
    }

    /// Issues `developer`'s statement for days `from`..=`to`: the fees owed under its priced
    /// licences and `pool` split over the usage that takes part in it, by each holder's offer's
    /// remuneration model or else `model` ([`compute_statement_parts`]; largest-remainder
    /// rounding, so the lines sum exactly to the pool). Per-work fees charged on an earlier
    /// statement are not charged again.
    pub fn issue_statement_with(
        &mut self,
        developer: &str,
        from: &str,
        to: &str,
        pool: Money,
        model: RemunerationModel,
        actor: &str,
    ) -> Result<Statement, RegistryError> {
        let from = &validate_date("from", from)?;
        let to = &validate_date("to", to)?;
        if to < from {
            return Err(RegistryError::Invalid {
                field: "to",
                value: to.into(),
                reason: format!("the period ends before it starts ({from})"),
            });
        }
        self.write_created(itself, |tx, now| {
            need_developer(tx, developer)?;
            let reports: Vec<UsageReport> = tx
                .docs(DocKind::Usage, Some(developer))?
                .iter()
                .map(|j| decode_doc::<UsageReport>(j))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|r| r.date.as_str() >= from.as_str() && r.date.as_str() <= to.as_str())
                .collect();
            let licences: Vec<crate::model::Licence> = tx
                .licences()?
                .into_iter()
                .filter(|l| l.developer == developer)
                .collect();
            let mut licence_offers = BTreeMap::new();
            for json in tx.docs(DocKind::Request, Some(developer))? {
                let request: LicenceRequest = decode_doc(&json)?;
                for line in request.lines {
                    if let (Some(lic), Some(offer)) = (line.licence, line.offer) {
                        licence_offers.insert(lic, offer);
                    }
                }
            }
            let offer_models: BTreeMap<String, RemunerationModel> = load_offers(tx)?
                .into_iter()
                .map(|o| (o.id, o.remuneration))
                .collect();
            let attributions: Vec<AttributionReport> = tx
                .docs(DocKind::Attribution, Some(developer))?
                .iter()
                .map(|j| decode_doc::<AttributionReport>(j))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|a| a.date.as_str() >= from.as_str() && a.date.as_str() <= to.as_str())
                .collect();
            let mut charged: BTreeSet<ChargedFee> = BTreeSet::new();
            for json in tx.docs(DocKind::Statement, Some(developer))? {
                let earlier: Statement = decode_doc(&json)?;
                charged.extend(charged_by(&earlier));
            }
            let parts = compute_statement_parts(&StatementInput {
                developer,
                from,
                to,
                pool: &pool,
                model,
                reports: &reports,
                licences: &licences,
                licence_offers: &licence_offers,
                offer_models: &offer_models,
                charged: &charged,
                attributions: &attributions,
            })?;
            let statement = Statement {
                id: format!("stm-{:06}", tx.next_number("statement")?),
                developer: developer.into(),
                from: from.into(),
                to: to.into(),
                pool,
                reports: reports.iter().map(|r| r.id.clone()).collect(),
                lines: parts.lines,
                totals: parts.totals,
                issued_at: now.at.clone(),
                fees: parts.fees,
                fees_not_included: parts.fees_not_included,
                remuneration: model,
                attributions: attributions.iter().map(|a| a.id.clone()).collect(),
                rules: crate::market::STATEMENT_RULES,
            };
            tx.put_doc(
                DocKind::Statement,
                &statement.id,
                developer,
                &encode(&statement)?,
            )?;
            let mut subjects = format!("statement:{} party:{developer}", statement.id);
            for h in statement
                .totals
                .iter()
                .map(|t| &t.holder)
                .chain(statement.fees_not_included.iter().map(|f| &f.holder))
                .collect::<BTreeSet<_>>()
            {
                subjects.push_str(&format!(" party:{h}"));
            }
            for l in statement
                .fees
                .iter()
                .map(|f| &f.licence)
                .collect::<BTreeSet<_>>()
            {
                subjects.push_str(&format!(" licence:{l}"));
            }
            append(
                tx,
                now,
                actor,
                "statement.issued",
                subjects,
                encode(&statement)?,
            )?;
            Ok(statement)
        })
    }

    /// One statement.
    pub fn statement(&mut self, id: &str) -> Result<Statement, RegistryError> {
        self.read(|tx| {
            let json = tx
                .doc(DocKind::Statement, id)?
                .ok_or_else(|| not_found("statement", id, "see `fermata statement list`"))?;
            decode_doc(&json)
        })
    }

    /// Every statement, by id.
    pub fn statements(&mut self) -> Result<Vec<Statement>, RegistryError> {
        self.read(|tx| {
            tx.docs(DocKind::Statement, None)?
                .iter()
                .map(|j| decode_doc(j))
                .collect()
        })
    }

    /// The statements `party` may see, as it may see them ([`Statement::seen_by`]; None: every
    /// statement, whole).
    pub fn statements_visible_to(
        &mut self,
        party: Option<&str>,
    ) -> Result<Vec<Statement>, RegistryError> {
        let all = self.statements()?;
        Ok(match party {
            None => all,
            Some(p) => all.into_iter().filter_map(|s| s.seen_by(p)).collect(),
        })
    }

    /// One statement as `party` may see it (None: whole); one it may not see is refused exactly
    /// as one that does not exist.
    pub fn statement_visible_to(
        &mut self,
        id: &str,
        party: Option<&str>,
    ) -> Result<Statement, RegistryError> {
        let s = self.statement(id)?;
        match party {
            None => Ok(s),
            Some(p) => s
                .seen_by(p)
                .ok_or_else(|| not_found("statement", id, "see `fermata statement list`")),
        }
    }

    /// `statement` (as its reader may see it) in `format`: CSV, JSON, or a DDEX DSR flat file
    /// with the works' titles from the registry.
    pub fn export_statement(
        &mut self,
        statement: &Statement,
        format: crate::remuneration::StatementFormat,
    ) -> Result<String, RegistryError> {
        use crate::remuneration::StatementFormat;
        Ok(match format {
            StatementFormat::Csv => statement.to_csv(),
            StatementFormat::Json => serde_json::to_string_pretty(statement)
                .map_err(|e| RegistryError::Internal(format!("cannot encode a statement: {e}")))?,
            StatementFormat::Dsr => {
                let mut titles = BTreeMap::new();
                let isrcs: BTreeSet<Isrc> = statement
                    .lines
                    .iter()
                    .map(|l| l.isrc.clone())
                    .chain(statement.fees.iter().map(|f| f.isrc.clone()))
                    .collect();
                self.read(|tx| {
                    for isrc in &isrcs {
                        if let Some(w) = tx.work(isrc)? {
                            titles.insert(isrc.clone(), w.title);
                        }
                    }
                    Ok(())
                })?;
                statement.to_dsr(&|i| titles.get(i).cloned())
            }
        })
    }

    /// Recomputes a statement from the audit log alone (not from the stored records): the
    /// licences granted and revoked, the offers and the licences made from them, the usage
    /// reports it names and the fees charged by the developer's earlier statements, all as the
    /// events before its `statement.issued` event recorded them; says whether the pool lines,
    /// the fees and the totals match what was issued.
    pub fn recompute_statement(&mut self, id: &str) -> Result<bool, RegistryError> {
        let statement = self.statement(id)?;
        if statement.rules < crate::market::STATEMENT_RULES {
            // Issued under rules 1: the pool alone, pro rata over the usage reports it names,
            // read from the audit log.
            let events = self.history(Some(&format!("party:{}", statement.developer)))?;
            let reports: Vec<UsageReport> = events
                .iter()
                .filter(|e| e.action == "usage.reported")
                .map(|e| decode_doc::<UsageReport>(&e.payload))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|r| statement.reports.contains(&r.id))
                .collect();
            let (lines, totals) = crate::market::compute_statement(&statement.pool, &reports)?;
            return Ok(statement.fees.is_empty()
                && statement.fees_not_included.is_empty()
                && lines == statement.lines
                && totals == statement.totals);
        }
        let recomputed = self.recompute_statement_parts(&statement)?;
        Ok(recomputed.lines == statement.lines
            && recomputed.fees == statement.fees
            && recomputed.fees_not_included == statement.fees_not_included
            && recomputed.totals == statement.totals)
    }

    /// The parts of `statement` as the audit log computes them ([`Registry::recompute_statement`]).
    pub fn recompute_statement_parts(
        &mut self,
        statement: &Statement,
    ) -> Result<StatementParts, RegistryError> {
        let events = self.history(None)?;
        let issued = events
            .iter()
            .position(|e| {
                e.action == "statement.issued"
                    && decode_doc::<Statement>(&e.payload).is_ok_and(|s| s.id == statement.id)
            })
            .ok_or_else(|| {
                RegistryError::Internal(format!(
                    "statement {} has no statement.issued event; run `fermata audit verify`",
                    statement.id
                ))
            })?;
        let issued_event: Statement = decode_doc(&events[issued].payload)?;
        let mut licences: Vec<crate::model::Licence> = Vec::new();
        let mut licence_offers = BTreeMap::new();
        let mut offer_models = BTreeMap::new();
        let mut reports = Vec::new();
        let mut attributions = Vec::new();
        let mut charged: BTreeSet<ChargedFee> = BTreeSet::new();
        for e in &events[..issued] {
            match e.action.as_str() {
                "licence.granted" => {
                    let l: crate::model::Licence = decode_doc(&e.payload)?;
                    if l.developer == statement.developer {
                        licences.push(l);
                    }
                }
                "licence.revoked" => {
                    #[derive(serde::Deserialize)]
                    struct Revoked {
                        id: String,
                        revoked_at: Option<String>,
                    }
                    let r: Revoked = decode_doc(&e.payload)?;
                    if let Some(l) = licences.iter_mut().find(|l| l.id == r.id) {
                        l.revoked_at = r.revoked_at;
                    }
                }
                "request.approved" => {
                    let line: RequestLine = decode_doc(&e.payload)?;
                    if let (Some(lic), Some(offer)) = (line.licence, line.offer) {
                        licence_offers.insert(lic, offer);
                    }
                }
                "offer.published" => {
                    let o: Offer = decode_doc(&e.payload)?;
                    offer_models.insert(o.id, o.remuneration);
                }
                "usage.reported" => {
                    let r: UsageReport = decode_doc(&e.payload)?;
                    if statement.reports.contains(&r.id) && r.developer == statement.developer {
                        reports.push(r);
                    }
                }
                "attribution.reported" => {
                    let a: AttributionReport = decode_doc(&e.payload)?;
                    if issued_event.attributions.contains(&a.id)
                        && a.developer == statement.developer
                    {
                        attributions.push(a);
                    }
                }
                "statement.issued" => {
                    let s: Statement = decode_doc(&e.payload)?;
                    if s.developer == statement.developer {
                        charged.extend(charged_by(&s));
                    }
                }
                _ => {}
            }
        }
        // The period, pool and model as the event recorded them: an edit of the stored
        // statement's figures then shows as a mismatch.
        compute_statement_parts(&StatementInput {
            developer: &issued_event.developer,
            from: &issued_event.from,
            to: &issued_event.to,
            pool: &issued_event.pool,
            model: issued_event.remuneration,
            reports: &reports,
            licences: &licences,
            licence_offers: &licence_offers,
            offer_models: &offer_models,
            charged: &charged,
            attributions: &attributions,
        })
    }

    /// Records an attribution report: the registered recordings found in outputs a
    /// developer's model generated, with each work's worldwide shares at the time, so that a
    /// statement under the attribution model can weigh them and be recomputed from the log.
    pub fn record_attribution(
        &mut self,
        draft: AttributionDraft,
        actor: &str,
    ) -> Result<AttributionReport, RegistryError> {
        let now = self.now();
        let date = match &draft.date {
            Some(d) => validate_date("date", d)?,
            None => now.date.clone(),
        };
        if draft.model.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "model",
                value: String::new(),
                reason: "name the model that generated the outputs".into(),
            });
        }
        bounded("model", &draft.model, MAX_NAME_CHARS)?;
        if draft.outputs.is_empty() || draft.outputs.len() > MAX_ATTRIBUTION_OUTPUTS {
            return Err(RegistryError::Invalid {
                field: "outputs",
                value: draft.outputs.len().to_string(),
                reason: format!("give 1 to {MAX_ATTRIBUTION_OUTPUTS} outputs"),
            });
        }
        for o in &draft.outputs {
            bounded("output", &o.name, MAX_NAME_CHARS)?;
            if o.found.len() > MAX_USAGE_WORKS {
                return Err(RegistryError::Invalid {
                    field: "found",
                    value: o.found.len().to_string(),
                    reason: "too many works found in one output".into(),
                });
            }
        }
        self.write_created_at(&now, itself, |tx, now| {
            need_developer(tx, &draft.developer)?;
            let mut outputs = Vec::new();
            let mut works: BTreeSet<Isrc> = BTreeSet::new();
            let mut holders: BTreeSet<String> = BTreeSet::new();
            for o in &draft.outputs {
                let mut found: Vec<AttributionFind> = Vec::new();
                for (isrc, ms) in &o.found {
                    let work = need_work(tx, isrc)?;
                    let shares: Vec<crate::model::Share> = work
                        .shares_in(&Territory::world())
                        .into_iter()
                        .cloned()
                        .collect();
                    holders.extend(shares.iter().map(|s| s.holder.clone()));
                    works.insert(isrc.clone());
                    match found.iter_mut().find(|f| &f.isrc == isrc) {
                        Some(f) => f.milliseconds = f.milliseconds.saturating_add(*ms),
                        None => found.push(AttributionFind {
                            isrc: isrc.clone(),
                            milliseconds: *ms,
                            shares,
                        }),
                    }
                }
                outputs.push(AttributionOutput {
                    name: o.name.clone(),
                    sha256: o.sha256.clone(),
                    duration_ms: o.duration_ms,
                    found,
                });
            }
            let report = AttributionReport {
                id: format!("att-{:06}", tx.next_number("attribution")?),
                developer: draft.developer.clone(),
                model: draft.model.clone(),
                date: date.clone(),
                reported_at: now.at.clone(),
                outputs,
            };
            tx.put_doc(
                DocKind::Attribution,
                &report.id,
                &report.developer,
                &encode(&report)?,
            )?;
            let mut subjects = format!("attribution:{} party:{}", report.id, report.developer);
            for h in &holders {
                subjects.push_str(&format!(" party:{h}"));
            }
            for w in &works {
                subjects.push_str(&format!(" work:{w}"));
            }
            append(
                tx,
                now,
                actor,
                "attribution.reported",
                subjects,
                encode(&report)?,
            )?;
            Ok(report)
        })
    }

    /// Attribution reports of one developer, or all.
    pub fn attribution_reports(
        &mut self,
        developer: Option<&str>,
    ) -> Result<Vec<AttributionReport>, RegistryError> {
        self.read(|tx| {
            tx.docs(DocKind::Attribution, developer)?
                .iter()
                .map(|j| decode_doc(j))
                .collect()
        })
    }

    /// Runs the create operation `create` once per `Idempotency-Key` (`record`, when given):
    /// the record is stored with what `create` makes, in the same transaction, so a failure
    /// cannot leave one without the other. A repeat with the same request digest gets the
    /// stored response back ([`Created::Replayed`]) and `create` is not run; the same key with
    /// another digest is a conflict. `create` must be one of the operations that make a record
    /// ([`Registry::publish_offer`], [`Registry::request_licences`], [`Registry::decide`],
    /// [`Registry::decide_lines`], [`Registry::report_usage`], [`Registry::issue_statement`]).
    pub fn create_once<T>(
        &mut self,
        record: Option<IdempotencyRecord>,
        create: impl FnOnce(&mut Registry) -> Result<T, RegistryError>,
    ) -> Result<Created<T>, RegistryError> {
        let Some(record) = record else {
            return create(self).map(Created::New);
        };
        if let Some(stored) = self.idempotent_response(&record.party, &record.key)? {
            if stored.request_digest != record.request_digest {
                return Err(RegistryError::Conflict(format!(
                    "Idempotency-Key '{}' was already used for a different request: use a new key",
                    record.key
                )));
            }
            return Ok(Created::Replayed(stored));
        }
        self.idempotency = Some(record);
        let made = create(self);
        let unused = self.idempotency.take();
        let made = made?;
        if unused.is_some() {
            return Err(RegistryError::Internal(
                "create_once ran an operation that makes no record".into(),
            ));
        }
        Ok(Created::New(made))
    }

    /// The stored response for a repeated `Idempotency-Key`.
    pub fn idempotent_response(
        &mut self,
        party: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, RegistryError> {
        self.read(|tx| tx.idempotent(party, key))
    }

    /// Stores the response to a create request under its `Idempotency-Key` (first one wins).
    pub fn store_idempotent_response(
        &mut self,
        party: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<(), RegistryError> {
        self.write(|tx, _| {
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
    use crate::model::{Decision, Work, parse_shares};
    use crate::registry::PolicyChange;

    #[test]
    fn term_end_is_the_day_before_the_anniversary() {
        assert_eq!(term_end("2026-01-01", 12).unwrap(), "2026-12-31");
        assert_eq!(term_end("2026-01-31", 1).unwrap(), "2026-02-27");
        assert_eq!(
            term_end("2026-03-15", MAX_TERM_MONTHS).unwrap(),
            "2126-03-14"
        );
        // No term of nothing, and no term so long that the month count wraps.
        assert!(term_end("2026-03-15", 0).is_err());
        assert!(term_end("2026-03-15", u32::MAX).is_err());
        assert!(term_end("2026-03-15", u32::MAX - 11).is_err());
    }

    fn setup() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let r = crate::fixtures::two_holders(&dir.path().join("r.sqlite"), crate::Clock::System);
        (dir, r)
    }

    use crate::fixtures::isrc;

    #[test]
    fn offers_make_works_licence_required_and_auto_accept_grants_at_once() {
        let (_d, mut r) = setup();
        let de: Territory = "DE".parse().unwrap();
        assert_eq!(
            r.clear(&isrc(1), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Denied
        );
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
                    remuneration: Default::default(),
                },
                "label-a",
            )
            .unwrap();
        let c = r.clear(&isrc(1), "dev", Use::TrainGenai, &de).unwrap();
        assert_eq!(c.verdict, Verdict::LicenceRequired);
        assert_eq!(
            c.holders[0].offer.as_ref().unwrap().offer.as_deref(),
            Some(offer.id.as_str())
        );
        // A work-level deny beats a catalogue offer.
        r.set_policy(
            PolicyChange::new("label-a", Some(isrc(1)), Use::TrainGenai, Decision::Deny),
            "label-a",
        )
        .unwrap();
        assert_eq!(
            r.clear(&isrc(1), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Denied
        );

        r.publish_offer(
            OfferDraft {
                holder: "pub-b".into(),
                works: vec![isrc(2)],
                use_: Use::TrainGenai,
                territories: vec![de.clone()],
                price: "pool-share:0:EUR".parse().unwrap(),
                term_months: Some(12),
                auto_accept: true,
                remuneration: Default::default(),
            },
            "pub-b",
        )
        .unwrap();
        let today = crate::audit::today();
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
        for draft in [
            ask("2020-01-01", 12, vec![de.clone()]),
            ask(&today, 24, vec![de.clone()]),
            ask(&today, 12, vec!["FR".parse().unwrap()]),
        ] {
            let req = r.request_licences(draft, "dev").unwrap();
            assert!(
                req.lines.iter().all(|l| l.status == LineStatus::Pending),
                "{req:?}"
            );
        }
        let req = r
            .request_licences(ask(&today, 12, vec![de.clone()]), "dev")
            .unwrap();
        assert_eq!(req.valid_to, Some(term_end(&today, 12).unwrap()));
        let status: Vec<(&str, LineStatus)> = req
            .lines
            .iter()
            .map(|l| (l.holder.as_str(), l.status))
            .collect();
        assert_eq!(
            status,
            vec![
                ("label-a", LineStatus::Pending),
                ("pub-b", LineStatus::Approved)
            ]
        );
        // Only the line's holder decides it, and only once.
        assert!(matches!(
            r.decide(&req.id, 1, "pub-b", true, None, "pub-b"),
            Err(RegistryError::NotFound { .. })
        ));
        let decided = r
            .decide(&req.id, 1, "label-a", true, Some("welcome"), "label-a")
            .unwrap();
        assert_eq!(decided.lines[0].status, LineStatus::Approved);
        assert!(matches!(
            r.decide(&req.id, 1, "label-a", false, None, "label-a"),
            Err(RegistryError::Conflict(_))
        ));
        assert_eq!(
            r.clear(&isrc(2), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Cleared
        );
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn a_work_level_deny_holds_against_an_auto_accept_catalogue_offer() {
        let (_d, mut r) = setup();
        let de: Territory = "DE".parse().unwrap();
        let today = crate::audit::today();
        r.set_policy(
            PolicyChange::new("label-a", Some(isrc(1)), Use::TrainGenai, Decision::Deny),
            "label-a",
        )
        .unwrap();
        r.set_policy(
            PolicyChange::new("pub-b", Some(isrc(2)), Use::TrainGenai, Decision::Deny),
            "pub-b",
        )
        .unwrap();
        r.publish_offer(
            OfferDraft {
                holder: "label-a".into(),
                works: vec![],
                use_: Use::TrainGenai,
                territories: vec![],
                price: "per-work:10:EUR".parse().unwrap(),
                term_months: None,
                auto_accept: true,
                remuneration: Default::default(),
            },
            "label-a",
        )
        .unwrap();
        let ask = |works: Vec<Isrc>| RequestDraft {
            developer: "dev".into(),
            use_: Use::TrainGenai,
            model: "m".into(),
            territories: vec![de.clone()],
            valid_from: today.clone(),
            valid_to: None,
            term_months: Some(12),
            works,
            scan: None,
        };
        // Work 1: label-a reserves it; its catalogue offer does not reach a work it reserved.
        let req = r.request_licences(ask(vec![isrc(1)]), "dev").unwrap();
        assert_eq!(req.lines.len(), 1);
        let line = &req.lines[0];
        assert_eq!(
            (
                line.status,
                line.decided_by.as_deref(),
                line.licence.as_deref()
            ),
            (LineStatus::Refused, Some("policy"), None)
        );
        assert!(
            line.reason
                .as_deref()
                .unwrap_or_default()
                .contains("reserves train-genai"),
            "{line:?}"
        );
        assert_eq!(
            r.clear(&isrc(1), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Denied
        );
        assert!(r.licences(Some("dev")).unwrap().is_empty());
        // Work 2: pub-b reserves it, so label-a's auto-accept grants nothing and is left out, saying why.
        let req = r.request_licences(ask(vec![isrc(2)]), "dev").unwrap();
        assert_eq!(
            req.lines
                .iter()
                .map(|l| (l.holder.as_str(), l.status))
                .collect::<Vec<_>>(),
            vec![("pub-b", LineStatus::Refused)]
        );
        assert_eq!(req.left_out.len(), 1, "{req:?}");
        assert_eq!(req.left_out[0].holder, "label-a");
        assert!(
            req.left_out[0].reason.contains("pub-b"),
            "{:?}",
            req.left_out
        );
        assert!(r.licences(Some("dev")).unwrap().is_empty());
        // The refusals are in the holders' history.
        assert!(
            r.history(Some("party:label-a"))
                .unwrap()
                .iter()
                .any(|e| e.action == "request.refused")
        );
        // Once label-a turns its reservation into licence-required, the work's own policy still
        // speaks before the catalogue offer: a person decides, nothing is auto-accepted.
        r.set_policy(
            PolicyChange::new(
                "label-a",
                Some(isrc(1)),
                Use::TrainGenai,
                Decision::LicenceRequired,
            ),
            "label-a",
        )
        .unwrap();
        let req = r.request_licences(ask(vec![isrc(1)]), "dev").unwrap();
        assert_eq!(
            req.lines[0].status,
            LineStatus::Pending,
            "the work's own policy still speaks first: a person decides"
        );
    }

    #[test]
    fn approving_all_does_not_grant_what_the_holders_policy_now_reserves() {
        let (_d, mut r) = setup();
        let today = crate::audit::today();
        let req = r
            .request_licences(
                RequestDraft {
                    developer: "dev".into(),
                    use_: Use::TrainGenai,
                    model: "m".into(),
                    territories: vec![],
                    valid_from: today.clone(),
                    valid_to: None,
                    term_months: Some(12),
                    works: vec![isrc(1)],
                    scan: None,
                },
                "dev",
            )
            .unwrap();
        assert_eq!(
            req.lines[0].status,
            LineStatus::Pending,
            "label-a has not answered: a person decides"
        );
        // label-a then reserves the work; "approve all" refuses, naming the line.
        r.set_policy(
            PolicyChange::new("label-a", Some(isrc(1)), Use::TrainGenai, Decision::Deny),
            "label-a",
        )
        .unwrap();
        let err = r
            .decide_lines(&req.id, &[], "label-a", true, None, "label-a")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("reserves"), "{err}");
        assert!(r.licences(Some("dev")).unwrap().is_empty());
        // Refusing all is always possible; naming the line approves it as a deliberate choice.
        let done = r
            .decide_lines(
                &req.id,
                &[1],
                "label-a",
                true,
                Some("an exception"),
                "label-a",
            )
            .unwrap();
        assert_eq!(done.lines[0].status, LineStatus::Approved);
    }

    #[test]
    fn an_auto_accepted_licence_covers_only_where_its_holder_was_asked() {
        let (_d, mut r) = setup();
        // Work 3: label-a's everywhere but in DE, where pub-b holds it all.
        let w3 = Work {
            isrc: isrc(3),
            title: "Song 3".into(),
            artist: "A".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: parse_shares("label-a=100;DE:pub-b=100").unwrap(),
            tracks: vec![],
        };
        r.register_works("label-a", vec![w3], "cli").unwrap();
        r.publish_offer(
            OfferDraft {
                holder: "pub-b".into(),
                works: vec![],
                use_: Use::TrainGenai,
                territories: vec![],
                price: "per-work:1:EUR".parse().unwrap(),
                term_months: None,
                auto_accept: true,
                remuneration: Default::default(),
            },
            "pub-b",
        )
        .unwrap();
        let req = r
            .request_licences(
                RequestDraft {
                    developer: "dev".into(),
                    use_: Use::TrainGenai,
                    model: "m".into(),
                    territories: vec!["DE".parse().unwrap(), "FR".parse().unwrap()],
                    valid_from: crate::audit::today(),
                    valid_to: None,
                    term_months: Some(12),
                    works: vec![isrc(3)],
                    scan: None,
                },
                "dev",
            )
            .unwrap();
        let pub_line = req
            .lines
            .iter()
            .find(|l| l.holder == "pub-b")
            .expect("pub-b is asked in DE");
        assert_eq!(pub_line.status, LineStatus::Approved, "{req:?}");
        let licence = r
            .licences(Some("pub-b"))
            .unwrap()
            .into_iter()
            .find(|l| Some(&l.id) == pub_line.licence.as_ref())
            .unwrap();
        assert_eq!(
            licence.territories,
            vec!["DE".parse::<Territory>().unwrap()],
            "pub-b said nothing about FR"
        );
    }

    #[test]
    fn usage_of_works_not_cleared_is_refused_and_recorded_for_the_holders() {
        let (_d, mut r) = setup();
        r.set_policy(
            PolicyChange::new("label-a", None, Use::TrainGenai, Decision::Allow),
            "label-a",
        )
        .unwrap();
        let usage = |works: Vec<(Isrc, f64)>, use_: Option<Use>| UsageDraft {
            developer: "dev".into(),
            model: "m".into(),
            run: "run-1".into(),
            scan: None,
            manifest: None,
            use_,
            territory: "DE".parse().unwrap(),
            date: Some("2026-03-01".into()),
            works,
        };
        // Work 2 is co-owned by pub-b, which has not answered: not cleared, so not payable.
        let err = r
            .report_usage(
                usage(
                    vec![(isrc(1), 60.0), (isrc(2), 60.0)],
                    Some(Use::TrainGenai),
                ),
                "dev",
            )
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&isrc(2).to_string()) && msg.contains("pub-b has not answered"),
            "{msg}"
        );
        assert!(!msg.contains(&format!("{}:", isrc(1))), "{msg}");
        assert!(r.usage_reports(Some("dev")).unwrap().is_empty());
        let seen = r.history(Some("party:pub-b")).unwrap();
        assert!(seen.iter().any(|e| e.action == "usage.refused"), "{seen:?}");
        // Another use is not cleared either; and the use must be said.
        assert!(
            r.report_usage(usage(vec![(isrc(1), 60.0)], Some(Use::TrainAi)), "dev")
                .is_err()
        );
        assert!(matches!(
            r.report_usage(usage(vec![(isrc(1), 60.0)], None), "dev"),
            Err(RegistryError::Invalid { field: "use", .. })
        ));
        // What is cleared is accepted.
        r.report_usage(usage(vec![(isrc(1), 60.0)], Some(Use::TrainGenai)), "dev")
            .unwrap();
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn statements_sum_to_the_pool_and_reproduce_from_the_log() {
        let (_d, mut r) = setup();
        for holder in ["label-a", "pub-b"] {
            r.set_policy(
                PolicyChange::new(holder, None, Use::TrainGenai, Decision::Allow),
                holder,
            )
            .unwrap();
        }
        let usage = |works: Vec<(Isrc, f64)>| UsageDraft {
            developer: "dev".into(),
            model: "m".into(),
            run: "run-1".into(),
            scan: None,
            manifest: None,
            use_: Some(Use::TrainGenai),
            territory: "DE".parse().unwrap(),
            date: Some("2026-03-01".into()),
            works,
        };
        r.report_usage(usage(vec![(isrc(1), 3600.0), (isrc(2), 1800.0)]), "dev")
            .unwrap();
        r.report_usage(usage(vec![(isrc(2), 1800.5)]), "dev")
            .unwrap();
        assert!(r.report_usage(usage(vec![(isrc(1), -1.0)]), "dev").is_err());
        for pool in [100_000, 99_999, 1, 7, 123_457] {
            let s = r
                .issue_statement(
                    "dev",
                    "2026-01-01",
                    "2026-12-31",
                    Money {
                        amount_minor: pool,
                        currency: "EUR".into(),
                    },
                    "dev",
                )
                .unwrap();
            assert_eq!(s.totals.iter().map(|t| t.amount_minor).sum::<i64>(), pool);
            assert_eq!(s.lines.iter().map(|t| t.amount_minor).sum::<i64>(), pool);
            assert!(r.recompute_statement(&s.id).unwrap());
            // Each party sees what is its own, and every door asks the registry for it.
            let whole = r.statement_visible_to(&s.id, Some("dev")).unwrap();
            assert_eq!(whole, s);
            let mine = r.statement_visible_to(&s.id, Some("pub-b")).unwrap();
            assert!(!mine.lines.is_empty() && mine.lines.iter().all(|l| l.holder == "pub-b"));
            assert_eq!(mine.totals.len(), 1);
            assert!(matches!(
                r.statement_visible_to(&s.id, Some("stranger")),
                Err(RegistryError::NotFound { .. })
            ));
        }
        assert_eq!(r.statements_visible_to(Some("stranger")).unwrap(), vec![]);
        assert_eq!(r.statements_visible_to(Some("dev")).unwrap().len(), 5);
        assert!(
            r.issue_statement(
                "dev",
                "2025-01-01",
                "2025-12-31",
                "10:EUR".parse().unwrap(),
                "dev"
            )
            .is_err()
        );
    }

    /// Rewrites a stored document behind fermata's back (no event), as an edit of the database
    /// file would.
    fn tamper<T: serde::Serialize>(dir: &tempfile::TempDir, kind: DocKind, id: &str, doc: &T) {
        let db = rusqlite::Connection::open(dir.path().join("r.sqlite")).unwrap();
        let n = db
            .execute(
                "UPDATE documents SET json = ?1 WHERE kind = ?2 AND id = ?3",
                rusqlite::params![encode(doc).unwrap(), kind.as_str(), id],
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    fn money(minor: i64) -> Money {
        Money {
            amount_minor: minor,
            currency: "EUR".into(),
        }
    }

    /// label-a offers work 1 per hour (40.00/h) and work 2 per work (250.00, a year), pub-b its
    /// share of work 2 as a pool share under an equal-split offer; all auto-accept. dev asks for
    /// both works for 2026 and reports 1.5 h of work 1 and 1000 s of work 2.
    fn priced(r: &mut Registry) -> LicenceRequest {
        r.set_clock(crate::audit::Clock::fixed("2026-01-01T00:00:00Z").unwrap());
        let offer = |holder: &str, works: Vec<Isrc>, price: &str, remuneration| OfferDraft {
            holder: holder.into(),
            works,
            use_: Use::TrainGenai,
            territories: vec![],
            price: price.parse().unwrap(),
            term_months: None,
            auto_accept: true,
            remuneration,
        };
        r.publish_offer(
            offer(
                "label-a",
                vec![isrc(1)],
                "per-hour:40:EUR",
                RemunerationModel::ProRata,
            ),
            "label-a",
        )
        .unwrap();
        r.publish_offer(
            offer(
                "label-a",
                vec![isrc(2)],
                "per-work:250:EUR",
                RemunerationModel::ProRata,
            ),
            "label-a",
        )
        .unwrap();
        r.publish_offer(
            offer(
                "pub-b",
                vec![isrc(2)],
                "pool-share:0:EUR",
                RemunerationModel::EqualSplit,
            ),
            "pub-b",
        )
        .unwrap();
        let request = r
            .request_licences(
                RequestDraft {
                    developer: "dev".into(),
                    use_: Use::TrainGenai,
                    model: "m".into(),
                    territories: vec![],
                    valid_from: "2026-01-01".into(),
                    valid_to: Some("2026-12-31".into()),
                    term_months: None,
                    works: vec![isrc(1), isrc(2)],
                    scan: None,
                },
                "dev",
            )
            .unwrap();
        assert!(
            request
                .lines
                .iter()
                .all(|l| l.status == LineStatus::Approved),
            "{request:?}"
        );
        r.report_usage(
            UsageDraft {
                developer: "dev".into(),
                model: "m".into(),
                run: "run-1".into(),
                scan: None,
                manifest: None,
                use_: Some(Use::TrainGenai),
                territory: "DE".parse().unwrap(),
                date: Some("2026-03-01".into()),
                works: vec![(isrc(1), 5400.0), (isrc(2), 1000.0)],
            },
            "dev",
        )
        .unwrap();
        request
    }

    #[test]
    fn statements_charge_the_agreed_fees_once_and_recompute_them_from_the_log() {
        let (_d, mut r) = setup();
        let request = priced(&mut r);
        let s = r
            .issue_statement("dev", "2026-01-01", "2026-06-30", money(10_000), "dev")
            .unwrap();
        // label-a: 60.00 for 1.5 h of work 1, 250.00 for work 2's first term, and its half of
        // work 2 is paid by that fee; pub-b: the whole pool, by its equal-split offer.
        let fees: Vec<(String, PriceModel, i64)> = s
            .fees
            .iter()
            .map(|f| (f.isrc.to_string(), f.price.model, f.amount_minor))
            .collect();
        assert_eq!(
            fees,
            vec![
                (isrc(1).to_string(), PriceModel::PerHour, 6000),
                (isrc(2).to_string(), PriceModel::PerWork, 25_000)
            ]
        );
        // Every fee line names its licence, the offer it came from and the usage reports.
        for f in &s.fees {
            let line = request
                .lines
                .iter()
                .find(|l| l.licence.as_deref() == Some(&f.licence))
                .unwrap();
            assert_eq!(f.offer, line.offer);
        }
        assert_eq!(s.fees[0].reports, s.reports);
        let totals: Vec<(&str, i64, i64)> = s
            .totals
            .iter()
            .map(|t| (t.holder.as_str(), t.amount_minor, t.fees_minor))
            .collect();
        assert_eq!(
            totals,
            vec![("label-a", 31_000, 31_000), ("pub-b", 10_000, 0)]
        );
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.lines[0].model, RemunerationModel::EqualSplit);
        assert!(r.recompute_statement(&s.id).unwrap());
        // The next statement of the same term charges the per-work fee no more, and is itself
        // recomputed with the earlier one's charges from the log.
        let again = r
            .issue_statement("dev", "2026-01-01", "2026-12-31", money(0), "dev")
            .unwrap();
        assert_eq!(again.fees.len(), 1);
        assert_eq!(again.fees[0].price.model, PriceModel::PerHour);
        assert!(r.recompute_statement(&again.id).unwrap());
        // Exports carry the same numbers.
        let csv = r
            .export_statement(&s, crate::remuneration::StatementFormat::Csv)
            .unwrap();
        assert!(
            csv.contains(&format!(",label-a,{},0,0,25000,EUR,per-work,,", isrc(2))),
            "{csv}"
        );
        let dsr = r
            .export_statement(&s, crate::remuneration::StatementFormat::Dsr)
            .unwrap();
        let rows: Vec<Vec<&str>> = dsr.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows[0][0], "HEAD");
        assert_eq!(rows.last().unwrap()[..2], ["FOOT", &rows.len().to_string()]);
        assert!(
            rows.iter().any(|r| r[0] == "AS02.04" && r[5] == "Song 2"),
            "{dsr}"
        );
        let amounts: Vec<&str> = rows
            .iter()
            .filter(|r| r[0] == "SU01.03")
            .map(|r| r[12])
            .collect();
        assert_eq!(amounts, vec!["60.00", "250.00", "100.00"], "{dsr}");
    }

    #[test]
    fn an_edited_statement_or_usage_report_no_longer_recomputes() {
        let (d, mut r) = setup();
        priced(&mut r);
        let s = r
            .issue_statement("dev", "2026-01-01", "2026-06-30", money(10_000), "dev")
            .unwrap();
        assert!(r.recompute_statement(&s.id).unwrap());
        // A fee lowered in the stored statement.
        let mut edited = s.clone();
        edited.fees[0].amount_minor -= 1;
        edited.totals[0].amount_minor -= 1;
        edited.totals[0].fees_minor -= 1;
        tamper(&d, DocKind::Statement, &s.id, &edited);
        assert!(!r.recompute_statement(&s.id).unwrap());
        tamper(&d, DocKind::Statement, &s.id, &s);
        assert!(r.recompute_statement(&s.id).unwrap());
        // A usage report edited behind fermata's back (the stored document, not the log): a
        // statement issued from it differs from the one the log computes.
        let mut usage = r.usage_reports(Some("dev")).unwrap().remove(0);
        usage.lines[0].milliseconds *= 2;
        tamper(&d, DocKind::Usage, &usage.id, &usage);
        let from_edited = r
            .issue_statement("dev", "2026-01-01", "2026-06-30", money(10_000), "dev")
            .unwrap();
        assert_eq!(from_edited.fees[0].amount_minor, 12_000);
        assert!(!r.recompute_statement(&from_edited.id).unwrap());
    }

    #[test]
    fn a_statement_issued_before_fees_recomputes_by_its_own_rules() {
        let (d, mut r) = setup();
        priced(&mut r);
        let s = r
            .issue_statement("dev", "2026-01-01", "2026-06-30", money(10_000), "dev")
            .unwrap();
        assert_eq!(s.rules, STATEMENT_RULES);
        assert!(!s.fees.is_empty());
        // What a statement issued before fees existed holds: the pool alone, pro rata over the
        // usage, and no `rules` field.
        let reports: Vec<UsageReport> = r
            .usage_reports(Some("dev"))
            .unwrap()
            .into_iter()
            .filter(|u| s.reports.contains(&u.id))
            .collect();
        let (lines, totals) = compute_statement(&s.pool, &reports).unwrap();
        let mut old = serde_json::to_value(Statement {
            lines,
            totals,
            fees: vec![],
            fees_not_included: vec![],
            attributions: vec![],
            ..s.clone()
        })
        .unwrap();
        old.as_object_mut().unwrap().remove("rules");
        let old: Statement = serde_json::from_value(old).unwrap();
        assert_eq!(old.rules, 1);
        tamper(&d, DocKind::Statement, &s.id, &old);
        assert!(r.recompute_statement(&s.id).unwrap());
        // The same numbers claimed under today's rules do not recompute: the fees are missing.
        let claimed = Statement {
            rules: STATEMENT_RULES,
            ..old.clone()
        };
        tamper(&d, DocKind::Statement, &s.id, &claimed);
        assert!(!r.recompute_statement(&s.id).unwrap());
        // And an old statement's pool edited is still caught.
        let mut edited = old.clone();
        edited.lines[0].amount_minor += 1;
        tamper(&d, DocKind::Statement, &s.id, &edited);
        assert!(!r.recompute_statement(&s.id).unwrap());
    }

    #[test]
    fn an_attribution_statement_weighs_what_was_found_and_recomputes_from_the_log() {
        let (d, mut r) = setup();
        for holder in ["label-a", "pub-b"] {
            r.set_policy(
                PolicyChange::new(holder, None, Use::TrainGenai, Decision::Allow),
                holder,
            )
            .unwrap();
        }
        r.report_usage(
            UsageDraft {
                developer: "dev".into(),
                model: "m".into(),
                run: "run-1".into(),
                scan: None,
                manifest: None,
                use_: Some(Use::TrainGenai),
                territory: "DE".parse().unwrap(),
                date: Some("2026-03-01".into()),
                works: vec![(isrc(1), 3600.0), (isrc(2), 3600.0)],
            },
            "dev",
        )
        .unwrap();
        let output =
            |name: &str, found: Vec<(Isrc, u64)>| crate::remuneration::AttributionOutputDraft {
                name: name.into(),
                sha256: None,
                duration_ms: 60_000,
                found,
            };
        // Work 1 (label-a) found for 30 s, work 2 (50/50) for 10 s.
        let att = r
            .record_attribution(
                AttributionDraft {
                    developer: "dev".into(),
                    model: "m".into(),
                    date: Some("2026-03-02".into()),
                    outputs: vec![
                        output("a.wav", vec![(isrc(1), 30_000)]),
                        output("b.wav", vec![(isrc(2), 10_000)]),
                    ],
                },
                "dev",
            )
            .unwrap();
        assert_eq!(att.outputs[1].found[0].shares.len(), 2);
        assert!(
            r.record_attribution(
                AttributionDraft {
                    developer: "dev".into(),
                    model: "m".into(),
                    date: None,
                    outputs: vec![]
                },
                "dev"
            )
            .is_err()
        );
        assert!(
            r.record_attribution(
                AttributionDraft {
                    developer: "dev".into(),
                    model: "m".into(),
                    date: None,
                    outputs: vec![output("c.wav", vec![(isrc(9), 1)])],
                },
                "dev",
            )
            .is_err()
        );
        let s = r
            .issue_statement_with(
                "dev",
                "2026-01-01",
                "2026-12-31",
                money(8000),
                RemunerationModel::Attribution,
                "dev",
            )
            .unwrap();
        assert_eq!(s.attributions, vec![att.id.clone()]);
        let totals: Vec<i64> = s.totals.iter().map(|t| t.amount_minor).collect();
        assert_eq!(totals, vec![7000, 1000]);
        assert!(
            s.lines
                .iter()
                .all(|l| l.model == RemunerationModel::Attribution)
        );
        assert!(r.recompute_statement(&s.id).unwrap());
        // An attribution report edited behind fermata's back changes the next statement, which
        // the log then does not reproduce.
        let mut edited = att.clone();
        edited.outputs[1].found[0].milliseconds = 30_000;
        tamper(&d, DocKind::Attribution, &att.id, &edited);
        let s2 = r
            .issue_statement_with(
                "dev",
                "2026-01-01",
                "2026-12-31",
                money(8000),
                RemunerationModel::Attribution,
                "dev",
            )
            .unwrap();
        assert_ne!(s2.totals, s.totals);
        assert!(!r.recompute_statement(&s2.id).unwrap());
    }

    #[test]
    fn a_renewal_asks_again_through_the_request_path_for_the_next_term() {
        let (_d, mut r) = setup();
        let request = priced(&mut r);
        let lic = request.lines[0].licence.clone().unwrap();
        // Not someone else's to renew; a licence with no end has nothing to renew.
        assert!(matches!(
            r.renew_licence(&lic, "pub-b", "pub-b"),
            Err(RegistryError::NotFound { .. })
        ));
        let renewal = r.renew_licence(&lic, "dev", "dev").unwrap();
        assert_eq!(renewal.valid_from, "2027-01-01");
        assert_eq!(renewal.valid_to.as_deref(), Some("2027-12-31"));
        assert_eq!(renewal.model, "m");
        assert_eq!(renewal.lines.len(), 1);
        assert_eq!(renewal.lines[0].isrc, isrc(1));
        // The offer still auto-accepts: the new licence starts the day after the old ends.
        assert_eq!(renewal.lines[0].status, LineStatus::Approved);
        // Once the holder withdraws its offer, a renewal waits for the holder.
        let offer = renewal.lines[0].offer.clone().unwrap();
        r.withdraw_offer(&offer, "label-a", "label-a").unwrap();
        let new_lic = renewal.lines[0].licence.clone().unwrap();
        let second = r.renew_licence(&new_lic, "dev", "dev").unwrap();
        assert_eq!(second.valid_from, "2028-01-01");
        assert_eq!(second.lines[0].status, LineStatus::Pending);
        let open = r
            .grant_licence(
                crate::registry::LicenceGrant {
                    works: vec![isrc(1)],
                    ..crate::registry::LicenceGrant::new(
                        "label-a",
                        "dev",
                        Use::TrainAi,
                        "2026-01-01",
                    )
                },
                "label-a",
            )
            .unwrap();
        assert!(matches!(
            r.renew_licence(&open.id, "dev", "dev"),
            Err(RegistryError::NotAllowed(_))
        ));
    }

    #[test]
    fn revoking_or_expiring_a_licence_changes_later_answers_never_a_past_scans_verdicts() {
        let (_d, mut r) = setup();
        r.set_clock(crate::audit::Clock::fixed("2026-01-10T00:00:00Z").unwrap());
        let mut work = r.work(&isrc(1)).unwrap();
        work.isrc = isrc(3);
        work.tracks = vec!["trk-3".into()];
        r.register_works("label-a", vec![work], "cli").unwrap();
        let de: Territory = "DE".parse().unwrap();
        let scan = |r: &mut Registry| -> (String, Verdict) {
            let (scan, _) = r
                .open_scan("dev", "m", Use::TrainGenai, &"DE".parse().unwrap(), "/data")
                .unwrap();
            let file = crate::answer::ScanFile {
                path: "a.wav".into(),
                size: 1,
                mtime_ns: 0,
                sha256: None,
                duration_s: 10.0,
                matches: vec![crate::answer::FileMatch {
                    track_id: "trk-3".into(),
                    start_s: 0.0,
                    end_s: 10.0,
                    reference_start_s: 0.0,
                    score: 50,
                    false_match_p: None,
                }],
                error: None,
                verdict: None,
                source: None,
            };
            r.record_scan_files(&scan.id, &[file]).unwrap();
            let (_, files) = r.finish_scan(&scan.id, None).unwrap();
            (scan.id, files[0].verdict.clone().unwrap().verdict)
        };
        let verdict_of = |r: &mut Registry, id: &str| {
            r.scan_files(id).unwrap()[0]
                .verdict
                .clone()
                .unwrap()
                .verdict
        };
        r.grant_licence(
            crate::registry::LicenceGrant {
                works: vec![isrc(3)],
                valid_to: Some("2026-06-30".into()),
                ..crate::registry::LicenceGrant::new(
                    "label-a",
                    "dev",
                    Use::TrainGenai,
                    "2026-01-01",
                )
            },
            "label-a",
        )
        .unwrap();
        let (first, v) = scan(&mut r);
        assert_eq!(v, Verdict::Cleared);
        // Expiry: after the last day, the answer is no longer yes, for a clear and a new scan.
        r.set_clock(crate::audit::Clock::fixed("2026-07-01T00:00:00Z").unwrap());
        assert_ne!(
            r.clear(&isrc(3), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Cleared
        );
        let (_, v) = scan(&mut r);
        assert_ne!(v, Verdict::Cleared);
        assert_eq!(verdict_of(&mut r, &first), Verdict::Cleared);
        // Revocation: a new licence clears again, until it is revoked.
        let lic = r
            .grant_licence(
                crate::registry::LicenceGrant {
                    works: vec![isrc(3)],
                    ..crate::registry::LicenceGrant::new(
                        "label-a",
                        "dev",
                        Use::TrainGenai,
                        "2026-07-01",
                    )
                },
                "label-a",
            )
            .unwrap();
        let (second, v) = scan(&mut r);
        assert_eq!(v, Verdict::Cleared);
        r.revoke_licence(&lic.id, Some("ended"), "label-a").unwrap();
        assert_ne!(
            r.clear(&isrc(3), "dev", Use::TrainGenai, &de)
                .unwrap()
                .verdict,
            Verdict::Cleared
        );
        let (_, v) = scan(&mut r);
        assert_ne!(v, Verdict::Cleared);
        assert_eq!(verdict_of(&mut r, &first), Verdict::Cleared);
        assert_eq!(verdict_of(&mut r, &second), Verdict::Cleared);
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

    #[test]
    fn a_usage_csv_is_read_with_or_without_its_header_and_a_bad_line_is_named() {
        let works =
            parse_usage_csv("isrc,seconds\nZZAAA2600001,90.5\n\n ZZ-AAA-26-00002 , 30\n").unwrap();
        assert_eq!(works.len(), 2);
        assert_eq!(works[0].0.to_string(), "ZZAAA2600001");
        assert_eq!(works[1], ("ZZAAA2600002".parse().unwrap(), 30.0));
        assert_eq!(parse_usage_csv("ZZAAA2600001,1").unwrap().len(), 1);
        assert_eq!(parse_usage_work("ZZAAA2600001=2.5").unwrap().1, 2.5);
        let bad = parse_usage_csv("isrc,seconds\nZZAAA2600001,1\nZZAAA2600002,lots\n")
            .unwrap_err()
            .to_string();
        assert!(bad.contains("line 3"), "{bad}");
        assert!(parse_usage_csv("ZZAAA2600001,-1").is_err());
        assert!(parse_usage_csv("not-an-isrc,1").is_err());
        assert!(parse_usage_csv("ZZAAA2600001").is_err());
        assert!(parse_usage_csv("isrc,seconds\n\n").is_err(), "no works");
        let many = "ZZAAA2600001,1\n".repeat(MAX_USAGE_WORKS + 1);
        assert!(parse_usage_csv(&many).is_err());
        assert_eq!(
            parse_usage_csv(&"ZZAAA2600001,1\n".repeat(MAX_USAGE_WORKS))
                .unwrap()
                .len(),
            MAX_USAGE_WORKS
        );
    }
}
