"""Update packs: making one from two bundles, applying one to an unzipped bundle.

A pack ``mzkb-<site>-update-<old>-to-<new>.zip`` has one top folder holding ``update.json`` (base and
target version with the SHA-256 of their manifest.json, added/changed/deleted paths, the files it
carries), ``update.sig`` (its Ed25519 signature, when signed), ``README.txt`` and ``files/<path>`` for
every new or changed file of the new bundle (always including its manifest, signature and derived files).

``apply_update`` checks, in this order and before writing anything: the zip's central directory
(limits), update.json's shape, its signature against a trusted key, that the folder is exactly the
base version, that every entry's declared size is the size update.json expects and that the disk
can hold it. It then makes the new tree in a sibling folder (hard links where possible), extracts
with bounded copies, verifies the result against the new manifest and only then swaps it into
place (``writer.swap_into_place``); on any failure the folder is untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..cache import link_or_copy
from ..foundations import human_size, sha256_bytes, size_and_sha256
from ..writer import restore_interrupted, swap_into_place
from . import signing
from .format import (
    DERIVED,
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURE,
    SIGNATURE_JS,
    UPDATE,
    UPDATE_FORMAT,
    UPDATE_SIGNATURE,
    BundleError,
    is_older,
    load_manifest,
    os_reason,
    path_problems,
    render_manifest,
)
from .signing import SignatureCheck, TrustedKey
from .trees import CORRUPT, DirTree, Tree, open_tree, read_metadata, remove_leftovers
from .verify import VerifyReport, bundle_signature, read_manifest, verify_bundle
from .writer import write_zip
from .zipsafe import TooLarge, check_space, copy_bounded


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
    signed: bool = False

    def lines(self) -> list[str]:
        """The summary in Chinese, for the CLI to print."""
        return [f"更新包 {self.path.name}：{human_size(self.size)}，从 {self.base_version} 版更新到 {self.target_version} 版，"
                f"新增 {len(self.added)} 个、更新 {len(self.changed)} 个、删除 {len(self.deleted)} 个文件"
                f"{'（已签名）' if self.signed else '（未签名：接收方须加 --allow-unsigned 才能应用）'}。",
                f"使用方法：mzkb apply-update {self.path.name} 旧版离线包解压后的文件夹"]


def resolve_base(ref: str | os.PathLike, resolver: Callable[[str], Path | None] | None = None) -> Path:
    """The old bundle for ``--since``: a path to a zip or folder, or a version name ``resolver`` maps to one."""
    path = Path(ref)
    if path.exists():
        return path
    found = resolver(str(ref)) if resolver is not None else None
    if found is not None and Path(found).exists():
        return Path(found)
    raise BundleError("MZ921", f"找不到旧版本 {ref}：请给出旧版离线包（.zip）或其解压后的文件夹的路径")


_PACK_README = """这是 {title} 的离线更新包（从 {base} 版更新到 {target} 版），不能直接打开浏览。

使用方法：在装有 mzkb 的电脑上运行
    mzkb apply-update 本更新包.zip 旧版离线包解压后的文件夹
更新前会核对更新包的签名，并检查文件夹确实是完整的 {base} 版；新版文件先在旁边的临时文件夹中按新版清单逐个校验，全部无误才替换，出错时原文件夹不会被改动。
如果文件夹不是 {base} 版，请直接使用 {target} 版的完整离线包。
"""


def _extract(tree: Tree, rel: str, dest: Path, size: int, expected_sha: str) -> bool:
    """Copy one file out of a tree to ``dest`` (replacing, never writing through a hard link), never more than
    ``size`` bytes; True if it is exactly the expected file."""
    dest.unlink(missing_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tree.open(rel) as src, open(dest, "wb") as dst:
            copy_bounded(src, dst.write, size)
    except (*CORRUPT, KeyError, TooLarge):
        dest.unlink(missing_ok=True)
        return False
    return size_and_sha256(dest) == (size, expected_sha)


def _pack_files(old_m: dict, new_tree: Tree, new_bytes: bytes, new_m: dict) -> tuple[dict, list, list, list]:
    """(expected {path: (size, sha)}, added, changed, deleted) of the pack from ``old_m`` to ``new_m``."""
    before = {f["path"]: (f["size"], f["sha256"]) for f in old_m["files"]}
    after = {f["path"]: (f["size"], f["sha256"]) for f in new_m["files"]}
    added = sorted(set(after) - set(before))
    deleted = sorted(set(before) - set(after))
    changed = sorted(p for p in set(after) & set(before) if after[p] != before[p])
    expected = {p: after[p] for p in added + changed}
    for rel in (*DERIVED, SIGNATURE, SIGNATURE_JS):
        data = read_metadata(new_tree, rel)
        if data is not None:
            expected[rel] = (len(data), sha256_bytes(data))
    expected[MANIFEST] = (len(new_bytes), sha256_bytes(new_bytes))
    return expected, added, changed, deleted


def downgrade_problem(old_m: dict, version: str, built_at: object) -> str:
    """Why a pack from the bundle ``old_m`` to (``version``, ``built_at``) is a downgrade ("" if it is not)."""
    if not is_older(version, built_at, old_m["version"], old_m.get("built_at")):
        return ""
    return (f"新版本 {version}（生成于 {built_at or '未知'}）比旧版本 {old_m['version']}（生成于 {old_m.get('built_at') or '未知'}）"
            "更旧：这样的更新包会把县里的离线包退回旧版")


def make_update(old: Path, new_bundle: Path, out_dir: Path, signing_key: Ed25519PrivateKey | None = None,
                allow_downgrade: bool = False) -> UpdateResult:
    """Write the update pack from bundle ``old`` to ``new_bundle`` (each a zip or an unzipped folder); a pack to
    an older version is refused (MZ931) unless ``allow_downgrade``."""
    with open_tree(old) as old_tree:
        old_bytes, old_m = read_manifest(old_tree)
    with open_tree(new_bundle) as new_tree, tempfile.TemporaryDirectory(prefix="mzkb-update-") as tmp:
        new_bytes, new_m = read_manifest(new_tree)
        if old_m["site"]["name"] != new_m["site"]["name"]:
            raise BundleError("MZ920", f"两个离线包不是同一个知识库（{old_m['site']['name']} 与 {new_m['site']['name']}），"
                              "不能制作更新包", file=str(new_bundle))
        if not allow_downgrade and (why := downgrade_problem(old_m, new_m["version"], new_m.get("built_at"))):
            raise BundleError("MZ931", why, file=str(old))
        expected, added, changed, deleted = _pack_files(old_m, new_tree, new_bytes, new_m)
        contents: dict[str, bytes | Path] = {}
        for rel, (size, sha) in sorted(expected.items()):
            contents["files/" + rel] = Path(tmp) / rel
            if not _extract(new_tree, rel, Path(tmp) / rel, size, sha):
                raise BundleError("MZ920", f"新版离线包已损坏：{rel} 无法读取或与其清单不一致。请重新制作",
                                  file=str(new_bundle))
        site, base, goal = new_m["site"]["name"], old_m["version"], new_m["version"]
        top = f"mzkb-{site}-update-{base}-to-{goal}"
        problems = path_problems(contents, prefix=top + "/")
        if problems:
            raise BundleError("MZ920", "更新包中有不能放进压缩包的路径", problems)
        public = signing.public_text(signing_key.public_key()) if signing_key else None
        update = {
            "format": UPDATE_FORMAT, "format_version": FORMAT_VERSION, "site": new_m["site"],
            "base": {"version": base, "manifest_sha256": sha256_bytes(old_bytes)},
            "target": {"version": goal, "manifest_sha256": sha256_bytes(new_bytes), "built_at": new_m.get("built_at")},
            "added": added, "changed": changed, "deleted": deleted,
            "signing": {"algorithm": "ed25519", "public_key": public} if public else None,
            "files": [{"path": rel, "size": size, "sha256": sha} for rel, (size, sha) in sorted(expected.items())],
        }
        contents[UPDATE] = render_manifest(update)
        if signing_key is not None:
            contents[UPDATE_SIGNATURE] = signing.sign(signing_key, contents[UPDATE])
        contents["README.txt"] = _PACK_README.format(title=new_m["site"]["title"], base=base, target=goal).encode("utf-8")
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        path = Path(out_dir) / f"{top}.zip"
        write_zip(path, top, contents, int(new_m.get("source_date_epoch") or 0))
    return UpdateResult(path, path.stat().st_size, base, goal, tuple(added), tuple(changed), tuple(deleted),
                        signing_key is not None)


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
    errors: tuple[str, ...] = ()
    signature: SignatureCheck | None = None
    downgrade: bool = False
    """The pack took the folder back to an older version (allowed with ``allow_downgrade``)."""

    def lines(self) -> list[str]:
        """The report in Chinese."""
        if not self.ok:
            return list(self.errors)
        out = [f"注意：这是降级，已按要求（--allow-downgrade）从 {self.base_version} 版退回到更旧的 {self.target_version} 版。"
               if self.downgrade else "",f"已将 {self.root} 从 {self.base_version} 版更新到 {self.target_version} 版：新增 {len(self.added)} 个、"
               f"更新 {len(self.changed)} 个、删除 {len(self.deleted)} 个文件。",
               f"更新包{self.signature.line()}" if self.signature else "",
               f"更新后校验通过：{self.verify.checked} 个文件与 {self.target_version} 版清单一致。"]
        if self.base_version in self.root.name:
            out.append("提示：文件夹名称仍带有旧版本号，可以自行改名。")
        return [line for line in out if line]


def apply_update(pack: Path, target_dir: Path, trusted: TrustedKey | None = None,
                 allow_unsigned: bool = False, allow_downgrade: bool = False) -> ApplyReport:
    """Apply an update pack to an unzipped full bundle; refuse (nothing changed) unless the pack is signed by a
    trusted key (``trusted``, else the key of the bundle being updated) or ``allow_unsigned``, and the folder is
    exactly the pack's base version; a pack to an older version is refused (MZ932) unless ``allow_downgrade``."""
    try:
        return _apply(Path(pack), Path(target_dir), trusted, allow_unsigned, allow_downgrade)
    except BundleError as exc:
        return ApplyReport(False, errors=tuple(exc.lines()))
    except OSError as exc:
        failure = BundleError("MZ929", f"更新失败，未做任何改动：{os_reason(exc)}", file=exc.filename or str(target_dir))
        return ApplyReport(False, errors=tuple(failure.lines()))


def _trust(target: DirTree, trusted: TrustedKey | None) -> TrustedKey | None:
    """The given key, else the key of the bundle being updated if its own signature holds."""
    if trusted is not None:
        return trusted
    try:
        data, manifest = read_manifest(target)
    except BundleError:
        return None
    own = bundle_signature(target, data, manifest, None)
    return TrustedKey(own.public_key, "正在更新的离线包所带的公钥") if own.status == signing.VALID else None


def _check_pack_signature(ptree: Tree, info_bytes: bytes, info: dict, trusted: TrustedKey | None,
                          allow_unsigned: bool) -> SignatureCheck:
    declared = (info.get("signing") or {}).get("public_key")
    check = signing.check(info_bytes, read_metadata(ptree, UPDATE_SIGNATURE), declared, trusted)
    if check.status == signing.INVALID:
        raise BundleError("MZ924", f"更新包被拒绝，未做任何改动：{check.detail}", file=ptree.label)
    if check.authentic or allow_unsigned:
        return check
    if check.status == signing.UNSIGNED:
        raise BundleError("MZ925", "更新包未签名，无法确认它来自发布单位，拒绝应用（未做任何改动）。"
                          "确认来源可靠时，可加 --allow-unsigned 强制应用", file=ptree.label)
    raise BundleError("MZ925", f"无法确认更新包的来源：它由公钥指纹 {signing.fingerprint(check.public_key)} 签名，"
                      "但没有可信公钥可以核对（正在更新的离线包未签名）。请用 --public-key 给出发布单位公布的公钥，"
                      "或确认来源可靠后加 --allow-unsigned（未做任何改动）", file=ptree.label)


def _check_base(root: Path, info: dict) -> None:
    current = (root / MANIFEST).read_bytes()
    base, goal = info["base"]["version"], info["target"]["version"]
    if sha256_bytes(current) == info["base"]["manifest_sha256"]:
        return
    try:
        have = json.loads(current).get("version", "未知")
    except (ValueError, AttributeError, RecursionError):
        have = "未知"
    if sha256_bytes(current) == info["target"]["manifest_sha256"]:
        raise BundleError("MZ927", f"{root} 已经是 {goal} 版，无需更新（未做任何改动）", file=str(root))
    raise BundleError("MZ927", f"更新包只能用于 {base} 版，而 {root} 是 {have} 版（或清单被改动过）：未做任何改动。"
                      f"请使用从 {have} 版开始的更新包，或直接使用 {goal} 版的完整离线包", file=str(root))


def _check_contents(ptree: Tree, info: dict, root: Path) -> dict[str, dict]:
    """The pack's files by path, once their paths, presence and declared sizes agree with update.json."""
    files = {f["path"]: f for f in info["files"]}
    problems = path_problems([*files, *info["deleted"]])
    problems += [f"更新包缺少 {rel}" for rel in (MANIFEST, *DERIVED) if rel not in files]
    if files.get(MANIFEST, {}).get("sha256") != info["target"]["manifest_sha256"]:
        problems.append("新版清单与 update.json 记录的不一致")
    carried = ptree.sizes()
    for rel, entry in files.items():
        if carried.get("files/" + rel) != entry["size"]:
            problems.append(f"files/{rel}：压缩包声明的大小（{carried.get('files/' + rel, '缺失')}）与 update.json 记录的"
                            f"（{entry['size']} 字节）不一致")
    if problems:
        raise BundleError("MZ921", "更新包已损坏或不安全，未做任何改动", problems[:20], file=ptree.label)
    check_space(root.parent, sum(f["size"] for f in files.values()), ptree.label)
    return files


def _apply(pack: Path, target_dir: Path, trusted: TrustedKey | None, allow_unsigned: bool,
           allow_downgrade: bool) -> ApplyReport:
    restore_interrupted(target_dir)  # a swap killed between its two renames
    if not target_dir.exists():
        raise BundleError("MZ921", "找不到这个文件夹", file=str(target_dir))
    if target_dir.is_file():
        raise BundleError("MZ927", "这是文件：请先把旧版离线包解压，再对解压出的文件夹应用更新包", file=str(target_dir))
    with open_tree(pack, UPDATE) as ptree, DirTree(target_dir, MANIFEST) as target:
        root = target.root
        remove_leftovers(root.parent)
        info_bytes = read_metadata(ptree, UPDATE) or b""
        info = load_manifest(info_bytes, UPDATE_FORMAT, file=f"{ptree.label}/{UPDATE}")
        check = _check_pack_signature(ptree, info_bytes, info, _trust(target, trusted), allow_unsigned)
        _check_base(root, info)
        downgrade = downgrade_problem(read_manifest(target)[1], info["target"]["version"], info["target"].get("built_at"))
        if downgrade and not allow_downgrade:
            raise BundleError("MZ932", f"{downgrade}，拒绝应用（未做任何改动）。确需退回旧版时加 --allow-downgrade",
                              file=ptree.label)
        files = _check_contents(ptree, info, root)
        before = verify_bundle(root)
        if not before.files_ok:
            raise BundleError("MZ927", f"{root} 与 {info['base']['version']} 版清单不一致，不能更新（未做任何改动）。"
                              f"请重新解压完整的 {info['base']['version']} 版离线包，或直接使用 "
                              f"{info['target']['version']} 版的完整离线包", before.problem_lines(), file=str(root))
        after = _stage_and_swap(ptree, info, files, root)
    return ApplyReport(True, root, info["base"]["version"], info["target"]["version"], tuple(info["added"]),
                       tuple(info["changed"]), tuple(info["deleted"]), replace(after, label=str(root)), signature=check,
                       downgrade=bool(downgrade))


def _stage_and_swap(ptree: Tree, info: dict, files: dict[str, dict], root: Path) -> VerifyReport:
    """Make the new tree beside ``root``, verify it, swap it in; ``BundleError`` (nothing changed) on failure."""
    goal = info["target"]["version"]
    stage = root.parent / f".{root.name}.update-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        shutil.copytree(root, stage, symlinks=True, copy_function=link_or_copy)  # files replaced, never written through
        for rel in info["deleted"]:
            (stage / rel).unlink(missing_ok=True)
            _prune(stage, rel)
        for rel, entry in files.items():
            if not _extract(ptree, "files/" + rel, stage / rel, entry["size"], entry["sha256"]):
                raise BundleError("MZ929", f"更新包已损坏：{rel} 无法读取或与更新包清单不一致，未做任何改动",
                                  file=ptree.label)
        after = verify_bundle(stage)
        if not after.files_ok or (after.signature and after.signature.status == signing.INVALID):
            raise BundleError("MZ929", f"更新后的文件与 {goal} 版清单不一致，未做任何改动", after.problem_lines(),
                              file=str(root))
        swap_into_place(stage, root)
    except OSError as exc:
        raise BundleError("MZ929", f"更新失败，未做任何改动：{os_reason(exc)}", file=str(root)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return after


def _prune(root: Path, rel: str) -> None:
    """Remove folders left empty by a removed file (never ``root`` itself)."""
    folder = (root / rel).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent

