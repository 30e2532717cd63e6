"""Content diagnostics, table-driven: each bad input -> exact code, file and line.

Each case adds one file to a copy of the small fixture site and runs the checking
stages, then `mzkb build` on the same input: exit 1 without a traceback, and the
previously built site/ stays byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.diagnostics import CATALOGUE, Severity
from mzkb.pipeline import build, prepare


@pytest.fixture(scope="module")
def built_small_site(tmp_path_factory) -> Path:
    """The small fixture site, built once; each case starts from a copy of it."""
    kb = tmp_path_factory.mktemp("template") / "kb"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "sites" / "small", kb)
    result = build(kb / "site_config.yml")
    assert result.ok
    return result.out_dir


def tree_digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}

OK_HEAD = "---\ntitle: 测试通知\ndate: 2020-01-01\nissuer: 测试局\naudiences: [养老机构]\n"

# (title, relative path, bytes, code, line)
CASES = [
    ("broken yaml", "notices/bad.md", "---\ntitle: [未闭合\ndate: 2020-01-01\n---\n正文\n", "MZ303", 2),
    ("tab in yaml", "notices/bad.md", "---\ntitle: x\n\tdate: 2020-01-01\n---\n", "MZ303", 3),
    ("unclosed front matter", "notices/bad.md", "---\ntitle: x\ndate: 2020-01-01\n正文\n", "MZ302", 1),
    ("no front matter", "notices/bad.md", "# 标题\n\n正文\n", "MZ301", 1),
    ("empty file", "notices/bad.md", "", "MZ204", 1),
    ("front matter is a list", "notices/bad.md", "---\n- a\n- b\n---\n", "MZ304", 2),
    ("gbk file", "notices/bad.md", (OK_HEAD + "---\n\n第一行\n中文正文\n").encode("gbk"), "MZ201", 2),
    ("utf-16 file", "notices/bad.md", (OK_HEAD + "---\n").encode("utf-16"), "MZ202", 1),
    ("nul bytes", "notices/bad.md", (OK_HEAD + "---\n\x00\x01binary").encode(), "MZ203", 7),
    ("missing title", "notices/bad.md", "---\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\n---\n", "MZ305", 1),
    ("missing issuer on notice", "notices/bad.md", "---\ntitle: x\ndate: 2020-01-01\naudiences: [养老机构]\n---\n", "MZ305", 1),
    ("impossible date", "notices/bad.md", "---\ntitle: x\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\n---\n", "MZ308", 3),
    ("date wrong format", "notices/bad.md", "---\ntitle: x\ndate: 2020/02/03\nissuer: x\naudiences: [养老机构]\n---\n", "MZ308", 3),
    # YAML also breaks lines at U+2028, U+2029 and NEL; the editor does not, and the line is the editor's
    ("U+2028 before a bad date", "notices/bad.md", "---\ntitle: '甲\u2028乙\u2029丙'\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\n---\n", "MZ308", 3),
    ("NEL before a bad key", "notices/bad.md", "---\ntitle: \"甲\x85乙\x85丙\"\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\ntitel: y\n---\n", "MZ306", 6),
    ("U+2028 before a YAML error", "notices/bad.md", "---\ntitle: '甲\u2028\u2028乙'\ndate: 2020-01-01\nissuer: [x\n---\n", "MZ303", 4),
    ("future date", "notices/bad.md", "---\ntitle: x\ndate: 2099-01-01\nissuer: x\naudiences: [养老机构]\n---\n", "MZ315", 3),
    ("unknown audience", "notices/bad.md", "---\ntitle: x\ndate: 2020-01-01\nissuer: x\naudiences:\n  - 养老机构\n  - 养老中心\n---\n", "MZ309", 7),
    ("unknown key", OK_HEAD and "notices/bad.md", OK_HEAD + "titel: y\n---\n", "MZ306", 6),
    ("wrong type of key", "notices/bad.md", OK_HEAD + "topics: {a: 1}\n---\n", "MZ307", 6),
    ("type disagrees with folder", "notices/bad.md", OK_HEAD + "type: video\n---\n", "MZ310", 6),
    ("non-ascii id", "notices/bad.md", OK_HEAD + "id: 养老通知\n---\n", "MZ311", 6),
    ("bad status", "notices/bad.md", OK_HEAD + "status: 作废\n---\n", "MZ312", 6),
    ("duplicate id", "guidelines/dup.md", "---\nid: guide-1\ntitle: x\ndate: 2020-05-01\nissuer: x\naudiences: [养老机构]\n---\n", "MZ401", 2),
    ("dangling supersedes", "notices/bad.md", OK_HEAD + "supersedes: no-such-doc\n---\n", "MZ402", 6),
    ("link to missing document", "notices/bad.md", OK_HEAD + "---\n\n见[指南](../guidelines/none.md)。\n", "MZ403", 8),
    ("link to missing anchor", "notices/bad.md", OK_HEAD + "---\n\n见[指南](../guidelines/guide-1.md#不存在)。\n", "MZ404", 8),
    ("link escapes content", "notices/bad.md", OK_HEAD + "---\n\n[密码](../../../etc/passwd)\n", "MZ406", 8),
    ("attachment missing", "notices/bad.md", OK_HEAD + "attachments: [files/none.pdf]\n---\n", "MZ501", 6),
    ("attachment outside", "notices/bad.md", OK_HEAD + "attachments: [../../../../etc/passwd]\n---\n", "MZ502", 6),
    ("attachment absolute", "notices/bad.md", OK_HEAD + "attachments: [/etc/passwd]\n---\n", "MZ502", 6),
    ("raw script", "notices/bad.md", OK_HEAD + "---\n\n正文\n\n<script>alert(1)</script>\n", "MZ601", 10),
    ("onerror attribute", "notices/bad.md", OK_HEAD + "---\n\n图片 <img src=x onerror=alert(1)>\n", "MZ601", 8),
    ("javascript link", "notices/bad.md", OK_HEAD + "---\n\n[点我](javascript:alert(1))\n", "MZ601", 8),
    ("body h1 demoted", "notices/bad.md", OK_HEAD + "---\n\n# 一级标题\n", "MZ602", 8),
    ("transcript does not parse", "videos/v.md", "---\ntitle: v\ndate: 2020-01-01\naudiences: [殡葬服务机构]\ntranscript: v.vtt\n---\n", "MZ503", 5),
    ("bad duration", "videos/v2.md", "---\ntitle: v\ndate: 2020-01-01\naudiences: [殡葬服务机构]\nduration: 五分钟\n---\n", "MZ313", 5),
    ("chapters out of order", "videos/v3.md", "---\ntitle: v\ndate: 2020-01-01\naudiences: [殡葬服务机构]\nduration: '00:01:00'\nchapters:\n  - {time: '00:00:30', title: b}\n  - {time: '00:00:10', title: a}\n---\n", "MZ505", 6),
    ("supersedes cycle", "guidelines/c1.md", "---\nid: c1\ntitle: x\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\nsupersedes: c2\n---\n", "MZ405", 7),
    ("status current but superseded", "guidelines/guide-1.md", "---\nid: guide-1\ntitle: x\ndate: 2020-02-01\nissuer: x\naudiences: [养老机构]\nstatus: current\n---\n", "MZ407", 7),
    ("successor older than predecessor", "guidelines/g4.md", "---\nid: g4\ntitle: x\ndate: 2019-01-01\nissuer: x\naudiences: [养老机构]\nsupersedes: guide-2\n---\n", "MZ408", 4),
    ("superseded twice by current documents", "guidelines/g5.md", "---\nid: g5\ntitle: x\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\nsupersedes: guide-1\n---\n", "MZ409", 7),
    ("region and code disagree", "cases/r2.md", "---\ntitle: x\ndate: 2020-01-01\naudiences: [养老机构]\nregion: 江苏省南京市\nregion_code: '330100'\n---\n", "MZ316", 6),
    ("unknown province", "cases/r3.md", "---\ntitle: x\ndate: 2020-01-01\naudiences: [养老机构]\nregion: 火星省某市\n---\n", "MZ316", 5),
    ("unknown region code", "cases/r4.md", "---\ntitle: x\ndate: 2020-01-01\naudiences: [养老机构]\nregion: 浙江省\nregion_code: '339900'\n---\n", "MZ316", 6),
    ("ids collide after pinyin", "notices/tan-shi-tong-zhi.md", OK_HEAD + "---\n", "MZ401", 1),
    ("media of the wrong type", "videos/w.md", "---\ntitle: v\ndate: 2020-01-01\naudiences: [殡葬服务机构]\nmedia: remains.vtt\n---\n", "MZ506", 5),
    ("cue after the end of the video", "videos/c.md", "---\ntitle: v\ndate: 2020-01-01\naudiences: [殡葬服务机构]\nmedia: https://example.org/v.mp4\nduration: '00:00:05'\ntranscript: remains.vtt\n---\n", "MZ504", 7),
    ("attachment too large", "notices/big.md", OK_HEAD + "attachments: [../cases/files/登记表.txt]\n---\n", "MZ313", 6),
    ("empty front matter", "notices/bad.md", "---\n---\n正文\n", "MZ305", 1),
    ("placeholder issuer", "notices/p.md", "---\ntitle: x\ndate: 2020-01-01\nissuer: （请填写发文机关）\naudiences: [养老机构]\n---\n", "MZ317", 4),
    ("shared 文号, other brackets", "notices/copy.md", OK_HEAD + "doc_number: 测民发（２０２０） 示例1号\n---\n", "MZ440", 6),
    ("bad region code", "cases/r.md", "---\ntitle: x\ndate: 2020-01-01\naudiences: [养老机构]\nregion_code: '33'\n---\n", "MZ313", 5),
]

EXTRA_FILES = {
    "transcript does not parse": {"videos/v.vtt": "这不是字幕\n"},
    "supersedes cycle": {"guidelines/c2.md": "---\nid: c2\ntitle: y\ndate: 2020-02-01\nissuer: x\naudiences: [养老机构]\nsupersedes: c1\n---\n"},
}


CONFIG_EXTRA = {"attachment too large": "validation:\n  max_file_mb: 0.00001\n"}


@pytest.mark.parametrize("title,rel,data,code,line", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_with_code_and_line(small_kb: Path, built_small_site: Path, title, rel, data, code, line):
    content = small_kb.parent / "content"
    if title in CONFIG_EXTRA:
        with small_kb.open("a", encoding="utf-8") as handle:
            handle.write(CONFIG_EXTRA[title])
    for extra_rel, text in EXTRA_FILES.get(title, {}).items():
        (content / extra_rel).write_text(text, encoding="utf-8")
    target = content / rel
    target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    result = prepare(small_kb)
    found = [(d.code, d.file, d.line) for d in result.diagnostics]
    assert (code, f"content/{rel}", line) in found, found
    for diag in result.diagnostics:  # messages are Chinese and name no Python internals
        assert "Traceback" not in diag.message and diag.message

    # the same input through `mzkb build`: a clear exit, no traceback, and the previous site kept
    site = small_kb.parent / "site"
    shutil.copytree(built_small_site, site)
    before = tree_digest(site)
    run = CliRunner().invoke(cli, ["build", "-c", str(small_kb)])
    assert not isinstance(run.exception, Exception) or isinstance(run.exception, SystemExit), run.exception
    assert "Traceback" not in run.output
    if CATALOGUE[code].severity is Severity.ERROR:
        last = run.output.splitlines()[-1]
        assert run.exit_code == 1 and last.startswith("生成失败") and last.endswith("原有网站未被改动。")
        assert f"content/{rel}" in last  # the refusal names the file to fix
        assert tree_digest(site) == before


def test_every_problem_of_a_run_is_reported_together(small_kb: Path):
    content = small_kb.parent / "content"
    (content / "notices/a.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (content / "notices/b.md").write_text("---\ntitle: x\ndate: 2020-13-01\nissuer: x\naudiences: [养老机构]\n---\n", encoding="utf-8")
    (content / "notices/c.md").write_text("---\ntitle: x\ndate: 2020-01-01\nissuer: x\naudiences: [无此机构]\n---\n", encoding="utf-8")
    result = prepare(small_kb)
    assert {d.code for d in result.diagnostics} >= {"MZ303", "MZ308", "MZ309"}
    assert result.failed
    assert len(result.corpus.documents) == 5  # the good documents are still checked and linked


def test_bom_and_crlf_are_accepted(small_kb: Path):
    content = small_kb.parent / "content"
    text = (OK_HEAD + "---\r\n\r\n## 标题\r\n\r\n正文。\r\n").replace("\n", "\r\n").replace("\r\r", "\r")
    (content / "notices/crlf.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = prepare(small_kb)
    assert not result.failed, [d.format() for d in result.diagnostics]
    doc = result.corpus.get("crlf")
    assert doc.title == "测试通知" and doc.sections[-1].title == "标题" and doc.sections[-1].line == 8


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlink_pointing_outside_content_is_refused(small_kb: Path, tmp_path: Path):
    outside = tmp_path / "secret.md"
    outside.write_text(OK_HEAD + "---\n", encoding="utf-8")
    (small_kb.parent / "content/notices/link.md").symlink_to(outside)
    result = prepare(small_kb)
    assert ("MZ205", "content/notices/link.md") in [(d.code, d.file) for d in result.diagnostics]


def test_diagnostic_text_format(small_kb: Path):
    (small_kb.parent / "content/notices/bad.md").write_text("---\ntitle: x\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\n---\n", encoding="utf-8")
    line = next(d.format() for d in prepare(small_kb).diagnostics if d.code == "MZ308")
    assert line == "content/notices/bad.md:3:7: MZ308 错误：date 不是有效日期：2020-02-30（应为 YYYY-MM-DD）"


def test_mixed_line_endings_keep_line_numbers(small_kb: Path):
    text = "---\r\ntitle: 混合换行\ndate: 2020-02-30\r\nissuer: x\raudiences: [养老机构]\n---\n"
    (small_kb.parent / "content/notices/mixed.md").write_bytes(text.encode("utf-8"))
    found = [(d.code, d.line) for d in prepare(small_kb).diagnostics if d.file == "content/notices/mixed.md"]
    assert found == [("MZ308", 3)]


def test_a_shared_doc_number_names_both_files(small_kb: Path):
    copy = small_kb.parent / "content" / "notices" / "copy.md"
    copy.write_text(OK_HEAD + "doc_number: 测民发[2020]示例1号\n---\n\n正文。\n", encoding="utf-8")
    found = [d for d in prepare(small_kb).diagnostics if d.code == "MZ440"]
    assert sorted((d.file, d.line) for d in found) == [("content/notices/copy.md", 6), ("content/notices/探视通知.md", 5)]
    assert "notices/探视通知.md" in found[0].message or "notices/探视通知.md" in found[1].message
    assert all(d.severity.value == "warning" for d in found)
