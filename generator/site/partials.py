"""Theme partials rendered outside MkDocs' page templates (autoescape on): HTML that our generated
pages and document bodies carry — timeline pages, the banners on amended sections.

Links in the context are made page-relative by the caller (``content.links.relative_url``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from importlib.resources import files as package_files
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..content.links import relative_url


def theme_dir() -> Path:
    """Our Material ``custom_dir`` (the top-level ``theme/`` folder, installed as ``mzkb_theme``)."""
    return Path(str(package_files("mzkb_theme")))


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(theme_dir())), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> str:
    """Render ``theme/<name>`` with autoescape."""
    return _env().get_template(name).render(**context)


def section_banners(html: str, page_url: str, amended: dict) -> str:
    """Insert, right after each amended section's heading, the banner saying which document
    changed it (``amended``: anchor -> changes, from ``context.amendments``)."""
    for anchor, changes in amended.items():
        heading = re.compile(r'(<h([2-6])\b[^>]*\bid="' + re.escape(escape(anchor)) + r'"[^>]*>.*?</h\2>)', re.S)
        shown = [dict(c, href=relative_url(page_url, c["url"])) for c in changes]
        banner = render("partials/mzkb-amendment-banner.html", changes=shown)
        html = heading.sub(lambda m: m.group(1) + banner, html, count=1)
    return html
