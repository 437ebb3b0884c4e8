-- GitHub App mode (PRODUCT.md §9): the App registered from a manifest, its installations, and
-- which installation each repository is reached through.

-- The one App this server acts as. Its secrets are sealed with the secret key, never stored
-- or shown in the clear.
CREATE TABLE github_app (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    app_id                INTEGER NOT NULL,
    slug                  TEXT    NOT NULL,
    name                  TEXT    NOT NULL,
    owner_login           TEXT    NOT NULL,
    html_url              TEXT    NOT NULL,
    client_id             TEXT    NOT NULL,
    client_secret_sealed  BLOB    NOT NULL,
    private_key_sealed    BLOB    NOT NULL,
    webhook_secret_sealed BLOB    NOT NULL,
    created_at            TEXT    NOT NULL
);

-- Where the App is installed, as the `installation` events say.
CREATE TABLE github_installations (
    id            INTEGER PRIMARY KEY,  -- GitHub's installation id
    account_login TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    deleted_at    TEXT
);

-- The installation a repository is synced through (none: the personal token). When the App
-- loses the repository, syncing stops and everything already kept stays.
ALTER TABLE repositories ADD COLUMN installation_id INTEGER;
ALTER TABLE repositories ADD COLUMN sync_stopped_at TEXT;
