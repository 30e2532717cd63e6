"""Titles holding U+2028 / U+2029 (valid in JSON, a line break inside a JavaScript string literal
before ES2019: a SyntaxError in an old office Chromium) are never written raw into the search
index's scripts; node reads the escaped scripts back to the very same title."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mzkb.foundations import js_json
from mzkb.pipeline import prepare
from mzkb.search import indexer

TITLE = "养老机构\u2028防控指南\u2029（第二版）"
RAW = ("\u2028", "\u2029")


def test_js_json_escapes_the_line_terminators_json_leaves_raw():
    text = js_json({"t": TITLE, "n": ["\ud800", "普通"]}, separators=(",", ":"))
    assert not any(c in text for c in RAW) and "\ud800" not in text
    assert "\\u2028" in text and "\\u2029" in text and "普通" in text  # Han characters stay UTF-8
    assert json.loads(text) == {"t": TITLE, "n": ["\ud800", "普通"]}
    assert js_json(["普通", 1]) == json.dumps(["普通", 1], ensure_ascii=False)


READ_BACK = """
const fs = require("fs"), vm = require("vm");
const loaded = [];
const context = {mzkbSearch: {load: (...args) => loaded.push(args)}, window: {}};
vm.createContext(context);
for (const file of process.argv.slice(2)) vm.runInContext(fs.readFileSync(file, "utf8"), context, {filename: file});
process.stdout.write(JSON.stringify({loaded, versions: context.window.mzkbVersions || null}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_title_with_line_separators_gives_search_scripts_without_raw_ones(small_kb: Path, tmp_path: Path):
    guide = small_kb.parent / "content/guidelines/guide-2.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("title: 养老机构防控指南（第二版）", 'title: "养老机构\\u2028防控指南\\u2029（第二版）"'), encoding="utf-8")
    # the search index as the build makes it (its files, site path -> text), without rendering a site
    prepared = prepare(small_kb)
    assert not prepared.failed, [d.format() for d in prepared.diagnostics]
    index = indexer.start(prepared.corpus, prepared.config, None).result().browser
    assert index.moved == () and index.reused == ()  # a small corpus: every file is in index.files
    site = tmp_path / "site"
    for rel, text in index.files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    scripts = sorted((site / "search").rglob("*.js"))
    assert len(scripts) > 3
    holding = [p for p in scripts if "\\u2028" in p.read_text(encoding="utf-8")]
    assert holding  # the title is in the index: its fragment, the docs file or the manifest (example)
    for path in scripts:
        assert not any(c in path.read_text(encoding="utf-8") for c in RAW), path
    program = tmp_path / "read.js"
    program.write_text(READ_BACK, encoding="utf-8")
    done = subprocess.run(["node", str(program), *map(str, scripts)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)["loaded"]
    assert len(loaded) == len(scripts)
    titles = [args[2].get("t") for args in loaded if args[0] == "frag"]
    assert TITLE in titles
