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
use crate::ops::ledger::{LedgerContext, chart};
use crate::storage::ledger::allocations::{self, Allocation, AllocationFilter};
use crate::storage::ledger::budget_lines;
use crate::storage::{DbConn, write_tx};

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

/// Resolves a budget line code, or says which field is wrong.
pub(crate) fn line_id_of(
    conn: &mut DbConn,
    field: &str,
    code: &BudgetLineCode,
) -> Result<Uuid, ApiError> {
    budget_lines::find_by_code(conn, code)?
        .map(|l| l.id)
        .ok_or_else(|| {
            ApiError::validation(
                field,
                ParseError::new(
                    "budget_line_unknown",
                    format!(
                        "There is no budget line {}; see GET /api/v1/budget-lines.",
                        code.as_str()
                    ),
                ),
            )
        })
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
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", PageLimit::parse(q.limit));
    let year = errors.check_opt("fiscal_year", q.fiscal_year.map(FiscalYear::new));
    let line = errors.check_opt(
        "budget_line",
        q.budget_line.as_deref().map(BudgetLineCode::parse),
    );
    let after = errors.check_opt(
        "cursor",
        q.cursor.as_deref().map(|c| {
            Uuid::parse_str(c).map_err(|_| {
                ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.")
            })
        }),
    );
    let (Some(limit), Some(fiscal_year), Some(line), Some(after)) = (limit, year, line, after)
    else {
        return Err(errors.into());
    };
    let scope = auth.principal.board_scope();
    let board_id = match scope {
        crate::domain::access::BoardScope::All => q.board_id,
        crate::domain::access::BoardScope::Only(own) => {
            if q.board_id.is_some_and(|b| b != own) {
                return Ok(web::Json(AllocationList {
                    items: vec![],
                    next_cursor: None,
                }));
            }
            Some(own)
        }
        crate::domain::access::BoardScope::None => {
            return Ok(web::Json(AllocationList {
                items: vec![],
                next_cursor: None,
            }));
        }
    };
    let limit = limit.get();
    let items = state
        .db(move |conn| {
            let budget_line_id = line
                .map(|c| line_id_of(conn, "budget_line", &c))
                .transpose()?;
            let filter = AllocationFilter {
                fiscal_year,
                board_id,
                budget_line_id,
                after,
            };
            Ok(allocations::list(conn, &filter, limit)?)
        })
        .await?;
    Ok(web::Json(AllocationList {
        next_cursor: next_cursor(&items, limit, |a| a.id.to_string()),
        items: items.iter().map(AllocationView::from).collect(),
    }))
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
    let clock = state.env.clock.clone();
    let b = body.into_inner();
    let mut errors = FieldErrors::new();
    let year = errors.check("fiscal_year", FiscalYear::new(b.fiscal_year));
    let line = errors.check("budget_line", BudgetLineCode::parse(&b.budget_line));
    let amount = errors.check("amount", Money::parse(&b.amount));
    let reason = errors.check("reason", text::bounded("Reason", &b.reason, 1, 500));
    let (Some(fiscal_year), Some(line), Some(amount), Some(reason)) = (year, line, amount, reason)
    else {
        return Err(errors.into());
    };
    let actor = auth.actor();
    let a = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let budget_line_id = line_id_of(conn, "budget_line", &line)?;
                let ctx = LedgerContext::load(conn, clock.now())?;
                Ok(chart::allocate(
                    conn,
                    &actor,
                    chart::NewAllocation {
                        fiscal_year,
                        board_id: b.board_id,
                        budget_line_id,
                        amount,
                        reason,
                    },
                    &ctx,
                )?)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(AllocationView::from(&a)))
}
