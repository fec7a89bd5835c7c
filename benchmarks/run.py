"""Run every ``benchmarks/bench_*.py`` in turn (each prints its own results table)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("bench_*.py")):
        print(f"== {path.name}", flush=True)
        runpy.run_path(str(path), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
