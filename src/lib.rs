//! sharedoffice: the shared back office of a Provincial Party Office.
//!
//! Layers, from the inside out:
//! - [`domain`]: value types and rules, pure (no HTTP, no SQL);
//! - [`storage`]: diesel schema, queries and transactions for SQLite and PostgreSQL;
//! - [`ops`]: operations, one audited transaction each, shared by HTTP and CLI;
//! - [`http`]: actix handlers, extractors, problem+json;
//! - [`startup`], [`cli`]: wiring and the command line.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod http;
pub mod ops;
pub mod startup;
pub mod storage;
pub mod telemetry;
