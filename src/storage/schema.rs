//! Table definitions, written by hand so one schema serves SQLite and
//! PostgreSQL (`print-schema` gives different types per backend).
//!
//! Conventions: ids are UUIDv7 text; timestamps are UTC `TIMESTAMP`; money is
//! `BIGINT` hundredths of a đồng in columns ending in `_minor`.

diesel::table! {
    boards (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        full_name -> Text,
        role -> Text,
        board_id -> Nullable<Text>,
        active -> Bool,
        password_hash -> Text,
        token_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        board_id -> Nullable<Text>,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vehicles (id) {
        id -> Text,
        plate -> Text,
        model -> Text,
        seats -> Integer,
        category -> Text,
        fuel_norm_centi -> Integer,
        odometer_km -> BigInt,
        status -> Text,
        origin_board_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    drivers (id) {
        id -> Text,
        full_name -> Text,
        licence_number -> Text,
        licence_class -> Text,
        licence_expires_on -> Date,
        phone -> Nullable<Text>,
        status -> Text,
        origin_board_id -> Text,
        user_id -> Nullable<Text>,
        calendar_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    blocks (id) {
        id -> Text,
        vehicle_id -> Nullable<Text>,
        driver_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        board_id -> Text,
        requester_id -> Text,
        purpose -> Text,
        destination -> Text,
        out_of_province -> Bool,
        passengers -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        planned_minutes -> Integer,
        category_wish -> Nullable<Text>,
        priority -> Integer,
        status -> Text,
        status_reason -> Nullable<Text>,
        vehicle_id -> Nullable<Text>,
        driver_id -> Nullable<Text>,
        odometer_start -> Nullable<BigInt>,
        odometer_end -> Nullable<BigInt>,
        fuel_centi -> Nullable<BigInt>,
        fuel_allowed_centi -> Nullable<BigInt>,
        fuel_flagged -> Nullable<Bool>,
        tolls_minor -> Nullable<BigInt>,
        parking_minor -> Nullable<BigInt>,
        other_cost_minor -> Nullable<BigInt>,
        started_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    occupancy (id) {
        id -> Text,
        vehicle_id -> Nullable<Text>,
        driver_id -> Nullable<Text>,
        booking_id -> Nullable<Text>,
        block_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        long_hold -> Bool,
    }
}

diesel::joinable!(users -> boards (board_id));
diesel::allow_tables_to_appear_in_same_query!(
    boards, users, audit_log, settings, vehicles, drivers, blocks, bookings, occupancy
);
