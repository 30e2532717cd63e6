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

from .ranking import browser_rules

SHIPPED = re.compile(r"assets/mzkb/search[\w-]*\.js")
"""Theme files minified on their way into the site."""
RULES = re.compile(r"/\*mzkb:rules\*/.*?/\*mzkb:rules-end\*/")
"""Where ``search.js`` receives ``ranking.browser_rules()`` (the ranking constants written once, in Python)."""


def with_rules(text: str) -> str:
    """A script with the ranking constants written in (each marker replaced by their JSON)."""
    return RULES.sub(lambda _: json.dumps(browser_rules(), sort_keys=True, separators=(",", ":")), text)


def shipped_script(source: Path) -> str:
    """The text the site ships for one of the theme's search scripts (``SHIPPED``): minified,
    with the ranking constants written into it. The renderer puts it in place of the file."""
    return jsmin(with_rules(source.read_text(encoding="utf-8")))
