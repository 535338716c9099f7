//! The CSV reader (the layout is documented in `csv_format`).

use crate::csv_format::{COLUMNS, REQUIRED};
use crate::{finish, parse_credits, parse_duration, CatalogRecord, Problem, MAX_CATALOGUE_BYTES};
use fermata_registry::{parse_shares, validate_shares};
use std::collections::HashMap;

/// Reads a CSV catalogue. Either every row is valid and the records come back in file order,
/// or every problem found (in every row) comes back and nothing should be imported.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<CatalogRecord>, Vec<Problem>> {
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(vec![Problem::new(0, "file", format!("larger than {} MiB: split the catalogue", MAX_CATALOGUE_BYTES >> 20))]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).trim(csv::Trim::All).from_reader(bytes);
    let mut problems = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![Problem::new(1, "header", format!("cannot read the header row: {e}"))]),
    };
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().find(|c| **c == name.as_str()) {
            Some(c) if column.contains_key(c) => problems.push(Problem::new(1, name, "this column appears twice")),
            Some(c) => {
                column.insert(c, i);
            }
            None => problems.push(Problem::new(1, name, format!("unknown column; the columns are {}", COLUMNS.join(", ")))),
        }
    }
    for required in REQUIRED {
        if !column.contains_key(required) {
            problems.push(Problem::new(1, required, "required column is missing"));
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
                let line = e.position().map_or(0, |p| p.line());
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("has {len} fields, the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8: save the file as UTF-8".to_string(),
                    _ => e.to_string(),
                };
                problems.push(Problem::new(line, "row", reason));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        let get = |name: &str| column.get(name).and_then(|&i| row.get(i)).unwrap_or("");
        let before = problems.len();
        let isrc = get("isrc").parse().map_err(|e: fermata_registry::RegistryError| problems.push(Problem::new(line, "isrc", e.to_string()))).ok();
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
            problems.push(Problem::new(line, "audio", "name the recording's audio file, relative to --audio DIR"));
        }
        let duration_s = match get("duration") {
            "" => None,
            d => {
                let parsed = parse_duration(d);
                if parsed.is_none() {
                    problems.push(Problem::new(line, "duration", format!("'{d}' is not seconds, m:ss or PT#M#S")));
                }
                parsed
            }
        };
        let iswc = match get("iswc") {
            "" => None,
            i => i.parse().map_err(|e: fermata_registry::RegistryError| problems.push(Problem::new(line, "iswc", e.to_string()))).ok(),
        };
        let shares = parse_shares(get("shares"))
            .and_then(|s| if s.is_empty() { Ok(s) } else { validate_shares(&s).map(|()| s) })
            .unwrap_or_else(|e| {
                problems.push(Problem::new(line, "shares", e.to_string()));
                Vec::new()
            });
        let credits = parse_credits(get("credits")).unwrap_or_else(|e| {
            problems.push(Problem::new(line, "credits", e));
            Vec::new()
        });
        if let (Some(isrc), true) = (isrc, problems.len() == before) {
            records.push(CatalogRecord { line, isrc, title, artist, duration_s, iswc, audio, shares, credits });
        }
    }
    if records.is_empty() && problems.is_empty() {
        problems.push(Problem::new(0, "file", "no rows after the header"));
    }
    finish(records, problems)
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
        let found: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(found, vec![(3, "isrc"), (4, "title"), (4, "shares"), (5, "isrc"), (6, "row")]);
        assert!(problems[3].reason.contains("line 2"), "{}", problems[2].reason);
    }

    #[test]
    fn header_problems() {
        let problems = parse_csv(b"isrc,title,artst,audio\n").unwrap_err();
        assert!(problems.iter().any(|p| p.field == "artst" && p.reason.contains("unknown column")));
        assert!(problems.iter().any(|p| p.field == "artist" && p.reason.contains("missing")));
        assert_eq!(parse_csv(b"isrc,title,artist,audio\n").unwrap_err()[0].reason, "no rows after the header");
        assert!(parse_csv(b"isrc,title,artist,audio\nGBAYE6900531,\xff\xfe,a,b\n").unwrap_err()[0].reason.contains("UTF-8"));
    }
}
