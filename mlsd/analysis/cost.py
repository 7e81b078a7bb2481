"""Monthly cost: per block, in all, against the budget, per 1,000 predictions, and at other loads.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- A block costs ``replicas × shards × cost_per_hour × 730 h`` (on-demand hours in an average month, AWS's
  convention) plus ``storage_gb × cost_per_gb_month``. An autoscaling block is counted at its floor
  (``replicas``): what runs all month.
- Cost per 1,000 predictions: the monthly cost over the month's requests, taken as the peak over a
  peak-to-average ratio of 2 (a diurnal curve whose peak hour carries about twice the day's mean rate; the
  rule of thumb of system-design interviews, e.g. Xu, System Design Interview vol. 1, ch. 1 "back-of-the-envelope
  estimation": peak QPS ≈ 2 × average).
- Cost at a load: the monthly cost if the load stayed at that multiple of the peak, autoscaling tiers running
  what that load needs (``Service.replicas_for``), fixed tiers and storage unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mlsd.analysis.paths import Parts
from mlsd.analysis.service import Service
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue

HOURS_PER_MONTH = 730.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
PEAK_TO_AVERAGE = 2.0
COST_PROPS = frozenset({"replicas", "cost_per_hour", "storage_gb", "cost_per_gb_month", "shards"})

Props = dict[str, PropValue]


@dataclass(frozen=True)
class CostLine:
    """Monthly cost of one block: replicas × shards × cost per replica-hour × 730 h, plus storage."""

    block: str
    compute_per_month: float
    storage_per_month: float

    @property
    def total(self) -> float:
        return self.compute_per_month + self.storage_per_month


def _num(own: Props, defaults: Props, name: str, default: float = 0.0) -> float:
    value = own[name] if name in own else defaults.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _block_cost(own: Props, defaults: Props) -> tuple[float, float]:
    replicas = max(_num(own, defaults, "replicas", 1.0), 1.0) * max(_num(own, defaults, "shards", 1.0), 1.0)
    compute = replicas * _num(own, defaults, "cost_per_hour") * HOURS_PER_MONTH
    storage = _num(own, defaults, "storage_gb") * _num(own, defaults, "cost_per_gb_month")
    return compute, storage


def cost_lines(parts: Parts) -> tuple[CostLine, ...]:
    """One line per block that costs something, in design order."""
    lines = []
    by_kind: dict[str, tuple[float, float]] = {}
    for block, kind, own in zip(parts.ids, parts.kinds, parts.props, strict=True):
        if own.keys().isdisjoint(COST_PROPS):  # costs what its kind costs: computed once per kind
            found = by_kind.get(kind)
            if found is None:
                found = by_kind[kind] = _block_cost({}, KINDS[kind].props)
            compute, storage = found
        else:
            compute, storage = _block_cost(own, KINDS[kind].props)
        if compute or storage:
            lines.append(CostLine(block, compute, storage))
    return tuple(lines)


def per_thousand(cost_per_month: float, peak_qps: float | None) -> float | None:
    """Cost of 1,000 predictions (None without a peak)."""
    if not peak_qps:
        return None
    requests = peak_qps / PEAK_TO_AVERAGE * SECONDS_PER_MONTH
    return cost_per_month / requests * 1000.0


def cost_at(lines: Sequence[CostLine], services: Mapping[str, Service], replicas_at: Mapping[str, int]) -> float:
    """Monthly cost with autoscaling tiers running ``replicas_at`` (by block id) instead of their floor."""
    total = 0.0
    for line in lines:
        s = services.get(line.block)
        running = replicas_at.get(line.block)
        if s is None or running is None or not s.autoscaling or s.replicas <= 0:
            total += line.total
            continue
        total += line.compute_per_month * running / s.replicas + line.storage_per_month
    return total
