"""Stage 1, load: content files -> ``Source`` values (decoded text, front matter, body).

One bad file is reported and the others are still read, so an editor sees every
problem in one run. Encodings other than UTF-8 are detected and named, never guessed
into garbled text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from .. import yamlsrc
from ..cache import digest
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


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What the load stage hands on."""

    sources: tuple[Source, ...]
    diagnostics: tuple[Diagnostic, ...]


def load(content_dir: Path, root: Path, memo: dict | None = None) -> LoadResult:
    """Read every ``*.md`` under the four type folders of ``content_dir``, in sorted order.

    ``memo`` keeps parsed front matter by file text hash, so unchanged files skip YAML.
    """
    content_dir = content_dir.resolve()
    _real_dir.cache_clear()
    sources: list[Source] = []
    diags: list[Diagnostic] = []
    prefix = str(content_dir) + os.sep
    for path in sorted(content_dir.rglob("*.md")):
        rel = _shown(path, root)
        parts = str(path)[len(prefix):].split(os.sep)  # path relative to content_dir (rglob stays inside it)
        top = parts[0]
        doc_type = DocType.parse(top) if len(parts) > 1 else None
        if doc_type is None or top != doc_type.folder:
            if path.name.lower() not in ("readme.md",):
                diags.append(make("MZ206", rel, 0, 0))
            continue
        resolved = real_path(path)
        if not resolved.is_relative_to(content_dir):
            diags.append(make("MZ205", rel, 0, 0, target=str(resolved)))
            continue
        source, problems = read_source(path, rel, doc_type, memo)
        diags.extend(problems)
        if source is not None:
            sources.append(source)
    return LoadResult(tuple(sources), tuple(diags))


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
    key = "front matter " + digest(text)
    found = memo.get(key)
    if found is not None:
        meta, marks, body_line = found
        pieces = text.split("\n", body_line - 1)
        body = pieces[-1] if len(pieces) == body_line else ""
        return Source(path, rel, doc_type, meta, marks, body, body_line), []
    source, problems = split_front_matter(text, path, rel, doc_type)
    if source is not None:
        memo[key] = (source.meta, source.marks, source.body_line)
    return source, problems


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
