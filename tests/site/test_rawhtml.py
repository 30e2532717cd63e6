"""Generated pages' HTML set aside from Python-Markdown (generator/site/rawhtml.py): the page
converted with its HTML set aside and put back is the page Python-Markdown makes of it as written."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from mzkb.config import load_config
from mzkb.markdown import slugify
from mzkb.render.mkdocs import mkdocs_config
from mzkb.render.rawhtml import put_back, set_aside

FIXTURES = Path(__file__).parents[1] / "fixtures"
LONG = "养老机构探视须知" * 40
ITEMS = "\n".join(f'<li class="mzkb-item"><a href="d{i}.html">{LONG[:20]}{i}</a></li>' for i in range(12))

CASES = [
    # (name, markdown, whether something is set aside)
    ("one element", f'<p class="mzkb-lead">{LONG}</p>\n\n## 现行文件\n\n<ul class="mzkb-list">\n{ITEMS}\n</ul>\n', True),
    ("siblings on consecutive lines", f'<nav class="p"><a href="x">1</a></nav>\n<ul>\n{ITEMS}\n</ul>\n<nav class="p">2</nav>', True),
    ("nested same tag", f'<div class="a">\n<div class="b">{LONG}</div>\n<div>x</div>\n</div>\n\n后记', True),
    ("element open across blank lines", f'<div class="mzkb-cases">\n<ul>\n{ITEMS}\n</ul>\n\n<p>{LONG}</p>\n\n</div>\n\n## 标题\n\n正文', True),
    ("text right after the closing tag", f'<div>{LONG}</div>\n正文紧跟\n\n## 标题', False),
    ("text after the closing tag on its line", f'<div>{LONG}</div> 尾巴\n\n正文', False),
    ("comment inside", f'<div><!-- 注释 -->{LONG}</div>\n\n正文', False),
    ("script inside", f'<div><script>var a = "</div>";</script>{LONG}</div>\n\n正文', False),
    ("tab inside", f'<div>\t{LONG}</div>\n\n正文', False),
    ("line of spaces inside", f'<div>\n  \n{LONG}</div>\n\n正文', False),
    ("inline tag first", f'<span>{LONG}</span>\n\n正文', False),
    ("self-closing same tag", f'<div class="a"><div class="b"/>{LONG}</div>\n\n正文', False),
    ("inside a fenced code block", f'```\n\n<div>{LONG}</div>\n\n```\n', False),
    ("after a list item", f'- 第一项\n- 第二项\n\n<ul class="mzkb-list">\n{ITEMS}\n</ul>\n\n1. 再一项', True),
    ("unclosed at the end", f'正文\n\n<div class="x">\n{ITEMS}', False),
    ("small block", '<p class="x">短</p>\n\n正文', False),
    ("at the very end without newline", f'## 标题\n\n<section>\n{ITEMS}\n</section>', True),
]


def convert(text: str) -> str:
    """Python-Markdown with the extensions of the generated mkdocs.yml."""
    config, _ = load_config(FIXTURES / "sites" / "small" / "site_config.yml")
    extensions, configs = [], {}
    for entry in mkdocs_config(config, FIXTURES)["markdown_extensions"]:
        if isinstance(entry, dict):
            (name, settings), = entry.items()
            extensions.append(name)
            configs[name] = {**settings, "slugify": slugify} if "slugify" in settings else settings
        else:
            extensions.append(entry)
    return markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)


@pytest.mark.parametrize("name,text,expect_aside", CASES, ids=[c[0] for c in CASES])
def test_set_aside_and_put_back_gives_what_python_markdown_gives(name: str, text: str, expect_aside: bool):
    shortened, kept = set_aside(text)
    assert bool(kept) == expect_aside, name
    assert put_back(convert(shortened), kept) == convert(text)


def test_a_placeholder_that_does_not_come_out_once_asks_for_the_page_as_written():
    shortened, kept = set_aside(f'<div class="a">{LONG}</div>\n\n正文')
    assert kept
    assert put_back("<p>正文</p>", kept) is None
    html = convert(shortened)
    assert put_back(html + html, kept) is None
