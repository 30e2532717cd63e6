"""The build, read as a sentence: load -> validate -> link -> index -> render -> write.

``prepare`` runs the checking stages; ``build`` then plans the output, starts the index stage,
renders into a staging folder, publishes the index into it, swaps it into place and finishes
(Whoosh index installed, caches saved, build report written). ``rebuild`` runs the same stages
for ``mzkb serve``, again and again in one ``Session`` (what changed, kept in memory), rendered
in place into the preview folder.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Iterable

from .cache import Cache
from .clock import as_of_date, pinned_epoch, source_epoch
from .config import SiteConfig, load_config
from .content import analysis_cache, drafts, links, loader, refs, schema
from .content.relink import LinkMemory
from .content.changelog import changes, doc_summary
from .content.links import Corpus
from .diagnostics import Diagnostic, Severity, make, sort_key
from .foundations import fewer_collections
from .progress import Progress, quiet
from .releases import GitError, head_commit, head_epoch, history_or_empty
from .site.memory import PreviewMemory
from .site.model import RenderInput, RenderReport, VersionInfo
from .lock import LockBusy, build_lock, state_dir_of
from .site.reuse import RENDER_CACHE
from .writer import describe_os_error, link_files, refusal, resolve_output, restore_interrupted, write_atomically, write_files

if TYPE_CHECKING:
    from .search.indexer import IndexResult, Pending

# The index and render stages (Whoosh, jieba, MkDocs, Material) are imported by the steps that
# run them, so that `mzkb check`, which needs only ``prepare``, starts in a fraction of the time.


@dataclass(frozen=True, slots=True)
class Prepared:
    """Result of the checking stages (load, validate, link)."""

    config: SiteConfig | None
    corpus: Corpus | None
    diagnostics: tuple[Diagnostic, ...]
    strict: bool = False
    drafts: int = 0
    """Documents with ``draft: true``: checked, left out of the corpus."""

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
            use_cache: bool = True, session: Session | None = None) -> Prepared:
    """Load, validate and link a knowledge base; every problem of the run is collected.

    With ``use_cache``, markdown analyses of unchanged bodies come from ``.mzkb/cache``.
    ``today`` is the run's one as-of date (default ``as_of_date()``): validation (dates in the
    future) and linking (status on that day) both judge on it. ``session`` (``mzkb serve``):
    what the last run of the session read, validated and linked is reused where nothing it
    depends on changed, and drafts stay in the corpus (shown, marked 草稿).
    """
    config, diags = load_config(config_path)
    if config is None:
        return Prepared(None, None, tuple(diags), strict)
    today = today or as_of_date()
    run = session or Session(config.path, keep=False)  # a run of its own: nothing outlives it
    memo = run.memo_of(config, use_cache)
    loaded = loader.load(config.content_dir, config.root, memo, run.files, run.take_changed())
    documents, problems = run.validate(loaded.sources, config, today)
    if session is None and use_cache:
        save_markdown_memo(config, memo)
    valid_documents = documents
    draft_documents: list = []
    if session is None:
        documents, draft_documents = drafts.published(documents)  # drafts are checked, never built
    corpus, link_problems = run.link(documents, config, today)
    link_problems = refs.without_failed(link_problems, valid_documents, loaded.sources)
    draft_problems = drafts.references(documents, draft_documents)
    link_problems = [*drafts.without_missing(link_problems, draft_problems), *draft_problems]
    all_diags = sorted([*diags, *loaded.diagnostics, *problems, *link_problems], key=sort_key)
    return Prepared(config, corpus, tuple(all_diags), strict, len(draft_documents))


class Session:
    """What the runs of one process keep in memory between them: the one owner of "what changed".

    ``mzkb serve`` keeps one (``keep=True``) for as long as it runs; ``prepare`` without a
    session makes one that lives for a single run. A kept session remembers:

    - each Markdown file's stamp, ``Source`` and diagnostics (``loader.LoadMemory``): only files
      whose size or times changed are read again;
    - each file's validated ``Document`` and diagnostics, reused while its ``Source`` is the same
      object and the configuration, the as-of date and the other content files (attachments,
      media) are unchanged;
    - the markdown analyses (the content cache, read from disk once, saved by ``close``);
    - the link stage's last result (``content.relink.LinkMemory``), reused when the edits changed
      nothing it reads (only the text of bodies);
    - the index state of the preview folder, the git history (read again when HEAD moves) and
      the last good rebuild's corpus and pages (``site.memory.PreviewMemory``), for ``rebuild``.

    Every diagnostic of the knowledge base is reported on every run, as ``mzkb check`` reports it.
    """

    def __init__(self, config_path: str | Path, site_dir: Path | None = None, keep: bool = True) -> None:
        self.config_path = Path(config_path)
        self.site_dir = site_dir
        """The preview folder ``rebuild`` renders into (updated in place, pages kept by ``memory``)."""
        self.files = loader.LoadMemory() if keep else None
        self.documents: dict[str, tuple] = {}
        """Path -> (Source, Document or None, diagnostics) of the last validation."""
        self.settings: tuple = ()
        """(configuration, as-of date, stamps of the other content files) of the last validation."""
        self.memo: dict | None = None
        self.memo_for: Path | None = None
        self.linking = LinkMemory() if keep else None
        self.index_state: dict | None = None
        self.history: tuple | None = None
        self.config: SiteConfig | None = None
        self.memory = PreviewMemory()
        self.changed: frozenset[str] = frozenset()
        """The paths a watcher saw change since the last run (``loader.load`` may then skip its walk)."""

    def close(self) -> None:
        """Save the content cache (markdown analyses of the bodies edited while serving)."""
        if self.memo is not None and self.config is not None:
            save_markdown_memo(self.config, self.memo)

    def take_changed(self) -> frozenset[str]:
        """The changed paths reported for this run (none after it)."""
        changed, self.changed = self.changed, frozenset()
        return changed

    def memo_of(self, config: SiteConfig, use_cache: bool = True) -> dict:
        """The content cache of the knowledge base (read from disk once per session)."""
        if self.memo is None or self.memo_for != config.state_dir:
            self.memo = markdown_memo(config) if use_cache else _TrackedMemo({})
            self.memo_for = config.state_dir
        return self.memo

    def validate(self, sources, config: SiteConfig, today: dt.date) -> tuple[list, list]:
        """``schema.validate`` of the sources as of ``today``, taking the unchanged ones from the
        last run (all of them are checked again when the settings changed)."""
        others = {} if self.files is None else {p: s for p, s in self.files.stamps.items() if not p.endswith(".md")}
        settings = (config, today, others)
        if settings != self.settings:  # every document is checked again (from the content cache)
            self.documents, self.settings = {}, settings
        self.config = config
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
        if self.files is not None:
            self.documents = kept
        return documents, problems

    def link(self, documents: list, config: SiteConfig, today: dt.date) -> tuple[Corpus, list]:
        """The link stage (its last result reused when only body text changed)."""
        if self.linking is None:
            return links.link(documents, config.content_dir, today)
        return self.linking.link(documents, config.content_dir, today, self.settings)

    def history_of(self, root: Path) -> dict:
        """The git revisions of the knowledge base's files (read again when HEAD moves)."""
        try:
            head = head_commit(root)
        except GitError:
            return {}
        if self.history is None or self.history[0] != (root, head):
            self.history = ((root, head), history_or_empty(root))
        return self.history[1]


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """Result of one ``rebuild``: the check, and the render report when it rendered."""

    prepared: Prepared
    render: RenderReport | None = None

    @property
    def ok(self) -> bool:
        """True when the preview folder holds the new site."""
        return self.render is not None and not any(d.severity is Severity.ERROR for d in self.render.diagnostics)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every problem of the rebuild (the check's, then the renderer's)."""
        return (*self.prepared.diagnostics, *(self.render.diagnostics if self.render is not None else ()))


def rebuild(session: Session, changed: Iterable[str | Path] = ()) -> Rebuilt:
    """``mzkb serve``'s build: the same stages as ``build`` (check, index, render), run again in
    one session and rendered in place into its preview folder.

    ``changed``: the paths a watcher saw change. When they are all Markdown files the session
    already read, only those are looked at again; otherwise (or with none) the content folder
    is walked and every file whose stamp changed is read again. A failed check leaves the
    preview folder as the last good rebuild left it; the index stage works incrementally
    against the preview folder (no Whoosh index).
    """
    from .render import render
    from .search import indexer, records

    session.changed = frozenset(str(path) for path in changed)
    with fewer_collections():  # the session's corpus lives long: the collector seldom runs
        prepared = prepare(session.config_path, session=session)
        if prepared.failed:
            return Rebuilt(prepared)
        config, site_dir = prepared.config, session.site_dir
        history = session.history_of(config.root)
        corpus = session.memory.intern(prepared.corpus)
        session.memory.compare(corpus, (session.settings, history))
        index = indexer.start(corpus, config, None, session.index_state, site_dir).result()
        if session.index_state is None and corpus.documents:
            # the full index was built by worker processes: analyse one document here, so that
            # the segmenters the next rebuilds need are made now, not on the first edit
            next(records.analyzed_documents(corpus, config, only={corpus.documents[0].id}), None)
        session.index_state = index.state
        files = dict(index.browser.files)
        files.update({rel: None for rel in index.browser.reused})  # already in the preview folder
        report = render(RenderInput(config, corpus, files, history=history, reuse_from=site_dir,
                                    cache=Cache(config.state_dir), memory=session.memory), site_dir)
        return Rebuilt(prepared, report)


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
        found.update(cache.load(_shard_name(digit), {}, check=analysis_cache.memo_entries))
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
        key = analysis_cache.analysis_key(src.body, src.body_line)
        if key not in memo:
            missing[key] = (src.body, src.body_line)
    if len(missing) < PARALLEL_PARSE_FROM or (os.cpu_count() or 1) < 2:
        return
    keys = list(missing)
    with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")) as pool:
        bodies = [missing[k][0] for k in keys]
        lines = [missing[k][1] for k in keys]
        for key, result in zip(keys, pool.map(analysis_cache.analyse_flat, bodies, lines, chunksize=64)):
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


@dataclass(frozen=True, slots=True)
class Plan:
    """Where a checked build goes and what it may take from the previous one."""

    config: SiteConfig
    corpus: Corpus
    target: Path
    """The site folder (``-o`` or ``site/`` beside site_config.yml)."""
    whoosh_target: Path
    """Where the Whoosh index is installed (``.mzkb/whoosh`` unless a versioned build says otherwise)."""
    cache: Cache
    incremental: bool
    """Pages and index entries of unchanged documents are taken from the previous build."""
    previous_site: Path | None
    """The previous build's site when it can be reused from."""
    index_out: Path
    """Where index worker processes write their segments (moved into the site)."""
    protected: tuple[Path, ...] = ()
    """Folders the output must never replace: the knowledge base, its content and ``.mzkb``."""


@dataclass(frozen=True, slots=True)
class Written:
    """The outcome of rendering and writing the site."""

    ok: bool
    indexes: IndexResult
    render: RenderReport
    diagnostics: tuple[Diagnostic, ...]


def build(config_path: str | Path, out_dir: str | Path | None = None, strict: bool = False, *,
          version: VersionInfo | None = None, history: dict | None = None, epoch: int | None = None,
          previous_summary: dict | None = None, whoosh_dir: Path | None = None, incremental: bool = True,
          progress: Progress | None = None) -> BuildResult:
    """Check, index, render into a staging folder and swap it into place on success.

    ``version``, ``history`` (git revisions per file), ``epoch`` and ``previous_summary`` are
    given by versioned builds; a plain build reads the git history of the knowledge base
    itself. With ``incremental`` (plain builds only), pages and index entries of documents
    that did not change are taken from the previous build. ``progress`` is told about stages
    and rendered pages.
    """
    progress = progress or quiet()
    clock = Stopwatch()
    try:
        with fewer_collections(), build_lock(state_dir_of(config_path)):  # one build at a time per knowledge base
            restore_interrupted(output_of(Path(config_path).absolute().parent, out_dir))  # a swap killed midway
            prepared = check(config_path, strict, progress, clock)
            if prepared.failed:
                return BuildResult(prepared, None)
            plan = plan_build(prepared, out_dir, whoosh_dir, incremental and version is None)
            if problem := refusal(plan.target, plan.protected):  # never replace the knowledge base or someone's files
                return BuildResult(prepared, None, (make("MZ910", str(plan.target), 0, 0, path=str(plan.target), detail=problem),))
            return _run(plan, prepared, version, history, epoch, previous_summary, progress, clock)
    except LockBusy as busy:
        return BuildResult(Prepared(None, None, (busy.diagnostic(config_path),)), None)


def _run(plan: Plan, prepared: Prepared, version: VersionInfo | None, history: dict | None, epoch: int | None,
         previous_summary: dict | None, progress: Progress, clock: Stopwatch) -> BuildResult:
    """index -> render -> write -> finish, for a checked knowledge base and a permitted output folder."""
    pending = start_index(plan, progress)
    summary, change_log = (None, None) if version is None else release_changes(plan.corpus, previous_summary)
    render_input = RenderInput(plan.config, plan.corpus, version=version, changes=change_log,
                               history=history if history is not None else history_or_empty(plan.config.root),
                               reuse_from=plan.previous_site, cache=plan.cache if plan.incremental else None,
                               progress=progress)
    written = write_site(plan, render_input, pending, epoch, clock)
    finish(plan, written, clock, progress)
    return BuildResult(prepared, plan.target if written.ok else None, written.diagnostics, summary, change_log)


def check(config_path: str | Path, strict: bool, progress: Progress, clock: Stopwatch) -> Prepared:
    """Load, validate and link (``prepare``), shown as the 检查内容 stage."""
    progress.stage("check", "检查内容")
    prepared = prepare(config_path, strict)
    progress.done("check")
    clock.lap("check")
    return prepared


def output_of(root: Path, out_dir: str | Path | None) -> Path:
    """The folder a build of the knowledge base at ``root`` writes (``-o``, else ``site``; a symlink followed)."""
    return resolve_output(Path(out_dir) if out_dir else root / "site")


def plan_build(prepared: Prepared, out_dir: str | Path | None, whoosh_dir: Path | None, incremental: bool) -> Plan:
    """Decide the output folders and whether the previous build can be reused."""
    from .search.indexer import INDEX_CACHE

    config = prepared.config
    target = output_of(config.root, out_dir)
    whoosh_target = whoosh_dir or config.state_dir / "whoosh"
    cache = Cache(config.state_dir)
    if not incremental and whoosh_target == config.state_dir / "whoosh":
        cache.drop(INDEX_CACHE)  # the installed Whoosh index will no longer match it
    previous_site = target if incremental and target.is_dir() else None
    return Plan(config, prepared.corpus, target, whoosh_target, cache, incremental, previous_site,
                config.state_dir / f"index-{os.getpid()}", (config.root, config.content_dir, config.state_dir))


def start_index(plan: Plan, progress: Progress) -> Pending:
    """Begin the index stage (worker processes for large full builds, while this process renders)."""
    from .search import indexer

    progress.stage("index", "建立搜索索引")
    state = plan.cache.load(indexer.INDEX_CACHE, check=indexer.check_state) if plan.incremental else None
    return indexer.start(plan.corpus, plan.config, plan.whoosh_target, state, plan.previous_site, plan.index_out)


def release_changes(corpus: Corpus, previous_summary: dict | None) -> tuple[dict, dict]:
    """A versioned build's document summary and what changed since the previous release."""
    summary = doc_summary(corpus)
    return summary, changes(previous_summary or {}, summary)


def write_site(plan: Plan, render_input: RenderInput, pending: Pending, epoch: int | None,
               clock: Stopwatch) -> Written:
    """Render into a staging folder, add the index files, and swap it into place on success."""
    from .render import render
    from .site.webapp import write_webapp

    outcome: dict = {}

    def produce(stage: Path) -> bool:
        with source_date_epoch(plan.config, plan.corpus, epoch):
            outcome["render"] = render(render_input, stage)
        clock.lap("render")
        outcome["indexes"] = pending.result()
        render_input.progress.done("index")
        clock.lap("index (waiting after render)")
        if any(d.severity is Severity.ERROR for d in outcome["render"].diagnostics):
            return False
        publish_index(outcome["indexes"].browser, plan.previous_site, stage)
        write_webapp(stage, plan.config, plan.corpus, epoch if epoch is not None else build_epoch(plan.config, plan.corpus))
        return True

    diagnostics: list[Diagnostic] = []
    try:
        ok = write_atomically(plan.target, produce, plan.protected)
    except OSError as exc:
        where = str(plan.target)
        diagnostics.append(make("MZ902", where, 0, 0, path=where, detail=describe_os_error(exc)))
        ok = False
    try:
        indexes = outcome.get("indexes") or pending.result()
    finally:
        shutil.rmtree(plan.index_out, ignore_errors=True)
    report = outcome.get("render", RenderReport())
    return Written(ok, indexes, report, (*report.diagnostics, *diagnostics))


def publish_index(browser, previous_site: Path | None, stage: Path) -> None:
    """Put the browser index into the staging folder: new files, reused files, worker segments."""
    write_files(stage, browser.files)
    if browser.reused:
        link_files(previous_site, stage, browser.reused)
    for folder, rel in browser.moved:
        shutil.move(str(folder), str(stage / rel))


def finish(plan: Plan, written: Written, clock: Stopwatch, progress: Progress) -> None:
    """Install (or discard) the Whoosh index, save the caches, write the build report."""
    if written.ok:
        written.indexes.whoosh.install()
    else:
        written.indexes.whoosh.discard()
    progress.close()
    clock.lap("write")
    if not written.ok:
        return
    if plan.incremental:
        from .search.indexer import INDEX_CACHE

        try:
            plan.cache.save(INDEX_CACHE, written.indexes.state)
            plan.cache.save(RENDER_CACHE, written.render.reuse.state(plan.target))
        except OSError:
            pass  # the next build is a full one
    _write_report(plan.config, clock, plan.corpus, written.indexes, written.render)


class Stopwatch:
    """Seconds per build stage, for ``.mzkb/build-report.json`` and the benchmarks."""

    def __init__(self) -> None:
        self._now = time.perf_counter
        self._last = self._now()
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        """Close the stage ``name`` (the time since the previous lap)."""
        now = self._now()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self._last, 3)
        self._last = now


def _write_report(config: SiteConfig, clock: Stopwatch, corpus: Corpus, indexes: IndexResult,
                  report: RenderReport) -> None:
    """``.mzkb/build-report.json``: what the last build did and how long each stage took."""
    data = {"documents": len(corpus.documents), "stages": clock.stages,
            "rendered": report.rendered, "reused_pages": report.reused,
            "reindexed": indexes.reindexed, "browser_index_bytes_written": indexes.browser.bytes,
            "browser_index_files_reused": len(indexes.browser.reused), "index_workers": list(indexes.workers)}
    try:
        (config.state_dir / "build-report.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError:
        pass


MAX_EPOCH = 2**32 - 1
"""The latest build time a site can carry (2106-02-07): MkDocs writes it into sitemap.xml.gz,
whose gzip header holds an unsigned 32-bit time; the earliest is 0 (1970-01-01)."""


def clamp_epoch(epoch: int) -> int:
    """A build time within what the site's files can hold (0..``MAX_EPOCH``): a knowledge base
    whose newest document is dated 2201, or whose documents are all from 1958, still builds."""
    return min(max(epoch, 0), MAX_EPOCH)


def build_epoch(config: SiteConfig, corpus: Corpus) -> int:
    """SOURCE_DATE_EPOCH if set, else the HEAD commit time, else the newest document date
    (``clamp_epoch``-ed)."""
    if source_epoch() is not None:
        return clamp_epoch(source_epoch())
    try:
        commit_time = head_epoch(config.root)
    except GitError:
        commit_time = None
    if commit_time is not None:
        return clamp_epoch(commit_time)
    newest = max((d.date for d in corpus.documents), default=dt.date(2020, 1, 1))
    return clamp_epoch(int(dt.datetime.combine(newest, dt.time(), dt.timezone.utc).timestamp()))


def source_date_epoch(config: SiteConfig, corpus: Corpus, epoch: int | None = None):
    """Pin SOURCE_DATE_EPOCH during rendering so MkDocs' sitemap dates are reproducible."""
    return pinned_epoch(clamp_epoch(epoch) if epoch is not None else build_epoch(config, corpus))
