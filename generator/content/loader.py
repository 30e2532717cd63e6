"""Stage 1, load: content files -> ``Source`` values (decoded text, front matter, body).

One bad file is reported and the others are still read, so an editor sees every
problem in one run. Encodings other than UTF-8 are detected and named, never guessed
into garbled text.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from .. import yamlsrc
from ..cache import BadEntry, digest, expect
from ..diagnostics import Diagnostic, make
from .model import DocType


@dataclass(frozen=True, slots=True)
class Source:
    """A document file after decoding and front-matter parsing, before validation."""

    path: Path
    """Absolute path of the file."""
    rel_path: str
    """Path shown to editors (relative to the knowledge-base root)."""
    doc_type: DocType
    """Type from the top folder."""
    meta: dict
    """Front matter, dates kept as strings."""
    marks: dict
    """Key path -> (line, column) in the file."""
    body: str
    """Markdown after the front matter, LF line endings."""
    body_line: int
    """File line of the body's first line."""


class LoadMemory:
    """What a long-running process (``mzkb serve``) keeps between loads of one knowledge base.

    ``files``: path -> (stamp, Source or None, diagnostics) of each Markdown file as last read;
    a file whose stamp (size, modification and change times in ns, inode) is unchanged is not
    read again. ``stamps``: the stamp of every regular file under the content folder (assets
    too) at the last load, so callers can tell whether anything besides Markdown changed.
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple] = {}
        self.stamps: dict[str, tuple] = {}
        self.scan: tuple | None = None
        """What the last walk of the content folder found (``find_markdown``'s result)."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What the load stage hands on."""

    sources: tuple[Source, ...]
    diagnostics: tuple[Diagnostic, ...]


def load(content_dir: Path, root: Path, memo: dict | None = None, memory: LoadMemory | None = None,
         changed: frozenset[str] = frozenset()) -> LoadResult:
    """Read every ``*.md`` under the four type folders of ``content_dir``, in sorted order.

    ``memo`` keeps parsed front matter by file text hash, so unchanged files skip YAML.
    ``memory`` (kept by the caller between loads) skips files whose stamp did not change:
    what they gave last time (source or diagnostics) is given again. ``changed``: the paths a
    file watcher saw change since the last load; when every one is a Markdown file the last
    load read and still a regular file, the folder is not walked again (only those files'
    stamps are taken); anything else (a new, deleted or moved file, a folder, an attachment)
    walks the whole folder.
    """
    content_dir = content_dir.resolve()
    _real_dir.cache_clear()
    sources: list[Source] = []
    diags: list[Diagnostic] = []
    stamps: dict[str, tuple] | None = {} if memory is not None else None
    known = _known_edits(memory, changed) if memory is not None else None
    if known is not None:
        stamps = known
        found, odd = list(memory.scan[0]), [(path, code, dict(fields)) for path, code, fields in memory.scan[1]]
    else:
        found, odd = find_markdown(content_dir, stamps)
        if memory is not None:
            memory.scan = (tuple(found), tuple((path, code, dict(fields)) for path, code, fields in odd))
    kept: dict[str, tuple] = {}
    by_case: dict[str, Path] = {}
    for path in found:  # paths one file on Windows and macOS: a checkout there keeps only one of them
        first = by_case.setdefault(str(path).casefold(), path)
        if first != path:
            odd.append((path, "MZ326", {"other": _shown(first, root)}))
    for path, code, fields in odd:
        if code == "MZ325":
            twin = by_case.get(str(path).casefold())
            fields["clash"] = f"；同一文件夹中的 {twin.name} 与它只差大小写" if twin else ""
    diags.extend(make(code, _shown(path, root), 0, 0, **fields) for path, code, fields in odd)
    for path in found:
        if memory is None:
            source, problems = _load_one(path, content_dir, root, memo)
        else:
            name = str(path)
            remembered = memory.files.get(name)
            if remembered is None or remembered[0] != stamps.get(name):
                remembered = (stamps.get(name), *_load_one(path, content_dir, root, memo))
            kept[name] = remembered
            source, problems = remembered[1], remembered[2]
        diags.extend(problems)
        if source is not None:
            sources.append(source)
    if memory is not None:
        memory.files, memory.stamps = kept, stamps
    return LoadResult(tuple(sources), tuple(diags))


def _known_edits(memory: LoadMemory, changed: frozenset[str]) -> dict[str, tuple] | None:
    """The stamps of the last load with those of ``changed`` taken again, when every changed
    path is a Markdown file the last load read and still a regular file; else None."""
    if memory.scan is None or not changed:
        return None
    stamps = dict(memory.stamps)
    for name in changed:
        if name not in memory.files:
            return None
        try:
            info = os.lstat(name)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        stamps[name] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return stamps


def _load_one(path: Path, content_dir: Path, root: Path, memo: dict | None) -> tuple[Source | None, tuple[Diagnostic, ...]]:
    """One Markdown file found under ``content_dir``: its Source, or diagnostics."""
    rel = _shown(path, root)
    parts = str(path)[len(str(content_dir)) + 1:].split(os.sep)  # find_markdown stays inside content_dir
    top = parts[0]
    doc_type = DocType.parse(top) if len(parts) > 1 else None
    if doc_type is None or top != doc_type.folder:
        return None, (() if path.name.lower() == "readme.md" else (make("MZ206", rel, 0, 0),))
    resolved = real_path(path)
    if not resolved.is_relative_to(content_dir):
        return None, (make("MZ205", rel, 0, 0, target=str(resolved)),)
    source, problems = read_source(path, rel, doc_type, memo)
    return source, tuple(problems)


_KINDS = ((stat.S_ISFIFO, "命名管道 FIFO"), (stat.S_ISSOCK, "套接字"), (stat.S_ISCHR, "字符设备"),
          (stat.S_ISBLK, "块设备"))


def find_markdown(content_dir: Path, stamps: dict | None = None) -> tuple[list[Path], list[tuple[Path, str, dict]]]:
    """Every regular ``*.md`` file under ``content_dir`` (sorted) and the odd entries met on the way.

    Nothing is opened: a FIFO, socket or device named ``*.md`` (MZ210), a broken or looping
    symlink (MZ211), a name that is not valid UTF-8 (MZ212), a folder named ``*.md``
    (MZ213) and a file named ``*.MD`` or ``*.Md`` (MZ325, not read) are reported from ``stat``
    alone. Symlinked folders are followed when they point inside the content folder (each real
    folder once) and reported when they point outside (MZ214). ``stamps``, when given, receives path -> (size, mtime_ns, ctime_ns, inode) of every
    regular file met (Markdown or not).
    """
    root = os.path.realpath(content_dir)
    found: list[Path] = []
    odd: list[tuple[Path, str, dict]] = []
    seen = {root}
    pending = [str(content_dir)]
    while pending:
        try:
            entries = sorted(os.scandir(pending.pop()), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            is_md = entry.name.endswith(".md")
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                odd.append((Path(os.fsencode(entry.path).decode("utf-8", "replace")), "MZ212", {"detail": "不是有效的 UTF-8 文件名"}))
                continue
            try:
                target = os.path.realpath(entry.path, strict=True) if entry.is_symlink() else entry.path
                info = os.stat(target)
            except (OSError, RuntimeError) as exc:
                if is_md or entry.is_symlink():
                    detail = "符号链接形成循环" if getattr(exc, "errno", None) == errno.ELOOP else "链接目标不存在或无法访问"
                    odd.append((Path(entry.path), "MZ211", {"detail": detail}))
                continue
            if stat.S_ISDIR(info.st_mode):
                if is_md:
                    odd.append((Path(entry.path), "MZ213", {}))
                if entry.is_symlink():
                    real = os.path.realpath(target)
                    if real != root and not real.startswith(root + os.sep):
                        odd.append((Path(entry.path), "MZ214", {"target": real}))
                        continue
                    if real in seen:
                        continue
                    seen.add(real)
                pending.append(entry.path)
            elif stamps is not None and stat.S_ISREG(info.st_mode):
                stamps[entry.path] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                if is_md:
                    found.append(Path(entry.path))
                elif _upper_md(entry.name):
                    odd.append((Path(entry.path), "MZ325", {"suffix": entry.name[-3:]}))
            elif is_md and not stat.S_ISREG(info.st_mode):
                kind = next((name for test, name in _KINDS if test(info.st_mode)), "特殊文件")
                odd.append((Path(entry.path), "MZ210", {"kind": kind}))
            elif is_md:
                found.append(Path(entry.path))
            elif _upper_md(entry.name) and stat.S_ISREG(info.st_mode):
                odd.append((Path(entry.path), "MZ325", {"suffix": entry.name[-3:]}))
    found.sort()
    return found, odd


def _upper_md(name: str) -> bool:
    """``X.MD``, ``X.Md``: meant as Markdown, not read as it (a README of any case is no document)."""
    return name.lower().endswith(".md") and not name.endswith(".md") and name.lower() != "readme.md"


@lru_cache(maxsize=None)
def _real_dir(folder: str) -> str:
    return os.path.realpath(folder)


def real_path(path: Path) -> Path:
    """``path.resolve()`` for a file, resolving each folder only once per load (thousands of
    files share a few folders)."""
    name = str(path)
    if os.path.islink(name):
        return path.resolve()
    folder, base = os.path.split(name)
    return Path(_real_dir(folder) + os.sep + base)


def _shown(path: Path, root: Path) -> str:
    name, base = str(path), str(root) + os.sep
    if name.startswith(base):
        return name[len(base):].replace(os.sep, "/")
    return path.as_posix()


def decode(data: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text. UTF-8 (BOM allowed) only; other encodings are named in a diagnostic."""
    if not data.strip():
        return None, [make("MZ204", rel, 1, 1)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [make("MZ202", rel, 1, 1)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        if b"\x00" in data:
            return None, [make("MZ203", rel, line, 1)]
        return None, [make("MZ201", rel, line, column, encoding=guess_encoding(data))]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [make("MZ203", rel, line, 1)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def guess_encoding(data: bytes) -> str:
    """Name the encoding of non-UTF-8 bytes, for the editor (GBK/GB18030 most often).

    Short GBK texts are often guessed as CP949 by statistics alone, so bytes that decode as
    GB18030 into mostly common Han characters are named GBK/GB18030 first.
    """
    try:
        text = data.decode("gb18030")
        han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
        if han and han >= 0.3 * sum(1 for c in text if ord(c) > 127):
            return "GBK/GB18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    name = (best.encoding if best else "").lower()
    if name in ("gb2312", "gbk", "gb18030", "hz") or not name:
        try:
            data.decode("gb18030")
            return "GBK/GB18030"
        except UnicodeDecodeError:
            return "未知编码"
    return {"big5": "Big5", "utf_16": "UTF-16", "cp1252": "Windows-1252"}.get(name, name.upper())


def read_source(path: Path, rel: str, doc_type: DocType, memo: dict | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Decode one file and split its front matter; a Source or diagnostics."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [make("MZ205", rel, 0, 0, target=str(exc))]
    text, problems = decode(data, rel)
    if text is None:
        return None, problems
    if memo is None:
        return split_front_matter(text, path, rel, doc_type)
    key = FRONT_MATTER_KEY + digest(text)
    found = memo.get(key)
    if found is not None:
        meta, marks, body_line = found[0], {tuple(p): (line, col) for p, line, col in found[1]}, found[2]
        pieces = text.split("\n", body_line - 1)
        body = pieces[-1] if len(pieces) == body_line else ""
        return Source(path, rel, doc_type, meta, marks, body, body_line), []
    source, problems = split_front_matter(text, path, rel, doc_type)
    if source is not None and _json_exact(source.meta):  # what JSON cannot keep exactly is parsed again next time
        memo[key] = [source.meta, [[list(p), line, col] for p, (line, col) in source.marks.items()], source.body_line]
    return source, problems


FRONT_MATTER_KEY = "front matter "
"""Content-cache keys of parsed front matter start with this (the others are markdown analyses)."""


def _json_exact(value: object) -> bool:
    """True when ``value`` comes back from JSON equal and of the same types (no int keys,
    tuples, sets, bytes or NaN)."""
    try:
        return json.loads(json.dumps(value, ensure_ascii=False)) == value
    except (TypeError, ValueError, RecursionError):
        return False


def check_front_matter_entry(value: object) -> list:
    """A cached front-matter entry read back from JSON: ``[meta, marks, body_line]`` with marks
    ``[[key path], line, column]``; ``BadEntry`` when it has another shape."""
    expect(value, list, "front matter entry")
    if len(value) != 3:
        raise BadEntry("front matter entry: length")
    meta, marks, body_line = value
    expect(meta, dict, "meta")
    expect(body_line, int, "body line")
    if body_line < 1:
        raise BadEntry("body line")
    for mark in expect(marks, list, "marks"):
        if not (isinstance(mark, list) and len(mark) == 3 and isinstance(mark[0], list)
                and all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in mark[0])
                and type(mark[1]) is int and type(mark[2]) is int):
            raise BadEntry("marks")
    return value


def split_front_matter(text: str, path: Path, rel: str, doc_type: DocType) -> tuple[Source | None, list[Diagnostic]]:
    """Split ``---`` YAML front matter from the body and parse it with positions."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [make("MZ301", rel, 1, 1)]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [make("MZ302", rel, 1, 1)]
    try:
        meta, marks = yamlsrc.load("\n".join(lines[1:end]), first_line=2)
    except yamlsrc.YamlError as exc:
        return None, [make("MZ303", rel, exc.line, exc.column, detail=exc.detail)]
    if meta is None:
        meta, marks = {}, {}
    if not isinstance(meta, dict):
        kind = "列表" if isinstance(meta, list) else "文本"
        return None, [make("MZ304", rel, 2, 1, actual=kind)]
    body = "\n".join(lines[end + 1 :])
    return Source(path, rel, doc_type, meta, marks, body, end + 2), []
