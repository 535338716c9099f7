//! Catalogue imports end to end: the notes about the file reach the caller, and a catalogue
//! opens no audio outside `--audio DIR`.

use fermata_clearance::{Home, ImportOutcome, import_catalog};
use fermata_registry::PartyKind;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const RATE: u32 = 22_050;

fn wav(path: &Path, seed: u64) {
    fermata_testkit::write_track(path, seed, 6.0, RATE);
}

fn import(dir: &Path, csv: &str) -> ImportOutcome {
    let home = Home::init(&dir.join("home")).expect("home");
    let mut registry = home.registry().expect("registry");
    registry
        .add_party("indie-records", PartyKind::Label, "Indie Records", "test")
        .expect("party");
    std::fs::write(dir.join("catalogue.csv"), csv).expect("write catalogue");
    let never = AtomicBool::new(false);
    import_catalog(
        &home,
        &mut registry,
        "indie-records",
        &dir.join("catalogue.csv"),
        &dir.join("audio"),
        &never,
        &mut |_| {},
    )
    .expect("the import runs")
}

#[test]
fn notes_about_the_file_reach_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("audio")).unwrap();
    wav(&root.join("audio/song.wav"), 1);
    let csv = "isrc;title;artist;audio;shares;Comment\r\nGBAYE2600001;Song;Band;song.wav;indie-records=100;other-label=0;master v2\r\n";
    let csv = csv.replace(
        "indie-records=100;other-label=0",
        "\"indie-records=100;other-label=0\"",
    );
    match import(root, &csv) {
        ImportOutcome::Imported(summary) => {
            assert_eq!(summary.registry.added.len(), 1);
            let notes: Vec<(u64, &str)> = summary
                .notes
                .iter()
                .map(|n| (n.line, n.field.as_str()))
                .collect();
            assert_eq!(
                notes,
                [(1, "Comment"), (2, "shares")],
                "{:?}",
                summary.notes
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn audio_paths_cannot_leave_the_audio_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("audio/sub")).unwrap();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    wav(&root.join("audio/song.wav"), 1);
    wav(&root.join("outside/secret.wav"), 2);
    let secret = root.join("outside/secret.wav");
    let absolute = secret.to_str().expect("a UTF-8 temp path");
    let mut csv = format!(
        "isrc,title,artist,audio\n\
         GBAYE2600001,Song,Band,song.wav\n\
         GBAYE2600002,Up,Band,../outside/secret.wav\n\
         GBAYE2600003,Deep,Band,sub/../../outside/secret.wav\n\
         GBAYE2600004,Absolute,Band,{absolute}\n"
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, root.join("audio/link.wav")).unwrap();
        std::os::unix::fs::symlink(root.join("outside"), root.join("audio/linked-dir")).unwrap();
        csv.push_str(
            "GBAYE2600005,Link,Band,link.wav\nGBAYE2600006,Linked dir,Band,linked-dir/secret.wav\n",
        );
    }
    let ImportOutcome::Rejected { problems, .. } = import(root, &csv) else {
        panic!("files outside --audio were imported");
    };
    let expected_lines: Vec<u64> = if cfg!(unix) {
        vec![3, 4, 5, 6, 7]
    } else {
        vec![3, 4, 5]
    };
    assert_eq!(
        problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        expected_lines,
        "{problems:#?}"
    );
    for p in &problems {
        assert_eq!(p.field, "audio");
        assert!(
            p.reason.contains("--audio"),
            "the reason says where audio must be: {}",
            p.reason
        );
    }
    assert!(
        problems[2].reason.contains("absolute"),
        "{}",
        problems[2].reason
    );
    assert!(
        problems[0].reason.contains("outside"),
        "{}",
        problems[0].reason
    );
}

#[test]
fn paths_that_stay_inside_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("audio/sub")).unwrap();
    wav(&root.join("audio/song.wav"), 1);
    wav(&root.join("audio/sub/other.wav"), 3);
    let mut csv = "isrc,title,artist,audio\n\
                   GBAYE2600001,Song,Band,song.wav\n\
                   GBAYE2600002,Other,Band,sub/../sub/other.wav\n"
        .to_string();
    #[cfg(unix)]
    {
        // A link inside the directory to a file inside it is fine (a third recording: the same
        // file under two ISRCs would be one recording registered twice).
        wav(&root.join("audio/sub/third.wav"), 5);
        std::os::unix::fs::symlink(
            root.join("audio/sub/third.wav"),
            root.join("audio/alias.wav"),
        )
        .unwrap();
        csv.push_str("GBAYE2600003,Alias,Band,alias.wav\n");
    }
    match import(root, &csv) {
        ImportOutcome::Imported(summary) => {
            assert_eq!(summary.records, if cfg!(unix) { 3 } else { 2 })
        }
        other => panic!("{other:?}"),
    }
}
