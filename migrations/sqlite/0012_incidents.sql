-- Incident notices (PRODUCT.md §4), with the process's communication template as columns.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    issue         TEXT    NOT NULL,
    impact        TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('investigating', 'fix_in_progress', 'resolved')),
    workaround    TEXT    NOT NULL DEFAULT '',
    timeline      TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL DEFAULT '',
    severity      TEXT    NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    -- A range such as `>=1.4.0, <1.4.3` (app::domain::incident::AffectedRange).
    affected      TEXT    NOT NULL,
    fixed_in      TEXT,
    -- Drafts (0) are for maintainers only.
    published     INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    published_at  TEXT,
    resolved_at   TEXT,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX incidents_by_repository ON incidents (repository_id, published, status);

-- The public timeline: every status change and message, append-only.
CREATE TABLE incident_updates (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    status      TEXT    NOT NULL CHECK (status IN ('investigating', 'fix_in_progress', 'resolved')),
    message     TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id);

CREATE TRIGGER incident_updates_are_kept_as_written BEFORE UPDATE ON incident_updates
BEGIN
    SELECT RAISE(ABORT, 'incident updates are append-only');
END;
CREATE TRIGGER incident_updates_are_never_deleted BEFORE DELETE ON incident_updates
BEGIN
    SELECT RAISE(ABORT, 'incident updates are append-only');
END;
