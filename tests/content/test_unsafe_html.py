"""Check and render agree on unsafe bodies: one sanitizer policy (generator/sanitize.py).

Table-driven: every payload is written on line 8 of a notice; `mzkb check` must report it
there (MZ601), and the page renders it harmless. A second table of harmless bodies must pass
without a finding. For every body of both tables, whatever nh3 strips from the rendered HTML
(compared with a permissive nh3 run, so serialisation differences do not count) must have
been reported at check.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nh3
import pytest

from mzkb.markdown import render
from mzkb.pipeline import prepare
from mzkb.sanitize import TAGS, URL_SCHEMES, clean

FIXTURE = Path(__file__).parents[1] / "fixtures" / "sites" / "small"
HEAD = "---\ntitle: 测试通知\ndate: 2020-01-01\nissuer: 测试局\naudiences: [养老机构]\n---\n\n"
LINE = 8  # the line of the payload: the body starts on line 8

UNSAFE = [
    ("script tag", "<script>alert(1)</script>"),
    ("script in paragraph", "文字 <script>alert(1)</script>"),
    ("svg onload slash", "<svg/onload=alert(1)>"),
    ("svg onload inline", "图 <svg/onload=alert(1)> 图"),
    ("img slash onerror", "<img/src=x/onerror=alert(1)>"),
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("img onerror inline", "图片 <img src=x onerror=alert(1)>"),
    ("img onerror unterminated", "<img src=x onerror=alert(1)//"),
    ("body onload", "<body onload=alert(1)>"),
    ("div onmouseover", '<div onmouseover="alert(1)">x</div>'),
    ("details ontoggle", "<details open ontoggle=alert(1)>"),
    ("iframe", '<iframe src="https://example.com"></iframe>'),
    ("iframe srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object", '<object data="x.swf"></object>'),
    ("embed", '<embed src="x.swf">'),
    ("style tag", "<style>body{display:none}</style>"),
    ("math", "<math><mtext>x</mtext></math>"),
    ("form", '<form action="https://evil.example"><button>提交</button></form>'),
    ("input autofocus", "<input autofocus onfocus=alert(1)>"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base href", '<base href="https://evil.example/">'),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("remote audio", '<audio src="https://example.com/a.mp3" controls></audio>'),
    ("video", '<video src="x.mp4" onerror=alert(1)></video>'),
    ("template", "<template><script>alert(1)</script></template>"),
    ("a javascript href", '<a href="javascript:alert(1)">点我</a>'),
    ("a javascript colon entity", '<a href="javascript&colon;alert(1)">点我</a>'),
    ("a javascript hex entity", '<a href="jav&#x61;script:alert(1)">点我</a>'),
    ("a javascript tab", '<a href="jav&#x09;ascript:alert(1)">点我</a>'),
    ("a javascript leading control", '<a href="&#14;javascript:alert(1)">点我</a>'),
    ("a vbscript", '<a href="vbscript:msgbox(1)">点我</a>'),
    ("a data html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>'),
    ("a file url", '<a href="file:///etc/passwd">点我</a>'),
    ("img javascript src", '<img src="javascript:alert(1)">'),
    ("img data svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    ("md javascript link", "[点我](javascript:alert(1))"),
    ("md javascript hex entity", "[点我](jav&#x61;script:alert(1))"),
    ("md javascript colon entity", "[点我](javascript&colon;alert(1))"),
    ("md javascript upper", "[点我](JaVaScRiPt:alert(1))"),
    ("md vbscript", "[点我](vbscript:msgbox(1))"),
    ("md data link", "[点我](data:text/html,<script>alert(1)</script>)"),
    ("md file link", "[点我](file:///etc/passwd)"),
    ("md file image", "![图](file:///C:/Windows/win.ini)"),
    ("md javascript image", "![图](javascript:alert(1))"),
    ("md autolink javascript", "<javascript:alert(1)>"),
    ("md reference javascript", "[点我][x]\n\n[x]: javascript:alert(1)"),
    ("md angle javascript", "[点我](<javascript:alert(1)>)"),
]

SAFE = [
    ("plain text", "第一条 为了规范养老机构服务，制定本办法。"),
    ("emphasis and lists", "**重点**与*说明*\n\n- 一\n- 二"),
    ("relative link", "[指南](../guidelines/guide-1.md)"),
    ("https link", "[民政部](https://www.mca.gov.cn/)"),
    ("mailto and tel", "[写信](mailto:a@example.com) [电话](tel:12345)"),
    ("anchor link", "[见下](#一总体要求)"),
    ("allowed inline html", "<kbd>Ctrl</kbd> 与 <mark>重点</mark> <sup>1</sup>"),
    ("allowed block html", "<details><summary>展开</summary>\n\n内容\n\n</details>"),
    ("table", "| 项目 | 说明 |\n|---|---|\n| 甲 | 乙 |"),
    ("html entity text", "&lt;script&gt; 不是标签"),
    ("code span", "`<script>alert(1)</script>` 是示例代码"),
    ("fenced code", "```\n<svg/onload=alert(1)>\n```"),
    ("the word onload", "系统在 onload 时加载"),
    ("escaped tag text", "不要写 &lt;img src=x onerror=alert(1)&gt; 这样的代码"),
    ("escaped tag in heading", "## 一、要求&lt;img src=x onerror=x&gt; `<script>x</script>`"),
    ("javascript as a word", "javascript: 是一种协议，不要在链接中使用"),
]


def permissive(html: str) -> str:
    """nh3 allowing every tag, attribute and scheme present: same serialisation, nothing stripped."""
    tags = {t.lower() for t in re.findall(r"</?([a-zA-Z][\w:-]*)", html)} | TAGS
    attrs = {a.lower() for a in re.findall(r"[\s/\"']([a-zA-Z_:][-\w:.]*)\s*=", html)} | {"href", "src"}
    schemes = {m.lower() for m in re.findall(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", html)} | URL_SCHEMES
    return nh3.clean(html, tags=tags, attributes={"*": attrs}, url_schemes=schemes, clean_content_tags=set(),
                     link_rel=None, strip_comments=True, generic_attribute_prefixes=None)


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, list]:
    """Every payload in its own notice, checked in one run: file name -> its diagnostics."""
    kb = tmp_path_factory.mktemp("unsafe") / "kb"
    shutil.copytree(FIXTURE, kb)
    for number, (_title, body) in enumerate(UNSAFE + SAFE):
        (kb / "content" / "notices" / f"payload-{number}.md").write_text(HEAD + body + "\n", encoding="utf-8")
    result = prepare(kb / "site_config.yml", use_cache=False)
    found: dict[str, list] = {}
    for d in result.diagnostics:
        found.setdefault(Path(d.file).name, []).append(d)
    return found


@pytest.mark.parametrize("number, body", [(n, b) for n, (_t, b) in enumerate(UNSAFE)], ids=[t for t, _b in UNSAFE])
def test_unsafe_body_is_mz601_at_check_on_its_line(findings, number, body):
    diags = findings.get(f"payload-{number}.md", [])
    assert any(d.code == "MZ601" and d.line == LINE for d in diags), diags


@pytest.mark.parametrize("body", [b for _t, b in UNSAFE], ids=[t for t, _b in UNSAFE])
def test_unsafe_body_renders_harmless(body):
    html = clean(render(body).html)
    assert not re.search(r"<(script|svg|iframe|object|embed|style|form|meta|base|link|math|template|input)\b", html, re.I)
    assert not re.search(r"<[^>]*[\s/]on\w+\s*=", html, re.I), html
    assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data|file):""", html, re.I), html


@pytest.mark.parametrize("number, body", [(n + len(UNSAFE), b) for n, (_t, b) in enumerate(SAFE)],
                         ids=[t for t, _b in SAFE])
def test_harmless_body_passes(findings, number, body):
    diags = [d for d in findings.get(f"payload-{number}.md", []) if d.code.startswith("MZ6")]
    assert diags == []


@pytest.mark.parametrize("number, body", list(enumerate(b for _t, b in UNSAFE + SAFE)),
                         ids=[t for t, _b in UNSAFE + SAFE])
def test_what_render_strips_was_reported_at_check(findings, number, body):
    html = render(body).html
    if clean(html) != permissive(html):
        codes = {d.code for d in findings.get(f"payload-{number}.md", [])}
        assert codes & {"MZ601", "MZ610"}, (body, clean(html), permissive(html))


REMOTE = "![图](https://example.com/a.png)\n\n<img src=\"//cdn.example.com/b.png\">\n"


@pytest.mark.parametrize("setting, code", [("", "MZ612"), ("warning", "MZ612"), ("error", "MZ611")])
def test_remote_images_by_config_switch(small_kb: Path, setting: str, code: str):
    if setting:
        config = small_kb.read_text(encoding="utf-8")
        small_kb.write_text(config + f"\nvalidation:\n  remote_resources: {setting}\n", encoding="utf-8")
    (small_kb.parent / "content" / "notices" / "remote.md").write_text(HEAD + REMOTE, encoding="utf-8")
    result = prepare(small_kb, use_cache=False)
    found = [(d.code, d.line) for d in result.diagnostics if d.file.endswith("remote.md")]
    assert found == [(code, LINE), (code, LINE + 2)]
    assert result.failed is (code == "MZ611")


def test_harmless_markup_outside_the_allow_list_is_a_warning(small_kb: Path):
    (small_kb.parent / "content" / "notices" / "center.md").write_text(
        HEAD + '<center>居中</center>\n\n<p style="color:red">红字</p>\n', encoding="utf-8")
    result = prepare(small_kb, use_cache=False)
    found = [(d.code, d.line) for d in result.diagnostics if d.file.endswith("center.md")]
    assert ("MZ610", LINE) in found and ("MZ601", LINE + 2) in found
