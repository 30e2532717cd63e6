"""Links can point at an article (第X条) of a hand-written or an imported document: the article lead
paragraph carries the id on the built page, links to it (written ``#第十二条`` or ``#第12条``) land on
that id, and a wrong article number is an MZ740 error with file and line."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli

HEAD = "---\ntitle: {title}\ndate: 2021-03-01\nissuer: 测试民政厅\naudiences: [全部]\n---\n\n"
CN = "一二三四五六七八九十"


def numeral(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def rules_body() -> str:
    parts = ["## 第一章 总则"]
    for n in range(1, 13):
        lead = f"**第{numeral(n)}条**" if n == 5 else f"第{numeral(n)}条　"  # bold leads and full-width blanks
        parts.append(f"{lead}养老机构应当遵守第{n}项规定。")
        if n == 6:
            parts.append("## 第二章 服务")
    parts.append("另见[本办法第十二条](#第十二条)和[第2条](#第2条)。")
    return "\n\n".join(parts) + "\n"


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def parse(path: Path) -> Ids:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("articles")
    assert invoke("init", str(root / "kb")).exit_code == 0
    config = root / "kb" / "site_config.yml"
    content = root / "kb" / "content"
    (content / "guidelines" / "管理办法.md").write_text(HEAD.format(title="养老机构管理办法") + rules_body(), encoding="utf-8")
    law = root / "条例.txt"
    law.write_text("测试省社会救助条例\n第一章 总则\n第一条 为了保障困难群众基本生活，制定本条例。\n"
                   "第二条 本条例适用于本省行政区域内的社会救助。\n第三条 社会救助坚持托底线、救急难。\n"
                   "测试省人民代表大会常务委员会\n2020年11月27日\n", encoding="utf-8")
    imported = invoke("import", "-c", str(config), "--type", "guideline", str(law))
    assert imported.exit_code == 0, imported.output
    (content / "notices" / "引用条文.md").write_text(
        HEAD.format(title="关于执行管理办法的通知") + "请执行[办法第十二条](../guidelines/管理办法.md#第十二条)、"
        "[第5条](../guidelines/管理办法.md#第5条)和[条例第二条](../guidelines/ce-shi-sheng-she-hui-jiu-zhu-tiao-li.md#第二条)。\n",
        encoding="utf-8")
    (content / "notices" / "修改办法.md").write_text(
        HEAD.format(title="关于修改管理办法第十二条的通知").replace("date: 2021-03-01", "date: 2021-06-01")
        .replace("---\n\n", "amends:\n  - id: guan-li-ban-fa\n    sections: [第12条]\n    note: 提高标准\n---\n\n", 1)
        + "将第十二条修改为……\n", encoding="utf-8")
    out = root / "site"
    built = invoke("build", "-c", str(config), "-o", str(out))
    assert built.exit_code == 0, built.output
    return config, out


def test_article_leads_carry_their_ids(kb):
    _config, out = kb
    ids = parse(out / "guidelines" / "guan-li-ban-fa.html").ids
    assert all(ids.get(f"第{numeral(n)}条") == "p" for n in range(1, 13)), ids
    imported = parse(out / "guidelines" / "ce-shi-sheng-she-hui-jiu-zhu-tiao-li.html").ids
    assert {"第一条", "第二条", "第三条"} <= set(imported)


def test_links_to_articles_land_on_the_ids(kb):
    _config, out = kb
    notice = next((out / "notices").glob("yin-yong-tiao-wen*.html"))
    links = [h for h in parse(notice).hrefs if "guidelines/" in h and "#" in h]
    assert len(links) == 3
    for href in links:
        page, _, anchor = href.partition("#")
        target = parse((notice.parent / page).resolve())
        assert anchor in target.ids, href  # #第5条 was written: it lands on 第五条
    assert links[1].endswith("#第五条")
    own = parse(out / "guidelines" / "guan-li-ban-fa.html")
    assert {"#第十二条", "#第二条"} <= set(own.hrefs) and "#第2条" not in own.hrefs  # #第2条 was written


def test_wrong_article_number_is_reported_with_file_and_line(kb):
    config, _out = kb
    bad = config.parent / "content" / "notices" / "错条号.md"
    bad.write_text(HEAD.format(title="引用不存在的条文") + "第一段。\n\n见[办法](../guidelines/管理办法.md#第九十九条)。\n",
                   encoding="utf-8")
    try:
        result = invoke("check", "-c", str(config))
    finally:
        bad.unlink()
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "MZ740" in x)
    assert re.search(r"错条号\.md:10:1: MZ740", line), line
    assert "#第九十九条" in line and "现有条文：第一条 至 第十二条，共 12 条" in line


def test_clicking_an_article_link_shows_that_article(kb, page):
    """From file://, a reader clicks 办法第十二条 in the notice: the 办法 opens at that article."""
    _config, out = kb
    notice = next((out / "notices").glob("yin-yong-tiao-wen*.html"))
    page.goto(notice.as_uri())
    page.get_by_role("link", name="办法第十二条").click()
    page.wait_for_url("**/guan-li-ban-fa.html#*")
    target = page.locator("p:target")
    assert target.count() == 1 and target.inner_text().startswith("第十二条")
    box = target.bounding_box()
    assert box is not None and 40 <= box["y"] < 900  # scrolled into view, not under the sticky header
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 248, 225)"
    assert page.errors == []


def test_an_amended_article_carries_the_banner(kb):
    """``amends`` may name an article (here as 第12条): the banner stands right after that article."""
    _config, out = kb
    html = (out / "guidelines" / "guan-li-ban-fa.html").read_text(encoding="utf-8")
    lead = html.index('<p id="第十二条">')
    banner = html.index("mzkb-amend-banner")
    assert html.index("</p>", lead) < banner < html.index("<p", html.index("</p>", lead))  # right after that paragraph
    assert "本条" in html[banner:banner + 600] and "关于修改管理办法第十二条的通知" in html[banner:banner + 1200]
    assert len(re.findall(r'class="mzkb-amend-banner[" ]', html)) == 1


@pytest.mark.parametrize("text, label, key", [
    ("第十二条　县级以上人民政府负责。", "第十二条", "12"),
    ("第12条 阿拉伯数字。", "第12条", "12"),
    ("第一百二十条之一　之一。", "第一百二十条之一", "120-1"),
    ("第一千零五条：冒号", "第一千零五条", "1005"),
    ("第二十条（适用范围）本条例适用于……", "第二十条", "20"),
    ("\u200b第一条 前面有零宽空格", "第一条", "1"),
    ("第三条规定的事项，不是条文。", "", ""),
    ("依照第三条 办理", "", ""),
    ("第三章 总则", "", ""),
])
def test_article_labels(text, label, key):
    from mzkb.markdown import article_key, article_label

    assert article_label(text) == label
    assert article_key(label) == key
