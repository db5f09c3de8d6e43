//! Budget execution, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Total;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{Auth, BudgetReaders};
use crate::http::state::AppState;
use crate::http::tabular::{Output, Wanted, csv_response};
use crate::ops::reports::budget_execution::{self as report, Asked, Line};

/// One board × budget line of a fiscal year.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetExecutionRow {
    pub fiscal_year: i32,
    #[schema(example = "BTC")]
    pub board: String,
    pub board_id: Uuid,
    #[schema(example = "6700")]
    pub budget_line: String,
    pub budget_line_name: String,
    /// stop, warn or ignore.
    pub control: String,
    #[schema(value_type = String)]
    pub allocated: Total,
    /// Reserved by approved requests not yet settled.
    #[schema(value_type = String)]
    pub committed: Total,
    /// Posted to expense accounts.
    #[schema(value_type = String)]
    pub spent: Total,
    /// allocated − committed − spent.
    #[schema(value_type = String)]
    pub available: Total,
    /// spent ÷ allocated × 100, two decimals; empty when nothing is allocated.
    #[schema(example = "42.5")]
    pub execution_percent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BudgetExecution {
    pub fiscal_year: i32,
    pub rows: Vec<BudgetExecutionRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BudgetExecutionQuery {
    /// Default: the current year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i64>,
    /// Clerks always get their own board.
    pub board_id: Option<Uuid>,
    /// Budget line code.
    pub budget_line: Option<String>,
    /// json (default) or csv.
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    /// With CSV: a UTF-8 byte-order mark for Excel.
    pub excel: Option<bool>,
}

/// Budget execution per board × budget line: allocated, committed, spent,
/// available and execution %. Finance and managers see every board, a
/// clerk their own. CSV columns: fiscal_year, board, board_id,
/// budget_line, budget_line_name, control, allocated, committed, spent,
/// available, execution_percent.
#[utoipa::path(
    tag = "reports",
    params(BudgetExecutionQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((BudgetExecution = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not finance, a manager or a clerk", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/budget-execution")]
pub async fn budget_execution(
    auth: Auth<BudgetReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<BudgetExecutionQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let mut errors = FieldErrors::new();
    let year = errors.check_opt("fiscal_year", q.fiscal_year.map(FiscalYear::new));
    let line = errors.check_opt(
        "budget_line",
        q.budget_line.as_deref().map(BudgetLineCode::parse),
    );
    let (Some(year), Some(budget_line)) = (year, line) else {
        return Err(errors.into());
    };
    let asked = Asked {
        year,
        board: q.board_id,
        budget_line,
    };
    let execution = report::read(&state.env, &auth.principal, asked).await?;
    let year = execution.year.get();
    let rows: Vec<BudgetExecutionRow> = execution.lines.into_iter().map(|l| row(year, l)).collect();
    match wanted {
        Wanted::Csv { excel } => csv_response(&rows, excel, &format!("budget-execution-{year}")),
        Wanted::Json => Ok(HttpResponse::Ok().json(BudgetExecution {
            fiscal_year: year,
            rows,
        })),
    }
}

fn row(fiscal_year: i32, l: Line) -> BudgetExecutionRow {
    BudgetExecutionRow {
        fiscal_year,
        board: l.board,
        board_id: l.board_id,
        budget_line: l.budget_line.code.as_str().to_owned(),
        budget_line_name: l.budget_line.name,
        control: l.budget_line.control.as_str().to_owned(),
        allocated: l.position.allocated,
        committed: l.position.committed,
        spent: l.position.spent,
        available: l.position.available(),
        execution_percent: l.position.execution_percent().map(|p| p.to_string()),
    }
}
