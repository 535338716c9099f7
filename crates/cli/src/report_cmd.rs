//! `fermata report`: transparency reports made from the registry's records.

use crate::registry_cmd::open_home;
use anyhow::{Context, Result};
use clap::Subcommand;
#[cfg(feature = "c2pa")]
use fermata_manifest::Manifest;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// The public summary of a model's training content (EU AI Act Art. 53(1)(d)), in the AI
    /// Office template's structure, from fermata's records and the provider's declarations.
    #[command(
        name = "eu-summary",
        after_help = "INPUT is a JSON file with what fermata cannot know, field by field as the AI Office template (24 July 2025) asks: summary_version, last_update (YYYY-MM-DD), provider_name, provider_contact, authorised_representative, sme (true/false: an SME lists 5 % of domains, at most 1,000, instead of 10 %), model_version, placed_on_market (YYYY-MM-DD), model_dependencies, other_modalities [{modality, size (one of the template's bands), types_of_content}], linguistic_characteristics, other_characteristics, public_datasets {used, modalities, large [{name, link}], other_description}, other_private_datasets {used, modalities, publicly_known, description}, crawling {used, modalities, crawler_names, purposes, behaviour, period, content_description}, user_data {from_model_interactions, from_other_services, modalities, services_description}, synthetic_data {used, modalities, description}, other_sources {used, modalities, description}, code_of_practice_signatory, reservation_measures, illegal_content_measures, and optionally other_information. A source answered true needs its sub-fields; false needs none. See docs/eu-summary-input.json, and docs/eu-summary-template-fields.md for the template's fields.\n\nfermata fills in the audio: hours and size band, latest acquisition month, the rightsholders who granted licences (2.2.1), the files whose source was declared with `fermata scan declare` (2.2.2, 2.5, 2.6), the domains of the scans' sources (2.3) and the opt-out protocols read (3.1).\n\nExample:\n  fermata report eu-summary --model my-model --input provider.json --format html --out summary.html"
    )]
    EuSummary {
        /// The model.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The provider's declarations (JSON).
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// md, json or html.
        #[arg(long, default_value = "md", value_parser = ["md", "json", "html"])]
        format: String,
        /// Write it here (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// For a rights holder: a proof for each of its works that it is, or is not, in a model's
    /// latest cleared manifest, in one file, with how to verify them.
    #[command(
        after_help = "Writes DIR/proofs.json (every proof) and DIR/HOW-TO-VERIFY.md; without --out, \
        prints the JSON.\nEach proof can be checked with `fermata manifest verify-proof` or with \
        docs/verify_proof.py (Python 3, standard library only).\n\nExample:\n  \
        fermata report proof --holder indie-records --model demo-model-1 --out ./proofs"
    )]
    Proof {
        /// The rights holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The model: its latest manifest is used.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// Write the proofs and the explanation into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

pub(crate) fn run_report(home: Option<&Path>, cmd: ReportCommand) -> Result<ExitCode> {
    let (holder, model, out) = match cmd {
        ReportCommand::Proof { holder, model, out } => (holder, model, out),
        ReportCommand::EuSummary {
            model,
            input,
            format,
            out,
        } => return run_eu_summary(home, &model, &input, &format, out.as_deref()),
    };
    let (_home, mut registry) = open_home(home)?;
    registry.party(&holder)?;
    let (_record, manifest) = fermata_report::latest_manifest(&mut registry, &model)?;
    let works: Vec<String> = registry
        .works(Some(&holder))?
        .into_iter()
        .map(|w| w.isrc.to_string())
        .collect();
    let bundle = fermata_report::holder_proofs(&manifest, &holder, &works)?;
    let json = serde_json::to_string_pretty(&bundle)?;
    match out {
        None => println!("{json}"),
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            std::fs::write(dir.join("proofs.json"), &json)
                .with_context(|| format!("cannot write into {}", dir.display()))?;
            std::fs::write(
                dir.join("HOW-TO-VERIFY.md"),
                bundle.explanation("proofs.json"),
            )
            .with_context(|| format!("cannot write into {}", dir.display()))?;
            eprintln!(
                "{holder}: {} work(s) in {} of model {model}, {} not; wrote {} and HOW-TO-VERIFY.md",
                bundle.included,
                bundle.manifest,
                bundle.not_included,
                dir.join("proofs.json").display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum OutputCommand {
    /// Writes a signed C2PA manifest into generated audio (WAV, MP3, FLAC, M4A): created by an
    /// AI model (trainedAlgorithmicMedia), which model, and its training manifest's root.
    /// Needs a fermata built with `--features c2pa`.
    #[command(
        after_help = "The certificate file holds the signing certificate then its CA (PEM); the key is its ES256 private key (PEM, PKCS#8). C2PA refuses self-signed signing certificates; the \
        signing certificate needs CA:false, keyUsage digitalSignature, an EKU such as emailProtection, \
        and an authority key identifier.\n\nWith --tsa-url the signature is time-stamped by that RFC 3161 time-stamp authority, so the label still validates after the certificate expires; without one it is only valid while the certificate is (validators then report signingCredential.expired).\n\nExample:\n  fermata output label song.wav --model acme-music-1 --model-version 1.2 --training-manifest cleared.json \\\n              --cert chain.pem --key key.pem --tsa-url http://timestamp.example/ --out song-labelled.wav"
    )]
    Label {
        /// The generated file.
        file: PathBuf,
        /// The model that generated it.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// Where to write the labelled copy (same format).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Signing certificate chain (PEM).
        #[arg(long, value_name = "PEM")]
        cert: PathBuf,
        /// Private key (PEM).
        #[arg(long, value_name = "PEM")]
        key: PathBuf,
        /// The cleared manifest the model was trained on: its Merkle root goes into the label.
        #[arg(long, value_name = "FILE")]
        training_manifest: Option<PathBuf>,
        /// The model's version (named with the model as the action's software agent).
        #[arg(long, value_name = "VERSION")]
        model_version: Option<String>,
        /// An RFC 3161 time-stamp authority to time-stamp the signature.
        #[arg(long, value_name = "URL")]
        tsa_url: Option<String>,
    },
    /// Reads back and checks the C2PA label of audio files. Needs a fermata built with
    /// `--features c2pa`.
    #[command(
        after_help = "STATE is the C2PA validation state: Trusted (valid, and the signer's certificate chains to one of --trust-anchors), Valid (signature and hashes hold, signer not on a trust list), Invalid (tampered, or no valid signature).\n\nA file without an embedded label (re-encoded, cut, stripped) is looked up by its sound among the outputs `fermata output label` labelled with this home (HOME/labels: C2PA soft binding); a match is reported as \"found by soft binding\" with the span of the file it covers and what the label said when it was made.\n\nExit status: 0 when every file carries a valid label or is found by soft binding, 1 otherwise (no label, tampered, or unreadable).\n\nExample:\n  fermata output verify song-labelled.wav --trust-anchors ca.pem --json"
    )]
    Verify {
        /// Labelled files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Trusted root certificates (PEM): a signer chaining to one of them is Trusted.
        #[arg(long, value_name = "PEM")]
        trust_anchors: Option<PathBuf>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
    /// Finds registered recordings inside generated audio: which work, where, whose.
    #[command(
        after_help = "Exit status: 0 when no registered recording was found in any file, 1 when one \
        was (or a file could not be read), 2 when the command could not run.\n\nExamples:\n  \
        fermata output check generated/*.wav\n  fermata output check --json song.mp3"
    )]
    Check {
        /// Generated audio files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
    /// Records an attribution report: the registered recordings found in a model's generated
    /// outputs, milliseconds per work per output, for statements under the attribution model.
    #[command(
        after_help = "It measures audible reuse: how much of each output is a registered recording         (overlaps counted once), not influence in general (see docs/remuneration.md).\n\nExample:\n  \
        fermata output attribute --developer acme-ai --model acme-music-1 --date 2026-06-30 generated/*.wav"
    )]
    Attribute {
        /// The developer whose model generated the outputs.
        #[arg(long, value_name = "ID")]
        developer: String,
        /// The model.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The day it counts for (default today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Generated audio files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
}

pub(crate) fn run_output(home: Option<&Path>, cmd: OutputCommand) -> Result<ExitCode> {
    let (files, output) = match cmd {
        OutputCommand::Check { files, output } => (files, output),
        OutputCommand::Attribute {
            developer,
            model,
            date,
            files,
            output,
        } => {
            let (home, mut registry) = open_home(home)?;
            let (report, _) = fermata_clearance::attribute_outputs(
                &home,
                &mut registry,
                &developer,
                &model,
                date.as_deref(),
                &files,
            )?;
            if output.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "{}: {} output(s) of {} for {} on {}",
                    report.id,
                    report.outputs.len(),
                    report.model,
                    report.developer,
                    report.date
                );
                let mut t =
                    crate::table::Table::new(&["OUTPUT", "WORK", "HOLDERS", ">SECONDS FOUND"]);
                for o in &report.outputs {
                    if o.found.is_empty() {
                        t.row(vec![
                            o.name.clone(),
                            "no registered recording".into(),
                            String::new(),
                            String::new(),
                        ]);
                    }
                    for f in &o.found {
                        t.row(vec![
                            o.name.clone(),
                            f.isrc.to_string(),
                            f.shares
                                .iter()
                                .map(|s| {
                                    format!(
                                        "{} {}",
                                        s.holder,
                                        fermata_registry::percent(s.basis_points)
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                            format!("{:.3}", f.milliseconds as f64 / 1000.0),
                        ]);
                    }
                }
                print!("{}", t.render());
            }
            return Ok(ExitCode::SUCCESS);
        }
        #[cfg(not(feature = "c2pa"))]
        OutputCommand::Label { .. } | OutputCommand::Verify { .. } => {
            anyhow::bail!(
                "this fermata was built without C2PA labels (they add minutes to a build): \
                 build it with `cargo build --release --bin fermata --features c2pa`"
            )
        }
        #[cfg(feature = "c2pa")]
        OutputCommand::Label {
            file,
            model,
            out,
            cert,
            key,
            training_manifest,
            model_version,
            tsa_url,
        } => {
            let training_root = match &training_manifest {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    Some(
                        Manifest::from_json(&text)
                            .with_context(|| {
                                format!("{} is not a usable manifest", path.display())
                            })?
                            .merkle
                            .root,
                    )
                }
                None => None,
            };
            let signing = fermata_label::Signing {
                cert_chain_pem: std::fs::read(&cert)
                    .with_context(|| format!("cannot read {}", cert.display()))?,
                key_pem: std::fs::read(&key)
                    .with_context(|| format!("cannot read {}", key.display()))?,
                tsa_url,
            };
            let label = fermata_label::Label {
                model: model.clone(),
                model_version,
                training_root,
            };
            let store = fermata_label::LabelStore::open(
                &crate::registry_cmd::home_dir(home)?.join("labels"),
            )?;
            let stored = store.label_and_register(&file, &out, &label, &signing)?;
            eprintln!(
                "labelled {} as generated by {model}: {} (label {}, its fingerprint kept in {} \
                 so that `fermata output verify` finds it in re-encoded or cut copies)",
                file.display(),
                out.display(),
                stored.label_id,
                store.dir().display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        #[cfg(feature = "c2pa")]
        OutputCommand::Verify {
            files,
            trust_anchors,
            output,
        } => {
            let anchors = match &trust_anchors {
                Some(path) => Some(
                    std::fs::read(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                ),
                None => None,
            };
            // Verifying creates nothing: without a store, only embedded labels are read.
            let labels = crate::registry_cmd::home_dir(home)?.join("labels");
            let store = if labels.join("index").is_dir() {
                Some(fermata_label::LabelStore::open(&labels)?)
            } else {
                None
            };
            let mut all_ok = true;
            let mut t = crate::table::Table::new(&[
                "FILE",
                "STATE",
                "AI-GENERATED",
                "MODEL",
                "TRAINING ROOT",
                "SIGNER",
                "TIME-STAMPED",
            ]);
            for f in &files {
                let found = fermata_label::verify_or_find(f, anchors.as_deref(), store.as_ref());
                let found = match found {
                    Ok(v) if v.found_by == fermata_label::FoundBy::Embedded => v
                        .embedded
                        .ok_or_else(|| anyhow::anyhow!("no embedded label read")),
                    Ok(v) if v.found_by == fermata_label::FoundBy::SoftBinding => {
                        all_ok &= v.labelled();
                        if output.json {
                            println!(
                                "{}",
                                serde_json::json!({"file": v.file, "found_by": v.found_by,
                                    "valid": false, "embedded_error": v.error, "labels": v.soft})
                            );
                        }
                        for m in &v.soft {
                            let r = &m.label.report;
                            t.row(vec![
                                v.file.clone(),
                                format!(
                                    "found by soft binding: {:.1}–{:.1} s of this file are {:.1} s on of {} (label {}{})",
                                    m.start_s,
                                    m.end_s,
                                    m.reference_start_s,
                                    m.label.file,
                                    m.label.label_id,
                                    if m.manifest_intact {
                                        String::new()
                                    } else {
                                        ", its stored manifest was altered".into()
                                    }
                                ),
                                if r.ai_generated { "yes".into() } else { "no".into() },
                                match (&r.model, &r.model_version) {
                                    (Some(m), Some(v)) => format!("{m} {v}"),
                                    (m, _) => m.clone().unwrap_or_default(),
                                },
                                r.training_root.clone().unwrap_or_default(),
                                r.signer.clone().unwrap_or_default(),
                                r.timestamped_at.clone().unwrap_or_else(|| "no".into()),
                            ]);
                        }
                        continue;
                    }
                    Ok(v) => Err(anyhow::anyhow!(
                        "{}; nothing in the label store sounds like it",
                        v.error.unwrap_or_default()
                    )),
                    Err(e) => Err(e.into()),
                };
                match found {
                    Ok(r) => {
                        all_ok &= r.valid;
                        if output.json {
                            let mut value = serde_json::to_value(&r)?;
                            value["found_by"] = "embedded".into();
                            println!("{value}");
                        }
                        t.row(vec![
                            r.file.clone(),
                            if r.valid {
                                r.state.clone()
                            } else {
                                format!("{}: {}", r.state, r.failures.join("; "))
                            },
                            if r.ai_generated {
                                "yes".into()
                            } else {
                                "no".into()
                            },
                            match (&r.model, &r.model_version) {
                                (Some(m), Some(v)) => format!("{m} {v}"),
                                (m, _) => m.clone().unwrap_or_default(),
                            },
                            r.training_root.clone().unwrap_or_default(),
                            format!(
                                "{}{}",
                                r.signer.clone().unwrap_or_default(),
                                match (r.trusted, r.valid) {
                                    (true, _) => " (trusted)",
                                    (false, true) => " (not on the trust list)",
                                    (false, false) => "",
                                }
                            ),
                            r.timestamped_at.clone().unwrap_or_else(|| "no".into()),
                        ]);
                    }
                    Err(e) => {
                        all_ok = false;
                        if output.json {
                            println!(
                                "{}",
                                serde_json::json!({"file": f, "found_by": "none", "valid": false, "state": "Invalid", "error": e.to_string()})
                            );
                        }
                        t.row(vec![
                            f.display().to_string(),
                            format!("no label: {e}"),
                            String::new(),
                            String::new(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ]);
                    }
                }
            }
            if !output.json {
                print!("{}", t.render());
            }
            return Ok(if all_ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    };
    let (home, mut registry) = open_home(home)?;
    let checks = fermata_clearance::check_outputs(&home, &mut registry, &files)?;
    let flagged = checks
        .iter()
        .any(|c| !c.matches.is_empty() || c.error.is_some());
    if output.json {
        for c in &checks {
            println!("{}", serde_json::to_string(c)?);
        }
    } else {
        let mut t = crate::table::Table::new(&[
            "FILE",
            "WORK",
            "TITLE",
            "HOLDERS",
            "IN FILE",
            "IN RECORDING",
            ">SCORE",
        ]);
        for c in &checks {
            let file = c.file.display().to_string();
            if let Some(e) = &c.error {
                t.row(vec![
                    file.clone(),
                    "error".into(),
                    e.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            } else if c.matches.is_empty() {
                t.row(vec![
                    file.clone(),
                    "no registered recording".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            for m in &c.matches {
                t.row(vec![
                    file.clone(),
                    m.isrc.clone(),
                    format!("{} — {}", m.title, m.artist),
                    m.holders.join(", "),
                    format!(
                        "{}-{}",
                        crate::table::clock(m.start_s),
                        crate::table::clock(m.end_s)
                    ),
                    crate::table::clock(m.reference_start_s),
                    m.score.to_string(),
                ]);
            }
        }
        print!("{}", t.render());
    }
    Ok(if flagged {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Subcommand)]
pub(crate) enum ReservationsCommand {
    /// Writes a holder's reservations as TDMRep and IETF AI-preferences files, from its
    /// catalogue policies and standing offers.
    #[command(
        after_help = "Writes tdmrep.json (for /.well-known/), headers.txt (HTTP response headers), \
        meta.html (<meta> elements for web pages), robots.txt (lines to merge into an existing file: \
        add the Content-Usage line to each group whose crawlers it must reach; it changes no Allow or \
        Disallow rule), content-usage.txt and, when a licence is on offer and --policy-url is given, \
        tdm-policy.json (ODRL, TDMRep profile; --contact names who to ask). Every file states one \
        answer: AI training is reserved unless the holder allows both kinds of training.\n\nExample:\n  \
        fermata reservations export --holder indie-records --location '/music/*' \\\n      \
        --policy-url https://indie.example/tdm-policy.json --contact licensing@indie.example --out ./well-known"
    )]
    Export {
        /// The holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The TDMRep location pattern the files cover.
        #[arg(long, default_value = "/*", value_name = "PATTERN")]
        location: String,
        /// Where the ODRL policy will be published (its URL goes into tdm-policy).
        #[arg(long, value_name = "URL")]
        policy_url: Option<String>,
        /// Where developers ask for a licence: an e-mail address or a licensing page URL (the
        /// policy's assigner; needed with --policy-url).
        #[arg(long, value_name = "EMAIL|URL")]
        contact: Option<String>,
        /// Write the files into this directory (default: print them).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
    /// Reads reservation signals as a crawler would: tdmrep.json, HTTP header dumps, HTML pages
    /// and robots.txt files; reports per location whether mining and AI training are reserved.
    #[command(
        after_help = "Exit status: 0 when nothing read reserves AI training, 1 when something does \
        (or a file is malformed), 2 when the command could not run.\n\nExamples:\n  \
        fermata reservations check tdmrep.json robots.txt\n  curl -sI https://example.org/song.mp3 > h.txt && \
        fermata reservations check h.txt --json"
    )]
    Check {
        /// Files (tdmrep.json, robots.txt, *.html, or anything else as header lines) or http(s)
        /// URLs (their origin's tdmrep.json and robots.txt, and their own headers, are fetched).
        #[arg(required = true, value_name = "FILE|URL")]
        files: Vec<PathBuf>,
        /// The crawler's product token, for robots.txt groups.
        #[arg(long, default_value = "*", value_name = "NAME")]
        agent: String,
        /// Resolve the files' rules for this path, as a crawler fetching it would (first
        /// matching tdmrep.json rule, most specific robots.txt rule, headers and meta over the
        /// file); the exit status then follows that answer.
        #[arg(long, value_name = "PATH")]
        path: Option<String>,
        #[command(flatten)]
        output: crate::OutputArgs,
    },
}

pub(crate) fn run_reservations(home: Option<&Path>, cmd: ReservationsCommand) -> Result<ExitCode> {
    use fermata_clearance::sources::Checked;
    use fermata_report::reservations;
    use serde_json::json;
    match cmd {
        ReservationsCommand::Export {
            holder,
            location,
            policy_url,
            contact,
            out,
            output,
        } => {
            let (_home, mut registry) = open_home(home)?;
            let party = registry.party(&holder)?;
            let policies = registry.policies(&holder)?;
            let offers = registry.offers(Some(&holder), false)?;
            let files = reservations::export(
                &party,
                &policies,
                &offers,
                &location,
                policy_url.as_deref(),
                contact.as_deref(),
            )?;
            if let Some(dir) = &out {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                let write = |name: &str, text: &str| {
                    std::fs::write(dir.join(name), text)
                        .with_context(|| format!("cannot write {}", dir.join(name).display()))
                };
                write("tdmrep.json", &files.tdmrep_json)?;
                write("headers.txt", &files.http_headers)?;
                write("robots.txt", &files.robots_txt)?;
                write("meta.html", &files.html_meta)?;
                write("content-usage.txt", &format!("{}\n", files.content_usage))?;
                if let Some(p) = &files.odrl_policy {
                    write("tdm-policy.json", p)?;
                }
            }
            if output.json {
                println!("{}", serde_json::to_string(&files)?);
            } else if out.is_none() {
                println!(
                    "== /.well-known/tdmrep.json\n{}\n\n== HTTP headers\n{}\n== HTML <meta>\n{}\n== robots.txt\n{}",
                    files.tdmrep_json, files.http_headers, files.html_meta, files.robots_txt
                );
                if let Some(p) = &files.odrl_policy {
                    println!("== TDMRep policy (ODRL)\n{p}");
                }
            } else {
                eprintln!(
                    "wrote tdmrep.json, headers.txt, meta.html, robots.txt, content-usage.txt{} (AI preferences: {})",
                    if files.odrl_policy.is_some() {
                        ", tdm-policy.json"
                    } else {
                        ""
                    },
                    reservations::AIPREF_DRAFTS
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ReservationsCommand::Check {
            files,
            agent,
            path,
            output,
        } => {
            if let Some(p) = &path
                && !(p.starts_with('/') && p.len() <= 4096)
            {
                anyhow::bail!("--path must be a URL path starting with '/', e.g. /music/song.mp3");
            }
            let mut any_reserved = false;
            let mut any_error = false;
            let mut table = crate::table::Table::new(&[
                "FILE",
                "SOURCE",
                "LOCATION",
                "TDM RESERVED",
                "AI TRAINING",
                "POLICY",
                "NOTE",
            ]);
            let mut fetcher = fermata_clearance::sources::Fetcher::default();
            for file in &files {
                let name = file.to_string_lossy().to_string();
                let checked = fermata_clearance::sources::check(&name, &agent, &mut fetcher);
                let error_row = |e: String| {
                    vec![
                        name.clone(),
                        "error".into(),
                        e,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]
                };
                match checked {
                    Ok(c) => {
                        let resolved = path.as_deref().and_then(|p| c.resolve(p));
                        any_reserved |= resolved
                            .as_ref()
                            .map_or_else(|| c.reserves_training(), |r| r.reserves_training());
                        if output.json {
                            let mut v = serde_json::to_value(&c)?;
                            if let (Some(r), Some(o)) = (&resolved, v.as_object_mut()) {
                                o.insert("path".into(), path.clone().into());
                                o.insert("resolved".into(), serde_json::to_value(r)?);
                            }
                            if let (Checked::Url { .. }, Some(o)) = (&c, v.as_object_mut()) {
                                o.insert("reserved".into(), c.reserves_training().into());
                            }
                            if let Some(o) = v.as_object_mut() {
                                o.insert("error".into(), serde_json::Value::Null);
                            }
                            println!("{v}");
                        }
                        match c {
                            Checked::Url { reason, .. } => {
                                let verdict = if reason.is_some() {
                                    "reserved"
                                } else {
                                    "not reserved"
                                };
                                table.row(vec![
                                    name.clone(),
                                    "url".into(),
                                    "-".into(),
                                    verdict.into(),
                                    verdict.into(),
                                    reason.unwrap_or_default(),
                                    String::new(),
                                ]);
                            }
                            Checked::File { findings, .. } => {
                                let yn =
                                    |v: Option<bool>| {
                                        v.map_or("not stated", |r| {
                                            if r { "reserved" } else { "allowed" }
                                        })
                                        .to_string()
                                    };
                                for f in &findings {
                                    table.row(vec![
                                        name.clone(),
                                        format!("{:?}", f.source),
                                        f.location.clone(),
                                        yn(f.tdm_reserved),
                                        yn(f.ai_training_reserved),
                                        f.tdm_policy.clone().unwrap_or_default(),
                                        f.problems.join("; "),
                                    ]);
                                }
                                if let (Some(r), Some(p)) = (&resolved, &path) {
                                    table.row(vec![
                                        name.clone(),
                                        "resolved".into(),
                                        p.clone(),
                                        yn(r.tdm_reserved),
                                        yn(r.ai_training_reserved),
                                        r.tdm_policy.clone().unwrap_or_default(),
                                        r.because.join("; "),
                                    ]);
                                }
                                if findings.is_empty() {
                                    table.row(vec![
                                        name.clone(),
                                        "-".into(),
                                        "-".into(),
                                        "not stated".into(),
                                        "not stated".into(),
                                        String::new(),
                                        String::new(),
                                    ]);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        any_error = true;
                        let e = e.to_string();
                        if output.json {
                            let key = if fermata_clearance::sources::is_http_url(&name) {
                                json!({"url": name, "reserved": null, "reason": null, "error": e})
                            } else {
                                json!({"file": name, "findings": [], "error": e})
                            };
                            println!("{key}");
                        }
                        table.row(error_row(e));
                    }
                }
            }
            if !output.json {
                print!("{}", table.render());
            }
            Ok(if any_reserved || any_error {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn run_eu_summary(
    home: Option<&Path>,
    model: &str,
    input: &Path,
    format: &str,
    out: Option<&Path>,
) -> Result<ExitCode> {
    use fermata_report::eu_summary::{ProviderInput, RecordedFacts, summary};
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let provider = ProviderInput::from_json(&text).with_context(|| input.display().to_string())?;
    let (_home, mut registry) = open_home(home)?;
    let facts = RecordedFacts::of_model(&mut registry, model)?;
    let summary = summary(provider, facts).with_context(|| input.display().to_string())?;
    let rendered = match format {
        "json" => summary.to_json()?,
        "html" => summary.to_html(),
        _ => summary.to_markdown(),
    };
    match out {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{rendered}"),
    }
    Ok(ExitCode::SUCCESS)
}
