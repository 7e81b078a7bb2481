"""The load ramp: each serving path's p99 from 10% to 300% of the peak, the knee where it crosses the SLA, and the
tier that saturates first; utilisation and monthly cost at every load.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- Every rate scales with the load (``traffic``); autoscaling tiers run what each load needs within their bounds
  (``capacity``), so their cost follows the load (``cost.cost_at``).
- The p99 at each load comes from the same random draws (``latency``: common random numbers), so it never goes
  down as the load goes up. A path whose tier reaches 100% utilisation has no p99 from that load on: saturated.
- The knee is the lowest load at which the path's p99 exceeds the SLA (or the path saturates): found on the
  ramp, then refined on ``REFINE_POINTS`` loads inside the bracketing step and interpolated linearly between
  the last load that holds and the first that does not.
- A path's saturation load is the lowest saturation load of the tiers it reaches (``capacity.saturation_load``:
  analytic, all replicas it can run); that tier saturates first.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.analysis.cost import cost_at
from mlsd.analysis.latency import PathLatency, Row
from mlsd.analysis.network import Analysis, LoadModel
from mlsd.analysis.paths import call_tree, is_serving_entry

RAMP_POINTS = 20
RAMP_LOW, RAMP_HIGH = 0.1, 3.0
RAMP_LOADS = tuple(round(RAMP_LOW + i * (RAMP_HIGH - RAMP_LOW) / (RAMP_POINTS - 1), 6) for i in range(RAMP_POINTS))
REFINE_POINTS = 8


@dataclass(frozen=True)
class PathRamp:
    """One serving path along the ramp."""

    entry: str
    peak_qps: float  # requests/s entering the path at 1× (the peak)
    p99_ms: tuple[float | None, ...]  # at each ramp load; None: saturated
    sla_ms: float | None
    knee_load: float | None  # × peak where the p99 first exceeds the SLA (None: holds over the whole ramp)
    knee_below_ramp: bool  # already over the SLA at the ramp's lowest load
    first_saturated: str | None  # the tier of the path that saturates first
    saturation_load: float | None  # × peak at which that tier saturates

    @property
    def knee_qps(self) -> float | None:
        return None if self.knee_load is None else self.knee_load * self.peak_qps


@dataclass(frozen=True)
class TierRamp:
    """One queued tier along the ramp."""

    block: str
    utilisation: tuple[float, ...]
    replicas: tuple[int, ...]


@dataclass(frozen=True)
class Ramp:
    """p99, utilisation and cost of a design at each load of ``loads`` (multiples of the peak)."""

    loads: tuple[float, ...]
    paths: tuple[PathRamp, ...]
    tiers: tuple[TierRamp, ...]
    cost_per_month: tuple[float, ...]


def _over(value: PathLatency, sla: float | None) -> bool:
    if value.p99_ms is None:
        return True
    return sla is not None and value.p99_ms > sla


def ramp(analysis: Analysis, loads: tuple[float, ...] = RAMP_LOADS, limit: int | None = None) -> Ramp:
    """The ramp of an analysed design (see the module docstring). ``limit`` caps the samples per block."""
    m = analysis.model
    if m is None:
        raise ValueError("this analysis carries no load model")
    if any(x <= 0 for x in loads) or list(loads) != sorted(loads):
        raise ValueError("ramp loads must be positive and increasing")
    g = m.graph
    comps = m.design.components
    entries = [e for e in g.entries if m.entry_rates.get(e, 0.0) > 0 and is_serving_entry(comps[e])]
    states = [m.states(m.rates(x)) for x in loads]
    latency, _ = m.latency([Row(st) for st in states], entries, limit=limit)
    design_sla = m.design.requirements.sla_p99_ms
    sla = {e: None if e in m.asynchronous else design_sla for e in entries}  # an async path: saturation only
    brackets: dict[int, tuple[int, int]] = {}
    for e in entries:
        bad = next((i for i, v in enumerate(latency[e]) if _over(v, sla[e])), None)
        if bad is not None and bad > 0:
            brackets[e] = (bad - 1, bad)
    refined = _refine(m, loads, brackets, latency, sla, limit)
    paths = []
    for e in entries:
        blocks, _ = call_tree(e, g)
        first, saturation = _first_saturated(analysis, m, blocks)
        values = latency[e]
        bad = next((i for i, v in enumerate(values) if _over(v, sla[e])), None)
        knee = refined.get(e, loads[0] if bad == 0 else None)
        if knee is not None and saturation is not None and bad != 0:
            knee = min(knee, saturation)  # crossing by saturating: not later than the tier saturates
        paths.append(PathRamp(
            entry=g.ids[e],
            peak_qps=m.entry_rates.get(e, 0.0),
            p99_ms=tuple(v.p99_ms for v in values),
            sla_ms=sla[e],
            knee_load=knee,
            knee_below_ramp=bad == 0,
            first_saturated=first,
            saturation_load=saturation,
        ))
    tiers = []
    for v in sorted(states[0]):
        tiers.append(TierRamp(
            block=g.ids[v],
            utilisation=tuple(min(st[v].utilisation, 10.0) for st in states),
            replicas=tuple(st[v].replicas for st in states),
        ))
    by_id = {m.parts.ids[v]: s for v, s in enumerate(m.services) if s is not None}
    costs = tuple(cost_at(analysis.cost, by_id, {g.ids[v]: st.replicas for v, st in step.items()}, load)
                  for load, step in zip(loads, states, strict=True))
    return Ramp(loads=tuple(loads), paths=tuple(paths), tiers=tuple(tiers), cost_per_month=costs)


def _refine(m: LoadModel, loads: tuple[float, ...], brackets: dict[int, tuple[int, int]],
            latency: dict[int, list[PathLatency]], sla: dict[int, float | None], limit: int | None
            ) -> dict[int, float]:
    """Knee loads of the paths with a bracket, from REFINE_POINTS loads inside it (all paths in one pass)."""
    if not brackets:
        return {}
    extra: dict[float, None] = {}
    for lo, hi in brackets.values():
        a, b = loads[lo], loads[hi]
        for j in range(1, REFINE_POINTS + 1):
            extra[round(a + (b - a) * j / (REFINE_POINTS + 1), 9)] = None
    points = sorted(extra)
    rows = [Row(m.states(m.rates(x))) for x in points]
    fine, _ = m.latency(rows, list(brackets), limit=limit)
    out: dict[int, float] = {}
    for e, (lo, hi) in brackets.items():
        xs = [loads[lo], *[x for x in points if loads[lo] < x < loads[hi]], loads[hi]]
        ys = [latency[e][lo], *[fine[e][points.index(x)] for x in xs[1:-1]], latency[e][hi]]
        out[e] = _crossing(xs, ys, sla[e])
    return out


def _crossing(xs: list[float], ys: list[PathLatency], sla: float | None) -> float:
    """Where the p99 crosses the SLA between the last load that holds and the first that does not (linear)."""
    bad = next(i for i, v in enumerate(ys) if _over(v, sla))
    if bad == 0:
        return xs[0]
    x0, x1 = xs[bad - 1], xs[bad]
    y0, y1 = ys[bad - 1].p99_ms, ys[bad].p99_ms
    if sla is None or y0 is None or y1 is None or y1 <= y0:
        return x1
    return x0 + (x1 - x0) * (sla - y0) / (y1 - y0)


def _first_saturated(analysis: Analysis, m: LoadModel, blocks: list[int]) -> tuple[str | None, float | None]:
    best: tuple[float, str] | None = None
    for v in blocks:
        t = analysis.capacity.get(m.graph.ids[v])
        if t is None or t.saturation_load is None:
            continue
        if best is None or t.saturation_load < best[0]:
            best = (t.saturation_load, t.block)
    return (best[1], best[0]) if best is not None else (None, None)
