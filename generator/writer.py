"""Stage 6, write: the only code that replaces the output folder, atomically.

A build goes into a fresh sibling folder; only when it succeeded is it swapped into
place. A failed build leaves the previous site untouched.

Replacing a folder deletes what it held, so an output folder is replaced only when it is
missing, empty, or a previous mzkb output: it carries ``MARKER``, written into every output
mzkb makes, listing every file written (with its size), and holds no file that list does not
name (operating-system litter aside); names alone (an index.html, a versions.js) prove nothing.
The knowledge base itself, its content and ``.mzkb`` folders, any folder
holding them, the home folder and ``/`` are never outputs (``refusal``). A symlinked output
folder is followed: the build lands where it points and the link stays.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from .foundations import process_alive

MARKER = ".mzkb-output"
"""File at the top of every folder mzkb writes as a site; only such folders are ever replaced."""
MARKER_TEXT = "这个文件夹由 mzkb 生成，重新构建时会被整体替换。\nThis folder is written by mzkb and replaced by the next build.\n"
"""The whole marker written by mzkb before it listed its files (still proof of an mzkb output)."""
MARKER_FORMAT = "mzkb-output"
MARKER_LIMIT = 64 << 20
"""Largest marker read back (a site of a million files lists in less)."""
OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db"})
"""Files the operating system drops into folders (Finder, Explorer); also every ``._*`` file."""


def resolve_output(out_dir: Path | str) -> Path:
    """The folder a build really writes: absolute, a symlink followed to its target."""
    path = Path(os.path.abspath(out_dir))
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def refusal(target: Path, protected: Iterable[Path] = ()) -> str | None:
    """Why ``target`` must not be replaced by a build (Chinese), or None when it may be.

    ``protected``: folders that must survive (the knowledge base, its content and state
    folders, in that order); neither they, nor a folder inside the content folder, nor any
    folder holding one of them may be the output. (mzkb's own outputs inside the state folder,
    e.g. ``.mzkb/versions/…/site``, are allowed; its other folders there are not outputs and
    are refused as non-empty folders without the marker.)
    """
    real = Path(os.path.realpath(target))
    home = Path(os.path.realpath(Path.home()))
    if real == Path(real.anchor) or real == home:
        return "不能输出到根目录或用户主目录"
    for folder in protected:
        guarded = Path(os.path.realpath(folder))
        if real == guarded:
            return "这是知识库本身（或它的 content、.mzkb 文件夹），生成网站会把它整个替换掉"
        if guarded.is_relative_to(real):
            return f"它包含知识库的文件夹 {guarded}，生成网站会把它整个替换掉"
    for folder in list(protected)[1:2]:  # inside the content folder (its files would be read as content)
        if real.is_relative_to(Path(os.path.realpath(folder))):
            return f"输出目录位于内容目录 {folder} 之内"
    if real.exists() and not real.is_dir():
        return "同名文件已存在（不是文件夹）"
    if real.is_dir():
        return _not_an_output(real)
    return None


def _is_litter(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in OS_LITTER or name.startswith("._")


def _entries(folder: Path) -> list[str]:
    """Every entry below ``folder`` that is not a folder (files, links, special files), ``/``-separated,
    sorted; links are never followed."""
    found, pending = [], [""]
    while pending:
        rel = pending.pop()
        with os.scandir(folder / rel if rel else folder) as entries:
            for entry in entries:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                else:
                    found.append(path)
    return sorted(found)


def listing(folder: Path) -> dict[str, int]:
    """The marker's file list of a finished output: every regular file's size by relative path."""
    out = {}
    for rel in _entries(folder):
        info = os.lstat(folder / rel)
        if stat.S_ISREG(info.st_mode) and rel != MARKER:
            out[rel] = info.st_size
    return out


def _listed(folder: Path) -> dict[str, int] | str:
    """The files the marker of ``folder`` lists, "" for a marker of the format before lists (any file
    is then taken as written by mzkb), or why there is no usable marker (Chinese)."""
    path = folder / MARKER
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return f"没有 {MARKER} 标记文件"
    if not stat.S_ISREG(info.st_mode) or info.st_size > MARKER_LIMIT:
        return f"{MARKER} 不是 mzkb 写的标记文件"
    data = path.read_bytes()
    if data == MARKER_TEXT.encode("utf-8"):
        return ""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        doc = None
    files = doc.get("files") if isinstance(doc, dict) and doc.get("format") == MARKER_FORMAT else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and type(v) is int for k, v in files.items()):
        return f"{MARKER} 已损坏或不是 mzkb 写的标记文件"
    return files


def _not_an_output(folder: Path) -> str | None:
    """Why an existing folder is not a previous mzkb output that may be replaced (None: it may)."""
    try:
        listed = _listed(folder)
        if isinstance(listed, str) and listed:
            if not any(os.scandir(folder)):
                return None
            return f"文件夹不是空的，也不是 mzkb 生成的网站（{listed}），为避免删除其中的文件，已拒绝"
        if listed == "":
            return None  # the marker of an mzkb from before file lists
        unknown = [rel for rel in _entries(folder) if rel != MARKER and rel not in listed and not _is_litter(rel)]
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    if unknown:
        more = f"等 {len(unknown)} 个" if len(unknown) > 1 else ""
        return (f"其中有不是 mzkb 生成的文件 {folder / unknown[0]}{more}（不在 {MARKER} 列出的文件中），"
                "为避免删除它们，已拒绝")
    return None


_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有操作权限",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOTDIR: "路径中的某一级不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已经存在",
    errno.EBUSY: "正被其他程序占用",
    errno.EMFILE: "打开的文件太多",
    errno.EIO: "读写错误（磁盘可能有故障）",
    errno.ELOOP: "符号链接形成循环",
    errno.EXDEV: "不能跨磁盘移动",
}


def describe_os_error(exc: OSError) -> str:
    """A Chinese description of a failed file operation, naming the path."""
    text = _ERRNO_TEXT.get(exc.errno or -1) or (exc.strerror if exc.errno == 0 and exc.strerror else "")
    if not text:
        text = f"系统错误 {exc.errno}" if exc.errno else "未知错误"
    where = exc.filename if exc.filename is not None else ""
    return f"{text}：{os.fsdecode(where)}" if where else text


class OutputRefused(OSError):
    """The output folder may not be replaced; ``strerror`` says why, in Chinese."""


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists (ours included); ``foundations.process_alive``."""
    return pid > 0 and process_alive(pid)


_LEFTOVER = re.compile(r"^\..+\.(?:building|old|versions-building|tmp|update)-(\d+)$|^index-(\d+)$")
"""Names of what an mzkb run stages in ``.mzkb/`` (``.whoosh.building-PID``, ``index-PID`` ...)."""


def sweep_leftovers(folder: Path, pattern: re.Pattern = _LEFTOVER) -> list[Path]:
    """Remove staging folders and files left in ``folder`` by killed mzkb runs (names matching
    ``pattern``, whose PID group names a dead process); return what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in sorted(entries, key=lambda e: ".old-" not in e.name):  # restore before removing
        match = pattern.match(entry.name)
        if not match or pid_alive(int(next(g for g in match.groups() if g))):
            continue
        path = Path(entry.path)
        old = re.match(r"^\.(.+)\.old-\d+$", entry.name)
        if old and restore_interrupted(folder / old.group(1)) is not None:
            removed.append(path)
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def restore_interrupted(target: Path) -> Path | None:
    """Put back a folder a killed run renamed away between the two renames of a swap.

    When ``target`` is missing and ``.<name>.old-<pid>`` of a dead process sits beside it, that copy is renamed
    back (the newest, if several); return it, else None. Every command that reads or replaces ``target``
    calls this first, so a kill at that moment never loses the folder."""
    target = Path(os.path.abspath(target))
    if os.path.lexists(target):
        return None
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.old-(\d+)$")
    try:
        entries = [e for e in os.scandir(target.parent) if pattern.match(e.name) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return None
    for entry in sorted(entries, key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True):
        if not pid_alive(int(pattern.match(entry.name).group(1))):
            os.replace(entry.path, target)
            return Path(entry.path)
    return None


def staging_dir(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` to build into (leftovers of killed builds go)."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    restore_interrupted(out_dir)
    # beside the output (perhaps a user's folder): only this output's own staging names
    sweep_leftovers(out_dir.parent, re.compile(rf"^\.{re.escape(out_dir.name)}\.(?:building|old)-(\d+)$"))
    stage = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    return stage


def shown_path(path: str | os.PathLike, stage: Path) -> str:
    """A path inside a staging folder as the user knows it (inside the output folder); other
    paths (a source the failed copy read from) become the output folder itself."""
    stage = Path(stage)
    match = re.match(r"^\.(.+)\.building-\d+$", stage.name)
    out_dir = stage.parent / match.group(1) if match else stage
    try:
        rel = Path(os.fsdecode(path)).relative_to(stage)
    except ValueError:
        return str(out_dir)
    return str(out_dir / rel)


def write_marker(stage: Path) -> None:
    """Mark a finished folder as an mzkb output (which a later build may replace) with the list of the
    files in it; written last, after every other file."""
    doc = {"format": MARKER_FORMAT, "note": MARKER_TEXT, "files": listing(stage)}
    text = json.dumps(doc, ensure_ascii=True, sort_keys=True, indent=0) + "\n"
    (stage / MARKER).write_text(text, encoding="utf-8")


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


def write_atomically(out_dir: Path, produce: Callable[[Path], bool], protected: Iterable[Path] = ()) -> bool:
    """Call ``produce(stage)``; swap the stage into ``out_dir`` only if it returns True.

    Raises ``OutputRefused`` (before anything is written) when ``out_dir`` may not be replaced.
    """
    out_dir = resolve_output(out_dir)
    problem = refusal(out_dir, protected)
    if problem:
        raise OutputRefused(0, problem, str(out_dir))
    stage = staging_dir(out_dir)
    try:
        ok = produce(stage)
        if ok:
            write_marker(stage)
            problem = refusal(out_dir, protected)  # checked again: the folder may have changed meanwhile
            if problem:
                raise OutputRefused(0, problem, str(out_dir))
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
