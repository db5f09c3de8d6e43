//! Stocktakes: finance opens one for a board or a location; finance, or the
//! board's clerks, record the scanned asset codes; finance closes it to get
//! the discrepancies — missing, unexpected, wrong location — as JSON or
//! CSV. Managers read them; clerks read their own board's.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::assets::AssetCode;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, FinanceDesk, StocktakeCounters, StocktakeReaders};
use crate::http::state::AppState;
use crate::http::tabular::{self, Output};
use crate::ops::assets::stocktakes::{self as ops, Shown};
use crate::storage::assets::stocktakes::StoredDiscrepancy;

/// The most codes one count may carry.
pub const MAX_CODES: usize = 2000;

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscrepancyRow {
    /// missing, unexpected or wrong_location.
    pub kind: String,
    #[schema(example = "BTC-MC-0001")]
    pub asset_code: String,
    pub asset_id: Option<Uuid>,
    /// The custodian board on the register (known assets).
    pub registered_board_id: Option<Uuid>,
    pub registered_location: Option<String>,
    pub counted_location: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StocktakeView {
    pub id: Uuid,
    pub board_id: Option<Uuid>,
    pub location: Option<String>,
    /// open or closed.
    pub status: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Codes counted so far (each scan counts).
    pub counted: usize,
    /// Once closed: what the count found against the register.
    pub discrepancies: Vec<DiscrepancyRow>,
}

fn row(d: StoredDiscrepancy) -> DiscrepancyRow {
    DiscrepancyRow {
        kind: d.kind.as_str().to_owned(),
        asset_code: d.asset_code,
        asset_id: d.asset_id,
        registered_board_id: d.registered_board_id,
        registered_location: d.registered_location,
        counted_location: d.counted_location,
    }
}

fn view(shown: Shown) -> StocktakeView {
    let Shown {
        stocktake: s,
        counted,
        discrepancies: d,
    } = shown;
    StocktakeView {
        id: s.id,
        board_id: s.board_id,
        location: s.location,
        status: s.status,
        opened_by: s.opened_by,
        opened_at: s.opened_at,
        closed_by: s.closed_by,
        closed_at: s.closed_at,
        counted,
        discrepancies: d.into_iter().map(row).collect(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStocktake {
    /// Count this board's assets.
    pub board_id: Option<Uuid>,
    /// Count the assets registered at this location (with a board: that
    /// board's assets there).
    pub location: Option<String>,
}

/// Open a stocktake of a board, a location, or a board's assets at a
/// location (finance).
#[utoipa::path(
    tag = "assets",
    request_body = CreateStocktake,
    responses(
        (status = 201, description = "Opened", body = StocktakeView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither board nor location, or an unknown board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stocktakes")]
pub async fn create_stocktake(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateStocktake>,
) -> Result<HttpResponse, ApiError> {
    let (board_id, location) = body.into_inner().parse()?;
    let shown = ops::start(&state.env, &auth.acting(), board_id, location).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/stocktakes/{}", shown.stocktake.id),
        ))
        .json(view(shown)))
}

impl CreateStocktake {
    fn parse(self) -> Result<(Option<Uuid>, Option<String>), ApiError> {
        let location = self
            .location
            .as_deref()
            .map(|l| text::bounded("Location", l, 1, 200))
            .transpose()
            .map_err(|e| ApiError::validation("location", e))?;
        Ok((self.board_id, location))
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StocktakeQuery {
    pub board_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StocktakeList {
    pub items: Vec<StocktakeView>,
}

/// Stocktakes, newest first (finance, managers; clerks: their board's);
/// discrepancies are read one stocktake at a time.
#[utoipa::path(
    tag = "assets",
    params(StocktakeQuery),
    responses(
        (status = 200, description = "Stocktakes", body = StocktakeList),
        (status = 403, description = "Not finance, a manager or a clerk", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stocktakes")]
pub async fn list_stocktakes(
    auth: Auth<StocktakeReaders>,
    state: web::Data<AppState>,
    query: web::Query<StocktakeQuery>,
) -> Result<web::Json<StocktakeList>, ApiError> {
    let q = query.into_inner();
    let limit = PageLimit::parse(q.limit).map_err(|e| ApiError::validation("limit", e))?;
    let list = ops::list(&state.env, &auth.acting(), q.board_id, limit.get()).await?;
    Ok(web::Json(StocktakeList {
        items: list.into_iter().map(view).collect(),
    }))
}

/// One stocktake with its discrepancies once closed; `?format=csv` (or
/// `Accept: text/csv`) gives the discrepancies as CSV.
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Stocktake id"), Output),
    responses(
        (status = 200, description = "The stocktake (JSON), or its discrepancies (CSV: kind, asset_code, asset_id, registered_board_id, registered_location, counted_location)", content((StocktakeView = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not finance, a manager or a clerk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such stocktake, or not of the clerk's board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stocktakes/{id}")]
pub async fn get_stocktake(
    auth: Auth<StocktakeReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    output: web::Query<Output>,
) -> Result<HttpResponse, ApiError> {
    let csv = output.wants_csv(&req)?;
    let excel = output.excel.unwrap_or(false);
    let id = id.into_inner();
    let v = view(ops::get(&state.env, &auth.acting(), id).await?);
    if csv {
        return tabular::csv_response(&v.discrepancies, excel, &format!("stocktake-{id}"));
    }
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCount {
    /// The scanned asset codes (1–2000).
    #[schema(example = json!(["BTC-MC-0001", "BTC-MT-0002"]), min_items = 1, max_items = 2000)]
    pub codes: Vec<String>,
    /// Where they were found; the stocktake's location when left out.
    pub location: Option<String>,
}

/// Record scanned codes into an open stocktake (finance; a clerk in their
/// own board's stocktake).
#[utoipa::path(
    tag = "assets",
    request_body = CreateCount,
    params(("id" = Uuid, Path, description = "Stocktake id")),
    responses(
        (status = 200, description = "Recorded", body = StocktakeView),
        (status = 403, description = "Not finance or a clerk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such stocktake, or not of the clerk's board", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stocktake is closed (`stocktake_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Codes refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stocktakes/{id}/counts")]
pub async fn create_count(
    auth: Auth<StocktakeCounters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreateCount>,
) -> Result<web::Json<StocktakeView>, ApiError> {
    let (codes, location) = body.into_inner().parse()?;
    let shown =
        ops::add_counts(&state.env, &auth.acting(), id.into_inner(), codes, location).await?;
    Ok(web::Json(view(shown)))
}

impl CreateCount {
    fn parse(self) -> Result<(Vec<AssetCode>, Option<String>), ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        if b.codes.is_empty() || b.codes.len() > MAX_CODES {
            errors.push(
                "codes",
                ParseError::new(
                    "code_count",
                    format!(
                        "A count carries 1 to {MAX_CODES} codes; this one has {}.",
                        b.codes.len()
                    ),
                ),
            );
        }
        let mut codes = Vec::with_capacity(b.codes.len().min(MAX_CODES));
        for (i, c) in b.codes.iter().take(MAX_CODES).enumerate() {
            if let Some(code) = errors.check(&format!("codes[{i}]"), AssetCode::parse(c)) {
                codes.push(code);
            }
        }
        let location = errors.check_opt(
            "location",
            b.location
                .as_deref()
                .map(|l| text::bounded("Location", l, 1, 200)),
        );
        let Some(location) = location else {
            return Err(errors.into());
        };
        errors.finish()?;
        Ok((codes, location))
    }
}

/// Close an open stocktake (finance): the counts are compared with the
/// register and the discrepancies kept — missing (registered, not
/// counted), unexpected (counted, not registered in the scope), and
/// wrong_location (counted somewhere other than registered).
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Stocktake id")),
    responses(
        (status = 200, description = "Closed, with its discrepancies", body = StocktakeView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such stocktake", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already closed (`stocktake_closed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stocktakes/{id}/close")]
pub async fn close_stocktake(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<StocktakeView>, ApiError> {
    let shown = ops::finish(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(view(shown)))
}
