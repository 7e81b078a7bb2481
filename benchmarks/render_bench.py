"""How long rendering a design takes: ``to_dot`` on 1,000 blocks first, then the other formats and the layout.

Run from the repository root: ``python -m benchmarks.render_bench [--json] [--repeat N] [--sizes 1000,10000]``.
Prints the median of N runs of ``to_dot``, ``to_mermaid``, ``to_svg`` (with the blocks' saved positions),
``auto_layout`` and ``to_markdown`` (given a ready report and analysis, so only the rendering is timed) on
synthetic layered designs (``benchmarks.synthetic``). Targets are reported, never asserted: ``to_dot`` 1k <=
50 ms, ``auto_layout`` 10k <= 1 s. With ``--json`` the last line is one JSON object keyed by measure, then size.
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
from mlsd.formats.dot import to_dot
from mlsd.formats.layout import auto_layout
from mlsd.formats.markdown import to_markdown
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.svg import to_svg
from mlsd.model import Design
from mlsd.rules import check

SIZES = (1_000, 10_000)
TARGETS_MS = {("to_dot_ms", 1_000): 50.0, ("auto_layout_ms", 10_000): 1_000.0}


def median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def measure(sizes: tuple[int, ...], repeat: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for n in sizes:
        design = Design.model_validate(synthetic_design(n))
        report = check(design)
        analysis = report.context.analysis
        runs = max(3, repeat // 3) if n >= 10_000 else repeat
        funcs: dict[str, Callable[[], object]] = {
            "to_dot_ms": lambda d=design: to_dot(d),  # type: ignore[misc]
            "to_mermaid_ms": lambda d=design: to_mermaid(d),  # type: ignore[misc]
            "to_svg_ms": lambda d=design: to_svg(d),  # type: ignore[misc]
            "auto_layout_ms": lambda d=design: auto_layout(d),  # type: ignore[misc]
            "to_markdown_ms": lambda d=design, r=report, a=analysis: to_markdown(d, r, a),  # type: ignore[misc]
        }
        for key, func in funcs.items():
            out.setdefault(key, {})[str(n)] = median_ms(func, runs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--repeat", type=int, default=9, help="runs per measure (fewer at 10k blocks)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated block counts")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    results = measure(sizes, args.repeat)
    if "1000" in results["to_dot_ms"]:
        print(f"to_dot median on 1,000 blocks: {results['to_dot_ms']['1000']:.1f} ms")
    print(f"{'measure (median ms)':<22}" + "".join(f"{n:>12,}" for n in sizes) + "   target")
    for key, row in results.items():
        targets = [
            f"{n // 1000}k <= {limit:g} ms: {'ok' if row[str(n)] <= limit else 'MISSED'}"
            for (k, n), limit in TARGETS_MS.items()
            if k == key and str(n) in row
        ]
        print(f"{key:<22}" + "".join(f"{row[str(n)]:>12.1f}" for n in sizes) + f"   {'; '.join(targets)}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
