-- 0004: themes and networks, and interest from both sides: expressions of
-- interest of Swedish organisations, declarations of interest of
-- international local governments, the partner-seeking board's contact
-- requests, and staff notes.

CREATE TABLE themes (
    id @ID@,
    slug TEXT NOT NULL UNIQUE,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

ALTER TABLE networks ADD COLUMN theme_id BIGINT REFERENCES themes (id);
ALTER TABLE networks ADD COLUMN description_sv TEXT NOT NULL DEFAULT '';   -- CommonMark
ALTER TABLE networks ADD COLUMN description_en TEXT NOT NULL DEFAULT '';   -- CommonMark
ALTER TABLE networks ADD COLUMN start_date TEXT;                           -- YYYY-MM-DD; countries are checked against it
ALTER TABLE networks ADD COLUMN inception_years INTEGER NOT NULL DEFAULT 1;
ALTER TABLE networks ADD COLUMN project_years INTEGER NOT NULL DEFAULT 3;
ALTER TABLE networks ADD COLUMN capacity INTEGER;                          -- partnerships at most, NULL: open
ALTER TABLE networks ADD COLUMN status TEXT NOT NULL DEFAULT 'planned';
ALTER TABLE networks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The partner countries of a network.
CREATE TABLE network_countries (
    network_id BIGINT NOT NULL REFERENCES networks (id),
    country_iso2 TEXT NOT NULL REFERENCES countries (iso2),
    PRIMARY KEY (network_id, country_iso2)
);

-- Partner institutions (UNCDF, SEI, RWI, ...), free text, in order.
CREATE TABLE network_institutions (
    id @ID@,
    network_id BIGINT NOT NULL REFERENCES networks (id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX network_institutions_network ON network_institutions (network_id);

-- Expressions of interest of Swedish organisations.  One per organisation
-- and network (or theme, when no network is named): a new registration
-- updates the old one.
CREATE TABLE interest_registrations (
    id @ID@,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    network_id BIGINT REFERENCES networks (id),        -- the network asked for, or NULL
    theme_id BIGINT REFERENCES themes (id),            -- or only a theme
    assigned_network_id BIGINT REFERENCES networks (id), -- where staff place it
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT,
    contact_position TEXT,
    partner_in_mind TEXT,                              -- which partner, or NULL for none
    political_support TEXT NOT NULL,                   -- none, in_preparation, decided
    decision_body TEXT,                                -- when decided
    decision_date TEXT,                                -- when decided, YYYY-MM-DD
    message TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,                                -- the contact's language
    status TEXT NOT NULL DEFAULT 'submitted',          -- submitted, in_dialogue, accepted, declined, withdrawn
    withdraw_token_hash TEXT UNIQUE,                   -- lets the contact withdraw from the mail
    client_addr TEXT,                                  -- for rate limiting
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (network_id IS NOT NULL OR theme_id IS NOT NULL)
);
CREATE INDEX interest_registrations_org ON interest_registrations (organisation_id);
CREATE INDEX interest_registrations_status ON interest_registrations (status, created_at);

-- Preferred partner countries of a registration.
CREATE TABLE interest_countries (
    registration_id BIGINT NOT NULL REFERENCES interest_registrations (id),
    country_iso2 TEXT NOT NULL REFERENCES countries (iso2),
    PRIMARY KEY (registration_id, country_iso2)
);

-- Declarations of interest of international local governments.
CREATE TABLE declarations (
    id @ID@,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT,
    contact_position TEXT,
    motivation TEXT NOT NULL,
    consent_publish INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL,                                -- the contact's language
    status TEXT NOT NULL DEFAULT 'received',           -- received, approved, declined, withdrawn, archived
    published_at TEXT,                                 -- on the board since
    assigned_network_id BIGINT REFERENCES networks (id),
    withdraw_token_hash TEXT UNIQUE,
    client_addr TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX declarations_status ON declarations (status, created_at);
CREATE INDEX declarations_org ON declarations (organisation_id);

CREATE TABLE declaration_topics (
    declaration_id BIGINT NOT NULL REFERENCES declarations (id),
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (declaration_id, theme_id)
);

-- Working languages of the international team (ISO 639-1 codes).
CREATE TABLE declaration_languages (
    declaration_id BIGINT NOT NULL REFERENCES declarations (id),
    lang_code TEXT NOT NULL,
    PRIMARY KEY (declaration_id, lang_code)
);

-- A Swedish member asks a published partner for contact through the platform.
CREATE TABLE contact_requests (
    id @ID@,
    declaration_id BIGINT NOT NULL REFERENCES declarations (id),
    requester_id BIGINT NOT NULL REFERENCES people (id),
    requester_org_id BIGINT REFERENCES organisations (id),
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'sent',               -- sent, accepted, declined
    token_hash TEXT NOT NULL UNIQUE,                   -- the answer link mailed to the partner
    created_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX contact_requests_declaration ON contact_requests (declaration_id);

-- Staff notes on registrations and declarations.
CREATE TABLE triage_notes (
    id @ID@,
    object_type TEXT NOT NULL,                         -- registration, declaration
    object_id BIGINT NOT NULL,
    author_id BIGINT REFERENCES people (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX triage_notes_object ON triage_notes (object_type, object_id);

-- Submissions of the public forms, for rate limiting per client address.
CREATE TABLE form_submissions (
    id @ID@,
    form TEXT NOT NULL,                                -- interest, declaration, contact
    client_addr TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX form_submissions_addr ON form_submissions (client_addr, form, at);

INSERT INTO retention_rules (record_type, keep_days, valid_from, note) VALUES
    ('form_submissions', 7, '2026-01-01', 'rate-limiting records of the public forms');

INSERT INTO themes (slug, name_sv, name_en) VALUES
    ('human-rights', 'Mänskliga rättigheter', 'Human rights'),
    ('equitable-health', 'Jämlik hälsa', 'Equitable health'),
    ('climate', 'Klimat', 'Climate action'),
    ('gender-equality', 'Jämställdhet', 'Gender equality'),
    ('democratic-resilience', 'Demokratisk resiliens', 'Democratic resilience'),
    ('youth-participation', 'Ungas delaktighet', 'Youth participation'),
    ('transparency', 'Öppenhet och insyn', 'Transparency and accountability');
