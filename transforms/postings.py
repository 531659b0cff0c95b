"""Parsed postings -> rows of the `postings` table. Pure polars: no I/O.

Input columns are `transforms.records.PARSED_SCHEMA`. The steps:
`normalized` (text, header fields, location/remote/country, salary, role and seniority,
content hash) -> `latest_versions` (one row per posting_id, widest seen window) and
`raw_versions` (one row per distinct version, for `raw_postings`). Records that cannot be
stored (no usable text) come out of `unusable` with a reason instead.
"""

from __future__ import annotations

import hashlib

import polars as pl

from transforms import titles
from transforms.text import html_to_text

POSTING_COLUMNS = [
    "posting_id", "source", "source_id", "board", "company", "title", "role", "seniority",
    "is_pm", "pm_titles", "multi_role", "location", "country", "remote", "salary_min",
    "salary_max", "salary_currency", "salary_period", "posted_at", "posted_month", "url",
    "description_text", "first_seen", "last_seen", "content_hash",
]  # fmt: skip
RAW_COLUMNS = ["source", "source_id", "content_hash", "fetched_at", "board", "payload"]

# -- places --------------------------------------------------------------------------------
_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
_COUNTRIES: dict[str, str] = {
    "united states": "US", "usa": "US", "u.s.": "US", "us": "US", "america": "US",
    "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "great britain": "GB",
    "canada": "CA", "germany": "DE", "deutschland": "DE", "france": "FR", "netherlands": "NL",
    "the netherlands": "NL", "holland": "NL", "spain": "ES", "portugal": "PT", "italy": "IT",
    "ireland": "IE", "switzerland": "CH", "austria": "AT", "belgium": "BE", "sweden": "SE",
    "norway": "NO", "denmark": "DK", "finland": "FI", "poland": "PL", "czech republic": "CZ",
    "czechia": "CZ", "estonia": "EE", "lithuania": "LT", "latvia": "LV", "romania": "RO",
    "greece": "GR", "hungary": "HU", "ukraine": "UA", "israel": "IL", "india": "IN",
    "singapore": "SG", "japan": "JP", "china": "CN", "hong kong": "HK", "taiwan": "TW",
    "south korea": "KR", "korea": "KR", "australia": "AU", "new zealand": "NZ", "brazil": "BR",
    "mexico": "MX", "argentina": "AR", "chile": "CL", "colombia": "CO", "south africa": "ZA",
    "nigeria": "NG", "kenya": "KE", "egypt": "EG", "uae": "AE", "united arab emirates": "AE",
    "dubai": "AE", "turkey": "TR", "russia": "RU", "vietnam": "VN", "philippines": "PH",
    "indonesia": "ID", "thailand": "TH", "malaysia": "MY", "pakistan": "PK",
    "luxembourg": "LU", "iceland": "IS", "cyprus": "CY", "malta": "MT", "serbia": "RS",
    "croatia": "HR", "bulgaria": "BG", "slovenia": "SI", "slovakia": "SK", "uruguay": "UY",
    "peru": "PE", "costa rica": "CR",
    # cities that name their country unambiguously in job posts
    "san francisco": "US", "sf": "US", "bay area": "US", "new york": "US", "nyc": "US",
    "los angeles": "US", "seattle": "US", "boston": "US", "chicago": "US", "austin": "US",
    "denver": "US", "palo alto": "US", "mountain view": "US", "menlo park": "US",
    "san mateo": "US", "san jose": "US", "oakland": "US", "berkeley": "US", "redwood city": "US",
    "sunnyvale": "US", "santa monica": "US", "san diego": "US", "portland": "US",
    "atlanta": "US", "miami": "US", "washington dc": "US", "philadelphia": "US",
    "pittsburgh": "US", "salt lake city": "US", "minneapolis": "US", "nashville": "US",
    "raleigh": "US", "durham": "US", "detroit": "US", "houston": "US", "dallas": "US",
    "phoenix": "US", "boulder": "US", "cambridge, ma": "US", "brooklyn": "US",
    "london": "GB", "manchester": "GB", "edinburgh": "GB", "bristol": "GB", "oxford": "GB",
    "toronto": "CA", "vancouver": "CA", "montreal": "CA", "waterloo": "CA", "ottawa": "CA",
    "berlin": "DE", "munich": "DE", "hamburg": "DE", "frankfurt": "DE", "cologne": "DE",
    "paris": "FR", "amsterdam": "NL", "rotterdam": "NL", "utrecht": "NL", "madrid": "ES",
    "barcelona": "ES", "bilbao": "ES", "lisbon": "PT", "porto": "PT", "milan": "IT",
    "rome": "IT", "dublin": "IE", "zurich": "CH", "geneva": "CH", "vienna": "AT",
    "brussels": "BE", "stockholm": "SE", "oslo": "NO", "copenhagen": "DK", "helsinki": "FI",
    "warsaw": "PL", "krakow": "PL", "prague": "CZ", "tallinn": "EE", "bucharest": "RO",
    "athens": "GR", "budapest": "HU", "kyiv": "UA", "tel aviv": "IL", "bangalore": "IN",
    "bengaluru": "IN", "mumbai": "IN", "delhi": "IN", "hyderabad": "IN", "pune": "IN",
    "tokyo": "JP", "shanghai": "CN", "beijing": "CN", "shenzhen": "CN", "taipei": "TW",
    "seoul": "KR", "sydney": "AU", "melbourne": "AU", "auckland": "NZ", "sao paulo": "BR",
    "são paulo": "BR", "mexico city": "MX", "buenos aires": "AR", "santiago": "CL",
    "bogota": "CO", "cape town": "ZA", "lagos": "NG", "nairobi": "KE",
}  # fmt: skip
_PLACE_WORDS = sorted(_COUNTRIES, key=len, reverse=True)
_PLACE = (
    r"(?i)\b(?:" + "|".join(w.replace(".", r"\.") for w in _PLACE_WORDS if w != "us") + r")\b"
    r"|\bUS\b|,\s*(?:" + "|".join(_US_STATES) + r")\b"
)
_REMOTE_WORD = r"(?i)\b(?:remote|wfh|work from home|distributed|anywhere)\b"
_NOT_REMOTE = r"(?i)\b(?:no remote|not remote|remote:? no|non-remote|no-remote)\b"
_ONSITE = r"(?i)\b(?:on-?site|onsite|in[- ]office|in[- ]person)\b"
_URL = r"(?i)\(?\s*(?:https?://|www\.)\S*\s*\)?"

# -- salaries ------------------------------------------------------------------------------
_AMOUNT = r"(\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?)\s?([kK])?"
_CUR = r"(\$|US\$|USD\s?|€|EUR\s?|£|GBP\s?|CAD\s?|C\$|AUD\s?|A\$|CHF\s?)"
_SALARY = (
    _CUR + r"\s?" + _AMOUNT + r"\s*(?:-|–|—|to)\s*" + r"(?:\$|US\$|USD\s?|€|EUR\s?|£|GBP\s?"
    r"|CAD\s?|C\$|AUD\s?|A\$|CHF\s?)?\s?"
    + _AMOUNT
    + r"(?:\s*(?:USD|EUR|GBP|CAD|AUD|CHF))?\s*(?:(?:/|per |an? )\s*(hour|hr|h|year|yr|annum|"
    r"month|mo|week|wk|day))?"
)
_CURRENCY = {
    "$": "USD", "US$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP",
    "GBP": "GBP", "CAD": "CAD", "C$": "CAD", "AUD": "AUD", "A$": "AUD", "CHF": "CHF",
}  # fmt: skip
_PERIOD = {
    "hour": "hour", "hr": "hour", "h": "hour", "year": "year", "yr": "year", "annum": "year",
    "month": "month", "mo": "month", "week": "week", "wk": "week", "day": "day",
}  # fmt: skip


def _amount(num: pl.Expr, k: pl.Expr) -> pl.Expr:
    value = num.str.replace_all(r"[,.](\d{3})", "$1").cast(pl.Float64, strict=False)
    return pl.when(k.is_not_null()).then(value * 1000).otherwise(value)


SALARY_COLUMNS = ("salary_min", "salary_max", "salary_currency", "salary_period")
_SALARY_DTYPE = pl.Struct(
    {"salary_min": pl.Float64, "salary_max": pl.Float64, "salary_currency": pl.String,
     "salary_period": pl.String}
)  # fmt: skip


def salary(text: pl.Expr) -> pl.Expr:
    """The first currency range in `text` as a struct of SALARY_COLUMNS (null fields if none).

    A range without a stated period is taken as yearly only when both ends are at least
    10,000 (a bare "$60 - $80" is not guessed); a range whose ends are implausibly far apart
    (max > 5 x min) is dropped rather than stored.
    """
    return text.str.extract_groups(_SALARY).map_batches(
        _salary_of_groups, return_dtype=_SALARY_DTYPE, is_elementwise=True
    )


def _salary_of_groups(groups: pl.Series) -> pl.Series:
    """`salary` of `_SALARY`'s capture groups (a struct of fields "1".."6").

    Each step is a column of its own: as one nested expression, polars would evaluate the
    shared parts (the amounts, the period) once per use.
    """
    g = pl.col("g")
    stated = g.struct.field("6").str.to_lowercase().replace_strict(_PERIOD, default=None)
    ok = (
        pl.col("lo").is_not_null()
        & pl.col("hi").is_not_null()
        & (pl.col("lo") > 0)
        & (pl.col("hi") >= pl.col("lo"))
        & (pl.col("hi") <= pl.col("lo") * 5)
        & pl.col("period").is_not_null()
    )
    return (
        pl.DataFrame({"g": groups})
        .lazy()
        .with_columns(
            lo=_amount(g.struct.field("2"), g.struct.field("3")),
            hi=_amount(g.struct.field("4"), g.struct.field("5")),
            stated=stated,
            cur=g.struct.field("1").str.strip_chars().replace_strict(_CURRENCY, default=None),
        )
        .with_columns(
            period=pl.when(pl.col("stated").is_not_null())
            .then(pl.col("stated"))
            .when(pl.col("lo") >= 10_000)
            .then(pl.lit("year"))
        )
        .with_columns(ok=ok)
        .select(
            pl.struct(
                pl.when(pl.col("ok")).then(pl.col("lo")).alias("salary_min"),
                pl.when(pl.col("ok")).then(pl.col("hi")).alias("salary_max"),
                pl.when(pl.col("ok")).then(pl.col("cur")).alias("salary_currency"),
                pl.when(pl.col("ok")).then(pl.col("period")).alias("salary_period"),
            ).alias(groups.name)
        )
        .collect()
        .to_series()
    )


def country_of(location: pl.Expr) -> pl.Expr:
    """ISO country code of the first place named in a location string (null if none)."""
    lowered = location.str.to_lowercase()
    word = lowered.str.extract(
        r"\b(" + "|".join(w.replace(".", r"\.") for w in _PLACE_WORDS) + r")\b", 1
    )
    state = location.str.contains(r",\s*(?:" + "|".join(_US_STATES) + r")\b")
    return (
        pl.when(word.is_not_null())
        .then(word.replace_strict(_COUNTRIES, default=None))
        .when(state)
        .then(pl.lit("US"))
    )


def _sha(values: pl.Series) -> pl.Series:
    return pl.Series(
        [hashlib.sha256(v.encode("utf-8")).hexdigest()[:32] for v in values], dtype=pl.String
    )


def _header_segments(header: pl.Expr) -> pl.Expr:
    """Header line split on '|' (or, with no bar, on spaced dashes), trimmed."""
    sep = pl.when(header.str.contains("|", literal=True)).then(pl.lit("|")).otherwise(pl.lit(" - "))
    return (
        header.str.replace_all(r" [–—] ", " - ")
        .str.split(sep)
        .list.eval(pl.element().str.strip_chars())
    )


def normalized(parsed: pl.LazyFrame) -> pl.LazyFrame:
    """Parsed postings (PARSED_SCHEMA) -> normalized rows with every `postings` column.

    Still one row per received version: see `latest_versions` and `raw_versions`.
    """
    text = parsed.with_columns(
        posting_id=pl.concat_str("source", pl.lit(":"), "source_id"),
        description_text=html_to_text(pl.col("body")).fill_null(""),
        title=pl.col("title").str.replace_all(r"\s+", " ").str.strip_chars(),
    ).with_columns(header=pl.col("description_text").str.extract(r"^([^\n]*)", 1))
    is_post = pl.col("title").is_null()  # HN-like posts: the title comes from the text
    segs = _header_segments(pl.col("header"))
    place_seg = (
        segs.list.slice(1)
        .list.eval(
            pl.element().filter(
                pl.element().str.contains(_PLACE) | pl.element().str.contains(_REMOTE_WORD)
            )
        )
        .list.first()
    )
    has_segments = pl.col("header").str.contains(r"\||\s[-–—]\s")
    company_seg = (
        pl.when(has_segments)
        .then(segs.list.first())
        .otherwise(pl.col("header").str.extract(r"^(.{2,60}?)\s+(?:is|are)\s+hiring\b", 1))
        .str.replace_all(_URL, " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" -–—:,")
    )
    with_fields = text.with_columns(
        company=pl.coalesce(
            pl.col("company"),
            pl.when(is_post & (company_seg.str.len_chars() <= 80) & (company_seg != "")).then(
                company_seg
            ),
        ),
        location=pl.coalesce(pl.col("location"), pl.when(is_post).then(place_seg)),
    ).with_columns(
        country=pl.coalesce(pl.col("country").str.to_uppercase(), country_of(pl.col("location"))),
        remote=pl.coalesce(
            pl.col("remote"),
            pl.when(pl.col("header").str.contains(_NOT_REMOTE))
            .then(pl.lit(False))
            .when(pl.col("header").str.contains(_REMOTE_WORD))
            .then(pl.lit(True))
            .when(pl.col("header").str.contains(_ONSITE))
            .then(pl.lit(False))
            .when(pl.col("header").str.contains(r"(?i)\bhybrid\b"))
            .then(pl.lit(False))
            .when(pl.col("location").str.contains(_REMOTE_WORD))
            .then(pl.lit(True)),
        ),
    )
    stated = pl.col("salary_min").is_not_null() | pl.col("salary_max").is_not_null()
    with_salary = (
        with_fields.with_columns(_salary=salary(pl.col("description_text")))
        .with_columns(
            pl.when(stated).then(pl.col(c)).otherwise(pl.col("_salary").struct.field(c))
            for c in SALARY_COLUMNS
        )
        .drop("_salary")
    )
    roles = _with_roles(with_salary)
    return roles.with_columns(
        first_seen=pl.col("fetched_at"),
        last_seen=pl.col("fetched_at"),
        content_hash=pl.concat_str(
            [
                pl.col(c).fill_null("")
                for c in ("source", "source_id", "title", "company", "location", "body")
            ],
            separator="\x1f",
        ).map_batches(_sha, return_dtype=pl.String),
    )


def _with_roles(frame: pl.LazyFrame) -> pl.LazyFrame:
    """role, seniority, is_pm, pm_titles, multi_role, title: from the title, or the whole post."""
    stated = titles.title_roles(frame.filter(pl.col("title").is_not_null()), "title").with_columns(
        is_pm=pl.col("role") != "not_pm",
        pm_titles=pl.when(pl.col("role") != "not_pm")
        .then(pl.concat_list(pl.col("title")))
        .otherwise(pl.lit([], dtype=pl.List(pl.String))),
        multi_role=pl.lit(False),
    )
    posts = titles.post_roles(
        frame.filter(pl.col("title").is_null()), "description_text"
    ).with_columns(title=pl.col("header_title"))
    cols = [*frame.collect_schema().names(), "role", "seniority", "is_pm", "pm_titles",
            "multi_role"]  # fmt: skip
    return pl.concat([stated.select(cols), posts.select(cols)], how="vertical")


def unusable(normalized_rows: pl.LazyFrame) -> pl.LazyFrame:
    """Rows that cannot be stored, as quarantine rows (source, ref, reason, payload)."""
    return normalized_rows.filter(pl.col("description_text").str.strip_chars() == "").select(
        "source",
        ref=pl.col("posting_id"),
        reason=pl.lit("no text left after removing HTML markup"),
        payload="payload",
    )


def latest_versions(normalized_rows: pl.LazyFrame) -> pl.LazyFrame:
    """One row per posting_id: the most recently fetched version, with the widest seen window."""
    usable = normalized_rows.filter(pl.col("description_text").str.strip_chars() != "")
    return (
        usable.sort("posting_id", "fetched_at", "content_hash")
        .group_by("posting_id", maintain_order=True)
        .agg(
            pl.all().exclude("first_seen", "last_seen").last(),
            first_seen=pl.col("first_seen").min(),
            last_seen=pl.col("last_seen").max(),
        )
        .select(POSTING_COLUMNS)
    )


def raw_versions(normalized_rows: pl.LazyFrame) -> pl.LazyFrame:
    """One row per distinct version (source, source_id, content_hash): first time received."""
    return (
        normalized_rows.filter(pl.col("description_text").str.strip_chars() != "")
        .sort("fetched_at")
        .unique(["source", "source_id", "content_hash"], keep="first", maintain_order=True)
        .select(RAW_COLUMNS)
    )


def empty_postings() -> pl.DataFrame:
    """A postings frame with no rows (for loads that only quarantine)."""
    return pl.DataFrame(schema={"posting_id": pl.String})


def empty_raw() -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in RAW_COLUMNS})
