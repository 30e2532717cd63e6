"""Issue 13 items 3, 4 and 11: a cache that cannot run code, one build at a time, and a cache
that never vouches for a page it did not write; leftovers of killed runs are removed."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mzkb.cache import FORMAT, Cache
from mzkb.lock import build_lock
from mzkb.pipeline import build, prepare


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def plant_pickles(kb: Path, marker: Path) -> None:
    """Every cache file name mzkb ever used, holding a pickle that would create ``marker``."""
    cache = kb / ".mzkb" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    evil = pickle.dumps({"format": FORMAT, "data": _Payload(marker)})
    names = [f"content-{d}.{ext}" for d in "0123456789abcdef" for ext in ("pickle", "json")]
    for name in names + ["index.pickle", "index.json", "index-serve.pickle", "index-serve.json", "render.json"]:
        (cache / name).write_bytes(evil)


def test_planted_pickles_never_run(small_kb: Path, tmp_path: Path):
    marker = tmp_path / "pwned"
    plant_pickles(small_kb.parent, marker)
    assert not prepare(small_kb).failed
    result = build(small_kb, tmp_path / "site")
    assert result.ok and not marker.exists()
    assert build(small_kb, tmp_path / "site").ok and not marker.exists()


def test_cache_files_are_json(small_built: Path):
    files = sorted((small_built.parent / ".mzkb" / "cache").glob("*.*"))
    assert files and all(f.suffix == ".json" for f in files)
    for f in files:
        assert json.loads(f.read_text(encoding="utf-8"))["format"] == FORMAT


def _report(kb: Path) -> dict:
    return json.loads((kb / ".mzkb" / "build-report.json").read_text(encoding="utf-8"))


def _rewrite(kb: Path, name: str, change) -> None:
    path = kb / ".mzkb" / "cache" / name
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["data"] = change(payload["data"])
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


WRONG = [
    ("every content entry of the wrong shape", "content-*", lambda d: {k: ["x", 1] for k in d}),
    ("front matter marks not lists", "content-*", lambda d: {k: ([v[0], "marks", v[2]] if k.startswith("front") else v) for k, v in d.items()}),
    ("analysis sections with wrong types", "content-*", lambda d: {k: (v if k.startswith("front") else [[[1, 2, 3, 4, 5]], [], [], ""]) for k, v in d.items()}),
    ("index state not a mapping", "index.json", lambda d: ["x"]),
    ("index segment escaping the site", "index.json", lambda d: dict(d, base=[dict(d["base"][0], build="../../..")])),
    ("index segment files of the wrong type", "index.json", lambda d: dict(d, base=[dict(d["base"][0], files=[1, 2])])),
    ("index counts not matching", "index.json", lambda d: dict(d, ids=d["ids"][:-1])),
    ("render pages of the wrong shape", "render.json", lambda d: dict(d, pages={k: "x" for k in d["pages"]})),
    ("render state without pages", "render.json", lambda d: {"key": d["key"]}),
]


@pytest.mark.parametrize("name, pattern, change", WRONG, ids=[w[0] for w in WRONG])
def test_right_tag_wrong_contents_costs_a_rebuild(small_kb: Path, tmp_path: Path, name, pattern, change):
    kb, out = small_kb.parent, tmp_path / "site"
    assert build(small_kb, out).ok
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    for path in (kb / ".mzkb" / "cache").glob(pattern if "*" not in pattern else pattern + ".json"):
        _rewrite(kb, path.name, change)
    assert not prepare(small_kb).failed
    result = build(small_kb, out)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")} == first
    if pattern == "render.json":
        assert _report(kb)["reused_pages"] == 0
    if pattern == "index.json":
        assert _report(kb)["reindexed"] == 5


def _edit(doc: Path, old: str, new: str) -> None:
    doc.write_text(doc.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_page_replaced_behind_the_cache_is_rendered_again(small_kb: Path):
    """Issue 13 item 4: a `build --full` that started before an edit and finished after the
    next plain build left its (stale) pages in site/ while render.json described the new
    ones, so every later plain build kept the stale page ("rendered 0"). Reproduced in order."""
    kb = small_kb.parent
    doc, page = kb / "content/guidelines/guide-2.md", kb / "site/guidelines/guide-2.html"
    assert build(small_kb).ok
    _edit(doc, "每日消毒三次", "每日消毒四次")
    assert build(small_kb).ok and "每日消毒四次" in page.read_text(encoding="utf-8")  # render.json: new page
    _edit(doc, "每日消毒四次", "每日消毒三次")  # the background --full build read the old text ...
    assert build(small_kb, incremental=False).ok  # ... and swapped its site in last
    _edit(doc, "每日消毒三次", "每日消毒四次")
    assert "每日消毒三次" in page.read_text(encoding="utf-8")
    assert build(small_kb).ok
    assert "每日消毒四次" in page.read_text(encoding="utf-8")
    assert build(small_kb).ok and "每日消毒四次" in page.read_text(encoding="utf-8")


def _mzkb(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mzkb.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})


def test_second_build_waits_then_gives_up_in_chinese(small_kb: Path):
    with build_lock(small_kb.parent / ".mzkb"):
        proc = _mzkb("build", "-c", str(small_kb), env={"MZKB_LOCK_WAIT": "1"})
        output, _ = proc.communicate(timeout=60)
        assert proc.returncode == 1
        assert "MZ911" in output and f"进程 {os.getpid()}" in output and "Traceback" not in output
    assert not (small_kb.parent / "site").exists()
    proc = _mzkb("build", "-c", str(small_kb))
    assert proc.wait(timeout=120) == 0  # the lock is free again


def test_concurrent_builds_take_turns_and_leave_the_latest_page(small_kb: Path):
    """`build --full &`, edit, `build`: the second waits for the first, and its page stays."""
    kb = small_kb.parent
    doc = kb / "content/guidelines/guide-2.md"
    assert build(small_kb).ok
    full = _mzkb("build", "--full", "-c", str(small_kb))
    time.sleep(0.5)
    _edit(doc, "每日消毒三次", "每日消毒七次")
    plain = _mzkb("build", "-c", str(small_kb), env={"MZKB_LOCK_WAIT": "120"})
    assert full.wait(timeout=180) == 0 and plain.wait(timeout=180) == 0, plain.stdout.read()
    assert build(small_kb).ok
    assert "每日消毒七次" in (kb / "site/guidelines/guide-2.html").read_text(encoding="utf-8")


def test_lock_of_a_dead_process_is_taken_over(small_kb: Path):
    state = small_kb.parent / ".mzkb"
    state.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (state / "build.lock").write_text(f"{dead.pid}\n", encoding="utf-8")
    assert build(small_kb).ok


def test_leftovers_of_killed_runs_are_removed(small_kb: Path):
    kb = small_kb.parent
    assert build(small_kb).ok  # site/ exists: its .site.old-PID is a leftover (a missing site would be restored from it)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftovers = [kb / f".site.building-{dead.pid}", kb / f".site.old-{dead.pid}",
                 kb / ".mzkb" / f".whoosh.building-{dead.pid}", kb / ".mzkb" / f"index-{dead.pid}"]
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    alive = kb / ".mzkb" / f".whoosh.building-{running.pid}"  # a running process's: kept
    try:
        for folder in (*leftovers, alive):
            folder.mkdir(parents=True)
            (folder / "x").write_text("x", encoding="utf-8")
        assert build(small_kb).ok
        assert not any(p.exists() for p in leftovers) and alive.exists()
    finally:
        running.kill()
        running.wait()


def test_json_cache_load_is_safe_on_garbage(tmp_path: Path):
    cache = Cache(tmp_path)
    cache.dir.mkdir(parents=True)
    for text in (b"\x80\x04garbage", b"[" * 100000, b'{"format": 1}', b"", b'{"format": "%s", "data": 1}' % FORMAT.encode()):
        (cache.dir / "x.json").write_bytes(text)
        assert cache.load("x.json", "default", check=lambda d: d["k"]) == "default"


def plant_whoosh(folder: Path, marker: Path) -> None:
    """A Whoosh index whose pickled schema runs ``touch marker`` when the index is opened."""
    import shutil

    from whoosh import fields, index

    class Evil(fields.STORED):
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index.create_in(str(folder), fields.Schema(id=fields.ID(stored=True), evil=Evil()))
    marker.unlink(missing_ok=True)  # Whoosh reads the index back while creating it


def test_planted_whoosh_index_is_never_opened(small_kb: Path, tmp_path: Path):
    """Whoosh keeps pickles: an index brought by a repository (no seal of this user's mzkb) is
    refused by `mzkb search` (MZ907: rebuild) and rebuilt, not updated, by the next build."""
    kb = small_kb.parent
    marker = tmp_path / "pwned"
    assert build(small_kb).ok
    seal_file = kb / ".mzkb" / "whoosh" / "mzkb-seal.json"
    old_seal = seal_file.read_bytes()
    plant_whoosh(kb / ".mzkb" / "whoosh", marker)
    seal_file.write_bytes(old_seal)  # a copied seal does not fit other files
    search = _mzkb("search", "-c", str(small_kb), "消毒")
    output, _ = search.communicate(timeout=120)
    assert search.returncode == 1 and "MZ907" in output and "mzkb build" in output and not marker.exists()
    _edit(kb / "content/guidelines/guide-2.md", "每日消毒三次", "每日消毒八次")
    assert build(small_kb).ok and not marker.exists()
    search = _mzkb("search", "-c", str(small_kb), "消毒", "--json")
    output, _ = search.communicate(timeout=120)
    assert search.returncode == 0 and "guide-2" in output and not marker.exists()
    # the planted index is a real threat: opened by Whoosh itself, it runs its payload
    plant_whoosh(tmp_path / "evil", marker)
    subprocess.run([sys.executable, "-c", f"from whoosh import index; index.open_dir({str(tmp_path / 'evil')!r})"],
                   capture_output=True, timeout=60)
    assert marker.exists()


def test_no_compiled_templates_are_read_from_the_knowledge_base(small_built: Path):
    """Jinja's bytecode cache is marshalled code: it is kept in the user's cache, not in .mzkb/."""
    assert not (small_built.parent / ".mzkb" / "cache" / "jinja").exists()
