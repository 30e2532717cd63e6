"""Incremental rendering: a document page whose inputs did not change is not rendered again.

A page's HTML is a function of its Markdown (links already rewritten), its template context
(``page.meta.mzkb``: titles and states of the documents it lists, its revision history),
the generated ``mkdocs.yml`` and the theme. The last build's fingerprints of those inputs are
kept in ``.mzkb/cache/render.json`` with the size and modification time of each page
written; a page with the same fingerprint, whose file is still that one, is taken from the
previous site (hard link) and MkDocs, run as a "dirty" build, skips it. Listings, the home
page and other generated pages are small and always rendered.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

from ..cache import FORMAT, BadEntry, Cache, digest, expect, link_or_copy
from ..markdown import VERSION as MARKDOWN_VERSION

RENDER_CACHE = "render.json"


def theme_key(theme: Path) -> str:
    """Changes when our theme files, MkDocs or Material change."""
    files = sorted((p.relative_to(theme).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in theme.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(FORMAT, version("mkdocs"), version("mkdocs-material"), files)


def page_fingerprint(markdown: str, context: dict) -> str:
    """Hash of a document page's own inputs (the context is built in a fixed key order from
    strings, numbers, lists and dicts, so its ``repr`` is stable) and of the body parser's rules
    (``markdown.VERSION``: a page rendered before article anchors existed is rendered again)."""
    return digest(MARKDOWN_VERSION, markdown, repr(context))


def check_state(data: object) -> dict:
    """The cached render state read back from JSON; ``BadEntry`` (render everything) when
    it has another shape. Pages map to ``[fingerprint, size, mtime_ns]`` of the file written."""
    expect(data, dict, "render state")
    expect(data["key"], str, "key")
    expect(data["site"], str, "site")
    for uri, page in expect(data["pages"], dict, "pages").items():
        if not (isinstance(page, list) and len(page) == 3 and isinstance(page[0], str)
                and type(page[1]) is int and type(page[2]) is int):
            raise BadEntry(f"page {uri}")
    return data


def _stamp(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, None when it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class PageReuse:
    """Decides, page by page, whether the previous build's HTML can be kept.

    A page is kept only when its fingerprint is unchanged *and* the file in the previous site
    is the very file that build wrote (same size and modification time): whatever replaced
    the site meanwhile (another build, an editor's hand), the cache never vouches for a file
    it did not write.
    """

    def __init__(self, cache: Cache | None, key: str, previous_site: Path | None, site_dir: Path,
                 name: str = RENDER_CACHE) -> None:
        self.key = key
        self.previous_site, self.site_dir = previous_site, site_dir
        state = cache.load(name, {}, check=check_state) if cache is not None and previous_site is not None else {}
        usable = state.get("key") == key and state.get("site") == str(previous_site)
        self.old: dict[str, list] = state.get("pages", {}) if usable else {}
        self.new: dict[str, str] = {}
        self.reused = 0
        self._made: set[str] = set()

    @property
    def active(self) -> bool:
        """True when some pages may be reused (MkDocs must then run a dirty build)."""
        return bool(self.old)

    def keep(self, dest_uri: str, fingerprint: str) -> bool:
        """Record a page's fingerprint; True when its previous HTML is now in the new site."""
        self.new[dest_uri] = fingerprint
        old = self.old.get(dest_uri)
        if old is None or old[0] != fingerprint or self.previous_site is None:
            return False
        source = f"{self.previous_site}/{dest_uri}"
        if _stamp(source) != (old[1], old[2]):  # not the file the cached build wrote
            return False
        if self.previous_site != self.site_dir:
            try:
                link_or_copy(source, f"{self.site_dir}/{dest_uri}", self._made)
            except FileNotFoundError:  # gone from the previous site: render it again
                return False
        self.reused += 1
        return True

    def state(self, final_site: Path) -> dict:
        """What ``render.json`` keeps once the new site is at ``final_site``: each page's
        fingerprint with the size and modification time of the file now there."""
        pages = {}
        for uri, fingerprint in self.new.items():
            stamp = _stamp(f"{final_site}/{uri}")
            if stamp is not None:
                pages[uri] = [fingerprint, *stamp]
        return {"key": self.key, "site": str(final_site), "pages": pages}
