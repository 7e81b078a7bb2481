"""Rules of the structure checklist: the blocks an ML system needs, no orphans, request edges online only."""

from __future__ import annotations

from mlsd.catalog import KINDS
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import (
    BATCH_SERVING_KINDS,
    DATA_KINDS,
    MODEL_KINDS,
    ONLINE_SERVING_KINDS,
    names,
    quoted,
    roles,
)

ENTRY_KINDS = frozenset({"client", "api_gateway", "load_balancer", "cdn"})
UNCONNECTED_OK = frozenset({"kms"})  # a key service is used by stores implicitly, not a data flow
CDN_ORIGIN_KINDS = frozenset({"object_storage", "data_lake", "hdfs"})


@rule(
    "STR-1",
    "structure",
    "error",
    "Required blocks present",
    "Add the missing blocks: a model or an inference service, a data source, and a client or gateway that "
    "calls the online serving.",
)
def required_blocks(ctx: Context) -> list[Hit]:
    """A serving ML system needs a model (or an inference service), data, and, when it serves online, an entry.

    Checks that the design holds (1) a model block or a serving block that runs one (online_inference,
    candidate_generation, reranker, batch_prediction), (2) a data source or store (a data source, storage or
    feature block) that training and serving read, and (3) when anything serves online, a client, gateway or
    load balancer, or at least a request connection into the online serving, so that a request can reach it.

    Why: a design missing one of these is not yet a system that can be trained and called; every other
    checklist would judge an incomplete picture (every ML system design guide starts from these parts).

    Fix: add the missing blocks and connect them.

    Not applicable to an empty design.

    Source: Xu & Aminian, ML System Design Interview, ch. 1 (framework); alirezadir ML-Interviews MLSD 9 steps.
    """
    if not ctx.blocks:
        raise NotApplicable("the design has no blocks yet")
    r = roles(ctx)
    hits: list[Hit] = []
    has_model = ctx.has_kind(*MODEL_KINDS) or ctx.has_kind(*ONLINE_SERVING_KINDS, *BATCH_SERVING_KINDS)
    if not has_model:
        hits.append(Hit("The design has no model and no inference or batch prediction block: it is not yet an "
                        "ML system. Add the model and the block that serves it."))
    if not any(c.kind in DATA_KINDS for c in ctx.design.components):
        hits.append(Hit("The design has no data source or store (user events, a transactional DB, a data lake, "
                        "a feature store): nothing says what the model learns from or reads when it serves."))
    if r.online_units and not ctx.has_kind(*ENTRY_KINDS):
        called = [u for u in r.online_units if any(e.flow == "request" for e in ctx.in_edges.get(u, ()))]
        if not called:
            hits.append(Hit(
                f"{names(ctx, r.online_units)} serve online, but there is no client, gateway or load balancer "
                "and no request connection reaches them: nothing can call them.",
                components=tuple(r.online_units[:20]),
            ))
    return hits


@rule(
    "STR-2",
    "structure",
    "error",
    "No orphan blocks; every model has an input and a consumer",
    "Connect the block to the flow it belongs to, or remove it.",
)
def no_orphans(ctx: Context) -> list[Hit]:
    """Every block is connected, and every model block has an input and a consumer.

    An orphan is a block with no connection at all (a key management service is exempt: stores use it
    implicitly). A model block needs an input, meaning what trains or feeds it (an incoming connection, or a
    request it makes to read features; a heuristic baseline is code and needs none), and a consumer, meaning
    who uses its output (a block that calls it, or an outgoing connection to a serving, registry or
    prediction block; monitoring alone does not count).

    Why: an unconnected block is either forgotten or drawn without the flow that makes it work; a model
    nothing feeds cannot be trained, and one nothing consumes is never served. Both make the other
    checklists blind to that block.

    Fix: connect it (training -> model -> serving, or serving -request-> model) or delete it.

    Not applicable to an empty design.

    Source: ML Test Score I3 (the full ML pipeline is integration tested); Xu & Aminian ch. 1.
    """
    if not ctx.blocks:
        raise NotApplicable("the design has no blocks yet")
    hits: list[Hit] = []
    for c in ctx.design.components:
        ins, outs = ctx.in_edges.get(c.id, ()), ctx.out_edges.get(c.id, ())
        if not ins and not outs:
            if c.kind not in UNCONNECTED_OK:
                hits.append(Hit(f"{quoted(c)} is not connected to any other block.", components=(c.id,)))
            continue
        if c.kind not in MODEL_KINDS:
            continue
        has_input = bool(ins) or any(e.flow == "request" for e in outs)
        has_consumer = any(e.flow == "request" for e in ins) or any(
            e.flow != "request" and ctx.category(e.target) != "monitoring" for e in outs
        )
        if not has_input and c.kind != "heuristic_baseline":
            hits.append(Hit(
                f"Model {quoted(c)} has no input: no training, registry or caller feeds it "
                f"(it only sends to {names(ctx, (e.target for e in outs))}).",
                components=(c.id,),
            ))
        if not has_consumer:
            hits.append(Hit(
                f"Model {quoted(c)} has no consumer: it gets {names(ctx, (e.source for e in ins))} but nothing "
                "calls it or loads it for serving.",
                components=(c.id,),
            ))
    return hits


@rule(
    "STR-3",
    "structure",
    "warning",
    "Request connections only between online blocks",
    "Set the connection's flow to 'batch' or 'stream' (data moved in the background), or call an online "
    "block (a key-value store, an online feature store) that the batch block fills.",
)
def request_edges_online_only(ctx: Context) -> list[Hit]:
    """A ``request`` connection (synchronous call) starts and ends at online-tier blocks.

    Flags every request connection into or out of a batch-tier block (catalog tier: warehouses, lakes, batch
    ETL, training pipelines, registries, drift detectors...) anywhere in the design, whether or not an entry
    reaches it. LAT-3 (latency checklist) is the narrower check: a batch block on a synchronous path that a
    client's request actually walks. STR-3 catches the modelling mistake itself, including the common one of
    leaving a data or deployment arrow at its default flow ``request``. Not flagged: a CDN fetching from its
    origin bucket (object storage, lake, HDFS), a normal synchronous miss path; and batch prediction calling
    the model or inference service it runs, where nothing online waits on the batch side.

    Why: a batch block answers in seconds to hours; a request edge claims it answers a caller now, so the
    latency, capacity and SPOF analyses that follow request edges mis-read the design.

    Fix: change the flow to ``batch``/``stream`` when data moves in the background; when serving truly reads
    the data, put it in an online store filled by the batch job and call that.

    Source: Huyen, Designing ML Systems ch. 7 (batch vs online prediction).
    """
    req = [e for e in ctx.design.connections if e.flow == "request"]
    if not req:
        raise NotApplicable("the design has no request connections")
    hits: list[Hit] = []
    for e in req:
        src, dst = ctx.blocks[e.source], ctx.blocks[e.target]
        src_batch, dst_batch = KINDS[src.kind].tier == "batch", KINDS[dst.kind].tier == "batch"
        if not (src_batch or dst_batch):
            continue
        if src.kind == "cdn" and dst.kind in CDN_ORIGIN_KINDS:
            continue
        if src.kind == "batch_prediction" and (dst.kind in MODEL_KINDS or dst.kind == "online_inference"):
            continue  # a batch job calling the model it runs: nothing online waits on the batch side
        which = [quoted(b) for b, is_batch in ((src, src_batch), (dst, dst_batch)) if is_batch]
        hits.append(Hit(
            f"Request connection {quoted(src)} -> {quoted(dst)} touches batch-tier "
            f"{' and '.join(which)}: a synchronous call cannot wait on a batch job or store.",
            components=(src.id, dst.id),
            connections=(e.id,),
        ))
    return hits


@rule(
    "STR-4",
    "structure",
    "warning",
    "A cache sits in front of what it saves",
    "Route the reads through the cache: caller -request-> cache -request-> backend, so that only misses reach "
    "the backend; if the block is itself the store (filled by a batch or stream job), make it a kv_store.",
)
def cache_fronts_backend(ctx: Context) -> list[Hit]:
    """A cache or CDN with a ``hit_rate`` that is called on a request path calls what it saves.

    In the load and latency models a cache answers ``hit_rate`` of its requests itself and passes only the misses
    to the blocks it calls (``mlsd.analysis.traffic``). A cache that calls nothing (a leaf: the caller reads the
    cache and then the backend itself, cache-aside) saves nothing there: the backend gets every request and its
    latency is paid on every request, so its hit rate has no effect on any number. Fallback connections do
    not count as calls. One finding per cache.
    Why: a cache's whole value is the load and latency it takes off what sits behind it; drawn as a leaf, the
    review cannot see it and the backend is sized for the full peak.
    Fix: draw the read path through the cache (read-through: caller -> cache -> backend).
    Source: AWS Well-Architected, Performance Efficiency pillar (caching strategies: read-through and
    cache-aside); Nishtala et al., Scaling Memcache at Facebook (NSDI 2013).
    """
    caches = [(c, calls) for c in [*ctx.of_kind("cache"), *ctx.of_kind("cdn")]
              if (calls := [e for e in ctx.in_edges.get(c.id, ()) if e.flow == "request" and not e.fallback])]
    if not caches:
        raise NotApplicable("no cache or CDN is called on a request path")
    hits: list[Hit] = []
    for c, calls in caches:
        if c.num("hit_rate") <= 0:
            continue
        if any(e.flow == "request" and not e.fallback for e in ctx.out_edges.get(c.id, ())):
            continue
        callers = [e.source for e in calls]
        default = " (its kind's default)" if "hit_rate" not in c.props else ""
        hits.append(Hit(
            f"{quoted(c)} is called by {names(ctx, dict.fromkeys(callers))} but calls nothing behind it, so its "
            f"hit_rate {c.num('hit_rate'):g}{default} has no effect: no load or latency is saved anywhere.",
            components=(c.id,),
            connections=tuple(e.id for e in calls),
        ))
    return hits
