"""Zip bombs are refused from the central directory before anything is written (issue 13, item 9)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from mzkb.offline import update as update_module
from mzkb.offline.update import apply_update
from mzkb.offline.verify import verify_bundle
from mzkb.offline.zipsafe import Limits, TooLarge, copy_bounded, directory_problems


def patch_entry(data: bytes, name: str, *, file_size: int | None = None, crc: int | None = None) -> bytes:
    """Rewrite the declared size (and CRC) of one entry in both its local header and the central directory."""
    raw = bytearray(data)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    local = info.header_offset
    assert raw[local:local + 4] == b"PK\x03\x04"
    central = 0
    while True:
        central = raw.index(b"PK\x01\x02", central)
        length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46:central + 46 + length] == encoded:
            break
        central += 4
    if file_size is not None:
        struct.pack_into("<I", raw, local + 22, file_size)
        struct.pack_into("<I", raw, central + 24, file_size)
    if crc is not None:
        struct.pack_into("<I", raw, local + 14, crc)
        struct.pack_into("<I", raw, central + 16, crc)
    return bytes(raw)


def entry_name(zip_path: Path, rel: str) -> str:
    with zipfile.ZipFile(zip_path) as zf:
        return next(n for n in zf.namelist() if n.endswith("/" + rel))


@pytest.fixture
def spy(monkeypatch):
    """Counts every byte written by update extraction."""
    written = {"bytes": 0, "calls": 0}
    real = update_module.copy_bounded

    def counting(src, write, limit):
        written["calls"] += 1

        def tally(chunk):
            written["bytes"] += len(chunk)
            write(chunk)

        return real(src, tally, limit)

    monkeypatch.setattr(update_module, "copy_bounded", counting)
    return written


def test_entry_declaring_a_huge_size_is_refused_before_anything_is_written(kit, tools, tmp_path, spy):
    name = entry_name(kit.pack, "files/site/index.html")
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(patch_entry(kit.pack.read_bytes(), name, file_size=0xFFFFFFF0))
    before = tools.snapshot(kit.folder)
    report = apply_update(bomb, kit.folder, allow_unsigned=True)
    text = "\n".join(report.lines())
    assert not report.ok and "MZ923 错误" in text and "没有解压任何文件" in text and "4.0 GB" in text
    assert spy == {"bytes": 0, "calls": 0}
    assert tools.snapshot(kit.folder) == before and not list(kit.folder.parent.glob(".*update*"))
    assert "MZ923" in "\n".join(verify_bundle(bomb).lines())


def test_entry_declaring_a_small_size_but_inflating_huge_stops_at_the_declared_size(kit, tools, tmp_path, spy):
    """A signed pack whose update.json is honest about sizes, but one entry's data inflates to 64 MB."""
    name = entry_name(kit.pack, "files/site/index.html")
    with zipfile.ZipFile(kit.pack) as zf:
        declared = zf.getinfo(name).file_size
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    flood = bytes(64 << 20)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as out:
        for info, data in entries:
            out.writestr(info, flood if info.filename == name else data, zipfile.ZIP_DEFLATED)
    bomb = tmp_path / "inflating.zip"
    bomb.write_bytes(patch_entry(raw.getvalue(), name, file_size=declared, crc=zlib.crc32(flood[:declared])))
    before = tools.snapshot(kit.folder)
    report = apply_update(bomb, kit.folder)
    assert not report.ok and "更新包已损坏" in "\n".join(report.lines())
    assert spy["calls"] > 0  # it got past every check of the directory: extraction itself stopped it
    assert spy["bytes"] < 1 << 20  # far below the 64 MB the entry inflates to
    assert tools.snapshot(kit.folder) == before and not list(kit.folder.parent.glob(".*update*"))


def test_copy_stops_as_soon_as_a_stream_passes_its_limit():
    written = bytearray()
    with pytest.raises(TooLarge):
        copy_bounded(io.BytesIO(bytes(5 << 20)), written.extend, 1000)
    assert len(written) == 0  # the first 1 MB chunk already passes the limit: nothing written
    assert copy_bounded(io.BytesIO(b"x" * 1000), written.extend, 1000) == 1000


def info(name: str, size: int, packed: int) -> zipfile.ZipInfo:
    item = zipfile.ZipInfo(name)
    item.file_size, item.compress_size = size, packed
    return item


@pytest.mark.parametrize("entries, expected", [
    ([info("a.html", 40_000, 4_000)], ""),
    ([info("small-but-dense.json", 500_000, 100)], ""),  # under the 1 MB ratio floor
    ([info("bomb.bin", 2 << 30, 2 << 20)], "压缩比异常"),
    ([info("huge.mp4", 9 << 30, 9 << 30)], "单个文件最多"),
    ([info(f"{i}.mp4", 7 << 30, 7 << 30) for i in range(10)], "全部文件解压后共"),
    ([info(f"{i}.txt", 1, 1) for i in range(11)], "条目过多"),
])
def test_directory_limits(entries, expected):
    problems = directory_problems(entries, Limits(max_entries=10))
    assert (expected in "\n".join(problems)) if expected else problems == []
