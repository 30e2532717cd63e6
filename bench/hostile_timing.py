"""How long mzkb takes to refuse hostile front matter (the figures the suite no longer asserts).

    python bench/hostile_timing.py

Times `yamlsrc.check_bounds` + `yamlsrc.load` on each bomb of tests/security/test_hostile_files.py
(best of three) and prints a Markdown table. The suite proves the refusal (MZ303, Chinese, file and
line); wall-clock figures vary with the machine, so they live here."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "security"))

from mzkb import yamlsrc  # noqa: E402
from test_hostile_files import YAML_CASES  # noqa: E402


def main() -> None:
    print("| case | refused with | best of 3, ms |")
    print("|---|---|---|")
    for name, text, _ in YAML_CASES:
        best, detail = float("inf"), ""
        for _ in range(3):
            started = time.perf_counter()
            try:
                yamlsrc.load(text)
                detail = "accepted"
            except yamlsrc.YamlError as exc:
                detail = exc.detail
            best = min(best, time.perf_counter() - started)
        print(f"| {name} | {detail[:40]} | {best * 1000:.1f} |")


if __name__ == "__main__":
    main()
