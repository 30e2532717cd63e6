"""The case gallery: tile map SVG, case cards, province pages, and the filter script."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest

from mzkb.content.links import Corpus
from mzkb.content.model import DocType, Status
from mzkb.pipeline import prepare
from mzkb.regions import load_regions
from mzkb.site.pages.cases import LEVEL_FILLS, TILE_GRID, case_pages, count_level, tile_map_svg

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
DEMO_CASES = {  # province code -> the demo's one case there
    "320000": "case-jiangsu-nanjing-elderly-care",
    "330000": "case-zhejiang-hangzhou-marriage-appointment",
    "340000": "case-anhui-hefei-relief-screening",
    "420000": "case-hubei-wuhan-funeral-service",
    "440000": "case-guangdong-guangzhou-child-welfare",
    "510000": "case-sichuan-chengdu-community-volunteers",
}
MARKDOWN_EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "def_list", "footnotes", "sane_lists"]


@pytest.fixture(scope="module")
def table():
    return load_regions()


@pytest.fixture(scope="module")
def demo():
    prepared = prepare(ROOT / "site_config.yml")
    assert prepared.corpus is not None and prepared.config is not None
    return prepared


@pytest.fixture(scope="module")
def pages(demo, table):
    return dict(case_pages(demo.corpus, demo.config, table))


def _tiles(svg: str) -> dict[str, tuple[ET.Element, ET.Element | None]]:
    """province code -> (tile <g>, enclosing <a> or None)."""
    root = ET.fromstring(svg)
    found = {}
    for parent in root.iter():
        for child in parent:
            if child.tag == SVG + "g" and "mzkb-tile-map__tile" in child.get("class", "").split():
                found[child.get("data-province")] = (child, parent if parent.tag == SVG + "a" else None)
    return found


def _front_title(text: str) -> str:
    match = re.match(r'---\ntitle: "(.*)"\n---\n', text)
    assert match, text[:80]
    return match.group(1)


# --- tile map -------------------------------------------------------------------------------


def test_grid_places_every_province_once(table):
    assert sorted(TILE_GRID) == [r.code for r in table.provinces()]
    assert len(set(TILE_GRID.values())) == 34


def test_tile_map_has_34_tiles_with_full_names(table):
    counts = {"330000": 2, "320000": 1}
    svg = tile_map_svg(counts, lambda r: f"province-{r.code}.html", table)
    root = ET.fromstring(svg)
    # a picture for the eye; the province list under it is the accessible way (no nested-interactive)
    assert root.get("aria-hidden") == "true" and root.get("viewBox") and root.get("width") is None
    assert root.find(SVG + "title") is not None and root.find(SVG + "title").text
    tiles = _tiles(svg)
    assert len(tiles) == 34
    names = {r.code: r.name for r in table.provinces()}
    for code, (tile, link) in tiles.items():
        expected = f"{names[code]}：{counts.get(code, 0)} 个案例"
        assert tile.find(SVG + "title").text == expected
        label = (link if link is not None else tile).get("aria-label")
        assert label == expected
    assert tiles["330000"][1].get("href") == "province-330000.html"
    assert tiles["330000"][1].get("aria-label") == "浙江省：2 个案例"
    assert "".join(tiles["330000"][0].itertext()).startswith("浙江省：2 个案例浙江2")
    assert "".join(tiles["650000"][0].itertext()).endswith("新疆0")


def test_tile_map_links_only_provinces_with_cases(table):
    asked = []

    def link_of(region):
        asked.append(region.code)
        return f"p-{region.code}.html"

    tiles = _tiles(tile_map_svg({"330000": 1, "510000": 3, "110000": 0}, link_of, table))
    linked = sorted(code for code, (_, link) in tiles.items() if link is not None)
    assert linked == ["330000", "510000"]
    assert sorted(asked) == ["330000", "510000"]
    # link_of may also decline
    tiles = _tiles(tile_map_svg({"330000": 1}, lambda r: None, table))
    assert all(link is None for _, link in tiles.values())


def test_tile_map_shades_by_count(table):
    counts = {"330000": 8, "320000": 1, "340000": 4}
    tiles = _tiles(tile_map_svg(counts, lambda r: "x.html", table))

    def fill(code):
        return tiles[code][0].find(SVG + "rect").get("fill")

    assert fill("110000") == LEVEL_FILLS[0]
    assert fill("330000") == LEVEL_FILLS[4]
    assert fill("340000") == LEVEL_FILLS[2]
    assert fill("320000") == LEVEL_FILLS[1]
    assert [count_level(n, 8) for n in range(0, 9)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert count_level(1, 1) == 4


def test_tile_map_is_deterministic_and_self_contained(table):
    forward = {"330000": 2, "320000": 1, "440000": 5}
    backward = dict(reversed(list(forward.items())))
    first = tile_map_svg(forward, lambda r: f"province-{r.code}.html", table)
    assert first == tile_map_svg(forward, lambda r: f"province-{r.code}.html", table)
    assert first == tile_map_svg(backward, lambda r: f"province-{r.code}.html", table)
    assert "<script" not in first and "<style" not in first
    assert re.findall(r"https?://[^\"]+", first) == ["http://www.w3.org/2000/svg"]


def test_tile_map_escapes(table):
    svg = tile_map_svg({"330000": 1}, lambda r: 'a.html?x=1&y="2"', table, title="<b>&</b>")
    ET.fromstring(svg)  # still well-formed
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in svg and 'href="a.html?x=1&amp;y=&#34;2&#34;"' in svg


# --- pages ----------------------------------------------------------------------------------


def test_case_pages_urls_and_titles(pages):
    assert sorted(pages) == ["cases/index.md"] + [f"cases/province-{code}.md" for code in sorted(DEMO_CASES)]
    assert _front_title(pages["cases/index.md"]) == "典型案例"
    assert _front_title(pages["cases/province-330000.md"]) == "典型案例：浙江省"


def test_gallery_has_map_filters_and_every_case(pages, demo):
    text = pages["cases/index.md"]
    tiles = _tiles(re.search(r"<svg.*?</svg>", text, re.S).group(0))
    linked = {code: link.get("href") for code, (_, link) in tiles.items() if link is not None}
    assert linked == {code: f"province-{code}.html" for code in DEMO_CASES}
    for select in ("mzkb-case-province", "mzkb-case-audience", "mzkb-case-topic"):
        assert f'<select id="{select}"' in text
    assert '<form class="mzkb-case-filters" id="mzkb-case-filters" hidden' in text
    assert 'id="mzkb-case-count"' in text and 'id="mzkb-cases"' in text
    cards = re.findall(r'<article class="mzkb-case-card[^"]*" data-province="(\d*)" data-audiences="([^"]*)" data-topics="([^"]*)">', text)
    assert len(cards) == 6
    cases = {d.id: d for d in demo.corpus.documents if d.type is DocType.CASE}
    for code, doc_id in DEMO_CASES.items():
        doc = cases[doc_id]
        assert (code, " ".join(doc.audiences), "|".join(doc.topics)) in cards
        assert f'href="{doc_id}.html"' in text
    # options only for values that occur
    assert '<option value="330000">浙江省（1）</option>' in text
    assert '<option value="mental-health">' not in text
    assert '<option value="elderly-care">养老机构（1）</option>' in text
    assert '<option value="疫情防控">疫情防控（5）</option>' in text


def test_card_content(pages, demo):
    text = pages["cases/index.md"]
    card = re.search(r'<article[^>]*data-province="330000".*?</article>', text, re.S).group(0)
    assert "浙江省杭州市" in card and "2020" in card
    assert "适用机构：窗口单位" in card
    assert "复工复产" in card
    doc = demo.corpus.get("case-zhejiang-hangzhou-marriage-appointment")
    summary = re.search(r'<p class="mzkb-case-card__summary">(.*?)</p>', card).group(1)
    assert len(summary) <= 120 and summary.startswith(doc.summary[:20])
    for related_id in doc.related:
        related = demo.corpus.get(related_id)
        assert f'<a href="../{related.url}">' in card
        assert related.title.replace('"', "&quot;") in card


def test_every_link_resolves(pages, demo):
    targets = {d.url for d in demo.corpus.documents} | {"cases/index.html"} | {f"cases/province-{c}.html" for c in DEMO_CASES}
    for src_uri, text in pages.items():
        page_url = src_uri[:-3] + ".html"
        for href in re.findall(r'href="([^"]+)"', text):
            assert not href.startswith(("/", "http")), href
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), href))
            assert resolved in targets, (src_uri, href)


def test_province_page_lists_only_its_cases(pages):
    text = pages["cases/province-330000.md"]
    assert re.findall(r'data-province="(\d+)" data-audiences', text) == ["330000"]
    assert 'href="case-zhejiang-hangzhou-marriage-appointment.html"' in text
    for other in set(DEMO_CASES.values()) - {"case-zhejiang-hangzhou-marriage-appointment"}:
        assert other not in text
    assert '<a href="index.html">' in text  # back to the gallery
    assert "<svg" not in text and "<select" not in text


def test_history_cases_come_after_and_are_marked(demo, table):
    docs = [
        dataclasses.replace(d, status=Status.REPEALED) if d.id == "case-guangdong-guangzhou-child-welfare" else d
        for d in demo.corpus.documents
    ]
    corpus = Corpus(tuple(docs), {d.id: d for d in docs}, {})
    pages = dict(case_pages(corpus, demo.config, table))
    text = pages["cases/index.md"]
    order = re.findall(r'<article class="mzkb-case-card mzkb-case-card--(\w+)" data-province="(\d+)"', text)
    assert order[-1] == ("repealed", "440000")
    assert all(status == "current" for status, _ in order[:-1])
    assert text.index("历史案例") < text.index('data-province="440000" data-audiences')
    assert "已废止" in text
    assert "现行案例 5 个，历史案例 1 个" in text
    province = pages["cases/province-440000.md"]
    assert "暂无现行案例" in province and "历史案例（已被替代、已废止或不在有效期内，共 <span data-mzkb-count>1</span> 个）" in province


def test_cases_without_region_are_not_placed(demo, table):
    docs = [dataclasses.replace(d, region="", region_code="") if d.type is DocType.CASE else d for d in demo.corpus.documents]
    corpus = Corpus(tuple(docs), {d.id: d for d in docs}, {})
    pages = dict(case_pages(corpus, demo.config, table))
    assert list(pages) == ["cases/index.md"]
    assert "另有 6 个案例未标注可识别的地区" in pages["cases/index.md"]
    assert pages["cases/index.md"].count('data-province="" ') == 6


def test_markdown_keeps_the_raw_html(pages):
    for text in pages.values():
        body = text.split("---\n", 2)[2]
        html = markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS)
        assert "<p><svg" not in html and "<p><article" not in html and "<p><a" not in html
        assert html.count("<article") == body.count("<article")
    html = markdown.markdown(pages["cases/index.md"].split("---\n", 2)[2], extensions=MARKDOWN_EXTENSIONS)
    assert html.count('class="mzkb-tile-map__tile') == 34


# --- the filter script, in Chromium from file:// ----------------------------------------------


def test_filter_script(pages, page, tmp_path):
    body = markdown.markdown(pages["cases/index.md"].split("---\n", 2)[2], extensions=MARKDOWN_EXTENSIONS)
    script = (ROOT / "theme" / "assets" / "mzkb" / "cases.js").resolve()
    css = (ROOT / "theme" / "assets" / "mzkb" / "cases.css").resolve()
    html = tmp_path / "cases.html"
    html.write_text(
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f'<link rel="stylesheet" href="{css.as_uri()}"></head><body>{body}<script src="{script.as_uri()}"></script></body></html>',
        encoding="utf-8",
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(html.as_uri())
    cards = page.locator(".mzkb-case-card")
    assert page.locator("#mzkb-case-filters").is_visible()
    assert page.locator("#mzkb-case-count").inner_text() == "共 6 个案例"
    page.select_option("#mzkb-case-topic", "心理关爱")
    assert page.locator(".mzkb-case-card:visible").count() == 3
    assert page.locator("#mzkb-case-count").inner_text() == "符合条件的案例 3 个（共 6 个）"
    page.select_option("#mzkb-case-province", "320000")
    assert page.locator(".mzkb-case-card:visible").count() == 1
    assert page.locator('.mzkb-case-card:visible[data-province="320000"]').count() == 1
    page.select_option("#mzkb-case-audience", "funeral")
    assert page.locator(".mzkb-case-card:visible").count() == 0
    assert page.locator("#mzkb-case-empty").is_visible()
    page.click("#mzkb-case-reset")
    page.wait_for_function("document.querySelectorAll('.mzkb-case-card:not([hidden])').length === 6")
    assert not page.locator("#mzkb-case-empty").is_visible()
    assert cards.count() == 6
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.errors == [] and page.remote_requests == []


def test_without_script_all_cards_show_and_filters_stay_hidden(pages, page, tmp_path):
    body = markdown.markdown(pages["cases/index.md"].split("---\n", 2)[2], extensions=MARKDOWN_EXTENSIONS)
    html = tmp_path / "plain.html"
    html.write_text(f'<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>{body}</body></html>', encoding="utf-8")
    page.goto(html.as_uri())
    assert page.locator(".mzkb-case-card:visible").count() == 6
    assert not page.locator("#mzkb-case-filters").is_visible()


def test_county_cases_are_listed_under_their_prefecture_and_province(demo, table):
    base = next(d for d in demo.corpus.documents if d.id == "case-zhejiang-hangzhou-marriage-appointment")
    county = dataclasses.replace(base, id="case-xihu", title="西湖区县级案例", region="", region_code="330106")
    ningbo = dataclasses.replace(base, id="case-ningbo", title="宁波市案例", region="浙江省宁波市", region_code="330200")
    whole = dataclasses.replace(base, id="case-zhejiang", title="全省案例", region="浙江省", region_code="330000")
    docs = [*demo.corpus.documents, county, ningbo, whole]
    corpus = Corpus(tuple(docs), {d.id: d for d in docs}, {})
    pages = dict(case_pages(corpus, demo.config, table))
    province = pages["cases/province-330000.md"]
    sections = re.findall(r'<section class="mzkb-case-prefecture" data-prefecture="(\d*)">\s*<h2[^>]*>([^<]+)</h2>(.*?)</section>',
                          province, re.S)
    assert [(code, heading) for code, heading, _ in sections] == [
        ("330100", "杭州市（2 个）"), ("330200", "宁波市（1 个）"), ("", "省级及未注明地市（1 个）")]
    assert "case-xihu.html" in sections[0][2] and "浙江省杭州市西湖区" in sections[0][2]  # the code's full name
    assert "case-ningbo.html" in sections[1][2] and "case-zhejiang.html" in sections[2][2]
    gallery = pages["cases/index.md"]
    assert re.search(r'data-province="330000"[^>]*>.{0,200}case-xihu\.html', gallery, re.S)
