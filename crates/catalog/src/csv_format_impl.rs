//! The CSV reader (the layout is documented in `csv_format`).

use crate::csv_format::{COLUMNS, REQUIRED};
use crate::{
    CatalogRecord, MAX_CATALOGUE_BYTES, Parsed, Problem, finish, parse_credits, parse_duration,
};
use fermata_registry::{Share, Territory, parse_percent, validate_party_id, validate_shares};
use std::collections::HashMap;

/// Reads a CSV catalogue. Either every row is valid and the records come back in file order,
/// or every problem found (in every row) comes back and nothing should be imported.
///
/// The notes (ignored columns, 0 % shares left out) are dropped; [`read_csv`] returns them.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<CatalogRecord>, Vec<Problem>> {
    read_csv(bytes).map(|parsed| parsed.records)
}

/// Reads a CSV catalogue like [`parse_csv`], and also returns the notes to show the user:
/// things done that do not stop the import (a column that is not fermata's ignored, a 0 %
/// share left out), each with its line, field and what was done.
pub fn read_csv(bytes: &[u8]) -> Result<Parsed, Vec<Problem>> {
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(vec![Problem::new(
            0,
            "file",
            format!(
                "larger than {} MiB: split the catalogue",
                MAX_CATALOGUE_BYTES >> 20
            ),
        )]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = detect_delimiter(bytes);
    // A comma can only be a decimal comma where it cannot be the separator.
    let decimal_comma = delimiter != b',';
    let lines = LineIndex::new(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            return Err(vec![Problem::new(
                1,
                "header",
                format!("cannot read the header row: {e}"),
            )]);
        }
    };
    let lower: Vec<String> = header.iter().map(|c| c.to_lowercase()).collect();
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, name) in lower.iter().enumerate() {
        match COLUMNS.iter().find(|c| **c == name.as_str()) {
            Some(c) if column.contains_key(c) => {
                problems.push(Problem::new(1, name, "this column appears twice: keep one"))
            }
            Some(c) => {
                column.insert(c, i);
            }
            None => {}
        }
    }
    for (i, name) in lower.iter().enumerate() {
        if COLUMNS.contains(&name.as_str()) {
            continue;
        }
        let misspelt = COLUMNS.iter().find(|c| {
            !column.contains_key(*c) && name.chars().count() >= 3 && is_misspelling(name, c)
        });
        match misspelt {
            // A misspelt `shares` must not silently give the importing holder 100 %.
            Some(c) => problems.push(Problem::new(
                1,
                &header[i],
                format!(
                    "unknown column; did you mean '{c}'? Rename it (the columns are {})",
                    COLUMNS.join(", ")
                ),
            )),
            None if name.is_empty() => {
                notes.push(Problem::new(
                    1,
                    &format!("column {}", i + 1),
                    "has no name in the header row: ignored",
                ));
            }
            None => notes.push(Problem::new(
                1,
                &header[i],
                format!(
                    "not a fermata column: ignored (the columns are {})",
                    COLUMNS.join(", ")
                ),
            )),
        }
    }
    for required in REQUIRED {
        if !column.contains_key(required) {
            problems.push(Problem::new(
                1,
                required,
                "required column is missing: add it to the header row",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } if len > expected_len => format!(
                        "has {len} fields, the header has {expected_len}: quote values that contain the separator '{}'{}",
                        char::from(delimiter),
                        if delimiter == b',' { " (and write decimals with a dot: 150.00, not 150,00)" } else { "" }
                    ),
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("has {len} fields, the header has {expected_len}: every row needs a value (or an empty one) for each column")
                    }
                    csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8: save the file as UTF-8 (\"CSV UTF-8\" in spreadsheet programs)".to_string(),
                    _ => e.to_string(),
                };
                problems.push(Problem::new(line, "row", reason));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| lines.line_of(p.byte()));
        let get = |name: &str| column.get(name).and_then(|&i| row.get(i)).unwrap_or("");
        let before = problems.len();
        let isrc = get("isrc")
            .parse()
            .map_err(|e: fermata_registry::RegistryError| {
                problems.push(Problem::new(line, "isrc", e.to_string()))
            })
            .ok();
        let title = get("title").to_string();
        if title.is_empty() {
            problems.push(Problem::new(line, "title", "a title is required"));
        }
        let artist = get("artist").to_string();
        if artist.is_empty() {
            problems.push(Problem::new(line, "artist", "a display artist is required"));
        }
        let audio = get("audio").to_string();
        if audio.is_empty() {
            problems.push(Problem::new(
                line,
                "audio",
                "name the recording's audio file, relative to --audio DIR",
            ));
        }
        let duration_s = match get("duration") {
            "" => None,
            d => match number(d, decimal_comma) {
                Err(reason) => {
                    problems.push(Problem::new(line, "duration", reason));
                    None
                }
                Ok(n) => {
                    let parsed = parse_duration(&n);
                    if parsed.is_none() {
                        problems.push(Problem::new(
                            line,
                            "duration",
                            format!("'{d}' is not seconds, m:ss or PT#M#S"),
                        ));
                    }
                    parsed
                }
            },
        };
        let iswc = match get("iswc") {
            "" => None,
            i => i
                .parse()
                .map_err(|e: fermata_registry::RegistryError| {
                    problems.push(Problem::new(line, "iswc", e.to_string()))
                })
                .ok(),
        };
        let shares = match read_shares(get("shares"), decimal_comma) {
            Ok((shares, zero)) => {
                for z in zero {
                    notes.push(Problem::new(
                        line,
                        "shares",
                        format!(
                            "{} has 0 % in {}: left out (only holders with a share are recorded)",
                            z.holder, z.territory
                        ),
                    ));
                }
                shares
            }
            Err(reason) => {
                problems.push(Problem::new(line, "shares", reason));
                Vec::new()
            }
        };
        let credits = parse_credits(get("credits")).unwrap_or_else(|e| {
            problems.push(Problem::new(line, "credits", e));
            Vec::new()
        });
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
    if records.is_empty() && problems.is_empty() {
        problems.push(Problem::new(0, "file", "no rows after the header"));
    }
    let records = finish(records, problems)?;
    notes.sort_by_key(|n| n.line);
    Ok(Parsed { records, notes })
}

/// The separator, from the header row: `;` (what spreadsheets write where the comma is the
/// decimal separator, e.g. in French, Spanish or Portuguese settings) or a tab when the header
/// has more of them than commas, else `,`.
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    match counts {
        [c, s, t] if s > c && s >= t => b';',
        [c, _, t] if t > c => b'\t',
        _ => b',',
    }
}

/// A number as written in the file, with a dot as decimal separator. A decimal comma is read
/// as a dot where the comma is not the separator, and refused with the fix where it is.
fn number(s: &str, decimal_comma: bool) -> Result<String, String> {
    let s = s.trim();
    if !s.contains(',') {
        Ok(s.to_string())
    } else if decimal_comma {
        Ok(s.replace(',', "."))
    } else {
        Err(format!(
            "'{s}' has a decimal comma: use a dot as the decimal separator ({})",
            s.replace(',', ".")
        ))
    }
}

/// Parses `[TERRITORY:]HOLDER=PERCENT;...` and checks that each territory sums to 100 %.
/// Returns the shares and, apart, the 0 % ones (a holder listed with nothing: left out).
fn read_shares(s: &str, decimal_comma: bool) -> Result<(Vec<Share>, Vec<Share>), String> {
    let mut all = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (left, pct) = part.split_once('=').ok_or_else(|| {
            format!(
                "'{part}' is not [TERRITORY:]HOLDER=PERCENT; write e.g. WORLD:indie-records=100"
            )
        })?;
        let (territory, holder) = match left.split_once(':') {
            Some((t, h)) => (
                t.trim().parse::<Territory>().map_err(|e| e.to_string())?,
                h.trim(),
            ),
            None => (Territory::world(), left.trim()),
        };
        validate_party_id(holder).map_err(|e| e.to_string())?;
        let pct = number(pct, decimal_comma)?;
        let basis_points = if is_zero_percent(&pct) {
            0
        } else {
            parse_percent(&pct).ok_or_else(|| {
                format!(
                    "'{pct}' is not a percentage from 0 to 100 with at most two decimals (33.33)"
                )
            })?
        };
        all.push(Share {
            territory,
            holder: holder.to_string(),
            basis_points,
        });
    }
    all.sort();
    if all.is_empty() {
        return Ok((all, Vec::new()));
    }
    // Sums and repeated holders are checked with the 0 % shares still in, so that a territory
    // whose shares are all 0 % is an error rather than vanishing.
    validate_shares(&all).map_err(|e| e.to_string())?;
    let (zero, shares): (Vec<Share>, Vec<Share>) =
        all.into_iter().partition(|s| s.basis_points == 0);
    Ok((shares, zero))
}

/// `0`, `0.0`, `0.00`, `0 %`.
fn is_zero_percent(s: &str) -> bool {
    let s = s.trim().trim_end_matches('%').trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b == b'0')
        && frac.len() <= 2
        && frac.bytes().all(|b| b == b'0')
}

/// `name` is `column` misspelt: one letter off for the 4-letter names (so `isni`, an artist
/// identifier, is not taken for `iswc`), two for the longer ones (`sahres`, `durration`).
fn is_misspelling(name: &str, column: &str) -> bool {
    edit_distance(name, column) <= if column.len() <= 4 { 1 } else { 2 }
}

/// Levenshtein distance, for telling a misspelt column from a foreign one.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Line numbers from byte offsets, counting `\n`, `\r\n` and a lone `\r` as one line end each
/// (inside quoted cells too), so a row's line is the file's line where the row starts.
struct LineIndex<'a> {
    bytes: &'a [u8],
    starts: Vec<u64>,
}

impl LineIndex<'_> {
    fn new(bytes: &[u8]) -> LineIndex<'_> {
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i as u64 + 1);
            }
        }
        LineIndex { bytes, starts }
    }

    /// The 1-based line of the row starting at byte `offset`. The CSV reader ends a row at the
    /// `\r` of `\r\n` and starts the next one at the `\n` (and skips blank lines): the row's
    /// line is that of its first byte after the line ends.
    fn line_of(&self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        self.starts.partition_point(|&s| s <= offset as u64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_catalogue_reads_in_order() {
        let text = "\u{feff}ISRC,Title,Artist,Audio,Duration,ISWC,Shares,Credits\n\
                    GB-AYE-69-00531,\"Song, One\",Band,a.flac,3:21,T-034.524.680-1,\"indie=60;pub-b=40\",performer=Jane Doe\n\
                    GBAYE6900532,Two,Band,b.flac,,,,\n";
        let records = parse_csv(text.as_bytes()).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].title, "Song, One");
        assert_eq!(records[0].shares.len(), 2);
        assert_eq!(records[0].duration_s, Some(201.0));
        assert_eq!(records[1].line, 3);
        assert!(records[1].shares.is_empty());
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "isrc,title,artist,audio,shares\n\
                    GBAYE6900531,One,Band,a.flac,indie=100\n\
                    GBAYE690053X,Two,Band,b.flac,indie=100\n\
                    GBAYE6900533,,Band,c.flac,indie=50\n\
                    GBAYE6900531,Four,Band,d.flac,indie=100\n\
                    GBAYE6900535,Five,Band\n";
        let problems = parse_csv(text.as_bytes()).unwrap_err();
        let found: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "isrc"),
                (4, "title"),
                (4, "shares"),
                (5, "isrc"),
                (6, "row")
            ]
        );
        assert!(
            problems[3].reason.contains("line 2"),
            "{}",
            problems[2].reason
        );
    }

    #[test]
    fn header_problems() {
        let problems = parse_csv(b"isrc,title,artst,audio\n").unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.field == "artst" && p.reason.contains("unknown column"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.field == "artist" && p.reason.contains("missing"))
        );
        assert_eq!(
            parse_csv(b"isrc,title,artist,audio\n").unwrap_err()[0].reason,
            "no rows after the header"
        );
        assert!(
            parse_csv(b"isrc,title,artist,audio\nGBAYE6900531,\xff\xfe,a,b\n").unwrap_err()[0]
                .reason
                .contains("UTF-8")
        );
    }
}
