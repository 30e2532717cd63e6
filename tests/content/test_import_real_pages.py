"""Issue 28: three real saved gov.cn pages (tests/fixtures/import/real) import with the fields a reader
of the document sees (bench/realdocs_truth.yml, written by hand): a joint 通知 of two 办公厅, a 复函
with a numbered 附件说明, and a 国务院令 whose 公布 preamble comes before the title."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mzkb.config import load_config
from mzkb.content.model import DocType
from mzkb.importer import gongwen
from mzkb.importer.run import import_file, read

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "fixtures" / "import" / "real"
TRUTH = yaml.safe_load((ROOT / "bench" / "realdocs_truth.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    from click.testing import CliRunner

    from mzkb.cli import cli

    kb = tmp_path_factory.mktemp("real") / "kb"
    CliRunner().invoke(cli, ["init", str(kb)], catch_exceptions=False)
    return load_config(kb / "site_config.yml")[0]


@pytest.mark.parametrize("name", ["gov-19", "gov-23", "gov-33"])
def test_real_page_fields(config, name):
    path = REAL / f"{name}.html"
    want = TRUTH[name]
    result = import_file(path, path.name, config, DocType.NOTICE, [])
    assert result.ok, [d.format() for d in result.diagnostics]
    meta = yaml.safe_load(result.text.split("---\n", 2)[1])
    assert (meta["title"], meta.get("doc_number", ""), meta["issuer"], meta["written_date"]) == \
        (want["title"], want["doc_number"], want["issuer"], want["date"])
    assert list(gongwen.extract(read(path, path.name, 50)).fields.attachments) == want["attachments"]
    body = result.text.split("---\n", 2)[2]
    if name == "gov-33":
        assert "自2019年1月1日起施行" in body.split("第一条")[0]  # the 令's preamble is kept
