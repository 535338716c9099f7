//! Misuse notices: anyone (a fan, an artist, a label) reports a generated track or a voice that
//! imitates an artist. A notice reaches every holder it concerns, moves through states
//! (received → acknowledged → forwarded → closed with an outcome), and each step is an audit
//! event.
//!
//! Whom a notice concerns: the holders the reporter named, the holders of the works named, and
//! the holders of the registered recordings found in an uploaded file (the caller identifies
//! them, with `fermata output check`'s function, and passes them in [`NoticeDraft::found`]).
//! A notice that concerns nobody is refused: it would reach no inbox.

use crate::RegistryError;
use crate::audit;
use crate::market::Role;
use crate::market::decode_doc;
use crate::model::{Isrc, MAX_NAME_CHARS, MAX_TEXT_CHARS, bounded, invalid, string_enum};
use crate::people::normalise_email;
use crate::registry::{Registry, append, need_party};
use crate::store::DocKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// Most holders one notice may name.
pub const MAX_NOTICE_HOLDERS: usize = 20;
/// Most works one notice may name.
pub const MAX_NOTICE_WORKS: usize = 50;

string_enum!(
    /// What a notice reports.
    NoticeKind, "notice kind", {
        /// A generated track that copies or imitates a recording.
        GeneratedTrack = "generated-track",
        /// A voice that imitates an artist.
        VoiceImitation = "voice-imitation",
        /// Anything else.
        Other = "other",
    }
);

string_enum!(
    /// Where a notice stands.
    NoticeState, "notice state", {
        /// Filed; nobody has looked at it yet.
        Received = "received",
        /// A holder has seen it.
        Acknowledged = "acknowledged",
        /// A holder passed it on (to the platform, the developer, a society).
        Forwarded = "forwarded",
        /// Done, with an outcome.
        Closed = "closed",
    }
);

impl NoticeState {
    /// Whether a notice may move from this state to `next`.
    pub fn may_become(self, next: NoticeState) -> bool {
        use NoticeState::*;
        matches!(
            (self, next),
            (Received, Acknowledged | Forwarded | Closed)
                | (Acknowledged, Forwarded | Closed)
                | (Forwarded, Closed)
        )
    }
}

/// A registered recording heard in the reported file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundRecording {
    /// The work.
    pub isrc: Isrc,
    /// Its title.
    pub title: String,
    /// Its holders.
    pub holders: Vec<String>,
    /// Where it is heard in the file, in seconds.
    pub start_s: f64,
    /// Where it stops.
    pub end_s: f64,
}

/// A notice to file.
#[derive(Clone, Debug, Default)]
pub struct NoticeDraft {
    /// What it reports.
    pub kind: Option<NoticeKind>,
    /// Where the misuse is (a link).
    pub link: Option<String>,
    /// The artist or work concerned, in the reporter's words.
    pub subject: String,
    /// What is wrong.
    pub details: String,
    /// How to reach the reporter (optional).
    pub reporter_email: Option<String>,
    /// Holders the reporter named (party ids).
    pub holders: Vec<String>,
    /// Works the reporter named.
    pub works: Vec<Isrc>,
    /// Registered recordings found in the uploaded file.
    pub found: Vec<FoundRecording>,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    /// Its SHA-256.
    pub file_sha256: Option<String>,
}

/// One step of a notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeStep {
    /// When.
    pub at: String,
    /// Who (a person's actor name, or `public`).
    pub by: String,
    /// The state it moved to.
    pub state: NoticeState,
    /// A note or the outcome.
    pub note: Option<String>,
}

/// A misuse notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// Its id, e.g. `notice-000001`.
    pub id: String,
    /// What it reports.
    pub kind: NoticeKind,
    /// Where the misuse is.
    pub link: Option<String>,
    /// The artist or work concerned, in the reporter's words.
    pub subject: String,
    /// What is wrong.
    pub details: String,
    /// How to reach the reporter (shown to the holders concerned only).
    pub reporter_email: Option<String>,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    /// Its SHA-256.
    pub file_sha256: Option<String>,
    /// Registered recordings found in the file.
    pub found: Vec<FoundRecording>,
    /// The holders it concerns.
    pub holders: Vec<String>,
    /// Where it stands.
    pub state: NoticeState,
    /// The outcome, once closed.
    pub outcome: Option<String>,
    /// When it was filed.
    pub received_at: String,
    /// Every step, oldest first.
    pub steps: Vec<NoticeStep>,
}

fn check_link(link: &str) -> Result<(), RegistryError> {
    bounded("link", link, MAX_TEXT_CHARS)?;
    if !(link.starts_with("https://") || link.starts_with("http://"))
        || link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid(
            "link",
            link,
            "a web address, starting with https://",
        ));
    }
    Ok(())
}

impl Registry {
    /// Files a misuse notice (see the module documentation for whom it reaches).
    pub fn report_misuse(&mut self, draft: NoticeDraft) -> Result<Notice, RegistryError> {
        let subject = draft.subject.trim().to_string();
        let details = draft.details.trim().to_string();
        bounded("subject", &subject, MAX_NAME_CHARS)?;
        bounded("details", &details, MAX_TEXT_CHARS)?;
        if details.is_empty() {
            return Err(invalid("details", "", "say what is wrong"));
        }
        let link = draft
            .link
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
        if let Some(l) = &link {
            check_link(l)?;
        }
        let email = draft
            .reporter_email
            .filter(|e| !e.trim().is_empty())
            .map(|e| normalise_email(&e))
            .transpose()?;
        if let Some(f) = &draft.file_name {
            bounded("file name", f, MAX_NAME_CHARS)?;
        }
        if draft.holders.len() > MAX_NOTICE_HOLDERS || draft.works.len() > MAX_NOTICE_WORKS {
            return Err(invalid(
                "notice",
                "",
                format!("name at most {MAX_NOTICE_HOLDERS} holders and {MAX_NOTICE_WORKS} works"),
            ));
        }
        self.write(|tx, now| {
            let mut holders = BTreeSet::new();
            for h in &draft.holders {
                let p = need_party(tx, h)?;
                if !p.kind.holds_rights() {
                    return Err(RegistryError::NotAllowed(format!(
                        "'{h}' is not a rights holder"
                    )));
                }
                holders.insert(h.clone());
            }
            for isrc in &draft.works {
                let w = tx.work(isrc)?.ok_or_else(|| RegistryError::NotFound {
                    what: "work",
                    id: isrc.to_string(),
                    hint: "check the ISRC",
                })?;
                holders.extend(w.shares.iter().map(|s| s.holder.clone()));
            }
            for f in &draft.found {
                holders.extend(f.holders.iter().cloned());
            }
            if holders.is_empty() {
                return Err(RegistryError::NotAllowed(
                    "this notice would reach nobody: name the artist's label or publisher, a work, or upload the file".into(),
                ));
            }
            let holders: Vec<String> = holders.into_iter().collect();
            let notice = Notice {
                id: format!("notice-{:06}", tx.next_number("notice")?),
                kind: draft.kind.unwrap_or(NoticeKind::Other),
                link,
                subject,
                details,
                reporter_email: email,
                file_name: draft.file_name,
                file_sha256: draft.file_sha256,
                found: draft.found,
                holders: holders.clone(),
                state: NoticeState::Received,
                outcome: None,
                received_at: now.at.clone(),
                steps: vec![NoticeStep {
                    at: now.at.clone(),
                    by: "public".into(),
                    state: NoticeState::Received,
                    note: None,
                }],
            };
            tx.put_doc(DocKind::Notice, &notice.id, &holders[0], &audit::payload(&notice)?)?;
            let subjects = std::iter::once(format!("notice:{}", notice.id))
                .chain(holders.iter().map(|h| format!("party:{h}")))
                .chain(notice.found.iter().map(|f| format!("work:{}", f.isrc)))
                .collect::<Vec<_>>()
                .join(" ");
            append(
                tx,
                now,
                "public",
                "notice.received",
                subjects,
                audit::payload(&serde_json::json!({"id": notice.id, "kind": notice.kind, "holders": holders, "found": notice.found.len()}))?,
            )?;
            Ok(notice)
        })
    }

    /// The notices that concern `party` (every notice when None), newest first.
    pub fn notices_visible_to(
        &mut self,
        party: Option<&str>,
    ) -> Result<Vec<Notice>, RegistryError> {
        let mut all: Vec<Notice> = self.read(|tx| {
            tx.docs(DocKind::Notice, None)?
                .iter()
                .map(|j| decode_doc(j))
                .collect::<Result<_, _>>()
        })?;
        all.retain(|n: &Notice| party.is_none_or(|p| n.holders.iter().any(|h| h == p)));
        all.reverse();
        Ok(all)
    }

    /// Moves a notice to `state`, by a rights holder's administrator of a holder it concerns
    /// (others: not found; a holder's viewer: not allowed). Closing needs an outcome in `note`.
    /// `actor` names who did it (a person's actor name, or the party for an API key).
    pub fn advance_notice(
        &mut self,
        id: &str,
        party: &str,
        role: Role,
        actor: &str,
        state: NoticeState,
        note: Option<&str>,
    ) -> Result<Notice, RegistryError> {
        if role != Role::HolderAdmin {
            return Err(RegistryError::NotAllowed(format!(
                "a {role} cannot change a notice; a holder-admin can"
            )));
        }
        if let Some(n) = note {
            bounded("note", n, MAX_TEXT_CHARS)?;
        }
        self.write(|tx, now| {
            let hidden = || RegistryError::NotFound {
                what: "notice",
                id: id.into(),
                hint: "see the notices page",
            };
            let json = tx.doc(DocKind::Notice, id)?.ok_or_else(hidden)?;
            let mut notice: Notice = decode_doc(&json)?;
            if !notice.holders.iter().any(|h| h == party) {
                return Err(hidden());
            }
            if note.is_some_and(|n| n.trim().is_empty()) {
                return Err(invalid(
                    "note",
                    "",
                    "a note given is not blank; leave it out",
                ));
            }
            let note = note.map(str::trim);
            if state == NoticeState::Closed && note.is_none() {
                return Err(invalid("outcome", "", "say how the notice was closed"));
            }
            if !notice.state.may_become(state) {
                return Err(RegistryError::Conflict(format!(
                    "notice {id} is {}; it cannot become {state}",
                    notice.state
                )));
            }
            notice.state = state;
            if state == NoticeState::Closed {
                notice.outcome = note.map(str::to_string);
            }
            notice.steps.push(NoticeStep {
                at: now.at.clone(),
                by: actor.into(),
                state,
                note: note.map(str::to_string),
            });
            let owner = notice.holders[0].clone();
            tx.put_doc(DocKind::Notice, id, &owner, &audit::payload(&notice)?)?;
            append(
                tx,
                now,
                actor,
                &format!("notice.{}", state.as_str()),
                format!("notice:{id} party:{party}"),
                audit::payload(&serde_json::json!({"id": id, "state": state, "note": note}))?,
            )?;
            Ok(notice)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PartyKind, Role, Work, parse_shares};

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Registry::create(&dir.path().join("r.sqlite")).expect("registry");
        r.add_party("label-a", PartyKind::Label, "Label A", "cli")
            .expect("party");
        r.add_party("label-b", PartyKind::Label, "Label B", "cli")
            .expect("party");
        r.add_party("dev", PartyKind::Developer, "Dev", "cli")
            .expect("party");
        let work = Work {
            isrc: "GBAAA2600001".parse().expect("isrc"),
            title: "Song".into(),
            artist: "Artist".into(),
            duration_s: None,
            iswc: None,
            registrant: "label-a".into(),
            credits: vec![],
            shares: parse_shares("label-a=60;label-b=40").expect("shares"),
            tracks: vec![],
        };
        r.register_works("label-a", vec![work], "cli")
            .expect("work");
        (dir, r)
    }

    #[test]
    fn a_notice_reaches_the_holders_of_a_named_work_and_moves_through_its_states() {
        let (_d, mut r) = registry();
        let n = r
            .report_misuse(NoticeDraft {
                kind: Some(NoticeKind::VoiceImitation),
                link: Some("https://example.org/track".into()),
                subject: "Artist".into(),
                details: "an AI voice sings as the artist".into(),
                works: vec!["GBAAA2600001".parse().expect("isrc")],
                ..Default::default()
            })
            .expect("filed");
        assert_eq!(n.holders, ["label-a", "label-b"]);
        assert_eq!(
            r.notices_visible_to(Some("label-b")).expect("list").len(),
            1
        );
        assert!(r.notices_visible_to(Some("dev")).expect("list").is_empty());
        let ana = r
            .add_person(
                "label-a",
                "ana@a.example",
                "Ana",
                Role::HolderAdmin,
                None,
                "cli",
            )
            .expect("person");
        let dev = r
            .add_person("dev", "d@d.example", "D", Role::Developer, None, "cli")
            .expect("person");
        let by = |p: &crate::Person| (p.party.clone(), p.role, p.actor());
        let (dp, dr, da) = by(&dev);
        assert!(
            r.advance_notice(&n.id, &dp, dr, &da, NoticeState::Acknowledged, None)
                .is_err()
        );
        assert!(matches!(
            r.advance_notice(
                &n.id,
                "label-c",
                Role::HolderAdmin,
                "x",
                NoticeState::Acknowledged,
                None
            ),
            Err(RegistryError::NotFound { .. })
        ));
        let (ap, ar, aa) = by(&ana);
        r.advance_notice(&n.id, &ap, ar, &aa, NoticeState::Acknowledged, None)
            .expect("ack");
        assert!(
            r.advance_notice(&n.id, &ap, ar, &aa, NoticeState::Closed, None)
                .is_err(),
            "an outcome is needed"
        );
        let closed = r
            .advance_notice(&n.id, &ap, ar, &aa, NoticeState::Closed, Some("taken down"))
            .expect("closed");
        assert_eq!(closed.outcome.as_deref(), Some("taken down"));
        assert_eq!(closed.steps[1].by, "ana@a.example (label-a)");
        assert!(matches!(
            r.advance_notice(&n.id, &ap, ar, &aa, NoticeState::Forwarded, None),
            Err(RegistryError::Conflict(_))
        ));
        let actions: Vec<String> = r
            .history(Some(&format!("notice:{}", n.id)))
            .expect("log")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["notice.received", "notice.acknowledged", "notice.closed"]
        );
        assert!(r.verify_audit().expect("verify").first_bad.is_none());
    }

    #[test]
    fn a_notice_that_reaches_nobody_or_carries_bad_input_is_refused() {
        let (_d, mut r) = registry();
        let base = NoticeDraft {
            details: "copied".into(),
            ..Default::default()
        };
        assert!(r.report_misuse(base.clone()).is_err(), "nobody concerned");
        assert!(
            r.report_misuse(NoticeDraft {
                holders: vec!["dev".into()],
                ..base.clone()
            })
            .is_err()
        );
        assert!(
            r.report_misuse(NoticeDraft {
                holders: vec!["label-a".into()],
                link: Some("javascript:alert(1)".into()),
                ..base.clone()
            })
            .is_err()
        );
        assert!(
            r.report_misuse(NoticeDraft {
                holders: vec!["label-a".into()],
                details: "x".repeat(MAX_TEXT_CHARS + 1),
                ..base.clone()
            })
            .is_err()
        );
        let ok = r
            .report_misuse(NoticeDraft {
                holders: vec!["label-a".into()],
                ..base
            })
            .expect("filed");
        assert_eq!(ok.holders, ["label-a"]);
    }
}
