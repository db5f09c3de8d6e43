-- When each vehicle and each driver was in the pool: a row per stay, from
-- its registration or return (`starts_at`) to its retirement or
-- deactivation (`ends_at`; NULL while it is still in the pool). The
-- reports of a past period count the pool from these rows, not from the
-- register's current status. A resource's stays never overlap: the
-- exclusion constraints below refuse it (an open stay is the range
-- [starts_at, ∞)), and the unique index keeps one open stay.
-- A closed stay is history: it is neither changed nor deleted; an open one
-- is closed once, or deleted when it ends the instant it began.

CREATE TABLE vehicle_pool_periods (
    vehicle_id  TEXT NOT NULL REFERENCES vehicles (id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP,
    PRIMARY KEY (vehicle_id, starts_at),
    CHECK (ends_at IS NULL OR ends_at > starts_at),
    CONSTRAINT vehicle_pool_periods_no_overlap
        EXCLUDE USING gist (vehicle_id WITH =, tsrange(starts_at, ends_at) WITH &&)
);
CREATE UNIQUE INDEX vehicle_pool_periods_open_key ON vehicle_pool_periods (vehicle_id) WHERE ends_at IS NULL;

CREATE TABLE driver_pool_periods (
    driver_id   TEXT NOT NULL REFERENCES drivers (id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP,
    PRIMARY KEY (driver_id, starts_at),
    CHECK (ends_at IS NULL OR ends_at > starts_at),
    CONSTRAINT driver_pool_periods_no_overlap
        EXCLUDE USING gist (driver_id WITH =, tsrange(starts_at, ends_at) WITH &&)
);
CREATE UNIQUE INDEX driver_pool_periods_open_key ON driver_pool_periods (driver_id) WHERE ends_at IS NULL;

CREATE FUNCTION pool_period_close_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.ends_at IS NOT NULL THEN
            RAISE EXCEPTION '%: a closed stay is history', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    -- Closing a stay only ever shortens it, so it cannot come to overlap another.
    IF OLD.ends_at IS NOT NULL OR NEW.ends_at IS NULL OR NEW.starts_at <> OLD.starts_at
       OR to_jsonb(NEW) - 'ends_at' <> to_jsonb(OLD) - 'ends_at' THEN
        RAISE EXCEPTION '%: a stay is only closed, once', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER vehicle_pool_periods_close_only
    BEFORE UPDATE OR DELETE ON vehicle_pool_periods
    FOR EACH ROW EXECUTE FUNCTION pool_period_close_only();
CREATE TRIGGER vehicle_pool_periods_no_truncate
    BEFORE TRUNCATE ON vehicle_pool_periods
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER driver_pool_periods_close_only
    BEFORE UPDATE OR DELETE ON driver_pool_periods
    FOR EACH ROW EXECUTE FUNCTION pool_period_close_only();
CREATE TRIGGER driver_pool_periods_no_truncate
    BEFORE TRUNCATE ON driver_pool_periods
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- What the register knew before: nothing of past retirements. A vehicle or
-- driver in the pool today counts from its registration; one retired or
-- inactive today counts as never having been in the pool (as every report
-- counted it until now).
INSERT INTO vehicle_pool_periods (vehicle_id, starts_at, ends_at)
SELECT id, created_at, NULL FROM vehicles WHERE status = 'active';
INSERT INTO driver_pool_periods (driver_id, starts_at, ends_at)
SELECT id, created_at, NULL FROM drivers WHERE status = 'active';
