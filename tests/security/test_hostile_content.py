"""Hostile content never reaches a reader: validation refuses it, the sanitizer drops what slips by,
and the search UI shows queries and snippets as text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from mzkb.markdown import render
from mzkb.pipeline import build, prepare
from mzkb.sanitize import clean

HEAD = "---\ntitle: 恶意内容测试\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\n---\n\n"


def test_obfuscated_javascript_link_is_refused_at_check_and_dropped_at_render(small_kb: Path, browser):
    """Check and render share one sanitizer policy: what nh3 would drop is MZ601 at check."""
    doc = small_kb.parent / "content/notices/evil.md"
    evil = '<p><a id="evil" href="jav&#x61;script:window.__pwned=1">点这里</a></p>\n'
    doc.write_text(HEAD + evil + '\n<div title="x"><b>加粗</b></div>\n', encoding="utf-8")
    result = prepare(small_kb)
    assert result.failed
    assert [(d.code, d.line) for d in result.diagnostics if d.file.endswith("evil.md")] == [("MZ601", 8)]
    body = clean(render(evil + '\n<div title="x"><b>加粗</b></div>\n').html)
    assert "script:" not in body.lower() and "&#x61;" not in body
    assert "<b>加粗</b>" in body  # harmless markup survives
    doc.write_text(HEAD + '<p><a id="evil" href="#">点这里</a></p>\n\n<div title="x"><b>加粗</b></div>\n', encoding="utf-8")
    result = build(small_kb)
    assert result.ok
    page = browser.new_page()
    page.goto((result.out_dir / "notices/evil.html").as_uri())
    page.locator("#evil").click()
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".mzkb-body b").inner_text() == "加粗"
    page.close()


def test_script_iframe_and_handlers_are_refused_before_building(small_kb: Path):
    doc = small_kb.parent / "content/notices/evil.md"
    for payload in ("<script>alert(1)</script>", "<iframe src=x></iframe>", '<svg onload="alert(1)"></svg>',
                    '<img src=x onerror="alert(1)">', "[x](javascript:alert(1))", "[x](JavaScript:alert(1))"):
        doc.write_text(HEAD + payload + "\n", encoding="utf-8")
        result = prepare(small_kb)
        assert result.failed and "MZ601" in {d.code for d in result.diagnostics}, payload


def test_markup_in_document_text_is_shown_as_text_in_search(small_kb: Path, browser):
    doc = small_kb.parent / "content/notices/evil.md"
    doc.write_text(HEAD + "## 注意事项\n\n不要粘贴 `<img src=x onerror=window.__pwned=1>` 这样的代码到系统里。\n", encoding="utf-8")
    result = build(small_kb)
    assert result.ok
    page = browser.new_page()
    page.goto((result.out_dir / "search.html").as_uri() + "?q=" + quote("粘贴代码"))
    page.wait_for_selector("[data-mzkb-result]")
    snippet = page.locator("[data-mzkb-result] .mzkb-result__snippet").first.inner_text()
    assert "<img src=x" in snippet  # shown literally
    assert page.locator("#mzkb-results img").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.close()
