//! Allocations: signed adjustment entries per fiscal year × board × budget
//! line, never edited.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::storage::schema::allocations;
use crate::storage::{DbConn, from_db_time, opt_uuid_of, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub id: Uuid,
    pub fiscal_year: i32,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    /// Positive raises the budget, negative lowers it.
    pub amount: Money,
    pub reason: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = allocations)]
struct Row {
    id: String,
    fiscal_year: i32,
    board_id: String,
    budget_line_id: String,
    amount_minor: i64,
    reason: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_allocation(self) -> QueryResult<Allocation> {
        Ok(Allocation {
            id: uuid_of(&self.id)?,
            fiscal_year: self.fiscal_year,
            board_id: uuid_of(&self.board_id)?,
            budget_line_id: uuid_of(&self.budget_line_id)?,
            amount: Money::from_minor(self.amount_minor),
            reason: self.reason,
            created_by: opt_uuid_of(self.created_by.as_deref())?,
            created_at: from_db_time(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConn, a: &Allocation) -> QueryResult<()> {
    diesel::insert_into(allocations::table)
        .values((
            allocations::id.eq(a.id.to_string()),
            allocations::fiscal_year.eq(a.fiscal_year),
            allocations::board_id.eq(a.board_id.to_string()),
            allocations::budget_line_id.eq(a.budget_line_id.to_string()),
            allocations::amount_minor.eq(a.amount.to_minor()),
            allocations::reason.eq(&a.reason),
            allocations::created_by.eq(a.created_by.map(|u| u.to_string())),
            allocations::created_at.eq(to_db_time(a.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AllocationFilter {
    pub fiscal_year: Option<FiscalYear>,
    pub board_id: Option<Uuid>,
    pub budget_line_id: Option<Uuid>,
    /// Keyset cursor: the id of the last allocation of the previous page.
    pub after: Option<Uuid>,
}

/// Allocation entries in the order they were made.
pub fn list(conn: &mut DbConn, f: &AllocationFilter, limit: i64) -> QueryResult<Vec<Allocation>> {
    let mut q = allocations::table
        .select(Row::as_select())
        .order(allocations::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(y) = f.fiscal_year {
        q = q.filter(allocations::fiscal_year.eq(y.get()));
    }
    if let Some(b) = f.board_id {
        q = q.filter(allocations::board_id.eq(b.to_string()));
    }
    if let Some(l) = f.budget_line_id {
        q = q.filter(allocations::budget_line_id.eq(l.to_string()));
    }
    if let Some(after) = f.after {
        q = q.filter(allocations::id.gt(after.to_string()));
    }
    q.load::<Row>(conn)?
        .into_iter()
        .map(Row::into_allocation)
        .collect()
}
