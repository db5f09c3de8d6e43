//! Commitments: budget reserved by approved requests until they settle
//! (turned into spend) or are released.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::money::Money;
use crate::storage::schema::commitments;
use crate::storage::{DbConn, to_db_time, uuid_of};

/// What reserved the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentSource {
    Booking,
    Expense,
    AssetRequest,
}

impl CommitmentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentSource::Booking => "booking",
            CommitmentSource::Expense => "expense",
            CommitmentSource::AssetRequest => "asset_request",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCommitment {
    pub id: Uuid,
    pub fiscal_year: i32,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub amount: Money,
}

pub struct NewCommitment {
    pub source: CommitmentSource,
    pub source_id: Uuid,
    pub fiscal_year: i32,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub amount: Money,
}

pub fn insert(conn: &mut DbConn, c: &NewCommitment, now: DateTime<Utc>) -> QueryResult<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(commitments::table)
        .values((
            commitments::id.eq(id.to_string()),
            commitments::source.eq(c.source.as_str()),
            commitments::source_id.eq(c.source_id.to_string()),
            commitments::fiscal_year.eq(c.fiscal_year),
            commitments::board_id.eq(c.board_id.to_string()),
            commitments::budget_line_id.eq(c.budget_line_id.to_string()),
            commitments::amount_minor.eq(c.amount.to_minor()),
            commitments::status.eq("open"),
            commitments::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The open commitment of a request, if it has one.
pub fn open_for(
    conn: &mut DbConn,
    source: CommitmentSource,
    source_id: Uuid,
) -> QueryResult<Option<OpenCommitment>> {
    let row: Option<(String, i32, String, String, i64)> = commitments::table
        .filter(commitments::source.eq(source.as_str()))
        .filter(commitments::source_id.eq(source_id.to_string()))
        .filter(commitments::status.eq("open"))
        .select((
            commitments::id,
            commitments::fiscal_year,
            commitments::board_id,
            commitments::budget_line_id,
            commitments::amount_minor,
        ))
        .first(conn)
        .optional()?;
    row.map(|(id, fiscal_year, board, line, amount)| {
        Ok(OpenCommitment {
            id: uuid_of(&id)?,
            fiscal_year,
            board_id: uuid_of(&board)?,
            budget_line_id: uuid_of(&line)?,
            amount: Money::from_minor(amount),
        })
    })
    .transpose()
}

/// Closes an open commitment: `settled` with the entry that spent it, or
/// `released` when the request ended unspent.
pub fn close(
    conn: &mut DbConn,
    id: Uuid,
    spent_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        commitments::table
            .find(id.to_string())
            .filter(commitments::status.eq("open")),
    )
    .set((
        commitments::status.eq(if spent_by.is_some() {
            "settled"
        } else {
            "released"
        }),
        commitments::journal_entry_id.eq(spent_by.map(|u| u.to_string())),
        commitments::settled_at.eq(Some(to_db_time(now))),
    ))
    .execute(conn)?;
    Ok(())
}

/// Whether a request ever reserved budget (open, settled or released).
pub fn exists_for(
    conn: &mut DbConn,
    source: CommitmentSource,
    source_id: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        commitments::table
            .filter(commitments::source.eq(source.as_str()))
            .filter(commitments::source_id.eq(source_id.to_string())),
    ))
    .get_result(conn)
}
