//! Posting and reversing journal entries, and closing a month.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use super::budget::{self, BudgetShortfall, Enforcement};
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::AccountKind;
use crate::domain::ledger::journal::{BalancedLines, Side, Source};
use crate::domain::ledger::period::{FiscalYear, Period};
use crate::domain::money::Money;
use crate::ops::OpError;
use crate::storage::audit::{self, Change};
use crate::storage::ledger::journal::{self as store, NewEntry, StoredEntry};
use crate::storage::ledger::{accounts, periods, reconciliations};
use crate::storage::{DbConn, boards, is_unique_violation};

/// An entry to post, already parsed and balanced.
pub struct Posting {
    /// The new entry's id (`Uuid::now_v7()`), known before posting so a
    /// caller can refer to it in the same transaction.
    pub id: Uuid,
    pub date: NaiveDate,
    pub description: String,
    pub reference: Option<String>,
    pub source: Source,
    pub source_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub lines: BalancedLines,
}

fn snapshot(e: &StoredEntry) -> serde_json::Value {
    json!({
        "id": e.id,
        "date": e.date,
        "description": e.description,
        "reference": e.reference,
        "source": e.source.as_str(),
        "source_id": e.source_id,
        "reverses_id": e.reverses_id,
        "lines": e.lines.iter().map(|l| json!({
            "account_id": l.account_id,
            "board_id": l.board_id,
            "budget_line_id": l.budget_line_id,
            "side": l.side.as_str(),
            "amount": l.amount,
        })).collect::<Vec<_>>(),
    })
}

fn invalid(field: String, code: &'static str, message: &str) -> OpError {
    // Field paths of lines are built at run time; leak-free static names
    // are not possible, so the path goes into the message.
    OpError::invalid(
        "lines",
        ParseError::new(code, format!("{field}: {message}")),
    )
}

/// Posts an entry: the month must be open, every account active, every
/// board and budget line known; spend on expense accounts passes the
/// budget check of its board and budget line. Returns the posted entry
/// and the warnings of `warn` lines.
pub fn post(
    conn: &mut DbConn,
    actor: &Actor,
    p: Posting,
    enforcement: Enforcement,
    ctx: &LedgerContext,
) -> Result<(StoredEntry, Vec<BudgetShortfall>), OpError> {
    // Only days of the years the ledger keeps: a month of year 9999 could
    // never be closed, and year 0 is not a date PostgreSQL stores.
    FiscalYear::new(i64::from(p.date.year())).map_err(|e| OpError::invalid("date", e))?;
    let period = Period::of(p.date);
    if !periods::lock_for_posting(conn, period)? {
        return Err(OpError::conflict(
            "period_closed",
            format!("{period} is closed and accepts no postings; date the entry in an open month."),
        ));
    }
    let mut kinds: HashMap<Uuid, AccountKind> = HashMap::new();
    let mut lines_by_id = HashMap::new();
    for (i, l) in p.lines.lines().iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(slot) = kinds.entry(l.account_id) {
            match accounts::find(conn, l.account_id)? {
                Some(a) if a.active => {
                    slot.insert(a.kind);
                }
                Some(a) => {
                    return Err(invalid(
                        format!("lines[{i}].account_id"),
                        "account_inactive",
                        &format!("account {} is closed to postings.", a.code.as_str()),
                    ));
                }
                None => {
                    return Err(invalid(
                        format!("lines[{i}].account_id"),
                        "account_unknown",
                        "no account has this id.",
                    ));
                }
            }
        }
        if boards::find(conn, l.board_id)?.is_none() {
            return Err(invalid(
                format!("lines[{i}].board_id"),
                "board_unknown",
                "no board has this id.",
            ));
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = lines_by_id.entry(l.budget_line_id)
        {
            let line = budget::load_line(conn, l.budget_line_id, "lines").map_err(|_| {
                invalid(
                    format!("lines[{i}].budget_line_id"),
                    "budget_line_unknown",
                    "no budget line has this id.",
                )
            })?;
            slot.insert(line);
        }
    }
    // Net new spend per board and budget line (debits to expense accounts
    // less credits to them).
    let mut spend: BTreeMap<(Uuid, Uuid), i64> = BTreeMap::new();
    for l in p.lines.lines() {
        if kinds[&l.account_id] == AccountKind::Expense {
            let signed = match l.side {
                Side::Debit => l.amount.to_minor(),
                Side::Credit => -l.amount.to_minor(),
            };
            *spend.entry((l.budget_line_id, l.board_id)).or_default() += signed;
        }
    }
    let mut warnings = Vec::new();
    for ((line_id, board_id), minor) in spend {
        if minor > 0
            && let Some(w) = budget::check(
                conn,
                &lines_by_id[&line_id],
                board_id,
                p.date,
                Money::from_minor(minor),
                enforcement,
            )?
        {
            warnings.push(w);
        }
    }
    let id = p.id;
    store::insert(
        conn,
        &NewEntry {
            id,
            date: p.date,
            description: &p.description,
            reference: p.reference.as_deref(),
            source: p.source,
            source_id: p.source_id,
            reverses_id: p.reverses_id,
            created_by: actor.user_id,
            lines: &p.lines,
        },
        ctx.now,
    )
    .map_err(|e| {
        if is_unique_violation(&e) && p.reverses_id.is_some() {
            OpError::conflict("already_reversed", "This entry has already been reversed.")
        } else if is_unique_violation(&e) {
            OpError::conflict(
                "already_posted",
                "This has already been posted to the ledger.",
            )
        } else {
            e.into()
        }
    })?;
    let entry = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("journal entry".into()))?;
    let board_id = entry.lines.first().map(|l| l.board_id);
    audit::record(
        conn,
        &Change {
            actor,
            action: if p.reverses_id.is_some() {
                "reverse"
            } else {
                "post"
            },
            entity_type: "journal_entry",
            entity_id: id,
            board_id,
            before: None,
            after: Some(snapshot(&entry)),
        },
        ctx.now,
    )?;
    Ok((entry, warnings))
}

/// Posts the entry that cancels `id`, dated `date` (default today), which
/// must fall in an open month.
pub fn reverse(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    date: Option<NaiveDate>,
    description: Option<String>,
    ctx: &LedgerContext,
) -> Result<(StoredEntry, Vec<BudgetShortfall>), OpError> {
    let original =
        store::find(conn, id)?.ok_or_else(|| OpError::NotFound("journal entry".into()))?;
    if original.reverses_id.is_some() {
        return Err(OpError::conflict(
            "reversal_not_reversible",
            "This entry is itself a reversal; post the original entry again instead.",
        ));
    }
    if let Some(by) = original.reversed_by {
        return Err(OpError::conflict(
            "already_reversed",
            format!("This entry was already reversed by entry {by}."),
        ));
    }
    let date = date.unwrap_or_else(|| ctx.today());
    if date < original.date {
        return Err(OpError::invalid(
            "date",
            ParseError::new(
                "reversal_before_original",
                format!(
                    "A reversal cannot be dated before the entry it reverses ({}).",
                    original.date
                ),
            ),
        ));
    }
    let lines = BalancedLines::new(
        original
            .lines
            .iter()
            .map(|l| crate::domain::ledger::journal::Posting {
                account_id: l.account_id,
                board_id: l.board_id,
                budget_line_id: l.budget_line_id,
                side: l.side,
                amount: l.amount,
                memo: l.memo.clone(),
            })
            .collect(),
    )
    .map_err(|e| OpError::invalid("lines", e))?
    .reversed();
    post(
        conn,
        actor,
        Posting {
            id: Uuid::now_v7(),
            date,
            description: description
                .unwrap_or_else(|| format!("Reversal of: {}", original.description)),
            reference: original.reference.clone(),
            source: Source::Reversal,
            source_id: None,
            reverses_id: Some(original.id),
            lines,
        },
        Enforcement::Enforce,
        ctx,
    )
}

/// Closes a month that has ended. Refused while a cash or bank account
/// moved in it without a finished reconciliation, unless `forced_reason`
/// is given.
pub fn close_period(
    conn: &mut DbConn,
    actor: &Actor,
    period: Period,
    forced_reason: Option<String>,
    ctx: &LedgerContext,
) -> Result<Vec<String>, OpError> {
    if period.last_day() >= ctx.today() {
        return Err(OpError::conflict(
            "period_not_ended",
            format!("{period} has not ended yet; a month can be closed from its next month on."),
        ));
    }
    if !periods::lock_for_close(conn, period)? {
        return Err(OpError::conflict(
            "period_closed",
            format!("{period} is already closed."),
        ));
    }
    let open = reconciliations::unreconciled_accounts(conn, period)?;
    if !open.is_empty() && forced_reason.is_none() {
        return Err(OpError::conflict(
            "unreconciled_movements",
            format!(
                "{period} cannot be closed: account(s) {} moved in it and are not reconciled. Reconcile them, or close with a reason to force it.",
                open.join(", ")
            ),
        ));
    }
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    periods::close(conn, period, by, forced_reason.as_deref(), ctx.now)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: if forced_reason.is_some() {
                "force_close"
            } else {
                "close"
            },
            entity_type: "period",
            entity_id: Uuid::new_v5(&Uuid::NAMESPACE_OID, period.to_string().as_bytes()),
            board_id: None,
            before: None,
            after: Some(json!({
                "period": period.to_string(),
                "status": "closed",
                "forced_reason": forced_reason,
                "unreconciled_accounts": open,
            })),
        },
        ctx.now,
    )?;
    Ok(open)
}
