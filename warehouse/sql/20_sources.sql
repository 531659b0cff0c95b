-- Live sources: how each source/board fared in each run, and the Hacker News crawl state.

CREATE TABLE IF NOT EXISTS source_health (
    run_id        VARCHAR NOT NULL,      -- the collect run (runs.run_id)
    source        VARCHAR NOT NULL,      -- 'greenhouse', 'lever', 'ashby', 'hn', 'jsonld'
    board         VARCHAR NOT NULL,      -- board token / site name / page URL; 'whoishiring' for hn
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'partial', 'flagged', 'failed')),
    http_errors   INTEGER NOT NULL,      -- failed HTTP attempts (retried or final) for this board
    requests      INTEGER,               -- HTTP requests made for this board
    postings_seen INTEGER NOT NULL,      -- valid postings received
    quarantined   INTEGER NOT NULL,      -- records quarantined (see the quarantine table)
    closed        INTEGER NOT NULL,      -- postings closed because they left the board
    reopened      INTEGER NOT NULL,      -- closed postings that came back
    reason        VARCHAR,               -- why failed / partial / flagged, readable
    "at"          TIMESTAMPTZ NOT NULL,  -- when this board's fetch finished
    PRIMARY KEY (run_id, source, board)
);
COMMENT ON TABLE source_health IS 'One row per source/board per collect run: failed, flagged (e.g. sudden zero postings) or ok.';

CREATE TABLE IF NOT EXISTS hn_threads (
    thread_id     BIGINT PRIMARY KEY,    -- HN item id of an "Ask HN: Who is hiring? (Month YYYY)" story
    month         DATE NOT NULL,         -- first day of the thread's month
    title         VARCHAR NOT NULL,
    author        VARCHAR,
    kids_known    INTEGER NOT NULL DEFAULT 0,  -- top-level comments listed at the last check
    backfilled    BOOLEAN NOT NULL DEFAULT false,  -- every comment fetched once and the month is over
    first_checked TIMESTAMPTZ,
    last_checked  TIMESTAMPTZ
);
COMMENT ON TABLE hn_threads IS 'Who is hiring threads found via the Algolia HN search API; backfilled threads are not read again.';

CREATE TABLE IF NOT EXISTS hn_items (
    item_id    BIGINT PRIMARY KEY,       -- HN item id of a top-level comment
    thread_id  BIGINT NOT NULL,
    outcome    VARCHAR NOT NULL CHECK (outcome IN ('posting', 'quarantined')),
    fetched_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE hn_items IS 'Top-level comments already fetched from the HN item API: only new ones are fetched.';
