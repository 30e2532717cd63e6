"""Reading offline bundles (a zip or its unzipped folder): ``verify_bundle``, update packs.

An update pack ``mzkb-<site>-update-<old>-to-<new>.zip`` has one top folder holding ``update.json``
(base and target version with the SHA-256 of their manifest.json, added/changed/deleted paths,
the files it carries), ``README.txt`` and ``files/<path>`` for every new or changed file of the
new bundle (always including manifest.json, SHA256SUMS and check/manifest.js).
``apply_update`` refuses a folder that is not exactly the base version, makes the new tree in a
sibling folder (hard links where possible), verifies it against the new manifest and only then
swaps it into place (``writer.swap_into_place``); on any failure the folder is untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from .bundle import (DERIVED, FORMAT, FORMAT_VERSION, MANIFEST, BundleError, derived_files, path_problems,
                     render_manifest, write_zip)
from .cache import link_or_copy
from .foundations import human_size, sha256_bytes, size_and_sha256, stream_sha256
from .writer import swap_into_place

UPDATE = "update.json"
UPDATE_FORMAT = "mzkb-update"
JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db", "__MACOSX"})
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError)


def is_junk(rel: str) -> bool:
    """Files the operating system drops into folders (Finder, Explorer); verify ignores them."""
    return any(part in JUNK_NAMES or part.startswith("._") for part in rel.split("/"))


class Tree:
    """Files of a bundle or pack below its top folder, read from a zip or a folder."""

    label: str
    root: Path | None = None
    stray: tuple[str, ...] = ()

    def sizes(self) -> dict[str, int]: raise NotImplementedError
    def open(self, rel: str) -> BinaryIO: raise NotImplementedError
    def close(self) -> None: pass

    def read(self, rel: str) -> bytes:
        with self.open(rel) as fh:
            return fh.read()

    def digest(self, rel: str) -> str:
        """SHA-256 of one file; zip CRC or inflate errors propagate."""
        with self.open(rel) as fh:
            return stream_sha256(fh)[1]

    def __enter__(self): return self
    def __exit__(self, *exc): self.close()


class ZipTree(Tree):
    def __init__(self, path: Path, marker: str):
        self.label = str(path)
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BundleError(f"{path} 不是可以读取的 zip 压缩包（{exc}）。") from exc
        names = [i.filename for i in self.zf.infolist()]
        tops = sorted({n.split("/", 1)[0] for n in names if n.count("/") == 1 and n.endswith("/" + marker)})
        if len(tops) != 1:
            self.zf.close()
            found = "、".join(tops) if tops else "没有"
            raise BundleError(f"{path} 中应有且只有一个含 {marker} 的顶层文件夹（实际：{found}）：这不是 mzkb 生成的包，或包已损坏。")
        prefix = tops[0] + "/"
        self.infos = {i.filename[len(prefix):]: i for i in self.zf.infolist() if i.filename.startswith(prefix) and not i.is_dir()}
        self.stray = tuple(sorted(n for n in names if not n.startswith(prefix)))
        self.duplicates = tuple(sorted(n for n, k in Counter(names).items() if k > 1))

    def sizes(self) -> dict[str, int]:
        return {rel: info.file_size for rel, info in self.infos.items()}

    def open(self, rel: str) -> BinaryIO:
        return self.zf.open(self.infos[rel])

    def close(self) -> None:
        self.zf.close()


class DirTree(Tree):
    def __init__(self, path: Path, marker: str):
        path = Path(path)
        if (path / marker).is_file():
            self.root = path
        else:
            found = sorted(p for p in path.iterdir() if (p / marker).is_file()) if path.is_dir() else []
            if len(found) > 1:
                raise BundleError(f"{path} 中有多个包文件夹（{'、'.join(p.name for p in found)}），请指定其中一个。")
            if not found:
                raise BundleError(f"{path} 中找不到 {marker}：这不是 mzkb 生成的包解压后的文件夹（或清单已丢失）。")
            self.root = found[0]
        self.label = str(self.root)
        self.duplicates = ()

    def sizes(self) -> dict[str, int]:
        out = {}
        for folder, dirs, names in os.walk(self.root):
            dirs.sort()
            for name in names:
                path = Path(folder) / name
                out[path.relative_to(self.root).as_posix()] = path.stat().st_size
        return out

    def open(self, rel: str) -> BinaryIO:
        return open(self.root / rel, "rb")


def open_tree(path: Path, marker: str = MANIFEST) -> Tree:
    """A zip (by content) or a folder (the top folder, or a folder holding just that one)."""
    path = Path(path)
    if not path.exists():
        raise BundleError(f"找不到 {path}。")
    return DirTree(path, marker) if path.is_dir() else ZipTree(path, marker)


def load_manifest(data: bytes, kind: str = FORMAT) -> dict:
    """Parse manifest.json (or update.json) and check its shape; ``BundleError`` if unusable."""
    name = MANIFEST if kind == FORMAT else UPDATE
    try:
        doc = json.loads(data)
        ok = (doc.get("format") == kind and isinstance(doc.get("format_version"), int)
              and all(isinstance(f.get("path"), str) and isinstance(f.get("size"), int) and isinstance(f.get("sha256"), str)
                      for f in doc["files"]))
    except (ValueError, AttributeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BundleError(f"{name} 已损坏或不是 mzkb 的格式，无法校验。")
    if path_problems([f["path"] for f in doc["files"]]):
        raise BundleError(f"{name} 中有不安全的文件路径（绝对路径、.. 或非 ASCII），拒绝使用。")
    if doc["format_version"] > FORMAT_VERSION:
        raise BundleError(f"{name} 的格式版本（{doc['format_version']}）比本程序新：请升级 mzkb 后再试。")
    return doc


@dataclass(frozen=True, slots=True)
class Altered:
    """A file whose size or content differs from the manifest."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Result of ``verify_bundle``: ``ok`` only when nothing is missing, extra or altered."""

    ok: bool
    label: str
    version: str = ""
    title: str = ""
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    altered: tuple[Altered, ...] = ()
    checked: int = 0
    ignored: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    omitted_media: int = 0
    errors: tuple[str, ...] = ()

    def problem_lines(self) -> list[str]:
        out = list(self.errors)
        if self.missing:
            out += [f"缺少 {len(self.missing)} 个文件："] + [f"  - {p}" for p in self.missing]
        if self.extra:
            out += [f"多出 {len(self.extra)} 个清单中没有的文件："] + [f"  - {p}" for p in self.extra]
        if self.altered:
            out += [f"{len(self.altered)} 个文件与清单不符："] + [f"  - {a.path}：{a.reason}" for a in self.altered]
        return out

    def lines(self) -> list[str]:
        """The report in Chinese, verdict last."""
        if self.errors and not self.checked:
            return [f"无法校验 {self.label}：", *(f"  {e}" for e in self.errors)]
        out = [f"校验 {self.label}（{self.title}，版本 {self.version}）", *self.problem_lines()]
        if self.omitted_media:
            out.append(f"本包制作时选择了不含媒体文件（{self.omitted_media} 个），这不算缺失。")
        if self.restored:
            out.append(f"另有 {len(self.restored)} 个制作时省略的媒体文件已被补回，内容与清单记录一致。")
        if self.ignored:
            out.append(f"已忽略 {len(self.ignored)} 个系统自动生成的文件（如 .DS_Store、Thumbs.db）。")
        if self.ok:
            out.append(f"校验通过：{self.checked} 个文件全部与清单一致。")
        else:
            out.append(f"校验未通过：缺少 {len(self.missing)} 个、多出 {len(self.extra)} 个、不符 {len(self.altered)} 个文件。"
                       "请重新解压或重新获取离线包。")
        return out


def verify_bundle(path: Path) -> VerifyReport:
    """Check every file of a bundle (zip or unzipped folder) against its manifest.json."""
    try:
        tree = open_tree(path)
    except BundleError as exc:
        return VerifyReport(False, str(path), errors=(exc.message,))
    with tree:
        return _verify(tree)


def read_manifest(tree: Tree, name: str = MANIFEST) -> tuple[bytes, dict]:
    """The bytes and content of manifest.json (or update.json); ``BundleError`` if unreadable."""
    try:
        data = tree.read(name)
    except (*_CORRUPT, OSError) as exc:
        raise BundleError(f"{name} 无法读取（{tree.label} 的数据已损坏）。") from exc
    return data, load_manifest(data, FORMAT if name == MANIFEST else UPDATE_FORMAT)


def _verify(tree: Tree) -> VerifyReport:
    try:
        manifest_bytes, manifest = read_manifest(tree)
    except BundleError as exc:
        return VerifyReport(False, tree.label, errors=(exc.message,))
    actual = tree.sizes()
    expected = {f["path"]: f for f in manifest["files"]}
    missing, altered, checked = [], [], 1
    for rel, entry in expected.items():
        if rel not in actual:
            missing.append(rel)
            continue
        checked += 1
        if actual[rel] != entry["size"]:
            altered.append(Altered(rel, f"大小不符：应为 {entry['size']} 字节，实为 {actual[rel]} 字节"))
            continue
        reason = _digest_problem(tree, rel, entry["sha256"])
        if reason:
            altered.append(Altered(rel, reason))
    for rel, data in derived_files(manifest_bytes).items():
        if rel not in actual:
            missing.append(rel)
            continue
        checked += 1
        if _digest_problem(tree, rel, sha256_bytes(data)):
            altered.append(Altered(rel, "与 manifest.json 不一致（清单或此文件被改动过）"))
    media = manifest.get("media") or {}
    omitted = {f["path"]: f for f in media.get("omitted", [])}
    extra, ignored, restored = [], [], []
    for rel in [*tree.stray, *sorted(set(actual) - set(expected) - set(DERIVED) - {MANIFEST})]:
        if is_junk(rel):
            ignored.append(rel)
        elif rel in omitted and actual.get(rel) == omitted[rel]["size"] and not _digest_problem(tree, rel, omitted[rel]["sha256"]):
            restored.append(rel)
        else:
            extra.append(rel)
    errors = tuple(f"压缩包中有重复的文件名：{n}" for n in tree.duplicates)
    ok = not (missing or extra or altered or errors)
    return VerifyReport(ok, tree.label, manifest.get("version", ""), manifest.get("site", {}).get("title", ""),
                        tuple(sorted(missing)), tuple(extra), tuple(sorted(altered, key=lambda a: a.path)), checked,
                        tuple(ignored), tuple(restored), len(omitted), errors)


def _digest_problem(tree: Tree, rel: str, sha256: str) -> str:
    try:
        digest = tree.digest(rel)
    except _CORRUPT:
        return "压缩包中此文件的数据已损坏（CRC 校验失败或无法解压）"
    except OSError as exc:
        return f"无法读取：{exc.strerror or exc}"
    return "" if digest == sha256 else "内容不符：SHA-256 与清单不一致"


def resolve_base(ref: str | os.PathLike, resolver: Callable[[str], Path | None] | None = None) -> Path:
    """The old bundle for ``--since``: a path to a zip or folder, or a version name ``resolver`` maps to one."""
    path = Path(ref)
    if path.exists():
        return path
    found = resolver(str(ref)) if resolver is not None else None
    if found is not None and Path(found).exists():
        return Path(found)
    raise BundleError(f"找不到旧版本 {ref}：请给出旧版离线包（.zip）或其解压后的文件夹的路径。")


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """A written update pack."""

    path: Path
    size: int
    base_version: str
    target_version: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    deleted: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"更新包 {self.path.name}：{human_size(self.size)}，从 {self.base_version} 版更新到 {self.target_version} 版，"
                f"新增 {len(self.added)} 个、更新 {len(self.changed)} 个、删除 {len(self.deleted)} 个文件。",
                f"使用方法：mzkb apply-update {self.path.name} 旧版离线包解压后的文件夹"]


_PACK_README = """这是 {title} 的离线更新包（从 {base} 版更新到 {target} 版），不能直接打开浏览。

使用方法：在装有 mzkb 的电脑上运行
    mzkb apply-update 本更新包.zip 旧版离线包解压后的文件夹
更新前会检查文件夹确实是完整的 {base} 版；新版文件先在旁边的临时文件夹中按新版清单逐个校验，全部无误才替换，出错时原文件夹不会被改动。
如果文件夹不是 {base} 版，请直接使用 {target} 版的完整离线包。
"""


def make_update(old: Path, new_bundle: Path, out_dir: Path) -> UpdateResult:
    """Write the update pack from bundle ``old`` to ``new_bundle`` (each a zip or an unzipped folder)."""
    with open_tree(old) as old_tree:
        old_bytes, old_m = read_manifest(old_tree)
    with open_tree(new_bundle) as new_tree, tempfile.TemporaryDirectory(prefix="mzkb-update-") as tmp:
        new_bytes, new_m = read_manifest(new_tree)
        if old_m["site"].get("name") != new_m["site"].get("name"):
            raise BundleError(f"两个离线包不是同一个知识库（{old_m['site'].get('name')} 与 {new_m['site'].get('name')}），不能制作更新包。")
        before = {f["path"]: (f["size"], f["sha256"]) for f in old_m["files"]}
        after = {f["path"]: (f["size"], f["sha256"]) for f in new_m["files"]}
        added = sorted(set(after) - set(before))
        deleted = sorted(set(before) - set(after))
        changed = sorted(p for p in set(after) & set(before) if after[p] != before[p])
        expected = {p: after[p] for p in added + changed}
        expected.update({rel: (len(data), sha256_bytes(data)) for rel, data in derived_files(new_bytes).items()})
        expected[MANIFEST] = (len(new_bytes), sha256_bytes(new_bytes))
        contents: dict[str, bytes | Path] = {}
        for rel in sorted(expected):
            contents["files/" + rel] = Path(tmp) / rel
            if not _extract(new_tree, rel, Path(tmp) / rel, expected[rel]):
                raise BundleError(f"新版离线包 {new_bundle} 已损坏：{rel} 无法读取或与其清单不一致。请重新制作。")
        site, base, goal = new_m["site"]["name"], old_m["version"], new_m["version"]
        top = f"mzkb-{site}-update-{base}-to-{goal}"
        problems = path_problems(contents, prefix=top + "/")
        if problems:
            raise BundleError("更新包中有不能放进压缩包的路径：", problems)
        update = {
            "format": UPDATE_FORMAT, "format_version": FORMAT_VERSION, "site": new_m["site"],
            "base": {"version": base, "manifest_sha256": sha256_bytes(old_bytes)},
            "target": {"version": goal, "manifest_sha256": sha256_bytes(new_bytes), "built_at": new_m.get("built_at")},
            "added": added, "changed": changed, "deleted": deleted,
            "files": [{"path": rel, "size": size, "sha256": sha} for rel, (size, sha) in sorted(expected.items())],
        }
        contents[UPDATE] = render_manifest(update)
        contents["README.txt"] = _PACK_README.format(title=new_m["site"]["title"], base=base, target=goal).encode("utf-8")
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        path = Path(out_dir) / f"{top}.zip"
        write_zip(path, top, contents, int(new_m.get("source_date_epoch") or 0))
    return UpdateResult(path, path.stat().st_size, base, goal, tuple(added), tuple(changed), tuple(deleted))


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """Result of ``apply_update``; on failure ``errors`` says why and the folder is unchanged."""

    ok: bool
    root: Path | None = None
    base_version: str = ""
    target_version: str = ""
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    verify: VerifyReport | None = None
    errors: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        if not self.ok:
            return list(self.errors)
        out = [f"已将 {self.root} 从 {self.base_version} 版更新到 {self.target_version} 版：新增 {len(self.added)} 个、"
               f"更新 {len(self.changed)} 个、删除 {len(self.deleted)} 个文件。",
               f"更新后校验通过：{self.verify.checked} 个文件与 {self.target_version} 版清单一致。"]
        if self.base_version in self.root.name:
            out.append("提示：文件夹名称仍带有旧版本号，可以自行改名。")
        return out


def apply_update(pack: Path, target_dir: Path) -> ApplyReport:
    """Apply an update pack to an unzipped full bundle; refuse (nothing changed) unless it is exactly the base."""
    try:
        return _apply(Path(pack), Path(target_dir))
    except BundleError as exc:
        return ApplyReport(False, errors=tuple(exc.lines()))


def _apply(pack: Path, target_dir: Path) -> ApplyReport:
    if target_dir.is_file():
        raise BundleError(f"{target_dir} 是文件：请先把旧版离线包解压，再对解压出的文件夹应用更新包。")
    with open_tree(pack, UPDATE) as ptree, DirTree(target_dir, MANIFEST) as target:
        info = read_manifest(ptree, UPDATE)[1]
        root, base, goal = target.root, info["base"]["version"], info["target"]["version"]
        current = (root / MANIFEST).read_bytes()
        if sha256_bytes(current) != info["base"]["manifest_sha256"]:
            try:
                have = json.loads(current).get("version", "未知")
            except ValueError:
                have = "未知"
            if sha256_bytes(current) == info["target"]["manifest_sha256"]:
                raise BundleError(f"{root} 已经是 {goal} 版，无需更新（未做任何改动）。")
            raise BundleError(f"更新包只能用于 {base} 版，而 {root} 是 {have} 版（或清单被改动过）：未做任何改动。"
                              f"请使用从 {have} 版开始的更新包，或直接使用 {goal} 版的完整离线包。")
        files = {f["path"]: f for f in info["files"]}
        problems = path_problems([*files, *info["deleted"]]) + [f"更新包缺少 {rel}" for rel in (MANIFEST, *DERIVED) if rel not in files]
        if files.get(MANIFEST, {}).get("sha256") != info["target"]["manifest_sha256"]:
            problems.append("新版清单与 update.json 记录的不一致")
        if problems:
            raise BundleError("更新包已损坏或不安全，未做任何改动：", problems)
        before = verify_bundle(root)
        if not before.ok:
            raise BundleError(f"{root} 与 {base} 版清单不一致，不能更新（未做任何改动）。请重新解压完整的 {base} 版离线包，"
                              f"或直接使用 {goal} 版的完整离线包：", before.problem_lines())
        stage = root.parent / f".{root.name}.update-{os.getpid()}"  # the new tree is made beside, then swapped in
        shutil.rmtree(stage, ignore_errors=True)
        try:
            shutil.copytree(root, stage, copy_function=link_or_copy)  # files are replaced, never written through
            for rel in info["deleted"]:
                (stage / rel).unlink(missing_ok=True)
                _prune(stage, rel)
            for rel, entry in files.items():
                if not _extract(ptree, "files/" + rel, stage / rel, (entry["size"], entry["sha256"])):
                    raise BundleError(f"更新包已损坏：{rel} 无法读取或与更新包清单不一致，未做任何改动。")
            after = verify_bundle(stage)
            if not after.ok:
                raise BundleError(f"更新后的文件与 {goal} 版清单不一致，未做任何改动：", after.problem_lines())
            swap_into_place(stage, root)
        except OSError as exc:
            raise BundleError(f"更新失败，未做任何改动：{exc}") from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return ApplyReport(True, root, base, goal, tuple(info["added"]), tuple(info["changed"]), tuple(info["deleted"]),
                       replace(after, label=str(root)))


def _extract(tree: Tree, rel: str, dest: Path, expected: tuple[int, str]) -> bool:
    """Copy one file out of a tree to ``dest`` (replacing, never writing through a hard link); True if it matches."""
    dest.unlink(missing_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tree.open(rel) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (*_CORRUPT, KeyError):
        return False
    return size_and_sha256(dest) == expected


def _prune(root: Path, rel: str) -> None:
    """Remove folders left empty by a removed file (never ``root`` itself)."""
    folder = (root / rel).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
