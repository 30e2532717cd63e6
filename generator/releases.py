"""Releases from git: tags as versions, per-file revision logs, trees of past commits.

Only this module runs git. Everything is read from the repository at a given commit, so
the result is the same for the same commit whenever it is computed.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATTERN = "v*"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
"""Release (version) and site names: they become git tags, folder names and parts of zip names."""


def name_problem(label: str, value: str) -> str | None:
    """Why ``value`` cannot be a version or site name (Chinese, starting with ``label``), or None.

    The one check shared by ``mzkb release`` and ``mzkb bundle``, so a release can always be bundled.
    """
    if NAME_RE.match(value) and ".." not in value and not value.endswith((".", ".lock")):
        return None
    return (f"{label}“{value}”不可用：只能用英文字母、数字、点、连字符和下划线，以字母或数字开头，"
            "不以点结尾，最多 40 个字符。")


class GitError(Exception):
    """A git operation failed; ``args[0]`` is a Chinese message."""


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that touched a file."""

    commit: str
    """Short hash."""
    date: str
    """Commit date, YYYY-MM-DD."""
    message: str
    """First line of the commit message."""


@dataclass(frozen=True, slots=True)
class Release:
    """A release: a git tag matching the configured pattern."""

    name: str
    """Tag name, also the folder name under site/."""
    title: str
    """Tag message subject (or the name)."""
    commit: str
    """Full hash of the tagged commit."""
    epoch: int
    """Commit time (seconds), used as SOURCE_DATE_EPOCH for its build."""
    date: str
    """Commit date, YYYY-MM-DD."""
    depth: int = 0
    """Number of commits reachable from it (orders releases made in the same second)."""


def git(root: Path, *args: str, binary: bool = False):
    """Run git in ``root``; return stdout (text, or bytes when ``binary``)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120)
    except FileNotFoundError:
        raise GitError("找不到 git 命令，请先安装 git") from None
    except subprocess.TimeoutExpired:
        raise GitError("git 命令超时：" + " ".join(args)) from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} 失败：{detail[-1] if detail else proc.returncode}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def is_repository(root: Path) -> bool:
    """True when ``root`` is inside a git work tree with at least one commit."""
    try:
        git(root, "rev-parse", "--verify", "HEAD")
        return True
    except GitError:
        return False


def prefix(root: Path) -> str:
    """Path of ``root`` inside its repository ('' at the top), with a trailing slash."""
    return git(root, "rev-parse", "--show-prefix").strip()


def file_history(root: Path, rev: str = "HEAD") -> dict[str, tuple[Revision, ...]]:
    """Path (relative to ``root``) -> its revisions, newest first, as of ``rev``. Empty outside git."""
    if not is_repository(root):
        return {}
    out = git(root, "log", rev, "--format=%x1e%h%x09%cs%x09%s", "--name-only", "--relative", "--no-renames", "--", ".")
    history: dict[str, list[Revision]] = {}
    for record in out.split("\x1e")[1:]:
        lines = record.strip("\n").split("\n")
        commit, date, message = (lines[0].split("\t") + ["", ""])[:3]
        revision = Revision(commit, date, message)
        for path in lines[1:]:
            if path.strip():
                history.setdefault(_unquote(path.strip()), []).append(revision)
    return {path: tuple(revs) for path, revs in history.items()}


def _unquote(path: str) -> str:
    """A path as git prints it: names with non-ASCII, quotes or control characters come
    C-quoted (``"content/\\346\\216\\242.md"``, octal UTF-8 bytes)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    return codecs.escape_decode(path[1:-1].encode("utf-8"))[0].decode("utf-8", "replace")


def list_releases(root: Path, pattern: str = DEFAULT_PATTERN) -> list[Release]:
    """Tags matching ``pattern``, newest first (by commit time, then name)."""
    if not is_repository(root):
        return []
    fmt = "%(refname:short)%09%(objectname)%09%(*objectname)%09%(contents:subject)"
    releases = []
    for line in git(root, "tag", "-l", "--format=" + fmt).splitlines():
        name, obj, peeled, subject = (line.split("\t") + ["", "", ""])[:4]
        if not fnmatch.fnmatchcase(name, pattern):
            continue
        commit = peeled or obj
        epoch, date = git(root, "log", "-1", "--format=%ct%x09%cs", commit).strip().split("\t")
        depth = int(git(root, "rev-list", "--count", commit).strip())
        releases.append(Release(name, subject or name, commit, int(epoch), date, depth))
    return sorted(releases, key=lambda r: (-r.epoch, -r.depth, r.name))


def export_tree(root: Path, commit: str, dest: Path) -> Path:
    """Write the knowledge-base folder as it was at ``commit`` into ``dest``; return ``dest``."""
    tree = f"{commit}:{prefix(root)}" if prefix(root) else commit
    data = git(root, "archive", "--format=tar", tree, binary=True)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(dest, filter="data")
    return dest


def head_commit(root: Path) -> str:
    """Full hash of HEAD ('' outside git or without git)."""
    return git(root, "rev-parse", "HEAD").strip() if is_repository(root) else ""


def head_epoch(root: Path) -> int | None:
    """Commit time of HEAD in seconds (None outside git or without git)."""
    return int(git(root, "log", "-1", "--format=%ct").strip()) if is_repository(root) else None


def history_or_empty(root: Path) -> dict[str, tuple[Revision, ...]]:
    """``file_history`` of HEAD, or {} when git cannot be asked (documents then show no revisions)."""
    try:
        return file_history(root)
    except GitError:
        return {}


def is_clean(root: Path, ignore: tuple[str, ...] = ("site/", ".mzkb/")) -> bool:
    """True when the work tree under ``root`` has no uncommitted changes.

    Untracked files count (a new document not yet added), except build output and caches.
    """
    for line in git(root, "status", "--porcelain", "--untracked-files=all", "--", ".").splitlines():
        path = line[3:].strip().strip('"')
        rel = path[len(prefix(root)):] if path.startswith(prefix(root)) else path
        if not rel.startswith(ignore):
            return False
    return True


def tag_exists(root: Path, name: str) -> bool:
    """True when a tag of this name exists."""
    return bool(git(root, "tag", "-l", name).strip())


def create_tag(root: Path, name: str, title: str) -> None:
    """Create an annotated tag on HEAD."""
    git(root, "tag", "-a", name, "-m", title)
