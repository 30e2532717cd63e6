"""`mzkb serve` edit -> page-updated latency, old vs new code side by side in one run.

Usage:
    git worktree add --detach /tmp/mzkb-old <commit>          # the code to compare with
    python bench/serve.py --baseline /tmp/mzkb-old [--candidate DIR] [--sizes 5000] [--edits 5]
                          [--only new] [--builds]
    python bench/serve.py --renderers mkdocs,jinja [--candidate DIR] ...   # one code, each renderer

For each size one corpus is generated (``bench/synth.py``). For the old code and then the new
(each in a child process whose ``PYTHONPATH`` gives the checkout's ``generator`` and ``theme``,
as ``bench/compare.py`` does):

- a real ``mzkb serve`` on a free port: seconds until ``/index.html`` answers (the first build);
- ``--edits`` times: one document's body gets a new sentence (another document each time, a
  second apart), and the page is fetched over HTTP every 10 ms until it shows the sentence; the
  latency is from just before the file is written to the first response that has it (watcher,
  debounce, rebuild and the server, as an editor waits for it; the browser's own reload is not
  included). Median and worst are reported;
- with ``--builds``, a cold ``mzkb build`` (``compare.cold_build``: wall seconds and stages).

With ``--renderers``, the sides are the candidate code with each renderer behind the door
(``MZKB_RENDERER``) instead of two checkouts.

Writes ``bench/out/serve-<n>.json`` and prints one JSON line per code and size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from compare import _env, cold_build  # noqa: E402
from synth import write_corpus  # noqa: E402

FIRST_BUILD_LIMIT_S = 1800
EDIT_LIMIT_S = 60


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(port: int, path: str) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.read().decode("utf-8", "replace")
    except OSError:
        return None


def serve_latency(kb: Path, baseline: str | None, edits: int, label: str) -> dict:
    """Start ``mzkb serve`` on ``kb``, time its first build, then ``edits`` edits -> page."""
    shutil.rmtree(kb / ".mzkb", ignore_errors=True)
    port = _free_port()
    log = kb.parent / f"serve-{label}.log"
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mzkb.cli", "serve", "-c", str(kb / "site_config.yml"),
                                 "-a", f"127.0.0.1:{port}"], env=_env(baseline), cwd=kb, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        while _fetch(port, "/index.html") is None:
            if proc.poll() is not None or time.perf_counter() - start > FIRST_BUILD_LIMIT_S:
                return {"code": label, "error": log.read_text(encoding="utf-8")[-2000:]}
            time.sleep(0.2)
        first = time.perf_counter() - start
        time.sleep(2)  # let the server settle (its watcher starts after the first build)
        files = sorted((kb / "content").rglob("*.md"))
        latencies = []
        for n in range(edits):
            path = files[(n + 1) * len(files) // (edits + 2)]
            page = f"/{path.parent.name}/{path.stem}.html"
            marker = f"延迟基准{label}第{n}次修改"
            text = path.read_text(encoding="utf-8") + f"\n\n{marker}。\n"
            began = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while marker not in (_fetch(port, page) or ""):
                if time.perf_counter() - began > EDIT_LIMIT_S:
                    return {"code": label, "error": f"edit {n} not shown after {EDIT_LIMIT_S} s: {page}"}
                time.sleep(0.01)
            latencies.append(time.perf_counter() - began)
            time.sleep(1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # reported as exit "killed"
            proc.kill()
            proc.wait()
            proc.returncode = "killed"
    return {"code": label, "serve_first_build_s": round(first, 2),
            "edit_to_page_s": [round(x, 3) for x in latencies],
            "edit_to_page_median_s": round(statistics.median(latencies), 3),
            "edit_to_page_worst_s": round(max(latencies), 3), "exit": proc.returncode}


@contextlib.contextmanager
def renderer_chosen(name: str | None):
    """``MZKB_RENDERER`` set to ``name`` for the child processes started meanwhile (None: as it is)."""
    old = os.environ.get("MZKB_RENDERER")
    if name is not None:
        os.environ["MZKB_RENDERER"] = name
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MZKB_RENDERER", None)
        else:
            os.environ["MZKB_RENDERER"] = old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=None, help="a checkout of the code to compare with")
    parser.add_argument("--renderers", default=None, help="compare renderers of one code instead, e.g. mkdocs,jinja")
    parser.add_argument("--candidate", default=None, help="a checkout of the new code (default: the installed one)")
    parser.add_argument("--sizes", default="5000")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--only", default=None, help="run one side only (old, new, or a renderer)")
    parser.add_argument("--builds", action="store_true", help="also a cold mzkb build of each side")
    parser.add_argument("--workdir", default=str(OUT / "work"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    candidate = str(Path(args.candidate).resolve()) if args.candidate else None
    if args.renderers:
        sides = [(name, candidate, name) for name in args.renderers.split(",")]
    elif args.baseline:
        sides = [("old", str(Path(args.baseline).resolve()), None), ("new", candidate, None)]
    else:
        parser.error("give --baseline or --renderers")
    for n in [int(x) for x in args.sizes.split(",")]:
        kb = Path(args.workdir) / f"serve-{n}" / "kb"
        shutil.rmtree(kb.parent, ignore_errors=True)
        write_corpus(kb, n)
        pristine = kb.parent / "content"
        shutil.copytree(kb / "content", pristine)
        rows = []
        for label, checkout, renderer in sides:
            if args.only and label != args.only:
                continue
            shutil.rmtree(kb / "content")
            shutil.copytree(pristine, kb / "content")
            with renderer_chosen(renderer):
                row = serve_latency(kb, checkout, args.edits, label)
                if args.builds:
                    row["build"] = cold_build(kb, checkout)
            row["documents"] = n
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        (OUT / f"serve-{n}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        shutil.rmtree(kb.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
