-- The fleet reports read requests and blocks overlapping a period in start
-- order, page by page, across all vehicles and boards.
CREATE INDEX bookings_starts_at_idx ON bookings (starts_at, id);
CREATE INDEX blocks_starts_at_idx ON blocks (starts_at, id);
