"""Generated pages' HTML blocks kept away from Python-Markdown's HTML parser.

A generated page (home, listings, portals …) is Markdown made of raw HTML blocks from our
templates and a few ``##`` headings. Python-Markdown passes a raw HTML block through unchanged,
but finds its end by running ``html.parser`` over it, and MkDocs parses it once more for anchor
ids (which our configuration does not check): most of a listing's conversion time. A
run that is plainly HTML (block-level elements opening at the start of a paragraph, each
closed by its own closing tag at the end of a line and followed by the next element or a blank
line, with nothing Python-Markdown would read differently: comments, scripts, styles, CDATA,
tabs, code fences) is replaced by a small placeholder element, which Python-Markdown passes
through just the same; the run is put back in the HTML afterwards.
When a placeholder does not come out exactly once, the page is converted again as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown.util import BLOCK_LEVEL_ELEMENTS

MIN_SIZE = 256
"""Runs of HTML smaller than this are left to Python-Markdown (nothing to gain)."""
_FIRST_TAG = re.compile(r"<([a-z][a-z0-9]*)(?=[\s>])")
_RISKY = re.compile(r"<!--|<!\[|<\?|<(?:script|style|pre|textarea)\b|[\t\r\x02\x03]|\n +\n|```|~~~")
"""What Python-Markdown would not pass through unchanged, or reads differently: comments,
CDATA, raw-text elements, whitespace it normalizes (tabs, CR, blank lines of spaces), fences."""
_BLOCK = frozenset(BLOCK_LEVEL_ELEMENTS) - {"hr", "pre", "script", "style", "textarea"}


def placeholder(index: int) -> str:
    """The element standing in for a run set aside (block-level, like the run)."""
    return f'<div data-mzkb-raw="{index}"></div>'


@lru_cache(maxsize=64)
def _tag_pattern(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}(?=[\s>/])")


def element_end(text: str, start: int) -> int | None:
    """Where the block-level element opening at ``start`` ends (after its own closing tag,
    nested elements of the same name counted), or None."""
    match = _FIRST_TAG.match(text, start)
    if match is None or match.group(1) not in _BLOCK:
        return None
    depth = 0
    for found in _tag_pattern(match.group(1)).finditer(text, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end() + 1 if text.startswith(">", found.end()) else None
    return None


def run_end(text: str, start: int) -> int | None:
    """The end of a run of elements from ``start`` (a paragraph start), each opening at the start
    of a line right after the previous one, the last followed by a blank line or the end of the
    text; None when the text there is anything else."""
    pos = start
    while True:
        end = element_end(text, pos)
        if end is None:
            return None
        after = text[end:end + 2]
        if after in ("", "\n", "\n\n"):
            return end
        if after[0] != "\n" or after[1] != "<":
            return None
        pos = end + 1


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """(the Markdown with its large runs of HTML elements replaced by placeholders, the runs)."""
    if "```" in markdown or "~~~" in markdown:
        return markdown, []
    pieces: list[str] = []
    kept: list[str] = []
    done = start = 0
    while start < len(markdown):
        end = run_end(markdown, start) if markdown.startswith("<", start) else None
        if end is not None and end - start >= MIN_SIZE:
            run = markdown[start:end]
            if not _RISKY.search(run) and not re.search(r"<([a-z][a-z0-9]*)\b[^<>]*/>", run):
                pieces += [markdown[done:start], placeholder(len(kept))]
                kept.append(run)
                done = end
        following = markdown.find("\n\n", end if end is not None else start)
        if following < 0:
            break
        start = following + 2
    pieces.append(markdown[done:])
    return "".join(pieces), kept


def put_back(html: str, kept: list[str]) -> str | None:
    """The HTML with each placeholder replaced by its run; None when a placeholder does not
    occur exactly once (the page must then be converted as written)."""
    for index, run in enumerate(kept):
        mark = placeholder(index)
        if html.count(mark) != 1:
            return None
        html = html.replace(mark, run)
    return html
