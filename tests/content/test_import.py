"""mzkb import: 公文 fields, body structure and no lost text, for each fixture format."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.importer import gongwen
from mzkb.importer.run import import_file, known_documents
from mzkb.content.model import DocType

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "import"
sys.path.insert(0, str(FIXTURES))
import maker  # noqa: E402  (the fixtures' own generator: expected fields and body texts)

HAN = re.compile(r"[\u3400-\u9fff]")

FIXTURE_CASES = [
    # file, spec, expected cc, expected printed
    ("notice.docx", maker.fixed_spec(), "应急管理部办公厅，国家卫生健康委办公厅", "民政部办公厅 2020年11月23日印发"),
    ("notice.pdf", maker.fixed_spec(), "应急管理部办公厅，国家卫生健康委办公厅", "民政部办公厅 2020年11月23日印发"),
    ("ministry-page.html", maker._web_spec(), "", ""),
    ("pasted-gbk.txt", maker._text_spec(), "", "江苏省民政厅办公室 2019年3月6日印发"),
]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A fresh knowledge base made by ``mzkb init``; returns its site_config.yml."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "kb")])
    assert result.exit_code == 0, result.output
    return tmp_path / "kb" / "site_config.yml"


def run_import(config: Path, *args: str):
    return CliRunner().invoke(cli, ["import", "-c", str(config), *args])


def split(text: str) -> tuple[dict, str]:
    """(front matter, body) of a written document."""
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def imported(config: Path, name: str, doc_type: DocType = DocType.NOTICE):
    cfg, _ = load_config(config)
    return import_file(FIXTURES / name, name, cfg, doc_type, known_documents(cfg))


@pytest.mark.parametrize("name, spec, cc, printed", FIXTURE_CASES, ids=[c[0] for c in FIXTURE_CASES])
def test_fields_of_each_format(kb, name, spec, cc, printed):
    result = imported(kb, name)
    assert result.ok, [d.format() for d in result.diagnostics]
    meta, _ = split(result.text)
    assert meta["title"] == spec.title
    assert meta["doc_number"] == spec.doc_number
    assert meta["issuer"] == spec.issuer
    assert meta["date"] == spec.date
    assert meta["written_date"] == spec.date  # 成文日期; date (发布日期) starts as the same day
    assert f'written_date: "{spec.date}"' in result.text
    assert meta.get("cc", "") == cc
    assert meta.get("printed", "") == printed
    assert meta["unconfirmed"][-1] == "audiences" and all(k in meta for k in meta["unconfirmed"])
    assert "# 导入时推测" in result.text  # the guess is marked for the editor


@pytest.mark.parametrize("name, spec, cc, printed", FIXTURE_CASES, ids=[c[0] for c in FIXTURE_CASES])
def test_no_body_character_lost(kb, name, spec, cc, printed):
    """Every Han character of the source's body appears in the output body, in order; the 版头
    and 版记 do not."""
    result = imported(kb, name)
    _, body = split(result.text)
    source = han("".join(spec.body_texts()))
    assert is_subsequence(source, han(body)), (source, han(body))
    assert "印发" not in body and "抄送" not in body
    assert not body.lstrip().startswith(spec.title_lines[0])


def test_numbering_levels_tables_and_pictures(kb):
    result = imported(kb, "notice.docx")
    _, body = split(result.text)
    assert "\n## 一、提高思想认识，压实安全责任\n\n各级民政部门要把" in body
    assert "\n### （一）落实机构主体责任\n" in body
    assert "\n1. 每月至少组织一次全面安全检查；\n" in body
    assert "\n   - （1）检查消防设施是否完好有效；\n" in body
    assert "\n2. 建立隐患整改台账，实行销号管理。\n" in body
    assert "| 机构类型 | 检查重点 | 责任处室 |\n| --- | --- | --- |\n| 养老机构（第1批） |" in body
    picture = re.search(r"!\[\]\(([^)]+)\)", body)
    assert picture and any(str(path).endswith(picture.group(1)) for path, _ in result.files)
    assert result.files[0][1].startswith(b"\x89PNG")


def test_pdf_table_spanning_pages_is_one_table(tmp_path, kb, browser):
    """A long table printed over two pages comes back as one Markdown table, header once."""
    spec = maker.fixed_spec()
    rows = [("序号", "机构名称", "检查结果")] + [(str(n), f"第{n}养老院", "合格") for n in range(1, 61)]
    spec.body = spec.body[:2] + [("table", rows)] + spec.body[2:]
    pdf = tmp_path / "long.pdf"
    page = browser.new_page()
    maker.make_pdf(spec, pdf, page)
    page.close()
    cfg, _ = load_config(kb)
    result = import_file(pdf, "long.pdf", cfg, DocType.NOTICE, [])
    _, body = split(result.text)
    assert body.count("| 序号 | 机构名称 | 检查结果 |") == 1
    table = body[body.index("| 序号"):].split("\n\n")[0]
    assert [line.split(" | ")[1] for line in table.split("\n")[2:]] == [f"第{n}养老院" for n in range(1, 61)]


@pytest.mark.parametrize("raw, expected", [
    ("民发〔2020〕18号", "民发〔2020〕18号"),
    ("民发[2020]18号", "民发〔2020〕18号"),
    ("民发（2020）18号", "民发〔2020〕18号"),
    ("民发(2020)18号", "民发〔2020〕18号"),
    ("民发［2020］18号", "民发〔2020〕18号"),
    ("民发【2020】18号", "民发〔2020〕18号"),
    ("国卫办发 〔 2021 〕 7 号", "国卫办发〔2021〕7号"),
    ("民政部关于印发通知的通知", ""),
])
def test_doc_number_normalised(raw, expected):
    assert gongwen.normalize_doc_number(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("二〇二〇年二月十日", "2020-02-10"),
    ("二○二○年十二月三十一日", "2020-12-31"),
    ("二〇一九年十月二十日", "2019-10-20"),
    ("2020年2月10日", "2020-02-10"),
    ("2020 年 11 月 3 日", "2020-11-03"),
    ("2020-02-10", "2020-02-10"),
    ("2020.2.10", "2020-02-10"),
    ("二〇二〇年二月三十日", ""),
])
def test_dates_in_both_numeral_styles(raw, expected):
    assert gongwen.parse_date(raw) == expected


def test_reimport_is_byte_identical_and_dry_run_writes_nothing(kb):
    root = kb.parent
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    dry = run_import(kb, "--dry-run", str(FIXTURES / "notice.docx"))
    assert dry.exit_code == 0, dry.output
    assert "试运行，未写入" in dry.output and "title: 民政部办公厅关于做好2020年冬春季民政服务机构安全管理工作的通知" in dry.output
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    first = run_import(kb, str(FIXTURES / "notice.docx"))
    assert first.exit_code == 0, first.output
    written = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    second = run_import(kb, str(FIXTURES / "notice.docx"))
    assert second.exit_code == 0, second.output
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == written


def test_changed_target_is_not_overwritten(kb):
    assert run_import(kb, str(FIXTURES / "pasted-gbk.txt")).exit_code == 0
    target = next((kb.parent / "content" / "notices").glob("guan-yu-jin-yi-bu*.md"))
    target.write_text(target.read_text(encoding="utf-8") + "\n编辑补充的段落。\n", encoding="utf-8")
    again = run_import(kb, str(FIXTURES / "pasted-gbk.txt"))
    assert again.exit_code == 1 and "MZ717" in again.output
    assert "编辑补充的段落" in target.read_text(encoding="utf-8")


def test_attachments_beside_the_source_are_copied_and_listed(tmp_path, kb):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "notice.docx", folder / "通知.docx")
    (folder / "附件1 民政服务机构安全检查表.xlsx").write_bytes(b"PK fake xlsx")
    result = run_import(kb, str(folder / "通知.docx"))
    assert result.exit_code == 0, result.output
    assert "MZ718" in result.output and "冬春季安全管理工作联系人名单" in result.output  # the other one is missing
    meta, _ = split(next(p for p in (kb.parent / "content" / "notices").glob("min-zheng*.md")).read_text(encoding="utf-8"))
    assert meta["attachments"] == [f"{meta['id']}-files/附件1 民政服务机构安全检查表.xlsx"]
    copied = kb.parent / "content" / "notices" / meta["attachments"][0]
    assert copied.read_bytes() == b"PK fake xlsx"


def test_audience_guess_follows_title_then_addressees(kb):
    from mzkb.importer.run import guess_audiences

    cfg, _ = load_config(kb)

    assert guess_audiences(cfg, "关于加强养老院消防安全的通知", "", ())[0] == ["养老机构"]
    assert guess_audiences(cfg, "关于做好安全工作的通知", "各救助站、殡仪馆", ())[0] == ["流浪乞讨人员救助管理机构", "殡葬服务机构"]
    assert guess_audiences(cfg, "关于做好安全工作的通知", "各省民政厅", ())[0] == ["全部"]


def test_lawref_markdown_articles_import_with_manifest_fields(kb):
    manifest = json.loads((FIXTURES / "lawref" / "manifest.json").read_text(encoding="utf-8"))
    cfg, _ = load_config(kb)
    for entry in manifest:
        source = FIXTURES / "lawref" / entry["path"]
        result = import_file(source, entry["path"], cfg, DocType.GUIDELINE, [])
        assert result.ok, [d.format() for d in result.diagnostics]
        meta, body = split(result.text)
        assert meta["title"] == entry["title"]
        assert meta["issuer"] and not meta["issuer"].startswith("（")
        text = source.read_text(encoding="utf-8")
        source_body = text.split("\n", 1)[1]  # everything after the '# 标题' line
        assert is_subsequence(han(source_body), han(body))
        assert "\n## 第一章" in body and "第一条" in body
    dates = {e["path"]: import_file(FIXTURES / "lawref" / e["path"], e["path"], cfg, DocType.GUIDELINE, []).known.date
             for e in manifest}
    assert dates["上海市社会救助条例(2024-12-31).md"] == "2024-12-31"
    assert dates["婚姻登记条例(2003-08-08).md"] == "2003-08-08"


def test_embedded_workbook_is_extracted_and_attached(tmp_path, kb):
    """A workbook embedded in the Word file (an OLE package) is written beside the document,
    listed in attachments and linked where it sat in the text."""
    import io

    import docx
    import openpyxl
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    book = openpyxl.Workbook()
    book.active.append(["地区", "床位数"])
    buffer = io.BytesIO()
    book.save(buffer)
    document = docx.Document(str(FIXTURES / "notice.docx"))
    part = Part(PackURI("/word/embeddings/Microsoft_Excel_Worksheet1.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer.getvalue(), document.part.package)
    rid = document.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package")
    run = document.paragraphs[-3].add_run()
    run._r.append(parse_xml(
        '<w:object xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="{rid}"/></w:object>'))
    source = tmp_path / "含嵌入表格.docx"
    document.save(str(source))
    cfg, _ = load_config(kb)
    result = import_file(source, source.name, cfg, DocType.NOTICE, [])
    meta, body = split(result.text)
    embedded = [a for a in meta["attachments"] if a.endswith(".xlsx")]
    assert embedded and f"]({embedded[0]})" in body
    data = dict((str(path), blob) for path, blob in result.files)
    assert any(name.endswith(embedded[0]) and blob == buffer.getvalue() for name, blob in data.items())


def test_id_option_takes_one_file(kb):
    result = run_import(kb, "--id", "x-1", str(FIXTURES / "notice.docx"), str(FIXTURES / "pasted-gbk.txt"))
    assert result.exit_code == 2 and "--id" in result.output


def _png(color=(30, 120, 200)) -> bytes:
    import io

    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (160, 90), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_pdf_pictures_are_extracted_in_place(tmp_path, kb, browser):
    import base64

    spec = maker.fixed_spec()
    html = maker.print_html(spec).replace(
        "<p class='h1'>二、", f"<p><img src='data:image/png;base64,{base64.b64encode(_png()).decode()}' "
        "style='width:160pt;height:90pt'></p><p class='h1'>二、")
    page = browser.new_page()
    page.set_content(html)
    page.pdf(path=str(tmp_path / "with-picture.pdf"), format="A4")
    page.close()
    cfg, _ = load_config(kb)
    result = import_file(tmp_path / "with-picture.pdf", "with-picture.pdf", cfg, DocType.NOTICE, [])
    _, body = split(result.text)
    picture = re.search(r"!\[\]\(([^)]+)\)", body)
    assert picture and body.index(picture.group(0)) < body.index("## 二、突出防范重点")
    blob = dict((str(p), b) for p, b in result.files)
    assert any(name.endswith(picture.group(1)) and data.startswith(b"\x89PNG") for name, data in blob.items())


def test_html_pictures_saved_beside_the_page_are_extracted(tmp_path, kb):
    folder = tmp_path / "saved"
    (folder / "通知_files").mkdir(parents=True)
    (folder / "通知_files" / "chart.png").write_bytes(_png())
    page = maker.ministry_page(maker._web_spec()).replace(
        "<p class='h1'>一、", "<p><img src='%E9%80%9A%E7%9F%A5_files/chart.png'><img src='https://example.org/remote.png'></p>"
        "<p class='h1'>一、", 1)
    (folder / "通知.html").write_text(page, encoding="utf-8")
    cfg, _ = load_config(kb)
    result = import_file(folder / "通知.html", "通知.html", cfg, DocType.NOTICE, [])
    _, body = split(result.text)
    assert body.count("![](") == 1 and "example.org" not in body
    assert [data for _, data in result.files] == [_png()]


GOV_PAGE = """<html><head><meta charset="gb2312"><title>国务院办公厅关于切实做好社会救助兜底保障工作的通知_政府信息公开专栏</title></head>
<body><table width="100%" class="layout"><tr><td class="nav"><a href="#">首页</a> | <a href="#">政策</a></td></tr>
<tr><td><table class="bd1"><tr><td><b>索 引 号：</b></td><td>000014349/2020-00102</td><td><b>主题分类：</b></td><td>民政、扶贫、救灾\\社会福利</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2020年06月03日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于切实做好社会救助兜底保障工作的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2020〕7号</td><td><b>发布日期：</b></td><td>2020年06月10日</td></tr></table></td></tr>
<tr><td id="UCAP-CONTENT"><p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　经国务院同意，现就切实做好社会救助兜底保障工作有关事项通知如下。</p>
<p>　　一、加强困难群众基本生活保障。各地要及时将符合条件的困难群众纳入低保范围。</p>
<p style="text-align: right;">国务院办公厅</p><p style="text-align: right;">2020年6月3日</p>
<p>　　（此件公开发布）</p></td></tr><tr><td class="footer">版权所有：中国政府网</td></tr></table></body></html>"""


def test_page_inside_a_layout_table(tmp_path, kb):
    """Ministry pages nest the metadata table and the article in a layout table; only the
    metadata table is dropped, in the page's own encoding (GB2312)."""
    path = tmp_path / "gov.html"
    path.write_bytes(GOV_PAGE.encode("gb18030"))
    cfg, _ = load_config(kb)
    result = import_file(path, "gov.html", cfg, DocType.NOTICE, [])
    meta, body = split(result.text)
    assert (meta["title"], meta["doc_number"], meta["issuer"], meta["date"]) == (
        "国务院办公厅关于切实做好社会救助兜底保障工作的通知", "国办发〔2020〕7号", "国务院办公厅", "2020-06-03")
    assert "## 一、加强困难群众基本生活保障" in body and "（此件公开发布）" in body
    assert "索 引 号" not in body and "版权所有" not in body and "首页" not in body


def test_same_doc_number_names_the_existing_document(kb):
    first = run_import(kb, str(FIXTURES / "notice.docx"))
    assert first.exit_code == 0, first.output
    existing = next((kb.parent / "content" / "notices").glob("*.md"))
    number = yaml.safe_load(existing.read_text(encoding="utf-8").split("---")[1])["doc_number"]
    again = run_import(kb, "--id", "copy-of-notice", str(FIXTURES / "notice.docx"))
    assert "MZ750" in again.output and number in again.output
    assert f"content/notices/{existing.name}" in again.output


def test_second_copy_under_another_id_is_not_a_second_document(kb, tmp_path):
    assert run_import(kb, str(FIXTURES / "notice.pdf")).exit_code == 0
    notices = sorted((kb.parent / "content" / "notices").glob("*.md"))
    copy = tmp_path / "副本 (2).pdf"
    shutil.copyfile(FIXTURES / "notice.pdf", copy)
    again = run_import(kb, "--id", "fu-ben", str(copy))
    assert again.exit_code == 1 and "MZ752" in again.output
    assert sorted((kb.parent / "content" / "notices").glob("*.md")) == notices


@pytest.mark.parametrize("old, new", [
    ("新型冠状病毒肺炎防控方案（第九版）", "新型冠状病毒肺炎防控方案（第十版）"),
    ("养老机构管理办法", "养老机构管理办法（2020年修订）"),
    ("社会救助暂行办法（试行）", "社会救助暂行办法"),
])
def test_editions_share_a_title_stem(old, new):
    from mzkb.importer.run import edition_stem

    assert edition_stem(old) == edition_stem(new)
    assert edition_stem(old) != edition_stem("养老机构等级划分与评定")


def test_newer_edition_gets_supersedes_suggestion(kb, tmp_path):
    body = "各有关单位：\n为做好养老机构疫情防控工作，现将有关要求通知如下，请认真贯彻执行。\n"
    for edition, day in (("第九版", "2022年6月27日"), ("第十版", "2023年1月7日")):
        (tmp_path / f"{edition}.txt").write_text(
            f"养老机构疫情防控方案（{edition}）\n{body}{edition}正文。\n民政部\n{day}\n", encoding="utf-8")
    result = run_import(kb, str(tmp_path / "第九版.txt"), str(tmp_path / "第十版.txt"))
    assert result.exit_code == 0, result.output
    assert "MZ716" in result.output
    newer = next(p for p in (kb.parent / "content" / "notices").glob("*.md") if "第十版" in p.read_text(encoding="utf-8"))
    meta = yaml.safe_load(newer.read_text(encoding="utf-8").split("---\n")[1])
    assert len(meta["supersedes"]) == 1
