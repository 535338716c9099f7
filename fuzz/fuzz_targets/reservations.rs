//! Any text, read as tdmrep.json, HTTP headers, HTML or robots.txt, must give findings or an
//! error: never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = fermata_report::reservations::parse_tdmrep_json(&text);
    let _ = fermata_report::reservations::parse_headers(&text);
    let _ = fermata_report::reservations::parse_html_meta(&text);
    let _ = fermata_report::reservations::parse_robots(&text, "bot");
    let _ = fermata_report::reservations::content_usage_reserves_training(&text);
});
