"""Issue 24: an edition chain longer than 99, and a preview rebuild that fails for a bug.

105 guidelines in one ``supersedes`` chain without edition labels ended ``mzkb build`` in an
IndexError (edition numbers knew 一 to 九十九); under ``mzkb serve`` that traceback went to the
log and every request then waited for a rebuild that never came.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import free_port, get, wait_until

from mzkb.pipeline import build
from mzkb.site.context import chinese_number


@pytest.mark.parametrize("n, text", [
    (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
    (105, "一百零五"), (110, "一百一十"), (119, "一百一十九"), (1000, "一千"), (1010, "一千零一十"),
    (10_000, "一万"), (10_010, "一万零一十"), (100_000, "十万"), (120_034, "十二万零三十四"),
    (100_000_000, "一亿"), (100_010_000, "一亿零一万"),
])
def test_chinese_numbers(n: int, text: str):
    assert chinese_number(n) == text


def edition_chain(content: Path, count: int, close: bool = False) -> None:
    """``count`` guidelines, each superseding the one before (the first the last when ``close``),
    none with an ``edition`` label."""
    import datetime as dt

    for i in range(count):
        before = i - 1 if i else (count - 1 if close else None)
        supersedes = f"supersedes: chain-{before:03d}\n" if before is not None else ""
        (content / f"guidelines/chain-{i:03d}.md").write_text(
            f"---\nid: chain-{i:03d}\ntitle: 长链指南 {i}\ndate: {dt.date(2000, 1, 1) + dt.timedelta(days=i)}\n"
            f"issuer: 测试局\naudiences: [养老机构]\n{supersedes}---\n\n第 {i} 次修订。\n", encoding="utf-8")


def test_an_edition_chain_of_105(small_kb: Path):
    edition_chain(small_kb.parent / "content", 105)
    result = build(small_kb)
    assert result.ok, [d.format() for d in result.prepared.diagnostics][:5]
    last = (result.out_dir / "guidelines/chain-104.html").read_text(encoding="utf-8")
    assert "第一百零五版" in last
    assert "第一百版" in (result.out_dir / "guidelines/chain-099.html").read_text(encoding="utf-8")


def test_a_supersedes_chain_of_a_thousand(small_kb: Path):
    """The cycle check walks each chain once (it walked it again from every member)."""
    from mzkb.pipeline import prepare

    edition_chain(small_kb.parent / "content", 1000)
    result = prepare(small_kb)
    assert not result.failed, [d.format() for d in result.diagnostics][:5]
    assert result.corpus.get("chain-000").superseded_by == ("chain-001",)
    edition_chain(small_kb.parent / "content", 1000, close=True)
    cycles = [d for d in prepare(small_kb).diagnostics if d.code == "MZ405"]
    assert len(cycles) == 1 and cycles[0].message.count("→") == 1000


# The server under test, with the edition numbering of issue 24 put back (it knew 1-99): a
# rebuild of a chain of 105 then fails for a bug, as it did, wherever the bug is.
OLD_NUMBERS = """
import sys
from mzkb.site import context
fixed = context.chinese_number
def chinese_number(n):
    if n > 99:
        raise IndexError("string index out of range")
    return fixed(n)
context.chinese_number = chinese_number
from mzkb.cli import main
sys.argv[0] = "mzkb"
main()
"""


def test_a_rebuild_that_fails_for_a_bug_leaves_the_preview_serving(small_kb: Path, tmp_path: Path):
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-c", OLD_NUMBERS, "serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: get(port, "/index.html")[0] == 200, "the server did not start")
        content = small_kb.parent / "content"
        edition_chain(content, 105)
        wait_until(lambda: "IndexError" in log.read_text(encoding="utf-8"), "the failed rebuild")
        output = log.read_text(encoding="utf-8")
        assert "Traceback" in output and "预览仍显示上一次成功生成的网站" in output  # the bug keeps its traceback
        # every request is answered, from the last good site
        status, page = get(port, "/guidelines/guide-2.html")
        assert status == 200 and "养老机构防控指南（第二版）" in page
        assert get(port, "/guidelines/chain-000.html")[0] == 404
        assert get(port, "/search/manifest.js")[0] == 200
        # the next good rebuild is served
        for i in range(99, 105):
            (content / f"guidelines/chain-{i:03d}.md").unlink()
        wait_until(lambda: "第九十九版" in get(port, "/guidelines/chain-098.html")[1], "the rebuild after the fix")
        assert get(port, "/guidelines/guide-2.html")[0] == 200
        # and its search index is all there: every segment the manifest lists is served
        manifest = json.loads(get(port, "/search/manifest.js")[1].split(",", 2)[2].rsplit(")", 1)[0])
        assert manifest["docs"] == 5 + 99
        for segment in manifest["segments"]:
            for n in range(segment["s"]):
                assert get(port, f"/search/{segment['b']}/s{n}.js")[0] == 200, segment
    finally:
        proc.terminate()
        proc.wait(timeout=10)
