-- 0005: matching Swedish participants of a network with international
-- partners: settings per network, the coordinator's constraints and the
-- sides' rankings, every run of the solver, and the partnerships a
-- confirmed run creates, introduced by mutual consent.

CREATE TABLE match_settings (
    network_id BIGINT PRIMARY KEY REFERENCES networks (id),
    weights_json TEXT NOT NULL,                      -- {"topic": 3, "country": 2, ...}
    cap_per_country INTEGER,                         -- at most this many partnerships per country
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

-- Pairs the coordinator locked (always kept) or forbade (never proposed).
CREATE TABLE match_constraints (
    network_id BIGINT NOT NULL REFERENCES networks (id),
    registration_id BIGINT NOT NULL REFERENCES interest_registrations (id),
    declaration_id BIGINT NOT NULL REFERENCES declarations (id),
    kind TEXT NOT NULL,                              -- lock, forbid
    created_by BIGINT REFERENCES people (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (network_id, registration_id, declaration_id)
);

-- Rankings the sides gave (1 = first choice), as the coordinator recorded them.
CREATE TABLE match_rankings (
    network_id BIGINT NOT NULL REFERENCES networks (id),
    side TEXT NOT NULL,                              -- swedish: the registration ranks the
                                                     -- declaration; international: the reverse
    registration_id BIGINT NOT NULL REFERENCES interest_registrations (id),
    declaration_id BIGINT NOT NULL REFERENCES declarations (id),
    rank INTEGER NOT NULL,
    PRIMARY KEY (network_id, side, registration_id, declaration_id),
    CHECK (rank >= 1)
);

-- Every run of the solver, as the coordinator saw it.
CREATE TABLE match_runs (
    id @ID@,
    network_id BIGINT NOT NULL REFERENCES networks (id),
    run_by BIGINT REFERENCES people (id),
    run_at TEXT NOT NULL,
    mode TEXT NOT NULL,                              -- optimal, stable
    settings_json TEXT NOT NULL,                     -- weights, cap, constraints used
    result_json TEXT NOT NULL,                       -- pairs, scores, unmatched with reasons
    total DOUBLE PRECISION NOT NULL,
    confirmed_at TEXT,
    confirmed_by BIGINT REFERENCES people (id)
);
CREATE INDEX match_runs_network ON match_runs (network_id, id);

-- A partnership: one Swedish and one international party.  Matching creates
-- it; the partnerships capability gives it its content.
CREATE TABLE partnerships (
    id @ID@,
    network_id BIGINT REFERENCES networks (id),
    swedish_org_id BIGINT NOT NULL REFERENCES organisations (id),
    international_org_id BIGINT NOT NULL REFERENCES organisations (id),
    registration_id BIGINT REFERENCES interest_registrations (id),
    declaration_id BIGINT REFERENCES declarations (id),
    match_run_id BIGINT REFERENCES match_runs (id),
    status TEXT NOT NULL DEFAULT 'proposed',         -- proposed, introduced, declined
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX partnerships_network ON partnerships (network_id);
-- A registration or declaration is in at most one live partnership: two
-- coordinators confirming at once cannot give a party two partners.
CREATE UNIQUE INDEX partnerships_live_registration ON partnerships (registration_id)
    WHERE status IN ('proposed', 'introduced');
CREATE UNIQUE INDEX partnerships_live_declaration ON partnerships (declaration_id)
    WHERE status IN ('proposed', 'introduced');

-- Each side agrees to be introduced before contact details are exchanged.
CREATE TABLE partnership_consents (
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id),
    side TEXT NOT NULL,                              -- swedish, international
    token_hash TEXT NOT NULL UNIQUE,                 -- the answer link mailed to the side's contact
    answer TEXT,                                     -- accepted, declined, or NULL while waiting
    answered_at TEXT,
    PRIMARY KEY (partnership_id, side)
);
