"""The content cache's markdown analyses: a body's sections, links, raw HTML, first
paragraph and article leads as plain tuples (JSON arrays in ``.mzkb/cache``), their keys, and the checks that
read them back (a wrongly shaped entry is dropped and its body parsed again)."""

from __future__ import annotations

from ..cache import BadEntry, digest, expect
from ..markdown import VERSION as MARKDOWN_VERSION
from ..markdown import analyse
from .loader import FRONT_MATTER_KEY, check_front_matter_entry
from .model import Article, Link, Section


def flatten_analysis(result: tuple) -> tuple:
    """A markdown analysis as plain tuples (JSON arrays in the cache)."""
    sections, links, html, first_paragraph, articles = result
    return ([(s.title, s.anchor, s.level, s.line, s.text) for s in sections],
            [(link.href, link.line, link.image) for link in links], html, first_paragraph,
            [(a.label, a.anchor, a.line) for a in articles])


def analysis_key(body: str, first_line: int) -> str:
    """The content-cache key of a body's markdown analysis."""
    return digest(MARKDOWN_VERSION, body, first_line)


def analyse_flat(body: str, first_line: int) -> tuple:
    """``flatten_analysis(analyse(...))``: what worker processes hand back to fill the cache."""
    return flatten_analysis(analyse(body, first_line))


def check_flat_analysis(value: object) -> list:
    """A cached analysis read back from JSON (``flatten_analysis`` with lists for tuples);
    ``cache.BadEntry`` when it has another shape."""
    if not (isinstance(value, list) and len(value) == 5 and isinstance(value[3], str)):
        raise BadEntry("analysis")
    sections, links, html, _, articles = value
    shapes = ((sections, (str, str, int, int, str)), (links, (str, int, bool)), (html, (str, int, str)),
              (articles, (str, str, int)))
    for items, kinds in shapes:
        if not isinstance(items, list):
            raise BadEntry("analysis part")
        for item in items:
            if not (isinstance(item, list) and len(item) == len(kinds)
                    and all(type(v) is k for v, k in zip(item, kinds))):
                raise BadEntry("analysis item")
    return value


def memo_entries(data: object) -> dict:
    """The content cache's entries read back from JSON, each checked; wrong ones are dropped
    (their files are parsed again)."""
    expect(data, dict, "content cache")
    good = {}
    for key, value in data.items():
        try:
            good[key] = check_front_matter_entry(value) if key.startswith(FRONT_MATTER_KEY) else check_flat_analysis(value)
        except BadEntry:
            continue
    return good


def unflatten_analysis(flat: tuple) -> tuple:
    """Inverse of ``flatten_analysis``."""
    sections, links, html, first_paragraph, articles = flat
    return ([Section(*s) for s in sections], [Link(*link) for link in links], html, first_paragraph,
            [Article(*a) for a in articles])
