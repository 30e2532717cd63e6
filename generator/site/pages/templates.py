"""The one templating system of generated pages: Jinja templates in ``theme/`` (pages in
``theme/partials/pages/``), for everything mzkb renders outside Material's page frame.

Python computes plain data (dicts, strings, numbers; URLs already page-relative); the templates
turn it into the page's Markdown (raw HTML blocks and a few constant ``##`` headings, so MkDocs'
table of contents keeps them). Autoescape is on and undefined names are errors: every value is
escaped unless it is ``Markup`` that mzkb built from escaped parts (``|safe`` in a template says
why, each time).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files as package_files
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

PAGES = "partials/pages/"
"""Where the generated pages' templates live inside the theme (``mzkb_theme``)."""


def theme_dir() -> Path:
    """Our theme folder: Material's ``custom_dir`` and the root of every template (the top-level
    ``theme/`` folder, installed as ``mzkb_theme``)."""
    return Path(str(package_files("mzkb_theme")))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of generated pages (autoescape on, strict undefined)."""
    return Environment(
        loader=FileSystemLoader(str(theme_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **data: object) -> str:
    """Render ``theme/<template>`` with ``data`` (e.g. ``partials/pages/home.html``)."""
    return environment().get_template(template).render(**data)


def page(page_title: str, template: str, **data: object) -> str:
    """A generated page: front matter with its title, then the rendered template."""
    return f"---\ntitle: {json.dumps(page_title, ensure_ascii=False)}\n---\n\n" + render(template, **data)
