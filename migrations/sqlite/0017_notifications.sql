-- Telling people: email subscriptions, outgoing webhooks, and the outbox of what is owed to
-- each of them (PRODUCT.md §9). An event and its deliveries are written in the transaction of
-- the change that caused them; a worker sends them later, so a crash in between loses nothing.

-- One address's subscription to one repository. Addresses are never shown publicly.
CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    repository_id    INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    -- Trimmed, domain lower-cased.
    email            TEXT    NOT NULL,
    -- Space-separated topics: releases prereleases incidents withdrawals eol.
    topics           TEXT    NOT NULL,
    -- Space-separated lines (`2.x 3.x`); empty for every line.
    lines            TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    -- Nothing but the confirmation is sent before this is set.
    confirmed_at     TEXT,
    -- At most one confirmation mail an hour per address.
    confirmation_sent_at TEXT,
    unsubscribed_at  TEXT
);
CREATE UNIQUE INDEX subscriptions_by_address ON subscriptions (repository_id, email COLLATE NOCASE);
CREATE INDEX subscriptions_by_email ON subscriptions (email COLLATE NOCASE);

-- A maintainer's outgoing webhook.
CREATE TABLE hooks (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    -- Space-separated topics, as subscriptions' (the events a hook receives).
    events        TEXT    NOT NULL,
    -- Sealed with the server's secret key.
    secret        BLOB    NOT NULL,
    -- 'json', 'slack', 'discord' or 'teams'.
    format        TEXT    NOT NULL CHECK (format IN ('json', 'slack', 'discord', 'teams')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Why it was turned off, when repeated failures did it.
    disabled_reason TEXT,
    -- Failed attempts since the last success; too many disable the hook.
    failures      INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX hooks_by_repository ON hooks (repository_id, id);

-- Something people are told of, once: `key` names it (`release:3.1.0`, `incident:4:update:9`,
-- `eol:2.x:security:7`), so an event found twice is written once.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    -- The topic: releases, prereleases, incidents, withdrawals or eol.
    topic         TEXT    NOT NULL,
    -- The line it concerns (`3.x`), empty when none (an incident across lines).
    lines         TEXT    NOT NULL DEFAULT '',
    -- What the mail and the payloads are made of, as it was when it happened (JSON).
    payload       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX events_by_key ON events (repository_id, key);

-- What is owed to one recipient: a subscriber's mail (confirmation or event) or a hook's
-- request. `uid` stays the same across retries, so receivers can drop repeats.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE,
    -- NULL for a confirmation mail.
    event_id        INTEGER REFERENCES events (id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE CASCADE,
    hook_id         INTEGER REFERENCES hooks (id) ON DELETE CASCADE,
    -- 'pending', 'sent', 'failed' (gave up) or 'dropped' (the recipient went away).
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    -- The last attempt: when, the receiver's status, what went wrong.
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    sent_at         TEXT,
    CHECK ((subscription_id IS NULL) <> (hook_id IS NULL))
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_by_hook ON deliveries (hook_id, id);
CREATE UNIQUE INDEX deliveries_once ON deliveries (event_id, subscription_id, hook_id);

-- Mail kept on the server when no SMTP server is set (the embedded default): the local
-- administrator reads it at /admin/outbox.
CREATE TABLE local_mail (
    id          INTEGER PRIMARY KEY,
    delivery_uid TEXT   NOT NULL UNIQUE,
    recipient   TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    -- Every header as sent, one per line.
    headers     TEXT    NOT NULL,
    text_body   TEXT    NOT NULL,
    html_body   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

-- A repository's announcement reached a chat hook: evidence for "Announce in team channels".
ALTER TABLE versions ADD COLUMN announced_in_chat_at TEXT;
