//! Posting and reversing journal entries, and closing a month.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use super::budget::{self, BudgetShortfall, Enforcement};
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::ledger::account::{AccountCode, AccountKind};
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::journal::{BalancedLines, Side, Source};
use crate::domain::ledger::period::{FiscalYear, Period};
use crate::domain::money::Money;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::journal::{self as store, EntryFilter, NewEntry, StoredEntry};
use crate::storage::ledger::{accounts, budget_lines, periods, reconciliations};
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

// Units of work: what the JSON API calls. Each runs in its own transaction
// and loads its own context at the time of the service's clock.

/// Codes of the accounts and budget lines by id, to show entries with.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    pub accounts: HashMap<Uuid, String>,
    pub budget_lines: HashMap<Uuid, String>,
}

impl Codes {
    fn load(conn: &mut DbConn) -> Result<Self, OpError> {
        Ok(Self {
            accounts: accounts::list(conn)?
                .into_iter()
                .map(|a| (a.id, a.code.as_str().to_owned()))
                .collect(),
            budget_lines: budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l.code.as_str().to_owned()))
                .collect(),
        })
    }
}

/// Entries with the codes to show them with.
#[derive(Debug)]
pub struct Entries {
    pub entries: Vec<StoredEntry>,
    pub codes: Codes,
}

/// One entry with the codes to show it with, and, when it was just posted,
/// the `warn` budget lines it took beyond what was available.
#[derive(Debug)]
pub struct Shown {
    pub entry: StoredEntry,
    pub warnings: Vec<BudgetShortfall>,
    pub codes: Codes,
}

/// A line of a manual entry, its account and budget line by code.
#[derive(Debug, Clone)]
pub struct ManualLine {
    pub account: AccountCode,
    pub side: Side,
    pub amount: Money,
    pub board_id: Uuid,
    pub budget_line: BudgetLineCode,
    pub memo: Option<String>,
}

/// An entry as finance entered it, parsed but not yet balanced.
#[derive(Debug, Clone)]
pub struct ManualEntry {
    pub date: NaiveDate,
    pub description: String,
    pub reference: Option<String>,
    pub lines: Vec<ManualLine>,
}

/// The postings of manual lines, their codes resolved; every unknown code
/// is refused at once, named by its line (`lines[i].account`,
/// `lines[i].budget_line`).
fn resolve(
    conn: &mut DbConn,
    lines: Vec<ManualLine>,
) -> Result<Vec<crate::domain::ledger::journal::Posting>, OpError> {
    let mut postings = Vec::with_capacity(lines.len());
    let mut unknown = Vec::new();
    for (i, l) in lines.into_iter().enumerate() {
        let account = accounts::find_by_code(conn, &l.account)?;
        if account.is_none() {
            unknown.push((
                format!("lines[{i}].account"),
                ParseError::new(
                    "account_unknown",
                    format!(
                        "There is no account {} in the chart; see GET /api/v1/accounts.",
                        l.account.as_str()
                    ),
                ),
            ));
        }
        let line = budget::line_id(conn, &l.budget_line)?;
        if line.is_none() {
            unknown.push((
                format!("lines[{i}].budget_line"),
                budget::unknown_line(&l.budget_line),
            ));
        }
        if let (Some(a), Some(budget_line_id)) = (account, line) {
            postings.push(crate::domain::ledger::journal::Posting {
                account_id: a.id,
                board_id: l.board_id,
                budget_line_id,
                side: l.side,
                amount: l.amount,
                memo: l.memo,
            });
        }
    }
    if unknown.is_empty() {
        Ok(postings)
    } else {
        Err(OpError::Fields(unknown))
    }
}

/// Journal entries in date order.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn entries(env: &Env, filter: EntryFilter, limit: i64) -> Result<Entries, OpError> {
    env.db
        .read(move |conn| {
            Ok(Entries {
                entries: store::list(conn, &filter, limit)?,
                codes: Codes::load(conn)?,
            })
        })
        .await
}

/// One entry with its lines.
#[tracing::instrument(skip_all, fields(%id))]
pub async fn entry(env: &Env, id: Uuid) -> Result<Shown, OpError> {
    env.db
        .read(move |conn| {
            let entry =
                store::find(conn, id)?.ok_or_else(|| OpError::NotFound("journal entry".into()))?;
            Ok(Shown {
                entry,
                warnings: Vec::new(),
                codes: Codes::load(conn)?,
            })
        })
        .await
}

/// Posts a manual entry: its account and budget-line codes are resolved,
/// its lines must balance, and its spend passes the budget check.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, date = %new.date))]
pub async fn post_manual(env: &Env, who: &Acting, new: ManualEntry) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let lines = resolve(conn, new.lines)?;
            let lines = BalancedLines::new(lines).map_err(|e| OpError::invalid("lines", e))?;
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (entry, warnings) = post(
                conn,
                &actor,
                Posting {
                    id: Uuid::now_v7(),
                    date: new.date,
                    description: new.description,
                    reference: new.reference,
                    source: Source::Manual,
                    source_id: None,
                    reverses_id: None,
                    lines,
                },
                Enforcement::Enforce,
                &ctx,
            )?;
            Ok(Shown {
                entry,
                warnings,
                codes: Codes::load(conn)?,
            })
        })
        .await
}

/// Reverses an entry, dated `date` (default today in the office).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn reverse_entry(
    env: &Env,
    who: &Acting,
    id: Uuid,
    date: Option<NaiveDate>,
    description: Option<String>,
) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (entry, warnings) = reverse(conn, &actor, id, date, description, &ctx)?;
            Ok(Shown {
                entry,
                warnings,
                codes: Codes::load(conn)?,
            })
        })
        .await
}

/// Closes a month; returns the accounts closed without a finished
/// reconciliation (a forced close).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %period))]
pub async fn close_month(
    env: &Env,
    who: &Acting,
    period: Period,
    forced_reason: Option<String>,
) -> Result<Vec<String>, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            close_period(conn, &actor, period, forced_reason, &ctx)
        })
        .await
}

/// The closed months, newest first.
#[tracing::instrument(skip_all)]
pub async fn closed_months(env: &Env) -> Result<Vec<String>, OpError> {
    env.db.read(|conn| Ok(periods::closed(conn)?)).await
}
