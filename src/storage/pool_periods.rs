//! When each vehicle and driver was in the pool (`vehicle_pool_periods`,
//! `driver_pool_periods`): a stay opens when a resource is registered
//! active or returns to the pool, and closes when it is retired or made
//! inactive.
//!
//! [`keep`] is called by `vehicles::{insert, update}` and
//! `drivers::{insert, update}` with the status they write, so every writer
//! of the register (the API, the import, the demo load) keeps the history
//! in its own transaction and none can forget it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{driver_pool_periods as dp, vehicle_pool_periods as vp};
use super::{DbConn, from_db_time, to_db_time, uuid_of};
use crate::domain::fleet::block::{Resource, ResourceKind};
use crate::domain::utilisation::micros;
use crate::domain::utilisation::pool::Stay;

/// Brings the resource's history in line with its status written at `now`:
/// a resource in the pool has an open stay (one is opened if it had none);
/// one out of it has none (the open one is closed at `now`, or dropped if
/// it began at `now` or later, so no stay is ever empty). Nothing is
/// written when the history already agrees, as on an edit that leaves the
/// status alone.
pub fn keep(
    conn: &mut DbConn,
    resource: Resource,
    in_pool: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let id = resource.id().to_string();
    let now = to_db_time(now);
    match (resource, in_pool) {
        (Resource::Vehicle(_), true) => {
            let open: i64 = vp::table
                .filter(vp::vehicle_id.eq(&id).and(vp::ends_at.is_null()))
                .count()
                .get_result(conn)?;
            if open == 0 {
                diesel::insert_into(vp::table)
                    .values((vp::vehicle_id.eq(&id), vp::starts_at.eq(now)))
                    .execute(conn)?;
            }
        }
        (Resource::Vehicle(_), false) => {
            let open = vp::table.filter(vp::vehicle_id.eq(&id).and(vp::ends_at.is_null()));
            diesel::delete(open.filter(vp::starts_at.ge(now))).execute(conn)?;
            diesel::update(open)
                .set(vp::ends_at.eq(Some(now)))
                .execute(conn)?;
        }
        (Resource::Driver(_), true) => {
            let open: i64 = dp::table
                .filter(dp::driver_id.eq(&id).and(dp::ends_at.is_null()))
                .count()
                .get_result(conn)?;
            if open == 0 {
                diesel::insert_into(dp::table)
                    .values((dp::driver_id.eq(&id), dp::starts_at.eq(now)))
                    .execute(conn)?;
            }
        }
        (Resource::Driver(_), false) => {
            let open = dp::table.filter(dp::driver_id.eq(&id).and(dp::ends_at.is_null()));
            diesel::delete(open.filter(dp::starts_at.ge(now))).execute(conn)?;
            diesel::update(open)
                .set(dp::ends_at.eq(Some(now)))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Every stay of a vehicle (`vehicles`) or of a driver that overlaps
/// `[from, to)`, by resource, in start order.
pub fn stays(
    conn: &mut DbConn,
    kind: ResourceKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<HashMap<Uuid, Vec<Stay>>> {
    let (from, to) = (to_db_time(from), to_db_time(to));
    type Row = (String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>);
    let rows: Vec<Row> = if kind == ResourceKind::Vehicles {
        vp::table
            .filter(vp::starts_at.lt(to))
            .filter(vp::ends_at.is_null().or(vp::ends_at.gt(from)))
            .order((vp::vehicle_id, vp::starts_at))
            .select((vp::vehicle_id, vp::starts_at, vp::ends_at))
            .load(conn)?
    } else {
        dp::table
            .filter(dp::starts_at.lt(to))
            .filter(dp::ends_at.is_null().or(dp::ends_at.gt(from)))
            .order((dp::driver_id, dp::starts_at))
            .select((dp::driver_id, dp::starts_at, dp::ends_at))
            .load(conn)?
    };
    let mut out: HashMap<Uuid, Vec<Stay>> = HashMap::new();
    for (id, starts_at, ends_at) in rows {
        out.entry(uuid_of(&id)?).or_default().push(Stay {
            from: micros(from_db_time(starts_at)),
            until: ends_at.map(|t| micros(from_db_time(t))),
        });
    }
    Ok(out)
}
