"""Edition comparison from the Markdown structure: blocks, character diffs, moves, real regulations."""

from __future__ import annotations

import re
from pathlib import Path

from mzkb.diff import blocks, compare, summarize
from mzkb.pipeline import prepare

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


def _article_texts(body: str) -> dict[str, str]:
    """Article number -> its text without the number and spaces (what survives a renumbering)."""
    return {label: re.sub(r"^第[一二三四五六七八九十百零]+条", "", text) for label, text in articles(body).items()}


def test_renumbered_articles_are_matched_by_content_on_a_real_regulation():
    """上海市殡葬管理条例 (real text, 31 -> 36 articles): every old article whose text survives under a
    new number is paired with it (修改 or 序号调整), never listed as both 删除 and 新增."""
    prepared = prepare(FIXTURES / "lawref-chain" / "site_config.yml")
    old = prepared.corpus.get("shang-hai-shi-bin-zang-guan-li-tiao-li-2015")
    new = prepared.corpus.get("shang-hai-shi-bin-zang-guan-li-tiao-li-2024")
    before, after = _article_texts(old.body), _article_texts(new.body)
    assert len(before) == 31 and len(after) == 36
    # ground truth: old articles whose text reappears verbatim under another number
    verbatim = {o: n for o, text in before.items() for n, other in after.items() if text == other and o != n}
    assert {"第七条": "第九条", "第九条": "第十一条", "第三十一条": "第三十六条"}.items() <= verbatim.items()
    summary = summarize(compare(old.body, new.body))
    for o, n in verbatim.items():
        assert f"{n}（原{o}）" in summary.renumbered, (o, n)
        assert n not in summary.added and f"原{o}" not in summary.removed
    # an article renumbered and reworded (old 第五条 宣传教育 -> new 第六条) is one change
    assert "第六条（原第五条）" in summary.changed
    assert "第六条" not in summary.added and "原第五条" not in summary.removed
    # every article is accounted for exactly once on each side
    def new_name(label):
        return label.split("（")[0]

    def old_names(label):
        return re.findall(r"第[一二三四五六七八九十百零]+条", label.split("（原")[1]) if "（原" in label else [label]
    paired = summary.changed + summary.renumbered
    assert sorted(map(new_name, paired + summary.added)) == sorted(after)
    assert sorted([o for x in paired for o in old_names(x)] + [x[1:] for x in summary.removed]) == sorted(before)


def test_renumbered_heading_is_changed_not_added_and_removed():
    old = "## 第二章 服务\n\n第五条 殡仪馆应当公示收费标准。\n\n## 第三章 罚则\n\n第六条 违反本条例的，责令改正。\n"
    new = ("## 第二章 服务\n\n第五条 殡仪馆应当公示收费标准。\n\n## 第三章 监督\n\n第六条 民政部门应当加强监督。\n\n"
           "## 第四章 罚则\n\n第七条 违反本条例的，责令改正。\n")
    rows = compare(old, new)
    summary = summarize(rows)
    assert "第四章 罚则" in summary.renumbered and "第七条（原第六条）" in summary.renumbered
    assert summary.added == ("第三章 监督", "第六条") and summary.removed == ()
