"""What every renderer renders, whoever draws the frame: the pages of a site and their inputs.

Shared by the MkDocs renderer (``plugin.py``) and our own (``jinja/``), so both render the same
pages from the same ``RenderInput``: the navigation, the generated pages (taken from the serve
session's memory when only bodies changed), a document page's Markdown with its links rewritten,
its table of contents, and the Python-Markdown extensions the generated pages are converted with.
Nothing here imports MkDocs or Material.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

from ..config import SiteConfig
from ..content.links import Corpus, asset_url, resolve_href
from ..content.model import Document, DocType
from ..markdown import Heading
from ..site.context import document_context
from ..site.model import RenderInput
from ..site.pages.changes import changes_page
from ..site.pages.compare import compare_page, edition_pairs
from ..site.pages.home import home_page
from ..site.pages.listings import audience_pages, audiences_index, listing_pages
from ..site.pages.timelines import timeline_pages
from ..site.reuse import page_fingerprint
from ..site.status_view import as_of
from ..urls import AUDIENCES, CHANGES, HOME, SEARCH, TIMELINES, audience, listing, source_uri

TOC = {"permalink": "¶", "toc_depth": "2-4"}
"""Options of Python-Markdown's ``toc`` extension (and ``slugify``: ``markdown.slugify``)."""
EXTENSIONS = ("tables", "admonition", "attr_list", "def_list", "footnotes", "sane_lists", "pymdownx.tilde")
"""The Python-Markdown extensions after ``toc`` that generated pages are converted with."""
MARKDOWN_EXTENSIONS = ("toc", "tables", "fenced_code", *EXTENSIONS[1:])
"""The whole list, in MkDocs' order (its built-ins ``toc``, ``tables``, ``fenced_code`` first)."""

THEME = {
    "language": "zh",
    "font": False,
    # no "content.tooltips": Material puts a title attribute into a tooltip with innerHTML (its
    # text runs as HTML), so a document title, link title or site name could run a script
    "features": ["navigation.sections", "navigation.top", "toc.follow"],
    "palette": {"scheme": "default", "primary": "teal", "accent": "deep orange"},
}
"""Material's theme options (``config.theme`` beside its name and our custom folder)."""


def extra(config: SiteConfig) -> dict:
    """``config.extra`` of the templates: no generator tag, the document types, the site's identity."""
    return {"generator": False, "mzkb_types": [{"folder": t.folder, "label": t.label} for t in DocType], "mzkb_identity": {
        "lines": [{"label": label, "text": text, "url": url} for label, text, url in config.identity.lines],
        "logo": config.identity.logo_url, "organizer": config.identity.organizer}}


def nav_entries(config: SiteConfig, versioned: bool = False) -> list[tuple[str, str | list]]:
    """The navigation as (title, source URI) and (title, [entries]) for a section."""
    nav: list[tuple[str, str | list]] = [("首页", source_uri(HOME))]
    nav += [(t.label, source_uri(listing(t.folder))) for t in DocType]
    nav += [("按机构类型", [("全部机构类型", source_uri(AUDIENCES))] + [(a.label, source_uri(audience(a.key)))
                                                                for a in config.audiences])]
    nav += [("按主题", source_uri(TIMELINES)), ("搜索", source_uri(SEARCH))]
    if versioned:
        nav += [("更新记录", source_uri(CHANGES))]
    return nav


def toc_tokens(headings: tuple[Heading, ...]) -> list[dict]:
    """Table-of-contents tokens (nested by level, as Python-Markdown's) from a body's headings."""
    roots: list[dict] = []
    stack: list[dict] = []
    for heading in headings:
        token = {"level": heading.level, "id": heading.anchor, "name": str(escape(heading.title)), "children": []}
        while stack and stack[-1]["level"] >= heading.level:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


def rewrite_links(doc: Document, corpus: Corpus, content_dir: Path) -> tuple[str, list[Path]]:
    """The document body with links to other documents and files turned into site URLs.

    Returns (markdown, absolute paths of the local files the body links to).
    """
    body = doc.body
    assets = []
    for link in doc.links:
        new, _problem = resolve_href(doc, link.href, corpus.by_path, content_dir)
        if new is None or new == link.href:
            continue
        if not new.startswith("#") and not new.split("#")[0].endswith(".html"):
            assets.append((doc.source.parent / link.href.split("#")[0]).resolve())
        for written in dict.fromkeys((link.href, quote(link.href, safe="/#:?&=%~-._"))):
            pattern = re.compile(r"(\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?)" + re.escape(written) + r"(?=[\s>)]|$)", re.M)
            body = pattern.sub(lambda m: m.group(1) + new, body)
    return body, assets


def document_inputs(state: RenderInput, doc: Document) -> tuple[str, list[Path]]:
    """(fingerprint of the document's page, files its body links to); under ``mzkb serve`` kept
    by the session's memory while the document did not change."""
    known = state.memory.page(doc) if state.memory is not None else None
    if known is None:
        body, linked = rewrite_links(doc, state.corpus, state.config.content_dir)
        context = document_context(doc, state.corpus, state.config, state.history.get(doc.rel_path, ()))
        known = (page_fingerprint(body, context), linked)
    return known


def document_files(doc: Document, linked: list[Path], content_dir: Path) -> Iterator[tuple[str, Path]]:
    """(site URL under ``assets/``, source) of every file a document's page links: the files of
    its front matter, then those its body links to (``linked``)."""
    for asset in (*doc.attachments, doc.media_asset, doc.poster, doc.transcript):
        if asset is not None:
            yield asset_url(asset.rel), asset.source
    for path in linked:
        yield asset_url(path.relative_to(content_dir).as_posix()), path


def generated_pages(state: RenderInput) -> tuple[list, list, tuple, dict]:
    """The generated pages: (uri, Markdown) of those in the nav's list and of those out of it
    (province and topic pages), what the serve session's memory keeps of them, and the
    comparison pages ((old id, new id) -> (old, new, (uri, Markdown))). Under ``mzkb serve`` the
    pages are taken from the last rebuild when only bodies changed."""
    memory = state.memory
    site, corpus = state.config, state.corpus
    if memory is not None and memory.stable:
        listed = memory.generated
    else:
        in_nav = [("index.md", home_page(corpus, site)), audiences_index(site), ("search.md", "---\ntitle: 搜索\n---\n")]
        listings, out_of_nav = listing_pages(corpus, site)
        in_nav.extend(listings)
        in_nav.extend(audience_pages(corpus, site))
        timelines = timeline_pages(corpus, site)  # the index is in the nav, each topic's page is not
        in_nav.extend(timelines[:1])
        listed = (tuple(in_nav), tuple(out_of_nav + timelines[1:]))
    in_nav = list(listed[0])
    compares: dict[tuple[str, str], tuple] = {}
    for old, new in edition_pairs(corpus):
        made = memory.comparison(old, new) if memory is not None else None
        made = made or compare_page(old, new, as_of(corpus))
        compares[(old.id, new.id)] = (old, new, made)
        in_nav.append(made)
    if state.version is not None:
        in_nav.append(changes_page(state.version, state.changes or {}))
    return in_nav, list(listed[1]), listed, compares
