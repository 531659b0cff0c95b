"""HTML to clean text, and unicode clean-up, as polars expressions (vectorized, no parser).

Job-posting HTML (HN comments, ATS descriptions) is shallow markup: paragraphs, lists,
links, emphasis. Block tags become line breaks, list items become "• " bullets, every other
tag is dropped and entities are decoded. This keeps paragraph and bullet breaks while running
at column speed, which matters at millions of postings.

Speed: the steps are column operations; the two that are not (exact entity decoding and NFC
normalization) run column-wise on the common case and per row only where they must:
- entities: one Aho-Corasick pass (`str.replace_many`) replaces every complete entity in
  `ENTITIES` (all HTML5 named entities with their ';', and the usual numeric forms of ASCII,
  Latin-1 and punctuation characters) by exactly what `html.unescape` gives for it. That is
  the same result because `html.unescape` reads each '&...' on its own, left to right, and
  never across another '&' ("&amp;lt;" stays "&lt;"). A row with any other '&' that could
  start an entity ('&' then a letter or '#') is decoded by `html.unescape` itself.
- NFC: only rows with non-ASCII text that `unicodedata.is_normalized` says is not NFC.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from html.entities import html5

import polars as pl

_BLOCK_OPEN = r"(?i)<\s*(?:p|div|br|h[1-6]|tr|ul|ol|table|section|article|blockquote|pre)\b[^>]*>"
_BLOCK_CLOSE = r"(?i)<\s*/\s*(?:p|div|h[1-6]|tr|ul|ol|table|section|article|blockquote|pre)\s*>"
_LI = r"(?i)<\s*li\b[^>]*>"
_DROP = r"(?is)<\s*(script|style|head)\b.*?<\s*/\s*(?:script|style|head)\s*>"
_MAY_DROP = r"(?i)<\s*(?:script|style|head)\b"
_COMMENT = r"(?s)<!--.*?-->"
_TAG = r"(?s)<[^>]*>"
_ESCAPED_HTML = r"&lt;\s*/?\s*[a-zA-Z]"
# Zero-width characters and the BOM carry no text; NBSP and friends are plain spaces.
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
_SPACES = "[\u00a0\u2007\u202f\u2009\u200a\u3000\t\f\v]"


def _numeric_entities() -> list[str]:
    """'&#39;', '&#039;', '&#x27;', '&#X27;', ... for ASCII, Latin-1, punctuation, € and ™."""
    points = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2000, 0x2070), 0x20AC, 0x2122]
    forms: dict[str, None] = {}
    for cp in points:
        for digits in (f"{cp}", f"{cp:03d}", f"{cp:04d}"):
            forms[f"&#{digits};"] = None
        for x in ("x", "X"):
            for spec in ("x", "X", "02x", "02X", "04x", "04X"):
                forms[f"&#{x}{cp:{spec}};"] = None
    return list(forms)


# Complete entities decoded column-wise; each maps to what `html.unescape` makes of it.
ENTITIES: dict[str, str] = {
    e: html.unescape(e)
    for e in [*(f"&{name}" for name in html5 if name.endswith(";")), *_numeric_entities()]
}
_ENTITY_KEYS = list(ENTITIES)
_ENTITY_VALUES = list(ENTITIES.values())
_MAY_BE_ENTITY = r"&[#A-Za-z]"  # what html.unescape could decode: '&' + letter or '#'


def _where(values: pl.Series, mask: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`values` with `fn` applied to the rows where `mask` is true (nulls count as false)."""
    idx = mask.fill_null(False).arg_true()
    if idx.len() == 0:
        return values
    return values.clone().scatter(idx, fn(values.gather(idx)))


def _unescape_rows(values: pl.Series) -> pl.Series:
    return pl.Series(values.name, [html.unescape(v) for v in values.to_list()], dtype=pl.String)


def unescape(values: pl.Series) -> pl.Series:
    """`html.unescape` of every row (nulls kept), column-wise where that gives the same."""
    values = values.cast(pl.String)
    fast = values.str.replace_many(_ENTITY_KEYS, _ENTITY_VALUES, leftmost=True)
    rest = values.str.replace_many(_ENTITY_KEYS, [""], leftmost=True)
    slow = rest.str.contains(_MAY_BE_ENTITY).fill_null(False).arg_true()
    if slow.len() == 0:
        return fast
    return fast.scatter(slow, _unescape_rows(values.gather(slow)))


def nfc(values: pl.Series) -> pl.Series:
    """NFC-normalized rows; only non-ASCII rows that are not NFC already are normalized."""
    return _where(values, values.str.len_bytes() != values.str.len_chars(), _nfc_non_ascii)


def _nfc_non_ascii(values: pl.Series) -> pl.Series:
    not_nfc = pl.Series([not unicodedata.is_normalized("NFC", t) for t in values.to_list()])
    return _where(values, not_nfc, lambda rows: rows.str.normalize("NFC"))


def _clean_unicode(values: pl.Series) -> pl.Series:
    return (
        nfc(values.cast(pl.String))
        .str.replace_all(_INVISIBLE, "")
        .str.replace_all(_SPACES, " ")
        .str.replace_all("\r\n?", "\n")
        .str.replace_all(r" {2,}", " ")
        # (each line's one leading or trailing space left; the text's ends: strip_chars)
        .str.replace_all(" \n", "\n", literal=True)
        .str.replace_all("\n ", "\n", literal=True)
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
    )


def clean_unicode(expr: pl.Expr) -> pl.Expr:
    """NFC-normalize, drop invisible characters, fold exotic spaces, trim each line."""
    return expr.map_batches(_clean_unicode, return_dtype=pl.String, is_elementwise=True)


def _html_to_text(values: pl.Series) -> pl.Series:
    values = values.cast(pl.String)
    unescaped = _where(values, values.str.contains(_ESCAPED_HTML), unescape)
    kept = _where(unescaped, unescaped.str.contains("<!--", literal=True), _drop_comments)
    stripped = (
        _where(kept, kept.str.contains(_MAY_DROP), _drop_blocks)
        .str.replace_all(_LI, "\n• ")
        .str.replace_all(_BLOCK_OPEN, "\n")
        .str.replace_all(_BLOCK_CLOSE, "\n")
        .str.replace_all(_TAG, "")
    )
    decoded = _where(stripped, stripped.str.contains("&", literal=True), unescape)
    return _clean_unicode(decoded).str.replace_all(r"\n\s*\n(\s*\n)*", "\n")


def _drop_comments(values: pl.Series) -> pl.Series:
    return values.str.replace_all(_COMMENT, "")


def _drop_blocks(values: pl.Series) -> pl.Series:
    return values.str.replace_all(_DROP, "")


def html_to_text(expr: pl.Expr) -> pl.Expr:
    """Text of an HTML (or already plain) column: block tags -> newlines, <li> -> bullets.

    Entity-escaped HTML (Greenhouse sends `&lt;p&gt;`) is unescaped first. Plain text passes
    through apart from entity decoding and whitespace clean-up. Nulls stay null.
    """
    return expr.map_batches(_html_to_text, return_dtype=pl.String, is_elementwise=True)


def text_of(value: str | None) -> str:
    """`html_to_text` for one string (CLI and tests); the same code path as the column form."""
    out = pl.select(html_to_text(pl.lit(value, dtype=pl.String))).item()
    return out or ""


_WS = re.compile(r"\s+")


def one_line(value: str) -> str:
    """Collapse all whitespace to single spaces (titles, header lines)."""
    return _WS.sub(" ", value).strip()
