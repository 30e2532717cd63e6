"""Transcript cues are plain text: formatting tags dropped, everything else kept as typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mzkb.content.media import parse_transcript

CASES = [
    # (title, cue text in the file, text of the cue)
    ("italic", "<i>注意</i>消毒", "注意消毒"),
    ("font", '<font color="#ff0000">红色</font>提示', "红色提示"),
    ("script tag", "<script>alert(1)</script>说明", "alert(1)说明"),
    ("unclosed tag stays text", "未闭合 <img src=x onerror=alert(1)", "未闭合 <img src=x onerror=alert(1)"),
]
SRT_ONLY = [  # WebVTT has no bare "<" (the spec writes &lt;), and webvtt-py reads one as a tag
    ("comparison", "体温 < 37.3 且 > 36", "体温 < 37.3 且 > 36"),
]


@pytest.mark.parametrize("suffix, title, cue, expected", [(s, *c) for s in (".srt", ".vtt") for c in CASES]
                         + [(".srt", *c) for c in SRT_ONLY], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_cue_text_is_plain(tmp_path: Path, suffix: str, title: str, cue: str, expected: str):
    path = tmp_path / ("t" + suffix)
    if suffix == ".srt":
        path.write_text(f"1\n00:00:00,000 --> 00:00:02,000\n{cue}\n", encoding="utf-8")
    else:
        path.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{cue}\n", encoding="utf-8")
    assert parse_transcript(path)[0].text == expected
