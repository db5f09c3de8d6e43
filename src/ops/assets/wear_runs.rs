//! The year-end wear run: each asset's wear for the fiscal year (see
//! `domain::assets::wear`), posted as one entry dated 31 December — debit
//! 366, credit 214 per custodian board on budget line 9050 — and added to
//! each asset's accumulated wear with a history row. One run per year: a
//! second run changes nothing and says so.

use chrono::Datelike;
use uuid::Uuid;

use super::{ACCUMULATED_WEAR_ACCOUNT, DEFERRED_FUNDING_ACCOUNT, account_id};
use crate::domain::ParseError;
use crate::domain::assets::wear::{self, WearBasis};
use crate::domain::audit::Actor;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::journal::{self as entries, BalancedLines, Side, Source};
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::ops::ledger::LedgerContext;
use crate::ops::ledger::budget::Enforcement;
use crate::ops::ledger::journal::{self, Posting};
use crate::ops::{Acting, Env, OpError};
use crate::storage::DbConn;
use crate::storage::assets::history::{self, HistoryKind, NewEvent};
use crate::storage::assets::register;
use crate::storage::assets::wear_runs::{self as store, WearRun};
use crate::storage::audit::{self, Change};
use crate::storage::ledger::budget_lines;

/// The budget line wear is recorded on: the procurement line that funded
/// the assets.
pub const WEAR_BUDGET_LINE: &str = "9050";

/// One asset's wear in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetWear {
    pub asset_id: Uuid,
    pub code: String,
    pub board_id: Uuid,
    pub wear: Money,
    pub accumulated: Money,
    pub remaining: Money,
}

/// The run, and whether it had already been done (nothing changed now).
pub struct Outcome {
    pub run: WearRun,
    pub already_run: bool,
    /// The assets worn by this call (empty when already run).
    pub assets: Vec<AssetWear>,
}

/// Runs the wear of `year`. A future year is refused; a year already run
/// returns the earlier run with `already_run`.
pub fn run(
    conn: &mut DbConn,
    actor: &Actor,
    year: FiscalYear,
    ctx: &LedgerContext,
) -> Result<Outcome, OpError> {
    let today = ctx.today();
    if year.get() > today.year() {
        return Err(OpError::invalid(
            "fiscal_year",
            ParseError::new(
                "future_year",
                format!(
                    "{} has not begun; wear is run for the current or a past year.",
                    year.get()
                ),
            ),
        ));
    }
    if let Some(run) = store::of_year(conn, year.get())? {
        return Ok(Outcome {
            run,
            already_run: true,
            assets: vec![],
        });
    }
    let run_id = Uuid::now_v7();
    // Claims the year first: a concurrent run waits on the unique index
    // and then fails, so a year is posted once.
    let mut run = WearRun {
        id: run_id,
        fiscal_year: year.get(),
        total: Money::ZERO,
        assets_count: 0,
        journal_entry_id: None,
        created_by: actor.user_id,
        created_at: ctx.now,
    };
    store::insert(conn, &run)?;
    let mut worn = Vec::new();
    for a in register::held_during(conn, year.first_day(), year.last_day())? {
        let w = wear::year_wear(
            &WearBasis {
                original_cost: a.original_cost,
                rate: a.wear_rate,
                acquired_on: a.acquired_on,
                disposed_on: a.disposed_on,
                accumulated: a.accumulated_wear,
            },
            year.get(),
        );
        if w.to_minor() > 0 {
            worn.push((a, w));
        }
    }
    // Summed wide: a year's wear of many assets can exceed what one
    // posting (and the run's total) may carry, which is refused in words.
    let mut by_board: std::collections::BTreeMap<Uuid, crate::domain::money::Total> =
        Default::default();
    for (a, w) in &worn {
        *by_board.entry(a.custodian_board_id).or_default() += (*w).into();
    }
    let wide: crate::domain::money::Total = by_board.values().copied().sum();
    let total = wide.to_money().ok_or_else(|| {
        OpError::conflict(
            "amount_out_of_range",
            format!(
                "The wear of {} for {} comes to {wide} đồng, more than one posting can carry \
                 (999,999,999,999,999.99 đồng); check the assets' original costs.",
                year.get(),
                if by_board.len() == 1 {
                    "one board"
                } else {
                    "all boards"
                },
            ),
        )
    })?;
    let by_board: std::collections::BTreeMap<Uuid, i64> = by_board
        .into_iter()
        .map(|(b, t)| (b, t.to_minor() as i64))
        .collect();
    let mut entry_id = None;
    if total.to_minor() > 0 {
        let code = BudgetLineCode::parse(WEAR_BUDGET_LINE)
            .map_err(|e| OpError::invalid("budget_line", e))?;
        let line = budget_lines::find_by_code(conn, &code)?.ok_or_else(|| {
            OpError::conflict(
                "ledger_not_set_up",
                format!("Budget line {WEAR_BUDGET_LINE} is missing; finance must create it before running wear."),
            )
        })?;
        let funding = account_id(conn, DEFERRED_FUNDING_ACCOUNT)?;
        let accumulated = account_id(conn, ACCUMULATED_WEAR_ACCOUNT)?;
        let mut lines = Vec::new();
        for (board_id, minor) in &by_board {
            for (account_id, side) in [(funding, Side::Debit), (accumulated, Side::Credit)] {
                lines.push(entries::Posting {
                    account_id,
                    board_id: *board_id,
                    budget_line_id: line.id,
                    side,
                    amount: Money::from_minor(*minor),
                    memo: Some(format!("Hao mòn năm {}", year.get())),
                });
            }
        }
        let lines = BalancedLines::new(lines).map_err(|e| OpError::invalid("fiscal_year", e))?;
        let (entry, _) = journal::post(
            conn,
            actor,
            Posting {
                id: Uuid::now_v7(),
                date: year.last_day(),
                description: format!("Hao mòn tài sản cố định năm {}", year.get()),
                reference: None,
                source: Source::Asset,
                source_id: Some(run_id),
                reverses_id: None,
                lines,
            },
            Enforcement::RecordOnly,
            ctx,
        )?;
        entry_id = Some(entry.id);
    }
    let mut assets = Vec::with_capacity(worn.len());
    for (a, w) in worn {
        let mut after = a.clone();
        after.accumulated_wear = a
            .accumulated_wear
            .checked_add(w)
            .ok_or_else(|| OpError::conflict("amount_out_of_range", "Wear is out of range."))?;
        register::update(conn, &after, ctx.now)?;
        history::append(
            conn,
            a.id,
            HistoryKind::Wear,
            &NewEvent {
                amount: Some(w),
                reason: Some(&format!("Hao mòn năm {}", year.get())),
                wear_run_id: Some(run_id),
                journal_entry_id: entry_id,
                ..Default::default()
            },
            actor,
            ctx.now,
        )?;
        assets.push(AssetWear {
            asset_id: a.id,
            code: a.code.as_str().to_owned(),
            board_id: a.custodian_board_id,
            wear: w,
            accumulated: after.accumulated_wear,
            remaining: wear::remaining(after.original_cost, after.accumulated_wear),
        });
    }
    run.total = total;
    run.assets_count = i32::try_from(assets.len()).unwrap_or(i32::MAX);
    run.journal_entry_id = entry_id;
    store::finish(conn, run_id, total, run.assets_count, entry_id)?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "run",
            entity_type: "wear_run",
            entity_id: run_id,
            board_id: None,
            before: None,
            after: Some(serde_json::json!({
                "fiscal_year": year.get(), "total": total,
                "assets_count": run.assets_count, "journal_entry_id": entry_id,
            })),
        },
        ctx.now,
    )?;
    Ok(Outcome {
        run,
        already_run: false,
        assets,
    })
}

// Units of work: what the JSON API calls. Each runs in its own
// transaction, at the time of the service's clock.

/// Runs the wear of `year` in a transaction of its own. Should the run
/// fail because a concurrent run of the same year committed first, that
/// run is returned as already run.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, year = year.get()))]
pub async fn run_year(env: &Env, who: &Acting, year: FiscalYear) -> Result<Outcome, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    let failed = match env
        .db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            run(conn, &actor, year, &ctx)
        })
        .await
    {
        Ok(outcome) => return Ok(outcome),
        Err(e) => e,
    };
    // A concurrent run of the same year committed first.
    let earlier = env
        .db
        .read(move |conn| Ok::<_, OpError>(store::of_year(conn, year.get())?))
        .await?;
    match earlier {
        Some(run) => Ok(Outcome {
            run,
            already_run: true,
            assets: vec![],
        }),
        None => Err(failed),
    }
}

/// Wear runs, newest year first.
#[tracing::instrument(skip_all)]
pub async fn list(env: &Env) -> Result<Vec<WearRun>, OpError> {
    env.db.read(|conn| Ok(store::list(conn)?)).await
}
