"""``mzkb build --versions``: every release plus the working tree.

``releases.default: latest-release`` (the default) makes the newest release what the site opens;
uncommitted edits are a ``preview/`` beside it (none when the working tree is that release).
``working-tree`` keeps the edits as ``latest``, the default version. Without releases, the
working tree is ``latest``.

Each release is built once from its commit (``git archive``) into a cache keyed by commit
(``.mzkb/versions/<commit>/``), so adding a release costs one build. The output is
assembled in a staging folder — ``<version>/`` for each version, ``versions.js`` (the
selector's list, loaded with a <script> tag so it works from file://), ``versions.json``
(mike's format), a root ``index.html`` that opens ``latest``, and ``feed.xml`` — and swapped
into place atomically.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import releases as git_releases
from .config import SiteConfig
from .diagnostics import Diagnostic, make
from .feed import atom_feed
from .foundations import js_json
from .pipeline import build, output_of, prepare
from .search.whoosh_writer import write_index
from .site.model import VersionInfo
from .seal import is_sealed, seal
from .site.pages.templates import PAGES, render
from .writer import refusal, restore_interrupted, swap_into_place, write_marker

LATEST = "latest"
PREVIEW = "preview"
"""Folder of the working tree when the newest release is the default (``releases.default``)."""
CACHE_FORMAT = "1"
"""Bump when the cached build layout changes, so old caches are not reused."""


@dataclass(frozen=True, slots=True)
class VersionsResult:
    """Outcome of a versioned build."""

    ok: bool
    out_dir: Path | None
    built: tuple[str, ...]
    reused: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


def _cache_key(cache: Path, release: git_releases.Release) -> Path:
    """Where a release's build is kept: one folder per (commit, name, cache format)."""
    return cache / f"{release.commit}-{release.name}-{CACHE_FORMAT}"


def build_versions(config_path: str | Path, out_dir: str | Path | None = None, strict: bool = False) -> VersionsResult:
    """Build every release (cached by commit) and the working tree, then publish them together."""
    restore_interrupted(output_of(Path(config_path).absolute().parent, out_dir))  # a swap killed midway
    prepared = prepare(config_path, strict)
    if prepared.failed:
        return VersionsResult(False, None, (), (), prepared.diagnostics)
    config: SiteConfig = prepared.config
    target = output_of(config.root, out_dir)
    if problem := refusal(target, (config.root, config.content_dir, config.state_dir)):
        return VersionsResult(False, None, (), (), (*prepared.diagnostics,
                              make("MZ910", str(target), 0, 0, path=str(target), detail=problem)))
    pattern = str(config.releases.get("tag_pattern", git_releases.DEFAULT_PATTERN))
    try:
        found = git_releases.list_releases(config.root, pattern)
    except git_releases.GitError as exc:
        return VersionsResult(False, None, (), (), (make("MZ904", config.path.name, 0, 0, detail=exc.args[0]),))
    # a version's name is a folder and a part of every address of its pages: only names `mzkb
    # release` would make (ASCII letters, digits, . - _, at most 40) are built, the others skipped
    skipped = [make("MZ916", config.path.name, 0, 0, tag=r.name, detail=git_releases.name_problem("版本名", r.name))
               for r in found if git_releases.name_problem("版本名", r.name)]
    found = [r for r in found if not git_releases.name_problem("版本名", r.name)]
    # the working tree is exactly the newest release: that build also serves as latest
    head_is_release = (bool(found) and git_releases.head_commit(config.root) == found[0].commit
                       and git_releases.is_clean(config.root))
    run = _Run(prepared, strict, found, head_is_release, diags=[*prepared.diagnostics, *skipped],
               release_default=bool(found) and config.release_default == "latest-release")
    if not (run.build_releases() and run.build_latest()):
        return run.result(False, None)
    try:
        run.publish(target)
    except OSError as exc:
        run.diags.append(make("MZ902", str(target), 0, 0, path=str(target), detail=exc.strerror or str(exc)))
        return run.result(False, None)
    return run.result(True, target.absolute())


@dataclass
class _Run:
    """One ``build_versions``: the releases (newest first), what was built or reused, the sites."""

    prepared: object
    strict: bool
    found: list
    head_is_release: bool
    built: list = field(default_factory=list)
    reused: list = field(default_factory=list)
    diags: list = field(default_factory=list)
    sites: dict = field(default_factory=dict)
    previous_summary: dict = field(default_factory=dict)
    previous_name: str = ""
    release_default: bool = False
    """True when the newest release is the default version (the working tree is ``preview``)."""

    @property
    def tree_name(self) -> str:
        """The folder of the working tree's build."""
        return PREVIEW if self.release_default else LATEST

    @property
    def default(self) -> str:
        """The version the site's index.html opens."""
        return self.found[0].name if self.release_default else LATEST

    @property
    def config(self) -> SiteConfig:
        return self.prepared.config

    def result(self, ok: bool, site: Path | None) -> VersionsResult:
        return VersionsResult(ok, site, tuple(self.built), tuple(self.reused), tuple(self.diags))

    def build_releases(self) -> bool:
        """Each release, oldest first (each is compared with the one before); False on a failure."""
        cache, head_is_release = self.config.state_dir / "versions", self.head_is_release
        for release in reversed(self.found):
            key = _cache_key(cache, release)
            if (key / "complete").exists() and is_sealed(key, recursive=True):  # never a planted build
                self.reused.append(release.name)
            elif not self.build_release(release, key, head_is_release and release is self.found[0]):
                return False
            self.sites[release.name] = key / "site"
            self.previous_summary = json.loads((key / "docs.json").read_text(encoding="utf-8"))
            self.previous_name = release.name
        return True

    def build_release(self, release, key: Path, is_head: bool) -> bool:
        """Build one release from its exported tree into its cache folder, sealed when complete."""
        config = self.config
        shutil.rmtree(key, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="mzkb-release-") as tmp:
            try:
                tree = git_releases.export_tree(config.root, release.commit, Path(tmp) / "kb")
                history = git_releases.file_history(config.root, release.commit)
            except git_releases.GitError as exc:  # e.g. a damaged object only this release reaches
                self.diags.append(make("MZ915", config.path.name, 0, 0, version=release.name, detail=exc.args[0]))
                return False
            info = VersionInfo(release.name, release.title, release.date, self.previous_name)
            result = build(tree / config.path.name, key / "site", self.strict, version=info, history=history,
                           epoch=release.epoch, previous_summary=self.previous_summary,
                           whoosh_dir=config.state_dir / "whoosh" if is_head else None)
            if not result.ok:
                self.diags.append(make("MZ905", config.path.name, 0, 0, version=release.name))
                self.diags.extend(result.prepared.diagnostics)
                return False
            for name, data in (("docs.json", result.summary), ("changes.json", result.changes)):
                (key / name).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            (key / "complete").write_text("", encoding="utf-8")
            seal(key, recursive=True)
        self.built.append(release.name)
        return True

    def build_latest(self) -> bool:
        """The working tree (``latest`` or ``preview``), or the newest release's build when they are
        the same (none at all when that release is the default)."""
        config = self.config
        if self.head_is_release:
            if not self.release_default:
                self.sites[LATEST] = self.sites[self.found[0].name]
            if not (config.state_dir / "whoosh").exists():  # `mzkb search` needs the index of latest
                write_index(self.prepared.corpus, config, config.state_dir / "whoosh")
            return True
        name = self.tree_name
        latest_key = config.state_dir / "versions" / name
        shutil.rmtree(latest_key, ignore_errors=True)
        info = VersionInfo(name, PREVIEW_TITLE if self.release_default else LATEST_TITLE, "", self.previous_name)
        result = build(config.path, latest_key / "site", self.strict, version=info, previous_summary=self.previous_summary)
        if not result.ok:
            self.diags.extend(result.diagnostics)
            return False
        self.built.append(name)
        self.sites[name] = latest_key / "site"
        return True

    def publish(self, target: Path) -> None:
        """Assemble every version and the shared pages in a staging folder and swap it into place."""
        found, cache = self.found, self.config.state_dir / "versions"
        releases = [(r.name, r.title, r.date) for r in found]
        if self.release_default:
            versions = releases + ([(PREVIEW, PREVIEW_TITLE, "")] if PREVIEW in self.sites else [])
        else:
            latest_title = f"最新（与 {found[0].name} 相同）" if self.head_is_release else LATEST_TITLE
            versions = [(LATEST, latest_title, "")] + releases
        feed_entries = [(release, json.loads((_cache_key(cache, release) / "changes.json").read_text(encoding="utf-8")))
                        for release in found]
        stage = target.absolute().parent / f".{target.name}.versions-building"
        shutil.rmtree(stage, ignore_errors=True)
        try:
            assemble(stage, self.sites, versions, self.config, feed_entries, self.default,
                     PREVIEW if PREVIEW in self.sites else "")
            write_marker(stage)
            swap_into_place(stage, target)
        except OSError:
            shutil.rmtree(stage, ignore_errors=True)
            raise


LATEST_TITLE = "最新（未发布的修改）"
PREVIEW_TITLE = "预览（未发布的修改）"


def assemble(stage: Path, sites: dict[str, Path], versions: list[tuple[str, str, str]], config: SiteConfig,
             feed_entries: list, default: str = LATEST, preview: str = "") -> None:
    """Copy every version's site under its name and add the shared files (``default``: the version
    the site opens; ``preview``: the folder of unpublished edits, '' when none)."""
    stage.mkdir(parents=True)
    for name, site in sorted(sites.items()):
        shutil.copytree(site, stage / name)
        pages = sorted(p.relative_to(stage / name).as_posix() for p in (stage / name).rglob("*.html"))
        (stage / name / "pages.js").write_text(
            f"mzkbVersionPages({json.dumps(name)},{js_json(pages, separators=(',', ':'))});\n", encoding="utf-8")
    listing = [{"version": n, "title": t, "date": d} for n, t, d in versions]
    (stage / "versions.js").write_text(
        "window.mzkbVersions=" + js_json({"latest": default, "preview": preview, "versions": listing}, sort_keys=True) + ";\n",
        encoding="utf-8")
    mike = [{"version": n, "title": t, "aliases": ["latest"] if n == default else []} for n, t, _ in versions]
    (stage / "versions.json").write_text(json.dumps(mike, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (stage / "index.html").write_text(_root_page(config.title, default), encoding="utf-8")
    (stage / "feed.xml").write_text(atom_feed(config, feed_entries), encoding="utf-8")


def _root_page(title: str, default: str = LATEST) -> str:
    """The versioned site's index.html: opens the default version (template ``versions-root.html``)."""
    return render(PAGES + "versions-root.html", title=title, latest=quote(default, safe=""))  # a folder name in URLs
