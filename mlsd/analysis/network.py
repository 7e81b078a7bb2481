"""The design as a network of queues at a load, and ``analyze``: every figure of a design at its peak.

Here "component" means a placed block of a design (``mlsd.model.Component``).

``LoadModel`` holds what does not change with load (the request graph, each block's service model, the peak
rate reaching each block, the sampler's random draws) and gives the tier states and path latencies at any
multiple of the peak, with failures applied (fewer replicas, a block cut off, a cache that no longer hits).
Rates scale linearly with the load, so a ramp costs no graph walk. ``analyze`` never raises on a valid design.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from mlsd.analysis.batch import BatchJob, batch_jobs
from mlsd.analysis.capacity import (
    TierCapacity,
    TierState,
    needed_replicas,
    queued_services,
    saturation_load,
    tier_states,
)
from mlsd.analysis.cost import CostLine, cost_lines, per_thousand
from mlsd.analysis.entries import async_entries, async_rates
from mlsd.analysis.latency import PathLatency, Row, Sampler
from mlsd.analysis.paths import Graph, Parts, call_tree, critical_chain, request_graph
from mlsd.analysis.service import Service, services
from mlsd.analysis.store_work import store_calls, store_reads
from mlsd.analysis.traffic import block_rates, entry_rates
from mlsd.model import Design


@dataclass(frozen=True)
class RequestPath:
    """The call tree behind one entry block, with its end-to-end latency: declared, at light load, at peak."""

    entry: str
    blocks: tuple[str, ...]  # every block the request can reach, in call order (entry first)
    connections: tuple[str, ...]  # the request connections of the tree
    critical: tuple[str, ...]  # the chain of blocks that decides the conservative p99 (entry first)
    contributions: tuple[tuple[str, float], ...]  # (block, declared p99 ms) along ``critical``: the waterfall
    p99_sum_ms: float  # conservative budget: declared p99s summed (sequential), max over branches (parallel)
    p50_sum_ms: float  # the same with p50
    light_p50_ms: float  # modelled at light load: work included, no queueing
    light_p99_ms: float
    p50_ms: float | None  # modelled at peak, queueing included; None when a tier on the path is saturated
    p99_ms: float | None
    sla_ms: float | None
    missing_latency: tuple[str, ...]  # blocks on the tree without a p99_ms (own or default)
    peak_qps: float = 0.0  # requests/s entering here at peak
    saturated: tuple[str, ...] = ()  # tiers of the path at or above 100% utilisation at peak
    asynchronous: bool = False  # fed by a queue or stream: judged on its lag (LAT-6), not the SLA (sla_ms None)

    @property
    def over_sla(self) -> bool:
        """The p99 at peak (queueing included) exceeds the SLA, or a tier on the path is saturated."""
        return self.sla_ms is not None and (self.p99_ms is None or self.p99_ms > self.sla_ms)


class LoadModel:
    """A design as a network of queues (see the module docstring)."""

    def __init__(self, design: Design, samples: int = 20_000, seed: int = 0, quantile: float = 0.99) -> None:
        self.design = design
        self.quantile = quantile  # the percentile of a path's latency held to the SLA (``p99_ms``), as a fraction
        self.parts = parts = Parts.of(design)
        self.asynchronous = async_entries(design, parts)
        self.graph = g = request_graph(design, parts, self.asynchronous)
        self.services: list[Service | None] = services(parts.kinds, parts.props, g.reach_post)
        self.entry_rates = entry_rates(design, parts, g, self.asynchronous)
        self.queued = queued_services(self.services)
        self.hit = [s.hit_rate if s is not None else 0.0 for s in self.services]
        rates, self.unknown_feed = async_rates(design, parts, g, self.entry_rates, self.hit, self.asynchronous)
        self.entry_rates.update(rates)
        self.store_reads = store_reads(parts, g)  # {caller: {store: per-candidate read terms}}
        self.store_calls = store_calls(self.store_reads)  # {caller: {store: calls per request}} where more than one
        self.peak_rates = block_rates(g, self.entry_rates, self.hit, calls=self.store_calls)
        self.headroom = design.requirements.headroom
        self.index = {b: i for i, b in enumerate(parts.ids)}
        self.samples, self.seed = samples, seed
        self._sampler: Sampler | None = None

    @cached_property
    def callers(self) -> list[tuple[int, ...]]:
        """The blocks calling each block along request connections (back edges excluded)."""
        found: list[list[int]] = [[] for _ in self.graph.ids]
        for v, kids in enumerate(self.graph.kids):
            for w in kids:
                found[w].append(v)
        return [tuple(c) for c in found]

    def service(self, block: str) -> Service | None:
        """The service model of a block on a request path (None elsewhere)."""
        return self.services[self.index[block]]

    @property
    def sampler(self) -> Sampler:
        if self._sampler is None:
            self._sampler = Sampler(self.graph, self.services, self.samples, self.seed, self.quantile)
        return self._sampler

    def rates(self, load: float = 1.0, cut: Collection[int] = (), hit: Mapping[int, float] | None = None
              ) -> list[float]:
        """Requests/s reaching each block at ``load`` × the peak, with ``cut`` blocks calling nothing and ``hit``
        overriding hit rates."""
        if not cut and not hit:
            return [r * load for r in self.peak_rates]
        hits = list(self.hit)
        for v, h in (hit or {}).items():
            hits[v] = h
        return block_rates(self.graph, {e: r * load for e, r in self.entry_rates.items()}, hits, cut,
                           self.store_calls)

    def per_item_reads(self, rates: Sequence[float]) -> dict[int, list[tuple[int, float, float]]]:
        """Per store: (caller, calls per request, calls/s) of the callers reading it per candidate, at ``rates``."""
        out: dict[int, list[tuple[int, float, float]]] = {}
        for v, stores in self.store_calls.items():
            passed = rates[v] * (1.0 - self.hit[v])
            for w, calls in stores.items():
                out.setdefault(w, []).append((v, calls, passed * calls))
        return out

    def states(self, rates: Sequence[float], replicas: Mapping[int, int] | None = None) -> dict[int, TierState]:
        """Every queued tier at these rates (``replicas`` overriding what runs)."""
        return tier_states(self.queued, rates, self.headroom, replicas)

    def latency(self, rows: Sequence[Row], entries: Sequence[int] | None = None, tier_quantile: bool = False,
                limit: int | None = None) -> tuple[dict[int, list[PathLatency]], dict[int, list[float | None]]]:
        """Path latency of ``entries`` (all by default) in each row (see ``latency.Row``)."""
        return self.sampler.paths(rows, self.graph.entries if entries is None else entries, tier_quantile, limit)

    def saturated_on(self, states: Mapping[int, TierState], blocks: Collection[int], rates: Sequence[float]
                     ) -> list[int]:
        """Tiers among ``blocks`` that are saturated (with load reaching them)."""
        return [v for v in blocks if (st := states.get(v)) is not None and st.saturated and rates[v] > 0]


@dataclass(frozen=True)
class Analysis:
    """Everything ``analyze`` computes for one design at its peak."""

    paths: tuple[RequestPath, ...]
    capacity: dict[str, TierCapacity]  # by block id, for blocks on request paths
    cost: tuple[CostLine, ...]  # one per block with a cost
    cost_per_month: float
    cycles: tuple[tuple[str, ...], ...]  # request-connection cycles found (each a list of block ids)
    sim_samples: int = 0  # samples per block drawn by the latency sampler (fewer on huge designs)
    budget_per_month: float | None = None
    cost_per_thousand: float | None = None  # USD per 1,000 predictions (peak over a peak-to-average of 2)
    batch: dict[str, BatchJob] = field(default_factory=dict)  # the design's batch jobs: runs, hours, periods
    model: LoadModel | None = field(default=None, repr=False, compare=False)

    @property
    def over_budget(self) -> bool:
        return self.budget_per_month is not None and self.cost_per_month > self.budget_per_month


def analyze(design: Design, samples: int = 20_000, seed: int = 0, quantile: float = 0.99) -> Analysis:
    """Paths and their latency (declared, at light load, at peak with queueing), capacity and cost of a design.
    ``quantile`` is the percentile held to the SLA (``sla-percentile`` in the config; 0.99 by default): the
    ``p99_ms`` figures of paths and tiers are that percentile."""
    m = LoadModel(design, samples, seed, quantile)
    g, svc = m.graph, m.services
    ids = g.ids
    n = len(ids)
    # conservative sums of the declared latencies, once per block, children first
    t99 = [0.0] * n
    t50 = [0.0] * n
    parallel = [s is not None and s.parallel for s in svc]
    for v in g.reach_post:
        s = svc[v]
        own99 = s.declared_p99_ms if s is not None else 0.0
        own50 = s.declared_p50_ms if s is not None else 0.0
        kids = g.kids[v]
        if kids:
            combine = max if parallel[v] else sum
            t99[v] = own99 + combine([t99[w] for w in kids])
            t50[v] = own50 + combine([t50[w] for w in kids])
        else:
            t99[v], t50[v] = own99, own50

    peak_rates = m.rates(1.0)
    light = m.states([0.0] * n)
    peak = m.states(peak_rates)
    latency, own_p99 = m.latency([Row(light), Row(peak)], tier_quantile=True)
    sla = design.requirements.sla_p99_ms
    paths = []
    for entry in g.entries:
        blocks, conns = call_tree(entry, g)
        critical = critical_chain(entry, g.kids, parallel, t99)
        at_light, at_peak = latency[entry]
        saturated = m.saturated_on(peak, blocks, peak_rates)
        paths.append(RequestPath(
            entry=ids[entry],
            blocks=tuple([ids[v] for v in blocks]),
            connections=tuple(conns),
            critical=tuple([ids[v] for v in critical]),
            contributions=tuple([(ids[v], _declared_p99(svc[v])) for v in critical]),
            p99_sum_ms=t99[entry],
            p50_sum_ms=t50[entry],
            light_p50_ms=at_light.p50_ms or 0.0,
            light_p99_ms=at_light.p99_ms or 0.0,
            p50_ms=None if saturated else at_peak.p50_ms,
            p99_ms=None if saturated else at_peak.p99_ms,
            sla_ms=None if entry in m.asynchronous else sla,
            missing_latency=tuple([ids[v] for v in blocks if (s := svc[v]) is not None and s.missing_latency]),
            peak_qps=peak_rates[entry],
            saturated=tuple(ids[v] for v in saturated),
            asynchronous=entry in m.asynchronous,
        ))
    jobs = batch_jobs(design, m.parts, m.index)
    lines = cost_lines(m.parts, jobs, peak_rates)
    total = sum(line.total for line in lines)
    return Analysis(
        paths=tuple(paths),
        capacity=_capacity(m, g, peak, peak_rates, own_p99),
        cost=lines,
        cost_per_month=total,
        cycles=tuple(g.cycles),
        sim_samples=m.sampler.samples,
        budget_per_month=design.requirements.budget_per_month,
        cost_per_thousand=per_thousand(total, design.requirements.peak_qps),
        batch=jobs,
        model=m,
    )


def _declared_p99(s: Service | None) -> float:
    return s.declared_p99_ms if s is not None else 0.0


def _capacity(m: LoadModel, g: Graph, peak: dict[int, TierState], rates: list[float],
              own_p99: dict[int, list[float | None]]) -> dict[str, TierCapacity]:
    declared_peak = m.design.requirements.peak_qps is not None
    per_item = m.per_item_reads(rates)
    out: dict[str, TierCapacity] = {}
    for v in sorted(g.reach_post):  # design order
        s = m.services[v]
        assert s is not None
        state = peak.get(v)
        per = s.qps_per_replica
        running = state.replicas if state is not None else s.replicas
        capacity = running * per if per is not None else None
        rate = rates[v]
        scales_with_load = s.managed and s.ceiling_qps is None and s.kind != "client"
        if s.managed:  # the provider scales it: its capacity is its ceiling, else the load it carries
            capacity = s.ceiling_qps if s.ceiling_qps is not None else rate
        quantiles = own_p99.get(v)
        block = m.parts.ids[v]
        out[block] = TierCapacity(
            block=block,
            peak_qps=rate,
            replicas=running,
            qps_per_replica=per,
            capacity_qps=capacity,
            needed_replicas=None if scales_with_load else needed_replicas(rate, per, m.headroom, declared_peak),
            headroom=(capacity / rate - 1.0 if capacity is not None and rate > 0 and not scales_with_load
                      else None),
            declared_qps_per_replica=s.declared_qps,
            utilisation=state.utilisation if state is not None else None,
            saturated=state.saturated if state is not None else False,
            servers=state.servers if state is not None else None,
            p_wait=state.p_wait if state is not None else None,
            wait_p99_ms=state.wait_quantile_ms(m.quantile) if state is not None else None,
            p99_ms=quantiles[1] if quantiles is not None else s.p99_ms,
            light_p99_ms=s.p99_ms,
            saturation_load=saturation_load(s, rate),
            shards=s.shards,
            queued=s.queued,
            kind_defaults=s.from_kind,
            reach_replicas=s.reach_replicas,
            reach_capacity_qps=s.reach_replicas * per if per is not None and not s.managed else capacity,
            max_replicas=s.max_replicas if s.autoscaling else None,
            scale_up_minutes=s.scale_up_minutes,
            managed=s.managed,
            scales_with_load=scales_with_load,
            ceiling_qps=s.ceiling_qps,
            per_item_qps=sum(x[2] for x in per_item.get(v, ())),
        )
    return out
