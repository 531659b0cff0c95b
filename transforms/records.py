"""The shared posting model every source parser returns, as polars schemas.

A *parsed* posting is what a source module yields from a saved response: the raw payload
plus the fields the source states outright. `transforms.postings.normalize` turns parsed
postings into rows of the warehouse's `postings` table.
"""

import polars as pl

PARSED_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),  # 'hn', 'greenhouse', 'lever', 'ashby', 'jsonld', 'file'
    "source_id": pl.String(),  # the source's own id (HN item id, ATS job id, ...)
    "board": pl.String(),  # ATS board token / site name; null for HN
    "fetched_at": pl.Datetime("us", "UTC"),  # when the payload was received
    "payload": pl.String(),  # the record as received, JSON text
    "company": pl.String(),  # as stated by the source (null: derive from text)
    "title": pl.String(),  # job title as stated (null for HN: derived from header)
    "location": pl.String(),
    "country": pl.String(),  # ISO 3166-1 alpha-2 where the source states it
    "remote": pl.Boolean(),
    "posted_at": pl.Datetime("us", "UTC"),  # exact publication time, where known
    "posted_month": pl.Date(),  # first day of the month (HN threads: the thread month)
    "url": pl.String(),
    "body": pl.String(),  # description, HTML or plain text
    "salary_min": pl.Float64(),
    "salary_max": pl.Float64(),
    "salary_currency": pl.String(),
    "salary_period": pl.String(),  # 'year', 'month', 'week', 'day', 'hour'
}

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "ref": pl.String(),  # file and record position, or posting id: where to look
    "reason": pl.String(),  # what is wrong, readable
    "payload": pl.String(),  # the offending record or a prefix of the file
}


def parsed_frame(rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts with any subset of PARSED_SCHEMA keys) as a frame of exactly that schema.

    Polars reads each dict by the schema's names (a missing key is null, another key is left
    out), so the rows go in as they are: no copy of each restricted to the schema.
    """
    return pl.DataFrame(rows, schema=PARSED_SCHEMA, orient="row")


def quarantine_frame(rows: list[dict]) -> pl.DataFrame:
    """Rows (source, ref, reason, payload) as a frame of QUARANTINE_SCHEMA."""
    return pl.DataFrame(
        [{k: r.get(k) for k in QUARANTINE_SCHEMA} for r in rows],
        schema=QUARANTINE_SCHEMA,
        orient="row",
    )
