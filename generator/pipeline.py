"""The build, read as a sentence: load -> validate -> link -> render -> index -> write."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig, load_config
from .content import links, loader, schema
from .content.links import Corpus
from .diagnostics import Diagnostic, Severity, make, sort_key


@dataclass(frozen=True, slots=True)
class Prepared:
    """Result of the checking stages (load, validate, link)."""

    config: SiteConfig | None
    corpus: Corpus | None
    diagnostics: tuple[Diagnostic, ...]
    strict: bool = False

    @property
    def failed(self) -> bool:
        """True when a build must not go on."""
        return self.config is None or self.corpus is None or any(
            d.severity is Severity.ERROR or self.strict for d in self.diagnostics
        )


@dataclass(frozen=True, slots=True)
class BuildResult:
    """Result of a whole build."""

    prepared: Prepared
    out_dir: Path | None
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    summary: dict | None = None
    """Versioned builds: the document summary the next release is compared with."""
    changes: dict | None = None
    """Versioned builds: what changed since the previous release (the 更新记录 page)."""

    @property
    def ok(self) -> bool:
        """True when the new site is in place."""
        return self.out_dir is not None


def prepare(config_path: str | Path, strict: bool = False, today: dt.date | None = None) -> Prepared:
    """Load, validate and link a knowledge base; every problem of the run is collected."""
    config, diags = load_config(config_path)
    if config is None:
        return Prepared(None, None, tuple(diags), strict)
    loaded = loader.load(config.content_dir, config.root)
    documents, problems = schema.validate(loaded.sources, config, today)
    corpus, link_problems = links.link(documents, config.content_dir)
    all_diags = sorted([*diags, *loaded.diagnostics, *problems, *link_problems], key=sort_key)
    return Prepared(config, corpus, tuple(all_diags), strict)


def build(config_path: str | Path, out_dir: str | Path | None = None, strict: bool = False, *, version=None,
          history: dict | None = None, epoch: int | None = None, previous_summary: dict | None = None,
          whoosh_dir: Path | None = None) -> BuildResult:
    """Check, index, render into a staging folder and swap it into place on success.

    ``version`` (a ``versions.VersionInfo``), ``history`` (git revisions per file), ``epoch``
    and ``previous_summary`` are given by versioned builds; a plain build reads the git
    history of the knowledge base itself.
    """
    from . import releases
    from .search import indexer
    from .site.mkdocs import render
    from .site.plugin import RenderInput
    from .writer import write_atomically, write_files

    prepared = prepare(config_path, strict)
    if prepared.failed:
        return BuildResult(prepared, None)
    config, corpus = prepared.config, prepared.corpus
    target = Path(out_dir) if out_dir else config.root / "site"
    render_diags: list[Diagnostic] = []

    whoosh_target = whoosh_dir or config.state_dir / "whoosh"
    pending = indexer.start(corpus, config, whoosh_target)  # a second process for large corpora
    indexes = None
    if history is None:
        history = releases.history_or_empty(config.root)
    summary = change_log = None
    if version is not None:
        from .versions import changes, doc_summary

        summary = doc_summary(corpus)
        change_log = changes(previous_summary or {}, summary)
    render_input = RenderInput(config, corpus, version=version, history=history, changes=change_log)

    def produce(stage: Path) -> bool:
        nonlocal indexes
        with source_date_epoch(config, corpus, epoch):
            render_diags.extend(render(render_input, stage))
        indexes = pending.result()
        if any(d.severity is Severity.ERROR for d in render_diags):
            return False
        write_files(stage, indexes.browser.files)
        return True

    try:
        ok = write_atomically(target, produce)
    except OSError as exc:
        render_diags.append(make("MZ902", str(target), 0, 0, path=str(target), detail=exc.strerror or str(exc)))
        ok = False
    indexes = indexes or pending.result()
    if ok:
        indexes.whoosh.install()
    else:
        indexes.whoosh.discard()
    return BuildResult(prepared, target.absolute() if ok else None, tuple(render_diags), summary, change_log)


def build_epoch(config: SiteConfig, corpus: Corpus) -> int:
    """SOURCE_DATE_EPOCH if set, else the HEAD commit time, else the newest document date."""
    from .releases import GitError, head_epoch

    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        commit_time = head_epoch(config.root)
    except GitError:
        commit_time = None
    if commit_time is not None:
        return commit_time
    newest = max((d.date for d in corpus.documents), default=dt.date(2020, 1, 1))
    return int(dt.datetime.combine(newest, dt.time(), dt.timezone.utc).timestamp())


@contextmanager
def source_date_epoch(config: SiteConfig, corpus: Corpus, epoch: int | None = None):
    """Pin SOURCE_DATE_EPOCH during rendering so MkDocs' sitemap dates are reproducible."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch if epoch is not None else build_epoch(config, corpus))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
