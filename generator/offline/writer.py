"""Writing an offline bundle: one deterministic zip from a built site, its manifest, signature and pages.

No printing here: problems are raised as ``BundleError`` (Chinese message) or returned in reports.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import __version__, urls
from ..content.ids import make_id
from ..foundations import MEDIA_EXTENSIONS, human_size, size_and_sha256
from ..releases import name_problem
from . import signing
from .format import (DERIVED, ENTRY, FORMAT, FORMAT_VERSION, MANIFEST, SIGNATURE, SIGNATURE_JS, BundleError, FileEntry,
                     derived_files, hash_bytes, path_problems, render_manifest, signature_script)
from .pages import landing_page, verify_page, verify_script

STORED_EXTENSIONS = MEDIA_EXTENSIONS | frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".gz",
                                                  ".zip", ".woff", ".woff2"})
PART_LABELS = {"media": "媒体（视频、音频）", "search": "搜索索引", "pages": "网页", "other": "其他（脚本、样式、图片、附件等）"}
_MIN_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
_MAX_EPOCH = 4354819198  # 2107-12-31T23:59:58Z, the latest


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

    @property
    def signed(self) -> bool:
        """Whether the bundle carries a signature."""
        return bool(self.manifest.get("signing"))


def part_of(path: str) -> str:
    """Size-report category of a bundle path: media, search, pages or other."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in MEDIA_EXTENSIONS:
        return "media"
    if path.startswith(f"site/{urls.SEARCH_DIR}/"):
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
    slug = make_id(title)
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-") or "site"


def collect_site(site_dir: Path) -> dict[str, Path]:
    """Every file of a built site by its ``/``-separated relative path (sorted walk, no directories)."""
    found: dict[str, Path] = {}
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            found[path.relative_to(site_dir).as_posix()] = path
    return found


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, source: bytes | Path) -> None:
    info.external_attr = 0o100644 << 16
    stored = os.path.splitext(rel)[1].lower() in STORED_EXTENSIONS
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if isinstance(source, bytes):
        zf.writestr(info, source)
        return
    info.file_size = source.stat().st_size
    with open(source, "rb") as src, zf.open(info, "w") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


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
                else:
                    _zip_entry(zf, info, rel, contents[rel])
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


def _site_files(site_dir: Path, top: str, with_media: bool) -> tuple[dict[str, Path], list[FileEntry]]:
    """The site's files under ``site/`` to pack, and the media left out."""
    if not (site_dir / "index.html").is_file():
        raise BundleError("MZ920", "这不是生成好的网站：其中没有 index.html。请先运行 mzkb build", file=str(site_dir))
    site_files = collect_site(site_dir)
    problems = path_problems(site_files, prefix=f"{top}/site/")
    if problems:
        raise BundleError("MZ920", "网站中有不能放进离线包的文件路径（离线包要求纯 ASCII、不超过 200 个字符的路径）",
                          problems, file=str(site_dir))
    kept, omitted = {}, []
    for rel, path in site_files.items():
        if not with_media and part_of("site/" + rel) == "media":
            omitted.append(FileEntry("site/" + rel, *size_and_sha256(path)))
        else:
            kept["site/" + rel] = path
    return kept, omitted


def make_bundle(site_dir: Path, out_dir: Path, *, site_name: str, site_title: str, version: str,
                commit: str | None, with_media: bool, doc_counts: dict[str, int], epoch: int,
                signing_key: Ed25519PrivateKey | None = None) -> BundleResult:
    """Write ``out_dir/mzkb-<site_name>-<version>.zip`` from a built site, signed when ``signing_key`` is given;
    raise ``BundleError`` if it cannot be made."""
    site_dir, out_dir = Path(site_dir), Path(out_dir)
    for label, value in (("站点名称", site_name), ("版本号", version)):
        if problem := name_problem(label, value):  # the same check as `mzkb release`
            raise BundleError("MZ920", problem.rstrip("。"))
    top = bundle_stem(site_name, version)
    kept, omitted = _site_files(site_dir, top, with_media)
    public = signing.public_text(signing_key.public_key()) if signing_key else None
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "site": {"name": site_name, "title": site_title},
        "version": version, "commit": commit or None,
        "built_at": iso_utc(epoch), "source_date_epoch": epoch, "generator": f"mzkb {__version__}",
        "documents": dict(doc_counts), "entry": ENTRY,
        "media": {"included": with_media, "omitted": [asdict(f) for f in omitted],
                  "omitted_bytes": sum(f.size for f in omitted)},
        "signing": {"algorithm": "ed25519", "public_key": public} if public else None,
        "metadata_files": [MANIFEST, *((SIGNATURE, SIGNATURE_JS) if public else ()), *DERIVED],
    }
    contents: dict[str, bytes | Path] = {"index.html": landing_page(manifest), "verify.html": verify_page(manifest),
                                         "check/verify.js": verify_script(), **kept}
    manifest["files"] = [asdict(hash_bytes(src, rel) if isinstance(src, bytes) else FileEntry(rel, *size_and_sha256(src)))
                         for rel, src in sorted(contents.items())]
    manifest_bytes = render_manifest(manifest)
    contents[MANIFEST] = manifest_bytes
    contents.update(derived_files(manifest_bytes, manifest))
    if signing_key is not None:
        contents[SIGNATURE] = signing.sign(signing_key, manifest_bytes)
        contents[SIGNATURE_JS] = signature_script(contents[SIGNATURE])
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.zip"
    infos = write_zip(target, top, contents, epoch)
    sizes = size_report(target, top, infos, tuple(omitted))
    return BundleResult(target, sizes.zip_size, {k: p.compressed for k, p in sizes.parts.items()}, manifest, sizes)
