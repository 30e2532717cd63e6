"""Limits a zip must respect before anything is read or written from it, and bounded copies.

Every check here uses the zip's central directory only (names, declared sizes, compressed sizes),
so a zip bomb is refused before one byte is inflated or written. Copies then stop as soon as an
entry yields more bytes than it declared (or than the manifest expects).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..foundations import human_size
from .format import BundleError


@dataclass(frozen=True, slots=True)
class Limits:
    """What a bundle or pack may hold (generous for real sites, far below a bomb)."""

    max_entries: int = 500_000
    """Entries in the central directory (a 20,000-document site has about 25,000 files)."""
    max_entry: int = 8 << 30
    """Declared unpacked size of one entry."""
    max_total: int = 64 << 30
    """Declared unpacked size of all entries."""
    max_ratio: int = 200
    """Unpacked / packed size of one entry (HTML and search index compress 5–20x; a bomb 1000x)."""
    ratio_floor: int = 1 << 20
    """Entries smaller than this unpacked are not held to ``max_ratio``."""
    max_metadata: int = 256 << 20
    """manifest.json, update.json and signatures are read into memory up to this size."""


LIMITS = Limits()


def directory_problems(infos: Iterable[zipfile.ZipInfo], limits: Limits = LIMITS) -> list[str]:
    """Why a zip's central directory is unsafe to unpack; empty if it is within the limits."""
    infos = list(infos)
    problems = []
    if len(infos) > limits.max_entries:
        problems.append(f"条目过多：{len(infos)} 个（最多 {limits.max_entries} 个）")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_entry:
            problems.append(f"{info.filename} 声明解压后有 {human_size(info.file_size)}（单个文件最多 "
                            f"{human_size(limits.max_entry)}）")
        elif info.file_size >= limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            problems.append(f"{info.filename} 压缩比异常：{human_size(info.compress_size)} 解压后为 "
                            f"{human_size(info.file_size)}（超过 {limits.max_ratio} 倍，疑似“压缩炸弹”）")
        if len(problems) >= 20:
            break
    if total > limits.max_total:
        problems.append(f"全部文件解压后共 {human_size(total)}（最多 {human_size(limits.max_total)}）")
    return problems


def check_directory(zf: zipfile.ZipFile, label: str, limits: Limits = LIMITS) -> None:
    """``BundleError`` (MZ923) if the zip's directory breaks a limit; nothing has been unpacked."""
    problems = directory_problems(zf.infolist(), limits)
    if problems:
        raise BundleError("MZ923", "压缩包超出安全限制，拒绝处理（没有解压任何文件）", problems, file=label)


def check_space(folder: Path, needed: int, label: str) -> None:
    """``BundleError`` (MZ923) if ``folder``'s disk cannot hold ``needed`` more bytes (plus 64 MB spare)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed + (64 << 20) > free:
        raise BundleError("MZ923", f"磁盘空间不足：需要约 {human_size(needed)}，{folder} 所在磁盘只剩 {human_size(free)}"
                          "（没有解压任何文件）", file=label)


class TooLarge(Exception):
    """A stream yielded more bytes than allowed."""


def copy_bounded(src: BinaryIO, write: Callable[[bytes], object], limit: int) -> int:
    """Pass at most ``limit`` bytes to ``write``; ``TooLarge`` as soon as the source has more (nothing
    beyond ``limit`` is ever written)."""
    copied = 0
    while chunk := src.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise TooLarge(copied)
        write(chunk)
    return copied


def read_bounded(src: BinaryIO, limit: int) -> bytes:
    """Read a whole stream of at most ``limit`` bytes; ``TooLarge`` if it has more."""
    data = src.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(len(data))
    return data
