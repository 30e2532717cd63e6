"""``mzkb import DIR``: every file of the folder (and its subfolders) imported in one run, a progress
bar only on a terminal, and a summary table at the end (per file: 成功/警告/失败, title, 文号, the file
written, why it failed) — on a folder with good, duplicate and broken files."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

GOOD = "测试省民政厅\n测民发〔2021〕3号\n关于加强养老机构消防安全管理的通知\n各市民政局：\n请切实加强养老机构消防安全管理，落实消防安全责任制。\n测试省民政厅\n2021年3月5日\n"
UNDATED = "关于做好困难群众冬季取暖保障工作的通知\n各地要切实做好困难群众冬季取暖保障工作，确保温暖过冬。\n"


def folder(root: Path) -> Path:
    source = root / "待导入"
    (source / "二季度").mkdir(parents=True)
    (source / "消防.txt").write_text(GOOD, encoding="utf-8")
    (source / "二季度" / "消防(1).txt").write_text(GOOD, encoding="utf-8")  # the same notice saved twice
    (source / "二季度" / "取暖.txt").write_text(UNDATED, encoding="utf-8")
    (source / "坏.pdf").write_bytes(b"%PDF-1.4 truncated")
    (source / "空.docx").write_bytes(b"")
    (source / "~$消防.docx").write_bytes(b"lock")  # Word's lock file: skipped
    return source


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "kb")]).exit_code == 0
    return tmp_path / "kb" / "site_config.yml"


def rows(output: str) -> dict[str, list[str]]:
    """Summary rows by file name: [结果, 文件, 标题, 文号, 导入为, 说明]."""
    found = {}
    for line in output.splitlines():
        if line.startswith(("成功 ", "警告 ", "失败 ")):
            cells = line.split()
            found[Path(cells[1]).name] = [cells[0], cells[1], cells[2], cells[3], cells[4], " ".join(cells[5:])]
    return found


def test_folder_import_ends_with_a_summary_table(kb, tmp_path):
    source = folder(tmp_path)
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source)])
    assert result.exit_code == 1  # some files could not be imported
    table = rows(result.stdout)
    assert set(table) == {"消防.txt", "消防(1).txt", "取暖.txt", "坏.pdf", "空.docx"}
    target = "content/notices/guan-yu-jia-qiang-yang-lao-ji-gou-xiao-fang-an-quan-guan-li-de-tong-zhi.md"
    assert table["消防.txt"][:5] == ["成功", str(source / "消防.txt"), "关于加强养老机构消防安全管理的通知", "测民发〔2021〕3号", target]
    assert table["消防(1).txt"][0] == "失败" and table["消防(1).txt"][4] == "—"
    assert table["消防(1).txt"][5].startswith(f"MZ741 与同一次导入的 {source / '消防.txt'} 是同一文档")
    assert table["取暖.txt"][0] == "警告" and table["取暖.txt"][5].startswith("MZ712 没有找到成文日期")
    assert table["坏.pdf"][0] == "失败" and table["坏.pdf"][5].startswith("MZ708 PDF 文件无法解析")
    assert table["空.docx"][:5] == ["失败", str(source / "空.docx"), "—", "—", "—"]
    assert table["空.docx"][5] == "MZ702 要导入的文件是空的"
    assert result.stdout.splitlines()[-1] == "导入 5 个文件：成功 1 个，有警告 1 个，失败 3 个。"
    assert "跳过" in result.stderr and "~$消防.docx" in result.stderr
    written = sorted(p.name for p in (kb.parent / "content" / "notices").glob("guan-yu-*.md"))
    assert len(written) == 3  # mzkb init's sample, 消防 once, 取暖
    # not a terminal: no progress bar, no escape sequences
    assert "\x1b" not in result.output and "导入文件" not in result.output


def test_one_file_gets_no_table(kb, tmp_path):
    source = folder(tmp_path)
    result = CliRunner().invoke(cli, ["import", "-c", str(kb), str(source / "消防.txt")])
    assert result.exit_code == 0 and "导入 1 个文件" not in result.output and "已导入" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_the_progress_bar(kb, tmp_path):
    source = folder(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm", "MZKB_PROGRESS_DELAY": "0",
                                                                  "COLUMNS": "160", "LINES": "40"}
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mzkb", "import", "-c", str(kb), str(source)],
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 1
    os.close(leader)
    seen = b"".join(chunks).decode("utf-8", "replace")
    assert "导入文件" in seen and "5/5" in seen  # the bar, counted to the end
    assert "导入 5 个文件：成功 1 个，有警告 1 个，失败 3 个。" in seen
