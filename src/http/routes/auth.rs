//! Signing in, and the signed-in user's own account.

use std::time::Instant;

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::password;
use crate::clock;
use crate::domain::user::{NewPassword, Username};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::Auth;
use crate::http::routes::boards::BoardView;
use crate::http::routes::users::UserView;
use crate::http::state::AppState;
use crate::ops::organisation;
use crate::storage::{boards, users, write_tx};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "nguyen.thi.hoa")]
    pub username: String,
    #[schema(example = "a long passphrase")]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub user: UserView,
}

/// Longest password accepted at sign-in; longer input is refused before any
/// hashing work.
const MAX_PASSWORD_BYTES: usize = 1024;

fn wrong_credentials() -> ApiError {
    ApiError::Unauthenticated {
        code: "invalid_credentials",
        detail: "The username or password is wrong. Check both and try again; after 5 failed \
                 attempts in 15 minutes sign-in is paused for that username."
            .to_owned(),
    }
}

/// Sign in with username and password; returns a short-lived access token.
///
/// The same 401 answers an unknown username, a wrong password and a
/// deactivated account. After 5 failures for one username within 15 minutes
/// further attempts are refused with 429 until the window passes.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Request fields missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let LoginRequest { username, password } = body.into_inner();
    // A name that cannot be a username cannot be an account: refuse it like
    // a wrong password (same time, same answer), and keep it out of the
    // throttle table and the logs (people type passwords into that field).
    let Ok(username) = Username::parse(&username) else {
        web::block(move || password::verify_against_dummy(&password)).await?;
        state.metrics.login_failures.inc();
        return Err(wrong_credentials());
    };
    let key = username.as_str().to_owned();
    admit_attempt(&state, &key)?;
    let lookup = key.clone();
    let credentials = state
        .db(move |conn| Ok(users::credentials(conn, &lookup)?))
        .await?;
    let known = credentials.is_some();
    let accepted = web::block(move || match credentials {
        Some(c) if password.len() <= MAX_PASSWORD_BYTES => {
            let ok = password::verify(&password, &c.password_hash) && c.user.active;
            ok.then_some(c)
        }
        _ => {
            password::verify_against_dummy(&password);
            None
        }
    })
    .await?;
    let Some(credentials) = accepted else {
        state.metrics.login_failures.inc();
        if known {
            tracing::warn!(username = %key, "sign-in failed");
        } else {
            tracing::warn!("sign-in failed for an unknown username");
        }
        return Err(wrong_credentials());
    };
    state.throttle().record_success(&key);
    let user = credentials.user;
    let issued = state.tokens.issue(
        user.id,
        user.role,
        user.board_id,
        credentials.token_version,
        clock::now(),
    )?;
    tracing::info!(user_id = %user.id, role = %user.role, "signed in");
    Ok(web::Json(LoginResponse {
        access_token: issued.token,
        token_type: "Bearer".to_owned(),
        expires_at: issued.expires_at,
        expires_in: state.tokens.ttl().as_secs() as i64,
        user: UserView::from(&user),
    }))
}

/// Counts a password attempt for `username`, or refuses it while attempts
/// for that username are paused.
fn admit_attempt(state: &AppState, username: &str) -> Result<(), ApiError> {
    state
        .throttle()
        .begin_attempt(username, Instant::now())
        .map_err(|wait| {
            state.metrics.login_refused.inc();
            tracing::warn!(username = %username, "password attempts paused: too many failures");
            ApiError::TooManyRequests {
                detail: format!(
                    "Too many failed password attempts for this username. Wait {} minute(s) and \
                     try again, or ask an administrator to reset the password.",
                    wait.as_secs().div_ceil(60)
                ),
                retry_after: wait,
            }
        })
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub user: UserView,
    /// The board the user works for, if any.
    pub board: Option<BoardView>,
}

/// The signed-in user's own account.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The signed-in user", body = MeView)))]
#[get("/me")]
pub async fn me(auth: Auth, state: web::Data<AppState>) -> Result<web::Json<MeView>, ApiError> {
    let id = auth.principal.user_id;
    let (user, board) = state
        .db(move |conn| {
            let user = users::find(conn, id)?.ok_or_else(|| ApiError::not_found("user"))?;
            let board = match user.board_id {
                Some(b) => boards::find(conn, b)?,
                None => None,
            };
            Ok((user, board))
        })
        .await?;
    Ok(web::Json(MeView {
        user: UserView::from(&user),
        board: board.as_ref().map(BoardView::from),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// Change your own password. Every token issued before is ended; the
/// response carries a fresh token so this session continues.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses(
        (status = 200, description = "Password changed; a new token", body = LoginResponse),
        (status = 422, description = "Current password wrong or new password refused", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<ChangePassword>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner();
    let mut errors = FieldErrors::new();
    let new_password = errors.check("new_password", NewPassword::parse(&new_password));
    let username = auth.principal.username.clone();
    let credentials = state
        .db(move |conn| Ok(users::credentials(conn, &username)?))
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    admit_attempt(&state, &auth.principal.username)?;
    let stored = credentials.password_hash.clone();
    let current_ok = web::block(move || password::verify(&current_password, &stored)).await?;
    if current_ok {
        state.throttle().record_success(&auth.principal.username);
    } else {
        errors.push(
            "current_password",
            crate::domain::ParseError::new(
                "wrong_password",
                "The current password is wrong; type the password you signed in with.",
            ),
        );
    }
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let hash = web::block(move || password::hash(&new_password)).await??;
    let actor = auth.actor();
    let user_id = auth.principal.user_id;
    let (user, version) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                organisation::set_password(conn, &actor, user_id, &hash).map_err(ApiError::from)
            })
        })
        .await?;
    let issued = state
        .tokens
        .issue(user.id, user.role, user.board_id, version, clock::now())?;
    Ok(web::Json(LoginResponse {
        access_token: issued.token,
        token_type: "Bearer".to_owned(),
        expires_at: issued.expires_at,
        expires_in: state.tokens.ttl().as_secs() as i64,
        user: UserView::from(&user),
    }))
}
