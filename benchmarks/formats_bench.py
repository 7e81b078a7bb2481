"""How long interchange takes: export and import of a 1,000-block design in each format (``mlsd.formats``).

Run from the repository root: ``python -m benchmarks.formats_bench [--json] [--repeat N] [--sizes 1000]``.
Prints the median wall-clock and CPU time of N runs of ``dump`` (export) and of ``load`` + ``Draft.build``
(import, validation included) for JSON, YAML, Mermaid, draw.io and Excalidraw on synthetic layered designs
(``benchmarks.synthetic``) with their positions. Target (issue 15), reported, never asserted: each export and
import of 1,000 blocks <= 200 ms. With ``--json`` the last line is one JSON object keyed by measure, then size.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import statistics
import time
from collections.abc import Callable

from benchmarks.synthetic import synthetic_design
from mlsd.formats import dump, load
from mlsd.formats.layout import auto_layout
from mlsd.model import Design

FORMATS = ("json", "yaml", "mermaid", "drawio", "excalidraw")
TARGET_MS = 200.0


def median_ms(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time (this process) of ``repeat`` runs, ms: on a machine shared with
    other work the CPU time is the steadier figure."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def measure(sizes: tuple[int, ...], repeat: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for n in sizes:
        design = Design.model_validate(synthetic_design(n))
        spots = auto_layout(design)
        design = design.model_copy(update={"components": [
            c.model_copy(update={"position": c.position.model_copy(update={"x": spots[c.id][0],
                                                                           "y": spots[c.id][1]})})
            for c in design.components]})
        for fmt in FORMATS:
            text = dump(design, fmt)
            assert load(text, fmt).build() == design, fmt
            for key, func in ((f"{fmt}_export", lambda f=fmt, d=design: dump(d, f)),
                              (f"{fmt}_import", lambda f=fmt, t=text: load(t, f).build())):
                wall, cpu = median_ms(func, repeat)
                out.setdefault(f"{key}_ms", {})[str(n)] = wall
                out.setdefault(f"{key}_cpu_ms", {})[str(n)] = cpu
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measure")
    parser.add_argument("--sizes", default="1000", help="comma-separated block counts")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    results = measure(sizes, args.repeat)
    print(f"{'measure (median ms)':<24}" + "".join(f"{n:>10,}" for n in sizes) + f"   target <= {TARGET_MS:g} ms")
    for key, row in results.items():
        verdict = "ok" if row.get("1000", 0.0) <= TARGET_MS else "MISSED"
        print(f"{key:<24}" + "".join(f"{row[str(n)]:>10.1f}" for n in sizes) + f"   {verdict}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
