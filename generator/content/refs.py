"""Where published documents point at other documents (``supersedes``, ``related``, ``amends``, body
links), and the link stage's "不存在" problems that only repeat another file's own error.

A document that fails validation (an imported file whose ``date`` is still a placeholder) is left
out of the corpus, so every reference to it would read "不存在"; those references are dropped, and
the editor sees one error, in the one file that has it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import Diagnostic
from .ids import make_id
from .loader import Source
from .model import Document

MISSING_CODES = ("MZ402", "MZ403", "MZ420")
"""The link stage's "引用的文档/链接目标不存在" problems."""


def references_to(documents: list[Document], ids: set[str], paths: set[Path]) -> Iterator[tuple[Document, str, str, int]]:
    """(document, key, target as written, line) for each id (``supersedes``, ``related``, ``amends``)
    in ``ids`` and each body link to a Markdown file in ``paths`` (resolved)."""
    for doc in documents:
        for key in ("supersedes", "related"):
            for target in getattr(doc, key):
                if target in ids:
                    yield doc, key, target, doc.line_of(key)
        for entry in doc.amends:
            if entry.target in ids:
                yield doc, "amends", entry.target, entry.line
        for link in doc.links:
            path_part = link.href.strip().partition("#")[0].split("?")[0]
            if path_part.lower().endswith(".md") and "://" not in path_part and "\x00" not in path_part:
                if (doc.source.parent / Path(path_part)).resolve() in paths:
                    yield doc, "正文链接", link.href, link.line


def without_failed(problems: list[Diagnostic], documents: list[Document], sources: tuple[Source, ...]) -> list[Diagnostic]:
    """``problems`` less the "不存在" ones about a document that exists but failed validation (its own
    errors are reported on its own file)."""
    valid = {d.source for d in documents}
    failed = [src for src in sources if src.path not in valid]
    if not failed:
        return problems
    ids = {str(src.meta.get("id") or "").strip() or make_id(src.path.stem) for src in failed}
    paths = {src.path.resolve() for src in failed}
    places = {(doc.rel_path, line) for doc, _key, _target, line in references_to(documents, ids, paths)}
    return [d for d in problems if not (d.code in MISSING_CODES and (d.file, d.line) in places)]
