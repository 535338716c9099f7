//! Signing up: a label, publisher, artist, society or AI developer asks to join from the web
//! app, with the account of its first administrator; the registry's operator approves (the
//! party and the person are made, and the person can sign in) or refuses, with a reason.
//!
//! A sign-up is a document (`signup`) owned by the operator's party, covered by the audit chain;
//! it holds the applicant's argon2id password hash, never shown. Sign-ups open once an operator
//! party exists (`fermata party add operator --kind operator`, then
//! `fermata user add --party operator --role operator`).

use crate::RegistryError;
use crate::audit;
use crate::market::{Role, decode_doc};
use crate::model::{
    MAX_NAME_CHARS, MAX_TEXT_CHARS, PartyKind, bounded, invalid, validate_party_id,
};
use crate::people::{Person, check_password, hash_password, normalise_email};
use crate::registry::{Registry, append};
use crate::store::{DocKind, Tx};
use serde::{Deserialize, Serialize};

/// Where a sign-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignupState {
    /// Waiting for the operator.
    Pending,
    /// The party and its administrator were made.
    Approved,
    /// Refused, with a reason.
    Refused,
}

impl SignupState {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignupState::Pending => "pending",
            SignupState::Approved => "approved",
            SignupState::Refused => "refused",
        }
    }
}

/// A request to join.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signup {
    /// Its id, e.g. `signup-000001`.
    pub id: String,
    /// The party id asked for (e.g. `indie-records`).
    pub party: String,
    /// What kind of party.
    pub kind: PartyKind,
    /// The party's display name.
    pub party_name: String,
    /// The first administrator's name.
    pub name: String,
    /// The first administrator's e-mail address.
    pub email: String,
    /// What the applicant says about itself (a website, a catalogue size, a society number).
    pub about: String,
    /// When it was made.
    pub created_at: String,
    /// Where it stands.
    pub state: SignupState,
    /// Who decided (the operator's actor name).
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredSignup {
    #[serde(flatten)]
    signup: Signup,
    password_hash: String,
}

/// What a sign-up form gives.
#[derive(Clone, Debug, Default)]
pub struct SignupDraft {
    /// The party id asked for.
    pub party: String,
    /// Its kind (a rights holder's kind, or `developer`).
    pub kind: Option<PartyKind>,
    /// Its display name.
    pub party_name: String,
    /// The administrator's name.
    pub name: String,
    /// The administrator's e-mail.
    pub email: String,
    /// The administrator's password.
    pub password: String,
    /// About the applicant.
    pub about: String,
}

fn operator_party(tx: &mut dyn Tx) -> Result<Option<String>, RegistryError> {
    Ok(tx
        .parties()?
        .into_iter()
        .find(|p| p.kind == PartyKind::Operator)
        .map(|p| p.id))
}

fn email_taken(tx: &mut dyn Tx, email: &str) -> Result<bool, RegistryError> {
    if crate::people::person_by_email(tx, email)?.is_some() {
        return Ok(true);
    }
    for json in tx.docs(DocKind::Signup, None)? {
        let s: StoredSignup = decode_doc(&json)?;
        if s.signup.email == email && s.signup.state == SignupState::Pending {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Registry {
    /// Files a sign-up for the operator to decide.
    pub fn sign_up(&mut self, draft: SignupDraft) -> Result<Signup, RegistryError> {
        let party = draft.party.trim().to_string();
        validate_party_id(&party)?;
        let kind = draft.kind.ok_or_else(|| {
            invalid(
                "kind",
                "",
                "a label, publisher, artist, society or developer",
            )
        })?;
        if !(kind.holds_rights() || kind == PartyKind::Developer) {
            return Err(invalid(
                "kind",
                kind.as_str(),
                "a label, publisher, artist, society or developer",
            ));
        }
        let party_name = draft.party_name.trim().to_string();
        let name = draft.name.trim().to_string();
        bounded("organisation", &party_name, MAX_NAME_CHARS)?;
        bounded("name", &name, MAX_NAME_CHARS)?;
        bounded("about", &draft.about, MAX_TEXT_CHARS)?;
        if party_name.is_empty() || name.is_empty() {
            return Err(invalid("name", "", "give the organisation's and your name"));
        }
        let email = normalise_email(&draft.email)?;
        check_password(&draft.password)?;
        let hash = hash_password(&draft.password)?;
        self.write(|tx, now| {
            let owner = operator_party(tx)?.ok_or_else(|| {
                RegistryError::NotAllowed(
                    "this registry takes no sign-ups yet: its operator has not set one up".into(),
                )
            })?;
            if tx.party(&party)?.is_some() {
                return Err(RegistryError::AlreadyExists {
                    what: "party",
                    id: party.clone(),
                });
            }
            if email_taken(tx, &email)? {
                return Err(RegistryError::AlreadyExists {
                    what: "account or sign-up for",
                    id: email.clone(),
                });
            }
            let signup = Signup {
                id: format!("signup-{:06}", tx.next_number("signup")?),
                party: party.clone(),
                kind,
                party_name: party_name.clone(),
                name: name.clone(),
                email: email.clone(),
                about: draft.about.trim().to_string(),
                created_at: now.at.clone(),
                state: SignupState::Pending,
                decided_by: None,
                decided_at: None,
                reason: None,
            };
            let stored = StoredSignup {
                signup: signup.clone(),
                password_hash: hash,
            };
            tx.put_doc(
                DocKind::Signup,
                &signup.id,
                &owner,
                &audit::payload(&stored)?,
            )?;
            append(
                tx,
                now,
                &format!("{email} (sign-up)"),
                "signup.received",
                format!("signup:{}", signup.id),
                audit::payload(&signup)?,
            )?;
            Ok(signup)
        })
    }

    /// Every sign-up, newest first (for the operator).
    pub fn signups(&mut self) -> Result<Vec<Signup>, RegistryError> {
        let mut all: Vec<Signup> = self.read(|tx| {
            tx.docs(DocKind::Signup, None)?
                .iter()
                .map(|j| decode_doc::<StoredSignup>(j).map(|s| s.signup))
                .collect::<Result<_, _>>()
        })?;
        all.reverse();
        Ok(all)
    }

    /// The operator approves a sign-up (the party and its administrator are made, in one
    /// transaction) or refuses it with a reason.
    pub fn decide_signup(
        &mut self,
        id: &str,
        by: &Person,
        approve: bool,
        reason: Option<&str>,
    ) -> Result<Signup, RegistryError> {
        if by.role != Role::Operator {
            return Err(RegistryError::NotAllowed(
                "only the registry's operator decides sign-ups".into(),
            ));
        }
        if let Some(r) = reason {
            bounded("reason", r, MAX_TEXT_CHARS)?;
        }
        let actor = by.actor();
        self.write(|tx, now| {
            let json = tx
                .doc(DocKind::Signup, id)?
                .ok_or_else(|| RegistryError::NotFound {
                    what: "sign-up",
                    id: id.into(),
                    hint: "see the operator's page",
                })?;
            let mut stored: StoredSignup = decode_doc(&json)?;
            if stored.signup.state != SignupState::Pending {
                return Err(RegistryError::Conflict(format!(
                    "sign-up {id} was already {}",
                    stored.signup.state.as_str()
                )));
            }
            let s = &mut stored.signup;
            s.state = if approve {
                SignupState::Approved
            } else {
                SignupState::Refused
            };
            s.decided_by = Some(actor.clone());
            s.decided_at = Some(now.at.clone());
            s.reason = reason.map(str::to_string);
            let owner = operator_party(tx)?.unwrap_or_default();
            tx.put_doc(DocKind::Signup, id, &owner, &audit::payload(&stored)?)?;
            let s = stored.signup.clone();
            append(
                tx,
                now,
                &actor,
                if approve {
                    "signup.approved"
                } else {
                    "signup.refused"
                },
                format!("signup:{id} party:{}", s.party),
                audit::payload(&serde_json::json!({"id": id, "reason": reason}))?,
            )?;
            if approve {
                crate::registry::add_party_in(tx, now, &s.party, s.kind, &s.party_name, &actor)?;
                let role = if s.kind == PartyKind::Developer {
                    Role::Developer
                } else {
                    Role::HolderAdmin
                };
                crate::people::add_person_in(
                    tx,
                    now,
                    &s.party,
                    &s.email,
                    &s.name,
                    role,
                    Some(stored.password_hash.clone()),
                    &actor,
                )?;
            }
            Ok(s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "correct horse battery";

    fn draft(party: &str, email: &str) -> SignupDraft {
        SignupDraft {
            party: party.into(),
            kind: Some(PartyKind::Label),
            party_name: "New Label".into(),
            name: "Nia".into(),
            email: email.into(),
            password: PW.into(),
            about: "https://new-label.example".into(),
        }
    }

    #[test]
    fn a_sign_up_waits_for_the_operator_and_then_signs_in() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Registry::create(&dir.path().join("r.sqlite")).expect("registry");
        assert!(
            r.sign_up(draft("new-label", "nia@new.example")).is_err(),
            "no operator yet"
        );
        r.add_party("operator", PartyKind::Operator, "The operator", "cli")
            .expect("party");
        let op = r
            .add_person(
                "operator",
                "op@registry.example",
                "Op",
                Role::Operator,
                Some(PW),
                "cli",
            )
            .expect("operator");
        let s = r
            .sign_up(draft("new-label", "nia@new.example"))
            .expect("filed");
        assert!(
            r.sign_in("nia@new.example", PW).expect("ok").is_none(),
            "not before approval"
        );
        assert!(
            r.sign_up(draft("other-label", "nia@new.example")).is_err(),
            "one pending per e-mail"
        );
        let approved = r.decide_signup(&s.id, &op, true, None).expect("approved");
        assert_eq!(approved.state, SignupState::Approved);
        assert_eq!(r.party("new-label").expect("party").kind, PartyKind::Label);
        let session = r
            .sign_in("nia@new.example", PW)
            .expect("ok")
            .expect("signs in");
        assert_eq!(
            (session.person.party.as_str(), session.person.role),
            ("new-label", Role::HolderAdmin)
        );
        assert!(matches!(
            r.decide_signup(&s.id, &op, false, None),
            Err(RegistryError::Conflict(_))
        ));
        assert!(r.verify_audit().expect("verify").first_bad.is_none());
    }

    #[test]
    fn only_the_operator_decides_and_bad_sign_ups_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Registry::create(&dir.path().join("r.sqlite")).expect("registry");
        r.add_party("operator", PartyKind::Operator, "The operator", "cli")
            .expect("party");
        r.add_party("label-a", PartyKind::Label, "A", "cli")
            .expect("party");
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
        assert!(
            r.sign_up(draft("label-a", "z@z.example")).is_err(),
            "the party id is taken"
        );
        assert!(r.sign_up(draft("Bad Id!", "z@z.example")).is_err());
        assert!(
            r.sign_up(SignupDraft {
                kind: Some(PartyKind::Operator),
                ..draft("op2", "z@z.example")
            })
            .is_err()
        );
        assert!(
            r.sign_up(SignupDraft {
                password: "short".into(),
                ..draft("ok-label", "z@z.example")
            })
            .is_err()
        );
        let s = r.sign_up(draft("ok-label", "z@z.example")).expect("filed");
        assert!(
            r.decide_signup(&s.id, &ana, true, None).is_err(),
            "a holder cannot approve"
        );
        assert!(r.party("ok-label").is_err());
    }
}
