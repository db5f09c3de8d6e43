//! Where a board stands on a budget line in a fiscal year: allocated,
//! committed and spent, each one aggregate query.

use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::budget::Position;
use crate::domain::ledger::period::FiscalYear;
use crate::storage::DbConn;
use crate::storage::money::{sum_minor, total_of_sum};
use crate::storage::schema::{accounts, allocations, commitments, journal_lines};

pub fn position(
    conn: &mut DbConn,
    year: FiscalYear,
    board_id: Uuid,
    budget_line_id: Uuid,
) -> QueryResult<Position> {
    let board = board_id.to_string();
    let line = budget_line_id.to_string();
    let allocated: Option<String> = allocations::table
        .filter(allocations::fiscal_year.eq(year.get()))
        .filter(allocations::board_id.eq(&board))
        .filter(allocations::budget_line_id.eq(&line))
        .select(sum_minor(allocations::amount_minor))
        .first(conn)?;
    let committed: Option<String> = commitments::table
        .filter(commitments::fiscal_year.eq(year.get()))
        .filter(commitments::board_id.eq(&board))
        .filter(commitments::budget_line_id.eq(&line))
        .filter(commitments::status.eq("open"))
        .select(sum_minor(commitments::amount_minor))
        .first(conn)?;
    let expense_accounts = accounts::table
        .filter(accounts::kind.eq("expense"))
        .select(accounts::id);
    let (debits, credits): (Option<String>, Option<String>) = journal_lines::table
        .filter(journal_lines::budget_line_id.eq(&line))
        .filter(journal_lines::board_id.eq(&board))
        .filter(journal_lines::entry_date.between(year.first_day(), year.last_day()))
        .filter(journal_lines::account_id.eq_any(expense_accounts))
        .select((
            sum_minor(journal_lines::debit_minor),
            sum_minor(journal_lines::credit_minor),
        ))
        .first(conn)?;
    Ok(Position {
        allocated: total_of_sum(allocated)?,
        committed: total_of_sum(committed)?,
        spent: total_of_sum(debits)? - total_of_sum(credits)?,
    })
}
