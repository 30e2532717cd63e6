"""The bundle and update-pack format: names, errors, manifest rendering and validation.

Layout inside ``mzkb-<site>-<version>.zip`` (one top folder, the zip's stem)::

    mzkb-<site>-<version>/
      index.html          landing page: 打开知识库 -> site/index.html, 使用说明
      verify.html         校验 page (browser check, works from file://)
      check/verify.js     script of the 校验 page
      check/manifest.js   manifest.json as a script (derived, not listed in the manifest)
      check/signature.js  manifest.sig as a script (derived; only in signed bundles)
      manifest.json       title, version, commit, build time, counts, media, signing key, file list
      manifest.sig        Ed25519 signature of manifest.json (signed bundles only)
      SHA256SUMS          ``sha256sum -c`` lines for manifest.json and every listed file (derived)
      site/...            the built site

Only ``manifest.json`` (and its signature) are authoritative; the derived files are recomputed
from their bytes and compared by ``verify``.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import urls
from ..diagnostics import Diagnostic, make
from ..foundations import sha256_bytes
from ..releases import NAME_RE  # noqa: F401 (one rule for release and bundle names: releases.name_problem)
from ..yamlsrc import YamlError
from ..yamlsrc import load as load_yaml

FORMAT = "mzkb-bundle"
UPDATE_FORMAT = "mzkb-update"
FORMAT_VERSION = 1
MAX_PATH = 200
MANIFEST = "manifest.json"
UPDATE = "update.json"
SIGNATURE = "manifest.sig"
UPDATE_SIGNATURE = "update.sig"
SUMS = "SHA256SUMS"
MANIFEST_JS = "check/manifest.js"
SIGNATURE_JS = "check/signature.js"
DERIVED = (SUMS, MANIFEST_JS)
ENTRY = "site/" + urls.HOME
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class BundleError(Exception):
    """A bundle or pack cannot be made, read or applied: one diagnostic code, a Chinese message,
    the file it concerns (and line, 0 if unknown) and further problems, one per line."""

    def __init__(self, code: str, message: str, problems: Iterable[str] = (), file: str = "", line: int = 0):
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.file = file
        self.line = line
        super().__init__("\n".join([message, *self.problems]))

    def diagnostic(self) -> Diagnostic:
        """The error as a catalogue diagnostic (``file:line:0: MZ9xx 错误：message``)."""
        return make(self.code, self.file or "-", self.line, 0, detail=self.message)

    def lines(self) -> list[str]:
        """The diagnostic line, then each problem indented."""
        return [self.diagnostic().format(), *(f"  {p}" for p in self.problems)]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a bundle: path relative to the top folder, size in bytes, SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


_ERRNO = {errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
          errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘是只读的", errno.EISDIR: "这是文件夹，不是文件",
          errno.ENOTDIR: "路径中有一段不是文件夹", errno.EEXIST: "已存在", errno.ENAMETOOLONG: "名称过长",
          errno.ELOOP: "符号链接形成循环", errno.EIO: "读写出错（磁盘或 U 盘可能有问题）", errno.EBUSY: "文件正被占用",
          errno.EDQUOT: "超出磁盘配额", errno.EXDEV: "不能跨磁盘移动"}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error (never the English errno text)."""
    return _ERRNO.get(exc.errno, f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误")


def hash_bytes(data: bytes, path: str = "") -> FileEntry:
    """The manifest entry of in-memory bytes."""
    return FileEntry(path, len(data), sha256_bytes(data))


def path_problems(paths: Iterable[str], prefix: str = "") -> list[str]:
    """Why paths (relative, ``/``-separated) cannot go into a zip as ``prefix + path``; empty if fine."""
    problems, seen = [], {}
    for rel in paths:
        name = prefix + rel
        if not name.isascii():
            problems.append(f"路径含非 ASCII 字符（如中文）：{rel}")
        elif _BAD_CHARS.search(rel):
            problems.append(f"路径含 Windows 不允许的字符（< > : \" | ? * \\ 或控制字符）：{rel}")
        if len(name) > MAX_PATH:
            problems.append(f"路径过长（{len(name)} 个字符，最多 {MAX_PATH} 个）：{name}")
        if rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
            problems.append(f"路径不安全（绝对路径、空段或 ..）：{rel}")
        other = seen.setdefault(rel.lower(), rel)
        if other != rel:
            problems.append(f"两个路径只差大小写，在 Windows 上会互相覆盖：{other} 与 {rel}")
    return problems


def render_manifest(manifest: dict) -> bytes:
    """manifest.json (or update.json) bytes: readable, one file per line, deterministic."""
    lines = ["{"]
    for key in (k for k in manifest if k != "files"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(manifest[key], ensure_ascii=False, sort_keys=True)},")
    rows = [json.dumps(f, ensure_ascii=False) for f in manifest.get("files", [])]
    lines.append('  "files": [')
    lines += [f"    {row}," for row in rows[:-1]] + ([f"    {rows[-1]}"] if rows else [])
    lines += ["  ]", "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def derived_files(manifest_bytes: bytes, manifest: dict) -> dict[str, bytes]:
    """SHA256SUMS and check/manifest.js, computed from the (validated) manifest.json alone."""
    text = manifest_bytes.decode("utf-8")
    script = ("window.MZKB_BUNDLE_MANIFEST_TEXT = " + json.dumps(text).replace("</", "<\\/") + ";\n"
              "window.MZKB_BUNDLE_MANIFEST = JSON.parse(window.MZKB_BUNDLE_MANIFEST_TEXT);\n").encode("ascii")
    rows = [FileEntry(f["path"], f["size"], f["sha256"]) for f in manifest["files"]]
    rows += [hash_bytes(manifest_bytes, MANIFEST), hash_bytes(script, MANIFEST_JS)]
    sums = "".join(f"{r.sha256}  {r.path}\n" for r in sorted(rows, key=lambda r: r.path))
    return {SUMS: sums.encode("ascii"), MANIFEST_JS: script}


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _older_name(name: str, than: str) -> bool:
    """Natural order of version names (v2 < v10, 20200220 < 20210101, v1 < v1.1); names that differ first in
    their text (v2 and 20200220, beta and rc) are not ordered: False."""
    mine, theirs = re.findall(r"\d+|\D+", name), re.findall(r"\d+|\D+", than)
    for a, b in zip(mine, theirs):
        if a == b:
            continue
        return a.isdigit() and b.isdigit() and int(a) < int(b)
    return len(mine) < len(theirs)


def is_older(version: str, built_at: object, than_version: str, than_built_at: object) -> bool:
    """Whether a bundle (``version``, ``built_at``) is older than another: by build time when both are known
    and differ, else by the natural order of the version names (``v1`` before ``v2``)."""
    if isinstance(built_at, str) and isinstance(than_built_at, str) and _ISO.match(built_at) \
            and _ISO.match(than_built_at) and built_at != than_built_at:
        return built_at < than_built_at
    return _older_name(version, than_version)


def signature_script(signature_bytes: bytes) -> bytes:
    """check/signature.js: the signature file as a script for the 校验 page."""
    text = signature_bytes.decode("utf-8")
    return ("window.MZKB_BUNDLE_SIGNATURE_TEXT = " + json.dumps(text).replace("</", "<\\/") + ";\n").encode("ascii")


# ---- validation of manifest.json / update.json read back from a bundle ----

_TYPE_NAMES = {str: "字符串", int: "整数", bool: "true 或 false", dict: "对象（{…}）", list: "数组（[…]）"}


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true 或 false"
    return {str: "字符串", int: "整数", float: "小数", dict: "对象（{…}）", list: "数组（[…]）",
            type(None): "null"}.get(type(value), type(value).__name__)


class _Shape:
    """Collects type problems of a parsed JSON document, each with its key path."""

    def __init__(self) -> None:
        self.problems: list[tuple[tuple, str]] = []

    def want(self, value: object, kind: type, *path: object, optional: bool = False) -> bool:
        if optional and value is None:
            return True
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and kind is int and value < 0:
            self.problems.append((path, f"{_label(path)} 不能是负数"))
            return False
        if not ok:
            shown = "缺少此项" if value is None else f"实际为{_type_name(value)}"
            self.problems.append((path, f"{_label(path)} 应为{_TYPE_NAMES[kind]}，{shown}"))
        return ok

    def files(self, rows: object, *path: object) -> None:
        if not self.want(rows, list, *path):
            return
        for i, row in enumerate(rows):
            if self.want(row, dict, *path, i):
                self.want(row.get("path"), str, *path, i, "path")
                self.want(row.get("size"), int, *path, i, "size")
                if self.want(row.get("sha256"), str, *path, i, "sha256") and not _SHA_RE.match(row["sha256"]):
                    self.problems.append(((*path, i, "sha256"), f"{_label((*path, i, 'sha256'))} 不是 64 位十六进制校验值"))


def _label(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（顶层）"


def _check_manifest(doc: dict, shape: _Shape) -> None:
    if shape.want(doc.get("site"), dict, "site"):
        shape.want(doc["site"].get("name"), str, "site", "name")
        shape.want(doc["site"].get("title"), str, "site", "title")
    shape.want(doc.get("version"), str, "version")
    shape.want(doc.get("built_at"), str, "built_at", optional=True)
    if shape.want(doc.get("documents", {}), dict, "documents"):
        for key, value in doc.get("documents", {}).items():
            shape.want(value, int, "documents", key)
    media = doc.get("media", {"included": True, "omitted": []})
    if shape.want(media, dict, "media"):
        shape.want(media.get("included"), bool, "media", "included")
        shape.files(media.get("omitted", []), "media", "omitted")
    if shape.want(doc.get("signing"), dict, "signing", optional=True) and doc.get("signing"):
        shape.want(doc["signing"].get("public_key"), str, "signing", "public_key")


def _check_update(doc: dict, shape: _Shape) -> None:
    if shape.want(doc.get("site"), dict, "site"):
        shape.want(doc["site"].get("name"), str, "site", "name")
        shape.want(doc["site"].get("title"), str, "site", "title")
    for end in ("base", "target"):
        if shape.want(doc.get(end), dict, end):
            shape.want(doc[end].get("version"), str, end, "version")
            shape.want(doc[end].get("manifest_sha256"), str, end, "manifest_sha256")
    for key in ("added", "changed", "deleted"):
        if shape.want(doc.get(key), list, key):
            for i, rel in enumerate(doc[key]):
                shape.want(rel, str, key, i)
    if shape.want(doc.get("signing"), dict, "signing", optional=True) and doc.get("signing"):
        shape.want(doc["signing"].get("public_key"), str, "signing", "public_key")


def _line_of(data: bytes, path: tuple) -> int:
    """The line of a key path in JSON text (JSON is YAML; positions only on the error path)."""
    try:
        _, marks = load_yaml(data.decode("utf-8"))
    except (YamlError, UnicodeDecodeError, RecursionError):
        return 0
    while path and path not in marks:
        path = path[:-1]
    return marks.get(path, (0, 0))[0]


def load_manifest(data: bytes, kind: str = FORMAT, file: str = "") -> dict:
    """Parse manifest.json (or update.json) and check every field's type; ``BundleError`` (MZ922) naming the
    field and its line if unusable, so a hand-edited or forged file never causes a traceback."""
    name = MANIFEST if kind == FORMAT else UPDATE
    file = file or name
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0)
        raise BundleError("MZ922", f"{name} 已损坏：不是有效的 JSON，无法校验", file=file, line=line) from None
    if not isinstance(doc, dict):
        raise BundleError("MZ922", f"{name} 应为一个 JSON 对象（{{…}}），实际为{_type_name(doc)}", file=file, line=1)
    if doc.get("format") != kind:
        raise BundleError("MZ922", f"{name} 不是 mzkb 的格式（format 应为 {kind}）", file=file,
                          line=_line_of(data, ("format",)))
    shape = _Shape()
    shape.want(doc.get("format_version"), int, "format_version")
    shape.files(doc.get("files"), "files")
    (_check_manifest if kind == FORMAT else _check_update)(doc, shape)
    if shape.problems:
        first_path = shape.problems[0][0]
        raise BundleError("MZ922", f"{name} 中有类型不对的项（可能被手工改动或伪造），无法校验",
                          [text for _, text in shape.problems[:20]], file=file, line=_line_of(data, first_path))
    unsafe = path_problems([f["path"] for f in doc["files"]])
    if unsafe:
        raise BundleError("MZ922", f"{name} 中有不安全的文件路径（绝对路径、.. 或非 ASCII），拒绝使用", unsafe[:20], file=file)
    if doc["format_version"] > FORMAT_VERSION:
        raise BundleError("MZ922", f"{name} 的格式版本（{doc['format_version']}）比本程序新：请升级 mzkb 后再试",
                          file=file, line=_line_of(data, ("format_version",)))
    return doc
