//! The one error type of the HTTP edge, rendered as RFC 9457 problem+json.
//!
//! Every variant says its status and stable `code`. Bad input is always a 4xx
//! with a sentence that says what was wrong and what to do; anything
//! unexpected is logged with the request id and answered with an opaque 500
//! that carries the same request id, never SQL text or a stack trace.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::ParseError;
use crate::http::observe::current_request_id;

/// A problem detail (RFC 9457), served as `application/problem+json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI naming the problem type: `urn:sharedoffice:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case and what to do about it.
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`.
    pub code: String,
    /// Field-level errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Ids of the bookings a change would collide with (e.g. a maintenance
    /// window over confirmed trips).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clashing_bookings: Vec<uuid::Uuid>,
    /// The budget position behind a `budget_exceeded` refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<crate::ops::ledger::budget::BudgetShortfall>,
    /// The claim lines behind an `over_norm` refusal: each line's norm, what
    /// it claims and what the norm allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub over_norm: Vec<crate::ops::ledger::expenses::OverNormLine>,
    /// The idle assets behind an `idle_asset_available` refusal: transfer
    /// one of them instead of buying.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub idle_assets: Vec<crate::ops::assets::IdleAsset>,
    /// The request id (also in the `X-Request-Id` header); quote it when
    /// reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `board_id` or `lines[2].amount`.
    pub field: String,
    /// Stable machine-readable code, e.g. `too_long`.
    pub code: String,
    /// What is wrong with the value and what would be accepted.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn from_parse(field: &str, e: ParseError) -> Self {
        Self::new(field, e.code, e.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (not JSON, empty body, bad query).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 422 `validation_failed`: the request was read but values were refused.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 401: no valid sign-in.
    #[error("{detail}")]
    Unauthenticated { code: &'static str, detail: String },
    /// 403 `forbidden`: signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404 `not_found`: no such record, or not one the caller may see.
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with the current state.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 409 with the ids of the bookings the change would collide with.
    #[error("{detail}")]
    Clashes {
        code: &'static str,
        detail: String,
        bookings: Vec<uuid::Uuid>,
    },
    /// 409 `budget_exceeded`: a `stop` budget line has not enough available.
    #[error("{detail}")]
    BudgetExceeded {
        detail: String,
        budget: Box<crate::ops::ledger::budget::BudgetShortfall>,
    },
    /// 422 `over_norm`: expense claim lines exceed their spending norms.
    #[error("{detail}")]
    OverNorm {
        detail: String,
        lines: Vec<crate::ops::ledger::expenses::OverNormLine>,
    },
    /// 409 `idle_asset_available`: idle assets of the category can be
    /// transferred instead of buying; they are listed.
    #[error("{detail}")]
    IdleAssets {
        detail: String,
        assets: Vec<crate::ops::assets::IdleAsset>,
    },
    /// 422 `import_rejected`: rows of an imported file have problems;
    /// nothing was imported. Each problem is in `errors`.
    #[error("{} problem(s) in the file; nothing was imported", .0.problems_total)]
    ImportRejected(Box<crate::ops::import::ImportReport>),
    /// 413 `payload_too_large`.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415 `unsupported_media_type`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 405 `method_not_allowed`: the address exists, but not for this
    /// method; `allow` lists the methods it has (the `Allow` header).
    #[error("{detail}")]
    MethodNotAllowed { detail: String, allow: String },
    /// 429 `too_many_attempts`, with `Retry-After`.
    #[error("{detail}")]
    TooManyRequests {
        detail: String,
        retry_after: Duration,
    },
    /// 503 `unavailable`: the database cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// 503 `busy`, with `Retry-After`: the server is at the limit of work
    /// of this kind it takes at once (password checks).
    #[error("{detail}")]
    Busy {
        detail: String,
        retry_after: Duration,
    },
    /// 500 `internal_error`: a fault of ours; details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn validation(field: &str, e: ParseError) -> Self {
        ApiError::Validation(vec![FieldError::from_parse(field, e)])
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!(
            "No {what} with that id exists, or it is not visible to you. Check the id."
        ))
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthenticated { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Clashes { code, .. } => code,
            ApiError::Validation(_) => "validation_failed",
            ApiError::BudgetExceeded { .. } => "budget_exceeded",
            ApiError::OverNorm { .. } => "over_norm",
            ApiError::IdleAssets { .. } => "idle_asset_available",
            ApiError::ImportRejected(_) => "import_rejected",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::TooManyRequests { .. } => "too_many_attempts",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Busy { .. } => "busy",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Validation(errors) if errors.len() == 1 => errors[0].message.clone(),
            ApiError::Validation(errors) => format!(
                "{} fields were refused; see `errors` for each field and what is accepted.",
                errors.len()
            ),
            ApiError::ImportRejected(r) => format!(
                "The file has {} problem(s){}; nothing was imported. Correct the rows listed in \
                 `errors` and send the file again, or send skip_bad_rows=true to import the \
                 other rows.",
                r.problems_total,
                if r.problems_total > r.problems.len() {
                    format!(" (the first {} are listed)", r.problems.len())
                } else {
                    String::new()
                }
            ),
            ApiError::Internal(_) => "Something went wrong on our side; nothing was changed. \
                 Try again, and if it happens again report the request id."
                .to_owned(),
            other => other.to_string(),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let code = self.code();
        Problem {
            type_: format!("urn:sharedoffice:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: code.to_owned(),
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                ApiError::ImportRejected(r) => r
                    .problems
                    .iter()
                    .map(|p| {
                        let field = match (p.row, p.field.is_empty()) {
                            (0, _) => "body".to_owned(),
                            (1, false) => format!("header.{}", p.field),
                            (1, true) => "header".to_owned(),
                            (row, true) => format!("rows[{row}]"),
                            (row, false) => format!("rows[{row}].{}", p.field),
                        };
                        FieldError::new(field, p.code.clone(), p.sentence())
                    })
                    .collect(),
                ApiError::OverNorm { lines, .. } => lines
                    .iter()
                    .map(|l| {
                        FieldError::new(
                            format!("lines[{}].unit_amount", l.line),
                            "over_norm",
                            format!(
                                "{} × {} = {} claimed; norm {} allows {} per unit, {} in all.",
                                l.quantity,
                                l.unit_amount,
                                l.claimed,
                                l.norm,
                                l.norm_amount,
                                l.allowed
                            ),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            },
            clashing_bookings: match self {
                ApiError::Clashes { bookings, .. } => bookings.clone(),
                _ => Vec::new(),
            },
            budget: match self {
                ApiError::BudgetExceeded { budget, .. } => Some((**budget).clone()),
                _ => None,
            },
            over_norm: match self {
                ApiError::OverNorm { lines, .. } => lines.clone(),
                _ => Vec::new(),
            },
            idle_assets: match self {
                ApiError::IdleAssets { assets, .. } => assets.clone(),
                _ => Vec::new(),
            },
            request_id: current_request_id(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::OverNorm { .. } | ApiError::ImportRejected(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. }
            | ApiError::Clashes { .. }
            | ApiError::BudgetExceeded { .. }
            | ApiError::IdleAssets { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            ApiError::TooManyRequests { retry_after, .. } | ApiError::Busy { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.as_secs().max(1)));
            }
            ApiError::Unauthenticated { .. } => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<DieselError> for ApiError {
    fn from(e: DieselError) -> Self {
        match &e {
            DieselError::NotFound => ApiError::NotFound(
                "The record was not found; it may have been removed meanwhile.".to_owned(),
            ),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict(
                    "duplicate",
                    "A record with the same code or name already exists. Choose another value.",
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                ApiError::conflict(
                    "reference_invalid",
                    "The record refers to something that does not exist, or is still referred \
                     to by other records.",
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                tracing::warn!(
                    constraint = info.constraint_name(),
                    "check constraint refused a write"
                );
                ApiError::Validation(vec![FieldError::new(
                    "",
                    "constraint_violated",
                    "The values break a rule of the register. Check them and try again.",
                )])
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::conflict(
                    "concurrent_change",
                    "Someone else changed the same records at the same moment. Try again.",
                )
            }
            // PostgreSQL broke a lock cycle between concurrent transactions
            // (SQLSTATE 40P01); nothing was changed by this one.
            DieselError::DatabaseError(_, info) if info.message().contains("deadlock detected") => {
                ApiError::conflict(
                    "concurrent_change",
                    "Someone else changed the same records at the same moment. Try again.",
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                ApiError::Unavailable(
                    "The database connection was lost. Try again in a moment.".to_owned(),
                )
            }
            _ => ApiError::Internal(anyhow::Error::new(e).context("database error")),
        }
    }
}

impl From<crate::storage::DbError> for ApiError {
    fn from(e: crate::storage::DbError) -> Self {
        use crate::storage::DbError;
        match e {
            DbError::Unreachable(e) => e.into(),
            DbError::NotSaved => ApiError::Unavailable(
                "The change could not be saved; nothing was changed. Try again.".to_owned(),
            ),
            DbError::Fault(what) => ApiError::Internal(anyhow::anyhow!(what)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "no database connection available");
        ApiError::Unavailable(
            "The database is not reachable right now. Try again in a minute.".to_owned(),
        )
    }
}

impl From<crate::auth::hashing::Saturated> for ApiError {
    fn from(_: crate::auth::hashing::Saturated) -> Self {
        ApiError::Busy {
            detail: "The server is checking many passwords at this moment. Wait a second and \
                     try again."
                .to_owned(),
            retry_after: Duration::from_secs(1),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// Collects field errors while parsing a request into domain values, so a
/// clerk learns about every refused field at once, not one per attempt.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records why `field` was refused.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ParseError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError::from_parse(field, e));
                None
            }
        }
    }

    /// Like [`check`](Self::check) for optional inputs: `None` stays `None`.
    pub fn check_opt<T>(
        &mut self,
        field: &str,
        result: Option<Result<T, ParseError>>,
    ) -> Option<Option<T>> {
        match result {
            None => Some(None),
            Some(r) => self.check(field, r).map(Some),
        }
    }

    pub fn push(&mut self, field: &str, e: ParseError) {
        self.0.push(FieldError::from_parse(field, e));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was refused.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors.0)
    }
}

impl From<crate::ops::import::ImportError> for ApiError {
    fn from(e: crate::ops::import::ImportError) -> Self {
        use crate::ops::import::ImportError;
        match e {
            ImportError::Rejected(report) => ApiError::ImportRejected(report),
            ImportError::Op(e) => e.into(),
            ImportError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<crate::ops::OpError> for ApiError {
    fn from(e: crate::ops::OpError) -> Self {
        use crate::ops::OpError;
        match e {
            OpError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            OpError::NotFound(what) => ApiError::not_found(&what),
            OpError::Forbidden(why) => ApiError::Forbidden(why),
            OpError::Output(what) => ApiError::Internal(anyhow::anyhow!(what)),
            OpError::Invalid { field, error } => ApiError::validation(field, error),
            OpError::Clashes {
                code,
                detail,
                bookings,
            } => ApiError::Clashes {
                code,
                detail,
                bookings,
            },
            OpError::BudgetExceeded { detail, budget } => {
                ApiError::BudgetExceeded { detail, budget }
            }
            OpError::Fields(fields) => ApiError::Validation(
                fields
                    .into_iter()
                    .map(|(field, e)| FieldError::from_parse(&field, e))
                    .collect(),
            ),
            OpError::OverNorm { detail, lines } => ApiError::OverNorm { detail, lines },
            OpError::IdleAssetsAvailable { detail, assets } => {
                ApiError::IdleAssets { detail, assets }
            }
            OpError::Db(e) => e.into(),
            OpError::Store(e) => e.into(),
        }
    }
}
