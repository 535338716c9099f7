//! `fermata init`, `party`, `work`, `policy`, `licence` and `audit`: the registry from the
//! command line. Each command is one call into `fermata-registry` (one transaction).

use crate::OutputArgs;
use crate::table::Table;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fermata_clearance::Home;
use fermata_registry::{
    Decision, Isrc, LicenceGrant, Party, PartyKind, Policy, PolicyChange, Price, Registry,
    Territory, Use, parse_territories, percent, shares_to_string, territories_to_string,
};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the registry lives: `--home`, else `FERMATA_HOME`, else the platform's data directory.
pub(crate) fn home_dir(home: Option<&Path>) -> Result<PathBuf> {
    if let Some(h) = home {
        return Ok(h.to_path_buf());
    }
    directories::ProjectDirs::from("org", "fermata", "fermata")
        .map(|d| d.data_dir().to_path_buf())
        .context("cannot find a data directory for this user: pass --home DIR or set FERMATA_HOME")
}

pub(crate) fn open_home(home: Option<&Path>) -> Result<(Home, Registry)> {
    let dir = home_dir(home)?;
    let home = Home::open(&dir)?;
    let registry = home.registry()?;
    Ok((home, registry))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run_init(home: Option<&Path>, args: InitArgs) -> Result<ExitCode> {
    let dir = home_dir(home)?;
    let existed = dir.join(Home::REGISTRY_FILE).exists();
    let home = Home::init(&dir)?;
    if args.output.json {
        print_json(
            &json!({"home": home.dir(), "registry": home.registry_path(), "index": home.index_dir(), "created": !existed}),
        )?;
    } else {
        let verb = if existed {
            "already initialised"
        } else {
            "initialised"
        };
        println!("{verb}: {}", home.dir().display());
        println!("  registry  {}", home.registry_path().display());
        println!("  index     {}", home.index_dir().display());
        println!("next: fermata party add ID --kind label --name \"Your Label\"");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum PartyCommand {
    /// Adds a rights holder (label, publisher, artist, society) or an AI developer.
    #[command(
        after_help = "Examples:\n  fermata party add indie-records --kind label --name \"Indie Records\"\n  \
                            fermata party add acme-ai --kind developer --name \"Acme AI\""
    )]
    Add {
        /// Its id: lower-case letters, digits and '-' (used in every other command).
        id: String,
        /// label, publisher, artist, society or developer.
        #[arg(long)]
        kind: PartyKind,
        /// Display name (a DDEX rights controller of this name is matched to this party).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists the parties.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_party(home: Option<&Path>, cmd: PartyCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        PartyCommand::Add {
            id,
            kind,
            name,
            output,
        } => {
            let party = registry.add_party(&id, kind, &name, "cli")?;
            if output.json {
                print_json(&party)?;
            } else {
                println!("added {} '{}' ({})", party.kind, party.id, party.name);
            }
        }
        PartyCommand::List { output } => {
            let parties = registry.parties()?;
            if output.json {
                print_json(&parties)?;
            } else {
                print!("{}", party_table(&parties).render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn party_table(parties: &[Party]) -> Table {
    let mut t = Table::new(&["ID", "KIND", "NAME", "ADDED"]);
    for p in parties {
        t.row(vec![
            p.id.clone(),
            p.kind.to_string(),
            p.name.clone(),
            p.created_at.clone(),
        ]);
    }
    t
}

#[derive(Subcommand)]
pub(crate) enum WorkCommand {
    /// Lists registered works (all, or those of one holder).
    #[command(
        after_help = "Examples:\n  fermata work list\n  fermata work list --holder indie-records --json"
    )]
    List {
        /// Only works registered by or shared with this holder.
        #[arg(long, value_name = "ID")]
        holder: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Shows one work: metadata, credits, shares, fingerprinted tracks and its policies.
    #[command(after_help = "Example:\n  fermata work show GBAYE6900531")]
    Show {
        /// The work's ISRC.
        isrc: Isrc,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists proposed share changes: a re-import that removes or reduces another holder's
    /// share changes nothing until that holder agrees.
    #[command(
        after_help = "Examples:\n  fermata work changes\n  fermata work changes --party north-publishing --json"
    )]
    Changes {
        /// Only those this party proposed or must agree to.
        #[arg(long, value_name = "ID")]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Agrees to (or refuses) a proposed share change that reduces your share.
    #[command(
        after_help = "Examples:\n  fermata work agree shc-000001 --holder north-publishing\n  \
                            fermata work agree shc-000001 --holder north-publishing --refuse --reason \"we hold 50 % by contract\""
    )]
    Agree {
        /// The change's id.
        id: String,
        /// The holder whose share it reduces.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// Refuse instead of agreeing.
        #[arg(long)]
        refuse: bool,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn share_change_table(changes: &[fermata_registry::ShareChange]) -> Table {
    let mut t = Table::new(&[
        "CHANGE",
        "WORK",
        "NOW",
        "PROPOSED",
        "BY",
        "MUST AGREE",
        "AGREED",
        "STATUS",
    ]);
    for c in changes {
        t.row(vec![
            c.id.clone(),
            c.isrc.to_string(),
            shares_to_string(&c.current),
            shares_to_string(&c.proposed.shares),
            c.proposed_by.clone(),
            c.affected.join(", "),
            c.agreed.join(", "),
            format!("{:?}", c.status).to_lowercase(),
        ]);
    }
    t
}

pub(crate) fn run_work(home: Option<&Path>, cmd: WorkCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        WorkCommand::List { holder, output } => {
            let works = registry.works(holder.as_deref())?;
            if output.json {
                print_json(&works)?;
            } else {
                let mut t =
                    Table::new(&["ISRC", "TITLE", "ARTIST", ">DURATION", "SHARES", ">TRACKS"]);
                for w in &works {
                    t.row(vec![
                        w.isrc.to_string(),
                        w.title.clone(),
                        w.artist.clone(),
                        w.duration_s.map_or(String::new(), crate::table::clock),
                        shares_to_string(&w.shares),
                        w.tracks.len().to_string(),
                    ]);
                }
                print!("{}", t.render());
                eprintln!("{} work(s)", works.len());
            }
        }
        WorkCommand::Changes { party, output } => {
            let changes = registry.share_changes(party.as_deref())?;
            if output.json {
                print_json(&changes)?;
            } else {
                print!("{}", share_change_table(&changes).render());
                eprintln!("{} change(s)", changes.len());
            }
        }
        WorkCommand::Agree {
            id,
            holder,
            refuse,
            reason,
            output,
        } => {
            let change =
                registry.agree_share_change(&id, &holder, !refuse, reason.as_deref(), &holder)?;
            if output.json {
                print_json(&change)?;
            } else {
                print!(
                    "{}",
                    share_change_table(std::slice::from_ref(&change)).render()
                );
            }
        }
        WorkCommand::Show { isrc, output } => {
            let work = registry.work(&isrc)?;
            let mut policies: Vec<Policy> = Vec::new();
            let holders: std::collections::BTreeSet<&str> =
                work.shares.iter().map(|s| s.holder.as_str()).collect();
            for h in holders {
                policies.extend(
                    registry
                        .policies(h)?
                        .into_iter()
                        .filter(|p| p.isrc.is_none() || p.isrc.as_ref() == Some(&isrc)),
                );
            }
            if output.json {
                print_json(&json!({"work": work, "policies": policies}))?;
            } else {
                println!("{}  {} — {}", work.isrc, work.title, work.artist);
                if let Some(d) = work.duration_s {
                    println!("  duration    {}", crate::table::clock(d));
                }
                if let Some(i) = &work.iswc {
                    println!("  ISWC        {i}");
                }
                println!("  registrant  {}", work.registrant);
                for c in &work.credits {
                    println!("  {:<11} {}", c.role, c.name);
                }
                println!("  tracks      {}", work.tracks.join(", "));
                println!("\nshares:");
                let mut t = Table::new(&["TERRITORY", "HOLDER", ">SHARE"]);
                for s in &work.shares {
                    t.row(vec![
                        s.territory.to_string(),
                        s.holder.clone(),
                        percent(s.basis_points),
                    ]);
                }
                print!("{}", t.render());
                println!(
                    "\npolicies (a work's own policy overrides its holder's catalogue policy; none means deny):"
                );
                print!("{}", policy_table(&policies).render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn policy_table(policies: &[Policy]) -> Table {
    let mut t = Table::new(&[
        "HOLDER",
        "SCOPE",
        "USE",
        "DECISION",
        "TERRITORIES",
        "OFFER / CONDITIONS",
    ]);
    for p in policies {
        let offer = match (&p.price, p.term_months, &p.conditions) {
            (Some(price), term, _) => format!(
                "{price}{}",
                term.map_or(String::new(), |m| format!(", {m} months"))
            ),
            (None, Some(m), _) => format!("{m} months"),
            (None, None, Some(c)) => c.clone(),
            _ => String::new(),
        };
        t.row(vec![
            p.holder.clone(),
            p.isrc
                .as_ref()
                .map_or("catalogue".into(), ToString::to_string),
            p.use_.to_string(),
            p.decision.to_string(),
            territories_to_string(&p.territories),
            offer,
        ]);
    }
    t
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Sets what a holder says to one use, for one work or (without --work) its whole catalogue.
    #[command(
        after_help = "Uses: train-genai, train-ai, tdm-research, voice-likeness, inference-input.\n\
        Decisions: deny, licence-required (with an offer), allow (with conditions).\n\
        With no policy the answer is deny; no use implies another.\n\nExamples:\n  \
        fermata policy set --holder indie-records --use train-genai --decision licence-required \\\n      \
        --price per-work:250.00:EUR --term-months 12 --territories WORLD\n  \
        fermata policy set --holder indie-records --work GBAYE6900531 --use train-genai --decision deny\n  \
        fermata policy set --holder indie-records --use tdm-research --decision allow --conditions \"attribution\""
    )]
    Set {
        /// The holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The work (default: the holder's whole catalogue).
        #[arg(long, value_name = "ISRC")]
        work: Option<Isrc>,
        /// The use.
        #[arg(long = "use", value_name = "USE")]
        use_: Use,
        /// deny, licence-required or allow.
        #[arg(long)]
        decision: Decision,
        /// Where it holds, e.g. DE,FR (default: everywhere); elsewhere the answer is deny.
        #[arg(long, value_name = "LIST")]
        territories: Option<String>,
        /// The price on offer (licence-required): MODEL:AMOUNT:CURRENCY, MODEL per-work or per-hour.
        #[arg(long, value_name = "PRICE")]
        price: Option<Price>,
        /// The licence term on offer, in months (licence-required).
        #[arg(long, value_name = "N")]
        term_months: Option<u32>,
        /// Conditions of an allow (e.g. attribution), or a note.
        #[arg(long, value_name = "TEXT")]
        conditions: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Shows a holder's policies, and what each use comes to for its catalogue or one work.
    #[command(
        after_help = "Examples:\n  fermata policy show --holder indie-records\n  \
                            fermata policy show --holder indie-records --work GBAYE6900531 --json"
    )]
    Show {
        /// The holder.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// Show what applies to this work.
        #[arg(long, value_name = "ISRC")]
        work: Option<Isrc>,
        /// Answer for this developer (its licences count too).
        #[arg(long, value_name = "ID")]
        developer: Option<String>,
        /// Where (default: WORLD).
        #[arg(long, value_name = "CODE", default_value = "WORLD")]
        territory: Territory,
        /// On which day (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_policy(home: Option<&Path>, cmd: PolicyCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        PolicyCommand::Set {
            holder,
            work,
            use_,
            decision,
            territories,
            price,
            term_months,
            conditions,
            output,
        } => {
            let change = PolicyChange {
                holder: holder.clone(),
                isrc: work,
                use_,
                decision,
                territories: territories
                    .as_deref()
                    .map(parse_territories)
                    .transpose()?
                    .unwrap_or_default(),
                price,
                term_months,
                conditions,
            };
            let policy = registry.set_policy(change, &holder)?;
            // Silence of a co-owner is a no: say so, so nobody expects this policy to clear those works.
            let silent = registry.silent_co_owners(&holder, policy.isrc.as_ref(), policy.use_)?;
            for (isrc, other) in silent.iter().take(20) {
                eprintln!(
                    "note: {isrc} is co-owned by {other}, which has not answered for {} (no policy): the work stays denied until it does",
                    policy.use_
                );
            }
            if silent.len() > 20 {
                eprintln!(
                    "note: … and {} more co-owned work(s) whose co-owner has not answered (see `fermata policy show`)",
                    silent.len() - 20
                );
            }
            if output.json {
                print_json(&policy)?;
            } else {
                print!("{}", policy_table(std::slice::from_ref(&policy)).render());
            }
        }
        PolicyCommand::Show {
            holder,
            work,
            developer,
            territory,
            date,
            output,
        } => {
            let date = date.unwrap_or_else(fermata_registry::audit::today);
            // The same answer a scan and a licence request get: offers and licences included.
            let effective = registry.holder_answers(
                &holder,
                work.as_ref(),
                developer.as_deref(),
                &territory,
                &date,
            )?;
            let policies = registry.policies(&holder)?;
            if output.json {
                print_json(
                    &json!({"holder": holder, "work": work, "developer": developer, "territory": territory, "date": date,
                                   "effective": effective, "policies": policies}),
                )?;
            } else {
                let scope = work
                    .as_ref()
                    .map_or("its catalogue".to_string(), |w| w.to_string());
                let to = developer
                    .as_deref()
                    .map_or(String::new(), |d| format!(" to {d}"));
                println!("what {holder} says{to} to each use of {scope} in {territory} on {date}:");
                let mut t = Table::new(&["USE", "ANSWER", "WHY"]);
                for e in &effective {
                    t.row(vec![
                        e.use_.to_string(),
                        e.answer.verdict.to_string(),
                        e.answer.reason.clone(),
                    ]);
                }
                print!("{}", t.render());
                println!("\npolicies set:");
                print!("{}", policy_table(&policies).render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub(crate) enum LicenceCommand {
    /// Grants a developer a licence for some works (or the whole catalogue) and one use.
    #[command(
        after_help = "Examples:\n  fermata licence grant --holder indie-records --developer acme-ai --use train-genai \\\n      \
        --work GBAYE6900531 --work GBAYE6900532 --territories DE,FR --from 2026-01-01 --to 2026-12-31 \\\n      \
        --price per-work:250.00:EUR\n  \
        fermata licence grant --holder indie-records --developer acme-ai --use train-ai --all-works --from 2026-01-01"
    )]
    Grant {
        /// The holder granting it.
        #[arg(long, value_name = "ID")]
        holder: String,
        /// The developer receiving it.
        #[arg(long, value_name = "ID")]
        developer: String,
        /// The use it permits.
        #[arg(long = "use", value_name = "USE")]
        use_: Use,
        /// A work it covers (repeat for several).
        #[arg(
            long = "work",
            value_name = "ISRC",
            required_unless_present = "all_works"
        )]
        works: Vec<Isrc>,
        /// Cover every work the holder has a share in, now and later.
        #[arg(long, conflicts_with = "works")]
        all_works: bool,
        /// Where it applies, e.g. DE,FR (default: everywhere).
        #[arg(long, value_name = "LIST")]
        territories: Option<String>,
        /// First day, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: no end).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The agreed price: MODEL:AMOUNT:CURRENCY.
        #[arg(long, value_name = "PRICE")]
        price: Option<Price>,
        /// Free-text terms or a contract reference.
        #[arg(long, value_name = "TEXT")]
        terms: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Revokes a licence from now on (scans after this no longer count it).
    #[command(
        after_help = "Example:\n  fermata licence revoke lic-000001 --reason \"contract ended\""
    )]
    Revoke {
        /// The licence id.
        id: String,
        /// The holder that granted it (only it may revoke it; default: the licence's own holder,
        /// for the operator acting on its behalf).
        #[arg(long, value_name = "ID")]
        holder: Option<String>,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Renews a licence: asks its holders again, through a normal licence request, for the same
    /// works, use and territories, for a term of the same length starting the day after it ends.
    #[command(
        after_help = "The holders' current policies and offers answer; an auto-accept offer \
        approves at once, otherwise the holders decide (fermata decide).\n\nExample:\n  \
        fermata licence renew lic-000001"
    )]
    Renew {
        /// The licence id.
        id: String,
        /// The developer holding it (default: the licence's own developer).
        #[arg(long, value_name = "ID")]
        developer: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists licences (all, or those a party granted or holds).
    #[command(after_help = "Example:\n  fermata licence list --party acme-ai")]
    List {
        /// Only this party's licences.
        #[arg(long, value_name = "ID")]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_licence(home: Option<&Path>, cmd: LicenceCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        LicenceCommand::Grant {
            holder,
            developer,
            use_,
            works,
            all_works,
            territories,
            from,
            to,
            price,
            terms,
            output,
        } => {
            if works.is_empty() && !all_works {
                bail!("name the works with --work ISRC (repeatable) or pass --all-works");
            }
            let grant = LicenceGrant {
                holder: holder.clone(),
                developer,
                use_,
                works,
                territories: territories
                    .as_deref()
                    .map(parse_territories)
                    .transpose()?
                    .unwrap_or_default(),
                valid_from: from.unwrap_or_else(fermata_registry::audit::today),
                valid_to: to,
                price,
                terms,
            };
            let licence = registry.grant_licence(grant, &holder)?;
            if output.json {
                print_json(&licence)?;
            } else {
                println!("granted {}", licence.id);
                print!("{}", licence_table(std::slice::from_ref(&licence)).render());
            }
        }
        LicenceCommand::Revoke {
            id,
            holder,
            reason,
            output,
        } => {
            let holder = match holder {
                Some(h) => h,
                None => registry
                    .licences(None)?
                    .into_iter()
                    .find(|l| l.id == id)
                    .map_or_else(String::new, |l| l.holder),
            };
            let licence = registry.revoke_licence(&id, reason.as_deref(), &holder)?;
            if output.json {
                print_json(&licence)?;
            } else {
                println!(
                    "revoked {} at {}",
                    licence.id,
                    licence.revoked_at.as_deref().unwrap_or_default()
                );
            }
        }
        LicenceCommand::Renew {
            id,
            developer,
            output,
        } => {
            let developer = match developer {
                Some(d) => d,
                None => registry
                    .licences(None)?
                    .into_iter()
                    .find(|l| l.id == id)
                    .map_or_else(String::new, |l| l.developer),
            };
            let request = registry.renew_licence(&id, &developer, &developer)?;
            if output.json {
                print_json(&request)?;
            } else {
                println!(
                    "renewal of {id} asked as {} for {} to {}",
                    request.id,
                    request.valid_from,
                    request.valid_to.as_deref().unwrap_or("no end")
                );
                for l in &request.lines {
                    println!(
                        "  line {} {} from {}: {}{}",
                        l.line,
                        l.isrc,
                        l.holder,
                        l.status,
                        l.licence
                            .as_deref()
                            .map(|lic| format!(" ({lic})"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        LicenceCommand::List { party, output } => {
            let licences = registry.licences(party.as_deref())?;
            if output.json {
                print_json(&licences)?;
            } else {
                print!("{}", licence_table(&licences).render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn licence_table(licences: &[fermata_registry::Licence]) -> Table {
    let today = fermata_registry::audit::today();
    let mut t = Table::new(&[
        "ID",
        "HOLDER",
        "DEVELOPER",
        "USE",
        "WORKS",
        "TERRITORIES",
        "FROM",
        "TO",
        "STATUS",
    ]);
    for l in licences {
        let works = if l.works.is_empty() {
            "all".to_string()
        } else if l.works.len() <= 2 {
            l.works
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        } else {
            format!("{} works", l.works.len())
        };
        t.row(vec![
            l.id.clone(),
            l.holder.clone(),
            l.developer.clone(),
            l.use_.to_string(),
            works,
            territories_to_string(&l.territories),
            l.valid_from.clone(),
            l.valid_to.clone().unwrap_or_else(|| "-".into()),
            match l.status_on(&today) {
                "scheduled" => format!("scheduled (starts {})", l.valid_from),
                other => other.to_string(),
            },
        ]);
    }
    t
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Checks the hash chain of the whole audit log, and that every record (parties, works and
    /// their shares, policies, licences, offers, requests, usage, statements, keys, manifests) is
    /// exactly what the chain's events recorded; names the first bad event or record.
    #[command(
        after_help = "Exit status: 0 when the chain and the records are intact, 1 when either is not.\n\n\
        Publish the head hash it prints: a later verify that ends in the same head proves\n\
        nothing before it was changed.\n\nExample:\n  fermata audit verify"
    )]
    Verify {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Shows the history of a work, a party, a licence or a scan (or everything).
    #[command(
        after_help = "Examples:\n  fermata audit log --work GBAYE6900531\n  fermata audit log --party acme-ai --json"
    )]
    Log {
        /// Events about this work.
        #[arg(long, value_name = "ISRC")]
        work: Option<Isrc>,
        /// Events about this party.
        #[arg(long, value_name = "ID", conflicts_with = "work")]
        party: Option<String>,
        /// Events about this licence.
        #[arg(long, value_name = "ID", conflicts_with_all = ["work", "party"])]
        licence: Option<String>,
        /// Events about this scan.
        #[arg(long, value_name = "ID", conflicts_with_all = ["work", "party", "licence"])]
        scan: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub(crate) fn run_audit(home: Option<&Path>, cmd: AuditCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        AuditCommand::Verify { output } => {
            let report = registry.verify_audit()?;
            if output.json {
                print_json(&report)?;
            } else if let Some(bad) = &report.first_bad {
                println!("BROKEN at event {}: {}", bad.seq, bad.reason);
                println!("({} events stored)", report.events);
            } else {
                println!("intact: {} events, head {}", report.events, report.head);
            }
            Ok(if report.first_bad.is_some() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        AuditCommand::Log {
            work,
            party,
            licence,
            scan,
            output,
        } => {
            let subject = match (work, party, licence, scan) {
                (Some(w), ..) => Some(format!("work:{w}")),
                (_, Some(p), ..) => Some(format!("party:{p}")),
                (_, _, Some(l), _) => Some(format!("licence:{l}")),
                (_, _, _, Some(s)) => Some(format!("scan:{s}")),
                _ => None,
            };
            let events = registry.history(subject.as_deref())?;
            if output.json {
                let parsed: Vec<serde_json::Value> = events
                    .iter()
                    .map(|e| {
                        let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::String(e.payload.clone()));
                        json!({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "subjects": e.subjects, "payload": payload, "hash": e.hash})
                    })
                    .collect();
                print_json(&parsed)?;
            } else {
                let mut t = Table::new(&[">SEQ", "AT", "ACTOR", "ACTION", "ABOUT"]);
                for e in &events {
                    let about: Vec<&str> = e
                        .subjects
                        .split(' ')
                        .filter(|s| subject.as_deref() != Some(*s))
                        .take(4)
                        .collect();
                    let more = e
                        .subjects
                        .split(' ')
                        .count()
                        .saturating_sub(about.len() + usize::from(subject.is_some()));
                    let about = if more > 0 {
                        format!("{} (+{more})", about.join(" "))
                    } else {
                        about.join(" ")
                    };
                    t.row(vec![
                        e.seq.to_string(),
                        e.at.clone(),
                        e.actor.clone(),
                        e.action.clone(),
                        about,
                    ]);
                }
                print!("{}", t.render());
                if events.is_empty() {
                    eprintln!(
                        "no events{}",
                        subject.map_or(String::new(), |s| format!(" about {s}"))
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
