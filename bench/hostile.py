"""Timings the hostile-file tests used to assert (issue 23: no wall-clock assertion in tests).

The limits in generator/yamlsrc.py are checked before the work they bound, so the tests in
tests/security/test_hostile_files.py assert only the diagnostics; this script prints how long
each YAML bomb takes to be refused (split_front_matter) and a `mzkb check` subprocess on a
small knowledge base holding one bomb.

Usage: python bench/hostile.py [KB_DIR]   (KB_DIR: a scratch folder, default a temporary one)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mzkb.content.loader import split_front_matter  # noqa: E402
from mzkb.content.model import DocType  # noqa: E402
from tests.security.test_hostile_files import DOC, YAML_CASES  # noqa: E402


def main() -> None:
    scratch = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="mzkb-hostile-"))
    for name, text, _ in YAML_CASES:
        doc = DOC.format(extra=text, body="")
        started = time.perf_counter()
        _, problems = split_front_matter(doc, Path("bomb.md"), "bomb.md", DocType.NOTICE)
        took = time.perf_counter() - started
        print(f"{name:28s} {[d.code for d in problems]} split_front_matter {took * 1000:8.1f} ms")
    kb = scratch / "kb"
    subprocess.run([sys.executable, "-m", "mzkb.cli", "init", str(kb)], check=True, capture_output=True)
    (kb / "content" / "notices").mkdir(parents=True, exist_ok=True)
    (kb / "content" / "notices" / "bomb.md").write_text(DOC.format(extra=YAML_CASES[0][1], body=""), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mzkb.cli", "check", "-c", str(kb / "site_config.yml")],
                          capture_output=True, text=True)
    print(f"mzkb check with a nine-level alias bomb: exit {proc.returncode}, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
