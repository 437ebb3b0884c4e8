-- Per-version checklists (PRODUCT.md §3).

-- A repository's edited templates; revision 1 of every kind is the built-in template
-- (app::domain::checklist), so only edits are stored, each as a new revision.
CREATE TABLE checklist_templates (
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL
                  CHECK (kind IN ('stable', 'patch', 'hotfix', 'rc', 'beta', 'alpha')),
    revision      INTEGER NOT NULL CHECK (revision >= 2),
    -- The template's text, as maintainers write it.
    body          TEXT    NOT NULL,
    edited_by     TEXT    NOT NULL,
    edited_at     TEXT    NOT NULL,
    PRIMARY KEY (repository_id, kind, revision)
);

-- One checklist per version, made from the template revision current when it was created.
CREATE TABLE checklists (
    id                INTEGER PRIMARY KEY,
    version_id        INTEGER NOT NULL UNIQUE REFERENCES versions (id) ON DELETE CASCADE,
    template_kind     TEXT    NOT NULL,
    template_revision INTEGER NOT NULL,
    created_at        TEXT    NOT NULL,
    -- NULL when the version's appearance created it.
    created_by        TEXT
);

-- The items, copied from the template so that later edits never change them.
CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES checklists (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    section      TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    -- Due this many minutes after the release date.
    due_minutes  INTEGER,
    -- What synced data can show: tag, release, sbom, signature, changelog or backport:LINE.
    evidence     TEXT,
    state        TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'skipped')),
    note         TEXT    NOT NULL DEFAULT '',
    changed_by   TEXT,
    changed_at   TEXT,
    -- Goes up by one with every change: a change based on an older revision is refused.
    revision     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (checklist_id, position)
);
CREATE INDEX checklist_items_by_state ON checklist_items (state, checklist_id);

-- Every change of every item, append-only: the triggers refuse updates and deletes.
CREATE TABLE checklist_changes (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES checklist_items (id),
    state      TEXT    NOT NULL,
    note       TEXT    NOT NULL,
    -- The item's revision this change made.
    revision   INTEGER NOT NULL,
    changed_by TEXT    NOT NULL,
    changed_at TEXT    NOT NULL
);
CREATE INDEX checklist_changes_by_item ON checklist_changes (item_id);

CREATE TRIGGER checklist_changes_are_kept_as_written BEFORE UPDATE ON checklist_changes
BEGIN
    SELECT RAISE(ABORT, 'the checklist audit log is append-only');
END;
CREATE TRIGGER checklist_changes_are_never_deleted BEFORE DELETE ON checklist_changes
BEGIN
    SELECT RAISE(ABORT, 'the checklist audit log is append-only');
END;
