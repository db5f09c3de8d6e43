//! The storage layer: diesel schema, queries and transactions for SQLite and
//! PostgreSQL from one codebase.
//!
//! Functions take `&mut DbConn` and return diesel's `QueryResult`, so callers
//! compose them inside one [`write_tx`]; operations run them through the
//! [`Db`] handle, which hides how each backend commits. Only the edges turn
//! errors into responses. Conversions between stored columns (text ids, naive UTC
//! timestamps, BIGINT hundredths) and domain types happen here and nowhere else.

pub mod assets;
pub mod audit;
pub mod blocks;
pub mod boards;
pub mod bookings;
pub mod columns;
mod conn;
mod db;
pub mod drivers;
pub mod fleet_reports;
pub mod ledger;
pub mod money;
pub mod occupancy;
pub mod pool_periods;
pub mod prepared;
pub mod schema;
pub mod settings;
pub mod users;
pub mod vehicles;
mod writer;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::result::Error as DieselError;
use uuid::Uuid;

pub use conn::{
    Backend, DbConn, DbTarget, Pool, PooledConn, establish, pool, run_migrations, write_tx,
};
pub use db::{Db, DbError};

/// Reads a stored id. A malformed id in the database is a storage fault.
pub(crate) fn uuid_of(stored: &str) -> Result<Uuid, DieselError> {
    Uuid::parse_str(stored).map_err(|e| DieselError::DeserializationError(Box::new(e)))
}

/// Reads a stored value through its domain parser: a value the parser
/// refuses is a storage fault, not bad input.
pub(crate) fn stored<T>(parsed: Result<T, crate::domain::ParseError>) -> Result<T, DieselError> {
    parsed.map_err(|e| DieselError::DeserializationError(Box::new(e)))
}

pub(crate) fn opt_uuid_of(stored: Option<&str>) -> Result<Option<Uuid>, DieselError> {
    stored.map(uuid_of).transpose()
}

/// Up to this many rows are read by id one by one ([`each_by_id`]): each
/// lookup reuses a prepared statement, where an `IN` list of varying length
/// is compiled afresh on every call.
pub(crate) const ONE_BY_ONE: usize = 8;

/// The rows of `ids`, each read by `find`; ids without a row are left out.
pub(crate) fn each_by_id<T>(
    ids: &[Uuid],
    mut find: impl FnMut(Uuid) -> Result<Option<T>, DieselError>,
) -> Result<std::collections::HashMap<Uuid, T>, DieselError> {
    let mut found = std::collections::HashMap::new();
    for &id in ids {
        if !found.contains_key(&id)
            && let Some(row) = find(id)?
        {
            found.insert(id, row);
        }
    }
    Ok(found)
}

/// Rows per multi-row INSERT in bulk writes: well under the bind-parameter
/// limits of SQLite (32,766) and PostgreSQL (65,535) for tables of up to
/// 32 columns, and small enough that PostgreSQL plans each statement
/// quickly (250 measured faster than 1,000).
pub(crate) const BATCH_ROWS: usize = 250;

pub(crate) fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub(crate) fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// Whether a diesel error is a unique-constraint violation.
pub fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Whether the database gave up on a transaction because of a concurrent
/// one: a serialisation failure, or PostgreSQL breaking a lock cycle
/// (SQLSTATE 40P01). Nothing of the transaction was kept.
pub fn is_concurrent_change(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(diesel::result::DatabaseErrorKind::SerializationFailure, _) => {
            true
        }
        DieselError::DatabaseError(_, info) => info.message().contains("deadlock detected"),
        _ => false,
    }
}
