//! The journal: post balanced entries, reverse them, read them; and close
//! a month.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::account::AccountCode;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::journal::{BalancedLines, Side, Source, positive_amount};
use crate::domain::ledger::period::Period;
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, FinanceDesk, LedgerReaders};
use crate::http::state::AppState;
use crate::ops::ledger::budget::BudgetShortfall;
use crate::ops::ledger::journal::{self as ops, Codes, ManualEntry, ManualLine, Shown};
use crate::storage::ledger::journal::{EntryFilter, StoredEntry};

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalLineView {
    pub line_no: i32,
    pub account_id: Uuid,
    #[schema(example = "611")]
    pub account: String,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    #[schema(example = "6700")]
    pub budget_line: String,
    /// debit or credit.
    pub side: String,
    #[schema(value_type = String, example = "1250000")]
    pub amount: Money,
    pub memo: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalEntryView {
    pub id: Uuid,
    pub date: NaiveDate,
    /// The month, YYYY-MM.
    pub period: String,
    pub description: String,
    pub reference: Option<String>,
    /// manual, expense, trip, asset, import or reversal.
    pub source: String,
    /// The booking, expense claim or asset request behind the entry.
    pub source_id: Option<Uuid>,
    /// For a reversal: the entry it cancels.
    pub reverses_id: Option<Uuid>,
    /// The reversal that cancelled this entry, if any.
    pub reversed_by: Option<Uuid>,
    /// Sum of the debits (equal to the credits).
    #[schema(value_type = String)]
    pub total: Money,
    pub lines: Vec<JournalLineView>,
    pub created_by: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Budget lines with a `warn` policy this entry took beyond what was
    /// available (the entry was posted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budget_warnings: Vec<BudgetShortfall>,
}

/// An entry as shown, its accounts and budget lines by code.
fn view(e: &StoredEntry, codes: &Codes, warnings: Vec<BudgetShortfall>) -> JournalEntryView {
    let total = e
        .lines
        .iter()
        .filter(|l| l.side == Side::Debit)
        .fold(Money::ZERO, |acc, l| {
            acc.checked_add(l.amount).unwrap_or(acc)
        });
    JournalEntryView {
        id: e.id,
        date: e.date,
        period: Period::of(e.date).to_string(),
        description: e.description.clone(),
        reference: e.reference.clone(),
        source: e.source.as_str().to_owned(),
        source_id: e.source_id,
        reverses_id: e.reverses_id,
        reversed_by: e.reversed_by,
        total,
        lines: e
            .lines
            .iter()
            .map(|l| JournalLineView {
                line_no: l.line_no,
                account_id: l.account_id,
                account: codes
                    .accounts
                    .get(&l.account_id)
                    .cloned()
                    .unwrap_or_default(),
                board_id: l.board_id,
                budget_line_id: l.budget_line_id,
                budget_line: codes
                    .budget_lines
                    .get(&l.budget_line_id)
                    .cloned()
                    .unwrap_or_default(),
                side: l.side.as_str().to_owned(),
                amount: l.amount,
                memo: l.memo.clone(),
            })
            .collect(),
        created_by: e.created_by,
        created_at: e.created_at,
        budget_warnings: warnings,
    }
}

/// The response to a posting: 201 with the new entry's address.
fn posted(shown: Shown) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/journal/{}", shown.entry.id),
        ))
        .json(view(&shown.entry, &shown.codes, shown.warnings))
}

#[derive(Serialize, ToSchema)]
pub struct JournalList {
    pub items: Vec<JournalEntryView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// First date, YYYY-MM-DD.
    pub from: Option<NaiveDate>,
    /// Last date, YYYY-MM-DD.
    pub to: Option<NaiveDate>,
    /// manual, expense, trip, asset, import or reversal.
    pub source: Option<String>,
    /// Entries with a line for this board.
    pub board_id: Option<Uuid>,
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

/// Journal entries in date order (finance, managers).
#[utoipa::path(
    tag = "ledger",
    params(JournalQuery),
    responses(
        (status = 200, description = "Entries", body = JournalList),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/journal")]
pub async fn list_journal(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    query: web::Query<JournalQuery>,
) -> Result<web::Json<JournalList>, ApiError> {
    let (filter, limit) = query.into_inner().parse()?;
    let listed = ops::entries(&state.env, filter, limit).await?;
    Ok(web::Json(JournalList {
        next_cursor: next_cursor(&listed.entries, limit),
        items: listed
            .entries
            .iter()
            .map(|e| view(e, &listed.codes, vec![]))
            .collect(),
    }))
}

impl JournalQuery {
    fn parse(self) -> Result<(EntryFilter, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let source = errors.check_opt("source", self.source.as_deref().map(Source::parse));
        let after = errors.check_opt("cursor", self.cursor.as_deref().map(parse_cursor));
        let (Some(limit), Some(source), Some(after)) = (limit, source, after) else {
            return Err(errors.into());
        };
        let filter = EntryFilter {
            from: self.from,
            to: self.to,
            source,
            board_id: self.board_id,
            after,
        };
        Ok((filter, limit.get()))
    }
}

fn next_cursor(items: &[StoredEntry], limit: i64) -> Option<String> {
    crate::http::routes::next_cursor(items, limit, |e| format!("{}_{}", e.date, e.id))
}

/// One entry with its lines.
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = JournalEntryView),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/journal/{id}")]
pub async fn get_entry(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<JournalEntryView>, ApiError> {
    let shown = ops::entry(&state.env, id.into_inner()).await?;
    Ok(web::Json(view(&shown.entry, &shown.codes, vec![])))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryLineInput {
    /// Account code, e.g. 611.
    #[schema(example = "611")]
    pub account: String,
    /// debit or credit.
    pub side: String,
    /// More than 0, at most two decimals.
    #[schema(example = "1250000")]
    pub amount: String,
    /// Defaults to the entry's `board_id`.
    pub board_id: Option<Uuid>,
    /// Budget line code; defaults to the entry's `budget_line`.
    pub budget_line: Option<String>,
    pub memo: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEntry {
    /// The day of the transaction, YYYY-MM-DD; its month must be open.
    pub date: NaiveDate,
    pub description: String,
    /// Voucher number (số chứng từ), used to match bank statements.
    pub reference: Option<String>,
    /// Board of every line that names none.
    pub board_id: Option<Uuid>,
    /// Budget line code of every line that names none.
    #[schema(example = "6700")]
    pub budget_line: Option<String>,
    /// At least two lines; debits must equal credits.
    pub lines: Vec<EntryLineInput>,
}

/// Post a balanced entry (finance). Spend on expense accounts is checked
/// against the budget of its board and budget line: a `stop` line refuses
/// (409 `budget_exceeded` with the figures), a `warn` line posts and
/// returns `budget_warnings`.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateEntry,
    responses(
        (status = 201, description = "Posted", body = JournalEntryView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Month closed, or budget exceeded on a stop line", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not balanced, unknown account, or other values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/journal")]
pub async fn create_entry(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateEntry>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let shown = ops::post_manual(&state.env, &auth.acting(), new).await?;
    Ok(posted(shown))
}

impl CreateEntry {
    fn parse(self) -> Result<ManualEntry, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let description = errors.check(
            "description",
            text::bounded("Description", &b.description, 1, 500),
        );
        let reference = errors.check_opt(
            "reference",
            b.reference
                .as_deref()
                .map(|r| text::bounded("Reference", r, 1, 100)),
        );
        let default_line = errors.check_opt(
            "budget_line",
            b.budget_line.as_deref().map(BudgetLineCode::parse),
        );
        if b.lines.len() > BalancedLines::MAX_LINES {
            return Err(ApiError::validation(
                "lines",
                ParseError::new(
                    "entry_line_count",
                    format!("An entry has at most {} lines.", BalancedLines::MAX_LINES),
                ),
            ));
        }
        let mut lines = Vec::new();
        for (i, l) in b.lines.iter().enumerate() {
            let account = errors.check(
                &format!("lines[{i}].account"),
                AccountCode::parse(&l.account),
            );
            let side = errors.check(&format!("lines[{i}].side"), Side::parse(&l.side));
            let amount = errors.check(&format!("lines[{i}].amount"), positive_amount(&l.amount));
            let memo = errors.check_opt(
                &format!("lines[{i}].memo"),
                l.memo.as_deref().map(|m| text::bounded("Memo", m, 1, 200)),
            );
            let board_id = l.board_id.or(b.board_id);
            if board_id.is_none() {
                errors.push(
                    &format!("lines[{i}].board_id"),
                    ParseError::new(
                        "board_missing",
                        "Every line needs a board: give board_id on the line or on the entry.",
                    ),
                );
            }
            let budget_line = match (&l.budget_line, &default_line) {
                (Some(code), _) => errors.check(
                    &format!("lines[{i}].budget_line"),
                    BudgetLineCode::parse(code),
                ),
                (None, Some(Some(code))) => Some(code.clone()),
                _ => {
                    errors.push(
                        &format!("lines[{i}].budget_line"),
                        ParseError::new(
                            "budget_line_missing",
                            "Every line needs a budget line: give budget_line on the line or on the entry.",
                        ),
                    );
                    None
                }
            };
            if let (
                Some(account),
                Some(side),
                Some(amount),
                Some(board_id),
                Some(budget_line),
                Some(memo),
            ) = (account, side, amount, board_id, budget_line, memo)
            {
                lines.push(ManualLine {
                    account,
                    side,
                    amount,
                    board_id,
                    budget_line,
                    memo,
                });
            }
        }
        let (Some(description), Some(reference)) = (description, reference) else {
            return Err(errors.into());
        };
        errors.finish()?;
        Ok(ManualEntry {
            date: b.date,
            description,
            reference,
            lines,
        })
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReverseEntry {
    /// Date of the reversal (default today); its month must be open.
    pub date: Option<NaiveDate>,
    /// Default: "Reversal of: <original description>".
    pub description: Option<String>,
}

/// Reverse an entry (finance): posts the same lines on the opposite sides.
/// An entry is reversed at most once.
#[utoipa::path(
    tag = "ledger",
    request_body = ReverseEntry,
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 201, description = "The reversing entry", body = JournalEntryView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already reversed, or the month is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/journal/{id}/reverse")]
pub async fn reverse_entry(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Option<Json<ReverseEntry>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.map(Json::into_inner).unwrap_or_default();
    let description = b
        .description
        .as_deref()
        .map(|d| text::bounded("Description", d, 1, 500))
        .transpose()
        .map_err(|e| ApiError::validation("description", e))?;
    let shown = ops::reverse_entry(
        &state.env,
        &auth.acting(),
        id.into_inner(),
        b.date,
        description,
    )
    .await?;
    Ok(posted(shown))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ClosePeriod {
    /// Closes even with unreconciled cash or bank movements; the reason is
    /// recorded.
    pub force_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClosedPeriod {
    #[schema(example = "2026-10")]
    pub period: String,
    pub status: String,
    /// Accounts closed without a finished reconciliation (forced close).
    pub unreconciled_accounts: Vec<String>,
}

/// Close a month (finance): no posting can be dated in it afterwards.
/// Refused while cash or bank accounts moved in it without a finished
/// reconciliation, unless `force_reason` is given.
#[utoipa::path(
    tag = "ledger",
    request_body = ClosePeriod,
    params(("period" = String, Path, description = "The month, YYYY-MM")),
    responses(
        (status = 200, description = "Closed", body = ClosedPeriod),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already closed, not ended, or unreconciled movements", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods/{period}/close")]
pub async fn close_period(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    period: web::Path<String>,
    body: Option<Json<ClosePeriod>>,
) -> Result<web::Json<ClosedPeriod>, ApiError> {
    let period = Period::parse(&period).map_err(|e| ApiError::NotFound(e.message))?;
    let b = body.map(Json::into_inner).unwrap_or_default();
    let reason = b
        .force_reason
        .as_deref()
        .map(|r| text::bounded("Reason", r, 1, 500))
        .transpose()
        .map_err(|e| ApiError::validation("force_reason", e))?;
    let open = ops::close_month(&state.env, &auth.acting(), period, reason).await?;
    Ok(web::Json(ClosedPeriod {
        period: period.to_string(),
        status: "closed".into(),
        unreconciled_accounts: open,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PeriodList {
    /// Closed months, newest first; every other month is open.
    pub closed: Vec<String>,
}

/// Closed months.
#[utoipa::path(
    tag = "ledger",
    responses(
        (status = 200, description = "Closed months", body = PeriodList),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods")]
pub async fn list_periods(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
) -> Result<web::Json<PeriodList>, ApiError> {
    let closed = ops::closed_months(&state.env).await?;
    Ok(web::Json(PeriodList { closed }))
}
