//! The audit log, for administrators and managers.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::audit::AuditEntry;
use crate::domain::page::PageLimit;
use crate::domain::time_range::parse_instant;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{AuditReaders, Auth};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::storage::audit;

#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The user who made the change; absent for the command line and system.
    pub actor_id: Option<Uuid>,
    /// Username, `cli:<os user>` or `system`.
    pub actor: String,
    /// `create`, `update`, `deactivate`, `activate`, `password_change`, …
    pub action: String,
    /// `board`, `user`, …
    pub entity_type: String,
    pub entity_id: Uuid,
    pub board_id: Option<Uuid>,
    /// The entity before the change.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entity after the change.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor: e.actor,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            board_id: e.board_id,
            before: e.before,
            after: e.after,
            request_id: e.request_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntryView>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `board`, `user`.
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub board_id: Option<Uuid>,
    /// Entries at or after this instant (RFC 3339, e.g. `2026-11-01T00:00:00+07:00`;
    /// encode `+` as `%2B`).
    pub from: Option<String>,
    /// Entries before this instant (RFC 3339).
    pub to: Option<String>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audit trail, newest first: every change with who, when, and the
/// entity before and after.
#[utoipa::path(
    tag = "organisation",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries", body = AuditList),
        (status = 403, description = "Only administrators and managers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    _auth: Auth<AuditReaders>,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditList>, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", PageLimit::parse(query.limit));
    let from = errors.check_opt("from", query.from.as_deref().map(parse_instant));
    let to = errors.check_opt("to", query.to.as_deref().map(parse_instant));
    let cursor = errors.check_opt(
        "cursor",
        query.cursor.as_deref().map(|c| {
            Uuid::parse_str(c).map_err(|_| {
                ParseError::new(
                    "invalid_cursor",
                    "The cursor is not one this list gave out; start again without it.",
                )
            })
        }),
    );
    let (Some(limit), Some(from), Some(to), Some(cursor)) = (limit, from, to, cursor) else {
        return Err(errors.into());
    };
    let limit = limit.get();
    let filter = audit::AuditFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        board_id: query.board_id,
        from,
        to,
        before_id: cursor,
    };
    let items = crate::ops::organisation::audit_entries(&state.env, filter, limit).await?;
    Ok(web::Json(AuditList {
        next_cursor: next_cursor(&items, limit, |e| e.id.to_string()),
        items: items.into_iter().map(AuditEntryView::from).collect(),
    }))
}
