"""Merged-cell tables keep their shape through import, check and build: HTML rowspan/colspan,
Word gridSpan/vMerge and PDF cell boxes become HTML tables where each cell stands under its own
column header and a merged cell is shown once, over all the rows it covers, never blank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.importer.docx_reader import read_docx
from mzkb.importer.html_reader import read_html
from mzkb.importer.model import Cell, Table, table_from_cells
from mzkb.importer.pdf_reader import read_pdf
from mzkb.importer.writer import body_markdown
from mzkb.markdown import render
from mzkb.sanitize import clean

HEADER = ("一级指标", "二级指标", "三级指标", "指标性质")
# gov-04 shape: 一级指标 spans three rows, 二级指标 two, one 三级指标 spans two columns
GOV04 = """<html><head><meta charset="utf-8"><title>绩效考核指标</title></head><body><h1>国家卫生健康委办公厅关于印发二级公立医院绩效考核指标的通知</h1><div class="article">
<p>　　各省、自治区、直辖市卫生健康委：</p>
<p>　　现将二级公立医院绩效考核指标印发给你们，请认真贯彻执行。</p>
<table border="1">
<thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标性质</th></tr></thead>
<tbody>
<tr><td rowspan="3">一、医疗质量</td><td rowspan="2">（一）功能定位</td><td>1.出院患者手术占比</td><td>定量</td></tr>
<tr><td>2.下转患者人次数</td><td>定量</td></tr>
<tr><td colspan="2">3.日间手术占择期手术比例</td><td>定量</td></tr>
<tr><td>二、运营效率</td><td>（二）收支结构</td><td>4.医疗盈余率</td><td>定量</td></tr>
</tbody></table>
<p>　　国家卫生健康委办公厅</p><p>　　2019年12月2日</p></div></body></html>"""
GOV04_GRID = [
    HEADER,
    ("一、医疗质量", "（一）功能定位", "1.出院患者手术占比", "定量"),
    ("一、医疗质量", "（一）功能定位", "2.下转患者人次数", "定量"),
    ("一、医疗质量", "3.日间手术占择期手术比例", "3.日间手术占择期手术比例", "定量"),
    ("二、运营效率", "（二）收支结构", "4.医疗盈余率", "定量"),
]
# 防控方案附表1 shape: one 核酸检测要求 cell merged over three 场所 rows
PLACES = ("医疗机构", "养老和儿童福利领域服务机构", "监所")
RULE = "工作人员每周开展2次核酸检测"
CARE_GRID = [("序号", "场所", "核酸检测要求")] + [(str(n), place, RULE) for n, place in enumerate(PLACES, 1)] \
    + [("4", "学校", "按需检测")]


def test_layout_to_grid_fills_every_slot_and_keeps_the_layout():
    table = table_from_cells([[Cell(h) for h in HEADER],
                              [Cell("一、医疗质量", 3), Cell("（一）功能定位", 2), Cell("1.出院患者手术占比"), Cell("定量")],
                              [Cell("2.下转患者人次数"), Cell("定量")],
                              [Cell("3.日间手术占择期手术比例", 1, 2), Cell("定量")],
                              [Cell("二、运营效率"), Cell("（二）收支结构"), Cell("4.医疗盈余率"), Cell("定量")]])
    assert [list(r) for r in table.rows] == [list(r) for r in GOV04_GRID]
    assert table.cells and table.header == 1
    plain = table_from_cells([[Cell("a"), Cell("b")], [Cell(""), Cell("")], [Cell("c"), Cell("d")]])
    assert plain.rows == (("a", "b"), ("c", "d")) and not plain.cells  # no span: a pipe table, blank row gone
    hostile = table_from_cells([[Cell("a", 10**6, 10**6)], [Cell("b")]])
    assert len(hostile.rows) == 2 and len(hostile.rows[0]) <= 1001  # spans clamped to the table and to HTML's limit


def test_html_rowspan_colspan(tmp_path):
    extracted = read_html(tmp_path / "gov-04.html", GOV04.encode("utf-8"))
    table = next(b for b in extracted.blocks if isinstance(b, Table))
    assert [list(r) for r in table.rows] == [list(r) for r in GOV04_GRID]
    markdown = body_markdown((table,), "x")
    assert '<td rowspan="3">一、医疗质量</td>' in markdown and '<td colspan="2">3.日间手术占择期手术比例</td>' in markdown
    assert "\n\n" not in markdown.strip()  # one HTML block
    html = render(markdown).html
    assert clean(html) == html  # nothing the sanitizer strips


def _care_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("关于印发重点场所核酸检测要求的通知")
    document.add_paragraph("各省、自治区、直辖市民政厅（局）：")
    document.add_paragraph("现将重点场所核酸检测要求印发给你们，请遵照执行。")
    document.add_paragraph("附表1 重点场所核酸检测要求")
    table = document.add_table(rows=len(CARE_GRID), cols=3)
    table.style = "Table Grid"
    for number, row in enumerate(CARE_GRID):
        for column, text in enumerate(row):
            if not (column == 2 and 1 < number <= len(PLACES)):
                table.cell(number, column).text = text
    table.cell(1, 2).merge(table.cell(len(PLACES), 2))  # vMerge over the three 场所
    table.cell(1, 2).text = RULE
    wide = document.add_table(rows=2, cols=3)
    wide.cell(0, 0).merge(wide.cell(0, 1)).text = "检查项目"  # gridSpan 2
    wide.cell(0, 2).text = "结果"
    for column, text in enumerate(("消防", "食品", "合格")):
        wide.cell(1, column).text = text
    document.add_paragraph("民政部办公厅")
    document.add_paragraph("2022年6月28日")
    document.save(str(path))


def test_docx_vmerge_and_gridspan(tmp_path):
    path = tmp_path / "附表.docx"
    _care_docx(path)
    care, wide = [b for b in read_docx(path).blocks if isinstance(b, Table)]
    assert [list(r) for r in care.rows] == [list(r) for r in CARE_GRID]
    assert care.cells[1][2] == Cell(RULE, 3, 1)
    assert wide.rows == (("检查项目", "检查项目", "结果"), ("消防", "食品", "合格")) and wide.cells[0][0].colspan == 2


def _care_html() -> str:
    cells = "".join(f"<th>{h}</th>" for h in CARE_GRID[0])
    rows = [f"<tr>{cells}</tr>"]
    for number, (index, place, rule) in enumerate(CARE_GRID[1:], 1):
        last = f'<td rowspan="{len(PLACES)}">{rule}</td>' if number == 1 else ("" if number <= len(PLACES) else f"<td>{rule}</td>")
        rows.append(f"<tr><td>{index}</td><td>{place}</td>{last}</tr>")
    return ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC';font-size:16pt;margin:2cm}"
            "table{border-collapse:collapse}td,th{border:1px solid #000;padding:6px 10px}</style></head><body>"
            "<p>附表1 重点场所核酸检测要求</p><table>" + "".join(rows) + "</table></body></html>")


def test_pdf_merged_cell_is_not_blank(tmp_path, browser):
    page = browser.new_page()
    page.set_content(_care_html())
    page.pdf(path=str(tmp_path / "附表1.pdf"), format="A4")
    page.close()
    table = next(b for b in read_pdf(tmp_path / "附表1.pdf").blocks if isinstance(b, Table))
    assert [list(r) for r in table.rows] == [list(r) for r in CARE_GRID]
    assert table.cells[1][2] == Cell(RULE, 3, 1)


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def built(tmp_path):
    assert _invoke("init", str(tmp_path / "kb")).exit_code == 0
    config = tmp_path / "kb" / "site_config.yml"
    (tmp_path / "gov-04.html").write_text(GOV04, encoding="utf-8")
    _care_docx(tmp_path / "care.docx")
    result = _invoke("import", "-c", str(config), str(tmp_path / "gov-04.html"), str(tmp_path / "care.docx"))
    assert result.exit_code == 0, result.output
    checked = json.loads(_invoke("check", "-c", str(config), "--format", "json").output)
    assert not [d for d in checked if d["code"] in ("MZ601", "MZ610")]  # the sanitizer keeps these tables
    out = tmp_path / "site"
    result = _invoke("build", "-c", str(config), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


COLUMN_OF = """(text) => {
  const cell = [...document.querySelectorAll('.md-content td')].find(td => td.textContent.trim() === text);
  const r = cell.getBoundingClientRect();
  const heads = [...cell.closest('table').querySelectorAll('th')];
  return heads.filter(th => { const h = th.getBoundingClientRect();
    return h.left - 1 <= r.left && r.right <= h.right + 1 || r.left - 1 <= h.left && h.right <= r.right + 1; })
    .map(th => th.textContent.trim());
}"""
ROWS_OF = """(text) => {
  const cell = [...document.querySelectorAll('.md-content td')].find(td => td.textContent.trim() === text);
  const r = cell.getBoundingClientRect();
  return [...cell.closest('table').querySelectorAll('tbody td:nth-child(2)')]
    .filter(td => { const b = td.getBoundingClientRect(); const y = (b.top + b.bottom) / 2; return r.top < y && y < r.bottom; })
    .map(td => td.textContent.trim());
}"""


def test_built_page_keeps_every_cell_under_its_header(built, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    gov = care = None
    for path in (built / "notices").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "2.下转患者人次数" in text and "<table" in text and "mzkb-table" in text:
            gov = path
        if "养老和儿童福利领域服务机构" in text and "<table" in text and "mzkb-table" in text:
            care = path
    page.goto(gov.as_uri())
    assert page.evaluate(COLUMN_OF, "2.下转患者人次数") == ["三级指标"]
    assert page.evaluate(COLUMN_OF, "4.医疗盈余率") == ["三级指标"]
    assert page.evaluate(COLUMN_OF, "3.日间手术占择期手术比例") == ["二级指标", "三级指标"]
    region = page.locator(".mzkb-table").first
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label").startswith("表格 1")
    assert page.evaluate("() => { const r = document.querySelector('.mzkb-table');"
                         " return getComputedStyle(r).overflowX; }") == "auto"
    page.goto(care.as_uri())
    # the merged 核酸检测要求 stands beside 养老和儿童福利领域服务机构: shown once, over its rows
    assert page.evaluate(ROWS_OF, RULE) == list(PLACES)
    assert page.evaluate(COLUMN_OF, RULE) == ["核酸检测要求"]
    context.close()
