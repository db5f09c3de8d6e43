-- Indexes a query can use whatever values it binds. A partial index serves
-- only a query whose WHERE repeats the index's condition literally, and the
-- service binds its values: the open commitments are found by a plain index
-- ending in the status, and posted documents by their source id.
DROP INDEX commitments_position_idx;
CREATE INDEX commitments_position_idx ON commitments (fiscal_year, board_id, budget_line_id, status);
CREATE INDEX journal_entries_source_id_idx ON journal_entries (source_id, source);
-- Assignment ranks vehicles and drivers by the minutes booked in the trip's
-- week: one scan of the week's bookings by status, read from the index
-- alone. It replaces the index by status and start, which it extends.
DROP INDEX bookings_status_idx;
CREATE INDEX bookings_status_idx ON bookings (status, starts_at, vehicle_id, driver_id, planned_minutes);
