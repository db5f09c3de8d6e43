//! The audit log: written in the caller's transaction, read by admins and
//! managers. The table is append-only; database triggers refuse UPDATE and
//! DELETE on both backends.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::schema::audit_log;
use super::{DbConn, from_db_time, opt_uuid_of, to_db_time, uuid_of};
use crate::domain::audit::{Actor, AuditEntry};

/// A change to record. `before`/`after` are snapshots of the entity as the
/// API shows it (see [`snapshot`]).
pub struct Change<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    pub board_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The JSON snapshot of an entity view for the audit log.
pub fn snapshot<T: Serialize>(view: &T) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or_else(|e| {
        tracing::error!(error = %e, "audit snapshot could not be serialised");
        serde_json::Value::Null
    })
}

/// Appends one entry. Call it inside the transaction that makes the change,
/// so the change and its record commit or roll back together.
pub fn record(conn: &mut DbConn, change: &Change<'_>, now: DateTime<Utc>) -> QueryResult<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(id.to_string()),
            audit_log::occurred_at.eq(to_db_time(now)),
            audit_log::actor_id.eq(change.actor.user_id.map(|u| u.to_string())),
            audit_log::actor.eq(&change.actor.name),
            audit_log::action.eq(change.action),
            audit_log::entity_type.eq(change.entity_type),
            audit_log::entity_id.eq(change.entity_id.to_string()),
            audit_log::board_id.eq(change.board_id.map(|b| b.to_string())),
            audit_log::before_state.eq(change.before.as_ref().map(ToString::to_string)),
            audit_log::after_state.eq(change.after.as_ref().map(ToString::to_string)),
            audit_log::request_id.eq(change.actor.request_id.as_deref()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Appends many entries at once (a bulk import): multi-row INSERTs on
/// SQLite, one `COPY` on PostgreSQL.
pub fn record_many(
    conn: &mut DbConn,
    changes: &[Change<'_>],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let row = |change: &Change<'_>| {
        (
            audit_log::id.eq(Uuid::now_v7().to_string()),
            audit_log::occurred_at.eq(to_db_time(now)),
            audit_log::actor_id.eq(change.actor.user_id.map(|u| u.to_string())),
            audit_log::actor.eq(change.actor.name.clone()),
            audit_log::action.eq(change.action.to_owned()),
            audit_log::entity_type.eq(change.entity_type.to_owned()),
            audit_log::entity_id.eq(change.entity_id.to_string()),
            audit_log::board_id.eq(change.board_id.map(|b| b.to_string())),
            audit_log::before_state.eq(change.before.as_ref().map(ToString::to_string)),
            audit_log::after_state.eq(change.after.as_ref().map(ToString::to_string)),
            audit_log::request_id.eq(change.actor.request_id.clone()),
        )
    };
    match conn {
        DbConn::Sqlite(c) => {
            for chunk in changes.chunks(super::BATCH_ROWS) {
                let rows: Vec<_> = chunk.iter().map(row).collect();
                diesel::insert_into(audit_log::table)
                    .values(rows)
                    .execute(c)?;
            }
        }
        DbConn::Postgres(c) => {
            let rows: Vec<_> = changes.iter().map(row).collect();
            diesel::copy_from(audit_log::table)
                .from_insertable(rows)
                .execute(c)?;
        }
    }
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    id: String,
    occurred_at: chrono::NaiveDateTime,
    actor_id: Option<String>,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: String,
    board_id: Option<String>,
    before_state: Option<String>,
    after_state: Option<String>,
    request_id: Option<String>,
}

impl AuditRow {
    fn into_entry(self) -> QueryResult<AuditEntry> {
        let parse = |s: Option<String>| -> QueryResult<Option<serde_json::Value>> {
            s.map(|s| {
                serde_json::from_str(&s)
                    .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
            })
            .transpose()
        };
        Ok(AuditEntry {
            id: uuid_of(&self.id)?,
            occurred_at: from_db_time(self.occurred_at),
            actor_id: opt_uuid_of(self.actor_id.as_deref())?,
            actor: self.actor,
            action: self.action,
            entity_type: self.entity_type,
            entity_id: uuid_of(&self.entity_id)?,
            board_id: opt_uuid_of(self.board_id.as_deref())?,
            before: parse(self.before_state)?,
            after: parse(self.after_state)?,
            request_id: self.request_id,
        })
    }
}

/// Filters of the audit log.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub board_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset cursor: the id of the last entry of the previous page.
    pub before_id: Option<Uuid>,
}

/// Entries newest first (ids are time-ordered UUIDv7).
pub fn list(conn: &mut DbConn, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(t) = &filter.entity_type {
        query = query.filter(audit_log::entity_type.eq(t.clone()));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_log::entity_id.eq(id.to_string()));
    }
    if let Some(id) = filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(id.to_string()));
    }
    if let Some(id) = filter.board_id {
        query = query.filter(audit_log::board_id.eq(id.to_string()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(to_db_time(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::occurred_at.lt(to_db_time(to)));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(audit_log::id.lt(before.to_string()));
    }
    query
        .load::<AuditRow>(conn)?
        .into_iter()
        .map(AuditRow::into_entry)
        .collect()
}
