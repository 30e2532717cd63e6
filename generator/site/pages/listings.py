"""Listing pages: one per document type (paginated), one portal per audience."""

from __future__ import annotations

import json
from html import escape

from ...config import Audience, SiteConfig
from ...content.links import Corpus
from ...content.model import DocType, Status
from .common import doc_list, history_block, pager
from .timelines import topic_links

PAGE_SIZE = 200


def type_page_url(doc_type: DocType, number: int) -> str:
    """Site path of page ``number`` (1-based) of a type listing."""
    return f"{doc_type.folder}/index.html" if number == 1 else f"{doc_type.folder}/page-{number}.html"


def type_pages(corpus: Corpus, config: SiteConfig, doc_type: DocType) -> list[tuple[str, str]]:
    """(src_uri, markdown) of every page of one type's listing: current first, history folded."""
    docs = [d for d in corpus.documents if d.type is doc_type]
    current = [d for d in docs if d.status.in_force]
    history = [d for d in docs if not d.status.in_force]
    total = max(1, -(-len(current) // PAGE_SIZE))
    pages = []
    for number in range(1, total + 1):
        url = type_page_url(doc_type, number)
        chunk = current[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        nav = pager(lambda n: type_page_url(doc_type, n), number, total, url)
        body = doc_list(chunk, url, config, show_type=False) if chunk else "<p>暂无现行文件。</p>"
        extra = history_block(history, url, config, show_type=False) if number == total else ""
        title = doc_type.label if number == 1 else f"{doc_type.label}（第 {number} 页）"
        text = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n<p class=\"mzkb-lead\">现行有效 {len(current)} 件，历史文件 {len(history)} 件。</p>\n\n{nav}\n{body}\n{nav}\n\n{extra}\n"
        pages.append((url[:-5] + ".md", text))
    return pages


def audience_page(corpus: Corpus, config: SiteConfig, audience: Audience) -> tuple[str, str]:
    """(src_uri, markdown) of an audience portal: its current documents grouped by type."""
    url = f"audiences/{audience.key}.html"
    docs = [d for d in corpus.documents if audience.key in d.audiences]
    parts = [f"---\ntitle: {json.dumps(audience.label, ensure_ascii=False)}\n---", ""]
    if audience.synonyms:
        parts.append(f'<p class="mzkb-lead">适用于：{escape("、".join((audience.label,) + audience.synonyms))}</p>\n')
    topics = topic_links(corpus, config, audience, url)
    if topics:
        parts.append(f"## 按主题查看现行规定\n\n{topics}\n")
    for doc_type in DocType:
        group = [d for d in docs if d.type is doc_type]
        current = [d for d in group if d.status.in_force]
        history = [d for d in group if not d.status.in_force]
        if not group:
            continue
        parts.append(f"## {doc_type.label}\n")
        parts.append(doc_list(current, url, config, show_type=False) if current else "<p>暂无现行文件。</p>")
        parts.append(history_block(history, url, config, show_type=False))
        parts.append("")
    if not docs:
        parts.append("<p>暂无适用于该类机构的文件。</p>")
    return url[:-5] + ".md", "\n".join(parts) + "\n"


def audiences_index(config: SiteConfig) -> tuple[str, str]:
    """(src_uri, markdown) of the list of all audience portals."""
    items = "\n".join(f'<li><a href="{escape(a.key)}.html">{escape(a.label)}</a></li>' for a in config.audiences)
    return "audiences/index.md", f"---\ntitle: 按机构类型\n---\n\n<ul class=\"mzkb-list\">\n{items}\n</ul>\n"
