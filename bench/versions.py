"""Versioned builds: cost of the first `mzkb build --versions` and of the rebuild after a new release.

Usage: python bench/versions.py [--docs 300]
Creates a temporary git repository with a synthetic corpus and three releases, builds all
versions, adds a fourth release and builds again; prints the seconds and which versions
were built or reused.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synth import write_corpus  # noqa: E402

from mzkb.versions import build_versions  # noqa: E402


def sh(cwd: Path, *args: str) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        config = write_corpus(kb, args.docs)
        (kb / ".gitignore").write_text("/site/\n.mzkb/\n", encoding="utf-8")
        sh(kb, "git", "init", "-q")
        sh(kb, "git", "-c", "user.email=b@example.org", "-c", "user.name=bench", "commit", "-q", "--allow-empty", "-m", "start")
        for number in range(1, 5):
            extra = kb / "content/notices" / f"release-{number}.md"
            extra.write_text(f"---\ntitle: 第{number}次发布说明\ndate: 2021-01-0{number}\nissuer: x\naudiences: [养老机构]\n---\n\n正文{number}。\n", encoding="utf-8")
            sh(kb, "git", "add", "-A")
            sh(kb, "git", "-c", "user.email=b@example.org", "-c", "user.name=bench", "commit", "-qm", f"release {number}")
            sh(kb, "git", "-c", "user.email=b@example.org", "-c", "user.name=bench", "tag", "-a", f"v{number}", "-m", f"v{number}")
            if number == 3:
                started = time.perf_counter()
                first = build_versions(config)
                first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = build_versions(config)
        second_s = time.perf_counter() - started
    report = {"documents": args.docs, "first_build_s": round(first_s, 1), "first_built": first.built,
              "after_4th_release_s": round(second_s, 1), "rebuilt": second.built, "reused": second.reused,
              "ratio": round(second_s / first_s, 3)}
    print(json.dumps(report, ensure_ascii=False))
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / f"versions-{args.docs}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
