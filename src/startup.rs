//! Starting the service: database preparation, secrets, and the HTTP server.
//! `serve` and the integration tests both start the server through
//! [`Server::start`].

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use actix_web::{HttpServer, web};
use anyhow::Context;

use crate::auth::password;
use crate::auth::token::TokenKeys;
use crate::domain::audit::Actor;
use crate::domain::login_throttle::ThrottlePolicy;
use crate::domain::user::{FullName, NewPassword, Role, Username};
use crate::http::state::AppState;
use crate::ops::organisation::{self, NewAccount};
use crate::storage::{self, DbTarget, Pool, write_tx};

/// Opens the pool and applies pending migrations.
pub fn prepare_database(target: &DbTarget, pool_size: u32) -> anyhow::Result<Pool> {
    let pool = storage::pool(target, pool_size)?;
    let mut conn = pool.get().context("no database connection")?;
    let applied = storage::run_migrations(&mut conn)?;
    if applied.is_empty() {
        tracing::info!(database = %target.redacted(), "database schema is up to date");
    } else {
        tracing::info!(database = %target.redacted(), applied = ?applied, "migrations applied");
    }
    Ok(pool)
}

/// Shortest accepted JWT secret, in bytes (HS256 wants 256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// The token signing secret: given directly, read from a file, or generated
/// once into `<data_dir>/jwt-secret` with owner-only permissions.
pub fn jwt_secret(
    given: Option<&str>,
    file: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<Vec<u8>> {
    let check = |secret: Vec<u8>, source: &str| {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "the JWT secret from {source} is shorter than {MIN_SECRET_BYTES} bytes; use a long random value"
        );
        Ok(secret)
    };
    if let Some(secret) = given {
        return check(secret.trim().as_bytes().to_vec(), "SHAREDOFFICE_JWT_SECRET");
    }
    if let Some(path) = file {
        let content = fs::read_to_string(path)
            .with_context(|| format!("cannot read the JWT secret file {}", path.display()))?;
        return check(
            content.trim().as_bytes().to_vec(),
            &path.display().to_string(),
        );
    }
    let path = data_dir.join("jwt-secret");
    if path.exists() {
        let content =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        return check(
            content.trim().as_bytes().to_vec(),
            &path.display().to_string(),
        );
    }
    fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let mut bytes = [0u8; 48];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(secret.as_bytes())?;
    f.sync_all()?;
    tracing::info!(path = %path.display(), "generated a new JWT signing secret");
    Ok(secret.into_bytes())
}

/// Creates the user `admin` with the given password when the database has
/// no users yet. Returns whether it did.
pub fn bootstrap_admin(pool: &Pool, admin_password: &str) -> anyhow::Result<bool> {
    let mut conn = pool.get()?;
    if storage::users::count(&mut conn)? > 0 {
        return Ok(false);
    }
    let password = NewPassword::parse(admin_password)
        .map_err(|e| anyhow::anyhow!("SHAREDOFFICE_ADMIN_PASSWORD: {e}"))?;
    let account = NewAccount {
        username: Username::parse("admin")?,
        full_name: FullName::parse("Quản trị hệ thống")?,
        role: Role::Admin,
        board_id: None,
        password_hash: password::hash(&password)?,
    };
    match write_tx(&mut conn, |conn| {
        organisation::create_user(conn, &Actor::system(), &account, crate::clock::now())
    }) {
        Ok(_) => Ok(true),
        // Another process starting at the same moment created it first.
        Err(crate::ops::OpError::Conflict { .. }) => Ok(false),
        Err(crate::ops::OpError::Db(e)) if storage::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Every minute, records waitlisted requests whose start has passed as
/// `unfulfilled` (reads already show them so; this makes reports see it).
/// Runs on its own thread for the life of the process.
pub fn spawn_waitlist_sweeper(pool: Pool) {
    std::thread::Builder::new()
        .name("waitlist-sweeper".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(60));
                let result = pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut conn| {
                        write_tx(&mut conn, |c| {
                            let ctx =
                                crate::ops::fleet::FleetContext::load(c, crate::clock::now())?;
                            crate::ops::fleet::bookings::expire_waitlist(c, &ctx)
                        })
                        .map_err(anyhow::Error::from)
                    });
                match result {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        expired = n,
                        "waitlisted requests past their start marked unfulfilled"
                    ),
                    Err(e) => tracing::warn!(error = format!("{e:#}"), "waitlist sweep failed"),
                }
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the waitlist sweeper"));
}

/// What the server needs to run.
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    pub jwt_secret: Vec<u8>,
    pub token_ttl: Duration,
    pub throttle: ThrottlePolicy,
    /// Who may read `GET /metrics`.
    pub metrics: crate::http::metrics::MetricsAccess,
    /// Where the time comes from: the system clock when serving.
    pub clock: crate::clock::Clock,
}

/// A bound, running HTTP server.
pub struct Server {
    pub addr: SocketAddr,
    pub server: actix_web::dev::Server,
}

impl Server {
    /// Binds (port 0 picks a free port) and starts serving; await
    /// `server` to run until shutdown.
    pub fn start(pool: Pool, settings: ServerSettings) -> anyhow::Result<Self> {
        let tokens = TokenKeys::new(&settings.jwt_secret, settings.token_ttl);
        let passwords = crate::auth::hashing::PasswordWork::for_this_machine()
            .context("cannot start the password threads")?;
        let mut state = AppState::new(pool, settings.clock, tokens, settings.throttle, passwords);
        state.metrics_access = settings.metrics;
        let state = web::Data::new(state);
        let server = HttpServer::new(move || crate::http::app(state.clone()))
            .workers(settings.workers)
            .bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let addr = *server
            .addrs()
            .first()
            .ok_or_else(|| anyhow::anyhow!("bound to no address"))?;
        Ok(Self {
            addr,
            server: server.run(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = jwt_secret(None, None, dir.path()).unwrap();
        assert_eq!(first.len(), 96);
        let second = jwt_secret(None, None, dir.path()).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn short_secrets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(jwt_secret(Some("too short"), None, dir.path()).is_err());
        let file = dir.path().join("key");
        fs::write(&file, "also short\n").unwrap();
        assert!(jwt_secret(None, Some(&file), dir.path()).is_err());
        fs::write(&file, format!("{}\n", "k".repeat(40))).unwrap();
        assert_eq!(jwt_secret(None, Some(&file), dir.path()).unwrap().len(), 40);
    }
}
