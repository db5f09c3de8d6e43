//! User accounts: administrators manage them; managers read all, clerks
//! read their own board's.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::password;
use crate::domain::page::PageLimit;
use crate::domain::user::{FullName, NewPassword, Role, User, Username};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Admins, Auth, UserReaders};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::organisation::{self, AccountChanges, NewAccount};
use crate::storage::users;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    #[schema(example = "nguyen.thi.hoa")]
    pub username: String,
    #[schema(example = "Nguyễn Thị Hoa")]
    pub full_name: String,
    /// clerk, driver, dispatcher, finance, manager or admin.
    #[schema(example = "clerk")]
    pub role: String,
    pub board_id: Option<Uuid>,
    pub active: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            username: u.username.as_str().to_owned(),
            full_name: u.full_name.as_str().to_owned(),
            role: u.role.as_str().to_owned(),
            board_id: u.board_id,
            active: u.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only users of this board.
    pub board_id: Option<Uuid>,
    /// Only users with this role.
    pub role: Option<String>,
    /// Only active (true) or deactivated (false) accounts.
    pub active: Option<bool>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List user accounts in username order: all for administrators and
/// managers, the own board's for a clerk.
#[utoipa::path(
    tag = "organisation",
    params(UserQuery),
    responses(
        (status = 200, description = "Users", body = UserList),
        (status = 403, description = "Role may not read accounts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    auth: Auth<UserReaders>,
    state: web::Data<AppState>,
    query: web::Query<UserQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", PageLimit::parse(query.limit));
    let role = errors.check_opt("role", query.role.as_deref().map(Role::parse));
    let (Some(limit), Some(role)) = (limit, role) else {
        return Err(errors.into());
    };
    let limit = limit.get();
    let filter = users::UserFilter {
        board_id: query.board_id,
        role,
        active: query.active,
        after_username: query.cursor,
    };
    let items = organisation::accounts(&state.env, &auth.acting(), filter, limit).await?;
    Ok(web::Json(UserList {
        next_cursor: next_cursor(&items, limit, |u| u.username.as_str().to_owned()),
        items: items.iter().map(UserView::from).collect(),
    }))
}

/// One user account (404 when outside the caller's board scope).
#[utoipa::path(
    tag = "organisation",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Role may not read accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    auth: Auth<UserReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserView>, ApiError> {
    let user = organisation::account(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(UserView::from(&user)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "nguyen.thi.hoa")]
    pub username: String,
    #[schema(example = "Nguyễn Thị Hoa")]
    pub full_name: String,
    #[schema(example = "clerk")]
    pub role: String,
    /// Required for clerks.
    pub board_id: Option<Uuid>,
    /// At least 10 characters. Leave out to have one generated and returned
    /// once in `generated_password`.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    #[serde(flatten)]
    pub user: UserView,
    /// The generated password, shown this once, when none was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// Create a user account (admin).
#[utoipa::path(
    tag = "organisation",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    body: Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let username = errors.check("username", Username::parse(&body.username));
    let full_name = errors.check("full_name", FullName::parse(&body.full_name));
    let role = errors.check("role", Role::parse(&body.role));
    let given = errors.check_opt("password", body.password.as_deref().map(NewPassword::parse));
    let (Some(username), Some(full_name), Some(role), Some(given)) =
        (username, full_name, role, given)
    else {
        return Err(errors.into());
    };
    let (password, generated) = match given {
        Some(p) => (p, None),
        None => {
            let g = password::generate()?;
            (
                NewPassword::parse(&g).map_err(|e| anyhow::anyhow!("{e}"))?,
                Some(g),
            )
        }
    };
    let password_hash = state
        .passwords
        .run(move || password::hash(&password))
        .await??;
    let account = NewAccount {
        username,
        full_name,
        role,
        board_id: body.board_id,
        password_hash,
    };
    let user = organisation::add_account(&state.env, &auth.acting(), account).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(CreatedUser {
            user: UserView::from(&user),
            generated_password: generated,
        }))
}

/// Distinguishes a field left out (`None`) from a field set to null
/// (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub role: Option<String>,
    /// A board id, or null to remove the board (not allowed for clerks).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub board_id: Option<Option<Uuid>>,
    /// `false` deactivates the account and ends its sessions at once.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// A new password (at least 10 characters); ends the user's sessions.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub password: Option<String>,
}

/// Change a user account (admin): name, role, board, active, password. A
/// change of role or board, a deactivation or a new password ends the
/// user's current sessions. The last active administrator cannot be
/// demoted or deactivated.
#[utoipa::path(
    tag = "organisation",
    request_body = UpdateUser,
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "Updated", body = UserView),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no active administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateUser>,
) -> Result<web::Json<UserView>, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let full_name = errors.check_opt("full_name", body.full_name.as_deref().map(FullName::parse));
    let role = errors.check_opt("role", body.role.as_deref().map(Role::parse));
    let password = errors.check_opt("password", body.password.as_deref().map(NewPassword::parse));
    let (Some(full_name), Some(role), Some(password)) = (full_name, role, password) else {
        return Err(errors.into());
    };
    let password_hash = match password {
        Some(p) => Some(state.passwords.run(move || password::hash(&p)).await??),
        None => None,
    };
    let changes = AccountChanges {
        full_name,
        role,
        board_id: body.board_id,
        active: body.active,
    };
    let id = id.into_inner();
    let user = organisation::change_account(&state.env, &auth.acting(), id, changes, password_hash)
        .await?;
    Ok(web::Json(UserView::from(&user)))
}
