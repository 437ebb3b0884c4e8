-- What the GitHub sync keeps between runs (PRODUCT.md §5).

-- The annotated tag object, when the tag is annotated; its tagger date is the tag's date.
ALTER TABLE tags ADD COLUMN tag_object_sha TEXT;

-- GitHub list pages kept for conditional requests: a 304 means "reuse this body".
CREATE TABLE http_cache (
    url        TEXT PRIMARY KEY,
    etag       TEXT NOT NULL,
    next_url   TEXT,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);

-- A git object's date never changes, so each SHA is fetched once.
CREATE TABLE git_dates (
    sha  TEXT PRIMARY KEY,
    date TEXT NOT NULL
);

-- One row per sync attempt, kept whether it succeeded or not.
CREATE TABLE sync_runs (
    id                   INTEGER PRIMARY KEY,
    repository_id        INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    trigger              TEXT    NOT NULL CHECK (trigger IN ('cli', 'schedule', 'webhook')),
    started_at           TEXT    NOT NULL,
    finished_at          TEXT,
    outcome              TEXT    NOT NULL DEFAULT 'running'
                                 CHECK (outcome IN ('running', 'ok', 'failed')),
    requests             INTEGER NOT NULL DEFAULT 0,
    not_modified         INTEGER NOT NULL DEFAULT 0,
    rate_limit_remaining INTEGER,
    error                TEXT
);
CREATE INDEX sync_runs_by_repository ON sync_runs (repository_id, started_at DESC);
