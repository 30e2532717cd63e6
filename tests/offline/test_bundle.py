"""Offline bundles: layout, determinism, verify (zip and folder), update packs, size report."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mzkb.offline.format import MANIFEST, BundleError
from mzkb.offline.make import bundle_knowledge_base, count_documents
from mzkb.offline.update import apply_update, make_update, resolve_base
from mzkb.offline.verify import verify_bundle
from mzkb.offline.writer import make_bundle, site_slug, zip_time
from mzkb.pipeline import build, build_epoch, prepare

ROOT = Path(__file__).resolve().parent.parent.parent
EPOCH = 1582156800  # 2020-02-20T00:00:00Z
METADATA = {"manifest.json", "SHA256SUMS", "check/manifest.js"}
KEY = Ed25519PrivateKey.generate()  # the publisher's key for the update-pack tests


def bundle_site(site: Path, out: Path, version: str = "v1", with_media: bool = True, epoch: int = EPOCH, **counts):
    return make_bundle(site, out, site_name="demo", site_title="示例知识库", version=version, commit="0" * 40,
                       with_media=with_media, doc_counts=counts or {"notice": 1}, epoch=epoch)


@pytest.fixture(scope="module")
def demo_bundle(demo_site: Path, tmp_path_factory):
    counts = count_documents(prepare(ROOT / "site_config.yml").corpus.documents)
    out = tmp_path_factory.mktemp("bundle")
    return make_bundle(demo_site, out, site_name="demo", site_title="民政服务机构疫情防控知识库（示例）", version="v1",
                       commit="0123456789abcdef0123456789abcdef01234567", with_media=True, doc_counts=counts, epoch=EPOCH)


def unzip(zip_path: Path, into: Path) -> Path:
    """Unzip and return the top folder."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(into)
        return into / zf.namelist()[0].split("/")[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite_zip(src: Path, dst: Path, change) -> None:
    """Copy a zip entry by entry; ``change(relative_path, data)`` returns new bytes or None to drop it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            rel = info.filename.split("/", 1)[1]
            new = data if info.is_dir() else change(rel, data)
            if new is not None:
                zout.writestr(info, new)


def tiny_site(folder: Path, files: dict[str, bytes] | None = None) -> Path:
    for rel, data in {"index.html": b"<h1>x</h1>", **(files or {})}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


# ---- layout and manifest ----

def test_demo_bundle_has_one_top_folder_ascii_names_and_a_complete_manifest(demo_bundle, demo_site: Path):
    path = demo_bundle.path
    assert path.name == "mzkb-demo-v1.zip"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert names == sorted(names)
        assert {n.split("/")[0] for n in names} == {"mzkb-demo-v1"}
        for name in names:
            assert name.isascii() and len(name) <= 200 and "\\" not in name, name
            assert not name.startswith("/") and ".." not in name.split("/"), name
        for info in zf.infolist():
            assert info.date_time == (2020, 2, 20, 0, 0, 0)
            assert info.external_attr >> 16 == (0o40755 if info.is_dir() else 0o100644)
        files = {n.split("/", 1)[1]: zf.read(n) for n in names if not n.endswith("/")}
    manifest = json.loads(files["manifest.json"])
    assert manifest["site"]["title"] == "民政服务机构疫情防控知识库（示例）"
    assert manifest["version"] == "v1" and manifest["commit"].startswith("0123456789ab")
    assert manifest["built_at"] == "2020-02-20T00:00:00Z"
    assert sum(manifest["documents"].values()) == 36 and manifest["documents"]["video"] == 4
    assert manifest["media"]["included"] is True
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) | METADATA == set(files)
    for rel, entry in listed.items():
        assert entry["size"] == len(files[rel]) and entry["sha256"] == hashlib.sha256(files[rel]).hexdigest(), rel
    site_files = {p.relative_to(demo_site).as_posix() for p in demo_site.rglob("*") if p.is_file()}
    assert {r[5:] for r in listed if r.startswith("site/")} == site_files
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(files) - {"SHA256SUMS"}
    assert all(sums[rel] == hashlib.sha256(files[rel]).hexdigest() for rel in sums)
    landing = files["index.html"].decode()
    assert '<a class="open" href="site/index.html">打开知识库</a>' in landing
    for text in ("使用说明", "先解压", "index.html", "无需联网", "verify.html", "mzkb verify"):
        assert text in landing
    assert files["check/manifest.js"].startswith(b"window.MZKB_BUNDLE_MANIFEST_TEXT = ")


def test_two_bundles_of_the_same_site_are_byte_identical(demo_bundle, demo_site: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(demo_site, copy)
    for i, path in enumerate(sorted(copy.rglob("*"))):
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))  # other mtimes, other copy
        if path.is_file():
            path.chmod(0o600)
    again = make_bundle(copy, tmp_path / "out", site_name="demo", site_title="民政服务机构疫情防控知识库（示例）",
                        version="v1", commit=demo_bundle.manifest["commit"], with_media=True,
                        doc_counts=demo_bundle.manifest["documents"], epoch=EPOCH)
    assert again.path.read_bytes() == demo_bundle.path.read_bytes()


def test_timestamps_are_clamped_to_1980(tmp_path: Path):
    assert zip_time(0) == (1980, 1, 1, 0, 0, 0)
    result = bundle_site(tiny_site(tmp_path / "site"), tmp_path / "out", epoch=0)
    with zipfile.ZipFile(result.path) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert result.manifest["built_at"] == "1970-01-01T00:00:00Z"


def test_without_media_leaves_out_media_and_says_so(demo_site: Path, tmp_path: Path):
    result = bundle_site(demo_site, tmp_path, with_media=False)
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
    assert not [n for n in names if n.endswith((".mp4", ".webm", ".mp3"))]
    assert any(n.endswith("assets/videos/funeral-remains-handling.jpg") for n in names)  # posters stay
    media = result.manifest["media"]
    assert media["included"] is False
    assert sorted(Path(f["path"]).name for f in media["omitted"]) == sorted(p.name for p in demo_site.rglob("*.mp4"))
    assert media["omitted_bytes"] == sum(p.stat().st_size for p in demo_site.rglob("*.mp4"))
    assert "media" not in result.parts and len(result.sizes.omitted_media) == 4
    assert any("未包含媒体文件 4 个" in line for line in result.sizes.lines())
    assert "不含视频、音频文件" in (unzip(result.path, tmp_path / "x") / "index.html").read_text(encoding="utf-8")
    report = verify_bundle(result.path)
    assert report.ok and report.omitted_media == 4


def test_size_report_covers_the_zip(demo_bundle):
    sizes = demo_bundle.sizes
    assert sizes.zip_size == demo_bundle.path.stat().st_size == demo_bundle.size
    assert set(sizes.parts) == {"media", "search", "pages", "other"}
    assert list(sizes.parts) == sorted(sizes.parts, key=lambda k: -sizes.parts[k].compressed)  # largest first
    with zipfile.ZipFile(demo_bundle.path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
    assert sum(p.compressed for p in sizes.parts.values()) == sum(i.compress_size for i in infos)
    assert sum(p.files for p in sizes.parts.values()) == len(infos) == sizes.files
    search_files = sum(1 for i in infos if "/site/search/" in i.filename)
    assert sizes.parts["media"].files == 4 and sizes.parts["search"].files == search_files > 30
    assert demo_bundle.parts == {k: p.compressed for k, p in sizes.parts.items()}
    text = "\n".join(sizes.lines())
    assert "mzkb-demo-v1.zip" in text and "搜索索引" in text and "最大的文件" in text


@pytest.mark.parametrize("rel, expected", [
    ("assets/附件.pdf", "非 ASCII"),
    ("a/" + "x" * 190 + ".html", "路径过长"),
    ("a/what?.html", "Windows 不允许"),
])
def test_refuses_paths_that_cannot_travel(tmp_path: Path, rel: str, expected: str):
    site = tiny_site(tmp_path / "site", {rel: b"x"})
    with pytest.raises(BundleError) as caught:
        bundle_site(site, tmp_path / "out")
    assert expected in str(caught.value) and (rel in str(caught.value) or "x" * 100 in str(caught.value))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # nothing written


def test_refuses_case_collisions_bad_names_and_unbuilt_sites(tmp_path: Path):
    site = tiny_site(tmp_path / "site", {"a/Page.html": b"1", "a/page.html": b"2"})
    with pytest.raises(BundleError, match="只差大小写"):
        bundle_site(site, tmp_path / "out")
    with pytest.raises(BundleError, match="版本号"):
        bundle_site(tiny_site(tmp_path / "ok"), tmp_path / "out", version="第一版")
    with pytest.raises(BundleError, match="index.html"):
        bundle_site(tmp_path / "empty", tmp_path / "out")


def test_site_slug_is_short_ascii():
    slug = site_slug("民政服务机构疫情防控知识库（示例）")
    assert slug.isascii() and len(slug) <= 32 and slug.startswith("min-zheng")


# ---- verify ----

def damage(kind: str, data: bytes) -> bytes | None:
    if kind == "delete":
        return None
    if kind == "truncate":
        return data[: len(data) // 2]
    return data[:10] + bytes([data[10] ^ 0x01]) + data[11:]


VICTIM = "site/videos/funeral-remains-handling.html"


@pytest.mark.parametrize("kind", ["delete", "truncate", "flip"])
@pytest.mark.parametrize("form", ["zip", "dir"])
def test_verify_catches_each_damage(demo_bundle, tmp_path: Path, form: str, kind: str):
    if form == "zip":
        target = tmp_path / "damaged.zip"
        rewrite_zip(demo_bundle.path, target, lambda rel, data: damage(kind, data) if rel == VICTIM else data)
    else:
        target = unzip(demo_bundle.path, tmp_path)
        changed = damage(kind, (target / VICTIM).read_bytes())
        if changed is None:
            (target / VICTIM).unlink()
        else:
            (target / VICTIM).write_bytes(changed)
    report = verify_bundle(target)
    assert not report.ok
    if kind == "delete":
        assert report.missing == (VICTIM,) and not report.altered
    else:
        assert [a.path for a in report.altered] == [VICTIM] and not report.missing
        assert ("大小不符" if kind == "truncate" else "SHA-256") in report.altered[0].reason
    assert not report.extra
    text = "\n".join(report.lines())
    assert VICTIM in text and "校验未通过" in text


def test_verify_passes_intact_zip_and_folder(demo_bundle, tmp_path: Path):
    top = unzip(demo_bundle.path, tmp_path)
    for target in (demo_bundle.path, top, tmp_path):  # the zip, the top folder, the folder it was unzipped into
        report = verify_bundle(target)
        assert report.ok, report.lines()
        assert report.checked == len(demo_bundle.manifest["files"]) + 3
        assert report.lines()[-1].startswith("校验通过")


def test_verify_reports_corrupt_zip_data_extra_files_and_ignores_os_litter(demo_bundle, tmp_path: Path):
    raw = bytearray(demo_bundle.path.read_bytes())
    with zipfile.ZipFile(demo_bundle.path) as zf:
        info = zf.getinfo("mzkb-demo-v1/site/assets/videos/funeral-ppe-donning.mp4")  # stored, not compressed
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 5000] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    report = verify_bundle(broken)
    assert not report.ok and [a.path for a in report.altered] == ["site/assets/videos/funeral-ppe-donning.mp4"]
    assert "损坏" in report.altered[0].reason

    top = unzip(demo_bundle.path, tmp_path / "x")
    (top / "site" / ".DS_Store").write_bytes(b"litter")
    assert verify_bundle(top).ok and verify_bundle(top).ignored == ("site/.DS_Store",)
    (top / "site" / "notes.txt").write_text("多出来的", encoding="utf-8")
    report = verify_bundle(top)
    assert not report.ok and report.extra == ("site/notes.txt",)


def test_verify_ignores_macos_litter_in_a_rezipped_bundle_but_not_other_strays(demo_bundle, tmp_path: Path):
    rezipped = tmp_path / "rezipped.zip"
    shutil.copy(demo_bundle.path, rezipped)
    with zipfile.ZipFile(rezipped, "a") as zf:
        zf.writestr("__MACOSX/mzkb-demo-v1/._index.html", b"resource fork")
    report = verify_bundle(rezipped)
    assert report.ok and report.ignored == ("__MACOSX/mzkb-demo-v1/._index.html",)
    with zipfile.ZipFile(rezipped, "a") as zf:
        zf.writestr("readme.txt", b"outside the top folder")
    assert verify_bundle(rezipped).extra == ("readme.txt",)


def test_verify_refuses_a_manifest_with_unsafe_paths(demo_bundle, tmp_path: Path):
    top = unzip(demo_bundle.path, tmp_path)
    text = (top / MANIFEST).read_text(encoding="utf-8").replace('"path": "index.html"', '"path": "../../etc/passwd"')
    (top / MANIFEST).write_text(text, encoding="utf-8")
    report = verify_bundle(top)
    assert not report.ok and "不安全" in report.lines()[-1]


def test_verify_notices_an_edited_manifest(demo_bundle, tmp_path: Path):
    top = unzip(demo_bundle.path, tmp_path)
    manifest = (top / MANIFEST).read_text(encoding="utf-8").replace('"version": "v1"', '"version": "v9"')
    (top / MANIFEST).write_text(manifest, encoding="utf-8")
    report = verify_bundle(top)
    assert not report.ok and {a.path for a in report.altered} == {"SHA256SUMS", "check/manifest.js"}


def test_verify_refuses_what_is_not_a_bundle(tmp_path: Path):
    assert "找不到" in verify_bundle(tmp_path / "nothing.zip").lines()[-1]
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    report = verify_bundle(tmp_path / "junk.zip")
    assert not report.ok and "zip" in "\n".join(report.lines())
    (tmp_path / MANIFEST).write_text("{", encoding="utf-8")
    assert "manifest.json 已损坏" in "\n".join(verify_bundle(tmp_path).lines())


# ---- update packs ----

def build_version(kb: Path, out: Path, version: str) -> Path:
    result = build(kb, out / f"site-{version}")
    assert result.ok, [d.format() for d in (*result.prepared.diagnostics, *result.diagnostics)]
    config, corpus = result.prepared.config, result.prepared.corpus
    return make_bundle(result.out_dir, out, site_name="small", site_title=config.title, version=version, commit=None,
                       with_media=True, doc_counts=count_documents(corpus.documents),
                       epoch=build_epoch(config, corpus), signing_key=KEY).path


NEW_NOTICE = """---
id: xin-tong-zhi
title: 关于恢复探视的通知
date: 2020-05-06
issuer: 测试民政局
audiences: [养老机构]
topics: [疫情防控]
---

各养老机构：疫情平稳后，按预约方式恢复家属探视。
"""


@pytest.fixture
def versions(small_kb: Path, tmp_path: Path) -> dict[str, Path]:
    """Bundles v1, v2 (edited, added and deleted documents) and v3 of the small fixture."""
    content = small_kb.parent / "content"
    out = tmp_path / "bundles"
    bundles = {"v1": build_version(small_kb, out, "v1")}
    notice = content / "notices" / "探视通知.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n3. 每周汇总一次。\n", encoding="utf-8")
    (content / "notices" / "new.md").write_text(NEW_NOTICE, encoding="utf-8")
    (content / "cases" / "zhejiang.md").unlink()
    bundles["v2"] = build_version(small_kb, out, "v2")
    (content / "notices" / "new.md").write_text(NEW_NOTICE.replace("预约方式", "预约和分时段方式"), encoding="utf-8")
    bundles["v3"] = build_version(small_kb, out, "v3")
    return bundles


def test_full_v2_equals_v1_plus_update_pack(versions: dict[str, Path], tmp_path: Path):
    pack = make_update(versions["v1"], versions["v2"], tmp_path / "packs", KEY)
    assert pack.path.name == "mzkb-small-update-v1-to-v2.zip"
    assert "site/notices/xin-tong-zhi.html" in pack.added
    assert "site/cases/case-zhejiang.html" in pack.deleted
    assert "site/notices/tan-shi-tong-zhi.html" in pack.changed
    assert "site/assets/stylesheets/" not in " ".join(pack.changed + pack.added)  # unchanged files stay out
    assert pack.path.stat().st_size < versions["v2"].stat().st_size
    with zipfile.ZipFile(pack.path) as zf:
        names = zf.namelist()
        info = json.loads(zf.read(names[0] + "update.json"))
    assert all(n.isascii() and len(n) <= 200 for n in names)
    assert info["base"]["version"] == "v1" and info["target"]["version"] == "v2"
    assert info["base"]["manifest_sha256"] == hashlib.sha256(
        zipfile.ZipFile(versions["v1"]).read("mzkb-small-v1/manifest.json")).hexdigest()

    old = unzip(versions["v1"], tmp_path / "old")
    report = apply_update(pack.path, old)
    assert report.ok, report.lines()
    assert report.verify.ok and report.target_version == "v2"
    assert "从 v1 版更新到 v2 版" in report.lines()[0]
    assert tree(old) == tree(unzip(versions["v2"], tmp_path / "new"))  # byte-identical tree
    assert verify_bundle(old).ok

    again = apply_update(pack.path, old)
    assert not again.ok and "已经是 v2 版" in again.lines()[0]


def test_pack_for_another_base_is_refused_and_nothing_changes(versions: dict[str, Path], tmp_path: Path):
    pack = make_update(versions["v2"], versions["v3"], tmp_path / "packs", KEY)
    old = unzip(versions["v1"], tmp_path / "old")
    before = tree(old)
    report = apply_update(pack.path, old)
    assert not report.ok
    assert "只能用于 v2 版" in report.lines()[0] and "是 v1 版" in report.lines()[0] and "未做任何改动" in report.lines()[0]
    assert tree(old) == before
    assert not list(tmp_path.joinpath("old").glob(".*update*"))  # no staging left behind


def test_damaged_base_or_pack_is_refused_and_nothing_changes(versions: dict[str, Path], tmp_path: Path):
    pack = make_update(versions["v1"], versions["v2"], tmp_path / "packs", KEY)
    old = unzip(versions["v1"], tmp_path / "old")
    (old / "site" / "index.html").write_text("改过", encoding="utf-8")
    before = tree(old)
    report = apply_update(pack.path, old)
    assert not report.ok and "不能更新" in report.lines()[0] and any("site/index.html" in line for line in report.lines())
    assert tree(old) == before

    fresh = unzip(versions["v1"], tmp_path / "fresh")
    before = tree(fresh)
    bad = tmp_path / "bad.zip"
    rewrite_zip(pack.path, bad, lambda rel, data: data + b"!" if rel == "files/site/notices/xin-tong-zhi.html" else data)
    report = apply_update(bad, fresh)
    assert not report.ok and "更新包已损坏" in "\n".join(report.lines())
    assert tree(fresh) == before
    assert not apply_update(pack.path, versions["v1"]).ok  # a zip is not a folder to update


def test_bundle_command_builds_bundles_and_update_pack(small_kb: Path, tmp_path: Path):
    first = bundle_knowledge_base(small_kb, tmp_path / "out", version="v1")
    assert first.bundle is not None and first.update is None
    assert first.bundle.path.name.startswith("mzkb-ce-shi-zhi-shi-ku-v1")
    assert verify_bundle(first.bundle.path).ok
    assert first.bundle.manifest["documents"] == {"notice": 1, "guideline": 2, "video": 1, "case": 1}
    (small_kb.parent / "content" / "notices" / "new.md").write_text(NEW_NOTICE, encoding="utf-8")
    second = bundle_knowledge_base(small_kb, tmp_path / "out", version="v2", since=first.bundle.path)
    assert second.update is not None and "site/notices/xin-tong-zhi.html" in second.update.added
    assert "mzkb apply-update" in "\n".join(second.update.lines())
    (small_kb.parent / "content" / "notices" / "new.md").write_text("---\ntitle: 坏\n", encoding="utf-8")
    failed = bundle_knowledge_base(small_kb, tmp_path / "out2", version="v3")
    assert failed.bundle is None and not failed.build.ok


def test_resolve_base_accepts_paths_and_version_names(tmp_path: Path):
    (tmp_path / "old.zip").write_bytes(b"")
    assert resolve_base(tmp_path / "old.zip") == tmp_path / "old.zip"
    assert resolve_base("v1", {"v1": tmp_path / "old.zip"}.get) == tmp_path / "old.zip"
    with pytest.raises(BundleError, match="找不到旧版本 v0"):
        resolve_base("v0", {"v1": tmp_path / "old.zip"}.get)
