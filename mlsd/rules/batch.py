"""Throughput windows of batch jobs and of people (capacity & scalability checklist: CAP-11, CAP-12).

Here "component" means a placed block of a design (``mlsd.model.Component``). The runs come from
``mlsd.analysis.batch`` (items, throughput, hours needed, the period a run must fit); the people check reads the
props directly.
"""

from __future__ import annotations

from collections import deque

from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import name

NOT_VOLUME_FLOWS = frozenset({"feedback"})  # labels flowing back are not the items routed to people


def _hours(h: float) -> str:
    return f"{h / 24:,.1f} days" if h >= 72 else f"{h:,.3g} h"


def _count(x: float) -> str:
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return f"{x / scale:,.3g}{unit}"
    return f"{x:,.3g}"


@rule(
    "CAP-11", "scalability", "error", "Batch runs fit their window",
    "Give the job the workers the message names, make each run smaller (incremental runs, only new or changed "
    "items), make a replica faster (batching, a distilled or quantised encoder), or lengthen the period (release "
    "less often; for an encoder, keep the corpus embeddings compatible across versions, e.g. backward-compatible "
    "training).",
)
def batch_window(ctx: Context) -> list[Hit]:
    """Each batch job's run finishes within its period.

    For every batch job (``mlsd.analysis.batch``): the hours a run needs, ``items_per_run`` (default: the whole
    ``requirements.corpus_size`` for a job that writes an embedding store or a vector index, i.e. a full
    re-embed or backfill) ÷ (``items_per_sec_per_replica`` or ``1000 / ms_per_item``, × ``replicas``), or the
    declared ``hours_per_run`` when the items or the throughput are not given, against its period: the training
    pipeline's ``retrain_every_hours``, the job's ``freshness_minutes``, or the ``retrain_every_hours`` of the
    model whose release triggers it (a re-embed must finish before the next encoder ships). The message names
    the hours needed, the window, where the window comes from and the workers that would fit.
    Why: a run longer than its period never catches up; each run starts later than the last, the data it
    writes grows ever staler, and a model release waits for a backfill that cannot finish (150B images at
    64 × 1,000-3,000 images/s take 9-27 days against weekly encoder releases).

    When a careful design trips it: a job whose runs are incremental but declares the full corpus; declare
    ``items_per_run`` as what one run processes.
    Source: Huyen, Designing ML Systems ch. 7 (batch prediction must finish before its results are needed) and
    ch. 9 (continual learning: the retraining cadence bounds the pipeline); Shen et al., "Towards
    Backward-Compatible Representation Learning" (CVPR 2020) on avoiding full re-embeds ("backfilling").
    """
    jobs = ctx.analysis.batch
    checked = [j for j in jobs.values()
               if (j.hours_needed is not None or j.hours_declared is not None) and j.period_hours]
    if not checked:
        raise NotApplicable("no batch job declares its items and throughput (items_per_run, "
                            "items_per_sec_per_replica) or hours_per_run, with a period")
    hits = []
    for j in checked:
        needed = j.hours_needed if j.hours_needed is not None else j.hours_declared
        assert needed is not None and j.period_hours is not None
        if needed <= j.period_hours:
            continue
        if j.hours_needed is not None and j.items_per_run is not None and j.items_per_sec_per_replica:
            items = "the corpus" if j.items_from == "corpus_size" else "a run"
            how = (f"{_count(j.items_per_run)} items ({items}) at {j.workers:,} × "
                   f"{j.items_per_sec_per_replica:,.4g} items/s")
        else:
            how = "hours_per_run"
        fit = f"; {j.workers_to_fit:,} workers would fit" if j.workers_to_fit is not None else ""
        window = f"the release of {name(ctx, j.release_of)}" if j.release_of else j.period_from
        hits.append(Hit(
            f"{name(ctx, j.block)} needs {_hours(needed)} per run ({how}) against a window of "
            f"{_hours(j.period_hours)} ({window}): {needed / j.period_hours:,.1f}× too long{fit}.",
            components=(j.block,),
        ))
    return hits


@rule(
    "CAP-12", "scalability", "warning", "People can review what is routed to them",
    "Route less (a narrower uncertainty band, prioritise by expected harm × reach and let the model decide the "
    "rest), or staff the capacity the message names; declare routed_share as what actually reaches people.",
)
def people_capacity(ctx: Context) -> list[Hit]:
    """A labelling or human-review block with ``capacity_per_day`` covers the volume routed to it.

    Volume = the upstream items per day × the routed share. Upstream: walking back from the block along
    request, stream and batch connections (not feedback), the nearest blocks that declare ``items_per_day``
    (posts, uploads, payments a day); when several do at the same distance, the largest (one flow counted
    once, not summed). Routed share: the block's own ``routed_share``, else the largest declared by a block
    that feeds it directly (the model routing its review band), else 1 (everything, which the message says).
    The message names both numbers and the routed share and capacity that would fit.
    Why: not an error, because an overflowing review queue does not take the product down (unreviewed items keep
    the model's automatic decision), but the labels, appeals and audits the design counts on never arrive, and
    the backlog grows by the difference every day.

    When a careful design trips it: reviews prioritised by expected harm with the rest auto-actioned; declare
    the prioritised share as ``routed_share``.
    Source: Huyen, Designing ML Systems ch. 4 (hand labels are slow and expensive: size the labelling budget);
    AWS Well-Architected ML Lens (human review loops with Amazon A2I: route only low-confidence predictions and
    size the workforce to that volume).
    """
    people = [c for c in ctx.design.components if "capacity_per_day" in c.props]
    if not people:
        raise NotApplicable("no block declares capacity_per_day (labelling or human review)")
    hits = []
    checked = 0
    for block in people:
        source = _upstream_volume(ctx, block)
        if source is None:
            continue
        checked += 1
        volume_block, per_day = source
        share, share_from = _routed_share(ctx, block)
        routed = per_day * share
        capacity = block.num("capacity_per_day")
        if routed <= capacity:
            continue
        share_text = (f"routed share {share:.3%} on {name(ctx, share_from)}" if share_from
                      else "all of it: no routed_share declared")
        fits = capacity / per_day if per_day > 0 else 0.0
        over = f" ({routed / capacity:,.1f}× over)" if capacity > 0 else ""
        extra = (share_from,) if share_from and share_from != block.id else ()
        hits.append(Hit(
            f"{name(ctx, block.id)} receives {_count(routed)} items/day ({_count(per_day)}/day from "
            f"{name(ctx, volume_block)} × {share_text}) against a capacity of {_count(capacity)}/day{over}; "
            f"it fits with a routed share of at most {fits:.4%} or a capacity of {_count(routed)}/day.",
            components=(block.id, volume_block, *extra),
        ))
    if not checked:
        raise NotApplicable("no block upstream of the people declares items_per_day")
    return hits


def _upstream_volume(ctx: Context, block: Component) -> tuple[str, float] | None:
    """The nearest upstream blocks declaring items_per_day (largest at that distance), breadth first."""
    back = ctx.neighbours(False, frozenset({"request", "stream", "batch"}))
    seen = {block.id}
    frontier = deque([block.id])
    while frontier:
        found: list[tuple[float, str]] = []
        for _ in range(len(frontier)):
            v = frontier.popleft()
            for p in back.get(v, ()):
                if p in seen:
                    continue
                seen.add(p)
                per_day = ctx.blocks[p].props.get("items_per_day")
                if isinstance(per_day, int | float) and not isinstance(per_day, bool):
                    found.append((float(per_day), p))
                else:
                    frontier.append(p)
        if found:
            per_day, p = max(found)
            return p, per_day
    return None


def _routed_share(ctx: Context, block: Component) -> tuple[float, str]:
    own = block.props.get("routed_share")
    if isinstance(own, int | float) and not isinstance(own, bool):
        return float(own), block.id
    best: tuple[float, str] | None = None
    for p in ctx.predecessors(block.id, frozenset({"request", "stream", "batch"})):
        share = p.props.get("routed_share")
        if isinstance(share, int | float) and not isinstance(share, bool) and (best is None or share > best[0]):
            best = (float(share), p.id)
    return best if best is not None else (1.0, "")
