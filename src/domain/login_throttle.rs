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
//!
//! A sign-in is counted twice by [`SignInThrottle`]: per username *and
//! client address*, so that guessing `admin` from one machine pauses
//! `admin` on that machine only and the real administrator still signs in
//! from theirs; and per client address over all usernames, with a budget
//! ten times larger, so that one machine spraying many usernames is paused
//! too. A successful sign-in takes its own attempt back from the address's
//! count, so an office behind one address is never paused by its own
//! successful sign-ins.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
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

    /// Takes back the latest counted attempt of `key` (it turned out not to
    /// be a failure).
    pub fn forgive_latest(&mut self, key: &str) {
        if let Some(list) = self.failures.get_mut(key) {
            list.pop_back();
            if list.is_empty() {
                self.failures.remove(key);
            }
        }
    }
}

/// Which count paused an attempt, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paused {
    /// Too many failures for this username from this client address.
    Account(Duration),
    /// Too many failures from this client address, whatever the usernames.
    Address(Duration),
}

impl Paused {
    pub fn wait(self) -> Duration {
        match self {
            Paused::Account(w) | Paused::Address(w) => w,
        }
    }
}

/// Failed sign-ins counted per username at a client address, and per
/// client address.
#[derive(Debug)]
pub struct SignInThrottle {
    account: LoginThrottle,
    address: LoginThrottle,
}

impl SignInThrottle {
    /// The address budget is this many times the per-username one.
    pub const ADDRESS_FACTOR: usize = 10;

    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            account: LoginThrottle::new(policy),
            address: LoginThrottle::new(ThrottlePolicy {
                max_failures: policy.max_failures.saturating_mul(Self::ADDRESS_FACTOR),
                window: policy.window,
            }),
        }
    }

    pub fn policy(&self) -> ThrottlePolicy {
        self.account.policy()
    }

    /// Checks both counts and, when neither is exhausted, counts the attempt
    /// as a failure in both until [`record_success`](Self::record_success).
    /// `username` is `None` for a name that cannot be an account: it counts
    /// against the address only.
    pub fn begin_attempt(
        &mut self,
        username: Option<&str>,
        address: IpAddr,
        now: Instant,
    ) -> Result<(), Paused> {
        let address_key = address_key(address);
        if let Some(wait) = self.address.check(&address_key, now) {
            return Err(Paused::Address(wait));
        }
        if let Some(username) = username {
            self.account
                .begin_attempt(&account_key(username, &address_key), now)
                .map_err(Paused::Account)?;
        }
        self.address.record_failure(&address_key, now);
        Ok(())
    }

    pub fn record_success(&mut self, username: &str, address: IpAddr) {
        let address_key = address_key(address);
        self.account
            .record_success(&account_key(username, &address_key));
        self.address.forgive_latest(&address_key);
    }
}

/// IPv4 addresses count one by one; IPv6 ones by their /64 network, which
/// one machine can fill with addresses of its own.
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

fn account_key(username: &str, address_key: &str) -> String {
    format!("{username} {address_key}")
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_username_paused_at_one_address_still_signs_in_from_another() {
        let mut t = SignInThrottle::new(ThrottlePolicy {
            max_failures: 2,
            window: Duration::from_secs(60),
        });
        let now = Instant::now();
        let attacker = ip("10.0.0.66");
        assert_eq!(t.begin_attempt(Some("admin"), attacker, now), Ok(()));
        assert_eq!(t.begin_attempt(Some("admin"), attacker, now), Ok(()));
        assert_eq!(
            t.begin_attempt(Some("admin"), attacker, now),
            Err(Paused::Account(Duration::from_secs(60)))
        );
        assert_eq!(t.begin_attempt(Some("admin"), ip("10.0.0.7"), now), Ok(()));
    }

    #[test]
    fn an_address_spraying_usernames_is_paused_after_ten_times_the_budget() {
        let mut t = SignInThrottle::new(ThrottlePolicy {
            max_failures: 2,
            window: Duration::from_secs(60),
        });
        let now = Instant::now();
        let sprayer = ip("10.0.0.66");
        let admitted = (0..100)
            .filter(|i| {
                t.begin_attempt(Some(&format!("user{i}")), sprayer, now)
                    .is_ok()
            })
            .count();
        assert_eq!(admitted, 20);
        // Names that cannot be accounts count against the address as well.
        assert_eq!(
            t.begin_attempt(None, sprayer, now),
            Err(Paused::Address(Duration::from_secs(60)))
        );
        assert_eq!(t.begin_attempt(None, ip("10.0.0.7"), now), Ok(()));
    }

    #[test]
    fn successful_sign_ins_do_not_use_up_the_address_budget() {
        let mut t = SignInThrottle::new(ThrottlePolicy {
            max_failures: 1,
            window: Duration::from_secs(60),
        });
        let now = Instant::now();
        let office = ip("192.168.1.1");
        // Fifty colleagues behind one address sign in; the budget is ten.
        for i in 0..50 {
            let name = format!("clerk{i}");
            assert_eq!(t.begin_attempt(Some(&name), office, now), Ok(()));
            t.record_success(&name, office);
        }
        assert_eq!(t.begin_attempt(Some("late"), office, now), Ok(()));
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("::ffff:10.1.2.3")), "10.1.2.3");
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
