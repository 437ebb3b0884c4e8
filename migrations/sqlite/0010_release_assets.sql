-- The files attached to a GitHub release, as the last sync or webhook saw them.
CREATE TABLE release_assets (
    id             INTEGER PRIMARY KEY,
    version_id     INTEGER NOT NULL REFERENCES releases (version_id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    -- Bytes.
    size           INTEGER NOT NULL,
    content_type   TEXT    NOT NULL DEFAULT '',
    download_url   TEXT    NOT NULL DEFAULT '',
    download_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (version_id, name)
);
