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
  are float32 normals by Box-Muller (twice as fast as numpy's float64 normals), made from the generator's raw
  bits a chunk of blocks at a time (``_LatencySamples``: the same numbers as ``Generator.random`` would give,
  with far less memory). A given seed always gives the same result.
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
import sys
from dataclasses import dataclass, fields
from itertools import accumulate
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
Props = dict[str, PropValue]
LATENCY_PROPS = frozenset({"p99_ms", "p50_ms", "hit_rate", "calls"})  # what a block's simulation reads
COST_PROPS = frozenset({"replicas", "cost_per_hour", "storage_gb", "cost_per_gb_month"})


@dataclass
class _Parts:
    """The design's blocks as parallel lists by position: ids, kinds and own props. Each is read from the
    pydantic objects once (on a large design such reads, scattered in memory, are a large part of the cost)."""

    ids: list[str]
    kinds: list[str]
    props: list[Props]

    @classmethod
    def of(cls, design: Design) -> _Parts:
        comps = design.components
        return cls([c.id for c in comps], [c.kind for c in comps], [c.props for c in comps])


@dataclass
class _Graph:
    """The request graph with back edges removed, indexed by block position.

    A block's calls are tuples (``kids``, and the matching connection ids in ``kid_conns``), not lists: the
    garbage collector stops tracking tuples of numbers and strings at its next pass, so even a 10,000-block
    graph leaves nothing for the costly full collections to scan.
    """

    ids: list[str]
    kids: list[tuple[int, ...]]  # blocks each block calls, back edges excluded, in connection order
    kid_conns: list[tuple[str, ...]]  # the ids of those request connections, in the same order
    entries: list[int]
    reach_post: list[int]  # blocks reachable from an entry, children before parents
    cycles: list[tuple[str, ...]]


@dataclass
class _Adjacency:
    """Request connections grouped by source in flat lists: block v's are slots ``first[v]`` to
    ``first[v + 1] - 1``, in connection order (one list for all blocks instead of one list per block)."""

    first: list[int]
    target: list[int]  # block position called through each slot
    conn: list[str]  # connection id of each slot
    called: bytearray  # 1 for a block that some request connection targets


def _request_adjacency(design: Design, index: dict[str, int]) -> _Adjacency:
    n = len(index)
    sources: list[int] = []
    targets: list[int] = []
    conns: list[str] = []
    called = bytearray(n)
    for e in design.connections:
        if e.flow == "request":
            t = index[e.target]
            sources.append(index[e.source])
            targets.append(t)
            conns.append(e.id)
            called[t] = 1
    counts = [0] * n
    for s in sources:
        counts[s] += 1
    first = [0, *accumulate(counts)]
    free = first[:n]  # next free slot of each source
    slot_target = [0] * len(sources)
    slot_conn = [""] * len(sources)
    for s, t, cid in zip(sources, targets, conns, strict=True):
        k = free[s]
        free[s] = k + 1
        slot_target[k] = t
        slot_conn[k] = cid
    return _Adjacency(first, slot_target, slot_conn, called)


def _request_graph(design: Design, parts: _Parts) -> _Graph:
    ids, kinds = parts.ids, parts.kinds
    n = len(ids)
    adj = _request_adjacency(design, {b: i for i, b in enumerate(ids)})
    first, slot_target = adj.first, adj.target
    entries = [i for i in range(n) if first[i] < first[i + 1] and (kinds[i] == "client" or not adj.called[i])]

    color = bytearray(n)  # 0 unseen, 1 on the walk's stack, 2 done
    pos = [0] * n  # position on the stack while colour is 1
    back = bytearray(len(slot_target))  # 1 for a slot whose connection closes a cycle
    post: list[int] = []
    cycles: list[tuple[str, ...]] = []
    seen_cycles: set[tuple[str, ...]] = set()

    def walk(root: int) -> None:
        stack_v = [root]
        stack_i = [first[root]]  # next slot to follow of each block on the stack
        color[root] = 1
        pos[root] = 0
        while stack_v:
            v = stack_v[-1]
            i = stack_i[-1]
            if i < first[v + 1]:
                stack_i[-1] = i + 1
                w = slot_target[i]
                cw = color[w]
                if cw == 0:
                    color[w] = 1
                    pos[w] = len(stack_v)
                    stack_v.append(w)
                    stack_i.append(first[w])
                elif cw == 1:  # back edge: closes a cycle; reported, not followed
                    back[i] = 1
                    if len(cycles) < MAX_CYCLES:
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
        if first[root] < first[root + 1] and not color[root]:
            walk(root)
    kids, kid_conns = _children(adj, back)
    return _Graph(ids, kids, kid_conns, entries, post[:reach_count], cycles)


def _children(adj: _Adjacency, back: bytearray) -> tuple[list[tuple[int, ...]], list[tuple[str, ...]]]:
    """Each block's calls as tuples, the connections that close a cycle (``back``) left out."""
    first, slot_target, slot_conn = adj.first, adj.target, adj.conn
    n = len(first) - 1
    kids: list[tuple[int, ...]] = [()] * n
    kid_conns: list[tuple[str, ...]] = [()] * n
    cyclic = any(back)
    for v in range(n):
        a, b = first[v], first[v + 1]
        if a == b:
            continue
        if cyclic:
            kept = [k for k in range(a, b) if not back[k]]
            kids[v] = tuple(slot_target[k] for k in kept)
            kid_conns[v] = tuple(slot_conn[k] for k in kept)
        else:
            kids[v] = tuple(slot_target[a:b])
            kid_conns[v] = tuple(slot_conn[a:b])
    return kids, kid_conns


def _num(own: Props, defaults: Props, name: str, default: float = 0.0) -> float:
    """A numeric prop as float, as ``Component.num`` reads it: the block's ``own`` prop, else its kind's
    ``defaults`` (read from the two dicts directly: no merged dict per block, no method call)."""
    value = own[name] if name in own else defaults.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _latency_params(own: Props, defaults: Props) -> tuple[float, float, bool, float, bool]:
    """(p99, p50 used, missing, hit rate, parallel) of a block from its own props and its kind's defaults;
    see the module docstring."""
    hit = min(max(_num(own, defaults, "hit_rate"), 0.0), 1.0)
    parallel = (own["calls"] if "calls" in own else defaults.get("calls")) == "parallel"
    # p50 comes from where p99 comes from: a block that sets its own p99 is not described by its kind's p50
    source = own if "p99_ms" in own else defaults
    missing = source.get("p99_ms") is None
    p99 = max(_num(own, defaults, "p99_ms"), 0.0)
    if p99 <= 0.0:
        return 0.0, 0.0, missing, hit, parallel
    own_p50 = source.get("p50_ms")
    p50 = p99 / 3.0
    if isinstance(own_p50, int | float) and not isinstance(own_p50, bool):
        p50 = float(own_p50)
    p50 = min(max(p50, p99 / 1000.0), p99)
    return p99, p50, missing, hit, parallel


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


class _Blocks:
    """Per block position, what the analysis reads of the blocks on request paths (zero elsewhere)."""

    def __init__(self, parts: _Parts, reach: list[int]) -> None:
        n = len(parts.ids)
        self.p99 = [0.0] * n
        self.p50 = [0.0] * n
        self.missing = [False] * n  # no p99_ms (own or default), clients excepted
        self.hit = [0.0] * n
        self.parallel = [False] * n
        by_kind: dict[str, tuple[float, float, bool, float, bool]] = {}
        for v in reach:
            own, kind = parts.props[v], parts.kinds[v]
            if own.keys().isdisjoint(LATENCY_PROPS):  # as its kind: computed once per kind
                params = by_kind.get(kind)
                if params is None:
                    params = by_kind[kind] = _latency_params({}, KINDS[kind].props)
            else:
                params = _latency_params(own, KINDS[kind].props)
            self.p99[v], self.p50[v], missing, self.hit[v], self.parallel[v] = params
            self.missing[v] = missing and kind != "client"


def analyze(design: Design, samples: int = 20_000, seed: int = 0) -> Analysis:
    """Compute paths, latency (conservative and simulated), capacity and cost of a design."""
    parts = _Parts.of(design)
    g = _request_graph(design, parts)
    b = _Blocks(parts, g.reach_post)
    p99, p50, kids_of = b.p99, b.p50, g.kids

    # conservative sums, once per block, children first
    n = len(g.ids)
    t99 = [0.0] * n
    t50 = [0.0] * n
    for v in g.reach_post:
        kids = kids_of[v]
        if kids:
            combine = max if b.parallel[v] else sum
            t99[v] = p99[v] + combine([t99[w] for w in kids])
            t50[v] = p50[v] + combine([t50[w] for w in kids])
        else:
            t99[v], t50[v] = p99[v], p50[v]

    with np.errstate(over="ignore", invalid="ignore"):  # a huge DAG of sequential diamonds may reach inf
        sim, n_samples = _simulate(g, b, samples, seed)

    sla = design.requirements.sla_p99_ms
    ids = g.ids
    paths = []
    for entry in g.entries:
        blocks, conns = _call_tree(entry, g)
        critical = _critical(entry, kids_of, b.parallel, t99)
        sim_p50, sim_p99 = sim[entry]
        paths.append(
            RequestPath(
                entry=ids[entry],
                blocks=tuple([ids[v] for v in blocks]),
                connections=tuple(conns),
                critical=tuple([ids[v] for v in critical]),
                contributions=tuple([(ids[v], p99[v]) for v in critical]),
                p99_sum_ms=t99[entry],
                p50_sum_ms=t50[entry],
                sim_p50_ms=sim_p50,
                sim_p99_ms=sim_p99,
                sla_ms=sla,
                missing_latency=tuple([ids[v] for v in blocks if b.missing[v]]),
            )
        )

    lines = _cost(parts)
    return Analysis(
        paths=tuple(paths),
        capacity=_capacity(design, parts, g, b.hit),
        cost=lines,
        cost_per_month=sum(line.total for line in lines),
        cycles=tuple(g.cycles),
        sim_samples=n_samples,
    )


def _call_tree(entry: int, g: _Graph) -> tuple[list[int], list[str]]:
    """The blocks one entry's requests reach, depth first, first call first (the order in which blocks are first
    called), and the request connections of that tree."""
    blocks: list[int] = []
    conns: list[str] = []
    done: set[int] = set()
    stack = [entry]
    kids_of, kid_conns = g.kids, g.kid_conns
    while stack:
        v = stack.pop()
        if v in done:  # a block called from two branches is listed once, where it is first called
            continue
        done.add(v)
        blocks.append(v)
        kids = kids_of[v]
        if kids:
            conns.extend(kid_conns[v])
            stack.extend(reversed(kids))
    return blocks, conns


LITTLE_ENDIAN = sys.byteorder == "little"
UNIT = np.float32(2.0**-24)  # numpy's float32 uniform is (32 random bits >> 8) * 2**-24
TWO_PI = np.float32(2.0 * math.pi)
CHUNK_PAIRS = 1 << 15  # (u1, u2) pairs per Box-Muller chunk: small enough to stay in the CPU cache between
# steps, large enough that numpy's per-call overhead (a dozen calls per chunk) stays small


def _uniform_bits(bitgen: np.random.PCG64, origin: np.random.PCG64, start: int, count: int
                  ) -> npt.NDArray[np.uint32]:
    """The 24-bit integers k (each uniform is k * 2**-24) of the float32 uniforms number ``start`` to
    ``start + count - 1`` that ``Generator.random(dtype=np.float32)`` draws from the generator ``origin``.

    Speed trick: numpy makes each float32 uniform from 32 bits of the generator's 64-bit words, the low half
    of a word first, then the high half. Jumping to the right word (``advance``) and drawing raw words is about
    twice as fast as ``Generator.random``, and lets the simulation draw any slice of the stream it needs when
    it needs it. ``bitgen`` is a scratch generator (set to ``origin``'s state, which is left as it is). On a
    big-endian machine the halves come out in the other order, so ``Generator.random`` itself is used there.
    The tests check that both ways give the same numbers.
    """
    bitgen.state = origin.state
    if not LITTLE_ENDIAN:
        bitgen.advance(start // 2)
        drawn = np.random.Generator(bitgen).random(start % 2 + count, dtype=np.float32)[start % 2:]
        return (drawn * np.float32(2.0**24)).astype(np.uint32)
    bitgen.advance(start // 2)
    skip = start % 2  # the slice starts at the high half of a word
    bits = bitgen.random_raw((skip + count + 1) // 2).view(np.uint32)[skip:skip + count]
    np.right_shift(bits, np.uint32(8), out=bits)
    return bits


class _LatencySamples:
    """The lognormal latency samples of the timed blocks, one row of ``cols`` samples per (mu, sigma), drawn a
    chunk of rows at a time when first asked for.

    Row r is exp(mu + sigma * z) with z standard normal in float32 by the Box-Muller transform (about 2.5x
    faster than ``Generator.standard_normal``): ``half = ceil(cols / 2)`` pairs (u1, u2) of uniforms give
    z = sqrt(-2 ln(1 - u1)) * cos(2 pi u2) in the first half of the row and the same with sin in the second
    (the last one dropped when ``cols`` is odd). All u1 of all rows come first in the generator's stream, then
    all u2: ``uniforms_used`` of them in all.

    Speed trick: the simulation asks for the rows in order, so only one chunk of rows is held at a time. The
    chunk's arrays stay in the CPU cache across the dozen elementwise steps and a large design's samples never
    need tens of megabytes of fresh memory (whose first use costs a page fault per 4 KB). Each step is the same
    float32 operation as on whole arrays, so the samples are bit for bit those of drawing everything at once.
    """

    def __init__(self, seed: int, params: list[tuple[float, float]], cols: int) -> None:
        self.origin = np.random.PCG64(seed)  # the stream's start, what np.random.default_rng(seed) draws from
        self.rows = len(params)
        self.cols = cols
        self.half = (cols + 1) // 2
        self.uniforms_used = 2 * self.rows * self.half
        self.mu_sigma = np.array(params, dtype=np.float32).reshape(self.rows, 2)
        self.step = max(1, CHUNK_PAIRS // self.half)  # rows per chunk
        size = (min(self.step, self.rows), self.half)
        self.chunk = np.empty((size[0], 2 * self.half), dtype=np.float32)
        self.radius = np.empty(size, dtype=np.float32)
        self.angle = np.empty(size, dtype=np.float32)
        self.first = self.stop = 0  # rows held in ``chunk``
        self.bitgen = np.random.PCG64()

    def row(self, r: int) -> FloatArray:
        """Row ``r``'s samples; a view that the next chunk overwrites (copy what is kept)."""
        if not self.first <= r < self.stop:
            self._draw(r)
        return self.chunk[r - self.first, : self.cols]

    def _draw(self, a: int) -> None:
        b = min(self.rows, a + self.step)
        half, n = self.half, b - a
        z, r, t = self.chunk[:n], self.radius[:n], self.angle[:n]
        u1 = _uniform_bits(self.bitgen, self.origin, a * half, n * half).reshape(n, half)
        u2 = _uniform_bits(self.bitgen, self.origin, (self.rows + a) * half, n * half).reshape(n, half)
        np.copyto(r, u1, casting="unsafe")  # k is exact in float32 (below 2**24)
        r *= UNIT
        np.subtract(np.float32(1.0), r, out=r)  # (0, 1]: log is finite
        np.log(r, out=r)
        r *= np.float32(-2.0)
        np.sqrt(r, out=r)
        np.copyto(t, u2, casting="unsafe")
        t *= UNIT
        t *= TWO_PI
        np.cos(t, out=z[:, :half])
        np.sin(t, out=z[:, half:])
        z[:, :half] *= r
        z[:, half:] *= r
        samples = z[:, : self.cols]
        samples *= self.mu_sigma[a:b, 1:2]
        samples += self.mu_sigma[a:b, 0:1]
        np.exp(samples, out=samples)
        self.first, self.stop = a, b


def _simulate(g: _Graph, b: _Blocks, samples: int, seed: int) -> tuple[dict[int, tuple[float, float]], int]:
    """Simulated (p50, p99) end-to-end latency of each entry block, and the samples drawn per block.

    The generator's stream is used as in drawing every timed block's samples first (in post order), then one
    uniform per sample of each cache block with callees (a miss when at least its hit rate).
    A block's samples are freed once every block calling it has used them (entries' are kept).
    """
    order = g.reach_post
    s = _sim_samples(samples, max(len(order), 1))
    p99, p50, hit, kids_of = b.p99, b.p50, b.hit, g.kids
    timed = [v for v in order if p99[v] > 0.0]
    own = _LatencySamples(seed, [_lognormal(p99[v], p50[v]) for v in timed], s)
    bitgen = np.random.PCG64(seed)  # what np.random.default_rng(seed) draws from
    bitgen.advance(own.uniforms_used // 2)  # past the samples' uniforms (two per 64-bit word)
    rng = np.random.Generator(bitgen)
    cached = [v for v in order if hit[v] > 0.0 and kids_of[v]]
    rates = np.array([hit[v] for v in cached], dtype=np.float32).reshape(-1, 1)
    miss = rng.random((len(cached), s), dtype=np.float32) >= rates

    n = len(kids_of)
    row_of = [-1] * n  # row of each timed block's samples
    for r, v in enumerate(timed):
        row_of[v] = r
    miss_row = [-1] * n  # row of each cache block's misses
    for r, v in enumerate(cached):
        miss_row[v] = r
    callers = [0] * n  # calls still to be combined, per block
    for v in order:
        for w in kids_of[v]:
            callers[w] += 1
    keep = set(g.entries)
    zero = np.zeros(s, dtype=np.float32)
    zero.setflags(write=False)
    scratch = np.empty(s, dtype=np.float64)
    total: list[FloatArray | None] = [None] * n
    parallel = b.parallel
    for v in order:  # results are never modified in place: a block's samples are shared by its callers
        kids = kids_of[v]
        r = row_of[v]
        if not kids:
            total[v] = zero if r < 0 else own.row(r).copy()
            continue
        down = _get(total, kids[0])
        if len(kids) > 1:
            combine = np.maximum if parallel[v] else np.add
            down = combine(down, _get(total, kids[1]))
            for w in kids[2:]:
                combine(down, _get(total, w), out=down)
        if miss_row[v] >= 0:
            down = np.where(miss[miss_row[v]], down, np.float32(0.0))
        for w in kids:  # free what no other caller needs
            callers[w] -= 1
            if not callers[w] and w not in keep:
                total[w] = None
        total[v] = down if r < 0 else own.row(r) + down
    return {e: _p50_p99(_get(total, e), scratch) for e in g.entries}, s


def _p50_p99(samples: FloatArray, scratch: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The 50th and 99th percentiles of float32 samples, computed in float64 (numpy's linear interpolation).

    ``scratch`` (as long as ``samples``) receives the float64 copy, which ``np.percentile`` may then reorder:
    the same numbers as a percentile over a stack of every entry's samples, with no large array to allocate.
    """
    np.copyto(scratch, samples)
    q = np.percentile(scratch, [50.0, 99.0], overwrite_input=True)
    return float(q[0]), float(q[1])


def _get(total: list[FloatArray | None], v: int) -> FloatArray:
    """Block v's simulated samples (an error if they were freed too early)."""
    found = total[v]
    if found is None:
        raise RuntimeError(f"simulated samples of block {v} were freed before use")
    return found


def _critical(entry: int, kids_of: list[tuple[int, ...]], parallel: list[bool], t99: list[float]) -> list[int]:
    """The blocks that make up the conservative p99, in call order: every callee of a sequential block, the
    slowest callee of a parallel one. Capped at ``MAX_CRITICAL`` entries."""
    out: list[int] = []
    stack = [entry]
    while stack and len(out) < MAX_CRITICAL:
        v = stack.pop()
        out.append(v)
        kids = kids_of[v]
        if not kids:
            continue
        if parallel[v]:
            best = kids[0]
            for w in kids[1:]:
                if t99[w] > t99[best]:
                    best = w
            stack.append(best)
        else:
            stack.extend(reversed(kids))
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


def _capacity(design: Design, parts: _Parts, g: _Graph, hit: list[float]) -> dict[str, TierCapacity]:
    comps = design.components
    req = design.requirements
    qps = [0.0] * len(comps)
    serving = [e for e in g.entries if is_serving_entry(comps[e])] or g.entries
    if req.peak_qps is not None and serving:
        declared = {}
        for e in serving:
            own, defaults = comps[e].props, KINDS[comps[e].kind].props
            if "traffic_share" in own or "traffic_share" in defaults:
                declared[e] = _num(own, defaults, "traffic_share")
        rest = [e for e in serving if e not in declared]
        left = max(0.0, 1.0 - math.fsum(declared.values()))
        for e in serving:
            share = declared[e] if e in declared else left / len(rest)
            qps[e] += req.peak_qps * share
    kids_of = g.kids
    for v in reversed(g.reach_post):  # parents before children
        kids = kids_of[v]
        if not kids:
            continue
        passed = qps[v] * (1.0 - hit[v])
        for w in kids:
            qps[w] += passed
    out: dict[str, TierCapacity] = {}
    by_kind: dict[str, tuple[int, float | None]] = {}
    for v in sorted(g.reach_post):  # design order
        own, kind, block = parts.props[v], parts.kinds[v], parts.ids[v]
        if "replicas" in own or "qps_per_replica" in own:
            replicas, per_replica = _sizing(own, KINDS[kind].props)
        else:  # sized as its kind: computed once per kind
            sized = by_kind.get(kind)
            if sized is None:
                sized = by_kind[kind] = _sizing({}, KINDS[kind].props)
            replicas, per_replica = sized
        capacity = replicas * per_replica if per_replica is not None else None
        peak = qps[v]
        needed = None
        if per_replica is not None and req.peak_qps is not None:
            replicas_needed = peak * (1.0 + req.headroom) / per_replica
            if math.isfinite(replicas_needed):  # rounded first: 1000 * 1.3 / 100 is 13, not 14
                needed = math.ceil(round(replicas_needed, 9))
        headroom = capacity / peak - 1.0 if capacity is not None and peak > 0 else None
        out[block] = TierCapacity(block, peak, replicas, per_replica, capacity, needed, headroom)
    return out


def _sizing(own: Props, defaults: Props) -> tuple[int, float | None]:
    """(replicas, QPS per replica or None when not declared) of a block."""
    per = _num(own, defaults, "qps_per_replica")
    return int(_num(own, defaults, "replicas", 1.0)), (per if per > 0 else None)


def _block_cost(own: Props, defaults: Props) -> tuple[float, float]:
    """(compute, storage) per month of one block."""
    compute = _num(own, defaults, "replicas", 1.0) * _num(own, defaults, "cost_per_hour") * HOURS_PER_MONTH
    storage = _num(own, defaults, "storage_gb") * _num(own, defaults, "cost_per_gb_month")
    return compute, storage


def _cost(parts: _Parts) -> tuple[CostLine, ...]:
    lines = []
    by_kind: dict[str, tuple[float, float]] = {}
    for block, kind, own in zip(parts.ids, parts.kinds, parts.props, strict=True):
        if own.keys().isdisjoint(COST_PROPS):  # costs what its kind costs: computed once per kind
            found = by_kind.get(kind)
            if found is None:
                found = by_kind[kind] = _block_cost({}, KINDS[kind].props)
            compute, storage = found
        else:
            compute, storage = _block_cost(own, KINDS[kind].props)
        if compute or storage:
            lines.append(CostLine(block, compute, storage))
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
