//! The account ledger, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::ledger::account::AccountCode;
use crate::domain::money::{Money, Total};
use crate::domain::page::PageLimit;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{Auth, LedgerReaders};
use crate::http::state::AppState;
use crate::http::tabular::{Output, Wanted, csv_response};
use crate::ops::reports::account_ledger::{self as report, Asked, Line};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountLedgerLine {
    pub date: NaiveDate,
    pub entry_id: Uuid,
    pub line_id: Uuid,
    pub description: String,
    pub reference: Option<String>,
    pub board_id: Uuid,
    #[schema(example = "6700")]
    pub budget_line: String,
    #[schema(value_type = String)]
    pub debit: Money,
    #[schema(value_type = String)]
    pub credit: Money,
    /// Running balance, debits less credits.
    #[schema(value_type = String)]
    pub balance: Total,
}

#[derive(Serialize, ToSchema)]
pub struct AccountLedger {
    pub account: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Debits less credits before this page's first line.
    #[schema(value_type = String)]
    pub balance_before: Total,
    pub lines: Vec<AccountLedgerLine>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountLedgerQuery {
    /// Account code, e.g. 112.
    pub account: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Lines per page, 1–500 (default 50); CSV has every line.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

fn parse_cursor(raw: &str) -> Result<(NaiveDate, Uuid), ParseError> {
    let bad = || ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.");
    let (d, id) = raw.split_once('_').ok_or_else(bad)?;
    Ok((
        d.parse().map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

/// The movements of one account over a date range with a running balance
/// (finance, managers). CSV columns: date, entry_id, line_id, description,
/// reference, board_id, budget_line, debit, credit, balance.
#[utoipa::path(
    tag = "reports",
    params(AccountLedgerQuery),
    responses(
        (status = 200, description = "The ledger (JSON, or CSV with format=csv)", content((AccountLedger = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/account-ledger")]
pub async fn account_ledger(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AccountLedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let mut errors = FieldErrors::new();
    let code = errors.check("account", AccountCode::parse(&q.account));
    let limit = errors.check("limit", PageLimit::parse(q.limit));
    let after = errors.check_opt("cursor", q.cursor.as_deref().map(parse_cursor));
    let (Some(account), Some(limit), Some(after)) = (code, limit, after) else {
        return Err(errors.into());
    };
    let asked = Asked {
        account,
        from: q.from,
        to: q.to,
        after,
        limit: (wanted == Wanted::Json).then(|| limit.get()),
    };
    let ledger = report::read(&state.env, asked).await?;
    let (from, to) = (ledger.from, ledger.to);
    let rows: Vec<AccountLedgerLine> = ledger.lines.into_iter().map(line).collect();
    if let Wanted::Csv { excel } = wanted {
        let name = format!("ledger-{}-{from}-{to}", q.account.trim());
        return csv_response(&rows, excel, &name);
    }
    Ok(HttpResponse::Ok().json(AccountLedger {
        account: q.account.trim().to_owned(),
        from,
        to,
        balance_before: ledger.balance_before,
        lines: rows,
        next_cursor: ledger.next.map(|(date, id)| format!("{date}_{id}")),
    }))
}

fn line(l: Line) -> AccountLedgerLine {
    AccountLedgerLine {
        date: l.date,
        entry_id: l.entry_id,
        line_id: l.line_id,
        description: l.description,
        reference: l.reference,
        board_id: l.board_id,
        budget_line: l.budget_line,
        debit: l.debit,
        credit: l.credit,
        balance: l.balance,
    }
}
