//! Budget lines and their control policies.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode, Control};
use crate::storage::schema::budget_lines;
use crate::storage::{DbConn, stored, to_db_time, uuid_of};

#[derive(Queryable, Selectable)]
#[diesel(table_name = budget_lines)]
struct LineRow {
    id: String,
    code: String,
    name: String,
    control: String,
    active: bool,
}

impl LineRow {
    fn into_line(self) -> QueryResult<BudgetLine> {
        Ok(BudgetLine {
            id: uuid_of(&self.id)?,
            code: stored(BudgetLineCode::parse(&self.code))?,
            name: self.name,
            control: stored(Control::parse(&self.control))?,
            active: self.active,
        })
    }
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<BudgetLine>> {
    budget_lines::table
        .order(budget_lines::code.asc())
        .select(LineRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LineRow::into_line)
        .collect()
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<BudgetLine>> {
    budget_lines::table
        .find(id.to_string())
        .select(LineRow::as_select())
        .first(conn)
        .optional()?
        .map(LineRow::into_line)
        .transpose()
}

pub fn find_by_code(conn: &mut DbConn, code: &BudgetLineCode) -> QueryResult<Option<BudgetLine>> {
    budget_lines::table
        .filter(budget_lines::code.eq(code.as_str()))
        .select(LineRow::as_select())
        .first(conn)
        .optional()?
        .map(LineRow::into_line)
        .transpose()
}

pub fn insert(conn: &mut DbConn, l: &BudgetLine, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(budget_lines::table)
        .values((
            budget_lines::id.eq(l.id.to_string()),
            budget_lines::code.eq(l.code.as_str()),
            budget_lines::name.eq(&l.name),
            budget_lines::control.eq(l.control.as_str()),
            budget_lines::active.eq(l.active),
            budget_lines::created_at.eq(to_db_time(now)),
            budget_lines::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update(conn: &mut DbConn, l: &BudgetLine, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(budget_lines::table.find(l.id.to_string()))
        .set((
            budget_lines::name.eq(&l.name),
            budget_lines::control.eq(l.control.as_str()),
            budget_lines::active.eq(l.active),
            budget_lines::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Serialises budget checks on one line (PostgreSQL `FOR UPDATE`; SQLite's
/// write transaction already has one writer), so two claims cannot both
/// spend the same available amount.
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        budget_lines::table
            .find(id.to_string())
            .select(budget_lines::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}
