"""Printing on A4: Chromium prints the page to PDF, pdftotext reads what is on paper."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mzkb.pipeline import build
from mzkb.site.context import qr_svg

ADDRESS = "https://kb.example.gov.cn/mz/"


def sh(cwd: Path, *args: str, when: str = "2026-11-28T09:00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def printed_site(tmp_path_factory) -> Path:
    """The small knowledge base in git (English commit subjects, one 更新说明), with site.url, built."""
    root = tmp_path_factory.mktemp("print")
    kb = root / "kb"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "sites" / "small", kb)
    config = kb / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: zh\n", f"  language: zh\n  url: {ADDRESS}\n"), encoding="utf-8")
    guide = kb / "content/guidelines/guide-1.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("edition: 第一版\n", "edition: 第一版\ndoc_number: 测民发〔2020〕示例2号\n"), encoding="utf-8")
    sh(kb, "git", "init", "-q")
    sh(kb, "git", "add", "-A")
    sh(kb, "git", "-c", "user.email=e@example.org", "-c", "user.name=editor", "commit", "-qm", "Import guidance files")
    guide.write_text(guide.read_text(encoding="utf-8").replace("工作人员每日测温。", "工作人员每日测温两次。"), encoding="utf-8")
    sh(kb, "git", "-c", "user.email=e@example.org", "-c", "user.name=editor", "commit", "-qam",
       "Fix temperature check wording\n\n更新说明：人员管理改为每日测温两次。", when="2026-11-30T09:00:00")
    result = build(config, root / "site")
    assert result.ok
    return root / "site"


def pdf_text(page, tmp_path: Path, name: str = "page") -> str:
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return "".join(text.split())


def test_document_prints_header_banner_body_then_footer(printed_site: Path, page, tmp_path: Path):
    page.goto((printed_site / "guidelines/guide-1.html").as_uri())
    text = flat(pdf_text(page, tmp_path))
    order = ["养老机构防控指南（第一版）", "文号测民发〔2020〕示例2号", "发文机关测试民政局", "发布日期2020-02-01", "有效性已被替代",
             "本文件已被替代", "为指导养老机构做好防控工作", "工作人员每日测温两次",
             "本页地址：" + ADDRESS + "guidelines/guide-1.html", "打印日期：" + datetime.date.today().isoformat(), "以知识库最新版本为准"]
    positions = [text.find(flat(item)) for item in order]
    assert -1 not in positions, [item for item, at in zip(order, positions) if at < 0]
    assert positions == sorted(positions)
    # the change log on paper: the editor's note, no commit subject, no hash
    assert "人员管理改为每日测温两次。" in text and "最后更新2026-11-30" in text
    for english in ("Import", "Fix", "temperature", "commit"):
        assert english not in text
    hashes = subprocess.run(["git", "log", "--format=%h %H"], cwd=printed_site.parent / "kb", capture_output=True, text=True).stdout.split()
    assert not any(h in text for h in hashes)
    # navigation, search and the 长辈模式 button stay off paper
    assert "搜索知识库" not in text and "长辈模式" not in text


def test_print_footer_has_a_qr_code_of_the_page_address(printed_site: Path, page):
    page.goto((printed_site / "guidelines/guide-2.html").as_uri())
    page.emulate_media(media="print")
    qr = page.locator(".mzkb-print-footer__qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] > 60 and abs(box["width"] - box["height"]) < 1
    # the SVG is segno's code of exactly this page's public address, made at build time
    expected = re.search(r' d="([^"]+)"', qr_svg(ADDRESS + "guidelines/guide-2.html")).group(1)
    assert qr.locator("path").get_attribute("d") == expected
    page.emulate_media(media="screen")
    assert not page.locator(".mzkb-print-footer").is_visible()


def test_without_site_url_the_footer_names_the_site_and_build_date(demo_site: Path, page, tmp_path: Path):
    page.goto((demo_site / "notices/notice-covid-prevention-all-2020.html").as_uri())
    text = flat(pdf_text(page, tmp_path))
    assert "本页出自民政服务机构疫情防控知识库（示例）（生成于" in text and "以知识库最新版本为准" in text
    assert "本页地址" not in text and page.locator(".mzkb-print-footer__qr").count() == 0


def test_video_page_prints_no_player_box(printed_site: Path, page, tmp_path: Path):
    page.goto((printed_site / "videos/remains-video.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator("#mzkb-player").is_visible() and not page.locator(".mzkb-video").is_visible()
    # the transcript comes straight after the metadata: nothing tall in between
    gap = page.evaluate("document.querySelector('.mzkb-transcript, .mzkb-chapters').getBoundingClientRect().top"
                        " - document.querySelector('.mzkb-doc-top').getBoundingClientRect().bottom")
    assert gap < 120
    page.emulate_media(media="null")
    text = flat(pdf_text(page, tmp_path, "video"))
    assert "文字稿" in text and "您的浏览器不支持视频播放" not in text


def test_elder_mode_prints_larger_text(printed_site: Path, page, tmp_path: Path):
    page.goto((printed_site / "guidelines/guide-2.html").as_uri())
    size = "parseFloat(getComputedStyle(document.querySelector('.mzkb-body p')).fontSize)"
    page.emulate_media(media="print")
    normal = page.evaluate(size)
    page.emulate_media(media="screen")
    page.get_by_role("button", name="长辈模式").click()
    page.emulate_media(media="print")
    larger = page.evaluate(size)
    assert larger > normal * 1.2
    page.emulate_media(media="null")
    text = flat(pdf_text(page, tmp_path, "elder"))
    assert "养老机构防控指南（第二版）" in text and "以知识库最新版本为准" in text and "长辈模式" not in text
