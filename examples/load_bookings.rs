//! Load generator for `POST /api/v1/bookings` with auto-assignment.
//!
//! Against a running server started on an empty database with
//! `SHAREDOFFICE_ADMIN_PASSWORD` set, it creates six boards, a dispatcher
//! and one clerk per board, registers the vehicles and drivers through the
//! API (with `--registered`, the pool `sharedoffice demo load` registered
//! is used: only the dispatcher and the clerks are added), measures a baseline (`GET /api/v1/me`: sign-in check plus one read)
//! and then books trips from concurrent clients. With `--database` it runs
//! the post-run check for overlapping active bookings directly in SQL.
//!
//! ```sh
//! benches/bookings.sh            # builds, starts a server, runs this, stops it
//! cargo run --release --example load_bookings -- --help
//! ```

use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::RunQueryDsl;
use futures_util::future::join_all;
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// Base address of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// Password of the bootstrapped `admin`.
    #[arg(long, env = "SHAREDOFFICE_ADMIN_PASSWORD")]
    admin_password: String,
    #[arg(long, default_value_t = 200)]
    vehicles: usize,
    #[arg(long, default_value_t = 240)]
    drivers: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Bookings to send in all.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Requests for the baseline.
    #[arg(long, default_value_t = 20_000)]
    baseline_requests: usize,
    /// Database of the server, for the post-run overlap check.
    #[arg(long)]
    database: Option<String>,
    /// The boards, vehicles and drivers are already registered (e.g. by
    /// `sharedoffice demo load`): only add the dispatcher and the clerks.
    #[arg(long)]
    registered: bool,
}

const PASSWORD: &str = "mật khẩu đo tải 2026";
const BOARDS: [&str; 6] = ["VP", "BTC", "BTG", "BDV", "BNC", "UBKT"];

struct Client {
    http: awc::Client,
    base: String,
}

impl Client {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
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

    async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .call(
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

/// Deterministic pseudo-random numbers (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut latencies: Vec<Duration>, elapsed: Duration) {
    latencies.sort();
    let n = latencies.len();
    println!(
        "{name}: {n} requests in {:.2} s = {:.0} req/s; latency median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.9).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

async fn setup(client: &Client, args: &Args) -> Vec<String> {
    let admin = client.login("admin", &args.admin_password).await;
    let mut board_ids = Vec::new();
    if args.registered {
        let (status, body) = client
            .call("GET", "/api/v1/boards?limit=500", Some(&admin), None)
            .await;
        assert_eq!(status, 200, "boards: {body}");
        for code in BOARDS {
            let board = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|b| b["code"] == code)
                .unwrap_or_else(|| panic!("board {code} is not registered"));
            board_ids.push(board["id"].as_str().expect("id").to_owned());
        }
    }
    for code in BOARDS.iter().filter(|_| !args.registered) {
        let (status, body) = client
            .call(
                "POST",
                "/api/v1/boards",
                Some(&admin),
                Some(&json!({"code": code, "name": format!("Ban {code}")})),
            )
            .await;
        assert_eq!(status, 201, "board {code}: {body}");
        board_ids.push(body["id"].as_str().expect("id").to_owned());
    }
    let (status, body) = client
        .call(
            "POST",
            "/api/v1/users",
            Some(&admin),
            Some(&json!({"username": "dispatcher", "full_name": "Điều xe", "role": "dispatcher", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 201, "dispatcher: {body}");
    for (code, id) in BOARDS.iter().zip(&board_ids) {
        let (status, body) = client
            .call(
                "POST",
                "/api/v1/users",
                Some(&admin),
                Some(&json!({"username": format!("clerk.{}", code.to_lowercase()), "full_name": "Văn thư",
                             "role": "clerk", "board_id": id, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 201, "clerk: {body}");
    }
    let desk = client.login("dispatcher", PASSWORD).await;
    let categories = ["sedan", "sedan", "suv", "van", "minibus", "pickup"];
    let (vehicles, drivers) = if args.registered {
        (0, 0)
    } else {
        (args.vehicles, args.drivers)
    };
    for i in 0..vehicles {
        let category = categories[i % categories.len()];
        let seats = match category {
            "sedan" => 5,
            "suv" | "pickup" => 7,
            "van" => 16,
            _ => 29,
        };
        let plate = format!(
            "{}A-{:03}.{:02}",
            11 + (i / 1000) % 89,
            (i / 100) % 1000,
            i % 100
        );
        let (status, body) = client
            .call(
                "POST",
                "/api/v1/vehicles",
                Some(&desk),
                Some(&json!({"plate": plate, "model": "Xe công", "seats": seats, "category": category,
                             "fuel_norm": "9.5", "odometer_km": 10000, "origin_board_id": board_ids[i % board_ids.len()]})),
            )
            .await;
        assert_eq!(status, 201, "vehicle {plate}: {body}");
    }
    for i in 0..drivers {
        let class = ["B", "B", "D2", "D"][i % 4];
        let (status, body) = client
            .call(
                "POST",
                "/api/v1/drivers",
                Some(&desk),
                Some(&json!({"full_name": format!("Lái xe {i}"), "licence_number": format!("{:012}", 100_000 + i),
                             "licence_class": class, "licence_expires_on": "2035-12-31",
                             "origin_board_id": board_ids[i % board_ids.len()]})),
            )
            .await;
        assert_eq!(status, 201, "driver {i}: {body}");
    }
    let mut tokens = Vec::new();
    for code in BOARDS {
        tokens.push(
            client
                .login(&format!("clerk.{}", code.to_lowercase()), PASSWORD)
                .await,
        );
    }
    tokens
}

async fn run(args: Args) {
    let client = Rc::new(Client {
        http: awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish(),
        base: args.base.clone(),
    });
    let started = Instant::now();
    let tokens = Rc::new(setup(&client, &args).await);
    if args.registered {
        println!(
            "setup: dispatcher and 6 clerks added to the registered pool in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "setup: 6 boards, {} vehicles, {} drivers registered through the API in {:.1} s",
            args.vehicles,
            args.drivers,
            started.elapsed().as_secs_f64()
        );
    }

    // Baseline: the cheapest authenticated request, same concurrency.
    let per_client = args.baseline_requests / args.clients;
    let t0 = Instant::now();
    let lat = join_all((0..args.clients).map(|c| {
        let client = client.clone();
        let tokens = tokens.clone();
        async move {
            let mut out = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let (status, _) = client
                    .call("GET", "/api/v1/me", Some(&tokens[c % tokens.len()]), None)
                    .await;
                assert_eq!(status, 200);
                out.push(t.elapsed());
            }
            out
        }
    }))
    .await;
    report(
        "baseline GET /api/v1/me",
        lat.into_iter().flatten().collect(),
        t0.elapsed(),
    );

    // Bookings spread over a year from tomorrow, 1–4 hours, 1–20 passengers.
    let per_client = args.requests / args.clients;
    let base_time = chrono::Utc::now() + chrono::Duration::days(1);
    let t0 = Instant::now();
    let results = join_all((0..args.clients).map(|c| {
        let client = client.clone();
        let tokens = tokens.clone();
        async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1));
            let mut out = Vec::with_capacity(per_client);
            let mut statuses = std::collections::HashMap::<String, usize>::new();
            for _ in 0..per_client {
                let start = base_time + chrono::Duration::minutes((rng.next() % (365 * 24 * 4)) as i64 * 15);
                let end = start + chrono::Duration::minutes(60 + (rng.next() % 4) as i64 * 60);
                let passengers = 1 + (rng.next() % 20) as i64;
                let body = json!({"purpose": "Công tác", "destination": "Huyện", "passengers": passengers,
                                  "starts_at": start.to_rfc3339(), "ends_at": end.to_rfc3339()});
                let t = Instant::now();
                let (status, res) = client.call("POST", "/api/v1/bookings", Some(&tokens[c % tokens.len()]), Some(&body)).await;
                out.push(t.elapsed());
                let key = if status == 201 { res["status"].as_str().unwrap_or("?").to_owned() } else { format!("HTTP {status}") };
                *statuses.entry(key).or_default() += 1;
            }
            (out, statuses)
        }
    }))
    .await;
    let elapsed = t0.elapsed();
    let mut totals = std::collections::BTreeMap::<String, usize>::new();
    let mut latencies = Vec::new();
    for (lat, statuses) in results {
        latencies.extend(lat);
        for (k, v) in statuses {
            *totals.entry(k).or_default() += v;
        }
    }
    report(
        &format!("POST /api/v1/bookings ({} clients)", args.clients),
        latencies,
        elapsed,
    );
    println!("outcomes: {totals:?}");

    if let Some(url) = &args.database {
        let target = sharedoffice::storage::DbTarget::parse(url).expect("database URL");
        let mut conn = sharedoffice::storage::establish(&target).expect("database reachable");
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        for column in ["vehicle_id", "driver_id"] {
            let sql = format!(
                "SELECT COUNT(*) AS n FROM bookings a JOIN bookings b ON a.{column} = b.{column} AND a.id < b.id \
                 WHERE a.status IN ('confirmed', 'in_progress') AND b.status IN ('confirmed', 'in_progress') \
                 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
            );
            let overlaps: Vec<Count> = diesel::sql_query(sql).load(&mut conn).expect("check query");
            println!(
                "post-run check: {} overlapping active bookings sharing a {column}",
                overlaps[0].n
            );
        }
    }
}

fn main() {
    let args = Args::parse();
    actix_web::rt::System::new().block_on(run(args));
}
