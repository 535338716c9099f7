//! Registries built for tests, written once: the registry's own unit tests and other crates'
//! tests (with the `fixtures` feature, as a dev-dependency only) start from the same records
//! instead of each hand-building them.

use crate::{Clock, Isrc, PartyKind, Registry, Work, parse_shares};
use std::path::Path;

/// `GBAAA26` followed by `n` in five digits: the ISRC of fixture work `n`.
///
/// # Panics
/// When `n` has more than five digits.
pub fn isrc(n: u32) -> Isrc {
    format!("GBAAA26{n:05}")
        .parse()
        .expect("a fixture ISRC has five digits")
}

/// A new registry at `path` on `clock` with two holders and a developer: `label-a` (a label),
/// `pub-b` (a publisher) and `dev` (a developer); work 1 is label-a's alone, work 2 is shared
/// 50/50 by label-a and pub-b (both registered by label-a). No policy is set: every use is the
/// default "no".
///
/// # Panics
/// When the registry cannot be made (a failed fixture is a failed test).
pub fn two_holders(path: &Path, clock: Clock) -> Registry {
    let mut r = Registry::create(path).expect("create the fixture registry");
    r.set_clock(clock);
    for (id, kind, name) in [
        ("label-a", PartyKind::Label, "Label A"),
        ("pub-b", PartyKind::Publisher, "Publisher B"),
        ("dev", PartyKind::Developer, "Dev"),
    ] {
        r.add_party(id, kind, name, "cli").expect("add a party");
    }
    let work = |n: u32, shares: &str| Work {
        isrc: isrc(n),
        title: format!("Song {n}"),
        artist: "A".into(),
        duration_s: None,
        iswc: None,
        registrant: "label-a".into(),
        credits: vec![],
        shares: parse_shares(shares).expect("fixture shares"),
        tracks: vec![],
    };
    r.register_works(
        "label-a",
        vec![work(1, "label-a=100"), work(2, "label-a=50;pub-b=50")],
        "cli",
    )
    .expect("register the fixture works");
    r
}
