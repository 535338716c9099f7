//! The DDEX ERN 4.x reader.
//!
//! From a `NewReleaseMessage` it reads every `ResourceList/SoundRecording`:
//!
//! | record field | ERN element (first found) |
//! |--------------|---------------------------|
//! | ISRC         | `SoundRecordingEdition/ResourceId/ISRC` (any `ISRC` inside the recording) |
//! | title        | `DisplayTitleText`, else `DisplayTitle/TitleText` |
//! | artist       | `DisplayArtistName`, else the `DisplayArtist`'s party name |
//! | duration     | `Duration` (ISO 8601, `PT3M21S`) |
//! | ISWC         | any `ISWC` inside the recording |
//! | audio        | `TechnicalDetails/DeliveryFile/File/URI` (any `File/URI`, or `File/FileName`) |
//! | credits      | `DisplayArtist` (as performer) and `Contributor` with its `Role`, named from the `PartyList` |
//! | shares       | each `ResourceRightsController`: `RightsControllerPartyReference`, `RightSharePercentage`, optional `TerritoryCode` |
//!
//! A rights controller is matched to a registry party by the `PartyList` entry it references:
//! a `ProprietaryId` or `DPID` equal to a party id, or a `FullName` equal to a party's name
//! (ignoring case). A recording with no rights controller belongs 100 % to the importing holder.
//!
//! The reader refuses documents nested deeper than [`MAX_DEPTH`] or with more than
//! [`MAX_ELEMENTS`] elements (about 20,000 recordings; split larger catalogues into several
//! messages), and does not resolve external entities.

use crate::{CatalogRecord, MAX_CATALOGUE_BYTES, Problem, finish, parse_duration};
use fermata_registry::{Credit, Party, Share, Territory, validate_shares};
use quick_xml::events::Event;
use std::collections::HashMap;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// Most elements accepted in one message.
pub const MAX_ELEMENTS: usize = 2_000_000;

#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    line: u64,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, p| n.child(p))
    }

    fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.path(path)
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// The first descendant named `name`, depth first.
    fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// The first descendant `parent/name`.
    fn find_under(&self, parent: &str, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.name == parent {
                c.child(name).or_else(|| c.find_under(parent, name))
            } else {
                c.find_under(parent, name)
            }
        })
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    name.rsplit(':').next().unwrap_or_default().to_string()
}

/// Line numbers for byte positions that only move forward, counted as they come (no table
/// of line starts, whose size a file of newlines would choose).
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, pos: u64) -> u64 {
        let pos = (pos as usize).min(self.bytes.len());
        if pos > self.pos {
            self.line += self.bytes[self.pos..pos]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.pos = pos;
        }
        self.line
    }
}

fn parse_tree(bytes: &[u8]) -> Result<(Node, String), Problem> {
    let lines = std::cell::RefCell::new(Lines {
        bytes,
        pos: 0,
        line: 1,
    });
    let line_of = |pos: u64| lines.borrow_mut().at(pos);
    let mut reader = quick_xml::Reader::from_reader(bytes);
    // Not trimmed: text around an entity (`Jane &amp; Co`) arrives in pieces; fields are trimmed when read.
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut namespace = String::new();
    let mut elements = 0usize;
    let mut buf = Vec::new();
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            let at = reader.error_position();
            Problem::new(line_of(at), "xml", format!("not well-formed XML: {e}"))
        })?;
        match event {
            Event::Start(e) | Event::Empty(e)
                if {
                    elements += 1;
                    elements > MAX_ELEMENTS
                } =>
            {
                let _ = e;
                return Err(Problem::new(
                    line_of(pos),
                    "xml",
                    format!("more than {MAX_ELEMENTS} elements"),
                ));
            }
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(Problem::new(
                        line_of(pos),
                        "xml",
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                if stack.len() == 1 {
                    namespace = root_namespace(&e);
                }
                let start = reader.buffer_position().saturating_sub(e.len() as u64 + 2);
                stack.push(Node {
                    name: local(e.name().as_ref()),
                    line: line_of(start),
                    ..Node::default()
                });
            }
            Event::Empty(e) => {
                if stack.len() == 1 {
                    namespace = root_namespace(&e);
                }
                let start = reader.buffer_position().saturating_sub(e.len() as u64 + 3);
                let node = Node {
                    name: local(e.name().as_ref()),
                    line: line_of(start),
                    ..Node::default()
                };
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::Text(t) => {
                let text = t
                    .decode()
                    .map_err(|e| Problem::new(line_of(pos), "xml", format!("bad text: {e}")))?;
                let text = quick_xml::escape::unescape(&text)
                    .map_err(|e| Problem::new(line_of(pos), "xml", format!("bad escape: {e}")))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                // Only the predefined and numeric entities exist here; anything else is an error.
                let name = String::from_utf8_lossy(&r).to_string();
                let reference = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&reference)
                    .map_err(|_| {
                        Problem::new(line_of(pos), "xml", format!("unknown entity {reference}"))
                    })?
                    .into_owned();
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let node = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Err(Problem::new(line_of(pos), "xml", "unbalanced end tag")),
                }
            }
            Event::DocType(_) => {
                return Err(Problem::new(
                    line_of(pos),
                    "xml",
                    "a DOCTYPE is not allowed in a DDEX message",
                ));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if stack.len() != 1 {
        return Err(Problem::new(
            line_of(bytes.len() as u64),
            "xml",
            "the document ends inside an element",
        ));
    }
    let mut document = stack.pop().unwrap_or_default();
    let root = document
        .children
        .pop()
        .ok_or_else(|| Problem::new(1, "xml", "the document is empty"))?;
    Ok((root, namespace))
}

fn root_namespace(e: &quick_xml::events::BytesStart<'_>) -> String {
    e.attributes()
        .flatten()
        .find(|a| {
            a.key.as_ref().starts_with(b"xmlns") && a.value.starts_with(b"http://ddex.net/xml/ern/")
        })
        .map(|a| String::from_utf8_lossy(&a.value).to_string())
        .unwrap_or_default()
}

struct PartyEntry {
    names: Vec<String>,
    ids: Vec<String>,
}

impl PartyEntry {
    fn display(&self) -> String {
        self.names
            .first()
            .or(self.ids.first())
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads a DDEX ERN 4.x `NewReleaseMessage`. `parties` are the registry's parties, to which
/// rights controllers are matched. Either every `SoundRecording` is valid and the records come
/// back, or every problem found comes back.
pub fn parse_ddex(bytes: &[u8], parties: &[Party]) -> Result<Vec<CatalogRecord>, Vec<Problem>> {
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(vec![Problem::new(
            0,
            "file",
            format!(
                "larger than {} MiB: split the message",
                MAX_CATALOGUE_BYTES >> 20
            ),
        )]);
    }
    let (root, namespace) = parse_tree(bytes).map_err(|p| vec![p])?;
    if root.name != "NewReleaseMessage" {
        return Err(vec![Problem::new(
            root.line,
            &root.name,
            "expected a DDEX ERN NewReleaseMessage",
        )]);
    }
    let version = namespace.trim_start_matches("http://ddex.net/xml/ern/");
    if !version.starts_with('4') {
        let found = if namespace.is_empty() {
            "no ERN namespace".to_string()
        } else {
            format!("namespace {namespace}")
        };
        return Err(vec![Problem::new(
            root.line,
            "NewReleaseMessage",
            format!("{found}: only ERN 4.x (http://ddex.net/xml/ern/4x) is read"),
        )]);
    }
    let mut party_list: HashMap<String, PartyEntry> = HashMap::new();
    for party in root
        .child("PartyList")
        .into_iter()
        .flat_map(|l| l.children_named("Party"))
    {
        let Some(reference) = party.text_at(&["PartyReference"]) else {
            continue;
        };
        let names = party
            .children_named("PartyName")
            .filter_map(|n| n.text_at(&["FullName"]))
            .map(String::from)
            .collect();
        let ids = party
            .children_named("PartyId")
            .flat_map(|id| {
                id.children
                    .iter()
                    .filter(|c| c.name == "ProprietaryId" || c.name == "DPID" || c.name == "ISNI")
            })
            .map(|c| c.text.trim().to_string())
            .chain(
                party
                    .children_named("PartyId")
                    .map(|id| id.text.trim().to_string()),
            )
            .filter(|s| !s.is_empty())
            .collect();
        party_list.insert(reference.to_string(), PartyEntry { names, ids });
    }
    let resolve = |entry: &PartyEntry| -> Option<String> {
        for id in &entry.ids {
            if let Some(p) = parties.iter().find(|p| p.id.eq_ignore_ascii_case(id)) {
                return Some(p.id.clone());
            }
        }
        entry.names.iter().find_map(|n| {
            parties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(n) || p.id.eq_ignore_ascii_case(n))
                .map(|p| p.id.clone())
        })
    };
    let mut problems = Vec::new();
    let mut records = Vec::new();
    let recordings: Vec<&Node> = root
        .child("ResourceList")
        .into_iter()
        .flat_map(|l| l.children_named("SoundRecording"))
        .collect();
    if recordings.is_empty() {
        problems.push(Problem::new(
            root.line,
            "ResourceList",
            "no SoundRecording found",
        ));
    }
    for rec in recordings {
        let before = problems.len();
        let line = rec.line;
        let isrc = match rec.find("ISRC") {
            None => {
                problems.push(Problem::new(line, "ISRC", "the SoundRecording has no ISRC"));
                None
            }
            Some(n) => n
                .text
                .trim()
                .parse()
                .map_err(|e: fermata_registry::RegistryError| {
                    problems.push(Problem::new(n.line, "ISRC", e.to_string()))
                })
                .ok(),
        };
        let title = rec
            .text_at(&["DisplayTitleText"])
            .or_else(|| rec.text_at(&["DisplayTitle", "TitleText"]))
            .unwrap_or_default()
            .to_string();
        if title.is_empty() {
            problems.push(Problem::new(
                line,
                "DisplayTitleText",
                "the SoundRecording has no title",
            ));
        }
        let party_name = |reference: Option<&str>| {
            reference
                .and_then(|r| party_list.get(r))
                .map(PartyEntry::display)
        };
        let display_artist = rec.child("DisplayArtist");
        let artist = rec
            .text_at(&["DisplayArtistName"])
            .map(String::from)
            .or_else(|| {
                display_artist.and_then(|a| a.text_at(&["PartyName", "FullName"]).map(String::from))
            })
            .or_else(|| {
                party_name(display_artist.and_then(|a| a.text_at(&["ArtistPartyReference"])))
            })
            .unwrap_or_default();
        if artist.is_empty() {
            problems.push(Problem::new(
                line,
                "DisplayArtistName",
                "the SoundRecording has no display artist",
            ));
        }
        let duration_s = match rec.child("Duration") {
            None => None,
            Some(d) => {
                let parsed = parse_duration(&d.text);
                if parsed.is_none() {
                    problems.push(Problem::new(
                        d.line,
                        "Duration",
                        format!(
                            "'{}' is not an ISO 8601 duration like PT3M21S",
                            d.text.trim()
                        ),
                    ));
                }
                parsed
            }
        };
        let iswc = rec.find("ISWC").and_then(|n| {
            n.text
                .trim()
                .parse()
                .map_err(|e: fermata_registry::RegistryError| {
                    problems.push(Problem::new(n.line, "ISWC", e.to_string()))
                })
                .ok()
        });
        let audio = rec
            .find_under("File", "URI")
            .or_else(|| rec.find_under("File", "FileName"))
            .map(|n| n.text.trim().to_string())
            .unwrap_or_default();
        if audio.is_empty() {
            problems.push(Problem::new(
                line,
                "File/URI",
                "the SoundRecording names no audio file (TechnicalDetails/DeliveryFile/File/URI)",
            ));
        }
        let mut credits = Vec::new();
        for a in rec.children_named("DisplayArtist") {
            if let Some(name) = a
                .text_at(&["PartyName", "FullName"])
                .map(String::from)
                .or_else(|| party_name(a.text_at(&["ArtistPartyReference"])))
            {
                credits.push(Credit {
                    role: "performer".into(),
                    name,
                });
            }
        }
        for c in rec.children_named("Contributor") {
            let Some(name) = c
                .text_at(&["PartyName", "FullName"])
                .map(String::from)
                .or_else(|| party_name(c.text_at(&["ContributorPartyReference"])))
            else {
                problems.push(Problem::new(
                    c.line,
                    "Contributor",
                    "names no party in the PartyList",
                ));
                continue;
            };
            let roles: Vec<&Node> = c.children_named("Role").collect();
            if roles.is_empty() {
                credits.push(Credit {
                    role: "contributor".into(),
                    name: name.clone(),
                });
            }
            for role in roles {
                let role = role.text.trim();
                let role = if role == "UserDefined" {
                    "contributor".to_string()
                } else {
                    role.to_ascii_lowercase()
                };
                credits.push(Credit {
                    role,
                    name: name.clone(),
                });
            }
        }
        let mut shares = Vec::new();
        let before_controllers = problems.len();
        for rc in rec.children_named("ResourceRightsController") {
            let Some(reference) = rc.text_at(&["RightsControllerPartyReference"]) else {
                problems.push(Problem::new(
                    rc.line,
                    "RightsControllerPartyReference",
                    "the rights controller names no party",
                ));
                continue;
            };
            let Some(entry) = party_list.get(reference) else {
                problems.push(Problem::new(
                    rc.line,
                    "RightsControllerPartyReference",
                    format!("'{reference}' is not in the PartyList"),
                ));
                continue;
            };
            let Some(holder) = resolve(entry) else {
                problems.push(Problem::new(
                    rc.line,
                    "ResourceRightsController",
                    format!("rights controller '{}' is not a registered party: add it with `fermata party add` (its id or name must match)", entry.display()),
                ));
                continue;
            };
            let pct = rc.text_at(&["RightSharePercentage"]).unwrap_or("100");
            let basis_points = match fermata_registry::parse_percent(pct) {
                Some(bp) => bp,
                None => {
                    problems.push(Problem::new(
                        rc.line,
                        "RightSharePercentage",
                        format!("'{pct}' is not a percentage between 0.01 and 100"),
                    ));
                    continue;
                }
            };
            let territories: Vec<&str> = rc
                .children_named("TerritoryCode")
                .map(|t| t.text.trim())
                .collect();
            let territories = if territories.is_empty() {
                vec!["Worldwide"]
            } else {
                territories
            };
            for t in territories {
                let territory = if t.eq_ignore_ascii_case("worldwide") {
                    Ok(Territory::world())
                } else {
                    t.parse::<Territory>()
                };
                match territory {
                    Ok(territory) => shares.push(Share {
                        territory,
                        holder: holder.clone(),
                        basis_points,
                    }),
                    Err(e) => problems.push(Problem::new(rc.line, "TerritoryCode", e.to_string())),
                }
            }
        }
        if !shares.is_empty() && problems.len() == before_controllers {
            shares.sort();
            if let Err(e) = validate_shares(&shares) {
                problems.push(Problem::new(
                    line,
                    "ResourceRightsController",
                    e.to_string(),
                ));
            }
        }
        if let (Some(isrc), true) = (isrc, problems.len() == before) {
            records.push(CatalogRecord {
                line,
                isrc,
                title,
                artist,
                duration_s,
                iswc,
                audio,
                shares,
                credits,
            });
        }
    }
    finish(records, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fermata_registry::PartyKind;

    fn parties() -> Vec<Party> {
        let p = |id: &str, name: &str, kind| Party {
            id: id.into(),
            kind,
            name: name.into(),
            created_at: String::new(),
        };
        vec![
            p("indie-records", "Indie Records", PartyKind::Label),
            p("north-pub", "North Publishing", PartyKind::Publisher),
        ]
    }

    const GOOD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43" AvsVersionId="4.3">
  <PartyList>
    <Party><PartyReference>P1</PartyReference><PartyName><FullName>Indie Records</FullName></PartyName></Party>
    <Party><PartyReference>P2</PartyReference><PartyId><ProprietaryId Namespace="PADPIDA0000000001">north-pub</ProprietaryId></PartyId></Party>
    <Party><PartyReference>P3</PartyReference><PartyName><FullName>Jane Doe &amp; Co</FullName></PartyName></Party>
  </PartyList>
  <ResourceList>
    <SoundRecording>
      <ResourceReference>A1</ResourceReference>
      <SoundRecordingEdition>
        <ResourceId><ISRC>GBAYE6900531</ISRC></ResourceId>
        <TechnicalDetails><DeliveryFile><File><URI>resources/a1.flac</URI></File></DeliveryFile></TechnicalDetails>
      </SoundRecordingEdition>
      <DisplayTitleText>First Song</DisplayTitleText>
      <DisplayArtistName>The Band</DisplayArtistName>
      <DisplayArtist><ArtistPartyReference>P3</ArtistPartyReference></DisplayArtist>
      <Contributor><ContributorPartyReference>P3</ContributorPartyReference><Role>Composer</Role></Contributor>
      <ResourceRightsController><RightsControllerPartyReference>P1</RightsControllerPartyReference><RightSharePercentage>75</RightSharePercentage></ResourceRightsController>
      <ResourceRightsController><RightsControllerPartyReference>P2</RightsControllerPartyReference><RightSharePercentage>25</RightSharePercentage></ResourceRightsController>
      <Duration>PT3M21S</Duration>
    </SoundRecording>
    <SoundRecording>
      <SoundRecordingEdition><ResourceId><ISRC>GB-AYE-69-00532</ISRC></ResourceId>
        <TechnicalDetails><DeliveryFile><File><URI>resources/a2.flac</URI></File></DeliveryFile></TechnicalDetails></SoundRecordingEdition>
      <DisplayTitle><TitleText>Second</TitleText></DisplayTitle>
      <DisplayArtistName>The Band</DisplayArtistName>
    </SoundRecording>
  </ResourceList>
</ern:NewReleaseMessage>"#;

    #[test]
    fn reads_sound_recordings_with_their_controllers() {
        let records = parse_ddex(GOOD.as_bytes(), &parties()).unwrap();
        assert_eq!(records.len(), 2);
        let a = &records[0];
        assert_eq!(
            (a.isrc.as_str(), a.title.as_str(), a.artist.as_str()),
            ("GBAYE6900531", "First Song", "The Band")
        );
        assert_eq!(a.duration_s, Some(201.0));
        assert_eq!(a.audio, "resources/a1.flac");
        assert_eq!(a.line, 9);
        let shares: Vec<(&str, u32)> = a
            .shares
            .iter()
            .map(|s| (s.holder.as_str(), s.basis_points))
            .collect();
        assert_eq!(shares, vec![("indie-records", 7500), ("north-pub", 2500)]);
        assert!(
            a.credits
                .iter()
                .any(|c| c.role == "composer" && c.name == "Jane Doe & Co")
        );
        assert!(records[1].shares.is_empty());
        assert_eq!(records[1].title, "Second");
    }

    #[test]
    fn every_bad_element_is_reported() {
        let bad = GOOD
            .replace("GBAYE6900531", "GBAYE69005")
            .replace(
                "<RightSharePercentage>25</RightSharePercentage>",
                "<RightSharePercentage>20</RightSharePercentage>",
            )
            .replace(
                "<DisplayTitle><TitleText>Second</TitleText></DisplayTitle>",
                "",
            )
            .replace("PT3M21S", "3 minutes");
        let problems = parse_ddex(bad.as_bytes(), &parties()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "ResourceRightsController",
                "ISRC",
                "Duration",
                "DisplayTitleText"
            ],
            "{problems:?}"
        );
        assert_eq!(problems[1].line, 12);
    }

    #[test]
    fn unknown_controllers_and_wrong_documents_are_refused() {
        let unknown = GOOD.replace("Indie Records", "Someone Else");
        let problems = parse_ddex(unknown.as_bytes(), &parties()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].reason.contains("fermata party add"),
            "{problems:?}"
        );
        let old = GOOD.replace("ern/43", "ern/382");
        assert!(
            parse_ddex(old.as_bytes(), &parties()).unwrap_err()[0]
                .reason
                .contains("only ERN 4.x")
        );
        assert_eq!(
            parse_ddex(b"<a><b></a>", &parties()).unwrap_err()[0].field,
            "xml"
        );
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
        assert!(parse_ddex(doctype.as_bytes(), &parties()).is_err());
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert!(
            parse_ddex(deep.as_bytes(), &parties()).unwrap_err()[0]
                .reason
                .contains("deeper")
        );
    }
}
