//! Wear runs: one per fiscal year (a unique index makes sure).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::money::Money;
use crate::storage::schema::wear_runs;
use crate::storage::{DbConn, from_db_time, opt_uuid_of, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WearRun {
    pub id: Uuid,
    pub fiscal_year: i32,
    pub total: Money,
    pub assets_count: i32,
    pub journal_entry_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = wear_runs)]
struct Row {
    id: String,
    fiscal_year: i32,
    total_minor: i64,
    assets_count: i32,
    journal_entry_id: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_run(self) -> QueryResult<WearRun> {
        Ok(WearRun {
            id: uuid_of(&self.id)?,
            fiscal_year: self.fiscal_year,
            total: Money::from_minor(self.total_minor),
            assets_count: self.assets_count,
            journal_entry_id: opt_uuid_of(self.journal_entry_id.as_deref())?,
            created_by: opt_uuid_of(self.created_by.as_deref())?,
            created_at: from_db_time(self.created_at),
        })
    }
}

/// Records the run. A second run of the same year fails on the unique
/// index (`wear_runs_fiscal_year_key`), whatever the concurrency.
pub fn insert(conn: &mut DbConn, r: &WearRun) -> QueryResult<()> {
    diesel::insert_into(wear_runs::table)
        .values((
            wear_runs::id.eq(r.id.to_string()),
            wear_runs::fiscal_year.eq(r.fiscal_year),
            wear_runs::total_minor.eq(r.total.to_minor()),
            wear_runs::assets_count.eq(r.assets_count),
            wear_runs::journal_entry_id.eq(r.journal_entry_id.map(|u| u.to_string())),
            wear_runs::created_by.eq(r.created_by.map(|u| u.to_string())),
            wear_runs::created_at.eq(to_db_time(r.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn of_year(conn: &mut DbConn, year: i32) -> QueryResult<Option<WearRun>> {
    wear_runs::table
        .filter(wear_runs::fiscal_year.eq(year))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_run)
        .transpose()
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<WearRun>> {
    wear_runs::table
        .order(wear_runs::fiscal_year.desc())
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_run)
        .collect()
}

/// Records what the run posted.
pub fn finish(
    conn: &mut DbConn,
    id: Uuid,
    total: Money,
    assets_count: i32,
    journal_entry_id: Option<Uuid>,
) -> QueryResult<()> {
    diesel::update(wear_runs::table.find(id.to_string()))
        .set((
            wear_runs::total_minor.eq(total.to_minor()),
            wear_runs::assets_count.eq(assets_count),
            wear_runs::journal_entry_id.eq(journal_entry_id.map(|u| u.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}
