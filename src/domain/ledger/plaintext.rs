//! The journal as plain-text accounting (hledger or beancount), so the
//! ledger can be checked with independent tools.
//!
//! Accounts are named by type and code (`Assets:112`, `Expenses:611`),
//! amounts are in `VND`, debits positive and credits negative. Each
//! posting carries its board and budget line (hledger tags, beancount
//! metadata); each entry its id, source and voucher reference.

use std::fmt::Write;

use chrono::NaiveDate;

use super::account::AccountKind;
use super::journal::Side;
use crate::domain::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Hledger,
    Beancount,
}

impl Format {
    pub fn parse(raw: &str) -> Result<Self, crate::domain::ParseError> {
        match raw {
            "hledger" => Ok(Format::Hledger),
            "beancount" => Ok(Format::Beancount),
            other => Err(crate::domain::ParseError::new(
                "invalid_format",
                format!("'{other}' is not an export format: use hledger or beancount."),
            )),
        }
    }
}

/// An account as exported.
pub struct ExportAccount<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: AccountKind,
}

pub fn account_name(code: &str, kind: AccountKind) -> String {
    let root = match kind {
        AccountKind::Asset => "Assets",
        AccountKind::Liability => "Liabilities",
        AccountKind::NetAssets => "Equity",
        AccountKind::Revenue => "Income",
        AccountKind::Expense => "Expenses",
    };
    format!("{root}:{code}")
}

/// The opening lines: the commodity and the chart.
pub fn header(format: Format, accounts: &[ExportAccount<'_>]) -> String {
    let mut out = String::new();
    match format {
        Format::Hledger => {
            out.push_str("; sharedoffice journal export (hledger)\ncommodity 1000.00 VND\n\n");
            for a in accounts {
                let _ = writeln!(
                    out,
                    "account {}  ; {}",
                    account_name(a.code, a.kind),
                    one_line(a.name)
                );
            }
        }
        Format::Beancount => {
            out.push_str(";; sharedoffice journal export (beancount)\noption \"operating_currency\" \"VND\"\n\n");
            for a in accounts {
                let _ = writeln!(
                    out,
                    "2000-01-01 open {} VND\n  name: \"{}\"",
                    account_name(a.code, a.kind),
                    quoted(a.name)
                );
            }
        }
    }
    out.push('\n');
    out
}

/// One posting of an exported entry.
pub struct ExportLine<'a> {
    pub account: &'a str,
    pub kind: AccountKind,
    pub side: Side,
    pub amount: Money,
    pub board: &'a str,
    pub budget_line: &'a str,
}

/// One exported entry.
pub struct ExportEntry<'a> {
    pub id: &'a str,
    pub date: NaiveDate,
    pub description: &'a str,
    pub reference: Option<&'a str>,
    pub source: &'a str,
    pub lines: Vec<ExportLine<'a>>,
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn quoted(s: &str) -> String {
    one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
}

fn signed(l: &ExportLine<'_>) -> String {
    let m = l.amount.amount();
    let v = if l.side == Side::Debit { m } else { -m };
    format!("{:.2}", v)
}

pub fn entry(format: Format, e: &ExportEntry<'_>) -> String {
    let mut out = String::new();
    match format {
        Format::Hledger => {
            let code = e
                .reference
                .map(|r| format!(" ({})", one_line(r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}{} {}  ; id:{}, source:{}",
                e.date,
                code,
                one_line(e.description),
                e.id,
                e.source
            );
            for l in &e.lines {
                let _ = writeln!(
                    out,
                    "    {}  {} VND  ; board:{}, budget_line:{}",
                    account_name(l.account, l.kind),
                    signed(l),
                    l.board,
                    l.budget_line
                );
            }
        }
        Format::Beancount => {
            let _ = writeln!(out, "{} * \"{}\"", e.date, quoted(e.description));
            let _ = writeln!(out, "  id: \"{}\"\n  source: \"{}\"", e.id, e.source);
            if let Some(r) = e.reference {
                let _ = writeln!(out, "  reference: \"{}\"", quoted(r));
            }
            for l in &e.lines {
                let _ = writeln!(
                    out,
                    "  {}  {} VND\n    board: \"{}\"\n    budget_line: \"{}\"",
                    account_name(l.account, l.kind),
                    signed(l),
                    l.board,
                    l.budget_line
                );
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ExportEntry<'static> {
        ExportEntry {
            id: "e1",
            date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            description: "Chi \"công tác\"",
            reference: Some("PC-01"),
            source: "manual",
            lines: vec![
                ExportLine {
                    account: "611",
                    kind: AccountKind::Expense,
                    side: Side::Debit,
                    amount: Money::parse("1250000.5").unwrap(),
                    board: "BTC",
                    budget_line: "6700",
                },
                ExportLine {
                    account: "112",
                    kind: AccountKind::Asset,
                    side: Side::Credit,
                    amount: Money::parse("1250000.5").unwrap(),
                    board: "BTC",
                    budget_line: "6700",
                },
            ],
        }
    }

    #[test]
    fn hledger_entries() {
        let text = entry(Format::Hledger, &sample());
        assert_eq!(
            text,
            "2026-11-03 (PC-01) Chi \"công tác\"  ; id:e1, source:manual\n\
             \x20   Expenses:611  1250000.50 VND  ; board:BTC, budget_line:6700\n\
             \x20   Assets:112  -1250000.50 VND  ; board:BTC, budget_line:6700\n\n"
        );
    }

    #[test]
    fn beancount_entries_quote_text() {
        let text = entry(Format::Beancount, &sample());
        assert!(
            text.starts_with("2026-11-03 * \"Chi \\\"công tác\\\"\"\n"),
            "{text}"
        );
        assert!(text.contains("  Assets:112  -1250000.50 VND\n    board: \"BTC\"\n"));
        assert!(text.contains("  reference: \"PC-01\"\n"));
    }
}
