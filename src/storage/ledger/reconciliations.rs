//! Reconciliations of cash and bank accounts against statements.

use diesel::prelude::*;

use crate::domain::ledger::period::Period;
use crate::storage::DbConn;
use crate::storage::schema::{accounts, journal_lines, reconciliations};

/// Codes of the cash and bank accounts that moved in `period` and have no
/// finished reconciliation for it.
pub fn unreconciled_accounts(conn: &mut DbConn, period: Period) -> QueryResult<Vec<String>> {
    let moved = journal_lines::table
        .filter(journal_lines::entry_date.between(period.first_day(), period.last_day()))
        .select(journal_lines::account_id);
    let done = reconciliations::table
        .filter(reconciliations::period.eq(period.to_string()))
        .filter(reconciliations::status.eq("reconciled"))
        .select(reconciliations::account_id);
    accounts::table
        .filter(accounts::reconcilable.eq(true))
        .filter(accounts::id.eq_any(moved))
        .filter(accounts::id.ne_all(done))
        .order(accounts::code.asc())
        .select(accounts::code)
        .load(conn)
}
