"""The files of a bundle or update pack below its top folder, read from a zip or an unzipped folder.

A zip is checked against ``zipsafe`` limits from its central directory when it is opened; every
read is bounded by the size the directory declares. Folders left beside a bundle by a killed
``apply-update`` (``.<name>.update-<pid>``, ``.<name>.old-<pid>``) are never taken for a bundle
and are removed once their process is gone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import BinaryIO

from ..foundations import process_alive
from ..writer import restore_interrupted
from .format import MANIFEST, BundleError, os_reason
from .zipsafe import LIMITS, TooLarge, check_directory, copy_bounded, read_bounded

JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db", "__MACOSX"})
CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, TooLarge)
_LEFTOVER = re.compile(r"^\..+\.(update|old)-(\d+)$")


def is_junk(rel: str) -> bool:
    """Files the operating system drops into folders (Finder, Explorer); verify ignores them."""
    return any(part in JUNK_NAMES or part.startswith("._") for part in rel.split("/"))


def is_leftover(path: Path) -> bool:
    """A staging or old-copy folder of an ``apply-update`` run (``.<name>.update-<pid>``)."""
    return bool(_LEFTOVER.match(path.name))


def remove_leftovers(folder: Path) -> list[Path]:
    """Tidy what a killed ``apply-update`` left in ``folder``; return the leftovers dealt with.

    Only folders whose process has ended are touched. A ``.<name>.old-<pid>`` whose ``<name>`` is gone (killed
    between the two renames of the swap) is renamed back, so the county's folder is restored; every other
    leftover is removed."""
    handled = []
    try:
        children = sorted(folder.iterdir(), key=lambda p: ".old-" not in p.name)  # restore before removing
    except OSError:
        return handled
    for child in children:
        match = _LEFTOVER.match(child.name)
        if not match or not child.is_dir() or child.is_symlink() or process_alive(int(match.group(2))):
            continue
        original = folder / child.name[1:].rsplit(".", 1)[0]
        if match.group(1) == "old" and not original.exists():
            os.replace(child, original)
        else:
            shutil.rmtree(child, ignore_errors=True)
        handled.append(child)
    return handled


class Tree:
    """Files of a bundle or pack below its top folder."""

    label: str
    root: Path | None = None
    stray: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()

    def sizes(self) -> dict[str, int]:
        """Every file's size by its relative path."""
        raise NotImplementedError

    def open(self, rel: str) -> BinaryIO:
        """A binary stream of one file."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the zip (folders hold nothing open)."""

    def has(self, rel: str) -> bool:
        """Whether the tree holds ``rel``."""
        return rel in self.sizes()

    def read(self, rel: str, limit: int = LIMITS.max_metadata) -> bytes:
        """A whole (small) file; ``TooLarge`` beyond ``limit`` bytes."""
        with self.open(rel) as fh:
            return read_bounded(fh, limit)

    def digest(self, rel: str, size: int) -> str:
        """SHA-256 of one file read up to ``size`` bytes (more is ``TooLarge``); zip errors propagate."""
        digest = hashlib.sha256()
        with self.open(rel) as fh:
            copy_bounded(fh, digest.update, size)
        return digest.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ZipTree(Tree):
    """A zip with one top folder holding ``marker``; its directory is checked against the limits."""

    def __init__(self, path: Path, marker: str):
        self.label = str(path)
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BundleError("MZ921", f"不是可以读取的 zip 压缩包（{_reason(exc)}）", file=str(path)) from None
        try:
            check_directory(self.zf, self.label)
            self._index(marker)
        except BundleError:
            self.zf.close()
            raise

    def _index(self, marker: str) -> None:
        infos = self.zf.infolist()
        names = [i.filename for i in infos]
        tops = sorted({n.split("/", 1)[0] for n in names if n.count("/") == 1 and n.endswith("/" + marker)})
        if len(tops) != 1:
            found = "、".join(tops) if tops else "没有"
            raise BundleError("MZ921", f"压缩包中应有且只有一个含 {marker} 的顶层文件夹（实际：{found}）："
                              "这不是 mzkb 生成的包，或包已损坏", file=self.label)
        prefix = tops[0] + "/"
        self.infos = {i.filename[len(prefix):]: i for i in infos if i.filename.startswith(prefix) and not i.is_dir()}
        self.stray = tuple(sorted(n for n in names if not n.startswith(prefix)))
        self.duplicates = tuple(sorted(n for n, k in Counter(names).items() if k > 1))

    def sizes(self) -> dict[str, int]:
        return {rel: info.file_size for rel, info in self.infos.items()}

    def has(self, rel: str) -> bool:
        return rel in self.infos

    def open(self, rel: str) -> BinaryIO:
        return self.zf.open(self.infos[rel])

    def close(self) -> None:
        self.zf.close()


_KINDS = ((stat.S_ISLNK, "符号链接"), (stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"),
          (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"))


def _kind(mode: int) -> str:
    """What a non-regular, non-folder entry is, in Chinese."""
    return next((label for test, label in _KINDS if test(mode)), "特殊文件")


def irregular_entries(root: Path, limit: int = 20) -> list[str]:
    """Entries below ``root`` that are neither regular files nor folders (links, FIFOs, devices, sockets),
    as ``path（kind）`` lines; found with ``lstat`` only: no link is followed and nothing is opened."""
    found: list[str] = []
    pending = [Path(root)]
    while pending and len(found) < limit:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    pending.append(Path(entry.path))
                elif not stat.S_ISREG(mode):
                    target = f" -> {os.readlink(entry.path)}" if stat.S_ISLNK(mode) else ""
                    found.append(f"{entry.path}{target}（{_kind(mode)}）")
    return found[:limit]


def _refuse_irregular(root: Path) -> None:
    """``BundleError`` (MZ928) naming the links and special files below ``root``."""
    found = irregular_entries(root)
    if found:
        raise BundleError("MZ928", f"{found[0]}；离线包中不应有这类文件，为安全起见拒绝读取", found[1:], file=str(root))


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading without following a link and without blocking on a FIFO;
    ``BundleError`` (MZ928) for anything else (never read from a device)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise BundleError("MZ928", f"{path}（符号链接）；为安全起见拒绝读取", file=str(path)) from None
        raise exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise BundleError("MZ928", f"{path}（{_kind(mode)}）；为安全起见拒绝读取", file=str(path))
    if hasattr(os, "O_NONBLOCK") and hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class DirTree(Tree):
    """An unzipped bundle: the top folder itself, or a folder holding exactly one bundle folder.

    A folder holding a symbolic link or a special file (FIFO, device, socket) anywhere below the bundle's
    top folder is refused (MZ928) before anything is read; files are opened without following links."""

    def __init__(self, path: Path, marker: str):
        path = Path(path)
        restore_interrupted(path)  # a swap killed between its two renames
        if not path.exists():
            raise BundleError("MZ921", "找不到这个文件夹", file=str(path))
        if (path / marker).is_symlink():
            raise BundleError("MZ928", f"{path / marker}（符号链接）；为安全起见拒绝读取", file=str(path))
        if (path / marker).is_file():
            self.root = path
            remove_leftovers(path.absolute().parent)
        else:
            if path.is_dir():
                remove_leftovers(path)
            found = sorted(p for p in path.iterdir() if (p / marker).is_file() and not is_leftover(p)) \
                if path.is_dir() else []
            if len(found) > 1:
                raise BundleError("MZ921", f"文件夹中有多个包文件夹（{'、'.join(p.name for p in found)}），请指定其中一个",
                                  file=str(path))
            if not found:
                raise BundleError("MZ921", f"找不到 {marker}：这不是 mzkb 生成的包解压后的文件夹（或清单已丢失）",
                                  file=str(path))
            if found[0].is_symlink():
                raise BundleError("MZ928", f"{found[0]}（符号链接）；离线包文件夹不能是链接", file=str(path))
            self.root = found[0]
        self.label = str(self.root)
        _refuse_irregular(self.root)

    def sizes(self) -> dict[str, int]:
        out = {}
        for folder, dirs, names in os.walk(self.root):
            dirs.sort()
            for name in names:
                path = Path(folder) / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    out[path.relative_to(self.root).as_posix()] = info.st_size
        return out

    def has(self, rel: str) -> bool:
        path = self.root / rel
        return path.is_file() and not path.is_symlink()

    def open(self, rel: str) -> BinaryIO:
        return open_regular(self.root / rel)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "文件已损坏或不是 zip 格式"


def open_tree(path: Path, marker: str = MANIFEST) -> Tree:
    """A zip (by content) or a folder (the top folder, or a folder holding just that one)."""
    path = Path(path)
    restore_interrupted(path)  # a swap killed between its two renames
    if not path.exists():
        raise BundleError("MZ921", "找不到这个文件或文件夹", file=str(path))
    return DirTree(path, marker) if path.is_dir() else ZipTree(path, marker)


def read_metadata(tree: Tree, name: str) -> bytes | None:
    """A metadata file (manifest, update.json, signature) or None if absent; ``BundleError`` if unreadable."""
    if not tree.has(name):
        return None
    try:
        return tree.read(name)
    except TooLarge:
        raise BundleError("MZ923", f"{name} 过大，拒绝读取", file=tree.label) from None
    except (*CORRUPT, OSError):
        raise BundleError("MZ921", f"{name} 无法读取（数据已损坏）", file=tree.label) from None
