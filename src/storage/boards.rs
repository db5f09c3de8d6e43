//! Boards: queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::boards;
use super::{DbConn, to_db_time, uuid_of};
use crate::domain::board::{Board, BoardCode, BoardName};

#[derive(Queryable, Selectable)]
#[diesel(table_name = boards)]
struct BoardRow {
    id: String,
    code: String,
    name: String,
    active: bool,
}

impl BoardRow {
    fn into_board(self) -> QueryResult<Board> {
        Ok(Board::from_stored(
            uuid_of(&self.id)?,
            self.code,
            self.name,
            self.active,
        ))
    }
}

pub fn insert(
    conn: &mut DbConn,
    code: &BoardCode,
    name: &BoardName,
    now: DateTime<Utc>,
) -> QueryResult<Board> {
    let id = Uuid::now_v7();
    diesel::insert_into(boards::table)
        .values((
            boards::id.eq(id.to_string()),
            boards::code.eq(code.as_str()),
            boards::name.eq(name.as_str()),
            boards::active.eq(true),
            boards::created_at.eq(to_db_time(now)),
            boards::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(Board {
        id,
        code: code.clone(),
        name: name.clone(),
        active: true,
    })
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Board>> {
    boards::table
        .find(id.to_string())
        .select(BoardRow::as_select())
        .first(conn)
        .optional()?
        .map(BoardRow::into_board)
        .transpose()
}

pub fn find_by_code(conn: &mut DbConn, code: &BoardCode) -> QueryResult<Option<Board>> {
    boards::table
        .filter(boards::code.eq(code.as_str()))
        .select(BoardRow::as_select())
        .first(conn)
        .optional()?
        .map(BoardRow::into_board)
        .transpose()
}

/// Filters of the board list.
#[derive(Debug, Default, Clone)]
pub struct BoardFilter {
    pub active: Option<bool>,
    /// Keyset cursor: the code of the last board of the previous page.
    pub after_code: Option<String>,
}

/// Boards in code order. Board names and codes are not confidential: every
/// signed-in user may list them, so no scope is applied here.
pub fn list(conn: &mut DbConn, filter: &BoardFilter, limit: i64) -> QueryResult<Vec<Board>> {
    let mut query = boards::table
        .select(BoardRow::as_select())
        .order(boards::code.asc())
        .limit(limit)
        .into_boxed();
    if let Some(active) = filter.active {
        query = query.filter(boards::active.eq(active));
    }
    if let Some(after) = &filter.after_code {
        query = query.filter(boards::code.gt(after.clone()));
    }
    query
        .load::<BoardRow>(conn)?
        .into_iter()
        .map(BoardRow::into_board)
        .collect()
}

/// Locks a board's row until the transaction ends (PostgreSQL `FOR
/// UPDATE`); SQLite's write transaction already serialises writers.
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        boards::table
            .find(id.to_string())
            .select(boards::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

pub fn update(
    conn: &mut DbConn,
    id: Uuid,
    name: &BoardName,
    active: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(boards::table.find(id.to_string()))
        .set((
            boards::name.eq(name.as_str()),
            boards::active.eq(active),
            boards::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}
