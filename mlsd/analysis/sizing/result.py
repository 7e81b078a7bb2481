"""What a sizing returns: the knobs before and after, the shortfalls, the costs (see ``mlsd.analysis.sizing``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlsd.model import Design


@dataclass(frozen=True)
class TierChange:
    """One tier's knob before and after, and the constraint that one replica fewer would break."""

    block: str
    prop: str  # "replicas" or "max_replicas"
    old: int
    new: int
    binding: str  # "capacity", "sla", "zone", "floor" (1 replica, the least a tier runs) or "kept" (below)
    month_per_replica: float  # what one more replica costs a month (0 for an autoscaling ceiling)


@dataclass(frozen=True)
class Shortfall:
    """A constraint the knobs cannot meet: which, on what, and by how much (in ``unit``)."""

    constraint: str  # "sla", "zone", "budget"
    subject: str  # the path entry, the zone, or "design"
    by: float
    unit: str
    message: str


@dataclass
class SizingResult:
    """The cheapest configuration found (``after``), its changes and costs, and what cannot be met."""

    before: Design
    after: Design
    changes: list[TierChange]
    tiers: list[TierChange]  # every sized tier (changed or not), with its binding constraint
    cost_before: float
    cost_after: float
    budget: float | None
    load: float  # the multiple of the peak the SLA is judged at (1 + headroom)
    shortfalls: list[Shortfall] = field(default_factory=list)
    hit_rates: list[tuple[str, float, float]] = field(default_factory=list)  # (cache, hit_rate before, after)
    batches: list[tuple[str, int, int]] = field(default_factory=list)  # (tier, batch_size before, after)
    shards: list[tuple[str, int, int]] = field(default_factory=list)  # (block, shards before, after: to fit)
    after_knobs: Design | None = None  # the design the replicas were sized on (its other knobs turned)
    evaluations: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the sized design differs from the design (replicas or any other knob)."""
        return bool(self.changes or self.hit_rates or self.batches or self.shards)

    @property
    def feasible(self) -> bool:
        return not self.shortfalls
