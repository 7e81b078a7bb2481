"""How tiers grow with load: replicas reached through a load balancer (CAP-3) that keep their state in a shared
store (CAP-4), online inference that autoscales (CAP-5), managed services within their declared limits (CAP-9),
data that fits in the memory of its shards (CAP-14); and the words CAP-1 (in ``scalability``) uses for
per-candidate store reads and for autoscaling that cannot be counted on.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Numbers come from ``mlsd.analysis``: a store's load includes the calls callers make per candidate
(``mlsd.analysis.store_work``); a managed service's capacity is the load it carries unless the block declares a
ceiling; an autoscaling tier counts ``max_replicas`` only with a stated ``scale_up_minutes`` of at most
``MAX_SCALE_UP_MINUTES`` (``mlsd.analysis.service``). Managed services (``managed: true``) scale and stay
redundant on the provider's side: CAP-3 and CAP-4 leave them alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from mlsd.analysis import TierCapacity
from mlsd.analysis.capacity import shards_to_fit
from mlsd.analysis.service import MAX_SCALE_UP_MINUTES
from mlsd.analysis.store_work import StoreRead
from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.reliability import model_serving
from mlsd.rules.roles import memo
from mlsd.rules.sla import name, names, on_serving_path, qty, serving_paths
from mlsd.text import counted

MAX_CALLERS_SHOWN = 3
FRONT_DOORS = frozenset({"api_gateway", "load_balancer", "cdn"})  # they spread load; they are the balancer
# reached through their own client libraries, which pick a replica or shard themselves
CLIENT_ROUTED_CATEGORIES = frozenset({"storage", "features"})
CLIENT_ROUTED_KINDS = frozenset({"cache", "message_queue"})
SHARED_STORE_CATEGORIES = frozenset({"storage", "features"})
SHARED_STORE_KINDS = frozenset({"cache", "message_queue"})


def replicas(c: Component) -> int:
    """Replicas the block runs (its floor when autoscaling)."""
    return max(int(c.num("replicas", 1.0)), 1)


def max_replicas(c: Component) -> int:
    """Replicas the block can reach: ``max_replicas`` when it autoscales, else ``replicas``."""
    floor = replicas(c)
    if c.flag("autoscaling"):
        return max(floor, int(c.num("max_replicas", float(floor))))
    return floor


def replica_text(c: Component) -> str:
    """'3 replicas', or '3-12 replicas' for an autoscaling block."""
    low, high = replicas(c), max_replicas(c)
    return f"{low} replicas" if low == high else f"{low}-{high} replicas"


def per_item_text(ctx: Context, block: str) -> str:
    """What the per-candidate reads of a store's callers add to its load (empty when none), for messages."""
    model = ctx.analysis.model
    if model is None:
        return ""
    v = model.index[block]
    rates = model.peak_rates
    parts = []
    callers = memo(ctx, "scaling.readers", lambda: _readers(model.store_reads)).get(v, [])
    for u, r in callers[:MAX_CALLERS_SHOWN]:
        caller = model.parts.ids[u]
        passed = rates[u] * (1.0 - model.hit[u])
        cache = f" × (1 − {r.local_hit:g} local cache)" if r.local_hit > 0 else ""
        keys = f"{r.keys_per_item:g} key{'s' if r.keys_per_item != 1 else ''}"
        per_call = f"{r.keys_per_read:g} key{'s' if r.keys_per_read != 1 else ''} per call"
        parts.append(
            f"{name(ctx, caller)} reads {qty(r.items)} candidates × {keys}{cache} ÷ {per_call} = {qty(r.calls)} "
            f"calls per request × {qty(passed)} req/s = {qty(passed * r.calls)} calls/s"
        )
    if not parts:
        return ""
    defaults = [model.parts.ids[u] for u, _ in callers if not _declares_batching(model.parts.props[u])]
    hint = ""
    if defaults:
        hint = (f" {names(ctx, defaults)} declare{'s' if len(defaults) == 1 else ''} no "
                "multi-get size (keys_per_read, 1 key per call by default) and no local cache "
                "(local_cache_hit_rate): declare them, or size the store for the reads.")
    return f" Per-candidate reads: {counted(parts, len(callers), 'caller', sep='; ')}.{hint}"


def _readers(store_reads: Mapping[int, Mapping[int, StoreRead]]) -> dict[int, list[tuple[int, StoreRead]]]:
    """{store: [(caller, its per-candidate read terms), ...]} in the callers' order: ``store_reads`` turned
    around once per check, instead of scanned once per store."""
    readers: dict[int, list[tuple[int, StoreRead]]] = {}
    for u, stores in store_reads.items():
        for v, r in stores.items():
            readers.setdefault(v, []).append((u, r))
    return readers


def _declares_batching(props: Mapping[str, object]) -> bool:
    return "keys_per_read" in props or "local_cache_hit_rate" in props


def scale_up_text(t: TierCapacity, needed: int) -> str:
    """Why an autoscaling tier that could reach ``needed`` replicas is counted at its floor (empty otherwise)."""
    if t.max_replicas is None or t.max_replicas < needed or t.reach_replicas == t.max_replicas:
        return ""
    floor = t.reach_replicas or t.replicas
    if t.scale_up_minutes is None:
        why = "declares no scale_up_minutes"
    else:
        why = f"takes {t.scale_up_minutes:g} min to scale up, over the {MAX_SCALE_UP_MINUTES:g}-minute bound"
    return (f" It autoscales to {t.max_replicas} replicas but {why}, so only its {floor} running replicas count "
            f"for the peak: state a scale-up of at most {MAX_SCALE_UP_MINUTES:g} minutes (scale_up_minutes) or run "
            f"{needed} replicas.")


@rule(
    "CAP-9", "scalability", "error", "Managed services are within their declared limits",
    "Raise the provisioned capacity or quota (qps_per_replica × replicas on the block), switch to on-demand "
    "capacity, or cut the calls reaching it (a cache, a multi-get, a local cache in the caller).",
)
def managed_within_limits(ctx: Context) -> list[Hit]:
    """A managed service on a serving path whose block declares a ceiling carries its peak load with headroom.

    A managed service (``managed: true``, own or its kind's) scales on the provider's side, so it is sized at the
    load it gets and no rule holds it to replicas. When its block sets both ``qps_per_replica`` and ``replicas``
    itself, that product is a declared limit (DynamoDB provisioned capacity, a Bigtable node count, a vendor
    quota): requests over it are throttled. The load is the peak reaching the block, per-candidate reads
    included (see ``mlsd.analysis.store_work``), plus ``requirements.headroom`` for spikes, as CAP-1 asks of
    self-run tiers. Undeclared limits (the kind's defaults) are not judged.
    Why: a throttled request is an error, not a slow answer, so at peak the design fails requests as drawn;
    that the provider could scale further does not help until someone raises the limit.
    Fix: raise the declared capacity or quota, use on-demand capacity, or cut the calls reaching it.
    Source: AWS DynamoDB Developer Guide (provisioned capacity mode and throttling); Google SRE book, ch. 1
    (capacity planning).
    """
    if ctx.requirements.peak_qps is None:
        raise NotApplicable("no peak QPS is declared (requirements.peak_qps)")
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    headroom = ctx.requirements.headroom
    capacity = ctx.analysis.capacity
    limited = [t for b in on_serving_path(ctx) if (t := capacity.get(b)) is not None and t.ceiling_qps is not None]
    if not limited:
        raise NotApplicable("no managed service on a request path declares qps_per_replica and replicas")
    hits = []
    for t in limited:
        ceiling = t.ceiling_qps or 0.0
        want = t.peak_qps * (1.0 + headroom)
        if want <= ceiling:
            continue
        hits.append(Hit(
            f"{name(ctx, t.block)} is managed with a declared limit of {t.replicas} × "
            f"{qty(t.declared_qps_per_replica or 0)} = {qty(ceiling)} req/s but receives {qty(t.peak_qps)} req/s "
            f"at peak ({qty(want)} with {headroom:.0%} headroom): requests over the limit are throttled."
            f"{per_item_text(ctx, t.block)}",
            components=(t.block,),
        ))
    return hits


@rule(
    "CAP-5", "scalability", "info", "Online inference autoscales",
    "Set autoscaling (and max_replicas) on the inference tier: scale on QPS, GPU utilisation or queue length.",
)
def inference_autoscales(ctx: Context) -> list[Hit]:
    """Online inference tiers scale with load.

    Checked on online_inference blocks and on model blocks served directly on a request path (a model called
    by an online_inference block is part of that service). Traffic varies by hour and spikes with events; a
    fixed-size inference tier is either over-provisioned most of the day or short at the peak. Managed
    endpoints are not flagged.
    Why: CAP-1 already holds the fixed size to the declared peak, so autoscaling changes the bill and the
    margin for an unforecast spike, not whether the design holds.
    Fix: set ``autoscaling: true`` and ``max_replicas``.
    Source: AWS Well-Architected ML Lens (performance and cost: autoscale endpoints); Huyen, Designing ML Systems.
    """
    blocks = [c for c in model_serving(ctx) if not c.flag("managed")]
    if not blocks:
        raise NotApplicable("no self-run online inference")
    hits = []
    for c in blocks:
        if c.flag("autoscaling"):
            continue
        running = max(int(c.num("replicas", 1.0)), 1)
        per = c.num("qps_per_replica")
        fixed = f" ({running} × {qty(per)} = {qty(running * per)} req/s)" if per > 0 else ""
        count = "1 replica" if running == 1 else f"{running} replicas"
        hits.append(Hit(
            f"{name(ctx, c.id)} runs a fixed {count}{fixed}: load above that is shed or queued, "
            "and idle replicas are paid for off-peak.",
            components=(c.id,),
        ))
    return hits


@rule(
    "CAP-14", "scalability", "error", "Data fits in the memory of its shards",
    "Raise shards to at least storage_gb / memory_gb_per_replica (python -m mlsd size does), or give each "
    "replica more memory.",
)
def data_fits_in_memory(ctx: Context) -> list[Hit]:
    """A block that declares the memory of a replica (``memory_gb_per_replica``) and the data it holds
    (``storage_gb``) has at least ``ceil(storage_gb / memory_gb_per_replica)`` shards
    (``mlsd.analysis.capacity.shards_to_fit``): an in-memory index, embedding table or feature cache split over
    fewer shards does not fit, and a replica that swaps or is killed for memory serves nothing.
    Why: the numbers drawn contradict each other: the data cannot be loaded into the shards drawn, so the tier
    thrashes or does not start rather than running slow, and no load assumption rescues it.
    Fix: raise shards, or use replicas with more memory.
    Source: the sharded-index layout of large-scale retrieval (Dean & Barroso, The Tail at Scale, CACM 2013:
    "data is partitioned across many machines"); Kubernetes memory limits (a container over its limit is
    OOM-killed).
    """
    declared = [(c, need) for c in ctx.design.components
                if (need := shards_to_fit(c.kind, c.props)) is not None]
    if not declared:
        raise NotApplicable("no block declares memory_gb_per_replica and storage_gb")
    hits = []
    for c, need in declared:
        props = {**KINDS[c.kind].props, **c.props}
        shards = props.get("shards", 1)
        have = int(shards) if isinstance(shards, int | float) and not isinstance(shards, bool) else 1
        if have < need:
            hits.append(Hit(
                f"{name(ctx, c.id)} holds {props.get('storage_gb')} GB in replicas of "
                f"{props.get('memory_gb_per_replica')} GB each: it needs at least {need} shards, it has {have}.",
                components=(c.id,),
            ))
    return hits


def _load_balanced_kind(c: Component) -> bool:
    """Kinds reached through a front door or their own routing client: they need no balancer drawn."""
    return (c.kind in FRONT_DOORS or c.kind in CLIENT_ROUTED_KINDS or c.kind == "client"
            or KINDS[c.kind].category in CLIENT_ROUTED_CATEGORIES)


@rule(
    "CAP-3", "scalability", "error", "Replicated services are reached through a load balancer",
    "Put a load balancer or API gateway between the clients and the replicated service.",
)
def load_balancer_in_front(ctx: Context) -> list[Hit]:
    """A stateless service running several replicas is not called by clients directly.

    Clients cannot spread requests across replicas or route around a failed one; a load balancer, an API
    gateway or a CDN in front does. Calls between services (service discovery, client-side balancing), stores
    and caches (their client libraries route to shards and replicas), managed services, stateful tiers (CAP-4)
    and the front doors themselves (gateway, load balancer, CDN) are not flagged.
    Why: without a front door the replicas drawn add neither capacity nor availability: a dead replica keeps
    receiving its share of requests, and load follows whichever addresses clients were given. A load balancer
    is standard and cheap, so there is no trade-off to weigh.
    Fix: add a load balancer or gateway in front.
    Source: donnemartin/system-design-primer (load balancer); AWS Well-Architected, Reliability pillar.
    """
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    hits = []
    candidates = 0
    for b in on_serving_path(ctx):
        c = ctx.blocks[b]
        if _load_balanced_kind(c) or c.flag("managed") or c.flag("stateful") or max_replicas(c) < 2:
            continue
        candidates += 1
        edges = [e for e in ctx.in_edges.get(b, ()) if e.flow == "request" and ctx.blocks[e.source].kind == "client"]
        if not edges:
            continue
        callers = list(dict.fromkeys(e.source for e in edges))
        hits.append(Hit(
            f"{names(ctx, callers)} call{'s' if len(callers) == 1 else ''} {name(ctx, b)} "
            f"({replica_text(c)}) directly: nothing spreads requests across its replicas or routes "
            "around a failed one.",
            components=(b,),
            connections=tuple(e.id for e in edges),
        ))
    if not candidates:
        raise NotApplicable("no stateless, self-run service with several replicas on a request path")
    return hits


def _has_shared_state(ctx: Context, c: Component) -> bool:
    for e in ctx.out_edges.get(c.id, ()):
        other = ctx.blocks[e.target]
        if other.kind in SHARED_STORE_KINDS or KINDS[other.kind].category in SHARED_STORE_CATEGORIES:
            return True
    for e in ctx.in_edges.get(c.id, ()):
        if e.flow in ("batch", "stream"):
            return True  # fed by a pipeline: replicas rebuild their state from it
        other = ctx.blocks[e.source]
        if other.kind in SHARED_STORE_KINDS or KINDS[other.kind].category in SHARED_STORE_CATEGORIES:
            return True
    return False


@rule(
    "CAP-4", "scalability", "warning", "Stateful replicas keep their state in a shared store",
    "Move the state to a shared store (kv_store, cache, relational_db) or feed the replicas from a log or "
    "pipeline they can rebuild from (message_queue, batch/stream flow).",
)
def stateful_has_shared_store(ctx: Context) -> list[Hit]:
    """A stateful block (``stateful: true``) with several replicas has a shared store or a feed for its state.

    State held only in a replica (sessions, a local index, window aggregates) is lost when it dies and forces
    sticky routing, so replicas cannot be added or replaced freely. The state is safe when the block is
    connected to a shared store (storage or features blocks, a cache, a message queue), or is fed by a batch
    or stream flow from which a new replica rebuilds it (an index built by a pipeline, a stream processor
    replaying its log). Managed services are not flagged.
    Why: the tier works until a replica dies or is replaced, and some state is cheap to lose (a warm cache);
    but state that only one replica holds turns every deploy and scale-in into lost sessions or a cold rebuild.
    Fix: externalise the state, or give the replicas a replayable feed.
    Source: donnemartin/system-design-primer (horizontal scaling: stateless web servers, shared state).
    """
    hits = []
    candidates = 0
    for c in ctx.design.components:
        if not c.flag("stateful") or c.flag("managed") or max_replicas(c) < 2:
            continue
        candidates += 1
        if _has_shared_state(ctx, c):
            continue
        hits.append(Hit(
            f"{name(ctx, c.id)} ({replica_text(c)}) is stateful but connected to no shared store and fed "
            "by no batch or stream flow: a replica's state dies with it.",
            components=(c.id,),
        ))
    if not candidates:
        raise NotApplicable("no self-run stateful block runs more than one replica")
    return hits
