"""Our own renderer: Material's templates rendered by our Jinja environment, no MkDocs build.

Behind the same door as the MkDocs renderer (``render.render``): the same ``RenderInput`` in,
the same pages and ``RenderReport`` out. It imports neither MkDocs nor Material: the theme is
read from Material's installed package folder by path (``theme.py``); ``structure.py`` holds
the page, navigation and table-of-contents objects the templates read, ``build.py`` the loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...site.model import RenderInput, RenderReport


def render(state: RenderInput, stage: Path) -> RenderReport:
    """Render the site of ``state`` into the folder ``stage``; report what was done."""
    from .build import render as build

    return build(state, stage)
