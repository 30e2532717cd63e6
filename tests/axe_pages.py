"""Shared by the axe checks (tests/site/test_a11y*.py): the page types, the screens and one
axe run per page (axe-core shipped by axe-playwright-python; nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

PAGES = {
    "home": "index.html",
    "list": "notices/index.html",
    "portals": "audiences/index.html",
    "portal": "audiences/elderly-care.html",
    "document": "guidelines/elderly-care-covid-guide-2.html",
    "superseded": "guidelines/elderly-care-covid-guide-1.html",
    "repealed": "notices/notice-elderly-care-visiting-suspension.html",
    "comparison": "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html",
    "video": "videos/funeral-ppe-donning.html",
    "videos": "videos/index.html",
    "gallery": "cases/index.html",
    "province": "cases/province-330000.html",
    "case": "cases/case-zhejiang-hangzhou-marriage-appointment.html",
    "search": "search.html?q=养老机构探视",
    "404": "404.html",
}
SCREENS = {"desktop": (1366, 768), "phone": (390, 844)}
SERIOUS = ("serious", "critical")


def open_page(page, site: Path, rel: str) -> None:
    """Open a page of the site over file:// (a search page: until its first result shows)."""
    path, _, query = rel.partition("?")
    page.goto((site / path).as_uri() + (f"?{query}" if query else ""))
    page.wait_for_load_state("load")
    if query:
        page.locator("[data-mzkb-result]").first.wait_for(timeout=15000)


AAA_CONTRAST = "color-contrast-enhanced"
"""axe's WCAG AAA contrast rule (7:1), off by default."""


def serious(axe, page, aaa: bool = False) -> list[str]:
    """The page's violations of impact serious or critical and, with ``aaa``, every violation of
    ``AAA_CONTRAST`` too: one axe run (the AAA rule enabled beside the default ones) gives what
    a default run and a run of that rule alone give together."""
    options: dict = {"resultTypes": ["violations"]}
    if aaa:
        options["rules"] = {AAA_CONTRAST: {"enabled": True}}
    found = axe.run(page, options=options).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:4]]}"
            for v in found if v["impact"] in SERIOUS or (aaa and v["id"] == AAA_CONTRAST)]


def every_page_type_problems(site: Path, browser, axe, screen: str) -> dict[str, list[str]]:
    """Page type -> its serious or critical axe violations on ``screen`` (``SCREENS``), for
    every page type of ``PAGES`` (empty when there are none)."""
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for name, rel in PAGES.items():
        open_page(page, site, rel)
        found = serious(axe, page)
        if found:
            problems[name] = found
    context.close()
    return problems
