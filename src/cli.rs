//! The command line: `serve`, `migrate`, `user …`, `openapi`.
//! Every option can also come from the environment (`SHAREDOFFICE_*`).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::password;
use crate::domain::audit::Actor;
use crate::domain::board::BoardCode;
use crate::domain::login_throttle::ThrottlePolicy;
use crate::domain::user::{FullName, NewPassword, Role, Username};
use crate::ops::organisation::{self, AccountChanges, NewAccount};
use crate::startup::{self, Server, ServerSettings};
use crate::storage::{self, DbTarget, boards, users, write_tx};
use crate::telemetry::{self, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "sharedoffice",
    version,
    about = "Shared back office of a Provincial Party Office: finance ledger, asset register, vehicle pool"
)]
pub struct Cli {
    /// Database URL: postgres://user@host/db, or a SQLite file path
    /// (default: <data-dir>/sharedoffice.db).
    #[arg(
        long,
        global = true,
        env = "SHAREDOFFICE_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,

    /// Directory for the default SQLite database and the generated JWT secret.
    #[arg(
        long,
        global = true,
        env = "SHAREDOFFICE_DATA_DIR",
        default_value = "data"
    )]
    pub data_dir: PathBuf,

    /// Log format.
    #[arg(
        long,
        global = true,
        env = "SHAREDOFFICE_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document (the content of api.yaml).
    Openapi,
    /// Export data for other tools.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import a board's legacy register from a CSV file (see docs/import.md).
    Import(ImportArgs),
    /// Demo and benchmark data: generate a province at any scale, load it.
    #[command(subcommand)]
    Demo(DemoCommand),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// vehicles, drivers, assets or opening-balances.
    pub kind: String,
    /// Code of the board whose register this is, e.g. BTC.
    #[arg(long)]
    pub board: String,
    /// The CSV file.
    pub file: PathBuf,
    /// Check everything and report what would happen, without keeping it.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and list the bad ones, instead of refusing the file.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Report progress on standard error every this many rows.
    #[arg(long, default_value_t = 10_000)]
    pub progress_every: usize,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write a province's legacy registers as CSV files: boards.csv, then
    /// per board <CODE>/vehicles.csv, drivers.csv, assets.csv, budgets.csv,
    /// and bookings.csv. Scale 1 is the demo province; scale N has N times
    /// its vehicles, drivers, assets and bookings.
    Generate {
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The same seed writes the same files, byte for byte.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Leave out bookings.csv.
        #[arg(long)]
        no_bookings: bool,
        /// The year of the bookings (default: last year); assets are
        /// acquired up to its end.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Create the boards of DIR/boards.csv that do not exist yet and import
    /// every board's registers from DIR/<CODE>/ through the import.
    Load { dir: PathBuf },
    /// Replay DIR/bookings.csv (a year of trip requests) on the pool and
    /// store each as it turned out — completed or unfulfilled once over,
    /// confirmed or waitlisted if still to come, cancelled or rejected as
    /// the file says — for report benchmarks. Only into a pool without
    /// past bookings.
    LoadBookings {
        /// The generated directory, or the bookings file itself.
        path: PathBuf,
        /// The user recorded as requester of every booking.
        #[arg(long, default_value = "admin")]
        requester: String,
        /// Report progress on standard error every this many rows.
        #[arg(long, default_value_t = 100_000)]
        progress_every: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The journal as a plain-text accounting file that hledger or
    /// beancount reads (`hledger -f FILE balance`).
    Journal {
        /// hledger or beancount.
        #[arg(long, default_value = "hledger")]
        format: String,
        /// First date, YYYY-MM-DD.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last date, YYYY-MM-DD.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SHAREDOFFICE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Load the demo boards and users into an empty database and print
    /// their generated passwords.
    #[arg(long)]
    pub demo: bool,

    /// Token signing secret (at least 32 bytes). Default: generated once
    /// into <data-dir>/jwt-secret.
    #[arg(long, env = "SHAREDOFFICE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// File holding the token signing secret.
    #[arg(long, env = "SHAREDOFFICE_JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<PathBuf>,

    /// Lifetime of an access token, in minutes (1–1440).
    #[arg(long, env = "SHAREDOFFICE_TOKEN_TTL_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub token_ttl_minutes: u64,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "SHAREDOFFICE_WORKERS")]
    pub workers: Option<usize>,

    /// Database connections in the pool.
    #[arg(long, env = "SHAREDOFFICE_DB_POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,

    /// Serve GET /metrics to whoever sends 'Authorization: Bearer <token>'
    /// (at least 16 printable ASCII characters). Default: only to clients on this machine.
    #[arg(
        long,
        env = "SHAREDOFFICE_METRICS_TOKEN",
        hide_env_values = true,
        conflicts_with = "metrics_public"
    )]
    pub metrics_token: Option<String>,

    /// Serve GET /metrics to everyone (only where the port is not exposed).
    #[arg(long, env = "SHAREDOFFICE_METRICS_PUBLIC")]
    pub metrics_public: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it
    /// is piped in, otherwise generated and printed.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        /// clerk, driver, dispatcher, finance, manager or admin.
        #[arg(long)]
        role: String,
        /// Board code (required for clerks), e.g. BTC.
        #[arg(long)]
        board: Option<String>,
    },
    /// Set a new password (from standard input when piped, else generated
    /// and printed); ends the user's sessions.
    Passwd { username: String },
    /// Deactivate an account; ends its sessions.
    Deactivate { username: String },
    /// List accounts.
    List,
}

impl Cli {
    fn database_target(&self) -> anyhow::Result<DbTarget> {
        let url = match &self.database {
            Some(url) => url.clone(),
            None => self
                .data_dir
                .join("sharedoffice.db")
                .to_string_lossy()
                .into_owned(),
        };
        DbTarget::parse(&url).map_err(anyhow::Error::msg)
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init(cli.log_format);
    match &cli.command {
        Command::Openapi => {
            print!("{}", crate::http::openapi::yaml());
            Ok(())
        }
        Command::Migrate => {
            let target = cli.database_target()?;
            let pool = storage::pool(&target, 1)?;
            let applied = storage::run_migrations(&mut *pool.get()?)?;
            if applied.is_empty() {
                println!("Database {} is up to date.", target.redacted());
            } else {
                println!(
                    "Applied {} migration(s) to {}: {}",
                    applied.len(),
                    target.redacted(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::User(cmd) => user_command(&cli, cmd),
        Command::Export(ExportCommand::Journal {
            format,
            from,
            to,
            output,
        }) => {
            let format = crate::domain::ledger::plaintext::Format::parse(format)
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let target = cli.database_target()?;
            let pool = storage::pool(&target, 1)?;
            let mut conn = pool.get()?;
            let written = match output {
                Some(path) => {
                    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                    crate::ops::ledger::export::write_journal(
                        &mut conn, format, *from, *to, &mut file,
                    )?
                }
                None => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    crate::ops::ledger::export::write_journal(
                        &mut conn, format, *from, *to, &mut out,
                    )?
                }
            };
            eprintln!("Exported {written} journal entries.");
            Ok(())
        }
        Command::Serve(args) => serve(&cli, args),
        Command::Import(args) => import_command(&cli, args),
        Command::Demo(DemoCommand::Generate {
            scale,
            out,
            seed,
            no_bookings,
            year,
        }) => {
            let written = crate::demo::generate::write(
                out,
                &crate::demo::generate::Settings {
                    scale: *scale,
                    seed: *seed,
                    bookings: !no_bookings,
                    year: year.unwrap_or_else(|| {
                        chrono::Datelike::year(&crate::clock::now().date_naive()) - 1
                    }),
                },
            )?;
            for (path, rows) in written {
                println!("{:>9} rows  {}", rows, path.display());
            }
            Ok(())
        }
        Command::Demo(DemoCommand::LoadBookings {
            path,
            requester,
            progress_every,
        }) => load_bookings(&cli, path, requester, *progress_every),
        Command::Demo(DemoCommand::Load { dir }) => {
            let target = cli.database_target()?;
            let pool = startup::prepare_database(&target, 1)?;
            let mut conn = pool.get()?;
            let summary = crate::demo::load_dir(&mut conn, &Actor::cli(), dir)?;
            for line in summary {
                println!("{line}");
            }
            Ok(())
        }
    }
}

fn load_bookings(
    cli: &Cli,
    path: &std::path::Path,
    requester: &str,
    every: usize,
) -> anyhow::Result<()> {
    use std::io::{BufRead, Read};
    let file = if path.is_dir() {
        path.join("bookings.csv")
    } else {
        path.to_path_buf()
    };
    let mut input = std::io::BufReader::new(
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?,
    );
    let mut header = String::new();
    input.read_line(&mut header)?;
    let delimiter = crate::domain::csv_text::delimiter(&header);
    let input = std::io::Cursor::new(header.into_bytes()).chain(input);
    let requester = Username::parse(requester)?;
    let target = cli.database_target()?;
    let pool = startup::prepare_database(&target, 1)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    let every = every.max(1);
    let mut next = every;
    let mut progress = |done: usize| {
        if done >= next {
            eprintln!("bookings: {done} rows");
            next = (done / every + 1) * every;
        }
    };
    let loaded = crate::ops::fleet::history::load(
        &mut conn,
        &Actor::cli(),
        input,
        delimiter,
        &requester,
        &mut progress,
    )?;
    println!(
        "Loaded {} bookings: {} completed, {} unfulfilled, {} confirmed, {} waitlisted, \
         {} cancelled, {} rejected ({} ms).",
        loaded.rows,
        loaded.completed,
        loaded.unfulfilled,
        loaded.confirmed,
        loaded.waitlisted,
        loaded.cancelled,
        loaded.rejected,
        started.elapsed().as_millis()
    );
    Ok(())
}

fn import_command(cli: &Cli, args: &ImportArgs) -> anyhow::Result<()> {
    use crate::ops::import::{self, ImportError, Options};
    let kind =
        crate::domain::import::Kind::parse(&args.kind).map_err(|e| anyhow::anyhow!(e.message))?;
    let board = BoardCode::parse(&args.board).map_err(|e| anyhow::anyhow!(e.message))?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let target = cli.database_target()?;
    let pool = startup::prepare_database(&target, 1)?;
    let mut conn = pool.get()?;
    let every = args.progress_every.max(1);
    let started = std::time::Instant::now();
    let mut next = every;
    let mut current = String::new();
    let mut progress = |stage: &str, done: usize, total: usize| {
        if stage != current {
            current = stage.to_owned();
            next = every;
        }
        if done >= next {
            eprintln!(
                "{} {}: {done}/{total} rows {stage}",
                kind.as_str(),
                board.as_str()
            );
            next = (done / every + 1) * every;
        }
    };
    let opts = Options {
        dry_run: args.dry_run,
        skip_bad_rows: args.skip_bad_rows,
    };
    match import::run(
        &mut conn,
        &Actor::cli(),
        kind,
        &board,
        &bytes,
        opts,
        crate::clock::now(),
        &mut progress,
    ) {
        Ok(report) => {
            for p in &report.problems {
                eprintln!("skipped: {}", p.sentence());
            }
            for c in &report.conflicts {
                eprintln!("conflict: row {}: {}", c.row, c.message);
            }
            if !report.ignored_columns.is_empty() {
                eprintln!("ignored columns: {}", report.ignored_columns.join(", "));
            }
            let elapsed = started.elapsed();
            println!(
                "{}{} {}: {} rows, {} created, {} unchanged, {} conflicting, {} skipped ({} ms)",
                if report.dry_run {
                    "Dry run, nothing kept. "
                } else {
                    ""
                },
                report.kind,
                report.board,
                report.rows,
                report.created,
                report.unchanged,
                report.conflicting,
                report.skipped,
                elapsed.as_millis()
            );
            Ok(())
        }
        Err(ImportError::Rejected(report)) => {
            for p in &report.problems {
                eprintln!("{}", p.sentence());
            }
            if report.problems_total > report.problems.len() {
                eprintln!(
                    "… and {} more",
                    report.problems_total - report.problems.len()
                );
            }
            anyhow::bail!(
                "{} problem(s) in {}; nothing was imported. Correct them, or run with --skip-bad-rows.",
                report.problems_total,
                args.file.display()
            )
        }
        Err(ImportError::Op(e)) => Err(anyhow::anyhow!("{e}")),
        Err(ImportError::Other(e)) => Err(e),
    }
}

/// Shortest accepted metrics token, in characters.
const MIN_METRICS_TOKEN: usize = 16;

/// Who may read GET /metrics, from the serve options.
fn metrics_access(args: &ServeArgs) -> anyhow::Result<crate::http::metrics::MetricsAccess> {
    use crate::http::metrics::MetricsAccess;
    Ok(match (&args.metrics_token, args.metrics_public) {
        (Some(token), _) => {
            let token = token.trim();
            anyhow::ensure!(
                token.chars().count() >= MIN_METRICS_TOKEN,
                "the metrics token is shorter than {MIN_METRICS_TOKEN} characters; use a long random value"
            );
            anyhow::ensure!(
                token.bytes().all(|b| b.is_ascii_graphic()),
                "the metrics token must be printable ASCII without spaces (it travels in an HTTP header)"
            );
            MetricsAccess::Token(token.to_owned())
        }
        (None, true) => MetricsAccess::Public,
        (None, false) => MetricsAccess::Local,
    })
}

fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    let target = cli.database_target()?;
    let pool = startup::prepare_database(&target, args.pool_size)?;
    let secret = startup::jwt_secret(
        args.jwt_secret.as_deref(),
        args.jwt_secret_file.as_deref(),
        &cli.data_dir,
    )?;
    if let Ok(admin_password) = std::env::var("SHAREDOFFICE_ADMIN_PASSWORD")
        && startup::bootstrap_admin(&pool, &admin_password)?
    {
        println!("Created the administrator account 'admin' from SHAREDOFFICE_ADMIN_PASSWORD.");
    }
    if args.demo {
        let mut conn = pool.get()?;
        match crate::demo::load(&mut conn)? {
            Some(accounts) => {
                println!("Demo data loaded. Sign in with POST /api/v1/auth/login as:");
                println!(
                    "  {:<12} {:<11} {:<6} password",
                    "username", "role", "board"
                );
                for a in accounts {
                    println!(
                        "  {:<12} {:<11} {:<6} {}",
                        a.username,
                        a.role.as_str(),
                        a.board_code.as_deref().unwrap_or("-"),
                        a.password
                    );
                }
            }
            None => println!("The database already holds data; demo data was not loaded."),
        }
    }
    {
        let mut conn = pool.get()?;
        if storage::users::count(&mut conn)? == 0 {
            println!(
                "No user accounts yet: set SHAREDOFFICE_ADMIN_PASSWORD, run `sharedoffice user add`, \
                 or start with --demo."
            );
        }
    }
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let settings = ServerSettings {
        bind: args.bind.clone(),
        workers,
        jwt_secret: secret,
        token_ttl: Duration::from_secs(args.token_ttl_minutes * 60),
        throttle: ThrottlePolicy::default(),
        metrics: metrics_access(args)?,
        clock: crate::clock::Clock::system(),
    };
    startup::spawn_waitlist_sweeper(pool.clone());
    actix_web::rt::System::new().block_on(async move {
        let server = Server::start(pool, settings)?;
        println!("sharedoffice listening on http://{}", server.addr);
        tracing::info!(addr = %server.addr, database = %target.redacted(), "listening");
        server.server.await.context("server failed")
    })
}

/// A password from standard input when one is piped in, else a generated one
/// (returned so it can be printed once).
fn password_from_stdin_or_generated() -> anyhow::Result<(NewPassword, Option<String>)> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']);
        if !line.is_empty() {
            return Ok((NewPassword::parse(line)?, None));
        }
    }
    let generated = password::generate()?;
    Ok((NewPassword::parse(&generated)?, Some(generated)))
}

fn user_command(cli: &Cli, cmd: &UserCommand) -> anyhow::Result<()> {
    let target = cli.database_target()?;
    let pool = startup::prepare_database(&target, 1)?;
    let mut conn = pool.get()?;
    let actor = Actor::cli();
    match cmd {
        UserCommand::Add {
            username,
            full_name,
            role,
            board,
        } => {
            let username = Username::parse(username)?;
            let full_name = FullName::parse(full_name)?;
            let role = Role::parse(role)?;
            let board_id = match board {
                Some(code) => {
                    let code = BoardCode::parse(code)?;
                    Some(
                        boards::find_by_code(&mut conn, &code)?
                            .ok_or_else(|| {
                                anyhow::anyhow!("no board has the code {}", code.as_str())
                            })?
                            .id,
                    )
                }
                None => None,
            };
            let (password, generated) = password_from_stdin_or_generated()?;
            let account = NewAccount {
                username,
                full_name,
                role,
                board_id,
                password_hash: password::hash(&password)?,
            };
            let user = write_tx(&mut conn, |c| {
                organisation::create_user(c, &actor, &account, crate::clock::now())
            })?;
            println!("Created {} ({}).", user.username.as_str(), user.role);
            if let Some(p) = generated {
                println!("Password: {p}");
            }
        }
        UserCommand::Passwd { username } => {
            let username = Username::parse(username)?;
            let user = users::find_by_username(&mut conn, &username)?
                .ok_or_else(|| anyhow::anyhow!("no user is called {}", username.as_str()))?;
            let (password, generated) = password_from_stdin_or_generated()?;
            let hash = password::hash(&password)?;
            write_tx(&mut conn, |c| {
                organisation::set_password(c, &actor, user.id, &hash, crate::clock::now())
            })?;
            println!(
                "Password of {} changed; their sessions have ended.",
                username.as_str()
            );
            if let Some(p) = generated {
                println!("Password: {p}");
            }
        }
        UserCommand::Deactivate { username } => {
            let username = Username::parse(username)?;
            let user = users::find_by_username(&mut conn, &username)?
                .ok_or_else(|| anyhow::anyhow!("no user is called {}", username.as_str()))?;
            let changes = AccountChanges {
                active: Some(false),
                ..Default::default()
            };
            write_tx(&mut conn, |c| {
                organisation::update_user(c, &actor, user.id, changes, crate::clock::now())
            })?;
            println!(
                "Deactivated {}; their sessions have ended.",
                username.as_str()
            );
        }
        UserCommand::List => {
            let list = users::list(
                &mut conn,
                crate::domain::access::BoardScope::All,
                &users::UserFilter::default(),
                500,
            )?;
            for u in list {
                println!(
                    "{:<24} {:<11} {:<8} {}",
                    u.username.as_str(),
                    u.role.as_str(),
                    if u.active { "active" } else { "inactive" },
                    u.full_name.as_str()
                );
            }
        }
    }
    Ok(())
}
