//! Booking flows: assignment, the waitlist, approval, every transition and
//! refusal, and who sees what.

use serde_json::json;

use crate::helpers::{TestApp, at, spawn_app, spawn_app_at};

async fn action(
    app: &TestApp,
    who: &str,
    id: &str,
    verb: &str,
    body: serde_json::Value,
) -> crate::helpers::Resp {
    let token = app.token(who).await;
    app.post(&format!("/api/v1/bookings/{id}/{verb}"), &token, &body)
        .await
}

fn id(v: &serde_json::Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_smallest_fitting_vehicle_and_a_licensed_driver_are_assigned() {
    let app = spawn_app().await;
    let minibus = app.vehicle("14B-000.16", 16, "minibus").await;
    let sedan = app.vehicle("14A-000.05", 5, "sedan").await;
    let suv = app.vehicle("14A-000.07", 7, "suv").await;
    let b_driver = app.driver("Lái xe hạng B", "B", None).await;
    let d_driver = app.driver("Lái xe hạng D", "D1", None).await;

    let small = app
        .booked("clerk.btc", 3, &at(0, "08:00"), &at(0, "11:00"))
        .await;
    assert_eq!(small["status"], "confirmed");
    assert_eq!(
        small["vehicle"]["id"], sedan,
        "3 passengers fit the 5-seater"
    );
    assert_eq!(small["board_id"], app.boards["BTC"].to_string());

    // 10 passengers need the minibus, which a B licence may not drive.
    let big = app
        .booked("clerk.ubkt", 10, &at(0, "08:00"), &at(0, "11:00"))
        .await;
    assert_eq!(big["status"], "confirmed");
    assert_eq!(big["vehicle"]["id"], minibus);
    assert_eq!(big["driver"]["id"], d_driver);
    // Both drivers were equally free; the first registered (B) drives the sedan.
    assert_eq!(small["driver"]["id"], b_driver);

    // A wished category is respected.
    let token = app.token("clerk.btc").await;
    let res = app
        .post(
            "/api/v1/bookings",
            &token,
            &json!({"purpose": "Đón đoàn", "destination": "Sân bay Nà Sản", "passengers": 2,
                    "starts_at": at(1, "08:00"), "ends_at": at(1, "10:00"), "category": "suv"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["vehicle"]["id"], suv);
}

#[actix_web::test]
async fn a_licensed_driver_is_found_behind_many_less_booked_ones() {
    // Assignment first reads the 16 best free drivers. Here all 17 B
    // drivers come before the only D1 driver (equal minutes, earlier ids),
    // and none of them may drive the minibus: the whole list must be read.
    let app = spawn_app().await;
    let minibus = app.vehicle("14B-000.16", 16, "minibus").await;
    for n in 1..=17 {
        app.driver(&format!("Lái xe hạng B số {n}"), "B", None)
            .await;
    }
    let d_driver = app.driver("Lái xe hạng D", "D1", None).await;
    let big = app
        .booked("clerk.ubkt", 10, &at(0, "08:00"), &at(0, "11:00"))
        .await;
    assert_eq!(big["status"], "confirmed", "{big}");
    assert_eq!(big["vehicle"]["id"], minibus);
    assert_eq!(big["driver"]["id"], d_driver);
}

#[actix_web::test]
async fn a_car_is_never_promised_twice_and_the_turnaround_is_kept() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    app.driver("Lái xe Hai", "B", None).await;
    let first = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(first["status"], "confirmed");
    let overlapping = app
        .booked("clerk.ubkt", 1, &at(0, "09:00"), &at(0, "09:30"))
        .await;
    assert_eq!(overlapping["status"], "waitlisted");
    assert_eq!(
        overlapping["status_reason"],
        "Every vehicle for 1 passenger(s) is booked or in maintenance at that time; the request waits for one to free up."
    );
    // 10:15 is inside the 30-minute turnaround; 10:30 is not.
    assert_eq!(
        app.booked("clerk.btc", 1, &at(0, "10:15"), &at(0, "11:00"))
            .await["status"],
        "waitlisted"
    );
    assert_eq!(
        app.booked("clerk.btc", 1, &at(0, "10:30"), &at(0, "11:00"))
            .await["status"],
        "confirmed"
    );
}

#[actix_web::test]
async fn cancelling_frees_the_car_for_the_waitlist_by_priority_then_age() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let held = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "12:00"))
        .await;
    let normal = app
        .booked("clerk.ubkt", 1, &at(0, "09:00"), &at(0, "10:00"))
        .await;
    let token = app.token("clerk.btc").await;
    let urgent = app
        .post(
            "/api/v1/bookings",
            &token,
            &json!({"purpose": "Họp khẩn", "destination": "Tỉnh ủy", "passengers": 1,
                    "starts_at": at(0, "09:30"), "ends_at": at(0, "11:00"), "priority": "urgent"}),
        )
        .await
        .json();
    assert_eq!(normal["status"], "waitlisted");
    assert_eq!(urgent["status"], "waitlisted");

    let res = action(
        &app,
        "clerk.btc",
        &id(&held),
        "cancel",
        json!({"reason": "Hoãn chuyến"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "cancelled");
    assert_eq!(res.json()["status_reason"], "Hoãn chuyến");
    // The urgent request (newer) goes first; the normal one overlaps it and keeps waiting.
    assert_eq!(app.booking(&id(&urgent)).await["status"], "confirmed");
    assert_eq!(app.booking(&id(&normal)).await["status"], "waitlisted");
    // The system's assignment is in the audit log.
    let trail = app
        .audit_of(urgent["id"].as_str().unwrap().parse().unwrap())
        .await;
    assert_eq!(trail[0]["action"], "assign");
    assert_eq!(trail[0]["actor"], "system");
}

#[actix_web::test]
async fn policy_sends_long_and_out_of_province_trips_to_a_manager() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let token = app.token("clerk.btc").await;
    let far = app
        .post(
            "/api/v1/bookings",
            &token,
            &json!({"purpose": "Học tập kinh nghiệm", "destination": "Hà Nội", "passengers": 2,
                    "out_of_province": true, "starts_at": at(0, "06:00"), "ends_at": at(0, "20:00")}),
        )
        .await
        .json();
    assert_eq!(far["status"], "pending_approval");
    assert!(far["vehicle"].is_null());
    let long = app
        .booked("clerk.btc", 2, &at(2, "06:00"), &at(3, "08:00"))
        .await;
    assert_eq!(long["status"], "pending_approval");
    assert!(long["status_reason"].as_str().unwrap().contains("24 hours"));

    // Only a manager approves; a clerk or dispatcher cannot.
    action(&app, "clerk.btc", &id(&far), "approve", json!({}))
        .await
        .problem(403, "forbidden");
    action(&app, "dispatcher", &id(&far), "approve", json!({}))
        .await
        .problem(403, "forbidden");
    let res = action(&app, "manager", &id(&far), "approve", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "confirmed");
    // Approving twice names the current state.
    let p = action(&app, "manager", &id(&far), "approve", json!({}))
        .await
        .problem(409, "invalid_transition");
    assert_eq!(
        p["detail"],
        "This booking is confirmed; it can be approved only when it is pending_approval."
    );

    // A manager may reject with a reason; a reason is required.
    action(&app, "manager", &id(&long), "reject", json!({}))
        .await
        .problem(422, "validation_failed");
    let res = action(
        &app,
        "manager",
        &id(&long),
        "reject",
        json!({"reason": "Không phù hợp"}),
    )
    .await;
    assert_eq!(res.json()["status"], "rejected");
}

#[actix_web::test]
async fn a_trip_is_started_and_completed_with_fuel_checked_against_the_norm() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-000.05", 5, "sedan").await; // norm 10 l/100 km, odometer 10000
    app.driver("Hoàng Văn Nam", "B", Some("driver")).await;
    let trip = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "12:00"))
        .await;
    let t = id(&trip);

    // Complete before start: refused, naming the state.
    let p = action(
        &app,
        "driver",
        &t,
        "complete",
        json!({"odometer_end": 10100, "fuel_litres": "10"}),
    )
    .await
    .problem(409, "invalid_transition");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("This booking is confirmed")
    );
    // An odometer below the vehicle's reading is refused.
    action(&app, "driver", &t, "start", json!({"odometer_start": 9999}))
        .await
        .problem(422, "validation_failed");
    let res = action(&app, "driver", &t, "start", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "in_progress");
    assert_eq!(res.json()["trip"]["odometer_start"], 10000);
    // Cancelling a trip under way is not possible.
    action(&app, "clerk.btc", &t, "cancel", json!({}))
        .await
        .problem(409, "invalid_transition");

    let back = action(
        &app,
        "driver",
        &t,
        "complete",
        json!({"odometer_end": 9990, "fuel_litres": "5"}),
    )
    .await;
    assert_eq!(
        back.problem(422, "validation_failed")["errors"][0]["code"],
        "odometer_backwards"
    );
    let neg = action(
        &app,
        "driver",
        &t,
        "complete",
        json!({"odometer_end": 10250, "fuel_litres": "5", "tolls": "-1"}),
    )
    .await;
    assert_eq!(
        neg.problem(422, "validation_failed")["errors"][0]["field"],
        "tolls"
    );

    // 250 km at 10 l/100 km allows 25 l; with 10 % tolerance up to 27.5 l. 28 l is flagged.
    let res = action(
        &app,
        "driver",
        &t,
        "complete",
        json!({"odometer_end": 10250, "fuel_litres": "28", "tolls": "35000", "parking": "20000.50"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let done = res.json();
    assert_eq!(done["status"], "completed");
    assert_eq!(done["trip"]["distance_km"], 250);
    assert_eq!(done["trip"]["fuel_allowed_litres"], "25");
    assert_eq!(done["trip"]["fuel_flagged"], true);
    assert_eq!(done["trip"]["costs_total"], "55000.5");
    assert!(
        done["status_reason"]
            .as_str()
            .unwrap()
            .contains("above the norm")
    );
    let desk = app.token("dispatcher").await;
    assert_eq!(
        app.get(&format!("/api/v1/vehicles/{car}"), &desk)
            .await
            .json()["odometer_km"],
        10250
    );

    // Completed is final.
    action(&app, "dispatcher", &t, "cancel", json!({}))
        .await
        .problem(409, "invalid_transition");
    action(&app, "driver", &t, "start", json!({}))
        .await
        .problem(409, "invalid_transition");
}

#[actix_web::test]
async fn fuel_within_the_tolerance_is_not_flagged() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let t = id(&app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "12:00"))
        .await);
    action(
        &app,
        "dispatcher",
        &t,
        "start",
        json!({"odometer_start": 10000}),
    )
    .await;
    let done = action(
        &app,
        "dispatcher",
        &t,
        "complete",
        json!({"odometer_end": 10250, "fuel_litres": "27.5"}),
    )
    .await
    .json();
    assert_eq!(done["trip"]["fuel_flagged"], false);
    assert!(done["status_reason"].is_null());
}

#[actix_web::test]
async fn the_dispatcher_assigns_by_hand_with_the_same_checks() {
    let app = spawn_app().await;
    let sedan = app.vehicle("14A-000.05", 5, "sedan").await;
    let van = app.vehicle("14B-000.16", 16, "van").await;
    let b = app.driver("Lái xe hạng B", "B", None).await;
    let d = app.driver("Lái xe hạng D", "D", None).await;
    let held = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(held["vehicle"]["id"], sedan);

    // Reject one that holds a car, then assign one by hand.
    let wanted = app
        .booked("clerk.ubkt", 2, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    assert_eq!(wanted["vehicle"]["id"], van, "the van is the only free one");
    let w = id(&wanted);
    // The sedan is busy with the other trip: refused, naming that trip.
    let p = action(
        &app,
        "dispatcher",
        &w,
        "assign",
        json!({"vehicle_id": sedan, "driver_id": d}),
    )
    .await
    .problem(409, "vehicle_busy");
    assert_eq!(p["clashing_bookings"], json!([held["id"]]));
    // The refused reassignment undid its own work: the booking still holds
    // the van, so a new request for that window finds nothing free.
    let kept = app.booking(&w).await;
    assert_eq!(kept["status"], "confirmed");
    assert_eq!(kept["vehicle"]["id"], van);
    let probe = app
        .booked("clerk.btc", 1, &at(0, "08:15"), &at(0, "08:45"))
        .await;
    assert_eq!(probe["status"], "waitlisted");
    action(&app, "clerk.btc", &id(&probe), "cancel", json!({})).await;
    // A B licence does not cover the 16-seat van.
    let p = action(
        &app,
        "dispatcher",
        &w,
        "assign",
        json!({"vehicle_id": van, "driver_id": b}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "licence_does_not_cover");
    // Cancel the sedan trip, then move this one to the sedan with driver B.
    action(&app, "clerk.btc", &id(&held), "cancel", json!({})).await;
    let res = action(
        &app,
        "dispatcher",
        &w,
        "assign",
        json!({"vehicle_id": sedan, "driver_id": b}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["vehicle"]["id"], sedan);
    assert_eq!(res.json()["driver"]["id"], b);
    // Only a dispatcher assigns.
    action(
        &app,
        "manager",
        &w,
        "assign",
        json!({"vehicle_id": van, "driver_id": d}),
    )
    .await
    .problem(403, "forbidden");
    // Too few seats for the passengers.
    let four = app
        .booked("clerk.btc", 4, &at(1, "08:00"), &at(1, "09:00"))
        .await;
    let small = app.vehicle("14A-000.02", 2, "sedan").await;
    let p = action(
        &app,
        "dispatcher",
        &id(&four),
        "assign",
        json!({"vehicle_id": small, "driver_id": b}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "too_few_seats");
}

#[actix_web::test]
async fn clerks_book_and_see_only_for_their_own_board() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let mine = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    let theirs = app
        .booked("clerk.ubkt", 1, &at(1, "08:00"), &at(1, "09:00"))
        .await;

    let btc = app.token("clerk.btc").await;
    let list = app.get("/api/v1/bookings", &btc).await.json();
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine["id"].as_str().unwrap()]);
    app.get(&format!("/api/v1/bookings/{}", id(&theirs)), &btc)
        .await
        .problem(404, "not_found");
    action(&app, "clerk.btc", &id(&theirs), "cancel", json!({}))
        .await
        .problem(404, "not_found");

    // Booking for another board is refused; the dispatcher must name the board.
    let res = app
        .post(
            "/api/v1/bookings",
            &btc,
            &json!({"board_id": app.boards["UBKT"], "purpose": "x", "destination": "y", "passengers": 1,
                    "starts_at": at(2, "08:00"), "ends_at": at(2, "09:00")}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "not_your_board"
    );
    let desk = app.token("dispatcher").await;
    let res = app
        .post(
            "/api/v1/bookings",
            &desk,
            &json!({"purpose": "x", "destination": "y", "passengers": 1,
                    "starts_at": at(2, "08:00"), "ends_at": at(2, "09:00")}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["field"],
        "board_id"
    );
    let res = app
        .post(
            "/api/v1/bookings",
            &desk,
            &json!({"board_id": app.boards["UBKT"], "purpose": "x", "destination": "y", "passengers": 1,
                    "starts_at": at(2, "08:00"), "ends_at": at(2, "09:00")}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // Managers and finance read everything; drivers and managers cannot book.
    let manager = app.token("manager").await;
    assert_eq!(
        app.get("/api/v1/bookings", &manager).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    app.book("manager", 1, &at(3, "08:00"), &at(3, "09:00"))
        .await
        .problem(403, "forbidden");
    app.book("driver", 1, &at(3, "08:00"), &at(3, "09:00"))
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn drivers_see_and_run_only_their_own_trips() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    app.vehicle("14A-000.06", 5, "sedan").await;
    let nam = app.driver("Hoàng Văn Nam", "B", Some("driver")).await;
    let other = app.driver("Lái xe Khác", "B", None).await;
    let a = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    let b = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    let (own, foreign) = if a["driver"]["id"] == nam {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(foreign["driver"]["id"], other);

    let token = app.token("driver").await;
    let list = app.get("/api/v1/bookings", &token).await.json();
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [own["id"].as_str().unwrap()]);
    app.get(&format!("/api/v1/bookings/{}", id(&foreign)), &token)
        .await
        .problem(404, "not_found");
    action(&app, "driver", &id(&foreign), "start", json!({}))
        .await
        .problem(404, "not_found");
    assert_eq!(
        action(&app, "driver", &id(&own), "start", json!({}))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn requests_are_checked_before_anything_is_booked() {
    let app = spawn_app().await;
    let token = app.token("clerk.btc").await;
    let res = app
        .post(
            "/api/v1/bookings",
            &token,
            &json!({"purpose": "", "destination": "y", "passengers": 0, "starts_at": "mai",
                    "ends_at": at(0, "09:00"), "category": "bus", "priority": "asap"}),
        )
        .await;
    let p = res.problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["purpose", "passengers", "starts_at", "category", "priority"]
    );
    let reversed = app
        .book("clerk.btc", 1, &at(0, "10:00"), &at(0, "09:00"))
        .await;
    assert_eq!(
        reversed.problem(422, "validation_failed")["errors"][0]["code"],
        "range_reversed"
    );
    let past = app
        .book(
            "clerk.btc",
            1,
            "2020-01-01T08:00:00+07:00",
            "2020-01-01T09:00:00+07:00",
        )
        .await;
    assert_eq!(
        past.problem(422, "validation_failed")["errors"][0]["code"],
        "starts_in_past"
    );
}

#[actix_web::test]
async fn nothing_big_enough_or_no_licensed_driver_says_why() {
    let app = spawn_app().await;
    app.vehicle("14A-000.05", 5, "sedan").await;
    let none = app
        .booked("clerk.btc", 20, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    assert_eq!(none["status"], "waitlisted");
    assert!(
        none["status_reason"]
            .as_str()
            .unwrap()
            .starts_with("The pool has no vehicle for 20 passenger(s)")
    );
    let no_driver = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "09:00"))
        .await;
    assert!(
        no_driver["status_reason"]
            .as_str()
            .unwrap()
            .contains("no driver licensed")
    );
    // Registering a driver serves the waiting request at once.
    app.driver("Lái xe Một", "B", None).await;
    assert_eq!(app.booking(&id(&no_driver)).await["status"], "confirmed");
}

#[actix_web::test]
async fn a_waitlisted_request_whose_start_passes_is_unfulfilled() {
    // Monday 7 December 2026, 07:30 in Hà Nội.
    let opening = chrono::DateTime::parse_from_rfc3339("2026-12-07T07:30:00+07:00").unwrap();
    let app = spawn_app_at(opening.to_utc()).await;
    let soon = opening + chrono::Duration::minutes(30);
    let later = soon + chrono::Duration::hours(1);
    let res = app
        .book("clerk.btc", 1, &soon.to_rfc3339(), &later.to_rfc3339())
        .await;
    let b = res.json();
    assert_eq!(b["status"], "waitlisted", "no vehicles at all");
    // 08:01: the trip should have left a minute ago.
    app.clock.advance(chrono::Duration::minutes(31));
    // Read: shown as unfulfilled at once, in single reads and in lists.
    assert_eq!(app.booking(&id(&b)).await["status"], "unfulfilled");
    let desk = app.token("dispatcher").await;
    let listed = app
        .get("/api/v1/bookings?status=unfulfilled", &desk)
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let waiting = app
        .get("/api/v1/bookings?status=waitlisted", &desk)
        .await
        .json();
    assert_eq!(waiting["items"].as_array().unwrap().len(), 0);
    // The sweep records it, so reports see it too.
    let mut conn = app.db.connect();
    let swept = sharedoffice::storage::write_tx(&mut conn, |c| {
        let ctx = sharedoffice::ops::fleet::FleetContext::load(c, app.clock.now())?;
        sharedoffice::ops::fleet::bookings::expire_waitlist(c, &ctx)
    })
    .unwrap();
    assert_eq!(swept, 1);
    let desk = app.token("dispatcher").await;
    let stored = app
        .get("/api/v1/bookings?status=unfulfilled", &desk)
        .await
        .json();
    assert_eq!(stored["items"].as_array().unwrap().len(), 1);
    action(&app, "clerk.btc", &id(&b), "cancel", json!({}))
        .await
        .problem(409, "invalid_transition");
}
