//! The budget check: available = allocated − committed − spent, and what
//! a budget line's control policy does with an amount that exceeds it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::budget_line::Control;
use crate::domain::money::Money;

/// Where a board stands on one budget line in one fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Position {
    pub allocated: Money,
    /// Reserved by approved requests not yet settled.
    pub committed: Money,
    /// Posted to expense accounts.
    pub spent: Money,
}

fn clamp(minor: i128) -> Money {
    Money::from_minor(minor.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

impl Position {
    pub fn available(&self) -> Money {
        clamp(
            i128::from(self.allocated.to_minor())
                - i128::from(self.committed.to_minor())
                - i128::from(self.spent.to_minor()),
        )
    }

    /// Spent as a percentage of allocated, to two decimals (half away from
    /// zero); none when nothing is allocated.
    pub fn execution_percent(&self) -> Option<Decimal> {
        if self.allocated.to_minor() == 0 {
            return None;
        }
        let pct = self.spent.amount() * Decimal::ONE_HUNDRED / self.allocated.amount();
        Some(pct.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
}

/// The amount asked for, beyond what is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub position: Position,
    pub available: Money,
    pub requested: Money,
    pub shortfall: Money,
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
    let short = i128::from(requested.to_minor()) - i128::from(available.to_minor());
    if short <= 0 || control == Control::Ignore {
        return Verdict::Accept;
    }
    let shortfall = Shortfall {
        position,
        available,
        requested,
        shortfall: clamp(short),
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

    fn pos(a: &str, c: &str, s: &str) -> Position {
        Position {
            allocated: m(a),
            committed: m(c),
            spent: m(s),
        }
    }

    #[test]
    fn available_is_allocated_minus_committed_minus_spent() {
        // 10,000,000 − 2,500,000 − 3,000,000.50 = 4,499,999.50
        assert_eq!(
            pos("10000000", "2500000", "3000000.50").available(),
            m("4499999.50")
        );
        assert_eq!(pos("100", "80", "40").available(), m("-20"));
    }

    #[test]
    fn stop_refuses_with_the_shortfall() {
        let p = pos("10000000", "2500000", "3000000");
        // available 4,500,000; asking 5,000,000 is 500,000 short.
        match check(Control::Stop, p, m("5000000")) {
            Verdict::Refuse(s) => {
                assert_eq!(s.available, m("4500000"));
                assert_eq!(s.shortfall, m("500000"));
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
            matches!(check(Control::Warn, p, m("100.01")), Verdict::Warn(s) if s.shortfall == m("0.01"))
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
}
