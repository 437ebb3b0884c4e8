-- Evidence read from GitHub for a version's commit: check runs, commit statuses, workflow runs,
-- code scanning and Dependabot alerts, attestations of the release's files. Each reading is
-- kept as it was captured, and a newer one that disagrees is kept beside it, never over it:
-- GitHub forgets (re-runs replace check runs, old statuses and runs expire).
CREATE TABLE evidence_snapshots (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('checks', 'statuses', 'workflow_runs',
                                                 'code_scanning', 'dependabot', 'attestations')),
    commit_sha  TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('pass', 'fail', 'pending', 'unavailable')),
    summary     TEXT    NOT NULL,
    -- Where a person sees it on GitHub.
    url         TEXT    NOT NULL,
    -- The findings, as JSON: each check, status, run, alert or file with its state.
    detail      TEXT    NOT NULL,
    captured_at TEXT    NOT NULL
);
CREATE INDEX evidence_snapshots_by_version ON evidence_snapshots (version_id, kind, id);

CREATE TRIGGER evidence_snapshots_are_kept_as_written BEFORE UPDATE ON evidence_snapshots
BEGIN
    SELECT RAISE(ABORT, 'evidence snapshots are kept as captured');
END;
CREATE TRIGGER evidence_snapshots_are_never_deleted BEFORE DELETE ON evidence_snapshots
BEGIN
    SELECT RAISE(ABORT, 'evidence snapshots are kept as captured');
END;
CREATE TRIGGER evidence_snapshots_insert_moves_data_version AFTER INSERT ON evidence_snapshots
BEGIN
    UPDATE data_version SET version = version + 1;
END;

-- An item ticked by evidence: the source that proved it and when that reading was captured.
-- A person's change of the item clears both.
ALTER TABLE checklist_items ADD COLUMN verified_kind TEXT;
ALTER TABLE checklist_items ADD COLUMN verified_at TEXT;
-- The snapshot a tick by evidence relied on (none for tags, releases and CHANGELOG.md, which
-- the store itself keeps).
ALTER TABLE checklist_changes ADD COLUMN snapshot_id INTEGER REFERENCES evidence_snapshots (id);

-- A release file's digest (`sha256:...`), which its attestations name.
ALTER TABLE release_assets ADD COLUMN digest TEXT;
-- Release pages were cached before digests were read: the next sync reads them again.
DELETE FROM http_cache WHERE url LIKE '%/releases%';

-- Webhooks about CI name a commit: find its version at once.
CREATE INDEX tags_by_commit ON tags (commit_sha);
