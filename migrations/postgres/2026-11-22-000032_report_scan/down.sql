DROP INDEX bookings_starts_at_idx;
CREATE INDEX bookings_starts_at_idx ON bookings (starts_at, id);
