-- When each vehicle and each driver was in the pool: a row per stay, from
-- its registration or return (`starts_at`) to its retirement or
-- deactivation (`ends_at`; NULL while it is still in the pool). The
-- reports of a past period count the pool from these rows, not from the
-- register's current status. A resource's stays never overlap: the
-- triggers below refuse it, and the unique index keeps one open stay.
-- A closed stay is history: it is neither changed nor deleted; an open one
-- is closed once, or deleted when it ends the instant it began.

CREATE TABLE vehicle_pool_periods (
    vehicle_id  TEXT NOT NULL REFERENCES vehicles (id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT,
    PRIMARY KEY (vehicle_id, starts_at),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
) STRICT;
CREATE UNIQUE INDEX vehicle_pool_periods_open_key ON vehicle_pool_periods (vehicle_id) WHERE ends_at IS NULL;

CREATE TABLE driver_pool_periods (
    driver_id   TEXT NOT NULL REFERENCES drivers (id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT,
    PRIMARY KEY (driver_id, starts_at),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
) STRICT;
CREATE UNIQUE INDEX driver_pool_periods_open_key ON driver_pool_periods (driver_id) WHERE ends_at IS NULL;

CREATE TRIGGER vehicle_pool_periods_no_overlap BEFORE INSERT ON vehicle_pool_periods
WHEN EXISTS (
    SELECT 1 FROM vehicle_pool_periods p
    WHERE p.vehicle_id = NEW.vehicle_id
      AND p.starts_at < coalesce(NEW.ends_at, '9999-12-31 23:59:59')
      AND coalesce(p.ends_at, '9999-12-31 23:59:59') > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'vehicle_pool_periods_no_overlap');
END;

CREATE TRIGGER driver_pool_periods_no_overlap BEFORE INSERT ON driver_pool_periods
WHEN EXISTS (
    SELECT 1 FROM driver_pool_periods p
    WHERE p.driver_id = NEW.driver_id
      AND p.starts_at < coalesce(NEW.ends_at, '9999-12-31 23:59:59')
      AND coalesce(p.ends_at, '9999-12-31 23:59:59') > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'driver_pool_periods_no_overlap');
END;

-- Closing a stay only ever shortens it, so it cannot come to overlap another.
CREATE TRIGGER vehicle_pool_periods_close_only BEFORE UPDATE ON vehicle_pool_periods
WHEN OLD.ends_at IS NOT NULL OR NEW.ends_at IS NULL
  OR NEW.vehicle_id <> OLD.vehicle_id OR NEW.starts_at <> OLD.starts_at
BEGIN
    SELECT RAISE(ABORT, 'vehicle_pool_periods: a stay is only closed, once');
END;

CREATE TRIGGER driver_pool_periods_close_only BEFORE UPDATE ON driver_pool_periods
WHEN OLD.ends_at IS NOT NULL OR NEW.ends_at IS NULL
  OR NEW.driver_id <> OLD.driver_id OR NEW.starts_at <> OLD.starts_at
BEGIN
    SELECT RAISE(ABORT, 'driver_pool_periods: a stay is only closed, once');
END;

CREATE TRIGGER vehicle_pool_periods_keep_closed BEFORE DELETE ON vehicle_pool_periods
WHEN OLD.ends_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'vehicle_pool_periods: a closed stay is history');
END;

CREATE TRIGGER driver_pool_periods_keep_closed BEFORE DELETE ON driver_pool_periods
WHEN OLD.ends_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'driver_pool_periods: a closed stay is history');
END;

-- What the register knew before: nothing of past retirements. A vehicle or
-- driver in the pool today counts from its registration; one retired or
-- inactive today counts as never having been in the pool (as every report
-- counted it until now).
INSERT INTO vehicle_pool_periods (vehicle_id, starts_at, ends_at)
SELECT id, created_at, NULL FROM vehicles WHERE status = 'active';
INSERT INTO driver_pool_periods (driver_id, starts_at, ends_at)
SELECT id, created_at, NULL FROM drivers WHERE status = 'active';
