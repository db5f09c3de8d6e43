//! Expense claims: filing (checked against the spending norms in force on
//! the expense date), approval (budget check and posting to the journal)
//! and rejection.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use super::budget::{BudgetShortfall, Enforcement};
use super::journal::{self, Posting};
use crate::domain::ParseError;
use crate::domain::access::BoardScope;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::AccountCode;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::expense::{ClaimError, ExpenseStatus, check_claim};
use crate::domain::ledger::journal::{self as entries, BalancedLines, Side, Source};
use crate::domain::ledger::norms::{NormCode, Quantity};
use crate::domain::money::Money;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::expenses::{
    self as store, Decision, Expense, ExpenseFilter, ExpenseLine,
};
use crate::storage::ledger::journal::StoredEntry;
use crate::storage::ledger::{accounts, budget_lines, norms};
use crate::storage::{DbConn, boards};

/// The account an approved claim is charged to (Chi phí hoạt động), and
/// the one that records what the office owes the claimant or supplier
/// until it is paid (Phải trả cho người bán).
pub const EXPENSE_ACCOUNT: &str = "611";
pub const PAYABLE_ACCOUNT: &str = "331";

/// A claim line above its norm, as reported in an `over_norm` refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OverNormLine {
    /// Index of the line in the request (`lines[i]`).
    pub line: usize,
    #[schema(example = "lodging_class_1")]
    pub norm: String,
    /// The version of the norm in force on the expense date.
    pub norm_id: Uuid,
    #[schema(example = "3")]
    pub quantity: String,
    /// What the claim asks per unit.
    #[schema(value_type = String, example = "700000")]
    pub unit_amount: Money,
    /// What the norm allows per unit.
    #[schema(value_type = String, example = "450000")]
    pub norm_amount: Money,
    /// quantity × unit_amount.
    #[schema(value_type = String, example = "2100000")]
    pub claimed: Money,
    /// quantity × norm_amount.
    #[schema(value_type = String, example = "1350000")]
    pub allowed: Money,
    /// claimed − allowed.
    #[schema(value_type = String, example = "750000")]
    pub excess: Money,
}

/// One line as filed, parsed.
pub struct NewLine {
    pub norm: NormCode,
    pub quantity: Quantity,
    pub unit_amount: Money,
    pub description: Option<String>,
}

/// A claim as filed, parsed. The caller has decided the board (a clerk's
/// own) and whether the filer may override norms (managers only).
pub struct NewClaim {
    pub board_id: Uuid,
    pub budget_line: BudgetLineCode,
    pub date: NaiveDate,
    pub description: String,
    pub lines: Vec<NewLine>,
    pub override_reason: Option<String>,
}

pub(crate) fn expense_json(e: &Expense) -> serde_json::Value {
    json!({
        "id": e.id, "board_id": e.board_id, "budget_line_id": e.budget_line_id,
        "date": e.date, "description": e.description, "status": e.status.as_str(),
        "total": e.total, "over_norm": e.over_norm, "override_reason": e.override_reason,
        "overridden_by": e.overridden_by, "decided_by": e.decided_by,
        "decision_reason": e.decision_reason, "journal_entry_id": e.journal_entry_id,
        "lines": e.lines.iter().map(|l| json!({
            "line_no": l.line_no, "norm": l.norm_code.as_str(), "norm_id": l.norm_id,
            "quantity": String::from(l.quantity), "unit_amount": l.unit_amount,
            "claimed": l.claimed, "allowed": l.allowed, "over": l.over(),
        })).collect::<Vec<_>>(),
    })
}

fn line_field(i: usize, field: &str) -> String {
    format!("lines[{i}].{field}")
}

/// Files a claim as `submitted`. Every line is checked against the version
/// of its norm in force on the expense date; lines above their norm refuse
/// the claim (`over_norm`, each line with claimed and allowed) unless an
/// override reason is given, which is recorded with who gave it.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    c: NewClaim,
    ctx: &LedgerContext,
) -> Result<Expense, OpError> {
    let submitted_by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let mut errors: Vec<(String, ParseError)> = Vec::new();
    if c.date > ctx.today() {
        errors.push((
            "date".into(),
            ParseError::new(
                "date_in_future",
                format!(
                    "{} is after today ({}); a claim is for money already spent.",
                    c.date,
                    ctx.today()
                ),
            ),
        ));
    }
    match boards::find(conn, c.board_id)? {
        Some(b) if b.active => {}
        Some(b) => errors.push((
            "board_id".into(),
            ParseError::new(
                "board_inactive",
                format!(
                    "Board {} is deactivated and cannot file claims.",
                    b.code.as_str()
                ),
            ),
        )),
        None => errors.push((
            "board_id".into(),
            ParseError::new("board_unknown", "No board has this id."),
        )),
    }
    let line = match budget_lines::find_by_code(conn, &c.budget_line)? {
        Some(l) if l.active => Some(l),
        Some(l) => {
            errors.push((
                "budget_line".into(),
                ParseError::new(
                    "budget_line_inactive",
                    format!("Budget line {} is closed to new spending.", l.code.as_str()),
                ),
            ));
            None
        }
        None => {
            errors.push((
                "budget_line".into(),
                ParseError::new(
                    "budget_line_unknown",
                    format!(
                        "There is no budget line {}; see GET /api/v1/budget-lines.",
                        c.budget_line.as_str()
                    ),
                ),
            ));
            None
        }
    };
    let mut versions = Vec::with_capacity(c.lines.len());
    for (i, l) in c.lines.iter().enumerate() {
        match norms::in_force(conn, &l.norm, c.date)? {
            Some(v) => versions.push(v),
            None => {
                let e = if norms::code_exists(conn, &l.norm)? {
                    ParseError::new(
                        "norm_not_in_force",
                        format!(
                            "Norm {} has no version in force on {}; see GET /api/v1/spending-norms?code={}.",
                            l.norm.as_str(),
                            c.date,
                            l.norm.as_str()
                        ),
                    )
                } else {
                    ParseError::new(
                        "norm_unknown",
                        format!(
                            "There is no spending norm {}; see GET /api/v1/spending-norms.",
                            l.norm.as_str()
                        ),
                    )
                };
                errors.push((line_field(i, "norm"), e));
            }
        }
    }
    if !errors.is_empty() {
        return Err(OpError::Fields(errors));
    }
    let Some(line) = line else {
        return Err(OpError::NotFound("budget line".into()));
    };
    let inputs: Vec<_> = c
        .lines
        .iter()
        .zip(&versions)
        .map(|(l, v)| (l.quantity, l.unit_amount, v.amount))
        .collect();
    let check = check_claim(&inputs).map_err(|e| match e {
        ClaimError::Line(i, e) => OpError::Fields(vec![(line_field(i, "unit_amount"), e)]),
        ClaimError::Claim(e) => OpError::invalid("lines", e),
    })?;
    let over: Vec<OverNormLine> = check
        .over()
        .map(|(i, lc)| OverNormLine {
            line: i,
            norm: c.lines[i].norm.as_str().to_owned(),
            norm_id: versions[i].id,
            quantity: String::from(c.lines[i].quantity),
            unit_amount: c.lines[i].unit_amount,
            norm_amount: versions[i].amount,
            claimed: lc.claimed,
            allowed: lc.allowed,
            excess: lc.claimed.checked_sub(lc.allowed).unwrap_or(Money::ZERO),
        })
        .collect();
    match (&c.override_reason, over.is_empty()) {
        (None, false) => {
            let detail = if over.len() == 1 {
                let o = &over[0];
                format!(
                    "Line {} claims {} but norm {} allows {} ({} × {}) on {}. Lower the amount to the norm, or ask a manager to file it with an override reason.",
                    o.line + 1,
                    o.claimed,
                    o.norm,
                    o.allowed,
                    o.quantity,
                    o.norm_amount,
                    c.date
                )
            } else {
                format!(
                    "{} lines claim more than their spending norm allows on {}; see `over_norm` for each. Lower the amounts to the norms, or ask a manager to file it with an override reason.",
                    over.len(),
                    c.date
                )
            };
            return Err(OpError::OverNorm {
                detail,
                lines: over,
            });
        }
        (Some(_), true) => {
            return Err(OpError::invalid(
                "override_reason",
                ParseError::new(
                    "nothing_to_override",
                    "No line exceeds its spending norm, so there is nothing to override; leave override_reason out.",
                ),
            ));
        }
        _ => {}
    }
    let overridden = !over.is_empty();
    let expense = Expense {
        id: Uuid::now_v7(),
        board_id: c.board_id,
        budget_line_id: line.id,
        date: c.date,
        description: c.description,
        status: ExpenseStatus::Submitted,
        total: check.total,
        over_norm: overridden,
        override_reason: c.override_reason.filter(|_| overridden),
        overridden_by: overridden.then_some(submitted_by),
        submitted_by,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
        journal_entry_id: None,
        created_at: ctx.now,
        lines: c
            .lines
            .into_iter()
            .zip(versions)
            .zip(check.lines)
            .enumerate()
            .map(|(i, ((l, v), lc))| ExpenseLine {
                line_no: i as i32 + 1,
                norm_code: l.norm,
                norm_id: Some(v.id),
                description: l.description,
                quantity: l.quantity,
                unit_amount: l.unit_amount,
                claimed: lc.claimed,
                allowed: Some(lc.allowed),
            })
            .collect(),
    };
    store::insert(conn, &expense)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "create",
            entity_type: "expense",
            entity_id: expense.id,
            board_id: Some(expense.board_id),
            before: None,
            after: Some(expense_json(&expense)),
        },
        ctx.now,
    )?;
    if overridden {
        audit::record(
            conn,
            &Change {
                actor,
                action: "override_norm",
                entity_type: "expense",
                entity_id: expense.id,
                board_id: Some(expense.board_id),
                before: None,
                after: Some(json!({
                    "overridden_by": submitted_by,
                    "reason": expense.override_reason,
                    "lines": over,
                })),
            },
            ctx.now,
        )?;
    }
    Ok(expense)
}

fn load_submitted(conn: &mut DbConn, id: Uuid, verb: &str) -> Result<Expense, OpError> {
    store::lock(conn, id)?;
    let e = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("expense claim".into()))?;
    if e.status != ExpenseStatus::Submitted {
        return Err(OpError::conflict(
            "expense_not_submitted",
            format!(
                "This claim is already {}; only a submitted claim can be {verb}.",
                e.status
            ),
        ));
    }
    Ok(e)
}

fn account_id(conn: &mut DbConn, code: &str) -> Result<Uuid, OpError> {
    let parsed = AccountCode::parse(code).map_err(|e| OpError::invalid("account", e))?;
    accounts::find_by_code(conn, &parsed)?
        .map(|a| a.id)
        .ok_or_else(|| {
            OpError::conflict(
                "account_missing",
                format!("Account {code} is not in the chart of accounts; ask finance to add it before approving claims."),
            )
        })
}

fn decided(
    conn: &mut DbConn,
    actor: &Actor,
    before: &Expense,
    d: &Decision<'_>,
    ctx: &LedgerContext,
) -> Result<Expense, OpError> {
    if !store::decide(conn, before.id, d, ctx.now)? {
        return Err(OpError::conflict(
            "expense_not_submitted",
            "This claim was decided meanwhile; reload it.",
        ));
    }
    let after =
        store::find(conn, before.id)?.ok_or_else(|| OpError::NotFound("expense claim".into()))?;
    audit::record(
        conn,
        &Change {
            actor,
            action: match d.status {
                ExpenseStatus::Approved => "approve",
                _ => "reject",
            },
            entity_type: "expense",
            entity_id: after.id,
            board_id: Some(after.board_id),
            before: Some(expense_json(before)),
            after: Some(expense_json(&after)),
        },
        ctx.now,
    )?;
    Ok(after)
}

/// Approves a submitted claim: its total passes the budget check of its
/// board and budget line (a `stop` line refuses with the figures, a `warn`
/// line returns its warning) and is posted, dated on the expense date,
/// debit 611 / credit 331. The month of the expense date must be open.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &LedgerContext,
) -> Result<(Expense, StoredEntry, Vec<BudgetShortfall>), OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let before = load_submitted(conn, id, "approved")?;
    let expense_account = account_id(conn, EXPENSE_ACCOUNT)?;
    let payable = account_id(conn, PAYABLE_ACCOUNT)?;
    let memo = Some(format!("Expense claim {}", before.id));
    let lines = BalancedLines::new(
        [(expense_account, Side::Debit), (payable, Side::Credit)]
            .into_iter()
            .map(|(account_id, side)| entries::Posting {
                account_id,
                board_id: before.board_id,
                budget_line_id: before.budget_line_id,
                side,
                amount: before.total,
                memo: memo.clone(),
            })
            .collect(),
    )
    .map_err(|e| OpError::invalid("total", e))?;
    let (entry, warnings) = journal::post(
        conn,
        actor,
        Posting {
            id: Uuid::now_v7(),
            date: before.date,
            description: format!("Expense claim: {}", before.description),
            reference: None,
            source: Source::Expense,
            source_id: Some(before.id),
            reverses_id: None,
            lines,
        },
        Enforcement::Enforce,
        ctx,
    )?;
    let after = decided(
        conn,
        actor,
        &before,
        &Decision {
            status: ExpenseStatus::Approved,
            by,
            reason: None,
            journal_entry_id: Some(entry.id),
        },
        ctx,
    )?;
    Ok((after, entry, warnings))
}

/// Rejects a submitted claim with a reason; nothing is posted.
pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    ctx: &LedgerContext,
) -> Result<Expense, OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let before = load_submitted(conn, id, "rejected")?;
    decided(
        conn,
        actor,
        &before,
        &Decision {
            status: ExpenseStatus::Rejected,
            by,
            reason: Some(reason),
            journal_entry_id: None,
        },
        ctx,
    )
}

// Units of work: what the JSON API calls. Each runs in its own transaction
// and loads its own context at the time of the service's clock.

/// Claims, with the codes of the budget lines they are charged to.
#[derive(Debug)]
pub struct Claims {
    pub expenses: Vec<Expense>,
    pub budget_lines: HashMap<Uuid, String>,
}

/// One claim with the codes of the budget lines, and, when it was just
/// approved, the `warn` budget lines it took beyond what was available.
#[derive(Debug)]
pub struct Claim {
    pub expense: Expense,
    pub warnings: Vec<BudgetShortfall>,
    pub budget_lines: HashMap<Uuid, String>,
}

impl Claim {
    fn read(
        conn: &mut DbConn,
        expense: Expense,
        warnings: Vec<BudgetShortfall>,
    ) -> Result<Self, OpError> {
        Ok(Claim {
            expense,
            warnings,
            budget_lines: line_codes(conn)?,
        })
    }
}

fn line_codes(conn: &mut DbConn) -> Result<HashMap<Uuid, String>, OpError> {
    Ok(budget_lines::list(conn)?
        .into_iter()
        .map(|l| (l.id, l.code.as_str().to_owned()))
        .collect())
}

/// Claims in expense-date order: every board's for finance and managers, a
/// clerk's own board's (nothing when they ask for another board).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, limit))]
pub async fn list(
    env: &Env,
    who: &Acting,
    mut filter: ExpenseFilter,
    limit: i64,
) -> Result<Claims, OpError> {
    filter.board_id = match who.principal.board_scope() {
        BoardScope::All => filter.board_id,
        BoardScope::Only(own) if filter.board_id.is_none_or(|b| b == own) => Some(own),
        BoardScope::Only(_) | BoardScope::None => {
            return Ok(Claims {
                expenses: Vec::new(),
                budget_lines: HashMap::new(),
            });
        }
    };
    env.db
        .read(move |conn| {
            Ok(Claims {
                expenses: store::list(conn, &filter, limit)?,
                budget_lines: line_codes(conn)?,
            })
        })
        .await
}

/// One claim the caller may see; another board's is "not found" to a
/// clerk.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn get(env: &Env, who: &Acting, id: Uuid) -> Result<Claim, OpError> {
    let scope = who.principal.board_scope();
    env.db
        .read(move |conn| {
            let e = store::find(conn, id)?
                .filter(|e| scope.allows(Some(e.board_id)))
                .ok_or_else(|| OpError::NotFound("expense claim".into()))?;
            Claim::read(conn, e, Vec::new())
        })
        .await
}

/// Files a claim (see [`submit`]).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, board = %c.board_id))]
pub async fn file(env: &Env, who: &Acting, c: NewClaim) -> Result<Claim, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let e = submit(conn, &actor, c, &ctx)?;
            Claim::read(conn, e, Vec::new())
        })
        .await
}

/// Approves a submitted claim and posts it (see [`approve`]).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn approve_claim(env: &Env, who: &Acting, id: Uuid) -> Result<Claim, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (e, _entry, warnings) = approve(conn, &actor, id, &ctx)?;
            Claim::read(conn, e, warnings)
        })
        .await
}

/// Rejects a submitted claim with a reason.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn reject_claim(
    env: &Env,
    who: &Acting,
    id: Uuid,
    reason: String,
) -> Result<Claim, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let e = reject(conn, &actor, id, &reason, &ctx)?;
            Claim::read(conn, e, Vec::new())
        })
        .await
}
