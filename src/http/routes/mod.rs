//! One module per resource; handlers extract, call the operation or query,
//! and map the result.

pub mod accounts;
pub mod allocations;
pub mod asset_requests;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod boards;
pub mod bookings;
pub mod docs;
pub mod drivers;
pub mod expenses;
pub mod health;
pub mod imports;
pub mod journal;
pub mod norms;
pub mod reconciliations;
pub mod reports;
pub mod settings;
pub mod stocktakes;
pub mod users;
pub mod vehicles;
pub mod wear_runs;

/// Keyset pagination: pass `next_cursor` back as `cursor` for the next page;
/// it is absent on the last page.
pub(crate) fn next_cursor<T>(
    items: &[T],
    limit: i64,
    key: impl Fn(&T) -> String,
) -> Option<String> {
    if items.len() as i64 == limit {
        items.last().map(key)
    } else {
        None
    }
}
