"""Issue 28, item 3: the importer gives a document structure by one set of rules for every
format — 第X编/章/节 are headings (with or without a space before the name), the （一） items of a
law's articles are list items, the 一、 items of one document are all headings or none."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.markdown import render

LAW = """中华人民共和国示例法
（2006年10月31日第十届全国人民代表大会常务委员会第二十四次会议通过　2024年11月8日第十四届全国人民代表大会常务委员会第十二次会议修订）
第一章 总则
第一条 为了预防示例活动，制定本法。
第二条 本法所称示例监督管理，是指下列活动：
（一）进入金融机构进行检查；
（二）询问金融机构的工作人员，要求其对监督检查事项作出说明；
（三）查阅、复制金融机构与检查事项有关的文件、资料。
第二章监督管理
第三条 国务院示例行政主管部门负责全国的示例监督管理工作。
"""

REPLY = """民政部关于示例问题的批复
浙江省民政厅：
你厅《关于示例问题的请示》收悉。经研究，现批复如下：
一、同意你厅意见。
二、养老机构在开展服务时，应当与老年人或者其代理人签订服务协议，明确双方的权利义务，并按照协议约定提供服务，不得擅自改变服务内容和收费标准，确需调整的应当提前告知。
三、请你厅加强指导。
民政部
2021年3月8日
"""

NOTICE = """民政部关于加强示例管理工作的通知
各省、自治区、直辖市民政厅（局）：
现就有关事项通知如下。
一、总体要求
坚持以人民为中心。
二、主要任务
（一）加强组织领导。各地要把示例管理工作摆上重要议事日程。
（二）强化监督检查。各地要定期开展检查。
三、保障措施
符合条件的机构包括：
（一）特困人员供养服务机构；
（二）公办养老机构。
民政部
2021年5月6日
"""


def imported(tmp_path: Path, name: str, text: str, as_html: bool = False) -> str:
    kb = tmp_path / "kb"
    runner = CliRunner()
    if not kb.exists():
        assert runner.invoke(cli, ["init", str(kb)]).exit_code == 0
    source = tmp_path / (name + (".html" if as_html else ".txt"))
    if as_html:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.strip().split("\n"))
        source.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    else:
        source.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["import", "-c", str(kb / "site_config.yml"), "--id", source.stem, str(source)])
    assert result.exit_code == 0, result.output
    written = next((kb / "content").rglob(source.stem + ".md")).read_text(encoding="utf-8")
    return written.split("---\n", 2)[2]


def headings(markdown: str) -> list[tuple[int, str]]:
    page = render(markdown).html
    return [(int(level), re.sub(r"<[^>]+>", "", text).rstrip("¶")) for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", page)]


def items(markdown: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<li>(.*?)</li>", render(markdown).html, re.S)]


def test_a_laws_chapters_are_headings_and_its_enumerations_list_items(tmp_path):
    body = imported(tmp_path, "law", LAW)
    assert headings(body) == [(2, "第一章 总则"), (2, "第二章监督管理")]
    assert [text[:4] for text in items(body)] == ["（一）进", "（二）询", "（三）查"]


def test_the_items_of_one_document_are_all_headings_or_none(tmp_path):
    reply = imported(tmp_path, "reply", REPLY)
    assert headings(reply) == []  # one 一、 item is a long paragraph: none of the three is a heading
    assert all(f"{n}、" in reply for n in "一二三")
    notice = imported(tmp_path, "notice", NOTICE)
    assert headings(notice) == [(2, "一、总体要求"), (2, "二、主要任务"), (3, "（一）加强组织领导"),
                                (3, "（二）强化监督检查"), (2, "三、保障措施")]
    assert items(notice) == ["（一）特困人员供养服务机构；", "（二）公办养老机构。"]  # an enumeration, not headings


def test_the_same_rules_for_a_web_page_and_a_text_file(tmp_path):
    for name, text in (("law", LAW), ("notice", NOTICE), ("reply", REPLY)):
        (tmp_path / "txt").mkdir(exist_ok=True)
        (tmp_path / "web").mkdir(exist_ok=True)
        as_text = imported(tmp_path / "txt", name, text)  # two knowledge bases: the same text twice is a duplicate
        as_page = imported(tmp_path / "web", name, text, as_html=True)
        assert headings(as_text) == headings(as_page) and items(as_text) == items(as_page)
