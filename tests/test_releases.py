"""Versioned releases on real temporary git repositories."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

SMALL = Path(__file__).parent / "fixtures" / "sites" / "small"


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def git_kb(tmp_path: Path) -> Path:
    """A copy of the small knowledge base in a fresh git repository, everything staged."""
    kb = tmp_path / "kb"
    shutil.copytree(SMALL, kb)
    (kb / ".gitignore").write_text("/site/\n.mzkb/\n", encoding="utf-8")
    sh(kb, "git", "init", "-q")
    sh(kb, "git", "config", "user.email", "editor@example.org")
    sh(kb, "git", "config", "user.name", "编辑")
    sh(kb, "git", "add", "-A")
    return kb


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A knowledge base in git with three releases: v1, v2 (guide changed), v3 (guide-3 added, guide-2 superseded)."""
    kb = git_kb(tmp_path)
    sh(kb, "git", "commit", "-qm", "初始内容", "--date=2024-01-01T00:00:00")
    assert mzkb("release", "-c", str(kb / "site_config.yml"), "v1", "--title", "首次发布").exit_code == 0
    guide = kb / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒三次", "每日消毒四次"), encoding="utf-8")
    sh(kb, "git", "commit", "-qam", "指南消毒频次调整")
    assert mzkb("release", "-c", str(kb / "site_config.yml"), "v2").exit_code == 0
    (kb / "content/guidelines/guide-3.md").write_text(
        "---\nid: guide-3\ntitle: 养老机构防控指南（第三版）\ndate: 2020-05-01\nissuer: 测试民政局\naudiences: [养老机构]\n"
        "edition: 第三版\nsupersedes: guide-2\n---\n\n## 一、人员管理\n\n常态化管理。\n", encoding="utf-8")
    sh(kb, "git", "add", "-A")
    sh(kb, "git", "commit", "-qm", "发布第三版指南")
    assert mzkb("release", "-c", str(kb / "site_config.yml"), "v3", "--title", "第三版指南").exit_code == 0
    return kb


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def use_working_tree_default(kb: Path) -> None:
    """``releases.default: working-tree``: uncommitted edits are the site's latest version."""
    config = kb / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "releases:\n  default: working-tree\n", encoding="utf-8")
    sh(kb, "git", "commit", "-qam", "默认显示工作区")


def test_newest_release_is_the_default_version(repo: Path):
    result = mzkb("build", "-c", str(repo / "site_config.yml"), "--versions")
    assert result.exit_code == 0, result.output
    site = repo / "site"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["v1", "v2", "v3"]  # the tree is v3: no preview
    versions = json.loads((site / "versions.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("v3", ["latest"]), ("v2", []), ("v1", [])]
    assert 'url=v3/index.html' in (site / "index.html").read_text(encoding="utf-8")


def test_unreleased_edits_are_a_preview_beside_the_default_release(repo: Path, page):
    guide = repo / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒四次", "每日消毒五次"), encoding="utf-8")
    assert mzkb("build", "-c", str(repo / "site_config.yml"), "--versions").exit_code == 0
    site = repo / "site"
    assert "每日消毒五次" in (site / "preview/guidelines/guide-2.html").read_text(encoding="utf-8")
    assert not (site / "latest").exists()
    page.goto((site / "index.html").as_uri())
    page.wait_for_url("**/v3/index.html")
    page.wait_for_function("document.querySelectorAll('#mzkb-version-select option').length === 4")
    assert not page.locator(".mzkb-old-version").is_visible()  # the default release is not 旧版本
    assert not page.locator(".mzkb-preview-version").is_visible()
    page.locator("#mzkb-version-select").select_option("preview")
    page.wait_for_url("**/preview/index.html")
    page.wait_for_selector(".mzkb-preview-version:not([hidden])")
    assert "尚未发布" in page.locator(".mzkb-preview-version").inner_text()
    assert not page.locator(".mzkb-old-version").is_visible()
    page.locator(".mzkb-preview-version__latest").click()
    page.wait_for_url("**/v3/index.html")
    assert page.errors == [] and page.remote_requests == []


def test_releases_default_must_be_known(repo: Path):
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "releases:\n  default: newest\n", encoding="utf-8")
    result = mzkb("check", "-c", str(config))
    assert result.exit_code == 1 and "MZ104" in result.output and "latest-release 或 working-tree" in result.output


def test_build_versions_builds_every_release_and_latest(repo: Path):
    use_working_tree_default(repo)
    sh(repo, "git", "tag", "-d", "v3")
    assert mzkb("release", "-c", str(repo / "site_config.yml"), "v3", "--title", "第三版指南").exit_code == 0
    result = mzkb("build", "-c", str(repo / "site_config.yml"), "--versions")
    assert result.exit_code == 0, result.output
    site = repo / "site"
    for name in ("v1", "v2", "v3", "latest"):
        assert (site / name / "index.html").is_file()
    assert "每日消毒三次" in (site / "v1/guidelines/guide-2.html").read_text(encoding="utf-8")
    assert "每日消毒四次" in (site / "v2/guidelines/guide-2.html").read_text(encoding="utf-8")
    assert not (site / "v2/guidelines/guide-3.html").exists() and (site / "v3/guidelines/guide-3.html").exists()
    assert [v["version"] for v in json.loads((site / "versions.json").read_text(encoding="utf-8"))] == ["latest", "v3", "v2", "v1"]
    assert 'url=latest/index.html' in (site / "index.html").read_text(encoding="utf-8")
    # the working tree is v3 itself: latest is that build, not a second one
    same = {k: v for k, v in digest(site / "latest").items() if k != "pages.js"}
    assert same == {k: v for k, v in digest(site / "v3").items() if k != "pages.js"}
    # issue 24: the marker lists every file the versioned build wrote; a file it does not list stops the next one
    from mzkb.writer import MARKER

    listed = json.loads((site / MARKER).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {MARKER}
    (site / "v1" / "thesis.docx").write_bytes(b"mine")
    again = mzkb("build", "-c", str(repo / "site_config.yml"), "--versions")
    assert again.exit_code == 1 and "MZ910" in again.output and "v1/thesis.docx" in again.output
    assert (site / "v1" / "thesis.docx").read_bytes() == b"mine"


def test_change_pages_and_feed(repo: Path):
    assert mzkb("build", "-c", str(repo / "site_config.yml"), "--versions").exit_code == 0
    site = repo / "site"
    v2 = (site / "v2/changes.html").read_text(encoding="utf-8")
    assert "与上一版本 v1 相比" in v2 and "修改（1）" in v2 and "guidelines/guide-2.html" in v2
    v3 = (site / "v3/changes.html").read_text(encoding="utf-8")
    assert "新增（1）" in v3 and "guide-3.html" in v3 and "被新版替代（1）" in v3
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 3 and "v3/changes.html" in feed and "v3/guidelines/guide-3.html" in feed


def test_feed_links_use_site_url(repo: Path):
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: zh\n", "  language: zh\n  url: https://kb.example.org/\n"), encoding="utf-8")
    sh(repo, "git", "commit", "-qam", "设置站点地址")
    assert mzkb("build", "-c", str(config), "--versions").exit_code == 0
    assert 'href="https://kb.example.org/v3/changes.html"' in (repo / "site/feed.xml").read_text(encoding="utf-8")


def test_last_updated_and_revision_log_from_git(repo: Path):
    assert mzkb("build", "-c", str(repo / "site_config.yml"), "--versions").exit_code == 0
    html = (repo / "site/v2/guidelines/guide-2.html").read_text(encoding="utf-8")
    assert "<dt>最后更新</dt>" in html and "修订记录" in html
    assert "内容修订（未附说明）" in html  # the edit of v2 carries no 更新说明
    assert "指南消毒频次调整" not in html and "初始内容" not in html  # commit subjects are for developers
    assert "发布第三版指南" not in html  # v2 shows the history as of v2


def git_at(cwd: Path, when: str, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def history_repo(tmp_path: Path) -> Path:
    """A knowledge base whose files were imported, moved, edited with and without 更新说明 on known days."""
    kb = git_kb(tmp_path)
    git_at(kb, "2026-11-28T09:00:00", "git", "commit", "-qm", "Import the knowledge base")
    git_at(kb, "2026-11-29T09:00:00", "git", "mv", "content/notices/探视通知.md", "content/notices/探视通知-2020.md")
    git_at(kb, "2026-11-29T09:00:00", "git", "commit", "-qm", "Rename the visiting notice")
    guide = kb / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒三次", "每日消毒四次"), encoding="utf-8")
    git_at(kb, "2026-11-30T09:00:00", "git", "commit", "-qam",
           "Bump disinfection frequency\n\n更新说明：消毒频次由每日三次调整为每日四次。\n\nRefs: #42")
    return kb


def test_file_history_tells_content_changes_from_imports_and_moves(history_repo: Path):
    from mzkb.releases import file_history

    history = file_history(history_repo)
    moved = history["content/notices/探视通知-2020.md"]
    assert [(r.date, r.content_changed) for r in moved] == [("2026-11-29", False)]
    assert [(r.date, r.content_changed) for r in history["content/notices/探视通知.md"]] == [("2026-11-28", False)]
    guide = history["content/guidelines/guide-2.md"]
    assert [(r.date, r.content_changed, r.note) for r in guide] == [
        ("2026-11-30", True, "消毒频次由每日三次调整为每日四次。"), ("2026-11-28", False, "")]


def test_reader_sees_content_dates_and_chinese_notes_only(history_repo: Path):
    from mzkb.releases import file_history

    assert mzkb("build", "-c", str(history_repo / "site_config.yml")).exit_code == 0
    site = history_repo / "site"
    notice = next((site / "notices").glob("tan*.html")).read_text(encoding="utf-8")
    own_date = re.search(r"<dt>发布日期</dt><dd><time datetime=\"([\d-]+)\"", notice).group(1)
    assert own_date != "2026-11-28"
    # imported on 11-28 and moved on 11-29, never edited: 最后更新 is the notice's own date
    assert re.search(r"<dt>最后更新</dt><dd><time datetime=\"([\d-]+)\"", notice).group(1) == own_date
    assert "修订记录" not in notice
    guide = (site / "guidelines/guide-2.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>最后更新</dt><dd><time datetime=\"([\d-]+)\"", guide).group(1) == "2026-11-30"
    assert "消毒频次由每日三次调整为每日四次。" in guide
    for page in (notice, guide):
        for revisions in file_history(history_repo).values():
            for revision in revisions:
                assert revision.commit[:7] not in page and revision.message not in page
        assert "Refs: #42" not in page and "Import the knowledge base" not in page


def test_adding_a_release_rebuilds_only_the_new_one(repo: Path):
    from mzkb.versions import build_versions

    first = build_versions(repo / "site_config.yml")
    assert first.ok and set(first.built) == {"v1", "v2", "v3"}
    (repo / "content/notices/新通知.md").write_text("---\ntitle: 新通知\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\n---\n\n正文。\n", encoding="utf-8")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "新增通知")
    assert mzkb("release", "-c", str(repo / "site_config.yml"), "v4").exit_code == 0
    second = build_versions(repo / "site_config.yml")
    assert second.ok
    assert set(second.built) == {"v4"} and set(second.reused) == {"v1", "v2", "v3"}  # latest is v4's build
    assert (repo / "site/v4/notices/xin-tong-zhi.html").is_file()


def test_a_tampered_or_planted_release_build_is_built_again(repo: Path):
    """`.mzkb/versions/` can come with a pull request: a cached release build is reused only
    with the seal this user's mzkb wrote over all its files (issue 13, cache)."""
    from mzkb.versions import build_versions

    assert build_versions(repo / "site_config.yml").ok
    page = next((repo / ".mzkb" / "versions").glob("*-v1-*/site/guidelines/guide-2.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "</h1><script>planted()</script>"), encoding="utf-8")
    again = build_versions(repo / "site_config.yml")
    assert again.ok and set(again.built) == {"v1"} and set(again.reused) == {"v2", "v3"}
    assert "planted()" not in (repo / "site/v1/guidelines/guide-2.html").read_text(encoding="utf-8")


def test_versioned_builds_are_reproducible(repo: Path, tmp_path: Path):
    config = str(repo / "site_config.yml")
    assert mzkb("build", "-c", config, "--versions", "-o", str(tmp_path / "a")).exit_code == 0
    shutil.rmtree(repo / ".mzkb")
    assert mzkb("build", "-c", config, "--versions", "-o", str(tmp_path / "b")).exit_code == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_release_refuses_dirty_tree_existing_name_and_failing_check(repo: Path):
    config = str(repo / "site_config.yml")
    again = mzkb("release", "-c", config, "v3")
    assert again.exit_code == 1 and "MZ906" in again.output and "已经存在" in again.output
    (repo / "content/notices/草稿.md").write_text("---\ntitle: 草稿\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\n---\n", encoding="utf-8")
    dirty = mzkb("release", "-c", config, "v9")
    assert dirty.exit_code == 1 and "未提交" in dirty.output
    (repo / "content/notices/草稿.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    broken = mzkb("release", "-c", config, "v9")
    assert broken.exit_code == 1 and "MZ303" in broken.output
    assert "v9" not in sh(repo, "git", "tag")


def test_selector_moves_reader_to_same_guideline_in_oldest_version(repo: Path, page):
    assert mzkb("build", "-c", str(repo / "site_config.yml"), "--versions").exit_code == 0
    site = repo / "site"
    page.goto((site / "v3/guidelines/guide-2.html").as_uri())
    select = page.locator("#mzkb-version-select")
    page.wait_for_function("document.querySelectorAll('#mzkb-version-select option').length === 3")
    assert select.input_value() == "v3"
    select.select_option("v1")
    page.wait_for_url("**/v1/guidelines/guide-2.html")
    assert "每日消毒三次" in page.locator(".mzkb-body").inner_text()
    page.wait_for_selector(".mzkb-old-version:not([hidden])")
    assert "v1" in page.locator(".mzkb-old-version").inner_text()
    # a page missing in the other version leads to that version's home
    page.goto((site / "v3/guidelines/guide-3.html").as_uri())
    page.wait_for_function("document.querySelectorAll('#mzkb-version-select option').length === 3")
    page.locator("#mzkb-version-select").select_option("v1")
    page.wait_for_url("**/v1/index.html")
    page.wait_for_selector(".mzkb-old-version:not([hidden])")
    page.locator(".mzkb-old-version__latest").click()
    page.wait_for_url("**/v3/index.html")
    page.wait_for_function("document.querySelectorAll('#mzkb-version-select option').length === 3")
    assert not page.locator(".mzkb-old-version").is_visible()
    assert page.errors == [] and page.remote_requests == []


def test_bundle_cli_for_a_release_update_pack_and_apply(repo: Path, tmp_path: Path):
    """mzkb bundle --version / --since with release names, then verify and apply-update via the CLI."""
    import zipfile

    config = str(repo / "site_config.yml")
    out = tmp_path / "out"
    first = mzkb("bundle", "-c", config, "-o", str(out), "--version", "v1")
    assert first.exit_code == 0, first.output
    assert "最大的文件" in first.output
    v1_zip = next(out.glob("*-v1.zip"))
    second = mzkb("bundle", "-c", config, "-o", str(out), "--version", "v2", "--since", "v1")
    assert second.exit_code == 0, second.output
    v2_zip = next(p for p in out.glob("*-v2.zip") if "update" not in p.name)
    pack = next(out.glob("*update-v1-to-v2.zip"))
    assert mzkb("verify", str(v1_zip)).exit_code == 0
    target = tmp_path / "county"
    with zipfile.ZipFile(v1_zip) as archive:
        archive.extractall(target)
    folder = next(target.iterdir())
    applied = mzkb("apply-update", str(pack), str(folder), "--allow-unsigned")
    assert applied.exit_code == 0, applied.output
    fresh = tmp_path / "fresh"
    with zipfile.ZipFile(v2_zip) as archive:
        archive.extractall(fresh)
    assert digest(folder) == digest(next(fresh.iterdir()))  # full(v2) == apply(full(v1), pack(v1->v2))
    assert "每日消毒四次" in (folder / "site/guidelines/guide-2.html").read_text(encoding="utf-8")
    wrong = mzkb("apply-update", str(pack), str(folder))  # already v2: wrong base
    assert wrong.exit_code == 1
    assert mzkb("bundle", "-c", config, "-o", str(out), "--version", "v99").exit_code == 2
    # issue 24: a signed-or-not pack from v2 back to v1 is not made without --allow-downgrade
    down = mzkb("bundle", "-c", config, "-o", str(tmp_path / "down"), "--version", "v1", "--since", str(v2_zip))
    assert down.exit_code == 1 and "MZ931" in down.output and not (tmp_path / "down").exists()


def test_unreleased_edits_build_latest_separately(repo: Path):
    from mzkb.versions import build_versions

    use_working_tree_default(repo)
    guide = repo / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒四次", "每日消毒五次"), encoding="utf-8")
    result = build_versions(repo / "site_config.yml")
    assert result.ok and "latest" in result.built
    assert "每日消毒五次" in (repo / "site/latest/guidelines/guide-2.html").read_text(encoding="utf-8")
    assert "每日消毒四次" in (repo / "site/v3/guidelines/guide-2.html").read_text(encoding="utf-8")


def test_revision_log_of_files_with_chinese_and_quoted_names(repo: Path):
    """git C-quotes such paths (``"content/notices/\\346\\216\\242….md"``); they still get their log."""
    from mzkb.releases import file_history

    odd = repo / "content/notices/引号\"与\\斜杠.md"
    odd.write_text("---\ntitle: 引号\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\n---\n\n正文。\n", encoding="utf-8")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "新增引号文件")
    history = file_history(repo)
    assert [r.message for r in history["content/notices/探视通知.md"]][-1] == "初始内容"
    assert [r.message for r in history['content/notices/引号"与\\斜杠.md']] == ["新增引号文件"]


def test_tags_mzkb_release_would_refuse_are_skipped_with_a_warning(repo: Path):
    """Issue 24: `build --versions` built any tag matching the pattern, names `mzkb release`
    refuses (non-ASCII, over 40 characters) and names whose URL the selector got wrong (v#frag,
    v%2e%2e). One rule for both: releases.name_problem; the others are skipped, each named."""
    from mzkb.releases import name_problem

    odd = ["v第一版", "v#frag", "v%2e%2e", "v" + "1" * 45, "v+1"]
    for name in odd:
        assert name_problem("版本名", name)
        sh(repo, "git", "tag", name)
    result = mzkb("build", "-c", str(repo / "site_config.yml"), "--versions")
    assert result.exit_code == 0, result.output
    for name in odd:
        assert re.search(rf"MZ916 警告：git 标签 {re.escape(name)} 不能作为版本，已跳过", result.output), name
    site = repo / "site"
    # the working tree is the newest release: no preview version (releases.default: latest-release)
    assert [v["version"] for v in json.loads((site / "versions.json").read_text(encoding="utf-8"))] == ["v3", "v2", "v1"]
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["v1", "v2", "v3"]


def test_a_damaged_object_only_a_release_reaches_is_a_diagnostic_naming_it(repo: Path):
    """Issue 24: a corrupt git blob reachable only from a release tag ended `build --versions` in
    a GitError traceback."""
    sh(repo, "git", "checkout", "-q", "-b", "side")
    (repo / "content/notices/side.md").write_text(
        "---\ntitle: 旁支通知\ndate: 2020-06-01\nissuer: 测试局\naudiences: [养老机构]\n---\n\n只在旁支中的正文。\n", encoding="utf-8")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "旁支")
    sh(repo, "git", "tag", "-a", "v9", "-m", "旁支版本")
    blob = sh(repo, "git", "rev-parse", "v9:content/notices/side.md").strip()
    sh(repo, "git", "checkout", "-q", "-")
    sh(repo, "git", "branch", "-qD", "side")
    loose = repo / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"\x78\x9c damaged")
    result = mzkb("build", "-c", str(repo / "site_config.yml"), "--versions")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"MZ915 错误：无法读取版本 v9 的内容：", result.output), result.output
    assert not (repo / "site").exists()
def test_a_committed_draft_is_not_in_a_release(repo: Path):
    (repo / "content/notices/cao-gao.md").write_text(
        "---\ntitle: 草稿通知\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\ndraft: true\n---\n\n正文。\n", encoding="utf-8")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "草稿")
    assert mzkb("release", "-c", str(repo / "site_config.yml"), "v4").exit_code == 0
    assert mzkb("build", "-c", str(repo / "site_config.yml"), "--versions").exit_code == 0
    assert (repo / "site/v4/index.html").is_file() and not list((repo / "site").rglob("cao-gao.html"))


def test_release_without_a_git_identity_says_what_to_run(tmp_path: Path, monkeypatch):
    kb = tmp_path / "kb"
    shutil.copytree(SMALL, kb)
    (kb / ".gitignore").write_text("/site/\n.mzkb/\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    sh(kb, "git", "init", "-q")
    sh(kb, "git", "add", "-A")
    sh(kb, "git", "-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-qm", "初始内容")
    sh(kb, "git", "config", "user.useConfigOnly", "true")  # no guessing from the host name either
    result = mzkb("release", "-c", str(kb / "site_config.yml"), "v1")
    assert result.exit_code == 1 and "MZ906" in result.output
    assert "git config --global user.email" in result.output and "email address" not in result.output
    assert "v1" not in sh(kb, "git", "tag")
