"""Attachments are searchable: the text of a document's PDF/DOCX/XLSX attachments is indexed as
units of that document in both engines; a hit links to the file (PDF: ``#page=N``) and says 附件."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

NOTICE = """---
title: 关于印发养老机构消防检查工作表格的通知
date: "2021-03-01"
issuer: 民政部养老服务司
audiences: [养老机构]
attachments: [files/检查表.pdf, files/台账.docx, files/统计表.xlsx]
---

各地要按照附件中的表格开展检查。
"""


def write_attachments(folder: Path, browser) -> None:
    folder.mkdir(parents=True)
    page = browser.new_page()
    page.set_content("<html><body style='font-family: Noto Sans CJK SC'><p>第一页：检查表填写说明。</p>"
                     "<p style='page-break-before: always'>第二页：灭火器压力表指针应处于绿区。</p></body></html>")
    page.pdf(path=str(folder / "检查表.pdf"), format="A4")
    page.close()
    import docx
    import openpyxl

    document = docx.Document()
    document.add_paragraph("隐患整改台账：疏散指示标志损坏的应当场更换。")
    document.save(str(folder / "台账.docx"))
    book = openpyxl.Workbook()
    book.active.title = "汇总"
    book.active.append(["地区", "喷淋系统覆盖率"])
    book.active.append(["东城区", "98%"])
    book.save(str(folder / "统计表.xlsx"))


@pytest.fixture(scope="module")
def built(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("att") / "kb"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    notices = root / "content" / "notices"
    (notices / "fire-forms.md").write_text(NOTICE, encoding="utf-8")
    write_attachments(notices / "files", browser)
    result = CliRunner().invoke(cli, ["build", "-c", str(root / "site_config.yml"), "-o", str(root / "site")])
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("query, url_end, heading", [
    ("灭火器压力表", "检查表.pdf#page=2", "附件：检查表.pdf 第2页"),
    ("疏散指示标志", "台账.docx", "附件：台账.docx"),
    ("喷淋系统覆盖率", "统计表.xlsx", "附件：统计表.xlsx 工作表“汇总”"),
])
def test_cli_search_finds_attachment_text(built, query, url_end, heading):
    result = CliRunner().invoke(cli, ["search", "-c", str(built / "site_config.yml"), "--json", query])
    hits = json.loads(result.output)
    assert hits and hits[0]["id"] == "fire-forms"
    assert hits[0]["in_attachment"] is True and hits[0]["heading"] == heading
    assert hits[0]["url"].startswith("assets/notices/") and hits[0]["url"].endswith(url_end.split(".")[-1])
    target = built / "site" / hits[0]["url"].split("#")[0]
    assert target.is_file()
    if "#page=" in url_end:
        assert hits[0]["url"].endswith("#page=2")
    text = CliRunner().invoke(cli, ["search", "-c", str(built / "site_config.yml"), query]).output
    assert heading in text


def test_page_text_still_links_to_the_page(built):
    hits = json.loads(CliRunner().invoke(cli, ["search", "-c", str(built / "site_config.yml"), "--json", "按照附件中的表格"]).output)
    assert hits[0]["url"] == "notices/fire-forms.html" and hits[0]["in_attachment"] is False


def test_browser_search_links_to_the_pdf_page(built, page):
    page.goto((built / "site" / "search.html").as_uri() + "?q=" + quote("灭火器压力表"))
    result = page.locator("[data-mzkb-result]").first
    result.wait_for()
    href = result.locator("a").first.get_attribute("href")
    assert href.endswith("#page=2") and ".pdf" in href
    assert "附件：检查表.pdf 第2页" in result.inner_text()
    assert (built / "site" / href.split("#")[0]).resolve().is_file()
    assert not page.errors
