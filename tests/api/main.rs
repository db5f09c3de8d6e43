//! Integration tests: the real HTTP app on a real database. The same tests
//! run on SQLite (default) and on PostgreSQL when `TEST_DATABASE_URL` is set.

mod asset_reports;
mod assets;
mod audit;
mod auth;
mod bookings;
mod cli;
mod concurrency;
mod contract;
mod errors;
mod exact_money;
mod expenses;
mod finance_reports;
mod fleet;
mod fleet_reports;
mod helpers;
mod imports;
mod large_sums;
mod ledger;
mod ledger_properties;
mod operations;
mod organisation;
mod reconciliation;
mod storage;
