"""Topic timelines: per topic (and per topic within each audience portal), the rules in force
today first, then the history — which document set, changed, tightened for a time or replaced
the rule, with dates and links to the exact sections. HTML from ``theme/partials/mzkb-timeline*.html``.
"""

from __future__ import annotations

import json
import re

from ... import urls
from ...config import Audience, SiteConfig
from ...content import status
from ...content.ids import make_id
from ...content.links import Corpus, relative_url
from ...content.model import Document, DocType, Status
from ..context import doc_ref
from ..status_view import as_of, may_change
from .templates import render

RULE_TYPES = tuple(t for t in DocType if t.row.rule)
"""Documents that set rules; cases and videos are listed as reference material."""
INDEX = urls.TIMELINES


def timeline_url(topic: str, audience: Audience | None = None) -> str:
    """Site path of a topic's timeline (within one audience's portal when given)."""
    return urls.timeline(make_id(topic), audience.key if audience else None)


def topics_of(corpus: Corpus, config: SiteConfig) -> list[str]:
    """Topics that have rules: in site_config order, then any other topic, by name."""
    used = {t for d in corpus.documents if d.type in RULE_TYPES for t in d.topics}
    return [t for t in config.topics if t in used] + sorted(used - set(config.topics))


def audience_topics(corpus: Corpus, config: SiteConfig, audience: Audience) -> list[str]:
    """Topics with rules for one audience (what its portal links to)."""
    used = {t for d in corpus.documents if d.type in RULE_TYPES and audience.key in d.audiences for t in d.topics}
    return [t for t in topics_of(corpus, config) if t in used]


def topic_links(corpus: Corpus, config: SiteConfig, audience: Audience | None, page_url: str) -> list[dict]:
    """The topic timelines to link to from a page (the home page, an audience portal): title and
    page-relative href (``mzkb-timeline-macros.html``: ``topic_links``)."""
    topics = audience_topics(corpus, config, audience) if audience else topics_of(corpus, config)
    return [{"title": t, "href": relative_url(page_url, timeline_url(t, audience))} for t in topics]


def timeline_pages(corpus: Corpus, config: SiteConfig) -> list[tuple[str, str]]:
    """(src_uri, markdown) of the timelines index and every topic timeline."""
    pages = [_page(INDEX, "按主题查看现行规定", render(
        "partials/mzkb-timeline-index.html", topics=topic_links(corpus, config, None, INDEX),
        portals=[{"title": a.label, "href": relative_url(INDEX, urls.audience(a.key))} for a in config.audiences]))]
    for topic in topics_of(corpus, config):
        pages.append(_timeline(corpus, config, topic, None))
        for audience in config.audiences:
            if topic in audience_topics(corpus, config, audience):
                pages.append(_timeline(corpus, config, topic, audience))
    return pages


def _page(url: str, title: str, html: str) -> tuple[str, str]:
    body = "\n".join(line for line in html.splitlines() if line.strip())  # one raw HTML block for Markdown
    return urls.source_uri(url), f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n{body}\n"


def _timeline(corpus: Corpus, config: SiteConfig, topic: str, audience: Audience | None) -> tuple[str, str]:
    url = timeline_url(topic, audience)
    docs = [d for d in corpus.documents if topic in d.topics and (audience is None or audience.key in d.audiences)]
    rules = [d for d in docs if d.type in RULE_TYPES]
    newest = sorted(rules, key=lambda d: (_start(d), d.date, d.id), reverse=True)
    link = _Linker(url, corpus, topic)
    context = {
        "title": topic, "audience": audience.label if audience else "",
        "breadcrumbs": [{"title": "首页", "href": relative_url(url, urls.HOME)}]
        + ([{"title": audience.label, "href": relative_url(url, urls.audience(audience.key))}] if audience
           else [{"title": "按主题", "href": relative_url(url, INDEX)}]),
        # a document whose status depends on the day is listed in both groups, shown by validity.js
        "in_force": [link.entry(d) for d in newest if d.status.in_force or may_change(d)],
        "pending": [link.entry(d) for d in newest if d.status is Status.PENDING or (may_change(d) and status.effective_from(d))],
        "in_force_shown": any(d.status.in_force for d in newest),
        "pending_shown": any(d.status is Status.PENDING for d in newest),
        "as_of": as_of(corpus),
        "events": _events(rules, link),
        "reference": [link.entry(d) for d in sorted(docs, key=lambda d: (d.date, d.id), reverse=True)
                      if d.type not in RULE_TYPES],
        "other_audiences": [] if audience else [
            {"title": a.label, "href": relative_url(url, timeline_url(topic, a))}
            for a in config.audiences if any(a.key in d.audiences for d in rules)],
        "whole": relative_url(url, timeline_url(topic)) if audience else "",
    }
    title = f"{topic} · {audience.label}" if audience else topic
    return _page(url, title, render("partials/mzkb-timeline.html", **context))


def _start(doc: Document):
    """The day a document's rule starts to apply."""
    return doc.valid_from or doc.date


class _Linker:
    """Page-relative references to documents and their sections, for one timeline page."""

    def __init__(self, page_url: str, corpus: Corpus, topic: str) -> None:
        self.page_url, self.corpus = page_url, corpus
        self.words = [w for w in re.split(r"[与和及、/，,\s]+", topic) if len(w) >= 2]

    def ref(self, doc: Document, anchor: str = "") -> dict:
        """``context.doc_ref`` plus ``href`` from this page (to ``#anchor`` when given)."""
        return dict(doc_ref(doc), href=relative_url(self.page_url, doc.url) + (f"#{anchor}" if anchor else ""))

    def section(self, doc: Document, anchor: str) -> dict:
        title = next((s.title for s in doc.sections if s.anchor == anchor), anchor)
        return {"title": title, "href": relative_url(self.page_url, doc.url) + f"#{anchor}"}

    def entry(self, doc: Document) -> dict:
        """One document on the timeline: its sections on the topic and how it relates to others."""
        topical = [s.anchor for s in doc.sections if s.title and any(w in s.title for w in self.words)]
        amended = {}
        for change in doc.amended_by:
            by = self.corpus.get(change.by)
            if by is not None:
                amended.setdefault(change.anchor, []).append(
                    {"by": self.ref(by, change.at), "note": change.note, "active": change.active})
        return {
            "doc": self.ref(doc), "start": _start(doc).isoformat(),
            "sections": [self.section(doc, a) for a in dict.fromkeys(topical + list(amended))],
            "amended": [dict(self.section(doc, a), changes=c) for a, c in amended.items()],
            "amends": self.amends(doc),
        }

    def amends(self, doc: Document) -> list[dict]:
        found = []
        for entry in doc.amends:
            target = self.corpus.get(entry.target)
            if target is not None:
                found.append({"doc": self.ref(target), "note": entry.note,
                              "at": self.section(doc, entry.at) if entry.at else None,
                              "sections": [self.section(target, a) for a in entry.sections]})
        return found


def _events(rules: list[Document], link: _Linker) -> list[dict]:
    """What happened to the rule, newest first: documents issued, sections adjusted, editions
    replaced, measures starting later or ending on a date."""
    events = []
    for doc in rules:
        entry = link.entry(doc)
        older = [d for d in map(link.corpus.get, doc.supersedes) if d is not None]
        kind = ("修订" if older else "调整" if doc.amends else "临时措施" if doc.temporary else "发布")
        if doc.status is Status.REPEALED and not older and not doc.amends:
            kind = "发布（现已废止）"
        events.append({"date": doc.date.isoformat(), "kind": kind, "entry": entry,
                       "replaces": [link.ref(d) for d in older], "ends": False})
        if doc.valid_from and doc.valid_from != doc.date:
            events.append({"date": doc.valid_from.isoformat(), "kind": "施行", "entry": entry, "replaces": [], "ends": False})
        if doc.valid_until:
            events.append({"date": doc.valid_until.isoformat(), "kind": "到期", "entry": entry, "replaces": [],
                           "ends": True})
    return sorted(events, key=lambda e: (e["date"], e["entry"]["doc"]["id"], e["kind"]), reverse=True)
