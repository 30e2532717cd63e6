"""Offline county bundles: one deterministic zip holding a built site, its manifest and a check page.

Layout inside ``mzkb-<site>-<version>.zip`` (one top folder, the zip's stem)::

    mzkb-<site>-<version>/
      index.html          landing page: 打开知识库 -> site/index.html, 使用说明
      verify.html         校验 page (browser check, works from file://)
      check/verify.js     script of the 校验 page
      check/manifest.js   manifest.json as a script (derived, not listed in the manifest)
      manifest.json       title, version, commit, build time, counts, media, file list (path, size, SHA-256)
      SHA256SUMS          ``sha256sum -c`` lines for every file but itself (derived)
      site/...            the built site

Only ``manifest.json`` is authoritative; ``SHA256SUMS`` and ``check/manifest.js`` are derived from
its bytes (``derived_files``), so ``verify`` regenerates and compares them. Reading bundles,
``verify``, update packs: ``generator/bundle_check.py``. No printing here: problems are raised as
``BundleError`` (Chinese message) or returned in reports.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from importlib.resources import files as package_files
from pathlib import Path

from . import __version__
from .foundations import MEDIA_EXTENSIONS, human_size, sha256_bytes, size_and_sha256

FORMAT = "mzkb-bundle"
FORMAT_VERSION = 1
MAX_PATH = 200
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
MANIFEST_JS = "check/manifest.js"
DERIVED = (SUMS, MANIFEST_JS)
ENTRY = "site/index.html"
STORED_EXTENSIONS = MEDIA_EXTENSIONS | frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".gz",
                                                  ".zip", ".woff", ".woff2"})
PART_LABELS = {"media": "媒体（视频、音频）", "search": "搜索索引", "pages": "网页", "other": "其他（脚本、样式、图片、附件等）"}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_MIN_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
_MAX_EPOCH = 4354819198  # 2107-12-31T23:59:58Z, the latest


class BundleError(Exception):
    """A bundle cannot be made or read; ``message`` (Chinese) and ``problems`` (one per line)."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.message = message
        self.problems = tuple(problems)
        super().__init__("\n".join([message, *self.problems]))

    def lines(self) -> list[str]:
        """The message, then each problem indented."""
        return [self.message, *(f"  {p}" for p in self.problems)]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a bundle: path relative to the top folder, size in bytes, SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class PartSize:
    """One category of a bundle: file count, bytes unpacked, bytes in the zip."""

    files: int
    size: int
    compressed: int


@dataclass(frozen=True, slots=True)
class SizeReport:
    """Size budget of a zip: total, parts largest first, largest files, media left out."""

    zip_name: str
    zip_size: int
    unpacked: int
    files: int
    parts: dict[str, PartSize]
    largest: tuple[FileEntry, ...]
    omitted_media: tuple[FileEntry, ...] = ()

    def lines(self) -> list[str]:
        """The report in Chinese, one line each, for the CLI to print."""
        out = [f"离线包 {self.zip_name}：{human_size(self.zip_size)}（解压后 {human_size(self.unpacked)}，{self.files} 个文件）"]
        for key, part in self.parts.items():
            share = part.compressed * 100 / max(self.zip_size, 1)
            share_text = f"约占 {share:.0f}%" if share >= 1 or not part.compressed else "不到 1%"
            out.append(f"  {PART_LABELS.get(key, key)}：{part.files} 个文件，{human_size(part.compressed)}（{share_text}，"
                       f"解压后 {human_size(part.size)}）")
        if self.largest:
            out.append("最大的文件：")
            out += [f"  {human_size(f.size):>9}  {f.path}" for f in self.largest]
        if self.omitted_media:
            total = sum(f.size for f in self.omitted_media)
            out.append(f"未包含媒体文件 {len(self.omitted_media)} 个（共 {human_size(total)}），清单中已注明；视频页面将无法播放。")
        return out


@dataclass(frozen=True, slots=True)
class BundleResult:
    """A written bundle: zip path and size, compressed bytes per part, the manifest, the size report."""

    path: Path
    size: int
    parts: dict[str, int]
    manifest: dict
    sizes: SizeReport


def part_of(path: str) -> str:
    """Size-report category of a bundle path: media, search, pages or other."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in MEDIA_EXTENSIONS:
        return "media"
    if path.startswith("site/search/"):
        return "search"
    return "pages" if suffix in (".html", ".htm") else "other"


def iso_utc(epoch: int) -> str:
    """``2020-02-20T00:00:00Z``."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """The zip timestamp for SOURCE_DATE_EPOCH, clamped to what a zip can hold (1980–2107)."""
    moment = dt.datetime.fromtimestamp(min(max(epoch, _MIN_EPOCH), _MAX_EPOCH), dt.timezone.utc)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


def bundle_stem(site_name: str, version: str) -> str:
    """``mzkb-<site>-<version>``: the zip's name without ``.zip`` and its top folder."""
    return f"mzkb-{site_name}-{version}"


def site_slug(title: str, limit: int = 32) -> str:
    """An ASCII name for a site from its (Chinese) title, at most ``limit`` characters."""
    from .content.ids import make_id

    slug = make_id(title)
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-") or "site"


def default_version(epoch: int, commit: str | None) -> str:
    """``20200220`` or ``20200220-6949a90`` (build date in UTC, short commit)."""
    date = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y%m%d")
    return f"{date}-{commit[:7]}" if commit else date


def git_commit(root: Path) -> str | None:
    """The HEAD commit of the knowledge base's repository, or None outside git."""
    from .releases import GitError, head_commit

    try:
        return head_commit(root) or None
    except GitError:
        return None


def count_documents(documents) -> dict[str, int]:
    """Documents per type (every type, zeros included) from an iterable of ``Document``."""
    from .content.model import DocType

    counts = {t.value: 0 for t in DocType}
    for doc in documents:
        counts[doc.type.value] += 1
    return counts


def hash_bytes(data: bytes, path: str = "") -> FileEntry:
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
    """manifest.json bytes: readable, one file per line, deterministic."""
    lines = ["{"]
    keys = [k for k in manifest if k != "files"]
    for key in keys:
        lines.append(f"  {json.dumps(key)}: {json.dumps(manifest[key], ensure_ascii=False, sort_keys=True)},")
    rows = [json.dumps(f, ensure_ascii=False) for f in manifest.get("files", [])]
    lines.append('  "files": [')
    lines += [f"    {row}," for row in rows[:-1]] + ([f"    {rows[-1]}"] if rows else [])
    lines += ["  ]", "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def derived_files(manifest_bytes: bytes) -> dict[str, bytes]:
    """SHA256SUMS and check/manifest.js, computed from the bytes of manifest.json alone."""
    manifest = json.loads(manifest_bytes)
    script = b"window.MZKB_BUNDLE_MANIFEST = " + manifest_bytes.rstrip() + b";\n"
    rows = [FileEntry(f["path"], f["size"], f["sha256"]) for f in manifest["files"]]
    rows += [hash_bytes(manifest_bytes, MANIFEST), hash_bytes(script, MANIFEST_JS)]
    sums = "".join(f"{r.sha256}  {r.path}\n" for r in sorted(rows, key=lambda r: r.path))
    return {SUMS: sums.encode("ascii"), MANIFEST_JS: script}


def _verify_script() -> bytes:
    """theme/assets/mzkb/verify.js: from the source checkout beside this package, else the installed theme."""
    local = Path(__file__).resolve().parent.parent / "theme" / "assets" / "mzkb" / "verify.js"
    if local.is_file():
        return local.read_bytes()
    return (package_files("mzkb_theme") / "assets" / "mzkb" / "verify.js").read_bytes()


_STYLE = """body{font:16px/1.7 system-ui,"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}h1{font-size:1.7rem;line-height:1.3;margin:0 0 .4rem}
.meta{color:#55606c;margin:0 0 1.5rem}.open{display:inline-block;font-size:1.6rem;font-weight:700;padding:.8rem 2.2rem;
background:#0b5cad;color:#fff;border-radius:.5rem;text-decoration:none}.open:hover,.open:focus{background:#084a8c}
.note{background:#fff4d6;border-left:4px solid #d69e00;padding:.6rem .9rem}section{background:#fff;border-radius:.5rem;
padding:.2rem 1.2rem 1rem;margin-top:1.5rem}code{background:#eef1f4;padding:0 .3em;border-radius:.2em}
.ok{color:#17692f}.fail{color:#b3261e}li{margin:.3rem 0}#mzkb-verdict{font-weight:600;padding:.7rem 1rem;border-radius:.5rem;
background:#fff}#mzkb-verdict.ok{background:#e6f4ea}#mzkb-verdict.fail{background:#fdecea}"""


def _page(title: str, body: str, scripts: tuple[str, ...] = ()) -> bytes:
    tags = "".join(f'<script src="{s}"></script>\n' for s in scripts)
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
            f"<style>\n{_STYLE}\n</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n{tags}</body>\n</html>\n").encode("utf-8")


def landing_page(manifest: dict) -> bytes:
    """The top index.html: title, 打开知识库, 使用说明."""
    from .content.model import DocType

    title = html.escape(manifest["site"]["title"])
    labels = {t.value: t.label for t in DocType}
    counts = "、".join(f"{labels.get(k, k)} {v} 个" for k, v in manifest["documents"].items() if v)
    total = sum(manifest["documents"].values())
    media = "" if manifest["media"]["included"] else (
        '<p class="note">本离线包不含视频、音频文件（制作时为减小体积而省略）。视频页面仍可阅读文字稿和章节，但无法播放。</p>\n')
    offline = "浏览、搜索和播放视频" if manifest["media"]["included"] else "浏览和搜索"
    body = f"""<h1>{title}</h1>
<p class="meta">离线版 · 版本 {html.escape(manifest["version"])} · 生成于 {manifest["built_at"][:10]} · 共 {total} 个文档（{counts}）</p>
<p><a class="open" href="{ENTRY}">打开知识库</a></p>
{media}<section>
<h2>使用说明</h2>
<ol>
<li><strong>先解压。</strong>在压缩包上点右键，选择“全部解压缩”或“解压到当前文件夹”。不要在压缩软件窗口里直接双击打开网页，否则页面之间的链接和搜索可能无法使用。</li>
<li><strong>双击 index.html 打开。</strong>解压后双击本文件夹中的 index.html（就是本页），再点“打开知识库”。以后也可以直接双击 site 文件夹里的 index.html，或把它加入浏览器收藏夹。</li>
<li><strong>无需联网。</strong>全部内容都在本文件夹中，断网也能{offline}，不需要安装任何软件，用电脑自带的浏览器即可。</li>
<li><strong>检查文件是否完整。</strong>打开<a href="verify.html">校验页面</a>，它会检查搜索索引、图片和视频是否齐全。逐个文件的完整校验请在装有 mzkb 的电脑上运行 <code>mzkb verify 压缩包或文件夹</code>；在 Linux 上也可以进入本文件夹运行 <code>sha256sum -c SHA256SUMS</code>。</li>
<li><strong>不要改动文件夹里的文件。</strong>收到更新包后，用 <code>mzkb apply-update 更新包 本文件夹</code> 更新，或直接换用新版完整离线包。</li>
</ol>
</section>"""
    return _page(f"{manifest['site']['title']}（离线版 {manifest['version']}）", body)


def verify_page(manifest: dict) -> bytes:
    """The 校验 page: its script reads check/manifest.js and loads what a browser can check."""
    body = f"""<h1>离线包校验</h1>
<p class="meta">{html.escape(manifest["site"]["title"])} · 版本 {html.escape(manifest["version"])}</p>
<p id="mzkb-verdict" data-status="running"><strong>正在校验……</strong>如果这行字一直不变，说明校验脚本（check 文件夹）缺失或已损坏：请重新解压离线包，或运行 <code>mzkb verify</code> 校验。</p>
<div id="mzkb-checks"></div>
<section>
<h2>能检查什么</h2>
<p>浏览器出于安全限制，不能读取本地文件的内容来计算校验值。本页只能检查：搜索索引能否完整加载，图片能否显示，视频和音频能否读取时长并播放到结尾。</p>
<p><strong>网页（.html）和其他文件（样式、脚本、附件等）无法在浏览器中检查。</strong>被截断的图片有时仍能显示一部分，本页也无法发现。要逐个文件核对大小和 SHA-256 校验值，请在装有 mzkb 的电脑上运行 <code>mzkb verify 压缩包或文件夹</code>。</p>
</section>
<p><a href="index.html">返回首页</a> · <a href="{ENTRY}">打开知识库</a></p>"""
    return _page(f"离线包校验 - {manifest['site']['title']}", body, (MANIFEST_JS, "check/verify.js"))


def collect_site(site_dir: Path) -> dict[str, Path]:
    """Every file of a built site by its ``/``-separated relative path (sorted walk, no directories)."""
    found: dict[str, Path] = {}
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            found[path.relative_to(site_dir).as_posix()] = path
    return found


def write_zip(target: Path, top: str, contents: dict[str, bytes | Path], epoch: int) -> list[zipfile.ZipInfo]:
    """Write a deterministic zip: sorted entries under ``top/``, fixed times and permissions; atomic."""
    date_time = zip_time(epoch)
    dirs = {top + "/"}
    for rel in contents:
        parts = rel.split("/")[:-1]
        dirs.update(top + "/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    names = sorted([(d, None) for d in dirs] + [(f"{top}/{rel}", rel) for rel in contents])
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            for name, rel in names:
                info = zipfile.ZipInfo(name, date_time)
                info.create_system = 3
                if rel is None:
                    info.external_attr = (0o40755 << 16) | 0x10
                    zf.writestr(info, b"")
                    continue
                info.external_attr = 0o100644 << 16
                stored = os.path.splitext(rel)[1].lower() in STORED_EXTENSIONS
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                source = contents[rel]
                if isinstance(source, bytes):
                    zf.writestr(info, source)
                else:
                    info.file_size = source.stat().st_size
                    with open(source, "rb") as src, zf.open(info, "w") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
            infos = zf.infolist()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return infos


def size_report(zip_path: Path, top: str, infos: list[zipfile.ZipInfo], omitted: tuple[FileEntry, ...] = (),
                largest: int = 8) -> SizeReport:
    """Per-part sizes of a written zip, largest part first."""
    totals: dict[str, list[int]] = {}
    entries = []
    for info in infos:
        if info.is_dir():
            continue
        rel = info.filename[len(top) + 1:]
        entries.append(FileEntry(rel, info.file_size, ""))
        row = totals.setdefault(part_of(rel), [0, 0, 0])
        row[0] += 1
        row[1] += info.file_size
        row[2] += info.compress_size
    parts = {k: PartSize(*v) for k, v in sorted(totals.items(), key=lambda kv: (-kv[1][2], kv[0]))}
    top_files = tuple(sorted(entries, key=lambda e: (-e.size, e.path))[:largest])
    return SizeReport(zip_path.name, zip_path.stat().st_size, sum(e.size for e in entries), len(entries), parts,
                      top_files, omitted)


def make_bundle(site_dir: Path, out_dir: Path, *, site_name: str, site_title: str, version: str,
                commit: str | None, with_media: bool, doc_counts: dict[str, int], epoch: int) -> BundleResult:
    """Write ``out_dir/mzkb-<site_name>-<version>.zip`` from a built site; raise ``BundleError`` if it cannot be made."""
    site_dir, out_dir = Path(site_dir), Path(out_dir)
    for label, value in (("站点名称", site_name), ("版本号", version)):
        if not NAME_RE.match(value):
            raise BundleError(f"{label}“{value}”不可用：只能用英文字母、数字、点、连字符和下划线，以字母或数字开头，最多 40 个字符。")
    if not (site_dir / "index.html").is_file():
        raise BundleError(f"{site_dir} 不是生成好的网站：其中没有 index.html。请先运行 mzkb build。")
    top = bundle_stem(site_name, version)
    site_files = collect_site(site_dir)
    problems = path_problems(site_files, prefix=f"{top}/site/")
    if problems:
        raise BundleError("网站中有不能放进离线包的文件路径（离线包要求纯 ASCII、不超过 200 个字符的路径）：", problems)
    kept, omitted = {}, []
    for rel, path in site_files.items():
        if not with_media and part_of("site/" + rel) == "media":
            omitted.append(FileEntry("site/" + rel, *size_and_sha256(path)))
        else:
            kept["site/" + rel] = path
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "site": {"name": site_name, "title": site_title},
        "version": version, "commit": commit or None,
        "built_at": iso_utc(epoch), "source_date_epoch": epoch, "generator": f"mzkb {__version__}",
        "documents": dict(doc_counts), "entry": ENTRY,
        "media": {"included": with_media, "omitted": [asdict(f) for f in omitted],
                  "omitted_bytes": sum(f.size for f in omitted)},
        "metadata_files": [MANIFEST, *DERIVED],
    }
    contents: dict[str, bytes | Path] = {"index.html": landing_page(manifest), "verify.html": verify_page(manifest),
                                         "check/verify.js": _verify_script(), **kept}
    manifest["files"] = [asdict(hash_bytes(src, rel) if isinstance(src, bytes) else FileEntry(rel, *size_and_sha256(src)))
                         for rel, src in sorted(contents.items())]
    manifest_bytes = render_manifest(manifest)
    contents[MANIFEST] = manifest_bytes
    contents.update(derived_files(manifest_bytes))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.zip"
    infos = write_zip(target, top, contents, epoch)
    sizes = size_report(target, top, infos, tuple(omitted))
    return BundleResult(target, sizes.zip_size, {k: p.compressed for k, p in sizes.parts.items()}, manifest, sizes)


@dataclass(frozen=True, slots=True)
class BundleRun:
    """What ``mzkb bundle`` did: the build (diagnostics), the bundle, the update pack (with ``since``)."""

    build: object
    bundle: BundleResult | None = None
    update: object | None = None


def bundle_knowledge_base(config_path: str | Path, out_dir: str | Path, *, version: str | None = None,
                          with_media: bool = True, since: str | Path | None = None, site_name: str | None = None,
                          resolver: Callable[[str], Path | None] | None = None, commit: str | None = None,
                          epoch: int | None = None) -> BundleRun:
    """``mzkb bundle``: build the knowledge base into a temporary folder, bundle it, and with ``since``
    (an old bundle zip or folder, or a version name ``resolver`` maps to one) also write an update pack.

    A failed build returns ``BundleRun(build)`` with ``bundle=None`` (diagnostics are in ``build``);
    bundle problems raise ``BundleError``.
    """
    from .bundle_check import make_update, resolve_base
    from .pipeline import build, build_epoch

    base = resolve_base(since, resolver) if since is not None else None  # fail before the slow build
    with tempfile.TemporaryDirectory(prefix="mzkb-bundle-") as tmp:
        result = build(config_path, Path(tmp) / "site", epoch=epoch, incremental=False)
        if not result.ok:
            return BundleRun(result)
        config, corpus = result.prepared.config, result.prepared.corpus
        epoch = epoch if epoch is not None else build_epoch(config, corpus)
        commit = commit if commit is not None else git_commit(config.root)
        bundle = make_bundle(result.out_dir, Path(out_dir), site_name=site_name or site_slug(config.title),
                             site_title=config.title, version=version or default_version(epoch, commit), commit=commit,
                             with_media=with_media, doc_counts=count_documents(corpus.documents), epoch=epoch)
    update = make_update(base, bundle.path, Path(out_dir)) if base is not None else None
    return BundleRun(result, bundle, update)
