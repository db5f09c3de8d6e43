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

diesel::joinable!(users -> boards (board_id));
diesel::allow_tables_to_appear_in_same_query!(boards, users, audit_log);
