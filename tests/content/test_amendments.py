"""Partial amendments (``amends``) and validity periods: diagnostics with exact code, file and
line (table-driven), and the derived states 部分修改 / 尚未生效 / 已失效（到期）."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.content.model import Status
from mzkb.pipeline import prepare

HEAD = "---\ntitle: 调整通知\ndate: 2020-05-01\nissuer: 测试局\naudiences: [养老机构]\n"
BODY = "---\n\n## 一、恢复探视\n\n每次不超过2人。\n"

# (title, relative path, text, code, line) — the small fixture site has guide-1 (superseded by
# guide-2) and guide-2 with sections 一、人员管理 (anchor 一人员管理) and 二、消毒要求.
CASES = [
    ("amends is a list of ids", "notices/a.md", HEAD + "amends: [guide-2]\n" + BODY, "MZ320", 6),
    ("amends entry without sections", "notices/a.md", HEAD + "amends:\n  - id: guide-2\n" + BODY, "MZ320", 7),
    ("amends entry with a bad id", "notices/a.md", HEAD + "amends:\n  - id: 指南\n    sections: [一人员管理]\n" + BODY, "MZ320", 7),
    ("unknown key in an amends entry", "notices/a.md",
     HEAD + "amends:\n  - id: guide-2\n    sections: [一人员管理]\n    notes: x\n" + BODY, "MZ324", 9),
    ("amends a missing document", "notices/a.md", HEAD + "amends:\n  - id: no-such-doc\n    sections: [x]\n" + BODY, "MZ420", 7),
    ("amends a missing section", "notices/a.md",
     HEAD + "amends:\n  - id: guide-2\n    sections:\n      - 一人员管理\n      - 三、不存在\n" + BODY, "MZ421", 10),
    ("amends a superseded document", "notices/a.md", HEAD + "amends:\n  - id: guide-1\n    sections: [一人员管理]\n" + BODY, "MZ422", 7),
    ("at names no section of this document", "notices/a.md",
     HEAD + "amends:\n  - id: guide-2\n    sections: [一人员管理]\n    at: 五、没有\n" + BODY, "MZ424", 7),
    ("valid_until is not a date", "notices/a.md", HEAD + "valid_until: 2022-02-30\n" + BODY, "MZ308", 6),
    ("valid_until before valid_from", "notices/a.md",
     HEAD + "valid_from: 2022-02-01\nvalid_until: 2022-01-01\n" + BODY, "MZ321", 7),
    ("temporary is not true or false", "notices/a.md", HEAD + "temporary: 是\n" + BODY, "MZ307", 6),
]


@pytest.mark.parametrize("title,rel,text,code,line", CASES, ids=[c[0] for c in CASES])
def test_bad_amendment_or_validity_is_reported_with_code_and_line(small_kb: Path, title, rel, text, code, line):
    (small_kb.parent / "content" / rel).write_text(text, encoding="utf-8")
    found = [(d.code, d.file, d.line) for d in prepare(small_kb).diagnostics]
    assert (code, f"content/{rel}", line) in found, found


def test_amends_cycle_is_reported_where_it_starts(small_kb: Path):
    content = small_kb.parent / "content"
    (content / "notices/a.md").write_text(
        "---\nid: a\ntitle: A\ndate: 2020-05-01\nissuer: x\naudiences: [养老机构]\n"
        "amends:\n  - id: b\n    sections: [一甲]\n---\n\n## 一、甲\n\n正文\n", encoding="utf-8")
    (content / "notices/b.md").write_text(
        "---\nid: b\ntitle: B\ndate: 2020-06-01\nissuer: x\naudiences: [养老机构]\n"
        "amends:\n  - id: a\n    sections: [一甲]\n---\n\n## 一、甲\n\n正文\n", encoding="utf-8")
    found = [(d.code, d.file, d.line, d.message) for d in prepare(small_kb).diagnostics]
    assert [f[:3] for f in found] == [("MZ423", "content/notices/a.md", 8)], found
    assert "a → b → a" in found[0][3]


def test_mzkb_check_fails_on_a_bad_amendment_with_file_and_line(small_kb: Path):
    (small_kb.parent / "content/notices/a.md").write_text(
        HEAD + "amends:\n  - id: guide-2\n    sections: [九、没有这一节]\n" + BODY, encoding="utf-8")
    run = CliRunner().invoke(cli, ["check", "-c", str(small_kb), "--format", "json"])
    assert run.exit_code == 1
    problems = json.loads(run.output[run.output.index("["):])
    assert {(p["code"], p["file"], p["line"]) for p in problems} == {("MZ421", "content/notices/a.md", 8)}
    assert "九、没有这一节" in problems[0]["message"] and "guide-2" in problems[0]["message"]


def _write_amending(small_kb: Path, extra: str = "") -> None:
    (small_kb.parent / "content/notices/a.md").write_text(
        HEAD.replace("title: 调整通知", "id: adjust\ntitle: 调整通知") + extra
        + "amends:\n  - id: guide-2\n    sections: [二、消毒要求]\n    at: 一、恢复探视\n    note: 消毒改为每日两次\n" + BODY,
        encoding="utf-8")


def test_amended_document_stays_in_force_flagged_with_its_changed_sections(small_kb: Path):
    _write_amending(small_kb)
    result = prepare(small_kb)
    assert not result.failed, [d.format() for d in result.diagnostics]
    guide = result.corpus.get("guide-2")
    assert guide.status is Status.AMENDED and guide.status.in_force and guide.status.label == "部分修改"
    assert [(c.anchor, c.by, c.at, c.note, c.active) for c in guide.amended_by] == [
        ("二消毒要求", "adjust", "一恢复探视", "消毒改为每日两次", True)]
    adjust = result.corpus.get("adjust")
    assert adjust.amends[0].sections == ("二消毒要求",)  # heading text resolved to the anchor


@pytest.mark.parametrize("period,today,adjust_status,guide_status", [
    ("valid_from: 2020-05-01\nvalid_until: 2020-06-30\n", dt.date(2020, 6, 30), Status.CURRENT, Status.AMENDED),
    ("valid_from: 2020-05-01\nvalid_until: 2020-06-30\n", dt.date(2020, 7, 1), Status.EXPIRED, Status.CURRENT),
    ("valid_from: 2020-05-10\n", dt.date(2020, 5, 9), Status.PENDING, Status.CURRENT),
    ("valid_from: 2020-05-10\n", dt.date(2020, 5, 10), Status.CURRENT, Status.AMENDED),
], ids=["last day in force", "day after the end", "day before the start", "first day"])
def test_validity_period_gives_pending_and_expired_and_lapses_the_amendment(small_kb: Path, period, today,
                                                                            adjust_status, guide_status):
    _write_amending(small_kb, period)
    result = prepare(small_kb, today=today)
    assert not result.failed, [d.format() for d in result.diagnostics]
    assert result.corpus.get("adjust").status is adjust_status
    guide = result.corpus.get("guide-2")
    assert guide.status is guide_status
    assert guide.amended_by[0].active is (guide_status is Status.AMENDED)


def test_temporary_measure_without_end_stays_in_force(small_kb: Path):
    _write_amending(small_kb, "temporary: true\n")
    adjust = prepare(small_kb, today=dt.date(2030, 1, 1)).corpus.get("adjust")
    assert adjust.temporary and adjust.valid_until is None and adjust.status is Status.CURRENT


def amends_chain(content: Path, count: int, close: bool = False) -> None:
    """``count`` notices, each amending the next (the last amends the first when ``close``)."""
    for i in range(count):
        target = (i + 1) % count if close or i + 1 < count else None
        amends = f"amends:\n  - id: n{target:04d}\n    sections: [一甲]\n" if target is not None else ""
        (content / f"notices/n{i:04d}.md").write_text(
            f"---\nid: n{i:04d}\ntitle: 调整{i}\ndate: 2020-05-01\nissuer: x\naudiences: [养老机构]\n{amends}"
            "---\n\n## 一、甲\n\n正文\n", encoding="utf-8")


def test_a_thousand_documents_each_amending_the_next(small_kb: Path):
    """Issue 24: the cycle search was recursive (RecursionError); it walks the chain with its own stack."""
    import sys

    count = sys.getrecursionlimit() + 10
    amends_chain(small_kb.parent / "content", count)
    result = prepare(small_kb)
    assert not result.failed, [d.format() for d in result.diagnostics][:5]
    assert result.corpus.get("n0001").status is Status.AMENDED


def test_a_thousand_documents_amending_in_a_circle(small_kb: Path):
    import sys

    count = sys.getrecursionlimit() + 10
    amends_chain(small_kb.parent / "content", count, close=True)
    found = [d for d in prepare(small_kb).diagnostics if d.code == "MZ423"]
    assert [(d.file, d.line) for d in found] == [("content/notices/n0000.md", 8)]
    assert found[0].message.count("→") == count
