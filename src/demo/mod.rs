//! Demo data for `serve --demo`: the six boards of the province and one user
//! per role, from `fixtures/demo/`, then each board's legacy registers
//! (vehicles, drivers, assets, this year's allocations) loaded through the
//! consolidation import. Loaded only into an empty database: boards, users
//! and norms in one transaction, then one import per file. Passwords are
//! generated and printed, never stored in the repository.
//!
//! [`generate`] writes the province as CSV files at any scale; [`load_dir`]
//! loads such a directory.

pub mod generate;

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::auth::password;
use crate::domain::audit::Actor;
use crate::domain::board::{BoardCode, BoardName};
use crate::domain::import::Kind;
use crate::domain::user::{FullName, NewPassword, Role, Username};
use crate::ops::import::{self, ImportError, ImportReport, Options};
use crate::ops::organisation::{self, NewAccount};
use crate::storage::{DbConn, boards, users, write_tx};

const BOARDS_CSV: &str = include_str!("../../fixtures/demo/boards.csv");
const USERS_CSV: &str = include_str!("../../fixtures/demo/users.csv");
const NORMS_CSV: &str = include_str!("../../fixtures/demo/spending_norms.csv");
const ALLOCATIONS_CSV: &str = include_str!("../../fixtures/demo/allocations.csv");

macro_rules! legacy {
    ($code:literal) => {
        (
            $code,
            include_str!(concat!(
                "../../fixtures/demo/boards/",
                $code,
                "/vehicles.csv"
            )),
            include_str!(concat!(
                "../../fixtures/demo/boards/",
                $code,
                "/drivers.csv"
            )),
            include_str!(concat!("../../fixtures/demo/boards/", $code, "/assets.csv")),
        )
    };
}

#[derive(Deserialize)]
struct NormRecord {
    code: String,
    name: String,
    unit: String,
    amount: String,
    effective_from: chrono::NaiveDate,
}

/// The spending regulation.
fn load_ledger(conn: &mut DbConn, actor: &Actor) -> anyhow::Result<()> {
    use crate::domain::ledger::norms::{NormCode, Validity};
    use crate::domain::money::Money;
    use crate::ops::ledger::{LedgerContext, norms};

    let ctx = LedgerContext::load(conn, crate::clock::now())?;
    for record in csv::Reader::from_reader(NORMS_CSV.as_bytes()).deserialize() {
        let r: NormRecord = record?;
        norms::add_version(
            conn,
            actor,
            norms::NewNorm {
                code: NormCode::parse(&r.code)?,
                name: r.name,
                unit: r.unit,
                amount: Money::parse(&r.amount)?,
                validity: Validity::new(r.effective_from, None)?,
            },
            &ctx,
        )?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct BoardRecord {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct UserRecord {
    username: String,
    full_name: String,
    role: String,
    board_code: String,
}

/// A demo account and its generated password.
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub board_code: Option<String>,
    pub password: String,
}

/// Whether the database holds no boards and no users yet.
pub fn is_empty(conn: &mut DbConn) -> anyhow::Result<bool> {
    let no_boards = boards::list(conn, &boards::BoardFilter::default(), 1)?.is_empty();
    Ok(no_boards && users::count(conn)? == 0)
}

/// Loads the demo boards and users. Returns `None` when the database is not
/// empty (nothing is changed then).
pub fn load(conn: &mut DbConn) -> anyhow::Result<Option<Vec<DemoUser>>> {
    if !is_empty(conn)? {
        return Ok(None);
    }
    let mut board_rows = Vec::new();
    for record in csv::Reader::from_reader(BOARDS_CSV.as_bytes()).deserialize() {
        let r: BoardRecord = record?;
        board_rows.push((BoardCode::parse(&r.code)?, BoardName::parse(&r.name)?));
    }
    let mut accounts = Vec::new();
    let mut demo_users = Vec::new();
    for record in csv::Reader::from_reader(USERS_CSV.as_bytes()).deserialize() {
        let r: UserRecord = record?;
        let generated = password::generate()?;
        let hash = password::hash(&NewPassword::parse(&generated)?)?;
        let board_code = (!r.board_code.is_empty()).then(|| r.board_code.clone());
        let role = Role::parse(&r.role)?;
        demo_users.push(DemoUser {
            username: r.username.clone(),
            role,
            board_code: board_code.clone(),
            password: generated,
        });
        accounts.push((
            Username::parse(&r.username)?,
            FullName::parse(&r.full_name)?,
            role,
            board_code,
            hash,
        ));
    }
    let actor = Actor::system();
    write_tx(conn, |conn| -> anyhow::Result<()> {
        for (code, name) in &board_rows {
            organisation::create_board(conn, &actor, code, name, crate::clock::now())?;
        }
        for (username, full_name, role, board_code, hash) in accounts {
            let board_id = match board_code {
                Some(code) => Some(
                    boards::find_by_code(conn, &BoardCode::parse(&code)?)?
                        .ok_or_else(|| anyhow::anyhow!("demo user names unknown board {code}"))?
                        .id,
                ),
                None => None,
            };
            organisation::create_user(
                conn,
                &actor,
                &NewAccount {
                    username,
                    full_name,
                    role,
                    board_id,
                    password_hash: hash,
                },
                crate::clock::now(),
            )?;
        }
        load_ledger(conn, &actor)
    })?;
    for (code, _) in &board_rows {
        for (kind, csv) in legacy_files(code.as_str()) {
            import_file(conn, &actor, kind, code, csv.as_bytes())?;
        }
    }
    Ok(Some(demo_users))
}

/// Each board's legacy registers in `fixtures/demo/boards/<CODE>/`.
const LEGACY: &[(&str, &str, &str, &str)] = &[
    legacy!("VP"),
    legacy!("BTC"),
    legacy!("BTG"),
    legacy!("BDV"),
    legacy!("BNC"),
    legacy!("UBKT"),
];

/// A board's demo files: its vehicles, drivers and assets, and its lines
/// of `allocations.csv` as opening balances.
fn legacy_files(board: &str) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for (code, vehicles, drivers, assets) in LEGACY {
        if *code == board {
            out.push((Kind::Vehicles, (*vehicles).to_owned()));
            out.push((Kind::Drivers, (*drivers).to_owned()));
            out.push((Kind::Assets, (*assets).to_owned()));
        }
    }
    let mut budgets = String::new();
    for (i, line) in ALLOCATIONS_CSV.lines().enumerate() {
        if i == 0 || line.split(',').next() == Some(board) {
            budgets.push_str(line);
            budgets.push('\n');
        }
    }
    out.push((Kind::OpeningBalances, budgets));
    out
}

fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    kind: Kind,
    board: &BoardCode,
    bytes: &[u8],
) -> anyhow::Result<ImportReport> {
    match import::run(
        conn,
        actor,
        kind,
        board,
        bytes,
        Options::default(),
        crate::clock::now(),
        &mut |_, _, _| {},
    ) {
        Ok(report) => Ok(report),
        Err(ImportError::Rejected(report)) => {
            let first: Vec<String> = report
                .problems
                .iter()
                .take(5)
                .map(|p| p.sentence())
                .collect();
            anyhow::bail!(
                "the {} register of {} has {} problem(s): {}",
                kind.as_str(),
                board.as_str(),
                report.problems_total,
                first.join(" ")
            )
        }
        Err(ImportError::Op(e)) => Err(anyhow::anyhow!("{e}")),
        Err(ImportError::Other(e)) => Err(e),
    }
}

/// Loads a directory written by [`generate::write`]: creates the boards of
/// `boards.csv` that do not exist yet, then imports each board's
/// `vehicles.csv`, `drivers.csv`, `assets.csv` and `budgets.csv` that are
/// present. Returns one line per file imported.
pub fn load_dir(conn: &mut DbConn, actor: &Actor, dir: &Path) -> anyhow::Result<Vec<String>> {
    let list = std::fs::read(dir.join("boards.csv"))
        .with_context(|| format!("cannot read {}", dir.join("boards.csv").display()))?;
    let mut codes = Vec::new();
    for record in csv::Reader::from_reader(list.as_slice()).deserialize() {
        let r: BoardRecord = record?;
        let code = BoardCode::parse(&r.code)?;
        let name = BoardName::parse(&r.name)?;
        write_tx(conn, |c| -> anyhow::Result<()> {
            if boards::find_by_code(c, &code)?.is_none() {
                organisation::create_board(c, actor, &code, &name, crate::clock::now())?;
            }
            Ok(())
        })?;
        codes.push(code);
    }
    let mut lines = Vec::new();
    for code in codes {
        for (kind, file) in [
            (Kind::Vehicles, "vehicles.csv"),
            (Kind::Drivers, "drivers.csv"),
            (Kind::Assets, "assets.csv"),
            (Kind::OpeningBalances, "budgets.csv"),
        ] {
            let path = dir.join(code.as_str()).join(file);
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let r = import_file(conn, actor, kind, &code, &bytes)?;
            lines.push(format!(
                "{:<5} {:<17} {:>7} rows, {} created, {} unchanged, {} conflicting",
                r.board, r.kind, r.rows, r.created, r.unchanged, r.conflicting
            ));
        }
    }
    Ok(lines)
}
