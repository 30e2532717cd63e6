"""The objects Material's templates read: pages, sections, the navigation, tables of contents.

They carry the attributes MkDocs 1.6 gives its ``Page``, ``Section``, ``Navigation`` and
``AnchorLink`` (the templates of Material 9.x read nothing else), with MkDocs' URL rules
(``use_directory_urls: false``): a page's URL is its path in the site, quoted; links in a
template are made relative to the page by the ``url`` filter (``normalize_url``).
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property, lru_cache
from urllib.parse import quote, urljoin, urlsplit

import yaml


def dest_uri(src_uri: str) -> str:
    """Where a source path is written: ``x.md`` -> ``x.html``; any other file as it is."""
    return src_uri[:-3] + ".html" if src_uri.endswith(".md") else src_uri


def get_relative_url(url: str, other: str) -> str:
    """``url`` relative to ``other`` (whose last part is dropped when it names a file), as MkDocs."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts = _norm_parts(other)
    dest_parts = _norm_parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def _norm_parts(path: str) -> list[str]:
    if not path.startswith("/"):
        path = "/" + path
    path = posixpath.normpath(path)[1:]
    return path.split("/") if path else []


@lru_cache(maxsize=None)
def _norm_url(path: str) -> tuple[str, int]:
    if not path:
        path = "."
    parsed = urlsplit(path)
    if parsed.scheme or parsed.netloc or path.startswith(("/", "#")):
        return path, -1
    norm = posixpath.normpath(path) + "/"
    level = 0
    while norm.startswith("../", level * 3):
        level += 1
    return path, level


def normalize_url(path: str, page: Page | None = None, base: str = "") -> str:
    """A URL relative to ``page`` (or joined to ``base`` when there is no page), as MkDocs' ``url`` filter."""
    path, level = _norm_url(path)
    if level == -1:
        return path
    if page is not None:
        result = get_relative_url(path, page.url)
        return "../" * level + result if level > 0 else result
    return posixpath.join(base, path)


_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


def front_matter(text: str) -> tuple[str, dict]:
    """(Markdown, YAML front matter) of a generated page, as MkDocs reads them."""
    found = _FRONT.match(text)
    if found:
        data = yaml.safe_load(found.group(1))
        if isinstance(data, dict):
            return text[found.end():].lstrip("\n"), data
    return text, {}


class Item:
    """What pages and sections share (MkDocs' ``StructureItem``)."""

    parent: Section | None = None
    children: list | None = None
    is_section = False
    is_page = False
    is_link = False
    _active = False

    @property
    def is_top_level(self) -> bool:  # noqa: D102
        return self.parent is None

    @property
    def ancestors(self) -> list:  # noqa: D102
        return [] if self.parent is None else [self.parent, *self.parent.ancestors]

    @property
    def active(self) -> bool:
        """The page being rendered, or a section holding it."""
        return self._active

    @active.setter
    def active(self, value: bool) -> None:
        self._active = bool(value)
        if self.parent is not None:
            self.parent.active = value


class Section(Item):
    """A titled group of navigation entries."""

    is_section = True

    def __init__(self, title: str, children: list) -> None:
        self.title, self.children = title, children


class Page(Item):
    """One page of the site (``src_uri``: its source path, e.g. ``notices/index.md``)."""

    is_page = True
    source = ""
    """A generated page's Markdown (with front matter)."""
    document = None
    """A document page's ``Document``."""
    reused = False
    """True when the page already in the output folder is kept (not rendered again)."""

    def __init__(self, src_uri: str, title: str | None, site_url: str | None, build_date: str) -> None:
        self.src_uri = src_uri
        self.dest_uri = dest_uri(src_uri)
        self.title = title
        self.meta: dict = {}
        self.markdown: str | None = None
        self.content: str | None = None
        self.toc = _NO_TOC
        self.previous_page = self.next_page = None
        self.update_date = build_date
        self.edit_url = None
        self._site_url = site_url

    # made when a template asks (most pages of a serve rebuild are never rendered)
    @cached_property
    def url(self) -> str:  # noqa: D102
        return quote(self.dest_uri)

    @cached_property
    def name(self) -> str:  # noqa: D102
        return posixpath.splitext(posixpath.basename(self.src_uri))[0]

    @cached_property
    def canonical_url(self) -> str | None:  # noqa: D102
        if not self._site_url:
            return None
        return urljoin(self._site_url if self._site_url.endswith("/") else self._site_url + "/", self.url)

    @property
    def abs_url(self) -> str | None:  # noqa: D102
        return urlsplit(self.canonical_url).path if self.canonical_url else None

    @property
    def file(self) -> Page:
        """MkDocs' templates (the sitemap) reach a page through its file: the page is both."""
        return self

    @property
    def page(self) -> Page:  # noqa: D102
        return self

    @property
    def is_index(self) -> bool:  # noqa: D102
        return self.name == "index"

    @property
    def is_homepage(self) -> bool:  # noqa: D102
        return self.is_top_level and self.is_index and self.url in (".", "./", "index.html")


class Navigation:
    """The navigation: its top-level items, its pages in order, its home page."""

    def __init__(self, items: list, pages: list[Page]) -> None:
        self.items, self.pages = items, pages
        self.homepage = next((p for p in pages if p.is_homepage), None)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def navigation(entries: list, pages: dict[str, Page]) -> Navigation:
    """The navigation of ``entries`` (``pageset.nav_entries``) over ``pages`` (by source path);
    an entry whose page does not exist is left out."""

    def items(found: list, parent: Section | None) -> list:
        made = []
        for title, target in found:
            if isinstance(target, list):
                section = Section(title, [])
                section.parent = parent
                section.children = items(target, section)
                made.append(section)
            elif target in pages:
                page = pages[target]
                page.title, page.parent = title, parent
                made.append(page)
        return made

    top = items(entries, None)
    ordered: list[Page] = []

    def walk(found: list) -> None:
        for item in found:
            if item.is_page:
                ordered.append(item)
            if item.children:
                walk(item.children)

    walk(top)
    for before, page, after in zip([None, *ordered[:-1]], ordered, [*ordered[1:], None]):
        page.previous_page, page.next_page = before, after
    return Navigation(top, ordered)


class AnchorLink:
    """One entry of a table of contents."""

    def __init__(self, title: str, id: str, level: int) -> None:
        self.title, self.id, self.level = title, id, level
        self.children: list[AnchorLink] = []

    @property
    def url(self) -> str:  # noqa: D102
        return "#" + self.id


class TableOfContents:
    """A page's table of contents (a list of ``AnchorLink``)."""

    def __init__(self, items: list[AnchorLink]) -> None:
        self.items = items

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def get_toc(tokens: list[dict]) -> TableOfContents:
    """The table of contents of Python-Markdown-style ``toc`` tokens (the first entry active)."""

    def link(token: dict) -> AnchorLink:
        made = AnchorLink(token["name"], token["id"], token["level"])
        made.children = [link(child) for child in token["children"]]
        return made

    toc = [link(t) for t in tokens]
    if toc:
        toc[0].active = True
    return TableOfContents(toc)


_NO_TOC = TableOfContents([])
"""The table of contents of a page not (yet) converted, shared."""
