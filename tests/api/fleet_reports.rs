//! The fleet reports and the working calendar, on small scenarios whose
//! numbers are worked out by hand; CSV read back and compared with JSON.

use chrono::{Duration, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp, at, base_monday, spawn_app};

/// The date `n` days after the base Monday.
fn day(n: i64) -> NaiveDate {
    base_monday() + Duration::days(n)
}

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

impl TestApp {
    /// Writes requests of the BTC clerk straight to the database, without
    /// assignment: `(start, length, status)` each.
    fn insert_requests(
        &self,
        requests: &[(
            chrono::DateTime<Utc>,
            Duration,
            sharedoffice::domain::fleet::booking::BookingStatus,
        )],
    ) {
        use sharedoffice::domain::fleet::booking::{Booking, Priority};
        use sharedoffice::domain::time_range::TimeRange;
        let mut conn = self.db.connect();
        sharedoffice::storage::write_tx(&mut conn, |conn| {
            for &(start, length, status) in requests {
                let b = Booking {
                    id: uuid::Uuid::now_v7(),
                    board_id: self.boards["BTC"],
                    requester_id: self.users["clerk.btc"],
                    purpose: "Công tác".into(),
                    destination: "Huyện Mộc Châu".into(),
                    out_of_province: false,
                    passengers: 3,
                    range: TimeRange::new(start, start + length).unwrap(),
                    category_wish: None,
                    priority: Priority::from_i16(1),
                    status,
                    status_reason: None,
                    vehicle_id: None,
                    driver_id: None,
                    trip: None,
                    created_at: Utc::now(),
                };
                sharedoffice::storage::bookings::insert(conn, &b, Utc::now())?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    }

    async fn report(&self, who: &str, path: &str) -> Value {
        let token = self.token(who).await;
        let res = self.get(&format!("/api/v1/reports/{path}"), &token).await;
        assert_eq!(res.status, 200, "{path}: {}", res.text);
        res.json()
    }

    async fn report_raw(&self, who: &str, path: &str) -> Resp {
        let token = self.token(who).await;
        self.get(&format!("/api/v1/reports/{path}"), &token).await
    }

    async fn put_calendar(&self, who: &str, body: &Value) -> Resp {
        let token = self.token(who).await;
        self.send(
            "PUT",
            "/api/v1/settings/calendar",
            Some(&token),
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn booking_action(&self, who: &str, id: &str, action: &str, body: Value) -> Value {
        let token = self.token(who).await;
        let res = self
            .post(&format!("/api/v1/bookings/{id}/{action}"), &token, &body)
            .await;
        assert_eq!(res.status, 200, "{action}: {}", res.text);
        res.json()
    }

    /// Sets a booking's stored status, as the sweep would once its start
    /// has passed (the tests' trips lie in the future).
    fn set_status(&self, id: &str, status: &str) {
        let mut conn = self.db.connect();
        conn.batch_execute(&format!(
            "UPDATE bookings SET status = '{status}', vehicle_id = NULL, driver_id = NULL WHERE id = '{id}'"
        ))
        .unwrap();
    }
}

/// Reads a CSV body and checks each row against the JSON rows, column by
/// column; returns the header.
fn csv_matches_json(csv_text: &str, rows: &[Value]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len(), "CSV and JSON row counts");
    for (rec, row) in records.iter().zip(rows) {
        let obj = row.as_object().unwrap();
        let mut keys: Vec<&String> = obj.keys().collect();
        keys.sort();
        let mut cols: Vec<&String> = header.iter().collect();
        cols.sort();
        assert_eq!(keys, cols, "CSV columns are the JSON fields");
        for (i, col) in header.iter().enumerate() {
            let expected = match &obj[col] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(rec.get(i).unwrap(), expected, "column {col}");
        }
    }
    header
}

fn row<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key}={value} in {rows}"))
}

#[actix_web::test]
async fn a_car_booked_three_hours_of_a_ten_hour_day_is_thirty_percent_used() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-123.45", 7, "suv").await;
    let driver = app.driver("Nguyễn Văn Lái", "D", None).await;
    let b = app
        .booked("clerk.btc", 3, &at(0, "09:00"), &at(0, "12:00"))
        .await;
    assert_eq!(b["status"], "confirmed");

    let q = format!("from={}&to={}", day(0), day(0));
    let r = app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await;
    assert_eq!(r["group"], "vehicle");
    let v = &r["rows"][0];
    assert_eq!(v["vehicle_id"], car.as_str());
    assert_eq!(v["plate"], "14A-123.45");
    assert_eq!(v["origin_board"], "BTC");
    assert_eq!(v["bookable_hours"], "10.00");
    assert_eq!(v["booked_hours"], "3.00");
    assert_eq!(v["utilisation_percent"], "30.00");
    assert_eq!(v["outside_hours"], "0.00");
    assert_eq!(v["trips"], 1);
    assert_eq!(v["idle_days"], 0);

    let d = app
        .report("dispatcher", &format!("driver-utilisation?{q}"))
        .await;
    let d = &d["rows"][0];
    assert_eq!(d["driver_id"], driver.as_str());
    assert_eq!(d["origin_board"], "UBKT");
    assert_eq!(d["shift_hours"], "10.00");
    assert_eq!(d["driving_hours"], "3.00");
    assert_eq!(d["in_shift_hours"], "3.00");
    assert_eq!(d["overtime_hours"], "0.00");
    assert_eq!(d["utilisation_percent"], "30.00");

    // Two days: Tuesday is idle; by day, by board of origin.
    let q2 = format!("from={}&to={}", day(0), day(1));
    let r = app
        .report("finance", &format!("vehicle-utilisation?{q2}"))
        .await;
    assert_eq!(r["rows"][0]["utilisation_percent"], "15.00");
    assert_eq!(r["rows"][0]["idle_days"], 1);
    let by_day = app
        .report("manager", &format!("vehicle-utilisation?{q2}&group=day"))
        .await;
    let rows = by_day["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["date"], day(0).to_string());
    assert_eq!(rows[0]["booked_hours"], "3.00");
    assert_eq!(rows[0]["trips"], 1);
    assert_eq!(rows[1]["utilisation_percent"], "0.00");
    assert_eq!(rows[1]["idle_days"], 1);
    // Per vehicle per day: the two days of the one car add up to its line.
    let per = app
        .report(
            "manager",
            &format!("vehicle-utilisation?{q2}&group=vehicle_day"),
        )
        .await;
    assert_eq!(per["group"], "vehicle_day");
    let rows = per["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["plate"], "14A-123.45");
    assert_eq!(rows[0]["date"], day(0).to_string());
    assert_eq!(
        (&rows[0]["bookable_hours"], &rows[0]["booked_hours"]),
        (&json!("10.00"), &json!("3.00"))
    );
    assert_eq!(rows[0]["utilisation_percent"], "30.00");
    assert_eq!(
        (&rows[0]["trips"], &rows[0]["idle_days"]),
        (&json!(1), &json!(0))
    );
    assert_eq!(rows[1]["date"], day(1).to_string());
    assert_eq!(rows[1]["booked_hours"], "0.00");
    assert_eq!(
        (&rows[1]["trips"], &rows[1]["idle_days"]),
        (&json!(0), &json!(1))
    );
    let by_board = app
        .report("manager", &format!("vehicle-utilisation?{q2}&group=board"))
        .await;
    assert_eq!(by_board["rows"].as_array().unwrap().len(), 1);
    assert_eq!(by_board["rows"][0]["origin_board"], "BTC");
    assert_eq!(by_board["rows"][0]["bookable_hours"], "20.00");

    // Filters: a board with no vehicles; another category.
    let r = app
        .report("manager", &format!("vehicle-utilisation?{q}&board=UBKT"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 0);
    let r = app
        .report("manager", &format!("vehicle-utilisation?{q}&category=van"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 0);

    // CSV: the same rows, streamed; the header even when empty; a BOM for Excel.
    for (path, json_path) in [
        (
            format!("vehicle-utilisation?{q2}"),
            format!("vehicle-utilisation?{q2}"),
        ),
        (
            format!("vehicle-utilisation?{q2}&group=day"),
            format!("vehicle-utilisation?{q2}&group=day"),
        ),
        (
            format!("vehicle-utilisation?{q2}&group=vehicle_day"),
            format!("vehicle-utilisation?{q2}&group=vehicle_day"),
        ),
        (
            format!("driver-utilisation?{q2}"),
            format!("driver-utilisation?{q2}"),
        ),
    ] {
        let csv = app
            .report_raw("manager", &format!("{path}&format=csv"))
            .await;
        assert_eq!(csv.status, 200);
        assert_eq!(
            csv.header("content-type").unwrap(),
            "text/csv; charset=utf-8"
        );
        let json = app.report("manager", &json_path).await;
        csv_matches_json(&csv.text, json["rows"].as_array().unwrap());
    }
    // Asked for by the Accept header.
    let token = app.token("manager").await;
    let mut res = awc::Client::new()
        .get(app.url(&format!("/api/v1/reports/driver-utilisation?{q}")))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("accept", "text/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body = String::from_utf8(res.body().await.unwrap().to_vec()).unwrap();
    assert!(
        body.starts_with("driver_id,full_name,origin_board,"),
        "{body}"
    );
    assert_eq!(body.lines().count(), 2);

    // A retired vehicle without trips is left out.
    let old = app.vehicle("14A-999.99", 5, "sedan").await;
    let desk = app.token("dispatcher").await;
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{old}"),
            &desk,
            &json!({"status": "retired"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let r = app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);

    let empty = app
        .report_raw(
            "manager",
            &format!("vehicle-utilisation?{q}&board=UBKT&format=csv&excel=true"),
        )
        .await;
    assert!(empty.text.starts_with('\u{feff}'));
    assert_eq!(
        empty.text.trim_start_matches('\u{feff}').trim_end(),
        "group,vehicle_id,plate,category,status,origin_board,date,vehicles,bookable_hours,\
         booked_hours,utilisation_percent,outside_hours,trips,km,idle_days"
    );
}

#[actix_web::test]
async fn a_trip_over_the_weekend_counts_only_working_hours_and_overtime() {
    let app = spawn_app().await;
    app.vehicle("14A-123.45", 7, "suv").await;
    app.driver("Nguyễn Văn Lái", "D", None).await;
    // Friday 15:00 to Monday 09:00: longer than 24 h, so a manager approves.
    let b = app
        .booked("clerk.btc", 3, &at(4, "15:00"), &at(7, "09:00"))
        .await;
    assert_eq!(b["status"], "pending_approval");
    let b = app
        .booking_action("manager", b["id"].as_str().unwrap(), "approve", json!({}))
        .await;
    assert_eq!(b["status"], "confirmed");
    let q = format!("from={}&to={}", day(0), day(7));
    let v = &app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await["rows"][0];
    // Six working days of 10 h; 2 h on Friday and 2 h on Monday booked;
    // 66 h in all, 62 h of them outside working hours; Monday to Thursday idle.
    assert_eq!(v["bookable_hours"], "60.00");
    assert_eq!(v["booked_hours"], "4.00");
    assert_eq!(v["utilisation_percent"], "6.67");
    assert_eq!(v["outside_hours"], "62.00");
    assert_eq!(v["idle_days"], 4);
    let d = &app
        .report("manager", &format!("driver-utilisation?{q}"))
        .await["rows"][0];
    assert_eq!(d["driving_hours"], "66.00");
    assert_eq!(d["overtime_hours"], "62.00");
    // Day by day: Friday 15–17 booked and 17–24 outside; the weekend all
    // outside; Monday 00–07 outside and 07–09 booked.
    let per = app
        .report(
            "manager",
            &format!("vehicle-utilisation?{q}&group=vehicle_day"),
        )
        .await;
    let per = per["rows"].as_array().unwrap();
    assert_eq!(per.len(), 8);
    let cells = |i: usize| {
        (
            per[i]["booked_hours"].as_str().unwrap().to_owned(),
            per[i]["outside_hours"].as_str().unwrap().to_owned(),
            per[i]["trips"].as_i64().unwrap(),
        )
    };
    assert_eq!(cells(3), ("0.00".into(), "0.00".into(), 0));
    assert_eq!(cells(4), ("2.00".into(), "7.00".into(), 1));
    assert_eq!(cells(5), ("0.00".into(), "24.00".into(), 0));
    assert_eq!(cells(6), ("0.00".into(), "24.00".into(), 0));
    assert_eq!(cells(7), ("2.00".into(), "7.00".into(), 0));
    assert_eq!(per[5]["bookable_hours"], "0.00");
    assert_eq!(per[5]["idle_days"], 0, "nothing was bookable on Saturday");
    // Only the Saturday: the trip runs through it, nothing is bookable.
    let sat = format!("from={}&to={}", day(5), day(5));
    let v = &app
        .report("manager", &format!("vehicle-utilisation?{sat}"))
        .await["rows"][0];
    assert_eq!(v["bookable_hours"], "0.00");
    assert_eq!(v["utilisation_percent"], Value::Null);
    assert_eq!(v["outside_hours"], "24.00");
    assert_eq!(v["trips"], 0, "the trip started on Friday");
}

#[actix_web::test]
async fn holidays_and_maintenance_are_not_bookable() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-123.45", 7, "suv").await;
    let driver = app.driver("Nguyễn Văn Lái", "D", None).await;
    // Tuesday is a holiday.
    let res = app
        .put_calendar(
            "admin",
            &json!({"working_days": ["mon", "tue", "wed", "thu", "fri"], "day_starts": "07:00",
                    "day_ends": "17:00", "holidays": [{"date": day(1), "name": "Nghỉ lễ"}]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let cal = app
        .get("/api/v1/settings/calendar", &app.token("clerk.btc").await)
        .await
        .json();
    assert_eq!(cal["holidays"][0]["date"], day(1).to_string());
    assert_eq!(cal["office_timezone"], "Asia/Ho_Chi_Minh");
    // Maintenance Wednesday 07:00–12:00.
    let desk = app.token("dispatcher").await;
    let res = app
        .post(
            &format!("/api/v1/vehicles/{car}/blocks"),
            &desk,
            &json!({"starts_at": at(2, "07:00"), "ends_at": at(2, "12:00"), "reason": "Bảo dưỡng định kỳ"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    app.booked("clerk.btc", 3, &at(0, "13:00"), &at(0, "17:00"))
        .await;
    let q = format!("from={}&to={}", day(0), day(2));
    let v = &app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await["rows"][0];
    // 10 h Monday + 0 h on the holiday + 5 h Wednesday afternoon.
    assert_eq!(v["bookable_hours"], "15.00");
    assert_eq!(v["booked_hours"], "4.00");
    assert_eq!(v["utilisation_percent"], "26.67");
    assert_eq!(v["idle_days"], 1);

    // The driver's leave on Wednesday takes the day out of the shift.
    let res = app
        .post(
            &format!("/api/v1/drivers/{driver}/blocks"),
            &desk,
            &json!({"starts_at": at(2, "00:00"), "ends_at": at(3, "00:00"), "reason": "Nghỉ phép"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = &app
        .report("manager", &format!("driver-utilisation?{q}"))
        .await["rows"][0];
    assert_eq!(d["shift_hours"], "10.00");
    assert_eq!(d["in_shift_hours"], "4.00");
    assert_eq!(d["utilisation_percent"], "40.00");
    assert_eq!(d["idle_days"], 0);

    // In the pool balance: no capacity during maintenance and leave (not a
    // surplus), nothing working on the holiday.
    let wed = format!("from={}&to={}", day(2), day(2));
    let p = app.report("manager", &format!("pool-balance?{wed}")).await;
    assert_eq!(p["rows"][8]["vehicles"], 0);
    assert_eq!(p["rows"][8]["drivers"], 0);
    assert_eq!(p["rows"][8]["balance"], "balanced");
    assert_eq!(p["rows"][13]["vehicles"], 1);
    let tue = format!("from={}&to={}", day(1), day(1));
    let p = app.report("manager", &format!("pool-balance?{tue}")).await;
    assert_eq!(
        p["summary"],
        json!({"shortage": 0, "balanced": 24, "surplus": 0})
    );
}

#[actix_web::test]
async fn two_requests_at_once_with_one_car_make_one_shortage_hour() {
    let app = spawn_app().await;
    app.vehicle("14A-123.45", 7, "suv").await;
    app.driver("Nguyễn Văn Lái", "D", None).await;
    let first = app
        .booked("clerk.btc", 3, &at(0, "09:00"), &at(0, "10:00"))
        .await;
    assert_eq!(first["status"], "confirmed");
    let second = app
        .booked("clerk.ubkt", 3, &at(0, "09:00"), &at(0, "10:00"))
        .await;
    assert_eq!(second["status"], "waitlisted");
    // A cancelled request is neither demand nor use.
    let third = app
        .booked("clerk.btc", 2, &at(0, "09:15"), &at(0, "09:45"))
        .await;
    app.booking_action(
        "clerk.btc",
        third["id"].as_str().unwrap(),
        "cancel",
        json!({}),
    )
    .await;

    let q = format!("from={}&to={}", day(0), day(0));
    let r = app.report("manager", &format!("pool-balance?{q}")).await;
    assert_eq!(r["bucket"], "hour");
    assert_eq!(
        r["thresholds"],
        json!({"shortage_threshold": 1, "surplus_threshold": 50})
    );
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    let nine = &rows[9];
    assert_eq!(nine["hour"], 9);
    assert_eq!(nine["weekday"], "mon");
    assert_eq!(nine["bucket_start"], at(0, "09:00"));
    assert_eq!(nine["requests"], 2);
    assert_eq!(nine["served"], 1);
    assert_eq!(nine["unmet"], 0, "the second still waits");
    assert_eq!(nine["peak_demand"], 2);
    assert_eq!(nine["capacity"], 1);
    assert_eq!(nine["balance"], "shortage");
    // 07:00–17:00 without 09:00 idle: 9 surplus hours; the night balanced.
    assert_eq!(
        r["summary"],
        json!({"shortage": 1, "balanced": 14, "surplus": 9})
    );
    assert_eq!(rows[8]["balance"], "surplus");
    assert_eq!(rows[20]["balance"], "balanced");
    assert_eq!(rows[20]["working"], false);

    // By category: both requests need the SUV (the second, waiting, asked
    // for no category, and the SUV is the smallest vehicle owned with room
    // for three); none needs a sedan, and the pool has none.
    let suv = app
        .report("manager", &format!("pool-balance?{q}&category=suv"))
        .await;
    assert_eq!(suv["rows"][9]["requests"], 2);
    assert_eq!(suv["rows"][9]["served"], 1);
    assert_eq!(suv["rows"][9]["peak_demand"], 2);
    assert_eq!(suv["rows"][9]["capacity"], 1);
    assert_eq!(suv["rows"][9]["balance"], "shortage");
    let sedan = app
        .report("manager", &format!("pool-balance?{q}&category=sedan"))
        .await;
    assert_eq!(sedan["rows"][9]["requests"], 0);
    assert_eq!(sedan["rows"][9]["peak_demand"], 0);
    assert_eq!(sedan["rows"][9]["capacity"], 0);

    // Once its start has passed unserved it is unmet.
    app.set_status(second["id"].as_str().unwrap(), "unfulfilled");
    let r = app.report("manager", &format!("pool-balance?{q}")).await;
    assert_eq!(r["rows"][9]["unmet"], 1);
    assert_eq!(r["rows"][9]["balance"], "shortage");

    // Day buckets; other thresholds, echoed.
    let r = app
        .report(
            "manager",
            &format!("pool-balance?{q}&bucket=day&shortage_threshold=2&surplus_threshold=100"),
        )
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    assert_eq!(r["rows"][0]["hour"], Value::Null);
    assert_eq!(r["rows"][0]["requests"], 2);
    assert_eq!(r["rows"][0]["peak_demand"], 2);
    assert_eq!(r["rows"][0]["balance"], "balanced");
    assert_eq!(r["thresholds"]["shortage_threshold"], 2);

    let csv = app
        .report_raw("manager", &format!("pool-balance?{q}&format=csv"))
        .await;
    let json = app.report("manager", &format!("pool-balance?{q}")).await;
    csv_matches_json(&csv.text, json["rows"].as_array().unwrap());

    // The heat map.
    let svg = app
        .report_raw("manager", &format!("pool-balance.svg?{q}"))
        .await;
    assert_eq!(svg.status, 200, "{}", svg.text);
    assert_eq!(
        svg.header("content-type").unwrap(),
        "image/svg+xml; charset=utf-8"
    );
    assert!(svg.text.starts_with("<svg"));
    assert!(svg.text.contains("Thứ Hai 9h: 1 giờ thiếu xe"));
    assert!(svg.text.contains("Cân đối xe theo giờ trong tuần"));
    let bars = app
        .report_raw("manager", &format!("vehicle-utilisation.svg?{q}"))
        .await;
    assert_eq!(bars.status, 200, "{}", bars.text);
    assert!(bars.text.contains("14A-123.45 (suv)"));
    assert!(bars.text.contains("10 %"));
}

#[actix_web::test]
async fn fleet_sizing_finds_the_peak_and_says_what_to_release_or_add() {
    let app = spawn_app().await;
    for plate in ["14A-111.11", "14A-222.22", "14A-333.33", "14A-444.44"] {
        app.vehicle(plate, 5, "sedan").await;
    }
    app.vehicle("14B-555.55", 16, "van").await;
    for name in ["Lái Một", "Lái Hai", "Lái Ba"] {
        app.driver(name, "D", None).await;
    }
    // Sedans: 08:00–10:00 and 09:00–11:00 overlap; 14:00–15:00 alone.
    for (from, to) in [("08:00", "10:00"), ("09:00", "11:00"), ("14:00", "15:00")] {
        let b = app.booked("clerk.btc", 3, &at(0, from), &at(0, to)).await;
        assert_eq!(b["status"], "confirmed");
    }
    // Two van requests at once: one waits.
    let token = app.token("clerk.ubkt").await;
    for _ in 0..2 {
        let res = app
            .post(
                "/api/v1/bookings",
                &token,
                &json!({"purpose": "Hội nghị", "destination": "Huyện Mộc Châu", "passengers": 10,
                        "starts_at": at(0, "09:00"), "ends_at": at(0, "10:00"), "category": "van"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let q = format!("from={}&to={}", day(0), day(6));
    let r = app.report("manager", &format!("fleet-sizing?{q}")).await;
    assert_eq!(r["turnaround_minutes"], 30);
    let monday = day(0).format("%d/%m/%Y").to_string();
    // With the 30-minute turnaround the two sedan trips overlap 09:00–10:30.
    let sedan = row(&r, "category", "sedan");
    assert_eq!(sedan["requests"], 3);
    assert_eq!(sedan["owned"], 4);
    assert_eq!(sedan["needed"], 2);
    assert_eq!(sedan["difference"], 2);
    assert_eq!(sedan["verdict"], "surplus");
    assert_eq!(sedan["peak_from"], at(0, "09:00"));
    assert_eq!(sedan["peak_to"], at(0, "10:30"));
    assert_eq!(
        sedan["summary"],
        format!(
            "The pool owns 4 sedans and needed at most 2 at once (Monday {monday} 09:00–10:30): it could release 2 sedans."
        )
    );
    let van = row(&r, "category", "van");
    assert_eq!(
        (van["owned"].as_i64(), van["needed"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(van["verdict"], "shortage");
    assert_eq!(
        van["summary"],
        format!("Monday {monday} 09:00–10:30 is 1 van short: 2 requests at once, 1 owned.")
    );
    let minibus = row(&r, "category", "minibus");
    assert_eq!(minibus["summary"], "No minibus requested and none owned.");
    let rows = r["rows"].as_array().unwrap();
    let all = rows
        .iter()
        .find(|x| x["resource"] == "vehicle" && x["category"] == "all")
        .unwrap();
    assert_eq!(
        (all["owned"].as_i64(), all["needed"].as_i64()),
        (Some(5), Some(4))
    );
    let drivers = rows.iter().find(|x| x["resource"] == "driver").unwrap();
    assert_eq!(
        (drivers["owned"].as_i64(), drivers["needed"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(drivers["verdict"], "shortage");

    // One category only.
    let r = app
        .report("manager", &format!("fleet-sizing?{q}&category=van"))
        .await;
    let kinds: Vec<&Value> = r["rows"].as_array().unwrap().iter().collect();
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0]["category"], "van");
    assert_eq!(kinds[1]["resource"], "driver");
    assert_eq!(kinds[1]["needed"], 2);

    let csv = app
        .report_raw("manager", &format!("fleet-sizing?{q}&format=csv"))
        .await;
    let json = app.report("manager", &format!("fleet-sizing?{q}")).await;
    csv_matches_json(&csv.text, json["rows"].as_array().unwrap());

    // An empty period: nothing needed, everything could go.
    let later = format!("from={}&to={}", day(14), day(14));
    let r = app
        .report("manager", &format!("fleet-sizing?{later}"))
        .await;
    assert_eq!(row(&r, "category", "sedan")["needed"], 0);
    assert_eq!(row(&r, "category", "sedan")["peak_from"], Value::Null);
}

#[actix_web::test]
async fn board_usage_sets_each_boards_old_fleet_against_its_need_and_cost() {
    let app = spawn_app().await;
    app.vehicle("14A-123.45", 7, "suv").await;
    app.driver("Nguyễn Văn Lái", "D", Some("driver")).await;
    let trip = app
        .booked("clerk.btc", 3, &at(0, "09:00"), &at(0, "12:00"))
        .await;
    let id = trip["id"].as_str().unwrap();
    // Too many passengers for the pool's only car: it waits.
    let waiting = app
        .booked("clerk.ubkt", 10, &at(0, "10:00"), &at(0, "11:00"))
        .await;
    assert_eq!(waiting["status"], "waitlisted");
    app.booking_action("driver", id, "start", json!({})).await;
    app.booking_action(
        "driver",
        id,
        "complete",
        json!({"odometer_end": 10120, "fuel_litres": "12", "tolls": "35000", "parking": "20000"}),
    )
    .await;

    // Trip costs are posted today; the period runs from today to the trip.
    let q = format!("from={}&to={}", today(), day(0));
    let r = app.report("finance", &format!("board-usage?{q}")).await;
    let btc = row(&r, "board", "BTC");
    assert_eq!(btc["requests"], 1);
    assert_eq!(btc["served"], 1);
    assert_eq!(btc["hours"], "3.00");
    assert_eq!(btc["km"], 120);
    // No fuel price norm: tolls and parking only.
    assert_eq!(btc["cost"], "55000");
    assert_eq!(btc["own_vehicles"], 1);
    assert_eq!(btc["own_drivers"], 0);
    assert_eq!(btc["peak_need"], 1);
    assert_eq!(btc["fleet_difference"], 0);
    let ubkt = row(&r, "board", "UBKT");
    assert_eq!(ubkt["requests"], 1);
    assert_eq!(ubkt["served"], 0);
    assert_eq!(ubkt["waiting"], 1);
    assert_eq!(ubkt["own_vehicles"], 0);
    assert_eq!(ubkt["own_drivers"], 1);
    assert_eq!(ubkt["peak_need"], 1);
    assert_eq!(ubkt["fleet_difference"], -1);
    assert_eq!(ubkt["cost"], "0");

    app.set_status(waiting["id"].as_str().unwrap(), "unfulfilled");
    let r = app
        .report("manager", &format!("board-usage?{q}&board=UBKT"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    assert_eq!(r["rows"][0]["unmet"], 1);
    assert_eq!(r["rows"][0]["waiting"], 0);

    // A reversal takes the cost back.
    let finance = app.token("finance").await;
    let entries = app
        .get("/api/v1/journal?source=trip", &finance)
        .await
        .json();
    let entry = entries["items"][0]["id"].as_str().unwrap().to_owned();
    let res = app
        .post(
            &format!("/api/v1/journal/{entry}/reverse"),
            &finance,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let r = app
        .report("finance", &format!("board-usage?{q}&board=BTC"))
        .await;
    assert_eq!(r["rows"][0]["cost"], "0");

    let csv = app
        .report_raw("manager", &format!("board-usage?{q}&format=csv"))
        .await;
    let json = app.report("manager", &format!("board-usage?{q}")).await;
    csv_matches_json(&csv.text, json["rows"].as_array().unwrap());
}

#[actix_web::test]
async fn bad_report_parameters_are_refused_with_stable_codes() {
    let app = spawn_app().await;
    let refused = |res: Resp, code: &str| {
        let body = res.problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    };
    let d0 = day(0);
    refused(
        app.report_raw(
            "manager",
            &format!("vehicle-utilisation?from={}&to={d0}", day(1)),
        )
        .await,
        "range_reversed",
    );
    refused(
        app.report_raw(
            "manager",
            &format!("pool-balance?from={d0}&to={}", day(400)),
        )
        .await,
        "range_too_long",
    );
    refused(
        app.report_raw("manager", "pool-balance?bucket=week").await,
        "invalid_bucket",
    );
    refused(
        app.report_raw("manager", "vehicle-utilisation?group=model")
            .await,
        "invalid_group",
    );
    refused(
        app.report_raw("manager", "board-usage?board=XYZ").await,
        "board_unknown",
    );
    refused(
        app.report_raw(
            "manager",
            &format!("driver-utilisation?board={}", uuid::Uuid::nil()),
        )
        .await,
        "board_unknown",
    );
    refused(
        app.report_raw("manager", "fleet-sizing?category=tank")
            .await,
        "invalid_category",
    );
    refused(
        app.report_raw("manager", "pool-balance?surplus_threshold=0")
            .await,
        "out_of_range",
    );
    refused(
        app.report_raw("manager", "pool-balance.svg?shortage_threshold=-1")
            .await,
        "out_of_range",
    );
    app.report_raw("manager", "pool-balance?board=BTC")
        .await
        .problem(400, "invalid_query");
    app.report_raw("manager", "fleet-sizing?from=yesterday")
        .await
        .problem(400, "invalid_query");
    app.report_raw("manager", "board-usage?format=xml")
        .await
        .problem(400, "invalid_query");
    for who in ["clerk.btc", "driver", "admin"] {
        app.report_raw(who, "fleet-sizing")
            .await
            .problem(403, "forbidden");
    }
    // Defaults: the current month.
    let r = app.report("manager", "board-usage").await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_working_calendar_is_read_by_all_and_replaced_by_the_administrator() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    let cal = app.get("/api/v1/settings/calendar", &clerk).await.json();
    assert_eq!(
        cal,
        json!({"working_days": ["mon", "tue", "wed", "thu", "fri"], "day_starts": "07:00",
               "day_ends": "17:00", "holidays": [], "office_timezone": "Asia/Ho_Chi_Minh"})
    );
    // What was read can be sent back.
    let res = app.put_calendar("admin", &cal).await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.put_calendar("manager", &cal)
        .await
        .problem(403, "forbidden");

    let res = app
        .put_calendar(
            "admin",
            &json!({"working_days": ["mon", "thứ bảy"], "day_starts": "17:00", "day_ends": "7h",
                    "holidays": [{"date": "2026-09-02", "name": "Quốc khánh"}, {"date": "2026-09-02"}]}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("working_days[1]", "invalid_weekday"),
            ("day_ends", "invalid_time"),
            ("holidays[1].date", "duplicate_holiday"),
        ]
    );
    let reversed = app
        .put_calendar(
            "admin",
            &json!({"working_days": ["mon"], "day_starts": "17:00", "day_ends": "07:00"}),
        )
        .await;
    assert_eq!(
        reversed.problem(422, "validation_failed")["errors"][0]["code"],
        "range_reversed"
    );
    let none = app
        .put_calendar(
            "admin",
            &json!({"working_days": [], "day_starts": "07:00", "day_ends": "17:00"}),
        )
        .await;
    assert_eq!(
        none.problem(422, "validation_failed")["errors"][0]["code"],
        "no_working_days"
    );
    let elsewhere = app
        .put_calendar(
            "admin",
            &json!({"working_days": ["mon"], "day_starts": "07:00", "day_ends": "17:00", "office_timezone": "Asia/Tokyo"}),
        )
        .await;
    assert_eq!(
        elsewhere.problem(422, "validation_failed")["errors"][0]["code"],
        "timezone_elsewhere"
    );

    // A six-day week, 07:30–11:30, is used by the reports from then on.
    let res = app
        .put_calendar(
            "admin",
            &json!({"working_days": ["mon", "tue", "wed", "thu", "fri", "sat"], "day_starts": "07:30",
                    "day_ends": "11:30", "holidays": [{"date": day(0), "name": "Nghỉ bù"}]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["working_days"].as_array().unwrap().len(), 6);
    app.vehicle("14A-123.45", 7, "suv").await;
    let q = format!("from={}&to={}", day(0), day(6));
    let v = &app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await["rows"][0];
    // Tuesday to Saturday, 4 h each.
    assert_eq!(v["bookable_hours"], "20.00");
    assert_eq!(v["idle_days"], 5);
    let audit = app.audit_of(uuid::Uuid::nil()).await;
    assert!(
        audit.iter().any(|e| e["after"]["day_starts"] == "07:30"),
        "{audit:?}"
    );
}

#[actix_web::test]
async fn large_reads_are_paged_and_large_csvs_streamed() {
    use sharedoffice::domain::fleet::booking::BookingStatus;
    let app = spawn_app().await;
    // 1,100 unserved one-hour requests on the Monday, 110 starting at each
    // hour from 08:00 to 17:00: many requests of the same start, all read
    // in one day's slice of the scan.
    let monday = chrono::DateTime::parse_from_rfc3339(&at(0, "08:00"))
        .unwrap()
        .to_utc();
    let requests: Vec<_> = (0..1100)
        .map(|i| {
            (
                monday + Duration::hours(i % 10),
                Duration::hours(1),
                BookingStatus::Unfulfilled,
            )
        })
        .collect();
    app.insert_requests(&requests);

    let q = format!("from={}&to={}", day(0), day(0));
    let r = app.report("manager", &format!("fleet-sizing?{q}")).await;
    let drivers = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["resource"] == "driver")
        .unwrap()
        .clone();
    assert_eq!(drivers["requests"], 1100);
    // Each hour's 110 plus the previous hour's 110 in their turnaround.
    assert_eq!(drivers["needed"], 220);
    assert_eq!(drivers["peak_from"], at(0, "09:00"));
    assert_eq!(drivers["peak_to"], at(0, "09:30"));
    let b = app
        .report("manager", &format!("board-usage?{q}&board=BTC"))
        .await;
    assert_eq!(b["rows"][0]["requests"], 1100);
    assert_eq!(b["rows"][0]["unmet"], 1100);
    let p = app.report("manager", &format!("pool-balance?{q}")).await;
    for hour in 8..18 {
        let row = &p["rows"][hour];
        assert_eq!(
            (row["requests"].as_i64(), row["unmet"].as_i64()),
            (Some(110), Some(110))
        );
        assert_eq!(row["peak_demand"], 110);
        assert_eq!(row["balance"], "shortage");
    }

    // A year of hours: 8,784 rows, streamed in many chunks.
    let year = format!("from={}&to={}", day(0), day(365));
    let csv = app
        .report_raw("manager", &format!("pool-balance?{year}&format=csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-length").is_none(),
        "streamed, not buffered"
    );
    assert_eq!(csv.text.lines().count(), 1 + 366 * 24);
    let json = app.report("manager", &format!("pool-balance?{year}")).await;
    csv_matches_json(&csv.text, json["rows"].as_array().unwrap());
}

#[actix_web::test]
async fn a_scan_with_two_readers_gives_what_one_gives_in_the_same_order() {
    use sharedoffice::domain::fleet::booking::BookingStatus;
    use sharedoffice::storage::fleet_reports::{RequestFilter, for_each_request};
    let app = spawn_app().await;
    let instant = |d: u32, hhmm: &str| {
        chrono::DateTime::parse_from_rfc3339(&at(d, hhmm))
            .unwrap()
            .to_utc()
    };
    // Twenty days; each has requests at 08:00 and 13:00 (an hour), one
    // from 23:00 to 01:00 the next day, and a cancelled one at 10:00.
    // Besides, a five-day trip from day 1 09:00 to day 6 09:00, and one of
    // 22 hours from day 2 09:00 to day 3 07:00.
    let mut requests = Vec::new();
    for d in 0..20 {
        for (hhmm, hours, status) in [
            ("08:00", 1, BookingStatus::Unfulfilled),
            ("13:00", 1, BookingStatus::Unfulfilled),
            ("23:00", 2, BookingStatus::Unfulfilled),
            ("10:00", 1, BookingStatus::Cancelled),
        ] {
            requests.push((instant(d, hhmm), Duration::hours(hours), status));
        }
    }
    requests.push((
        instant(1, "09:00"),
        Duration::days(5),
        BookingStatus::Unfulfilled,
    ));
    requests.push((
        instant(2, "09:00"),
        Duration::hours(22),
        BookingStatus::Unfulfilled,
    ));
    app.insert_requests(&requests);
    let mut conn = app.db.connect();

    // Days 5 to 14: three requests each, day 4's night trip reaching
    // into day 5, and the five-day trip, started four days before: 32.
    // The cancelled ones are left out, and so is the 22-hour trip, over
    // before the period.
    let (from, to) = (instant(5, "00:00"), instant(15, "00:00"));
    let filter = RequestFilter::default();
    let mut alone = Vec::new();
    for_each_request(&mut conn, None, &filter, from, to, |r| {
        alone.push((r.start, r.end));
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    assert_eq!(alone.len(), 32);
    assert!(alone.windows(2).all(|w| w[0].0 <= w[1].0), "in start order");
    assert_eq!(
        alone[0],
        (
            instant(1, "09:00").timestamp_micros(),
            instant(6, "09:00").timestamp_micros()
        ),
        "the long trip from days before the period"
    );
    assert_eq!(
        alone[1].0,
        instant(4, "23:00").timestamp_micros(),
        "the night trip from the day before the period"
    );
    let mut second = app.db.connect();
    let mut paired = Vec::new();
    for_each_request(&mut conn, Some(&mut second), &filter, from, to, |r| {
        paired.push((r.start, r.end));
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    assert_eq!(paired, alone);

    // A consumer that stops early stops both readers, with its error.
    let mut seen = 0;
    let stopped = for_each_request(&mut conn, Some(&mut second), &filter, from, to, |_| {
        seen += 1;
        if seen == 7 {
            Err(diesel::result::Error::NotFound)
        } else {
            Ok(())
        }
    });
    assert!(matches!(stopped, Err(diesel::result::Error::NotFound)));
    assert_eq!(seen, 7);
}

#[actix_web::test]
async fn a_report_too_large_for_json_is_offered_as_csv() {
    let app = spawn_app().await;
    // 280 vehicles over a leap-free year: 102,200 vehicle-days, more than
    // the 100,000 lines of one JSON answer.
    let mut csv = String::from("plate;model;seats;category;fuel_norm\n");
    for i in 0..280 {
        csv.push_str(&format!(
            "14A-{:03}.{:02};Toyota Vios;5;sedan;7,5\n",
            i / 100 + 100,
            i % 100
        ));
    }
    let token = app.token("dispatcher").await;
    let res = app
        .send(
            "POST",
            "/api/v1/imports/vehicles?board=BTC",
            Some(&token),
            Some("text/csv; charset=utf-8"),
            csv.into_bytes(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let year = format!("from={}&to={}", day(0), day(364));
    let path = format!("vehicle-utilisation?{year}&group=vehicle_day");
    let refused = app.report_raw("manager", &path).await;
    let body = refused.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "format", "{body}");
    assert_eq!(body["errors"][0]["code"], "report_too_large", "{body}");
    let csv = app
        .report_raw("manager", &format!("{path}&format=csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.text.lines().count(), 1 + 280 * 365);
    // A month of the same is answered as JSON: 280 × 30 lines.
    let month = format!("from={}&to={}", day(0), day(29));
    let r = app
        .report(
            "manager",
            &format!("vehicle-utilisation?{month}&group=vehicle_day"),
        )
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 280 * 30);
}

/// `hhmm` office time (UTC+7) on `date`.
fn office(date: NaiveDate, hhmm: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(&format!("{date}T{hhmm}:00+07:00"))
        .unwrap()
        .to_utc()
}

impl TestApp {
    /// Registers a vehicle at `since` through the storage layer (the API
    /// registers at the wall clock's now); returns it.
    fn vehicle_since(
        &self,
        plate: &str,
        seats: i64,
        category: &str,
        since: chrono::DateTime<Utc>,
    ) -> sharedoffice::domain::fleet::vehicle::Vehicle {
        use sharedoffice::domain::fleet::vehicle::*;
        let v = Vehicle {
            id: uuid::Uuid::now_v7(),
            plate: Plate::parse(plate).unwrap(),
            model: "Toyota".to_owned(),
            seats: Seats::parse(seats).unwrap(),
            category: VehicleCategory::parse(category).unwrap(),
            fuel_norm: FuelNorm::parse("10").unwrap(),
            odometer_km: 10000,
            status: VehicleStatus::Active,
            origin_board_id: self.boards["BTC"],
        };
        sharedoffice::storage::vehicles::insert(&mut self.db.connect(), &v, since).unwrap();
        v
    }

    /// Registers a driver at `since` through the storage layer; returns it.
    fn driver_since(
        &self,
        name: &str,
        licence: &str,
        since: chrono::DateTime<Utc>,
    ) -> sharedoffice::domain::fleet::driver::Driver {
        use sharedoffice::domain::fleet::driver::*;
        let d = Driver {
            id: uuid::Uuid::now_v7(),
            full_name: sharedoffice::domain::user::FullName::parse(name).unwrap(),
            licence_number: LicenceNumber::parse(licence).unwrap(),
            licence_class: LicenceClass::parse("D").unwrap(),
            licence_expires_on: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
            phone: None,
            status: DriverStatus::Active,
            origin_board_id: self.boards["UBKT"],
            user_id: None,
            calendar_key: format!("{licence:0>32}"),
        };
        sharedoffice::storage::drivers::insert(&mut self.db.connect(), &d, since).unwrap();
        d
    }
}

#[actix_web::test]
async fn reports_of_a_past_period_count_the_pool_as_it_was_in_each_hour() {
    use sharedoffice::domain::fleet::driver::DriverStatus;
    use sharedoffice::domain::fleet::vehicle::VehicleStatus;
    let app = spawn_app().await;
    // A Monday and Tuesday at least three weeks ago: D0 and D1.
    let (d0, d1) = (day(-35), day(-34));
    let long_ago = office(d0, "00:00") - Duration::days(30);
    // Car A: in the pool since long ago, retired at midnight between D0
    // and D1. Car C: there throughout. Car D: bought at noon on D1. Car B:
    // bought today, after the period.
    let mut a = app.vehicle_since("14A-100.01", 5, "sedan", long_ago);
    a.status = VehicleStatus::Retired;
    sharedoffice::storage::vehicles::update(&mut app.db.connect(), &a, office(d1, "00:00"))
        .unwrap();
    app.vehicle_since("14A-100.03", 5, "sedan", long_ago);
    app.vehicle_since("14A-100.04", 7, "suv", office(d1, "12:00"));
    app.vehicle("14A-100.02", 5, "sedan").await;
    // Driver X: made inactive at 12:30 on D0. Driver Y: there throughout.
    // Driver Z: hired today.
    let mut x = app.driver_since("Trần Văn X", "790000000001", long_ago);
    x.status = DriverStatus::Inactive;
    sharedoffice::storage::drivers::update(&mut app.db.connect(), &x, office(d0, "12:30")).unwrap();
    app.driver_since("Lê Văn Y", "790000000002", long_ago);
    app.driver("Phạm Văn Z", "D", None).await;
    let q = format!("from={d0}&to={d1}");

    // By the hour, 48 buckets from D0 00:00.
    // vehicles: D0 all day A + C = 2; D1 00–12 C = 1; D1 12–24 C + D = 2;
    //   in all 24 × 2 + 12 × 1 + 12 × 2 = 84 vehicle-hours (today's pool,
    //   B + C + D, would give 3 every hour: 144).
    // drivers: D0 00–12 X + Y = 2; from 12:00 on D0 only Y = 1 (X leaves
    //   at 12:30, inside the 12:00 bucket, which counts who was there
    //   throughout); in all 12 × 2 + 36 × 1 = 60 (today: Y + Z = 2 each hour).
    let r = app.report("manager", &format!("pool-balance?{q}")).await;
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 48);
    let col = |name: &str| -> Vec<u64> { rows.iter().map(|r| r[name].as_u64().unwrap()).collect() };
    let (vehicles, drivers, capacity) = (col("vehicles"), col("drivers"), col("capacity"));
    assert_eq!(vehicles[..24], [2; 24]);
    assert_eq!(vehicles[24..36], [1; 12]);
    assert_eq!(vehicles[36..], [2; 12]);
    assert_eq!(vehicles.iter().sum::<u64>(), 84);
    assert_eq!(drivers[..12], [2; 12]);
    assert_eq!(drivers[12..], [1; 36]);
    assert_eq!(drivers.iter().sum::<u64>(), 60);
    // Capacity is the smaller: 2 until D0 12:00, then 1.
    assert_eq!(capacity.iter().sum::<u64>(), 12 * 2 + 36);
    assert_eq!(rows[11]["bucket_start"], format!("{d0}T11:00:00+07:00"));
    assert_eq!(rows[12]["drivers"], 1);

    // By the day: the fewest at once. D0: A and C all day, 2 vehicles; X
    // leaves at 12:30, 1 driver. D1: C alone until D arrives at noon, 1.
    let r = app
        .report("manager", &format!("pool-balance?{q}&bucket=day"))
        .await;
    let days: Vec<(u64, u64)> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["vehicles"].as_u64().unwrap(),
                r["drivers"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(days, [(2, 1), (1, 1)]);

    // With a category: the sedans were A and C on D0, C alone on D1 (B
    // came later).
    let r = app
        .report(
            "manager",
            &format!("pool-balance?{q}&category=sedan&bucket=day"),
        )
        .await;
    assert_eq!(r["rows"][0]["vehicles"], 2);
    assert_eq!(r["rows"][1]["vehicles"], 1);

    // Bookable hours (07:00–17:00) only while in the pool: A 10 (D0), C 20,
    // D 5 (D1 12:00–17:00); B was not there and is not listed.
    let r = app
        .report("manager", &format!("vehicle-utilisation?{q}"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 3, "{r}");
    let line = |plate: &str| row(&r, "plate", plate).clone();
    assert_eq!(line("14A-100.01")["bookable_hours"], "10.00");
    assert_eq!(line("14A-100.01")["status"], "retired");
    assert_eq!(line("14A-100.01")["idle_days"], 1);
    assert_eq!(line("14A-100.03")["bookable_hours"], "20.00");
    assert_eq!(line("14A-100.04")["bookable_hours"], "5.00");
    // Shift hours: X 07:00–12:30 = 5.5, Y 20; Z not yet hired.
    let r = app
        .report("manager", &format!("driver-utilisation?{q}"))
        .await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(row(&r, "full_name", "Trần Văn X")["shift_hours"], "5.50");
    assert_eq!(row(&r, "full_name", "Lê Văn Y")["shift_hours"], "20.00");

    // Fleet sizing without requests: owned at the end of the period, when
    // the pool held C (sedan), D (suv) and driver Y.
    let r = app.report("manager", &format!("fleet-sizing?{q}")).await;
    let owned = |resource: &str, category: &str| {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["resource"] == resource && l["category"] == category)
            .unwrap_or_else(|| panic!("no {resource} {category} in {r}"))["owned"]
            .clone()
    };
    assert_eq!(owned("vehicle", "sedan"), 1);
    assert_eq!(owned("vehicle", "suv"), 1);
    assert_eq!(owned("vehicle", "all"), 2);
    assert_eq!(owned("driver", "all"), 1);

    // Board usage: at the end of the period BTC's cars in the pool were C
    // and D, UBKT's drivers Y alone.
    let r = app.report("manager", &format!("board-usage?{q}")).await;
    assert_eq!(row(&r, "board", "BTC")["own_vehicles"], 2);
    assert_eq!(row(&r, "board", "UBKT")["own_drivers"], 1);
}

/// A vehicle's (driver's) stays in the pool, oldest first, as
/// `(starts_at, ends_at)`.
fn stays(
    app: &TestApp,
    vehicle: bool,
    id: &str,
) -> Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> {
    use diesel::prelude::*;
    use sharedoffice::storage::schema::{driver_pool_periods as dp, vehicle_pool_periods as vp};
    let mut conn = app.db.connect();
    if vehicle {
        vp::table
            .filter(vp::vehicle_id.eq(id))
            .order(vp::starts_at)
            .select((vp::starts_at, vp::ends_at))
            .load(&mut conn)
            .unwrap()
    } else {
        dp::table
            .filter(dp::driver_id.eq(id))
            .order(dp::starts_at)
            .select((dp::starts_at, dp::ends_at))
            .load(&mut conn)
            .unwrap()
    }
}

#[actix_web::test]
async fn every_change_of_status_opens_or_closes_a_stay_in_the_pool() {
    let app = spawn_app().await;
    let desk = app.token("dispatcher").await;
    let patch = |path: String, body: Value| {
        let (app, desk) = (&app, &desk);
        async move {
            let res = app.patch(&path, desk, &body).await;
            assert_eq!(res.status, 200, "{}", res.text);
        }
    };
    // Registered: one open stay.
    let car = app.vehicle("14A-200.01", 5, "sedan").await;
    let s = stays(&app, true, &car);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].1, None);
    // Retired: closed. An edit that leaves the status alone changes nothing.
    let path = format!("/api/v1/vehicles/{car}");
    patch(path.clone(), json!({"status": "retired"})).await;
    patch(path.clone(), json!({"model": "Toyota Vios"})).await;
    let s = stays(&app, true, &car);
    assert_eq!(s.len(), 1);
    let retired_at = s[0].1.expect("closed");
    assert!(retired_at > s[0].0);
    // Back in service: a second stay from then on.
    patch(path.clone(), json!({"status": "active"})).await;
    let s = stays(&app, true, &car);
    assert_eq!(s.len(), 2);
    assert!(s[1].0 >= retired_at);
    assert_eq!(s[1].1, None);

    // A driver made inactive.
    let driver = app.driver("Nguyễn Văn Lái", "D", None).await;
    patch(
        format!("/api/v1/drivers/{driver}"),
        json!({"status": "inactive"}),
    )
    .await;
    let s = stays(&app, false, &driver);
    assert_eq!(s.len(), 1);
    assert!(s[0].1.is_some());

    // Imported: an active vehicle comes with an open stay, a retired one
    // with none.
    let token = app.token("dispatcher").await;
    let res = app
        .send(
            "POST",
            "/api/v1/imports/vehicles?board=BTC",
            Some(&token),
            Some("text/csv; charset=utf-8"),
            b"plate,model,seats,category,fuel_norm,status\n\
              14A-200.02,Toyota Camry,5,sedan,9.5,active\n\
              14A-200.03,Toyota Camry,5,sedan,9.5,retired\n"
                .to_vec(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app.get("/api/v1/vehicles?limit=100", &token).await;
    let id_of = |plate: &str| {
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["plate"] == plate)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(stays(&app, true, &id_of("14A-200.02")).len(), 1);
    assert_eq!(stays(&app, true, &id_of("14A-200.03")).len(), 0);

    // The database keeps the history whole: no overlapping stay, no change
    // to a closed one, no deleting it.
    let mut conn = app.db.connect();
    for sql in [
        format!(
            "INSERT INTO vehicle_pool_periods (vehicle_id, starts_at, ends_at) \
             VALUES ('{car}', '2020-01-01 00:00:00', '2999-01-01 00:00:00')"
        ),
        format!(
            "INSERT INTO vehicle_pool_periods (vehicle_id, starts_at) VALUES ('{car}', '2999-01-01 00:00:00')"
        ),
        format!(
            "UPDATE vehicle_pool_periods SET ends_at = '2999-01-01 00:00:00' \
             WHERE vehicle_id = '{car}' AND ends_at IS NOT NULL"
        ),
        format!(
            "DELETE FROM vehicle_pool_periods WHERE vehicle_id = '{car}' AND ends_at IS NOT NULL"
        ),
        format!(
            "UPDATE driver_pool_periods SET starts_at = '2020-01-01 00:00:00' WHERE driver_id = '{driver}'"
        ),
        "INSERT INTO driver_pool_periods (driver_id, starts_at, ends_at) \
         VALUES ('00000000-0000-7000-8000-00000000ffff', '2020-01-01 00:00:00', NULL)"
            .to_owned(),
        format!(
            "INSERT INTO driver_pool_periods (driver_id, starts_at, ends_at) \
             VALUES ('{driver}', '2020-01-02 00:00:00', '2020-01-01 00:00:00')"
        ),
    ] {
        let result = diesel::RunQueryDsl::execute(diesel::sql_query(sql.as_str()), &mut conn);
        assert!(result.is_err(), "the database accepted: {sql}");
    }
    // The same shape with valid values is accepted: a stay before the
    // driver's first.
    let ok = format!(
        "INSERT INTO driver_pool_periods (driver_id, starts_at, ends_at) \
         VALUES ('{driver}', '2020-01-01 00:00:00', '2020-01-02 00:00:00')"
    );
    diesel::RunQueryDsl::execute(diesel::sql_query(ok.as_str()), &mut conn).unwrap();
}
