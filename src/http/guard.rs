//! Authentication and role checks as extractors.
//!
//! A handler states who may call it in its signature — `auth: Auth<Admins>` —
//! and cannot run otherwise: the token is checked (signature, algorithm,
//! expiry), the account is loaded (it must still be active and the token's
//! version current), and the role must be in the set. Board scoping follows
//! from [`Principal::board_scope`], which storage list functions require.

use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::auth::token::TokenError;
use crate::domain::access::Principal;
use crate::domain::audit::Actor;
use crate::domain::user::Role;
use crate::http::error::ApiError;
use crate::http::observe::current_request_id;
use crate::http::state::AppState;

/// A set of roles allowed to call an endpoint.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// Every signed-in user.
pub struct AnyRole;
impl RoleSet for AnyRole {
    const ROLES: &'static [Role] = &Role::ALL;
}

/// The system administrator only.
pub struct Admins;
impl RoleSet for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Readers of the audit log: administrators and managers.
pub struct AuditReaders;
impl RoleSet for AuditReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Manager];
}

/// Readers of user accounts: administrators and managers (all boards), and
/// clerks (their own board's colleagues).
pub struct UserReaders;
impl RoleSet for UserReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Manager, Role::Clerk];
}

/// The fleet desk: dispatchers, and administrators.
pub struct FleetDesk;
impl RoleSet for FleetDesk {
    const ROLES: &'static [Role] = &[Role::Dispatcher, Role::Admin];
}

/// Who may import registers: the fleet desk (vehicles, drivers), finance
/// (assets, opening balances) and administrators (all).
pub struct Importers;
impl RoleSet for Importers {
    const ROLES: &'static [Role] = &[Role::Dispatcher, Role::Finance, Role::Admin];
}

/// Office staff and board clerks: everyone except drivers.
pub struct Staff;
impl RoleSet for Staff {
    const ROLES: &'static [Role] = &[
        Role::Clerk,
        Role::Dispatcher,
        Role::Finance,
        Role::Manager,
        Role::Admin,
    ];
}

/// Who may request trips: clerks (own board) and the fleet desk (any board).
pub struct Bookers;
impl RoleSet for Bookers {
    const ROLES: &'static [Role] = &[Role::Clerk, Role::Dispatcher];
}

/// Who approves what policy sends to approval.
pub struct Approvers;
impl RoleSet for Approvers {
    const ROLES: &'static [Role] = &[Role::Manager];
}

/// Who may reject a request.
pub struct Rejecters;
impl RoleSet for Rejecters {
    const ROLES: &'static [Role] = &[Role::Dispatcher, Role::Manager];
}

/// Who assigns vehicles and drivers by hand.
pub struct Dispatchers;
impl RoleSet for Dispatchers {
    const ROLES: &'static [Role] = &[Role::Dispatcher];
}

/// Who may cancel: the requesting board's clerks, the fleet desk, managers.
pub struct Cancellers;
impl RoleSet for Cancellers {
    const ROLES: &'static [Role] = &[Role::Clerk, Role::Dispatcher, Role::Manager];
}

/// Who records a trip: its driver, or the fleet desk.
pub struct TripCrew;
impl RoleSet for TripCrew {
    const ROLES: &'static [Role] = &[Role::Driver, Role::Dispatcher];
}

/// The signed-in caller, admitted because their role is in `R`.
/// The finance officer.
pub struct FinanceDesk;
impl RoleSet for FinanceDesk {
    const ROLES: &'static [Role] = &[Role::Finance];
}

/// Readers of the whole ledger: finance and managers.
pub struct LedgerReaders;
impl RoleSet for LedgerReaders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager];
}

/// Readers of budget positions: finance and managers (all boards), clerks
/// (their own board).
pub struct BudgetReaders;
impl RoleSet for BudgetReaders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager, Role::Clerk];
}

/// Who files expense claims: clerks (own board), finance (any board), and
/// managers (any board; only they may override a spending norm).
pub struct Claimants;
impl RoleSet for Claimants {
    const ROLES: &'static [Role] = &[Role::Clerk, Role::Finance, Role::Manager];
}

/// Readers of expense claims: finance and managers (all boards), clerks
/// (their own board).
pub struct ExpenseReaders;
impl RoleSet for ExpenseReaders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager, Role::Clerk];
}

/// Readers of the asset register: finance, managers and administrators
/// (every asset), clerks (their board's assets and the idle pool).
pub struct AssetReaders;
impl RoleSet for AssetReaders {
    const ROLES: &'static [Role] = &[Role::Clerk, Role::Finance, Role::Manager, Role::Admin];
}

/// Who moves assets between boards and decides asset requests: finance
/// and managers.
pub struct AssetDeciders;
impl RoleSet for AssetDeciders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager];
}

/// Readers of the asset-utilisation report: finance and managers. It
/// compares every board's holdings and requests, so clerks (own board
/// only elsewhere) do not read it.
pub struct AssetReportReaders;
impl RoleSet for AssetReportReaders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager];
}

/// Who files and reads asset requests: clerks (own board), finance and
/// managers (any board).
pub struct AssetRequesters;
impl RoleSet for AssetRequesters {
    const ROLES: &'static [Role] = &[Role::Clerk, Role::Finance, Role::Manager];
}

/// Who reads stocktakes and records counts: finance and managers (read)
/// for every board, clerks for their own board's stocktakes.
pub struct StocktakeReaders;
impl RoleSet for StocktakeReaders {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Manager, Role::Clerk];
}

/// Who records counts: finance, and clerks in their own board's stocktakes.
pub struct StocktakeCounters;
impl RoleSet for StocktakeCounters {
    const ROLES: &'static [Role] = &[Role::Finance, Role::Clerk];
}

/// The sign-in check of a request while it is under way. Extractors run
/// together; what reads the body waits for this check before refusing the
/// body ([`SignInCheck::settled`]), so a caller who may not use the
/// endpoint (no token, a revoked one, the wrong role) is told that, never
/// the body's rules — whichever of the two finishes first.
#[derive(Default)]
pub struct SignInCheck {
    done: Cell<bool>,
    notify: tokio::sync::Notify,
}

impl SignInCheck {
    /// Waits until the request's sign-in check, if it has one, is decided.
    pub async fn settled(req: &HttpRequest) {
        let check = req.extensions().get::<Rc<SignInCheck>>().cloned();
        if let Some(check) = check {
            let notified = check.notify.notified();
            if !check.done.get() {
                notified.await;
            }
        }
    }

    fn finish(&self) {
        self.done.set(true);
        self.notify.notify_waiters();
    }
}

pub struct Auth<R: RoleSet = AnyRole> {
    pub principal: Principal,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> Auth<R> {
    /// The actor to record in the audit log for changes made by this request.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.principal.user_id),
            name: self.principal.username.clone(),
            request_id: current_request_id(),
        }
    }

    /// The caller as operations take them.
    pub fn acting(&self) -> crate::ops::Acting {
        crate::ops::Acting {
            principal: self.principal.clone(),
            actor: self.actor(),
        }
    }
}

fn unauthenticated(code: &'static str, detail: &str) -> ApiError {
    ApiError::Unauthenticated {
        code,
        detail: detail.to_owned(),
    }
}

fn forbidden<R: RoleSet>(role: Role) -> ApiError {
    let allowed: Vec<&str> = R::ROLES.iter().map(|r| r.as_str()).collect();
    ApiError::Forbidden(format!(
        "This is for the role(s) {}; you are signed in as {}. Ask an administrator if you need it.",
        allowed.join(", "),
        role
    ))
}

/// The token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        unauthenticated(
            "missing_token",
            "Sign in first: send the token from POST /api/v1/auth/login in the header \
                 'Authorization: Bearer <token>'.",
        )
    })?;
    let value = value.to_str().unwrap_or("");
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(unauthenticated(
            "invalid_token",
            "The Authorization header must read 'Bearer <token>'. Sign in again to get a token.",
        )),
    }
}

impl<R: RoleSet + 'static> FromRequest for Auth<R> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The token is checked before anything else of the request is read
        // (extractors run together; this one fails first because it fails
        // without waiting). Whether its account still holds it is asked of
        // the database before its role, so a revoked token is told to sign
        // in again (401), never that its old role may not do this (403).
        let checked = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState missing")))
            .and_then(|state| {
                let claims = state.tokens.verify(&bearer_token(req)?, state.now()).map_err(|e| match e {
                    TokenError::Expired => unauthenticated(
                        "token_expired",
                        "Your sign-in has expired. Sign in again to continue.",
                    ),
                    TokenError::Invalid => unauthenticated(
                        "invalid_token",
                        "The token is not valid for this service. Sign in again to get a new one.",
                    ),
                })?;
                match Role::parse(&claims.role) {
                    Ok(_) => Ok((state, claims)),
                    Err(_) => Err(unauthenticated(
                        "invalid_token",
                        "The token is not valid for this service. Sign in again to get a new one.",
                    )),
                }
            });
        let check = Rc::new(SignInCheck::default());
        req.extensions_mut().insert(check.clone());
        Box::pin(async move {
            let verdict = admit::<R>(checked).await;
            check.finish();
            verdict
        })
    }
}

/// The account behind verified claims: still holding this token (else 401
/// `token_revoked`), then of a role in `R` (else 403).
async fn admit<R: RoleSet>(
    checked: Result<(web::Data<AppState>, crate::auth::token::Claims), ApiError>,
) -> Result<Auth<R>, ApiError> {
    let (state, claims) = checked?;
    let principal = crate::ops::organisation::signed_in(&state.env, claims.sub, claims.ver)
        .await?
        .ok_or_else(|| {
            unauthenticated(
                "token_revoked",
                "This sign-in is no longer valid: the password was changed or the \
                 account was changed or deactivated. Sign in again.",
            )
        })?;
    if !R::ROLES.contains(&principal.role) {
        return Err(forbidden::<R>(principal.role));
    }
    Ok(Auth {
        principal,
        _roles: PhantomData,
    })
}
