"""Issue 23 item 2: every YAML problem an editor can make is a Chinese diagnostic with file and
line, whatever the installed PyYAML says in English (PyYAML 6.0.4 stops deep flow nesting with
its own message before our depth check saw an event)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mzkb import yamlsrc
from mzkb.config import load_config
from mzkb.content.loader import split_front_matter
from mzkb.content.model import DocType

# (name, front matter after "title: 测试\n", expected Chinese, line of the problem in the file)
CASES = [
    ("tab indent", "k:\n\t- x\n", "制表符", 4),
    ("unclosed bracket", "a: [1, 2\n", "没有正确闭合", 3),
    ("unclosed quote", 'a: "x\n', "引号没有闭合", 3),
    ("colon in value", "a: b: c\n", "不允许出现", 3),
    ("control character", "a: x\x07y\n", "控制字符 U+0007", 3),
    ("explicit int tag", "a: !!int abc\n", "不支持 YAML 标签 !!int", 3),
    ("python tag", "a: !!python/object:os.system x\n", "不支持 YAML 标签", 3),
    ("local tag", "a: !foo x\n", "不支持 YAML 标签 !foo", 3),
    ("unhashable key", "? [a]\n: 1\n", "键不能是列表或映射", 3),
    ("duplicate key", "a: 1\na: 2\n", "键 a 重复", 4),
    ("undefined alias", "a: *nope\n", "未定义的别名", 3),
    ("deep flow nesting", "deep: " + "[" * 5000 + "]" * 5000 + "\n", "嵌套超过 50 层", 3),
    ("deeper than libyaml's own limit", "deep: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n", "嵌套超过 50 层", 3),
    ("deep block nesting", "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v: 1\n", "嵌套超过 50 层", 53),
]


ALLOWED = {"front", "matter", "YAML", "Tab", "python", "object", "system", "int", "foo"}  # our words and the editor's own


def _no_english(message: str) -> bool:
    return all(word in ALLOWED for word in re.findall(r"[A-Za-z]{3,}", message))


def test_pyyaml_is_the_one_that_stops_nesting_itself():
    """The locked PyYAML is one whose libyaml has its own nesting limit: the case this guards."""
    with pytest.raises(yaml.YAMLError):
        list(yaml.parse("a: " + "[" * 2000 + "]" * 2000, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    assert tuple(int(p) for p in yaml.__version__.split(".")[:2]) >= (6, 0)


@pytest.mark.parametrize("name, extra, expected, line", CASES, ids=[c[0] for c in CASES])
def test_front_matter_problem_is_chinese_with_line(tmp_path: Path, name, extra, expected, line):
    text = "---\ntitle: 测试\n" + extra + "---\n正文\n"
    source, problems = split_front_matter(text, tmp_path / "x.md", "content/notices/x.md", DocType.NOTICE)
    assert source is None and [d.code for d in problems] == ["MZ303"]
    problem = problems[0]
    assert expected in problem.message and problem.line == line and problem.file == "content/notices/x.md"
    assert _no_english(problem.message), problem.message


@pytest.mark.parametrize("name, extra, expected, line", CASES, ids=[c[0] for c in CASES])
def test_site_config_problem_is_chinese_with_line(tmp_path: Path, name, extra, expected, line):
    (tmp_path / "content").mkdir()
    config = tmp_path / "site_config.yml"
    config.write_text("site:\n  title: 测试\n" + extra.replace("a: 1\na: 2", "b: 1\nb: 2").replace("键 a", "键 b"), encoding="utf-8")
    _, problems = load_config(config)
    assert [d.code for d in problems][:1] == ["MZ102"], [d.format() for d in problems]
    expected = expected.replace("键 a", "键 b")
    assert expected in problems[0].message and problems[0].line == line and problems[0].file == "site_config.yml"
    assert _no_english(problems[0].message), problems[0].message


def test_ordinary_front_matter_still_loads():
    data, marks = yamlsrc.load("title: 测试\ndate: 2020-02-30\ntopics: &t [防疫]\nx: *t\nsummary: 'a: b'\n", first_line=2)
    assert data == {"title": "测试", "date": "2020-02-30", "topics": ["防疫"], "x": ["防疫"], "summary": "a: b"}
    assert marks[("topics",)] == (4, 9)
