-- Organisation: boards, users, and the append-only audit log.
-- STRICT tables: SQLite enforces column types. Ids are UUIDv7 text,
-- timestamps UTC text as written by diesel, booleans 0/1.

CREATE TABLE boards (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    code        TEXT NOT NULL CHECK (code = upper(code) AND length(code) BETWEEN 2 AND 16),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX boards_code_key ON boards (code);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    username       TEXT NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 3 AND 64),
    full_name      TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    role           TEXT NOT NULL CHECK (role IN ('clerk', 'driver', 'dispatcher', 'finance', 'manager', 'admin')),
    board_id       TEXT REFERENCES boards (id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    password_hash  TEXT NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'),
    token_version  INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT users_clerk_has_board CHECK (role <> 'clerk' OR board_id IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE INDEX users_board_id_idx ON users (board_id);

-- No foreign keys on purpose: the record of a change must outlive anything
-- it mentions.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    occurred_at   TEXT NOT NULL,
    actor_id      TEXT,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_type   TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    board_id      TEXT,
    before_state  TEXT CHECK (before_state IS NULL OR json_valid(before_state)),
    after_state   TEXT CHECK (after_state IS NULL OR json_valid(after_state)),
    request_id    TEXT
) STRICT;
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);
CREATE INDEX audit_log_board_id_idx ON audit_log (board_id);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
