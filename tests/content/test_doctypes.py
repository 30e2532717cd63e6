"""Document types are one table: every member of ``DocType`` has a complete row, a member
without one cannot even be imported, and the nav links only listing pages that are generated."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.content import doctypes
from mzkb.content.doctypes import LISTINGS, TYPES, DocType
from mzkb.content.links import Corpus
from mzkb.render.mkdocs import mkdocs_config
from mzkb.site.pages.listings import listing_pages

ROOT = Path(__file__).resolve().parents[2]


def nav_files(nav: list) -> list[str]:
    """Every page a MkDocs nav links (sections flattened)."""
    found = []
    for entry in nav:
        for value in entry.values():
            found.extend(nav_files(value) if isinstance(value, list) else [value])
    return found


@pytest.mark.parametrize("doc_type", list(DocType), ids=[t.value for t in DocType])
def test_every_type_has_a_complete_row(doc_type):
    row = TYPES[doc_type]
    assert row.folder and row.label and row.listing in LISTINGS
    assert all(getattr(row, f.name) is not None for f in dataclasses.fields(row))
    assert DocType.parse(doc_type.value) is doc_type and DocType.parse(row.label) is doc_type
    assert all(DocType.parse(alias) is doc_type for alias in row.aliases)


def test_no_two_types_share_a_folder_or_a_name():
    names = [name for t in DocType for name in t.names]
    assert len(names) == len(set(names))
    assert len({t.folder for t in DocType}) == len(DocType)


def test_a_member_without_a_row_cannot_be_imported(tmp_path):
    """The scratch experiment of adding a type: a member added to the enum alone is refused at import."""
    source = Path(doctypes.__file__).read_text(encoding="utf-8")
    mutated = source.replace('    NOTICE = "notice"\n', '    NOTICE = "notice"\n    SCRATCH = "scratch"\n', 1)
    assert mutated != source
    path = tmp_path / "doctypes_mutated.py"
    path.write_text(mutated, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("doctypes_mutated", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["doctypes_mutated"] = module
    try:
        with pytest.raises(ImportError, match="scratch"):
            spec.loader.exec_module(module)
    finally:
        del sys.modules["doctypes_mutated"]


def test_the_nav_links_only_listing_pages_that_are_generated(tmp_path):
    """Every type's nav entry is the first page its listing builder makes, even with no documents."""
    config, diags = load_config(ROOT / "tests" / "fixtures" / "sites" / "small" / "site_config.yml")
    assert config is not None, diags
    in_nav, out_of_nav = listing_pages(Corpus(documents=(), by_id={}, by_path={}), config)
    made = {uri for uri, _text in in_nav}
    linked = set(nav_files(mkdocs_config(config, tmp_path / "site")["nav"]))
    for doc_type in DocType:
        assert f"{doc_type.folder}/index.md" in linked & made
    assert not {uri for uri, _text in out_of_nav} & linked


def test_the_built_nav_links_no_missing_page(demo_site):
    """In a real build, every page the nav names exists in the site."""
    config, _diags = load_config(ROOT / "site_config.yml")
    for uri in nav_files(mkdocs_config(config, demo_site, versioned=False)["nav"]):
        assert (demo_site / uri).with_suffix(".html").is_file(), uri


def test_the_cli_shows_and_accepts_the_table_labels(small_kb):
    """``mzkb new`` takes a type's label or alias; its help lists the table's labels."""
    runner = CliRunner()
    helped = runner.invoke(cli, ["new", "--help"])
    assert all(t.value in helped.output and t.label in helped.output for t in DocType)
    for doc_type in DocType:
        name = doc_type.row.aliases[0] if doc_type.row.aliases else doc_type.label
        done = runner.invoke(cli, ["new", "-c", str(small_kb), name, f"测试{doc_type.label}"])
        assert done.exit_code == 0, done.output
        assert f"/{doc_type.folder}/" in done.output
