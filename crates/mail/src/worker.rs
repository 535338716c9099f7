//! Sending the mail queue: one pass queues mail for new audit events and sends what is due;
//! [`Worker`] runs passes on a thread with its own registry connection (`fermata serve
//! --smtp-url`). Two senders never send one mail at once: a claimed mail is leased.

use crate::{MailError, Mailer, Texts};
use fermata_registry::{MailEnqueueReport, Registry};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Most mails one pass sends.
pub const PASS_LIMIT: usize = 50;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct MailPassReport {
    /// Events read and mails queued from them.
    pub enqueued: MailEnqueueReport,
    /// Attempts made.
    pub attempted: usize,
    /// Of which the SMTP server accepted.
    pub sent: usize,
}

/// One pass: queue mail for new events, then claim, compose and send what is due (at most
/// [`PASS_LIMIT`]), recording each attempt; stops early when `stop` is set.
pub fn run_pass(
    registry: &mut Registry,
    mailer: &Mailer,
    stop: &AtomicBool,
) -> Result<MailPassReport, MailError> {
    let mut report = MailPassReport {
        enqueued: registry.enqueue_mail()?,
        ..Default::default()
    };
    while report.attempted < PASS_LIMIT && !stop.load(Ordering::SeqCst) {
        let batch = registry.claim_mail((PASS_LIMIT - report.attempted).min(10))?;
        if batch.is_empty() {
            break;
        }
        for due in batch {
            let data: serde_json::Value =
                serde_json::from_str(&due.mail.data).unwrap_or(serde_json::Value::Null);
            let locale = Texts::locale_for(due.person.locale.as_deref());
            let sent = mailer
                .texts()
                .event(due.mail.event_type, &data, locale, mailer.base_url())
                .and_then(|m| mailer.send(&due.person.email, &m));
            let error = match &sent {
                Ok(()) => {
                    report.sent += 1;
                    None
                }
                Err(e) => Some(e.to_string()),
            };
            registry.record_mail_attempt(&due.mail.id, error.as_deref().map_or(Ok(()), Err))?;
            report.attempted += 1;
        }
    }
    Ok(report)
}

/// The mail worker of `fermata serve`: a pass every `interval` until [`Worker::stop`].
pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker. `log` is told of every pass that did something and of every error (a
    /// failing pass is tried again at the next interval).
    pub fn spawn(
        mut registry: Registry,
        mailer: Arc<Mailer>,
        interval: Duration,
        log: impl Fn(Result<&MailPassReport, &MailError>) + Send + 'static,
    ) -> Result<Worker, MailError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("fermata-mail".into())
            .spawn(move || {
                while !flag.load(Ordering::SeqCst) {
                    match run_pass(&mut registry, &mailer, &flag) {
                        Ok(r) => {
                            if r.enqueued.mails > 0 || r.attempted > 0 || r.enqueued.pruned > 0 {
                                log(Ok(&r));
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
            .map_err(|e| MailError::Smtp(format!("cannot start the mail thread: {e}")))?;
        Ok(Worker {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops the worker after the mail in flight (bounded by the SMTP timeouts).
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
