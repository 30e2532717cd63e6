"""The as-of date is decided once per run: only ``generator/clock.py`` reads the clock,
SOURCE_DATE_EPOCH or ``--as-of``; every other module is handed the day."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from mzkb import clock

PACKAGE = Path(__file__).parents[1] / "generator"
CLOCK_CALLS = {"today", "now", "utcnow"}


def clock_reads(source: str) -> list[int]:
    """Lines that read the clock (``date.today()``, ``datetime.now()``…) or name SOURCE_DATE_EPOCH (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS \
                and isinstance(node.func.value, (ast.Name, ast.Attribute)) \
                and (getattr(node.func.value, "id", "") or getattr(node.func.value, "attr", "")) in ("date", "datetime"):
            lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and node.value == "SOURCE_DATE_EPOCH" and id(node) not in docstrings:
            lines.append(node.lineno)
    return sorted(lines)


def test_only_clock_reads_the_clock():
    found = {str(path.relative_to(PACKAGE)): lines for path in sorted(PACKAGE.rglob("*.py"))
             if path.name != "clock.py" and (lines := clock_reads(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_checker_sees_each_way_of_reading_the_clock():
    source = ('"""SOURCE_DATE_EPOCH in a docstring is fine."""\nimport datetime as dt\nimport os\n'
              'a = dt.date.today()\nb = dt.datetime.now(dt.timezone.utc)\nc = os.environ.get("SOURCE_DATE_EPOCH")\n')
    assert clock_reads(source) == [4, 5, 6]


def test_the_as_of_date_prefers_the_option_then_the_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 UTC
    assert clock.as_of_date() == dt.date(2023, 11, 14)
    assert clock.as_of_date(dt.datetime(2030, 1, 2, 3, 4)) == dt.date(2030, 1, 2)
    with clock.pinned_epoch(0):
        assert clock.as_of_date() == dt.date(1970, 1, 1)
    assert clock.source_epoch() == 1700000000
