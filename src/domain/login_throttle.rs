//! Slowing down password guessing: the rule, with the clock passed in.
//!
//! Failed sign-ins are counted per username over a sliding window. Once
//! `max_failures` have happened within `window`, further attempts for that
//! username are refused (even with the right password) until the oldest
//! counted failure leaves the window. A successful sign-in clears the count.
//!
//! [`LoginThrottle::begin_attempt`] counts an attempt as a failure *before*
//! the password is checked, under one lock, so a burst of simultaneous
//! guesses cannot all pass the check before any failure is recorded.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Failure history per username. Bounded: names whose failures have all
/// expired are forgotten when the table grows past `capacity`.
#[derive(Debug)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    capacity: usize,
    failures: HashMap<String, VecDeque<Instant>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            capacity: 10_000,
            failures: HashMap::new(),
        }
    }

    pub fn policy(&self) -> ThrottlePolicy {
        self.policy
    }

    /// `Some(wait)` when attempts for `username` are refused for `wait` more.
    pub fn check(&mut self, username: &str, now: Instant) -> Option<Duration> {
        let window = self.policy.window;
        let list = self.failures.get_mut(username)?;
        while list
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            list.pop_front();
        }
        if list.len() >= self.policy.max_failures {
            let oldest = *list.front()?;
            Some(
                window
                    .saturating_sub(now.duration_since(oldest))
                    .max(Duration::from_secs(1)),
            )
        } else {
            None
        }
    }

    /// Checks and counts one attempt atomically: `Err(wait)` when attempts
    /// are paused; otherwise the attempt counts as a failure until
    /// [`record_success`](Self::record_success) clears it.
    pub fn begin_attempt(&mut self, username: &str, now: Instant) -> Result<(), Duration> {
        if let Some(wait) = self.check(username, now) {
            return Err(wait);
        }
        self.record_failure(username, now);
        Ok(())
    }

    pub fn record_failure(&mut self, username: &str, now: Instant) {
        if self.failures.len() >= self.capacity && !self.failures.contains_key(username) {
            let window = self.policy.window;
            self.failures
                .retain(|_, l| l.back().is_some_and(|t| now.duration_since(*t) < window));
            if self.failures.len() >= self.capacity {
                // Still full of live entries: forget the one idle longest.
                let oldest = self
                    .failures
                    .iter()
                    .min_by_key(|(_, l)| l.back().copied())
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    self.failures.remove(&k);
                }
            }
        }
        let list = self.failures.entry(username.to_owned()).or_default();
        list.push_back(now);
        while list.len() > self.policy.max_failures {
            list.pop_front();
        }
    }

    pub fn record_success(&mut self, username: &str) {
        self.failures.remove(username);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_failures_until_the_window_passes() {
        let policy = ThrottlePolicy {
            max_failures: 3,
            window: Duration::from_secs(60),
        };
        let mut t = LoginThrottle::new(policy);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(t.check("hoa", start + Duration::from_secs(i)), None);
            t.record_failure("hoa", start + Duration::from_secs(i));
        }
        // Third failure at +2 s; the first (at +0 s) leaves the window at +60 s.
        assert_eq!(
            t.check("hoa", start + Duration::from_secs(10)),
            Some(Duration::from_secs(50))
        );
        assert_eq!(t.check("other", start + Duration::from_secs(10)), None);
        assert_eq!(t.check("hoa", start + Duration::from_secs(60)), None);
    }

    #[test]
    fn success_clears_the_count() {
        let mut t = LoginThrottle::new(ThrottlePolicy {
            max_failures: 2,
            window: Duration::from_secs(60),
        });
        let now = Instant::now();
        t.record_failure("an", now);
        t.record_success("an");
        t.record_failure("an", now);
        assert_eq!(t.check("an", now), None);
        t.record_failure("an", now);
        assert!(t.check("an", now).is_some());
    }

    #[test]
    fn a_burst_of_attempts_is_counted_before_checking_passwords() {
        let mut t = LoginThrottle::new(ThrottlePolicy {
            max_failures: 3,
            window: Duration::from_secs(60),
        });
        let now = Instant::now();
        let admitted = (0..10)
            .filter(|_| t.begin_attempt("hoa", now).is_ok())
            .count();
        assert_eq!(admitted, 3);
    }

    #[test]
    fn the_table_stays_bounded_under_a_spray_of_names() {
        let mut t = LoginThrottle::new(ThrottlePolicy::default());
        t.capacity = 100;
        let now = Instant::now();
        for i in 0..1000 {
            t.record_failure(&format!("user{i}"), now + Duration::from_millis(i));
        }
        assert_eq!(t.failures.len(), 100);
        assert!(t.failures.contains_key("user999"));
    }

    #[test]
    fn forgets_expired_names_when_full() {
        let mut t = LoginThrottle::new(ThrottlePolicy::default());
        t.capacity = 2;
        let now = Instant::now();
        t.record_failure("a", now);
        t.record_failure("b", now);
        let later = now + Duration::from_secs(16 * 60);
        t.record_failure("c", later);
        assert_eq!(t.failures.len(), 1);
    }
}
