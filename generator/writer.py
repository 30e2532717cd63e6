"""Stage 6, write: the only code that replaces the output folder, atomically.

A build goes into a fresh sibling folder; only when it succeeded is it swapped into
place. A failed build leaves the previous site untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def staging_dir(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` to build into."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    return stage


def swap_into_place(stage: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``stage`` with renames (the old site is removed only afterwards)."""
    out_dir = out_dir.absolute()
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        os.replace(out_dir, old)
    try:
        os.replace(stage, out_dir)
    except OSError:
        if old.exists():
            os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_atomically(out_dir: Path, produce: Callable[[Path], bool]) -> bool:
    """Call ``produce(stage)``; swap the stage into ``out_dir`` only if it returns True."""
    stage = staging_dir(out_dir)
    try:
        ok = produce(stage)
        if ok:
            swap_into_place(stage, out_dir)
        return ok
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def write_files(stage: Path, files: dict[str, str]) -> None:
    """Write generated text files into a staging folder; refuse to overwrite a page already there."""
    for rel in sorted(files):
        path = (stage / rel).resolve()
        if not path.is_relative_to(stage.resolve()):
            raise ValueError(f"path escapes the output folder: {rel}")
        if path.exists():
            raise FileExistsError(f"two outputs at one path: {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")


def link_files(previous: Path, stage: Path, paths) -> None:
    """Put unchanged files of the previous output into the staging folder (hard links, else copies).

    Nothing ever writes into these files, so the previous site stays intact until the swap.
    """
    from .cache import link_or_copy

    made: set[str] = set()
    old, new = str(previous), str(stage)
    for rel in paths:
        link_or_copy(f"{old}/{rel}", f"{new}/{rel}", made)
