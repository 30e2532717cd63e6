"""The index stage's browser assembly after one body edit, as ``mzkb serve`` runs it (old vs new).

Usage:
    python bench/assemble.py --docs 5000 [--repeat 5] [--baseline /tmp/mzkb-old]

A synthetic corpus (``bench/synth.py``) is checked once (``pipeline.prepare``). Then, as in a
rebuild after an edit, ``browser_index.assemble`` runs for a kept base segment of all documents
plus an overlay segment holding the edited one (its old number dead): once to warm up, then
``--repeat`` times, each after another document's body was edited (a new frozen object, the
others the very same objects, as ``pipeline.Session`` keeps them). Prints the median seconds
and the bytes of manifest.js and the docs file (which must be the same for old and new code).
With ``--baseline DIR`` the code of that checkout runs (a child process, ``bench/compare.py``'s
environment).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def measure(docs: int, repeat: int) -> dict:
    from synth import write_corpus

    from mzkb.pipeline import prepare
    from mzkb.search import browser_index as bi

    workdir = Path(tempfile.mkdtemp(prefix="mzkb-assemble-"))
    try:
        prepared = prepare(write_corpus(workdir / "kb", docs), use_cache=False)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    config, documents = prepared.config, list(prepared.corpus.documents)
    n = len(documents)
    base = bi.Segment("b" * 12, 64, 0, n, ())
    seconds, digest = [], None
    for step in range(repeat + 1):
        edited = step * 997 % n
        documents[edited] = dataclasses.replace(documents[edited], body=documents[edited].body + f"\n基准{step}。")
        overlay = bi.Segment("o" * 12, 1, n, 1, ())
        numbered = {i: d for i, d in enumerate(documents) if i != edited} | {n: documents[edited]}
        began = time.perf_counter()
        index = bi.assemble(config, [base, overlay], numbered, [{}, {}])
        if step:
            seconds.append(time.perf_counter() - began)
        if step == repeat:
            texts = {k: v for k, v in index.files.items() if "manifest" in k or "/docs-" in k}
            digest = hashlib.sha256(json.dumps(sorted(texts.items())).encode()).hexdigest()[:16]
    return {"documents": n, "assemble_median_s": round(statistics.median(seconds), 4),
            "assemble_s": [round(s, 4) for s in seconds], "manifest_and_docs_sha256": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default=None)
    args = parser.parse_args()
    if args.baseline:
        from compare import _env

        command = [sys.executable, __file__, "--docs", str(args.docs), "--repeat", str(args.repeat)]
        sys.exit(subprocess.call(command, env={**_env(str(Path(args.baseline).resolve())), "MZKB_BENCH_SIDE": "old"}))
    row = measure(args.docs, args.repeat)
    row["code"] = os.environ.get("MZKB_BENCH_SIDE", "new")
    print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
