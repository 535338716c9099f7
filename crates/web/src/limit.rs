//! Attempt limits: how many times a key (a client address, an e-mail) may try something within
//! a window. Counted in this process's memory: a restart forgets them, and two servers count
//! apart (a shared store for them comes with running several servers).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most keys remembered; past it, the oldest windows are forgotten first.
pub const MAX_KEYS: usize = 100_000;

/// A fixed-window counter per key.
pub struct Limiter {
    window: Duration,
    max: u32,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    /// `max` attempts per key per `window`.
    pub fn new(max: u32, window: Duration) -> Limiter {
        Limiter {
            window,
            max,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Sign-in: 10 failed attempts per key per 15 minutes.
    pub fn sign_in() -> Limiter {
        Limiter::new(10, Duration::from_secs(15 * 60))
    }

    /// "Forgot your password" requests: 5 per client address and per e-mail per hour (every
    /// request counts: each may send a mail).
    pub fn forgot() -> Limiter {
        Limiter::new(5, Duration::from_secs(3600))
    }

    /// Misuse reports: 5 per client address per hour.
    pub fn reports() -> Limiter {
        Limiter::new(5, Duration::from_secs(3600))
    }

    /// Whether `key` may try now (it has not used up its attempts in the current window).
    pub fn allowed(&self, key: &str, now: Instant) -> bool {
        let Ok(seen) = self.seen.lock() else {
            return false;
        };
        match seen.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.window => *n < self.max,
            _ => true,
        }
    }

    /// Counts one attempt for `key` and says whether it was allowed (for limits on every
    /// attempt, not only failed ones).
    pub fn attempt(&self, key: &str, now: Instant) -> bool {
        let allowed = self.allowed(key, now);
        if allowed {
            self.hit(key, now);
        }
        allowed
    }

    /// Counts one attempt (a failed sign-in) for `key`.
    pub fn hit(&self, key: &str, now: Instant) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() >= MAX_KEYS && !seen.contains_key(key) {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
            if seen.len() >= MAX_KEYS {
                // Still full of live windows: forget the oldest tenth.
                let mut starts: Vec<Instant> = seen.values().map(|(s, _)| *s).collect();
                starts.sort();
                let cut = starts[starts.len() / 10];
                seen.retain(|_, (start, _)| *start > cut);
            }
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key` (a successful sign-in clears its e-mail's count).
    pub fn clear(&self, key: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_attempts_until_the_window_passes() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.allowed("1.2.3.4", t0));
            l.hit("1.2.3.4", t0);
        }
        assert!(!l.allowed("1.2.3.4", t0));
        assert!(l.allowed("5.6.7.8", t0), "other keys are not affected");
        assert!(l.allowed("1.2.3.4", t0 + Duration::from_secs(61)));
        l.hit("a@b.example", t0);
        l.clear("a@b.example");
        assert!(l.allowed("a@b.example", t0));
    }

    #[test]
    fn attempt_counts_every_try_and_refuses_past_the_limit() {
        let l = Limiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.attempt("k", t0));
        assert!(l.attempt("k", t0));
        assert!(!l.attempt("k", t0));
        assert!(l.attempt("k", t0 + Duration::from_secs(61)));
    }

    #[test]
    fn memory_stays_bounded() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..(MAX_KEYS + 10) {
            l.hit(&format!("k{i}"), t0);
        }
        assert!(l.seen.lock().expect("lock").len() <= MAX_KEYS);
    }
}
