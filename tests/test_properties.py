"""Property tests: arbitrary input never raises anything but a diagnostic; ids are ASCII and stable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mzkb.config import load_config
from mzkb.content.ids import is_valid_id, make_id
from mzkb.content.loader import decode, split_front_matter
from mzkb.content.model import DocType
from mzkb.content.schema import validate_one
from mzkb.diagnostics import Diagnostic
from mzkb.search import analyzer

FIXTURE_CONFIG = Path(__file__).parent / "fixtures" / "sites" / "small" / "site_config.yml"
CONFIG, _ = load_config(FIXTURE_CONFIG)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=20)
yamlish = st.lists(st.sampled_from(["---", "title: ", "date: ", "2020-02-30", "audiences: [", "养老机构", "]", ": ", "\t",
                                    "- ", "\n", "  ", "'", '"', "{", "}", "#", "issuer: x", "status: ", "supersedes: a",
                                    "chapters:", "null", "~", "&a", "*a", "!!python/object", "%YAML", "\r\n", "\x00"]),
                   max_size=40).map("".join)


@SETTINGS
@given(st.one_of(st.binary(max_size=400), yamlish.map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_loader_never_raises_on_arbitrary_bytes(data: bytes):
    text, problems = decode(data, "content/notices/x.md")
    assert all(isinstance(p, Diagnostic) for p in problems)
    if text is None:
        assert problems
        return
    source, problems = split_front_matter(text, FIXTURE_CONFIG.parent / "content/notices/x.md", "content/notices/x.md", DocType.NOTICE)
    assert all(isinstance(p, Diagnostic) for p in problems)
    if source is not None:
        doc, more = validate_one(source, CONFIG, dt.date(2024, 1, 1))
        assert all(isinstance(p, Diagnostic) and p.line >= 0 for p in more)


@SETTINGS
@given(st.text(max_size=200))
def test_analyzer_never_raises_and_terms_are_clean(text: str):
    terms = analyzer.analyze(text)
    assert all(t and not any(c.isspace() for c in t) for t in terms)
    variants = analyzer.analyze_query(text, lambda t: len(t) == 3, [["养老院", "养老机构"]])
    keys = set(analyzer.shard_keys(text, [["养老院", "养老机构"]]))
    for variant in variants:
        for item in variant:
            assert item["term"] and analyzer.shard_key(item["term"]) in keys


@SETTINGS
@given(st.one_of(st.text(max_size=60), chinese))
def test_ids_are_ascii_valid_and_stable(name: str):
    first = make_id(name)
    assert first.isascii() and is_valid_id(first)
    assert make_id(name) == first
