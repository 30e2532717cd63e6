"""Which unit a result shows (``ranking.best_unit``), the same in Python and in search.js."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.search import ranking

# (query, units as (heading, text), first-stage best unit, expected (unit, piece))
CASES = [
    # a chapter heading with nothing under it (its articles are sub-sections) holds the word:
    # the unit whose text holds it is shown, so the snippet can show the word
    ("地方性", [("", "沿革"), ("第一章 地方性法规", ""), ("第二节", "制定地方性法规应当")], -1, (2, "地方性")),
    # a heading with text under it still wins a tie (the result links to that section)
    ("养老服务", [("", "发展养老服务"), ("养老服务机构", "床位")], -1, (1, "养老服务")),
    # longer piece first, wherever it is
    ("居家养老服务", [("养老", "x"), ("", "提供居家养老服务")], -1, (1, "居家养老服务")),
    # nothing holds two characters of the query: the first-stage best unit, no piece
    ("殡葬", [("", "甲"), ("乙", "丙")], 1, (1, "")),
]


@pytest.mark.parametrize(("query", "units", "preferred", "expected"), CASES)
def test_best_unit(query, units, preferred, expected):
    assert ranking.best_unit(ranking.query_runs([query]), units, preferred) == expected


def test_browser_picks_the_same_unit(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("!!(window.mzkbSearch && window.mzkbSearch.bestUnit)")
    for query, units, preferred, (unit, piece) in CASES:
        got = page.evaluate("([runs, units, p]) => mzkbSearch.bestUnit(runs, units, p)",
                            [ranking.query_runs([query]), [list(u) for u in units], preferred])
        assert (got["unit"], got["piece"]) == (unit, piece), query
