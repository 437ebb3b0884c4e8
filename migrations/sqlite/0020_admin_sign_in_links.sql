-- A one-time sign-in link for the local administrator made by `releasedesk admin link`: the
-- way back in once people sign in with GitHub, for whoever runs the server. Only the token's
-- hash is kept; a link is deleted when it is followed, and a new one replaces the last.
CREATE TABLE admin_sign_in_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    expires_at TEXT NOT NULL
);
