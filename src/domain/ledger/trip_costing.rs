//! What a trip costs the booking board.
//!
//! - Estimate, reserved when the trip is confirmed: its planned duration
//!   times the `vehicle_hour` norm (đồng per vehicle-hour, covering fuel and
//!   the driver's time), pro rata by the minute.
//! - Actual, posted when the trip is completed: fuel litres times the
//!   `fuel_price` norm in force on the day, plus tolls, parking and other
//!   costs.
//!
//! Both round to the hundredth of a đồng, half away from zero.

use rust_decimal::{Decimal, RoundingStrategy};

use super::norms::extend;
use crate::domain::ParseError;
use crate::domain::fleet::trip::{Litres, TripCosts};
use crate::domain::money::Money;

/// `minutes / 60 × hourly`, rounded.
pub fn estimate(minutes: i64, hourly: Money) -> Result<Money, ParseError> {
    let raw = Decimal::from(minutes)
        .checked_mul(hourly.amount())
        .ok_or_else(|| ParseError::new("amount_out_of_range", "The estimate is too large."))?
        / Decimal::from(60);
    Money::from_decimal(raw.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// Fuel at the norm's price (none when no price is in force or no fuel was
/// used), and the total with tolls, parking and other costs.
pub fn actual(
    fuel: Option<Litres>,
    fuel_price: Option<Money>,
    costs: TripCosts,
) -> Result<(Option<Money>, Money), ParseError> {
    let fuel_cost = match (fuel, fuel_price) {
        (Some(l), Some(p)) if l.hundredths() > 0 => {
            Some(extend(Decimal::new(l.hundredths(), 2), p)?)
        }
        _ => None,
    };
    let total = costs
        .total()
        .and_then(|t| t.checked_add(fuel_cost.unwrap_or(Money::ZERO)))
        .ok_or_else(|| ParseError::new("amount_out_of_range", "The trip's costs are too large."))?;
    Ok((fuel_cost, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn estimates_are_pro_rata_by_the_minute() {
        // 3 h at 150,000/h
        assert_eq!(estimate(180, m("150000")).unwrap(), m("450000"));
        // 100 min at 100,000/h = 166,666.666… → 166,666.67
        assert_eq!(estimate(100, m("100000")).unwrap(), m("166666.67"));
    }

    #[test]
    fn actual_cost_prices_fuel_at_the_norm() {
        let costs = TripCosts {
            tolls: m("35000"),
            parking: m("20000"),
            other: m("0"),
        };
        // 42.35 l × 23,456.70 = 993,391.245 → 993,391.25; + 55,000
        let (fuel, total) = actual(
            Some(Litres::parse("42.35").unwrap()),
            Some(m("23456.70")),
            costs,
        )
        .unwrap();
        assert_eq!(fuel, Some(m("993391.25")));
        assert_eq!(total, m("1048391.25"));
        // No price in force: only the costs.
        let (fuel, total) = actual(Some(Litres::parse("10").unwrap()), None, costs).unwrap();
        assert_eq!((fuel, total), (None, m("55000")));
    }
}
