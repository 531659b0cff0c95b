import html
import unicodedata

import polars as pl
import pytest

from transforms.text import ENTITIES, html_to_text, nfc, text_of, unescape


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            "Acme | PM | Berlin<p>We build things.<p>Apply",
            "Acme | PM | Berlin\nWe build things.\nApply",
        ),
        ("<ul><li>SQL</li><li>Roadmaps</li></ul>", "• SQL\n• Roadmaps"),
        ('Tom &amp; Jerry&#x27;s <a href="x">site</a>', "Tom & Jerry's site"),
        ("&lt;p&gt;Escaped &amp;amp; twice&lt;/p&gt;", "Escaped & twice"),  # Greenhouse style
        ("a\u00a0b\u200bc", "a bc"),  # NBSP folded, zero-width dropped
        ("<script>alert(1)</script>kept", "kept"),
        ("plain text stays", "plain text stays"),
        ("", ""),
    ],
)
def test_text_of(html: str, text: str) -> None:
    assert text_of(html) == text


def test_column_form_matches_and_keeps_nulls() -> None:
    frame = pl.DataFrame({"body": ["<p>One</p><p>Two</p>", None]})
    assert frame.select(html_to_text(pl.col("body"))).to_series().to_list() == ["One\nTwo", None]


TRICKY_ENTITIES = [
    "Tom &amp; Jerry&#x27;s &#x2F;jobs&#x2f; &quot;PM&quot;",
    "&amp;lt;p&amp;gt; stays escaped once",  # decoded once, not twice
    "R&D, AT&T & co; a&b",  # bare ampersands
    "&copy 2024 &amp &lt3 &notit; &notin;",  # legacy names without ';', longest prefix
    "&#0; &#x80; &#xD800; &#1114112; &#x110000; &#65535; &#128512;",  # invalid code points
    "&#039;&#0039;&#X27;&#x0027;&#8217;&#8211;&#x2014;&#160;&nbsp;&euro;&hellip;",
    "&CounterClockwiseContourIntegral; &bogus; &#; &#x; &#xZZ; & #39;",
    "&#x27&#39 unterminated",
    None,
    "",
]


def test_unescape_is_html_unescape_row_by_row() -> None:
    got = unescape(pl.Series(TRICKY_ENTITIES)).to_list()
    assert got == [None if v is None else html.unescape(v) for v in TRICKY_ENTITIES]


def test_every_column_wise_entity_decodes_as_html_unescape() -> None:
    keys = list(ENTITIES)
    assert unescape(pl.Series(keys)).to_list() == [html.unescape(k) for k in keys]


def test_nfc_normalizes_only_what_needs_it() -> None:
    values = ["cafe\u0301", "café", "plain", "\u2126hm", "• bullet", None]
    got = nfc(pl.Series(values)).to_list()
    assert got == [None if v is None else unicodedata.normalize("NFC", v) for v in values]
    assert text_of("<p>Cafe\u0301 &amp; e&#x301;</p>") == "Café & é"
