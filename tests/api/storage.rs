//! Storage guarantees on both backends: exact money, idempotent migrations,
//! and invariants the database itself enforces.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sharedoffice::domain::money::{Money, Total};
use sharedoffice::storage::money::{sum_minor, total_of_sum};
use sharedoffice::storage::{self, run_migrations};

use crate::helpers::{TestDb, spawn_app};

diesel::table! {
    money_probe (id) {
        id -> Integer,
        amount_minor -> BigInt,
    }
}

#[test]
fn money_round_trips_and_sums_exactly() {
    let db = TestDb::fresh();
    let mut conn = db.connect();
    run_migrations(&mut conn).unwrap();
    conn.batch_execute(
        "CREATE TEMPORARY TABLE money_probe (id INTEGER PRIMARY KEY, amount_minor BIGINT NOT NULL)",
    )
    .unwrap();
    let inputs = ["0.01", "123456789012.99", "-5.25", "-0.01", "0.1", "0.2"];
    for (i, raw) in inputs.iter().enumerate() {
        let m = Money::parse(raw).unwrap();
        diesel::insert_into(money_probe::table)
            .values((
                money_probe::id.eq(i as i32),
                money_probe::amount_minor.eq(m.to_minor()),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<i64> = money_probe::table
        .order(money_probe::id)
        .select(money_probe::amount_minor)
        .load(&mut conn)
        .unwrap();
    let back: Vec<String> = back
        .into_iter()
        .map(|m| Money::from_minor(m).to_string())
        .collect();
    assert_eq!(
        back,
        ["0.01", "123456789012.99", "-5.25", "-0.01", "0.1", "0.2"]
    );

    // By hand: 0.01 + 123456789012.99 = 123456789013.00; − 5.25 − 0.01 = 123456789007.74;
    // + 0.1 + 0.2 = 123456789008.04 (exactly: no binary-float 0.30000000000000004).
    let total: Option<String> = money_probe::table
        .select(sum_minor(money_probe::amount_minor))
        .first(&mut conn)
        .unwrap();
    assert_eq!(total_of_sum(total).unwrap().to_string(), "123456789008.04");
    let negatives: Option<String> = money_probe::table
        .filter(money_probe::amount_minor.lt(0))
        .select(sum_minor(money_probe::amount_minor))
        .first(&mut conn)
        .unwrap();
    assert_eq!(total_of_sum(negatives).unwrap().to_string(), "-5.26");
    let none: Option<String> = money_probe::table
        .filter(money_probe::id.gt(100))
        .select(sum_minor(money_probe::amount_minor))
        .first(&mut conn)
        .unwrap();
    assert_eq!(total_of_sum(none).unwrap(), Total::ZERO);

    // More precision than stored is refused, never rounded.
    assert_eq!(
        Money::parse("0.001").unwrap_err().code,
        "amount_too_precise"
    );
}

#[test]
fn a_sum_beyond_the_column_type_is_read_exactly() {
    let db = TestDb::fresh();
    let mut conn = db.connect();
    conn.batch_execute(
        "CREATE TEMPORARY TABLE money_probe (id INTEGER PRIMARY KEY, amount_minor BIGINT NOT NULL)",
    )
    .unwrap();
    for id in 0..2 {
        diesel::insert_into(money_probe::table)
            .values((
                money_probe::id.eq(id),
                money_probe::amount_minor.eq(i64::MAX / 2 + 1),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    // 2 × 2^62 = 2^63 = 9,223,372,036,854,775,808 hundredths: one more
    // than a BIGINT holds, read back exactly all the same.
    let total: Option<String> = money_probe::table
        .select(sum_minor(money_probe::amount_minor))
        .first(&mut conn)
        .unwrap();
    let total = total_of_sum(total).unwrap();
    assert_eq!(total.to_minor(), 9_223_372_036_854_775_808);
    assert_eq!(total.to_string(), "92233720368547758.08");
    // And as far below zero.
    conn.batch_execute("UPDATE money_probe SET amount_minor = -amount_minor")
        .unwrap();
    let total: Option<String> = money_probe::table
        .select(sum_minor(money_probe::amount_minor))
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        total_of_sum(total).unwrap().to_string(),
        "-92233720368547758.08"
    );
}

#[test]
fn migrations_are_idempotent() {
    let db = TestDb::fresh();
    let mut conn = db.connect();
    let first = run_migrations(&mut conn).unwrap();
    assert!(!first.is_empty());
    let second = run_migrations(&mut conn).unwrap();
    assert!(second.is_empty(), "second run applied {second:?}");
    // And through the command line, twice.
    for expected in ["is up to date", "is up to date"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sharedoffice"))
            .args(["migrate", "--database", &db.url()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
}

#[test]
fn the_cli_migrates_an_empty_database() {
    let db = TestDb::fresh();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sharedoffice"))
        .args(["migrate", "--database", &db.url()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("Applied {migrations} migration(s)")),
        "{stdout}"
    );
}

#[actix_web::test]
async fn the_database_refuses_what_the_rules_forbid() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let ts = "'2026-11-22 08:00:00'";
    let hash = "'$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA'";
    let attempts = [
        // A clerk without a board.
        format!(
            "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-000000000001', 'lonely.clerk', 'X', 'clerk', NULL, {t}, {hash}, 0, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        // An unknown role.
        format!(
            "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-000000000002', 'root.user', 'X', 'root', NULL, {t}, {hash}, 0, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        // A duplicate username.
        format!(
            "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-000000000003', 'admin', 'X', 'admin', NULL, {t}, {hash}, 0, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        // A plain-text password.
        format!(
            "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-000000000004', 'plain.text', 'X', 'admin', NULL, {t}, 'hunter2', 0, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        // A user of a board that does not exist.
        format!(
            "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-000000000005', 'ghost.clerk', 'X', 'clerk', '00000000-0000-7000-8000-00000000ffff', {t}, {hash}, 0, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        // A duplicate or lower-case board code.
        format!(
            "INSERT INTO boards (id, code, name, active, created_at, updated_at) VALUES ('00000000-0000-7000-8000-000000000006', 'BTC', 'X', {t}, {ts}, {ts})",
            t = storage_true(&conn)
        ),
        format!(
            "INSERT INTO boards (id, code, name, active, created_at, updated_at) VALUES ('00000000-0000-7000-8000-000000000007', 'btg', 'X', {t}, {ts}, {ts})",
            t = storage_true(&conn)
        ),
    ];
    for sql in &attempts {
        let result = diesel::sql_query(sql.as_str()).execute(&mut conn);
        assert!(result.is_err(), "the database accepted: {sql}");
    }
    // The same shape with valid values is accepted: the refusals above are
    // about the values, not a broken statement.
    let ok = format!(
        "INSERT INTO boards (id, code, name, active, created_at, updated_at) VALUES ('00000000-0000-7000-8000-000000000008', 'BTG', 'Ban Tuyên giáo', {t}, {ts}, {ts})",
        t = storage_true(&conn)
    );
    diesel::sql_query(ok).execute(&mut conn).unwrap();
    let ok_user = format!(
        "INSERT INTO users (id, username, full_name, role, board_id, active, password_hash, token_version, created_at, updated_at) \
         VALUES ('00000000-0000-7000-8000-000000000009', 'valid.clerk', 'X', 'clerk', '00000000-0000-7000-8000-000000000008', {t}, {hash}, 0, {ts}, {ts})",
        t = storage_true(&conn)
    );
    diesel::sql_query(ok_user).execute(&mut conn).unwrap();
}

/// `TRUE` literal of the backend (SQLite STRICT tables store booleans as 0/1).
fn storage_true(conn: &storage::DbConn) -> &'static str {
    match conn.backend() {
        storage::Backend::Sqlite => "1",
        storage::Backend::Postgres => "TRUE",
    }
}

#[test]
fn the_admin_is_bootstrapped_once_into_an_empty_database() {
    let db = TestDb::fresh();
    let pool = sharedoffice::startup::prepare_database(&db.target, 1).unwrap();
    let weak = sharedoffice::startup::bootstrap_admin(&pool, "short");
    assert!(weak.is_err(), "a weak bootstrap password is refused");
    assert!(sharedoffice::startup::bootstrap_admin(&pool, "quản trị viên dài").unwrap());
    assert!(!sharedoffice::startup::bootstrap_admin(&pool, "another long password").unwrap());
    let mut conn = pool.get().unwrap();
    let admin = storage::users::credentials(&mut conn, "admin")
        .unwrap()
        .unwrap();
    assert!(sharedoffice::auth::password::verify(
        "quản trị viên dài",
        &admin.password_hash
    ));
}

#[test]
fn demo_data_loads_only_into_an_empty_database() {
    let db = TestDb::fresh();
    let pool = sharedoffice::startup::prepare_database(&db.target, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let users = sharedoffice::demo::load(&mut conn)
        .unwrap()
        .expect("empty database");
    assert_eq!(users.len(), 7);
    let boards = storage::boards::list(&mut conn, &Default::default(), 100).unwrap();
    let codes: Vec<&str> = boards.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, ["BDV", "BNC", "BTC", "BTG", "UBKT", "VP"]);
    assert!(sharedoffice::demo::load(&mut conn).unwrap().is_none());
}

/// Bulk writes (the import's assets, their history and audit entries) are
/// several statements: a failure in the last row of the last one leaves
/// nothing of the earlier ones once the transaction rolls back.
#[test]
fn a_bulk_write_failing_in_its_last_row_keeps_nothing() {
    use sharedoffice::domain::assets::{AssetCode, AssetStatus};
    use sharedoffice::domain::audit::Actor;
    use sharedoffice::domain::board::{BoardCode, BoardName};
    use sharedoffice::storage::assets::{history, register};
    use sharedoffice::storage::audit::{self, Change};
    use sharedoffice::storage::schema::{asset_history, assets, audit_log};

    let db = TestDb::fresh();
    let mut conn = db.connect();
    run_migrations(&mut conn).unwrap();
    let actor = Actor::system();
    let board = sharedoffice::ops::organisation::create_board(
        &mut conn,
        &actor,
        &BoardCode::parse("BTC").unwrap(),
        &BoardName::parse("Ban Tổ chức").unwrap(),
        sharedoffice::clock::now(),
    )
    .unwrap();
    let category = register::categories(&mut conn).unwrap().remove(0);
    let now = sharedoffice::clock::now();
    let n = 2_600;
    let list = |last_code: &str| -> Vec<register::Asset> {
        (1..=n)
            .map(|i| {
                let code = if i == n {
                    last_code.to_owned()
                } else {
                    format!("BTC-TS-{i:05}")
                };
                register::Asset {
                    id: uuid::Uuid::now_v7(),
                    code: AssetCode::parse(&code).unwrap(),
                    name: format!("Tài sản số {i}"),
                    category_id: category.id,
                    unit: category.unit.clone(),
                    original_cost: Money::parse("1000000").unwrap(),
                    accumulated_wear: Money::parse("0").unwrap(),
                    acquired_on: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
                    wear_rate: category.wear_rate,
                    custodian_board_id: board.id,
                    location: "Kho".to_owned(),
                    status: AssetStatus::InUse,
                    origin_board_id: board.id,
                    disposed_on: None,
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect()
    };
    let write = |conn: &mut storage::DbConn, list: &[register::Asset]| {
        storage::write_tx(conn, |c| -> diesel::QueryResult<()> {
            register::insert_many(c, list)?;
            history::append_registered_many(c, list, "test", &actor, now)?;
            let changes: Vec<Change<'_>> = list
                .iter()
                .map(|a| Change {
                    actor: &actor,
                    action: "import",
                    entity_type: "asset",
                    entity_id: a.id,
                    board_id: Some(board.id),
                    before: None,
                    after: Some(serde_json::json!({"code": a.code.as_str()})),
                })
                .collect();
            audit::record_many(c, &changes, now)
        })
    };
    let counts = |conn: &mut storage::DbConn| -> (i64, i64, i64) {
        (
            assets::table.count().get_result(conn).unwrap(),
            asset_history::table.count().get_result(conn).unwrap(),
            audit_log::table
                .filter(audit_log::action.eq("import"))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    };

    // The last asset repeats the first one's code: the unique index refuses it.
    let err = write(&mut conn, &list("BTC-TS-00001")).unwrap_err();
    assert!(
        matches!(
            err,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ),
        "{err:?}"
    );
    assert_eq!(counts(&mut conn), (0, 0, 0));

    write(&mut conn, &list("BTC-TS-LAST")).unwrap();
    assert_eq!(counts(&mut conn), (n as i64, n as i64, n as i64));
}
