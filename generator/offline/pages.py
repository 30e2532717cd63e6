"""The bundle's own pages: the landing ``index.html`` and the 校验 page ``verify.html``.

Both are Jinja templates in ``theme/bundle/`` rendered with autoescape on (the one template
environment of ``site/pages/templates.py``), so a site title or a version can never become markup. The 校验 page's script is ``theme/assets/mzkb/verify.js``.
"""

from __future__ import annotations

from ..content.model import DocType
from ..site.pages.templates import render, theme_dir
from .format import ENTRY, MANIFEST_JS, SIGNATURE_JS
from .signing import fingerprint


def _render(name: str, **values) -> bytes:
    return render("bundle/" + name, entry=ENTRY, **values).encode("utf-8")


def verify_script() -> bytes:
    """The 校验 page's script (``check/verify.js`` in a bundle)."""
    return (theme_dir() / "assets" / "mzkb" / "verify.js").read_bytes()


def landing_page(manifest: dict) -> bytes:
    """The top index.html: title, 打开知识库, 使用说明."""
    labels = {t.value: t.label for t in DocType}
    counts = "、".join(f"{labels.get(k, k)} {v} 个" for k, v in manifest["documents"].items() if v)
    return _render("landing.html", scripts=(), title=manifest["site"]["title"], version=manifest["version"],
                   built_on=manifest["built_at"][:10], total=sum(manifest["documents"].values()), counts=counts,
                   media_included=manifest["media"]["included"])


def verify_page(manifest: dict) -> bytes:
    """The 校验 page: its script reads check/manifest.js (and check/signature.js) and checks what a browser can."""
    signing = manifest.get("signing") or {}
    key = signing.get("public_key", "")
    scripts = (MANIFEST_JS, *((SIGNATURE_JS,) if key else ()), "check/verify.js")
    return _render("verify.html", scripts=scripts, title=manifest["site"]["title"], version=manifest["version"],
                   signed=bool(key), fingerprint=fingerprint(key) if key else "")
