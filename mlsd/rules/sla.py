"""Rules of the latency-SLA checklist (LAT-1 to LAT-4), and the request-path helpers other checklists share.

LAT-5 (the ranking funnel) is in ``mlsd.rules.funnel``, LAT-6 to LAT-9 in ``mlsd.rules.paths``.

Here "component" means a placed block of a design (``mlsd.model.Component``).

A *serving path* is a request path (see ``mlsd.analysis``) whose entry is a ``client`` or an online block that
serves traffic. Paths that start at a batch job, a stream processor, a data source or a monitoring block (a
dashboard querying a warehouse, a batch scorer calling a model) are not held to the user-facing SLA. A serving
path whose entry is fed by a queue or a stream is *asynchronous* (``RequestPath.asynchronous``): it is still a
serving path for capacity and reliability, but it is held to its lag target (LAT-6), not to the SLA.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from weakref import WeakKeyDictionary

from mlsd.analysis import RequestPath, is_serving_entry
from mlsd.analysis.service import Service
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.text import counted

FANOUT_LIMIT = 11  # parallel calls from which stragglers dominate the tail (Dean & Barroso)
STRAGGLER_RATE = 0.01  # each call is slower than its own p99 one time in a hundred
HEAVY_RANKERS = frozenset({"dnn", "transformer", "multi_stage_ranker", "reranker"})
RETRIEVAL = frozenset({"candidate_generation", "two_tower", "vector_index"})
PRECOMPUTING = RETRIEVAL | {"batch_prediction"}
SCORERS = HEAVY_RANKERS | {"gbdt", "logistic_regression", "online_inference", "heuristic_baseline"}
HEAVY_PARAMS_MILLIONS = 10.0  # an online_inference block serving a model this large (or on GPU) is heavy
MAX_CHAIN_SHOWN = 8

_PATHS: WeakKeyDictionary[Context, tuple[RequestPath, ...]] = WeakKeyDictionary()
_ON_PATH: WeakKeyDictionary[Context, dict[str, str]] = WeakKeyDictionary()


# ---- helpers shared with the scalability and reliability checklists ---------------------------------------

def serving_paths(ctx: Context) -> tuple[RequestPath, ...]:
    """The design's serving paths (computed once per context)."""
    found = _PATHS.get(ctx)
    if found is None:
        found = tuple(p for p in ctx.analysis.paths if is_serving_entry(ctx.blocks[p.entry]))
        _PATHS[ctx] = found
    return found


def sync_paths(ctx: Context) -> tuple[RequestPath, ...]:
    """The serving paths a user waits on: all but the asynchronous ones (queue- or stream-fed consumers)."""
    return tuple(p for p in serving_paths(ctx) if not p.asynchronous)


def on_serving_path(ctx: Context) -> dict[str, str]:
    """Every block on a serving path, mapped to the entry of the first path it is on (design-path order)."""
    found = _ON_PATH.get(ctx)
    if found is None:
        found = {}
        for p in serving_paths(ctx):
            for b in p.blocks:
                found.setdefault(b, p.entry)
        _ON_PATH[ctx] = found
    return found


def overworked(ctx: Context) -> dict[str, float]:
    """Heavy models on serving paths whose work per request (items_scored × ms_per_item, the replica time the
    analysis charges) alone exceeds the SLA: block id -> work in ms. LAT-5 reports them; LAT-1 and CAP-1, whose
    numbers they also break, leave them to it (one cause, one finding)."""
    found = ctx.memo.get("sla.overworked")
    if found is None:
        found = {}
        sla = ctx.requirements.sla_p99_ms
        model = ctx.analysis.model
        if sla is not None and model is not None:
            on_sync = dict.fromkeys(b for p in sync_paths(ctx) for b in p.blocks)  # async paths: judged by lag
            for b in on_sync:
                s = _service(ctx, b)
                if s is not None and is_heavy(ctx.blocks[b]) and s.work_ms > sla:
                    found[b] = s.work_ms
        ctx.memo["sla.overworked"] = found
    return found


def _service(ctx: Context, block_id: str) -> Service | None:
    model = ctx.analysis.model
    return model.service(block_id) if model is not None else None


def name(ctx: Context, block_id: str) -> str:
    """A block's title, quoted, for messages."""
    return f"'{ctx.blocks[block_id].title}'"


def names(ctx: Context, block_ids: Iterable[str], limit: int = 5) -> str:
    """Quoted titles joined by commas, the tail counted when there are more than ``limit``
    (``mlsd.text.counted``)."""
    ids = list(block_ids)
    shown = [name(ctx, b) for b in ids[:limit]]
    return ", ".join(shown) if len(ids) <= limit else counted(shown, len(ids))


def chain(ctx: Context, block_ids: tuple[str, ...]) -> str:
    """Titles joined by arrows, shortened in the middle of very long chains."""
    if len(block_ids) <= MAX_CHAIN_SHOWN:
        return " → ".join(ctx.blocks[b].title for b in block_ids)
    head = [ctx.blocks[b].title for b in block_ids[: MAX_CHAIN_SHOWN - 2]]
    hidden = len(block_ids) - MAX_CHAIN_SHOWN + 1
    return " → ".join([*head, f"… ({hidden} more)", ctx.blocks[block_ids[-1]].title])


def ms(value: float) -> str:
    """Milliseconds for messages: whole numbers from 10 ms, one decimal below."""
    return f"{value:,.0f} ms" if value >= 10 or value == 0 else f"{value:.1f} ms"


def qty(value: float) -> str:
    """A count or rate for messages, with thousands separators."""
    return f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:.2g}"


def _require_sla(ctx: Context) -> None:
    """Raise NotApplicable when the design declares no p99 SLA (``requirements.sla_p99_ms``): the latency
    checklist judges against it, so without one it neither passes nor fails."""
    if ctx.requirements.sla_p99_ms is None:
        raise NotApplicable("no p99 SLA is declared (requirements.sla_p99_ms)")


# ---- LAT rules ---------------------------------------------------------------------------------------------

@rule(
    "LAT-1", "sla", "error", "End-to-end p99 at peak within the SLA",
    "Shorten the critical chain: call independent blocks in parallel (calls: parallel), put a cache in front "
    "of the slowest call, precompute results offline, or use a smaller model; where queueing adds the time, run "
    "more replicas of the busy tier. Renegotiate the SLA only last.",
)
def end_to_end_p99(ctx: Context) -> list[Hit]:
    """Every serving path's end-to-end p99 at the design's peak, queueing included, fits the p99 SLA.

    The p99 is computed, not summed: each block's latency is the lognormal its declared p50/p99 describe (its
    work per request included), each self-run tier adds its queueing wait at the peak load reaching it (M/G/c:
    Erlang C with the Allen–Cunneen correction, servers from Little's law), and the path combines them along
    its calls by sampling (see ``mlsd.analysis``). The sum of the declared p99s (the conservative budget) is
    given in the message for comparison, not judged: it overstates a chain's p99 by 10-65%.
    A path through a saturated tier (utilisation ≥ 100% at peak) has no p99; that is CAP-1's finding, not
    repeated here; nor is a path whose heavy model alone is given more work per request than the SLA (LAT-5).
    Paths that start at a batch job or a stream processor are not serving paths; asynchronous paths (an entry fed
    by a queue or a stream) are held to their lag target by LAT-6 instead.
    Why: a ranking path that blows its budget at peak is discovered in load tests or by users, late and
    expensively; queueing near full utilisation is the part nobody writes down.
    Fix: cut the critical chain named in the message, or add replicas where queueing dominates.
    Source: Xu & Aminian, ML System Design Interview (latency requirements); Dean & Barroso, The Tail at Scale;
    Kleinrock, Queueing Systems vol. 1 (Erlang C).
    """
    sla = ctx.requirements.sla_p99_ms
    if sla is None:
        raise NotApplicable("no p99 SLA is declared (requirements.sla_p99_ms)")
    paths = sync_paths(ctx)
    if not paths:
        raise NotApplicable("no synchronous request path starts at a client or an online serving block")
    ends = {e.id: (e.source, e.target) for e in ctx.design.connections if e.flow == "request"}
    tiers = ctx.analysis.capacity
    heavy = overworked(ctx)
    hits = []
    for p in paths:
        if p.p99_ms is None or p.p99_ms <= sla:
            continue  # saturated paths are CAP-1's finding
        if not heavy.keys().isdisjoint(p.blocks):
            continue  # a model given more work than the SLA allows: LAT-5's finding
        critical = tuple(dict.fromkeys(p.critical))  # a block called from two branches is listed once
        if len(critical) == len(p.blocks):  # every block counts: the whole tree is the critical chain
            conns = p.connections
        else:
            inside = set(critical)
            conns = tuple(cid for cid in p.connections if ends[cid][0] in inside and ends[cid][1] in inside)
        waits = [(t.wait_p99_ms, b) for b in p.blocks if (t := tiers.get(b)) is not None and t.wait_p99_ms]
        worst_wait, busiest = max(waits, default=(0.0, ""))
        light = p.light_p99_ms
        if light > sla or not busiest:
            slowest, slowest_ms = max(p.contributions, key=itemgetter(1))
            why = (f"already {ms(light)} at light load; the critical chain is {chain(ctx, critical)}, slowest "
                   f"{name(ctx, slowest)} at {ms(slowest_ms)}")
            batching = [(s.batch_wait_ms, b) for b in p.blocks if (s := _service(ctx, b)) is not None
                        and s.batch_size > 1 and s.batch_wait_ms > 0.1 * sla]
            if batching:
                wait, b = max(batching)
                why += f"; {name(ctx, b)} waits up to {ms(wait)} for its batch to fill (max_batch_wait_ms)"
            fix = None
        else:
            t = tiers[busiest]
            why = (f"{ms(light)} at light load; queueing adds the rest: {name(ctx, busiest)} runs at "
                   f"{t.utilisation or 0:.0%} of its capacity ({t.replicas} × {qty(t.qps_per_replica or 0)} req/s "
                   f"for {qty(t.peak_qps)} req/s) and its p99 wait is {ms(worst_wait)}")
            fix = (f"Run more replicas of {name(ctx, busiest)} (or raise its throughput) so that it runs further "
                   "from full utilisation, or shorten the critical chain.")
        hits.append(Hit(
            f"Path from {name(ctx, p.entry)} has p99 {ms(p.p99_ms)} at peak ({qty(p.peak_qps)} req/s, queueing "
            f"model) against a {ms(sla)} SLA, {ms(p.p99_ms - sla)} over: {why}. The declared p99s add up to "
            f"{ms(p.p99_sum_ms)}.",
            components=critical if busiest in critical or not busiest else (*critical, busiest),
            connections=conns,
            fix=fix,
        ))
    return hits


@rule(
    "LAT-2", "sla", "warning", "Every block on a request path declares its p99",
    "Set p99_ms on the block (measure it, or take a published figure for the kind of service).",
)
def missing_latency(ctx: Context) -> list[Hit]:
    """Every block a serving request passes through has a p99 latency (its own ``p99_ms`` or its kind's).

    A block without one counts as 0 ms in the path's latency, so the SLA check (LAT-1) silently passes on an
    incomplete budget. Batch-tier blocks on a request path are reported by LAT-3 instead; clients are not
    counted.
    Why: the path's p99 is only as complete as the blocks that declare one, so a pass from LAT-1 says nothing
    about the unpriced hops. A warning: the block may well be fast; the review cannot tell.
    Not applicable while no p99 SLA is declared: there is no budget to complete yet, and a pass would let the
    SLA checklist count as met on a design with no latency target (the board's Next steps ask for the SLA).
    Fix: give the block a ``p99_ms``.
    Source: Xu & Aminian, ML System Design Interview (serving latency budget); Google SRE book (SLOs).
    """
    _require_sla(ctx)
    paths = serving_paths(ctx)
    if not paths:
        raise NotApplicable("no request path starts at a client or an online serving block")
    first_entry: dict[str, str] = {}
    for p in paths:
        for b in p.missing_latency:
            if ctx.tier(b) != "batch":
                first_entry.setdefault(b, p.entry)
    return [
        Hit(
            f"{name(ctx, b)} is on the request path from {name(ctx, entry)} but declares no p99_ms, so the "
            "path's latency counts it as 0 ms.",
            components=(b,),
        )
        for b, entry in first_entry.items()
    ]


def _origin_fetch(ctx: Context, c: Component) -> bool:
    """Object storage called only by a CDN: a cache-miss origin fetch, the CDN's normal design."""
    callers = ctx.predecessors(c.id, ("request",))
    return c.kind == "object_storage" and bool(callers) and all(p.kind == "cdn" for p in callers)


@rule(
    "LAT-3", "sla", "error", "No batch-tier block on a synchronous request path",
    "Take the batch block off the request path: precompute what it provides into an online store "
    "(batch_prediction or a feature pipeline writing a kv_store / online feature store), or make the "
    "connection a batch or stream flow.",
)
def batch_on_request_path(ctx: Context) -> list[Hit]:
    """No block of the batch tier (a warehouse, HDFS, a data lake, an ETL or training job...) is called
    synchronously while serving a request.

    Batch systems answer in seconds to hours and are sized for throughput, not for a p99 in milliseconds;
    putting one on the request path breaks the SLA and couples serving to a system that is allowed to be down.
    The entry of a path may be a batch job itself (a batch scorer calling a model service): such paths are not
    serving paths and are not checked. Object storage called only by a CDN (an origin fetch) is allowed.
    Why: no setting fixes it: the call sits inside every request, so the path misses its p99 whenever the batch
    system is busy or down, which its own service level allows; only a change of design (precompute, or go
    asynchronous) does.
    Not applicable while no p99 SLA is declared: the call is judged against the latency target, and a pass
    would let the SLA checklist count as met on a design with none.
    Fix: precompute into an online store, or turn the call into an asynchronous flow.
    Source: Huyen, Designing ML Systems (batch vs online prediction); Rules of ML #29-#32 (serving features).
    """
    _require_sla(ctx)
    paths = serving_paths(ctx)
    if not paths:
        raise NotApplicable("no request path starts at a client or an online serving block")
    hits = []
    for b, entry in on_serving_path(ctx).items():
        c = ctx.blocks[b]
        if b == entry or ctx.tier(b) != "batch" or _origin_fetch(ctx, c):
            continue
        callers = [p.id for p in ctx.predecessors(b, ("request",))]
        conns = tuple(e.id for e in ctx.in_edges.get(b, ()) if e.flow == "request")
        p99 = c.prop("p99_ms")
        latency = f", p99 {ms(c.num('p99_ms'))}" if p99 is not None else ""
        hits.append(Hit(
            f"{name(ctx, b)} ({c.kind}, batch tier{latency}) is called synchronously by {names(ctx, callers)} "
            f"on the request path from {name(ctx, entry)}.",
            components=(b,),
            connections=conns,
        ))
    return hits


@rule(
    "LAT-4", "sla", "warning", "Wide parallel fan-out has timeouts or hedged requests",
    "Set timeout_ms on the fanning-out block and answer with the results in hand (or set hedged_requests: "
    "send a backup request when the first is slower than its p95).",
)
def fan_out_tail(ctx: Context) -> list[Hit]:
    """A block that calls 11 or more request targets in parallel bounds its wait with a timeout or hedging.

    With k parallel calls, the request waits for the slowest: if each target is slower than its p99 one time in
    a hundred, 1 - 0.99^k of requests meet a straggler (11 calls: 10%; 100 calls: 63%). A timeout
    (``timeout_ms`` > 0) or hedged requests (``hedged_requests``) cut that tail.
    Why: at wide fan-out the callees' rare slow answers become the request's common case, so the path's p99 is
    set by stragglers that no block's own p99 shows. A warning: the callees' tails may be tight enough, but
    nothing in the design bounds them.
    Fix: set a timeout and degrade gracefully, or hedge.
    Source: Dean & Barroso, The Tail at Scale (CACM 2013): hedged and tied requests.
    """
    hits = []
    applies = False
    for c in ctx.design.components:
        if c.prop("calls") != "parallel":
            continue
        edges = [e for e in ctx.out_edges.get(c.id, ()) if e.flow == "request"]
        targets = list(dict.fromkeys(e.target for e in edges))
        if len(targets) < FANOUT_LIMIT:
            continue
        applies = True
        if c.num("timeout_ms") > 0 or c.flag("hedged_requests"):
            continue
        share = 1.0 - (1.0 - STRAGGLER_RATE) ** len(targets)
        hits.append(Hit(
            f"{name(ctx, c.id)} calls {len(targets)} targets in parallel without timeout_ms or hedged requests: "
            f"if each is slower than its p99 1% of the time, {share:.0%} of requests wait for a straggler.",
            components=(c.id,),
            connections=tuple(e.id for e in edges),
        ))
    if not applies:
        raise NotApplicable(f"no block calls {FANOUT_LIMIT} or more request targets in parallel")
    return hits


def is_heavy(c: Component) -> bool:
    if c.kind in HEAVY_RANKERS:
        return True
    return c.kind == "online_inference" and (c.flag("gpu") or c.num("params_millions") >= HEAVY_PARAMS_MILLIONS)
