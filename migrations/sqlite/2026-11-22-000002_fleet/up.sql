-- The vehicle and driver pool: settings, vehicles, drivers, bookings,
-- maintenance/leave blocks, and the occupancy that keeps a vehicle or a
-- driver out of two overlapping trips.

CREATE TABLE settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE vehicles (
    id               TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    plate            TEXT NOT NULL CHECK (plate = upper(plate) AND length(plate) BETWEEN 7 AND 12),
    model            TEXT NOT NULL CHECK (length(trim(model)) > 0),
    seats            INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 60),
    category         TEXT NOT NULL CHECK (category IN ('sedan', 'suv', 'van', 'minibus', 'pickup')),
    fuel_norm_centi  INTEGER NOT NULL CHECK (fuel_norm_centi > 0 AND fuel_norm_centi <= 10000),
    odometer_km      INTEGER NOT NULL CHECK (odometer_km >= 0),
    status           TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    origin_board_id  TEXT NOT NULL REFERENCES boards (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX vehicles_plate_key ON vehicles (plate);
CREATE INDEX vehicles_origin_board_id_idx ON vehicles (origin_board_id);

CREATE TABLE drivers (
    id                  TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    full_name           TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    licence_number      TEXT NOT NULL CHECK (length(licence_number) BETWEEN 6 AND 20),
    licence_class       TEXT NOT NULL CHECK (licence_class IN ('B', 'B2', 'C1', 'C', 'CE', 'D1', 'D2', 'D', 'E')),
    licence_expires_on  TEXT NOT NULL,
    phone               TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    origin_board_id     TEXT NOT NULL REFERENCES boards (id),
    user_id             TEXT REFERENCES users (id),
    calendar_key        TEXT NOT NULL CHECK (length(calendar_key) = 32),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX drivers_licence_number_key ON drivers (licence_number);
CREATE UNIQUE INDEX drivers_user_id_key ON drivers (user_id);
CREATE UNIQUE INDEX drivers_calendar_key_key ON drivers (calendar_key);
CREATE INDEX drivers_origin_board_id_idx ON drivers (origin_board_id);

CREATE TABLE blocks (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    vehicle_id  TEXT REFERENCES vehicles (id),
    driver_id   TEXT REFERENCES drivers (id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK ((vehicle_id IS NULL) <> (driver_id IS NULL)),
    CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX blocks_vehicle_id_idx ON blocks (vehicle_id, starts_at);
CREATE INDEX blocks_driver_id_idx ON blocks (driver_id, starts_at);

CREATE TABLE bookings (
    id                  TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    board_id            TEXT NOT NULL REFERENCES boards (id),
    requester_id        TEXT NOT NULL REFERENCES users (id),
    purpose             TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    destination         TEXT NOT NULL CHECK (length(trim(destination)) > 0),
    out_of_province     INTEGER NOT NULL CHECK (out_of_province IN (0, 1)),
    passengers          INTEGER NOT NULL CHECK (passengers BETWEEN 1 AND 59),
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    planned_minutes     INTEGER NOT NULL CHECK (planned_minutes > 0),
    category_wish       TEXT CHECK (category_wish IN ('sedan', 'suv', 'van', 'minibus', 'pickup')),
    priority            INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 2),
    status              TEXT NOT NULL CHECK (status IN ('pending_approval', 'confirmed', 'in_progress', 'completed',
                                                        'waitlisted', 'unfulfilled', 'cancelled', 'rejected')),
    status_reason       TEXT,
    vehicle_id          TEXT REFERENCES vehicles (id),
    driver_id           TEXT REFERENCES drivers (id),
    odometer_start      INTEGER CHECK (odometer_start >= 0),
    odometer_end        INTEGER,
    fuel_centi          INTEGER CHECK (fuel_centi >= 0),
    fuel_allowed_centi  INTEGER CHECK (fuel_allowed_centi >= 0),
    fuel_flagged        INTEGER CHECK (fuel_flagged IN (0, 1)),
    tolls_minor         INTEGER CHECK (tolls_minor >= 0),
    parking_minor       INTEGER CHECK (parking_minor >= 0),
    other_cost_minor    INTEGER CHECK (other_cost_minor >= 0),
    started_at          TEXT,
    completed_at        TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (odometer_end IS NULL OR odometer_end >= odometer_start),
    CONSTRAINT bookings_assigned_when_active CHECK (
        status NOT IN ('confirmed', 'in_progress', 'completed')
        OR (vehicle_id IS NOT NULL AND driver_id IS NOT NULL)),
    CONSTRAINT bookings_completion_recorded CHECK (
        status <> 'completed' OR (odometer_end IS NOT NULL AND fuel_centi IS NOT NULL))
) STRICT;
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
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    vehicle_id  TEXT REFERENCES vehicles (id),
    driver_id   TEXT REFERENCES drivers (id),
    booking_id  TEXT REFERENCES bookings (id),
    block_id    TEXT REFERENCES blocks (id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    long_hold   INTEGER NOT NULL DEFAULT 0 CHECK (long_hold IN (0, 1)),
    CHECK ((vehicle_id IS NULL) <> (driver_id IS NULL)),
    CHECK ((booking_id IS NULL) <> (block_id IS NULL)),
    CHECK (ends_at > starts_at),
    -- Holds of a day or less are 'short': overlap searches look back only
    -- one day for them, which this check makes safe.
    CONSTRAINT occupancy_short_is_short CHECK (long_hold = 1 OR unixepoch(ends_at) - unixepoch(starts_at) <= 86400)
) STRICT;
CREATE INDEX occupancy_vehicle_idx ON occupancy (vehicle_id, long_hold, starts_at);
CREATE INDEX occupancy_driver_idx ON occupancy (driver_id, long_hold, starts_at);
CREATE INDEX occupancy_booking_id_idx ON occupancy (booking_id);
CREATE INDEX occupancy_block_id_idx ON occupancy (block_id);

CREATE TRIGGER occupancy_vehicle_no_overlap BEFORE INSERT ON occupancy
WHEN NEW.vehicle_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM occupancy o
    WHERE o.vehicle_id = NEW.vehicle_id AND o.long_hold = 0
      AND o.starts_at >= datetime(NEW.starts_at, '-86402 seconds')
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at
    UNION ALL
    SELECT 1 FROM occupancy o
    WHERE o.vehicle_id = NEW.vehicle_id AND o.long_hold = 1
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'occupancy_vehicle_no_overlap');
END;

CREATE TRIGGER occupancy_driver_no_overlap BEFORE INSERT ON occupancy
WHEN NEW.driver_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM occupancy o
    WHERE o.driver_id = NEW.driver_id AND o.long_hold = 0
      AND o.starts_at >= datetime(NEW.starts_at, '-86402 seconds')
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at
    UNION ALL
    SELECT 1 FROM occupancy o
    WHERE o.driver_id = NEW.driver_id AND o.long_hold = 1
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'occupancy_driver_no_overlap');
END;

CREATE TRIGGER occupancy_no_update BEFORE UPDATE ON occupancy
BEGIN
    SELECT RAISE(ABORT, 'occupancy rows are replaced, never updated');
END;
