//! Expense claims and their lines. A claim is written once with its lines;
//! afterwards only its decision (approved with its journal entry, or
//! rejected with a reason) is recorded.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::expense::ExpenseStatus;
use crate::domain::ledger::norms::{NormCode, Quantity};
use crate::domain::money::Money;
use crate::storage::schema::{expense_lines, expenses};
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenseLine {
    pub line_no: i32,
    pub norm_code: NormCode,
    /// The norm version the line was checked against.
    pub norm_id: Option<Uuid>,
    pub description: Option<String>,
    pub quantity: Quantity,
    pub unit_amount: Money,
    pub claimed: Money,
    /// What the norm allowed for the quantity.
    pub allowed: Option<Money>,
}

impl ExpenseLine {
    pub fn over(&self) -> bool {
        self.allowed.is_some_and(|a| self.claimed > a)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    pub id: Uuid,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub date: NaiveDate,
    pub description: String,
    pub status: ExpenseStatus,
    pub total: Money,
    /// Some line exceeds its norm (then a manager overrode it).
    pub over_norm: bool,
    pub override_reason: Option<String>,
    pub overridden_by: Option<Uuid>,
    pub submitted_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub journal_entry_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<ExpenseLine>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = expenses)]
struct Row {
    id: String,
    board_id: String,
    budget_line_id: String,
    expense_date: NaiveDate,
    description: String,
    status: String,
    total_minor: i64,
    over_norm: bool,
    override_reason: Option<String>,
    overridden_by: Option<String>,
    submitted_by: String,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_reason: Option<String>,
    journal_entry_id: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = expense_lines)]
struct LineRow {
    expense_id: String,
    line_no: i32,
    norm_code: String,
    norm_id: Option<String>,
    description: Option<String>,
    quantity_centi: i64,
    unit_amount_minor: i64,
    claimed_minor: i64,
    allowed_minor: Option<i64>,
}

impl LineRow {
    fn into_line(self) -> QueryResult<(String, ExpenseLine)> {
        Ok((
            self.expense_id,
            ExpenseLine {
                line_no: self.line_no,
                norm_code: stored(NormCode::parse(&self.norm_code))?,
                norm_id: opt_uuid_of(self.norm_id.as_deref())?,
                description: self.description,
                quantity: Quantity::from_hundredths(self.quantity_centi),
                unit_amount: Money::from_minor(self.unit_amount_minor),
                claimed: Money::from_minor(self.claimed_minor),
                allowed: self.allowed_minor.map(Money::from_minor),
            },
        ))
    }
}

#[derive(Insertable)]
#[diesel(table_name = expense_lines)]
struct LineInsert {
    id: String,
    expense_id: String,
    line_no: i32,
    norm_code: String,
    norm_id: Option<String>,
    description: Option<String>,
    quantity_centi: i64,
    unit_amount_minor: i64,
    claimed_minor: i64,
    allowed_minor: Option<i64>,
}

fn assemble(conn: &mut DbConn, rows: Vec<Row>) -> QueryResult<Vec<Expense>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut lines: HashMap<String, Vec<ExpenseLine>> = HashMap::new();
    for row in expense_lines::table
        .filter(expense_lines::expense_id.eq_any(&ids))
        .order((expense_lines::expense_id, expense_lines::line_no))
        .select(LineRow::as_select())
        .load::<LineRow>(conn)?
    {
        let (expense, line) = row.into_line()?;
        lines.entry(expense).or_default().push(line);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Expense {
                id: uuid_of(&r.id)?,
                board_id: uuid_of(&r.board_id)?,
                budget_line_id: uuid_of(&r.budget_line_id)?,
                date: r.expense_date,
                description: r.description,
                status: stored(ExpenseStatus::parse(&r.status))?,
                total: Money::from_minor(r.total_minor),
                over_norm: r.over_norm,
                override_reason: r.override_reason,
                overridden_by: opt_uuid_of(r.overridden_by.as_deref())?,
                submitted_by: uuid_of(&r.submitted_by)?,
                decided_by: opt_uuid_of(r.decided_by.as_deref())?,
                decided_at: r.decided_at.map(from_db_time),
                decision_reason: r.decision_reason,
                journal_entry_id: opt_uuid_of(r.journal_entry_id.as_deref())?,
                created_at: from_db_time(r.created_at),
                lines: lines.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Writes a new claim (status `submitted`) with its lines.
pub fn insert(conn: &mut DbConn, e: &Expense) -> QueryResult<()> {
    let id = e.id.to_string();
    diesel::insert_into(expenses::table)
        .values((
            expenses::id.eq(&id),
            expenses::board_id.eq(e.board_id.to_string()),
            expenses::budget_line_id.eq(e.budget_line_id.to_string()),
            expenses::expense_date.eq(e.date),
            expenses::description.eq(&e.description),
            expenses::status.eq(e.status.as_str()),
            expenses::total_minor.eq(e.total.to_minor()),
            expenses::over_norm.eq(e.over_norm),
            expenses::override_reason.eq(e.override_reason.as_deref()),
            expenses::overridden_by.eq(e.overridden_by.map(|u| u.to_string())),
            expenses::submitted_by.eq(e.submitted_by.to_string()),
            expenses::created_at.eq(to_db_time(e.created_at)),
            expenses::updated_at.eq(to_db_time(e.created_at)),
        ))
        .execute(conn)?;
    let rows: Vec<LineInsert> = e
        .lines
        .iter()
        .map(|l| LineInsert {
            id: Uuid::now_v7().to_string(),
            expense_id: id.clone(),
            line_no: l.line_no,
            norm_code: l.norm_code.as_str().to_owned(),
            norm_id: l.norm_id.map(|n| n.to_string()),
            description: l.description.clone(),
            quantity_centi: l.quantity.hundredths(),
            unit_amount_minor: l.unit_amount.to_minor(),
            claimed_minor: l.claimed.to_minor(),
            allowed_minor: l.allowed.map(Money::to_minor),
        })
        .collect();
    // Batch inserts are per backend: the two-backend connection has none.
    for chunk in rows.chunks(100) {
        let insert = diesel::insert_into(expense_lines::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Expense>> {
    let rows = expenses::table
        .find(id.to_string())
        .select(Row::as_select())
        .load::<Row>(conn)?;
    Ok(assemble(conn, rows)?.pop())
}

/// Locks a claim for its decision (PostgreSQL `FOR UPDATE`; SQLite's write
/// transaction already has one writer).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        expenses::table
            .find(id.to_string())
            .select(expenses::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// The decision on a submitted claim.
pub struct Decision<'a> {
    pub status: ExpenseStatus,
    pub by: Uuid,
    pub reason: Option<&'a str>,
    pub journal_entry_id: Option<Uuid>,
}

/// Records the decision on a claim still `submitted`; false when it was
/// decided meanwhile.
pub fn decide(
    conn: &mut DbConn,
    id: Uuid,
    d: &Decision<'_>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        expenses::table
            .find(id.to_string())
            .filter(expenses::status.eq(ExpenseStatus::Submitted.as_str())),
    )
    .set((
        expenses::status.eq(d.status.as_str()),
        expenses::decided_by.eq(Some(d.by.to_string())),
        expenses::decided_at.eq(Some(to_db_time(now))),
        expenses::decision_reason.eq(d.reason),
        expenses::journal_entry_id.eq(d.journal_entry_id.map(|u| u.to_string())),
        expenses::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Default, Clone)]
pub struct ExpenseFilter {
    pub status: Option<ExpenseStatus>,
    pub board_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Keyset cursor: the last (date, id) of the previous page.
    pub after: Option<(NaiveDate, Uuid)>,
}

/// Claims in date order, then filing order.
pub fn list(conn: &mut DbConn, f: &ExpenseFilter, limit: i64) -> QueryResult<Vec<Expense>> {
    let mut q = expenses::table
        .select(Row::as_select())
        .order((expenses::expense_date.asc(), expenses::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(s) = f.status {
        q = q.filter(expenses::status.eq(s.as_str()));
    }
    if let Some(b) = f.board_id {
        q = q.filter(expenses::board_id.eq(b.to_string()));
    }
    if let Some(from) = f.from {
        q = q.filter(expenses::expense_date.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(expenses::expense_date.le(to));
    }
    if let Some((date, id)) = f.after {
        q = q.filter(
            expenses::expense_date.gt(date).or(expenses::expense_date
                .eq(date)
                .and(expenses::id.gt(id.to_string()))),
        );
    }
    let rows = q.load::<Row>(conn)?;
    assemble(conn, rows)
}
