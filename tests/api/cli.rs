//! The command line as a newcomer uses it: `serve --demo`, `user …`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::helpers::TestDb;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sharedoffice(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sharedoffice"));
    cmd.env_remove("SHAREDOFFICE_JWT_SECRET")
        .env_remove("SHAREDOFFICE_ADMIN_PASSWORD")
        .env("SHAREDOFFICE_DATABASE_URL", db.url())
        .env("SHAREDOFFICE_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    cmd
}

#[actix_web::test]
async fn serve_demo_prints_credentials_that_work() {
    let db = TestDb::fresh();
    let data = tempfile::tempdir().unwrap();
    let mut child = sharedoffice(&db, data.path())
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Running(child);
    let mut credentials = Vec::new();
    let mut address = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(addr) = line.strip_prefix("sharedoffice listening on ") {
            address = Some(addr.to_owned());
            break;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() == 4 && cols[0] != "username" {
            credentials.push((cols[0].to_owned(), cols[1].to_owned(), cols[3].to_owned()));
        }
    }
    let address = address.expect("the server announces its address");
    let roles: Vec<&str> = credentials.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(
        roles,
        [
            "admin",
            "manager",
            "finance",
            "dispatcher",
            "clerk",
            "clerk",
            "driver"
        ]
    );

    let client = awc::Client::default();
    let mut finance_token = None;
    for (username, role, password) in &credentials {
        let mut res = client
            .post(format!("{address}/api/v1/auth/login"))
            .send_json(&serde_json::json!({"username": username, "password": password}))
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{username}");
        let body: serde_json::Value = res.json().await.unwrap();
        if role == "finance" {
            finance_token = body["access_token"].as_str().map(str::to_owned);
        }
    }
    // This year's budget of the six boards on the seven budget lines, and
    // the spending regulation.
    let token = finance_token.expect("a finance account");
    let mut res = client
        .get(format!("{address}/api/v1/reports/budget-execution"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let report: serde_json::Value = res.json().await.unwrap();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 42);
    let vp_travel = rows
        .iter()
        .find(|r| r["board"] == "VP" && r["budget_line"] == "6700")
        .unwrap();
    assert_eq!(vp_travel["allocated"], "360000000");
    let mut res = client
        .get(format!("{address}/api/v1/spending-norms?code=fuel_price"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let norms: serde_json::Value = res.json().await.unwrap();
    assert_eq!(norms["items"][0]["amount"], "23456.7");
    let mut boards = client
        .get(format!("{address}/api/v1/boards"))
        .send()
        .await
        .unwrap();
    assert_eq!(boards.status(), 401);
    let _ = boards.body().await;

    // The generated signing secret is kept private to its owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.path().join("jwt-secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn user_commands_add_reset_and_deactivate() {
    let db = TestDb::fresh();
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = sharedoffice(&db, data.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                writeln!(input, "{s}").unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(
        &[
            "user",
            "add",
            "--username",
            "Ke.Toan",
            "--full-name",
            "Lê Thị Thu",
            "--role",
            "finance",
        ],
        Some("một mật khẩu đủ dài"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("Created ke.toan (finance)"), "{out}");
    assert!(
        !out.contains("Password:"),
        "a piped password is not printed"
    );

    let (ok, _, err) = run(
        &[
            "user",
            "add",
            "--username",
            "clerk.x",
            "--full-name",
            "X",
            "--role",
            "clerk",
        ],
        Some("một mật khẩu đủ dài"),
    );
    assert!(!ok);
    assert!(err.contains("clerk acts for one board"), "{err}");

    let (ok, _, err) = run(
        &[
            "user",
            "add",
            "--username",
            "ke.toan",
            "--full-name",
            "Y",
            "--role",
            "admin",
        ],
        Some("một mật khẩu đủ dài"),
    );
    assert!(!ok);
    assert!(err.contains("already taken"), "{err}");

    let (ok, out, err) = run(&["user", "passwd", "ke.toan"], Some(""));
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("Password: ") && l.len() == "Password: ".len() + 20),
        "{out}"
    );

    let (ok, out, err) = run(&["user", "deactivate", "ke.toan"], None);
    assert!(ok, "{err}");
    assert!(out.contains("Deactivated ke.toan"));
    let (ok, out, _) = run(&["user", "list"], None);
    assert!(ok);
    assert!(
        out.lines()
            .any(|l| l.starts_with("ke.toan") && l.contains("inactive")),
        "{out}"
    );
}

/// The exported journal reads in hledger with the same balances as our
/// trial balance (checked when hledger is installed; the file's content is
/// checked always).
#[actix_web::test]
async fn the_journal_exports_to_hledger_with_our_balances() {
    use serde_json::json;
    let app = crate::helpers::spawn_app().await;
    let finance = app.token("finance").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    for (debit, credit, amount, line) in [
        ("112", "511", "50000000", "6550"),
        ("611", "112", "1200000.50", "6550"),
        ("611", "111", "99.99", "6500"),
    ] {
        let res = app
            .post(
                "/api/v1/journal",
                &finance,
                &json!({"date": today, "description": "Nghiệp vụ \"thử\"", "reference": "PC-1",
                        "board_id": app.boards["BTC"], "budget_line": line,
                        "lines": [{"account": debit, "side": "debit", "amount": amount},
                                  {"account": credit, "side": "credit", "amount": amount}]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("journal.ledger");
    let status = sharedoffice(&app.db, data.path())
        .args(["export", "journal", "--format", "hledger", "--output"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("    Expenses:611  1200000.50 VND  ; board:BTC, budget_line:6550\n"),
        "{text}"
    );
    assert_eq!(text.matches(" (PC-1) ").count(), 3);

    let beancount = sharedoffice(&app.db, data.path())
        .args(["export", "journal", "--format", "beancount"])
        .output()
        .unwrap();
    let bean = String::from_utf8(beancount.stdout).unwrap();
    assert!(bean.contains("2000-01-01 open Assets:112 VND\n"));
    assert!(bean.contains("  Assets:111  -99.99 VND\n"), "{bean}");

    let Ok(out) = Command::new("hledger")
        .args(["-f"])
        .arg(&file)
        .args(["balance", "--flat", "--no-total"])
        .output()
    else {
        eprintln!("hledger is not installed; the balance comparison was skipped");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let mut hledger: Vec<(String, String)> = report
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() == 3).then(|| (cols[2].to_owned(), cols[0].to_owned()))
        })
        .collect();
    hledger.sort();
    let tb = app
        .get("/api/v1/reports/trial-balance", &finance)
        .await
        .json();
    let mut ours: Vec<(String, String)> = tb["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let name = match r["kind"].as_str().unwrap() {
                "asset" => "Assets",
                "liability" => "Liabilities",
                "net_assets" => "Equity",
                "revenue" => "Income",
                _ => "Expenses",
            };
            let d: rust_decimal::Decimal = r["closing_debit"].as_str().unwrap().parse().unwrap();
            let c: rust_decimal::Decimal = r["closing_credit"].as_str().unwrap().parse().unwrap();
            (
                format!("{name}:{}", r["account"].as_str().unwrap()),
                format!("{:.2}", d - c),
            )
        })
        .collect();
    ours.sort();
    assert_eq!(hledger, ours, "hledger said:\n{report}");
}
