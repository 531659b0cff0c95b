from datetime import date

import pytest

from flows.sources import hn_api


def hit(object_id, title, author="whoishiring", comments=10):
    return {"objectID": str(object_id), "title": title, "author": author, "num_comments": comments}


def test_threads_from_search_keeps_only_who_is_hiring_threads():
    response = {
        "hits": [
            hit(1, "Ask HN: Who is hiring? (March 2014)"),
            hit(2, "Ask HN: Who wants to be hired? (March 2014)"),
            hit(3, "Ask HN: Freelancer? Seeking freelancer? (March 2014)"),
            hit(4, "Ask HN: Who is hiring? (December 2010)"),  # before `since`
            hit(5, "Ask HN: Who is hiring right now?"),  # no month
            "junk",
        ]
    }
    threads = hn_api.threads_from_search(response, date(2011, 1, 1))
    assert [(t.thread_id, t.month) for t in threads] == [(1, date(2014, 3, 1))]
    assert hn_api.threads_from_search({"message": "rate limited"}, date(2011, 1, 1)) == []


def test_one_thread_per_month_prefers_the_whoishiring_account():
    threads = hn_api.threads_from_search(
        {
            "hits": [
                hit(10, "Ask HN: Who is hiring? (April 2011)", author="someone", comments=300),
                hit(11, "Ask HN: Who is hiring? (April 2011)", comments=200),
                hit(12, "Ask HN: Who is hiring? (May 2011)", author="a", comments=5),
                hit(13, "Ask HN: Who is hiring? (May 2011)", author="b", comments=50),
            ]
        },
        date(2011, 1, 1),
    )
    assert [t.thread_id for t in hn_api.one_per_month(threads)] == [11, 13]


def test_search_urls_are_the_algolia_paths():
    urls = hn_api.search_urls("http://h/api/v1", date(2011, 1, 1))
    assert urls[0].startswith("http://h/api/v1/search_by_date?tags=story%2Cauthor_whoishiring")
    assert "created_at_i%3E%3D1293840000" in urls[0]


@pytest.mark.parametrize(
    ("month", "today", "over"),
    [
        (date(2026, 5, 1), date(2026, 5, 20), False),
        (date(2026, 5, 1), date(2026, 6, 30), False),  # late comments still come in
        (date(2026, 5, 1), date(2026, 7, 1), True),
        (date(2011, 1, 1), date(2026, 7, 1), True),
    ],
)
def test_month_is_over(month, today, over):
    assert hn_api.month_is_over(month, today) is over


@pytest.mark.parametrize(
    ("known", "expected"),
    [
        ([], date(2011, 1, 1)),  # first run: the whole backfill
        ([date(2014, 3, 1), date(2026, 1, 1)], date(2025, 12, 1)),
        ([date(2026, 7, 1)], date(2026, 6, 1)),
        ([date(2011, 1, 1)], date(2011, 1, 1)),  # never before `since`
    ],
)
def test_search_window_after_the_backfill(known, expected):
    assert hn_api.search_since(date(2011, 1, 1), known) == expected


@pytest.mark.parametrize("value", [2.5, True, ["x"], {"a": 1}])
def test_search_hits_with_wrong_typed_fields_do_not_stop_the_search(value):
    # a number as a hit's title raised TypeError (regex on an int): the whole HN collection
    # of the run failed as 'thread search failed'
    april = "Ask HN: Who is hiring? (April 2014)"
    hits = [
        {**hit(2, april), "title": value},  # not a thread it can name
        {**hit(3, april), "objectID": value},
        {**hit(4, april), "author": value},  # not stated
        {**hit(5, april), "num_comments": value},
        hit(1, "Ask HN: Who is hiring? (March 2014)", comments=3),
    ]
    threads = hn_api.threads_from_search({"hits": hits}, date(2011, 1, 1))
    assert threads == [
        hn_api.Thread(4, date(2014, 4, 1), april, None, 10),
        hn_api.Thread(5, date(2014, 4, 1), april, "whoishiring", 0),
        hn_api.Thread(1, date(2014, 3, 1), "Ask HN: Who is hiring? (March 2014)", "whoishiring", 3),
    ]
