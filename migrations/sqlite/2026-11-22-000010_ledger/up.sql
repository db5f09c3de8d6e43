-- The finance ledger: chart of accounts, budget lines, monthly periods,
-- allocations, the double-entry journal, commitments, spending norms,
-- expense claims and bank/treasury reconciliation.
--
-- Money is INTEGER hundredths of a đồng. Dates are 'YYYY-MM-DD' text (the
-- office's local calendar day). The journal and the allocations are
-- append-only: a mistake is corrected by a new entry, never an edit.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    code          TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 8 AND code NOT GLOB '*[^0-9]*'),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind          TEXT NOT NULL CHECK (kind IN ('asset', 'liability', 'net_assets', 'revenue', 'expense')),
    reconcilable  INTEGER NOT NULL DEFAULT 0 CHECK (reconcilable IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX accounts_code_key ON accounts (code);

CREATE TABLE budget_lines (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    code        TEXT NOT NULL CHECK (code GLOB '[0-9][0-9][0-9][0-9]'),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    control     TEXT NOT NULL CHECK (control IN ('stop', 'warn', 'ignore')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX budget_lines_code_key ON budget_lines (code);

-- A row per month that has seen a posting or a close.
CREATE TABLE periods (
    period        TEXT PRIMARY KEY NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]' AND substr(period, 6, 2) BETWEEN '01' AND '12'),
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closed_at     TEXT,
    closed_by     TEXT REFERENCES users (id),
    forced_reason TEXT,
    CONSTRAINT periods_closed_has_when CHECK (status = 'open' OR (closed_at IS NOT NULL AND closed_by IS NOT NULL))
) STRICT;

CREATE TABLE allocations (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    amount_minor          INTEGER NOT NULL CHECK (amount_minor <> 0),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_by      TEXT REFERENCES users (id),
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX allocations_position_idx ON allocations (fiscal_year, board_id, budget_line_id);

CREATE TABLE journal_entries (
    id           TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    entry_date   TEXT NOT NULL,
    period       TEXT NOT NULL REFERENCES periods (period),
    description  TEXT NOT NULL CHECK (length(trim(description)) > 0),
    reference    TEXT,
    source       TEXT NOT NULL CHECK (source IN ('manual', 'expense', 'trip', 'asset', 'import', 'reversal')),
    source_id    TEXT,
    reverses_id  TEXT REFERENCES journal_entries (id),
    created_by   TEXT REFERENCES users (id),
    created_at   TEXT NOT NULL,
    CONSTRAINT journal_entries_period_of_date CHECK (period = substr(entry_date, 1, 7)),
    CONSTRAINT journal_entries_reversal_names_entry CHECK ((source = 'reversal') = (reverses_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX journal_entries_reverses_key ON journal_entries (reverses_id);
CREATE UNIQUE INDEX journal_entries_source_key ON journal_entries (source, source_id)
    WHERE source_id IS NOT NULL AND source IN ('trip', 'expense');
CREATE INDEX journal_entries_date_idx ON journal_entries (entry_date, id);

CREATE TABLE journal_lines (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    entry_id        TEXT NOT NULL REFERENCES journal_entries (id) DEFERRABLE INITIALLY DEFERRED,
    line_no         INTEGER NOT NULL CHECK (line_no >= 1),
    entry_date      TEXT NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    debit_minor           INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor          INTEGER NOT NULL CHECK (credit_minor >= 0),
    memo            TEXT,
    CONSTRAINT journal_lines_one_side CHECK ((debit_minor = 0) <> (credit_minor = 0)),
    CONSTRAINT journal_lines_entry_line_key UNIQUE (entry_id, line_no)
) STRICT;
-- Covering indexes for the trial balance and budget execution.
CREATE INDEX journal_lines_account_idx ON journal_lines (account_id, entry_date, debit_minor, credit_minor);
CREATE INDEX journal_lines_budget_idx ON journal_lines (budget_line_id, board_id, entry_date, account_id, debit_minor, credit_minor);

CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;
CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations
BEGIN SELECT RAISE(ABORT, 'allocations is append-only'); END;
CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations
BEGIN SELECT RAISE(ABORT, 'allocations is append-only'); END;

-- An entry is sealed when it is inserted: its lines go in first (the
-- foreign key from a line to its entry is checked at commit), and the
-- entry's insert checks they balance, carry its date and fall in an open
-- month. No line can be added to an entry afterwards.
CREATE TRIGGER journal_lines_unsealed BEFORE INSERT ON journal_lines
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id)
BEGIN
    SELECT RAISE(ABORT, 'journal entry is posted; lines cannot be added');
END;

CREATE TRIGGER journal_entries_balance BEFORE INSERT ON journal_entries
WHEN (SELECT COUNT(*) < 2 OR SUM(debit_minor) <> SUM(credit_minor) FROM journal_lines WHERE entry_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'journal entry does not balance');
END;

CREATE TRIGGER journal_entries_line_dates BEFORE INSERT ON journal_entries
WHEN EXISTS (SELECT 1 FROM journal_lines WHERE entry_id = NEW.id AND entry_date <> NEW.entry_date)
BEGIN
    SELECT RAISE(ABORT, 'journal entry has lines with another date');
END;

CREATE TRIGGER journal_entries_open_period BEFORE INSERT ON journal_entries
WHEN EXISTS (SELECT 1 FROM periods WHERE period = NEW.period AND status = 'closed')
BEGIN
    SELECT RAISE(ABORT, 'period is closed');
END;

CREATE TABLE commitments (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    source          TEXT NOT NULL CHECK (source IN ('booking', 'expense', 'asset_request')),
    source_id       TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    board_id        TEXT NOT NULL REFERENCES boards (id),
    budget_line_id  TEXT NOT NULL REFERENCES budget_lines (id),
    amount_minor          INTEGER NOT NULL CHECK (amount_minor > 0),
    status          TEXT NOT NULL CHECK (status IN ('open', 'settled', 'released')),
    journal_entry_id TEXT REFERENCES journal_entries (id) DEFERRABLE INITIALLY DEFERRED,
    created_at      TEXT NOT NULL,
    settled_at      TEXT,
    CONSTRAINT commitments_source_key UNIQUE (source, source_id)
) STRICT;
CREATE INDEX commitments_position_idx ON commitments (fiscal_year, board_id, budget_line_id) WHERE status = 'open';

CREATE TABLE spending_norms (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    code            TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 40 AND substr(code, 1, 1) GLOB '[a-z]' AND code NOT GLOB '*[^a-z0-9_]*'),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    unit            TEXT NOT NULL CHECK (length(trim(unit)) > 0),
    amount_minor          INTEGER NOT NULL CHECK (amount_minor > 0),
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    created_by      TEXT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT spending_norms_dates CHECK (effective_to IS NULL OR effective_to >= effective_from)
) STRICT;
CREATE INDEX spending_norms_code_idx ON spending_norms (code, effective_from);

CREATE TRIGGER spending_norms_no_overlap_insert BEFORE INSERT ON spending_norms
WHEN EXISTS (
    SELECT 1 FROM spending_norms n
    WHERE n.code = NEW.code
      AND n.effective_from <= COALESCE(NEW.effective_to, '9999-12-31')
      AND NEW.effective_from <= COALESCE(n.effective_to, '9999-12-31'))
BEGIN
    SELECT RAISE(ABORT, 'spending_norms_no_overlap');
END;

CREATE TRIGGER spending_norms_no_overlap_update BEFORE UPDATE ON spending_norms
WHEN EXISTS (
    SELECT 1 FROM spending_norms n
    WHERE n.code = NEW.code AND n.id <> NEW.id
      AND n.effective_from <= COALESCE(NEW.effective_to, '9999-12-31')
      AND NEW.effective_from <= COALESCE(n.effective_to, '9999-12-31'))
BEGIN
    SELECT RAISE(ABORT, 'spending_norms_no_overlap');
END;

CREATE TABLE expenses (
    id                TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    board_id          TEXT NOT NULL REFERENCES boards (id),
    budget_line_id    TEXT NOT NULL REFERENCES budget_lines (id),
    expense_date      TEXT NOT NULL,
    description       TEXT NOT NULL CHECK (length(trim(description)) > 0),
    status            TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
    total_minor             INTEGER NOT NULL CHECK (total_minor > 0),
    over_norm         INTEGER NOT NULL CHECK (over_norm IN (0, 1)),
    override_reason   TEXT,
    overridden_by     TEXT REFERENCES users (id),
    submitted_by      TEXT NOT NULL REFERENCES users (id),
    decided_by        TEXT REFERENCES users (id),
    decided_at        TEXT,
    decision_reason   TEXT,
    journal_entry_id  TEXT REFERENCES journal_entries (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CONSTRAINT expenses_over_norm_overridden CHECK (NOT over_norm OR override_reason IS NOT NULL),
    CONSTRAINT expenses_approved_posted CHECK ((status = 'approved') = (journal_entry_id IS NOT NULL))
) STRICT;
CREATE INDEX expenses_board_idx ON expenses (board_id, expense_date);

CREATE TABLE expense_lines (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    expense_id    TEXT NOT NULL REFERENCES expenses (id),
    line_no       INTEGER NOT NULL CHECK (line_no >= 1),
    norm_code     TEXT NOT NULL,
    norm_id       TEXT REFERENCES spending_norms (id),
    description   TEXT,
    quantity_centi      INTEGER NOT NULL CHECK (quantity_centi > 0),
    unit_amount_minor   INTEGER NOT NULL CHECK (unit_amount_minor > 0),
    claimed_minor       INTEGER NOT NULL CHECK (claimed_minor > 0),
    allowed_minor       INTEGER,
    CONSTRAINT expense_lines_line_key UNIQUE (expense_id, line_no)
) STRICT;

CREATE TABLE reconciliations (
    id             TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]' AND substr(period, 6, 2) BETWEEN '01' AND '12'),
    status         TEXT NOT NULL CHECK (status IN ('open', 'reconciled')),
    created_by     TEXT REFERENCES users (id),
    created_at     TEXT NOT NULL,
    reconciled_by  TEXT REFERENCES users (id),
    reconciled_at  TEXT,
    CONSTRAINT reconciliations_account_period_key UNIQUE (account_id, period)
) STRICT;

CREATE TABLE statement_lines (
    id                 TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    row_no             INTEGER NOT NULL CHECK (row_no >= 1),
    value_date         TEXT NOT NULL,
    amount_minor             INTEGER NOT NULL CHECK (amount_minor <> 0),
    reference          TEXT,
    description        TEXT,
    explanation        TEXT
) STRICT;
CREATE INDEX statement_lines_reconciliation_idx ON statement_lines (reconciliation_id, row_no);

CREATE TABLE reconciliation_matches (
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    statement_line_id  TEXT NOT NULL REFERENCES statement_lines (id),
    journal_line_id    TEXT NOT NULL REFERENCES journal_lines (id),
    method             TEXT NOT NULL CHECK (method IN ('auto', 'manual')),
    created_at         TEXT NOT NULL,
    CONSTRAINT reconciliation_matches_statement_key UNIQUE (statement_line_id),
    CONSTRAINT reconciliation_matches_journal_key UNIQUE (journal_line_id)
) STRICT;
CREATE INDEX reconciliation_matches_reconciliation_idx ON reconciliation_matches (reconciliation_id);

CREATE TABLE reconciliation_notes (
    reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
    journal_line_id    TEXT NOT NULL REFERENCES journal_lines (id),
    note               TEXT NOT NULL CHECK (length(trim(note)) > 0),
    PRIMARY KEY (reconciliation_id, journal_line_id)
) STRICT;

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
