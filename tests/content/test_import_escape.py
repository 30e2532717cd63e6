"""Imported text renders exactly as written: the Markdown writer escapes every piece of Markdown
syntax Word text can hold. Each case goes through the writer and the site's own Markdown
renderer (mzkb.markdown), and the visible text must equal the original."""

from __future__ import annotations

import re

import lxml.html
import pytest

from mzkb.importer.model import Para, Table
from mzkb.importer.writer import body_markdown
from mzkb.markdown import render

CASES = [
    # title, Word text
    ("strikethrough", "删除线写作 ~~s~~ 不应生效"),
    ("single tildes", "约~10~人"),
    ("named entity", "小于号写作 &lt; 大于号写作 &gt;"),
    ("numeric entities", "&#20320;&#x597D; 与 &amp;"),
    ("emphasis", "*重点* 与 _强调_ 与 **加粗**"),
    ("code", "`代码` 与 ``两个``"),
    ("link", "[民政部](http://www.mca.gov.cn) 与 ![图](x.png)"),
    ("autolink", "<http://www.mca.gov.cn> 与 <a@b.cn>"),
    ("html", "<b>粗</b> <script>alert(1)</script> <!-- 注释 -->"),
    ("heading", "# 不是标题"),
    ("heading with newline", "第一行\n## 不是标题"),
    ("list", "- 不是列表"),
    ("plus list", "+ 不是列表"),
    ("ordered", "2020. 年度"),
    ("ordered paren", "1) 第一"),
    ("quote", "> 不是引用"),
    ("rule after line", "上一行\n---"),
    ("setext", "上一行\n==="),
    ("table pipes", "| a | b |\n|---|---|"),
    ("admonition", "!!! note 不是提示框"),
    ("definition", "术语\n: 不是定义"),
    ("footnote", "脚注[^1]\n\n[^1]: 不是脚注"),
    ("attrs", "标题{#x .y}"),
    ("backslash", "路径 C:\\Users\\民政\\ 与 \\*"),
    ("line-end backslash", "行尾反斜杠\\\n下一行"),
    ("leading spaces", "    四个空格开头"),
    ("hash mid", "第#1号 与 C#"),
    ("underscores", "snake_case_name 与 __init__"),
    ("brackets", "〔2020〕 与 [2020] 与 {2020}"),
    ("percent and dollar", "100% 与 $5 与 ^上标^ 与 ==高亮=="),
]


def visible(html: str) -> str:
    """The text a reader sees (tags and the heading permalink ¶ removed, whitespace folded)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for link in root.xpath("//a[@class='headerlink']"):
        link.drop_tree()
    return re.sub(r"\s+", " ", root.text_content()).strip()


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("title,text", CASES, ids=[c[0] for c in CASES])
def test_paragraph_text_renders_as_written(title, text):
    html = render(body_markdown((Para(text),), "x-files")).html
    assert visible(html) == folded(text)
    assert "<del>" not in html and "<s>" not in html and "<em>" not in html and "<strong>" not in html
    assert "<script" not in html and "<b>" not in html and "<a " not in html.replace('<a class="headerlink"', "")


@pytest.mark.parametrize("title,text", CASES, ids=[c[0] for c in CASES])
def test_heading_and_table_text_render_as_written(title, text):
    line = text.replace("\n", " ")
    html = render(body_markdown((Para(line, heading=2),), "x-files")).html
    assert visible(html) == folded(line)
    html = render(body_markdown((Table((("列", "说明"), ("1", line))),), "x-files")).html
    assert visible(html) == folded("列 说明 1 " + line)
