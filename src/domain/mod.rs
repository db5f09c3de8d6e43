//! The pure domain: value types parsed once at the edge, and the rules of the
//! Office as plain functions. Nothing in here knows about HTTP or SQL.

pub mod access;
pub mod assets;
pub mod audit;
pub mod board;
pub mod csv_text;
pub mod error;
pub mod fleet;
pub mod import;
pub mod ledger;
pub mod login_throttle;
pub mod money;
pub mod page;
pub mod text;
pub mod time_range;
pub mod user;
pub mod utilisation;

pub use error::ParseError;
