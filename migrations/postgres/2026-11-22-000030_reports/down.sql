DROP INDEX blocks_starts_at_idx;
DROP INDEX bookings_starts_at_idx;
