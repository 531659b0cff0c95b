"""HTML to clean text, and unicode clean-up, as polars expressions (vectorized, no parser).

Job-posting HTML (HN comments, ATS descriptions) is shallow markup: paragraphs, lists,
links, emphasis. Block tags become line breaks, list items become "• " bullets, every other
tag is dropped and entities are decoded. This keeps paragraph and bullet breaks while running
at column speed, which matters at millions of postings.
"""

import html
import re

import polars as pl

_BLOCK_OPEN = r"(?i)<\s*(?:p|div|br|h[1-6]|tr|ul|ol|table|section|article|blockquote|pre)\b[^>]*>"
_BLOCK_CLOSE = r"(?i)<\s*/\s*(?:p|div|h[1-6]|tr|ul|ol|table|section|article|blockquote|pre)\s*>"
_LI = r"(?i)<\s*li\b[^>]*>"
_DROP = r"(?is)<\s*(script|style|head)\b.*?<\s*/\s*(?:script|style|head)\s*>"
_COMMENT = r"(?s)<!--.*?-->"
_TAG = r"(?s)<[^>]*>"
# Zero-width characters and the BOM carry no text; NBSP and friends are plain spaces.
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
_SPACES = "[\u00a0\u2007\u202f\u2009\u200a\u3000\t\f\v]"


def clean_unicode(expr: pl.Expr) -> pl.Expr:
    """NFC-normalize, drop invisible characters, fold exotic spaces, trim each line."""
    return (
        expr.str.normalize("NFC")
        .str.replace_all(_INVISIBLE, "")
        .str.replace_all(_SPACES, " ")
        .str.replace_all("\r\n?", "\n")
        .str.replace_all(r" {2,}", " ")
        .str.replace_all(r"(?m)^ +| +$", "")
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
    )


def _unescape(value: str | None) -> str | None:
    return html.unescape(value) if value is not None and "&" in value else value


def html_to_text(expr: pl.Expr) -> pl.Expr:
    """Text of an HTML (or already plain) column: block tags -> newlines, <li> -> bullets.

    Entity-escaped HTML (Greenhouse sends `&lt;p&gt;`) is unescaped first. Plain text passes
    through apart from entity decoding and whitespace clean-up.
    """
    escaped_html = expr.str.contains(r"&lt;\s*/?\s*[a-zA-Z]")
    unescaped = (
        pl.when(escaped_html)
        .then(expr.map_elements(_unescape, return_dtype=pl.String, skip_nulls=True))
        .otherwise(expr)
    )
    stripped = (
        unescaped.str.replace_all(_COMMENT, "")
        .str.replace_all(_DROP, "")
        .str.replace_all(_LI, "\n• ")
        .str.replace_all(_BLOCK_OPEN, "\n")
        .str.replace_all(_BLOCK_CLOSE, "\n")
        .str.replace_all(_TAG, "")
    )
    decoded = (
        pl.when(stripped.str.contains("&", literal=True))
        .then(stripped.map_elements(_unescape, return_dtype=pl.String, skip_nulls=True))
        .otherwise(stripped)
    )
    return clean_unicode(decoded).str.replace_all(r"\n\s*\n(\s*\n)*", "\n")


def text_of(value: str | None) -> str:
    """`html_to_text` for one string (CLI and tests); the same code path as the column form."""
    out = pl.select(html_to_text(pl.lit(value, dtype=pl.String))).item()
    return out or ""


_WS = re.compile(r"\s+")


def one_line(value: str) -> str:
    """Collapse all whitespace to single spaces (titles, header lines)."""
    return _WS.sub(" ", value).strip()
