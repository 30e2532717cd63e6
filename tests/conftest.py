"""Shared fixtures: sample sites copied to temporary folders, and headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No test may fail on a later day by chance: hypothesis draws the same examples on every run
# (derandomize; the README's test command and CI alike), with no deadline (a loaded machine is
# slow, not wrong); examples it once found are kept in the tests as @example.
# MZKB_HYPOTHESIS=explore draws new examples, to look for bugs on purpose.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True, database=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("MZKB_HYPOTHESIS", "ci"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("MZKB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/sites/small; returns its site_config.yml."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", target)
    return target / "site_config.yml"


def built_once(tmp_path_factory, name: str, make) -> Path:
    """``make(folder)`` run once per test run into an empty ``folder``, which is returned. Under
    pytest-xdist the workers of one run share it: the first one to ask builds it under a file lock,
    the others wait and read the same folder (their common temp root is the base temp's parent)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    from filelock import FileLock

    folder = tmp_path_factory.getbasetemp().parent / name
    with FileLock(str(folder) + ".lock"):
        done = folder.with_name(name + ".done")
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def small_built(tmp_path_factory) -> Path:
    """tests/fixtures/sites/small built once per test run (its site_config.yml; the site is beside it
    in ``site/``, the Whoosh index in ``.mzkb/``). Only for tests that read: one that edits or
    rebuilds takes ``small_kb``."""
    from mzkb.pipeline import build

    def make(folder: Path) -> None:
        shutil.copytree(FIXTURES / "sites" / "small", folder / "kb")
        result = build(folder / "kb" / "site_config.yml")
        assert result.ok, [d.format() for d in result.prepared.diagnostics]

    return built_once(tmp_path_factory, "small-built", make) / "kb" / "site_config.yml"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo knowledge base of the repository, built once per test run from a copy (its content
    and site_config.yml), so that neither the repository's ``.mzkb`` nor its ``site/`` is touched.
    Only for tests that read the site."""
    from mzkb.pipeline import build

    def make(folder: Path) -> None:
        shutil.copytree(ROOT / "content", folder / "kb" / "content")
        shutil.copy(ROOT / "site_config.yml", folder / "kb" / "site_config.yml")
        result = build(folder / "kb" / "site_config.yml", folder / "site")
        assert result.ok, [d.format() for d in (*result.prepared.diagnostics, *result.diagnostics)]

    return built_once(tmp_path_factory, "demo", make) / "site"


@pytest.fixture(scope="session")
def demo_config(demo_site: Path) -> Path:
    """The site_config.yml of the copy ``demo_site`` was built from: its Whoosh index (``.mzkb/``
    beside it) is the one the CLI searches."""
    return demo_site.parent / "kb" / "site_config.yml"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and non-file requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.remote_requests = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.remote_requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    yield pg
    context.close()
