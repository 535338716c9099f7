//! Catalogue imports end to end: the notes about the file reach the caller, and a catalogue
//! opens no audio outside `--audio DIR`.

use fermata_clearance::{import_catalog, Home, ImportOutcome};
use fermata_registry::PartyKind;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const RATE: u32 = 22_050;

fn wav(path: &Path, seed: u64) {
    fermata_audio::write_wav(path, &fermata_audio::synth::track(seed, 6.0, RATE), RATE).expect("write wav");
}

fn import(dir: &Path, csv: &str) -> ImportOutcome {
    let home = Home::init(&dir.join("home")).expect("home");
    let mut registry = home.registry().expect("registry");
    registry.add_party("indie-records", PartyKind::Label, "Indie Records", "test").expect("party");
    std::fs::write(dir.join("catalogue.csv"), csv).expect("write catalogue");
    let never = AtomicBool::new(false);
    import_catalog(&home, &mut registry, "indie-records", &dir.join("catalogue.csv"), &dir.join("audio"), &never, &mut |_| {})
        .expect("the import runs")
}

#[test]
fn notes_about_the_file_reach_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("audio")).unwrap();
    wav(&root.join("audio/song.wav"), 1);
    let csv = "isrc;title;artist;audio;shares;Comment\r\nGBAYE2600001;Song;Band;song.wav;indie-records=100;other-label=0;master v2\r\n";
    let csv = csv.replace("indie-records=100;other-label=0", "\"indie-records=100;other-label=0\"");
    match import(root, &csv) {
        ImportOutcome::Imported(summary) => {
            assert_eq!(summary.registry.added.len(), 1);
            let notes: Vec<(u64, &str)> = summary.notes.iter().map(|n| (n.line, n.field.as_str())).collect();
            assert_eq!(notes, [(1, "Comment"), (2, "shares")], "{:?}", summary.notes);
        }
        other => panic!("{other:?}"),
    }
}
