"""``simulate``: replications until every path's p99 confidence interval converges, with progress, and the result
(``SimulationResult``, one ``SimulatedPath`` per entry) with its Student's t intervals."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ciw
import numpy as np

from mlsd.analysis.network import Analysis
from mlsd.analysis.simulation.plan import Tree, make_plan
from mlsd.analysis.simulation.replication import FloatArray, replicate

NOTE = ("ciw discrete-event simulation of the same queues (FCFS, Poisson arrivals, lognormal service, capacity as "
        "declared); parallel branches are visited one after another and combined per request (slowest branch), "
        "batch fill waits are drawn as in the analysis, and hedged backups leave when the first answer is late.")
MAX_LATENCIES = 5_000  # end-to-end latencies returned per path (for a histogram)
MIN_REPLICATIONS = 8  # before a confidence interval may count as converged
MAX_REPLICATIONS = 200
# Student's t, 0.975 quantile, for 1..30 degrees of freedom (then the normal's 1.96 within 2%)
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)

Progress = Callable[[float, str], None]
_LOCK = threading.Lock()


@dataclass(frozen=True)
class SimulatedPath:
    """One entry's end-to-end latency in the simulation, beside the analysis's."""

    entry: str
    requests: int  # requests recorded after warm-up, over all replications
    p50_ms: float | None
    p99_ms: float | None  # None when a tier is saturated at this load
    p99_ci_ms: float | None  # half-width of the 95% confidence interval of the p99 over replications
    model_p99_ms: float | None  # the analysis's own p99 at the same load, for comparison
    latencies_ms: tuple[float, ...]  # up to 5,000 end-to-end latencies (for a histogram)


@dataclass(frozen=True)
class SimulationResult:
    """A simulation run of a design at one load (see the package docstring)."""

    load: float
    seed: int
    replications: int
    seconds: float  # wall time
    simulated_seconds: float
    paths: tuple[SimulatedPath, ...]
    converged: bool  # every path's p99 CI within target_ci of its p99
    note: str  # what the simulation simplifies, in one or two sentences


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` ≥ 1 degrees of freedom (1.96 beyond 30)."""
    if df < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    return T975[df - 1] if df <= len(T975) else 1.96



def _ci(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    arr = np.asarray(values, dtype=np.float64)
    return float(t975(len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))


def simulate(analysis: Analysis, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
             time_budget_s: float = 15.0, progress: Progress | None = None) -> SimulationResult:
    """Simulate the analysed design at ``load`` × its peak with ciw (see the package docstring).

    Replications run until every path's p99 has a 95% CI half-width within ``target_ci`` × its p99, or the next one
    would overrun ``time_budget_s`` (the first always runs). ``progress(fraction, message)`` is called after each
    replication with a fraction that never goes down, and with 1.0 at the end. One path per entry that receives
    traffic. A seed gives the same result whenever the run stops on its CI rather than on its time budget.
    """
    m = analysis.model
    if m is None:
        raise ValueError("this analysis carries no load model")
    if not math.isfinite(load) or load <= 0:
        raise ValueError(f"load must be a positive multiple of the peak, got {load}")
    if not 0 < target_ci < 1:
        raise ValueError(f"target_ci must be between 0 and 1, got {target_ci}")
    started = time.perf_counter()
    plan = make_plan(m, load)
    ids = m.graph.ids
    live = [t for t in plan.trees if not t.saturated]
    samples: dict[int, list[FloatArray]] = {t.entry: [] for t in live}
    p99s: dict[int, list[float]] = {t.entry: [] for t in live}
    replications = 0
    simulated_ms = 0.0
    done = 0.0
    converged = not live
    with _LOCK:  # ciw draws from the global random: one simulation at a time (the budget starts here)
        clock = time.perf_counter()
        saved_random, saved_rng = random.getstate(), ciw.rng
        try:
            while live and replications < MAX_REPLICATIONS:
                elapsed = time.perf_counter() - clock
                if replications and elapsed + elapsed / replications > time_budget_s:
                    break
                rep = replicate(plan, seed, replications)
                replications += 1
                simulated_ms += rep.simulated_ms
                for t in live:
                    lat = rep.latencies[t.entry]
                    samples[t.entry].append(lat)
                    if lat.size:
                        p99s[t.entry].append(float(np.quantile(lat, 0.99)))
                converged, needed = _status(p99s, target_ci, replications)
                if progress is not None:
                    elapsed = time.perf_counter() - clock
                    by_budget = elapsed / time_budget_s if time_budget_s > 0 else 1.0
                    done = max(done, min(0.99, max(replications / needed, by_budget)))
                    progress(done, f"replication {replications}: " + _worst(p99s, ids))
                if converged:
                    break
        finally:
            random.setstate(saved_random)
            ciw.rng = saved_rng
    paths = []
    for t in plan.trees:
        paths.append(_path(t, ids, samples.get(t.entry, []), p99s.get(t.entry, []), plan.model_p99.get(t.entry),
                           seed))
    live_ids = {ids[t.entry] for t in live}
    converged = (not live or replications >= MIN_REPLICATIONS) and all(
        p.p99_ms is not None and p.p99_ci_ms is not None and p.p99_ci_ms <= target_ci * p.p99_ms
        for p in paths if p.entry in live_ids)  # judged on the p99 reported (all replications pooled)
    if progress is not None:
        progress(1.0, "converged" if converged else "stopped before every CI reached its target")
    return SimulationResult(
        load=load,
        seed=seed,
        replications=replications,
        seconds=time.perf_counter() - started,
        simulated_seconds=simulated_ms / 1000.0,
        paths=tuple(paths),
        converged=converged,
        note=NOTE,
    )


def _status(p99s: dict[int, list[float]], target: float, replications: int) -> tuple[bool, float]:
    """Whether every path has converged, and about how many replications the slowest to converge needs (the CI
    shrinks as one over the square root of the replications)."""
    needed = float(max(MIN_REPLICATIONS, replications + 1))
    ok = replications >= MIN_REPLICATIONS
    for values in p99s.values():
        ci = _ci(values)
        p99 = float(np.mean(values)) if values else 0.0
        if ci is None or p99 <= 0:
            ok = False
            continue
        ratio = ci / (target * p99)
        if ratio > 1.0:
            ok = False
        needed = max(needed, replications * ratio * ratio)
    return ok, needed


def _worst(p99s: dict[int, list[float]], ids: list[str]) -> str:
    """The path furthest from converging, for the progress message."""
    worst: tuple[float, str] | None = None
    for entry, values in p99s.items():
        p99 = float(np.mean(values)) if values else 0.0
        ci = _ci(values)
        if ci is None or p99 <= 0:
            return f"{ids[entry]} p99 {p99:,.1f} ms (its interval needs a second replication)"
        rel = ci / p99
        if worst is None or rel > worst[0]:
            worst = (rel, f"{ids[entry]} p99 {p99:,.1f} ms ± {rel:.1%}")
    return worst[1] if worst is not None else "no path"


def _path(t: Tree, ids: list[str], parts: list[FloatArray], p99s: list[float], model: float | None,
          seed: int) -> SimulatedPath:
    entry = ids[t.entry]
    if t.saturated:
        return SimulatedPath(entry, 0, None, None, None, None, ())
    values = np.concatenate(parts) if parts else np.zeros(0)
    if not values.size:
        return SimulatedPath(entry, 0, None, None, None, model, ())
    p50, p99 = (float(x) for x in np.quantile(values, [0.5, 0.99]))
    shown = values[np.isfinite(values)]
    if shown.size > MAX_LATENCIES:
        pick = np.random.default_rng([seed, t.entry]).choice(shown.size, MAX_LATENCIES, replace=False)
        shown = shown[pick]
    return SimulatedPath(
        entry=entry,
        requests=int(values.size),
        p50_ms=p50,
        p99_ms=p99,
        p99_ci_ms=_ci(p99s),
        model_p99_ms=model,
        latencies_ms=tuple(float(x) for x in np.sort(shown)),
    )
