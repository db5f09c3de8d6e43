DROP TABLE audit_log;
DROP TABLE users;
DROP TABLE boards;
