-- A report must also read the requests that started before its period and
-- are still running when it begins. Requests last up to 92 days, but few
-- last more than a day: this index holds only those lasting more than 23
-- hours, so the start of a period is found without walking the 92 days
-- before it. The query repeats the predicate
-- (storage::fleet_reports::LONG_TRIP), which is how the planner knows it
-- may use the index.
CREATE INDEX bookings_long_idx ON bookings (starts_at)
    WHERE ends_at > starts_at + interval '23 hours';
