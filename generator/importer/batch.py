"""The files of a folder to import (``mzkb import DIR``): recursive, sorted, never leaving the folder
through a symlink, and without the private files office tools and file managers leave behind."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..diagnostics import make
from .run import Imported

PRIVATE_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def folder_files(folder: Path, suffixes: set[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files to import, [(skipped file, why)]) under ``folder``; files with other suffixes (the
    attachments beside a notice) are neither imported nor reported."""
    root = folder.resolve()
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for current, dirs, names in os.walk(folder, followlinks=False):
        base = Path(current)
        for d in sorted(dirs):
            if d.startswith("."):
                skipped.append((base / d, "隐藏目录"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink())
        for name in sorted(names):
            path = base / name
            if name.lower() in PRIVATE_NAMES or name.startswith((".", "~$")):
                skipped.append((path, "隐藏文件或 Office 临时文件"))
                continue
            if path.suffix.lower() not in suffixes:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                skipped.append((path, "符号链接指向目录之外"))
                continue
            found.append(path)
    return found, skipped


def once_per_target(result: Imported, earlier: dict[Path, str], shown_target: str) -> Imported:
    """``result``, or a refusal (MZ741) when an earlier file of the same run was imported as the same
    document (``earlier``: target -> that file, updated here), so two copies never count as two imports."""
    if not result.ok:
        return result
    first = earlier.setdefault(result.target, result.source)
    if first == result.source:
        return result
    refusal = make("MZ741", result.source, 0, 0, other=first, target=shown_target)
    return replace(result, target=None, files=(), diagnostics=(*result.diagnostics, refusal), attached=())
