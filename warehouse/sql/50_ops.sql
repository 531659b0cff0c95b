-- Operations: what ran, when, what it did, what failed, in one query (`SELECT * FROM run_log`).

CREATE OR REPLACE VIEW run_log AS
WITH health AS (
    SELECT run_id,
           count(*) FILTER (status = 'ok')      AS boards_ok,
           count(*) FILTER (status = 'partial') AS boards_partial,
           count(*) FILTER (status = 'flagged') AS boards_flagged,
           count(*) FILTER (status = 'failed')  AS boards_failed,
           sum(http_errors)                     AS http_errors,
           string_agg(source || ':' || board || ' ' || status || coalesce(': ' || reason, ''), '; '
                      ORDER BY source, board) FILTER (status <> 'ok') AS board_problems
    FROM source_health GROUP BY run_id
), quarantined AS (
    SELECT run_id, count(*) AS quarantine_rows, arg_max(reason, "at") AS last_quarantine_reason
    FROM quarantine WHERE run_id IS NOT NULL GROUP BY run_id
)
SELECT r.run_id,
       r.flow,
       r.status,                                             -- running / completed / failed
       r.started,
       r.finished,
       date_diff('millisecond', r.started, r.finished) / 1000.0 AS seconds,
       r.n_in, r.n_out, r.n_new, r.n_updated, r.n_quarantined,
       json_extract_string(r.detail, '$.error') AS error,     -- why it failed
       h.boards_ok, h.boards_partial, h.boards_flagged, h.boards_failed, h.http_errors,
       h.board_problems,                                      -- which board, and why
       q.quarantine_rows, q.last_quarantine_reason,
       r.detail
FROM runs r
LEFT JOIN health h USING (run_id)
LEFT JOIN quarantined q USING (run_id)
ORDER BY r.started DESC;
COMMENT ON VIEW run_log IS 'One row per run, newest first: flow, status, timing, counts, error, board health and quarantine.';
