//! Any text, read as tdmrep.json, HTTP headers, HTML or robots.txt, must give findings or an
//! error: never a panic or a hang; and resolving those findings for any path, with any pattern,
//! must finish too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use fermata_report::reservations as r;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line doubles as a path and a pattern.
    let first = text.lines().next().unwrap_or("/");
    let mut all = Vec::new();
    for found in [
        r::parse_tdmrep_json(&text),
        r::parse_headers(&text),
        r::parse_html_meta(&text),
        r::parse_robots(&text, "bot"),
    ]
    .into_iter()
    .flatten()
    {
        all.extend(found);
    }
    let _ = r::resolve(&all, first);
    let _ = r::path_pattern_matches(first, &text);
    let _ = r::content_usage_reserves_training(&text);
});
