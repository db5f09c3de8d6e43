//! Blocks: a vehicle's maintenance window or a driver's leave, during which
//! it cannot be assigned.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::time_range::TimeRange;

/// The two halves of the pool, for what is counted the same way for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Vehicles,
    Drivers,
}

/// A vehicle or a driver of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Vehicle(Uuid),
    Driver(Uuid),
}

impl Resource {
    pub fn id(self) -> Uuid {
        match self {
            Resource::Vehicle(id) | Resource::Driver(id) => id,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Resource::Vehicle(_) => "vehicle",
            Resource::Driver(_) => "driver",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: Uuid,
    pub resource: Resource,
    pub range: TimeRange,
    /// "Bảo dưỡng định kỳ", "Nghỉ phép", …
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}
