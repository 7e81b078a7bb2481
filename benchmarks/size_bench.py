"""How long ``size`` takes: a 40-block design and a synthetic 1,000-block one.

Run from the repository root: ``python -m benchmarks.size_bench [--json] [--repeat N]``.
Measures the median of N runs of ``mlsd.analysis.sizing.size`` (its own analysis included) on (a) the 40-block
design of ``benchmarks.load_bench`` (designs/video_recommendations.json padded with data-side blocks) and (b) the
synthetic 1,000-block design (``benchmarks.synthetic``) placed in two regions (us-east-1, eu-west-1), so that the
region losses are part of the search. The 1,000-block runs show their progress on stderr. Targets are reported,
never asserted: 40 blocks <= 2 s, 1,000 blocks <= 20 s. With ``--json`` the last line is
``{"size_40_ms": ..., "size_1000_ms": ..., "evaluations_40": ..., "evaluations_1000": ...}``.
On a machine shared with other work the figures are noisy: run it twice.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_bench import forty_blocks
from benchmarks.synthetic import synthetic_design
from mlsd.analysis.sizing import size
from mlsd.model import Design

TARGETS_MS = {"size_40_ms": 2_000.0, "size_1000_ms": 20_000.0}


def thousand_blocks() -> Design:
    data = synthetic_design(1_000)
    data["requirements"]["regions"] = ["us-east-1", "eu-west-1"]
    return Design.model_validate(data)


def _progress(fraction: float, message: str) -> None:
    sys.stderr.write(f"\r  sizing 1,000 blocks [{'#' * round(20 * fraction):<20}] {fraction:4.0%} {message[:40]:<40}")
    if fraction >= 1.0:
        sys.stderr.write("\n")
    sys.stderr.flush()


def measure(repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, design, progress in (("40", forty_blocks(), None), ("1000", thousand_blocks(), _progress)):
        times, evaluations = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            result = size(design, progress=progress)
            times.append((time.perf_counter() - started) * 1000.0)
            evaluations = result.evaluations
        out[f"size_{name}_ms"] = statistics.median(times)
        out[f"evaluations_{name}"] = evaluations
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = measure(max(1, args.repeat))
    for key, target in TARGETS_MS.items():
        verdict = "ok" if figures[key] <= target else "MISSED"
        print(f"{key:<14} {figures[key]:>10,.0f} ms  (target {target:,.0f} ms: {verdict})")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
