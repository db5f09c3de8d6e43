DROP INDEX bookings_long_idx;
