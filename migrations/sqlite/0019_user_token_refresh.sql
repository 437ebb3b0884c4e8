-- A GitHub App's user-to-server tokens expire (after 8 hours by default) and come with a
-- refresh token: both are kept, sealed like the token, so roles are read again without a new
-- sign-in.
ALTER TABLE users ADD COLUMN github_refresh_token BLOB;
ALTER TABLE users ADD COLUMN github_token_expires_at TEXT;
