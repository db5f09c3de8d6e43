//! Asset requests from boards: procurement, repair, transfer_in.
//!
//! submitted → approved (the estimate is committed on the request's budget
//! line, after the budget check) → fulfilled (the asset is bought, repaired
//! or moved; the cost is posted and the commitment settled), or rejected
//! (while submitted or approved; a commitment is released). A purchase of
//! a category that has idle assets is refused with the idle assets listed,
//! unless the request says `buy_anyway`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use super::{
    DEFERRED_FUNDING_ACCOUNT, EXPENSE_ACCOUNT, FIXED_ASSET_ACCOUNT, IdleAsset, PAYABLE_ACCOUNT,
    Transfer, account_id, active_board, category, category_codes, disposed, insert_asset, load,
};
use crate::domain::ParseError;
use crate::domain::access::BoardScope;
use crate::domain::assets::{
    AssetCode, AssetStatus, CategoryCode, RequestAction, RequestKind, RequestStatus,
};
use crate::domain::audit::Actor;
use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode};
use crate::domain::ledger::journal::{self as entries, BalancedLines, Side, Source};
use crate::domain::money::Money;
use crate::ops::ledger::LedgerContext;
use crate::ops::ledger::budget::{self, BudgetShortfall, Enforcement};
use crate::ops::ledger::journal::{self, Posting};
use crate::ops::{Acting, Env, OpError};
use crate::storage::DbConn;
use crate::storage::assets::history::{self, HistoryKind, NewEvent};
use crate::storage::assets::register::{self, Asset};
use crate::storage::assets::requests::{self as store, AssetRequest, RequestFilter};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::budget_lines;
use crate::storage::ledger::commitments::{self, CommitmentSource};

/// A request as filed, parsed. The caller has decided the board (a
/// clerk's own).
pub struct NewRequest {
    pub kind: RequestKind,
    pub board_id: Uuid,
    /// Procurement: the category to buy.
    pub category: Option<CategoryCode>,
    /// Repair: the asset to repair; transfer_in: the idle asset wanted.
    pub asset_id: Option<Uuid>,
    /// The kind's default line when none is given.
    pub budget_line: Option<BudgetLineCode>,
    /// The estimate; zero is accepted for a transfer with no cost.
    pub amount: Money,
    pub description: String,
    pub buy_anyway: bool,
}

pub(crate) fn request_json(r: &AssetRequest) -> serde_json::Value {
    json!({
        "id": r.id, "kind": r.kind.as_str(), "board_id": r.board_id,
        "category_id": r.category_id, "asset_id": r.asset_id,
        "budget_line_id": r.budget_line_id, "amount": r.amount,
        "description": r.description, "buy_anyway": r.buy_anyway,
        "status": r.status.as_str(), "decided_by": r.decided_by,
        "decision_reason": r.decision_reason, "fulfilled_by": r.fulfilled_by,
        "cost": r.cost, "journal_entry_id": r.journal_entry_id,
    })
}

fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> OpError {
    OpError::invalid(field, ParseError::new(code, message))
}

fn budget_line(
    conn: &mut DbConn,
    code: Option<BudgetLineCode>,
    kind: RequestKind,
) -> Result<BudgetLine, OpError> {
    let code = match code {
        Some(c) => c,
        None => BudgetLineCode::parse(kind.default_budget_line())
            .map_err(|e| OpError::invalid("budget_line", e))?,
    };
    match budget_lines::find_by_code(conn, &code)? {
        Some(l) if l.active => Ok(l),
        Some(l) => Err(field(
            "budget_line",
            "budget_line_inactive",
            format!("Budget line {} is closed to new spending.", l.code.as_str()),
        )),
        None => Err(field(
            "budget_line",
            "budget_line_unknown",
            format!(
                "There is no budget line {}; see GET /api/v1/budget-lines.",
                code.as_str()
            ),
        )),
    }
}

/// The idle assets a purchase of `category_id` should consider first.
fn refuse_if_idle(conn: &mut DbConn, category_id: Uuid, category: &str) -> Result<(), OpError> {
    let idle = register::idle_of_category(conn, category_id)?;
    if idle.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> = idle.iter().map(|a| a.code.as_str()).collect();
    Err(OpError::IdleAssetsAvailable {
        detail: format!(
            "{} idle {category} asset(s) can be transferred instead of buying: {}. Request a transfer_in of one of them, or file the purchase again with buy_anyway: true.",
            idle.len(),
            codes.join(", ")
        ),
        assets: idle.iter().map(IdleAsset::of).collect(),
    })
}

/// The asset a repair or transfer_in names, as the board may see it.
fn named_asset(
    conn: &mut DbConn,
    id: Option<Uuid>,
    kind: RequestKind,
    board_id: Uuid,
) -> Result<Asset, OpError> {
    let id = id.ok_or_else(|| {
        field(
            "asset_id",
            "required",
            "Say which asset: a repair names the board's asset, a transfer_in the idle asset wanted.",
        )
    })?;
    let unknown = || {
        field(
            "asset_id",
            "asset_unknown",
            "No asset with this id is visible to this board.",
        )
    };
    let a = register::find(conn, id)?.ok_or_else(unknown)?;
    let visible = a.custodian_board_id == board_id || a.status == AssetStatus::Idle;
    if !visible && a.status != AssetStatus::Disposed {
        return Err(unknown());
    }
    if a.status == AssetStatus::Disposed {
        return Err(disposed(&a));
    }
    match kind {
        RequestKind::Repair if a.custodian_board_id != board_id => Err(unknown()),
        RequestKind::TransferIn if a.custodian_board_id == board_id => Err(field(
            "asset_id",
            "already_yours",
            format!("Asset {} is already in this board's custody.", a.code),
        )),
        RequestKind::TransferIn if a.status != AssetStatus::Idle => Err(not_idle(&a)),
        _ => Ok(a),
    }
}

fn not_idle(a: &Asset) -> OpError {
    OpError::conflict(
        "asset_not_idle",
        format!(
            "Asset {} is {} now, no longer idle; look for another idle asset or request a purchase.",
            a.code, a.status
        ),
    )
}

/// Files a request as `submitted`. Nothing is committed yet.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    n: NewRequest,
    ctx: &LedgerContext,
) -> Result<AssetRequest, OpError> {
    let submitted_by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    active_board(conn, n.board_id, "board_id")?;
    if n.buy_anyway && n.kind != RequestKind::Procurement {
        return Err(field(
            "buy_anyway",
            "not_a_purchase",
            "buy_anyway answers an idle-asset suggestion and belongs to procurement requests only; leave it out.",
        ));
    }
    let (category_id, asset_id) = match n.kind {
        RequestKind::Procurement => {
            if n.asset_id.is_some() {
                return Err(field(
                    "asset_id",
                    "not_expected",
                    "A purchase buys a new asset; leave asset_id out (name the category).",
                ));
            }
            let code = n.category.as_ref().ok_or_else(|| {
                field(
                    "category",
                    "required",
                    "Say which category of asset to buy, e.g. projector.",
                )
            })?;
            let cat = category(conn, code)?;
            if n.amount.to_minor() <= 0 {
                return Err(field(
                    "amount",
                    "amount_not_positive",
                    "Give the estimated price of the purchase, more than 0.",
                ));
            }
            if !n.buy_anyway {
                refuse_if_idle(conn, cat.id, cat.code.as_str())?;
            }
            (cat.id, None)
        }
        kind => {
            let a = named_asset(conn, n.asset_id, kind, n.board_id)?;
            if kind == RequestKind::Repair && n.amount.to_minor() <= 0 {
                return Err(field(
                    "amount",
                    "amount_not_positive",
                    "Give the estimated cost of the repair, more than 0.",
                ));
            }
            if let Some(c) = &n.category {
                let cat = category(conn, c)?;
                if cat.id != a.category_id {
                    return Err(field(
                        "category",
                        "category_mismatch",
                        format!("Asset {} is not of category {}.", a.code, c.as_str()),
                    ));
                }
            }
            (a.category_id, Some(a.id))
        }
    };
    if n.amount.is_negative() {
        return Err(field(
            "amount",
            "negative_amount",
            "The estimate cannot be negative.",
        ));
    }
    let line = budget_line(conn, n.budget_line, n.kind)?;
    let r = AssetRequest {
        id: Uuid::now_v7(),
        kind: n.kind,
        board_id: n.board_id,
        category_id,
        asset_id,
        budget_line_id: line.id,
        amount: n.amount,
        description: n.description,
        buy_anyway: n.buy_anyway,
        status: RequestStatus::Submitted,
        submitted_by,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
        fulfilled_by: None,
        fulfilled_at: None,
        cost: None,
        journal_entry_id: None,
        created_at: ctx.now,
    };
    store::insert(conn, &r)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "create",
            entity_type: "asset_request",
            entity_id: r.id,
            board_id: Some(r.board_id),
            before: None,
            after: Some(request_json(&r)),
        },
        ctx.now,
    )?;
    Ok(r)
}

fn load_for(
    conn: &mut DbConn,
    id: Uuid,
    action: RequestAction,
) -> Result<(AssetRequest, RequestStatus), OpError> {
    store::lock(conn, id)?;
    let r = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("asset request".into()))?;
    let next = r
        .status
        .after(action)
        .map_err(|detail| OpError::conflict("invalid_transition", detail))?;
    Ok((r, next))
}

fn save(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    before: &AssetRequest,
    after: &AssetRequest,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    if !store::advance(conn, after, before.status, ctx.now)? {
        return Err(OpError::conflict(
            "invalid_transition",
            "This request was changed meanwhile; reload it.",
        ));
    }
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "asset_request",
            entity_id: after.id,
            board_id: Some(after.board_id),
            before: Some(request_json(before)),
            after: Some(request_json(after)),
        },
        ctx.now,
    )?;
    Ok(())
}

fn set_status(
    conn: &mut DbConn,
    actor: &Actor,
    asset: &Asset,
    status: AssetStatus,
    request_id: Uuid,
    reason: &str,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    if asset.status == status {
        return Ok(());
    }
    let mut after = asset.clone();
    after.status = status;
    register::update(conn, &after, ctx.now)?;
    history::append(
        conn,
        asset.id,
        HistoryKind::Status,
        &NewEvent {
            from_status: Some(asset.status.as_str()),
            to_status: Some(status.as_str()),
            reason: Some(reason),
            asset_request_id: Some(request_id),
            ..Default::default()
        },
        actor,
        ctx.now,
    )?;
    super::audit_change(conn, actor, "update", Some(asset), &after, ctx)
}

/// Approves a submitted request: a purchase is checked again for idle
/// assets (unless `buy_anyway`); a transfer's asset must still be idle; a
/// repair's asset goes `under_repair`. The estimate, if any, is committed
/// on the request's budget line after the budget check (a `stop` line
/// refuses with the figures; a `warn` line's warning is returned).
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &LedgerContext,
) -> Result<(AssetRequest, Option<BudgetShortfall>), OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let (before, next) = load_for(conn, id, RequestAction::Approve)?;
    match before.kind {
        RequestKind::Procurement if !before.buy_anyway => {
            let code = register::categories(conn)?
                .into_iter()
                .find(|c| c.id == before.category_id)
                .map(|c| c.code.as_str().to_owned())
                .unwrap_or_default();
            refuse_if_idle(conn, before.category_id, &code)?;
        }
        RequestKind::Procurement => {}
        RequestKind::TransferIn | RequestKind::Repair => {
            let asset = load(
                conn,
                before
                    .asset_id
                    .ok_or_else(|| OpError::NotFound("asset".into()))?,
            )?;
            if asset.status == AssetStatus::Disposed {
                return Err(disposed(&asset));
            }
            if before.kind == RequestKind::TransferIn && asset.status != AssetStatus::Idle {
                return Err(not_idle(&asset));
            }
            if before.kind == RequestKind::Repair {
                set_status(
                    conn,
                    actor,
                    &asset,
                    AssetStatus::UnderRepair,
                    before.id,
                    &format!("Sửa chữa: {}", before.description),
                    ctx,
                )?;
            }
        }
    }
    let mut warning = None;
    if before.amount.to_minor() > 0 {
        let line = budget::load_line(conn, before.budget_line_id, "budget_line")?;
        warning = budget::commit(
            conn,
            CommitmentSource::AssetRequest,
            before.id,
            &line,
            before.board_id,
            ctx.today(),
            before.amount,
            ctx,
        )?;
    }
    let after = AssetRequest {
        status: next,
        decided_by: Some(by),
        decided_at: Some(ctx.now),
        ..before.clone()
    };
    save(conn, actor, "approve", &before, &after, ctx)?;
    Ok((after, warning))
}

/// Rejects a submitted or approved request with a reason; an approved
/// request's commitment is released and a repair's asset returns to use.
pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    ctx: &LedgerContext,
) -> Result<AssetRequest, OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let (before, next) = load_for(conn, id, RequestAction::Reject)?;
    if before.status == RequestStatus::Approved {
        budget::close_commitment(conn, CommitmentSource::AssetRequest, before.id, None, ctx)?;
        if before.kind == RequestKind::Repair
            && let Some(asset_id) = before.asset_id
        {
            let asset = load(conn, asset_id)?;
            if asset.status == AssetStatus::UnderRepair {
                set_status(
                    conn,
                    actor,
                    &asset,
                    AssetStatus::InUse,
                    before.id,
                    reason,
                    ctx,
                )?;
            }
        }
    }
    let after = AssetRequest {
        status: next,
        decided_by: Some(by),
        decided_at: Some(ctx.now),
        decision_reason: Some(reason.to_owned()),
        ..before.clone()
    };
    save(conn, actor, "reject", &before, &after, ctx)?;
    Ok(after)
}

/// What fulfilment needs besides the request.
#[derive(Debug, Default)]
pub struct Fulfilment {
    /// What it actually cost; the approved estimate when not given.
    pub cost: Option<Money>,
    /// Procurement: the new asset's label code, name and location.
    pub code: Option<AssetCode>,
    pub name: Option<String>,
    pub location: Option<String>,
    /// Procurement: the purchase date (today when not given); the purchase
    /// is posted on it.
    pub acquired_on: Option<NaiveDate>,
}

/// The entry of a fulfilled request, posted on `date` on the request's
/// board and budget line. Settles the commitment first, so the budget
/// check sees the actual cost in place of the estimate.
/// What a fulfilment posts: on `date`, `amount` on each (debit, credit)
/// pair of accounts.
struct Charge<'a> {
    date: NaiveDate,
    description: String,
    pairs: &'a [(&'a str, &'a str)],
    amount: Money,
}

fn post(
    conn: &mut DbConn,
    actor: &Actor,
    r: &AssetRequest,
    charge: Charge<'_>,
    ctx: &LedgerContext,
) -> Result<Option<(Uuid, Vec<BudgetShortfall>)>, OpError> {
    let Charge {
        date,
        description,
        pairs,
        amount,
    } = charge;
    if amount.to_minor() <= 0 {
        budget::close_commitment(conn, CommitmentSource::AssetRequest, r.id, None, ctx)?;
        return Ok(None);
    }
    let mut lines = Vec::new();
    for (debit, credit) in pairs {
        for (code, side) in [(debit, Side::Debit), (credit, Side::Credit)] {
            lines.push(entries::Posting {
                account_id: account_id(conn, code)?,
                board_id: r.board_id,
                budget_line_id: r.budget_line_id,
                side,
                amount,
                memo: Some(format!("Asset request {}", r.id)),
            });
        }
    }
    let lines = BalancedLines::new(lines).map_err(|e| OpError::invalid("cost", e))?;
    let id = Uuid::now_v7();
    if let Some(c) = commitments::open_for(conn, CommitmentSource::AssetRequest, r.id)? {
        commitments::close(conn, c.id, Some(id), ctx.now)?;
    }
    let (entry, warnings) = journal::post(
        conn,
        actor,
        Posting {
            id,
            date,
            description,
            reference: None,
            source: Source::Asset,
            source_id: Some(r.id),
            reverses_id: None,
            lines,
        },
        Enforcement::Enforce,
        ctx,
    )?;
    Ok(Some((entry.id, warnings)))
}

/// Fulfils an approved request:
/// - procurement: the new asset is entered in the requesting board's
///   custody and the purchase posted — debit 211 / credit 331 (the asset
///   and what is owed) and debit 611 / credit 366 (the budget spent on it);
/// - transfer_in: the idle asset moves into the board's custody, in use; a
///   cost, if any, is posted debit 611 / credit 331;
/// - repair: the cost is posted debit 611 / credit 331 and the asset
///   returns to use.
///
/// The commitment is settled by the entry (released when nothing is
/// posted).
pub fn fulfil(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    f: Fulfilment,
    ctx: &LedgerContext,
) -> Result<(AssetRequest, Vec<BudgetShortfall>), OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let (before, next) = load_for(conn, id, RequestAction::Fulfil)?;
    let cost = f.cost.unwrap_or(before.amount);
    if cost.is_negative() {
        return Err(field(
            "cost",
            "negative_amount",
            "The cost cannot be negative.",
        ));
    }
    let today = ctx.today();
    let mut asset_id = before.asset_id;
    let (entry, warnings) = match before.kind {
        RequestKind::Procurement => {
            let mut missing = Vec::new();
            for (name, present) in [
                ("code", f.code.is_some()),
                ("name", f.name.is_some()),
                ("location", f.location.is_some()),
            ] {
                if !present {
                    missing.push((
                        name.to_owned(),
                        ParseError::new(
                            "required",
                            format!("Give the new asset's {name} to enter it into the register."),
                        ),
                    ));
                }
            }
            if cost.to_minor() <= 0 {
                missing.push((
                    "cost".to_owned(),
                    ParseError::new("amount_not_positive", "A purchase costs more than 0."),
                ));
            }
            let acquired_on = f.acquired_on.unwrap_or(today);
            if acquired_on > today {
                missing.push((
                    "acquired_on".to_owned(),
                    ParseError::new("date_in_future", "The purchase date cannot be after today."),
                ));
            }
            let (Some(code), Some(name), Some(location)) = (f.code, f.name, f.location) else {
                return Err(OpError::Fields(missing));
            };
            if !missing.is_empty() {
                return Err(OpError::Fields(missing));
            }
            if register::find_by_code(conn, &code)?.is_some() {
                return Err(OpError::conflict(
                    "asset_code_taken",
                    format!(
                        "Asset code {code} is already in the register; give the new asset its own code."
                    ),
                ));
            }
            let cat = register::categories(conn)?
                .into_iter()
                .find(|c| c.id == before.category_id)
                .ok_or_else(|| OpError::NotFound("asset category".into()))?;
            let posted = post(
                conn,
                actor,
                &before,
                Charge {
                    date: acquired_on,
                    description: format!("Mua sắm tài sản {code}: {name}"),
                    pairs: &[
                        (FIXED_ASSET_ACCOUNT, PAYABLE_ACCOUNT),
                        (EXPENSE_ACCOUNT, DEFERRED_FUNDING_ACCOUNT),
                    ],
                    amount: cost,
                },
                ctx,
            )?;
            let a = Asset {
                id: Uuid::now_v7(),
                code,
                name,
                category_id: cat.id,
                unit: cat.unit,
                original_cost: cost,
                accumulated_wear: Money::ZERO,
                acquired_on,
                wear_rate: cat.wear_rate,
                custodian_board_id: before.board_id,
                location,
                status: AssetStatus::InUse,
                origin_board_id: before.board_id,
                disposed_on: None,
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            insert_asset(
                conn,
                actor,
                &a,
                HistoryKind::Acquired,
                &NewEvent {
                    to_board_id: Some(a.custodian_board_id),
                    to_status: Some(a.status.as_str()),
                    to_location: Some(&a.location),
                    amount: Some(cost),
                    asset_request_id: Some(before.id),
                    journal_entry_id: posted.as_ref().map(|p| p.0),
                    ..Default::default()
                },
                ctx,
            )?;
            asset_id = Some(a.id);
            posted.unzip()
        }
        RequestKind::TransferIn => {
            let aid = before
                .asset_id
                .ok_or_else(|| OpError::NotFound("asset".into()))?;
            let asset = load(conn, aid)?;
            if asset.status == AssetStatus::Disposed {
                return Err(disposed(&asset));
            }
            if asset.status != AssetStatus::Idle {
                return Err(not_idle(&asset));
            }
            super::transfer(
                conn,
                actor,
                aid,
                Transfer {
                    to_board_id: before.board_id,
                    reason: format!("Điều chuyển theo đề nghị: {}", before.description),
                    location: f.location,
                    status: Some(AssetStatus::InUse),
                    asset_request_id: Some(before.id),
                },
                ctx,
            )?;
            post(
                conn,
                actor,
                &before,
                Charge {
                    date: today,
                    description: format!("Chi phí điều chuyển tài sản {}", asset.code),
                    pairs: &[(EXPENSE_ACCOUNT, PAYABLE_ACCOUNT)],
                    amount: cost,
                },
                ctx,
            )?
            .unzip()
        }
        RequestKind::Repair => {
            let aid = before
                .asset_id
                .ok_or_else(|| OpError::NotFound("asset".into()))?;
            let asset = load(conn, aid)?;
            if asset.status == AssetStatus::Disposed {
                return Err(disposed(&asset));
            }
            let posted = post(
                conn,
                actor,
                &before,
                Charge {
                    date: today,
                    description: format!("Sửa chữa tài sản {}: {}", asset.code, before.description),
                    pairs: &[(EXPENSE_ACCOUNT, PAYABLE_ACCOUNT)],
                    amount: cost,
                },
                ctx,
            )?;
            let mut after = asset.clone();
            after.status = AssetStatus::InUse;
            register::update(conn, &after, ctx.now)?;
            history::append(
                conn,
                aid,
                HistoryKind::Repair,
                &NewEvent {
                    from_status: Some(asset.status.as_str()),
                    to_status: Some(after.status.as_str()),
                    amount: Some(cost),
                    reason: Some(&before.description),
                    asset_request_id: Some(before.id),
                    journal_entry_id: posted.as_ref().map(|p| p.0),
                    ..Default::default()
                },
                actor,
                ctx.now,
            )?;
            super::audit_change(conn, actor, "repair", Some(&asset), &after, ctx)?;
            posted.unzip()
        }
    };
    let after = AssetRequest {
        status: next,
        asset_id,
        fulfilled_by: Some(by),
        fulfilled_at: Some(ctx.now),
        cost: Some(cost),
        journal_entry_id: entry,
        ..before.clone()
    };
    save(conn, actor, "fulfil", &before, &after, ctx)?;
    Ok((after, warnings.unwrap_or_default()))
}

// Units of work: what the JSON API calls. Each runs in its own
// transaction, at the time of the service's clock.

/// The codes requests are shown with, by id: their categories' and their
/// budget lines'.
#[derive(Debug, Default)]
pub struct Codes {
    pub categories: HashMap<Uuid, String>,
    pub lines: HashMap<Uuid, String>,
}

impl Codes {
    fn read(conn: &mut DbConn) -> Result<Self, OpError> {
        Ok(Codes {
            categories: category_codes(conn)?,
            lines: budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l.code.as_str().to_owned()))
                .collect(),
        })
    }
}

/// Requests with the codes to show them with.
#[derive(Debug)]
pub struct Listed {
    pub requests: Vec<AssetRequest>,
    pub codes: Codes,
}

/// One request with the codes to show it with, and the `warn` budget
/// lines its approval or fulfilment took beyond what was available.
#[derive(Debug)]
pub struct Shown {
    pub request: AssetRequest,
    pub warnings: Vec<BudgetShortfall>,
    pub codes: Codes,
}

impl Shown {
    fn read(
        conn: &mut DbConn,
        request: AssetRequest,
        warnings: Vec<BudgetShortfall>,
    ) -> Result<Self, OpError> {
        Ok(Shown {
            request,
            warnings,
            codes: Codes::read(conn)?,
        })
    }
}

/// Requests in filing order within the caller's scope: a clerk's board
/// (another board asked for lists nothing), every board for Office staff.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, limit))]
pub async fn list(
    env: &Env,
    who: &Acting,
    search: RequestFilter,
    limit: i64,
) -> Result<Listed, OpError> {
    let board_id = match who.principal.board_scope() {
        BoardScope::All => search.board_id,
        BoardScope::Only(own) if search.board_id.is_none_or(|b| b == own) => Some(own),
        BoardScope::Only(_) | BoardScope::None => {
            return Ok(Listed {
                requests: vec![],
                codes: Codes::default(),
            });
        }
    };
    let filter = RequestFilter { board_id, ..search };
    env.db
        .read(move |conn| {
            Ok(Listed {
                requests: store::list(conn, &filter, limit)?,
                codes: Codes::read(conn)?,
            })
        })
        .await
}

/// One request the caller may see (a clerk: their board's); otherwise
/// "not found", so another board's request does not show that it exists.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn get(env: &Env, who: &Acting, id: Uuid) -> Result<Shown, OpError> {
    let scope = who.principal.board_scope();
    env.db
        .read(move |conn| {
            let r = store::find(conn, id)?
                .filter(|r| scope.allows(Some(r.board_id)))
                .ok_or_else(|| OpError::NotFound("asset request".into()))?;
            Shown::read(conn, r, vec![])
        })
        .await
}

/// Files a request as submitted.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, board = %new.board_id))]
pub async fn file(env: &Env, who: &Acting, new: NewRequest) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let r = submit(conn, &actor, new, &ctx)?;
            Shown::read(conn, r, vec![])
        })
        .await
}

/// A step in a request's life.
#[derive(Debug)]
pub enum Step {
    /// Finance or a manager approves a submitted request.
    Approve,
    /// Finance or a manager rejects a submitted or approved one, saying why.
    Reject { reason: String },
    /// Finance fulfils an approved one.
    Fulfil(Fulfilment),
}

/// Takes a request one step on.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn step(env: &Env, who: &Acting, id: Uuid, step: Step) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (r, warnings) = match step {
                Step::Approve => {
                    let (r, w) = approve(conn, &actor, id, &ctx)?;
                    (r, w.into_iter().collect())
                }
                Step::Reject { reason } => (reject(conn, &actor, id, &reason, &ctx)?, vec![]),
                Step::Fulfil(f) => fulfil(conn, &actor, id, f, &ctx)?,
            };
            Shown::read(conn, r, warnings)
        })
        .await
}
