//! Shared state of the HTTP app, and the bridge from async handlers to the
//! blocking database work.

use std::sync::Mutex;

use actix_web::web;

use crate::auth::hashing::PasswordWork;
use crate::auth::token::TokenKeys;
use crate::domain::login_throttle::{SignInThrottle, ThrottlePolicy};
use crate::http::error::ApiError;
use crate::http::metrics::{Metrics, MetricsAccess};
use crate::storage::{DbConn, Pool};

pub struct AppState {
    pub pool: Pool,
    /// Group commit of SQLite writes; `None` on PostgreSQL.
    writer: Option<crate::http::writer::Writer>,
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
        tokens: TokenKeys,
        throttle: ThrottlePolicy,
        passwords: PasswordWork,
    ) -> Self {
        let writer = match pool.get() {
            Ok(conn) if conn.backend() == crate::storage::Backend::Sqlite => {
                crate::http::writer::Writer::start(conn)
                    .map_err(|e| tracing::error!(error = %e, "cannot start the SQLite writer; writes go directly"))
                    .ok()
            }
            _ => None,
        };
        Self {
            writer,
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
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` in a write transaction: group-committed on SQLite, an
    /// ordinary transaction on PostgreSQL.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(f).await,
            None => self.db(move |conn| crate::storage::write_tx(conn, f)).await,
        }
    }

    /// Today in the office's time zone (the calendar setting): the day a
    /// report's default period ends on. UTC's date is a day behind in Hà
    /// Nội from midnight to seven in the morning.
    pub async fn office_today(&self) -> Result<chrono::NaiveDate, ApiError> {
        let tz = self
            .db(|conn| Ok(crate::storage::settings::fleet_policy(conn)?.1))
            .await?;
        Ok(crate::clock::now().with_timezone(&tz).date_naive())
    }

    /// Whether writes are serialised through one writer (SQLite), so work
    /// done before a write transaction spares the writer's time.
    pub fn one_writer(&self) -> bool {
        self.writer.is_some()
    }

    pub fn throttle(&self) -> std::sync::MutexGuard<'_, SignInThrottle> {
        // A panic while holding the lock leaves the counts usable.
        self.throttle.lock().unwrap_or_else(|p| p.into_inner())
    }
}
