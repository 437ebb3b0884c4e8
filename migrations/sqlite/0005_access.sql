-- People, their roles per repository, and API tokens for machines (PRODUCT.md §6).

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    -- NULL only for the local administrator of a server without OAuth.
    github_id        INTEGER UNIQUE,
    login            TEXT    NOT NULL,
    name             TEXT,
    avatar_url       TEXT,
    -- The user's GitHub token: nonce then ciphertext, sealed with the secret key.
    github_token     BLOB,
    local_admin      INTEGER NOT NULL DEFAULT 0 CHECK (local_admin IN (0, 1)),
    -- When the roles below were last read from GitHub.
    roles_checked_at TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

-- A user's role per repository, as GitHub's permissions said when last checked.
CREATE TABLE memberships (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('maintainer', 'viewer')),
    checked_at    TEXT    NOT NULL,
    PRIMARY KEY (user_id, repository_id)
);

-- Only the SHA-256 of a token is kept; the token itself is shown once.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    label         TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    -- The last characters of the token, so people can tell tokens apart.
    hint          TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_by_repository ON api_tokens (repository_id, created_at DESC);

-- Sign-in sessions, in the layout of tower-sessions' SQLite store, so they survive restarts.
CREATE TABLE tower_sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    expiry_date INTEGER NOT NULL
);
