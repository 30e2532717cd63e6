"""Data shared by generated pages: one document in a list, pagers (page-relative links).

The HTML is in ``theme/partials/pages/macros.html``; these functions compute plain data for it.
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from ...config import SiteConfig
from ...content.links import relative_url
from ...content.model import Document, Status
from ..status_view import dated_id


def _labels(config: SiteConfig, _memo: dict = {}) -> dict:  # noqa: B006 (a deliberate per-config memo)
    found = _memo.get(id(config))
    if found is None or found[0] is not config:
        _memo.clear()  # one configuration at a time (mzkb serve makes a new one per rebuild)
        found = _memo[id(config)] = (config, {a.key: a.label for a in config.audiences})
    return found[1]


def audiences_text(doc: Document, config: SiteConfig) -> str:
    """``全部机构`` when a document applies to every audience, else its audience labels joined by 、."""
    if len(doc.audiences) == len(config.audiences) and len(config.audiences) > 1:
        return "全部机构"
    labels = _labels(config)
    return "、".join(labels.get(k, k) for k in doc.audiences)


class DocItem(NamedTuple):
    """One document in a list (``macros.html``: ``doc_list`` unpacks it in its loop, which is
    much cheaper for Jinja than an attribute lookup per field at 20,000 documents)."""

    href: str
    """Page-relative link to the document."""
    title: str
    status: str
    """The status value (``current``, ``amended``, ``expired``, … — a CSS modifier)."""
    badges: tuple[tuple[str, str], ...]
    """(text, kind) of each badge: type, status, edition."""
    date: str
    facts: str
    """文号, 发文机关, region, audiences — whichever the document has, joined by `` · ``."""
    key: str
    """The document's id when its status depends on the day (``validity.js`` re-judges it), else ''."""


def doc_item(doc: Document, page_url: str, config: SiteConfig, show_type: bool = True) -> DocItem:
    """One document in a list: title link, badges, date, 文号, 发文机关, audiences."""
    badges = []
    key = dated_id(doc)
    if show_type:
        badges.append((doc.type.label, doc.type.value))
    if doc.status is not Status.CURRENT or key:  # 现行有效 said where it may change
        badges.append((doc.status.label, doc.status.value))
    if doc.edition:
        badges.append((doc.edition, "edition"))
    facts = [fact for fact in (doc.doc_number, doc.issuer, doc.region) if fact]
    if doc.audiences:
        facts.append("适用：" + audiences_text(doc, config))
    return DocItem(relative_url(page_url, doc.url), doc.title, doc.status.value, tuple(badges), doc.date.isoformat(),
                   "".join(" · " + fact for fact in facts), key)


def doc_items(docs: list[Document], page_url: str, config: SiteConfig, show_type: bool = True,
              memo: dict | None = None) -> list[DocItem]:
    """``doc_item`` of each document; ``memo`` keeps items for other pages of the same folder
    (a document listed on every audience portal is computed once)."""
    if memo is None:
        return [doc_item(d, page_url, config, show_type) for d in docs]
    folder = posixpath.dirname(page_url)
    items = []
    for doc in docs:
        key = (doc.id, folder, show_type)
        item = memo.get(key)
        if item is None:
            item = memo[key] = doc_item(doc, page_url, config, show_type)
        items.append(item)
    return items


def pager(page_url_of, current: int, total: int, page_url: str) -> list[dict]:
    """The pages of a paginated listing (``page_url_of(n)`` gives site paths); no href for ``current``."""
    return [{"number": n, "href": "" if n == current else relative_url(page_url, page_url_of(n))}
            for n in range(1, total + 1)]
