//! The test harness: a fresh database per test (a SQLite file, or a fresh
//! PostgreSQL schema when `TEST_DATABASE_URL` is set), the real HTTP server on
//! a free port, seeded boards and one user per role, and typed helpers.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use serde_json::Value;
use sharedoffice::auth::password;
use sharedoffice::clock::Clock;
use sharedoffice::domain::audit::Actor;
use sharedoffice::domain::board::{BoardCode, BoardName};
use sharedoffice::domain::login_throttle::ThrottlePolicy;
use sharedoffice::domain::user::{FullName, NewPassword, Role, Username};
use sharedoffice::http::metrics::MetricsAccess;
use sharedoffice::ops::organisation::{self, NewAccount};
use sharedoffice::startup::{self, Server, ServerSettings};
use sharedoffice::storage::{self, DbConn, DbTarget, Pool, write_tx};
use uuid::Uuid;

/// The password of every seeded user.
pub const SEED_PASSWORD: &str = "mật khẩu thử nghiệm";

/// The seeded accounts: username, role, board code.
pub const SEED_USERS: &[(&str, Role, Option<&str>)] = &[
    ("admin", Role::Admin, None),
    ("manager", Role::Manager, None),
    ("finance", Role::Finance, None),
    ("dispatcher", Role::Dispatcher, None),
    ("driver", Role::Driver, None),
    ("clerk.btc", Role::Clerk, Some("BTC")),
    ("clerk2.btc", Role::Clerk, Some("BTC")),
    ("clerk.ubkt", Role::Clerk, Some("UBKT")),
];

/// One Argon2id hash of [`SEED_PASSWORD`], shared by all seeded users so a
/// test does not spend its time hashing.
fn seed_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(&NewPassword::parse(SEED_PASSWORD).unwrap()).unwrap())
}

/// A database of its own for one test.
pub struct TestDb {
    pub target: DbTarget,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

impl TestDb {
    pub fn fresh() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let schema = format!("t_{}", Uuid::now_v7().simple());
                let mut admin = storage::establish(&DbTarget::parse(&base).unwrap())
                    .expect("TEST_DATABASE_URL must point at a reachable PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .unwrap();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}%2Cpublic");
                TestDb {
                    target: DbTarget::parse(&url).unwrap(),
                    _dir: None,
                    pg_cleanup: Some((base, schema)),
                }
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("test.db");
                TestDb {
                    target: DbTarget::Sqlite(path),
                    _dir: Some(dir),
                    pg_cleanup: None,
                }
            }
        }
    }

    pub fn url(&self) -> String {
        match &self.target {
            DbTarget::Sqlite(path) => path.to_string_lossy().into_owned(),
            DbTarget::Postgres(url) => url.clone(),
        }
    }

    pub fn connect(&self) -> DbConn {
        storage::establish(&self.target).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_cleanup
            && let Ok(mut admin) = storage::establish(&DbTarget::parse(base).unwrap())
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Asserts a problem+json response with this status and code; returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "problem responses are problem+json"
        );
        let body = self.json();
        assert_eq!(body["code"], code, "body: {}", self.text);
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:sharedoffice:problem:{code}"));
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        body
    }
}

/// A server process, stopped when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    _data: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct TestApp {
    pub base: String,
    /// The server's clock (the system clock unless the test set one).
    pub clock: Clock,
    pub db: TestDb,
    pub secret: Vec<u8>,
    pub boards: HashMap<&'static str, Uuid>,
    pub users: HashMap<&'static str, Uuid>,
    client: awc::Client,
    tokens: std::cell::RefCell<HashMap<String, String>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(ThrottlePolicy::default()).await
}

pub async fn spawn_app_with(throttle: ThrottlePolicy) -> TestApp {
    spawn_app_configured(throttle, MetricsAccess::Local).await
}

pub async fn spawn_app_configured(throttle: ThrottlePolicy, metrics: MetricsAccess) -> TestApp {
    spawn_app_on(throttle, metrics, Clock::system()).await
}

/// The app with its clock set at `at`; move it with `app.clock`.
pub async fn spawn_app_at(at: chrono::DateTime<chrono::Utc>) -> TestApp {
    spawn_app_on(
        ThrottlePolicy::default(),
        MetricsAccess::Local,
        Clock::set_at(at),
    )
    .await
}

async fn spawn_app_on(throttle: ThrottlePolicy, metrics: MetricsAccess, clock: Clock) -> TestApp {
    let db = TestDb::fresh();
    let pool = startup::prepare_database(&db.target, 8).unwrap();
    let (boards, users) = seed(&pool);
    // Printable, so other server processes can be given the same secret.
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).unwrap();
    let secret: Vec<u8> = raw
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect();
    let server = Server::start(
        pool.clone(),
        ServerSettings {
            bind: "127.0.0.1:0".to_owned(),
            workers: 2,
            jwt_secret: secret.clone(),
            token_ttl: Duration::from_secs(3600),
            throttle,
            metrics,
            clock: clock.clone(),
        },
    )
    .unwrap();
    let base = format!("http://{}", server.addr);
    actix_web::rt::spawn(server.server);
    TestApp {
        base,
        clock,
        db,
        secret,
        boards,
        users,
        client: awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish(),
        tokens: Default::default(),
    }
}

type Ids = HashMap<&'static str, Uuid>;

fn seed(pool: &Pool) -> (Ids, Ids) {
    let mut conn = pool.get().unwrap();
    let actor = Actor::system();
    write_tx(&mut conn, |conn| {
        let mut boards = HashMap::new();
        for (code, name) in [
            ("BTC", "Ban Tổ chức Tỉnh ủy"),
            ("UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
        ] {
            let board = organisation::create_board(
                conn,
                &actor,
                &BoardCode::parse(code).unwrap(),
                &BoardName::parse(name).unwrap(),
                Clock::system().now(),
            )?;
            boards.insert(code, board.id);
        }
        let mut users = HashMap::new();
        for (username, role, board) in SEED_USERS {
            let user = organisation::create_user(
                conn,
                &actor,
                &NewAccount {
                    username: Username::parse(username).unwrap(),
                    full_name: FullName::parse(&format!("Người dùng {username}")).unwrap(),
                    role: *role,
                    board_id: board.map(|b| boards[b]),
                    password_hash: seed_hash().to_owned(),
                },
                Clock::system().now(),
            )?;
            users.insert(*username, user.id);
        }
        Ok::<_, sharedoffice::ops::OpError>((boards, users))
    })
    .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    /// Starts another `sharedoffice serve` process on this test's database
    /// with the same signing secret; returns it and its base address.
    pub fn spawn_process(&self) -> (ServerProcess, String) {
        use std::io::{BufRead, BufReader};
        let data = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sharedoffice"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
            .env("SHAREDOFFICE_DATABASE_URL", self.db.url())
            .env("SHAREDOFFICE_DATA_DIR", data.path())
            .env(
                "SHAREDOFFICE_JWT_SECRET",
                String::from_utf8(self.secret.clone()).unwrap(),
            )
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let process = ServerProcess { child, _data: data };
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(addr) = line.strip_prefix("sharedoffice listening on ") {
                return (process, addr.to_owned());
            }
        }
        panic!("the server process exited without listening");
    }

    async fn read(
        mut res: awc::ClientResponse<
            impl futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
            + Unpin,
        >,
    ) -> Resp {
        let body = res.body().limit(16 * 1024 * 1024).await.unwrap();
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            text: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Sends a request with an optional bearer token and raw body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        if let Some(ct) = content_type {
            req = req.insert_header(("content-type", ct));
        }
        let res = req.send_body(body).await.unwrap();
        Self::read(res).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send("GET", path, Some(token), None, Vec::new()).await
    }

    pub async fn client_get_with_header(&self, path: &str, name: &str, value: &str) -> Resp {
        let res = self
            .client
            .get(self.url(path))
            .insert_header((name, value))
            .send()
            .await
            .unwrap();
        Self::read(res).await
    }

    pub async fn get_anonymous(&self, path: &str) -> Resp {
        self.send("GET", path, None, None, Vec::new()).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send(
            "POST",
            path,
            Some(token),
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send(
            "PATCH",
            path,
            Some(token),
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        let body = serde_json::json!({ "username": username, "password": password });
        self.send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    /// Signs in from another loopback address (`127.0.0.x`), as another
    /// machine of the office would.
    pub async fn login_from(&self, address: &str, username: &str, password: &str) -> Resp {
        let client = awc::Client::builder()
            .connector(awc::Connector::new().local_address(address.parse().unwrap()))
            .timeout(Duration::from_secs(30))
            .finish();
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .send_json(&serde_json::json!({ "username": username, "password": password }))
            .await
            .unwrap();
        Self::read(res).await
    }

    /// A token for a seeded user (signed in once per test and remembered).
    pub async fn token(&self, username: &str) -> String {
        if let Some(t) = self.tokens.borrow().get(username) {
            return t.clone();
        }
        let res = self.login(username, SEED_PASSWORD).await;
        assert_eq!(res.status, 200, "login of {username} failed: {}", res.text);
        let token = res.json()["access_token"].as_str().unwrap().to_owned();
        self.tokens
            .borrow_mut()
            .insert(username.to_owned(), token.clone());
        token
    }

    /// Audit entries of one entity, newest first, read through the API.
    pub async fn audit_of(&self, entity_id: Uuid) -> Vec<Value> {
        let token = self.token("admin").await;
        let res = self
            .get(
                &format!("/api/v1/audit?entity_id={entity_id}&limit=500"),
                &token,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()["items"].as_array().unwrap().clone()
    }
}

/// The first Monday at least two weeks ahead (office time), so trips built
/// from it are always in the future whenever the tests run.
pub fn base_monday() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let soon = today + chrono::Duration::days(14);
    soon + chrono::Duration::days(i64::from((7 - soon.weekday().num_days_from_monday()) % 7))
}

/// `at(day, "08:00")`: that many days after [`base_monday`] at 08:00 office
/// time (UTC+7), as RFC 3339.
pub fn at(day: u32, hhmm: &str) -> String {
    let date = base_monday() + chrono::Duration::days(i64::from(day));
    format!("{}T{hhmm}:00+07:00", date.format("%Y-%m-%d"))
}

/// The same instant in UTC, formatted as `format` (e.g. for SQL or iCalendar).
pub fn at_utc(day: u32, hhmm: &str, format: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(&at(day, hhmm))
        .unwrap()
        .to_utc()
        .format(format)
        .to_string()
}

impl TestApp {
    /// Registers a vehicle through the API (as the dispatcher); returns its id.
    pub async fn vehicle(&self, plate: &str, seats: i64, category: &str) -> String {
        let token = self.token("dispatcher").await;
        let res = self
            .post(
                "/api/v1/vehicles",
                &token,
                &serde_json::json!({
                    "plate": plate, "model": "Toyota", "seats": seats, "category": category,
                    "fuel_norm": "10", "odometer_km": 10000, "origin_board_id": self.boards["BTC"],
                }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()["id"].as_str().unwrap().to_owned()
    }

    /// Registers a driver through the API (as the dispatcher); returns its id.
    pub async fn driver(&self, name: &str, licence_class: &str, user: Option<&str>) -> String {
        let token = self.token("dispatcher").await;
        let number = format!(
            "{:012}",
            (name.bytes().map(u64::from).sum::<u64>() * 7919) % 1_000_000_000_000
        );
        let res = self
            .post(
                "/api/v1/drivers",
                &token,
                &serde_json::json!({
                    "full_name": name, "licence_number": number, "licence_class": licence_class,
                    "licence_expires_on": "2030-12-31", "phone": "0912345678",
                    "origin_board_id": self.boards["UBKT"],
                    "user_id": user.map(|u| self.users[u]),
                }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()["id"].as_str().unwrap().to_owned()
    }

    /// Books a trip as `who`; returns the response.
    pub async fn book(&self, who: &str, passengers: i64, starts_at: &str, ends_at: &str) -> Resp {
        let token = self.token(who).await;
        self.post(
            "/api/v1/bookings",
            &token,
            &serde_json::json!({
                "purpose": "Công tác", "destination": "Huyện Mộc Châu",
                "passengers": passengers, "starts_at": starts_at, "ends_at": ends_at,
            }),
        )
        .await
    }

    /// Books and asserts it was filed; returns the booking.
    pub async fn booked(
        &self,
        who: &str,
        passengers: i64,
        starts_at: &str,
        ends_at: &str,
    ) -> Value {
        let res = self.book(who, passengers, starts_at, ends_at).await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()
    }

    pub async fn booking(&self, id: &str) -> Value {
        let token = self.token("dispatcher").await;
        let res = self.get(&format!("/api/v1/bookings/{id}"), &token).await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()
    }
}
