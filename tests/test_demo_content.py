"""The demo knowledge base in content/ is what the README promises: complete, valid, small media."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from generator.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent


def test_demo_is_valid_and_complete():
    result = prepare(ROOT / "site_config.yml")
    assert not result.failed and not result.diagnostics, [d.format() for d in result.diagnostics]
    counts = Counter(d.type.value for d in result.corpus.documents)
    assert counts["notice"] >= 12 and counts["guideline"] >= 10 and counts["video"] >= 4 and counts["case"] >= 6
    covered = Counter(k for d in result.corpus.documents for k in d.audiences)
    assert all(covered[a.key] >= 2 for a in result.config.audiences)
    chains = {d.id for d in result.corpus.documents if d.supersedes}
    assert {"elderly-care-covid-guide-2", "mental-health-covid-guide-2"} <= chains
    provinces = {d.region[:2] for d in result.corpus.documents if d.type.value == "case"}
    assert {"江苏", "浙江", "安徽"} <= provinces and len(provinces) >= 6
    for doc in result.corpus.documents:
        if doc.doc_number:
            assert "示例" in doc.doc_number, doc.doc_number  # never a real-looking document number


def test_demo_media_is_real_and_small():
    videos = [d for d in prepare(ROOT / "site_config.yml").corpus.documents if d.type.value == "video"]
    for video in videos:
        assert video.media_asset is not None and video.media_asset.size < 500 * 1024
        assert video.media_asset.source.read_bytes()[4:8] == b"ftyp"  # an MP4 container
        assert video.cues and video.duration and video.poster is not None
