DROP INDEX drivers_assignable_idx;
DROP INDEX vehicles_assignable_idx;
