//! The account ledger: the movements of one account over a date range in
//! date order, with a running balance, a page at a time (or whole, for a
//! download).

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::ledger::account::AccountCode;
use crate::domain::money::{Money, Total};
use crate::ops::{Env, OpError};
use crate::storage::ledger::{accounts, budget_lines, reports};

/// The most lines a download reads at a time.
const DOWNLOAD_PAGE: i64 = 10_000;

#[derive(Debug, Clone)]
pub struct Asked {
    pub account: AccountCode,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// After this `(date, line id)`.
    pub after: Option<(NaiveDate, Uuid)>,
    /// Lines in a page; `None`: every line.
    pub limit: Option<i64>,
}

/// One movement, and the balance after it.
#[derive(Debug, Clone)]
pub struct Line {
    pub date: NaiveDate,
    pub entry_id: Uuid,
    pub line_id: Uuid,
    pub description: String,
    pub reference: Option<String>,
    pub board_id: Uuid,
    pub budget_line: String,
    pub debit: Money,
    pub credit: Money,
    pub balance: Total,
}

#[derive(Debug, Clone)]
pub struct Ledger {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Debits less credits before the first line.
    pub balance_before: Total,
    pub lines: Vec<Line>,
    /// Where the next page starts, when this one was full.
    pub next: Option<(NaiveDate, Uuid)>,
}

#[tracing::instrument(skip(env))]
pub async fn read(env: &Env, asked: Asked) -> Result<Ledger, OpError> {
    let (from, to) = super::trial_balance::range(env, asked.from, asked.to).await?;
    env.db
        .read(move |conn| {
            let code = &asked.account;
            let account = accounts::find_by_code(conn, code)?.ok_or_else(|| {
                OpError::invalid(
                    "account",
                    ParseError::new(
                        "account_unknown",
                        format!("There is no account {} in the chart.", code.as_str()),
                    ),
                )
            })?;
            let before = reports::balance_before(conn, account.id, from, asked.after)?;
            let limit = asked.limit.unwrap_or(DOWNLOAD_PAGE);
            let mut read = Vec::new();
            let mut cursor = asked.after;
            loop {
                let page = reports::account_lines(conn, account.id, from, to, cursor, limit)?;
                let full = page.len() as i64 == limit;
                cursor = page.last().map(|l| (l.date, l.line_id));
                read.extend(page);
                if asked.limit.is_some() || !full {
                    break;
                }
            }
            let next = (asked.limit.is_some() && read.len() as i64 == limit)
                .then(|| read.last().map(|l| (l.date, l.line_id)))
                .flatten();
            let codes: HashMap<Uuid, String> = budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l.code.as_str().to_owned()))
                .collect();
            let mut balance = before;
            let lines = read
                .into_iter()
                .map(|l| {
                    balance = balance + l.debit - l.credit;
                    Line {
                        date: l.date,
                        entry_id: l.entry_id,
                        line_id: l.line_id,
                        description: l.description,
                        reference: l.reference,
                        board_id: l.board_id,
                        budget_line: codes.get(&l.budget_line_id).cloned().unwrap_or_default(),
                        debit: l.debit,
                        credit: l.credit,
                        balance,
                    }
                })
                .collect();
            Ok(Ledger {
                from,
                to,
                balance_before: before,
                lines,
                next,
            })
        })
        .await
}
