-- Releases planned before their tag, the writes Release Desk makes to GitHub, and withdrawals
-- mirrored to GitHub (PRODUCT.md §9).

-- A planned release. Its version row exists from the start (no tag yet, so not public), and
-- its checklist hangs on that row: when the tag appears, the sync finds the same row by its
-- tag name, so the plan becomes the version with its checklist and log.
CREATE TABLE plans (
    version_id       INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    -- YYYY-MM-DD.
    target_date      TEXT    NOT NULL,
    -- Where the release is prepared; the gate's commit status goes on its head.
    branch           TEXT    NOT NULL,
    -- Markdown; the release's notes when CHANGELOG.md has no section for it.
    notes            TEXT    NOT NULL DEFAULT '',
    planned_by       TEXT    NOT NULL,
    planned_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    -- A dropped plan keeps its row, checklist and log; planning the version again revives it.
    cancelled_at     TEXT,
    -- The commit status last written to the branch: each change is written once.
    gate_sha         TEXT,
    gate_state       TEXT,
    gate_description TEXT
);

CREATE TRIGGER plans_insert_moves_data_version AFTER INSERT ON plans BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER plans_update_moves_data_version AFTER UPDATE ON plans BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER plans_delete_moves_data_version AFTER DELETE ON plans BEGIN
    UPDATE data_version SET version = version + 1;
END;

-- Every write to GitHub: who asked, what, and GitHub's answer. Append-only.
CREATE TABLE github_writes (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    version_id    INTEGER REFERENCES versions (id),
    -- 'status', 'publish', 'withdraw' or 'restore'.
    action        TEXT    NOT NULL,
    -- Method and path, e.g. `POST /repos/acme/orbit/releases`.
    request       TEXT    NOT NULL,
    -- What was asked, in a line (a publish with open items carries the maintainer's reason).
    detail        TEXT    NOT NULL,
    -- GitHub's HTTP status; NULL when no answer came.
    status        INTEGER,
    -- GitHub's message, or what was made (a release's URL).
    answer        TEXT    NOT NULL,
    by            TEXT    NOT NULL,
    at            TEXT    NOT NULL
);
CREATE INDEX github_writes_by_version ON github_writes (version_id, id);

CREATE TRIGGER github_writes_are_kept_as_written BEFORE UPDATE ON github_writes
BEGIN
    SELECT RAISE(ABORT, 'the log of GitHub writes is append-only');
END;
CREATE TRIGGER github_writes_are_never_deleted BEFORE DELETE ON github_writes
BEGIN
    SELECT RAISE(ABORT, 'the log of GitHub writes is append-only');
END;

-- Mirror withdrawals to GitHub: the release is marked pre-release with a warning on top.
ALTER TABLE repositories ADD COLUMN mirror_withdrawals INTEGER NOT NULL DEFAULT 0
    CHECK (mirror_withdrawals IN (0, 1));
-- A mirrored withdrawal keeps the release's flag and notes as they were, to restore exactly.
ALTER TABLE withdrawals ADD COLUMN mirrored_release_id INTEGER;
ALTER TABLE withdrawals ADD COLUMN original_prerelease INTEGER;
ALTER TABLE withdrawals ADD COLUMN original_body TEXT;
