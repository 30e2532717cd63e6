"""A bug in mzkb is shown as a bug: its traceback and one Chinese line, never an editor's diagnostic.

Issue 25: a KeyError in the home page builder used to print
``site_config.yml:0:0: MZ901 错误：站点生成失败：'tiles'`` and no traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

BUG = '''
import mzkb.site.pages.home as home

def home_page(*args, **kwargs):
    raise KeyError("tiles")

home.home_page = home_page
'''


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def mzkb(args: list[str], cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "mzkb", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def test_a_bug_shows_its_traceback_under_one_chinese_line_and_keeps_the_site(tmp_path: Path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", kb)
    first = mzkb(["build"], kb)
    assert first.returncode == 0, first.stdout + first.stderr
    before = digest(kb / "site")
    bug = tmp_path / "bug"
    bug.mkdir()
    (bug / "sitecustomize.py").write_text(BUG, encoding="utf-8")
    broken = mzkb(["build", "--full"], kb, extra_path=bug)
    assert broken.returncode == 70
    assert "Traceback (most recent call last)" in broken.stderr and "KeyError: 'tiles'" in broken.stderr
    last = broken.stderr.strip().splitlines()[-1]
    assert last.startswith("以上是 mzkb 自身的程序错误") and "报告" in last
    assert "MZ901" not in broken.stdout + broken.stderr  # not dressed up as the editor's problem
    assert digest(kb / "site") == before


def test_an_editors_mistake_is_still_a_diagnostic_without_traceback(tmp_path: Path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", kb)
    doc = next((kb / "content").rglob("*.md"))
    doc.write_text(doc.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    result = mzkb(["build"], kb)
    assert result.returncode not in (0, 70)
    assert "Traceback" not in result.stderr and "程序错误" not in result.stderr
    assert "MZ" in result.stdout + result.stderr
