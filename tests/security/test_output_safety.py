"""Issue 13 item 1: `mzkb build -o DIR` never deletes what is not a previous mzkb output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.writer import MARKER


def build(config: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-c", str(config), *args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".mzkb" not in p.parts}


@pytest.mark.parametrize("where", [".", "content", ".mzkb", "..", "content/notices", "content/new-folder", ".mzkb/cache"])
def test_refuses_the_knowledge_base_its_parts_and_ancestors(small_kb: Path, where: str):
    kb = small_kb.parent
    (kb / ".mzkb" / "cache").mkdir(parents=True)
    (kb / ".mzkb" / "cache" / "render.json").write_text("{}", encoding="utf-8")
    (kb.parent / "user-notes.txt").write_text("别删我", encoding="utf-8")
    before = snapshot(kb.parent)
    result = build(small_kb, "-o", str(kb / where))
    assert result.exit_code == 1
    assert "MZ910" in result.output and "拒绝写入输出目录" in result.output and "Traceback" not in result.output
    assert snapshot(kb.parent) == before  # nothing deleted, nothing replaced


def test_refuses_a_folder_with_user_files(small_kb: Path, tmp_path: Path):
    desktop = tmp_path / "Desktop"
    (desktop / "工作").mkdir(parents=True)
    (desktop / "工作" / "报告.docx").write_bytes(b"precious")
    (desktop / "todo.txt").write_text("x", encoding="utf-8")
    result = build(small_kb, "-o", str(desktop))
    assert result.exit_code == 1 and "MZ910" in result.output and MARKER in result.output
    assert (desktop / "工作" / "报告.docx").read_bytes() == b"precious" and (desktop / "todo.txt").exists()


def test_refuses_home_and_root(small_kb: Path, tmp_path: Path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for target in (str(home), "/"):
        result = build(small_kb, "-o", target)
        assert result.exit_code == 1 and "不能输出到根目录或用户主目录" in result.output


def test_refuses_a_file(small_kb: Path, tmp_path: Path):
    target = tmp_path / "site.txt"
    target.write_text("x", encoding="utf-8")
    result = build(small_kb, "-o", str(target))
    assert result.exit_code == 2 and "是文件" in result.output  # Click's check, in Chinese
    assert target.read_text(encoding="utf-8") == "x"


def test_builds_into_new_empty_and_previous_outputs(small_kb: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(small_kb, "-o", str(empty)).exit_code == 0
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()
    assert build(small_kb, "-o", str(empty)).exit_code == 0  # a previous output is replaced
    assert build(small_kb, "-o", str(tmp_path / "new" / "site")).exit_code == 0


def test_an_output_with_the_marker_from_before_file_lists_is_still_replaced(small_kb: Path, tmp_path: Path):
    """The marker an older mzkb wrote (its fixed text) still proves the folder is an mzkb output; a site
    without any marker is not one (issue 24: names like index.html and search/manifest.js prove nothing)."""
    from mzkb.writer import MARKER_TEXT

    out = tmp_path / "old"
    assert build(small_kb, "-o", str(out)).exit_code == 0
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    assert build(small_kb, "-o", str(out)).exit_code == 0 and '"files"' in (out / MARKER).read_text(encoding="utf-8")
    (out / MARKER).unlink()
    result = build(small_kb, "-o", str(out))
    assert result.exit_code == 1 and "MZ910" in result.output and (out / "index.html").is_file()


def test_site_symlink_is_followed_not_replaced(small_kb: Path, tmp_path: Path):
    webroot = tmp_path / "www" / "kb"
    webroot.mkdir(parents=True)
    link = small_kb.parent / "site"
    link.symlink_to(webroot, target_is_directory=True)
    assert build(small_kb).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(webroot)
    assert (webroot / "index.html").is_file() and (webroot / MARKER).is_file()
    assert build(small_kb).exit_code == 0 and link.is_symlink()
    assert not [p for p in webroot.parent.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_versioned_build_refuses_too(small_kb: Path):
    result = build(small_kb, "--versions", "-o", str(small_kb.parent / "content"))
    assert result.exit_code == 1 and "MZ910" in result.output


def test_disk_full_while_writing_is_chinese_and_names_the_path(small_kb: Path, tmp_path: Path, monkeypatch):
    import errno

    import mzkb.writer as writer

    def full(stage: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(stage / MARKER))

    monkeypatch.setattr(writer, "write_marker", full)
    result = build(small_kb, "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "MZ902" in result.output and "磁盘空间不足" in result.output
    assert MARKER in result.output and "No space" not in result.output and "site_config.yml:0:0" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("renderer", ["jinja", "mkdocs"])
def test_read_only_output_while_rendering_is_chinese_and_names_the_path(small_kb: Path, tmp_path: Path, monkeypatch,
                                                                         renderer: str):
    import errno

    monkeypatch.setenv("MZKB_RENDERER", renderer)
    if renderer == "mkdocs":
        import mkdocs.commands.build

        def read_only(config, **kwargs):  # MkDocs fails writing a page into the staging folder
            raise OSError(errno.EROFS, "Read-only file system", str(Path(config.site_dir) / "index.html"))

        monkeypatch.setattr(mkdocs.commands.build, "build", read_only)
    else:
        from mzkb.render.jinja import build as jinja_build

        def read_only(self, page, nav, pages):  # our renderer fails writing a page into the staging folder
            raise OSError(errno.EROFS, "Read-only file system", str(self.site_dir / "index.html"))

        monkeypatch.setattr(jinja_build.Build, "build_page", read_only)
    result = build(small_kb, "-o", str(tmp_path / "ro"))
    assert result.exit_code == 1 and "文件系统是只读的" in result.output
    assert f"{tmp_path / 'ro' / 'index.html'}:0:0: MZ902" in result.output  # the page as the user knows it
    assert "Read-only" not in result.output and "MZ901" not in result.output and ".building-" not in result.output


def test_only_this_outputs_leftovers_are_swept_beside_it(small_kb: Path, tmp_path: Path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    desk = tmp_path / "desk"
    desk.mkdir()
    mine = desk / f".site.building-{dead.pid}"
    theirs = [desk / f"index-{dead.pid}", desk / f".notes.tmp-{dead.pid}", desk / f".other.building-{dead.pid}"]
    for folder in (mine, *theirs):
        folder.mkdir()
    assert build(small_kb, "-o", str(desk / "site")).exit_code == 0
    assert not mine.exists() and all(p.exists() for p in theirs)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 300 KB tmpfs (needs root and mount; skipped elsewhere)."""
    import subprocess

    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_really_full_disk(small_kb: Path, tiny_disk: Path):
    result = build(small_kb, "-o", str(tiny_disk / "site"))
    assert result.exit_code == 1 and "磁盘空间不足" in result.output and f"{tiny_disk / 'site'}" in result.output
    assert "No space" not in result.output and "Traceback" not in result.output and "site_config.yml:0:0" not in result.output
    assert not (tiny_disk / "site").exists() and not list(tiny_disk.iterdir())  # the staging folder is gone too
