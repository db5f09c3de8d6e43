//! Journal entries: every entry balances, every line sits on one side with
//! a positive amount and says which board and budget line it belongs to.
//! A posted entry never changes; a mistake is corrected by its reversal.

use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "debit" => Ok(Side::Debit),
            "credit" => Ok(Side::Credit),
            other => Err(ParseError::new(
                "invalid_side",
                format!("'{other}' is not a side: use debit or credit."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn opposite(self) -> Self {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

/// Where an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Manual,
    Expense,
    Trip,
    Asset,
    Import,
    Reversal,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Manual,
        Source::Expense,
        Source::Trip,
        Source::Asset,
        Source::Import,
        Source::Reversal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Expense => "expense",
            Source::Trip => "trip",
            Source::Asset => "asset",
            Source::Import => "import",
            Source::Reversal => "reversal",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| {
                ParseError::new(
                    "invalid_source",
                    format!(
                        "'{}' is not an entry source: use manual, expense, trip, asset, import or reversal.",
                        raw.trim()
                    ),
                )
            })
    }
}

/// A positive amount of đồng, as every journal line carries.
pub fn positive_amount(raw: &str) -> Result<Money, ParseError> {
    let m = Money::parse(raw)?;
    if m.to_minor() <= 0 {
        return Err(ParseError::new(
            "amount_not_positive",
            format!(
                "{m} is not more than zero; put the line on the other side instead of using a negative amount."
            ),
        ));
    }
    Ok(m)
}

/// One line of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub account_id: Uuid,
    pub board_id: Uuid,
    pub budget_line_id: Uuid,
    pub side: Side,
    /// More than zero.
    pub amount: Money,
    pub memo: Option<String>,
}

/// The lines of an entry, known to balance: at least two, each with a
/// positive amount, debits equal to credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalancedLines(Vec<Posting>);

impl BalancedLines {
    pub const MAX_LINES: usize = 500;

    pub fn new(lines: Vec<Posting>) -> Result<Self, ParseError> {
        if lines.len() < 2 || lines.len() > Self::MAX_LINES {
            return Err(ParseError::new(
                "entry_line_count",
                format!(
                    "An entry needs at least 2 and at most {} lines; this one has {}.",
                    Self::MAX_LINES,
                    lines.len()
                ),
            ));
        }
        if let Some(bad) = lines.iter().find(|l| l.amount.to_minor() <= 0) {
            return Err(ParseError::new(
                "amount_not_positive",
                format!(
                    "{} is not more than zero; every line needs a positive amount.",
                    bad.amount
                ),
            ));
        }
        let (debits, credits) = totals(&lines).ok_or_else(|| {
            ParseError::new(
                "amount_out_of_range",
                "The lines add up to more than the ledger can hold; split the entry.",
            )
        })?;
        if debits != credits {
            return Err(ParseError::new(
                "entry_unbalanced",
                format!(
                    "Debits total {debits} but credits total {credits}; an entry must balance (difference {}).",
                    Money::from_minor(debits.to_minor() - credits.to_minor())
                ),
            ));
        }
        Ok(Self(lines))
    }

    pub fn lines(&self) -> &[Posting] {
        &self.0
    }

    /// The sum of the debits (equal to the credits).
    pub fn total(&self) -> Money {
        totals(&self.0).expect("checked when built").0
    }

    /// The same lines on the opposite sides: the entry that cancels this one.
    pub fn reversed(&self) -> Self {
        Self(
            self.0
                .iter()
                .map(|l| Posting {
                    side: l.side.opposite(),
                    ..l.clone()
                })
                .collect(),
        )
    }
}

fn totals(lines: &[Posting]) -> Option<(Money, Money)> {
    let mut debit: i64 = 0;
    let mut credit: i64 = 0;
    for l in lines {
        match l.side {
            Side::Debit => debit = debit.checked_add(l.amount.to_minor())?,
            Side::Credit => credit = credit.checked_add(l.amount.to_minor())?,
        }
    }
    (debit.abs() <= Money::MAX_ABS_MINOR && credit.abs() <= Money::MAX_ABS_MINOR)
        .then(|| (Money::from_minor(debit), Money::from_minor(credit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(side: Side, amount: &str) -> Posting {
        Posting {
            account_id: Uuid::nil(),
            board_id: Uuid::nil(),
            budget_line_id: Uuid::nil(),
            side,
            amount: Money::parse(amount).unwrap(),
            memo: None,
        }
    }

    #[test]
    fn balanced_entries_are_accepted() {
        let e = BalancedLines::new(vec![
            line(Side::Debit, "1000000.50"),
            line(Side::Credit, "400000"),
            line(Side::Credit, "600000.50"),
        ])
        .unwrap();
        assert_eq!(e.total(), Money::parse("1000000.50").unwrap());
        let r = e.reversed();
        assert_eq!(r.lines()[0].side, Side::Credit);
        assert_eq!(r.lines()[1].side, Side::Debit);
        assert_eq!(r.total(), e.total());
    }

    #[test]
    fn unbalanced_entries_name_the_difference() {
        let err = BalancedLines::new(vec![line(Side::Debit, "100"), line(Side::Credit, "99.99")])
            .unwrap_err();
        assert_eq!(err.code, "entry_unbalanced");
        assert!(err.message.contains("difference 0.01"), "{}", err.message);
    }

    #[test]
    fn refuses_one_line_and_non_positive_amounts() {
        assert_eq!(
            BalancedLines::new(vec![line(Side::Debit, "1")])
                .unwrap_err()
                .code,
            "entry_line_count"
        );
        assert_eq!(
            BalancedLines::new(vec![line(Side::Debit, "0"), line(Side::Credit, "0")])
                .unwrap_err()
                .code,
            "amount_not_positive"
        );
        assert_eq!(
            positive_amount("-5").unwrap_err().code,
            "amount_not_positive"
        );
        assert_eq!(
            positive_amount("0.001").unwrap_err().code,
            "amount_too_precise"
        );
        assert_eq!(positive_amount("12.5").unwrap().to_minor(), 1250);
    }

    #[test]
    fn sums_beyond_the_ledger_are_refused() {
        let big = "999999999999999.99";
        let err = BalancedLines::new(vec![
            line(Side::Debit, big),
            line(Side::Debit, big),
            line(Side::Credit, big),
            line(Side::Credit, big),
        ])
        .unwrap_err();
        assert_eq!(err.code, "amount_out_of_range");
    }
}
