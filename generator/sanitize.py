"""The one sanitizer policy of document bodies: an nh3 allow-list, applied at render and at check.

``clean`` passes every rendered document body through nh3 with the allow-list below. ``problems``
reads the same allow-list at check time: every tag, attribute or URL that ``clean`` would strip
from what the editor wrote (raw HTML, link and image targets) is reported with its line —
MZ601 (error) for what could run a script or embed something, MZ610 (warning) for harmless
markup that would simply disappear — and remote images (``![](https://…)``) are MZ611 (error)
or MZ612 (warning) by ``validation.remote_resources``, since the site must work offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

from .urls import scheme_of

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "ftp"}
URL_ATTRIBUTES = {"href", "src"}
"""Attributes whose value is a URL (checked against ``URL_SCHEMES``)."""

ACTIVE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "svg", "math", "form",
    "input", "button", "textarea", "select", "option", "base", "meta", "link", "template", "noscript", "noembed",
    "noframes", "xmp", "plaintext", "portal", "video", "audio", "source", "track", "image", "xml", "import",
}
"""Tags the allow-list drops that could run code, send data or embed other content: MZ601."""
ACTIVE_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "xlink:href", "background", "dynsrc", "lowsrc"}

# A tag-like start with what a browser may treat as an event handler or script URL even where an
# HTML parser does not (``<img/src=x/onerror=…>``, unterminated tags): reported as MZ601 as well.
# Text such as ``&lt;img onerror=…&gt;`` (no literal ``<``) is shown as text and passes.
_SUSPICIOUS = re.compile(r"<[a-z][^>]*?([\s/\"'`]on[a-z]+\s*=|(?:java|vb)script\s*:|data\s*:\s*text/html)", re.I)
_LEADING = "".join(map(chr, range(33)))
_URL_NOISE = re.compile(r"[\t\n\r]")


def clean(html: str) -> str:
    """Keep only allow-listed markup; scripts, event handlers and javascript: URLs are dropped."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                     strip_comments=True)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a body that ``clean`` would strip or that would not load offline."""

    code: str
    """MZ601, MZ610, MZ611 or MZ612."""
    line: int
    """File line."""
    value: str
    """What the editor wrote (a tag, attribute or URL)."""


def url_scheme(url: str) -> str:
    """The scheme a browser sees (lowercase; '' for a relative URL), after the same clean-up as
    the WHATWG URL parser (leading controls and spaces dropped, tabs and newlines removed)."""
    return scheme_of(_URL_NOISE.sub("", url).lstrip(_LEADING))


def is_remote(url: str) -> bool:
    """True for a URL that a reader's browser would fetch from the network."""
    url = _URL_NOISE.sub("", url).strip()
    return url_scheme(url) in ("http", "https", "ftp") or url.startswith("//")


def url_problem(url: str, line: int, image: bool, remote: str) -> Problem | None:
    """A link or image target: a scheme outside the allow-list (MZ601), or a remote image."""
    scheme = url_scheme(url)
    if scheme and scheme not in URL_SCHEMES:
        return Problem("MZ601", line, url)
    if image and is_remote(url):
        return Problem("MZ611" if remote == "error" else "MZ612", line, url)
    return None


class _Policy(HTMLParser):
    """Reads raw HTML with Python's HTML parser and lists what the allow-list would strip."""

    def __init__(self, first_line: int, remote: str) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line, self.remote = first_line, remote
        self.found: list[Problem] = []

    def _add(self, code: str, value: str) -> None:
        self.found.append(Problem(code, self.first_line + self.getpos()[0] - 1, value))

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: D102
        if tag not in TAGS:
            self._add("MZ601" if tag in ACTIVE_TAGS else "MZ610", f"<{tag}>")
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name.startswith("on") or name in ACTIVE_ATTRIBUTES:
                self._add("MZ601", f"{name}=")
            elif tag in TAGS and name not in allowed:
                self._add("MZ610", f"{name}=")
            elif name in URL_ATTRIBUTES and value is not None:
                problem = url_problem(value, 0, tag == "img", self.remote)
                if problem:
                    self._add(problem.code, value)

    handle_startendtag = handle_starttag


def html_problems(fragment: str, line: int, remote: str = "warning") -> list[Problem]:
    """What ``clean`` would strip from one fragment of raw HTML starting at file line ``line``."""
    policy = _Policy(line, remote)
    policy.feed(fragment)
    policy.close()
    found = policy.found
    if not any(p.code == "MZ601" for p in found):
        for number, text in enumerate(fragment.split("\n")):
            suspicious = _SUSPICIOUS.search(text)
            if suspicious:
                found.append(Problem("MZ601", line + number, suspicious.group(1).strip(" /\"'`")))
                break
    return found


def problems(raw_html: list[tuple[str, int, str]], links: list[tuple[str, int, bool]],
             remote: str = "warning") -> list[Problem]:
    """Every problem of a body: ``raw_html`` as (html, line, kind), ``links`` as (url, line, is_image).

    Fragments of kind ``text`` are tag-like text that the page shows as text: only what would
    run if it were HTML is reported for them.
    """
    found: list[Problem] = []
    for fragment, line, kind in raw_html:
        found.extend(p for p in html_problems(fragment, line, remote) if kind != "text" or p.code == "MZ601")
    for url, line, image in links:
        problem = url_problem(url, line, image, remote)
        if problem:
            found.append(problem)
    return found
