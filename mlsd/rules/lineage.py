"""Rules of the data checklist on lineage and freshness: every store read online has a writer (DAT-7), what
readers see is as fresh as required (DAT-8), and fast features come from a stream (DAT-3). All read
``Context.lineage`` (``mlsd.analysis.lineage``: writers, online reads and the staleness of each block along its
freshest write path).

Here "component" means a placed block of a design (``mlsd.model.Component``).

One cause, one finding: a store read online that no write path from a source reaches is DAT-7's (its staleness
is unknown, so DAT-8 and DAT-3 leave it alone); a fast-feature store (``fresh_feature_needs``) is DAT-3's; every
other store read online, and every cache on a request path, is DAT-8's.
"""

from __future__ import annotations

from mlsd.analysis.lineage import MODEL_CARRIER_KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import NAMED, REQUEST, memo, names, quoted

FRESH_MINUTES = 60.0  # DAT-3 judges feature stores that must be fresher than this
FRESH_FEATURE_KINDS = ("online_feature_store", "embedding_store", "kv_store")
CANDIDATE_READER_KINDS = frozenset({"candidate_generation"})
INF = float("inf")
MAX_TRACE = 50  # blocks walked up an unwritten store's write chain to name where it stops


def own_number(c: Component, name: str) -> float | None:
    """A number the block itself declares (not its kind's default), or None."""
    value = c.props.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def minutes(value: float) -> str:
    """1,440 min / 5 min / 0.5 min."""
    return f"{value:,.0f} min" if float(value).is_integer() else f"{value:,.3g} min"


def fresh_feature_needs(ctx: Context) -> dict[str, tuple[float, str]]:
    """DAT-3's stores: ``{store: (minutes, why)}`` for online feature, embedding and key-value stores that must
    be at most an hour fresh (their own ``freshness_minutes``; an online feature store without one takes
    ``requirements.freshness_minutes``)."""

    def compute() -> dict[str, tuple[float, str]]:
        required = ctx.requirements.freshness_minutes
        need: dict[str, tuple[float, str]] = {}
        for store in ctx.of_kind(*FRESH_FEATURE_KINDS):
            own = own_number(store, "freshness_minutes")
            if own is not None:
                need[store.id] = (own, "its freshness_minutes")
            elif store.kind == "online_feature_store" and required is not None:
                need[store.id] = (required, "requirements.freshness_minutes")
        return {k: v for k, v in need.items() if v[0] <= FRESH_MINUTES}

    return memo(ctx, "lineage:fresh_feature_needs", compute)


def unsourced(ctx: Context) -> list[str]:
    """Stores read online that no write path from a source reaches (DAT-7's findings), in read order."""
    lin = ctx.lineage
    return memo(ctx, "lineage:unsourced", lambda: [s for s in lin.online_reads if s not in lin.fresh])


def target(ctx: Context, block: str) -> tuple[float, str] | None:
    """How fresh a block must be: its own ``freshness_minutes``, else ``requirements.freshness_minutes``."""
    own = own_number(ctx.blocks[block], "freshness_minutes")
    if own is not None:
        return own, "its own freshness_minutes"
    required = ctx.requirements.freshness_minutes
    return None if required is None else (required, "requirements.freshness_minutes")


def hop_phrase(ctx: Context, block: str, value: float) -> str:
    """'Item embeddings' (every 1,440 min) / (retrained every 24 h) / (a 5 min window)."""
    c = ctx.blocks[block]
    if c.kind == "training_pipeline":
        return f"{quoted(c)} (retrained every {value / 60:g} h)"
    if c.kind == "stream_processor":
        return f"{quoted(c)} (a {minutes(value)} window)"
    return f"{quoted(c)} (every {minutes(value)})"


@rule(
    "DAT-3",
    "data",
    "warning",
    "Fresh features come from a stream",
    "Feed the online store from the event stream: stream source -> stream processor -> online feature store "
    "(or declare a feature pipeline that runs at least as often as the freshness needed).",
)
def fresh_features_streamed(ctx: Context) -> list[Hit]:
    """An online store that must be fresher than an hour is filled by a stream, not a daily batch.

    Freshness needed: an online feature store's own ``freshness_minutes`` when set, else the design's
    ``requirements.freshness_minutes``; an embedding or key-value store only when it sets its own. When that
    is at most 60 minutes, the store's staleness along its freshest write path (``Context.lineage``, see
    ``mlsd.analysis.lineage``: the slowest hop of the path, a stream processor's window or a batch job's period)
    must be within it: a stream source (user events, sensor logs, a transactional DB's change stream, a queue)
    -> stream processor -> store path does it, or a feature pipeline / batch job whose own ``freshness_minutes``
    is no larger than what the store needs.

    One cause, one finding: a store read online that no write path from a source reaches is DAT-7's finding
    ("every store read online has a writer"), not this rule's; the other stores read online (indexes, item and
    post stores, caches) are judged by DAT-8 ("what readers see is as fresh as required"), which leaves these
    fast-feature stores to this rule. (Before DAT-7 and DAT-8, this rule passed any store reached by a stream
    processor and judged only the batch jobs writing the store directly; it now reads the computed staleness.)

    Why: dynamic features (clicks in the last 5 minutes, a card's spend in the last hour) are the ones that
    carry the most signal for ads, fraud and feeds; a nightly job serves them a day stale.

    Fix: add the streaming path, or lower the batch job's period to the freshness needed.

    Source: Huyen, Designing ML Systems ch. 7-8 (streaming features, continual learning); Xu & Aminian ch. 7
    (ad click prediction: 5-minute delays hurt).
    """
    need = fresh_feature_needs(ctx)
    if not need:
        raise NotApplicable("no online store must be fresher than 60 minutes")
    lin = ctx.lineage
    reported = set(unsourced(ctx))  # DAT-7's
    hits = []
    for o, (minutes, why) in need.items():
        fresh = lin.fresh.get(o)
        if o in reported or (fresh is not None and fresh.minutes <= minutes):
            continue
        feeders = [ctx.blocks[w] for w in lin.writers_of(o)]
        if fresh is not None and fresh.slowest is not None:
            via = hop_phrase(ctx, fresh.slowest, lin.hops[fresh.slowest])
            filled = (f"its freshest write path runs through {via}, so it serves features at least "
                      f"{fresh.minutes:g} min old")
        elif feeders:
            filled = f"is filled by {names(ctx, (f.id for f in feeders))}, which no source reaches"
        else:
            filled = "has nothing filling it"
        hits.append(Hit(
            f"{quoted(ctx.blocks[o])} must be at most {minutes:g} min fresh ({why}) but {filled}; no stream "
            "source -> stream processor path reaches it in time.",
            components=(o, *(f.id for f in feeders[:5])),
        ))
    return hits


@rule(
    "DAT-7",
    "data",
    "error",
    "Every store read online has a writer",
    "Draw how data gets into the store: a stream or batch connection from the job or source that writes it "
    "(post creation -> stream -> inbox; campaign service -> stream -> ad index; catalogue -> embedding job -> "
    "index). When the store is the product's own database of record, use the transactional_db kind.",
)
def store_has_writer(ctx: Context) -> list[Hit]:
    """Every store or index read on a request path is filled by a write path that starts at a source.

    Reads ``Context.lineage``: a store (every storage kind, offline/online feature stores, embedding stores) is
    read online when an online block calls it by a ``request`` connection. Its writers are the blocks with a
    ``stream``, ``batch`` or ``feedback`` connection into it (a request connection is a read by its caller; keys,
    policies, schedules and monitoring signals are not data). It passes when a chain of writers reaches a source
    (a data source, a client, labeling, or an online service writing what its traffic carries). A job that
    receives only a model (from training, a registry, a gate or a model block) reads no data: an item-embedding
    job fed by the registry alone embeds no item. One finding per store, naming its readers and, when writers
    exist, the blocks where the write chain stops.

    Why: a store nothing writes serves whatever it was loaded with once. Budgets that no spend stream updates
    overspend; an inbox no post reaches shows no new post; a "removed" flag nothing sets keeps showing removed
    images. Where the data comes from, and how fast, is the first question a reviewer asks of such a store.

    Not flagged: data sources read online (a transactional database the product writes, a third-party API) are
    sources of record, not stores; so are a relational database and an offline bulk store (lake, warehouse,
    object storage) that nothing writes (the product's records, the organisation's archive); a model registry is
    not a store; caches fill themselves from what they front. A key-value store, vector index, feature or
    embedding store is a derived view: when it is in fact the product's database of record, draw its writer or
    use the transactional_db kind. Error: the design cannot say what a request path reads.

    Fix: draw the write path (post creation -> stream -> inbox; campaign and spend events -> stream -> ad index
    and budgets; catalogue or uploads -> embedding job -> index).

    Source: Kleppmann, Designing Data-Intensive Applications ch. 11-12 (derived data: every read view has a
    write path); Huyen, Designing ML Systems ch. 3 (data sources, data flow); Xu & Aminian ch. 10 (news feed:
    fan-out on write to the inbox).
    """
    lin = ctx.lineage
    if not lin.online_reads:
        raise NotApplicable("no store or index is read on a request path")
    reported = unsourced(ctx)
    causes: dict[str, list[str]] = {}  # the block where the write chain stops -> the stores it leaves unsourced
    ends_of: dict[str, list[str]] = {}
    reported_set = set(reported)
    for store in reported:
        ends = ends_of[store] = _dead_ends(ctx, store) if lin.writers_of(store) else []
        cause = next((e for e in ends if e in reported_set), ends[0] if ends else store)
        causes.setdefault(cause, []).append(store)
    hits = []
    for cause, stores in causes.items():
        head = cause if cause in stores else stores[0]
        readers = lin.online_reads[head]
        writers = lin.writers_of(head)
        if not writers:
            what = "nothing writes it (no stream or batch connection brings data into it)"
        else:
            ends = ends_of[head]
            stops = "; ".join(_dead_end_phrase(ctx, b) for b in ends[:3]) or "its write chain only loops back"
            what = f"its writer {names(ctx, writers)} reaches no data source ({stops})"
        others = [s for s in stores if s != head]
        also = (f" {names(ctx, others)}, read online too, {'is' if len(others) == 1 else 'are'} filled from it "
                "and has no origin either." if others else "")
        hits.append(Hit(
            f"{quoted(ctx.blocks[head])} is read online by {names(ctx, readers)} but {what}, so what it serves "
            f"has no origin in the design.{also}",
            components=(head, *others[:NAMED], *readers[:NAMED]),  # as the message names them
        ))
    return hits


def _dead_ends(ctx: Context, store: str) -> list[str]:
    """Blocks up the write chain of an unsourced store that nothing writes, nearest first (the walk stops after
    ``MAX_TRACE`` blocks, so that tracing every unwritten store of a large design stays linear)."""
    writers_of = ctx.lineage.writers_of
    seen = {store}
    queue = [store]
    ends = []
    i = 0
    while i < len(queue) and i < MAX_TRACE:
        node = queue[i]
        i += 1
        for w in writers_of(node):
            if w in seen:
                continue
            seen.add(w)
            if writers_of(w):
                queue.append(w)
            else:
                ends.append(w)
    return ends


def _dead_end_phrase(ctx: Context, block: str) -> str:
    models = [e.source for e in ctx.in_edges.get(block, ())
              if e.flow != "request" and ctx.kind_of[e.source] in MODEL_CARRIER_KINDS]
    if models:
        return f"{quoted(ctx.blocks[block])} reads only a model (from {names(ctx, models)}), no data"
    return f"nothing writes {quoted(ctx.blocks[block])}"


@rule(
    "DAT-8",
    "data",
    "warning",
    "What readers see is as fresh as required",
    "Shorten the slowest hop on the write path (stream the data, run the job or rebuild the index more often), "
    "add a fresh source beside the slow one (a fresh-uploads index next to the daily embedding index), or "
    "lower the cache TTL to the freshness needed.",
)
def readers_see_fresh_data(ctx: Context) -> list[Hit]:
    """The data a request path reads is no older than the freshness the design asks for.

    For every store read online (see DAT-7) the staleness is computed along its write paths
    (``mlsd.analysis.lineage``): the slowest hop of its freshest path from a source, a hop being a stream
    processor's window (``freshness_minutes``), a batch ETL, feature pipeline or batch prediction job's period
    (``freshness_minutes``) or a training pipeline's ``retrain_every_hours`` when it writes what is served. It is
    a lower bound (the freshest writer, the slowest hop rather than the sum), so a finding is certain. The
    target is the store's own ``freshness_minutes``, else ``requirements.freshness_minutes``. Every cache on a
    request path with a ``ttl_minutes`` is held to its own ``freshness_minutes`` or the requirement the same way:
    a cached answer can be its TTL plus the staleness of the freshest store behind it (read by request
    downstream of the cache) old. One finding per store or cache, naming the slowest hop and its minutes.

    Not flagged: a slow store whose reader reaches (by request) a store of the same role that meets the target
    carries slow-moving data by design (daily profiles next to streamed velocity counters; a daily embedding
    index next to a fresh-uploads index; the role being *candidates* for indexes and stores read by candidate
    generation, *data* otherwise). Stores DAT-7 reports (no write path, staleness unknown) and fast-feature
    stores DAT-3 judges (feature, embedding and key-value stores needing an hour or less) are left to those
    rules, so one cause is reported once. A cache without ``ttl_minutes`` is not judged.

    Why: a daily index rebuild hides new videos for a day when the product promises minutes; a slate cached for
    10 minutes breaks a 5-minute freshness promise however fast the features are. Warning: the design works,
    but not as fresh as asked.

    Fix: stream the hop that is too slow, run it more often, add a fresh source beside it, or lower the TTL.

    Source: Huyen, Designing ML Systems ch. 7 (batch vs stream features; freshness); Covington et al.,
    "Deep Neural Networks for YouTube Recommendations" (RecSys 2016: fresh content matters to users); Xu &
    Aminian ch. 6 and 10 (video recommendations, news feed).
    """
    lin = ctx.lineage
    required = ctx.requirements.freshness_minutes
    caches = [c for c in ctx.of_kind("cache")
              if own_number(c, "ttl_minutes") is not None and _on_request_path(ctx, c.id)]
    fast_features = fresh_feature_needs(ctx)
    judged = [s for s in lin.online_reads
              if s not in fast_features and s in lin.fresh and target(ctx, s) is not None]
    judged_caches = [c for c in caches if target(ctx, c.id) is not None]
    if not judged and not judged_caches:
        if required is None and not any(target(ctx, s) for s in lin.online_reads):
            raise NotApplicable("no freshness target: neither requirements.freshness_minutes nor a store read "
                                "online sets freshness_minutes")
        raise NotApplicable("every store read online is judged by DAT-3 (fast features) or DAT-7 (no write path), "
                            "and no cache on a request path declares ttl_minutes")
    hits = []
    for store in judged:
        need, why = target(ctx, store) or (INF, "")
        fresh = lin.fresh[store]
        if fresh.minutes <= need:
            continue
        role = _role(ctx, store)
        readers = lin.online_reads[store]
        if any(_freshest_below(ctx, role).get(r, INF) <= need for r in readers):
            continue
        slowest = fresh.slowest
        via = hop_phrase(ctx, slowest, lin.hops[slowest]) if slowest else "its write path"
        hits.append(Hit(
            f"{quoted(ctx.blocks[store])} (read online by {names(ctx, readers)}) serves data at least "
            f"{minutes(fresh.minutes)} old: new data reaches it only after {via}, while {why} is "
            f"{minutes(need)}.",
            components=(store, *((slowest,) if slowest else ())),
        ))
    for c in judged_caches:
        need, why = target(ctx, c.id) or (INF, "")
        ttl = own_number(c, "ttl_minutes") or 0.0
        behind, source = _freshest_behind(ctx, c.id)
        if ttl + behind > need:
            under = (f" on top of data at least {minutes(behind)} old in {quoted(ctx.blocks[source])}"
                     if source is not None and behind > 0 else "")
            fix_ttl = max(need - behind, 0.0)
            hits.append(Hit(
                f"{quoted(c)} keeps answers for {minutes(ttl)} (ttl_minutes){under}, so a reader can be served "
                f"an answer {minutes(ttl + behind)} old while {why} is {minutes(need)}.",
                components=(c.id, *((source,) if source is not None and behind > 0 else ())),
                fix=f"Lower ttl_minutes of {quoted(c)} to {fix_ttl:g} or less"
                + (f" (or refresh {quoted(ctx.blocks[source])} faster)" if source is not None and behind > 0 else "")
                + ", or invalidate its entries when what they were computed from changes.",
            ))
    return hits


def _freshest_behind(ctx: Context, cache: str) -> tuple[float, str | None]:
    """The staleness of the freshest store a cache's answers are computed from (stores it reaches by request
    downstream, with a known staleness), and that store: a cached answer is at least its TTL plus that old.
    (0, None) when no store with a write path sits behind it."""
    lin = ctx.lineage
    best: tuple[float, str | None] = (INF, None)
    for b in ctx.downstream(cache, REQUEST):
        fresh = lin.fresh.get(b)
        if fresh is not None and b in lin.online_reads and fresh.minutes < best[0]:
            best = (fresh.minutes, b)
    return (0.0, None) if best[1] is None else best


def _on_request_path(ctx: Context, block: str) -> bool:
    return bool(ctx.neighbours(False, REQUEST).get(block) or ctx.neighbours(True, REQUEST).get(block))


def _role(ctx: Context, store: str) -> str:
    """'candidates' for an index or a store candidate generation reads, 'data' for the rest."""
    if ctx.kind_of[store] == "vector_index" or any(
            ctx.kind_of[r] in CANDIDATE_READER_KINDS for r in ctx.lineage.online_reads.get(store, ())):
        return "candidates"
    return "data"


def _freshest_below(ctx: Context, role: str) -> dict[str, float]:
    """``{block: smallest staleness of a store of this role it reaches by request}`` (computed once per role:
    one iterative depth-first pass over the request graph, a block on a cycle counting what it reached so far)."""

    def compute() -> dict[str, float]:
        lin, callees = ctx.lineage, ctx.neighbours(True, REQUEST)
        best: dict[str, float] = {}
        for store in lin.online_reads:
            if store in lin.fresh and _role(ctx, store) == role:
                best[store] = lin.fresh[store].minutes
        done: set[str] = set()
        for root in ctx.blocks:
            if root in done:
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            on_stack = {root}
            while stack:
                node, i = stack[-1]
                kids = callees.get(node, ())
                if i < len(kids):
                    stack[-1] = (node, i + 1)
                    kid = kids[i]
                    if kid not in done and kid not in on_stack:
                        stack.append((kid, 0))
                        on_stack.add(kid)
                    continue
                stack.pop()
                on_stack.discard(node)
                done.add(node)
                value = min((best.get(k, INF) for k in kids), default=INF)
                if value < best.get(node, INF):
                    best[node] = value
        return best

    return memo(ctx, f"lineage:freshest_below:{role}", compute)
