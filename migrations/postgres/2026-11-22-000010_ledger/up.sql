-- The finance ledger: chart of accounts, budget lines, monthly periods,
-- allocations, the double-entry journal, commitments, spending norms,
-- expense claims and bank/treasury reconciliation.
--
-- Money is BIGINT hundredths of a đồng. Dates of entries are DATE (the
-- office's local calendar day). The journal and the allocations are
-- append-only: a mistake is corrected by a new entry, never an edit.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    code          TEXT COLLATE "C" NOT NULL CHECK (code ~ '^[0-9]{3,8}$'),
    name          TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    kind          TEXT NOT NULL CHECK (kind IN ('asset', 'liability', 'net_assets', 'revenue', 'expense')),
    reconcilable  BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_code_key ON accounts (code);

CREATE TABLE budget_lines (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    code        TEXT COLLATE "C" NOT NULL CHECK (code ~ '^[0-9]{4}$'),
    name        TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    control     TEXT NOT NULL CHECK (control IN ('stop', 'warn', 'ignore')),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX budget_lines_code_key ON budget_lines (code);

-- A row per month that has seen a posting or a close. Postings take a
-- share lock on it, closing an exclusive one, so no entry slips into a
-- month being closed.
CREATE TABLE periods (
    period        TEXT COLLATE "C" PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closed_at     TIMESTAMP,
    closed_by     TEXT REFERENCES users (id),
    forced_reason TEXT,
    CONSTRAINT periods_closed_has_when CHECK (status = 'open' OR (closed_at IS NOT NULL AND closed_by IS NOT NULL))
);

CREATE TABLE allocations (
    id              TEXT PRIMARY KEY CHECK (length(id) = 36),
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    amount_minor          BIGINT NOT NULL CHECK (amount_minor <> 0),
    reason          TEXT NOT NULL CHECK (length(btrim(reason)) > 0),
    created_by      TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX allocations_position_idx ON allocations (fiscal_year, board_id, budget_line_id);

CREATE TABLE journal_entries (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    entry_date   DATE NOT NULL,
    period       TEXT COLLATE "C" NOT NULL REFERENCES periods (period),
    description  TEXT NOT NULL CHECK (length(btrim(description)) > 0),
    reference    TEXT,
    source       TEXT NOT NULL CHECK (source IN ('manual', 'expense', 'trip', 'asset', 'import', 'reversal')),
    source_id    TEXT,
    reverses_id  TEXT REFERENCES journal_entries (id),
    created_by   TEXT REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    CONSTRAINT journal_entries_period_of_date CHECK (period = to_char(entry_date, 'YYYY-MM')),
    CONSTRAINT journal_entries_reversal_names_entry CHECK ((source = 'reversal') = (reverses_id IS NOT NULL))
);
-- An entry is reversed at most once; a trip or expense is posted at most once.
CREATE UNIQUE INDEX journal_entries_reverses_key ON journal_entries (reverses_id);
CREATE UNIQUE INDEX journal_entries_source_key ON journal_entries (source, source_id)
    WHERE source_id IS NOT NULL AND source IN ('trip', 'expense');
CREATE INDEX journal_entries_date_idx ON journal_entries (entry_date, id);

CREATE TABLE journal_lines (
    id              TEXT PRIMARY KEY CHECK (length(id) = 36),
    entry_id        TEXT NOT NULL REFERENCES journal_entries (id) DEFERRABLE INITIALLY DEFERRED,
    line_no         INTEGER NOT NULL CHECK (line_no >= 1),
    entry_date      DATE NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    debit_minor           BIGINT NOT NULL CHECK (debit_minor >= 0),
    credit_minor          BIGINT NOT NULL CHECK (credit_minor >= 0),
    memo            TEXT,
    CONSTRAINT journal_lines_one_side CHECK ((debit_minor = 0) <> (credit_minor = 0)),
    CONSTRAINT journal_lines_entry_line_key UNIQUE (entry_id, line_no)
);
-- Covering indexes for the trial balance and budget execution.
CREATE INDEX journal_lines_account_idx ON journal_lines (account_id, entry_date) INCLUDE (debit_minor, credit_minor);
CREATE INDEX journal_lines_budget_idx ON journal_lines (budget_line_id, board_id, entry_date) INCLUDE (account_id, debit_minor, credit_minor);

-- Posted lines and entries are immutable.
CREATE TRIGGER journal_entries_append_only
    BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_entries_no_truncate
    BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_lines_append_only
    BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_lines_no_truncate
    BEFORE TRUNCATE ON journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER allocations_append_only
    BEFORE UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER allocations_no_truncate
    BEFORE TRUNCATE ON allocations
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- An entry is sealed when it is inserted: its lines go in first (the
-- foreign key from a line to its entry is checked at commit), and the
-- entry's insert checks they balance, carry its date and fall in an open
-- month. No line can be added to an entry afterwards.
CREATE FUNCTION journal_line_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id) THEN
        RAISE EXCEPTION 'journal entry % is posted; lines cannot be added', NEW.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER journal_lines_unsealed BEFORE INSERT ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION journal_line_unsealed();

CREATE FUNCTION journal_entry_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d BIGINT;
    c BIGINT;
    n INTEGER;
    other_dates INTEGER;
BEGIN
    SELECT COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0), COUNT(*),
           COUNT(*) FILTER (WHERE entry_date <> NEW.entry_date)
      INTO d, c, n, other_dates FROM journal_lines WHERE entry_id = NEW.id;
    IF n < 2 OR d <> c THEN
        RAISE EXCEPTION 'journal entry % does not balance (debits %, credits %, % lines)', NEW.id, d, c, n
            USING ERRCODE = 'check_violation';
    END IF;
    IF other_dates > 0 THEN
        RAISE EXCEPTION 'journal entry % has lines with another date', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM periods p WHERE p.period = NEW.period AND p.status = 'closed') THEN
        RAISE EXCEPTION 'period % is closed', NEW.period USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER journal_entries_seal BEFORE INSERT ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_entry_seal();

CREATE TABLE commitments (
    id              TEXT PRIMARY KEY CHECK (length(id) = 36),
    source          TEXT NOT NULL CHECK (source IN ('booking', 'expense', 'asset_request')),
    source_id       TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    amount_minor          BIGINT NOT NULL CHECK (amount_minor > 0),
    status          TEXT NOT NULL CHECK (status IN ('open', 'settled', 'released')),
    journal_entry_id TEXT REFERENCES journal_entries (id) DEFERRABLE INITIALLY DEFERRED,
    created_at      TIMESTAMP NOT NULL,
    settled_at      TIMESTAMP,
    CONSTRAINT commitments_source_key UNIQUE (source, source_id)
);
CREATE INDEX commitments_position_idx ON commitments (fiscal_year, board_id, budget_line_id) WHERE status = 'open';

CREATE TABLE spending_norms (
    id              TEXT PRIMARY KEY CHECK (length(id) = 36),
    code            TEXT COLLATE "C" NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    name            TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    unit            TEXT NOT NULL CHECK (length(btrim(unit)) > 0),
    amount_minor          BIGINT NOT NULL CHECK (amount_minor > 0),
    effective_from  DATE NOT NULL,
    effective_to    DATE,
    created_by      TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT spending_norms_dates CHECK (effective_to IS NULL OR effective_to >= effective_from),
    CONSTRAINT spending_norms_no_overlap EXCLUDE USING gist (
        code WITH =, daterange(effective_from, effective_to, '[]') WITH &&)
);

CREATE TABLE expenses (
    id                TEXT PRIMARY KEY CHECK (length(id) = 36),
    board_id          TEXT NOT NULL REFERENCES boards (id),
    budget_line_id    TEXT NOT NULL REFERENCES budget_lines (id),
    expense_date      DATE NOT NULL,
    description       TEXT NOT NULL CHECK (length(btrim(description)) > 0),
    status            TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
    total_minor             BIGINT NOT NULL CHECK (total_minor > 0),
    over_norm         BOOLEAN NOT NULL,
    override_reason   TEXT,
    overridden_by     TEXT REFERENCES users (id),
    submitted_by      TEXT NOT NULL REFERENCES users (id),
    decided_by        TEXT REFERENCES users (id),
    decided_at        TIMESTAMP,
    decision_reason   TEXT,
    journal_entry_id  TEXT REFERENCES journal_entries (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CONSTRAINT expenses_over_norm_overridden CHECK (NOT over_norm OR override_reason IS NOT NULL),
    CONSTRAINT expenses_approved_posted CHECK ((status = 'approved') = (journal_entry_id IS NOT NULL))
);
CREATE INDEX expenses_board_idx ON expenses (board_id, expense_date);

CREATE TABLE expense_lines (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    expense_id    TEXT NOT NULL REFERENCES expenses (id),
    line_no       INTEGER NOT NULL CHECK (line_no >= 1),
    norm_code     TEXT NOT NULL,
    norm_id       TEXT REFERENCES spending_norms (id),
    description   TEXT,
    quantity_centi      BIGINT NOT NULL CHECK (quantity_centi > 0),
    unit_amount_minor   BIGINT NOT NULL CHECK (unit_amount_minor > 0),
    claimed_minor       BIGINT NOT NULL CHECK (claimed_minor > 0),
    allowed_minor       BIGINT,
    CONSTRAINT expense_lines_line_key UNIQUE (expense_id, line_no)
);

CREATE TABLE reconciliations (
    id             TEXT PRIMARY KEY CHECK (length(id) = 36),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    period         TEXT COLLATE "C" NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status         TEXT NOT NULL CHECK (status IN ('open', 'reconciled')),
    created_by     TEXT REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    reconciled_by  TEXT REFERENCES users (id),
    reconciled_at  TIMESTAMP,
    CONSTRAINT reconciliations_account_period_key UNIQUE (account_id, period)
);

CREATE TABLE statement_lines (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    row_no             INTEGER NOT NULL CHECK (row_no >= 1),
    value_date         DATE NOT NULL,
    amount_minor             BIGINT NOT NULL CHECK (amount_minor <> 0),
    reference          TEXT,
    description        TEXT,
    explanation        TEXT
);
CREATE INDEX statement_lines_reconciliation_idx ON statement_lines (reconciliation_id, row_no);

-- A statement line matches one ledger line and a ledger line one statement line.
CREATE TABLE reconciliation_matches (
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    statement_line_id  TEXT NOT NULL REFERENCES statement_lines (id),
    journal_line_id    TEXT NOT NULL REFERENCES journal_lines (id),
    method             TEXT NOT NULL CHECK (method IN ('auto', 'manual')),
    created_at         TIMESTAMP NOT NULL,
    CONSTRAINT reconciliation_matches_statement_key UNIQUE (statement_line_id),
    CONSTRAINT reconciliation_matches_journal_key UNIQUE (journal_line_id)
);
CREATE INDEX reconciliation_matches_reconciliation_idx ON reconciliation_matches (reconciliation_id);

-- Ledger lines of the period left unmatched, with the reason.
CREATE TABLE reconciliation_notes (
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    journal_line_id    TEXT NOT NULL REFERENCES journal_lines (id),
    note               TEXT NOT NULL CHECK (length(btrim(note)) > 0),
    PRIMARY KEY (reconciliation_id, journal_line_id)
);

-- The standard chart of accounts of an administrative unit (a subset of the
-- administrative accounting regime) and the budget lines of the state budget
-- classification (mục) an office spends on. Finance may add more.
INSERT INTO accounts (id, code, name, kind, reconcilable, active, created_at) VALUES
    ('00000000-0000-7000-8000-000000000111', '111', 'Tiền mặt', 'asset', TRUE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000112', '112', 'Tiền gửi ngân hàng, kho bạc', 'asset', TRUE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000152', '152', 'Nguyên liệu, vật liệu', 'asset', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000211', '211', 'Tài sản cố định hữu hình', 'asset', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000214', '214', 'Khấu hao và hao mòn lũy kế tài sản cố định', 'asset', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000331', '331', 'Phải trả cho người bán', 'liability', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000334', '334', 'Phải trả người lao động', 'liability', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000338', '338', 'Phải trả khác', 'liability', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000366', '366', 'Các khoản nhận trước chưa ghi thu', 'liability', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000421', '421', 'Thặng dư (thâm hụt) lũy kế', 'net_assets', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000511', '511', 'Thu hoạt động do ngân sách nhà nước cấp', 'revenue', FALSE, TRUE, '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000000611', '611', 'Chi phí hoạt động', 'expense', FALSE, TRUE, '2026-01-01 00:00:00');

INSERT INTO budget_lines (id, code, name, control, active, created_at, updated_at) VALUES
    ('00000000-0000-7000-8000-000000006500', '6500', 'Thanh toán dịch vụ công cộng', 'warn', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000006550', '6550', 'Vật tư văn phòng', 'warn', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000006650', '6650', 'Hội nghị', 'stop', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000006700', '6700', 'Công tác phí', 'stop', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000006900', '6900', 'Sửa chữa, duy tu tài sản', 'stop', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000007000', '7000', 'Chi phí nghiệp vụ chuyên môn', 'warn', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('00000000-0000-7000-8000-000000009050', '9050', 'Mua sắm tài sản dùng cho công tác chuyên môn', 'stop', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
