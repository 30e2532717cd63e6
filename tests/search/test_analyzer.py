"""The analyzer: shared vectors asserted on the Python side and (under node) on the browser side."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mzkb.search import analyzer

SHARED = json.loads((Path(__file__).parent / "analyzer_vectors.json").read_text(encoding="utf-8"))
VECTORS, FOLD_VECTORS = SHARED["query"], SHARED["fold"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["title"] for v in VECTORS])
def test_python_query_analysis_matches_vectors(vector):
    vocabulary = set(vector["vocabulary"])
    variants = analyzer.analyze_query(vector["text"], vocabulary.__contains__, vector["synonyms"])
    assert analyzer.normalize(vector["text"]) == vector["normalized"]
    assert analyzer.shard_keys(vector["text"], vector["synonyms"]) == vector["shard_keys"]
    assert [[[t["term"], t["kind"]] for t in v] for v in variants] == vector["variants"]


@pytest.mark.parametrize("vector", FOLD_VECTORS, ids=[v["title"] for v in FOLD_VECTORS])
def test_python_folds_traditional_characters(vector):
    assert analyzer.fold_traditional(vector["text"]) == vector["folded"]


def test_the_folding_table_is_split_for_the_browser_without_loss():
    parts = analyzer.fold_parts()
    assert len(parts) == analyzer.FOLD_CHUNKS
    pairs = {part[i]: part[i + 1] for part in parts for i in range(0, len(part), 2)}
    assert pairs == {chr(code): simple for code, simple in analyzer.traditional_table().items()}
    assert all(analyzer.fold_chunk(char) == n for n, part in enumerate(parts) for char in part[::2])
    assert "养" not in pairs and pairs["養"] == "养" and len(pairs) > 3000


def test_browser_analyzer_passes_the_same_vectors(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed to run the browser analyzer's vectors (install Debian nodejs)"
    table = tmp_path / "fold.json"
    table.write_text(json.dumps(analyzer.fold_parts(), ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([node, str(Path(__file__).parent / "run_vectors.js"), str(table), str(shipped_analyzer(tmp_path))],
                         capture_output=True, text=True, timeout=60)
    report = json.loads(run.stdout)
    assert report["checked"] == len(VECTORS) and report["folded"] == len(FOLD_VECTORS)
    assert report["failures"] == [], report["failures"]


def test_vectors_use_the_query_limits_of_the_python_analyzer():
    assert SHARED["limits"] == {"max_query": analyzer.MAX_QUERY, "max_query_terms": analyzer.MAX_QUERY_TERMS}
    assert max(len(variant) for v in VECTORS for variant in v["variants"]) == analyzer.MAX_QUERY_TERMS  # one vector hits the cap


def test_a_long_query_is_cut_and_its_terms_capped():
    """Issue 24: 养老 repeated to 10,000 characters froze search; the query is cut before any work."""
    typed = "养老" * 5000
    assert analyzer.cut_query(typed) == "养老" * (analyzer.MAX_QUERY // 2) and analyzer.cut_query("养老") == "养老"
    assert analyzer.cut_query("\U00020000" * 10_000) == "\U00020000" * analyzer.MAX_QUERY  # code points
    varied = "".join(chr(0x4E00 + 7 * i) for i in range(10_000))
    cut = analyzer.cut_query(varied)
    everything = analyzer.analyze_query(cut, lambda term: True)  # every substring is a word of the index
    assert len(cut) == analyzer.MAX_QUERY and [len(terms) for terms in everything] == [analyzer.MAX_QUERY_TERMS]
    keys = set(analyzer.shard_keys(cut))
    assert len(keys) <= analyzer.MAX_QUERY_TERMS and all(analyzer.shard_key(t["term"]) in keys for t in everything[0])


def test_shard_keys_cover_every_query_term():
    """The browser loads the shards of the query's keys: every term must live in one of them."""
    for vector in VECTORS:
        keys = set(vector["shard_keys"])
        for variant in vector["variants"]:
            for term, _kind in variant:
                assert analyzer.shard_key(term) in keys, (vector["title"], term)


def test_doc_numbers_match_whatever_brackets_are_typed():
    typed = ["民发〔2020〕12号", "民发[2020]12号", "民发(2020)12号", "民发（2020）12号", "民发【2020】12号", "民发 ［２０２０］ １２号"]
    terms = {tuple(analyzer.doc_numbers(analyzer.normalize(t))) for t in typed}
    assert terms == {("民发[2020]12号",)}
    assert analyzer.doc_numbers(analyzer.normalize("民发〔2020〕2号")) != analyzer.doc_numbers(analyzer.normalize("民发〔2020〕12号"))


def test_index_side_uses_jieba_with_user_dictionary():
    plain = analyzer.analyze("精神卫生福利机构探视管理", analyzer.segmenter())
    taught = analyzer.analyze("精神卫生福利机构探视管理", analyzer.segmenter(frozenset({"精神卫生福利机构"})))
    assert "精神卫生福利机构" not in plain and "精神卫生福利机构" in taught
    assert {"精神", "探视", "管理"} <= set(taught)  # bigrams are always there for recall


def test_index_terms_cover_what_the_query_side_produces():
    """Cutting a query against the index vocabulary finds the words the index side made."""
    seg = analyzer.segmenter(frozenset({"殡葬服务机构"}))
    index_terms = set(analyzer.analyze("殡葬服务机构遗体处置工作规范", seg))
    variants = analyzer.analyze_query("殡葬服务机构遗体处置", index_terms.__contains__)
    assert all(t["term"] in index_terms for t in variants[0])


def shipped_analyzer(folder: Path) -> Path:
    """search-analyzer.js with its rules written in (``scripts.with_rules``), as the site ships it."""
    from mzkb.search.scripts import with_rules

    source = Path(__file__).resolve().parents[2] / "theme" / "assets" / "mzkb" / "search-analyzer.js"
    target = folder / "search-analyzer.js"
    target.write_text(with_rules(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_shard_hash_is_the_same_in_python_and_javascript(tmp_path):
    from mzkb.search.browser_index import shard_of

    keys = ["民发", "ab", "民发[2020]12号", "𠀀x", "养", "covid", "=民发[2020]12号"]
    module = shipped_analyzer(tmp_path)
    # the real shardOf that search.js calls (exported by search-analyzer.js), not a copy
    script = (f"const A = require({json.dumps(str(module))});"
              f"console.log(JSON.stringify({json.dumps(keys, ensure_ascii=False)}.map(k => A.shardOf(k, 1009))));")
    run = subprocess.run([shutil.which("node"), "-e", script], capture_output=True, text=True, timeout=60)
    assert json.loads(run.stdout) == [shard_of(k, 1009) for k in keys]
    terms = ["民发", "养老", "民发[2020]12号", "=民发[2020]12号", "=民发[2020]", "covid"]
    script = (f"const A = require({json.dumps(str(module))});"
              f"console.log(JSON.stringify({json.dumps(terms, ensure_ascii=False)}.map(k => A.shardKey(k))));")
    run = subprocess.run([shutil.which("node"), "-e", script], capture_output=True, text=True, timeout=60)
    assert json.loads(run.stdout) == [analyzer.shard_key(k) for k in terms]
    assert analyzer.shard_key("=民发[2020]12号") == "民发[2020]12号"  # an owner term lives in its 文号 term's shard


@pytest.mark.parametrize("typed", ["民发〔2020〕", "民发2020", "民发[2020]", "〔2020〕12号"])
def test_doc_number_prefixes_typed_find_the_index_terms(typed):
    index_terms = set(analyzer.analyze("民政部 民发〔2020〕12号"))
    query = analyzer.query_doc_numbers(analyzer.normalize(typed))
    assert query and set(query) <= index_terms
