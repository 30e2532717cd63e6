"""Build benchmark: mzkb vs plain MkDocs + Material (default nav) on the same synthetic Markdown.

Usage: python bench/build.py [--sizes 500,3000] [--no-material]
Each build runs in a child process; peak memory is that process's max RSS.
Writes bench/out/build-*.json and prints a table with ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import write_corpus  # noqa: E402

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


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run a command; return (seconds, peak RSS MiB of that child process tree's largest process, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    # ru_maxrss of RUSAGE_CHILDREN is the largest of all children so far: run each build in its own
    # short-lived python so that the figure belongs to this build only.
    if proc.returncode:
        print(stderr[-2000:], file=sys.stderr)
    return seconds, _peak_of(stderr), proc.returncode


def _peak_of(stderr: str) -> float:
    for line in stderr.splitlines()[::-1]:
        if line.startswith("MZKB_PEAK_MIB="):
            return float(line.split("=", 1)[1])
    return float("nan")


PEAK_WRAPPER = (
    "import resource, runpy, sys; sys.argv = sys.argv[1:];"
    "code = 0\n"
    "try:\n runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
    "except SystemExit as e:\n code = e.code or 0\n"
    "self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
    "kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
    "print(f'MZKB_PEAK_MIB={max(self_kb, kids_kb) / 1024:.0f}', file=sys.stderr); sys.exit(code)"
)


def du(path: Path) -> int:
    """Total bytes under a folder."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench_size(n: int, material: bool, workdir: Path) -> dict:
    """Generate n documents and time both builds."""
    target = workdir / f"kb-{n}"
    shutil.rmtree(target, ignore_errors=True)
    config = write_corpus(target, n)
    env_cmd = [sys.executable, "-c", PEAK_WRAPPER, "generator.cli"]
    mz_seconds, mz_mem, code = timed([*env_cmd, "build", "-c", str(config)], cwd=target)
    row = {"documents": n, "mzkb_seconds": round(mz_seconds, 2), "mzkb_peak_mib": round(mz_mem), "mzkb_exit": code,
           "mzkb_site_mib": round(du(target / "site") / 2**20, 1)}
    if material:
        plain = workdir / f"material-{n}"
        shutil.rmtree(plain, ignore_errors=True)
        (plain / "docs").mkdir(parents=True)
        for md in sorted((target / "content").rglob("*.md")):
            dest = plain / "docs" / md.relative_to(target / "content")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(md.read_text(encoding="utf-8"), encoding="utf-8")
        (plain / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
        (plain / "mkdocs.yml").write_text(MATERIAL_YML, encoding="utf-8")
        mk_seconds, mk_mem, mk_code = timed([sys.executable, "-c", PEAK_WRAPPER, "mkdocs", "build", "-q"], cwd=plain)
        row.update({"material_seconds": round(mk_seconds, 2), "material_peak_mib": round(mk_mem), "material_exit": mk_code,
                    "material_site_mib": round(du(plain / "site") / 2**20, 1),
                    "ratio_mzkb_to_material": round(mz_seconds / mk_seconds, 3)})
        shutil.rmtree(plain, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,3000")
    parser.add_argument("--no-material", action="store_true")
    parser.add_argument("--workdir", default=str(HERE / "out" / "work"))
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        row = bench_size(n, not args.no_material, workdir)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        growth = large["mzkb_seconds"] / small["mzkb_seconds"]
        print(f"mzkb growth {small['documents']} -> {large['documents']} docs: {growth:.2f}x "
              f"(documents x{large['documents'] / small['documents']:.1f})")
    out = HERE / "out" / f"build-{'-'.join(str(r['documents']) for r in rows)}.json"
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
