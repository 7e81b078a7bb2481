"""Rules of the privacy & security checklist (SEC-*).

Here "component" means a placed block of a design (``mlsd.model.Component``).

Personal data (PII) starts at the blocks marked ``pii: true`` and flows along connections, in their direction.
A flow stops at an ``anonymizer`` or ``differential_privacy`` block (what leaves it is no longer personal data).
It also stops at control and observability blocks that do not pass the data they receive on: a
``drift_detector`` (it compares distributions and sends a trigger), an ``orchestrator`` (it starts jobs), an
``alerting`` block (it pages) and a ``metrics_dashboard`` (it draws aggregates). They may receive personal
data, but what leaves them is a signal, so a retraining trigger from a drift detector is not a route of
personal data into training. ``ab_testing`` and ``experiment_tracking`` are not among them: an experiment
service emits per-user assignments and exposures that analytics joins with outcomes, and experiment tracking
keeps run artifacts (dataset snapshots, evaluation samples, models) that flow on to registries and serving.
A ``request`` connection into a store (storage or features blocks, or a block with ``storage_gb``) is a lookup:
its payload is not kept, so it carries no PII into the store; a request into ``logging`` is kept and does.
The flow is computed once per check, in one pass over the graph.

A block *stores personal data* (SEC-1, SEC-3, SEC-5) when it is marked ``pii`` and keeps data at rest: a store
as above, or a block of a pass-through kind (message queue, cache, stream processor...) that declares how long
it keeps data (``retention_days``, set on the block or its kind's default; 0 means forever). A Kafka topic
keeping 7 days of raw events (the message queue's default) holds them on disk like any database.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress
from weakref import WeakKeyDictionary

from mlsd.analysis.failures import region_of
from mlsd.catalog import KINDS
from mlsd.model import Component, Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.reliability import declared_regions
from mlsd.rules.sla import chain, name, names, on_serving_path

STOP_KINDS = frozenset({"anonymizer", "differential_privacy"})
# control and observability blocks: they receive data but send on only triggers, alerts and charts
NO_FORWARD_KINDS = frozenset({"drift_detector", "orchestrator", "alerting", "metrics_dashboard"})
HALT_KINDS = STOP_KINDS | NO_FORWARD_KINDS  # the PII flow reaches these blocks but does not go beyond them
STORE_CATEGORIES = frozenset({"storage", "features"})
KEPT_ON_REQUEST = frozenset({"logging"})
# where raw personal data must not land: ML and analytics sinks (SEC-4)
ML_SINKS = frozenset({
    "labeling", "training_pipeline", "hyperparameter_tuning", "offline_feature_store", "online_feature_store",
    "embedding_store", "logging", "data_warehouse", "data_lake", "hdfs",
})
TRAINING_KINDS = frozenset({"training_pipeline", "hyperparameter_tuning"})
INFERENCE_KINDS = frozenset({"online_inference", "candidate_generation", "reranker"})
MAX_HOPS_SHOWN = 6  # a longer route is shown as its origin, '…' and its last hops
ROUTES_SHOWN = 3  # routes into a sink named in a SEC-4 message; more are counted

_FLOWS: WeakKeyDictionary[Context, _PiiFlow] = WeakKeyDictionary()


def is_store(c: Component) -> bool:
    """A block that keeps data: storage and features kinds, and any block with ``storage_gb``."""
    return KINDS[c.kind].category in STORE_CATEGORIES or c.num("storage_gb") > 0


def keeps_at_rest(c: Component) -> bool:
    """A block that keeps what it receives: a store, or a block of any other kind that declares how long it
    keeps data (``retention_days``, own or its kind's default; 0 means forever)."""
    return is_store(c) or c.prop("retention_days") is not None


def stores_personal_data(c: Component) -> bool:
    """The block is marked ``pii`` and keeps data at rest: what SEC-1, SEC-3 and SEC-5 check."""
    return c.flag("pii") and keeps_at_rest(c)


def carries(ctx: Context, e: Connection) -> bool:
    """Whether data moves into the connection's target (a request into a store is a lookup, not a write)."""
    if e.flow != "request":
        return True
    target = ctx.blocks[e.target]
    return target.kind in KEPT_ON_REQUEST or not is_store(target)


@dataclass
class _PiiFlow:
    """Where raw personal data goes: seeds (pii blocks), and every block it reaches with the hop it came by."""

    seeds: list[str]
    parent: dict[str, tuple[str, str]]  # reached block -> (block it came from, connection id)
    origin: dict[str, str]  # reached block or seed -> the pii block its data comes from

    def carrier(self, ctx: Context, block_id: str) -> bool:
        """The block holds raw PII and passes it on (seeds and reached blocks, except anonymizers, DP steps and
        the control blocks that send on only signals)."""
        return block_id in self.origin and ctx.blocks[block_id].kind not in HALT_KINDS


def _route(
    ctx: Context, parent: dict[str, tuple[str, str]], origin: dict[str, str], block_id: str, then: str | None = None
) -> str:
    """'origin → ... → block_id [→ then]' as titles, following ``parent`` back to the origin; long routes keep
    their origin and last hops."""
    hops = [block_id]
    node = block_id
    while node in parent and len(hops) < MAX_HOPS_SHOWN:
        node = parent[node][0]
        hops.append(node)
    ids = (*reversed(hops), *((then,) if then else ()))
    if node not in parent:
        return chain(ctx, ids)
    return f"{ctx.blocks[origin[block_id]].title} → … → {chain(ctx, ids)}"


def _spread(ctx: Context, seeds: Iterable[str]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Multi-source breadth-first walk along carrying connections; it reaches anonymizers, DP blocks and control
    blocks (``HALT_KINDS``) but does not go beyond them."""
    origin = {s: s for s in seeds}
    parent: dict[str, tuple[str, str]] = {}
    queue = deque(origin)
    while queue:
        node = queue.popleft()
        if ctx.blocks[node].kind in HALT_KINDS:
            continue
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if nxt in origin or not carries(ctx, e):
                continue
            origin[nxt] = origin[node]
            parent[nxt] = (node, e.id)
            queue.append(nxt)
    return parent, origin


def pii_flow(ctx: Context) -> _PiiFlow:
    """The design's PII flow (computed once per context)."""
    found = _FLOWS.get(ctx)
    if found is None:
        seeds = [c.id for c in ctx.design.components if c.flag("pii")]
        parent, origin = _spread(ctx, seeds)
        found = _PiiFlow(seeds, parent, origin)
        _FLOWS[ctx] = found
    return found


def _pii_stores(ctx: Context) -> list[Component]:
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    stores = [ctx.blocks[b] for b in flow.seeds if stores_personal_data(ctx.blocks[b])]
    if not stores:
        raise NotApplicable(
            "no store holds personal data (no block with pii is a store or declares retention_days)"
        )
    return stores


def _holds(c: Component) -> str:
    """How the block holds personal data, for a message: 'stores' for a store, the retention for a queue."""
    if is_store(c):
        return "stores personal data (pii)"
    days = c.num("retention_days")
    kept = f"for {days:g} day{'' if days == 1 else 's'}" if days > 0 else "forever (retention_days 0)"
    return f"keeps personal data (pii) at rest {kept}"


def _neighbours(ctx: Context, block_id: str) -> list[Component]:
    return [*ctx.successors(block_id), *ctx.predecessors(block_id)]


@rule(
    "SEC-1", "privacy", "error", "Personal data is encrypted at rest",
    "Set encrypted_at_rest on the store (AES-256 with KMS-managed keys), or connect it to a kms block.",
)
def pii_encrypted_at_rest(ctx: Context) -> list[Hit]:
    """Every store holding personal data encrypts it at rest.

    A store is a storage or features block, any block with ``storage_gb``, or any other block (a message queue,
    cache or stream processor, which pass data through) that declares how long it keeps data
    (``retention_days``, set on the block or its kind's default: a message queue keeps 7 days; 0 means
    forever); it holds personal data when it is marked ``pii``. A stolen disk, snapshot or
    backup of an unencrypted store is a data breach. A store passes with ``encrypted_at_rest`` or a connection
    to a ``kms`` block.
    Fix: encrypt the store.
    Source: GDPR Art. 32(1)(a) (encryption of personal data); AWS Well-Architected ML Lens, Security pillar.
    """
    return [
        Hit(f"{name(ctx, c.id)} {_holds(c)} without encryption at rest.", components=(c.id,))
        for c in _pii_stores(ctx)
        if not c.flag("encrypted_at_rest") and not any(n.kind == "kms" for n in _neighbours(ctx, c.id))
    ]


@rule(
    "SEC-2", "privacy", "error", "Personal data is encrypted in transit",
    "Set encrypted_in_transit (TLS / mTLS) on at least one end of the connection: the server side that "
    "terminates TLS, usually the target.",
)
def pii_encrypted_in_transit(ctx: Context) -> list[Hit]:
    """Every connection to or from a block marked ``pii`` is encrypted in transit.

    A connection is encrypted when either end declares ``encrypted_in_transit``: the prop says all traffic to
    and from that block uses TLS, so one end is enough (a TLS-terminating gateway encrypts its clients'
    traffic). A connection carrying personal data in clear can be read on any network hop.
    One missing setting is one finding: when several unencrypted connections share a block, setting
    ``encrypted_in_transit`` on that block encrypts them all, so they are reported together at that block
    (the block with the most of them first; ties in design order), listing its connections. A connection
    that shares no such block is reported on its own, at its source and target.
    Fix: turn on TLS at one end.
    Source: GDPR Art. 32(1)(a); AWS Well-Architected, Security pillar (encrypt data in transit).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    pii = set(flow.seeds)
    tls = {c.id for c in ctx.design.components if c.flag("encrypted_in_transit")}
    clear: list[Connection] = []
    touching = 0
    for e in ctx.design.connections:
        if e.source not in pii and e.target not in pii:
            continue
        touching += 1
        if e.source in tls or e.target in tls:
            continue
        clear.append(e)
    if not touching:
        raise NotApplicable("no connection touches a block marked pii")
    by_block: dict[str, list[Connection]] = {}
    for e in clear:
        by_block.setdefault(e.source, []).append(e)
        by_block.setdefault(e.target, []).append(e)
    position = _position(ctx)
    shared = sorted((b for b, edges in by_block.items() if len(edges) > 1),
                    key=lambda b: (-len(by_block[b]), position[b]))
    hits = []
    grouped: set[str] = set()
    for b in shared:
        edges = [e for e in by_block[b] if e.id not in grouped]
        if len(edges) < 2:
            continue
        grouped.update(e.id for e in edges)
        hits.append(_clear_at(ctx, b, edges))
    for e in clear:
        if e.id in grouped:
            continue
        hits.append(Hit(
            f"Connection {name(ctx, e.source)} → {name(ctx, e.target)} ({e.flow}) touches personal data and "
            "neither end declares encrypted_in_transit.",
            components=(e.source, e.target),
            connections=(e.id,),
        ))
    return hits


CONNECTIONS_SHOWN = 5  # connections named in a grouped SEC-2 message; more are counted


def _clear_at(ctx: Context, block_id: str, edges: list[Connection]) -> Hit:
    """SEC-2's finding for several unencrypted connections that one setting on ``block_id`` would encrypt."""
    shown = [f"{ctx.blocks[e.source].title} → {ctx.blocks[e.target].title} ({e.flow})"
             for e in edges[:CONNECTIONS_SHOWN]]
    others = [e.target if e.source == block_id else e.source for e in edges]
    return Hit(
        f"{len(edges)} connections of {name(ctx, block_id)} touch personal data and neither end declares "
        f"encrypted_in_transit: {_counted(shown, len(edges), 'connection', sep='; ')}.",
        components=(block_id, *dict.fromkeys(o for o in others if o != block_id)),
        connections=tuple(e.id for e in edges),
        fix=f"Set encrypted_in_transit (TLS / mTLS) on {name(ctx, block_id)}: one setting encrypts all "
            f"{len(edges)} connections (or set it on the other end of each).",
    )


@rule(
    "SEC-3", "privacy", "error", "Stores of personal data are access-controlled",
    "Set access_controlled (IAM roles, RBAC, least privilege) on the store, or connect an access_control block.",
)
def pii_access_controlled(ctx: Context) -> list[Hit]:
    """Every store holding personal data requires an authorised identity to read or write.

    Stores of personal data are those of SEC-1, including queues, caches and stream processors marked ``pii``
    that keep data for a declared ``retention_days``. Passes with ``access_controlled`` on the store or an
    ``access_control`` block connected to it.
    Why: without access control every service and engineer can read everyone's data; least privilege is
    both a GDPR duty and the main limit on the damage of a leaked credential.
    Fix: restrict access.
    Source: GDPR Art. 32 (security of processing); AWS Well-Architected, Security pillar (least privilege).
    """
    return [
        Hit(f"{name(ctx, c.id)} {_holds(c)} without access control.", components=(c.id,))
        for c in _pii_stores(ctx)
        if not c.flag("access_controlled") and not any(n.kind == "access_control" for n in _neighbours(ctx, c.id))
    ]


def _dp_training(ctx: Context, c: Component) -> bool:
    """A training block that applies differential privacy itself (epsilon) or next to a DP block."""
    return c.num("epsilon") > 0 or any(n.kind == "differential_privacy" for n in _neighbours(ctx, c.id))


def _raw_pii_inputs(ctx: Context, flow: _PiiFlow, c: Component) -> list[Connection]:
    """Connections that bring raw personal data into ``c`` (from a block holding it, not from itself)."""
    return [e for e in ctx.in_edges.get(c.id, ()) if carries(ctx, e) and flow.carrier(ctx, e.source)]


@dataclass(frozen=True)
class _Leak:
    """One missing control: raw personal data first reaches an ML or analytics sink at ``entry``."""

    entry: str  # the sink the anonymizer belongs in front of
    edges: tuple[Connection, ...]  # the connections that bring raw PII into it from outside the sinks
    origins: tuple[str, ...]  # the pii blocks that data comes from, in the order its connections were found
    routes: tuple[str, ...]  # the routes of the first entry connections (ROUTES_SHOWN), as titles
    downstream: tuple[str, ...]  # further sinks that data reaches from the entry, in design order


def _is_ml_sink(ctx: Context, c: Component) -> bool:
    """A block where raw personal data must not land (SEC-4): a training block with DP-SGD is not one."""
    return c.kind in ML_SINKS and not (c.kind in TRAINING_KINDS and _dp_training(ctx, c))


def _leaks(ctx: Context, flow: _PiiFlow) -> list[_Leak]:
    """The missing controls of SEC-4: one per sink where raw personal data first enters the ML sinks.

    The *affected* sinks are those with a connection bringing raw PII in (``_raw_pii_inputs``). Their data
    comes from *origins*: blocks marked ``pii`` that are not affected sinks (a sink marked pii that receives raw
    PII holds a copy; that copy is the problem, not a cause of its own). A walk from the origins that stops at
    affected sinks finds where the data first enters a sink: the *entry* sinks and the connections that reach
    them. Everything an entry passes the data on to (through other sinks too) is the same missing control,
    listed as its downstream sinks; a sink downstream of two entries is listed under both, since either
    missing control alone contaminates it. A sink is never its own downstream (a cycle back into it is not a
    new cause).

    When pii-marked sinks only feed each other round a cycle (no origin outside the cycle), none of them is
    an entry. Then the first of them in design order becomes an origin (no longer reported itself), and so
    does each later one that no origin chosen this way reaches; the walk is repeated once. Every affected sink
    is reported, and none as reaching itself.
    """
    affected = [c.id for c in ctx.design.components if _is_ml_sink(ctx, c) and _raw_pii_inputs(ctx, flow, c)]
    if not affected:
        return []
    derived = set(affected)
    origins = [s for s in flow.seeds if s not in derived]
    leaks = _entries(ctx, origins, derived)
    uncovered = _uncovered(affected, derived, leaks)
    if uncovered:
        reached: set[str] = set()
        for b in uncovered:
            if b not in reached and ctx.blocks[b].flag("pii"):
                derived.discard(b)
                origins.append(b)
                _reach(ctx, b, reached)
        leaks = _entries(ctx, origins, derived)
        uncovered = _uncovered(affected, derived, leaks)
    for b in uncovered:  # cannot happen (see above); never drop an affected sink silently
        edges = tuple(_raw_pii_inputs(ctx, flow, ctx.blocks[b]))
        source = flow.origin[edges[0].source]
        leaks.append(_Leak(b, edges, (source,), (_route(ctx, flow.parent, flow.origin, edges[0].source, b),), ()))
    return leaks


def _uncovered(affected: list[str], derived: set[str], leaks: list[_Leak]) -> list[str]:
    """The affected sinks (still counted as copies) that no leak names, in design order."""
    covered = {b for leak in leaks for b in (leak.entry, *leak.downstream)}
    return [b for b in affected if b in derived and b not in covered]


def _reach(ctx: Context, start: str, reached: set[str]) -> None:
    """Add to ``reached`` every block raw data at ``start`` reaches (and ``start``), skipping blocks already in
    it: several calls together visit each block once."""
    if start in reached:
        return
    reached.add(start)
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if ctx.kind_of[node] in HALT_KINDS:
            continue
        for e in ctx.out_edges.get(node, ()):
            if e.target not in reached and carries(ctx, e):
                reached.add(e.target)
                queue.append(e.target)


def _entries(ctx: Context, origins: list[str], derived: set[str]) -> list[_Leak]:
    """Walk from the origins (breadth first, stopping at the sinks in ``derived`` and at ``HALT_KINDS``); every
    sink of ``derived`` it reaches is an entry, with all the connections that reach it and its downstream."""
    origin = {o: o for o in origins}
    parent: dict[str, tuple[str, str]] = {}
    entries: dict[str, list[Connection]] = {}
    queue = deque(origin)
    while queue:
        node = queue.popleft()
        if ctx.kind_of[node] in HALT_KINDS:
            continue
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if not carries(ctx, e):
                continue
            if nxt in derived:
                entries.setdefault(nxt, []).append(e)
            elif nxt not in origin:
                origin[nxt] = origin[node]
                parent[nxt] = (node, e.id)
                queue.append(nxt)
    order = sorted(entries, key=_position(ctx).__getitem__)
    reach = _sinks_downstream(ctx, order, derived)
    return [
        _Leak(
            entry=sink,
            edges=tuple(entries[sink]),
            origins=tuple(dict.fromkeys(origin[e.source] for e in entries[sink])),
            routes=tuple(_route(ctx, parent, origin, e.source, sink) for e in entries[sink][:ROUTES_SHOWN]),
            downstream=reach[sink],
        )
        for sink in order
    ]


def _position(ctx: Context) -> dict[str, int]:
    """Each block's index in the design (a stable order for findings)."""
    found: dict[str, int] | None = ctx.memo.get("privacy:position")
    if found is None:
        found = ctx.memo["privacy:position"] = {c.id: i for i, c in enumerate(ctx.design.components)}
    return found


def _sinks_downstream(ctx: Context, entries: list[str], derived: set[str]) -> dict[str, tuple[str, ...]]:
    """For each entry, the sinks of ``derived`` that raw data entering it goes on to reach, in design order;
    never the entry itself, even when a cycle leads back into it.

    Reach is computed once for all entries, as bit masks over the sinks merged over the strongly connected
    components of the flow (Tarjan's algorithm, iterative): linear in the graph, not one walk per entry.
    """
    sinks = sorted(derived, key=_position(ctx).__getitem__)
    bit = {b: 1 << i for i, b in enumerate(sinks)}
    succ: dict[str, list[str]] = {}

    def successors(node: str) -> list[str]:
        found = succ.get(node)
        if found is None:
            found = succ[node] = (
                [] if ctx.kind_of[node] in HALT_KINDS
                else [e.target for e in ctx.out_edges.get(node, ()) if carries(ctx, e)]
            )
        return found

    mask: dict[str, int] = {}  # block -> sinks reachable from it (its strongly connected component's reach)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for start in entries:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(successors(start)))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors(nxt))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    caller = work[-1][0]
                    low[caller] = min(low[caller], low[node])
                if low[node] == index[node]:  # node roots a component: everything it reaches is done
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    reach = 0
                    for member in members:
                        for nxt in successors(member):
                            reach |= bit.get(nxt, 0) | mask.get(nxt, 0)  # members have no mask yet
                    for member in members:
                        mask[member] = reach
    out = {}
    for entry in entries:
        reach = mask[entry] & ~bit[entry]
        # bit i set -> sinks[i]: the mask's binary digits, lowest first, as a 0/1 selector (C speed)
        out[entry] = tuple(compress(sinks, bin(reach)[:1:-1].encode().translate(_BINARY_DIGITS))) if reach else ()
    return out


_BINARY_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


SINKS_SHOWN = 5  # further sinks named in a SEC-4 message; more are counted
ORIGINS_SHOWN = 5  # pii blocks named in a SEC-4 message; more are counted
# how to anonymise on the way into each kind of sink (SEC-4's fix)
_ANONYMISE_FOR: dict[str, str] = {
    "logging": "log a pseudonymous id (a token or salted hash of the user id) and drop the fields the log does "
               "not need",
    "online_feature_store": "key the features by a pseudonymous id (a token or salted hash of the user id) and "
                            "drop raw identifiers",
    "labeling": "show labelers only what the label needs (strip ids, names, contact details, and text or images "
                "that identify people)",
    "training_pipeline": "drop or hash identifiers and generalise quasi-identifiers in the training data; or "
                         "train with DP-SGD (epsilon on the training block)",
}
_ANONYMISE_FOR["offline_feature_store"] = _ANONYMISE_FOR["embedding_store"] = _ANONYMISE_FOR["online_feature_store"]
_ANONYMISE_FOR["hyperparameter_tuning"] = _ANONYMISE_FOR["training_pipeline"]
_ANONYMISE_DEFAULT = "drop or hash identifiers and generalise quasi-identifiers (birth date, postcode) on the way in"


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _counted(shown: list[str], total: int, noun: str, sep: str = ", ") -> str:
    """The first of ``total`` items (``shown``) joined by ``sep`` (the last two by 'and' when ``sep`` is a
    comma), the rest counted ('and 3 more sinks')."""
    if len(shown) >= total:
        return _and(shown) if sep == ", " else sep.join(shown)
    rest = total - len(shown)
    return f"{sep.join(shown)}{sep}and {rest} more {noun}{'' if rest == 1 else 's'}"


def _leak_hit(ctx: Context, leak: _Leak) -> Hit:
    entry = ctx.blocks[leak.entry]
    origins = _counted([name(ctx, o) for o in leak.origins[:ORIGINS_SHOWN]], len(leak.origins), "pii block")
    message = (
        f"Personal data from {origins} reaches {name(ctx, entry.id)} ({entry.kind}) without an anonymizer or "
        f"differential-privacy step: {_counted(list(leak.routes), len(leak.edges), 'route', sep='; ')}."
    )
    fix = (f"Put an anonymizer or a differential_privacy step on the flow into {name(ctx, entry.id)}: "
           f"{_ANONYMISE_FOR.get(entry.kind, _ANONYMISE_DEFAULT)}.")
    if leak.downstream:
        n = len(leak.downstream)
        sinks = _counted([f"{name(ctx, b)} ({ctx.kind_of[b]})" for b in leak.downstream[:SINKS_SHOWN]], n, "sink")
        message += f" From there it reaches {n} more sink{'' if n == 1 else 's'}: {sinks}."
        fix += f" Placed there, it protects {'the sink' if n == 1 else f'the {n} sinks'} after it too."
    return Hit(message, components=(leak.entry, *leak.downstream), connections=tuple(e.id for e in leak.edges),
               fix=fix)


@rule(
    "SEC-4", "privacy", "error", "Personal data is anonymised before ML and analytics sinks",
    "Put an anonymizer (drop or hash identifiers, generalise quasi-identifiers) or a differential_privacy "
    "step on the flow where personal data first reaches a sink; a training block can instead train with "
    "DP-SGD (epsilon on the block).",
)
def pii_anonymised_before_sinks(ctx: Context) -> list[Hit]:
    """Raw personal data does not reach training, labeling, feature stores, logs, warehouses or data lakes.

    The flow is followed across every block (see the module docstring) from each block marked ``pii``; it
    stops at an anonymizer or a differential_privacy block, and does not pass through a drift detector,
    orchestrator, alerting block or metrics dashboard (they send on triggers and charts, not the data: a
    drift detector that starts retraining does not bring personal data into training). An A/B testing service
    and experiment tracking do pass it on (per-user exposures; dataset snapshots and samples). A sink (labeling,
    training_pipeline, hyperparameter_tuning, offline/online feature store, embedding_store, logging,
    data_warehouse, data_lake, hdfs) that receives it fails, even when the sink itself is marked pii (the sink
    declaring it holds PII does not make the copy necessary); a training block with ``epsilon`` (DP-SGD) does
    not.
    One missing control is one finding: it is reported at the sink where raw personal data first enters the
    sinks (where the anonymizer belongs; the finding's first block), names the pii blocks it comes from and
    the routes it takes, and lists every further sink the same data reaches from there. A lake that feeds
    feature stores, training and logs without an anonymizer in front of it is one finding, not one per sink;
    two pii sources entering the sinks at two places are two. A sink marked pii that receives raw data is
    not an origin of its own (its copy is the problem), and no sink is reported as reaching itself round a
    cycle. The fix is fitted to the sink where the anonymizer goes (DP-SGD is offered for training blocks only).
    Why: these systems copy data widely, keep it long and give many people access; data minimisation says
    they should get identifiers only when the purpose needs them.
    Known false positives: sinks whose purpose needs the identity (a fraud decision log kept for disputes, the
    training set of a face detector); their control is access, retention and erasure. Accept such a finding
    with a waiver naming all of its blocks and the controls in place.
    Fix: anonymise on the way in.
    Source: GDPR Art. 5(1)(c) (data minimisation) and Art. 25; AWS Well-Architected ML Lens, Security pillar.
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    if not any(c.kind in ML_SINKS for c in ctx.design.components):
        raise NotApplicable("no training, labeling, feature store, logging, warehouse or data lake block")
    return [_leak_hit(ctx, leak) for leak in _leaks(ctx, flow)]


@rule(
    "SEC-5", "privacy", "warning", "Personal data has a retention period and can be erased",
    "Set retention_days (> 0) on the store and support erasure on request (erasure_supported: a delete path "
    "keyed by user id, including backups and derived copies).",
)
def pii_retention_and_erasure(ctx: Context) -> list[Hit]:
    """Every store of personal data keeps it for a limited time and can delete one person's data on request.

    Stores of personal data are those of SEC-1 (a queue, cache or stream processor marked ``pii`` counts when
    it declares ``retention_days``). ``retention_days`` must be above 0 (0 means forever) and
    ``erasure_supported`` true.
    Why: storage limitation and the right to erasure are legal duties; designing the delete path late means
    scanning every copy by hand.
    Fix: declare retention and an erasure path.
    Source: GDPR Art. 5(1)(e) (storage limitation) and Art. 17 (right to erasure).
    """
    hits = []
    for c in _pii_stores(ctx):
        missing = []
        if c.num("retention_days") <= 0:
            missing.append("no retention period (retention_days)")
        if not c.flag("erasure_supported"):
            missing.append("no erasure on request (erasure_supported)")
        if missing:
            hits.append(Hit(
                f"{name(ctx, c.id)} stores personal data with {' and '.join(missing)}.",
                components=(c.id,),
            ))
    return hits


@rule(
    "SEC-6", "privacy", "warning", "Labeling receives anonymised data only",
    "Put an anonymizer before the labeling block (strip user ids, names, faces, free text that identifies "
    "people) so labelers see only what the label needs.",
)
def labeling_gets_anonymised_data(ctx: Context) -> list[Hit]:
    """Data sent to labeling (often external annotators) comes through an anonymizer.

    User data starts at clients, data sources and blocks marked ``pii``, and flows as in SEC-4; a labeling
    block it reaches without an anonymizer or differential-privacy step fails. Labeling blocks that receive
    data from a block marked ``pii`` are already reported by SEC-4 (as an error) and are not repeated here;
    this rule catches user data that nobody marked as personal.
    Fix: anonymise what labelers see.
    Source: AWS Well-Architected ML Lens, Security pillar (protect sensitive data); GDPR Art. 5(1)(c).
    """
    labeling = ctx.of_kind("labeling")
    if not labeling:
        raise NotApplicable("no labeling block")
    seeds = [c.id for c in ctx.design.components
             if c.kind == "client" or KINDS[c.kind].category == "data_sources" or c.flag("pii")]
    _, origin = _spread(ctx, seeds)
    flow = pii_flow(ctx)
    hits = []
    for c in labeling:
        if _raw_pii_inputs(ctx, flow, c):
            continue  # SEC-4's finding
        edges = [e for e in ctx.in_edges.get(c.id, ())
                 if carries(ctx, e) and e.source in origin and ctx.blocks[e.source].kind not in HALT_KINDS]
        if not edges:
            continue
        hits.append(Hit(
            f"{name(ctx, c.id)} receives user data from {name(ctx, origin[edges[0].source])} (via "
            f"{name(ctx, edges[0].source)}) that no anonymizer has seen.",
            components=(c.id,),
            connections=tuple(e.id for e in edges),
        ))
    return hits


@rule(
    "SEC-7", "privacy", "info", "Models trained on personal data use differential privacy",
    "Train with DP-SGD (TensorFlow Privacy, Opacus) and declare its epsilon on the training block, or put a "
    "differential_privacy block before it.",
)
def training_on_pii_uses_dp(ctx: Context) -> list[Hit]:
    """A model trained on raw personal data is trained with differential privacy.

    A training block fails when it is marked ``pii`` or raw personal data reaches it (as in SEC-4), and it
    neither declares ``epsilon`` nor is connected to a differential_privacy block.
    Why: models memorise rare training examples; membership-inference and extraction attacks recover them.
    DP-SGD bounds what a model can reveal about any one person.
    Fix: DP-SGD with a stated epsilon.
    Source: Abadi et al., Deep Learning with Differential Privacy (2016); TensorFlow Privacy (DP-SGD).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    training = ctx.of_kind(*TRAINING_KINDS)
    if not training:
        raise NotApplicable("no training block")
    hits = []
    for c in training:
        if _dp_training(ctx, c):
            continue
        edges = _raw_pii_inputs(ctx, flow, c)
        if not (c.flag("pii") or edges):
            continue
        source = flow.origin[edges[0].source] if edges else c.id
        hits.append(Hit(
            f"{name(ctx, c.id)} trains on personal data (from {name(ctx, source)}) without differential privacy: "
            "the model can memorise and leak individual records.",
            components=(c.id,),
            connections=tuple(e.id for e in edges),
        ))
    return hits


@rule(
    "SEC-8", "privacy", "warning", "Inference is reached through an authenticated gateway",
    "Route clients through an api_gateway with authenticated: true (OAuth, API keys, mTLS).",
)
def inference_behind_authentication(ctx: Context) -> list[Hit]:
    """Clients reach model inference only through a block that authenticates them.

    Walks request connections from every client; the walk stops at any block with ``authenticated``
    (normally the api_gateway). An inference block (online_inference, candidate_generation, reranker, model
    blocks) reached before that fails.
    Why: an open inference endpoint invites scraping, model extraction and denial of wallet (GPU cost).
    Fix: authenticate at the gateway.
    Source: AWS Well-Architected ML Lens, Security pillar (protect endpoints); OWASP ML Security Top 10, ML05.
    """
    clients = [c.id for c in ctx.of_kind("client") if any(e.flow == "request" for e in ctx.out_edges.get(c.id, ()))]
    if not clients:
        raise NotApplicable("no client makes requests")
    on_path = on_serving_path(ctx)
    if not any(_is_inference(c) for c in ctx.design.components if c.id in on_path):
        raise NotApplicable("no model inference on a request path")
    origin = {c: c for c in clients}
    parent: dict[str, str] = {}
    queue = deque(clients)
    hits = []
    while queue:
        node = queue.popleft()
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if e.flow != "request" or nxt in origin:
                continue
            origin[nxt] = origin[node]
            parent[nxt] = node
            c = ctx.blocks[nxt]
            if c.flag("authenticated"):
                continue
            if _is_inference(c):
                hops = [nxt]
                while hops[-1] in parent and len(hops) <= MAX_HOPS_SHOWN:
                    hops.append(parent[hops[-1]])
                gateways = [h for h in reversed(hops) if ctx.blocks[h].kind == "api_gateway"]
                advice = f"; {names(ctx, gateways)} does not authenticate callers" if gateways else ""
                hits.append(Hit(
                    f"{name(ctx, nxt)} ({c.kind}) is reachable from {name(ctx, origin[nxt])} without "
                    f"authentication: {chain(ctx, tuple(reversed(hops)))}{advice}.",
                    components=(nxt,),
                ))
            queue.append(nxt)
    return hits


def _is_inference(c: Component) -> bool:
    return c.kind in INFERENCE_KINDS or (KINDS[c.kind].category == "models" and c.kind != "heuristic_baseline")


@rule(
    "SEC-9", "privacy", "warning", "Personal data stays in its region",
    "Keep personal data in the region it was collected in (regional stores and pipelines), or document the "
    "transfer mechanism (adequacy decision, SCCs) and waive this finding with it.",
)
def pii_stays_in_region(ctx: Context) -> list[Hit]:
    """Raw personal data does not flow between blocks placed in different regions.

    Checked on every connection carrying raw PII (as in SEC-4) whose two ends both declare ``regions``; zone
    names (eu-west-1a, europe-west1-b) count as their region. The connection fails when the source runs in a
    region where the target has no presence: data from there has to leave its region. A target present in
    more regions than its source (a multi-region service called locally) is not flagged.
    Why: transfers outside the region (notably out of the EU) need a legal basis, and residency rules may
    forbid them outright.
    Fix: keep the flow regional, or document the transfer.
    Source: GDPR Chapter V (Art. 44-49, transfers of personal data to third countries).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    placement = {c.id: frozenset(region_of(r) for r in zones)
                 for c in ctx.design.components if (zones := declared_regions(c))}
    hits = []
    placed = 0
    for e in ctx.design.connections:
        s_regions = placement.get(e.source)
        t_regions = placement.get(e.target)
        if not s_regions or not t_regions or not flow.carrier(ctx, e.source) or not carries(ctx, e):
            continue
        placed += 1
        away = s_regions - t_regions
        if not away:
            continue
        hits.append(Hit(
            f"Personal data flows from {name(ctx, e.source)} ({', '.join(sorted(s_regions))}) to "
            f"{name(ctx, e.target)} ({', '.join(sorted(t_regions))}): data from {', '.join(sorted(away))} "
            "leaves its region.",
            components=(e.source, e.target),
            connections=(e.id,),
        ))
    if not placed:
        raise NotApplicable("no connection carrying personal data has both ends placed in regions")
    return hits
