//! Automatic matching of statement lines to ledger movements.
//!
//! A pair must have the same amount (money in on the statement is a debit
//! to the cash or bank account) and dates at most `window_days` apart. A
//! pair whose references agree is taken first; the rest pair with the
//! closest date, the earlier movement on a tie. Every line and every
//! movement is used at most once; what is left is listed as unmatched.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub id: Uuid,
    pub date: NaiveDate,
    /// Signed: positive is money in.
    pub amount: Money,
    pub reference: Option<String>,
}

fn same_reference(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.trim(), b.trim());
            !a.is_empty() && a.eq_ignore_ascii_case(b)
        }
        _ => false,
    }
}

/// Pairs (statement line id, ledger movement id).
pub fn auto_match(
    statement: &[Movement],
    ledger: &[Movement],
    window_days: i64,
) -> Vec<(Uuid, Uuid)> {
    let mut by_amount: HashMap<i64, Vec<&Movement>> = HashMap::new();
    for m in ledger {
        by_amount.entry(m.amount.to_minor()).or_default().push(m);
    }
    for list in by_amount.values_mut() {
        list.sort_by_key(|m| (m.date, m.id));
    }
    let mut used = std::collections::HashSet::new();
    let mut matched_lines = std::collections::HashSet::new();
    let mut pairs = Vec::new();
    let within = |a: NaiveDate, b: NaiveDate| (a - b).num_days().abs() <= window_days;
    // First the pairs whose references agree.
    for line in statement {
        let Some(candidates) = by_amount.get(&line.amount.to_minor()) else {
            continue;
        };
        if let Some(m) = candidates.iter().find(|m| {
            !used.contains(&m.id)
                && within(m.date, line.date)
                && same_reference(&m.reference, &line.reference)
        }) {
            used.insert(m.id);
            matched_lines.insert(line.id);
            pairs.push((line.id, m.id));
        }
    }
    // Then by the closest date.
    for line in statement {
        if matched_lines.contains(&line.id) {
            continue;
        }
        let Some(candidates) = by_amount.get(&line.amount.to_minor()) else {
            continue;
        };
        if let Some(m) = candidates
            .iter()
            .filter(|m| !used.contains(&m.id) && within(m.date, line.date))
            .min_by_key(|m| ((m.date - line.date).num_days().abs(), m.date, m.id))
        {
            used.insert(m.id);
            pairs.push((line.id, m.id));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(n: u128, day: u32, amount: &str, reference: Option<&str>) -> Movement {
        Movement {
            id: Uuid::from_u128(n),
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            amount: Money::parse(amount).unwrap(),
            reference: reference.map(str::to_owned),
        }
    }

    #[test]
    fn reference_wins_over_the_closer_date() {
        let statement = [mv(1, 10, "-500000", Some("UNC9"))];
        let ledger = [
            mv(100, 10, "-500000", None),
            mv(101, 12, "-500000", Some("unc9")),
        ];
        assert_eq!(
            auto_match(&statement, &ledger, 3),
            vec![(Uuid::from_u128(1), Uuid::from_u128(101))]
        );
    }

    #[test]
    fn closest_date_within_the_window_and_each_used_once() {
        let statement = [
            mv(1, 10, "1000", None),
            mv(2, 11, "1000", None),
            mv(3, 20, "1000", None),
            mv(4, 10, "2000", None),
        ];
        let ledger = [
            mv(100, 9, "1000", None),
            mv(101, 11, "1000", None),
            mv(102, 10, "-2000", None),
        ];
        let pairs = auto_match(&statement, &ledger, 3);
        // Line 1 (the 10th) is one day from both the 9th and the 11th: the earlier wins.
        assert_eq!(
            pairs,
            vec![
                (Uuid::from_u128(1), Uuid::from_u128(100)),
                (Uuid::from_u128(2), Uuid::from_u128(101))
            ]
        );
        // Line 3 is 9 days from anything, line 4's sign differs: unmatched.
    }

    #[test]
    fn nothing_outside_the_window() {
        let statement = [mv(1, 1, "1000", Some("A"))];
        let ledger = [mv(100, 5, "1000", Some("A"))];
        assert!(auto_match(&statement, &ledger, 3).is_empty());
        assert_eq!(auto_match(&statement, &ledger, 4).len(), 1);
    }
}
