//! The trial balance of a date range: per account the opening balance, the
//! range's debits and credits, and the closing balance, each on its debit
//! or credit side, with the column sums.

use chrono::NaiveDate;

use crate::domain::ParseError;
use crate::domain::ledger::account::Account;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Total;
use crate::ops::{Env, OpError};
use crate::storage::ledger::{accounts, reports};

/// The dates asked for; `to` defaults to the office's today, `from` to
/// the first day of `to`'s fiscal year.
pub async fn range(
    env: &Env,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), OpError> {
    let to = match to {
        Some(to) => to,
        None => crate::ops::settings::office_today(env).await?,
    };
    let from = from.unwrap_or_else(|| FiscalYear::of(to).first_day());
    if from > to {
        return Err(OpError::invalid(
            "from",
            ParseError::new(
                "range_reversed",
                "from is after to; give the earlier date first.",
            ),
        ));
    }
    Ok((from, to))
}

/// Amounts on the debit and on the credit side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    pub debit: Total,
    pub credit: Total,
}

impl Sides {
    const ZERO: Sides = Sides {
        debit: Total::ZERO,
        credit: Total::ZERO,
    };

    /// A net balance (debits less credits) on the side it falls.
    fn of(net: Total) -> Self {
        if net.is_negative() {
            Sides {
                debit: Total::ZERO,
                credit: -net,
            }
        } else {
            Sides {
                debit: net,
                credit: Total::ZERO,
            }
        }
    }

    fn add(self, other: Sides) -> Sides {
        Sides {
            debit: self.debit + other.debit,
            credit: self.credit + other.credit,
        }
    }
}

/// One account that moved.
#[derive(Debug, Clone)]
pub struct Line {
    pub account: Account,
    pub opening: Sides,
    pub movement: Sides,
    pub closing: Sides,
}

#[derive(Debug, Clone)]
pub struct TrialBalance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// In account code order; accounts that never moved are left out.
    pub lines: Vec<Line>,
    /// Column sums: debits equal credits in each pair.
    pub opening: Sides,
    pub movement: Sides,
    pub closing: Sides,
}

#[tracing::instrument(skip(env))]
pub async fn read(
    env: &Env,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<TrialBalance, OpError> {
    let (from, to) = range(env, from, to).await?;
    env.db
        .read(move |conn| {
            let mut moved: std::collections::HashMap<_, _> =
                reports::trial_balance(conn, from, to)?
                    .into_iter()
                    .map(|r| (r.account_id, r))
                    .collect();
            let mut tb = TrialBalance {
                from,
                to,
                lines: Vec::new(),
                opening: Sides::ZERO,
                movement: Sides::ZERO,
                closing: Sides::ZERO,
            };
            for account in accounts::list(conn)? {
                let Some(r) = moved.remove(&account.id) else {
                    continue;
                };
                let line = Line {
                    account,
                    opening: Sides::of(r.opening),
                    movement: Sides {
                        debit: r.debit,
                        credit: r.credit,
                    },
                    closing: Sides::of(r.opening + r.debit - r.credit),
                };
                tb.opening = tb.opening.add(line.opening);
                tb.movement = tb.movement.add(line.movement);
                tb.closing = tb.closing.add(line.closing);
                tb.lines.push(line);
            }
            Ok(tb)
        })
        .await
}
