"""The summary table of ``mzkb import`` (one row a file: 成功/警告/失败, title, 文号, the file written,
why it failed or what to check), the same on a terminal and in a CI log."""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..diagnostics import Severity
from .run import Imported

NOTES_ONLY = {"MZ714", "MZ715"}
"""Import notes every file may get (a guessed field to confirm, the audiences guess): the file still
counts as 成功; ``mzkb check`` lists the guesses as MZ722 until they are confirmed."""


@dataclass(frozen=True, slots=True)
class Row:
    """One imported (or refused) file."""

    source: str
    """The file as given (or found in the folder)."""
    result: str
    """成功, 警告 or 失败."""
    title: str
    doc_number: str
    target: str
    """The Markdown file written (or that would be, with ``--dry-run``); empty on failure."""
    note: str
    """Why it failed, or the first warning (with how many more)."""


def row(imported: Imported, target: str) -> Row:
    """The summary row of one file's import (``target``: the written file as shown)."""
    errors = [d for d in imported.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in imported.diagnostics if d.severity is Severity.WARNING and d.code not in NOTES_ONLY]
    known = imported.known
    title, number = (known.title, known.doc_number) if known else ("", "")
    if not imported.ok:
        first = errors[0] if errors else None
        return Row(imported.source, "失败", title, number, "", f"{first.code} {first.message}" if first else "未导入")
    if warnings:
        more = f"（另有 {len(warnings) - 1} 项）" if len(warnings) > 1 else ""
        return Row(imported.source, "警告", title, number, target, f"{warnings[0].code} {warnings[0].message}{more}")
    return Row(imported.source, "成功", title, number, target, "")


def table(rows: list[Row], width: int | None = None) -> str:
    """The rows as a text table with a count line; ``width``: the terminal's (cells wrap in it),
    None for as wide as the text (a log keeps every row on one line)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=None)
    for header in ("结果", "文件", "标题", "文号", "导入为", "说明"):
        grid.add_column(header, overflow="fold")
    for r in rows:
        grid.add_row(r.result, r.source, r.title or "—", r.doc_number or "—", r.target or "—", r.note or "—")
    out = io.StringIO()
    console = Console(file=out, width=width or 10_000, color_system=None, highlight=False, markup=False,
                      emoji=False, soft_wrap=False, legacy_windows=False)
    console.print(grid, crop=False)
    counts = {name: sum(r.result == name for r in rows) for name in ("成功", "警告", "失败")}
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    lines.append(f"导入 {len(rows)} 个文件：成功 {counts['成功']} 个，有警告 {counts['警告']} 个，失败 {counts['失败']} 个。")
    return "\n".join(lines)
