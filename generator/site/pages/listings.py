"""Listing pages: one per document type (paginated), one portal per audience."""

from __future__ import annotations

from ...config import Audience, SiteConfig
from ...content.links import Corpus, relative_url
from ... import urls
from ...content.model import DocType
from ..status_view import HISTORY, as_of, may_change, tally
from ...regions import load_regions
from .cases import case_pages
from .common import doc_items, pager
from .templates import PAGES, page
from .timelines import topic_links
from .videos import video_index

PAGE_SIZE = 200


def listing_pages(corpus: Corpus, config: SiteConfig) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(src_uri, markdown) of every type's listing, in ``DocType`` order, as (pages in the nav, pages
    out of it): the builder is the one the type's row names (``TypeRow.listing``); each type's first
    page is ``{folder}/index.md``, the page the nav links."""
    in_nav: list[tuple[str, str]] = []
    out_of_nav: list[tuple[str, str]] = []
    for doc_type in DocType:
        kind = doc_type.row.listing
        if kind == "videos":
            in_nav.append(video_index(corpus, config))
        elif kind == "cases":  # the index is in the nav, each province's page is not
            made = case_pages(corpus, config, load_regions())
            in_nav.extend(made[:1])
            out_of_nav.extend(made[1:])
        else:
            in_nav.extend(type_pages(corpus, config, doc_type))
    return in_nav, out_of_nav


def type_pages(corpus: Corpus, config: SiteConfig, doc_type: DocType) -> list[tuple[str, str]]:
    """(src_uri, markdown) of every page of one type's listing: current first, history folded."""
    docs = [d for d in corpus.documents if d.type is doc_type]
    current = [d for d in docs if d.status.in_force or may_change(d)]  # listed in both: validity.js shows one
    history = [d for d in docs if not d.status.in_force or may_change(d)]
    total = max(1, -(-len(current) // PAGE_SIZE))
    pages = []
    for number in range(1, total + 1):
        url = urls.listing(doc_type.folder, number)
        chunk = current[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        title = doc_type.label if number == 1 else f"{doc_type.label}（第 {number} 页）"
        text = page(title, PAGES + "type-listing.html", current_count=tally(docs),
                    history_count=tally(docs, HISTORY), as_of=as_of(corpus),
                    items_shown=any(d.status.in_force for d in chunk),
                    pager=pager(lambda n: urls.listing(doc_type.folder, n), number, total, url),
                    items=doc_items(chunk, url, config, show_type=False),
                    history=doc_items(history, url, config, show_type=False) if number == total else [])
        pages.append((urls.source_uri(url), text))
    return pages


def audience_pages(corpus: Corpus, config: SiteConfig) -> list[tuple[str, str]]:
    """(src_uri, markdown) of every audience portal."""
    memo: dict = {}
    return [audience_page(corpus, config, audience, memo) for audience in config.audiences]


def audience_page(corpus: Corpus, config: SiteConfig, audience: Audience, memo: dict | None = None) -> tuple[str, str]:
    """(src_uri, markdown) of an audience portal: its current documents grouped by type (``memo``: see ``doc_items``)."""
    url = urls.audience(audience.key)
    docs = [d for d in corpus.documents if audience.key in d.audiences]
    groups = []
    for doc_type in DocType:
        group = [d for d in docs if d.type is doc_type]
        if group:
            groups.append({"label": doc_type.label,  # validity.js shows a day-dependent document in one list
                           "current": doc_items([d for d in group if d.status.in_force or may_change(d)], url, config,
                                                False, memo),
                           "current_shown": any(d.status.in_force for d in group),
                           "history": doc_items([d for d in group if not d.status.in_force or may_change(d)], url,
                                                config, False, memo)})
    names = "、".join((audience.label,) + audience.synonyms) if audience.synonyms else ""
    return urls.source_uri(url), page(audience.label, PAGES + "audience.html", names=names, groups=groups,
                                      topics=topic_links(corpus, config, audience, url), audience=audience.label,
                                      as_of=as_of(corpus))


def audiences_index(config: SiteConfig) -> tuple[str, str]:
    """(src_uri, markdown) of the list of all audience portals."""
    links = [{"href": relative_url(urls.AUDIENCES, urls.audience(a.key)), "label": a.label} for a in config.audiences]
    return urls.source_uri(urls.AUDIENCES), page("按机构类型", PAGES + "audiences.html", links=links)
