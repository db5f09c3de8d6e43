//! Spending norms: the versions of each norm with their effective dates.
//! Two versions of one code never overlap: an exclusion constraint on
//! PostgreSQL, triggers on SQLite (both named `spending_norms_no_overlap`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use uuid::Uuid;

use crate::domain::ledger::norms::{NormCode, Validity};
use crate::domain::money::Money;
use crate::storage::schema::spending_norms;
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

/// One version of a norm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormVersion {
    pub id: Uuid,
    pub code: NormCode,
    pub name: String,
    /// What one unit is: day, night, litre, delegate.
    pub unit: String,
    /// The allowed amount per unit.
    pub amount: Money,
    pub validity: Validity,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = spending_norms)]
struct Row {
    id: String,
    code: String,
    name: String,
    unit: String,
    amount_minor: i64,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_version(self) -> QueryResult<NormVersion> {
        Ok(NormVersion {
            id: uuid_of(&self.id)?,
            code: stored(NormCode::parse(&self.code))?,
            name: self.name,
            unit: self.unit,
            amount: Money::from_minor(self.amount_minor),
            validity: stored(Validity::new(self.effective_from, self.effective_to))?,
            created_by: opt_uuid_of(self.created_by.as_deref())?,
            created_at: from_db_time(self.created_at),
        })
    }
}

fn load(rows: Vec<Row>) -> QueryResult<Vec<NormVersion>> {
    rows.into_iter().map(Row::into_version).collect()
}

/// Whether a write was refused because two versions of a code would overlap.
pub fn is_overlap(e: &DieselError) -> bool {
    let DieselError::DatabaseError(_, info) = e else {
        return false;
    };
    info.constraint_name()
        .unwrap_or_else(|| info.message())
        .contains("spending_norms_no_overlap")
        || info.message().contains("spending_norms_no_overlap")
}

/// Every version of a code, oldest first. On PostgreSQL the rows are
/// locked, so two finance officers adding versions of one norm at once
/// take turns (SQLite's write transaction already has one writer).
pub fn versions_for_update(conn: &mut DbConn, code: &NormCode) -> QueryResult<Vec<NormVersion>> {
    let q = spending_norms::table
        .filter(spending_norms::code.eq(code.as_str().to_owned()))
        .order(spending_norms::effective_from.asc());
    let rows = match conn {
        DbConn::Postgres(pg) => q.select(Row::as_select()).for_update().load::<Row>(pg)?,
        DbConn::Sqlite(c) => q.select(Row::as_select()).load::<Row>(c)?,
    };
    load(rows)
}

/// The version of `code` in force on `date`.
pub fn in_force(
    conn: &mut DbConn,
    code: &NormCode,
    date: NaiveDate,
) -> QueryResult<Option<NormVersion>> {
    spending_norms::table
        .filter(spending_norms::code.eq(code.as_str()))
        .filter(spending_norms::effective_from.le(date))
        .filter(
            spending_norms::effective_to
                .is_null()
                .or(spending_norms::effective_to.ge(date)),
        )
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(Row::into_version)
        .transpose()
}

/// Whether any version of `code` exists.
pub fn code_exists(conn: &mut DbConn, code: &NormCode) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        spending_norms::table.filter(spending_norms::code.eq(code.as_str())),
    ))
    .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<NormVersion>> {
    spending_norms::table
        .find(id.to_string())
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(Row::into_version)
        .transpose()
}

pub fn insert(conn: &mut DbConn, n: &NormVersion) -> QueryResult<()> {
    diesel::insert_into(spending_norms::table)
        .values((
            spending_norms::id.eq(n.id.to_string()),
            spending_norms::code.eq(n.code.as_str()),
            spending_norms::name.eq(&n.name),
            spending_norms::unit.eq(&n.unit),
            spending_norms::amount_minor.eq(n.amount.to_minor()),
            spending_norms::effective_from.eq(n.validity.from),
            spending_norms::effective_to.eq(n.validity.to),
            spending_norms::created_by.eq(n.created_by.map(|u| u.to_string())),
            spending_norms::created_at.eq(to_db_time(n.created_at)),
            spending_norms::updated_at.eq(to_db_time(n.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends a version on `to` (inclusive).
pub fn close(conn: &mut DbConn, id: Uuid, to: NaiveDate, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(spending_norms::table.find(id.to_string()))
        .set((
            spending_norms::effective_to.eq(Some(to)),
            spending_norms::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct NormFilter {
    pub code: Option<NormCode>,
    /// Only versions in force on this day.
    pub on: Option<NaiveDate>,
    /// Keyset cursor: the last (code, effective_from) of the previous page.
    pub after: Option<(NormCode, NaiveDate)>,
}

/// Versions by code, then by start date.
pub fn list(conn: &mut DbConn, f: &NormFilter, limit: i64) -> QueryResult<Vec<NormVersion>> {
    let mut q = spending_norms::table
        .select(Row::as_select())
        .order((
            spending_norms::code.asc(),
            spending_norms::effective_from.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(code) = &f.code {
        q = q.filter(spending_norms::code.eq(code.as_str().to_owned()));
    }
    if let Some(on) = f.on {
        q = q.filter(spending_norms::effective_from.le(on)).filter(
            spending_norms::effective_to
                .is_null()
                .or(spending_norms::effective_to.ge(on)),
        );
    }
    if let Some((code, from)) = &f.after {
        q = q.filter(
            spending_norms::code
                .gt(code.as_str().to_owned())
                .or(spending_norms::code
                    .eq(code.as_str().to_owned())
                    .and(spending_norms::effective_from.gt(*from))),
        );
    }
    load(q.load::<Row>(conn)?)
}
