"""Which unit a result shows (``ranking.best_unit``), the same in Python and in search.js."""

from __future__ import annotations

from pathlib import Path

import pytest

from mzkb.search import ranking

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


def plain_longest_part(run: str, text: str) -> str:
    """ranking.longest_part as defined: every size from the longest down, every start."""
    for size in range(len(run), 1, -1):
        for start in range(len(run) - size + 1):
            if run[start : start + size] in text:
                return run[start : start + size]
    return ""


def test_longest_part_by_halving_equals_its_definition():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    chars = st.text(alphabet="养老机构院探视\n", max_size=40)

    @settings(max_examples=2000, deadline=None, derandomize=True)
    @given(chars.filter(lambda s: "\n" not in s), chars)
    def check(run: str, text: str) -> None:
        assert ranking.longest_part(run, text) == plain_longest_part(run, text)

    check()


def test_browser_longest_part_is_the_same(demo_site: Path, page):
    import random

    rnd = random.Random(24)
    pairs = [("".join(rnd.choice("养老机构院") for _ in range(rnd.randint(0, 14))),
              "".join(rnd.choice("养老机构院探视") for _ in range(rnd.randint(0, 30)))) for _ in range(300)]
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("!!(window.mzkbSearch && window.mzkbSearch.bestUnit)")
    got = page.evaluate("pairs => pairs.map(([run, text]) => mzkbSearch.longestPart(run, text))", pairs)
    assert got == [plain_longest_part(run, text) for run, text in pairs]
