//! Record digests: the canonical encoding of each record the audit chain covers, the reading of
//! the whole state through the [`Tx`] trait, and [`Recorder`], the transaction every write goes
//! through, which puts the digests of what it wrote into its audit events. All of it sits above
//! the store, so any [`Store`] gets it.
//!
//! See the `audit` module for the kinds, the ids, the encoding and what is left out.

use crate::RegistryError;
use crate::answer::{ManifestRecord, Scan, ScanFile};
use crate::audit::{self, Digests, Event, encode_records};
use crate::market::ApiKey;
use crate::model::{Isrc, Licence, Party, Policy, Price, Territory, Use, Work};
use crate::store::{DocKind, IdempotentResponse, Store, StoredDoc, Tx};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The canonical encoding of one record, hashed as it grows.
struct Encoder(Sha256);

impl Encoder {
    fn new(kind: &str) -> Encoder {
        let mut e = Encoder(Sha256::new());
        e.text(kind);
        e
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.0.update([1]);
        self.0.update((s.len() as u32).to_be_bytes());
        self.0.update(s.as_bytes());
        self
    }

    fn opt(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => {
                self.0.update([0]);
                self
            }
        }
    }

    fn count(&mut self, n: usize) -> &mut Self {
        self.0.update((n as u32).to_be_bytes());
        self
    }

    fn texts<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a str>) -> &mut Self {
        self.count(items.len());
        for item in items {
            self.text(item);
        }
        self
    }

    fn territories(&mut self, list: &[Territory]) -> &mut Self {
        self.texts(list.iter().map(Territory::as_str))
    }

    fn price(&mut self, price: Option<&Price>) -> &mut Self {
        self.opt(
            price
                .map(|p| format!("{}:{}:{}", p.model.as_str(), p.amount_minor, p.currency))
                .as_deref(),
        )
    }

    fn finish(&mut self) -> String {
        hex::encode(std::mem::take(&mut self.0).finalize())
    }
}

type Key = (String, String);

fn party_digest(p: &Party) -> (Key, String) {
    let d = Encoder::new("party")
        .text(&p.id)
        .text(p.kind.as_str())
        .text(&p.name)
        .text(&p.created_at)
        .finish();
    (("party".into(), p.id.clone()), d)
}

/// A work is four records: its own fields, its credits, its share rows and its tracks.
fn work_digests(w: &Work) -> [(Key, String); 4] {
    let isrc = w.isrc.as_str();
    let key = |kind: &str| (kind.to_string(), isrc.to_string());
    let duration = w.duration_s.map(|d| d.to_string());
    let head = Encoder::new("work")
        .text(isrc)
        .text(&w.title)
        .text(&w.artist)
        .opt(duration.as_deref())
        .opt(w.iswc.as_ref().map(|i| i.as_str()))
        .text(&w.registrant)
        .finish();
    let mut credits = Encoder::new("credits");
    credits.text(isrc).count(w.credits.len());
    for c in &w.credits {
        credits.text(&c.role).text(&c.name);
    }
    let mut shares = Encoder::new("shares");
    shares.text(isrc).count(w.shares.len());
    for s in &w.shares {
        shares
            .text(s.territory.as_str())
            .text(&s.holder)
            .text(&s.basis_points.to_string());
    }
    let tracks = Encoder::new("tracks")
        .text(isrc)
        .texts(w.tracks.iter().map(String::as_str))
        .finish();
    [
        (key("work"), head),
        (key("credits"), credits.finish()),
        (key("shares"), shares.finish()),
        (key("tracks"), tracks),
    ]
}

fn policy_id(holder: &str, isrc: Option<&Isrc>, use_: Use) -> String {
    format!(
        "{holder}/{}/{}",
        isrc.map_or("*", |i| i.as_str()),
        use_.as_str()
    )
}

fn policy_digest(p: &Policy) -> (Key, String) {
    let term = p.term_months.map(|m| m.to_string());
    let d = Encoder::new("policy")
        .text(&p.holder)
        .opt(p.isrc.as_ref().map(|i| i.as_str()))
        .text(p.use_.as_str())
        .text(p.decision.as_str())
        .territories(&p.territories)
        .price(p.price.as_ref())
        .opt(term.as_deref())
        .opt(p.conditions.as_deref())
        .text(&p.updated_at)
        .finish();
    (
        (
            "policy".into(),
            policy_id(&p.holder, p.isrc.as_ref(), p.use_),
        ),
        d,
    )
}

fn licence_digest(l: &Licence) -> (Key, String) {
    let d = Encoder::new("licence")
        .text(&l.id)
        .text(&l.holder)
        .text(&l.developer)
        .text(l.use_.as_str())
        .texts(l.works.iter().map(Isrc::as_str))
        .territories(&l.territories)
        .text(&l.valid_from)
        .opt(l.valid_to.as_deref())
        .price(l.price.as_ref())
        .opt(l.terms.as_deref())
        .text(&l.granted_at)
        .opt(l.revoked_at.as_deref())
        .opt(l.revoke_reason.as_deref())
        .finish();
    (("licence".into(), l.id.clone()), d)
}

fn scan_digest(s: &Scan) -> (Key, String) {
    let d = Encoder::new("scan")
        .text(&s.id)
        .text(&s.developer)
        .text(&s.model)
        .text(s.use_.as_str())
        .text(s.territory.as_str())
        .text(&s.dataset)
        .text(&s.started_at)
        .opt(s.finished_at.as_deref())
        .finish();
    (("scan".into(), s.id.clone()), d)
}

fn manifest_digest(m: &ManifestRecord) -> (Key, String) {
    let d = Encoder::new("manifest")
        .text(&m.id)
        .text(&m.scan_id)
        .text(&m.root)
        .text(&m.leaves.to_string())
        .text(&m.path)
        .text(&m.created_at)
        .finish();
    (("manifest".into(), m.id.clone()), d)
}

fn doc_digest(kind: DocKind, doc: &StoredDoc) -> (Key, String) {
    let kind = kind.as_str();
    let d = Encoder::new(kind)
        .text(&doc.id)
        .text(&doc.owner)
        .text(&doc.json)
        .finish();
    ((kind.into(), doc.id.clone()), d)
}

fn key_digest(k: &ApiKey, secret_sha256: &str) -> (Key, String) {
    let d = Encoder::new("key")
        .text(&k.id)
        .text(&k.party)
        .text(k.role.as_str())
        .text(&k.created_at)
        .opt(k.revoked_at.as_deref())
        .text(secret_sha256)
        .finish();
    (("key".into(), k.id.clone()), d)
}

const DOC_KINDS: [DocKind; 14] = [
    DocKind::Offer,
    DocKind::Request,
    DocKind::Usage,
    DocKind::Statement,
    DocKind::ShareChange,
    DocKind::Person,
    DocKind::Link,
    DocKind::Notice,
    DocKind::Signup,
    DocKind::Declaration,
    DocKind::Certificate,
    DocKind::CertificateKey,
    DocKind::Webhook,
    DocKind::Attribution,
];

/// Every record the chain covers, by (kind, id), with its digest, read through `tx`.
pub(crate) fn current(tx: &mut dyn Tx) -> Result<BTreeMap<Key, String>, RegistryError> {
    let mut out = BTreeMap::new();
    out.extend(tx.parties()?.iter().map(party_digest));
    for w in tx.works(None)? {
        out.extend(work_digests(&w));
    }
    out.extend(tx.all_policies()?.iter().map(policy_digest));
    out.extend(tx.licences()?.iter().map(licence_digest));
    out.extend(tx.scans()?.iter().map(scan_digest));
    out.extend(tx.manifests()?.iter().map(manifest_digest));
    for kind in DOC_KINDS {
        out.extend(tx.stored_docs(kind)?.iter().map(|d| doc_digest(kind, d)));
    }
    out.extend(tx.stored_keys()?.iter().map(|(k, s)| key_digest(k, s)));
    Ok(out)
}

/// A record written in a transaction, named so that it can be read back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Written {
    Party(String),
    Work(Isrc),
    Policy(String, Option<Isrc>, Use),
    Licence(String),
    Scan(String),
    Manifest(String),
    Doc(DocKind, String),
    Key(String),
}

/// Reads `record` back and adds its digests (or, when it is gone, its removal) to `out`.
fn read_back(tx: &mut dyn Tx, record: &Written, out: &mut Digests) -> Result<(), RegistryError> {
    fn gone(out: &mut Digests, kind: &str, id: &str) {
        out.insert((kind.to_string(), id.to_string()), None);
    }
    fn put(out: &mut Digests, (key, digest): (Key, String)) {
        out.insert(key, Some(digest));
    }
    match record {
        Written::Party(id) => match tx.party(id)? {
            Some(p) => put(out, party_digest(&p)),
            None => gone(out, "party", id),
        },
        Written::Work(isrc) => match tx.work(isrc)? {
            Some(w) => work_digests(&w).into_iter().for_each(|d| put(out, d)),
            None => ["work", "credits", "shares", "tracks"]
                .iter()
                .for_each(|k| gone(out, k, isrc.as_str())),
        },
        Written::Policy(holder, isrc, use_) => match tx.policy(holder, isrc.as_ref(), *use_)? {
            Some(p) => put(out, policy_digest(&p)),
            None => gone(out, "policy", &policy_id(holder, isrc.as_ref(), *use_)),
        },
        Written::Licence(id) => match tx.licence(id)? {
            Some(l) => put(out, licence_digest(&l)),
            None => gone(out, "licence", id),
        },
        Written::Scan(id) => match tx.scan(id)? {
            Some(s) => put(out, scan_digest(&s)),
            None => gone(out, "scan", id),
        },
        Written::Manifest(id) => match tx.manifest(id)? {
            Some(m) => put(out, manifest_digest(&m)),
            None => gone(out, "manifest", id),
        },
        Written::Doc(kind, id) => match tx.stored_doc(*kind, id)? {
            Some(d) => put(out, doc_digest(*kind, &d)),
            None => gone(out, kind.as_str(), id),
        },
        Written::Key(id) => match tx.stored_key(id)? {
            Some((k, s)) => put(out, key_digest(&k, &s)),
            None => gone(out, "key", id),
        },
    }
    Ok(())
}

/// The transaction of every registry write. It passes everything to the store's transaction
/// and notes which records are written; each audit event appended gets the digests of the
/// records written since the event before it (read back from the store), and records written
/// after the last event go to the last event. The events are hashed and stored when the
/// transaction commits, so that the last one can still take those digests.
///
/// A transaction that writes a covered record but appends no event is refused at commit.
/// A new write operation on [`Tx`] must be noted here (the compiler asks for it: nothing here
/// has a default).
pub(crate) struct Recorder<'a> {
    inner: Box<dyn Tx + 'a>,
    written: BTreeSet<Written>,
    events: Vec<(Event, Digests)>,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(inner: Box<dyn Tx + 'a>) -> Recorder<'a> {
        Recorder {
            inner,
            written: BTreeSet::new(),
            events: Vec::new(),
        }
    }

    fn take_digests(&mut self) -> Result<Digests, RegistryError> {
        let mut out = Digests::new();
        for record in std::mem::take(&mut self.written) {
            read_back(self.inner.as_mut(), &record, &mut out)?;
        }
        Ok(out)
    }

    /// Seals the events with their digests, appends them and commits.
    pub(crate) fn finish(mut self) -> Result<(), RegistryError> {
        let rest = self.take_digests()?;
        if !rest.is_empty() {
            match self.events.last_mut() {
                Some((_, digests)) => digests.extend(rest),
                None => {
                    let names: Vec<String> = rest.keys().map(|(k, i)| format!("{k}:{i}")).collect();
                    return Err(RegistryError::Internal(format!(
                        "records changed without an audit event: {}",
                        names.join(" ")
                    )));
                }
            }
        }
        let Recorder {
            mut inner, events, ..
        } = self;
        let mut prev = inner.last_event()?;
        for (e, digests) in events {
            let event = Event::next(
                prev.as_ref(),
                e.at,
                &e.actor,
                &e.action,
                e.subjects,
                e.payload,
            )
            .with_records(encode_records(&digests)?);
            inner.append_event(&event)?;
            prev = Some(event);
        }
        inner.commit()
    }

    fn wrote(&mut self, record: Written) {
        self.written.insert(record);
    }
}

impl Tx for Recorder<'_> {
    fn commit(self: Box<Self>) -> Result<(), RegistryError> {
        (*self).finish()
    }

    fn insert_party(&mut self, party: &Party) -> Result<(), RegistryError> {
        self.inner.insert_party(party)?;
        self.wrote(Written::Party(party.id.clone()));
        Ok(())
    }
    fn party(&mut self, id: &str) -> Result<Option<Party>, RegistryError> {
        self.inner.party(id)
    }
    fn parties(&mut self) -> Result<Vec<Party>, RegistryError> {
        self.inner.parties()
    }

    fn work(&mut self, isrc: &Isrc) -> Result<Option<Work>, RegistryError> {
        self.inner.work(isrc)
    }
    fn put_work(&mut self, work: &Work) -> Result<(), RegistryError> {
        self.inner.put_work(work)?;
        self.wrote(Written::Work(work.isrc.clone()));
        Ok(())
    }
    fn works(&mut self, holder: Option<&str>) -> Result<Vec<Work>, RegistryError> {
        self.inner.works(holder)
    }
    fn works_for_track(&mut self, track_id: &str) -> Result<Vec<Isrc>, RegistryError> {
        self.inner.works_for_track(track_id)
    }

    fn put_policy(&mut self, policy: &Policy) -> Result<(), RegistryError> {
        self.inner.put_policy(policy)?;
        self.wrote(Written::Policy(
            policy.holder.clone(),
            policy.isrc.clone(),
            policy.use_,
        ));
        Ok(())
    }
    fn policies(&mut self, holder: &str) -> Result<Vec<Policy>, RegistryError> {
        self.inner.policies(holder)
    }
    fn policy(
        &mut self,
        holder: &str,
        isrc: Option<&Isrc>,
        use_: Use,
    ) -> Result<Option<Policy>, RegistryError> {
        self.inner.policy(holder, isrc, use_)
    }
    fn all_policies(&mut self) -> Result<Vec<Policy>, RegistryError> {
        self.inner.all_policies()
    }

    fn next_number(&mut self, sequence: &str) -> Result<u64, RegistryError> {
        self.inner.next_number(sequence)
    }

    fn put_licence(&mut self, licence: &Licence) -> Result<(), RegistryError> {
        self.inner.put_licence(licence)?;
        self.wrote(Written::Licence(licence.id.clone()));
        Ok(())
    }
    fn licence(&mut self, id: &str) -> Result<Option<Licence>, RegistryError> {
        self.inner.licence(id)
    }
    fn licences(&mut self) -> Result<Vec<Licence>, RegistryError> {
        self.inner.licences()
    }

    fn put_scan(&mut self, scan: &Scan) -> Result<(), RegistryError> {
        self.inner.put_scan(scan)?;
        self.wrote(Written::Scan(scan.id.clone()));
        Ok(())
    }
    fn scan(&mut self, id: &str) -> Result<Option<Scan>, RegistryError> {
        self.inner.scan(id)
    }
    fn scans(&mut self) -> Result<Vec<Scan>, RegistryError> {
        self.inner.scans()
    }
    fn put_scan_file(&mut self, scan_id: &str, file: &ScanFile) -> Result<(), RegistryError> {
        // Scan progress: not covered (see the audit module).
        self.inner.put_scan_file(scan_id, file)
    }
    fn scan_files(&mut self, scan_id: &str) -> Result<Vec<ScanFile>, RegistryError> {
        self.inner.scan_files(scan_id)
    }

    fn put_manifest(&mut self, manifest: &ManifestRecord) -> Result<(), RegistryError> {
        self.inner.put_manifest(manifest)?;
        self.wrote(Written::Manifest(manifest.id.clone()));
        Ok(())
    }
    fn manifest(&mut self, id: &str) -> Result<Option<ManifestRecord>, RegistryError> {
        self.inner.manifest(id)
    }
    fn manifests(&mut self) -> Result<Vec<ManifestRecord>, RegistryError> {
        self.inner.manifests()
    }

    fn put_doc(
        &mut self,
        kind: DocKind,
        id: &str,
        owner: &str,
        json: &str,
    ) -> Result<(), RegistryError> {
        self.inner.put_doc(kind, id, owner, json)?;
        self.wrote(Written::Doc(kind, id.to_string()));
        Ok(())
    }
    fn doc(&mut self, kind: DocKind, id: &str) -> Result<Option<String>, RegistryError> {
        self.inner.doc(kind, id)
    }
    fn docs(&mut self, kind: DocKind, owner: Option<&str>) -> Result<Vec<String>, RegistryError> {
        self.inner.docs(kind, owner)
    }
    fn stored_doc(&mut self, kind: DocKind, id: &str) -> Result<Option<StoredDoc>, RegistryError> {
        self.inner.stored_doc(kind, id)
    }
    fn stored_docs(&mut self, kind: DocKind) -> Result<Vec<StoredDoc>, RegistryError> {
        self.inner.stored_docs(kind)
    }

    fn put_key(&mut self, key: &ApiKey, secret_sha256: &str) -> Result<(), RegistryError> {
        self.inner.put_key(key, secret_sha256)?;
        self.wrote(Written::Key(key.id.clone()));
        Ok(())
    }
    fn key_by_hash(&mut self, secret_sha256: &str) -> Result<Option<ApiKey>, RegistryError> {
        self.inner.key_by_hash(secret_sha256)
    }
    fn keys(&mut self) -> Result<Vec<ApiKey>, RegistryError> {
        self.inner.keys()
    }
    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, RegistryError> {
        let revoked = self.inner.revoke_key(id, at)?;
        self.wrote(Written::Key(id.to_string()));
        Ok(revoked)
    }
    fn stored_key(&mut self, id: &str) -> Result<Option<(ApiKey, String)>, RegistryError> {
        self.inner.stored_key(id)
    }
    fn stored_keys(&mut self) -> Result<Vec<(ApiKey, String)>, RegistryError> {
        self.inner.stored_keys()
    }

    fn idempotent(
        &mut self,
        party: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, RegistryError> {
        self.inner.idempotent(party, key)
    }
    fn put_idempotent(
        &mut self,
        party: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<(), RegistryError> {
        // A replayable response, not a rights decision: not covered (see the audit module).
        self.inner.put_idempotent(party, key, response)
    }

    fn work_summaries(
        &mut self,
        holder: Option<&str>,
    ) -> Result<Vec<crate::model::WorkSummary>, RegistryError> {
        self.inner.work_summaries(holder)
    }
    fn events_about(&mut self, subject: &str) -> Result<Vec<Event>, RegistryError> {
        self.inner.events_about(subject)
    }

    // Sessions are bookkeeping, not covered (see the audit module); opening and ending one are
    // audit events of their own.
    fn put_session(&mut self, session: &crate::people::SessionRow) -> Result<(), RegistryError> {
        self.inner.put_session(session)
    }
    fn session(
        &mut self,
        secret_sha256: &str,
    ) -> Result<Option<crate::people::SessionRow>, RegistryError> {
        self.inner.session(secret_sha256)
    }
    fn delete_session(&mut self, secret_sha256: &str) -> Result<bool, RegistryError> {
        self.inner.delete_session(secret_sha256)
    }
    fn delete_sessions_of(&mut self, person: &str) -> Result<u64, RegistryError> {
        self.inner.delete_sessions_of(person)
    }
    fn delete_expired_sessions(&mut self, at: &str) -> Result<u64, RegistryError> {
        self.inner.delete_expired_sessions(at)
    }

    // Webhook deliveries and the audit log cursor are operational, not covered (see the audit
    // module).
    fn events_after(&mut self, after: u64, limit: usize) -> Result<Vec<Event>, RegistryError> {
        self.inner.events_after(after, limit)
    }
    fn cursor(&mut self, name: &str) -> Result<u64, RegistryError> {
        self.inner.cursor(name)
    }
    fn set_cursor(&mut self, name: &str, seq: u64) -> Result<(), RegistryError> {
        self.inner.set_cursor(name, seq)
    }
    fn put_delivery(&mut self, delivery: &crate::webhooks::Delivery) -> Result<(), RegistryError> {
        self.inner.put_delivery(delivery)
    }
    fn delivery(&mut self, id: &str) -> Result<Option<crate::webhooks::Delivery>, RegistryError> {
        self.inner.delivery(id)
    }
    fn deliveries_of(
        &mut self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<crate::webhooks::Delivery>, RegistryError> {
        self.inner.deliveries_of(endpoint, limit)
    }
    fn due_deliveries(
        &mut self,
        at: &str,
        limit: usize,
    ) -> Result<Vec<crate::webhooks::Delivery>, RegistryError> {
        self.inner.due_deliveries(at, limit)
    }
    fn put_delivery_attempt(
        &mut self,
        attempt: &crate::webhooks::DeliveryAttempt,
    ) -> Result<(), RegistryError> {
        self.inner.put_delivery_attempt(attempt)
    }
    fn delivery_attempts(
        &mut self,
        delivery: &str,
    ) -> Result<Vec<crate::webhooks::DeliveryAttempt>, RegistryError> {
        self.inner.delivery_attempts(delivery)
    }

    // The mail queue is operational, not covered (see the `mail` module).
    fn put_mail(&mut self, mail: &crate::mail::Mail) -> Result<(), RegistryError> {
        self.inner.put_mail(mail)
    }
    fn mail(&mut self, id: &str) -> Result<Option<crate::mail::Mail>, RegistryError> {
        self.inner.mail(id)
    }
    fn due_mail(
        &mut self,
        at: &str,
        limit: usize,
    ) -> Result<Vec<crate::mail::Mail>, RegistryError> {
        self.inner.due_mail(at, limit)
    }
    fn mail_list(
        &mut self,
        status: Option<crate::webhooks::DeliveryStatus>,
        limit: usize,
    ) -> Result<Vec<crate::mail::Mail>, RegistryError> {
        self.inner.mail_list(status, limit)
    }
    fn prune_mail(&mut self, before: &str) -> Result<usize, RegistryError> {
        self.inner.prune_mail(before)
    }

    /// Takes the event and the digests of the records written since the event before it; the
    /// event is stored, hashed with them, at commit.
    fn append_event(&mut self, event: &Event) -> Result<(), RegistryError> {
        let digests = self.take_digests()?;
        self.events.push((event.clone(), digests));
        Ok(())
    }
    /// The last event, counting those appended in this transaction (their hashes are final only
    /// once it commits).
    fn last_event(&mut self) -> Result<Option<Event>, RegistryError> {
        match self.events.last() {
            Some((e, _)) => Ok(Some(e.clone())),
            None => self.inner.last_event(),
        }
    }
    /// Every event, those appended in this transaction last (their hashes are final only once
    /// it commits).
    fn events(&mut self) -> Result<Vec<Event>, RegistryError> {
        let mut all = self.inner.events()?;
        all.extend(self.events.iter().map(|(e, _)| e.clone()));
        Ok(all)
    }
}

/// What the checkpoint event says.
const CHECKPOINT_NOTE: &str = "record digests start here: every record as it stood when this fermata first opened the \
    registry is recorded, and trusted";

/// A registry whose log ends with an event written before record digests (layout 1) gets one
/// `audit.checkpoint` event recording every record as it stands: the state at that moment is
/// trusted, and any later edit is caught. Nothing happens for a new registry or one already
/// checkpointed.
pub(crate) fn checkpoint_if_needed(store: &mut dyn Store) -> Result<(), RegistryError> {
    let needed = |tx: &mut dyn Tx| -> Result<Option<Event>, RegistryError> {
        Ok(tx.last_event()?.filter(|e| e.layout < audit::LAYOUT))
    };
    {
        let mut tx = store.begin_read()?;
        if needed(tx.as_mut())?.is_none() {
            return Ok(());
        }
    }
    let mut tx = store.begin()?;
    // Checked again under the write lock: another process may have just done it.
    let Some(last) = needed(tx.as_mut())? else {
        return Ok(());
    };
    let state = current(tx.as_mut())?;
    let count = state.len();
    let digests: Digests = state.into_iter().map(|(k, d)| (k, Some(d))).collect();
    let payload = audit::payload(&serde_json::json!({"note": CHECKPOINT_NOTE, "records": count}))?;
    let event = Event::next(
        Some(&last),
        audit::now(),
        "fermata",
        "audit.checkpoint",
        String::new(),
        payload,
    )
    .with_records(encode_records(&digests)?);
    tx.append_event(&event)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Decision, PartyKind};
    use crate::sqlite::SqliteStore;

    fn party(id: &str) -> Party {
        Party {
            id: id.into(),
            kind: PartyKind::Label,
            name: "Label A".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn event(prev: Option<&Event>, action: &str) -> Event {
        Event::next(
            prev,
            "2026-01-01T00:00:00Z".into(),
            "cli",
            action,
            String::new(),
            "{}".into(),
        )
    }

    #[test]
    fn the_canonical_encoding_is_as_documented() {
        // Computed independently: each field as 0x01, u32 big-endian length, UTF-8 bytes.
        let (key, digest) = party_digest(&party("label-a"));
        assert_eq!(key, ("party".to_string(), "label-a".to_string()));
        assert_eq!(
            digest,
            "94f5b487b85cd6b056f78bf12ca90fa7bf4f1aefeec18e3d4006fd2f70979dda"
        );
        // An absent field and an empty one differ.
        let mut a = Policy {
            holder: "h".into(),
            isrc: None,
            use_: Use::TrainAi,
            decision: Decision::Allow,
            territories: vec![],
            price: None,
            term_months: None,
            conditions: None,
            updated_at: "t".into(),
        };
        let none = policy_digest(&a);
        a.conditions = Some(String::new());
        assert_ne!(none.1, policy_digest(&a).1);
        assert_eq!(none.0.1, "h/*/train-ai");
    }

    #[test]
    fn each_event_records_what_was_written_before_it_and_the_last_takes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("r.sqlite"), true).unwrap();
        let mut tx = Recorder::new(store.begin().unwrap());
        tx.insert_party(&party("label-a")).unwrap();
        let first = event(None, "party.added");
        tx.append_event(&first).unwrap();
        let second = event(Some(&first), "party.added");
        tx.insert_party(&party("label-b")).unwrap();
        tx.append_event(&second).unwrap();
        // Written after the last event (as a request is after its decision's event).
        tx.put_doc(DocKind::Offer, "off-1", "label-a", "{}")
            .unwrap();
        tx.finish().unwrap();

        let mut tx = store.begin_read().unwrap();
        let events = tx.events().unwrap();
        let kinds = |e: &Event| {
            e.record_digests()
                .unwrap()
                .into_iter()
                .map(|(k, i, _)| format!("{k}:{i}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&events[0]), vec!["party:label-a"]);
        assert_eq!(kinds(&events[1]), vec!["offer:off-1", "party:label-b"]);
        assert_eq!(
            audit::verify_state(&events, &current(tx.as_mut()).unwrap()).first_bad,
            None
        );
    }

    #[test]
    fn a_write_without_an_event_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("r.sqlite"), true).unwrap();
        let mut tx = Recorder::new(store.begin().unwrap());
        tx.insert_party(&party("label-a")).unwrap();
        let err = tx.finish().unwrap_err();
        assert!(
            err.to_string()
                .contains("without an audit event: party:label-a"),
            "{err}"
        );
        assert!(store.begin_read().unwrap().parties().unwrap().is_empty());
        // Bookkeeping needs no event.
        let mut tx = Recorder::new(store.begin().unwrap());
        tx.next_number("licence").unwrap();
        tx.finish().unwrap();
    }
}
