"""How long ``python -m mlsd validate`` takes as CI runs it: a fresh process per run, wall clock, every format.

Run from the repository root:
``python -m benchmarks.cli_bench [--json] [--repeat N] [--sizes 10,1000,10000] [--sound 1000,10000]``.
For each synthetic layered design (``benchmarks.synthetic``) and each format (text, json, sarif, junit) it runs
``python -m mlsd validate FILE --format F --fail-on never`` N times, output to a file, and reports the median and
the fastest wall time, the median CPU time (user + system: steadier than wall time on a busy machine, and above
it when a run uses more than one core) and the output's size; in the same run, ``python -c pass`` gives the floor
(the interpreter starting and stopping), and ``python -m mlsd --version`` the cost of reaching our code. Targets
are reported, never asserted: 10 blocks <= 250 ms, 1,000 <= 300 ms, 10,000 <= 1.5 s in every format; the
10,000-block JSON <= 3 MB. The targets are judged on the synthetic design, the one measured since issue 16 was
filed (about two findings per block: 21,987 at 10,000 blocks); ``--sound 1000,10000`` (the default) also measures
a sound design of the same sizes, copies of designs/reference/video_recommendations.json (one finding), for what a
design under review costs. With ``--json`` the last line is one JSON object of every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design, tiled_reference_design

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 1_000, 10_000)
SOUND_SIZES = (1_000, 10_000)  # the tiled reference design: one copy has 30 blocks
FORMATS = ("text", "json", "sarif", "junit")
TARGET_MS = {10: 250.0, 1_000: 300.0, 10_000: 1_500.0}
TARGET_JSON_BYTES = 3_000_000


CPU_MS: list[float] = []  # the median CPU time (user + system) of each measure, in order: steadier under load
BYTECODE_CACHE = True  # runs keep Python's bytecode cache, as an installed package or a checkout does


def wall_ms(cmd: list[str], repeat: int, out_path: Path | None = None) -> tuple[float, float]:
    """(median, fastest) wall milliseconds of ``cmd`` run ``repeat`` times (stdout to ``out_path``), after one
    untimed warm-up run that writes the bytecode cache (unless ``--no-bytecode-cache``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if BYTECODE_CACHE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env, check=False)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    times, cpu = [], []
    for _ in range(repeat):
        with open(out_path or os.devnull, "w", encoding="utf-8") as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT, env=env, check=False)
            times.append((time.perf_counter() - start) * 1e3)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3)
    CPU_MS.append(statistics.median(cpu))
    return statistics.median(times), min(times)


def measure(sizes: tuple[int, ...], repeat: int, sound: tuple[int, ...] = ()) -> dict[str, object]:
    """Every figure: ``validate`` on the synthetic design by size and format; ``validate_sound`` likewise on the
    tiled reference design (``benchmarks.synthetic.tiled_reference_design``, sound: few findings) for ``sound``."""
    py = sys.executable
    results: dict[str, object] = {
        "floor_ms": wall_ms([py, "-c", "pass"], repeat)[0],
        "version_ms": wall_ms([py, "-m", "mlsd", "--version"], repeat)[0],
    }
    with tempfile.TemporaryDirectory() as tmp:
        results["validate"] = _validate_runs(Path(tmp), sizes, repeat, synthetic_design)
        if sound:
            results["validate_sound"] = _validate_runs(Path(tmp), sound, repeat, tiled_reference_design)
    return results


def _validate_runs(tmp: Path, sizes: tuple[int, ...], repeat: int, make: Callable[[int], dict[str, Any]]
                   ) -> dict[str, dict[str, dict[str, float]]]:
    py = sys.executable
    runs: dict[str, dict[str, dict[str, float]]] = {}
    for n in sizes:
        design = tmp / f"design_{n}.json"
        design.write_text(json.dumps(make(n)), encoding="utf-8")
        out = tmp / "out"
        times = max(3, repeat // 3) if n >= 10_000 else repeat
        for fmt in FORMATS:
            cmd = [py, "-m", "mlsd", "validate", str(design), "--format", fmt, "--fail-on", "never"]
            median, fastest = wall_ms(cmd, times, out)
            runs.setdefault(str(n), {})[fmt] = {"median_ms": median, "min_ms": fastest,
                                                "cpu_ms": CPU_MS[-1], "bytes": out.stat().st_size}
    return runs


def table(results: dict[str, object]) -> str:
    lines = [f"python -c pass (floor): {results['floor_ms']:.0f} ms; python -m mlsd --version: "
             f"{results['version_ms']:.0f} ms",
             f"{'blocks':>7} {'format':<6} {'median':>9} {'fastest':>9} {'cpu':>9} {'output':>10}   target"]
    for key, heading in (("validate", "synthetic design (benchmarks.synthetic; ~2 findings per block)"),
                         ("validate_sound", "tiled reference design (sound; reported, no target)")):
        runs = results.get(key)
        if not isinstance(runs, dict):
            continue
        lines.append(heading)
        for n, by_fmt in runs.items():
            for fmt, row in by_fmt.items():
                limit = TARGET_MS.get(int(n)) if key == "validate" else None
                verdict = f"<= {limit:g} ms: {'ok' if row['median_ms'] <= limit else 'MISSED'}" if limit else ""
                if key == "validate" and fmt == "json" and int(n) == 10_000:
                    ok = row["bytes"] <= TARGET_JSON_BYTES
                    verdict += f"; <= 3 MB: {'ok' if ok else 'MISSED'}"
                lines.append(f"{int(n):>7,} {fmt:<6} {row['median_ms']:>7.0f}ms {row['min_ms']:>7.0f}ms "
                             f"{row.get('cpu_ms', float('nan')):>7.0f}ms "
                             f"{row['bytes'] / 1e6:>8.2f}MB   {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--repeat", type=int, default=9, help="runs per measure (a third of it at 10k blocks)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated block counts")
    parser.add_argument("--sound", default=",".join(map(str, SOUND_SIZES)),
                        help="block counts of the tiled reference design, also measured ('' for none)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile mlsd from source in every run (PYTHONDONTWRITEBYTECODE=1)")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}")
    global BYTECODE_CACHE
    BYTECODE_CACHE = not args.no_bytecode_cache
    if BYTECODE_CACHE:
        print("runs keep the bytecode cache (__pycache__), as an installed package or a checkout does after its "
              "first run; --no-bytecode-cache compiles mlsd from source in every run")
    else:
        print("no bytecode cache: every run compiles mlsd from source (PYTHONDONTWRITEBYTECODE=1)")
    sound = tuple(int(x) for x in args.sound.split(",") if x.strip())
    results = measure(sizes, args.repeat, sound)
    print(table(results))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
