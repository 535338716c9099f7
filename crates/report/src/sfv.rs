//! A strict parser for Structured Field Dictionaries (RFC 9651, section 4.2.2), enough to read
//! an AI-preferences `Content-Usage` value: members are keys with an optional bare item
//! (token, string, integer, decimal, boolean, byte sequence) or inner list, each with
//! parameters. Any syntax error fails the whole dictionary, as the RFC requires.

use crate::ReportError;

fn bad(reason: String) -> ReportError {
    ReportError::Reservation {
        document: "structured field",
        reason,
    }
}

/// A bare item's value, as far as preferences need it.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A token, e.g. `y`.
    Token(String),
    /// A quoted string.
    String(String),
    /// An integer or decimal (kept as text).
    Number(String),
    /// `?1` / `?0`, or a key with no value (true).
    Boolean(bool),
    /// A byte sequence (kept encoded).
    Bytes(String),
    /// An inner list.
    InnerList,
}

/// Parses a dictionary into (key, value) in order; a repeated key keeps its last value
/// (RFC 9651: the later member replaces the earlier one, in its original position).
pub fn parse_dictionary(input: &str) -> Result<Vec<(String, Item)>, ReportError> {
    let b = input.as_bytes();
    let mut i = 0;
    let mut out: Vec<(String, Item)> = Vec::new();
    skip_sp(b, &mut i);
    if i == b.len() {
        return Ok(out);
    }
    loop {
        let key = parse_key(b, &mut i)?;
        let value = if b.get(i) == Some(&b'=') {
            i += 1;
            if b.get(i) == Some(&b'(') {
                parse_inner_list(b, &mut i)?;
                Item::InnerList
            } else {
                parse_bare_item(b, &mut i)?
            }
        } else {
            Item::Boolean(true)
        };
        parse_parameters(b, &mut i)?;
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => out.push((key, value)),
        }
        skip_ows(b, &mut i);
        if i == b.len() {
            return Ok(out);
        }
        if b[i] != b',' {
            return Err(bad(format!("expected ',' at byte {i}")));
        }
        i += 1;
        skip_ows(b, &mut i);
        if i == b.len() {
            return Err(bad("trailing ','".into()));
        }
    }
}

fn skip_sp(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i] == b' ' {
        *i += 1;
    }
}

fn skip_ows(b: &[u8], i: &mut usize) {
    while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
        *i += 1;
    }
}

fn parse_key(b: &[u8], i: &mut usize) -> Result<String, ReportError> {
    let start = *i;
    match b.get(*i) {
        Some(c) if c.is_ascii_lowercase() || *c == b'*' => *i += 1,
        _ => {
            return Err(bad(format!(
                "a key must start with a-z or '*' at byte {start}"
            )));
        }
    }
    while let Some(c) = b.get(*i) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'.' | b'*') {
            *i += 1;
        } else {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&b[start..*i]).into_owned())
}

fn parse_parameters(b: &[u8], i: &mut usize) -> Result<(), ReportError> {
    while b.get(*i) == Some(&b';') {
        *i += 1;
        skip_sp(b, i);
        parse_key(b, i)?;
        if b.get(*i) == Some(&b'=') {
            *i += 1;
            parse_bare_item(b, i)?;
        }
    }
    Ok(())
}

fn parse_inner_list(b: &[u8], i: &mut usize) -> Result<(), ReportError> {
    *i += 1; // '('
    loop {
        skip_sp(b, i);
        match b.get(*i) {
            Some(b')') => {
                *i += 1;
                return parse_parameters(b, i);
            }
            Some(_) => {
                parse_bare_item(b, i)?;
                parse_parameters(b, i)?;
                match b.get(*i) {
                    Some(b' ') | Some(b')') => {}
                    _ => return Err(bad(format!("bad inner list at byte {i}"))),
                }
            }
            None => return Err(bad("unterminated inner list".into())),
        }
    }
}

fn parse_bare_item(b: &[u8], i: &mut usize) -> Result<Item, ReportError> {
    let start = *i;
    match b.get(*i) {
        Some(b'-') | Some(b'0'..=b'9') => {
            *i += 1;
            let mut digits = 0;
            let mut dot = false;
            while let Some(c) = b.get(*i) {
                if c.is_ascii_digit() {
                    digits += 1;
                    *i += 1;
                } else if *c == b'.' && !dot {
                    dot = true;
                    *i += 1;
                } else {
                    break;
                }
            }
            if digits > 15 || (b[start] == b'-' && *i == start + 1) {
                return Err(bad(format!("bad number at byte {start}")));
            }
            Ok(Item::Number(
                String::from_utf8_lossy(&b[start..*i]).into_owned(),
            ))
        }
        Some(b'"') => {
            *i += 1;
            let mut s = String::new();
            loop {
                match b.get(*i) {
                    Some(b'\\') => {
                        match b.get(*i + 1) {
                            Some(c @ (b'"' | b'\\')) => s.push(*c as char),
                            _ => return Err(bad(format!("bad escape at byte {i}"))),
                        }
                        *i += 2;
                    }
                    Some(b'"') => {
                        *i += 1;
                        return Ok(Item::String(s));
                    }
                    Some(c) if (0x20..0x7f).contains(c) => {
                        s.push(*c as char);
                        *i += 1;
                    }
                    _ => return Err(bad(format!("bad string at byte {start}"))),
                }
            }
        }
        Some(b':') => {
            *i += 1;
            while let Some(c) = b.get(*i) {
                if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=') {
                    *i += 1;
                } else {
                    break;
                }
            }
            if b.get(*i) != Some(&b':') {
                return Err(bad(format!("bad byte sequence at byte {start}")));
            }
            *i += 1;
            Ok(Item::Bytes(
                String::from_utf8_lossy(&b[start..*i]).into_owned(),
            ))
        }
        Some(b'?') => match b.get(*i + 1) {
            Some(b'1') => {
                *i += 2;
                Ok(Item::Boolean(true))
            }
            Some(b'0') => {
                *i += 2;
                Ok(Item::Boolean(false))
            }
            _ => Err(bad(format!("bad boolean at byte {start}"))),
        },
        Some(c) if c.is_ascii_alphabetic() || *c == b'*' => {
            *i += 1;
            while let Some(c) = b.get(*i) {
                if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(c) {
                    *i += 1;
                } else {
                    break;
                }
            }
            Ok(Item::Token(
                String::from_utf8_lossy(&b[start..*i]).into_owned(),
            ))
        }
        _ => Err(bad(format!("expected a value at byte {start}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drafts_examples() {
        assert_eq!(
            parse_dictionary("train-ai=y, search=n").unwrap(),
            vec![
                ("train-ai".into(), Item::Token("y".into())),
                ("search".into(), Item::Token("n".into()))
            ]
        );
        // The last value of a repeated key wins (and then is not a token: unknown).
        let d = parse_dictionary("train-ai=y, train-ai, search=n, search=\"n\"").unwrap();
        assert_eq!(
            d,
            vec![
                ("train-ai".into(), Item::Boolean(true)),
                ("search".into(), Item::String("n".into()))
            ]
        );
        assert_eq!(
            parse_dictionary("train-ai;allow=n, train-ai=y").unwrap()[0].1,
            Item::Token("y".into())
        );
        assert!(
            parse_dictionary("Train-AI=n").is_err(),
            "keys are lower case"
        );
        assert!(parse_dictionary("train-ai=y,").is_err());
        assert!(parse_dictionary("train-ai=\"unterminated").is_err());
        assert_eq!(
            parse_dictionary("a=(1 2);x, b=:AQID:, c=?0, d=-1.5")
                .unwrap()
                .len(),
            4
        );
    }
}
