"""URLs that may be written into an HTML attribute as they are: one check, used by the config
(``site.url``) and the content schema (``media``, ``poster``, ``attachments``, ``transcript``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]+):")
"""A URL scheme (two letters or more: ``C:`` is a Windows drive, not a scheme)."""
_BREAKING = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")
"""Characters that have no place in a URL written into an HTML attribute."""


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
