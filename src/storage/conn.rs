//! Connections: one type over SQLite and PostgreSQL, the pool, the settings
//! each connection gets, and the embedded migrations.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to either backend. Storage functions take `&mut DbConn` so
/// they compose inside one transaction.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Postgres(_) => Backend::Postgres,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the database lives, decided from the URL scheme — never by trying
/// backends in turn (SQLite would accept any string as a file name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbTarget {
    /// `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite://path`,
    /// `sqlite:path` or a plain file path selects SQLite.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbTarget::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            let scheme = url.split("://").next().unwrap_or("");
            return Err(format!(
                "unsupported database URL (scheme '{scheme}'): use postgres://user@host/db or a \
                 SQLite file path such as sqlite://data/sharedoffice.db"
            ));
        }
        Ok(DbTarget::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbTarget::Sqlite(_) => Backend::Sqlite,
            DbTarget::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL with any password hidden (in the user info or as a
    /// `password=` parameter) and without query parameters, for logs.
    pub fn redacted(&self) -> String {
        match self {
            DbTarget::Sqlite(path) => format!("sqlite://{}", path.display()),
            DbTarget::Postgres(url) => {
                let (base, query) = url.split_once('?').unwrap_or((url, ""));
                let base = match (base.find("://"), base.rfind('@')) {
                    (Some(scheme_end), Some(at)) if at > scheme_end => {
                        let userinfo = &base[scheme_end + 3..at];
                        let user = userinfo.split(':').next().unwrap_or("");
                        format!("{}{}:***{}", &base[..scheme_end + 3], user, &base[at..])
                    }
                    _ => base.to_owned(),
                };
                if query.is_empty() {
                    base
                } else {
                    format!("{base}?…")
                }
            }
        }
    }
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// Opens one connection and applies the per-connection settings.
///
/// SQLite: WAL (readers do not block the writer), `synchronous=FULL` (an
/// acknowledged write survives a power cut), foreign keys enforced, and a
/// busy timeout so writers queue instead of failing; temporary tables and
/// the statement journals of savepoints in memory (every write job of the
/// group commit runs in a savepoint, and a journal file cost a write system
/// call per page it touched). PostgreSQL: UTC session
/// time zone, so naive `TIMESTAMP` values are never shifted.
pub fn establish(target: &DbTarget) -> Result<DbConn, ConnectionError> {
    match target {
        DbTarget::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA temp_store = MEMORY;"
            ))
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConn::Sqlite(conn))
        }
        DbTarget::Postgres(url) => {
            let mut conn = PgConnection::establish(url)?;
            conn.batch_execute("SET TIME ZONE 'UTC'")
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConn::Postgres(conn))
        }
    }
}

/// r2d2 manager that opens connections with [`establish`].
#[derive(Debug, Clone)]
pub struct Manager {
    target: DbTarget,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        establish(&self.target)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectionError> {
        conn.ping()
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Builds the pool. The first connection is opened eagerly so a wrong URL or a
/// stopped PostgreSQL is reported at start, with the reason.
pub fn pool(target: &DbTarget, size: u32) -> anyhow::Result<Pool> {
    if let DbTarget::Sqlite(path) = target
        && let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    // Fail fast with the real reason rather than r2d2's generic timeout.
    drop(
        establish(target)
            .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", target.redacted()))?,
    );
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager {
            target: target.clone(),
        })?;
    Ok(pool)
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock that serialises migrations when
/// several server processes start at once.
const MIGRATION_LOCK_KEY: i64 = 0x5348_4152_4544; // "SHARED"

/// Applies pending migrations; returns the versions applied (none when the
/// database is up to date, so running it twice is harmless).
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .iter()
            .map(ToString::to_string)
            .collect(),
        DbConn::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result?
        }
    };
    Ok(applied)
}

/// The queue of this process's SQLite writers (see [`write_tx`]). Other
/// processes on the same file still wait in SQLite's busy handler.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a write transaction.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the
/// write lock up front, so a transaction that reads and then writes can
/// neither interleave with another writer nor fail with `SQLITE_BUSY_SNAPSHOT`
/// halfway. On PostgreSQL it is an ordinary transaction; invariants there are
/// also held by constraints.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // SQLite has one writer at a time. Writers of this process queue on a
    // mutex instead of in SQLite's busy handler, which polls with growing
    // sleeps and lets a waiting writer starve for seconds under load.
    let _writer = match conn {
        DbConn::Sqlite(_) => Some(SQLITE_WRITER.lock().unwrap_or_else(|p| p.into_inner())),
        DbConn::Postgres(_) => None,
    };
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_chooses_the_backend() {
        assert_eq!(
            DbTarget::parse("postgres://u@localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DbTarget::parse("postgresql://localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DbTarget::parse("sqlite://data/x.db").unwrap(),
            DbTarget::Sqlite("data/x.db".into())
        );
        assert_eq!(
            DbTarget::parse("x.db").unwrap(),
            DbTarget::Sqlite("x.db".into())
        );
        assert!(DbTarget::parse("mysql://localhost/db").is_err());
        assert!(DbTarget::parse("").is_err());
    }

    #[test]
    fn passwords_are_hidden_in_logs() {
        let t = DbTarget::parse("postgres://so:secret@db.local:5432/so").unwrap();
        assert_eq!(t.redacted(), "postgres://so:***@db.local:5432/so");
        let t = DbTarget::parse("postgres://db.local/so?user=so&password=secret").unwrap();
        assert_eq!(t.redacted(), "postgres://db.local/so?…");
        let err = DbTarget::parse("mysql://root:secret@db/so").unwrap_err();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn sqlite_keeps_its_query_plans() {
        // Without the planner stability guarantee (.cargo/config.toml),
        // every statement binding a LIMIT is compiled again on each call.
        use diesel::prelude::*;
        use diesel::sql_types::Text;
        #[derive(QueryableByName)]
        struct Opt {
            #[diesel(sql_type = Text)]
            compile_options: String,
        }
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let opts: Vec<Opt> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .unwrap();
        for wanted in ["ENABLE_QPSG", "THREADSAFE=2", "DEFAULT_MEMSTATUS=0"] {
            assert!(
                opts.iter().any(|o| o.compile_options == wanted),
                "SQLite was built without SQLITE_{wanted} (.cargo/config.toml)"
            );
        }
    }
}
