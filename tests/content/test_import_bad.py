"""mzkb import refuses unreadable files one by one: exit 1, a Chinese diagnostic naming the
file, and the other files of the same run are still imported."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "kb")]).exit_code == 0
    return tmp_path / "kb" / "site_config.yml"


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(FIXTURES / "notice.pdf")).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_bad(kind: str, folder: Path) -> Path:
    """One bad file of each kind, made at test time (the 200 MB one is sparse)."""
    if kind == "encrypted":
        return encrypted_pdf(folder / "加密通知.pdf")
    if kind == "broken-zip":
        path = folder / "损坏的通知.docx"
        path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
        return path
    if kind == "not-zip":
        path = folder / "改名的通知.docx"
        path.write_text("这其实是一个文本文件", encoding="utf-8")
        return path
    if kind == "empty":
        path = folder / "空文件.txt"
        path.write_bytes(b"")
        return path
    if kind == "blank-docx":
        path = folder / "空文件.docx"
        path.write_bytes(b"")
        return path
    if kind == "scanned":
        return FIXTURES / "scanned.pdf"
    if kind == "huge":
        path = folder / "巨大的通知.pdf"
        with path.open("wb") as handle:
            handle.truncate(200 * 1024 * 1024)
        return path
    if kind == "old-word":
        path = folder / "旧格式.doc"
        path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
        return path
    if kind == "truncated-pdf":
        path = folder / "下载不完整.pdf"
        path.write_bytes((FIXTURES / "notice.pdf").read_bytes()[:3000])
        return path
    if kind == "missing":
        return folder / "不存在.docx"
    raise AssertionError(kind)


BAD = [
    ("encrypted", "MZ706", "已加密"),
    ("broken-zip", "MZ705", "不是有效的 Word 文档"),
    ("not-zip", "MZ705", "不是有效的 Word 文档"),
    ("empty", "MZ702", "是空的"),
    ("blank-docx", "MZ702", "是空的"),
    ("scanned", "MZ707", "没有文字层"),
    ("huge", "MZ703", "超过上限"),
    ("old-word", "MZ704", "另存为 .docx"),
    ("truncated-pdf", None, "PDF"),
    ("missing", "MZ701", "文件不存在"),
]


@pytest.mark.parametrize("kind, code, words", BAD, ids=[b[0] for b in BAD])
def test_bad_file_exits_1_names_it_and_others_still_import(tmp_path, kb, kind, code, words, monkeypatch):
    bad = make_bad(kind, tmp_path)
    if kind in ("old-word", "scanned"):  # the message a machine without LibreOffice / an OCR engine gives
        monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(bad), str(FIXTURES / "pasted-gbk.txt")])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad)) and "错误" in line]
    assert lines, result.output
    assert code is None or code in lines[0]
    assert words in lines[0]
    assert "Traceback" not in result.output
    assert f"已导入 {FIXTURES / 'pasted-gbk.txt'}" in result.output
    notices = list((kb.parent / "content" / "notices").glob("*.md"))
    assert len(notices) == 2  # the good file and the sample notice of mzkb init; nothing of the bad one


def test_huge_file_is_refused_before_it_is_read(tmp_path, kb, monkeypatch):
    bad = make_bad("huge", tmp_path)
    opened = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self) or real_read_bytes(self))
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(bad)])
    assert result.exit_code == 1 and "MZ703" in result.output
    assert bad not in opened
    assert os.stat(bad).st_blocks * 512 < 1024 * 1024  # the fixture itself stayed sparse


def test_utf16_and_utf8_text_import_like_gbk(tmp_path, kb):
    text = (FIXTURES / "pasted-gbk.txt").read_bytes().decode("gb18030")
    for encoding in ("utf-16", "utf-8-sig", "utf-8"):
        path = tmp_path / f"pasted-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        result = CliRunner().invoke(cli, ["import", "-c", str(kb), "--dry-run", str(path)])
        assert result.exit_code == 0, result.output
        assert "title: 关于进一步加强儿童福利机构安全管理工作的通知" in result.output
        assert "doc_number: 苏民福〔2019〕7号" in result.output


def test_old_word_without_libreoffice_says_so(tmp_path, kb, monkeypatch):
    bad = make_bad("old-word", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(bad)])
    assert result.exit_code == 1 and "MZ704" in result.output and "未安装 LibreOffice" in result.output


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_doc_is_converted_by_installed_libreoffice(tmp_path, kb):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    source = tmp_path / "通知.docx"
    shutil.copyfile(FIXTURES / "notice.docx", source)
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(source)], check=True, timeout=120)
    legacy_file = tmp_path / "doc" / "通知.doc"
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), "--dry-run", str(legacy_file)])
    assert result.exit_code == 0, result.output
    assert "title: 民政部办公厅关于做好2020年冬春季民政服务机构安全管理工作的通知" in result.output


def test_folder_import_is_recursive_and_skips_private_files_and_outside_links(tmp_path, kb):
    folder = tmp_path / "收文 2020"
    (folder / "子目录 -x").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "pasted-gbk.txt", folder / "子目录 -x" / "--通知 $(rm).txt")
    (folder / "~$通知.docx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "Thumbs.db").write_bytes(b"\x00")
    outside = tmp_path / "outside.txt"
    shutil.copyfile(FIXTURES / "pasted-gbk.txt", outside)
    (folder / "link.txt").symlink_to(outside)
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(folder)])
    assert result.exit_code == 0, result.output
    assert "已导入" in result.output and "--通知 $(rm).txt" in result.output
    for name in ("~$通知.docx", ".DS_Store", "Thumbs.db", "link.txt"):
        assert f"跳过 {folder / name}" in result.output
    assert len(list((kb.parent / "content" / "notices").glob("*.md"))) == 2
