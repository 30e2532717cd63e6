"""Issue 28 on real documents: a merged-cell table that runs over several pages of a PDF (the
绩效考核指标 table of a real 国办发 notice, printed by LibreOffice, lost 43 of 56 rows: the row a
page break cuts came back as a row of its own and the merged cells of each new page were blank).
The PDF here is made the same way, from a generated Word file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mzkb.importer.model import Table
from mzkb.importer.pdf_reader import read_pdf

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")

GROUPS = ("一、医疗质量", "二、运营效率")
ROWS = 14
"""Rows per group: tall rows (a long 说明) so that page breaks fall inside rows and inside merged cells."""


def _rows() -> list[tuple[str, str, str]]:
    out = []
    for g, group in enumerate(GROUPS):
        for n in range(ROWS):
            item = f"{g * ROWS + n + 1}.第{g * ROWS + n + 1}项指标"
            note = f"计算方法：第{g * ROWS + n + 1}项的计算公式" + "，按同期数据统计" * 9 + "。指标来源：医院填报。"
            out.append((group, item, note))
    return out


def _pdf(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("附件")
    table = document.add_table(rows=1 + len(GROUPS) * ROWS, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("一级指标", "三级指标", "指标说明")):
        cell.text = text
    for r, (group, item, note) in enumerate(_rows(), start=1):
        table.cell(r, 1).text = item
        table.cell(r, 2).text = note
    for g, group in enumerate(GROUPS):
        top = 1 + g * ROWS
        merged = table.cell(top, 0).merge(table.cell(top + ROWS - 1, 0))
        merged.text = group
    source = tmp_path / "table.docx"
    document.save(source)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    return tmp_path / "table.pdf"


def test_table_over_page_breaks_keeps_every_row_whole_and_every_merged_cell_filled(tmp_path):
    pdf = _pdf(tmp_path)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:" in pages and int(pages.split("Pages:")[1].split()[0]) >= 3  # the table does break
    tables = [b for b in read_pdf(pdf).blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = [tuple(cell.replace(" ", "") for cell in row) for row in tables[0].rows]
    assert rows[0] == ("一级指标", "三级指标", "指标说明")
    assert rows[1:] == _rows()


def test_word_processor_pdf_spacing_hanging_indents_and_contents(tmp_path):
    """A PDF a word processor made: the gap it sets between Chinese and numbers (``2019 年``) is
    not text, an item with a hanging indent stays one paragraph, a contents line (…… 3) is dropped."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from mzkb.importer.model import Para

    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("民政部关于2019年示例工作的通知")
    run.font.size = Pt(22)
    document.add_paragraph("目录")
    document.add_paragraph("第一章 总则" + "." * 40 + "3")
    item = "（一）在2019年内对示例服务机构开展一次全面检查，对发现的问题逐项建立台账并限期整改到位，整改情况按季度报送，不得拖延；"
    hanging = document.add_paragraph("• " + item)
    hanging.paragraph_format.left_indent = Pt(24)
    hanging.paragraph_format.first_line_indent = Pt(-12)
    document.add_paragraph("请于2019年12月31日前报送第1季度至第4季度的整改情况。")
    source = tmp_path / "spacing.docx"
    document.save(source)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    paras = [b.text for b in read_pdf(tmp_path / "spacing.pdf").blocks if isinstance(b, Para)]
    assert paras[0] == "民政部关于2019年示例工作的通知"
    assert not any("......" in p for p in paras)
    assert any(p.replace(" ", "").endswith(item) for p in paras)  # one paragraph, not one per printed line
    assert "请于2019年12月31日前报送第1季度至第4季度的整改情况。" in paras
