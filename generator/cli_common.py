"""What every ``mzkb`` command shares: the ``-c`` option, printing diagnostics, and failing with
a Chinese message (``cli`` and ``cli_offline`` are the commands)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import click_zh
from .diagnostics import CATALOGUE, Diagnostic, Severity

click_zh.install()  # Click's own messages (usage errors, help headings) in Chinese

CONFIG_HELP = "site_config.yml 的路径（默认：当前目录下的 site_config.yml）"


def config_option(func):
    """The ``-c/--config`` option every command takes."""
    return click.option("-c", "--config", "config_path", default="site_config.yml", show_default=True,
                        type=click.Path(dir_okay=False), help=CONFIG_HELP)(func)


def report(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], err: bool = False, explain: bool = False) -> None:
    """Print diagnostics as ``path:line:col: 代码 消息`` and a count line; with ``explain``, the
    catalogue's 处理 line after the first problem of each code."""
    explained: set[str] = set()
    for diag in diagnostics:
        click.echo(diag.format(), err=err)
        if explain and diag.code not in explained and diag.code in CATALOGUE:
            explained.add(diag.code)
            click.echo(f"    处理：{CATALOGUE[diag.code].fix}", err=err)
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    if diagnostics:
        hint = "" if explain else "运行 mzkb check --explain 可查看每类问题的处理方法。"
        click.echo(f"共 {errors} 个错误，{warnings} 个警告。{hint}", err=err)


def failed_files(diagnostics: list[Diagnostic], strict: bool = False, limit: int = 5) -> str:
    """``：2 个文件有错误（a.md、b.md）`` for a refused build (warnings count with ``strict``); ``""``
    when no file is to blame."""
    files = list(dict.fromkeys(d.file for d in diagnostics if d.file and (strict or d.severity is Severity.ERROR)))
    if not files:
        return ""
    shown = "、".join(files[:limit]) + (" 等" if len(files) > limit else "")
    return f"：{len(files)} 个文件有{'问题' if strict else '错误'}（{shown}）"


def optional_config(config_path: str):
    """site_config.yml for commands that also run without one (verify, apply-update, keygen): None when the
    default file is absent; a given but missing or invalid file is reported (exit 1)."""
    from .config import load_config

    if config_path == "site_config.yml" and not Path(config_path).is_file():
        return None
    config, diags = load_config(config_path)
    if config is None:
        report(diags, err=True)
        sys.exit(1)
    return config


def fail(exc) -> None:
    """Print a ``BundleError`` (diagnostic line, then its problems) and exit 1."""
    for line in exc.lines():
        click.echo(line, err=True)
    sys.exit(1)
