//! The one place that reads the wall clock.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, in UTC, to the microsecond: the finest precision both storage
/// backends keep, so a value read back equals the value written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
