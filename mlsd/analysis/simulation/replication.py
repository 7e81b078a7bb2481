"""One replication: the ciw network of a plan (Poisson arrivals that stop at the window's end, fixed routes with
hedged backups), its seeded run, and each recorded request's visits combined along its call tree into an end-to-end
latency."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ciw
import numpy as np
import numpy.typing as npt

from mlsd.analysis.latency import shard_times
from mlsd.analysis.simulation.nodes import FastNode, FastServer
from mlsd.analysis.simulation.plan import MAX_CELLS, REQUESTS_PER_REPLICATION, Plan, Tree

FloatArray = npt.NDArray[np.float64]


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


@dataclass
class Replica:
    """One replication's end-to-end latencies and how much time it simulated."""

    latencies: dict[int, FloatArray]  # by entry
    simulated_ms: float


def ciw_network(plan: Plan, rng: random.Random) -> tuple[Any, list[Any], dict[str, Tree]]:
    """The ciw network of a plan, the node class of each ciw node, and the tree of each customer class."""
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
    node_classes: list[Any] = [FastNode] * len(plan.tiers) + ([ciw.Node] if plan.needs_pass_through else [])
    return network, node_classes, names


def run_ciw(plan: Plan, seed: int, replication: int) -> tuple[Any, dict[str, Tree], np.random.Generator]:
    """One replication's ciw run (None when no path goes through a queue), its classes, and the numpy generator
    of the draws made outside ciw; all seeded from (seed, replication)."""
    state = np.random.SeedSequence([seed, replication]).generate_state(3)
    np_rng = np.random.default_rng(int(state[0]))
    if not any(t.visits_ciw for t in plan.trees):
        return None, {}, np_rng
    network, node_classes, names = ciw_network(plan, random.Random(int(state[1])))
    ciw.seed(int(state[2]))
    sim = ciw.Simulation(network, node_class=node_classes, server_class=FastServer)
    sim.simulate_until_max_time(plan.warmup_ms + plan.window_ms + plan.drain_ms)
    return sim, names, np_rng


def replicate(plan: Plan, seed: int, replication: int) -> Replica:
    """Replication number ``replication`` of a plan: each live path's end-to-end latencies."""
    window = (plan.warmup_ms, plan.warmup_ms + plan.window_ms)
    cap = window[1] + plan.drain_ms
    runs: dict[int, _Requests] = {}  # by entry, for the paths that go through ciw
    simulated = window[1]
    sim, names, np_rng = run_ciw(plan, seed, replication)
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
    return Replica(out, simulated)


def _count(t: Tree, plan: Plan) -> int:
    """Requests of a path that reaches no queue: as many as its window holds (ciw not needed)."""
    if plan.window_ms > 0:
        return max(1, round(t.rate_per_ms * plan.window_ms))
    return max(1, min(REQUESTS_PER_REPLICATION, MAX_CELLS // len(t.blocks)))


@dataclass
class _Requests:
    own: FloatArray  # (requests, slots): each visit's own time (ciw's visits filled in, the rest 0 so far)
    hits: list[tuple[int, ...]]  # cache slots that hit, per request, when ciw's route drew them
    censored: FloatArray | None  # time so far of a request still running at the end (NaN for the others)


def _visits(plan: Plan, ind: Any, recs: Sequence[Any], skip: int, row: FloatArray) -> None:
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


def _combine(plan: Plan, t: Tree, got: _Requests, rng: np.random.Generator) -> FloatArray:
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

