//! The chart of accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::ledger::account::{Account, AccountCode, AccountKind};
use crate::storage::schema::accounts;
use crate::storage::{DbConn, stored, to_db_time, uuid_of};

#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts)]
struct AccountRow {
    id: String,
    code: String,
    name: String,
    kind: String,
    reconcilable: bool,
    active: bool,
}

impl AccountRow {
    fn into_account(self) -> QueryResult<Account> {
        Ok(Account {
            id: uuid_of(&self.id)?,
            code: stored(AccountCode::parse(&self.code))?,
            name: self.name,
            kind: stored(AccountKind::parse(&self.kind))?,
            reconcilable: self.reconcilable,
            active: self.active,
        })
    }
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Account>> {
    accounts::table
        .order(accounts::code.asc())
        .select(AccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AccountRow::into_account)
        .collect()
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id.to_string())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .map(AccountRow::into_account)
        .transpose()
}

pub fn find_by_code(conn: &mut DbConn, code: &AccountCode) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::code.eq(code.as_str()))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .map(AccountRow::into_account)
        .transpose()
}

pub fn insert(conn: &mut DbConn, a: &Account, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(a.id.to_string()),
            accounts::code.eq(a.code.as_str()),
            accounts::name.eq(&a.name),
            accounts::kind.eq(a.kind.as_str()),
            accounts::reconcilable.eq(a.reconcilable),
            accounts::active.eq(a.active),
            accounts::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}
