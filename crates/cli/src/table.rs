//! Plain aligned text tables for people (machines get `--json`).

/// A table with a header row; columns are as wide as their widest cell.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right_aligned: Vec<bool>,
}

impl Table {
    /// A table with these column names; names starting with '>' are right-aligned (numbers).
    pub(crate) fn new(columns: &[&str]) -> Table {
        Table {
            header: columns
                .iter()
                .map(|c| c.trim_start_matches('>').to_string())
                .collect(),
            right_aligned: columns.iter().map(|c| c.starts_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; control characters in the cells are escaped (see [`printable`]).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(printable).collect());
    }

    pub(crate) fn render(&self) -> String {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut parts = Vec::with_capacity(n);
            for (i, (width, right_aligned)) in widths.iter().zip(&self.right_aligned).enumerate() {
                let cell = cells.get(i).map_or("", String::as_str);
                let pad = width.saturating_sub(cell.chars().count());
                parts.push(if *right_aligned {
                    format!("{}{cell}", " ".repeat(pad))
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                });
            }
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&self.header);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// A cell as it is safe to print on a terminal. Text from API callers and catalogues (a model
/// name, a title) could otherwise move the cursor, recolour or clear the screen, rewrite the
/// line (`\r`), or reorder what follows it: control characters (C0, DEL, C1), the
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the line
/// and paragraph separators (U+2028, U+2029) are written as visible escapes: `\n`, `\r`, `\t`,
/// `\x1b`, `\u{202e}`. Only tables get this; `--json` output carries the text as it is.
pub(crate) fn printable(cell: String) -> String {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
    };
    if !cell.chars().any(unsafe_char) {
        return cell;
    }
    let mut out = String::with_capacity(cell.len() + 8);
    for c in cell.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) && c.is_ascii() => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)))
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Seconds as m:ss.s.
pub(crate) fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0);
    format!("{}:{:04.1}", (s / 60.0).floor() as u64, s % 60.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let mut t = Table::new(&["NAME", ">N"]);
        t.row(vec!["a".into(), "1".into()]);
        t.row(vec!["long name".into(), "100".into()]);
        assert_eq!(
            t.render(),
            "NAME         N\na            1\nlong name  100\n"
        );
        assert_eq!(clock(75.25), "1:15.2");
    }

    #[test]
    fn control_characters_in_cells_are_escaped() {
        let mut t = Table::new(&["MODEL", ">N"]);
        t.row(vec![
            "evil\u{1b}[2J\rname\u{7f}\u{9b}31m".into(),
            "1".into(),
        ]);
        t.row(vec![
            "abc\u{202e}gpj.exe\u{2066}x\u{2069}\n\t".into(),
            "2".into(),
        ]);
        t.row(vec!["Ünïcode 音楽".into(), "3".into()]);
        let out = t.render();
        let bad = |c: char| {
            c.is_control() && c != '\n'
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        };
        assert!(!out.chars().any(bad), "{out:?}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "a cell cannot add lines: {out:?}");
        assert!(
            lines[1].starts_with("evil\\x1b[2J\\rname\\x7f\\u{9b}31m "),
            "{out}"
        );
        assert!(
            lines[2].starts_with("abc\\u{202e}gpj.exe\\u{2066}x\\u{2069}\\n\\t "),
            "{out}"
        );
        assert!(lines[3].starts_with("Ünïcode 音楽 "), "{out}");
        // The escapes are counted in the widths: the numbers stay aligned.
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count()),
            "{out}"
        );
    }
}
