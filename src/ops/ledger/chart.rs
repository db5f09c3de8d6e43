//! The chart of accounts, budget lines and allocations.

use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::Account;
use crate::domain::ledger::budget_line::BudgetLine;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::ops::OpError;
use crate::storage::audit::{self, Change};
use crate::storage::ledger::allocations::{self, Allocation};
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
