//! The trial balance, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::money::Total;
use crate::http::error::{ApiError, Problem};
use crate::http::guard::{Auth, LedgerReaders};
use crate::http::state::AppState;
use crate::http::tabular::{Output, Wanted, csv_response};
use crate::ops::reports::trial_balance::{self as report, Sides};

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
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let tb = report::read(&state.env, q.from, q.to).await?;
    let rows: Vec<TrialBalanceRow> = tb
        .lines
        .into_iter()
        .map(|l| {
            row(
                l.account.code.as_str(),
                &l.account.name,
                l.account.kind.as_str(),
                [l.opening, l.movement, l.closing],
            )
        })
        .collect();
    if let Wanted::Csv { excel } = wanted {
        return csv_response(
            &rows,
            excel,
            &format!("trial-balance-{}-{}", tb.from, tb.to),
        );
    }
    Ok(HttpResponse::Ok().json(TrialBalance {
        from: tb.from,
        to: tb.to,
        rows,
        totals: row("total", "", "", [tb.opening, tb.movement, tb.closing]),
    }))
}

fn row(
    account: &str,
    name: &str,
    kind: &str,
    [opening, movement, closing]: [Sides; 3],
) -> TrialBalanceRow {
    TrialBalanceRow {
        account: account.to_owned(),
        account_name: name.to_owned(),
        kind: kind.to_owned(),
        opening_debit: opening.debit,
        opening_credit: opening.credit,
        debit: movement.debit,
        credit: movement.credit,
        closing_debit: closing.debit,
        closing_credit: closing.credit,
    }
}
