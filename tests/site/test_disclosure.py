"""信息公开 fields and the site identity: on the page, in print, in search, and validated."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
IDENTITY = ("  organizer: 测试省民政厅\n  operator: 测试省民政厅信息中心\n  site_code: \"3300000001\"\n"
            "  icp: 测ICP备12345678号\n  police_record: 测公网安备 33010002000001号\n"
            "  police_url: https://www.beian.gov.cn/\n  contact: 电话 0571-12345678\n  logo: logo.png\n")
NOTICE = """---
id: disclosure-notice
title: 关于做好冬季养老机构安全工作的通知
date: 2020-11-25
written_date: 2020-11-20
issuer: 测试民政局
recipients: 各市民政局
index_number: 000014349/2020-00123
subjects: [民政、扶贫、救灾]
audiences: [养老机构]
---

## 一、要求

做好冬季安全工作。
"""


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def identity_kb(small_kb: Path) -> Path:
    kb = small_kb.parent
    text = small_kb.read_text(encoding="utf-8").replace("  language: zh\n", "  language: zh\n" + IDENTITY)
    small_kb.write_text(text, encoding="utf-8")
    (kb / "logo.png").write_bytes(PNG)
    (kb / "content/notices/disclosure.md").write_text(NOTICE, encoding="utf-8")
    return kb


@pytest.fixture(scope="module")
def identity_site(tmp_path_factory) -> tuple[Path, Path]:
    """The small site with the identity settings and the disclosure notice, built once for the
    tests that only read it: (its site_config.yml, the site)."""
    kb = tmp_path_factory.mktemp("identity") / "kb"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "sites" / "small", kb)
    identity_kb(kb / "site_config.yml")
    out = kb.parent / "site"
    result = mzkb("build", "-c", str(kb / "site_config.yml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return kb / "site_config.yml", out


def test_fields_and_identity_on_the_page_and_in_search(identity_site: tuple[Path, Path]):
    config, out = identity_site
    page = (out / "notices/disclosure-notice.html").read_text(encoding="utf-8")
    facts = re.search(r'<dl class="mzkb-meta">(.*?)</dl>', page, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", facts, re.S)
    shown = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in pairs}
    assert shown["索引号"] == "000014349/2020-00123" and shown["主题分类"] == "民政、扶贫、救灾"
    assert shown["成文日期"] == "2020-11-20" and shown["发布日期"] == "2020-11-25" and shown["主送"] == "各市民政局"
    assert re.fullmatch(r"现行有效（状态以 \d{4}-\d{2}-\d{2} 为准）", shown["有效性"]) and "状态" not in shown
    for html_page in (page, (out / "index.html").read_text(encoding="utf-8"), (out / "cases/index.html").read_text(encoding="utf-8")):
        footer = re.search(r'<div class="md-copyright mzkb-identity">(.*?)</div>\s*</div>', html_page, re.S).group(1)
        assert "主办单位：</span>测试省民政厅" in footer and "网站标识码：</span>3300000001" in footer
        assert "测ICP备12345678号" in footer and "<a" not in footer.split("ICP备案号")[1].split("</li>")[0]  # text only
        assert '<a href="https://www.beian.gov.cn/" rel="noopener">测公网安备 33010002000001号</a>' in footer
        assert "site-logo.png" in footer
    assert (out / "assets/site-logo.png").read_bytes() == PNG
    print_footer = re.search(r'<footer class="mzkb-print-footer">(.*?)</footer>', page, re.S).group(1)
    assert "主办单位：测试省民政厅" in print_footer and "ICP备案号：测ICP备12345678号" in print_footer
    for query in ("000014349", "各市民政局"):
        hits = json.loads(mzkb("search", "-c", str(config), query, "--json").output)
        assert hits and hits[0]["id"] == "disclosure-notice", query
        assert hits[0]["index_number"] == "000014349/2020-00123" and hits[0]["recipients"] == "各市民政局"
        assert hits[0]["subjects"] == ["民政、扶贫、救灾"]
    text = mzkb("search", "-c", str(config), "冬季安全").output
    card = text.split("1. ", 1)[1].split("\n2. ", 1)[0]
    assert "索引号：000014349/2020-00123 · 主题分类：民政、扶贫、救灾 · 主送：各市民政局" in card
    others = [h for h in json.loads(mzkb("search", "-c", str(config), "养老", "--json").output) if h["id"] != "disclosure-notice"]
    assert others and all(h["index_number"] == "" and h["subjects"] == [] for h in others)  # nothing made up


def test_fields_on_the_search_result_card_in_the_browser(identity_site: tuple[Path, Path], page):
    _config, out = identity_site
    page.goto((out / "search.html").as_uri() + "?q=冬季安全")
    card = page.locator("[data-mzkb-result]").first
    card.wait_for(timeout=15000)
    assert card.locator("a").first.inner_text() == "关于做好冬季养老机构安全工作的通知"
    assert card.locator(".mzkb-result__disclosure").inner_text() == \
        "索引号：000014349/2020-00123 · 主题分类：民政、扶贫、救灾 · 主送：各市民政局"
    page.goto((out / "search.html").as_uri() + "?q=养老")
    page.locator("[data-mzkb-result]").first.wait_for(timeout=15000)
    cards = page.locator("[data-mzkb-result]")
    assert cards.count() > 1 and page.locator(".mzkb-result__disclosure").count() <= 1  # only the card that has them
    assert page.errors == []


def test_identity_in_print_as_a_reader_sees_it(identity_site: tuple[Path, Path], page):
    _config, out = identity_site
    page.goto((out / "notices/disclosure-notice.html").as_uri())
    assert not page.locator(".mzkb-print-footer").is_visible()
    assert "网站标识码：3300000001" in page.locator(".md-footer").inner_text()
    page.emulate_media(media="print")
    footer = page.locator(".mzkb-print-footer")
    assert footer.is_visible() and "主办单位：测试省民政厅" in footer.inner_text()
    assert "索引号" in page.locator(".mzkb-meta").inner_text()
    assert page.errors == []


def test_bad_fields_and_identity_are_reported(small_kb: Path):
    kb = small_kb.parent
    text = small_kb.read_text(encoding="utf-8").replace(
        "  language: zh\n", "  language: zh\n  logo: ../outside.png\n  icp_url: beian.miit.gov.cn\n")
    small_kb.write_text(text, encoding="utf-8")
    config = mzkb("check", "-c", str(small_kb))
    assert config.exit_code == 1 and "site_config.yml:5:9: MZ605" in config.output and "site_config.yml:6:12: MZ606" in config.output
    small_kb.write_text(text.replace("  logo: ../outside.png\n  icp_url: beian.miit.gov.cn\n", ""), encoding="utf-8")
    bad = NOTICE.replace("subjects: [民政、扶贫、救灾]", "subjects: [民政]").replace(
        "index_number: 000014349/2020-00123", "index_number: 索引 12").replace("written_date: 2020-11-20", "written_date: 2020-12-01")
    (kb / "content/notices/disclosure.md").write_text(bad, encoding="utf-8")
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 1
    assert "disclosure.md:9:12: MZ342" in result.output and "是否应为 民政、扶贫、救灾？" in result.output
    assert "disclosure.md:8:15: MZ343" in result.output
    assert "disclosure.md:5:15: MZ344" in result.output
