"""Stage 3, link: ids, edition chains, derived status, relations and body links.

Produces new ``Document`` values (``dataclasses.replace``); never mutates.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import Diagnostic, make
from ..markdown import article_key
from . import amends
from .ids import id_hint, make_id
from .loader import real_path
from .media import runs_in_browser, url_clashes
from .model import Document, Status

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SCHEMES = ("http://", "https://", "ftp://", "mailto:", "tel:")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


@dataclass(frozen=True, slots=True)
class Corpus:
    """All linked documents, by id, in a stable order (type, date descending, id)."""

    documents: tuple[Document, ...]
    by_id: dict
    by_path: dict
    day: dt.date | None = None
    """The day the statuses were judged on (the link stage's ``today``)."""

    def get(self, doc_id: str) -> Document | None:
        """The document with this id, or None."""
        return self.by_id.get(doc_id)


def asset_url(rel: str) -> str:
    """Site path of a content file: ASCII segments (pinyin for Chinese names)."""
    parts = []
    for segment in rel.split("/"):
        if _SAFE_SEGMENT.match(segment):
            parts.append(segment)
        else:
            stem, dot, suffix = segment.rpartition(".")
            if not dot:
                stem, suffix = segment, ""
            ascii_suffix = ("." + re.sub(r"[^a-z0-9]", "", suffix.lower())) if suffix else ""
            parts.append(make_id(stem) + (ascii_suffix if ascii_suffix != "." else ""))
    return "assets/" + "/".join(parts)


def relative_url(from_url: str, to_url: str) -> str:
    """Relative link from one site page to another site path (both relative to the site root)."""
    if from_url.startswith("/") or to_url.startswith("/") or ".." in from_url or ".." in to_url or to_url.endswith("/"):
        return posixpath.relpath(to_url, posixpath.dirname(from_url) or ".")
    base = from_url.split("/")[:-1]
    target = to_url.split("/")
    common = 0
    while common < len(base) and common < len(target) - 1 and base[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:])


def link(documents: list[Document], content_dir: Path, today: dt.date) -> tuple[Corpus, list[Diagnostic]]:
    """Resolve ids and relations across all documents; derive status (as of ``today``: validity
    periods; the run's one as-of date, see ``clock.as_of_date``); check amendments and body links."""
    diags: list[Diagnostic] = []
    by_id: dict[str, Document] = {}
    groups: dict[str, list[Document]] = {}
    for doc in sorted(documents, key=lambda d: d.rel_path):
        groups.setdefault(doc.id, []).append(doc)
        by_id.setdefault(doc.id, doc)
    for doc_id, same in groups.items():
        if len(same) > 1:
            for doc in same:
                others = "、".join(o.rel_path for o in same if o is not doc)
                diags.append(make("MZ401", doc.rel_path, doc.line_of("id"), 1, value=doc_id, other=others))
    diags.extend(_shared_doc_numbers(by_id))
    for doc in by_id.values():
        for key in ("supersedes", "related"):
            for target in getattr(doc, key):
                if target not in by_id:
                    diags.append(make("MZ402", doc.rel_path, doc.line_of(key), 1, key=key, value=target,
                                      hint=id_hint(target, by_id)))
    diags.extend(_cycles(by_id))
    by_id, amend_problems = amends.resolve(by_id)
    amend_cycles = amends.cycles(by_id)
    linked = _derive(by_id, diags, today)
    linked, applied_problems = amends.apply(linked, bool(amend_cycles))
    diags.extend(amend_problems + amend_cycles + applied_problems)
    by_path = {real_path(d.source): d for d in linked.values()}
    for doc in linked.values():
        for href_link in doc.links:
            _, problem = resolve_href(doc, href_link.href, by_path, content_dir)
            if problem:
                code, fields = problem
                diags.append(make(code, doc.rel_path, href_link.line, 1, **fields))
    uses = [use for doc in sorted(linked.values(), key=lambda d: d.rel_path) for use in _file_uses(doc, content_dir)]
    diags.extend(url_clashes(uses))
    ordered = tuple(sorted(linked.values(), key=lambda d: (d.type.value, -d.date.toordinal(), d.id)))
    return Corpus(ordered, {d.id: d for d in ordered}, by_path, today), diags


def _file_uses(doc: Document, content_dir: Path) -> list[tuple[str, str, str, int]]:
    """The content files a document publishes (attachments, media, body links to files):
    (path in the content folder, site URL, document, line) for ``media.url_clashes``."""
    assets = [("attachments", a) for a in doc.attachments] + [
        (key, getattr(doc, attr)) for key, attr in (("media", "media_asset"), ("poster", "poster"), ("transcript", "transcript"))]
    uses = [(a.rel, asset_url(a.rel), doc.rel_path, doc.line_of(key)) for key, a in assets if a is not None]
    for href_link in doc.links:
        path_part = href_link.href.strip().partition("#")[0].split("?")[0]
        if not path_part or "\x00" in path_part or path_part.startswith(("/", "//")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", path_part):
            continue
        resolved = (doc.source.parent / path_part).resolve()
        if resolved.suffix.lower() != ".md" and resolved.is_relative_to(content_dir) and resolved.is_file():
            rel = resolved.relative_to(content_dir).as_posix()
            uses.append((rel, asset_url(rel), doc.rel_path, href_link.line))
    return uses


_DOCNO_BRACKETS = str.maketrans({c: "[" for c in "〔［[(（【｛{﹝"} | {c: "]" for c in "〕］])）】｝}﹞"})


def doc_number_key(number: str) -> str:
    """A 文号 as compared: full width folded (NFKC), blanks dropped, one bracket style
    (民发〔2020〕12号 = 民发[2020]12号 = 民发（２０２０）１２号)."""
    return "".join(unicodedata.normalize("NFKC", number).translate(_DOCNO_BRACKETS).split())


def _shared_doc_numbers(by_id: dict[str, Document]) -> list[Diagnostic]:
    """MZ440 for every document whose 文号 another document also carries (each file names the others)."""
    holders: dict[str, list[Document]] = {}
    for doc in sorted(by_id.values(), key=lambda d: d.rel_path):
        if doc.doc_number.strip():
            holders.setdefault(doc_number_key(doc.doc_number), []).append(doc)
    diags = []
    for same in holders.values():
        for doc in same if len(same) > 1 else ():
            others = "、".join(o.rel_path for o in same if o is not doc)
            diags.append(make("MZ440", doc.rel_path, doc.line_of("doc_number"), 1, value=doc.doc_number, other=others))
    return diags


def _cycles(by_id: dict[str, Document]) -> list[Diagnostic]:
    diags = []
    reported: set[str] = set()
    walked: set[str] = set()  # nodes whose walk onwards an earlier start made already (a chain of n: n steps, not n²)
    for start in sorted(by_id):
        path, node, on_path = [start], start, {start: 0}
        while True:
            nexts = [t for t in by_id[node].supersedes if t in by_id] if node in by_id else []
            if not nexts:
                break
            node = nexts[0]
            if node in on_path:
                cycle = path[on_path[node]:] + [node]
                if not reported.intersection(cycle):
                    doc = by_id[start]
                    diags.append(make("MZ405", doc.rel_path, doc.line_of("supersedes"), 1, value=" → ".join(cycle)))
                reported.update(cycle)
                break
            if node in walked:
                break
            on_path[node] = len(path)
            path.append(node)
        walked.update(path)
    return diags


def _derive(by_id: dict[str, Document], diags: list[Diagnostic], today: dt.date) -> dict[str, Document]:
    successors: dict[str, list[Document]] = {}
    citers: dict[str, list[str]] = {}
    for doc in by_id.values():
        for old in doc.supersedes:
            successors.setdefault(old, []).append(doc)
        for target in doc.related:
            citers.setdefault(target, []).append(doc.id)
    result = {}
    for doc_id, doc in by_id.items():
        newer = sorted(successors.get(doc_id, []), key=lambda d: (d.date, d.id))
        status = doc.status
        if newer and status is not Status.REPEALED:
            status = Status.SUPERSEDED
        if newer and doc.declared_status == "current":
            diags.append(make("MZ407", doc.rel_path, doc.line_of("status"), 1, value=newer[0].id))
        for successor in newer:
            if successor.date < doc.date:
                diags.append(make("MZ408", successor.rel_path, successor.line_of("date"), 1, value=successor.id, other=doc.id))
        current = [d for d in newer if d.status is Status.CURRENT and not successors.get(d.id)]
        if len(current) > 1:
            latest = current[-1]
            diags.append(make("MZ409", latest.rel_path, latest.line_of("supersedes"), 1, value=doc.id,
                              other="、".join(d.id for d in current)))
        result[doc_id] = replace(
            doc, status=amends.dated_status(doc, status, today), superseded_by=tuple(d.id for d in newer),
            cited_by=tuple(sorted(set(citers.get(doc_id, [])))),
        )
    return result


def resolve_href(doc: Document, href: str, by_path: dict, content_dir: Path) -> tuple[str | None, tuple | None]:
    """Map a body link to its site URL (relative to ``doc``'s page).

    Returns (new_href or None to keep as written, problem or None) where a problem is
    (code, fields) for a diagnostic.
    """
    href = href.strip()
    if not href or href.startswith(_SCHEMES) or href.startswith("//"):
        return None, None
    if "\x00" in href:
        return None, ("MZ406", {"value": href.replace("\x00", "\\0")})
    if href.lower().startswith(_UNSAFE_SCHEMES):
        return None, ("MZ601", {"value": href[:40]})
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):  # file:, C:\…, other schemes: not a content file
        return None, ("MZ406", {"value": href})
    path_part, _, anchor = href.partition("#")  # already decoded by markdown.analyse
    path_part = path_part.split("?")[0]
    if not path_part:
        found, problem = _anchor(doc, anchor, doc.rel_path)
        return (f"#{found}" if found != anchor else None), problem
    if path_part.startswith("/"):
        return None, ("MZ406", {"value": href})
    target = (doc.source.parent / path_part)
    resolved = target.resolve()
    if not resolved.is_relative_to(content_dir) or not Path(posixpath.normpath(target.as_posix())).is_relative_to(content_dir):
        return None, ("MZ406", {"value": href})
    if resolved.suffix.lower() == ".md":
        other = by_path.get(resolved)
        if other is None:
            return None, ("MZ403", {"value": href})
        found, problem = _anchor(other, anchor, href)
        url = relative_url(doc.url, other.url) + (f"#{found}" if found else "")
        return url, problem
    if not resolved.is_file():
        return None, ("MZ403", {"value": href})
    if runs_in_browser(resolved.name):
        return None, ("MZ319", {"key": "正文链接", "value": href})
    rel = resolved.relative_to(content_dir).as_posix()
    return relative_url(doc.url, asset_url(rel)) + (f"#{anchor}" if anchor else ""), None


def _anchor(doc: Document, anchor: str, shown: str) -> tuple[str, tuple | None]:
    """(the anchor to link to, problem or None): a heading's or an article's id as written, or an
    article named by its number in the other spelling (``#第12条`` for ``第十二条``)."""
    if not anchor or anchor.startswith("t=") or any(s.anchor == anchor for s in doc.sections) \
            or any(a.anchor == anchor for a in doc.articles):
        return anchor, None
    key = article_key(anchor)
    if not key:
        return anchor, ("MZ404", {"anchor": anchor, "value": shown})
    same = next((a for a in doc.articles if article_key(a.label) == key), None)
    if same is not None:
        return same.anchor, None
    return anchor, ("MZ740", {"anchor": anchor, "value": shown, "existing": existing_articles(doc)})


def existing_articles(doc: Document) -> str:
    """``（现有条文：第一条 至 第五十条，共 50 条）`` for MZ740."""
    if not doc.articles:
        return "（该文件没有以“第X条”开头的条文）"
    first, last = doc.articles[0].label, doc.articles[-1].label
    if len(doc.articles) == 1:
        return f"（现有条文只有 {first}）"
    return f"（现有条文：{first} 至 {last}，共 {len(doc.articles)} 条）"

