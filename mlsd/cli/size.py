"""``python -m mlsd size FILE [--write OUT] [--format text|json]``: the cheapest replicas per tier that hold.

Searches the design's own knobs (``mlsd.analysis.sizing``) for the cheapest configuration that meets the SLA at
peak × (1 + headroom) with queueing, survives any single zone loss and fits the budget, and prints it as a diff
of the design (``mlsd.diff``) with the monthly cost before and after and, per tier, the constraint one replica
fewer would break; or names the constraint that cannot be met and by how much. ``--write OUT`` saves the sized
design. Progress goes to stderr when stderr is a terminal. Exit 0 when every constraint is met, 1 when one
cannot be, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from mlsd.cli.common import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from mlsd.analysis.sizing import SizingResult

BINDING = {"capacity": "carries peak × (1 + headroom) (CAP-1)", "sla": "keeps the p99 within the SLA at peak × "
           "(1 + headroom)", "zone": "survives the loss of a zone", "floor": "one replica, the least a tier runs",
           "kept": "an autoscaling ceiling that reaches the peak; billed at its floor, kept"}


def sizing_data(result: SizingResult, diff_lines: list[str]) -> dict[str, Any]:
    """The sizing as JSON-ready data."""
    return {
        "design": result.before.name,
        "feasible": result.feasible,
        "load": result.load,
        "cost_before": result.cost_before,
        "cost_after": result.cost_after,
        "budget_per_month": result.budget,
        "changes": [vars(c) for c in result.changes],
        "tiers": [vars(c) for c in result.tiers],
        "shortfalls": [vars(s) for s in result.shortfalls],
        "hit_rates": [{"block": b, "old": old, "new": new} for b, old, new in result.hit_rates],
        "batch_sizes": [{"block": b, "old": old, "new": new} for b, old, new in result.batches],
        "shards": [{"block": b, "old": old, "new": new} for b, old, new in result.shards],
        "diff": diff_lines,
        "evaluations": result.evaluations,
        "seconds": result.seconds,
    }


def render_text(data: dict[str, Any], names: dict[str, str], out: TextIO) -> None:
    """The sizing as a terminal report."""
    out.write(f"{data['design']}: sized for the SLA at {data['load']:g}× peak, any single zone loss"
              + (f" and a ${data['budget_per_month']:,.0f} budget" if data["budget_per_month"] is not None else "")
              + "\n")
    delta = data["cost_after"] - data["cost_before"]
    out.write(f"cost ${data['cost_before']:,.0f}/month -> ${data['cost_after']:,.0f}/month "
              f"({'+' if delta >= 0 else '-'}${abs(delta):,.0f})\n")
    if data["changes"] or data["hit_rates"] or data["batch_sizes"] or data["shards"]:
        out.write("\nChanges (one replica fewer would break what the bracket says)\n")
        for c in data["changes"]:
            out.write(f"  {names.get(c['block'], c['block'])}: {c['prop']} {c['old']} -> {c['new']} "
                      f"[{BINDING.get(c['binding'], c['binding'])}]\n")
    else:
        out.write("\nNo change: every tier is already at its cheapest.\n")
    for h in data["hit_rates"]:
        out.write(f"  {names.get(h['block'], h['block'])}: hit_rate {h['old']:g} -> {h['new']:g} (its declared "
                  "achievable_hit_rate)\n")
    for h in data["batch_sizes"]:
        out.write(f"  {names.get(h['block'], h['block'])}: batch_size {h['old']} -> {h['new']} (its batch cost "
                  "model: fewer replicas hold the SLA)\n")
    for h in data["shards"]:
        out.write(f"  {names.get(h['block'], h['block'])}: shards {h['old']} -> {h['new']} (to hold storage_gb in "
                  "memory_gb_per_replica)\n")
    if data["diff"]:
        out.write("\nDiff\n" + "".join(f"  {line}\n" for line in data["diff"]))
    if data["shortfalls"]:
        out.write("\nCannot be met\n")
        for s in data["shortfalls"]:
            out.write(f"  {s['constraint']} ({s['subject']}): {s['message']}\n")


def _progress_bar(err: TextIO) -> Callable[[float, str], None] | None:
    """Progress on stderr, only when it is a terminal."""
    if not err.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        filled = round(20 * fraction)
        err.write(f"\rsizing [{'#' * filled}{'.' * (20 - filled)}] {fraction:4.0%} {message[:50]:<50}")
        if fraction >= 1.0:
            err.write("\n")
        err.flush()

    return show


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.analysis.sizing import size
    from mlsd.diff import diff_designs
    from mlsd.io import load_file, save_file

    design = load_file(args.file)
    result = size(design, progress=_progress_bar(sys.stderr))
    diff = diff_designs(result.before, result.after)
    data = sizing_data(result, diff.lines())
    if args.write:
        save_file(result.after, args.write)
    if args.format == "json":
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        render_text(data, {c.id: c.title for c in design.components}, out)
    return EXIT_OK if result.feasible else EXIT_FINDINGS


def add_size_parser(sub: Any) -> None:
    """The ``size`` command."""
    p = sub.add_parser("size", help="the cheapest replicas per tier that meet the SLA at peak × headroom, survive a "
                       "zone loss and fit the budget")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--write", metavar="OUT", help="save the sized design to OUT")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_run)
