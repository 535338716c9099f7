//! A registry home driven through the real binary, with generated catalogues, shared by the
//! registry and server end-to-end tests.

use super::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// A registry home in a temp dir, with the commands run against it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let env = Env { dir: tempdir() };
        env.ok(&["init"]);
        env
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        fermata()
            .arg("--home")
            .arg(self.home())
            .args(args)
            .output()
            .expect("fermata runs")
    }

    /// Runs and insists on success.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "fermata {args:?} failed ({:?}):\n{}\n{}",
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
        out
    }

    /// Runs with --json and parses the output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}\n{}", stdout(&out), stderr(&out)))
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.home().join("registry.sqlite"))
            .expect("open the registry database")
    }
}

pub fn isrc(n: u32) -> String {
    format!("ZZTST26{n:05}")
}

/// Writes recordings 1..=n (seed 100 + i) into `audio/`, returns their audio.
pub fn recordings(env: &Env, n: u32) -> Vec<Vec<f32>> {
    let audio = env.path("audio");
    std::fs::create_dir_all(&audio).unwrap();
    (1..=n)
        .map(|i| {
            write_track(
                &audio.join(format!("{}.wav", isrc(i))),
                100 + u64::from(i),
                40.0,
            )
        })
        .collect()
}

/// Parties: a label, a publisher and a developer.
pub fn parties(env: &Env) {
    env.ok(&[
        "party", "add", "label-a", "--kind", "label", "--name", "Label A",
    ]);
    env.ok(&[
        "party",
        "add",
        "pub-b",
        "--kind",
        "publisher",
        "--name",
        "Publisher B",
    ]);
    env.ok(&[
        "party",
        "add",
        "dev-x",
        "--kind",
        "developer",
        "--name",
        "Developer X",
    ]);
}

/// A CSV of works 1..=5 for label-a; work 5 is co-owned with pub-b.
pub fn label_csv(env: &Env) -> PathBuf {
    let mut csv = String::from("isrc,title,artist,duration,iswc,audio,shares,credits\n");
    for i in 1..=5 {
        let shares = if i == 5 { "label-a=60;pub-b=40" } else { "" };
        csv.push_str(&format!(
            "{},Song {i},Band,0:40,,{}.wav,{shares},performer=Jane Doe\n",
            isrc(i),
            isrc(i)
        ));
    }
    let path = env.path("label.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// A DDEX ERN 4.3 message with works 6 and 7 for pub-b.
pub fn publisher_ddex(env: &Env) -> PathBuf {
    let recording = |n: u32| {
        format!(
            "<SoundRecording><SoundRecordingEdition><ResourceId><ISRC>{i}</ISRC></ResourceId>\
             <TechnicalDetails><DeliveryFile><File><URI>{i}.wav</URI></File></DeliveryFile></TechnicalDetails></SoundRecordingEdition>\
             <DisplayTitleText>Pub Song {n}</DisplayTitleText><DisplayArtistName>Singer</DisplayArtistName>\
             <ResourceRightsController><RightsControllerPartyReference>P1</RightsControllerPartyReference>\
             <RightSharePercentage>100</RightSharePercentage></ResourceRightsController><Duration>PT40S</Duration></SoundRecording>\n",
            i = isrc(n)
        )
    };
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\">\n\
         <PartyList><Party><PartyReference>P1</PartyReference><PartyName><FullName>Publisher B</FullName></PartyName></Party></PartyList>\n\
         <ResourceList>\n{}{}</ResourceList>\n</ern:NewReleaseMessage>\n",
        recording(6),
        recording(7)
    );
    let path = env.path("release.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

/// init, parties, both catalogues imported.
pub fn registered(n_audio: u32) -> (Env, Vec<Vec<f32>>) {
    let env = Env::new();
    let tracks = recordings(&env, n_audio.max(7));
    parties(&env);
    let audio = env.path("audio");
    let csv = label_csv(&env);
    let report = env.json(&[
        "catalog",
        "import",
        "--holder",
        "label-a",
        path_str(&csv),
        "--audio",
        path_str(&audio),
    ]);
    assert_eq!(report["outcome"]["result"], "imported", "{report}");
    assert_eq!(
        report["outcome"]["registry"]["added"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let xml = publisher_ddex(&env);
    let report = env.json(&[
        "catalogue",
        "import",
        "--holder",
        "pub-b",
        path_str(&xml),
        "--audio",
        path_str(&audio),
    ]);
    assert_eq!(report["outcome"]["result"], "imported", "{report}");
    assert_eq!(
        report["outcome"]["registry"]["added"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    (env, tracks)
}
