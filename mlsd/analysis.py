"""The numbers behind the checklists: request paths, end-to-end latency, capacity and monthly cost.

Here "component" means a placed block of a design (``mlsd.model.Component``).

CONTRACT (the data classes below are used by rules, the CLI and the UI; keep their fields):
- A request path starts at an entry block (a ``client``, or any block with outgoing ``request`` connections and
  no incoming ones) and follows ``request`` connections. A block with ``calls: parallel`` waits for the slowest
  of its downstream request targets (max); otherwise it calls them one after another (sum).
- ``analyze(design)`` must never raise on a valid Design (cycles in request connections are reported in
  ``Analysis.cycles`` and broken, not followed forever).

How the numbers are computed:
- The request graph is walked once, iteratively (no recursion, so 10,000-block chains are fine), depth first
  from the entry blocks in design order, then from every other block. An edge that closes a cycle (a back edge
  of that walk) is reported in ``cycles`` and dropped; what remains is a DAG processed in topological order.
- A block reached through two parents is called twice: it counts in each branch (its subtree value is
  computed once and reused by both parents).
- Conservative latency: own p99 + (sum of the downstream subtrees when ``calls`` is sequential, their max when
  parallel). A block with ``hit_rate`` h still counts its miss path (misses are more than 1% of traffic for any
  realistic h, so they decide the p99). ``p50_sum_ms`` is the same sum with each block's p50 (miss path too).
- ``critical`` lists the blocks the conservative p99 is made of, in call order: every callee of a sequential
  block, the slowest callee of a parallel one (a block called twice appears twice), so ``contributions`` (each
  block's own p99) add up to ``p99_sum_ms``. It is cut at ``MAX_CRITICAL`` entries, which only a pathological
  DAG (chained sequential diamonds double the calls at each step) reaches; such a DAG may also overflow the
  sums to inf, which ``analysis_to_dict`` shows as null.
- Simulation: each block's latency is lognormal with mu = ln p50, sigma = (ln p99 - ln p50) / 2.3263. The p50
  is taken from where the p99 comes from (a block that sets its own p99 is not described by its kind's default
  p50); missing: p99 / 3; p50 >= p99: a narrow distribution whose p99 is p99; p50 = 0: p99 / 1000; p99 = 0 (or
  no p99): always 0.
  A cache block skips its downstream with probability h. Samples of one block are drawn once and shared by
  every branch that calls it. To stay fast on huge designs the number of samples per block is reduced so that
  at most ``MAX_SIM_VALUES`` values are drawn in all (never below ``MIN_SIM_SAMPLES``);
  ``Analysis.sim_samples`` says how many were used (300 per block for 10,000 blocks on request paths). Samples
  are float32 normals by Box-Muller (twice as fast as numpy's float64 normals). A given seed always gives the
  same result.
- Capacity: ``peak_qps`` is split equally between the user-facing entry blocks (``is_serving_entry``; all
  entries when none is user-facing); an entry's ``traffic_share`` prop (0..1) takes that share of the peak and
  the entries without one split the rest equally; then the load
  flows along request connections: each target receives its caller's outgoing QPS (a fan-out sends the same
  QPS to every target; a block reached from several callers sums them); a block with ``hit_rate`` h passes on
  (1 - h) of what it receives.
- Cost: every block (not only those on request paths): replicas x cost_per_hour x 730 h + storage_gb x
  cost_per_gb_month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue
from mlsd.model import Component, Design


@dataclass(frozen=True)
class RequestPath:
    """The call tree behind one entry block, with its end-to-end latency."""

    entry: str
    blocks: tuple[str, ...]  # every block the request can reach, in call order (entry first)
    connections: tuple[str, ...]  # the request connections of the tree
    critical: tuple[str, ...]  # the chain of blocks that decides the conservative p99 (entry first)
    contributions: tuple[tuple[str, float], ...]  # (block, p99 ms it adds) along ``critical``: the waterfall
    p99_sum_ms: float  # conservative: sum of p99 (sequential), max over branches (parallel)
    p50_sum_ms: float  # the same with p50
    sim_p50_ms: float  # simulated end-to-end p50 (lognormal per block fitted to its p50/p99)
    sim_p99_ms: float  # simulated end-to-end p99
    sla_ms: float | None
    missing_latency: tuple[str, ...]  # blocks on the tree without a p99_ms (own or default)

    @property
    def over_sla(self) -> bool:
        return self.sla_ms is not None and self.p99_sum_ms > self.sla_ms


@dataclass(frozen=True)
class TierCapacity:
    """Peak load reaching one block and whether its replicas carry it with the required headroom."""

    block: str
    peak_qps: float  # peak requests/s reaching this block (after caches upstream)
    replicas: int
    qps_per_replica: float | None  # None: the block declares no throughput
    capacity_qps: float | None  # replicas * qps_per_replica
    needed_replicas: int | None  # ceil(peak * (1 + headroom) / qps_per_replica)
    headroom: float | None  # capacity / peak - 1 (None when no load or no throughput declared)


@dataclass(frozen=True)
class CostLine:
    """Monthly cost of one block: replicas x cost per replica-hour x 730 h, plus storage."""

    block: str
    compute_per_month: float
    storage_per_month: float

    @property
    def total(self) -> float:
        return self.compute_per_month + self.storage_per_month


@dataclass(frozen=True)
class Analysis:
    """Everything ``analyze`` computes for one design."""

    paths: tuple[RequestPath, ...]
    capacity: dict[str, TierCapacity]  # by block id, for blocks on request paths
    cost: tuple[CostLine, ...]  # one per block with a cost
    cost_per_month: float
    cycles: tuple[tuple[str, ...], ...]  # request-connection cycles found (each a list of block ids)
    sim_samples: int = 0  # samples per block actually drawn by the simulation (reduced on huge designs)


HOURS_PER_MONTH = 730.0
Z99 = 2.3263  # standard normal quantile of 0.99
MAX_SIM_VALUES = 3_000_000  # latency samples drawn in all, across blocks on request paths
MIN_SIM_SAMPLES = 200  # never fewer samples per block than this
NARROW_SIGMA = 0.01  # lognormal sigma used when a block's p50 is not below its p99
MAX_CRITICAL = 10_000  # longest ``critical`` list reported (a DAG of sequential diamonds grows exponentially)
MAX_CYCLES = 100  # most cycles reported (every back edge is dropped regardless)

FloatArray = npt.NDArray[np.float32]


@dataclass
class _Graph:
    """The request graph with back edges removed, indexed by block position."""

    ids: list[str]
    children: list[list[tuple[int, int]]]  # (target index, connection index), back edges excluded
    entries: list[int]
    reach_post: list[int]  # blocks reachable from an entry, children before parents
    cycles: list[tuple[str, ...]]


def _request_graph(design: Design) -> _Graph:
    ids = [c.id for c in design.components]
    index = {b: i for i, b in enumerate(ids)}
    n = len(ids)
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    has_in = [False] * n
    for ei, e in enumerate(design.connections):
        if e.flow != "request":
            continue
        s, t = index[e.source], index[e.target]
        adj[s].append((t, ei))
        has_in[t] = True
    entries = [
        i for i, c in enumerate(design.components) if adj[i] and (c.kind == "client" or not has_in[i])
    ]

    color = [0] * n  # 0 unseen, 1 on the walk's stack, 2 done
    pos = [0] * n  # position on the stack while colour is 1
    children: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    post: list[int] = []
    cycles: list[tuple[str, ...]] = []
    seen_cycles: set[tuple[str, ...]] = set()

    def walk(root: int) -> None:
        stack_v = [root]
        stack_i = [0]
        color[root] = 1
        pos[root] = 0
        while stack_v:
            v = stack_v[-1]
            i = stack_i[-1]
            out = adj[v]
            if i < len(out):
                stack_i[-1] = i + 1
                w, ei = out[i]
                cw = color[w]
                if cw == 0:
                    children[v].append((w, ei))
                    color[w] = 1
                    pos[w] = len(stack_v)
                    stack_v.append(w)
                    stack_i.append(0)
                elif cw == 2:
                    children[v].append((w, ei))
                elif len(cycles) < MAX_CYCLES:  # back edge: closes a cycle; reported, not followed
                    cyc = tuple(ids[x] for x in stack_v[pos[w]:])
                    if cyc not in seen_cycles:
                        seen_cycles.add(cyc)
                        cycles.append(cyc)
            else:
                color[v] = 2
                post.append(v)
                stack_v.pop()
                stack_i.pop()

    for root in entries:
        if not color[root]:
            walk(root)
    reach_count = len(post)  # everything walked so far is reachable from an entry
    for root in range(n):
        if adj[root] and not color[root]:
            walk(root)
    return _Graph(ids, children, entries, post[:reach_count], cycles)


def _merged_props(c: Component) -> dict[str, PropValue]:
    """The block's props over its kind's defaults: what ``Component.prop`` returns, as one dict (faster)."""
    return {**KINDS[c.kind].props, **c.props}


def _num(props: dict[str, PropValue], name: str, default: float = 0.0) -> float:
    """A numeric prop as float, as ``Component.num`` does, from a dict of ``_merged_props``."""
    value = props.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _latency_params(c: Component, props: dict[str, PropValue]) -> tuple[float, float, bool]:
    """(p99, p50 used, missing) of a block: own prop, else kind default; see the module docstring."""
    missing = props.get("p99_ms") is None
    p99 = max(_num(props, "p99_ms"), 0.0)
    if p99 <= 0.0:
        return 0.0, 0.0, missing
    # p50 comes from where p99 comes from: a block that sets its own p99 is not described by its kind's p50
    source = c.props if "p99_ms" in c.props else KINDS[c.kind].props
    own_p50 = source.get("p50_ms")
    p50 = p99 / 3.0
    if isinstance(own_p50, int | float) and not isinstance(own_p50, bool):
        p50 = float(own_p50)
    p50 = min(max(p50, p99 / 1000.0), p99)
    return p99, p50, missing


def _lognormal(p99: float, p50: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with median p50 and 99th percentile p99."""
    if p50 >= p99:
        return math.log(p99) - Z99 * NARROW_SIGMA, NARROW_SIGMA
    return math.log(p50), (math.log(p99) - math.log(p50)) / Z99


def _sim_samples(requested: int, blocks: int) -> int:
    if requested <= 0:
        raise ValueError(f"samples must be positive, got {requested}")
    if blocks * requested <= MAX_SIM_VALUES:
        return requested
    return min(requested, max(MIN_SIM_SAMPLES, MAX_SIM_VALUES // blocks))


def analyze(design: Design, samples: int = 20_000, seed: int = 0) -> Analysis:
    """Compute paths, latency (conservative and simulated), capacity and cost of a design."""
    comps = design.components
    g = _request_graph(design)
    n = len(comps)
    conn_ids = [e.id for e in design.connections]
    order = g.reach_post  # children before parents
    merged = [_merged_props(c) for c in comps]

    p99 = [0.0] * n
    p50 = [0.0] * n
    missing = [False] * n
    hit = [0.0] * n
    parallel = [False] * n
    for v in order:
        c = comps[v]
        props = merged[v]
        p99[v], p50[v], missing[v] = _latency_params(c, props)
        hit[v] = min(max(_num(props, "hit_rate"), 0.0), 1.0)
        parallel[v] = props.get("calls") == "parallel"

    # conservative sums, once per block, children first
    t99 = [0.0] * n
    t50 = [0.0] * n
    for v in order:
        kids = g.children[v]
        if kids:
            if parallel[v]:
                d99 = max(t99[w] for w, _ in kids)
                d50 = max(t50[w] for w, _ in kids)
            else:
                d99 = sum(t99[w] for w, _ in kids)
                d50 = sum(t50[w] for w, _ in kids)
        else:
            d99 = d50 = 0.0
        t99[v] = p99[v] + d99
        t50[v] = p50[v] + d50

    with np.errstate(over="ignore", invalid="ignore"):  # a huge DAG of sequential diamonds may reach inf
        sim, n_samples = _simulate(g, p99, p50, hit, parallel, samples, seed)

    sla = design.requirements.sla_p99_ms
    paths = []
    mark = [-1] * n
    for k, entry in enumerate(g.entries):
        blocks: list[int] = []
        conns: list[str] = []
        stack = [entry]
        while stack:  # depth first, first call first: the order in which blocks are first called
            v = stack.pop()
            if mark[v] == k:
                continue
            mark[v] = k
            blocks.append(v)
            kids = g.children[v]
            conns.extend(conn_ids[ei] for _, ei in kids)
            stack.extend(w for w, _ in reversed(kids) if mark[w] != k)
        critical = _critical(entry, g.children, parallel, t99)
        sim_p50, sim_p99 = sim[entry]
        paths.append(
            RequestPath(
                entry=g.ids[entry],
                blocks=tuple(g.ids[v] for v in blocks),
                connections=tuple(conns),
                critical=tuple(g.ids[v] for v in critical),
                contributions=tuple((g.ids[v], p99[v]) for v in critical),
                p99_sum_ms=t99[entry],
                p50_sum_ms=t50[entry],
                sim_p50_ms=sim_p50,
                sim_p99_ms=sim_p99,
                sla_ms=sla,
                missing_latency=tuple(
                    g.ids[v] for v in blocks if missing[v] and comps[v].kind != "client"
                ),
            )
        )

    lines = _cost(design, merged)
    return Analysis(
        paths=tuple(paths),
        capacity=_capacity(design, g, hit, merged),
        cost=lines,
        cost_per_month=sum(line.total for line in lines),
        cycles=tuple(g.cycles),
        sim_samples=n_samples,
    )


def _standard_normal(rng: np.random.Generator, rows: int, cols: int) -> FloatArray:
    """Standard normal samples by the Box-Muller transform in float32 (about 2.5x faster than
    ``Generator.standard_normal``, which dominates the simulation's time on large designs)."""
    half = (cols + 1) // 2
    radius = rng.random((rows, half), dtype=np.float32)
    np.subtract(1.0, radius, out=radius)  # (0, 1]: log is finite
    np.log(radius, out=radius)
    radius *= -2.0
    np.sqrt(radius, out=radius)
    angle = rng.random((rows, half), dtype=np.float32)
    angle *= np.float32(2.0 * math.pi)
    out = np.empty((rows, 2 * half), dtype=np.float32)
    np.cos(angle, out=out[:, :half])
    np.sin(angle, out=out[:, half:])
    out[:, :half] *= radius
    out[:, half:] *= radius
    return out[:, :cols]


def _simulate(
    g: _Graph, p99: list[float], p50: list[float], hit: list[float], parallel: list[bool], samples: int, seed: int
) -> tuple[dict[int, tuple[float, float]], int]:
    """Simulated (p50, p99) end-to-end latency of each entry block, and the samples drawn per block."""
    order = g.reach_post
    s = _sim_samples(samples, max(len(order), 1))
    rng = np.random.default_rng(seed)
    timed = [v for v in order if p99[v] > 0.0]
    row = {v: r for r, v in enumerate(timed)}
    own = _standard_normal(rng, len(timed), s)
    if timed:
        params = np.array([_lognormal(p99[v], p50[v]) for v in timed], dtype=np.float32)
        own *= params[:, 1:2]
        own += params[:, 0:1]
        np.exp(own, out=own)
    cached = [v for v in order if hit[v] > 0.0 and g.children[v]]
    crow = {v: r for r, v in enumerate(cached)}
    rates = np.array([hit[v] for v in cached], dtype=np.float32).reshape(-1, 1)
    miss = rng.random((len(cached), s), dtype=np.float32) >= rates

    zero = np.zeros(s, dtype=np.float32)
    zero.setflags(write=False)
    total: dict[int, FloatArray] = {}
    for v in order:  # results are never modified in place: a block's samples are shared by its callers
        kids = g.children[v]
        down: FloatArray | None = None
        if kids:
            down = total[kids[0][0]]
            if len(kids) > 1:
                combine = np.maximum if parallel[v] else np.add
                down = combine(down, total[kids[1][0]])
                for w, _ in kids[2:]:
                    combine(down, total[w], out=down)
            if v in crow:
                down = np.where(miss[crow[v]], down, np.float32(0.0))
        r = row.get(v)
        if r is None:
            total[v] = zero if down is None else down
        else:
            total[v] = own[r] if down is None else own[r] + down
    if not g.entries:
        return {}, s
    ends = np.stack([total[e] for e in g.entries]).astype(np.float64)
    q = np.percentile(ends, [50.0, 99.0], axis=1)
    return {e: (float(q[0, k]), float(q[1, k])) for k, e in enumerate(g.entries)}, s


def _critical(entry: int, children: list[list[tuple[int, int]]], parallel: list[bool], t99: list[float]) -> list[int]:
    """The blocks that make up the conservative p99, in call order: every callee of a sequential block, the
    slowest callee of a parallel one. Capped at ``MAX_CRITICAL`` entries."""
    out: list[int] = []
    stack = [entry]
    while stack and len(out) < MAX_CRITICAL:
        v = stack.pop()
        out.append(v)
        kids = children[v]
        if not kids:
            continue
        if parallel[v]:
            best = kids[0][0]
            for w, _ in kids[1:]:
                if t99[w] > t99[best]:
                    best = w
            stack.append(best)
        else:
            stack.extend(w for w, _ in reversed(kids))
    return out


NON_SERVING_ENTRY_CATEGORIES = frozenset({"processing", "data_sources", "monitoring"})


def is_serving_entry(c: Component) -> bool:
    """Whether a request path starting at this block is user-facing traffic (held to the SLA, gets peak QPS).

    Clients are; so is any online-tier block outside processing, data sources and monitoring. A batch job,
    stream processor or dashboard that calls a model is not user-facing traffic.
    """
    kind = KINDS[c.kind]
    if c.kind == "client":
        return True
    return kind.tier == "online" and kind.category not in NON_SERVING_ENTRY_CATEGORIES


def _capacity(design: Design, g: _Graph, hit: list[float], merged: list[dict[str, PropValue]]
              ) -> dict[str, TierCapacity]:
    comps = design.components
    req = design.requirements
    n = len(comps)
    reach = set(g.reach_post)
    qps = [0.0] * n
    serving = [e for e in g.entries if is_serving_entry(comps[e])] or g.entries
    if req.peak_qps is not None and serving:
        declared = {e: _num(merged[e], "traffic_share") for e in serving if "traffic_share" in merged[e]}
        rest = [e for e in serving if e not in declared]
        left = max(0.0, 1.0 - math.fsum(declared.values()))
        for e in serving:
            share = declared[e] if e in declared else left / len(rest)
            qps[e] += req.peak_qps * share
    for v in reversed(g.reach_post):  # parents before children
        kids = g.children[v]
        if not kids:
            continue
        passed = qps[v] * (1.0 - hit[v])
        for w, _ in kids:
            qps[w] += passed
    out: dict[str, TierCapacity] = {}
    for v, c in enumerate(comps):
        if v not in reach:
            continue
        replicas = int(_num(merged[v], "replicas", 1.0))
        per = _num(merged[v], "qps_per_replica")
        per_replica = per if per > 0 else None
        capacity = replicas * per_replica if per_replica is not None else None
        peak = qps[v]
        needed = None
        if per_replica is not None and req.peak_qps is not None:
            replicas_needed = peak * (1.0 + req.headroom) / per_replica
            if math.isfinite(replicas_needed):  # rounded first: 1000 * 1.3 / 100 is 13, not 14
                needed = math.ceil(round(replicas_needed, 9))
        headroom = capacity / peak - 1.0 if capacity is not None and peak > 0 else None
        out[c.id] = TierCapacity(c.id, peak, replicas, per_replica, capacity, needed, headroom)
    return out


def _cost(design: Design, merged: list[dict[str, PropValue]]) -> tuple[CostLine, ...]:
    lines = []
    for c, props in zip(design.components, merged, strict=True):
        compute = _num(props, "replicas", 1.0) * _num(props, "cost_per_hour") * HOURS_PER_MONTH
        storage = _num(props, "storage_gb") * _num(props, "cost_per_gb_month")
        if compute or storage:
            lines.append(CostLine(c.id, compute, storage))
    return tuple(lines)


def _finite(x: float | None) -> float | None:
    return x if x is None or math.isfinite(x) else None


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The analysis as plain JSON-ready data (non-finite numbers become null)."""
    return {
        "paths": [
            {
                "entry": p.entry,
                "blocks": list(p.blocks),
                "connections": list(p.connections),
                "critical": list(p.critical),
                "contributions": [{"block": b, "p99_ms": _finite(ms)} for b, ms in p.contributions],
                "p99_sum_ms": _finite(p.p99_sum_ms),
                "p50_sum_ms": _finite(p.p50_sum_ms),
                "sim_p50_ms": _finite(p.sim_p50_ms),
                "sim_p99_ms": _finite(p.sim_p99_ms),
                "sla_ms": p.sla_ms,
                "over_sla": p.over_sla,
                "missing_latency": list(p.missing_latency),
            }
            for p in analysis.paths
        ],
        "capacity": [
            {f.name: (_finite(v) if isinstance(v, float) else v) for f in fields(t) for v in [getattr(t, f.name)]}
            for t in analysis.capacity.values()
        ],
        "cost": [
            {
                "block": line.block,
                "compute_per_month": _finite(line.compute_per_month),
                "storage_per_month": _finite(line.storage_per_month),
                "total": _finite(line.total),
            }
            for line in analysis.cost
        ],
        "cost_per_month": _finite(analysis.cost_per_month),
        "cycles": [list(c) for c in analysis.cycles],
        "sim_samples": analysis.sim_samples,
    }
