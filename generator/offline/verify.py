"""``mzkb verify``: every file of a bundle (zip or unzipped folder) against its manifest and signature."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..foundations import sha256_bytes
from . import signing
from .format import DERIVED, MANIFEST, SIGNATURE, SIGNATURE_JS, BundleError, derived_files, load_manifest, os_reason, signature_script
from .signing import SignatureCheck, TrustedKey
from .trees import CORRUPT, Tree, is_junk, open_tree, read_metadata

METADATA = frozenset({MANIFEST, SIGNATURE, SIGNATURE_JS, *DERIVED})


@dataclass(frozen=True, slots=True)
class Altered:
    """A file whose size or content differs from the manifest."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Result of ``verify_bundle``: ``ok`` only when nothing is missing, extra or altered and the signature
    is acceptable (never invalid; present when a trusted key was given, unless unsigned bundles are allowed)."""

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
    signature: SignatureCheck | None = None

    @property
    def files_ok(self) -> bool:
        """Nothing missing, extra or altered (whatever the signature)."""
        return not (self.missing or self.extra or self.altered or self.errors)

    def problem_lines(self) -> list[str]:
        """What is wrong with the files, for reports that embed this one."""
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
        if self.signature is not None:
            out.append(self.signature.line())
        if self.ok:
            out.append(f"校验通过：{self.checked} 个文件全部与清单一致。")
        elif self.files_ok:
            out.append("校验未通过：文件与清单一致，但" + ("签名无效，不能确认离线包来自发布单位。"
                       if self.signature and self.signature.status == signing.INVALID
                       else "离线包未签名（给出了可信公钥时必须有签名；确认可以接受时加 --allow-unsigned）。"))
        else:
            out.append(f"校验未通过：缺少 {len(self.missing)} 个、多出 {len(self.extra)} 个、不符 {len(self.altered)} 个文件。"
                       "请重新解压或重新获取离线包。")
        return out


def verify_bundle(path: Path, trusted: TrustedKey | None = None, allow_unsigned: bool = False) -> VerifyReport:
    """Check every file of a bundle (zip or unzipped folder) against its manifest.json and its signature
    (against ``trusted`` when given, else only against the key the bundle carries)."""
    try:
        with open_tree(Path(path)) as tree:
            return verify_tree(tree, trusted, allow_unsigned)
    except BundleError as exc:
        return VerifyReport(False, str(path), errors=tuple(exc.lines()))
    except OSError as exc:
        failure = BundleError("MZ921", f"无法读取：{os_reason(exc)}", file=exc.filename or str(path))
        return VerifyReport(False, str(path), errors=tuple(failure.lines()))


def read_manifest(tree: Tree) -> tuple[bytes, dict]:
    """The bytes and validated content of a bundle's manifest.json; ``BundleError`` if unusable."""
    data = read_metadata(tree, MANIFEST)
    if data is None:
        raise BundleError("MZ921", f"缺少 {MANIFEST}", file=tree.label)
    return data, load_manifest(data, file=f"{tree.label}/{MANIFEST}")


def bundle_signature(tree: Tree, manifest_bytes: bytes, manifest: dict, trusted: TrustedKey | None) -> SignatureCheck:
    """The signature check of a bundle's manifest."""
    declared = (manifest.get("signing") or {}).get("public_key")
    return signing.check(manifest_bytes, read_metadata(tree, SIGNATURE), declared, trusted)


def _digest_problem(tree: Tree, rel: str, size: int, expected: str) -> str:
    try:
        digest = tree.digest(rel, size)
    except CORRUPT:
        return "压缩包中此文件的数据已损坏（CRC 校验失败、无法解压或解压后比声明的大）"
    except OSError as exc:
        return f"无法读取：{os_reason(exc)}"
    return "" if digest == expected else "内容不符：SHA-256 与清单不一致"


def _check_listed(tree: Tree, actual: dict[str, int], expected: dict[str, dict], altered: list, missing: list) -> int:
    checked = 0
    for rel, entry in expected.items():
        if rel not in actual:
            missing.append(rel)
            continue
        checked += 1
        if actual[rel] != entry["size"]:
            altered.append(Altered(rel, f"大小不符：应为 {entry['size']} 字节，实为 {actual[rel]} 字节"))
            continue
        reason = _digest_problem(tree, rel, entry["size"], entry["sha256"])
        if reason:
            altered.append(Altered(rel, reason))
    return checked


def _derived(tree: Tree, manifest_bytes: bytes, manifest: dict, actual: dict[str, int]) -> dict[str, bytes]:
    derived = derived_files(manifest_bytes, manifest)
    signature = read_metadata(tree, SIGNATURE)
    if signature is not None or SIGNATURE_JS in actual:
        derived[SIGNATURE_JS] = signature_script(signature or b"")
    return derived


def verify_tree(tree: Tree, trusted: TrustedKey | None = None, allow_unsigned: bool = False) -> VerifyReport:
    """``verify_bundle`` on an open tree."""
    manifest_bytes, manifest = read_manifest(tree)
    actual = tree.sizes()
    expected = {f["path"]: f for f in manifest["files"]}
    missing: list[str] = []
    altered: list[Altered] = []
    checked = 1 + _check_listed(tree, actual, expected, altered, missing)
    for rel, data in _derived(tree, manifest_bytes, manifest, actual).items():
        if rel not in actual:
            missing.append(rel)
            continue
        checked += 1
        if _digest_problem(tree, rel, len(data), sha256_bytes(data)):
            altered.append(Altered(rel, "与 manifest.json 或签名文件不一致（清单、签名或此文件被改动过）"))
    omitted = {f["path"]: f for f in manifest.get("media", {}).get("omitted", [])}
    extra, ignored, restored = [], [], []
    for rel in [*tree.stray, *sorted(set(actual) - set(expected) - METADATA)]:
        if is_junk(rel):
            ignored.append(rel)
        elif (rel in omitted and actual.get(rel) == omitted[rel]["size"]
              and not _digest_problem(tree, rel, omitted[rel]["size"], omitted[rel]["sha256"])):
            restored.append(rel)
        else:
            extra.append(rel)
    if SIGNATURE in actual:
        checked += 1
    check = bundle_signature(tree, manifest_bytes, manifest, trusted)
    errors = tuple(f"压缩包中有重复的文件名：{n}" for n in tree.duplicates)
    files_ok = not (missing or extra or altered or errors)
    signature_ok = check.status == signing.VALID or (
        check.status == signing.UNSIGNED and (trusted is None or allow_unsigned))
    return VerifyReport(files_ok and signature_ok, tree.label, manifest["version"], manifest["site"]["title"],
                        tuple(sorted(missing)), tuple(extra), tuple(sorted(altered, key=lambda a: a.path)), checked,
                        tuple(ignored), tuple(restored), len(omitted), errors, check)
