"""Shapes found in files agencies published (bench/realdocs.py --set agency), rebuilt here in code:
ruling that makes one column around prose (WPS prints white paragraph shading as a filled rectangle
per line in the NHC 方案: pdfplumber saw one-column tables, and the punctuation hanging past them
became paragraphs of its own), a page whose margin a few
overflowing lines would widen (the 刑法 reading edition: list items then broke after every line),
and a Word title typed over two lines with a line break."""

from __future__ import annotations

import html

from docx import Document
from docx.shared import Pt

from mzkb.importer import gongwen
from mzkb.importer.docx_reader import read_docx
from mzkb.importer.model import Para, Table
from mzkb.importer.pdf_reader import read_pdf

PROSE = [f"第{n}段 新型冠状病毒属于β属的冠状病毒，有包膜，颗粒呈圆形或椭圆形，具有多个必需基因，"
         f"分别针对核蛋白、病毒包膜、基质蛋白和刺突蛋白等结构蛋白，体外分离培养时约需数天。" for n in range(1, 5)]
ITEMS = [f"（{c}）从事校车业务或者旅客运输，严重超过额定乘员载客，或者严重超过规定时速行驶，"
         f"或者违反危险化学品安全管理规定运输危险化学品，危及公共安全的{'；' if c != '四' else '。'}"
         for c in "一二三四"]
STYLE = """@page { size: A4; margin: 3cm 2.6cm; }
body { font-family: 'Noto Serif CJK SC'; font-size: 12pt; line-height: 1.8; margin: 0; }
p { margin: 0; text-indent: 2em; text-align: left; }"""


def _pdf(browser, path, body: str) -> list:
    page = browser.new_page()
    page.set_content(f'<html><head><meta charset="utf-8"><style>{STYLE}</style></head><body>{body}</body></html>')
    page.pdf(path=str(path), format="A4")
    page.close()
    return read_pdf(path).blocks


def _shaded(paragraph: str, background: str = "#fff") -> str:
    """A paragraph as WPS prints white paragraph shading: each line on its own white filled
    rectangle, the rectangles stacked edge to edge (pdfplumber reads their edges as ruling)."""
    lines, rest, width = [], paragraph, 34
    while rest:
        lines.append(rest[:width])
        rest, width = rest[width:], 36
    style = f"background:{background};height:22pt;margin:0;text-indent:0;text-align:justify;text-align-last:justify"
    out = [f"<div style='{style}{';padding-left:2em' if n == 0 else ''}'>{html.escape(line)}</div>"
           for n, line in enumerate(lines)]
    out[-1] = out[-1].replace("text-align-last:justify", "text-align-last:left")
    return "".join(out)


def test_a_frame_ruled_around_prose_is_text_and_a_real_table_stays(tmp_path, browser):
    framed = "".join(_shaded(p) for p in PROSE)
    table = ("<table style='border-collapse:collapse;margin-top:1em'>"
             + "".join(f"<tr><td style='border:1px solid #000'>{a}</td><td style='border:1px solid #000'>{b}</td></tr>"
                       for a, b in (("场所", "要求"), ("养老机构", "每周核酸检测"), ("儿童福利机构", "每周核酸检测")))
             + "</table>")
    blocks = _pdf(browser, tmp_path / "framed.pdf",
                  f"{framed}{table}")
    texts = [b.text for b in blocks if isinstance(b, Para)]
    assert texts == PROSE  # each paragraph whole, none read as a one-column table
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and list(tables[0].rows[1]) == ["养老机构", "每周核酸检测"]


def test_list_items_wrap_whole_when_a_few_lines_overflow_the_margin(tmp_path, browser):
    # two paragraphs set 1.5 characters wider than the type area (as lines with hanging punctuation
    # are), then list items indented by two characters, each wrapping over two or three lines
    wide = "".join(f"<p style='margin-right:-1.5em'>{html.escape(p)}</p>" for p in PROSE[:2])
    items = "".join(f"<p style='text-indent:0;padding-left:2em'>{html.escape(i)}</p>" for i in ITEMS)
    blocks = _pdf(browser, tmp_path / "list.pdf", f"<p>有下列情形之一的，处拘役，并处罚金：</p>{items}{wide}")
    texts = [b.text for b in blocks if isinstance(b, Para)]
    assert [t for t in texts if t.startswith("（")] == ITEMS  # an item ending with its own ；/。 ends; one that does not, continues
    assert texts[0] == "有下列情形之一的，处拘役，并处罚金："
    assert [t[:3] for t in texts[-2:]] == ["第1段", "第2段"]  # (Chromium clips what passes the page's margin box)


def test_a_word_title_typed_over_two_lines_is_one_title(tmp_path):
    doc = Document()
    title = doc.add_paragraph()
    run = title.add_run("中华人民共和国全国人民代表大会和")
    run.add_break()
    title.add_run("地方各级人民代表大会代表法")
    doc.add_paragraph("（1992年4月3日第七届全国人民代表大会第五次会议通过）")
    doc.add_paragraph("第一条 为保证全国人民代表大会和地方各级人民代表大会代表依法行使代表的职权，制定本法。")
    doc.save(tmp_path / "law.docx")
    fields = gongwen.extract(read_docx(tmp_path / "law.docx")).fields
    assert fields.title == "中华人民共和国全国人民代表大会和地方各级人民代表大会代表法"


def _centred(doc, text: str, size: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    par = doc.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.add_run(text).font.size = Pt(size)


def test_an_edition_in_brackets_under_the_title_belongs_to_it_a_dated_note_does_not(tmp_path):
    # the NHC 方案: "（第八版）" centred under the title in smaller type; a law's 题注 is no part of its title
    for name, under, title in (("plan", "（第八版）", "新型冠状病毒肺炎防控方案（第八版）"),
                               ("law", "（2021年5月14日第十三届全国人民代表大会常务委员会第二十八次会议通过）",
                                "新型冠状病毒肺炎防控方案")):
        doc = Document()
        _centred(doc, "新型冠状病毒肺炎防控方案", 22)
        _centred(doc, under, 16)
        body = doc.add_paragraph("为指导各地做好新型冠状病毒肺炎疫情的常态化防控工作，制定本方案。")
        body.runs[0].font.size = Pt(16)
        doc.save(tmp_path / f"{name}.docx")
        assert gongwen.extract(read_docx(tmp_path / f"{name}.docx")).fields.title == title


def test_a_reference_to_an_attachment_wrapped_to_the_line_start_continues_the_paragraph(tmp_path, browser):
    # the 71号 notice: "…报告模板参见" ends a full line, "附件4-2。…" starts the next
    first = "各地要在规定时间内完成流调个案核心信息，二十四小时内完成初步流行病学调查报告，报告模板参见"[-34:]
    refer = first + "附件4-2。公共卫生人员与轨迹排查人员要相互印证。"
    listed = "附件：1.公民防疫基本行为准则"
    blocks = _pdf(browser, tmp_path / "refer.pdf", _shaded(refer, "none") + f"<p style='text-indent:0'>{listed}</p>")
    texts = [b.text for b in blocks if isinstance(b, Para)]
    assert texts == [refer, listed]  # and a 附件说明 after a finished sentence still starts its own paragraph


def test_a_legacy_word_file_has_its_own_wall_time_for_libreoffice(tmp_path):
    # the 公文 checker's .doc/.wps failed at 20 s of wall time on a busy machine although LibreOffice
    # converts them in about 3 s: the conversion is bounded by its own limit, not the CPU budget
    import shutil

    import pytest
    from click.testing import CliRunner

    from mzkb.cli import cli
    from mzkb.config import load_config
    from mzkb.content.model import DocType
    from mzkb.importer.limits import LIMITS, Limits
    from mzkb.importer.run import import_file

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    assert LIMITS.convert_seconds >= 60
    source = tmp_path / "notice.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE header: LibreOffice is asked
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "kb")]).exit_code == 0
    cfg, _ = load_config(tmp_path / "kb" / "site_config.yml")
    result = import_file(source, source.name, cfg, DocType.NOTICE, [], limits=Limits(convert_seconds=0))
    assert [d.code for d in result.diagnostics] == ["MZ751"], [d.format() for d in result.diagnostics]
    assert "超过 0 秒" in next(d.format() for d in result.diagnostics if d.code == "MZ751")


def test_a_secrecy_marking_under_the_title_is_no_part_of_it(tmp_path):
    # the 公文 checker's red-header template prints "密级：秘密" under its title
    doc = Document()
    _centred(doc, "关于开展安全检测工作的通知", 22)
    _centred(doc, "密级：秘密", 22)
    doc.add_paragraph("本文件用于安全检测测试，请各单位按要求做好相关工作。").runs[0].font.size = Pt(16)
    doc.save(tmp_path / "marked.docx")
    assert gongwen.extract(read_docx(tmp_path / "marked.docx")).fields.title == "关于开展安全检测工作的通知"


def test_a_secrecy_marking_printed_beside_the_title_in_a_pdf_starts_its_own_line(tmp_path, browser):
    body = ("<p style='font-size:22pt;text-align:center;text-indent:0'>测试公文标题</p>"
            "<p style='font-size:22pt;text-align:right;text-indent:0'>密级：秘密</p>"
            "<p>本文件用于安全检测测试，请各单位按要求做好相关工作。</p>")
    _pdf(browser, tmp_path / "marked.pdf", body)
    assert gongwen.extract(read_pdf(tmp_path / "marked.pdf")).fields.title == "测试公文标题"


def test_nothing_of_the_banji_is_dropped(tmp_path):
    # the 公文 checker's notice: 抄送 and then 分送, the 印发 line, then "共印2份"
    doc = Document()
    _centred(doc, "国防部关于放假的通知", 22)
    doc.add_paragraph("各有关单位：")
    doc.add_paragraph("现将放假安排通知如下，请遵照执行。")
    doc.add_paragraph("国防部")
    doc.add_paragraph("2012年12月12日")
    for line in ("抄送：教育局，教育局。", "分送：财政局。", "国防部 2012年12月12日印发", "共印2份"):
        doc.add_paragraph(line)
    doc.save(tmp_path / "banji.docx")
    fields = gongwen.extract(read_docx(tmp_path / "banji.docx")).fields
    assert fields.cc == "教育局，教育局；分送：财政局"
    assert fields.printed == "国防部 2012年12月12日印发 共印2份"
