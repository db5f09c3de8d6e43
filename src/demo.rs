//! Demo data for `serve --demo`: the six boards of the province and one user
//! per role, from `fixtures/demo/`. Loaded only into an empty database, in
//! one transaction; passwords are generated and printed, never stored in the
//! repository.

use serde::Deserialize;

use crate::auth::password;
use crate::domain::audit::Actor;
use crate::domain::board::{BoardCode, BoardName};
use crate::domain::user::{FullName, NewPassword, Role, Username};
use crate::ops::organisation::{self, NewAccount};
use crate::storage::{DbConn, boards, users, write_tx};

const BOARDS_CSV: &str = include_str!("../fixtures/demo/boards.csv");
const USERS_CSV: &str = include_str!("../fixtures/demo/users.csv");
const NORMS_CSV: &str = include_str!("../fixtures/demo/spending_norms.csv");
const ALLOCATIONS_CSV: &str = include_str!("../fixtures/demo/allocations.csv");

#[derive(Deserialize)]
struct NormRecord {
    code: String,
    name: String,
    unit: String,
    amount: String,
    effective_from: chrono::NaiveDate,
}

#[derive(Deserialize)]
struct AllocationRecord {
    board_code: String,
    budget_line: String,
    amount: String,
    reason: String,
}

/// The spending regulation and this year's allocations of every board.
fn load_ledger(conn: &mut DbConn, actor: &Actor) -> anyhow::Result<()> {
    use crate::domain::ledger::budget_line::BudgetLineCode;
    use crate::domain::ledger::norms::{NormCode, Validity};
    use crate::domain::ledger::period::FiscalYear;
    use crate::domain::money::Money;
    use crate::ops::ledger::{LedgerContext, chart, norms};
    use crate::storage::ledger::budget_lines;

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
    let year = FiscalYear::of(ctx.today());
    for record in csv::Reader::from_reader(ALLOCATIONS_CSV.as_bytes()).deserialize() {
        let r: AllocationRecord = record?;
        let board =
            boards::find_by_code(conn, &BoardCode::parse(&r.board_code)?)?.ok_or_else(|| {
                anyhow::anyhow!("demo allocation names unknown board {}", r.board_code)
            })?;
        let line = budget_lines::find_by_code(conn, &BudgetLineCode::parse(&r.budget_line)?)?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "demo allocation names unknown budget line {}",
                    r.budget_line
                )
            })?;
        chart::allocate(
            conn,
            actor,
            chart::NewAllocation {
                fiscal_year: year,
                board_id: board.id,
                budget_line_id: line.id,
                amount: Money::parse(&r.amount)?,
                reason: r.reason,
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
            organisation::create_board(conn, &actor, code, name)?;
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
            )?;
        }
        load_ledger(conn, &actor)
    })?;
    Ok(Some(demo_users))
}
