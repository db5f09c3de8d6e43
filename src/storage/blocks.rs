//! Blocks: maintenance windows and leave.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::blocks;
use super::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};
use crate::domain::fleet::block::{Block, Resource};
use crate::domain::time_range::TimeRange;

#[derive(Queryable, Selectable)]
#[diesel(table_name = blocks)]
struct BlockRow {
    id: String,
    vehicle_id: Option<String>,
    driver_id: Option<String>,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
    reason: String,
    created_by: String,
    created_at: chrono::NaiveDateTime,
}

impl BlockRow {
    fn into_block(self) -> QueryResult<Block> {
        let resource = match (
            opt_uuid_of(self.vehicle_id.as_deref())?,
            opt_uuid_of(self.driver_id.as_deref())?,
        ) {
            (Some(v), None) => Resource::Vehicle(v),
            (None, Some(d)) => Resource::Driver(d),
            _ => {
                return Err(diesel::result::Error::DeserializationError(
                    "block without exactly one resource".into(),
                ));
            }
        };
        Ok(Block {
            id: uuid_of(&self.id)?,
            resource,
            range: stored(TimeRange::new(
                from_db_time(self.starts_at),
                from_db_time(self.ends_at),
            ))?,
            reason: self.reason,
            created_by: self.created_by,
            created_at: from_db_time(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConn, b: &Block) -> QueryResult<()> {
    let (vehicle_id, driver_id) = match b.resource {
        Resource::Vehicle(id) => (Some(id.to_string()), None),
        Resource::Driver(id) => (None, Some(id.to_string())),
    };
    diesel::insert_into(blocks::table)
        .values((
            blocks::id.eq(b.id.to_string()),
            blocks::vehicle_id.eq(vehicle_id),
            blocks::driver_id.eq(driver_id),
            blocks::starts_at.eq(to_db_time(b.range.start())),
            blocks::ends_at.eq(to_db_time(b.range.end())),
            blocks::reason.eq(&b.reason),
            blocks::created_by.eq(&b.created_by),
            blocks::created_at.eq(to_db_time(b.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Block>> {
    blocks::table
        .find(id.to_string())
        .select(BlockRow::as_select())
        .first(conn)
        .optional()?
        .map(BlockRow::into_block)
        .transpose()
}

/// A resource's blocks ending after `from`, in start order.
pub fn list(conn: &mut DbConn, resource: Resource, from: DateTime<Utc>) -> QueryResult<Vec<Block>> {
    let mut query = blocks::table
        .filter(blocks::ends_at.gt(to_db_time(from)))
        .select(BlockRow::as_select())
        .order(blocks::starts_at.asc())
        .into_boxed();
    query = match resource {
        Resource::Vehicle(id) => query.filter(blocks::vehicle_id.eq(id.to_string())),
        Resource::Driver(id) => query.filter(blocks::driver_id.eq(id.to_string())),
    };
    query
        .load::<BlockRow>(conn)?
        .into_iter()
        .map(BlockRow::into_block)
        .collect()
}

pub fn delete(conn: &mut DbConn, id: Uuid) -> QueryResult<usize> {
    diesel::delete(blocks::table.find(id.to_string())).execute(conn)
}
