//! Boards and user accounts: create, change, deactivate, set passwords.

use uuid::Uuid;

use super::{Acting, Env, OpError};
use crate::domain::ParseError;
use crate::domain::access::Principal;
use crate::domain::audit::Actor;
use crate::domain::board::{Board, BoardCode, BoardName};
use crate::domain::user::{FullName, Role, User, Username, check_board_for_role};
use crate::storage::audit::{self, Change, snapshot};
use crate::storage::{DbConn, boards, users};
use chrono::{DateTime, Utc};

pub fn create_board(
    conn: &mut DbConn,
    actor: &Actor,
    code: &BoardCode,
    name: &BoardName,
    now: DateTime<Utc>,
) -> Result<Board, OpError> {
    if boards::find_by_code(conn, code)?.is_some() {
        return Err(OpError::conflict(
            "board_code_taken",
            format!(
                "A board with code {} already exists. Choose another code.",
                code.as_str()
            ),
        ));
    }
    let board = boards::insert(conn, code, name, now)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "create",
            entity_type: "board",
            entity_id: board.id,
            board_id: Some(board.id),
            before: None,
            after: Some(snapshot(&board)),
        },
        now,
    )?;
    Ok(board)
}

pub fn update_board(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    name: Option<BoardName>,
    active: Option<bool>,
    now: DateTime<Utc>,
) -> Result<Board, OpError> {
    boards::lock(conn, id)?;
    let before = boards::find(conn, id)?.ok_or_else(|| OpError::NotFound("board".into()))?;
    let mut after = before.clone();
    if let Some(name) = name {
        after.name = name;
    }
    if let Some(active) = active {
        after.active = active;
    }
    if after == before {
        return Ok(before);
    }
    boards::update(conn, id, &after.name, after.active, now)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: if before.active && !after.active {
                "deactivate"
            } else {
                "update"
            },
            entity_type: "board",
            entity_id: id,
            board_id: Some(id),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
        now,
    )?;
    Ok(after)
}

/// A new account, with its password already hashed (hashing is slow and
/// happens before the transaction).
pub struct NewAccount {
    pub username: Username,
    pub full_name: FullName,
    pub role: Role,
    pub board_id: Option<Uuid>,
    pub password_hash: String,
}

fn check_board(conn: &mut DbConn, role: Role, board_id: Option<Uuid>) -> Result<(), OpError> {
    check_board_for_role(role, board_id).map_err(|error| OpError::Invalid {
        field: "board_id",
        error,
    })?;
    if let Some(id) = board_id {
        match boards::find(conn, id)? {
            Some(b) if b.active => {}
            Some(b) => {
                return Err(OpError::Invalid {
                    field: "board_id",
                    error: ParseError::new(
                        "board_inactive",
                        format!(
                            "Board {} is deactivated; choose an active board.",
                            b.code.as_str()
                        ),
                    ),
                });
            }
            None => {
                return Err(OpError::Invalid {
                    field: "board_id",
                    error: ParseError::new(
                        "board_unknown",
                        "No board has this id; choose an existing board.",
                    ),
                });
            }
        }
    }
    Ok(())
}

pub fn create_user(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewAccount,
    now: DateTime<Utc>,
) -> Result<User, OpError> {
    check_board(conn, new.role, new.board_id)?;
    if users::find_by_username(conn, &new.username)?.is_some() {
        return Err(OpError::conflict(
            "username_taken",
            format!(
                "The username {} is already taken. Choose another.",
                new.username.as_str()
            ),
        ));
    }
    let user = users::insert(
        conn,
        &users::NewUser {
            username: &new.username,
            full_name: &new.full_name,
            role: new.role,
            board_id: new.board_id,
            password_hash: &new.password_hash,
        },
        now,
    )?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "create",
            entity_type: "user",
            entity_id: user.id,
            board_id: user.board_id,
            before: None,
            after: Some(snapshot(&user)),
        },
        now,
    )?;
    Ok(user)
}

/// Changes to an account; `None` leaves a field as it is. `board_id:
/// Some(None)` removes the board.
#[derive(Debug, Default)]
pub struct AccountChanges {
    pub full_name: Option<FullName>,
    pub role: Option<Role>,
    pub board_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
}

fn active_admins(conn: &mut DbConn) -> Result<usize, OpError> {
    users::lock_active_admins(conn)?;
    let filter = users::UserFilter {
        role: Some(Role::Admin),
        active: Some(true),
        ..Default::default()
    };
    Ok(users::list(conn, crate::domain::access::BoardScope::All, &filter, 2)?.len())
}

pub fn update_user(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    changes: AccountChanges,
    now: DateTime<Utc>,
) -> Result<User, OpError> {
    users::lock(conn, id)?;
    let before = users::find(conn, id)?.ok_or_else(|| OpError::NotFound("user".into()))?;
    let mut after = before.clone();
    if let Some(name) = changes.full_name {
        after.full_name = name;
    }
    if let Some(role) = changes.role {
        after.role = role;
    }
    if let Some(board) = changes.board_id {
        after.board_id = board;
    }
    if let Some(active) = changes.active {
        after.active = active;
    }
    if after == before {
        return Ok(before);
    }
    if after.board_id != before.board_id || after.role != before.role {
        check_board(conn, after.role, after.board_id)?;
    }
    let loses_admin =
        before.role == Role::Admin && before.active && (after.role != Role::Admin || !after.active);
    if loses_admin && active_admins(conn)? <= 1 {
        return Err(OpError::conflict(
            "last_admin",
            "This is the last active administrator; create or activate another administrator \
             first, so that someone can still manage accounts.",
        ));
    }
    // A new role, board or a deactivation must take effect at once: end
    // every token issued under the old account state.
    let revoke = after.role != before.role || after.board_id != before.board_id || !after.active;
    users::update(conn, &after, revoke, now)?;
    let action = match (before.active, after.active) {
        (true, false) => "deactivate",
        (false, true) => "activate",
        _ => "update",
    };
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "user",
            entity_id: id,
            board_id: after.board_id.or(before.board_id),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
        now,
    )?;
    Ok(after)
}

/// Sets a new password hash and ends every token issued before; returns the
/// account and its new token version. The audit entry records that the
/// password changed, never the hash.
pub fn set_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(User, i32), OpError> {
    let user = users::find(conn, id)?.ok_or_else(|| OpError::NotFound("user".into()))?;
    let version = users::set_password(conn, id, password_hash, now)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "password_change",
            entity_type: "user",
            entity_id: id,
            board_id: user.board_id,
            before: None,
            after: None,
        },
        now,
    )?;
    Ok((user, version))
}

// Units of work: what the JSON API and the desk call.

/// The account behind a verified token, if it still holds that token
/// (its version is current and it is active).
pub async fn signed_in(
    env: &Env,
    user_id: Uuid,
    token_version: i32,
) -> Result<Option<Principal>, OpError> {
    env.db
        .read(move |conn| Ok(users::principal(conn, user_id, token_version)?))
        .await
}

/// Boards in code order.
pub async fn boards(
    env: &Env,
    filter: boards::BoardFilter,
    limit: i64,
) -> Result<Vec<Board>, OpError> {
    env.db
        .read(move |conn| Ok(boards::list(conn, &filter, limit)?))
        .await
}

/// One board.
pub async fn board(env: &Env, id: Uuid) -> Result<Board, OpError> {
    env.db
        .read(move |conn| boards::find(conn, id)?.ok_or_else(|| OpError::NotFound("board".into())))
        .await
}

/// Adds a board.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, code = code.as_str()))]
pub async fn add_board(
    env: &Env,
    who: &Acting,
    code: BoardCode,
    name: BoardName,
) -> Result<Board, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| create_board(conn, &actor, &code, &name, clock.now()))
        .await
}

/// Renames, deactivates or reactivates a board.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change_board(
    env: &Env,
    who: &Acting,
    id: Uuid,
    name: Option<BoardName>,
    active: Option<bool>,
) -> Result<Board, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| update_board(conn, &actor, id, name, active, clock.now()))
        .await
}

/// Accounts within the caller's board scope, in username order.
pub async fn accounts(
    env: &Env,
    who: &Acting,
    filter: users::UserFilter,
    limit: i64,
) -> Result<Vec<User>, OpError> {
    let scope = who.principal.board_scope();
    env.db
        .read(move |conn| Ok(users::list(conn, scope, &filter, limit)?))
        .await
}

/// One account the caller may see.
pub async fn account(env: &Env, who: &Acting, id: Uuid) -> Result<User, OpError> {
    let principal = who.principal.clone();
    env.db
        .read(move |conn| {
            users::find(conn, id)?
                .filter(|u| principal.may_see_user(u.id, u.board_id))
                .ok_or_else(|| OpError::NotFound("user".into()))
        })
        .await
}

/// The caller's own account and the board they work for.
pub async fn own_account(env: &Env, who: &Acting) -> Result<(User, Option<Board>), OpError> {
    let id = who.principal.user_id;
    env.db
        .read(move |conn| {
            let user = users::find(conn, id)?.ok_or_else(|| OpError::NotFound("user".into()))?;
            let board = match user.board_id {
                Some(b) => boards::find(conn, b)?,
                None => None,
            };
            Ok((user, board))
        })
        .await
}

/// The stored credentials of a username, for checking a password.
pub async fn credentials(
    env: &Env,
    username: String,
) -> Result<Option<users::Credentials>, OpError> {
    env.db
        .read(move |conn| Ok(users::credentials(conn, &username)?))
        .await
}

/// Adds an account (the password already hashed).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, account = new.username.as_str()))]
pub async fn add_account(env: &Env, who: &Acting, new: NewAccount) -> Result<User, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| create_user(conn, &actor, &new, clock.now()))
        .await
}

/// Changes an account and, when given, its password (already hashed), in
/// one transaction.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change_account(
    env: &Env,
    who: &Acting,
    id: Uuid,
    changes: AccountChanges,
    password_hash: Option<String>,
) -> Result<User, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let now = clock.now();
            let user = update_user(conn, &actor, id, changes, now)?;
            if let Some(hash) = &password_hash {
                set_password(conn, &actor, id, hash, now)?;
            }
            Ok(user)
        })
        .await
}

/// Sets the caller's own new password (already hashed); returns the
/// account and its new token version.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn change_own_password(
    env: &Env,
    who: &Acting,
    password_hash: String,
) -> Result<(User, i32), OpError> {
    let (actor, clock, id) = (who.actor.clone(), env.clock.clone(), who.principal.user_id);
    env.db
        .write(move |conn| set_password(conn, &actor, id, &password_hash, clock.now()))
        .await
}

/// The audit log, newest first.
pub async fn audit_entries(
    env: &Env,
    filter: audit::AuditFilter,
    limit: i64,
) -> Result<Vec<crate::domain::audit::AuditEntry>, OpError> {
    env.db
        .read(move |conn| Ok(audit::list(conn, &filter, limit)?))
        .await
}
