"""Edition comparison from the Markdown structure: blocks, character diffs, moves, real regulations."""

from __future__ import annotations

import re
from pathlib import Path

from generator.diff import blocks, compare, summarize
from generator.pipeline import prepare

FIXTURES = Path(__file__).parent / "fixtures" / "sites"


def ops(rows):
    return [r.op for r in rows]


def test_changed_paragraph_is_diffed_character_by_character():
    rows = compare("## 一、消毒\n\n每日消毒两次。\n", "## 一、消毒\n\n每日消毒三次，重点部位增加频次。\n")
    assert ops(rows) == ["equal", "changed"]
    pieces = rows[1].segments
    assert any(op == "delete" and "两" in t for op, t in pieces) and any(op == "insert" and "三" in t for op, t in pieces)
    assert "".join(t for op, t in pieces if op != "insert") == "每日消毒两次。"
    assert "".join(t for op, t in pieces if op != "delete") == "每日消毒三次，重点部位增加频次。"


def test_added_removed_and_moved_heading():
    old = ("## 一、总则\n\n总则内容。\n\n## 二、探视\n\n暂停家属探视。\n\n## 三、消毒\n\n每日消毒。\n\n"
           "## 四、组织保障\n\n成立防控工作小组，主要负责人任组长。\n\n## 五、其他\n\n本指南自发布之日起施行。\n")
    new = ("## 一、总则\n\n总则内容。\n\n## 二、组织保障\n\n成立防控工作小组，主要负责人任组长。\n\n## 三、探视\n\n暂停家属探视。\n\n"
           "## 四、消毒\n\n每日消毒。\n\n## 五、分区管理\n\n设置隔离观察区。\n")
    rows = compare(old, new)
    summary = summarize(rows)
    assert "二、组织保障" in summary.moved
    assert "五、其他" in summary.removed
    assert "五、分区管理" in summary.added
    assert any(r.op == "moved_from" and r.old.text == "四、组织保障" for r in rows)


def test_spacing_only_is_not_a_change():
    rows = compare("## 第一章 总 则\n\n第一条 内容。\n", "## 第一章 总　　则\n\n第一条  内容。\n")
    assert set(ops(rows)) == {"equal"}


def test_blocks_cover_lists_and_tables_with_article_labels():
    found = blocks("## 第二章 救助\n\n第九条 本条。\n\n续段。\n\n- 项目一\n\n| 区域 | 频次 |\n|---|---|\n| 居室 | 每日 |\n")
    assert [(b.kind, b.label) for b in found] == [
        ("heading", "第二章 救助"), ("paragraph", "第九条"), ("paragraph", "第九条"), ("item", "第九条"),
        ("row", "第九条"), ("row", "第九条")]


def articles(body: str) -> dict[str, str]:
    """Article number -> its whole text (continuation paragraphs included), spacing removed."""
    result: dict[str, str] = {}
    current = None
    for block in blocks(body):
        if block.kind == "heading":
            current = None
            continue
        match = re.match(r"(第[一二三四五六七八九十百零]+条)", block.text)
        if match:
            current = match.group(1)
        if current:
            result[current] = result.get(current, "") + re.sub(r"\s+", "", block.text)
    return result


def test_real_regulation_editions_name_the_articles_that_changed():
    """上海市社会救助条例 2018 -> 2024 (real text): the comparison names exactly the amended articles."""
    prepared = prepare(FIXTURES / "lawref-chain" / "site_config.yml")
    assert not prepared.failed
    old = prepared.corpus.get("shang-hai-shi-she-hui-jiu-zhu-tiao-li-2018")
    new = prepared.corpus.get("shang-hai-shi-she-hui-jiu-zhu-tiao-li-2024")
    assert new.supersedes == (old.id,) and old.status.value == "superseded"
    before, after = articles(old.body), articles(new.body)
    assert before.keys() == after.keys()  # the 2024 amendment renumbered nothing
    really_changed = {label for label in after if before[label] != after[label]}
    assert len(really_changed) >= 10
    summary = summarize(compare(old.body, new.body))
    named = {label for label in summary.changed if label.startswith("第") and label.endswith("条")}
    assert named == really_changed
    assert "第九条" in named and not summary.added and not summary.removed
