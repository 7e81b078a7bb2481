"""The sizing knobs besides replicas, each turned only where the design declares how it behaves (see
``mlsd.analysis.sizing``):

- ``hit_rate`` up to a cache's declared ``achievable_hit_rate``;
- ``batch_size`` of a tier with a batch cost model (``batch_overhead_ms``: a batch of b takes overhead + b × the
  work of one request, ``mlsd.analysis.service``), over ``BATCH_SIZES``;
- ``shards`` up to the fewest that hold the block's data in its replicas' memory (``storage_gb`` /
  ``memory_gb_per_replica``, ``mlsd.analysis.capacity.shards_to_fit``).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from mlsd import edit
from mlsd.analysis.capacity import shards_to_fit
from mlsd.analysis.network import Analysis
from mlsd.catalog import KINDS
from mlsd.model import Design

# batch sizes tried: powers of two, as Triton's preferred_batch_size and Clipper's AIMD steps commonly land on
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _number(design: Design, block: str, prop: str, default: float) -> float:
    c = design.by_id()[block]
    value = c.props[prop] if prop in c.props else KINDS[c.kind].props.get(prop, default)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def with_achievable_hit_rates(design: Design) -> tuple[Design, list[tuple[str, float, float]]]:
    """The design with each cache's ``hit_rate`` raised to its declared ``achievable_hit_rate`` (through
    ``mlsd.edit``), and the (cache, old, new) rates raised."""
    out, hits = design, []
    for c in design.components:
        goal = c.props.get("achievable_hit_rate")
        if isinstance(goal, bool) or not isinstance(goal, int | float):
            continue
        now = _number(design, c.id, "hit_rate", 0.0)
        if goal > now:
            out = edit.set_prop(out, c.id, "hit_rate", float(goal))
            hits.append((c.id, now, float(goal)))
    return out, hits


def with_fitting_shards(design: Design) -> tuple[Design, list[tuple[str, int, int]]]:
    """The design with each block's ``shards`` raised to the fewest that hold its data (never lowered), and the
    (block, old, new) shards raised."""
    out, raised = design, []
    for c in design.components:
        need = shards_to_fit(c.kind, c.props)
        now = int(_number(design, c.id, "shards", 1.0))
        if need is not None and need > now:
            out = edit.set_prop(out, c.id, "shards", need)
            raised.append((c.id, now, need))
    return out, raised


def batch_tiers(analysis: Analysis) -> list[tuple[str, int]]:
    """(block, declared batch size) of the queued tiers with a batch cost model, in design order."""
    m = analysis.model
    if m is None:
        return []
    return [(m.parts.ids[v], s.batch_size) for v, s in enumerate(m.services)
            if s is not None and s.queued and s.batch_overhead_ms is not None]


def batch_candidates(declared: int) -> list[int]:
    """The batch sizes tried for a tier: its declared one first (kept on a tie), then ``BATCH_SIZES``."""
    return [declared, *(b for b in BATCH_SIZES if b != declared)]
