"""Rules of the reliability checklist (REL-*).

Here "component" means a placed block of a design (``mlsd.model.Component``).

A *tier* is a block on a serving path (see ``mlsd.rules.sla``) other than a client. Managed services
(``managed: true``) are multi-zone by definition and count as redundant.
"""

from __future__ import annotations

from mlsd.analysis.failures import FALLBACK_KINDS, NOT_CRITICAL_KINDS, Failure, TierAfter, is_zone, what_if
from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import ms, name, names, on_serving_path, serving_paths
from mlsd.text import counted

NO_TIMEOUT_NEEDED_CALLERS = frozenset({"client", "load_balancer", "cdn", "cache"})  # proxies, read-through caches
NO_TIMEOUT_NEEDED_TARGETS = frozenset({"cache"})  # in-memory, sub-millisecond; a miss path is the fallback


def declared_regions(c: Component) -> list[str]:
    """The block's ``regions`` prop as a list (empty when absent)."""
    value = c.prop("regions")
    return [v for v in value if v.strip()] if isinstance(value, list) else []


def answered_by_fallback_connection(ctx: Context, c: Component) -> bool:
    """A caller of the block has a fallback connection (``fallback: true``) to another block: it answers when
    this call fails."""
    for caller in ctx.predecessors(c.id, ("request",)):
        if any(e.fallback and e.flow == "request" and e.target != c.id for e in ctx.out_edges.get(caller.id, ())):
            return True
    return False


def _critical_tiers(ctx: Context) -> list[Component]:
    return [
        ctx.blocks[b] for b in on_serving_path(ctx)
        if ctx.blocks[b].kind not in NOT_CRITICAL_KINDS and not ctx.blocks[b].flag("managed")
    ]


@rule(
    "REL-1", "reliability", "error", "No single point of failure on the request path",
    "Run at least 2 replicas across zones, use a managed (multi-zone) service, or give the block a fallback "
    "(fallback: true, or a fallback connection from its caller) that answers when it is down.",
)
def no_single_point_of_failure(ctx: Context) -> list[Hit]:
    """Every block a serving request depends on survives the loss of one machine.

    A self-run block with a single replica on a request path takes every request through it down when its
    machine, zone or deploy fails. Managed services (``managed: true``) are redundant on the provider's side;
    a block with ``fallback: true``, or whose caller has a fallback connection (``Connection.fallback``), has an
    answer when it fails; clients and shadow deployments are not tiers a request waits on.
    Why: one replica on the request path makes every crash, host failure or deploy of that block an outage of
    everything behind the entry; the path's availability is capped at one machine's, which no serving SLA
    allows.
    Fix: 2+ replicas in different zones, a managed service, or a fallback.
    Source: AWS Well-Architected, Reliability pillar (no single points of failure); Google SRE book.
    """
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    hits = []
    for c in _critical_tiers(ctx):
        if c.num("replicas", 1.0) > 1 or c.flag("fallback") or answered_by_fallback_connection(ctx, c):
            continue
        entry = on_serving_path(ctx)[c.id]
        hits.append(Hit(
            f"{name(ctx, c.id)} runs a single replica on the request path from {name(ctx, entry)} and is not "
            "managed: when it fails, every request through it fails.",
            components=(c.id,),
        ))
    return hits


def model_serving(ctx: Context) -> list[Component]:
    """online_inference blocks, and model blocks on a serving path that no online_inference block fronts."""
    on_path = on_serving_path(ctx)
    out = []
    for c in ctx.design.components:
        if c.kind != "online_inference":
            if KINDS[c.kind].category != "models" or c.kind == "heuristic_baseline" or c.id not in on_path:
                continue
            if any(p.kind == "online_inference" for p in ctx.predecessors(c.id, ("request",))):
                continue  # the model runs inside (or behind) that inference service, which is checked
        out.append(c)
    return out


def _has_fallback(ctx: Context, c: Component) -> bool:
    if c.flag("fallback") or answered_by_fallback_connection(ctx, c):
        return True
    callers = ctx.predecessors(c.id, ("request",))
    near = [*callers, *ctx.successors(c.id, ("request",))]
    for caller in callers:  # the caller also calls a fallback next to the model (ranking service -> baseline)
        near.extend(ctx.successors(caller.id, ("request",)))
    return any(n.kind in FALLBACK_KINDS and n.id != c.id for n in near)


@rule(
    "REL-2", "reliability", "warning", "Model serving has a fallback",
    "Give the model a fallback: set fallback: true (popular items, last good predictions, rules) or call a "
    "heuristic_baseline or a cache when the model times out or fails.",
)
def serving_has_fallback(ctx: Context) -> list[Hit]:
    """Each model-serving block has an answer when the model fails or times out.

    A model service fails in ways a static service does not (a bad model version, a feature store outage, a
    GPU shortage); without a fallback the product shows an error instead of a degraded answer. A block
    passes with ``fallback: true``, or when a cache, a heuristic_baseline or a simpler logistic_regression
    sits next to it on the request path (called by it, calling it, or called by the same caller), or when its
    caller has a fallback connection (``fallback: true`` on the connection: called only when its other calls
    fail) to another block.
    Why: the path works while the model does, and some products rightly fail closed (a payment held rather than
    approved by default), which they should say; but most would rather show a slightly worse answer than an
    error page.
    Fix: declare or draw the fallback.
    Source: Huyen, Designing ML Systems (fallbacks for failed predictions); AWS Well-Architected ML Lens.
    """
    blocks = model_serving(ctx)
    if not blocks:
        raise NotApplicable("no online model serving")
    return [
        Hit(
            f"{name(ctx, c.id)} ({c.kind}) has no fallback: when the model fails or times out, requests get an "
            "error instead of a degraded answer.",
            components=(c.id,),
        )
        for c in blocks
        if not _has_fallback(ctx, c)
    ]


MAX_TIERS_SHOWN = 4


def _autoscales_back(ctx: Context, t: TierAfter) -> bool:
    """The tier autoscales, and its max_replicas, less the share lost, would carry what it now receives."""
    c = ctx.blocks[t.block]
    if not c.flag("autoscaling") or t.utilisation_after is None or t.replicas_after <= 0:
        return False
    most = max(int(c.num("max_replicas", 1.0)), t.replicas_before)
    survivors = most * t.replicas_after / t.replicas_before
    return t.utilisation_after * t.replicas_after / survivors < 1.0


def _breaks(f: Failure, held: set[str]) -> bool:
    """The loss breaks a path that ``held`` at peak (a path already over its SLA or saturated before any loss is
    LAT-1's or CAP-1's finding, not this one's)."""
    return any((p.state != "kept" or p.over_sla) and p.entry in held for p in f.paths)


@rule(
    "REL-3", "reliability", "warning", "The request path survives the loss of a zone (or region)",
    "Spread each tier's replicas over two or more zones (and over every region the design serves), with enough "
    "replicas that the survivors carry the peak.",
)
def multi_region(ctx: Context) -> list[Hit]:
    """Losing one zone, or one region of a design that serves several, leaves every serving path working.

    Computed, not counted: for each zone named in a tier's ``regions`` (eu-west-1a, europe-west1-b), and for each
    region when ``requirements.regions`` lists several, the what-if analysis takes that place's share of
    every tier running there (all of a tier that runs only there) and recomputes the peak (see
    ``mlsd.analysis.failures``: replicas spread evenly over their places; a tier that lists none runs in
    ``requirements.regions``). It fails when a serving path then fails (a tier down with nothing answering, or
    a surviving tier overloaded), answers only from its fallback, or goes over the SLA. The message names the
    place and the tiers that break. A single region name in a single-region design is not judged (it may span
    zones); tiers that declare no places cannot be judged; managed services are multi-zone. Paths already over
    the SLA or saturated at peak before any loss are LAT-1's and CAP-1's findings, not repeated here. The config's
    ``zone-loss`` (``mlsd.settings``) narrows this to zones or regions, or turns it off.
    Why: a zone or region outage takes every replica placed there; survivors sized only for their own share
    overload at once (autoscaling arrives minutes later, if the capacity is there).
    Fix: spread replicas, and run enough of them for N+1 per zone or region.
    Source: AWS Well-Architected, Reliability pillar (static stability across Availability Zones); Google SRE
    book ch. 22 (cascading failures).
    """
    required = list(dict.fromkeys(r.strip().lower() for r in ctx.requirements.regions if r.strip()))
    tiers = [c for c in _critical_tiers(ctx) if declared_regions(c)]
    if not tiers:
        if len(required) > 1:
            raise NotApplicable(f"the design must serve {len(required)} regions but no tier declares its regions")
        raise NotApplicable("no tier on a request path declares its regions")
    policy = ctx.settings.zone_loss if ctx.settings is not None else "zones-and-regions"  # config ``zone-loss``
    if policy == "off":
        raise NotApplicable("zone-loss = \"off\" in the config: place losses are not judged")
    judged = [f for f in what_if(ctx.analysis, kinds=("zone",))
              if (is_zone(f.target) and policy != "regions")
              or (len(required) > 1 and f.target in required and policy != "zones")]
    # one cause, one finding: places whose loss breaks the same tiers the same way are one finding
    held = {p.entry for p in ctx.analysis.paths if not p.over_sla}
    short = {b for b, t in ctx.analysis.capacity.items() if t.saturated}  # saturated with no loss: CAP-1's
    groups: dict[tuple[tuple[str, ...], tuple[str, ...], str, str, bool], list[Failure]] = {}
    for f in judged:
        if not _breaks(f, held):
            continue
        lost = tuple(b for b in f.lost if b in ctx.blocks)
        hot = tuple(t.block for t in f.tiers if t.saturated and t.block not in short)
        worst = max((p for p in f.paths if p.entry in held),
                    key=lambda p: (p.state == "failing", p.state == "degraded", p.over_sla))
        groups.setdefault((lost, hot, worst.entry, worst.state, is_zone(f.target)), []).append(f)
    hits = []
    for (lost, hot, entry, state, zone), fails in groups.items():
        f = fails[0]
        worst = next(p for p in f.paths if p.entry == entry)
        parts = []
        if lost:
            parts.append(f"takes down {names(ctx, lost)} (all {'its' if len(lost) == 1 else 'their'} replicas "
                         "run there)")
        recover = ""
        if hot:
            after = {t.block: t for t in f.tiers}
            shown = [f"{name(ctx, b)} at {after[b].replicas_after} of {after[b].replicas_before} replicas "
                     f"({after[b].utilisation_after or 0:.0%} busy)" for b in hot[:MAX_TIERS_SHOWN]]
            parts.append("leaves " + counted(shown, len(hot), "tier"))
            if all(_autoscales_back(ctx, after[b]) for b in hot):
                recover = (" Autoscaling to max_replicas would restore them once it has scaled up, if that "
                           "capacity can be had in the surviving places.")
        effect = {"failing": "fails", "degraded": "answers only from its fallback"}.get(state, "slows")
        if state == "kept" and worst.p99_ms is not None:
            effect += f" to p99 {ms(worst.p99_ms)}, over the SLA"
        elif state == "failing" and not hot and not lost:
            effect += f" ({worst.reason})"
        place = "zone" if zone else "region"
        where = f"{place} {f.target}"
        if len(fails) > 1:
            where = f"any one {place} ({', '.join(x.target for x in fails)})"
        hits.append(Hit(
            f"Losing {where} {' and '.join(parts) or 'changes the load'}: the path from {name(ctx, entry)} "
            f"{effect}.{recover}",
            components=tuple(dict.fromkeys([*lost, *hot])) or (entry,),
        ))
    return hits


@rule(
    "REL-4", "reliability", "warning", "Downstream calls on the request path have timeouts",
    "Set timeout_ms on the calling block, below the path's SLA budget, and fall back when it fires.",
)
def calls_have_timeouts(ctx: Context) -> list[Hit]:
    """A block on a serving path that calls other blocks bounds its wait with a timeout.

    Without a timeout a slow or hung dependency holds the request, and its threads, until the client gives up,
    which turns one slow dependency into an outage of its callers. Calls to caches (sub-millisecond, with a
    miss path) and calls made by clients, load balancers and CDNs (proxies with their own timeouts) are not
    counted; a block passes with ``timeout_ms`` > 0. Whether that timeout fits the SLA budget left to the hop is
    LAT-8's check, and whether the fallback it falls back to answers in time, LAT-9's.
    Why: with healthy dependencies nothing changes; the timeout decides how the path fails: without one, the
    first slow dependency becomes an outage of its callers.
    Fix: set timeout_ms.
    Source: Google SRE book, ch. 22 (addressing cascading failures: deadlines); Dean & Barroso, The Tail at Scale.
    """
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    sla = ctx.requirements.sla_p99_ms
    budget = f" (the SLA is {ms(sla)})" if sla is not None else ""
    hits = []
    callers = 0
    for b in on_serving_path(ctx):
        c = ctx.blocks[b]
        if c.kind in NO_TIMEOUT_NEEDED_CALLERS:
            continue
        edges = [
            e for e in ctx.out_edges.get(b, ())
            if e.flow == "request" and ctx.blocks[e.target].kind not in NO_TIMEOUT_NEEDED_TARGETS
        ]
        if not edges:
            continue
        callers += 1
        if c.num("timeout_ms") > 0:
            continue
        targets = list(dict.fromkeys(e.target for e in edges))
        hits.append(Hit(
            f"{name(ctx, b)} calls {names(ctx, targets)} without a timeout (timeout_ms is 0 or unset): a slow "
            f"dependency holds the request for as long as it hangs{budget}.",
            components=(b,),
            connections=tuple(e.id for e in edges),
        ))
    if not callers:
        raise NotApplicable("no block on a request path calls a downstream service")
    return hits
