"""A fake of the load tab's simulation with the real one's API (``components.board.load.simulation.simulate``):
it records its calls, reports progress as the real one does and answers at once. The ``fake_sim`` fixture in
tests/conftest.py puts it in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlsd.analysis import Analysis


@dataclass(frozen=True)
class FakePath:
    entry: str
    requests: int
    p50_ms: float | None
    p99_ms: float | None
    p99_ci_ms: float | None
    model_p99_ms: float | None
    latencies_ms: tuple[float, ...]


@dataclass(frozen=True)
class FakeResult:
    load: float
    seed: int
    replications: int
    seconds: float
    simulated_seconds: float
    paths: tuple[FakePath, ...]
    converged: bool
    note: str


NOTE = "Poisson arrivals; every tier FCFS; no retries or timeouts."


class FakeSimulate:
    """Records its calls; reports progress as the real one does; answers at once."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, analysis: Analysis, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
                 time_budget_s: float = 15.0, progress: Any = None) -> FakeResult:
        self.calls.append({"load": load, "seed": seed, "time_budget_s": time_budget_s})
        for step in (0.0, 0.5, 1.0):
            if progress is not None:
                progress(step, f"replication {int(step * 4)} of 4")
        paths = tuple(
            FakePath(p.entry, 12_000, 40.0, 80.0, 2.5, p.p99_ms, tuple(float(10 + i % 90) for i in range(2_000)))
            for p in analysis.paths)
        return FakeResult(load, seed, 4, 0.2, 60.0, paths, True, NOTE)
