"""What mzkb adds to a sanitized document body: the banners under amended sections
(``theme/partials/mzkb-amendment-banner.html``, rendered by the one template environment of
``pages/templates.py``, autoescape on; links made page-relative here), and around every table a
focusable scrolling region, so a wide table scrolls on a phone and from the keyboard.
"""

from __future__ import annotations

import re
from html import escape, unescape

from ..content.links import relative_url
from .pages.templates import render


def section_banners(html: str, page_url: str, amended: dict) -> str:
    """Insert, right after each amended section's heading (or amended article's lead paragraph: 本条),
    the banner saying which document changed it (``amended``: anchor -> changes, from
    ``context.amendments``)."""
    for anchor, changes in amended.items():
        heading = re.compile(r'(<(h[2-6]|p)\b[^>]*\bid="' + re.escape(escape(anchor)) + r'"[^>]*>.*?</\2>)', re.S)
        shown = [dict(c, href=relative_url(page_url, c["url"])) for c in changes]
        html = heading.sub(lambda m: m.group(1) + render("partials/mzkb-amendment-banner.html", changes=shown,
                                                         unit="本条" if m.group(2) == "p" else "本节"), html, count=1)
    return html


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_CELL_TEXT = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.I | re.S)


def table_regions(html: str) -> str:
    """Wrap each outermost ``<table>`` of a (sanitized) body in ``<div class="mzkb-table"
    role="region" tabindex="0" aria-label="表格 N：first header cell">``; the region scrolls
    sideways (mzkb.css), the table keeps its own semantics."""
    out, depth, last, number = [], 0, 0, 0
    for match in _TABLE_TAG.finditer(html):
        closing = bool(match.group(1))
        if not closing:
            depth += 1
            if depth == 1:
                number += 1
                first = _CELL_TEXT.search(html, match.end())
                label = re.sub(r"<[^>]*>|\s+", " ", first.group(1)).strip()[:30] if first else ""
                label = f"表格 {number}" + (f"：{label}" if label else "") + "（可左右滚动）"
                out.append(html[last:match.start()])
                out.append(f'<div class="mzkb-table" role="region" tabindex="0" aria-label="{escape(unescape(label))}">')
                last = match.start()
        elif depth:
            depth -= 1
            if depth == 0:
                out.append(html[last:match.end()] + "</div>")
                last = match.end()
    if depth:  # an unclosed table (sanitized HTML closes them; be safe anyway)
        out.append(html[last:] + "</div>")
        return "".join(out)
    out.append(html[last:])
    return "".join(out)
