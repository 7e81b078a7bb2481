"""Capacity per tier at a load: replicas running, utilisation, and the tier as a queue (see ``queueing``).

Here "component" means a placed block of a design (``mlsd.model.Component``).

- A tier is a block on a request path that is modelled as a queue (``Service.queued``: self-run, with a known
  throughput). Its capacity is ``replicas × qps_per_replica`` (per shard), its utilisation the rate reaching it
  divided by that. A block that sends hedged requests receives about 5% more load.
- Replicas at a load: the declared ``replicas``; an autoscaling tier runs what keeps ``requirements.headroom``
  spare at that load, between ``replicas`` and the replicas it can reach (``max_replicas`` when it states a
  ``scale_up_minutes`` of at most 10 minutes, else ``replicas``: see ``service``). Within that, steady state:
  a sudden spike meets the replicas of the load before it.
- Managed services (``managed: true``) scale on the provider's side: their capacity is the load they carry
  (no headroom to show), unless the block declares a ceiling (its own ``qps_per_replica`` × ``replicas``:
  provisioned capacity or a quota), which its capacity and headroom then show (CAP-9 judges it).
- ``needed_replicas`` is what carries the peak with the headroom: ``ceil(peak × (1 + headroom) / qps)``.
- ``saturation_load`` is the multiple of the peak at which the tier reaches 100% utilisation with all the
  replicas it can reach.
- ``shards_to_fit``: a block that declares the memory one replica has for its data (``memory_gb_per_replica``)
  and the data it holds (``storage_gb``; own or the kind's) needs ``ceil(storage_gb / memory_gb_per_replica)``
  shards to hold it (each replica of a shard holds that shard's part: the usual in-memory index or
  embedding-table layout). In this model every shard receives every request (scatter-gather), so shards add
  no throughput: memory is the only thing that asks for more of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mlsd.analysis.queueing import ac_factor, erlang_c, wait_quantile
from mlsd.analysis.service import HEDGE_EXTRA_LOAD, Service
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue


@dataclass(frozen=True, slots=True)
class TierState:
    """One queued tier at one load: what the latency sampler and the reports need."""

    rate: float  # requests/s reaching each shard of the tier
    replicas: int
    capacity: float  # requests/s the tier completes with every server busy (per shard)
    servers: int
    p_wait: float  # Erlang C
    theta_per_ms: float  # rate of the exponential wait of those who wait (Allen–Cunneen), 1/ms
    batch_fill_ms: float  # longest a request waits for its batch to fill

    @property
    def saturated(self) -> bool:
        return self.rate >= self.capacity

    @property
    def utilisation(self) -> float:
        return self.rate / self.capacity

    def wait_quantile_ms(self, q: float) -> float | None:
        """The q-quantile of the queueing wait in ms (None when saturated)."""
        return None if self.saturated else wait_quantile(self.p_wait, self.theta_per_ms, q)


@dataclass(frozen=True)
class TierCapacity:
    """A block on a request path at the design's peak: load, replicas and, for a queued tier, how busy it is."""

    block: str
    peak_qps: float  # requests/s reaching this block at peak (after caches upstream)
    replicas: int  # running at peak (autoscaled within its bounds); per shard
    qps_per_replica: float | None  # what a replica sustains (declared, lowered to what its work allows)
    capacity_qps: float | None  # replicas × qps_per_replica
    needed_replicas: int | None  # ceil(peak × (1 + headroom) / qps_per_replica)
    headroom: float | None  # capacity / peak − 1 (None without load or throughput)
    declared_qps_per_replica: float | None = None  # the user's (or the kind's) qps_per_replica
    utilisation: float | None = None  # peak / capacity, for a queued tier
    saturated: bool = False  # utilisation ≥ 1: the queue grows without bound
    servers: int | None = None  # servers of the queue (replicas × parallelism per replica)
    p_wait: float | None = None  # probability a request waits (Erlang C)
    wait_p99_ms: float | None = None  # p99 of the queueing wait (None when saturated)
    p99_ms: float | None = None  # p99 of wait + service (sampled; None when saturated or not timed)
    light_p99_ms: float = 0.0  # p99 of its service at light load (work included)
    saturation_load: float | None = None  # × peak at which it saturates with all the replicas it can run
    shards: int = 1
    queued: bool = False
    kind_defaults: tuple[str, ...] = ()  # service numbers taken from the kind's defaults (the user declared none)
    reach_replicas: int | None = None  # replicas it can reach for the peak (max_replicas when it scales in time)
    reach_capacity_qps: float | None = None  # reach_replicas × qps_per_replica
    max_replicas: int | None = None  # the declared autoscaling ceiling (None when not autoscaling)
    scale_up_minutes: float | None = None  # declared time to add a replica
    managed: bool = False  # scales on the provider's side
    scales_with_load: bool = False  # managed, no declared ceiling: capacity_qps is the load it carries
    ceiling_qps: float | None = None  # a managed service's declared qps_per_replica × replicas
    per_item_qps: float = 0.0  # of peak_qps, the store calls made per candidate (see ``store_work``)


def queued_services(services: Sequence[Service | None]) -> list[tuple[int, Service]]:
    """(position, service) of the tiers modelled as queues."""
    return [(v, s) for v, s in enumerate(services) if s is not None and s.queued and s.qps_per_replica is not None]


def tier_states(queued: Sequence[tuple[int, Service]], rates: Sequence[float], headroom: float,
                replicas: Mapping[int, int] | None = None) -> dict[int, TierState]:
    """The queue of every ``queued`` tier (by position; see ``queued_services``) at the given arrival ``rates``;
    ``replicas`` overrides the replicas running (a failure). Erlang C is computed for all tiers at once."""
    positions: list[int] = []
    servers: list[int] = []
    offered: list[float] = []
    info: list[tuple[float, int, float]] = []
    queued_pairs: list[tuple[int, Service]] = []
    for v, s in queued:
        rate = rates[v] * (1.0 + HEDGE_EXTRA_LOAD if s.hedged else 1.0)
        running = replicas[v] if replicas is not None and v in replicas else s.replicas_for(rate, headroom)
        capacity = running * (s.qps_per_replica or 0.0)
        c = max(running * s.servers, 1)
        positions.append(v)
        queued_pairs.append((v, s))
        servers.append(c)
        offered.append(min(rate / capacity, 1.0) * c if capacity > 0 else float(c))
        info.append((rate, running, capacity))
    waits = erlang_c(np.array(servers, dtype=np.int64), np.array(offered)) if positions else np.zeros(0)
    out: dict[int, TierState] = {}
    for i, (v, s) in enumerate(queued_pairs):
        rate, running, capacity = info[i]
        theta = (capacity - rate) / ac_factor(1.0, s.cs2) / 1000.0 if capacity > rate else 0.0
        out[v] = TierState(rate, running, capacity, servers[i], float(waits[i]), theta, _batch_fill(s, rate, running))
    return out


def _batch_fill(s: Service, rate: float, running: int) -> float:
    """Longest wait for a batch to fill, ms: at most ``max_batch_wait_ms``, at most the time ``batch_size − 1``
    more requests take to reach the replica."""
    if s.batch_size <= 1 or s.batch_wait_ms <= 0:
        return 0.0
    per_replica_per_ms = rate / max(running, 1) / 1000.0
    if per_replica_per_ms <= 0:
        return s.batch_wait_ms
    return min(s.batch_wait_ms, (s.batch_size - 1) / per_replica_per_ms)


def needed_replicas(peak: float, per_replica: float | None, headroom: float, declared_peak: bool) -> int | None:
    """Replicas that carry ``peak`` with ``headroom`` spare (None without a throughput or a declared peak)."""
    if per_replica is None or not declared_peak:
        return None
    wanted = peak * (1.0 + headroom) / per_replica
    return math.ceil(round(wanted, 9)) if math.isfinite(wanted) else None  # rounded: 1000 × 1.3 / 100 is 13


def saturation_load(s: Service, peak_rate: float) -> float | None:
    """The multiple of the peak at which a queued tier saturates with every replica it can run."""
    if not s.queued or s.qps_per_replica is None or peak_rate <= 0:
        return None
    extra = 1.0 + HEDGE_EXTRA_LOAD if s.hedged else 1.0
    return s.reach_replicas * s.qps_per_replica / (peak_rate * extra)


def shards_to_fit(kind: str, props: Mapping[str, PropValue]) -> int | None:
    """The fewest shards that hold the block's data in its replicas' memory (None when it declares no
    ``memory_gb_per_replica`` or no ``storage_gb``, own or its kind's)."""
    defaults = KINDS[kind].props

    def get(name: str) -> float | None:
        value = props[name] if name in props else defaults.get(name)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    data, memory = get("storage_gb"), get("memory_gb_per_replica")
    if data is None or memory is None or memory <= 0:
        return None
    return max(1, math.ceil(round(data / memory, 9)))
