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
    for (username, _, password) in &credentials {
        let mut res = client
            .post(format!("{address}/api/v1/auth/login"))
            .send_json(&serde_json::json!({"username": username, "password": password}))
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{username}: {:?}", res.body().await);
    }
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
