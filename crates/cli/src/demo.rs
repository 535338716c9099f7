//! `fermata demo`: the whole permission-first flow on generated music, with no setup. A label
//! and a publisher register catalogues (CSV and DDEX) and set policies, the label grants a
//! licence, an AI developer scans a dataset that mixes licensed, reserved, unregistered,
//! degraded and re-encoded files, and builds a cleared manifest with proofs.

use crate::OutputArgs;
use crate::table::Table;
use anyhow::{Context, Result, bail};
use fermata_audio::write_wav;
use fermata_clearance::{
    Home, ImportOutcome, ScanRequest, build_manifest, import_catalog, run_scan,
};
use fermata_registry::{
    Decision, LicenceGrant, PartyKind, PolicyChange, Registry, Role, Use, Verdict,
};
use fermata_synth::{degrade, synth};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Keep the demo's files in this directory (default: a new temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Then keep the demo's registry running with the web app and the API (address and demo
    /// sign-ins are printed); Ctrl-C stops it.
    #[arg(long)]
    serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: std::net::SocketAddr,
    #[command(flatten)]
    output: OutputArgs,
}

/// The demo's sign-ins: (party, e-mail, name, role, password). Demo data only: the passwords
/// are printed and public.
const DEMO_PEOPLE: [(&str, &str, &str, Role, &str); 4] = [
    (
        LABEL,
        "ana@indie.example",
        "Ana Ruiz",
        Role::HolderAdmin,
        "demo-indie-2026",
    ),
    (
        PUBLISHER,
        "min@north.example",
        "Min-jun Park",
        Role::HolderAdmin,
        "demo-north-2026",
    ),
    (
        DEVELOPER,
        "dev@acme.example",
        "Dev Okafor",
        Role::Developer,
        "demo-acme-2026",
    ),
    (
        "operator",
        "op@fermata.example",
        "Ola Operator",
        Role::Operator,
        "demo-operator-2026",
    ),
];

/// Sample rate of the generated recordings (decoding resamples them to 8 kHz).
const FILE_RATE: u32 = 22_050;
const TRACK_SECONDS: f32 = 45.0;
const LABEL: &str = "indie-records";
const PUBLISHER: &str = "north-publishing";
const DEVELOPER: &str = "acme-ai";

fn isrc(n: usize) -> String {
    format!("ZZDEM26{n:05}")
}

/// One file of the example dataset and the verdict it must get.
struct DatasetFile {
    file: String,
    contains: &'static str,
    expected: Verdict,
}

pub(crate) fn run(args: DemoArgs) -> Result<ExitCode> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("fermata-demo-{}", std::process::id())),
    };
    let say = |s: String| {
        if !args.output.json {
            eprintln!("{s}");
        }
    };
    let audio_dir = dir.join("catalogue/audio");
    let dataset = dir.join("dataset");
    for d in [&audio_dir, &dataset] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }

    // 1. Recordings and the two catalogues that describe them.
    let tracks: Vec<Vec<f32>> = (1..=8)
        .map(|seed| synth::track(seed, TRACK_SECONDS, FILE_RATE))
        .collect();
    for (i, audio) in tracks.iter().enumerate() {
        write_wav(
            &audio_dir.join(format!("{}.wav", isrc(i + 1))),
            audio,
            FILE_RATE,
        )?;
    }
    let csv = dir.join("catalogue/indie-records.csv");
    std::fs::write(&csv, label_csv()).with_context(|| format!("cannot write {}", csv.display()))?;
    let ddex = dir.join("catalogue/north-publishing.xml");
    std::fs::write(&ddex, publisher_ddex())
        .with_context(|| format!("cannot write {}", ddex.display()))?;
    say(format!(
        "wrote 8 recordings and two catalogues (CSV, DDEX ERN 4.3) in {}",
        dir.join("catalogue").display()
    ));

    // 2. A fresh registry with three parties.
    let home_dir = dir.join("home");
    if home_dir.exists() {
        std::fs::remove_dir_all(&home_dir)
            .with_context(|| format!("cannot clear {}", home_dir.display()))?;
    }
    let home = Home::init(&home_dir)?;
    let mut registry = home.registry()?;
    registry.add_party(LABEL, PartyKind::Label, "Indie Records", "cli")?;
    registry.add_party(PUBLISHER, PartyKind::Publisher, "North Publishing", "cli")?;
    registry.add_party(DEVELOPER, PartyKind::Developer, "Acme AI", "cli")?;
    for (holder, file) in [(LABEL, &csv), (PUBLISHER, &ddex)] {
        match import_catalog(
            &home,
            &mut registry,
            holder,
            file,
            &audio_dir,
            &crate::INTERRUPTED,
            &mut |_| {},
        )? {
            ImportOutcome::Imported(s) => say(format!(
                "{holder}: imported {} works from {}",
                s.registry.added.len(),
                file.display()
            )),
            other => bail!(
                "the demo catalogue {} did not import: {}",
                file.display(),
                serde_json::to_string(&other)?
            ),
        }
    }

    // 3. What each holder says, and one licence.
    set_policies(&mut registry)?;
    let mut grant = LicenceGrant::new(
        LABEL,
        DEVELOPER,
        Use::TrainGenai,
        &fermata_registry::audit::today(),
    );
    grant.works = [1, 2, 6]
        .iter()
        .map(|&n| isrc(n).parse())
        .collect::<Result<_, _>>()?;
    grant.price = Some("per-work:250.00:EUR".parse()?);
    let licence = registry.grant_licence(grant, LABEL)?;
    say(format!(
        "{LABEL} reserves {} and asks a licence for the rest; {PUBLISHER} allows training; {} covers 3 works",
        isrc(3),
        licence.id
    ));

    // 4. The developer's dataset, and its scan.
    let expected = make_dataset(&tracks, &dataset)?;
    say(format!(
        "wrote a dataset of {} files in {}",
        expected.len(),
        dataset.display()
    ));
    let request = ScanRequest {
        dataset: dataset.clone(),
        developer: DEVELOPER.into(),
        model: "demo-model-1".into(),
        use_: Use::TrainGenai,
        territory: "DE".parse()?,
        save_every: fermata_clearance::DEFAULT_SAVE_EVERY,
        sources: Default::default(),
        use_cache: true,
    };
    let outcome = run_scan(
        &home,
        &mut registry,
        &request,
        &crate::INTERRUPTED,
        &mut |_| {},
    )?;
    if outcome.interrupted {
        eprintln!("interrupted");
        return Ok(ExitCode::from(130));
    }

    // 5. The cleared manifest, a proof of inclusion and one of absence, and the audit check.
    let (manifest, manifest_path) =
        build_manifest(&home, &mut registry, &outcome.scan.id, None, DEVELOPER)?;
    let proofs: Vec<(String, bool, bool)> = [isrc(1), isrc(3)]
        .into_iter()
        .map(|w| {
            let proof = manifest.prove(&w)?;
            let holds = proof
                .verify_tree_head(&manifest.merkle.root, manifest.merkle.tree_size)
                .is_ok();
            Ok((w, proof.is_inclusion(), holds))
        })
        .collect::<Result<_>>()?;
    let audit = registry.verify_audit()?;

    let mut table = Table::new(&["FILE", "CONTAINS", "VERDICT", "EXPECTED", "WHY"]);
    let mut rows = Vec::new();
    let mut all_ok = audit.first_bad.is_none() && proofs.iter().all(|p| p.2);
    for want in &expected {
        let got = outcome
            .files
            .iter()
            .find(|f| f.path == want.file)
            .and_then(|f| f.verdict.as_ref());
        let verdict = got.map(|v| v.verdict);
        let ok = verdict == Some(want.expected);
        all_ok &= ok;
        let why = got.map(|v| v.reason.clone()).unwrap_or_default();
        table.row(vec![
            want.file.clone(),
            want.contains.into(),
            verdict.map_or("missing".into(), |v| v.to_string()),
            if ok {
                "ok".into()
            } else {
                format!("WRONG (want {})", want.expected)
            },
            why,
        ]);
        rows.push(json!({"file": want.file, "contains": want.contains, "verdict": verdict, "expected": want.expected, "ok": ok}));
    }
    if args.output.json {
        println!(
            "{}",
            json!({"dir": dir, "home": home.dir(), "scan": outcome.scan, "summary": outcome.summary, "files": rows,
                   "manifest": {"path": manifest_path, "root": manifest.merkle.root, "tree_root": manifest.merkle.tree_root, "tree_size": manifest.merkle.tree_size},
                   "proofs": proofs.iter().map(|(w, inc, ok)| json!({"work": w, "included": inc, "verifies": ok})).collect::<Vec<_>>(),
                   "audit": audit, "all_ok": all_ok})
        );
    } else {
        println!(
            "\n{} ({} for demo-model-1 in DE):",
            outcome.scan.id,
            Use::TrainGenai
        );
        print!("{}", table.render());
        println!(
            "\nmanifest {}: {} cleared leaves, root {}",
            manifest.id, manifest.merkle.tree_size, manifest.merkle.root
        );
        for (w, inc, ok) in &proofs {
            let claim = if *inc { "is in it" } else { "is not in it" };
            println!(
                "  proof that {w} {claim}: {}",
                if *ok { "verifies" } else { "DOES NOT VERIFY" }
            );
        }
        match &audit.first_bad {
            None => println!(
                "audit log: {} events, chain intact, head {}",
                audit.events,
                &audit.head[..16]
            ),
            Some(b) => println!("audit log: BROKEN at event {}: {}", b.seq, b.reason),
        }
        println!("\nEverything is in {}:", dir.display());
        println!("  catalogues  {}", dir.join("catalogue").display());
        println!("  dataset     {}", dataset.display());
        println!(
            "  registry    {}   (try: fermata --home {} work list)",
            home.registry_path().display(),
            home.dir().display()
        );
        println!("  manifest    {}", manifest_path.display());
    }
    if !all_ok {
        return Ok(ExitCode::from(1));
    }
    if args.serve {
        // Sign-ins for the web app. The scan's licence-required works are left for the
        // developer to request there ("request licences for every licence-required file"), and
        // for the holders to decide in their inbox.
        registry.add_party("operator", PartyKind::Operator, "Registry operator", "cli")?;
        for (party, email, name, role, password) in DEMO_PEOPLE {
            registry.add_person(party, email, name, role, Some(password), "cli")?;
        }
        let listen = args.listen;
        return crate::market_cmd::serve_home(
            &home,
            registry,
            crate::market_cmd::ServeArgs::on(listen),
            |addr| {
                println!(
                    "\nThe demo's registry is served at http://{addr}/ (API at http://{addr}/v1). Sign in as:"
                );
                for (party, email, _, role, password) in DEMO_PEOPLE {
                    println!("  {email:<20} password {password:<16} {party} ({role})");
                }
                println!("Press Ctrl-C to stop.");
            },
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn label_csv() -> String {
    let mut csv = String::from("isrc,title,artist,duration,audio,shares,credits\n");
    let titles = [
        "Morning Light",
        "Harbour Walls",
        "Quiet Hours",
        "Paper Kites",
        "Northbound",
        "Two Rivers",
    ];
    for (i, title) in titles.iter().enumerate() {
        let n = i + 1;
        // Work 6 is co-owned with the publisher.
        let shares = if n == 6 {
            format!("{LABEL}=50;{PUBLISHER}=50")
        } else {
            format!("{LABEL}=100")
        };
        csv.push_str(&format!(
            "{},{title},The Example Band,0:45,{}.wav,{shares},performer=Ada Example;composer=Ben Example\n",
            isrc(n),
            isrc(n)
        ));
    }
    csv
}

fn publisher_ddex() -> String {
    let recording = |n: usize, title: &str| {
        format!(
            r#"    <SoundRecording>
      <ResourceReference>A{n}</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <ResourceId><ISRC>{isrc}</ISRC></ResourceId>
        <TechnicalDetails><DeliveryFile><Type>AudioFile</Type><File><URI>{isrc}.wav</URI></File></DeliveryFile></TechnicalDetails>
      </SoundRecordingEdition>
      <DisplayTitleText>{title}</DisplayTitleText>
      <DisplayArtistName>Cora Example</DisplayArtistName>
      <Contributor><ContributorPartyReference>PCora</ContributorPartyReference><Role>Composer</Role></Contributor>
      <ResourceRightsController>
        <RightsControllerPartyReference>PNorth</RightsControllerPartyReference>
        <RightsControlType>RightsController</RightsControlType>
        <RightSharePercentage>100</RightSharePercentage>
      </ResourceRightsController>
      <Duration>PT0M45S</Duration>
    </SoundRecording>
"#,
            isrc = isrc(n)
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43" AvsVersionId="4.3" LanguageAndScriptCode="en">
  <MessageHeader>
    <MessageId>demo-0001</MessageId>
    <MessageSender><PartyId>PADPIDA0000000001</PartyId><PartyName><FullName>North Publishing</FullName></PartyName></MessageSender>
    <MessageCreatedDateTime>2026-01-01T00:00:00Z</MessageCreatedDateTime>
  </MessageHeader>
  <PartyList>
    <Party><PartyReference>PNorth</PartyReference><PartyName><FullName>North Publishing</FullName></PartyName></Party>
    <Party><PartyReference>PCora</PartyReference><PartyName><FullName>Cora Example</FullName></PartyName></Party>
  </PartyList>
  <ResourceList>
{}{}  </ResourceList>
</ern:NewReleaseMessage>
"#,
        recording(7, "Glass Garden"),
        recording(8, "Late Ferry")
    )
}

fn set_policies(registry: &mut Registry) -> Result<()> {
    let mut offer = PolicyChange::new(LABEL, None, Use::TrainGenai, Decision::LicenceRequired);
    offer.price = Some("per-work:250.00:EUR".parse()?);
    offer.term_months = Some(12);
    registry.set_policy(offer, LABEL)?;
    registry.set_policy(
        PolicyChange::new(
            LABEL,
            Some(isrc(3).parse()?),
            Use::TrainGenai,
            Decision::Deny,
        ),
        LABEL,
    )?;
    let mut allow = PolicyChange::new(PUBLISHER, None, Use::TrainGenai, Decision::Allow);
    allow.conditions = Some("credit the authors in the model card".into());
    registry.set_policy(allow, PUBLISHER)?;
    Ok(())
}

/// Writes the developer's dataset and says what each file must come to.
fn make_dataset(tracks: &[Vec<f32>], out: &Path) -> Result<Vec<DatasetFile>> {
    let rate = FILE_RATE;
    let cut = |n: usize, start: f64, len: f64| degrade::excerpt(&tracks[n - 1], rate, start, len);
    let mut files = Vec::new();
    let mut add =
        |file: &str, contains: &'static str, audio: Vec<f32>, expected: Verdict| -> Result<()> {
            write_wav(&out.join(file), &audio, rate)?;
            files.push(DatasetFile {
                file: file.into(),
                contains,
                expected,
            });
            Ok(())
        };
    add(
        "licensed-excerpt.wav",
        "work 1, 20 s excerpt",
        cut(1, 10.0, 20.0),
        Verdict::Cleared,
    )?;
    add(
        "licensed-noisy.wav",
        "work 2 under noise (5 dB SNR)",
        degrade::add_white_noise(&cut(2, 5.0, 20.0), 5.0, 2),
        Verdict::Cleared,
    )?;
    add(
        "reserved-reverb.wav",
        "work 3 (reserved), reverb",
        degrade::reverb(&cut(3, 12.0, 20.0), rate, 0.6, 0.4, 4),
        Verdict::Denied,
    )?;
    add(
        "unlicensed-phone.wav",
        "work 4, telephone band",
        degrade::band_pass(&cut(4, 20.0, 15.0), rate, 300.0, 3400.0),
        Verdict::LicenceRequired,
    )?;
    add(
        "publisher-pink.wav",
        "work 7 (publisher allows), pink noise",
        degrade::add_pink_noise(&cut(7, 8.0, 20.0), 5.0, 5),
        Verdict::Cleared,
    )?;
    let mut mix = cut(1, 25.0, 12.0);
    mix.extend(cut(3, 2.0, 12.0));
    add(
        "mix-licensed-and-reserved.wav",
        "mix: work 1 then work 3",
        mix,
        Verdict::Denied,
    )?;
    add(
        "unregistered.wav",
        "music nobody registered",
        synth::track(1000, 20.0, rate),
        Verdict::Unidentified,
    )?;
    // A real codec when ffmpeg is there (the demo needs nothing but Rust, so it is optional);
    // otherwise the co-owned work is resampled and quietened instead.
    let source = out.join("co-owned-source.wav");
    write_wav(&source, &cut(6, 15.0, 20.0), rate)?;
    let mp3 = out.join("co-owned-reencoded.mp3");
    let encoded = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(&source)
        .args(["-b:a", "96k"])
        .arg(&mp3)
        .status()
        .is_ok_and(|s| s.success());
    std::fs::remove_file(&source).with_context(|| format!("cannot remove {}", source.display()))?;
    if encoded {
        files.push(DatasetFile {
            file: "co-owned-reencoded.mp3".into(),
            contains: "work 6 (co-owned), MP3 96 kbit/s",
            expected: Verdict::Cleared,
        });
    } else {
        add(
            "co-owned-quiet.wav",
            "work 6 (co-owned), -15 dB",
            degrade::gain_db(&cut(6, 15.0, 20.0), -15.0),
            Verdict::Cleared,
        )?;
    }
    std::fs::write(
        out.join("broken.wav"),
        b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00garbage",
    )
    .with_context(|| format!("cannot write {}", out.join("broken.wav").display()))?;
    files.push(DatasetFile {
        file: "broken.wav".into(),
        contains: "a corrupt file",
        expected: Verdict::Error,
    });
    Ok(files)
}
