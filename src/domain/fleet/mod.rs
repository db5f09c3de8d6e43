//! The vehicle and driver pool: vehicles, drivers, bookings and the rules
//! that assign them.

pub mod assignment;
pub mod block;
pub mod booking;
pub mod driver;
pub mod history;
pub mod policy;
pub mod trip;
pub mod vehicle;
pub mod waitlist;
