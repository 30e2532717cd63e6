"""The unzipped offline bundle of the demo, opened from file:// in headless Chromium as a county office would."""

from __future__ import annotations

import shutil
import zipfile
from urllib.parse import quote
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mzkb.offline.signing import fingerprint, public_text
from mzkb.offline.writer import make_bundle

EPOCH = 1582156800


def unzipped_bundle(site: Path, out: Path, with_media: bool) -> Path:
    result = make_bundle(site, out, site_name="demo", site_title="民政服务机构疫情防控知识库（示例）", version="v1",
                         commit=None, with_media=with_media, doc_counts={"notice": 13, "guideline": 12, "video": 4, "case": 6},
                         epoch=EPOCH)
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(out / "unzipped")
    return out / "unzipped" / "mzkb-demo-v1"


@pytest.fixture(scope="module")
def bundle_dir(demo_site: Path, tmp_path_factory) -> Path:
    return unzipped_bundle(demo_site, tmp_path_factory.mktemp("bundle"), with_media=True)


def open_verify_page(page, top: Path) -> str:
    page.goto((top / "verify.html").as_uri())
    page.wait_for_function("window.mzkbVerifyResult !== undefined", timeout=60000)
    return page.locator("#mzkb-verdict").get_attribute("data-status")


def test_open_search_play_and_check_from_the_unzipped_bundle(bundle_dir: Path, page):
    page.goto((bundle_dir / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "民政服务机构疫情防控知识库（示例）"
    assert "使用说明" in page.locator("main").inner_text()
    page.get_by_role("link", name="打开知识库").click()
    page.wait_for_load_state()
    assert page.url.endswith("/mzkb-demo-v1/site/index.html")
    assert page.locator("h1").first.inner_text().startswith("民政服务机构疫情防控知识库")

    box = page.locator("#mzkb-header-q")
    box.click()
    box.type("遗体处置", delay=30)
    page.locator(".mzkb-suggest [data-mzkb-result]").first.wait_for(timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator(".mzkb-suggest [data-mzkb-result] a").all()]
    assert any("funeral" in h for h in hrefs)

    page.goto((bundle_dir / "site/videos/funeral-remains-handling.html").as_uri() + "#t=5")
    page.wait_for_function("(() => { const v = document.getElementById('mzkb-player');"
                           " return v.readyState >= 1 && Math.abs(v.currentTime - 5) < 0.6; })()", timeout=10000)
    page.evaluate("document.getElementById('mzkb-player').play()")
    page.wait_for_function("document.getElementById('mzkb-player').currentTime > 5.3", timeout=10000)

    page.goto((bundle_dir / "index.html").as_uri())
    page.get_by_role("link", name="校验页面").click()
    page.wait_for_function("window.mzkbVerifyResult !== undefined", timeout=60000)
    verdict = page.locator("#mzkb-verdict")
    assert verdict.get_attribute("data-status") == "ok"
    assert verdict.inner_text().startswith("校验通过")
    index_scripts = str(sum(1 for p in (bundle_dir / "site/search").rglob("*.js")))  # every shard, fragment and manifest
    # images: 5 from the content and the 3 app icons of the web app manifest (assets/mzkb/icon-*.png)
    for kind, count in (("search", index_scripts), ("images", "8"), ("media", "4")):
        section = page.locator(f"section[data-kind={kind}]")
        assert section.get_attribute("data-checked") == count and section.get_attribute("data-failed") == "0"
    unchecked = page.locator("section[data-kind=unchecked]").inner_text()
    assert "网页" in unchecked and "mzkb verify" in unchecked
    assert page.errors == []
    assert page.remote_requests == []


def test_check_page_reports_a_truncated_search_index_file(bundle_dir: Path, tmp_path: Path, page):
    copy = tmp_path / "mzkb-demo-v1"
    shutil.copytree(bundle_dir, copy)
    victim = sorted(copy.glob("site/search/*/s*.js"))[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    assert open_verify_page(page, copy) == "fail"
    assert page.locator("#mzkb-verdict").inner_text().startswith("发现问题：1 个文件")
    section = page.locator("section[data-kind=search]")
    assert section.get_attribute("data-failed") == "1"
    rel = victim.relative_to(copy).as_posix()
    assert f"{rel}：文件不完整" in section.inner_text()
    assert page.remote_requests == []


def test_check_page_reports_missing_media_and_a_missing_manifest(bundle_dir: Path, tmp_path: Path, page):
    copy = tmp_path / "mzkb-demo-v1"
    shutil.copytree(bundle_dir, copy)
    (copy / "site/assets/videos/funeral-ppe-donning.mp4").unlink()
    mp4 = copy / "site/assets/videos/funeral-ashes-farewell.mp4"
    mp4.write_bytes(mp4.read_bytes()[: mp4.stat().st_size // 2])
    assert open_verify_page(page, copy) == "fail"
    media = page.locator("section[data-kind=media]")
    assert media.get_attribute("data-failed") == "2"
    assert "funeral-ppe-donning.mp4：无法读取" in media.inner_text()
    assert "funeral-ashes-farewell.mp4：无法播放到结尾" in media.inner_text()

    (copy / "check/manifest.js").unlink()
    assert open_verify_page(page, copy) == "fail"
    assert "清单" in page.locator("#mzkb-verdict").inner_text()


def test_bundle_without_media_checks_clean_and_says_media_is_left_out(demo_site: Path, tmp_path: Path, page):
    top = unzipped_bundle(demo_site, tmp_path, with_media=False)
    assert "不含视频、音频文件" in (top / "index.html").read_text(encoding="utf-8")
    assert open_verify_page(page, top) == "ok"
    assert "本包不含视频、音频文件" in page.locator("section[data-kind=media]").inner_text()
    assert page.errors == [] and page.remote_requests == []


def test_reader_paths_work_in_the_unzipped_bundle(bundle_dir: Path, page):
    """Navigation, search.html, the superseded banner, a comparison page and the case map, from disk."""
    site = bundle_dir / "site"
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="殡葬服务机构 现行文件").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("audiences/funeral.html")
    page.goto((site / "search.html").as_uri() + "?q=" + quote("临时救助条件"))
    page.wait_for_selector("[data-mzkb-result]")
    page.goto((site / "guidelines/elderly-care-covid-guide-1.html").as_uri())
    page.locator(".mzkb-status-banner a.mzkb-compare-link").click()
    page.wait_for_load_state()
    assert "/compare/" in page.url and page.locator(".mzkb-diff__side ins").first.is_visible()
    page.goto((site / "cases/index.html").as_uri())
    page.locator("svg a[aria-label^='浙江省']").click()
    page.wait_for_load_state()
    assert page.url.endswith("cases/province-330000.html") and page.locator(".mzkb-case-card").count() == 1
    assert page.errors == [] and page.remote_requests == []


# ---- signature on the 校验 page ----

KEY = Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed_dir(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("signed-site")
    (site / "index.html").write_text("<h1>x</h1>", encoding="utf-8")
    out = tmp_path_factory.mktemp("signed")
    hostile = '民政<img src=x onerror="window.pwned=1">知识库</title><script>window.pwned=2</script>'
    result = make_bundle(site, out, site_name="demo", site_title=hostile, version="v1", commit=None, with_media=True,
                         doc_counts={"notice": 1}, epoch=EPOCH, signing_key=KEY)
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(out / "unzipped")
    return out / "unzipped" / "mzkb-demo-v1"


ED25519_SUPPORT = """crypto.subtle.importKey("raw", new Uint8Array(32), {name: "Ed25519"}, false, ["verify"])
  .then(() => true, (e) => e.name !== "NotSupportedError")"""


def test_check_page_shows_a_valid_signature_its_fingerprint_and_its_limits(signed_dir: Path, page):
    assert open_verify_page(page, signed_dir) == "ok"
    section = page.locator("#mzkb-signature")
    supported = page.evaluate(ED25519_SUPPORT)  # Chromium >= 137; older browsers say they cannot check
    assert section.get_attribute("data-signed") == "yes"
    assert section.get_attribute("data-status") == ("valid" if supported else "unchecked")
    text = section.inner_text()
    assert ("签名有效" if supported else "不能核对") in text and fingerprint(public_text(KEY.public_key())) in text
    assert "不能证明离线包来自发布单位" in text and "mzkb verify" in text and "--public-key" in text
    assert page.evaluate("window.pwned") is None and page.errors == [] and page.remote_requests == []


def test_hostile_site_title_is_text_on_the_bundle_pages(signed_dir: Path, page):
    for name in ("index.html", "verify.html"):
        page.goto((signed_dir / name).as_uri())
        assert "<img src=x" in page.locator("main").inner_text()  # shown as text, not markup
        assert page.locator("main img").count() == 0
        assert page.evaluate("window.pwned") is None


def test_check_page_reports_a_manifest_changed_after_signing(signed_dir: Path, tmp_path: Path, page):
    copy = tmp_path / "mzkb-demo-v1"
    shutil.copytree(signed_dir, copy)
    script = copy / "check/manifest.js"
    script.write_text(script.read_text(encoding="ascii").replace('\\"version\\": \\"v1\\"', '\\"version\\": \\"v9\\"'),
                      encoding="ascii")
    status = open_verify_page(page, copy)
    if not page.evaluate(ED25519_SUPPORT):
        pytest.skip("this Chromium has no WebCrypto Ed25519")
    assert status == "fail"
    assert page.locator("#mzkb-signature").get_attribute("data-status") == "invalid"
    assert "签名无效" in page.locator("#mzkb-verdict").inner_text()


def test_check_page_says_an_unsigned_bundle_is_unsigned(bundle_dir: Path, page):
    assert open_verify_page(page, bundle_dir) == "ok"
    section = page.locator("#mzkb-signature")
    assert section.get_attribute("data-signed") == "no" and section.get_attribute("data-status") == "unsigned"
    assert "未签名" in section.inner_text()


def test_check_page_without_webcrypto_ed25519_says_it_could_not_check(signed_dir: Path, page):
    page.add_init_script("Object.defineProperty(window.crypto, 'subtle', {value: undefined});")
    assert open_verify_page(page, signed_dir) == "ok"
    section = page.locator("#mzkb-signature")
    assert section.get_attribute("data-status") == "unchecked" and "mzkb verify" in section.inner_text()


def test_check_page_reports_a_signature_file_removed_from_a_signed_bundle(signed_dir: Path, tmp_path: Path, page):
    copy = tmp_path / "mzkb-demo-v1"
    shutil.copytree(signed_dir, copy)
    (copy / "check/signature.js").unlink()
    assert open_verify_page(page, copy) == "fail"
    assert page.locator("#mzkb-signature").get_attribute("data-status") == "invalid"
    assert "签名文件" in page.locator("#mzkb-signature").inner_text()
