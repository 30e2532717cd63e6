"""HTML fragments shared by generated pages (escaped, with page-relative links)."""

from __future__ import annotations

from html import escape

from ...config import SiteConfig
from ...content.links import relative_url
from ...content.model import Document, Status


def badge(text: str, kind: str) -> str:
    """A small label, e.g. the type or status of a document."""
    return f'<span class="mzkb-badge mzkb-badge--{escape(kind)}">{escape(text)}</span>'


def _labels(config: SiteConfig, _memo: dict = {}) -> dict:  # noqa: B006 (a deliberate per-config memo)
    found = _memo.get(id(config))
    if found is None or found[0] is not config:
        _memo.clear()  # one configuration at a time (mzkb serve makes a new one per rebuild)
        found = _memo[id(config)] = (config, {a.key: a.label for a in config.audiences})
    return found[1]


def doc_item(doc: Document, page_url: str, config: SiteConfig, show_type: bool = True) -> str:
    """One document in a list: title link, badges, date, 文号, 发文机关, audiences."""
    labels = _labels(config)
    badges = []
    if show_type:
        badges.append(badge(doc.type.label, doc.type.value))
    if doc.status is not Status.CURRENT:
        badges.append(badge(doc.status.label, doc.status.value))
    if doc.edition:
        badges.append(badge(doc.edition, "edition"))
    facts = [f"<time>{doc.date.isoformat()}</time>"]
    if doc.doc_number:
        facts.append(escape(doc.doc_number))
    if doc.issuer:
        facts.append(escape(doc.issuer))
    if doc.region:
        facts.append(escape(doc.region))
    if len(doc.audiences) == len(config.audiences) and len(config.audiences) > 1:
        facts.append("适用：全部机构")
    elif doc.audiences:
        facts.append("适用：" + "、".join(escape(labels[k]) for k in doc.audiences))
    href = escape(relative_url(page_url, doc.url))
    return (
        f'<li class="mzkb-item mzkb-item--{doc.status.value}"><a class="mzkb-item__title" href="{href}">{escape(doc.title)}</a> '
        f'{"".join(badges)}<div class="mzkb-item__facts">{" · ".join(facts)}</div></li>'
    )


def doc_list(docs: list[Document], page_url: str, config: SiteConfig, show_type: bool = True) -> str:
    """A ``<ul>`` of documents."""
    items = "\n".join(doc_item(d, page_url, config, show_type) for d in docs)
    return f'<ul class="mzkb-list">\n{items}\n</ul>'


def history_block(docs: list[Document], page_url: str, config: SiteConfig, show_type: bool = True) -> str:
    """Superseded and repealed documents, folded away behind a switch."""
    if not docs:
        return ""
    return (
        f'<details class="mzkb-history"><summary>显示历史文件（已被替代、已废止或不在有效期内，共 {len(docs)} 件）</summary>\n'
        f"{doc_list(docs, page_url, config, show_type)}\n</details>"
    )


def pager(page_url_of, current: int, total: int, page_url: str) -> str:
    """Links to the pages of a paginated listing (``page_url_of(n)`` gives site paths)."""
    if total <= 1:
        return ""
    links = []
    for n in range(1, total + 1):
        if n == current:
            links.append(f'<span aria-current="page">{n}</span>')
        else:
            links.append(f'<a href="{escape(relative_url(page_url, page_url_of(n)))}">{n}</a>')
    return f'<nav class="mzkb-pager" aria-label="分页">{" ".join(links)}</nav>'
