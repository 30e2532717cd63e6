"""Reader aids in Chromium: 长辈模式 (file:// and http, storage refused), video captions and seeking,
the 404 page (disk, sub-path over http) and the comparison page on a phone."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

ELDER_PAGES = ("index.html", "guidelines/elderly-care-covid-guide-2.html", "notices/index.html", "cases/index.html")


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under /kb/; any missing address gets 404.html with status 404, as web servers do."""

    prefix = "/kb/"

    def log_message(self, *args):  # noqa: D102
        pass

    def translate_path(self, path):  # noqa: D102
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__missing__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):  # noqa: D102
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def served(demo_site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(demo_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kb/"
    server.shutdown()


def px(page, selector: str, prop: str = "fontSize") -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r})).{prop})")


def check_elder_page(page) -> None:
    assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')")
    button = page.locator("[data-mzkb-elder]")
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "退出长辈模式"
    for selector in (".md-typeset p", ".md-typeset li"):
        if page.locator(selector).count():
            assert px(page, selector) >= 20, selector
    for link in page.locator(".md-content li > a, .mzkb-breadcrumbs a, .md-nav__link, button, select").all()[:60]:
        if link.is_visible():
            assert link.bounding_box()["height"] >= 44 - 0.5, link.evaluate("e => e.outerHTML.slice(0, 120)")
    assert not page.locator(".md-sidebar--secondary").is_visible()  # one column


@pytest.mark.parametrize("where", ["file", "http"])
def test_elder_mode_is_one_click_and_remembered_across_pages(demo_site: Path, served: str, browser, where: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def url(rel: str) -> str:
        return (demo_site / rel).as_uri() if where == "file" else served + rel

    page.goto(url("index.html"))
    normal = px(page, ".md-typeset p")
    page.get_by_role("button", name="长辈模式").click()
    check_elder_page(page)
    assert px(page, ".md-typeset p") > normal
    for rel in ELDER_PAGES[1:]:
        page.goto(url(rel))  # a fresh load, as after clicking a link
        check_elder_page(page)
    second = context.new_page()  # another tab of the same browser remembers it too
    second.goto(url("notices/index.html"))
    assert second.evaluate("document.documentElement.classList.contains('mzkb-elder')")
    second.get_by_role("button", name="退出长辈模式").click()
    second.goto(url("index.html"))
    assert not second.evaluate("document.documentElement.classList.contains('mzkb-elder')")
    assert second.locator("[data-mzkb-elder]").get_attribute("aria-pressed") == "false"
    assert errors == []
    context.close()


def test_elder_mode_without_storage_still_works_in_the_tab(demo_site: Path, browser):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((demo_site / "index.html").as_uri())
    page.get_by_role("button", name="长辈模式").click()
    assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')")
    page.goto((demo_site / "notices/index.html").as_uri())
    assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')")
    assert errors == []
    context.close()


def test_video_has_captions_full_width_player_and_seeks_into_view(demo_site: Path, browser):
    for width, height in ((1366, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto((demo_site / "videos/funeral-ashes-farewell.html").as_uri())  # its transcript is an .srt
        video = page.locator("#mzkb-player")
        content = page.locator(".md-content__inner").bounding_box()
        assert video.bounding_box()["width"] >= content["width"] - 60  # the column's width, not 320 px
        track = page.locator("#mzkb-player track")
        assert track.get_attribute("kind") == "captions" and track.get_attribute("srclang") == "zh"
        page.wait_for_function("(() => { const t = document.getElementById('mzkb-player').textTracks[0];"
                               " return t && t.mode === 'showing' && t.cues && t.cues.length > 0; })()", timeout=10000)
        first_cue = page.evaluate("document.getElementById('mzkb-player').textTracks[0].cues[0].text")
        assert first_cue.strip() and first_cue.strip()[:4] in page.locator(".mzkb-transcript li").first.inner_text()
        # a transcript line far down the page: the whole player comes into view below the sticky header
        line = page.locator(".mzkb-transcript li a").last
        line.scroll_into_view_if_needed()
        seconds = float(line.get_attribute("data-mzkb-seek"))
        line.click()
        page.wait_for_function(f"Math.abs(document.getElementById('mzkb-player').currentTime - {seconds}) < 1", timeout=10000)
        page.wait_for_timeout(200)
        header = page.locator(".md-header").bounding_box()
        box = video.bounding_box()
        assert box["y"] >= header["y"] + header["height"] - 1, (box, header)
        assert box["y"] + box["height"] <= height + 1
        context.close()


def test_transcript_search_hit_lands_at_the_time(demo_site: Path, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((demo_site / "search.html").as_uri() + "?q=脱卸在指定区域进行")
    hit = page.locator("[data-mzkb-result] a[href*='funeral-ppe-donning.html#t=']").first
    hit.wait_for(timeout=15000)
    seconds = float(hit.get_attribute("href").rsplit("#t=", 1)[1])
    assert 9 <= seconds <= 11  # the cue "脱卸在指定区域进行" starts at 00:00:10
    hit.click()
    page.wait_for_url("**/funeral-ppe-donning.html#t=*", timeout=10000)  # the player is on the page it opens
    page.wait_for_function(f"Math.abs(document.getElementById('mzkb-player').currentTime - {seconds}) < 0.5", timeout=10000)
    header = page.locator(".md-header").bounding_box()
    box = page.locator("#mzkb-player").bounding_box()
    assert header["y"] + header["height"] - 1 <= box["y"] and box["y"] + box["height"] <= 844


def test_404_page_works_from_disk(demo_site: Path, page):
    page.goto((demo_site / "404.html").as_uri())
    assert page.locator("h1").inner_text() == "找不到这个页面"
    assert page.title().startswith("找不到页面")
    assert page.locator("link[rel=stylesheet][href*='mzkb.css']").evaluate("l => !!l.sheet")
    page.get_by_role("link", name="指南", exact=True).last.click()
    assert page.url.endswith("/guidelines/index.html")
    page.goto((demo_site / "404.html").as_uri())
    page.locator("#mzkb-notfound-q").fill("消毒")
    page.locator("#mzkb-notfound-q").press("Enter")
    page.locator("[data-mzkb-result]").first.wait_for(timeout=15000)
    assert "search.html?q=" in page.url


@pytest.mark.parametrize("missing", ["nothing-here.html", "notices/gone.html", "guidelines/old/deep/gone.html", "timelines/gone.html"])
def test_404_page_works_under_a_sub_path_over_http(served: str, page, missing: str):
    response = page.goto(served + missing)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到这个页面"
    assert page.locator("link[rel=stylesheet][href*='mzkb.css']").evaluate("l => !!l.sheet")  # styles loaded
    links = {a.inner_text(): a.evaluate("a => a.href") for a in page.locator(".mzkb-notfound__links a").all()}
    assert links["首页"] == served + "index.html" and links["典型案例"] == served + "cases/index.html"
    page.locator("#mzkb-notfound-q").fill("探视")
    page.locator("#mzkb-notfound-q").press("Enter")
    page.locator("[data-mzkb-result]").first.wait_for(timeout=15000)
    assert page.url.startswith(served + "search.html?q=")


class RootHandler(SubPathHandler):
    """Serves the site at / (the default of static hosts), 404.html for any missing address."""

    prefix = "/"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Another origin on the loopback: records every request it gets and answers a script."""

    seen: list[str] = []

    def log_message(self, *args):  # noqa: D102
        pass

    def do_GET(self):  # noqa: D102, N802
        type(self).seen.append(self.path)
        body = b"window.__pwned = true;"
        self.send_response(200)
        self.send_header("Content-Type", "application/javascript")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def start(handler) -> tuple[http.server.ThreadingHTTPServer, int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def test_404_page_never_takes_its_base_from_a_host_in_the_address(demo_site: Path, page):
    """Issue 24: http://HOST//127.0.0.1:9999/x/notices/y made the 404 page's <base> that other origin,
    and the page then ran its scripts. The base is this origin plus a path, whatever the address."""
    site, port = start(functools.partial(RootHandler, directory=str(demo_site)))
    other, other_port = start(Recorder)
    try:
        origin, foreign = f"http://127.0.0.1:{port}", f"127.0.0.1:{other_port}"
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        hostile = [f"//{foreign}/x/notices/y", f"///{foreign}/notices/y", f"/\\{foreign}/x/notices/y",
                   f"/%2F{foreign}/x/notices/y", f"/.//{foreign}/x/notices/y", f"//{foreign}", f"//{foreign}/"]
        for path in hostile:
            response = page.goto(origin + path)
            assert response.status == 404 and page.locator("h1").inner_text() == "找不到这个页面", path
            base = page.evaluate("document.baseURI")
            assert base.startswith(origin + "/") and "//" not in base[len("http://"):], (path, base)
            assert not page.evaluate("window.__pwned === true"), path
        assert Recorder.seen == [] and all(url.startswith(origin + "/") or url.startswith(("data:", "blob:"))
                                           for url in requests), [u for u in requests if not u.startswith(origin)]
        # an ordinary missing address still gets the site's styles and links (the site is at /)
        assert page.goto(origin + "/notices/gone.html").status == 404
        assert page.locator("link[rel=stylesheet][href*='mzkb.css']").evaluate("l => !!l.sheet")
        links = {a.inner_text(): a.evaluate("a => a.href") for a in page.locator(".mzkb-notfound__links a").all()}
        assert links["首页"] == origin + "/index.html"
    finally:
        site.shutdown()
        other.shutdown()


def test_comparison_uses_the_full_phone_width(demo_site: Path, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((demo_site / "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html").as_uri())
    changed = page.locator(".mzkb-diff-table tr.mzkb-diff--changed td").first
    box = changed.bounding_box()
    assert box["width"] >= 390 * 0.85
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture(scope="module")
def lawref_site(tmp_path_factory) -> Path:
    from mzkb.pipeline import build

    out = tmp_path_factory.mktemp("lawref") / "site"
    fixture = Path(__file__).parent.parent / "fixtures" / "sites" / "lawref-chain" / "site_config.yml"
    assert build(fixture, out).ok
    return out


def test_real_regulation_comparison_names_renumbered_articles_on_a_phone(lawref_site: Path, page):
    """上海市殡葬管理条例: the page says which old article became which new one, full width on a phone."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((lawref_site / "compare/shang-hai-shi-bin-zang-guan-li-tiao-li-2015--shang-hai-shi-bin-zang-guan-li-tiao-li-2024.html").as_uri())
    summary = {li.locator("strong").inner_text().split(" ")[0]: li.inner_text() for li in page.locator(".mzkb-diff-summary li").all()}
    assert "第六条（原第五条）" in summary["修改"]
    assert "第九条（原第七条）" in summary["序号调整"] and "第三十六条（原第三十一条）" in summary["序号调整"]
    assert "原第十三条" in summary["删除"] and "第九条" not in summary["新增"]
    row = page.locator(".mzkb-diff-table tr[data-op=changed]", has_text="第九条").first
    assert "序号调整" in row.locator("td").last.get_attribute("data-label")
    assert row.locator("td").last.bounding_box()["width"] >= 390 * 0.85
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_captions_are_plain_webvtt_text():
    import base64

    from mzkb.content.model import Cue
    from mzkb.site.context import captions_data_url

    url = captions_data_url((Cue(0.5, 3.3, "穿戴前先做手卫生"), Cue(3.5, 6.6, "<b onmouseover=x>未闭合 --> & 标签")))
    header, _, data = url.partition(",")
    assert header == "data:text/vtt;charset=utf-8;base64"
    text = base64.b64decode(data).decode("utf-8")
    assert text.startswith("WEBVTT\n\n1\n00:00:00.500 --> 00:00:03.300\n穿戴前先做手卫生\n")
    assert "&lt;b onmouseover=x&gt;未闭合 --&gt; &amp; 标签" in text and "<b" not in text
