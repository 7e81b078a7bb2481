"""Sizing: the cheapest replicas per tier that meet the SLA at peak × headroom, survive any single zone loss and
fit the budget — or which of these cannot be met, and by how much.

Here "component" means a placed block of a design (``mlsd.model.Component``).

The knobs are the design's own, each turned only where the design declares how it behaves (``knobs``): the
replicas of each self-run tier on a serving path (``replicas``; for a tier that autoscales in time,
``max_replicas``: what it can reach at the peak, its floor is what runs all month); the hit rate of a cache that
declares an ``achievable_hit_rate`` (the model prices no cost for the larger cache, so that is the user's word);
the ``batch_size`` of a tier with a batch cost model (``batch_overhead_ms``: a batch of b takes overhead + b × one
request's work, so a larger batch raises a replica's throughput and lengthens its service time: the affine model
of Clipper, Crankshaw et al., NSDI 2017, and the trade NVIDIA Triton's dynamic batcher makes), tried over powers
of two from 1 to 256; and ``shards``, raised first to the fewest that hold a block's ``storage_gb`` in its
``memory_gb_per_replica`` (CAP-14). The replica search below runs once per combination of hit rates (raised or
not) and batch sizes (one batching tier at a time, the others as chosen so far), and the cheapest result is
kept (fewest shortfalls first; on a tie the declared value).

The constraints are judged by the analysis models themselves (``network.LoadModel`` with the tier's
replicas replaced, ``latency`` for the p99, ``failures`` for zone losses), never by a second copy:
- **capacity** (CAP-1): each tier carries the peak × (1 + ``requirements.headroom``): ``replicas ≥
  ceil(peak × (1 + headroom) / qps_per_replica)``; this is where the search starts (the M/G/c model is stable
  there and below);
- **SLA**: every synchronous serving path's p99 at the peak × (1 + headroom), queueing included (M/G/c per tier,
  ``queueing``), is within ``requirements.sla_p99_ms``. Stricter than LAT-1 (at the peak), so a sized design
  passes LAT-1 too;
- **zone loss** (REL-3's what-if): after losing any one zone (or, when the design serves several regions, any
  one of them), no serving path fails (a path a fallback answers counts as alive);
- **budget** (CAP-8): the monthly cost of the result is within ``requirements.budget_per_month``.

The search is deterministic (``steps``): (1) each tier at its capacity bound (an autoscaling ceiling that already
reaches it is "kept": it is billed at its floor, so lowering it would save nothing); (2) while a path is over the
SLA, add a step of replicas (1, or 5% of a large tier) to the tier on it that cuts the paths' excess most per
dollar — the tiers that wait there are shortlisted by how much a step cuts their own p99 wait per dollar, and the
shortlist is judged on the paths' p99 in one pass of the sampler; (3) cut each tier raised in (2) back by
bisection to the fewest replicas that keep the SLA; (4) for every single zone loss, keep up first the tiers it
takes down that also run elsewhere, then give each tier it overloads the fewest replicas whose survivors carry
the peak (exact, so those tiers bind on the zone loss), then a step to the busiest tier of a path it leaves over
the SLA (cut back by bisection afterwards); (5) check the budget. Greedy coordinate descent is not a proof of
optimality, but every tier ends where one replica fewer breaks a named constraint (its ``binding``), which the
tests check with the checklists and the analysis. What replicas cannot fix is reported with the shortfall: a path
whose p99 is over the SLA even with no queueing (its light-load p99), a tier that runs only in the lost zone with
nothing answering for it, a cost over the budget.

Kept as declared, and why: ``shards`` beyond what the data needs (every shard receives every request in the model,
so more shards only add fan-out and cost: the model has no per-shard throughput limit, so memory is the only
reason for more), ``batch_size`` without a batch cost model (``qps_per_replica`` is then a measurement at the
declared batch size: the model charges a batch its fill wait and credits it no throughput, so changing it would
be a gain the model cannot price), ``max_batch_wait_ms`` (it bounds the fill wait, which at the sized load is the
time b − 1 requests take to arrive; lowering it batches less, which the model cannot price either), managed
services (the provider sizes them; CAP-9 holds their declared ceiling).

Checked against something outside this code (``tests/test_sizing.py``): a one-tier design sized for a 40 ms SLA
at 1.3× its peak gets 15 replicas, and a ciw discrete-event simulation (``simulation``) of that tier gives a p99 of
32.8 ± 0.9 ms with 15 replicas and 43.3 ± 2.9 ms with 14; the sized example designs pass CAP-1, LAT-1 and REL-3.
"""

from __future__ import annotations

import time

from mlsd import edit
from mlsd.analysis.network import Analysis, analyze
from mlsd.analysis.sizing.knobs import batch_candidates, batch_tiers, with_achievable_hit_rates, with_fitting_shards
from mlsd.analysis.sizing.result import Shortfall, SizingResult, TierChange
from mlsd.analysis.sizing.search import Progress, Search
from mlsd.analysis.sizing.steps import hopeless_paths, sla_steps, trim, zone_steps
from mlsd.model import Design

__all__ = ["Shortfall", "SizingResult", "TierChange", "size", "with_achievable_hit_rates"]


def size(design: Design, analysis: Analysis | None = None, progress: Progress | None = None) -> SizingResult:
    """The cheapest configuration that holds (see the module docstring); ``progress(fraction, message)`` is called
    as the search goes. Shards are first raised to hold each block's data; then the replica search runs on each
    combination of the other knobs (hit rates raised to their achievable ones or not; each batching tier's batch
    size, one tier at a time), and the cheapest result is kept (the one that meets more constraints first; on a
    tie the declared value)."""
    started = time.perf_counter()
    a = analysis or analyze(design)
    if design.requirements.peak_qps is None:  # nothing to size against: say so, change nothing
        why = Shortfall("peak", "design", 0.0, "req/s", "no peak QPS is declared (requirements.peak_qps): there is "
                        "no load to size the tiers for")
        return SizingResult(design, design, [], [], a.cost_per_month, a.cost_per_month,
                            design.requirements.budget_per_month, 1.0 + design.requirements.headroom, [why])
    samples = a.model.samples if a.model is not None else 20_000
    fitted, shards = with_fitting_shards(design)
    a_fitted = a if fitted is design else analyze(fitted, samples=samples)
    variants: list[tuple[Design, Analysis, list[tuple[str, float, float]]]] = [(fitted, a_fitted, [])]
    raised, hits = with_achievable_hit_rates(fitted)
    if hits:
        variants.append((raised, analyze(raised, samples=samples), hits))
    runs = [len(variants) * (1 + sum(len(batch_candidates(b)) - 1 for _, b in batch_tiers(a_fitted))), 0]

    def run(d: Design, ad: Analysis) -> SizingResult:
        offset, share = runs[1] / runs[0], 1.0 / runs[0]
        runs[1] += 1
        part = None if progress is None else (lambda f, msg: progress(offset + f * share, msg))
        return _search(design, d, ad, part, a.cost_per_month)

    best: SizingResult | None = None
    for d, ad, rates in variants:
        result = run(d, ad)
        result.hit_rates = rates
        for block, declared in batch_tiers(ad):  # one batching tier at a time, the others as chosen so far
            base = result.after_knobs or result.after
            for b in batch_candidates(declared)[1:]:
                tried = edit.set_prop(base, block, "batch_size", b)
                other = run(tried, analyze(tried, samples=samples))
                if _key(other) < _key(result):
                    other.hit_rates = rates
                    result = other
        start = dict(batch_tiers(a_fitted))
        now = dict(batch_tiers(analyze(result.after_knobs or result.after, samples=samples))) if start else {}
        result.batches = [(blk, start[blk], b) for blk, b in now.items() if blk in start and b != start[blk]]
        if best is None or _key(result) < _key(best):
            best = result
    assert best is not None
    best.shards = shards
    best.seconds = time.perf_counter() - started
    return best


def _key(result: SizingResult) -> tuple[int, float]:
    return len(result.shortfalls), round(result.cost_after, 6)


def _search(original: Design, design: Design, a: Analysis, progress: Progress | None,
            cost_before: float | None = None) -> SizingResult:
    """One search on ``design`` (the original, or it with hit rates raised); the result compares with
    ``original``."""
    sr = Search(a, progress)
    m = sr.m
    ids = m.parts.ids
    shortfalls: list[Shortfall] = []
    sr.say(0.05, f"capacity bound of {len(sr.tiers)} tiers")
    lower = {v: sr.capacity_bound(v) for v in sr.tiers}
    kept = {v for v in sr.tiers if sr.prop(v) == "max_replicas" and sr.declared(v) >= lower[v]}
    lower.update({v: sr.declared(v) for v in kept})  # an autoscaling ceiling that reaches the peak costs nothing
    r = dict(lower)

    # (2) the SLA at peak × (1 + headroom), then (4) its raises cut back
    hopeless = hopeless_paths(sr, shortfalls)
    raised = sla_steps(sr, r, hopeless, shortfalls)
    binding: dict[int, str] = {}
    trim(sr, r, lower, raised, binding, "trimming", 0.45, lambda x: "sla" if sr.sla_excess([x])[0] else None)
    # (3) any single zone loss, then (4) what it raised for the SLA after a loss cut back
    before_zone = dict(r)
    slow = zone_steps(sr, r, binding, shortfalls)
    trim(sr, r, before_zone, slow, binding, "trimming after zone losses", 0.85, sr.holds)
    for v in sr.tiers:
        if v not in binding:
            binding[v] = "kept" if v in kept else "floor" if r[v] == 1 else "capacity"

    # (5) the result, its cost and the budget
    sr.say(0.95, "building the sized design")
    after = design
    tiers = []
    for v in sr.tiers:
        old = sr.declared(v)
        change = TierChange(ids[v], sr.prop(v), old, r[v], binding[v], sr.unit[v])
        tiers.append(change)
        if r[v] != old:
            after = edit.set_prop(after, ids[v], change.prop, r[v])
    sized = analyze(after, samples=m.samples, seed=m.seed) if after is not design else a
    before_cost = a.cost_per_month if cost_before is None else cost_before
    budget = design.requirements.budget_per_month
    if budget is not None and sized.cost_per_month > budget:
        extra = sized.cost_per_month - budget
        shortfalls.append(Shortfall("budget", "design", extra, "USD/month",
                                    f"the cheapest configuration that holds costs ${sized.cost_per_month:,.0f} a "
                                    f"month, ${extra:,.0f} over the ${budget:,.0f} budget"))
    sr.say(1.0, "done")
    return SizingResult(original, after, [t for t in tiers if t.old != t.new], tiers, before_cost,
                        sized.cost_per_month, budget, sr.load, shortfalls, evaluations=sr.evaluations,
                        after_knobs=design)
