"""The renderer: the only package that imports MkDocs or Material (tests/test_architecture.py).

Its door is ``render(state, stage) -> RenderReport``:

- in: a ``site.model.RenderInput`` — the site configuration and the linked corpus, the files
  other stages made (the browser index: ``extra_files``), the version and its changes of a
  versioned build, the git history, and what may be reused (``reuse_from`` + ``cache`` on disk,
  ``memory`` under ``mzkb serve``);
- out: every page, the theme's assets and the copied attachments written into ``stage`` (a new
  folder the writer swaps into place; under ``mzkb serve`` the preview folder, updated in
  place), and a ``site.model.RenderReport`` (pages rendered and
  reused, the page fingerprints to keep, diagnostics for what an editor can fix).

The pages themselves (home, listings, portals, comparisons …) and the document pages' context
are made by renderer-neutral code in ``site/``; ``pageset.py`` says which pages a site has and
their inputs. Two renderers turn them into Material pages, chosen by ``MZKB_RENDERER``:
``jinja/`` (the default: Material's templates, read by path, rendered by our own loop; it
imports neither MkDocs nor Material) and the MkDocs one —
``mkdocs.py`` (the generated mkdocs.yml and MkDocs' build), ``plugin.py`` (our MkDocs plugin),
``fragments.py`` and ``rawhtml.py`` (speed-ups inside Material's frame and Python-Markdown),
``livereload.py`` (``mzkb serve``'s HTTP server, watcher and browser reloading: MkDocs'
live-reload server, calling back ``pipeline.rebuild`` through ``serve.serve``).

Importing this package imports nothing of MkDocs: ``render`` loads it when it is called, so
``mzkb check`` starts fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..site.model import RenderInput, RenderReport


RENDERERS = ("mkdocs", "jinja")
"""The renderers behind the door: MkDocs' build with our plugin, or our own Jinja loop (``jinja/``)."""
SWITCH = "MZKB_RENDERER"
"""The environment variable choosing one of ``RENDERERS`` (default: ``DEFAULT``)."""
DEFAULT = "jinja"
"""Our own renderer: it writes the same sites as the MkDocs one, byte for byte
(``tests/site/test_renderers.py``), and renders only what changed while serving."""


def chosen() -> str:
    """The renderer this process uses (``MZKB_RENDERER``; an unknown name is a usage error of
    the developer who set it, not of an editor: it raises)."""
    name = os.environ.get(SWITCH, "") or DEFAULT
    if name not in RENDERERS:
        raise ValueError(f"{SWITCH}={name!r}: expected one of {', '.join(RENDERERS)}")
    return name


def render(state: RenderInput, stage: Path) -> RenderReport:
    """Render the site of ``state`` into the folder ``stage`` (created); report what was done."""
    if chosen() == "jinja":
        from . import jinja

        return jinja.render(state, stage)
    from . import mkdocs

    return mkdocs.render(state, stage)
