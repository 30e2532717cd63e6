"""The 更新记录 page of a release: documents added, changed, superseded and repealed."""

from __future__ import annotations

from ... import urls
from .templates import PAGES, page

KINDS = (("added", "新增"), ("changed", "修改"), ("superseded", "被新版替代"), ("repealed", "废止"), ("removed", "删除"))
URL = urls.CHANGES


def changes_page(version, change: dict) -> tuple[str, str]:
    """(src_uri, markdown) of changes.md for a versioned build (template ``changes.html``)."""
    groups = [{"kind": kind, "label": label, "refs": [{"title": r["title"], "href": r.get("url", "")} for r in change.get(kind, [])]}
              for kind, label in KINDS]
    return urls.source_uri(URL), page(f"更新记录：{version.name}", PAGES + "changes.html", title=version.title, date=version.date,
                              previous=version.previous, groups=[g for g in groups if g["refs"]])
