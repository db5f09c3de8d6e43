//! Money columns: `BIGINT` counts of hundredths of a đồng.
//!
//! `SUM()` of a BIGINT is exact on both backends, but PostgreSQL returns it as
//! NUMERIC, which the two-backend connection cannot read without going through
//! floats. [`sum_minor`] therefore casts the sum back to BIGINT in SQL: exact,
//! and an overflow is an error rather than a wrong number.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Nullable};

use crate::domain::money::Money;

/// `CAST(SUM(expr) AS BIGINT)`; `NULL` over no rows.
pub fn sum_minor<E>(expr: E) -> SumMinor<E>
where
    E: Expression<SqlType = BigInt>,
{
    SumMinor(expr)
}

#[derive(Debug, Clone, Copy, QueryId)]
pub struct SumMinor<E>(E);

impl<E: Expression<SqlType = BigInt>> Expression for SumMinor<E> {
    type SqlType = Nullable<BigInt>;
}

impl<E, DB> QueryFragment<DB> for SumMinor<E>
where
    DB: Backend,
    E: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("CAST(SUM(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") AS BIGINT)");
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

/// A stored sum (or `NULL` over no rows) as money: no rows sum to zero.
pub fn money_of_sum(sum: Option<i64>) -> Money {
    Money::from_minor(sum.unwrap_or(0))
}
