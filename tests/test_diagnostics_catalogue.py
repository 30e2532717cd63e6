"""docs/diagnostics.md is generated from the code and must stay in sync with it."""

from __future__ import annotations

import re
from pathlib import Path

from mzkb.diagnostics import CATALOGUE, catalogue_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_catalogue_document_is_current():
    assert (ROOT / "docs/diagnostics.md").read_text(encoding="utf-8").strip() == catalogue_markdown().strip(), \
        "run: python -m mzkb.diagnostics > docs/diagnostics.md"


def test_every_code_used_in_the_code_is_catalogued():
    used = set()
    for path in (ROOT / "generator").rglob("*.py"):
        used |= set(re.findall(r'"(MZ\d{3})"', path.read_text(encoding="utf-8")))
    assert used <= set(CATALOGUE), used - set(CATALOGUE)
    for code, spec in CATALOGUE.items():
        assert re.search(r"[\u4e00-\u9fff]", spec.message) and re.search(r"[\u4e00-\u9fff]", spec.fix), code
