//! The SMTP URL: `smtp://user:pass@host:port` (STARTTLS required unless the host is loopback,
//! where it is plain, for tests and a local relay), `smtps://user:pass@host:port` (TLS from the
//! first byte). The password is kept for the transport and never shown: [`SmtpConfig`]'s
//! `Debug` and [`SmtpConfig::describe`] leave it out.

use crate::{MailError, SMTP_TIMEOUT};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::net::IpAddr;

/// Longest SMTP URL accepted.
const MAX_URL_CHARS: usize = 2_048;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte (port 465 by default).
    Tls,
    /// `smtp://` to a host that is not loopback: STARTTLS, required (port 587 by default).
    StartTls,
    /// `smtp://` to a loopback host: no TLS (port 25 by default).
    Plain,
}

/// Where and how to send mail.
#[derive(Clone)]
pub struct SmtpConfig {
    /// The server's host name or address.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// The user name to authenticate with, if any.
    pub user: Option<String>,
    password: Option<String>,
    /// The sender (`From:`).
    pub from: Mailbox,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn bad(what: &'static str, reason: impl Into<String>) -> MailError {
    MailError::Config {
        what,
        reason: reason.into(),
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn decode(s: &str) -> Result<String, MailError> {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| bad("--smtp-url", "a user name or password does not decode"))
}

impl SmtpConfig {
    /// Reads an SMTP URL and the sender address. The error never repeats the URL (it may
    /// hold a password).
    pub fn parse(smtp_url: &str, from: &str) -> Result<SmtpConfig, MailError> {
        if smtp_url.len() > MAX_URL_CHARS {
            return Err(bad("--smtp-url", "longer than 2048 characters"));
        }
        let url = url::Url::parse(smtp_url.trim()).map_err(|e| {
            bad(
                "--smtp-url",
                format!("not a URL ({e}); e.g. smtp://user:pass@mail.example.org:587"),
            )
        })?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("--smtp-url", "no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let security = match url.scheme() {
            "smtps" => Security::Tls,
            "smtp" if is_loopback(&host) => Security::Plain,
            "smtp" => Security::StartTls,
            other => {
                return Err(bad(
                    "--smtp-url",
                    format!(
                        "scheme '{}' is not smtp or smtps",
                        other.chars().take(16).collect::<String>()
                    ),
                ));
            }
        };
        let port = url.port().unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::Plain => 25,
        });
        if !url.path().trim_matches('/').is_empty()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(bad(
                "--smtp-url",
                "has a path, query or fragment: give only smtp://user:pass@host:port",
            ));
        }
        let user = match url.username() {
            "" => None,
            u => Some(decode(u)?),
        };
        let password = url.password().map(decode).transpose()?;
        if password.is_some() && user.is_none() {
            return Err(bad("--smtp-url", "a password without a user name"));
        }
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e| bad("--mail-from", format!("not an address ({e}); e.g. fermata@example.org or \"Fermata <fermata@example.org>\"")))?;
        Ok(SmtpConfig {
            host,
            port,
            security,
            user,
            password,
            from,
        })
    }

    /// The server as it may be shown: scheme, user, host, port, protection; no password.
    pub fn describe(&self) -> String {
        let scheme = if self.security == Security::Tls {
            "smtps"
        } else {
            "smtp"
        };
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let how = match self.security {
            Security::Tls => "TLS",
            Security::StartTls => "STARTTLS required",
            Security::Plain => "no TLS, loopback",
        };
        format!("{scheme}://{user}{}:{} ({how})", self.host, self.port)
    }

    /// The lettre transport: bounded waits, the protection asked for, the credentials.
    pub(crate) fn transport(&self) -> Result<lettre::SmtpTransport, MailError> {
        let tls = match self.security {
            Security::Plain => Tls::None,
            Security::Tls | Security::StartTls => {
                let params = TlsParameters::new(self.host.clone())
                    .map_err(|e| bad("--smtp-url", format!("TLS: {e}")))?;
                if self.security == Security::Tls {
                    Tls::Wrapper(params)
                } else {
                    Tls::Required(params)
                }
            }
        };
        let hello = self.from.email.domain().to_string();
        let mut builder = lettre::SmtpTransport::builder_dangerous(self.host.as_str())
            .port(self.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT))
            .hello_name(ClientId::Domain(hello));
        if let (Some(u), Some(p)) = (&self.user, &self.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(builder.build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_protection_and_never_show_the_password() {
        let c = SmtpConfig::parse("smtp://ann:s3cr%40t@mail.example.org", "f@example.org").unwrap();
        assert_eq!(c.security, Security::StartTls);
        assert_eq!(c.port, 587);
        assert_eq!(c.user.as_deref(), Some("ann"));
        assert_eq!(c.password.as_deref(), Some("s3cr@t"));
        assert!(!format!("{c:?}").contains("s3cr"));
        assert!(!c.describe().contains("s3cr"));
        let c = SmtpConfig::parse("smtps://a:b@mail.example.org:2465", "f@example.org").unwrap();
        assert_eq!((c.security, c.port), (Security::Tls, 2465));
        let c = SmtpConfig::parse("smtp://127.0.0.1:2525", "f@example.org").unwrap();
        assert_eq!((c.security, c.port), (Security::Plain, 2525));
        let c = SmtpConfig::parse("smtp://[::1]:2525", "f@example.org").unwrap();
        assert_eq!(c.security, Security::Plain);
        let c = SmtpConfig::parse("smtp://localhost", "f@example.org").unwrap();
        assert_eq!((c.security, c.port), (Security::Plain, 25));
    }

    #[test]
    fn bad_urls_and_senders_are_refused_without_echoing_the_url() {
        for url in [
            "http://mail.example.org",
            "smtp://",
            "not a url",
            "smtp://mail.example.org/path",
            "smtp://:pw@mail.example.org",
            "smtp://u:topsecret@mail.example.org?x=1",
        ] {
            let e = SmtpConfig::parse(url, "f@example.org")
                .unwrap_err()
                .to_string();
            assert!(!e.contains("topsecret"), "{e}");
        }
        assert!(
            SmtpConfig::parse(&format!("smtp://{}", "a".repeat(3000)), "f@example.org").is_err()
        );
        assert!(SmtpConfig::parse("smtp://127.0.0.1", "not an address").is_err());
    }
}
