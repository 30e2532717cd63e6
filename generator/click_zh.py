"""Chinese for Click's own messages (usage errors, help headings), so `mzkb` speaks one language.

Click wraps every message in ``gettext`` (``_("No such option {name!r}.")``) and formats it
afterwards; ``install()`` points the ``_``/``ngettext`` names of Click's modules at a lookup in
``MESSAGES``. This relies on Click's message ids and module-level names (Click 8.x, pinned in
pyproject.toml); ``tests/test_cli.py`` fails when a message id below is no longer in Click.
"""

from __future__ import annotations

import importlib

MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "No such option: {name}": "没有这个选项：{name}",
    "Did you mean {possibility}?": "是不是想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是想用其中之一：{possibilities}？）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值（{choices}）之一。",
    "Choose from:\n\t{choices}": "可选值：\n\t{choices}",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Positional arguments": "参数",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "unknown error": "未知错误",
}
"""Click's message id -> Chinese (same ``{placeholders}``)."""

_MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui")

TYPE_NAMES = {"StringParamType": "文本", "IntParamType": "整数", "IntRange": "整数范围", "FloatParamType": "数字",
              "FloatRange": "数字范围", "BoolParamType": "布尔值", "DateTime": "日期时间", "File": "文件名"}
"""Click's parameter types -> the Chinese shown as an option's metavar (Click shows ``name.upper()``:
``TEXT``, ``INTEGER RANGE``)."""
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


def gettext(message: str) -> str:
    """Click's ``_``: the Chinese message when there is one."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Click's ``ngettext``: Chinese has one form."""
    return gettext(singular if count == 1 else plural)


def localize(group, arguments: dict[str, str]) -> None:
    """Chinese usage lines for ``group`` and its commands: ``[选项]``, ``命令 [参数]...`` and each
    argument's Chinese name (``arguments``: parameter name -> name shown), bracketed when
    optional and followed by ``...`` when it takes several values, as Click does."""
    import click

    group.options_metavar, group.subcommand_metavar = OPTIONS_METAVAR, SUBCOMMAND_METAVAR
    for command in group.commands.values():
        command.options_metavar = OPTIONS_METAVAR
        for param in command.params:
            if isinstance(param, click.Argument) and param.name in arguments:
                shown = arguments[param.name]
                shown = shown if param.required else f"[{shown}]"
                param.metavar = shown + ("..." if param.nargs != 1 else "")


def install() -> None:
    """Make Click's messages Chinese (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    types = importlib.import_module("click.types")
    for name, shown in TYPE_NAMES.items():
        getattr(types, name).name = shown
