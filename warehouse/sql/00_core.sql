-- pmpulse core tables. Declared once; applied idempotently on every open.
-- Additive changes go below as ALTER TABLE ... ADD COLUMN IF NOT EXISTS;
-- non-additive changes are ordered files in warehouse/sql/migrations/, run once each.

CREATE TABLE IF NOT EXISTS raw_postings (
    source       VARCHAR NOT NULL,      -- 'hn', 'greenhouse', 'lever', 'ashby', 'jsonld', 'file'
    source_id    VARCHAR NOT NULL,      -- the source's own id (HN item id, ATS job id)
    content_hash VARCHAR NOT NULL,      -- sha256 of the normalized content of this version
    fetched_at   TIMESTAMPTZ,           -- when this version was received (first time seen)
    board        VARCHAR,               -- ATS board token / site name; null for HN
    payload      VARCHAR NOT NULL,      -- the record as received, JSON text
    run_id       VARCHAR,               -- the run that first stored this version
    PRIMARY KEY (source, source_id, content_hash)
);
COMMENT ON TABLE raw_postings IS 'Every distinct version of every posting, as received. History of edits is countable here.';

CREATE TABLE IF NOT EXISTS postings (
    posting_id       VARCHAR PRIMARY KEY,  -- '<source>:<source_id>', e.g. 'hn:12345'
    source           VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    board            VARCHAR,              -- ATS board token / site name
    company          VARCHAR,              -- as stated, or the first header segment of an HN post
    title            VARCHAR,              -- job title: stated by ATS, or the role segment of an HN header
    role             VARCHAR NOT NULL CHECK (role IN ('pm', 'product_owner', 'not_pm')),
    seniority        VARCHAR CHECK (seniority IN ('intern', 'associate', 'mid', 'senior', 'lead',
                                                   'group', 'director', 'vp', 'cpo')),
    is_pm            BOOLEAN NOT NULL,     -- advertises at least one pm or product_owner opening
    pm_titles        VARCHAR[],            -- the PM titles as written in the post
    multi_role       BOOLEAN NOT NULL,     -- advertises roles of more than one kind
    location         VARCHAR,
    country          VARCHAR,              -- ISO 3166-1 alpha-2 where known
    remote           BOOLEAN,              -- null: not stated
    salary_min       DOUBLE,
    salary_max       DOUBLE,
    salary_currency  VARCHAR,              -- ISO 4217 (USD, EUR, GBP, ...)
    salary_period    VARCHAR CHECK (salary_period IN ('year', 'month', 'week', 'day', 'hour')),
    posted_at        TIMESTAMPTZ,          -- exact publication time where the source gives one
    posted_month     DATE NOT NULL,        -- first day of the month; HN: the thread's month
    url              VARCHAR,
    description_text VARCHAR NOT NULL,     -- clean text: paragraphs and bullets on their own lines
    first_seen       TIMESTAMPTZ NOT NULL, -- first fetch that saw this posting
    last_seen        TIMESTAMPTZ NOT NULL, -- latest fetch that saw this posting
    closed_at        TIMESTAMPTZ,          -- when the posting disappeared from its board
    content_hash     VARCHAR NOT NULL,     -- hash of the current version (see raw_postings)
    updated_at       TIMESTAMPTZ NOT NULL  -- when this row last changed in the warehouse
);
COMMENT ON TABLE postings IS 'One row per distinct posting, typed and normalized. Key: posting_id.';

CREATE TABLE IF NOT EXISTS quarantine (
    source  VARCHAR NOT NULL,   -- source or input kind the record came from
    ref     VARCHAR NOT NULL,   -- where to look: file path and record position, or posting id
    reason  VARCHAR NOT NULL,   -- why it was not loaded, readable
    payload VARCHAR,            -- the offending record (or the start of the file), truncated to 64 KB
    "at"    TIMESTAMPTZ NOT NULL,  -- ("at" is reserved: quote it) last time a run quarantined it
    run_id  VARCHAR,
    PRIMARY KEY (source, ref, reason)
);
COMMENT ON TABLE quarantine IS 'Input that could not be loaded, with the reason. Reruns update, never duplicate.';

CREATE TABLE IF NOT EXISTS runs (
    run_id         VARCHAR PRIMARY KEY,
    flow           VARCHAR NOT NULL,       -- 'ingest', 'collect', 'extract', ...
    started        TIMESTAMPTZ NOT NULL,
    finished       TIMESTAMPTZ,
    status         VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    n_in           BIGINT,                 -- records read
    n_out          BIGINT,                 -- rows written (new + updated)
    n_new          BIGINT,
    n_updated      BIGINT,
    n_quarantined  BIGINT,
    detail         VARCHAR                 -- JSON: inputs, PM postings, months covered, error
);
COMMENT ON TABLE runs IS 'What ran, when, and what it did.';
