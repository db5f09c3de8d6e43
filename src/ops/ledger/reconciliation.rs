//! Reconciling a cash or bank account against its statement: upload with
//! automatic matching, manual match and unmatch, explanations of what is
//! left, and marking the month reconciled.

use std::collections::HashMap;

use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::{Account, AccountCode};
use crate::domain::ledger::matching::{self, auto_match};
use crate::domain::ledger::period::Period;
use crate::domain::ledger::reconciliation::{
    MatchMethod, Status, WINDOW_DAYS, Workpaper, rows_outside,
};
use crate::domain::ledger::statement::StatementRow;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::accounts;
use crate::storage::ledger::reconciliations::{
    self as store, Reconciliation, ReconciliationFilter,
};
use crate::storage::{DbConn, is_unique_violation};

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    r: &Reconciliation,
    after: serde_json::Value,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "reconciliation",
            entity_id: r.id,
            board_id: None,
            before: None,
            after: Some(after),
        },
        ctx.now,
    )?;
    Ok(())
}

fn exists(r: &Reconciliation, code: &str) -> OpError {
    OpError::conflict(
        "reconciliation_exists",
        format!(
            "The statement of account {code} for {} was already uploaded (reconciliation {}). \
             Continue that reconciliation: match, unmatch and explain its lines at \
             /api/v1/reconciliations/{}.",
            r.period, r.id, r.id
        ),
    )
}

/// The account of the chart with `code`, or a refusal of the `account`
/// field naming it.
fn account_by_code(conn: &mut DbConn, code: &AccountCode) -> Result<Account, OpError> {
    accounts::find_by_code(conn, code)?.ok_or_else(|| {
        OpError::invalid(
            "account",
            ParseError::new(
                "account_unknown",
                format!(
                    "There is no account {} in the chart; see GET /api/v1/accounts.",
                    code.as_str()
                ),
            ),
        )
    })
}

/// Stores a statement of `account` for `period` and matches it
/// automatically against the account's movements in the period that no
/// reconciliation has matched yet. Returns the new reconciliation.
pub fn start(
    conn: &mut DbConn,
    actor: &Actor,
    account: &AccountCode,
    period: Period,
    rows: &[StatementRow],
    ctx: &LedgerContext,
) -> Result<Reconciliation, OpError> {
    let account = account_by_code(conn, account)?;
    let code = account.code.as_str().to_owned();
    if !account.reconcilable {
        return Err(OpError::invalid(
            "account",
            ParseError::new(
                "account_not_reconcilable",
                format!(
                    "Account {code} ({}) is not a cash or bank account; only those are reconciled \
                     against statements (e.g. 111, 112).",
                    account.name
                ),
            ),
        ));
    }
    if rows.is_empty() {
        return Err(OpError::invalid(
            "rows",
            ParseError::new("statement_empty", "The statement has no lines."),
        ));
    }
    if let Some(e) = rows_outside(rows, period).into_iter().next() {
        return Err(OpError::invalid(
            "rows",
            ParseError::new("outside_period", format!("Line {}: {}", e.row, e.message)),
        ));
    }
    if let Some(r) = store::find_for(conn, account.id, period)? {
        return Err(exists(&r, &code));
    }
    let id = Uuid::now_v7();
    let line_ids = store::insert(conn, id, account.id, period, rows, actor.user_id, ctx.now)
        .map_err(|e| {
            if is_unique_violation(&e) {
                OpError::conflict(
                    "reconciliation_exists",
                    format!(
                        "The statement of account {code} for {period} was just uploaded by someone \
                         else; open it from GET /api/v1/reconciliations?account={code}&period={period}."
                    ),
                )
            } else {
                e.into()
            }
        })?;
    let statement: Vec<matching::Movement> = rows
        .iter()
        .zip(&line_ids)
        .map(|(r, id)| matching::Movement {
            id: *id,
            date: r.date,
            amount: r.amount,
            reference: r.reference.clone(),
        })
        .collect();
    let movements = store::movements(conn, account.id, period)?;
    let taken = store::matched_anywhere(
        conn,
        &movements
            .iter()
            .map(|m| m.journal_line_id)
            .collect::<Vec<_>>(),
    )?;
    let ledger: Vec<matching::Movement> = movements
        .iter()
        .filter(|m| !taken.contains(&m.journal_line_id))
        .map(|m| matching::Movement {
            id: m.journal_line_id,
            date: m.date,
            amount: m.amount,
            reference: m.reference.clone(),
        })
        .collect();
    let pairs = auto_match(&statement, &ledger, WINDOW_DAYS);
    store::insert_matches(conn, id, &pairs, MatchMethod::Auto, ctx.now)?;
    let r = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
    let total: crate::domain::money::Total = rows.iter().map(|r| r.amount).sum();
    record(
        conn,
        actor,
        "create",
        &r,
        json!({
            "account": code,
            "period": period.to_string(),
            "status": r.status.as_str(),
            "statement_lines": rows.len(),
            "statement_total": total,
            "auto_matched": pairs.len(),
        }),
        ctx,
    )?;
    Ok(r)
}

/// Loads a reconciliation for a change: it must exist and still be open.
fn open_for_change(conn: &mut DbConn, id: Uuid) -> Result<Reconciliation, OpError> {
    let r = store::lock(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
    if r.status == Status::Reconciled {
        return Err(OpError::conflict(
            "reconciliation_reconciled",
            format!(
                "The reconciliation of {} is already marked reconciled and can no longer change. \
                 Reopen it first (POST /api/v1/reconciliations/{}/reopen).",
                r.period, r.id
            ),
        ));
    }
    Ok(r)
}

fn statement_line_unknown() -> OpError {
    OpError::invalid(
        "statement_line_id",
        ParseError::new(
            "statement_line_unknown",
            "This reconciliation's statement has no line with this id; see its lines in GET /api/v1/reconciliations/{id}.",
        ),
    )
}

/// Pairs a statement line with a ledger movement by hand: same amount, the
/// movement on the reconciled account and dated in the period, neither
/// already matched.
pub fn match_lines(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    statement_line_id: Uuid,
    journal_line_id: Uuid,
    ctx: &LedgerContext,
) -> Result<Reconciliation, OpError> {
    let r = open_for_change(conn, id)?;
    let work = store::workpaper(conn, &r)?;
    let line = work
        .lines
        .iter()
        .find(|l| l.id == statement_line_id)
        .ok_or_else(statement_line_unknown)?;
    let movement = store::movement(conn, journal_line_id)?.ok_or_else(|| {
        OpError::invalid(
            "journal_line_id",
            ParseError::new(
                "journal_line_unknown",
                "No journal line has this id; use the journal_line_id of an unmatched ledger movement of this reconciliation.",
            ),
        )
    })?;
    if movement.account_id != r.account_id {
        let code = accounts::find(conn, movement.account_id)?
            .map(|a| a.code.as_str().to_owned())
            .unwrap_or_default();
        return Err(OpError::invalid(
            "journal_line_id",
            ParseError::new(
                "journal_line_other_account",
                format!(
                    "This journal line is on account {code}, not on the account being reconciled; \
                     pick the line of the cash or bank account."
                ),
            ),
        ));
    }
    if !r.period.contains(movement.date) {
        return Err(OpError::invalid(
            "journal_line_id",
            ParseError::new(
                "journal_line_outside_period",
                format!(
                    "This movement is dated {}, outside {}: only movements of the reconciled month \
                     can be matched. Explain the statement line instead.",
                    movement.date.format("%d/%m/%Y"),
                    r.period
                ),
            ),
        ));
    }
    if let Some(m) = work
        .matches
        .iter()
        .find(|m| m.statement_line_id == statement_line_id)
    {
        return Err(OpError::conflict(
            "statement_line_matched",
            format!(
                "Statement line {} is already matched (to journal line {}); unmatch it first.",
                line.row, m.journal_line_id
            ),
        ));
    }
    if !store::matched_anywhere(conn, &[journal_line_id])?.is_empty() {
        return Err(OpError::conflict(
            "journal_line_matched",
            "This ledger movement is already matched to another statement line; unmatch that line first.",
        ));
    }
    if line.amount != movement.amount {
        return Err(OpError::invalid(
            "journal_line_id",
            ParseError::new(
                "amount_mismatch",
                format!(
                    "The amounts differ: statement line {} is {} but the ledger movement is {} \
                     (money in is positive). Only equal amounts can be matched; explain the \
                     difference instead.",
                    line.row, line.amount, movement.amount
                ),
            ),
        ));
    }
    store::insert_matches(
        conn,
        id,
        &[(statement_line_id, journal_line_id)],
        MatchMethod::Manual,
        ctx.now,
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            OpError::conflict(
                "journal_line_matched",
                "One of the two lines was matched by someone else meanwhile; reload the reconciliation.",
            )
        } else {
            e.into()
        }
    })?;
    record(
        conn,
        actor,
        "match",
        &r,
        json!({"statement_line_id": statement_line_id, "journal_line_id": journal_line_id,
               "amount": line.amount, "method": "manual"}),
        ctx,
    )?;
    Ok(r)
}

/// Removes the match of a statement line (automatic or manual).
pub fn unmatch(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    statement_line_id: Uuid,
    ctx: &LedgerContext,
) -> Result<Reconciliation, OpError> {
    let r = open_for_change(conn, id)?;
    let matches = store::matches(conn, id)?;
    let Some(m) = matches
        .iter()
        .find(|m| m.statement_line_id == statement_line_id)
    else {
        return Err(OpError::NotFound("match of that statement line".into()));
    };
    store::delete_match(conn, id, statement_line_id)?;
    record(
        conn,
        actor,
        "unmatch",
        &r,
        json!({"statement_line_id": statement_line_id, "journal_line_id": m.journal_line_id,
               "method": m.method.as_str()}),
        ctx,
    )?;
    Ok(r)
}

/// What an explanation is about.
#[derive(Debug, Clone, Copy)]
pub enum Explained {
    StatementLine(Uuid),
    JournalLine(Uuid),
}

/// Explains a line left unmatched (bank fee, cheque not yet cashed…), or
/// replaces its explanation.
pub fn explain(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    target: Explained,
    note: &str,
    ctx: &LedgerContext,
) -> Result<Reconciliation, OpError> {
    let r = open_for_change(conn, id)?;
    let work = store::workpaper(conn, &r)?;
    let matched = || {
        OpError::conflict(
            "line_matched",
            "This line is matched, so it needs no explanation; unmatch it first if the match is wrong.",
        )
    };
    match target {
        Explained::StatementLine(line) => {
            if !work.lines.iter().any(|l| l.id == line) {
                return Err(statement_line_unknown());
            }
            if work.matches.iter().any(|m| m.statement_line_id == line) {
                return Err(matched());
            }
            store::explain_line(conn, line, Some(note))?;
        }
        Explained::JournalLine(line) => {
            if !work.movements.iter().any(|m| m.journal_line_id == line) {
                return Err(OpError::invalid(
                    "journal_line_id",
                    ParseError::new(
                        "journal_line_unknown",
                        format!(
                            "No movement of the reconciled account in {} has this journal line id; \
                             see unmatched_ledger_movements of the reconciliation.",
                            r.period
                        ),
                    ),
                ));
            }
            if work.matches.iter().any(|m| m.journal_line_id == line) {
                return Err(matched());
            }
            store::explain_movement(conn, id, line, Some(note))?;
        }
    }
    let (kind, line) = match target {
        Explained::StatementLine(l) => ("statement_line_id", l),
        Explained::JournalLine(l) => ("journal_line_id", l),
    };
    record(
        conn,
        actor,
        "explain",
        &r,
        json!({ kind: line, "note": note }),
        ctx,
    )?;
    Ok(r)
}

/// Marks the reconciliation done: refused while a line on either side is
/// neither matched nor explained.
pub fn reconcile(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &LedgerContext,
) -> Result<(Reconciliation, Workpaper), OpError> {
    let r = open_for_change(conn, id)?;
    let work = store::workpaper(conn, &r)?;
    if let Some(left) = work.leftovers() {
        return Err(OpError::conflict(
            "unexplained_lines",
            format!(
                "The reconciliation of {} cannot be marked reconciled yet. Still neither matched nor \
                 explained: {left}. Match each of them or explain it.",
                r.period
            ),
        ));
    }
    store::set_status(conn, id, Status::Reconciled, actor.user_id, ctx.now)?;
    let r = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
    record(
        conn,
        actor,
        "reconcile",
        &r,
        json!({
            "status": r.status.as_str(),
            "statement_total": work.statement_total(),
            "ledger_total": work.ledger_total(),
            "matched": work.matches.len(),
            "explained_statement_lines": work.unmatched_lines().len(),
            "explained_ledger_movements": work.unmatched_movements().len(),
        }),
        ctx,
    )?;
    Ok((r, work))
}

/// Opens a reconciled month's reconciliation again (e.g. a movement was
/// posted into the month afterwards). Refused once the month is closed.
pub fn reopen(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &LedgerContext,
) -> Result<Reconciliation, OpError> {
    let r = store::lock(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
    if r.status == Status::Open {
        return Err(OpError::conflict(
            "reconciliation_open",
            "This reconciliation is open already.",
        ));
    }
    if !crate::storage::ledger::periods::lock_for_posting(conn, r.period)? {
        return Err(OpError::conflict(
            "period_closed",
            format!(
                "{} is closed; its reconciliation stays as it was reconciled.",
                r.period
            ),
        ));
    }
    store::set_status(conn, id, Status::Open, None, ctx.now)?;
    let r = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
    record(
        conn,
        actor,
        "reopen",
        &r,
        json!({"status": r.status.as_str()}),
        ctx,
    )?;
    Ok(r)
}

// Units of work: what the JSON API calls. Each runs in its own transaction
// and loads its own context at the time of the service's clock.

/// A reconciliation read whole: its account, and its statement lines,
/// movements, matches and explanations.
#[derive(Debug)]
pub struct Sheet {
    pub reconciliation: Reconciliation,
    pub account: Account,
    pub work: Workpaper,
}

impl Sheet {
    fn read(conn: &mut DbConn, r: Reconciliation) -> Result<Self, OpError> {
        let account = accounts::find(conn, r.account_id)?
            .ok_or_else(|| OpError::NotFound("account".into()))?;
        let work = store::workpaper(conn, &r)?;
        Ok(Sheet {
            reconciliation: r,
            account,
            work,
        })
    }
}

/// A reconciliation in a list: its account's code and its workpaper, to
/// count from.
#[derive(Debug)]
pub struct Summary {
    pub reconciliation: Reconciliation,
    pub account: String,
    pub work: Workpaper,
}

/// What reconciliations to list.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// The account by code; an unknown code is refused.
    pub account: Option<AccountCode>,
    pub period: Option<Period>,
    pub status: Option<Status>,
    /// Month and id of the last reconciliation of the previous page.
    pub after: Option<(Period, Uuid)>,
}

/// Reconciliations, newest month first.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn list(env: &Env, search: Search, limit: i64) -> Result<Vec<Summary>, OpError> {
    env.db
        .read(move |conn| {
            let account_id = match &search.account {
                None => None,
                Some(code) => Some(account_by_code(conn, code)?.id),
            };
            let filter = ReconciliationFilter {
                account_id,
                period: search.period,
                status: search.status,
                after: search.after,
            };
            let codes: HashMap<Uuid, String> = accounts::list(conn)?
                .into_iter()
                .map(|a| (a.id, a.code.as_str().to_owned()))
                .collect();
            store::list(conn, &filter, limit)?
                .into_iter()
                .map(|r| {
                    let work = store::workpaper(conn, &r)?;
                    let account = codes.get(&r.account_id).cloned().unwrap_or_default();
                    Ok(Summary {
                        reconciliation: r,
                        account,
                        work,
                    })
                })
                .collect()
        })
        .await
}

/// One reconciliation, read whole.
#[tracing::instrument(skip_all, fields(%id))]
pub async fn get(env: &Env, id: Uuid) -> Result<Sheet, OpError> {
    env.db
        .read(move |conn| {
            let r =
                store::find(conn, id)?.ok_or_else(|| OpError::NotFound("reconciliation".into()))?;
            Sheet::read(conn, r)
        })
        .await
}

/// Stores a month's statement of an account and matches it automatically
/// (see [`start`]).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, account = account.as_str(), %period))]
pub async fn upload(
    env: &Env,
    who: &Acting,
    account: AccountCode,
    period: Period,
    rows: Vec<StatementRow>,
) -> Result<Sheet, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let r = start(conn, &actor, &account, period, &rows, &ctx)?;
            Sheet::read(conn, r)
        })
        .await
}

/// A change to a reconciliation.
#[derive(Debug, Clone)]
pub enum Step {
    /// Pair a statement line with a ledger movement by hand.
    Match {
        statement_line_id: Uuid,
        journal_line_id: Uuid,
    },
    /// Undo the match of a statement line.
    Unmatch { statement_line_id: Uuid },
    /// Explain a line left unmatched.
    Explain { target: Explained, note: String },
    /// Mark the month reconciled.
    Reconcile,
    /// Open it again.
    Reopen,
}

/// Changes a reconciliation, and reads it whole after the change.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn step(env: &Env, who: &Acting, id: Uuid, step: Step) -> Result<Sheet, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let r = match step {
                Step::Match {
                    statement_line_id,
                    journal_line_id,
                } => match_lines(conn, &actor, id, statement_line_id, journal_line_id, &ctx)?,
                Step::Unmatch { statement_line_id } => {
                    unmatch(conn, &actor, id, statement_line_id, &ctx)?
                }
                Step::Explain { target, note } => explain(conn, &actor, id, target, &note, &ctx)?,
                Step::Reconcile => reconcile(conn, &actor, id, &ctx)?.0,
                Step::Reopen => reopen(conn, &actor, id, &ctx)?,
            };
            Sheet::read(conn, r)
        })
        .await
}
