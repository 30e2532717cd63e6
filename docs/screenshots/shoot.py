"""Screenshots of the main page types for docs/screenshots/ (a developer tool, not a test).

    python docs/screenshots/shoot.py [SITE_DIR]

Builds the demo knowledge base (with a site.url, so printed pages show the address and QR code)
unless SITE_DIR is given, then uses Debian's Chromium: desktop 1366x768, phone 390x844,
长辈模式, and page one of a printed document (PDF -> pdftoppm).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS = [  # (file, page, viewport, elder mode, full page)
    ("home-desktop.png", "index.html", DESKTOP, False, False),
    ("document-desktop.png", "guidelines/elderly-care-covid-guide-2.html", DESKTOP, False, False),
    ("superseded-phone.png", "guidelines/elderly-care-covid-guide-1.html", PHONE, False, False),
    ("elder-document-desktop.png", "guidelines/elderly-care-covid-guide-2.html", DESKTOP, True, False),
    ("elder-home-phone.png", "index.html", PHONE, True, False),
    ("video-phone.png", "videos/funeral-ashes-farewell.html#t=4", PHONE, False, False),
    ("compare-phone.png", "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html", PHONE, False, False),
    ("404-desktop.png", "404.html", DESKTOP, False, False),
]


def build_demo(tmp: Path) -> Path:
    kb = tmp / "kb"
    shutil.copytree(ROOT / "content", kb / "content")
    config = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    (kb / "site_config.yml").write_text(config.replace("  language: zh\n", "  language: zh\n  url: https://kb.example.gov.cn/\n"), encoding="utf-8")
    from mzkb.pipeline import build

    result = build(kb / "site_config.yml", tmp / "site")
    assert result.ok
    return tmp / "site"


def shoot(site: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, rel, viewport, elder, full in SHOTS:
            context = browser.new_context(viewport=viewport)
            if elder:
                context.add_init_script("try { localStorage.setItem('mzkb-elder', '1'); } catch (e) {}")
            page = context.new_page()
            path, _, fragment = rel.partition("#")
            page.goto((site / path).as_uri() + (f"#{fragment}" if fragment else ""))
            page.wait_for_timeout(600)
            page.screenshot(path=str(OUT / name), full_page=full)
            context.close()
        context = browser.new_context()
        page = context.new_page()
        page.goto((site / "guidelines/elderly-care-covid-guide-1.html").as_uri())
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "print.pdf"
            page.pdf(path=str(pdf), format="A4")
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(Path(tmp) / "p")], check=True)
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            last = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(last), "-l", str(last), str(pdf), str(Path(tmp) / "q")], check=True)
            shutil.copy(next(Path(tmp).glob("p-*.png")), OUT / "print-first-page.png")
            shutil.copy(next(Path(tmp).glob("q-*.png")), OUT / "print-last-page.png")
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        shoot(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            shoot(build_demo(Path(tmp)))
