//! The asset-utilisation report: per board and category the assets held by
//! status, the idle share and value, the open requests, and suggestions to
//! transfer idle assets to boards asking for their category. JSON or
//! streamed CSV from one row type, like the fleet reports. Finance and
//! managers read it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::report_row;
use crate::domain::assets::CategoryCode;
use crate::domain::assets::utilisation::{Basis, Tally};
use crate::domain::assets::wear::remaining;
use crate::domain::money::Money;
use crate::domain::utilisation::percent;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{AssetReportReaders, Auth};
use crate::http::state::AppState;
use crate::http::tabular::{Answer, Output, rows_or_csv};
use crate::ops::reports::Boards;
use crate::ops::reports::asset_utilisation::{self as report, AssetLine};

report_row! {
    /// One line of asset utilisation: a board's holding of a category
    /// (`line` = category), a board's total (board) or a transfer
    /// suggestion (suggestion). Columns that do not apply are empty.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct AssetUtilisationRow {
        /// category, board or suggestion.
        pub line: String,
        /// The custodian board (for a suggestion: the board holding the idle asset).
        #[schema(example = "BTC")]
        pub board: String,
        pub board_id: Uuid,
        pub board_name: String,
        /// Asset category code (category and suggestion lines).
        #[schema(example = "projector")]
        pub category: Option<String>,
        /// Assets held, not disposed.
        pub assets: Option<u32>,
        pub in_use: Option<u32>,
        pub idle: Option<u32>,
        pub under_repair: Option<u32>,
        /// idle ÷ assets × 100, two decimals; empty when nothing is held.
        #[schema(example = "25")]
        pub idle_percent: Option<String>,
        /// Original cost (nguyên giá) of the idle assets.
        #[schema(value_type = Option<String>, example = "24000000")]
        pub idle_original_cost: Option<crate::domain::money::Total>,
        /// Original cost less accumulated wear of the idle assets.
        #[schema(value_type = Option<String>, example = "19200000")]
        pub idle_remaining_value: Option<crate::domain::money::Total>,
        /// Procurement and transfer_in requests submitted or approved.
        pub open_requests: Option<u32>,
        /// Open requests of the board with a suggested idle asset.
        pub matched_requests: Option<u32>,
        /// Idle assets of the board suggested to other boards.
        pub offered_assets: Option<u32>,
        /// The idle asset (suggestion lines).
        pub asset_id: Option<Uuid>,
        #[schema(example = "BTC-MC-0042")]
        pub asset_code: Option<String>,
        pub asset_name: Option<String>,
        pub asset_location: Option<String>,
        #[schema(value_type = Option<String>, example = "19200000")]
        pub remaining_value: Option<Money>,
        /// The board asking (suggestion lines).
        #[schema(example = "BTG")]
        pub to_board: Option<String>,
        pub to_board_id: Option<Uuid>,
        pub to_board_name: Option<String>,
        pub request_id: Option<Uuid>,
        /// procurement or transfer_in.
        pub request_kind: Option<String>,
        /// submitted or approved.
        pub request_status: Option<String>,
        /// The day it was filed (office time).
        pub request_filed_on: Option<NaiveDate>,
        /// named (the transfer names this asset) or category (same category).
        pub basis: Option<String>,
        /// The suggestion in a sentence.
        pub summary: Option<String>,
    }
}

fn names(boards: &Boards, id: Uuid) -> (String, String) {
    (boards.code(id), boards.name(id))
}

fn tally_row(line: &str, board: Uuid, boards: &Boards, t: &Tally) -> AssetUtilisationRow {
    let (code, name) = names(boards, board);
    AssetUtilisationRow {
        line: line.to_owned(),
        board: code,
        board_id: board,
        board_name: name,
        category: None,
        assets: Some(t.assets),
        in_use: Some(t.in_use),
        idle: Some(t.idle),
        under_repair: Some(t.under_repair),
        idle_percent: percent(i64::from(t.idle), i64::from(t.assets)).map(|p| p.to_string()),
        idle_original_cost: Some(t.idle_original_cost),
        idle_remaining_value: Some(t.idle_remaining),
        open_requests: Some(t.open_requests),
        matched_requests: Some(t.matched_requests),
        offered_assets: Some(t.offered),
        asset_id: None,
        asset_code: None,
        asset_name: None,
        asset_location: None,
        remaining_value: None,
        to_board: None,
        to_board_id: None,
        to_board_name: None,
        request_id: None,
        request_kind: None,
        request_status: None,
        request_filed_on: None,
        basis: None,
        summary: None,
    }
}

fn row(line: AssetLine, boards: &Boards, tz: Tz) -> AssetUtilisationRow {
    match line {
        AssetLine::Category {
            board,
            category,
            tally,
        } => AssetUtilisationRow {
            category: Some(category.code.as_str().to_owned()),
            ..tally_row("category", board, boards, &tally)
        },
        AssetLine::Board { board, tally } => tally_row("board", board, boards, &tally),
        AssetLine::Suggestion {
            asset,
            category,
            request,
            basis,
        } => {
            let (code, name) = names(boards, asset.custodian_board_id);
            let (to_code, to_name) = names(boards, request.board_id);
            let value = remaining(asset.original_cost, asset.accumulated_wear);
            let filed = request.created_at.with_timezone(&tz).date_naive();
            let kind = request.kind.as_str();
            let summary = format!(
                "Idle {} {} of {name} (remaining value {value}) matches the {kind} request of {to_name} filed {filed}: {}",
                category.code.as_str(),
                asset.code.as_str(),
                match basis {
                    Basis::Named => "it is the asset the request names.",
                    _ if kind == "procurement" => "transfer it instead of buying.",
                    _ => "transfer it to them.",
                }
            );
            AssetUtilisationRow {
                line: "suggestion".to_owned(),
                board: code,
                board_id: asset.custodian_board_id,
                board_name: name,
                category: Some(category.code.as_str().to_owned()),
                assets: None,
                in_use: None,
                idle: None,
                under_repair: None,
                idle_percent: None,
                idle_original_cost: None,
                idle_remaining_value: None,
                open_requests: None,
                matched_requests: None,
                offered_assets: None,
                asset_id: Some(asset.id),
                asset_code: Some(asset.code.as_str().to_owned()),
                asset_name: Some(asset.name.clone()),
                asset_location: Some(asset.location.clone()),
                remaining_value: Some(value),
                to_board: Some(to_code),
                to_board_id: Some(request.board_id),
                to_board_name: Some(to_name),
                request_id: Some(request.id),
                request_kind: Some(kind.to_owned()),
                request_status: Some(request.status.as_str().to_owned()),
                request_filed_on: Some(filed),
                basis: Some(basis.as_str().to_owned()),
                summary: Some(summary),
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssetUtilisation {
    /// The register as it stands on this day (office time).
    pub as_of: NaiveDate,
    pub category: Option<String>,
    /// How many suggestion lines follow the board lines.
    pub suggestions: u32,
    pub rows: Vec<AssetUtilisationRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetUtilisationQuery {
    /// One board (code or id): its lines, and the suggestions it gives or receives.
    pub board: Option<String>,
    /// One asset category (e.g. projector).
    pub category: Option<String>,
    /// json (default) or csv.
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    /// With CSV: a UTF-8 byte-order mark for Excel.
    pub excel: Option<bool>,
}

/// Asset utilisation: per board and asset category the assets held (not
/// disposed) by status, the idle share, original cost and remaining value
/// of the idle ones and the open requests (procurement and transfer_in,
/// submitted or approved); a total line per board; then transfer
/// suggestions — an idle asset of one board for an open request of another
/// board of the same category. CSV columns: line, board, board_id,
/// board_name, category, assets, in_use, idle, under_repair, idle_percent,
/// idle_original_cost, idle_remaining_value, open_requests,
/// matched_requests, offered_assets, asset_id, asset_code, asset_name,
/// asset_location, remaining_value, to_board, to_board_id, to_board_name,
/// request_id, request_kind, request_status, request_filed_on, basis,
/// summary.
#[utoipa::path(
    tag = "reports",
    params(AssetUtilisationQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((AssetUtilisation = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/asset-utilisation")]
pub async fn asset_utilisation(
    _auth: Auth<AssetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AssetUtilisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let mut errors = FieldErrors::new();
    let Some(category) =
        errors.check_opt("category", q.category.as_deref().map(CategoryCode::parse))
    else {
        return Err(errors.into());
    };
    let r = report::prepare(&state.env, q.board, category).await?;
    let (as_of, tz, boards) = (r.as_of, r.tz, r.boards);
    let name = format!("asset-utilisation-{as_of}");
    let lines = r.lines.map(move |l| row(l, &boards, tz));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    let suggestions = rows.iter().filter(|r| r.line == "suggestion").count() as u32;
    Ok(HttpResponse::Ok().json(AssetUtilisation {
        as_of,
        category: q.category.map(|c| c.trim().to_owned()),
        suggestions,
        rows,
    }))
}
