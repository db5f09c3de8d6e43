//! Finance reports: budget execution, trial balance and the account
//! ledger, as JSON or CSV (see `http::tabular`).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::access::BoardScope;
use crate::domain::ledger::account::AccountCode;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::{Money, Total};
use crate::domain::page::PageLimit;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{Auth, BudgetReaders, LedgerReaders};
use crate::http::routes::allocations::line_id_of;
use crate::http::state::AppState;
use crate::http::tabular::{Output, csv_response};
use crate::storage::boards;
use crate::storage::ledger::{accounts, budget_lines, reports};

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
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let mut errors = FieldErrors::new();
    let year = match q.fiscal_year {
        Some(y) => errors.check("fiscal_year", FiscalYear::new(y)),
        None => Some(FiscalYear::of(
            crate::ops::settings::office_today(&state.env).await?,
        )),
    };
    let line = errors.check_opt(
        "budget_line",
        q.budget_line.as_deref().map(BudgetLineCode::parse),
    );
    let (Some(year), Some(line)) = (year, line) else {
        return Err(errors.into());
    };
    let board = match auth.principal.board_scope() {
        BoardScope::All => q.board_id,
        BoardScope::Only(own) => Some(own),
        BoardScope::None => {
            return Err(ApiError::Forbidden(
                "Budget positions are not for drivers.".into(),
            ));
        }
    };
    let rows = state
        .db(move |conn| {
            let line_id = line
                .map(|c| line_id_of(conn, "budget_line", &c))
                .transpose()?;
            let data = reports::budget_execution(conn, year, board, line_id)?;
            let board_codes: HashMap<Uuid, String> =
                boards::list(conn, &Default::default(), 10_000)?
                    .into_iter()
                    .map(|b| (b.id, b.code.as_str().to_owned()))
                    .collect();
            let lines: HashMap<Uuid, _> = budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l))
                .collect();
            let mut rows: Vec<BudgetExecutionRow> = data
                .into_iter()
                .map(|r| {
                    let l = &lines[&r.budget_line_id];
                    BudgetExecutionRow {
                        fiscal_year: year.get(),
                        board: board_codes.get(&r.board_id).cloned().unwrap_or_default(),
                        board_id: r.board_id,
                        budget_line: l.code.as_str().to_owned(),
                        budget_line_name: l.name.clone(),
                        control: l.control.as_str().to_owned(),
                        allocated: r.position.allocated,
                        committed: r.position.committed,
                        spent: r.position.spent,
                        available: r.position.available(),
                        execution_percent: r.position.execution_percent().map(|p| p.to_string()),
                    }
                })
                .collect();
            rows.sort_by(|a, b| (&a.board, &a.budget_line).cmp(&(&b.board, &b.budget_line)));
            Ok(rows)
        })
        .await?;
    if csv {
        return csv_response(
            &rows,
            output.excel.unwrap_or(false),
            &format!("budget-execution-{}", year.get()),
        );
    }
    Ok(HttpResponse::Ok().json(BudgetExecution {
        fiscal_year: year.get(),
        rows,
    }))
}

/// One account of the trial balance. A balance sits on its debit or
/// credit side.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrialBalanceRow {
    #[schema(example = "112")]
    pub account: String,
    pub account_name: String,
    pub kind: String,
    #[schema(value_type = String)]
    pub opening_debit: Total,
    #[schema(value_type = String)]
    pub opening_credit: Total,
    #[schema(value_type = String)]
    pub debit: Total,
    #[schema(value_type = String)]
    pub credit: Total,
    #[schema(value_type = String)]
    pub closing_debit: Total,
    #[schema(value_type = String)]
    pub closing_credit: Total,
}

#[derive(Serialize, ToSchema)]
pub struct TrialBalance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<TrialBalanceRow>,
    /// Column sums; debits equal credits in each pair.
    pub totals: TrialBalanceRow,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DateRangeQuery {
    /// First day, YYYY-MM-DD (default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD (default: today).
    pub to: Option<NaiveDate>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

/// The dates asked for; `to` defaults to `today` (the office's), `from` to
/// the first day of `to`'s fiscal year.
fn range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| FiscalYear::of(to).first_day());
    if from > to {
        return Err(ApiError::validation(
            "from",
            ParseError::new(
                "range_reversed",
                "from is after to; give the earlier date first.",
            ),
        ));
    }
    Ok((from, to))
}

fn sides(net: Total) -> (Total, Total) {
    if net.is_negative() {
        (Total::ZERO, -net)
    } else {
        (net, Total::ZERO)
    }
}

fn add(a: Total, b: Total) -> Total {
    a + b
}

/// Trial balance for a date range: per account the opening balance, the
/// period's debits and credits, and the closing balance. Finance and
/// managers. CSV columns: account, account_name, kind, opening_debit,
/// opening_credit, debit, credit, closing_debit, closing_credit.
#[utoipa::path(
    tag = "reports",
    params(DateRangeQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((TrialBalance = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/trial-balance")]
pub async fn trial_balance(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<DateRangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let (from, to) = range(
        q.from,
        q.to,
        crate::ops::settings::office_today(&state.env).await?,
    )?;
    let (data, chart) = state
        .db(move |conn| {
            Ok((
                reports::trial_balance(conn, from, to)?,
                accounts::list(conn)?,
            ))
        })
        .await?;
    let by_id: HashMap<Uuid, _> = data.into_iter().map(|r| (r.account_id, r)).collect();
    let mut totals = TrialBalanceRow {
        account: "total".into(),
        account_name: String::new(),
        kind: String::new(),
        opening_debit: Total::ZERO,
        opening_credit: Total::ZERO,
        debit: Total::ZERO,
        credit: Total::ZERO,
        closing_debit: Total::ZERO,
        closing_credit: Total::ZERO,
    };
    let mut rows = Vec::new();
    for a in &chart {
        let Some(r) = by_id.get(&a.id) else { continue };
        let (opening_debit, opening_credit) = sides(r.opening);
        let closing = r.opening + r.debit - r.credit;
        let (closing_debit, closing_credit) = sides(closing);
        let row = TrialBalanceRow {
            account: a.code.as_str().to_owned(),
            account_name: a.name.clone(),
            kind: a.kind.as_str().to_owned(),
            opening_debit,
            opening_credit,
            debit: r.debit,
            credit: r.credit,
            closing_debit,
            closing_credit,
        };
        totals.opening_debit = add(totals.opening_debit, row.opening_debit);
        totals.opening_credit = add(totals.opening_credit, row.opening_credit);
        totals.debit = add(totals.debit, row.debit);
        totals.credit = add(totals.credit, row.credit);
        totals.closing_debit = add(totals.closing_debit, row.closing_debit);
        totals.closing_credit = add(totals.closing_credit, row.closing_credit);
        rows.push(row);
    }
    if csv {
        return csv_response(
            &rows,
            output.excel.unwrap_or(false),
            &format!("trial-balance-{from}-{to}"),
        );
    }
    Ok(HttpResponse::Ok().json(TrialBalance {
        from,
        to,
        rows,
        totals,
    }))
}

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
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let mut errors = FieldErrors::new();
    let code = errors.check("account", AccountCode::parse(&q.account));
    let limit = errors.check("limit", PageLimit::parse(q.limit));
    let after = errors.check_opt("cursor", q.cursor.as_deref().map(parse_cursor));
    let (Some(code), Some(limit), Some(after)) = (code, limit, after) else {
        return Err(errors.into());
    };
    let (from, to) = range(
        q.from,
        q.to,
        crate::ops::settings::office_today(&state.env).await?,
    )?;
    let limit = if csv { 10_000 } else { limit.get() };
    let (before, lines, line_codes) = state
        .db(move |conn| {
            let account = accounts::find_by_code(conn, &code)?.ok_or_else(|| {
                ApiError::validation(
                    "account",
                    ParseError::new(
                        "account_unknown",
                        format!("There is no account {} in the chart.", code.as_str()),
                    ),
                )
            })?;
            let before = reports::balance_before(conn, account.id, from, after)?;
            let mut lines = Vec::new();
            let mut cursor = after;
            loop {
                let page = reports::account_lines(conn, account.id, from, to, cursor, limit)?;
                let full = page.len() as i64 == limit;
                cursor = page.last().map(|l| (l.date, l.line_id));
                lines.extend(page);
                if !csv || !full {
                    break;
                }
            }
            let codes: HashMap<Uuid, String> = budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l.code.as_str().to_owned()))
                .collect();
            Ok((before, lines, codes))
        })
        .await?;
    let mut balance = before;
    let next_cursor = (!csv && lines.len() as i64 == limit)
        .then(|| lines.last().map(|l| format!("{}_{}", l.date, l.line_id)))
        .flatten();
    let rows: Vec<AccountLedgerLine> = lines
        .into_iter()
        .map(|l| {
            balance = balance + l.debit - l.credit;
            AccountLedgerLine {
                date: l.date,
                entry_id: l.entry_id,
                line_id: l.line_id,
                description: l.description,
                reference: l.reference,
                board_id: l.board_id,
                budget_line: line_codes
                    .get(&l.budget_line_id)
                    .cloned()
                    .unwrap_or_default(),
                debit: l.debit,
                credit: l.credit,
                balance,
            }
        })
        .collect();
    if csv {
        return csv_response(
            &rows,
            output.excel.unwrap_or(false),
            &format!("ledger-{}-{from}-{to}", q.account.trim()),
        );
    }
    Ok(HttpResponse::Ok().json(AccountLedger {
        account: q.account.trim().to_owned(),
        from,
        to,
        balance_before: before,
        lines: rows,
        next_cursor,
    }))
}
