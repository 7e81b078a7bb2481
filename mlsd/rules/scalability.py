"""Tiers sized against the peak (capacity & scalability checklist): each carries the peak with headroom (CAP-1),
survives the loss of one replica (CAP-2) and is not over-provisioned (CAP-6); and the design declares the scale
they are sized for (CAP-7). How tiers grow (load balancer, shared state, autoscaling, managed limits, shards:
CAP-3/4/5/9/14) is in ``scaling``, cost in ``cost``, batch windows in ``batch``.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Capacity numbers come from ``mlsd.analysis`` (peak load reaching each block, replicas needed). A *tier* is a
block on a serving path (see ``mlsd.rules.sla``) other than a client. Managed services (``managed: true``)
scale and stay redundant on the provider's side, so no rule here sizes them (CAP-9, in ``scaling``, holds them
to a limit they declare). An autoscaling tier is judged for capacity on the replicas it can reach
(``max_replicas`` when it states a ``scale_up_minutes`` within the bound, else its ``replicas``), and on its
``replicas`` (its floor) for over-provisioning.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

from mlsd.analysis import TierCapacity
from mlsd.analysis.cost import HOURS_PER_MONTH
from mlsd.analysis.failures import region_of, what_if
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.paths import lagging
from mlsd.rules.reliability import declared_regions
from mlsd.rules.scaling import per_item_text, replicas, scale_up_text
from mlsd.rules.sla import ms, name, on_serving_path, overworked, qty, serving_paths
from mlsd.text import and_join

ONLINE_SERVING_KINDS = ("client", "online_inference", "api_gateway", "load_balancer", "candidate_generation",
                        "reranker")
OVERPROVISION_FACTOR = 2.0


def tier_regions(ctx: Context, c: Component) -> list[str]:
    """Regions a tier runs in: those of its own ``regions`` (zones count as their region), else the regions the
    design must serve (``requirements.regions``); empty when neither says."""
    placed = declared_regions(c) or ctx.requirements.regions
    return list(dict.fromkeys(region_of(r) for r in placed if r.strip()))


def per_item_ms(ctx: Context, block: str) -> float:
    """The replica time per item the analysis used for a block (0 when it does no per-item work)."""
    model = ctx.analysis.model
    if model is None:
        return 0.0
    s = model.service(block)
    return s.ms_per_item if s is not None else 0.0


def _tiers(ctx: Context) -> Iterator[tuple[Component, TierCapacity]]:
    """Non-managed, non-client blocks on serving paths with their capacity figures."""
    capacity = ctx.analysis.capacity
    for b in on_serving_path(ctx):
        c = ctx.blocks[b]
        t = capacity.get(b)
        if c.kind == "client" or c.flag("managed") or t is None:
            continue
        yield c, t


def _sized_tiers(ctx: Context) -> list[tuple[Component, TierCapacity, float]]:
    """Tiers declaring qps_per_replica, with the load they must carry; NotApplicable when there is nothing
    to size (no peak QPS, no serving path, no tier with a throughput)."""
    peak = ctx.requirements.peak_qps
    if peak is None:
        raise NotApplicable("no peak QPS is declared (requirements.peak_qps)")
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    out = [(c, t, t.qps_per_replica) for c, t in _tiers(ctx) if t.qps_per_replica is not None]
    if not out:
        raise NotApplicable("no self-run tier on a request path declares qps_per_replica")
    return out


@rule(
    "CAP-1", "scalability", "error", "Every tier carries peak load with headroom",
    "Add replicas (the message gives how many), raise qps_per_replica (batching, a smaller model, faster "
    "hardware), or put a cache in front to cut the load reaching the tier.",
)
def peak_capacity(ctx: Context) -> list[Hit]:
    """Each tier's capacity (qps_per_replica × replicas) covers the peak QPS reaching it plus the headroom.

    The peak reaching a tier is ``requirements.peak_qps`` flowing along request connections (caches pass on
    only their misses), and a store read per candidate receives the caller's rate × its calls per request
    (candidates × ``keys_per_item`` ÷ ``keys_per_read`` × (1 − ``local_cache_hit_rate``) of the caller; see
    ``mlsd.analysis.store_work``; the message names those reads and whether the caller declared its multi-get
    size and local cache). The headroom (``requirements.headroom``, 30% by default) absorbs spikes, a lost
    replica and deploys. An autoscaling tier counts the replicas it can reach: its ``max_replicas`` only when it
    states ``scale_up_minutes`` of at most 10 minutes (else its running ``replicas``; the message names the
    scale-up needed). Managed services are not sized here (CAP-9). A replica's throughput is its declared
    ``qps_per_replica`` lowered to what its work per request allows (items_scored × ms_per_item; see
    ``mlsd.analysis.service``); a model given more work per request than the SLA is LAT-5's finding, not
    repeated here, and so is a tier only asynchronous paths reach that is at or above 100% of its capacity
    (LAT-6: its queue grows without bound).
    Why: a tier short of capacity at peak queues without bound: latency climbs past any SLA and requests time
    out, so the design does not carry its stated load as drawn. The headroom is part of the requirement,
    because spikes, lost replicas and rolling deploys happen at peak too.
    Fix: run at least the number of replicas the message gives, state a fast enough scale-up, or cut the calls
    reaching the tier (multi-get, local cache).
    Source: Google SRE book, ch. 1 (demand forecasting and capacity planning); AWS Well-Architected ML Lens;
    Kubernetes cluster-autoscaler FAQ (max-node-provision-time) for the scale-up bound.
    """
    headroom = ctx.requirements.headroom
    heavy = overworked(ctx)
    hits = []
    for c, t, per in _sized_tiers(ctx):
        running = t.reach_replicas or t.replicas
        needed = t.needed_replicas
        if needed is None or running >= needed or c.id in heavy or c.id in lagging(ctx):
            continue  # a model given more work than the SLA allows is LAT-5's; a consumer that cannot keep up, LAT-6's
        want = t.peak_qps * (1.0 + headroom)
        scaling = " (max_replicas)" if t.max_replicas is not None and running == t.max_replicas > t.replicas else ""
        work = ""
        declared = t.declared_qps_per_replica
        if declared is not None and per < declared:
            items, cost = c.num("items_scored"), per_item_ms(ctx, c.id)
            work = (f" Its work bounds a replica below the declared {qty(declared)} req/s: {qty(items)} items × "
                    f"{cost:g} ms per item = {1000 / per:.3g} ms of a replica per request.")
        hits.append(Hit(
            f"{name(ctx, c.id)} carries {running}{scaling} × {qty(per)} = {qty(running * per)} req/s but needs "
            f"{qty(want)} req/s ({qty(t.peak_qps)} req/s at peak + {headroom:.0%} headroom): {needed} replicas "
            f"needed, {running} running.{work}{scale_up_text(t, needed)}{per_item_text(ctx, c.id)}",
            components=(c.id,),
        ))
    return hits


# replica losses recomputed in full, the busiest first (all in one pass of the sampler): at most 64 tiers, and
# only on designs with at most 300 blocks on request paths, so that the rule stays fast on huge designs; the
# rest are judged by utilisation
WHAT_IF_TIERS = 64
WHAT_IF_MAX_BLOCKS = 300
QUIET_UTILISATION = 0.5  # below this after a loss, a tier's queueing wait is negligible next to any SLA


@rule(
    "CAP-2", "scalability", "warning", "Tiers survive the loss of one replica (N+1)",
    "Run one replica more than the peak needs (N+1; N+2 to also cover a deploy), so a failed or drained "
    "replica does not overload the others.",
)
def survives_one_loss(ctx: Context) -> list[Hit]:
    """With one replica down, each multi-replica tier still carries its peak and its paths stay within the SLA.

    Computed, not counted: the what-if analysis (``mlsd.analysis.failures``) takes one replica from the tier
    (of those it runs at the peak; autoscaling replaces it only after its scale-up delay) and recomputes the
    peak: the tier's utilisation and queueing, and every serving path's p99. It fails when a path that held
    before the loss then fails (the tier overloaded) or goes over the SLA. A tier left at or above 100% fails
    without further computation; one left below 50% cannot plausibly break a path and is not recomputed; of the
    others, the busiest 64 are recomputed in full and the rest judged by whether they stay below 100%
    utilisation (on a design with more than 300 blocks on request paths, all of them, so that the rule stays
    fast). Single-replica tiers are REL-1's finding,
    tiers short of capacity even with all replicas CAP-1's; managed services are not sized here.
    Why: replicas crash and deploys take them out one at a time, so a tier that carries the peak only at full
    strength overloads, or pushes a path over its SLA, the first time that happens at peak. A warning, not an
    error: the design holds while every replica is up, and a non-critical path may accept the risk.
    Fix: add a replica (N+1), or two (N+2).
    Source: Google SRE book, ch. 1 (N+2 provisioning) and ch. 22 (addressing cascading failures).
    """
    candidates = []
    for c, t, per in _sized_tiers(ctx):
        if t.replicas < 2 or t.needed_replicas is None or (t.reach_replicas or t.replicas) < t.needed_replicas:
            continue  # REL-1's or CAP-1's finding
        after = t.peak_qps / ((t.replicas - 1) * per)
        candidates.append((after, c, t, per))
    if not candidates:
        raise NotApplicable("no self-run tier on a request path has more than one replica and a qps_per_replica")
    busy = sorted((x for x in candidates if x[0] >= QUIET_UTILISATION), key=lambda x: -x[0])
    room = WHAT_IF_TIERS if len(ctx.analysis.capacity) <= WHAT_IF_MAX_BLOCKS else 0
    recompute = [c.id for after, c, _, _ in busy if after < 1.0][:room]  # a tier over 100% needs no sampling
    exact = {f.target: f for f in what_if(ctx.analysis, kinds=("replica",), only=recompute)} if recompute else {}
    before = {p.entry: p for p in serving_paths(ctx)}
    hits = []
    for after, c, t, per in busy:
        f = exact.get(c.id)
        broken = [] if f is None else [p for p in f.paths if (p.state == "failing" or p.over_sla)
                                        and (b := before.get(p.entry)) is not None and not b.over_sla]
        if after < 1.0 and not broken:
            continue  # still below saturation, and recomputed without harm (or one of the quiet rest)
        n_plus_1 = math.ceil(round(t.peak_qps / per, 9)) + 1
        if broken and broken[0].state != "failing" and broken[0].p99_ms is not None:
            effect = (f"the path from {name(ctx, broken[0].entry)} rises to p99 {ms(broken[0].p99_ms)}, over the "
                      f"{ms(ctx.requirements.sla_p99_ms or 0)} SLA")
        else:
            entry = f"the path from {name(ctx, broken[0].entry)}" if broken else "every path through it"
            effect = f"the tier is overloaded and {entry} fails"
        hits.append(Hit(
            f"{name(ctx, c.id)} runs {t.replicas} replicas of {qty(per)} req/s at {t.utilisation or 0:.0%} at peak; "
            f"losing one leaves {t.replicas - 1} at {after:.0%} for {qty(t.peak_qps)} req/s: {effect} "
            f"(N+1 needs {max(n_plus_1, t.replicas + 1)}).",
            components=(c.id,),
        ))
    return hits


@rule(
    "CAP-6", "scalability", "info", "No tier is over-provisioned more than 2×",
    "Lower replicas to what the peak needs plus one spare, in each region the tier serves (or autoscale from "
    "that floor).",
)
def over_provisioned(ctx: Context) -> list[Hit]:
    """No tier runs more than twice the replicas the peak needs (with headroom, plus one spare for N+1).

    A tier needs the replicas that carry the peak with the headroom (as CAP-1 computes them) plus one spare,
    and at least 2. A tier serving several regions keeps N+1 in each: its regions are those of its own
    ``regions`` prop, else ``requirements.regions``; with R of them it needs R × (its share of the needed
    replicas, rounded up, + 1), so never fewer than 2 per region. It fails when it runs more than twice that.
    Over-provisioning is the most common waste in serving cost; the message gives the monthly cost of the
    replicas beyond what is needed (``cost_per_hour`` × 730 h). An autoscaling tier is judged on its floor
    (``replicas``). Managed services are not sized here.
    Why: replicas beyond the peak's need plus a spare cost money, not reliability: the design holds, it only
    costs more than it must (the message prices the excess). Info, because spare capacity may be deliberate (a
    launch, regional failover, a known spike).
    Fix: lower replicas, or autoscale.
    Source: AWS Well-Architected ML Lens, cost optimisation pillar (right-size endpoints).
    """
    headroom = ctx.requirements.headroom
    hits = []
    for c, t, per in _sized_tiers(ctx):
        needed = t.needed_replicas
        if needed is None:
            continue
        regions = len(tier_regions(ctx, c))
        if regions > 1:
            per_region = max(math.ceil(needed / regions) + 1, 2)  # its share of the load plus a spare, per region
            wanted = regions * per_region
            enough = (f"{wanted} would do with a spare in each region ({per_region} per region × {regions} "
                      "regions, at least 2 per region)")
        else:
            wanted = max(needed + 1, 2)
            enough = f"{wanted} would do with a spare"
        running = replicas(c)
        if running <= OVERPROVISION_FACTOR * wanted:
            continue
        spare = running - wanted
        cost = spare * c.num("cost_per_hour") * HOURS_PER_MONTH
        waste = f"the {spare} extra cost ${cost:,.0f}/month" if cost > 0 else f"{spare} replicas are extra"
        hits.append(Hit(
            f"{name(ctx, c.id)} runs {running} replicas of {qty(per)} req/s for {qty(t.peak_qps * (1 + headroom))} "
            f"req/s needed ({qty(t.peak_qps)} at peak + {headroom:.0%}): {enough}; {waste} "
            f"(design total ${ctx.analysis.cost_per_month:,.0f}/month).",
            components=(c.id,),
        ))
    return hits


@rule(
    "CAP-7", "scalability", "error", "The design declares its scale: SLA, peak QPS, data volume",
    "Fill in the requirements: p99 SLA (ms) and peak QPS for online serving, and the data volume (GB).",
)
def scale_declared(ctx: Context) -> list[Hit]:
    """The requirements say how big and how fast: data volume always; p99 SLA and peak QPS with online serving.

    Without these numbers no capacity, latency or cost check can run, and in an interview the scale is the
    first thing to pin down. A design serves online when it has a request path from a client or an online
    serving block, or a client, gateway, load balancer or online inference block; a pure batch design
    (scoring jobs, pipelines) needs only its data volume. Everything missing is one finding (one cause: the
    requirements were not filled in), which lists each missing number.
    Why: nothing is drawn wrong, but every check that reads these numbers is skipped, so a design without them
    passes by default and its report claims more than was checked.
    Fix: set requirements.sla_p99_ms, requirements.peak_qps and requirements.data_volume_gb.
    Source: Xu & Aminian, ML System Design Interview, ch. 1 (clarifying requirements); alirezadir MLSD step 1.
    """
    if not ctx.design.components:
        raise NotApplicable("the design has no blocks yet")
    req = ctx.requirements
    online = bool(serving_paths(ctx)) or ctx.has_kind(*ONLINE_SERVING_KINDS)
    missing: list[tuple[str, str]] = []  # (what, how to fill it in)
    if online and req.sla_p99_ms is None:
        missing.append(("p99 SLA (requirements.sla_p99_ms)", "the p99 SLA in ms"))
    if online and req.peak_qps is None:
        missing.append(("peak QPS (requirements.peak_qps)", "the peak QPS"))
    if req.data_volume_gb is None:
        missing.append(("data volume (requirements.data_volume_gb)", "the data volume in GB"))
    if not missing:
        return []
    what = "serves online requests" if online else "is a batch design"
    return [Hit(
        f"The design {what} but declares {and_join([f'no {m}' for m, _ in missing])}.",
        fix=f"Fill in the requirements: {and_join([f for _, f in missing])}.",
    )]
