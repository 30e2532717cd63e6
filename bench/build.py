"""Build benchmark: mzkb vs plain MkDocs + Material (default nav) on the same synthetic Markdown.

Usage: python bench/build.py [--sizes 500,3000] [--no-material]
Each build runs in a child process; peak memory is that process's max RSS.
Writes bench/out/build-*.json and prints a table with ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    """Run a command; return (seconds, peak RSS MiB of the child, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
    return seconds, max(peak, before) / 1024, proc.returncode


def du(path: Path) -> int:
    """Total bytes under a folder."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench_size(n: int, material: bool, workdir: Path) -> dict:
    """Generate n documents and time both builds."""
    target = workdir / f"kb-{n}"
    shutil.rmtree(target, ignore_errors=True)
    config = write_corpus(target, n)
    env_cmd = [sys.executable, "-m", "generator.cli"]
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
        mk_seconds, mk_mem, mk_code = timed([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=plain)
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
