"""Child of bench/compare.py: convert every document body of a knowledge base, timed.

Runs with whichever ``generator`` is first on the path. The new code renders with
markdown-it-py (``mzkb.markdown.render``); the old one with Python-Markdown as MkDocs'
``Page.render`` did (a new ``Markdown`` instance per page, the extensions of the generated
mkdocs.yml; MkDocs' own link and anchor tree processors are left out, which favours the old
code slightly). Both then sanitize with nh3. Prints ``MZKB_BODIES={...}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from mzkb.pipeline import prepare
from mzkb.render.mkdocs import mkdocs_config


def old_converter(config):
    import markdown

    from mzkb.markdown import slugify
    from mzkb.site.sanitize import clean

    names, settings = [], {}
    for entry in mkdocs_config(config, Path("/tmp"))["markdown_extensions"]:
        if isinstance(entry, str):
            names.append(entry)
        else:
            (name, options), = entry.items()
            names.append(name)
            settings[name] = {k: (slugify if v == "__SLUGIFY__" else v) for k, v in options.items()}

    def convert(body: str) -> str:
        return clean(markdown.Markdown(extensions=names, extension_configs=settings).convert(body))

    return convert


def new_converter(config):
    from mzkb.markdown import render
    from mzkb.sanitize import clean

    return lambda body: clean(render(body).html)


def main() -> None:
    prepared = prepare(Path(sys.argv[1]), use_cache=False)
    try:
        import mzkb.sanitize  # noqa: F401 (only the new code has it)
        convert, code = new_converter(prepared.config), "new"
    except ImportError:
        convert, code = old_converter(prepared.config), "old"
    bodies = [doc.body for doc in prepared.corpus.documents]
    convert(bodies[0])  # imports and parser set-up are not counted
    start = time.perf_counter()
    size = sum(len(convert(body)) for body in bodies)
    seconds = time.perf_counter() - start
    print("MZKB_BODIES=" + json.dumps({"code": code, "bodies": len(bodies), "ms_per_body": round(1000 * seconds / len(bodies), 2),
                                       "html_bytes": size}))


if __name__ == "__main__":
    main()
