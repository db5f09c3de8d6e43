//! The history of each asset: one row per custody, status, location or
//! value change, appended in the transaction of the change. The table
//! refuses UPDATE and DELETE on both backends.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::audit::Actor;
use crate::domain::money::Money;
use crate::storage::schema::asset_history;
use crate::storage::{DbConn, from_db_time, opt_uuid_of, to_db_time, uuid_of};

/// What happened to the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryKind {
    /// Entered into the register (an existing asset).
    Registered,
    /// Bought through a procurement request.
    Acquired,
    /// Custody moved to another board.
    Transfer,
    Status,
    Location,
    /// A year's wear posted.
    Wear,
    /// A repair's cost posted.
    Repair,
}

impl HistoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Acquired => "acquired",
            Self::Transfer => "transfer",
            Self::Status => "status",
            Self::Location => "location",
            Self::Wear => "wear",
            Self::Repair => "repair",
        }
    }
}

/// A row to append. Fields that did not change stay `None`.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub from_board_id: Option<Uuid>,
    pub to_board_id: Option<Uuid>,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub from_location: Option<&'a str>,
    pub to_location: Option<&'a str>,
    pub amount: Option<Money>,
    pub reason: Option<&'a str>,
    pub asset_request_id: Option<Uuid>,
    pub wear_run_id: Option<Uuid>,
    pub journal_entry_id: Option<Uuid>,
}

pub fn append(
    conn: &mut DbConn,
    asset_id: Uuid,
    kind: HistoryKind,
    e: &NewEvent<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let s = |u: Option<Uuid>| u.map(|u| u.to_string());
    diesel::insert_into(asset_history::table)
        .values((
            asset_history::id.eq(Uuid::now_v7().to_string()),
            asset_history::asset_id.eq(asset_id.to_string()),
            asset_history::occurred_at.eq(to_db_time(now)),
            asset_history::kind.eq(kind.as_str()),
            asset_history::from_board_id.eq(s(e.from_board_id)),
            asset_history::to_board_id.eq(s(e.to_board_id)),
            asset_history::from_status.eq(e.from_status),
            asset_history::to_status.eq(e.to_status),
            asset_history::from_location.eq(e.from_location),
            asset_history::to_location.eq(e.to_location),
            asset_history::amount_minor.eq(e.amount.map(Money::to_minor)),
            asset_history::reason.eq(e.reason),
            asset_history::asset_request_id.eq(s(e.asset_request_id)),
            asset_history::wear_run_id.eq(s(e.wear_run_id)),
            asset_history::journal_entry_id.eq(s(e.journal_entry_id)),
            asset_history::actor_id.eq(s(actor.user_id)),
            asset_history::actor.eq(&actor.name),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends the `registered` row of many assets at once (a bulk import):
/// multi-row INSERTs on SQLite, one `COPY` on PostgreSQL.
pub fn append_registered_many(
    conn: &mut DbConn,
    assets: &[crate::storage::assets::register::Asset],
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let row = |a: &crate::storage::assets::register::Asset| {
        (
            asset_history::id.eq(Uuid::now_v7().to_string()),
            asset_history::asset_id.eq(a.id.to_string()),
            asset_history::occurred_at.eq(to_db_time(now)),
            asset_history::kind.eq(HistoryKind::Registered.as_str()),
            asset_history::to_board_id.eq(Some(a.custodian_board_id.to_string())),
            asset_history::to_status.eq(Some(a.status.as_str())),
            asset_history::to_location.eq(Some(a.location.clone())),
            asset_history::amount_minor.eq(Some(a.original_cost.to_minor())),
            asset_history::reason.eq(Some(reason.to_owned())),
            asset_history::actor_id.eq(actor.user_id.map(|u| u.to_string())),
            asset_history::actor.eq(actor.name.clone()),
        )
    };
    match conn {
        DbConn::Sqlite(c) => {
            for chunk in assets.chunks(crate::storage::BATCH_ROWS) {
                let rows: Vec<_> = chunk.iter().map(row).collect();
                diesel::insert_into(asset_history::table)
                    .values(rows)
                    .execute(c)?;
            }
        }
        DbConn::Postgres(c) => {
            let rows: Vec<_> = assets.iter().map(row).collect();
            diesel::copy_from(asset_history::table)
                .from_insertable(rows)
                .execute(c)?;
        }
    }
    Ok(())
}

/// One recorded change, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    pub from_board_id: Option<Uuid>,
    pub to_board_id: Option<Uuid>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub asset_request_id: Option<Uuid>,
    pub wear_run_id: Option<Uuid>,
    pub journal_entry_id: Option<Uuid>,
    pub actor: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = asset_history)]
struct Row {
    id: String,
    occurred_at: NaiveDateTime,
    kind: String,
    from_board_id: Option<String>,
    to_board_id: Option<String>,
    from_status: Option<String>,
    to_status: Option<String>,
    from_location: Option<String>,
    to_location: Option<String>,
    amount_minor: Option<i64>,
    reason: Option<String>,
    asset_request_id: Option<String>,
    wear_run_id: Option<String>,
    journal_entry_id: Option<String>,
    actor: String,
}

/// An asset's history, oldest first.
pub fn of_asset(conn: &mut DbConn, asset_id: Uuid) -> QueryResult<Vec<Event>> {
    asset_history::table
        .filter(asset_history::asset_id.eq(asset_id.to_string()))
        .order((asset_history::occurred_at.asc(), asset_history::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| {
            Ok(Event {
                id: uuid_of(&r.id)?,
                occurred_at: from_db_time(r.occurred_at),
                kind: r.kind,
                from_board_id: opt_uuid_of(r.from_board_id.as_deref())?,
                to_board_id: opt_uuid_of(r.to_board_id.as_deref())?,
                from_status: r.from_status,
                to_status: r.to_status,
                from_location: r.from_location,
                to_location: r.to_location,
                amount: r.amount_minor.map(Money::from_minor),
                reason: r.reason,
                asset_request_id: opt_uuid_of(r.asset_request_id.as_deref())?,
                wear_run_id: opt_uuid_of(r.wear_run_id.as_deref())?,
                journal_entry_id: opt_uuid_of(r.journal_entry_id.as_deref())?,
                actor: r.actor,
            })
        })
        .collect()
}
