//! fermata's catalogue readers: they turn a rights holder's catalogue file into checked records,
//! or into a list of every problem in it (line, field, reason), never into half a catalogue.
//!
//! Two formats are read:
//!
//! - **CSV** (see [`csv_format`] for the columns), one recording per row;
//! - **DDEX ERN 4.x** (`NewReleaseMessage`), one record per `SoundRecording` in its
//!   `ResourceList`; rights controllers are matched to registry parties (see [`ddex`]).
//!
//! Nothing here touches the registry or the disk: callers pass the bytes and the known
//! parties, and get records to register.
//!
//! # Example
//!
//! ```
//! let csv = "isrc,title,artist,duration,audio,shares\n\
//!            GBAYE6900531,First Song,The Band,3:21,first.flac,indie-records=100\n\
//!            NOT-AN-ISRC,,The Band,,second.flac,\n";
//! let problems = fermata_catalog::parse_csv(csv.as_bytes()).unwrap_err();
//! // Every problem of the bad row is reported, with its line.
//! assert_eq!(problems.len(), 2);
//! assert_eq!((problems[0].line, problems[0].field.as_str()), (3, "isrc"));
//! assert_eq!(problems[1].field, "title");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod csv_format_impl;
pub mod ddex;

pub use csv_format_impl::{parse_csv, read_csv};
pub use ddex::parse_ddex;

use fermata_registry::{Credit, Isrc, Iswc, Share};
use serde::Serialize;
use std::fmt;

pub mod csv_format {
    //! The CSV layout, as documented to users.
    //!
    //! A header row names the columns, in any order (case-insensitive). The separator is a
    //! comma, or a semicolon (or a tab) when the header row has more of those than commas:
    //! spreadsheets set to French, Spanish or Portuguese save CSV with semicolons.
    //!
    //! | column     | required | content |
    //! |------------|----------|---------|
    //! | `isrc`     | yes      | the recording's ISRC, with or without hyphens |
    //! | `title`    | yes      | title |
    //! | `artist`   | yes      | display artist |
    //! | `audio`    | yes      | the audio file, relative to `--audio DIR` |
    //! | `duration` | no       | seconds (`201.5`), `m:ss` (`3:21`) or ISO 8601 (`PT3M21S`) |
    //! | `iswc`     | no       | the composition's ISWC (`T-034.524.680-1`) |
    //! | `shares`   | no       | `[TERRITORY:]HOLDER=PERCENT;...`, summing to 100 per territory; empty: the importing holder, 100 % worldwide |
    //! | `credits`  | no       | `role=Name;role=Name` (e.g. `performer=Jane Doe;composer=John Roe`) |
    //!
    //! Other columns are ignored, each with a note; but a column named at most two letters away
    //! from a missing one (`share`, `sahres`) is an error, so a misspelt `shares` cannot
    //! silently drop the splits. A 0 % share is read and left out, with a note.
    //!
    //! Numbers (durations, percentages) are written with a decimal dot. A decimal comma
    //! (`33,3`) is read as a decimal in a semicolon- or tab-separated file, where a comma cannot
    //! separate fields; in a comma-separated file it is refused with the fix (`33.3`).

    /// The columns a CSV catalogue may have.
    pub const COLUMNS: &[&str] = &[
        "isrc", "title", "artist", "audio", "duration", "iswc", "shares", "credits",
    ];
    /// The columns it must have.
    pub const REQUIRED: &[&str] = &["isrc", "title", "artist", "audio"];
}

/// Files larger than this are refused before parsing (a catalogue of a million works in DDEX
/// is well under it).
pub const MAX_CATALOGUE_BYTES: usize = 512 << 20;

/// One recording read from a catalogue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CatalogRecord {
    /// Where it is in the file (line of the CSV row or of the `SoundRecording` element).
    pub line: u64,
    /// The ISRC.
    pub isrc: Isrc,
    /// Title.
    pub title: String,
    /// Display artist.
    pub artist: String,
    /// Duration in seconds, if given.
    pub duration_s: Option<f64>,
    /// The composition's ISWC, if given.
    pub iswc: Option<Iswc>,
    /// The audio file, relative to the audio directory.
    pub audio: String,
    /// The shares; empty means the importing holder holds 100 % everywhere.
    pub shares: Vec<Share>,
    /// Credited people.
    pub credits: Vec<Credit>,
}

/// A catalogue read without problems.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parsed {
    /// The records, in file order.
    pub records: Vec<CatalogRecord>,
    /// What the user should know but that does not stop the import (a column that is not
    /// fermata's ignored, a 0 % share left out), by line; print them with the records' summary.
    pub notes: Vec<Problem>,
}

/// A problem found in a catalogue file (or, in [`Parsed::notes`], a notice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Line number (1-based; 0 for the file as a whole).
    pub line: u64,
    /// The field or element.
    pub field: String,
    /// What is wrong and what is expected.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

impl Problem {
    pub(crate) fn new(line: u64, field: &str, reason: impl Into<String>) -> Problem {
        Problem {
            line,
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// Parses a duration: seconds (`201.5`), `m:ss` / `h:mm:ss`, or ISO 8601 (`PT3M21.5S`).
pub fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let value = if let Some(iso) = s.strip_prefix("PT").or_else(|| s.strip_prefix("pt")) {
        let mut total = 0.0;
        let mut number = String::new();
        for c in iso.chars() {
            match c.to_ascii_uppercase() {
                '0'..='9' | '.' => number.push(c),
                unit @ ('H' | 'M' | 'S') => {
                    let n: f64 = number.parse().ok()?;
                    total += n * match unit {
                        'H' => 3600.0,
                        'M' => 60.0,
                        _ => 1.0,
                    };
                    number.clear();
                }
                _ => return None,
            }
        }
        if !number.is_empty() {
            return None;
        }
        total
    } else if s.contains(':') {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let mut total = 0.0;
        for p in parts {
            total = total * 60.0 + p.parse::<f64>().ok()?;
        }
        total
    } else {
        s.parse().ok()?
    };
    (value.is_finite() && value > 0.0).then_some(value)
}

/// Parses a credit list: `role=Name;role=Name`.
pub fn parse_credits(s: &str) -> Result<Vec<Credit>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((role, name)) if !role.trim().is_empty() && !name.trim().is_empty() => {
                Ok(Credit {
                    role: role.trim().to_ascii_lowercase(),
                    name: name.trim().to_string(),
                })
            }
            _ => Err(format!("'{p}' is not role=Name (e.g. performer=Jane Doe)")),
        })
        .collect()
}

/// Ends a parse: every ISRC listed twice is one more problem; with no problem the records come
/// back in file order, otherwise every problem does, by line.
pub(crate) fn finish(
    records: Vec<CatalogRecord>,
    mut problems: Vec<Problem>,
) -> Result<Vec<CatalogRecord>, Vec<Problem>> {
    let mut first_line: std::collections::HashMap<&Isrc, u64> = std::collections::HashMap::new();
    for r in &records {
        if let Some(first) = first_line.get(&r.isrc) {
            problems.push(Problem::new(
                r.line,
                "isrc",
                format!("{} is already listed on line {first}", r.isrc),
            ));
        } else {
            first_line.insert(&r.isrc, r.line);
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_usual_form() {
        assert_eq!(parse_duration("201.5"), Some(201.5));
        assert_eq!(parse_duration("3:21"), Some(201.0));
        assert_eq!(parse_duration("1:00:01"), Some(3601.0));
        assert_eq!(parse_duration("PT3M21S"), Some(201.0));
        assert_eq!(parse_duration("PT1H0M0.5S"), Some(3600.5));
        for bad in [
            "", "-3", "0", "3:", "PT3X", "PT3", "abc", "1:2:3:4", "NaN", "inf",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn credits() {
        assert_eq!(
            parse_credits("Performer=Jane Doe; composer=John Roe")
                .unwrap()
                .len(),
            2
        );
        assert!(parse_credits("Jane Doe").is_err());
    }
}

#[cfg(test)]
mod example_files {
    use fermata_registry::{Party, PartyKind};

    /// The examples the documentation points to must stay readable.
    #[test]
    fn the_repository_examples_parse() {
        let csv = parse_csv_file(include_bytes!("../../../examples/catalogue.csv"));
        assert_eq!(csv.len(), 4);
        assert_eq!(csv[2].title, "Quiet Hours, Pt. 2");
        assert_eq!(csv[2].shares.len(), 2);
        let semicolons =
            crate::read_csv(include_bytes!("../../../examples/catalogue-semicolon.csv"))
                .expect("the semicolon example parses");
        let records = &semicolons.records;
        assert_eq!(
            records.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 5]
        );
        assert_eq!(
            (records[0].title.as_str(), records[0].duration_s),
            ("Morning Light", Some(201.5))
        );
        assert_eq!(
            records[1]
                .shares
                .iter()
                .map(|s| s.basis_points)
                .collect::<Vec<_>>(),
            [6667, 3333]
        );
        assert_eq!(records[2].title, "Quiet Hours; Pt. 2");
        let notes: Vec<(u64, &str)> = semicolons
            .notes
            .iter()
            .map(|n| (n.line, n.field.as_str()))
            .collect();
        assert_eq!(notes, [(1, "Titre"), (1, "Notes"), (3, "shares")]);
        let party = |id: &str, name: &str| Party {
            id: id.into(),
            kind: PartyKind::Label,
            name: name.into(),
            created_at: String::new(),
        };
        let parties = [
            party("north-publishing", "North Publishing Ltd"),
            party("indie-records", "Indie Records"),
        ];
        let xml = crate::parse_ddex(
            include_bytes!("../../../examples/release-ern43.xml"),
            &parties,
        )
        .expect("the DDEX example parses");
        assert_eq!(xml.len(), 2);
        assert_eq!(
            xml[0].shares.iter().map(|s| s.basis_points).sum::<u32>(),
            10_000
        );
        assert_eq!(xml[0].credits.len(), 2);
    }

    fn parse_csv_file(bytes: &[u8]) -> Vec<crate::CatalogRecord> {
        crate::parse_csv(bytes).expect("the CSV example parses")
    }
}
