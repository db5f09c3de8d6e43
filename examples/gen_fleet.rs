//! Fills a fleet with generated vehicles, drivers and a year of bookings
//! (and an asset register with open requests) for the report benchmark.
//!
//! Run it on a database that already holds the demo data (`serve --demo`
//! once, for the boards and users). Deterministic for a seed.
//!
//! - Vehicles (default 2,000): sedans, SUVs, vans, minibuses and pickups
//!   with their seats, spread over the boards of origin.
//! - Drivers (default 1.2 per vehicle): most with a B licence (cars up to
//!   9 seats), the rest D (any vehicle); licences valid for years.
//! - Bookings (default 2,000,000) over the year: weekday mornings heavy,
//!   Mondays and quarter ends busier, weekends light, few around Tết; most
//!   an hour or two, some a day, a few several days.
//! - Every request first draws its fate: 7 % cancelled, 1 % rejected, and
//!   of future ones 2 % still waiting for approval. The rest are assigned
//!   greedily in start order: the earliest-free vehicle of the wished
//!   category and the earliest-free driver whose licence covers it, each
//!   free again after the trip and the turnaround gap. So no vehicle or
//!   driver holds two overlapping served requests. Served requests in the
//!   past are `completed` (odometer and fuel recorded), future ones
//!   `confirmed` with their occupancy rows (the database's no-overlap
//!   triggers or exclusion constraints check every one); unserved ones are
//!   `unfulfilled` (past) or `waitlisted` (future).
//! - Assets (default 3,000) across the boards and categories, some idle,
//!   under repair or disposed, and open asset requests (default 300).
//!   Requests are written as filed or approved without budget commitments:
//!   enough for the asset-utilisation report, not for the ledger.
//!
//! Rows are written with batched inserts, `--batch` rows per write
//! transaction. Trip costs are not posted to the ledger.
//!
//! ```sh
//! benches/reports.sh sqlite       # builds, loads the demo, runs this, times the reports
//! cargo run --release --example gen_fleet -- --database FILE_OR_URL --bookings 2000000
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use clap::Parser;
use diesel::prelude::*;
use sharedoffice::demo::generate::{Rng, tet};
use sharedoffice::domain::assets::{AssetCode, AssetStatus, RequestKind, RequestStatus};
use sharedoffice::domain::fleet::driver::{Driver, DriverStatus, LicenceClass, LicenceNumber};
use sharedoffice::domain::fleet::vehicle::{
    FuelNorm, Plate, Seats, Vehicle, VehicleCategory, VehicleStatus,
};
use sharedoffice::domain::money::Money;
use sharedoffice::domain::user::FullName;
use sharedoffice::storage::assets::register::{self, Asset};
use sharedoffice::storage::assets::requests::{self, AssetRequest};
use sharedoffice::storage::boards::{self, BoardFilter};
use sharedoffice::storage::ledger::budget_lines;
use sharedoffice::storage::schema::{bookings, occupancy, users};
use sharedoffice::storage::{DbConn, DbTarget, drivers, establish, settings, vehicles, write_tx};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// SQLite file or postgres:// URL of a database holding the demo data.
    #[arg(long)]
    database: String,
    #[arg(long, default_value_t = 2_000)]
    vehicles: usize,
    /// Drivers (default: 1.2 per vehicle).
    #[arg(long)]
    drivers: Option<usize>,
    #[arg(long, default_value_t = 2_000_000)]
    bookings: usize,
    #[arg(long, default_value_t = 3_000)]
    assets: usize,
    #[arg(long, default_value_t = 300)]
    asset_requests: usize,
    /// Year of the bookings (default: this year).
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Rows per write transaction.
    #[arg(long, default_value_t = 5_000)]
    batch: usize,
}

/// Vehicle kinds: category, seats, share of the fleet and of the demand
/// (per mille), passengers at most, fuel norm.
const KINDS: [(VehicleCategory, u8, u32, u8, &str); 5] = [
    (VehicleCategory::Sedan, 5, 450, 4, "7.5"),
    (VehicleCategory::Suv, 7, 250, 6, "9.5"),
    (VehicleCategory::Van, 16, 150, 15, "12"),
    (VehicleCategory::Minibus, 29, 80, 28, "16"),
    (VehicleCategory::Pickup, 5, 70, 4, "10"),
];

/// Trip lengths in minutes and their weights (per mille).
const LENGTHS: [(i64, u32); 11] = [
    (30, 200),
    (45, 150),
    (60, 250),
    (90, 150),
    (120, 120),
    (180, 60),
    (240, 30),
    (360, 15),
    (480, 15),
    (1_440, 6),
    (2_880, 4),
];

/// Starts per hour of a working day (weights); weekends are flatter.
const WEEKDAY_HOURS: [u64; 24] = [
    0, 0, 0, 0, 0, 2, 10, 60, 70, 45, 30, 15, 8, 35, 30, 20, 10, 5, 3, 2, 1, 1, 0, 0,
];
const WEEKEND_HOURS: [u64; 24] = [
    0, 0, 0, 0, 0, 1, 5, 10, 12, 12, 10, 8, 6, 8, 8, 6, 4, 2, 1, 1, 0, 0, 0, 0,
];

/// How busy a day is, in thousandths of an ordinary Thursday.
fn day_weight(day: NaiveDate) -> u32 {
    let mut w: u32 = match day.weekday() {
        Weekday::Mon => 1_350,
        Weekday::Tue => 1_100,
        Weekday::Wed => 1_050,
        Weekday::Thu => 1_000,
        Weekday::Fri => 950,
        Weekday::Sat => 200,
        Weekday::Sun => 100,
    };
    let from_tet = (day - tet(day.year())).num_days();
    if (-3..=5).contains(&from_tet) {
        w /= 20;
    } else if (-10..=10).contains(&from_tet) {
        w /= 3;
    }
    // The last ten days or so of a quarter: reports and inspections.
    if matches!(day.month(), 3 | 6 | 9 | 12) && day.day() > 20 {
        w = w * 13 / 10;
    }
    w
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Cancelled,
    Rejected,
    Pending,
    Assign,
}

/// A generated request, kept small: 2 million of them sit in memory.
#[derive(Clone, Copy)]
struct Req {
    /// Start, minutes since the epoch.
    start: i64,
    minutes: i32,
    board: u16,
    kind: u8,
    passengers: u8,
    fate: Fate,
    lead_hours: u16,
}

#[derive(Insertable)]
#[diesel(table_name = bookings)]
#[diesel(treat_none_as_default_value = false)]
struct BookingRow {
    id: String,
    board_id: String,
    requester_id: String,
    purpose: &'static str,
    destination: &'static str,
    out_of_province: bool,
    passengers: i32,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
    planned_minutes: i32,
    category_wish: Option<&'static str>,
    priority: i32,
    status: &'static str,
    status_reason: Option<&'static str>,
    vehicle_id: Option<String>,
    driver_id: Option<String>,
    odometer_start: Option<i64>,
    odometer_end: Option<i64>,
    fuel_centi: Option<i64>,
    fuel_allowed_centi: Option<i64>,
    fuel_flagged: Option<bool>,
    started_at: Option<chrono::NaiveDateTime>,
    completed_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = occupancy)]
#[diesel(treat_none_as_default_value = false)]
struct HoldRow {
    id: String,
    vehicle_id: Option<String>,
    driver_id: Option<String>,
    booking_id: Option<String>,
    block_id: Option<String>,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
    long_hold: bool,
}

/// Rows per INSERT statement (within SQLite's and PostgreSQL's bind limits).
const ROWS_PER_STATEMENT: usize = 1_000;

fn insert_bookings(conn: &mut DbConn, rows: &[BookingRow]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let q = diesel::insert_into(bookings::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => q.execute(c)?,
            DbConn::Postgres(c) => q.execute(c)?,
        };
    }
    Ok(())
}

fn insert_holds(conn: &mut DbConn, rows: &[HoldRow]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let q = diesel::insert_into(occupancy::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => q.execute(c)?,
            DbConn::Postgres(c) => q.execute(c)?,
        };
    }
    Ok(())
}

fn at_minutes(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(m * 60, 0).expect("an instant")
}

const PURPOSES: [&str; 6] = [
    "Đi công tác cơ sở",
    "Họp tại Tỉnh ủy",
    "Kiểm tra, giám sát",
    "Dự hội nghị",
    "Đưa đón đoàn công tác",
    "Khảo sát thực tế",
];
const DESTINATIONS: [&str; 6] = [
    "Thành phố Hòa Bình",
    "Huyện Mai Châu",
    "Huyện Lạc Sơn",
    "Huyện Kim Bôi",
    "Hà Nội",
    "Huyện Đà Bắc",
];
const SURNAMES: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const GIVEN: [&str; 8] = [
    "Văn An",
    "Văn Bình",
    "Đức Cường",
    "Minh Dũng",
    "Quang Hải",
    "Văn Hùng",
    "Thế Long",
    "Văn Nam",
];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let target = DbTarget::parse(&args.database).map_err(anyhow::Error::msg)?;
    let mut conn = establish(&target)?;
    let started = Instant::now();

    let boards = boards::list(&mut conn, &BoardFilter::default(), 1_000)?;
    anyhow::ensure!(
        !boards.is_empty(),
        "the database has no boards: load the demo data first (serve --demo)"
    );
    let people: Vec<(String, Option<String>)> = users::table
        .filter(users::active.eq(true))
        .order(users::username.asc())
        .select((users::id, users::board_id))
        .load(&mut conn)?;
    anyhow::ensure!(!people.is_empty(), "the database has no users");
    // Each board's requester: one of its users, else anyone.
    let requesters: Vec<String> = boards
        .iter()
        .map(|b| {
            people
                .iter()
                .find(|(_, board)| board.as_deref() == Some(b.id.to_string().as_str()))
                .unwrap_or(&people[0])
                .0
                .clone()
        })
        .collect();
    let (policy, tz) = settings::fleet_policy(&mut conn)?;
    let turnaround = i64::from(policy.turnaround_minutes);
    let now = sharedoffice::clock::now();
    let now_min = now.timestamp() / 60;
    let year = args.year.unwrap_or_else(|| now.year());
    let mut rng = Rng::new(args.seed, 0);

    // 1. Vehicles and drivers.
    let kind_share: Vec<u64> = KINDS.iter().map(|k| u64::from(k.2)).collect();
    let mut fleet: Vec<Vehicle> = Vec::with_capacity(args.vehicles);
    for i in 0..args.vehicles {
        let k = KINDS[rng.weighted(&kind_share)];
        // Province 11–99, series G, five digits: unique by construction.
        let plate = format!("{}G{:05}", 11 + (i / 100_000) % 89, i % 100_000);
        fleet.push(Vehicle {
            id: Uuid::now_v7(),
            plate: Plate::parse(&plate).map_err(|e| anyhow::anyhow!("{plate}: {e}"))?,
            model: format!("Xe {} {}", k.0.as_str(), k.1),
            seats: Seats::parse(i64::from(k.1)).map_err(anyhow::Error::msg)?,
            category: k.0,
            fuel_norm: FuelNorm::parse(k.4).map_err(anyhow::Error::msg)?,
            odometer_km: 10_000 + rng.below(90_000) as i64,
            status: VehicleStatus::Active,
            origin_board_id: boards[rng.below(boards.len() as u64) as usize].id,
        });
    }
    let n_drivers = args.drivers.unwrap_or(args.vehicles * 6 / 5);
    let mut crew: Vec<Driver> = Vec::with_capacity(n_drivers);
    for i in 0..n_drivers {
        let class = if rng.below(10) < 7 {
            LicenceClass::B2
        } else {
            LicenceClass::D
        };
        let name = format!(
            "{} {} {}",
            SURNAMES[rng.below(8) as usize],
            GIVEN[rng.below(8) as usize],
            i + 1
        );
        crew.push(Driver {
            id: Uuid::now_v7(),
            full_name: FullName::parse(&name).map_err(anyhow::Error::msg)?,
            licence_number: LicenceNumber::parse(&format!("GX{:010}", i + 1))
                .map_err(anyhow::Error::msg)?,
            licence_class: class,
            licence_expires_on: NaiveDate::from_ymd_opt(year + 5, 12, 31).expect("a date"),
            phone: None,
            status: DriverStatus::Active,
            origin_board_id: boards[rng.below(boards.len() as u64) as usize].id,
            user_id: None,
            calendar_key: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
        });
    }

    // 2. When the requests start: a day by its weight, an hour by the day's kind.
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year");
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| d.year() == year).collect();
    let day_weights: Vec<u64> = days.iter().map(|&d| u64::from(day_weight(d))).collect();
    let length_weights: Vec<u64> = LENGTHS.iter().map(|l| u64::from(l.1)).collect();
    let mut reqs: Vec<Req> = Vec::with_capacity(args.bookings);
    for _ in 0..args.bookings {
        let day = days[rng.weighted(&day_weights)];
        let hours = if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            &WEEKEND_HOURS
        } else {
            &WEEKDAY_HOURS
        };
        let hour = rng.weighted(hours) as u32;
        let minute = 15 * rng.below(4) as u32;
        let local = day.and_hms_opt(hour, minute, 0).expect("a time");
        let start = tz
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| local.and_utc());
        let kind = rng.weighted(&kind_share);
        let passengers = 1 + rng.below(u64::from(KINDS[kind].3)) as u8;
        let start_min = start.timestamp() / 60;
        let fate = match rng.below(100) {
            0..=6 => Fate::Cancelled,
            7 => Fate::Rejected,
            8..=9 if start_min > now_min => Fate::Pending,
            _ => Fate::Assign,
        };
        reqs.push(Req {
            start: start_min,
            minutes: LENGTHS[rng.weighted(&length_weights)].0 as i32,
            board: rng.below(boards.len() as u64) as u16,
            kind: kind as u8,
            passengers,
            fate,
            lead_hours: (2 + rng.below(24 * 14)) as u16,
        });
    }
    reqs.sort_by_key(|r| r.start);

    // 3. Greedy assignment in start order: earliest-free vehicle of the
    // category, earliest-free driver whose licence covers it.
    let mut vehicle_free: Vec<BinaryHeap<Reverse<(i64, u32)>>> =
        (0..KINDS.len()).map(|_| BinaryHeap::new()).collect();
    for (i, v) in fleet.iter().enumerate() {
        let k = KINDS
            .iter()
            .position(|k| k.0 == v.category)
            .expect("a kind");
        vehicle_free[k].push(Reverse((i64::MIN, i as u32)));
    }
    // 0: B2 drivers (cars up to 9 seats), 1: D drivers (any).
    let mut driver_free: [BinaryHeap<Reverse<(i64, u32)>>; 2] = Default::default();
    for (i, d) in crew.iter().enumerate() {
        let pool = usize::from(d.licence_class == LicenceClass::D);
        driver_free[pool].push(Reverse((i64::MIN, i as u32)));
    }
    // (vehicle, driver) per request, u32::MAX when not served.
    let mut assigned: Vec<(u32, u32)> = vec![(u32::MAX, u32::MAX); reqs.len()];
    for (n, r) in reqs.iter().enumerate() {
        if r.fate != Fate::Assign {
            continue;
        }
        let heap = &mut vehicle_free[r.kind as usize];
        let Some(&Reverse((free_at, v))) = heap.peek() else {
            continue;
        };
        if free_at > r.start {
            continue;
        }
        let small = KINDS[r.kind as usize].1 <= 9;
        let pools: &[usize] = if small { &[0, 1] } else { &[1] };
        let Some(&pool) = pools.iter().find(|&&p| {
            driver_free[p]
                .peek()
                .is_some_and(|Reverse((at, _))| *at <= r.start)
        }) else {
            continue;
        };
        let Some(Reverse((_, d))) = driver_free[pool].pop() else {
            continue;
        };
        heap.pop();
        let free_again = r.start + i64::from(r.minutes) + turnaround;
        heap.push(Reverse((free_again, v)));
        driver_free[pool].push(Reverse((free_again, d)));
        assigned[n] = (v, d);
    }
    eprintln!(
        "planned {} requests, {} vehicles, {} drivers in {:.1?}",
        reqs.len(),
        fleet.len(),
        crew.len(),
        started.elapsed()
    );

    // 4. Odometers: each completed trip adds its km to its vehicle.
    let mut odometer: Vec<i64> = fleet.iter().map(|v| v.odometer_km).collect();
    let mut trips: Vec<Option<(i64, i64)>> = vec![None; reqs.len()];
    for (n, r) in reqs.iter().enumerate() {
        let (v, _) = assigned[n];
        if v == u32::MAX || r.start + i64::from(r.minutes) > now_min {
            continue;
        }
        // About 30 km an hour on the road, at least 3 km.
        let km = (i64::from(r.minutes) / 2).clamp(3, 800) + rng.below(20) as i64;
        let from = odometer[v as usize];
        odometer[v as usize] = from + km;
        trips[n] = Some((from, from + km));
    }
    for (v, km) in fleet.iter_mut().zip(&odometer) {
        v.odometer_km = (*km).min(9_999_999);
    }

    write_tx(&mut conn, |conn| -> anyhow::Result<()> {
        for v in &fleet {
            vehicles::insert(conn, v, now)?;
        }
        for d in &crew {
            drivers::insert(conn, d, now)?;
        }
        Ok(())
    })?;
    eprintln!("wrote vehicles and drivers, {:.1?}", started.elapsed());

    // 5. The bookings and the occupancy of the future confirmed ones.
    let t = |m: i64| at_minutes(m).naive_utc();
    let mut counts = [0usize; 7];
    let names = [
        "completed",
        "confirmed",
        "unfulfilled",
        "waitlisted",
        "pending_approval",
        "cancelled",
        "rejected",
    ];
    let mut holds_written = 0usize;
    for (chunk_no, chunk) in reqs.chunks(args.batch).enumerate() {
        let base = chunk_no * args.batch;
        let mut rows = Vec::with_capacity(chunk.len());
        let mut holds = Vec::new();
        for (i, r) in chunk.iter().enumerate() {
            let n = base + i;
            let end = r.start + i64::from(r.minutes);
            let past = r.start <= now_min;
            let (v, d) = assigned[n];
            let served = v != u32::MAX;
            let status_no = match r.fate {
                Fate::Cancelled => 5,
                Fate::Rejected => 6,
                Fate::Pending => 4,
                Fate::Assign if served && end <= now_min => 0,
                Fate::Assign if served => 1,
                Fate::Assign if past => 2,
                Fate::Assign => 3,
            };
            // A trip running now is recorded as completed when it ends; leave
            // it confirmed (it holds its vehicle and driver).
            counts[status_no] += 1;
            let id = Uuid::now_v7();
            let trip = trips[n];
            let vehicle = served.then(|| fleet[v as usize].id.to_string());
            let driver = served.then(|| crew[d as usize].id.to_string());
            if status_no == 1 {
                let hold_end = t(end + turnaround);
                let long = i64::from(r.minutes) + turnaround > 24 * 60;
                for (vid, did) in [(vehicle.clone(), None), (None, driver.clone())] {
                    holds.push(HoldRow {
                        id: Uuid::now_v7().to_string(),
                        vehicle_id: vid,
                        driver_id: did,
                        booking_id: Some(id.to_string()),
                        block_id: None,
                        starts_at: t(r.start),
                        ends_at: hold_end,
                        long_hold: long,
                    });
                }
            }
            let kind = KINDS[r.kind as usize];
            let created = (r.start - i64::from(r.lead_hours) * 60).min(now_min);
            let fuel = trip.map(|(a, b)| {
                // Norm litres per 100 km × km, in hundredths of a litre.
                let norm_centi: i64 = match kind.4 {
                    "7.5" => 750,
                    "9.5" => 950,
                    "12" => 1_200,
                    "16" => 1_600,
                    _ => 1_000,
                };
                norm_centi * (b - a) / 100
            });
            rows.push(BookingRow {
                id: id.to_string(),
                board_id: boards[usize::from(r.board)].id.to_string(),
                requester_id: requesters[usize::from(r.board)].clone(),
                purpose: PURPOSES[n % PURPOSES.len()],
                destination: DESTINATIONS[(n / 7) % DESTINATIONS.len()],
                out_of_province: n % DESTINATIONS.len() == 4,
                passengers: i32::from(r.passengers),
                starts_at: t(r.start),
                ends_at: t(end),
                planned_minutes: r.minutes,
                category_wish: Some(kind.0.as_str()),
                priority: (n % 10 == 0) as i32,
                status: names[status_no],
                status_reason: match status_no {
                    2 => Some("Không còn xe phù hợp khi chuyến bắt đầu."),
                    3 => Some("Chưa có xe phù hợp."),
                    5 => Some("Đơn vị hủy chuyến."),
                    6 => Some("Không đúng tiêu chuẩn sử dụng xe."),
                    _ => None,
                },
                vehicle_id: if matches!(status_no, 0 | 1) {
                    vehicle
                } else {
                    None
                },
                driver_id: if matches!(status_no, 0 | 1) {
                    driver
                } else {
                    None
                },
                odometer_start: trip.map(|x| x.0),
                odometer_end: trip.map(|x| x.1),
                fuel_centi: fuel,
                fuel_allowed_centi: fuel,
                fuel_flagged: trip.map(|_| false),
                started_at: trip.map(|_| t(r.start)),
                completed_at: trip.map(|_| t(end)),
                created_at: t(created),
                updated_at: t(created.max(if trip.is_some() { end } else { created })),
            });
        }
        holds_written += holds.len();
        write_tx(&mut conn, |conn| -> anyhow::Result<()> {
            insert_bookings(conn, &rows)?;
            insert_holds(conn, &holds)?;
            Ok(())
        })?;
        let written = base + chunk.len();
        if written % 100_000 < args.batch {
            eprintln!("{written} bookings, {:.1?}", started.elapsed());
        }
    }

    // 6. Assets and open asset requests.
    let categories = register::categories(&mut conn)?;
    let lines = budget_lines::list(&mut conn)?;
    let line = |code: &str| lines.iter().find(|l| l.code.as_str() == code).map(|l| l.id);
    let mut assets: Vec<Asset> = Vec::with_capacity(args.assets);
    if !categories.is_empty() {
        for i in 0..args.assets {
            let c = &categories[rng.below(categories.len() as u64) as usize];
            let board = boards[rng.below(boards.len() as u64) as usize].id;
            let status = match rng.below(100) {
                0..=11 => AssetStatus::Idle,
                12..=15 => AssetStatus::UnderRepair,
                16..=20 => AssetStatus::Disposed,
                _ => AssetStatus::InUse,
            };
            let cost = Money::from_minor((5_000 + rng.below(500_000) as i64) * 100_000);
            let wear = Money::from_minor(cost.to_minor() / 100 * rng.below(101) as i64);
            let acquired = NaiveDate::from_ymd_opt(year - 1 - rng.below(8) as i32, 1, 1)
                .expect("a date")
                + Duration::days(rng.below(365) as i64);
            assets.push(Asset {
                id: Uuid::now_v7(),
                code: AssetCode::parse(&format!("GEN-{:06}", i + 1)).map_err(anyhow::Error::msg)?,
                name: format!("{} số {}", c.name, i + 1),
                category_id: c.id,
                unit: c.unit.clone(),
                original_cost: cost,
                accumulated_wear: wear,
                acquired_on: acquired,
                wear_rate: c.wear_rate,
                custodian_board_id: board,
                location: format!("Phòng {}", 101 + rng.below(40)),
                status,
                origin_board_id: board,
                disposed_on: (status == AssetStatus::Disposed).then_some(acquired),
                created_at: now,
                updated_at: now,
            });
        }
    }
    let idle: Vec<&Asset> = assets
        .iter()
        .filter(|a| a.status == AssetStatus::Idle)
        .collect();
    let mut asset_requests = Vec::new();
    if let (Some(buy_line), Some(repair_line)) = (line("9050"), line("6900"))
        && !categories.is_empty()
    {
        for i in 0..args.asset_requests {
            let b = rng.below(boards.len() as u64) as usize;
            let transfer = !idle.is_empty() && rng.below(3) == 0;
            let (kind, category_id, asset_id, budget_line_id) = if transfer {
                let a = idle[rng.below(idle.len() as u64) as usize];
                (
                    RequestKind::TransferIn,
                    a.category_id,
                    Some(a.id),
                    repair_line,
                )
            } else {
                let c = &categories[rng.below(categories.len() as u64) as usize];
                (RequestKind::Procurement, c.id, None, buy_line)
            };
            asset_requests.push(AssetRequest {
                id: Uuid::now_v7(),
                kind,
                board_id: boards[b].id,
                category_id,
                asset_id,
                budget_line_id,
                amount: Money::from_minor((1_000 + rng.below(30_000) as i64) * 100_000),
                description: format!("Đề nghị số {}", i + 1),
                buy_anyway: true,
                status: if rng.below(4) == 0 {
                    RequestStatus::Approved
                } else {
                    RequestStatus::Submitted
                },
                submitted_by: requesters[b].parse()?,
                decided_by: None,
                decided_at: None,
                decision_reason: None,
                fulfilled_by: None,
                fulfilled_at: None,
                cost: None,
                journal_entry_id: None,
                created_at: now - Duration::minutes((args.asset_requests - i) as i64),
            });
        }
    }
    write_tx(&mut conn, |conn| -> anyhow::Result<()> {
        for a in &assets {
            register::insert(conn, a)?;
        }
        for r in &asset_requests {
            requests::insert(conn, r)?;
        }
        Ok(())
    })?;

    let secs = started.elapsed().as_secs_f64();
    println!(
        "wrote {} vehicles, {} drivers, {} bookings for {year} ({}), {holds_written} occupancy rows, {} assets, {} asset requests in {secs:.1} s: {:.0} bookings/s",
        fleet.len(),
        crew.len(),
        reqs.len(),
        names
            .iter()
            .zip(counts)
            .map(|(n, c)| format!("{n} {c}"))
            .collect::<Vec<_>>()
            .join(", "),
        assets.len(),
        asset_requests.len(),
        reqs.len() as f64 / secs
    );
    Ok(())
}
