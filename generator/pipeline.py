"""The build, read as a sentence: load -> validate -> link -> render -> index -> write."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
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


def prepare(config_path: str | Path, strict: bool = False, today: dt.date | None = None,
            use_cache: bool = True) -> Prepared:
    """Load, validate and link a knowledge base; every problem of the run is collected.

    With ``use_cache``, markdown analyses of unchanged bodies come from ``.mzkb/cache``.
    """
    config, diags = load_config(config_path)
    if config is None:
        return Prepared(None, None, tuple(diags), strict)
    memo = markdown_memo(config) if use_cache else _TrackedMemo({})
    loaded = loader.load(config.content_dir, config.root, memo)
    prefill_markdown(memo, loaded.sources)
    documents, problems = schema.validate(loaded.sources, config, today, memo)
    if use_cache:
        save_markdown_memo(config, memo)
    corpus, link_problems = links.link(documents, config.content_dir)
    all_diags = sorted([*diags, *loaded.diagnostics, *problems, *link_problems], key=sort_key)
    return Prepared(config, corpus, tuple(all_diags), strict)


MARKDOWN_SHARDS = 16
"""The content cache is kept in this many files (by first hex digit of the key), so a rebuild
after one edit rewrites one small file, not all of them."""


def _shard_name(digit: str) -> str:
    return f"content-{digit}.json"


def markdown_memo(config: SiteConfig) -> dict:
    """Content hash -> parsed front matter / markdown analysis from the last run (empty when none)."""
    cache = Cache(config.state_dir)
    found: dict = {}
    for digit in "0123456789abcdef"[:MARKDOWN_SHARDS]:
        found.update(cache.load(_shard_name(digit), {}, check=schema.memo_entries))
    return _TrackedMemo(found)


class _TrackedMemo(dict):
    """A memo that remembers which entries this run used and which shards it added to."""

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.used: set[str] = set()
        self.added: set[str] = set()

    def get(self, key, default=None):  # noqa: D102
        self.used.add(key)
        return super().get(key, default)

    def __setitem__(self, key, value) -> None:
        self.added.add(_digit(key))
        super().__setitem__(key, value)


def _digit(key: str) -> str:
    """The shard of a key: the first hex digit of its hash."""
    return key[-40] if len(key) >= 40 else "0"


PARALLEL_PARSE_FROM = 400
"""Parse this many new bodies or more in worker processes (markdown-it is most of a cold check)."""


def prefill_markdown(memo: dict, sources) -> None:
    """Analyse bodies missing from the memo on every core when there are many (a cold build)."""
    missing = {}
    for src in sources:
        key = schema.analysis_key(src.body, src.body_line)
        if key not in memo:
            missing[key] = (src.body, src.body_line)
    if len(missing) < PARALLEL_PARSE_FROM or (os.cpu_count() or 1) < 2:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    keys = list(missing)
    with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")) as pool:
        bodies = [missing[k][0] for k in keys]
        lines = [missing[k][1] for k in keys]
        for key, result in zip(keys, pool.map(schema.analyse_flat, bodies, lines, chunksize=64)):
            memo[key] = result


def save_markdown_memo(config: SiteConfig, memo: dict) -> None:
    """Keep the entries this run used; rewrite only the shards that gained or lost entries."""
    used = getattr(memo, "used", set(memo))
    dirty = set(getattr(memo, "added", set()))
    dirty |= {_digit(k) for k in memo if k not in used}  # entries of deleted or edited files go
    cache = Cache(config.state_dir)
    try:
        for digit in sorted(dirty):
            cache.save(_shard_name(digit), {k: memo[k] for k in used if k in memo and _digit(k) == digit})
    except OSError:
        pass  # a read-only knowledge base still builds, only without the cache


def build(config_path: str | Path, *args, **kwargs) -> BuildResult:
    """Check, index, render into a staging folder and swap it into place on success (see
    ``_build``); one build at a time per knowledge base (``lock.build_lock``)."""
    from .lock import LockBusy, build_lock, state_dir_of

    try:
        with fewer_collections(), build_lock(state_dir_of(config_path)):
            return _build(config_path, *args, **kwargs)
    except LockBusy as busy:
        return BuildResult(Prepared(None, None, (busy.diagnostic(config_path),)), None)


def _build(config_path: str | Path, out_dir: str | Path | None = None, strict: bool = False, *, version=None,
          history: dict | None = None, epoch: int | None = None, previous_summary: dict | None = None,
          whoosh_dir: Path | None = None, incremental: bool = True, progress=None) -> BuildResult:
    """Check, index, render into a staging folder and swap it into place on success.

    ``version`` (a ``versions.VersionInfo``), ``history`` (git revisions per file), ``epoch``
    and ``previous_summary`` are given by versioned builds; a plain build reads the git
    history of the knowledge base itself. With ``incremental`` (plain builds only), pages and
    index entries of documents that did not change are taken from the previous build.
    ``progress`` (``progress.Progress``) is told about stages and rendered pages.
    """
    from . import releases
    from .search import indexer
    from .site.mkdocs import render
    from .site.plugin import RenderInput
    from .site.reuse import RENDER_CACHE
    from .writer import describe_os_error, link_files, refusal, resolve_output, write_atomically, write_files

    from .progress import quiet

    progress = progress or quiet()
    clock = Stopwatch()
    progress.stage("check", "检查内容")
    prepared = prepare(config_path, strict)
    progress.done("check")
    clock.lap("check")
    if prepared.failed:
        return BuildResult(prepared, None)
    config, corpus = prepared.config, prepared.corpus
    target = resolve_output(Path(out_dir) if out_dir else config.root / "site")  # a `site` symlink is followed
    protected = (config.root, config.content_dir, config.state_dir)
    if problem := refusal(target, protected):  # never replace the knowledge base or someone's files
        return BuildResult(prepared, None, (make("MZ910", str(target), 0, 0, path=str(target), detail=problem),))
    render_diags: list[Diagnostic] = []
    whoosh_target = whoosh_dir or config.state_dir / "whoosh"
    cache = Cache(config.state_dir)
    incremental = incremental and version is None
    previous_site = target if incremental and target.is_dir() else None
    if not incremental and whoosh_target == config.state_dir / "whoosh":
        cache.drop(indexer.INDEX_CACHE)  # the installed Whoosh index will no longer match it
    state = cache.load(indexer.INDEX_CACHE, check=indexer.check_state) if incremental else None
    progress.stage("index", "建立搜索索引")
    index_out = config.state_dir / f"index-{os.getpid()}"  # index workers write their segments here
    pending = indexer.start(corpus, config, whoosh_target, state, previous_site, index_out)  # large: worker processes
    indexes = None
    if history is None:
        history = releases.history_or_empty(config.root)
    summary = change_log = None
    if version is not None:
        from .versions import changes, doc_summary

        summary = doc_summary(corpus)
        change_log = changes(previous_summary or {}, summary)
    render_input = RenderInput(config, corpus, version=version, history=history, changes=change_log,
                               reuse_from=previous_site, cache=cache if incremental else None,
                               report={"progress": progress})

    def produce(stage: Path) -> bool:
        nonlocal indexes
        with source_date_epoch(config, corpus, epoch):
            render_diags.extend(render(render_input, stage))
        clock.lap("render")
        indexes = pending.result()
        progress.done("index")
        clock.lap("index (waiting after render)")
        if any(d.severity is Severity.ERROR for d in render_diags):
            return False
        write_files(stage, indexes.browser.files)
        if indexes.browser.reused:
            link_files(previous_site, stage, indexes.browser.reused)
        for folder, rel in indexes.browser.moved:
            shutil.move(str(folder), str(stage / rel))
        return True

    try:
        ok = write_atomically(target, produce, protected)
    except OSError as exc:
        render_diags.append(make("MZ902", str(target), 0, 0, path=str(target), detail=describe_os_error(exc)))
        ok = False
    try:
        indexes = indexes or pending.result()
    finally:
        shutil.rmtree(index_out, ignore_errors=True)
    if ok:
        indexes.whoosh.install()
    else:
        indexes.whoosh.discard()
    progress.close()
    clock.lap("write")
    if ok and incremental:
        try:
            cache.save(indexer.INDEX_CACHE, indexes.state)
            cache.save(RENDER_CACHE, render_input.report["reuse"].state(target))
        except OSError:
            pass  # the next build is a full one
    if ok:
        _write_report(config, clock, corpus, indexes, render_input.report)
    return BuildResult(prepared, target if ok else None, tuple(render_diags), summary, change_log)


@contextmanager
def fewer_collections():
    """Run with Python's cyclic garbage collector triggered less often.

    A build allocates millions of small objects that live until the end (terms, postings,
    pages); with the default thresholds the collector re-scans them over and over. The data
    has few reference cycles, so collecting rarely costs little memory and saves time.
    """
    import gc

    old = gc.get_threshold()
    gc.freeze()  # what exists now (imported modules) is never scanned again
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


class Stopwatch:
    """Seconds per build stage, for ``.mzkb/build-report.json`` and the benchmarks."""

    def __init__(self) -> None:
        import time

        self._now = time.perf_counter
        self._last = self._now()
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        """Close the stage ``name`` (the time since the previous lap)."""
        now = self._now()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self._last, 3)
        self._last = now


def _write_report(config: SiteConfig, clock: Stopwatch, corpus: Corpus, indexes, report: dict) -> None:
    """``.mzkb/build-report.json``: what the last build did and how long each stage took."""
    import json

    data = {"documents": len(corpus.documents), "stages": clock.stages,
            "rendered": report.get("rendered"), "reused_pages": report.get("reused"),
            "reindexed": indexes.reindexed, "browser_index_bytes_written": indexes.browser.bytes,
            "browser_index_files_reused": len(indexes.browser.reused), "index_workers": list(indexes.workers)}
    try:
        (config.state_dir / "build-report.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError:
        pass


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
