"""The numbers behind the checklists: request paths, end-to-end latency, capacity and monthly cost.

CONTRACT (the data classes below are used by rules, the CLI and the UI; keep their fields):
- A request path starts at an entry block (a ``client``, or any block with outgoing ``request`` connections and
  no incoming ones) and follows ``request`` connections. A block with ``calls: parallel`` waits for the slowest
  of its downstream request targets (max); otherwise it calls them one after another (sum).
- ``analyze(design)`` must never raise on a valid Design (cycles in request connections are reported in
  ``Analysis.cycles`` and broken, not followed forever).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.model import Design


@dataclass(frozen=True)
class RequestPath:
    """The call tree behind one entry block, with its end-to-end latency."""

    entry: str
    blocks: tuple[str, ...]  # every block the request can reach, in call order (entry first)
    connections: tuple[str, ...]  # the request connections of the tree
    critical: tuple[str, ...]  # the chain of blocks that decides the conservative p99 (entry first)
    contributions: tuple[tuple[str, float], ...]  # (block, p99 ms it adds) along ``critical``: the waterfall
    p99_sum_ms: float  # conservative: sum of p99 (sequential), max over branches (parallel)
    p50_sum_ms: float  # the same with p50
    sim_p50_ms: float  # simulated end-to-end p50 (lognormal per block fitted to its p50/p99)
    sim_p99_ms: float  # simulated end-to-end p99
    sla_ms: float | None
    missing_latency: tuple[str, ...]  # blocks on the tree without a p99_ms (own or default)

    @property
    def over_sla(self) -> bool:
        return self.sla_ms is not None and self.p99_sum_ms > self.sla_ms


@dataclass(frozen=True)
class TierCapacity:
    """Peak load reaching one block and whether its replicas carry it with the required headroom."""

    block: str
    peak_qps: float  # peak requests/s reaching this block (after caches upstream)
    replicas: int
    qps_per_replica: float | None  # None: the block declares no throughput
    capacity_qps: float | None  # replicas * qps_per_replica
    needed_replicas: int | None  # ceil(peak * (1 + headroom) / qps_per_replica)
    headroom: float | None  # capacity / peak - 1 (None when no load or no throughput declared)


@dataclass(frozen=True)
class CostLine:
    """Monthly cost of one block: replicas x cost per replica-hour x 730 h, plus storage."""

    block: str
    compute_per_month: float
    storage_per_month: float

    @property
    def total(self) -> float:
        return self.compute_per_month + self.storage_per_month


@dataclass(frozen=True)
class Analysis:
    paths: tuple[RequestPath, ...]
    capacity: dict[str, TierCapacity]  # by block id, for blocks on request paths
    cost: tuple[CostLine, ...]  # one per block with a cost
    cost_per_month: float
    cycles: tuple[tuple[str, ...], ...]  # request-connection cycles found (each a list of block ids)


HOURS_PER_MONTH = 730.0


def analyze(design: Design, samples: int = 20_000, seed: int = 0) -> Analysis:
    """Compute paths, latency (conservative and simulated), capacity and cost of a design."""
    raise NotImplementedError("analysis is being written")
