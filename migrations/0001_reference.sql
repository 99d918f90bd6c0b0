-- 0001: reference data: countries, clusters and eligibility, counties,
-- organisations.  Macros (@ID@, @COLLATE_C@) are expanded per engine by
-- src/db/migrate.c.  Dates and timestamps are ISO 8601 text, computed in C.

CREATE TABLE countries (
    iso2 TEXT PRIMARY KEY,              -- ISO 3166-1 alpha-2 (XK for Kosovo, user-assigned)
    iso3 TEXT NOT NULL,                 -- alpha-3
    numeric_code TEXT,                  -- ISO numeric, NULL for XK
    name_en TEXT NOT NULL,              -- common English name from iso-codes
    name_sv TEXT NOT NULL,              -- iso-codes' own Swedish translation
    official_name_en TEXT,              -- e.g. "Kingdom of Sweden"
    search_folded TEXT NOT NULL,        -- folded English and Swedish names, for search
    sort_en TEXT @COLLATE_C@ NOT NULL,  -- sort key of name_en
    sort_sv TEXT @COLLATE_C@ NOT NULL,  -- Swedish sort key of name_sv
    CHECK (length(iso2) = 2)
);

CREATE TABLE clusters (
    code TEXT PRIMARY KEY,              -- e.g. east_africa
    name_en TEXT NOT NULL,
    name_sv TEXT NOT NULL
);

-- When a country was eligible as a partner country, and in which cluster.
-- valid_to is inclusive; NULL means still in force.
CREATE TABLE eligibility_periods (
    id @ID@,
    country_iso2 TEXT NOT NULL REFERENCES countries (iso2),
    cluster TEXT NOT NULL REFERENCES clusters (code),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    source TEXT NOT NULL DEFAULT '',
    UNIQUE (country_iso2, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX eligibility_periods_dates ON eligibility_periods (valid_from, valid_to);

CREATE TABLE counties (
    code TEXT PRIMARY KEY,              -- two-digit SCB county code (länskod)
    name TEXT NOT NULL                  -- e.g. "Stockholms län"
);

CREATE TABLE organisations (
    id @ID@,
    kind TEXT NOT NULL,                 -- municipality, region, local_government, ...
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,          -- lower case without diacritics, for search
    sort_key TEXT @COLLATE_C@ NOT NULL, -- Swedish sort key of name
    code TEXT,                          -- SCB code: kommunkod or länskod; NULL abroad
    county_code TEXT REFERENCES counties (code),
    country_iso2 TEXT NOT NULL REFERENCES countries (iso2),
    province TEXT,                      -- province or region abroad
    seat TEXT,                          -- seat of a regional council
    population BIGINT,
    population_year INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, code)
);
CREATE INDEX organisations_sort ON organisations (sort_key);
CREATE INDEX organisations_kind ON organisations (kind, sort_key);
CREATE INDEX organisations_county ON organisations (county_code);
CREATE INDEX organisations_country ON organisations (country_iso2);
