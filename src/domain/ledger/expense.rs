//! Expense claims: the state of a claim, and a claim's lines checked
//! against the norms in force on its date.

use std::fmt;

use super::norms::{LineCheck, Quantity, check_line};
use crate::domain::ParseError;
use crate::domain::money::Money;

/// Where a claim stands. A claim is decided once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpenseStatus {
    /// Filed, waiting for finance.
    Submitted,
    /// Approved by finance and posted to the journal.
    Approved,
    /// Refused by finance, with a reason.
    Rejected,
}

impl ExpenseStatus {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "submitted" => Ok(ExpenseStatus::Submitted),
            "approved" => Ok(ExpenseStatus::Approved),
            "rejected" => Ok(ExpenseStatus::Rejected),
            other => Err(ParseError::new(
                "invalid_status",
                format!("'{other}' is not a claim status: use submitted, approved or rejected."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExpenseStatus::Submitted => "submitted",
            ExpenseStatus::Approved => "approved",
            ExpenseStatus::Rejected => "rejected",
        }
    }
}

impl fmt::Display for ExpenseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Most lines one claim may carry.
pub const MAX_LINES: usize = 100;

/// A claim's lines against their norms, and its total (what was claimed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCheck {
    pub lines: Vec<LineCheck>,
    pub total: Money,
}

impl ClaimCheck {
    /// The lines claiming more than their norm allows, with their index.
    pub fn over(&self) -> impl Iterator<Item = (usize, &LineCheck)> {
        self.lines.iter().enumerate().filter(|(_, c)| c.over)
    }

    pub fn is_over(&self) -> bool {
        self.lines.iter().any(|c| c.over)
    }
}

/// Why a claim's amounts could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// One line (by index).
    Line(usize, ParseError),
    /// The claim as a whole.
    Claim(ParseError),
}

/// Checks each line (`quantity`, `unit_amount`, the norm's amount per
/// unit) and adds up what is claimed. A line must come to at least 0.01 đồng.
pub fn check_claim(lines: &[(Quantity, Money, Money)]) -> Result<ClaimCheck, ClaimError> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(ClaimError::Claim(ParseError::new(
            "claim_line_count",
            format!(
                "A claim has at least 1 and at most {MAX_LINES} lines; this one has {}.",
                lines.len()
            ),
        )));
    }
    let mut checks = Vec::with_capacity(lines.len());
    let mut total = Money::ZERO;
    for (i, (quantity, unit, norm)) in lines.iter().enumerate() {
        let c = check_line(*quantity, *unit, *norm).map_err(|e| ClaimError::Line(i, e))?;
        if c.claimed.to_minor() <= 0 {
            return Err(ClaimError::Line(
                i,
                ParseError::new(
                    "line_amount_zero",
                    "Quantity × unit amount rounds to 0 đồng; check the quantity and the unit amount.",
                ),
            ));
        }
        total = total
            .checked_add(c.claimed)
            .and_then(|t| Money::from_decimal(t.amount()).ok())
            .ok_or_else(|| {
                ClaimError::Claim(ParseError::new(
                    "amount_out_of_range",
                    "The claim's total is too large.",
                ))
            })?;
        checks.push(c);
    }
    Ok(ClaimCheck {
        lines: checks,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn statuses_round_trip() {
        for s in ["submitted", "approved", "rejected"] {
            assert_eq!(ExpenseStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(
            ExpenseStatus::parse("paid").unwrap_err().code,
            "invalid_status"
        );
    }

    #[test]
    fn a_claim_totals_what_is_claimed_and_flags_lines_over_their_norm() {
        // Per diem 2 days × 200,000 (norm 200,000): within.
        // Lodging 3 nights × 700,000 (cap 450,000): 2,100,000 vs 1,350,000.
        // Fuel 42.35 l × 23,456.70 (norm 24,000): 993,391.245 → 993,391.25.
        let c = check_claim(&[
            (q("2"), m("200000"), m("200000")),
            (q("3"), m("700000"), m("450000")),
            (q("42.35"), m("23456.70"), m("24000")),
        ])
        .unwrap();
        assert_eq!(c.total, m("3493391.25"));
        let over: Vec<_> = c.over().map(|(i, l)| (i, l.claimed, l.allowed)).collect();
        assert_eq!(over, [(1, m("2100000"), m("1350000"))]);
        assert!(c.is_over());
    }

    #[test]
    fn empty_claims_and_lines_worth_nothing_are_refused() {
        assert!(
            matches!(check_claim(&[]), Err(ClaimError::Claim(e)) if e.code == "claim_line_count")
        );
        // 0.01 × 0.01 = 0.0001 rounds to 0.
        assert!(matches!(
            check_claim(&[(q("1"), m("5"), m("5")), (q("0.01"), m("0.01"), m("1"))]),
            Err(ClaimError::Line(1, e)) if e.code == "line_amount_zero"
        ));
    }
}
