"""Issue 24: an output folder is proven an mzkb output by the file list in its marker, never by names; and a
swap killed between its two renames is undone by the next command that touches the folder."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.writer import MARKER

DEAD_PID = 4_194_999  # above Linux's largest pid_max: no such process


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def build(config: Path, *args: str):
    return mzkb("build", "-c", str(config), *args)


@pytest.mark.parametrize("names", [("index.html", "versions.js"), ("index.html", "search/manifest.js"),
                                   ("index.html", "versions.js", "search/manifest.js")])
def test_names_of_mzkb_files_do_not_make_a_folder_an_output(small_kb: Path, tmp_path: Path, names):
    folder = tmp_path / "论文"
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"")
    (folder / "thesis.docx").write_bytes(b"four years of work")
    result = build(small_kb, "-o", str(folder))
    assert result.exit_code == 1 and "MZ910" in result.output and MARKER in result.output
    assert (folder / "thesis.docx").read_bytes() == b"four years of work"


def test_a_file_the_marker_does_not_list_is_named_and_kept(small_kb: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert build(small_kb, "-o", str(out)).exit_code == 0
    listed = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    assert listed and all((out / rel).stat().st_size == size for rel, size in listed.items())
    assert set(listed) == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MARKER}
    (out / "notices").mkdir(exist_ok=True)
    (out / "notices" / "thesis.docx").write_bytes(b"mine")
    result = build(small_kb, "-o", str(out))
    assert result.exit_code == 1 and "MZ910" in result.output and "notices/thesis.docx" in result.output
    assert (out / "notices" / "thesis.docx").read_bytes() == b"mine"
    (out / "notices" / "thesis.docx").unlink()
    for litter in (".DS_Store", "assets/Thumbs.db", "._index.html"):  # the operating system's, not the user's
        (out / litter).write_bytes(b"x")
    assert build(small_kb, "-o", str(out)).exit_code == 0


def test_a_link_or_a_changed_marker_is_refused(small_kb: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert build(small_kb, "-o", str(out)).exit_code == 0
    os.symlink(tmp_path, out / "home")
    result = build(small_kb, "-o", str(out))
    assert result.exit_code == 1 and "home" in result.output
    (out / "home").unlink()
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    for forged in (b"", b"{", b'{"format": "mzkb-output", "files": ["mine.txt"]}', b'{"files": {"mine.txt": 4}}',
                   b'{"format": "mzkb-output", "files": {"mine.txt": "4"}}'):
        (out / MARKER).write_bytes(forged)
        result = build(small_kb, "-o", str(out))
        assert result.exit_code == 1 and "MZ910" in result.output and "Traceback" not in result.output, forged
        assert (out / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_a_bundle_carries_the_marker_of_its_site(small_kb: Path, tmp_path: Path):
    from mzkb.offline.make import bundle_knowledge_base

    run = bundle_knowledge_base(small_kb, tmp_path / "b", version="v1")
    with zipfile.ZipFile(run.bundle.path) as zf:
        top = zf.namelist()[0].split("/")[0]
        marker = json.loads(zf.read(f"{top}/site/{MARKER}"))
        site = {n[len(top) + 6:]: zf.getinfo(n).file_size for n in zf.namelist()
                if n.startswith(f"{top}/site/") and not n.endswith("/")}
    site.pop(MARKER)
    assert marker["files"] == site


# ---- a swap killed between its two renames ----

def kill_between_renames(out: Path) -> Path:
    """The state a build killed between ``out -> .out.old-PID`` and ``stage -> out`` leaves."""
    old = out.parent / f".{out.name}.old-{DEAD_PID}"
    out.rename(old)
    stage = out.parent / f".{out.name}.building-{DEAD_PID}"
    shutil.copytree(old, stage)
    return old


def test_a_failing_build_after_a_killed_swap_restores_the_old_site(small_kb: Path):
    site = small_kb.parent / "site"
    assert build(small_kb).exit_code == 0
    home = (site / "index.html").read_bytes()
    kill_between_renames(site)
    bad = small_kb.parent / "content/notices/bad.md"
    bad.write_text("---\ntitle: 坏\n---\n正文\n", encoding="utf-8")
    result = build(small_kb)
    assert result.exit_code == 1 and "原有网站未被改动" in result.output
    assert (site / "index.html").read_bytes() == home
    bad.unlink()
    assert build(small_kb).exit_code == 0
    assert not [p.name for p in site.parent.iterdir() if p.name.startswith(".site.")]


def test_a_broken_config_after_a_killed_swap_still_restores_the_site(small_kb: Path):
    site = small_kb.parent / "site"
    assert build(small_kb).exit_code == 0
    kill_between_renames(site)
    small_kb.write_text(small_kb.read_text(encoding="utf-8") + "\n: [\n", encoding="utf-8")
    assert build(small_kb).exit_code == 1 and (site / "index.html").is_file()


def test_a_killed_whoosh_swap_is_restored_by_the_next_run(small_kb: Path):
    assert build(small_kb).exit_code == 0
    whoosh = small_kb.parent / ".mzkb/whoosh"
    whoosh.rename(whoosh.parent / f".whoosh.old-{DEAD_PID}")
    bad = small_kb.parent / "content/notices/bad.md"
    bad.write_text("---\ntitle: 坏\n---\n正文\n", encoding="utf-8")
    assert build(small_kb).exit_code == 1
    assert whoosh.is_dir()
    result = mzkb("search", "-c", str(small_kb), "探视", "--json")
    assert result.exit_code == 0 and json.loads(result.output), result.output
