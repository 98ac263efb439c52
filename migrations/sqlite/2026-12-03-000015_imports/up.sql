-- Spreadsheet imports: one row per file sent, dry run or commit, with its report. Every audit
-- event an import writes names it.
ALTER TABLE audit_events ADD COLUMN import_id TEXT;

CREATE TABLE imports (
    id TEXT PRIMARY KEY NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    file_name TEXT,
    format TEXT NOT NULL,
    kind TEXT,
    mode TEXT NOT NULL,
    publish BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_written BIGINT NOT NULL DEFAULT 0,
    message TEXT,
    report TEXT
);
