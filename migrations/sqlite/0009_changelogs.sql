-- A repository's CHANGELOG.md as the contents API gave it at the newest version's tag. The
-- file at a commit never changes, so it is read again only when the newest tag moves on.
CREATE TABLE changelogs (
    repository_id INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    tag           TEXT NOT NULL,
    commit_sha    TEXT NOT NULL,
    -- NULL when that commit has no CHANGELOG.md.
    markdown      TEXT,
    fetched_at    TEXT NOT NULL
);
