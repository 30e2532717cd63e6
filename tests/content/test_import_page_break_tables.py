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
