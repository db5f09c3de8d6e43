//! A bank or treasury reconciliation of one cash or bank account for one
//! month: the statement's lines, the ledger's movements on the account,
//! the pairs matched between them and the explanations of what is left.
//!
//! A reconciliation can be marked done only when every statement line and
//! every ledger movement is either matched or explained.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::ledger::period::Period;
use crate::domain::ledger::statement::{RowError, StatementRow};
use crate::domain::money::{Money, Total};

/// How many days a statement line and a ledger movement may lie apart for
/// the automatic matching.
pub const WINDOW_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    Reconciled,
}

impl Status {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "open" => Ok(Status::Open),
            "reconciled" => Ok(Status::Reconciled),
            other => Err(ParseError::new(
                "invalid_reconciliation_status",
                format!("'{other}' is not a reconciliation status: use open or reconciled."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Reconciled => "reconciled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchMethod {
    Auto,
    Manual,
}

impl MatchMethod {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "auto" => Ok(MatchMethod::Auto),
            "manual" => Ok(MatchMethod::Manual),
            other => Err(ParseError::new(
                "invalid_match_method",
                format!("'{other}' is not a match method: use auto or manual."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchMethod::Auto => "auto",
            MatchMethod::Manual => "manual",
        }
    }
}

/// A stored statement line. `amount` is positive for money in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub id: Uuid,
    /// Line number in the uploaded file (the header is line 1).
    pub row: i32,
    pub date: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub explanation: Option<String>,
}

/// A journal line on the reconciled account: debit − credit, so money in
/// is positive like on the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub journal_line_id: Uuid,
    pub entry_id: Uuid,
    pub account_id: Uuid,
    pub date: NaiveDate,
    pub amount: Money,
    /// The entry's voucher number.
    pub reference: Option<String>,
    pub description: String,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub statement_line_id: Uuid,
    pub journal_line_id: Uuid,
    pub method: MatchMethod,
    pub matched_at: DateTime<Utc>,
}

/// Everything a reconciliation is made of, as read from the store.
#[derive(Debug, Clone, Default)]
pub struct Workpaper {
    pub lines: Vec<StatementLine>,
    /// The account's movements dated in the period.
    pub movements: Vec<Movement>,
    pub matches: Vec<Match>,
    /// Explanations of ledger movements left unmatched, by journal line id.
    pub notes: HashMap<Uuid, String>,
}

fn total<'a>(amounts: impl Iterator<Item = &'a Money>) -> Total {
    amounts.copied().sum()
}

impl Workpaper {
    pub fn statement_total(&self) -> Total {
        total(self.lines.iter().map(|l| &l.amount))
    }

    pub fn ledger_total(&self) -> Total {
        total(self.movements.iter().map(|m| &m.amount))
    }

    /// Matched pairs in statement order.
    pub fn pairs(&self) -> Vec<(&StatementLine, &Movement, &Match)> {
        let lines: HashMap<Uuid, &StatementLine> = self.lines.iter().map(|l| (l.id, l)).collect();
        let movements: HashMap<Uuid, &Movement> = self
            .movements
            .iter()
            .map(|m| (m.journal_line_id, m))
            .collect();
        let mut pairs: Vec<_> = self
            .matches
            .iter()
            .filter_map(|m| {
                Some((
                    *lines.get(&m.statement_line_id)?,
                    *movements.get(&m.journal_line_id)?,
                    m,
                ))
            })
            .collect();
        pairs.sort_by_key(|(l, _, _)| (l.row, l.id));
        pairs
    }

    pub fn unmatched_lines(&self) -> Vec<&StatementLine> {
        let matched: HashSet<Uuid> = self.matches.iter().map(|m| m.statement_line_id).collect();
        self.lines
            .iter()
            .filter(|l| !matched.contains(&l.id))
            .collect()
    }

    pub fn unmatched_movements(&self) -> Vec<&Movement> {
        let matched: HashSet<Uuid> = self.matches.iter().map(|m| m.journal_line_id).collect();
        self.movements
            .iter()
            .filter(|m| !matched.contains(&m.journal_line_id))
            .collect()
    }

    /// Statement lines neither matched nor explained.
    pub fn unexplained_lines(&self) -> Vec<&StatementLine> {
        self.unmatched_lines()
            .into_iter()
            .filter(|l| l.explanation.is_none())
            .collect()
    }

    /// Ledger movements neither matched nor explained.
    pub fn unexplained_movements(&self) -> Vec<&Movement> {
        self.unmatched_movements()
            .into_iter()
            .filter(|m| !self.notes.contains_key(&m.journal_line_id))
            .collect()
    }

    /// A sentence listing what keeps the reconciliation from being done,
    /// or `None` when nothing does.
    pub fn leftovers(&self) -> Option<String> {
        const SHOWN: usize = 10;
        let lines = self.unexplained_lines();
        let movements = self.unexplained_movements();
        if lines.is_empty() && movements.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if !lines.is_empty() {
            let mut shown: Vec<String> = lines
                .iter()
                .take(SHOWN)
                .map(|l| {
                    format!(
                        "line {} ({}, {})",
                        l.row,
                        l.date.format("%d/%m/%Y"),
                        l.amount
                    )
                })
                .collect();
            if lines.len() > SHOWN {
                shown.push(format!("and {} more", lines.len() - SHOWN));
            }
            parts.push(format!(
                "{} statement line(s): {}",
                lines.len(),
                shown.join(", ")
            ));
        }
        if !movements.is_empty() {
            let mut shown: Vec<String> = movements
                .iter()
                .take(SHOWN)
                .map(|m| {
                    format!(
                        "{} {} ({})",
                        m.reference.as_deref().unwrap_or("no reference"),
                        m.date.format("%d/%m/%Y"),
                        m.amount
                    )
                })
                .collect();
            if movements.len() > SHOWN {
                shown.push(format!("and {} more", movements.len() - SHOWN));
            }
            parts.push(format!(
                "{} ledger movement(s): {}",
                movements.len(),
                shown.join(", ")
            ));
        }
        Some(parts.join("; "))
    }
}

/// Statement rows dated outside the month they are uploaded for.
pub fn rows_outside(rows: &[StatementRow], period: Period) -> Vec<RowError> {
    rows.iter()
        .filter(|r| !period.contains(r.date))
        .map(|r| RowError {
            row: r.row,
            column: "date".into(),
            message: format!(
                "The line is dated {}, outside {period}: a statement is reconciled one month at a time; \
                 remove the line or upload it with the statement of its own month.",
                r.date.format("%d/%m/%Y")
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, day).unwrap()
    }

    fn line(n: u128, row: i32, amount: i64, explanation: Option<&str>) -> StatementLine {
        StatementLine {
            id: Uuid::from_u128(n),
            row,
            date: d(5),
            amount: Money::from_minor(amount),
            reference: None,
            description: None,
            explanation: explanation.map(str::to_owned),
        }
    }

    fn movement(n: u128, amount: i64) -> Movement {
        Movement {
            journal_line_id: Uuid::from_u128(n),
            entry_id: Uuid::from_u128(n + 1000),
            account_id: Uuid::from_u128(112),
            date: d(6),
            amount: Money::from_minor(amount),
            reference: Some(format!("PC-{n}")),
            description: "Chi".into(),
            memo: None,
        }
    }

    #[test]
    fn what_is_left_after_matches_and_explanations() {
        let mut w = Workpaper {
            lines: vec![
                line(1, 2, -100, None),
                line(2, 3, 500, None),
                line(3, 4, -7, Some("Phí SMS")),
            ],
            movements: vec![movement(10, -100), movement(11, 900)],
            matches: vec![Match {
                statement_line_id: Uuid::from_u128(1),
                journal_line_id: Uuid::from_u128(10),
                method: MatchMethod::Auto,
                matched_at: DateTime::<Utc>::UNIX_EPOCH,
            }],
            notes: HashMap::new(),
        };
        assert_eq!(w.statement_total(), Total::from_minor(393));
        assert_eq!(w.ledger_total(), Total::from_minor(800));
        assert_eq!(w.pairs().len(), 1);
        assert_eq!(w.unmatched_lines().len(), 2);
        let lines: Vec<i32> = w.unexplained_lines().iter().map(|l| l.row).collect();
        assert_eq!(lines, [3]);
        assert_eq!(w.unexplained_movements().len(), 1);
        let left = w.leftovers().unwrap();
        assert!(left.contains("line 3 (05/10/2026, 5)"), "{left}");
        assert!(left.contains("PC-11 06/10/2026 (9)"), "{left}");
        w.lines[1].explanation = Some("Lãi tiền gửi".into());
        w.notes.insert(Uuid::from_u128(11), "Séc chưa lĩnh".into());
        assert_eq!(w.leftovers(), None);
    }

    #[test]
    fn rows_of_another_month_are_refused() {
        let row = |n: usize, day: NaiveDate| StatementRow {
            row: n,
            date: day,
            amount: Money::from_minor(1),
            reference: None,
            description: None,
        };
        let period = Period::parse("2026-10").unwrap();
        let errors = rows_outside(
            &[
                row(2, d(1)),
                row(3, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
                row(4, d(31)),
                row(5, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()),
            ],
            period,
        );
        let rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [3, 5]);
        assert!(errors[0].message.contains("01/11/2026, outside 2026-10"));
    }

    #[test]
    fn statuses_and_methods_round_trip() {
        for s in [Status::Open, Status::Reconciled] {
            assert_eq!(Status::parse(s.as_str()).unwrap(), s);
        }
        for m in [MatchMethod::Auto, MatchMethod::Manual] {
            assert_eq!(MatchMethod::parse(m.as_str()).unwrap(), m);
        }
        assert!(Status::parse("done").is_err());
    }
}
