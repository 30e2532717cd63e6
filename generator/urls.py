"""Site paths and safe URLs.

Every path of a generated page is built here (relative to the site root, ``use_directory_urls:
false``): documents, type listings, audience portals, topic timelines, edition comparisons, province
pages, the search page and its index folder, the change log. A page's Markdown source uri is its
path with ``.md`` (``source_uri``). Content files are placed by ``content.links.asset_url`` (their
names need the pinyin of ``content.ids``, which sits above this module).

URLs that may be written into an HTML attribute as they are: one check, used by the config
(``site.url``) and the content schema (``media``, ``poster``, ``attachments``, ``transcript``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]+):")
"""A URL scheme (two letters or more: ``C:`` is a Windows drive, not a scheme)."""
_BREAKING = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")
"""Characters that have no place in a URL written into an HTML attribute."""


HOME = "index.html"
SEARCH = "search.html"
SEARCH_DIR = "search"
"""Folder of the browser search index (``search/manifest.js``, ``search/{build}/…``)."""
AUDIENCES = "audiences/index.html"
TIMELINES = "timelines/index.html"
CHANGES = "changes.html"


def source_uri(url: str) -> str:
    """The Markdown source uri MkDocs renders into the page at ``url`` (``a/b.html`` -> ``a/b.md``)."""
    return url[:-5] + ".md" if url.endswith(".html") else url


def document(folder: str, doc_id: str) -> str:
    """Site path of a document page (``folder`` is its type's folder)."""
    return f"{folder}/{doc_id}.html"


def listing(folder: str, number: int = 1) -> str:
    """Site path of page ``number`` (1-based) of a type's listing."""
    return f"{folder}/index.html" if number == 1 else f"{folder}/page-{number}.html"


def audience(key: str) -> str:
    """Site path of an audience's portal."""
    return f"audiences/{key}.html"


def timeline(slug: str, audience_key: str | None = None) -> str:
    """Site path of a topic's timeline (within one audience's portal when given)."""
    return f"timelines/{audience_key}/{slug}.html" if audience_key else f"timelines/{slug}.html"


def compare(old_id: str, new_id: str) -> str:
    """Site path of the comparison page of two editions."""
    return f"compare/{old_id}--{new_id}.html"


def province(code: str) -> str:
    """Site path of one province's page of the case gallery."""
    return f"cases/province-{code}.html"


def search_file(name: str) -> str:
    """Site path of a file of the browser search index (``name`` relative to its folder)."""
    return f"{SEARCH_DIR}/{name}"


def release_changes(release: str) -> str:
    """Site path of a release's change log in a versioned site."""
    return f"{release}/{CHANGES}"


def scheme_of(value: str) -> str:
    """The lower-case scheme of ``value`` ('' for a relative path)."""
    found = SCHEME.match(value)
    return found.group(1).lower() if found else ""


def is_safe_web_url(url: str, schemes: tuple[str, ...] = ("https",)) -> bool:
    """True for a ``scheme://host/…`` URL with an allowed scheme and no attribute-breaking characters."""
    url = url.strip()
    if _BREAKING.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in schemes and bool(host)
