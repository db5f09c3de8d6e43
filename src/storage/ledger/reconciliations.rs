//! Reconciliations of cash and bank accounts against statements.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::period::Period;
use crate::domain::ledger::reconciliation::{
    Match, MatchMethod, Movement, StatementLine, Status, Workpaper,
};
use crate::domain::ledger::statement::StatementRow;
use crate::domain::money::Money;
use crate::storage::schema::{
    accounts, journal_entries, journal_lines, reconciliation_matches, reconciliation_notes,
    reconciliations, statement_lines,
};
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

/// Codes of the cash and bank accounts that moved in `period` and have no
/// finished reconciliation for it, or whose finished reconciliation has
/// movements posted since that are neither matched nor explained.
pub fn unreconciled_accounts(conn: &mut DbConn, period: Period) -> QueryResult<Vec<String>> {
    let moved = journal_lines::table
        .filter(journal_lines::entry_date.between(period.first_day(), period.last_day()))
        .select(journal_lines::account_id);
    let done = reconciliations::table
        .filter(reconciliations::period.eq(period.to_string()))
        .filter(reconciliations::status.eq("reconciled"))
        .select(reconciliations::account_id);
    let mut codes: Vec<String> = accounts::table
        .filter(accounts::reconcilable.eq(true))
        .filter(accounts::id.eq_any(moved))
        .filter(accounts::id.ne_all(done))
        .order(accounts::code.asc())
        .select(accounts::code)
        .load(conn)?;
    let finished: Vec<(String, String, String)> = reconciliations::table
        .inner_join(accounts::table)
        .filter(reconciliations::period.eq(period.to_string()))
        .filter(reconciliations::status.eq("reconciled"))
        .select((
            reconciliations::id,
            reconciliations::account_id,
            accounts::code,
        ))
        .load(conn)?;
    for (id, account_id, code) in finished {
        let left: i64 = journal_lines::table
            .filter(journal_lines::account_id.eq(&account_id))
            .filter(journal_lines::entry_date.between(period.first_day(), period.last_day()))
            .filter(
                journal_lines::id.ne_all(
                    reconciliation_matches::table
                        .filter(reconciliation_matches::reconciliation_id.eq(&id))
                        .select(reconciliation_matches::journal_line_id),
                ),
            )
            .filter(
                journal_lines::id.ne_all(
                    reconciliation_notes::table
                        .filter(reconciliation_notes::reconciliation_id.eq(&id))
                        .select(reconciliation_notes::journal_line_id),
                ),
            )
            .count()
            .get_result(conn)?;
        if left > 0 {
            codes.push(code);
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// A reconciliation's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub id: Uuid,
    pub account_id: Uuid,
    pub period: Period,
    pub status: Status,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub reconciled_by: Option<Uuid>,
    pub reconciled_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = reconciliations)]
struct ReconciliationRow {
    id: String,
    account_id: String,
    period: String,
    status: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    reconciled_by: Option<String>,
    reconciled_at: Option<NaiveDateTime>,
}

impl ReconciliationRow {
    fn into_reconciliation(self) -> QueryResult<Reconciliation> {
        Ok(Reconciliation {
            id: uuid_of(&self.id)?,
            account_id: uuid_of(&self.account_id)?,
            period: stored(Period::parse(&self.period))?,
            status: stored(Status::parse(&self.status))?,
            created_by: opt_uuid_of(self.created_by.as_deref())?,
            created_at: from_db_time(self.created_at),
            reconciled_by: opt_uuid_of(self.reconciled_by.as_deref())?,
            reconciled_at: self.reconciled_at.map(from_db_time),
        })
    }
}

/// Inserts the header and the statement's lines; returns the lines' ids in
/// the order of `rows`.
pub fn insert(
    conn: &mut DbConn,
    id: Uuid,
    account_id: Uuid,
    period: Period,
    rows: &[StatementRow],
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Uuid>> {
    diesel::insert_into(reconciliations::table)
        .values((
            reconciliations::id.eq(id.to_string()),
            reconciliations::account_id.eq(account_id.to_string()),
            reconciliations::period.eq(period.to_string()),
            reconciliations::status.eq(Status::Open.as_str()),
            reconciliations::created_by.eq(created_by.map(|u| u.to_string())),
            reconciliations::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    #[derive(Insertable)]
    #[diesel(table_name = statement_lines)]
    struct LineInsert {
        id: String,
        reconciliation_id: String,
        row_no: i32,
        value_date: NaiveDate,
        amount_minor: i64,
        reference: Option<String>,
        description: Option<String>,
    }
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::now_v7()).collect();
    let inserts: Vec<LineInsert> = rows
        .iter()
        .zip(&ids)
        .map(|(r, line_id)| LineInsert {
            id: line_id.to_string(),
            reconciliation_id: id.to_string(),
            row_no: i32::try_from(r.row).unwrap_or(i32::MAX),
            value_date: r.date,
            amount_minor: r.amount.to_minor(),
            reference: r.reference.clone(),
            description: r.description.clone(),
        })
        .collect();
    // Batch inserts are per backend: the two-backend connection has none.
    for chunk in inserts.chunks(100) {
        let insert = diesel::insert_into(statement_lines::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(ids)
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Reconciliation>> {
    reconciliations::table
        .find(id.to_string())
        .select(ReconciliationRow::as_select())
        .first(conn)
        .optional()?
        .map(ReconciliationRow::into_reconciliation)
        .transpose()
}

/// Like [`find`], locking the row until the transaction ends on PostgreSQL
/// (SQLite's write transaction already excludes other writers).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Reconciliation>> {
    let row = match conn {
        DbConn::Sqlite(c) => reconciliations::table
            .find(id.to_string())
            .select(ReconciliationRow::as_select())
            .first(c)
            .optional()?,
        DbConn::Postgres(c) => reconciliations::table
            .find(id.to_string())
            .select(ReconciliationRow::as_select())
            .for_update()
            .first(c)
            .optional()?,
    };
    row.map(ReconciliationRow::into_reconciliation).transpose()
}

pub fn find_for(
    conn: &mut DbConn,
    account_id: Uuid,
    period: Period,
) -> QueryResult<Option<Reconciliation>> {
    reconciliations::table
        .filter(reconciliations::account_id.eq(account_id.to_string()))
        .filter(reconciliations::period.eq(period.to_string()))
        .select(ReconciliationRow::as_select())
        .first(conn)
        .optional()?
        .map(ReconciliationRow::into_reconciliation)
        .transpose()
}

#[derive(Debug, Default, Clone)]
pub struct ReconciliationFilter {
    pub account_id: Option<Uuid>,
    pub period: Option<Period>,
    pub status: Option<Status>,
    /// Keyset cursor: the last (period, id) of the previous page.
    pub after: Option<(Period, Uuid)>,
}

/// Newest month first, then in the order they were started.
pub fn list(
    conn: &mut DbConn,
    f: &ReconciliationFilter,
    limit: i64,
) -> QueryResult<Vec<Reconciliation>> {
    let mut q = reconciliations::table
        .select(ReconciliationRow::as_select())
        .order((reconciliations::period.desc(), reconciliations::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(account) = f.account_id {
        q = q.filter(reconciliations::account_id.eq(account.to_string()));
    }
    if let Some(period) = f.period {
        q = q.filter(reconciliations::period.eq(period.to_string()));
    }
    if let Some(status) = f.status {
        q = q.filter(reconciliations::status.eq(status.as_str()));
    }
    if let Some((period, id)) = f.after {
        let period = period.to_string();
        q = q.filter(
            reconciliations::period
                .lt(period.clone())
                .or(reconciliations::period
                    .eq(period)
                    .and(reconciliations::id.gt(id.to_string()))),
        );
    }
    q.load(conn)?
        .into_iter()
        .map(ReconciliationRow::into_reconciliation)
        .collect()
}

type MovementRow = (
    String,
    String,
    String,
    NaiveDate,
    i64,
    i64,
    Option<String>,
    String,
    Option<String>,
);

fn movement_of(r: MovementRow) -> QueryResult<Movement> {
    let (id, entry_id, account_id, date, debit, credit, reference, description, memo) = r;
    Ok(Movement {
        journal_line_id: uuid_of(&id)?,
        entry_id: uuid_of(&entry_id)?,
        account_id: uuid_of(&account_id)?,
        date,
        amount: Money::from_minor(debit - credit),
        reference,
        description,
        memo,
    })
}

macro_rules! movement_columns {
    () => {
        (
            journal_lines::id,
            journal_lines::entry_id,
            journal_lines::account_id,
            journal_lines::entry_date,
            journal_lines::debit_minor,
            journal_lines::credit_minor,
            journal_entries::reference,
            journal_entries::description,
            journal_lines::memo,
        )
    };
}

/// The account's movements dated in the period, in date order.
pub fn movements(
    conn: &mut DbConn,
    account_id: Uuid,
    period: Period,
) -> QueryResult<Vec<Movement>> {
    journal_lines::table
        .inner_join(journal_entries::table)
        .filter(journal_lines::account_id.eq(account_id.to_string()))
        .filter(journal_lines::entry_date.between(period.first_day(), period.last_day()))
        .order((journal_lines::entry_date.asc(), journal_lines::id.asc()))
        .select(movement_columns!())
        .load::<MovementRow>(conn)?
        .into_iter()
        .map(movement_of)
        .collect()
}

/// One journal line as a movement of its account.
pub fn movement(conn: &mut DbConn, journal_line_id: Uuid) -> QueryResult<Option<Movement>> {
    journal_lines::table
        .inner_join(journal_entries::table)
        .filter(journal_lines::id.eq(journal_line_id.to_string()))
        .select(movement_columns!())
        .first::<MovementRow>(conn)
        .optional()?
        .map(movement_of)
        .transpose()
}

/// Which of these journal lines are matched in any reconciliation.
pub fn matched_anywhere(
    conn: &mut DbConn,
    journal_line_ids: &[Uuid],
) -> QueryResult<HashSet<Uuid>> {
    let ids: Vec<String> = journal_line_ids.iter().map(Uuid::to_string).collect();
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        for id in reconciliation_matches::table
            .filter(reconciliation_matches::journal_line_id.eq_any(chunk))
            .select(reconciliation_matches::journal_line_id)
            .load::<String>(conn)?
        {
            found.insert(uuid_of(&id)?);
        }
    }
    Ok(found)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = statement_lines)]
struct StatementLineRow {
    id: String,
    row_no: i32,
    value_date: NaiveDate,
    amount_minor: i64,
    reference: Option<String>,
    description: Option<String>,
    explanation: Option<String>,
}

/// The statement's lines in file order.
pub fn statement_lines(conn: &mut DbConn, id: Uuid) -> QueryResult<Vec<StatementLine>> {
    statement_lines::table
        .filter(statement_lines::reconciliation_id.eq(id.to_string()))
        .order((statement_lines::row_no.asc(), statement_lines::id.asc()))
        .select(StatementLineRow::as_select())
        .load::<StatementLineRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok(StatementLine {
                id: uuid_of(&r.id)?,
                row: r.row_no,
                date: r.value_date,
                amount: Money::from_minor(r.amount_minor),
                reference: r.reference,
                description: r.description,
                explanation: r.explanation,
            })
        })
        .collect()
}

pub fn matches(conn: &mut DbConn, id: Uuid) -> QueryResult<Vec<Match>> {
    reconciliation_matches::table
        .filter(reconciliation_matches::reconciliation_id.eq(id.to_string()))
        .select((
            reconciliation_matches::statement_line_id,
            reconciliation_matches::journal_line_id,
            reconciliation_matches::method,
            reconciliation_matches::created_at,
        ))
        .load::<(String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(s, j, method, at)| {
            Ok(Match {
                statement_line_id: uuid_of(&s)?,
                journal_line_id: uuid_of(&j)?,
                method: stored(MatchMethod::parse(&method))?,
                matched_at: from_db_time(at),
            })
        })
        .collect()
}

pub fn notes(conn: &mut DbConn, id: Uuid) -> QueryResult<HashMap<Uuid, String>> {
    reconciliation_notes::table
        .filter(reconciliation_notes::reconciliation_id.eq(id.to_string()))
        .select((
            reconciliation_notes::journal_line_id,
            reconciliation_notes::note,
        ))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(j, note)| Ok((uuid_of(&j)?, note)))
        .collect()
}

/// Everything of a reconciliation: its lines, the account's movements in
/// the period, the matches and the notes.
pub fn workpaper(conn: &mut DbConn, r: &Reconciliation) -> QueryResult<Workpaper> {
    Ok(Workpaper {
        lines: statement_lines(conn, r.id)?,
        movements: movements(conn, r.account_id, r.period)?,
        matches: matches(conn, r.id)?,
        notes: notes(conn, r.id)?,
    })
}

pub fn insert_matches(
    conn: &mut DbConn,
    id: Uuid,
    pairs: &[(Uuid, Uuid)],
    method: MatchMethod,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    for (line, journal_line) in pairs {
        diesel::insert_into(reconciliation_matches::table)
            .values((
                reconciliation_matches::reconciliation_id.eq(id.to_string()),
                reconciliation_matches::statement_line_id.eq(line.to_string()),
                reconciliation_matches::journal_line_id.eq(journal_line.to_string()),
                reconciliation_matches::method.eq(method.as_str()),
                reconciliation_matches::created_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the match of a statement line; returns whether there was one.
pub fn delete_match(conn: &mut DbConn, id: Uuid, statement_line_id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(
        reconciliation_matches::table
            .filter(reconciliation_matches::reconciliation_id.eq(id.to_string()))
            .filter(reconciliation_matches::statement_line_id.eq(statement_line_id.to_string())),
    )
    .execute(conn)?;
    Ok(n > 0)
}

pub fn explain_line(
    conn: &mut DbConn,
    statement_line_id: Uuid,
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::update(statement_lines::table.find(statement_line_id.to_string()))
        .set(statement_lines::explanation.eq(note))
        .execute(conn)?;
    Ok(())
}

pub fn explain_movement(
    conn: &mut DbConn,
    id: Uuid,
    journal_line_id: Uuid,
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::delete(reconciliation_notes::table.find((id.to_string(), journal_line_id.to_string())))
        .execute(conn)?;
    if let Some(note) = note {
        diesel::insert_into(reconciliation_notes::table)
            .values((
                reconciliation_notes::reconciliation_id.eq(id.to_string()),
                reconciliation_notes::journal_line_id.eq(journal_line_id.to_string()),
                reconciliation_notes::note.eq(note),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_status(
    conn: &mut DbConn,
    id: Uuid,
    status: Status,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let (by, at) = match status {
        Status::Reconciled => (by.map(|u| u.to_string()), Some(to_db_time(now))),
        Status::Open => (None, None),
    };
    diesel::update(reconciliations::table.find(id.to_string()))
        .set((
            reconciliations::status.eq(status.as_str()),
            reconciliations::reconciled_by.eq(by),
            reconciliations::reconciled_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
