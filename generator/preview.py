"""``mzkb serve``'s rebuilds: check and index the knowledge base for the MkDocs plugin.

MkDocs' live-reload server creates our plugin again on every rebuild, without a pipeline
around it. ``install()`` gives the plugin a ``Session``'s ``load`` as its loader: load ->
validate -> link, then the index stage (incrementally against the preview folder that MkDocs
keeps between rebuilds; no Whoosh index). This module sits above the pipeline and the site
package, so neither imports the other backwards.

The session lives as long as the server and keeps in memory what the last rebuild read:

- each Markdown file's stamp, ``Source`` and diagnostics (``loader.LoadMemory``): only files
  whose size or times changed are read again;
- each file's validated ``Document`` and diagnostics, reused while its ``Source`` is the same
  object and the configuration, the build day and the other content files (attachments,
  media) are unchanged;
- the markdown analyses (the content cache, read from disk once and saved when the server stops);
- the index state of the preview folder (which documents its search segments hold);
- the git history of the files (``git log`` runs again only when HEAD moves);
- the last good rebuild's corpus and pages (``site.memory.PreviewMemory``).

- the link stage's last result (``content.relink.LinkMemory``), reused when the edits changed
  nothing it reads (only the text of bodies); otherwise the whole corpus is linked again
  (relations, derived states, link and anchor checks are global).

Every diagnostic of the knowledge base is reported on every rebuild, as ``mzkb check``
reports it; the index stage fingerprints every document on every rebuild.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .cache import Cache
from .config import load_config
from .content import loader, refs, schema
from .content.relink import LinkMemory
from .diagnostics import sort_key
from .pipeline import Prepared, as_of_date, markdown_memo, prefill_markdown, save_markdown_memo
from .releases import GitError, head_commit, history_or_empty
from .search import indexer, records
from .site.memory import PreviewMemory
from .render.plugin import MzkbPlugin
from .site.model import CheckFailed, RenderInput

class Session:
    """One ``mzkb serve`` run: what its rebuilds keep in memory (see the module's docstring)."""

    def __init__(self) -> None:
        self.files = loader.LoadMemory()
        self.documents: dict[str, tuple] = {}
        """Path -> (Source, Document or None, diagnostics) of the last validation."""
        self.validation_key: tuple = ()
        self.memo: dict | None = None
        self.memo_for: Path | None = None
        self.linking = LinkMemory()
        self.index_state: dict | None = None
        self.history: tuple | None = None
        self.config = None
        self.memory = PreviewMemory()

    def close(self) -> None:
        """Save the content cache (markdown analyses of the bodies edited while serving)."""
        if self.memo is not None and self.config is not None:
            save_markdown_memo(self.config, self.memo)

    def check(self, site_config: str | Path) -> tuple[Prepared, tuple]:
        """``pipeline.prepare`` of the knowledge base, reusing what did not change since the
        last rebuild; also the settings the generated pages depend on besides the corpus."""
        config, config_diags = load_config(site_config)
        if config is None:
            return Prepared(None, None, tuple(config_diags)), ()
        if self.memo is None or self.memo_for != config.state_dir:
            self.memo, self.memo_for = markdown_memo(config), config.state_dir
        loaded = loader.load(config.content_dir, config.root, self.memo, self.files)
        others = {path: stamp for path, stamp in self.files.stamps.items() if not path.endswith(".md")}
        day = as_of_date()  # the one as-of date of this rebuild: validation and linking judge on it
        key = (config, day, others)
        if key != self.validation_key:  # every document is checked again (from the content cache)
            self.documents, self.validation_key = {}, key
        documents, problems = self._validate(loaded.sources, config, day)
        self.config = config
        corpus, link_problems = self.linking.link(documents, config.content_dir, day, key)
        link_problems = refs.without_failed(link_problems, documents, loaded.sources)
        diagnostics = sorted([*config_diags, *loaded.diagnostics, *problems, *link_problems], key=sort_key)
        return Prepared(config, corpus, tuple(diagnostics)), key

    def _validate(self, sources, config, today: dt.date) -> tuple[list, list]:
        """``schema.validate`` of the sources as of ``today``, taking unchanged ones from the last rebuild."""
        fresh = [src for src in sources if self.documents.get(str(src.path), (None,))[0] is not src]
        prefill_markdown(self.memo, fresh)
        kept: dict[str, tuple] = {}
        documents, problems = [], []
        for src in sources:
            found = self.documents.get(str(src.path))
            if found is None or found[0] is not src:
                doc, diags = schema.validate_one(src, config, today, self.memo)
                found = (src, doc, tuple(diags))
            kept[str(src.path)] = found
            problems.extend(found[2])
            if found[1] is not None:
                documents.append(found[1])
        self.documents = kept
        return documents, problems

    def _history(self, root: Path) -> dict:
        """The git revisions of the knowledge base's files (read again when HEAD moves)."""
        try:
            head = head_commit(root)
        except GitError:
            return {}
        if self.history is None or self.history[0] != (root, head):
            self.history = ((root, head), history_or_empty(root))
        return self.history[1]

    def load(self, site_config: str, site_dir: Path) -> RenderInput:
        """The render input of one preview rebuild (raises ``CheckFailed`` on errors)."""
        result, key = self.check(site_config)
        if result.failed:
            raise CheckFailed("\n".join(d.format() for d in result.diagnostics))
        history = self._history(result.config.root)
        corpus = self.memory.intern(result.corpus)
        self.memory.compare(corpus, (key, history))
        # the index state describes the preview folder (this session's own): kept in memory
        index = indexer.start(corpus, result.config, None, self.index_state, site_dir).result()
        if self.index_state is None and corpus.documents:
            # the full index was built by worker processes: analyse one document here, so that
            # the segmenters the next rebuilds need are made now, not on the first edit
            next(records.analyzed_documents(corpus, result.config, only={corpus.documents[0].id}), None)
        self.index_state = index.state
        files = dict(index.browser.files)
        files.update({rel: None for rel in index.browser.reused})  # already in the preview folder
        return RenderInput(result.config, corpus, files, history=history, reuse_from=site_dir,
                           cache=Cache(result.config.state_dir), memory=self.memory)


def install() -> Session:
    """Let the plugin check and index the knowledge base itself on every rebuild, through one
    session that keeps what it can in memory between rebuilds."""
    session = Session()
    MzkbPlugin.loader = staticmethod(session.load)
    return session
