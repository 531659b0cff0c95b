import re
from datetime import date

import pytest

from flows.sources.config import (
    SourceSpec,
    SourceSpecError,
    api_base,
    load_boards,
    parse_source,
    parse_sources,
)


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("greenhouse:anthropic", SourceSpec("greenhouse", "anthropic")),
        ("Lever:spotify", SourceSpec("lever", "spotify")),
        ("ashby:ramp", SourceSpec("ashby", "ramp")),
        ("hn", SourceSpec("hn")),
        (
            "jsonld:https://x.example/jobs/1?a=b",
            SourceSpec("jsonld", "https://x.example/jobs/1?a=b"),
        ),
    ],
)
def test_parse_source(text, spec):
    assert parse_source(text) == spec
    assert str(spec) == (text.lower() if text != "Lever:spotify" else "lever:spotify")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("workday:acme", "unknown source"),
        ("greenhouse", "needs a name"),
        ("greenhouse:a/b", "not a board name"),
        ("hn:2024", "takes no name"),
        ("jsonld:ftp://x", "http(s) URL"),
    ],
)
def test_bad_sources_are_refused_with_a_reason(text, message):
    with pytest.raises(SourceSpecError, match=re.escape(message)):
        parse_source(text)


def test_repeated_sources_are_kept_once_in_order():
    assert parse_sources(["hn", "lever:a", "hn"]) == [SourceSpec("hn"), SourceSpec("lever", "a")]


def test_default_boards_file_lists_every_ats_and_hn():
    config = load_boards()
    kinds = {s.kind for s in config.sources}
    assert kinds == {"greenhouse", "lever", "ashby", "hn"}
    assert SourceSpec("greenhouse", "anthropic") in config.sources  # verified by the capture
    assert config.hn_since == date(2011, 1, 1)


def test_boards_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "boards.toml"
    bad.write_text('[lever]\nboards = ["ok", "not ok"]\n')
    with pytest.raises(SourceSpecError, match=r"boards\.toml"):
        load_boards(bad)
    bad.write_text("[lever\n")
    with pytest.raises(SourceSpecError, match="not valid TOML"):
        load_boards(bad)


def test_api_base_from_env_or_default():
    assert api_base("lever", {}) == "https://api.lever.co/v0/postings"
    assert api_base("greenhouse", {"PMPULSE_GREENHOUSE_API": "http://127.0.0.1:9/gh/"}) == (
        "http://127.0.0.1:9/gh"
    )
    assert api_base("hn_search", {}) == "https://hn.algolia.com/api/v1"
