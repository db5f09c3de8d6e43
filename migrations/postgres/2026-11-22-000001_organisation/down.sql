DROP TABLE audit_log;
DROP FUNCTION refuse_change();
DROP TABLE users;
DROP TABLE boards;
