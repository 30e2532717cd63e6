"""Both renderers behind the door (``render.render``) write the same site, byte for byte.

The MkDocs renderer (MkDocs' build with our plugin) and our own (``render/jinja``: Material's
templates rendered by our Jinja loop) are given the same ``RenderInput`` by the same pipeline;
every file either writes must be the other's too. ``MZKB_RENDERER`` picks the renderer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mzkb.pipeline import build
from mzkb.render import RENDERERS, SWITCH, chosen
from mzkb.site.model import VersionInfo

ROOT = Path(__file__).resolve().parents[2]

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Site path -> why the two renderers write it differently. None left: an entry here must say why."""


def other_renderer() -> str:
    """The renderer the default is compared with."""
    return next(r for r in RENDERERS if r != chosen())


def site_files(root: Path) -> dict[str, bytes]:
    """Site path -> bytes of every file under ``root``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def differences(ours: dict[str, bytes], theirs: dict[str, bytes]) -> dict[str, str]:
    """Path -> how the two sites differ there (missing on one side, or other bytes)."""
    found = {p: "only the default renderer writes it" for p in ours.keys() - theirs.keys()}
    found.update({p: "only the other renderer writes it" for p in theirs.keys() - ours.keys()})
    found.update({p: "different bytes" for p in ours.keys() & theirs.keys() if ours[p] != theirs[p]})
    return found


def built(config: Path, out: Path, renderer: str, monkeypatch, **options) -> dict[str, bytes]:
    """The files of the site built from ``config`` into ``out`` with ``renderer``."""
    with monkeypatch.context() as patch:
        patch.setenv(SWITCH, renderer)
        result = build(config, out, **options)
    assert result.ok, [d.format() for d in (*result.prepared.diagnostics, *result.diagnostics)]
    return site_files(out)


def test_an_unknown_renderer_is_refused(monkeypatch):
    monkeypatch.setenv(SWITCH, "hugo")
    with pytest.raises(ValueError, match="MZKB_RENDERER"):
        chosen()


def test_both_renderers_write_the_same_demo_site(demo_site: Path, tmp_path: Path, monkeypatch):
    """The demo (36 documents of every type, comparisons, timelines, case maps, attachments,
    videos): the other renderer's site has the same files with the same bytes."""
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "content", kb / "content")
    shutil.copy(ROOT / "site_config.yml", kb / "site_config.yml")
    theirs = built(kb / "site_config.yml", tmp_path / "site", other_renderer(), monkeypatch)
    ours = site_files(demo_site)
    assert len(ours) > 300 and "404.html" in ours and "sitemap.xml.gz" in ours
    assert differences(ours, theirs) == {p: "different bytes" for p in KNOWN_DIFFERENCES}


def test_both_renderers_write_the_same_versioned_site_with_an_address(small_kb: Path, tmp_path: Path, monkeypatch):
    """A versioned build (its 更新记录 page, version-aware pages) of a site with a public address
    (canonical links, a sitemap listing every page) and a logo: the same files, the same bytes."""
    kb = small_kb.parent
    (kb / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    text = small_kb.read_text(encoding="utf-8")
    small_kb.write_text(text.replace("  language: zh\n", "  language: zh\n  url: https://kb.example.gov.cn/zhishi\n"
                                     "  logo: logo.png\n", 1), encoding="utf-8")
    version = VersionInfo("2020-1", "2020年第一版", "2020-06-01")
    sites = {r: built(small_kb, tmp_path / r, r, monkeypatch, version=version, incremental=False) for r in RENDERERS}
    first, second = (sites[r] for r in RENDERERS)
    assert b"https://kb.example.gov.cn/zhishi/notices/" in first["sitemap.xml"] and "changes.html" in first
    assert "assets/site-logo.png" in first
    assert differences(first, second) == {}


def _edit(kb: Path, path: str, old: str, new: str) -> None:
    target = kb / "content" / path
    text = target.read_text(encoding="utf-8")
    assert old in text, (path, old)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


SERVE_EDITS = [
    ("a body", lambda kb: _edit(kb, "guidelines/guide-2.md", "每日消毒三次", "每日消毒三次，记录台账")),
    ("a title", lambda kb: _edit(kb, "guidelines/guide-1.md", "title: 养老机构防控指南（第一版）", "title: 养老机构防控指南（初版）")),
    ("a heading", lambda kb: _edit(kb, "notices/探视通知.md", "## 二、工作要求", "## 二、工作与值守要求")),
    ("a new document", lambda kb: (kb / "content/notices/xin-tong-zhi.md").write_text(
        "---\ntitle: 新增的通知\ndate: 2020-06-01\nissuer: 测试民政局\naudiences: [养老机构]\n---\n\n新增的正文。\n",
        encoding="utf-8")),
    ("a removed document", lambda kb: (kb / "content/notices/xin-tong-zhi.md").unlink()),
]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_serve_rebuilds_write_what_a_first_rebuild_writes(renderer: str, small_kb: Path, tmp_path: Path, monkeypatch):
    """``mzkb serve`` (``pipeline.rebuild`` into the preview folder, rendering only what changed):
    after each kind of edit its pages are the pages a new session renders from scratch."""
    from mzkb.pipeline import Session, rebuild

    monkeypatch.setenv(SWITCH, renderer)
    session = Session(small_kb, tmp_path / "preview")
    assert rebuild(session).ok
    for number, (what, edit) in enumerate(SERVE_EDITS):
        edit(small_kb.parent)
        done = rebuild(session)
        assert done.ok, what
        if what == "a body":
            assert (done.render.rendered, done.render.other_rendered) == (1, 1), what  # the page, its comparison
        fresh = Session(small_kb, tmp_path / f"fresh-{number}")
        assert rebuild(fresh).ok
        pages = {p: b for p, b in site_files(tmp_path / "preview").items() if p.endswith(".html")}
        assert differences(pages, {p: b for p, b in site_files(tmp_path / f"fresh-{number}").items()
                                   if p.endswith(".html")}) == {}, what
