//! Sending webhook deliveries: the registry decides what is delivered to whom, signs it and
//! schedules retries (`fermata_registry`'s webhook operations); this module only POSTs what it
//! is handed, with bounded waits, and reports each attempt back.
//!
//! One pass ([`run_pass`]): announce licences about to expire (when asked), turn new audit
//! events into deliveries, then claim and send the deliveries that are due. [`Worker`] runs
//! passes on a thread with its own registry connection until it is stopped (`fermata serve`);
//! `fermata webhook deliver` runs one pass (for cron). Several senders may run at once: a
//! claimed delivery is held by its sender for `CLAIM_LEASE_S` seconds.

use crate::ClearanceError;
use fermata_registry::{AttemptResult, DueDelivery, EnqueueReport, Registry};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Most bytes of an answer read (the rest is not waited for).
pub const MAX_RESPONSE_BYTES: u64 = 4_096;
/// How long to wait for the connection (and TLS handshake) to an endpoint.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole attempt may take, connection included.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Most deliveries one pass sends.
pub const PASS_LIMIT: usize = 100;
/// Characters of a non-2xx answer's body kept with the attempt.
const SNIPPET_CHARS: usize = 200;

/// Which receiver addresses a sender connects to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reach {
    /// Public addresses only (the default): a party's endpoint cannot make the server reach
    /// into its own network (its loopback, a private network, a cloud metadata address).
    #[default]
    Public,
    /// Also loopback and private-network addresses: for receivers inside the operator's own
    /// network, a local relay, and tests (`fermata serve --webhook-allow-private`).
    PrivateToo,
}

/// Whether `ip` is an address of the internet at large, not of the server itself or a private,
/// link-local, shared (carrier-grade NAT), multicast, documentation or unspecified range.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// Resolves an endpoint's `host:port` and keeps only the addresses `reach` allows, so that the
/// rule holds for names as well as literal addresses, whatever a name resolves to at the
/// moment of sending.
fn resolve(reach: Reach, netloc: &str) -> std::io::Result<Vec<std::net::SocketAddr>> {
    use std::net::ToSocketAddrs;
    let all: Vec<std::net::SocketAddr> = netloc.to_socket_addrs()?.collect();
    if reach == Reach::PrivateToo {
        return Ok(all);
    }
    let public: Vec<std::net::SocketAddr> =
        all.iter().copied().filter(|a| is_public(a.ip())).collect();
    if public.is_empty() && !all.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{netloc} is not a public address ({}): fermata delivers only to public addresses unless the operator runs `fermata serve --webhook-allow-private`",
                all.iter()
                    .map(|a| a.ip().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(public)
}

/// The HTTP client for deliveries: bounded timeouts, no redirects (a delivery goes where its
/// endpoint says, and a redirect is an answer to retry, not to follow), and only the addresses
/// `reach` allows.
pub fn agent(reach: Reach) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .resolver(move |netloc: &str| resolve(reach, netloc))
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(ATTEMPT_TIMEOUT)
        .redirects(0)
        .user_agent(concat!(
            "fermata/",
            env!("CARGO_PKG_VERSION"),
            " (webhooks)"
        ))
        .build()
}

fn snippet(response: ureq::Response) -> String {
    let mut bytes = Vec::new();
    // What the endpoint says about a failure is a courtesy: read at most a few KB of it.
    let _ = response
        .into_reader()
        .take(MAX_RESPONSE_BYTES)
        .read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes)
        .chars()
        .take(SNIPPET_CHARS)
        .collect()
}

/// POSTs one delivery and says what came of it (never an error: a failure is an attempt's
/// result).
pub fn send(agent: &ureq::Agent, due: &DueDelivery) -> AttemptResult {
    let started = Instant::now();
    let mut request = agent.post(&due.url);
    for (name, value) in &due.headers {
        request = request.set(name, value);
    }
    let (status_code, error) = match request.send_string(&due.delivery.body) {
        Ok(response) => {
            let code = response.status();
            if (200..300).contains(&code) {
                // Read (a little of) the answer so that the connection ends cleanly.
                let _ = snippet(response);
                (Some(code), None)
            } else {
                let body = snippet(response);
                (Some(code), Some(format!("HTTP {code}: {body}")))
            }
        }
        Err(ureq::Error::Status(code, response)) => {
            let body = snippet(response);
            (Some(code), Some(format!("HTTP {code}: {body}")))
        }
        Err(ureq::Error::Transport(t)) => (None, Some(t.to_string())),
    };
    AttemptResult {
        status_code,
        error,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PassReport {
    /// Licences announced as expiring.
    pub expiring: usize,
    /// Events read and deliveries made from them.
    pub enqueued: EnqueueReport,
    /// Attempts made.
    pub attempted: usize,
    /// Of which answered 2xx.
    pub delivered: usize,
}

/// Claims and sends up to `limit` due deliveries, recording each attempt; stops early when
/// `stop` is set. Returns (attempted, delivered).
pub fn send_due(
    registry: &mut Registry,
    agent: &ureq::Agent,
    limit: usize,
    stop: &AtomicBool,
) -> Result<(usize, usize), ClearanceError> {
    let mut attempted = 0;
    let mut delivered = 0;
    while attempted < limit && !stop.load(Ordering::SeqCst) {
        let batch = registry.claim_webhook_deliveries((limit - attempted).min(10))?;
        if batch.is_empty() {
            break;
        }
        for due in batch {
            let result = send(agent, &due);
            if result.status_code.is_some_and(|c| (200..300).contains(&c)) {
                delivered += 1;
            }
            registry.record_webhook_attempt(&due.delivery.id, &result)?;
            attempted += 1;
        }
    }
    Ok((attempted, delivered))
}

/// One pass: announce expiring licences (when `note_expiring`), enqueue deliveries for new
/// audit events, send what is due (at most [`PASS_LIMIT`]).
pub fn run_pass(
    registry: &mut Registry,
    agent: &ureq::Agent,
    note_expiring: bool,
    stop: &AtomicBool,
) -> Result<PassReport, ClearanceError> {
    let mut report = PassReport::default();
    if note_expiring {
        report.expiring = registry.note_expiring_licences()?.len();
    }
    report.enqueued = registry.enqueue_webhook_deliveries()?;
    let (attempted, delivered) = send_due(registry, agent, PASS_LIMIT, stop)?;
    report.attempted = attempted;
    report.delivered = delivered;
    Ok(report)
}

/// The delivery worker of `fermata serve`: a thread with its own registry connection that runs
/// a pass every `interval` (and announces expiring licences every `expiring_every`) until
/// [`Worker::stop`].
pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker over `registry`. `log` is told of every pass that did something and of
    /// every error (a failing pass is retried at the next interval).
    pub fn spawn(
        mut registry: Registry,
        reach: Reach,
        interval: Duration,
        expiring_every: Duration,
        log: impl Fn(Result<&PassReport, &ClearanceError>) + Send + 'static,
    ) -> Result<Worker, ClearanceError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("fermata-webhooks".into())
            .spawn(move || {
                let agent = agent(reach);
                let mut last_expiring: Option<Instant> = None;
                while !flag.load(Ordering::SeqCst) {
                    let note = last_expiring.is_none_or(|t| t.elapsed() >= expiring_every);
                    match run_pass(&mut registry, &agent, note, &flag) {
                        Ok(report) => {
                            if note {
                                last_expiring = Some(Instant::now());
                            }
                            if report != PassReport::default()
                                && (report.expiring > 0
                                    || report.enqueued.deliveries > 0
                                    || report.attempted > 0)
                            {
                                log(Ok(&report));
                            }
                        }
                        Err(e) => log(Err(&e)),
                    }
                    let until = Instant::now() + interval;
                    while Instant::now() < until && !flag.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
            })
            .map_err(|e| ClearanceError::Io {
                path: "fermata-webhooks thread".into(),
                source: e,
            })?;
        Ok(Worker {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops the worker: it finishes the attempt in flight (bounded by [`ATTEMPT_TIMEOUT`]) and
    /// ends.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
