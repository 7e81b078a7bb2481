"""End-to-end latency of request paths at a load: per-tier sojourn times combined along the call tree by sampling.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Each block a request reaches takes, per request, its service time plus, for a queued tier, its queueing wait
plus, for a batching tier, the wait for its batch to fill:
- service: lognormal fitted to its light-load p50/p99 (``service``), drawn with numpy's ``standard_normal``;
- wait: 0 with probability 1 − C and exponential with rate theta otherwise (``queueing``: Erlang C with the
  Allen–Cunneen correction), drawn by inverse transform from one standard exponential E per request:
  ``W = max(0, E + ln C) / theta`` (``P(W > t) = C·e^{−theta·t}``);
- batch fill: uniform between 0 and the longest fill time (``capacity``);
- shards and hedging: the slowest of n shard sojourn times (n = 1 without shards), drawn by inverse transform
  ``F⁻¹(U^{1/n})`` of the per-shard sojourn CDF (computed on a grid); with hedged requests the per-shard time is
  ``min(T₁, d + T₂)``, d its p95.
A sequential block adds its callees' times, a parallel one waits for the slowest, a cache skips its callees
when it hits (with probability ``hit_rate``). A block called from two places is called twice per request, and
the two calls take different times: the second uses the same draws rotated by a fixed number of samples (the
samples of other requests), so each call is independent of the other and every load sees the same numbers.
Tiers are independent of each other (their waits are not correlated), which a ciw simulation of the same network
checks (``simulation``).

The same random numbers are used at every load (common random numbers), so a path's p99 never goes down when
the load goes up, and a ramp is smooth. A path through a saturated tier (utilisation ≥ 1) has no p99: it is
reported as saturated. The number of samples per block shrinks on large designs so that at most
``MAX_SIM_VALUES`` random numbers are drawn, half that on a design with hundreds of blocks on request paths
(never fewer than ``MIN_SIM_SAMPLES`` per block); a seed always gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlsd.analysis.capacity import TierState
from mlsd.analysis.distributions import row_quantiles, sojourn_cdf_grid
from mlsd.analysis.paths import Graph
from mlsd.analysis.service import HEDGE_QUANTILE, Service

MODEL_NAME = "queueing model (M/G/c per tier)"
MODEL_DESCRIPTION = (
    "p99 from the queueing model: lognormal service per block fitted to its p50/p99 (work per item included), "
    "each self-run tier an M/G/c queue (Poisson arrivals, FCFS, Erlang C with the Allen–Cunneen correction, "
    "servers by Little's law), combined along the calls by sampling")
MAX_SIM_VALUES = 2_000_000  # random numbers drawn in all, across blocks on request paths ...
LARGE_DESIGN_ARRAYS = 200  # ... and half that on a design needing more arrays of draws than this (hundreds of blocks)
MIN_SIM_SAMPLES = 200  # never fewer samples per block than this
SATURATED = np.float32(1e30)  # the time of a request through a saturated tier: "never", kept finite
REUSE_SHIFT = 7_919  # samples by which a block's draws are rotated for each further call of it (a prime)

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PathLatency:
    """p50 and p99 of one path's end-to-end latency at one load (None when a tier on it is saturated)."""

    p50_ms: float | None
    p99_ms: float | None


@dataclass(frozen=True)
class Row:
    """One situation to evaluate: the tier states at a load, and the blocks that are down. A ``lost`` block takes
    no time and calls nothing (its caller gets an error, or its fallback's answer); a ``bypassed`` cache takes no
    time and passes every request on to what it fronts."""

    states: dict[int, TierState]
    lost: frozenset[int] = frozenset()
    bypassed: frozenset[int] = frozenset()


def sample_count(requested: int, arrays: int) -> int:
    """Samples per block when ``arrays`` arrays of random numbers are needed (see the module docstring)."""
    if requested <= 0:
        raise ValueError(f"samples must be positive, got {requested}")
    budget = MAX_SIM_VALUES if arrays <= LARGE_DESIGN_ARRAYS else MAX_SIM_VALUES // 2
    if arrays * requested <= budget:
        return requested
    return min(requested, max(MIN_SIM_SAMPLES, budget // max(arrays, 1)))


Draws = tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.float64], FloatArray]
_DRAWS: dict[tuple[int, ...], Draws] = {}
KEPT_DRAWS = 4  # sets of raw draws kept for reuse (a Board edit keeps the design's shape: the same draws serve)


def raw_draws(seed: int, count: int, timed: int, queued: int, batching: int, sharded: int, cached: int) -> Draws:
    """The parameter-free random numbers of a design's shape, drawn from ``np.random.default_rng(seed)`` in this
    order: standard normals (one row per timed block), standard exponentials (per queued tier), uniforms (per
    batching tier), float64 uniforms (per sharded or hedged block), uniforms (per cache with callees); ``count``
    per row. They depend only on the seed and these counts, so the last few sets are kept and reused (read-only):
    a design edited on the Board, or checked again, pays only for turning them into its latencies."""
    key = (seed, count, timed, queued, batching, sharded, cached)
    found = _DRAWS.get(key)
    if found is None:
        rng = np.random.default_rng(seed)
        found = (rng.standard_normal((timed, count), dtype=np.float32),
                 rng.standard_exponential((queued, count), dtype=np.float32),
                 rng.random((batching, count), dtype=np.float32),
                 rng.random((sharded, count)),
                 rng.random((cached, count), dtype=np.float32))
        for array in found:
            array.setflags(write=False)
        if len(_DRAWS) >= KEPT_DRAWS:
            _DRAWS.pop(next(iter(_DRAWS)))
        _DRAWS[key] = found
    return found


class Sampler:
    """The random draws of every block on a request path, made once, and the end-to-end latency they give at any
    set of tier states."""

    def __init__(self, g: Graph, services: Sequence[Service | None], samples: int, seed: int,
                 quantile: float = 0.99) -> None:
        self.g = g
        self.quantile = quantile  # the upper percentile reported as ``p99`` (the SLA percentile; 0.99 by default)
        self.services = services
        reached = [(v, svc) for v in g.reach_post if (svc := services[v]) is not None]
        timed = [v for v, svc in reached if svc.timed and not svc.tabulated]
        queued = [v for v, svc in reached if svc.queued and not svc.tabulated]
        batching = [v for v, svc in reached if svc.batch_size > 1 and svc.batch_wait_ms > 0]
        sharded = [v for v, svc in reached if svc.tabulated]
        cached = [v for v, svc in reached if svc.hit_rate > 0 and g.kids[v]]
        by_position = dict(reached)
        arrays = len(timed) + len(queued) + len(batching) + len(sharded) + len(cached)
        self.samples = count = sample_count(samples, max(arrays, 1))
        n = len(g.ids)
        self.service: list[FloatArray | None] = [None] * n
        self.expo: list[FloatArray | None] = [None] * n
        self.fill: list[FloatArray | None] = [None] * n
        self.shard_u: list[npt.NDArray[np.float64] | None] = [None] * n
        self.miss: list[npt.NDArray[np.bool_] | None] = [None] * n
        z, e, b, u, m = raw_draws(seed, count, len(timed), len(queued), len(batching), len(sharded), len(cached))
        if timed:  # each block's row is a view of one array
            service = z * np.array([by_position[v].sigma for v in timed], dtype=np.float32)[:, None]
            service += np.array([by_position[v].mu for v in timed], dtype=np.float32)[:, None]
            np.exp(service, out=service)
            for r, v in enumerate(timed):
                self.service[v] = service[r]
        for r, v in enumerate(queued):
            self.expo[v] = e[r]
        for r, v in enumerate(batching):
            self.fill[v] = b[r]
        for r, v in enumerate(sharded):
            self.shard_u[v] = u[r]
        if cached:
            rates = np.array([by_position[v].hit_rate for v in cached], dtype=np.float32)[:, None]
            hits = m >= rates
            for r, v in enumerate(cached):
                self.miss[v] = hits[r]

    def own(self, v: int, rows: Sequence[Row], s: int) -> FloatArray | None:
        """Block v's own time in each row, shape (rows, s); None when always 0."""
        svc = self.services[v]
        if svc is None:
            return None
        k = len(rows)
        down = [i for i, row in enumerate(rows) if v in row.lost or v in row.bypassed]
        if len(down) == k:
            return None
        out = self._sharded(v, svc, rows, s) if svc.tabulated else self._single(v, rows, s)
        if out is not None and down:
            out = np.array(out)  # a writable copy
            out[down] = 0.0
        return out

    def _waits(self, v: int, rows: Sequence[Row]) -> bool:
        """Whether block v waits (queue, batch, saturation) in any row, or is sharded: its own time then differs
        from its plain service time."""
        svc = self.services[v]
        if svc is not None and svc.tabulated:
            return True
        for row in rows:
            st = row.states.get(v)
            if st is not None and (st.saturated or st.p_wait > 0.0 or st.batch_fill_ms > 0.0):
                return True
        return False

    def _single(self, v: int, rows: Sequence[Row], s: int) -> FloatArray | None:
        k = len(rows)
        base = self.service[v]
        expo = self.expo[v]
        fill = self.fill[v]
        if base is not None:
            base = base[:s]
        if (expo is None and fill is None) or not self._waits(v, rows):
            return None if base is None else np.broadcast_to(base, (k, s))
        expo = expo[:s] if expo is not None else None
        fill = fill[:s] if fill is not None else None
        out = np.zeros((k, s), dtype=np.float32) if base is None else np.repeat(base[None, :], k, axis=0)
        for i, row in enumerate(rows):
            state = row.states.get(v)
            if state is None:
                continue
            if state.saturated:
                out[i] = SATURATED
                continue
            if expo is not None and state.p_wait > 0.0:
                w = expo + np.float32(math.log(state.p_wait))
                np.maximum(w, np.float32(0.0), out=w)
                w *= np.float32(1.0 / state.theta_per_ms)
                out[i] += w
            if fill is not None and state.batch_fill_ms > 0.0:
                out[i] += fill * np.float32(state.batch_fill_ms)
        return out

    def _sharded(self, v: int, svc: Service, rows: Sequence[Row], s: int) -> FloatArray:
        u = self.shard_u[v]
        assert u is not None
        u = u[:s]
        out = np.empty((len(rows), s), dtype=np.float32)
        for i, row in enumerate(rows):
            state = row.states.get(v)
            if state is not None and state.saturated:
                out[i] = SATURATED
                continue
            p_wait = state.p_wait if state is not None else 0.0
            theta = state.theta_per_ms if state is not None else 0.0
            out[i] = shard_times(svc, p_wait, theta, u)
            fill = self.fill[v]
            if fill is not None and state is not None and state.batch_fill_ms > 0.0:
                out[i] += fill[:s] * np.float32(state.batch_fill_ms)
        return out

    def paths(self, rows: Sequence[Row], entries: Sequence[int], tier_quantile: bool = False,
              limit: int | None = None) -> tuple[dict[int, list[PathLatency]], dict[int, list[float | None]]]:
        """End-to-end p50/p99 of each entry's path in each row, and, with ``tier_quantile``, the own p99 in each row
        of each block that waits somewhere (the others' own p99 is their service p99). ``limit`` uses only the
        first that many samples of each block (fewer, same numbers)."""
        s = self.samples if limit is None else max(1, min(limit, self.samples))
        lost_rows: dict[int, list[int]] = {}
        bypass_rows: dict[int, list[int]] = {}
        for i, row in enumerate(rows):
            for v in row.lost:
                lost_rows.setdefault(v, []).append(i)
            for v in row.bypassed:
                bypass_rows.setdefault(v, []).append(i)
        with np.errstate(over="ignore", invalid="ignore"):  # a huge DAG of sequential diamonds may reach inf
            return self._combine(rows, entries, tier_quantile, s, lost_rows, bypass_rows)

    def _combine(self, rows: Sequence[Row], entries: Sequence[int], tier_quantile: bool, s: int,
                 lost_rows: dict[int, list[int]], bypass_rows: dict[int, list[int]]
                 ) -> tuple[dict[int, list[PathLatency]], dict[int, list[float | None]]]:
        g = self.g
        order = g.reach_post
        kids_of = g.kids
        k = len(rows)
        callers = [0] * len(g.ids)
        for v in order:
            for w in kids_of[v]:
                callers[w] += 1
        keep = set(entries)
        total: list[FloatArray | None] = [None] * len(g.ids)
        done = [False] * len(g.ids)
        own_p99: dict[int, list[float | None]] = {}
        used = [0] * len(g.ids)  # calls of each block combined so far
        for v in order:  # children first; results are never modified in place once stored
            own = self.own(v, rows, s)
            if tier_quantile and own is not None and self._waits(v, rows):
                kth = min(int(self.quantile * s), s - 1)
                own_p99[v] = [_finite_time(np.partition(own[i], kth)[kth]) for i in range(k)]
            kids = kids_of[v]
            down: FloatArray | None = None
            if kids:
                svc = self.services[v]
                parallel = svc is not None and svc.parallel
                for w in kids:
                    t = total[w] if done[w] else None
                    if t is None:
                        continue
                    if used[w]:  # a second call of the same block: another request's draws (see the docstring)
                        t = _roll(t, (REUSE_SHIFT * used[w]) % s or 1)
                    used[w] += 1
                    if down is None:
                        down = t.copy()
                    elif parallel:
                        np.maximum(down, t, out=down)
                    else:
                        down += t
                miss = self.miss[v]
                if down is not None and miss is not None:
                    kept = bypass_rows.get(v)
                    saved = down[kept].copy() if kept else None
                    down *= miss[:s]  # a hit skips the callees
                    if kept:
                        down[kept] = saved
                if down is not None and v in lost_rows:
                    down[lost_rows[v]] = 0.0  # a block that is down calls nothing
                for w in kids:  # free what no other caller needs
                    callers[w] -= 1
                    if not callers[w] and w not in keep:
                        total[w] = None
            if own is None:
                total[v] = down
            elif down is None:
                total[v] = own
            else:
                down += own
                total[v] = down
            done[v] = True
        out: dict[int, list[PathLatency]] = {}
        for e in entries:
            t = total[e]
            if t is None:
                out[e] = [PathLatency(0.0, 0.0) for _ in range(k)]
                continue
            with np.errstate(invalid="ignore"):  # a sum that overflowed to inf (a pathological DAG) has no quantile
                q = row_quantiles(t, (0.5, self.quantile))
            out[e] = [PathLatency(_finite_time(q[0, i]), _finite_time(q[1, i])) for i in range(k)]
        return out, own_p99


def _roll(t: FloatArray, shift: int) -> FloatArray:
    """``np.roll(t, shift, axis=1)`` for 0 < shift <= t.shape[1], the same array without ``np.roll``'s checks
    and index arithmetic (a few thousand calls on a 10,000-block design)."""
    out = np.empty_like(t)
    out[:, shift:] = t[:, :-shift]
    out[:, :shift] = t[:, t.shape[1] - shift:]
    return out


def _finite_time(x: float) -> float | None:
    """A latency in ms, or None for a saturated tier (the sentinel), an overflow or no number."""
    value = float(x)
    return value if math.isfinite(value) and value < 1e29 else None


def shard_times(svc: Service, p_wait: float, theta_per_ms: float, u: npt.NDArray[np.float64]) -> FloatArray:
    """The slowest of ``svc.shards`` shard sojourn times for each uniform in ``u``: ``F⁻¹(u^{1/n})`` with F the
    per-shard CDF of wait + service (hedged: of ``min(T₁, d + T₂)``), tabulated on a log-spaced grid."""
    if not svc.timed:
        return np.zeros(u.shape, dtype=np.float32)
    grid, cdf = shard_cdf(svc, p_wait, theta_per_ms)
    target = u ** (1.0 / svc.shards)
    return np.interp(target, cdf, grid).astype(np.float32)


def shard_cdf(svc: Service, p_wait: float, theta_per_ms: float) -> tuple[npt.NDArray[np.float64],
                                                                          npt.NDArray[np.float64]]:
    """(grid of times in ms, per-shard CDF of the sojourn time on it), hedging applied when the block hedges
    (``distributions.sojourn_cdf_grid``, remembered there: the arrays are read-only)."""
    return sojourn_cdf_grid(svc.mu, svc.sigma, p_wait, theta_per_ms, HEDGE_QUANTILE if svc.hedged else None)
