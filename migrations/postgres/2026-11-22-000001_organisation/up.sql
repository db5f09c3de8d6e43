-- Organisation: boards, users, and the append-only audit log.
-- Ids are UUIDv7 text (one representation on both backends), timestamps
-- UTC `timestamp` (no time zone), booleans native. Codes and usernames use
-- the "C" collation: byte order, as on SQLite, so lists and cursors page
-- the same way whatever the cluster's locale.

CREATE TABLE boards (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    code        TEXT COLLATE "C" NOT NULL CHECK (code = upper(code) AND length(code) BETWEEN 2 AND 16),
    name        TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX boards_code_key ON boards (code);

CREATE TABLE users (
    id             TEXT PRIMARY KEY CHECK (length(id) = 36),
    username       TEXT COLLATE "C" NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 3 AND 64),
    full_name      TEXT NOT NULL CHECK (length(btrim(full_name)) > 0),
    role           TEXT NOT NULL CHECK (role IN ('clerk', 'driver', 'dispatcher', 'finance', 'manager', 'admin')),
    board_id       TEXT REFERENCES boards (id),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash  TEXT NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'),
    token_version  INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CONSTRAINT users_clerk_has_board CHECK (role <> 'clerk' OR board_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE INDEX users_board_id_idx ON users (board_id);

-- No foreign keys on purpose: the record of a change must outlive anything
-- it mentions.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    occurred_at   TIMESTAMP NOT NULL,
    actor_id      TEXT,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_type   TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    board_id      TEXT,
    before_state  TEXT CHECK (before_state IS NULL OR before_state::jsonb IS NOT NULL),
    after_state   TEXT CHECK (after_state IS NULL OR after_state::jsonb IS NOT NULL),
    request_id    TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);
CREATE INDEX audit_log_board_id_idx ON audit_log (board_id);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
