"""Scans (PDFs without a text layer): refused with MZ707 naming the engine that would be used when
none is installed; read by tesseract (chi_sim) when it is, every field marked unconfirmed.

The scan is made here: a red-header 公文 drawn with a CJK font into an A4 picture, saved as an
image-only PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.importer import ocr

FONTS = [Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
         Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")]
FONT = next((f for f in FONTS if f.is_file()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font (fonts-noto-cjk) to draw the scan with")
needs_engine = pytest.mark.skipif(ocr.engine() is None,
                                  reason="tesseract with chi_sim is not installed (apt install tesseract-ocr tesseract-ocr-chi-sim)")


def scan(path: Path) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    width, height = 2480, 3508  # A4 at 300 dpi
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def write(y: int, text: str, size: int, fill="black", center: bool = False, x: int = 300) -> None:
        font = ImageFont.truetype(str(FONT), size)
        left = (width - draw.textlength(text, font=font)) / 2 if center else x
        draw.text((left, y), text, font=font, fill=fill)

    write(300, "测试省民政厅文件", 150, fill=(220, 0, 0), center=True)
    write(560, "测民发〔2021〕3号", 66, center=True)
    draw.line((300, 680, width - 300, 680), fill=(220, 0, 0), width=8)
    write(820, "关于加强养老机构消防安全管理的通知", 90, center=True)
    write(1040, "各市民政局：", 66)
    write(1160, "　　为切实加强养老机构消防安全管理，落实消防安全责任制，", 66)
    write(1260, "现就有关事项通知如下。", 66)
    write(1400, "一、各地要全面排查养老机构消防安全隐患。", 66, x=432)
    write(1520, "二、养老机构应当每月开展一次消防演练。", 66, x=432)
    write(1900, "测试省民政厅", 66, x=1500)
    write(2000, "2021年3月5日", 66, x=1500)
    image.save(path, "PDF", resolution=300)
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "kb")]).exit_code == 0
    return tmp_path / "kb" / "site_config.yml"


@needs_font
def test_without_an_engine_a_scan_is_refused_naming_the_engine(kb, tmp_path, monkeypatch):
    pdf = scan(tmp_path / "扫描件.pdf")
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))  # a machine without tesseract
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(pdf)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "MZ707" in x)
    assert line.startswith(f"{pdf}:0:0: MZ707 错误：PDF 没有文字层（共 1 页、1 张图片），像是扫描件；本机没有安装文字识别（OCR）引擎")
    assert "tesseract（简体中文语言包 chi_sim）" in line and "apt install tesseract-ocr tesseract-ocr-chi-sim" in line


@needs_font
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_without_chinese_is_no_engine(kb, tmp_path, monkeypatch):
    pdf = scan(tmp_path / "扫描件.pdf")
    (tmp_path / "tessdata").mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "tessdata"))  # tesseract with no language model
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(pdf)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "MZ707" in x)
    assert "本机的 tesseract 没有简体中文语言包 chi_sim" in line and "apt install tesseract-ocr-chi-sim" in line


@needs_font
@needs_engine
def test_tesseract_reads_a_scan_and_every_field_is_unconfirmed(kb, tmp_path):
    pdf = scan(tmp_path / "扫描件.pdf")
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(pdf)])
    assert result.exit_code == 0, result.output
    warning = next(x for x in result.output.splitlines() if "MZ742" in x)
    assert "正文由tesseract（简体中文语言包 chi_sim）文字识别（OCR）得到（共 1 页，平均置信度" in warning
    written = next(p for p in (kb.parent / "content" / "notices").glob("*.md") if "min-zheng-zhi-shi-ku" not in p.name)
    head, body = written.read_text(encoding="utf-8").split("---\n")[1:3]
    meta = yaml.safe_load(head)
    assert meta["date"] == "2021-03-05" and meta["doc_number"] == "测民发〔2021〕3号"
    assert {"title", "date", "doc_number", "issuer", "audiences"} <= set(meta["unconfirmed"])
    assert "由tesseract（简体中文语言包 chi_sim）文字识别所得" in head  # the reason, beside each field
    assert "养老机构" in body and "消防" in body and "测试省民政厅文件" not in body  # the red 版头 is not body text
    checked = CliRunner().invoke(cli, ["check", "-c", str(kb)])
    assert checked.exit_code == 0, checked.output  # guesses to confirm are warnings


@needs_engine
def test_a_scan_page_too_large_to_render_is_refused_before_rendering(kb, tmp_path):
    from PIL import Image

    pdf = tmp_path / "大页面.pdf"
    Image.new("RGB", (100, 100), "white").save(pdf, "PDF", resolution=3.6)  # one 2000 × 2000 pt page
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(pdf)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "MZ730" in x)
    assert "第 1 页" in line and "8333×8333" in line and "5000 万" in line
