//! Money columns: `BIGINT` counts of hundredths of a đồng, and their sums.
//!
//! A single amount is capped well inside a BIGINT, but a sum of many is
//! not: `SUM()` of a BIGINT is NUMERIC on PostgreSQL, which the two-backend
//! connection cannot read without floats, and raises "integer overflow" on
//! SQLite. A sum is therefore taken in two parts that can never overflow —
//! the billions of hundredths (`x / 10^9`, at most 10^8 per row) and the
//! rest (`x % 10^9`, under 10^9 per row); both backends truncate towards
//! zero, so `x = high × 10^9 + low` exactly — and read back as the text
//! `high:low`, combined into a [`Total`] (128 bits) in Rust.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::domain::money::Total;

/// The split of [`sum_minor`]: hundredths per unit of the high part.
const SPLIT: i128 = 1_000_000_000;

/// The SQL of an exact sum of the BIGINT expression `expr`, for
/// hand-written queries: a nullable text read with [`total_of_sum`].
pub fn sum_minor_sql(expr: &str) -> String {
    format!(
        "(CAST(SUM(({expr}) / 1000000000) AS TEXT) || ':' || CAST(SUM(({expr}) % 1000000000) AS TEXT))"
    )
}

/// The exact sum of `expr` as `high:low` text; `NULL` over no rows. Read it
/// with [`total_of_sum`].
pub fn sum_minor<E>(expr: E) -> SumMinor<E>
where
    E: Expression<SqlType = BigInt>,
{
    SumMinor(expr)
}

#[derive(Debug, Clone, Copy, QueryId)]
pub struct SumMinor<E>(E);

impl<E: Expression<SqlType = BigInt>> Expression for SumMinor<E> {
    type SqlType = Nullable<Text>;
}

impl<E, DB> QueryFragment<DB> for SumMinor<E>
where
    DB: Backend,
    E: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(CAST(SUM((");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") / 1000000000) AS TEXT) || ':' || CAST(SUM((");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") % 1000000000) AS TEXT))");
        Ok(())
    }
}

impl<E, GB> ValidGrouping<GB> for SumMinor<E> {
    type IsAggregate = is_aggregate::Yes;
}

impl<E: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for SumMinor<E> where SumMinor<E>: Expression {}

impl<E: SelectableExpression<QS>, QS> SelectableExpression<QS> for SumMinor<E> where
    SumMinor<E>: AppearsOnTable<QS>
{
}

/// A stored sum (or `NULL` over no rows, which sums to zero) as a total.
pub fn total_of_sum(sum: Option<String>) -> QueryResult<Total> {
    let Some(text) = sum else {
        return Ok(Total::ZERO);
    };
    parse_split(&text).map(Total::from_minor).ok_or_else(|| {
        DieselError::DeserializationError(format!("not a split sum of money: {text:?}").into())
    })
}

fn parse_split(text: &str) -> Option<i128> {
    let (high, low) = text.split_once(':')?;
    // PostgreSQL's NUMERIC sums of integers print without decimals; accept
    // a zero fraction all the same.
    let int = |s: &str| -> Option<i128> {
        let s = s.trim();
        let s = match s.split_once('.') {
            Some((i, f)) if f.bytes().all(|b| b == b'0') => i,
            Some(_) => return None,
            None => s,
        };
        s.parse().ok()
    };
    int(high)?.checked_mul(SPLIT)?.checked_add(int(low)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_sum_reads_back_exactly() {
        assert_eq!(parse_split("0:0"), Some(0));
        // 100 amounts of 99,999,999,999,999,999 hundredths: each is
        // 99,999,999 × 10^9 + 999,999,999.
        assert_eq!(
            parse_split("9999999900:99999999900"),
            Some(9_999_999_999_999_999_900)
        );
        assert_eq!(parse_split("-3:-5"), Some(-3_000_000_005));
        assert_eq!(parse_split("2.0:-7"), Some(1_999_999_993));
        assert_eq!(parse_split("1"), None);
        assert_eq!(parse_split("1.5:0"), None);
        assert!(total_of_sum(Some("x:1".into())).is_err());
        assert_eq!(total_of_sum(None).unwrap(), Total::ZERO);
    }
}
