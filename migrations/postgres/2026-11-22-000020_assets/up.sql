-- The asset register: categories with their default annual wear rate,
-- assets, the append-only history of every custody, status and value
-- change, asset requests from boards, the yearly wear runs and stocktakes.
--
-- Money is BIGINT hundredths of a đồng; wear rates are INTEGER hundredths
-- of a percent of the original cost per year (2000 = 20 %).

CREATE TABLE asset_categories (
    id               TEXT PRIMARY KEY CHECK (length(id) = 36),
    code             TEXT COLLATE "C" NOT NULL CHECK (length(code) BETWEEN 2 AND 40 AND code ~ '^[a-z][a-z0-9_]*$'),
    name             TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    unit             TEXT NOT NULL CHECK (length(btrim(unit)) > 0),
    wear_rate_centi  INTEGER NOT NULL CHECK (wear_rate_centi BETWEEN 1 AND 10000),
    created_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX asset_categories_code_key ON asset_categories (code);

CREATE TABLE assets (
    id                      TEXT PRIMARY KEY CHECK (length(id) = 36),
    code                    TEXT COLLATE "C" NOT NULL CHECK (length(code) BETWEEN 2 AND 32),
    name                    TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    category_id             TEXT NOT NULL REFERENCES asset_categories (id),
    unit                    TEXT NOT NULL CHECK (length(btrim(unit)) > 0),
    original_cost_minor     BIGINT NOT NULL CHECK (original_cost_minor > 0),
    accumulated_wear_minor  BIGINT NOT NULL DEFAULT 0,
    acquired_on             DATE NOT NULL,
    wear_rate_centi         INTEGER NOT NULL CHECK (wear_rate_centi BETWEEN 0 AND 10000),
    custodian_board_id      TEXT NOT NULL REFERENCES boards (id),
    location                TEXT NOT NULL CHECK (length(btrim(location)) > 0),
    status                  TEXT NOT NULL CHECK (status IN ('in_use', 'idle', 'under_repair', 'disposed')),
    origin_board_id         TEXT NOT NULL REFERENCES boards (id),
    disposed_on             DATE,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    CONSTRAINT assets_wear_within_cost CHECK (accumulated_wear_minor BETWEEN 0 AND original_cost_minor),
    CONSTRAINT assets_disposed_dated CHECK ((status = 'disposed') = (disposed_on IS NOT NULL))
);
CREATE UNIQUE INDEX assets_code_key ON assets (code);
CREATE INDEX assets_category_idx ON assets (category_id, status);
CREATE INDEX assets_custodian_idx ON assets (custodian_board_id, code);
CREATE INDEX assets_origin_idx ON assets (origin_board_id);
CREATE INDEX assets_location_idx ON assets (location);

CREATE TABLE asset_requests (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
    kind               TEXT NOT NULL CHECK (kind IN ('procurement', 'repair', 'transfer_in')),
    board_id           TEXT NOT NULL REFERENCES boards (id),
    category_id        TEXT NOT NULL REFERENCES asset_categories (id),
    asset_id           TEXT REFERENCES assets (id),
    budget_line_id     TEXT NOT NULL REFERENCES budget_lines (id),
    amount_minor       BIGINT NOT NULL CHECK (amount_minor >= 0),
    description        TEXT NOT NULL CHECK (length(btrim(description)) > 0),
    buy_anyway         BOOLEAN NOT NULL DEFAULT FALSE,
    status             TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'fulfilled', 'rejected')),
    submitted_by       TEXT NOT NULL REFERENCES users (id),
    decided_by         TEXT REFERENCES users (id),
    decided_at         TIMESTAMP,
    decision_reason    TEXT,
    fulfilled_by       TEXT REFERENCES users (id),
    fulfilled_at       TIMESTAMP,
    cost_minor         BIGINT CHECK (cost_minor >= 0),
    journal_entry_id   TEXT REFERENCES journal_entries (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    CONSTRAINT asset_requests_names_asset CHECK (kind = 'procurement' OR asset_id IS NOT NULL OR status <> 'fulfilled'),
    CONSTRAINT asset_requests_repair_asset CHECK (kind <> 'repair' OR asset_id IS NOT NULL)
);
CREATE INDEX asset_requests_board_idx ON asset_requests (board_id, id);
CREATE INDEX asset_requests_category_idx ON asset_requests (category_id);
CREATE INDEX asset_requests_asset_idx ON asset_requests (asset_id);
CREATE INDEX asset_requests_budget_line_idx ON asset_requests (budget_line_id);

CREATE TABLE wear_runs (
    id                TEXT PRIMARY KEY CHECK (length(id) = 36),
    fiscal_year       INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    total_minor       BIGINT NOT NULL CHECK (total_minor >= 0),
    assets_count      INTEGER NOT NULL CHECK (assets_count >= 0),
    journal_entry_id  TEXT REFERENCES journal_entries (id),
    created_by        TEXT REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL
);
-- A year's wear is posted once, whatever the concurrency.
CREATE UNIQUE INDEX wear_runs_fiscal_year_key ON wear_runs (fiscal_year);

-- Every custody, status and value change of an asset, in order. Written in
-- the transaction of the change; never updated or deleted.
CREATE TABLE asset_history (
    id                TEXT PRIMARY KEY CHECK (length(id) = 36),
    asset_id          TEXT NOT NULL REFERENCES assets (id),
    occurred_at       TIMESTAMP NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('registered', 'transfer', 'status', 'location', 'wear', 'repair', 'acquired')),
    from_board_id     TEXT REFERENCES boards (id),
    to_board_id       TEXT REFERENCES boards (id),
    from_status       TEXT,
    to_status         TEXT,
    from_location     TEXT,
    to_location       TEXT,
    amount_minor      BIGINT,
    reason            TEXT,
    asset_request_id  TEXT REFERENCES asset_requests (id),
    wear_run_id       TEXT REFERENCES wear_runs (id),
    journal_entry_id  TEXT REFERENCES journal_entries (id),
    actor_id          TEXT REFERENCES users (id),
    actor             TEXT NOT NULL
);
CREATE INDEX asset_history_asset_idx ON asset_history (asset_id, occurred_at, id);
CREATE INDEX asset_history_request_idx ON asset_history (asset_request_id);
CREATE INDEX asset_history_wear_run_idx ON asset_history (wear_run_id);

CREATE TRIGGER asset_history_append_only
    BEFORE UPDATE OR DELETE ON asset_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER asset_history_no_truncate
    BEFORE TRUNCATE ON asset_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE stocktakes (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    board_id    TEXT REFERENCES boards (id),
    location    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_by   TEXT NOT NULL REFERENCES users (id),
    opened_at   TIMESTAMP NOT NULL,
    closed_by   TEXT REFERENCES users (id),
    closed_at   TIMESTAMP,
    CONSTRAINT stocktakes_scope CHECK (board_id IS NOT NULL OR location IS NOT NULL)
);
CREATE INDEX stocktakes_board_idx ON stocktakes (board_id);

CREATE TABLE stocktake_counts (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    stocktake_id  TEXT NOT NULL REFERENCES stocktakes (id),
    asset_code    TEXT NOT NULL,
    location      TEXT,
    counted_by    TEXT NOT NULL REFERENCES users (id),
    counted_at    TIMESTAMP NOT NULL
);
CREATE INDEX stocktake_counts_stocktake_idx ON stocktake_counts (stocktake_id, asset_code);

CREATE TABLE stocktake_discrepancies (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
    stocktake_id       TEXT NOT NULL REFERENCES stocktakes (id),
    kind               TEXT NOT NULL CHECK (kind IN ('missing', 'unexpected', 'wrong_location')),
    asset_code         TEXT COLLATE "C" NOT NULL,
    asset_id           TEXT REFERENCES assets (id),
    registered_board_id TEXT REFERENCES boards (id),
    registered_location TEXT,
    counted_location   TEXT
);
CREATE INDEX stocktake_discrepancies_stocktake_idx ON stocktake_discrepancies (stocktake_id, kind, asset_code);
CREATE INDEX stocktake_discrepancies_asset_idx ON stocktake_discrepancies (asset_id);

INSERT INTO asset_categories (id, code, name, unit, wear_rate_centi, created_at) VALUES
    ('00000000-0000-7000-8000-00000000a001', 'computer', 'Máy vi tính, máy tính xách tay', 'chiếc', 2000, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-00000000a002', 'projector', 'Máy chiếu', 'chiếc', 2000, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-00000000a003', 'office_equipment', 'Máy in, máy photocopy, thiết bị văn phòng', 'chiếc', 1250, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-00000000a004', 'furniture', 'Bàn ghế, tủ, đồ gỗ văn phòng', 'bộ', 1250, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-00000000a005', 'vehicle', 'Xe ô tô', 'chiếc', 1000, '2026-01-01 00:00:00');
