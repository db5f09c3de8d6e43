//! Expense claims: filed by a board's clerk (or by finance or a manager for
//! any board), checked against the spending norms, approved (posted to the
//! journal) or rejected by finance.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::access::{Filing, Principal};
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::expense::{ExpenseStatus, MAX_LINES};
use crate::domain::ledger::journal::positive_amount;
use crate::domain::ledger::norms::{NormCode, Quantity};
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::user::Role;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, Claimants, ExpenseReaders, FinanceDesk};
use crate::http::state::AppState;
use crate::ops::ledger::budget::BudgetShortfall;
use crate::ops::ledger::expenses::{self as ops, Claim, NewClaim, NewLine};
use crate::storage::ledger::expenses::{Expense, ExpenseFilter};

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseLineView {
    pub line_no: i32,
    #[schema(example = "lodging_class_1")]
    pub norm: String,
    /// The norm version in force on the expense date.
    pub norm_id: Option<Uuid>,
    pub description: Option<String>,
    #[schema(example = "3")]
    pub quantity: String,
    #[schema(value_type = String, example = "450000")]
    pub unit_amount: Money,
    /// quantity × unit_amount, rounded to the hundredth half away from zero.
    #[schema(value_type = String, example = "1350000")]
    pub claimed: Money,
    /// quantity × the norm's amount.
    #[schema(value_type = Option<String>, example = "1350000")]
    pub allowed: Option<Money>,
    /// Claimed more than allowed (accepted only with a manager's override).
    pub over: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseView {
    pub id: Uuid,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    #[schema(example = "6700")]
    pub budget_line: String,
    /// The day the money was spent; norms and the budget year follow it.
    pub date: NaiveDate,
    pub description: String,
    /// submitted, approved or rejected.
    pub status: String,
    /// What is claimed: the sum of the lines.
    #[schema(value_type = String, example = "1750000")]
    pub total: Money,
    /// Some line exceeds its norm; a manager overrode it.
    pub over_norm: bool,
    pub override_reason: Option<String>,
    pub overridden_by: Option<Uuid>,
    pub submitted_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why finance rejected it.
    pub decision_reason: Option<String>,
    /// The entry that posted it (approved claims).
    pub journal_entry_id: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub lines: Vec<ExpenseLineView>,
    /// On approval: `warn` budget lines the claim took beyond what was
    /// available (it was approved and posted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budget_warnings: Vec<BudgetShortfall>,
}

fn view(
    e: &Expense,
    codes: &std::collections::HashMap<Uuid, String>,
    warnings: Vec<BudgetShortfall>,
) -> ExpenseView {
    ExpenseView {
        id: e.id,
        board_id: e.board_id,
        budget_line_id: e.budget_line_id,
        budget_line: codes.get(&e.budget_line_id).cloned().unwrap_or_default(),
        date: e.date,
        description: e.description.clone(),
        status: e.status.as_str().to_owned(),
        total: e.total,
        over_norm: e.over_norm,
        override_reason: e.override_reason.clone(),
        overridden_by: e.overridden_by,
        submitted_by: e.submitted_by,
        decided_by: e.decided_by,
        decided_at: e.decided_at,
        decision_reason: e.decision_reason.clone(),
        journal_entry_id: e.journal_entry_id,
        created_at: e.created_at,
        lines: e
            .lines
            .iter()
            .map(|l| ExpenseLineView {
                line_no: l.line_no,
                norm: l.norm_code.as_str().to_owned(),
                norm_id: l.norm_id,
                description: l.description.clone(),
                quantity: String::from(l.quantity),
                unit_amount: l.unit_amount,
                claimed: l.claimed,
                allowed: l.allowed,
                over: l.over(),
            })
            .collect(),
        budget_warnings: warnings,
    }
}

/// The view of the one claim an operation returned.
fn one(c: Claim) -> ExpenseView {
    view(&c.expense, &c.budget_lines, c.warnings)
}

#[derive(Serialize, ToSchema)]
pub struct ExpenseList {
    pub items: Vec<ExpenseView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExpenseQuery {
    /// submitted, approved or rejected.
    pub status: Option<String>,
    /// Clerks see only their own board.
    pub board_id: Option<Uuid>,
    /// First expense date, YYYY-MM-DD.
    pub from: Option<NaiveDate>,
    /// Last expense date, YYYY-MM-DD.
    pub to: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Result<(NaiveDate, Uuid), ParseError> {
    let bad = || ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.");
    let (d, id) = raw.split_once('_').ok_or_else(bad)?;
    Ok((
        d.parse().map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

/// Expense claims in expense-date order (finance and managers: every board;
/// clerks: their own board).
#[utoipa::path(
    tag = "ledger",
    params(ExpenseQuery),
    responses(
        (status = 200, description = "Claims", body = ExpenseList),
        (status = 403, description = "Not a clerk, finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/expenses")]
pub async fn list_expenses(
    auth: Auth<ExpenseReaders>,
    state: web::Data<AppState>,
    query: web::Query<ExpenseQuery>,
) -> Result<web::Json<ExpenseList>, ApiError> {
    let (filter, limit) = query.into_inner().parse()?;
    let listed = ops::list(&state.env, &auth.acting(), filter, limit).await?;
    Ok(web::Json(ExpenseList {
        next_cursor: crate::http::routes::next_cursor(&listed.expenses, limit, |e| {
            format!("{}_{}", e.date, e.id)
        }),
        items: listed
            .expenses
            .iter()
            .map(|e| view(e, &listed.budget_lines, vec![]))
            .collect(),
    }))
}

impl ExpenseQuery {
    fn parse(self) -> Result<(ExpenseFilter, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let status = errors.check_opt("status", self.status.as_deref().map(ExpenseStatus::parse));
        let after = errors.check_opt("cursor", self.cursor.as_deref().map(parse_cursor));
        let (Some(limit), Some(status), Some(after)) = (limit, status, after) else {
            return Err(errors.into());
        };
        let filter = ExpenseFilter {
            status,
            board_id: self.board_id,
            from: self.from,
            to: self.to,
            after,
        };
        Ok((filter, limit.get()))
    }
}

/// One claim with its lines: claimed, allowed and whether each is over its
/// norm.
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The claim", body = ExpenseView),
        (status = 403, description = "Not finance, a manager or a clerk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim, or another board's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/expenses/{id}")]
pub async fn get_expense(
    auth: Auth<ExpenseReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ExpenseView>, ApiError> {
    let claim = ops::get(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(one(claim)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseLineInput {
    /// Spending norm code, e.g. per_diem, lodging_class_1.
    #[schema(example = "lodging_class_1")]
    pub norm: String,
    /// Units of the norm (days, nights, litres, delegates): more than 0,
    /// at most two decimals.
    #[schema(example = "3")]
    pub quantity: String,
    /// Spent per unit: more than 0, at most two decimals.
    #[schema(example = "450000")]
    pub unit_amount: String,
    pub description: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExpense {
    /// The board the money was spent for. Clerks leave it out (their own
    /// board); finance and managers must give it.
    pub board_id: Option<Uuid>,
    /// Budget line code, e.g. 6700.
    #[schema(example = "6700")]
    pub budget_line: String,
    /// The day the money was spent (not after today); the norms in force on
    /// that day apply.
    pub date: NaiveDate,
    #[schema(example = "Công tác Hà Nội, họp Ban Tổ chức Trung ương")]
    pub description: String,
    /// 1–100 lines.
    pub lines: Vec<ExpenseLineInput>,
    /// Managers only: accept lines above their norm, for this reason.
    pub override_reason: Option<String>,
}

/// File an expense claim (clerks for their own board; finance and managers
/// for any board). Each line is checked against its norm in force on the
/// date; lines above their norm refuse the claim (422 `over_norm`, listing
/// each line's claimed and allowed amounts) unless a manager files it with
/// `override_reason`.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateExpense,
    responses(
        (status = 201, description = "Filed as submitted", body = ExpenseView),
        (status = 403, description = "Not a clerk, finance or a manager; or an override by someone other than a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused (`validation_failed`), or lines above their norm (`over_norm`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expenses")]
pub async fn create_expense(
    auth: Auth<Claimants>,
    state: web::Data<AppState>,
    body: Json<CreateExpense>,
) -> Result<HttpResponse, ApiError> {
    let claim = body.into_inner().parse(&auth.principal)?;
    let claim = ops::file(&state.env, &auth.acting(), claim).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/expenses/{}", claim.expense.id),
        ))
        .json(one(claim)))
}

impl CreateExpense {
    fn parse(self, principal: &Principal) -> Result<NewClaim, ApiError> {
        let b = self;
        if b.override_reason.is_some() && principal.role != Role::Manager {
            return Err(ApiError::Forbidden(
                "Only a manager may override a spending norm. Leave override_reason out, and bring lines above their norm to a manager."
                    .to_owned(),
            ));
        }
        let mut errors = FieldErrors::new();
        let board_id = errors.check(
            "board_id",
            principal.filing_board(b.board_id, Filing::Expense),
        );
        let budget_line = errors.check("budget_line", BudgetLineCode::parse(&b.budget_line));
        let description = errors.check(
            "description",
            text::bounded("Description", &b.description, 1, 500),
        );
        let override_reason = errors.check_opt(
            "override_reason",
            b.override_reason
                .as_deref()
                .map(|r| text::bounded("Override reason", r, 1, 500)),
        );
        if b.lines.is_empty() || b.lines.len() > MAX_LINES {
            errors.push(
                "lines",
                ParseError::new(
                    "claim_line_count",
                    format!(
                        "A claim has at least 1 and at most {MAX_LINES} lines; this one has {}.",
                        b.lines.len()
                    ),
                ),
            );
        }
        let mut lines = Vec::with_capacity(b.lines.len().min(MAX_LINES));
        for (i, l) in b.lines.iter().take(MAX_LINES).enumerate() {
            let norm = errors.check(&format!("lines[{i}].norm"), NormCode::parse(&l.norm));
            let quantity = errors.check(
                &format!("lines[{i}].quantity"),
                Quantity::parse(&l.quantity),
            );
            let unit_amount = errors.check(
                &format!("lines[{i}].unit_amount"),
                positive_amount(&l.unit_amount),
            );
            let description = errors.check_opt(
                &format!("lines[{i}].description"),
                l.description
                    .as_deref()
                    .map(|d| text::bounded("Description", d, 1, 200)),
            );
            if let (Some(norm), Some(quantity), Some(unit_amount), Some(description)) =
                (norm, quantity, unit_amount, description)
            {
                lines.push(NewLine {
                    norm,
                    quantity,
                    unit_amount,
                    description,
                });
            }
        }
        let (Some(board_id), Some(budget_line), Some(description), Some(override_reason)) =
            (board_id, budget_line, description, override_reason)
        else {
            return Err(errors.into());
        };
        errors.finish()?;
        Ok(NewClaim {
            board_id,
            budget_line,
            date: b.date,
            description,
            lines,
            override_reason,
        })
    }
}

/// Approve a submitted claim (finance): its total is checked against the
/// budget of its board and budget line — a `stop` line refuses (409
/// `budget_exceeded` with allocated, committed, spent, available and the
/// shortfall), a `warn` line approves and returns `budget_warnings` — and
/// posted, dated on the expense date: debit 611, credit 331.
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "Approved and posted", body = ExpenseView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted, budget exceeded on a stop line, or the month is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expenses/{id}/approve")]
pub async fn approve_expense(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ExpenseView>, ApiError> {
    let claim = ops::approve_claim(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(one(claim)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectExpense {
    /// Why, in words the claimant understands.
    pub reason: String,
}

/// Reject a submitted claim with a reason (finance); nothing is posted.
#[utoipa::path(
    tag = "ledger",
    request_body = RejectExpense,
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "Rejected", body = ExpenseView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expenses/{id}/reject")]
pub async fn reject_expense(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<RejectExpense>,
) -> Result<web::Json<ExpenseView>, ApiError> {
    let reason = text::bounded("Reason", &body.into_inner().reason, 1, 500)
        .map_err(|e| ApiError::validation("reason", e))?;
    let claim = ops::reject_claim(&state.env, &auth.acting(), id.into_inner(), reason).await?;
    Ok(web::Json(one(claim)))
}
