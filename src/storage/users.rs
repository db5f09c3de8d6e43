//! Users: queries. The password hash never leaves this module except to the
//! sign-in check.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::users;
use super::{DbConn, opt_uuid_of, to_db_time, uuid_of};
use crate::domain::access::{BoardScope, Principal};
use crate::domain::user::{FullName, Role, User, Username};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    full_name: String,
    role: String,
    board_id: Option<String>,
    active: bool,
}

impl UserRow {
    fn into_user(self) -> QueryResult<User> {
        let role = Role::parse(&self.role)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        Ok(User::from_stored(
            uuid_of(&self.id)?,
            self.username,
            self.full_name,
            role,
            opt_uuid_of(self.board_id.as_deref())?,
            self.active,
        ))
    }
}

/// What sign-in needs to know about an account.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub token_version: i32,
}

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub full_name: &'a FullName,
    pub role: Role,
    pub board_id: Option<Uuid>,
    pub password_hash: &'a str,
}

pub fn insert(conn: &mut DbConn, new: &NewUser<'_>, now: DateTime<Utc>) -> QueryResult<User> {
    let id = Uuid::now_v7();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.to_string()),
            users::username.eq(new.username.as_str()),
            users::full_name.eq(new.full_name.as_str()),
            users::role.eq(new.role.as_str()),
            users::board_id.eq(new.board_id.map(|b| b.to_string())),
            users::active.eq(true),
            users::password_hash.eq(new.password_hash),
            users::token_version.eq(0),
            users::created_at.eq(to_db_time(now)),
            users::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(User {
        id,
        username: new.username.clone(),
        full_name: new.full_name.clone(),
        role: new.role,
        board_id: new.board_id,
        active: true,
    })
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<User>> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRow::into_user)
        .transpose()
}

pub fn find_by_username(conn: &mut DbConn, username: &Username) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRow::into_user)
        .transpose()
}

pub fn credentials(conn: &mut DbConn, username: &str) -> QueryResult<Option<Credentials>> {
    let row = users::table
        .filter(users::username.eq(username))
        .select((
            UserRow::as_select(),
            users::password_hash,
            users::token_version,
        ))
        .first::<(UserRow, String, i32)>(conn)
        .optional()?;
    row.map(|(user, password_hash, token_version)| {
        Ok(Credentials {
            user: user.into_user()?,
            password_hash,
            token_version,
        })
    })
    .transpose()
}

/// The principal behind a token, if the account exists, is active and the
/// token's version is still current.
pub fn principal(
    conn: &mut DbConn,
    id: Uuid,
    token_version: i32,
) -> QueryResult<Option<Principal>> {
    let row = users::table
        .find(id.to_string())
        .filter(users::active.eq(true))
        .filter(users::token_version.eq(token_version))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| {
        let user = r.into_user()?;
        Ok(Principal {
            user_id: user.id,
            username: user.username.as_str().to_owned(),
            role: user.role,
            board_id: user.board_id,
        })
    })
    .transpose()
}

/// Filters of the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub board_id: Option<Uuid>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Keyset cursor: the username of the last user of the previous page.
    pub after_username: Option<String>,
}

/// Users visible within `scope`, in username order. A clerk's scope keeps
/// only their own board's users; Office-wide users (no board) are listed
/// only for Office-wide roles.
pub fn list(
    conn: &mut DbConn,
    scope: BoardScope,
    filter: &UserFilter,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .select(UserRow::as_select())
        .order(users::username.asc())
        .limit(limit)
        .into_boxed();
    match scope {
        BoardScope::All => {}
        BoardScope::Only(board) => query = query.filter(users::board_id.eq(board.to_string())),
        BoardScope::None => return Ok(Vec::new()),
    }
    if let Some(board) = filter.board_id {
        query = query.filter(users::board_id.eq(board.to_string()));
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(after) = &filter.after_username {
        query = query.filter(users::username.gt(after.clone()));
    }
    query
        .load::<UserRow>(conn)?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
}

/// Writes a user's profile fields. When `revoke_tokens` is set the token
/// version is bumped, ending every token issued before.
pub fn update(
    conn: &mut DbConn,
    user: &User,
    revoke_tokens: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user.id.to_string()))
        .set((
            users::full_name.eq(user.full_name.as_str()),
            users::role.eq(user.role.as_str()),
            users::board_id.eq(user.board_id.map(|b| b.to_string())),
            users::active.eq(user.active),
            users::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if revoke_tokens {
        bump_token_version(conn, user.id)?;
    }
    Ok(())
}

/// Replaces the password hash and ends every token issued before; returns
/// the new token version.
pub fn set_password(
    conn: &mut DbConn,
    id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<i32> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    bump_token_version(conn, id)?;
    users::table
        .find(id.to_string())
        .select(users::token_version)
        .first(conn)
}

fn bump_token_version(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::token_version.eq(users::token_version + 1))
        .execute(conn)?;
    Ok(())
}

/// Locks a user's row until the transaction ends (PostgreSQL `FOR UPDATE`),
/// so a read-modify-write cannot lose a concurrent change. On SQLite the
/// write transaction already holds the database's write lock.
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        users::table
            .find(id.to_string())
            .select(users::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// Locks every active administrator's row (see [`lock`]), so two
/// administrators cannot demote each other at the same moment and leave
/// none.
pub fn lock_active_admins(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::active.eq(true))
            .select(users::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}
