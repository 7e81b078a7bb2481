"""Every benchmark of MLSD Whiteboard in one run, against its targets, on this machine.

    python benchmarks/run.py [--json] [--designs 10000] [--quick]

Measures, in this process and in this order (medians; nothing is asserted, misses are reported):
- ``validate_ms``: rules plus analysis on synthetic layered designs of 100, 1,000 and 10,000 blocks
  (``benchmarks.validate_bench``); targets 1k <= 100 ms, 10k <= 1.5 s;
- ``ramp_ms``: a 20-point load ramp on 1,000 blocks, and ``what_if_ms``: every single-failure what-if of a
  40-block design (``benchmarks.load_bench``); targets 300 ms and 1 s;
- ``simulation_ms``: a ciw simulation of designs/video_recommendations.json to ±5% on each path's p99
  (``benchmarks.simulation_bench``, median of three seeds); target 15 s;
- ``render_dot_ms``: ``to_dot`` on 1,000 blocks (``benchmarks.render_bench``);
- ``size_ms``: ``size`` (the cheapest configuration that holds) on the 40-block design and on a synthetic
  1,000-block one in two regions, progress shown on stderr (``benchmarks.size_bench``); targets 40 blocks <= 2 s,
  1,000 blocks <= 20 s;
- ``store_save_ms``, ``store_open_ms``, ``store_search_ms``: a library of ``--designs`` designs
  (``benchmarks.store_bench``; filling it takes about a minute); targets save <= 10 ms, search <= 50 ms;
- ``board_rerun_ms``: an AppTest rerun of the board page holding a 100-block design, and ``hello_rerun_ms``: an
  AppTest rerun of a one-line page, so the ratio shows what is ours and what is Streamlit's
  (``benchmarks.board_bench``); target board <= 150 ms;
- ``cli_validate_ms``: ``python -m mlsd validate`` as CI runs it, a fresh process per run, on 10, 1,000 and 10,000
  blocks, the slowest format's median (text, json, sarif, junit; ``benchmarks.cli_bench``, whose full table,
  ``cli``, is in the JSON line), beside ``cli_floor_ms`` (``python -c pass``, same run); targets 10 <= 250 ms,
  1,000 <= 300 ms, 10,000 <= 1.5 s; and ``cli_json_mb``: the 10,000-block JSON report, target <= 3 MB.
Prints a table (also in Markdown with ``--markdown``); with ``--json`` the last line is one JSON object of every
figure plus the machine's facts.
``--quick`` uses 1,000 designs and fewer repeats (for trying it out; the targets are about the full run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (
    board_bench,
    cli_bench,
    load_bench,
    render_bench,
    simulation_bench,
    size_bench,
    store_bench,
    validate_bench,
)

TARGETS_MS: dict[str, float] = {
    "validate_ms.1000": 100.0,
    "validate_ms.10000": 1_500.0,
    "ramp_ms": 300.0,
    "what_if_ms": 1_000.0,
    "simulation_ms": 15_000.0,
    "size_ms.40": 2_000.0,
    "size_ms.1000": 20_000.0,
    "store_save_ms": 10.0,
    "store_open_ms": 10.0,
    "store_search_ms": 50.0,
    "board_rerun_ms": 150.0,
    **{f"cli_validate_ms.{n}": limit for n, limit in cli_bench.TARGET_MS.items()},
}
TARGETS_MB: dict[str, float] = {"cli_json_mb.10000": cli_bench.TARGET_JSON_BYTES / 1e6}
SIMULATED = Path(__file__).resolve().parent.parent / "designs" / "video_recommendations.json"
SIMULATED_BLOCKS = len(json.loads(SIMULATED.read_text(encoding="utf-8"))["components"])
LABELS = {
    "validate_ms.100": "rules + analysis, 100 blocks",
    "validate_ms.1000": "rules + analysis, 1,000 blocks",
    "validate_ms.10000": "rules + analysis, 10,000 blocks",
    "load_ms.10000": "load + validate JSON, 10,000 blocks",
    "ramp_ms": "20-point load ramp, 1,000 blocks",
    "what_if_ms": "every single failure, 40 blocks",
    "simulation_ms": f"ciw simulation to ±5% on p99, {SIMULATED_BLOCKS} blocks",
    "render_dot_ms": "to_dot, 1,000 blocks",
    "size_ms.40": "size (cheapest that holds), 40 blocks",
    "size_ms.1000": "size, 1,000 blocks in 2 regions",
    "store_save_ms": "save a revision (checks included)",
    "store_open_ms": "open a design",
    "store_search_ms": "full-text search",
    "store_list_ms": "list a page of 50",
    "board_rerun_ms": "board page rerun, 100 blocks",
    "board_script_ms": "  of which the page script",
    "hello_rerun_ms": "bare one-line page rerun",
    "cli_floor_ms": "python -c pass (the floor)",
    "cli_validate_ms.10": "mlsd validate, 10 blocks (slowest format)",
    "cli_validate_ms.1000": "mlsd validate, 1,000 blocks (slowest format)",
    "cli_validate_ms.10000": "mlsd validate, 10,000 blocks (slowest format)",
    "cli_json_mb.10000": "mlsd validate JSON report, 10,000 blocks",
}


def machine() -> dict[str, Any]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(terse=True),
            "cpus": os.cpu_count(), "load_1min": None if load is None else round(load, 2),
            "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}


def measure(designs: int, quick: bool) -> dict[str, Any]:
    """Run every benchmark; the figures, keyed as in the JSON line."""
    out: dict[str, Any] = {}
    step = "validate"
    print(f"[{step}] rules + analysis at 100 / 1,000 / 10,000 blocks ...", flush=True)
    v = validate_bench.measure(validate_bench.SIZES, repeat=3 if quick else 7)
    out["validate_ms"] = v["validate_ms"]
    out["analysis_ms"] = v["analysis_ms"]
    out["load_ms"] = v["load_ms"]
    print("[load] 20-point ramp at 1,000 blocks, single-failure what-ifs at 40 blocks ...", flush=True)
    loads = load_bench.measure(repeat=3 if quick else 7)
    out["ramp_ms"] = loads["ramp_ms"]
    out["what_if_ms"] = loads["what_if_ms"]
    print("[simulation] ciw on designs/video_recommendations.json to ±5% on each path's p99 ...", flush=True)
    sim = simulation_bench.measure(simulation_bench.DEFAULT_DESIGN, [0] if quick else [0, 1, 2])
    out["simulation_ms"] = 1000.0 * sorted(r["seconds"] for r in sim["runs"])[len(sim["runs"]) // 2]
    print("[render] to_dot at 1,000 blocks ...", flush=True)
    out["render_dot_ms"] = render_bench.measure((1_000,), repeat=5 if quick else 15)["to_dot_ms"]["1000"]
    print("[size] the cheapest configuration that holds, at 40 and 1,000 blocks ...", flush=True)
    sized = size_bench.measure(1 if quick else 3)
    out["size_ms"] = {"40": sized["size_40_ms"], "1000": sized["size_1000_ms"]}
    out["size_evaluations"] = {"40": sized["evaluations_40"], "1000": sized["evaluations_1000"]}
    print(f"[store] filling a library of {designs:,} designs, then timing it ...", flush=True)
    store, facts = store_bench.measure(designs, repeat=50 if quick else 200)
    out.update(store)
    out["store_facts"] = facts
    print("[board] AppTest reruns of the board (100 blocks) and of a bare page ...", flush=True)
    repeat = 10 if quick else 30
    out.update(board_bench.board(100, repeat))
    out["hello_rerun_ms"] = board_bench.hello(repeat)
    print("[cli] python -m mlsd validate at 10 / 1,000 / 10,000 blocks, a fresh process per run, every format ...",
          flush=True)
    out.update(cli_figures(cli_bench.measure(cli_bench.SIZES, repeat=3 if quick else 9)))
    return out


def cli_figures(cli: dict[str, Any]) -> dict[str, Any]:
    """The CLI benchmark's headline figures (the slowest format's median per size; the 10,000-block JSON's size)
    and its full table under ``cli``."""
    runs = cli["validate"]
    return {
        "cli": cli,
        "cli_floor_ms": cli["floor_ms"],
        "cli_validate_ms": {n: max(row["median_ms"] for row in by_fmt.values()) for n, by_fmt in runs.items()},
        "cli_json_mb": {n: by_fmt["json"]["bytes"] / 1e6 for n, by_fmt in runs.items()},
    }


def figure(results: dict[str, Any], key: str) -> float:
    name, _, size = key.partition(".")
    value = results[name][size] if size else results[name]
    return float(value)


def missed(results: dict[str, Any]) -> list[str]:
    return [key for key, limit in {**TARGETS_MS, **TARGETS_MB}.items() if figure(results, key) > limit]


def _unit(key: str) -> str:
    return "MB" if key in TARGETS_MB else "ms"


def table(results: dict[str, Any]) -> str:
    lines = [f"{'measure':<46}{'median':>11}   target", "-" * 72]
    for key, label in LABELS.items():
        value = figure(results, key)
        limit = TARGETS_MS.get(key, TARGETS_MB.get(key))
        unit = _unit(key)
        verdict = "" if limit is None else f"<= {limit:g} {unit}  {'ok' if value <= limit else 'MISSED'}"
        lines.append(f"{label:<46}{value:>8.1f} {unit}   {verdict}")
    ratio = results["board_rerun_ms"] / results["hello_rerun_ms"]
    lines.append(f"board rerun / bare page rerun: {ratio:.1f}x")
    return "\n".join(lines)


def markdown_table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table (for the README)."""
    lines = ["| measure | median | target |", "|---|---:|---|"]
    for key, label in LABELS.items():
        value = figure(results, key)
        limit = TARGETS_MS.get(key, TARGETS_MB.get(key))
        unit = _unit(key)
        verdict = "" if limit is None else f"≤ {limit:g} {unit} {'✓' if value <= limit else '✗ missed'}"
        lines.append(f"| {label.strip()} | {value:.1f} {unit} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--designs", type=int, default=None, help="designs in the library (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="smaller library, fewer repeats")
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    args = parser.parse_args(argv)
    designs = args.designs or (1_000 if args.quick else 10_000)
    facts = machine()
    print(f"MLSD Whiteboard benchmarks · Python {facts['python']} · {facts['platform']} · {facts['cpus']} CPUs · "
          f"load {facts['load_1min']} · {facts['date']} UTC", flush=True)
    start = time.perf_counter()
    results = measure(designs, args.quick)
    results = _rounded(results)
    print()
    print(table(results))
    misses = missed(results)
    took = time.perf_counter() - start
    targets = len(TARGETS_MS) + len(TARGETS_MB)
    print(f"{targets - len(misses)} of {targets} targets met"
          + (f"; MISSED: {', '.join(misses)}" if misses else "") + f" · {took:.0f} s in all")
    if args.markdown:
        print()
        print(markdown_table(results))
    if args.json:
        print(json.dumps({**results, "targets_ms": TARGETS_MS, "targets_mb": TARGETS_MB, "missed": misses,
                          "machine": facts,
                          "quick": args.quick, "seconds": round(took)}))
    return 0


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    raise SystemExit(main())
