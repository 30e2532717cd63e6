"""Comparison pages: what changed between two consecutive editions (side by side and unified).

The rows of ``diff.compare`` become plain data here — cells made of text segments tagged
``ins``/``del`` — and ``theme/partials/pages/compare.html`` writes them.
"""

from __future__ import annotations

from ... import urls
from ...content.links import Corpus, relative_url
from ...content.model import Document
from ...diff import Row, compare, is_renumbered, summarize
from ..status_view import dated_id
from .templates import PAGES, page

COLLAPSE = 3
"""Runs of more unchanged blocks than this are folded in the unified view."""
SUMMARY_NAMES = 40
"""At most this many headings are named per kind of change in the summary."""

_OP_LABEL = {"equal": "", "changed": "修改", "added": "新增", "removed": "删除", "moved_from": "移出", "moved_to": "移入"}
_MOVED_NOTE = {"moved_from": "（已移至后文）", "moved_to": "（由前文移入）"}
_TAG = {"delete": "del", "insert": "ins"}


def edition_pairs(corpus: Corpus) -> list[tuple[Document, Document]]:
    """(older, newer) for every supersedes link between existing documents."""
    pairs = []
    for doc in corpus.documents:
        for old_id in doc.supersedes:
            old = corpus.get(old_id)
            if old is not None:
                pairs.append((old, doc))
    return sorted(pairs, key=lambda p: (p[1].id, p[0].id))


def _seg(text: str, tag: str = "", cls: str = "") -> dict:
    return {"text": text, "tag": tag, "cls": cls}


def _cell(row: Row, side: str) -> dict | None:
    """One side of a row: its text segments (``tag`` ins/del or '' for unchanged text)."""
    block = getattr(row, side)
    if block is None:
        return None
    keep = "delete" if side == "old" else "insert"
    if row.op == "changed" or (row.op.startswith("moved") and row.segments):
        segments = [_seg(text, _TAG[op] if op != "equal" else "") for op, text in row.segments if op in ("equal", keep)]
    elif row.op in ("added", "removed"):
        segments = [_seg(block.text, "ins" if row.op == "added" else "del")]
    else:
        segments = [_seg(block.text)]
    return {"heading": block.kind == "heading", "segments": segments, "note": ""}


def _side_by_side(rows: list[Row]) -> list[dict]:
    out = []
    for row in rows:
        old, new = _cell(row, "old"), _cell(row, "new")
        if row.op == "moved_from":
            new = {"note": _MOVED_NOTE[row.op]}
        elif row.op == "moved_to":
            old = {"note": _MOVED_NOTE[row.op]}
        out.append({"op": row.op, "label": _label(row), "old": old, "new": new})
    return out


def _unified_change(row: Row) -> dict:
    if row.op == "changed":
        segments = [_seg(text, _TAG.get(op, "")) for op, text in row.segments]
    elif row.op == "added":
        segments = [_seg(row.new.text, "ins")]
    elif row.op == "removed":
        segments = [_seg(row.old.text, "del")]
    elif row.op == "moved_from":
        segments = [_seg(row.old.text, "del", "mzkb-diff__moved")]
    else:
        segments = [_seg(row.new.text, "ins", "mzkb-diff__moved")]
    return {"op": row.op, "label": _label(row), "segments": segments, "note": _MOVED_NOTE.get(row.op, "")}


def _label(row: Row) -> str:
    """修改, 新增, … for a row; 序号调整 for one whose only change is its number (第五条 -> 第六条)."""
    return "序号调整" if is_renumbered(row) else _OP_LABEL[row.op]


def _unified(rows: list[Row]) -> list[dict]:
    """Changes one by one; runs of unchanged blocks as ``{"unchanged": [cells], "folded": bool}``."""
    out: list[dict] = []
    run: list[dict] = []

    def flush() -> None:
        if run:
            out.append({"unchanged": list(run), "folded": len(run) > COLLAPSE})
            run.clear()

    for row in rows:
        if row.op == "equal":
            run.append(_cell(row, "new"))
        else:
            flush()
            out.append(_unified_change(row))
    flush()
    return out


def _names(title: str, labels: tuple[str, ...]) -> dict:
    return {"title": title, "count": len(labels), "names": list(labels[:SUMMARY_NAMES]), "more": len(labels) > SUMMARY_NAMES}


def compare_page(old: Document, new: Document, as_of: str = "") -> tuple[str, str]:
    """(src_uri, markdown) of the comparison page of two editions (template ``compare.html``):
    each side with its status, the build day's (``as_of``) and re-judged by ``validity.js``."""
    url = urls.compare(old.id, new.id)
    rows = compare(old.body, new.body)
    summary = summarize(rows)
    kinds = [_names("新增", summary.added), _names("删除", summary.removed), _names("修改", summary.changed),
             _names("移动", summary.moved), _names("序号调整", summary.renumbered)]
    editions = [{"href": relative_url(url, d.url), "title": d.title, "name": d.edition or d.date.isoformat(),
                 "date": d.date.isoformat(), "status": d.status.value, "status_label": d.status.label,
                 "key": dated_id(d)} for d in (old, new)]
    title = f"修订对照：{new.title}"
    return urls.source_uri(url), page(title, PAGES + "compare.html", title=title, old=editions[0], new=editions[1],
                                  summary=[k for k in kinds if k["count"]], side=_side_by_side(rows), unified=_unified(rows),
                                  as_of=as_of)
