//! Stocktakes, their counts and, once closed, their discrepancies.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::assets::AssetCode;
use crate::domain::assets::stocktake::{Discrepancy, DiscrepancyKind};
use crate::storage::schema::{stocktake_counts, stocktake_discrepancies, stocktakes};
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stocktake {
    pub id: Uuid,
    pub board_id: Option<Uuid>,
    pub location: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = stocktakes)]
struct Row {
    id: String,
    board_id: Option<String>,
    location: Option<String>,
    status: String,
    opened_by: String,
    opened_at: NaiveDateTime,
    closed_by: Option<String>,
    closed_at: Option<NaiveDateTime>,
}

impl Row {
    fn into_stocktake(self) -> QueryResult<Stocktake> {
        Ok(Stocktake {
            id: uuid_of(&self.id)?,
            board_id: opt_uuid_of(self.board_id.as_deref())?,
            location: self.location,
            status: self.status,
            opened_by: uuid_of(&self.opened_by)?,
            opened_at: from_db_time(self.opened_at),
            closed_by: opt_uuid_of(self.closed_by.as_deref())?,
            closed_at: self.closed_at.map(from_db_time),
        })
    }
}

pub fn insert(conn: &mut DbConn, s: &Stocktake) -> QueryResult<()> {
    diesel::insert_into(stocktakes::table)
        .values((
            stocktakes::id.eq(s.id.to_string()),
            stocktakes::board_id.eq(s.board_id.map(|u| u.to_string())),
            stocktakes::location.eq(s.location.as_deref()),
            stocktakes::status.eq(&s.status),
            stocktakes::opened_by.eq(s.opened_by.to_string()),
            stocktakes::opened_at.eq(to_db_time(s.opened_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Stocktake>> {
    stocktakes::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_stocktake)
        .transpose()
}

pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        stocktakes::table
            .find(id.to_string())
            .select(stocktakes::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// Stocktakes, newest first, optionally of one board.
pub fn list(conn: &mut DbConn, board_id: Option<Uuid>, limit: i64) -> QueryResult<Vec<Stocktake>> {
    let mut q = stocktakes::table
        .select(Row::as_select())
        .order(stocktakes::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = board_id {
        q = q.filter(stocktakes::board_id.eq(b.to_string()));
    }
    q.load::<Row>(conn)?
        .into_iter()
        .map(Row::into_stocktake)
        .collect()
}

pub fn close(conn: &mut DbConn, id: Uuid, by: Uuid, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(
        stocktakes::table
            .find(id.to_string())
            .filter(stocktakes::status.eq("open")),
    )
    .set((
        stocktakes::status.eq("closed"),
        stocktakes::closed_by.eq(Some(by.to_string())),
        stocktakes::closed_at.eq(Some(to_db_time(now))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records scanned codes.
pub fn add_counts(
    conn: &mut DbConn,
    stocktake_id: Uuid,
    codes: &[AssetCode],
    location: Option<&str>,
    by: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    for code in codes {
        diesel::insert_into(stocktake_counts::table)
            .values((
                stocktake_counts::id.eq(Uuid::now_v7().to_string()),
                stocktake_counts::stocktake_id.eq(stocktake_id.to_string()),
                stocktake_counts::asset_code.eq(code.as_str()),
                stocktake_counts::location.eq(location),
                stocktake_counts::counted_by.eq(by.to_string()),
                stocktake_counts::counted_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Counted codes in the order they were recorded, with their location.
pub fn counts(
    conn: &mut DbConn,
    stocktake_id: Uuid,
) -> QueryResult<Vec<(AssetCode, Option<String>)>> {
    stocktake_counts::table
        .filter(stocktake_counts::stocktake_id.eq(stocktake_id.to_string()))
        .order(stocktake_counts::id.asc())
        .select((stocktake_counts::asset_code, stocktake_counts::location))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .map(|(c, l)| Ok((stored(AssetCode::parse(&c))?, l)))
        .collect()
}

/// A discrepancy as stored, with what the register knew of the asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDiscrepancy {
    pub kind: DiscrepancyKind,
    pub asset_code: String,
    pub asset_id: Option<Uuid>,
    pub registered_board_id: Option<Uuid>,
    pub registered_location: Option<String>,
    pub counted_location: Option<String>,
}

pub fn insert_discrepancies(
    conn: &mut DbConn,
    stocktake_id: Uuid,
    found: &[(Discrepancy, Option<Uuid>, Option<Uuid>)],
) -> QueryResult<()> {
    for (d, asset_id, board_id) in found {
        diesel::insert_into(stocktake_discrepancies::table)
            .values((
                stocktake_discrepancies::id.eq(Uuid::now_v7().to_string()),
                stocktake_discrepancies::stocktake_id.eq(stocktake_id.to_string()),
                stocktake_discrepancies::kind.eq(d.kind.as_str()),
                stocktake_discrepancies::asset_code.eq(d.code.as_str()),
                stocktake_discrepancies::asset_id.eq(asset_id.map(|u| u.to_string())),
                stocktake_discrepancies::registered_board_id.eq(board_id.map(|u| u.to_string())),
                stocktake_discrepancies::registered_location.eq(d.registered_location.as_deref()),
                stocktake_discrepancies::counted_location.eq(d.counted_location.as_deref()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

type DiscrepancyRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The discrepancies of a closed stocktake, by kind then code.
pub fn discrepancies(conn: &mut DbConn, stocktake_id: Uuid) -> QueryResult<Vec<StoredDiscrepancy>> {
    stocktake_discrepancies::table
        .filter(stocktake_discrepancies::stocktake_id.eq(stocktake_id.to_string()))
        .order((
            stocktake_discrepancies::kind.asc(),
            stocktake_discrepancies::asset_code.asc(),
        ))
        .select((
            stocktake_discrepancies::kind,
            stocktake_discrepancies::asset_code,
            stocktake_discrepancies::asset_id,
            stocktake_discrepancies::registered_board_id,
            stocktake_discrepancies::registered_location,
            stocktake_discrepancies::counted_location,
        ))
        .load::<DiscrepancyRow>(conn)?
        .into_iter()
        .map(|(kind, code, asset, board, reg, counted)| {
            Ok(StoredDiscrepancy {
                kind: DiscrepancyKind::parse(&kind).ok_or_else(|| {
                    diesel::result::Error::DeserializationError(
                        format!("unknown discrepancy kind {kind}").into(),
                    )
                })?,
                asset_code: code,
                asset_id: opt_uuid_of(asset.as_deref())?,
                registered_board_id: opt_uuid_of(board.as_deref())?,
                registered_location: reg,
                counted_location: counted,
            })
        })
        .collect()
}
