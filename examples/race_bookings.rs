//! The booking rush: many requests for the same slot at the same moment.
//!
//! Against one or more running servers sharing a fresh database (started
//! with `SHAREDOFFICE_ADMIN_PASSWORD` set), it adds a board, a dispatcher
//! and a clerk, registers `--vehicles` sedans and as many class B drivers,
//! and then, round after round, sends `--requests` bookings of one slot at
//! once (a new slot each round), spread over the servers in turn. Every
//! request must be filed (201, confirmed or waitlisted), each round must
//! confirm exactly as many trips as there are vehicles, and no vehicle or
//! driver may hold two overlapping trips (checked in SQL with
//! `--database`). The exit status is 0 only if all of that holds.
//!
//! ```sh
//! benches/race.sh --processes 2     # builds, starts the servers, runs this, drops the database
//! cargo run --release --example race_bookings -- --help
//! ```

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::RunQueryDsl;
use futures_util::future::join_all;
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// Base address of a server; give it once per server process.
    #[arg(long, required = true)]
    base: Vec<String>,
    /// Password of the bootstrapped `admin`.
    #[arg(long, env = "SHAREDOFFICE_ADMIN_PASSWORD")]
    admin_password: String,
    /// Sedans (and class B drivers) in the pool: the trips each round can confirm.
    #[arg(long, default_value_t = 11)]
    vehicles: usize,
    /// Rounds, each on a slot of its own.
    #[arg(long, default_value_t = 30)]
    rounds: usize,
    /// Simultaneous requests per round.
    #[arg(long, default_value_t = 64)]
    requests: usize,
    /// A mixed pool instead of sedans only: sedans, SUVs and vans in turn,
    /// class B, B and D2 drivers in turn, and 1–14 passengers per request
    /// (so requests want different vehicles and drivers). The number each
    /// round confirms is then reported, not checked.
    #[arg(long)]
    mixed: bool,
    /// Database of the servers, for the overlap check.
    #[arg(long)]
    database: Option<String>,
}

const PASSWORD: &str = "mật khẩu đo tải 2026";

struct Client {
    http: awc::Client,
}

impl Client {
    async fn call(
        &self,
        base: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let mut res = match body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        }
        .expect("request sent");
        let bytes = res.body().limit(1 << 22).await.expect("body read");
        (
            res.status().as_u16(),
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn created(&self, base: &str, path: &str, token: &str, body: Value) -> Value {
        let (status, res) = self
            .call(base, "POST", path, Some(token), Some(&body))
            .await;
        assert_eq!(status, 201, "POST {path}: {res}");
        res
    }

    async fn login(&self, base: &str, username: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                base,
                "POST",
                "/api/v1/auth/login",
                None,
                Some(&json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, 200, "login {username}: {body}");
        body["access_token"].as_str().expect("token").to_owned()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Active bookings sharing a vehicle or a driver at overlapping times.
fn overlaps(url: &str) -> i64 {
    let target = sharedoffice::storage::DbTarget::parse(url).expect("database URL");
    let mut conn = sharedoffice::storage::establish(&target).expect("database reachable");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut total = 0;
    for column in ["vehicle_id", "driver_id"] {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM bookings a JOIN bookings b ON a.{column} = b.{column} AND a.id < b.id \
             WHERE a.status IN ('confirmed', 'in_progress') AND b.status IN ('confirmed', 'in_progress') \
             AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
        );
        let rows: Vec<Count> = diesel::sql_query(sql).load(&mut conn).expect("check query");
        println!(
            "overlap check: {} pairs of active bookings sharing a {column} at overlapping times",
            rows[0].n
        );
        total += rows[0].n;
    }
    total
}

async fn run(args: Args) -> bool {
    let client = Client {
        http: awc::Client::builder()
            .timeout(Duration::from_secs(120))
            .finish(),
    };
    let first = args.base[0].as_str();
    let admin = client.login(first, "admin", &args.admin_password).await;
    let board = client
        .created(
            first,
            "/api/v1/boards",
            &admin,
            json!({"code": "RACE", "name": "Ban đo tải"}),
        )
        .await;
    let board_id = board["id"].as_str().expect("board id").to_owned();
    for (username, role) in [("dispatcher.race", "dispatcher"), ("clerk.race", "clerk")] {
        client
            .created(
                first,
                "/api/v1/users",
                &admin,
                json!({"username": username, "full_name": "Cán bộ đo tải", "role": role,
                       "board_id": (role == "clerk").then_some(&board_id), "password": PASSWORD}),
            )
            .await;
    }
    let desk = client.login(first, "dispatcher.race", PASSWORD).await;
    for i in 0..args.vehicles {
        let ((seats, category), class) = if args.mixed {
            (
                [(5, "sedan"), (7, "suv"), (16, "van")][i % 3],
                ["B", "B", "D2"][i % 3],
            )
        } else {
            ((5, "sedan"), "B")
        };
        client
            .created(
                first,
                "/api/v1/vehicles",
                &desk,
                json!({"plate": format!("98A-{:03}.{:02}", i / 100, i % 100), "model": "Xe công",
                       "seats": seats, "category": category, "fuel_norm": "9.5", "odometer_km": 10000,
                       "origin_board_id": board_id}),
            )
            .await;
        client
            .created(
                first,
                "/api/v1/drivers",
                &desk,
                json!({"full_name": format!("Lái xe đo tải {i}"), "licence_number": format!("{:012}", 987_000_000 + i),
                       "licence_class": class, "licence_expires_on": "2099-12-31",
                       "origin_board_id": board_id}),
            )
            .await;
    }
    let clerk = client.login(first, "clerk.race", PASSWORD).await;
    println!(
        "setup: {} {} and as many drivers; {} round(s) of {} simultaneous requests over {} server(s)",
        args.vehicles,
        if args.mixed {
            "sedans, SUVs and vans"
        } else {
            "sedans (class B drivers)"
        },
        args.rounds,
        args.requests,
        args.base.len()
    );

    let day = chrono::Utc::now().date_naive() + chrono::Duration::days(2);
    let mut outcomes = BTreeMap::<String, usize>::new();
    let mut latencies = Vec::new();
    let mut short_rounds = 0;
    let started = Instant::now();
    for round in 0..args.rounds {
        // Each round books its own slot: a weekday morning, two hours.
        let start = (day + chrono::Duration::days(round as i64))
            .and_hms_opt(1, 0, 0)
            .expect("time")
            .and_utc();
        let end = start + chrono::Duration::hours(2);
        let requests = (0..args.requests).map(|i| {
            let base = args.base[i % args.base.len()].as_str();
            let body = json!({"purpose": format!("Chuyến {round}-{i}"), "destination": "Huyện",
                              "passengers": if args.mixed { 1 + i % 14 } else { 1 }, "starts_at": start.to_rfc3339(), "ends_at": end.to_rfc3339()});
            let (client, clerk) = (&client, &clerk);
            async move {
                let t = Instant::now();
                let (status, res) = client
                    .call(base, "POST", "/api/v1/bookings", Some(clerk), Some(&body))
                    .await;
                let outcome = if status == 201 {
                    let s = res["status"].as_str().unwrap_or("?");
                    if s == "confirmed" && (res["vehicle"].is_null() || res["driver"].is_null()) {
                        "201 confirmed without vehicle or driver".to_owned()
                    } else {
                        format!("201 {s}")
                    }
                } else {
                    format!("{status} {}", res["code"].as_str().unwrap_or(""))
                };
                (t.elapsed(), outcome)
            }
        });
        let results = join_all(requests).await;
        let confirmed = results.iter().filter(|(_, o)| o == "201 confirmed").count();
        if args.mixed {
            print!("{confirmed} ");
        } else if confirmed != args.vehicles.min(args.requests) {
            short_rounds += 1;
            println!(
                "round {round}: {confirmed} confirmed of {} fitting vehicles",
                args.vehicles
            );
        }
        for (latency, outcome) in results {
            latencies.push(latency);
            *outcomes.entry(outcome).or_default() += 1;
        }
    }
    let elapsed = started.elapsed();
    if args.mixed {
        println!("trips confirmed per round");
    }
    latencies.sort();
    println!(
        "{} requests in {:.1} s; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    println!("outcomes: {outcomes:?}");
    println!(
        "rounds confirming fewer or more than {} trips: {short_rounds}",
        args.vehicles.min(args.requests)
    );
    let filed = outcomes
        .iter()
        .filter(|(o, _)| *o != "201 confirmed" && *o != "201 waitlisted")
        .all(|(_, n)| *n == 0);
    let clean = args
        .database
        .as_deref()
        .is_none_or(|url| overlaps(url) == 0);
    filed && clean && short_rounds == 0
}

fn main() {
    let args = Args::parse();
    let passed = actix_web::rt::System::new().block_on(run(args));
    println!("{}", if passed { "PASS" } else { "FAIL" });
    std::process::exit(if passed { 0 } else { 1 });
}
