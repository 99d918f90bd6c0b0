-- 0002: people, roles and memberships, sessions, one-time links, API
-- tokens, the mail outbox, the audit log, sign-in throttling and
-- retention rules.  Timestamps are ISO 8601 UTC text ("2026-11-28T09:00:00Z").

CREATE TABLE people (
    id @ID@,
    email TEXT,                          -- lower case; NULL once erased
    name TEXT NOT NULL,
    phone TEXT,
    organisation_id BIGINT REFERENCES organisations (id),
    position TEXT,                       -- job title
    lang TEXT NOT NULL DEFAULT 'sv',     -- preferred language: sv or en
    gender TEXT,                         -- woman, man, other, or NULL (not given)
    password_hash TEXT,                  -- argon2id string; NULL until chosen
    active INTEGER NOT NULL DEFAULT 1,   -- 0: deactivated, cannot sign in
    deactivated_at TEXT,                 -- when active last became 0
    erased_at TEXT,                      -- set when anonymised on request
    pseudonym TEXT NOT NULL,             -- stable stand-in shown after erasure
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (email),
    UNIQUE (pseudonym),
    CHECK (lang IN ('sv', 'en')),
    CHECK (gender IS NULL OR gender IN ('woman', 'man', 'other'))
);

-- Programme-wide roles.
CREATE TABLE person_roles (
    person_id BIGINT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,                  -- administrator, programme_officer, finance_officer
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);

-- Person x organisation.
CREATE TABLE organisation_members (
    person_id BIGINT NOT NULL REFERENCES people (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,                  -- member, contact_person
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, organisation_id, role)
);
CREATE INDEX organisation_members_org ON organisation_members (organisation_id);

-- Thematic networks; the networks capability adds their content.
CREATE TABLE networks (
    id @ID@,
    slug TEXT NOT NULL UNIQUE,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Person x network.
CREATE TABLE network_members (
    person_id BIGINT NOT NULL REFERENCES people (id),
    network_id BIGINT NOT NULL REFERENCES networks (id),
    role TEXT NOT NULL,                  -- project_coordinator, research_advisor, mentor, national_expert
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, network_id, role)
);
CREATE INDEX network_members_network ON network_members (network_id);

-- Sign-in sessions.  Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    id @ID@,
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    csrf_token TEXT NOT NULL,            -- sent in forms; not secret from its owner
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,            -- absolute end
    client_addr TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_person ON sessions (person_id);

-- Single-use links sent by mail or printed by the command line.
CREATE TABLE one_time_links (
    id @ID@,
    kind TEXT NOT NULL,                  -- first_admin, invitation, password_reset, email_change
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT REFERENCES people (id),
    email TEXT,                          -- where the link was sent
    payload TEXT NOT NULL DEFAULT '{}',  -- JSON: roles to grant, new address, ...
    created_by BIGINT REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX one_time_links_person ON one_time_links (person_id);

-- Personal tokens for scripts (Authorization: Bearer).
CREATE TABLE api_tokens (
    id @ID@,
    person_id BIGINT NOT NULL REFERENCES people (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,                -- first characters, to recognise a token
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

-- Mail waiting to be sent, and mail sent.
CREATE TABLE outbox (
    id @ID@,
    kind TEXT NOT NULL,                  -- invitation, password_reset, ...
    to_email TEXT NOT NULL,
    person_id BIGINT REFERENCES people (id),
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,                  -- plain text, UTF-8
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,                  -- a sender is working on it until then
    sent_at TEXT,
    failed_at TEXT,                      -- gave up after the last attempt
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);

-- Every change of state: who, when, what, before and after.  Rows are
-- never updated or deleted (triggers in 0003 enforce it per engine).
CREATE TABLE audit_log (
    id @ID@,
    at TEXT NOT NULL,
    actor_id BIGINT REFERENCES people (id),  -- NULL: the system or a visitor
    action TEXT NOT NULL,                -- e.g. person.update, session.create
    object_type TEXT NOT NULL,           -- person, organisation, network, ...
    object_id TEXT,
    before_json TEXT,                    -- JSON of the changed fields before
    after_json TEXT,                     -- and after
    request_id TEXT,
    client_addr TEXT
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- Sign-in attempts, for throttling per account and per client address.
CREATE TABLE signin_attempts (
    id @ID@,
    at TEXT NOT NULL,
    email TEXT NOT NULL,                 -- as typed, folded to lower case
    client_addr TEXT NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX signin_attempts_email ON signin_attempts (email, at);
CREATE INDEX signin_attempts_addr ON signin_attempts (client_addr, at);

-- How long each kind of record is kept, as effective-dated data.
CREATE TABLE retention_rules (
    id @ID@,
    record_type TEXT NOT NULL,           -- sessions, one_time_links, outbox, signin_attempts, ...
    keep_days INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (record_type, valid_from),
    CHECK (keep_days >= 0)
);

-- When the daily jobs last ran (so several app servers run them once).
CREATE TABLE maintenance_runs (
    job TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL
);

-- The audit log is append-only, whatever code runs against the database.
-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- @end
-- @postgresql
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
-- @end

INSERT INTO retention_rules (record_type, keep_days, valid_from, note) VALUES
    ('sessions', 30, '2026-01-01', 'ended or expired sessions, counted from their end'),
    ('one_time_links', 90, '2026-01-01', 'used or expired links, counted from use or expiry'),
    ('outbox', 180, '2026-01-01', 'sent or abandoned mail, counted from sending'),
    ('signin_attempts', 30, '2026-01-01', 'sign-in attempts, counted from the attempt'),
    ('api_tokens', 365, '2026-01-01', 'revoked tokens, counted from revocation'),
    ('inactive_people', 1095, '2026-01-01', 'deactivated accounts are anonymised this long after deactivation');
