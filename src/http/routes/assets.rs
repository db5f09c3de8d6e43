//! The asset register: categories, assets, transfers between boards and
//! each asset's history. Finance registers and changes assets; finance and
//! managers transfer them. Clerks see their board's assets and the idle
//! pool; finance, managers and administrators see every asset.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::access::{BoardScope, Principal};
use crate::domain::assets::wear::remaining;
use crate::domain::assets::{AssetCode, AssetStatus, CategoryCode, WearRate};
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{AssetDeciders, AssetReaders, Auth, FinanceDesk};
use crate::http::state::AppState;
use crate::ops::assets::{self as ops, AssetChange, Listed, NewAsset, Search, Transfer};
use crate::storage::assets::history::Event;
use crate::storage::assets::register::{Asset, AssetVisibility};

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: Uuid,
    #[schema(example = "projector")]
    pub code: String,
    #[schema(example = "Máy chiếu")]
    pub name: String,
    #[schema(example = "chiếc")]
    pub unit: String,
    /// Default annual wear, percent of the original cost.
    #[schema(example = "20")]
    pub wear_rate: String,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryView>,
}

/// Asset categories with their default annual wear rate.
#[utoipa::path(
    tag = "assets",
    responses(
        (status = 200, description = "Categories", body = CategoryList),
        (status = 403, description = "Not a clerk, finance, a manager or an administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/asset-categories")]
pub async fn list_categories(
    _auth: Auth<AssetReaders>,
    state: web::Data<AppState>,
) -> Result<web::Json<CategoryList>, ApiError> {
    let cats = ops::categories(&state.env).await?;
    Ok(web::Json(CategoryList {
        items: cats
            .into_iter()
            .map(|c| CategoryView {
                id: c.id,
                code: c.code.as_str().to_owned(),
                name: c.name,
                unit: c.unit,
                wear_rate: c.wear_rate.to_string(),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetView {
    pub id: Uuid,
    #[schema(example = "BTC-MC-0001")]
    pub code: String,
    #[schema(example = "Máy chiếu Epson EB-X51")]
    pub name: String,
    #[schema(example = "projector")]
    pub category: String,
    pub category_id: Uuid,
    #[schema(example = "chiếc")]
    pub unit: String,
    /// Nguyên giá.
    #[schema(value_type = String, example = "24000000")]
    pub original_cost: Money,
    /// Wear posted so far.
    #[schema(value_type = String, example = "1600000")]
    pub accumulated_wear: Money,
    /// Original cost less accumulated wear; never below zero.
    #[schema(value_type = String, example = "22400000")]
    pub remaining_value: Money,
    pub acquired_on: NaiveDate,
    /// Annual wear, percent of the original cost.
    #[schema(example = "20")]
    pub wear_rate: String,
    pub custodian_board_id: Uuid,
    #[schema(example = "Phòng họp tầng 2")]
    pub location: String,
    /// in_use, idle, under_repair or disposed.
    pub status: String,
    /// The board that owned it before pooling.
    pub origin_board_id: Uuid,
    pub disposed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(a: &Asset, codes: &HashMap<Uuid, String>) -> AssetView {
    AssetView {
        id: a.id,
        code: a.code.as_str().to_owned(),
        name: a.name.clone(),
        category: codes.get(&a.category_id).cloned().unwrap_or_default(),
        category_id: a.category_id,
        unit: a.unit.clone(),
        original_cost: a.original_cost,
        accumulated_wear: a.accumulated_wear,
        remaining_value: remaining(a.original_cost, a.accumulated_wear),
        acquired_on: a.acquired_on,
        wear_rate: a.wear_rate.to_string(),
        custodian_board_id: a.custodian_board_id,
        location: a.location.clone(),
        status: a.status.as_str().to_owned(),
        origin_board_id: a.origin_board_id,
        disposed_on: a.disposed_on,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// The view of the one asset an operation returned.
fn one(listed: &Listed) -> AssetView {
    view(&listed.assets[0], &listed.categories)
}

fn visibility(p: &Principal) -> Result<AssetVisibility, ApiError> {
    match p.board_scope() {
        BoardScope::All => Ok(AssetVisibility::All),
        BoardScope::Only(own) => Ok(AssetVisibility::BoardAndIdle(own)),
        BoardScope::None => Err(ApiError::Forbidden(
            "Your account has no board; ask an administrator.".to_owned(),
        )),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssetList {
    pub items: Vec<AssetView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetQuery {
    /// in_use, idle, under_repair or disposed.
    pub status: Option<String>,
    /// Category code, e.g. projector.
    pub category: Option<String>,
    /// Custodian board.
    pub board_id: Option<Uuid>,
    /// Exact location.
    pub location: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Assets in code order (clerks: their board's and idle ones).
#[utoipa::path(
    tag = "assets",
    params(AssetQuery),
    responses(
        (status = 200, description = "Assets", body = AssetList),
        (status = 403, description = "Not a clerk, finance, a manager or an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets")]
pub async fn list_assets(
    auth: Auth<AssetReaders>,
    state: web::Data<AppState>,
    query: web::Query<AssetQuery>,
) -> Result<web::Json<AssetList>, ApiError> {
    let (search, limit) = query.into_inner().parse(&auth.principal)?;
    let listed = ops::list(&state.env, search, limit).await?;
    Ok(web::Json(AssetList {
        next_cursor: crate::http::routes::next_cursor(&listed.assets, limit, |a| {
            a.code.as_str().to_owned()
        }),
        items: listed
            .assets
            .iter()
            .map(|a| view(a, &listed.categories))
            .collect(),
    }))
}

impl AssetQuery {
    fn parse(self, principal: &Principal) -> Result<(Search, i64), ApiError> {
        let q = self;
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(q.limit));
        let status = errors.check_opt("status", q.status.as_deref().map(AssetStatus::parse));
        let category = errors.check_opt("category", q.category.as_deref().map(CategoryCode::parse));
        let after = errors.check_opt(
            "cursor",
            q.cursor.as_deref().map(|c| {
                AssetCode::parse(c)
                    .map(|c| c.as_str().to_owned())
                    .map_err(|_| {
                        ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.")
                    })
            }),
        );
        let (Some(limit), Some(status), Some(category), Some(after)) =
            (limit, status, category, after)
        else {
            return Err(errors.into());
        };
        let search = Search {
            visibility: visibility(principal)?,
            board_id: q.board_id,
            status,
            category,
            location: q.location,
            after,
        };
        Ok((search, limit.get()))
    }
}

/// One asset.
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Asset id")),
    responses(
        (status = 200, description = "The asset", body = AssetView),
        (status = 403, description = "Not a clerk, finance, a manager or an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset, or not visible to a clerk", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets/{id}")]
pub async fn get_asset(
    auth: Auth<AssetReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<AssetView>, ApiError> {
    let listed = ops::get(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(one(&listed)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAsset {
    /// The label code, unique: 2–32 letters, digits, '-', '.', '/'.
    #[schema(example = "BTC-MC-0001")]
    pub code: String,
    #[schema(example = "Máy chiếu Epson EB-X51")]
    pub name: String,
    /// Category code, e.g. projector (see GET /asset-categories).
    #[schema(example = "projector")]
    pub category: String,
    /// Unit of count; the category's when left out.
    pub unit: Option<String>,
    /// Nguyên giá: more than 0, at most two decimals.
    #[schema(example = "24000000")]
    pub original_cost: String,
    /// Wear already accumulated before registration (default 0).
    pub accumulated_wear: Option<String>,
    pub acquired_on: NaiveDate,
    /// Annual wear in percent; the category's rate when left out.
    #[schema(example = "20")]
    pub wear_rate: Option<String>,
    pub custodian_board_id: Uuid,
    #[schema(example = "Phòng họp tầng 2")]
    pub location: String,
    /// in_use (default) or idle.
    pub status: Option<String>,
    /// The board that owned it before pooling; the custodian when left out.
    pub origin_board_id: Option<Uuid>,
}

fn location(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<String> {
    errors.check(field, text::bounded("Location", raw, 1, 200))
}

/// Enter an existing asset into the register (finance). Nothing is posted:
/// the asset's value is already on the books. Purchases go through asset
/// requests.
#[utoipa::path(
    tag = "assets",
    request_body = CreateAsset,
    responses(
        (status = 201, description = "Registered", body = AssetView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken (`asset_code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assets")]
pub async fn create_asset(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateAsset>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let listed = ops::register(&state.env, &auth.acting(), new).await?;
    let v = one(&listed);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/assets/{}", v.id)))
        .json(v))
}

impl CreateAsset {
    fn parse(self) -> Result<NewAsset, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let code = errors.check("code", AssetCode::parse(&b.code));
        let name = errors.check("name", text::bounded("Name", &b.name, 1, 200));
        let category = errors.check("category", CategoryCode::parse(&b.category));
        let unit = errors.check_opt(
            "unit",
            b.unit.as_deref().map(|u| text::bounded("Unit", u, 1, 40)),
        );
        let cost = errors.check(
            "original_cost",
            crate::domain::ledger::journal::positive_amount(&b.original_cost),
        );
        let wear = errors.check_opt(
            "accumulated_wear",
            b.accumulated_wear
                .as_deref()
                .map(|w| Money::parse_not_negative(w, "Accumulated wear cannot be negative.")),
        );
        let rate = errors.check_opt("wear_rate", b.wear_rate.as_deref().map(WearRate::parse));
        let location = location(&mut errors, "location", &b.location);
        let status = errors.check_opt("status", b.status.as_deref().map(AssetStatus::parse));
        let (
            Some(code),
            Some(name),
            Some(category),
            Some(unit),
            Some(cost),
            Some(wear),
            Some(rate),
            Some(location),
            Some(status),
        ) = (
            code, name, category, unit, cost, wear, rate, location, status,
        )
        else {
            return Err(errors.into());
        };
        Ok(NewAsset {
            code,
            name,
            category,
            unit,
            original_cost: cost,
            accumulated_wear: wear.unwrap_or(Money::ZERO),
            acquired_on: b.acquired_on,
            wear_rate: rate,
            custodian_board_id: b.custodian_board_id,
            location,
            status: status.unwrap_or(AssetStatus::InUse),
            origin_board_id: b.origin_board_id,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub location: Option<String>,
    /// in_use, idle, under_repair or disposed (final; dated today).
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub status: Option<String>,
    /// Why, kept in the asset's history.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub reason: Option<String>,
}

/// Change an asset's name, location or status (finance). Location and
/// status changes go into its history; a disposed asset cannot change.
#[utoipa::path(
    tag = "assets",
    request_body = UpdateAsset,
    params(("id" = Uuid, Path, description = "Asset id")),
    responses(
        (status = 200, description = "Changed", body = AssetView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The asset is disposed (`asset_disposed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/assets/{id}")]
pub async fn update_asset(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateAsset>,
) -> Result<web::Json<AssetView>, ApiError> {
    let change = body.into_inner().parse()?;
    let listed = ops::change(&state.env, &auth.acting(), id.into_inner(), change).await?;
    Ok(web::Json(one(&listed)))
}

impl UpdateAsset {
    fn parse(self) -> Result<AssetChange, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let name = errors.check_opt(
            "name",
            b.name.as_deref().map(|n| text::bounded("Name", n, 1, 200)),
        );
        let location = errors.check_opt(
            "location",
            b.location
                .as_deref()
                .map(|l| text::bounded("Location", l, 1, 200)),
        );
        let status = errors.check_opt("status", b.status.as_deref().map(AssetStatus::parse));
        let reason = errors.check_opt(
            "reason",
            b.reason
                .as_deref()
                .map(|r| text::bounded("Reason", r, 1, 500)),
        );
        let (Some(name), Some(location), Some(status), Some(reason)) =
            (name, location, status, reason)
        else {
            return Err(errors.into());
        };
        Ok(AssetChange {
            name,
            location,
            status,
            reason,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferAsset {
    /// The board taking custody.
    pub to_board_id: Uuid,
    /// Why, kept in the asset's history.
    #[schema(example = "Điều chuyển máy chiếu dư thừa cho Ban Tổ chức")]
    pub reason: String,
    /// New location; kept when left out.
    pub location: Option<String>,
    /// in_use (default) or idle.
    pub status: Option<String>,
}

/// Transfer an asset to another board (finance, managers), with a reason;
/// recorded in its history. A disposed asset cannot be transferred.
#[utoipa::path(
    tag = "assets",
    request_body = TransferAsset,
    params(("id" = Uuid, Path, description = "Asset id")),
    responses(
        (status = 200, description = "Transferred", body = AssetView),
        (status = 403, description = "Not finance or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The asset is disposed (`asset_disposed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused (e.g. `same_board`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assets/{id}/transfer")]
pub async fn transfer_asset(
    auth: Auth<AssetDeciders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<TransferAsset>,
) -> Result<web::Json<AssetView>, ApiError> {
    let t = body.into_inner().parse()?;
    let listed = ops::transfer_custody(&state.env, &auth.acting(), id.into_inner(), t).await?;
    Ok(web::Json(one(&listed)))
}

impl TransferAsset {
    fn parse(self) -> Result<Transfer, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", text::bounded("Reason", &b.reason, 1, 500));
        let location = errors.check_opt(
            "location",
            b.location
                .as_deref()
                .map(|l| text::bounded("Location", l, 1, 200)),
        );
        let status = errors.check_opt("status", b.status.as_deref().map(AssetStatus::parse));
        let (Some(reason), Some(location), Some(status)) = (reason, location, status) else {
            return Err(errors.into());
        };
        Ok(Transfer {
            to_board_id: b.to_board_id,
            reason,
            location,
            status,
            asset_request_id: None,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEvent {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// registered, acquired, transfer, status, location, wear or repair.
    pub kind: String,
    pub from_board_id: Option<Uuid>,
    pub to_board_id: Option<Uuid>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    /// Cost (registered, acquired, repair) or a year's wear.
    #[schema(value_type = Option<String>)]
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub asset_request_id: Option<Uuid>,
    pub wear_run_id: Option<Uuid>,
    pub journal_entry_id: Option<Uuid>,
    /// Who did it (username).
    pub actor: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssetHistory {
    pub asset_id: Uuid,
    pub items: Vec<HistoryEvent>,
}

fn event_view(e: Event) -> HistoryEvent {
    HistoryEvent {
        id: e.id,
        occurred_at: e.occurred_at,
        kind: e.kind,
        from_board_id: e.from_board_id,
        to_board_id: e.to_board_id,
        from_status: e.from_status,
        to_status: e.to_status,
        from_location: e.from_location,
        to_location: e.to_location,
        amount: e.amount,
        reason: e.reason,
        asset_request_id: e.asset_request_id,
        wear_run_id: e.wear_run_id,
        journal_entry_id: e.journal_entry_id,
        actor: e.actor,
    }
}

/// Every custody, status, location and value change of an asset, oldest
/// first.
#[utoipa::path(
    tag = "assets",
    params(("id" = Uuid, Path, description = "Asset id")),
    responses(
        (status = 200, description = "The history", body = AssetHistory),
        (status = 403, description = "Not a clerk, finance, a manager or an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset, or not visible to a clerk", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets/{id}/history")]
pub async fn asset_history(
    auth: Auth<AssetReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<AssetHistory>, ApiError> {
    let id = id.into_inner();
    let items = ops::history_of(&state.env, &auth.acting(), id).await?;
    Ok(web::Json(AssetHistory {
        asset_id: id,
        items: items.into_iter().map(event_view).collect(),
    }))
}
