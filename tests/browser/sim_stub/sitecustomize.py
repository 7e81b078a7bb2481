"""A stand-in for ``mlsd.analysis.simulation`` in the browser journeys, used only while the checkout has no such
module: the journey then puts this folder on the served app's PYTHONPATH, and Python imports ``sitecustomize`` at
start-up, which registers the stand-in under the real module's name.

It has the real module's API (``simulate``, ``SimulationResult``, ``SimulatedPath``) and behaves like a short run:
a few seconds, progress reported as it goes, lognormal latencies around the analysis' p50 and p99. Its numbers
mean nothing; the journey checks the page, not the simulation.
"""

from __future__ import annotations

import math
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NAME = "mlsd.analysis.simulation"


@dataclass(frozen=True)
class SimulatedPath:
    entry: str
    requests: int
    p50_ms: float | None
    p99_ms: float | None
    p99_ci_ms: float | None
    model_p99_ms: float | None
    latencies_ms: tuple[float, ...]


@dataclass(frozen=True)
class SimulationResult:
    load: float
    seed: int
    replications: int
    seconds: float
    simulated_seconds: float
    paths: tuple[SimulatedPath, ...]
    converged: bool
    note: str


def simulate(analysis: Any, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
             time_budget_s: float = 15.0, progress: Callable[[float, str], None] | None = None) -> SimulationResult:
    import numpy as np

    start = time.perf_counter()
    steps = 6
    for i in range(steps):
        time.sleep(0.4)
        if progress is not None:
            progress((i + 1) / steps, f"Replication {i + 1} of {steps}")
    rng = np.random.default_rng(seed)
    paths = []
    for p in analysis.paths:
        if p.p99_ms is None or p.p50_ms is None or p.p50_ms <= 0:
            paths.append(SimulatedPath(p.entry, 0, None, None, None, p.p99_ms, ()))
            continue
        sigma = max(math.log(max(p.p99_ms, p.p50_ms * 1.01) / p.p50_ms) / 2.326, 0.01)
        values = rng.lognormal(math.log(p.p50_ms), sigma, 5_000)
        p99 = float(np.quantile(values, 0.99))
        paths.append(SimulatedPath(p.entry, 60_000, float(np.median(values)), p99, p99 * 0.02, p.p99_ms,
                                   tuple(float(v) for v in values)))
    return SimulationResult(load, seed, steps, time.perf_counter() - start, 120.0, tuple(paths), True,
                            "Stand-in for the browser journey: lognormal latencies around the model's p50 and p99.")


module = types.ModuleType(NAME)
module.__dict__.update(SimulatedPath=SimulatedPath, SimulationResult=SimulationResult, simulate=simulate)
sys.modules[NAME] = module  # found by ``import`` before any search (mlsd itself is imported as usual)
