//! The chart of accounts, budget lines and allocations.

use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use crate::domain::ParseError;
use crate::domain::access::BoardScope;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::{Account, AccountCode, AccountKind};
use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode, Control};
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::allocations::{self, Allocation, AllocationFilter};
use crate::storage::ledger::{accounts, budget as positions, budget_lines};
use crate::storage::{DbConn, boards};

fn record(conn: &mut DbConn, change: Change<'_>, ctx: &LedgerContext) -> Result<(), OpError> {
    audit::record(conn, &change, ctx.now)?;
    Ok(())
}

fn account_json(a: &Account) -> serde_json::Value {
    json!({"id": a.id, "code": a.code.as_str(), "name": a.name, "kind": a.kind.as_str(),
           "reconcilable": a.reconcilable, "active": a.active})
}

fn line_json(l: &BudgetLine) -> serde_json::Value {
    json!({"id": l.id, "code": l.code.as_str(), "name": l.name, "control": l.control.as_str(),
           "active": l.active})
}

pub fn create_account(
    conn: &mut DbConn,
    actor: &Actor,
    a: Account,
    ctx: &LedgerContext,
) -> Result<Account, OpError> {
    if accounts::find_by_code(conn, &a.code)?.is_some() {
        return Err(OpError::conflict(
            "account_code_taken",
            format!("Account {} already exists in the chart.", a.code.as_str()),
        ));
    }
    accounts::insert(conn, &a, ctx.now)?;
    record(
        conn,
        Change {
            actor,
            action: "create",
            entity_type: "account",
            entity_id: a.id,
            board_id: None,
            before: None,
            after: Some(account_json(&a)),
        },
        ctx,
    )?;
    Ok(a)
}

pub fn create_budget_line(
    conn: &mut DbConn,
    actor: &Actor,
    l: BudgetLine,
    ctx: &LedgerContext,
) -> Result<BudgetLine, OpError> {
    if budget_lines::find_by_code(conn, &l.code)?.is_some() {
        return Err(OpError::conflict(
            "budget_line_code_taken",
            format!("Budget line {} already exists.", l.code.as_str()),
        ));
    }
    budget_lines::insert(conn, &l, ctx.now)?;
    record(
        conn,
        Change {
            actor,
            action: "create",
            entity_type: "budget_line",
            entity_id: l.id,
            board_id: None,
            before: None,
            after: Some(line_json(&l)),
        },
        ctx,
    )?;
    Ok(l)
}

pub fn update_budget_line(
    conn: &mut DbConn,
    actor: &Actor,
    before: &BudgetLine,
    after: BudgetLine,
    ctx: &LedgerContext,
) -> Result<BudgetLine, OpError> {
    if after == *before {
        return Ok(after);
    }
    budget_lines::lock(conn, before.id)?;
    budget_lines::update(conn, &after, ctx.now)?;
    record(
        conn,
        Change {
            actor,
            action: "update",
            entity_type: "budget_line",
            entity_id: after.id,
            board_id: None,
            before: Some(line_json(before)),
            after: Some(line_json(&after)),
        },
        ctx,
    )?;
    Ok(after)
}

/// An allocation change as finance entered it, parsed.
pub struct NewAllocation {
    pub fiscal_year: FiscalYear,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub amount: Money,
    pub reason: String,
}

/// Adds a signed allocation entry. A decrease may not take the allocation
/// below zero, nor below what is already committed and spent.
pub fn allocate(
    conn: &mut DbConn,
    actor: &Actor,
    n: NewAllocation,
    ctx: &LedgerContext,
) -> Result<Allocation, OpError> {
    if n.amount.to_minor() == 0 {
        return Err(OpError::invalid(
            "amount",
            ParseError::new(
                "amount_zero",
                "An allocation change of 0 changes nothing; give a positive increase or a negative decrease.",
            ),
        ));
    }
    if boards::find(conn, n.board_id)?.is_none() {
        return Err(OpError::invalid(
            "board_id",
            ParseError::new("board_unknown", "No board has this id."),
        ));
    }
    let line = super::budget::load_line(conn, n.budget_line_id, "budget_line_id")?;
    budget_lines::lock(conn, line.id)?;
    let position = positions::position(conn, n.fiscal_year, n.board_id, line.id)?;
    if n.amount.is_negative() {
        let new_allocated = position.allocated + n.amount;
        let used = position.committed + position.spent;
        if new_allocated.is_negative() || new_allocated < used {
            return Err(OpError::conflict(
                "allocation_below_use",
                format!(
                    "Budget line {} for this board in {} has {} allocated, of which {} is committed or spent; it cannot be lowered by {}.",
                    line.code.as_str(),
                    n.fiscal_year.get(),
                    position.allocated,
                    used,
                    Money::from_minor(-n.amount.to_minor())
                ),
            ));
        }
    }
    let a = Allocation {
        id: Uuid::now_v7(),
        fiscal_year: n.fiscal_year.get(),
        board_id: n.board_id,
        budget_line_id: line.id,
        amount: n.amount,
        reason: n.reason,
        created_by: actor.user_id,
        created_at: ctx.now,
    };
    allocations::insert(conn, &a)?;
    record(
        conn,
        Change {
            actor,
            action: "allocate",
            entity_type: "allocation",
            entity_id: a.id,
            board_id: Some(a.board_id),
            before: None,
            after: Some(json!({"fiscal_year": a.fiscal_year, "board_id": a.board_id,
                "budget_line": line.code.as_str(), "amount": a.amount, "reason": a.reason})),
        },
        ctx,
    )?;
    Ok(a)
}

// Units of work: what the JSON API calls. Each runs in its own transaction
// and loads its own context at the time of the service's clock.

/// An account to add to the chart, parsed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub code: AccountCode,
    pub name: String,
    pub kind: AccountKind,
    pub reconcilable: bool,
}

/// A budget line to add, parsed.
#[derive(Debug, Clone)]
pub struct NewBudgetLine {
    pub code: BudgetLineCode,
    pub name: String,
    pub control: Control,
}

/// The changes asked of a budget line; what is `None` stays.
#[derive(Debug, Clone, Default)]
pub struct BudgetLineChange {
    pub name: Option<String>,
    pub control: Option<Control>,
    pub active: Option<bool>,
}

/// What allocation entries to list.
#[derive(Debug, Clone, Default)]
pub struct AllocationSearch {
    pub fiscal_year: Option<FiscalYear>,
    /// A board asked for; a clerk sees only their own board's entries.
    pub board_id: Option<Uuid>,
    pub budget_line: Option<BudgetLineCode>,
    /// Id of the last entry of the previous page.
    pub after: Option<Uuid>,
}

/// An allocation change as finance entered it, with its budget line by
/// code.
#[derive(Debug, Clone)]
pub struct AllocationChange {
    pub fiscal_year: FiscalYear,
    pub board_id: Uuid,
    pub budget_line: BudgetLineCode,
    pub amount: Money,
    pub reason: String,
}

/// The chart of accounts in code order.
#[tracing::instrument(skip_all)]
pub async fn accounts(env: &Env) -> Result<Vec<Account>, OpError> {
    env.db.read(|conn| Ok(accounts::list(conn)?)).await
}

/// Adds an account to the chart.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn add_account(env: &Env, who: &Acting, new: NewAccount) -> Result<Account, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    let account = Account {
        id: Uuid::now_v7(),
        code: new.code,
        name: new.name,
        kind: new.kind,
        reconcilable: new.reconcilable,
        active: true,
    };
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            create_account(conn, &actor, account, &ctx)
        })
        .await
}

/// Budget lines in code order.
#[tracing::instrument(skip_all)]
pub async fn budget_lines(env: &Env) -> Result<Vec<BudgetLine>, OpError> {
    env.db.read(|conn| Ok(budget_lines::list(conn)?)).await
}

/// Adds a budget line.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn add_budget_line(
    env: &Env,
    who: &Acting,
    new: NewBudgetLine,
) -> Result<BudgetLine, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    let line = BudgetLine {
        id: Uuid::now_v7(),
        code: new.code,
        name: new.name,
        control: new.control,
        active: true,
    };
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            create_budget_line(conn, &actor, line, &ctx)
        })
        .await
}

/// Changes a budget line's name, control policy or active flag.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change_budget_line(
    env: &Env,
    who: &Acting,
    id: Uuid,
    change: BudgetLineChange,
) -> Result<BudgetLine, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let before = budget_lines::find(conn, id)?
                .ok_or_else(|| OpError::NotFound("budget line".into()))?;
            let mut after = before.clone();
            if let Some(n) = change.name {
                after.name = n;
            }
            if let Some(c) = change.control {
                after.control = c;
            }
            if let Some(a) = change.active {
                after.active = a;
            }
            update_budget_line(conn, &actor, &before, after, &ctx)
        })
        .await
}

/// Allocation entries in id order: every board's for finance and managers,
/// a clerk's own board's (nothing when they ask for another board).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, limit))]
pub async fn allocations(
    env: &Env,
    who: &Acting,
    search: AllocationSearch,
    limit: i64,
) -> Result<Vec<Allocation>, OpError> {
    let board_id = match who.principal.board_scope() {
        BoardScope::All => search.board_id,
        BoardScope::Only(own) if search.board_id.is_none_or(|b| b == own) => Some(own),
        BoardScope::Only(_) | BoardScope::None => return Ok(Vec::new()),
    };
    env.db
        .read(move |conn| {
            let budget_line_id = search
                .budget_line
                .map(|code| super::budget::resolve_line(conn, "budget_line", &code))
                .transpose()?;
            let filter = AllocationFilter {
                fiscal_year: search.fiscal_year,
                board_id,
                budget_line_id,
                after: search.after,
            };
            Ok(allocations::list(conn, &filter, limit)?)
        })
        .await
}

/// Raises or lowers a board's allocation on a budget line, named by code.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, board = %change.board_id))]
pub async fn change_allocation(
    env: &Env,
    who: &Acting,
    change: AllocationChange,
) -> Result<Allocation, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let budget_line_id =
                super::budget::resolve_line(conn, "budget_line", &change.budget_line)?;
            let ctx = LedgerContext::load(conn, clock.now())?;
            allocate(
                conn,
                &actor,
                NewAllocation {
                    fiscal_year: change.fiscal_year,
                    board_id: change.board_id,
                    budget_line_id,
                    amount: change.amount,
                    reason: change.reason,
                },
                &ctx,
            )
        })
        .await
}
