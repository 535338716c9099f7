//! People and their sign-in: accounts with a role in one party (the same roles as API keys),
//! argon2id password hashes, sessions, and one-time links (invitations and password resets).
//!
//! # What is kept where
//!
//! - A person is a document (`person`, owned by their party) that the audit chain covers,
//!   password hash included: a hash swapped behind fermata's back fails `fermata audit verify`.
//!   The hash never leaves this module: [`Person`] has no field for it.
//! - A one-time link is a document (`link`, owned by its party), covered by the chain. Only the
//!   SHA-256 of its secret is stored; the secret is returned once, when the link is made.
//! - A session is bookkeeping, like an idempotent response: a row holding the SHA-256 of the
//!   cookie's secret, the person, the form token (CSRF) and the expiry. It is not covered by the
//!   chain, but opening and ending one are audit events naming the person.
//!
//! # Rules
//!
//! - A password has [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`] characters. It is hashed
//!   with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP recommends).
//! - Signing in with an unknown e-mail costs the same hash as a wrong password, so the answer
//!   time does not tell which e-mails have accounts; both answer `None`.
//! - A session lasts [`SESSION_HOURS`] hours from sign-in. Signing out ends it; changing or
//!   resetting a password ends every session of that person; disabling a person or revoking
//!   nothing else is needed: a session is checked against the person on every use.
//! - Invitations last [`INVITE_DAYS`] days, reset links [`RESET_HOURS`] hours; each works once.
//! - Who administers a party: its `holder-admin`s for a rights holder, its `developer`s for a
//!   developer, its `auditor`s for an auditor ([`Role::administers`]). Only they invite people
//!   and manage keys, and only for their own party.

use crate::RegistryError;
use crate::audit::{self, Now};
use crate::market::{Role, decode_doc};
use crate::model::{MAX_NAME_CHARS, PartyKind, bounded};
use crate::registry::{Registry, append, need_party};
use crate::store::{DocKind, Tx};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Fewest characters in a password.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters in a password (argon2 takes any length; this bounds the work per attempt).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Most characters in an e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// How long a session lasts from sign-in.
pub const SESSION_HOURS: i64 = 12;
/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;
/// The locales people can choose.
pub const LOCALES: [&str; 5] = ["en", "es", "fr", "ko", "pt"];

impl Role {
    /// Whether a party of `kind` can have a key or a person with this role.
    pub fn fits(self, kind: PartyKind) -> bool {
        match self {
            Role::HolderAdmin | Role::HolderViewer => kind.holds_rights(),
            Role::Developer => kind == PartyKind::Developer,
            Role::Auditor => kind == PartyKind::Auditor,
            Role::Operator => kind == PartyKind::Operator,
        }
    }

    /// Whether this role administers its party: invites people and manages API keys.
    pub fn administers(self) -> bool {
        matches!(
            self,
            Role::HolderAdmin | Role::Developer | Role::Auditor | Role::Operator
        )
    }
}

/// A person who signs in to the web app, with one role in one party.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Its id, e.g. `person-000001`.
    pub id: String,
    /// The party the person acts for.
    pub party: String,
    /// E-mail address (lower case), used to sign in.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the person may do.
    pub role: Role,
    /// Preferred locale (`en`, `es`, `fr`, `ko`, `pt`); None follows the browser.
    pub locale: Option<String>,
    /// When the account was made.
    pub created_at: String,
    /// When the password was last set (None: never; the person cannot sign in yet).
    pub password_set_at: Option<String>,
    /// Who made the account (a person's actor name, or `cli`).
    pub added_by: String,
    /// True when the person turned e-mail notifications off (default: on). Absent when false,
    /// so the records written before it stay byte for byte what the audit chain hashed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mail_off: bool,
}

impl Person {
    /// How the person appears as the actor of audit events and decisions:
    /// `email (party)`.
    pub fn actor(&self) -> String {
        format!("{} ({})", self.email, self.party)
    }

    /// Whose records the person reads: their own party's, or every party's (None) for an
    /// auditor (the same rule as [`crate::ApiKey::reads_for`]).
    pub fn reads_for(&self) -> Option<&str> {
        match self.role {
            Role::Auditor | Role::Operator => None,
            _ => Some(&self.party),
        }
    }
}

/// A person as stored: the record and the password hash (PHC string), never shown.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredPerson {
    #[serde(flatten)]
    person: Person,
    password_hash: Option<String>,
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkPurpose {
    /// Join a party with a role.
    Invite,
    /// Set a new password.
    Reset,
}

/// A one-time link's record (its secret is never stored, only its SHA-256).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneTimeLink {
    /// Its id, e.g. `link-000001`.
    pub id: String,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// The party joined (invite) or the person's party (reset).
    pub party: String,
    /// The role given (invite).
    pub role: Option<Role>,
    /// The person whose password it sets (reset).
    pub person: Option<String>,
    /// The e-mail it was made for, if given.
    pub email: Option<String>,
    /// SHA-256 of the secret.
    pub secret_sha256: String,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// After this instant it no longer works.
    pub expires_at: String,
    /// When it was used (it works once).
    pub used_at: Option<String>,
}

/// A link just made: the record and the secret, shown once.
#[derive(Clone, Debug)]
pub struct NewLink {
    /// The record.
    pub link: OneTimeLink,
    /// The secret that goes into the URL.
    pub secret: String,
}

/// A stored session (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the cookie's secret.
    pub secret_sha256: String,
    /// The person.
    pub person: String,
    /// The form token every form of this session carries.
    pub csrf: String,
    /// When it was opened.
    pub created_at: String,
    /// When it ends.
    pub expires_at: String,
}

/// A session just opened: the cookie's secret (shown once) and the form token.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// The secret for the cookie.
    pub secret: String,
    /// The form token.
    pub csrf: String,
    /// When it ends.
    pub expires_at: String,
    /// Who signed in.
    pub person: Person,
}

/// A live session, as a request sees it.
#[derive(Clone, Debug)]
pub struct Session {
    /// The person signed in, as they are now.
    pub person: Person,
    /// The form token.
    pub csrf: String,
    /// When it ends.
    pub expires_at: String,
}

/// 32 random bytes as hex: the secrets of sessions, links and form tokens.
pub fn random_token() -> String {
    random_secret().unwrap_or_else(|_| {
        // getrandom failing leaves nothing safe to hand out; an empty token is refused by every
        // check that compares one.
        String::new()
    })
}

/// 32 random bytes as hex.
pub(crate) fn random_secret() -> Result<String, RegistryError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| RegistryError::Internal(format!("no randomness for a secret: {e}")))?;
    Ok(hex::encode(bytes))
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The instant `hours` after `now` (RFC 3339 UTC).
fn later(now: &Now, hours: i64) -> Result<String, RegistryError> {
    let fmt = &time::format_description::well_known::Rfc3339;
    let t = time::OffsetDateTime::parse(&now.at, fmt)
        .map_err(|e| RegistryError::Internal(format!("the clock's time does not parse: {e}")))?;
    (t + time::Duration::hours(hours))
        .format(fmt)
        .map_err(|e| RegistryError::Internal(format!("cannot format a time: {e}")))
}

/// Whether `instant` (RFC 3339 UTC, as written by this module) is past at `now`.
fn is_past(instant: &str, now: &Now) -> bool {
    let fmt = &time::format_description::well_known::Rfc3339;
    match (
        time::OffsetDateTime::parse(instant, fmt),
        time::OffsetDateTime::parse(&now.at, fmt),
    ) {
        (Ok(i), Ok(n)) => i <= n,
        // An instant that does not parse was not written by fermata: treat it as expired.
        _ => true,
    }
}

/// Checks an e-mail address: bounded, one `@` with text on both sides, no spaces or controls.
/// Returns it in lower case.
pub fn normalise_email(email: &str) -> Result<String, RegistryError> {
    let e = email.trim().to_lowercase();
    bounded("email", &e, MAX_EMAIL_CHARS)?;
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        }
        None => false,
    } && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(RegistryError::Invalid {
            field: "email",
            value: e.chars().take(64).collect(),
            reason: "an e-mail address looks like name@example.org".into(),
        });
    }
    Ok(e)
}

/// Checks a new password's length ([`MIN_PASSWORD_CHARS`]..=[`MAX_PASSWORD_CHARS`]).
pub fn check_password(password: &str) -> Result<(), RegistryError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(RegistryError::Invalid {
            field: "password",
            value: format!("{n} characters"),
            reason: format!(
                "a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters; a few unrelated words make a good one"
            ),
        });
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, RegistryError> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| RegistryError::Internal(format!("cannot hash a password: {e}")))
}

/// Whether `password` matches the PHC string `hash`. A hash that does not parse matches
/// nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordVerifier, phc::PasswordHash};
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody has, verified when the e-mail is unknown so that an unknown
/// e-mail costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn load_person(tx: &mut dyn Tx, id: &str) -> Result<Option<StoredPerson>, RegistryError> {
    tx.doc(DocKind::Person, id)?
        .map(|j| decode_doc(&j))
        .transpose()
}

/// The people of `party` (mail recipients), by id.
pub(crate) fn people_of(tx: &mut dyn Tx, party: &str) -> Result<Vec<Person>, RegistryError> {
    tx.docs(DocKind::Person, Some(party))?
        .iter()
        .map(|j| decode_doc::<StoredPerson>(j).map(|p| p.person))
        .collect()
}

/// One person, if there is one with this id.
pub(crate) fn person_in(tx: &mut dyn Tx, id: &str) -> Result<Option<Person>, RegistryError> {
    Ok(load_person(tx, id)?.map(|p| p.person))
}

fn need_person(tx: &mut dyn Tx, id: &str) -> Result<StoredPerson, RegistryError> {
    load_person(tx, id)?.ok_or_else(|| RegistryError::NotFound {
        what: "person",
        id: id.into(),
        hint: "see `fermata user list`",
    })
}

pub(crate) fn person_by_email(
    tx: &mut dyn Tx,
    email: &str,
) -> Result<Option<StoredPerson>, RegistryError> {
    for json in tx.docs(DocKind::Person, None)? {
        let p: StoredPerson = decode_doc(&json)?;
        if p.person.email == email {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

fn put_person(tx: &mut dyn Tx, p: &StoredPerson) -> Result<(), RegistryError> {
    let json = audit::payload(p)?;
    tx.put_doc(DocKind::Person, &p.person.id, &p.person.party, &json)
}

fn put_link(tx: &mut dyn Tx, l: &OneTimeLink) -> Result<(), RegistryError> {
    let json = audit::payload(l)?;
    tx.put_doc(DocKind::Link, &l.id, &l.party, &json)
}

/// A live link with this secret for `purpose`, or why not.
fn live_link(
    tx: &mut dyn Tx,
    secret: &str,
    purpose: LinkPurpose,
    now: &Now,
) -> Result<OneTimeLink, RegistryError> {
    let digest = sha256_hex(secret);
    let mut found = None;
    for json in tx.docs(DocKind::Link, None)? {
        let l: OneTimeLink = decode_doc(&json)?;
        if l.secret_sha256 == digest && l.purpose == purpose {
            found = Some(l);
            break;
        }
    }
    let link = found.ok_or_else(|| RegistryError::NotFound {
        what: "link",
        id: "(secret)".into(),
        hint: "check that the whole link was copied, or ask for a new one",
    })?;
    if link.used_at.is_some() {
        return Err(RegistryError::Conflict(
            "this link was already used; ask for a new one".into(),
        ));
    }
    if is_past(&link.expires_at, now) {
        return Err(RegistryError::Conflict(format!(
            "this link expired at {}; ask for a new one",
            link.expires_at
        )));
    }
    Ok(link)
}

fn open_session_in(
    tx: &mut dyn Tx,
    now: &Now,
    person: &Person,
) -> Result<NewSession, RegistryError> {
    let secret = random_secret()?;
    let csrf = random_secret()?;
    let expires_at = later(now, SESSION_HOURS)?;
    tx.delete_expired_sessions(&now.at)?;
    tx.put_session(&SessionRow {
        secret_sha256: sha256_hex(&secret),
        person: person.id.clone(),
        csrf: csrf.clone(),
        created_at: now.at.clone(),
        expires_at: expires_at.clone(),
    })?;
    append(
        tx,
        now,
        &person.actor(),
        "person.signed-in",
        format!("person:{} party:{}", person.id, person.party),
        audit::payload(&serde_json::json!({"person": person.id, "expires_at": expires_at}))?,
    )?;
    Ok(NewSession {
        secret,
        csrf,
        expires_at,
        person: person.clone(),
    })
}

impl Registry {
    /// Adds a person to `party` with `role`. With `password`, they can sign in at once;
    /// without, they set one through a reset link ([`Registry::reset_link`]).
    pub fn add_person(
        &mut self,
        party: &str,
        email: &str,
        name: &str,
        role: Role,
        password: Option<&str>,
        actor: &str,
    ) -> Result<Person, RegistryError> {
        let email = normalise_email(email)?;
        bounded("name", name, MAX_NAME_CHARS)?;
        let hash = match password {
            Some(p) => {
                check_password(p)?;
                Some(hash_password(p)?)
            }
            None => None,
        };
        self.write(|tx, now| add_person_in(tx, now, party, &email, name, role, hash, actor))
    }

    /// Every person (of `party`, when given), by id.
    pub fn people(&mut self, party: Option<&str>) -> Result<Vec<Person>, RegistryError> {
        self.read(|tx| {
            tx.docs(DocKind::Person, party)?
                .iter()
                .map(|j| decode_doc::<StoredPerson>(j).map(|p| p.person))
                .collect()
        })
    }

    /// One person.
    pub fn person(&mut self, id: &str) -> Result<Person, RegistryError> {
        self.read(|tx| need_person(tx, id).map(|p| p.person))
    }

    /// Signs in: a new session when the e-mail and password match a person who has set a
    /// password, `None` otherwise (an unknown e-mail and a wrong password are not told apart).
    pub fn sign_in(
        &mut self,
        email: &str,
        password: &str,
    ) -> Result<Option<NewSession>, RegistryError> {
        let Ok(email) = normalise_email(email) else {
            verify_password(password, decoy_hash());
            return Ok(None);
        };
        if password.chars().count() > MAX_PASSWORD_CHARS {
            return Ok(None);
        }
        let found = self.read(|tx| person_by_email(tx, &email))?;
        let ok = match found.as_ref().and_then(|p| p.password_hash.as_deref()) {
            Some(hash) => verify_password(password, hash),
            None => {
                verify_password(password, decoy_hash());
                false
            }
        };
        let (true, Some(found)) = (ok, found) else {
            return Ok(None);
        };
        self.write(|tx, now| {
            // Read again inside the write: a password changed since is not signed in with.
            let current = need_person(tx, &found.person.id)?;
            if current.password_hash != found.password_hash {
                return Ok(None);
            }
            open_session_in(tx, now, &current.person).map(Some)
        })
    }

    /// The live session whose cookie secret this is, with the person as they are now; None
    /// for an unknown, ended or expired session.
    pub fn session(&mut self, secret: &str) -> Result<Option<Session>, RegistryError> {
        if secret.len() > 128 {
            return Ok(None);
        }
        let now = self.now();
        let digest = sha256_hex(secret);
        self.read(|tx| {
            let Some(row) = tx.session(&digest)? else {
                return Ok(None);
            };
            if is_past(&row.expires_at, &now) {
                return Ok(None);
            }
            let Some(p) = load_person(tx, &row.person)? else {
                return Ok(None);
            };
            Ok(Some(Session {
                person: p.person,
                csrf: row.csrf,
                expires_at: row.expires_at,
            }))
        })
    }

    /// Ends the session whose cookie secret this is (nothing happens for an unknown one).
    pub fn sign_out(&mut self, secret: &str) -> Result<(), RegistryError> {
        let digest = sha256_hex(secret);
        self.write(|tx, now| {
            let Some(row) = tx.session(&digest)? else {
                return Ok(());
            };
            tx.delete_session(&digest)?;
            if let Some(p) = load_person(tx, &row.person)? {
                append(
                    tx,
                    now,
                    &p.person.actor(),
                    "person.signed-out",
                    format!("person:{} party:{}", p.person.id, p.person.party),
                    "{}".into(),
                )?;
            }
            Ok(())
        })
    }

    /// Changes a person's password after checking the current one; every session of theirs
    /// ends (they sign in again).
    pub fn change_password(
        &mut self,
        person: &str,
        current: &str,
        new: &str,
    ) -> Result<(), RegistryError> {
        check_password(new)?;
        let stored = self.read(|tx| need_person(tx, person))?;
        let ok = stored
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(current, h));
        if !ok {
            return Err(RegistryError::NotAllowed(
                "the current password is not right".into(),
            ));
        }
        let hash = hash_password(new)?;
        self.write(|tx, now| {
            set_password_in(tx, now, person, hash, "person.password-changed").map(|_| ())
        })
    }

    /// Sets a person's preferred locale (one of [`LOCALES`], or None to follow the browser).
    pub fn set_locale(
        &mut self,
        person: &str,
        locale: Option<&str>,
    ) -> Result<Person, RegistryError> {
        if let Some(l) = locale
            && !LOCALES.contains(&l)
        {
            return Err(RegistryError::Invalid {
                field: "locale",
                value: l.chars().take(16).collect(),
                reason: format!("one of {}", LOCALES.join(", ")),
            });
        }
        self.write(|tx, now| {
            let mut p = need_person(tx, person)?;
            p.person.locale = locale.map(str::to_string);
            put_person(tx, &p)?;
            append(
                tx,
                now,
                &p.person.actor(),
                "person.locale-set",
                format!("person:{} party:{}", p.person.id, p.person.party),
                audit::payload(&serde_json::json!({"locale": locale}))?,
            )?;
            Ok(p.person)
        })
    }

    /// Turns a person's e-mail notifications on or off (an audit event, `person.mail-set`).
    /// Mail already queued for them is dropped when it comes due while they are off.
    pub fn set_mail_notifications(
        &mut self,
        person: &str,
        on: bool,
    ) -> Result<Person, RegistryError> {
        self.write(|tx, now| {
            let mut p = need_person(tx, person)?;
            p.person.mail_off = !on;
            put_person(tx, &p)?;
            append(
                tx,
                now,
                &p.person.actor(),
                "person.mail-set",
                format!("person:{} party:{}", p.person.id, p.person.party),
                audit::payload(&serde_json::json!({"mail": on}))?,
            )?;
            Ok(p.person)
        })
    }

    /// Makes an invitation to join `by`'s party with `role` (for an administrator of that
    /// party, [`Role::administers`]). The secret is in the result and nowhere else.
    pub fn invite(
        &mut self,
        by: &Person,
        role: Role,
        email: Option<&str>,
    ) -> Result<NewLink, RegistryError> {
        let email = email.map(normalise_email).transpose()?;
        let secret = random_secret()?;
        self.write(|tx, now| {
            let inviter = need_person(tx, &by.id)?.person;
            if !inviter.role.administers() {
                return Err(RegistryError::NotAllowed(format!(
                    "a {} cannot invite people; ask an administrator of {}",
                    inviter.role, inviter.party
                )));
            }
            let party = need_party(tx, &inviter.party)?;
            if !role.fits(party.kind) {
                return Err(RegistryError::NotAllowed(format!(
                    "a {} party cannot have a {role}",
                    party.kind
                )));
            }
            let link = OneTimeLink {
                id: format!("link-{:06}", tx.next_number("link")?),
                purpose: LinkPurpose::Invite,
                party: inviter.party.clone(),
                role: Some(role),
                person: None,
                email,
                secret_sha256: sha256_hex(&secret),
                created_by: inviter.actor(),
                created_at: now.at.clone(),
                expires_at: later(now, INVITE_DAYS * 24)?,
                used_at: None,
            };
            put_link(tx, &link)?;
            append(
                tx,
                now,
                &inviter.actor(),
                "person.invited",
                format!("link:{} party:{}", link.id, link.party),
                audit::payload(&serde_json::json!({"link": link.id, "role": role, "email": link.email, "expires_at": link.expires_at}))?,
            )?;
            Ok(NewLink { link, secret })
        })
    }

    /// The live invitation with this secret (to show whom it invites before it is accepted).
    pub fn invitation(&mut self, secret: &str) -> Result<OneTimeLink, RegistryError> {
        let now = self.now();
        self.read(|tx| live_link(tx, secret, LinkPurpose::Invite, &now))
    }

    /// Accepts an invitation: makes the person, uses the link, and signs them in.
    pub fn accept_invite(
        &mut self,
        secret: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<NewSession, RegistryError> {
        let email = normalise_email(email)?;
        bounded("name", name, MAX_NAME_CHARS)?;
        check_password(password)?;
        let hash = hash_password(password)?;
        self.write(|tx, now| {
            let mut link = live_link(tx, secret, LinkPurpose::Invite, now)?;
            if let Some(meant) = &link.email
                && *meant != email
            {
                return Err(RegistryError::NotAllowed(format!(
                    "this invitation is for {meant}"
                )));
            }
            let role = link.role.ok_or_else(|| {
                RegistryError::Internal(format!("invitation {} has no role", link.id))
            })?;
            let by = link.created_by.clone();
            let person = add_person_in(tx, now, &link.party, &email, name, role, Some(hash), &by)?;
            link.used_at = Some(now.at.clone());
            link.person = Some(person.id.clone());
            put_link(tx, &link)?;
            open_session_in(tx, now, &person)
        })
    }

    /// Makes a password-reset link for the person with this e-mail (the operator's CLI prints
    /// it, or it is e-mailed). The secret is in the result and nowhere else.
    pub fn reset_link(&mut self, email: &str, actor: &str) -> Result<NewLink, RegistryError> {
        let email = normalise_email(email)?;
        let secret = random_secret()?;
        self.write(|tx, now| {
            let p = person_by_email(tx, &email)?.ok_or_else(|| RegistryError::NotFound {
                what: "person",
                id: email.clone(),
                hint: "see `fermata user list`",
            })?;
            let link = OneTimeLink {
                id: format!("link-{:06}", tx.next_number("link")?),
                purpose: LinkPurpose::Reset,
                party: p.person.party.clone(),
                role: None,
                person: Some(p.person.id.clone()),
                email: Some(email.clone()),
                secret_sha256: sha256_hex(&secret),
                created_by: actor.into(),
                created_at: now.at.clone(),
                expires_at: later(now, RESET_HOURS)?,
                used_at: None,
            };
            put_link(tx, &link)?;
            append(
                tx,
                now,
                actor,
                "person.reset-link-made",
                format!(
                    "link:{} person:{} party:{}",
                    link.id, p.person.id, link.party
                ),
                audit::payload(
                    &serde_json::json!({"link": link.id, "expires_at": link.expires_at}),
                )?,
            )?;
            Ok(NewLink { link, secret })
        })
    }

    /// The person a live reset link is for.
    pub fn reset_person(&mut self, secret: &str) -> Result<Person, RegistryError> {
        let now = self.now();
        self.read(|tx| {
            let link = live_link(tx, secret, LinkPurpose::Reset, &now)?;
            let id = link.person.unwrap_or_default();
            need_person(tx, &id).map(|p| p.person)
        })
    }

    /// Sets a new password through a reset link; the link is used and every session of the
    /// person ends.
    pub fn reset_password(&mut self, secret: &str, new: &str) -> Result<Person, RegistryError> {
        check_password(new)?;
        let hash = hash_password(new)?;
        self.write(|tx, now| {
            let mut link = live_link(tx, secret, LinkPurpose::Reset, now)?;
            let id = link.person.clone().unwrap_or_default();
            let person = set_password_in(tx, now, &id, hash, "person.password-reset")?;
            link.used_at = Some(now.at.clone());
            put_link(tx, &link)?;
            Ok(person)
        })
    }

    /// The one-time links of `party` (never their secrets), newest first.
    pub fn links(&mut self, party: &str) -> Result<Vec<OneTimeLink>, RegistryError> {
        let mut out: Vec<OneTimeLink> = self.read(|tx| {
            tx.docs(DocKind::Link, Some(party))?
                .iter()
                .map(|j| decode_doc(j))
                .collect::<Result<_, _>>()
        })?;
        out.reverse();
        Ok(out)
    }

    /// Makes an API key for the person's own party (administrators only), recorded as theirs.
    pub fn create_key_as(
        &mut self,
        by: &Person,
        role: Role,
    ) -> Result<crate::NewKey, RegistryError> {
        let by = self.person(&by.id)?;
        if !by.role.administers() {
            return Err(RegistryError::NotAllowed(format!(
                "a {} cannot make API keys; ask an administrator of {}",
                by.role, by.party
            )));
        }
        self.create_key(&by.party, role, &by.actor())
    }

    /// Revokes one of the person's own party's API keys (administrators only); another party's
    /// key is not found.
    pub fn revoke_key_as(&mut self, by: &Person, id: &str) -> Result<crate::ApiKey, RegistryError> {
        let by = self.person(&by.id)?;
        if !by.role.administers() {
            return Err(RegistryError::NotAllowed(format!(
                "a {} cannot revoke API keys; ask an administrator of {}",
                by.role, by.party
            )));
        }
        let owned = self
            .keys()?
            .into_iter()
            .any(|k| k.id == id && k.party == by.party);
        if !owned {
            return Err(RegistryError::NotFound {
                what: "key",
                id: id.into(),
                hint: "see the keys page",
            });
        }
        self.revoke_key(id, &by.actor())
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn add_person_in(
    tx: &mut dyn Tx,
    now: &Now,
    party: &str,
    email: &str,
    name: &str,
    role: Role,
    password_hash: Option<String>,
    actor: &str,
) -> Result<Person, RegistryError> {
    let p = need_party(tx, party)?;
    if !role.fits(p.kind) {
        return Err(RegistryError::NotAllowed(format!(
            "a {} party cannot have a {role}",
            p.kind
        )));
    }
    if person_by_email(tx, email)?.is_some() {
        return Err(RegistryError::AlreadyExists {
            what: "person with e-mail",
            id: email.into(),
        });
    }
    let person = Person {
        id: format!("person-{:06}", tx.next_number("person")?),
        party: party.into(),
        email: email.into(),
        name: name.into(),
        role,
        locale: None,
        created_at: now.at.clone(),
        password_set_at: password_hash.as_ref().map(|_| now.at.clone()),
        added_by: actor.into(),
        mail_off: false,
    };
    put_person(
        tx,
        &StoredPerson {
            person: person.clone(),
            password_hash,
        },
    )?;
    append(
        tx,
        now,
        actor,
        "person.added",
        format!("person:{} party:{party}", person.id),
        audit::payload(&person)?,
    )?;
    Ok(person)
}

fn set_password_in(
    tx: &mut dyn Tx,
    now: &Now,
    person: &str,
    hash: String,
    action: &str,
) -> Result<Person, RegistryError> {
    let mut p = need_person(tx, person)?;
    p.password_hash = Some(hash);
    p.person.password_set_at = Some(now.at.clone());
    put_person(tx, &p)?;
    let ended = tx.delete_sessions_of(person)?;
    append(
        tx,
        now,
        &p.person.actor(),
        action,
        format!("person:{} party:{}", p.person.id, p.person.party),
        audit::payload(&serde_json::json!({"sessions_ended": ended}))?,
    )?;
    Ok(p.person)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Clock;

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Registry::create(&dir.path().join("r.sqlite")).expect("registry");
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .expect("party");
        r.add_party("label-b", PartyKind::Label, "Label B", "cli")
            .expect("party");
        r.add_party("dev", PartyKind::Developer, "Dev", "cli")
            .expect("party");
        (dir, r)
    }

    const PW: &str = "correct horse battery";

    #[test]
    fn sign_in_opens_a_session_that_sign_out_ends() {
        let (_d, mut r) = registry();
        let ana = r
            .add_person(
                "label-a",
                "Ana@Label.example",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli",
            )
            .expect("person");
        assert_eq!(ana.email, "ana@label.example");
        assert!(
            r.sign_in("ana@label.example", "wrong password!!")
                .expect("ok")
                .is_none()
        );
        assert!(r.sign_in("nobody@label.example", PW).expect("ok").is_none());
        let s = r
            .sign_in("ANA@label.example", PW)
            .expect("ok")
            .expect("session");
        let live = r.session(&s.secret).expect("ok").expect("live");
        assert_eq!(live.person.id, ana.id);
        assert_eq!(live.csrf, s.csrf);
        assert!(r.session("not-a-secret").expect("ok").is_none());
        r.sign_out(&s.secret).expect("out");
        assert!(r.session(&s.secret).expect("ok").is_none());
        let actions: Vec<String> = r
            .history(Some(&format!("person:{}", ana.id)))
            .expect("log")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["person.added", "person.signed-in", "person.signed-out"]
        );
        assert!(r.verify_audit().expect("verify").first_bad.is_none());
    }

    #[test]
    fn sessions_expire_and_end_on_password_change() {
        let (_d, mut r) = registry();
        r.set_clock(Clock::fixed("2030-01-01T00:00:00Z").expect("clock"));
        let ana = r
            .add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli",
            )
            .expect("person");
        let s1 = r
            .sign_in("ana@a.example", PW)
            .expect("ok")
            .expect("session");
        let s2 = r
            .sign_in("ana@a.example", PW)
            .expect("ok")
            .expect("session");
        r.set_clock(Clock::fixed("2030-01-01T11:59:59Z").expect("clock"));
        assert!(r.session(&s1.secret).expect("ok").is_some());
        r.set_clock(Clock::fixed("2030-01-01T12:00:00Z").expect("clock"));
        assert!(
            r.session(&s1.secret).expect("ok").is_none(),
            "12 hours is the end"
        );
        r.set_clock(Clock::fixed("2030-01-01T01:00:00Z").expect("clock"));
        assert!(
            r.change_password(&ana.id, "not the password", "another good password")
                .is_err()
        );
        assert!(r.session(&s2.secret).expect("ok").is_some());
        r.change_password(&ana.id, PW, "another good password")
            .expect("changed");
        assert!(
            r.session(&s2.secret).expect("ok").is_none(),
            "a password change ends sessions"
        );
        assert!(r.sign_in("ana@a.example", PW).expect("ok").is_none());
        assert!(
            r.sign_in("ana@a.example", "another good password")
                .expect("ok")
                .is_some()
        );
    }

    #[test]
    fn passwords_and_emails_are_checked() {
        let (_d, mut r) = registry();
        assert!(
            r.add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::HolderAdmin,
                Some("short"),
                "cli"
            )
            .is_err()
        );
        assert!(
            r.add_person(
                "label-a",
                "not an email",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli"
            )
            .is_err()
        );
        assert!(
            r.add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::Developer,
                Some(PW),
                "cli"
            )
            .is_err(),
            "a label has no developers"
        );
        r.add_person(
            "label-a",
            "ana@a.example",
            "Ana",
            Role::HolderAdmin,
            Some(PW),
            "cli",
        )
        .expect("person");
        assert!(matches!(
            r.add_person(
                "label-b",
                "ANA@a.example",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli"
            ),
            Err(RegistryError::AlreadyExists { .. })
        ));
        // A person made without a password cannot sign in until a reset link sets one.
        r.add_person(
            "label-a",
            "bo@a.example",
            "Bo",
            Role::HolderViewer,
            None,
            "cli",
        )
        .expect("person");
        assert!(r.sign_in("bo@a.example", "").expect("ok").is_none());
        let link = r.reset_link("bo@a.example", "cli").expect("link");
        assert_eq!(
            r.reset_person(&link.secret).expect("live").email,
            "bo@a.example"
        );
        r.reset_password(&link.secret, PW).expect("reset");
        assert!(
            r.reset_password(&link.secret, PW).is_err(),
            "a link works once"
        );
        assert!(r.sign_in("bo@a.example", PW).expect("ok").is_some());
    }

    #[test]
    fn invitations_join_the_inviters_party_once_and_expire() {
        let (_d, mut r) = registry();
        r.set_clock(Clock::fixed("2030-01-01T00:00:00Z").expect("clock"));
        let ana = r
            .add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli",
            )
            .expect("person");
        let viewer = r
            .add_person(
                "label-a",
                "vi@a.example",
                "Vi",
                Role::HolderViewer,
                Some(PW),
                "cli",
            )
            .expect("person");
        assert!(
            r.invite(&viewer, Role::HolderViewer, None).is_err(),
            "viewers do not invite"
        );
        assert!(
            r.invite(&ana, Role::Developer, None).is_err(),
            "no developer in a label"
        );
        let inv = r
            .invite(&ana, Role::HolderViewer, Some("cy@a.example"))
            .expect("invite");
        assert_eq!(r.invitation(&inv.secret).expect("live").party, "label-a");
        assert!(
            r.accept_invite(&inv.secret, "other@a.example", "Cy", PW)
                .is_err(),
            "for whom it was made"
        );
        let s = r
            .accept_invite(&inv.secret, "cy@a.example", "Cy", PW)
            .expect("accepted");
        assert_eq!(
            (s.person.party.as_str(), s.person.role),
            ("label-a", Role::HolderViewer)
        );
        assert_eq!(s.person.added_by, ana.actor());
        assert!(
            r.accept_invite(&inv.secret, "cy@a.example", "Cy", PW)
                .is_err(),
            "once"
        );
        let late = r.invite(&ana, Role::HolderViewer, None).expect("invite");
        r.set_clock(Clock::fixed("2030-01-09T00:00:00Z").expect("clock"));
        assert!(matches!(
            r.accept_invite(&late.secret, "dee@a.example", "Dee", PW),
            Err(RegistryError::Conflict(_))
        ));
        assert!(r.verify_audit().expect("verify").first_bad.is_none());
    }

    #[test]
    fn keys_are_managed_only_within_the_own_party() {
        let (_d, mut r) = registry();
        let ana = r
            .add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::HolderAdmin,
                Some(PW),
                "cli",
            )
            .expect("person");
        let vi = r
            .add_person(
                "label-a",
                "vi@a.example",
                "Vi",
                Role::HolderViewer,
                Some(PW),
                "cli",
            )
            .expect("person");
        let other = r
            .create_key("label-b", Role::HolderAdmin, "cli")
            .expect("key");
        let mine = r.create_key_as(&ana, Role::HolderViewer).expect("key");
        assert_eq!(mine.key.party, "label-a");
        assert!(r.create_key_as(&vi, Role::HolderViewer).is_err());
        assert!(matches!(
            r.revoke_key_as(&ana, &other.key.id),
            Err(RegistryError::NotFound { .. })
        ));
        r.revoke_key_as(&ana, &mine.key.id).expect("revoked");
        let event = r
            .history(None)
            .expect("log")
            .into_iter()
            .rev()
            .find(|e| e.action == "key.revoked")
            .expect("event");
        assert_eq!(event.actor, "ana@a.example (label-a)");
    }

    #[test]
    fn a_swapped_password_hash_fails_verification() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.sqlite");
        let mut r = Registry::create(&path).expect("registry");
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .expect("party");
        r.add_person(
            "label-a",
            "ana@a.example",
            "Ana",
            Role::HolderAdmin,
            Some(PW),
            "cli",
        )
        .expect("person");
        drop(r);
        let attacker = hash_password("attacker's password").expect("hash");
        let conn = rusqlite::Connection::open(&path).expect("open");
        let json: String = conn
            .query_row(
                "SELECT json FROM documents WHERE kind = 'person'",
                [],
                |row| row.get(0),
            )
            .expect("row");
        let mut v: serde_json::Value = serde_json::from_str(&json).expect("json");
        v["password_hash"] = serde_json::Value::String(attacker);
        conn.execute(
            "UPDATE documents SET json = ?1 WHERE kind = 'person'",
            [v.to_string()],
        )
        .expect("update");
        drop(conn);
        let mut r = Registry::open(&path).expect("open");
        assert!(r.verify_audit().expect("verify").first_bad.is_some());
    }
}
