"""Issue 13 items 5-8: YAML bombs, odd files in content, attachment URL clashes, runnable files.

Every case must end with a Chinese diagnostic (file and line), never a hang or a traceback;
`mzkb check` runs in a subprocess with a timeout only so a hang fails. The limits are checked
before the work they bound, so no test times anything (the figures are in bench/hostile.py).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mzkb.pipeline import prepare

DOC = "---\ntitle: 测试\ndate: 2020-01-01\nissuer: 民政部\naudiences: [养老机构]\n{extra}---\n正文\n{body}\n"


def write_doc(kb: Path, rel: str, extra: str = "", body: str = "") -> Path:
    path = kb / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC.format(extra=extra, body=body), encoding="utf-8")
    return path


def check(config: Path, timeout: float = 300) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "mzkb.cli", "check", "-c", str(config)],
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def string_bomb(size: int, aliases: int, collection: bool = False) -> str:
    """One ``size``-character string aliased ``aliases`` times: far under MAX_NODES values, but
    ``size * aliases`` characters once expanded (issue 24: 1.68 GB content cache, 1.6 GB in rjieba)."""
    anchored = f'&s ["{"养" * size}"]' if collection else f'&s "{"养" * size}"'
    return f"x-text: {anchored}\nx-copies: [" + ",".join(["*s"] * aliases) + "]\n"


YAML_CASES = [
    ("nine-level alias bomb", alias_bomb(9), "别名展开后超过"),
    ("seven-level alias bomb", alias_bomb(7), "别名展开后超过"),
    ("self-referencing alias", "t: &t [a, *t]\n", "循环引用"),
    ("self-referencing mapping", "m: &m {k: *m}\n", "循环引用"),
    ("deep flow nesting", "deep: " + "[" * 100_000 + "]" * 100_000 + "\n", "嵌套超过"),
    ("deep block nesting", "".join(" " * i + f"k{i}:\n" for i in range(80)) + " " * 80 + "v: 1\n", "嵌套超过"),
    ("20 KB string aliased 27,000 times", string_bomb(20_000, 27_000), "个字符"),
    ("60 KB string aliased 3,000 times", string_bomb(60_000, 3_000), "个字符"),
    ("list of a 20 KB string aliased 3,000 times", string_bomb(20_000, 3_000, collection=True), "个字符"),
]


@pytest.mark.parametrize("name, yaml_text, expected", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_front_matter_bombs_are_mz303(small_kb: Path, name, yaml_text, expected):
    from mzkb.content.loader import split_front_matter
    from mzkb.content.model import DocType

    path = write_doc(small_kb.parent, "notices/bomb.md", extra=yaml_text)
    _, problems = split_front_matter(path.read_text(encoding="utf-8"), path, "bomb.md", DocType.NOTICE)
    assert [d.code for d in problems] == ["MZ303"]  # refused by the bounds check, before anything is built
    result = prepare(small_kb)
    found = [d for d in result.diagnostics if d.file == "content/notices/bomb.md"]
    assert [d.code for d in found] == ["MZ303"] and expected in found[0].message and found[0].line > 1
    detail = found[0].message.split("：", 1)[1]  # after "front matter YAML 语法错误："
    assert not re.search("[A-Za-z]{3,}", detail), found[0].message  # Chinese, whatever PyYAML says
    code, output = check(small_kb)
    assert code == 1 and "MZ303" in output and "Traceback" not in output
    assert path.exists()


CONFIG_CASES = YAML_CASES[:3] + YAML_CASES[-2:-1]


@pytest.mark.parametrize("name, yaml_text, expected", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_site_config_bombs_are_mz102(small_kb: Path, name, yaml_text, expected):
    small_kb.write_text(small_kb.read_text(encoding="utf-8") + "\n" + yaml_text.replace("a0:", "x0:"), encoding="utf-8")
    code, output = check(small_kb)
    assert code == 1 and "site_config.yml:" in output and "MZ102" in output and expected in output
    assert "Traceback" not in output


def test_expanded_size_is_bounded_before_objects_are_built():
    from mzkb import yamlsrc

    with pytest.raises(yamlsrc.YamlError) as caught:  # the limit trips at the alias that crosses it
        yamlsrc.load(string_bomb(60_000, 3_000), first_line=2)
    crossing = yamlsrc.MAX_CHARS // 60_000 - 1  # the anchored string and this many aliases fit; the next one does not
    assert (caught.value.line, caught.value.column) == (3, 1 + len("x-copies: [") + 3 * crossing)
    assert f"{yamlsrc.MAX_CHARS:,} 个字符" in caught.value.detail
    copies = yamlsrc.load(string_bomb(60_000, crossing))[0]["x-copies"]
    assert len(copies) == crossing  # under the limit: aliases still work
    long = yamlsrc.MAX_CHARS + 10
    assert len(yamlsrc.load(f"summary: {'y' * long}\n")[0]["summary"]) == long  # no alias: its own length is the bound
    with pytest.raises(yamlsrc.YamlError):
        yamlsrc.load(f"summary: &s {'y' * long}\nx: *s\n")
    from mzkb.diagnostics import CATALOGUE

    assert all(f"{limit:,}" in CATALOGUE["MZ303"].fix for limit in (yamlsrc.MAX_NODES, yamlsrc.MAX_CHARS))  # the stated limits


def test_ordinary_aliases_still_work(small_kb: Path):
    write_doc(small_kb.parent, "notices/alias.md", extra="topics: &t [防疫]\nsummary: 简介\nx-note: *t\n")
    result = prepare(small_kb)
    assert not [d for d in result.diagnostics if d.code == "MZ303"]


def make_odd(kb: Path, kind: str) -> tuple[str, str]:
    """Create one odd entry in content/notices; return (shown path, expected code)."""
    notices = kb / "content" / "notices"
    if kind == "fifo":
        os.mkfifo(notices / "管道.md")
        return "content/notices/管道.md", "MZ210"
    if kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(notices / "s.md"))
        sock.close()
        return "content/notices/s.md", "MZ210"
    if kind == "device":
        (notices / "null.md").symlink_to("/dev/null")
        return "content/notices/null.md", "MZ210"
    if kind == "loop":
        (notices / "a.md").symlink_to("b.md")
        (notices / "b.md").symlink_to("a.md")
        return "content/notices/a.md", "MZ211"
    if kind == "dangling":
        (notices / "gone.md").symlink_to("/nonexistent/gone.md")
        return "content/notices/gone.md", "MZ211"
    if kind == "folder-named-md":
        (notices / "x.md").mkdir()
        return "content/notices/x.md", "MZ213"
    if kind == "non-utf8-name":
        with open(os.path.join(os.fsencode(notices), b"bad\xff.md"), "w") as handle:
            handle.write("x")
        return "content/notices/bad\ufffd.md", "MZ212"
    if kind == "folder-outside":
        (notices / "外部").symlink_to("/usr/share", target_is_directory=True)
        return "content/notices/外部", "MZ214"
    raise AssertionError(kind)


ODD = ["fifo", "socket", "device", "loop", "dangling", "folder-named-md", "non-utf8-name", "folder-outside"]


@pytest.mark.parametrize("kind", ODD)
def test_odd_files_are_diagnostics_never_opened(small_kb: Path, kind: str):
    """A FIFO, socket or device is listed with stat and never opened (a FIFO would block):
    timings are in bench/hostile.py, not here."""
    shown, code = make_odd(small_kb.parent, kind)
    result = prepare(small_kb)
    assert any(d.code == code and d.file == shown for d in result.diagnostics), [d.format() for d in result.diagnostics]
    code_, output = check(small_kb)
    assert code_ == 1 and code in output and "Traceback" not in output and "Errno" not in output


def test_symlinked_folder_inside_content_is_followed(small_kb: Path):
    kb = small_kb.parent
    write_doc(kb, "shared/共享通知.md", extra="id: shared-notice\n")
    (kb / "content" / "notices" / "共享").symlink_to(kb / "content" / "shared", target_is_directory=True)
    result = prepare(small_kb)
    assert result.corpus is not None and "shared-notice" in result.corpus.by_id
    assert not [d for d in result.diagnostics if d.code in ("MZ205", "MZ214")]


def test_nul_in_attachment_and_link(small_kb: Path):
    write_doc(small_kb.parent, "notices/nul.md", extra='attachments: ["a\\0b.pdf"]\n')
    write_doc(small_kb.parent, "notices/nul-link.md", body="[x](a%00b.pdf)")
    found = {(d.file, d.code) for d in prepare(small_kb).diagnostics}
    assert {("content/notices/nul.md", "MZ603"), ("content/notices/nul-link.md", "MZ406")} <= found


def test_two_attachments_one_url_is_an_error_with_file_and_line(small_kb: Path):
    kb = small_kb.parent
    files = kb / "content" / "notices" / "files"
    files.mkdir()
    for name, data in (("探视.pdf", b"%PDF-a"), ("tan shi.pdf", b"%PDF-b"), ("Tan-Shi.PDF", b"%PDF-c"), ("tan-shi.pdf", b"%PDF-d")):
        (files / name).write_bytes(data)
    write_doc(kb, "notices/two.md", extra="attachments:\n  - files/探视.pdf\n  - files/tan shi.pdf\n")
    write_doc(kb, "notices/case.md", body="[表](files/Tan-Shi.PDF) [表](files/tan-shi.pdf)")
    result = prepare(small_kb)
    clashes = sorted((d.file, d.line) for d in result.diagnostics if d.code == "MZ318")
    # four files, one URL: the first keeps it, each of the three others is an error where it is named
    # (the body's links are on line 8, after 正文 on line 7)
    assert clashes == [("content/notices/case.md", 8), ("content/notices/two.md", 6), ("content/notices/two.md", 6)]


def test_distinct_attachments_pass(small_kb: Path):
    kb = small_kb.parent
    files = kb / "content" / "notices" / "files"
    files.mkdir()
    (files / "探视.pdf").write_bytes(b"%PDF-a")
    (files / "登记.pdf").write_bytes(b"%PDF-b")
    write_doc(kb, "notices/ok.md", extra="attachments: [files/探视.pdf, files/登记.pdf]\n", body="[表](files/探视.pdf)")
    assert not [d for d in prepare(small_kb).diagnostics if d.code == "MZ318"]


@pytest.mark.parametrize("name", ["说明.html", "page.htm", "icon.svg", "doc.xhtml", "data.xml"])
def test_runnable_files_are_refused(small_kb: Path, name: str):
    kb = small_kb.parent
    (kb / "content" / "notices" / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    write_doc(kb, "notices/att.md", extra=f"attachments: [{name}]\n")
    write_doc(kb, "notices/lnk.md", body=f"[打开]({name})")
    found = {(d.file, d.code) for d in prepare(small_kb).diagnostics}
    assert ("content/notices/att.md", "MZ319") in found and ("content/notices/lnk.md", "MZ319") in found


def test_names_that_differ_only_by_case_are_reported_naming_both(small_kb: Path):
    """Issue 24: `Upper.MD` beside `upper.md` was skipped silently; two paths one file apart on
    Windows and macOS (Guide.md, guide.md) are an error naming both."""
    kb = small_kb.parent
    write_doc(kb, "notices/upper.md")
    write_doc(kb, "notices/Upper.MD")
    write_doc(kb, "notices/Alone.Md")
    write_doc(kb, "notices/Guide.md", extra="id: guide-a\n")
    write_doc(kb, "notices/guide.md", extra="id: guide-b\n")
    write_doc(kb, "notices/X.MD/inside.md", extra="id: inside\n")  # a folder ending in .MD is a folder
    (kb / "content/README.MD").write_text("说明\n", encoding="utf-8")
    result = prepare(small_kb)
    found = {(d.code, d.file): d.message for d in result.diagnostics if d.code in ("MZ325", "MZ326")}
    assert set(found) == {("MZ325", "content/notices/Upper.MD"), ("MZ325", "content/notices/Alone.Md"),
                          ("MZ326", "content/notices/guide.md")}, found
    assert "upper.md" in found[("MZ325", "content/notices/Upper.MD")] and ".MD" in found[("MZ325", "content/notices/Upper.MD")]
    assert "只差大小写" not in found[("MZ325", "content/notices/Alone.Md")]
    assert "content/notices/Guide.md" in found[("MZ326", "content/notices/guide.md")]
    assert result.failed and result.corpus.get("inside") is not None
    code, output = check(small_kb)
    assert code == 1 and "Upper.MD" in output and "Traceback" not in output
