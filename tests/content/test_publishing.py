"""Safe publishing: drafts are never built, placeholders and disguised attachments are reported."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.pipeline import build


def mzkb(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(kb: Path, rel: str, front: str, body: str = "## 一、要求\n\n正文。\n") -> Path:
    path = kb / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


DRAFT = "title: 尚未定稿的通知\ndate: 2020-06-01\nissuer: 测试民政局\naudiences: [养老机构]\ndraft: true\n"


def test_draft_is_checked_but_never_built(small_kb: Path, tmp_path: Path):
    kb = small_kb.parent
    write(kb, "notices/draft.md", "id: draft-notice\n" + DRAFT, "## 一、要求\n\n草稿中的独特词语甲乙丙。\n")
    checked = mzkb("check", "-c", str(small_kb), "--format", "json")
    assert checked.exit_code == 0, checked.output
    assert "（另有 1 个草稿，不会发布）" in mzkb("check", "-c", str(small_kb)).output
    out = tmp_path / "site"
    assert build(small_kb, out).ok
    assert not (out / "notices/draft-notice.html").exists()
    assert "draft-notice" not in "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.js"))
    found = mzkb("search", "-c", str(small_kb), "甲乙丙", "--json")
    assert json.loads(found.output) == []


def test_draft_must_be_a_boolean(small_kb: Path):
    write(small_kb.parent, "notices/draft.md", DRAFT.replace("draft: true", "draft: 是"))
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 1
    assert "content/notices/draft.md:6:8: MZ307" in result.output and "true 或 false" in result.output


def test_published_document_naming_a_draft_is_told_so(small_kb: Path):
    kb = small_kb.parent
    write(kb, "notices/draft.md", "id: draft-notice\n" + DRAFT)
    write(kb, "notices/uses.md", "title: 引用草稿\ndate: 2020-06-02\nissuer: 测试民政局\naudiences: [养老机构]\n"
          "related: [draft-notice]\n", "见[草稿](draft.md)。\n")
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 1
    assert "content/notices/uses.md:6:1: MZ430" in result.output and "是草稿" in result.output
    assert "content/notices/uses.md:9:1: MZ430" in result.output
    assert "MZ402" not in result.output and "MZ403" not in result.output


def test_new_placeholders_warn_and_fail_strict(small_kb: Path):
    kb = small_kb.parent
    made = mzkb("new", "-c", str(small_kb), "视频", "如何洗手")
    assert made.exit_code == 0, made.output
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 0
    rel = next((kb / "content/videos").glob("ru*.md")).relative_to(kb).as_posix()
    lines = [line for line in result.output.splitlines() if "MZ340" in line]
    assert any(line.startswith(f"{rel}:") and "请替换为视频地址" in line for line in lines), result.output
    assert any("正文" in line and "在此撰写正文" in line for line in lines), result.output
    strict = mzkb("check", "-c", str(small_kb), "--strict")
    assert strict.exit_code == 1


def test_attachment_whose_bytes_do_not_match_its_type(small_kb: Path):
    kb = small_kb.parent
    files = kb / "content/notices/files"
    files.mkdir(parents=True)
    (files / "表.xlsx").write_bytes(bytes(range(256)) * 4)
    (files / "说明.pdf").write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    (files / "真的.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    write(kb, "notices/att.md", "title: 附件\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\n"
          "attachments:\n  - files/表.xlsx\n  - files/说明.pdf\n  - files/真的.pdf\n")
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 1
    assert "content/notices/att.md:7:5: MZ507" in result.output and "Excel（.xlsx）" in result.output
    assert "content/notices/att.md:8:5: MZ507" in result.output and "ZIP 压缩包" in result.output
    assert result.output.count("MZ507") == 2


def test_bundle_leaves_drafts_out(small_kb: Path, tmp_path: Path):
    import zipfile

    write(small_kb.parent, "notices/draft.md", "id: draft-notice\n" + DRAFT)
    result = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "out").glob("*.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert any(n.endswith("notices/index.html") for n in names) and not any("draft-notice" in n for n in names)


def test_messages_suggest_the_fix(small_kb: Path):
    kb = small_kb.parent
    write(kb, "notices/hints.md", "title: 提示\ndate: 2020-06-01\nissuer: x\naudiences: [养老院, 殡葬服务机购]\n")
    write(kb, "notices/links.md", "title: 引用\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\n"
          "related: [guide-22]\namends:\n  - id: guide-2\n    sections: [不存在的小节]\n")
    result = mzkb("check", "-c", str(small_kb))
    assert result.exit_code == 1
    out = result.output
    assert "未知的适用机构 养老院：“养老院”是同义词（只用于搜索），文档中应写 养老机构" in out
    assert "未知的适用机构 殡葬服务机购，是否应为 殡葬服务机构？" in out
    assert "related 引用的文档 guide-22 不存在，是否应为 guide-2（" in out
    assert "amends 中的小节 不存在的小节 在 guide-2 中不存在（现有小节：“" in out
