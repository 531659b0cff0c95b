import polars as pl
import pytest

from transforms.text import html_to_text, text_of


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
