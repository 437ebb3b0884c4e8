-- Repositories we track, and every tag or release seen on GitHub (PRODUCT.md §1).
-- Dates are RFC 3339 text in UTC.

CREATE TABLE repositories (
    id               INTEGER PRIMARY KEY,
    owner            TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    tag_prefix       TEXT    NOT NULL DEFAULT 'v',
    -- The 0.x rule: each 0.y is its own support line.
    zero_major_lines INTEGER NOT NULL DEFAULT 1 CHECK (zero_major_lines IN (0, 1)),
    created_at       TEXT    NOT NULL
);
-- GitHub names are case-insensitive.
CREATE UNIQUE INDEX repositories_by_name ON repositories (owner COLLATE NOCASE, name COLLATE NOCASE);

-- One row per tag name, whether GitHub knows it as a tag, a release, or both. Checklists,
-- withdrawals and incidents attach here, so rows are never purged, only marked deleted below.
CREATE TABLE versions (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    tag           TEXT    NOT NULL,
    -- NULL for "other tags" that are not SemVer after the prefix; then so are the next three.
    version       TEXT,
    -- Byte order is SemVer precedence (app::domain::version::precedence_key).
    precedence    TEXT,
    channel       TEXT CHECK (channel IN ('stable', 'rc', 'beta', 'alpha', 'prerelease')),
    line          TEXT,
    UNIQUE (repository_id, tag)
);
CREATE INDEX versions_by_precedence ON versions (repository_id, precedence DESC);

-- The git tag behind a version.
CREATE TABLE tags (
    version_id     INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    commit_sha     TEXT NOT NULL,
    -- Annotated tagger date, else the commit's committer date.
    tagged_at      TEXT,
    deleted_at     TEXT
);

-- The GitHub release for a version, if any.
CREATE TABLE releases (
    version_id     INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    github_id      INTEGER NOT NULL,
    name           TEXT    NOT NULL DEFAULT '',
    body           TEXT    NOT NULL DEFAULT '',
    html_url       TEXT    NOT NULL DEFAULT '',
    draft          INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
    prerelease     INTEGER NOT NULL DEFAULT 0 CHECK (prerelease IN (0, 1)),
    created_at     TEXT    NOT NULL,
    -- NULL while a draft.
    published_at   TEXT,
    deleted_at     TEXT
);
CREATE INDEX releases_by_github_id ON releases (github_id);
