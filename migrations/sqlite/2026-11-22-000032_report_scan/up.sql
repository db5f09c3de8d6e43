-- The fleet reports read every request of a period in start order. The
-- start-order index holds every column they read, so a year of requests is
-- one pass over the index and never a lookup into the table per row.
DROP INDEX bookings_starts_at_idx;
CREATE INDEX bookings_starts_at_idx ON bookings (
    starts_at, id, ends_at, status, board_id, vehicle_id, driver_id,
    category_wish, passengers, odometer_start, odometer_end);
