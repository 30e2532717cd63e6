"""Parts of Material's frame rendered once per folder (generator/site/fragments.py): every page
still links where it should from its own folder, nav pages still mark themselves, and a
change of what the parts show reaches every page (next build, and a reused serve environment)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from mzkb.pipeline import build

OUTSIDE_NAV = ["notices/tan-shi-tong-zhi.html", "guidelines/guide-2.html", "videos/remains-video.html",
               "cases/case-zhejiang.html", "cases/province-330000.html", "compare/guide-1--guide-2.html",
               "timelines/yi-qing-fang-kong.html", "timelines/elderly-care/yi-qing-fang-kong.html"]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def primary_nav(html: str) -> str:
    start = html.index('<nav class="md-nav md-nav--primary"')
    return html[start:html.index('<div class="md-sidebar md-sidebar--secondary"', start)]


def targets(page: str, html: str) -> list[str]:
    """The site paths a page's navigation links to (resolved from the page's folder)."""
    folder = posixpath.dirname(page)
    return [posixpath.normpath(posixpath.join(folder, href)) for href in re.findall(r'href="([^"#]+)"', primary_nav(html))]


def linked_assets(page: str, html: str) -> list[str]:
    """Stylesheets and scripts of a page, resolved from its folder."""
    folder = posixpath.dirname(page)
    refs = re.findall(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html)
    return [posixpath.normpath(posixpath.join(folder, a or b)) for a, b in refs]


@pytest.fixture
def built(small_built: Path) -> Path:
    """The small site, built once per session (the tests taking it only read it)."""
    return small_built.parent / "site"


def test_every_page_links_the_same_nav_targets_and_assets_from_its_own_folder(built: Path):
    home = read(built / "index.html")
    expected_nav, expected_assets = targets("index.html", home), linked_assets("index.html", home)
    assert "notices/index.html" in expected_nav and len(expected_assets) > 10
    for page in OUTSIDE_NAV + ["404.html", "guidelines/index.html", "audiences/funeral.html"]:
        html = read(built / page)
        assert targets(page, html) == expected_nav, page
        assert linked_assets(page, html) == expected_assets, page
        depth = page.count("/")
        base = re.search(r'<script id="__config" type="application/json">\{[^<]*?"base": "([^"]*)"', html).group(1)
        assert base == ("/".join([".."] * depth) if depth and page != "404.html" else "."), page
    for asset in expected_assets:
        assert (built / asset).is_file(), asset


def test_nav_pages_mark_themselves_active_and_other_pages_do_not(built: Path):
    listing = primary_nav(read(built / "guidelines/index.html"))
    assert '<a href="index.html" class="md-nav__link md-nav__link--active">' in listing
    for page in OUTSIDE_NAV:
        assert "md-nav__link--active" not in primary_nav(read(built / page)), page


def replace(path: Path, old: str, new: str) -> None:
    text = read(path)
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def relabel(kb: Path) -> None:
    """Rename the audience 殡葬服务机构 (a nav entry) in the site configuration and the document using it."""
    replace(kb / "site_config.yml", "label: 殡葬服务机构", "label: 殡葬与公墓服务机构")
    replace(kb / "content/videos/remains.md", "audiences: [殡葬服务机构]", "audiences: [殡葬与公墓服务机构]")


def test_a_new_nav_label_and_site_title_show_on_every_page_of_the_next_build(small_kb: Path):
    first = build(small_kb)
    assert first.ok
    built = first.out_dir
    relabel(small_kb.parent)
    replace(small_kb, "title: 测试知识库", "title: 改名后的知识库")
    assert build(small_kb).ok
    for page in OUTSIDE_NAV + ["index.html", "404.html"]:
        nav = primary_nav(read(built / page))
        assert "殡葬与公墓服务机构" in nav and "殡葬服务机构" not in nav, page
        assert "改名后的知识库" in nav and "测试知识库" not in nav, page


@pytest.mark.parametrize("renderer", ["mkdocs", "jinja"])
def test_serve_rebuilds_in_one_environment_show_a_changed_nav(renderer: str, small_kb: Path, tmp_path: Path, monkeypatch):
    """``mzkb serve`` keeps one Jinja environment for all rebuilds: fragments of the last
    rebuild must not leak into the next one."""
    from mzkb.pipeline import Session, rebuild

    monkeypatch.setenv("MZKB_RENDERER", renderer)

    def environment_of(memory):
        return memory.renderer["theme_env"][0] if renderer == "mkdocs" else memory.renderer["jinja"].env

    site = tmp_path / "preview"
    session = Session(small_kb, site)
    assert rebuild(session).ok
    assert "殡葬服务机构" in primary_nav(read(site / "guidelines/guide-2.html"))
    environment = environment_of(session.memory)
    relabel(small_kb.parent)
    assert rebuild(session).ok
    assert environment_of(session.memory) is environment
    if renderer == "mkdocs":
        assert len(session.memory.renderer["theme_env"]) == 1
    for page in OUTSIDE_NAV:
        nav = primary_nav(read(site / page))
        assert "殡葬与公墓服务机构" in nav and "殡葬服务机构" not in nav, page


def test_the_header_shows_each_page_its_own_title(built: Path):
    for page, title in [("notices/tan-shi-tong-zhi.html", "关于暂停养老机构探视的通知"), ("guidelines/guide-2.html", "养老机构防控指南（第二版）"),
                        ("guidelines/guide-1.html", "养老机构防控指南（第一版）"), ("notices/index.html", "政策通知")]:
        html = read(built / page)
        topic = html[html.index('data-md-component="header-topic"'):]
        assert re.match(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*' + re.escape(title) + r"\s*</span>",
                        topic), page
