//! The registry's operations: each checks its rules, changes records and appends its audit
//! event in one transaction.

use crate::RegistryError;
use crate::answer::{
    FileVerdict, ManifestRecord, Scan, ScanFile, Verdict, WorkClearance, clear_work,
};
use crate::audit::{self, AuditReport, Clock, Event, Now};
use crate::model::*;
use crate::sqlite::SqliteStore;
use crate::store::{DocKind, IdempotentResponse, Store, Tx};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The registry: the rules over a store.
pub struct Registry {
    store: Box<dyn Store + Send>,
    clock: Clock,
    /// The `Idempotency-Key` record the next create stores with what it makes (set by
    /// `create_once`, taken by `write_created`).
    pub(crate) idempotency: Option<IdempotencyRecord>,
}

/// An `Idempotency-Key` to store with what a create makes (see [`Registry::create_once`]).
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotencyRecord {
    /// The caller's party: keys are per party.
    pub party: String,
    /// The key.
    pub key: String,
    /// SHA-256 of the request; the same key with another request is refused.
    pub request_digest: String,
}

/// What [`Registry::create_once`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum Created<T> {
    /// Made now (and, with a key, recorded in the same transaction).
    New(T),
    /// Made before under the same key for the same request: the stored response (the JSON of
    /// what was made then).
    Replayed(IdempotentResponse),
}

/// A policy to set (see [`Policy`] for the fields).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyChange {
    /// The holder setting it.
    pub holder: String,
    /// The work, or None for the holder's whole catalogue.
    pub isrc: Option<Isrc>,
    /// The use.
    pub use_: Use,
    /// The answer.
    pub decision: Decision,
    /// Where it holds (empty: everywhere).
    pub territories: Vec<Territory>,
    /// Price on offer (licence-required only).
    pub price: Option<Price>,
    /// Term on offer in months (licence-required only).
    pub term_months: Option<u32>,
    /// Conditions (allow) or a note.
    pub conditions: Option<String>,
}

impl PolicyChange {
    /// A policy everywhere with no terms.
    pub fn new(holder: &str, isrc: Option<Isrc>, use_: Use, decision: Decision) -> PolicyChange {
        PolicyChange {
            holder: holder.into(),
            isrc,
            use_,
            decision,
            territories: vec![],
            price: None,
            term_months: None,
            conditions: None,
        }
    }
}

/// A licence to grant (see [`Licence`] for the fields).
#[derive(Clone, Debug, PartialEq)]
pub struct LicenceGrant {
    /// The holder granting it.
    pub holder: String,
    /// The developer receiving it.
    pub developer: String,
    /// The use.
    pub use_: Use,
    /// The works; empty for every work the holder has a share in.
    pub works: Vec<Isrc>,
    /// Where (empty: everywhere).
    pub territories: Vec<Territory>,
    /// First day (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day, if any.
    pub valid_to: Option<String>,
    /// Agreed price.
    pub price: Option<Price>,
    /// Free-text terms.
    pub terms: Option<String>,
}

impl LicenceGrant {
    /// A licence for all of the holder's works, everywhere, from `valid_from` with no end.
    pub fn new(holder: &str, developer: &str, use_: Use, valid_from: &str) -> LicenceGrant {
        LicenceGrant {
            holder: holder.into(),
            developer: developer.into(),
            use_,
            works: vec![],
            territories: vec![],
            valid_from: valid_from.into(),
            valid_to: None,
            price: None,
            terms: None,
        }
    }
}

/// A holder's answer to one use (see [`Registry::holder_answers`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UseAnswer {
    /// The use.
    #[serde(rename = "use")]
    pub use_: Use,
    /// The answer and why.
    #[serde(flatten)]
    pub answer: crate::answer::HolderClearance,
}

/// A work another holder already registered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkConflict {
    /// The ISRC.
    pub isrc: Isrc,
    /// The title in the registry.
    pub registered_title: String,
    /// Who registered it.
    pub registered_by: String,
    /// The title in the import.
    pub imported_title: String,
    /// Set when the conflict is that the imported audio is a recording already registered, by
    /// another holder, under this other ISRC: the same audio registered twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_audio_as: Option<Isrc>,
}

/// What a catalogue registration did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// Works new to the registry.
    pub added: Vec<Isrc>,
    /// Works whose metadata, shares or tracks changed.
    pub updated: Vec<Isrc>,
    /// Works already registered exactly so.
    pub unchanged: usize,
    /// Works registered by another holder: not changed, to be resolved between the holders.
    pub conflicts: Vec<WorkConflict>,
    /// Works whose new shares remove or reduce another holder's: not changed until every such
    /// holder agrees (`fermata work agree`).
    pub awaiting_agreement: Vec<ShareChange>,
}

/// Where a proposed change of shares stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareChangeStatus {
    /// Waiting for the holders it reduces.
    Pending,
    /// Every such holder agreed; the shares were changed.
    Applied,
    /// A holder it reduces refused; nothing changed.
    Refused,
    /// A newer proposal for the same work replaced it.
    Superseded,
}

/// A change to a work's shares that removes or reduces another holder's share. It changes
/// nothing until each of those holders agrees: one holder cannot sign away another's say.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ShareChange {
    /// Its id, e.g. `shc-000001`.
    pub id: String,
    /// The work.
    pub isrc: Isrc,
    /// Who proposed it (the work's registrant).
    pub proposed_by: String,
    /// The shares now.
    pub current: Vec<Share>,
    /// The work as it would become (shares, metadata, tracks).
    pub proposed: Work,
    /// The holders whose share it removes or reduces, who must agree.
    pub affected: Vec<String>,
    /// Those of them who agreed.
    pub agreed: Vec<String>,
    /// Where it stands.
    pub status: ShareChangeStatus,
    /// When it was proposed.
    pub created_at: String,
    /// Who refused, and why, if refused.
    pub refusal: Option<String>,
}

/// The holders (other than `registrant`) whose share `new` removes or lowers anywhere: in every
/// territory either list names, and WORLD, the shares that apply there (a country's own shares
/// replace WORLD's, so adding country shares can cut a holder out of that country) are compared.
pub fn reduced_holders(old: &[Share], new: &[Share], registrant: &str) -> Vec<String> {
    let mut territories: BTreeSet<Territory> =
        old.iter().chain(new).map(|s| s.territory.clone()).collect();
    territories.insert(Territory::world());
    let mut out = BTreeSet::new();
    for t in &territories {
        let before = crate::model::shares_in(old, t);
        let after = crate::model::shares_in(new, t);
        for s in before.iter().filter(|s| s.holder != registrant) {
            let now: u32 = after
                .iter()
                .filter(|n| n.holder == s.holder)
                .map(|n| n.basis_points)
                .sum();
            let then: u32 = before
                .iter()
                .filter(|b| b.holder == s.holder)
                .map(|b| b.basis_points)
                .sum();
            if now < then {
                out.insert(s.holder.clone());
            }
        }
    }
    out.into_iter().collect()
}

fn work_subjects(work: &Work, also: &[Share], holder: &str) -> String {
    let mut subjects = format!("work:{} party:{holder}", work.isrc);
    for h in work
        .shares
        .iter()
        .chain(also)
        .map(|s| &s.holder)
        .collect::<BTreeSet<_>>()
    {
        if h != holder {
            subjects.push_str(&format!(" party:{h}"));
        }
    }
    subjects
}

/// Every offer (withdrawn ones included; `Offer::covers` skips those).
pub(crate) fn load_offers(tx: &mut dyn Tx) -> Result<Vec<crate::market::Offer>, RegistryError> {
    tx.docs(crate::store::DocKind::Offer, None)?
        .iter()
        .map(|j| crate::market::decode_doc(j))
        .collect()
}

/// Loads, into `cache`, the policies of every holder of `work` not already there: the
/// `policies_of` lookup that [`clear_work`] takes.
pub(crate) fn cache_holder_policies(
    tx: &mut dyn Tx,
    work: &Work,
    cache: &mut BTreeMap<String, Vec<Policy>>,
) -> Result<(), RegistryError> {
    for share in &work.shares {
        if !cache.contains_key(&share.holder) {
            cache.insert(share.holder.clone(), tx.policies(&share.holder)?);
        }
    }
    Ok(())
}

pub(crate) fn append(
    tx: &mut dyn Tx,
    now: &Now,
    actor: &str,
    action: &str,
    subjects: String,
    payload: String,
) -> Result<(), RegistryError> {
    let prev = tx.last_event()?;
    let event = Event::next(
        prev.as_ref(),
        now.at.clone(),
        actor,
        action,
        subjects,
        payload,
    );
    tx.append_event(&event)
}

/// Adds a party inside a transaction (its id and name already checked), with its event.
pub(crate) fn add_party_in(
    tx: &mut dyn Tx,
    now: &Now,
    id: &str,
    kind: PartyKind,
    name: &str,
    actor: &str,
) -> Result<Party, RegistryError> {
    if tx.party(id)?.is_some() {
        return Err(RegistryError::AlreadyExists {
            what: "party",
            id: id.into(),
        });
    }
    let party = Party {
        id: id.into(),
        kind,
        name: name.trim().into(),
        created_at: now.at.clone(),
    };
    tx.insert_party(&party)?;
    append(
        tx,
        now,
        actor,
        "party.added",
        format!("party:{id}"),
        audit::payload(&party)?,
    )?;
    Ok(party)
}

pub(crate) fn need_party(tx: &mut dyn Tx, id: &str) -> Result<Party, RegistryError> {
    tx.party(id)?.ok_or_else(|| RegistryError::NotFound {
        what: "party",
        id: id.to_string(),
        hint: "see `fermata party list`, or add it with `fermata party add`",
    })
}

pub(crate) fn need_holder(tx: &mut dyn Tx, id: &str) -> Result<Party, RegistryError> {
    let p = need_party(tx, id)?;
    if !p.kind.holds_rights() {
        return Err(RegistryError::NotAllowed(format!(
            "'{id}' is a {}, not a rights holder",
            p.kind
        )));
    }
    Ok(p)
}

pub(crate) fn need_developer(tx: &mut dyn Tx, id: &str) -> Result<Party, RegistryError> {
    let p = need_party(tx, id)?;
    if p.kind != PartyKind::Developer {
        return Err(RegistryError::NotAllowed(format!(
            "'{id}' is a {}, not an AI developer",
            p.kind
        )));
    }
    Ok(p)
}

pub(crate) fn need_work(tx: &mut dyn Tx, isrc: &Isrc) -> Result<Work, RegistryError> {
    tx.work(isrc)?.ok_or_else(|| RegistryError::NotFound {
        what: "work",
        id: isrc.to_string(),
        hint: "see `fermata work list`, or import it with `fermata catalog import`",
    })
}

fn holds_share(work: &Work, holder: &str) -> bool {
    work.shares.iter().any(|s| s.holder == holder)
}

/// Grants a licence inside a transaction (used by `grant_licence` and by request approvals).
pub(crate) fn grant_in(
    tx: &mut dyn Tx,
    now: &Now,
    grant: &LicenceGrant,
    actor: &str,
) -> Result<Licence, RegistryError> {
    if let Some(t) = &grant.terms {
        bounded("terms", t, MAX_TEXT_CHARS)?;
    }
    let valid_from = validate_date("valid-from", &grant.valid_from)?;
    let valid_to = grant
        .valid_to
        .as_deref()
        .map(|to| validate_date("valid-to", to))
        .transpose()?;
    if let Some(to) = &valid_to
        && to < &valid_from
    {
        return Err(RegistryError::Invalid {
            field: "valid-to",
            value: to.clone(),
            reason: format!("the licence would end before it starts ({valid_from})"),
        });
    }
    need_holder(tx, &grant.holder)?;
    need_developer(tx, &grant.developer)?;
    for isrc in &grant.works {
        let work = need_work(tx, isrc)?;
        if !holds_share(&work, &grant.holder) {
            return Err(RegistryError::NotAllowed(format!(
                "'{}' holds no share in {isrc}, so it cannot licence it",
                grant.holder
            )));
        }
    }
    let id = format!("lic-{:06}", tx.next_number("licence")?);
    if tx.licence(&id)?.is_some() {
        // Only an edit of the database behind fermata's back gets here; never overwrite a licence.
        return Err(RegistryError::Conflict(format!(
            "licence {id} already exists though the licence sequence points at it: the registry file was edited; run `fermata audit verify`"
        )));
    }
    let licence = Licence {
        id: id.clone(),
        holder: grant.holder.clone(),
        developer: grant.developer.clone(),
        use_: grant.use_,
        works: grant.works.clone(),
        territories: grant.territories.clone(),
        valid_from,
        valid_to,
        price: grant.price.clone(),
        terms: grant.terms.clone(),
        granted_at: now.at.clone(),
        revoked_at: None,
        revoke_reason: None,
    };
    if let Some(existing) = crate::market::overlapping(&tx.licences()?, &licence) {
        return Err(RegistryError::Conflict(format!(
            "{} already licenses {} to {} for {} over an overlapping period and territory ({} to {}): revoke it first or choose dates after it",
            existing.id,
            existing.holder,
            existing.developer,
            existing.use_,
            existing.valid_from,
            existing.valid_to.as_deref().unwrap_or("no end")
        )));
    }
    tx.put_licence(&licence)?;
    let mut subjects = format!(
        "licence:{id} party:{} party:{}",
        licence.holder, licence.developer
    );
    for isrc in &licence.works {
        subjects.push_str(&format!(" work:{isrc}"));
    }
    append(
        tx,
        now,
        actor,
        "licence.granted",
        subjects,
        audit::payload(&licence)?,
    )?;
    Ok(licence)
}

impl Registry {
    /// Creates (or opens) the SQLite registry at `path`.
    pub fn create(path: &Path) -> Result<Registry, RegistryError> {
        let mut store = SqliteStore::open(path, true)?;
        crate::state::checkpoint_if_needed(&mut store)?;
        Ok(Registry::with_store(Box::new(store)))
    }

    /// Opens an existing SQLite registry.
    pub fn open(path: &Path) -> Result<Registry, RegistryError> {
        let mut store = SqliteStore::open(path, false)?;
        crate::state::checkpoint_if_needed(&mut store)?;
        Ok(Registry::with_store(Box::new(store)))
    }

    /// A registry over any store.
    pub fn with_store(store: Box<dyn Store + Send>) -> Registry {
        Registry {
            store,
            clock: Clock::System,
            idempotency: None,
        }
    }

    /// Sets the clock every following operation reads "now" from (the system's by default).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Reads the registry's clock: the "now" of one operation.
    pub fn now(&self) -> Now {
        self.clock.read()
    }

    pub(crate) fn read<R>(
        &mut self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        let mut tx = self.store.begin_read()?;
        let out = f(tx.as_mut())?;
        drop(tx);
        Ok(out)
    }

    /// Runs `f` in one transaction whose audit events carry the digests of the records it
    /// wrote (see `state::Recorder`).
    pub(crate) fn write<R>(
        &mut self,
        f: impl FnOnce(&mut dyn Tx, &Now) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        let now = self.now();
        self.write_at(&now, f)
    }

    /// [`Registry::write`] at a "now" the operation already read (for operations that check
    /// dates before they write).
    pub(crate) fn write_at<R>(
        &mut self,
        now: &Now,
        f: impl FnOnce(&mut dyn Tx, &Now) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        let mut tx = crate::state::Recorder::new(self.store.begin()?);
        let out = f(&mut tx, now)?;
        tx.finish()?;
        Ok(out)
    }

    /// [`Registry::write`] for an operation that makes a record: a pending `Idempotency-Key`
    /// record (see [`Registry::create_once`]) is stored in the same transaction, with the JSON
    /// of what `made` picks out of the result (nothing is stored when it picks nothing).
    pub(crate) fn write_created<R, T: serde::Serialize>(
        &mut self,
        made: impl FnOnce(&R) -> Option<&T>,
        f: impl FnOnce(&mut dyn Tx, &Now) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        let now = self.now();
        self.write_created_at(&now, made, f)
    }

    /// [`Registry::write_created`] at a "now" the operation already read.
    pub(crate) fn write_created_at<R, T: serde::Serialize>(
        &mut self,
        now: &Now,
        made: impl FnOnce(&R) -> Option<&T>,
        f: impl FnOnce(&mut dyn Tx, &Now) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        let record = self.idempotency.take();
        let mut tx = crate::state::Recorder::new(self.store.begin()?);
        let out = f(&mut tx, now)?;
        if let (Some(record), Some(made)) = (record, made(&out))
            && tx.idempotent(&record.party, &record.key)?.is_none()
        {
            let body = serde_json::to_string(made)
                .map_err(|e| RegistryError::Internal(format!("cannot encode a record: {e}")))?;
            let response = IdempotentResponse {
                request_digest: record.request_digest,
                status: 201,
                body,
            };
            tx.put_idempotent(&record.party, &record.key, &response)?;
        }
        tx.finish()?;
        Ok(out)
    }

    /// Adds a party.
    pub fn add_party(
        &mut self,
        id: &str,
        kind: PartyKind,
        name: &str,
        actor: &str,
    ) -> Result<Party, RegistryError> {
        validate_party_id(id)?;
        if name.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "name",
                value: name.into(),
                reason: "a party needs a name".into(),
            });
        }
        bounded("name", name, MAX_NAME_CHARS)?;
        self.write(|tx, now| add_party_in(tx, now, id, kind, name, actor))
    }

    /// One party.
    pub fn party(&mut self, id: &str) -> Result<Party, RegistryError> {
        self.read(|tx| need_party(tx, id))
    }

    /// Every party.
    pub fn parties(&mut self) -> Result<Vec<Party>, RegistryError> {
        self.read(|tx| tx.parties())
    }

    /// Registers `holder`'s works, or updates them when they changed. A work that another
    /// holder registered is not touched and comes back as a conflict. Tracks accumulate: a
    /// work keeps the tracks it had and gains new ones.
    pub fn register_works(
        &mut self,
        holder: &str,
        works: Vec<Work>,
        actor: &str,
    ) -> Result<ImportReport, RegistryError> {
        self.write(|tx, now| {
            need_holder(tx, holder)?;
            let mut known_holders = BTreeSet::new();
            let mut report = ImportReport::default();
            for mut work in works {
                work.validate()?;
                if work.registrant != holder {
                    return Err(RegistryError::NotAllowed(format!(
                        "{} names '{}' as its registrant, but '{holder}' is importing it",
                        work.isrc, work.registrant
                    )));
                }
                for share in &work.shares {
                    if known_holders.insert(share.holder.clone()) {
                        need_holder(tx, &share.holder)?;
                    }
                }
                let mut previous_shares: Vec<Share> = Vec::new();
                let action = match tx.work(&work.isrc)? {
                    Some(existing) if existing.registrant != holder => {
                        report.conflicts.push(WorkConflict {
                            isrc: work.isrc.clone(),
                            registered_title: existing.title,
                            registered_by: existing.registrant,
                            imported_title: work.title,
                            same_audio_as: None,
                        });
                        continue;
                    }
                    Some(existing) => {
                        let mut tracks: BTreeSet<String> =
                            existing.tracks.iter().cloned().collect();
                        tracks.extend(work.tracks.iter().cloned());
                        work.tracks = tracks.into_iter().collect();
                        work.shares.sort();
                        if existing == work {
                            report.unchanged += 1;
                            continue;
                        }
                        let affected = reduced_holders(&existing.shares, &work.shares, holder);
                        if !affected.is_empty() {
                            // Another holder's share would shrink: propose, change nothing.
                            let docs: Vec<ShareChange> = tx
                                .docs(DocKind::ShareChange, Some(holder))?
                                .iter()
                                .map(|j| crate::market::decode_doc(j))
                                .collect::<Result<_, _>>()?;
                            let mut same = None;
                            for mut old in docs.into_iter().filter(|c| {
                                c.isrc == work.isrc && c.status == ShareChangeStatus::Pending
                            }) {
                                if old.proposed == work {
                                    same = Some(old);
                                    continue;
                                }
                                old.status = ShareChangeStatus::Superseded;
                                tx.put_doc(
                                    DocKind::ShareChange,
                                    &old.id,
                                    holder,
                                    &audit::payload(&old)?,
                                )?;
                                append(
                                    tx,
                                    now,
                                    actor,
                                    "work.share-change-superseded",
                                    work_subjects(&old.proposed, &old.current, holder),
                                    audit::payload(&old)?,
                                )?;
                            }
                            if let Some(c) = same {
                                report.awaiting_agreement.push(c);
                                continue;
                            }
                            let change = ShareChange {
                                id: format!("shc-{:06}", tx.next_number("share-change")?),
                                isrc: work.isrc.clone(),
                                proposed_by: holder.to_string(),
                                current: existing.shares.clone(),
                                proposed: work.clone(),
                                affected,
                                agreed: vec![],
                                status: ShareChangeStatus::Pending,
                                created_at: now.at.clone(),
                                refusal: None,
                            };
                            tx.put_doc(
                                DocKind::ShareChange,
                                &change.id,
                                holder,
                                &audit::payload(&change)?,
                            )?;
                            append(
                                tx,
                                now,
                                actor,
                                "work.share-change-proposed",
                                work_subjects(&work, &existing.shares, holder),
                                audit::payload(&change)?,
                            )?;
                            report.awaiting_agreement.push(change);
                            continue;
                        }
                        previous_shares = existing.shares.clone();
                        report.updated.push(work.isrc.clone());
                        "work.updated"
                    }
                    None => {
                        report.added.push(work.isrc.clone());
                        "work.registered"
                    }
                };
                work.shares.sort();
                tx.put_work(&work)?;
                // Every holder the change touches, before or after, sees it in its history.
                append(
                    tx,
                    now,
                    actor,
                    action,
                    work_subjects(&work, &previous_shares, holder),
                    audit::payload(&work)?,
                )?;
            }
            Ok(report)
        })
    }

    /// Proposed share changes: those `party` proposed or must agree to (every one when None).
    pub fn share_changes(
        &mut self,
        party: Option<&str>,
    ) -> Result<Vec<ShareChange>, RegistryError> {
        self.read(|tx| {
            let all: Vec<ShareChange> = tx
                .docs(DocKind::ShareChange, None)?
                .iter()
                .map(|j| crate::market::decode_doc(j))
                .collect::<Result<_, _>>()?;
            Ok(all
                .into_iter()
                .filter(|c| {
                    party.is_none_or(|p| c.proposed_by == p || c.affected.iter().any(|a| a == p))
                })
                .collect())
        })
    }

    /// `holder`, whose share a proposed change removes or reduces, agrees to it (or refuses it).
    /// When the last such holder agrees, the work takes the proposed shares.
    pub fn agree_share_change(
        &mut self,
        id: &str,
        holder: &str,
        agree: bool,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<ShareChange, RegistryError> {
        if let Some(r) = reason {
            bounded("reason", r, MAX_REASON_CHARS)?;
        }
        self.write(|tx, now| {
            let json = tx.doc(DocKind::ShareChange, id)?.ok_or_else(|| RegistryError::NotFound {
                what: "share change",
                id: id.into(),
                hint: "see `fermata work changes`",
            })?;
            let mut change: ShareChange = crate::market::decode_doc(&json)?;
            if !change.affected.iter().any(|a| a == holder) {
                return Err(RegistryError::NotFound { what: "share change", id: id.into(), hint: "see `fermata work changes`" });
            }
            if change.status != ShareChangeStatus::Pending {
                return Err(RegistryError::Conflict(format!("share change {id} is no longer pending: it was {:?}", change.status).to_lowercase()));
            }
            let subjects = work_subjects(&change.proposed, &change.current, &change.proposed_by);
            if !agree {
                change.status = ShareChangeStatus::Refused;
                change.refusal = Some(format!("{holder}: {}", reason.unwrap_or("no reason given")));
                tx.put_doc(DocKind::ShareChange, &change.id, &change.proposed_by, &audit::payload(&change)?)?;
                append(tx, now, actor, "work.share-change-refused", subjects, audit::payload(&change)?)?;
                return Ok(change);
            }
            if !change.agreed.iter().any(|a| a == holder) {
                change.agreed.push(holder.to_string());
            }
            let all_agreed = change.affected.iter().all(|a| change.agreed.contains(a));
            if all_agreed {
                let current = need_work(tx, &change.isrc)?;
                if current.shares != change.current {
                    return Err(RegistryError::Conflict(format!(
                        "the shares of {} changed since {id} was proposed: import the catalogue again to propose anew",
                        change.isrc
                    )));
                }
                let mut work = change.proposed.clone();
                let mut tracks: BTreeSet<String> = current.tracks.iter().cloned().collect();
                tracks.extend(work.tracks.iter().cloned());
                work.tracks = tracks.into_iter().collect();
                work.shares.sort();
                tx.put_work(&work)?;
                change.status = ShareChangeStatus::Applied;
                tx.put_doc(DocKind::ShareChange, &change.id, &change.proposed_by, &audit::payload(&change)?)?;
                append(tx, now, actor, "work.share-change-agreed", subjects.clone(), audit::payload(&change)?)?;
                append(tx, now, actor, "work.updated", subjects, audit::payload(&work)?)?;
            } else {
                tx.put_doc(DocKind::ShareChange, &change.id, &change.proposed_by, &audit::payload(&change)?)?;
                append(tx, now, actor, "work.share-change-agreed", subjects, audit::payload(&change)?)?;
            }
            Ok(change)
        })
    }

    /// Records, for both holders, that `holder` tried to register audio that is already
    /// registered by another holder under another ISRC (see [`WorkConflict::same_audio_as`]). The
    /// import sets such works aside; this puts the clash in both holders' history.
    pub fn record_audio_conflicts(
        &mut self,
        holder: &str,
        conflicts: &[WorkConflict],
        actor: &str,
    ) -> Result<(), RegistryError> {
        self.write(|tx, now| {
            for c in conflicts {
                let Some(existing) = &c.same_audio_as else {
                    continue;
                };
                let subjects = format!(
                    "work:{} work:{existing} party:{holder} party:{}",
                    c.isrc, c.registered_by
                );
                append(
                    tx,
                    now,
                    actor,
                    "work.audio-conflict",
                    subjects,
                    audit::payload(c)?,
                )?;
            }
            Ok(())
        })
    }

    /// One work.
    pub fn work(&mut self, isrc: &Isrc) -> Result<Work, RegistryError> {
        self.read(|tx| need_work(tx, isrc))
    }

    /// One work as `viewer` may see it: a rights holder sees the works it registered or holds a
    /// share in, and no other (not found, as if it did not exist); a developer, an auditor or
    /// the operator (None) sees every work, since scans name them.
    pub fn work_visible_to(
        &mut self,
        isrc: &Isrc,
        viewer: Option<(&str, crate::Role)>,
    ) -> Result<Work, RegistryError> {
        let work = self.work(isrc)?;
        let visible = match viewer {
            Some((party, role)) if role.is_holder() => {
                work.registrant == party || work.shares.iter().any(|s| s.holder == party)
            }
            _ => true,
        };
        if visible {
            Ok(work)
        } else {
            Err(RegistryError::NotFound {
                what: "work",
                id: isrc.to_string(),
                hint: "see `fermata work list`",
            })
        }
    }

    /// The heads of the works of `holder` (registered by it or shared with it), or of every
    /// work: one query, for lists.
    pub fn work_summaries(
        &mut self,
        holder: Option<&str>,
    ) -> Result<Vec<crate::model::WorkSummary>, RegistryError> {
        self.read(|tx| {
            if let Some(h) = holder {
                need_party(tx, h)?;
            }
            tx.work_summaries(holder)
        })
    }

    /// Works of `holder` (registered by it or shared with it), or every work.
    pub fn works(&mut self, holder: Option<&str>) -> Result<Vec<Work>, RegistryError> {
        self.read(|tx| {
            if let Some(h) = holder {
                need_party(tx, h)?;
            }
            tx.works(holder)
        })
    }

    /// Sets (or replaces) a policy. A holder sets policies only for works it holds a share in.
    pub fn set_policy(
        &mut self,
        change: PolicyChange,
        actor: &str,
    ) -> Result<Policy, RegistryError> {
        if let Some(c) = &change.conditions {
            bounded("conditions", c, MAX_TEXT_CHARS)?;
        }
        if let Some(m) = change.term_months {
            crate::market_ops::validate_term_months(m)?;
        }
        if change.decision != Decision::LicenceRequired
            && (change.price.is_some() || change.term_months.is_some())
        {
            return Err(RegistryError::NotAllowed(format!(
                "a price or term is an offer, which only a licence-required policy makes (this one is {})",
                change.decision
            )));
        }
        self.write(|tx, now| {
            need_holder(tx, &change.holder)?;
            if let Some(isrc) = &change.isrc {
                let work = need_work(tx, isrc)?;
                if !holds_share(&work, &change.holder) {
                    return Err(RegistryError::NotAllowed(format!(
                        "'{}' holds no share in {isrc}, so it cannot set its policy",
                        change.holder
                    )));
                }
            }
            let policy = Policy {
                holder: change.holder.clone(),
                isrc: change.isrc.clone(),
                use_: change.use_,
                decision: change.decision,
                territories: change.territories.clone(),
                price: change.price.clone(),
                term_months: change.term_months,
                conditions: change.conditions.clone(),
                updated_at: now.at.clone(),
            };
            tx.put_policy(&policy)?;
            let subjects = match &policy.isrc {
                Some(i) => format!("party:{} work:{i}", policy.holder),
                None => format!("party:{}", policy.holder),
            };
            append(
                tx,
                now,
                actor,
                "policy.set",
                subjects,
                audit::payload(&policy)?,
            )?;
            Ok(policy)
        })
    }

    /// The co-owners of `holder`'s works (of `work` alone, if given) that have said nothing
    /// about `use_`, with the work: their silence is a no, whatever `holder` says, so a holder
    /// setting a policy is told who else must answer.
    pub fn silent_co_owners(
        &mut self,
        holder: &str,
        work: Option<&Isrc>,
        use_: Use,
    ) -> Result<Vec<(Isrc, String)>, RegistryError> {
        self.read(|tx| {
            let works = match work {
                Some(isrc) => vec![need_work(tx, isrc)?],
                None => tx.works(Some(holder))?,
            };
            let offers = load_offers(tx)?;
            let mut policies: BTreeMap<String, Vec<Policy>> = BTreeMap::new();
            let mut out = Vec::new();
            let world = Territory::world();
            for w in works.iter().filter(|w| holds_share(w, holder)) {
                for other in w
                    .shares
                    .iter()
                    .map(|s| s.holder.as_str())
                    .filter(|h| *h != holder)
                    .collect::<BTreeSet<_>>()
                {
                    if !policies.contains_key(other) {
                        policies.insert(other.to_string(), tx.policies(other)?);
                    }
                    let q = crate::answer::Question {
                        developer: None,
                        use_,
                        territory: &world,
                        date: "0000-01-01",
                    };
                    let theirs = policies.get(other).map(Vec::as_slice).unwrap_or_default();
                    let a = crate::answer::holder_answer(
                        other,
                        0,
                        Some(&w.isrc),
                        &q,
                        theirs,
                        &[],
                        &offers,
                    );
                    if a.source == Some(crate::answer::AnswerSource::NoPolicy) {
                        out.push((w.isrc.clone(), other.to_string()));
                    }
                }
            }
            Ok(out)
        })
    }

    /// Every policy `holder` has set.
    pub fn policies(&mut self, holder: &str) -> Result<Vec<Policy>, RegistryError> {
        self.read(|tx| {
            need_holder(tx, holder)?;
            tx.policies(holder)
        })
    }

    /// Grants a licence. The holder must hold a share in every work named, and the licence must
    /// not overlap an active one for the same parties, use, work, territory and dates.
    pub fn grant_licence(
        &mut self,
        grant: LicenceGrant,
        actor: &str,
    ) -> Result<Licence, RegistryError> {
        self.write(|tx, now| grant_in(tx, now, &grant, actor))
    }

    /// Revokes a licence from now on, for `holder`, the party that granted it. A licence that
    /// `holder` does not hold is refused exactly as one that does not exist, so a caller learns
    /// nothing about other parties' licences.
    pub fn revoke_licence(
        &mut self,
        id: &str,
        reason: Option<&str>,
        holder: &str,
    ) -> Result<Licence, RegistryError> {
        if let Some(r) = reason {
            bounded("reason", r, MAX_REASON_CHARS)?;
        }
        self.write(|tx, now| {
            let mut licence = tx
                .licence(id)?
                .filter(|l| l.holder == holder)
                .ok_or_else(|| RegistryError::NotFound {
                    what: "licence",
                    id: id.into(),
                    hint: "see `fermata licence list --party HOLDER`: only the holder that granted a licence revokes it",
                })?;
            if licence.revoked_at.is_some() {
                return Err(RegistryError::Conflict(format!(
                    "licence {id} is already revoked"
                )));
            }
            licence.revoked_at = Some(now.at.clone());
            licence.revoke_reason = reason.map(Into::into);
            tx.put_licence(&licence)?;
            let mut subjects = format!(
                "licence:{id} party:{} party:{}",
                licence.holder, licence.developer
            );
            for isrc in &licence.works {
                subjects.push_str(&format!(" work:{isrc}"));
            }
            let payload = audit::payload(
                &serde_json::json!({"id": id, "reason": reason, "revoked_at": licence.revoked_at}),
            )?;
            append(tx, now, holder, "licence.revoked", subjects, payload)?;
            Ok(licence)
        })
    }

    /// Licences where `party` is the holder or the developer (every licence when None).
    pub fn licences(&mut self, party: Option<&str>) -> Result<Vec<Licence>, RegistryError> {
        self.read(|tx| {
            if let Some(p) = party {
                need_party(tx, p)?;
            }
            let all = tx.licences()?;
            Ok(all
                .into_iter()
                .filter(|l| party.is_none_or(|p| l.holder == p || l.developer == p))
                .collect())
        })
    }

    /// What the registry says today to `developer` making `use_` of a work in `territory`.
    pub fn clear(
        &mut self,
        isrc: &Isrc,
        developer: &str,
        use_: Use,
        territory: &Territory,
    ) -> Result<WorkClearance, RegistryError> {
        let date = self.now().date;
        self.read(|tx| {
            need_developer(tx, developer)?;
            let work = need_work(tx, isrc)?;
            let licences = tx.licences()?;
            let mut policies: BTreeMap<String, Vec<Policy>> = BTreeMap::new();
            cache_holder_policies(tx, &work, &mut policies)?;
            let mut policies_of = |h: &str| policies.get(h).cloned().unwrap_or_default();
            let offers = load_offers(tx)?;
            Ok(clear_work(
                &work,
                developer,
                use_,
                territory,
                &date,
                &mut policies_of,
                &licences,
                &offers,
            ))
        })
    }

    /// What `holder` says to each use of `work` (None: of its catalogue as a whole) in
    /// `territory` on `date`, and why: [`crate::holder_answer`], the answer a scan and a licence
    /// request get. With a developer, its licences count too.
    pub fn holder_answers(
        &mut self,
        holder: &str,
        work: Option<&Isrc>,
        developer: Option<&str>,
        territory: &Territory,
        date: &str,
    ) -> Result<Vec<UseAnswer>, RegistryError> {
        let date = validate_date("date", date)?;
        self.read(|tx| {
            need_holder(tx, holder)?;
            let mut basis_points = 0;
            if let Some(isrc) = work {
                let w = need_work(tx, isrc)?;
                let Some(share) = w
                    .shares_in(territory)
                    .into_iter()
                    .find(|s| s.holder == holder)
                else {
                    return Err(RegistryError::NotAllowed(format!(
                        "'{holder}' holds no share in {isrc} in {territory}"
                    )));
                };
                basis_points = share.basis_points;
            }
            if let Some(d) = developer {
                need_developer(tx, d)?;
            }
            let policies = tx.policies(holder)?;
            let licences = tx.licences()?;
            let offers = load_offers(tx)?;
            Ok(Use::ALL
                .iter()
                .map(|&use_| {
                    let q = crate::answer::Question {
                        developer,
                        use_,
                        territory,
                        date: &date,
                    };
                    UseAnswer {
                        use_,
                        answer: crate::answer::holder_answer(
                            holder,
                            basis_points,
                            work,
                            &q,
                            &policies,
                            &licences,
                            &offers,
                        ),
                    }
                })
                .collect())
        })
    }

    /// Resumes the unfinished scan with these parameters, or starts a new one. Returns the scan
    /// and whether it was resumed.
    pub fn open_scan(
        &mut self,
        developer: &str,
        model: &str,
        use_: Use,
        territory: &Territory,
        dataset: &str,
    ) -> Result<(Scan, bool), RegistryError> {
        if model.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "model",
                value: model.into(),
                reason: "name the model the data is for".into(),
            });
        }
        self.write(|tx, now| {
            need_developer(tx, developer)?;
            let open = tx.scans()?.into_iter().find(|s| {
                s.finished_at.is_none()
                    && s.developer == developer
                    && s.model == model
                    && s.use_ == use_
                    && &s.territory == territory
                    && s.dataset == dataset
            });
            if let Some(scan) = open {
                return Ok((scan, true));
            }
            let scan = Scan {
                id: format!("scan-{:06}", tx.next_number("scan")?),
                developer: developer.into(),
                model: model.into(),
                use_,
                territory: territory.clone(),
                dataset: dataset.into(),
                started_at: now.at.clone(),
                finished_at: None,
            };
            tx.put_scan(&scan)?;
            append(
                tx,
                now,
                developer,
                "scan.started",
                format!("scan:{} party:{developer}", scan.id),
                audit::payload(&scan)?,
            )?;
            Ok((scan, false))
        })
    }

    /// One scan.
    pub fn scan(&mut self, id: &str) -> Result<Scan, RegistryError> {
        self.read(|tx| {
            tx.scan(id)?.ok_or_else(|| RegistryError::NotFound {
                what: "scan",
                id: id.into(),
                hint: "see `fermata scan --list`",
            })
        })
    }

    /// The works linked to an index track.
    pub fn works_for_track(&mut self, track_id: &str) -> Result<Vec<Isrc>, RegistryError> {
        self.read(|tx| tx.works_for_track(track_id))
    }

    /// Every scan.
    pub fn scans(&mut self) -> Result<Vec<Scan>, RegistryError> {
        self.read(|tx| tx.scans())
    }

    /// The files recorded so far in a scan.
    pub fn scan_files(&mut self, scan_id: &str) -> Result<Vec<ScanFile>, RegistryError> {
        self.read(|tx| tx.scan_files(scan_id))
    }

    /// Saves identified files of a running scan (one transaction for the batch).
    pub fn record_scan_files(
        &mut self,
        scan_id: &str,
        files: &[ScanFile],
    ) -> Result<(), RegistryError> {
        self.write(|tx, _| {
            for f in files {
                tx.put_scan_file(scan_id, f)?;
            }
            Ok(())
        })
    }

    /// Decides every file's verdict from today's policies and licences, marks the scan
    /// finished and records the outcome in the audit log. Files present in the scan but not in
    /// `keep` (files removed from the dataset since) are dropped first when `keep` is given.
    pub fn finish_scan(
        &mut self,
        scan_id: &str,
        keep: Option<&BTreeSet<String>>,
    ) -> Result<(Scan, Vec<ScanFile>), RegistryError> {
        self.write(|tx, now| {
            let date = now.date.clone();
            let mut scan = tx.scan(scan_id)?.ok_or_else(|| RegistryError::NotFound {
                what: "scan",
                id: scan_id.into(),
                hint: "see `fermata scan --list`",
            })?;
            let licences = tx.licences()?;
            let offers = load_offers(tx)?;
            let mut works: BTreeMap<String, Vec<Isrc>> = BTreeMap::new();
            let mut clearances: BTreeMap<Isrc, WorkClearance> = BTreeMap::new();
            let mut policies: BTreeMap<String, Vec<Policy>> = BTreeMap::new();
            let mut files = tx.scan_files(scan_id)?;
            if let Some(keep) = keep {
                files.retain(|f| keep.contains(&f.path));
            }
            let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
            let mut seen_works = BTreeSet::new();
            for file in &mut files {
                let verdict = match &file.error {
                    Some(e) => FileVerdict::error(e),
                    None => {
                        let mut found: Vec<WorkClearance> = Vec::new();
                        for m in &file.matches {
                            if !works.contains_key(&m.track_id) {
                                let isrcs = tx.works_for_track(&m.track_id)?;
                                works.insert(m.track_id.clone(), isrcs);
                            }
                            for isrc in &works[&m.track_id] {
                                if !clearances.contains_key(isrc) {
                                    let work = need_work(tx, isrc)?;
                                    cache_holder_policies(tx, &work, &mut policies)?;
                                    let mut lookup = |h: &str| policies.get(h).cloned().unwrap_or_default();
                                    let c = clear_work(&work, &scan.developer, scan.use_, &scan.territory, &date, &mut lookup, &licences, &offers);
                                    clearances.insert(isrc.clone(), c);
                                }
                                if !found.iter().any(|w| &w.isrc == isrc) {
                                    found.push(clearances[isrc].clone());
                                    seen_works.insert(isrc.clone());
                                }
                            }
                        }
                        let mut verdict = FileVerdict::combine(found);
                        // Not registered, but where it came from reserved its rights: no. And
                        // where what its source reserves could not be read, nothing is assumed.
                        if verdict.verdict == Verdict::Unidentified
                            && let Some(source) = &file.source
                        {
                            if let Some(reason) = &source.reserved {
                                verdict.verdict = Verdict::Denied;
                                verdict.reason = format!("no registered recording found, but its source reserved AI training: {reason}");
                            } else if let Some(error) = &source.error {
                                verdict.verdict = Verdict::Error;
                                verdict.reason = format!("no registered recording found, and what its source reserves could not be read: {error}");
                            }
                        }
                        verdict
                    }
                };
                *counts.entry(verdict.verdict.as_str()).or_default() += 1;
                file.verdict = Some(verdict);
                tx.put_scan_file(scan_id, file)?;
            }
            scan.finished_at = Some(now.at.clone());
            tx.put_scan(&scan)?;
            let mut subjects = format!("scan:{scan_id} party:{}", scan.developer);
            for isrc in &seen_works {
                subjects.push_str(&format!(" work:{isrc}"));
            }
            let payload = serde_json::json!({
                "scan": scan_id, "model": scan.model, "use": scan.use_, "territory": scan.territory,
                "files": files.len(), "verdicts": counts, "works_found": seen_works.len(),
            });
            append(tx, now, &scan.developer.clone(), "scan.finished", subjects, audit::payload(&payload)?)?;
            Ok((scan, files))
        })
    }

    /// Records a manifest built from a finished scan.
    pub fn record_manifest(
        &mut self,
        record: &ManifestRecord,
        actor: &str,
    ) -> Result<(), RegistryError> {
        self.write(|tx, now| {
            let scan = tx.scan(&record.scan_id)?.ok_or_else(|| RegistryError::NotFound {
                what: "scan",
                id: record.scan_id.clone(),
                hint: "see `fermata scan --list`",
            })?;
            if scan.finished_at.is_none() {
                return Err(RegistryError::NotAllowed(format!(
                    "scan {} is not finished: run the same `fermata scan` command again to complete it",
                    scan.id
                )));
            }
            tx.put_manifest(record)?;
            append(tx, now,
                actor,
                "manifest.built",
                format!("manifest:{} scan:{} party:{}", record.id, record.scan_id, scan.developer),
                audit::payload(record)?,
            )
        })
    }

    /// The next manifest id.
    pub fn next_manifest_id(&mut self) -> Result<String, RegistryError> {
        self.write(|tx, _| Ok(format!("manifest-{:06}", tx.next_number("manifest")?)))
    }

    /// Every manifest recorded.
    pub fn manifests(&mut self) -> Result<Vec<ManifestRecord>, RegistryError> {
        self.read(|tx| tx.manifests())
    }

    /// Checks the whole audit chain, and that every record is what the chain's events recorded.
    pub fn verify_audit(&mut self) -> Result<AuditReport, RegistryError> {
        self.read(|tx| {
            Ok(audit::verify_state(
                &tx.events()?,
                &crate::state::current(tx)?,
            ))
        })
    }

    /// Events about `subject` (e.g. `work:GBAYE6900531`), oldest first; every event when None.
    pub fn history(&mut self, subject: Option<&str>) -> Result<Vec<Event>, RegistryError> {
        self.read(|tx| match subject {
            Some(s) => tx.events_about(s),
            None => tx.events(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::create(&dir.path().join("r.sqlite")).unwrap();
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .unwrap();
        r.add_party("pub-b", PartyKind::Publisher, "Publisher B", "cli")
            .unwrap();
        r.add_party("dev", PartyKind::Developer, "Dev", "cli")
            .unwrap();
        (dir, r)
    }

    fn work(isrc: &str, registrant: &str, shares: &str) -> Work {
        Work {
            isrc: isrc.parse().unwrap(),
            title: format!("Song {isrc}"),
            artist: "Artist".into(),
            duration_s: Some(180.0),
            iswc: None,
            registrant: registrant.into(),
            credits: vec![Credit {
                role: "performer".into(),
                name: "Jane Doe".into(),
            }],
            shares: parse_shares(shares).unwrap(),
            tracks: vec![isrc.into()],
        }
    }

    #[test]
    fn registering_is_idempotent_and_conflicts_are_reported() {
        let (_d, mut r) = registry();
        let works = vec![
            work("GBAAA2600001", "label-a", "label-a=60;pub-b=40"),
            work("GBAAA2600002", "label-a", "label-a=100"),
        ];
        let first = r.register_works("label-a", works.clone(), "cli").unwrap();
        assert_eq!(first.added.len(), 2);
        let again = r.register_works("label-a", works, "cli").unwrap();
        assert_eq!(
            (again.added.len(), again.updated.len(), again.unchanged),
            (0, 0, 2)
        );
        let events = r.history(None).unwrap().len();
        r.add_party("label-c", PartyKind::Label, "Label C", "cli")
            .unwrap();
        let clash = r
            .register_works(
                "label-c",
                vec![work("GBAAA2600001", "label-c", "label-c=100")],
                "cli",
            )
            .unwrap();
        assert_eq!(clash.conflicts.len(), 1);
        assert_eq!(clash.conflicts[0].registered_by, "label-a");
        assert_eq!(
            r.work(&"GBAAA2600001".parse().unwrap()).unwrap().registrant,
            "label-a"
        );
        assert_eq!(
            r.history(None).unwrap().len(),
            events + 1,
            "only the party was added"
        );
        // Both holders see the co-owned work.
        assert_eq!(r.works(Some("pub-b")).unwrap().len(), 1);
    }

    #[test]
    fn a_reimport_cannot_remove_or_reduce_a_co_owner_without_its_agreement() {
        let (_d, mut r) = registry();
        let isrc: Isrc = "GBAAA2600006".parse().unwrap();
        let de: Territory = "DE".parse().unwrap();
        r.register_works(
            "label-a",
            vec![work("GBAAA2600006", "label-a", "label-a=50;pub-b=50")],
            "cli",
        )
        .unwrap();
        r.set_policy(
            PolicyChange::new("label-a", None, Use::TrainGenai, Decision::Allow),
            "label-a",
        )
        .unwrap();
        r.set_policy(
            PolicyChange::new("pub-b", None, Use::TrainGenai, Decision::Deny),
            "pub-b",
        )
        .unwrap();
        // label-a re-imports the work as its own alone: nothing changes, a proposal waits for pub-b.
        let report = r
            .register_works(
                "label-a",
                vec![work("GBAAA2600006", "label-a", "label-a=100")],
                "cli",
            )
            .unwrap();
        assert!(report.updated.is_empty(), "{report:?}");
        assert_eq!(report.awaiting_agreement.len(), 1);
        let change = report.awaiting_agreement[0].clone();
        assert_eq!(change.affected, vec!["pub-b".to_string()]);
        assert_eq!(r.work(&isrc).unwrap().shares.len(), 2);
        assert_eq!(
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict,
            Verdict::Denied
        );
        assert!(
            r.history(Some("party:pub-b"))
                .unwrap()
                .iter()
                .any(|e| e.action == "work.share-change-proposed")
        );
        // The same re-import again makes no second proposal; a reduction to 30 % is one too.
        let again = r
            .register_works(
                "label-a",
                vec![work("GBAAA2600006", "label-a", "label-a=100")],
                "cli",
            )
            .unwrap();
        assert_eq!(again.awaiting_agreement[0].id, change.id);
        assert_eq!(r.share_changes(Some("pub-b")).unwrap().len(), 1);
        assert_eq!(
            reduced_holders(
                &parse_shares("label-a=50;pub-b=50").unwrap(),
                &parse_shares("label-a=70;pub-b=30").unwrap(),
                "label-a"
            ),
            vec!["pub-b"]
        );
        assert!(
            reduced_holders(
                &parse_shares("label-a=50;pub-b=50").unwrap(),
                &parse_shares("label-a=40;pub-b=60").unwrap(),
                "label-a"
            )
            .is_empty()
        );
        // Country shares replace WORLD's there: adding DE shares without pub-b cuts it out of DE.
        let world = parse_shares("label-a=50;pub-b=50").unwrap();
        let mut with_de = world.clone();
        with_de.push(Share {
            territory: "DE".parse().unwrap(),
            holder: "label-a".into(),
            basis_points: 10_000,
        });
        assert_eq!(reduced_holders(&world, &with_de, "label-a"), vec!["pub-b"]);
        // Only the affected holder may agree; once it does, the shares change.
        assert!(
            r.agree_share_change(&change.id, "label-a", true, None, "label-a")
                .is_err()
        );
        let done = r
            .agree_share_change(&change.id, "pub-b", true, None, "pub-b")
            .unwrap();
        assert_eq!(done.status, ShareChangeStatus::Applied);
        assert_eq!(r.work(&isrc).unwrap().shares.len(), 1);
        assert_eq!(
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict,
            Verdict::Cleared
        );
        assert!(
            r.history(Some("party:pub-b"))
                .unwrap()
                .iter()
                .any(|e| e.action == "work.updated")
        );
        // A refusal leaves the shares as they are.
        r.register_works(
            "label-a",
            vec![work("GBAAA2600007", "label-a", "label-a=50;pub-b=50")],
            "cli",
        )
        .unwrap();
        let p = r
            .register_works(
                "label-a",
                vec![work("GBAAA2600007", "label-a", "label-a=100")],
                "cli",
            )
            .unwrap();
        let refused = r
            .agree_share_change(
                &p.awaiting_agreement[0].id,
                "pub-b",
                false,
                Some("we hold half"),
                "pub-b",
            )
            .unwrap();
        assert_eq!(refused.status, ShareChangeStatus::Refused);
        assert_eq!(
            r.work(&"GBAAA2600007".parse().unwrap())
                .unwrap()
                .shares
                .len(),
            2
        );
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn a_failed_operation_leaves_nothing() {
        let (_d, mut r) = registry();
        let events = r.history(None).unwrap().len();
        // The second work names an unknown holder: the whole batch is refused.
        let works = vec![
            work("GBAAA2600001", "label-a", "label-a=100"),
            work("GBAAA2600002", "label-a", "nobody=100"),
        ];
        assert!(r.register_works("label-a", works, "cli").is_err());
        assert!(r.works(None).unwrap().is_empty());
        assert_eq!(r.history(None).unwrap().len(), events);
    }

    #[test]
    fn policies_and_licences_follow_their_rules() {
        let (_d, mut r) = registry();
        r.register_works(
            "label-a",
            vec![work("GBAAA2600001", "label-a", "label-a=100")],
            "cli",
        )
        .unwrap();
        let isrc: Isrc = "GBAAA2600001".parse().unwrap();
        let not_holder = r.set_policy(
            PolicyChange::new(
                "pub-b",
                Some(isrc.clone()),
                Use::TrainGenai,
                Decision::Allow,
            ),
            "pub-b",
        );
        assert!(matches!(not_holder, Err(RegistryError::NotAllowed(_))));
        let mut priced = PolicyChange::new("label-a", None, Use::TrainGenai, Decision::Deny);
        priced.price = Some("per-work:10:EUR".parse().unwrap());
        assert!(r.set_policy(priced, "label-a").is_err());
        let to_holder = LicenceGrant::new("label-a", "pub-b", Use::TrainGenai, "2026-01-01");
        assert!(matches!(
            r.grant_licence(to_holder, "label-a"),
            Err(RegistryError::NotAllowed(_))
        ));
        let mut backwards = LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2026-01-01");
        backwards.valid_to = Some("2025-01-01".into());
        assert!(r.grant_licence(backwards, "label-a").is_err());
        let l = r
            .grant_licence(
                LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2020-01-01"),
                "label-a",
            )
            .unwrap();
        assert_eq!(l.id, "lic-000001");
        let de: Territory = "DE".parse().unwrap();
        assert_eq!(
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict,
            Verdict::Cleared
        );
        // Only the holder that granted it revokes it; anyone else is told it does not exist.
        for stranger in ["pub-b", "dev", "nobody"] {
            assert!(matches!(
                r.revoke_licence(&l.id, Some("mine now"), stranger),
                Err(RegistryError::NotFound {
                    what: "licence",
                    ..
                })
            ));
        }
        assert_eq!(
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict,
            Verdict::Cleared
        );
        r.revoke_licence(&l.id, Some("ended"), "label-a").unwrap();
        assert_eq!(
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict,
            Verdict::Denied
        );
        assert!(r.revoke_licence(&l.id, None, "label-a").is_err());
        let history = r.history(Some("work:GBAAA2600001")).unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["work.registered"]);
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn operations_answer_at_the_registrys_clock() {
        let (_d, mut r) = registry();
        r.register_works(
            "label-a",
            vec![work("GBAAA2600001", "label-a", "label-a=100")],
            "label-a",
        )
        .unwrap();
        let isrc: Isrc = "GBAAA2600001".parse().unwrap();
        let de: Territory = "DE".parse().unwrap();
        let mut grant = LicenceGrant::new("label-a", "dev", Use::TrainGenai, "2030-01-01");
        grant.valid_to = Some("2030-12-31".into());
        r.set_clock(Clock::fixed("2029-06-01T08:00:00Z").unwrap());
        let l = r.grant_licence(grant, "label-a").unwrap();
        // Records and events carry the clock's time, not the machine's.
        assert_eq!(l.granted_at, "2029-06-01T08:00:00Z");
        assert_eq!(
            r.history(Some("licence:lic-000001")).unwrap()[0].at,
            "2029-06-01T08:00:00Z"
        );
        let verdict_at = |r: &mut Registry, at: &str| {
            r.set_clock(Clock::fixed(at).unwrap());
            r.clear(&isrc, "dev", Use::TrainGenai, &de).unwrap().verdict
        };
        assert_eq!(verdict_at(&mut r, "2029-12-31T23:59:59Z"), Verdict::Denied);
        assert_eq!(verdict_at(&mut r, "2030-01-01T00:00:00Z"), Verdict::Cleared);
        assert_eq!(verdict_at(&mut r, "2030-12-31T23:59:59Z"), Verdict::Cleared);
        assert_eq!(verdict_at(&mut r, "2031-01-01T00:00:00Z"), Verdict::Denied);
        // An offset is read as the same instant in UTC; a non-time is refused with an example.
        assert_eq!(
            Clock::fixed("2030-01-01T01:30:00+02:00")
                .unwrap()
                .read()
                .date,
            "2029-12-31"
        );
        assert!(matches!(
            Clock::fixed("tomorrow"),
            Err(RegistryError::Invalid { field: "clock", .. })
        ));
        assert!(r.verify_audit().unwrap().first_bad.is_none());
    }

    #[test]
    fn scans_resume_until_finished() {
        let (_d, mut r) = registry();
        let de: Territory = "DE".parse().unwrap();
        let (scan, resumed) = r
            .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
            .unwrap();
        assert!(!resumed);
        let (again, resumed) = r
            .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
            .unwrap();
        assert!(resumed);
        assert_eq!(scan.id, again.id);
        r.finish_scan(&scan.id, None).unwrap();
        let (next, resumed) = r
            .open_scan("dev", "m1", Use::TrainGenai, &de, "/data")
            .unwrap();
        assert!(!resumed);
        assert_ne!(next.id, scan.id);
    }
}
