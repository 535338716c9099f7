//! `fermata certificate`: certificates of clean training — issue, verify, list, and the issuer's
//! key. The rule and the signature are `fermata-certificate`'s; this file reads and writes the
//! files.

use crate::OutputArgs;
use crate::registry_cmd::open_home;
use crate::table::Table;
use anyhow::{Context, Result};
use clap::Subcommand;
use fermata_certificate::{Certificate, CertificateError, IssuerKey, PublicKey};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum CertificateCommand {
    /// Issues a signed certificate that every work in a model's cleared manifests was licensed
    /// or allowed on each of its training dates; refuses, naming each work, holder and date,
    /// when the records do not show it.
    #[command(
        after_help = "The certificate covers the model's finished scans (each with its latest cleared manifest) and \
        the training dates of its usage reports; it is signed with the registry's issuer key \
        (HOME/certificate-key.pem, made on first use or by `fermata certificate key init`) and recorded \
        in the registry (event certificate.issued).\n\nExit status: 0 issued, 1 refused (the works \
        lacking a licence or policy are listed), 2 error.\n\nExamples:\n  \
        fermata certificate issue --model my-model --out my-model.jws\n  \
        fermata certificate issue --model my-model --developer acme-ai --json"
    )]
    Issue {
        /// The model.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The model's developer (needed when several developers scanned a model of that name).
        #[arg(long, value_name = "ID")]
        developer: Option<String>,
        /// Who issues it: the registry operator's name, signed into the certificate.
        #[arg(long, value_name = "NAME", default_value = fermata_certificate::DEFAULT_ISSUER)]
        issuer: String,
        /// Write the JWS here (default: HOME/certificates/ID.jws).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Checks a certificate offline with the issuer's public key and prints what it binds.
    #[command(
        after_help = "KEY is the issuer's public key: SPKI PEM (`fermata certificate key show`, or \
        GET /v1/certificates/key), a JWK, or the raw 32 bytes in base64url.\n\nExit status: 0 valid, \
        1 invalid (altered, another key, not a certificate), 2 error (a file cannot be read).\n\n\
        Example:\n  fermata certificate verify my-model.jws --key issuer.pem"
    )]
    Verify {
        /// The certificate (JWS compact serialisation).
        file: PathBuf,
        /// The issuer's public key.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists the certificates issued (of one model when given).
    #[command(after_help = "Example:\n  fermata certificate list --model my-model --json")]
    List {
        /// Only this model's.
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The issuer's signing key.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand)]
pub(crate) enum KeyCommand {
    /// Makes the issuer key (HOME/certificate-key.pem, mode 0600), publishes it in the registry
    /// (event certificate.key: GET /v1/certificates/key and the web's /certificate-key.pem answer
    /// from now on) and prints its public key. Refuses when one exists.
    #[command(after_help = "Example:\n  fermata certificate key init")]
    Init {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Prints the public key: SPKI PEM and JWK (with --json, both in one object).
    #[command(
        after_help = "The output (PEM, then the JWK on one line) is itself a key file for `certificate verify` and \
        docs/verify_certificate.py.\n\nExample:\n  fermata certificate key show > issuer.pem"
    )]
    Show {
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn key_path(home: &fermata_clearance::Home) -> PathBuf {
    fermata_certificate::key_path(home.dir())
}

fn read_key(path: &Path) -> Result<IssuerKey> {
    Ok(fermata_certificate::read_key(path)?)
}

fn print_key(
    public: &PublicKey,
    json: bool,
    published: Option<fermata_certificate::KeyPublished>,
) -> Result<()> {
    let pem = public.to_pem()?;
    if json {
        let mut out = serde_json::json!({"kid": public.kid(), "pem": pem, "jwk": public.jwk()});
        if let Some(p) = published {
            out["published"] =
                serde_json::json!(p != fermata_certificate::KeyPublished::NoPartyYet);
        }
        println!("{out}");
    } else {
        print!("{pem}");
        println!("{}", public.jwk());
    }
    Ok(())
}

pub(crate) fn run_certificate(home: Option<&Path>, cmd: CertificateCommand) -> Result<ExitCode> {
    match cmd {
        CertificateCommand::Verify { file, key, output } => run_verify(&file, &key, output.json),
        CertificateCommand::Key(KeyCommand::Init { output }) => {
            let (home, mut registry) = open_home(home)?;
            let path = key_path(&home);
            if path.exists() {
                anyhow::bail!(
                    "{} exists: the issuer key is made once (`fermata certificate key show` prints its public key)",
                    path.display()
                );
            }
            let key = fermata_certificate::create_key(&path)?;
            let published = fermata_certificate::publish_key(&mut registry, &key, "operator")?;
            let public = key.public();
            if !output.json {
                eprintln!("wrote {} (keep it secret); its public key:", path.display());
                if published == fermata_certificate::KeyPublished::NoPartyYet {
                    eprintln!(
                        "the registry has no party yet: the key is published at the next `fermata serve` or with the first certificate"
                    );
                }
            }
            print_key(&public, output.json, Some(published))?;
            Ok(ExitCode::SUCCESS)
        }
        CertificateCommand::Key(KeyCommand::Show { output }) => {
            let (home, _registry) = open_home(home)?;
            let path = key_path(&home);
            if !path.exists() {
                anyhow::bail!(
                    "no issuer key at {}: make one with `fermata certificate key init`",
                    path.display()
                );
            }
            print_key(&read_key(&path)?.public(), output.json, None)?;
            Ok(ExitCode::SUCCESS)
        }
        CertificateCommand::List { model, output } => {
            let (_home, mut registry) = open_home(home)?;
            let list = registry.certificates(model.as_deref())?;
            if output.json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|c| {
                        serde_json::json!({"id": c.id, "model": c.model, "developer": c.developer,
                        "issuer": c.issuer, "kid": c.kid, "issued_at": c.issued_at, "jws_sha256": c.jws_sha256})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if list.is_empty() {
                println!("no certificates issued");
            } else {
                let mut t =
                    Table::new(&["id", "model", "developer", "issued_at", "kid", "jws sha256"]);
                for c in &list {
                    t.row(vec![
                        c.id.clone(),
                        c.model.clone(),
                        c.developer.clone(),
                        c.issued_at.clone(),
                        c.kid.clone(),
                        c.jws_sha256.clone(),
                    ]);
                }
                print!("{}", t.render());
            }
            Ok(ExitCode::SUCCESS)
        }
        CertificateCommand::Issue {
            model,
            developer,
            issuer,
            out,
            output,
        } => {
            let (home, mut registry) = open_home(home)?;
            let issued = match fermata_certificate::issue_from_home(
                &mut registry,
                home.dir(),
                &model,
                developer.as_deref(),
                &issuer,
                "operator",
            ) {
                Ok(done) => {
                    if done.made_key {
                        eprintln!(
                            "made the issuer key {} (mode 0600); its public key is published (`fermata certificate key show`)",
                            key_path(&home).display()
                        );
                    }
                    done.issued
                }
                Err(CertificateError::Refused { model, problems }) => {
                    if output.json {
                        println!(
                            "{}",
                            serde_json::json!({"issued": false, "model": model, "refused": problems})
                        );
                    }
                    let err = CertificateError::Refused { model, problems };
                    eprintln!("{err}");
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            };
            let out = match out {
                Some(p) => p,
                None => {
                    let dir = home.dir().join("certificates");
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                    dir.join(format!("{}.jws", issued.record.id))
                }
            };
            std::fs::write(&out, format!("{}\n", issued.jws))
                .with_context(|| format!("cannot write {}", out.display()))?;
            if output.json {
                println!(
                    "{}",
                    serde_json::json!({"issued": true, "file": out.display().to_string(),
                        "jws_sha256": issued.record.jws_sha256, "certificate": issued.certificate})
                );
            } else {
                print_certificate(&issued.certificate);
                println!("\nwrote {}", out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_verify(file: &Path, key: &Path, json: bool) -> Result<ExitCode> {
    let key_text = std::fs::read_to_string(key)
        .with_context(|| format!("cannot read the key {}", key.display()))?;
    let key = PublicKey::parse(&key_text).with_context(|| format!("{}", key.display()))?;
    let meta =
        std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.len() > fermata_certificate::MAX_JWS_BYTES as u64 {
        anyhow::bail!("{} is larger than any certificate", file.display());
    }
    let jws =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    match fermata_certificate::verify(&jws, &key) {
        Ok(v) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"valid": true, "kid": v.header.kid,
                        "jws_sha256": v.jws_sha256, "certificate": v.certificate})
                );
            } else {
                println!("VALID: signed by key {}", v.header.kid);
                print_certificate(&v.certificate);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"valid": false, "kid": key.kid(), "error": e.to_string()})
                );
            } else {
                println!("INVALID: {e}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// What a certificate binds, for people.
fn print_certificate(c: &Certificate) {
    let mut head = Table::new(&["field", "value"]);
    for (k, v) in [
        ("certificate", c.id.clone()),
        ("model", c.model.clone()),
        ("developer", c.developer.clone()),
        ("issuer", c.issuer.clone()),
        ("key id", c.kid.clone()),
        ("issued_at", c.issued_at.clone()),
        ("training dates", c.training_dates.join(", ")),
        ("works", c.works.to_string()),
    ] {
        head.row(vec![k.into(), v]);
    }
    print!("{}", head.render());
    println!("\n{}", c.statement);
    let mut scans = Table::new(&[
        "scan",
        "dataset",
        "use",
        "territory",
        "finished_at",
        "manifest",
        ">version",
        ">leaves",
        "root",
    ]);
    for s in &c.scans {
        scans.row(vec![
            s.id.clone(),
            s.dataset.clone(),
            s.use_.clone(),
            s.territory.clone(),
            s.finished_at.clone(),
            s.manifest.id.clone(),
            s.manifest.version.to_string(),
            s.manifest.tree_size.to_string(),
            s.manifest.root.clone(),
        ]);
    }
    print!("\n{}", scans.render());
    if !c.licences.is_empty() {
        let mut t = Table::new(&[
            "licence",
            "holder",
            "use",
            "works",
            "valid_from",
            "valid_to",
            "revoked_at",
        ]);
        for l in &c.licences {
            t.row(vec![
                l.id.clone(),
                l.holder.clone(),
                l.use_.clone(),
                l.works.join(" "),
                l.valid_from.clone(),
                l.valid_to.clone().unwrap_or_else(|| "-".into()),
                l.revoked_at.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        print!("\n{}", t.render());
    }
    if !c.policies.is_empty() {
        let mut t = Table::new(&["policy of", "work", "use", "decision", "updated_at"]);
        for p in &c.policies {
            t.row(vec![
                p.holder.clone(),
                p.work.clone(),
                p.use_.clone(),
                p.decision.clone(),
                p.updated_at.clone(),
            ]);
        }
        print!("\n{}", t.render());
    }
    let mut t = Table::new(&["usage report", "date", "run", "sha256"]);
    for u in &c.usage_reports {
        t.row(vec![
            u.id.clone(),
            u.date.clone(),
            u.run.clone(),
            u.sha256.clone(),
        ]);
    }
    print!("\n{}", t.render());
}
