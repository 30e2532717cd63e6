"""Hostile imports (issue 24): a saved page pointing at private files, attachments the editor
never gave, PDF and .docx bombs (refused from what they declare, before the work), SVG/HTML
embedded in Word, UTF-16 without BOM, damaged PDFs, ``--id`` of another document. Every input
is made here by code."""

from __future__ import annotations

import io
import os
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.importer.limits import LIMITS, Limits
from mzkb.importer.run import import_file, read
from mzkb.content.model import DocType
from mzkb.diagnostics import CATALOGUE, IMPORT_LIMITS

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_hostile as hostile  # noqa: E402  (the hostile inputs, made by code)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "kb")]).exit_code == 0
    return tmp_path / "kb" / "site_config.yml"


def png() -> bytes:
    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (160, 90), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


PAGE = """<html><head><meta charset="utf-8"><title>通知</title></head><body>
<div class="article">
<p>关于做好养老机构冬季安全工作的通知</p>
<p>各省、自治区、直辖市民政厅（局）：现将冬季安全工作有关事项通知如下，请认真贯彻执行。</p>
{images}
<p>各地要加强巡查，及时消除安全隐患，确保老年人生命财产安全。</p>
<p>民政部办公厅</p>
<p>2024年11月20日</p>
</div></body></html>"""


def test_saved_page_never_copies_private_files(tmp_path, kb):
    """A page saved in a home folder: keys, hidden files, links out, fakes and remote pictures are
    refused one by one with the line of their <img>; only the real picture beside it is copied."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n", encoding="utf-8")
    (home / ".config" / "mzkb").mkdir(parents=True)
    (home / ".config" / "mzkb" / "mzkb-signing-key.pem").write_text("-----BEGIN PRIVATE KEY-----\n", encoding="utf-8")
    (home / "页面_files").mkdir()
    (home / "页面_files" / "chart.png").write_bytes(png())
    (home / "页面_files" / "fake.png").write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    (home / "页面_files" / "key.png").write_bytes(png())
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "photo.png").write_bytes(png())
    os.symlink(outside / "photo.png", home / "页面_files" / "link.png")
    os.symlink(home / ".ssh", home / "页面_files" / "keys")
    refs = [".ssh/id_rsa", ".config/mzkb/mzkb-signing-key.pem", "页面_files/fake.png", "../elsewhere/photo.png",
            "页面_files/link.png", "页面_files/keys/id_rsa", "页面_files/key.png", "/etc/passwd",
            "file:///etc/passwd", "https://example.org/x.png", "%2E%73%73%68/id_rsa", "页面_files\\..\\.ssh\\id_rsa"]
    images = "\n".join(f'<p><img src="{ref}"></p>' for ref in refs) + '\n<p><img src="页面_files/chart.png"></p>'
    (home / "页面.html").write_text(PAGE.format(images=images), encoding="utf-8")
    cfg, _ = load_config(kb)
    result = import_file(home / "页面.html", "页面.html", cfg, DocType.NOTICE, [])
    assert result.ok
    assert [data for _, data in result.files] == [png()]
    assert all(Path(p).name == "image-1.png" for p, _ in result.files)
    refused = [d for d in result.diagnostics if d.code == "MZ725"]
    assert len(refused) == len(refs)
    first_line = PAGE.format(images=images).split("\n").index(f'<p><img src="{refs[0]}"></p>') + 1
    for number, (ref, diagnostic) in enumerate(zip(refs, refused)):
        assert diagnostic.line == first_line + number and ref[:20] in diagnostic.message, diagnostic
        assert "未导入" in diagnostic.message
    assert "BEGIN" not in result.text and "attachments" not in result.text


def test_picture_of_an_allowed_type_is_named_by_its_bytes(tmp_path, kb):
    """A real JPEG saved as .pem-free ``photo.bin`` is copied as image-1.jpg; an SVG is refused."""
    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (64, 64), (200, 10, 10)).save(buffer, "JPEG")
    (tmp_path / "photo.bin").write_bytes(buffer.getvalue())
    (tmp_path / "draw.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', encoding="utf-8")
    (tmp_path / "页面.html").write_text(PAGE.format(images='<p><img src="photo.bin"><img src="draw.svg"></p>'),
                                      encoding="utf-8")
    cfg, _ = load_config(kb)
    result = import_file(tmp_path / "页面.html", "页面.html", cfg, DocType.NOTICE, [])
    assert [Path(p).name for p, _ in result.files] == ["image-1.jpg"]
    assert [d for d in result.diagnostics if d.code == "MZ725"][0].message.count("draw.svg") == 1


NOTICE_WITH_ATTACHMENT = """关于报送职工信息的通知
各单位：
请于月底前报送有关材料。
附件：职工工资明细表与身份证号码清单
某某市民政局
2024年3月1日
"""


def test_attachment_only_by_its_exact_name(tmp_path, kb):
    """工资明细.xlsx in the same folder is only close to the 附件说明: a warning, not attached;
    the file named exactly (附件1 …) is attached and the import says so."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "通知.txt").write_text(NOTICE_WITH_ATTACHMENT, encoding="utf-8")
    (folder / "工资明细.xlsx").write_bytes(b"PK unrelated")
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(folder / "通知.txt")])
    assert result.exit_code == 0, result.output
    assert "MZ726" in result.output and "工资明细.xlsx" in result.output and "MZ718" in result.output
    written = next((kb.parent / "content" / "notices").glob("*.md")).read_text(encoding="utf-8")
    assert "attachments" not in written and "附件：" not in result.output

    (folder / "附件1 职工工资明细表与身份证号码清单.xlsx").write_bytes(b"PK the real one")
    for old in (kb.parent / "content" / "notices").glob("*.md"):
        old.unlink()
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(folder / "通知.txt")])
    assert result.exit_code == 0, result.output
    meta = yaml.safe_load(next((kb.parent / "content" / "notices").glob("*.md")).read_text(encoding="utf-8").split("---\n")[1])
    assert meta["attachments"] == [f"{meta['id']}-files/附件1 职工工资明细表与身份证号码清单.xlsx"]
    assert "附件：" in result.output and "附件1 职工工资明细表与身份证号码清单.xlsx" in result.output
    assert "MZ726" in result.output  # the unrelated file is still named as a near miss


def test_attach_on_the_command_line(tmp_path, kb):
    (tmp_path / "通知.txt").write_text(NOTICE_WITH_ATTACHMENT, encoding="utf-8")
    (tmp_path / "清单.xlsx").write_bytes(b"PK named by the editor")
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(tmp_path / "通知.txt"), "--attach",
                                      str(tmp_path / "清单.xlsx")])
    assert result.exit_code == 0, result.output
    assert "清单.xlsx（依据命令行 --attach）" in result.output
    written = next((kb.parent / "content" / "notices").glob("*.md")).read_text(encoding="utf-8")
    assert "-files/清单.xlsx" in written


# --- bombs: refused from what the file declares, before the work ---------------------------

def test_pdf_page_bomb_is_refused_from_its_page_box(tmp_path, kb):
    """834 bytes in the issue: a 14,400 pt page with a 1×1 image scaled over it (7 GB to render)."""
    for pages in (1, 40):
        path = tmp_path / f"bomb-{pages}.pdf"
        path.write_bytes(hostile.page_bomb_pdf(pages))
        assert path.stat().st_size < 15_000
        cfg, _ = load_config(kb)
        result = import_file(path, path.name, cfg, DocType.NOTICE, [])
        assert codes(result) == ["MZ729"] and "14400×14400 pt" in result.diagnostics[0].message


TEXT = b"BT /F1 12 Tf 72 760 Td (Notice on winter safety work) Tj ET "


def _a4(content: bytes, images: dict[str, bytes] | None = None) -> bytes:
    return hostile.raw_pdf([(595, 842, TEXT + content)], images or {})


def test_pdf_image_declaring_too_many_pixels_is_refused(tmp_path):
    path = tmp_path / "pixels.pdf"
    path.write_bytes(_a4(b"q 500 0 0 700 40 60 cm /Im0 Do Q", {"Im0": hostile.image_xobject(100_000, 100_000)}))
    with pytest.raises(Exception) as caught:
        read(path, path.name, 50)
    assert caught.value.code == "MZ730"


def test_pdf_content_stream_bomb_is_refused_before_layout(tmp_path):
    """A page whose content stream inflates past the limit; inflating stops at the limit."""
    packed = zlib.compress(b" " * (LIMITS.page_content_mb * 1024 * 1024 + 10))
    body = b"<</Length %d/Filter/FlateDecode>>stream\n%s\nendstream" % (len(packed), packed)
    pdf = hostile.raw_pdf([(595, 842, b"q Q")], {}).replace(b"<</Length 3>>stream\nq Q\nendstream", body)
    path = tmp_path / "content.pdf"
    path.write_bytes(pdf)
    with pytest.raises(Exception) as caught:
        read(path, path.name, 50)
    assert caught.value.code == "MZ729" and "解压后超过" in str(caught.value.fields)


def test_pdf_picture_is_rendered_alone_and_the_pixel_budget_holds(tmp_path):
    """A 200×150 pt picture is rendered as its own area (417×313 px at 150 dpi, not the page);
    past the rendered-pixel budget pictures are skipped with a warning, the text still comes."""
    from PIL import Image as Picture

    path = tmp_path / "picture.pdf"
    path.write_bytes(_a4(b"q 200 0 0 150 100 400 cm /Im0 Do Q", {"Im0": hostile.image_xobject(1, 1)}))
    extracted = read(path, path.name, 50)
    assert len(extracted.files) == 1 and not extracted.warnings
    width, height = Picture.open(io.BytesIO(extracted.files[0][1])).size
    assert abs(width - 417) <= 2 and abs(height - 313) <= 2
    extracted = read(path, path.name, 50, Limits(rendered_pixels=1000))
    assert not extracted.files and [w.code for w in extracted.warnings] == ["MZ731"]
    assert "Notice on winter safety work" in extracted.blocks[0].text


def test_docx_inflation_bomb_is_refused_from_the_zip_directory(tmp_path, kb):
    """The issue's 1.5 MB .docx whose document.xml inflates to 1.5 GB (here ~5 MB, same 1.5 GB)."""
    path = hostile.inflation_bomb_docx(tmp_path / "bomb.docx")
    assert path.stat().st_size < 6 * 1024 * 1024
    cfg, _ = load_config(kb)
    result = import_file(path, path.name, cfg, DocType.NOTICE, [])
    assert codes(result) == ["MZ727"] and "1.5 GB" in result.diagnostics[0].message


@pytest.mark.parametrize("paragraphs", [3_000_000, 200_000])
def test_docx_paragraph_flood_is_refused_while_streaming(tmp_path, kb, paragraphs):
    path = hostile.paragraph_flood_docx(tmp_path / "flood.docx", paragraphs)
    assert path.stat().st_size < 400_000
    cfg, _ = load_config(kb)
    result = import_file(path, path.name, cfg, DocType.NOTICE, [])
    assert codes(result)[0] in ("MZ727", "MZ728"), result.diagnostics


def test_docx_paragraph_limit_counts_while_streaming(tmp_path, kb):
    """Empty paragraphs (3 M in 60 KB, 18 MB of XML, under the size limit) stop at the count."""
    xml = (b'<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>%s</w:body></w:document>'
           % (hostile.W_NS.encode(), b"<w:p/>" * 3_000_000))
    path = tmp_path / "empty.docx"
    path.write_bytes(hostile.raw_zip([hostile._entry(n, d) for n, d in hostile.docx_parts(xml).items()]))
    cfg, _ = load_config(kb)
    result = import_file(path, path.name, cfg, DocType.NOTICE, [])
    assert codes(result) == ["MZ728"] and str(LIMITS.paragraphs) in result.diagnostics[0].message


def test_time_budget_is_checked_in_the_loops(tmp_path, kb):
    """With no time left, each reader stops at its first check with MZ732."""
    cfg, _ = load_config(kb)
    path = hostile.paragraph_flood_docx(tmp_path / "small.docx", 50)
    pdf = tmp_path / "small.pdf"
    pdf.write_bytes(_a4(b""))
    for source in (path, pdf):
        result = import_file(source, source.name, cfg, DocType.NOTICE, [], limits=Limits(seconds=0))
        assert codes(result) == ["MZ732"], (source, result.diagnostics)


def test_limits_are_documented_with_their_codes():
    text = {code: limit for _, limit, code in IMPORT_LIMITS}
    assert set(text) <= set(CATALOGUE)
    documented = " ".join(limit for _, limit, _ in IMPORT_LIMITS)
    for number in (f"{LIMITS.seconds:g} 秒", f"{LIMITS.docx_part_mb} MB", f"{LIMITS.docx_xml_mb} MB",
                   f"{LIMITS.docx_total_mb} MB", f"{LIMITS.docx_entries} 个", f"{LIMITS.xml_elements} 个",
                   f"{LIMITS.paragraphs} 个", f"{LIMITS.pdf_pages} 页", f"{LIMITS.page_area / 1e4:g} 万平方点",
                   f"{LIMITS.page_content_mb} MB", f"{LIMITS.image_pixels // 10_000} 万像素",
                   f"{LIMITS.rendered_pixels // 10_000} 万像素", f"{LIMITS.ocr_pages} 页", f"{LIMITS.ocr_seconds:g} 秒"):
        assert number in documented, number
    docs = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert "## 导入限制" in docs


# --- low items -------------------------------------------------------------------------------

def _docx_with_part(tmp_path: Path, suffix: str, content_type: str, data: bytes) -> Path:
    """A dated 公文 .docx with one picture whose part is really ``suffix`` (SVG, HTML)."""
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("关于做好冬季救助工作的通知")
    document.add_paragraph("各区民政局：请做好冬季救助工作。")
    document.add_picture(io.BytesIO(png()))
    document.add_paragraph("某某市民政局")
    document.add_paragraph("2024年12月1日")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / f"embedded-{suffix}.docx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            blob = source.read(name)
            if name.startswith("word/media/image1"):
                name, blob = f"word/media/image1.{suffix}", data
            elif name == "word/_rels/document.xml.rels":
                blob = blob.replace(b"media/image1.png", f"media/image1.{suffix}".encode())
            elif name == "[Content_Types].xml":
                blob = blob.replace(b"</Types>", f'<Default Extension="{suffix}" ContentType="{content_type}"/></Types>'.encode())
            target.writestr(name, blob)
    return path


@pytest.mark.parametrize("suffix,content_type,data", [
    ("svg", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("html", "text/html", b"<html><script>alert(1)</script></html>"),
])
def test_docx_never_writes_what_check_refuses(tmp_path, kb, suffix, content_type, data):
    source = _docx_with_part(tmp_path, suffix, content_type, data)
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source)])
    assert result.exit_code == 0, result.output
    assert "MZ733" in result.output
    assert not list((kb.parent / "content").rglob(f"*.{suffix}"))
    check = CliRunner().invoke(cli, ["check", "-c", str(kb)])
    assert "MZ319" not in check.output


def test_utf16le_without_bom_is_named_and_read(tmp_path, kb):
    text = "关于做好养老机构安全工作的通知\n各省民政厅：\n现将有关事项通知如下，请遵照执行。\n民政部\n2020年5月1日\n"
    path = tmp_path / "通知.txt"
    path.write_bytes(text.encode("utf-16-le"))
    cfg, _ = load_config(kb)
    result = import_file(path, path.name, cfg, DocType.NOTICE, [])
    assert result.ok and "title: 关于做好养老机构安全工作的通知" in result.text
    assert any(d.code == "MZ714" and "UTF-16LE" in d.message for d in result.diagnostics)


def test_pdf_with_broken_xref_names_the_damage(tmp_path, kb):
    import re

    data = (FIXTURES / "notice.pdf").read_bytes()
    cfg, _ = load_config(kb)
    for name, broken in (("offsets", re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), data)),
                         ("xref", data.replace(b"xref", b"xxxx"))):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(broken)
        result = import_file(path, path.name, cfg, DocType.NOTICE, [])
        assert codes(result) == ["MZ708"] and "xref" in result.diagnostics[0].message, result.diagnostics


def test_import_id_of_another_document_is_refused(tmp_path, kb):
    notices = kb.parent / "content" / "notices"
    notices.mkdir(parents=True, exist_ok=True)
    (notices / "old-name.md").write_text("---\nid: taken\ntitle: 旧通知\ndate: 2020-01-01\nissuer: 民政部\n"
                                         "audiences: [全部]\n---\n正文。\n", encoding="utf-8")
    source = tmp_path / "通知.txt"
    source.write_text(NOTICE_WITH_ATTACHMENT, encoding="utf-8")
    before = sorted(notices.glob("*.md"))
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source), "--id", "taken"])
    assert result.exit_code == 1 and "MZ734" in result.output and "old-name.md" in result.output
    assert sorted(notices.glob("*.md")) == before
    # the id of a file content/notices/<id>.md: the existing rule (MZ717: never overwritten) applies, said aloud
    (notices / "mine.md").write_text("---\ntitle: 别的\ndate: 2020-01-01\nissuer: 民政部\naudiences: [全部]\n---\n正文。\n",
                                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source), "--id", "mine"])
    assert result.exit_code == 1 and "MZ717" in result.output
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source), "--id", "fresh"])
    assert result.exit_code == 0 and (notices / "fresh.md").exists()
