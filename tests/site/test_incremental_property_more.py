"""The incremental-build property (test_incremental_property.py) on one more random sequence of
30 steps, in a file of its own so that a second test worker runs it beside the other two."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from incremental_steps import BUILDS, SPEC, run_sequence, steps


@settings(SPEC, max_examples=1)
@given(st.lists(steps, min_size=BUILDS, max_size=BUILDS).filter(lambda sequence: len(set(sequence)) > 1))
def test_thirty_more_incremental_builds_equal_full_builds(tmp_path_factory, sequence):
    run_sequence(tmp_path_factory.mktemp("seq"), sequence)
