"""The 更新记录 page of a release: documents added, changed, superseded and repealed."""

from __future__ import annotations

import json
from html import escape

KINDS = (("added", "新增"), ("changed", "修改"), ("superseded", "被新版替代"), ("repealed", "废止"), ("removed", "删除"))
URL = "changes.html"


def changes_page(version, change: dict) -> tuple[str, str]:
    """(src_uri, markdown) of changes.md for a versioned build."""
    title = f"更新记录：{version.name}"
    since = f"与上一版本 {escape(version.previous)} 相比" if version.previous else "这是第一个发布的版本，以下为全部文件"
    parts = [f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n",
             f'<p class="mzkb-lead">{escape(version.title)}{("（" + escape(version.date) + "）") if version.date else ""}。{since}：</p>']
    total = 0
    for kind, label in KINDS:
        refs = change.get(kind, [])
        total += len(refs)
        if not refs:
            continue
        items = "".join(
            (f'<li><a href="{escape(r["url"])}">{escape(r["title"])}</a></li>' if "url" in r else f"<li>{escape(r['title'])}</li>")
            for r in refs)
        parts.append(f'<h2 id="{kind}">{label}（{len(refs)}）</h2>\n<ul class="mzkb-changes mzkb-changes--{kind}">{items}</ul>')
    if not total:
        parts.append("<p>本版本没有文件变化。</p>")
    return "changes.md", "\n\n".join(parts) + "\n"
