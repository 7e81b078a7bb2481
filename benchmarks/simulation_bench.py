"""How long the ciw simulation of a whole design takes to pin each path's p99 to ±5% (95% CI).

Run from the repository root: ``python -m benchmarks.simulation_bench [--json] [--design FILE] [--seeds 0,1,2]
[--stock]``. For each seed, ``mlsd.analysis.simulation.simulate`` runs on the design (default
designs/video_recommendations.json: 35 blocks, 12 queued tiers, 4,506 servers at its peak of 50,000 req/s) at its
peak with ``target_ci=0.05`` and a 60 s budget, and prints the wall time, replications, requests and the CI reached
beside the p99s. Target: ≤ 15 s on a 2-core machine (reported, never asserted). ``--stock`` also times one
replication with ciw's own ``Node`` and ``Server`` in place of the heap-based ones (same records, slower), to show
what they save. With ``--json`` the last line is one JSON object of every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ciw

from mlsd.analysis import analyze
from mlsd.analysis import simulation as sim
from mlsd.analysis.simulation.nodes import FastServer
from mlsd.analysis.simulation.plan import make_plan
from mlsd.analysis.simulation.replication import ciw_network
from mlsd.io import load_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DESIGN = ROOT / "designs" / "video_recommendations.json"
TARGET_S = 15.0
TARGET_CI = 0.05


def measure(design_path: Path, seeds: list[int]) -> dict[str, Any]:
    design = load_file(design_path)
    a = analyze(design)
    assert a.model is not None
    plan = make_plan(a.model, 1.0)
    runs = []
    for seed in seeds:
        result = sim.simulate(a, 1.0, seed, target_ci=TARGET_CI, time_budget_s=60.0)
        runs.append({
            "seed": seed,
            "seconds": result.seconds,
            "replications": result.replications,
            "simulated_seconds": result.simulated_seconds,
            "converged": result.converged,
            "paths": [{"entry": p.entry, "requests": p.requests, "p99_ms": p.p99_ms, "p99_ci_ms": p.p99_ci_ms,
                       "ci_relative": (p.p99_ci_ms / p.p99_ms) if p.p99_ms and p.p99_ci_ms else None,
                       "model_p99_ms": p.model_p99_ms} for p in result.paths],
        })
    return {
        "design": design_path.name,
        "blocks": len(design.components),
        "ciw_nodes": len(plan.tiers),
        "servers": sum(t.servers for t in plan.tiers),
        "warmup_ms": plan.warmup_ms,
        "window_ms": plan.window_ms,
        "runs": runs,
    }


def stock_replication(design_path: Path) -> dict[str, float]:
    """One replication with ciw's own Node and Server, and one with ours, on the same seed."""
    a = analyze(load_file(design_path))
    assert a.model is not None
    plan = make_plan(a.model, 1.0)
    out: dict[str, float] = {}
    for label in ("fast", "stock"):
        network, node_classes, _ = ciw_network(plan, random.Random(1))
        kw: dict[str, Any] = {"node_class": node_classes, "server_class": FastServer} if label == "fast" else {}
        ciw.seed(2)
        q = ciw.Simulation(network, **kw)
        start = time.perf_counter()
        q.simulate_until_max_time(plan.warmup_ms + plan.window_ms + plan.drain_ms)
        out[f"{label}_s"] = time.perf_counter() - start
        out[f"{label}_visits"] = float(len(q.get_all_records()))
    return out


def report(results: dict[str, Any]) -> str:
    lines = [f"{results['design']}: {results['blocks']} blocks, {results['ciw_nodes']} ciw nodes, "
             f"{results['servers']:,} servers; warm-up {results['warmup_ms']:.0f} ms, window "
             f"{results['window_ms']:.0f} ms of simulated time per replication; "
             f"target ±{TARGET_CI:.0%} on every p99 in ≤ {TARGET_S:g} s"]
    for run in results["runs"]:
        ok = "ok" if run["converged"] and run["seconds"] <= TARGET_S else "MISSED"
        lines.append(f"  seed {run['seed']}: {run['seconds']:.1f} s wall, {run['replications']} replications, "
                     f"{run['simulated_seconds']:.2f} s simulated, converged {run['converged']} ({ok})")
        for p in run["paths"]:
            if p["p99_ms"] is None:
                lines.append(f"    {p['entry']}: saturated")
                continue
            lines.append(f"    {p['entry']}: {p['requests']:,} requests, p99 {p['p99_ms']:.1f} ± "
                         f"{p['p99_ci_ms']:.2f} ms (±{p['ci_relative']:.1%}); "
                         f"queueing model {p['model_p99_ms']:.1f} ms")
    if "stock" in results:
        s = results["stock"]
        lines.append(f"  one replication: {s['fast_s']:.2f} s with the heap-based nodes, {s['stock_s']:.2f} s with "
                     f"ciw's own ({s['stock_s'] / s['fast_s']:.1f}x), {s['fast_visits']:,.0f} visits each")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--design", type=Path, default=DEFAULT_DESIGN)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds, one run each")
    parser.add_argument("--stock", action="store_true", help="also time one replication with ciw's own Node")
    args = parser.parse_args(argv)
    results = measure(args.design, [int(s) for s in args.seeds.split(",")])
    if args.stock:
        results["stock"] = stock_replication(args.design)
    results["machine"] = {"cpus": os.cpu_count(), "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    print(report(results))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
