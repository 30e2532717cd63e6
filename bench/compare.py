"""Old vs new code, side by side in one run on one machine, on the same synthetic corpus.

Usage:
    git worktree add /tmp/mzkb-old <commit>            # the code to compare with
    python bench/compare.py --baseline /tmp/mzkb-old [--candidate /tmp/mzkb-new] [--sizes 1000] [--repeats 2]

(``--candidate``: a checkout of the new code, so that editing the working tree during a long
run does not change what is measured; default: the installed ``generator``.)

For each size one corpus is generated (``bench/synth.py``); then, alternating old and new
(``--repeats`` rounds, so a load change on a shared machine hits both alike):

- a cold ``mzkb build`` (no ``.mzkb/``, no ``site/``) in a child process whose ``PYTHONPATH``
  starts with a temporary folder linking ``generator`` and ``mzkb_theme`` to the checkout's
  ``generator/`` and ``theme/`` (old, or ``--candidate``) or not (the installed code); wall seconds, peak RSS of all processes,
  and the stages of ``.mzkb/build-report.json`` (render = MkDocs + templates + bodies);
- a second cold build timing the render stage alone (``MZKB_RENDER_CPU``): CPU seconds of the
  main process (``time.process_time``; the index workers run in other processes) and wall
  seconds per document;
- body conversion alone, in-process over the same bodies: the old code's Python-Markdown
  conversion (``Page.render`` with the generated ``mkdocs.yml``'s extensions) + nh3, against
  the new code's markdown-it-py ``render`` + nh3 (``--bodies``);
- a ``mzkb serve`` rebuild after one edit: the preview build the server runs
  (``pipeline.rebuild`` of one session where the code has it, else MkDocs' dirty build with our
  plugin), cold and then after editing one document, in one process (like the server);
  the browser's reload itself is not included.

Writes ``bench/out/compare-<n>.json`` and prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from build import PEAK_WRAPPER, timed  # noqa: E402
from synth import write_corpus  # noqa: E402

import build as build_bench  # noqa: E402

SERVE_SCRIPT = r"""
import json, sys, time
from pathlib import Path

def main():
    config = Path(sys.argv[1])
    try:  # newest code: the pipeline owns serve's rebuilds (one session)
        from mzkb.pipeline import Session, rebuild as pipeline_rebuild
        from mzkb.config import load_config as load_site
        site = load_site(config)[0].state_dir / "serve-site"
        session = Session(config, site)

        def serve_build():
            assert pipeline_rebuild(session).ok
    except ImportError:
        serve_build = _plugin_build(config)

    def rebuild():
        start = time.perf_counter()
        serve_build()
        return time.perf_counter() - start

    cold = rebuild()
    files = sorted((config.parent / "content").rglob("*.md"))
    path = files[len(files) // 3]
    path.write_text(path.read_text(encoding="utf-8") + "\n预览基准追加的一句话。\n", encoding="utf-8")
    edited = rebuild()
    path = files[len(files) // 2]  # a second edit in the same process (the server's steady state)
    path.write_text(path.read_text(encoding="utf-8") + "\n预览基准追加的另一句话。\n", encoding="utf-8")
    again = rebuild()
    print("MZKB_SERVE=" + json.dumps({"serve_first_build_s": round(cold, 2), "serve_edit_rebuild_s": round(edited, 2),
                                      "serve_second_edit_s": round(again, 2)}))

def _plugin_build(config):
    # older code: MkDocs' dirty build, the plugin loading the knowledge base itself
    try:
        from mzkb.preview import install  # serve mode is its own module
        install()
    except ImportError:
        pass
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mzkb.pipeline import prepare
    from mzkb.render.mkdocs import write_mkdocs_yml

    prepared = prepare(config)
    yml = write_mkdocs_yml(prepared.config, prepared.config.state_dir / "serve-site")
    try:  # what the server runs: its configurations and its rebuild
        from mzkb.render.livereload import config_loader, rebuild as serve_build
        get_config = config_loader(yml, None, None)
    except ImportError:
        def get_config():
            return load_config(str(yml))

        def serve_build(cfg):
            build(cfg, dirty=True)
    return lambda: serve_build(get_config())

if __name__ == "__main__":  # index workers are spawned: they import this file again
    main()
"""

RENDER_CPU_SCRIPT = r"""
import json, os, sys, time
from pathlib import Path
import mzkb.render.mkdocs as site_mkdocs
from mzkb.pipeline import build

def main():
    config = Path(sys.argv[1])
    real, spent = site_mkdocs.render, {}

    def render(state, site_dir):  # the render stage: this process's CPU (the index workers are others)
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return real(state, site_dir)
        finally:
            spent["cpu"], spent["wall"] = time.process_time() - cpu, time.perf_counter() - wall

    site_mkdocs.render = render  # the pipeline imports it when it renders
    result = build(config)
    documents = len(list((config.parent / "content").rglob("*.md")))
    print("MZKB_RENDER_CPU=" + json.dumps({"ok": bool(result.ok),
          "render_cpu_ms_per_doc": round(spent["cpu"] * 1000 / documents, 2),
          "render_wall_ms_per_doc": round(spent["wall"] * 1000 / documents, 2)}))

if __name__ == "__main__":  # index workers are spawned: they import this file again
    main()
"""

_TREES: dict[str, str] = {}


def _import_root(checkout: str) -> str:
    """A temporary folder whose ``generator`` and ``mzkb_theme`` are the checkout's own.

    The editable install maps ``mzkb_theme`` to the installed tree's ``theme/``; a checkout on
    ``PYTHONPATH`` alone would give its ``generator`` with the installed theme.
    """
    if checkout not in _TREES:
        root = Path(tempfile.mkdtemp(prefix="mzkb-compare-"))
        for name in ("generator", "mzkb"):  # the import name: generator before wave 3, mzkb since (the folder is generator/)
            (root / name).symlink_to(Path(checkout) / "generator", target_is_directory=True)
        (root / "mzkb_theme").symlink_to(Path(checkout) / "theme", target_is_directory=True)
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _TREES[checkout] = str(root)
    return _TREES[checkout]


def _env(baseline: str | None) -> dict:
    """The environment of a child process running the code of the checkout ``baseline``
    (``generator`` and ``mzkb_theme`` from it), or the installed code when None."""
    env = {**os.environ, "TERM": "dumb", "SOURCE_DATE_EPOCH": "1600000000"}
    if baseline:
        env["PYTHONPATH"] = _import_root(baseline) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    else:
        env.pop("PYTHONPATH", None)
    return env


def cold_build(kb: Path, baseline: str | None) -> dict:
    """One cold build (old code when ``baseline``): seconds, peak and stages."""
    shutil.rmtree(kb / ".mzkb", ignore_errors=True)
    shutil.rmtree(kb / "site", ignore_errors=True)
    old_environ = dict(os.environ)
    os.environ.clear()
    os.environ.update(_env(baseline))
    try:
        seconds, peak, code = timed([sys.executable, "-c", PEAK_WRAPPER, "mzkb.cli", "build", "-c",
                                     str(kb / "site_config.yml")], cwd=kb)
    finally:
        os.environ.clear()
        os.environ.update(old_environ)
    report = json.loads((kb / ".mzkb" / "build-report.json").read_text(encoding="utf-8")) if code == 0 else {}
    return {"seconds": round(seconds, 2), "exit": code, "peak_all_mib": round(build_bench.LAST_TREE_PEAK_MIB),
            "peak_largest_mib": round(peak), "stages": report.get("stages", {}), "rendered": report.get("rendered")}


def body_conversion(kb: Path, baseline: str | None) -> dict:
    """Milliseconds per body: conversion + sanitizing only, in one child process."""
    script = HERE / "_bodies.py"
    done = subprocess.run([sys.executable, str(script), str(kb / "site_config.yml")], env=_env(baseline),
                          capture_output=True, text=True, cwd=kb, timeout=1800)
    line = [x for x in done.stdout.splitlines() if x.startswith("MZKB_BODIES=")]
    if not line:
        return {"error": done.stderr[-2000:]}
    return json.loads(line[-1].split("=", 1)[1])


def render_cpu(kb: Path, baseline: str | None) -> dict:
    """A cold build in a child process timing its render stage: main-process CPU and wall
    milliseconds per document (wall is shared with the index workers; CPU is this stage's own)."""
    shutil.rmtree(kb / ".mzkb", ignore_errors=True)
    shutil.rmtree(kb / "site", ignore_errors=True)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "render_cpu.py"
        script.write_text(RENDER_CPU_SCRIPT, encoding="utf-8")
        done = subprocess.run([sys.executable, str(script), str(kb / "site_config.yml")], env=_env(baseline),
                              capture_output=True, text=True, cwd=kb, timeout=1800)
    line = [x for x in done.stdout.splitlines() if x.startswith("MZKB_RENDER_CPU=")]
    return json.loads(line[-1].split("=", 1)[1]) if line else {"error": done.stderr[-2000:]}


def serve_rebuild(kb: Path, baseline: str | None) -> dict:
    """The preview rebuilds of ``mzkb serve`` (cold, then after one edit)."""
    shutil.rmtree(kb / ".mzkb", ignore_errors=True)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "serve_rebuild.py"
        script.write_text(SERVE_SCRIPT, encoding="utf-8")
        done = subprocess.run([sys.executable, str(script), str(kb / "site_config.yml")], env=_env(baseline),
                              capture_output=True, text=True, cwd=kb, timeout=1800)
    line = [x for x in done.stdout.splitlines() if x.startswith("MZKB_SERVE=")]
    return json.loads(line[-1].split("=", 1)[1]) if line else {"error": done.stderr[-2000:]}


def compare(n: int, baseline: str, repeats: int, workdir: Path, serve: bool, candidate: str | None = None,
            builds: bool = True) -> dict:
    kb = workdir / f"compare-{n}"
    shutil.rmtree(kb, ignore_errors=True)
    write_corpus(kb, n)
    pristine = workdir / f"compare-{n}-content"
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(kb / "content", pristine)
    row: dict = {"documents": n, "cpus": os.cpu_count(), "baseline": baseline, "candidate": candidate, "rounds": []}
    for _ in range(repeats):
        for label, base in (("old", baseline), ("new", candidate)):
            shutil.rmtree(kb / "content")
            shutil.copytree(pristine, kb / "content")
            result = {"code": label}
            if builds:
                result.update(cold_build(kb, base))
                result["bodies"] = body_conversion(kb, base)
                result.update(render_cpu(kb, base))
            if serve:
                result.update(serve_rebuild(kb, base))
            row["rounds"].append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    shutil.rmtree(kb, ignore_errors=True)
    shutil.rmtree(pristine, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a checkout of the code to compare with")
    parser.add_argument("--candidate", default=None, help="a checkout of the new code (default: the installed one)")
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--serve-only", action="store_true", help="only the mzkb serve rebuilds (no cold builds, no bodies)")
    parser.add_argument("--workdir", default=str(OUT / "work"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    for n in [int(x) for x in args.sizes.split(",")]:
        candidate = str(Path(args.candidate).resolve()) if args.candidate else None
        row = compare(n, str(Path(args.baseline).resolve()), args.repeats, workdir, not args.no_serve, candidate,
                      builds=not args.serve_only)
        (OUT / f"compare-{n}.json").write_text(json.dumps(row, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
