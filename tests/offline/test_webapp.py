"""The installable offline copy in Chromium: served on 127.0.0.1, visited once on a phone-sized screen,
then read with the network off (home, a document, a portal, a search for 家属探视); a rebuild with one
changed document is offered as an update and downloads only the changed files. From file:// nothing of
it runs."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from mzkb.pipeline import build
from mzkb.site.webapp import WORKER

ROOT = Path(__file__).resolve().parents[2]
EPOCH = "1790000000"
PHONE = {"width": 390, "height": 844}
READY = re.compile(r"^已可离线使用（\d{4}-\d{2}-\d{2} 版，[0-9.]+\u00a0MB）$")  # the size never wraps from MB
CHANGED_DOC = "notices/notice-elderly-care-visiting-standard"


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site and records every request's path and the bytes of its body."""

    def copyfile(self, source, outputfile):  # noqa: D102
        data = source.read()
        outputfile.write(data)
        self.server.served.append((self.path.split("?")[0], len(data)))

    def send_head(self):  # noqa: D102
        self.server.requested.append(self.path)
        return super().send_head()

    def log_message(self, *args):  # noqa: D102
        pass


@pytest.fixture
def demo_kb(tmp_path: Path, monkeypatch) -> Path:
    """A writable copy of the repository's demo knowledge base, built once into tmp/site."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "content", kb / "content")
    shutil.copy(ROOT / "site_config.yml", kb / "site_config.yml")
    result = build(kb / "site_config.yml", kb / "site", incremental=False)
    assert result.ok
    return kb


@pytest.fixture
def server(demo_kb: Path):
    """A loopback-only threaded HTTP server on a free port, stopped after the test."""
    handler = functools.partial(CountingHandler, directory=str(demo_kb / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.served, httpd.requested = [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def worker_data(site: Path) -> dict:
    head = (site / WORKER).read_text(encoding="utf-8").split("\n", 1)[0]
    return json.loads(head[len("self.MZKB_OFFLINE = "):-1])


def track_in_flight(context) -> set:
    """The requests of ``context`` (pages and workers) that were issued and have not yet ended."""
    pending: set = set()
    context.on("request", lambda r: pending.add(r))
    context.on("requestfinished", lambda r: pending.discard(r))
    context.on("requestfailed", lambda r: pending.discard(r))
    return pending


def go_offline(context, page, pending: set, server) -> None:
    """Cut the network, let the requests issued before the cut end, then forget what the server saw:
    whatever reaches it afterwards was asked for with the network off."""
    context.set_offline(True)
    for _ in range(200):  # bounded wait for requests already on the wire (not an assertion on time)
        if not pending:
            break
        page.wait_for_timeout(50)
    server.requested.clear()


def status_text(page) -> str:
    page.wait_for_function("() => { const s = document.querySelector('.mzkb-offline__status');"
                           " return s && s.textContent.startsWith('已可离线使用'); }", timeout=30000)
    return page.locator(".mzkb-offline__status").inner_text()


def test_a_phone_keeps_the_site_after_one_visit_and_updates_only_what_changed(demo_kb: Path, server, browser):
    base = f"http://127.0.0.1:{server.server_port}/"
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    foreign = []
    context.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    pending = track_in_flight(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "index.html")
    first = status_text(page)
    assert READY.match(first), first
    assert page.evaluate("document.querySelector('link[rel=manifest]').href") == base + "manifest.webmanifest"
    manifest = json.loads((demo_kb / "site" / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] and manifest["display"] == "standalone" and manifest["icons"]

    before = worker_data(demo_kb / "site")
    go_offline(context, page, pending, server)
    page.reload()
    assert page.locator("h1").count() >= 1 and "此页未保存" not in page.content()
    page.goto(base + "audiences/elderly-care.html")
    assert page.locator("h1").first.inner_text().strip()
    page.goto(base + "search.html?q=" + "家属探视")
    page.wait_for_selector("[data-mzkb-result] a", timeout=15000)
    hits = page.locator("[data-mzkb-result] a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("visiting" in h for h in hits), hits
    page.locator("[data-mzkb-result] a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1 and "此页未保存" not in page.content()
    page.goto(base + CHANGED_DOC + ".html")
    assert "家属" in page.locator("article").inner_text()
    assert server.requested == [], "with the network off, nothing may reach the server"

    # the editor changes one document and rebuilds; the phone, online again, is offered the update
    context.set_offline(False)
    source = demo_kb / "content" / (CHANGED_DOC + ".md")
    source.write_text(source.read_text(encoding="utf-8") + "\n\n本段为测试新增：探视登记表保存一年。\n", encoding="utf-8")
    assert build(demo_kb / "site_config.yml", demo_kb / "site").ok
    after = worker_data(demo_kb / "site")
    old = {row[2] for row in before["files"]}
    changed = {row[0] for row in after["files"] if row[2] not in old}
    assert changed and len(changed) < len(after["files"]) / 4
    server.served.clear()
    page.goto(base + "index.html")
    page.wait_for_selector(".mzkb-offline__update:not([hidden])", timeout=30000)
    assert page.locator(".mzkb-offline__update").inner_text() == "有新版本，点此更新"
    downloaded = {path.lstrip("/") for path, _ in server.served if path != "/" + WORKER}
    assert downloaded <= changed | {"index.html"}, downloaded - changed
    assert changed <= downloaded, changed - downloaded
    update_bytes = sum(size for path, size in server.served if path.lstrip("/") in changed)
    renamed = sum(1 for row in after["files"] if row[2] in old and row[0] not in {r[0] for r in before["files"]})
    print(f"\nupdate: {len(changed)} new files ({renamed} moved but unchanged), {update_bytes} bytes of {after['bytes']} "
          f"(sw.js {(demo_kb / 'site' / WORKER).stat().st_size} bytes)")
    page.locator(".mzkb-offline__update").click()
    page.wait_for_function("() => { const s = document.querySelector('.mzkb-offline__status');"
                           " return s && s.textContent.startsWith('已可离线使用') && navigator.serviceWorker.controller"
                           " && navigator.serviceWorker.controller.scriptURL.endsWith('sw.js'); }", timeout=30000)
    page.wait_for_selector(".mzkb-offline__update[hidden]", state="attached")
    go_offline(context, page, pending, server)
    page.goto(base + CHANGED_DOC + ".html")
    assert "探视登记表保存一年" in page.locator("article").inner_text()
    assert server.requested == []

    # the reader removes the copy: the worker and its cache are gone
    context.set_offline(False)
    page.goto(base + "index.html")
    status_text(page)
    page.locator(".mzkb-offline__remove").click()
    page.wait_for_selector(".mzkb-offline__enable:not([hidden])")
    assert page.locator(".mzkb-offline__status").inner_text() == "本机的离线副本已删除。"
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert page.evaluate("caches.keys().then(k => k.length)") == 0
    assert foreign == [] and errors == []
    context.close()


def test_from_file_nothing_of_the_offline_copy_runs(demo_site: Path, page):
    page.goto((demo_site / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator(".mzkb-offline").count() == 0
    assert page.locator("link[rel=manifest]").count() == 0
    assert page.remote_requests == [] and page.errors == []


def test_the_worker_and_manifest_are_deterministic(small_kb: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one, two = tmp_path / "one", tmp_path / "two"
    assert build(small_kb, one, incremental=False).ok and build(small_kb, two, incremental=False).ok
    for rel in (WORKER, "manifest.webmanifest", "assets/mzkb/icon-192.png"):
        assert (one / rel).read_bytes() == (two / rel).read_bytes()
    data = worker_data(one)
    assert data["full"] and data["date"] == "2026-09-21"
    listed = {row[0] for row in data["files"]}
    assert "index.html" in listed and "search.html" in listed and WORKER not in listed and ".mzkb-output" not in listed


@pytest.fixture
def demo_server(demo_site: Path):
    """The session's demo site on a loopback-only threaded HTTP server."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(demo_site)))
    httpd.served, httpd.requested = [], []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


def test_the_offline_panel_is_accessible_in_elder_mode_on_a_phone(demo_server: str, browser):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(demo_server + "index.html")
    status_text(page)
    page.get_by_role("button", name="长辈模式").click()
    for rel in ("index.html", "notices/notice-elderly-care-visiting-standard.html"):
        page.goto(demo_server + rel)
        status_text(page)
        assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')")
        panel = page.get_by_role("region", name="离线使用")
        assert panel.get_by_role("button", name="删除本机的离线副本").is_visible()
        size = page.locator(".mzkb-offline__remove").bounding_box()
        assert size["height"] >= 44
        found = axe.run(page, options={"resultTypes": ["violations"],
                                       "runOnly": {"type": "rule", "values": ["color-contrast-enhanced", "button-name",
                                                                             "region", "aria-allowed-role", "target-size"]}})
        assert [v["id"] for v in found.response["violations"]
                if any(".mzkb-offline" in str(n["target"]) for n in v["nodes"])] == [], found.response["violations"]
        serious = [v["id"] for v in axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], rel
    context.close()


def test_a_large_sites_portal_choice_reads_well_in_elder_mode_on_a_phone(small_kb: Path, tmp_path: Path, monkeypatch,
                                                                       browser):
    """The 长辈模式 panel of a site too large to keep whole, on a 390x844 phone: checkboxes as large as
    the 20px text, 保存所选 on its own line below the choices, the size never cut from its unit, and
    axe finds nothing serious in it."""
    from mzkb.site import webapp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(webapp, "FULL_SITE_LIMIT", 1000)  # every real site is larger: readers choose portals
    site = tmp_path / "site"
    assert build(small_kb, site, incremental=False).ok and worker_data(site)["full"] is False
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(site)))
    httpd.served, httpd.requested = [], []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("try { localStorage.setItem('mzkb-elder', '1'); } catch (e) {}")
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_port}/index.html")
        assert READY.match(status_text(page))
        assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')")
        box = page.locator(".mzkb-offline__portals")
        box.wait_for()
        labels = box.locator("label")
        assert labels.count() >= 2
        text_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.mzkb-offline')).fontSize)")
        assert text_px >= 20
        for i in range(labels.count()):
            check = labels.nth(i).locator("input").bounding_box()
            assert check["width"] >= text_px and check["height"] >= text_px  # as large as the words beside it
            assert labels.nth(i).bounding_box()["height"] >= 44
        choose = box.get_by_role("button", name="保存所选").bounding_box()
        last = max(labels.nth(i).bounding_box()["y"] + labels.nth(i).bounding_box()["height"] for i in range(labels.count()))
        assert choose["y"] >= last  # its own line: not read as one more choice
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
        found = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
        assert [v["id"] for v in found if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()


def test_a_large_site_keeps_shared_files_and_search_and_groups_documents_by_portal(small_kb: Path, tmp_path: Path,
                                                                                  monkeypatch):
    from mzkb.pipeline import prepare
    from mzkb.site import webapp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert build(small_kb, tmp_path / "site", incremental=False).ok
    prepared = prepare(small_kb)
    monkeypatch.setattr(webapp, "FULL_SITE_LIMIT", 1000)  # every real site is larger than 1000 bytes
    data = webapp.cache_list(tmp_path / "site", {}, webapp.document_groups(prepared.corpus), config=prepared.config,
                             epoch=int(EPOCH))
    assert data["full"] is False and data["portals"]
    groups = {row[0]: row[3] for row in data["files"]}
    assert groups["index.html"] == groups["search.html"] == "core"
    assert all(g == "core" for p, g in groups.items() if p.startswith(("search/", "assets/mzkb/", "audiences/")))
    for doc in prepared.corpus.documents:
        assert groups[doc.url] == "portal:" + ",".join(sorted(doc.audiences))


def test_a_versioned_site_keeps_the_version_being_read(tmp_path: Path, browser):
    import subprocess

    from click.testing import CliRunner

    from mzkb.cli import cli

    def sh(*args: str) -> None:
        subprocess.run(args, cwd=kb, check=True, capture_output=True)

    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "tests/fixtures/sites/small", kb)
    (kb / ".gitignore").write_text("/site/\n.mzkb/\n", encoding="utf-8")
    sh("git", "init", "-q")
    sh("git", "config", "user.email", "editor@example.org")
    sh("git", "config", "user.name", "编辑")
    sh("git", "add", "-A")
    sh("git", "commit", "-qm", "v1")
    runner = CliRunner()
    assert runner.invoke(cli, ["release", "-c", str(kb / "site_config.yml"), "v1"]).exit_code == 0
    guide = kb / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒三次", "每日消毒四次"), encoding="utf-8")
    sh("git", "commit", "-qam", "v2")
    assert runner.invoke(cli, ["release", "-c", str(kb / "site_config.yml"), "v2"]).exit_code == 0
    assert runner.invoke(cli, ["build", "-c", str(kb / "site_config.yml"), "--versions"]).exit_code == 0
    assert (kb / "site/v1" / WORKER).is_file() and (kb / "site/v2" / WORKER).is_file()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(kb / "site")))
    httpd.served, httpd.requested = [], []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}/"
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(base + "v1/index.html")
        status_text(page)
        scopes = page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => rs.map(r => r.scope))")
        assert scopes == [base + "v1/"]
        httpd.requested.clear()
        context.set_offline(True)
        page.goto(base + "v1/guidelines/guide-2.html")
        assert "每日消毒三次" in page.locator("article").inner_text()
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):  # another version is not kept
            page.goto(base + "v2/guidelines/guide-2.html")
        assert httpd.requested == []
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
