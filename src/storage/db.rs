//! [`Db`]: the database as operations see it. Reads run on a pooled
//! connection; writes run in one transaction each, group-committed through
//! the [`Writer`] on SQLite and as ordinary transactions on PostgreSQL.
//! Both run on the blocking thread pool, off the async executor.

use std::sync::Arc;

use super::writer::Writer;
use super::{Backend, DbConn, Pool, write_tx};

/// Why the database could not run the work at all (the work's own errors
/// are returned as they are).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had: the server is down or every connection
    /// is busy for longer than the pool waits.
    #[error("no database connection: {0}")]
    Unreachable(#[from] diesel::r2d2::PoolError),
    /// The work succeeded but the commit that held it failed; nothing of it
    /// was kept.
    #[error("the change could not be committed")]
    NotSaved,
    /// The machinery failed: a panicking job, a stopped writer.
    #[error("{0}")]
    Fault(String),
}

/// The database handle: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// Group commit of SQLite writes; `None` on PostgreSQL.
    writer: Option<Arc<Writer>>,
}

impl Db {
    /// The handle over `pool`; on SQLite it starts the group-commit writer
    /// on a connection of its own.
    pub fn new(pool: Pool) -> Self {
        let writer = match pool.get() {
            Ok(conn) if conn.backend() == Backend::Sqlite => Writer::start(conn)
                .map_err(|e| tracing::error!(error = %e, "cannot start the SQLite writer; writes go directly"))
                .ok()
                .map(Arc::new),
            _ => None,
        };
        Db { pool, writer }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Whether writes are serialised through one writer (SQLite), so work
    /// done before a write transaction spares the writer's time.
    pub fn one_writer(&self) -> bool {
        self.writer.is_some()
    }

    /// Runs `f` on a pooled connection, outside any transaction of ours.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Fault(format!("blocking task failed: {e}")))?
    }

    /// Runs `f` in a write transaction: committed when it returns `Ok`,
    /// rolled back when it returns `Err`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(f).await,
            None => self.read(move |conn| write_tx(conn, f)).await,
        }
    }
}
