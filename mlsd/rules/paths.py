"""Rules of the latency checklist about paths (LAT-6 to LAT-9): asynchronous consumers, the peak's split
between entries, deadlines, and the path a fallback answers on.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Serving paths, synchronous and asynchronous, are those of ``mlsd.rules.sla``; the numbers come from
``mlsd.analysis`` (``entries`` for asynchronous consumers and their arrival rate, ``degraded`` for fallbacks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlsd.analysis.degraded import Degraded, degraded_calls, timeout_ms
from mlsd.analysis.network import RequestPath
from mlsd.catalog import KINDS
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import ms, name, names, qty, serving_paths, sync_paths
from mlsd.text import counted

DEFAULT_MAX_LAG_MINUTES = 5.0  # lag target of a consumer that declares none, without requirements.freshness_minutes
MS_PER_MINUTE = 60_000.0
TIMEOUT_SLACK = 0.1  # a timeout may exceed its budget by this share of the SLA (the budget is from estimates)
SHOWN = 5  # items a message names (the most telling first); the rest are counted (``mlsd.text.counted``)
UNBOUNDED_TIMEOUT_KINDS = frozenset({"client"})  # the user's own wait: not a hop of the design's deadline chain


def async_paths(ctx: Context) -> tuple[RequestPath, ...]:
    """Serving paths whose entry is fed by a queue or a stream (see ``mlsd.analysis.entries``)."""
    return tuple(p for p in serving_paths(ctx) if p.asynchronous)


def lag_target(ctx: Context, entry: str) -> tuple[float, str]:
    """(minutes, where it comes from) of an asynchronous entry's lag target."""
    c = ctx.blocks[entry]
    if c.prop("max_lag_minutes") is not None:
        return c.num("max_lag_minutes"), "its max_lag_minutes"
    fresh = ctx.requirements.freshness_minutes
    if fresh is not None:
        return fresh, "requirements.freshness_minutes (it declares no max_lag_minutes)"
    return DEFAULT_MAX_LAG_MINUTES, f"the default of {DEFAULT_MAX_LAG_MINUTES:g} min (no max_lag_minutes declared)"


def lagging(ctx: Context) -> dict[str, str]:
    """Self-run tiers only asynchronous paths reach that are at or above 100% of their capacity at the peak
    (autoscaling tiers at the replicas they can reach): block id -> the asynchronous entry. LAT-6 reports them as
    unbounded lag; CAP-1 leaves them to it (one cause, one finding)."""
    found = ctx.memo.get("paths.lagging")
    if found is None:
        found = {}
        on_sync = {b for p in sync_paths(ctx) for b in p.blocks}
        tiers = ctx.analysis.capacity
        for p in async_paths(ctx):
            for b in p.blocks:
                t = tiers.get(b)
                if (b in on_sync or t is None or ctx.blocks[b].flag("managed") or t.utilisation is None
                        or t.utilisation < 1.0 or t.peak_qps <= 0):
                    continue
                found.setdefault(b, p.entry)
        ctx.memo["paths.lagging"] = found
    return found


@rule(
    "LAT-6", "sla", "error", "Asynchronous consumers keep up with their queue",
    "Give the consumer (and what it calls) more throughput than the rate its queue receives (replicas, "
    "max_replicas, batching), and declare max_lag_minutes, the lag the product can live with.",
)
def async_consumers_keep_up(ctx: Context) -> list[Hit]:
    """Every asynchronous path (an entry fed by a queue or a stream, e.g. workers reading a message queue) keeps
    up with what its queue receives, and its lag stays within its target.

    An asynchronous consumer is not held to the request SLA (nobody waits on it; LAT-1 skips it) but to its lag
    target: its ``max_lag_minutes``, else ``requirements.freshness_minutes`` (its output is data others read),
    else 5 minutes. Its arrival rate is what its queue receives: one message per request its producers handle at
    the peak, a producer's ``items_per_day``, or the entry's own ``traffic_share`` (``mlsd.analysis.entries``).
    Checked: (1) throughput: each self-run tier of the path (the consumer and what it calls; tiers shared with a
    synchronous path are CAP-1's) carries the arrival rate; at or above 100% of its capacity the backlog, and
    the lag, grow without bound for as long as the peak lasts; (2) lag: the path's p99 at peak from the queueing
    model (service plus queueing wait at each tier, M/G/c) fits the target. The message gives the time a backlog
    of one target's worth of arrivals takes to drain at the spare capacity.
    Why: a queue hides an under-sized consumer until the backlog is hours old (moderation, notifications,
    feature updates arrive too late to matter).
    Fix: size the consumer for the arrival rate, and declare the lag target.
    Source: Kleppmann, Designing Data-Intensive Applications ch. 11 (consumer lag, back-pressure); Kleinrock,
    Queueing Systems vol. 1 (a queue is stable only when arrivals stay below capacity); Huyen, Designing ML
    Systems ch. 7 (asynchronous prediction).
    """
    paths = async_paths(ctx)
    if not paths:
        raise NotApplicable("no serving entry is fed by a queue or a stream")
    tiers = ctx.analysis.capacity
    hot = lagging(ctx)
    hits = []
    for p in paths:
        target, source = lag_target(ctx, p.entry)
        mine = [b for b in p.blocks if hot.get(b) == p.entry]
        if mine:
            busiest = sorted(mine, key=lambda b: -(tiers[b].utilisation or 0))[:SHOWN]  # stable: path order
            parts = [f"{name(ctx, b)} carries {qty(tiers[b].capacity_qps or 0)} req/s for {qty(tiers[b].peak_qps)} "
                     f"req/s ({tiers[b].utilisation or 0:.0%})" for b in busiest]
            hits.append(Hit(
                f"The asynchronous path from {name(ctx, p.entry)} receives {qty(p.peak_qps)} messages/s at the peak "
                f"and cannot keep up: {counted(parts, len(mine), 'tier', sep='; ')}. Its backlog grows for as long "
                "as the peak lasts, so the "
                f"lag passes any target ({qty(target)} min from {source}).",
                components=tuple(mine),
            ))
            continue
        if p.p99_ms is None:
            continue  # saturated on a tier a synchronous path shares: CAP-1's finding
        if p.p99_ms > target * MS_PER_MINUTE:
            hits.append(Hit(
                f"The asynchronous path from {name(ctx, p.entry)} takes {ms(p.p99_ms)} at p99 per message at the "
                f"peak ({qty(p.peak_qps)} messages/s, queueing model), over its lag target of {qty(target)} min "
                f"({source}).{_drain(ctx, p, target)}",
                components=(p.entry,),
            ))
    return hits


def _drain(ctx: Context, p: RequestPath, target: float) -> str:
    """The time a backlog of one target's worth of arrivals takes to drain at the path's tightest tier."""
    tiers = ctx.analysis.capacity
    spare = [((t.capacity_qps or 0) - t.peak_qps, b) for b in p.blocks
             if (t := tiers.get(b)) is not None and t.capacity_qps is not None and t.peak_qps > 0]
    if not spare:
        return ""
    left, b = min(spare)
    if left <= 0:
        return ""
    minutes = p.peak_qps * target / left
    return (f" A backlog of {qty(target)} min of arrivals drains in {qty(minutes)} min at {name(ctx, b)}'s spare "
            "capacity.")


def _share_declared(ctx: Context, entry: str) -> bool:
    c = ctx.blocks[entry]
    return "traffic_share" in c.props or "traffic_share" in KINDS[c.kind].props


@rule(
    "LAT-7", "sla", "warning", "Several entries declare their share of the peak",
    "Set traffic_share on each entry (the share of requirements.peak_qps that enters there; 1 on an entry that "
    "sees every request), or give an asynchronous consumer's producers a rate (items_per_day).",
)
def entries_declare_share(ctx: Context) -> list[Hit]:
    """The peak is not split between entries on a guess.

    ``requirements.peak_qps`` enters at the synchronous serving entries: each takes its ``traffic_share`` and
    the entries without one split the rest equally (``mlsd.analysis.traffic``). With two or more entries
    without a share, that equal split sizes every tier behind them without the author having said so (a web and
    an app client, or a request path and an upload path, rarely carry the same load). The finding points at
    every such entry (each needs its share); the message names five and the rate each was given, and counts
    the rest. An asynchronous consumer whose producers carry no known rate (no
    request load, no items_per_day) and that declares no traffic_share is given the whole peak, which is also
    named. Category: latency, because the split decides each path's peak, which LAT-1 judges; it sizes the
    tiers CAP-1 judges too.
    Why: the split silently decides how much capacity each path gets, so a wrong guess under-sizes the busier
    path while every capacity and latency check passes on made-up numbers. A warning: the numbers may be right
    by chance.
    Fix: declare traffic_share per entry.
    Source: Google SRE book ch. 1 (demand forecasting per traffic source); Xu & Aminian, ML System Design
    Interview ch. 1 (back-of-the-envelope QPS per use case).
    """
    if ctx.requirements.peak_qps is None:
        raise NotApplicable("no peak QPS is declared (requirements.peak_qps)")
    model = ctx.analysis.model
    entries = sync_paths(ctx)
    unknown = [] if model is None else [model.parts.ids[e] for e in sorted(model.unknown_feed)]
    if len(entries) < 2 and not unknown:
        raise NotApplicable("one synchronous entry takes the peak, and every asynchronous consumer's rate is known")
    hits = []
    guessed = [p for p in entries if not _share_declared(ctx, p.entry)]
    if len(guessed) >= 2:
        busiest = sorted(guessed, key=lambda p: -p.peak_qps)[:SHOWN]  # stable: design-path order among equals
        given = counted([f"{name(ctx, p.entry)} {qty(p.peak_qps)} req/s" for p in busiest], len(guessed), "entry",
                        plural="entries")
        hits.append(Hit(
            f"{len(guessed)} entries declare no traffic_share, so the {qty(ctx.requirements.peak_qps)} req/s peak "
            f"(less any declared shares) was split equally between them: {given}. Every tier behind them is sized "
            "on that guess.",
            components=tuple(p.entry for p in guessed),
        ))
    if unknown:
        one = len(unknown) == 1
        hits.append(Hit(
            f"{names(ctx, unknown)} {'is' if one else 'are'} fed by a queue or stream whose producers carry no "
            f"known rate (no request load, no items_per_day), so {'it was' if one else 'each was'} given the whole "
            f"peak, {qty(ctx.requirements.peak_qps)} messages/s.",
            components=tuple(unknown),
        ))
    return hits


@dataclass(frozen=True)
class Budget:
    """The time a block on a synchronous serving path may wait for its callees."""

    ms: float
    set_by: str  # the caller whose deadline less own p99 sets it ("" for the SLA at a path's entry)
    entry: str  # the entry of the path the budget comes from
    timeout_ms: float  # the block's own timeout (infinite when it sets none)


def deadline_budgets(ctx: Context) -> dict[str, Budget]:
    """Budgets of the blocks on synchronous serving paths that call other blocks. A path's entry gets the SLA; a
    callee gets its caller's deadline (the caller's timeout_ms when it sets one below its own budget, else that
    budget) less the caller's own declared p99, the smallest over its callers. Empty without an SLA or a load
    model."""
    sla = ctx.requirements.sla_p99_ms
    model = ctx.analysis.model
    if sla is None or model is None:
        return {}
    g, parts, services = model.graph, model.parts, model.services
    budget: dict[int, tuple[float, int, int]] = {}  # block -> (ms, set by, entry)
    for p in sync_paths(ctx):
        e = model.index[p.entry]
        budget[e] = (sla, -1, e)
    out: dict[str, Budget] = {}
    ids = g.ids
    for v in reversed(g.reach_post):  # parents before children
        found = budget.get(v)
        kids = g.kids[v]
        if found is None or not kids:
            continue
        deadline, by, entry = found
        timeout = timeout_ms(parts, v)
        out[ids[v]] = Budget(deadline, ids[by] if by >= 0 else "", ids[entry], timeout)
        if timeout < deadline and parts.kinds[v] not in UNBOUNDED_TIMEOUT_KINDS:
            deadline = timeout
        own = services[v]
        left = deadline - (own.declared_p99_ms if own is not None else 0.0)
        for w in kids:
            if w not in budget or left < budget[w][0]:
                budget[w] = (left, v, entry)
    return out


def _budget_source(ctx: Context, by: str) -> str:
    """Where a hop's budget comes from, for messages."""
    if not by:
        return "the SLA"
    own = ctx.analysis.capacity.get(by)
    if ctx.blocks[by].kind in UNBOUNDED_TIMEOUT_KINDS:
        return "the SLA" if own is None or not own.light_p99_ms else f"the SLA less {name(ctx, by)}'s own p99"
    return f"what {name(ctx, by)} leaves after its own p99"


@rule(
    "LAT-8", "sla", "warning", "Each hop's timeout fits the SLA budget left to it",
    "Set each timeout_ms within its budget: the first hop's at most the SLA, each callee's at most its caller's "
    "timeout less the caller's own p99 (deadline propagation).",
)
def timeouts_fit_budget(ctx: Context) -> list[Hit]:
    """A timeout on a synchronous serving path fires before the request has outlived the SLA.

    The budget of a path's entry is ``requirements.sla_p99_ms``; a block's callees get its deadline (its
    ``timeout_ms`` when set and shorter, else its own budget) less its own declared p99 (the time it needs for
    its own work), the smallest over their callers. A block whose ``timeout_ms`` (its own or its kind's
    default: an api_gateway's is Envoy's 15,000 ms route timeout) exceeds its budget keeps waiting on a
    dependency after the user's request has already missed the SLA; its threads and connections pile up behind
    a slow dependency (a cascading failure). Clients' timeouts are the user's and are not judged; a hop whose
    budget its callers' own p99s already use up is LAT-1's. Blocks without a timeout are REL-4's. Budgets come
    from declared p99s, which are estimates: a timeout up to 10% of the SLA over its budget is accepted (a
    gateway at 190 ms under a 200 ms SLA is careful, one at 15,000 ms is not).
    One finding per path, pointing at every hop over its budget; the message names the five furthest over it
    and counts the rest.
    Why: the path holds while its dependencies are healthy; the timeout decides how it fails when one is slow:
    at the deadline with a fallback or an error, or long after the user left, once its callers' threads and
    connections have piled up.
    Fix: lower each timeout to its budget, or propagate the remaining deadline with the request.
    Source: Google SRE book ch. 22 (deadline propagation); gRPC deadlines guide; Dean & Barroso, The Tail at
    Scale (CACM 2013).
    """
    sla = ctx.requirements.sla_p99_ms
    if sla is None:
        raise NotApplicable("no p99 SLA is declared (requirements.sla_p99_ms)")
    if not sync_paths(ctx):
        raise NotApplicable("no synchronous request path starts at a client or an online serving block")
    budgets = deadline_budgets(ctx)
    timed = {b: x for b, x in budgets.items() if x.timeout_ms < math.inf
             and ctx.blocks[b].kind not in UNBOUNDED_TIMEOUT_KINDS}
    if not timed:
        raise NotApplicable("no block on a synchronous request path sets a timeout on its calls (REL-4 asks for them)")
    by_path: dict[str, list[str]] = {}
    for b, x in timed.items():
        if 0 < x.ms < x.timeout_ms - TIMEOUT_SLACK * sla:
            by_path.setdefault(x.entry, []).append(b)
    hits = []
    for entry, over in by_path.items():
        said = []
        # the hops furthest over their budget first (stable: design-path order among equals)
        for b in sorted(over, key=lambda b: budgets[b].ms - budgets[b].timeout_ms)[:SHOWN]:
            x = budgets[b]
            default = " (its kind's default)" if "timeout_ms" not in ctx.blocks[b].props else ""
            why = _budget_source(ctx, x.set_by)
            said.append(f"{name(ctx, b)} waits up to {ms(x.timeout_ms)}{default} against {ms(x.ms)} ({why})")
        hits.append(Hit(
            f"On the path from {name(ctx, entry)} ({ms(sla)} SLA), timeouts outlast the request: "
            f"{counted(said, len(over), 'hop', sep='; ')}. A call cut only after the SLA has passed holds threads "
            "for an answer nobody uses.",
            components=tuple(over),
        ))
    return hits


@rule(
    "LAT-9", "sla", "warning", "A fallback answers within the SLA",
    "Lower the caller's timeout_ms so that waiting for the failed call plus the fallback fits the SLA, or make "
    "the fallback cheaper (precomputed, cached).",
)
def fallback_within_sla(ctx: Context) -> list[Hit]:
    """When a call fails and its caller's fallback connection answers (``fallback: true`` on the connection), the
    request still fits the SLA.

    The degraded path waits for the failed call until its caller gives up, min(the caller's timeout_ms, the
    call's p99), then for the fallback's p99 (``mlsd.analysis.degraded``). Its p99 is the path's modelled p99 at
    peak plus what that substitution adds to the declared budget; it must fit ``requirements.sla_p99_ms``. Each
    fallback connection is judged against its caller's slowest call, once per path. The fallback itself carries
    no load and adds no latency on the happy path; the failure what-if treats it as the answer when a call of
    its caller is lost. (A separate rule from REL-4, which asks for timeouts: this is the latency of a
    degraded answer.)
    Why: a fallback that answers after the user has given up is no fallback; with a long timeout, a failing
    dependency makes every request slow instead of degraded.
    Fix: a timeout that leaves room for the fallback, and a fallback that is fast.
    Source: Google SRE book ch. 22 (degraded responses, deadlines); Nygard, Release It! (timeouts, fallbacks);
    Huyen, Designing ML Systems ch. 7 (fallback predictions).
    """
    sla = ctx.requirements.sla_p99_ms
    model = ctx.analysis.model
    if sla is None or model is None:
        raise NotApplicable("no p99 SLA is declared (requirements.sla_p99_ms)")
    if not model.graph.fallbacks:
        raise NotApplicable("no fallback connection (fallback: true) on a synchronous serving path")
    paths = {model.index[p.entry]: p for p in sync_paths(ctx)}
    trees = {e: {model.index[b] for b in p.blocks} for e, p in paths.items()}
    calls = degraded_calls(model, list(paths), trees)
    if not calls:
        raise NotApplicable("no fallback connection (fallback: true) on a synchronous serving path")
    worst: dict[tuple[int, int], Degraded] = {}
    for d in calls:
        key = (d.entry, d.source)
        if key not in worst or d.added_ms > worst[key].added_ms:
            worst[key] = d
    ids = model.parts.ids
    hits = []
    for (e, _), d in worst.items():
        p = paths[e]
        if p.p99_ms is None:
            continue  # saturated: CAP-1's
        degraded = p.p99_ms + d.added_ms
        if degraded <= sla or not math.isfinite(degraded):
            continue
        source, failed, fallback = ids[d.source], ids[d.failed], ids[d.fallback]
        hits.append(Hit(
            f"When {name(ctx, failed)} fails, {name(ctx, source)} waits {ms(d.wait_ms)} for it "
            f"(min of its timeout and the call's p99), then {ms(d.fallback_ms)} for its fallback "
            f"{name(ctx, fallback)}: the path from {name(ctx, p.entry)} takes about {ms(degraded)} at p99, over "
            f"the {ms(sla)} SLA.",
            components=(source, failed, fallback),
        ))
    return hits
