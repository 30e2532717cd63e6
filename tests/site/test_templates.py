"""One templating system, escaping by default: the theme's templates against hostile values.

MkDocs creates Material's Jinja environment with autoescape off (Material relies on it); our
partials switch it on themselves, so they are safe in that environment and in one with autoescape
on. Generated pages are rendered by ``generator/site/pages/templates.py`` with autoescape on.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from markupsafe import Markup

from mzkb.render.mkdocs import theme_dir
from mzkb.site.pages import templates
from mzkb.site.pages.common import DocItem

PAYLOAD = '<script>window.__xss=1</script>"><img src=x onerror=window.__xss=1>'
ESCAPED = "&lt;script&gt;window.__xss=1&lt;/script&gt;"
THEME = theme_dir()


def _mkdocs_env() -> jinja2.Environment:
    from mkdocs.theme import Theme

    return Theme(name="material", custom_dir=str(THEME), language="zh").get_env()


def _plain_env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME)), autoescape=autoescape)
    env.filters["url"] = lambda value: value
    return env


def _ref(**extra) -> dict:
    ref = {"id": "x", "title": PAYLOAD, "url": "notices/x.html", "date": PAYLOAD, "type": "notice", "type_label": PAYLOAD,
           "status": "superseded", "status_label": PAYLOAD, "edition": PAYLOAD, "doc_number": PAYLOAD}
    ref.update(extra)
    return ref


def _document_context() -> dict:
    video = {"src": 'https://example.org/v.mp4"><img src=x onerror=window.__xss=1>', "external": True,
             "poster": PAYLOAD, "duration": PAYLOAD,
             "chapters": [{"t": 0, "time": "00:00", "title": PAYLOAD}],
             "cues": [{"t": 1, "time": "00:01", "text": "<b>未闭合 " + PAYLOAD}],
             "transcript": {"url": PAYLOAD, "size": PAYLOAD, "name": PAYLOAD, "kind": PAYLOAD}}
    return {
        "kind": "document", "doc": _ref(), "issuer": PAYLOAD, "summary": PAYLOAD, "topics": [PAYLOAD, PAYLOAD],
        "audiences": [{"key": PAYLOAD, "label": PAYLOAD, "url": PAYLOAD}], "all_audiences": False,
        "successor": _ref(), "superseded_by": [_ref()], "editions": [dict(_ref(), this=False, compare=PAYLOAD)],
        "compare_next": PAYLOAD, "related": [_ref()], "cited_by": [_ref()],
        "attachments": [{"name": PAYLOAD, "url": PAYLOAD, "size": PAYLOAD, "kind": PAYLOAD}],
        "breadcrumbs": [{"title": PAYLOAD, "url": PAYLOAD}], "demo": True, "region": PAYLOAD,
        "last_updated": PAYLOAD, "revisions": [{"date": PAYLOAD, "message": PAYLOAD, "commit": PAYLOAD}], "video": video,
        "validity": {"from": PAYLOAD, "starts": PAYLOAD, "until": PAYLOAD, "temporary": True, "base": "current", "base_label": PAYLOAD,
                     "dated": True, "state": "in"},
        "amends": [{"doc": _ref(), "note": PAYLOAD, "at": PAYLOAD, "sections": [{"title": PAYLOAD, "url": PAYLOAD}]}],
        "amended": {PAYLOAD: [{"by": _ref(), "note": PAYLOAD, "active": True, "url": PAYLOAD, "section": PAYLOAD}]},
    }


@pytest.mark.parametrize("env_name", ["mkdocs (autoescape off)", "autoescape on"])
def test_document_partial_escapes_every_value(env_name: str):
    env = _mkdocs_env() if env_name.startswith("mkdocs") else _plain_env(True)
    if env_name.startswith("mkdocs"):
        assert env.autoescape is False  # what our partials guard against; if MkDocs changes it, they stay safe
    page = SimpleNamespace(url="notices/x.html", meta={"mzkb": _document_context()},
                           content=Markup("<p>正文<b>加粗</b></p>") if env.autoescape else "<p>正文<b>加粗</b></p>")
    html = env.get_template("partials/mzkb-document.html").render(page=page, base_url="..")
    assert "<script>" not in html and "<img" not in html and "<b>未闭合" not in html
    assert html.count(ESCAPED) > 30  # shown as text, once per value, not escaped twice
    assert "&amp;lt;" not in html
    assert "<p>正文<b>加粗</b></p>" in html  # the sanitized body is the one value printed as HTML
    assert 'src="https://example.org/v.mp4&#34;&gt;&lt;img' in html


TEMPLATES = sorted(p for p in THEME.rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.relative_to(THEME).as_posix() for p in TEMPLATES])
def test_every_safe_filter_says_why(path: Path):
    """``|safe`` only for HTML that mzkb built from escaped parts or that passed the sanitizer."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.search(r"\|\s*safe\b", line):
            assert "safe:" in line or (number and "safe:" in lines[number - 1]), f"{path.name}:{number + 1} {line}"


@pytest.mark.parametrize("name", ["partials/mzkb-document.html", "partials/mzkb-video.html", "partials/mzkb-print-footer.html"])
def test_partials_rendered_by_material_switch_autoescape_on(name: str):
    text = (THEME / name).read_text(encoding="utf-8")
    assert "{% autoescape true %}" in text and text.rstrip().endswith("{% endautoescape %}")


def test_main_template_escapes_in_each_block():
    text = (THEME / "main.html").read_text(encoding="utf-8")
    blocks = re.findall(r"{% block (\w+) %}(.*?){% endblock %}", text, re.S)
    assert blocks
    for name, body in blocks:
        assert body.startswith("{% autoescape true %}") and body.endswith("{% endautoescape %}"), name


def test_page_templates_escape_by_default_and_fail_on_unknown_names():
    env = templates.environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x=PAYLOAD).startswith(ESCAPED)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_generated_pages_escape_their_data():
    """Each page template, given hostile data, prints it as text."""
    item = DocItem(PAYLOAD, PAYLOAD, "current", ((PAYLOAD, "edition"),), PAYLOAD, PAYLOAD, "")
    tally = {"count": 1, "base": 0, "ids": PAYLOAD, "statuses": PAYLOAD}
    edition = {"href": PAYLOAD, "title": PAYLOAD, "name": PAYLOAD, "date": PAYLOAD, "status": "amended", "status_label": PAYLOAD,
               "key": PAYLOAD}
    cases = {
        "home.html": dict(title=PAYLOAD, description=PAYLOAD, demo=True, tiles=[{"href": PAYLOAD, "label": PAYLOAD, "count": tally}],
                          types=[{"href": PAYLOAD, "label": PAYLOAD, "count": 1}], latest=[item],
                          topics=[{"href": PAYLOAD, "title": PAYLOAD}], as_of=PAYLOAD),
        "type-listing.html": dict(current_count=tally, history_count=tally, as_of=PAYLOAD, items_shown=True, pager=[{"number": 1, "href": ""}, {"number": 2, "href": PAYLOAD}],
                                  items=[item], history=[item]),
        "audience.html": dict(names=PAYLOAD, groups=[{"label": "通知公告", "current": [item], "history": [item],
                                                      "current_shown": True}],
                              topics=[{"href": PAYLOAD, "title": PAYLOAD}], audience=PAYLOAD, as_of=PAYLOAD),
        "audiences.html": dict(links=[{"href": PAYLOAD, "label": PAYLOAD}]),
        "compare.html": dict(title=PAYLOAD, old=edition, new=edition, as_of=PAYLOAD, summary=[], side=[], unified=[]),
        "changes.html": dict(title=PAYLOAD, date=PAYLOAD, previous=PAYLOAD,
                             groups=[{"kind": "added", "label": "新增", "refs": [{"title": PAYLOAD, "href": PAYLOAD}]}]),
        "videos.html": dict(audiences=[{"key": PAYLOAD, "label": PAYLOAD}], cards=[{
            "href": PAYLOAD, "title": PAYLOAD, "poster": PAYLOAD, "duration": PAYLOAD, "status": "current", "status_label": PAYLOAD, "key": PAYLOAD,
            "date": PAYLOAD, "audience_keys": PAYLOAD, "audiences": PAYLOAD, "related": [{"href": PAYLOAD, "title": PAYLOAD}]}],
            as_of=PAYLOAD),
    }
    for name, data in cases.items():
        html = templates.render(templates.PAGES + name, **data)
        assert "<script>" not in html and "<img src=x" not in html, name
        assert ESCAPED in html and "&amp;lt;" not in html, name
