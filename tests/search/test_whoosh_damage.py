"""A Whoosh index damaged on disk without a change of size or time (a bad sector, a sync tool):
``mzkb search`` says so in Chinese (MZ907: rebuild) instead of a traceback from Whoosh's reader,
and the next ``mzkb build`` writes a new index by itself."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.pipeline import build


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def damage(path: Path, position: int) -> None:
    """Flip one byte of ``path``, keeping its size and modification time."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[position % len(data)] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


@pytest.mark.parametrize("position", [0, 48, 200, 700, -1], ids=["header", "early", "schema", "segments", "last"])
def test_damaged_table_of_contents_is_reported_then_rebuilt(small_kb: Path, position: int):
    assert build(small_kb).ok
    folder = small_kb.parent / ".mzkb" / "whoosh"
    (toc,) = folder.glob("*.toc")
    assert json.loads((folder / "mzkb-seal.json").read_text())["contents"] == [".toc"]
    damage(toc, position)

    found = mzkb("search", "-c", str(small_kb), "消毒")
    assert found.exit_code == 1
    assert "MZ907" in found.output and "搜索索引已损坏" in found.output and "mzkb build" in found.output
    assert "Traceback" not in found.output and "Error" not in found.output

    assert build(small_kb).ok  # an index that does not fit its seal is not updated: a new one is written
    found = mzkb("search", "-c", str(small_kb), "消毒", "--json")
    assert found.exit_code == 0 and "guide-2" in found.output


def test_a_seal_stripped_of_its_contents_list_does_not_fit(small_kb: Path):
    """The seal names the files sealed by content inside its HMAC: removing the list from the
    seal file (to skip the check) breaks the seal."""
    assert build(small_kb).ok
    seal_file = small_kb.parent / ".mzkb" / "whoosh" / "mzkb-seal.json"
    record = json.loads(seal_file.read_text())
    seal_file.write_text(json.dumps({"hmac": record["hmac"]}))
    found = mzkb("search", "-c", str(small_kb), "消毒")
    assert found.exit_code == 1 and "MZ907" in found.output


def test_no_index_yet_is_not_called_damaged(small_kb: Path):
    found = mzkb("search", "-c", str(small_kb), "消毒")
    assert found.exit_code == 1 and "还没有搜索索引" in found.output and "MZ907" not in found.output
