"""The analysis as plain JSON-ready data: every number finite or null, saturation as a flag beside it."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from mlsd.analysis.capacity import TierCapacity
from mlsd.analysis.cost import line_dict
from mlsd.analysis.network import Analysis

TIER_FIELDS = tuple(f.name for f in fields(TierCapacity))  # looked up once, not once per tier


def finite(x: float | None) -> float | None:
    """``x`` when it is a finite number, else None (JSON has no infinity or NaN)."""
    return x if x is None or math.isfinite(x) else None


def plain(value: Any) -> Any:
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def _tier_row(tier: TierCapacity) -> dict[str, Any]:
    """One tier as ``{field: plain(value)}`` in field order; read from the instance's dict, with a fast path for
    the ints, bools, strings and None that most fields hold (``plain`` on each is a third of a 10,000-block
    report's JSON)."""
    values = vars(tier)
    row = {}
    for name in TIER_FIELDS:
        value = values[name]
        kind = type(value)
        row[name] = value if kind is int or kind is bool or kind is str or value is None else plain(value)
    return row


def analysis_to_dict(analysis: Analysis, detail: bool = True) -> dict[str, Any]:
    """The analysis as plain JSON-ready data (non-finite numbers become null). Without ``detail``, each path
    leaves out the blocks and connections it can reach (its critical chain names it) and ``cost`` (every block's
    cost line; ``cost_per_month`` is their total) is left out: what ``validate --format json`` writes unless
    ``--verbose``."""
    out = {
        "paths": [
            {
                "entry": p.entry,
                **({"blocks": list(p.blocks), "connections": list(p.connections)} if detail else {}),
                "critical": list(p.critical),
                "contributions": [{"block": b, "p99_ms": finite(ms)} for b, ms in p.contributions],
                "p99_sum_ms": finite(p.p99_sum_ms),
                "p50_sum_ms": finite(p.p50_sum_ms),
                "light_p50_ms": finite(p.light_p50_ms),
                "light_p99_ms": finite(p.light_p99_ms),
                "p50_ms": finite(p.p50_ms),
                "p99_ms": finite(p.p99_ms),
                "saturated": bool(p.saturated),
                "saturated_tiers": list(p.saturated),
                "peak_qps": finite(p.peak_qps),
                "sla_ms": p.sla_ms,  # None on an asynchronous path (judged on its lag, LAT-6)
                "asynchronous": p.asynchronous,
                "over_sla": p.over_sla,
                "missing_latency": list(p.missing_latency),
            }
            for p in analysis.paths
        ],
        "capacity": [_tier_row(t) for t in analysis.capacity.values()],
        "cost": [{k: plain(v) for k, v in line_dict(line).items()} for line in analysis.cost] if detail else None,
        "batch": [
            {
                "block": job.block,
                "workers": job.workers,
                "items_per_run": finite(job.items_per_run),
                "items_from": job.items_from,
                "items_per_sec_per_replica": finite(job.items_per_sec_per_replica),
                "hours_needed": finite(job.hours_needed),
                "hours_per_run": finite(job.hours_declared),
                "period_hours": finite(job.period_hours),
                "period_from": job.period_from,
                "workers_to_fit": job.workers_to_fit,
            }
            for job in analysis.batch.values()
        ],
        "cost_per_month": finite(analysis.cost_per_month),
        "budget_per_month": analysis.budget_per_month,
        "over_budget": analysis.over_budget,
        "cost_per_thousand": finite(analysis.cost_per_thousand),
        "cycles": [list(c) for c in analysis.cycles],
        "sim_samples": analysis.sim_samples,
    }
    if not detail:
        del out["cost"]
    return out
