//! Boards: the Party boards the Office serves.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::board::{Board, BoardCode, BoardName};
use crate::domain::page::PageLimit;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Admins, Auth};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::organisation;
use crate::storage::boards;

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardView {
    pub id: Uuid,
    #[schema(example = "BTC")]
    pub code: String,
    #[schema(example = "Ban Tổ chức Tỉnh ủy")]
    pub name: String,
    pub active: bool,
}

impl From<&Board> for BoardView {
    fn from(b: &Board) -> Self {
        Self {
            id: b.id,
            code: b.code.as_str().to_owned(),
            name: b.name.as_str().to_owned(),
            active: b.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BoardList {
    pub items: Vec<BoardView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Only active (true) or deactivated (false) boards.
    pub active: Option<bool>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List boards in code order. Every signed-in user may read board names.
#[utoipa::path(
    tag = "organisation",
    params(BoardQuery),
    responses((status = 200, description = "Boards", body = BoardList))
)]
#[get("/boards")]
pub async fn list_boards(
    _auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<BoardQuery>,
) -> Result<web::Json<BoardList>, ApiError> {
    let query = query.into_inner();
    let limit = PageLimit::parse(query.limit)
        .map_err(|e| ApiError::validation("limit", e))?
        .get();
    let filter = boards::BoardFilter {
        active: query.active,
        after_code: query.cursor,
    };
    let items = organisation::boards(&state.env, filter, limit).await?;
    Ok(web::Json(BoardList {
        next_cursor: next_cursor(&items, limit, |b| b.code.as_str().to_owned()),
        items: items.iter().map(BoardView::from).collect(),
    }))
}

/// One board.
#[utoipa::path(
    tag = "organisation",
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "The board", body = BoardView),
        (status = 404, description = "No such board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boards/{id}")]
pub async fn get_board(
    _auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<BoardView>, ApiError> {
    let board = organisation::board(&state.env, id.into_inner()).await?;
    Ok(web::Json(BoardView::from(&board)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBoard {
    /// 2–16 letters without diacritics, digits or `-`; upper-cased.
    #[schema(example = "BTC")]
    pub code: String,
    /// Name in Vietnamese, up to 200 characters.
    #[schema(example = "Ban Tổ chức Tỉnh ủy")]
    pub name: String,
}

/// Create a board (admin).
#[utoipa::path(
    tag = "organisation",
    request_body = CreateBoard,
    responses(
        (status = 201, description = "Created", body = BoardView),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boards")]
pub async fn create_board(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    body: Json<CreateBoard>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let code = errors.check("code", BoardCode::parse(&body.code));
    let name = errors.check("name", BoardName::parse(&body.name));
    let (Some(code), Some(name)) = (code, name) else {
        return Err(errors.into());
    };
    let board = organisation::add_board(&state.env, &auth.acting(), code, name).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/boards/{}", board.id)))
        .json(BoardView::from(&board)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBoard {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// `false` deactivates the board: no new clerks can be assigned to it.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// Rename, deactivate or reactivate a board (admin). The code never changes.
#[utoipa::path(
    tag = "organisation",
    request_body = UpdateBoard,
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "Updated", body = BoardView),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/boards/{id}")]
pub async fn update_board(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateBoard>,
) -> Result<web::Json<BoardView>, ApiError> {
    let UpdateBoard { name, active } = body.into_inner();
    let mut errors = FieldErrors::new();
    let name = errors.check_opt("name", name.as_deref().map(BoardName::parse));
    let Some(name) = name else {
        return Err(errors.into());
    };
    let id = id.into_inner();
    let board = organisation::change_board(&state.env, &auth.acting(), id, name, active).await?;
    Ok(web::Json(BoardView::from(&board)))
}
