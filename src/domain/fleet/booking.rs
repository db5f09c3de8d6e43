//! Trip requests (bookings) and their life cycle.
//!
//! ```text
//! pending_approval ──approve──▶ confirmed ──start──▶ in_progress ──complete──▶ completed
//!        │                        ▲   │
//!        │ (nothing fits)         │   └──────────────┐
//!        ▼                        │ assign / retry   │
//!    waitlisted ──────────────────┘                  │
//!        │ start time passes unserved                │
//!        ▼                                           │
//!    unfulfilled                                     │
//! cancel:  pending_approval | waitlisted | confirmed ──▶ cancelled
//! reject:  pending_approval | waitlisted | confirmed ──▶ rejected
//! ```
//! Active bookings (`confirmed`, `in_progress`) hold their vehicle and driver.

use serde::Serialize;

use crate::domain::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    PendingApproval,
    Confirmed,
    InProgress,
    Completed,
    Waitlisted,
    Unfulfilled,
    Cancelled,
    Rejected,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 8] = [
        BookingStatus::PendingApproval,
        BookingStatus::Confirmed,
        BookingStatus::InProgress,
        BookingStatus::Completed,
        BookingStatus::Waitlisted,
        BookingStatus::Unfulfilled,
        BookingStatus::Cancelled,
        BookingStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::PendingApproval => "pending_approval",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::InProgress => "in_progress",
            BookingStatus::Completed => "completed",
            BookingStatus::Waitlisted => "waitlisted",
            BookingStatus::Unfulfilled => "unfulfilled",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|s| s.as_str() == wanted).ok_or_else(|| {
            ParseError::new(
                "invalid_status",
                format!(
                    "'{}' is not a booking status. Use pending_approval, confirmed, in_progress, \
                     completed, waitlisted, unfulfilled, cancelled or rejected.",
                    raw.trim()
                ),
            )
        })
    }

    /// Holds a vehicle and a driver.
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Confirmed | BookingStatus::InProgress)
    }

    /// The statuses of a request that was served: it held a vehicle and a
    /// driver (confirmed, in progress, completed).
    pub const SERVED: [BookingStatus; 3] = [
        BookingStatus::Confirmed,
        BookingStatus::InProgress,
        BookingStatus::Completed,
    ];

    /// Whether a request in this status was served (see [`Self::SERVED`]).
    pub fn was_served(self) -> bool {
        Self::SERVED.contains(&self)
    }

    /// The status once the request's start has passed (`started`): a
    /// request still waiting for a decision or a vehicle is unfulfilled,
    /// even before the periodic sweep records it.
    pub fn as_of(self, started: bool) -> BookingStatus {
        match self {
            BookingStatus::Waitlisted | BookingStatus::PendingApproval if started => {
                BookingStatus::Unfulfilled
            }
            s => s,
        }
    }
}

/// What can be done to a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingAction {
    Approve,
    Reject,
    Assign,
    Cancel,
    Start,
    Complete,
}

impl BookingAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingAction::Approve => "approve",
            BookingAction::Reject => "reject",
            BookingAction::Assign => "assign",
            BookingAction::Cancel => "cancel",
            BookingAction::Start => "start",
            BookingAction::Complete => "complete",
        }
    }

    /// The states this action may be taken from.
    pub fn allowed_from(self) -> &'static [BookingStatus] {
        use BookingStatus::*;
        match self {
            BookingAction::Approve => &[PendingApproval],
            BookingAction::Reject => &[PendingApproval, Waitlisted, Confirmed],
            BookingAction::Assign => &[Waitlisted, Confirmed],
            BookingAction::Cancel => &[PendingApproval, Waitlisted, Confirmed],
            BookingAction::Start => &[Confirmed],
            BookingAction::Complete => &[InProgress],
        }
    }

    /// Refuses the action when the booking is in another state, naming the
    /// current state and what would be needed.
    pub fn check(self, current: BookingStatus) -> Result<(), ParseError> {
        if self.allowed_from().contains(&current) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.allowed_from().iter().map(|s| s.as_str()).collect();
        Err(ParseError::new(
            "invalid_transition",
            format!(
                "This booking is {}; it can be {} only when it is {}.",
                current.as_str(),
                match self {
                    BookingAction::Approve => "approved",
                    BookingAction::Reject => "rejected",
                    BookingAction::Assign => "assigned",
                    BookingAction::Cancel => "cancelled",
                    BookingAction::Start => "started",
                    BookingAction::Complete => "completed",
                },
                allowed.join(" or ")
            ),
        ))
    }
}

/// Urgency of a request: the waitlist serves higher priority first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn as_i16(self) -> i16 {
        match self {
            Priority::Normal => 0,
            Priority::High => 1,
            Priority::Urgent => 2,
        }
    }

    pub fn from_i16(v: i16) -> Self {
        match v {
            2.. => Priority::Urgent,
            1 => Priority::High,
            _ => Priority::Normal,
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Priority::Normal),
            "high" => Ok(Priority::High),
            "urgent" => Ok(Priority::Urgent),
            _ => Err(ParseError::new(
                "invalid_priority",
                format!(
                    "'{}' is not a priority. Choose normal, high or urgent.",
                    raw.trim()
                ),
            )),
        }
    }
}

/// A trip request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: uuid::Uuid,
    pub board_id: uuid::Uuid,
    pub requester_id: uuid::Uuid,
    pub purpose: String,
    pub destination: String,
    pub out_of_province: bool,
    pub passengers: u8,
    pub range: crate::domain::time_range::TimeRange,
    pub category_wish: Option<super::vehicle::VehicleCategory>,
    pub priority: Priority,
    pub status: BookingStatus,
    /// Why it waits, was rejected or cancelled.
    pub status_reason: Option<String>,
    pub vehicle_id: Option<uuid::Uuid>,
    pub driver_id: Option<uuid::Uuid>,
    pub trip: Option<TripRecord>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Booking {
    /// The status as of `now`: a waitlisted (or never approved) request
    /// whose start has passed is unfulfilled, even before the periodic
    /// sweep records it.
    pub fn status_at(&self, now: chrono::DateTime<chrono::Utc>) -> BookingStatus {
        self.status.as_of(self.range.start() <= now)
    }
}

/// What the driver recorded on the trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripRecord {
    pub odometer_start: Option<i64>,
    pub odometer_end: Option<i64>,
    pub fuel: Option<super::trip::Litres>,
    pub fuel_allowed: Option<super::trip::Litres>,
    pub fuel_flagged: Option<bool>,
    pub costs: Option<super::trip::TripCosts>,
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Passengers on a trip: 1–59 (the largest vehicle has 60 seats).
pub fn parse_passengers(raw: i64) -> Result<u8, ParseError> {
    if (1..=59).contains(&raw) {
        Ok(raw as u8)
    } else {
        Err(ParseError::new(
            "invalid_passengers",
            format!("A trip carries 1–59 passengers; {raw} was given."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BookingStatus::*;

    #[test]
    fn only_allowed_transitions_pass() {
        assert!(BookingAction::Approve.check(PendingApproval).is_ok());
        assert!(BookingAction::Start.check(Confirmed).is_ok());
        assert!(BookingAction::Complete.check(InProgress).is_ok());
        for s in [Completed, Cancelled, Rejected, Unfulfilled, InProgress] {
            assert!(BookingAction::Cancel.check(s).is_err(), "cancel from {s:?}");
        }
        let err = BookingAction::Start.check(Waitlisted).unwrap_err();
        assert_eq!(err.code, "invalid_transition");
        assert_eq!(
            err.message,
            "This booking is waitlisted; it can be started only when it is confirmed."
        );
    }

    #[test]
    fn active_means_holding_a_vehicle() {
        let active: Vec<_> = BookingStatus::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(active, [Confirmed, InProgress]);
    }

    #[test]
    fn priorities_order_and_round_trip() {
        assert!(Priority::Urgent > Priority::High && Priority::High > Priority::Normal);
        for p in [Priority::Normal, Priority::High, Priority::Urgent] {
            assert_eq!(Priority::from_i16(p.as_i16()), p);
        }
    }
}
