"""Issue 28, item 7: OFD (GB/T 33190) files are imported through ofdkit. The OFD here is made by
hand the way a 公文 system lays one out (an OFD is a zip of XML: OFD.xml, Document.xml, one
Content.xml per page with a TextObject per printed line, positions and sizes in millimetres):
centred 版头 and title, indented paragraphs that wrap at the right margin, a right-aligned 署名."""

from __future__ import annotations

import zipfile
from pathlib import Path

from mzkb.config import load_config
from mzkb.content.model import DocType
from mzkb.importer.model import Para
from mzkb.importer.run import import_file, read

NS = "http://www.ofdspec.org/2016"
BODY = 5.6  # 三号 (16 pt) in millimetres
LEFT, RIGHT = 28.0, 182.0  # the type area of an A4 公文 page


def _layout() -> list[tuple[str, float, str]]:
    """(text, size, alignment) per printed line; a paragraph longer than a line wraps."""
    per_line = int((RIGHT - LEFT) / BODY)
    lines = [("民政部文件", 12.0, "center"), ("民发〔2026〕7号", BODY, "center"),
             ("民政部关于示例养老服务工作的通知", 7.7, "center"), ("各省、自治区、直辖市民政厅（局）：", BODY, "left")]
    para = "为做好示例养老服务工作，切实保障老年人的合法权益，推动养老服务高质量发展，现将有关事项通知如下，请结合本地实际认真贯彻落实。"
    first = per_line - 2
    lines.append((para[:first], BODY, "indent"))
    rest = para[first:]
    while rest:
        lines.append((rest[:per_line], BODY, "left"))
        rest = rest[per_line:]
    lines += [("一、加强组织领导。", BODY, "indent"), ("民政部", BODY, "right"), ("2026年3月1日", BODY, "right")]
    return lines


def make_ofd(path: Path, lines: list[tuple[str, float, str]]) -> None:
    objects, y = [], 40.0
    for n, (text, size, align) in enumerate(lines):
        width = size * len(text)
        x = {"center": (LEFT + RIGHT - width) / 2, "right": RIGHT - 4 * BODY - width,
             "indent": LEFT + 2 * BODY}.get(align, LEFT)
        delta = " ".join([f"{size}"] * (len(text) - 1))
        objects.append(f'<ofd:TextObject ID="{10 + n}" Boundary="{x:.2f} {y:.2f} {width + 1:.2f} {size * 1.5:.2f}" '
                       f'Font="2" Size="{size}"><ofd:TextCode X="0" Y="{size}" DeltaX="{delta}">{text}</ofd:TextCode>'
                       f"</ofd:TextObject>")
        y += size * 1.8 + (6 if size > BODY else 0)
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", f'{head}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                   "<ofd:DocID>a1b2c3d4e5f60718293a4b5c6d7e8f90</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        z.writestr("Doc_0/Document.xml", f'{head}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>99'
                   "</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                   "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
                   '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/PublicRes.xml", f'{head}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                   '<ofd:Font ID="2" FontName="仿宋" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>')
        z.writestr("Doc_0/Pages/Page_0/Content.xml", f'{head}<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                   f'<ofd:Layer ID="3">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def _config(tmp_path: Path):
    from click.testing import CliRunner

    from mzkb.cli import cli

    CliRunner().invoke(cli, ["init", str(tmp_path / "kb")], catch_exceptions=False)
    return load_config(tmp_path / "kb" / "site_config.yml")[0]


def test_ofd_fields_and_paragraphs(tmp_path):
    source = tmp_path / "通知.ofd"
    make_ofd(source, _layout())
    paras = [b.text for b in read(source, source.name, 50).blocks if isinstance(b, Para)]
    assert paras[4].startswith("为做好") and paras[4].endswith("认真贯彻落实。")  # the wrapped lines are one paragraph
    result = import_file(source, source.name, _config(tmp_path), DocType.NOTICE, [])
    assert result.ok, [d.format() for d in result.diagnostics]
    text = result.text
    assert "title: 民政部关于示例养老服务工作的通知" in text and "doc_number: 民发〔2026〕7号" in text
    assert 'written_date: "2026-03-01"' in text and "issuer: 民政部" in text
    assert "## 一、加强组织领导" in text


def test_damaged_and_textless_ofd_are_refused_with_a_reason(tmp_path):
    cfg = _config(tmp_path)
    broken = tmp_path / "坏.ofd"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    textless = tmp_path / "扫描.ofd"
    make_ofd(textless, [])
    for path, code in ((broken, "MZ745"), (textless, "MZ746")):
        result = import_file(path, path.name, cfg, DocType.NOTICE, [])
        assert [d.code for d in result.diagnostics] == [code]
        assert not result.ok
