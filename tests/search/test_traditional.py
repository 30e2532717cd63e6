"""Queries typed in traditional characters (家屬探視) are searched as simplified text, alike in
both engines: the same results as the simplified query, and the page says so."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import opencc
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]
TO_TRADITIONAL = opencc.OpenCC("s2t").convert


def cli_search(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["search", "-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


def demo_titles() -> list[str]:
    return sorted({doc.title for doc in prepare(ROOT / "site_config.yml").corpus.documents})


def test_every_demo_title_in_traditional_characters_finds_what_the_simplified_title_finds(demo_config: Path):
    titles = demo_titles()
    changed = [t for t in titles if TO_TRADITIONAL(t) != t]
    assert len(changed) >= len(titles) // 2  # the conversion really changes most titles
    for title in changed:
        code, simplified = cli_search(demo_config, "--json", "-n", "10", title)
        assert code == 0
        code, traditional = cli_search(demo_config, "--json", "-n", "10", TO_TRADITIONAL(title))
        assert code == 0
        assert [h["id"] for h in json.loads(traditional)] == [h["id"] for h in json.loads(simplified)], title
        assert json.loads(traditional)[0]["title"] == json.loads(simplified)[0]["title"]


def test_the_cli_says_it_searched_the_simplified_query(demo_config: Path):
    code, out = cli_search(demo_config, "家屬探視")
    assert code == 0
    assert out.splitlines()[0] == "已按简体字“家属探视”搜索。"
    code, plain = cli_search(demo_config, "家属探视")
    assert "已按简体字" not in plain
    assert out.splitlines()[1:] == plain.splitlines()


def results(page) -> list[str]:
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    return [a.get_attribute("href") for a in page.query_selector_all("[data-mzkb-result] a.mzkb-result__title")]


def test_browser_folds_the_query_and_says_so(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("家属探视"))
    simplified = results(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("家屬探視"))
    assert results(page) == simplified
    page.wait_for_function("() => document.body.innerText.includes('已按简体字“家属探视”搜索')", timeout=10000)
    assert page.locator("[data-mzkb-result] mark").count() > 0  # the simplified words are marked in the snippets
    parts = [url for url in requested if "/fold-" in url]
    assert 0 < len(parts) <= 4  # only the parts of the table its four characters need
    assert page.errors == [] and page.remote_requests == []


def test_browser_and_cli_agree_on_traditional_titles(demo_site: Path, demo_config: Path, page):
    for title in demo_titles()[:6]:
        traditional = TO_TRADITIONAL(title)
        code, out = cli_search(demo_config, "--json", "-n", "5", traditional)
        cli_urls = [h["url"].split("#")[0] for h in json.loads(out)]
        page.goto((demo_site / "search.html").as_uri() + "?q=" + quote(traditional))
        first = results(page)[0]
        assert first.removeprefix("./").split("#")[0] == cli_urls[0], title
