"""Build benchmark: mzkb vs plain MkDocs + Material (default nav, its search) on the same synthetic Markdown.

Usage: python bench/build.py [--sizes 1000,5000,20000] [--no-material | --material-only] [--no-incremental]

For each size: a cold mzkb build (no cache), then one document's body is edited and the
build is run again (incremental), then plain Material builds the same Markdown with a
30-minute limit; once Material misses the limit, larger sizes do not run it. Each build
runs in a child process; peak memory is the largest process of that build (mzkb indexes
in worker processes). Writes bench/out/build-<n>.json (Material-only runs write
bench/out/material-<n>.json, which a later mzkb run of the same size picks up).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from synth import write_corpus  # noqa: E402

MATERIAL_LIMIT_S = 1800
MATERIAL_YML = """site_name: 合成基准（Material）
docs_dir: docs
site_dir: site
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
"""

PEAK_WRAPPER = (
    "import resource, runpy, sys; sys.argv = sys.argv[1:];"
    "code = 0\n"
    "try:\n runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
    "except SystemExit as e:\n code = e.code or 0\n"
    "self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
    "kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
    "print(f'MZKB_PEAK_MIB={max(self_kb, kids_kb) / 1024:.0f}', file=sys.stderr); sys.exit(code)"
)
"""Runs a module and prints the peak RSS of the largest process (itself or a waited-for child)."""


LAST_TREE_PEAK_MIB = 0.0
"""Peak of the summed RSS of the last timed command and all its descendants (sampled every 0.2 s)."""


def _tree_rss_mib(root: int) -> tuple[float, float]:
    """(summed, largest) resident memory of a process and its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                changed = True
    sizes = [rss.get(pid, 0) for pid in tree]
    return sum(sizes) / 2**20, max(sizes, default=0) / 2**20


def timed(cmd: list[str], cwd: Path, limit: float | None = None) -> tuple[float, float, int | None]:
    """Run a command; return (seconds, peak MiB of its largest process, exit code or None when it
    hit ``limit``); the peak of all its processes together is left in LAST_TREE_PEAK_MIB.

    The largest process's peak is ``ru_maxrss`` when the program returns to the wrapper, else
    (``mzkb build`` ends with ``os._exit``) the sampled maximum."""
    global LAST_TREE_PEAK_MIB
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TERM": "dumb"})
    peak = [0.0, 0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            total, largest = _tree_rss_mib(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return time.perf_counter() - start, float("nan"), None
    finally:
        stop.set()
        sampler.join()
        LAST_TREE_PEAK_MIB = peak[0]
    seconds = time.perf_counter() - start
    if proc.returncode:
        print(stderr[-2000:], file=sys.stderr)
    reported = _peak_of(stderr)  # ru_maxrss, exact, when the program returns to the wrapper
    return seconds, reported if reported == reported else peak[1], proc.returncode


def _peak_of(stderr: str) -> float:
    for line in stderr.splitlines()[::-1]:
        if line.startswith("MZKB_PEAK_MIB="):
            return float(line.split("=", 1)[1])
    return float("nan")


def du(path: Path) -> int:
    """Total bytes under a folder."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def corpus_digest(content: Path) -> str:
    """Identifies a generated corpus, so Material figures are only reused for the same Markdown."""
    digest = hashlib.sha256()
    for path in sorted(content.rglob("*.md")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def edit_one(content: Path) -> Path:
    """Append a sentence to the body of one document in the middle of the corpus (the incremental case)."""
    files = sorted(content.rglob("*.md"))
    path = files[len(files) // 2]
    path.write_text(path.read_text(encoding="utf-8") + "\n本段为增量构建基准追加的一句话：请各地及时更新工作台账。\n",
                    encoding="utf-8")
    return path


def run_mzkb(target: Path, config: Path, incremental: bool) -> dict:
    """Cold build, then (optionally) one edited document rebuilt from the cache."""
    cmd = [sys.executable, "-c", PEAK_WRAPPER, "mzkb.cli", "build", "-c", str(config)]
    seconds, peak, code = timed(cmd, cwd=target)
    report = json.loads((target / ".mzkb" / "build-report.json").read_text(encoding="utf-8")) if code == 0 else {}
    row = {"mzkb_seconds": round(seconds, 2), "mzkb_peak_mib": round(peak), "mzkb_exit": code,
           "mzkb_peak_all_processes_mib": round(LAST_TREE_PEAK_MIB),
           "mzkb_site_mib": round(du(target / "site") / 2**20, 1),
           "search_index_mib": round(du(target / "site" / "search") / 2**20, 1),
           "whoosh_index_mib": round(du(target / ".mzkb" / "whoosh") / 2**20, 1),
           "stages": report.get("stages", {}), "index_workers": report.get("index_workers", [])}
    if incremental and code == 0:
        edit_one(target / "content")
        inc_seconds, inc_peak, inc_code = timed(cmd, cwd=target)
        inc_report = json.loads((target / ".mzkb" / "build-report.json").read_text(encoding="utf-8"))
        row.update({"incremental_seconds": round(inc_seconds, 2), "incremental_exit": inc_code,
                    "incremental_peak_mib": round(inc_peak),
                    "incremental_share": round(inc_seconds / seconds, 4),
                    "incremental_stages": inc_report.get("stages", {}),
                    "incremental_rendered": inc_report.get("rendered"),
                    "incremental_reindexed": inc_report.get("reindexed")})
    return row


def run_material(target: Path, workdir: Path, n: int) -> dict:
    """Plain MkDocs + Material on the same Markdown, at most MATERIAL_LIMIT_S seconds."""
    plain = workdir / f"material-{n}"
    shutil.rmtree(plain, ignore_errors=True)
    (plain / "docs").mkdir(parents=True)
    for md in sorted((target / "content").rglob("*.md")):
        dest = plain / "docs" / md.relative_to(target / "content")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(md, dest)
    (plain / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (plain / "mkdocs.yml").write_text(MATERIAL_YML, encoding="utf-8")
    seconds, peak, code = timed([sys.executable, "-c", PEAK_WRAPPER, "mkdocs", "build", "-q"], cwd=plain,
                                limit=MATERIAL_LIMIT_S)
    row = {"material_seconds": round(seconds, 2), "material_exit": code, "material_finished": code is not None}
    if code is not None:
        row.update({"material_peak_mib": round(peak), "material_site_mib": round(du(plain / "site") / 2**20, 1)})
    shutil.rmtree(plain, ignore_errors=True)
    return row


def bench_size(n: int, args, workdir: Path, material_ok: bool) -> dict:
    """Generate n documents and run the builds the options ask for."""
    target = workdir / f"kb-{n}"
    shutil.rmtree(target, ignore_errors=True)
    config = write_corpus(target, n)
    row: dict = {"documents": n, "corpus": corpus_digest(target / "content"), "cpus": os.cpu_count()}
    saved = OUT / f"material-{n}.json"
    if args.material_only or (material_ok and not args.no_material and not args.reuse_material):
        row.update(run_material(target, workdir, n))
        if args.material_only:
            saved.write_text(json.dumps(row, ensure_ascii=False, indent=2), encoding="utf-8")
    elif args.reuse_material and saved.exists():
        old = json.loads(saved.read_text(encoding="utf-8"))
        if old.get("corpus") == row["corpus"]:
            row.update({k: v for k, v in old.items() if k.startswith("material_")}, material_reused=True)
    if not args.material_only:
        row.update(run_mzkb(target, config, not args.no_incremental))
        if row.get("material_finished"):
            row["ratio_mzkb_to_material"] = round(row["mzkb_seconds"] / row["material_seconds"], 3)
    shutil.rmtree(target, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--no-material", action="store_true")
    parser.add_argument("--material-only", action="store_true")
    parser.add_argument("--reuse-material", action="store_true",
                        help="take Material's figures from an earlier --material-only run on the same corpus")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--workdir", default=str(OUT / "work"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/out/ (results are not committed)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    material_ok = True
    for n in [int(x) for x in args.sizes.split(",")]:
        row = bench_size(n, args, workdir, material_ok)
        if row.get("material_finished") is False:
            material_ok = False  # a larger corpus will not finish either
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if not args.material_only:
            (OUT / f"build-{n}.json").write_text(json.dumps(row, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
