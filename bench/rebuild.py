"""One ``pipeline.rebuild`` after a body edit, in process, split by stage (old vs new code).

Usage:
    python bench/rebuild.py --docs 5000 [--edits 3] [--baseline /tmp/mzkb-old] [--profile out.prof]

A synthetic corpus (``bench/synth.py``) is served the way ``mzkb serve`` does it
(``pipeline.Session`` + ``rebuild``: a first full rebuild into a preview folder), then
``--edits`` documents get one new sentence each in their body, one at a time, and
``rebuild(session, {path})`` runs again. Each stage of the rebuild is timed by wrapping the
function that runs it (the names exist in the old and the new code):

- ``load`` (``loader.load``), ``validate`` (``Session.validate``), ``link`` (``Session.link``),
  ``memory`` (``PreviewMemory.intern`` + ``compare``), ``index`` (``indexer.start`` and its
  ``result``), ``render`` (``render``), the rest of ``rebuild`` as ``other``.

With ``--baseline DIR`` the code of that checkout runs (a child process with its ``generator``
on ``PYTHONPATH``, as ``bench/compare.py`` does); ``--profile`` writes a cProfile of the last
edit's rebuild. Prints one JSON line: the first rebuild's seconds and, per edit, the stages.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _timed(owner, name: str, stage: str, laps: dict) -> None:
    """Replace ``owner.name`` by a wrapper adding its seconds to ``laps[stage]``."""
    inner = getattr(owner, name)

    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            laps[stage] = laps.get(stage, 0.0) + time.perf_counter() - began

    setattr(owner, name, wrapper)


def measure(docs: int, edits: int, profile: str | None, workdir: Path) -> dict:
    from synth import write_corpus

    from mzkb import pipeline
    from mzkb import render as render_pkg
    from mzkb.content import loader
    from mzkb.search import indexer
    from mzkb.site.memory import PreviewMemory

    laps: dict[str, float] = {}
    _timed(loader, "load", "load", laps)
    _timed(pipeline.Session, "validate", "validate", laps)
    _timed(pipeline.Session, "link", "link", laps)
    _timed(PreviewMemory, "intern", "memory", laps)
    _timed(PreviewMemory, "compare", "memory", laps)
    _timed(render_pkg, "render", "render", laps)
    start = indexer.start

    def start_and_wait(*args, **kwargs):
        began = time.perf_counter()
        pending = start(*args, **kwargs)
        result = pending.result()
        laps["index"] = laps.get("index", 0.0) + time.perf_counter() - began

        class Done:
            def result(self):
                return result
        return Done()

    indexer.start = start_and_wait
    kb = workdir / "kb"
    config = write_corpus(kb, docs)
    site = kb / ".mzkb" / "preview"
    site.mkdir(parents=True)
    session = pipeline.Session(config, site)
    began = time.perf_counter()
    first = pipeline.rebuild(session)
    assert first.ok, first.diagnostics[:3]
    out = {"documents": docs, "first_rebuild_s": round(time.perf_counter() - began, 2), "edits": []}
    files = sorted((kb / "content").rglob("*.md"))
    for n in range(edits):
        path = files[(n + 1) * len(files) // (edits + 2)]
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n基准第{n}次修改。\n", encoding="utf-8")
        laps.clear()
        profiler = cProfile.Profile() if profile and n == edits - 1 else None
        began = time.perf_counter()
        if profiler:
            profiler.enable()
        result = pipeline.rebuild(session, {str(path)})
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        total = time.perf_counter() - began
        assert result.ok, result.diagnostics[:3]
        row = {k: round(v, 3) for k, v in laps.items()}
        row["other"] = round(total - sum(laps.values()), 3)
        row["total"] = round(total, 3)
        out["edits"].append(row)
    session.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--baseline", default=None, help="a checkout of the code to compare with")
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    if args.baseline:
        from compare import _env

        command = [sys.executable, __file__, "--docs", str(args.docs), "--edits", str(args.edits)]
        if args.profile:
            command += ["--profile", args.profile]
        sys.exit(subprocess.call(command, env={**_env(str(Path(args.baseline).resolve())), "MZKB_BENCH_SIDE": "old"}))
    workdir = Path(tempfile.mkdtemp(prefix="mzkb-rebuild-"))
    try:
        row = measure(args.docs, args.edits, args.profile, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    row["code"] = os.environ.get("MZKB_BENCH_SIDE", "new")
    print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
