//! The year-end wear run (finance): each asset's wear for a fiscal year,
//! posted once.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, FinanceDesk, LedgerReaders};
use crate::http::state::AppState;
use crate::ops::assets::wear_runs::{self as ops, AssetWear};
use crate::storage::assets::wear_runs::WearRun;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetWearView {
    pub asset_id: Uuid,
    #[schema(example = "BTC-MC-0001")]
    pub code: String,
    pub board_id: Uuid,
    /// This year's wear.
    #[schema(value_type = String, example = "1600000")]
    pub wear: Money,
    #[schema(value_type = String, example = "1600000")]
    pub accumulated_wear: Money,
    #[schema(value_type = String, example = "22400000")]
    pub remaining_value: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WearRunView {
    pub id: Uuid,
    pub fiscal_year: i32,
    /// The wear posted for the year.
    #[schema(value_type = String, example = "6400000")]
    pub total: Money,
    /// How many assets wore.
    pub assets_count: i32,
    /// The entry (dated 31 December; none when nothing wore).
    pub journal_entry_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// On POST: the year had been run before and nothing changed now.
    pub already_run: bool,
    /// The assets worn by this run (empty when already run).
    pub assets: Vec<AssetWearView>,
}

fn view(run: WearRun, already_run: bool, assets: Vec<AssetWear>) -> WearRunView {
    WearRunView {
        id: run.id,
        fiscal_year: run.fiscal_year,
        total: run.total,
        assets_count: run.assets_count,
        journal_entry_id: run.journal_entry_id,
        created_by: run.created_by,
        created_at: run.created_at,
        already_run,
        assets: assets
            .into_iter()
            .map(|a| AssetWearView {
                asset_id: a.asset_id,
                code: a.code,
                board_id: a.board_id,
                wear: a.wear,
                accumulated_wear: a.accumulated,
                remaining_value: a.remaining,
            })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWearRun {
    #[schema(example = 2026)]
    pub fiscal_year: i64,
}

/// Run the wear of a fiscal year (finance): straight line, pro rata by
/// month in the acquisition year (the acquisition month counts), nothing
/// after disposal, never below zero remaining value. Posted as one entry
/// dated 31 December, debit 366 / credit 214 per board. 201 the first
/// time; 200 with `already_run: true` afterwards, changing nothing. A
/// future year is refused.
#[utoipa::path(
    tag = "assets",
    request_body = CreateWearRun,
    responses(
        (status = 201, description = "Run and posted", body = WearRunView),
        (status = 200, description = "Already run for this year; nothing changed", body = WearRunView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "31 December of the year is in a closed month (`period_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A year outside 2000–2100 or in the future (`future_year`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/wear-runs")]
pub async fn create_wear_run(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateWearRun>,
) -> Result<HttpResponse, ApiError> {
    let year = FiscalYear::new(body.into_inner().fiscal_year)
        .map_err(|e| ApiError::validation("fiscal_year", e))?;
    let o = ops::run_year(&state.env, &auth.acting(), year).await?;
    let outcome = view(o.run, o.already_run, o.assets);
    if outcome.already_run {
        return Ok(HttpResponse::Ok().json(outcome));
    }
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/api/v1/wear-runs"))
        .json(outcome))
}

#[derive(Serialize, ToSchema)]
pub struct WearRunList {
    pub items: Vec<WearRunView>,
}

/// Wear runs, newest year first (finance, managers).
#[utoipa::path(
    tag = "assets",
    responses(
        (status = 200, description = "Runs", body = WearRunList),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/wear-runs")]
pub async fn list_wear_runs(
    _auth: Auth<LedgerReaders>,
    state: web::Data<AppState>,
) -> Result<web::Json<WearRunList>, ApiError> {
    let runs = ops::list(&state.env).await?;
    Ok(web::Json(WearRunList {
        items: runs.into_iter().map(|r| view(r, false, vec![])).collect(),
    }))
}
