"""`mzkb serve` as an editor meets it: a busy port, Ctrl+C, the messages of the request log."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from mzkb.cli import cli


def test_a_busy_port_is_told_first_without_a_file(small_kb: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert result.output.startswith(f"MZ912 错误：无法启动预览服务：端口 {port} 已被其他程序占用")
    assert "预览地址" not in result.output and "site_config.yml:0:0" not in result.output


def start(small_kb: Path, port: int, log: Path) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "mzkb.cli", "serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT, text=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_ctrl_c_during_the_first_build_exits_0(small_kb: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    proc = start(small_kb, free_port(), log)
    wait_for(lambda: "预览地址" in log.read_text(encoding="utf-8"))  # printed just before the first build
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    output = log.read_text(encoding="utf-8")
    assert "已中止" not in output and "Traceback" not in output and "预览已停止" in output


def test_ctrl_c_while_serving_exits_0_and_requests_are_logged_in_chinese(small_kb: Path, tmp_path: Path):
    log, port = tmp_path / "serve.log", free_port()
    proc = start(small_kb, port, log)

    def up() -> bool:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5).status == 200
        except OSError:
            return False

    try:
        wait_for(up)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/%E4%B8%8D%E5%AD%98%E5%9C%A8.html", timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        wait_for(lambda: "（404）" in log.read_text(encoding="utf-8"), 10)
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    output = log.read_text(encoding="utf-8")
    assert code == 0 and "找不到（404）：/不存在.html" in output
    assert "GET " not in output and "HTTP/1.1" not in output and "已中止" not in output
