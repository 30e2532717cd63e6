"""The demo knowledge base in content/ is what the README promises: complete, valid, small media."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mzkb.pipeline import prepare

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


def test_demo_tells_the_family_visit_story_with_every_state():
    """Suspended (2020-03 guideline) -> partly restored, max 2 visitors (2020-05 notice amending the
    guideline's 探视 section) -> tightened over the 2022 holidays (expired) -> a standard not yet valid."""
    import datetime as dt

    result = prepare(ROOT / "site_config.yml", today=dt.date(2026, 12, 1))
    assert not result.diagnostics, [d.format() for d in result.diagnostics]
    status = {d.id: d.status.value for d in result.corpus.documents}
    assert set(status.values()) == {"current", "amended", "pending", "expired", "superseded", "repealed"}
    guide = result.corpus.get("elderly-care-covid-guide-2")
    assert status[guide.id] == "amended" and "暂停一切现场探视" in guide.body
    change = guide.amended_by[0]
    assert (change.anchor, change.by, change.active) == ("一实行封闭管理", "notice-resume-services-2020", True)
    assert "不超过2人" in change.note
    holiday = result.corpus.get("notice-holiday-prevention-2022")
    assert status[holiday.id] == "expired" and holiday.valid_until == dt.date(2022, 2, 20)
    assert [a.target for a in holiday.amends] == ["notice-resume-services-2020"]
    assert status["notice-resume-services-2020"] == "current"  # the holiday tightening has lapsed
    assert status["notice-elderly-care-visiting-standard"] == "pending"
    resume = result.corpus.get("notice-resume-services-2020")
    assert [(c.by, c.active) for c in resume.amended_by] == [("notice-holiday-prevention-2022", False),
                                                             ("notice-elderly-care-visiting-standard", False)]
    assert result.corpus.get("notice-elderly-care-visiting-suspension").temporary
