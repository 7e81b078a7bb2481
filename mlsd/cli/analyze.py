"""``python -m mlsd analyze FILE``: the numbers of a design under load, failure and cost.

For every serving path: its p99 at each ``--load`` (multiples of the peak; queueing included), the knee where it
crosses the SLA and the tier that saturates first; every tier's utilisation; the single-failure what-ifs; the
monthly cost against the budget and at each load. ``--format json`` gives the same as data (no infinity or NaN:
a saturated figure is null with a flag beside it). Exit 0, or 2 for bad input.

``--simulate`` also runs the ciw discrete-event simulation of the same network at the peak (``analysis.simulation``,
up to ``SIMULATION_BUDGET_S`` seconds) and shows each path's simulated p99 and its 95% confidence interval beside the
closed form's; its progress goes to stderr when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from mlsd.cli.common import EXIT_OK, UsageError

if TYPE_CHECKING:  # the analysis is imported when the command runs, not when the parser is built
    from mlsd.analysis import Analysis
    from mlsd.analysis.failures import Failure
    from mlsd.analysis.ramp import Ramp
    from mlsd.model import Design

DEFAULT_LOADS = "0.5,1,1.5,2,3"
SIMULATION_BUDGET_S = 15.0
MAX_LOAD = 100.0
COST_LINES_SHOWN = 8  # cost lines the text report prints (the rest summed in one line)


def parse_loads(text: str) -> tuple[float, ...]:
    """'0.5,1,2' as sorted distinct positive multiples of the peak; UsageError on anything else."""
    values = []
    for part in text.split(","):
        part = part.strip().removesuffix("x").removesuffix("×")
        try:
            value = float(part)
        except ValueError:
            raise UsageError(f"--load takes multiples of the peak such as 0.5,1,2; got {part!r}") from None
        if not math.isfinite(value) or value <= 0 or value > MAX_LOAD:
            raise UsageError(f"--load values must be above 0 and at most {MAX_LOAD:g}; got {part!r}")
        values.append(value)
    if not values:
        raise UsageError("--load needs at least one value")
    return tuple(sorted(set(values)))


def analysis_data(design: Design, loads: tuple[float, ...], simulate: bool = False,
                  progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """Everything ``analyze`` reports, as JSON-ready data; with ``simulate``, the ciw simulation at the peak too."""
    from mlsd.analysis import analyze
    from mlsd.analysis.cost import line_dict
    from mlsd.analysis.export import finite, plain
    from mlsd.analysis.failures import what_if
    from mlsd.analysis.latency import MODEL_DESCRIPTION
    from mlsd.analysis.ramp import RAMP_LOADS, ramp

    a = analyze(design)
    at = ramp(a, loads)
    knees = ramp(a, RAMP_LOADS)
    failures = what_if(a)
    titles = {c.id: c.title for c in design.components}
    req = design.requirements
    data: dict[str, Any] = {
        "design": design.name,
        "model": MODEL_DESCRIPTION,
        "peak_qps": req.peak_qps,
        "sla_ms": req.sla_p99_ms,
        "loads": list(loads),
        "paths": _paths(a, at, knees, titles),
        "tiers": _tiers(a, at, titles),
        "what_if": [_failure(f) for f in failures],
        "cost": {
            "per_month": finite(a.cost_per_month),
            "budget_per_month": a.budget_per_month,
            "over_budget": a.over_budget,
            "per_thousand_predictions": finite(a.cost_per_thousand),
            "at_loads": [finite(c) for c in at.cost_per_month],
            "biggest": [{"block": c.block, "title": titles.get(c.block, c.block), "per_month": finite(c.total)}
                        for c in sorted(a.cost, key=lambda c: -c.total)[:5]],
            "lines": [{"title": titles.get(c.block, c.block), **{k: plain(v) for k, v in line_dict(c).items()}}
                      for c in a.cost],
        },
        "kind_defaults": {t.block: list(t.kind_defaults) for t in a.capacity.values() if t.kind_defaults},
    }
    if simulate:
        _add_simulation(data, a, progress)
    return data


def _add_simulation(data: dict[str, Any], a: Analysis, progress: Callable[[float, str], None] | None) -> None:
    """The simulation at the peak: a ``simulation`` object, and each path's figures under ``simulated``."""
    from mlsd.analysis.export import finite
    from mlsd.analysis.simulation import simulate  # imports ciw: only when asked

    result = simulate(a, 1.0, time_budget_s=SIMULATION_BUDGET_S, progress=progress)
    data["simulation"] = {
        "load": result.load,
        "seed": result.seed,
        "replications": result.replications,
        "seconds": finite(result.seconds),
        "simulated_seconds": finite(result.simulated_seconds),
        "converged": result.converged,
        "note": result.note,
    }
    by_entry = {p.entry: p for p in result.paths}
    for path in data["paths"]:
        p = by_entry.get(path["entry"])
        path["simulated"] = None if p is None else {
            "load": result.load,
            "p50_ms": finite(p.p50_ms),
            "p99_ms": finite(p.p99_ms),
            "p99_ci_ms": finite(p.p99_ci_ms),
            "model_p99_ms": finite(p.model_p99_ms),
            "requests": p.requests,
            "saturated": p.p99_ms is None and p.requests == 0,
        }


def _paths(a: Analysis, at: Ramp, knees: Ramp, titles: dict[str, str]) -> list[dict[str, Any]]:
    from mlsd.analysis.export import finite

    by_entry = {p.entry: p for p in a.paths}
    out = []
    for path, knee in zip(at.paths, knees.paths, strict=True):
        peak = by_entry[path.entry]
        out.append({
            "entry": path.entry,
            "title": titles.get(path.entry, path.entry),
            "peak_qps": finite(path.peak_qps),
            "declared_p99_sum_ms": finite(peak.p99_sum_ms),
            "light_p99_ms": finite(peak.light_p99_ms),
            "p99_ms": [finite(v) for v in path.p99_ms],
            "saturated": [v is None for v in path.p99_ms],
            "knee_load": finite(knee.knee_load),
            "knee_qps": finite(knee.knee_qps),
            "knee_below_ramp": knee.knee_below_ramp,
            "first_saturated": knee.first_saturated,
            "saturation_load": finite(knee.saturation_load),
            "asynchronous": peak.asynchronous,  # judged on its lag (LAT-6): its knee is where it saturates
        })
    return out


def _tiers(a: Analysis, at: Ramp, titles: dict[str, str]) -> list[dict[str, Any]]:
    from mlsd.analysis.export import finite

    by_block = {t.block: t for t in at.tiers}
    out = []
    for t in a.capacity.values():
        if not t.queued:
            continue
        r = by_block.get(t.block)
        out.append({
            "block": t.block,
            "title": titles.get(t.block, t.block),
            "peak_qps": finite(t.peak_qps),
            "replicas": t.replicas,
            "servers": t.servers,
            "qps_per_replica": finite(t.qps_per_replica),
            "declared_qps_per_replica": finite(t.declared_qps_per_replica),
            "utilisation": finite(t.utilisation),
            "saturated": t.saturated,
            "p_wait": None if t.saturated else finite(t.p_wait),
            "wait_p99_ms": finite(t.wait_p99_ms),
            "p99_ms": finite(t.p99_ms),
            "light_p99_ms": finite(t.light_p99_ms),
            "saturation_load": finite(t.saturation_load),
            "utilisation_at_loads": [finite(u) for u in r.utilisation] if r else [],
            "replicas_at_loads": list(r.replicas) if r else [],
        })
    return out


def _failure(f: Failure) -> dict[str, Any]:
    from mlsd.analysis.export import finite

    return {
        "kind": f.kind,
        "domain": f.domain,
        "target": f.target,
        "worst": f.worst,
        "lost": list(f.lost),
        "paths": [{"entry": p.entry, "state": p.state, "p99_ms": finite(p.p99_ms), "over_sla": p.over_sla,
                   "reason": p.reason} for p in f.paths],
        "tiers": [{"block": t.block, "replicas_before": t.replicas_before, "replicas_after": t.replicas_after,
                   "utilisation_before": finite(t.utilisation_before),
                   "utilisation_after": finite(t.utilisation_after)} for t in f.tiers],
    }


def _simulated(sim: dict[str, Any]) -> str:
    if sim["p99_ms"] is None:
        return "saturated (not simulated)" if sim["saturated"] else "no requests recorded"
    ci = "" if sim["p99_ci_ms"] is None else f" ± {sim['p99_ci_ms']:.1f}"
    model = "" if sim["model_p99_ms"] is None else f"; queueing model {sim['model_p99_ms']:,.1f} ms"
    return f"p99 {sim['p99_ms']:,.1f}{ci} ms (95% CI over replications, {sim['requests']:,} requests){model}"


def _ms(v: float | None) -> str:
    return "saturated" if v is None else f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"


def render_text(data: dict[str, Any], out: TextIO) -> None:
    """The analysis as a terminal report."""
    from mlsd.analysis.cost import cost_table

    loads = data["loads"]
    sla = data["sla_ms"]
    head = f"{data['design']}: peak {data['peak_qps'] or 0:,.0f} req/s"
    out.write(head + (f", p99 SLA {sla:g} ms" if sla is not None else ", no SLA") + "\n")
    out.write(f"({data['model']})\n\nRequest paths, p99 by load (× peak)\n")
    for p in data["paths"]:
        out.write(f"  {p['title']} ({p['peak_qps'] or 0:,.0f} req/s at peak; declared p99s add up to "
                  f"{_ms(p['declared_p99_sum_ms'])}, {_ms(p['light_p99_ms'])} at light load)\n")
        out.write("    " + "  ".join(f"{x:g}×: {_ms(v)}" for x, v in zip(loads, p["p99_ms"], strict=True)) + "\n")
        if p["asynchronous"]:
            out.write("    asynchronous (fed by a queue): no SLA, judged on its lag (LAT-6)\n")
        elif p["knee_below_ramp"]:
            out.write("    over the SLA at every load of the ramp (from 0.1× peak)\n")
        elif p["knee_load"] is not None:
            out.write(f"    knee: crosses the SLA at {p['knee_load']:.2f}× peak ({p['knee_qps']:,.0f} req/s)\n")
        else:
            out.write("    holds the SLA up to 3× peak\n")
        if p["first_saturated"] is not None:
            out.write(f"    first to saturate: {p['first_saturated']} at {p['saturation_load']:.2f}× peak\n")
        sim = p.get("simulated")
        if sim is not None:
            out.write(f"    simulated at 1×: {_simulated(sim)}\n")
    out.write("\nTiers at peak (utilisation, P(wait), p99 wait, p99 with wait)\n")
    for t in data["tiers"]:
        util = "saturated" if t["saturated"] else f"{t['utilisation']:.0%}"
        wait = "—" if t["p_wait"] is None else f"{t['p_wait']:.2f}"
        out.write(f"  {t['title']}: {util} of {t['replicas']} × {t['qps_per_replica']:,.0f} req/s "
                  f"({t['servers']} servers), P(wait) {wait}, p99 wait {_ms(t['wait_p99_ms'])}, "
                  f"p99 {_ms(t['p99_ms'])}\n")
    bad = [f for f in data["what_if"] if f["worst"] != "kept" or any(p["over_sla"] for p in f["paths"])]
    out.write(f"\nSingle failures: {len(data['what_if'])} tried, {len(bad)} hurt a path\n")
    for f in bad:
        worst = next(p for p in f["paths"] if p["state"] == f["worst"])
        detail = worst["reason"] or (f"p99 {_ms(worst['p99_ms'])}, over the SLA" if worst["over_sla"] else "")
        out.write(f"  lose {f['domain']} {f['target']}: {f['worst']} — {detail}\n")
    cost = data["cost"]
    line = f"\nMonthly cost ${cost['per_month']:,.0f}"
    if cost["budget_per_month"] is not None:
        line += f" against ${cost['budget_per_month']:,.0f} ({'over' if cost['over_budget'] else 'within'} budget)"
    if cost["per_thousand_predictions"] is not None:
        line += f"; ${cost['per_thousand_predictions']:,.4f} per 1,000 predictions"
    out.write(line + "\n  at loads: " + ", ".join(f"{x:g}×: ${c:,.0f}" for x, c in zip(loads, cost["at_loads"],
                                                                                         strict=True)) + "\n")
    names = {c["block"]: c["title"] for c in cost["lines"]}
    out.write("".join(f"  {line}\n" for line in cost_table(cost["lines"], names, limit=COST_LINES_SHOWN)))
    if "simulation" in data:
        run = data["simulation"]
        state = "converged" if run["converged"] else "stopped by its time budget before every CI reached ±5%"
        out.write(f"\nSimulation: {run['replications']} replications, {run['simulated_seconds']:,.1f} s simulated in "
                  f"{run['seconds']:,.1f} s ({state}). {run['note']}\n")
    if data["kind_defaults"]:
        out.write("\nKind defaults used (declare them to make the numbers yours): "
                  + "; ".join(f"{b}: {', '.join(names)}" for b, names in data["kind_defaults"].items()) + "\n")


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.io import load_file

    loads = parse_loads(args.load)
    design = load_file(args.file)
    data = analysis_data(design, loads, args.simulate, _progress_bar(sys.stderr) if args.simulate else None)
    if args.format == "json":
        json.dump(data, out, indent=2, ensure_ascii=False, allow_nan=False)
        out.write("\n")
    else:
        render_text(data, out)
    return EXIT_OK


def _progress_bar(err: TextIO) -> Callable[[float, str], None] | None:
    """Progress on stderr, only when it is a terminal (a pipe or a log gets nothing)."""
    if not err.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        filled = round(20 * fraction)
        err.write(f"\rsimulating [{'#' * filled}{'.' * (20 - filled)}] {fraction:4.0%} {message[:60]:<60}")
        if fraction >= 1.0:
            err.write("\n")
        err.flush()

    return show


def add_analyze_parser(sub: Any) -> None:
    """The ``analyze`` command."""
    p = sub.add_parser("analyze", help="numbers under load: p99 per path by load, knee, utilisation, failures, cost")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--load", default=DEFAULT_LOADS, help=f"multiples of the peak, comma-separated (default "
                   f"{DEFAULT_LOADS})")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--simulate", action="store_true", help="also simulate the design at its peak with ciw (discrete "
                   f"events, up to {SIMULATION_BUDGET_S:g} s) and show the simulated p99 beside the model's")
    p.set_defaults(func=_run)
