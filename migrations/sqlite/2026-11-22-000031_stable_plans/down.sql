DROP INDEX bookings_status_idx;
CREATE INDEX bookings_status_idx ON bookings (status, starts_at);
DROP INDEX journal_entries_source_id_idx;
DROP INDEX commitments_position_idx;
CREATE INDEX commitments_position_idx ON commitments (fiscal_year, board_id, budget_line_id) WHERE status = 'open';
