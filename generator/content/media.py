"""Video details: durations, chapters and transcripts (WebVTT via webvtt-py, SRT via srt)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import srt
import webvtt

from ..diagnostics import Diagnostic, make
from .model import Chapter, Cue

_HMS = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)(?:\.\d+)?$")


def parse_hms(value: object) -> int | None:
    """``HH:MM:SS`` or ``MM:SS`` -> seconds; None when malformed (YAML ints are seconds)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _HMS.match(str(value).strip())
    if not match:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


_SRT_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
"""SRT formatting tags (<i>, <b>, <font …>): cues are plain text, as webvtt-py makes WebVTT cues."""


class TranscriptError(ValueError):
    """A transcript that does not parse; ``args[0]`` is a Chinese detail."""


def parse_transcript(path: Path) -> tuple[Cue, ...]:
    """Parse a .vtt or .srt file into cues; raise TranscriptError with a Chinese detail."""
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise TranscriptError("不是 UTF-8 编码") from None
    if path.suffix.lower() == ".vtt":
        try:
            captions = webvtt.from_buffer(io.StringIO(text))
        except Exception as exc:  # webvtt raises several error types
            raise TranscriptError(f"不是有效的 WebVTT（{exc}）") from None
        cues = [Cue(_seconds(c.start), _seconds(c.end), " ".join(c.text.split())) for c in captions]
    elif path.suffix.lower() == ".srt":
        try:
            cues = [Cue(s.start.total_seconds(), s.end.total_seconds(), " ".join(_SRT_TAG.sub("", s.content).split()))
                    for s in srt.parse(text)]
        except (srt.SRTParseError, ValueError) as exc:
            raise TranscriptError(f"不是有效的 SRT（{exc}）") from None
    else:
        raise TranscriptError("只支持 .vtt 和 .srt 字幕文件")
    if not cues:
        raise TranscriptError("没有任何字幕条目")
    return tuple(cues)


def check_cues(cues: tuple[Cue, ...], duration: int) -> str | None:
    """Return a Chinese problem description, or None when cue times are sane."""
    previous = -1.0
    for number, cue in enumerate(cues, 1):
        if cue.end < cue.start:
            return f"第 {number} 条字幕的结束时间早于开始时间"
        if cue.start < previous:
            return f"第 {number} 条字幕早于上一条"
        if duration and cue.end > duration + 0.5:
            return f"第 {number} 条字幕结束于 {cue.end:g} 秒，超过视频时长 {duration} 秒"
        previous = cue.start
    return None


def parse_chapters(raw: object, duration: int) -> tuple[tuple[Chapter, ...], str | None]:
    """Chapters from front matter (list of {time, title}); (chapters, problem or None)."""
    if not isinstance(raw, list):
        return (), "chapters 应为列表，每项包含 time 和 title"
    chapters: list[Chapter] = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict) or "time" not in item or "title" not in item:
            return (), f"第 {number} 个章节应包含 time 和 title"
        seconds = parse_hms(item["time"])
        if seconds is None:
            return (), f"第 {number} 个章节的时间 {item['time']} 格式应为 HH:MM:SS"
        if chapters and seconds <= chapters[-1].seconds:
            return (), f"第 {number} 个章节的时间不晚于上一个章节"
        if duration and seconds >= duration:
            return (), f"第 {number} 个章节开始于视频结束之后"
        chapters.append(Chapter(seconds, str(item["title"])))
    return tuple(chapters), None


RUNNABLE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl",
                               ".xslt", ".mht", ".mhtml", ".hta"})
"""Files a browser runs as a page (scripts included) when opened from the site: never published."""


def runs_in_browser(name: str) -> bool:
    """True for a file name whose content a browser would execute in the site's origin."""
    return Path(name).suffix.lower() in RUNNABLE_SUFFIXES


def url_clashes(uses: list[tuple[str, str, str, int]]) -> list[Diagnostic]:
    """MZ318 for each content file whose site URL another file already has.

    ``uses``: (file path relative to the content folder, its site URL, the document that
    refers to it, the line) in the order met. URLs are compared without case, because
    Windows, macOS and zip readers do not tell ``Tan-Shi.PDF`` from ``tan-shi.pdf``.
    """
    owners: dict[str, str] = {}
    diags = []
    reported: set[tuple[str, str]] = set()
    for rel, url, doc_path, line in uses:
        owner = owners.setdefault(url.lower(), rel)
        if owner != rel and (rel, doc_path) not in reported:
            reported.add((rel, doc_path))
            diags.append(make("MZ318", doc_path, line, 1, value=rel, url=url, other=owner))
    return diags
