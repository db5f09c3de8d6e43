//! The budget check on commitments and spend, and the life of a
//! commitment: reserved on approval, settled into spend or released.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::LedgerContext;
use crate::domain::ledger::budget::{self, Position, Shortfall, Verdict};
use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode, Control};
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::{Money, Total};
use crate::ops::OpError;
use crate::storage::DbConn;
use crate::storage::ledger::commitments::{self, CommitmentSource, NewCommitment};
use crate::storage::ledger::{budget as positions, budget_lines};

/// A budget line left short by an accepted amount (`warn` lines), or the
/// details of a refusal (`stop` lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BudgetShortfall {
    #[schema(example = "6700")]
    pub budget_line: String,
    pub board_id: Uuid,
    pub fiscal_year: i32,
    #[schema(value_type = String)]
    pub allocated: Total,
    #[schema(value_type = String)]
    pub committed: Total,
    #[schema(value_type = String)]
    pub spent: Total,
    #[schema(value_type = String)]
    pub available: Total,
    #[schema(value_type = String)]
    pub requested: Money,
    #[schema(value_type = String)]
    pub shortfall: Total,
}

impl BudgetShortfall {
    fn new(line: &BudgetLine, board_id: Uuid, year: FiscalYear, s: Shortfall) -> Self {
        Self {
            budget_line: line.code.as_str().to_owned(),
            board_id,
            fiscal_year: year.get(),
            allocated: s.position.allocated,
            committed: s.position.committed,
            spent: s.position.spent,
            available: s.available,
            requested: s.requested,
            shortfall: s.shortfall,
        }
    }

    pub fn sentence(&self) -> String {
        format!(
            "Budget line {} has {} đồng available for this board in {} (allocated {}, committed {}, spent {}); {} is {} short. Ask finance to raise the allocation or reduce the amount.",
            self.budget_line,
            self.available,
            self.fiscal_year,
            self.allocated,
            self.committed,
            self.spent,
            self.requested,
            self.shortfall
        )
    }
}

/// Whether a `stop` line may refuse (decisions still open) or only warn
/// (facts already happened, such as a completed trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    Enforce,
    RecordOnly,
}

pub fn load_line(conn: &mut DbConn, id: Uuid, field: &'static str) -> Result<BudgetLine, OpError> {
    budget_lines::find(conn, id)?.ok_or_else(|| {
        OpError::invalid(
            field,
            crate::domain::ParseError::new("budget_line_unknown", "No budget line has this id."),
        )
    })
}

/// Checks `amount` more spend or commitment on a board's budget line.
/// Serialised per budget line. Returns the warning of a `warn` line.
pub fn check(
    conn: &mut DbConn,
    line: &BudgetLine,
    board_id: Uuid,
    date: NaiveDate,
    amount: Money,
    enforcement: Enforcement,
) -> Result<Option<BudgetShortfall>, OpError> {
    if amount.to_minor() <= 0 || line.control == Control::Ignore {
        return Ok(None);
    }
    budget_lines::lock(conn, line.id)?;
    let year = FiscalYear::of(date);
    let position: Position = positions::position(conn, year, board_id, line.id)?;
    match budget::check(line.control, position, amount) {
        Verdict::Accept => Ok(None),
        Verdict::Warn(s) => Ok(Some(BudgetShortfall::new(line, board_id, year, s))),
        Verdict::Refuse(s) if enforcement == Enforcement::RecordOnly => {
            Ok(Some(BudgetShortfall::new(line, board_id, year, s)))
        }
        Verdict::Refuse(s) => {
            let short = BudgetShortfall::new(line, board_id, year, s);
            Err(OpError::BudgetExceeded {
                detail: short.sentence(),
                budget: Box::new(short),
            })
        }
    }
}

/// Reserves budget for an approved request.
#[expect(
    clippy::too_many_arguments,
    reason = "a reservation names its source, line, board, year, amount, enforcement and time; a struct would only restate them"
)]
pub fn commit(
    conn: &mut DbConn,
    source: CommitmentSource,
    source_id: Uuid,
    line: &BudgetLine,
    board_id: Uuid,
    date: NaiveDate,
    amount: Money,
    ctx: &LedgerContext,
) -> Result<Option<BudgetShortfall>, OpError> {
    let warning = check(conn, line, board_id, date, amount, Enforcement::Enforce)?;
    commitments::insert(
        conn,
        &NewCommitment {
            source,
            source_id,
            fiscal_year: FiscalYear::of(date).get(),
            board_id,
            budget_line_id: line.id,
            amount,
        },
        ctx.now,
    )?;
    Ok(warning)
}

/// Ends a request's reservation: settled by `entry` or released.
pub fn close_commitment(
    conn: &mut DbConn,
    source: CommitmentSource,
    source_id: Uuid,
    entry: Option<Uuid>,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    if let Some(c) = commitments::open_for(conn, source, source_id)? {
        commitments::close(conn, c.id, entry, ctx.now)?;
    }
    Ok(())
}

/// The id of the budget line with this code, if there is one.
pub fn line_id(conn: &mut DbConn, code: &BudgetLineCode) -> Result<Option<Uuid>, OpError> {
    Ok(budget_lines::find_by_code(conn, code)?.map(|l| l.id))
}

/// Why a budget line code was refused: no line has it.
pub fn unknown_line(code: &BudgetLineCode) -> crate::domain::ParseError {
    crate::domain::ParseError::new(
        "budget_line_unknown",
        format!(
            "There is no budget line {}; see GET /api/v1/budget-lines.",
            code.as_str()
        ),
    )
}

/// The id of the budget line with this code, or the refusal of `field`.
pub fn resolve_line(
    conn: &mut DbConn,
    field: &'static str,
    code: &BudgetLineCode,
) -> Result<Uuid, OpError> {
    line_id(conn, code)?.ok_or_else(|| OpError::invalid(field, unknown_line(code)))
}
