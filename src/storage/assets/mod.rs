//! Asset register storage: categories, assets, their append-only history,
//! asset requests, wear runs and stocktakes.

pub mod history;
pub mod register;
pub mod requests;
pub mod stocktakes;
pub mod wear_runs;
