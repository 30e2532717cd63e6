"""``mzkb bundle``: build the knowledge base (or a release's tree) into a temporary folder, bundle it,
sign it, and with ``since`` also write an update pack. Sits above the pipeline and the releases."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import releases
from ..config import SiteConfig
from ..content.model import DocType
from ..pipeline import BuildResult, build, build_epoch
from .format import BundleError, os_reason
from .trees import open_tree
from .update import UpdateResult, downgrade_problem, make_update, resolve_base
from .verify import read_manifest
from .writer import BundleResult, iso_utc, make_bundle, site_slug
from .zim import ZimResult, make_zim

FORMATS = ("zip", "zim")
"""What ``mzkb bundle --format`` writes: a zip bundle (default) or a ZIM file for Kiwix."""


class UnknownRelease(BundleError):
    """``--version`` names no release (a usage error: exit 2)."""


class OptionConflict(BundleError):
    """Options that cannot go together, e.g. ``--format zim`` with ``--since`` (a usage error: exit 2)."""


@dataclass(frozen=True, slots=True)
class BundleRun:
    """What ``mzkb bundle`` did: the build (diagnostics), the bundle, the update pack (with ``since``)."""

    build: BuildResult
    bundle: BundleResult | None = None
    update: UpdateResult | None = None
    zim: ZimResult | None = None


def default_version(epoch: int, commit: str | None) -> str:
    """``20200220`` or ``20200220-6949a90`` (build date in UTC, short commit)."""
    date = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y%m%d")
    return f"{date}-{commit[:7]}" if commit else date


def git_commit(root: Path) -> str | None:
    """The HEAD commit of the knowledge base's repository, or None outside git."""
    try:
        return releases.head_commit(root) or None
    except releases.GitError:
        return None


def count_documents(documents) -> dict[str, int]:
    """Documents per type (every type, zeros included) from an iterable of ``Document``."""
    counts = {t.value: 0 for t in DocType}
    for doc in documents:
        counts[doc.type.value] += 1
    return counts


def bundle_knowledge_base(config_path: str | Path, out_dir: str | Path, *, version: str | None = None,
                          with_media: bool = True, since: str | Path | None = None, site_name: str | None = None,
                          resolver: Callable[[str], Path | None] | None = None, commit: str | None = None,
                          epoch: int | None = None, signing_key: Ed25519PrivateKey | None = None,
                          fmt: str = "zip", allow_downgrade: bool = False) -> BundleRun:
    """Build into a temporary folder, bundle (signed with ``signing_key`` if given) and, with ``since`` (an old
    bundle zip or folder, or a version name ``resolver`` maps to one), also write an update pack.
    ``fmt="zim"`` writes a ZIM file instead of the zip (no update pack).

    A failed build returns ``BundleRun(build)`` with ``bundle=None`` (diagnostics are in ``build``);
    bundle problems raise ``BundleError``; a pack to a version older than ``since`` (MZ931, before anything
    is written) unless ``allow_downgrade``.
    """
    base = resolve_base(since, resolver) if since is not None else None  # fail before the slow build
    base_manifest = _manifest_of(base) if base is not None else None
    with tempfile.TemporaryDirectory(prefix="mzkb-bundle-") as tmp:
        result = build(config_path, Path(tmp) / "site", epoch=epoch, incremental=False)
        if not result.ok:
            return BundleRun(result)
        config, corpus = result.prepared.config, result.prepared.corpus
        epoch = epoch if epoch is not None else build_epoch(config, corpus)
        commit = commit if commit is not None else git_commit(config.root)
        version = version or default_version(epoch, commit)
        if base_manifest is not None and not allow_downgrade and (
                why := downgrade_problem(base_manifest, version, iso_utc(epoch))):
            raise BundleError("MZ931", f"{why}。确需退回旧版时加 --allow-downgrade（没有写出任何文件）", file=str(base))
        if fmt == "zim":
            zim = make_zim(result.out_dir, Path(out_dir), config=config, corpus=corpus,
                           site_name=site_name or site_slug(config.title), version=version,
                           commit=commit, epoch=epoch, doc_counts=count_documents(corpus.documents),
                           with_media=with_media, signing_key=signing_key)
            return BundleRun(result, zim=zim)
        bundle = make_bundle(result.out_dir, Path(out_dir), site_name=site_name or site_slug(config.title),
                             site_title=config.title, version=version, commit=commit,
                             with_media=with_media, doc_counts=count_documents(corpus.documents), epoch=epoch,
                             signing_key=signing_key)
    update = make_update(base, bundle.path, Path(out_dir), signing_key, allow_downgrade) if base is not None else None
    return BundleRun(result, bundle, update)


def _manifest_of(bundle: Path) -> dict:
    """The validated manifest of a bundle (zip or folder)."""
    with open_tree(bundle) as tree:
        return read_manifest(tree)[1]


def bundle_command(config: SiteConfig, out_dir: str | Path, *, version: str | None, with_media: bool,
                   since: str | None, signing_key: Ed25519PrivateKey | None, fmt: str = "zip", allow_downgrade: bool = False) -> BundleRun:
    """``mzkb bundle``: the working tree (or the release ``version``, exported from git), and the release
    ``since`` names (built on demand) or an old bundle's path. ``BundleError`` for unknown releases."""
    if fmt == "zim" and since is not None:
        raise OptionConflict("MZ941", "ZIM 文件没有更新包：--since 只能与 --format zip 一起使用", file=str(config.path))
    pattern = str(config.releases.get("tag_pattern", releases.DEFAULT_PATTERN))
    with tempfile.TemporaryDirectory(prefix="mzkb-bundle-src-") as tmp:
        def release_source(name: str):
            """(config path, commit, epoch) of a release's tree, exported from git; None if unknown."""
            found = {r.name: r for r in releases.list_releases(config.root, pattern)}
            if name not in found:
                return None
            tree = releases.export_tree(config.root, found[name].commit, Path(tmp) / f"src-{name}")
            return tree / config.path.name, found[name].commit, found[name].epoch

        def resolver(name: str) -> Path | None:
            source = release_source(name)
            if source is None:
                return None
            old = bundle_knowledge_base(source[0], Path(tmp) / f"old-{name}", version=name, with_media=with_media,
                                        commit=source[1], epoch=source[2], signing_key=signing_key)
            return old.bundle.path if old.bundle else None

        try:
            return _bundle_source(config, out_dir, release_source, resolver, version=version, with_media=with_media,
                                  since=since, signing_key=signing_key, fmt=fmt, allow_downgrade=allow_downgrade)
        except OSError as exc:
            raise BundleError("MZ920", f"无法写入离线包：{os_reason(exc)}", file=exc.filename or str(out_dir)) from None


def _bundle_source(config: SiteConfig, out_dir, release_source, resolver, *, version, with_media, since,
                   signing_key, fmt="zip", allow_downgrade=False) -> BundleRun:
    """Bundle the release ``version`` (or the working tree) once its source is known."""
    source = release_source(version) if version and version != "latest" else None
    if version and version != "latest" and source is None:
        raise UnknownRelease("MZ920", f"没有名为 {version} 的已发布版本（git 标签）", file=str(config.path))
    build_config, commit, epoch = source or (config.path, None, None)
    return bundle_knowledge_base(build_config, out_dir, version=version, with_media=with_media, since=since,
                                 resolver=resolver, commit=commit, epoch=epoch, signing_key=signing_key, fmt=fmt,
                                 allow_downgrade=allow_downgrade)
