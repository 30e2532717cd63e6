"""What changed between two releases: a per-document summary and the difference of two summaries.

The pipeline records the summary of every versioned build; ``changes`` feeds the 更新记录 page
and the Atom feed.
"""

from __future__ import annotations

from ..foundations import sha256_file
from .links import Corpus


def doc_summary(corpus: Corpus) -> dict:
    """id -> title, url, type, status and content hash: what the next release is compared with."""
    return {d.id: {"title": d.title, "url": d.url, "type": d.type.value, "status": d.status.value,
                   "hash": sha256_file(d.source)} for d in corpus.documents}


def changes(old: dict, new: dict) -> dict:
    """Documents added, changed, superseded and repealed between two summaries."""
    def ref(doc_id: str) -> dict:
        return {"id": doc_id, "title": new[doc_id]["title"], "url": new[doc_id]["url"], "type": new[doc_id]["type"]}

    result = {"added": [], "changed": [], "superseded": [], "repealed": [], "removed": []}
    for doc_id in sorted(new):
        before, after = old.get(doc_id), new[doc_id]
        if before is None:
            result["added"].append(ref(doc_id))
            continue
        if after["status"] != before["status"] and after["status"] in ("superseded", "repealed"):
            result[after["status"]].append(ref(doc_id))
        elif after["hash"] != before["hash"]:
            result["changed"].append(ref(doc_id))
    result["removed"] = [{"id": i, "title": old[i]["title"]} for i in sorted(set(old) - set(new))]
    return result
