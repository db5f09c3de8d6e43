//! iCalendar (RFC 5545) feed of a driver's trips.
//!
//! Lines end in CRLF, are folded at 75 octets (never inside a UTF-8
//! character), and text values escape `\`, `;`, `,` and newlines.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::fleet::booking::Booking;
use crate::domain::fleet::driver::Driver;
use crate::domain::fleet::vehicle::Vehicle;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

pub fn driver_calendar(
    driver: &Driver,
    trips: &[Booking],
    fleet: &HashMap<Uuid, Vehicle>,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//sharedoffice//fleet//VI");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            escape(&format!("Lịch xe – {}", driver.full_name.as_str()))
        ),
    );
    for trip in trips {
        let vehicle = trip.vehicle_id.and_then(|v| fleet.get(&v));
        let plate = vehicle
            .map(|v| v.plate.as_str().to_owned())
            .unwrap_or_default();
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@sharedoffice", trip.id));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        line(&mut out, &format!("DTSTART:{}", stamp(trip.range.start())));
        line(&mut out, &format!("DTEND:{}", stamp(trip.range.end())));
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape(&format!("{} – {}", plate, trip.destination))
            ),
        );
        line(&mut out, &format!("LOCATION:{}", escape(&trip.destination)));
        line(
            &mut out,
            &format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "{}\nSố khách: {}\nXe: {}",
                    trip.purpose, trip.passengers, plate
                ))
            ),
        );
        let status = if trip.status.was_served() {
            "CONFIRMED"
        } else {
            "CANCELLED"
        };
        line(&mut out, &format!("STATUS:{status}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut out = String::new();
        let text = format!("SUMMARY:{}", "Đà Nẵng ".repeat(20));
        line(&mut out, &text);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{text}\r\n"));
    }
}
