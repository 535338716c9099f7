//! A loopback SMTP receiver for tests: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET,
//! NOOP, QUIT; no TLS and no authentication. Every accepted message is recorded with its
//! envelope; [`SmtpReceiver::refuse`] makes it answer the next transactions with an error code
//! (4xx or 5xx), as a full mailbox or a rejecting relay would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest command line read (RFC 5321 says 512 octets; a little slack).
const MAX_LINE: u64 = 2_048;
/// Largest message kept.
const MAX_MESSAGE: usize = 1 << 20;

/// One message the receiver accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

#[derive(Default)]
struct Shared {
    messages: Vec<Received>,
    refuse: Option<u16>,
    refused: usize,
}

/// A running receiver; it stops when dropped.
pub struct SmtpReceiver {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
}

impl SmtpReceiver {
    /// Starts a receiver on a free loopback port.
    pub fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("a local address");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, f) = (shared.clone(), stop.clone());
        std::thread::spawn(move || {
            while !f.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let s = s.clone();
                        std::thread::spawn(move || {
                            let _ = session(stream, &s);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        SmtpReceiver { addr, shared, stop }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:PORT`, for `--smtp-url`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// From now on, answer RCPT TO with `code` (e.g. 450 or 550); None accepts again.
    pub fn refuse(&self, code: Option<u16>) {
        self.lock().refuse = code;
    }

    /// How many transactions were refused.
    pub fn refused(&self) -> usize {
        self.lock().refused
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.lock().messages.clone()
    }

    /// Waits up to `timeout` for a message for which `pred` holds.
    pub fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&Received) -> bool,
    ) -> Option<Received> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(m) = self.messages().into_iter().find(|m| pred(m)) {
                return Some(m);
            }
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn path_of(arg: &str) -> String {
    let a = arg.trim();
    let start = a.find('<').map_or(0, |i| i + 1);
    let end = a[start..].find('>').map_or(a.len(), |i| start + i);
    a[start..end].to_string()
}

fn session(stream: TcpStream, shared: &Mutex<Shared>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    out.write_all(b"220 fermata-testkit ESMTP\r\n")?;
    let (mut from, mut to) = (None::<String>, Vec::<String>::new());
    loop {
        let mut line = String::new();
        if (&mut reader).take(MAX_LINE).read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-fermata-testkit\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            out.write_all(b"250 fermata-testkit\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = Some(path_of(&line[10..]));
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            if from.is_none() {
                out.write_all(b"503 MAIL first\r\n")?;
                continue;
            }
            let refuse = {
                let mut s = lock();
                let r = s.refuse;
                if r.is_some() {
                    s.refused += 1;
                }
                r
            };
            match refuse {
                Some(code) => {
                    out.write_all(format!("{code} refused for the test\r\n").as_bytes())?
                }
                None => {
                    to.push(path_of(&line[8..]));
                    out.write_all(b"250 OK\r\n")?;
                }
            }
        } else if upper == "DATA" {
            if from.is_none() || to.is_empty() {
                out.write_all(b"503 no valid recipients\r\n")?;
                continue;
            }
            out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if (&mut reader).take(MAX_LINE * 4).read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" || l == ".\n" {
                    break;
                }
                let l = l.strip_prefix('.').unwrap_or(&l);
                if data.len() + l.len() <= MAX_MESSAGE {
                    data.push_str(l);
                }
            }
            lock().messages.push(Received {
                from: from.take().unwrap_or_default(),
                to: std::mem::take(&mut to),
                data,
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if upper == "RSET" {
            from = None;
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "NOOP" {
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

impl Received {
    /// The headers, unfolded, as (lower-case name, value).
    pub fn headers(&self) -> Vec<(String, String)> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut out: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(line);
                }
            } else if let Some((n, v)) = line.split_once(':') {
                out.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        out
    }

    /// A header's value (the first), decoded from RFC 2047 encoded words.
    pub fn header(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        self.headers()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| decode_words(&v))
    }

    /// The subject, decoded.
    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default()
    }

    /// The body, decoded from its transfer encoding (base64, quoted-printable or none).
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let cte = self
            .header("content-transfer-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match cte.as_str() {
            "base64" => base64(&body.replace(['\r', '\n'], "")),
            "quoted-printable" => quoted_printable(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`); whitespace between two encoded
/// words is dropped, as the RFC says.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, after) = rest.split_at(start);
        let parts: Vec<&str> = after[2..].splitn(3, '?').collect();
        let end = parts.get(2).and_then(|p| p.find("?="));
        let (Some(enc), Some(end)) = (parts.get(1), end) else {
            break;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let text = &parts[2][..end];
        let bytes = if enc.eq_ignore_ascii_case("b") {
            base64(text)
        } else {
            quoted_printable(&text.replace('_', " "))
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        let consumed = 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
        rest = &after[consumed..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_and_bodies_decode() {
        assert_eq!(
            decode_words("=?utf-8?b?7ZWc6rWt?= =?utf-8?b?7Ja0?="),
            "한국어"
        );
        assert_eq!(
            decode_words("Hello =?utf-8?q?caf=C3=A9_au_lait?= x"),
            "Hello café au lait x"
        );
        assert_eq!(decode_words("plain"), "plain");
        assert_eq!(base64("aGVsbG8="), b"hello");
        assert_eq!(quoted_printable("a=3Db=\r\nc"), b"a=bc");
    }

    #[test]
    fn it_records_a_message_and_refuses_when_told() {
        let r = SmtpReceiver::start();
        let talk = |lines: &[&str]| -> String {
            let mut s = TcpStream::connect(r.addr()).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            for l in lines {
                s.write_all(l.as_bytes()).unwrap();
            }
            let mut all = String::new();
            let _ = s.read_to_string(&mut all);
            all
        };
        let said = talk(&[
            "EHLO t\r\n",
            "MAIL FROM:<a@example.org>\r\n",
            "RCPT TO:<b@example.org>\r\n",
            "DATA\r\n",
            "Subject: hi\r\n\r\n..dot\r\n.\r\n",
            "QUIT\r\n",
        ]);
        assert!(said.contains("221"), "{said}");
        let m = r.wait_for(Duration::from_secs(5), |_| true).unwrap();
        assert_eq!(
            (m.from.as_str(), m.to.clone()),
            ("a@example.org", vec!["b@example.org".to_string()])
        );
        assert_eq!(m.subject(), "hi");
        assert_eq!(m.text(), ".dot\r\n");
        r.refuse(Some(550));
        let said = talk(&[
            "HELO t\r\n",
            "MAIL FROM:<a@example.org>\r\n",
            "RCPT TO:<b@example.org>\r\n",
            "DATA\r\n",
            "QUIT\r\n",
        ]);
        assert!(
            said.contains("550 refused") && said.contains("503"),
            "{said}"
        );
        assert_eq!((r.refused(), r.messages().len()), (1, 1));
    }
}
