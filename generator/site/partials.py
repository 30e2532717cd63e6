"""The banners that document bodies carry under amended sections
(``theme/partials/mzkb-amendment-banner.html``, rendered by the one template environment of
``pages/templates.py``, autoescape on). Links are made page-relative here.
"""

from __future__ import annotations

import re
from html import escape

from ..content.links import relative_url
from .pages.templates import render


def section_banners(html: str, page_url: str, amended: dict) -> str:
    """Insert, right after each amended section's heading, the banner saying which document
    changed it (``amended``: anchor -> changes, from ``context.amendments``)."""
    for anchor, changes in amended.items():
        heading = re.compile(r'(<h([2-6])\b[^>]*\bid="' + re.escape(escape(anchor)) + r'"[^>]*>.*?</h\2>)', re.S)
        shown = [dict(c, href=relative_url(page_url, c["url"])) for c in changes]
        banner = render("partials/mzkb-amendment-banner.html", changes=shown)
        html = heading.sub(lambda m: m.group(1) + banner, html, count=1)
    return html
