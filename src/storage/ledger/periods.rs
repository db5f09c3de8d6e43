//! Monthly periods: open until closed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::period::Period;
use crate::storage::schema::periods;
use crate::storage::{DbConn, to_db_time};

/// Makes sure the month has a row and reports whether it is open. On
/// PostgreSQL the row stays locked until the transaction ends: shared for a
/// posting, exclusive for a close, so no posting slips into a month while
/// it is being closed.
fn lock(conn: &mut DbConn, period: Period, exclusive: bool) -> QueryResult<bool> {
    let key = period.to_string();
    let row = (periods::period.eq(&key), periods::status.eq("open"));
    let status: String = match conn {
        DbConn::Sqlite(c) => {
            diesel::insert_into(periods::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?;
            periods::table.find(&key).select(periods::status).first(c)?
        }
        DbConn::Postgres(c) => {
            diesel::insert_into(periods::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?;
            let query = periods::table.find(&key).select(periods::status);
            if exclusive {
                query.for_update().first(c)?
            } else {
                query.for_share().first(c)?
            }
        }
    };
    Ok(status == "open")
}

/// Whether a posting may go into the month (share lock on PostgreSQL).
pub fn lock_for_posting(conn: &mut DbConn, period: Period) -> QueryResult<bool> {
    lock(conn, period, false)
}

/// Whether the month is still open (exclusive lock on PostgreSQL).
pub fn lock_for_close(conn: &mut DbConn, period: Period) -> QueryResult<bool> {
    lock(conn, period, true)
}

pub fn close(
    conn: &mut DbConn,
    period: Period,
    by: Uuid,
    forced_reason: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(periods::table.find(period.to_string()))
        .set((
            periods::status.eq("closed"),
            periods::closed_at.eq(Some(to_db_time(now))),
            periods::closed_by.eq(Some(by.to_string())),
            periods::forced_reason.eq(forced_reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closed months, newest first.
pub fn closed(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    periods::table
        .filter(periods::status.eq("closed"))
        .order(periods::period.desc())
        .select(periods::period)
        .load(conn)
}
