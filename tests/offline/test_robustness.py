"""Leftovers of a killed apply-update and hand-edited manifests (issue 13, item 11): Chinese diagnostics, no traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.offline.trees import remove_leftovers
from mzkb.offline.update import apply_update
from mzkb.offline.verify import verify_bundle

DEAD_PID = 4_194_999  # above Linux's largest pid_max: no such process


def test_leftover_staging_folder_from_a_killed_apply_update_is_removed(kit, tools):
    county = kit.folder.parent
    leftover = county / f".{kit.folder.name}.update-{DEAD_PID}"
    shutil.copytree(kit.folder, leftover)  # a half-made stage: a bundle folder with its manifest
    report = verify_bundle(county)  # the folder the county unzipped into
    assert report.ok, report.lines()
    assert not leftover.exists()
    shutil.copytree(kit.folder, leftover)
    assert verify_bundle(kit.folder).ok and not leftover.exists()  # the bundle folder itself
    shutil.copytree(kit.folder, leftover)
    applied = apply_update(kit.pack, county)
    assert applied.ok, applied.lines()
    assert not leftover.exists() and (kit.folder / "site/b.html").is_file()


def test_killed_between_the_two_renames_the_old_folder_comes_back(kit):
    county = kit.folder.parent
    old = county / f".{kit.folder.name}.old-{DEAD_PID}"
    kit.folder.rename(old)
    assert remove_leftovers(county) == [old]
    assert kit.folder.is_dir() and verify_bundle(kit.folder).ok


def test_a_live_runs_staging_folder_is_left_alone_but_not_taken_for_a_bundle(kit):
    county = kit.folder.parent
    live = county / f".{kit.folder.name}.update-{__import__('os').getpid()}"
    shutil.copytree(kit.folder, live)
    assert verify_bundle(county).ok and live.exists()


def mutate(manifest: dict, how: str) -> object:
    if how == "list":
        return [manifest]
    if how == "files as object":
        manifest["files"] = {"a": 1}
    elif how == "size as string":
        manifest["files"][1]["size"] = str(manifest["files"][1]["size"])
    elif how == "negative size":
        manifest["files"][0]["size"] = -1
    elif how == "site as list":
        manifest["site"] = ["demo"]
    elif how == "media as string":
        manifest["media"] = "yes"
    elif how == "bad sha":
        manifest["files"][0]["sha256"] = "abc"
    elif how == "version number":
        manifest["version"] = 2
    return manifest


@pytest.mark.parametrize("how, words, marker", [
    ("list", "应为一个 JSON 对象", "["),
    ("files as object", "files 应为数组", '"files": {'),
    ("size as string", "files[1].size 应为整数，实际为字符串", '"size": "'),
    ("negative size", "files[0].size 不能是负数", '"size": -1'),
    ("site as list", "site 应为对象", '"site": ['),
    ("media as string", "media 应为对象", '"media": "yes"'),
    ("bad sha", "不是 64 位十六进制校验值", '"abc"'),
    ("version number", "version 应为字符串，实际为整数", '"version": 2'),
])
def test_manifest_with_wrong_types_gives_a_chinese_diagnostic_with_its_line(kit, tools, tmp_path, how, words, marker):
    top = tools.unzip(kit.v1, tmp_path)
    doc = mutate(json.loads((top / "manifest.json").read_bytes()), how)
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    (top / "manifest.json").write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)
    result = CliRunner().invoke(cli, ["verify", str(top)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "MZ922 错误" in result.output and words in result.output, result.output
    diagnostic = next(row for row in result.output.splitlines() if "MZ922" in row)
    assert f"manifest.json:{line}:0: MZ922" in diagnostic, diagnostic
    applied = apply_update(kit.pack, top)
    assert not applied.ok and "Traceback" not in "\n".join(applied.lines())


def test_update_json_with_wrong_types_is_refused_in_chinese(kit, tools, tmp_path):
    import zipfile

    with zipfile.ZipFile(kit.pack) as zf:
        items = [(i.filename, zf.read(i)) for i in zf.infolist()]
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in items:
            if name.endswith("/update.json"):
                doc = json.loads(data)
                doc["deleted"] = "site/a.html"
                data = json.dumps(doc).encode()
            zf.writestr(name, data)
    report = apply_update(bad, kit.folder, allow_unsigned=True)
    assert not report.ok and "MZ922" in report.lines()[0] and "deleted 应为数组" in "\n".join(report.lines())
