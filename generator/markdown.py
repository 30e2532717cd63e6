"""markdown-it-py, the one Markdown parser of document bodies: analysis, anchors and HTML.

The same parser (``parser()``) analyses a body at check time (sections, links, raw HTML,
first paragraph) and renders it into the page, and one core rule (``heading_anchors``) gives
every heading its ``id``: an explicit ``{#id}`` wins, otherwise ``slugify`` of its text,
de-duplicated as ``x``, ``x_1`` … So the page's ids, its table of contents, the search index
and the link check (MZ404) all read the same anchors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .content.model import Link, Section

VERSION = "mdit-2"
"""Part of the content-cache key of an analysis: bump when ``analyse`` gives other results."""

TOC_LEVELS = (2, 4)
"""Heading levels listed in a page's table of contents."""

_DROP = re.compile(r"[^\w\s-]", re.UNICODE)
_SPACES = re.compile(r"[\s_-]+", re.UNICODE)
# Python-Markdown attr_list syntax at the end of a heading: ``## 标题 {#id .class key=value}``
_HEADING_ATTRS = re.compile(r"[ \t]+\{:?[ \t]*([^}\n ][^}\n]*?)[ \t]*\}[ \t]*$")
_ATTR = re.compile(r"""([#.])([^\s#.="']+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_LINK_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
_ATTRS_ALLOWED = ("id", "class", "title", "width", "height", "lang")
"""What ``{…}`` after an image, link or code may set (event handlers can never be written this way)."""


def slugify(value: str, separator: str = "-") -> str:
    """Readable, stable anchor for a heading: Han characters kept, punctuation dropped.

    ``一、总体要求`` -> ``一总体要求``; ``Q&A 第 2 条`` -> ``qa-第-2-条``.
    MkDocs' toc calls this with (text, separator) for the generated (non-document) pages.
    """
    value = unicodedata.normalize("NFKC", value).lower()
    value = _DROP.sub("", value)
    value = _SPACES.sub(separator, value).strip(separator)
    return value or "section"


def unique_anchor(anchor: str, used: set[str]) -> str:
    """De-duplicate an anchor within a page: ``x``, ``x_1``, ``x_2`` …"""
    candidate, n = anchor, 0
    while candidate in used:
        n += 1
        candidate = f"{anchor}_{n}"
    used.add(candidate)
    return candidate


def _take_heading_attrs(inline: Token) -> dict[str, str]:
    """Strip a trailing ``{#id .class k=v}`` from a heading's inline token; return the attributes."""
    children = inline.children or []
    last = children[-1] if children else None
    found = _HEADING_ATTRS.search(inline.content)
    if found is None or last is None or last.type != "text" or not _HEADING_ATTRS.search(last.content):
        return {}
    inline.content = inline.content[: found.start()]
    last.content = _HEADING_ATTRS.sub("", last.content)
    attrs: dict[str, str] = {}
    for m in _ATTR.finditer(found.group(1)):
        if m.group(1) == "#":
            attrs["id"] = m.group(2)
        elif m.group(1) == ".":
            attrs["class"] = f"{attrs['class']} {m.group(2)}" if "class" in attrs else m.group(2)
        elif m.group(3).lower() in _ATTRS_ALLOWED:
            attrs[m.group(3).lower()] = next(v for v in m.group(4, 5, 6) if v is not None)
    return attrs


def heading_anchors(state: StateCore) -> None:
    """Core rule: every heading gets its ``id`` (THE anchor function of the project).

    Explicit ids (``{#id}``) are kept as written and reserved first; the other headings get
    ``slugify(text)``, made unique against every id of the page.
    """
    tokens = state.tokens
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    for i in headings:
        for key, value in _take_heading_attrs(tokens[i + 1]).items():
            tokens[i].attrSet(key, value)
    used = {str(tokens[i].attrGet("id")) for i in headings if tokens[i].attrGet("id")}
    for i in headings:
        if not tokens[i].attrGet("id"):
            tokens[i].attrSet("id", unique_anchor(slugify(inline_text(tokens[i + 1])), used))


def _permissive_link(url: str) -> bool:
    """Let every URL through the parser: the sanitizer policy decides (at check and at render)."""
    return True


def written_text(state: StateCore) -> None:
    """Core rule (before ``text_join``): keep the text of inline tokens that contain a ``<`` as
    the editor wrote it (entities as written, escapes blanked) in ``token.meta["written"]``.

    Tag-like text that is not HTML to CommonMark (``<svg/onload=…>``) is shown as text, but
    the check still refuses it (``sanitize.problems``).
    """
    for token in state.tokens:
        if token.type != "inline" or "<" not in token.content:
            continue
        parts = []
        for child in token.children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type == "text_special":
                parts.append(child.markup if child.info == "entity" else "\ufffd")
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            else:
                parts.append(" ")
        token.meta["written"] = "".join(parts)


def _keep_link(url: str) -> str:
    """Link targets stay as written (UTF-8 anchors and file names, like Python-Markdown did);
    only spaces and control characters are percent-encoded."""
    return _LINK_UNSAFE.sub(lambda m: "%{:02X}".format(ord(m.group(0))), url)


def _permalink(self, tokens: list[Token], idx: int, options, env) -> str:
    """``</hN>`` preceded by the ``¶`` permalink that Material styles (``a.headerlink``)."""
    anchor = escape(str(tokens[idx - 2].attrGet("id") or ""))
    return f'<a class="headerlink" href="#{anchor}" title="Permanent link">¶</a></{tokens[idx].tag}>\n'


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared parser: CommonMark + tables, ~~strikethrough~~, footnotes, definition lists,
    admonitions (``!!! note``), ``{#id}`` on headings and ``{.class}`` after images/links."""
    md = (MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin).use(deflist_plugin)
          .use(admon_plugin).use(attrs_plugin, allowed=_ATTRS_ALLOWED))
    md.validateLink = _permissive_link
    md.normalizeLink = _keep_link
    md.core.ruler.push("heading_anchors", heading_anchors)
    md.core.ruler.before("text_join", "written_text", written_text)
    md.add_render_rule("heading_close", _permalink)
    md.add_render_rule("footnote_block_open", lambda *a: '<div class="footnote">\n<hr>\n<ol>\n')
    md.add_render_rule("footnote_block_close", lambda *a: "</ol>\n</div>\n")
    return md


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


@dataclass(frozen=True, slots=True)
class Heading:
    """One entry of a page's table of contents."""

    level: int
    """2 for ``##`` …"""
    anchor: str
    """The heading's ``id`` on the page."""
    title: str
    """Plain text of the heading."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document body as HTML (not yet sanitized) and the headings of its table of contents."""

    html: str
    toc: tuple[Heading, ...]


def render(body: str) -> Rendered:
    """Render a body with the shared parser (the caller sanitizes the HTML)."""
    md = parser()
    env: dict = {}
    tokens = md.parse(body, env)
    low, high = TOC_LEVELS
    toc = tuple(Heading(int(t.tag[1]), str(t.attrGet("id")), inline_text(tokens[i + 1]))
                for i, t in enumerate(tokens) if t.type == "heading_open" and low <= int(t.tag[1]) <= high)
    return Rendered(md.renderer.render(tokens, md.options, env), toc)


def analyse(body: str, first_line: int = 1) -> tuple[list[Section], list[Link], list[tuple[str, int, str]], str]:
    """Parse a body once.

    Returns (sections, links, raw_html, first_paragraph) where raw_html lists
    (html, line, kind) and lines are file lines (``first_line`` = line of body line 1).
    Text before the first heading forms a section with an empty title. Links include every
    URL the editor wrote (``javascript:`` too), so that the check can refuse them.
    """
    tokens = parser().parse(body)
    sections: list[Section] = []
    links: list[Link] = []
    html: list[tuple[str, int, str]] = []
    current_title, current_level, current_line, current_anchor = "", 1, first_line, ""
    texts: list[str] = []
    first_paragraph = ""
    in_paragraph = False
    for index, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + first_line
        if token.type == "heading_open":
            if texts or current_title:
                sections.append(Section(current_title, current_anchor, current_level, current_line, "\n".join(texts)))
            current_title, current_level, current_line = inline_text(tokens[index + 1]), int(token.tag[1]), line
            current_anchor = str(token.attrGet("id"))
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
            _inline_parts(token, line, links, html)
            if "written" in token.meta:
                html.append((token.meta["written"], line, "text"))
        elif token.type == "html_block":
            html.append((token.content, line, "block"))
            if token.content.lstrip().lower().startswith("<table"):  # merged-cell tables: searchable text
                texts.append(_table_text(token.content))
        elif token.type in ("fence", "code_block"):
            texts.append(token.content)
    if texts or current_title:
        sections.append(Section(current_title, current_anchor, current_level, current_line, "\n".join(texts)))
    return sections, links, html, first_paragraph


def _table_text(block: str) -> str:
    """The cell texts of a raw HTML table, one row a line."""
    rows = re.split(r"</tr\s*>", block, flags=re.I)
    cells = [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]*>", " ", row))).strip() for row in rows]
    return "\n".join(c for c in cells if c)


def _inline_parts(token: Token, line: int, links: list[Link], html: list[tuple[str, int, str]]) -> None:
    """Collect the links, images and inline HTML of an inline token (with the line of each)."""
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            links.append(Link(_as_written(str(child.attrs.get("href", ""))), line))
        elif child.type == "image":
            links.append(Link(_as_written(str(child.attrs.get("src", ""))), line, True))
        elif child.type == "html_inline":
            html.append((child.content, line, "inline"))


def _as_written(href: str) -> str:
    """markdown-it percent-encodes link targets; give them back as the editor wrote them."""
    return unquote(href)


def excerpt(text: str, limit: int = 120) -> str:
    """Shorten plain text to ``limit`` characters at most, ending with … if cut."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
