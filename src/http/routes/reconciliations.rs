//! Bank and treasury reconciliation: upload a month's statement of a cash
//! or bank account, see what matched, match, unmatch and explain the rest,
//! and mark the month reconciled.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::account::AccountCode;
use crate::domain::ledger::period::Period;
use crate::domain::ledger::reconciliation::{
    Movement, StatementLine, Status, Workpaper, rows_outside,
};
use crate::domain::ledger::statement::{self, RowError, StatementRow};
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::{CsvBody, Json};
use crate::http::guard::{Auth, FinanceDesk, LedgerReaders};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::ledger::reconciliation::{self as ops, Explained, Search, Sheet, Step};
use crate::storage::ledger::reconciliations::Reconciliation;

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineView {
    pub id: Uuid,
    /// Line number in the uploaded file (the header is line 1).
    pub row: i32,
    pub date: NaiveDate,
    /// Positive is money in, negative money out.
    #[schema(value_type = String, example = "-1250000")]
    pub amount: Money,
    pub reference: Option<String>,
    pub description: Option<String>,
    /// Why the line is left unmatched, if explained.
    pub explanation: Option<String>,
}

impl From<&StatementLine> for StatementLineView {
    fn from(l: &StatementLine) -> Self {
        Self {
            id: l.id,
            row: l.row,
            date: l.date,
            amount: l.amount,
            reference: l.reference.clone(),
            description: l.description.clone(),
            explanation: l.explanation.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerMovementView {
    /// The journal line on the reconciled account.
    pub journal_line_id: Uuid,
    pub entry_id: Uuid,
    pub date: NaiveDate,
    /// Debit − credit: positive is money in, like on the statement.
    #[schema(value_type = String, example = "-1250000")]
    pub amount: Money,
    /// The entry's voucher number.
    pub reference: Option<String>,
    /// The entry's description.
    pub description: String,
    pub memo: Option<String>,
    /// Why the movement is left unmatched, if explained.
    pub explanation: Option<String>,
}

fn movement_view(m: &Movement, work: &Workpaper) -> LedgerMovementView {
    LedgerMovementView {
        journal_line_id: m.journal_line_id,
        entry_id: m.entry_id,
        date: m.date,
        amount: m.amount,
        reference: m.reference.clone(),
        description: m.description.clone(),
        memo: m.memo.clone(),
        explanation: work.notes.get(&m.journal_line_id).cloned(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedPairView {
    pub statement_line: StatementLineView,
    pub ledger_movement: LedgerMovementView,
    /// auto or manual.
    pub method: String,
    pub matched_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationCounts {
    pub statement_lines: usize,
    pub ledger_movements: usize,
    pub matched: usize,
    pub unmatched_statement_lines: usize,
    pub unmatched_ledger_movements: usize,
    /// Unmatched lines on either side without an explanation; 0 is needed
    /// to mark the reconciliation reconciled.
    pub unexplained: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationSummary {
    pub id: Uuid,
    pub account_id: Uuid,
    #[schema(example = "112")]
    pub account: String,
    #[schema(example = "2026-10")]
    pub period: String,
    /// open or reconciled.
    pub status: String,
    /// Sum of the statement's lines (money in positive).
    #[schema(value_type = String)]
    pub statement_total: crate::domain::money::Total,
    /// Sum of the account's movements dated in the period (debit − credit).
    #[schema(value_type = String)]
    pub ledger_total: crate::domain::money::Total,
    pub counts: ReconciliationCounts,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub reconciled_by: Option<Uuid>,
    pub reconciled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationView {
    #[serde(flatten)]
    pub summary: ReconciliationSummary,
    #[schema(example = "Tiền gửi ngân hàng, kho bạc")]
    pub account_name: String,
    /// Statement lines paired with ledger movements, in file order.
    pub matches: Vec<MatchedPairView>,
    pub unmatched_statement_lines: Vec<StatementLineView>,
    pub unmatched_ledger_movements: Vec<LedgerMovementView>,
}

fn summary(r: &Reconciliation, code: &str, work: &Workpaper) -> ReconciliationSummary {
    let unmatched_lines = work.unmatched_lines().len();
    let unmatched_movements = work.unmatched_movements().len();
    ReconciliationSummary {
        id: r.id,
        account_id: r.account_id,
        account: code.to_owned(),
        period: r.period.to_string(),
        status: r.status.as_str().to_owned(),
        statement_total: work.statement_total(),
        ledger_total: work.ledger_total(),
        counts: ReconciliationCounts {
            statement_lines: work.lines.len(),
            ledger_movements: work.movements.len(),
            matched: work.lines.len() - unmatched_lines,
            unmatched_statement_lines: unmatched_lines,
            unmatched_ledger_movements: unmatched_movements,
            unexplained: work.unexplained_lines().len() + work.unexplained_movements().len(),
        },
        created_by: r.created_by,
        created_at: r.created_at,
        reconciled_by: r.reconciled_by,
        reconciled_at: r.reconciled_at,
    }
}

/// A reconciliation read whole, rendered.
fn view(sheet: Sheet) -> ReconciliationView {
    let Sheet {
        reconciliation: r,
        account,
        work,
    } = sheet;
    ReconciliationView {
        summary: summary(&r, account.code.as_str(), &work),
        account_name: account.name,
        matches: work
            .pairs()
            .into_iter()
            .map(|(l, m, how)| MatchedPairView {
                statement_line: l.into(),
                ledger_movement: movement_view(m, &work),
                method: how.method.as_str().to_owned(),
                matched_at: how.matched_at,
            })
            .collect(),
        unmatched_statement_lines: work.unmatched_lines().into_iter().map(Into::into).collect(),
        unmatched_ledger_movements: work
            .unmatched_movements()
            .into_iter()
            .map(|m| movement_view(m, &work))
            .collect(),
    }
}

/// A changed reconciliation, shown.
async fn step(
    auth: &Auth<FinanceDesk>,
    state: &AppState,
    id: Uuid,
    step: Step,
) -> Result<ReconciliationView, ApiError> {
    Ok(view(ops::step(&state.env, &auth.acting(), id, step).await?))
}

/// A statement problem as a field error: `rows[5].amount` names line 5 of
/// the file and the column; `body` is the file as a whole.
fn row_error(errors: &mut FieldErrors, e: &RowError, code: &'static str) {
    if e.row == 0 {
        errors.push(
            "body",
            ParseError::new("statement_unreadable", e.message.clone()),
        );
        return;
    }
    let (field, message) = if e.column.is_empty() {
        (
            format!("rows[{}]", e.row),
            format!("Line {}: {}", e.row, e.message),
        )
    } else {
        let key = statement::column_key(&e.column).unwrap_or(e.column.as_str());
        (
            format!("rows[{}].{key}", e.row),
            format!("Line {}, column '{}': {}", e.row, e.column, e.message),
        )
    };
    errors.push(&field, ParseError::new(code, message));
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// Code of the cash or bank account, e.g. 112.
    #[param(required = true)]
    pub account: Option<String>,
    /// The month the statement covers, YYYY-MM.
    #[param(required = true)]
    pub period: Option<String>,
}

fn required(what: &str) -> ParseError {
    ParseError::new("required", format!("Give the {what} as a query parameter."))
}

/// Upload a month's statement of a cash or bank account (finance).
///
/// Send the CSV file itself as the body with `Content-Type: text/csv`, and
/// the account code and month as query parameters:
/// `POST /api/v1/reconciliations?account=112&period=2026-10`.
///
/// The file: UTF-8 (a byte-order mark is fine), `,` or `;` between fields,
/// a header row naming the columns (English or Vietnamese, any order):
/// `date` (Ngày; dd/mm/yyyy, dd-mm-yyyy or yyyy-mm-dd), either one signed
/// `amount` (Số tiền; money in positive) or `debit` (Ghi nợ, money out) and
/// `credit` (Ghi có, money in), and optionally `reference` (Số tham chiếu,
/// Số chứng từ) and `description` (Diễn giải, Nội dung). Amounts may use
/// thousands separators (`1.250.000`, `1,250,000`, `1.250.000,50`). Other
/// columns (balance…) are ignored. Every line must be dated in the month.
///
/// Each refused cell is reported in `errors[]` as `rows[<line>].<column>`
/// (line numbers of the file, the header is line 1) and nothing is stored.
/// The lines are then matched automatically to the account's movements of
/// the month: equal amount, dates at most 3 days apart, a matching
/// reference first, then the closest date.
#[utoipa::path(
    tag = "ledger",
    params(StatementQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The statement file, e.g. `date,amount,reference,description` then `03/10/2026,-1.250.000,UNC001,Chi tiền xăng`"),
    responses(
        (status = 201, description = "Stored and matched automatically", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A statement of this account and month was already uploaded", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad lines, a line outside the month, or an account that is not cash or bank", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reconciliations")]
pub async fn create_reconciliation(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    query: web::Query<StatementQuery>,
    body: CsvBody,
) -> Result<HttpResponse, ApiError> {
    let (account, period, rows) = query.into_inner().parse(&body.0)?;
    let sheet = ops::upload(&state.env, &auth.acting(), account, period, rows).await?;
    let view = view(sheet);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/reconciliations/{}", view.summary.id),
        ))
        .json(view))
}

impl StatementQuery {
    /// The account, the month and the statement's rows, every refusal at
    /// once.
    fn parse(self, csv: &[u8]) -> Result<(AccountCode, Period, Vec<StatementRow>), ApiError> {
        let mut errors = FieldErrors::new();
        let account = errors.check(
            "account",
            self.account
                .as_deref()
                .map_or_else(|| Err(required("account code")), AccountCode::parse),
        );
        let period = errors.check(
            "period",
            self.period
                .as_deref()
                .map_or_else(|| Err(required("month (YYYY-MM)")), Period::parse),
        );
        let rows = match statement::parse(csv) {
            Ok(rows) => Some(rows),
            Err(row_errors) => {
                for e in &row_errors {
                    row_error(&mut errors, e, "invalid_statement_line");
                }
                None
            }
        };
        if let (Some(rows), Some(period)) = (&rows, period) {
            for e in rows_outside(rows, period) {
                row_error(&mut errors, &e, "outside_period");
            }
        }
        let (Some(account), Some(period), Some(rows)) = (account, period, rows) else {
            return Err(errors.into());
        };
        errors.finish()?;
        Ok((account, period, rows))
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReconciliationList {
    pub items: Vec<ReconciliationSummary>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconciliationQuery {
    /// Account code, e.g. 112.
    pub account: Option<String>,
    /// The month, YYYY-MM.
    pub period: Option<String>,
    /// open or reconciled.
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Result<(Period, Uuid), ParseError> {
    let bad = || ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.");
    let (p, id) = raw.split_once('_').ok_or_else(bad)?;
    Ok((
        Period::parse(p).map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

/// Reconciliations, newest month first (finance, managers).
#[utoipa::path(
    tag = "ledger",
    params(ReconciliationQuery),
    responses(
        (status = 200, description = "Reconciliations", body = ReconciliationList),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown account or bad filter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reconciliations")]
pub async fn list_reconciliations(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    query: web::Query<ReconciliationQuery>,
) -> Result<web::Json<ReconciliationList>, ApiError> {
    let (search, limit) = query.into_inner().parse()?;
    let items: Vec<ReconciliationSummary> = ops::list(&state.env, search, limit)
        .await?
        .iter()
        .map(|s| summary(&s.reconciliation, &s.account, &s.work))
        .collect();
    Ok(web::Json(ReconciliationList {
        next_cursor: next_cursor(&items, limit, |r| format!("{}_{}", r.period, r.id)),
        items,
    }))
}

impl ReconciliationQuery {
    fn parse(self) -> Result<(Search, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let account = errors.check_opt("account", self.account.as_deref().map(AccountCode::parse));
        let period = errors.check_opt("period", self.period.as_deref().map(Period::parse));
        let status = errors.check_opt("status", self.status.as_deref().map(Status::parse));
        let after = errors.check_opt("cursor", self.cursor.as_deref().map(parse_cursor));
        let (Some(limit), Some(account), Some(period), Some(status), Some(after)) =
            (limit, account, period, status, after)
        else {
            return Err(errors.into());
        };
        let search = Search {
            account,
            period,
            status,
            after,
        };
        Ok((search, limit.get()))
    }
}

/// One reconciliation: totals, matched pairs, and what is unmatched on
/// either side with its explanation (finance, managers).
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Reconciliation id")),
    responses(
        (status = 200, description = "The reconciliation", body = ReconciliationView),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reconciliations/{id}")]
pub async fn get_reconciliation(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReconciliationView>, ApiError> {
    Ok(web::Json(view(
        ops::get(&state.env, id.into_inner()).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatch {
    /// A line of this reconciliation's statement.
    pub statement_line_id: Uuid,
    /// A journal line on the reconciled account dated in the month.
    pub journal_line_id: Uuid,
}

/// Match a statement line to a ledger movement by hand (finance). The
/// amounts must be equal; the dates may be further apart than the
/// automatic matching allows.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateMatch,
    params(("id" = Uuid, Path, description = "Reconciliation id")),
    responses(
        (status = 201, description = "Matched; the reconciliation", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A line is already matched, or the reconciliation is reconciled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown line, another account or month, or different amounts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reconciliations/{id}/matches")]
pub async fn create_match(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreateMatch>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let change = Step::Match {
        statement_line_id: b.statement_line_id,
        journal_line_id: b.journal_line_id,
    };
    let view = step(&auth, &state, id.into_inner(), change).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Undo the match of a statement line, automatic or manual (finance).
#[utoipa::path(
    tag = "ledger",
    params(
        ("id" = Uuid, Path, description = "Reconciliation id"),
        ("statement_line_id" = Uuid, Path, description = "The matched statement line"),
    ),
    responses(
        (status = 200, description = "Unmatched; the reconciliation", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation, or the line is not matched", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The reconciliation is reconciled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/reconciliations/{id}/matches/{statement_line_id}")]
pub async fn delete_match(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<ReconciliationView>, ApiError> {
    let (id, statement_line_id) = path.into_inner();
    let change = Step::Unmatch { statement_line_id };
    Ok(web::Json(step(&auth, &state, id, change).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExplanation {
    /// An unmatched statement line (give this or `journal_line_id`).
    pub statement_line_id: Option<Uuid>,
    /// An unmatched ledger movement of the reconciliation.
    pub journal_line_id: Option<Uuid>,
    /// Why it has no counterpart, e.g. "Phí dịch vụ SMS Banking tháng 10" or
    /// "Séc chưa lĩnh". Replaces an earlier explanation.
    pub note: String,
}

/// Explain a line left unmatched on either side (finance); a reconciliation
/// can be marked reconciled once every unmatched line is explained.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateExplanation,
    params(("id" = Uuid, Path, description = "Reconciliation id")),
    responses(
        (status = 200, description = "Explained; the reconciliation", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The line is matched, or the reconciliation is reconciled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown line, or not exactly one line named, or no note", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reconciliations/{id}/explanations")]
pub async fn create_explanation(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreateExplanation>,
) -> Result<web::Json<ReconciliationView>, ApiError> {
    let change = body.into_inner().parse()?;
    Ok(web::Json(
        step(&auth, &state, id.into_inner(), change).await?,
    ))
}

impl CreateExplanation {
    fn parse(self) -> Result<Step, ApiError> {
        let mut errors = FieldErrors::new();
        let note = errors.check("note", text::bounded("Note", &self.note, 1, 500));
        let target = match (self.statement_line_id, self.journal_line_id) {
            (Some(l), None) => Some(Explained::StatementLine(l)),
            (None, Some(l)) => Some(Explained::JournalLine(l)),
            _ => {
                errors.push(
                    "statement_line_id",
                    ParseError::new(
                        "one_line_required",
                        "Name exactly one line: statement_line_id or journal_line_id.",
                    ),
                );
                None
            }
        };
        let (Some(note), Some(target)) = (note, target) else {
            return Err(errors.into());
        };
        Ok(Step::Explain { target, note })
    }
}

/// Mark the month's reconciliation done (finance). Refused (409
/// `unexplained_lines`, listing them) while any line on either side is
/// neither matched nor explained. Closing the month then no longer reports
/// the account.
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Reconciliation id")),
    responses(
        (status = 200, description = "Reconciled", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Lines left unexplained, or already reconciled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reconciliations/{id}/reconcile")]
pub async fn reconcile(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReconciliationView>, ApiError> {
    Ok(web::Json(
        step(&auth, &state, id.into_inner(), Step::Reconcile).await?,
    ))
}

/// Open a reconciled reconciliation again, e.g. when a movement was posted
/// into the month afterwards (finance). Refused once the month is closed.
#[utoipa::path(
    tag = "ledger",
    params(("id" = Uuid, Path, description = "Reconciliation id")),
    responses(
        (status = 200, description = "Open again", body = ReconciliationView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reconciliation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already open, or the month is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reconciliations/{id}/reopen")]
pub async fn reopen(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReconciliationView>, ApiError> {
    Ok(web::Json(
        step(&auth, &state, id.into_inner(), Step::Reopen).await?,
    ))
}
