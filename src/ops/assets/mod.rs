//! The asset register's operations: registering, changing and transferring
//! assets (each change appended to the asset's history), asset requests
//! with their budget commitments and postings, the yearly wear run and
//! stocktakes. Each runs inside the caller's write transaction and records
//! its audit entries.

pub mod requests;
pub mod stocktakes;
pub mod utilisation;
pub mod wear_runs;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::assets::{AssetCode, AssetStatus, CategoryCode, WearRate};
use crate::domain::audit::Actor;
use crate::domain::ledger::account::AccountCode;
use crate::domain::money::Money;
use crate::ops::OpError;
use crate::ops::ledger::LedgerContext;
use crate::storage::assets::history::{self, HistoryKind, NewEvent};
use crate::storage::assets::register::{self, Asset, Category};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::accounts;
use crate::storage::{DbConn, boards, is_unique_violation};

/// Tài sản cố định hữu hình: debited with a purchase's cost.
pub const FIXED_ASSET_ACCOUNT: &str = "211";
/// Hao mòn lũy kế: credited with each year's wear.
pub const ACCUMULATED_WEAR_ACCOUNT: &str = "214";
/// Phải trả cho người bán: what the office owes the supplier until paid.
pub const PAYABLE_ACCOUNT: &str = "331";
/// Các khoản nhận trước chưa ghi thu: the budget funding an asset, written
/// down by its wear.
pub const DEFERRED_FUNDING_ACCOUNT: &str = "366";
/// Chi phí hoạt động: what the budget line spends.
pub const EXPENSE_ACCOUNT: &str = "611";

/// An idle asset offered instead of a purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IdleAsset {
    pub id: Uuid,
    #[schema(example = "UBKT-MC-0003")]
    pub code: String,
    pub name: String,
    /// The board that holds it now.
    pub custodian_board_id: Uuid,
    pub location: String,
    /// Original cost less accumulated wear.
    #[schema(value_type = String, example = "14400000")]
    pub remaining_value: Money,
}

impl IdleAsset {
    pub fn of(a: &Asset) -> Self {
        Self {
            id: a.id,
            code: a.code.as_str().to_owned(),
            name: a.name.clone(),
            custodian_board_id: a.custodian_board_id,
            location: a.location.clone(),
            remaining_value: crate::domain::assets::wear::remaining(
                a.original_cost,
                a.accumulated_wear,
            ),
        }
    }
}

pub(crate) fn asset_json(a: &Asset) -> serde_json::Value {
    json!({
        "id": a.id, "code": a.code.as_str(), "name": a.name, "category_id": a.category_id,
        "unit": a.unit, "original_cost": a.original_cost, "accumulated_wear": a.accumulated_wear,
        "acquired_on": a.acquired_on, "wear_rate": a.wear_rate.to_string(),
        "custodian_board_id": a.custodian_board_id, "location": a.location,
        "status": a.status.as_str(), "origin_board_id": a.origin_board_id,
        "disposed_on": a.disposed_on,
    })
}

pub(crate) fn account_id(conn: &mut DbConn, code: &str) -> Result<Uuid, OpError> {
    let parsed = AccountCode::parse(code).map_err(|e| OpError::invalid("account", e))?;
    accounts::find_by_code(conn, &parsed)?
        .map(|a| a.id)
        .ok_or_else(|| {
            OpError::conflict(
                "account_missing",
                format!("Account {code} is not in the chart of accounts; ask finance to add it."),
            )
        })
}

/// An active board, or the refusal of `field`.
pub(crate) fn active_board(
    conn: &mut DbConn,
    id: Uuid,
    field: &'static str,
) -> Result<crate::domain::board::Board, OpError> {
    match boards::find(conn, id)? {
        Some(b) if b.active => Ok(b),
        Some(b) => Err(OpError::invalid(
            field,
            ParseError::new(
                "board_inactive",
                format!("Board {} is deactivated.", b.code.as_str()),
            ),
        )),
        None => Err(OpError::invalid(
            field,
            ParseError::new("board_unknown", "No board has this id."),
        )),
    }
}

pub(crate) fn category(conn: &mut DbConn, code: &CategoryCode) -> Result<Category, OpError> {
    register::category_by_code(conn, code)?.ok_or_else(|| {
        OpError::invalid(
            "category",
            ParseError::new(
                "category_unknown",
                format!(
                    "There is no asset category {}; see GET /api/v1/asset-categories.",
                    code.as_str()
                ),
            ),
        )
    })
}

pub(crate) fn disposed(a: &Asset) -> OpError {
    OpError::conflict(
        "asset_disposed",
        format!(
            "Asset {} was disposed of on {}; it can no longer be transferred, requested or changed.",
            a.code,
            a.disposed_on.map(|d| d.to_string()).unwrap_or_default()
        ),
    )
}

/// Loads and locks an asset.
pub(crate) fn load(conn: &mut DbConn, id: Uuid) -> Result<Asset, OpError> {
    register::lock(conn, id)?;
    register::find(conn, id)?.ok_or_else(|| OpError::NotFound("asset".into()))
}

pub(crate) fn audit_change(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    before: Option<&Asset>,
    after: &Asset,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "asset",
            entity_id: after.id,
            board_id: Some(after.custodian_board_id),
            before: before.map(asset_json),
            after: Some(asset_json(after)),
        },
        ctx.now,
    )?;
    Ok(())
}

/// An asset to enter into the register, parsed.
pub struct NewAsset {
    pub code: AssetCode,
    pub name: String,
    pub category: CategoryCode,
    /// The category's unit when none is given.
    pub unit: Option<String>,
    pub original_cost: Money,
    /// Wear already accumulated (an asset registered in its later years).
    pub accumulated_wear: Money,
    pub acquired_on: NaiveDate,
    /// The category's rate when none is given.
    pub wear_rate: Option<WearRate>,
    pub custodian_board_id: Uuid,
    pub location: String,
    pub status: AssetStatus,
    /// The custodian when none is given.
    pub origin_board_id: Option<Uuid>,
}

fn code_taken(code: &AssetCode) -> OpError {
    OpError::conflict(
        "asset_code_taken",
        format!("Asset code {code} is already in the register; each asset has its own code."),
    )
}

/// Inserts an asset and its first history row; a duplicate code is 409.
pub(crate) fn insert_asset(
    conn: &mut DbConn,
    actor: &Actor,
    a: &Asset,
    kind: HistoryKind,
    event: &NewEvent<'_>,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    if register::find_by_code(conn, &a.code)?.is_some() {
        return Err(code_taken(&a.code));
    }
    register::insert(conn, a).map_err(|e| {
        if is_unique_violation(&e) {
            code_taken(&a.code)
        } else {
            e.into()
        }
    })?;
    history::append(conn, a.id, kind, event, actor, ctx.now)?;
    audit_change(conn, actor, "create", None, a, ctx)
}

/// Enters an existing asset into the register (no posting: its value is
/// already on the books, e.g. brought in by the consolidation import).
pub fn register_asset(
    conn: &mut DbConn,
    actor: &Actor,
    n: NewAsset,
    ctx: &LedgerContext,
) -> Result<Asset, OpError> {
    let mut errors: Vec<(String, ParseError)> = Vec::new();
    if n.acquired_on > ctx.today() {
        errors.push((
            "acquired_on".into(),
            ParseError::new(
                "date_in_future",
                format!(
                    "{} is after today; register an asset once it is acquired.",
                    n.acquired_on
                ),
            ),
        ));
    }
    if n.accumulated_wear > n.original_cost {
        errors.push((
            "accumulated_wear".into(),
            ParseError::new(
                "wear_exceeds_cost",
                format!(
                    "Accumulated wear {} is more than the original cost {}.",
                    n.accumulated_wear, n.original_cost
                ),
            ),
        ));
    }
    if !matches!(n.status, AssetStatus::InUse | AssetStatus::Idle) {
        errors.push((
            "status".into(),
            ParseError::new(
                "invalid_asset_status",
                "A new asset is registered in_use or idle.",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(OpError::Fields(errors));
    }
    let cat = category(conn, &n.category)?;
    active_board(conn, n.custodian_board_id, "custodian_board_id")?;
    let origin = n.origin_board_id.unwrap_or(n.custodian_board_id);
    if boards::find(conn, origin)?.is_none() {
        return Err(OpError::invalid(
            "origin_board_id",
            ParseError::new("board_unknown", "No board has this id."),
        ));
    }
    let a = Asset {
        id: Uuid::now_v7(),
        code: n.code,
        name: n.name,
        category_id: cat.id,
        unit: n.unit.unwrap_or(cat.unit),
        original_cost: n.original_cost,
        accumulated_wear: n.accumulated_wear,
        acquired_on: n.acquired_on,
        wear_rate: n.wear_rate.unwrap_or(cat.wear_rate),
        custodian_board_id: n.custodian_board_id,
        location: n.location,
        status: n.status,
        origin_board_id: origin,
        disposed_on: None,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    insert_asset(
        conn,
        actor,
        &a,
        HistoryKind::Registered,
        &NewEvent {
            to_board_id: Some(a.custodian_board_id),
            to_status: Some(a.status.as_str()),
            to_location: Some(&a.location),
            amount: Some(a.original_cost),
            ..Default::default()
        },
        ctx,
    )?;
    Ok(a)
}

/// A change of name, location or status.
#[derive(Debug, Default)]
pub struct AssetChange {
    pub name: Option<String>,
    pub location: Option<String>,
    pub status: Option<AssetStatus>,
    pub reason: Option<String>,
}

/// Changes an asset's name, location or status; each location or status
/// change is appended to its history. Disposal (status `disposed`) is
/// dated today and final.
pub fn change_asset(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    c: AssetChange,
    ctx: &LedgerContext,
) -> Result<Asset, OpError> {
    let before = load(conn, id)?;
    if before.status == AssetStatus::Disposed {
        return Err(disposed(&before));
    }
    let mut after = before.clone();
    if let Some(name) = c.name {
        after.name = name;
    }
    let reason = c.reason.as_deref();
    if let Some(location) = c.location
        && location != before.location
    {
        after.location = location;
        history::append(
            conn,
            id,
            HistoryKind::Location,
            &NewEvent {
                from_location: Some(&before.location),
                to_location: Some(&after.location),
                reason,
                ..Default::default()
            },
            actor,
            ctx.now,
        )?;
    }
    if let Some(status) = c.status
        && status != before.status
    {
        after.status = status;
        if status == AssetStatus::Disposed {
            after.disposed_on = Some(ctx.today());
        }
        history::append(
            conn,
            id,
            HistoryKind::Status,
            &NewEvent {
                from_status: Some(before.status.as_str()),
                to_status: Some(status.as_str()),
                reason,
                ..Default::default()
            },
            actor,
            ctx.now,
        )?;
    }
    if after == before {
        return Ok(before);
    }
    register::update(conn, &after, ctx.now)?;
    let after = register::find(conn, id)?.ok_or_else(|| OpError::NotFound("asset".into()))?;
    audit_change(
        conn,
        actor,
        if after.status == AssetStatus::Disposed {
            "dispose"
        } else {
            "update"
        },
        Some(&before),
        &after,
        ctx,
    )?;
    Ok(after)
}

/// A transfer to another board.
pub struct Transfer {
    pub to_board_id: Uuid,
    pub reason: String,
    /// Kept when not given.
    pub location: Option<String>,
    /// `in_use` when not given.
    pub status: Option<AssetStatus>,
    /// The request that asked for it (transfer_in).
    pub asset_request_id: Option<Uuid>,
}

/// Moves an asset into another board's custody, recording from and to
/// (board, status, location) and the reason in its history. A disposed
/// asset cannot be transferred.
pub fn transfer(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    t: Transfer,
    ctx: &LedgerContext,
) -> Result<Asset, OpError> {
    let before = load(conn, id)?;
    if before.status == AssetStatus::Disposed {
        return Err(disposed(&before));
    }
    if before.custodian_board_id == t.to_board_id {
        return Err(OpError::invalid(
            "to_board_id",
            ParseError::new(
                "same_board",
                format!(
                    "Asset {} is already in this board's custody; choose another board.",
                    before.code
                ),
            ),
        ));
    }
    let status = t.status.unwrap_or(AssetStatus::InUse);
    if !matches!(status, AssetStatus::InUse | AssetStatus::Idle) {
        return Err(OpError::invalid(
            "status",
            ParseError::new(
                "invalid_asset_status",
                "A transferred asset arrives in_use or idle.",
            ),
        ));
    }
    active_board(conn, t.to_board_id, "to_board_id")?;
    let mut after = before.clone();
    after.custodian_board_id = t.to_board_id;
    after.status = status;
    if let Some(l) = t.location {
        after.location = l;
    }
    register::update(conn, &after, ctx.now)?;
    history::append(
        conn,
        id,
        HistoryKind::Transfer,
        &NewEvent {
            from_board_id: Some(before.custodian_board_id),
            to_board_id: Some(after.custodian_board_id),
            from_status: Some(before.status.as_str()),
            to_status: Some(after.status.as_str()),
            from_location: Some(&before.location),
            to_location: Some(&after.location),
            reason: Some(&t.reason),
            asset_request_id: t.asset_request_id,
            ..Default::default()
        },
        actor,
        ctx.now,
    )?;
    let after = register::find(conn, id)?.ok_or_else(|| OpError::NotFound("asset".into()))?;
    audit_change(conn, actor, "transfer", Some(&before), &after, ctx)?;
    Ok(after)
}
