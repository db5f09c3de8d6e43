//! Shared state of the HTTP app.

use std::sync::Mutex;

use crate::auth::hashing::PasswordWork;
use crate::auth::token::TokenKeys;
use crate::clock::Clock;
use crate::domain::login_throttle::{SignInThrottle, ThrottlePolicy};
use crate::http::error::ApiError;
use crate::http::metrics::{Metrics, MetricsAccess};
use crate::ops::Env;
use crate::storage::{Db, DbConn, Pool};

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

    /// Runs database work on the blocking thread pool with a pooled
    /// connection, keeping diesel's blocking calls off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.env.db.read(f).await
    }

    /// Runs `f` in a write transaction: group-committed on SQLite, an
    /// ordinary transaction on PostgreSQL.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.env.db.write(f).await
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
