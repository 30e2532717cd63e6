"""The mzkb command through Click's CliRunner: output and exit codes 0/1/2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli


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
    shown = _run_in_terminal([sys.executable, "-m", "generator.cli", "build", "-c", str(small_kb), "--full"], env)
    assert "生成页面" in shown and "已生成 5 个文档的网站" in shown
    logged = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-c", str(small_kb), "--full"],
                            capture_output=True, text=True, env=env)
    assert logged.returncode == 0 and "生成页面" not in logged.stderr + logged.stdout and "\x1b[" not in logged.stderr
