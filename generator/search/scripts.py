"""The browser search's scripts as the site ships them: minified.

``theme/assets/mzkb/search*.js`` stay readable (comments explain the ranking they mirror);
every page of the site loads them, so the built site carries them through ``rjsmin``, which
only drops comments and whitespace (names and behaviour unchanged, same output for the same
input: builds stay byte-identical).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rjsmin import jsmin

from . import analyzer
from .ranking import browser_rules

SHIPPED = re.compile(r"assets/mzkb/search[\w-]*\.js")
"""Theme files minified on their way into the site."""
RULES = re.compile(r"/\*mzkb:rules\*/.*?/\*mzkb:rules-end\*/")
"""Where ``search.js`` receives ``ranking.browser_rules()`` (the ranking constants written once, in Python)."""


ANALYZER_RULES = re.compile(r"/\*mzkb:analyzer\*/.*?/\*mzkb:analyzer-end\*/")
"""Where ``search-analyzer.js`` receives ``analyzer.browser_rules()`` (brackets, 文号 patterns, word sizes)."""


def with_rules(text: str) -> str:
    """A script with the ranking constants and analyzer rules written in (each marker replaced by their JSON)."""
    text = RULES.sub(lambda _: _json(browser_rules()), text)
    return ANALYZER_RULES.sub(lambda _: _json(analyzer.browser_rules()), text)


def _json(rules: dict) -> str:
    """ASCII JSON (non-ASCII characters as \\u escapes: safe in any script encoding and engine)."""
    return json.dumps(rules, sort_keys=True, separators=(",", ":"))


def shipped_script(source: Path) -> str:
    """The text the site ships for one of the theme's search scripts (``SHIPPED``): minified,
    with the ranking constants written into it. The renderer puts it in place of the file."""
    return jsmin(with_rules(source.read_text(encoding="utf-8")))
