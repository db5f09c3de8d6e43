//! The asset register's operations: registering, changing and transferring
//! assets (each change appended to the asset's history), asset requests
//! with their budget commitments and postings, the yearly wear run and
//! stocktakes. Each runs inside the caller's write transaction and records
//! its audit entries.

pub mod requests;
pub mod stocktakes;
pub mod wear_runs;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::access::{BoardScope, Principal};
use crate::domain::assets::{AssetCode, AssetStatus, CategoryCode, WearRate};
use crate::domain::audit::Actor;
use crate::domain::ledger::account::AccountCode;
use crate::domain::money::Money;
use crate::ops::ledger::LedgerContext;
use crate::ops::{Acting, Env, OpError};
use crate::storage::assets::history::{self, HistoryKind, NewEvent};
use crate::storage::assets::register::{self, Asset, AssetFilter, AssetVisibility, Category};
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

// Units of work: what the JSON API calls. Each runs in its own
// transaction, at the time of the service's clock.

/// Assets with the codes of the categories, by category id, to show
/// them with.
#[derive(Debug)]
pub struct Listed {
    pub assets: Vec<Asset>,
    pub categories: HashMap<Uuid, String>,
}

/// The code of every category, by id.
pub(crate) fn category_codes(conn: &mut DbConn) -> Result<HashMap<Uuid, String>, OpError> {
    Ok(register::categories(conn)?
        .into_iter()
        .map(|c| (c.id, c.code.as_str().to_owned()))
        .collect())
}

/// An asset shown with the category codes.
fn listed(conn: &mut DbConn, asset: Asset) -> Result<Listed, OpError> {
    Ok(Listed {
        assets: vec![asset],
        categories: category_codes(conn)?,
    })
}

/// Whether the caller may see the asset: clerks see their board's assets
/// and idle ones.
fn visible(p: &Principal, a: &Asset) -> bool {
    match p.board_scope() {
        BoardScope::All => true,
        BoardScope::Only(own) => a.custodian_board_id == own || a.status == AssetStatus::Idle,
        BoardScope::None => false,
    }
}

/// An asset the caller may see; otherwise "not found", so an asset a
/// clerk may not see does not show that it exists.
fn visible_asset(conn: &mut DbConn, p: &Principal, id: Uuid) -> Result<Asset, OpError> {
    register::find(conn, id)?
        .filter(|a| visible(p, a))
        .ok_or_else(|| OpError::NotFound("asset".into()))
}

/// What assets to list.
#[derive(Debug, Clone)]
pub struct Search {
    /// Whose assets the caller may see.
    pub visibility: AssetVisibility,
    /// The custodian board.
    pub board_id: Option<Uuid>,
    pub status: Option<AssetStatus>,
    /// An unknown category lists nothing.
    pub category: Option<CategoryCode>,
    /// The exact location.
    pub location: Option<String>,
    /// The last code of the previous page.
    pub after: Option<String>,
}

/// The asset categories.
#[tracing::instrument(skip_all)]
pub async fn categories(env: &Env) -> Result<Vec<Category>, OpError> {
    env.db.read(|conn| Ok(register::categories(conn)?)).await
}

/// Assets in code order.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn list(env: &Env, search: Search, limit: i64) -> Result<Listed, OpError> {
    env.db
        .read(move |conn| {
            let categories = category_codes(conn)?;
            let category_id = match search.category {
                None => None,
                Some(c) => match categories
                    .iter()
                    .find(|(_, code)| code.as_str() == c.as_str())
                {
                    Some((id, _)) => Some(*id),
                    None => {
                        return Ok(Listed {
                            assets: vec![],
                            categories,
                        });
                    }
                },
            };
            let filter = AssetFilter {
                visibility: search.visibility,
                board_id: search.board_id,
                status: search.status,
                category_id,
                location: search.location,
                after: search.after,
            };
            Ok(Listed {
                assets: register::list(conn, &filter, limit)?,
                categories,
            })
        })
        .await
}

/// One asset the caller may see.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn get(env: &Env, who: &Acting, id: Uuid) -> Result<Listed, OpError> {
    let principal = who.principal.clone();
    env.db
        .read(move |conn| {
            let a = visible_asset(conn, &principal, id)?;
            listed(conn, a)
        })
        .await
}

/// The history of an asset the caller may see, oldest first.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn history_of(env: &Env, who: &Acting, id: Uuid) -> Result<Vec<history::Event>, OpError> {
    let principal = who.principal.clone();
    env.db
        .read(move |conn| {
            visible_asset(conn, &principal, id)?;
            Ok(history::of_asset(conn, id)?)
        })
        .await
}

/// Enters an existing asset into the register.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn register(env: &Env, who: &Acting, new: NewAsset) -> Result<Listed, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let a = register_asset(conn, &actor, new, &ctx)?;
            listed(conn, a)
        })
        .await
}

/// Changes an asset's name, location or status.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change(env: &Env, who: &Acting, id: Uuid, c: AssetChange) -> Result<Listed, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let a = change_asset(conn, &actor, id, c, &ctx)?;
            listed(conn, a)
        })
        .await
}

/// Moves an asset into another board's custody.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id, to = %t.to_board_id))]
pub async fn transfer_custody(
    env: &Env,
    who: &Acting,
    id: Uuid,
    t: Transfer,
) -> Result<Listed, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let a = transfer(conn, &actor, id, t, &ctx)?;
            listed(conn, a)
        })
        .await
}
