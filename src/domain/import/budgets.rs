//! A board's opening budget balances: this year's allocation per budget
//! line (dự toán được giao).
//!
//! | key | also accepted | |
//! |---|---|---|
//! | `budget_line` | Mục, Tiểu mục, Mã mục | required, a budget line of the chart (`6700`) |
//! | `amount` | Số tiền, Dự toán, Dự toán được giao | required, more than 0 (`360.000.000`) |
//! | `fiscal_year` | Năm, Năm ngân sách | optional, this year when empty |
//! | `reason` | Lý do, Ghi chú, Diễn giải | optional |
//! | `board_code` | Mã ban, Ban | optional; when given it must be the importing board |

use super::{Column, Parsed, drop_repeats, read};
use crate::domain::ParseError;
use crate::domain::board::BoardCode;
use crate::domain::csv_text;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::period::FiscalYear;
use crate::domain::money::Money;
use crate::domain::text;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "budget_line",
        names: &[
            "mục",
            "tiểu mục",
            "mã mục",
            "mục chi",
            "mã tiểu mục",
            "budget line",
        ],
        required: true,
    },
    Column {
        key: "amount",
        names: &[
            "số tiền",
            "dự toán",
            "dự toán được giao",
            "số dư",
            "allocated",
        ],
        required: true,
    },
    Column {
        key: "fiscal_year",
        names: &["year", "năm", "năm ngân sách"],
        required: false,
    },
    Column {
        key: "reason",
        names: &["lý do", "ghi chú", "diễn giải", "nội dung"],
        required: false,
    },
    Column {
        key: "board_code",
        names: &["board", "mã ban", "ban", "đơn vị"],
        required: false,
    },
];

/// The reason recorded when a row gives none.
pub const DEFAULT_REASON: &str = "Số dư dự toán đầu kỳ (nhập từ sổ của ban)";

/// What reading opening balances needs to know.
pub struct Context<'a> {
    /// The importing board.
    pub board: &'a BoardCode,
    /// The budget lines of the chart.
    pub lines: &'a [BudgetLineCode],
    /// The year used when a row gives none.
    pub this_year: FiscalYear,
}

/// An opening balance: the allocation of a budget line for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningBalance {
    pub fiscal_year: FiscalYear,
    pub budget_line: BudgetLineCode,
    pub amount: Money,
    pub reason: String,
}

/// Reads opening balances; a budget line listed twice for one year is
/// refused after its first row.
pub fn parse(bytes: &[u8], ctx: &Context<'_>) -> Parsed<OpeningBalance> {
    let line = |raw: &str| -> Result<BudgetLineCode, ParseError> {
        let code = BudgetLineCode::parse(raw)?;
        if ctx.lines.contains(&code) {
            Ok(code)
        } else {
            Err(ParseError::new(
                "budget_line_unknown",
                format!(
                    "Budget line {} is not in the chart; ask finance to add it first.",
                    code.as_str()
                ),
            ))
        }
    };
    let mut parsed = read(bytes, COLUMNS, |c| {
        let budget_line = c.required("budget_line", line);
        let amount = c.required("amount", |raw| match csv_text::parse_amount(raw) {
            Some(m) if m.to_minor() > 0 => Ok(m),
            Some(_) => Err(ParseError::new(
                "amount_not_positive",
                "An opening balance is more than 0.",
            )),
            None => Err(ParseError::new(
                "invalid_amount",
                format!("'{raw}' is not an amount of đồng: write it like 360.000.000."),
            )),
        });
        let year = c.optional("fiscal_year", |raw| match csv_text::parse_whole(raw) {
            Some(y) => FiscalYear::new(y),
            None => Err(ParseError::new(
                "invalid_fiscal_year",
                format!("'{raw}' is not a year; write it like 2026."),
            )),
        });
        let reason = c.optional("reason", |s| text::bounded("Reason", s, 1, 500));
        let board = c.optional("board_code", |raw| {
            let code = BoardCode::parse(raw)?;
            if code == *ctx.board {
                Ok(code)
            } else {
                Err(ParseError::new(
                    "other_board",
                    format!(
                        "This row belongs to board {}, but the file is imported for {}; import it with that board.",
                        code.as_str(),
                        ctx.board.as_str()
                    ),
                ))
            }
        });
        board?;
        Some(OpeningBalance {
            fiscal_year: year?.unwrap_or(ctx.this_year),
            budget_line: budget_line?,
            amount: amount?,
            reason: reason?.unwrap_or_else(|| DEFAULT_REASON.to_owned()),
        })
    });
    let column = super::header_of(bytes, COLUMNS, "budget_line");
    drop_repeats(
        &mut parsed,
        |b| (b.fiscal_year, b.budget_line.clone()),
        "budget_line",
        &column,
        |b| {
            format!(
                "Budget line {} for {}",
                b.budget_line.as_str(),
                b.fiscal_year.get()
            )
        },
    );
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_s_allocations() {
        let board = BoardCode::parse("BTC").unwrap();
        let lines = [BudgetLineCode::parse("6700").unwrap()];
        let ctx = Context {
            board: &board,
            lines: &lines,
            this_year: FiscalYear::new(2026).unwrap(),
        };
        let csv = "Mã ban;Mục;Dự toán\nBTC;6700;240.000.000\nVP;6700;1\nBTC;9999;5\nBTC;6700;7\n";
        let p = parse(csv.as_bytes(), &ctx);
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].value.amount, Money::parse("240000000").unwrap());
        assert_eq!(p.rows[0].value.reason, DEFAULT_REASON);
        let got: Vec<(usize, &str)> = p
            .problems
            .iter()
            .map(|p| (p.row, p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "other_board"),
                (4, "budget_line_unknown"),
                (5, "duplicate_in_file")
            ]
        );
    }
}
