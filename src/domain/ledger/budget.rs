//! The budget check: available = allocated − committed − spent, and what
//! a budget line's control policy does with an amount that exceeds it.

use rust_decimal::Decimal;
use serde::Serialize;

use super::budget_line::Control;
use crate::domain::money::{Money, Total};

/// Where a board stands on one budget line in one fiscal year. Each figure
/// is a sum of many amounts, so a [`Total`]: no number of allocations or
/// postings at the cap of a single amount can make it unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Position {
    pub allocated: Total,
    /// Reserved by approved requests not yet settled.
    pub committed: Total,
    /// Posted to expense accounts.
    pub spent: Total,
}

impl Position {
    pub fn available(&self) -> Total {
        self.allocated - self.committed - self.spent
    }

    /// Spent as a percentage of allocated, to two decimals (half away from
    /// zero); none when nothing is allocated.
    pub fn execution_percent(&self) -> Option<Decimal> {
        self.spent.percent_of(self.allocated)
    }
}

/// The amount asked for, beyond what is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub position: Position,
    pub available: Total,
    pub requested: Money,
    pub shortfall: Total,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within what is available (or the line is not controlled).
    Accept,
    /// Over, but the line only warns.
    Warn(Shortfall),
    /// Over on a `stop` line.
    Refuse(Shortfall),
}

/// Checks `requested` against `position` under the line's `control`.
pub fn check(control: Control, position: Position, requested: Money) -> Verdict {
    let available = position.available();
    let short = Total::from(requested) - available;
    if short <= Total::ZERO || control == Control::Ignore {
        return Verdict::Accept;
    }
    let shortfall = Shortfall {
        position,
        available,
        requested,
        shortfall: short,
    };
    match control {
        Control::Stop => Verdict::Refuse(shortfall),
        Control::Warn => Verdict::Warn(shortfall),
        Control::Ignore => Verdict::Accept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn t(s: &str) -> Total {
        Total::from(m(s))
    }

    fn pos(a: &str, c: &str, s: &str) -> Position {
        Position {
            allocated: t(a),
            committed: t(c),
            spent: t(s),
        }
    }

    #[test]
    fn available_is_allocated_minus_committed_minus_spent() {
        // 10,000,000 − 2,500,000 − 3,000,000.50 = 4,499,999.50
        assert_eq!(
            pos("10000000", "2500000", "3000000.50").available(),
            t("4499999.50")
        );
        assert_eq!(pos("100", "80", "40").available(), t("-20"));
    }

    #[test]
    fn stop_refuses_with_the_shortfall() {
        let p = pos("10000000", "2500000", "3000000");
        // available 4,500,000; asking 5,000,000 is 500,000 short.
        match check(Control::Stop, p, m("5000000")) {
            Verdict::Refuse(s) => {
                assert_eq!(s.available, t("4500000"));
                assert_eq!(s.shortfall, t("500000"));
                assert_eq!(s.requested, m("5000000"));
            }
            other => panic!("{other:?}"),
        }
        // Exactly what is available passes.
        assert_eq!(check(Control::Stop, p, m("4500000")), Verdict::Accept);
    }

    #[test]
    fn warn_accepts_and_ignore_is_silent() {
        let p = pos("100", "0", "0");
        assert!(
            matches!(check(Control::Warn, p, m("100.01")), Verdict::Warn(s) if s.shortfall == t("0.01"))
        );
        assert_eq!(check(Control::Ignore, p, m("1000")), Verdict::Accept);
    }

    #[test]
    fn execution_percent_rounds_half_away_from_zero() {
        // 1 / 3 = 33.333… %
        assert_eq!(
            pos("3", "0", "1").execution_percent(),
            Some(Decimal::new(3333, 2))
        );
        // 0.005 % rounds up to 0.01 %
        assert_eq!(
            pos("20000", "0", "1").execution_percent(),
            Some(Decimal::new(1, 2))
        );
        assert_eq!(pos("0", "0", "5").execution_percent(), None);
    }

    #[test]
    fn positions_far_beyond_one_amount_stay_exact() {
        // 100 allocations at the cap, 3 spends at the cap: available is
        // 97 × 999,999,999,999,999.99 = 96,999,999,999,999,999.03.
        let cap = m("999999999999999.99");
        let p = Position {
            allocated: std::iter::repeat_n(cap, 100).sum(),
            committed: Total::ZERO,
            spent: std::iter::repeat_n(cap, 3).sum(),
        };
        assert_eq!(p.available().to_string(), "96999999999999999.03");
        assert_eq!(p.execution_percent(), Some(Decimal::new(3, 0)));
        // Committed and spent beyond any allocation: the shortfall is exact.
        let over = Position {
            allocated: Total::ZERO,
            committed: std::iter::repeat_n(cap, 100).sum(),
            spent: std::iter::repeat_n(cap, 100).sum(),
        };
        match check(Control::Stop, over, cap) {
            Verdict::Refuse(s) => {
                assert_eq!(s.available.to_string(), "-199999999999999998");
                assert_eq!(s.shortfall.to_string(), "200999999999999997.99");
            }
            other => panic!("{other:?}"),
        }
    }
}
