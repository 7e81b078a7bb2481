"""A discrete-event simulation of the design's network of queues with ciw, to check the closed forms against.

Here "component" means a placed block of a design (``mlsd.model.Component``).

What it models (the same network the analysis reasons about, ``network.LoadModel``, at ``load`` × the peak):
- Every queued tier (``Service.queued``: self-run, with a known throughput) that a request can reach is one ciw
  node per shard, FCFS, with ``replicas × Service.servers`` servers (the replicas running at that load, autoscaling
  included: ``capacity.tier_states``). Nothing else is a ciw node: ciw's cost per event grows with the nodes.
- Requests arrive as Poisson streams at every serving entry at ``load`` × its rate (``traffic``) and follow their
  call tree (``paths``) as a fixed ciw route (``ciw.routing.ProcessBased``): a block's own visit first, then its
  calls in call order; a cache draws a hit with its ``hit_rate`` and then skips its callees; a block reached twice
  is visited twice. ciw has no fork-join, so the branches of a parallel block are visited one after another
  (every tier still gets its load, a request's later branches just reach their tiers a little later); each
  request's visits are then combined along its call tree like the analysis does: callees' times added for a
  sequential block, the slowest taken for a parallel one, the slowest shard for a sharded tier.
- Service: the lognormal of the block's light-load latency (``Service.mu``/``sigma``, ln ms; work per item
  included). Capacity: the analysis takes a tier's capacity to be exactly ``replicas × qps_per_replica`` and its
  servers from Little's law rounded (``queueing.servers_per_replica``), so ``servers / E[S]`` is in general not the
  capacity (a replica declared at 100 req/s with a 1 ms latency is one server busy 10 ms per request, not 1 ms).
  The simulation keeps both: a server is *occupied* for the declared service time scaled by
  ``servers / (capacity · E[S])`` (same lognormal shape, so the same cs² as Allen–Cunneen uses), which gives the
  tier exactly the analysis's capacity, and the latency a request records is its wait (ciw's ``waiting_time``)
  plus its *declared* service time (ciw's ``service_time`` scaled back). A queued block with no latency is
  occupied ``servers / capacity`` per request (deterministic) and records its wait only.
- Blocks that are not queues (clients, managed services, blocks without a throughput) add their service time
  drawn with numpy (seeded): the lognormal, or for a sharded block the slowest of its shards drawn from the
  analysis's per-shard distribution (``latency.shard_times``), exactly as the analysis does.
- Hedged requests (``hedged_requests``) on a queued tier: when a visit took longer than the tier's p95 sojourn
  at that load (``distributions.sojourn_quantile``), the request visits the tier a second time (the backup) and
  keeps ``min(T₁, p95 + T₂)``; the backup's extra load is real (about 5%).
- Saturated tiers (utilisation ≥ 1 at this load, ``TierState.saturated``) are not simulated (their queue only
  grows): the paths through them report no p99, as the analysis does; their requests still load the other tiers
  they reach, so the paths sharing those tiers see the load the analysis gives them.

Output analysis: each replication starts empty, runs a warm-up that is discarded, then records the requests that
arrive in its window; arrivals stop at the window's end and the run drains, so the slow requests of the window are
kept, not cut off (one still running ``DRAIN_FACTOR`` p99s later counts with its time so far). A tier's relaxation
time is ``E[occupancy] · max(1, 1/(c·(1 − √ρ)²))``, i.e. the inverse of M/M/c's decay rate ``(√(c·mu) − √lam)²``
when that is below mu (Morse 1955 for one server; van Doorn 1981 for birth–death queues); a tier where fewer than
``NO_QUEUE_P_WAIT`` of the requests wait has nothing to settle. The warm-up is ``WARMUP_RELAXATIONS`` relaxation
times of the slowest tier, at least the longest mean occupancy. The window holds about ``REQUESTS_PER_REPLICATION``
requests of the entry with the least traffic and at least ``WINDOW_RELAXATIONS`` relaxation times: near saturation
a shorter window makes each replication's p99 a skewed draw (a few long busy periods or none), and its Student's t
interval too narrow (one server at ρ = 0.9: with 20 relaxation times per window the p99s of five seeds spread 2.3×
wider than their intervals claimed; with 50, as wide). The p99 of each replication is one observation; the reported
p99 pools all replications' requests; its 95% confidence interval is Student's t over the replications' p99s
(independent replications: Law, Simulation Modeling and Analysis, ch. 9). Replications run until every path's CI
half-width is within ``target_ci`` of its p99, after at least ``MIN_REPLICATIONS`` (fewer leave the interval
itself too uncertain), or until the next one would not fit in the time budget (the first always runs).

What it simplifies (``NOTE``): parallel branches are visited one after another (the load is right, the arrival
instants at later branches are shifted); a dynamic batcher's fill wait is drawn as the analysis draws it (uniform
up to the longest fill) rather than batching requests; a hedged backup is sent when the first answer returns
late rather than at the p95 mark; a shard is its own queue fed by every request.

Speed: ciw's ``Node`` looks for the next end of service by scanning every server of every node after every event,
so one event costs the total number of servers (~4,700 on designs/video_recommendations.json: a replication took
10× longer, 90% of it in that scan). ``_FastNode`` and ``_FastServer`` keep a heap of the end-of-service dates and
a stack of free servers; the event loop, routing, distributions and records are ciw's. tests/test_simulation.py
checks that a seeded run gives the same records as ciw's own ``Node``. ciw draws from Python's global ``random``:
runs are serialised by a lock and the global state is restored afterwards, so a seed gives the same result
whatever else runs.

Sources: ciw (Palmer, Knight, Harper, Tuson, "Ciw: An open-source discrete event simulation library", Journal of
Simulation 13(1), 2019); research/load-models.md (what the closed form reaches against ciw).
"""

from __future__ import annotations

import heapq
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ciw
import numpy as np
import numpy.typing as npt

from mlsd.analysis.capacity import TierState
from mlsd.analysis.distributions import sojourn_quantile
from mlsd.analysis.latency import Row, shard_times
from mlsd.analysis.network import Analysis, LoadModel
from mlsd.analysis.paths import Graph
from mlsd.analysis.service import Service

NOTE = ("ciw discrete-event simulation of the same queues (FCFS, Poisson arrivals, lognormal service, capacity as "
        "declared); parallel branches are visited one after another and combined per request (slowest branch), "
        "batch fill waits are drawn as in the analysis, and hedged backups leave when the first answer is late.")
MAX_LATENCIES = 5_000  # end-to-end latencies returned per path (for a histogram)
REQUESTS_PER_REPLICATION = 2_000  # aimed at for the entry with the least traffic
MAX_REQUESTS_PER_REPLICATION = 25_000  # all entries together (the window shrinks to fit)
MIN_REPLICATIONS = 8  # before a confidence interval may count as converged
MAX_REPLICATIONS = 200
WARMUP_RELAXATIONS = 3.0
WINDOW_RELAXATIONS = 50.0
NO_QUEUE_P_WAIT = 1e-3  # a tier where fewer requests wait than this has no queue to warm up
DRAIN_FACTOR = 20.0  # a replication stops at the latest this many p99s after its window (safety net)
MAX_SLOTS = 2_000  # visits in one entry's call tree (a DAG of sequential diamonds grows exponentially)
MAX_CELLS = 4_000_000  # requests × visits held per replication (the window shrinks to fit; 32 MB)
# Student's t, 0.975 quantile, for 1..30 degrees of freedom (then the normal's 1.96 within 2%)
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[float, str], None]
_LOCK = threading.Lock()


@dataclass(frozen=True)
class SimulatedPath:
    """One entry's end-to-end latency in the simulation, beside the analysis's."""

    entry: str
    requests: int  # requests recorded after warm-up, over all replications
    p50_ms: float | None
    p99_ms: float | None  # None when a tier is saturated at this load
    p99_ci_ms: float | None  # half-width of the 95% confidence interval of the p99 over replications
    model_p99_ms: float | None  # the analysis's own p99 at the same load, for comparison
    latencies_ms: tuple[float, ...]  # up to 5,000 end-to-end latencies (for a histogram)


@dataclass(frozen=True)
class SimulationResult:
    """A simulation run of a design at one load (see the module docstring)."""

    load: float
    seed: int
    replications: int
    seconds: float  # wall time
    simulated_seconds: float
    paths: tuple[SimulatedPath, ...]
    converged: bool  # every path's p99 CI within target_ci of its p99
    note: str  # what the simulation simplifies, in one or two sentences


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` ≥ 1 degrees of freedom (1.96 beyond 30)."""
    if df < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    return T975[df - 1] if df <= len(T975) else 1.96


# ---- ciw, made fast for many servers (same behaviour) ------------------------------------------------------------


class _FastServer(ciw.Server):  # type: ignore[misc]
    """A ciw server that files its end-of-service date in its node's heap when one is set."""

    def __init__(self, node: Any, id_number: int, start_date: float = 0.0) -> None:
        self._end = math.inf
        self._tick = 0
        super().__init__(node, id_number, start_date)

    @property
    def next_end_service_date(self) -> float:
        return self._end

    @next_end_service_date.setter
    def next_end_service_date(self, value: float) -> None:
        self._end = value
        if value != math.inf:
            node = self.node
            node._tick += 1
            self._tick = node._tick
            heapq.heappush(node._ends, (value, node._tick, self))


class _FastNode(ciw.Node):  # type: ignore[misc]
    """A ciw node (FCFS, no schedules, reneging, priorities or blocking) that finds its next end of service in a heap
    and a free server on a stack, instead of scanning every server after every event of the simulation."""

    next_individual: Any

    def __init__(self, id_: int, simulation: Any) -> None:
        self._ends: list[tuple[float, int, _FastServer]] = []
        self._tick = 0
        self._newcomer: Any = None
        super().__init__(id_, simulation)
        if self.schedule is not None or self.reneging or self.dynamic_classes or math.isinf(self.c):
            raise ValueError("_FastNode models a plain FCFS node with a fixed number of servers")
        self._free: list[_FastServer] = list(reversed(self.servers))

    def accept(self, next_individual: Any, completed: bool = False) -> None:
        self._newcomer = next_individual
        super().accept(next_individual, completed)
        self._newcomer = None

    def choose_next_customer(self) -> Any:
        waiting = self.number_of_individuals - self.number_in_service
        if waiting <= 0 or not self._free:
            return None  # nobody waits, or nobody can start: ciw would start no service either
        if waiting == 1 and self._newcomer is not None:
            return self._newcomer  # the only one waiting is the one arriving
        return super().choose_next_customer()

    def find_free_server(self, ind: Any) -> Any:
        return self._free[-1] if self._free else None

    def attach_server(self, server: Any, individual: Any) -> None:
        free = self._free
        if free and free[-1] is server:
            free.pop()
        else:
            free.remove(server)
        super().attach_server(server, individual)

    def detatch_server(self, server: Any, individual: Any) -> None:  # ciw's spelling
        super().detatch_server(server, individual)
        self._free.append(server)

    def update_next_event_date(self) -> None:
        heap = self._ends
        while heap:
            date, tick, server = heap[0]
            if server._tick == tick and server._end == date:
                self.next_event_date = date
                self.next_individual = [server.cust]
                self.next_event_type = "end_service"
                return
            heapq.heappop(heap)  # a service that has ended since
        self.next_event_date = math.inf
        self.next_individual = None
        self.next_event_type = "end_service"


class _Arrivals(ciw.dists.Distribution):  # type: ignore[misc]
    """Poisson arrivals at ``rate`` per ms that stop at ``stop`` ms (the replication then drains)."""

    def __init__(self, rate: float, stop: float) -> None:
        self.rate = rate
        self.stop = stop

    def sample(self, t: float | None = None, ind: Any = None) -> float:
        if t is not None and t >= self.stop:
            return math.inf
        return random.expovariate(self.rate)


class _Router(ciw.routing.ProcessBased):  # type: ignore[misc]
    """The fixed route of each request, with a backup visit after a late answer at a hedged tier."""

    def __init__(self, route: Callable[[Any, Any], list[int]], hedge_ms: dict[int, float],
                 latency_scale: dict[int, float]) -> None:
        super().__init__(route)
        self.hedge_ms = hedge_ms
        self.latency_scale = latency_scale

    def next_node(self, ind: Any, node_id: int) -> Any:
        d = self.hedge_ms.get(node_id)
        if d is not None:
            if ind.sim_backup:
                ind.sim_backup = False
            else:
                took = (ind.service_start_date - ind.arrival_date
                        + (ind.service_end_date - ind.service_start_date) * self.latency_scale[node_id])
                if took > d:
                    ind.sim_backup = True
                    ind.sim_backups.add(len(ind.data_records) + 1)  # this visit's record comes first
                    return self.simulation.nodes[node_id]
        return super().next_node(ind, node_id)


# ---- the network to simulate ------------------------------------------------------------------------------------


@dataclass
class _Tier:
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
class _Tree:
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
class _Plan:
    trees: list[_Tree]
    tiers: list[_Tier]  # ciw node i + 1 is tiers[i]; the pass-through node, if any, comes last
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


def _plan(m: LoadModel, load: float) -> _Plan:
    g = m.graph
    rates = m.rates(load)
    states = m.states(rates)
    svcs = m.services
    entries = [e for e in g.entries if m.entry_rates.get(e, 0.0) * load > 0]
    latency, _ = m.latency([Row(states)], entries)
    model_p99 = {e: latency[e][0].p99_ms for e in entries}
    tiers: list[_Tier] = []
    node_of: dict[int, tuple[int, ...]] = {}
    trees: list[_Tree] = []
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
        trees.append(_Tree(e, m.entry_rates[e] * load / 1000.0, blocks, end, kids, parallel, cache, nodes,
                           saturated))
    plan = _Plan(trees, tiers, svcs, states, model_p99, 0.0, 0.0, 0.0, fills=fills)
    _routes(plan)
    _timing(plan)
    return plan


def _add_tier(tiers: list[_Tier], v: int, s: Service, st: TierState) -> int:
    capacity_per_ms = st.capacity / 1000.0
    occupancy = st.servers / capacity_per_ms  # mean ms a server is held per request, so c / occupancy = capacity
    rho = st.rate / st.capacity
    hedge = sojourn_quantile(0.95, s.mu, s.sigma, st.p_wait, st.theta_per_ms) if s.hedged and s.timed else None
    if s.timed:
        scale = occupancy / s.mean_ms
        tiers.append(_Tier(v, st.servers, s.mu + math.log(scale), s.sigma, True, occupancy, 1.0 / scale, hedge,
                           _relaxation_ms(occupancy, st.servers, rho, st.p_wait)))
    else:
        tiers.append(_Tier(v, st.servers, 0.0, 0.0, False, occupancy, 0.0, hedge,
                           _relaxation_ms(occupancy, st.servers, rho, st.p_wait)))
    return len(tiers)  # ciw numbers nodes from 1


def _routes(plan: _Plan) -> None:
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


def _timing(plan: _Plan) -> None:
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


# ---- one replication ---------------------------------------------------------------------------------------------


@dataclass
class _Replica:
    latencies: dict[int, FloatArray]  # by entry
    simulated_ms: float


def _network(plan: _Plan, rng: random.Random) -> tuple[Any, list[Any], dict[str, _Tree]]:
    trees = [t for t in plan.trees if t.visits_ciw]
    n_nodes = len(plan.tiers) + (1 if plan.needs_pass_through else 0)
    stop = plan.warmup_ms + plan.window_ms
    names = {f"e{i:04d}": t for i, t in enumerate(trees)}
    service: list[Any] = []
    for tier in plan.tiers:
        if tier.timed:
            service.append(ciw.dists.Lognormal(tier.occupancy_mu, tier.sigma))
        else:
            service.append(ciw.dists.Deterministic(tier.occupancy_ms))
    servers: list[Any] = [tier.servers for tier in plan.tiers]
    if plan.needs_pass_through:
        service.append(ciw.dists.Deterministic(0.0))
        servers.append(math.inf)
    hedge = {i + 1: tier.hedge_ms for i, tier in enumerate(plan.tiers) if tier.hedge_ms is not None}
    scale = {i + 1: tier.latency_scale for i, tier in enumerate(plan.tiers)}

    def route(ind: Any, sim: Any) -> list[int]:
        t = names[ind.customer_class]
        ind.sim_backup = False
        ind.sim_backups = set()
        if t.fixed_route is not None:
            ind.sim_slots, ind.sim_hits = t.fixed_slots, ()
            visits = list(t.fixed_route)
        else:
            visits, slots, hits = [], [], []
            i, n = 0, len(t.blocks)
            while i < n:
                nodes = t.nodes[i]
                if nodes:
                    visits.extend(nodes)
                    slots.extend([i] * len(nodes))
                if t.cache[i] > 0 and rng.random() < t.cache[i]:
                    hits.append(i)
                    i = t.end[i]
                else:
                    i += 1
            ind.sim_slots, ind.sim_hits = slots, tuple(hits)
        return visits if t.first is None else visits[1:]

    arrivals: dict[str, list[Any]] = {}
    routing: dict[str, Any] = {}
    for name, t in names.items():
        at: list[Any] = [None] * n_nodes
        at[(t.first if t.first is not None else t.pass_through) - 1] = _Arrivals(t.rate_per_ms, stop)
        arrivals[name] = at
        routing[name] = _Router(route, hedge, scale)
    network = ciw.create_network(arrival_distributions=arrivals,
                                 service_distributions={name: service for name in names},
                                 number_of_servers=servers, routing=routing)
    node_classes: list[Any] = [_FastNode] * len(plan.tiers) + ([ciw.Node] if plan.needs_pass_through else [])
    return network, node_classes, names


def _run(plan: _Plan, seed: int, replication: int) -> tuple[Any, dict[str, _Tree], np.random.Generator]:
    """One replication's ciw run (None when no path goes through a queue), its classes, and the numpy generator
    of the draws made outside ciw; all seeded from (seed, replication)."""
    state = np.random.SeedSequence([seed, replication]).generate_state(3)
    np_rng = np.random.default_rng(int(state[0]))
    if not any(t.visits_ciw for t in plan.trees):
        return None, {}, np_rng
    network, node_classes, names = _network(plan, random.Random(int(state[1])))
    ciw.seed(int(state[2]))
    sim = ciw.Simulation(network, node_class=node_classes, server_class=_FastServer)
    sim.simulate_until_max_time(plan.warmup_ms + plan.window_ms + plan.drain_ms)
    return sim, names, np_rng


def _replicate(plan: _Plan, seed: int, replication: int) -> _Replica:
    window = (plan.warmup_ms, plan.warmup_ms + plan.window_ms)
    cap = window[1] + plan.drain_ms
    runs: dict[int, _Requests] = {}  # by entry, for the paths that go through ciw
    simulated = window[1]
    sim, names, np_rng = _run(plan, seed, replication)
    if sim is not None:
        by_class: dict[str, list[Any]] = {name: [] for name, t in names.items() if not t.saturated}
        for ind in sim.get_all_individuals():
            recs = ind.data_records
            spawn = recs[0].arrival_date if recs else ind.arrival_date
            if window[0] <= spawn < window[1] and ind.customer_class in by_class:
                by_class[ind.customer_class].append(ind)
        for name, inds in by_class.items():
            t = names[name]
            inds.sort(key=lambda x: x.id_number)
            censored = np.full(len(inds), np.nan)
            got = _Requests(np.zeros((len(inds), len(t.blocks))), [], censored)
            skip = 1 if t.first is None else 0
            for row, ind in enumerate(inds):
                got.hits.append(ind.sim_hits)
                recs = ind.data_records
                if ind.node != -1:  # still running when the run stopped: at least as slow as its time so far
                    censored[row] = cap - (recs[0].arrival_date if recs else ind.arrival_date)
                    continue
                simulated = max(simulated, recs[-1].exit_date)
                _visits(plan, ind, recs, skip, got.own[row])
            runs[t.entry] = got
    out: dict[int, FloatArray] = {}
    for t in plan.trees:
        if t.saturated:
            continue
        got = runs.get(t.entry) or _Requests(np.zeros((_count(t, plan), len(t.blocks))), [], None)
        out[t.entry] = _combine(plan, t, got, np_rng)
    return _Replica(out, simulated)


def _count(t: _Tree, plan: _Plan) -> int:
    """Requests of a path that reaches no queue: as many as its window holds (ciw not needed)."""
    if plan.window_ms > 0:
        return max(1, round(t.rate_per_ms * plan.window_ms))
    return max(1, min(REQUESTS_PER_REPLICATION, MAX_CELLS // len(t.blocks)))


@dataclass
class _Requests:
    own: FloatArray  # (requests, slots): each visit's own time (ciw's visits filled in, the rest 0 so far)
    hits: list[tuple[int, ...]]  # cache slots that hit, per request, when ciw's route drew them
    censored: FloatArray | None  # time so far of a request still running at the end (NaN for the others)


def _visits(plan: _Plan, ind: Any, recs: Sequence[Any], skip: int, row: FloatArray) -> None:
    """A completed request's ciw visits as the own time of each slot (the slowest shard's for a sharded tier)."""
    tiers = plan.tiers
    backups = ind.sim_backups
    p = skip
    for slot in ind.sim_slots:
        rec = recs[p]
        tier = tiers[rec.node - 1]
        took = rec.waiting_time + rec.service_time * tier.latency_scale
        p += 1
        if p in backups:  # the backup of a hedged visit: the first answer wins
            rec = recs[p]
            took = min(took, tier.hedge_ms + rec.waiting_time + rec.service_time * tier.latency_scale)
            p += 1
        if took > row[slot]:
            row[slot] = took


def _combine(plan: _Plan, t: _Tree, got: _Requests, rng: np.random.Generator) -> FloatArray:
    """End-to-end latency of each request: own times (ciw's, or drawn here for blocks that are not queues) combined
    along the call tree."""
    own = got.own
    n, slots = int(own.shape[0]), int(own.shape[1])
    if n == 0:
        return np.zeros(0)
    for i, v in enumerate(t.blocks):
        s = plan.services[v]
        if s is None:
            continue
        if t.nodes[i]:
            if v in plan.fills:  # a dynamic batcher's fill wait, as the analysis draws it
                own[:, i] += rng.random(n) * plan.fills[v]
        elif s.timed:
            if s.shards > 1:
                own[:, i] = shard_times(s, 0.0, 0.0, rng.random(n)).astype(np.float64)
            else:
                own[:, i] = np.exp(s.mu + s.sigma * rng.standard_normal(n))
    hit = np.zeros((n, slots), dtype=bool)
    if t.fixed_route is None and t.visits_ciw:  # ciw's routes drew the hits
        for row, which in enumerate(got.hits):
            if which:
                hit[row, list(which)] = True
    else:
        for i in range(slots):
            if t.cache[i] > 0:
                hit[:, i] = rng.random(n) < t.cache[i]
    total = own
    for i in range(slots - 1, -1, -1):  # children after their parent: walk back
        kids = t.kids[i]
        if not kids:
            continue
        down = total[:, kids]
        calls = down.max(axis=1) if t.parallel[i] else down.sum(axis=1)
        if t.cache[i] > 0:
            calls[hit[:, i]] = 0.0
        total[:, i] += calls
    out = np.array(total[:, 0], dtype=np.float64)
    if got.censored is not None:
        late = ~np.isnan(got.censored)
        out[late] = got.censored[late]
    return out


# ---- the run -----------------------------------------------------------------------------------------------------


def _ci(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    arr = np.asarray(values, dtype=np.float64)
    return float(t975(len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))


def simulate(analysis: Analysis, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
             time_budget_s: float = 15.0, progress: Progress | None = None) -> SimulationResult:
    """Simulate the analysed design at ``load`` × its peak with ciw (see the module docstring).

    Replications run until every path's p99 has a 95% CI half-width within ``target_ci`` × its p99, or the next one
    would overrun ``time_budget_s`` (the first always runs). ``progress(fraction, message)`` is called after each
    replication with a fraction that never goes down, and with 1.0 at the end. One path per entry that receives
    traffic. A seed gives the same result whenever the run stops on its CI rather than on its time budget.
    """
    m = analysis.model
    if m is None:
        raise ValueError("this analysis carries no load model")
    if not math.isfinite(load) or load <= 0:
        raise ValueError(f"load must be a positive multiple of the peak, got {load}")
    if not 0 < target_ci < 1:
        raise ValueError(f"target_ci must be between 0 and 1, got {target_ci}")
    started = time.perf_counter()
    plan = _plan(m, load)
    ids = m.graph.ids
    live = [t for t in plan.trees if not t.saturated]
    samples: dict[int, list[FloatArray]] = {t.entry: [] for t in live}
    p99s: dict[int, list[float]] = {t.entry: [] for t in live}
    replications = 0
    simulated_ms = 0.0
    done = 0.0
    converged = not live
    with _LOCK:  # ciw draws from the global random: one simulation at a time (the budget starts here)
        clock = time.perf_counter()
        saved_random, saved_rng = random.getstate(), ciw.rng
        try:
            while live and replications < MAX_REPLICATIONS:
                elapsed = time.perf_counter() - clock
                if replications and elapsed + elapsed / replications > time_budget_s:
                    break
                rep = _replicate(plan, seed, replications)
                replications += 1
                simulated_ms += rep.simulated_ms
                for t in live:
                    lat = rep.latencies[t.entry]
                    samples[t.entry].append(lat)
                    if lat.size:
                        p99s[t.entry].append(float(np.quantile(lat, 0.99)))
                converged, needed = _status(p99s, target_ci, replications)
                if progress is not None:
                    elapsed = time.perf_counter() - clock
                    by_budget = elapsed / time_budget_s if time_budget_s > 0 else 1.0
                    done = max(done, min(0.99, max(replications / needed, by_budget)))
                    progress(done, f"replication {replications}: " + _worst(p99s, ids))
                if converged:
                    break
        finally:
            random.setstate(saved_random)
            ciw.rng = saved_rng
    paths = []
    for t in plan.trees:
        paths.append(_path(t, ids, samples.get(t.entry, []), p99s.get(t.entry, []), plan.model_p99.get(t.entry),
                           seed))
    live_ids = {ids[t.entry] for t in live}
    converged = (not live or replications >= MIN_REPLICATIONS) and all(
        p.p99_ms is not None and p.p99_ci_ms is not None and p.p99_ci_ms <= target_ci * p.p99_ms
        for p in paths if p.entry in live_ids)  # judged on the p99 reported (all replications pooled)
    if progress is not None:
        progress(1.0, "converged" if converged else "stopped before every CI reached its target")
    return SimulationResult(
        load=load,
        seed=seed,
        replications=replications,
        seconds=time.perf_counter() - started,
        simulated_seconds=simulated_ms / 1000.0,
        paths=tuple(paths),
        converged=converged,
        note=NOTE,
    )


def _status(p99s: dict[int, list[float]], target: float, replications: int) -> tuple[bool, float]:
    """Whether every path has converged, and about how many replications the slowest to converge needs (the CI
    shrinks as one over the square root of the replications)."""
    needed = float(max(MIN_REPLICATIONS, replications + 1))
    ok = replications >= MIN_REPLICATIONS
    for values in p99s.values():
        ci = _ci(values)
        p99 = float(np.mean(values)) if values else 0.0
        if ci is None or p99 <= 0:
            ok = False
            continue
        ratio = ci / (target * p99)
        if ratio > 1.0:
            ok = False
        needed = max(needed, replications * ratio * ratio)
    return ok, needed


def _worst(p99s: dict[int, list[float]], ids: list[str]) -> str:
    """The path furthest from converging, for the progress message."""
    worst: tuple[float, str] | None = None
    for entry, values in p99s.items():
        p99 = float(np.mean(values)) if values else 0.0
        ci = _ci(values)
        if ci is None or p99 <= 0:
            return f"{ids[entry]} p99 {p99:,.1f} ms (its interval needs a second replication)"
        rel = ci / p99
        if worst is None or rel > worst[0]:
            worst = (rel, f"{ids[entry]} p99 {p99:,.1f} ms ± {rel:.1%}")
    return worst[1] if worst is not None else "no path"


def _path(t: _Tree, ids: list[str], parts: list[FloatArray], p99s: list[float], model: float | None,
          seed: int) -> SimulatedPath:
    entry = ids[t.entry]
    if t.saturated:
        return SimulatedPath(entry, 0, None, None, None, None, ())
    values = np.concatenate(parts) if parts else np.zeros(0)
    if not values.size:
        return SimulatedPath(entry, 0, None, None, None, model, ())
    p50, p99 = (float(x) for x in np.quantile(values, [0.5, 0.99]))
    shown = values[np.isfinite(values)]
    if shown.size > MAX_LATENCIES:
        pick = np.random.default_rng([seed, t.entry]).choice(shown.size, MAX_LATENCIES, replace=False)
        shown = shown[pick]
    return SimulatedPath(
        entry=entry,
        requests=int(values.size),
        p50_ms=p50,
        p99_ms=p99,
        p99_ci_ms=_ci(p99s),
        model_p99_ms=model,
        latencies_ms=tuple(float(x) for x in np.sort(shown)),
    )
