"""Property: after every build of a random sequence of edits, additions, deletions and renames,
the incremental build gives what a ``--full`` build of the same tree gives — the same pages byte
for byte, the same browser index read as a reader's search reads it, the same ``mzkb search``
hits (Whoosh).

Two copies of a tiny knowledge base get the same changes; one is built incrementally after each
change (its caches and Whoosh index carried over, segments and merges piling up over 30 builds),
the other from scratch. What legitimately differs is left out of the comparison: the browser
index's segment folders, document numbers and dead numbers (an incremental build adds an
overlay segment), and the scores, which both engines compute from corpus statistics that an
incremental build keeps from its base (the browser index's mean document length, the idf and
mean length Whoosh counts over not yet merged deleted documents) — scores are compared within
a tolerance, order only where the full build's scores are not near-ties.

Three sequences: this file's two (the simplest one Hypothesis draws first, 30 body edits of one
document, and a random one) and test_incremental_property_more.py's random one — two files, so
that two test workers share them. The steps and the comparison: tests/incremental_steps.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from incremental_steps import BUILDS, NOTICE, SPEC, pages, run_sequence, steps

from mzkb.pipeline import build


@SPEC
@given(st.lists(steps, min_size=BUILDS, max_size=BUILDS))
def test_thirty_incremental_builds_equal_full_builds(tmp_path_factory, sequence):
    run_sequence(tmp_path_factory.mktemp("seq"), sequence)


def test_a_newer_document_moves_the_build_day_on_every_reused_page(small_kb: Path, tmp_path: Path):
    """Outside git the build day is the newest document's date, and every page prints it: a
    document newer than all others re-renders the pages an incremental build would reuse."""
    kb = small_kb.parent
    assert build(small_kb).ok
    (kb / "content/notices/gen-new.md").write_text(
        NOTICE.format(title="关于通风的通知", month=9, day=9, body="本节说明通风。"), encoding="utf-8")
    assert build(small_kb).ok
    full = tmp_path / "full"
    shutil.copytree(kb, full, ignore=shutil.ignore_patterns(".mzkb", "site"))
    assert build(full / "site_config.yml", incremental=False).ok
    guide = (kb / "site/guidelines/guide-1.html").read_text(encoding="utf-8")
    assert "生成于 2020-09-19" in guide
    assert pages(kb / "site") == pages(full / "site")
