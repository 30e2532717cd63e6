"""``mzkb build --versions``: every release plus the working tree as ``latest``.

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
from dataclasses import dataclass
from pathlib import Path

from . import releases as git_releases
from .config import SiteConfig
from .diagnostics import Diagnostic, make
from .feed import atom_feed
from .pipeline import build, prepare
from .search.whoosh_writer import write_index
from .site.model import VersionInfo
from .seal import is_sealed, seal
from .site.pages.templates import PAGES, render
from .writer import refusal, resolve_output, swap_into_place, write_marker

LATEST = "latest"
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
    prepared = prepare(config_path, strict)
    if prepared.failed:
        return VersionsResult(False, None, (), (), prepared.diagnostics)
    config: SiteConfig = prepared.config
    root = config.root
    target = resolve_output(Path(out_dir) if out_dir else root / "site")  # a `site` symlink is followed
    if problem := refusal(target, (config.root, config.content_dir, config.state_dir)):
        return VersionsResult(False, None, (), (), (*prepared.diagnostics,
                              make("MZ910", str(target), 0, 0, path=str(target), detail=problem)))
    pattern = str(config.releases.get("tag_pattern", git_releases.DEFAULT_PATTERN))
    try:
        found = git_releases.list_releases(root, pattern)
    except git_releases.GitError as exc:
        return VersionsResult(False, None, (), (), (make("MZ904", config.path.name, 0, 0, detail=exc.args[0]),))
    cache = config.state_dir / "versions"
    built, reused, diags = [], [], list(prepared.diagnostics)
    # the working tree is exactly the newest release: that build also serves as latest
    head_is_release = bool(found) and git_releases.head_commit(root) == found[0].commit and git_releases.is_clean(root)
    previous_summary, previous_name = {}, ""
    sites: dict[str, Path] = {}
    for release in reversed(found):  # oldest first: each is compared with the one before
        key = _cache_key(cache, release)
        summary_file = key / "docs.json"
        if (key / "complete").exists() and is_sealed(key, recursive=True):  # never a planted build
            reused.append(release.name)
        else:
            shutil.rmtree(key, ignore_errors=True)
            with tempfile.TemporaryDirectory(prefix="mzkb-release-") as tmp:
                tree = git_releases.export_tree(root, release.commit, Path(tmp) / "kb")
                info = VersionInfo(release.name, release.title, release.date, previous_name)
                history = git_releases.file_history(root, release.commit)
                is_head = head_is_release and release is found[0]
                result = build(tree / config.path.name, key / "site", strict, version=info, history=history,
                               epoch=release.epoch, previous_summary=previous_summary,
                               whoosh_dir=config.state_dir / "whoosh" if is_head else None)
                if not result.ok:
                    diags.append(make("MZ905", config.path.name, 0, 0, version=release.name))
                    diags.extend(result.prepared.diagnostics)
                    return VersionsResult(False, None, tuple(built), tuple(reused), tuple(diags))
                summary_file.write_text(json.dumps(result.summary, ensure_ascii=False, sort_keys=True), encoding="utf-8")
                (key / "changes.json").write_text(json.dumps(result.changes, ensure_ascii=False, sort_keys=True), encoding="utf-8")
                (key / "complete").write_text("", encoding="utf-8")
                seal(key, recursive=True)
            built.append(release.name)
        sites[release.name] = key / "site"
        previous_summary = json.loads(summary_file.read_text(encoding="utf-8"))
        previous_name = release.name
    latest_info = VersionInfo(LATEST, "最新（未发布的修改）", "", previous_name)
    if head_is_release:
        sites[LATEST] = sites[found[0].name]
        if not (config.state_dir / "whoosh").exists():  # `mzkb search` needs the index of latest
            write_index(prepared.corpus, config, config.state_dir / "whoosh")
    else:
        latest_key = cache / "latest"
        shutil.rmtree(latest_key, ignore_errors=True)
        result = build(config.path, latest_key / "site", strict, version=latest_info, previous_summary=previous_summary)
        if not result.ok:
            diags.extend(result.diagnostics)
            return VersionsResult(False, None, tuple(built), tuple(reused), tuple(diags))
        built.append(LATEST)
        sites[LATEST] = latest_key / "site"
    latest_title = f"最新（与 {found[0].name} 相同）" if head_is_release else latest_info.title
    versions = [(LATEST, latest_title, "")] + [(r.name, r.title, r.date) for r in found]
    feed_entries = []
    for release in found:
        key = _cache_key(cache, release)
        feed_entries.append((release, json.loads((key / "changes.json").read_text(encoding="utf-8"))))
    stage = target.absolute().parent / f".{target.name}.versions-building"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        assemble(stage, sites, versions, config, feed_entries)
        write_marker(stage)
        swap_into_place(stage, target)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        diags.append(make("MZ902", str(target), 0, 0, path=str(target), detail=exc.strerror or str(exc)))
        return VersionsResult(False, None, tuple(built), tuple(reused), tuple(diags))
    return VersionsResult(True, target.absolute(), tuple(built), tuple(reused), tuple(diags))


def assemble(stage: Path, sites: dict[str, Path], versions: list[tuple[str, str, str]], config: SiteConfig, feed_entries: list) -> None:
    """Copy every version's site under its name and add the shared files."""
    stage.mkdir(parents=True)
    for name, site in sorted(sites.items()):
        shutil.copytree(site, stage / name)
        pages = sorted(p.relative_to(stage / name).as_posix() for p in (stage / name).rglob("*.html"))
        (stage / name / "pages.js").write_text(
            f"mzkbVersionPages({json.dumps(name)},{json.dumps(pages, ensure_ascii=False, separators=(',', ':'))});\n", encoding="utf-8")
    listing = [{"version": n, "title": t, "date": d} for n, t, d in versions]
    (stage / "versions.js").write_text(
        "window.mzkbVersions=" + json.dumps({"latest": LATEST, "versions": listing}, ensure_ascii=False, sort_keys=True) + ";\n",
        encoding="utf-8")
    mike = [{"version": n, "title": t, "aliases": ["latest"] if n == LATEST else []} for n, t, _ in versions]
    (stage / "versions.json").write_text(json.dumps(mike, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (stage / "index.html").write_text(_root_page(config.title), encoding="utf-8")
    (stage / "feed.xml").write_text(atom_feed(config, feed_entries), encoding="utf-8")


def _root_page(title: str) -> str:
    """The versioned site's index.html: opens ``latest/`` (template ``versions-root.html``)."""
    return render(PAGES + "versions-root.html", title=title, latest=LATEST)
