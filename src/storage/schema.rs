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

diesel::table! {
    /// When each vehicle was in the pool (`ends_at` NULL: still is).
    vehicle_pool_periods (vehicle_id, starts_at) {
        vehicle_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// When each driver was in the pool (`ends_at` NULL: still is).
    driver_pool_periods (driver_id, starts_at) {
        driver_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        reconcilable -> Bool,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    budget_lines (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        control -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    periods (period) {
        period -> Text,
        status -> Text,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        forced_reason -> Nullable<Text>,
    }
}

diesel::table! {
    allocations (id) {
        id -> Text,
        fiscal_year -> Integer,
        board_id -> Text,
        budget_line_id -> Text,
        amount_minor -> BigInt,
        reason -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Text,
        entry_date -> Date,
        period -> Text,
        description -> Text,
        reference -> Nullable<Text>,
        source -> Text,
        source_id -> Nullable<Text>,
        reverses_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    journal_lines (id) {
        id -> Text,
        entry_id -> Text,
        line_no -> Integer,
        entry_date -> Date,
        account_id -> Text,
        board_id -> Text,
        budget_line_id -> Text,
        debit_minor -> BigInt,
        credit_minor -> BigInt,
        memo -> Nullable<Text>,
    }
}

diesel::table! {
    commitments (id) {
        id -> Text,
        source -> Text,
        source_id -> Text,
        fiscal_year -> Integer,
        board_id -> Text,
        budget_line_id -> Text,
        amount_minor -> BigInt,
        status -> Text,
        journal_entry_id -> Nullable<Text>,
        created_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    spending_norms (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        unit -> Text,
        amount_minor -> BigInt,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    expenses (id) {
        id -> Text,
        board_id -> Text,
        budget_line_id -> Text,
        expense_date -> Date,
        description -> Text,
        status -> Text,
        total_minor -> BigInt,
        over_norm -> Bool,
        override_reason -> Nullable<Text>,
        overridden_by -> Nullable<Text>,
        submitted_by -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        journal_entry_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    expense_lines (id) {
        id -> Text,
        expense_id -> Text,
        line_no -> Integer,
        norm_code -> Text,
        norm_id -> Nullable<Text>,
        description -> Nullable<Text>,
        quantity_centi -> BigInt,
        unit_amount_minor -> BigInt,
        claimed_minor -> BigInt,
        allowed_minor -> Nullable<BigInt>,
    }
}

diesel::table! {
    reconciliations (id) {
        id -> Text,
        account_id -> Text,
        period -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        reconciled_by -> Nullable<Text>,
        reconciled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    statement_lines (id) {
        id -> Text,
        reconciliation_id -> Text,
        row_no -> Integer,
        value_date -> Date,
        amount_minor -> BigInt,
        reference -> Nullable<Text>,
        description -> Nullable<Text>,
        explanation -> Nullable<Text>,
    }
}

diesel::table! {
    reconciliation_matches (statement_line_id) {
        reconciliation_id -> Text,
        statement_line_id -> Text,
        journal_line_id -> Text,
        method -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reconciliation_notes (reconciliation_id, journal_line_id) {
        reconciliation_id -> Text,
        journal_line_id -> Text,
        note -> Text,
    }
}

diesel::table! {
    asset_categories (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        unit -> Text,
        wear_rate_centi -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    assets (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        category_id -> Text,
        unit -> Text,
        original_cost_minor -> BigInt,
        accumulated_wear_minor -> BigInt,
        acquired_on -> Date,
        wear_rate_centi -> Integer,
        custodian_board_id -> Text,
        location -> Text,
        status -> Text,
        origin_board_id -> Text,
        disposed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    asset_requests (id) {
        id -> Text,
        kind -> Text,
        board_id -> Text,
        category_id -> Text,
        asset_id -> Nullable<Text>,
        budget_line_id -> Text,
        amount_minor -> BigInt,
        description -> Text,
        buy_anyway -> Bool,
        status -> Text,
        submitted_by -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        fulfilled_by -> Nullable<Text>,
        fulfilled_at -> Nullable<Timestamp>,
        cost_minor -> Nullable<BigInt>,
        journal_entry_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    wear_runs (id) {
        id -> Text,
        fiscal_year -> Integer,
        total_minor -> BigInt,
        assets_count -> Integer,
        journal_entry_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    asset_history (id) {
        id -> Text,
        asset_id -> Text,
        occurred_at -> Timestamp,
        kind -> Text,
        from_board_id -> Nullable<Text>,
        to_board_id -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        from_location -> Nullable<Text>,
        to_location -> Nullable<Text>,
        amount_minor -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        asset_request_id -> Nullable<Text>,
        wear_run_id -> Nullable<Text>,
        journal_entry_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor -> Text,
    }
}

diesel::table! {
    stocktakes (id) {
        id -> Text,
        board_id -> Nullable<Text>,
        location -> Nullable<Text>,
        status -> Text,
        opened_by -> Text,
        opened_at -> Timestamp,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stocktake_counts (id) {
        id -> Text,
        stocktake_id -> Text,
        asset_code -> Text,
        location -> Nullable<Text>,
        counted_by -> Text,
        counted_at -> Timestamp,
    }
}

diesel::table! {
    stocktake_discrepancies (id) {
        id -> Text,
        stocktake_id -> Text,
        kind -> Text,
        asset_code -> Text,
        asset_id -> Nullable<Text>,
        registered_board_id -> Nullable<Text>,
        registered_location -> Nullable<Text>,
        counted_location -> Nullable<Text>,
    }
}

diesel::joinable!(users -> boards (board_id));
diesel::joinable!(assets -> asset_categories (category_id));
diesel::joinable!(journal_lines -> journal_entries (entry_id));
diesel::joinable!(journal_lines -> accounts (account_id));
diesel::joinable!(reconciliations -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(
    boards,
    users,
    audit_log,
    settings,
    vehicles,
    drivers,
    blocks,
    bookings,
    occupancy,
    vehicle_pool_periods,
    driver_pool_periods,
    accounts,
    budget_lines,
    periods,
    allocations,
    journal_entries,
    journal_lines,
    commitments,
    spending_norms,
    expenses,
    expense_lines,
    reconciliations,
    statement_lines,
    reconciliation_matches,
    reconciliation_notes,
    asset_categories,
    assets,
    asset_requests,
    wear_runs,
    asset_history,
    stocktakes,
    stocktake_counts,
    stocktake_discrepancies
);
