"""Where each number comes from: a path's p99 taken apart per hop, a tier's queue, a block's cost lines.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- **A path's p99, per hop.** The p99 at peak is a quantile of sampled end-to-end times (``latency``). Each
  sample is a sum along the calls that sample actually waited for: every callee of a sequential block, the
  slowest callee of a parallel one (per sample), nothing below a cache that hit. So each sample's time splits
  exactly into the hops it went through, and each hop's own time into:
  - ``service``: its lognormal service time (work per item included; ``service``);
  - ``wait``: its queueing wait, ``max(0, E + ln C)/theta`` (Erlang C with Allen–Cunneen, ``queueing``);
  - ``batch``: the wait for its batch to fill (``capacity``);
  - ``fanout``: for a sharded block, the slowest of n shards minus one shard at the same quantile (a hedged
    block's hedging is inside its service and wait);
  - ``network``: 0 — the model has no separate network time: each block's declared p50/p99 include its own
    network round trip (what a client-side timer measures), so a hop's network time is inside its ``service``.
  The explanation takes the samples ranked around the p99 (the ``WINDOW`` share either side of the 99th
  percentile rank), replays the same draws the analysis used (``Sampler.own`` and the same combination, so the
  replayed p99 is the analysis's exactly), and averages each hop's parts over those samples. Their sum is the
  mean time of those samples, within a few per cent of the p99; the parts are scaled by ``p99 / that mean``
  (``scale``, reported) so that they add up to the path's p99 exactly. Read: "at the p99, this is where the
  time goes". ``counted`` is the share of those samples in which the hop was on the way (below 1 for a
  parallel branch that is not always the slowest, or behind a cache).
- **A tier.** Arrival rate at peak (after caches upstream, fan-out and per-candidate reads: ``traffic``,
  ``store_work``), replicas running, servers (replicas × Little's-law parallelism), capacity, utilisation =
  rate / capacity, P(wait) (Erlang C), p99 of the wait, and the replicas the peak with headroom needs.
- **A block's cost.** Its cost line (``cost``): what is billed, at which price, for how many hours or requests.

Checked against something outside this code (``tests/test_explain.py``): a tier's P(wait) equals Erlang C
computed from its textbook sum in exact fractions (Kleinrock, Queueing Systems vol. 1, §3.5) at the tier's servers
and offered load, and the replayed p99 of every path of every example and reference design equals the analysis's
own figure to the last bit (so the parts add up to the number the report shows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlsd.analysis.capacity import TierCapacity, TierState
from mlsd.analysis.cost import CostLine, cost_table
from mlsd.analysis.latency import REUSE_SHIFT, Row, shard_cdf
from mlsd.analysis.network import Analysis, LoadModel, RequestPath

WINDOW = 0.005  # samples ranked within this share either side of the p99 rank are averaged
MAX_VISITS = 200_000  # hop visits replayed at most (a DAG of sequential diamonds doubles them at each step)
PARTS = ("network", "wait", "batch", "service", "fanout")
NETWORK_NOTE = ("network time is inside each block's declared latency (the model has no separate network hop: a "
                "block's p50/p99 are what its caller's timer measures)")

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Hop:
    """One block's share of a path's p99 (ms), split into its parts; ``counted``: share of the samples around the
    p99 in which the request went through it (a block called twice counts twice)."""

    block: str
    counted: float
    network_ms: float
    wait_ms: float
    batch_ms: float
    service_ms: float
    fanout_ms: float

    @property
    def total_ms(self) -> float:
        return self.network_ms + self.wait_ms + self.batch_ms + self.service_ms + self.fanout_ms


@dataclass(frozen=True)
class PathExplanation:
    """A path's p99 at peak taken apart per hop (``hops`` add up to ``p99_ms``); ``saturated`` names the tiers
    that leave it without a p99 (``hops`` then empty)."""

    entry: str
    p99_ms: float | None
    sla_ms: float | None
    peak_qps: float
    hops: tuple[Hop, ...]
    scale: float  # p99 / mean of the samples around it (the parts are scaled by it)
    samples: int  # samples around the p99 that were averaged
    saturated: tuple[str, ...] = ()
    note: str = NETWORK_NOTE

    def parts_ms(self) -> dict[str, float]:
        """The path's p99 split by part, summed over hops."""
        return {p: sum(getattr(h, f"{p}_ms") for h in self.hops) for p in PARTS}


@dataclass(frozen=True)
class TierExplanation:
    """A tier's figures and how each is derived (``lines``: one formula each)."""

    block: str
    figures: dict[str, float | int | None]
    lines: tuple[str, ...]


def explain_path(analysis: Analysis, entry: str, replay: _Replay | None = None) -> PathExplanation:
    """The p99 of the path starting at ``entry`` split into per-hop parts (see the module docstring)."""
    path = _path(analysis, entry)
    m = _model(analysis)
    if path.p99_ms is None:
        return PathExplanation(entry, None, path.sla_ms, path.peak_qps, (), 1.0, 0, path.saturated)
    replay = replay or _Replay(m)
    e = m.index[entry]
    total = replay.total[e]
    if total is None:
        return PathExplanation(entry, path.p99_ms, path.sla_ms, path.peak_qps, (), 1.0, 0)
    s = replay.s
    order = np.argsort(total, kind="stable")
    rank = min(int(0.99 * (s - 1)), s - 1)
    half = max(1, int(WINDOW * s))
    window = order[max(0, rank - half): min(s, rank + half + 1)]
    sums, counts, seen = replay.attribute(e, window.astype(np.int64))
    w = float(len(window))
    mean = sum(float(x.sum()) for x in sums.values()) / w  # the window's mean time, as the sum of its parts
    scale = path.p99_ms / mean if mean > 0 else 1.0
    hops = []
    for v in seen:
        parts = sums[v] * (scale / w)
        hops.append(Hop(m.parts.ids[v], counts[v] / w, float(parts[0]), float(parts[1]), float(parts[2]),
                        float(parts[3]), float(parts[4])))
    return PathExplanation(entry, path.p99_ms, path.sla_ms, path.peak_qps, tuple(hops), scale, len(window))


def explain_paths(analysis: Analysis) -> list[PathExplanation]:
    """Every path's p99 taken apart (one replay of the draws for all)."""
    replay = _Replay(_model(analysis))
    return [explain_path(analysis, p.entry, replay) for p in analysis.paths]


def explain_tier(analysis: Analysis, block: str) -> TierExplanation | None:
    """A block's capacity figures and their formulas (None for a block on no request path)."""
    t = analysis.capacity.get(block)
    if t is None:
        return None
    m = _model(analysis)
    headroom = m.headroom
    s = m.service(block)
    lines = [f"arrival rate at peak: {num(t.peak_qps)} req/s (the peak along request connections, after caches "
             "upstream and fan-out" + (f"; {num(t.per_item_qps)} req/s of it per-candidate store reads" if
                                       t.per_item_qps else "") + ")"]
    figures: dict[str, float | int | None] = {
        "arrival_rate_qps": t.peak_qps, "replicas": t.replicas, "qps_per_replica": t.qps_per_replica,
        "capacity_qps": t.capacity_qps, "utilisation": t.utilisation, "servers": t.servers, "p_wait": t.p_wait,
        "wait_p99_ms": t.wait_p99_ms, "needed_replicas": t.needed_replicas, "headroom": t.headroom,
        "shards": t.shards,
    }
    if t.scales_with_load:
        lines.append("managed, no declared ceiling: the provider scales it, its capacity is the load it carries")
    if t.qps_per_replica is not None and t.capacity_qps is not None and not t.scales_with_load:
        declared = t.declared_qps_per_replica
        per = f"{num(t.qps_per_replica)} req/s per replica"
        if s is not None and s.batch_ms > 0.0:
            per += (f" (batch cost model: 1000 × {s.batch_size} / ({s.batch_overhead_ms or 0:g} + {s.batch_size} × "
                    f"{num(s.work_ms or s.ms_per_item)}) ms per batch = {num(s.batch_ms)} ms)")
        elif declared is not None and t.qps_per_replica < declared and s is not None:
            per += (f" (declared {num(declared)}, lowered by its work: {num(s.items)} items × {s.ms_per_item:g} ms = "
                    f"{num(s.work_ms)} ms of a replica per request → 1000 / {num(s.work_ms)})")
        lines.append(f"capacity: {t.replicas} replicas × {per} = {num(t.capacity_qps)} req/s"
                     + (" per shard" if t.shards > 1 else ""))
    if t.utilisation is not None:
        lines.append(f"utilisation: {num(t.peak_qps)} / {num(t.capacity_qps or 0)} = {t.utilisation:.1%}"
                     + (" — saturated: the queue grows without bound" if t.saturated else ""))
    if t.headroom is not None and t.capacity_qps is not None:
        lines.append(f"headroom: {num(t.capacity_qps)} / {num(t.peak_qps)} − 1 = {t.headroom:+.0%} (required "
                     f"{headroom:.0%}: requirements.headroom)")
    if t.servers is not None and s is not None and t.queued:
        lines.append(f"servers: {t.replicas} replicas × {s.servers} in flight per replica (Little's law: "
                     f"{num(s.qps_per_replica or 0)} req/s × {s.mean_ms:,.3g} ms mean service, rounded) = {t.servers}")
    if t.p_wait is not None and not t.saturated:
        lines.append(f"P(wait) = {t.p_wait:.4g} (Erlang C, c = {t.servers}, offered load a = c × utilisation = "
                     f"{(t.servers or 0) * (t.utilisation or 0):,.6g})")
        if s is not None:
            lines.append(f"p99 of the wait: {t.wait_p99_ms or 0:,.3g} ms (0 when P(wait) ≤ 1%, else "
                         f"ln(P(wait)/0.01) / theta; theta = (capacity − rate) / ((1 + cs²)/2), cs² = {s.cs2:.3g})")
    if t.needed_replicas is not None:
        lines.append(f"needed: ceil({num(t.peak_qps)} × (1 + {headroom:.0%} headroom) / "
                     f"{num(t.qps_per_replica or 0)}) = {t.needed_replicas} replicas; running {t.replicas}"
                     + (f", can reach {t.reach_replicas} (autoscaling)" if t.reach_replicas not in (None, t.replicas)
                        else ""))
    if t.kind_defaults:
        lines.append("from the kind's defaults (not declared): " + ", ".join(t.kind_defaults))
    return TierExplanation(block, figures, tuple(lines))


def explain_cost(analysis: Analysis, block: str | None = None, names: dict[str, str] | None = None
                 ) -> tuple[list[CostLine], list[str]]:
    """A block's cost lines (all blocks when None) and their text (``cost.cost_table``), with the total and the
    budget when the whole design is asked for."""
    lines = [line for line in analysis.cost if block is None or line.block == block]
    text = cost_table(lines, names)
    if block is None:
        text.append(f"total: ${analysis.cost_per_month:,.0f}/month (the sum of the lines above)")
        if analysis.budget_per_month is not None:
            verdict = "over" if analysis.over_budget else "within"
            text.append(f"budget: ${analysis.budget_per_month:,.0f}/month ({verdict})")
    return lines, text


def num(x: float | None) -> str:
    """A figure for the explanations: thousands separated from 100, three significant digits below."""
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def tier_figure(t: TierCapacity) -> str:
    """A tier in one line: rate, replicas, utilisation."""
    util = f"{t.utilisation:.0%}" if t.utilisation is not None else "n/a"
    return f"{t.block}: {num(t.peak_qps)} req/s on {t.replicas} replicas, {util} busy"


def _path(analysis: Analysis, entry: str) -> RequestPath:
    for p in analysis.paths:
        if p.entry == entry:
            return p
    raise KeyError(f"no request path starts at {entry!r}")


def _model(analysis: Analysis) -> LoadModel:
    if analysis.model is None:
        raise ValueError("this analysis carries no load model")
    return analysis.model


class _Replay:
    """The analysis's draws at peak, combined exactly as ``Sampler.paths`` combines them, keeping each block's
    total, own parts and the rotation of each call (for the attribution of a sample to its hops)."""

    def __init__(self, m: LoadModel) -> None:
        self.m = m
        sampler = m.sampler
        self.s = s = sampler.samples
        g = m.graph
        peak = m.states(m.rates(1.0))
        self.states: dict[int, TierState] = peak
        rows = [Row(peak)]
        n = len(g.ids)
        self.total: list[FloatArray | None] = [None] * n
        self.own: list[FloatArray | None] = [None] * n
        self.shift: dict[tuple[int, int], int] = {}  # (caller, slot) -> rotation of that call's samples
        used = [0] * n
        with np.errstate(over="ignore", invalid="ignore"):
            for v in g.reach_post:
                own = sampler.own(v, rows, s)
                self.own[v] = None if own is None else own[0]
                kids = g.kids[v]
                down: FloatArray | None = None
                if kids:
                    svc = m.services[v]
                    parallel = svc is not None and svc.parallel
                    for slot, w in enumerate(kids):
                        t = self.total[w]
                        if t is None:
                            continue
                        shift = 0
                        if used[w]:
                            shift = (REUSE_SHIFT * used[w]) % s or 1
                            t = np.roll(t, shift)
                        self.shift[(v, slot)] = shift
                        used[w] += 1
                        if down is None:
                            down = t.copy()
                        elif parallel:
                            np.maximum(down, t, out=down)
                        else:
                            down += t
                    miss = sampler.miss[v]
                    if down is not None and miss is not None:
                        down *= miss[:s]
                o = self.own[v]
                self.total[v] = o if down is None else (down if o is None else down + o)

    def parts(self, v: int, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Block v's own time at samples ``idx`` split into PARTS, shape (5, len(idx))."""
        out = np.zeros((len(PARTS), len(idx)), dtype=np.float64)
        sampler = self.m.sampler
        svc = self.m.services[v]
        if svc is None or self.own[v] is None:
            return out
        st = self.states.get(v)
        fill = sampler.fill[v]
        if fill is not None and st is not None and st.batch_fill_ms > 0.0:
            out[2] = fill[idx] * st.batch_fill_ms
        if svc.tabulated:
            u = sampler.shard_u[v]
            assert u is not None
            p_wait = st.p_wait if st is not None else 0.0
            theta = st.theta_per_ms if st is not None else 0.0
            grid, cdf = shard_cdf(svc, p_wait, theta)
            grid0, cdf0 = shard_cdf(svc, 0.0, 0.0)
            uu = u[idx]
            one = np.interp(uu, cdf, grid)
            service = np.interp(uu, cdf0, grid0)
            out[3] = service
            out[1] = one - service
            out[4] = self.own[v][idx] - out[2] - one  # type: ignore[index]
            return out
        base = sampler.service[v]
        if base is not None:
            out[3] = base[idx]
        out[1] = self.own[v][idx] - out[3] - out[2]  # type: ignore[index]  # the wait, as the sampler added it
        return out

    def attribute(self, entry: int, window: npt.NDArray[np.int64]
                  ) -> tuple[dict[int, npt.NDArray[np.float64]], dict[int, float], list[int]]:
        """Sum over the ``window`` samples of each hop's parts, how many times each hop was on the way, and the
        hops in the order they are first called."""
        g, s = self.m.graph, self.s
        sums: dict[int, npt.NDArray[np.float64]] = {}
        counts: dict[int, float] = {}
        seen: list[int] = []
        ones = np.ones(len(window), dtype=np.float64)
        stack: list[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]] = [(entry, window, ones)]
        visits = 0
        while stack and visits < MAX_VISITS:
            v, idx, weight = stack.pop()
            visits += 1
            if not weight.any():
                continue
            if v not in sums:
                seen.append(v)
            parts = self.parts(v, idx)
            sums[v] = sums.get(v, 0.0) + (parts * weight).sum(axis=1)
            counts[v] = counts.get(v, 0.0) + float(weight.sum())
            kids = g.kids[v]
            if not kids:
                continue
            miss = self.m.sampler.miss[v]
            passed = weight * miss[idx] if miss is not None else weight
            calls = [(w, (idx - self.shift[(v, slot)]) % s) for slot, w in enumerate(kids) if (v, slot) in self.shift]
            svc = self.m.services[v]
            if svc is not None and svc.parallel and len(calls) > 1:
                times = np.stack([self.total[w][i] for w, i in calls])  # type: ignore[index]
                slowest = np.argmax(times, axis=0)
                for k in range(len(calls) - 1, -1, -1):
                    w, i = calls[k]
                    stack.append((w, i, passed * (slowest == k)))
            else:
                for w, i in reversed(calls):
                    stack.append((w, i, passed))
        return sums, counts, seen


def hop_dict(h: Hop) -> dict[str, float | str]:
    """A hop as JSON-ready data."""
    return {"block": h.block, "counted": h.counted, "network_ms": h.network_ms, "wait_ms": h.wait_ms,
            "batch_ms": h.batch_ms, "service_ms": h.service_ms, "fanout_ms": h.fanout_ms, "total_ms": h.total_ms}


def path_dict(p: PathExplanation) -> dict[str, object]:
    """A path explanation as JSON-ready data."""
    return {"entry": p.entry, "p99_ms": p.p99_ms, "sla_ms": p.sla_ms, "peak_qps": p.peak_qps,
            "saturated_tiers": list(p.saturated), "scale": p.scale if math.isfinite(p.scale) else None,
            "samples": p.samples, "parts_ms": p.parts_ms(), "hops": [hop_dict(h) for h in p.hops], "note": p.note}
