//! Asset requests from boards: procurement, repair or transfer_in. Filed
//! by a board's clerk (or by finance or a manager for any board), approved
//! or rejected by finance or a manager, fulfilled by finance.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::access::{Filing, Principal};
use crate::domain::assets::{AssetCode, CategoryCode, RequestKind, RequestStatus};
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{AssetDeciders, AssetRequesters, Auth, FinanceDesk};
use crate::http::state::AppState;
use crate::ops::assets::requests::{self as ops, Codes, Fulfilment, NewRequest, Shown, Step};
use crate::ops::ledger::budget::BudgetShortfall;
use crate::storage::assets::requests::{AssetRequest, RequestFilter};

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetRequestView {
    pub id: Uuid,
    /// procurement, repair or transfer_in.
    pub kind: String,
    pub board_id: Uuid,
    #[schema(example = "projector")]
    pub category: String,
    /// The asset repaired or taken over; for a fulfilled purchase, the new
    /// asset.
    pub asset_id: Option<Uuid>,
    #[schema(example = "9050")]
    pub budget_line: String,
    /// The estimate, committed on approval.
    #[schema(value_type = String, example = "18000000")]
    pub amount: Money,
    pub description: String,
    pub buy_anyway: bool,
    /// submitted, approved, fulfilled or rejected.
    pub status: String,
    pub submitted_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub fulfilled_by: Option<Uuid>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// What fulfilment cost.
    #[schema(value_type = Option<String>)]
    pub cost: Option<Money>,
    /// The entry that posted the cost.
    pub journal_entry_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// `warn` budget lines taken beyond what was available.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budget_warnings: Vec<BudgetShortfall>,
}

fn view(r: &AssetRequest, c: &Codes, warnings: Vec<BudgetShortfall>) -> AssetRequestView {
    AssetRequestView {
        id: r.id,
        kind: r.kind.as_str().to_owned(),
        board_id: r.board_id,
        category: c
            .categories
            .get(&r.category_id)
            .cloned()
            .unwrap_or_default(),
        asset_id: r.asset_id,
        budget_line: c.lines.get(&r.budget_line_id).cloned().unwrap_or_default(),
        amount: r.amount,
        description: r.description.clone(),
        buy_anyway: r.buy_anyway,
        status: r.status.as_str().to_owned(),
        submitted_by: r.submitted_by,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
        decision_reason: r.decision_reason.clone(),
        fulfilled_by: r.fulfilled_by,
        fulfilled_at: r.fulfilled_at,
        cost: r.cost,
        journal_entry_id: r.journal_entry_id,
        created_at: r.created_at,
        budget_warnings: warnings,
    }
}

/// The view of the one request an operation returned.
fn one(shown: Shown) -> AssetRequestView {
    view(&shown.request, &shown.codes, shown.warnings)
}

#[derive(Serialize, ToSchema)]
pub struct AssetRequestList {
    pub items: Vec<AssetRequestView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetRequestQuery {
    /// submitted, approved, fulfilled or rejected.
    pub status: Option<String>,
    /// procurement, repair or transfer_in.
    pub kind: Option<String>,
    /// Clerks see only their own board.
    pub board_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Asset requests in filing order (clerks: their own board's).
#[utoipa::path(
    tag = "assets",
    params(AssetRequestQuery),
    responses(
        (status = 200, description = "Requests", body = AssetRequestList),
        (status = 403, description = "Not a clerk, finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/asset-requests")]
pub async fn list_requests(
    auth: Auth<AssetRequesters>,
    state: web::Data<AppState>,
    query: web::Query<AssetRequestQuery>,
) -> Result<web::Json<AssetRequestList>, ApiError> {
    let (search, limit) = query.into_inner().parse()?;
    let listed = ops::list(&state.env, &auth.acting(), search, limit).await?;
    Ok(web::Json(AssetRequestList {
        next_cursor: crate::http::routes::next_cursor(&listed.requests, limit, |r| {
            r.id.to_string()
        }),
        items: listed
            .requests
            .iter()
            .map(|r| view(r, &listed.codes, vec![]))
            .collect(),
    }))
}

impl AssetRequestQuery {
    fn parse(self) -> Result<(RequestFilter, i64), ApiError> {
        let q = self;
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(q.limit));
        let status = errors.check_opt("status", q.status.as_deref().map(RequestStatus::parse));
        let kind = errors.check_opt("kind", q.kind.as_deref().map(RequestKind::parse));
        let after = errors.check_opt(
            "cursor",
            q.cursor.as_deref().map(|c| {
                Uuid::parse_str(c).map_err(|_| {
                    ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.")
                })
            }),
        );
        let (Some(limit), Some(status), Some(kind), Some(after)) = (limit, status, kind, after)
        else {
            return Err(errors.into());
        };
        let search = RequestFilter {
            board_id: q.board_id,
            status,
            kind,
            after,
        };
        Ok((search, limit.get()))
    }
}

/// One asset request.
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = AssetRequestView),
        (status = 403, description = "Not a clerk, finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or another board's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/asset-requests/{id}")]
pub async fn get_request(
    auth: Auth<AssetRequesters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<AssetRequestView>, ApiError> {
    let shown = ops::get(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(one(shown)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssetRequest {
    /// procurement, repair or transfer_in.
    #[schema(example = "procurement")]
    pub kind: String,
    /// Clerks leave it out (their own board); finance and managers give it.
    pub board_id: Option<Uuid>,
    /// Procurement: the category to buy (e.g. projector).
    pub category: Option<String>,
    /// Repair: the board's asset; transfer_in: the idle asset wanted.
    pub asset_id: Option<Uuid>,
    /// Budget line code; 9050 for procurement, 6900 otherwise when left out.
    pub budget_line: Option<String>,
    /// The estimate to commit on approval: more than 0 for procurement and
    /// repair; a transfer may cost nothing (default 0).
    #[schema(example = "18000000")]
    pub amount: Option<String>,
    #[schema(example = "Máy chiếu cho phòng họp Ban")]
    pub description: String,
    /// Procurement only: buy even though idle assets of the category exist.
    #[serde(default)]
    pub buy_anyway: bool,
}

/// File an asset request. A purchase of a category that has idle assets is
/// answered 409 `idle_asset_available` listing them in `idle_assets`
/// (request a transfer_in of one, or file again with `buy_anyway: true`).
#[utoipa::path(
    tag = "assets",
    request_body = CreateAssetRequest,
    responses(
        (status = 201, description = "Filed as submitted", body = AssetRequestView),
        (status = 403, description = "Not a clerk, finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idle assets of the category (`idle_asset_available`), the asset is disposed (`asset_disposed`) or no longer idle (`asset_not_idle`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/asset-requests")]
pub async fn create_request(
    auth: Auth<AssetRequesters>,
    state: web::Data<AppState>,
    body: Json<CreateAssetRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse(&auth.principal)?;
    let v = one(ops::file(&state.env, &auth.acting(), new).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/asset-requests/{}", v.id)))
        .json(v))
}

impl CreateAssetRequest {
    fn parse(self, principal: &Principal) -> Result<NewRequest, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let board_id = errors.check(
            "board_id",
            principal.filing_board(b.board_id, Filing::AssetRequest),
        );
        let kind = errors.check("kind", RequestKind::parse(&b.kind));
        let category = errors.check_opt("category", b.category.as_deref().map(CategoryCode::parse));
        let line = errors.check_opt(
            "budget_line",
            b.budget_line.as_deref().map(BudgetLineCode::parse),
        );
        let amount = errors.check_opt(
            "amount",
            b.amount
                .as_deref()
                .map(|a| Money::parse_not_negative(a, "The estimate cannot be negative.")),
        );
        let description = errors.check(
            "description",
            text::bounded("Description", &b.description, 1, 500),
        );
        let (
            Some(board_id),
            Some(kind),
            Some(category),
            Some(line),
            Some(amount),
            Some(description),
        ) = (board_id, kind, category, line, amount, description)
        else {
            return Err(errors.into());
        };
        Ok(NewRequest {
            kind,
            board_id,
            category,
            asset_id: b.asset_id,
            budget_line: line,
            amount: amount.unwrap_or(Money::ZERO),
            description,
            buy_anyway: b.buy_anyway,
        })
    }
}

/// Approve a submitted request (finance, managers): the estimate is
/// committed on the request's budget line after the budget check (409
/// `budget_exceeded` on a `stop` line, `budget_warnings` on a `warn`
/// line). A purchase is checked again for idle assets; a repair's asset
/// goes under_repair.
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Approved", body = AssetRequestView),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted (`invalid_transition`), budget exceeded, idle assets available, the asset disposed or no longer idle", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/asset-requests/{id}/approve")]
pub async fn approve_request(
    auth: Auth<AssetDeciders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<AssetRequestView>, ApiError> {
    let shown = ops::step(&state.env, &auth.acting(), id.into_inner(), Step::Approve).await?;
    Ok(web::Json(one(shown)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectAssetRequest {
    /// Why, in words the board understands.
    pub reason: String,
}

/// Reject a submitted or approved request with a reason (finance,
/// managers); an approved request's commitment is released.
#[utoipa::path(
    tag = "assets",
    request_body = RejectAssetRequest,
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Rejected", body = AssetRequestView),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already fulfilled or rejected (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/asset-requests/{id}/reject")]
pub async fn reject_request(
    auth: Auth<AssetDeciders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<RejectAssetRequest>,
) -> Result<web::Json<AssetRequestView>, ApiError> {
    let reason = text::bounded("Reason", &body.into_inner().reason, 1, 500)
        .map_err(|e| ApiError::validation("reason", e))?;
    let step = Step::Reject { reason };
    let shown = ops::step(&state.env, &auth.acting(), id.into_inner(), step).await?;
    Ok(web::Json(one(shown)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FulfilAssetRequest {
    /// What it actually cost; the approved estimate when left out.
    pub cost: Option<String>,
    /// Procurement: the new asset's label code.
    pub code: Option<String>,
    /// Procurement: the new asset's name.
    pub name: Option<String>,
    /// Procurement: where it is put; transfer_in: the new location (kept
    /// when left out).
    pub location: Option<String>,
    /// Procurement: the purchase date, not after today (default today).
    pub acquired_on: Option<NaiveDate>,
}

/// Fulfil an approved request (finance). Procurement enters the new asset
/// and posts the purchase (debit 211 / credit 331 and debit 611 / credit
/// 366); transfer_in moves the idle asset into the board's custody (a cost
/// is posted debit 611 / credit 331); repair posts its cost (debit 611 /
/// credit 331) and returns the asset to use. The commitment is settled.
#[utoipa::path(
    tag = "assets",
    request_body = FulfilAssetRequest,
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Fulfilled", body = AssetRequestView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved (`invalid_transition`), budget exceeded, the code taken, the asset disposed or no longer idle, or the month closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/asset-requests/{id}/fulfil")]
pub async fn fulfil_request(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<FulfilAssetRequest>,
) -> Result<web::Json<AssetRequestView>, ApiError> {
    let step = Step::Fulfil(body.into_inner().parse()?);
    let shown = ops::step(&state.env, &auth.acting(), id.into_inner(), step).await?;
    Ok(web::Json(one(shown)))
}

impl FulfilAssetRequest {
    fn parse(self) -> Result<Fulfilment, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let cost = errors.check_opt(
            "cost",
            b.cost
                .as_deref()
                .map(|a| Money::parse_not_negative(a, "The cost cannot be negative.")),
        );
        let code = errors.check_opt("code", b.code.as_deref().map(AssetCode::parse));
        let name = errors.check_opt(
            "name",
            b.name.as_deref().map(|n| text::bounded("Name", n, 1, 200)),
        );
        let location = errors.check_opt(
            "location",
            b.location
                .as_deref()
                .map(|l| text::bounded("Location", l, 1, 200)),
        );
        let (Some(cost), Some(code), Some(name), Some(location)) = (cost, code, name, location)
        else {
            return Err(errors.into());
        };
        Ok(Fulfilment {
            cost,
            code,
            name,
            location,
            acquired_on: b.acquired_on,
        })
    }
}
