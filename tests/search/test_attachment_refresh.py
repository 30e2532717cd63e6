"""An attachment replaced by a file of the same size is indexed again: both engines find the new
text and no longer the old (a corrected PDF often keeps its size when one word changes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from engines import browser_top, cli_top
from test_first_day import minimal_pdf

ROOT = Path(__file__).resolve().parents[1]


def found(page, kb: Path, word: str) -> tuple[list[str], list[str]]:
    """(browser ids, CLI ids) of the documents found for ``word``."""
    return browser_top(page, kb / "site", [word])[0], cli_top(kb / "site_config.yml", [word])[0]


def search(kb: Path, word: str) -> str:
    return subprocess.run([sys.executable, "-m", "mzkb", "search", word], cwd=kb, capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout


def build(kb: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000")
    subprocess.run([sys.executable, "-m", "mzkb", "build"], cwd=kb, env=env, capture_output=True, check=True)


def test_a_same_size_replacement_of_an_attachment_is_searched_anew(tmp_path: Path, page):
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "fixtures" / "sites" / "small", kb)
    pdf = kb / "content" / "notices" / "files" / "a.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(minimal_pdf("quokkaword"))
    notice = kb / "content" / "notices" / "探视通知.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("topics: [疫情防控]\n", "topics: [疫情防控]\nattachments: [files/a.pdf]\n", 1),
                      encoding="utf-8")
    build(kb)
    assert "关于暂停养老机构探视的通知" in search(kb, "quokkaword")
    assert found(page, kb, "quokkaword") == (["tan-shi-tong-zhi"], ["tan-shi-tong-zhi"])

    size = pdf.stat().st_size
    pdf.write_bytes(minimal_pdf("wombatword"))
    assert pdf.stat().st_size == size
    build(kb)  # incremental: the notice's Markdown is unchanged
    assert "关于暂停养老机构探视的通知" in search(kb, "wombatword")
    assert "没有找到" in search(kb, "quokkaword")
    assert found(page, kb, "wombatword") == (["tan-shi-tong-zhi"], ["tan-shi-tong-zhi"])
    assert found(page, kb, "quokkaword") == ([], [])
