"""Comparison pages: what changed between two consecutive editions (side by side and unified)."""

from __future__ import annotations

import json
from html import escape

from ...content.links import Corpus, relative_url
from ...content.model import Document
from ...diff import Row, compare, summarize

COLLAPSE = 3
"""Runs of more unchanged blocks than this are folded in the unified view."""


def compare_url(old: Document, new: Document) -> str:
    """Site path of the comparison page of two editions."""
    return f"compare/{old.id}--{new.id}.html"


def edition_pairs(corpus: Corpus) -> list[tuple[Document, Document]]:
    """(older, newer) for every supersedes link between existing documents."""
    pairs = []
    for doc in corpus.documents:
        for old_id in doc.supersedes:
            old = corpus.get(old_id)
            if old is not None:
                pairs.append((old, doc))
    return sorted(pairs, key=lambda p: (p[1].id, p[0].id))


def _segments(row: Row, side: str) -> str:
    keep = "delete" if side == "old" else "insert"
    tag = "del" if side == "old" else "ins"
    out = []
    for op, text in row.segments:
        if op == "equal":
            out.append(escape(text))
        elif op == keep:
            out.append(f"<{tag}>{escape(text)}</{tag}>")
    return "".join(out)


def _cell(row: Row, side: str) -> str:
    block = getattr(row, side)
    if block is None:
        return ""
    cls = "mzkb-diff__heading" if block.kind == "heading" else ""
    if row.op == "equal":
        body = escape(block.text)
    elif row.op == "changed" or (row.op.startswith("moved") and row.segments):
        body = _segments(row, side)
    elif row.op == "added":
        body = f"<ins>{escape(block.text)}</ins>"
    elif row.op == "removed":
        body = f"<del>{escape(block.text)}</del>"
    else:
        body = escape(block.text)
    return f'<div class="{cls}">{body}</div>' if cls else body


_OP_LABEL = {"equal": "", "changed": "修改", "added": "新增", "removed": "删除", "moved_from": "移出", "moved_to": "移入"}


def _side_by_side(rows: list[Row]) -> str:
    lines = ['<table class="mzkb-diff-table"><thead><tr><th scope="col">旧版</th><th scope="col">新版</th></tr></thead><tbody>']
    for row in rows:
        if row.op == "moved_from":
            old, new = _cell(row, "old"), '<span class="mzkb-diff__note">（已移至后文）</span>'
        elif row.op == "moved_to":
            old, new = '<span class="mzkb-diff__note">（由前文移入）</span>', _cell(row, "new")
        else:
            old, new = _cell(row, "old"), _cell(row, "new")
        label = _OP_LABEL[row.op]
        lines.append(f'<tr class="mzkb-diff--{row.op}" data-op="{row.op}"><td data-label="旧版{("·" + label) if label else ""}">{old}</td>'
                     f'<td data-label="新版{("·" + label) if label else ""}">{new}</td></tr>')
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _unified(rows: list[Row]) -> str:
    out = ['<ol class="mzkb-diff-unified">']
    run: list[Row] = []

    def flush() -> None:
        if len(run) > COLLAPSE:
            inner = "".join(f"<li>{_cell(r, 'new')}</li>" for r in run)
            out.append(f'<li class="mzkb-diff--equal"><details><summary>未改动的 {len(run)} 段</summary><ol>{inner}</ol></details></li>')
        else:
            out.extend(f'<li class="mzkb-diff--equal">{_cell(r, "new")}</li>' for r in run)
        run.clear()

    for row in rows:
        if row.op == "equal":
            run.append(row)
            continue
        flush()
        label = f'<span class="mzkb-diff__op">{_OP_LABEL[row.op]}</span>'
        if row.op in ("changed",):
            text = "".join(f"<{'del' if op == 'delete' else 'ins'}>{escape(t)}</{'del' if op == 'delete' else 'ins'}>" if op != "equal" else escape(t)
                           for op, t in row.segments)
        elif row.op == "added":
            text = f"<ins>{escape(row.new.text)}</ins>"
        elif row.op == "removed":
            text = f"<del>{escape(row.old.text)}</del>"
        elif row.op == "moved_from":
            text = f'<del class="mzkb-diff__moved">{escape(row.old.text)}</del> <span class="mzkb-diff__note">（已移至后文）</span>'
        else:
            text = f'<ins class="mzkb-diff__moved">{escape(row.new.text)}</ins> <span class="mzkb-diff__note">（由前文移入）</span>'
        out.append(f'<li class="mzkb-diff--{row.op}">{label}{text}</li>')
    flush()
    out.append("</ol>")
    return "\n".join(out)


def _names(title: str, labels: tuple[str, ...], limit: int = 40) -> str:
    if not labels:
        return ""
    shown = "、".join(escape(x) for x in labels[:limit]) + ("等" if len(labels) > limit else "")
    return f"<li><strong>{title} {len(labels)} 处：</strong>{shown}</li>"


def compare_page(old: Document, new: Document) -> tuple[str, str]:
    """(src_uri, markdown) of the comparison page of two editions."""
    url = compare_url(old, new)
    rows = compare(old.body, new.body)
    summary = summarize(rows)
    old_link = escape(relative_url(url, old.url))
    new_link = escape(relative_url(url, new.url))
    old_name = escape(old.edition or old.date.isoformat())
    new_name = escape(new.edition or new.date.isoformat())
    items = "".join([_names("新增", summary.added), _names("删除", summary.removed), _names("修改", summary.changed), _names("移动", summary.moved)])
    title = f"修订对照：{new.title}"
    text = f"""---
title: {json.dumps(title, ensure_ascii=False)}
---

<h1>{escape(title)}</h1>

<p class="mzkb-lead">旧版：<a href="{old_link}">{escape(old.title)}</a>（{old_name}，{old.date.isoformat()}）<br>
新版：<a href="{new_link}">{escape(new.title)}</a>（{new_name}，{new.date.isoformat()}）</p>

<ul class="mzkb-diff-summary">{items or "<li>两版正文没有差异。</li>"}</ul>

<p class="mzkb-diff-legend"><ins>新增的文字</ins> <del>删除的文字</del></p>

<div class="mzkb-diff">
<input type="radio" name="mzkb-diff-view" id="mzkb-diff-side" class="mzkb-diff__switch" checked>
<label for="mzkb-diff-side">并排对照</label>
<input type="radio" name="mzkb-diff-view" id="mzkb-diff-unified" class="mzkb-diff__switch">
<label for="mzkb-diff-unified">合并视图</label>
<div class="mzkb-diff__side">
{_side_by_side(rows)}
</div>
<div class="mzkb-diff__unified">
{_unified(rows)}
</div>
</div>
"""
    return url[:-5] + ".md", text
