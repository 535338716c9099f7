//! `fermata user`: the people who sign in to the web app.

use crate::OutputArgs;
use crate::registry_cmd::open_home;
use crate::table::Table;
use anyhow::{Context, Result};
use clap::Subcommand;
use fermata_registry::Role;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Adds a person to a party (the first administrator of a party, say) and prints a one-time
    /// link where they choose their password.
    #[command(
        after_help = "Roles are those of API keys: holder-admin or holder-viewer for a rights holder, developer, \
        auditor, operator (for a party of kind operator: it approves sign-ups in the web app). Administrators (holder-admin, developer, auditor) invite the others from the web app.\n\n\
        Examples:\n  fermata user add --party indie-records --email ana@indie.example --name \"Ana Ruiz\"\n  \
        fermata user add --party acme-ai --email dev@acme.example --name Dev --role developer --url https://fermata.example.org\n  \
        fermata party add operator --kind operator --name \"Registry operator\" && fermata user add --party operator --email op@example.org --name Op"
    )]
    Add {
        /// The party (see `fermata party list`).
        #[arg(long)]
        party: String,
        /// Their e-mail address; they sign in with it.
        #[arg(long)]
        email: String,
        /// Their name, as shown to others.
        #[arg(long)]
        name: String,
        /// Their role (default: holder-admin for a rights holder, developer for a developer,
        /// auditor for an auditor).
        #[arg(long)]
        role: Option<Role>,
        /// Read the password from standard input instead of printing a link to set it.
        #[arg(long)]
        password_stdin: bool,
        /// Where the web app is reached, for the link (default: http://127.0.0.1:8080).
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        url: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Prints a one-time password-reset link for a person (it works once, for an hour).
    #[command(after_help = "Example:\n  fermata user reset --email ana@indie.example")]
    Reset {
        /// Their e-mail address.
        #[arg(long)]
        email: String,
        /// Where the web app is reached, for the link.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        url: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lists people (of one party, when given).
    #[command(
        after_help = "Examples:\n  fermata user list\n  fermata user list --party indie-records --json"
    )]
    List {
        /// Only this party's people.
        #[arg(long)]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn link(url: &str, kind: &str, secret: &str) -> String {
    format!("{}/{kind}/{secret}", url.trim_end_matches('/'))
}

pub(crate) fn run_user(home: Option<&Path>, cmd: UserCommand) -> Result<ExitCode> {
    let (_home, mut registry) = open_home(home)?;
    match cmd {
        UserCommand::Add {
            party,
            email,
            name,
            role,
            password_stdin,
            url,
            output,
        } => {
            let role = match role {
                Some(r) => r,
                None => match registry.party(&party)?.kind {
                    fermata_registry::PartyKind::Developer => Role::Developer,
                    fermata_registry::PartyKind::Auditor => Role::Auditor,
                    fermata_registry::PartyKind::Operator => Role::Operator,
                    _ => Role::HolderAdmin,
                },
            };
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .take(4096)
                    .read_to_string(&mut s)
                    .context("cannot read the password from standard input")?;
                Some(s.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let person =
                registry.add_person(&party, &email, &name, role, password.as_deref(), "cli")?;
            let reset = if password.is_none() {
                Some(registry.reset_link(&person.email, "cli")?)
            } else {
                None
            };
            let link = reset.as_ref().map(|r| link(&url, "reset", &r.secret));
            if output.json {
                println!(
                    "{}",
                    serde_json::json!({"person": person, "set_password_link": link, "link_expires_at": reset.map(|r| r.link.expires_at)})
                );
            } else {
                eprintln!(
                    "{} ({}) added to {} as {}",
                    person.name, person.email, person.party, person.role
                );
                if let Some(l) = link {
                    println!("{l}");
                    eprintln!(
                        "Send this link to {}: it sets their password, works once, and expires in {} hour(s).",
                        person.email,
                        fermata_registry::RESET_HOURS
                    );
                }
            }
        }
        UserCommand::Reset { email, url, output } => {
            let made = registry.reset_link(&email, "cli")?;
            let l = link(&url, "reset", &made.secret);
            if output.json {
                println!(
                    "{}",
                    serde_json::json!({"link": l, "expires_at": made.link.expires_at})
                );
            } else {
                println!("{l}");
                eprintln!(
                    "Send this link to {email}: it works once, until {}.",
                    made.link.expires_at
                );
            }
        }
        UserCommand::List { party, output } => {
            let people = registry.people(party.as_deref())?;
            if output.json {
                println!("{}", serde_json::to_string(&people)?);
            } else {
                let mut t = Table::new(&["ID", "PARTY", "EMAIL", "NAME", "ROLE", "PASSWORD SET"]);
                for p in &people {
                    t.row(vec![
                        p.id.clone(),
                        p.party.clone(),
                        p.email.clone(),
                        p.name.clone(),
                        p.role.to_string(),
                        p.password_set_at.clone().unwrap_or_else(|| "no".into()),
                    ]);
                }
                print!("{}", t.render());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
