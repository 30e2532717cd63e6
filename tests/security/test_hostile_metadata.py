"""Hostile metadata never runs in a reader's browser.

A knowledge base in a real git repository carries a script payload in every front-matter field,
transcript cue, chapter title, file name, commit message, release tag and config label. Values
that cannot be made safe (URLs with a dangerous scheme or attribute-breaking characters, ids) are
check errors with file and line; everything else is built — as a versioned site, so the release
pages, the 更新记录 and the version selector are included — and EVERY page of it is opened in
headless Chromium from file:// with a trap: no payload may execute, and no payload may reach the
DOM as an element, an event-handler attribute or a ``javascript:`` URL.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mzkb.pipeline import prepare
from mzkb.versions import build_versions

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "small"

MARK = "__xss"
"""Every payload sets ``window.__xss`` or calls alert(); both are trapped."""
SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror=window.__xss=1>'
TITLE = "</title><svg onload=window.__xss=1>"
QUOTE = "' onmouseover='window.__xss=1' x='"
JS = "javascript:window.__xss=1"
LINES = "\n\n[点我](javascript:window.__xss=1)\n\n<img src=x onerror=window.__xss=1>\n\n"
"""Blank lines, then Markdown and HTML: must not end the generated pages' HTML blocks."""
ONE_LINE = f"{SCRIPT}{IMG}{TITLE}{QUOTE}"
ALL = ONE_LINE + LINES
"""All payloads in one string (for free text)."""
TAG = "v1"
"""The release built; its tag message carries the payload."""
HOSTILE_TAG = 'v2"><svg/onload=window.__xss=1>'
"""A tag git accepts (no spaces) that would break out of an attribute: never built (MZ916, like
`mzkb release` refuses it), so no page, feed or selector holds it."""
FILE_NAME = '"><img src=x onerror=window.__xss=1>'
"""A file name the filesystem allows."""


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _config() -> str:
    return f"""site:
  title: {q("知识库" + ALL)}
  description: {q("说明" + ALL)}
  language: zh
content_dir: content
audiences:
  - key: elderly-care
    label: {q("养老机构" + ALL)}
    synonyms: [{q("养老院" + SCRIPT)}]
  - key: funeral
    label: {q("殡葬服务机构" + IMG)}
    synonyms: [殡仪馆]
  - key: relief
    label: {q("救助站" + TITLE)}
topics: [{q("疫情防控" + ALL)}, 遗体处置]
"""


def _common(title: str, extra: str = "") -> str:
    return (f"---\ntitle: {q(title + ALL)}\ndate: 2020-01-01\nissuer: {q('民政局' + ALL)}\n"
            f"doc_number: {q('民发〔2020〕1号' + ALL)}\naudiences: [全部]\n"
            f"topics: [{q('疫情防控' + ALL)}, {q('自拟' + IMG)}]\nsummary: {q('摘要' + ALL)}\n{extra}---\n\n")


def _write_kb(root: Path) -> None:
    shutil.copytree(FIXTURE, root)
    (root / "site_config.yml").write_text(_config(), encoding="utf-8")
    content = root / "content"
    keys = {"养老机构": "elderly-care", "殡葬服务机构": "funeral", "流浪乞讨人员救助管理机构": "relief"}
    for doc in content.rglob("*.md"):  # the fixture's documents name audiences by their (now hostile) labels
        lines = doc.read_text(encoding="utf-8").split("\n")
        for label, key in keys.items():
            lines = [line.replace(label, key) if line.startswith("audiences:") else line for line in lines]
        doc.write_text("\n".join(lines), encoding="utf-8")
    (content / "notices" / "files").mkdir()
    (content / "notices" / "files" / f"{FILE_NAME}.pdf").write_bytes(b"%PDF-1.4 test\n")
    (content / "notices" / f"{FILE_NAME}.md").write_text(
        _common("通知", f"edition: {q('第一版' + ALL)}\nattachments: [{q('files/' + FILE_NAME + '.pdf')}]\n"
                "related: [guide-2, remains-video]\n")
        + "正文第一段。\n\n## 一、要求&lt;img src=x onerror=window.__xss=1&gt; `<script>window.__xss=1</script>`\n\n正文。\n",
        encoding="utf-8")
    guides = content / "guidelines"
    (guides / "hostile-1.md").write_text(_common("指南", f"edition: {q('第一版' + ALL)}\n") + "## 总则\n\n旧的规定。\n",
                                         encoding="utf-8")
    (guides / "hostile-2.md").write_text(
        _common("指南", f"edition: {q('第二版' + ALL)}\nsupersedes: hostile-1\n") + "## 总则\n\n新的规定。\n",
        encoding="utf-8")
    videos = content / "videos"
    (videos / f"{FILE_NAME}.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (videos / f"{FILE_NAME}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (videos / "hostile.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n" + ONE_LINE + "\n\n00:00:05.000 --> 00:00:09.000\n"
        "<b onmouseover=window.__xss=1>未闭合的标签 <img src=x onerror=window.__xss=1\n", encoding="utf-8")
    (videos / "hostile.srt").write_text("1\n00:00:00,000 --> 00:00:05,000\n" + ONE_LINE + "\n", encoding="utf-8")
    (videos / "hostile-video.md").write_text(_common("视频", (
        f"media: {q(FILE_NAME + '.mp4')}\nposter: {q(FILE_NAME + '.png')}\ntranscript: hostile.vtt\n"
        "duration: '00:00:20'\nchapters:\n"
        f"  - {{time: '00:00:00', title: {q('开始' + ALL)}}}\n  - {{time: '00:00:10', title: {q(TITLE)}}}\n")),
        encoding="utf-8")
    (videos / "hostile-srt.md").write_text(_common("视频二", (
        "media: 'https://example.org/v.mp4?a=1&b=2'\ntranscript: hostile.srt\n")), encoding="utf-8")
    (content / "cases" / "hostile-case.md").write_text(_common("案例", (
        f"region: {q('浙江省杭州市' + ALL)}\nregion_code: '330100'\nrelated: [guide-2, hostile-2]\n")),
        encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile knowledge base, committed and tagged, built with every version."""
    root = tmp_path_factory.mktemp("hostile") / "kb"
    _write_kb(root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "初始" + ALL)
    _git(root, "tag", "-a", TAG, "-m", "第一版" + ALL)
    _git(root, "tag", "-a", HOSTILE_TAG, "-m", "第二版" + ALL)
    notice = root / "content" / "notices" / f"{FILE_NAME}.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    _git(root, "commit", "-q", "-am", "修改" + ALL + "\n更新说明：修改" + ONE_LINE + "\n")  # readers see only the note
    result = build_versions(root / "site_config.yml", root / "site")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert set(result.built) == {TAG, "preview"}  # the release is the default; the edit a preview
    assert any(d.code == "MZ916" and HOSTILE_TAG in d.message for d in result.diagnostics)
    assert not any(HOSTILE_TAG in p.read_text(encoding="utf-8", errors="replace")
                   for p in result.out_dir.rglob("*") if p.is_file() and p.suffix in {".html", ".js", ".xml", ".json"})
    return result.out_dir


def test_every_page_of_the_hostile_site_runs_no_payload(hostile_site: Path, browser):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 40, len(pages)  # both versions: documents, listings, portals, cases, compare, changes
    context = browser.new_context()
    context.add_init_script("window.alert = window.confirm = window.prompt = function () { window.__xss = 'alert'; };")
    fired: list[str] = []
    context.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page = context.new_page()
    problems = []
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(20)
        found = page.evaluate("""() => {
            const out = [];
            if (window.__xss !== undefined) out.push('executed: ' + window.__xss);
            for (const el of document.querySelectorAll('*')) {
                for (const attr of el.attributes) {
                    const value = attr.value.trim().toLowerCase();
                    if (attr.name.startsWith('on') && value.includes('__xss')) out.push('handler ' + el.tagName + ' ' + attr.name);
                    // captions are written at build time as an inline WebVTT data: URL (inert, text escaped)
                    const captions = el.tagName === 'TRACK' && attr.name === 'src' && value.startsWith('data:text/vtt;');
                    if (!captions && /^(javascript|vbscript|data):/.test(value) && ['href', 'src', 'poster', 'action', 'formaction', 'xlink:href'].includes(attr.name))
                        out.push('url ' + el.tagName + ' ' + attr.name + '=' + value);
                }
                if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) out.push('script element');
            }
            return out;
        }""")
        if found:
            problems.append((path.relative_to(hostile_site).as_posix(), found))
    context.close()
    assert not fired, fired
    assert not problems, problems[:10]


def test_hostile_text_is_shown_as_text(hostile_site: Path, browser):
    """Escaped, not dropped: the reader sees the characters the editor typed."""
    page = browser.new_page()
    page.goto((hostile_site / "preview" / "notices" / "img-src-x-onerror-window-xss-1.html").as_uri())
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().startswith("通知<script>window.__xss=1</script>")
    assert TITLE in page.title()
    revisions = page.locator(".mzkb-revisions").inner_text()
    assert "修改" + SCRIPT in revisions
    attachment = page.locator(".mzkb-attachments a").first
    assert attachment.inner_text() == FILE_NAME + ".pdf"
    page.goto((hostile_site / "preview" / "videos" / "hostile-video.html").as_uri())
    cues = page.locator(".mzkb-transcript li").all_inner_texts()
    # WebVTT cue tags (<b>, <script>…) are dropped by the VTT parser; an unclosed one stays text
    assert any("未闭合的标签 <img src=x onerror" in c for c in cues), cues
    assert page.locator(".mzkb-transcript b, .mzkb-transcript img").count() == 0
    chapters = page.locator(".mzkb-chapters").inner_text()
    assert TITLE in chapters
    page.goto((hostile_site / "preview" / "videos" / "hostile-srt.html").as_uri())
    srt_cue = page.locator(".mzkb-transcript li").first.inner_text()  # SRT tags dropped like WebVTT's, the rest is text
    assert "window.__xss=1\">" in srt_cue and "<script" not in srt_cue and "onmouseover='window" in srt_cue, srt_cue
    page.close()


REFUSED = [
    # (field text in the front matter, code, line of the key)
    ("media: 'javascript:window.__xss=1'", "MZ603", 5),
    ("media: 'JavaScript:window.__xss=1'", "MZ603", 5),
    ("media: 'vbscript:msgbox(1)'", "MZ603", 5),
    ("media: 'data:video/mp4;base64,AAAA'", "MZ603", 5),
    ("media: 'file:///etc/passwd'", "MZ603", 5),
    ("media: 'https://example.org/v.mp4\" onerror=\"window.__xss=1'", "MZ603", 5),
    ("media: 'https://example.org/<svg onload=window.__xss=1>.mp4'", "MZ603", 5),
    ("media: 'https://'", "MZ603", 5),
    ("media: v.mp4\nposter: 'data:image/svg+xml,<svg onload=window.__xss=1>'", "MZ603", 6),
    ("media: v.mp4\nposter: 'javascript:window.__xss=1'", "MZ603", 6),
    ("media: v.mp4\ntranscript: 'javascript:window.__xss=1'", "MZ603", 6),
    ("media: v.mp4\nattachments: ['file:///etc/passwd']", "MZ603", 6),
    ("media: v.mp4\nattachments: [ok.pdf, 'javascript:window.__xss=1']", "MZ603", 6),
    ("media: v.mp4\nid: '\"><script>window.__xss=1</script>'", "MZ311", 6),
    ("media: v.mp4\nrelated: ['\"><script>window.__xss=1</script>']", "MZ311", 6),
    ("media: v.mp4\nsupersedes: 'javascript:x'", "MZ311", 6),
]


@pytest.mark.parametrize("field, code, line", REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_unsafe_urls_and_ids_are_check_errors(tmp_path: Path, field: str, code: str, line: int):
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    videos = root / "content" / "videos"
    (videos / "v.mp4").write_bytes(b"\x00")
    (videos / "ok.pdf").write_bytes(b"%PDF")
    bad = videos / "bad.md"
    bad.write_text(f"---\ntitle: 坏视频\ndate: 2020-01-01\naudiences: [养老机构]\n{field}\n---\n\n正文。\n", encoding="utf-8")
    result = prepare(root / "site_config.yml")
    assert result.failed
    found = [(d.code, d.file, d.line) for d in result.diagnostics if d.file.endswith("bad.md")]
    assert (code, "content/videos/bad.md", line) in found, found


def test_release_feed_and_root_page_keep_hostile_names_as_text(hostile_site: Path):
    import xml.etree.ElementTree as ET

    feed = ET.parse(hostile_site / "feed.xml").getroot()  # well-formed despite the tag name and titles
    atom = "{http://www.w3.org/2005/Atom}"
    links = [link.get("href") for link in feed.iter(atom + "link")]
    assert any(href.startswith(TAG + "/") for href in links), links
    titles = [t.text for t in feed.iter(atom + "title")]
    assert any(SCRIPT in (t or "") for t in titles)
    root = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "<title>知识库&lt;script&gt;" in root and "<script>window" not in root


@pytest.mark.parametrize("url, ok", [
    ("https://kb.example.gov.cn/", True), ("http://10.0.0.1:8080/kb/", True),
    ("javascript:window.__xss=1//", False), ('https://x.org/"><script>window.__xss=1</script>', False),
    ("data:text/html,<script>window.__xss=1</script>", False), ("kb.example.gov.cn", False)])
def test_site_url_must_be_a_clean_web_address(tmp_path: Path, url: str, ok: bool):
    """``site.url`` reaches canonical links, feeds and printed pages."""
    from mzkb.config import load_config

    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    config = root / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: zh\n", f"  language: zh\n  url: {q(url)}\n"),
                      encoding="utf-8")
    _config, diags = load_config(config)
    found = [(d.code, d.line) for d in diags]
    assert (("MZ604", 5) not in found) if ok else (("MZ604", 5) in found), found  # line of url:
