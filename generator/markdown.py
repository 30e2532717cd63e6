"""markdown-it-py, the one Markdown parser of document bodies: analysis, anchors and HTML.

The same parser (``parser()``) analyses a body at check time (sections, links, raw HTML,
first paragraph) and renders it into the page, and one core rule (``heading_anchors``) gives
every heading its ``id``: an explicit ``{#id}`` wins, otherwise ``slugify`` of its text,
de-duplicated as ``x``, ``x_1`` … So the page's ids, its table of contents, the search index
and the link check (MZ404) all read the same anchors. A second core rule (``article_anchors``)
gives every article lead — a paragraph starting ``第十二条`` — the id ``第十二条``, so a link can
point at an article (``办法.md#第十二条``; MZ740 when the article does not exist).
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

from .content.model import Article, Link, Section

VERSION = "mdit-3"
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


_ARTICLE_LEAD = re.compile(r"^第([零〇一二三四五六七八九十百千两\d]{1,8})条(?:之([一二三四五六七八九十\d]{1,3}))?(?=[\s:：.．、,，(（【〔\[]|$)")
_INVISIBLE = " \t\n\u200b\u200c\u200d\u2060\ufeff"
"""Blanks and zero-width characters that may stand before an article label (pasted texts carry them)."""
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_number(text: str) -> int:
    """``十二`` -> 12, ``一百零五`` -> 105, ``12`` -> 12 (the numbers of article labels)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit


def article_label(text: str) -> str:
    """The article label a paragraph or heading starts with (``第十二条　县级以上…`` -> ``第十二条``),
    else ``""``; the label must be followed by a blank, a punctuation mark or nothing."""
    found = _ARTICLE_LEAD.match(unicodedata.normalize("NFKC", text).lstrip(_INVISIBLE))
    return found.group(0) if found else ""


def article_key(label: str) -> str:
    """The number of an article label, however it is written: ``第十二条`` and ``第12条`` -> ``12``,
    ``第一百二十条之一`` -> ``120-1``; ``""`` for a text that is not an article label."""
    found = _ARTICLE_LEAD.match(unicodedata.normalize("NFKC", label))
    if found is None or found.end() != len(unicodedata.normalize("NFKC", label)):
        return ""
    number, sub = found.groups()
    return f"{_cn_number(number)}" + (f"-{_cn_number(sub)}" if sub else "")


def _lead_label(inline: Token) -> str:
    """The article label at the start of an inline token (plain, or in bold: ``**第十二条**县级…``)."""
    if not inline.content.lstrip(_INVISIBLE + "*_").startswith("第"):  # most paragraphs: no work
        return ""
    label = article_label(inline_text(inline)[:40])
    children = [c for c in inline.children or [] if c.type != "text" or c.content]
    if not label and len(children) > 1 and children[0].type in ("strong_open", "em_open") and children[1].type == "text":
        whole = unicodedata.normalize("NFKC", children[1].content.strip())
        label = whole if article_key(whole) else ""
    return label


def article_anchors(state: StateCore) -> None:
    """Core rule (after ``heading_anchors``): every article lead gets an ``id``, its label made unique
    against every id of the page; a heading starting with a label keeps its own id. The label goes
    into ``token.meta["article"]`` of the element that carries the id (for ``analyse``)."""
    tokens = state.tokens
    used = {str(t.attrGet("id")) for t in tokens if t.attrGet("id")}
    for i, token in enumerate(tokens[:-1]):
        if token.type not in ("paragraph_open", "heading_open") or tokens[i + 1].type != "inline":
            continue
        label = _lead_label(tokens[i + 1])
        if not label:
            continue
        holder = token
        if token.type == "paragraph_open":
            if token.hidden:  # a tight list hides its paragraphs: the list item carries the id
                if i == 0 or tokens[i - 1].type != "list_item_open" or tokens[i - 1].attrGet("id"):
                    continue
                holder = tokens[i - 1]
            if not holder.attrGet("id"):
                holder.attrSet("id", unique_anchor(label, used))
        holder.meta["article"] = label


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
    md.core.ruler.push("article_anchors", article_anchors)
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


def analyse(body: str, first_line: int = 1) -> tuple[list[Section], list[Link], list[tuple[str, int, str]], str,
                                                    list[Article]]:
    """Parse a body once.

    Returns (sections, links, raw_html, first_paragraph, articles) where raw_html lists
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
    articles: list[Article] = []
    for index, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + first_line
        if "article" in token.meta:
            articles.append(Article(token.meta["article"], str(token.attrGet("id")), line))
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
    return sections, links, html, first_paragraph, articles


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
