//! The journal: entries are written once, lines before their entry (the
//! database seals the entry when it is inserted), and never changed.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::journal::{BalancedLines, Side, Source};
use crate::domain::ledger::period::Period;
use crate::domain::money::Money;
use crate::storage::schema::{journal_entries, journal_lines};
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

/// An entry about to be posted.
pub struct NewEntry<'a> {
    pub id: Uuid,
    pub date: NaiveDate,
    pub description: &'a str,
    pub reference: Option<&'a str>,
    pub source: Source,
    pub source_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub lines: &'a BalancedLines,
}

#[derive(Insertable)]
#[diesel(table_name = journal_lines)]
struct LineInsert {
    id: String,
    entry_id: String,
    line_no: i32,
    entry_date: NaiveDate,
    account_id: String,
    board_id: String,
    budget_line_id: String,
    debit_minor: i64,
    credit_minor: i64,
    memo: Option<String>,
}

pub fn insert(conn: &mut DbConn, e: &NewEntry<'_>, now: DateTime<Utc>) -> QueryResult<()> {
    let entry_id = e.id.to_string();
    let rows: Vec<LineInsert> = e
        .lines
        .lines()
        .iter()
        .enumerate()
        .map(|(i, l)| LineInsert {
            id: Uuid::now_v7().to_string(),
            entry_id: entry_id.clone(),
            line_no: i as i32 + 1,
            entry_date: e.date,
            account_id: l.account_id.to_string(),
            board_id: l.board_id.to_string(),
            budget_line_id: l.budget_line_id.to_string(),
            debit_minor: if l.side == Side::Debit {
                l.amount.to_minor()
            } else {
                0
            },
            credit_minor: if l.side == Side::Credit {
                l.amount.to_minor()
            } else {
                0
            },
            memo: l.memo.clone(),
        })
        .collect();
    // Batch inserts are per backend: the two-backend connection has none.
    for chunk in rows.chunks(100) {
        let insert = diesel::insert_into(journal_lines::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::id.eq(&entry_id),
            journal_entries::entry_date.eq(e.date),
            journal_entries::period.eq(Period::of(e.date).to_string()),
            journal_entries::description.eq(e.description),
            journal_entries::reference.eq(e.reference),
            journal_entries::source.eq(e.source.as_str()),
            journal_entries::source_id.eq(e.source_id.map(|u| u.to_string())),
            journal_entries::reverses_id.eq(e.reverses_id.map(|u| u.to_string())),
            journal_entries::created_by.eq(e.created_by.map(|u| u.to_string())),
            journal_entries::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    pub id: Uuid,
    pub line_no: i32,
    pub account_id: Uuid,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub side: Side,
    pub amount: Money,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub id: Uuid,
    pub date: NaiveDate,
    pub description: String,
    pub reference: Option<String>,
    pub source: Source,
    pub source_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    /// The entry that reversed this one, if any.
    pub reversed_by: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<StoredLine>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = journal_entries)]
struct EntryRow {
    id: String,
    entry_date: NaiveDate,
    description: String,
    reference: Option<String>,
    source: String,
    source_id: Option<String>,
    reverses_id: Option<String>,
    created_by: Option<String>,
    created_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = journal_lines)]
struct LineRow {
    id: String,
    entry_id: String,
    line_no: i32,
    account_id: String,
    board_id: String,
    budget_line_id: String,
    debit_minor: i64,
    credit_minor: i64,
    memo: Option<String>,
}

impl LineRow {
    fn into_line(self) -> QueryResult<(String, StoredLine)> {
        let (side, minor) = if self.debit_minor > 0 {
            (Side::Debit, self.debit_minor)
        } else {
            (Side::Credit, self.credit_minor)
        };
        Ok((
            self.entry_id,
            StoredLine {
                id: uuid_of(&self.id)?,
                line_no: self.line_no,
                account_id: uuid_of(&self.account_id)?,
                board_id: uuid_of(&self.board_id)?,
                budget_line_id: uuid_of(&self.budget_line_id)?,
                side,
                amount: Money::from_minor(minor),
                memo: self.memo,
            },
        ))
    }
}

fn assemble(conn: &mut DbConn, rows: Vec<EntryRow>) -> QueryResult<Vec<StoredEntry>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut lines: HashMap<String, Vec<StoredLine>> = HashMap::new();
    for row in journal_lines::table
        .filter(journal_lines::entry_id.eq_any(&ids))
        .order((journal_lines::entry_id, journal_lines::line_no))
        .select(LineRow::as_select())
        .load::<LineRow>(conn)?
    {
        let (entry, line) = row.into_line()?;
        lines.entry(entry).or_default().push(line);
    }
    let reversals: HashMap<String, String> = journal_entries::table
        .filter(journal_entries::reverses_id.eq_any(&ids))
        .select((
            journal_entries::reverses_id.assume_not_null(),
            journal_entries::id,
        ))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|r| {
            Ok(StoredEntry {
                id: uuid_of(&r.id)?,
                date: r.entry_date,
                description: r.description,
                reference: r.reference,
                source: stored(Source::parse(&r.source))?,
                source_id: opt_uuid_of(r.source_id.as_deref())?,
                reverses_id: opt_uuid_of(r.reverses_id.as_deref())?,
                reversed_by: opt_uuid_of(reversals.get(&r.id).map(String::as_str))?,
                created_by: opt_uuid_of(r.created_by.as_deref())?,
                created_at: from_db_time(r.created_at),
                lines: lines.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<StoredEntry>> {
    let rows = journal_entries::table
        .find(id.to_string())
        .select(EntryRow::as_select())
        .load::<EntryRow>(conn)?;
    Ok(assemble(conn, rows)?.pop())
}

#[derive(Debug, Default, Clone)]
pub struct EntryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub source: Option<Source>,
    /// Entries with at least one line for this board.
    pub board_id: Option<Uuid>,
    /// Keyset cursor: the last (date, id) of the previous page.
    pub after: Option<(NaiveDate, Uuid)>,
}

/// Entries in date order, then posting order.
pub fn list(conn: &mut DbConn, f: &EntryFilter, limit: i64) -> QueryResult<Vec<StoredEntry>> {
    let mut q = journal_entries::table
        .select(EntryRow::as_select())
        .order((journal_entries::entry_date.asc(), journal_entries::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(from) = f.from {
        q = q.filter(journal_entries::entry_date.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(journal_entries::entry_date.le(to));
    }
    if let Some(source) = f.source {
        q = q.filter(journal_entries::source.eq(source.as_str()));
    }
    if let Some(board) = f.board_id {
        q = q.filter(
            journal_entries::id.eq_any(
                journal_lines::table
                    .filter(journal_lines::board_id.eq(board.to_string()))
                    .select(journal_lines::entry_id),
            ),
        );
    }
    if let Some((date, id)) = f.after {
        // `entry_date >= date` alone bounds the index range; the OR only
        // filters within it (PostgreSQL scans from the start otherwise).
        q = q.filter(journal_entries::entry_date.ge(date)).filter(
            journal_entries::entry_date
                .gt(date)
                .or(journal_entries::id.gt(id.to_string())),
        );
    }
    let rows = q.load::<EntryRow>(conn)?;
    assemble(conn, rows)
}
