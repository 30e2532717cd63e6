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


NOTE_MARKERS = ("更新说明：", "更新说明:")
"""A commit message line starting with one of these begins the reader-facing change note."""


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that touched a file."""

    commit: str
    """Short hash (for developers; never shown to readers)."""
    date: str
    """Commit date, YYYY-MM-DD."""
    message: str
    """First line of the commit message (for developers; never shown to readers)."""
    note: str = ""
    """The editor's Chinese change note: the commit message after ``更新说明：`` ('' if none)."""
    content_changed: bool = False
    """True when this commit changed the file's content (not when it added, imported or moved it)."""


def change_note(message: str) -> str:
    """The text after a ``更新说明：`` line of a commit message, up to the next blank line ('' if none)."""
    lines = message.splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        for marker in NOTE_MARKERS:
            if stripped.startswith(marker):
                parts = [stripped[len(marker):].strip()]
                for more in lines[index + 1:]:
                    if not more.strip():
                        break
                    parts.append(more.strip())
                return "".join(p for p in parts if p)
    return ""


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
    """Path (relative to ``root``) -> its revisions, newest first, as of ``rev``. Empty outside git.

    Whether a commit changed a file's content is decided from blob ids, not commit dates: the
    commit that adds a file (an import) does not change it, nor does a move (a file added with
    a blob some path already had); a later commit with a different blob does.
    """
    if not is_repository(root):
        return {}
    out = git(root, "-c", "core.quotePath=false", "log", rev, "--format=%x1e%h%x09%cs%x09%B%x1f", "--raw", "--no-abbrev", "--no-renames",
              "--relative", "--", ".")
    records = []
    for record in out.split("\x1e")[1:]:
        head, _, raw = record.partition("\x1f")
        commit, date, message = (head.split("\t", 2) + ["", ""])[:3]
        changes = []
        for line in raw.splitlines():
            if line.startswith(":") and "\t" in line:
                fields, path = line.split("\t", 1)
                parts = fields.split()
                changes.append((_unquote(path.strip()), parts[2], parts[3], parts[4][:1]))
        records.append((commit, date, message.strip(), changes))
    last_blob: dict[str, str] = {}  # path -> its blob before it was deleted (a re-added path is compared with it)
    history: dict[str, list[Revision]] = {}
    for commit, date, message, changes in reversed(records):  # oldest first
        subject = message.splitlines()[0] if message else ""
        note = change_note(message)
        for path, old_blob, new_blob, status in changes:
            if status == "D":
                last_blob[path] = old_blob
                continue
            before = old_blob if status == "M" else last_blob.get(path, new_blob)
            history.setdefault(path, []).append(Revision(commit, date, subject, note, before != new_blob))
    return {path: tuple(reversed(revs)) for path, revs in history.items()}


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
