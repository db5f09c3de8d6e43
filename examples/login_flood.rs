//! Sign-in flood (not a test): rounds of concurrent wrong sign-ins with
//! distinct unknown usernames, each round from its own loopback address
//! (127.0.0.2, 127.0.0.3, …) as a crowd of clients would come, while one
//! signed-in client keeps asking `GET /api/v1/me`. Reports the answers to the
//! flood, the `GET /me` latencies meanwhile, and the server's resident
//! memory (peak and after a pause) read from `/proc/<pid>/status`.
//!
//! ```sh
//! benches/login_flood.sh        # builds, starts a server, runs this, stops it
//! cargo run --release --example login_flood -- --help
//! ```

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::future::join_all;
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// Base address of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// Password of the bootstrapped `admin`, who keeps asking `GET /me`.
    #[arg(long, env = "SHAREDOFFICE_ADMIN_PASSWORD")]
    admin_password: String,
    /// Process id of the server, for its memory figures.
    #[arg(long)]
    pid: Option<u32>,
    /// Wrong sign-ins sent at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Rounds of `concurrency` sign-ins.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Seconds to wait after the flood before reading memory again.
    #[arg(long, default_value_t = 5)]
    settle: u64,
}

/// `(VmRSS, VmHWM)` of a process in KiB.
fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn client_from(address: IpAddr) -> awc::Client {
    awc::Client::builder()
        .connector(awc::Connector::new().local_address(address))
        .timeout(Duration::from_secs(120))
        .finish()
}

async fn run(args: Args) {
    let me_client = client_from(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let mut res = me_client
        .post(format!("{}/api/v1/auth/login", args.base))
        .send_json(&json!({"username": "admin", "password": args.admin_password}))
        .await
        .expect("sign-in sent");
    let body: serde_json::Value = res.json().await.expect("sign-in answer");
    let token = body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("admin sign-in: {body}"))
        .to_owned();
    if let Some(pid) = args.pid {
        let (rss, peak) = memory(pid).expect("server process");
        println!("server before the flood: RSS {rss} KiB, peak {peak} KiB");
    }

    let done = Rc::new(std::cell::Cell::new(false));
    let watcher = {
        let done = done.clone();
        let base = args.base.clone();
        async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            while !done.get() {
                let t = Instant::now();
                match me_client
                    .get(format!("{base}/api/v1/me"))
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => latencies.push(t.elapsed()),
                    _ => failures += 1,
                }
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
            }
            (latencies, failures)
        }
    };
    let flood = {
        let done = done.clone();
        let args = &args;
        async move {
            let mut answers = BTreeMap::<u16, usize>::new();
            let mut slowest = Duration::ZERO;
            let started = Instant::now();
            for round in 0..args.rounds {
                let address = IpAddr::V4(Ipv4Addr::new(
                    127,
                    0,
                    1 + (round / 250) as u8,
                    2 + (round % 250) as u8,
                ));
                let client = Rc::new(client_from(address));
                let results = join_all((0..args.concurrency).map(|i| {
                    let client = client.clone();
                    let url = format!("{}/api/v1/auth/login", args.base);
                    async move {
                        let t = Instant::now();
                        let status = client
                            .post(url)
                            .send_json(&json!({
                                "username": format!("khong.co.{round}.{i}"),
                                "password": "một mật khẩu sai",
                            }))
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0);
                        (status, t.elapsed())
                    }
                }))
                .await;
                for (status, took) in results {
                    *answers.entry(status).or_default() += 1;
                    slowest = slowest.max(took);
                }
            }
            done.set(true);
            (answers, slowest, started.elapsed())
        }
    };
    let ((answers, slowest, elapsed), (mut me, me_failures)) =
        futures_util::future::join(flood, watcher).await;
    println!(
        "flood: {} rounds × {} wrong sign-ins in {:.1} s; answers by status {answers:?} (0 = no answer); slowest {:.0} ms",
        args.rounds,
        args.concurrency,
        elapsed.as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    me.sort();
    println!(
        "GET /me during the flood: {} answers, median {:.0} ms, max {:.0} ms, {me_failures} failed",
        me.len(),
        me.get(me.len() / 2)
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3,
        me.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    if let Some(pid) = args.pid {
        let (rss, peak) = memory(pid).expect("server process");
        println!("server right after the flood: RSS {rss} KiB, peak {peak} KiB");
        actix_web::rt::time::sleep(Duration::from_secs(args.settle)).await;
        let (rss, _) = memory(pid).expect("server process");
        println!("server {} s after the flood: RSS {rss} KiB", args.settle);
    }
}

fn main() {
    let args = Args::parse();
    actix_web::rt::System::new().block_on(run(args));
}
