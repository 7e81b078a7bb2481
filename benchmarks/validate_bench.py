"""How long loading, analysing and checking a design takes at 100, 1,000 and 10,000 blocks.

Run from the repository root: ``python -m benchmarks.validate_bench [--json] [--repeat N] [--sizes 100,1000]``.
Measures the median of N runs of (a) ``mlsd.io.loads`` (parse + validate the JSON text), (b)
``mlsd.analysis.analyze`` and (c) ``mlsd.rules.check`` plus the analysis (every registered rule; the analysis
is forced once even if no rule asks for it yet). Targets are reported, never asserted:
load 10k < 1 s; rules + analysis 1k <= 100 ms and 10k <= 1.5 s. With ``--json`` the last line is one JSON
object ``{"load_ms": {...}, "analysis_ms": {...}, "validate_ms": {...}}`` keyed by size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from mlsd.analysis import analyze
from mlsd.io import loads
from mlsd.rules import all_rules, check

SIZES = (100, 1_000, 10_000)
TARGETS_MS = {("load_ms", 10_000): 1_000.0, ("validate_ms", 1_000): 100.0, ("validate_ms", 10_000): 1_500.0}


def median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def rules_and_analysis(design: object) -> object:
    report = check(design)  # type: ignore[arg-type]
    return report.context.analysis  # computed here unless a rule already did


def measure(sizes: tuple[int, ...], repeat: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {"load_ms": {}, "analysis_ms": {}, "validate_ms": {}}
    for n in sizes:
        text = json.dumps(synthetic_design(n))
        design = loads(text)
        runs = max(3, repeat // 3) if n >= 10_000 else repeat
        out["load_ms"][str(n)] = median_ms(lambda t=text: loads(t), runs)  # type: ignore[misc]
        out["analysis_ms"][str(n)] = median_ms(lambda d=design: analyze(d), runs)  # type: ignore[misc]
        out["validate_ms"][str(n)] = median_ms(lambda d=design: rules_and_analysis(d), runs)  # type: ignore[misc]
    return out


def table(results: dict[str, dict[str, float]], sizes: tuple[int, ...]) -> str:
    lines = [f"{'measure':<26}" + "".join(f"{n:>12,}" for n in sizes) + f"{'10k/1k':>9}   target"]
    names = {"load_ms": "load + validate (ms)", "analysis_ms": "analysis (ms)", "validate_ms": "rules + analysis (ms)"}
    for key, label in names.items():
        row = results[key]
        cells = "".join(f"{row[str(n)]:>12.1f}" for n in sizes)
        ratio = f"{row['10000'] / row['1000']:>8.1f}x" if "1000" in row and "10000" in row else f"{'':>9}"
        targets = [
            f"{n // 1000}k <= {limit:g} ms: {'ok' if row[str(n)] <= limit else 'MISSED'}"
            for (k, n), limit in TARGETS_MS.items()
            if k == key and str(n) in row
        ]
        lines.append(f"{label:<26}{cells}{ratio}   {'; '.join(targets)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measure (fewer at 10k blocks)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated block counts")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(f"{len(all_rules())} rules registered; synthetic layered designs, ~2 connections per block")
    for n in sizes:
        d = synthetic_design(n)
        flows: dict[str, int] = {}
        for e in d["connections"]:
            flows[e["flow"]] = flows.get(e["flow"], 0) + 1
        print(f"  {n:>6,} blocks: {len(d['connections']):,} connections {flows}")
    results = measure(sizes, args.repeat)
    print(table(results, sizes))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
