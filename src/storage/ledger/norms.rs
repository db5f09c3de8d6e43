//! Spending norms.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::domain::money::Money;
use crate::storage::DbConn;
use crate::storage::schema::spending_norms;

/// The amount of the version of `code` in force on `date`, if any.
pub fn amount_in_force(
    conn: &mut DbConn,
    code: &str,
    date: NaiveDate,
) -> QueryResult<Option<Money>> {
    Ok(spending_norms::table
        .filter(spending_norms::code.eq(code))
        .filter(spending_norms::effective_from.le(date))
        .filter(
            spending_norms::effective_to
                .is_null()
                .or(spending_norms::effective_to.ge(date)),
        )
        .select(spending_norms::amount_minor)
        .first::<i64>(conn)
        .optional()?
        .map(Money::from_minor))
}
