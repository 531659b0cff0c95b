"""schema.org `JobPosting` JSON-LD embedded in career pages, parsed purely (beautifulsoup4).

A page may carry several `<script type="application/ld+json">` blocks; each holds one object,
a list of objects, or an `@graph`. Every JobPosting found becomes a parsed posting:
title, description (HTML), datePosted, hiringOrganization, jobLocation (Place/PostalAddress),
jobLocationType TELECOMMUTE (remote), baseSalary (MonetaryAmount/QuantitativeValue),
identifier, url. A block that is not valid JSON, or a JobPosting without a title or
description, is quarantined with the reason; a page with no JobPosting at all too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from flows.sources.common import (
    country_code,
    month_of,
    payload_text,
    quarantined,
    text_or_none,
    utc_datetime,
)

SOURCE = "jsonld"
_UNITS = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}


def _is_type(node: dict, name: str) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == name for k in kinds)


def job_postings(doc: Any) -> Iterator[dict]:
    """Every JobPosting object in a decoded JSON-LD document (lists, @graph, nesting)."""
    if isinstance(doc, list):
        for item in doc:
            yield from job_postings(item)
    elif isinstance(doc, dict):
        if _is_type(doc, "JobPosting"):
            yield doc
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in doc:
                yield from job_postings(doc[key])


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return text_or_none(value)
    if isinstance(value, dict):
        return text_or_none(value.get("name"))
    if isinstance(value, list) and value:
        return _name(value[0])
    return None


def _places(posting: dict) -> list[dict]:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    return [p for p in places if isinstance(p, dict)]


def _location(posting: dict) -> tuple[str | None, str | None]:
    """(location text, ISO country) from the first jobLocation, as stated."""
    texts: list[str] = []
    country = None
    for place in _places(posting):
        address = place.get("address")
        if isinstance(address, str):
            texts.append(address.strip())
            continue
        if not isinstance(address, dict):
            continue
        parts = [text_or_none(address.get(k)) for k in ("addressLocality", "addressRegion")]
        country_value = address.get("addressCountry")
        country_name = _name(country_value)
        parts.append(country_name)
        text = ", ".join(p for p in parts if p)
        if text:
            texts.append(text)
        country = country or country_code(country_name)
    return ("; ".join(dict.fromkeys(texts)) or None), country


def _remote(posting: dict) -> bool | None:
    kind = posting.get("jobLocationType")
    kinds = kind if isinstance(kind, list) else [kind]
    if any(isinstance(k, str) and k.upper() == "TELECOMMUTE" for k in kinds):
        return True
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _salary(posting: dict) -> dict:
    amount = posting.get("baseSalary")
    if isinstance(amount, list):
        amount = amount[0] if amount else None
    if not isinstance(amount, dict):
        return {}
    value = amount.get("value")
    if isinstance(value, dict):
        low = _number(value.get("minValue"))
        high = _number(value.get("maxValue"))
        single = _number(value.get("value"))
        unit = value.get("unitText") or amount.get("unitText")
    else:
        low = high = None
        single = _number(value)
        unit = amount.get("unitText")
    low = low if low is not None else single
    high = high if high is not None else single if single is not None else low
    low = low if low is not None else high
    if low is None or high is None:
        return {}
    return {
        "salary_min": min(low, high),
        "salary_max": max(low, high),
        "salary_currency": text_or_none(amount.get("currency")),
        "salary_period": _UNITS.get(str(unit or "").upper()),
    }


def _identifier(posting: dict) -> str | None:
    ident = posting.get("identifier")
    if isinstance(ident, dict):
        return text_or_none(str(ident.get("value"))) if ident.get("value") is not None else None
    if isinstance(ident, int | str) and not isinstance(ident, bool):
        return text_or_none(str(ident))
    return None


def _decode(script_text: str) -> Any:
    """A JSON-LD block's JSON, tolerating HTML comment and CDATA wrappers."""
    text = script_text.strip()
    text = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(?:-->|//\s*\]\]>|\]\]>)\s*$", "", text)
    return json.loads(text)


def parse_page(html: str, *, url: str, fetched_at: datetime) -> tuple[list[dict], list[dict]]:
    """Parsed postings and quarantined blocks from one HTML page fetched from `url`."""
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all(
        "script", attrs={"type": re.compile(r"^\s*application/ld\+json\s*$", re.I)}
    )
    host = urlsplit(url).netloc.lower() or None
    rows: list[dict] = []
    bad: list[dict] = []
    found: list[tuple[str, dict]] = []
    for i, script in enumerate(scripts):
        where = f"{url}#ld[{i}]"
        text = script.string if script.string is not None else script.get_text()
        try:
            doc = _decode(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
            bad.append(quarantined(SOURCE, where, f"invalid JSON-LD: {exc}", text[:65536]))
            continue
        for j, posting in enumerate(job_postings(doc)):
            found.append((f"{where}[{j}]", posting))
    if not found and not bad:
        reason = "no schema.org JobPosting on the page"
        return [], [quarantined(SOURCE, url, reason, html[:2000])]
    usable: list[tuple[dict, str, str, str | None]] = []
    for where, posting in found:
        title = text_or_none(posting.get("title")) or text_or_none(posting.get("name"))
        body = text_or_none(posting.get("description"))
        posting_url = text_or_none(posting.get("url"))
        try:
            posting_url = urljoin(url, posting_url) if posting_url else None
        except ValueError as exc:  # e.g. 'http://[::1' (Invalid IPv6 URL)
            reason = f"JobPosting url {posting_url!r} is not a URL: {exc}"
            bad.append(quarantined(SOURCE, where, reason, posting))
            continue
        if title is None:
            bad.append(quarantined(SOURCE, where, "JobPosting has no title", posting))
        elif body is None:
            bad.append(quarantined(SOURCE, where, "JobPosting has no description", posting))
        else:
            usable.append((posting, title, body, posting_url))
    several = len(usable) > 1
    for posting, title, body, posting_url in usable:
        ident = _identifier(posting)
        if ident:
            source_id = f"{host}:{ident}"
        elif posting_url and (not several or posting_url != url):
            source_id = posting_url
        elif several:
            source_id = f"{url}#{title}"
        else:
            source_id = url
        posted = utc_datetime(posting.get("datePosted"))
        location, country = _location(posting)
        rows.append(
            {
                "source": SOURCE,
                "source_id": source_id,
                "board": host,
                "fetched_at": fetched_at,
                "payload": payload_text(posting),
                "company": _name(posting.get("hiringOrganization")),
                "title": title,
                "location": location,
                "country": country,
                "remote": _remote(posting),
                "posted_at": posted,
                "posted_month": month_of(posted or fetched_at),
                "url": posting_url or url,
                "body": body,
                **_salary(posting),
            }
        )
    return rows, bad
