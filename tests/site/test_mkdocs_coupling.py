"""Where mzkb leans on MkDocs and Material internals, a test fails loudly when they change.

Our copy of Material's header partial must track upstream outside the part we replace:
``theme/partials/header.html`` is Material's ``partials/header.html`` with its search (the
``material/search`` block) replaced by mzkb's search box and version selector, and its parts
other than the page title wrapped in per-folder fragment tags. When a Material
release changes anything else in the header, this test fails: copy the new upstream header and
put our block in again.
"""

from __future__ import annotations

import logging
import re
from importlib.resources import files as package_files
from pathlib import Path

from mzkb.pipeline import build
from mzkb.render.mkdocs import is_dirty_notice

UPSTREAM_START = '{% if "material/search" in config.plugins %}'
OURS_START = "{#- mzkb:"
"""Our block starts at the first ``{#- mzkb: …`` comment (elder-mode toggle, search box, version selector)."""
AFTER = "{% if config.repo_url %}"


FRAGMENT_TAGS = re.compile(r'{% call mzkb_fragment\("[\w-]+"\) %}|{% endcall %}')
"""Our per-folder fragment wrappers (generator/site/fragments.py), which add no output of their own."""


def _lines(text: str) -> list[str]:
    lines = FRAGMENT_TAGS.sub("", text).splitlines()
    return lines[3:] if lines[:1] == ["{#-"] else lines[1:]  # the leading comment differs


def _outside(lines: list[str], start: str) -> tuple[list[str], list[str]]:
    """(lines before the replaced block, lines after it): the block runs from ``start`` up to ``AFTER``."""
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    end = next(i for i in range(first, len(lines)) if lines[i].strip() == AFTER)
    return lines[:first], lines[end:]


def test_header_equals_upstream_outside_our_search_block():
    upstream = (Path(str(package_files("material"))) / "templates" / "partials" / "header.html").read_text(encoding="utf-8")
    ours = (Path(__file__).parents[2] / "theme" / "partials" / "header.html").read_text(encoding="utf-8")
    before_up, after_up = _outside(_lines(upstream), UPSTREAM_START)
    before_ours, after_ours = _outside(_lines(ours), OURS_START)
    assert before_ours == before_up
    assert after_ours == after_up


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_mkdocs_dirty_build_notice_is_recognised_and_dropped(small_kb: Path, monkeypatch):
    """An incremental build runs MkDocs dirty; its notice about dirty builds must be recognised
    (by where it is logged, not by its text) and must not reach the editor as MZ903."""
    monkeypatch.setenv("MZKB_RENDERER", "mkdocs")  # the MkDocs renderer's own coupling
    assert build(small_kb).ok
    doc = small_kb.parent / "content" / "guidelines" / "guide-2.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    handler = _Records()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addHandler(handler)
    try:
        result = build(small_kb)
    finally:
        logger.removeHandler(handler)
    assert result.ok
    assert [d for d in result.diagnostics if d.code == "MZ903"] == []
    assert len(handler.records) == 1 and is_dirty_notice(handler.records[0]), [r.getMessage() for r in handler.records]
