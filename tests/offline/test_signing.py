"""Signed bundles and update packs: a forged pack is refused (issue 13, item 9), verify reports the signature."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mzkb.offline import signing
from mzkb.foundations import sha256_bytes as sha256
from mzkb.offline.format import derived_files, render_manifest
from mzkb.offline.signing import TrustedKey, public_text
from mzkb.offline.update import apply_update
from mzkb.offline.verify import verify_bundle


def forge(pack: Path, out: Path, *, key=None, keep_old_signature: bool = False) -> Path:
    """Item 9's attack: change a page in a real pack, recompute the new manifest, its derived files and
    update.json so every size and SHA-256 agrees; sign with ``key`` (an intruder's) or keep the old signature."""
    with zipfile.ZipFile(pack) as zf:
        top = zf.namelist()[0].split("/")[0]
        files = {n[len(top) + 1:]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    files["files/site/index.html"] = b"<h1>forged notice</h1>"
    manifest = json.loads(files["files/manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "site/index.html":
            entry.update(size=len(files["files/site/index.html"]), sha256=sha256(files["files/site/index.html"]))
    if not keep_old_signature:
        manifest["signing"] = None
        files.pop("files/manifest.sig", None)
        files.pop("files/check/signature.js", None)
    manifest_bytes = render_manifest(manifest)
    files["files/manifest.json"] = manifest_bytes
    files.update({"files/" + rel: data for rel, data in derived_files(manifest_bytes, manifest).items()})
    update = json.loads(files["update.json"])
    update["target"]["manifest_sha256"] = sha256(manifest_bytes)
    update["files"] = [{"path": rel[6:], "size": len(data), "sha256": sha256(data)}
                       for rel, data in sorted(files.items()) if rel.startswith("files/")]
    if not keep_old_signature:
        update["signing"] = {"algorithm": "ed25519", "public_key": public_text(key.public_key())} if key else None
        files.pop("update.sig", None)
    files["update.json"] = render_manifest(update)
    if key is not None:
        files["update.sig"] = signing.sign(key, files["update.json"])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in sorted(files.items()):
            zf.writestr(f"{top}/{rel}", data)
    return out


def test_the_real_signed_pack_applies_and_says_its_signature_is_valid(kit):
    report = apply_update(kit.pack, kit.folder)
    assert report.ok, report.lines()
    assert report.signature.status == signing.VALID and report.signature.authentic
    assert "签名有效" in "\n".join(report.lines()) and "正在更新的离线包所带的公钥" in "\n".join(report.lines())
    assert (kit.folder / "site/b.html").read_bytes() == b"new"


@pytest.mark.parametrize("how, code, words", [
    ("unsigned", "MZ925", "更新包未签名"),
    ("old signature kept", "MZ924", "签名与文件内容不符"),
    ("intruder's key", "MZ924", "不是可信公钥"),
])
@pytest.mark.parametrize("given_key", [False, True])
def test_forged_pack_with_recomputed_hashes_is_refused_and_nothing_changes(kit, tools, tmp_path, how, code, words,
                                                                           given_key):
    forged = forge(kit.pack, tmp_path / "forged.zip", key=tools.INTRUDER if how == "intruder's key" else None,
                   keep_old_signature=how == "old signature kept")
    before = tools.snapshot(kit.folder)
    report = apply_update(forged, kit.folder, kit.trusted if given_key else None)
    text = "\n".join(report.lines())
    assert not report.ok and f"{code} 错误" in text and words in text and "未做任何改动" in text
    assert "校验通过" not in text
    assert tools.snapshot(kit.folder) == before


def test_allow_unsigned_accepts_an_unsigned_pack_but_never_a_wrong_signature(unsigned_kit, kit, tools, tmp_path):
    assert not apply_update(unsigned_kit.pack, unsigned_kit.folder).ok
    report = apply_update(unsigned_kit.pack, unsigned_kit.folder, allow_unsigned=True)
    assert report.ok and report.signature.status == signing.UNSIGNED and "未签名" in "\n".join(report.lines())
    forged = forge(kit.pack, tmp_path / "forged.zip", key=tools.INTRUDER)
    refused = apply_update(forged, kit.folder, allow_unsigned=True)
    assert not refused.ok and "MZ924" in refused.lines()[0]


def test_a_signed_pack_on_an_unsigned_folder_needs_the_publishers_key(kit, unsigned_kit, tools, tmp_path):
    """Nothing to trust in an unsigned folder: the pack's own key proves nothing until --public-key names it."""
    refused = apply_update(kit.pack, tools.unzip(kit.v1, tmp_path / "x"), None)
    assert refused.ok  # the v1 folder of the kit is signed: its key is trusted
    plain = tools.unzip(unsigned_kit.v1, tmp_path / "plain")
    signed_pack_for_plain = apply_update(kit.pack, plain)
    assert not signed_pack_for_plain.ok
    assert "MZ925" in signed_pack_for_plain.lines()[0] and "--public-key" in signed_pack_for_plain.lines()[0]


# ---- verify ----

def test_verify_reports_valid_invalid_and_unsigned(kit, unsigned_kit, tools):
    own = verify_bundle(kit.v1)
    assert own.ok and own.signature.status == signing.VALID and not own.signature.authentic
    assert "只与包内附带的公钥核对过" in "\n".join(own.lines())
    trusted = verify_bundle(kit.v1, kit.trusted)
    assert trusted.ok and trusted.signature.authentic and "由可信公钥" in "\n".join(trusted.lines())
    stranger = TrustedKey(public_text(tools.INTRUDER.public_key()), "--public-key")
    wrong = verify_bundle(kit.v1, stranger)
    assert not wrong.ok and wrong.files_ok and "签名无效" in "\n".join(wrong.lines())
    plain = verify_bundle(unsigned_kit.v1)
    assert plain.ok and plain.signature.status == signing.UNSIGNED and "未签名" in "\n".join(plain.lines())
    assert not verify_bundle(unsigned_kit.v1, kit.trusted).ok
    assert verify_bundle(unsigned_kit.v1, kit.trusted, allow_unsigned=True).ok


def test_verify_catches_a_manifest_rewritten_after_signing(kit, tools, tmp_path):
    """Every hash recomputed (manifest, SHA256SUMS, check/manifest.js), signature left as it was."""
    top = tools.unzip(kit.v1, tmp_path)
    (top / "site/index.html").write_bytes(b"<h1>forged</h1>")
    manifest = json.loads((top / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        if entry["path"] == "site/index.html":
            entry.update(size=15, sha256=sha256(b"<h1>forged</h1>"))
    data = render_manifest(manifest)
    (top / "manifest.json").write_bytes(data)
    for rel, content in derived_files(data, manifest).items():
        (top / rel).write_bytes(content)
    report = verify_bundle(top)
    assert report.files_ok and not report.ok
    assert report.signature.status == signing.INVALID and "签名无效" in report.lines()[-2]
    (top / "manifest.sig").unlink()
    (top / "check/signature.js").unlink()
    stripped = verify_bundle(top)
    assert not stripped.ok and "签名文件缺失" in "\n".join(stripped.lines())


def test_signatures_are_deterministic_and_bundles_byte_identical(tools, tmp_path):
    site = tools.tiny_site(tmp_path / "s", {"index.html": b"x"})
    first = tools.bundle(site, tmp_path / "a", "v1", tools.PUBLISHER)
    second = tools.bundle(site, tmp_path / "b", "v1", tools.PUBLISHER)
    assert first.read_bytes() == second.read_bytes()
