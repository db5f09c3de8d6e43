CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- The vehicle and driver pool: settings, vehicles, drivers, bookings,
-- maintenance/leave blocks, and the occupancy that keeps a vehicle or a
-- driver out of two overlapping trips.

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL CHECK (value::jsonb IS NOT NULL),
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE vehicles (
    id               TEXT PRIMARY KEY CHECK (length(id) = 36),
    plate            TEXT COLLATE "C" NOT NULL CHECK (plate = upper(plate) AND length(plate) BETWEEN 7 AND 12),
    model            TEXT NOT NULL CHECK (length(btrim(model)) > 0),
    seats            INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 60),
    category         TEXT NOT NULL CHECK (category IN ('sedan', 'suv', 'van', 'minibus', 'pickup')),
    fuel_norm_centi  INTEGER NOT NULL CHECK (fuel_norm_centi > 0 AND fuel_norm_centi <= 10000),
    odometer_km      BIGINT NOT NULL CHECK (odometer_km >= 0),
    status           TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    origin_board_id  TEXT NOT NULL REFERENCES boards (id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX vehicles_plate_key ON vehicles (plate);
CREATE INDEX vehicles_origin_board_id_idx ON vehicles (origin_board_id);

CREATE TABLE drivers (
    id                  TEXT PRIMARY KEY CHECK (length(id) = 36),
    full_name           TEXT NOT NULL CHECK (length(btrim(full_name)) > 0),
    licence_number      TEXT NOT NULL CHECK (length(licence_number) BETWEEN 6 AND 20),
    licence_class       TEXT NOT NULL CHECK (licence_class IN ('B', 'B2', 'C1', 'C', 'CE', 'D1', 'D2', 'D', 'E')),
    licence_expires_on  DATE NOT NULL,
    phone               TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    origin_board_id     TEXT NOT NULL REFERENCES boards (id),
    user_id             TEXT REFERENCES users (id),
    calendar_key        TEXT NOT NULL CHECK (length(calendar_key) = 32),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX drivers_licence_number_key ON drivers (licence_number);
CREATE UNIQUE INDEX drivers_user_id_key ON drivers (user_id);
CREATE UNIQUE INDEX drivers_calendar_key_key ON drivers (calendar_key);
CREATE INDEX drivers_origin_board_id_idx ON drivers (origin_board_id);

CREATE TABLE blocks (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    vehicle_id  TEXT REFERENCES vehicles (id),
    driver_id   TEXT REFERENCES drivers (id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL CHECK (length(btrim(reason)) > 0),
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK ((vehicle_id IS NULL) <> (driver_id IS NULL)),
    CHECK (ends_at > starts_at)
);
CREATE INDEX blocks_vehicle_id_idx ON blocks (vehicle_id, starts_at);
CREATE INDEX blocks_driver_id_idx ON blocks (driver_id, starts_at);

CREATE TABLE bookings (
    id                  TEXT PRIMARY KEY CHECK (length(id) = 36),
    board_id            TEXT NOT NULL REFERENCES boards (id),
    requester_id        TEXT NOT NULL REFERENCES users (id),
    purpose             TEXT NOT NULL CHECK (length(btrim(purpose)) > 0),
    destination         TEXT NOT NULL CHECK (length(btrim(destination)) > 0),
    out_of_province     BOOLEAN NOT NULL,
    passengers          INTEGER NOT NULL CHECK (passengers BETWEEN 1 AND 59),
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    planned_minutes     INTEGER NOT NULL CHECK (planned_minutes > 0),
    category_wish       TEXT CHECK (category_wish IN ('sedan', 'suv', 'van', 'minibus', 'pickup')),
    priority            INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 2),
    status              TEXT NOT NULL CHECK (status IN ('pending_approval', 'confirmed', 'in_progress', 'completed',
                                                        'waitlisted', 'unfulfilled', 'cancelled', 'rejected')),
    status_reason       TEXT,
    vehicle_id          TEXT REFERENCES vehicles (id),
    driver_id           TEXT REFERENCES drivers (id),
    odometer_start      BIGINT CHECK (odometer_start >= 0),
    odometer_end        BIGINT,
    fuel_centi          BIGINT CHECK (fuel_centi >= 0),
    fuel_allowed_centi  BIGINT CHECK (fuel_allowed_centi >= 0),
    fuel_flagged        BOOLEAN,
    tolls_minor         BIGINT CHECK (tolls_minor >= 0),
    parking_minor       BIGINT CHECK (parking_minor >= 0),
    other_cost_minor    BIGINT CHECK (other_cost_minor >= 0),
    started_at          TIMESTAMP,
    completed_at        TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (odometer_end IS NULL OR odometer_end >= odometer_start),
    CONSTRAINT bookings_assigned_when_active CHECK (
        status NOT IN ('confirmed', 'in_progress', 'completed')
        OR (vehicle_id IS NOT NULL AND driver_id IS NOT NULL)),
    CONSTRAINT bookings_completion_recorded CHECK (
        status <> 'completed' OR (odometer_end IS NOT NULL AND fuel_centi IS NOT NULL))
);
CREATE INDEX bookings_board_id_idx ON bookings (board_id, starts_at);
CREATE INDEX bookings_requester_id_idx ON bookings (requester_id);
CREATE INDEX bookings_vehicle_id_idx ON bookings (vehicle_id, starts_at);
CREATE INDEX bookings_driver_id_idx ON bookings (driver_id, starts_at);
CREATE INDEX bookings_status_idx ON bookings (status, starts_at);

-- One row per vehicle or driver held by an active booking (its range
-- widened by the turnaround gap) or by a block. Two rows of one vehicle or
-- one driver never overlap: the triggers below refuse it on SQLite, an
-- exclusion constraint on PostgreSQL.
CREATE TABLE occupancy (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    vehicle_id  TEXT REFERENCES vehicles (id),
    driver_id   TEXT REFERENCES drivers (id),
    booking_id  TEXT REFERENCES bookings (id),
    block_id    TEXT REFERENCES blocks (id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    long_hold   BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((vehicle_id IS NULL) <> (driver_id IS NULL)),
    CHECK ((booking_id IS NULL) <> (block_id IS NULL)),
    CHECK (ends_at > starts_at),
    -- Holds of a day or less are 'short': overlap searches look back only
    -- one day for them, which this check makes safe.
    CONSTRAINT occupancy_short_is_short CHECK (long_hold OR ends_at - starts_at <= interval '1 day')
);
CREATE INDEX occupancy_vehicle_idx ON occupancy (vehicle_id, long_hold, starts_at);
CREATE INDEX occupancy_driver_idx ON occupancy (driver_id, long_hold, starts_at);
CREATE INDEX occupancy_booking_id_idx ON occupancy (booking_id);
CREATE INDEX occupancy_block_id_idx ON occupancy (block_id);

ALTER TABLE occupancy ADD CONSTRAINT occupancy_vehicle_no_overlap
    EXCLUDE USING gist (vehicle_id WITH =, tsrange(starts_at, ends_at) WITH &&)
    WHERE (vehicle_id IS NOT NULL);
ALTER TABLE occupancy ADD CONSTRAINT occupancy_driver_no_overlap
    EXCLUDE USING gist (driver_id WITH =, tsrange(starts_at, ends_at) WITH &&)
    WHERE (driver_id IS NOT NULL);

CREATE TRIGGER occupancy_no_update
    BEFORE UPDATE ON occupancy
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
