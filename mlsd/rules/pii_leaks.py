"""SEC-4's grouping: where raw personal data first enters an ML or analytics sink (the place an anonymiser
belongs), and every further sink that same missing control contaminates, as one finding per cause.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress

from mlsd.model import Component, Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit
from mlsd.rules.pii_flow import (
    HALT_KINDS,
    ML_SINKS,
    ROUTES_SHOWN,
    TRAINING_KINDS,
    PiiFlow,
    carries,
    neighbours,
    purpose,
    route,
)
from mlsd.rules.sla import name
from mlsd.text import and_join, counted


def dp_training(ctx: Context, c: Component) -> bool:
    """A training block that applies differential privacy itself (epsilon) or next to a DP block."""
    return c.num("epsilon") > 0 or any(n.kind == "differential_privacy" for n in neighbours(ctx, c.id))


def raw_pii_inputs(ctx: Context, flow: PiiFlow, c: Component) -> list[Connection]:
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


def is_ml_sink(ctx: Context, c: Component) -> bool:
    """A block where raw personal data must not land (SEC-4). Not one: a training block with DP-SGD, and a
    block that declares why it keeps personal data (``pii_purpose``; its controls are SEC-10's)."""
    return c.kind in ML_SINKS and not (c.kind in TRAINING_KINDS and dp_training(ctx, c)) and not purpose(c)


def find_causes(ctx: Context, flow: PiiFlow) -> list[Cause]:
    """SEC-4's findings: the leaks of ``find_leaks`` grouped by the pii block they come from."""
    leaks = find_leaks(ctx, flow)
    if len(leaks) < 2:
        return [Cause((), tuple(leaks))] if leaks else []
    return group_by_root(ctx, flow, leaks)


def find_leaks(ctx: Context, flow: PiiFlow) -> list[_Leak]:
    """The missing controls of SEC-4: one per sink where raw personal data first enters the ML sinks.

    The *affected* sinks are those with a connection bringing raw PII in (``raw_pii_inputs``). Their data
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
    affected = [c.id for c in ctx.design.components if is_ml_sink(ctx, c) and raw_pii_inputs(ctx, flow, c)]
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
        edges = tuple(raw_pii_inputs(ctx, flow, ctx.blocks[b]))
        source = flow.origin[edges[0].source]
        leaks.append(_Leak(b, edges, (source,), (route(ctx, flow.parent, flow.origin, edges[0].source, b),), ()))
    return leaks


def _uncovered(affected: list[str], derived: set[str], leaks: list[_Leak]) -> list[str]:
    """The affected sinks (still counted as copies) that no leak names, in design order."""
    covered = {b for leak in leaks for b in (leak.entry, *leak.downstream)}
    return [b for b in affected if b in derived and b not in covered]


def reached_from(ctx: Context, starts: Iterable[str]) -> set[str]:
    """Every block raw data at ``starts`` reaches, with them (the flow of SEC-4: carrying connections, not through
    ``HALT_KINDS``): the sinks a finding's data goes on to, for the anonymizer fix."""
    reached: set[str] = set()
    for start in starts:
        _reach(ctx, start, reached)
    return reached


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
    order = sorted(entries, key=block_order(ctx).__getitem__)
    reach = _sinks_downstream(ctx, order, derived)
    return [
        _Leak(
            entry=sink,
            edges=tuple(entries[sink]),
            origins=tuple(dict.fromkeys(origin[e.source] for e in entries[sink])),
            routes=tuple(route(ctx, parent, origin, e.source, sink) for e in entries[sink][:ROUTES_SHOWN]),
            downstream=reach[sink],
        )
        for sink in order
    ]


def block_order(ctx: Context) -> dict[str, int]:
    """Each block's index in the design (a stable order for findings)."""
    found: dict[str, int] | None = ctx.memo.get("privacy:position")
    if found is None:
        found = ctx.memo["privacy:position"] = {c.id: i for i, c in enumerate(ctx.design.components)}
    return found


def _sinks_downstream(
    ctx: Context, entries: list[str], derived: set[str], stop: frozenset[str] = frozenset()
) -> dict[str, tuple[str, ...]]:
    """For each entry, the sinks of ``derived`` that raw data entering it goes on to reach, in design order;
    never the entry itself, even when a cycle leads back into it. The walk does not go beyond the blocks of
    ``stop`` (other than the entries themselves).

    Reach is computed once for all entries, as bit masks over the sinks merged over the strongly connected
    components of the flow (Tarjan's algorithm, iterative): linear in the graph, not one walk per entry.
    """
    sinks = sorted(derived, key=block_order(ctx).__getitem__)
    bit = {b: 1 << i for i, b in enumerate(sinks)}
    succ: dict[str, list[str]] = {}
    starts = frozenset(entries)

    def successors(node: str) -> list[str]:
        found = succ.get(node)
        if found is None:
            found = succ[node] = (
                [] if ctx.kind_of[node] in HALT_KINDS or (node in stop and node not in starts)
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
        reach = mask[entry] & ~bit.get(entry, 0)
        # bit i set -> sinks[i]: the mask's binary digits, lowest first, as a 0/1 selector (C speed)
        out[entry] = tuple(compress(sinks, bin(reach)[:1:-1].encode().translate(_BINARY_DIGITS))) if reach else ()
    return out


_BINARY_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


@dataclass(frozen=True)
class Cause:
    """One SEC-4 finding: the leaks one missing anonymizer after ``roots`` explains (``roots`` is empty for a
    single leak, whose own origins are named)."""

    roots: tuple[str, ...]
    leaks: tuple[_Leak, ...]


def roots(ctx: Context, flow: PiiFlow) -> list[str]:
    """The pii blocks personal data starts from, in design order: those no raw personal data reaches from
    another block (a pii block fed by one holds a copy). pii blocks that only feed each other round a cycle
    have no root among them; their leaks are then reported one by one, as before grouping."""
    return [s for s in flow.seeds
            if not any(e.source != s and carries(ctx, e) and flow.carrier(ctx, e.source)
                       for e in ctx.in_edges.get(s, ()))]


def group_by_root(ctx: Context, flow: PiiFlow, leaks: list[_Leak]) -> list[Cause]:
    """The leaks grouped by the pii blocks their data starts from (``roots``): leaks whose entries one root
    reaches (without going through another sink) are one cause, since one anonymizer on the flow out of that
    root protects all of them; leaks sharing no root stay apart. Groups follow the order of their first leak.
    """
    sinks = {b for leak in leaks for b in (leak.entry, *leak.downstream)}
    entries = {leak.entry for leak in leaks}
    starts = roots(ctx, flow)
    reach = _sinks_downstream(ctx, starts, sinks | entries, stop=frozenset(sinks))
    parent = {e: e for e in entries}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sources: dict[str, list[str]] = {e: [] for e in entries}
    for r in starts:
        hit = [b for b in reach[r] if b in entries]
        for b in hit:
            sources[b].append(r)
            parent[find(b)] = find(hit[0])
    grouped: dict[str, list[_Leak]] = {}
    for leak in leaks:
        grouped.setdefault(find(leak.entry), []).append(leak)
    position = block_order(ctx)
    return [
        Cause(tuple(sorted({r for leak in group for r in sources[leak.entry]}, key=position.__getitem__))
              if len(group) > 1 else (), tuple(group))
        for group in grouped.values()
    ]


SINKS_SHOWN = 5  # further sinks named in a SEC-4 message; more are counted
ORIGINS_SHOWN = 5  # pii blocks named in a SEC-4 message; more are counted
# how to anonymise on the way into each kind of sink (SEC-4's fix); DP-SGD is offered for training only
_ANONYMISE_FOR: dict[str, str] = {
    "logging": "pseudonymise or tokenise before logging (log a token or salted hash of the user id, not the id) "
               "and drop the fields the log does not need",
    "online_feature_store": "key the features by a pseudonymous id (a token or salted hash of the user id) and "
                            "drop raw identifiers",
    "labeling": "show labelers only what the label needs (strip ids, names, contact details, and text or images "
                "that identify people)",
    "training_pipeline": "drop or hash identifiers and generalise quasi-identifiers in the training data; or "
                         "train with DP-SGD (epsilon on the training block)",
    "data_lake": "land pseudonymous events (a token or salted hash in place of user ids; no names, emails or "
                 "addresses) and keep the re-identification key elsewhere",
}
_ANONYMISE_FOR["offline_feature_store"] = _ANONYMISE_FOR["embedding_store"] = _ANONYMISE_FOR["online_feature_store"]
_ANONYMISE_FOR["hyperparameter_tuning"] = _ANONYMISE_FOR["training_pipeline"]
_ANONYMISE_FOR["data_warehouse"] = _ANONYMISE_FOR["hdfs"] = _ANONYMISE_FOR["data_lake"]
_ANONYMISE_DEFAULT = "drop or hash identifiers and generalise quasi-identifiers (birth date, postcode) on the way in"
_PURPOSE_CONTROLS = ("declare pii_purpose on it with access control, encryption at rest, a retention period and "
                     "audit_logged")


def cause_hit(ctx: Context, cause: Cause) -> Hit:
    """SEC-4's finding for one cause: one leak as itself, several as one missing anonymizer after their roots.

    The finding points at the sinks where the raw data first enters (an anonymizer belongs in front of each, or
    after the pii blocks the message names) and at the connections that bring it in; the sinks further on are
    counted and the first few named in the message, not pointed at: they grow with everything the data reaches,
    and pointing at fewer blocks keeps every waiver written for the finding accepting it (a waiver must name
    all of a finding's blocks)."""
    if len(cause.leaks) == 1:
        return leak_hit(ctx, cause.leaks[0])
    entries = [leak.entry for leak in cause.leaks]
    further = [b for b in dict.fromkeys(b for leak in cause.leaks for b in leak.downstream) if b not in entries]
    roots = counted([name(ctx, r) for r in cause.roots[:ORIGINS_SHOWN]], len(cause.roots), "pii block")
    shown = [f"{name(ctx, b)} ({ctx.kind_of[b]}) by {leak.routes[0]}"
             for leak, b in zip(cause.leaks[:SINKS_SHOWN], entries, strict=False)]
    message = (
        f"Personal data from {roots} reaches {len(entries)} ML and analytics sinks without an anonymizer or "
        f"differential-privacy step: {counted(shown, len(entries), 'sink', sep='; ')}."
    )
    if further:
        n = len(further)
        sinks = counted([f"{name(ctx, b)} ({ctx.kind_of[b]})" for b in further[:SINKS_SHOWN]], n, "sink")
        message += f" From there it reaches {n} more sink{'' if n == 1 else 's'}: {sinks}."
    total = len(entries) + len(further)
    dp = (" A training block can instead train with DP-SGD (epsilon on the block)."
          if any(ctx.kind_of[b] in TRAINING_KINDS for b in entries) else "")
    fix = (
        f"Pseudonymise once, where the data comes in: an anonymizer on the flow out of {roots} (a token or salted "
        f"hash in place of user, account or card ids; drop the fields no sink needs) protects all {total} sinks; "
        f"or put one on each flow into {and_join([name(ctx, b) for b in entries[:SINKS_SHOWN]])}"
        f"{'' if len(entries) <= SINKS_SHOWN else ' and the others'}.{dp} A sink that needs the identity for "
        f"its purpose (dispute evidence, a detector that must see faces) can instead {_PURPOSE_CONTROLS}."
    )
    connections = tuple(e.id for leak in cause.leaks for e in leak.edges)
    return Hit(message, components=tuple(entries), connections=connections, fix=fix)


def leak_hit(ctx: Context, leak: _Leak) -> Hit:
    entry = ctx.blocks[leak.entry]
    origins = counted([name(ctx, o) for o in leak.origins[:ORIGINS_SHOWN]], len(leak.origins), "pii block")
    message = (
        f"Personal data from {origins} reaches {name(ctx, entry.id)} ({entry.kind}) without an anonymizer or "
        f"differential-privacy step: {counted(list(leak.routes), len(leak.edges), 'route', sep='; ')}."
    )
    fix = (f"Put an anonymizer or a differential_privacy step on the flow into {name(ctx, entry.id)}: "
           f"{_ANONYMISE_FOR.get(entry.kind, _ANONYMISE_DEFAULT)}.")
    if leak.downstream:
        n = len(leak.downstream)
        sinks = counted([f"{name(ctx, b)} ({ctx.kind_of[b]})" for b in leak.downstream[:SINKS_SHOWN]], n, "sink")
        message += f" From there it reaches {n} more sink{'' if n == 1 else 's'}: {sinks}."
        fix += f" Placed there, it protects {'the sink' if n == 1 else f'the {n} sinks'} after it too."
    fix += f" If {name(ctx, entry.id)} needs the identity for its purpose, {_PURPOSE_CONTROLS} instead."
    return Hit(message, components=(leak.entry,), connections=tuple(e.id for e in leak.edges), fix=fix)
