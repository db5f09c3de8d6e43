//! Shared state of the HTTP app.

use std::sync::Mutex;

use crate::auth::hashing::PasswordWork;
use crate::auth::token::TokenKeys;
use crate::clock::Clock;
use crate::domain::login_throttle::{SignInThrottle, ThrottlePolicy};
use crate::http::metrics::{Metrics, MetricsAccess};
use crate::ops::Env;
use crate::storage::{Db, Pool};

pub struct AppState {
    /// What operations run against: the database and the clock.
    pub env: Env,
    pub pool: Pool,
    pub tokens: TokenKeys,
    pub throttle: Mutex<SignInThrottle>,
    /// The threads that check and hash passwords, bounded.
    pub passwords: PasswordWork,
    pub metrics: Metrics,
    /// Who may read `GET /metrics`.
    pub metrics_access: MetricsAccess,
}

impl AppState {
    pub fn new(
        pool: Pool,
        clock: Clock,
        tokens: TokenKeys,
        throttle: ThrottlePolicy,
        passwords: PasswordWork,
    ) -> Self {
        Self {
            env: Env {
                db: Db::new(pool.clone()),
                clock,
            },
            pool,
            tokens,
            throttle: Mutex::new(SignInThrottle::new(throttle)),
            passwords,
            metrics: Metrics::new(),
            metrics_access: MetricsAccess::default(),
        }
    }

    /// Now, by the service's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.env.clock.now()
    }

    pub fn throttle(&self) -> std::sync::MutexGuard<'_, SignInThrottle> {
        // A panic while holding the lock leaves the counts usable.
        self.throttle.lock().unwrap_or_else(|p| p.into_inner())
    }
}
