//! The ledger side of the vehicle pool: a confirmed trip reserves its
//! estimated cost on the booking board's travel budget line; a completed
//! trip posts its actual cost there (settling the reservation); a trip
//! that ends unserved releases it. See `domain::ledger::trip_costing`.

use uuid::Uuid;

use super::LedgerContext;
use super::budget::{self, BudgetShortfall, Enforcement};
use super::journal::{self, Posting};
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::fleet::booking::Booking;
use crate::domain::ledger::account::AccountCode;
use crate::domain::ledger::budget_line::BudgetLineCode;
use crate::domain::ledger::journal::{self as entry, BalancedLines, Side, Source};
use crate::domain::ledger::norms::NormCode;
use crate::domain::ledger::trip_costing;
use crate::domain::money::Money;
use crate::ops::OpError;
use crate::storage::DbConn;
use crate::storage::ledger::commitments::{self, CommitmentSource};
use crate::storage::ledger::{accounts, budget_lines, norms};

/// Budget line charged with trips: công tác phí.
pub const TRIP_BUDGET_LINE: &str = "6700";
/// Debited with a trip's cost: chi phí hoạt động.
pub const EXPENSE_ACCOUNT: &str = "611";
/// Credited with a trip's cost until paid: phải trả cho người bán.
pub const PAYABLE_ACCOUNT: &str = "331";
/// Norm: đồng per vehicle-hour, for the estimate.
pub const VEHICLE_HOUR_NORM: &str = "vehicle_hour";
/// Norm: đồng per litre of fuel.
pub const FUEL_PRICE_NORM: &str = "fuel_price";

fn travel_line(
    conn: &mut DbConn,
) -> Result<crate::domain::ledger::budget_line::BudgetLine, OpError> {
    let code = BudgetLineCode::parse(TRIP_BUDGET_LINE).expect("a valid code");
    budget_lines::find_by_code(conn, &code)?.ok_or_else(|| {
        OpError::conflict(
            "ledger_not_set_up",
            format!("Budget line {TRIP_BUDGET_LINE} is missing; finance must create it before trips can be charged."),
        )
    })
}

/// Reserves a confirmed trip's estimated cost, once per booking; nothing
/// when no `vehicle_hour` norm is in force on the trip's day.
pub fn commit(
    conn: &mut DbConn,
    booking: &Booking,
    enforcement: Enforcement,
    ctx: &LedgerContext,
) -> Result<Option<BudgetShortfall>, OpError> {
    if commitments::exists_for(conn, CommitmentSource::Booking, booking.id)? {
        return Ok(None);
    }
    let day = booking.range.start().with_timezone(&ctx.tz).date_naive();
    let Some(hourly) = norm_amount(conn, VEHICLE_HOUR_NORM, day)? else {
        return Ok(None);
    };
    let minutes = (booking.range.end() - booking.range.start()).num_minutes();
    let amount =
        trip_costing::estimate(minutes, hourly).map_err(|e| OpError::invalid("ends_at", e))?;
    if amount.to_minor() <= 0 {
        return Ok(None);
    }
    let line = travel_line(conn)?;
    let warning = budget::check(conn, &line, booking.board_id, day, amount, enforcement)?;
    commitments::insert(
        conn,
        &commitments::NewCommitment {
            source: CommitmentSource::Booking,
            source_id: booking.id,
            fiscal_year: crate::domain::ledger::period::FiscalYear::of(day).get(),
            board_id: booking.board_id,
            budget_line_id: line.id,
            amount,
        },
        ctx.now,
    )?;
    Ok(warning)
}

/// Releases the reservation of a trip that ended unserved.
pub fn release(conn: &mut DbConn, booking_id: Uuid, ctx: &LedgerContext) -> Result<(), OpError> {
    budget::close_commitment(conn, CommitmentSource::Booking, booking_id, None, ctx)
}

fn norm_amount(
    conn: &mut DbConn,
    code: &str,
    day: chrono::NaiveDate,
) -> Result<Option<Money>, OpError> {
    let code = NormCode::parse(code).expect("a valid code");
    Ok(norms::in_force(conn, &code, day)?.map(|n| n.amount))
}

fn account_id(conn: &mut DbConn, code: &str) -> Result<Uuid, OpError> {
    let code = AccountCode::parse(code).expect("a valid code");
    accounts::find_by_code(conn, &code)?
        .map(|a| a.id)
        .ok_or_else(|| {
            OpError::conflict(
                "ledger_not_set_up",
                format!("Account {} is missing from the chart; finance must create it before trips can be charged.", code.as_str()),
            )
        })
}

/// Posts a completed trip's cost to the booking board (recorded even if it
/// exceeds a `stop` line: the trip has happened; the warning is returned)
/// and settles its reservation. Returns the entry, if the trip cost
/// anything.
pub fn post(
    conn: &mut DbConn,
    actor: &Actor,
    booking: &Booking,
    ctx: &LedgerContext,
) -> Result<Option<(Uuid, Vec<BudgetShortfall>)>, OpError> {
    let Some(trip) = &booking.trip else {
        return Ok(None);
    };
    let day = ctx.today();
    let price = norm_amount(conn, FUEL_PRICE_NORM, day)?;
    let costs = trip.costs.unwrap_or(crate::domain::fleet::trip::TripCosts {
        tolls: Money::ZERO,
        parking: Money::ZERO,
        other: Money::ZERO,
    });
    let (fuel_cost, total) = trip_costing::actual(trip.fuel, price, costs)
        .map_err(|e| OpError::invalid("fuel_litres", e))?;
    if total.to_minor() <= 0 {
        budget::close_commitment(conn, CommitmentSource::Booking, booking.id, None, ctx)?;
        return Ok(None);
    }
    let line = travel_line(conn)?;
    let expense = account_id(conn, EXPENSE_ACCOUNT)?;
    let payable = account_id(conn, PAYABLE_ACCOUNT)?;
    let mut memo = vec![];
    if let Some(f) = fuel_cost {
        memo.push(format!("nhiên liệu {f}"));
    } else if trip.fuel.is_some_and(|l| l.hundredths() > 0) {
        memo.push(format!(
            "nhiên liệu chưa tính giá (không có định mức {FUEL_PRICE_NORM})"
        ));
    }
    for (what, m) in [
        ("cầu đường", costs.tolls),
        ("gửi xe", costs.parking),
        ("khác", costs.other),
    ] {
        if m.to_minor() > 0 {
            memo.push(format!("{what} {m}"));
        }
    }
    let line_of = |account_id: Uuid, side: Side| entry::Posting {
        account_id,
        board_id: booking.board_id,
        budget_line_id: line.id,
        side,
        amount: total,
        memo: Some(memo.join("; ")),
    };
    let lines = BalancedLines::new(vec![
        line_of(expense, Side::Debit),
        line_of(payable, Side::Credit),
    ])
    .map_err(|e: ParseError| OpError::invalid("costs", e))?;
    // The reservation is settled first, so the check sees the actual cost
    // in place of the estimate.
    let id = Uuid::now_v7();
    if let Some(c) = commitments::open_for(conn, CommitmentSource::Booking, booking.id)? {
        commitments::close(conn, c.id, Some(id), ctx.now)?;
    }
    let (posted, warnings) = journal::post(
        conn,
        actor,
        Posting {
            id,
            date: day,
            description: format!("Chi phí chuyến xe: {}", booking.purpose),
            reference: None,
            source: Source::Trip,
            source_id: Some(booking.id),
            reverses_id: None,
            lines,
        },
        Enforcement::RecordOnly,
        ctx,
    )?;
    Ok(Some((posted.id, warnings)))
}
