//! The ledger's operations: the chart and budget lines, allocations,
//! posting and reversing entries, commitments and the budget check, and
//! closing a month. Each runs inside the caller's write transaction and
//! records its audit entries.

pub mod budget;
pub mod chart;
pub mod expenses;
pub mod export;
pub mod journal;
pub mod norms;
pub mod reconciliation;
pub mod trips;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::QueryResult;

use crate::storage::{DbConn, settings};

/// The time, and the office's calendar day it falls on.
#[derive(Debug, Clone, Copy)]
pub struct LedgerContext {
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl LedgerContext {
    pub fn load(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<Self> {
        let (_, tz) = settings::fleet_policy(conn)?;
        Ok(Self { now, tz })
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}
