"""What to simulate: the ciw nodes (one per shard of a queued tier), each entry's call tree flattened into visits,
the routes requests take through ciw, and a replication's timing (warm-up, window, drain)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from mlsd.analysis.capacity import TierState
from mlsd.analysis.distributions import sojourn_quantile
from mlsd.analysis.latency import Row
from mlsd.analysis.network import LoadModel
from mlsd.analysis.paths import Graph
from mlsd.analysis.service import Service

REQUESTS_PER_REPLICATION = 2_000  # aimed at for the entry with the least traffic
MAX_REQUESTS_PER_REPLICATION = 25_000  # all entries together (the window shrinks to fit)
WARMUP_RELAXATIONS = 3.0
WINDOW_RELAXATIONS = 50.0
NO_QUEUE_P_WAIT = 1e-3  # a tier where fewer requests wait than this has no queue to warm up
DRAIN_FACTOR = 20.0  # a replication stops at the latest this many p99s after its window (safety net)
MAX_SLOTS = 2_000  # visits in one entry's call tree (a DAG of sequential diamonds grows exponentially)
MAX_CELLS = 4_000_000  # requests × visits held per replication (the window shrinks to fit; 32 MB)


@dataclass
class Tier:
    """One ciw node: a shard of a queued tier."""

    block: int
    servers: int
    occupancy_mu: float  # ln ms of the occupancy lognormal (declared service scaled to the capacity)
    sigma: float
    timed: bool
    occupancy_ms: float  # mean occupancy
    latency_scale: float  # declared service time per unit of occupancy (0 for a block without latency)
    hedge_ms: float | None
    relaxation_ms: float  # time for its queue to settle (0 when it hardly queues)


@dataclass
class Tree:
    """One entry's call tree, flattened in call order: each slot is one visit of one block."""

    entry: int
    rate_per_ms: float
    blocks: list[int]
    end: list[int]  # slot after each slot's subtree
    kids: list[list[int]]
    parallel: list[bool]
    cache: list[float]  # hit rate of a slot that skips its callees on a hit (0: calls them always)
    nodes: list[tuple[int, ...]]  # ciw nodes visited for each slot (one per shard; empty: not simulated by ciw)
    saturated: bool
    first: int | None = None  # the ciw node every request enters at (None: a pass-through entry node)
    fixed_route: list[int] | None = None  # the route when nothing in it is random
    fixed_slots: list[int] | None = None
    visits_ciw: bool = False
    pass_through: int = 0  # ciw node id of the pass-through entry node when ``first`` is None


@dataclass
class Plan:
    """What one load of a design sends through the simulation, and how long a replication runs."""

    trees: list[Tree]
    tiers: list[Tier]  # ciw node i + 1 is tiers[i]; the pass-through node, if any, comes last
    services: Sequence[Service | None]
    states: dict[int, TierState]
    model_p99: dict[int, float | None]
    warmup_ms: float
    window_ms: float
    drain_ms: float
    needs_pass_through: bool = False
    fills: dict[int, float] = field(default_factory=dict)  # batch fill (ms) of batching tiers


def _flatten(g: Graph, entry: int) -> tuple[list[int], list[int], list[list[int]]]:
    blocks: list[int] = []
    end: list[int] = []
    kids: list[list[int]] = []
    stack: list[tuple[int, int]] = [(entry, -1)]  # (block, parent slot)
    order: list[int] = []
    while stack:
        v, parent = stack.pop()
        slot = len(blocks)
        if slot >= MAX_SLOTS:
            raise ValueError(f"the call tree of {g.ids[entry]} has more than {MAX_SLOTS:,} visits; too large to "
                             "simulate request by request")
        blocks.append(v)
        end.append(0)
        kids.append([])
        order.append(parent)
        if parent >= 0:
            kids[parent].append(slot)
        stack.extend((w, slot) for w in reversed(g.kids[v]))
    for slot in range(len(blocks) - 1, -1, -1):  # children come after their parent in pre-order
        end[slot] = max([slot + 1, *(end[k] for k in kids[slot])])
    return blocks, end, kids


def _relaxation_ms(occupancy_ms: float, servers: int, rho: float, p_wait: float) -> float:
    if p_wait < NO_QUEUE_P_WAIT:
        return 0.0
    gap = servers * (1.0 - math.sqrt(rho)) ** 2
    return occupancy_ms * max(1.0, 1.0 / gap) if gap > 0 else math.inf


def make_plan(m: LoadModel, load: float) -> Plan:
    """The plan of the load model ``m`` at ``load`` × its peak."""
    g = m.graph
    rates = m.rates(load)
    states = m.states(rates)
    svcs = m.services
    entries = [e for e in g.entries if m.entry_rates.get(e, 0.0) * load > 0]
    latency, _ = m.latency([Row(states)], entries)
    model_p99 = {e: latency[e][0].p99_ms for e in entries}
    tiers: list[Tier] = []
    node_of: dict[int, tuple[int, ...]] = {}
    trees: list[Tree] = []
    fills: dict[int, float] = {}
    for e in entries:
        blocks, end, kids = _flatten(g, e)
        saturated = any((st := states.get(v)) is not None and st.saturated and rates[v] > 0 for v in blocks)
        nodes: list[tuple[int, ...]] = []
        for v in blocks:
            s, st = svcs[v], states.get(v)
            if s is None or st is None or st.saturated or rates[v] <= 0:
                nodes.append(())
                continue
            if v not in node_of:
                node_of[v] = tuple(_add_tier(tiers, v, s, st) for _ in range(s.shards))
                if st.batch_fill_ms > 0:
                    fills[v] = st.batch_fill_ms
            nodes.append(node_of[v])
        parallel = [(s := svcs[v]) is not None and s.parallel for v in blocks]
        cache = [(s.hit_rate if (s := svcs[v]) is not None and g.kids[v] else 0.0) for v in blocks]
        trees.append(Tree(e, m.entry_rates[e] * load / 1000.0, blocks, end, kids, parallel, cache, nodes,
                           saturated))
    plan = Plan(trees, tiers, svcs, states, model_p99, 0.0, 0.0, 0.0, fills=fills)
    _routes(plan)
    _timing(plan)
    return plan


def _add_tier(tiers: list[Tier], v: int, s: Service, st: TierState) -> int:
    capacity_per_ms = st.capacity / 1000.0
    occupancy = st.servers / capacity_per_ms  # mean ms a server is held per request, so c / occupancy = capacity
    rho = st.rate / st.capacity
    hedge = sojourn_quantile(0.95, s.mu, s.sigma, st.p_wait, st.theta_per_ms) if s.hedged and s.timed else None
    if s.timed:
        scale = occupancy / s.mean_ms
        tiers.append(Tier(v, st.servers, s.mu + math.log(scale), s.sigma, True, occupancy, 1.0 / scale, hedge,
                           _relaxation_ms(occupancy, st.servers, rho, st.p_wait)))
    else:
        tiers.append(Tier(v, st.servers, 0.0, 0.0, False, occupancy, 0.0, hedge,
                           _relaxation_ms(occupancy, st.servers, rho, st.p_wait)))
    return len(tiers)  # ciw numbers nodes from 1


def _routes(plan: Plan) -> None:
    """Where each entry's requests enter ciw, and the route when it is always the same."""
    for t in plan.trees:
        ciw_slots = [i for i, nodes in enumerate(t.nodes) if nodes]
        t.visits_ciw = bool(ciw_slots)
        before = [0]  # ciw slots before each slot, to ask "does this subtree reach ciw?" in O(1)
        for nodes in t.nodes:
            before.append(before[-1] + (1 if nodes else 0))
        randomised = any(t.cache[i] > 0 and before[t.end[i]] > before[i + 1] for i in range(len(t.blocks)))
        if not ciw_slots:
            continue
        first = ciw_slots[0]
        # the first ciw visit is certain unless a cache above it can skip it
        above = [i for i in range(first) if t.end[i] > first]
        if all(t.cache[i] == 0 for i in above):
            t.first = t.nodes[first][0]
        else:
            plan.needs_pass_through = True
        if not randomised:
            route: list[int] = []
            slots: list[int] = []
            for i in ciw_slots:
                route.extend(t.nodes[i])
                slots.extend([i] * len(t.nodes[i]))
            t.fixed_route, t.fixed_slots = route, slots
    if plan.needs_pass_through:
        for t in plan.trees:
            if t.visits_ciw and t.first is None:
                t.pass_through = len(plan.tiers) + 1


def _timing(plan: Plan) -> None:
    live = [t for t in plan.trees if t.visits_ciw]
    if not live:
        return
    relax = max([t.relaxation_ms for t in plan.tiers], default=0.0)
    longest = max([t.occupancy_ms for t in plan.tiers], default=0.0)
    plan.warmup_ms = max(WARMUP_RELAXATIONS * relax, longest)
    slowest = min(t.rate_per_ms for t in live)
    total = sum(t.rate_per_ms for t in live)
    cells = sum(t.rate_per_ms * len(t.blocks) for t in live)
    window = max(REQUESTS_PER_REPLICATION / slowest, WINDOW_RELAXATIONS * relax)
    plan.window_ms = min(window, MAX_REQUESTS_PER_REPLICATION / total, MAX_CELLS / cells)
    p99s = [p for t in live if (p := plan.model_p99.get(t.entry)) is not None]
    plan.drain_ms = DRAIN_FACTOR * max([*p99s, longest, 1.0])

