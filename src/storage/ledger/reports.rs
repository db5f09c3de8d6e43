//! The finance reports' aggregate queries: budget execution, trial balance
//! and the account ledger. Sums are computed by the database over covering
//! indexes; only one row per group comes back.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use uuid::Uuid;

use crate::domain::ledger::budget::Position;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::{Money, Total};
use crate::storage::money::{sum_minor, sum_minor_sql, total_of_sum};
use crate::storage::schema::{allocations, commitments};
use crate::storage::{DbConn, uuid_of};

/// One board × budget line of a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRow {
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub position: Position,
}

#[derive(QueryableByName)]
struct SpentRow {
    #[diesel(sql_type = Text)]
    board_id: String,
    #[diesel(sql_type = Text)]
    budget_line_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    net: Option<String>,
}

/// Allocated, committed and spent per board × budget line in `year`,
/// optionally for one board or one budget line; groups with nothing
/// anywhere are left out.
pub fn budget_execution(
    conn: &mut DbConn,
    year: FiscalYear,
    board: Option<Uuid>,
    line: Option<Uuid>,
) -> QueryResult<Vec<ExecutionRow>> {
    let mut rows: BTreeMap<(String, String), Position> = BTreeMap::new();
    let board_s = board.map(|b| b.to_string());
    let line_s = line.map(|l| l.to_string());

    let mut q = allocations::table
        .filter(allocations::fiscal_year.eq(year.get()))
        .group_by((allocations::board_id, allocations::budget_line_id))
        .select((
            allocations::board_id,
            allocations::budget_line_id,
            sum_minor(allocations::amount_minor),
        ))
        .into_boxed();
    if let Some(b) = &board_s {
        q = q.filter(allocations::board_id.eq(b.clone()));
    }
    if let Some(l) = &line_s {
        q = q.filter(allocations::budget_line_id.eq(l.clone()));
    }
    for (b, l, sum) in q.load::<(String, String, Option<String>)>(conn)? {
        rows.entry((b, l)).or_default().allocated = total_of_sum(sum)?;
    }

    let mut q = commitments::table
        .filter(commitments::fiscal_year.eq(year.get()))
        .filter(commitments::status.eq("open"))
        .group_by((commitments::board_id, commitments::budget_line_id))
        .select((
            commitments::board_id,
            commitments::budget_line_id,
            sum_minor(commitments::amount_minor),
        ))
        .into_boxed();
    if let Some(b) = &board_s {
        q = q.filter(commitments::board_id.eq(b.clone()));
    }
    if let Some(l) = &line_s {
        q = q.filter(commitments::budget_line_id.eq(l.clone()));
    }
    for (b, l, sum) in q.load::<(String, String, Option<String>)>(conn)? {
        rows.entry((b, l)).or_default().committed = total_of_sum(sum)?;
    }

    let spent = diesel::sql_query(format!(
        "SELECT jl.board_id AS board_id, jl.budget_line_id AS budget_line_id, {} AS net \
         FROM journal_lines jl JOIN accounts a ON a.id = jl.account_id \
         WHERE a.kind = 'expense' AND jl.entry_date BETWEEN $1 AND $2 \
           AND ($3 IS NULL OR jl.board_id = $3) AND ($4 IS NULL OR jl.budget_line_id = $4) \
         GROUP BY jl.budget_line_id, jl.board_id",
        sum_minor_sql("jl.debit_minor - jl.credit_minor")
    ))
    .bind::<Date, _>(year.first_day())
    .bind::<Date, _>(year.last_day())
    .bind::<Nullable<Text>, _>(board_s.clone())
    .bind::<Nullable<Text>, _>(line_s.clone());
    let spent: Vec<SpentRow> = match conn {
        DbConn::Sqlite(c) => spent.load(c)?,
        DbConn::Postgres(c) => spent.load(c)?,
    };
    for r in spent {
        rows.entry((r.board_id, r.budget_line_id))
            .or_default()
            .spent = total_of_sum(r.net)?;
    }
    rows.into_iter()
        .map(|((b, l), position)| {
            Ok(ExecutionRow {
                board_id: uuid_of(&b)?,
                budget_line_id: uuid_of(&l)?,
                position,
            })
        })
        .collect()
}

/// One account's movements for a trial balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    pub account_id: Uuid,
    /// Debits less credits before the range.
    pub opening: Total,
    pub debit: Total,
    pub credit: Total,
}

#[derive(QueryableByName)]
struct TbRow {
    #[diesel(sql_type = Text)]
    account_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    opening: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    debit: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    credit: Option<String>,
}

/// Per account: the balance before `from` and the debits and credits from
/// `from` to `to` (inclusive). Accounts that never moved are left out.
pub fn trial_balance(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<BalanceRow>> {
    let q = diesel::sql_query(format!(
        "SELECT account_id, {} AS opening, {} AS debit, {} AS credit \
         FROM journal_lines WHERE entry_date <= $2 GROUP BY account_id",
        sum_minor_sql("CASE WHEN entry_date < $1 THEN debit_minor - credit_minor ELSE 0 END"),
        sum_minor_sql("CASE WHEN entry_date >= $1 THEN debit_minor ELSE 0 END"),
        sum_minor_sql("CASE WHEN entry_date >= $1 THEN credit_minor ELSE 0 END"),
    ))
    .bind::<Date, _>(from)
    .bind::<Date, _>(to);
    let rows: Vec<TbRow> = match conn {
        DbConn::Sqlite(c) => q.load(c)?,
        DbConn::Postgres(c) => q.load(c)?,
    };
    rows.into_iter()
        .map(|r| {
            Ok(BalanceRow {
                account_id: uuid_of(&r.account_id)?,
                opening: total_of_sum(r.opening)?,
                debit: total_of_sum(r.debit)?,
                credit: total_of_sum(r.credit)?,
            })
        })
        .collect()
}

/// A movement on one account, with its entry's description and reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    pub line_id: Uuid,
    pub entry_id: Uuid,
    pub date: NaiveDate,
    pub description: String,
    pub reference: Option<String>,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub debit: Money,
    pub credit: Money,
}

#[derive(QueryableByName)]
struct LedgerRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    entry_id: String,
    #[diesel(sql_type = Date)]
    entry_date: NaiveDate,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Nullable<Text>)]
    reference: Option<String>,
    #[diesel(sql_type = Text)]
    board_id: String,
    #[diesel(sql_type = Text)]
    budget_line_id: String,
    #[diesel(sql_type = BigInt)]
    debit_minor: i64,
    #[diesel(sql_type = BigInt)]
    credit_minor: i64,
}

#[derive(QueryableByName)]
struct SumRow {
    #[diesel(sql_type = Nullable<Text>)]
    net: Option<String>,
}

/// Debits less credits of `account` before `from`, plus those of the range
/// up to and including the cursor `(date, line id)` when given.
pub fn balance_before(
    conn: &mut DbConn,
    account: Uuid,
    from: NaiveDate,
    after: Option<(NaiveDate, Uuid)>,
) -> QueryResult<Total> {
    let (cursor_date, cursor_id) = match after {
        Some((d, id)) => (Some(d), Some(id.to_string())),
        None => (None, None),
    };
    let q = diesel::sql_query(format!(
        "SELECT {} AS net FROM journal_lines \
         WHERE account_id = $1 AND (entry_date < $2 OR ($3 IS NOT NULL AND entry_date >= $2 \
               AND (entry_date < $3 OR (entry_date = $3 AND id <= $4))))",
        sum_minor_sql("debit_minor - credit_minor")
    ))
    .bind::<Text, _>(account.to_string())
    .bind::<Date, _>(from)
    .bind::<Nullable<Date>, _>(cursor_date)
    .bind::<Nullable<Text>, _>(cursor_id);
    let row: SumRow = match conn {
        DbConn::Sqlite(c) => q.get_result(c)?,
        DbConn::Postgres(c) => q.get_result(c)?,
    };
    total_of_sum(row.net)
}

/// Movements of `account` from `from` to `to` in date order, after the
/// cursor `(date, line id)`.
pub fn account_lines(
    conn: &mut DbConn,
    account: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<LedgerLine>> {
    let (cursor_date, cursor_id) = match after {
        Some((d, id)) => (Some(d), Some(id.to_string())),
        None => (None, None),
    };
    let q = diesel::sql_query(
        "SELECT jl.id, jl.entry_id, jl.entry_date, je.description, je.reference, jl.board_id, \
                jl.budget_line_id, jl.debit_minor, jl.credit_minor \
         FROM journal_lines jl JOIN journal_entries je ON je.id = jl.entry_id \
         WHERE jl.account_id = $1 AND jl.entry_date BETWEEN $2 AND $3 \
           AND ($4 IS NULL OR jl.entry_date > $4 OR (jl.entry_date = $4 AND jl.id > $5)) \
         ORDER BY jl.entry_date, jl.id LIMIT $6",
    )
    .bind::<Text, _>(account.to_string())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Nullable<Date>, _>(cursor_date)
    .bind::<Nullable<Text>, _>(cursor_id)
    .bind::<BigInt, _>(limit);
    let rows: Vec<LedgerRow> = match conn {
        DbConn::Sqlite(c) => q.load(c)?,
        DbConn::Postgres(c) => q.load(c)?,
    };
    rows.into_iter()
        .map(|r| {
            Ok(LedgerLine {
                line_id: uuid_of(&r.id)?,
                entry_id: uuid_of(&r.entry_id)?,
                date: r.entry_date,
                description: r.description,
                reference: r.reference,
                board_id: uuid_of(&r.board_id)?,
                budget_line_id: uuid_of(&r.budget_line_id)?,
                debit: Money::from_minor(r.debit_minor),
                credit: Money::from_minor(r.credit_minor),
            })
        })
        .collect()
}
