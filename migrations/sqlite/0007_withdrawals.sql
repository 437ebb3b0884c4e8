-- A maintainer's withdrawal of a version (PRODUCT.md §1). Restoring keeps the row, so the
-- history of withdrawals is never lost; a version is withdrawn while restored_at is NULL.
CREATE TABLE withdrawals (
    version_id    INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    reason        TEXT    NOT NULL,
    superseded_by TEXT,
    withdrawn_by  TEXT    NOT NULL,
    withdrawn_at  TEXT    NOT NULL,
    restored_at   TEXT
);
