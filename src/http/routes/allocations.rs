//! Budget allocations per fiscal year × board × budget line.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, BudgetReaders, FinanceDesk};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::ledger::chart::{self as ops, AllocationChange, AllocationSearch};
use crate::storage::ledger::allocations::Allocation;

#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationView {
    pub id: Uuid,
    pub fiscal_year: i32,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    /// Positive raises the budget, negative lowers it.
    #[schema(value_type = String, example = "50000000")]
    pub amount: Money,
    pub reason: String,
    pub created_by: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&Allocation> for AllocationView {
    fn from(a: &Allocation) -> Self {
        Self {
            id: a.id,
            fiscal_year: a.fiscal_year,
            board_id: a.board_id,
            budget_line_id: a.budget_line_id,
            amount: a.amount,
            reason: a.reason.clone(),
            created_by: a.created_by,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AllocationList {
    pub items: Vec<AllocationView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AllocationQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i64>,
    /// Clerks see only their own board.
    pub board_id: Option<Uuid>,
    /// Budget line code, e.g. 6700.
    pub budget_line: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Allocation entries (every increase and decrease, with its reason).
#[utoipa::path(
    tag = "ledger",
    params(AllocationQuery),
    responses(
        (status = 200, description = "Allocations", body = AllocationList),
        (status = 403, description = "Not finance, a manager or a clerk", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/allocations")]
pub async fn list_allocations(
    auth: Auth<BudgetReaders>,
    state: web::Data<AppState>,
    query: web::Query<AllocationQuery>,
) -> Result<web::Json<AllocationList>, ApiError> {
    let (search, limit) = query.into_inner().parse()?;
    let items = ops::allocations(&state.env, &auth.acting(), search, limit).await?;
    Ok(web::Json(AllocationList {
        next_cursor: next_cursor(&items, limit, |a| a.id.to_string()),
        items: items.iter().map(AllocationView::from).collect(),
    }))
}

impl AllocationQuery {
    fn parse(self) -> Result<(AllocationSearch, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let year = errors.check_opt("fiscal_year", self.fiscal_year.map(FiscalYear::new));
        let line = errors.check_opt(
            "budget_line",
            self.budget_line.as_deref().map(BudgetLineCode::parse),
        );
        let after = errors.check_opt(
            "cursor",
            self.cursor.as_deref().map(|c| {
                Uuid::parse_str(c).map_err(|_| {
                    ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.")
                })
            }),
        );
        let (Some(limit), Some(fiscal_year), Some(budget_line), Some(after)) =
            (limit, year, line, after)
        else {
            return Err(errors.into());
        };
        let search = AllocationSearch {
            fiscal_year,
            board_id: self.board_id,
            budget_line,
            after,
        };
        Ok((search, limit.get()))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAllocation {
    pub fiscal_year: i64,
    pub board_id: Uuid,
    /// Budget line code, e.g. 6700.
    pub budget_line: String,
    /// Signed change: "50000000" raises, "-5000000" lowers.
    #[schema(example = "50000000")]
    pub amount: String,
    /// Why (the decision, the document number).
    pub reason: String,
}

/// Raise or lower a board's allocation on a budget line (finance). Never
/// an edit: each change is a new entry with its reason.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateAllocation,
    responses(
        (status = 201, description = "Recorded", body = AllocationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would go below what is committed and spent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/allocations")]
pub async fn create_allocation(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateAllocation>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner().parse()?;
    let a = ops::change_allocation(&state.env, &auth.acting(), change).await?;
    Ok(HttpResponse::Created().json(AllocationView::from(&a)))
}

impl CreateAllocation {
    fn parse(self) -> Result<AllocationChange, ApiError> {
        let mut errors = FieldErrors::new();
        let year = errors.check("fiscal_year", FiscalYear::new(self.fiscal_year));
        let line = errors.check("budget_line", BudgetLineCode::parse(&self.budget_line));
        let amount = errors.check("amount", Money::parse(&self.amount));
        let reason = errors.check("reason", text::bounded("Reason", &self.reason, 1, 500));
        let (Some(fiscal_year), Some(budget_line), Some(amount), Some(reason)) =
            (year, line, amount, reason)
        else {
            return Err(errors.into());
        };
        Ok(AllocationChange {
            fiscal_year,
            board_id: self.board_id,
            budget_line,
            amount,
            reason,
        })
    }
}
