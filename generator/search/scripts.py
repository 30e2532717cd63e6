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

from mkdocs.structure.files import File, Files
from rjsmin import jsmin

from .ranking import browser_rules

SHIPPED = re.compile(r"assets/mzkb/search[\w-]*\.js")
"""Theme files minified on their way into the site."""
RULES = re.compile(r"/\*mzkb:rules\*/.*?/\*mzkb:rules-end\*/")
"""Where ``search.js`` receives ``ranking.browser_rules()`` (the ranking constants written once, in Python)."""


def with_rules(text: str) -> str:
    """A script with the ranking constants written in (each marker replaced by their JSON)."""
    return RULES.sub(lambda _: json.dumps(browser_rules(), sort_keys=True, separators=(",", ":")), text)


def minify_search_scripts(files: Files, config) -> None:
    """Replace the theme's search scripts in ``files`` by their minified text, with the ranking
    constants written into them."""
    for file in [f for f in files if SHIPPED.fullmatch(f.src_uri) and f.abs_src_path]:
        text = with_rules(Path(file.abs_src_path).read_text(encoding="utf-8"))
        files.remove(file)
        files.append(File.generated(config, file.src_uri, content=jsmin(text)))
