"""The mzkb command through Click's CliRunner: output and exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_ok_exit_0(small_kb: Path):
    result = run("check", "-c", str(small_kb))
    assert result.exit_code == 0
    assert "检查通过：5 个文档" in result.output


def test_check_errors_exit_1_with_path_line_col(small_kb: Path):
    (small_kb.parent / "content/notices/bad.md").write_text("---\ntitle: x\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\n---\n", encoding="utf-8")
    result = run("check", "-c", str(small_kb))
    assert result.exit_code == 1
    assert "content/notices/bad.md:3:7: MZ308 错误" in result.output
    assert "共 1 个错误" in result.output


def test_check_json(small_kb: Path):
    (small_kb.parent / "content/notices/bad.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    result = run("check", "-c", str(small_kb), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {"code": "MZ305", "severity": "error", "file": "content/notices/bad.md", "line": 1, "column": 1} == {
        k: v for k, v in data[0].items() if k != "message"}


def test_strict_turns_warnings_into_errors(small_kb: Path):
    (small_kb.parent / "content/notices/w.md").write_text(
        "---\ntitle: x\ndate: 2020-01-01\nissuer: x\naudiences: [养老机构]\ntopics: [未定义主题]\n---\n", encoding="utf-8")
    assert run("check", "-c", str(small_kb)).exit_code == 0
    strict = run("check", "-c", str(small_kb), "--strict")
    assert strict.exit_code == 1 and "MZ314 警告" in strict.output


def test_usage_errors_exit_2(small_kb: Path):
    assert run("check", "--format", "xml", "-c", str(small_kb)).exit_code == 2
    assert run("no-such-command").exit_code == 2
    assert run("new", "-c", str(small_kb), "poem", "标题").exit_code == 2


def test_missing_config_exit_1(tmp_path: Path):
    result = run("check", "-c", str(tmp_path / "none.yml"))
    assert result.exit_code == 1 and "MZ101" in result.output


def test_init_then_new_then_check_then_build(tmp_path: Path):
    kb = tmp_path / "新知识库"
    assert run("init", str(kb)).exit_code == 0
    config = kb / "site_config.yml"
    result = run("new", "-c", str(config), "guideline", "养老机构疫情防控指南（第三版）")
    assert result.exit_code == 0, result.output
    path = kb / "content/guidelines/yang-lao-ji-gou-yi-qing-fang-kong-zhi-nan-di-san-ban.md"
    text = path.read_text(encoding="utf-8")
    assert "id: yang-lao-ji-gou-yi-qing-fang-kong-zhi-nan-di-san-ban" in text
    assert "title: 养老机构疫情防控指南（第三版）" in text and "edition: 第三版" in text
    assert run("new", "-c", str(config), "guideline", "养老机构疫情防控指南（第三版）").exit_code == 1  # exists
    for kind in ("notice", "video", "case"):
        assert run("new", "-c", str(config), kind, f"新{kind}文档").exit_code == 0
    assert run("check", "-c", str(config)).exit_code == 0
    built = run("build", "-c", str(config))
    assert built.exit_code == 0, built.output
    page = kb / "site/guidelines/yang-lao-ji-gou-yi-qing-fang-kong-zhi-nan-di-san-ban.html"
    assert "养老机构疫情防控指南（第三版）" in page.read_text(encoding="utf-8")


def test_init_refuses_existing(tmp_path: Path):
    assert run("init", str(tmp_path)).exit_code == 0
    result = run("init", str(tmp_path))
    assert result.exit_code == 1 and "已存在" in result.output


def test_init_keeps_an_existing_gitignore(tmp_path: Path):
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(b"*.pem\nsecrets.txt")  # no final newline
    result = run("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert ignore.read_text(encoding="utf-8") == "*.pem\nsecrets.txt\n/site/\n.mzkb/\n"
    assert "已补充" in result.output
    ignore.write_text("site/\n.mzkb\n", encoding="utf-8")
    (tmp_path / "site_config.yml").unlink()
    for sample in (tmp_path / "content/notices").iterdir():
        sample.unlink()
    assert run("init", str(tmp_path)).exit_code == 0
    assert ignore.read_text(encoding="utf-8") == "site/\n.mzkb\n"  # already there, in another spelling


def test_init_writes_nothing_when_one_target_exists(tmp_path: Path):
    from mzkb.scaffold import SAMPLE_TITLE, document_path
    from mzkb.content.model import DocType

    sample = document_path(tmp_path / "content", DocType.NOTICE, SAMPLE_TITLE)
    sample.parent.mkdir(parents=True)
    sample.write_text("编辑自己的文件\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pem\n", encoding="utf-8")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1 and "已存在" in result.output and str(sample) in result.output
    assert sample.read_text(encoding="utf-8") == "编辑自己的文件\n"
    assert not (tmp_path / "site_config.yml").exists()
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pem\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["content", "notices", sample.name, ".gitignore"])


def test_build_with_output_option_outside_kb(small_kb: Path, tmp_path: Path):
    out = tmp_path / "elsewhere" / "out"
    result = run("build", "-c", str(small_kb), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert not (small_kb.parent / "site").exists()


def test_help_is_chinese():
    result = run("--help")
    assert result.exit_code == 0 and "民政知识库" in result.output
    for command in ("init", "new", "check", "build", "serve"):
        assert command in result.output


def _run_in_terminal(args: list[str], env: dict) -> str:
    """Run a command with a pseudo-terminal as stdout/stderr; return what it printed."""
    import os
    import pty
    import subprocess

    main, secondary = pty.openpty()
    proc = subprocess.Popen(args, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_and_quiet_in_logs(small_kb):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"MZKB_PROGRESS_DELAY": "0", "TERM": "xterm"}
    shown = _run_in_terminal([sys.executable, "-m", "mzkb.cli", "build", "-c", str(small_kb), "--full"], env)
    assert "生成页面" in shown and "已生成 5 个文档的网站" in shown
    logged = subprocess.run([sys.executable, "-m", "mzkb.cli", "build", "-c", str(small_kb), "--full"],
                            capture_output=True, text=True, env=env)
    assert logged.returncode == 0 and "生成页面" not in logged.stderr + logged.stdout and "\x1b[" not in logged.stderr


# --- hostile arguments (issue 13 item 11): every command, exit 1 or 2, Chinese, no traceback ---

import re  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


def hostile_cases(kb: Path, tmp: Path) -> list[list[str]]:
    c = ["-c", str(kb)]
    missing = str(tmp / "missing.yml")
    return [
        ["build", "-c", missing], ["build", "-c", "/proc/x/site_config.yml"], ["build", *c, "-o", "/proc/x"],
        ["build", *c, "-o", str(kb.parent)], ["build", *c, "-o", "/"], ["build", *c, "-o", "a\x00b"],
        ["build", *c, "-o", str(kb.parent / ".." / ".." / "..")], ["build", "-c", "bad\udcff.yml"],
        ["build", *c, "--bogus"], ["build", "-c"],
        ["check", "-c", missing], ["check", "-c", "x\x00y.yml"], ["check", *c, "--format", "yaml"],
        ["check", "-c", "/proc"], ["check", "-c", "../" * 30 + "etc/passwd"],
        ["init", "/proc/x"], ["init", "/proc/x/y/z"], ["init", "a\x00b"], ["init", str(kb)], ["init"],
        ["new", *c, "notice", ""], ["new", *c, "notice", "   "], ["new", *c, "notice", "换\n行"],
        ["new", *c, "notice", "标题", "--audience", "外星人"], ["new", *c, "poem", "标题"], ["new", "-c", missing, "notice", "x"],
        ["search", *c, "养老"], ["search", *c, "x", "-n", "99999999999999999999"], ["search", *c, "x", "-n", "-1"],
        ["search", *c, "x", "--type", "poem"], ["search", *c, "x", "--audience", "外星人"], ["search", "-c", missing, "x"],
        ["serve", *c, "-a", "127.0.0.1:99999999999999"], ["serve", *c, "-a", "abc"], ["serve", *c, "-a", "1.2.3.4.5:80"],
        ["serve", "-c", missing],
        ["release", *c, "v1"], ["release", *c, "../../x"], ["release", "-c", missing, "v1"],
        ["bundle", *c], ["bundle", *c, "-o", "/proc/x"], ["bundle", *c, "-o", str(tmp / "b"), "--version", "../../etc"],
        ["bundle", "-c", missing, "-o", str(tmp / "b")],
        ["verify", str(tmp / "missing.zip")], ["verify", "/proc/x"], ["verify", "a\x00b"], ["verify"],
        ["apply-update", str(tmp / "none.zip"), str(tmp)], ["apply-update", "/proc/x", "/proc/y"], ["apply-update"],
        ["keygen", "-o", "/proc/x"], ["keygen", "-o", "a\x00b"], ["keygen", *c, "-o", str(kb.parent / "content")],
        ["import", *c, "/proc/x"], ["import", *c, "a\x00b.docx"], ["import", *c], ["import", *c, str(tmp / "none.docx")],
        ["import", *c, "/proc/self/status"], ["import", *c, "--id", "../../etc", str(kb)], ["import", "-c", missing, str(kb)],
        ["no-such-command"], ["--no-such-option"],
    ]


def test_every_command_with_hostile_arguments(small_kb: Path, tmp_path: Path):
    from click.testing import CliRunner

    runner = CliRunner()
    failures = []
    for args in hostile_cases(small_kb, tmp_path):
        result = runner.invoke(cli, args, catch_exceptions=True)
        output = result.output
        ok = (result.exit_code in (1, 2) and (result.exception is None or isinstance(result.exception, SystemExit))
              and "Traceback" not in output and HAN.search(output))
        if not ok:
            failures.append((args, result.exit_code, repr(result.exception), output[-300:]))
    assert not failures, failures
    assert not (small_kb.parent / "content" / "notices" / "doc.md").exists()


def test_non_utf8_and_real_process_arguments(small_kb: Path, tmp_path: Path):
    """Through a real process: non-UTF-8 bytes in argv, and the console script's exit path."""
    import subprocess

    for args in ([b"check", b"-c", b"/tmp/\xff\xfe.yml"], [b"init", b"/proc/\xff"], [b"build", b"-c", str(small_kb).encode(), b"-o", b"/proc/\xff"],
                 [b"new", b"-c", str(small_kb).encode(), b"notice", b"\xff\xfe"]):
        proc = subprocess.run([sys.executable.encode(), b"-m", b"mzkb.cli", *args], capture_output=True, timeout=120)
        output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        assert proc.returncode in (1, 2) and "Traceback" not in output and HAN.search(output), (args, output)


def test_click_usage_errors_are_chinese(small_kb: Path):
    result = run("build", "--bogus")
    assert result.exit_code == 2 and "没有这个选项" in result.output and "用法" in result.output
    assert "No such option" not in result.output and "Usage:" not in result.output
    result = run("search", "-c", str(small_kb))
    assert result.exit_code == 2 and "缺少参数" in result.output
    result = run("check", "-c", str(small_kb), "--format", "xml")
    assert result.exit_code == 2 and "不是可选值" in result.output


def test_click_message_ids_still_exist():
    """generator/click_zh.py relies on Click's message ids: each must still be in Click's source."""
    import importlib
    import inspect

    from mzkb.click_zh import _MODULES, MESSAGES

    source = "".join(inspect.getsource(importlib.import_module(f"click.{m}")) for m in _MODULES)
    missing = [m for m in MESSAGES if f'"{m}"'.replace("\n", "\\n").replace("\t", "\\t") not in source and m not in ("No such option: {name}",)]
    assert not missing, missing


def test_new_refuses_empty_titles_and_unknown_audiences(small_kb: Path):
    before = sorted((small_kb.parent / "content").rglob("*"))
    for args in (["notice", ""], ["notice", "  "], ["notice", "标题", "--audience", "不存在的机构"]):
        result = run("new", "-c", str(small_kb), *args)
        assert result.exit_code == 2 and ("标题不能为空" in result.output or "未知的适用机构" in result.output)
    assert sorted((small_kb.parent / "content").rglob("*")) == before
    assert run("new", "-c", str(small_kb), "notice", "标题", "--audience", "养老机构").exit_code == 0


@pytest.mark.parametrize("name", ["vé", "<", "/", "a/b", "..", "v1..2", "_v1", "v" * 41, "v1.lock"])
def test_release_refuses_names_bundle_would_refuse(small_kb: Path, name: str):
    import subprocess

    from mzkb.releases import name_problem

    kb = small_kb.parent
    git = ["git", "-C", str(kb), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    small_kb.write_text(small_kb.read_text(encoding="utf-8") + "\nreleases:\n  tag_pattern: '*'\n", encoding="utf-8")
    subprocess.run([*git, "commit", "-qam", "pattern"], check=True)
    assert name_problem("版本名", name)
    result = run("release", "-c", str(small_kb), name)
    assert result.exit_code == 1 and "不可用" in result.output
    assert subprocess.run([*git, "tag"], capture_output=True, text=True).stdout == ""


def test_help_has_no_english_of_click_left():
    """Usage lines, metavars and [required]/[default] of every command are Chinese."""
    from mzkb.cli import cli

    names = ["", *sorted(cli.commands)]
    for name in names:
        result = run(*([name] if name else []), "--help")
        assert result.exit_code == 0, name
        text = result.output
        for english in ("[OPTIONS]", "COMMAND", "[ARGS]", "TEXT", "INTEGER", "RANGE", "required", "PATH", "FILENAME",
                        "DIRECTORY", "TITLE", "QUERY", "NAME", "FILES", "PACK", "TYPE"):
            assert english not in text, (name, english)
        leftover = set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", text)) - {"HTTP", "JSON", "MZKB_SIGNING_KEY", "SHA", "ZIM", "YYYY"}
        assert not leftover, (name, leftover)
    assert "[选项] 命令 [参数]..." in run("--help").output
    assert "import [选项] 文件..." in run("import", "--help").output
    bundle = run("bundle", "--help").output
    assert "[必填]" in bundle and "-o, --output 文本" in bundle
    assert "整数范围" in run("search", "--help").output


def test_search_type_takes_the_chinese_name_like_new(small_built: Path):
    english = run("search", "-c", str(small_built), "探视", "--type", "notice", "--json")
    chinese = run("search", "-c", str(small_built), "探视", "--type", "通知", "--json")
    assert chinese.exit_code == 0, chinese.output
    assert json.loads(chinese.output) == json.loads(english.output) and json.loads(english.output)
    assert all(hit["type"] == "notice" for hit in json.loads(chinese.output))


def test_a_closed_pipe_ends_search_quietly(small_built: Path):
    """`mzkb search 口罩 | head -1` printed "错误：系统错误 32": the reader closing the pipe ends
    the command quietly with the shell's usual 141, nothing on stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "mzkb.cli", "search", "-c", str(small_built), "-n", "50", "探视"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written: the first write meets a closed pipe
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141 and err == b"", (proc.returncode, err.decode("utf-8", "replace"))


def test_python_dash_m_mzkb_runs_the_command_line(tmp_path: Path):
    """`python -m mzkb` works from any folder (the import package is mzkb; the folder is generator/)."""
    done = subprocess.run([sys.executable, "-m", "mzkb", "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and "用法： mzkb" in done.stdout, done.stdout + done.stderr
