"""markdown-it-py as the analysis parser: sections, links, excerpts and the one slug function.

``slugify`` is handed to MkDocs' toc extension as well, so every anchor in the index
is the anchor on the page.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .content.model import Link, Section

_DROP = re.compile(r"[^\w\s-]", re.UNICODE)
_SPACES = re.compile(r"[\s_-]+", re.UNICODE)


def slugify(value: str, separator: str = "-") -> str:
    """Readable, stable anchor for a heading: Han characters kept, punctuation dropped.

    ``一、总体要求`` -> ``一总体要求``; ``Q&A 第 2 条`` -> ``qa-第-2-条``.
    MkDocs' toc calls this with (text, separator).
    """
    value = unicodedata.normalize("NFKC", value).lower()
    value = _DROP.sub("", value)
    value = _SPACES.sub(separator, value).strip(separator)
    return value or "section"


def unique_anchor(anchor: str, used: set[str]) -> str:
    """Mirror Python-Markdown toc's de-duplication (``x``, ``x_1``, ``x_2`` …)."""
    candidate, n = anchor, 0
    while candidate in used:
        n += 1
        candidate = f"{anchor}_{n}"
    used.add(candidate)
    return candidate


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared markdown-it-py parser (CommonMark + tables + strikethrough)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


def inline_text(token: Token) -> str:
    """Plain text of an inline token (emphasis, code and links flattened)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def analyse(body: str, first_line: int = 1) -> tuple[list[Section], list[Link], list[tuple[str, int, str]], str]:
    """Parse a body once.

    Returns (sections, links, raw_html, first_paragraph) where raw_html lists
    (html, line, kind) and lines are file lines (``first_line`` = line of body line 1).
    Text before the first heading forms a section with an empty title.
    """
    tokens = parser().parse(body)
    sections: list[Section] = []
    links: list[Link] = []
    html: list[tuple[str, int, str]] = []
    used: set[str] = set()
    current_title, current_level, current_line, current_anchor = "", 1, first_line, ""
    texts: list[str] = []
    first_paragraph = ""
    in_paragraph = False
    for index, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + first_line
        if token.type == "heading_open":
            if texts or current_title:
                sections.append(Section(current_title, current_anchor, current_level, current_line, "\n".join(texts)))
            title = inline_text(tokens[index + 1])
            current_title, current_level, current_line = title, int(token.tag[1]), line
            current_anchor = unique_anchor(slugify(title), used)
            texts = []
        elif token.type == "paragraph_open":
            in_paragraph = True
        elif token.type == "paragraph_close":
            in_paragraph = False
        elif token.type == "inline":
            if tokens[index - 1].type != "heading_open":
                text = inline_text(token)
                texts.append(text)
                if in_paragraph and not first_paragraph and text.strip():
                    first_paragraph = text.strip()
            for child in token.children or []:
                if child.type == "link_open":
                    links.append(Link(_as_written(str(child.attrs.get("href", ""))), line))
                elif child.type == "image":
                    links.append(Link(_as_written(str(child.attrs.get("src", ""))), line))
                elif child.type == "html_inline":
                    html.append((child.content, line, "inline"))
        elif token.type == "html_block":
            html.append((token.content, line, "block"))
        elif token.type in ("fence", "code_block"):
            texts.append(token.content)
    if texts or current_title:
        sections.append(Section(current_title, current_anchor, current_level, current_line, "\n".join(texts)))
    return sections, links, html, first_paragraph


def _as_written(href: str) -> str:
    """markdown-it percent-encodes link targets; give them back as the editor wrote them."""
    return unquote(href)


def excerpt(text: str, limit: int = 120) -> str:
    """Shorten plain text to ``limit`` characters at most, ending with … if cut."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
