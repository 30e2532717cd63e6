"""``mzkb serve``'s rebuilds: check and index the knowledge base for the MkDocs plugin.

MkDocs' live-reload server creates our plugin again on every rebuild, without a pipeline
around it. ``install()`` gives the plugin ``load`` as its loader: load -> validate -> link,
then the index stage (incrementally, from the cache, against the preview folder that MkDocs
keeps between rebuilds; no Whoosh index). This module sits above the pipeline and the site
package, so neither imports the other backwards.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from .cache import Cache
from .pipeline import prepare
from .releases import history_or_empty
from .search import indexer
from .site.model import RenderInput
from .site.plugin import MzkbPlugin

SERVE_INDEX_CACHE = "index-serve.json"


def load(site_config: str, site_dir: Path) -> RenderInput:
    """The render input of one preview rebuild (raises MkDocs' ``PluginError`` on errors)."""
    result = prepare(site_config)
    if result.failed:
        raise PluginError("\n".join(d.format() for d in result.diagnostics))
    cache = Cache(result.config.state_dir)
    state = cache.load(SERVE_INDEX_CACHE, check=indexer.check_state)
    index = indexer.start(result.corpus, result.config, None, state, site_dir).result()
    cache.save(SERVE_INDEX_CACHE, index.state)
    files = dict(index.browser.files)
    files.update({rel: None for rel in index.browser.reused})  # already in the preview folder
    return RenderInput(result.config, result.corpus, files, history=history_or_empty(result.config.root),
                       reuse_from=site_dir, cache=cache, serve=True)


def install() -> None:
    """Let the plugin check and index the knowledge base itself on every rebuild."""
    MzkbPlugin.loader = staticmethod(load)
