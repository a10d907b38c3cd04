-- 0001_init.sql — the foundation schema: users and sign-in, statuses and
-- priorities, groups, tickets with their thread, attachments, the event log,
-- the outbox and per-agent read marks. Times are milliseconds since the epoch
-- (UTC). Forward-only: a later change is a new file, never an edit here.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('ticket_number', 0);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('agent', 'customer')),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,          -- lower-cased email
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    availability TEXT NOT NULL DEFAULT 'offline',
    capacity INTEGER,
    skills TEXT NOT NULL DEFAULT '',         -- newline-separated
    organization_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_kind_name ON users (kind, name);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the cookie value
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the token
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE statuses (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('open', 'pending', 'active', 'closed')),
    position INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE priorities (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    assignment TEXT NOT NULL DEFAULT 'manual',
    created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status_id INTEGER NOT NULL REFERENCES statuses (id),
    priority_id INTEGER NOT NULL REFERENCES priorities (id),
    assignee_id INTEGER REFERENCES users (id),
    group_id INTEGER REFERENCES groups (id),
    requester_id INTEGER NOT NULL REFERENCES users (id),
    deadline INTEGER,
    channel TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    last_event_id INTEGER NOT NULL DEFAULT 0 -- newest event of this ticket
);
CREATE INDEX tickets_status ON tickets (status_id, number);
CREATE INDEX tickets_priority ON tickets (priority_id, number);
CREATE INDEX tickets_assignee ON tickets (assignee_id, number);
CREATE INDEX tickets_group ON tickets (group_id, number);
CREATE INDEX tickets_requester ON tickets (requester_id, number);
CREATE INDEX tickets_created ON tickets (created_at, number);
CREATE INDEX tickets_updated ON tickets (updated_at, number);
CREATE INDEX tickets_deadline ON tickets (deadline, number);

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

CREATE TABLE ticket_followers (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);

CREATE TABLE ticket_reads (
    user_id INTEGER NOT NULL REFERENCES users (id),
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seen_event_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('inbound', 'reply', 'note')),
    author_id INTEGER REFERENCES users (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

-- The event log: the audit trail, the history endpoint and the realtime feed.
-- ticket_id has no foreign key: a deleted ticket keeps its history.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    type TEXT NOT NULL,
    ticket_id INTEGER,
    ticket_number INTEGER,
    requester_id INTEGER,                    -- for stream visibility
    is_internal INTEGER NOT NULL DEFAULT 0,  -- agents only (notes)
    data TEXT NOT NULL                       -- JSON
);
CREATE INDEX events_ticket ON events (ticket_id, id);

-- Work for after commit (email out, webhooks, notifications), written in the
-- same transaction as the change that caused it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,                   -- JSON
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_pending ON outbox (state, next_attempt_at);

-- Full-text search: external-content FTS5 tables kept by triggers, folding
-- case and diacritics (Unicode 6.1 tables of unicode61).
CREATE VIRTUAL TABLE ticket_fts USING fts5 (
    subject, description,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_fts (rowid, subject, description)
    VALUES (new.id, new.subject, new.description);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, description ON tickets BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO ticket_fts (rowid, subject, description)
    VALUES (new.id, new.subject, new.description);
END;

CREATE VIRTUAL TABLE message_fts USING fts5 (
    body,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_fts (message_fts, rowid, body)
    VALUES ('delete', old.id, old.body);
END;

INSERT INTO statuses (key, name, category, position) VALUES
    ('todo', 'To do', 'open', 1),
    ('waiting', 'Waiting', 'pending', 2),
    ('in_progress', 'In progress', 'active', 3),
    ('closed', 'Closed', 'closed', 4);

INSERT INTO priorities (key, name, position) VALUES
    ('minor', 'Minor', 1),
    ('normal', 'Normal', 2),
    ('major', 'Major', 3);
