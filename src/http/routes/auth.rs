//! Signing in, and the signed-in user's own account.

use std::net::{IpAddr, Ipv6Addr};
use std::time::Instant;

use actix_web::{HttpRequest, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::password;
use crate::domain::login_throttle::Paused;
use crate::domain::user::{NewPassword, Username};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::Auth;
use crate::http::routes::boards::BoardView;
use crate::http::routes::users::UserView;
use crate::http::state::AppState;
use crate::ops::organisation;

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
                 attempts in 15 minutes sign-in is paused for that username on this device."
            .to_owned(),
    }
}

/// Sign in with username and password; returns a short-lived access token.
///
/// The same 401 answers an unknown username, a wrong password and a
/// deactivated account. After 5 failures for one username from one client
/// address within 15 minutes, or 50 from one address whatever the
/// usernames, further attempts from there are refused with 429 until the
/// window passes. When too many password checks are already running or
/// waiting the answer is 503 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Request fields missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many password checks at once; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let LoginRequest { username, password } = body.into_inner();
    let address = client_address(&req);
    // A name that cannot be a username cannot be an account: refuse it like
    // a wrong password (same time, same answer), count it against the
    // client address only, and keep it out of the logs (people type
    // passwords into that field).
    let Ok(username) = Username::parse(&username) else {
        admit_attempt(&state, None, address)?;
        state
            .passwords
            .run(move || password::verify_against_dummy(&password))
            .await?;
        state.metrics.login_failures.inc();
        return Err(wrong_credentials());
    };
    let key = username.as_str().to_owned();
    admit_attempt(&state, Some(&key), address)?;
    let lookup = key.clone();
    let credentials = organisation::credentials(&state.env, lookup).await?;
    let known = credentials.is_some();
    let accepted = state
        .passwords
        .run(move || match credentials {
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
            tracing::warn!(username = %key, client = %address, "sign-in failed");
        } else {
            tracing::warn!(client = %address, "sign-in failed for an unknown username");
        }
        return Err(wrong_credentials());
    };
    state.throttle().record_success(&key, address);
    let user = credentials.user;
    let issued = state.tokens.issue(
        user.id,
        user.role,
        user.board_id,
        credentials.token_version,
        state.now(),
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

/// The address the connection comes from. Behind a reverse proxy this is
/// the proxy's (see docs/security.md).
fn client_address(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |a| a.ip())
}

/// Counts a password attempt for `username` at `address`, or refuses it
/// while attempts for that username there, or from that address, are
/// paused.
fn admit_attempt(
    state: &AppState,
    username: Option<&str>,
    address: IpAddr,
) -> Result<(), ApiError> {
    state
        .throttle()
        .begin_attempt(username, address, Instant::now())
        .map_err(|paused| {
            state.metrics.login_refused.inc();
            let minutes = paused.wait().as_secs().div_ceil(60);
            let detail = match paused {
                Paused::Account(_) => {
                    tracing::warn!(username = username.unwrap_or_default(), client = %address,
                                   "password attempts paused: too many failures");
                    format!(
                        "Too many failed password attempts for this username from this device. \
                         Wait {minutes} minute(s) and try again, or ask an administrator to reset \
                         the password."
                    )
                }
                Paused::Address(_) => {
                    tracing::warn!(client = %address, "sign-in paused for a client address: too many failures");
                    format!(
                        "Too many failed sign-ins from this device. Wait {minutes} minute(s) and \
                         try again."
                    )
                }
            };
            ApiError::TooManyRequests {
                detail,
                retry_after: paused.wait(),
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
    let (user, board) = organisation::own_account(&state.env, &auth.acting()).await?;
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
    req: HttpRequest,
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
    let credentials = organisation::credentials(&state.env, username)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let address = client_address(&req);
    admit_attempt(&state, Some(&auth.principal.username), address)?;
    let stored = credentials.password_hash.clone();
    let current_ok = state
        .passwords
        .run(move || password::verify(&current_password, &stored))
        .await?;
    if current_ok {
        state
            .throttle()
            .record_success(&auth.principal.username, address);
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
    let hash = state
        .passwords
        .run(move || password::hash(&new_password))
        .await??;
    let (user, version) =
        organisation::change_own_password(&state.env, &auth.acting(), hash).await?;
    let issued = state
        .tokens
        .issue(user.id, user.role, user.board_id, version, state.now())?;
    Ok(web::Json(LoginResponse {
        access_token: issued.token,
        token_type: "Bearer".to_owned(),
        expires_at: issued.expires_at,
        expires_in: state.tokens.ttl().as_secs() as i64,
        user: UserView::from(&user),
    }))
}
