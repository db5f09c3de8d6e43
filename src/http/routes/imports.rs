//! The consolidation import: a board's legacy register (vehicles, drivers,
//! assets, opening budget balances) sent as a CSV file.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::ParseError;
use crate::domain::board::BoardCode;
use crate::domain::import::Kind;
use crate::domain::user::Role;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::{CsvBody, IMPORT_CSV_LIMIT};
use crate::http::guard::{Auth, Importers};
use crate::http::state::AppState;
use crate::ops::import::{self as ops, ImportReport, Options};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Code of the board whose register this is, e.g. BTC. It becomes the
    /// `origin_board` of what is created.
    #[param(required = true, example = "BTC")]
    pub board: Option<String>,
    /// Check everything and report what would happen, without keeping it.
    pub dry_run: Option<bool>,
    /// Import the good rows and report the bad ones, instead of refusing
    /// the whole file.
    pub skip_bad_rows: Option<bool>,
}

/// Who may import a kind: the fleet desk its registers, finance its.
fn allowed(kind: Kind, role: Role) -> bool {
    match kind {
        Kind::Vehicles | Kind::Drivers => matches!(role, Role::Dispatcher | Role::Admin),
        Kind::Assets | Kind::OpeningBalances => matches!(role, Role::Finance | Role::Admin),
    }
}

/// Import a board's legacy register from CSV (vehicles and drivers: fleet
/// desk; assets and opening-balances: finance; administrators: all).
///
/// Send the file itself as the body with `Content-Type: text/csv`:
/// UTF-8 (a byte-order mark is fine), `,` or `;` between fields, a header
/// row naming the columns in English or Vietnamese (any order, diacritics
/// optional; unknown columns such as STT are ignored and listed), dates as
/// dd/mm/yyyy or yyyy-mm-dd, numbers with or without thousands separators
/// (1.250.000). The columns of each kind are in docs/import.md.
///
/// Rows are matched by plate, licence number, asset code, or budget line
/// and year: new ones are created, equal ones left unchanged, differing
/// ones reported as conflicts (the register is kept). A key already
/// registered by another board is a row problem, never merged. A file
/// with problems imports nothing (422 `import_rejected`, each problem in
/// `errors` as `rows[<line>].<column>`) unless `skip_bad_rows=true`.
/// `dry_run=true` runs the same import and rolls it back.
#[utoipa::path(
    tag = "imports",
    params(
        ("kind" = String, Path, description = "vehicles, drivers, assets or opening-balances"),
        ImportQuery
    ),
    request_body(content = String, content_type = "text/csv",
        description = "The register, e.g. `Biển số;Nhãn hiệu;Số chỗ;Loại xe;Định mức nhiên liệu` then `14A-123.45;Toyota Camry;5;sedan;9,5`"),
    responses(
        (status = 200, description = "Imported (or, with dry_run, what would be imported)", body = ImportReport),
        (status = 403, description = "The role may not import this kind", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such kind of import", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems in the file (nothing imported), or an unknown board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/imports/{kind}")]
pub async fn import_register(
    auth: Auth<Importers>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ImportQuery>,
    body: CsvBody<IMPORT_CSV_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let kind = Kind::parse(&path.into_inner()).map_err(|e| ApiError::NotFound(e.message))?;
    if !allowed(kind, auth.principal.role) {
        return Err(ApiError::Forbidden(format!(
            "Your role may not import {}: vehicles and drivers are imported by the fleet desk, \
             assets and opening balances by finance.",
            kind.as_str()
        )));
    }
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let board = errors.check(
        "board",
        q.board.as_deref().map_or_else(
            || {
                Err(ParseError::new(
                    "required",
                    "Give the board whose register this is, e.g. board=BTC.",
                ))
            },
            BoardCode::parse,
        ),
    );
    errors.finish()?;
    let board = board.expect("checked above");
    let opts = Options {
        dry_run: q.dry_run.unwrap_or(false),
        skip_bad_rows: q.skip_bad_rows.unwrap_or(false),
    };
    let report = ops::import(&state.env, &auth.acting(), kind, board, body.0, opts).await?;
    Ok(HttpResponse::Ok().json(report))
}
