"""Building the small fixture site: pages, metadata, links, offline-ness, atomic swap."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from mzkb.pipeline import build


@pytest.fixture
def built(small_built: Path) -> Path:
    """The small site, built once per session (these tests only read it)."""
    return small_built.parent / "site"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_document_page_has_one_h1_with_its_title(built: Path):
    for rel, title in [("notices/tan-shi-tong-zhi.html", "关于暂停养老机构探视的通知"), ("guidelines/guide-2.html", "养老机构防控指南（第二版）"),
                       ("videos/remains-video.html", "遗体处置防护要点"), ("cases/case-zhejiang.html", "浙江省某市救助站入站筛查经验")]:
        html = read(built / rel)
        h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert h1s == [title], (rel, h1s)


def test_metadata_header(built: Path):
    html = read(built / "notices/tan-shi-tong-zhi.html")
    header = html[html.index('class="mzkb-doc-header"'):html.index("mzkb-body")]
    for label, value in [("文号", "测民发〔2020〕示例1号"), ("发文机关", "测试民政局"), ("发布日期", "2020-01-28"), ("有效性", "现行有效")]:
        assert re.search(rf"<dt>{label}</dt><dd>[^<]*(<(time|span)[^>]*>)?{re.escape(value)}", header), label
    assert "养老机构</a>" in header and 'class="mzkb-badge mzkb-badge--notice">政策通知' in header


def test_superseded_edition_banner_links_to_current(built: Path):
    old = read(built / "guidelines/guide-1.html")
    assert "本文件已被替代" in old
    assert re.search(r'class="mzkb-successor" href="guide-2.html">养老机构防控指南（第二版）', old)
    assert "本文件已被替代" not in read(built / "guidelines/guide-2.html")
    assert "版本历史" in old and "第二版" in old


def test_body_links_are_rewritten_and_anchor_exists(built: Path):
    notice = read(built / "notices/tan-shi-tong-zhi.html")
    assert 'href="../guidelines/guide-1.html#二消毒要求"' in notice
    assert 'id="二消毒要求"' in read(built / "guidelines/guide-1.html")


def test_attachment_listed_with_size_and_type_and_copied(built: Path):
    html = read(built / "guidelines/guide-2.html")
    match = re.search(r'<a href="([^"]+)" download>登记表.txt</a> <span class="mzkb-file-info">（(.*?)）', html)
    assert match, "attachment missing from page"
    href, info = match.groups()
    assert info == "文本文件，21 B"  # 姓名,日期,体温 + newline in UTF-8
    target = (built / "guidelines" / href).resolve()
    assert target.is_file() and href.isascii()


def test_related_and_cited_by(built: Path):
    guide = read(built / "guidelines/guide-2.html")
    assert "引用本文件的案例和资料" in guide and "case-zhejiang.html" in guide and "remains-video.html" in guide
    case = read(built / "cases/case-zhejiang.html")
    assert "相关文件" in case and "../guidelines/guide-2.html" in case


def test_video_page_has_player_chapters_and_transcript(built: Path):
    html = read(built / "videos/remains-video.html")
    assert '<video id="mzkb-player"' in html and 'src="https://example.org/video.mp4"' in html
    assert 'data-mzkb-seek="10"' in html and "使用双层密封袋包裹遗体。" in html


def test_home_portals_and_listings(built: Path):
    home = read(built / "index.html")
    assert 'action="search.html"' in home and "placeholder=" in home
    for key in ("elderly-care", "funeral", "relief"):
        assert f'href="audiences/{key}.html"' in home
    portal = read(built / "audiences/elderly-care.html")
    current, _, history = portal.partition("mzkb-history")
    assert "guide-2.html" in current and "tan-shi-tong-zhi.html" in current
    assert "guide-1.html" in history and "guide-1.html" not in current
    assert "remains-video" not in portal
    listing = read(built / "guidelines/index.html")
    assert "现行有效 1 件，历史文件 1 件" in listing
    assert 'class="mzkb-breadcrumbs"' in read(built / "cases/case-zhejiang.html")


def test_nothing_loads_from_the_network(built: Path):
    remote = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    for path in built.rglob("*.html"):
        html = read(path)
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html):
            assert not remote.search(tag), (path, tag)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for css in built.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", read(css)), css
        assert "@import" not in read(css) or "http" not in read(css)


def test_per_page_navigation_does_not_list_documents(small_kb: Path, tmp_path: Path):
    """Each page's nav has the same links whether the site holds 5 or 65 documents."""
    first = build(small_kb, tmp_path / "a").out_dir
    nav_small = read(first / "guidelines/guide-2.html").count("md-nav__link")
    content = small_kb.parent / "content/notices"
    for n in range(60):
        (content / f"extra-{n}.md").write_text(f"---\ntitle: 附加通知{n}\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\n---\n\n正文{n}。\n", encoding="utf-8")
    second = build(small_kb, tmp_path / "b").out_dir
    assert read(second / "guidelines/guide-2.html").count("md-nav__link") == nav_small
    assert "附加通知59" not in read(second / "guidelines/guide-2.html")


def test_failed_build_leaves_previous_site_untouched(small_kb: Path):
    first = build(small_kb)
    assert first.ok
    site = first.out_dir
    (site / "404.html").write_text("previous", encoding="utf-8")  # a file the build listed (a foreign one is refused: MZ910)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (small_kb.parent / "content/notices/broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    second = build(small_kb)
    assert not second.ok
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]  # no staging leftovers
    (small_kb.parent / "content/notices/broken.md").unlink()
    third = build(small_kb)
    assert third.ok and (site / "404.html").read_text(encoding="utf-8") != "previous"


@pytest.mark.parametrize("renderer", ["mkdocs", "jinja"])
def test_render_failure_also_keeps_previous_site(renderer: str, small_kb: Path, monkeypatch):
    monkeypatch.setenv("MZKB_RENDERER", renderer)
    first = build(small_kb)
    (first.out_dir / "404.html").write_text("previous", encoding="utf-8")
    import mzkb.render.jinja.build as jinja_build
    import mzkb.render.mkdocs as mkdocs_renderer

    def explode(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    if renderer == "mkdocs":
        monkeypatch.setattr(mkdocs_renderer, "write_mkdocs_yml", explode)
    else:
        monkeypatch.setattr(jinja_build.shutil, "copyfile", explode)
    second = build(small_kb)
    assert not second.ok and (first.out_dir / "404.html").read_text(encoding="utf-8") == "previous"
    assert any(d.code in ("MZ901", "MZ902") for d in second.diagnostics)


def test_two_builds_are_byte_identical(small_kb: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")

    def digest(folder: Path) -> dict:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}

    assert digest(build(small_kb, tmp_path / "one").out_dir) == digest(build(small_kb, tmp_path / "two").out_dir)


def test_links_to_chinese_file_names_and_footnotes(small_kb: Path):
    notice = small_kb.parent / "content/notices/附件通知.md"
    notice.write_text("---\ntitle: 附件通知\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\n---\n\n"
                      "请填写[登记表](../cases/files/登记表.txt)，见指南[第二版](../guidelines/guide-2.md#二消毒要求)。[^1]\n\n"
                      "[^1]: 这是脚注。\n", encoding="utf-8")
    result = build(small_kb)
    assert result.ok, [d.format() for d in result.prepared.diagnostics]
    assert not [d for d in (*result.prepared.diagnostics, *result.diagnostics)], "no warnings for valid links"
    html = read(result.out_dir / "notices/fu-jian-tong-zhi.html")
    href = re.search(r'<a href="([^"]+)">登记表</a>', html).group(1)
    assert href.isascii() and (result.out_dir / "notices" / href).resolve().is_file()
    assert 'href="../guidelines/guide-2.html#二消毒要求"' in html
    assert "这是脚注" in html


def test_demo_builds_are_byte_identical(tmp_path: Path, monkeypatch):
    """Two builds of the demo (same content, same SOURCE_DATE_EPOCH): identical site and search index."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    import shutil

    repo = Path(__file__).resolve().parents[2]
    root = tmp_path / "demo"  # a copy: the build day here must not reach the repository's own index in .mzkb
    shutil.copytree(repo / "content", root / "content")
    shutil.copy(repo / "site_config.yml", root / "site_config.yml")

    def digest(folder: Path) -> dict:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}

    one = build(root / "site_config.yml", tmp_path / "one").out_dir
    two = build(root / "site_config.yml", tmp_path / "two").out_dir
    first, second = digest(one), digest(two)
    assert first == second
    assert any(name.startswith("search/") for name in first)


@pytest.mark.parametrize("year, mtime", [("2201", (2**32 - 1) // 86400 * 86400), ("1958", 0)])  # MkDocs keeps the day
def test_dates_a_gzip_header_cannot_hold(small_kb: Path, year: str, mtime: int):
    """Issue 24: outside git the build time is the newest document's date, and MkDocs writes it
    into sitemap.xml.gz's gzip header (1970..2106): 2201-01-01, or every document from 1958, ended
    the build with struct.error. The build time is clamped to what the header holds."""
    import gzip
    import struct
    import subprocess

    assert subprocess.run(["git", "-C", str(small_kb.parent), "rev-parse"], capture_output=True).returncode != 0
    for path in (small_kb.parent / "content").rglob("*.md"):
        text = read(path)
        if year == "1958":  # every document, order kept
            text = re.sub(r"(?m)^date: \d{4}", "date: 1958", text)
        elif path.name == "guide-2.md":  # only the newest
            text = re.sub(r"(?m)^date: .*$", "date: 2201-01-01", text)
        path.write_text(text, encoding="utf-8")
    result = build(small_kb)
    assert result.ok, [d.format() for d in result.prepared.diagnostics]
    if year == "2201":
        assert "MZ315" in {d.code for d in result.prepared.diagnostics}  # only a warning: the build goes on
    packed = (result.out_dir / "sitemap.xml.gz").read_bytes()
    assert struct.unpack("<I", packed[4:8])[0] == mtime
    assert gzip.decompress(packed) == (result.out_dir / "sitemap.xml").read_bytes()
