"""Partial amendments and validity periods: the link stage's rules for "which rule applies today".

A document's ``amends`` entries name sections of other documents it adjusts; the amended
document stays in force but is flagged 部分修改 and its sections carry the changes
(``SectionChange``). ``valid_from`` / ``valid_until`` give 尚未生效 and 已失效（到期） as of a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..diagnostics import Diagnostic, make
from ..markdown import article_key
from .ids import id_hint
from .model import Amendment, Document, SectionChange, Status
from .status import dated, effective_from


def section_anchor(doc: Document, name: str) -> str | None:
    """The anchor of a section of ``doc`` named by its anchor or its heading text, or of an article
    named by its label (``第十二条``, also ``第12条``); None if absent."""
    name = name.strip().lstrip("#")
    for section in doc.sections:
        if section.title and section.anchor == name:
            return section.anchor
    for section in doc.sections:
        if section.title and section.title.strip() == name:
            return section.anchor
    key = article_key(name)
    return next((a.anchor for a in doc.articles if a.anchor == name or (key and article_key(a.label) == key)), None)


def resolve(by_id: dict[str, Document]) -> tuple[dict[str, Document], list[Diagnostic]]:
    """Check every ``amends`` entry (target, sections, ``at``) and store anchors instead of
    headings; entries with problems are dropped (their diagnostics are returned)."""
    diags: list[Diagnostic] = []
    result = dict(by_id)
    for doc_id, doc in by_id.items():
        if not doc.amends:
            continue
        kept = []
        for entry in doc.amends:
            target = by_id.get(entry.target)
            if target is None:
                diags.append(make("MZ420", doc.rel_path, entry.line, 1, value=entry.target,
                                  hint=id_hint(entry.target, by_id)))
                continue
            anchors, ok = [], True
            for index, name in enumerate(entry.sections):
                anchor = section_anchor(target, name)
                if anchor is None:
                    line = entry.section_lines[index] if index < len(entry.section_lines) else entry.line
                    diags.append(make("MZ421", doc.rel_path, line, 1, anchor=name, value=target.id,
                                      existing=existing_sections(target)))
                    ok = False
                else:
                    anchors.append(anchor)
            at = section_anchor(doc, entry.at) if entry.at else ""
            if at is None:
                diags.append(make("MZ424", doc.rel_path, entry.line, 1, anchor=entry.at))
                ok = False
            if ok:
                kept.append(replace(entry, sections=tuple(dict.fromkeys(anchors)), at=at))
        result[doc_id] = replace(doc, amends=tuple(kept))
    return result, diags


def cycles(by_id: dict[str, Document]) -> list[Diagnostic]:
    """``amends`` chains that come back to where they started (A adjusts B, B adjusts A)."""
    diags, reported = [], set()
    graph = {d: sorted({a.target for a in doc.amends if a.target in by_id}) for d, doc in by_id.items()}
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # depth-first, with an explicit stack (a chain of 1,000 documents each amending the next
        # is 1,000 levels deep); ``path`` is the walk from ``start``, ``on_path`` its positions
        path, on_path, pending = [start], {start: 0}, [iter(graph[start])]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                node = path.pop()
                del on_path[node]
                done.add(node)
                continue
            if nxt in on_path:
                cycle = path[on_path[nxt]:] + [nxt]
                if not reported.intersection(cycle):
                    doc = by_id[nxt]
                    entry = next(a for a in doc.amends if a.target == cycle[1])
                    diags.append(make("MZ423", doc.rel_path, entry.line, 1, value=" → ".join(cycle)))
                reported.update(cycle)
            elif nxt not in done:
                on_path[nxt] = len(path)
                path.append(nxt)
                pending.append(iter(graph.get(nxt, ())))
    return diags


def dated_status(doc: Document, status: Status, today: dt.date) -> Status:
    """``status`` (current / superseded / repealed) with the validity period applied as of ``today``
    (``status.dated`` and ``status.effective_from``, the one definition: an amending document
    issued after ``today`` is not yet in force, as ``validity.js`` judges it)."""
    iso = lambda day: day.isoformat() if day else ""  # noqa: E731
    return Status(dated(status.value, iso(effective_from(doc)), iso(doc.valid_until), today.isoformat()))


def apply(by_id: dict[str, Document], cyclic: bool) -> tuple[dict[str, Document], list[Diagnostic]]:
    """Flag amended documents (status 部分修改 while an amending document is in force) and record
    which of their sections changed; amending a superseded or repealed document is an error."""
    diags: list[Diagnostic] = []
    changes: dict[str, list[tuple[Document, Amendment]]] = {}
    for doc in sorted(by_id.values(), key=lambda d: (d.date, d.id)):
        for entry in doc.amends:
            target = by_id[entry.target]
            if target.status in (Status.SUPERSEDED, Status.REPEALED):
                current = "、".join(target.superseded_by) or "现行文件"
                diags.append(make("MZ422", doc.rel_path, entry.line, 1, value=target.id,
                                  state=target.status.label.removeprefix("已"), current=current))
                continue
            changes.setdefault(target.id, []).append((doc, entry))
    result = dict(by_id)
    for target_id, found in changes.items():
        target = by_id[target_id]
        amended_by = tuple(SectionChange(anchor, doc.id, entry.at, entry.note, doc.status.in_force and not cyclic)
                           for doc, entry in found for anchor in entry.sections)
        active = any(change.active for change in amended_by)
        status = Status.AMENDED if active and target.status is Status.CURRENT else target.status
        result[target_id] = replace(target, amended_by=amended_by, status=status)
    return result, diags


def existing_sections(doc: Document, limit: int = 12) -> str:
    """``（现有小节：一、总体要求、二、人员管理…）`` for MZ421: the headings an editor can name."""
    titles = [s.title for s in doc.sections if s.title]
    articles = f"条文 {doc.articles[0].label} 至 {doc.articles[-1].label}" if doc.articles else ""
    if not titles:
        return f"（该文件没有小节标题；现有{articles}）" if articles else "（该文件没有小节标题）"
    shown = "、".join(f"“{t}”" for t in titles[:limit])
    return f"（现有小节：{shown}{' 等' if len(titles) > limit else ''}{'；' + articles if articles else ''}）"
