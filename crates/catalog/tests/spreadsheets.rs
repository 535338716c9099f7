//! Catalogues as real spreadsheet programs save them: extra columns, 0 % shares, semicolons,
//! Windows line endings, cells with line breaks, decimal commas.

use fermata_catalog::{parse_csv, read_csv};

#[test]
fn unknown_extra_columns_are_ignored() {
    let text = "isrc,title,artist,audio,Label copy notes,ISNI,\n\
                GBAYE6900531,One,Band,a.flac,internal only,0000000121032683,\n";
    let records = parse_csv(text.as_bytes()).expect("extra columns do not stop the import");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].title, "One");
    // Each ignored column is a note the caller shows, naming the column.
    let notes = read_csv(text.as_bytes()).unwrap().notes;
    let found: Vec<(u64, &str)> = notes.iter().map(|n| (n.line, n.field.as_str())).collect();
    assert_eq!(
        found,
        [(1, "Label copy notes"), (1, "ISNI"), (1, "column 7")]
    );
    assert!(notes[0].reason.contains("ignored"), "{}", notes[0].reason);
}

#[test]
fn a_misspelt_column_is_still_an_error() {
    for (header, meant) in [
        ("sahres", "shares"),
        ("Share", "shares"),
        ("credit", "credits"),
        ("durration", "duration"),
        ("iswk", "iswc"),
    ] {
        let text = format!("isrc,title,artist,audio,{header}\nGBAYE6900531,One,Band,a.flac,x\n");
        let problems = parse_csv(text.as_bytes()).unwrap_err();
        assert_eq!((problems[0].line, problems[0].field.as_str()), (1, header));
        assert!(
            problems[0]
                .reason
                .contains(&format!("did you mean '{meant}'")),
            "{}",
            problems[0].reason
        );
    }
}

#[test]
fn a_zero_share_is_allowed() {
    let text = "isrc,title,artist,audio,shares\n\
                GBAYE6900531,One,Band,a.flac,indie-records=100;pub-b=0\n";
    let records = parse_csv(text.as_bytes()).expect("a 0 % share is read");
    assert_eq!(
        records[0]
            .shares
            .iter()
            .map(|s| s.basis_points)
            .sum::<u32>(),
        10_000
    );
    // The 0 % holder is left out (the registry records holders with a share), with a note.
    assert_eq!(records[0].shares.len(), 1);
    assert_eq!(records[0].shares[0].holder, "indie-records");
    let notes = read_csv(text.as_bytes()).unwrap().notes;
    assert_eq!((notes[0].line, notes[0].field.as_str()), (2, "shares"));
    assert!(
        notes[0].reason.contains("pub-b has 0 %"),
        "{}",
        notes[0].reason
    );
    // Every format of zero; a territory whose shares are all 0 % still does not sum to 100.
    for zero in ["0", "0.0", "0.00", "0%"] {
        let text = format!(
            "isrc,title,artist,audio,shares\nGBAYE6900531,One,Band,a.flac,indie-records=100;pub-b={zero}\n"
        );
        assert!(parse_csv(text.as_bytes()).is_ok(), "{zero}");
    }
    let text = "isrc,title,artist,audio,shares\nGBAYE6900531,One,Band,a.flac,indie-records=100;DE:pub-b=0\n";
    let problems = parse_csv(text.as_bytes()).unwrap_err();
    assert!(
        problems[0].reason.contains("sum to 0%"),
        "{}",
        problems[0].reason
    );
}

#[test]
fn semicolon_separated_files_are_read() {
    let text = "isrc;title;artist;audio;duration\n\
                GBAYE6900531;\"Song, One\";Band;a.flac;3:21\n\
                GBAYE6900532;Two;Band;b.flac;\n";
    let records = parse_csv(text.as_bytes()).expect("a semicolon-separated file is read");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].title, "Song, One");
    assert_eq!(records[0].duration_s, Some(201.0));
}

#[test]
fn line_numbers_with_crlf_endings() {
    let text = "isrc,title,artist,audio\r\n\
                GBAYE6900531,One,Band,a.flac\r\n\
                GBAYE6900532,Two,Band,b.flac\r\n\
                GBAYE690053X,Three,Band,c.flac\r\n";
    let problems = parse_csv(text.as_bytes()).unwrap_err();
    assert_eq!(
        (problems[0].line, problems[0].field.as_str()),
        (4, "isrc"),
        "{problems:?}"
    );
    let good = text.replace("GBAYE690053X", "GBAYE6900533");
    let lines: Vec<u64> = parse_csv(good.as_bytes())
        .unwrap()
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(lines, [2, 3, 4]);
    // A row with a missing field, and blank lines, do not shift the count either.
    let text = "isrc,title,artist,audio\r\n\r\nGBAYE6900531,One,Band\r\nGBAYE6900532,Two,Band,b.flac,extra\r\n";
    let problems = parse_csv(text.as_bytes()).unwrap_err();
    let found: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(found, [(3, "row"), (4, "row")], "{problems:?}");
    assert!(
        problems[1]
            .reason
            .contains("quote values that contain the separator ','"),
        "{}",
        problems[1].reason
    );
    // Old Mac line ends (a lone CR).
    let text =
        "isrc,title,artist,audio\rGBAYE6900531,One,Band,a.flac\rGBAYE690053X,Two,Band,b.flac\r";
    assert_eq!(parse_csv(text.as_bytes()).unwrap_err()[0].line, 3);
}

#[test]
fn line_numbers_after_a_cell_with_line_breaks() {
    for eol in ["\n", "\r\n"] {
        let text = format!(
            "isrc,title,artist,audio{eol}\
             GBAYE6900531,\"Two{eol}line title\",Band,a.flac{eol}\
             GBAYE690053X,Three,Band,c.flac{eol}\
             GBAYE6900534,,Band,d.flac{eol}"
        );
        let problems = parse_csv(text.as_bytes()).unwrap_err();
        let found: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(found, [(4, "isrc"), (5, "title")], "{eol:?}");
    }
}

#[test]
fn a_decimal_comma_in_a_comma_separated_file_is_explained() {
    let text = "isrc,title,artist,audio,duration,shares\n\
                GBAYE6900531,One,Band,a.flac,\"201,5\",\"indie-records=66,7;pub-b=33,3\"\n";
    let problems = parse_csv(text.as_bytes()).unwrap_err();
    let found: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(found, [(2, "duration"), (2, "shares")], "{problems:?}");
    assert!(
        problems[0]
            .reason
            .contains("use a dot as the decimal separator (201.5)"),
        "{}",
        problems[0].reason
    );
    assert!(
        problems[1]
            .reason
            .contains("use a dot as the decimal separator (66.7)"),
        "{}",
        problems[1].reason
    );
}

#[test]
fn a_decimal_comma_in_a_semicolon_separated_file_is_a_decimal() {
    let text = "isrc;title;artist;audio;duration;shares\n\
                GBAYE6900531;One;Band;a.flac;201,5;\"indie-records=66,7;pub-b=33,3\"\n";
    let records =
        parse_csv(text.as_bytes()).expect("decimal commas are read in a semicolon-separated file");
    assert_eq!(records[0].duration_s, Some(201.5));
    let mut bp: Vec<u32> = records[0].shares.iter().map(|s| s.basis_points).collect();
    bp.sort();
    assert_eq!(bp, [3330, 6670]);
    // Tab-separated files (spreadsheets' "Text (tab-delimited)") too.
    let text =
        "isrc\ttitle\tartist\taudio\tduration\nGBAYE6900531\tOne, Two\tBand\ta.flac\t201,5\n";
    let records = parse_csv(text.as_bytes()).expect("a tab-separated file is read");
    assert_eq!(
        (records[0].title.as_str(), records[0].duration_s),
        ("One, Two", Some(201.5))
    );
}
