"""The home page: a search box, one tile per audience, the latest updates."""

from __future__ import annotations

from ...config import SiteConfig
from ...content.links import Corpus
from ... import urls
from ...content.model import DocType
from ..status_view import as_of, tally
from .common import doc_items
from .templates import PAGES, page
from .timelines import topic_links

LATEST = 10


def home_page(corpus: Corpus, config: SiteConfig) -> str:
    """Markdown of index.md (template ``home.html``)."""
    tiles = [{"href": urls.audience(a.key), "label": a.label,  # validity.js recounts on the reader's day
              "count": tally([d for d in corpus.documents if a.key in d.audiences])}
             for a in config.audiences]
    types = [{"href": urls.listing(t.folder), "label": t.label, "count": sum(1 for d in corpus.documents if d.type is t)}
             for t in DocType]
    latest = sorted(corpus.documents, key=lambda d: (d.date, d.id), reverse=True)[:LATEST]
    return page(config.title, PAGES + "home.html", title=config.title, description=config.description, demo=config.demo,
                tiles=tiles, types=types, latest=doc_items(latest, urls.HOME, config),
                topics=topic_links(corpus, config, None, urls.HOME), as_of=as_of(corpus))
