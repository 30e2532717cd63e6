"""Parts of Material's page frame rendered once per folder instead of once per page.

Most pages of a site (every document page, the province and topic pages) are outside the
navigation. For such a page, Material's navigation sidebar, its ``__config`` script and the
style and script links depend on nothing of the page but its folder: links are made relative
to it by MkDocs' ``url`` filter, and no navigation item is active. The theme wraps those parts
in ``{% call mzkb_fragment("name") %}…{% endcall %}``; the first page of a folder renders them,
the others take that HTML. The table of contents, the header (it shows the page title) and
the content are rendered for every page.

A page in the navigation, or one rendered without our page context (``404.html``), has no key:
its fragments are rendered as usual. One ``Fragments`` lives for one build (a rebuild of
``mzkb serve`` may change the navigation).
"""

from __future__ import annotations

import posixpath
from typing import Callable

from jinja2 import pass_context
from jinja2.runtime import Context

KEY = "mzkb_fragment_key"
"""The template context variable holding a page's fragment key (its folder), when it has one."""


class Fragments:
    """The fragments of one build: (name, folder) -> the HTML the template rendered."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], object] = {}
        self._in_nav: set[int] | None = None

    def key(self, page, nav) -> str | None:
        """The fragment key of ``page``: its folder when it is outside the navigation, else None."""
        if self._in_nav is None:
            self._in_nav = {id(p) for p in nav.pages}
        if id(page) in self._in_nav or page.parent is not None:
            return None
        return posixpath.dirname(page.url)

    def helper(self) -> Callable:
        """The template global ``mzkb_fragment(name)``, used with ``{% call %}``."""

        @pass_context
        def mzkb_fragment(context: Context, name: str, caller: Callable) -> object:
            folder = context.get(KEY)
            if folder is None:
                return caller()
            made = self._made.get((name, folder))
            if made is None:
                made = self._made[(name, folder)] = caller()
            return made

        return mzkb_fragment

    def __len__(self) -> int:
        return len(self._made)
