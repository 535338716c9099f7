//! Any bytes, read as a CSV catalogue and as a DDEX message, must give records or a list of
//! problems: never a panic, a hang or unbounded memory. Records that come back must be valid.
#![no_main]

use fermata_registry::{Party, PartyKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parties = [Party { id: "label-a".into(), kind: PartyKind::Label, name: "Label A".into(), created_at: String::new() }];
    for parsed in [fermata_catalog::parse_csv(data), fermata_catalog::parse_ddex(data, &parties)] {
        match parsed {
            Ok(records) => {
                for r in records {
                    assert!(!r.title.trim().is_empty() && !r.artist.trim().is_empty() && !r.audio.is_empty());
                    if !r.shares.is_empty() {
                        fermata_registry::validate_shares(&r.shares).expect("returned shares are valid");
                    }
                }
            }
            Err(problems) => assert!(!problems.is_empty()),
        }
    }
});
