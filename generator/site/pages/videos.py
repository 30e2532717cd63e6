"""The micro-video index: cards with poster, title, duration, audiences and related guidance."""

from __future__ import annotations

from ... import urls
from ...config import SiteConfig
from ...content.links import Corpus, asset_url, relative_url
from ...content.model import DocType, Status
from ..context import hms
from ..status_view import as_of, dated_id
from .templates import PAGES, page

URL = urls.listing(DocType.VIDEO.folder)


def _card(doc, corpus: Corpus, labels: dict) -> dict:
    return {
        "href": relative_url(URL, doc.url),
        "title": doc.title,
        "poster": relative_url(URL, asset_url(doc.poster.rel)) if doc.poster else "",
        "duration": hms(doc.duration) if doc.duration else "",
        "status": doc.status.value,
        "status_label": doc.status.label if doc.status is not Status.CURRENT or dated_id(doc) else "",
        "key": dated_id(doc),  # validity.js re-judges the badge on the reader's day
        "date": doc.date.isoformat(),
        "audience_keys": " ".join(doc.audiences),
        "audiences": "、".join(labels[k] for k in doc.audiences),
        "related": [{"href": relative_url(URL, d.url), "title": d.title} for d in map(corpus.get, doc.related) if d],
    }


def video_index(corpus: Corpus, config: SiteConfig) -> tuple[str, str]:
    """(src_uri, markdown) of videos/index.md (template ``videos.html``)."""
    videos = [d for d in corpus.documents if d.type is DocType.VIDEO]
    videos.sort(key=lambda d: (not d.status.in_force, -d.date.toordinal(), d.id))
    labels = {a.key: a.label for a in config.audiences}
    used = [{"key": a.key, "label": a.label} for a in config.audiences if any(a.key in v.audiences for v in videos)]
    cards = [_card(v, corpus, labels) for v in videos]
    return urls.source_uri(URL), page(DocType.VIDEO.label, PAGES + "videos.html", audiences=used, cards=cards,
                                        as_of=as_of(corpus))
