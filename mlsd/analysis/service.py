"""What one visit to a block costs: its latency at light load and the throughput of a replica, from the props the
user declared, the kind's defaults where they declared nothing, and the work the block does per request.

Here "component" means a placed block of a design (``mlsd.model.Component``).

The user's word and what is computed from it:
- Declared latency: ``p50_ms`` and ``p99_ms`` (own, else the kind's). A block that sets its own p99 is not
  described by its kind's p50, so the p50 comes from where the p99 comes from; without one it is p99 / 3 (a
  lognormal whose p99 is 3× its median has shape 0.47, typical of RPC services). A block with no p99 at all
  counts 0 ms (LAT-2 reports it).
- Work: a scoring block (models, ``online_inference``, ``reranker``) costs ``items_scored × ms_per_item`` ms of a
  replica per request. ``ms_per_item`` is the block's own, else its kind's (each documented in the catalog),
  else 0.0066 ms on CPU / 0.002 ms on GPU (``gpu``; also when a block moves a kind to other hardware than its
  default, since the kind's figure is for its own hardware): an embedding + MLP ranker of a few MFLOP per item scores
  ~150k items/s on an 8-vCPU replica and ~500k on an A10G with batching (NVIDIA's published Triton throughput
  for DLRM-class models; research/senior-review.md §3.1). The work bounds the replica's throughput at
  ``1000 / work`` requests/s, and a request's latency can't be shorter than the work done with the whole
  replica: when the work exceeds the declared mean latency, the latency is scaled up by that ratio (shape kept).
  Below that, the declared numbers stand as given.
- Throughput: ``qps_per_replica`` (own, else the kind's), lowered to what the work allows. A block with
  neither is not modelled as a queue (its latency does not grow with load); nor are clients and managed
  services (``managed: true``, own or the kind's: the provider adds capacity as load grows). A managed service
  whose block sets both ``qps_per_replica`` and ``replicas`` itself declares a ceiling (provisioned capacity,
  a quota): ``ceiling_qps`` = their product, which CAP-9 holds the load to.
- Autoscaling (``autoscaling: true``): the tier runs from ``replicas`` up to the replicas it can reach,
  ``max_replicas`` only when the block states ``scale_up_minutes`` within ``MAX_SCALE_UP_MINUTES`` (10 min),
  else its ``replicas``. A diurnal peak builds over tens of minutes, and the headroom (30% by default) carries
  the growth while replicas start; a scale-up slower than 10 minutes, or of unknown speed, cannot be counted
  on for the peak. 10 minutes sits below the Kubernetes cluster autoscaler's ``max-node-provision-time``
  (15 min by default: a node not ready by then counts as failed; kubernetes/autoscaler FAQ) and above
  typical HPA reaction (15 s sync period) plus GPU node provisioning, image pull and model load (several
  minutes on EKS/GKE GPU node pools).
- Parallelism of a replica (servers of its queue) by Little's law from its throughput and mean service time.
- Dynamic batching (``batch_size`` > 1, ``max_batch_wait_ms``): a request waits for its batch to fill, at most
  ``max_batch_wait_ms`` and at most the time ``batch_size − 1`` further requests take to arrive at the replica;
  arrivals are spread evenly over the fill window (NVIDIA Triton, dynamic batcher: max_batch_size and
  max_queue_delay; its default delay 0 batches only what is already queued).
- Batch cost model (``batch_overhead_ms`` declared, own or the kind's): a batch of b requests takes
  ``batch_overhead_ms + b × per-request work`` of a replica (the per-request work is ``items_scored ×
  ms_per_item``, or ``ms_per_item`` when no items are declared), so a replica sustains ``1000 · b / (overhead +
  b × work)`` requests/s and a request's service time is the whole batch's (at the peak a batch runs full). This
  is the affine batch-latency model of Clipper (Crankshaw et al., NSDI 2017, §4.3 adaptive batching: latency
  grows about linearly with batch size above a fixed per-batch cost) and what NVIDIA Triton's dynamic batcher
  trades (larger batches, more throughput, a longer batch). With it, throughput follows ``batch_size`` (the
  declared ``qps_per_replica``, a measurement at one batch size, is not used), which makes ``batch_size`` a knob
  ``python -m mlsd size`` can turn. Servers per replica by Little's law then come to about ``b``.
- Shards (``shards`` > 1): every request fans out to every shard and waits for the slowest (scatter-gather);
  ``replicas`` is per shard. ``hedged_requests`` sends a backup to another replica when a shard has not answered
  by its p95, which cuts the tail at about 5% more load (Dean & Barroso, The Tail at Scale, CACM 2013).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlsd.analysis.distributions import lognormal_fit, lognormal_mean
from mlsd.analysis.queueing import lognormal_cv2, servers_per_replica
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue

Props = dict[str, PropValue]

SCORING_CATEGORIES = frozenset({"models"})
SCORING_KINDS = frozenset({"online_inference", "reranker"})
GENERIC_MS_PER_ITEM = {False: 0.0066, True: 0.002}  # CPU, GPU (see the module docstring)
MAX_SCALE_UP_MINUTES = 10.0  # longest scale-up counted on for the peak (see the module docstring)
HEDGE_QUANTILE = 0.95  # a backup request goes out when a shard is slower than its p95
HEDGE_EXTRA_LOAD = 1.0 - HEDGE_QUANTILE
MISSING_P50_FRACTION = 1.0 / 3.0
# the props a block's service model reads: a block setting none of them is modelled as its kind (once per kind)
SERVICE_PROPS = frozenset({
    "p50_ms", "p99_ms", "calls", "hit_rate", "qps_per_replica", "replicas", "max_replicas", "autoscaling",
    "managed", "items_scored", "ms_per_item", "gpu", "batch_size", "max_batch_wait_ms", "shards",
    "hedged_requests", "cost_per_hour", "fallback", "scale_up_minutes", "batch_overhead_ms",
})
# props whose kind default the report names when a block relies on it
SERVICE_NUMBERS = ("p99_ms", "p50_ms", "qps_per_replica", "replicas", "ms_per_item")


@dataclass(frozen=True, slots=True)
class Service:
    """The service model of a block (see the module docstring); latencies in ms, throughput in requests/s. Blocks
    of one kind with the same service props share one."""

    kind: str
    declared_p50_ms: float  # the user's word (or the kind's default); 0 when no latency is known
    declared_p99_ms: float
    p50_ms: float  # light-load latency after the work is accounted for
    p99_ms: float
    mu: float  # lognormal of the light-load latency (ln ms)
    sigma: float
    missing_latency: bool  # no p99 anywhere (own or kind)
    items: float
    ms_per_item: float
    work_ms: float  # replica time per request: items × ms_per_item
    work_scale: float  # ≥ 1: how much the work stretched the declared latency
    hit_rate: float
    parallel: bool
    managed: bool
    declared_qps: float | None  # qps_per_replica as declared (or the kind's)
    qps_per_replica: float | None  # what a replica sustains: declared, lowered to what the work allows
    replicas: int  # running (the floor when autoscaling); per shard
    max_replicas: int  # declared ceiling of autoscaling (``replicas`` when not autoscaling)
    autoscaling: bool
    scale_up_minutes: float | None  # declared time to bring a replica into service
    ceiling_qps: float | None  # a managed service's declared qps_per_replica × replicas (its own props)
    servers: int  # requests one replica works on at once (Little's law)
    shards: int
    hedged: bool
    batch_size: int
    batch_wait_ms: float
    batch_overhead_ms: float | None  # the batch cost model's fixed part (None: no batch cost model declared)
    batch_ms: float  # replica time of one full batch under the batch cost model (0 without one)
    cost_per_hour: float
    fallback: bool  # a fallback answers when this block fails
    from_kind: tuple[str, ...]  # service numbers taken from the kind's defaults

    @property
    def timed(self) -> bool:
        return self.p99_ms > 0.0

    @property
    def tabulated(self) -> bool:
        """Own time drawn from a tabulated CDF (sharded or hedged; ``latency.shard_cdf``), not from lognormal + wait
        draws."""
        return self.timed and (self.shards > 1 or self.hedged)

    @property
    def queued(self) -> bool:
        """Modelled as a queue: a self-run block (not a client, not managed) with a known throughput."""
        return self.qps_per_replica is not None and self.kind != "client" and not self.managed

    @property
    def mean_ms(self) -> float:
        return lognormal_mean(self.mu, self.sigma) if self.timed else 0.0

    @property
    def cs2(self) -> float:
        """Squared coefficient of variation of the service time (Allen–Cunneen's cs²)."""
        return lognormal_cv2(self.sigma) if self.timed else 0.0

    @property
    def work_limited(self) -> bool:
        """The work per request, not the declared throughput, bounds a replica."""
        return (self.declared_qps is not None and self.qps_per_replica is not None
                and self.qps_per_replica < self.declared_qps)

    @property
    def scales_in_time(self) -> bool:
        """Autoscaling whose stated scale-up time is within ``MAX_SCALE_UP_MINUTES``."""
        return (self.autoscaling and self.scale_up_minutes is not None
                and self.scale_up_minutes <= MAX_SCALE_UP_MINUTES)

    @property
    def reach_replicas(self) -> int:
        """Replicas the tier can reach for the peak: ``max_replicas`` when it scales in time, else ``replicas``."""
        return self.max_replicas if self.scales_in_time else self.replicas

    def replicas_for(self, rate: float, headroom: float) -> int:
        """Replicas running at arrival ``rate``: the floor, or what autoscaling runs to keep ``headroom``
        (capped at the replicas it can reach)."""
        if not self.scales_in_time or not self.qps_per_replica:
            return self.replicas
        wanted = math.ceil(round(rate * (1.0 + headroom) / self.qps_per_replica, 9))
        return min(max(self.replicas, wanted), self.max_replicas)


def _num(own: Props, defaults: Props, name: str, default: float = 0.0) -> float:
    value = own[name] if name in own else defaults.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _flag(own: Props, defaults: Props, name: str) -> bool:
    return (own[name] if name in own else defaults.get(name)) is True


def service_of(kind: str, own: Props) -> Service:
    """The service model of one block from its own props and its kind's defaults."""
    defaults = KINDS[kind].props
    source = own if "p99_ms" in own else defaults
    missing = source.get("p99_ms") is None and kind != "client"
    p99 = max(_num(own, defaults, "p99_ms"), 0.0)
    p50 = 0.0
    mu = sigma = 0.0
    if p99 > 0.0:
        given = source.get("p50_ms")
        known = isinstance(given, int | float) and not isinstance(given, bool)
        p50 = float(given) if known else p99 * MISSING_P50_FRACTION  # type: ignore[arg-type]
        p50 = min(max(p50, p99 / 1000.0), p99)
        mu, sigma = lognormal_fit(p50, p99)
    declared_p50, declared_p99 = p50, p99

    scoring = kind in SCORING_KINDS or KINDS[kind].category in SCORING_CATEGORIES
    items = max(_num(own, defaults, "items_scored"), 0.0)
    gpu = _flag(own, defaults, "gpu")
    per_item = _num(own, {}, "ms_per_item", -1.0)
    if per_item < 0.0:  # the kind's figure is for the kind's hardware; a block moved to or off GPUs takes ours
        kind_figure = _num({}, defaults, "ms_per_item", -1.0)
        same_hardware = gpu == (defaults.get("gpu") is True)
        per_item = kind_figure if kind_figure >= 0.0 and same_hardware else GENERIC_MS_PER_ITEM[gpu] if scoring else 0.0
    work = items * per_item if scoring or "ms_per_item" in own else 0.0
    batch = max(int(_num(own, defaults, "batch_size", 1.0)), 1)
    overhead = _num(own, defaults, "batch_overhead_ms", -1.0)
    batch_ms = 0.0
    if overhead >= 0.0:  # the batch cost model: a batch costs overhead + b × the work of one request
        batch_ms = overhead + batch * (work if work > 0.0 else max(per_item, 0.0))
    stretch = batch_ms if batch_ms > 0.0 else work
    scale = 1.0
    if stretch > 0.0 and p99 > 0.0:
        scale = max(1.0, stretch / lognormal_mean(mu, sigma))
        if scale > 1.0:
            p50, p99, mu = p50 * scale, p99 * scale, mu + math.log(scale)

    declared_qps = _num(own, defaults, "qps_per_replica")
    declared = declared_qps if declared_qps > 0.0 else None
    per = declared
    if batch_ms > 0.0:
        per = 1000.0 * batch / batch_ms
    elif work > 0.0:
        per = min(per, 1000.0 / work) if per is not None else 1000.0 / work
    replicas = max(int(_num(own, defaults, "replicas", 1.0)), 1)
    autoscaling = _flag(own, defaults, "autoscaling")
    most = max(int(_num(own, defaults, "max_replicas", float(replicas))), replicas) if autoscaling else replicas
    mean_s = lognormal_mean(mu, sigma) / 1000.0 if p99 > 0.0 else 0.0
    servers = servers_per_replica(per, mean_s) if per is not None else 1
    from_kind = tuple(n for n in SERVICE_NUMBERS if n not in own and n in defaults
                      and not (n == "qps_per_replica" and batch_ms > 0.0))  # the batch model replaces it
    managed = _flag(own, defaults, "managed")
    up = _num(own, defaults, "scale_up_minutes", -1.0)
    ceiling = (declared_qps * replicas if managed and declared_qps > 0 and "qps_per_replica" in own
               and "replicas" in own else None)
    return Service(
        kind=kind,
        declared_p50_ms=declared_p50,
        declared_p99_ms=declared_p99,
        p50_ms=p50,
        p99_ms=p99,
        mu=mu,
        sigma=sigma,
        missing_latency=missing,
        items=items,
        ms_per_item=per_item,
        work_ms=work,
        work_scale=scale,
        hit_rate=min(max(_num(own, defaults, "hit_rate"), 0.0), 1.0),
        parallel=(own["calls"] if "calls" in own else defaults.get("calls")) == "parallel",
        managed=managed,
        declared_qps=declared,
        qps_per_replica=per,
        replicas=replicas,
        max_replicas=most,
        autoscaling=autoscaling,
        scale_up_minutes=up if up >= 0.0 else None,
        ceiling_qps=ceiling,
        servers=servers,
        shards=max(int(_num(own, defaults, "shards", 1.0)), 1),
        hedged=_flag(own, defaults, "hedged_requests"),
        batch_size=batch,
        batch_wait_ms=max(_num(own, defaults, "max_batch_wait_ms"), 0.0),
        batch_overhead_ms=overhead if overhead >= 0.0 else None,
        batch_ms=batch_ms,
        cost_per_hour=max(_num(own, defaults, "cost_per_hour"), 0.0),
        fallback=_flag(own, defaults, "fallback"),
        from_kind=from_kind,
    )


def services(kinds: list[str], props: list[Props], positions: list[int]) -> list[Service | None]:
    """The service model of the blocks at ``positions`` (None elsewhere), computed once per kind and set of service
    props."""
    out: list[Service | None] = [None] * len(kinds)
    seen: dict[tuple[object, ...], Service] = {}  # blocks of one kind with the same service props share a model
    for v in positions:
        own, kind = props[v], kinds[v]
        key: tuple[object, ...] = (kind, *sorted((n, _hashable(x)) for n, x in own.items() if n in SERVICE_PROPS))
        template = seen.get(key)
        if template is None:
            template = seen[key] = service_of(kind, {n: x for n, x in own.items() if n in SERVICE_PROPS})
        out[v] = template  # shared: a Service is frozen and says nothing of which block it describes
    return out


def _hashable(value: PropValue) -> object:
    return tuple(value) if isinstance(value, list) else value
