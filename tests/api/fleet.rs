//! Vehicles, drivers, maintenance and leave, availability, calendars.

use serde_json::json;

use crate::helpers::{at, at_utc, spawn_app, spawn_app_at};

#[actix_web::test]
async fn the_fleet_desk_registers_vehicles_with_checked_values() {
    let app = spawn_app().await;
    let desk = app.token("dispatcher").await;
    let res = app
        .post(
            "/api/v1/vehicles",
            &desk,
            &json!({"plate": "14a 12345", "model": "Toyota Innova", "seats": 7, "category": "SUV",
                    "fuel_norm": "9.5", "origin_board_id": app.boards["BTC"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let v = res.json();
    assert_eq!(v["plate"], "14A-123.45");
    assert_eq!(v["passenger_capacity"], 6);
    assert_eq!(v["category"], "suv");
    assert_eq!(v["fuel_norm"], "9.5");
    assert_eq!(v["odometer_km"], 0);
    assert_eq!(v["status"], "active");

    let dup = app
        .post(
            "/api/v1/vehicles",
            &desk,
            &json!({"plate": "14A-123.45", "model": "X", "seats": 5, "category": "sedan",
                    "fuel_norm": "8", "origin_board_id": app.boards["BTC"]}),
        )
        .await;
    dup.problem(409, "plate_taken");

    let bad = app
        .post(
            "/api/v1/vehicles",
            &desk,
            &json!({"plate": "ABC", "model": "", "seats": 0, "category": "truck",
                    "fuel_norm": "0", "odometer_km": -5, "origin_board_id": app.boards["BTC"]}),
        )
        .await;
    let p = bad.problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "plate",
            "model",
            "seats",
            "category",
            "fuel_norm",
            "odometer_km"
        ]
    );

    let unknown_board = app
        .post(
            "/api/v1/vehicles",
            &desk,
            &json!({"plate": "29A-1234", "model": "X", "seats": 5, "category": "sedan",
                    "fuel_norm": "8", "origin_board_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(
        unknown_board.problem(422, "validation_failed")["errors"][0]["field"],
        "origin_board_id"
    );

    let clerk = app.token("clerk.btc").await;
    app.post("/api/v1/vehicles", &clerk, &json!({}))
        .await
        .problem(403, "forbidden");
    let list = app.get("/api/v1/vehicles", &clerk).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn drivers_are_registered_and_linked_to_driver_accounts_only() {
    let app = spawn_app().await;
    let desk = app.token("dispatcher").await;
    let body = |user: serde_json::Value, number: &str| {
        json!({"full_name": "Hoàng Văn Nam", "licence_number": number, "licence_class": "d2",
               "licence_expires_on": "2030-01-01", "phone": "+84 912 345 678",
               "origin_board_id": app.boards["UBKT"], "user_id": user})
    };
    let res = app
        .post(
            "/api/v1/drivers",
            &desk,
            &body(json!(app.users["driver"]), "0123 4567 8901"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = res.json();
    assert_eq!(d["licence_class"], "D2");
    assert_eq!(d["licence_number"], "012345678901");
    assert_eq!(d["phone"], "0912345678");
    assert!(
        d["calendar_url"]
            .as_str()
            .unwrap()
            .contains("/calendar.ics?key=")
    );

    app.post("/api/v1/drivers", &desk, &body(json!(null), "012345678901"))
        .await
        .problem(409, "licence_taken");
    let res = app
        .post(
            "/api/v1/drivers",
            &desk,
            &body(json!(app.users["clerk.btc"]), "999999999999"),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "user_not_driver"
    );
    let res = app
        .post(
            "/api/v1/drivers",
            &desk,
            &body(json!(app.users["driver"]), "888888888888"),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "user_already_linked"
    );

    // Others see the driver but not the calendar address.
    let clerk = app.token("clerk.btc").await;
    let id = d["id"].as_str().unwrap();
    let seen = app
        .get(&format!("/api/v1/drivers/{id}"), &clerk)
        .await
        .json();
    assert_eq!(seen["full_name"], "Hoàng Văn Nam");
    assert!(seen.get("calendar_url").is_none());
    let driver = app.token("driver").await;
    let own = app
        .get(&format!("/api/v1/drivers/{id}"), &driver)
        .await
        .json();
    assert!(own["calendar_url"].is_string());
}

#[actix_web::test]
async fn availability_lists_free_vehicles_with_enough_seats_and_free_drivers() {
    let app = spawn_app().await;
    let sedan = app.vehicle("14A-111.11", 5, "sedan").await;
    let van = app.vehicle("14A-222.22", 16, "van").await;
    app.driver("Lái xe Một", "D2", None).await;
    app.driver("Lái xe Hai", "B", None).await;
    let clerk = app.token("clerk.btc").await;
    let q = |p: i64| {
        format!(
            "/api/v1/availability?starts_at={}&ends_at={}&passengers={p}",
            at(0, "08:00").replace('+', "%2B"),
            at(0, "10:00").replace('+', "%2B")
        )
    };
    let free = app.get(&q(3), &clerk).await.json();
    let ids: Vec<&str> = free["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [sedan.as_str(), van.as_str()], "smallest first");
    assert_eq!(free["drivers"].as_array().unwrap().len(), 2);
    let free = app.get(&q(5), &clerk).await.json();
    assert_eq!(
        free["vehicles"].as_array().unwrap().len(),
        1,
        "a 5-seater carries 4 passengers"
    );

    // Once booked 08:00–10:00, the sedan is gone from that window and from
    // 10:00–10:30 (turnaround), but free from 10:30.
    app.booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    let window = |s: &str, e: &str| {
        format!(
            "/api/v1/availability?starts_at={}&ends_at={}",
            at(0, s).replace('+', "%2B"),
            at(0, e).replace('+', "%2B")
        )
    };
    let during = app.get(&window("10:15", "11:00"), &clerk).await.json();
    assert_eq!(during["vehicles"].as_array().unwrap().len(), 1);
    assert_eq!(during["drivers"].as_array().unwrap().len(), 1);
    let after = app.get(&window("10:30", "11:00"), &clerk).await.json();
    assert_eq!(after["vehicles"].as_array().unwrap().len(), 2);

    let driver = app.token("driver").await;
    app.get(&q(1), &driver).await.problem(403, "forbidden");
    let res = app
        .get(
            "/api/v1/availability?starts_at=tomorrow&ends_at=later",
            &clerk,
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[actix_web::test]
async fn maintenance_over_confirmed_trips_is_refused_unless_they_move() {
    let app = spawn_app().await;
    let first = app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    app.driver("Lái xe Hai", "B", None).await;
    let trip = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(trip["status"], "confirmed");
    assert_eq!(trip["vehicle"]["id"], first);

    let desk = app.token("dispatcher").await;
    let block = json!({"starts_at": at(0, "07:00"), "ends_at": at(0, "12:00"), "reason": "Bảo dưỡng định kỳ"});
    let res = app
        .post(&format!("/api/v1/vehicles/{first}/blocks"), &desk, &block)
        .await;
    let p = res.problem(409, "block_clashes");
    assert_eq!(p["clashing_bookings"], json!([trip["id"]]));
    assert_eq!(
        app.booking(trip["id"].as_str().unwrap()).await["status"],
        "confirmed",
        "nothing changed"
    );

    // A second car now exists: moving the trip re-assigns it at once.
    let second = app.vehicle("14A-222.22", 5, "sedan").await;
    let mut moving = block.clone();
    moving["move_trips"] = json!(true);
    let res = app
        .post(&format!("/api/v1/vehicles/{first}/blocks"), &desk, &moving)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["moved_bookings"], json!([trip["id"]]));
    let moved = app.booking(trip["id"].as_str().unwrap()).await;
    assert_eq!(moved["status"], "confirmed");
    assert_eq!(moved["vehicle"]["id"], second);

    // In its maintenance window the first car is not assignable: with the
    // second car busy too, a new request waits.
    let waiting = app
        .booked("clerk.ubkt", 1, &at(0, "09:00"), &at(0, "09:30"))
        .await;
    assert_eq!(waiting["status"], "waitlisted");
    assert!(
        waiting["status_reason"]
            .as_str()
            .unwrap()
            .contains("booked or in maintenance")
    );

    // Ending the maintenance serves the waiting request.
    let blocks = app
        .get(&format!("/api/v1/vehicles/{first}/blocks"), &desk)
        .await
        .json();
    let block_id = blocks[0]["id"].as_str().unwrap();
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/vehicles/{first}/blocks/{block_id}"),
            Some(&desk),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    let served = app.booking(waiting["id"].as_str().unwrap()).await;
    assert_eq!(served["status"], "confirmed");
    assert_eq!(served["vehicle"]["id"], first);
}

#[actix_web::test]
async fn a_driver_on_leave_is_not_assigned() {
    let app = spawn_app().await;
    app.vehicle("14A-111.11", 5, "sedan").await;
    let only = app.driver("Lái xe Một", "B", None).await;
    let desk = app.token("dispatcher").await;
    let leave =
        json!({"starts_at": at(1, "00:00"), "ends_at": at(2, "00:00"), "reason": "Nghỉ phép"});
    let res = app
        .post(&format!("/api/v1/drivers/{only}/blocks"), &desk, &leave)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let trip = app
        .booked("clerk.btc", 1, &at(1, "08:00"), &at(1, "09:00"))
        .await;
    assert_eq!(trip["status"], "waitlisted");
    assert!(
        trip["status_reason"]
            .as_str()
            .unwrap()
            .contains("no driver"),
        "{}",
        trip["status_reason"]
    );
    // Overlapping leave for the same driver is refused.
    app.post(&format!("/api/v1/drivers/{only}/blocks"), &desk, &leave)
        .await
        .problem(409, "block_overlaps");
}

#[actix_web::test]
async fn a_retired_vehicle_with_trips_ahead_is_refused() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let trip = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    let desk = app.token("dispatcher").await;
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{car}"),
            &desk,
            &json!({"status": "retired"}),
        )
        .await;
    assert_eq!(
        res.problem(409, "vehicle_in_use")["clashing_bookings"],
        json!([trip["id"]])
    );
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{car}"),
            &desk,
            &json!({"odometer_km": 5}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "odometer_backwards"
    );
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{car}"),
            &desk,
            &json!({"model": "Toyota Vios"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["model"], "Toyota Vios");
}

#[actix_web::test]
async fn a_driver_subscribes_to_their_trips_as_icalendar() {
    let app = spawn_app().await;
    app.vehicle("14A-111.11", 5, "sedan").await;
    let driver_id = app.driver("Hoàng Văn Nam", "B", Some("driver")).await;
    app.booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    let driver = app.token("driver").await;
    let me = app
        .get(&format!("/api/v1/drivers/{driver_id}"), &driver)
        .await
        .json();
    let url = me["calendar_url"].as_str().unwrap().to_owned();

    let res = app.get_anonymous(&url).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    assert!(res.text.starts_with("BEGIN:VCALENDAR\r\n"));
    let ical = "%Y%m%dT%H%M%SZ";
    assert!(
        at_utc(0, "08:00", ical).ends_with("T010000Z"),
        "08:00 +07:00 is 01:00 UTC"
    );
    assert!(
        res.text
            .contains(&format!("DTSTART:{}\r\n", at_utc(0, "08:00", ical))),
        "{}",
        res.text
    );
    assert!(
        res.text
            .contains(&format!("DTEND:{}\r\n", at_utc(0, "10:00", ical)))
    );
    assert!(res.text.contains("SUMMARY:14A-111.11 – Huyện Mộc Châu"));
    assert_eq!(res.text.matches("BEGIN:VEVENT").count(), 1);

    // A wrong key is an address that does not exist: the same 404 whether
    // the driver exists or not, so the key tells nothing about drivers.
    let wrong = url.replace("key=", "key=0");
    let known = app.get_anonymous(&wrong).await.problem(404, "not_found");
    let elsewhere = url.replace(&driver_id, "00000000-0000-7000-8000-000000000000");
    let unknown = app
        .get_anonymous(&elsewhere)
        .await
        .problem(404, "not_found");
    assert_eq!(known["detail"], unknown["detail"]);
    app.get_anonymous(&format!("/api/v1/drivers/{driver_id}/calendar.ics"))
        .await
        .problem(401, "missing_token");
    let clerk = app.token("clerk.btc").await;
    app.get(&format!("/api/v1/drivers/{driver_id}/calendar.ics"), &clerk)
        .await
        .problem(404, "not_found");
    let with_token = app
        .get(
            &format!("/api/v1/drivers/{driver_id}/calendar.ics"),
            &driver,
        )
        .await;
    assert_eq!(with_token.status, 200);
}

#[actix_web::test]
async fn the_database_refuses_overlapping_holds_whatever_the_code_does() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let trip = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(trip["status"], "confirmed");
    let mut conn = app.db.connect();
    let insert = |id: &str, start: &str, end: &str| {
        format!(
            "INSERT INTO occupancy (id, vehicle_id, booking_id, starts_at, ends_at) \
             VALUES ('{id}', '{car}', '{}', '{start}', '{end}')",
            trip["id"].as_str().unwrap()
        )
    };
    use diesel::RunQueryDsl;
    // 09:00–09:30 office time overlaps the held 08:00–10:30 (with turnaround).
    let sql = "%Y-%m-%d %H:%M:%S";
    let clash = diesel::sql_query(insert(
        "00000000-0000-7000-8000-0000000000a1",
        &at_utc(0, "09:00", sql),
        &at_utc(0, "09:30", sql),
    ))
    .execute(&mut conn);
    let err = clash
        .expect_err("an overlapping hold must be refused")
        .to_string();
    assert!(
        err.contains("occupancy_vehicle_no_overlap"),
        "refused by the invariant: {err}"
    );
    // Back-to-back after the turnaround is accepted: the refusal is about the overlap.
    diesel::sql_query(insert(
        "00000000-0000-7000-8000-0000000000a2",
        &at_utc(0, "10:30", sql),
        &at_utc(0, "11:00", sql),
    ))
    .execute(&mut conn)
    .unwrap();
}

#[actix_web::test]
async fn fleet_settings_are_an_administrators() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    let s = app.get("/api/v1/settings/fleet", &clerk).await.json();
    assert_eq!(
        s,
        json!({"approval_over_hours": 24, "out_of_province_needs_approval": true,
                         "turnaround_minutes": 30, "fuel_tolerance_percent": 10,
                         "office_timezone": "Asia/Ho_Chi_Minh"})
    );
    app.patch(
        "/api/v1/settings/fleet",
        &clerk,
        &json!({"turnaround_minutes": 0}),
    )
    .await
    .problem(403, "forbidden");
    let admin = app.token("admin").await;
    let res = app
        .patch(
            "/api/v1/settings/fleet",
            &admin,
            &json!({"turnaround_minutes": 0, "approval_over_hours": 8}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["turnaround_minutes"], 0);
    let res = app
        .patch(
            "/api/v1/settings/fleet",
            &admin,
            &json!({"office_timezone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "invalid_timezone"
    );
    let res = app
        .patch(
            "/api/v1/settings/fleet",
            &admin,
            &json!({"fuel_tolerance_percent": 500}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["field"],
        "fuel_tolerance_percent"
    );

    // With no turnaround, back-to-back trips share a car.
    app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    assert_eq!(
        app.booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
            .await["status"],
        "confirmed"
    );
    assert_eq!(
        app.booked("clerk.btc", 1, &at(0, "10:00"), &at(0, "11:00"))
            .await["status"],
        "confirmed"
    );
    // Eight hours is now the approval threshold.
    assert_eq!(
        app.booked("clerk.btc", 1, &at(2, "07:00"), &at(2, "16:00"))
            .await["status"],
        "pending_approval"
    );
}

#[actix_web::test]
async fn a_trip_moved_off_for_maintenance_gets_a_car_freed_in_its_turnaround() {
    let app = spawn_app().await;
    let first = app.vehicle("14A-111.11", 5, "sedan").await;
    let second = app.vehicle("14A-222.22", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    app.driver("Lái xe Hai", "B", None).await;
    let a = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    let b = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    let a_car = a["vehicle"]["id"].as_str().unwrap().to_owned();
    let other = if a_car == first {
        second.clone()
    } else {
        first.clone()
    };
    assert_eq!(b["vehicle"]["id"], other);
    // Maintenance on a's car from 10:15, inside a's turnaround (until 10:30).
    let desk = app.token("dispatcher").await;
    let block = json!({"starts_at": at(0, "10:15"), "ends_at": at(0, "12:00"), "reason": "Sửa chữa", "move_trips": true});
    let res = app
        .post(&format!("/api/v1/vehicles/{a_car}/blocks"), &desk, &block)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(
        app.booking(a["id"].as_str().unwrap()).await["status"],
        "waitlisted"
    );
    // Cancelling b frees the other car: a is offered it.
    let clerk = app.token("clerk.btc").await;
    let res = app
        .post(
            &format!("/api/v1/bookings/{}/cancel", b["id"].as_str().unwrap()),
            &clerk,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let served = app.booking(a["id"].as_str().unwrap()).await;
    assert_eq!(served["status"], "confirmed");
    assert_eq!(served["vehicle"]["id"], other);
}

#[actix_web::test]
async fn a_freed_car_reaches_a_trip_blocked_only_by_its_turnaround() {
    let app = spawn_app().await;
    app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    // The car is held 10:15–11:00; a trip 08:00–10:00 needs it until 10:30.
    let later = app
        .booked("clerk.btc", 1, &at(0, "10:15"), &at(0, "11:00"))
        .await;
    let early = app
        .booked("clerk.btc", 1, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(early["status"], "waitlisted");
    let clerk = app.token("clerk.btc").await;
    let res = app
        .post(
            &format!("/api/v1/bookings/{}/cancel", later["id"].as_str().unwrap()),
            &clerk,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        app.booking(early["id"].as_str().unwrap()).await["status"],
        "confirmed"
    );
}

#[actix_web::test]
async fn more_seats_than_the_drivers_licence_covers_is_refused() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-111.11", 9, "van").await;
    app.driver("Lái xe hạng B", "B", None).await;
    let trip = app
        .booked("clerk.btc", 2, &at(0, "08:00"), &at(0, "10:00"))
        .await;
    assert_eq!(trip["status"], "confirmed");
    let desk = app.token("dispatcher").await;
    // Class B covers 8 passengers (9 seats); 10 seats need D1.
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{car}"),
            &desk,
            &json!({"seats": 10}),
        )
        .await;
    assert_eq!(
        res.problem(409, "vehicle_in_use")["clashing_bookings"],
        json!([trip["id"]])
    );
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{car}"),
            &desk,
            &json!({"seats": 8}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

#[actix_web::test]
async fn a_trip_past_its_start_is_not_moved_by_maintenance() {
    // Monday 7 December 2026, 07:30 in Hà Nội.
    let opening = chrono::DateTime::parse_from_rfc3339("2026-12-07T07:30:00+07:00").unwrap();
    let app = spawn_app_at(opening.to_utc()).await;
    let car = app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let soon = opening + chrono::Duration::minutes(30);
    let end = soon + chrono::Duration::hours(2);
    let trip = app
        .booked("clerk.btc", 1, &soon.to_rfc3339(), &end.to_rfc3339())
        .await;
    assert_eq!(trip["status"], "confirmed");
    // 08:10: the trip left ten minutes ago.
    app.clock.advance(chrono::Duration::minutes(40));
    let desk = app.token("dispatcher").await;
    let block = json!({"starts_at": soon.to_rfc3339(), "ends_at": (end + chrono::Duration::hours(1)).to_rfc3339(),
                       "reason": "Hỏng xe", "move_trips": true});
    let res = app
        .post(&format!("/api/v1/vehicles/{car}/blocks"), &desk, &block)
        .await;
    assert_eq!(
        res.problem(409, "trip_under_way")["clashing_bookings"],
        json!([trip["id"]])
    );
    assert_eq!(
        app.booking(trip["id"].as_str().unwrap()).await["status"],
        "confirmed"
    );
}

#[actix_web::test]
async fn a_long_maintenance_window_blocks_its_last_days_too() {
    let app = spawn_app().await;
    let car = app.vehicle("14A-111.11", 5, "sedan").await;
    app.driver("Lái xe Một", "B", None).await;
    let desk = app.token("dispatcher").await;
    let block =
        json!({"starts_at": at(0, "07:00"), "ends_at": at(5, "17:00"), "reason": "Đại tu máy"});
    let res = app
        .post(&format!("/api/v1/vehicles/{car}/blocks"), &desk, &block)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // Four days into the five-day window the car is still not assignable.
    assert_eq!(
        app.booked("clerk.btc", 1, &at(4, "08:00"), &at(4, "09:00"))
            .await["status"],
        "waitlisted"
    );
    // After it, it is.
    assert_eq!(
        app.booked("clerk.btc", 1, &at(6, "08:00"), &at(6, "09:00"))
            .await["status"],
        "confirmed"
    );
    // The database refuses a multi-day hold marked short (which the
    // one-day look-back of overlap searches would miss).
    use diesel::RunQueryDsl;
    let sql = "%Y-%m-%d %H:%M:%S";
    let mut conn = app.db.connect();
    let mislabelled = diesel::sql_query(format!(
        "INSERT INTO occupancy (id, vehicle_id, block_id, starts_at, ends_at) \
         VALUES ('00000000-0000-7000-8000-0000000000b1', '{car}', '{}', '{}', '{}')",
        res.json()["id"].as_str().unwrap(),
        at_utc(10, "08:00", sql),
        at_utc(12, "08:00", sql)
    ))
    .execute(&mut conn);
    let err = mislabelled
        .expect_err("a two-day short hold must be refused")
        .to_string();
    assert!(
        err.contains("occupancy_short_is_short") || err.contains("CHECK"),
        "{err}"
    );
}

/// A new vehicle is offered only to the waiting requests it could carry:
/// a sedan serves the waiting one-passenger trip, and the six-passenger
/// trip it cannot carry is not tried again — not even though an SUV,
/// written straight into the register (no retry of its own), could serve
/// it meanwhile.
#[actix_web::test]
async fn a_new_vehicle_retries_only_the_waiting_requests_it_can_carry() {
    use sharedoffice::domain::fleet::vehicle::{
        FuelNorm, Plate, Seats, Vehicle, VehicleCategory, VehicleStatus,
    };
    let app = spawn_app().await;
    app.driver("Lái xe Một", "B", None).await;
    let six = app
        .booked("clerk.btc", 6, &at(0, "08:00"), &at(0, "10:00"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = app
        .booked("clerk.btc", 1, &at(1, "08:00"), &at(1, "10:00"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for id in [&six, &one] {
        assert_eq!(app.booking(id).await["status"], "waitlisted");
    }
    let suv = Vehicle {
        id: uuid::Uuid::now_v7(),
        plate: Plate::parse("14A-777.01").unwrap(),
        model: "Fortuner".to_owned(),
        seats: Seats::parse(7).unwrap(),
        category: VehicleCategory::Suv,
        fuel_norm: FuelNorm::parse("11").unwrap(),
        odometer_km: 5000,
        status: VehicleStatus::Active,
        origin_board_id: app.boards["BTC"],
    };
    sharedoffice::storage::vehicles::insert(&mut app.db.connect(), &suv, chrono::Utc::now())
        .unwrap();
    let sedan = app.vehicle("14A-000.05", 5, "sedan").await;
    let served = app.booking(&one).await;
    assert_eq!(served["status"], "confirmed", "{served}");
    assert_eq!(served["vehicle"]["id"], sedan.as_str());
    let untouched = app.booking(&six).await;
    assert_eq!(untouched["status"], "waitlisted", "{untouched}");
    assert!(untouched["vehicle"].is_null());
    // The SUV registered through the API is offered to it.
    let desk = app.token("dispatcher").await;
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{}", suv.id),
            &desk,
            &json!({"status": "retired"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .patch(
            &format!("/api/v1/vehicles/{}", suv.id),
            &desk,
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let served = app.booking(&six).await;
    assert_eq!(served["status"], "confirmed", "{served}");
    assert_eq!(served["vehicle"]["id"], suv.id.to_string());
}
