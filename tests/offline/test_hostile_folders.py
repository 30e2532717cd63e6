"""Issue 24: keys a bundle brings are never trusted, and links or special files inside an unzipped bundle are
refused before anything is read (hostile folders made by the tests)."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.offline.format import SIGNATURE, derived_files, hash_bytes, load_manifest, render_manifest, signature_script
from mzkb.offline.signing import public_text, sign
from mzkb.offline.update import apply_update
from mzkb.offline.verify import verify_bundle

ROOT = Path(__file__).resolve().parent.parent.parent


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def config_text(public_key: str) -> str:
    """A valid site_config.yml (the small fixture's) naming ``public_key`` as the trusted key."""
    text = (ROOT / "tests/fixtures/sites/small/site_config.yml").read_text(encoding="utf-8")
    return text + f"\nbundle:\n  public_key: {public_key}\n"


def resign(folder: Path, key, extra: dict[str, bytes]) -> None:
    """What an attacker does: add files to an unzipped bundle, list them in its manifest and sign it again."""
    manifest = load_manifest((folder / "manifest.json").read_bytes())
    for rel, data in extra.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
        manifest["files"].append(asdict(hash_bytes(data, rel)))
    manifest["files"].sort(key=lambda f: f["path"])
    manifest["signing"] = {"algorithm": "ed25519", "public_key": public_text(key.public_key())}
    data = render_manifest(manifest)
    (folder / "manifest.json").write_bytes(data)
    for rel, derived in derived_files(data, manifest).items():
        (folder / rel).write_bytes(derived)
    (folder / SIGNATURE).write_bytes(sign(key, data))
    (folder / "check/signature.js").write_bytes(signature_script((folder / SIGNATURE).read_bytes()))


@pytest.fixture
def hostile(kit, tools, tmp_path: Path) -> Path:
    """The county's v1 folder replaced by the intruder's bundle that carries its own site_config.yml (and one in
    site/, for `cd site && mzkb verify ..`) naming the intruder's key."""
    line = config_text(public_text(tools.INTRUDER.public_key())).encode("utf-8")
    resign(kit.folder, tools.INTRUDER, {"site_config.yml": line, "site/site_config.yml": line, "content/.keep": b"",
                                        "site/content/.keep": b""})
    assert verify_bundle(kit.folder).files_ok
    return kit.folder


def test_a_key_the_bundle_brings_is_not_trusted(hostile: Path, monkeypatch):
    for cwd, target in ((hostile, "."), (hostile / "site", ".."), (hostile.parent, hostile.name)):
        monkeypatch.chdir(cwd)
        args = ("verify", target) if cwd != hostile.parent else ("verify", "-c", f"{hostile.name}/site_config.yml", target)
        result = mzkb(*args)
        assert "由可信公钥" not in result.stdout, (cwd, result.stdout)
        assert "只与包内附带的公钥核对过，不能证明来源" in result.stdout
        assert "MZ930 警告" in result.stderr and "不作为可信公钥" in result.stderr and "site_config.yml" in result.stderr


def test_a_key_file_inside_the_bundle_is_not_trusted_either(hostile: Path, tools, monkeypatch):
    (hostile / "site/key.pub").write_text(public_text(tools.INTRUDER.public_key()), encoding="utf-8")
    monkeypatch.chdir(hostile.parent.parent)
    result = mzkb("verify", str(hostile), "--public-key", str(hostile / "site/key.pub"))
    assert "由可信公钥" not in result.stdout and "MZ930 警告" in result.stderr


def test_a_config_outside_the_bundle_is_still_trusted(kit, tools, tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine/content").mkdir()
    (tmp_path / "mine/site_config.yml").write_text(config_text(kit.trusted.text), encoding="utf-8")
    result = mzkb("verify", "-c", str(tmp_path / "mine/site_config.yml"), str(kit.folder))
    assert result.exit_code == 0 and "由可信公钥" in result.stdout and "MZ930" not in result.stderr


def test_apply_update_does_not_trust_a_config_inside_the_folder_it_updates(kit, tools, tmp_path: Path, monkeypatch):
    """The county's genuine v1 folder holds a planted site_config.yml naming the intruder's key, and the intruder
    made a pack from v1 signed with that key: the planted key is not trusted, so the pack is refused for its
    signature (the folder's own key is the publisher's), before anything else is looked at."""
    evil = tools.bundle(tools.tiny_site(tmp_path / "evil", {"index.html": b"<h1>evil</h1>"}), tmp_path / "e", "v2",
                        tools.INTRUDER)
    from mzkb.offline.update import make_update

    pack = make_update(kit.v1, evil, tmp_path / "evil-pack", tools.INTRUDER).path
    (kit.folder / "site_config.yml").write_text(config_text(public_text(tools.INTRUDER.public_key())), encoding="utf-8")
    (kit.folder / "content").mkdir()
    monkeypatch.chdir(kit.folder)
    result = mzkb("apply-update", str(pack), ".")
    assert result.exit_code == 1 and "MZ930 警告" in result.stderr
    assert "MZ924 错误" in result.stderr and "不是可信公钥（正在更新的离线包所带的公钥" in result.stderr, result.stderr
    assert (kit.folder / "site/index.html").read_bytes() == b"<h1>v1</h1>"


# ---- links and special files ----

def _link_outside(folder: Path) -> str:
    os.symlink("/usr/share/doc", folder / "site/evil")
    return "site/evil"


def _file_link(folder: Path) -> str:
    os.symlink("/etc/hostname", folder / "site/a.html.link")
    return "site/a.html.link"


def _listed_file_as_link(folder: Path) -> str:
    target = folder.parent / "elsewhere.html"
    shutil.move(folder / "site/a.html", target)
    os.symlink(target, folder / "site/a.html")
    return "site/a.html"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "site/pipe")
    return "site/pipe"


def _device_link(folder: Path) -> str:
    os.symlink("/dev/zero", folder / "site/zero.bin")
    return "site/zero.bin"


def _socket(folder: Path) -> str:
    here = os.getcwd()
    os.chdir(folder / "site")  # a relative name: AF_UNIX paths are short
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("s.sock")
        sock.close()
    finally:
        os.chdir(here)
    return "site/s.sock"


def _manifest_link(folder: Path) -> str:
    real = folder.parent / "manifest-copy.json"
    shutil.copy(folder / "manifest.json", real)
    (folder / "manifest.json").unlink()
    os.symlink(real, folder / "manifest.json")
    return "manifest.json"


HOSTILE = {"dir link": _link_outside, "file link": _file_link, "listed file as link": _listed_file_as_link,
           "fifo": _fifo, "device link": _device_link, "socket": _socket, "manifest link": _manifest_link}


@pytest.mark.parametrize("how", sorted(HOSTILE))
def test_verify_refuses_links_and_special_files_naming_them(kit, how: str):
    rel = HOSTILE[how](kit.folder)
    for given in (kit.folder, kit.folder.parent):
        report = verify_bundle(given)
        assert not report.ok
        text = "\n".join(report.lines())
        assert "MZ928 错误" in text and rel in text and "Traceback" not in text, text


@pytest.mark.parametrize("how", sorted(HOSTILE))
def test_apply_update_refuses_links_and_special_files_and_changes_nothing(kit, tools, how: str):
    rel = HOSTILE[how](kit.folder)
    before = sorted(p.relative_to(kit.folder).as_posix() for p in kit.folder.rglob("*"))
    report = apply_update(kit.pack, kit.folder, kit.trusted)
    text = "\n".join(report.lines())
    assert not report.ok and "MZ928 错误" in text and rel in text, text
    assert sorted(p.relative_to(kit.folder).as_posix() for p in kit.folder.rglob("*")) == before
    assert not (kit.folder / "site/b.html").exists()


def test_a_bundle_folder_that_is_itself_a_link_inside_the_given_folder_is_refused(kit, tmp_path: Path):
    holder = tmp_path / "holder"
    holder.mkdir()
    os.symlink(kit.folder, holder / kit.folder.name)
    report = verify_bundle(holder)
    assert not report.ok and "MZ928" in "\n".join(report.lines())


def test_an_unzipped_update_pack_with_a_link_is_refused(kit, tools, tmp_path: Path):
    pack = tools.unzip(kit.pack, tmp_path / "pack")
    os.symlink("/dev/zero", pack / "files/site/b.html.x")
    report = apply_update(pack, kit.folder, kit.trusted)
    assert not report.ok and "MZ928" in "\n".join(report.lines()) and not (kit.folder / "site/b.html").exists()



# ---- a swap killed between its two renames (issue 24) ----

DEAD_PID = 4_194_999  # above Linux's largest pid_max: no such process


def kill_between_renames(folder: Path) -> Path:
    """The state an apply-update killed between ``folder -> .folder.old-PID`` and ``stage -> folder`` leaves."""
    old = folder.parent / f".{folder.name}.old-{DEAD_PID}"
    folder.rename(old)
    shutil.copytree(old, folder.parent / f".{folder.name}.update-{DEAD_PID}")
    return old


def test_verify_and_apply_update_given_the_folder_restore_it_first(kit):
    old = kill_between_renames(kit.folder)
    report = verify_bundle(kit.folder)
    assert report.ok, report.lines()
    assert not old.exists()
    kill_between_renames(kit.folder)
    result = mzkb("apply-update", str(kit.pack), str(kit.folder), "--public-key", kit.trusted.text)
    assert result.exit_code == 0, result.output
    assert (kit.folder / "site/b.html").is_file() and not old.exists()


def test_a_live_runs_old_copy_is_left_alone(kit):
    live = kit.folder.parent / f".{kit.folder.name}.old-{os.getpid()}"
    kit.folder.rename(live)
    assert not verify_bundle(kit.folder).ok and live.is_dir()


# ---- downgrade packs (issue 24) ----

@pytest.mark.parametrize("older, newer", [
    (("v1", "2020-02-20T00:00:00Z"), ("v2", "2020-02-20T00:00:00Z")),
    (("v2", "2020-02-20T00:00:00Z"), ("v10", "2020-02-20T00:00:00Z")),
    (("v9", "2020-02-19T00:00:00Z"), ("v1", "2020-02-20T00:00:00Z")),  # the build time decides when known
    (("20200220-abc", None), ("20210101-abc", None)),
    (("v1", "garbage"), ("v2", "2019-01-01T00:00:00Z")),
    (("v1", None), ("v1.1", None)),
])
def test_older_bundles(older, newer):
    from mzkb.offline.format import is_older

    assert is_older(*older, *newer) and not is_older(*newer, *older)


@pytest.mark.parametrize("one, other", [("v2", "20200220"), ("beta", "rc"), ("v1", "v1")])
def test_names_that_cannot_be_ordered_are_no_downgrade(one, other):
    from mzkb.offline.format import is_older

    assert not is_older(one, None, other, None) and not is_older(other, None, one, None)


def test_a_downgrade_pack_is_refused_unless_asked_for(kit, tmp_path: Path):
    from mzkb.offline.format import BundleError
    from mzkb.offline.update import make_update

    with pytest.raises(BundleError) as refused:
        make_update(kit.v2, kit.v1, tmp_path / "down")
    assert refused.value.code == "MZ931" and "v1" in refused.value.message and not (tmp_path / "down").exists()
    assert make_update(kit.v2, kit.v1, tmp_path / "down", allow_downgrade=True).path.is_file()


def test_apply_update_refuses_a_signed_downgrade_pack_and_changes_nothing(kit, tools, tmp_path: Path):
    from mzkb.offline.update import make_update

    down = make_update(kit.v2, kit.v1, tmp_path / "down", tools.PUBLISHER, allow_downgrade=True).path
    v2 = tools.unzip(kit.v2, tmp_path / "county2")
    before = tools.snapshot(v2)
    result = mzkb("apply-update", str(down), str(v2), "--public-key", kit.trusted.text)
    assert result.exit_code == 1 and "MZ932 错误" in result.stderr and "--allow-downgrade" in result.stderr
    assert tools.snapshot(v2) == before
    result = mzkb("apply-update", str(down), str(v2), "--public-key", kit.trusted.text, "--allow-downgrade")
    assert result.exit_code == 0 and "降级" in result.stdout and not (v2 / "site/b.html").exists()


def test_bundle_since_a_newer_bundle_is_refused_before_anything_is_written(small_kb: Path, tmp_path: Path):
    from mzkb.offline.make import bundle_knowledge_base

    from mzkb.offline.format import BundleError

    future = bundle_knowledge_base(small_kb, tmp_path / "future", version="99990101").bundle.path
    result = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out0"), "--since", str(future))
    assert result.exit_code == 1 and "MZ931 错误" in result.stderr and "--allow-downgrade" in result.stderr
    assert not (tmp_path / "out0").exists() and "Traceback" not in result.output
    newer = bundle_knowledge_base(small_kb, tmp_path / "v2", version="v2").bundle.path
    out = tmp_path / "out1"

    with pytest.raises(BundleError) as refused:
        bundle_knowledge_base(small_kb, out, version="v1", since=newer)
    assert refused.value.code == "MZ931" and not out.exists()
    run = bundle_knowledge_base(small_kb, out, version="v1", since=newer, allow_downgrade=True)
    assert run.update is not None and run.update.path.is_file()
